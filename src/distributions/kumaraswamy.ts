/**
 * `Kumaraswamy(concentration1, concentration0)` (PyTorch 1.13's
 * `torch.distributions.Kumaraswamy`).
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { fullLike } from "../creation.ts";
import { digamma, lgamma } from "../special/gamma.ts";
import { type Constraint, positive, unitInterval } from "./constraints.ts";
import type { DistributionOptions } from "./distribution.ts";
import { TransformedDistribution } from "./transformed_distribution.ts";
import { AffineTransform, PowerTransform } from "./transforms.ts";
import { Uniform } from "./uniform.ts";
import { broadcastAll } from "./utils.ts";

const EULER = 0.57721566490153286060;

/** PyTorch's `_moments(a, b, n)`: E[Xⁿ] = b·B(1 + n/a, b). */
function moments(a: Tensor, b: Tensor, n: number): Tensor {
  const arg1 = a.reciprocal().mul(n).add(1);
  return b.mul(lgamma(arg1).add(lgamma(b)).sub(lgamma(arg1.add(b))).exp());
}

/**
 * The Kumaraswamy distribution on [0, 1] with concentrations `concentration1` (a) and
 * `concentration0` (b): density `a·b·x^(a-1)·(1 - x^a)^(b-1)`. As PyTorch, it is
 * `Uniform(0, 1)` pushed through `u ↦ (1 - u^(1/b))^(1/a)`, so `rsample` (differentiable) and
 * `sample` draw PyTorch's values after the same seed. `mode` is PyTorch 1.13's formula, which
 * gives NaN unless both concentrations are at least 1 and, as written there, also for most such
 * values (it takes `log1p(-b)`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const d = new torch.distributions.Kumaraswamy(torch.tensor([2]), torch.tensor([1]));
 * // a = 2, b = 1: density 2x, mean 2/3
 * assertEquals(torch.allclose(d.logProb(torch.tensor([0.5])), torch.tensor([0])), true);
 * assertEquals(torch.allclose(d.mean, torch.tensor([2 / 3])), true);
 * torch.manualSeed(0);
 * assertEquals(d.rsample([2]).shape, [2, 1]);
 * ```
 */
export class Kumaraswamy extends TransformedDistribution {
  /** The first concentration, a (the exponent of x). */
  readonly concentration1!: Tensor;
  /** The second concentration, b (the exponent of 1 - x^a). */
  readonly concentration0!: Tensor;

  /** `Kumaraswamy(concentration1, concentration0)`; validates both `> 0` unless `validateArgs: false`. */
  constructor(
    concentration1: Tensor | number,
    concentration0: Tensor | number,
    opts: DistributionOptions = {},
  ) {
    const [c1, c0] = broadcastAll("Kumaraswamy", ["concentration1", "concentration0"], [
      concentration1,
      concentration0,
    ]);
    super(new Uniform(fullLike(c0, 0), fullLike(c0, 1), opts), [
      new PowerTransform(c0.reciprocal()),
      new AffineTransform(1, -1),
      new PowerTransform(c1.reciprocal()),
    ], opts);
    Object.assign(this, { concentration1: c1, concentration0: c0 });
    this._checkParams();
  }

  /** `{ concentration1: positive, concentration0: positive }`. */
  override get argConstraints(): Record<string, Constraint> {
    return { concentration1: positive, concentration0: positive };
  }
  /** `[0, 1]`. */
  override get support(): Constraint {
    return unitInterval;
  }
  /** `b·B(1 + 1/a, b)`. */
  override get mean(): Tensor {
    return this._call("mean", () => moments(this.concentration1, this.concentration0, 1));
  }
  /** PyTorch 1.13's `exp(log1p(-b)/b - log1p(-a·b))`, NaN where a < 1 or b < 1. */
  override get mode(): Tensor {
    return this._call("mode", () => {
      const a = this.concentration1, b = this.concentration0;
      const logMode = b.reciprocal().mul(b.neg().log1p()).sub(b.neg().mul(a).log1p());
      return logMode.maskedFill(b.lt(1).logicalOr(a.lt(1)), NaN).exp();
    });
  }
  /** `E[X²] - mean²`. */
  override get variance(): Tensor {
    return this._call(
      "variance",
      () => moments(this.concentration1, this.concentration0, 2).sub(this.mean.pow(2)),
    );
  }
  /** `(1 - 1/b) + (1 - 1/a)·(digamma(b + 1) + γ) - log(a) - log(b)`. */
  override entropy(): Tensor {
    return this._call("entropy", () => {
      const a = this.concentration1, b = this.concentration0;
      const t1 = a.reciprocal().neg().add(1), t0 = b.reciprocal().neg().add(1);
      const h0 = digamma(b.add(1)).add(EULER);
      return this._out("entropy", t0.add(t1.mul(h0)).sub(a.log()).sub(b.log()));
    });
  }
  /** @internal */
  override _expandFields(batchShape: readonly number[]): Record<string, unknown> {
    return {
      transforms: this.transforms,
      concentration1: this.concentration1.expand([...batchShape]),
      concentration0: this.concentration0.expand([...batchShape]),
    };
  }
  /** `Kumaraswamy` with its parameters and base expanded to `batchShape`. */
  override expand(batchShape: readonly number[]): Kumaraswamy {
    return super.expand(batchShape) as Kumaraswamy;
  }
}
