/**
 * `Normal(loc, scale)` (PyTorch 1.13's `torch.distributions.Normal`).
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { randn } from "../creation.ts";
import { noGrad } from "../autograd/grad_mode.ts";
import { erf, erfinv } from "../ops/erf.ts";
import { type Constraint, positive, real } from "./constraints.ts";
import { Distribution, type DistributionOptions } from "./distribution.ts";
import { broadcastAll } from "./utils.ts";

const LOG_SQRT_2PI = Math.log(Math.sqrt(2 * Math.PI));

/**
 * The normal (Gaussian) distribution of mean `loc` and standard deviation `scale` (numbers or
 * tensors, broadcast together). `sample` draws `torch.normal(loc, scale)`'s values and `rsample`
 * `loc + ε·scale` with `ε` from `randn`: after `torch.manualSeed(s)` both give PyTorch's samples
 * for the same seed on the CPU stream (GPU tensors get the same values, drawn on the CPU).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const loc = torch.tensor([0.0, 1.0], { requiresGrad: true });
 * const m = new torch.distributions.Normal(loc, 2);
 * const lp = m.logProb(torch.tensor([0.5, 1.0]));
 * assertEquals(torch.allclose(lp, torch.tensor([-1.6433357, -1.6120857])), true);
 * m.rsample([4]).sum().backward(); // reparameterized: gradients reach loc
 * assertEquals(loc.grad!.toArray(), [4, 4]);
 * ```
 */
export class Normal extends Distribution {
  /** The mean (broadcast with `scale`). */
  readonly loc!: Tensor;
  /** The standard deviation (broadcast with `loc`). */
  readonly scale!: Tensor;

  /** `Normal(loc, scale)`; validates `scale > 0` unless `validateArgs: false`. */
  constructor(loc: Tensor | number, scale: Tensor | number, opts: DistributionOptions = {}) {
    const [l, s] = broadcastAll("Normal", ["loc", "scale"], [loc, scale]);
    super(typeof loc === "number" && typeof scale === "number" ? [] : l.shape, [], opts);
    Object.assign(this, { loc: l, scale: s });
    this._checkParams();
  }

  /** `{ loc: real, scale: positive }`. */
  get argConstraints(): Record<string, Constraint> {
    return { loc: real, scale: positive };
  }
  /** The real line. */
  override get support(): Constraint {
    return real;
  }
  /** True. */
  override get hasRsample(): boolean {
    return true;
  }
  /** `loc`. */
  override get mean(): Tensor {
    return this.loc;
  }
  /** `loc`. */
  override get mode(): Tensor {
    return this.loc;
  }
  /** `scale`. */
  override get stddev(): Tensor {
    return this.scale;
  }
  /** `scale²`. */
  override get variance(): Tensor {
    return this._call("variance", () => this.scale.pow(2));
  }

  /** `Normal` with `loc` and `scale` expanded to `batchShape`. */
  expand(batchShape: readonly number[]): Normal {
    return this._call("expand", () =>
      this._expanded<Normal>(batchShape, {
        loc: this.loc.expand([...batchShape]),
        scale: this.scale.expand([...batchShape]),
      }));
  }

  /** Samples without gradient: `torch.normal(loc.expand(shape), scale.expand(shape))`. */
  override sample(sampleShape: readonly number[] | number = []): Tensor {
    return this._call("sample", () => {
      const shape = this.extendedShape(sampleShape);
      const eps = randn(shape, { dtype: this.loc.dtype, device: this.loc.device });
      return this._out("sample", noGrad(() => eps.mul(this.scale.expand(shape)).add(this.loc.expand(shape))));
    });
  }

  /** A reparameterized sample `loc + ε·scale`, `ε` of shape `sampleShape + batchShape` from `randn`. */
  override rsample(sampleShape: readonly number[] | number = []): Tensor {
    return this._call("rsample", () => {
      const shape = this.extendedShape(sampleShape);
      const eps = randn(shape, { dtype: this.loc.dtype, device: this.loc.device });
      return this._out("rsample", this.loc.add(eps.mul(this.scale)));
    });
  }

  /** `-(value - loc)²/(2·scale²) - log(scale) - log(√(2π))`. */
  override logProb(value: Tensor): Tensor {
    return this._call("logProb", () => {
      const checks = this._validateSample("logProb", value);
      const variance = this.scale.pow(2);
      const out = value.sub(this.loc).pow(2).neg().div(variance.mul(2)).sub(this.scale.log()).sub(
        LOG_SQRT_2PI,
      );
      return this._out("logProb", out, checks);
    });
  }

  /** `(1 + erf((value - loc)/(scale·√2)))/2`. */
  override cdf(value: Tensor): Tensor {
    return this._call("cdf", () => {
      const checks = this._validateSample("cdf", value);
      const z = value.sub(this.loc).mul(this.scale.reciprocal()).div(Math.SQRT2);
      return this._out("cdf", erf(z).add(1).mul(0.5), checks);
    });
  }

  /** `loc + scale·erfinv(2·value - 1)·√2` (not validated, as in PyTorch). */
  override icdf(value: Tensor): Tensor {
    return this._call("icdf", () => {
      return this._out("icdf", this.loc.add(this.scale.mul(erfinv(value.mul(2).sub(1))).mul(Math.SQRT2)));
    });
  }

  /** `1/2 + log(2π)/2 + log(scale)`. */
  override entropy(): Tensor {
    return this._call(
      "entropy",
      () => this._out("entropy", this.scale.log().add(0.5 + 0.5 * Math.log(2 * Math.PI))),
    );
  }
}
