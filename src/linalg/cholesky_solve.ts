/**
 * `torch.choleskySolve` (PyTorch's `torch.cholesky_solve`): A X = B from A's Cholesky factor, by
 * two triangular solves, with PyTorch 1.13's errors and gradient.
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { Tensor as TensorClass } from "../tensor.ts";
import { inFrameOf } from "../memory.ts";
import { recordComposite } from "../ops/dispatch.ts";
import { asOp } from "../ops/naming.ts";
import { describeValue } from "../backends/contract.ts";
import { checkDType } from "./lu.ts";
import { checkFlag, mT, triangularSolveRaw } from "./substitution.ts";

/**
 * The solution X of `A X = B` for symmetric positive-definite A given by its Cholesky factor
 * `L` (`[..., n, n]`, A = L Lᵀ; with `upper`, A = Uᵀ U for U = `L`): two triangular solves.
 * `B` is `[..., n, k]`; batch dims broadcast. PyTorch's `torch.cholesky_solve(B, L, upper)`,
 * with its gradient (the one for `L` is the full matrix PyTorch gives, not a triangle).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const A = torch.tensor([[4, 2], [2, 5]], { dtype: "float32" });
 * const L = torch.linalg.cholesky(A);
 * const X = torch.choleskySolve(torch.tensor([[6], [7]], { dtype: "float32" }), L);
 * assertEquals(X.toArray(), [[1], [1]]);
 * ```
 */
export function choleskySolve(B: Tensor, L: Tensor, upper = false): Tensor {
  const op = "choleskySolve";
  return asOp(op, () =>
    inFrameOf(() => {
      checkFlag(op, "upper", upper);
      if (!(B instanceof TensorClass)) {
        throw new TypeError(`${op}: expected B to be a Tensor, got ${describeValue(B)}`);
      }
      if (B.ndim < 2) {
        throw new RangeError(
          `${op}: b should have at least 2 dimensions, but has ${B.ndim} dimensions instead`,
        );
      }
      if (!(L instanceof TensorClass)) {
        throw new TypeError(`${op}: expected L to be a Tensor, got ${describeValue(L)}`);
      }
      if (L.ndim < 2) {
        throw new RangeError(
          `${op}: A should have at least 2 dimensions, but has ${L.ndim} dimensions instead`,
        );
      }
      checkDType(op, "B", B.dtype);
      checkDType(op, "L", L.dtype);
      if (B.dtype !== L.dtype) {
        throw new TypeError(
          `${op}: Expected b and A to have the same dtype, but found b of type ${B.dtype} and A of type ${L.dtype} instead`,
        );
      }
      const [r, c] = L.shape.slice(-2);
      if (r !== c) {
        throw new RangeError(
          `${op}: A must be batches of square matrices, but they are ${r} by ${c} matrices`,
        );
      }
      const [br, bc] = B.shape.slice(-2);
      if (br !== r) {
        throw new RangeError(
          `${op}: Incompatible matrix sizes for cholesky_solve: each A matrix is ${r} by ${c} but each b matrix is ${br} by ${bc}`,
        );
      }
      return recordComposite("choleskySolve", [B, L], { upper }, () => {
        // A = L Lᵀ: L Y = B, then Lᵀ X = Y (for upper, Uᵀ Y = B, then U X = Y).
        const y = upper
          ? triangularSolveRaw(op, mT(L), B, false, false)
          : triangularSolveRaw(op, L, B, false, false);
        return upper
          ? triangularSolveRaw(op, L, y, true, false)
          : triangularSolveRaw(op, mT(L), y, true, false);
      });
    }));
}
