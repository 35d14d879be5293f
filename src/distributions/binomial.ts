/**
 * `Binomial(totalCount, { probs } | { logits })` (PyTorch 1.13's `torch.distributions.Binomial`).
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { arange } from "../creation.ts";
import { binomial } from "../ops/random_fill_more.ts";
import { type Constraint, integerInterval, real, unitInterval } from "./constraints.ts";
import { nonnegativeInteger } from "./constraints_more.ts";
import { Distribution } from "./distribution.ts";
import type { ProbsOrLogits } from "./bernoulli.ts";
import { lgamma } from "../special/gamma.ts";
import { broadcastAll, logitsToProbs, probsOrLogits, probsToLogits } from "./utils.ts";

/** PyTorch's `_clamp_by_zero`: `max(x, 0)` with gradient 1/2 at 0. */
function clampByZero(x: Tensor): Tensor {
  return x.clamp(0, null).add(x).sub(x.clamp(null, 0)).div(2);
}

/**
 * The number of successes in `totalCount` Bernoulli trials of probability `probs` (or
 * `sigmoid(logits)`). `sample` is `torch.binomial(totalCount, probs)` (PyTorch's values for the
 * same seed, drawn on the CPU); `logProb` computes the log-factorials from a shifted Stirling
 * series, as `torch.lgamma` would.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const d = new torch.distributions.Binomial(10, { probs: torch.tensor([0.5, 0.2]) });
 * assertEquals(torch.allclose(d.logProb(torch.tensor([5, 0])), torch.tensor([Math.log(252 / 1024), 10 * Math.log(0.8)])), true);
 * assertEquals(d.mean.toArray(), [5, 2]);
 * ```
 */
export class Binomial extends Distribution {
  /** The number of trials (a tensor of the parameters' dtype). */
  readonly totalCount!: Tensor;
  /** The success probability of each trial. */
  readonly probs!: Tensor;
  /** Its log-odds. */
  readonly logits!: Tensor;
  /** @internal Which parameter was given. */
  readonly _param!: "probs" | "logits";
  /** @internal `totalCount` when it was given as a number (no device read needed). */
  readonly _count!: number | null;

  /** `Binomial(totalCount, { probs } | { logits })` (`totalCount` defaults to 1 in PyTorch; pass it). */
  constructor(totalCount: Tensor | number, params: ProbsOrLogits) {
    const given = probsOrLogits("Binomial", params);
    const [n, p] = broadcastAll("Binomial", ["total_count", given], [totalCount, params[given]!]);
    super(p.shape, [], params);
    const other = this._call(
      "constructor",
      () => given === "probs" ? probsToLogits(p, true) : logitsToProbs(p, true),
    );
    Object.assign(this, { totalCount: n.to(p.dtype) });
    Object.assign(this, given === "probs" ? { probs: p, logits: other } : { probs: other, logits: p });
    Object.defineProperty(this, "_param", { value: given, enumerable: false });
    Object.defineProperty(this, "_count", { value: typeof totalCount === "number" ? totalCount : null });
    this._checkParams();
  }

  /** `{ totalCount: nonnegativeInteger, probs: unitInterval, logits: real }` (the given one of probs/logits). */
  get argConstraints(): Record<string, Constraint> {
    return { totalCount: nonnegativeInteger, probs: unitInterval, logits: real };
  }
  /** @internal */
  override _given(name: string): boolean {
    return name === "totalCount" || name === this._param;
  }
  /** The integers `0..totalCount`. */
  override get support(): Constraint {
    return integerInterval(0, this.totalCount);
  }
  /** True. */
  override get hasEnumerateSupport(): boolean {
    return true;
  }
  /** The shape of the given parameter. */
  get paramShape(): number[] {
    return [...this[this._param].shape];
  }
  /** `totalCount·probs`. */
  override get mean(): Tensor {
    return this._call("mean", () => this.totalCount.mul(this.probs));
  }
  /** `floor((totalCount + 1)·probs)`, at most `totalCount`. */
  override get mode(): Tensor {
    return this._call("mode", () => {
      const m = this.totalCount.add(1).mul(this.probs).floor();
      return m.sub(m.sub(this.totalCount).clamp(0, null)); // min(m, totalCount)
    });
  }
  /** `totalCount·probs·(1 - probs)`. */
  override get variance(): Tensor {
    return this._call("variance", () => this.totalCount.mul(this.probs).mul(this.probs.neg().add(1)));
  }

  /** With its parameters expanded to `batchShape`. */
  expand(batchShape: readonly number[]): Binomial {
    return this._call("expand", () => {
      const out = this._expanded<Binomial>(batchShape, {
        totalCount: this.totalCount.expand([...batchShape]),
        probs: this.probs.expand([...batchShape]),
        logits: this.logits.expand([...batchShape]),
      });
      Object.defineProperty(out, "_param", { value: this._param, enumerable: false });
      Object.defineProperty(out, "_count", { value: this._count });
      return out;
    });
  }

  /** Counts without gradient: `torch.binomial(totalCount, probs)` expanded (drawn on the CPU). */
  override sample(sampleShape: readonly number[] | number = []): Tensor {
    return this._call("sample", () => {
      const shape = this.extendedShape(sampleShape);
      if (this.probs.device !== "cpu") {
        throw new Error(
          "Binomial.sample: the parameters must be on the CPU to draw PyTorch's samples (torch.binomial reads them)",
        );
      }
      const n = this.totalCount.detach().expand(shape).contiguous();
      return this._out("sample", binomial(n, this.probs.detach().expand(shape).contiguous()));
    });
  }

  /** `value·logits - log(value!) - log((n - value)!) - n·max(logits, 0) - n·log1p(exp(-|logits|)) + log(n!)`. */
  override logProb(value: Tensor): Tensor {
    return this._call("logProb", () => {
      const checks = this._validateSample("logProb", value);
      const n = this.totalCount, logits = this.logits;
      const normalize = n.mul(clampByZero(logits)).add(n.mul(logits.abs().neg().exp().log1p()))
        .sub(lgamma(n.add(1)));
      const out = value.mul(logits).sub(lgamma(value.add(1)))
        .sub(lgamma(n.sub(value).add(1))).sub(normalize);
      return this._out("logProb", out, checks);
    });
  }

  /** The largest `totalCount`, which must be the same for the whole batch (read on the CPU). */
  #homogeneousCount(method: string): number {
    if (this._count !== null) return Math.trunc(this._count);
    if (this.totalCount.device !== "cpu") {
      throw new Error(`Binomial.${method}: totalCount must be on the CPU (it is read to size the support)`);
    }
    const max = Number(this.totalCount.max().item()), min = Number(this.totalCount.min().item());
    if (min !== max) throw new RangeError(`Binomial.${method}: inhomogeneous total count not supported`);
    return Math.trunc(max);
  }

  /** `-Σ_k p(k)·log p(k)` over `k = 0..totalCount` (one `totalCount` for the batch, as PyTorch). */
  override entropy(): Tensor {
    return this._call("entropy", () => {
      const lp = this.logProb(this.enumerateSupport(false));
      return this._out("entropy", lp.exp().mul(lp).sum(0).neg());
    });
  }

  /** `0..totalCount` of the parameters' dtype, shaped `[n + 1, 1, ...]` (expanded over the batch unless `expand` is false). */
  override enumerateSupport(expand = true): Tensor {
    return this._call("enumerateSupport", () => {
      const total = this.#homogeneousCount("enumerateSupport");
      const p = this[this._param];
      const values = arange(total + 1, { dtype: p.dtype, device: p.device }).view([
        -1,
        ...this.batchShape.map(() => 1),
      ]);
      return expand ? values.expand([-1, ...this.batchShape]) : values;
    });
  }
}
