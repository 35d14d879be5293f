/**
 * The losses of `torch.nn.functional` computed element by element between input and target, then
 * reduced: `mseLoss`, `l1Loss`, `smoothL1Loss`, `huberLoss`, `binaryCrossEntropy`,
 * `binaryCrossEntropyWithLogits` and `klDivLoss`. Part of `F`.
 * @module
 */
import { refuseComplex } from "../complex/core.ts";
import { Tensor } from "../tensor.ts";
import { fmtShape } from "../shape.ts";
import { isFloating } from "../dtype.ts";
import * as ew from "../ops/elementwise.ts";
import * as red from "../ops/reduce.ts";
import { bceTerms, type Reduction } from "../ops/loss.ts";
import { named, recordComposite } from "../ops/dispatch.ts";
import { checkReduction, checkTensor, pointwiseTarget } from "./checks.ts";
import { guarded, rangeGuard } from "../ops/value_checks.ts";
import { type LossOptions, reduceLoss } from "./loss_reduction.ts";
import { inFrameOf } from "../memory.ts";
import { autocastCall, refuseUnderAutocast } from "../amp/autocast_call.ts";

/**
 * Mean squared error `(input - target)²`, reduced.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * assertEquals(F.mseLoss(torch.tensor([1.5, 2.5]), torch.tensor([1.5, 4.5])).item(), 2);
 * ```
 */
export function mseLoss(input: Tensor, target: Tensor, opts: LossOptions = {}): Tensor {
  const amp = autocastCall("float32", mseLoss, input, target, opts);
  if (amp !== undefined) return amp;
  return inFrameOf(() => {
    checkReduction("mseLoss", opts.reduction);
    target = pointwiseTarget("mseLoss", input, target);
    const reduction = opts.reduction ?? "mean";
    // One node with PyTorch's formula and saved values (input and target).
    return recordComposite("mseLoss", [input, target], { reduction, count: input.numel() }, () => {
      const d = ew.sub(input, target);
      return reduceLoss("mseLoss", ew.mul(d, d), reduction);
    });
  });
}

/**
 * Mean absolute error `|input - target|`, reduced.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * assertEquals(F.l1Loss(torch.tensor([1.5, 2.5]), torch.tensor([0.5, 4.5])).item(), 1.5);
 * ```
 */
export function l1Loss(input: Tensor, target: Tensor, opts: LossOptions = {}): Tensor {
  const amp = autocastCall("float32", l1Loss, input, target, opts);
  if (amp !== undefined) return amp;
  return inFrameOf(() => {
    checkReduction("l1Loss", opts.reduction);
    target = pointwiseTarget("l1Loss", input, target);
    return reduceLoss("l1Loss", ew.abs(ew.sub(input, target)), opts.reduction);
  });
}

/** Options of `smoothL1Loss`. */
export interface SmoothL1Options extends LossOptions {
  /** Where the loss turns from quadratic to linear (default 1; 0 gives the L1 loss). */
  beta?: number;
}

/**
 * Smooth L1: `0.5·d²/beta` where `|d| < beta`, else `|d| - 0.5·beta`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * assertEquals(F.smoothL1Loss(torch.tensor([0.5, 3.0]), torch.tensor([0.0, 0.0])).item(), 1.3125);
 * ```
 */
export function smoothL1Loss(input: Tensor, target: Tensor, opts: SmoothL1Options = {}): Tensor {
  const amp = autocastCall("float32", smoothL1Loss, input, target, opts);
  if (amp !== undefined) return amp;
  return inFrameOf(() => {
    checkReduction("smoothL1Loss", opts.reduction);
    target = pointwiseTarget("smoothL1Loss", input, target);
    const beta = opts.beta ?? 1;
    if (!(beta >= 0)) throw new RangeError(`smoothL1Loss: beta must be non-negative, got ${beta}`);
    const reduction = opts.reduction ?? "mean";
    return recordComposite("smoothL1Loss", [input, target], { reduction, count: input.numel(), beta }, () => {
      const d = ew.sub(input, target);
      const a = ew.abs(d);
      if (beta === 0) return reduceLoss("smoothL1Loss", a, reduction);
      const loss = ew.where(ew.lt(a, beta), ew.mul(ew.mul(d, d), 0.5 / beta), ew.sub(a, 0.5 * beta));
      return reduceLoss("smoothL1Loss", loss, reduction);
    });
  });
}

/** Options of `huberLoss`. */
export interface HuberOptions extends LossOptions {
  /** Where the loss turns from quadratic to linear (default 1, must be positive). */
  delta?: number;
}

/**
 * Huber loss: `0.5·d²` where `|d| < delta`, else `delta·(|d| - 0.5·delta)`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * assertEquals(F.huberLoss(torch.tensor([0.5, 3.0]), torch.tensor([0.0, 0.0]), { delta: 2 }).item(), 2.0625);
 * ```
 */
export function huberLoss(input: Tensor, target: Tensor, opts: HuberOptions = {}): Tensor {
  return inFrameOf(() => {
    checkReduction("huberLoss", opts.reduction);
    target = pointwiseTarget("huberLoss", input, target);
    const delta = opts.delta ?? 1;
    if (!(delta > 0)) throw new RangeError(`huberLoss: delta must be positive, got ${delta}`);
    const reduction = opts.reduction ?? "mean";
    return recordComposite("huberLoss", [input, target], { reduction, count: input.numel(), delta }, () => {
      const d = ew.sub(input, target);
      const a = ew.abs(d);
      const loss = ew.where(
        ew.lt(a, delta),
        ew.mul(ew.mul(d, d), 0.5),
        ew.mul(ew.sub(a, 0.5 * delta), delta),
      );
      return reduceLoss("huberLoss", loss, reduction);
    });
  });
}

/**
 * Binary cross entropy between probabilities `input` in [0, 1] and `target` (a tensor of the same
 * shape or a number), with PyTorch's clamp of each log term at -100.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "../../mod.ts";
 * const p = torch.tensor([0.9183]);
 * assertEquals(Math.abs((F.binaryCrossEntropy(p, torch.tensor([1.0])).item() as number) - 0.0852) < 5e-5, true); // ≈ 0.0852
 * ```
 */
export function binaryCrossEntropy(
  input: Tensor,
  target: Tensor | number,
  opts: LossOptions & { weight?: Tensor | null } = {},
): Tensor {
  refuseComplex("binaryCrossEntropy", input, target);
  refuseUnderAutocast(
    "binaryCrossEntropy",
    input.device,
    "binaryCrossEntropyWithLogits (nn.BCEWithLogitsLoss)",
  );
  return inFrameOf(() => {
    if (!(input instanceof Tensor) || !isFloating(input.dtype)) {
      throw new TypeError("binaryCrossEntropy: input must be a floating point tensor of probabilities");
    }
    checkReduction("binaryCrossEntropy", opts.reduction);
    const t = target instanceof Tensor ? target : input.mul(0).add(target);
    if (t.ndim !== input.ndim || t.shape.some((s, i) => s !== input.shape[i])) {
      throw new RangeError(
        `binaryCrossEntropy: using a target size (${
          fmtShape(t.shape)
        }) that is different to the input size ` +
          `(${fmtShape(input.shape)}) is deprecated. Please ensure they have the same size.`,
      );
    }
    const message = (p: number) =>
      `binaryCrossEntropy: all elements of input should be between 0 and 1, found ${p}`;
    const guard = rangeGuard("binaryCrossEntropy", input, 0, 1, message);
    if (input.device === "cpu" && input.numel() > 0) {
      const v = input.detach().dataSync();
      for (const p of v) {
        if (!(p >= 0 && p <= 1)) throw new RangeError(message(p));
      }
    }
    // One node with PyTorch's formula: the logs are clamped at -100 and the gradient's denominator
    // at 1e-12, so a saturated prediction (p exactly 0 or 1) gives finite gradients.
    const w = opts.weight ?? null;
    const loss = recordComposite("binaryCrossEntropy", w ? [input, t, w] : [input, t], {}, () => {
      const elementwise = bceTerms(input, t);
      return w ? ew.mul(elementwise, w) : elementwise;
    });
    const reduced = guarded(reduceLoss("binaryCrossEntropy", loss, opts.reduction), guard);
    return named(reduced, "BinaryCrossEntropyBackward0", input, target);
  });
}

/** Options of `binaryCrossEntropyWithLogits`. */
export interface BCEWithLogitsOptions extends LossOptions {
  /** A weight broadcast over the per-element losses. */
  weight?: Tensor | null;
  /** A weight of the positive term, broadcast along the last dim (one per class). */
  posWeight?: Tensor | null;
}

/**
 * Binary cross entropy of logits `input` (sigmoid folded in, computed stably) against `target`
 * probabilities of the same shape, with optional `weight` and `posWeight`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * assertEquals(Math.abs((F.binaryCrossEntropyWithLogits(torch.tensor([0, 2], { dtype: "float32" }), torch.tensor([1, 0])).item() as number) - 1.4100) < 5e-5, true); // ≈ 1.4100
 * ```
 */
export function binaryCrossEntropyWithLogits(
  input: Tensor,
  target: Tensor,
  opts: BCEWithLogitsOptions = {},
): Tensor {
  const amp = autocastCall("float32", binaryCrossEntropyWithLogits, input, target, opts);
  if (amp !== undefined) return amp;
  return inFrameOf(() => {
    const op = "binaryCrossEntropyWithLogits";
    checkReduction(op, opts.reduction);
    target = pointwiseTarget(op, input, target);
    // softplus(-x) = max(-x, 0) + log1p(exp(-|x|)), with |x| written so that its derivative at 0
    // is 1: the gradient there is then sigmoid(0) - target, as it should be.
    const absX = ew.where(ew.ge(input, 0), input, ew.neg(input));
    const softplusNeg = ew.add(ew.relu(ew.neg(input)), ew.log1p(ew.exp(ew.neg(absX))));
    let loss: Tensor;
    if (opts.posWeight) {
      checkTensor(op, "posWeight", opts.posWeight);
      const logWeight = ew.add(ew.mul(ew.sub(opts.posWeight, 1), target), 1);
      loss = ew.add(ew.mul(ew.sub(1, target), input), ew.mul(logWeight, softplusNeg));
    } else {
      loss = ew.add(ew.mul(ew.sub(1, target), input), softplusNeg);
    }
    if (opts.weight) loss = ew.mul(loss, checkTensor(op, "weight", opts.weight));
    return named(
      reduceLoss(op, loss, opts.reduction),
      "BinaryCrossEntropyWithLogitsBackward0",
      input,
      target,
    );
  });
}

/** Options of `klDivLoss`. */
export interface KLDivOptions {
  /** `"mean"` (default, over all elements), `"batchmean"` (sum / batch size: the true KL mean), `"sum"`, `"none"`. */
  reduction?: Reduction | "batchmean";
  /** Whether `target` holds log-probabilities (default false: probabilities). */
  logTarget?: boolean;
}

/**
 * Kullback-Leibler divergence with `input` as log-probabilities: `target·(log target - input)`
 * pointwise (0 where target is 0). Use `reduction: "batchmean"` for the mathematical KL.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * const logq = torch.tensor([[0.5, 0.5]]).log();
 * assertEquals(Math.abs((F.klDivLoss(logq, torch.tensor([[0.25, 0.75]]), { reduction: "batchmean" }).item() as number) - 0.1308) < 5e-5, true); // ≈ 0.1308
 * ```
 */
export function klDivLoss(input: Tensor, target: Tensor, opts: KLDivOptions = {}): Tensor {
  const amp = autocastCall("float32", klDivLoss, input, target, opts);
  if (amp !== undefined) return amp;
  return inFrameOf(() => {
    const op = "klDivLoss";
    checkReduction(op, opts.reduction, ["mean", "batchmean", "sum", "none"]);
    target = pointwiseTarget(op, input, target);
    let loss: Tensor;
    if (opts.logTarget) loss = ew.mul(ew.exp(target), ew.sub(target, input));
    else {
      const pos = ew.gt(target, 0);
      const tlogt = ew.where(pos, ew.mul(target, ew.log(ew.where(pos, target, 1))), 0);
      loss = ew.sub(tlogt, ew.mul(target, input));
    }
    const reduction = opts.reduction ?? "mean";
    if (reduction === "batchmean") {
      const s = red.sum(loss);
      return input.ndim === 0 ? s : ew.div(s, input.shape[0]);
    }
    return reduceLoss(op, loss, reduction);
  });
}
