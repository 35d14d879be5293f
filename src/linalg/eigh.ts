/**
 * `torch.linalg.eigh` and `eigvalsh`: eigen-decompositions of symmetric matrices by cyclic Jacobi
 * rotations (`Backend.eighJacobi`: assembly/decomp.ts on the CPU, float32 and float64, iterating
 * to convergence; wgsl/decomp.wgsl on the GPU, float32, max(12, 3·log2 n) sweeps, one invocation per
 * matrix: slow for large matrices there, whose cost grows as n³ per sweep). Eigenvalues come
 * in ascending order as PyTorch's; eigenvectors are determined only up to sign (PyTorch's
 * LAPACK picks its own), so compare them up to sign. With PyTorch's gradients.
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { inFrameOf } from "../memory.ts";
import { record } from "../ops/dispatch.ts";
import { asOp } from "../ops/naming.ts";
import { describeValue } from "../backends/contract.ts";
import { squareMatrices } from "./lu.ts";
import { recordPacked } from "./packed.ts";
import { eighRaw } from "./decomp_core.ts";

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
