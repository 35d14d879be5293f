/**
 * `Laplace(loc, scale)` (PyTorch 1.13's `torch.distributions.Laplace`).
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { empty } from "../creation.ts";
import { uniform_ } from "../ops/random_fill.ts";
import { type Constraint, positive, real } from "./constraints.ts";
import { Distribution, type DistributionOptions } from "./distribution.ts";
import { broadcastAll, finfoEps } from "./utils.ts";

/**
 * The Laplace (double exponential) distribution of location `loc` and scale `scale`. `rsample`
 * draws `u` by `uniform_(eps - 1, 1)` and returns `loc - scale·sign(u)·log1p(-|u|)`, as PyTorch:
 * after `torch.manualSeed(s)` the samples are PyTorch's for the same seed.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const d = new torch.distributions.Laplace(torch.tensor([0, 1]), torch.tensor([1, 2]));
 * assertEquals(torch.allclose(d.logProb(torch.tensor([1, 1])), torch.tensor([-Math.log(2) - 1, -Math.log(4)])), true);
 * assertEquals(d.variance.toArray(), [2, 8]);
 * ```
 */
export class Laplace extends Distribution {
  /** The location (mean, median and mode). */
  readonly loc!: Tensor;
  /** The scale. */
  readonly scale!: Tensor;

  /** `Laplace(loc, scale)`; validates `scale > 0` unless `validateArgs: false`. */
  constructor(loc: Tensor | number, scale: Tensor | number, opts: DistributionOptions = {}) {
    const [l, s] = broadcastAll("Laplace", ["loc", "scale"], [loc, scale]);
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
  /** `2·scale²`. */
  override get variance(): Tensor {
    return this._call("variance", () => this.scale.pow(2).mul(2));
  }
  /** `√2·scale`. */
  override get stddev(): Tensor {
    return this._call("stddev", () => this.scale.mul(2 ** 0.5));
  }

  /** `Laplace` with `loc` and `scale` expanded to `batchShape`. */
  expand(batchShape: readonly number[]): Laplace {
    return this._call("expand", () =>
      this._expanded<Laplace>(batchShape, {
        loc: this.loc.expand([...batchShape]),
        scale: this.scale.expand([...batchShape]),
      }));
  }

  /** A reparameterized sample `loc - scale·sign(u)·log1p(-|u|)`, `u` from `uniform_(eps - 1, 1)`. */
  override rsample(sampleShape: readonly number[] | number = []): Tensor {
    return this._call("rsample", () => {
      const shape = this.extendedShape(sampleShape);
      const dtype = this.loc.dtype;
      const u = uniform_(empty(shape, { dtype, device: this.loc.device }), finfoEps(dtype) - 1, 1);
      return this._out("rsample", this.loc.sub(this.scale.mul(u.sign()).mul(u.abs().neg().log1p())));
    });
  }

  /** `-log(2·scale) - |value - loc|/scale`. */
  override logProb(value: Tensor): Tensor {
    return this._call("logProb", () => {
      const checks = this._validateSample("logProb", value);
      const out = this.scale.mul(2).log().neg().sub(value.sub(this.loc).abs().div(this.scale));
      return this._out("logProb", out, checks);
    });
  }

  /** `1/2 - sign(value - loc)·expm1(-|value - loc|/scale)/2`. */
  override cdf(value: Tensor): Tensor {
    return this._call("cdf", () => {
      const checks = this._validateSample("cdf", value);
      const d = value.sub(this.loc);
      return this._out(
        "cdf",
        d.sign().mul(0.5).mul(d.abs().neg().div(this.scale).expm1()).neg().add(0.5),
        checks,
      );
    });
  }

  /** `loc - scale·sign(value - 1/2)·log1p(-2|value - 1/2|)`. */
  override icdf(value: Tensor): Tensor {
    return this._call("icdf", () => {
      const term = value.sub(0.5);
      return this._out("icdf", this.loc.sub(this.scale.mul(term.sign()).mul(term.abs().mul(-2).log1p())));
    });
  }

  /** `1 + log(2·scale)`. */
  override entropy(): Tensor {
    return this._call("entropy", () => this._out("entropy", this.scale.mul(2).log().add(1)));
  }
}
