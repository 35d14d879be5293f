// deno-fmt-ignore-file
// Scans along the middle axis of [outer, len, inner] that PyTorch computes with a sequential CPU
// loop (aten/src/ATen/native/ReduceOps.cpp), reproduced step for step:
// - cummax / cummin indices: an element takes over when it is NaN, or when the running value is
//   not NaN and the element is >= (cummax) or <= (cummin) it; ties therefore move the index to
//   the latest element, and after a NaN the index is the latest NaN's. The values are the input
//   at these indices (the front end gathers them).
// - logcumsumexp: acc = log1p(exp(min - max)) + max of the element and the running value (the
//   running value when both are the same infinity), in float64 for float32 input as PyTorch's
//   accumulate type, each output rounded once.
// Contiguous rows (inner == 1) keep the running value in a register; otherwise rows stream one at
// a time and the indices written for row j - 1 are the state of row j.
import { ACC64, CHUNK } from "./common";

type P = usize;

// @ts-ignore: decorator
@inline function takes<T>(v: T, best: T, isMax: bool): bool {
  // NaN != NaN; for integers both NaN tests are constant false.
  if (v != v) return true;
  if (best != best) return false;
  return isMax ? v >= best : v <= best;
}

// @ts-ignore: decorator
@inline function cumExtremeIndices<T>(x: P, idx: P, outer: i32, len: i32, inner: i32, isMax: bool): void {
  const size = <usize>sizeof<T>();
  const rowElems = <usize>inner;
  if (inner == 1) {
    // Contiguous rows: the running value stays in a register.
    for (let o = 0; o < outer; o++) {
      const base = <usize>o * <usize>len;
      if (len == 0) continue;
      let best = load<T>(x + base * size);
      let at = 0;
      store<i32>(idx + (base << 2), 0);
      for (let j = 1; j < len; j++) {
        const v = load<T>(x + (base + <usize>j) * size);
        if (takes<T>(v, best, isMax)) {
          best = v;
          at = j;
        }
        store<i32>(idx + ((base + <usize>j) << 2), at);
      }
    }
    return;
  }
  for (let o = 0; o < outer; o++) {
    const base = <usize>o * <usize>len * rowElems;
    if (len > 0) memory.fill(idx + (base << 2), 0, rowElems << 2);
    for (let j = 1; j < len; j++) {
      const row = base + <usize>j * rowElems;
      for (let i = 0; i < inner; i++) {
        const prev = load<i32>(idx + ((row - rowElems + <usize>i) << 2));
        const best = load<T>(x + (base + <usize>prev * rowElems + <usize>i) * size);
        const v = load<T>(x + (row + <usize>i) * size);
        store<i32>(idx + ((row + <usize>i) << 2), takes<T>(v, best, isMax) ? j : prev);
      }
    }
  }
}

export function cumExtremeIndices_f32(x: P, idx: P, outer: i32, len: i32, inner: i32, isMax: i32): void {
  cumExtremeIndices<f32>(x, idx, outer, len, inner, isMax != 0);
}

export function cumExtremeIndices_f64(x: P, idx: P, outer: i32, len: i32, inner: i32, isMax: i32): void {
  cumExtremeIndices<f64>(x, idx, outer, len, inner, isMax != 0);
}

export function cumExtremeIndices_i32(x: P, idx: P, outer: i32, len: i32, inner: i32, isMax: i32): void {
  cumExtremeIndices<i32>(x, idx, outer, len, inner, isMax != 0);
}

// @ts-ignore: decorator
@inline function logAddExp(x: f64, acc: f64): f64 {
  const lo = isNaN<f64>(acc) ? acc : (acc < x ? acc : x);
  const hi = isNaN<f64>(acc) ? acc : (acc > x ? acc : x);
  if (lo != hi || isFinite<f64>(lo)) return Math.log1p(Math.exp(lo - hi)) + hi;
  return x;
}

// @ts-ignore: decorator
@inline function logcumsumexp<T>(x: P, out: P, outer: i32, len: i32, inner: i32): void {
  const size = <usize>sizeof<T>();
  const rowElems = <usize>inner;
  for (let o = 0; o < outer; o++) {
    const base = <usize>o * <usize>len * rowElems;
    for (let c0 = 0; c0 < inner; c0 += CHUNK) {
      const w = min(CHUNK, inner - c0);
      for (let i = 0; i < w; i++) store<f64>(ACC64 + (<usize>i << 3), -Infinity);
      for (let j = 0; j < len; j++) {
        const row = base + <usize>j * rowElems + <usize>c0;
        for (let i = 0; i < w; i++) {
          const a = ACC64 + (<usize>i << 3), q = (row + <usize>i) * size;
          const acc = logAddExp(<f64>load<T>(x + q), load<f64>(a));
          store<f64>(a, acc);
          store<T>(out + q, <T>acc);
        }
      }
    }
  }
}

export function logcumsumexp_f32(x: P, out: P, outer: i32, len: i32, inner: i32): void {
  logcumsumexp<f32>(x, out, outer, len, inner);
}

export function logcumsumexp_f64(x: P, out: P, outer: i32, len: i32, inner: i32): void {
  logcumsumexp<f64>(x, out, outer, len, inner);
}
