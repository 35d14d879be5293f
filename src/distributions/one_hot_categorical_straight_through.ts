/**
 * `OneHotCategoricalStraightThrough` (PyTorch 1.13's
 * `torch.distributions.OneHotCategoricalStraightThrough`).
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { OneHotCategorical } from "./one_hot_categorical.ts";

/**
 * A `OneHotCategorical` with a straight-through `rsample` (Bengio et al. 2013): the value is a
 * one-hot sample (PyTorch's for the same seed), the gradient is that of `probs`
 * (`sample + (probs - probs.detach())`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const logits = torch.tensor([0.0, 1.0, 0.0], { requiresGrad: true });
 * const d = new torch.distributions.OneHotCategoricalStraightThrough({ logits });
 * const s = d.rsample();
 * assertEquals(s.sum().item(), 1);
 * s.mul(torch.tensor([1, 2, 3])).sum().backward(); // the gradient of probs·[1, 2, 3]
 * assertEquals(logits.grad!.shape, [3]);
 * ```
 */
export class OneHotCategoricalStraightThrough extends OneHotCategorical {
  /** True. */
  override get hasRsample(): boolean {
    return true;
  }
  /** A one-hot sample carrying the gradient of `probs`. */
  override rsample(sampleShape: readonly number[] | number = []): Tensor {
    return this._call("rsample", () => {
      const samples = this.sample(sampleShape);
      const probs = this._categorical.probs;
      return samples.add(probs.sub(probs.detach()));
    });
  }
  /** With its categorical expanded to `batchShape`. */
  override expand(batchShape: readonly number[]): OneHotCategoricalStraightThrough {
    return super.expand(batchShape) as OneHotCategoricalStraightThrough;
  }
}
