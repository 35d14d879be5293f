/**
 * `Geometric({ probs } | { logits })` (PyTorch 1.13's `torch.distributions.Geometric`).
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { empty, zerosLike } from "../creation.ts";
import { uniform_ } from "../ops/random_fill.ts";
import { where } from "../ops/elementwise.ts";
import { noGrad } from "../autograd/grad_mode.ts";
import { binaryCrossEntropyWithLogits } from "../nn/loss_pointwise.ts";
import { type Constraint, real, unitInterval } from "./constraints.ts";
import { nonnegativeInteger } from "./constraints_more.ts";
import { Distribution } from "./distribution.ts";
import type { ProbsOrLogits } from "./bernoulli.ts";
import { broadcastAll, finfoTiny, logitsToProbs, probsOrLogits, probsToLogits } from "./utils.ts";

/**
 * The number of failures before the first success of Bernoulli trials of success probability
 * `probs` (or `sigmoid(logits)`): 0, 1, 2, ... `sample` draws `u` by `uniform_(tiny, 1)` and
 * returns `floor(log(u) / log1p(-probs))`, as PyTorch: after `torch.manualSeed(s)` the samples
 * are PyTorch's for the same seed.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const g = new torch.distributions.Geometric({ probs: torch.tensor([0.5, 0.25]) });
 * assertEquals(torch.allclose(g.logProb(torch.tensor([0, 2])), torch.tensor([Math.log(0.5), Math.log(0.25 * 0.75 ** 2)])), true);
 * assertEquals(g.mean.toArray(), [1, 3]);
 * ```
 */
export class Geometric extends Distribution {
  /** The success probability of each trial. */
  readonly probs!: Tensor;
  /** Its log-odds. */
  readonly logits!: Tensor;
  /** @internal Which parameter was given. */
  readonly _param!: "probs" | "logits";

  /** `Geometric({ probs })` (validated in (0, 1]) or `Geometric({ logits })`. */
  constructor(params: ProbsOrLogits) {
    const given = probsOrLogits("Geometric", params);
    const value = params[given]!;
    const [p] = broadcastAll("Geometric", [given], [value]);
    super(typeof value === "number" ? [] : p.shape, [], params);
    const other = this._call(
      "constructor",
      () => given === "probs" ? probsToLogits(p, true) : logitsToProbs(p, true),
    );
    Object.assign(this, given === "probs" ? { probs: p, logits: other } : { probs: other, logits: p });
    Object.defineProperty(this, "_param", { value: given, enumerable: false });
    this._checkParams();
    if (this._validateArgs && given === "probs") {
      const ok = this._call("constructor", () => p.gt(0).all());
      const message = `Geometric: expected parameter probs (Tensor of shape [${
        p.shape.join(", ")
      }]) of distribution ${this} to be positive but found invalid values`;
      if (p.device === "cpu") {
        if (!ok.item()) throw new RangeError(`${message}:\n${p}`);
      } else this._deviceChecks.push({ valid: ok.float(), message });
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
  /** The integers 0, 1, 2, ... */
  override get support(): Constraint {
    return nonnegativeInteger;
  }
  /** `1/probs - 1`. */
  override get mean(): Tensor {
    return this._call("mean", () => this.probs.reciprocal().sub(1));
  }
  /** 0. */
  override get mode(): Tensor {
    return this._call("mode", () => zerosLike(this.probs));
  }
  /** `(1/probs - 1)/probs`. */
  override get variance(): Tensor {
    return this._call("variance", () => this.probs.reciprocal().sub(1).div(this.probs));
  }

  /** `Geometric` with its parameters expanded to `batchShape`. */
  expand(batchShape: readonly number[]): Geometric {
    return this._call("expand", () => {
      const out = this._expanded<Geometric>(batchShape, {
        probs: this.probs.expand([...batchShape]),
        logits: this.logits.expand([...batchShape]),
      });
      Object.defineProperty(out, "_param", { value: this._param, enumerable: false });
      return out;
    });
  }

  /** Samples without gradient: `floor(log(u) / log1p(-probs))`, `u` from `uniform_(tiny, 1)`. */
  override sample(sampleShape: readonly number[] | number = []): Tensor {
    return this._call("sample", () => {
      const shape = this.extendedShape(sampleShape);
      const dtype = this.probs.dtype;
      return noGrad(() => {
        const u = uniform_(empty(shape, { dtype, device: this.probs.device }), finfoTiny(dtype), 1);
        return this._out("sample", u.log().div(this.probs.neg().log1p()).floor());
      });
    });
  }

  /** `value·log1p(-probs) + log(probs)` (0·log(0) taken as 0 where `probs` is 1). */
  override logProb(value: Tensor): Tensor {
    return this._call("logProb", () => {
      const checks = this._validateSample("logProb", value);
      const [v, p] = broadcastAll("Geometric.logProb", ["value", "probs"], [value, this.probs]);
      const probs = where(p.eq(1).logicalAnd(v.eq(0)), zerosLike(p), p);
      return this._out("logProb", v.mul(probs.neg().log1p()).add(this.probs.log()), checks);
    });
  }

  /** `binaryCrossEntropyWithLogits(logits, probs)/probs`. */
  override entropy(): Tensor {
    return this._call("entropy", () =>
      this._out(
        "entropy",
        binaryCrossEntropyWithLogits(this.logits, this.probs, { reduction: "none" }).div(this.probs),
      ));
  }
}
