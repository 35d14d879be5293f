/**
 * `Gumbel(loc, scale)` (PyTorch 1.13's `torch.distributions.Gumbel`).
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { fullLike, onesLike } from "../creation.ts";
import { type Constraint, positive, real } from "./constraints.ts";
import type { DistributionOptions } from "./distribution.ts";
import { Uniform } from "./uniform.ts";
import { TransformedDistribution } from "./transformed_distribution.ts";
import { AffineTransform, ExpTransform } from "./transforms.ts";
import { broadcastAll, finfoEps, finfoTiny } from "./utils.ts";

/** The Euler–Mascheroni constant. */
const EULER = 0.57721566490153286060;

/**
 * The Gumbel (type-I extreme value) distribution of location `loc` and scale `scale`. As in
 * PyTorch it is `Uniform(tiny, 1 - eps)` through `log`, `·(-1)`, `log` and `loc - scale·`, so a
 * seeded sample is `loc - scale·log(-log(u))` with PyTorch's uniforms `u`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const d = new torch.distributions.Gumbel(torch.tensor([0, 1]), torch.tensor([1, 2]));
 * assertEquals(torch.allclose(d.logProb(torch.tensor([0, 1])), torch.tensor([-1, -1 - Math.log(2)])), true);
 * assertEquals(torch.allclose(d.mean, torch.tensor([0.5772157, 1 + 2 * 0.5772157])), true);
 * ```
 */
export class Gumbel extends TransformedDistribution {
  /** The location (the mode). */
  readonly loc!: Tensor;
  /** The scale. */
  readonly scale!: Tensor;

  /** `Gumbel(loc, scale)`; validates `scale > 0` unless `validateArgs: false`. */
  constructor(loc: Tensor | number, scale: Tensor | number, opts: DistributionOptions = {}) {
    const [l, s] = broadcastAll("Gumbel", ["loc", "scale"], [loc, scale]);
    const tiny = finfoTiny(l.dtype), eps = finfoEps(l.dtype);
    const base = typeof loc === "number" && typeof scale === "number"
      ? new Uniform(tiny, 1 - eps, opts)
      : new Uniform(fullLike(l, tiny), fullLike(l, 1 - eps), opts);
    const minusOne = onesLike(s).neg();
    const transforms = [
      new ExpTransform().inv,
      new AffineTransform(0, minusOne),
      new ExpTransform().inv,
      new AffineTransform(typeof loc === "number" ? loc : l, s.neg()),
    ];
    super(base, transforms, opts);
    Object.assign(this, { loc: l, scale: s });
    this._checkParams();
  }

  /** `{ loc: real, scale: positive }`. */
  override get argConstraints(): Record<string, Constraint> {
    return { loc: real, scale: positive };
  }
  /** The real line. */
  override get support(): Constraint {
    return real;
  }
  /** `loc + scale·γ` (γ Euler's constant). */
  override get mean(): Tensor {
    return this._call("mean", () => this.loc.add(this.scale.mul(EULER)));
  }
  /** `loc`. */
  override get mode(): Tensor {
    return this.loc;
  }
  /** `π/√6·scale`. */
  override get stddev(): Tensor {
    return this._call("stddev", () => this.scale.mul(Math.PI / Math.sqrt(6)));
  }
  /** `stddev²`. */
  override get variance(): Tensor {
    return this._call("variance", () => this.stddev.pow(2));
  }
  /** `z - exp(z) - log(scale)`, `z = (loc - value)/scale`. */
  override logProb(value: Tensor): Tensor {
    return this._call("logProb", () => {
      const checks = this._validateSample("logProb", value);
      const y = this.loc.sub(value).div(this.scale);
      return this._out("logProb", y.sub(y.exp()).sub(this.scale.log()), checks);
    });
  }
  /** `log(scale) + 1 + γ`. */
  override entropy(): Tensor {
    return this._call("entropy", () => this._out("entropy", this.scale.log().add(1 + EULER)));
  }
  /** @internal */
  override _expandFields(batchShape: readonly number[]): Record<string, unknown> {
    return {
      transforms: this.transforms,
      loc: this.loc.expand([...batchShape]),
      scale: this.scale.expand([...batchShape]),
    };
  }
  /** `Gumbel` with its parameters and base expanded to `batchShape`. */
  override expand(batchShape: readonly number[]): Gumbel {
    return super.expand(batchShape) as Gumbel;
  }
}
