/**
 * `Bernoulli({ probs } | { logits })` (PyTorch 1.13's `torch.distributions.Bernoulli`).
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { arange, rand } from "../creation.ts";
import { bernoulli } from "../ops/random_fill.ts";
import { maskedFill } from "../ops/elementwise.ts";
import { binaryCrossEntropyWithLogits } from "../nn/loss_pointwise.ts";
import { boolean, type Constraint, real, unitInterval } from "./constraints.ts";
import { Distribution, type DistributionOptions } from "./distribution.ts";
import { broadcastAll, logitsToProbs, probsOrLogits, probsToLogits } from "./utils.ts";

/** The parameters of `Bernoulli` and `Categorical`: `probs` or `logits`, not both. */
export interface ProbsOrLogits extends DistributionOptions {
  /** Probabilities (Bernoulli: of a 1; Categorical: of each category, normalised over the last dim). */
  probs?: Tensor | number;
  /** Log-odds (Bernoulli) or unnormalised log-probabilities (Categorical). */
  logits?: Tensor | number;
}

/**
 * The Bernoulli distribution: 1 with probability `probs` (or `sigmoid(logits)`), else 0.
 * `sample` is `torch.bernoulli(probs.expand(shape))`: after `torch.manualSeed(s)` the samples are
 * PyTorch's for the same seed (one 24-bit uniform per element, `u < p`), on every device.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const b = new torch.distributions.Bernoulli({ probs: torch.tensor([0.25, 0.9]) });
 * assertEquals(torch.allclose(b.logProb(torch.tensor([1.0, 0.0])), torch.tensor([Math.log(0.25), Math.log(0.1)])), true);
 * assertEquals(torch.allclose(b.mean, torch.tensor([0.25, 0.9])), true);
 * const s = b.sample([3]);
 * assertEquals(s.shape, [3, 2]);
 * ```
 */
export class Bernoulli extends Distribution {
  /** The probability of a 1. */
  readonly probs!: Tensor;
  /** The log-odds of a 1. */
  readonly logits!: Tensor;
  /** @internal Which parameter was given. */
  readonly _param!: "probs" | "logits";

  /** `Bernoulli({ probs })` or `Bernoulli({ logits })`; validates the one given. */
  constructor(params: ProbsOrLogits) {
    const given = probsOrLogits("Bernoulli", params);
    const value = params[given]!;
    const [p] = broadcastAll("Bernoulli", [given], [value]);
    super(typeof value === "number" ? [] : p.shape, [], params);
    const other = this._call(
      "constructor",
      () => given === "probs" ? probsToLogits(p, true) : logitsToProbs(p, true),
    );
    Object.assign(this, given === "probs" ? { probs: p, logits: other } : { probs: other, logits: p });
    Object.defineProperty(this, "_param", { value: given, enumerable: false });
    this._checkParams();
  }

  /** `{ probs: unitInterval, logits: real }` (only the given one is checked). */
  get argConstraints(): Record<string, Constraint> {
    return { probs: unitInterval, logits: real };
  }
  /** @internal */
  override _given(name: string): boolean {
    return name === this._param;
  }
  /** {0, 1}. */
  override get support(): Constraint {
    return boolean;
  }
  /** True. */
  override get hasEnumerateSupport(): boolean {
    return true;
  }
  /** The shape of the given parameter. */
  get paramShape(): number[] {
    return [...this[this._param].shape];
  }
  /** `probs`. */
  override get mean(): Tensor {
    return this.probs;
  }
  /** 1 where `probs > 0.5`, 0 where below, NaN at 0.5. */
  override get mode(): Tensor {
    return this._call("mode", () => {
      const mode = this.probs.ge(0.5).to(this.probs.dtype);
      return maskedFill(mode, this.probs.eq(0.5), NaN);
    });
  }
  /** `probs·(1 - probs)`. */
  override get variance(): Tensor {
    return this._call("variance", () => this.probs.mul(this.probs.neg().add(1)));
  }

  /** `Bernoulli` with its parameters expanded to `batchShape`. */
  expand(batchShape: readonly number[]): Bernoulli {
    return this._call("expand", () => {
      const out = this._expanded<Bernoulli>(batchShape, {
        probs: this.probs.expand([...batchShape]),
        logits: this.logits.expand([...batchShape]),
      });
      Object.defineProperty(out, "_param", { value: this._param, enumerable: false });
      return out;
    });
  }

  /**
   * 0/1 samples (of `probs`' dtype) without gradient: `torch.bernoulli(probs.expand(shape))`
   * (float64 probabilities draw 53-bit uniforms, as PyTorch's); on the GPU `rand(shape) < probs`
   * with the same uniforms as the CPU.
   */
  override sample(sampleShape: readonly number[] | number = []): Tensor {
    return this._call("sample", () => {
      const shape = this.extendedShape(sampleShape);
      const p = this.probs.detach().expand(shape);
      if (p.device === "cpu") return this._out("sample", bernoulli(p.contiguous()));
      // The same 24-bit uniforms as the CPU's Generator.bernoulliFillFrom (and rand), compared
      // on the device.
      const u = rand(shape, { device: p.device });
      return this._out("sample", u.lt(p).to(p.dtype));
    });
  }

  /** `-binaryCrossEntropyWithLogits(logits, value)` elementwise. */
  override logProb(value: Tensor): Tensor {
    return this._call("logProb", () => {
      const checks = this._validateSample("logProb", value);
      const [logits, v] = broadcastAll("Bernoulli.logProb", ["logits", "value"], [this.logits, value]);
      return this._out(
        "logProb",
        binaryCrossEntropyWithLogits(logits, v.to(logits.dtype), { reduction: "none" }).neg(),
        checks,
      );
    });
  }

  /** `binaryCrossEntropyWithLogits(logits, probs)` elementwise. */
  override entropy(): Tensor {
    return this._call(
      "entropy",
      () =>
        this._out("entropy", binaryCrossEntropyWithLogits(this.logits, this.probs, { reduction: "none" })),
    );
  }

  /** `[0, 1]` of `probs`' dtype, shaped `[2, 1, ...]` and expanded over the batch unless `expand` is false. */
  override enumerateSupport(expand = true): Tensor {
    return this._call("enumerateSupport", () => {
      const dev = this[this._param];
      const values = arange(2, { dtype: dev.dtype, device: dev.device }).view([
        -1,
        ...this.batchShape.map(() => 1),
      ]);
      return expand ? values.expand([-1, ...this.batchShape]) : values;
    });
  }
}
