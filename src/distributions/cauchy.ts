/**
 * `Cauchy(loc, scale)` (PyTorch 1.13's `torch.distributions.Cauchy`).
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { empty, full, onesLike } from "../creation.ts";
import { atan2 } from "../ops/elementwise_more.ts";
import { cauchy_ } from "../ops/random_fill_more.ts";
import { type Constraint, positive, real } from "./constraints.ts";
import { Distribution, type DistributionOptions } from "./distribution.ts";
import { broadcastAll } from "./utils.ts";

/**
 * The Cauchy (Lorentz) distribution of location `loc` and scale `scale`: no mean (NaN) and an
 * infinite variance. `rsample` is `loc + ε·scale` with `ε` from `cauchy_()`: after
 * `torch.manualSeed(s)` the samples are PyTorch's for the same seed.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const d = new torch.distributions.Cauchy(0, 1);
 * assertEquals(torch.allclose(d.logProb(torch.tensor(0)), torch.tensor(-Math.log(Math.PI))), true);
 * assertEquals(d.cdf(torch.tensor(1)).item(), 0.75);
 * assertEquals(Number.isNaN(d.mean.item()), true);
 * ```
 */
export class Cauchy extends Distribution {
  /** The location (median and mode). */
  readonly loc!: Tensor;
  /** The scale (half the interquartile range). */
  readonly scale!: Tensor;

  /** `Cauchy(loc, scale)`; validates `scale > 0` unless `validateArgs: false`. */
  constructor(loc: Tensor | number, scale: Tensor | number, opts: DistributionOptions = {}) {
    const [l, s] = broadcastAll("Cauchy", ["loc", "scale"], [loc, scale]);
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
  /** NaN (undefined). */
  override get mean(): Tensor {
    return this._call(
      "mean",
      () => full(this.extendedShape(), NaN, { dtype: this.loc.dtype, device: this.loc.device }),
    );
  }
  /** `loc`. */
  override get mode(): Tensor {
    return this.loc;
  }
  /** Infinity. */
  override get variance(): Tensor {
    return this._call(
      "variance",
      () => full(this.extendedShape(), Infinity, { dtype: this.loc.dtype, device: this.loc.device }),
    );
  }

  /** `Cauchy` with `loc` and `scale` expanded to `batchShape`. */
  expand(batchShape: readonly number[]): Cauchy {
    return this._call("expand", () =>
      this._expanded<Cauchy>(batchShape, {
        loc: this.loc.expand([...batchShape]),
        scale: this.scale.expand([...batchShape]),
      }));
  }

  /** A reparameterized sample `loc + ε·scale`, `ε` from `cauchy_()`. */
  override rsample(sampleShape: readonly number[] | number = []): Tensor {
    return this._call("rsample", () => {
      const shape = this.extendedShape(sampleShape);
      const eps = cauchy_(empty(shape, { dtype: this.loc.dtype, device: this.loc.device }));
      return this._out("rsample", this.loc.add(eps.mul(this.scale)));
    });
  }

  /** `-log(π) - log(scale) - log(1 + ((value - loc)/scale)²)`. */
  override logProb(value: Tensor): Tensor {
    return this._call("logProb", () => {
      const checks = this._validateSample("logProb", value);
      const z = value.sub(this.loc).div(this.scale);
      return this._out(
        "logProb",
        this.scale.log().neg().sub(Math.log(Math.PI)).sub(z.pow(2).add(1).log()),
        checks,
      );
    });
  }

  /** `atan((value - loc)/scale)/π + 1/2`. */
  override cdf(value: Tensor): Tensor {
    return this._call("cdf", () => {
      const checks = this._validateSample("cdf", value);
      const z = value.sub(this.loc).div(this.scale);
      return this._out("cdf", atan2(z, onesLike(z)).div(Math.PI).add(0.5), checks);
    });
  }

  /** `tan(π(value - 1/2))·scale + loc`. */
  override icdf(value: Tensor): Tensor {
    return this._call(
      "icdf",
      () => this._out("icdf", value.sub(0.5).mul(Math.PI).tan().mul(this.scale).add(this.loc)),
    );
  }

  /** `log(4π) + log(scale)`. */
  override entropy(): Tensor {
    return this._call("entropy", () => this._out("entropy", this.scale.log().add(Math.log(4 * Math.PI))));
  }
}
