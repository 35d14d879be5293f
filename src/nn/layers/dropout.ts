/**
 * `Dropout`.
 * @module
 */
import type { Tensor } from "../../tensor.ts";
import { Module, pyFloat } from "../module.ts";
import * as F from "../functional.ts";

/**
 * Inverted dropout: in training mode zeroes each element with probability `p` (default 0.5) and
 * scales the others by `1/(1-p)`; in evaluation mode (`model.eval()`) the identity. The mask is
 * drawn from the seeded CPU generator on every device (uploaded on the GPU; see `F.dropout`).
 * @example
 * ```ts
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const drop = new nn.Dropout(0.25);
 * drop.eval();
 * drop(torch.ones(3)).toArray(); // [1, 1, 1]
 * String(drop); // "Dropout(p=0.25, inplace=False)"
 * ```
 */
export class Dropout extends Module {
  /** Probability of zeroing an element. */
  p: number;
  constructor(p = 0.5) {
    super();
    if (typeof p !== "number" || !(p >= 0 && p <= 1)) {
      throw new RangeError(`Dropout: dropout probability has to be between 0 and 1, but got ${p}`);
    }
    this.p = p;
  }
  override forward(input: Tensor): Tensor {
    return F.dropout(input, this.p, this.training);
  }
  override extraRepr(): string {
    return `p=${pyFloat(this.p)}, inplace=False`;
  }
}
