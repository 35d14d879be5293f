/**
 * PyTorch's older `torch.*` names of two factor/solve ops (deprecated there in favour of
 * `torch.linalg`, still common in ported programs): `torch.cholesky(A, upper=False)` and
 * `torch.triangular_solve(b, A, upper=True, transpose=False, unitriangular=False)`, thin wrappers
 * of src/linalg/cholesky.ts and triangular.ts (so their values, errors and gradients).
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { inFrameOf } from "../memory.ts";
import { asOp } from "../ops/naming.ts";
import { clone, expand } from "../ops/movement.ts";
import { broadcastShapes } from "../ops/shape_more.ts";
import { fmtShape } from "../shape.ts";
import { choleskyCore } from "./cholesky.ts";
import { solveTriangular } from "./triangular.ts";
import { checkFlag, checkMatrices, mT } from "./substitution.ts";

/**
 * PyTorch's `torch.cholesky(A, upper=False)` (deprecated there in favour of
 * `torch.linalg.cholesky`): the lower Cholesky factor L of the symmetric positive-definite `A`
 * (`[..., n, n]`, only its lower triangle read), or with `upper` the upper factor U = Lᵀ.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const A = torch.tensor([[4, 2], [2, 5]], { dtype: "float32" });
 * assertEquals(torch.cholesky(A).toArray(), [[2, 0], [1, 2]]);
 * assertEquals(torch.cholesky(A, true).toArray(), [[2, 1], [0, 2]]);
 * ```
 */
export function torchCholesky(A: Tensor, upper = false): Tensor {
  const op = "cholesky";
  return asOp(op, () =>
    inFrameOf(() => {
      checkFlag(op, "upper", upper);
      return choleskyCore(op, A, upper, true).L;
    }));
}

/** Keyword arguments of {@link triangularSolve} (PyTorch's defaults). */
export interface TriangularSolveOptions {
  /** Whether A is upper triangular (default true) or lower triangular; only that triangle is read. */
  upper?: boolean;
  /** Solve Aᵀ X = b instead of A X = b (default false). */
  transpose?: boolean;
  /** Take A's diagonal as ones, without reading it (default false). */
  unitriangular?: boolean;
}

/** The result of {@link triangularSolve}: PyTorch's `(solution, cloned_coefficient)` named tuple. */
export interface TriangularSolveResult {
  /** X with `A X = b` (or `Aᵀ X = b`), `[..., n, k]` in the broadcast batch shape. */
  solution: Tensor;
  /** A copy of `A` broadcast to the batch shape. */
  clonedCoefficient: Tensor;
}

/**
 * PyTorch's `torch.triangular_solve(b, A, upper=True, transpose=False, unitriangular=False)`
 * (deprecated there in favour of `torch.linalg.solve_triangular`, whose arguments are swapped):
 * solves `A X = b` (`Aᵀ X = b` with `transpose`) for triangular `A` (`[..., n, n]`) and
 * `b` (`[..., n, k]`), batch dims broadcast. Returns the solution and a copy of A broadcast to
 * the batch shape. Differentiable in both.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const U = torch.tensor([[2, 1], [0, 4]], { dtype: "float32" });
 * const b = torch.tensor([[4], [8]], { dtype: "float32" });
 * const { solution, clonedCoefficient } = torch.triangularSolve(b, U);
 * assertEquals(solution.toArray(), [[1], [2]]);
 * assertEquals(clonedCoefficient.toArray(), U.toArray());
 * assertEquals(b.triangularSolve(U, { transpose: true }).solution.toArray(), [[2], [1.5]]);
 * ```
 */
export function triangularSolve(
  b: Tensor,
  A: Tensor,
  opts: TriangularSolveOptions = {},
): TriangularSolveResult {
  const op = "triangular_solve";
  return asOp(op, () =>
    inFrameOf(() => {
      const upper = checkFlag(op, "upper", opts?.upper ?? true);
      const transpose = checkFlag(op, "transpose", opts?.transpose ?? false);
      const unitriangular = checkFlag(op, "unitriangular", opts?.unitriangular ?? false);
      checkMatrices(op, "A", A, 0);
      checkMatrices(op, "b", b, 0);
      if (b.ndim < 2) {
        throw new RangeError(
          `${op}: Expected b to have at least 2 dimensions, but it has ${b.ndim} dimensions instead`,
        );
      }
      if (A.ndim < 2) {
        throw new RangeError(
          `${op}: Expected A to have at least 2 dimensions, but it has ${A.ndim} dimensions instead`,
        );
      }
      const [r, c] = A.shape.slice(-2);
      if (r !== c) {
        throw new RangeError(
          `${op}: A must be batches of square matrices, but they are ${r} by ${c} matrices`,
        );
      }
      if (b.shape[b.ndim - 2] !== r) {
        throw new RangeError(
          `${op}: Incompatible matrix sizes for A ${fmtShape(A.shape)} and b ${fmtShape(b.shape)}: ` +
            `b must have ${r} rows, got ${b.shape[b.ndim - 2]}`,
        );
      }
      const batch = broadcastShapes(A.shape.slice(0, -2), b.shape.slice(0, -2));
      const solution = transpose
        ? solveTriangular(mT(A), b, { upper: !upper, unitriangular })
        : solveTriangular(A, b, { upper, unitriangular });
      return { solution, clonedCoefficient: clone(expand(A, [...batch, r, r])) };
    }));
}
