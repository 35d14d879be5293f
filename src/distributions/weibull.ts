/**
 * `Weibull(scale, concentration)` (PyTorch 1.13's `torch.distributions.Weibull`).
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { onesLike } from "../creation.ts";
import { lgamma } from "../special/gamma.ts";
import { type Constraint, positive } from "./constraints.ts";
import type { DistributionOptions } from "./distribution.ts";
import { Exponential } from "./exponential.ts";
import { TransformedDistribution } from "./transformed_distribution.ts";
import { AffineTransform, PowerTransform } from "./transforms.ts";
import { broadcastAll } from "./utils.ts";

/** The Euler–Mascheroni constant. */
const EULER = 0.57721566490153286060;

/**
 * The two-parameter Weibull distribution of scale λ (`scale`) and shape k (`concentration`):
 * density `k/λ·(x/λ)^(k-1)·exp(-(x/λ)^k)` on `x > 0`. As in PyTorch it is `Exponential(1)`
 * through `x^(1/k)` and `λ·`, so a seeded sample is `λ·e^(1/k)` with PyTorch's exponential draws
 * `e`; `rsample` is differentiable in both parameters.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const d = new torch.distributions.Weibull(torch.tensor([1, 2]), torch.tensor([1, 3]));
 * // k = 1 is Exponential(1/λ): log p(0.5) = -0.5
 * assertEquals(torch.allclose(d.logProb(torch.tensor([0.5, 1])), torch.tensor([-0.5, -1.1058293])), true);
 * assertEquals(torch.allclose(d.mean, torch.tensor([1, 1.785959])), true);
 * ```
 */
export class Weibull extends TransformedDistribution {
  /** The scale λ. */
  readonly scale!: Tensor;
  /** The shape k. */
  readonly concentration!: Tensor;
  /** `1/concentration`, the base's power exponent. */
  readonly concentrationReciprocal!: Tensor;

  /** `Weibull(scale, concentration)`; validates both `> 0` unless `validateArgs: false`. */
  constructor(scale: Tensor | number, concentration: Tensor | number, opts: DistributionOptions = {}) {
    const [s, c] = broadcastAll("Weibull", ["scale", "concentration"], [scale, concentration]);
    const r = c.reciprocal();
    super(new Exponential(onesLike(s), opts), Weibull.#transforms(s, r), opts);
    Object.assign(this, { scale: s, concentration: c, concentrationReciprocal: r });
    this._checkParams();
  }

  static #transforms(scale: Tensor, reciprocal: Tensor) {
    return [new PowerTransform(reciprocal), new AffineTransform(0, scale)];
  }

  /** `{ scale: positive, concentration: positive }`. */
  override get argConstraints(): Record<string, Constraint> {
    return { scale: positive, concentration: positive };
  }
  /** The positive reals. */
  override get support(): Constraint {
    return positive;
  }
  /** `λ·Γ(1 + 1/k)`. */
  override get mean(): Tensor {
    return this._call("mean", () => this.scale.mul(lgamma(this.concentrationReciprocal.add(1)).exp()));
  }
  /** `λ·((k - 1)/k)^(1/k)` (NaN for `k < 1`, as PyTorch). */
  override get mode(): Tensor {
    return this._call("mode", () => {
      const k = this.concentration;
      return this.scale.mul(k.sub(1).div(k).pow(k.reciprocal()));
    });
  }
  /** `λ²·(Γ(1 + 2/k) - Γ(1 + 1/k)²)`. */
  override get variance(): Tensor {
    return this._call("variance", () => {
      const r = this.concentrationReciprocal;
      const g2 = lgamma(r.mul(2).add(1)).exp();
      const g1sq = lgamma(r.add(1)).mul(2).exp();
      return this.scale.pow(2).mul(g2.sub(g1sq));
    });
  }
  /** `γ·(1 - 1/k) + log(λ/k) + 1` (γ Euler's constant). */
  override entropy(): Tensor {
    return this._call("entropy", () => {
      const r = this.concentrationReciprocal;
      return this._out("entropy", r.neg().add(1).mul(EULER).add(this.scale.mul(r).log()).add(1));
    });
  }
  /** @internal */
  override _expandFields(batchShape: readonly number[]): Record<string, unknown> {
    const scale = this.scale.expand([...batchShape]);
    const concentration = this.concentration.expand([...batchShape]);
    const concentrationReciprocal = concentration.reciprocal();
    return {
      transforms: Weibull.#transforms(scale, concentrationReciprocal),
      scale,
      concentration,
      concentrationReciprocal,
    };
  }
  /** `Weibull` with its parameters, transforms and base expanded to `batchShape`. */
  override expand(batchShape: readonly number[]): Weibull {
    return super.expand(batchShape) as Weibull;
  }
}
