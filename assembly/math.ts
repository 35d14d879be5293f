// deno-fmt-ignore-file
// SIMD float32 transcendental functions (four lanes at a time). Accuracy targets: a few ulp.
// exp/log/tanh follow Cephes' single-precision approximations; sin/cos reduce and evaluate in
// double precision (as musl's sinf/cosf do), so they are nearly correctly rounded.
import { madd } from "./common";

// @ts-ignore: decorator
@inline function fs(x: f32): v128 {
  return f32x4.splat(x);
}
// @ts-ignore: decorator
@inline function is(x: i32): v128 {
  return i32x4.splat(x);
}
// @ts-ignore: decorator
@inline function ds(x: f64): v128 {
  return f64x2.splat(x);
}

/** e^x. */
// @ts-ignore: decorator
@inline export function expv(x0: v128): v128 {
  // Clamp (NaN passes through pmin/pmax because it is their first operand).
  let x = f32x4.pmax(f32x4.pmin(x0, fs(88.8)), fs(-104.0));
  const fx = f32x4.nearest(f32x4.mul(x, fs(1.44269504088896341)));
  x = f32x4.sub(x, f32x4.mul(fx, fs(0.693359375)));
  x = f32x4.sub(x, f32x4.mul(fx, fs(-2.12194440e-4)));
  const z = f32x4.mul(x, x);
  let y = fs(1.9875691500e-4);
  y = madd(y, x, fs(1.3981999507e-3));
  y = madd(y, x, fs(8.3334519073e-3));
  y = madd(y, x, fs(4.1665795894e-2));
  y = madd(y, x, fs(1.6666665459e-1));
  y = madd(y, x, fs(5.0000001201e-1));
  y = f32x4.add(madd(y, z, x), fs(1.0));
  // Scale by 2^n in two steps so that subnormal results round once and 2^128 does not overflow.
  const n = i32x4.trunc_sat_f32x4_s(fx);
  const n1 = i32x4.shr_s(n, 1);
  const n2 = i32x4.sub(n, n1);
  const p1 = i32x4.shl(i32x4.add(n1, is(127)), 23);
  const p2 = i32x4.shl(i32x4.add(n2, is(127)), 23);
  return f32x4.mul(f32x4.mul(y, p1), p2);
}

/** Natural logarithm; log(0) = -inf, log(x < 0) = NaN. */
// @ts-ignore: decorator
@inline export function logv(x0: v128): v128 {
  const tiny = f32x4.lt(x0, fs(1.17549435e-38));
  const x = v128.bitselect(f32x4.mul(x0, fs(8388608.0)), x0, tiny);
  const e = i32x4.sub(
    i32x4.sub(i32x4.shr_u(x, 23), is(126)),
    v128.and(tiny, is(23)),
  );
  const m = v128.or(v128.and(x, is(0x007fffff)), is(0x3f000000)); // [0.5, 1)
  const lt = f32x4.lt(m, fs(0.707106781186547524));
  const fe = f32x4.sub(f32x4.convert_i32x4_s(e), v128.and(lt, fs(1.0)));
  const xm = f32x4.sub(f32x4.add(m, v128.and(lt, m)), fs(1.0));
  const z = f32x4.mul(xm, xm);
  let y = fs(7.0376836292e-2);
  y = madd(y, xm, fs(-1.1514610310e-1));
  y = madd(y, xm, fs(1.1676998740e-1));
  y = madd(y, xm, fs(-1.2420140846e-1));
  y = madd(y, xm, fs(1.4249322787e-1));
  y = madd(y, xm, fs(-1.6668057665e-1));
  y = madd(y, xm, fs(2.0000714765e-1));
  y = madd(y, xm, fs(-2.4999993993e-1));
  y = madd(y, xm, fs(3.3333331174e-1));
  y = f32x4.mul(f32x4.mul(y, xm), z);
  y = madd(fe, fs(-2.12194440e-4), y);
  y = madd(z, fs(-0.5), y);
  let r = f32x4.add(xm, y);
  r = madd(fe, fs(0.693359375), r);
  r = v128.bitselect(fs(Infinity), r, f32x4.eq(x0, fs(Infinity)));
  r = v128.bitselect(fs(-Infinity), r, f32x4.eq(x0, fs(0.0)));
  const bad = v128.or(f32x4.lt(x0, fs(0.0)), f32x4.ne(x0, x0));
  return v128.bitselect(fs(NaN), r, bad);
}

/** log(1 + x), accurate for small x (Goldberg's correction). */
// @ts-ignore: decorator
@inline export function log1pv(x: v128): v128 {
  const u = f32x4.add(x, fs(1.0));
  const d = f32x4.sub(u, fs(1.0));
  const r = f32x4.mul(logv(u), f32x4.div(x, d));
  const keep = v128.or(f32x4.eq(d, fs(0.0)), f32x4.eq(x, fs(Infinity)));
  return v128.bitselect(x, r, keep);
}

/** sin (q = 0) or cos (q = 1) of two doubles, after reduction by pi/2 (valid for |x| < 2^28 pi/2). */
// @ts-ignore: decorator
@inline function sincosHalf(d: v128, qoff: i32): v128 {
  const fn = f64x2.nearest(f64x2.mul(d, ds(6.36619772367581382433e-01)));
  let y = f64x2.sub(d, f64x2.mul(fn, ds(1.57079631090164184570e+00)));
  y = f64x2.sub(y, f64x2.mul(fn, ds(1.58932547735281966916e-08)));
  const q = i64x2.add(i64x2.extend_low_i32x4_s(i32x4.trunc_sat_f64x2_s_zero(fn)), i64x2.splat(qoff));
  const z = f64x2.mul(y, y);
  const w = f64x2.mul(z, z);
  // musl __sindf
  const sr = f64x2.add(ds(-0.000198393348360966317347), f64x2.mul(z, ds(0.0000027183114939898219064)));
  const ss = f64x2.mul(z, y);
  const sinv = f64x2.add(
    f64x2.add(y, f64x2.mul(ss, f64x2.add(ds(-0.166666666416265235595), f64x2.mul(z, ds(0.0083333293858894631756))))),
    f64x2.mul(f64x2.mul(ss, w), sr),
  );
  // musl __cosdf
  const cr = f64x2.add(ds(-0.00138867637746099294692), f64x2.mul(z, ds(0.0000243904487962774090654)));
  const cosv = f64x2.add(
    f64x2.add(f64x2.add(ds(1.0), f64x2.mul(z, ds(-0.499999997251031003120))), f64x2.mul(w, ds(0.0416666233237390631894))),
    f64x2.mul(f64x2.mul(w, z), cr),
  );
  const swap = i64x2.eq(v128.and(q, i64x2.splat(1)), i64x2.splat(1));
  const r = v128.bitselect(cosv, sinv, swap);
  const sign = i64x2.shl(v128.and(q, i64x2.splat(2)), 62);
  return v128.xor(r, sign);
}

// @ts-ignore: decorator
@inline function sincosv(x: v128, qoff: i32): v128 {
  if (!i32x4.all_true(f32x4.lt(f32x4.abs(x), fs(4.0e8)))) {
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
  let big = f32x4.sub(fs(1.0), f32x4.div(fs(2.0), f32x4.add(s, fs(1.0))));
  big = v128.or(big, v128.and(x, is(0x80000000)));
  const z = f32x4.mul(x, x);
  let p = fs(-5.70498872745e-3);
  p = madd(p, z, fs(2.06390887954e-2));
  p = madd(p, z, fs(-5.37397155531e-2));
  p = madd(p, z, fs(1.33314422036e-1));
  p = madd(p, z, fs(-3.33332819422e-1));
  // Odd polynomial; OR-ing the sign keeps tanh(-0) = -0.
  const small = v128.or(madd(f32x4.mul(p, z), x, x), v128.and(x, is(0x80000000)));
  return v128.bitselect(big, small, f32x4.ge(ax, fs(0.625)));
}

/** 1 / (1 + e^-x), without overflow for large |x|. */
// @ts-ignore: decorator
@inline export function sigmoidv(x: v128): v128 {
  const e = expv(f32x4.neg(f32x4.abs(x)));
  const s = f32x4.div(fs(1.0), f32x4.add(fs(1.0), e));
  return v128.bitselect(s, f32x4.mul(e, s), f32x4.ge(x, fs(0.0)));
}

/** Lane-wise powf. */
// @ts-ignore: decorator
@inline export function powv(a: v128, b: v128): v128 {
  let r = a;
  r = f32x4.replace_lane(r, 0, Mathf.pow(f32x4.extract_lane(a, 0), f32x4.extract_lane(b, 0)));
  r = f32x4.replace_lane(r, 1, Mathf.pow(f32x4.extract_lane(a, 1), f32x4.extract_lane(b, 1)));
  r = f32x4.replace_lane(r, 2, Mathf.pow(f32x4.extract_lane(a, 2), f32x4.extract_lane(b, 2)));
  r = f32x4.replace_lane(r, 3, Mathf.pow(f32x4.extract_lane(a, 3), f32x4.extract_lane(b, 3)));
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
