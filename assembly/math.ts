// deno-fmt-ignore-file
// SIMD float32 transcendental functions (four lanes at a time). Accuracy targets: a few ulp.
// exp/log/tanh follow Cephes' single-precision approximations; sin/cos reduce and evaluate in
// double precision (as musl's sinf/cosf do), so they are nearly correctly rounded.
import { madd } from "./common";

// Constant pool. V8 materialises a v128 constant with about three instructions at every use (it
// does not keep it in a register across a loop); a broadcast load from static memory is one
// instruction with no bounds check. So every vector constant lives here and is read with kf/ki/kd.
// (Zero is free: `ZERO` below is a v128.const that engines build with one xor.)
const EXP_P0: usize = memory.data<f32>([1.9875691500e-4]);
const EXP_P1: usize = memory.data<f32>([1.3981999507e-3]);
const EXP_P2: usize = memory.data<f32>([8.3334519073e-3]);
const EXP_P3: usize = memory.data<f32>([4.1665795894e-2]);
const EXP_P4: usize = memory.data<f32>([1.6666665459e-1]);
const EXP_P5: usize = memory.data<f32>([5.0000001201e-1]);
const F_ONE: usize = memory.data<f32>([1.0]);
const EXP_HI: usize = memory.data<f32>([88.8]);
const EXP_LO: usize = memory.data<f32>([-104.0]);
const LOG2E: usize = memory.data<f32>([1.44269504088896341]);
/** 1.5 * 2^23: adding it rounds a float of magnitude < 2^22 to an integer held in the low bits. */
const F_MAGIC: usize = memory.data<f32>([12582912.0]);
const LN2_HI: usize = memory.data<f32>([0.693359375]);
const NEG_LN2_HI: usize = memory.data<f32>([-0.693359375]);
const LN2_LO: usize = memory.data<f32>([-2.12194440e-4]);
const NEG_LN2_LO: usize = memory.data<f32>([2.12194440e-4]);
const EXPNP_LO: usize = memory.data<f32>([-87.0]);
const EXPS_C0: usize = memory.data<f32>([0.9999997019767761]);
const EXPS_C1: usize = memory.data<f32>([0.4999915063381195]);
const EXPS_C2: usize = memory.data<f32>([0.1666763573884964]);
const EXPS_C3: usize = memory.data<f32>([0.04189793020486832]);
const EXPS_C4: usize = memory.data<f32>([0.008290315046906471]);
const MIN_NORMAL: usize = memory.data<f32>([1.17549435e-38]);
const TWO_23: usize = memory.data<f32>([8388608.0]);
const SQRT_HALF: usize = memory.data<f32>([0.707106781186547524]);
const LOG_P0: usize = memory.data<f32>([7.0376836292e-2]);
const LOG_P1: usize = memory.data<f32>([-1.1514610310e-1]);
const LOG_P2: usize = memory.data<f32>([1.1676998740e-1]);
const LOG_P3: usize = memory.data<f32>([-1.2420140846e-1]);
const LOG_P4: usize = memory.data<f32>([1.4249322787e-1]);
const LOG_P5: usize = memory.data<f32>([-1.6668057665e-1]);
const LOG_P6: usize = memory.data<f32>([2.0000714765e-1]);
const LOG_P7: usize = memory.data<f32>([-2.4999993993e-1]);
const LOG_P8: usize = memory.data<f32>([3.3333331174e-1]);
const F_MINUS_HALF: usize = memory.data<f32>([-0.5]);
const F_INF: usize = memory.data<f32>([Infinity]);
const F_NEG_INF: usize = memory.data<f32>([-Infinity]);
const F_NAN: usize = memory.data<f32>([NaN]);
const SINCOS_MAX: usize = memory.data<f32>([4.0e8]);
const F_TWO: usize = memory.data<f32>([2.0]);
const TANH_P0: usize = memory.data<f32>([-5.70498872745e-3]);
const TANH_P1: usize = memory.data<f32>([2.06390887954e-2]);
const TANH_P2: usize = memory.data<f32>([-5.37397155531e-2]);
const TANH_P3: usize = memory.data<f32>([1.33314422036e-1]);
const TANH_P4: usize = memory.data<f32>([-3.33332819422e-1]);
const TANH_SMALL: usize = memory.data<f32>([0.625]);
const I_MAGIC: usize = memory.data<i32>([0x4b400000]);
const I_127: usize = memory.data<i32>([127]);
const I_EXP_BIAS_MAGIC: usize = memory.data<i32>([127 - 0x4b400000]);
const I_126: usize = memory.data<i32>([126]);
const I_23: usize = memory.data<i32>([23]);
const I_MANTISSA: usize = memory.data<i32>([0x007fffff]);
const I_HALF_BITS: usize = memory.data<i32>([0x3f000000]);
const I_SIGN: usize = memory.data<i32>([<i32>0x80000000]);
const INV_PIO2: usize = memory.data<f64>([6.36619772367581382433e-01]);
const PIO2_1: usize = memory.data<f64>([1.57079631090164184570e+00]);
const PIO2_1T: usize = memory.data<f64>([1.58932547735281966916e-08]);
const SIN_S3: usize = memory.data<f64>([-0.000198393348360966317347]);
const SIN_S4: usize = memory.data<f64>([0.0000027183114939898219064]);
const SIN_S1: usize = memory.data<f64>([-0.166666666416265235595]);
const SIN_S2: usize = memory.data<f64>([0.0083333293858894631756]);
const COS_C2: usize = memory.data<f64>([-0.00138867637746099294692]);
const COS_C3: usize = memory.data<f64>([0.0000243904487962774090654]);
const D_ONE: usize = memory.data<f64>([1.0]);
const COS_C0: usize = memory.data<f64>([-0.499999997251031003120]);
const COS_C1: usize = memory.data<f64>([0.0416666233237390631894]);
const L_ONE: usize = memory.data<i64>([1]);
const L_TWO: usize = memory.data<i64>([2]);
const ZERO: v128 = v128.splat<i32>(0);

/** Broadcast f32 / i32 / f64 / i64 constant from the pool. */
// @ts-ignore: decorator
@inline function kf(p: usize): v128 {
  return v128.load32_splat(p);
}
// @ts-ignore: decorator
@inline function ki(p: usize): v128 {
  return v128.load32_splat(p);
}
// @ts-ignore: decorator
@inline function kd(p: usize): v128 {
  return v128.load64_splat(p);
}
// @ts-ignore: decorator
@inline function kl(p: usize): v128 {
  return v128.load64_splat(p);
}


/** e^r for |r| <= ln(2)/2 (Cephes expf polynomial). */
// @ts-ignore: decorator
@inline function expPoly(r: v128): v128 {
  const z = f32x4.mul(r, r);
  let y = kf(EXP_P0);
  y = madd(y, r, kf(EXP_P1));
  y = madd(y, r, kf(EXP_P2));
  y = madd(y, r, kf(EXP_P3));
  y = madd(y, r, kf(EXP_P4));
  y = madd(y, r, kf(EXP_P5));
  return f32x4.add(madd(y, z, r), kf(F_ONE));
}

/** e^x. */
// @ts-ignore: decorator
@inline export function expv(x0: v128): v128 {
  // Clamp (NaN passes through pmin/pmax because it is their first operand).
  const x = f32x4.pmax(f32x4.pmin(x0, kf(EXP_HI)), kf(EXP_LO));
  // n = round(x / ln 2) by the magic-number trick: the integer lands in the low mantissa bits.
  const v = madd(x, kf(LOG2E), kf(F_MAGIC));
  const fx = f32x4.sub(v, kf(F_MAGIC));
  const n = i32x4.sub(v, ki(I_MAGIC));
  let r = madd(fx, kf(NEG_LN2_HI), x);
  r = madd(fx, kf(NEG_LN2_LO), r);
  const y = expPoly(r);
  // Scale by 2^n in two steps so that subnormal results round once and 2^128 does not overflow.
  const n1 = i32x4.shr_s(n, 1);
  const n2 = i32x4.sub(n, n1);
  const p1 = i32x4.shl(i32x4.add(n1, ki(I_127)), 23);
  const p2 = i32x4.shl(i32x4.add(n2, ki(I_127)), 23);
  return f32x4.mul(f32x4.mul(y, p1), p2);
}

/**
 * e^(a + b) for a + b in [-160, 0] (no clamping; NaN stays NaN), the argument reduced part by part:
 * `a` exact and large (the -hi² of a split square), `b` small, so the rounding of their sum never
 * reaches the result (it only picks the power of two).
 */
// @ts-ignore: decorator
@inline export function expSumv(a: v128, b: v128): v128 {
  const v = madd(f32x4.add(a, b), kf(LOG2E), kf(F_MAGIC));
  const fx = f32x4.sub(v, kf(F_MAGIC));
  const n = i32x4.sub(v, ki(I_MAGIC));
  let r = madd(fx, kf(NEG_LN2_HI), a);
  r = madd(fx, kf(NEG_LN2_LO), f32x4.add(r, b));
  const y = expPoly(r);
  const n1 = i32x4.shr_s(n, 1);
  const n2 = i32x4.sub(n, n1);
  const p1 = i32x4.shl(i32x4.add(n1, ki(I_127)), 23);
  const p2 = i32x4.shl(i32x4.add(n2, ki(I_127)), 23);
  return f32x4.mul(f32x4.mul(y, p1), p2);
}

/**
 * e^x for x <= 0 (softmax's shifted inputs), cheaper than expv: results below the smallest normal
 * float flush to zero (one scaling step), and e^t = 1 + t p(t) with a degree-4 p fitted for
 * minimal relative error on |t| <= ln(2)/2 (max error 2.3 ulp over [-87, 0]). NaN stays NaN.
 */
// @ts-ignore: decorator
@inline export function expNonPosv(x0: v128): v128 {
  const lo = kf(EXPNP_LO);
  const magic = kf(F_MAGIC);
  const x = f32x4.pmax(x0, lo);
  const v = madd(x, kf(LOG2E), magic);
  // 2^n from the magic sum: its low bits are n; n + 127 shifted into the exponent field.
  const s = i32x4.shl(i32x4.add(v, ki(I_EXP_BIAS_MAGIC)), 23);
  const fx = f32x4.sub(v, magic);
  let t = madd(fx, kf(NEG_LN2_HI), x);
  t = madd(fx, kf(NEG_LN2_LO), t);
  let p = madd(kf(EXPS_C4), t, kf(EXPS_C3));
  p = madd(p, t, kf(EXPS_C2));
  p = madd(p, t, kf(EXPS_C1));
  p = madd(p, t, kf(EXPS_C0));
  const f = madd(f32x4.mul(t, s), p, s);
  return v128.andnot(f, f32x4.lt(x0, lo));
}

/** Natural logarithm; log(0) = -inf, log(x < 0) = NaN. */
// @ts-ignore: decorator
@inline export function logv(x0: v128): v128 {
  const tiny = f32x4.lt(x0, kf(MIN_NORMAL));
  const x = v128.bitselect(f32x4.mul(x0, kf(TWO_23)), x0, tiny);
  const e = i32x4.sub(
    i32x4.sub(i32x4.shr_u(x, 23), ki(I_126)),
    v128.and(tiny, ki(I_23)),
  );
  const m = v128.or(v128.and(x, ki(I_MANTISSA)), ki(I_HALF_BITS)); // [0.5, 1)
  const lt = f32x4.lt(m, kf(SQRT_HALF));
  const fe = f32x4.sub(f32x4.convert_i32x4_s(e), v128.and(lt, kf(F_ONE)));
  const xm = f32x4.sub(f32x4.add(m, v128.and(lt, m)), kf(F_ONE));
  const z = f32x4.mul(xm, xm);
  let y = kf(LOG_P0);
  y = madd(y, xm, kf(LOG_P1));
  y = madd(y, xm, kf(LOG_P2));
  y = madd(y, xm, kf(LOG_P3));
  y = madd(y, xm, kf(LOG_P4));
  y = madd(y, xm, kf(LOG_P5));
  y = madd(y, xm, kf(LOG_P6));
  y = madd(y, xm, kf(LOG_P7));
  y = madd(y, xm, kf(LOG_P8));
  y = f32x4.mul(f32x4.mul(y, xm), z);
  y = madd(fe, kf(LN2_LO), y);
  y = madd(z, kf(F_MINUS_HALF), y);
  let r = f32x4.add(xm, y);
  r = madd(fe, kf(LN2_HI), r);
  r = v128.bitselect(kf(F_INF), r, f32x4.eq(x0, kf(F_INF)));
  r = v128.bitselect(kf(F_NEG_INF), r, f32x4.eq(x0, ZERO));
  const bad = v128.or(f32x4.lt(x0, ZERO), f32x4.ne(x0, x0));
  return v128.bitselect(kf(F_NAN), r, bad);
}

/** log(1 + x), accurate for small x (Goldberg's correction). */
// @ts-ignore: decorator
@inline export function log1pv(x: v128): v128 {
  const u = f32x4.add(x, kf(F_ONE));
  const d = f32x4.sub(u, kf(F_ONE));
  const r = f32x4.mul(logv(u), f32x4.div(x, d));
  const keep = v128.or(f32x4.eq(d, ZERO), f32x4.eq(x, kf(F_INF)));
  return v128.bitselect(x, r, keep);
}

/** sin (q = 0) or cos (q = 1) of two doubles, after reduction by pi/2 (valid for |x| < 2^28 pi/2). */
// @ts-ignore: decorator
@inline function sincosHalf(d: v128, qoff: i32): v128 {
  const fn = f64x2.nearest(f64x2.mul(d, kd(INV_PIO2)));
  let y = f64x2.sub(d, f64x2.mul(fn, kd(PIO2_1)));
  y = f64x2.sub(y, f64x2.mul(fn, kd(PIO2_1T)));
  let q = i64x2.extend_low_i32x4_s(i32x4.trunc_sat_f64x2_s_zero(fn));
  if (qoff) q = i64x2.add(q, kl(L_ONE));
  const z = f64x2.mul(y, y);
  const w = f64x2.mul(z, z);
  // musl __sindf
  const sr = f64x2.add(kd(SIN_S3), f64x2.mul(z, kd(SIN_S4)));
  const ss = f64x2.mul(z, y);
  const sinv = f64x2.add(
    f64x2.add(y, f64x2.mul(ss, f64x2.add(kd(SIN_S1), f64x2.mul(z, kd(SIN_S2))))),
    f64x2.mul(f64x2.mul(ss, w), sr),
  );
  // musl __cosdf
  const cr = f64x2.add(kd(COS_C2), f64x2.mul(z, kd(COS_C3)));
  const cosv = f64x2.add(
    f64x2.add(f64x2.add(kd(D_ONE), f64x2.mul(z, kd(COS_C0))), f64x2.mul(w, kd(COS_C1))),
    f64x2.mul(f64x2.mul(w, z), cr),
  );
  const swap = i64x2.eq(v128.and(q, kl(L_ONE)), kl(L_ONE));
  const r = v128.bitselect(cosv, sinv, swap);
  const sign = i64x2.shl(v128.and(q, kl(L_TWO)), 62);
  return v128.xor(r, sign);
}

// @ts-ignore: decorator
@inline function sincosv(x: v128, qoff: i32): v128 {
  if (!i32x4.all_true(f32x4.lt(f32x4.abs(x), kf(SINCOS_MAX)))) {
    // Huge, infinite or NaN lanes: full-range scalar reduction.
    let r = x;
    if (qoff == 0) {
      r = f32x4.replace_lane(r, 0, Mathf.sin(f32x4.extract_lane(x, 0)));
      r = f32x4.replace_lane(r, 1, Mathf.sin(f32x4.extract_lane(x, 1)));
      r = f32x4.replace_lane(r, 2, Mathf.sin(f32x4.extract_lane(x, 2)));
      r = f32x4.replace_lane(r, 3, Mathf.sin(f32x4.extract_lane(x, 3)));
    } else {
      r = f32x4.replace_lane(r, 0, Mathf.cos(f32x4.extract_lane(x, 0)));
      r = f32x4.replace_lane(r, 1, Mathf.cos(f32x4.extract_lane(x, 1)));
      r = f32x4.replace_lane(r, 2, Mathf.cos(f32x4.extract_lane(x, 2)));
      r = f32x4.replace_lane(r, 3, Mathf.cos(f32x4.extract_lane(x, 3)));
    }
    return r;
  }
  const lo = sincosHalf(f64x2.promote_low_f32x4(x), qoff);
  const hi = sincosHalf(f64x2.promote_low_f32x4(v128.shuffle<f32>(x, x, 2, 3, 0, 1)), qoff);
  return v128.shuffle<f32>(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5);
}

/** sin(x). */
// @ts-ignore: decorator
@inline export function sinv(x: v128): v128 {
  return sincosv(x, 0);
}

/** cos(x). */
// @ts-ignore: decorator
@inline export function cosv(x: v128): v128 {
  return sincosv(x, 1);
}

/** tanh(x). */
// @ts-ignore: decorator
@inline export function tanhv(x: v128): v128 {
  const ax = f32x4.abs(x);
  const s = expv(f32x4.add(ax, ax));
  let big = f32x4.sub(kf(F_ONE), f32x4.div(kf(F_TWO), f32x4.add(s, kf(F_ONE))));
  big = v128.or(big, v128.and(x, ki(I_SIGN)));
  const z = f32x4.mul(x, x);
  let p = kf(TANH_P0);
  p = madd(p, z, kf(TANH_P1));
  p = madd(p, z, kf(TANH_P2));
  p = madd(p, z, kf(TANH_P3));
  p = madd(p, z, kf(TANH_P4));
  // Odd polynomial; OR-ing the sign keeps tanh(-0) = -0.
  const small = v128.or(madd(f32x4.mul(p, z), x, x), v128.and(x, ki(I_SIGN)));
  return v128.bitselect(big, small, f32x4.ge(ax, kf(TANH_SMALL)));
}

/** 1 / (1 + e^-x), without overflow for large |x|. */
// @ts-ignore: decorator
@inline export function sigmoidv(x: v128): v128 {
  const e = expv(f32x4.neg(f32x4.abs(x)));
  const s = f32x4.div(kf(F_ONE), f32x4.add(kf(F_ONE), e));
  return v128.bitselect(s, f32x4.mul(e, s), f32x4.ge(x, ZERO));
}

/** powf with C's special cases (pow(1, y) = 1 even for NaN y; pow(-1, ±inf) = 1), as PyTorch. */
// @ts-ignore: decorator
@inline function powC(x: f32, y: f32): f32 {
  if (x == 1 || (x == -1 && (y == Infinity || y == -Infinity))) return 1;
  return Mathf.pow(x, y);
}

/**
 * Lane-wise powf. Not inlined: inlined into each unrolled loop of the binary kernel, its four
 * special-cased calls made pow_f32 and pow_i32 a quarter of the module's code (all compiled at
 * start-up by JavaScriptCore); one call per vector is small beside four pows.
 */
export function powv(a: v128, b: v128): v128 {
  let r = f32x4.splat(0);
  r = f32x4.replace_lane(r, 0, powC(f32x4.extract_lane(a, 0), f32x4.extract_lane(b, 0)));
  r = f32x4.replace_lane(r, 1, powC(f32x4.extract_lane(a, 1), f32x4.extract_lane(b, 1)));
  r = f32x4.replace_lane(r, 2, powC(f32x4.extract_lane(a, 2), f32x4.extract_lane(b, 2)));
  r = f32x4.replace_lane(r, 3, powC(f32x4.extract_lane(a, 3), f32x4.extract_lane(b, 3)));
  return r;
}

/** Integer power by squaring (wrapping); negative exponents give the truncated quotient. */
// @ts-ignore: decorator
@inline export function ipow(b: i32, e: i32): i32 {
  if (e < 0) {
    if (b == 1) return 1;
    if (b == -1) return (e & 1) ? -1 : 1;
    return 0;
  }
  let r = 1;
  let base = b;
  let k = e;
  while (k) {
    if (k & 1) r *= base;
    base *= base;
    k >>>= 1;
  }
  return r;
}

/** Lane-wise {@link ipow}; not inlined, as {@link powv}. */
export function ipowv(a: v128, b: v128): v128 {
  let r = a;
  r = i32x4.replace_lane(r, 0, ipow(i32x4.extract_lane(a, 0), i32x4.extract_lane(b, 0)));
  r = i32x4.replace_lane(r, 1, ipow(i32x4.extract_lane(a, 1), i32x4.extract_lane(b, 1)));
  r = i32x4.replace_lane(r, 2, ipow(i32x4.extract_lane(a, 2), i32x4.extract_lane(b, 2)));
  r = i32x4.replace_lane(r, 3, ipow(i32x4.extract_lane(a, 3), i32x4.extract_lane(b, 3)));
  return r;
}
