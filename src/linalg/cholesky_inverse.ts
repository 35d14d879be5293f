/**
 * `torch.choleskyInverse` (PyTorch's `torch.cholesky_inverse`): the inverse of a symmetric
 * positive-definite matrix from its Cholesky factor, by one triangular solve and one product, with
 * PyTorch 1.13's errors and gradient.
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { inFrameOf } from "../memory.ts";
import { recordComposite } from "../ops/dispatch.ts";
import { asOp } from "../ops/naming.ts";
import { add, neg } from "../ops/elementwise.ts";
import { matmul } from "../ops/matmul.ts";
import { eye } from "../creation.ts";
import { checkFlag, checkMatrices, mT, triangularSolveRaw } from "./substitution.ts";

/**
 * The inverse of A = L Lᵀ (with `upper`, A = Uᵀ U for U = `L`) from its Cholesky factor `L`
 * (`[..., n, n]`, batched): PyTorch's `torch.cholesky_inverse(L, upper)`. Only `L`'s triangle is
 * read. Differentiable in `L` (PyTorch's gradient, a full matrix, not a triangle). Also
 * `L.choleskyInverse(upper)`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const A = torch.tensor([[4, 2], [2, 5]], { dtype: "float64" });
 * const Ainv = torch.choleskyInverse(torch.linalg.cholesky(A));
 * assertEquals(torch.allclose(Ainv, torch.linalg.inv(A)), true);
 * assertEquals(torch.allclose(A.cholesky(true).choleskyInverse(true), Ainv), true);
 * ```
 */
export function choleskyInverse(L: Tensor, upper = false): Tensor {
  const op = "choleskyInverse";
  return asOp(op, () =>
    inFrameOf(() => {
      checkFlag(op, "upper", upper);
      checkMatrices(op, "input", L);
      const [r, c] = L.shape.slice(-2);
      if (r !== c) {
        throw new RangeError(
          `${op}: A must be batches of square matrices, but they are ${r} by ${c} matrices`,
        );
      }
      return recordComposite("choleskyInverse", [L], { upper }, () => {
        // W = L⁻¹ (or U⁻¹); A⁻¹ = Wᵀ W for A = L Lᵀ, W Wᵀ for A = Uᵀ U.
        const W = triangularSolveRaw(op, L, eye(r, { dtype: L.dtype, device: L.device }), upper, false);
        return upper ? matmul(W, mT(W)) : matmul(mT(W), W);
      });
    }));
}

/**
 * @internal PyTorch's `cholesky_inverse_backward`: with S = A⁻¹ (the output), gL = -S (g + gᵀ) S L
 * (lower) or -U S (g + gᵀ) S (upper).
 */
export function choleskyInverseBackward(g: Tensor, L: Tensor, inverse: Tensor, upper: boolean): Tensor {
  const common = matmul(inverse, matmul(add(g, mT(g)), inverse));
  return neg(upper ? matmul(L, common) : matmul(common, L));
}
