/**
 * `torch.svdLowrank` and `torch.pcaLowrank` (PyTorch's `torch.svd_lowrank`, `torch.pca_lowrank`):
 * randomized SVD of low-rank matrices (Halko, Martinsson and Tropp 2009, algorithms 4.4 and 5.1).
 * The random test matrix is one `torch.randn` from the global generator, drawn where PyTorch 1.13
 * draws it, so after the same `torch.manualSeed` the results are PyTorch's. Built from
 * differentiable QR, SVD and matrix products: runs on both devices and has their gradients.
 * @module
 */
import { Tensor } from "../tensor.ts";
import { inFrameOf } from "../memory.ts";
import { asOp } from "../ops/naming.ts";
import { sub } from "../ops/elementwise.ts";
import { matmul } from "../ops/matmul.ts";
import { mean } from "../ops/reduce.ts";
import { randn } from "../creation.ts";
import { fmtShape } from "../shape.ts";
import { describeValue } from "../backends/contract.ts";
import { checkFlag, checkMatrices, mT } from "./substitution.ts";
import { qr } from "./qr.ts";
import { svd } from "./svd.ts";
import type { SVDV } from "./legacy.ts";

function checkCount(op: string, name: string, v: unknown, max: number, what: string): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > max) {
    throw new RangeError(
      `${op}: ${name}(=${typeof v === "number" ? v : describeValue(v)}) must be non-negative integer${what}`,
    );
  }
  return v;
}

/** A·X - M·X, or A·X without M. */
function centered(A: Tensor, M: Tensor | null, X: Tensor): Tensor {
  return M === null ? matmul(A, X) : sub(matmul(A, X), matmul(M, X));
}

/** PyTorch's `get_approximate_basis`: q orthonormal columns Q with Q Qᵀ (A - M) ≈ A - M. */
function approximateBasis(A: Tensor, q: number, niter: number, M: Tensor | null): Tensor {
  const n = A.shape[A.ndim - 1];
  const R = randn([n, q], { dtype: A.dtype, device: A.device });
  const At = mT(A), Mt = M === null ? null : mT(M);
  let Q = qr(centered(A, M, R)).Q;
  for (let i = 0; i < niter; i++) {
    Q = qr(centered(At, Mt, Q)).Q;
    Q = qr(centered(A, M, Q)).Q;
  }
  return Q;
}

/** PyTorch's `_svd_lowrank`, after the checks. */
function svdLowrankCore(A: Tensor, q: number, niter: number, M: Tensor | null): SVDV {
  const [m, n] = A.shape.slice(-2);
  const At = mT(A), Mt = M === null ? null : mT(M);
  if (m < n || n > q) {
    const Q = approximateBasis(At, q, niter, Mt);
    const { U, S, Vh } = svd(centered(A, M, Q), false);
    return { U, S, V: matmul(Q, mT(Vh)) };
  }
  const Q = approximateBasis(A, q, niter, M);
  const { U, S, Vh } = svd(mT(centered(At, Mt, Q)), false);
  return { U: matmul(Q, U), S, V: mT(Vh) };
}

/**
 * PyTorch's `torch.svd_lowrank(A, q=6, niter=2, M=None)`: an approximate SVD `{ U, S, V }` (A ≈ U
 * diag(S) Vᵀ, U `[..., m, q]`, S `[..., q]`, V `[..., n, q]`) of a low-rank matrix or batch
 * (`[..., m, n]`), of A - M when `M` (`[..., m, n]`, e.g. a row mean expanded) is given. `q` (a
 * slight overestimate of the rank, at most min(m, n)) and `niter` (subspace iterations) as
 * PyTorch's. Random: one `torch.randn` (q columns) from the global generator, as PyTorch 1.13 draws it,
 * so `torch.manualSeed(s)` reproduces PyTorch's result (singular vectors up to sign).
 * Differentiable; both devices (the GPU in float32).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * torch.manualSeed(0);
 * // A rank-2 5×4 matrix: q = 2 recovers it.
 * const A = torch.randn([5, 2], { dtype: "float64" }).matmul(torch.randn([2, 4], { dtype: "float64" }));
 * const { U, S, V } = torch.svdLowrank(A, 2);
 * assertEquals([U.shape, S.shape, V.shape], [[5, 2], [2], [4, 2]]);
 * assertEquals(torch.allclose(U.mul(S).matmul(V.T), A), true);
 * ```
 */
export function svdLowrank(
  A: Tensor,
  q: number | null = 6,
  niter: number | null = 2,
  M: Tensor | null = null,
): SVDV {
  const op = "svdLowrank";
  return asOp(op, () =>
    inFrameOf(() => {
      checkMatrices(op, "A", A);
      const [m, n] = A.shape.slice(-2);
      const k = checkCount(
        op,
        "q",
        q ?? 6,
        Math.min(m, n),
        ` and not greater than min(m, n)=${Math.min(m, n)}`,
      );
      const it = checkCount(op, "niter", niter ?? 2, Infinity, "");
      if (M !== null) {
        if (!(M instanceof Tensor)) {
          throw new TypeError(`${op}: expected M to be a Tensor or null, got ${describeValue(M)}`);
        }
        checkMatrices(op, "M", M);
        const [mr, mc] = M.shape.slice(-2);
        // PyTorch 1.13 multiplies M and Mᵀ by the iterates, which needs M m×n (a row mean repeated).
        if (mc !== n || mr !== m) {
          throw new RangeError(
            `${op}: M must be [..., m, n] like A (${fmtShape(A.shape)}), got ${fmtShape(M.shape)}; ` +
              "expand a [..., 1, n] mean to A's shape",
          );
        }
        if (M.dtype !== A.dtype) throw new TypeError(`${op}: M is ${M.dtype} but A is ${A.dtype}`);
      }
      return svdLowrankCore(A, k, it, M);
    }));
}

/**
 * PyTorch's `torch.pca_lowrank(A, q=None, center=True, niter=2)`: principal component analysis of
 * the data matrix `A` (`[..., m, n]`: m samples of n features) by {@link svdLowrank} of A less its
 * column means (`center`). V's columns are the principal directions, S²/(m-1) the variances along
 * them; `q` defaults to min(6, m, n). Random as {@link svdLowrank}: `torch.manualSeed(s)` gives
 * PyTorch 1.13's result (singular vectors up to sign). Differentiable; both devices.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * torch.manualSeed(0);
 * const X = torch.randn([20, 3], { dtype: "float64" }).mul(torch.tensor([5, 1, 0.1], { dtype: "float64" }));
 * const { S, V } = torch.pcaLowrank(X, 3);
 * assertEquals(S.shape, [3]);
 * // The first principal direction is (nearly) the first axis.
 * assertEquals(Math.abs(V.index(0).index(0).item()) > 0.9, true);
 * ```
 */
export function pcaLowrank(A: Tensor, q: number | null = null, center = true, niter = 2): SVDV {
  const op = "pcaLowrank";
  return asOp(op, () =>
    inFrameOf(() => {
      checkMatrices(op, "A", A);
      checkFlag(op, "center", center);
      const [m, n] = A.shape.slice(-2);
      const k = checkCount(
        op,
        "q",
        q ?? Math.min(6, m, n),
        Math.min(m, n),
        ` and not greater than min(m, n)=${Math.min(m, n)}`,
      );
      const it = checkCount(op, "niter", niter, Infinity, "");
      if (!center) return svdLowrankCore(A, k, it, null);
      return svdLowrankCore(sub(A, mean(A, [-2], { keepdim: true })), k, it, null);
    }));
}
