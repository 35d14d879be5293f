// deno-fmt-ignore-file
// Elementwise dtype conversions: cast_<from>_<to> for from in {f32, f16, i32, u8} and to in
// {f32, f16, i32, u8, bool}. bool sources use the u8 kernels (they hold 0/1 bytes).
// float16 conversions follow the IEEE round-to-nearest-even algorithm of the FP16 library (the
// one PyTorch uses); float to integer truncates toward zero and gives INT32_MIN for NaN, infinity
// and out-of-range values (as PyTorch on x86); to uint8 wraps modulo 256 (through int32).
import { TMP, k32 } from "./common";

// Vector constants, broadcast-loaded from static memory (see math.ts).
const TO_INF: usize = memory.data<f32>([5.192296858534828e33]);
const TO_ZERO: usize = memory.data<f32>([7.703719777548943e-34]);
const SIGN: usize = memory.data<i32>([<i32>0x80000000]);
const EXP8: usize = memory.data<i32>([<i32>0xFF000000]);
const BIAS_MIN: usize = memory.data<i32>([0x71000000]);
const BIAS_ADD: usize = memory.data<i32>([0x07800000]);
const H_EXP: usize = memory.data<i32>([0x7C00]);
const H_MANT: usize = memory.data<i32>([0xFFF]);
const H_NAN: usize = memory.data<i32>([0x7E00]);
const EXP_OFFSET: usize = memory.data<i32>([0xE0 << 23]);
const EXP_SCALE: usize = memory.data<f32>([1.925929944387236e-34]);
const MAGIC_MASK: usize = memory.data<i32>([126 << 23]);
const HALF: usize = memory.data<f32>([0.5]);
const DENORM_CUTOFF: usize = memory.data<i32>([1 << 27]);
const TWO_31: usize = memory.data<f32>([2147483648.0]);
const BYTE_MASK: usize = memory.data<i32>([255]);
const I_ONE: usize = memory.data<i32>([1]);
const H_ABS: usize = memory.data<i32>([0x7FFF]);
const ZERO: v128 = v128.splat<i32>(0);

const F32 = 0, F16 = 1, I32 = 2, U8 = 3, BOOL = 4;

// @ts-ignore: decorator
@inline function f32ToF16v(f: v128): v128 {
  const base0 = f32x4.mul(f32x4.mul(f32x4.abs(f), k32(TO_INF)), k32(TO_ZERO));
  const shl1 = i32x4.add(f, f);
  const sign = v128.and(f, k32(SIGN));
  const bias = i32x4.max_u(v128.and(shl1, k32(EXP8)), k32(BIAS_MIN));
  const base = f32x4.add(i32x4.add(i32x4.shr_u(bias, 1), k32(BIAS_ADD)), base0);
  const expBits = v128.and(i32x4.shr_u(base, 13), k32(H_EXP));
  const mant = v128.and(base, k32(H_MANT));
  const nonsign = i32x4.add(expBits, mant);
  const isNan = i32x4.gt_u(shl1, k32(EXP8));
  return v128.or(i32x4.shr_u(sign, 16), v128.bitselect(k32(H_NAN), nonsign, isNan));
}

// @ts-ignore: decorator
@inline function f16ToF32v(h: v128): v128 {
  const w = i32x4.shl(h, 16);
  const sign = v128.and(w, k32(SIGN));
  const two = i32x4.add(w, w);
  const normalized = f32x4.mul(i32x4.add(i32x4.shr_u(two, 4), k32(EXP_OFFSET)), k32(EXP_SCALE));
  const denorm = f32x4.sub(v128.or(i32x4.shr_u(two, 17), k32(MAGIC_MASK)), k32(HALF));
  const isDenorm = i32x4.lt_u(two, k32(DENORM_CUTOFF));
  return v128.or(sign, v128.bitselect(denorm, normalized, isDenorm));
}

// @ts-ignore: decorator
@inline function f32ToI32v(f: v128): v128 {
  const r = i32x4.trunc_sat_f32x4_s(f);
  const ok = f32x4.lt(f32x4.abs(f), k32(TWO_31));
  return v128.bitselect(r, k32(SIGN), ok);
}

/** Converts four values held in 32-bit lanes. */
// @ts-ignore: decorator
@inline function convert(from: i32, to: i32, v: v128): v128 {
  let x = v;
  let src = from;
  if (src == U8 || src == BOOL) src = I32;
  if (src == F16) {
    if (to == BOOL) return v128.and(i32x4.ne(v128.and(x, k32(H_ABS)), ZERO), k32(I_ONE));
    if (to == F16) return x;
    x = f16ToF32v(x);
    src = F32;
  }
  if (src == F32) {
    if (to == F32) return x;
    if (to == F16) return f32ToF16v(x);
    if (to == I32) return f32ToI32v(x);
    if (to == U8) return v128.and(f32ToI32v(x), k32(BYTE_MASK));
    return v128.and(f32x4.ne(x, ZERO), k32(I_ONE)); // BOOL
  }
  // src == I32
  if (to == F32) return f32x4.convert_i32x4_s(x);
  if (to == F16) return f32ToF16v(f32x4.convert_i32x4_s(x));
  if (to == I32) return x;
  if (to == U8) return v128.and(x, k32(BYTE_MASK));
  return v128.and(i32x4.ne(x, ZERO), k32(I_ONE)); // BOOL
}

// @ts-ignore: decorator
@inline function sizeOf(t: i32): usize {
  return t == F32 || t == I32 ? 4 : t == F16 ? 2 : 1;
}

// @ts-ignore: decorator
@inline function load4(t: i32, p: usize): v128 {
  const s = sizeOf(t);
  if (s == 4) return v128.load(p);
  if (s == 2) return v128.load16x4_u(p);
  return i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(p)));
}

// @ts-ignore: decorator
@inline function store4(t: i32, p: usize, v: v128): void {
  const s = sizeOf(t);
  if (s == 4) {
    v128.store(p, v);
  } else if (s == 2) {
    v128.store64_lane(p, i16x8.narrow_i32x4_u(v, v), 0);
  } else {
    const w = i16x8.narrow_i32x4_u(v, v);
    v128.store32_lane(p, i8x16.narrow_i16x8_u(w, w), 0);
  }
}

// @ts-ignore: decorator
@inline function castImpl(from: i32, to: i32, x: usize, out: usize, n: i32): void {
  const si = sizeOf(from), so = sizeOf(to);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const pi = x + <usize>i * si, po = out + <usize>i * so;
    const r0 = convert(from, to, load4(from, pi));
    const r1 = convert(from, to, load4(from, pi + 4 * si));
    const r2 = convert(from, to, load4(from, pi + 8 * si));
    const r3 = convert(from, to, load4(from, pi + 12 * si));
    store4(to, po, r0);
    store4(to, po + 4 * so, r1);
    store4(to, po + 8 * so, r2);
    store4(to, po + 12 * so, r3);
  }
  for (; i < n; i += 4) {
    const cnt = <usize>min(n - i, 4);
    v128.store(TMP, v128.splat<i32>(0));
    memory.copy(TMP, x + <usize>i * si, cnt * si);
    store4(to, TMP + 16, convert(from, to, load4(from, TMP)));
    memory.copy(out + <usize>i * so, TMP + 16, cnt * so);
  }
}

type P = usize;
export function cast_f32_f16(x: P, out: P, n: i32): void { castImpl(F32, F16, x, out, n); }
export function cast_f32_i32(x: P, out: P, n: i32): void { castImpl(F32, I32, x, out, n); }
export function cast_f32_u8(x: P, out: P, n: i32): void { castImpl(F32, U8, x, out, n); }
export function cast_f32_bool(x: P, out: P, n: i32): void { castImpl(F32, BOOL, x, out, n); }
export function cast_f16_f32(x: P, out: P, n: i32): void { castImpl(F16, F32, x, out, n); }
export function cast_f16_i32(x: P, out: P, n: i32): void { castImpl(F16, I32, x, out, n); }
export function cast_f16_u8(x: P, out: P, n: i32): void { castImpl(F16, U8, x, out, n); }
export function cast_f16_bool(x: P, out: P, n: i32): void { castImpl(F16, BOOL, x, out, n); }
export function cast_i32_f32(x: P, out: P, n: i32): void { castImpl(I32, F32, x, out, n); }
export function cast_i32_f16(x: P, out: P, n: i32): void { castImpl(I32, F16, x, out, n); }
export function cast_i32_u8(x: P, out: P, n: i32): void { castImpl(I32, U8, x, out, n); }
export function cast_i32_bool(x: P, out: P, n: i32): void { castImpl(I32, BOOL, x, out, n); }
export function cast_u8_f32(x: P, out: P, n: i32): void { castImpl(U8, F32, x, out, n); }
export function cast_u8_f16(x: P, out: P, n: i32): void { castImpl(U8, F16, x, out, n); }
export function cast_u8_i32(x: P, out: P, n: i32): void { castImpl(U8, I32, x, out, n); }
export function cast_u8_bool(x: P, out: P, n: i32): void { castImpl(U8, BOOL, x, out, n); }
