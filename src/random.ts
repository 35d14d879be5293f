/**
 * The seeded generator behind `manualSeed`, bit-compatible with PyTorch's CPU generator.
 *
 * PyTorch's CPU generator (`CPUGeneratorImpl`, PyTorch 1.13) is a 32-bit Mersenne Twister
 * (mt19937) seeded with the low 32 bits of the 64-bit seed; its draws are shaped by the
 * distributions of ATen's `DistributionsHelper.h` and the CPU kernels of `DistributionTemplates.h`.
 * This module reimplements both, so that after `torch.manualSeed(s)` the calls `rand`, `randn`,
 * `randint`, `randperm` (and `Generator.uniformFill` / `normalFill`, the kernels of PyTorch's
 * `tensor.uniform_()` / `tensor.normal_()`) return the values PyTorch returns after
 * `torch.manual_seed(s)` for the same calls in the same order.
 *
 * Two PyTorch kernels depend on the CPU PyTorch runs on (its "CPU capability", see `Capability`):
 * the float32 normal fill (16 or more elements) and `uniform_(from, to)` with a range other than
 * [0, 1). The default, `"avx2"`, reproduces x86-64 machines with AVX2 (PyTorch's usual dispatch
 * on Intel and AMD CPUs of the last decade, also chosen on AVX-512 machines for these kernels).
 *
 * The Mersenne Twister itself is in `random_mt19937.ts`, the float arithmetic of PyTorch's kernels
 * (fused multiply-adds, the float32 Box-Muller blocks) in `random_float_math.ts`, and the draws of
 * `Generator.multinomial` in `random_multinomial.ts`.
 * @module
 */

import { N, temper, twist } from "./random_mt19937.ts";
import { boxMuller16Avx2, boxMuller16Default, fma32, fma64, TWO_PI } from "./random_float_math.ts";
import { boxMullerAvx2Wasm, uniformFillWasm } from "./random_kernels.ts";
import { sampleMultinomial } from "./random_multinomial.ts";

/**
 * Which of PyTorch's CPU kernels to reproduce where results differ by CPU:
 * - `"avx2"` (default): PyTorch on x86-64 with AVX2 (`torch.backends.cpu.get_cpu_capability()`
 *   is `"AVX2"` or `"AVX512"`). `normal_` of 16 or more float32 elements runs the vectorized
 *   Box-Muller kernel (Cephes-style float32 `log`/`sincos` polynomials with fused multiply-adds),
 *   reproduced here exactly; `uniform_(from, to)` computes `u * (to - from) + from` with one
 *   fused multiply-add.
 * - `"default"`: PyTorch's portable kernels (`ATEN_CPU_CAPABILITY=default`, x86-64 without AVX2).
 *   `uniform_` rounds the product and the sum separately (reproduced exactly). The normal fill
 *   calls the C library's float `logf`/`cosf`/`sinf`, which in glibc are not correctly rounded;
 *   this module uses correctly rounded ones, so against glibc about 1% of the values of a normal
 *   fill differ in the last bits (at most 3 ulp of the unscaled normal plus 1 ulp of the result,
 *   measured on 12M values); everything else is exact.
 *   ARM builds (Apple silicon, Linux aarch64) also use the portable kernels, but their compilers
 *   may fuse multiply-adds and their math libraries differ: expect similar last-bit differences.
 */
export type Capability = "avx2" | "default";

/** Options of `new Generator(seed, opts)`. */
export interface GeneratorOptions {
  /** The PyTorch CPU kernels to reproduce (default `"avx2"`); see `Capability`. */
  capability?: Capability;
}

/** PyTorch's default seed (`default_rng_seed_val`): a fresh `torch.Generator()` starts from it. */
export const DEFAULT_SEED = 67280421310721;

/** Bytes of a state from `Generator.getState()` (the size of PyTorch's `torch.get_rng_state()`). */
export const STATE_BYTES = 5056;

const TWO_POW_M24 = 2 ** -24;
const TWO_POW_M53 = 2 ** -53;
const TWO_POW_32 = 4294967296;
const FLT_MAX = 3.4028234663852886e38;

function toSeed(op: string, seed: number | bigint): bigint {
  let s: bigint;
  if (typeof seed === "bigint") {
    s = seed;
  } else {
    if (typeof seed !== "number" || !Number.isFinite(seed)) {
      throw new RangeError(`${op}: expected a finite integer seed, got ${String(seed)}`);
    }
    s = BigInt(Math.trunc(seed));
  }
  if (s < -(2n ** 63n) || s >= 2n ** 64n) {
    throw new RangeError(
      `${op}: seed must be within [-0x8000_0000_0000_0000, 0xffff_ffff_ffff_ffff], got ${s}`,
    );
  }
  return BigInt.asUintN(64, s);
}

/**
 * PyTorch's CPU random number generator: mt19937 plus the cached second Box-Muller sample, with
 * the draws PyTorch's distributions make. `new Generator(seed)` is `torch.Generator().manual_seed(seed)`;
 * pass it as `{ generator }` to the random creation functions.
 * @example
 * ```ts
 * import * as torch from "../mod.ts";
 * const g = new torch.Generator(42);
 * const a = torch.rand(3, { generator: g });
 * g.manualSeed(42);
 * console.assert(JSON.stringify(torch.rand(3, { generator: g }).toArray()) === JSON.stringify(a.toArray()));
 * g.manualSeed(0);
 * g.random(); // 2357136044, the first 32-bit draw of torch.Generator().manual_seed(0)
 * ```
 */
export class Generator {
  #capability: Capability = "avx2";
  #mt = new Int32Array(N);
  #next = 0;
  #left = 1;
  #seed = 0n;
  /** The second Box-Muller sample of the serial normal path, as PyTorch caches it. */
  #nextNormal: number | null = null;

  /** A generator seeded with `seed` (default: PyTorch's default seed, `DEFAULT_SEED`). */
  constructor(seed: number | bigint = DEFAULT_SEED, opts: GeneratorOptions = {}) {
    this.capability = opts.capability ?? "avx2";
    this.manualSeed(seed);
  }

  /** The PyTorch CPU kernels this generator reproduces where they differ by CPU; see `Capability`. */
  get capability(): Capability {
    return this.#capability;
  }
  set capability(cap: Capability) {
    if (cap !== "avx2" && cap !== "default") {
      throw new TypeError(`Generator: capability must be "avx2" or "default", got ${String(cap)}`);
    }
    this.#capability = cap;
  }

  /**
   * Resets the state from a seed, like `generator.manual_seed(seed)`: mt19937 initialised with the
   * seed's low 32 bits, and the cached normal sample dropped. Seeds are integers in
   * [-2^63, 2^64) (negative ones wrap to 64 bits, as in PyTorch); non-integers are truncated.
   */
  manualSeed(seed: number | bigint): this {
    const s = toSeed("manualSeed", seed);
    const mt = this.#mt;
    mt[0] = Number(s & 0xffffffffn) | 0;
    for (let j = 1; j < N; j++) {
      const prev = mt[j - 1];
      mt[j] = (Math.imul(1812433253, prev ^ (prev >>> 30)) + j) | 0;
    }
    this.#seed = s;
    this.#left = 1;
    this.#next = 0;
    this.#nextNormal = null;
    return this;
  }

  /** The seed last given to `manualSeed` (as a number: exact below 2^53), like `initial_seed()`. */
  initialSeed(): number {
    return Number(this.#seed);
  }

  /** One 32-bit draw, an integer in [0, 2^32): PyTorch's `generator->random()`. */
  random(): number {
    if (--this.#left === 0) this.#refill();
    return temper(this.#mt[this.#next++]) >>> 0;
  }

  /** Two draws as a 64-bit integer, the first in the high half: PyTorch's `generator->random64()`. */
  random64(): bigint {
    const hi = this.random();
    const lo = this.random();
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  /** Same as `random()` (a uniform 32-bit unsigned integer). */
  nextUint32(): number {
    return this.random();
  }

  /**
   * A float32 uniform in [0, 1) from one draw (its low 24 bits), as `torch.rand` makes each
   * element: `(random() & 0xffffff) * 2^-24`.
   */
  nextFloat(): number {
    return (this.random() & 0xffffff) * TWO_POW_M24;
  }

  /** A float64 uniform in [0, 1) from two draws (the low 53 bits of `random64()`), as for float64 tensors. */
  nextDouble(): number {
    const hi = this.random() & 0x1fffff;
    const lo = this.random();
    return (hi * TWO_POW_32 + lo) * TWO_POW_M53;
  }

  /**
   * A standard normal sample (float64) from PyTorch's serial Box-Muller path
   * (`normal_distribution<double>`): two `nextDouble()` per pair; the sine half of each pair is
   * cached and returned by the next call. `normalFill` of fewer than 16 elements draws from here.
   */
  nextNormal(): number {
    const cached = this.#nextNormal;
    if (cached !== null) {
      this.#nextNormal = null;
      return cached;
    }
    const u1 = this.nextDouble();
    const u2 = this.nextDouble();
    const r = Math.sqrt(-2 * Math.log(1 - u2));
    const theta = TWO_PI * u1;
    this.#nextNormal = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  /**
   * A uniform integer in [low, high), as `torch.randint(low, high)` draws it: `random() % range + low`
   * for ranges below 2^32, else `random64() % range + low`.
   */
  nextInt(low: number, high: number): number {
    const range = high - low;
    if (range < TWO_POW_32) return (this.random() % range) + low;
    return Number(this.random64() % BigInt(range)) + low;
  }

  /**
   * Fills `out` with float32 uniforms in [from, to), exactly as PyTorch's
   * `torch.empty(n).uniform_(from, to)` (contiguous float32) fills its elements in order: one draw
   * each, `u = (random() & 0xffffff) * 2^-24`, then `u * (to - from) + from` in float32 (`from`, `to`
   * and `to - from` rounded to float32; fused multiply-add under the `"avx2"` capability).
   * `torch.rand` is `uniformFill(out, 0, 1)`; `nn.init.uniform_` and friends call it on weights.
   * @example
   * ```ts
   * import * as torch from "../mod.ts";
   * const w = new Float32Array(4);
   * new torch.Generator(0).uniformFill(w, -0.5, 0.5); // torch.manual_seed(0); torch.empty(4).uniform_(-0.5, 0.5)
   * console.assert(w.every((v) => v >= -0.5 && v < 0.5));
   * ```
   */
  uniformFill(out: Float32Array, from = 0, to = 1): Float32Array {
    if (!(Number.isFinite(from) && Number.isFinite(to)) || !(from <= to)) {
      throw new RangeError(
        `uniform_: expects to return a [from, to) range, but found from=${from} > to=${to}`,
      );
    }
    if (to - from > FLT_MAX) {
      throw new RangeError(`uniform_: expects to - from <= ${FLT_MAX}, but found to=${to} and from=${from}`);
    }
    const fround = Math.fround;
    const lo = fround(from), range = fround(fround(to) - lo);
    const plain = lo === 0 && range === 1, fused = this.#capability === "avx2";
    const n = out.length;
    const mt = this.#mt;
    let next = this.#next, left = this.#left;
    const packed = uniformFillWasm(
      mt,
      next,
      left,
      out,
      lo,
      range,
      plain ? 0 : fused ? (lo === 0 ? 1 : 2) : 3,
    );
    if (packed !== null) {
      this.#next = packed >> 10;
      this.#left = packed & 1023;
      return out;
    }
    for (let i = 0; i < n;) {
      if (left === 1) {
        // The next draw regenerates the state (PyTorch: `if (--left == 0) next_state();`).
        twist(mt);
        next = 0;
        left = N + 1;
      }
      const k = Math.min(left - 1, n - i), end = i + k;
      if (plain) {
        for (let q = next; i < end; i++, q++) out[i] = (temper(mt[q]) & 0xffffff) * TWO_POW_M24;
      } else if (fused && lo === 0) {
        // A fused multiply-add of + 0 is the exact product rounded once.
        for (let q = next; i < end; i++, q++) out[i] = (temper(mt[q]) & 0xffffff) * TWO_POW_M24 * range;
      } else if (fused) {
        for (let q = next; i < end; i++, q++) {
          out[i] = fma32((temper(mt[q]) & 0xffffff) * TWO_POW_M24, range, lo);
        }
      } else {
        for (let q = next; i < end; i++, q++) {
          out[i] = fround(fround((temper(mt[q]) & 0xffffff) * TWO_POW_M24 * range) + lo);
        }
      }
      next += k;
      left -= k;
    }
    this.#next = next;
    this.#left = left;
    return out;
  }

  /**
   * Fills `out` with float32 normals of mean `mean` and standard deviation `std`, exactly as
   * PyTorch's `torch.empty(n).normal_(mean, std)` (contiguous float32) does; `torch.randn` is
   * `normalFill(out, 0, 1)`, and `nn.init.normal_` and friends call it on weights.
   *
   * With 16 or more elements (PyTorch's `normal_fill`): a uniform for every element first, then
   * Box-Muller on blocks of 16 (elements `j` and `j + 8` of a block come from the pair
   * `(u[j], u[j + 8])`); when the length is not a multiple of 16, 16 fresh uniforms overwrite the
   * last 16 elements and that block is transformed again. `mean` and `std` are rounded to float32.
   * The transform is the `Generator.capability` kernel: `"avx2"` reproduces PyTorch's AVX2 kernel
   * bit for bit. With fewer than 16 elements: one `nextNormal()` per element (the cached-pair
   * serial path), `value * std + mean` in float64, rounded to float32.
   * @example
   * ```ts
   * import * as torch from "../mod.ts";
   * const w = new Float32Array(32);
   * new torch.Generator(0).normalFill(w, 0, 0.02); // torch.manual_seed(0); torch.empty(32).normal_(0, 0.02)
   * console.assert(w.every((v) => Math.abs(v) < 0.2));
   * ```
   */
  normalFill(out: Float32Array, mean = 0, std = 1): Float32Array {
    if (!(std >= 0) || !Number.isFinite(std)) {
      throw new RangeError(`normal_: expects std >= 0.0, but found std ${std}`);
    }
    if (!Number.isFinite(mean)) throw new RangeError(`normal_: expects a finite mean, got ${mean}`);
    const n = out.length;
    if (n < 16) {
      const fused = this.#capability === "avx2";
      for (let i = 0; i < n; i++) {
        const v = this.nextNormal();
        out[i] = fused ? fma64(v, std, mean) : v * std + mean;
      }
      return out;
    }
    const m = Math.fround(mean), s = Math.fround(std);
    this.uniformFill(out, 0, 1);
    this.#boxMuller(out.subarray(0, n - (n % 16)), m, s);
    if (n % 16 !== 0) {
      const tail = out.subarray(n - 16);
      this.uniformFill(tail, 0, 1);
      this.#boxMuller(tail, m, s);
    }
    return out;
  }

  /** The capability's Box-Muller on each block of 16 of `d` (the AVX2 one in WebAssembly when it can). */
  #boxMuller(d: Float32Array, mean: number, std: number): void {
    if (this.#capability === "avx2" && boxMullerAvx2Wasm(d, mean, std)) return;
    const block = this.#capability === "avx2" ? boxMuller16Avx2 : boxMuller16Default;
    for (let i = 0; i + 16 <= d.length; i += 16) block(d, i, mean, std);
  }

  /**
   * Fills `out` with uniform integers in [low, high) (`nextInt` for each element in order), as
   * `torch.randint(low, high, [n])` does.
   */
  randintFill<T extends Int32Array | Float32Array>(out: T, low: number, high: number): T {
    const range = high - low;
    if (!(range >= 1)) {
      throw new RangeError(`random_: expects 'from' to be less than 'to', but got from=${low} >= to=${high}`);
    }
    if (range >= TWO_POW_32) {
      for (let i = 0; i < out.length; i++) out[i] = this.nextInt(low, high);
      return out;
    }
    const n = out.length;
    const mt = this.#mt;
    let next = this.#next, left = this.#left;
    for (let i = 0; i < n;) {
      if (left === 1) {
        twist(mt);
        next = 0;
        left = N + 1;
      }
      const k = Math.min(left - 1, n - i), end = i + k;
      for (let q = next; i < end; i++, q++) {
        const u = temper(mt[q]) >>> 0;
        out[i] = u - Math.floor(u / range) * range + low; // u % range, without a float64 fmod
      }
      next += k;
      left -= k;
    }
    this.#next = next;
    this.#left = left;
    return out;
  }

  /**
   * A random permutation of `0..n-1`, as PyTorch's CPU `randperm(n)` makes it: for `i` from 0 to
   * `n - 2`, swap element `i` with element `i + random() % (n - i)`.
   */
  permutation(n: number): Int32Array {
    const r = new Int32Array(n);
    for (let i = 0; i < n; i++) r[i] = i;
    for (let i = 0; i < n - 1; i++) {
      const u = this.random(), m = n - i;
      const z = i + u - Math.floor(u / m) * m; // i + u % m
      const t = r[i];
      r[i] = r[z];
      r[z] = t;
    }
    return r;
  }

  /**
   * The full state as bytes, in the layout of PyTorch's `torch.get_rng_state()` /
   * `generator.get_state()` (5056 bytes), so states move between the two libraries.
   */
  getState(): Uint8Array {
    const bytes = new Uint8Array(STATE_BYTES);
    const v = new DataView(bytes.buffer);
    v.setBigUint64(0, this.#seed, true);
    v.setInt32(8, this.#left, true);
    v.setInt32(12, 1, true);
    v.setBigUint64(16, BigInt(this.#next), true);
    for (let j = 0; j < N; j++) v.setUint32(24 + 8 * j, this.#mt[j] >>> 0, true);
    if (this.#nextNormal !== null) {
      v.setFloat64(5024, this.#nextNormal, true);
      v.setInt32(5040, 1, true);
    }
    return bytes;
  }

  /** Restores a state from `getState()` or from PyTorch's `torch.get_rng_state()` bytes. */
  setState(state: Uint8Array): this {
    if (!(state instanceof Uint8Array) || state.length !== STATE_BYTES) {
      throw new TypeError(
        `setState: expected a Uint8Array of ${STATE_BYTES} bytes (a generator state), got ${
          state instanceof Uint8Array ? `${state.length} bytes` : typeof state
        }`,
      );
    }
    const v = new DataView(state.buffer, state.byteOffset, state.byteLength);
    const left = v.getInt32(8, true), next = Number(v.getBigUint64(16, true));
    if (v.getInt32(12, true) === 0 || left < 1 || left > N || next > N) {
      throw new RangeError("setState: the state is invalid (not seeded, or position out of range)");
    }
    this.#seed = v.getBigUint64(0, true);
    this.#left = left;
    this.#next = next;
    for (let j = 0; j < N; j++) this.#mt[j] = v.getUint32(24 + 8 * j, true) | 0;
    this.#nextNormal = v.getInt32(5040, true) ? v.getFloat64(5024, true) : null;
    return this;
  }

  /** A copy of this generator in the same state (like PyTorch's `generator.clone_state()`). */
  clone(): Generator {
    return new Generator(0, { capability: this.capability }).setState(this.getState());
  }

  /**
   * Fills `out` with Bernoulli(`p`) samples (1 with probability `p`, else 0) as PyTorch's CPU
   * `tensor.bernoulli_(p)` with a number `p`: one `nextDouble()` per element, in order, 1 when
   * `u < p`. Dropout's mask is `bernoulli_(1 - p)`, so `F.dropout` keeps exactly the elements
   * PyTorch keeps. (PyTorch builds with MKL running on an Intel CPU draw this one from MKL's own
   * stream instead; builds without MKL, such as Debian's, and every build on other CPUs use this.)
   * @example
   * ```ts
   * import * as torch from "../mod.ts";
   * const mask = new torch.Generator(0).bernoulliFill(new Uint8Array(8), 0.5);
   * console.assert(mask.every((m) => m === 0 || m === 1));
   * ```
   */
  bernoulliFill<T extends Float32Array | Int32Array | Uint8Array>(out: T, p: number): T {
    if (typeof p !== "number" || !(p >= 0 && p <= 1)) {
      throw new RangeError(`bernoulli_: expects p to be in [0, 1], but got p=${p}`);
    }
    for (let i = 0; i < out.length; i++) out[i] = this.nextDouble() < p ? 1 : 0;
    return out;
  }

  /**
   * Fills `out` with Bernoulli samples of per-element probabilities `probs` (values in [0, 1]), as
   * PyTorch's CPU `torch.bernoulli(probs)` / `t.bernoulli_(probs)`: one uniform of the
   * probabilities' precision per element, 1 when `u < probs[i]` — `nextFloat()` (24 bits) for
   * float32 probabilities, `nextDouble()` (53 bits, two 32-bit words) when `probs` is a
   * Float64Array (a float64 tensor's).
   * @example
   * ```ts
   * import * as torch from "../mod.ts";
   * const out = new torch.Generator(0).bernoulliFillFrom(new Float32Array(3), [0, 1, 0.5]);
   * console.assert(out[0] === 0 && out[1] === 1);
   * ```
   */
  bernoulliFillFrom<T extends Float32Array | Int32Array | Uint8Array>(out: T, probs: ArrayLike<number>): T {
    if (probs.length !== out.length) {
      throw new RangeError(`bernoulli_: expected ${out.length} probabilities, got ${probs.length}`);
    }
    const double = probs instanceof Float64Array;
    for (let i = 0; i < out.length; i++) {
      const p = probs[i];
      if (!(p >= 0 && p <= 1)) {
        throw new RangeError(`bernoulli_: expected all probabilities to be in [0, 1], found ${p} at ${i}`);
      }
      out[i] = (double ? this.nextDouble() : this.nextFloat()) < p ? 1 : 0;
    }
    return out;
  }

  /**
   * Fills `out` with exponential samples of rate `lambda`, as PyTorch's CPU `tensor.exponential_(lambda)`:
   * one `nextDouble()` per element, `-1 / lambda * log(1 - u)` in float64 (rounded to float32 for
   * a Float32Array). The float64 value uses the runtime's `Math.log`, which in V8 differs from
   * glibc's `log` in the last bit for about 0.1% of arguments (Bun's matches it): float32 results
   * are the same but for a tie at a rounding boundary.
   * @example
   * ```ts
   * import * as torch from "../mod.ts";
   * const e = new torch.Generator(0).exponentialFill(new Float32Array(4), 2);
   * console.assert(e.every((v) => v >= 0));
   * ```
   */
  exponentialFill<T extends Float32Array | Float64Array>(out: T, lambda = 1): T {
    if (typeof lambda !== "number" || !(lambda > 0) || !Number.isFinite(lambda)) {
      throw new RangeError(`exponential_: expects lambda > 0.0, but found lambda=${lambda}`);
    }
    const scale = -1 / lambda;
    for (let i = 0; i < out.length; i++) out[i] = scale * Math.log(1 - this.nextDouble());
    return out;
  }

  /**
   * Fills `out` with float64 uniforms in [from, to), as PyTorch's `uniform_` fills a double tensor
   * (and `torch.rand(..., dtype=torch.float64)`): one `nextDouble()` (two 32-bit draws) per
   * element, `u * (to - from) + from` in float64.
   * @example
   * ```ts
   * import * as torch from "../mod.ts";
   * const u = new torch.Generator(0).uniformFillDouble(new Float64Array(3), -1, 1);
   * console.assert(u.every((v) => v >= -1 && v < 1));
   * ```
   */
  uniformFillDouble(out: Float64Array, from = 0, to = 1): Float64Array {
    if (!(Number.isFinite(from) && Number.isFinite(to)) || !(from <= to)) {
      throw new RangeError(
        `uniform_: expects to return a [from, to) range, but found from=${from} > to=${to}`,
      );
    }
    if (!Number.isFinite(to - from)) {
      throw new RangeError(`uniform_: expects to - from to be finite, but found to=${to} and from=${from}`);
    }
    const range = to - from;
    for (let i = 0; i < out.length; i++) out[i] = this.nextDouble() * range + from;
    return out;
  }

  /**
   * Fills `out` with float64 normals, as PyTorch's `normal_` fills a double tensor (and
   * `torch.randn(..., dtype=torch.float64)`): with 16 or more elements, `normal_fill<double>` (a
   * `nextDouble()` for every element, then Box-Muller in float64 on blocks of 16, the last 16
   * redrawn when the length is not a multiple of 16); below 16, one `nextNormal()` each.
   * `value * std + mean` is fused under the `"avx2"` capability (PyTorch's AVX2 build contracts it).
   * @example
   * ```ts
   * import * as torch from "../mod.ts";
   * const z = new torch.Generator(0).normalFillDouble(new Float64Array(20));
   * console.assert(z.every((v) => Number.isFinite(v)));
   * ```
   */
  normalFillDouble(out: Float64Array, mean = 0, std = 1): Float64Array {
    if (!(std >= 0) || !Number.isFinite(std)) {
      throw new RangeError(`normal_: expects std >= 0.0, but found std ${std}`);
    }
    if (!Number.isFinite(mean)) throw new RangeError(`normal_: expects a finite mean, got ${mean}`);
    const n = out.length;
    const fused = this.#capability === "avx2";
    const scale = (v: number) => (fused ? fma64(v, std, mean) : v * std + mean);
    if (n < 16) {
      for (let i = 0; i < n; i++) out[i] = scale(this.nextNormal());
      return out;
    }
    const block = (d: Float64Array, o: number) => {
      for (let j = o; j < o + 8; j++) {
        const radius = Math.sqrt(-2 * Math.log(1 - d[j]));
        const theta = TWO_PI * d[j + 8];
        d[j] = scale(radius * Math.cos(theta));
        d[j + 8] = scale(radius * Math.sin(theta));
      }
    };
    this.uniformFillDouble(out, 0, 1);
    for (let i = 0; i + 16 <= n; i += 16) block(out, i);
    if (n % 16 !== 0) {
      const tail = out.subarray(n - 16);
      this.uniformFillDouble(tail, 0, 1);
      block(tail, 0);
    }
    return out;
  }

  /**
   * `numSamples` category indices drawn from each row of non-negative `weights` (`rows` rows of
   * `weights.length / rows` categories, row-major), as PyTorch's CPU `torch.multinomial`:
   * - without replacement: one exponential sample `q` per category
   *   (`exponentialFill`), then the categories with the largest `weight / q`, largest first;
   * - with replacement: the normalised cumulative sums of the weights, then one `nextDouble()`
   *   per sample and a binary search for the first bucket whose sum is not below it.
   * A Float32Array is computed in float32 (PyTorch's float tensors), a Float64Array in float64
   * (double tensors, `WeightedRandomSampler`'s). Categories of equal `weight / q` (only zero
   * weights, when more samples than non-zero weights are drawn) come in index order; PyTorch's
   * order for those depends on its sort.
   * @example
   * ```ts
   * import * as torch from "../mod.ts";
   * const idx = new torch.Generator(0).multinomial(new Float64Array([0.1, 0.2, 0.7]), 5, { replacement: true });
   * console.assert(idx.length === 5 && idx.every((i) => i >= 0 && i < 3));
   * ```
   */
  multinomial(
    weights: Float32Array | Float64Array,
    numSamples: number,
    opts: { replacement?: boolean; rows?: number } = {},
  ): Int32Array {
    return sampleMultinomial(this, weights, numSamples, opts);
  }

  #refill(): void {
    twist(this.#mt);
    this.#next = 0;
    this.#left = N;
  }
}

/** The global generator used when no `generator` option is given (PyTorch's default CPU generator). */
export const defaultGenerator: Generator = new Generator(DEFAULT_SEED);

/**
 * Seeds the global generator (`torch.manual_seed(seed)`), so every random function is reproducible
 * and returns what PyTorch 1.13's CPU generator returns after the same seed for the same calls in
 * the same order: `rand`, `randn`, `randint` (PyTorch's int64 values as int32), `randperm`, and the
 * `uniform_`/`normal_` fills of `nn.init`. Returns the global `Generator`.
 *
 * The seed is a 64-bit integer (a number or bigint; negative seeds wrap as in PyTorch); only its low
 * 32 bits seed the Mersenne Twister. Before any call to `manualSeed` the global generator is at
 * PyTorch's default seed, 67280421310721, like a fresh Python process.
 *
 * CPU dependence: PyTorch's results for `randn`/`normal_` of 16 or more float32 elements and for
 * `uniform_(from, to)` with `from != 0` depend on the CPU PyTorch runs on. edgetorch reproduces
 * PyTorch on x86-64 with AVX2 (nearly every Intel/AMD machine since 2013, AVX-512 ones included)
 * bit for bit, whatever runtime and CPU edgetorch itself runs on. To match PyTorch on a CPU
 * without AVX2 (or run with `ATEN_CPU_CAPABILITY=default`), set `capability = "default"` on the
 * generator: uniforms are then exact, and normal fills of 16 or more elements differ from glibc's
 * results in about 1% of the values by a few ulp (see `Capability`). ARM builds of PyTorch
 * (Apple silicon, aarch64) use the portable kernels too, with similar last-bit differences.
 * Everything else (`rand`, `randint`, `randperm`, normals of fewer than 16 elements) is the same
 * on every CPU. Non-float32 dtypes: `rand` with float16 draws PyTorch's 11-bit half uniforms
 * (exact); `randn` with float16 rounds the float32 normals to half, while PyTorch computes them in
 * half precision (not bit-compatible).
 * @example
 * ```ts
 * import * as torch from "../mod.ts";
 * torch.manualSeed(0);
 * const a = torch.rand(3).toArray(); // [0.49625658988952637, 0.7682217955589294, 0.08847743272781372], as PyTorch
 * torch.manualSeed(0);
 * console.assert(JSON.stringify(torch.rand(3).toArray()) === JSON.stringify(a));
 * torch.manualSeed(0).capability = "default"; // reproduce PyTorch on a CPU without AVX2
 * torch.manualSeed(0).capability = "avx2";
 * ```
 */
export function manualSeed(seed: number | bigint): Generator {
  return defaultGenerator.manualSeed(seed);
}
