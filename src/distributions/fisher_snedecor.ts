/**
 * `FisherSnedecor(df1, df2)` (PyTorch 1.13's `torch.distributions.FisherSnedecor`).
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { noGrad } from "../autograd/grad_mode.ts";
import { lgamma } from "../special/gamma.ts";
import { type Constraint, positive } from "./constraints.ts";
import { Distribution, type DistributionOptions } from "./distribution.ts";
import { Gamma } from "./gamma.ts";
import { broadcastAll } from "./utils.ts";

/** `x` with NaN where `bad` (PyTorch's `x[bad] = nan` on a copy). */
function nanWhere(x: Tensor, bad: Tensor): Tensor {
  return x.maskedFill(bad, NaN);
}

/**
 * Fisher–Snedecor's F distribution with `df1` and `df2` degrees of freedom (numbers or tensors,
 * broadcast): the ratio of two scaled chi-squared variables. `rsample` is PyTorch's
 * `Gamma(df1/2, df1).rsample() / Gamma(df2/2, df2).rsample()`, so after `torch.manualSeed(s)`
 * the samples are PyTorch's (drawn on the CPU), differentiable in both parameters.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const d = new torch.distributions.FisherSnedecor(torch.tensor([4]), torch.tensor([6]));
 * assertEquals(d.mean.toArray(), [1.5]); // df2 / (df2 - 2)
 * assertEquals(torch.allclose(d.logProb(torch.tensor([1])), torch.tensor([Math.log(3888 / 9375)])), true);
 * torch.manualSeed(0);
 * assertEquals(d.rsample([3]).shape, [3, 1]);
 * ```
 */
export class FisherSnedecor extends Distribution {
  /** The numerator's degrees of freedom. */
  readonly df1!: Tensor;
  /** The denominator's degrees of freedom. */
  readonly df2!: Tensor;

  /** `FisherSnedecor(df1, df2)`; validates both `> 0` unless `validateArgs: false`. */
  constructor(df1: Tensor | number, df2: Tensor | number, opts: DistributionOptions = {}) {
    const [a, b] = broadcastAll("FisherSnedecor", ["df1", "df2"], [df1, df2]);
    super(typeof df1 === "number" && typeof df2 === "number" ? [] : a.shape, [], opts);
    Object.assign(this, { df1: a, df2: b });
    this._checkParams();
  }

  /** `{ df1: positive, df2: positive }`. */
  get argConstraints(): Record<string, Constraint> {
    return { df1: positive, df2: positive };
  }
  /** The positive reals. */
  override get support(): Constraint {
    return positive;
  }
  /** True. */
  override get hasRsample(): boolean {
    return true;
  }
  /** `df2 / (df2 - 2)`, NaN where `df2 <= 2`. */
  override get mean(): Tensor {
    return this._call("mean", () => {
      const df2 = nanWhere(this.df2, this.df2.le(2));
      return df2.div(df2.sub(2));
    });
  }
  /** `(df1 - 2) / df1 · df2 / (df2 + 2)`, NaN where `df1 <= 2`. */
  override get mode(): Tensor {
    return this._call("mode", () => {
      const m = this.df1.sub(2).div(this.df1);
      return nanWhere(m, m.le(0)).mul(this.df2).div(this.df2.add(2));
    });
  }
  /** `2·df2²·(df1 + df2 - 2) / (df1·(df2 - 2)²·(df2 - 4))`, NaN where `df2 <= 4`. */
  override get variance(): Tensor {
    return this._call("variance", () => {
      const df2 = nanWhere(this.df2, this.df2.le(4));
      return df2.pow(2).mul(2).mul(this.df1.add(df2).sub(2))
        .div(this.df1.mul(df2.sub(2).pow(2)).mul(df2.sub(4)));
    });
  }

  /** Not available: PyTorch 1.13's FisherSnedecor has no entropy either (it raises NotImplementedError). */
  override entropy(): Tensor {
    throw new TypeError(
      "FisherSnedecor.entropy: FisherSnedecor has no entropy (PyTorch 1.13 raises NotImplementedError too)",
    );
  }

  /** With its parameters expanded to `batchShape`. */
  expand(batchShape: readonly number[]): FisherSnedecor {
    return this._call("expand", () =>
      this._expanded<FisherSnedecor>(batchShape, {
        df1: this.df1.expand([...batchShape]),
        df2: this.df2.expand([...batchShape]),
      }));
  }

  /** `X1 / X2` with `X1 ~ Gamma(df1/2, df1)`, `X2 ~ Gamma(df2/2, df2)` (both at least the dtype's tiny), differentiable. */
  override rsample(sampleShape: readonly number[] | number = []): Tensor {
    return this._call("rsample", () => {
      const shape = this.extendedShape(sampleShape);
      const x1 = new Gamma(this.df1.mul(0.5), this.df1).rsample(sampleShape).reshape(shape);
      const x2 = new Gamma(this.df2.mul(0.5), this.df2).rsample(sampleShape).reshape(shape);
      const tiny = x2.dtype === "float64" ? 2.2250738585072014e-308 : 1.1754943508222875e-38;
      const y = x1.div(x2.clamp(tiny, null));
      noGrad(() => y.detach().clamp_(tiny));
      return this._out("rsample", y);
    });
  }

  /** {@link rsample} without gradients. */
  override sample(sampleShape: readonly number[] | number = []): Tensor {
    return this._call("sample", () => noGrad(() => this.rsample(sampleShape)));
  }

  /** `lgamma((df1+df2)/2) - lgamma(df1/2) - lgamma(df2/2) + df1/2·log(df1/df2) + (df1/2 - 1)·log(value) - (df1+df2)/2·log1p(df1/df2·value)`. */
  override logProb(value: Tensor): Tensor {
    return this._call("logProb", () => {
      const checks = this._validateSample("logProb", value);
      const ct1 = this.df1.mul(0.5), ct2 = this.df2.mul(0.5), ct3 = this.df1.div(this.df2);
      const t1 = lgamma(ct1.add(ct2)).sub(lgamma(ct1)).sub(lgamma(ct2));
      const t2 = ct1.mul(ct3.log()).add(ct1.sub(1).mul(value.log()));
      const t3 = ct1.add(ct2).mul(ct3.mul(value).log1p());
      return this._out("logProb", t1.add(t2).sub(t3), checks);
    });
  }
}
