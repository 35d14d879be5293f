/**
 * `torch.distributions.biject_to` and `transform_to` (PyTorch 1.13's `constraint_registry`):
 * the transform from the unconstrained reals onto a constraint's region, for optimising
 * constrained parameters (`transformTo(positive).call(rawScale)`) and for samplers that need
 * bijections (`bijectTo`).
 * @module
 */
import { Tensor } from "../tensor.ts";
import { inFrameOf } from "../memory.ts";
import {
  type Constraint,
  GreaterThan,
  IndependentConstraint,
  Interval,
  LowerCholesky,
  Real,
  Simplex,
} from "./constraints.ts";
import { CorrCholesky } from "./constraints_corr.ts";
import { CorrCholeskyTransform } from "./transforms_corr.ts";
import { GreaterThanEq, LessThan } from "./constraints_more.ts";
import {
  AffineTransform,
  ComposeTransform,
  ExpTransform,
  identityTransform,
  IndependentTransform,
  SigmoidTransform,
  SoftmaxTransform,
  StickBreakingTransform,
  type Transform,
} from "./transforms.ts";

function common(op: string, constraint: Constraint, simplexTransform: () => Transform): Transform {
  if (constraint instanceof Real) return identityTransform;
  if (constraint instanceof IndependentConstraint) {
    const base = op === "bijectTo"
      ? bijectTo(constraint.baseConstraint)
      : transformTo(constraint.baseConstraint);
    return new IndependentTransform(base, constraint.reinterpretedBatchNdims);
  }
  if (constraint instanceof GreaterThan || constraint instanceof GreaterThanEq) {
    return new ComposeTransform([new ExpTransform(), new AffineTransform(constraint.lowerBound, 1)]);
  }
  if (constraint instanceof LessThan) {
    return new ComposeTransform([new ExpTransform(), new AffineTransform(constraint.upperBound, -1)]);
  }
  if (constraint instanceof Interval) {
    const lo = constraint.lowerBound, hi = constraint.upperBound;
    if (lo === 0 && hi === 1) return new SigmoidTransform();
    const scale = inFrameOf(() =>
      hi instanceof Tensor ? hi.sub(lo) : lo instanceof Tensor ? lo.neg().add(hi) : hi - lo
    );
    return new ComposeTransform([new SigmoidTransform(), new AffineTransform(lo, scale)]);
  }
  if (constraint instanceof Simplex) return simplexTransform();
  if (constraint instanceof CorrCholesky) return new CorrCholeskyTransform();
  throw new TypeError(
    `${op}: cannot transform ${constraint?.constructor?.name ?? String(constraint)} constraints` +
      (constraint instanceof LowerCholesky ? " (LowerCholeskyTransform is not available here)" : ""),
  );
}

/**
 * A bijective transform from the reals onto `constraint`'s region (PyTorch's `biject_to`):
 * `real` → the identity, `positive`/`greaterThan(b)`/`greaterThanEq(b)` → `exp` then `+ b`,
 * `lessThan(b)` → `b - exp`, `interval(a, b)` → `sigmoid` (then `a + (b - a)·`), `simplex` →
 * `StickBreakingTransform`, `corrCholesky` → `CorrCholeskyTransform`, `independent(c, n)` →
 * `IndependentTransform(bijectTo(c), n)`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const { bijectTo, constraints } = torch.distributions;
 * const t = bijectTo(constraints.interval(0, 1)); // SigmoidTransform
 * assertEquals(t.call(torch.tensor([0])).toArray(), [0.5]);
 * assertEquals(bijectTo(constraints.simplex).call(torch.tensor([0, 0])).shape, [3]);
 * ```
 */
export function bijectTo(constraint: Constraint): Transform {
  return common("bijectTo", constraint, () => new StickBreakingTransform());
}

/**
 * A transform from the reals onto `constraint`'s region, not necessarily bijective (PyTorch's
 * `transform_to`): as `bijectTo` except `simplex` → `SoftmaxTransform`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const { transformTo, constraints } = torch.distributions;
 * assertEquals(transformTo(constraints.simplex).call(torch.tensor([0, 0])).toArray(), [0.5, 0.5]);
 * assertEquals(transformTo(constraints.positive).call(torch.tensor([0])).toArray(), [1]);
 * ```
 */
export function transformTo(constraint: Constraint): Transform {
  return common("transformTo", constraint, () => new SoftmaxTransform());
}
