/**
 * `Poisson(rate)` (PyTorch 1.13's `torch.distributions.Poisson`).
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { where } from "../ops/elementwise.ts";
import { onesLike, zerosLike } from "../creation.ts";
import { lgamma } from "../special/gamma.ts";
import { poisson } from "../ops/random_fill_more.ts";
import type { Constraint } from "./constraints.ts";
import { nonnegative, nonnegativeInteger } from "./constraints_more.ts";
import { Distribution, type DistributionOptions } from "./distribution.ts";
import { broadcastAll } from "./utils.ts";

/**
 * The Poisson distribution of rate `rate`: counts 0, 1, 2, ... `sample` is
 * `torch.poisson(rate.expand(shape))`: after `torch.manualSeed(s)` the samples are PyTorch's
 * (the rates are read on the CPU, so a GPU distribution samples on the CPU and uploads).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const d = new torch.distributions.Poisson(torch.tensor([1, 4]));
 * assertEquals(torch.allclose(d.logProb(torch.tensor([0, 2])), torch.tensor([-1, 2 * Math.log(4) - 4 - Math.log(2)])), true);
 * torch.manualSeed(0);
 * assertEquals(d.sample().toArray(), [2, 5]); // as PyTorch
 * ```
 */
export class Poisson extends Distribution {
  /** The rate (mean). */
  readonly rate!: Tensor;

  /** `Poisson(rate)`; validates `rate >= 0` unless `validateArgs: false`. */
  constructor(rate: Tensor | number, opts: DistributionOptions = {}) {
    const [r] = broadcastAll("Poisson", ["rate"], [rate]);
    super(typeof rate === "number" ? [] : r.shape, [], opts);
    Object.assign(this, { rate: r });
    this._checkParams();
  }

  /** `{ rate: nonnegative }`. */
  get argConstraints(): Record<string, Constraint> {
    return { rate: nonnegative };
  }
  /** The integers 0, 1, 2, ... */
  override get support(): Constraint {
    return nonnegativeInteger;
  }
  /** `rate`. */
  override get mean(): Tensor {
    return this.rate;
  }
  /** `floor(rate)`. */
  override get mode(): Tensor {
    return this._call("mode", () => this.rate.floor());
  }
  /** `rate`. */
  override get variance(): Tensor {
    return this.rate;
  }
  /** Not available: PyTorch 1.13's Poisson has no entropy either (it raises NotImplementedError). */
  override entropy(): Tensor {
    throw new TypeError(
      "Poisson.entropy: Poisson has no entropy (PyTorch 1.13 raises NotImplementedError too)",
    );
  }

  /** `Poisson` with `rate` expanded to `batchShape`. */
  expand(batchShape: readonly number[]): Poisson {
    return this._call(
      "expand",
      () => this._expanded<Poisson>(batchShape, { rate: this.rate.expand([...batchShape]) }),
    );
  }

  /** Counts without gradient: `torch.poisson(rate.expand(shape))` (drawn on the CPU). */
  override sample(sampleShape: readonly number[] | number = []): Tensor {
    return this._call("sample", () => {
      const shape = this.extendedShape(sampleShape);
      const rate = this.rate.detach();
      if (rate.device !== "cpu") {
        throw new Error(
          "Poisson.sample: the rates must be on the CPU to draw PyTorch's samples (torch.poisson reads them); " +
            "build the distribution from `await rate.cpuAsync()`",
        );
      }
      return this._out("sample", poisson(rate.expand(shape).contiguous()));
    });
  }

  /** `value·log(rate) - rate - log(value!)` (`0·log 0` taken as 0). */
  override logProb(value: Tensor): Tensor {
    return this._call("logProb", () => {
      const checks = this._validateSample("logProb", value);
      const [rate, v] = broadcastAll("Poisson.logProb", ["rate", "value"], [this.rate, value]);
      const zero = v.eq(0);
      const xlogy = where(zero, zerosLike(v), v.mul(where(zero, onesLike(rate), rate).log()));
      return this._out("logProb", xlogy.sub(rate).sub(lgamma(v.add(1))), checks);
    });
  }
}
