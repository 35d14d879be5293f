/**
 * `Independent(base, reinterpretedBatchNdims)` (PyTorch 1.13's `torch.distributions.Independent`).
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { type Constraint, independent } from "./constraints.ts";
import { Distribution, type DistributionOptions } from "./distribution.ts";
import { sumRightmost } from "./utils.ts";

/**
 * Reinterprets the rightmost `reinterpretedBatchNdims` batch dims of `base` as event dims:
 * `logProb` and `entropy` sum over them (a diagonal Gaussian from a batch of `Normal`s).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const { Normal, Independent } = torch.distributions;
 * const diag = new Independent(new Normal(torch.zeros(4, 3), torch.ones(4, 3)), 1);
 * assertEquals([diag.batchShape, diag.eventShape], [[4], [3]]);
 * assertEquals(diag.logProb(torch.zeros(4, 3)).shape, [4]);
 * ```
 */
export class Independent extends Distribution {
  /** The distribution whose batch dims are reinterpreted. */
  readonly baseDist!: Distribution;
  /** How many rightmost batch dims became event dims. */
  readonly reinterpretedBatchNdims!: number;

  /** `Independent(base, reinterpretedBatchNdims)`. */
  constructor(
    baseDistribution: Distribution,
    reinterpretedBatchNdims: number,
    opts: DistributionOptions = {},
  ) {
    if (!(baseDistribution instanceof Distribution)) {
      throw new TypeError(`Independent: expected a Distribution, got ${typeof baseDistribution}`);
    }
    const n = reinterpretedBatchNdims;
    if (!Number.isInteger(n) || n < 0) {
      throw new RangeError(`Independent: reinterpretedBatchNdims must be a non-negative integer, got ${n}`);
    }
    if (n > baseDistribution.batchShape.length) {
      throw new RangeError(
        `Independent: expected reinterpretedBatchNdims <= len(base_distribution.batch_shape), actual ${n} vs ${baseDistribution.batchShape.length}`,
      );
    }
    const shape = [...baseDistribution.batchShape, ...baseDistribution.eventShape];
    const eventDim = n + baseDistribution.eventShape.length;
    super(shape.slice(0, shape.length - eventDim), shape.slice(shape.length - eventDim), opts);
    Object.assign(this, { baseDist: baseDistribution, reinterpretedBatchNdims: n });
  }

  /** `{}`. */
  get argConstraints(): Record<string, Constraint> {
    return {};
  }
  /** The base's support over the reinterpreted dims. */
  override get support(): Constraint {
    const s = this.baseDist.support;
    return this.reinterpretedBatchNdims ? independent(s, this.reinterpretedBatchNdims) : s;
  }
  /** The base's. */
  override get hasRsample(): boolean {
    return this.baseDist.hasRsample;
  }
  /** The base's when no dims are reinterpreted. */
  override get hasEnumerateSupport(): boolean {
    return this.reinterpretedBatchNdims > 0 ? false : this.baseDist.hasEnumerateSupport;
  }
  /** The base's mean. */
  override get mean(): Tensor {
    return this.baseDist.mean;
  }
  /** The base's mode. */
  override get mode(): Tensor {
    return this.baseDist.mode;
  }
  /** The base's variance. */
  override get variance(): Tensor {
    return this.baseDist.variance;
  }

  /** `Independent` over the base expanded to `batchShape` plus the reinterpreted dims. */
  expand(batchShape: readonly number[]): Independent {
    return this._call("expand", () =>
      this._expanded<Independent>(batchShape, {
        baseDist: this.baseDist.expand([
          ...batchShape,
          ...this.eventShape.slice(0, this.reinterpretedBatchNdims),
        ]),
        reinterpretedBatchNdims: this.reinterpretedBatchNdims,
      }));
  }

  /** The base's sample. */
  override sample(sampleShape: readonly number[] | number = []): Tensor {
    return this.baseDist.sample(sampleShape);
  }
  /** The base's reparameterized sample. */
  override rsample(sampleShape: readonly number[] | number = []): Tensor {
    return this.baseDist.rsample(sampleShape);
  }
  /** The base's log-probability summed over the reinterpreted dims. */
  override logProb(value: Tensor): Tensor {
    return this._call(
      "logProb",
      () => sumRightmost(this.baseDist.logProb(value), this.reinterpretedBatchNdims),
    );
  }
  /** The base's entropy summed over the reinterpreted dims. */
  override entropy(): Tensor {
    return this._call("entropy", () => sumRightmost(this.baseDist.entropy(), this.reinterpretedBatchNdims));
  }
  /** The base's, when no dims are reinterpreted. */
  override enumerateSupport(expand = true): Tensor {
    if (this.reinterpretedBatchNdims > 0) {
      throw new TypeError(
        `Independent.enumerateSupport: with ${this.reinterpretedBatchNdims} reinterpreted dims the ` +
          "support is the cartesian product of the base's supports, which is not enumerated (its size " +
          "grows exponentially; PyTorch refuses it too, and hasEnumerateSupport is false)",
      );
    }
    return this.baseDist.enumerateSupport(expand);
  }
  /** `Independent(base, n)`. */
  override toString(): string {
    return `Independent(${this.baseDist}, ${this.reinterpretedBatchNdims})`;
  }
}
