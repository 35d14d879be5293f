/**
 * The gradient of `linalg.det`, as PyTorch 1.13's `linalg_det_backward`, singular matrices
 * included: `g·det·A⁻ᵀ` from the LU solve; at an exactly singular matrix the first-order gradient
 * is that formula with the solve's zero pivots moved to eps, so `g·0·(finite)`, zero (PyTorch's
 * value); under `createGraph` the matrices with `|det| < 100·eps` take the SVD formula
 * `U·diag(g·det(U)det(Vh)·∏_{j≠i} s_j)·Vh` (the cofactor matrix, differentiable again).
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { inFrameOf } from "../memory.ts";
import { isGradEnabled } from "../autograd/grad_mode.ts";
import { eye, onesLike } from "../creation.ts";
import { abs, lt, mul, where } from "../ops/elementwise.ts";
import { matmul } from "../ops/matmul.ts";
import { narrow, transpose, unsqueeze } from "../ops/movement.ts";
import { cat, flip } from "../ops/indexing.ts";
import { cumprod } from "../ops/cumulative.ts";
import { any } from "../ops/reduce.ts";
import { luRun } from "./lu.ts";
import { det, solve } from "./solve.ts";
import { svd } from "./svd.ts";

/** `g[..., None, None]`. */
function asMatrixScale(g: Tensor): Tensor {
  return unsqueeze(unsqueeze(g, -1), -1);
}

/**
 * `∏_{j≠i} S_j` along the last dim times `g` (PyTorch's `prod_safe_zeros_backward`: exclusive
 * products from both ends, exact with zeros among `S`).
 */
function productOfOthers(g: Tensor, S: Tensor): Tensor {
  const k = S.shape[S.ndim - 1];
  const one = onesLike(narrow(S, -1, 0, 1));
  const before = cumprod(cat([one, narrow(S, -1, 0, k - 1)], -1), -1);
  const after = flip(cumprod(cat([one, flip(narrow(S, -1, 1, k - 1), -1)], -1), -1), -1);
  return mul(g, mul(before, after));
}

/** The cofactor matrix `g·adj(A)ᵀ` from the SVD (PyTorch's formula for singular inputs). */
function singularFormula(A: Tensor, g: Tensor): Tensor {
  const { U, S, Vh } = svd(A);
  const alpha = mul(det(U), det(Vh));
  const D = productOfOthers(unsqueeze(mul(g, alpha), -1), S);
  return matmul(mul(U, unsqueeze(D, -2)), Vh);
}

/**
 * The gradient of `det(A)` for the incoming gradient `g` (the batch shape of `A`), `det` the
 * forward's output.
 */
export function detBackward(g: Tensor, A: Tensor, detA: Tensor): Tensor {
  return inFrameOf(() => {
    const n = A.shape[A.ndim - 1];
    const d = mul(g, detA);
    if (!isGradEnabled()) {
      // First order: A⁻ᵀ from the LU solve, its value at det = 0 irrelevant (PyTorch: ·0).
      const { x } = luRun("linalg.det", A, "identity", null);
      const invT = transpose(x!, -2, -1);
      const exact = asMatrixScale(detA).eq(0);
      return mul(asMatrixScale(d), where(exact, 0, invT));
    }
    const eps = A.dtype === "float64" ? 2.220446049250313e-16 : 1.1920928955078125e-7;
    const near = lt(abs(detA), 100 * eps);
    const I = eye(n, { dtype: A.dtype, device: A.device });
    const onCpu = A.device === "cpu";
    const allNear = onCpu && !any(near.logicalNot()).item();
    const noneNear = onCpu && !any(near).item();
    if (noneNear) return solve(transpose(A, -2, -1), mul(asMatrixScale(d), I));
    if (allNear) return singularFormula(A, g);
    // A mixed batch: each formula on its matrices (the other branch sees a harmless stand-in).
    const nearM = asMatrixScale(near);
    const regular = solve(transpose(where(nearM, I, A), -2, -1), mul(asMatrixScale(d), I));
    return where(nearM, singularFormula(A, g), regular);
  });
}
