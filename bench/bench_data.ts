/**
 * Inputs the benchmarks share: the same deterministic values for every library in a run.
 * @module
 */

/** `n` deterministic values in [-0.5, 0.5) (a 32-bit LCG from `seed`). */
export function rand(n: number, seed = 1): Float32Array<ArrayBuffer> {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 4294967296 - 0.5;
  }
  return out;
}
