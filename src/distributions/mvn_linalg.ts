/**
 * The linear algebra of `MultivariateNormal` (PyTorch 1.13's `_batch_mahalanobis` and
 * `_precision_to_scale_tril`), shared with its KL divergence and with `Wishart`.
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { eye } from "../creation.ts";
import { matmul } from "../ops/matmul.ts";
import { choleskySolve } from "../linalg/cholesky_solve.ts";
import { flip } from "../ops/indexing.ts";
import { permute, reshape, transpose } from "../ops/movement.ts";
import { cholesky } from "../linalg/cholesky.ts";
import { solveTriangular } from "../linalg/triangular.ts";

const mT = (x: Tensor) => transpose(x, -2, -1);

/** PyTorch's `_precision_to_scale_tril`: L with L Lᵀ = P⁻¹, through the Cholesky factor of flipped P. */
export function precisionToScaleTril(P: Tensor): Tensor {
  const Lf = cholesky(flip(P, [-2, -1]));
  const Linv = mT(flip(Lf, [-2, -1]));
  const Id = eye(P.shape[P.ndim - 1], { dtype: P.dtype, device: P.device });
  return solveTriangular(Linv, Id, { upper: false });
}

/**
 * PyTorch's `_batch_mahalanobis`: xᵀ (L Lᵀ)⁻¹ x = |L⁻¹ x|² for `bL` (`[...Lb, n, n]`) and `bx`
 * (`[...outer, ...Lb', n]`, Lb' broadcast from Lb), the vectors gathered as right-hand columns
 * of one solve per matrix of L (L is not expanded).
 */
export function batchMahalanobis(bL: Tensor, bx: Tensor): Tensor {
  const n = bx.shape[bx.ndim - 1];
  const bxBatch = bx.shape.slice(0, -1);
  const lDims = bL.ndim - 2, outer = bxBatch.length - lDims;
  const oldDims = outer + lDims, newDims = outer + 2 * lDims;
  const newShape = bx.shape.slice(0, outer);
  bL.shape.slice(0, -2).forEach((sL, i) => newShape.push(Math.floor(bx.shape[outer + i] / sL), sL));
  newShape.push(n);
  const perm: number[] = [];
  for (let i = 0; i < outer; i++) perm.push(i);
  for (let i = outer; i < newDims; i += 2) perm.push(i);
  for (let i = outer + 1; i < newDims; i += 2) perm.push(i);
  perm.push(newDims);
  const px = permute(reshape(bx, newShape), perm);
  const flatL = reshape(bL, [-1, n, n]);
  const flatX = reshape(px, [-1, flatL.shape[0], n]);
  const swapped = permute(flatX, [1, 2, 0]);
  const M = solveTriangular(flatL, swapped, { upper: false }).pow(2).sum(-2).t();
  const permutedM = reshape(M, px.shape.slice(0, -1));
  const inv: number[] = [];
  for (let i = 0; i < outer; i++) inv.push(i);
  for (let i = 0; i < lDims; i++) inv.push(outer + i, oldDims + i);
  return reshape(permute(permutedM, inv), bxBatch);
}

/**
 * @internal The matrix `name` of a distribution parameterised by the lower Cholesky factor `L`
 * of Σ (MultivariateNormal, Wishart): L itself, Σ = L Lᵀ, or Σ⁻¹ as PyTorch's
 * `cholesky_solve(I, L)`.
 */
export function scaleTrilMatrix(
  name: "scaleTril" | "covarianceMatrix" | "precisionMatrix",
  L: Tensor,
): Tensor {
  if (name === "covarianceMatrix") return matmul(L, mT(L));
  if (name === "precisionMatrix") {
    return choleskySolve(eye(L.shape[L.ndim - 1], { dtype: L.dtype, device: L.device }), L);
  }
  return L;
}
