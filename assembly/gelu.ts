// deno-fmt-ignore-file
// The error function and the exact GELU, `x·Φ(x)` with Φ the standard normal CDF, and GELU's
// derivative `Φ(x) + x·φ(x)`; the tanh GELU `x/2·(1 + tanh(√(2/π)·(x + 0.044715·x³)))` (written
// with the operations, in the order, of PyTorch's and of the composite it replaces, so that it
// gives the composite's values) and its derivative: unary kernels `(x, out, n)`.
//
// float32 (SIMD) uses the formulas of the composites in src/ops/erf.ts and the GPU's math.wgsl,
// so that every device computes the same function: erf from its Maclaurin series below |x| = 0.5,
// and erfc(z) = t·exp(P(t) - z²), t = 1 / (1 + z/2), above (Numerical Recipes' Chebyshev fit,
// relative error below 1.2e-7 for every z ≥ 0); here z² is split so that exp sees it exactly.
// float64 computes to double precision with special.ts's erfc.
import { TMP, madd } from "./common";
import { expSumv, expv, tanhv } from "./math";
import { erfc64 } from "./special";

// Constant pool (see math.ts: a broadcast load is cheaper than a v128 constant at every use).
const ONE: usize = memory.data<f32>([1.0]);
const HALF: usize = memory.data<f32>([0.5]);
const MINUS_HALF: usize = memory.data<f32>([-0.5]);
const SQRT1_2: usize = memory.data<f32>([0.70710678118654752440]);
const INV_SQRT_2PI: usize = memory.data<f32>([0.39894228040143267794]);
/** erfc(z) is 0 in float32 from about 10.05 on: larger z (and +inf) are clamped to this. */
const ERFC_ZERO_FROM: usize = memory.data<f32>([10.5]);
const TANH_GELU_C: usize = memory.data<f32>([0.79788456080286535588]); // √(2/π)
const TANH_GELU_A: usize = memory.data<f32>([0.044715]);
const TANH_GELU_3A: usize = memory.data<f32>([0.134145]);
const HI_MASK: usize = memory.data<i32>([<i32>0xfffff000]);
const SIGN_MASK: usize = memory.data<i32>([<i32>0x80000000]);
/** Numerical Recipes' fit: erfc(z) = t·exp(P(t) - z²), P's coefficients from t^0 up. */
const ERFC_FIT: usize = memory.data<f32>([
  -1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806,
  0.27886807, -1.13520398, 1.48851587, -0.82215223, 0.17087277,
]);
/** erf's Maclaurin series in x²: 2/√π·(-1)^k / (k!·(2k+1)), k = 0..6. */
const ERF_SERIES: usize = memory.data<f32>([
  1.1283791671, -0.37612639, 0.11283792, -0.026866171, 0.0052239776, -0.0008548327, 0.00012055333,
]);

// @ts-ignore: decorator
@inline function k(p: usize): v128 {
  return v128.load32_splat(p);
}

/** erfc(z) for z ≥ 0 (NaN stays NaN). */
// @ts-ignore: decorator
@inline function erfcNonNegv(z0: v128): v128 {
  const z = f32x4.pmin(z0, k(ERFC_ZERO_FROM)); // NaN passes: pmin returns its first operand
  const t = f32x4.div(k(ONE), madd(z, k(HALF), k(ONE)));
  let p = k(ERFC_FIT + 36);
  p = madd(p, t, k(ERFC_FIT + 32));
  p = madd(p, t, k(ERFC_FIT + 28));
  p = madd(p, t, k(ERFC_FIT + 24));
  p = madd(p, t, k(ERFC_FIT + 20));
  p = madd(p, t, k(ERFC_FIT + 16));
  p = madd(p, t, k(ERFC_FIT + 12));
  p = madd(p, t, k(ERFC_FIT + 8));
  p = madd(p, t, k(ERFC_FIT + 4));
  p = madd(p, t, k(ERFC_FIT));
  // z = hi + lo with hi on 12 significant bits: hi² is exact, z² = hi² + lo·(z + hi).
  const hi = v128.and(z, k(HI_MASK));
  const lo = f32x4.sub(z, hi);
  const e = expSumv(f32x4.neg(f32x4.mul(hi, hi)), f32x4.sub(p, f32x4.mul(lo, f32x4.add(z, hi))));
  return f32x4.mul(t, e);
}

/** erf(x): its Maclaurin series below |x| = 0.5, ±(1 - erfc(|x|)) above. */
// @ts-ignore: decorator
@inline function erfv(x: v128): v128 {
  const a = f32x4.abs(x);
  const s = f32x4.mul(x, x);
  let p = k(ERF_SERIES + 24);
  p = madd(p, s, k(ERF_SERIES + 20));
  p = madd(p, s, k(ERF_SERIES + 16));
  p = madd(p, s, k(ERF_SERIES + 12));
  p = madd(p, s, k(ERF_SERIES + 8));
  p = madd(p, s, k(ERF_SERIES + 4));
  p = madd(p, s, k(ERF_SERIES));
  const small = f32x4.mul(x, p);
  const large = v128.or(f32x4.sub(k(ONE), erfcNonNegv(a)), v128.and(x, k(SIGN_MASK)));
  return v128.bitselect(small, large, f32x4.lt(a, k(HALF)));
}

/** Φ(x) = erfc(-x/√2) / 2: half of erfc(|x|/√2) below 0, one minus it above. */
// @ts-ignore: decorator
@inline function normalCdfv(x: v128): v128 {
  const half = f32x4.mul(erfcNonNegv(f32x4.mul(f32x4.abs(x), k(SQRT1_2))), k(HALF));
  return v128.bitselect(half, f32x4.sub(k(ONE), half), f32x4.lt(x, f32x4.splat(0.0)));
}

const OP_ERF = 0, OP_GELU = 1, OP_GELU_DERIVATIVE = 2, OP_GELU_TANH = 3, OP_GELU_TANH_DERIVATIVE = 4;

/** tanh(√(2/π)·(x + 0.044715·x³)). */
// @ts-ignore: decorator
@inline function tanhGeluInnerv(x: v128): v128 {
  const cube = f32x4.mul(f32x4.mul(x, x), x);
  return tanhv(f32x4.mul(f32x4.add(x, f32x4.mul(cube, k(TANH_GELU_A))), k(TANH_GELU_C)));
}

// @ts-ignore: decorator
@inline function geluFamilyv(op: i32, x: v128): v128 {
  if (op == OP_ERF) return erfv(x);
  if (op == OP_GELU_TANH) {
    return f32x4.mul(f32x4.mul(x, k(HALF)), f32x4.add(tanhGeluInnerv(x), k(ONE)));
  }
  if (op == OP_GELU_TANH_DERIVATIVE) {
    // (1 + t)/2 + x/2·(1 - t²)·√(2/π)·(1 + 3·0.044715·x²)
    const t = tanhGeluInnerv(x);
    const du = f32x4.mul(f32x4.add(f32x4.mul(f32x4.mul(x, x), k(TANH_GELU_3A)), k(ONE)), k(TANH_GELU_C));
    const dt = f32x4.mul(f32x4.sub(k(ONE), f32x4.mul(t, t)), du);
    return f32x4.add(f32x4.mul(f32x4.add(t, k(ONE)), k(HALF)), f32x4.mul(f32x4.mul(x, k(HALF)), dt));
  }
  const cdf = normalCdfv(x);
  if (op == OP_GELU) return f32x4.mul(x, cdf);
  const pdf = f32x4.mul(expv(f32x4.mul(f32x4.mul(x, x), k(MINUS_HALF))), k(INV_SQRT_2PI));
  return madd(x, pdf, cdf);
}

// @ts-ignore: decorator
@inline function runF32(op: i32, x: usize, out: usize, n: i32): void {
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const p = <usize>i << 2;
    v128.store(out + p, geluFamilyv(op, v128.load(x + p)));
    v128.store(out + p, geluFamilyv(op, v128.load(x + p, 16)), 16);
  }
  for (; i + 4 <= n; i += 4) {
    const p = <usize>i << 2;
    v128.store(out + p, geluFamilyv(op, v128.load(x + p)));
  }
  if (i < n) {
    const bytes = <usize>(n - i) << 2;
    v128.store(TMP, v128.splat<i32>(0));
    memory.copy(TMP, x + (<usize>i << 2), bytes);
    v128.store(TMP, geluFamilyv(op, v128.load(TMP)));
    memory.copy(out + (<usize>i << 2), TMP, bytes);
  }
}

/** erf(x) in double: its Maclaurin series below |x| = 0.5, ±(1 - erfc(|x|)) above. */
function erf64(x: f64): f64 {
  const a = Math.abs(x);
  if (!(a < 0.5)) return a != a ? x : Math.sign(x) * (1 - erfc64(a));
  if (a == 0) return x; // ±0
  const s = x * x;
  let term = x, sum = x;
  for (let k = 1; k < 30; k++) {
    term *= -s / <f64>k;
    const next = term / <f64>(2 * k + 1);
    sum += next;
    if (Math.abs(next) < 1e-17 * Math.abs(sum)) break;
  }
  return 1.1283791670955126 * sum;
}

// @ts-ignore: decorator
@inline function geluFamily64(op: i32, x: f64): f64 {
  if (op == OP_ERF) return erf64(x);
  if (op == OP_GELU_TANH || op == OP_GELU_TANH_DERIVATIVE) {
    const t = Math.tanh((x + x * x * x * 0.044715) * 0.79788456080286535588);
    if (op == OP_GELU_TANH) return x * 0.5 * (t + 1);
    return (t + 1) * 0.5 + x * 0.5 * (1 - t * t) * (0.79788456080286535588 * (1 + 0.134145 * x * x));
  }
  const cdf = 0.5 * erfc64(-x * 0.70710678118654752440);
  if (op == OP_GELU) return x * cdf;
  return cdf + x * Math.exp(-0.5 * x * x) * 0.39894228040143267794;
}

// @ts-ignore: decorator
@inline function runF64(op: i32, x: usize, out: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const p = <usize>i << 3;
    store<f64>(out + p, geluFamily64(op, load<f64>(x + p)));
  }
}

export function erf_f32(x: usize, out: usize, n: i32): void { runF32(OP_ERF, x, out, n); }
export function gelu_f32(x: usize, out: usize, n: i32): void { runF32(OP_GELU, x, out, n); }
export function geluDerivative_f32(x: usize, out: usize, n: i32): void { runF32(OP_GELU_DERIVATIVE, x, out, n); }
export function geluTanh_f32(x: usize, out: usize, n: i32): void { runF32(OP_GELU_TANH, x, out, n); }
export function geluTanhDerivative_f32(x: usize, out: usize, n: i32): void { runF32(OP_GELU_TANH_DERIVATIVE, x, out, n); }
export function erf_f64(x: usize, out: usize, n: i32): void { runF64(OP_ERF, x, out, n); }
export function gelu_f64(x: usize, out: usize, n: i32): void { runF64(OP_GELU, x, out, n); }
export function geluDerivative_f64(x: usize, out: usize, n: i32): void { runF64(OP_GELU_DERIVATIVE, x, out, n); }
export function geluTanh_f64(x: usize, out: usize, n: i32): void { runF64(OP_GELU_TANH, x, out, n); }
export function geluTanhDerivative_f64(x: usize, out: usize, n: i32): void { runF64(OP_GELU_TANH_DERIVATIVE, x, out, n); }
