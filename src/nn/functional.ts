/**
 * `F`: functional forms of layers and losses.
 * @module
 */
import { Tensor } from "../tensor.ts";
import { fmtShape } from "../shape.ts";
import { isFloating } from "../dtype.ts";
import * as ew from "../ops/elementwise.ts";
import { mean, sum } from "../ops/reduce.ts";

/** How a loss reduces its per-element values. */
export type Reduction = "mean" | "sum" | "none";

/** Options shared by the losses. */
export interface LossOptions {
  reduction?: Reduction;
}

/** Applies `reduction` to per-element losses. */
export function reduceLoss(op: string, loss: Tensor, reduction: Reduction = "mean"): Tensor {
  if (reduction === "mean") return mean(loss);
  if (reduction === "sum") return sum(loss);
  if (reduction === "none") return loss;
  throw new TypeError(`${op}: reduction must be "mean", "sum" or "none", got ${JSON.stringify(reduction)}`);
}

/**
 * Binary cross entropy between probabilities `input` in [0, 1] and `target` (a tensor of the same
 * shape or a number), with PyTorch's clamp of each log term at -100.
 * @example
 * ```ts
 * import * as torch from "../../mod.ts";
 * import { F } from "../../mod.ts";
 * const p = torch.tensor([0.9183]);
 * F.binaryCrossEntropy(p, torch.tensor([1.0])).item(); // 0.0852
 * ```
 */
export function binaryCrossEntropy(
  input: Tensor,
  target: Tensor | number,
  opts: LossOptions & { weight?: Tensor } = {},
): Tensor {
  if (!(input instanceof Tensor) || !isFloating(input.dtype)) {
    throw new TypeError("binaryCrossEntropy: input must be a floating point tensor of probabilities");
  }
  const t = target instanceof Tensor ? target : input.mul(0).add(target);
  if (t.ndim !== input.ndim || t.shape.some((s, i) => s !== input.shape[i])) {
    throw new RangeError(
      `binaryCrossEntropy: using a target size (${fmtShape(t.shape)}) that is different to the input size ` +
        `(${fmtShape(input.shape)}) is deprecated. Please ensure they have the same size.`,
    );
  }
  if (input.device === "cpu" && input.numel() > 0) {
    const v = input.detach().data();
    for (const p of v) {
      if (!(p >= 0 && p <= 1)) {
        throw new RangeError(
          `binaryCrossEntropy: all elements of input should be between 0 and 1, found ${p}`,
        );
      }
    }
  }
  const logP = ew.clamp(ew.log(input), -100);
  const log1mP = ew.clamp(ew.log(ew.sub(1, input)), -100);
  let loss = ew.neg(ew.add(ew.mul(t, logP), ew.mul(ew.sub(1, t), log1mP)));
  if (opts.weight) loss = ew.mul(loss, opts.weight);
  return reduceLoss("binaryCrossEntropy", loss, opts.reduction);
}
