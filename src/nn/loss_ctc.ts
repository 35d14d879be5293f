/**
 * `ctcLoss`: the connectionist temporal classification loss (PyTorch's `F.ctc_loss`). Part of `F`.
 * @module
 */
import { Tensor } from "../tensor.ts";
import { tensor } from "../creation.ts";
import * as ew from "../ops/elementwise.ts";
import * as red from "../ops/reduce.ts";
import { cat, gather } from "../ops/indexing.ts";
import { isfinite, isinf } from "../ops/logical.ts";
import { checkFloat, checkReduction } from "./checks.ts";
import type { LossOptions } from "./loss_reduction.ts";
import { fmtShape } from "../shape.ts";
import { inFrameOf } from "../memory.ts";
import { asOp } from "../ops/naming.ts";

/** Options of {@link ctcLoss}. */
export interface CtcLossOptions extends LossOptions {
  /** The blank label (default 0). */
  blank?: number;
  /** Replace infinite losses (impossible alignments) and their gradients by zero (default false). */
  zeroInfinity?: boolean;
}

/** Lengths as host integers: an array, a number (unbatched) or a CPU integer tensor. */
function hostInts(op: string, name: string, v: unknown): number[] {
  if (typeof v === "number") return [v];
  if (Array.isArray(v)) return v.map((x) => Number(x));
  if (v instanceof Tensor) {
    if (v.device !== "cpu" || (v.dtype !== "int32" && v.dtype !== "uint8")) {
      throw new TypeError(
        `${op}: ${name} must be an array or a CPU integer tensor, got a ${v.dtype} tensor on ${v.device}`,
      );
    }
    return Array.from(v.dataSync());
  }
  throw new TypeError(`${op}: ${name} must be an array, a number or a CPU integer tensor`);
}

/** log(exp(a) + exp(b) + ...) whose gradient is 0, never NaN, where every term is -inf. */
function logSumExpN(terms: Tensor[]): Tensor {
  let m = terms[0];
  for (const t of terms.slice(1)) m = ew.maximum(m, t);
  m = ew.where(isfinite(m), m, 0).detach();
  let s = ew.exp(ew.sub(terms[0], m));
  for (const t of terms.slice(1)) s = ew.add(s, ew.exp(ew.sub(t, m)));
  const empty = ew.eq(s, 0);
  return ew.where(empty, -Infinity, ew.add(m, ew.log(ew.where(empty, 1, s))));
}

/**
 * The CTC loss of `logProbs` (`[T, N, C]` log-probabilities over `C` classes, blank included,
 * e.g. from `logSoftmax(2)`; or `[T, C]` unbatched) against `targets`: padded `[N, S]` or all
 * target sequences concatenated (1-d, `sum(targetLengths)` labels). `inputLengths` and
 * `targetLengths` (one per sequence) are arrays or CPU integer tensors; the targets and lengths
 * are read on the host, `logProbs` may live on either device. The forward (alpha) recursion runs
 * in log space over the blank-extended label sequence, vectorised over the batch and the labels,
 * and autograd gives the gradient. As in PyTorch, the gradient with respect to `logProbs` is the
 * one for normalised log-probabilities (it includes the `exp(logProbs)` term that the
 * `logSoftmax` before it cancels), so gradients with respect to the logits are exact.
 * `reduction: "mean"` divides each loss by its target length (at least 1), then averages.
 * An alignment that cannot exist (a target too long for its input) gives an infinite loss, or 0
 * with a zero gradient under `zeroInfinity`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * // Two frames of uniform probabilities over {blank, a}: the paths for "a" are "a a", "_ a", "a _".
 * const logProbs = torch.full([2, 1, 2], Math.log(0.5));
 * const loss = F.ctcLoss(logProbs, torch.tensor([[1]], { dtype: "int32" }), [2], [1], { reduction: "sum" });
 * assertEquals(Math.round(loss.item() * 1e6) / 1e6, Math.round(-Math.log(0.75) * 1e6) / 1e6);
 * ```
 */
export function ctcLoss(
  logProbs: Tensor,
  targets: Tensor,
  inputLengths: Tensor | readonly number[] | number,
  targetLengths: Tensor | readonly number[] | number,
  opts: CtcLossOptions = {},
): Tensor {
  const op = "ctcLoss";
  return inFrameOf(() =>
    asOp(op, () => {
      checkReduction(op, opts.reduction);
      const { blank = 0, zeroInfinity = false, reduction = "mean" } = opts;
      let lp = checkFloat(op, "log_probs", logProbs);
      if (lp.ndim !== 2 && lp.ndim !== 3) {
        throw new RangeError(
          `${op}: expected log_probs of shape [T, N, C] or [T, C], got ${fmtShape(lp.shape)}`,
        );
      }
      const unbatched = lp.ndim === 2;
      if (unbatched) lp = lp.unsqueeze(1);
      const [T, N, C] = lp.shape;
      if (!Number.isInteger(blank) || blank < 0 || blank >= C) {
        throw new RangeError(`${op}: blank must be in label range [0, ${C}), got ${blank}`);
      }
      if (
        !(targets instanceof Tensor) || targets.device !== "cpu" || targets.dtype === "bool" ||
        targets.dtype.startsWith("float")
      ) {
        throw new TypeError(`${op}: targets must be a CPU integer tensor`);
      }
      const il = hostInts(op, "input_lengths", inputLengths);
      const tl = hostInts(op, "target_lengths", targetLengths);
      if (il.length !== N || tl.length !== N) {
        throw new RangeError(
          `${op}: expected ${N} input_lengths and target_lengths (the batch size), got ${il.length} and ${tl.length}`,
        );
      }
      il.forEach((v, n) => {
        if (!Number.isInteger(v) || v < 0 || v > T) {
          throw new RangeError(`${op}: expected input_lengths in [0, ${T}] (T), got ${v} at ${n}`);
        }
      });
      tl.forEach((v, n) => {
        if (!Number.isInteger(v) || v < 0) {
          throw new RangeError(`${op}: expected non-negative integer target_lengths, got ${v} at ${n}`);
        }
      });
      const tv = Array.from(targets.dataSync());
      const labels: number[][] = [];
      const padded = targets.ndim === 2 || (unbatched && targets.ndim === 1);
      if (padded) {
        const S = targets.ndim === 2 ? targets.shape[1] : targets.shape[0];
        if (targets.ndim === 2 && targets.shape[0] !== N) {
          throw new RangeError(
            `${op}: expected padded targets of shape [${N}, S], got ${fmtShape(targets.shape)}`,
          );
        }
        tl.forEach((v, n) => {
          if (v > S) {
            throw new RangeError(
              `${op}: target_lengths[${n}] = ${v} is longer than the padded targets (${
                fmtShape(targets.shape)
              })`,
            );
          }
          labels.push(tv.slice(n * S, n * S + v));
        });
      } else if (targets.ndim === 1) {
        const total = tl.reduce((a, b) => a + b, 0);
        if (targets.shape[0] !== total) {
          throw new RangeError(
            `${op}: concatenated targets must hold sum(target_lengths) = ${total} labels, got ${
              targets.shape[0]
            }`,
          );
        }
        let at = 0;
        for (const v of tl) labels.push(tv.slice(at, at += v));
      } else {
        throw new RangeError(
          `${op}: expected targets of shape [N, S] or [sum(target_lengths)], got ${fmtShape(targets.shape)}`,
        );
      }
      labels.forEach((row, n) =>
        row.forEach((c) => {
          if (!Number.isInteger(c) || c < 0 || c >= C || c === blank) {
            throw new RangeError(
              `${op}: target labels must be in [0, ${C}) and not the blank ${blank}, got ${c} in sequence ${n}`,
            );
          }
        })
      );
      // The extended sequences: blank, l1, blank, l2, ..., blank (padded with blanks to L).
      const S = Math.max(0, ...tl);
      const L = 2 * S + 1;
      const ext = new Int32Array(N * L).fill(blank);
      const skip = new Float64Array(N * L).fill(-Infinity);
      const last = new Int32Array(N * 2);
      const lastMask = new Float64Array(N * 2);
      labels.forEach((row, n) => {
        row.forEach((c, i) => {
          const s = 2 * i + 1;
          ext[n * L + s] = c;
          if (i > 0 && row[i - 1] !== c) skip[n * L + s] = 0;
        });
        last[2 * n] = 2 * row.length;
        last[2 * n + 1] = Math.max(0, 2 * row.length - 1);
        lastMask[2 * n + 1] = row.length > 0 ? 0 : -Infinity;
      });
      const dev = { device: lp.device };
      const fdev = { device: lp.device, dtype: lp.dtype };
      const extIdx = tensor(ext, { ...dev, dtype: "int32" }).reshape([1, N, L]).expand([T, N, L])
        .contiguous();
      const lpExt = gather(lp, 2, extIdx); // [T, N, L]
      const skipMask = tensor(skip, fdev).reshape([N, L]);
      const negInf = tensor([-Infinity], fdev);
      const first = new Float64Array(N * L).fill(-Infinity);
      for (let n = 0; n < N; n++) first[n * L] = 0;
      // alpha before frame 0: 0 at s = 0 only, so the recursion's frame 0 starts at s = 0 or 1.
      let alpha = tensor(first, fdev).reshape([N, L]);
      for (let t = 0; t < T; t++) {
        const terms = [alpha];
        if (L > 1) terms.push(cat([negInf.expand([N, 1]), alpha.narrow(1, 0, L - 1)], 1));
        if (L > 2) terms.push(ew.add(cat([negInf.expand([N, 2]), alpha.narrow(1, 0, L - 2)], 1), skipMask));
        const next = ew.add(logSumExpN(terms), lpExt.select(0, t));
        const live = tensor(il.map((v) => t < v), { ...dev, dtype: "bool" }).reshape([N, 1]);
        alpha = ew.where(live, next, alpha);
      }
      const ends = gather(alpha, 1, tensor(last, { ...dev, dtype: "int32" }).reshape([N, 2]));
      const endsMasked = ew.add(ends, tensor(lastMask, fdev).reshape([N, 2]));
      let loss = ew.neg(logSumExpN([endsMasked.narrow(1, 0, 1), endsMasked.narrow(1, 1, 1)])).reshape([N]);
      // PyTorch's gradient w.r.t. log_probs adds exp(log_probs) on the frames t < input_length:
      // a term of value exactly 0 whose gradient is that.
      const e = ew.exp(lp);
      const frames = new Float64Array(T * N);
      for (let t = 0; t < T; t++) for (let n = 0; n < N; n++) frames[t * N + n] = t < il[n] ? 1 : 0;
      const frameMask = tensor(frames, fdev).reshape([T, N, 1]);
      loss = ew.add(loss, red.sum(ew.mul(ew.sub(e, e.detach()), frameMask), [0, 2]));
      if (zeroInfinity) loss = ew.where(isinf(loss), 0, loss);
      if (reduction === "none") return unbatched ? loss.reshape([]) : loss;
      if (reduction === "sum") return red.sum(loss);
      return red.mean(ew.div(loss, tensor(tl.map((v) => Math.max(v, 1)), fdev)));
    })
  );
}
