/**
 * More of `torch.distributions.constraints`: half-lines with an inclusive or an upper bound and
 * the integers above a bound (`nonnegative`, `greaterThanEq(b)`, `lessThan(b)`,
 * `nonnegativeInteger`, `positiveInteger`, `integerGreaterThan(b)`), which the supports of
 * `Exponential`, `HalfNormal`, `Pareto`, `Geometric`, `Poisson` are. Re-exported by
 * `constraints.ts`, so they are members of `distributions.constraints`.
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { Constraint, GreaterThan } from "./constraints.ts";
import { fmtTensor } from "./utils.ts";

function fmtNumber(v: number): string {
  return Number.isInteger(v) ? v.toFixed(1) : String(v);
}

/**
 * `value >= lowerBound` (PyTorch's `constraints.greater_than_eq`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const c = torch.distributions.constraints.nonnegative;
 * assertEquals(c.check(torch.tensor([0, -1, 2])).toArray(), [true, false, true]);
 * assertEquals(String(c), "GreaterThanEq(lower_bound=0.0)");
 * ```
 */
export class GreaterThanEq extends Constraint {
  /** The (inclusive) bound. */
  readonly lowerBound: number | Tensor;
  /** A constraint `value >= lowerBound`. */
  constructor(lowerBound: number | Tensor) {
    super();
    this.lowerBound = lowerBound;
  }
  /** `lowerBound <= value`. */
  check(value: Tensor): Tensor {
    return value.ge(this.lowerBound);
  }
  /** `GreaterThanEq(lower_bound=...)`. */
  override toString(): string {
    const b = this.lowerBound;
    return `GreaterThanEq(lower_bound=${typeof b === "number" ? fmtNumber(b) : fmtTensor(b)})`;
  }
}

/**
 * `value < upperBound` (PyTorch's `constraints.less_than`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const c = torch.distributions.constraints.lessThan(1);
 * assertEquals(c.check(torch.tensor([0, 1])).toArray(), [true, false]);
 * ```
 */
export class LessThan extends Constraint {
  /** The (exclusive) bound. */
  readonly upperBound: number;
  /** A constraint `value < upperBound`. */
  constructor(upperBound: number) {
    super();
    this.upperBound = upperBound;
  }
  /** `value < upperBound`. */
  check(value: Tensor): Tensor {
    return value.lt(this.upperBound);
  }
  /** `LessThan(upper_bound=...)`. */
  override toString(): string {
    return `LessThan(upper_bound=${fmtNumber(this.upperBound)})`;
  }
}

/**
 * The integers `>= lowerBound` (PyTorch's `constraints.integer_interval` without an upper end:
 * `nonnegative_integer`, `positive_integer`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const c = torch.distributions.constraints.nonnegativeInteger;
 * assertEquals(c.check(torch.tensor([0, 2, 1.5, -1])).toArray(), [true, true, false, false]);
 * assertEquals(c.isDiscrete, true);
 * ```
 */
export class IntegerGreaterThan extends Constraint {
  /** The (inclusive) bound. */
  readonly lowerBound: number;
  /** The integers of `[lowerBound, ∞)`. */
  constructor(lowerBound: number) {
    super();
    this.lowerBound = lowerBound;
  }
  /** Discrete. */
  override get isDiscrete(): boolean {
    return true;
  }
  /** `value % 1 == 0 & value >= lowerBound`. */
  check(value: Tensor): Tensor {
    const inRange = value.ge(this.lowerBound);
    if (value.dtype === "int32" || value.dtype === "uint8" || value.dtype === "bool") return inRange;
    return value.eq(value.floor()).logicalAnd(inRange);
  }
  /** `IntegerGreaterThan(lower_bound=...)`. */
  override toString(): string {
    return `IntegerGreaterThan(lower_bound=${this.lowerBound})`;
  }
}

/** `value >= 0` (`constraints.nonnegative`). */
export const nonnegative: Constraint = /* @__PURE__ */ new GreaterThanEq(0);
/** The integers 0, 1, 2, ... (`constraints.nonnegative_integer`). */
export const nonnegativeInteger: Constraint = /* @__PURE__ */ new IntegerGreaterThan(0);
/** The integers 1, 2, ... (`constraints.positive_integer`). */
export const positiveInteger: Constraint = /* @__PURE__ */ new IntegerGreaterThan(1);

/** `value > lowerBound` (`constraints.greater_than`). */
export function greaterThan(lowerBound: number): Constraint {
  return new GreaterThan(lowerBound);
}
/** `value >= lowerBound` (`constraints.greater_than_eq`). */
export function greaterThanEq(lowerBound: number | Tensor): Constraint {
  return new GreaterThanEq(lowerBound);
}
/** `value < upperBound` (`constraints.less_than`). */
export function lessThan(upperBound: number): Constraint {
  return new LessThan(upperBound);
}
/** The integers `>= lowerBound` (`constraints.integer_greater_than`'s PyTorch class `_IntegerGreaterThan`). */
export function integerGreaterThan(lowerBound: number): Constraint {
  return new IntegerGreaterThan(lowerBound);
}

/**
 * Non-negative count vectors (the last dim) summing to at most `upperBound` (PyTorch's
 * `constraints.multinomial(n)`, printed `Multinomial()`), the support of `Multinomial`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const c = torch.distributions.constraints.multinomial(3);
 * assertEquals(c.check(torch.tensor([[1, 2], [2, 2], [-1, 1]])).toArray(), [true, false, false]);
 * ```
 */
export class MultinomialConstraint extends Constraint {
  /** The most the counts may sum to. */
  readonly upperBound: number;
  /** Counts summing to at most `upperBound`. */
  constructor(upperBound: number) {
    super();
    this.upperBound = upperBound;
  }
  /** Discrete. */
  override get isDiscrete(): boolean {
    return true;
  }
  /** One event is the last dim. */
  override get eventDim(): number {
    return 1;
  }
  /** `all(value >= 0, -1) & sum(value, -1) <= upperBound`. */
  check(value: Tensor): Tensor {
    return value.ge(0).all(-1).logicalAnd(value.sum(-1).le(this.upperBound));
  }
  /** `Multinomial()`, as PyTorch prints it. */
  override toString(): string {
    return "Multinomial()";
  }
}

/** Count vectors summing to at most `upperBound` (`constraints.multinomial`). */
export function multinomial(upperBound: number): Constraint {
  return new MultinomialConstraint(upperBound);
}
