/**
 * `Gamma(concentration, rate)` and `Chi2(df)` (PyTorch 1.13's `torch.distributions.Gamma` and
 * `Chi2`).
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { noGrad } from "../autograd/grad_mode.ts";
import { digamma, lgamma } from "../special/gamma.ts";
import { xlogy } from "../special/log_ops.ts";
import { type Constraint, positive } from "./constraints.ts";
import { nonnegative } from "./constraints_more.ts";
import { Distribution, type DistributionOptions } from "./distribution.ts";
import { broadcastAll } from "./utils.ts";
import { standardGamma } from "./gamma_sampler.ts";

/**
 * The gamma distribution of shape `concentration` (α) and inverse scale `rate` (β), numbers or
 * tensors broadcast together: density `β^α x^(α-1) e^(-βx) / Γ(α)`. `sample`/`rsample` draw
 * PyTorch's CPU samples after the same seed (its Marsaglia-Tsang sampler, see
 * `gamma_sampler.ts`); `rsample` is differentiable in both parameters (the concentration through
 * PyTorch's reparameterized gradient). Parameters must be on the CPU to sample.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const m = new torch.distributions.Gamma(torch.tensor([2.0]), torch.tensor([3.0]));
 * assertEquals(torch.allclose(m.logProb(torch.tensor([0.5])), torch.tensor([0.0040774])), true);
 * assertEquals(torch.allclose(m.mean, torch.tensor([2 / 3])), true);
 * torch.manualSeed(0);
 * assertEquals(m.sample([5]).shape, [5, 1]);
 * ```
 */
export class Gamma extends Distribution {
  /** The shape parameter α (broadcast with `rate`). */
  readonly concentration!: Tensor;
  /** The inverse scale β (broadcast with `concentration`). */
  readonly rate!: Tensor;

  /** `Gamma(concentration, rate)`; validates both `> 0` unless `validateArgs: false`. */
  constructor(concentration: Tensor | number, rate: Tensor | number, opts: DistributionOptions = {}) {
    const [c, r] = broadcastAll("Gamma", ["concentration", "rate"], [concentration, rate]);
    super(typeof concentration === "number" && typeof rate === "number" ? [] : c.shape, [], opts);
    Object.assign(this, { concentration: c, rate: r });
    this._checkParams();
  }

  /** `{ concentration: positive, rate: positive }`. */
  get argConstraints(): Record<string, Constraint> {
    return { concentration: positive, rate: positive };
  }
  /** `[0, inf)`. */
  override get support(): Constraint {
    return nonnegative;
  }
  /** True. */
  override get hasRsample(): boolean {
    return true;
  }
  /** `concentration / rate`. */
  override get mean(): Tensor {
    return this._call("mean", () => this.concentration.div(this.rate));
  }
  /** `max(concentration - 1, 0) / rate`. */
  override get mode(): Tensor {
    return this._call("mode", () => this.concentration.sub(1).div(this.rate).clamp(0));
  }
  /** `concentration / rate²`. */
  override get variance(): Tensor {
    return this._call("variance", () => this.concentration.div(this.rate.pow(2)));
  }

  /** `Gamma` with the parameters expanded to `batchShape`. */
  expand(batchShape: readonly number[]): Gamma {
    return this._call("expand", () =>
      this._expanded<Gamma>(batchShape, {
        concentration: this.concentration.expand([...batchShape]),
        rate: this.rate.expand([...batchShape]),
      }));
  }

  /** `_standard_gamma(concentration) / rate` over `sampleShape + batchShape`, differentiable. */
  override rsample(sampleShape: readonly number[] | number = []): Tensor {
    return this._call("rsample", () => {
      const shape = this.extendedShape(sampleShape);
      const g = standardGamma(`${this.constructor.name}.rsample`, this.concentration.expand(shape));
      const value = g.div(this.rate.expand(shape));
      const tiny = value.dtype === "float64" ? 2.2250738585072014e-308 : 1.1754943508222875e-38;
      noGrad(() => value.detach().clamp_(tiny));
      return this._out("rsample", value);
    });
  }

  /** {@link rsample} without gradients. */
  override sample(sampleShape: readonly number[] | number = []): Tensor {
    return this._call("sample", () => noGrad(() => this.rsample(sampleShape)));
  }

  /** `xlogy(α, β) + xlogy(α - 1, value) - β·value - lgamma(α)`. */
  override logProb(value: Tensor): Tensor {
    return this._call("logProb", () => {
      const checks = this._validateSample("logProb", value);
      const a = this.concentration, b = this.rate;
      const out = xlogy(a, b).add(xlogy(a.sub(1), value)).sub(b.mul(value)).sub(lgamma(a));
      return this._out("logProb", out, checks);
    });
  }

  /** `α - log(β) + lgamma(α) + (1 - α)·digamma(α)`. */
  override entropy(): Tensor {
    return this._call("entropy", () => {
      const a = this.concentration;
      const out = a.sub(this.rate.log()).add(lgamma(a)).add(a.neg().add(1).mul(digamma(a)));
      return this._out("entropy", out);
    });
  }
}

/**
 * The chi-squared distribution with `df` degrees of freedom: `Gamma(df/2, 1/2)`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const m = new torch.distributions.Chi2(torch.tensor([4.0]));
 * assertEquals(m.mean.toArray(), [4]);
 * assertEquals(m.variance.toArray(), [8]);
 * ```
 */
export class Chi2 extends Gamma {
  /** `Chi2(df)`; validates `df > 0` unless `validateArgs: false`. */
  constructor(df: Tensor | number, opts: DistributionOptions = {}) {
    const [d] = broadcastAll("Chi2", ["df"], [df]);
    super(d.mul(0.5), 0.5, opts);
  }
  /** `{ df: positive }`. */
  override get argConstraints(): Record<string, Constraint> {
    return { df: positive };
  }
  /** `Chi2()`, as PyTorch prints it (`df` is derived from the concentration, not a stored field). */
  override toString(): string {
    return `${this.constructor.name}()`;
  }
  /** The degrees of freedom, `2·concentration`. */
  get df(): Tensor {
    return this._call("df", () => this.concentration.mul(2));
  }
  /** `Chi2` with the parameters expanded to `batchShape`. */
  override expand(batchShape: readonly number[]): Chi2 {
    return super.expand(batchShape) as Chi2;
  }
}
