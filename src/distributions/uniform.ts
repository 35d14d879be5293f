/**
 * `Uniform(low, high)` (PyTorch 1.13's `torch.distributions.Uniform`).
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { rand } from "../creation.ts";
import { type Constraint, dependent, interval } from "./constraints.ts";
import { Distribution, type DistributionOptions } from "./distribution.ts";
import { broadcastAll } from "./utils.ts";

/**
 * The uniform distribution on the half-open interval `[low, high)` (numbers or tensors, broadcast
 * together). `rsample` (and `sample`) is `low + rand(shape)·(high - low)`: after
 * `torch.manualSeed(s)` the samples are PyTorch's for the same seed on the CPU stream.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const u = new torch.distributions.Uniform(torch.tensor([0.0, -1.0]), torch.tensor([2.0, 3.0]));
 * assertEquals(torch.allclose(u.logProb(torch.tensor([1.0, 0.0])), torch.tensor([-Math.log(2), -Math.log(4)])), true);
 * assertEquals(torch.allclose(u.entropy().exp(), torch.tensor([2.0, 4.0])), true);
 * const x = u.sample([5]);
 * assertEquals(x.shape, [5, 2]);
 * ```
 */
export class Uniform extends Distribution {
  /** The lower bound (inclusive). */
  readonly low!: Tensor;
  /** The upper bound (exclusive). */
  readonly high!: Tensor;

  /** `Uniform(low, high)`; with validation, every `low < high` (else a RangeError). */
  constructor(low: Tensor | number, high: Tensor | number, opts: DistributionOptions = {}) {
    const [lo, hi] = broadcastAll("Uniform", ["low", "high"], [low, high]);
    super(typeof low === "number" && typeof high === "number" ? [] : lo.shape, [], opts);
    Object.assign(this, { low: lo, high: hi });
    if (this._validateArgs) {
      const ok = this._call("constructor", () => lo.lt(hi).all());
      if (lo.device === "cpu") {
        if (!ok.item()) {
          throw new RangeError(
            `Uniform: Uniform is not defined when low >= high (low ${lo}, high ${hi}; the constraint is low < high)`,
          );
        }
      } else {
        this._deviceChecks.push({
          valid: ok.float(),
          message: "Uniform: Uniform is not defined when low >= high (the constraint is low < high)",
        });
      }
    }
  }

  /** `{ low: dependent, high: dependent }`: they are checked together (`low < high`). */
  get argConstraints(): Record<string, Constraint> {
    return { low: dependent, high: dependent };
  }
  /** `[low, high]` (PyTorch's `interval(low, high)`). */
  override get support(): Constraint {
    return interval(this.low, this.high);
  }
  /** True. */
  override get hasRsample(): boolean {
    return true;
  }
  /** `(high + low)/2`. */
  override get mean(): Tensor {
    return this._call("mean", () => this.high.add(this.low).div(2));
  }
  /** NaN (every point is a mode). */
  override get mode(): Tensor {
    return this._call("mode", () => this.high.mul(NaN));
  }
  /** `(high - low)/√12`. */
  override get stddev(): Tensor {
    return this._call("stddev", () => this.high.sub(this.low).div(12 ** 0.5));
  }
  /** `(high - low)²/12`. */
  override get variance(): Tensor {
    return this._call("variance", () => this.high.sub(this.low).pow(2).div(12));
  }

  /** `Uniform` with `low` and `high` expanded to `batchShape`. */
  expand(batchShape: readonly number[]): Uniform {
    return this._call("expand", () =>
      this._expanded<Uniform>(batchShape, {
        low: this.low.expand([...batchShape]),
        high: this.high.expand([...batchShape]),
      }));
  }

  /** A reparameterized sample `low + rand(shape)·(high - low)`. */
  override rsample(sampleShape: readonly number[] | number = []): Tensor {
    return this._call("rsample", () => {
      const shape = this.extendedShape(sampleShape);
      const u = rand(shape, { dtype: this.low.dtype, device: this.low.device });
      return this._out("rsample", this.low.add(u.mul(this.high.sub(this.low))));
    });
  }

  /** `log(low <= value < high) - log(high - low)`. */
  override logProb(value: Tensor): Tensor {
    return this._call("logProb", () => {
      const checks = this._validateSample("logProb", value);
      const lb = this.low.le(value).to(this.low.dtype);
      const ub = this.high.gt(value).to(this.low.dtype);
      return this._out("logProb", lb.mul(ub).log().sub(this.high.sub(this.low).log()), checks);
    });
  }

  /** `((value - low)/(high - low))` clamped to [0, 1]. */
  override cdf(value: Tensor): Tensor {
    return this._call("cdf", () => {
      const checks = this._validateSample("cdf", value);
      return this._out("cdf", value.sub(this.low).div(this.high.sub(this.low)).clamp(0, 1), checks);
    });
  }

  /** `value·(high - low) + low`. */
  override icdf(value: Tensor): Tensor {
    return this._call("icdf", () => this._out("icdf", value.mul(this.high.sub(this.low)).add(this.low)));
  }

  /** `log(high - low)`. */
  override entropy(): Tensor {
    return this._call("entropy", () => this._out("entropy", this.high.sub(this.low).log()));
  }
}
