/**
 * Two more margin losses of `torch.nn.functional`: `multilabelMarginLoss` (multi-class
 * multi-label hinge loss) and `tripletMarginWithDistanceLoss` (the triplet loss with any
 * distance). Part of `F`; written with tensor ops, so they run on every backend and autograd
 * differentiates them.
 * @module
 */
import { fmtShape } from "../shape.ts";
import { Tensor } from "../tensor.ts";
import * as ew from "../ops/elementwise.ts";
import * as red from "../ops/reduce.ts";
import { gather } from "../ops/indexing.ts";
import { oneHot } from "../ops/one_hot.ts";
import { unsqueeze } from "../ops/movement.ts";
import { toDType } from "../ops/convert.ts";
import { noGrad } from "../autograd/grad_mode.ts";
import { checkFloat, checkReduction } from "./checks.ts";
import { type LossOptions, reduceLoss } from "./loss_reduction.ts";
import { pairwiseDistance } from "./loss_margin.ts";
import { named } from "../ops/dispatch.ts";
import { inFrameOf } from "../memory.ts";
import { autocastCall } from "../amp/autocast_call.ts";

/**
 * The multi-class multi-label hinge loss of `input` `[C]` or `[N, C]` against `target` of the
 * same shape holding each sample's int32 class indices, ended by the first -1:
 * `Σ_j Σ_{i not a target} max(0, 1 - (x[y_j] - x[i])) / C` per sample, reduced.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * const x = torch.tensor([[0.1, 0.2, 0.4, 0.8]]);
 * const y = torch.tensor([[3, 0, -1, 1]], { dtype: "int32" }); // classes 3 and 0
 * assertEquals(Math.round((F.multilabelMarginLoss(x, y).item() as number) * 1e4) / 1e4, 0.85);
 * ```
 */
export function multilabelMarginLoss(input: Tensor, target: Tensor, opts: LossOptions = {}): Tensor {
  const amp = autocastCall("float32", multilabelMarginLoss, input, target, opts);
  if (amp !== undefined) return amp;
  return inFrameOf(() => {
    const op = "multilabelMarginLoss";
    checkReduction(op, opts.reduction);
    checkFloat(op, "input", input);
    if (!(target instanceof Tensor) || (target.dtype !== "int32" && target.dtype !== "uint8")) {
      throw new TypeError(
        `${op}: expected an int32 target of class indices, got ${
          target instanceof Tensor ? target.dtype : typeof target
        }`,
      );
    }
    if (
      (input.ndim !== 1 && input.ndim !== 2) || input.shape.at(-1) === 0 || target.ndim !== input.ndim ||
      target.shape.some((s, i) => s !== input.shape[i])
    ) {
      throw new RangeError(
        `${op}: Expected non-empty vector or matrix with optional 0-dim batch size, but got input ${
          fmtShape(input.shape)
        } and target ${fmtShape(target.shape)} (target must have the input's shape)`,
      );
    }
    const c = input.shape.at(-1)!;
    if (target.device === "cpu") {
      const bad = Array.from(target.dataSync()).find((v) => v < -1 || v >= c);
      if (bad !== undefined) {
        throw new RangeError(`${op}: target values must be in [-1, ${c - 1}], got ${bad}`);
      }
    }
    const x = input.ndim === 1 ? unsqueeze(input, 0) : input; // [N, C]
    const y = (target.ndim === 1 ? unsqueeze(target, 0) : target).int();
    const [valid, index, notTarget] = noGrad(() => {
      // Target slots before the first -1, their classes (0 elsewhere), and the classes not targeted.
      const valid = ew.eq(red.cumsum(toDType(ew.eq(y, -1), "float32"), 1), 0);
      const index = ew.where(valid, y.int(), 0).int();
      const chosen = red.sum(ew.mul(oneHot(index, c), unsqueeze(toDType(valid, "int32"), 2)), 1);
      return [toDType(valid, x.dtype), index, toDType(ew.eq(chosen, 0), x.dtype)];
    });
    const atTarget = gather(x, 1, index); // [N, C]: x at each target slot j
    const margins = ew.relu(ew.add(ew.sub(1, unsqueeze(atTarget, 2)), unsqueeze(x, 1))); // [N, j, i]
    const mask = ew.mul(unsqueeze(valid, 2), unsqueeze(notTarget, 1));
    let loss = ew.div(red.sum(ew.mul(margins, mask), [1, 2]), c);
    if (input.ndim === 1) loss = loss.reshape([]);
    return named(reduceLoss(op, loss, opts.reduction), "MultilabelMarginLossBackward0", input);
  });
}

/** Options of {@link tripletMarginWithDistanceLoss} (PyTorch's keyword arguments). */
export interface TripletMarginWithDistanceOptions extends LossOptions {
  /** The distance of two batches of embeddings (default `F.pairwiseDistance`). */
  distanceFunction?: ((a: Tensor, b: Tensor) => Tensor) | null;
  /** The margin (default 1; positive). */
  margin?: number;
  /** Also compare the negative with the positive and use the smaller distance (default false). */
  swap?: boolean;
}

/**
 * The triplet loss with a distance of one's choosing: `max(d(a, p) - d(a, n) + margin, 0)`,
 * reduced (with `swap`, `d(a, n)` is `min(d(a, n), d(p, n))`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * const a = torch.tensor([[0, 0]]), p = torch.tensor([[0, 1]]), n = torch.tensor([[0, 1.5]]);
 * const l1 = (x: torch.Tensor, y: torch.Tensor) => x.sub(y).abs().sum(-1);
 * assertEquals(F.tripletMarginWithDistanceLoss(a, p, n, { distanceFunction: l1 }).item(), 0.5);
 * ```
 */
export function tripletMarginWithDistanceLoss(
  anchor: Tensor,
  positive: Tensor,
  negative: Tensor,
  opts: TripletMarginWithDistanceOptions = {},
): Tensor {
  return inFrameOf(() => {
    const op = "tripletMarginWithDistanceLoss";
    checkReduction(op, opts.reduction);
    const { margin = 1, swap = false } = opts;
    if (!(margin > 0)) throw new RangeError(`${op}: expected margin to be greater than 0, got ${margin}`);
    for (const [name, t] of [["anchor", anchor], ["positive", positive], ["negative", negative]] as const) {
      if (!(t instanceof Tensor)) {
        throw new TypeError(`${op}: expected ${name} to be a Tensor, got ${typeof t}`);
      }
    }
    if (anchor.ndim !== positive.ndim || positive.ndim !== negative.ndim) {
      throw new RangeError(
        `${op}: The anchor, positive, and negative tensors are expected to have the same number of dimensions, ` +
          `but got: anchor ${anchor.ndim}D, positive ${positive.ndim}D, and negative ${negative.ndim}D inputs`,
      );
    }
    const dist = opts.distanceFunction ?? ((a: Tensor, b: Tensor) => pairwiseDistance(a, b));
    const dPos = dist(anchor, positive);
    let dNeg = dist(anchor, negative);
    if (swap) dNeg = ew.minimum(dNeg, dist(positive, negative));
    const loss = ew.clamp(ew.add(ew.sub(dPos, dNeg), margin), 0);
    return reduceLoss(op, named(loss, "ClampMinBackward0", anchor), opts.reduction);
  });
}
