/**
 * `torch.linalg.eigh` and `eigvalsh`: eigen-decompositions of symmetric matrices by cyclic Jacobi
 * rotations (`Backend.eighJacobi`: assembly/decomp.ts on the CPU, float32 and float64, iterating
 * to convergence; wgsl/decomp.wgsl on the GPU, float32, a fixed 12 sweeps, one invocation per
 * matrix: slow for large matrices there, whose cost grows as n³ per sweep). Eigenvalues come
 * in ascending order as PyTorch's; eigenvectors are determined only up to sign (PyTorch's
 * LAPACK picks its own), so compare them up to sign. With PyTorch's gradients.
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { inFrameOf } from "../memory.ts";
import { backendOf, contiguousStorage, record, wrap } from "../ops/dispatch.ts";
import { asOp } from "../ops/naming.ts";
import { tril, triu } from "../ops/indexing.ts";
import { add } from "../ops/elementwise.ts";
import { diagonal } from "../ops/rearrange.ts";
import { numelOf } from "../shape.ts";
import { describeValue } from "../backends/contract.ts";
import { squareMatrices } from "./lu.ts";
import { recordPacked } from "./packed.ts";
import { mT, sortWithColumns } from "./decomp_util.ts";

/** The result of {@link eigh}: PyTorch's `(eigenvalues, eigenvectors)` named tuple, as an object. */
export interface Eigh {
  /** `[..., n]`, ascending. */
  eigenvalues: Tensor;
  /** `[..., n, n]`, orthonormal columns (column i belongs to eigenvalue i). */
  eigenvectors: Tensor;
}

function checkUplo(op: string, UPLO: unknown): "L" | "U" {
  if (UPLO !== "L" && UPLO !== "U" && UPLO !== "l" && UPLO !== "u") {
    throw new RangeError(`${op}: Expected UPLO argument to be 'L' or 'U', but got ${describeValue(UPLO)}`);
  }
  return UPLO.toUpperCase() as "L" | "U";
}

/** Eigenvalues (ascending) and vectors of the symmetric matrices read from A's `UPLO` triangle, without autograd. */
export function eighRaw(op: string, A: Tensor, UPLO: "L" | "U"): { values: Tensor; vectors: Tensor } {
  const n = A.shape[A.ndim - 1];
  const batchShape = A.shape.slice(0, -2), batch = numelOf(batchShape);
  const backend = backendOf(op, A);
  if (!backend.eighJacobi) throw new Error(`${op}: the ${A.device} backend has no symmetric eigensolver`);
  if (A.device === "gpu" && A.dtype !== "float32") {
    throw new TypeError(`${op}: the GPU decomposes float32 matrices, got ${A.dtype}`);
  }
  const S = UPLO === "L" ? add(tril(A), mT(tril(A, -1))) : add(triu(A), mT(triu(A, 1)));
  const res = backend.eighJacobi(contiguousStorage(S), { batch, m: n, n });
  const W = wrap(res.w, [...batchShape, n, n]), V = wrap(res.v, [...batchShape, n, n]);
  const sorted = sortWithColumns(diagonal(W, 0, -2, -1), [V], false);
  return { values: sorted.values, vectors: sorted.cols[0] };
}

/**
 * The eigenvalues (ascending) and orthonormal eigenvectors of each symmetric matrix of `A`
 * (`[..., n, n]`, float32 or float64), read from its lower (`UPLO` "L", the default) or upper
 * ("U") triangle: A = V diag(λ) Vᵀ. Eigenvectors are unique only up to sign. The gradient is
 * PyTorch's (it involves 1/(λⱼ - λᵢ): infinite or NaN for repeated eigenvalues when the
 * eigenvectors are used, as PyTorch's).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const A = torch.tensor([[2, 1], [1, 2]], { dtype: "float64" });
 * const { eigenvalues, eigenvectors } = torch.linalg.eigh(A);
 * assertEquals(torch.allclose(eigenvalues, torch.tensor([1, 3], { dtype: "float64" })), true);
 * const back = eigenvectors.matmul(torch.diag(eigenvalues)).matmul(eigenvectors.t());
 * assertEquals(torch.allclose(back, A), true);
 * ```
 */
export function eigh(A: Tensor, UPLO: "L" | "U" = "L"): Eigh {
  const op = "linalg.eigh";
  return asOp(op, () =>
    inFrameOf(() => {
      squareMatrices(op, A);
      const uplo = checkUplo(op, UPLO);
      const [eigenvalues, eigenvectors] = recordPacked("linalgEigh", [A], {}, () => {
        const r = eighRaw(op, A, uplo);
        return [r.values, r.vectors];
      });
      return { eigenvalues, eigenvectors };
    }));
}

/**
 * The eigenvalues (ascending) of each symmetric matrix of `A` (`[..., n, n]`), read from its
 * `UPLO` triangle (see {@link eigh}); its gradient V diag(g) Vᵀ has no 1/(λⱼ - λᵢ) term, so it
 * is finite for repeated eigenvalues.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const w = torch.linalg.eigvalsh(torch.tensor([[4, 0], [9, 1]], { dtype: "float64" }), "U");
 * assertEquals(w.toArray(), [1, 4]); // the upper triangle: diag(4, 1)
 * ```
 */
export function eigvalsh(A: Tensor, UPLO: "L" | "U" = "L"): Tensor {
  const op = "linalg.eigvalsh";
  return asOp(op, () =>
    inFrameOf(() => {
      squareMatrices(op, A);
      const uplo = checkUplo(op, UPLO);
      const { values, vectors } = eighRaw(op, A, uplo);
      return record("linalgEigvalsh", [A], values, { V: vectors });
    }));
}
