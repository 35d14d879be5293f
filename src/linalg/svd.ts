/**
 * `torch.linalg.svd`, `svdvals` and `torch.svd`: singular value decompositions by one-sided
 * (Hestenes) Jacobi rotations on the columns (`Backend.svdJacobi`: assembly/decomp.ts on the CPU,
 * float32 and float64, to convergence; wgsl/decomp.wgsl on the GPU, float32, max(12, 3·log2 n) sweeps,
 * one invocation per matrix: slow for large matrices there), singular values descending, U
 * completed to an orthonormal basis by Householder QR (src/linalg/qr.ts). Singular vectors are
 * unique only up to a simultaneous sign flip of uᵢ and vᵢ: compare them up to sign. With
 * PyTorch's gradients.
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { inFrameOf } from "../memory.ts";
import { record } from "../ops/dispatch.ts";
import { asOp } from "../ops/naming.ts";
import { describeValue } from "../backends/contract.ts";
import { checkMatrices } from "./substitution.ts";
import { recordPacked } from "./packed.ts";
import { svdRaw } from "./decomp_core.ts";

/** The result of {@link svd}: PyTorch's `(U, S, Vh)` named tuple, as an object. */
export interface SVD {
  /** `[..., m, m]` (full matrices) or `[..., m, k]`, k = min(m, n). */
  U: Tensor;
  /** `[..., k]`, descending, non-negative. */
  S: Tensor;
  /** `[..., n, n]` (full matrices) or `[..., k, n]`: Vᵀ. */
  Vh: Tensor;
}

function checkBool(op: string, name: string, v: unknown): boolean {
  if (typeof v !== "boolean") {
    throw new TypeError(`${op}: ${name} must be a boolean, got ${describeValue(v)}`);
  }
  return v;
}

/**
 * The singular value decomposition A = U diag(S) Vh of each matrix of `A` (`[..., m, n]`,
 * float32 or float64): S descending, U and Vh with orthonormal columns / rows, k = min(m, n).
 * `fullMatrices` (default true, as PyTorch) makes U `[..., m, m]` and Vh `[..., n, n]`; false
 * gives `[..., m, k]` and `[..., k, n]`. Also takes `{ fullMatrices }`. Singular vectors are
 * unique up to sign (uᵢ and vᵢ flip together); the gradient is PyTorch's (well defined for
 * distinct nonzero singular values, and invariant to those signs).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const A = torch.tensor([[3, 0], [0, -2], [0, 0]], { dtype: "float64" });
 * const { U, S, Vh } = torch.linalg.svd(A, false);
 * assertEquals(S.toArray(), [3, 2]);
 * assertEquals(torch.allclose(U.matmul(torch.diag(S)).matmul(Vh), A), true);
 * assertEquals(torch.linalg.svd(A).U.shape, [3, 3]);
 * ```
 */
export function svd(A: Tensor, fullMatrices: boolean | { fullMatrices?: boolean } = true): SVD {
  const op = "linalg.svd";
  return asOp(op, () =>
    inFrameOf(() => {
      const full = checkBool(
        op,
        "fullMatrices",
        typeof fullMatrices === "object" && fullMatrices !== null
          ? fullMatrices.fullMatrices ?? true
          : fullMatrices,
      );
      checkMatrices(op, "A", A);
      const [U, S, Vh] = recordPacked("linalgSvd", [A], { full }, () => {
        const r = svdRaw(op, A, full);
        return [r.U, r.S, r.Vh];
      });
      return { U, S, Vh };
    }));
}

/**
 * The singular values of each matrix of `A` (`[..., m, n]`), descending (see {@link svd}); its
 * gradient U diag(g) Vh is defined everywhere, as PyTorch's.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.linalg.svdvals(torch.tensor([[0, 2], [-5, 0]], { dtype: "float64" })).toArray(), [5, 2]);
 * ```
 */
export function svdvals(A: Tensor): Tensor {
  const op = "linalg.svdvals";
  return asOp(op, () =>
    inFrameOf(() => {
      checkMatrices(op, "A", A);
      const { U, S, Vh } = svdRaw(op, A, false);
      return record("linalgSvdvals", [A], S, { U, Vh });
    }));
}
