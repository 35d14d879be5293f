/**
 * The constraints of `torch.distributions.constraints` the distributions here use: what a
 * parameter or a sample must satisfy. `check(value)` returns a bool tensor (`true` where valid);
 * `String(constraint)` is PyTorch's repr (`GreaterThan(lower_bound=0.0)`), which the validation
 * errors name.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const { constraints } = torch.distributions;
 * assertEquals(constraints.positive.check(torch.tensor([1, 0, -1])).toArray(), [true, false, false]);
 * assertEquals(String(constraints.unitInterval), "Interval(lower_bound=0.0, upper_bound=1.0)");
 * ```
 * @module
 */
import { Tensor } from "../tensor.ts";
import { backendOf, contiguousStorage, temp, wrap } from "../ops/dispatch.ts";
import { inFrameOf } from "../memory.ts";
import { full } from "../creation.ts";
import { isclose } from "../ops/logical.ts";
import { diagonal } from "../ops/rearrange.ts";
import { tril } from "../ops/indexing.ts";
import { transpose } from "../ops/movement.ts";
import { numelOf } from "../shape.ts";
import { fmtTensor } from "./utils.ts";

/** A number as Python prints a float (`0.0`, `1.5`) or a tensor bound as PyTorch prints it. */
function fmtBound(v: number | Tensor): string {
  if (v instanceof Tensor) return fmtTensor(v);
  return Number.isInteger(v) ? v.toFixed(1) : String(v);
}

/**
 * A region of values: `check(value)` says, per element (or per event for constraints with an
 * `eventDim`), whether `value` lies in it.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const c = torch.distributions.constraints.interval(0, 2);
 * assertEquals(c.check(torch.tensor([0, 2, 3])).toArray(), [true, true, false]);
 * assertEquals(c.isDiscrete, false);
 * ```
 */
export abstract class Constraint {
  /** Whether the region is a set of integers (or one-hot vectors). */
  get isDiscrete(): boolean {
    return false;
  }
  /** How many rightmost dims make one event (checked together). */
  get eventDim(): number {
    return 0;
  }
  /** A bool tensor: `true` where `value` satisfies the constraint. */
  abstract check(value: Tensor): Tensor;
  /** PyTorch's repr, e.g. `Real()`. */
  toString(): string {
    return `${this.constructor.name}()`;
  }
}

/**
 * A parameter whose valid values depend on other parameters (`Uniform`'s `low` and `high`): not
 * checked on its own.
 */
export class Dependent extends Constraint {
  /** Throws: the validity of a dependent constraint cannot be determined alone. */
  check(_value: Tensor): Tensor {
    throw new Error("Dependent: cannot determine validity of dependent constraints");
  }
  /** `Dependent()`. */
  override toString(): string {
    return "Dependent()";
  }
}

/** The extended real line: every value but NaN. */
export class Real extends Constraint {
  /** `value == value`. */
  check(value: Tensor): Tensor {
    return value.eq(value);
  }
}

/** `value > lowerBound`. */
export class GreaterThan extends Constraint {
  /** The bound. */
  readonly lowerBound: number;
  /** A constraint `value > lowerBound`. */
  constructor(lowerBound: number) {
    super();
    this.lowerBound = lowerBound;
  }
  /** `lowerBound < value`. */
  check(value: Tensor): Tensor {
    return value.gt(this.lowerBound);
  }
  /** `GreaterThan(lower_bound=...)`. */
  override toString(): string {
    return `GreaterThan(lower_bound=${fmtBound(this.lowerBound)})`;
  }
}

/** `lowerBound <= value <= upperBound`, bounds numbers or tensors. */
export class Interval extends Constraint {
  /** The lower bound. */
  readonly lowerBound: number | Tensor;
  /** The upper bound. */
  readonly upperBound: number | Tensor;
  /** A closed interval. */
  constructor(lowerBound: number | Tensor, upperBound: number | Tensor) {
    super();
    this.lowerBound = lowerBound;
    this.upperBound = upperBound;
  }
  /** `lowerBound <= value & value <= upperBound`. */
  check(value: Tensor): Tensor {
    return value.ge(this.lowerBound).logicalAnd(value.le(this.upperBound));
  }
  /** `Interval(lower_bound=..., upper_bound=...)`. */
  override toString(): string {
    return `Interval(lower_bound=${fmtBound(this.lowerBound)}, upper_bound=${fmtBound(this.upperBound)})`;
  }
}

/** The two values 0 and 1. */
export class BooleanConstraint extends Constraint {
  /** Discrete. */
  override get isDiscrete(): boolean {
    return true;
  }
  /** `value == 0 | value == 1`. */
  check(value: Tensor): Tensor {
    return value.eq(0).logicalOr(value.eq(1));
  }
  /** `Boolean()`. */
  override toString(): string {
    return "Boolean()";
  }
}

/** The integers `lowerBound..upperBound` (the upper bound a number or a tensor: Binomial's `totalCount`). */
export class IntegerInterval extends Constraint {
  /** The lower bound. */
  readonly lowerBound: number;
  /** The upper bound. */
  readonly upperBound: number | Tensor;
  /** The integers of [lowerBound, upperBound]. */
  constructor(lowerBound: number, upperBound: number | Tensor) {
    super();
    this.lowerBound = lowerBound;
    this.upperBound = upperBound;
  }
  /** Discrete. */
  override get isDiscrete(): boolean {
    return true;
  }
  /** `value % 1 == 0 & lowerBound <= value <= upperBound`. */
  check(value: Tensor): Tensor {
    const inRange = value.ge(this.lowerBound).logicalAnd(value.le(this.upperBound));
    if (value.dtype === "int32" || value.dtype === "uint8" || value.dtype === "bool") return inRange;
    return value.eq(value.floor()).logicalAnd(inRange);
  }
  /** `IntegerInterval(lower_bound=..., upper_bound=...)`. */
  override toString(): string {
    const hi = this.upperBound;
    return `IntegerInterval(lower_bound=${this.lowerBound}, upper_bound=${
      typeof hi === "number" ? hi : fmtTensor(hi)
    })`;
  }
}

/** Non-negative vectors (the last dim) summing to 1 (within 1e-6). */
export class Simplex extends Constraint {
  /** One event is the last dim. */
  override get eventDim(): number {
    return 1;
  }
  /** `all(value >= 0, -1) & |sum(value, -1) - 1| < 1e-6`. */
  check(value: Tensor): Tensor {
    return value.ge(0).all(-1).logicalAnd(value.sum(-1).sub(1).abs().lt(1e-6));
  }
}

/** One-hot vectors (the last dim): 0/1 entries summing to 1. */
export class OneHot extends Constraint {
  /** Discrete. */
  override get isDiscrete(): boolean {
    return true;
  }
  /** One event is the last dim. */
  override get eventDim(): number {
    return 1;
  }
  /** `all(value == 0 | value == 1, -1) & sum(value, -1) == 1`. */
  check(value: Tensor): Tensor {
    return value.eq(0).logicalOr(value.eq(1)).all(-1).logicalAnd(value.sum(-1).eq(1));
  }
}

/** `base` over events of `reinterpretedBatchNdims` more dims: valid where all their elements are. */
export class IndependentConstraint extends Constraint {
  /** The constraint of each element. */
  readonly baseConstraint: Constraint;
  /** How many batch dims count as event dims. */
  readonly reinterpretedBatchNdims: number;
  /** `base` with `reinterpretedBatchNdims` more event dims. */
  constructor(baseConstraint: Constraint, reinterpretedBatchNdims: number) {
    super();
    this.baseConstraint = baseConstraint;
    this.reinterpretedBatchNdims = reinterpretedBatchNdims;
    if (!Number.isInteger(reinterpretedBatchNdims) || reinterpretedBatchNdims < 0) {
      throw new RangeError(
        `IndependentConstraint: reinterpretedBatchNdims must be a non-negative integer, got ${reinterpretedBatchNdims}`,
      );
    }
  }
  /** The base's. */
  override get isDiscrete(): boolean {
    return this.baseConstraint.isDiscrete;
  }
  /** The base's event dims plus the reinterpreted ones. */
  override get eventDim(): number {
    return this.baseConstraint.eventDim + this.reinterpretedBatchNdims;
  }
  /** The base's check, all-reduced over the reinterpreted dims. */
  check(value: Tensor): Tensor {
    const result = this.baseConstraint.check(value);
    const n = this.reinterpretedBatchNdims;
    if (result.ndim < n) {
      throw new RangeError(
        `IndependentConstraint: expected value.dim() >= ${this.eventDim} but got ${value.ndim}`,
      );
    }
    if (n === 0) return result;
    return result.reshape([...result.shape.slice(0, result.ndim - n), -1]).all(-1);
  }
  /** `IndependentConstraint(base, n)`. */
  override toString(): string {
    return `IndependentConstraint(${this.baseConstraint}, ${this.reinterpretedBatchNdims})`;
  }
}

/**
 * Symmetric positive-definite matrices (`constraints.positive_definite`), checked per matrix as
 * PyTorch 1.13: square, symmetric within `atol` 1e-6, then a Cholesky factorisation that completes.
 */
export class PositiveDefinite extends Constraint {
  /** Two: one matrix is one event. */
  override get eventDim(): number {
    return 2;
  }
  /** A bool tensor of the batch shape: `true` where the matrix is positive-definite. */
  check(value: Tensor): Tensor {
    return inFrameOf(() => {
      if (value.ndim < 2) {
        throw new RangeError(`PositiveDefinite: expected value.dim() >= 2 but got ${value.ndim}`);
      }
      const [r, c] = value.shape.slice(-2), batchShape = value.shape.slice(0, -2);
      if (r !== c) return full(batchShape, false, { dtype: "bool", device: value.device });
      const sym = isclose(value, transpose(value, -2, -1), { atol: 1e-6 }).all(-1).all(-1);
      if (value.device === "cpu" && !sym.all().item()) return sym;
      const backend = backendOf("PositiveDefinite", value);
      if (!backend.cholesky) {
        throw new Error(`PositiveDefinite: the ${value.device} backend has no Cholesky factorisation`);
      }
      const batch = numelOf(batchShape);
      const { l, info } = backend.cholesky(contiguousStorage(value), batch, r);
      temp(l);
      const factored = wrap(info, batchShape).eq(0);
      return value.device === "cpu" ? factored : factored.logicalAnd(sym);
    });
  }
}

/** Lower-triangular matrices with a positive diagonal (`constraints.lower_cholesky`). */
export class LowerCholesky extends Constraint {
  /** Two: one matrix is one event. */
  override get eventDim(): number {
    return 2;
  }
  /** A bool tensor of the batch shape: `true` where the matrix is lower triangular, diagonal > 0. */
  check(value: Tensor): Tensor {
    if (value.ndim < 2) {
      throw new RangeError(`LowerCholesky: expected value.dim() >= 2 but got ${value.ndim}`);
    }
    const lower = tril(value).eq(value).all(-1).all(-1);
    return lower.logicalAnd(diagonal(value, 0, -2, -1).gt(0).all(-1));
  }
}

/** A placeholder for parameters checked together (`constraints.dependent`). */
export const dependent: Constraint = /* @__PURE__ */ new Dependent();
/** Every value but NaN (`constraints.real`). */
export const real: Constraint = /* @__PURE__ */ new Real();
/** Vectors of reals: `independent(real, 1)` (`constraints.real_vector`). */
export const realVector: Constraint = /* @__PURE__ */ new IndependentConstraint(real, 1);
/** `value > 0` (`constraints.positive`). */
export const positive: Constraint = /* @__PURE__ */ new GreaterThan(0);
/** [0, 1] (`constraints.unit_interval`). */
export const unitInterval: Constraint = /* @__PURE__ */ new Interval(0, 1);
/** {0, 1} (`constraints.boolean`). */
export const boolean: Constraint = /* @__PURE__ */ new BooleanConstraint();
/** Probability vectors (`constraints.simplex`). */
export const simplex: Constraint = /* @__PURE__ */ new Simplex();
/** One-hot vectors (`constraints.one_hot`). */
export const oneHot: Constraint = /* @__PURE__ */ new OneHot();

/** Symmetric positive-definite matrices (`constraints.positive_definite`). */
export const positiveDefinite: Constraint = /* @__PURE__ */ new PositiveDefinite();
/** Lower-triangular matrices with a positive diagonal (`constraints.lower_cholesky`). */
export const lowerCholesky: Constraint = /* @__PURE__ */ new LowerCholesky();

/** `[lowerBound, upperBound]` (`constraints.interval`). */
export function interval(lowerBound: number | Tensor, upperBound: number | Tensor): Constraint {
  return new Interval(lowerBound, upperBound);
}
/** The integers of `[lowerBound, upperBound]` (`constraints.integer_interval`). */
export function integerInterval(lowerBound: number, upperBound: number | Tensor): Constraint {
  return new IntegerInterval(lowerBound, upperBound);
}
/** `base` checked over `reinterpretedBatchNdims` more dims (`constraints.independent`). */
export function independent(base: Constraint, reinterpretedBatchNdims: number): Constraint {
  return new IndependentConstraint(base, reinterpretedBatchNdims);
}
