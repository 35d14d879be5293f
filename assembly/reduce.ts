// deno-fmt-ignore-file
// Reductions over the middle axis of [outer, len, inner] -> [outer, inner], and cumsum.
// inner == 1 reduces contiguous rows with SIMD; otherwise SIMD runs across `inner`.
// float32 max/min propagate NaN; argmax/argmin give the first index of the extreme, NaN wins.
// float32 sums are pairwise over blocks of multi-accumulator SIMD sums (accurate for long rows).
// Wide rows stream through CHUNK columns at a time (partial sums stay in L1).
import { ACC64, BEST, CHUNK, PARTIAL } from "./common";

const R_SUM = 0, R_PROD = 1, R_MAX = 2, R_MIN = 3;
const SUM_BLOCK = 1024;
const COL_BLOCK = 128;

// @ts-ignore: decorator
@inline function ident(op: i32, isF32: bool): v128 {
  if (isF32) {
    if (op == R_SUM) return f32x4.splat(0.0);
    if (op == R_PROD) return f32x4.splat(1.0);
    if (op == R_MAX) return f32x4.splat(-Infinity);
    return f32x4.splat(Infinity);
  }
  if (op == R_SUM) return i32x4.splat(0);
  if (op == R_PROD) return i32x4.splat(1);
  if (op == R_MAX) return i32x4.splat(i32.MIN_VALUE);
  return i32x4.splat(i32.MAX_VALUE);
}

// @ts-ignore: decorator
@inline function redV(op: i32, isF32: bool, a: v128, b: v128): v128 {
  if (isF32) {
    if (op == R_SUM) return f32x4.add(a, b);
    if (op == R_PROD) return f32x4.mul(a, b);
    if (op == R_MAX) return f32x4.max(a, b);
    return f32x4.min(a, b);
  }
  if (op == R_SUM) return i32x4.add(a, b);
  if (op == R_PROD) return i32x4.mul(a, b);
  if (op == R_MAX) return i32x4.max_s(a, b);
  return i32x4.min_s(a, b);
}

/** Reduces the four lanes of v; the result is in lane 0. */
// @ts-ignore: decorator
@inline function horiz(op: i32, isF32: bool, v: v128): v128 {
  const a = redV(op, isF32, v, v128.shuffle<i32>(v, v, 2, 3, 0, 1));
  return redV(op, isF32, a, v128.shuffle<i32>(a, a, 1, 0, 3, 2));
}

/** Reduction of a contiguous row; result in lane 0. */
// @ts-ignore: decorator
@inline function rowReduce(op: i32, isF32: bool, p: usize, len: i32): v128 {
  let a0 = ident(op, isF32), a1 = a0, a2 = a0, a3 = a0;
  let i = 0;
  for (; i + 16 <= len; i += 16) {
    const q = p + (<usize>i << 2);
    a0 = redV(op, isF32, a0, v128.load(q, 0));
    a1 = redV(op, isF32, a1, v128.load(q, 16));
    a2 = redV(op, isF32, a2, v128.load(q, 32));
    a3 = redV(op, isF32, a3, v128.load(q, 48));
  }
  a0 = redV(op, isF32, redV(op, isF32, a0, a1), redV(op, isF32, a2, a3));
  for (; i + 4 <= len; i += 4) a0 = redV(op, isF32, a0, v128.load(p + (<usize>i << 2)));
  a0 = horiz(op, isF32, a0);
  for (; i < len; i++) a0 = redV(op, isF32, a0, v128.load32_splat(p + (<usize>i << 2)));
  return a0;
}

/** Pairwise sum of a contiguous float32 row. */
function sumRowF32(p: usize, len: i32): f32 {
  if (len <= SUM_BLOCK) return f32x4.extract_lane(rowReduce(R_SUM, true, p, len), 0);
  const h = (len >> 1) & ~15;
  return sumRowF32(p, h) + sumRowF32(p + (<usize>h << 2), len - h);
}


/** acc[0:w] = op(acc[0:w], row[0:w]). */
// @ts-ignore: decorator
@inline function accumulateRow(op: i32, isF32: bool, acc: usize, row: usize, w: i32): void {
  let i = 0;
  for (; i + 16 <= w; i += 16) {
    const q = <usize>i << 2;
    v128.store(acc + q, redV(op, isF32, v128.load(acc + q, 0), v128.load(row + q, 0)), 0);
    v128.store(acc + q, redV(op, isF32, v128.load(acc + q, 16), v128.load(row + q, 16)), 16);
    v128.store(acc + q, redV(op, isF32, v128.load(acc + q, 32), v128.load(row + q, 32)), 32);
    v128.store(acc + q, redV(op, isF32, v128.load(acc + q, 48), v128.load(row + q, 48)), 48);
  }
  for (; i + 4 <= w; i += 4) {
    const q = <usize>i << 2;
    v128.store(acc + q, redV(op, isF32, v128.load(acc + q), v128.load(row + q)));
  }
  for (; i < w; i++) {
    const q = <usize>i << 2;
    v128.store32_lane(acc + q, redV(op, isF32, v128.load32_splat(acc + q), v128.load32_splat(row + q)), 0);
  }
}

// @ts-ignore: decorator
@inline function fill(v: v128, p: usize, w: i32): void {
  let i = 0;
  for (; i + 4 <= w; i += 4) v128.store(p + (<usize>i << 2), v);
  for (; i < w; i++) v128.store32_lane(p + (<usize>i << 2), v, 0);
}

/**
 * Wide rows (inner >= 16): stream through x row by row, accumulating a chunk of columns in place
 * (sequential reads that prefetch well, instead of walking down columns a page apart). float32
 * sums accumulate blocks of COL_BLOCK rows in a separate partial buffer, then add the partials.
 * Rows of x and out are `ld` elements apart (ld > inner: a block of columns of wider rows).
 */
// @ts-ignore: decorator
@inline function reduceStreaming(op: i32, isF32: bool, x: usize, out: usize, outer: i32, len: i32, inner: i32, ld: i32): void {
  const rowBytes = <usize>ld << 2;
  const blocked = isF32 && op == R_SUM;
  const id = ident(op, isF32);
  for (let o = 0; o < outer; o++) {
    const base = x + <usize>o * <usize>len * rowBytes;
    const ob = out + <usize>o * rowBytes;
    for (let c0 = 0; c0 < inner; c0 += CHUNK) {
      const w = min(CHUNK, inner - c0);
      const total = ob + (<usize>c0 << 2);
      fill(id, total, w);
      if (!blocked) {
        for (let j = 0; j < len; j++) accumulateRow(op, isF32, total, base + <usize>j * rowBytes + (<usize>c0 << 2), w);
        continue;
      }
      for (let j0 = 0; j0 < len; j0 += COL_BLOCK) {
        const j1 = min(j0 + COL_BLOCK, len);
        fill(id, PARTIAL, w);
        for (let j = j0; j < j1; j++) accumulateRow(op, isF32, PARTIAL, base + <usize>j * rowBytes + (<usize>c0 << 2), w);
        accumulateRow(op, isF32, total, PARTIAL, w);
      }
    }
  }
}

// @ts-ignore: decorator
@inline function reduceImpl(op: i32, isF32: bool, x: usize, out: usize, outer: i32, len: i32, inner: i32): void {
  if (inner == 1) {
    for (let o = 0; o < outer; o++) {
      const p = x + ((<usize>o * <usize>len) << 2);
      if (isF32 && op == R_SUM) store<f32>(out + (<usize>o << 2), sumRowF32(p, len));
      else store<i32>(out + (<usize>o << 2), i32x4.extract_lane(rowReduce(op, isF32, p, len), 0));
    }
    return;
  }
  if (inner >= 16) {
    reduceStreaming(op, isF32, x, out, outer, len, inner, inner);
    return;
  }
  const rowBytes = <usize>inner << 2;
  const blk = isF32 && op == R_SUM ? COL_BLOCK : len;
  for (let o = 0; o < outer; o++) {
    const base = x + <usize>o * <usize>len * rowBytes;
    const ob = out + <usize>o * rowBytes;
    let i = 0;
    // Strips of 16 columns, then 4, then single columns (lane 0).
    for (; i + 16 <= inner; i += 16) {
      let t0 = ident(op, isF32), t1 = t0, t2 = t0, t3 = t0;
      for (let j0 = 0; j0 < len; j0 += blk) {
        const j1 = min(j0 + blk, len);
        let a0 = ident(op, isF32), a1 = a0, a2 = a0, a3 = a0;
        let q = base + <usize>j0 * rowBytes + (<usize>i << 2);
        for (let j = j0; j < j1; j++) {
          a0 = redV(op, isF32, a0, v128.load(q, 0));
          a1 = redV(op, isF32, a1, v128.load(q, 16));
          a2 = redV(op, isF32, a2, v128.load(q, 32));
          a3 = redV(op, isF32, a3, v128.load(q, 48));
          q += rowBytes;
        }
        t0 = redV(op, isF32, t0, a0);
        t1 = redV(op, isF32, t1, a1);
        t2 = redV(op, isF32, t2, a2);
        t3 = redV(op, isF32, t3, a3);
      }
      const q = ob + (<usize>i << 2);
      v128.store(q, t0, 0);
      v128.store(q, t1, 16);
      v128.store(q, t2, 32);
      v128.store(q, t3, 48);
    }
    for (; i + 4 <= inner; i += 4) {
      let t = ident(op, isF32);
      for (let j0 = 0; j0 < len; j0 += blk) {
        const j1 = min(j0 + blk, len);
        let a = ident(op, isF32);
        let q = base + <usize>j0 * rowBytes + (<usize>i << 2);
        for (let j = j0; j < j1; j++) {
          a = redV(op, isF32, a, v128.load(q));
          q += rowBytes;
        }
        t = redV(op, isF32, t, a);
      }
      v128.store(ob + (<usize>i << 2), t);
    }
    for (; i < inner; i++) {
      let t = ident(op, isF32);
      for (let j0 = 0; j0 < len; j0 += blk) {
        const j1 = min(j0 + blk, len);
        let a = ident(op, isF32);
        let q = base + <usize>j0 * rowBytes + (<usize>i << 2);
        for (let j = j0; j < j1; j++) {
          a = redV(op, isF32, a, v128.load32_splat(q));
          q += rowBytes;
        }
        t = redV(op, isF32, t, a);
      }
      store<i32>(ob + (<usize>i << 2), i32x4.extract_lane(t, 0));
    }
  }
}

type P = usize;
export function sum_f32(x: P, out: P, outer: i32, len: i32, inner: i32): void { reduceImpl(R_SUM, true, x, out, outer, len, inner); }
export function prod_f32(x: P, out: P, outer: i32, len: i32, inner: i32): void { reduceImpl(R_PROD, true, x, out, outer, len, inner); }
export function max_f32(x: P, out: P, outer: i32, len: i32, inner: i32): void { reduceImpl(R_MAX, true, x, out, outer, len, inner); }
export function min_f32(x: P, out: P, outer: i32, len: i32, inner: i32): void { reduceImpl(R_MIN, true, x, out, outer, len, inner); }
export function sum_i32(x: P, out: P, outer: i32, len: i32, inner: i32): void { reduceImpl(R_SUM, false, x, out, outer, len, inner); }
export function prod_i32(x: P, out: P, outer: i32, len: i32, inner: i32): void { reduceImpl(R_PROD, false, x, out, outer, len, inner); }
export function max_i32(x: P, out: P, outer: i32, len: i32, inner: i32): void { reduceImpl(R_MAX, false, x, out, outer, len, inner); }
export function min_i32(x: P, out: P, outer: i32, len: i32, inner: i32): void { reduceImpl(R_MIN, false, x, out, outer, len, inner); }

/**
 * The reduction `op` (0 sum, 1 prod, 2 max, 3 min) of columns [0, inner) of rows `ld` elements
 * wide (inner >= 16, ld >= inner): one block of columns of a wide reduction, computed exactly as
 * the whole reduction computes those columns.
 */
export function reduce_cols_f32(op: i32, x: P, out: P, outer: i32, len: i32, inner: i32, ld: i32): void {
  if (op == R_SUM) reduceStreaming(R_SUM, true, x, out, outer, len, inner, ld);
  else if (op == R_PROD) reduceStreaming(R_PROD, true, x, out, outer, len, inner, ld);
  else if (op == R_MAX) reduceStreaming(R_MAX, true, x, out, outer, len, inner, ld);
  else reduceStreaming(R_MIN, true, x, out, outer, len, inner, ld);
}
export function reduce_cols_i32(op: i32, x: P, out: P, outer: i32, len: i32, inner: i32, ld: i32): void {
  if (op == R_SUM) reduceStreaming(R_SUM, false, x, out, outer, len, inner, ld);
  else if (op == R_PROD) reduceStreaming(R_PROD, false, x, out, outer, len, inner, ld);
  else if (op == R_MAX) reduceStreaming(R_MAX, false, x, out, outer, len, inner, ld);
  else reduceStreaming(R_MIN, false, x, out, outer, len, inner, ld);
}

// ---------------------------------------------------------------------------------------------
// argmax / argmin

/** Lanes where v beats b (strictly; NaN beats any number). */
// @ts-ignore: decorator
@inline function beats(isMax: bool, isF32: bool, v: v128, b: v128): v128 {
  if (isF32) {
    const strict = isMax ? f32x4.gt(v, b) : f32x4.lt(v, b);
    return v128.or(strict, v128.and(f32x4.ne(v, v), f32x4.eq(b, b)));
  }
  return isMax ? i32x4.gt_s(v, b) : i32x4.lt_s(v, b);
}

// @ts-ignore: decorator
@inline function beatsScalar(isMax: bool, isF32: bool, v: v128, b: v128): bool {
  return (i32x4.extract_lane(beats(isMax, isF32, v, b), 0)) != 0;
}

// @ts-ignore: decorator
@inline function argRow(isMax: bool, isF32: bool, p: usize, len: i32): i32 {
  if (len <= 0) return 0;
  let bv = v128.load32_splat(p);
  let bi = 0;
  let i = 1;
  if (len >= 8) {
    let bestV = v128.load(p);
    let bestI = i32x4(0, 1, 2, 3);
    let idx = i32x4(4, 5, 6, 7);
    const four = i32x4.splat(4);
    for (i = 4; i + 4 <= len; i += 4) {
      const v = v128.load(p + (<usize>i << 2));
      const take = beats(isMax, isF32, v, bestV);
      bestV = v128.bitselect(v, bestV, take);
      bestI = v128.bitselect(idx, bestI, take);
      idx = i32x4.add(idx, four);
    }
    // Combine lanes: better value wins, equal values (or both NaN) go to the smaller index.
    bv = v128.shuffle<i32>(bestV, bestV, 0, 0, 0, 0);
    bi = i32x4.extract_lane(bestI, 0);
    for (let l: u8 = 1; l < 4; l++) {
      let cv = bv;
      let ci = 0;
      if (l == 1) { cv = v128.shuffle<i32>(bestV, bestV, 1, 1, 1, 1); ci = i32x4.extract_lane(bestI, 1); }
      else if (l == 2) { cv = v128.shuffle<i32>(bestV, bestV, 2, 2, 2, 2); ci = i32x4.extract_lane(bestI, 2); }
      else { cv = v128.shuffle<i32>(bestV, bestV, 3, 3, 3, 3); ci = i32x4.extract_lane(bestI, 3); }
      if (beatsScalar(isMax, isF32, cv, bv)) {
        bv = cv; bi = ci;
      } else if (!beatsScalar(isMax, isF32, bv, cv) && ci < bi) {
        bv = cv; bi = ci;
      }
    }
  }
  for (; i < len; i++) {
    const v = v128.load32_splat(p + (<usize>i << 2));
    if (beatsScalar(isMax, isF32, v, bv)) { bv = v; bi = i; }
  }
  return bi;
}

/** argmax/argmin of wide rows (inner >= 16), streaming row by row (see reduceStreaming). */
// @ts-ignore: decorator
@inline function argStreaming(isMax: bool, isF32: bool, x: usize, out: usize, outer: i32, len: i32, inner: i32, ld: i32): void {
  const rowBytes = <usize>ld << 2;
  for (let o = 0; o < outer; o++) {
    const base = x + <usize>o * <usize>len * rowBytes;
    const ob = out + <usize>o * rowBytes;
    for (let c0 = 0; c0 < inner; c0 += CHUNK) {
      const w = min(CHUNK, inner - c0);
      const col = <usize>c0 << 2;
      const oi = ob + col;
      memory.copy(BEST, base + col, <usize>w << 2);
      memory.fill(oi, 0, <usize>w << 2);
      for (let j = 1; j < len; j++) {
        const row = base + <usize>j * rowBytes + col;
        const jv = i32x4.splat(j);
        let i = 0;
        for (; i + 4 <= w; i += 4) {
          const q = <usize>i << 2;
          const v = v128.load(row + q), bv = v128.load(BEST + q);
          const take = beats(isMax, isF32, v, bv);
          v128.store(BEST + q, v128.bitselect(v, bv, take));
          v128.store(oi + q, v128.bitselect(jv, v128.load(oi + q), take));
        }
        for (; i < w; i++) {
          const q = <usize>i << 2;
          const v = v128.load32_splat(row + q);
          if (beatsScalar(isMax, isF32, v, v128.load32_splat(BEST + q))) {
            v128.store32_lane(BEST + q, v, 0);
            store<i32>(oi + q, j);
          }
        }
      }
    }
  }
}

// @ts-ignore: decorator
@inline function argImpl(isMax: bool, isF32: bool, x: usize, out: usize, outer: i32, len: i32, inner: i32): void {
  if (inner == 1) {
    for (let o = 0; o < outer; o++) {
      store<i32>(out + (<usize>o << 2), argRow(isMax, isF32, x + ((<usize>o * <usize>len) << 2), len));
    }
    return;
  }
  if (inner >= 16 && len > 0) {
    argStreaming(isMax, isF32, x, out, outer, len, inner, inner);
    return;
  }
  const rowBytes = <usize>inner << 2;
  for (let o = 0; o < outer; o++) {
    const base = x + <usize>o * <usize>len * rowBytes;
    const ob = out + <usize>o * rowBytes;
    let i = 0;
    for (; i + 4 <= inner; i += 4) {
      let q = base + (<usize>i << 2);
      let bestV = v128.load(q);
      let bestI = i32x4.splat(0);
      for (let j = 1; j < len; j++) {
        q += rowBytes;
        const v = v128.load(q);
        const take = beats(isMax, isF32, v, bestV);
        bestV = v128.bitselect(v, bestV, take);
        bestI = v128.bitselect(i32x4.splat(j), bestI, take);
      }
      v128.store(ob + (<usize>i << 2), len > 0 ? bestI : i32x4.splat(0));
    }
    for (; i < inner; i++) {
      let q = base + (<usize>i << 2);
      let bv = v128.load32_splat(q);
      let bi = 0;
      for (let j = 1; j < len; j++) {
        q += rowBytes;
        const v = v128.load32_splat(q);
        if (beatsScalar(isMax, isF32, v, bv)) { bv = v; bi = j; }
      }
      store<i32>(ob + (<usize>i << 2), bi);
    }
  }
}

export function argmax_f32(x: P, out: P, outer: i32, len: i32, inner: i32): void { argImpl(true, true, x, out, outer, len, inner); }
export function argmin_f32(x: P, out: P, outer: i32, len: i32, inner: i32): void { argImpl(false, true, x, out, outer, len, inner); }
export function argmax_i32(x: P, out: P, outer: i32, len: i32, inner: i32): void { argImpl(true, false, x, out, outer, len, inner); }
export function argmin_i32(x: P, out: P, outer: i32, len: i32, inner: i32): void { argImpl(false, false, x, out, outer, len, inner); }

/** argmax (isMax) or argmin of columns [0, inner) of rows `ld` wide (inner >= 16, len >= 1): see reduce_cols_f32. */
export function argreduce_cols_f32(isMax: bool, x: P, out: P, outer: i32, len: i32, inner: i32, ld: i32): void {
  if (isMax) argStreaming(true, true, x, out, outer, len, inner, ld);
  else argStreaming(false, true, x, out, outer, len, inner, ld);
}
export function argreduce_cols_i32(isMax: bool, x: P, out: P, outer: i32, len: i32, inner: i32, ld: i32): void {
  if (isMax) argStreaming(true, false, x, out, outer, len, inner, ld);
  else argStreaming(false, false, x, out, outer, len, inner, ld);
}

// ---------------------------------------------------------------------------------------------
// cumsum: float32 accumulates in float64 (as PyTorch on CPU); int32 wraps.

export function cumsum_f32(x: P, out: P, outer: i32, len: i32, inner: i32): void {
  const rowBytes = <usize>inner << 2;
  if (inner >= 16) {
    // Wide rows: stream row by row with float64 running sums for a chunk of columns.
    for (let o = 0; o < outer; o++) {
      const base = <usize>o * <usize>len * rowBytes;
      for (let c0 = 0; c0 < inner; c0 += CHUNK) {
        const w = min(CHUNK, inner - c0);
        const col = <usize>c0 << 2;
        memory.fill(ACC64, 0, <usize>w << 3);
        for (let j = 0; j < len; j++) {
          const q0 = base + <usize>j * rowBytes + col;
          let i = 0;
          for (; i + 4 <= w; i += 4) {
            const q = q0 + (<usize>i << 2), a = ACC64 + (<usize>i << 3);
            const v = v128.load(x + q);
            const lo = f64x2.add(v128.load(a, 0), f64x2.promote_low_f32x4(v));
            const hi = f64x2.add(v128.load(a, 16), f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1)));
            v128.store(a, lo, 0);
            v128.store(a, hi, 16);
            v128.store(out + q, v128.shuffle<f32>(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5));
          }
          for (; i < w; i++) {
            const q = q0 + (<usize>i << 2), a = ACC64 + (<usize>i << 3);
            const acc = load<f64>(a) + <f64>load<f32>(x + q);
            store<f64>(a, acc);
            store<f32>(out + q, <f32>acc);
          }
        }
      }
    }
    return;
  }
  for (let o = 0; o < outer; o++) {
    const base = <usize>o * <usize>len * rowBytes;
    if (inner == 1) {
      // Four at a time: prefix sums inside the vector (in float64), then the running carry, so
      // the serial dependency is one add per four elements.
      const zero = f64x2.splat(0.0);
      let carry = zero;
      let j = 0;
      for (; j + 4 <= len; j += 4) {
        const q = base + (<usize>j << 2);
        const v = v128.load(x + q);
        let lo = f64x2.promote_low_f32x4(v);
        let hi = f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1));
        lo = f64x2.add(lo, v128.shuffle<i64>(zero, lo, 0, 2));
        hi = f64x2.add(hi, v128.shuffle<i64>(zero, hi, 0, 2));
        hi = f64x2.add(hi, v128.shuffle<i64>(lo, lo, 1, 1));
        lo = f64x2.add(lo, carry);
        hi = f64x2.add(hi, carry);
        carry = v128.shuffle<i64>(hi, hi, 1, 1);
        v128.store(out + q, v128.shuffle<f32>(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5));
      }
      let acc = f64x2.extract_lane(carry, 0);
      for (; j < len; j++) {
        const q = base + (<usize>j << 2);
        acc += <f64>load<f32>(x + q);
        store<f32>(out + q, <f32>acc);
      }
      continue;
    }
    let i = 0;
    for (; i + 4 <= inner; i += 4) {
      let lo = f64x2.splat(0.0), hi = lo;
      let q = base + (<usize>i << 2);
      for (let j = 0; j < len; j++) {
        const v = v128.load(x + q);
        lo = f64x2.add(lo, f64x2.promote_low_f32x4(v));
        hi = f64x2.add(hi, f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1)));
        v128.store(out + q, v128.shuffle<f32>(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5));
        q += rowBytes;
      }
    }
    for (; i < inner; i++) {
      let acc: f64 = 0;
      let q = base + (<usize>i << 2);
      for (let j = 0; j < len; j++) {
        acc += <f64>load<f32>(x + q);
        store<f32>(out + q, <f32>acc);
        q += rowBytes;
      }
    }
  }
}

export function cumsum_i32(x: P, out: P, outer: i32, len: i32, inner: i32): void {
  const rowBytes = <usize>inner << 2;
  if (inner >= 16) {
    // Wide rows: out[j] = out[j - 1] + x[j], row by row.
    for (let o = 0; o < outer; o++) {
      const base = <usize>o * <usize>len * rowBytes;
      if (len > 0) memory.copy(out + base, x + base, rowBytes);
      for (let j = 1; j < len; j++) {
        const r = base + <usize>j * rowBytes;
        const prev = out + r - rowBytes, cur = x + r, dst = out + r;
        let i = 0;
        for (; i + 4 <= inner; i += 4) {
          const q = <usize>i << 2;
          v128.store(dst + q, i32x4.add(v128.load(prev + q), v128.load(cur + q)));
        }
        for (; i < inner; i++) {
          const q = <usize>i << 2;
          store<i32>(dst + q, load<i32>(prev + q) + load<i32>(cur + q));
        }
      }
    }
    return;
  }
  for (let o = 0; o < outer; o++) {
    const base = <usize>o * <usize>len * rowBytes;
    if (inner == 1) {
      const zero = i32x4.splat(0);
      let carry = zero;
      let j = 0;
      for (; j + 4 <= len; j += 4) {
        const q = base + (<usize>j << 2);
        let v = v128.load(x + q);
        v = i32x4.add(v, v128.shuffle<i32>(zero, v, 0, 4, 5, 6)); // + [0, v0, v1, v2]
        v = i32x4.add(v, v128.shuffle<i32>(zero, v, 0, 1, 4, 5)); // + [0, 0, s0, s1]
        v = i32x4.add(v, carry);
        carry = v128.shuffle<i32>(v, v, 3, 3, 3, 3);
        v128.store(out + q, v);
      }
      let acc = i32x4.extract_lane(carry, 0);
      for (; j < len; j++) {
        const q = base + (<usize>j << 2);
        acc += load<i32>(x + q);
        store<i32>(out + q, acc);
      }
      continue;
    }
    let i = 0;
    for (; i + 4 <= inner; i += 4) {
      let acc = i32x4.splat(0);
      let q = base + (<usize>i << 2);
      for (let j = 0; j < len; j++) {
        acc = i32x4.add(acc, v128.load(x + q));
        v128.store(out + q, acc);
        q += rowBytes;
      }
    }
    for (; i < inner; i++) {
      let acc: i32 = 0;
      let q = base + (<usize>i << 2);
      for (let j = 0; j < len; j++) {
        acc += load<i32>(x + q);
        store<i32>(out + q, acc);
        q += rowBytes;
      }
    }
  }
}
