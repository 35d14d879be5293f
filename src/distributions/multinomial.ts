/**
 * `Multinomial(totalCount, { probs } | { logits })` (PyTorch 1.13's
 * `torch.distributions.Multinomial`).
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { where } from "../ops/elementwise.ts";
import { oneHot } from "../ops/one_hot.ts";
import { tensor, zerosLike } from "../creation.ts";
import { type Constraint, realVector, simplex } from "./constraints.ts";
import { multinomial } from "./constraints_more.ts";
import { Distribution } from "./distribution.ts";
import type { ProbsOrLogits } from "./bernoulli.ts";
import { Categorical } from "./categorical.ts";
import { Binomial } from "./binomial.ts";
import { lgamma } from "../special/gamma.ts";
import { broadcastAll } from "./utils.ts";

/**
 * The counts of each of K categories in `totalCount` independent draws of probabilities `probs`
 * (or `softmax(logits)`): events are count vectors of size K. `sample` draws `totalCount`
 * categories with `Categorical.sample` and counts them (PyTorch's draws, so seeded samples are
 * PyTorch's).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const d = new torch.distributions.Multinomial(4, { probs: torch.tensor([0.2, 0.3, 0.5]) });
 * assertEquals(d.sample().sum().item(), 4);
 * assertEquals(torch.allclose(d.logProb(torch.tensor([0, 0, 4])), torch.tensor(4 * Math.log(0.5))), true);
 * ```
 */
export class Multinomial extends Distribution {
  /** The number of draws. */
  readonly totalCount!: number;
  /** @internal The categorical of one draw. */
  readonly _categorical!: Categorical;

  /** `Multinomial(totalCount, { probs } | { logits })`; `totalCount` a non-negative integer. */
  constructor(totalCount: number, params: ProbsOrLogits) {
    if (typeof totalCount !== "number" || !Number.isInteger(totalCount) || totalCount < 0) {
      throw new TypeError(
        `Multinomial: totalCount must be a non-negative integer (inhomogeneous total_count is not supported), got ${
          String(totalCount)
        }`,
      );
    }
    const categorical = new Categorical(params);
    super(categorical.batchShape, categorical.paramShape.slice(-1), params);
    Object.assign(this, { totalCount, _categorical: categorical });
  }

  /** `{ probs: simplex, logits: realVector }` (checked by the inner `Categorical`). */
  get argConstraints(): Record<string, Constraint> {
    return { probs: simplex, logits: realVector };
  }
  /** @internal The parameters live on the inner `Categorical`. */
  override _given(_name: string): boolean {
    return false;
  }
  /** Count vectors summing to at most `totalCount`. */
  override get support(): Constraint {
    return multinomial(this.totalCount);
  }
  /** The normalised probabilities. */
  get probs(): Tensor {
    return this._categorical.probs;
  }
  /** The normalised log-probabilities. */
  get logits(): Tensor {
    return this._categorical.logits;
  }
  /** `batchShape + [K]`. */
  get paramShape(): number[] {
    return this._categorical.paramShape;
  }
  /** `probs·totalCount`. */
  override get mean(): Tensor {
    return this._call("mean", () => this.probs.mul(this.totalCount));
  }
  /** Not available (PyTorch 1.13 does not implement it either). */
  override get mode(): Tensor {
    throw new TypeError("Multinomial.mode: Multinomial does not implement mode (as in PyTorch 1.13)");
  }
  /** `totalCount·probs·(1 - probs)`. */
  override get variance(): Tensor {
    return this._call("variance", () => this.probs.mul(this.totalCount).mul(this.probs.neg().add(1)));
  }

  /** With its categorical expanded to `batchShape`. */
  expand(batchShape: readonly number[]): Multinomial {
    return this._call("expand", () =>
      this._expanded<Multinomial>(batchShape, {
        totalCount: this.totalCount,
        _categorical: this._categorical.expand(batchShape),
      }));
  }

  /** Count vectors: `totalCount` categorical draws (PyTorch's order) counted per category. */
  override sample(sampleShape: readonly number[] | number = []): Tensor {
    return this._call("sample", () => {
      const shape = typeof sampleShape === "number" ? [sampleShape] : [...sampleShape];
      const k = this.eventShape[0];
      const draws = this._categorical.sample([this.totalCount, ...shape]);
      return this._out("sample", oneHot(draws, k).to(this.probs.dtype).sum(0));
    });
  }

  /** `log(n!) - Σ log(x_i!) + Σ x_i·logits_i` (`x_i·logits_i` taken as 0 where `x_i = 0` and `logits_i = -∞`). */
  override logProb(value: Tensor): Tensor {
    return this._call("logProb", () => {
      const checks = this._validateSample("logProb", value);
      const [logits, v] = broadcastAll("Multinomial.logProb", ["logits", "value"], [this.logits, value]);
      const safe = where(v.eq(0).logicalAnd(logits.eq(-Infinity)), zerosLike(logits), logits);
      const out = lgamma(v.sum(-1).add(1)).sub(lgamma(v.add(1)).sum(-1))
        .add(safe.mul(v).sum(-1));
      return this._out("logProb", out, checks);
    });
  }

  /** The entropy, from the categorical's and the per-category binomials' (PyTorch's formula). */
  override entropy(): Tensor {
    return this._call("entropy", () => {
      const n = this.totalCount;
      // PyTorch: torch.lgamma(torch.tensor(n) + 1), a float32 CPU scalar.
      const logFactorialN = lgamma(tensor(n + 1, { dtype: "float32" })).item() as number;
      const term1 = this._categorical.entropy().mul(n).sub(logFactorialN);
      const binom = new Binomial(n, { probs: this.probs, validateArgs: false });
      const support = binom.enumerateSupport(false).narrow(0, 1, n);
      const term2 = binom.logProb(support).exp().mul(lgamma(support.add(1))).sum(-1).sum(0);
      return this._out("entropy", term1.add(term2));
    });
  }
}
