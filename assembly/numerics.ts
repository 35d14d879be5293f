// deno-fmt-ignore-file
// Division that rounds (fmod, remainder, floorDivide) for float32, float64 and int32, with the
// binary operand layout of elementwise.ts, and cumprod along the middle axis of [outer, len,
// inner]. The float formulas are PyTorch's CPU ones: fmod is C's fmod (exact: musl's integer
// algorithm; a - trunc(a / b) * b is not exact), remainder adds b when the signs of fmod and b
// differ, floorDivide is Python's float floor division (c10::div_floor_floating), all in the
// tensor's precision. Integer division by zero is refused by the front end (PyTorch's
// ZeroDivisionError); the kernels give 0 there instead of trapping, and INT_MIN // -1 wraps.

import { ACC64, CHUNK } from "./common";

type P = usize;

const D_FMOD = 0, D_REM = 1, D_FLOORDIV = 2;

// @ts-ignore: decorator
@inline function divFloat<T>(op: i32, a: T, b: T): T {
  const mod: T = a % b; // fmod; NaN for b == 0 or infinite a
  if (op == D_FMOD) return mod;
  const zero = <T>0;
  const signsDiffer = mod != zero && ((b < zero) != (mod < zero));
  if (op == D_REM) return signsDiffer ? mod + b : mod;
  if (b == zero) return a / b;
  let div: T = (a - mod) / b;
  if (signsDiffer) div -= <T>1;
  if (div == zero) return copysign<T>(zero, a / b);
  let fl = floor<T>(div);
  if (div - fl > <T>0.5) fl += <T>1;
  return fl;
}

// @ts-ignore: decorator
@inline function divInt(op: i32, a: i32, b: i32): i32 {
  if (b == 0) return 0;
  if (b == -1) return op == D_FLOORDIV ? -a : 0;
  const r = a % b;
  if (op == D_FMOD) return r;
  if (op == D_REM) return r != 0 && ((r < 0) != (b < 0)) ? r + b : r;
  const q = a / b;
  return r != 0 && ((a < 0) != (b < 0)) ? q - 1 : q;
}

// @ts-ignore: decorator
@inline function divRun<T>(op: i32, a: P, aLen: i32, b: P, bLen: i32, out: P, n: i32): void {
  const sz = <usize>sizeof<T>();
  let ia = 0, ib = 0;
  for (let i = 0; i < n; i++) {
    const va = load<T>(a + <usize>ia * sz), vb = load<T>(b + <usize>ib * sz);
    let r: T;
    if (isInteger<T>()) r = <T>divInt(op, <i32>va, <i32>vb);
    else r = divFloat<T>(op, va, vb);
    store<T>(out + <usize>i * sz, r);
    if (++ia == aLen) ia = 0;
    if (++ib == bLen) ib = 0;
  }
}

export function fmod_f32(a: P, aLen: i32, b: P, bLen: i32, out: P, n: i32): void { divRun<f32>(D_FMOD, a, aLen, b, bLen, out, n); }
export function remainder_f32(a: P, aLen: i32, b: P, bLen: i32, out: P, n: i32): void { divRun<f32>(D_REM, a, aLen, b, bLen, out, n); }
export function floorDivide_f32(a: P, aLen: i32, b: P, bLen: i32, out: P, n: i32): void { divRun<f32>(D_FLOORDIV, a, aLen, b, bLen, out, n); }
export function fmod_f64(a: P, aLen: i32, b: P, bLen: i32, out: P, n: i32): void { divRun<f64>(D_FMOD, a, aLen, b, bLen, out, n); }
export function remainder_f64(a: P, aLen: i32, b: P, bLen: i32, out: P, n: i32): void { divRun<f64>(D_REM, a, aLen, b, bLen, out, n); }
export function floorDivide_f64(a: P, aLen: i32, b: P, bLen: i32, out: P, n: i32): void { divRun<f64>(D_FLOORDIV, a, aLen, b, bLen, out, n); }
export function fmod_i32(a: P, aLen: i32, b: P, bLen: i32, out: P, n: i32): void { divRun<i32>(D_FMOD, a, aLen, b, bLen, out, n); }
export function remainder_i32(a: P, aLen: i32, b: P, bLen: i32, out: P, n: i32): void { divRun<i32>(D_REM, a, aLen, b, bLen, out, n); }
export function floorDivide_i32(a: P, aLen: i32, b: P, bLen: i32, out: P, n: i32): void { divRun<i32>(D_FLOORDIV, a, aLen, b, bLen, out, n); }

// ---------------------------------------------------------------------------------------------
// cumprod: float32 accumulates in float64 (PyTorch's CPU accumulate type), rounding each output;
// float64 in float64; int32 wraps (the low 32 bits of PyTorch's int64 accumulator).

// The float64 accumulators of a chunk of columns live in this instance's ACC64 block (common.ts).
const PROD_CHUNK = CHUNK;

export function cumprod_f32(x: P, out: P, outer: i32, len: i32, inner: i32): void {
  const rowBytes = <usize>inner << 2;
  for (let o = 0; o < outer; o++) {
    const base = <usize>o * <usize>len * rowBytes;
    for (let c0 = 0; c0 < inner; c0 += PROD_CHUNK) {
      const w = min(PROD_CHUNK, inner - c0);
      for (let i = 0; i < w; i++) store<f64>(ACC64 + (<usize>i << 3), 1.0);
      for (let j = 0; j < len; j++) {
        const r = base + <usize>j * rowBytes + (<usize>c0 << 2);
        for (let i = 0; i < w; i++) {
          const a = ACC64 + (<usize>i << 3), q = r + (<usize>i << 2);
          const acc = load<f64>(a) * <f64>load<f32>(x + q);
          store<f64>(a, acc);
          store<f32>(out + q, <f32>acc);
        }
      }
    }
  }
}

// @ts-ignore: decorator
@inline function cumprodSame<T>(x: P, out: P, outer: i32, len: i32, inner: i32): void {
  const sz = <usize>sizeof<T>();
  const rowBytes = <usize>inner * sz;
  for (let o = 0; o < outer; o++) {
    const base = <usize>o * <usize>len * rowBytes;
    if (len > 0) memory.copy(out + base, x + base, rowBytes);
    for (let j = 1; j < len; j++) {
      const r = base + <usize>j * rowBytes;
      for (let i = 0; i < inner; i++) {
        const q = r + <usize>i * sz;
        store<T>(out + q, load<T>(out + q - rowBytes) * load<T>(x + q));
      }
    }
  }
}

export function cumprod_f64(x: P, out: P, outer: i32, len: i32, inner: i32): void { cumprodSame<f64>(x, out, outer, len, inner); }
export function cumprod_i32(x: P, out: P, outer: i32, len: i32, inner: i32): void { cumprodSame<i32>(x, out, outer, len, inner); }
