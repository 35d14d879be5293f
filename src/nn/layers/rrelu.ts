/**
 * `RReLU`: the module form of `F.rrelu`, sampling slopes in training mode.
 * @module
 */
import type { Tensor } from "../../tensor.ts";
import { Module, pyFloat } from "../module.ts";
import { type InplaceArg, inplaceFlag } from "../checks.ts";
import { rrelu } from "../random_activations.ts";

/**
 * Randomized leaky ReLU (PyTorch's `nn.RReLU`): in training each non-positive element is scaled
 * by a slope drawn from U(lower, upper) (PyTorch's random stream on the CPU), in eval mode by
 * `(lower + upper) / 2`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const act = new nn.RReLU(0.1, 0.3);
 * act.eval();
 * assertEquals([...act(torch.tensor([-1, 2], { dtype: "float32" })).dataSync()].map((v) => Math.round(v * 1e6) / 1e6), [-0.2, 2]);
 * assertEquals(String(act), "RReLU(lower=0.1, upper=0.3)");
 * ```
 */
export class RReLU extends Module {
  /** The smallest slope. */
  lower: number;
  /** The largest slope. */
  upper: number;
  /** Whether the result is written into the input. */
  inplace: boolean;
  /** Creates the module; the arguments are described on the class. */
  constructor(lower = 1 / 8, upper = 1 / 3, inplace?: InplaceArg) {
    super();
    this.lower = lower;
    this.upper = upper;
    this.inplace = inplaceFlag("RReLU", inplace);
  }
  /** `F.rrelu(input, this.lower, this.upper, this.training, this.inplace)`. */
  override forward(input: Tensor): Tensor {
    return rrelu(input, this.lower, this.upper, this.training, this.inplace);
  }
  /** The arguments printed inside `RReLU(...)`, as PyTorch's `extra_repr`. */
  override extraRepr(): string {
    return `lower=${pyFloat(this.lower)}, upper=${pyFloat(this.upper)}${
      this.inplace ? ", inplace=True" : ""
    }`;
  }
}
