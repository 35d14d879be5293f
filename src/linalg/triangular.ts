/**
 * `torch.linalg.solveTriangular` (PyTorch's `torch.linalg.solve_triangular`) by forward/back
 * substitution (src/linalg/substitution.ts), with PyTorch 1.13's shapes, errors and gradient. As
 * LAPACK's trsm, a zero on the diagonal is not an error: it gives inf/NaN.
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { inFrameOf } from "../memory.ts";
import { record } from "../ops/dispatch.ts";
import { asOp } from "../ops/naming.ts";
import { checkFlag, checkMatrices, mT, triangularSolveRaw } from "./substitution.ts";

/** Keyword arguments of {@link solveTriangular}; `upper` is required, as in PyTorch. */
export interface SolveTriangularOptions {
  /** Whether A is upper triangular (only that triangle is read) or lower triangular. */
  upper: boolean;
  /** Solve A X = B (true, the default) or X A = B (false). */
  left?: boolean;
  /** Take A's diagonal as ones, without reading it (default false). */
  unitriangular?: boolean;
}

/**
 * The solution X of `A X = B` (or `X A = B` with `left: false`) for triangular `A`
 * (`[..., n, n]`), read from its upper (`upper: true`) or lower triangle, by substitution; `B`
 * is `[..., n, k]` (`[..., k, n]` with `left: false`), batch dims broadcast. With
 * `unitriangular` A's diagonal is taken as ones. A zero on the diagonal gives inf/NaN (no
 * error), as PyTorch. PyTorch's `torch.linalg.solve_triangular(A, B, upper=..., left=...,
 * unitriangular=...)`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const L = torch.tensor([[2, 0], [1, 4]], { dtype: "float32" });
 * const B = torch.tensor([[2], [9]], { dtype: "float32" });
 * assertEquals(torch.linalg.solveTriangular(L, B, { upper: false }).toArray(), [[1], [2]]);
 * const X = torch.linalg.solveTriangular(L, torch.tensor([[4, 8]], { dtype: "float32" }), { upper: false, left: false });
 * assertEquals(X.toArray(), [[1, 2]]); // X L = [[4, 8]]
 * ```
 */
export function solveTriangular(A: Tensor, B: Tensor, opts: SolveTriangularOptions): Tensor {
  const op = "linalg.solveTriangular";
  return asOp(op, () =>
    inFrameOf(() => {
      if (opts === null || typeof opts !== "object" || opts.upper === undefined) {
        throw new TypeError(
          `${op}: missing the required option upper (pass { upper: true } or { upper: false })`,
        );
      }
      const upper = checkFlag(op, "upper", opts.upper);
      const left = checkFlag(op, "left", opts.left ?? true);
      const unit = checkFlag(op, "unitriangular", opts.unitriangular ?? false);
      checkMatrices(op, "A", A);
      checkMatrices(op, "B", B);
      const [r, c] = A.shape.slice(-2);
      if (r !== c) {
        throw new RangeError(
          `${op}: A must be batches of square matrices, but they are ${r} by ${c} matrices`,
        );
      }
      if (B.dtype !== A.dtype) {
        throw new TypeError(
          `${op}: Expected A and B to have the same dtype, but found A of type ${A.dtype} and B of type ${B.dtype} instead`,
        );
      }
      const [br, bc] = B.shape.slice(-2);
      if ((left ? br : bc) !== r) {
        throw new RangeError(
          `${op}: Incompatible shapes of A and B for the equation ${
            left ? "AX = B" : "XA = B"
          } (${r}x${c} and ${br}x${bc})`,
        );
      }
      // X A = B is Aᵀ Xᵀ = Bᵀ, with the other triangle.
      const x = left
        ? triangularSolveRaw(op, A, B, upper, unit)
        : mT(triangularSolveRaw(op, mT(A), mT(B), !upper, unit));
      return record("linalgSolveTriangular", [A, B], x, { upper, left, unitriangular: unit });
    }));
}
