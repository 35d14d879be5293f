/**
 * `HalfNormal(scale)` and `HalfCauchy(scale)` (PyTorch 1.13's `torch.distributions.HalfNormal`
 * and `HalfCauchy`): a zero-centred `Normal` or `Cauchy` folded at 0.
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { full, zerosLike } from "../creation.ts";
import { where } from "../ops/elementwise.ts";
import { type Constraint, positive } from "./constraints.ts";
import { nonnegative } from "./constraints_more.ts";
import type { Distribution, DistributionOptions } from "./distribution.ts";
import { Normal } from "./normal.ts";
import { Cauchy } from "./cauchy.ts";
import { TransformedDistribution } from "./transformed_distribution.ts";
import { AbsTransform } from "./transforms.ts";

/** The members HalfNormal and HalfCauchy share: `|X|` of a zero-centred base of `scale`. */
abstract class Folded extends TransformedDistribution {
  constructor(base: Distribution, opts: DistributionOptions) {
    super(base, new AbsTransform(), opts);
    this._checkParams();
  }
  /** The base's `scale`. */
  get scale(): Tensor {
    return (this.baseDist as Normal | Cauchy).scale;
  }
  /** `Family()`, as PyTorch prints it (its parameters belong to the base). */
  override toString(): string {
    return `${this.constructor.name}()`;
  }
  /** `{ scale: positive }`. */
  override get argConstraints(): Record<string, Constraint> {
    return { scale: positive };
  }
  /** `[0, ∞)`. */
  override get support(): Constraint {
    return nonnegative;
  }
  /** 0. */
  override get mode(): Tensor {
    return this._call("mode", () => zerosLike(this.scale));
  }
  /** The base's log-density + log 2 where `value >= 0`, else -∞. */
  override logProb(value: Tensor): Tensor {
    return this._call("logProb", () => {
      const checks = this._validateSample("logProb", value);
      const lp = this.baseDist.logProb(value).add(Math.log(2));
      return this._out(
        "logProb",
        where(value.ge(0), lp, full([], -Infinity, { dtype: lp.dtype, device: lp.device })),
        checks,
      );
    });
  }
  /** `2·base.cdf(value) - 1`. */
  override cdf(value: Tensor): Tensor {
    return this._call("cdf", () => {
      const checks = this._validateSample("cdf", value);
      return this._out("cdf", this.baseDist.cdf(value).mul(2).sub(1), checks);
    });
  }
  /** `base.icdf((prob + 1)/2)`. */
  override icdf(prob: Tensor): Tensor {
    return this._call("icdf", () => this._out("icdf", this.baseDist.icdf(prob.add(1).div(2))));
  }
  /** The base's entropy - log 2. */
  override entropy(): Tensor {
    return this._call("entropy", () => this._out("entropy", this.baseDist.entropy().sub(Math.log(2))));
  }
}

/**
 * `|X|` for `X ~ Normal(0, scale)`: a `TransformedDistribution` through `AbsTransform`, as in
 * PyTorch, so seeded samples are PyTorch's.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const d = new torch.distributions.HalfNormal(torch.tensor([1, 2]));
 * assertEquals(torch.allclose(d.logProb(torch.tensor([0, 0])), torch.tensor([Math.log(2) - 0.9189385, Math.log(2) - 0.9189385 - Math.log(2)])), true);
 * assertEquals(torch.allclose(d.mean, torch.tensor([Math.sqrt(2 / Math.PI), 2 * Math.sqrt(2 / Math.PI)])), true);
 * ```
 */
export class HalfNormal extends Folded {
  /** `HalfNormal(scale)`; validates `scale > 0` unless `validateArgs: false`. */
  constructor(scale: Tensor | number, opts: DistributionOptions = {}) {
    super(new Normal(0, scale, { validateArgs: false }), opts);
  }
  /** `scale·√(2/π)`. */
  override get mean(): Tensor {
    return this._call("mean", () => this.scale.mul(Math.sqrt(2 / Math.PI)));
  }
  /** `scale²·(1 - 2/π)`. */
  override get variance(): Tensor {
    return this._call("variance", () => this.scale.pow(2).mul(1 - 2 / Math.PI));
  }
  /** `HalfNormal` with its base expanded to `batchShape`. */
  override expand(batchShape: readonly number[]): HalfNormal {
    return super.expand(batchShape) as HalfNormal;
  }
}

/**
 * `|X|` for `X ~ Cauchy(0, scale)`: a `TransformedDistribution` through `AbsTransform`, as in
 * PyTorch, so seeded samples are PyTorch's. Its mean and variance are infinite.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const d = new torch.distributions.HalfCauchy(1);
 * assertEquals(torch.allclose(d.logProb(torch.tensor(0)), torch.tensor(Math.log(2 / Math.PI))), true);
 * assertEquals(d.mean.item(), Infinity);
 * ```
 */
export class HalfCauchy extends Folded {
  /** `HalfCauchy(scale)`; validates `scale > 0` unless `validateArgs: false`. */
  constructor(scale: Tensor | number, opts: DistributionOptions = {}) {
    super(new Cauchy(0, scale, { validateArgs: false }), opts);
  }
  /** Infinity. */
  override get mean(): Tensor {
    return this._call(
      "mean",
      () => full(this.extendedShape(), Infinity, { dtype: this.scale.dtype, device: this.scale.device }),
    );
  }
  /** The base's (infinite) variance. */
  override get variance(): Tensor {
    return this.baseDist.variance;
  }
  /** `HalfCauchy` with its base expanded to `batchShape`. */
  override expand(batchShape: readonly number[]): HalfCauchy {
    return super.expand(batchShape) as HalfCauchy;
  }
}
