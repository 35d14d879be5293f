// Special functions in float32 (the CPU's assembly/special.ts, which computes in double): lgamma,
// digamma, polygamma, erfc, erfcx, i0/i0e/i1/i1e, ndtri, log_ndtr (kernel `special`, op codes in
// SPECIAL_OPS order; the Bessel and Airy functions of op 11 on are in special_more.wgsl) and
// igamma/igammac and the Hurwitz zeta function (kernel `special2`; its orthogonal polynomials,
// ops 2 to 13, are in special_more.wgsl).
// The algorithms are the CPU's, with
// fewer series terms; erfc and erfcx use the Numerical Recipes fit of src/ops/erf.ts (relative
// error below 1.2e-7). One invocation per element; the grid is folded into two dimensions.
//! include: math
//! include: elementwise_math
//! include: special_more

const PI_F: f32 = 3.14159265358979;
const SQRT_PI_F: f32 = 1.7724538509055159;

fn flat_index(wg: vec3<u32>, groups: vec3<u32>, local: u32) -> u32 {
  return (wg.y * groups.x + wg.x) * 256u + local;
}

fn is_neg_zero(x: f32) -> bool {
  return bitcast<u32>(x) == 0x80000000u;
}

// lgamma(2 + z) = (1 - euler_gamma) z + sum_{k >= 2} (-1)^k (zeta(k) - 1) / k z^k, |z| <= 1/2.
fn lgamma2(z: f32) -> f32 {
  var c = array<f32, 16>(
    0.42278433509846713939, 0.32246703342411321824, -0.067352301053198095133, 0.020580808427784547879,
    -0.0073855510286739852663, 0.0028905103307415232858, -0.0011927539117032609771,
    0.00050966952474304242234, -0.00022315475845357937976, 0.000099457512781808533715,
    -0.0000449262367381331417, 0.000020507212775670691553, -9.439488275268395904e-6,
    4.3748667899074878042e-6, -2.0392157538013662368e-6, 9.5514121304074198329e-7);
  var p = 0.0;
  for (var k = 15; k >= 0; k = k - 1) { p = (p + c[k]) * z; }
  return p;
}

/** |sin(pi x)|, reduced exactly first so that it vanishes only at integers. */
fn abs_sin_pi(x: f32) -> f32 {
  let n = round(2.0 * x);
  let r = x - n * 0.5;
  let odd = (i32(f_abs(n)) & 1) == 1;
  return f_abs(f_sincos(PI_F * r, select(0, 1, odd)));
}

fn lgamma_pos(x: f32) -> f32 {
  if (x < 0.5) { return lgamma2(x) - f_log1p(x) - f_log(x); }
  if (x < 1.5) {
    let z = x - 1.0;
    return lgamma2(z) - f_log1p(z);
  }
  if (x < 2.5) { return lgamma2(x - 2.0); }
  if (x < 8.0) {
    var y = x;
    var p = 1.0;
    loop {
      if (y < 2.5) { break; }
      y = y - 1.0;
      p = p * y;
    }
    return f_log(p) + lgamma2(y - 2.0);
  }
  let r = 1.0 / x;
  let r2 = r * r;
  let s = 0.083333333333333333333 + r2 * (-0.0027777777777777777778 + r2 * (0.00079365079365079365079 +
    r2 * -0.0005952380952380952381));
  return (x - 0.5) * f_log(x) - x + 0.91893853320467274178 + s * r;
}

fn f_lgamma(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  if (is_inf(x)) { return f_inf(); }
  if (x > 0.0) { return lgamma_pos(x); }
  if (x == floor(x)) { return f_inf(); }
  return f_log(PI_F / abs_sin_pi(x)) - lgamma_pos(1.0 - x);
}

// PyTorch's calc_digamma: recurrence to x >= 10, then the asymptotic series.
fn digamma_pos(x0: f32) -> f32 {
  var x = x0;
  var result = 0.0;
  loop {
    if (x >= 10.0) { break; }
    result = result - 1.0 / x;
    x = x + 1.0;
  }
  if (x == 10.0) { return result + 2.25175258906672110764; }
  var y = 0.0;
  if (x < 1.0e17) {
    let z = 1.0 / (x * x);
    y = z * (0.0833333333333333333333 + z * (-0.00833333333333333333333 + z * (0.00396825396825396825397 +
      z * (-0.00416666666666666666667 + z * (0.00757575757575757575758 + z * (-0.0210927960927960927961 +
      z * 0.0833333333333333333333))))));
  }
  return result + f_log(x) - 0.5 / x - y;
}

fn f_digamma(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  if (is_zero(x)) {
    if (is_neg_zero(x)) { return f_inf(); }
    return -f_inf();
  }
  if (is_inf(x)) {
    if (x > 0.0) { return x; }
    return f_nan();
  }
  if (x < 0.0) {
    if (x == trunc(x)) { return f_nan(); }
    let r = x - trunc(x);
    let pr = PI_F * r;
    return digamma_pos(1.0 - x) - PI_F * f_sincos(pr, 1) / f_sincos(pr, 0);
  }
  return digamma_pos(x);
}

// PyTorch's calc_trigamma.
fn f_trigamma(x0: f32) -> f32 {
  var x = x0;
  var sign = 1.0;
  var result = 0.0;
  if (x < 0.5) {
    sign = -1.0;
    let s = f_sincos(PI_F * x, 0);
    result = result - (PI_F * PI_F) / (s * s);
    x = 1.0 - x;
  }
  for (var i = 0; i < 6; i = i + 1) {
    result = result + 1.0 / (x * x);
    x = x + 1.0;
  }
  let ixx = 1.0 / (x * x);
  result = result + (1.0 + 1.0 / (2.0 * x) + ixx * (1.0 / 6.0 - ixx * (1.0 / 30.0 - ixx * (1.0 / 42.0)))) / x;
  return sign * result;
}

// zeta(s, q) = sum_k (q + k)^-s: direct summation to q + k > 9, then the Euler-Maclaurin tail.
// Where q^-s would underflow (large q and s: GPUs flush float32 subnormals to 0), the terms are
// taken relative to q^-s ((a/q)^-s) and the sum scaled back by q^-s/2 twice.
fn f_zeta(s: f32, q: f32) -> f32 {
  if (s == 1.0) { return f_inf(); }
  if (s < 1.0) { return f_nan(); }
  if (is_nan(q)) { return q; }
  if (q <= 0.0) {
    if (q == floor(q)) { return f_inf(); }
    if (s != floor(s)) { return f_nan(); }
  }
  var em = array<f32, 12>(12.0, -720.0, 30240.0, -1209600.0, 47900160.0, -1.8924375803183791606e9,
    7.47242496e10, -2.950130727918164224e12, 1.1646782814350067249e14, -4.5979787224074726105e15,
    1.8152105401943546773e17, -7.1661652561756670113e18);
  let eps = 5.96e-8;
  let split = q > 1.0 && !is_inf(q) && !is_inf(s) && s * log2(q) > 100.0;
  var unit = 1.0;
  if (split) { unit = q; }
  var sum = f_pow(q / unit, -s);
  var a = q;
  var b = 0.0;
  var i = 0;
  var done = false;
  loop {
    if (i >= 9 && a > 9.0) { break; }
    i = i + 1;
    a = a + 1.0;
    b = f_pow(a / unit, -s);
    sum = sum + b;
    if (-eps * sum < b && b < eps * sum) {
      done = true;
      break;
    }
  }
  if (!done) {
    let w = a;
    sum = sum + b * w / (s - 1.0) - 0.5 * b;
    var fac = 1.0;
    var k = 0.0;
    for (var j = 0; j < 12; j = j + 1) {
      fac = fac * (s + k);
      b = b / w;
      let t = fac * b / em[j];
      sum = sum + t;
      if (f_abs(t / sum) < eps) { break; }
      k = k + 1.0;
      fac = fac * (s + k);
      b = b / w;
      k = k + 1.0;
    }
  }
  if (split) {
    let h = f_pow(q, -0.5 * s);
    return sum * h * h;
  }
  return sum;
}

fn f_polygamma(n: u32, x: f32) -> f32 {
  if (n == 0u) { return f_digamma(x); }
  if (n == 1u) { return f_trigamma(x); }
  var fact = 1.0;
  for (var k = 2u; k <= n; k = k + 1u) { fact = fact * f32(k); }
  if ((n & 1u) == 0u) { fact = -fact; }
  return fact * f_zeta(f32(n + 1u), x);
}

fn f_erfc(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  let z = f_abs(x);
  let r = erfcx_fit(z) * f_exp(-z * z);
  if (x < 0.0) { return 2.0 - r; }
  return r;
}

fn f_erfcx(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  if (x >= 0.0) { return erfcx_fit(x); }
  if (x < -9.3) { return f_inf(); }
  return 2.0 * f_exp(x * x) - erfcx_fit(-x);
}

fn f_log_ndtr(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  let t = x * 0.70710678118654752440;
  if (x < -1.0) { return f_log(f_erfcx(-t) * 0.5) - t * t; }
  return f_log1p(-f_erfc(t) * 0.5);
}

fn ndtri_lower(q: f32) -> f32 {
  let t = f_sqrt(-2.0 * f_log(q));
  var x = -(t - (2.515517 + t * (0.802853 + t * 0.010328)) / (1.0 + t * (1.432788 + t * (0.189269 + t * 0.001308))));
  let goal = f_log(q);
  for (var i = 0; i < 4; i = i + 1) {
    let l = f_log_ndtr(x);
    x = x - (l - goal) / (f_exp(-0.5 * x * x - l) * 0.39894228040143267794);
  }
  return x;
}

fn f_ndtri(p: f32) -> f32 {
  if (is_nan(p) || p < 0.0 || p > 1.0) { return f_nan(); }
  if (p == 0.0) { return -f_inf(); }
  if (p == 1.0) { return f_inf(); }
  if (p == 0.5) { return 0.0; }
  if (p < 0.5) { return ndtri_lower(p); }
  return -ndtri_lower(1.0 - p);
}

/** e^-|x| I_nu(|x|) (scaled) or I_nu(|x|), nu = 0 or 1 (the caller applies I1's odd sign). */
fn bessel_i(nu: u32, ax: f32, scaled: bool) -> f32 {
  if (ax < 20.0) {
    let q = ax * ax * 0.25;
    var term = 1.0;
    if (nu == 1u) { term = ax * 0.5; }
    var s = term;
    for (var k = 1u; k < 100u; k = k + 1u) {
      term = term * q / f32(k * (k + nu));
      s = s + term;
      if (term < 1e-8 * s) { break; }
    }
    if (scaled) { return s * f_exp(-ax); }
    return s;
  }
  if (is_inf(ax)) {
    if (scaled) { return 0.0; }
    return ax;
  }
  let mu = f32(4u * nu * nu);
  var term = 1.0;
  var s = 1.0;
  for (var k = 1u; k < 30u; k = k + 1u) {
    let odd = f32(2u * k - 1u);
    let next = -term * (mu - odd * odd) / (f32(k) * 8.0 * ax);
    if (f_abs(next) >= f_abs(term)) { break; }
    term = next;
    s = s + term;
    if (f_abs(term) < 1e-8 * f_abs(s)) { break; }
  }
  let e = s / f_sqrt(2.0 * PI_F * ax);
  if (scaled) { return e; }
  let h = f_exp(ax * 0.5);
  return e * h * h;
}

fn f_special(op: u32, x: f32, order: u32) -> f32 {
  switch (op) {
    case 0u: { return f_lgamma(x); }
    case 1u: { return f_digamma(x); }
    case 2u: { return f_polygamma(order, x); }
    case 3u: { return f_erfc(x); }
    case 4u: { return f_erfcx(x); }
    case 9u: { return f_ndtri(x); }
    case 10u: { return f_log_ndtr(x); }
    default: {}
  }
  if (op >= 11u) { return f_special_bessel(op, x); }
  if (is_nan(x)) { return x; }
  let ax = f_abs(x);
  // PyTorch computes I0 and I1 as exp(|x|) times a scaled series: inf where expf overflows, NaN at ±inf.
  if ((op == 5u || op == 7u) && ax > 88.72283935546875) {
    if (is_inf(x)) { return f_nan(); }
    if (op == 7u && x < 0.0) { return -f_inf(); }
    return f_inf();
  }
  if (op == 5u) { return bessel_i(0u, ax, false); }
  if (op == 6u) { return bessel_i(0u, ax, true); }
  let v = bessel_i(1u, ax, op == 8u);
  if (x < 0.0) { return -v; }
  return v;
}

fn igamma_prefactor(a: f32, x: f32) -> f32 {
  return f_exp(a * f_log(x) - x - f_lgamma(a));
}

/** PyTorch's igamma (upper = false) or igammac (upper = true), with its special cases. */
fn f_igamma(a: f32, x: f32, upper: bool) -> f32 {
  if (is_nan(a) || is_nan(x) || x < 0.0 || a < 0.0) { return f_nan(); }
  if (is_zero(a)) {
    if (x > 0.0) { return select(1.0, 0.0, upper); }
    return f_nan();
  }
  if (is_zero(x)) { return select(0.0, 1.0, upper); }
  if (is_inf(a)) {
    if (is_inf(x)) { return f_nan(); }
    return select(0.0, 1.0, upper);
  }
  if (is_inf(x)) { return select(1.0, 0.0, upper); }
  if (x < a + 1.0) {
    // P(a, x) by its series.
    var ap = a;
    var del = 1.0 / a;
    var sum = del;
    for (var n = 0; n < 10000; n = n + 1) {
      ap = ap + 1.0;
      del = del * x / ap;
      sum = sum + del;
      if (f_abs(del) < f_abs(sum) * 3e-8) { break; }
    }
    let p = sum * igamma_prefactor(a, x);
    return select(p, 1.0 - p, upper);
  }
  // Q(a, x) by its continued fraction (modified Lentz).
  let tiny = 1e-30;
  var b = x + 1.0 - a;
  var c = 1.0 / tiny;
  var d = 1.0 / b;
  var h = d;
  for (var i = 1; i < 10000; i = i + 1) {
    let an = -f32(i) * (f32(i) - a);
    b = b + 2.0;
    d = an * d + b;
    if (f_abs(d) < tiny) { d = tiny; }
    c = b + an / c;
    if (f_abs(c) < tiny) { c = tiny; }
    d = 1.0 / d;
    let del = d * c;
    h = h * del;
    if (f_abs(del - 1.0) < 3e-8) { break; }
  }
  let q = h * igamma_prefactor(a, x);
  return select(1.0 - q, q, upper);
}

//! kernel: special
struct Params {
  n: u32,
  op: u32,
  order: u32,
}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read_write> Y: array<f32>;

@compute @workgroup_size(256)
fn special(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) local: u32) {
  let i = flat_index(wg, groups, local);
  if (i >= P.n) { return; }
  Y[i] = f_special(P.op, X[i], P.order);
}

//! kernel: special2
struct Params {
  n: u32,
  op: u32,
}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> A: array<f32>;
@group(0) @binding(2) var<storage, read> B: array<f32>;
@group(0) @binding(3) var<storage, read_write> Y: array<f32>;

@compute @workgroup_size(256)
fn special2(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) local: u32) {
  let i = flat_index(wg, groups, local);
  if (i >= P.n) { return; }
  if (P.op == 14u) {
    Y[i] = f_zeta(A[i], B[i]);
  } else if (P.op >= 2u) {
    Y[i] = f_polynomial(P.op, A[i], B[i]);
  } else {
    Y[i] = f_igamma(A[i], B[i], P.op == 1u);
  }
}
