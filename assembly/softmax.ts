// deno-fmt-ignore-file
// Softmax and log-softmax over the rows of [rows, cols] float32, numerically stable.
import { TMP, hsum } from "./common";
import { expNonPosv, logv } from "./math";

// @ts-ignore: decorator
@inline function rowMax(p: usize, cols: i32): f32 {
  // pmax is one instruction (f32x4.max is several); it may drop a NaN, but a NaN in the row still
  // turns the sum of exponentials, and so the whole row, into NaN.
  let m0 = f32x4.splat(-Infinity), m1 = m0, m2 = m0, m3 = m0;
  let j = 0;
  for (; j + 16 <= cols; j += 16) {
    const q = p + (<usize>j << 2);
    m0 = f32x4.pmax(m0, v128.load(q, 0));
    m1 = f32x4.pmax(m1, v128.load(q, 16));
    m2 = f32x4.pmax(m2, v128.load(q, 32));
    m3 = f32x4.pmax(m3, v128.load(q, 48));
  }
  m0 = f32x4.pmax(f32x4.pmax(m0, m1), f32x4.pmax(m2, m3));
  for (; j + 4 <= cols; j += 4) m0 = f32x4.pmax(m0, v128.load(p + (<usize>j << 2)));
  m0 = f32x4.pmax(m0, v128.shuffle<f32>(m0, m0, 2, 3, 0, 1));
  m0 = f32x4.pmax(m0, v128.shuffle<f32>(m0, m0, 1, 0, 3, 2));
  let m = f32x4.extract_lane(m0, 0);
  for (; j < cols; j++) m = max(m, load<f32>(p + (<usize>j << 2)));
  return m;
}

/**
 * e = exp(x - m) over a row; stores e to out when `store` is set; returns the sum of e.
 */
// @ts-ignore: decorator
@inline function expSum(p: usize, out: usize, cols: i32, m: f32, doStore: bool): f32 {
  const mv = f32x4.splat(m);
  let s0 = f32x4.splat(0.0), s1 = s0;
  let j = 0;
  for (; j + 8 <= cols; j += 8) {
    const q = <usize>j << 2;
    const e0 = expNonPosv(f32x4.sub(v128.load(p + q, 0), mv));
    const e1 = expNonPosv(f32x4.sub(v128.load(p + q, 16), mv));
    if (doStore) {
      v128.store(out + q, e0, 0);
      v128.store(out + q, e1, 16);
    }
    s0 = f32x4.add(s0, e0);
    s1 = f32x4.add(s1, e1);
  }
  for (; j < cols; j += 4) {
    const q = <usize>j << 2;
    const cnt = <usize>min(cols - j, 4) << 2;
    // Pad with -inf so the unused lanes contribute exp(-inf) = 0.
    v128.store(TMP, f32x4.splat(-Infinity));
    memory.copy(TMP, p + q, cnt);
    const e = expNonPosv(f32x4.sub(v128.load(TMP), mv));
    if (doStore) {
      v128.store(TMP + 16, e);
      memory.copy(out + q, TMP + 16, cnt);
    }
    s0 = f32x4.add(s0, e);
  }
  return hsum(f32x4.add(s0, s1));
}

/** Elements per block of a row's sum of exponentials (block sums add up in float64). */
const SUM_BLOCK = 1024;

/** The sum of e = exp(x - m) over a row, in blocks (accurate for long rows); stores e when asked. */
function blockedExpSum(p: usize, out: usize, cols: i32, m: f32, doStore: bool): f32 {
  if (cols <= SUM_BLOCK) return expSum(p, out, cols, m, doStore);
  let s: f64 = 0;
  for (let j = 0; j < cols; j += SUM_BLOCK) {
    const q = <usize>j << 2;
    s += <f64>expSum(p + q, out + q, min(SUM_BLOCK, cols - j), m, doStore);
  }
  return <f32>s;
}

export function softmax_f32(x: usize, out: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    const off = (<usize>r * <usize>cols) << 2;
    const p = x + off, o = out + off;
    const m = rowMax(p, cols);
    const s = blockedExpSum(p, o, cols, m, true);
    const inv = f32x4.splat(<f32>1.0 / s);
    let j = 0;
    for (; j + 4 <= cols; j += 4) {
      const q = o + (<usize>j << 2);
      v128.store(q, f32x4.mul(v128.load(q), inv));
    }
    const invs = <f32>1.0 / s;
    for (; j < cols; j++) {
      const q = o + (<usize>j << 2);
      store<f32>(q, load<f32>(q) * invs);
    }
  }
}

export function logSoftmax_f32(x: usize, out: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    const off = (<usize>r * <usize>cols) << 2;
    const p = x + off, o = out + off;
    const m = rowMax(p, cols);
    const s = blockedExpSum(p, o, cols, m, false);
    const ls = f32x4.extract_lane(logv(f32x4.splat(s)), 0);
    let j = 0;
    for (; j + 4 <= cols; j += 4) {
      const q = <usize>j << 2;
      // (x - m) - log(sum), as PyTorch
      v128.store(o + q, f32x4.sub(f32x4.sub(v128.load(p + q), f32x4.splat(m)), f32x4.splat(ls)));
    }
    for (; j < cols; j++) {
      const q = <usize>j << 2;
      store<f32>(o + q, (load<f32>(p + q) - m) - ls);
    }
  }
}
