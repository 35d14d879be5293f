// deno-fmt-ignore-file
// Bessel functions of PyTorch 1.13's torch.special (assembly/special.ts dispatches to
// specialBessel64): bessel_j0/j1/y0/y1, modified_bessel_k0/k1 and their scaled forms,
// spherical_bessel_j0 and airy_ai, in double precision (float32 inputs are rounded once).
// - J0, J1, Y0, Y1: power series (Y's with the harmonic numbers) up to 2; from 2 to 25 Miller's
//   downward recurrence for J_k normalised by J0 + 2 sum J_2k = 1, with Neumann's series for Y0 and
//   Y1 (A&S 9.1.88-89) from the same J_k; Hankel's asymptotic expansion from 25.
// - K0, K1: the power series up to 2; above, e^x K_nu(x) = int_0^inf e^-x(cosh t - 1) cosh(nu t) dt
//   with u = sqrt(2x) sinh(t/2), i.e. 2 int_0^inf e^-u^2 cosh(nu t) / sqrt(2x + u^2) du, whose
//   trapezoidal rule converges geometrically (step 1/4, u up to 6.25).
// - Ai: Ai(x) = sqrt(x/3)/pi K_1/3(2/3 x^3/2) (the same integral) from 2; Taylor steps of at most
//   1/2 along Airy's equation y'' = x y from Ai(0), Ai'(0) between -10 and 2; the asymptotic
//   expansion of Ai(-x) (A&S 10.4.60) below -10.
// PyTorch's values at the edges are kept: J and Y are NaN at ±inf, Y and K are NaN below 0,
// -inf (Y) and +inf (K) at ±0, Ai is NaN at ±inf.

const PI: f64 = 3.141592653589793;
const EULER: f64 = 0.57721566490153286061;
const AI0: f64 = 0.35502805388781723926; // Ai(0) = 3^-2/3 / Gamma(2/3)
const AIP0: f64 = -0.25881940379280679840; // Ai'(0) = -3^-1/3 / Gamma(1/3)

// Op codes, continuing SPECIAL_OPS (src/backends/backend.ts) after log_ndtr.
export const S_BESSEL_J0 = 11;
const S_BESSEL_J1 = 12, S_BESSEL_Y0 = 13, S_BESSEL_Y1 = 14, S_K0 = 15, S_K1 = 16;
const S_K0E = 17, S_K1E = 18, S_SPHERICAL_J0 = 19, S_AIRY_AI = 20;

// Results of jy(): J0, J1, Y0, Y1 at one x > 0.
let rJ0: f64 = 0, rJ1: f64 = 0, rY0: f64 = 0, rY1: f64 = 0;

/** J0 and J1 by their power series (|x| <= 2). */
function jSeries(x: f64): void {
  const q = x * x * 0.25;
  let a: f64 = 1, b: f64 = x * 0.5, s0 = a, s1 = b;
  for (let k = 1; k < 40; k++) {
    a *= -q / <f64>(k * k);
    b *= -q / <f64>(k * (k + 1));
    s0 += a;
    s1 += b;
    if (abs<f64>(a) < 1e-17 * abs<f64>(s0) && abs<f64>(b) < 1e-17 * abs<f64>(s1)) break;
  }
  rJ0 = s0;
  rJ1 = s1;
}

/** J0, J1, Y0, Y1 for 0 < x <= 2: the series with psi(k + 1) = H_k - gamma. */
function jySmall(x: f64): void {
  jSeries(x);
  const q = x * x * 0.25, lg = Math.log(x * 0.5);
  // Y0 = 2/pi ((ln(x/2) + gamma) J0 - sum_{k>=1} (-q)^k / (k!)^2 H_k)
  let t: f64 = 1, h: f64 = 0, s: f64 = 0;
  for (let k = 1; k < 40; k++) {
    t *= -q / <f64>(k * k);
    h += 1 / <f64>k;
    s -= t * h;
    if (abs<f64>(t * h) < 1e-17 * abs<f64>(s)) break;
  }
  rY0 = 2 / PI * ((lg + EULER) * rJ0 + s);
  // Y1 = -2/(pi x) + 2/pi ln(x/2) J1 - 1/pi sum_k (-q)^k (x/2) (psi(k+1) + psi(k+2)) / (k! (k+1)!)
  t = x * 0.5;
  let p1 = -EULER, p2 = 1 - EULER;
  s = 0;
  for (let k = 0; k < 40; k++) {
    s += t * (p1 + p2);
    t *= -q / <f64>((k + 1) * (k + 2));
    p1 += 1 / <f64>(k + 1);
    p2 += 1 / <f64>(k + 2);
    if (abs<f64>(t * (p1 + p2)) < 1e-17 * abs<f64>(s)) break;
  }
  rY1 = -2 / (PI * x) + 2 / PI * lg * rJ1 - s / PI;
}

/** J0, J1, Y0, Y1 for 2 < x < 25 by Miller's downward recurrence and Neumann's series. */
function jyMiller(x: f64): void {
  const top = 2 * <i32>((x + 30) * 0.5);
  let next: f64 = 0, cur: f64 = 1e-30, j1: f64 = 0;
  let norm: f64 = 0, s0: f64 = 0, s1: f64 = 0;
  for (let k = top; k >= 1; k--) {
    // cur = J_k (unnormalised), next = J_(k+1)
    if ((k & 1) == 0) {
      const m = k >> 1;
      norm += 2 * cur;
      s0 += (m & 1) == 1 ? -cur / <f64>m : cur / <f64>m; // (-1)^m J_2m / m
    } else if (k >= 3) {
      const m = (k - 1) >> 1;
      const w = <f64>(2 * m + 1) / <f64>(m * (m + 1)) * cur;
      s1 += (m & 1) == 1 ? -w : w; // (-1)^m (2m+1)/(m(m+1)) J_2m+1
    } else {
      j1 = cur;
    }
    const prev = 2 * <f64>k / x * cur - next;
    next = cur;
    cur = prev;
    if (abs<f64>(cur) > 1e250) {
      cur *= 1e-250;
      next *= 1e-250;
      norm *= 1e-250;
      s0 *= 1e-250;
      s1 *= 1e-250;
      j1 *= 1e-250;
    }
  }
  norm += cur;
  rJ0 = cur / norm;
  rJ1 = j1 / norm;
  const lg = Math.log(x * 0.5) + EULER;
  rY0 = 2 / PI * (lg * rJ0 - 2 * s0 / norm);
  rY1 = 2 / PI * (-rJ0 / x + (lg - 1) * rJ1 - s1 / norm);
}

// Results of hankelPQ(): P and Q of Hankel's expansion.
let rP: f64 = 1, rQ: f64 = 0;

/** P and Q of J_nu, Y_nu = sqrt(2/(pi x)) (P cos chi - Q sin chi, P sin chi + Q cos chi). */
function hankelPQ(nu: f64, x: f64): void {
  const mu = 4 * nu * nu;
  let p: f64 = 1, q: f64 = 0, t: f64 = 1;
  for (let k = 1; k < 60; k++) {
    const odd = <f64>(2 * k - 1);
    const tn = t * (mu - odd * odd) / (<f64>k * 8 * x);
    if (k > 2 && abs<f64>(tn) >= abs<f64>(t)) break;
    t = tn;
    const r = k & 3; // a_k / x^k enters Q with sign +,- (k = 1, 3 mod 4), P with -,+ (2, 0)
    if (r == 1) q += t;
    else if (r == 2) p -= t;
    else if (r == 3) q -= t;
    else p += t;
    if (abs<f64>(t) < 1e-17) break;
  }
  rP = p;
  rQ = q;
}

/** J0, J1, Y0, Y1 for x >= 25: chi = x - pi/4 and x - 3pi/4, through cos x and sin x. */
function jyLarge(x: f64): void {
  const c = Math.cos(x), s = Math.sin(x);
  const r = Math.sqrt(1 / (PI * x)); // sqrt(2/(pi x)) / sqrt(2)
  hankelPQ(0, x);
  // cos(x - pi/4) = (c + s)/sqrt2, sin(x - pi/4) = (s - c)/sqrt2
  rJ0 = r * (rP * (c + s) - rQ * (s - c));
  rY0 = r * (rP * (s - c) + rQ * (c + s));
  hankelPQ(1, x);
  // cos(x - 3pi/4) = (s - c)/sqrt2, sin(x - 3pi/4) = -(s + c)/sqrt2
  rJ1 = r * (rP * (s - c) + rQ * (s + c));
  rY1 = r * (-rP * (s + c) + rQ * (s - c));
}

function jy(ax: f64): void {
  if (ax <= 2) jySmall(ax);
  else if (ax < 25) jyMiller(ax);
  else jyLarge(ax);
}

function besselJY(op: i32, x: f64): f64 {
  if (isNaN<f64>(x)) return x;
  if (!isFinite<f64>(x)) return NaN;
  if (op == S_BESSEL_Y0 || op == S_BESSEL_Y1) {
    if (x < 0) return NaN;
    if (x == 0) return -Infinity;
  }
  const ax = abs<f64>(x);
  if (op == S_BESSEL_J0 || op == S_BESSEL_J1) {
    if (ax < 1e-300) return op == S_BESSEL_J0 ? 1 : x * 0.5; // J1 keeps the sign of zero
    if (ax <= 2) jSeries(ax);
    else jy(ax);
    if (op == S_BESSEL_J0) return rJ0;
    return x < 0 ? -rJ1 : rJ1;
  }
  jy(ax);
  return op == S_BESSEL_Y0 ? rY0 : rY1;
}

/** e^x K_nu(x) for x >= 2 by the trapezoidal rule on 2 int e^-u^2 cosh(nu t(u)) / sqrt(2x + u^2) du. */
export function kScaledIntegral(nu: f64, x: f64): f64 {
  const c = 2 * x, h: f64 = 0.25;
  let s: f64 = 0;
  for (let k = 0; k <= 25; k++) {
    const u = <f64>k * h, u2 = u * u;
    let w = Math.exp(-u2) / Math.sqrt(c + u2);
    if (nu == 1) w *= 1 + u2 / x; // cosh t = 1 + 2 sinh^2(t/2) = 1 + u^2/x
    else if (nu != 0) w *= Math.cosh(2 * nu * Math.asinh(u / Math.sqrt(c)));
    s += k == 0 ? 0.5 * w : w;
  }
  return 2 * h * s;
}

/** K0 (nu = 0) or K1 (nu = 1) for 0 < x <= 2 by their power series. */
function kSmall(nu: i32, x: f64): f64 {
  const q = x * x * 0.25, lg = Math.log(x * 0.5);
  // I_nu by its series
  let a: f64 = nu == 0 ? 1 : x * 0.5, si = a;
  for (let k = 1; k < 40; k++) {
    a *= q / <f64>(k * (k + nu));
    si += a;
    if (a < 1e-17 * si) break;
  }
  if (nu == 0) {
    // K0 = -(ln(x/2) + gamma) I0 + sum_{k>=1} q^k / (k!)^2 H_k
    let t: f64 = 1, h: f64 = 0, s: f64 = 0;
    for (let k = 1; k < 40; k++) {
      t *= q / <f64>(k * k);
      h += 1 / <f64>k;
      s += t * h;
      if (t * h < 1e-17 * s) break;
    }
    return -(lg + EULER) * si + s;
  }
  // K1 = 1/x + ln(x/2) I1 - x/4 sum_k q^k (psi(k+1) + psi(k+2)) / (k! (k+1)!)
  let t: f64 = 1, p1 = -EULER, p2 = 1 - EULER, s: f64 = 0;
  for (let k = 0; k < 40; k++) {
    s += t * (p1 + p2);
    t *= q / <f64>((k + 1) * (k + 2));
    p1 += 1 / <f64>(k + 1);
    p2 += 1 / <f64>(k + 2);
    if (abs<f64>(t * (p1 + p2)) < 1e-17 * abs<f64>(s)) break;
  }
  return 1 / x + lg * si - x * 0.25 * s;
}

function besselK(op: i32, x: f64): f64 {
  if (isNaN<f64>(x)) return x;
  if (x < 0) return NaN;
  if (x == 0) return Infinity;
  const nu = op == S_K1 || op == S_K1E ? 1 : 0;
  const scaled = op == S_K0E || op == S_K1E;
  if (x == Infinity) return 0;
  if (x <= 2) {
    const k = kSmall(nu, x);
    return scaled ? k * Math.exp(x) : k;
  }
  const e = kScaledIntegral(<f64>nu, x);
  return scaled ? e : e * Math.exp(-x);
}

/** Ai by Taylor steps along y'' = x y from 0 to x (-10 < x < 2). */
function airyTaylor(x: f64): f64 {
  if (x == 0) return AI0;
  const n = x < 0 ? <i32>Math.ceil(-x * 2) : 1;
  const h = x / <f64>n;
  let y = AI0, yp = AIP0, x0: f64 = 0;
  for (let i = 0; i < n; i++) {
    // a_(m+2) = (x0 a_m + a_(m-1)) / ((m+1)(m+2)), a_0 = y, a_1 = y'
    let am1: f64 = 0, a0 = y, a1 = yp, hm = h; // hm = h^(m+1)
    let s = y + yp * h, d = yp;
    for (let m = 0; m < 80; m++) {
      const a2 = (x0 * a0 + am1) / <f64>((m + 1) * (m + 2));
      d += <f64>(m + 2) * a2 * hm;
      hm *= h;
      s += a2 * hm;
      am1 = a0;
      a0 = a1;
      a1 = a2;
      if (m > 3 && abs<f64>(a2 * hm) < 1e-18 * abs<f64>(s) && abs<f64>(a0 * hm) < 1e-18 * abs<f64>(s)) break;
    }
    y = s;
    yp = d;
    x0 += h;
  }
  return y;
}

/** Ai(-ax) for ax >= 10: pi^-1/2 ax^-1/4 (sin(z + pi/4) P - cos(z + pi/4) Q), z = 2/3 ax^3/2. */
function airyNegative(ax: f64): f64 {
  const z = 2.0 / 3.0 * ax * Math.sqrt(ax);
  let p: f64 = 1, q: f64 = 0, u: f64 = 1, zk: f64 = 1, last: f64 = Infinity;
  for (let k = 1; k < 40; k++) {
    u *= <f64>((6 * k - 5) * (6 * k - 3) * (6 * k - 1)) / <f64>((2 * k - 1) * 216 * k);
    zk *= z;
    const t = u / zk;
    if (t >= last) break;
    last = t;
    const neg = ((k >> 1) & 1) == 1;
    if ((k & 1) == 0) p += neg ? -t : t;
    else q += neg ? -t : t;
    if (t < 1e-17) break;
  }
  // sin(z + pi/4) = (sin z + cos z)/sqrt2, cos(z + pi/4) = (cos z - sin z)/sqrt2
  const s = Math.sin(z), c = Math.cos(z);
  return ((s + c) * p - (c - s) * q) / Math.sqrt(2 * PI * Math.sqrt(ax));
}

function airyAi(x: f64): f64 {
  if (isNaN<f64>(x) || !isFinite<f64>(x)) return NaN;
  if (x >= 2) {
    const z = 2.0 / 3.0 * x * Math.sqrt(x);
    if (z > 800) return 0;
    return Math.sqrt(x / 3) / PI * Math.exp(-z) * kScaledIntegral(1.0 / 3.0, z);
  }
  if (x > -10) return airyTaylor(x);
  return airyNegative(-x);
}

function sphericalJ0(x: f64): f64 {
  if (isNaN<f64>(x)) return x;
  if (!isFinite<f64>(x)) return 0;
  if (x == 0) return 1;
  return Math.sin(x) / x;
}

/** The special functions of this file by op code (S_BESSEL_J0 ..). */
export function specialBessel64(op: i32, x: f64): f64 {
  if (op < S_K0) return besselJY(op, x);
  if (op <= S_K1E) return besselK(op, x);
  if (op == S_SPHERICAL_J0) return sphericalJ0(x);
  return op == S_AIRY_AI ? airyAi(x) : NaN;
}
