/**
 * `StudentT(df, loc, scale)` (PyTorch 1.13's `torch.distributions.StudentT`).
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { randn } from "../creation.ts";
import { noGrad } from "../autograd/grad_mode.ts";
import { digamma, lgamma } from "../special/gamma.ts";
import { type Constraint, positive, real } from "./constraints.ts";
import { Distribution, type DistributionOptions } from "./distribution.ts";
import { broadcastAll } from "./utils.ts";
import { Chi2 } from "./gamma.ts";

const HALF_LOG_PI = 0.5 * Math.log(Math.PI);
const LGAMMA_HALF = 0.5 * Math.log(Math.PI); // lgamma(1/2) = log(√π)

/**
 * Student's t distribution with `df` degrees of freedom, location `loc` and scale `scale`
 * (numbers or tensors, broadcast together). `rsample` is PyTorch's `loc + scale·X/√(Z/df)` with
 * `X` from `randn` and `Z` from `Chi2(df)`, drawn in PyTorch's order: a seeded program gets
 * PyTorch's samples. Parameters must be on the CPU to sample.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const m = new torch.distributions.StudentT(torch.tensor([3.0]));
 * assertEquals(torch.allclose(m.logProb(torch.tensor([0.0])), torch.tensor([-1.0008888])), true);
 * assertEquals(m.variance.toArray(), [3]);
 * ```
 */
export class StudentT extends Distribution {
  /** The degrees of freedom. */
  readonly df!: Tensor;
  /** The location. */
  readonly loc!: Tensor;
  /** The scale. */
  readonly scale!: Tensor;
  /** @internal `Chi2(df)`, the sampler of the denominator. */
  readonly _chi2!: Chi2;

  /** `StudentT(df, loc = 0, scale = 1)`; validates `df > 0` and `scale > 0` unless `validateArgs: false`. */
  constructor(
    df: Tensor | number,
    loc: Tensor | number = 0,
    scale: Tensor | number = 1,
    opts: DistributionOptions = {},
  ) {
    const [d, l, s] = broadcastAll("StudentT", ["df", "loc", "scale"], [df, loc, scale]);
    super(d.shape, [], opts);
    Object.assign(this, { df: d, loc: l, scale: s, _chi2: new Chi2(d, { validateArgs: false }) });
    this._checkParams();
  }

  /** `{ df: positive, loc: real, scale: positive }`. */
  get argConstraints(): Record<string, Constraint> {
    return { df: positive, loc: real, scale: positive };
  }
  /** The real line. */
  override get support(): Constraint {
    return real;
  }
  /** True. */
  override get hasRsample(): boolean {
    return true;
  }
  /** `loc`, NaN where `df <= 1`. */
  override get mean(): Tensor {
    return this._call("mean", () => this.loc.maskedFill(this.df.le(1), NaN));
  }
  /** `loc`. */
  override get mode(): Tensor {
    return this.loc;
  }
  /** `scale²·df/(df - 2)` for `df > 2`, infinity for `1 < df <= 2`, NaN for `df <= 1`. */
  override get variance(): Tensor {
    return this._call("variance", () => {
      const df = this.df;
      const v = this.scale.pow(2).mul(df).div(df.sub(2));
      return v.where(df.gt(2), Infinity).where(df.gt(1), NaN);
    });
  }

  /** `StudentT` with the parameters expanded to `batchShape`. */
  expand(batchShape: readonly number[]): StudentT {
    return this._call("expand", () => {
      const df = this.df.expand([...batchShape]);
      return this._expanded<StudentT>(batchShape, {
        df,
        loc: this.loc.expand([...batchShape]),
        scale: this.scale.expand([...batchShape]),
        _chi2: this._chi2.expand(batchShape),
      });
    });
  }

  /** `loc + scale·X·rsqrt(Z/df)`, `X ~ N(0, 1)` then `Z ~ Chi2(df)` over `sampleShape + batchShape`. */
  override rsample(sampleShape: readonly number[] | number = []): Tensor {
    return this._call("rsample", () => {
      const shape = this.extendedShape(sampleShape);
      const x = randn(shape, { dtype: this.df.dtype, device: this.df.device });
      const z = this._chi2.rsample(sampleShape);
      const y = x.mul(z.div(this.df).rsqrt());
      return this._out("rsample", this.loc.add(this.scale.mul(y)));
    });
  }

  /** {@link rsample} without gradients. */
  override sample(sampleShape: readonly number[] | number = []): Tensor {
    return this._call("sample", () => noGrad(() => this.rsample(sampleShape)));
  }

  /** `-(df + 1)/2·log1p(y²/df) - log(scale) - log(df)/2 - log(π)/2 - lgamma(df/2) + lgamma((df + 1)/2)`. */
  override logProb(value: Tensor): Tensor {
    return this._call("logProb", () => {
      const checks = this._validateSample("logProb", value);
      const df = this.df;
      const y = value.sub(this.loc).div(this.scale);
      const z = this.scale.log().add(df.log().mul(0.5)).add(HALF_LOG_PI).add(lgamma(df.mul(0.5))).sub(
        lgamma(df.add(1).mul(0.5)),
      );
      const out = df.add(1).mul(-0.5).mul(y.pow(2).div(df).log1p()).sub(z);
      return this._out("logProb", out, checks);
    });
  }

  /** PyTorch's closed form through digamma and the log beta function. */
  override entropy(): Tensor {
    return this._call("entropy", () => {
      const df = this.df, half = df.mul(0.5), halfUp = df.add(1).mul(0.5);
      const lbeta = lgamma(half).add(LGAMMA_HALF).sub(lgamma(halfUp));
      const out = this.scale.log().add(halfUp.mul(digamma(halfUp).sub(digamma(half)))).add(
        df.log().mul(0.5),
      ).add(lbeta);
      return this._out("entropy", out);
    });
  }
}
