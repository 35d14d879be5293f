/**
 * `LogisticNormal(loc, scale)` (PyTorch 1.13's `torch.distributions.LogisticNormal`).
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { type Constraint, positive, real, simplex } from "./constraints.ts";
import type { Distribution, DistributionOptions } from "./distribution.ts";
import type { Independent } from "./independent.ts";
import { Normal } from "./normal.ts";
import { TransformedDistribution } from "./transformed_distribution.ts";
import { StickBreakingTransform } from "./transforms.ts";

/**
 * The logistic-normal distribution on the simplex: a `Normal(loc, scale)` vector of length K
 * through `StickBreakingTransform`, giving K + 1 probabilities (as PyTorch). Seeded samples are
 * PyTorch's.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const d = new torch.distributions.LogisticNormal(torch.zeros(2), torch.ones(2));
 * assertEquals([d.batchShape, d.eventShape], [[], [3]]);
 * const s = d.sample();
 * assertEquals(torch.allclose(s.sum(), torch.tensor(1)), true);
 * ```
 */
export class LogisticNormal extends TransformedDistribution {
  /** `LogisticNormal(loc, scale)`; the base `Normal` validates `scale > 0`. */
  constructor(loc: Tensor | number, scale: Tensor | number, opts: DistributionOptions = {}) {
    let base: Distribution = new Normal(loc, scale, opts);
    if (base.batchShape.length === 0) base = base.expand([1]);
    super(base, new StickBreakingTransform(), opts);
  }
  /** The base normal's `loc`. */
  get loc(): Tensor {
    return ((this.baseDist as Independent).baseDist as Normal).loc;
  }
  /** The base normal's `scale`. */
  get scale(): Tensor {
    return ((this.baseDist as Independent).baseDist as Normal).scale;
  }
  /** `{ loc: real, scale: positive }` (checked by the base). */
  override get argConstraints(): Record<string, Constraint> {
    return { loc: real, scale: positive };
  }
  /** The simplex. */
  override get support(): Constraint {
    return simplex;
  }
  /** `LogisticNormal()`, as PyTorch prints it. */
  override toString(): string {
    return "LogisticNormal()";
  }
  /** With its base expanded to `batchShape`. */
  override expand(batchShape: readonly number[]): LogisticNormal {
    return super.expand(batchShape) as LogisticNormal;
  }
}
