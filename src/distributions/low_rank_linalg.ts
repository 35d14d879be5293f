/**
 * The linear algebra of `LowRankMultivariateNormal` (PyTorch 1.13's `_batch_lowrank_logdet`,
 * `_batch_lowrank_mahalanobis`, `_batch_trace_XXT`), shared with its KL divergences.
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { matmul } from "../ops/matmul.ts";
import { squeeze, transpose, unsqueeze } from "../ops/movement.ts";
import { diagonal } from "../ops/rearrange.ts";
import { batchMahalanobis } from "./mvn_linalg.ts";

const batchMv = (m: Tensor, v: Tensor) => squeeze(matmul(m, unsqueeze(v, -1)), -1);

/** `log det(W Wᵀ + D)` by the matrix determinant lemma (PyTorch's `_batch_lowrank_logdet`). */
export function lowRankLogdet(D: Tensor, capTril: Tensor): Tensor {
  return diagonal(capTril, 0, -2, -1).log().sum(-1).mul(2).add(D.log().sum(-1));
}

/** `xᵀ (W Wᵀ + D)⁻¹ x` by Woodbury (PyTorch's `_batch_lowrank_mahalanobis`). */
export function lowRankMahalanobis(W: Tensor, D: Tensor, x: Tensor, capTril: Tensor): Tensor {
  const WtDinvX = batchMv(transpose(W, -2, -1).div(unsqueeze(D, -2)), x);
  return x.pow(2).div(D).sum(-1).sub(batchMahalanobis(capTril, WtDinvX));
}

/** `trace(X Xᵀ)` per matrix (PyTorch's `_batch_trace_XXT`). */
export function batchTraceXXT(x: Tensor): Tensor {
  const [m, n] = x.shape.slice(-2);
  return x.reshape([-1, m * n]).pow(2).sum(-1).reshape(x.shape.slice(0, -2));
}
