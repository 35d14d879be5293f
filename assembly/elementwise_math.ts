// deno-fmt-ignore-file
// The elementwise math family's kernels: inverse and hyperbolic trigonometry (float32, float64),
// copysign and nextafter (float32, float64), gcd and the bitwise ops (int32). Layouts as in
// elementwise.ts: unary `(x, out, n)`; binary operands are pointer + length (n: full, 1: a scalar,
// L dividing n: a tile read as x[i % L]). The functions are AssemblyScript's ports of musl's double
// precision ones (float32 rounds their result), within an ulp of the C library PyTorch calls.
// Shifts take the count modulo 32 (WebAssembly's i32.shl / i32.shr_s), which is what PyTorch
// 1.13's CPU kernels give for counts outside [0, 31] on x86.

type P = usize;

const U_ASIN = 0, U_ACOS = 1, U_ATAN = 2, U_SINH = 3, U_COSH = 4, U_ASINH = 5, U_ACOSH = 6, U_ATANH = 7;

// @ts-ignore: decorator
@inline function un64(op: i32, x: f64): f64 {
  if (op == U_ASIN) return Math.asin(x);
  if (op == U_ACOS) return Math.acos(x);
  if (op == U_ATAN) return Math.atan(x);
  if (op == U_SINH) return Math.sinh(x);
  if (op == U_COSH) return Math.cosh(x);
  if (op == U_ASINH) return Math.asinh(x);
  if (op == U_ACOSH) return Math.acosh(x);
  return Math.atanh(x);
}

// @ts-ignore: decorator
@inline function unaryRun<T>(op: i32, x: P, out: P, n: i32): void {
  const sz = <usize>sizeof<T>();
  for (let i = 0; i < n; i++) {
    // float32 through float64: correctly rounded but for rare ties (musl's float32 versions are
    // an ulp off at some edges, e.g. acosf(-1) and atanf(inf)).
    store<T>(out + <usize>i * sz, <T>un64(op, <f64>load<T>(x + <usize>i * sz)));
  }
}

export function asin_f32(x: P, out: P, n: i32): void { unaryRun<f32>(U_ASIN, x, out, n); }
export function acos_f32(x: P, out: P, n: i32): void { unaryRun<f32>(U_ACOS, x, out, n); }
export function atan_f32(x: P, out: P, n: i32): void { unaryRun<f32>(U_ATAN, x, out, n); }
export function sinh_f32(x: P, out: P, n: i32): void { unaryRun<f32>(U_SINH, x, out, n); }
export function cosh_f32(x: P, out: P, n: i32): void { unaryRun<f32>(U_COSH, x, out, n); }
export function asinh_f32(x: P, out: P, n: i32): void { unaryRun<f32>(U_ASINH, x, out, n); }
export function acosh_f32(x: P, out: P, n: i32): void { unaryRun<f32>(U_ACOSH, x, out, n); }
export function atanh_f32(x: P, out: P, n: i32): void { unaryRun<f32>(U_ATANH, x, out, n); }
export function asin_f64(x: P, out: P, n: i32): void { unaryRun<f64>(U_ASIN, x, out, n); }
export function acos_f64(x: P, out: P, n: i32): void { unaryRun<f64>(U_ACOS, x, out, n); }
export function atan_f64(x: P, out: P, n: i32): void { unaryRun<f64>(U_ATAN, x, out, n); }
export function sinh_f64(x: P, out: P, n: i32): void { unaryRun<f64>(U_SINH, x, out, n); }
export function cosh_f64(x: P, out: P, n: i32): void { unaryRun<f64>(U_COSH, x, out, n); }
export function asinh_f64(x: P, out: P, n: i32): void { unaryRun<f64>(U_ASINH, x, out, n); }
export function acosh_f64(x: P, out: P, n: i32): void { unaryRun<f64>(U_ACOSH, x, out, n); }
export function atanh_f64(x: P, out: P, n: i32): void { unaryRun<f64>(U_ATANH, x, out, n); }

// ---------------------------------------------------------------------------------------------
// frexp, on the bits: x = mantissa * 2^exponent with |mantissa| in [0.5, 1) (subnormals
// normalised); 0, infinities and NaN give themselves and exponent 0. The exponent is written as
// a float of the input's dtype (the front end casts it to int32).

// @ts-ignore: decorator
@inline function frexp32(x: f32, wantExp: bool): f32 {
  const b = reinterpret<u32>(x);
  const mag = b & 0x7fffffff;
  if (mag == 0 || mag >= 0x7f800000) return wantExp ? 0 : x;
  let e = <i32>(mag >> 23);
  let frac = mag & 0x7fffff;
  if (e == 0) {
    const shift = <i32>clz<u32>(frac) - 8;
    frac = (frac << shift) & 0x7fffff;
    e = 1 - shift;
  }
  if (wantExp) return <f32>(e - 126);
  return reinterpret<f32>((b & 0x80000000) | 0x3f000000 | frac);
}

// @ts-ignore: decorator
@inline function frexp64(x: f64, wantExp: bool): f64 {
  const b = reinterpret<u64>(x);
  const mag = b & 0x7fffffffffffffff;
  if (mag == 0 || mag >= 0x7ff0000000000000) return wantExp ? 0 : x;
  let e = <i32>(mag >> 52);
  let frac = mag & 0xfffffffffffff;
  if (e == 0) {
    const shift = <i32>clz<u64>(frac) - 11;
    frac = (frac << shift) & 0xfffffffffffff;
    e = 1 - shift;
  }
  if (wantExp) return <f64>(e - 1022);
  return reinterpret<f64>((b & 0x8000000000000000) | 0x3fe0000000000000 | frac);
}

export function frexpMantissa_f32(x: P, out: P, n: i32): void {
  for (let i = 0; i < n; i++) store<f32>(out + (<usize>i << 2), frexp32(load<f32>(x + (<usize>i << 2)), false));
}
export function frexpExponent_f32(x: P, out: P, n: i32): void {
  for (let i = 0; i < n; i++) store<f32>(out + (<usize>i << 2), frexp32(load<f32>(x + (<usize>i << 2)), true));
}
export function frexpMantissa_f64(x: P, out: P, n: i32): void {
  for (let i = 0; i < n; i++) store<f64>(out + (<usize>i << 3), frexp64(load<f64>(x + (<usize>i << 3)), false));
}
export function frexpExponent_f64(x: P, out: P, n: i32): void {
  for (let i = 0; i < n; i++) store<f64>(out + (<usize>i << 3), frexp64(load<f64>(x + (<usize>i << 3)), true));
}

// ---------------------------------------------------------------------------------------------
// Binary

const B_COPYSIGN = 0, B_NEXTAFTER = 1;
const I_GCD = 0, I_AND = 1, I_OR = 2, I_XOR = 3, I_SHL = 4, I_SHR = 5;

/** C's nextafterf: the float32 next to x in the direction of y (y itself when equal). */
// @ts-ignore: decorator
@inline function nextafter32(x: f32, y: f32): f32 {
  if (isNaN(x) || isNaN(y)) return x + y;
  if (x == y) return y;
  if (x == 0) return reinterpret<f32>((reinterpret<u32>(y) & 0x80000000) | 1);
  const b = reinterpret<u32>(x);
  return reinterpret<f32>((x < y) == (x > 0) ? b + 1 : b - 1);
}

/** C's nextafter in float64. */
// @ts-ignore: decorator
@inline function nextafter64(x: f64, y: f64): f64 {
  if (isNaN(x) || isNaN(y)) return x + y;
  if (x == y) return y;
  if (x == 0) return reinterpret<f64>((reinterpret<u64>(y) & 0x8000000000000000) | 1);
  const b = reinterpret<u64>(x);
  return reinterpret<f64>((x < y) == (x > 0) ? b + 1 : b - 1);
}

/** PyTorch's calc_gcd: Euclid on |a|, |b| (|INT_MIN| wraps to INT_MIN, as in C). */
// @ts-ignore: decorator
@inline function gcd32(a0: i32, b0: i32): i32 {
  let a = abs<i32>(a0), b = abs<i32>(b0);
  while (a != 0) {
    const c = a;
    a = b % a;
    b = c;
  }
  return b;
}

// @ts-ignore: decorator
@inline function binF<T>(op: i32, va: T, vb: T): T {
  if (sizeof<T>() == 4) {
    return <T>(op == B_COPYSIGN ? copysign<f32>(<f32>va, <f32>vb) : nextafter32(<f32>va, <f32>vb));
  }
  return <T>(op == B_COPYSIGN ? copysign<f64>(<f64>va, <f64>vb) : nextafter64(<f64>va, <f64>vb));
}

// @ts-ignore: decorator
@inline function binI(op: i32, a: i32, b: i32): i32 {
  if (op == I_GCD) return gcd32(a, b);
  if (op == I_AND) return a & b;
  if (op == I_OR) return a | b;
  if (op == I_XOR) return a ^ b;
  if (op == I_SHL) return a << (b & 31);
  return a >> (b & 31);
}

// @ts-ignore: decorator
@inline function binRun<T>(op: i32, a: P, aLen: i32, b: P, bLen: i32, out: P, n: i32): void {
  const sz = <usize>sizeof<T>();
  let ia = 0, ib = 0;
  for (let i = 0; i < n; i++) {
    const va = load<T>(a + <usize>ia * sz), vb = load<T>(b + <usize>ib * sz);
    let r: T;
    if (isInteger<T>()) r = <T>binI(op, <i32>va, <i32>vb);
    else r = binF<T>(op, va, vb);
    store<T>(out + <usize>i * sz, r);
    if (++ia == aLen) ia = 0;
    if (++ib == bLen) ib = 0;
  }
}

export function copysign_f32(a: P, aLen: i32, b: P, bLen: i32, out: P, n: i32): void { binRun<f32>(B_COPYSIGN, a, aLen, b, bLen, out, n); }
export function nextafter_f32(a: P, aLen: i32, b: P, bLen: i32, out: P, n: i32): void { binRun<f32>(B_NEXTAFTER, a, aLen, b, bLen, out, n); }
export function copysign_f64(a: P, aLen: i32, b: P, bLen: i32, out: P, n: i32): void { binRun<f64>(B_COPYSIGN, a, aLen, b, bLen, out, n); }
export function nextafter_f64(a: P, aLen: i32, b: P, bLen: i32, out: P, n: i32): void { binRun<f64>(B_NEXTAFTER, a, aLen, b, bLen, out, n); }
export function gcd_i32(a: P, aLen: i32, b: P, bLen: i32, out: P, n: i32): void { binRun<i32>(I_GCD, a, aLen, b, bLen, out, n); }
export function bitwiseAnd_i32(a: P, aLen: i32, b: P, bLen: i32, out: P, n: i32): void { binRun<i32>(I_AND, a, aLen, b, bLen, out, n); }
export function bitwiseOr_i32(a: P, aLen: i32, b: P, bLen: i32, out: P, n: i32): void { binRun<i32>(I_OR, a, aLen, b, bLen, out, n); }
export function bitwiseXor_i32(a: P, aLen: i32, b: P, bLen: i32, out: P, n: i32): void { binRun<i32>(I_XOR, a, aLen, b, bLen, out, n); }
export function bitwiseLeftShift_i32(a: P, aLen: i32, b: P, bLen: i32, out: P, n: i32): void { binRun<i32>(I_SHL, a, aLen, b, bLen, out, n); }
export function bitwiseRightShift_i32(a: P, aLen: i32, b: P, bLen: i32, out: P, n: i32): void { binRun<i32>(I_SHR, a, aLen, b, bLen, out, n); }
