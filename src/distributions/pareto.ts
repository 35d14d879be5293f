/**
 * `Pareto(scale, alpha)` (PyTorch 1.13's `torch.distributions.Pareto`).
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { type Constraint, positive } from "./constraints.ts";
import { greaterThanEq } from "./constraints_more.ts";
import type { DistributionOptions } from "./distribution.ts";
import { Exponential } from "./exponential.ts";
import { TransformedDistribution } from "./transformed_distribution.ts";
import { AffineTransform, ExpTransform } from "./transforms.ts";
import { broadcastAll } from "./utils.ts";

/**
 * The Pareto type-I distribution of minimum `scale` and shape `alpha`: as in PyTorch,
 * `Exponential(alpha)` through `exp` and `scale·`, so a seeded sample is `scale·exp(e/alpha)`
 * with PyTorch's exponential draws `e`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const d = new torch.distributions.Pareto(1, 3);
 * assertEquals(torch.allclose(d.logProb(torch.tensor(2)), torch.tensor(Math.log(3) - 4 * Math.log(2))), true);
 * assertEquals(d.mean.item(), 1.5);
 * ```
 */
export class Pareto extends TransformedDistribution {
  /** The minimum value. */
  readonly scale!: Tensor;
  /** The shape (tail index). */
  readonly alpha!: Tensor;

  /** `Pareto(scale, alpha)`; validates both `> 0` unless `validateArgs: false`. */
  constructor(scale: Tensor | number, alpha: Tensor | number, opts: DistributionOptions = {}) {
    const [s, a] = broadcastAll("Pareto", ["scale", "alpha"], [scale, alpha]);
    super(new Exponential(a, opts), [new ExpTransform(), new AffineTransform(0, s)], opts);
    Object.assign(this, { scale: s, alpha: a });
    this._checkParams();
  }

  /** `{ alpha: positive, scale: positive }`. */
  override get argConstraints(): Record<string, Constraint> {
    return { alpha: positive, scale: positive };
  }
  /** `[scale, ∞)`. */
  override get support(): Constraint {
    return greaterThanEq(this.scale);
  }
  /** `alpha·scale/(alpha - 1)` (infinite for `alpha <= 1`). */
  override get mean(): Tensor {
    return this._call("mean", () => {
      const a = this.alpha.clamp(1, null);
      return a.mul(this.scale).div(a.sub(1));
    });
  }
  /** `scale`. */
  override get mode(): Tensor {
    return this.scale;
  }
  /** `scale²·alpha/((alpha - 1)²(alpha - 2))` (infinite for `alpha <= 2`). */
  override get variance(): Tensor {
    return this._call("variance", () => {
      const a = this.alpha.clamp(2, null);
      return this.scale.pow(2).mul(a).div(a.sub(1).pow(2).mul(a.sub(2)));
    });
  }
  /** `log(scale/alpha) + 1 + 1/alpha`. */
  override entropy(): Tensor {
    return this._call(
      "entropy",
      () => this._out("entropy", this.scale.div(this.alpha).log().add(this.alpha.reciprocal().add(1))),
    );
  }
  /** @internal */
  override _expandFields(batchShape: readonly number[]): Record<string, unknown> {
    return {
      transforms: this.transforms,
      scale: this.scale.expand([...batchShape]),
      alpha: this.alpha.expand([...batchShape]),
    };
  }
  /** `Pareto` with its parameters and base expanded to `batchShape`. */
  override expand(batchShape: readonly number[]): Pareto {
    return super.expand(batchShape) as Pareto;
  }
}
