/**
 * The class-index losses of `torch.nn.functional`: `nllLoss` and `crossEntropy` (log-softmax then
 * NLL, one fused kernel in the common case), with class weights, `ignoreIndex` and label
 * smoothing. Part of `F`.
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { fmtShape } from "../shape.ts";
import { isFloating } from "../dtype.ts";
import * as ew from "../ops/elementwise.ts";
import * as red from "../ops/reduce.ts";
import * as mv from "../ops/movement.ts";
import { gather, indexSelect } from "../ops/indexing.ts";
import { badTargetError, fusedCrossEntropy, type Reduction } from "../ops/loss.ts";
import { named } from "../ops/dispatch.ts";
import { checkFloat, checkReduction, checkTensor, describe, sameShape } from "./checks.ts";
import { guarded, rangeGuard } from "../ops/value_checks.ts";
import type { LossOptions } from "./loss_reduction.ts";
import { inFrameOf } from "../memory.ts";
import { autocastCall } from "../amp/autocast_call.ts";

/** Options of `nllLoss`. */
export interface NLLLossOptions extends LossOptions {
  /** A weight per class (1-D, C elements). */
  weight?: Tensor | null;
  /** Targets equal to this contribute nothing, not even to the mean's denominator (default -100). */
  ignoreIndex?: number;
}

/** Options of `crossEntropy`. */
export interface CrossEntropyOptions extends NLLLossOptions {
  /** Mixes the target with the uniform distribution: `(1 - s)·target + s/C` (default 0). */
  labelSmoothing?: number;
}

interface NllParts {
  /** Per-sample losses, shaped like the target. */
  loss: Tensor;
  /** Per-sample weight (0 where ignored), shaped like the target. */
  weights: Tensor;
  /** True where the target is not ignoreIndex, shaped like the target. */
  valid: Tensor;
}

/** Validates `input` (`[C]`, `[N, C]` or `[N, C, d1, ...]`) against class-index `target`. */
function checkClassTarget(
  op: string,
  input: Tensor,
  target: Tensor,
  ignoreIndex: number,
  checkValues = true,
): Tensor | null {
  const c = input.ndim === 1 ? input.shape[0] : input.shape[1];
  const expected = input.ndim === 1 ? [] : [input.shape[0], ...input.shape.slice(2)];
  if (target.dtype !== "int32" && target.dtype !== "uint8") {
    throw new TypeError(
      `${op}: expected target to hold class indices as an int32 tensor of shape ${fmtShape(expected)}, got ${
        describe(target)
      }` + (isFloating(target.dtype) ? " (convert indices with .long())" : ""),
    );
  }
  if (!sameShape(target.shape, expected)) {
    throw new RangeError(
      `${op}: expected target of shape ${fmtShape(expected)} for input of shape ${fmtShape(input.shape)} ` +
        `(${c} classes along dim ${input.ndim === 1 ? 0 : 1}), got target of shape ${fmtShape(target.shape)}`,
    );
  }
  if (!checkValues) return null;
  if (target.device !== "cpu") {
    const message = (v: number) => badTargetError(op, v, input, ignoreIndex).message;
    return rangeGuard(op, target, 0, c - 1, message, { allow: ignoreIndex });
  }
  if (target.numel() === 0) return null;
  for (const v of target.dataSync()) {
    if ((v < 0 || v >= c) && v !== ignoreIndex) throw badTargetError(op, v, input, ignoreIndex);
  }
  return null;
}

function checkWeight(op: string, weight: Tensor | null | undefined, c: number): Tensor | null {
  if (weight === null || weight === undefined) return null;
  checkTensor(op, "weight", weight);
  if (weight.ndim !== 1 || weight.shape[0] !== c) {
    throw new RangeError(
      `${op}: weight should be a 1-D tensor with one entry per class (${c}), got shape ${
        fmtShape(weight.shape)
      }`,
    );
  }
  return isFloating(weight.dtype) ? weight : weight.float();
}

/** Per-sample negative log likelihoods of `logp` at class-index `target` (already validated). */
function nllParts(logp: Tensor, target: Tensor, weight: Tensor | null, ignoreIndex: number): NllParts {
  const c = logp.ndim === 1 ? logp.shape[0] : logp.shape[1];
  let rows = logp;
  if (logp.ndim === 1) rows = mv.unsqueeze(logp, 0);
  else if (logp.ndim > 2) rows = mv.permute(logp, [0, ...logp.shape.slice(2).map((_, i) => i + 2), 1]);
  rows = mv.reshape(rows, [-1, c]);
  const t = mv.reshape(target.dtype === "int32" ? target : target.int(), [-1]);
  const valid = ew.ne(t, ignoreIndex);
  const safe = ew.where(valid, t, 0);
  const picked = mv.reshape(gather(rows, 1, mv.unsqueeze(safe, 1)), [-1]);
  const validF = valid.to(logp.dtype);
  const weights = weight ? ew.mul(indexSelect(weight, 0, safe), validF) : validF;
  const shape = target.shape;
  return {
    loss: mv.reshape(ew.neg(ew.mul(picked, weights)), shape),
    weights: mv.reshape(weights, shape),
    valid: mv.reshape(valid, shape),
  };
}

/** PyTorch's name of the NLL node: a 2-d kernel for inputs with spatial dims. */
function nllName(x: Tensor): string {
  return x.ndim > 2 ? "NllLoss2DBackward0" : "NllLossBackward0";
}

/**
 * `total / sum(weights)` with the denominator taken as a constant (PyTorch gives the class
 * weights no gradient). When every target is ignored the value is NaN (0/0, as PyTorch) but the
 * gradient stays 0 rather than NaN.
 */
function weightedMean(total: Tensor, weights: Tensor): Tensor {
  const denom = red.sum(weights.detach());
  const empty = ew.eq(denom, 0);
  return ew.add(ew.div(total, ew.where(empty, 1, denom)), ew.where(empty, NaN, 0));
}

function reduceNll(parts: NllParts, reduction: Reduction): Tensor {
  if (reduction === "none") return parts.loss;
  if (reduction === "sum") return red.sum(parts.loss);
  return weightedMean(red.sum(parts.loss), parts.weights);
}

function checkClassInput(op: string, input: unknown): Tensor {
  const x = checkFloat(op, "input", input);
  if (x.ndim === 0) {
    throw new RangeError(
      `${op}: expected input of shape [C], [N, C] or [N, C, d1, ...] (class scores), got a 0-d tensor`,
    );
  }
  return x;
}

/**
 * Negative log likelihood of log-probabilities `input` (`[N, C]`, `[C]` or `[N, C, d1, ...]`) at
 * the int32 class indices `target` (`[N]`, `[]` or `[N, d1, ...]`), with optional class `weight`
 * and `ignoreIndex`. The mean divides by the summed weights of the non-ignored targets.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * const logp = torch.tensor([[-0.5, -1.0], [-2.0, -0.1]]);
 * assertEquals(Math.abs((F.nllLoss(logp, torch.tensor([0, 1])).item() as number) - 0.3) < 5e-2, true); // ≈ 0.3
 * ```
 */
export function nllLoss(input: Tensor, target: Tensor, opts: NLLLossOptions = {}): Tensor {
  const amp = autocastCall("float32", nllLoss, input, target, opts);
  if (amp !== undefined) return amp;
  return inFrameOf(() => {
    checkReduction("nllLoss", opts.reduction);
    const x = checkClassInput("nllLoss", input);
    checkTensor("nllLoss", "target", target);
    const ignoreIndex = opts.ignoreIndex ?? -100;
    const guard = checkClassTarget("nllLoss", x, target, ignoreIndex);
    const weight = checkWeight("nllLoss", opts.weight, x.ndim === 1 ? x.shape[0] : x.shape[1]);
    const loss = guarded(
      reduceNll(nllParts(x, target, weight, ignoreIndex), opts.reduction ?? "mean"),
      guard,
    );
    return named(loss, nllName(x), input, target, weight);
  });
}

/**
 * Cross entropy of unnormalized scores `input` (`[N, C]`, `[C]` or `[N, C, d1, ...]`), computed
 * stably through `logSoftmax`. `target` is either int32 class indices (`[N]`, `[]` or
 * `[N, d1, ...]`; with `weight`, `ignoreIndex` and `labelSmoothing`) or class probabilities of
 * the input's shape (a float tensor).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * const logits = torch.tensor([[2.0, 0.5, -1.0], [0.1, 0.2, 3.0]]);
 * assertEquals(Math.abs((F.crossEntropy(logits, torch.tensor([0, 2])).item() as number) - 0.1755) < 5e-5, true); // ≈ 0.1755
 * assertEquals(Math.abs((F.crossEntropy(logits, torch.tensor([0, 2]), { labelSmoothing: 0.1 }).item() as number) - 0.3455) < 5e-5, true); // ≈ 0.3455
 * ```
 */
export function crossEntropy(input: Tensor, target: Tensor, opts: CrossEntropyOptions = {}): Tensor {
  const amp = autocastCall("float32", crossEntropy, input, target, opts);
  if (amp !== undefined) return amp;
  return inFrameOf(() => {
    const op = "crossEntropy";
    checkReduction(op, opts.reduction);
    const x = checkClassInput(op, input);
    checkTensor(op, "target", target);
    const reduction = opts.reduction ?? "mean";
    const ls = opts.labelSmoothing ?? 0;
    if (typeof ls !== "number" || !(ls >= 0 && ls <= 1)) {
      throw new RangeError(`${op}: labelSmoothing must be between 0.0 and 1.0, got ${ls}`);
    }
    const classDim = x.ndim === 1 ? 0 : 1;
    const c = x.shape[classDim];
    const weight = checkWeight(op, opts.weight, c);
    const wShape = x.shape.map((s, i) => (i === classDim ? s : 1));
    if (isFloating(target.dtype)) {
      // Class probabilities.
      if (!sameShape(target.shape, x.shape)) {
        throw new RangeError(
          `${op}: a floating point target holds class probabilities and must have the input's shape ` +
            `${fmtShape(x.shape)}, got ${fmtShape(target.shape)}. For class indices pass an int32 tensor ` +
            `(convert with .long())`,
        );
      }
      if (opts.ignoreIndex !== undefined && opts.ignoreIndex >= 0) {
        throw new TypeError(
          `${op}: ignoreIndex is not supported for floating point (class probability) targets`,
        );
      }
      const logp = red.logSoftmax(x, classDim);
      const t = ls > 0 ? ew.add(ew.mul(target, 1 - ls), ls / c) : target;
      let prod = ew.mul(logp, t);
      if (weight) prod = ew.mul(prod, mv.reshape(weight, wShape));
      const loss = ew.neg(red.sum(prod, classDim));
      if (reduction === "none") return loss;
      // PyTorch: -(logp * target).sum() (a negation last), or its division by the batch size.
      if (reduction === "sum") return named(red.sum(loss), "NegBackward0", input);
      return named(ew.div(red.sum(loss), x.numel() / c), "DivBackward1", input);
    }
    const ignoreIndex = opts.ignoreIndex ?? -100;
    // The common case is one fused kernel each way (it checks the targets itself, no read-back).
    const fusable = !weight && ls === 0 && x.ndim <= 2 && x.numel() > 0 && x.dtype === "float32";
    let guard = checkClassTarget(op, x, target, ignoreIndex, !fusable);
    if (fusable) {
      const fused = fusedCrossEntropy(op, x, target, reduction, ignoreIndex);
      if (fused !== null) return fused;
      guard = checkClassTarget(op, x, target, ignoreIndex, true);
    }
    const logp = red.logSoftmax(x, classDim);
    const parts = nllParts(logp, target, weight, ignoreIndex);
    const nll = named(reduceNll(parts, reduction), nllName(x), input);
    if (ls === 0) return named(guarded(nll, guard), nllName(x), input);
    let smooth = weight
      ? red.sum(ew.mul(logp, mv.reshape(weight, wShape)), classDim)
      : red.sum(logp, classDim);
    smooth = ew.where(parts.valid, ew.neg(smooth), 0);
    let ret: Tensor;
    if (reduction === "none") ret = smooth;
    else if (reduction === "sum") ret = red.sum(smooth);
    else ret = weightedMean(red.sum(smooth), parts.weights);
    return guarded(ew.add(ew.mul(nll, 1 - ls), ew.mul(ret, ls / c)), guard);
  });
}
