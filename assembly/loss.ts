// deno-fmt-ignore-file
// Softmax cross-entropy at class indices over the rows of [rows, cols] float32 (forward, with its
// log-softmax from softmax.ts, and backward).
import { expNonPosv } from "./math";
import { logSoftmax_f32 } from "./softmax";

/**
 * Softmax cross-entropy of each row of [rows, cols] at the class indices `target` (rows i32):
 * the row's log-softmax into `logp`, `loss[r] = -logp[r, target[r]]` (0 where the target is
 * `ignore`), `Σ loss` into `total` and the counted rows into `count` (summed in f64). Returns 0,
 * or 1 + the first row whose target is outside [0, cols) and not `ignore` (nothing is written).
 */
export function crossEntropy_f32(
  x: usize, target: usize, logp: usize, loss: usize, total: usize, count: usize, rows: i32, cols: i32, ignore: i32,
): i32 {
  for (let r = 0; r < rows; r++) {
    const t = load<i32>(target + (<usize>r << 2));
    if (t != ignore && (t < 0 || t >= cols)) return r + 1;
  }
  logSoftmax_f32(x, logp, rows, cols);
  crossEntropyPick_f32(target, logp, loss, total, count, rows, cols, ignore);
  return 0;
}

/**
 * The second half of crossEntropy_f32, once `logp` holds the rows' log-softmax (computed in row
 * blocks on several threads): checks the targets (returns 1 + the first bad row) and writes
 * `loss`, `total` and `count`.
 */
export function crossEntropyPick_f32(
  target: usize, logp: usize, loss: usize, total: usize, count: usize, rows: i32, cols: i32, ignore: i32,
): i32 {
  for (let r = 0; r < rows; r++) {
    const t = load<i32>(target + (<usize>r << 2));
    if (t != ignore && (t < 0 || t >= cols)) return r + 1;
  }
  let sum: f64 = 0, counted: f64 = 0;
  for (let r = 0; r < rows; r++) {
    const t = load<i32>(target + (<usize>r << 2));
    let l: f32 = 0;
    if (t != ignore) {
      l = -load<f32>(logp + ((<usize>r * <usize>cols + <usize>t) << 2));
      sum += <f64>l;
      counted += 1;
    }
    store<f32>(loss + (<usize>r << 2), l);
  }
  store<f32>(total, <f32>sum);
  store<f32>(count, <f32>counted);
  return 0;
}

/**
 * The gradient of crossEntropy_f32 with respect to its input: `(exp(logp[r]) - onehot(target[r]))
 * * g[r]`, 0 on rows whose target is `ignore`; `g` holds `gLen` values (rows, or 1 for all rows).
 */
export function crossEntropyBackward_f32(
  logp: usize, target: usize, g: usize, gLen: i32, out: usize, rows: i32, cols: i32, ignore: i32,
): void {
  for (let r = 0; r < rows; r++) {
    const off = (<usize>r * <usize>cols) << 2;
    const p = logp + off, o = out + off;
    const t = load<i32>(target + (<usize>r << 2));
    if (t == ignore) {
      memory.fill(o, 0, <usize>cols << 2);
      continue;
    }
    const gr = load<f32>(g + (<usize>(gLen == 1 ? 0 : r) << 2));
    const gv = f32x4.splat(gr);
    let j = 0;
    for (; j + 4 <= cols; j += 4) {
      const q = <usize>j << 2;
      v128.store(o + q, f32x4.mul(expNonPosv(v128.load(p + q)), gv));
    }
    for (; j < cols; j++) {
      const q = <usize>j << 2;
      store<f32>(o + q, f32x4.extract_lane(expNonPosv(f32x4.splat(load<f32>(p + q))), 0) * gr);
    }
    const q = o + (<usize>t << 2);
    store<f32>(q, (f32x4.extract_lane(expNonPosv(f32x4.splat(load<f32>(p + (<usize>t << 2)))), 0) - 1) * gr);
  }
}
