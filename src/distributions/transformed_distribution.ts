/**
 * `TransformedDistribution(base, transforms)` (PyTorch 1.13's
 * `torch.distributions.TransformedDistribution`).
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { noGrad } from "../autograd/grad_mode.ts";
import { type Constraint, independent } from "./constraints.ts";
import { Distribution, type DistributionOptions } from "./distribution.ts";
import { Independent } from "./independent.ts";
import { ComposeTransform, Transform, type TransformSign } from "./transforms.ts";
import { fmtSize, sumRightmost } from "./utils.ts";

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * A base distribution pushed through transforms: a sample is `transforms` applied in order to a
 * base sample, and `logProb(y)` is the base's at `x = inv(y)` minus the transforms'
 * log-Jacobians. `LogNormal`, `HalfNormal`, `HalfCauchy`, `Gumbel` and `Pareto` are built on it,
 * as in PyTorch; seeded samples are the base's, transformed, so they equal PyTorch's.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const { TransformedDistribution, Normal, transforms } = torch.distributions;
 * const d = new TransformedDistribution(new Normal(0, 1), [new transforms.ExpTransform()]); // a log-normal
 * const lp = d.logProb(torch.tensor([1.0]));
 * assertEquals(torch.allclose(lp, torch.tensor([-0.9189385])), true);
 * assertEquals(d.sample([4]).shape, [4]);
 * ```
 */
export class TransformedDistribution extends Distribution {
  /** The base distribution (an `Independent` of it where the transforms need more event dims). */
  readonly baseDist!: Distribution;
  /** The transforms, applied first to last. */
  readonly transforms!: readonly Transform[];

  /** `base` through `transforms` (one Transform or an array). */
  constructor(
    baseDistribution: Distribution,
    transforms: Transform | readonly Transform[],
    opts: DistributionOptions = {},
  ) {
    const op = new.target.name;
    if (!(baseDistribution instanceof Distribution)) {
      throw new TypeError(`${op}: expected a Distribution as the base distribution`);
    }
    let list: Transform[];
    if (transforms instanceof Transform) list = [transforms];
    else if (Array.isArray(transforms)) {
      if (!transforms.every((t) => t instanceof Transform)) {
        throw new TypeError(`${op}: transforms must be a Transform or an array of Transforms`);
      }
      list = [...transforms];
    } else {throw new TypeError(
        `${op}: transforms must be a Transform or an array, but was ${String(transforms)}`,
      );}
    let base = baseDistribution;
    const baseShape = [...base.batchShape, ...base.eventShape];
    const baseEventDim = base.eventShape.length;
    const transform = new ComposeTransform(list);
    const domainEventDim = transform.domain.eventDim;
    if (baseShape.length < domainEventDim) {
      throw new RangeError(
        `${op}: base_distribution needs to have shape with size at least ${domainEventDim}, but got ${
          fmtSize(baseShape)
        }`,
      );
    }
    const shape = transform.forwardShape(baseShape);
    const expandedBaseShape = transform.inverseShape(shape);
    if (!sameShape(baseShape, expandedBaseShape)) {
      base = base.expand(expandedBaseShape.slice(0, expandedBaseShape.length - baseEventDim));
    }
    const reinterpreted = domainEventDim - baseEventDim;
    if (reinterpreted > 0) base = new Independent(base, reinterpreted);
    const eventDim = transform.codomain.eventDim + Math.max(baseEventDim - domainEventDim, 0);
    const cut = shape.length - eventDim;
    super(shape.slice(0, cut), shape.slice(cut), opts);
    Object.assign(this, { baseDist: base, transforms: list });
  }

  /** None of its own (subclasses name their parameters). */
  get argConstraints(): Record<string, Constraint> {
    return {};
  }
  /** The last transform's codomain (over the event dims), or the base's support without transforms. */
  override get support(): Constraint {
    if (this.transforms.length === 0) return this.baseDist.support;
    const support = this.transforms[this.transforms.length - 1].codomain;
    return this.eventShape.length > support.eventDim
      ? independent(support, this.eventShape.length - support.eventDim)
      : support;
  }
  /** The base's. */
  override get hasRsample(): boolean {
    return this.baseDist.hasRsample;
  }
  /** Not available in closed form (as in PyTorch); the named families define it. */
  override get mean(): Tensor {
    throw new TypeError(
      `${this.constructor.name}.mean: a TransformedDistribution has no closed-form mean (as in PyTorch)`,
    );
  }
  /** Not available in closed form (as in PyTorch); the named families define it. */
  override get mode(): Tensor {
    throw new TypeError(
      `${this.constructor.name}.mode: a TransformedDistribution has no closed-form mode (as in PyTorch)`,
    );
  }
  /** Not available in closed form (as in PyTorch); the named families define it. */
  override get variance(): Tensor {
    throw new TypeError(
      `${this.constructor.name}.variance: a TransformedDistribution has no closed-form variance (as in PyTorch)`,
    );
  }
  /** Not available in closed form (as in PyTorch); the named families define it. */
  override entropy(): Tensor {
    throw new TypeError(
      `${this.constructor.name}.entropy: a TransformedDistribution has no closed-form entropy (as in PyTorch)`,
    );
  }

  /** The same transforms over the base expanded to match `batchShape`. */
  expand(batchShape: readonly number[]): TransformedDistribution {
    return this._call("expand", () => {
      let shape = [...batchShape, ...this.eventShape];
      for (const t of [...this.transforms].reverse()) shape = t.inverseShape(shape);
      const baseBatch = shape.slice(0, shape.length - this.baseDist.eventShape.length);
      return this._expanded<TransformedDistribution>(batchShape, {
        ...this._expandFields(batchShape),
        baseDist: this.baseDist.expand(baseBatch),
      });
    });
  }

  /** @internal The subclass's own fields expanded (Gumbel's `loc`, Pareto's `alpha`, ...). */
  _expandFields(_batchShape: readonly number[]): Record<string, unknown> {
    return { transforms: this.transforms };
  }

  /** A base sample through the transforms, without gradient. */
  override sample(sampleShape: readonly number[] | number = []): Tensor {
    // The transforms run outside this call's frame: what they cache (cacheSize 1) stays readable.
    const x = this._call("sample", () => this.baseDist.sample(sampleShape));
    return this._out("sample", noGrad(() => this.transforms.reduce((v, t) => t.call(v), x)));
  }

  /** A reparameterized base sample through the transforms (where the base has `rsample`). */
  override rsample(sampleShape: readonly number[] | number = []): Tensor {
    const x = this._call("rsample", () => this.baseDist.rsample(sampleShape));
    return this._out("rsample", this.transforms.reduce((v, t) => t.call(v), x));
  }

  /** The base's log-density at the inverse image minus the transforms' log-Jacobians. */
  override logProb(value: Tensor): Tensor {
    return this._call("logProb", () => {
      const checks = this._validateSample("logProb", value);
      let eventDim = this.eventShape.length;
      let logProb: Tensor | null = null;
      let y = value;
      for (const t of [...this.transforms].reverse()) {
        const x = t.inv.call(y);
        eventDim += t.domain.eventDim - t.codomain.eventDim;
        const term = sumRightmost(t.logAbsDetJacobian(x, y), eventDim - t.domain.eventDim);
        logProb = logProb === null ? term.neg() : logProb.sub(term);
        y = x;
      }
      const base = sumRightmost(this.baseDist.logProb(y), eventDim - this.baseDist.eventShape.length);
      return this._out("logProb", logProb === null ? base : logProb.add(base), checks);
    });
  }

  /** `sign·(value - 1/2) + 1/2` with the product of the transforms' signs (decreasing maps flip the cdf). */
  _monotonizeCdf(value: Tensor): Tensor {
    let sign: TransformSign = 1;
    for (const t of this.transforms) {
      const s = t.sign;
      sign = typeof sign === "number" && typeof s === "number"
        ? sign * s
        : typeof sign !== "number"
        ? sign.mul(s)
        : (s as Tensor).mul(sign);
    }
    if (sign === 1) return value;
    return value.sub(0.5).mul(sign).add(0.5);
  }

  /** The base's cdf at the inverse image (monotonized by the transforms' signs). */
  override cdf(value: Tensor): Tensor {
    return this._call("cdf", () => {
      let v = value;
      for (const t of [...this.transforms].reverse()) v = t.inv.call(v);
      const checks = this.baseDist._validateSample("cdf", v);
      return this._out("cdf", this._monotonizeCdf(this.baseDist.cdf(v)), checks);
    });
  }

  /** The base's icdf (of the monotonized value) through the transforms. */
  override icdf(value: Tensor): Tensor {
    return this._call("icdf", () => {
      const v = this.baseDist.icdf(this._monotonizeCdf(value));
      return this._out("icdf", this.transforms.reduce((x, t) => t.call(x), v));
    });
  }
}
