/**
 * `ContinuousBernoulli({ probs } | { logits })` (PyTorch 1.13's
 * `torch.distributions.ContinuousBernoulli`).
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { rand } from "../creation.ts";
import { where } from "../ops/elementwise.ts";
import { noGrad } from "../autograd/grad_mode.ts";
import { binaryCrossEntropyWithLogits } from "../nn/loss_pointwise.ts";
import { type Constraint, real, unitInterval } from "./constraints.ts";
import { Distribution } from "./distribution.ts";
import type { ProbsOrLogits } from "./bernoulli.ts";
import { broadcastAll, clampProbs, logitsToProbs, probsOrLogits, probsToLogits } from "./utils.ts";

/** The parameters of `ContinuousBernoulli`: `probs` or `logits`, and the unstable region. */
export interface ContinuousBernoulliOptions extends ProbsOrLogits {
  /** Around 0.5, where the closed forms lose precision and Taylor expansions are used (default [0.499, 0.501]). */
  lims?: [number, number];
}

/**
 * The continuous Bernoulli distribution on [0, 1] (Loaiza-Ganem & Cunningham 2019), the
 * normalised `p^x (1-p)^(1-x)`. `rsample` is `icdf(rand(shape))`, so seeded samples are PyTorch's.
 * Near `probs = 0.5` (inside `lims`) the moments and normaliser use Taylor expansions, as PyTorch.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const d = new torch.distributions.ContinuousBernoulli({ probs: torch.tensor([0.2, 0.5]) });
 * assertEquals(torch.allclose(d.mean, torch.tensor([0.3880142, 0.5])), true);
 * assertEquals(d.rsample([3]).shape, [3, 2]);
 * ```
 */
export class ContinuousBernoulli extends Distribution {
  /** The shape parameter in (0, 1), clamped to [eps, 1 - eps]. */
  readonly probs!: Tensor;
  /** Its log-odds. */
  readonly logits!: Tensor;
  /** @internal Which parameter was given. */
  readonly _param!: "probs" | "logits";
  /** @internal The unstable region around 0.5. */
  readonly _lims!: [number, number];

  /** `ContinuousBernoulli({ probs })` or `ContinuousBernoulli({ logits })`. */
  constructor(params: ContinuousBernoulliOptions) {
    const given = probsOrLogits("ContinuousBernoulli", params);
    const value = params[given]!;
    const [p] = broadcastAll("ContinuousBernoulli", [given], [value]);
    super(typeof value === "number" ? [] : p.shape, [], params);
    const lims = params.lims ?? [0.499, 0.501];
    if (!Array.isArray(lims) || lims.length !== 2 || !(lims[0] < lims[1])) {
      throw new RangeError(
        `ContinuousBernoulli: lims must be two numbers [low, high] with low < high, got ${lims}`,
      );
    }
    Object.defineProperty(this, "_param", { value: given, enumerable: false });
    Object.defineProperty(this, "_lims", { value: [...lims], enumerable: false });
    if (given === "probs") {
      Object.assign(this, { probs: p });
      this._checkParams();
      const probs = this._call("constructor", () => clampProbs(p));
      Object.assign(this, { probs, logits: this._call("constructor", () => probsToLogits(probs, true)) });
    } else {
      Object.assign(this, { logits: p });
      this._checkParams();
      Object.assign(this, { probs: this._call("constructor", () => clampProbs(logitsToProbs(p, true))) });
    }
  }

  /** `{ probs: unitInterval, logits: real }` (only the given one is checked). */
  get argConstraints(): Record<string, Constraint> {
    return { probs: unitInterval, logits: real };
  }
  /** @internal */
  override _given(name: string): boolean {
    return name === this._param;
  }
  /** [0, 1]. */
  override get support(): Constraint {
    return unitInterval;
  }
  /** True. */
  override get hasRsample(): boolean {
    return true;
  }
  /** The shape of the given parameter. */
  get paramShape(): number[] {
    return [...this[this._param].shape];
  }

  #outside(): Tensor {
    return this.probs.le(this._lims[0]).logicalOr(this.probs.gt(this._lims[1]));
  }
  #cutProbs(): Tensor {
    return where(this.#outside(), this.probs, this.probs.mul(0).add(this._lims[0]));
  }
  /** @internal The log of the normalising constant. */
  _logNorm(): Tensor {
    const cut = this.#cutProbs();
    const below = where(cut.le(0.5), cut, cut.mul(0));
    const above = where(cut.ge(0.5), cut, cut.mul(0).add(1));
    const logNorm = cut.neg().log1p().sub(cut.log()).abs().log().sub(
      where(cut.le(0.5), below.mul(-2).log1p(), above.mul(2).sub(1).log()),
    );
    const x = this.probs.sub(0.5).pow(2);
    const taylor = x.mul(104 / 45).add(4 / 3).mul(x).add(Math.log(2));
    return where(this.#outside(), logNorm, taylor);
  }

  /** The mean (a Taylor expansion near 0.5). */
  override get mean(): Tensor {
    return this._call("mean", () => {
      const cut = this.#cutProbs();
      const mus = cut.div(cut.mul(2).sub(1)).add(cut.neg().log1p().sub(cut.log()).reciprocal());
      const x = this.probs.sub(0.5);
      const taylor = x.pow(2).mul(16 / 45).add(1 / 3).mul(x).add(0.5);
      return where(this.#outside(), mus, taylor);
    });
  }
  /** Not available (PyTorch 1.13 does not implement it either). */
  override get mode(): Tensor {
    throw new TypeError(
      "ContinuousBernoulli.mode: ContinuousBernoulli does not implement mode (as in PyTorch)",
    );
  }
  /** The variance (a Taylor expansion near 0.5). */
  override get variance(): Tensor {
    return this._call("variance", () => {
      const cut = this.#cutProbs();
      const vars = cut.mul(cut.sub(1)).div(cut.mul(-2).add(1).pow(2)).add(
        cut.neg().log1p().sub(cut.log()).pow(2).reciprocal(),
      );
      const x = this.probs.sub(0.5).pow(2);
      const taylor = x.mul(128 / 945).sub(1 / 15).mul(x).neg().add(1 / 12);
      return where(this.#outside(), vars, taylor);
    });
  }

  /** With its parameters expanded to `batchShape`. */
  expand(batchShape: readonly number[]): ContinuousBernoulli {
    return this._call("expand", () => {
      const out = this._expanded<ContinuousBernoulli>(batchShape, {
        probs: this.probs.expand([...batchShape]),
        logits: this.logits.expand([...batchShape]),
      });
      Object.defineProperty(out, "_param", { value: this._param, enumerable: false });
      Object.defineProperty(out, "_lims", { value: this._lims, enumerable: false });
      return out;
    });
  }

  /** `icdf(rand(shape))` without gradient. */
  override sample(sampleShape: readonly number[] | number = []): Tensor {
    return this._call("sample", () => {
      const u = rand(this.extendedShape(sampleShape), { dtype: this.probs.dtype, device: this.probs.device });
      return noGrad(() => this.icdf(u));
    });
  }
  /** `icdf(rand(shape))`, reparameterized. */
  override rsample(sampleShape: readonly number[] | number = []): Tensor {
    return this._call("rsample", () => {
      const u = rand(this.extendedShape(sampleShape), { dtype: this.probs.dtype, device: this.probs.device });
      return this.icdf(u);
    });
  }

  /** `-binaryCrossEntropyWithLogits(logits, value) + log C(probs)`. */
  override logProb(value: Tensor): Tensor {
    return this._call("logProb", () => {
      const checks = this._validateSample("logProb", value);
      const [logits, v] = broadcastAll("ContinuousBernoulli.logProb", ["logits", "value"], [
        this.logits,
        value,
      ]);
      const bce = binaryCrossEntropyWithLogits(logits, v, { reduction: "none" });
      return this._out("logProb", bce.neg().add(this._logNorm()), checks);
    });
  }

  /** `(p^x (1-p)^(1-x) + p - 1)/(2p - 1)` (x itself near 0.5), 0 below 0 and 1 above 1. */
  override cdf(value: Tensor): Tensor {
    return this._call("cdf", () => {
      const checks = this._validateSample("cdf", value);
      const cut = this.#cutProbs();
      const cdfs = cut.pow(value).mul(cut.neg().add(1).pow(value.neg().add(1))).add(cut).sub(1).div(
        cut.mul(2).sub(1),
      );
      const unbounded = where(this.#outside(), cdfs, value);
      const out = where(value.le(0), value.mul(0), where(value.ge(1), value.mul(0).add(1), unbounded));
      return this._out("cdf", out, checks);
    });
  }

  /** `(log1p(-p + value(2p - 1)) - log1p(-p))/(log p - log1p(-p))` (value itself near 0.5). */
  override icdf(value: Tensor): Tensor {
    return this._call("icdf", () => {
      const cut = this.#cutProbs();
      const num = value.mul(cut.mul(2).sub(1)).sub(cut).log1p().sub(cut.neg().log1p());
      const den = cut.log().sub(cut.neg().log1p());
      return this._out("icdf", where(this.#outside(), num.div(den), value));
    });
  }

  /** `mean·(log(1-p) - log p) - log C - log(1-p)`. */
  override entropy(): Tensor {
    return this._call("entropy", () => {
      const lp0 = this.probs.neg().log1p(), lp1 = this.probs.log();
      return this._out("entropy", this.mean.mul(lp0.sub(lp1)).sub(this._logNorm()).sub(lp0));
    });
  }
}
