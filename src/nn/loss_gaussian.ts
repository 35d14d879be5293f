/**
 * `gaussianNllLoss`: the negative log-likelihood of targets under Gaussians with predicted means
 * and variances (PyTorch's `F.gaussian_nll_loss`). Part of `F`.
 * @module
 */
import { fmtShape } from "../shape.ts";
import type { Tensor } from "../tensor.ts";
import * as ew from "../ops/elementwise.ts";
import * as red from "../ops/reduce.ts";
import { noGrad } from "../autograd/grad_mode.ts";
import { checkFloat, checkReduction, checkTensor, sameShape } from "./checks.ts";
import { type LossOptions, reduceLoss } from "./loss_reduction.ts";
import { inFrameOf } from "../memory.ts";

/** Options of {@link gaussianNllLoss}. */
export interface GaussianNllOptions extends LossOptions {
  /** Add the constant `0.5 * log(2π)` (default false). */
  full?: boolean;
  /** Variances are clamped to at least this (default 1e-6); the gradient passes the clamp unchanged. */
  eps?: number;
}

/**
 * `0.5 * (log(var) + (input - target)² / var)` (plus `0.5 * log(2π)` with `full`), reduced: the
 * Gaussian negative log-likelihood of `target` given means `input` and variances `variance`.
 * `variance` has `input`'s shape (one variance per prediction), or lacks its last dimension or has
 * size 1 there (one variance per row). As in PyTorch, the variance is clamped to `eps` without the
 * clamp entering the gradient, and a negative variance is an error (checked on the CPU; a GPU
 * tensor is not read back for the check, so there negative variances are clamped like tiny ones).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * assertEquals(F.gaussianNllLoss(torch.tensor([1.5, 2]), torch.tensor([1, 4]), torch.tensor([0.5, 2])).item(), 0.625);
 * ```
 */
export function gaussianNllLoss(
  input: Tensor,
  target: Tensor,
  variance: Tensor,
  opts: GaussianNllOptions = {},
): Tensor {
  return inFrameOf(() => {
    const op = "gaussianNllLoss";
    checkReduction(op, opts.reduction);
    const x = checkFloat(op, "input", input);
    const t0 = checkTensor(op, "target", target);
    const t = t0.dtype === x.dtype ? t0 : t0.to(x.dtype);
    let v = checkFloat(op, "var", variance);
    const { full = false, eps = 1e-6 } = opts;
    if (typeof eps !== "number" || !(eps >= 0)) {
      throw new RangeError(`${op}: eps must be a non-negative number`);
    }
    if (!sameShape(v.shape, x.shape)) {
      const rows = x.shape.slice(0, -1);
      if (x.ndim > 0 && sameShape(rows, v.shape)) v = v.unsqueeze(-1);
      else if (
        !(x.ndim > 0 && v.ndim === x.ndim && sameShape(rows, v.shape.slice(0, -1)) &&
          v.shape[v.ndim - 1] === 1)
      ) {
        throw new RangeError(
          `${op}: var is of incorrect size: expected the input's shape ${
            fmtShape(x.shape)
          }, or that shape without ` +
            `its last dimension or with 1 there, got ${fmtShape(v.shape)}`,
        );
      }
    }
    if (v.device === "cpu" && noGrad(() => red.any(ew.lt(v, 0)).item<boolean>())) {
      throw new RangeError(`${op}: var has negative entry/entries`);
    }
    // PyTorch clamps a clone under no_grad: values are clamped, the gradient flows as if they were not.
    v = v.clone();
    noGrad(() => v.clamp_(eps));
    const diff = ew.sub(x, t);
    let loss = ew.mul(ew.add(ew.log(v), ew.div(ew.mul(diff, diff), v)), 0.5);
    if (full) loss = ew.add(loss, 0.5 * Math.log(2 * Math.PI));
    return reduceLoss(op, loss, opts.reduction);
  });
}
