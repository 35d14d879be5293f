// torch.special's additions in float32, included by special.wgsl after math and elementwise_math:
// the Bessel and Airy functions (kernel `special`, op codes 11..20; the CPU's
// assembly/special_bessel.ts) and the orthogonal polynomials (kernel `special2`, op codes 2..13;
// the CPU's assembly/special_poly.ts).
//
// The Bessel functions J0, J1, Y0, Y1, K0, K1 (and e^x K), spherical j0 and Ai. The algorithms
// are the CPU's (assembly/special_bessel.ts) with float32's thresholds: power series up to 2,
// Miller's recurrence with Neumann's series up to 12 and Hankel's expansion above for J and Y;
// for K the power series up to 1 (at 2 K0's loses 2e-6 to cancellation in float32) and the
// trapezoidal rule on e^x K_nu(x) = 2 int e^-u^2 cosh(nu t) / sqrt(2x + u^2) du (step 0.35) above,
// also for Ai from 2; Taylor steps along y'' = x y for Ai between -7 and 2 and its
// asymptotic expansion below.

const BS_PI: f32 = 3.14159265358979;
const BS_EULER: f32 = 0.5772156649015329;

/** (J0, J1) for 0 <= x <= 2 by their power series. */
fn bs_j_series(x: f32) -> vec2<f32> {
  let q = x * x * 0.25;
  var a = 1.0;
  var b = x * 0.5;
  var s0 = a;
  var s1 = b;
  for (var k = 1u; k < 14u; k = k + 1u) {
    a = -a * q / f32(k * k);
    b = -b * q / f32(k * (k + 1u));
    s0 = s0 + a;
    s1 = s1 + b;
  }
  return vec2<f32>(s0, s1);
}

/** (J0, J1, Y0, Y1) for 0 < x <= 2. */
fn bs_jy_small(x: f32) -> vec4<f32> {
  let j = bs_j_series(x);
  let q = x * x * 0.25;
  let lg = f_log(x * 0.5);
  var t = 1.0;
  var h = 0.0;
  var s = 0.0;
  for (var k = 1u; k < 14u; k = k + 1u) {
    t = -t * q / f32(k * k);
    h = h + 1.0 / f32(k);
    s = s - t * h;
  }
  let y0 = 2.0 / BS_PI * ((lg + BS_EULER) * j.x + s);
  t = x * 0.5;
  var p1 = -BS_EULER;
  var p2 = 1.0 - BS_EULER;
  s = 0.0;
  for (var k = 0u; k < 14u; k = k + 1u) {
    s = s + t * (p1 + p2);
    t = -t * q / f32((k + 1u) * (k + 2u));
    p1 = p1 + 1.0 / f32(k + 1u);
    p2 = p2 + 1.0 / f32(k + 2u);
  }
  let y1 = -2.0 / (BS_PI * x) + 2.0 / BS_PI * lg * j.y - s / BS_PI;
  return vec4<f32>(j.x, j.y, y0, y1);
}

/** (J0, J1, Y0, Y1) for 2 < x < 12: Miller's downward recurrence, Neumann's series for Y. */
fn bs_jy_miller(x: f32) -> vec4<f32> {
  let top = 2u * u32((x + 20.0) * 0.5);
  var next = 0.0;
  var cur = 1e-20;
  var j1 = 0.0;
  var norm = 0.0;
  var s0 = 0.0;
  var s1 = 0.0;
  for (var k = top; k >= 1u; k = k - 1u) {
    if ((k & 1u) == 0u) {
      let m = k >> 1u;
      norm = norm + 2.0 * cur;
      s0 = s0 + select(1.0, -1.0, (m & 1u) == 1u) * cur / f32(m);
    } else if (k >= 3u) {
      let m = (k - 1u) >> 1u;
      s1 = s1 + select(1.0, -1.0, (m & 1u) == 1u) * f32(2u * m + 1u) / f32(m * (m + 1u)) * cur;
    } else {
      j1 = cur;
    }
    let prev = 2.0 * f32(k) / x * cur - next;
    next = cur;
    cur = prev;
    if (f_abs(cur) > 1e20) {
      cur = cur * 1e-20;
      next = next * 1e-20;
      norm = norm * 1e-20;
      s0 = s0 * 1e-20;
      s1 = s1 * 1e-20;
      j1 = j1 * 1e-20;
    }
  }
  norm = norm + cur;
  let j0 = cur / norm;
  let jj1 = j1 / norm;
  let lg = f_log(x * 0.5) + BS_EULER;
  let y0 = 2.0 / BS_PI * (lg * j0 - 2.0 * s0 / norm);
  let y1 = 2.0 / BS_PI * (-j0 / x + (lg - 1.0) * jj1 - s1 / norm);
  return vec4<f32>(j0, jj1, y0, y1);
}

/** (P, Q) of Hankel's expansion of J_nu and Y_nu. */
fn bs_hankel(nu: f32, x: f32) -> vec2<f32> {
  let mu = 4.0 * nu * nu;
  var p = 1.0;
  var q = 0.0;
  var t = 1.0;
  for (var k = 1u; k < 20u; k = k + 1u) {
    let odd = f32(2u * k - 1u);
    let tn = t * (mu - odd * odd) / (f32(k) * 8.0 * x);
    if (k > 2u && f_abs(tn) >= f_abs(t)) { break; }
    t = tn;
    let r = k & 3u;
    if (r == 1u) {
      q = q + t;
    } else if (r == 2u) {
      p = p - t;
    } else if (r == 3u) {
      q = q - t;
    } else {
      p = p + t;
    }
    if (f_abs(t) < 1e-9) { break; }
  }
  return vec2<f32>(p, q);
}

/** (J0, J1, Y0, Y1) for x >= 12. */
fn bs_jy_large(x: f32) -> vec4<f32> {
  let c = f_sincos(x, 1);
  let s = f_sincos(x, 0);
  let r = f_sqrt(1.0 / (BS_PI * x));
  let a = bs_hankel(0.0, x);
  let b = bs_hankel(1.0, x);
  return vec4<f32>(
    r * (a.x * (c + s) - a.y * (s - c)),
    r * (b.x * (s - c) + b.y * (s + c)),
    r * (a.x * (s - c) + a.y * (c + s)),
    r * (-b.x * (s + c) + b.y * (s - c)),
  );
}

fn bs_jy(ax: f32) -> vec4<f32> {
  if (ax <= 2.0) { return bs_jy_small(ax); }
  if (ax < 12.0) { return bs_jy_miller(ax); }
  return bs_jy_large(ax);
}

/** J0 (op 11), J1 (12), Y0 (13), Y1 (14) with PyTorch's edge values. */
fn bs_bessel_jy(op: u32, x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  if (is_inf(x)) { return f_nan(); }
  if (op >= 13u) {
    if (x < 0.0) { return f_nan(); }
    if (x == 0.0) { return -f_inf(); }
  }
  let ax = f_abs(x);
  if (op <= 12u && ax < 1e-30) {
    if (op == 11u) { return 1.0; }
    return x * 0.5;
  }
  var v: vec4<f32>;
  if (op <= 12u && ax <= 2.0) {
    let j = bs_j_series(ax);
    v = vec4<f32>(j.x, j.y, 0.0, 0.0);
  } else {
    v = bs_jy(ax);
  }
  if (op == 11u) { return v.x; }
  if (op == 12u) { return select(v.y, -v.y, x < 0.0); }
  if (op == 13u) { return v.z; }
  return v.w;
}

/** e^x K_nu(x) for x >= 1 by the trapezoidal rule (nu = 0, 1 or 1/3). */
fn bs_k_scaled(nu: f32, x: f32) -> f32 {
  let c = 2.0 * x;
  let h = 0.35;
  var s = 0.0;
  for (var k = 0u; k <= 13u; k = k + 1u) {
    let u = f32(k) * h;
    let u2 = u * u;
    var w = f_exp(-u2) / f_sqrt(c + u2);
    if (nu == 1.0) {
      w = w * (1.0 + u2 / x);
    } else if (nu != 0.0) {
      let v = u / f_sqrt(c);
      let e = f_log(v + f_sqrt(v * v + 1.0)) * 2.0 * nu; // nu t, t = 2 asinh(v)
      w = w * 0.5 * (f_exp(e) + f_exp(-e));
    }
    s = s + select(w, 0.5 * w, k == 0u);
  }
  return 2.0 * h * s;
}

/** K0 (nu = 0) or K1 (nu = 1) for 0 < x <= 1 by their power series. */
fn bs_k_small(nu: u32, x: f32) -> f32 {
  let q = x * x * 0.25;
  let lg = f_log(x * 0.5);
  var a = select(1.0, x * 0.5, nu == 1u);
  var si = a;
  for (var k = 1u; k < 12u; k = k + 1u) {
    a = a * q / f32(k * (k + nu));
    si = si + a;
  }
  if (nu == 0u) {
    var t = 1.0;
    var h = 0.0;
    var s = 0.0;
    for (var k = 1u; k < 12u; k = k + 1u) {
      t = t * q / f32(k * k);
      h = h + 1.0 / f32(k);
      s = s + t * h;
    }
    return -(lg + BS_EULER) * si + s;
  }
  var t = 1.0;
  var p1 = -BS_EULER;
  var p2 = 1.0 - BS_EULER;
  var s = 0.0;
  for (var k = 0u; k < 12u; k = k + 1u) {
    s = s + t * (p1 + p2);
    t = t * q / f32((k + 1u) * (k + 2u));
    p1 = p1 + 1.0 / f32(k + 1u);
    p2 = p2 + 1.0 / f32(k + 2u);
  }
  return 1.0 / x + lg * si - x * 0.25 * s;
}

/** K0 (op 15), K1 (16), e^x K0 (17), e^x K1 (18). */
fn bs_bessel_k(op: u32, x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  if (x < 0.0) { return f_nan(); }
  if (x == 0.0) { return f_inf(); }
  if (is_inf(x)) { return 0.0; }
  let nu = select(1u, 0u, op == 15u || op == 17u);
  let scaled = op >= 17u;
  if (x <= 1.0) {
    let k = bs_k_small(nu, x);
    return select(k, k * f_exp(x), scaled);
  }
  let e = bs_k_scaled(f32(nu), x);
  return select(e * f_exp(-x), e, scaled);
}

/** Ai by Taylor steps of at most 1/2 along y'' = x y from Ai(0), Ai'(0) (-7 < x < 2). */
fn bs_airy_taylor(x: f32) -> f32 {
  if (x == 0.0) { return 0.35502805388781723926; }
  var n = 1u;
  if (x < 0.0) { n = u32(ceil(-x * 2.0)); }
  let h = x / f32(n);
  var y = 0.35502805388781723926;
  var yp = -0.25881940379280679840;
  var x0 = 0.0;
  for (var i = 0u; i < n; i = i + 1u) {
    var am1 = 0.0;
    var a0 = y;
    var a1 = yp;
    var hm = h;
    var s = y + yp * h;
    var d = yp;
    for (var m = 0u; m < 40u; m = m + 1u) {
      let a2 = (x0 * a0 + am1) / f32((m + 1u) * (m + 2u));
      d = d + f32(m + 2u) * a2 * hm;
      hm = hm * h;
      s = s + a2 * hm;
      am1 = a0;
      a0 = a1;
      a1 = a2;
      if (m > 3u && f_abs(a2 * hm) < 1e-9 * f_abs(s) && f_abs(a0 * hm) < 1e-9 * f_abs(s)) { break; }
    }
    y = s;
    yp = d;
    x0 = x0 + h;
  }
  return y;
}

/** Ai(-ax) for ax >= 7 by its asymptotic expansion. */
fn bs_airy_negative(ax: f32) -> f32 {
  let z = 2.0 / 3.0 * ax * f_sqrt(ax);
  var p = 1.0;
  var q = 0.0;
  var u = 1.0;
  var zk = 1.0;
  var last = f_inf();
  for (var k = 1u; k < 12u; k = k + 1u) {
    u = u * f32((6u * k - 5u) * (6u * k - 3u) * (6u * k - 1u)) / f32((2u * k - 1u) * 216u * k);
    zk = zk * z;
    let t = u / zk;
    if (t >= last) { break; }
    last = t;
    let sg = select(1.0, -1.0, ((k >> 1u) & 1u) == 1u);
    if ((k & 1u) == 0u) { p = p + sg * t; } else { q = q + sg * t; }
    if (t < 1e-9) { break; }
  }
  let s = f_sincos(z, 0);
  let c = f_sincos(z, 1);
  return ((s + c) * p - (c - s) * q) / f_sqrt(2.0 * BS_PI * f_sqrt(ax));
}

fn bs_airy_ai(x: f32) -> f32 {
  if (is_nan(x) || is_inf(x)) { return f_nan(); }
  if (x >= 2.0) {
    let z = 2.0 / 3.0 * x * f_sqrt(x);
    if (z > 110.0) { return 0.0; }
    return f_sqrt(x / 3.0) / BS_PI * f_exp(-z) * bs_k_scaled(1.0 / 3.0, z);
  }
  if (x > -7.0) { return bs_airy_taylor(x); }
  return bs_airy_negative(-x);
}

/** The functions of this file by op code (11..20). */
fn f_special_bessel(op: u32, x: f32) -> f32 {
  if (op <= 14u) { return bs_bessel_jy(op, x); }
  if (op <= 18u) { return bs_bessel_k(op, x); }
  if (op == 19u) {
    if (is_nan(x)) { return x; }
    if (is_inf(x)) { return 0.0; }
    if (x == 0.0) { return 1.0; }
    return f_sincos(x, 0) / x;
  }
  return bs_airy_ai(x);
}

// ---- The orthogonal polynomials ----
//
// Chebyshev T, U, V, W, the shifted ones, Hermite H and He, Laguerre L, Legendre P of (x, n).
// PyTorch's algorithms, as the CPU's assembly/special_poly.ts: n truncated
// (NaN, ±inf and |n| >= 2^63 count as negative: the result is 0), the closed values at the ends,
// the trigonometric forms for |x| < 1 and larger n, the three-term recurrences otherwise (n steps,
// stopping early once the value is NaN, which it then stays).

/** n truncated to an integer, or -1 where C++'s int64 cast gives INT64_MIN. */
fn pl_degree(n: f32) -> f32 {
  if (is_nan(n) || f_abs(n) >= 9.223372036854775807e18) { return -1.0; }
  return trunc(n);
}

fn pl_odd(n: f32) -> bool {
  return fract(n * 0.5) != 0.0;
}

/** Steps of a loop over k = from..n (at most 2^32 - 1). */
fn pl_steps(n: f32) -> u32 {
  return u32(min(n, 4294967295.0));
}

fn pl_cheb_recurrence(y: f32, q1: f32, n: f32) -> f32 {
  var p = 1.0;
  var q = q1;
  let last = pl_steps(n);
  for (var k = 2u; k <= last && k >= 2u; k = k + 1u) {
    let r = (y + y) * q - p;
    p = q;
    q = r;
    if (is_nan(q)) { break; }
  }
  return q;
}

/** T, U, V, W (kind 0..3) at y for n >= 0, PyTorch's closed forms above `trig`. */
fn pl_chebyshev(kind: u32, y: f32, n: f32, trig: f32, shifted: bool) -> f32 {
  let two_n1 = n + n + 1.0;
  if (n > trig && f_abs(y) < 1.0) {
    let t = f_acos(y);
    if (kind == 0u) { return f_sincos(n * t, 1); }
    if (kind == 1u) {
      let s = f_sincos(t, 0);
      if (s != 0.0) { return f_sincos((n + 1.0) * t, 0) / s; }
      return (n + 1.0) * f_sincos((n + 1.0) * t, 1) / y;
    }
    let h = t * 0.5;
    if (kind == 2u) {
      if (f_sincos(h, 0) != 1.0) { return f_sincos((n + 0.5) * t, 1) / f_sincos(h, 1); }
      return select(two_n1, -two_n1, pl_odd(n));
    }
    if (f_sincos(h, 1) != 1.0) { return f_sincos((n + 0.5) * t, 0) / f_sincos(h, 0); }
    if (!shifted && y > 0.0) { return two_n1; }
    return select(1.0, -1.0, pl_odd(n));
  }
  if (n == 0.0) { return 1.0; }
  var q1 = y;
  if (kind == 1u) {
    q1 = y + y;
  } else if (kind == 2u) {
    q1 = y + y - 1.0;
  } else if (kind == 3u) {
    q1 = y + y + 1.0;
  }
  if (n == 1.0) { return q1; }
  return pl_cheb_recurrence(y, q1, n);
}

fn pl_chebyshev_op(kind: u32, x: f32, n: f32) -> f32 {
  if (n < 0.0) { return 0.0; }
  if (f_abs(x) == 1.0) {
    let pos = x > 0.0;
    let o = pl_odd(n);
    if (kind == 0u) { return select(-1.0, 1.0, pos || !o); }
    if (kind == 1u) { return select(-(n + 1.0), n + 1.0, pos || !o); }
    if (kind == 2u) {
      if (pos) { return 1.0; }
      return select(n + n + 1.0, -(n + n + 1.0), o);
    }
    if (pos) { return n + n + 1.0; }
    return select(1.0, -1.0, o);
  }
  return pl_chebyshev(kind, x, n, select(8.0, 6.0, kind == 0u), false);
}

fn pl_shifted_op(kind: u32, x: f32, n: f32) -> f32 {
  if (n < 0.0) { return 0.0; }
  if (x == 1.0) {
    if (kind == 0u || kind == 2u) { return 1.0; }
    if (kind == 1u) { return n + 1.0; }
    return n + n + 1.0;
  }
  if (x == 0.0) {
    if (kind == 0u || kind == 3u) { return select(1.0, -1.0, pl_odd(n)); }
    let v = select(n + n + 1.0, n + 1.0, kind == 1u);
    return select(v, -v, pl_odd(n));
  }
  return pl_chebyshev(kind, x + x - 1.0, n, select(6.0, 4.0, kind == 3u), true);
}

fn pl_hermite_h(x: f32, n: f32) -> f32 {
  if (n < 0.0) { return 0.0; }
  if (n == 0.0) { return 1.0; }
  if (n == 1.0) { return x + x; }
  var p = 1.0;
  var q = x + x;
  var r = 0.0;
  let last = pl_steps(n);
  // k = 2, 4, .., 2n - 2: steps j = 1 .. n - 1 with k = 2j
  for (var j = 1u; j < last; j = j + 1u) {
    r = (x + x) * q - 2.0 * f32(j) * p;
    p = q;
    q = r;
    if (is_nan(r)) { break; }
  }
  return r;
}

fn pl_hermite_he(x: f32, n: f32) -> f32 {
  if (n < 0.0) { return 0.0; }
  if (n == 0.0) { return 1.0; }
  if (n == 1.0) { return x; }
  var p = 1.0;
  var q = x;
  let last = pl_steps(n);
  for (var k = 1u; k < last; k = k + 1u) {
    let r = x * q - f32(k) * p;
    p = q;
    q = r;
    if (is_nan(q)) { break; }
  }
  return q;
}

fn pl_laguerre(x: f32, n: f32) -> f32 {
  if (n < 0.0) { return 0.0; }
  if (x == 0.0 || n == 0.0) { return 1.0; }
  if (n == 1.0) { return 1.0 - x; }
  var p = 1.0;
  var q = 1.0 - x;
  let last = pl_steps(n);
  for (var k = 1u; k < last; k = k + 1u) {
    let kf = f32(k);
    let r = (kf + kf + (1.0 - x)) * q / (kf + 1.0) - kf * p / (kf + 1.0);
    p = q;
    q = r;
    if (is_nan(q)) { break; }
  }
  return q;
}

fn pl_legendre(x: f32, n: f32) -> f32 {
  if (n < 0.0) { return 0.0; }
  if (f_abs(x) == 1.0) { return select(-1.0, 1.0, x > 0.0 || !pl_odd(n)); }
  if (n == 0.0) { return 1.0; }
  if (n == 1.0) { return x; }
  var p = 1.0;
  var q = x;
  let last = pl_steps(n);
  for (var k = 1u; k < last; k = k + 1u) {
    let kf = f32(k);
    let r = ((kf + kf + 1.0) * x * q - kf * p) / (kf + 1.0);
    p = q;
    q = r;
    if (is_nan(q)) { break; }
  }
  return q;
}

/** The polynomial of special2 op code `op` (2..13) at (x, n). */
fn f_polynomial(op: u32, x: f32, n0: f32) -> f32 {
  let n = pl_degree(n0);
  if (op <= 5u) { return pl_chebyshev_op(op - 2u, x, n); }
  if (op <= 9u) { return pl_shifted_op(op - 6u, x, n); }
  if (op == 10u) { return pl_hermite_h(x, n); }
  if (op == 11u) { return pl_hermite_he(x, n); }
  if (op == 12u) { return pl_laguerre(x, n); }
  return pl_legendre(x, n);
}
