/**
 * `Exponential(rate)` (PyTorch 1.13's `torch.distributions.Exponential`).
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { empty, zerosLike } from "../creation.ts";
import { exponential_ } from "../ops/random_fill.ts";
import { type Constraint, positive } from "./constraints.ts";
import { nonnegative } from "./constraints_more.ts";
import { Distribution, type DistributionOptions } from "./distribution.ts";
import { broadcastAll } from "./utils.ts";

/**
 * The exponential distribution of rate `rate` (a number or a tensor). `rsample` is
 * `empty(shape).exponential_() / rate`: after `torch.manualSeed(s)` the samples are PyTorch's for
 * the same seed on the CPU stream (GPU tensors get the same values, drawn on the CPU).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const d = new torch.distributions.Exponential(torch.tensor([0.5, 2]));
 * assertEquals(torch.allclose(d.logProb(torch.tensor([1, 1])), torch.tensor([Math.log(0.5) - 0.5, Math.log(2) - 2])), true);
 * assertEquals(d.mean.toArray(), [2, 0.5]);
 * torch.manualSeed(0);
 * assertEquals(torch.allclose(d.sample(), torch.tensor([7.0166526, 0.6151924])), true); // as PyTorch
 * ```
 */
export class Exponential extends Distribution {
  /** The rate (1 / mean). */
  readonly rate!: Tensor;

  /** `Exponential(rate)`; validates `rate > 0` unless `validateArgs: false`. */
  constructor(rate: Tensor | number, opts: DistributionOptions = {}) {
    const [r] = broadcastAll("Exponential", ["rate"], [rate]);
    super(typeof rate === "number" ? [] : r.shape, [], opts);
    Object.assign(this, { rate: r });
    this._checkParams();
  }

  /** `{ rate: positive }`. */
  get argConstraints(): Record<string, Constraint> {
    return { rate: positive };
  }
  /** `[0, ∞)`. */
  override get support(): Constraint {
    return nonnegative;
  }
  /** True. */
  override get hasRsample(): boolean {
    return true;
  }
  /** `1/rate`. */
  override get mean(): Tensor {
    return this._call("mean", () => this.rate.reciprocal());
  }
  /** 0. */
  override get mode(): Tensor {
    return this._call("mode", () => zerosLike(this.rate));
  }
  /** `1/rate`. */
  override get stddev(): Tensor {
    return this._call("stddev", () => this.rate.reciprocal());
  }
  /** `1/rate²`. */
  override get variance(): Tensor {
    return this._call("variance", () => this.rate.pow(-2));
  }

  /** `Exponential` with `rate` expanded to `batchShape`. */
  expand(batchShape: readonly number[]): Exponential {
    return this._call(
      "expand",
      () => this._expanded<Exponential>(batchShape, { rate: this.rate.expand([...batchShape]) }),
    );
  }

  /** A reparameterized sample `empty(shape).exponential_() / rate`. */
  override rsample(sampleShape: readonly number[] | number = []): Tensor {
    return this._call("rsample", () => {
      const shape = this.extendedShape(sampleShape);
      const e = exponential_(empty(shape, { dtype: this.rate.dtype, device: this.rate.device }));
      return this._out("rsample", e.div(this.rate));
    });
  }

  /** `log(rate) - rate·value`. */
  override logProb(value: Tensor): Tensor {
    return this._call("logProb", () => {
      const checks = this._validateSample("logProb", value);
      return this._out("logProb", this.rate.log().sub(this.rate.mul(value)), checks);
    });
  }

  /** `1 - exp(-rate·value)`. */
  override cdf(value: Tensor): Tensor {
    return this._call("cdf", () => {
      const checks = this._validateSample("cdf", value);
      return this._out("cdf", this.rate.neg().mul(value).exp().neg().add(1), checks);
    });
  }

  /** `-log(1 - value)/rate` (not validated, as in PyTorch). */
  override icdf(value: Tensor): Tensor {
    return this._call("icdf", () => this._out("icdf", value.neg().add(1).log().neg().div(this.rate)));
  }

  /** `1 - log(rate)`. */
  override entropy(): Tensor {
    return this._call("entropy", () => this._out("entropy", this.rate.log().neg().add(1)));
  }
}
