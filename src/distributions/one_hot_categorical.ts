/**
 * `OneHotCategorical({ probs } | { logits })` (PyTorch 1.13's `torch.distributions.OneHotCategorical`).
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { eye } from "../creation.ts";
import { oneHot } from "../ops/one_hot.ts";
import { type Constraint, oneHot as oneHotConstraint, realVector, simplex } from "./constraints.ts";
import { Distribution } from "./distribution.ts";
import type { ProbsOrLogits } from "./bernoulli.ts";
import { Categorical } from "./categorical.ts";

/**
 * `Categorical` with one-hot samples: events are vectors of size `K` (`eventShape` is `[K]`).
 * Samples are `oneHot(Categorical.sample())` in the parameters' dtype, so they draw PyTorch's
 * categories for the same seed.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const m = new torch.distributions.OneHotCategorical({ probs: torch.tensor([0.0, 1.0, 0.0]) });
 * assertEquals(m.sample().toArray(), [0, 1, 0]);
 * assertEquals(m.eventShape, [3]);
 * assertEquals(Math.abs(m.logProb(torch.tensor([0.0, 1.0, 0.0])).item() as number) < 1e-6, true); // log(1 - eps), as PyTorch
 * ```
 */
export class OneHotCategorical extends Distribution {
  /** @internal The categorical distribution of the indices. */
  readonly _categorical!: Categorical;

  /** `OneHotCategorical({ probs })` or `OneHotCategorical({ logits })`. */
  constructor(params: ProbsOrLogits) {
    const categorical = new Categorical(params);
    super(categorical.batchShape, categorical.paramShape.slice(-1), params);
    Object.assign(this, { _categorical: categorical });
  }

  /** `{ probs: simplex, logits: realVector }` (checked by the inner `Categorical`). */
  get argConstraints(): Record<string, Constraint> {
    return { probs: simplex, logits: realVector };
  }
  /** @internal The parameters live on the inner `Categorical`. */
  override _given(_name: string): boolean {
    return false;
  }
  /** One-hot vectors. */
  override get support(): Constraint {
    return oneHotConstraint;
  }
  /** True. */
  override get hasEnumerateSupport(): boolean {
    return true;
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
  /** `probs`. */
  override get mean(): Tensor {
    return this._categorical.probs;
  }
  /** The one-hot vector of the most probable category. */
  override get mode(): Tensor {
    return this._call("mode", () => {
      const probs = this._categorical.probs;
      return oneHot(probs.argmax(-1), probs.shape[probs.ndim - 1]).to(probs.dtype);
    });
  }
  /** `probs·(1 - probs)`. */
  override get variance(): Tensor {
    return this._call("variance", () => this.probs.mul(this.probs.neg().add(1)));
  }

  /** `OneHotCategorical` with its parameters expanded to `batchShape + [K]`. */
  expand(batchShape: readonly number[]): OneHotCategorical {
    return this._call(
      "expand",
      () =>
        this._expanded<OneHotCategorical>(batchShape, { _categorical: this._categorical.expand(batchShape) }),
    );
  }

  /** One-hot samples (the parameters' dtype) of shape `sampleShape + batchShape + [K]`. */
  override sample(sampleShape: readonly number[] | number = []): Tensor {
    return this._call("sample", () => {
      const probs = this._categorical.probs;
      const indices = this._categorical.sample(sampleShape);
      return oneHot(indices, this._categorical._numEvents).to(probs.dtype);
    });
  }

  /** The log-probability of the category each one-hot `value` marks. */
  override logProb(value: Tensor): Tensor {
    return this._call("logProb", () => {
      const checks = this._validateSample("logProb", value);
      const indices = value.max(-1).indices;
      return this._out("logProb", this._categorical.logProb(indices), checks);
    });
  }

  /** The categorical entropy. */
  override entropy(): Tensor {
    return this._categorical.entropy();
  }

  /** The `K` one-hot vectors, shaped `[K, 1, ..., K]` and expanded over the batch unless `expand` is false. */
  override enumerateSupport(expand = true): Tensor {
    return this._call("enumerateSupport", () => {
      const n = this.eventShape[0];
      const p = this._categorical.probs;
      const values = eye(n, { dtype: p.dtype, device: p.device }).view([
        n,
        ...this.batchShape.map(() => 1),
        n,
      ]);
      return expand ? values.expand([n, ...this.batchShape, n]) : values;
    });
  }
}
