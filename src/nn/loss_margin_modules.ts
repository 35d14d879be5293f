/**
 * `MultiLabelMarginLoss` and `TripletMarginWithDistanceLoss`: the module forms of
 * `F.multilabelMarginLoss` and `F.tripletMarginWithDistanceLoss`.
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { Loss } from "./loss.ts";
import type { LossOptions } from "./loss_reduction.ts";
import {
  multilabelMarginLoss,
  tripletMarginWithDistanceLoss,
  type TripletMarginWithDistanceOptions,
} from "./loss_margin_more.ts";

/**
 * The multi-class multi-label hinge loss (PyTorch's `nn.MultiLabelMarginLoss`): targets are
 * int32 class indices ended by -1.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import * as nn from "./mod.ts";
 * const loss = new nn.MultiLabelMarginLoss({ reduction: "sum" });
 * const x = torch.tensor([[0.1, 0.2, 0.4, 0.8]]), y = torch.tensor([[3, 0, -1, 1]], { dtype: "int32" });
 * assertEquals(Math.round((loss(x, y).item() as number) * 1e4) / 1e4, 0.85);
 * ```
 */
export class MultiLabelMarginLoss extends Loss {
  /** Creates the module; the arguments are described on the class. */
  constructor(opts: LossOptions = {}) {
    super(opts);
  }
  /** The loss of `input` against `target`. */
  override forward(input: Tensor, target: Tensor): Tensor {
    return multilabelMarginLoss(input, target, { reduction: this.reduction });
  }
}

/**
 * The triplet loss with any distance (PyTorch's `nn.TripletMarginWithDistanceLoss`):
 * `max(d(a, p) - d(a, n) + margin, 0)` (default distance `F.pairwiseDistance`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import * as nn from "./mod.ts";
 * const cosine = (a: torch.Tensor, b: torch.Tensor) => torch.F.cosineSimilarity(a, b).neg().add(1);
 * const loss = new nn.TripletMarginWithDistanceLoss({ distanceFunction: cosine, margin: 0.5 });
 * const a = torch.tensor([[1, 0]]), p = torch.tensor([[1, 0.1]]), n = torch.tensor([[-1, 0]]);
 * assertEquals(loss(a, p, n).item(), 0);
 * ```
 */
export class TripletMarginWithDistanceLoss extends Loss {
  /** The distance (null: `F.pairwiseDistance`). */
  distanceFunction: ((a: Tensor, b: Tensor) => Tensor) | null;
  /** The margin. */
  margin: number;
  /** Whether the positive-negative distance may replace the anchor-negative one. */
  swap: boolean;
  /** Creates the module; the arguments are described on the class. */
  constructor(opts: TripletMarginWithDistanceOptions = {}) {
    super(opts);
    this.distanceFunction = opts.distanceFunction ?? null;
    this.margin = opts.margin ?? 1;
    if (!(this.margin > 0)) {
      throw new RangeError(
        `TripletMarginWithDistanceLoss: expected margin to be greater than 0, got ${this.margin}`,
      );
    }
    this.swap = opts.swap ?? false;
  }
  /** The loss of the triplets. */
  override forward(anchor: Tensor, positive: Tensor, negative?: Tensor): Tensor {
    if (negative === undefined) {
      throw new TypeError("TripletMarginWithDistanceLoss: forward expects anchor, positive and negative");
    }
    return tripletMarginWithDistanceLoss(anchor, positive, negative, {
      distanceFunction: this.distanceFunction,
      margin: this.margin,
      swap: this.swap,
      reduction: this.reduction,
    });
  }
}
