/**
 * The Mersenne Twister (mt19937) behind `random.ts`'s `Generator`, as PyTorch's CPU generator
 * runs it: the state size, the state update (twist) and the output tempering.
 * @module
 */

/** Words of mt19937's state. */
export const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df | 0;

/** Regenerates the 624-word state (mt19937's twist; branch-free, the low bit picks MATRIX_A). */
export function twist(mt: Int32Array): void {
  let k = 0;
  for (; k < N - M; k++) {
    const v = mt[k + 1];
    const y = (mt[k] & 0x80000000) | (v & 0x7fffffff);
    mt[k] = mt[k + M] ^ (y >>> 1) ^ (-(v & 1) & MATRIX_A);
  }
  for (; k < N - 1; k++) {
    const v = mt[k + 1];
    const y = (mt[k] & 0x80000000) | (v & 0x7fffffff);
    mt[k] = mt[k + M - N] ^ (y >>> 1) ^ (-(v & 1) & MATRIX_A);
  }
  const v = mt[0];
  const y = (mt[N - 1] & 0x80000000) | (v & 0x7fffffff);
  mt[N - 1] = mt[M - 1] ^ (y >>> 1) ^ (-(v & 1) & MATRIX_A);
}

/** mt19937's output tempering; returns a signed 32-bit integer (callers mask or `>>> 0`). */
export function temper(y: number): number {
  y ^= y >>> 11;
  y ^= (y << 7) & 0x9d2c5680;
  y ^= (y << 15) & 0xefc60000;
  return y ^ (y >>> 18);
}
