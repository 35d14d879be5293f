/**
 * `Categorical({ probs } | { logits })` (PyTorch 1.13's `torch.distributions.Categorical`).
 * @module
 */
import { Tensor } from "../tensor.ts";
import { isFloating } from "../dtype.ts";
import { arange, full, tensor } from "../creation.ts";
import { defaultGenerator } from "../random.ts";
import { multinomial } from "../ops/random_fill.ts";
import { broadcastShapes, numelOf } from "../shape.ts";
import { type Constraint, integerInterval, realVector, simplex } from "./constraints.ts";
import { Distribution } from "./distribution.ts";
import type { ProbsOrLogits } from "./bernoulli.ts";
import { finfoMin, logitsToProbs, probsOrLogits, probsToLogits } from "./utils.ts";

/**
 * A distribution over the categories `0..K-1` of the last dim of `probs` (non-negative,
 * normalised to sum to 1) or `logits` (unnormalised log-probabilities); the other dims are the
 * batch. Samples are int32 category indices (PyTorch's are int64). `sample` is
 * `torch.multinomial(probs2d, n, true).T`: after `torch.manualSeed(s)` the CPU samples are
 * PyTorch's for the same seed. On the GPU the same uniforms pick the categories on the device
 * (equal to the CPU's but where a uniform rounds across a cumulative probability in float32).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const logits = torch.tensor([1.0, 2.0, 0.5], { requiresGrad: true });
 * const m = new torch.distributions.Categorical({ logits });
 * const action = m.sample(); // a 0-d int32 tensor
 * assertEquals(action.shape, []);
 * m.logProb(torch.tensor(1, { dtype: "int32" })).backward(); // REINFORCE: ∇ log π(a)
 * assertEquals(torch.allclose(logits.grad!, torch.tensor([0, 1, 0]).sub(m.probs)), true);
 * ```
 */
export class Categorical extends Distribution {
  /** The normalised probabilities (the last dim sums to 1). */
  readonly probs!: Tensor;
  /** The normalised log-probabilities. */
  readonly logits!: Tensor;
  /** @internal Which parameter was given. */
  readonly _param!: "probs" | "logits";
  /** @internal The number of categories. */
  readonly _numEvents!: number;

  /** `Categorical({ probs })` or `Categorical({ logits })`, at least 1-D; validates the one given. */
  constructor(params: ProbsOrLogits) {
    const given = probsOrLogits("Categorical", params);
    const raw = params[given] as Tensor;
    if (!(raw instanceof Tensor)) {
      throw new TypeError(
        `Categorical: \`${given}\` must be a Tensor, got ${raw === null ? "null" : typeof raw}`,
      );
    }
    // JavaScript cannot tell 1.0 from 1: integer tensors count as float32.
    const value = isFloating(raw.dtype) ? raw : raw.float();
    if (value.ndim < 1) {
      throw new RangeError(`Categorical: \`${given}\` parameter must be at least one-dimensional`);
    }
    super(value.ndim > 1 ? value.shape.slice(0, -1) : [], [], params);
    const both = this._call("constructor", () => {
      if (given === "probs") {
        const probs = value.div(value.sum(-1, { keepdim: true }));
        return { probs, logits: probsToLogits(probs) };
      }
      const logits = value.sub(value.logsumexp(-1, { keepdim: true }));
      return { probs: logitsToProbs(logits), logits };
    });
    Object.assign(this, both);
    Object.defineProperty(this, "_param", { value: given, enumerable: false });
    Object.defineProperty(this, "_numEvents", { value: value.shape[value.ndim - 1], enumerable: false });
    this._checkParams();
  }

  /** `{ probs: simplex, logits: realVector }` (only the given one is checked). */
  get argConstraints(): Record<string, Constraint> {
    return { probs: simplex, logits: realVector };
  }
  /** @internal */
  override _given(name: string): boolean {
    return name === this._param;
  }
  /** The integers `0..K-1`. */
  override get support(): Constraint {
    return integerInterval(0, this._numEvents - 1);
  }
  /** True. */
  override get hasEnumerateSupport(): boolean {
    return true;
  }
  /** The shape of the given parameter (`batchShape + [K]`). */
  get paramShape(): number[] {
    return [...this[this._param].shape];
  }
  /** NaN (categories are not numbers), of shape `batchShape`. */
  override get mean(): Tensor {
    return full(this.extendedShape(), NaN, { dtype: this.probs.dtype, device: this.probs.device });
  }
  /** NaN, of shape `batchShape`. */
  override get variance(): Tensor {
    return full(this.extendedShape(), NaN, { dtype: this.probs.dtype, device: this.probs.device });
  }
  /** The most probable category. */
  override get mode(): Tensor {
    return this._call("mode", () => this.probs.argmax(-1));
  }

  /** `Categorical` with its parameters expanded to `batchShape + [K]`. */
  expand(batchShape: readonly number[]): Categorical {
    return this._call("expand", () => {
      const shape = [...batchShape, this._numEvents];
      const out = this._expanded<Categorical>(batchShape, {
        probs: this.probs.expand(shape),
        logits: this.logits.expand(shape),
      });
      Object.defineProperty(out, "_param", { value: this._param, enumerable: false });
      Object.defineProperty(out, "_numEvents", { value: this._numEvents, enumerable: false });
      return out;
    });
  }

  /** Category indices (int32) of shape `sampleShape + batchShape`, without gradient. */
  override sample(sampleShape: readonly number[] | number = []): Tensor {
    return this._call("sample", () => {
      const extended = this.extendedShape(sampleShape);
      const k = this._numEvents;
      const n = numelOf(extended.slice(0, extended.length - this.batchShape.length));
      const probs2d = this.probs.detach().reshape([-1, k]);
      const rows = probs2d.shape[0];
      if (n === 0 || rows === 0) {
        return this._out("sample", tensor([], { dtype: "int32", device: probs2d.device }).reshape(extended));
      }
      let samples2d: Tensor;
      if (probs2d.device === "cpu") {
        samples2d = multinomial(probs2d, n, { replacement: true });
      } else {
        // PyTorch's draws with replacement: one double per sample, row by row, then the first
        // category whose normalised cumulative probability is not below it.
        const u = new Float32Array(rows * n);
        for (let i = 0; i < u.length; i++) u[i] = defaultGenerator.nextDouble();
        const draws = tensor(u, { device: probs2d.device }).reshape([rows, n, 1]);
        const cum = probs2d.cumsum(-1);
        const normalised = cum.div(cum.narrow(-1, k - 1, 1)).unsqueeze(1);
        samples2d = normalised.lt(draws).sum(-1).clamp(null, k - 1).to("int32");
      }
      return this._out("sample", samples2d.transpose(0, 1).reshape(extended));
    });
  }

  /** The log-probability of category `value` (integers, broadcast with the batch). */
  override logProb(value: Tensor): Tensor {
    return this._call("logProb", () => {
      const checks = this._validateSample("logProb", value);
      // With a device check pending, the check reports a bad value, not the gather's own guard.
      const int = value.to("int32");
      const v = (checks.length > 0 ? int.clamp(0, this._numEvents - 1) : int).unsqueeze(-1);
      const shape = broadcastShapes("Categorical.logProb", v.shape, this.logits.shape);
      const lead = shape.slice(0, -1);
      const picked = this.logits.expand([...lead, this._numEvents]).gather(-1, v.expand([...lead, 1]));
      return this._out("logProb", picked.squeeze(-1), checks);
    });
  }

  /** `-Σ probs·log(probs)` over the categories. */
  override entropy(): Tensor {
    return this._call("entropy", () => {
      const logits = this.logits.clamp(finfoMin(this.logits.dtype));
      return this._out("entropy", logits.mul(this.probs).sum(-1).neg());
    });
  }

  /** `0..K-1` (int32), shaped `[K, 1, ...]` and expanded over the batch unless `expand` is false. */
  override enumerateSupport(expand = true): Tensor {
    return this._call("enumerateSupport", () => {
      const values = arange(this._numEvents, { dtype: "int32", device: this.probs.device })
        .view([-1, ...this.batchShape.map(() => 1)]);
      return expand ? values.expand([-1, ...this.batchShape]) : values;
    });
  }
}
