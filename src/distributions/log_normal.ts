/**
 * `LogNormal(loc, scale)` (PyTorch 1.13's `torch.distributions.LogNormal`).
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { type Constraint, positive, real } from "./constraints.ts";
import type { DistributionOptions } from "./distribution.ts";
import { Normal } from "./normal.ts";
import { TransformedDistribution } from "./transformed_distribution.ts";
import { ExpTransform } from "./transforms.ts";

/**
 * `exp(X)` for `X ~ Normal(loc, scale)`: a `TransformedDistribution` of `Normal` through
 * `ExpTransform`, as in PyTorch, so seeded samples are `exp` of `Normal`'s (PyTorch's values).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const d = new torch.distributions.LogNormal(0, 1);
 * assertEquals(torch.allclose(d.logProb(torch.tensor(1)), torch.tensor(-0.9189385)), true);
 * assertEquals(torch.allclose(d.mean, torch.tensor(Math.exp(0.5))), true);
 * ```
 */
export class LogNormal extends TransformedDistribution {
  /** `LogNormal(loc, scale)`; the base `Normal` validates `scale > 0`. */
  constructor(loc: Tensor | number, scale: Tensor | number, opts: DistributionOptions = {}) {
    super(new Normal(loc, scale, opts), new ExpTransform(), opts);
  }
  /** The base normal's `loc` (the mean of `log X`). */
  get loc(): Tensor {
    return (this.baseDist as Normal).loc;
  }
  /** The base normal's `scale` (the standard deviation of `log X`). */
  get scale(): Tensor {
    return (this.baseDist as Normal).scale;
  }
  /** `Family()`, as PyTorch prints it (its parameters belong to the base). */
  override toString(): string {
    return `${this.constructor.name}()`;
  }
  /** `{ loc: real, scale: positive }`. */
  override get argConstraints(): Record<string, Constraint> {
    return { loc: real, scale: positive };
  }
  /** The positive reals. */
  override get support(): Constraint {
    return positive;
  }
  /** `exp(loc + scale²/2)`. */
  override get mean(): Tensor {
    return this._call("mean", () => this.loc.add(this.scale.pow(2).div(2)).exp());
  }
  /** `exp(loc - scale²)`. */
  override get mode(): Tensor {
    return this._call("mode", () => this.loc.sub(this.scale.square()).exp());
  }
  /** `(exp(scale²) - 1)·exp(2·loc + scale²)`. */
  override get variance(): Tensor {
    return this._call("variance", () => {
      const s2 = this.scale.pow(2);
      return s2.exp().sub(1).mul(this.loc.mul(2).add(s2).exp());
    });
  }
  /** The base's entropy plus `loc`. */
  override entropy(): Tensor {
    return this._call("entropy", () => this._out("entropy", this.baseDist.entropy().add(this.loc)));
  }
  /** `LogNormal` with its base expanded to `batchShape`. */
  override expand(batchShape: readonly number[]): LogNormal {
    return super.expand(batchShape) as LogNormal;
  }
}
