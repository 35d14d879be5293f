/**
 * `CTCLoss`: the module form of `F.ctcLoss`.
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { Loss } from "./loss.ts";
import { ctcLoss, type CtcLossOptions } from "./loss_ctc.ts";

/**
 * The connectionist temporal classification loss (PyTorch's `nn.CTCLoss`); see `F.ctcLoss`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import * as nn from "./mod.ts";
 * const ctc = new nn.CTCLoss({ reduction: "none" });
 * const logProbs = torch.full([2, 1, 2], Math.log(0.5));
 * const loss = ctc(logProbs, torch.tensor([[1]], { dtype: "int32" }), [2], [1]);
 * assertEquals(Math.round((loss.toArray() as number[])[0] * 1e6), Math.round(-Math.log(0.75) * 1e6));
 * ```
 */
export class CTCLoss extends Loss {
  /** The blank label. */
  blank: number;
  /** Whether infinite losses and their gradients become zero. */
  zeroInfinity: boolean;
  /** Creates the module; the arguments are described on the class. */
  constructor(opts: CtcLossOptions = {}) {
    super(opts);
    this.blank = opts.blank ?? 0;
    this.zeroInfinity = opts.zeroInfinity ?? false;
  }
  /** The loss of `logProbs` against `targets` with the given lengths. */
  override forward(
    logProbs: Tensor,
    targets: Tensor,
    inputLengths?: Tensor | readonly number[] | number,
    targetLengths?: Tensor | readonly number[] | number,
  ): Tensor {
    if (inputLengths === undefined || targetLengths === undefined) {
      throw new TypeError("CTCLoss: forward expects log_probs, targets, input_lengths and target_lengths");
    }
    return ctcLoss(logProbs, targets, inputLengths, targetLengths, {
      reduction: this.reduction,
      blank: this.blank,
      zeroInfinity: this.zeroInfinity,
    });
  }
}
