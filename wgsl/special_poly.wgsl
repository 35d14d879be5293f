// The orthogonal polynomials of torch.special at (x, n) in float32 (included by special.wgsl after
// math and elementwise_math; special2 op codes 2..13): Chebyshev T, U, V, W, the shifted ones, Hermite H and He,
// Laguerre L, Legendre P. PyTorch's algorithms, as the CPU's assembly/special_poly.ts: n truncated
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
  if (kind == 1u) { q1 = y + y; } else if (kind == 2u) { q1 = y + y - 1.0; } else if (kind == 3u) { q1 = y + y + 1.0; }
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
