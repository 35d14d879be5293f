/**
 * The seeded generator behind `manualSeed`: xoshiro128** for uniform 32-bit integers, with
 * Box-Muller for normals. The sequence is ours, not PyTorch's (PyTorch's Mersenne Twister and
 * Philox streams are device-specific); tests compare statistics, never raw draws.
 * @module
 */

/** A small, fast, seedable PRNG. */
export class Generator {
  #s = new Uint32Array(4);
  #spareNormal: number | null = null;

  constructor(seed = 0) {
    this.manualSeed(seed);
  }

  /** Resets the state from a seed (SplitMix32 expands it into the 128-bit state). */
  manualSeed(seed: number): this {
    let z = (Math.trunc(seed) >>> 0) ^ 0x9e3779b9;
    for (let i = 0; i < 4; i++) {
      z = (z + 0x9e3779b9) >>> 0;
      let t = z;
      t = Math.imul(t ^ (t >>> 16), 0x85ebca6b);
      t = Math.imul(t ^ (t >>> 13), 0xc2b2ae35);
      this.#s[i] = (t ^ (t >>> 16)) >>> 0;
    }
    if (this.#s.every((v) => v === 0)) this.#s[0] = 1;
    this.#spareNormal = null;
    return this;
  }

  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const s = this.#s;
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform float in [0, 1) with 24 random bits, so float32 never rounds it up to 1. */
  nextFloat(): number {
    return (this.nextUint32() >>> 8) / 16777216;
  }

  /** Standard normal. */
  nextNormal(): number {
    if (this.#spareNormal !== null) {
      const v = this.#spareNormal;
      this.#spareNormal = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.nextFloat();
    const v = this.nextFloat();
    const r = Math.sqrt(-2 * Math.log(u));
    this.#spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Uniform integer in [low, high). */
  nextInt(low: number, high: number): number {
    return low + Math.floor((this.nextUint32() / 4294967296) * (high - low));
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** The global generator used when no `generator` option is given. */
export const defaultGenerator: Generator = new Generator(0x5eed);

/**
 * Seeds the global generator so every random function is reproducible.
 * @example
 * ```ts
 * import * as torch from "../mod.ts";
 * torch.manualSeed(42);
 * const a = torch.rand(3).toArray();
 * torch.manualSeed(42);
 * console.assert(JSON.stringify(torch.rand(3).toArray()) === JSON.stringify(a));
 * ```
 */
export function manualSeed(seed: number): Generator {
  return defaultGenerator.manualSeed(seed);
}
