/**
 * The library's float16 codec. Number level: {@link encodeHalf} (a JS number to the nearest half's
 * bits, NaN as the canonical quiet NaN, as PyTorch) and {@link halfToFloat}. Bit level, for the GPU
 * backend, which holds float16 elements as float32 words: {@link f32BitsToHalf} and
 * {@link halfToF32Bits} (exact for half values, round to nearest even otherwise, NaN payloads kept
 * where they fit) and {@link f32Bits}.
 * @module
 */

const f32Box = new Float32Array(1);
const u32Box = new Uint32Array(f32Box.buffer);

/** float32 bits to half bits, rounding to nearest even; NaN payloads are kept where they fit. */
export function f32BitsToHalf(x: number): number {
  const sign = (x >>> 16) & 0x8000;
  const ax = x & 0x7fffffff;
  if (ax > 0x7f800000) {
    const m = (ax >>> 13) & 0x3ff;
    return sign | 0x7c00 | (m === 0 ? 0x200 : m);
  }
  if (ax >= 0x477ff000) return sign | 0x7c00;
  if (ax >= 0x38800000) {
    const m = ax + 0xfff + ((ax >>> 13) & 1);
    return sign | ((m - (112 << 23)) >>> 13);
  }
  if (ax < 0x33000000) return sign;
  const e = ax >>> 23;
  const mant = (ax & 0x7fffff) | 0x800000;
  const shift = 126 - e;
  const q = mant >>> shift;
  const rem = mant & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  return sign | (rem > half || (rem === half && (q & 1) === 1) ? q + 1 : q);
}

/** Half bits to float32 bits (exact). */
export function halfToF32Bits(h: number): number {
  const sign = (h & 0x8000) << 16;
  const e = (h >>> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) {
    f32Box[0] = m * 5.9604644775390625e-8;
    return (sign | u32Box[0]) >>> 0;
  }
  if (e === 31) return (sign | 0x7f800000 | (m << 13)) >>> 0;
  return (sign | ((e + 112) << 23) | (m << 13)) >>> 0;
}

/** The float32 bits of a JS number rounded to float32. */
export function f32Bits(v: number): number {
  f32Box[0] = v;
  return u32Box[0];
}

/**
 * The IEEE half bits nearest to `x` (round to nearest even, via its float32 value, as PyTorch).
 * Used by creation, printing (format.ts) and the CPU backend's `full`; equal to the float16 cast
 * kernel's rounding for every float32 value.
 */
export function encodeHalf(x: number): number {
  f32Box[0] = x;
  const bits = u32Box[0];
  const sign = (bits >>> 16) & 0x8000;
  const exp = (bits >>> 23) & 0xff;
  let mant = bits & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rem = mant & ((1 << shift) - 1), mid = 1 << (shift - 1);
    if (rem > mid || (rem === mid && (half & 1))) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && (half & 1))) half++;
  e = half >>> 10;
  return sign | (e >= 31 ? 0x7c00 : half);
}

const f16Scratch = new Float32Array(1);

/** IEEE half bits to a number (exact). */
export function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  f16Scratch[0] = s * (1 + m / 1024) * 2 ** (e - 15);
  return f16Scratch[0];
}
