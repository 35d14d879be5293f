/**
 * Turning JS numbers into stored element bits.
 * @module
 */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/**
 * The IEEE half bits nearest to `x` (round to nearest even, via its float32 value, as PyTorch).
 * With `halfToFloat` (read.ts) this is the library's float16 codec; format.ts prints through it.
 * The backends still hold copies of their own (`f16Bits` in wasm/backend.ts, `f32BitsToHalf` and
 * `halfToF32Bits` in webgpu/backend.ts), to be replaced by these when the backend files are split
 * by op family (issue 12, item 1).
 */
export function encodeHalf(x: number): number {
  f32[0] = x;
  const bits = u32[0];
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
