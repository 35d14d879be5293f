// float32 helpers of the elementwise math family (inverse and hyperbolic trigonometry,
// nextafter, erf and the exact GELU) and the int32 gcd, for the unary and binary kernels of elementwise.wgsl (included
// with `//! include: elementwise_math` after `math`, whose helpers they use). Cephes'
// single-precision approximations (a few ulp), NaN and the domain edges tested on the bits.

/** asin (Cephes asinf: odd polynomial in x² below 0.5, in (1 - |x|) / 2 above); NaN off [-1, 1]. */
fn f_asin(x: f32) -> f32 {
  let a = f_abs(x);
  if (is_nan(x) || a > 1.0) { return f_nan(); }
  let big = a > 0.5;
  var z = a * a;
  var s = a;
  if (big) {
    z = 0.5 * (1.0 - a);
    s = sqrt(z);
  }
  var p = 4.2163199048e-2;
  p = p * z + 2.4181311049e-2;
  p = p * z + 4.5470025998e-2;
  p = p * z + 7.4953002686e-2;
  p = p * z + 1.6666752422e-1;
  var r = (p * z) * s + s;
  if (big) { r = 1.57079632679 - (r + r); }
  return f_copysign(r, x);
}

/** acos from asin (half-angle forms beyond |x| = 0.5); NaN off [-1, 1]. */
fn f_acos(x: f32) -> f32 {
  if (is_nan(x) || f_abs(x) > 1.0) { return f_nan(); }
  if (x < -0.5) { return 3.14159265359 - 2.0 * f_asin(sqrt(0.5 * (1.0 + x))); }
  if (x > 0.5) { return 2.0 * f_asin(sqrt(0.5 * (1.0 - x))); }
  return 1.57079632679 - f_asin(x);
}

/** atan: Cephes' kernel on [0, 1] (atan_unit of math.wgsl), pi/2 - atan(1/|x|) above. */
fn f_atan(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  let a = f_abs(x);
  var r = 0.0;
  if (a <= 1.0) {
    r = atan_unit(a);
  } else {
    r = 1.57079632679 - atan_unit(1.0 / a);
  }
  return f_copysign(r, x);
}

/** e^a / 2 for a >= 0 without overflow before the result does: (e^(a/2) / 2) · e^(a/2) above 88.7. */
fn half_exp(a: f32) -> f32 {
  if (a > 88.7) {
    let w = f_exp(0.5 * a);
    return (0.5 * w) * w;
  }
  return 0.5 * f_exp(a);
}

/** sinh (Cephes sinhf: odd polynomial up to 1, (e^|x| - e^-|x|) / 2 above). */
fn f_sinh(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  let a = f_abs(x);
  var r = 0.0;
  if (a > 1.0) {
    let h = half_exp(a);
    r = h - 0.25 / h;
  } else {
    let z = a * a;
    var p = 2.03721912945e-4;
    p = p * z + 8.33028376239e-3;
    p = p * z + 1.66667160211e-1;
    r = (p * z) * a + a;
  }
  return f_copysign(r, x);
}

/** cosh: (e^|x| + e^-|x|) / 2. */
fn f_cosh(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  let h = half_exp(f_abs(x));
  return h + 0.25 / h;
}

/** asinh (Cephes asinhf: odd polynomial below 0.5, log(|x| + sqrt(x² + 1)), log|x| + ln 2 above 1500). */
fn f_asinh(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  let a = f_abs(x);
  var r = 0.0;
  if (a > 1500.0) {
    r = f_log(a) + 0.693147180560;
  } else if (a < 0.5) {
    let z = a * a;
    var p = 2.0122003309e-2;
    p = p * z - 4.2699340972e-2;
    p = p * z + 7.4847586088e-2;
    p = p * z - 1.6666288134e-1;
    r = (p * z) * a + a;
  } else {
    r = f_log(a + sqrt(a * a + 1.0));
  }
  return f_copysign(r, x);
}

/** acosh: log1p(t + sqrt(2t + t²)), t = x - 1 (exact near 1); log x + ln 2 above 1500; NaN below 1. */
fn f_acosh(x: f32) -> f32 {
  if (is_nan(x) || x < 1.0) { return f_nan(); }
  if (x > 1500.0) { return f_log(x) + 0.693147180560; }
  let t = x - 1.0;
  return f_log1p(t + sqrt(2.0 * t + t * t));
}

/** atanh (Cephes atanhf: odd polynomial below 0.5, log((1 + |x|) / (1 - |x|)) / 2 above); ±inf at ±1. */
fn f_atanh(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  let a = f_abs(x);
  if (a > 1.0) { return f_nan(); }
  if (a == 1.0) { return f_copysign(f_inf(), x); }
  var r = 0.0;
  if (a < 0.5) {
    let z = a * a;
    var p = 1.81740078349e-1;
    p = p * z + 8.24370301058e-2;
    p = p * z + 1.46691431730e-1;
    p = p * z + 1.99782164500e-1;
    p = p * z + 3.33337300303e-1;
    r = (p * z) * a + a;
  } else {
    r = 0.5 * f_log((1.0 + a) / (1.0 - a));
  }
  return f_copysign(r, x);
}

/**
 * frexp on the bits: (mantissa, exponent) with x = mantissa · 2^exponent, |mantissa| in [0.5, 1)
 * (subnormals normalised without arithmetic, so a device that flushes them still gets them right);
 * 0, infinities and NaN give themselves and exponent 0.
 */
fn frexp_parts(x: f32) -> vec2<f32> {
  let b = bitcast<u32>(x);
  let mag = b & 0x7fffffffu;
  if (mag == 0u || mag >= 0x7f800000u) { return vec2<f32>(x, 0.0); }
  var e = i32(mag >> 23u);
  var frac = mag & 0x7fffffu;
  if (e == 0) {
    let shift = countLeadingZeros(frac) - 8u;
    frac = (frac << shift) & 0x7fffffu;
    e = 1 - i32(shift);
  }
  return vec2<f32>(bitcast<f32>((b & 0x80000000u) | 0x3f000000u | frac), f32(e - 126));
}

/** C's nextafterf on the bits: the float32 next to x towards y (y when they are equal, ±0 alike). */
fn f_nextafter(x: f32, y: f32) -> f32 {
  if (is_nan(x) || is_nan(y)) { return f_nan(); }
  let bx = bitcast<u32>(x);
  let by = bitcast<u32>(y);
  if (bx == by || ((bx | by) & 0x7fffffffu) == 0u) { return y; }
  if ((bx & 0x7fffffffu) == 0u) { return bitcast<f32>((by & 0x80000000u) | 1u); }
  let away = (x < y) == ((bx & 0x80000000u) == 0u);
  return bitcast<f32>(select(bx - 1u, bx + 1u, away));
}

/**
 * PyTorch's calc_gcd: Euclid on |a|, |b| with C's signed remainder (|INT_MIN| stays INT_MIN, as in
 * C); i_fmod rather than WGSL's `%`, which is not reliable for negative operands.
 */
fn i_gcd(x: i32, y: i32) -> i32 {
  var a = bitcast<i32>(i_abs_u32(x));
  var b = bitcast<i32>(i_abs_u32(y));
  loop {
    if (a == 0) { break; }
    let c = a;
    a = i_fmod(b, a);
    b = c;
  }
  return b;
}

// erfcx(z) = t exp(P(t)), t = 1 / (1 + z/2), z >= 0 (Numerical Recipes' Chebyshev fit, relative
// error below 1.2e-7; also special.wgsl's erfc and erfcx).
fn erfcx_fit(z: f32) -> f32 {
  let t = 1.0 / (1.0 + 0.5 * z);
  let p = -1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
    t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  return t * f_exp(p);
}

/** erfc(z) for z >= 0; 0 from 10.5 on (it is below float32's range from about 10.05). */
fn erfc_nonneg(z: f32) -> f32 {
  let zc = min(z, 10.5);
  return erfcx_fit(zc) * f_exp(-zc * zc);
}

/** erf (the CPU's assembly/gelu.ts): its Maclaurin series below |x| = 0.5, ±(1 - erfc(|x|)) above. */
fn f_erf(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  let a = f_abs(x);
  if (a < 0.5) {
    let s = x * x;
    let p = 1.1283791671 + s * (-0.37612639 + s * (0.11283792 + s * (-0.026866171 + s * (0.0052239776 +
      s * (-0.0008548327 + s * 0.00012055333)))));
    return x * p;
  }
  return f_copysign(1.0 - erfc_nonneg(a), x);
}

/** The standard normal CDF Φ(x) = erfc(-x/√2) / 2. */
fn normal_cdf(x: f32) -> f32 {
  let half = 0.5 * erfc_nonneg(f_abs(x) * 0.70710678118654752440);
  return select(1.0 - half, half, x < 0.0);
}

/** The exact GELU x·Φ(x). */
fn f_gelu(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  return x * normal_cdf(x);
}

/** GELU's derivative Φ(x) + x·φ(x). */
fn f_gelu_derivative(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  return normal_cdf(x) + x * f_exp(-0.5 * x * x) * 0.39894228040143267794;
}

/** tanh(√(2/π)·(x + 0.044715·x³)), the tanh GELU's inner function. */
fn tanh_gelu_inner(x: f32) -> f32 {
  return f_tanh((x + x * x * x * 0.044715) * 0.79788456080286535588);
}

/** GELU's tanh approximation x/2·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
fn f_gelu_tanh(x: f32) -> f32 {
  return x * 0.5 * (tanh_gelu_inner(x) + 1.0);
}

/** Its derivative (1 + t)/2 + x/2·(1 - t²)·√(2/π)·(1 + 3·0.044715·x²). */
fn f_gelu_tanh_derivative(x: f32) -> f32 {
  let t = tanh_gelu_inner(x);
  return (t + 1.0) * 0.5 + x * 0.5 * (1.0 - t * t) * (0.79788456080286535588 * (1.0 + 0.134145 * x * x));
}
