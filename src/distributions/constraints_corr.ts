/**
 * `constraints.corr_cholesky` (PyTorch 1.13's `_CorrCholesky`): the lower Cholesky factors of
 * correlation matrices, the support of `LKJCholesky` and the codomain of `CorrCholeskyTransform`.
 * Re-exported by `constraints_index.ts`.
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { inFrameOf } from "../memory.ts";
import { Constraint, lowerCholesky } from "./constraints.ts";
import { finfoEps } from "./utils.ts";

/**
 * Lower-triangular square matrices with a positive diagonal whose rows have unit Euclidean norm
 * (within `eps · n · 10`, as PyTorch), checked per matrix: the Cholesky factors of correlation
 * matrices.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const c = torch.distributions.constraints.corrCholesky;
 * const L = torch.tensor([[1, 0], [0.6, 0.8]]);
 * assertEquals(c.check(L).item(), true);
 * assertEquals(c.check(torch.tensor([[1, 0], [0.6, 0.6]])).item(), false);
 * assertEquals(String(c), "CorrCholesky()");
 * ```
 */
export class CorrCholesky extends Constraint {
  /** Two: one matrix is one event. */
  override get eventDim(): number {
    return 2;
  }
  /** A bool tensor of the batch shape: `true` where the matrix is such a factor. */
  check(value: Tensor): Tensor {
    return inFrameOf(() => {
      if (value.ndim < 2) {
        throw new RangeError(`CorrCholesky: expected value.dim() >= 2 but got ${value.ndim}`);
      }
      const n = value.shape[value.ndim - 1];
      const tol = finfoEps(value.dtype) * n * 10;
      const rowNorm = value.detach().norm(2, -1);
      const unitRows = rowNorm.sub(1).abs().le(tol).all(-1);
      return lowerCholesky.check(value).logicalAnd(unitRows);
    });
  }
}

/** The lower Cholesky factors of correlation matrices (`constraints.corr_cholesky`). */
export const corrCholesky: Constraint = /* @__PURE__ */ new CorrCholesky();
