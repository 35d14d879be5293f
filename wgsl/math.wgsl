// Shared float32 helpers for the kernels (included with `//! include: math`).
//
// NaN and infinity tests look at the bits: WGSL lets compilers assume that floating-point values
// are finite, so `x != x` may be folded away, integer compares may not. The transcendental
// functions port the CPU backend's (assembly/math.ts, Cephes single-precision polynomials) so both
// backends agree to a few ulp; sin/cos reduce by pi/2 with a four-part Cody-Waite scheme below
// 2^16 and a Payne-Hanek reduction (96 bits of 2/pi) above, so they are accurate for every x.

const F_NAN_BITS: u32 = 0x7fc00000u;
const F_INF_BITS: u32 = 0x7f800000u;

fn is_nan(x: f32) -> bool {
  return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u;
}

fn is_inf(x: f32) -> bool {
  return (bitcast<u32>(x) & 0x7fffffffu) == 0x7f800000u;
}

fn is_zero(x: f32) -> bool {
  return (bitcast<u32>(x) & 0x7fffffffu) == 0u;
}

// NaN and infinity are made from `let` values: WGSL forbids a constant expression that evaluates
// to NaN or an infinity (Chromium's compiler rejects `bitcast<f32>(0x7fc00000u)`), and a `let` is
// not a constant expression.
fn f_nan() -> f32 {
  let bits = F_NAN_BITS;
  return bitcast<f32>(bits);
}

fn f_inf() -> f32 {
  let bits = F_INF_BITS;
  return bitcast<f32>(bits);
}

fn f_abs(x: f32) -> f32 {
  return bitcast<f32>(bitcast<u32>(x) & 0x7fffffffu);
}

fn f_neg(x: f32) -> f32 {
  return bitcast<f32>(bitcast<u32>(x) ^ 0x80000000u);
}

/** x with the sign of s. */
fn f_copysign(x: f32, s: f32) -> f32 {
  return bitcast<f32>((bitcast<u32>(x) & 0x7fffffffu) | (bitcast<u32>(s) & 0x80000000u));
}

/** max with WebAssembly's rules: NaN if either is NaN; max(-0, +0) = +0. */
fn f_max(a: f32, b: f32) -> f32 {
  if (is_nan(a)) { return a; }
  if (is_nan(b)) { return b; }
  if (a > b) { return a; }
  if (b > a) { return b; }
  return bitcast<f32>(bitcast<u32>(a) & bitcast<u32>(b));
}

/** min with WebAssembly's rules: NaN if either is NaN; min(-0, +0) = -0. */
fn f_min(a: f32, b: f32) -> f32 {
  if (is_nan(a)) { return a; }
  if (is_nan(b)) { return b; }
  if (a < b) { return a; }
  if (b < a) { return b; }
  return bitcast<f32>(bitcast<u32>(a) | bitcast<u32>(b));
}

/** sqrt with IEEE special cases: NaN for x < 0, sqrt(-0) = -0. */
fn f_sqrt(x: f32) -> f32 {
  let b = bitcast<u32>(x);
  if (b > 0x80000000u || is_nan(x)) { return f_nan(); }
  if ((b & 0x7fffffffu) == 0u) { return x; }
  return sqrt(x);
}

/** int32 to float32, rounded to nearest even (WGSL leaves the rounding direction open). */
fn i32_to_f32(v: i32) -> f32 {
  var a = bitcast<u32>(v);
  if (v < 0) { a = 0u - a; }
  if (a <= 0x1000000u) { return f32(v); }
  let shift = 8u - countLeadingZeros(a);
  let q = a >> shift;
  let rem = a & ((1u << shift) - 1u);
  let half = 1u << (shift - 1u);
  var m = q;
  if (rem > half || (rem == half && (q & 1u) == 1u)) { m = m + 1u; }
  let r = f32(m) * bitcast<f32>((127u + shift) << 23u);
  if (v < 0) { return f_neg(r); }
  return r;
}

/** e^r for |r| <= ln(2)/2 (Cephes expf polynomial). */
fn exp_poly(r: f32) -> f32 {
  let z = r * r;
  var y = 1.9875691500e-4;
  y = y * r + 1.3981999507e-3;
  y = y * r + 8.3334519073e-3;
  y = y * r + 4.1665795894e-2;
  y = y * r + 1.6666665459e-1;
  y = y * r + 5.0000001201e-1;
  return (y * z + r) + 1.0;
}

/** e^x (NaN stays NaN, overflow gives +inf, underflow 0 through subnormals). */
fn f_exp(x0: f32) -> f32 {
  if (is_nan(x0)) { return x0; }
  var x = x0;
  if (x > 88.8) { x = 88.8; }
  if (x < -104.0) { x = -104.0; }
  let fx = round(x * 1.44269504088896341);
  let n = i32(fx);
  var r = fx * -0.693359375 + x;
  r = fx * 2.12194440e-4 + r;
  let y = exp_poly(r);
  let n1 = n >> 1u;
  let n2 = n - n1;
  let p1 = bitcast<f32>(u32(n1 + 127) << 23u);
  let p2 = bitcast<f32>(u32(n2 + 127) << 23u);
  return (y * p1) * p2;
}

/** e^x for x <= 0 (softmax's shifted inputs): results below the smallest normal flush to 0. */
fn f_exp_nonpos(x0: f32) -> f32 {
  if (is_nan(x0)) { return x0; }
  if (x0 < -87.0) { return 0.0; }
  let fx = round(x0 * 1.44269504088896341);
  let n = i32(fx);
  var r = fx * -0.693359375 + x0;
  r = fx * 2.12194440e-4 + r;
  let y = exp_poly(r);
  return y * bitcast<f32>(u32(n + 127) << 23u);
}

/** Natural logarithm; log(±0) = -inf, log(x < 0) = NaN, log(+inf) = +inf. */
fn f_log(x0: f32) -> f32 {
  let b0 = bitcast<u32>(x0);
  if ((b0 & 0x7fffffffu) > 0x7f800000u || (b0 > 0x80000000u)) { return f_nan(); }
  if ((b0 & 0x7fffffffu) == 0u) { return f_neg(f_inf()); }
  if (b0 == 0x7f800000u) { return x0; }
  var x = x0;
  var e_adj = 0;
  if (x0 < 1.17549435e-38) {
    x = x0 * 8388608.0;
    e_adj = 23;
  }
  let xb = bitcast<u32>(x);
  let e = i32(xb >> 23u) - 126 - e_adj;
  let m = bitcast<f32>((xb & 0x007fffffu) | 0x3f000000u);
  var fe = f32(e);
  var xm = m - 1.0;
  if (m < 0.707106781186547524) {
    fe = fe - 1.0;
    xm = (m + m) - 1.0;
  }
  let z = xm * xm;
  var y = 7.0376836292e-2;
  y = y * xm + -1.1514610310e-1;
  y = y * xm + 1.1676998740e-1;
  y = y * xm + -1.2420140846e-1;
  y = y * xm + 1.4249322787e-1;
  y = y * xm + -1.6668057665e-1;
  y = y * xm + 2.0000714765e-1;
  y = y * xm + -2.4999993993e-1;
  y = y * xm + 3.3333331174e-1;
  y = (y * xm) * z;
  y = fe * -2.12194440e-4 + y;
  y = z * -0.5 + y;
  var r = xm + y;
  r = fe * 0.693359375 + r;
  return r;
}

/**
 * log(1 + x), accurate for small x: 2·atanh(x / (2 + x)) as an odd series near 0 (compilers may
 * reassociate, so the usual `(1 + x) - 1` correction cannot be relied on), log(1 + x) elsewhere.
 */
fn f_log1p(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  if (x < -0.2928932 || x > 0.4142135) { return f_log(1.0 + x); }
  let s = x / (2.0 + x);
  let z = s * s;
  let p = z * (0.33333333 + z * (0.2 + z * (0.14285715 + z * (0.11111111 + z * 0.09090909))));
  return (s + s * p) * 2.0;
}

/** tanh (Cephes: polynomial below 0.625, 1 - 2 / (e^2|x| + 1) above). */
fn f_tanh(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  let ax = f_abs(x);
  if (ax >= 0.625) {
    let s = f_exp(ax + ax);
    return f_copysign(1.0 - 2.0 / (s + 1.0), x);
  }
  let z = x * x;
  var p = -5.70498872745e-3;
  p = p * z + 2.06390887954e-2;
  p = p * z + -5.37397155531e-2;
  p = p * z + 1.33314422036e-1;
  p = p * z + -3.33332819422e-1;
  return f_copysign((p * z) * x + x, x);
}

/** 1 / (1 + e^-x) without overflow. */
fn f_sigmoid(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  let e = f_exp(f_neg(f_abs(x)));
  let s = 1.0 / (1.0 + e);
  if (x >= 0.0) { return s; }
  return e * s;
}

/** The 64-bit product of two u32 as (high word, low word). */
fn mul_wide(a: u32, b: u32) -> vec2<u32> {
  let a_lo = a & 0xffffu;
  let a_hi = a >> 16u;
  let b_lo = b & 0xffffu;
  let b_hi = b >> 16u;
  let ll = a_lo * b_lo;
  let lh = a_lo * b_hi;
  let hl = a_hi * b_lo;
  let hh = a_hi * b_hi;
  let mid = (ll >> 16u) + (lh & 0xffffu) + (hl & 0xffffu);
  let hi = hh + (lh >> 16u) + (hl >> 16u) + (mid >> 16u);
  return vec2<u32>(hi, a * b);
}

/** Word i of the binary expansion of 2/pi (0.A2F9836E 4E441529 ...). */
fn two_over_pi_word(i: u32) -> u32 {
  switch (i) {
    case 0u: { return 0xA2F9836Eu; }
    case 1u: { return 0x4E441529u; }
    case 2u: { return 0xFC2757D1u; }
    case 3u: { return 0xF534DDC0u; }
    case 4u: { return 0xDB629599u; }
    case 5u: { return 0x3C439041u; }
    case 6u: { return 0xFE5163ABu; }
    default: { return 0xDEBBC561u; }
  }
}

/**
 * Payne-Hanek reduction of a finite |x| >= 2^16: |x| = (q + f) * pi/2 with f in [-1/2, 1/2],
 * from 96 bits of 2/pi around |x|'s exponent. Returns (f * pi/2, q as f32).
 */
fn reduce_large(ax: f32) -> vec2<f32> {
  let b = bitcast<u32>(ax);
  let m = (b & 0x7fffffu) | 0x800000u;
  let e = i32(b >> 23u) - 150; // ax = m * 2^e
  var sw = 0;
  if (e >= 2) { sw = (e - 2) >> 5u; }
  let w0 = two_over_pi_word(u32(sw));
  let w1 = two_over_pi_word(u32(sw + 1));
  let w2 = two_over_pi_word(u32(sw + 2));
  // m * (w0 w1 w2) as four 32-bit limbs l0 (low) .. l3.
  let p2 = mul_wide(m, w2);
  let p1 = mul_wide(m, w1);
  let p0 = mul_wide(m, w0);
  let l0 = p2.y;
  let l1 = p2.x + p1.y;
  let c1 = select(0u, 1u, l1 < p2.x);
  let t2 = p1.x + p0.y;
  let c2a = select(0u, 1u, t2 < p1.x);
  let l2 = t2 + c1;
  let c2b = select(0u, 1u, l2 < t2);
  let l3 = p0.x + c2a + c2b;
  // The product times 2^(e - 32 sw - 96): its units bit is bit r = 96 + 32 sw - e. Take the 64
  // bits whose top two are the units and twos (q mod 4) and the rest the fraction.
  let k = u32(96 + 32 * sw - e - 62); // 1 .. 41
  let ws = k >> 5u;
  let bs = k & 31u;
  var limbs = array<u32, 5>(l0, l1, l2, l3, 0u);
  var lo = limbs[ws];
  var hi = limbs[ws + 1u];
  if (bs != 0u) {
    lo = (lo >> bs) | (hi << (32u - bs));
    hi = (hi >> bs) | (limbs[ws + 2u] << (32u - bs));
  }
  var q = hi >> 30u;
  var fh = hi & 0x3fffffffu;
  var fl = lo;
  var sign = 1.0;
  if ((fh & 0x20000000u) != 0u) {
    // Fraction >= 1/2: use f - 1 (negated in integers, so no bits cancel in float32).
    fl = ~fl + 1u;
    fh = (~fh & 0x3fffffffu) + select(0u, 1u, fl == 0u);
    q = q + 1u;
    sign = -1.0;
  }
  let f = sign * (f32(fh) * 9.313225746154785e-10 + f32(fl) * 2.168404344971009e-19);
  return vec2<f32>(f * 1.5707963705062866 + f * -4.371139000186243e-8, f32(q & 3u));
}

/** sin (q_off = 0) or cos (q_off = 1) by quadrant reduction and musl's kernels, in float32. */
fn f_sincos(x: f32, q_off: i32) -> f32 {
  if (is_nan(x) || is_inf(x)) { return f_nan(); }
  var y: f32;
  var q: i32;
  if (f_abs(x) < 65536.0) {
    // Four-part Cody-Waite reduction by pi/2 (exact products for |n| < 2^16).
    let fn_ = round(x * 0.6366197466850281);
    y = x - fn_ * 1.5703125;
    y = y - fn_ * 0.000484466552734375;
    y = y - fn_ * -6.407499313354492e-7;
    y = y - fn_ * 9.92093629470503e-10;
    q = i32(fn_) + q_off;
  } else {
    let r = reduce_large(f_abs(x));
    y = r.x;
    q = i32(r.y);
    if (x < 0.0) {
      // sin(-x) = -sin(x), cos(-x) = cos(x): reduce -x as -(y) with quadrant -q.
      y = -y;
      q = -q;
    }
    q = q + q_off;
  }
  let z = y * y;
  let w = z * z;
  var r: f32;
  if ((q & 1) == 0) {
    // musl __sindf
    let s = z * y;
    r = (y + s * (-0.166666666416265235595 + z * 0.0083333293858894631756)) +
      (s * w) * (-0.000198393348360966317347 + z * 0.0000027183114939898219064);
  } else {
    // musl __cosdf
    r = ((1.0 + z * -0.499999997251031003120) + w * 0.0416666233237390631894) +
      (w * z) * (-0.00138867637746099294692 + z * 0.0000243904487962774090654);
  }
  if ((q & 2) != 0) { r = f_neg(r); }
  return r;
}

/** |x|^n for a non-negative integer n, by squaring. */
fn f_powi(x: f32, n0: u32) -> f32 {
  var r = 1.0;
  var b = x;
  var n = n0;
  loop {
    if (n == 0u) { break; }
    if ((n & 1u) != 0u) { r = r * b; }
    b = b * b;
    n = n >> 1u;
  }
  return r;
}

/** powf with C99 Annex F special cases; integer exponents up to 64 by squaring. */
fn f_pow(x: f32, y: f32) -> f32 {
  let xb = bitcast<u32>(x);
  let yb = bitcast<u32>(y);
  if ((yb & 0x7fffffffu) == 0u || xb == 0x3f800000u) { return 1.0; }
  if (is_nan(x) || is_nan(y)) { return f_nan(); }
  let ay = f_abs(y);
  let y_inf = is_inf(y);
  var y_int = false;
  var y_odd = false;
  if (!y_inf) {
    y_int = floor(y) == y;
    if (y_int && ay < 16777216.0) { y_odd = (u32(ay) & 1u) == 1u; }
  }
  let ax = f_abs(x);
  let y_neg = (yb & 0x80000000u) != 0u;
  if (y_inf) {
    if (ax == 1.0) { return 1.0; }
    if ((ax < 1.0) != y_neg) { return 0.0; }
    return f_inf();
  }
  if (is_zero(x)) {
    if (y_neg) {
      if (y_odd) { return f_copysign(f_inf(), x); }
      return f_inf();
    }
    if (y_odd) { return x; }
    return 0.0;
  }
  let x_neg = (xb & 0x80000000u) != 0u;
  if (is_inf(x)) {
    var r = f_inf();
    if (y_neg) { r = 0.0; }
    if (x_neg && y_odd) { r = f_neg(r); }
    return r;
  }
  if (x_neg && !y_int) { return f_nan(); }
  var r: f32;
  if (y_int && ay <= 64.0) {
    r = f_powi(ax, u32(ay));
    if (y_neg) { r = 1.0 / r; }
  } else {
    r = f_exp(y * f_log(ax));
  }
  if (x_neg && y_odd) { r = f_neg(r); }
  return r;
}

/** Integer power by squaring (wrapping); negative exponents give the truncated quotient. */
fn i_pow(b: i32, e: i32) -> i32 {
  if (e < 0) {
    if (b == 1) { return 1; }
    if (b == -1) {
      if ((e & 1) != 0) { return -1; }
      return 1;
    }
    return 0;
  }
  var r = 1u;
  var base = bitcast<u32>(b);
  var k = u32(e);
  loop {
    if (k == 0u) { break; }
    if ((k & 1u) != 0u) { r = r * base; }
    base = base * base;
    k = k >> 1u;
  }
  return bitcast<i32>(r);
}

/** IEEE half bits of x, rounded to nearest even (NaN gives 0x7e00 with x's sign). */
fn f32_to_f16_bits(f: f32) -> u32 {
  let x = bitcast<u32>(f);
  let sign = (x >> 16u) & 0x8000u;
  let ax = x & 0x7fffffffu;
  if (ax > 0x7f800000u) { return sign | 0x7e00u; }
  if (ax >= 0x477ff000u) { return sign | 0x7c00u; }
  if (ax >= 0x38800000u) {
    let m = ax + 0xfffu + ((ax >> 13u) & 1u);
    return sign | ((m - (112u << 23u)) >> 13u);
  }
  if (ax < 0x33000000u) { return sign; }
  let e = ax >> 23u;
  let mant = (ax & 0x7fffffu) | 0x800000u;
  let shift = 126u - e;
  let q = mant >> shift;
  let rem = mant & ((1u << shift) - 1u);
  let half = 1u << (shift - 1u);
  var r = q;
  if (rem > half || (rem == half && (q & 1u) == 1u)) { r = q + 1u; }
  return sign | r;
}

/** The float32 value of IEEE half bits (exact). */
fn f16_bits_to_f32(h: u32) -> f32 {
  let sign = (h & 0x8000u) << 16u;
  let e = (h >> 10u) & 0x1fu;
  let m = h & 0x3ffu;
  if (e == 0u) {
    return bitcast<f32>(sign | bitcast<u32>(f32(m) * 5.9604644775390625e-8));
  }
  if (e == 31u) { return bitcast<f32>(sign | 0x7f800000u | (m << 13u)); }
  return bitcast<f32>(sign | ((e + 112u) << 23u) | (m << 13u));
}

/** x rounded to the nearest float16 value, held in float32 (how float16 lives on the GPU). */
fn f_round_f16(x: f32) -> f32 {
  return f16_bits_to_f32(f32_to_f16_bits(x));
}

/** float32 to int32, truncating; NaN, infinities and out-of-range values give INT32_MIN. */
fn f32_to_i32(x: f32) -> i32 {
  if (!is_nan(x) && f_abs(x) < 2147483648.0) { return i32(x); }
  return bitcast<i32>(0x80000000u);
}

/**
 * C's fmod, exact (x - trunc(x / y) * y in float32 is not): the mantissas' remainder is carried
 * up the exponent difference eight bits per step in u32 arithmetic (at most 32 steps), then
 * scaled back; the result has x's sign. NaN for y == 0 or infinite x; x when |x| < |y|.
 */
fn f_fmod(x: f32, y: f32) -> f32 {
  let ax = bitcast<u32>(x) & 0x7fffffffu;
  let ay = bitcast<u32>(y) & 0x7fffffffu;
  if (ax >= 0x7f800000u || ay > 0x7f800000u || ay == 0u) { return f_nan(); }
  if (ax < ay) { return x; }
  var ex = ax >> 23u;
  var mx = ax & 0x7fffffu;
  if (ex == 0u) { ex = 1u; } else { mx = mx | 0x800000u; }
  var ey = ay >> 23u;
  var my = ay & 0x7fffffu;
  if (ey == 0u) { ey = 1u; } else { my = my | 0x800000u; }
  var r = mx % my;
  var d = ex - ey;
  loop {
    if (d == 0u) { break; }
    let s = min(d, 8u);
    r = (r << s) % my;
    d = d - s;
  }
  return f_copysign(ldexp(f32(r), i32(ey) - 150), x);
}

/** True when the sign bits of x and y differ. */
fn f_signs_differ(x: f32, y: f32) -> bool {
  return ((bitcast<u32>(x) ^ bitcast<u32>(y)) & 0x80000000u) != 0u;
}

/** PyTorch's remainder: fmod, plus y when the signs of the fmod and y differ. */
fn f_remainder(x: f32, y: f32) -> f32 {
  let m = f_fmod(x, y);
  if (!is_zero(m) && !is_nan(m) && f_signs_differ(m, y)) { return m + y; }
  return m;
}

/** Python's float floor division (PyTorch's div_floor_floating), in float32. */
fn f_floor_divide(x: f32, y: f32) -> f32 {
  if (is_nan(x) || is_nan(y)) { return f_nan(); }
  if (is_zero(y)) {
    if (is_zero(x)) { return f_nan(); }
    return f_copysign(f_inf(), bitcast<f32>(bitcast<u32>(x) ^ (bitcast<u32>(y) & 0x80000000u)));
  }
  let m = f_fmod(x, y);
  if (is_nan(m)) { return f_nan(); }
  var div = (x - m) / y;
  if (!is_zero(m) && f_signs_differ(m, y)) { div = div - 1.0; }
  if (is_zero(div)) {
    return f_copysign(0.0, bitcast<f32>(bitcast<u32>(x) ^ (bitcast<u32>(y) & 0x80000000u)));
  }
  var fl = floor(div);
  if (div - fl > 0.5) { fl = fl + 1.0; }
  return fl;
}

/** |x| as u32 (exact for INT_MIN). */
fn i_abs_u32(x: i32) -> u32 {
  return select(bitcast<u32>(x), 0u - bitcast<u32>(x), x < 0);
}

/**
 * C's integer %, truncating (the result takes the dividend's sign); 0 for a zero divisor
 * (refused before the kernel) and for -1. Computed on magnitudes in u32: WGSL's i32 `%` and `/`
 * are not reliable across implementations (Deno's gives unsigned results for negative operands).
 */
fn i_fmod(x: i32, y: i32) -> i32 {
  if (y == 0 || y == -1) { return 0; }
  let r = i_abs_u32(x) % i_abs_u32(y);
  return select(bitcast<i32>(r), bitcast<i32>(0u - r), x < 0);
}

/** PyTorch's integer remainder: the result takes the divisor's sign. */
fn i_remainder(x: i32, y: i32) -> i32 {
  let r = i_fmod(x, y);
  if (r != 0 && ((r < 0) != (y < 0))) { return r + y; }
  return r;
}

/** Integer floor division (wrapping INT_MIN / -1; 0 for a zero divisor, refused before). */
fn i_floor_divide(x: i32, y: i32) -> i32 {
  if (y == 0) { return 0; }
  if (y == -1) { return bitcast<i32>(0u - bitcast<u32>(x)); }
  let ax = i_abs_u32(x);
  let ay = i_abs_u32(y);
  let q = ax / ay;
  if ((x < 0) != (y < 0)) { return bitcast<i32>(0u - (q + select(0u, 1u, ax % ay != 0u))); }
  return bitcast<i32>(q);
}

/** atan(t) for t in [0, 1]: Cephes' atanf (reduced by pi/4 above tan(pi/8)), a few ulp. */
fn atan_unit(t: f32) -> f32 {
  var x = t;
  var base = 0.0;
  if (t > 0.41421356237) {
    x = (t - 1.0) / (t + 1.0);
    base = 0.78539816339;
  }
  let z = x * x;
  let p = (((8.05374449538e-2 * z - 1.38776856032e-1) * z + 1.99777106478e-1) * z - 3.33329491539e-1) * z;
  return base + (x * p + x);
}

/** C's atan2(y, x): quadrant from the signs (signed zeros included), NaN if either is NaN. */
fn f_atan2(y: f32, x: f32) -> f32 {
  if (is_nan(x) || is_nan(y)) { return f_nan(); }
  let pi = 3.14159265358979;
  let x_neg = (bitcast<u32>(x) & 0x80000000u) != 0u;
  let ax = f_abs(x);
  let ay = f_abs(y);
  var r = 0.0;
  if (is_zero(y)) {
    r = select(0.0, pi, x_neg);
  } else if (is_zero(x)) {
    r = pi * 0.5;
  } else if (is_inf(x) && is_inf(y)) {
    r = select(pi * 0.25, pi * 0.75, x_neg);
  } else if (is_inf(x)) {
    r = select(0.0, pi, x_neg);
  } else if (is_inf(y)) {
    r = pi * 0.5;
  } else {
    if (ay <= ax) {
      r = atan_unit(ay / ax);
    } else {
      r = pi * 0.5 - atan_unit(ax / ay);
    }
    if (x_neg) { r = pi - r; }
  }
  return f_copysign(r, y);
}

/** C's hypot(x, y): sqrt(x² + y²) without overflow; infinite if either is, else NaN if one is. */
fn f_hypot(x: f32, y: f32) -> f32 {
  if (is_inf(x) || is_inf(y)) { return f_inf(); }
  if (is_nan(x) || is_nan(y)) { return f_nan(); }
  let ax = f_abs(x);
  let ay = f_abs(y);
  let m = max(ax, ay);
  if (is_zero(m)) { return 0.0; }
  let r = min(ax, ay) / m;
  return m * sqrt(1.0 + r * r);
}
