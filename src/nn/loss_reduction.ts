/**
 * The `reduction` option every loss shares (`"mean"`, `"sum"` or `"none"`) and the helper that
 * applies it, in a module of their own so that loss files import them without importing `F`.
 * @module
 */
import { refuseComplex } from "../complex/core.ts";
import type { Tensor } from "../tensor.ts";
import type { Reduction } from "../ops/loss.ts";
import * as red from "../ops/reduce.ts";
import { inFrameOf } from "../memory.ts";

/** Options shared by the losses. */
export interface LossOptions {
  /** `"mean"` (the default), `"sum"` or `"none"` (one loss per element). */
  reduction?: Reduction;
}

/**
 * Applies `reduction` to per-element losses (a helper for writing custom losses).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * assertEquals(F.reduceLoss("myLoss", torch.tensor([1.5, 2.5]), "sum").item(), 4);
 * ```
 */
export function reduceLoss(op: string, loss: Tensor, reduction: Reduction = "mean"): Tensor {
  refuseComplex("reduceLoss", loss);
  return inFrameOf(() => {
    if (reduction === "mean") return red.mean(loss);
    if (reduction === "sum") return red.sum(loss);
    if (reduction === "none") return loss;
    throw new TypeError(`${op}: reduction must be "mean", "sum" or "none", got ${JSON.stringify(reduction)}`);
  });
}
