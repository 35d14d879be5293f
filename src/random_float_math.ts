/**
 * Float32 arithmetic with the roundings PyTorch's CPU distribution kernels perform, for
 * `random.ts`: fused multiply-adds in float32 and float64, and the float32 Box-Muller blocks of
 * PyTorch's `normal_fill` (the AVX2 kernel, bit for bit, and the portable one).
 * @module
 */

/** 2π in float64. */
export const TWO_PI = 2 * Math.PI;

/**
 * `a * b + c` rounded once to float32 (a fused multiply-add), for float32 `a`, `b`, `c`: the
 * product is exact in float64, so only the sum can be rounded twice (float64, then float32); that
 * differs from one rounding only when the float64 sum falls exactly halfway between two float32s,
 * which is detected and settled with the sum's rounding error.
 */
export function fma32(a: number, b: number, c: number): number {
  const s = a * b + c;
  const f = Math.fround(s);
  const t = s + (s - f);
  // Unless s lies exactly halfway between the float32s f and t, rounding it is exact.
  return t === f || Math.fround(t) !== t ? f : fma32Tie(a * b, c, s, f, t);
}

/** `fma32` when the float64 sum `s = p + c` is a float32 midpoint: its rounding error decides. */
function fma32Tie(p: number, c: number, s: number, f: number, t: number): number {
  const bb = s - p;
  const err = (p - (s - bb)) + (c - bb);
  if (err === 0) return f;
  return (err > 0) === (t > f) ? t : f;
}

/** `a * b + c` for float64 values with the product kept exact (Dekker), as a fused multiply-add. */
export function fma64(a: number, b: number, c: number): number {
  const p = a * b;
  if (!Number.isFinite(p)) return p + c;
  const SPLIT = 134217729; // 2^27 + 1
  let t = SPLIT * a;
  const ah = t - (t - a), al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b), bl = b - bh;
  const e = ((ah * bh - p) + ah * bl + al * bh) + al * bl; // a * b = p + e exactly
  const s = p + c;
  const bb = s - p;
  const err = (p - (s - bb)) + (c - bb); // p + c = s + err exactly
  return s + (err + e);
}

// Constants of PyTorch's avx_mathfun.h (Cephes), rounded to float32 as the C source does.
const f32 = Math.fround;
const SQRTHF = f32(0.707106781186547524);
const LOG_P0 = f32(7.0376836292e-2);
const LOG_P1 = f32(-1.1514610310e-1);
const LOG_P2 = f32(1.1676998740e-1);
const LOG_P3 = f32(-1.2420140846e-1);
const LOG_P4 = f32(1.4249322787e-1);
const LOG_P5 = f32(-1.6668057665e-1);
const LOG_P6 = f32(2.0000714765e-1);
const LOG_P7 = f32(-2.4999993993e-1);
const LOG_P8 = f32(3.3333331174e-1);
const LOG_Q1 = f32(-2.12194440e-4);
const LOG_Q2 = f32(0.693359375);
const DP1 = f32(-0.78515625);
const DP2 = f32(-2.4187564849853515625e-4);
const DP3 = f32(-3.77489497744594108e-8);
const SIN_P0 = f32(-1.9515295891e-4);
const SIN_P1 = f32(8.3321608736e-3);
const SIN_P2 = f32(-1.6666654611e-1);
const COS_P0 = f32(2.443315711809948e-5);
const COS_P1 = f32(-1.388731625493765e-3);
const COS_P2 = f32(4.166664568298827e-2);
const FOPI = f32(1.27323954473516);
const TWO_PI_F = f32(2 * Math.PI);

/** `INV_POW2[k]` is 2^-k. */
const INV_POW2 = Float64Array.from({ length: 33 }, (_, k) => 2 ** -k);

/**
 * PyTorch's `normal_fill_16_AVX2` on `d[o..o+16)`, one lane at a time, with every float32 rounding
 * and every multiply-add that GCC fuses in PyTorch's AVX2 build (`log256_ps`, `sincos256_ps`).
 */
export function boxMuller16Avx2(d: Float32Array, o: number, mean: number, std: number): void {
  const fround = Math.fround;
  for (let j = o; j < o + 8; j++) {
    // radius = sqrt(-2 * log(1 - u)), log as log256_ps. 1 - u = m / 2^24 with the integer m in
    // [1, 2^24]; log256_ps splits it as x * 2^e with x in [0.5, 1).
    const m = 16777216 - d[j] * 16777216;
    const bitLen = 32 - Math.clz32(m);
    let e = bitLen - 24;
    let x = m * INV_POW2[bitLen];
    if (x < SQRTHF) {
      e -= 1;
      x = x - 1 + x;
    } else {
      x = x - 1;
    }
    const z = fround(x * x);
    let y = fma32(LOG_P0, x, LOG_P1);
    y = fma32(y, x, LOG_P2);
    y = fma32(y, x, LOG_P3);
    y = fma32(y, x, LOG_P4);
    y = fma32(y, x, LOG_P5);
    y = fma32(y, x, LOG_P6);
    y = fma32(y, x, LOG_P7);
    y = fma32(y, x, LOG_P8);
    y = fma32(fround(y * x), z, fround(e * LOG_Q1));
    y = fround(y - z * 0.5);
    const log = fround(e * LOG_Q2 + fround(x + y));
    const radius = fround(Math.sqrt(-2 * log));

    // sin and cos of theta = 2 pi u2 (theta >= 0), as sincos256_ps.
    const theta = fround(TWO_PI_F * d[j + 8]);
    let k = Math.trunc(fround(theta * FOPI));
    k = (k + 1) & ~1;
    // k is in {0, 2, 4, 6, 8} and every term is a multiple of 2^-48 below 8: these three fused
    // multiply-adds are exact in float64, so one float32 rounding reproduces them.
    let r = fround(k * DP1 + theta);
    r = fround(k * DP2 + r);
    r = fround(k * DP3 + r);
    const zz = fround(r * r);
    let c = fma32(COS_P0, zz, COS_P1);
    c = fma32(c, zz, COS_P2);
    c = fma32(zz, fround(zz * c), -zz * 0.5);
    c = fround(c + 1);
    let sn = fma32(SIN_P0, zz, SIN_P1);
    sn = fma32(sn, zz, SIN_P2);
    sn = fma32(r, fround(zz * sn), r);
    // Select the polynomials (adding +0 as the vector code does), then the signs.
    let sinv: number, cosv: number;
    if ((k & 2) === 0) {
      sinv = sn + 0;
      cosv = c + 0;
    } else {
      sinv = c + 0;
      cosv = sn + 0;
    }
    if (k & 4) sinv = -sinv;
    if (~(k - 2) & 4) cosv = -cosv;
    if (mean === 0) {
      // The exact product plus +0 (which turns -0 into +0, as the fused add does), rounded once.
      d[j] = fround(radius * cosv) * std + mean;
      d[j + 8] = fround(radius * sinv) * std + mean;
    } else {
      d[j] = fma32(fround(radius * cosv), std, mean);
      d[j + 8] = fma32(fround(radius * sinv), std, mean);
    }
  }
}

/** PyTorch's portable `normal_fill_16<float>` (float `logf`, `cosf`, `sinf`; no fused multiply-adds). */
export function boxMuller16Default(d: Float32Array, o: number, mean: number, std: number): void {
  const fround = Math.fround;
  for (let j = o; j < o + 8; j++) {
    const u1 = fround(1 - d[j]);
    const radius = fround(Math.sqrt(fround(-2 * fround(Math.log(u1)))));
    const theta = fround(TWO_PI * d[j + 8]);
    d[j] = fround(fround(fround(radius * fround(Math.cos(theta))) * std) + mean);
    d[j + 8] = fround(fround(fround(radius * fround(Math.sin(theta))) * std) + mean);
  }
}
