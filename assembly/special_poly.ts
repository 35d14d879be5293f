// deno-fmt-ignore-file
// The orthogonal polynomials of PyTorch 1.13's torch.special as functions of (x, n), computed in
// the element type (float32 in float arithmetic, as PyTorch does, so that the same values overflow
// to inf and then NaN): Chebyshev T, U, V, W and their shifted forms on [0, 1], Hermite H
// (physicists') and He (probabilists'), Laguerre L and Legendre P. n is truncated to an integer
// (NaN, ±inf and |n| >= 2^63 count as negative, as the C++ cast does): P_n(x) = 0 for n < 0.
// The algorithms are PyTorch's: the three-term recurrences (at a cost of n steps), with the
// trigonometric forms (T_n = cos(n t), U_n = sin((n+1) t)/sin t, V_n = cos((n+1/2) t)/cos(t/2),
// W_n = sin((n+1/2) t)/sin(t/2), x = cos t) for |x| < 1 and n above a few, and the closed values at
// x = ±1 (0 and 1 for the shifted ones), so that the NaN and infinity patterns agree.

// special2 op codes (SPECIAL2_OPS in src/backends/backend.ts): 0 igamma, 1 igammac, 2..5 Chebyshev
// T, U, V, W, 6..9 the shifted ones, 10 Hermite H, 11 He, 12 Laguerre, 13 Legendre.
export const S2_CHEB_T = 2;
const S2_CHEB_W = 5, S2_SH_T = 6, S2_SH_W = 9;
const S2_HERMITE_H = 10, S2_HERMITE_HE = 11, S2_LAGUERRE = 12, S2_LEGENDRE = 13;

function cosT<T>(v: T): T {
  return sizeof<T>() == 4 ? <T>Mathf.cos(<f32>v) : <T>Math.cos(<f64>v);
}
function sinT<T>(v: T): T {
  return sizeof<T>() == 4 ? <T>Mathf.sin(<f32>v) : <T>Math.sin(<f64>v);
}
function acosT<T>(v: T): T {
  return sizeof<T>() == 4 ? <T>Mathf.acos(<f32>v) : <T>Math.acos(<f64>v);
}

/** C++'s static_cast<int64_t>(n) as x86 does it: NaN and out-of-range values become INT64_MIN. */
function degree<T>(n: T): i64 {
  const v = <f64>n;
  if (isNaN<f64>(v) || v >= 9.223372036854775807e18 || v < -9.223372036854775807e18) return i64.MIN_VALUE;
  return <i64>v;
}

/** The recurrence r = (y + y) q - p from (p, q) = (1, q1), n - 1 steps: T, U, V, W in y. */
function chebyshevRecurrence<T>(y: T, q1: T, n: i64): T {
  let p: T = <T>1, q = q1;
  for (let k: i64 = 2; k <= n; k++) {
    const r = (y + y) * q - p;
    p = q;
    q = r;
    if (isNaN<T>(q)) break; // stays NaN
  }
  return q;
}

function odd(n: i64): bool {
  return (n & 1) == 1;
}

/**
 * T_n, U_n, V_n, W_n (kind 0..3) at y, with PyTorch's closed forms for n above `trig` (where its
 * shifted W at sin(t/2) = 0 gives ±1 without looking at the sign of y).
 */
function chebyshev<T>(kind: i32, y: T, n: i64, trig: i64, shifted: bool): T {
  const two_n1 = <T>(n + n + 1);
  if (n > trig && abs<T>(y) < <T>1) {
    const t = acosT<T>(y);
    if (kind == 0) return cosT<T>(<T>n * t);
    if (kind == 1) {
      if (sinT<T>(t) != <T>0) return sinT<T>(<T>(n + 1) * t) / sinT<T>(t);
      return <T>(n + 1) * cosT<T>(<T>(n + 1) * t) / y;
    }
    const h = t / <T>2;
    if (kind == 2) {
      if (sinT<T>(h) != <T>1) return cosT<T>((<T>n + <T>0.5) * t) / cosT<T>(h);
      return odd(n) ? -two_n1 : two_n1;
    }
    if (cosT<T>(h) != <T>1) return sinT<T>((<T>n + <T>0.5) * t) / sinT<T>(h);
    return !shifted && y > <T>0 ? two_n1 : odd(n) ? <T>-1 : <T>1;
  }
  if (n == 0) return <T>1;
  const q1 = kind == 0 ? y : kind == 1 ? y + y : kind == 2 ? y + y - <T>1 : y + y + <T>1;
  if (n == 1) return q1;
  return chebyshevRecurrence<T>(y, q1, n);
}

/** Chebyshev T, U, V, W (kind 0..3) of the first kind on [-1, 1]. */
function chebyshevOp<T>(kind: i32, x: T, n: i64): T {
  if (n < 0) return <T>0;
  if (abs<T>(x) == <T>1) {
    const pos = x > <T>0;
    if (kind == 0) return pos || !odd(n) ? <T>1 : <T>-1;
    if (kind == 1) return pos || !odd(n) ? <T>(n + 1) : -<T>(n + 1);
    if (kind == 2) return pos ? <T>1 : odd(n) ? -<T>(n + n + 1) : <T>(n + n + 1);
    return pos ? <T>(n + n + 1) : odd(n) ? <T>-1 : <T>1;
  }
  return chebyshev<T>(kind, x, n, kind == 0 ? 6 : 8, false);
}

/** The shifted Chebyshev polynomials T*, U*, V*, W* (kind 0..3): the plain ones at 2x - 1. */
function shiftedOp<T>(kind: i32, x: T, n: i64): T {
  if (n < 0) return <T>0;
  if (x == <T>1) return kind == 0 || kind == 2 ? <T>1 : kind == 1 ? <T>(n + 1) : <T>(n + n + 1);
  if (x == <T>0) {
    if (kind == 0 || kind == 3) return odd(n) ? <T>-1 : <T>1;
    const v = kind == 1 ? <T>(n + 1) : <T>(n + n + 1);
    return odd(n) ? -v : v;
  }
  return chebyshev<T>(kind, x + x - <T>1, n, kind == 3 ? 4 : 6, true);
}

function hermiteH<T>(x: T, n: i64): T {
  if (n < 0) return <T>0;
  if (n == 0) return <T>1;
  if (n == 1) return x + x;
  let p: T = <T>1, q = x + x, r: T = <T>0;
  for (let k: i64 = 2; k < n + n; k += 2) {
    r = (x + x) * q - <T>k * p;
    p = q;
    q = r;
    if (isNaN<T>(r)) break;
  }
  return r;
}

function hermiteHe<T>(x: T, n: i64): T {
  if (n < 0) return <T>0;
  if (n == 0) return <T>1;
  if (n == 1) return x;
  let p: T = <T>1, q = x;
  for (let k: i64 = 1; k < n; k++) {
    const r = x * q - <T>k * p;
    p = q;
    q = r;
    if (isNaN<T>(q)) break;
  }
  return q;
}

function laguerre<T>(x: T, n: i64): T {
  if (n < 0) return <T>0;
  if (x == <T>0 || n == 0) return <T>1;
  if (n == 1) return <T>1 - x;
  let p: T = <T>1, q = <T>1 - x;
  for (let k: i64 = 1; k < n; k++) {
    const r = (<T>(k + k) + (<T>1 - x)) * q / <T>(k + 1) - <T>k * p / <T>(k + 1);
    p = q;
    q = r;
    if (isNaN<T>(q)) break;
  }
  return q;
}

function legendre<T>(x: T, n: i64): T {
  if (n < 0) return <T>0;
  if (abs<T>(x) == <T>1) return x > <T>0 || !odd(n) ? <T>1 : <T>-1;
  if (n == 0) return <T>1;
  if (n == 1) return x;
  let p: T = <T>1, q = x;
  for (let k: i64 = 1; k < n; k++) {
    const r = (<T>(k + k + 1) * x * q - <T>k * p) / <T>(k + 1);
    p = q;
    q = r;
    if (isNaN<T>(q)) break;
  }
  return q;
}

/** The polynomial of op code `op` (S2_CHEB_T ..) at (x, n), in T's arithmetic. */
export function polynomial<T>(op: i32, x: T, nf: T): T {
  const n = degree<T>(nf);
  if (op <= S2_CHEB_W) return chebyshevOp<T>(op - S2_CHEB_T, x, n);
  if (op <= S2_SH_W) return shiftedOp<T>(op - S2_SH_T, x, n);
  if (op == S2_HERMITE_H) return hermiteH<T>(x, n);
  if (op == S2_HERMITE_HE) return hermiteHe<T>(x, n);
  if (op == S2_LAGUERRE) return laguerre<T>(x, n);
  return op == S2_LEGENDRE ? legendre<T>(x, n) : <T>NaN;
}
