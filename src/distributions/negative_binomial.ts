/**
 * `NegativeBinomial(totalCount, { probs } | { logits })` (PyTorch 1.13's
 * `torch.distributions.NegativeBinomial`).
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { noGrad } from "../autograd/grad_mode.ts";
import { lgamma } from "../special/gamma.ts";
import { poisson } from "../ops/random_fill_more.ts";
import { Constraint, real } from "./constraints.ts";
import { nonnegative, nonnegativeInteger } from "./constraints_more.ts";
import { Distribution } from "./distribution.ts";
import type { ProbsOrLogits } from "./bernoulli.ts";
import { Gamma } from "./gamma.ts";
import { broadcastAll, logitsToProbs, probsOrLogits, probsToLogits } from "./utils.ts";

/** `lower <= value < upper` (PyTorch's `constraints.half_open_interval`). */
class HalfOpenUnitInterval extends Constraint {
  check(value: Tensor): Tensor {
    return value.ge(0).logicalAnd(value.lt(1));
  }
  override toString(): string {
    return "HalfOpenInterval(lower_bound=0.0, upper_bound=1.0)";
  }
}
const halfOpenUnitInterval = /* @__PURE__ */ new HalfOpenUnitInterval();

/** `log(sigmoid(x))` as `min(x, 0) - log1p(exp(-|x|))` (no overflow for large |x|). */
function logSigmoid(x: Tensor): Tensor {
  return x.clamp(null, 0).sub(x.abs().neg().exp().log1p());
}

/**
 * The number of failures before `totalCount` successes in Bernoulli trials whose failure
 * probability is `probs` (or `sigmoid(logits)`), as PyTorch 1.13 parameterizes it (`totalCount`
 * may be any non-negative real). `sample` is PyTorch's Gamma–Poisson mixture:
 * `torch.poisson(Gamma(totalCount, exp(-logits)).sample())`, so after `torch.manualSeed(s)` the
 * samples are PyTorch's (drawn on the CPU).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const d = new torch.distributions.NegativeBinomial(3, { probs: torch.tensor([0.5]) });
 * assertEquals(d.mean.toArray(), [3]);
 * // P(X = 0) = (1 - p)^3
 * assertEquals(torch.allclose(d.logProb(torch.tensor([0])), torch.tensor([3 * Math.log(0.5)])), true);
 * torch.manualSeed(0);
 * assertEquals(d.sample([4]).shape, [4, 1]);
 * ```
 */
export class NegativeBinomial extends Distribution {
  /** The number of successes to reach (a tensor of the parameters' dtype). */
  readonly totalCount!: Tensor;
  /** The probability of each trial (PyTorch's `probs`). */
  readonly probs!: Tensor;
  /** Its log-odds. */
  readonly logits!: Tensor;
  /** @internal Which parameter was given. */
  readonly _param!: "probs" | "logits";

  /** `NegativeBinomial(totalCount, { probs } | { logits })`; validates unless `validateArgs: false`. */
  constructor(totalCount: Tensor | number, params: ProbsOrLogits) {
    const given = probsOrLogits("NegativeBinomial", params);
    const [n, p] = broadcastAll("NegativeBinomial", ["total_count", given], [totalCount, params[given]!]);
    super(p.shape, [], params);
    const other = this._call(
      "constructor",
      () => given === "probs" ? probsToLogits(p, true) : logitsToProbs(p, true),
    );
    Object.assign(this, { totalCount: n.to(p.dtype) });
    Object.assign(this, given === "probs" ? { probs: p, logits: other } : { probs: other, logits: p });
    Object.defineProperty(this, "_param", { value: given, enumerable: false });
    this._checkParams();
  }

  /** `{ totalCount: nonnegative, probs: halfOpenInterval(0, 1), logits: real }` (the given one of probs/logits). */
  get argConstraints(): Record<string, Constraint> {
    return { totalCount: nonnegative, probs: halfOpenUnitInterval, logits: real };
  }
  /** @internal */
  override _given(name: string): boolean {
    return name === "totalCount" || name === this._param;
  }
  /** The integers 0, 1, 2, ... */
  override get support(): Constraint {
    return nonnegativeInteger;
  }
  /** The shape of the given parameter. */
  get paramShape(): number[] {
    return [...this[this._param].shape];
  }
  /** `totalCount·exp(logits)`. */
  override get mean(): Tensor {
    return this._call("mean", () => this.totalCount.mul(this.logits.exp()));
  }
  /** `max(floor((totalCount - 1)·exp(logits)), 0)`. */
  override get mode(): Tensor {
    return this._call("mode", () => this.totalCount.sub(1).mul(this.logits.exp()).floor().clamp(0, null));
  }
  /** `mean / sigmoid(-logits)`. */
  override get variance(): Tensor {
    return this._call("variance", () => this.mean.div(this.logits.neg().sigmoid()));
  }

  /** Not available: PyTorch 1.13's NegativeBinomial has no entropy either (it raises NotImplementedError). */
  override entropy(): Tensor {
    throw new TypeError(
      "NegativeBinomial.entropy: NegativeBinomial has no entropy (PyTorch 1.13 raises NotImplementedError too)",
    );
  }

  /** With its parameters expanded to `batchShape`. */
  expand(batchShape: readonly number[]): NegativeBinomial {
    return this._call("expand", () => {
      const out = this._expanded<NegativeBinomial>(batchShape, {
        totalCount: this.totalCount.expand([...batchShape]),
        probs: this.probs.expand([...batchShape]),
        logits: this.logits.expand([...batchShape]),
      });
      Object.defineProperty(out, "_param", { value: this._param, enumerable: false });
      return out;
    });
  }

  /** Counts without gradient: `torch.poisson(Gamma(totalCount, exp(-logits)).sample(sampleShape))`. */
  override sample(sampleShape: readonly number[] | number = []): Tensor {
    return this._call("sample", () =>
      noGrad(() => {
        if (this.logits.device !== "cpu") {
          throw new Error(
            "NegativeBinomial.sample: the parameters must be on the CPU to draw PyTorch's samples " +
              "(its Gamma and torch.poisson read them)",
          );
        }
        const gamma = new Gamma(this.totalCount.detach(), this.logits.detach().neg().exp(), {
          validateArgs: false,
        });
        return this._out("sample", poisson(gamma.sample(sampleShape)));
      }));
  }

  /**
   * `totalCount·logsigmoid(-logits) + value·logsigmoid(logits) + lgamma(totalCount + value)
   * - lgamma(1 + value) - lgamma(totalCount)`, 0 where `totalCount + value` is 0.
   */
  override logProb(value: Tensor): Tensor {
    return this._call("logProb", () => {
      const checks = this._validateSample("logProb", value);
      const n = this.totalCount, logits = this.logits;
      const unnormalized = n.mul(logSigmoid(logits.neg())).add(value.mul(logSigmoid(logits)));
      const normalization = lgamma(n.add(value)).neg().add(lgamma(value.add(1))).add(lgamma(n))
        .maskedFill(n.add(value).eq(0), 0);
      return this._out("logProb", unnormalized.sub(normalization), checks);
    });
  }
}
