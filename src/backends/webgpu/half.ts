/**
 * float16 <-> float32 bits for the GPU backend, which holds float16 elements as float32 words
 * (exact for half values; round to nearest even otherwise).
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
