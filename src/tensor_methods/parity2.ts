/**
 * `Tensor`'s methods for `x.cholesky(upper)`, `b.triangularSolve(A, opts)`, `x.isreal()` and
 * `x.asStrided(size, stride, storageOffset)`, `A.orgqr(tau)`: each calls its op with the tensor as the first
 * operand. `Tensor` extends the `TensorParity2Methods` interface declared here; `tensor.ts`
 * installs the bodies on `Tensor.prototype`.
 * @module
 */
import type { Tensor } from "../tensor.ts";
import {
  torchCholesky,
  triangularSolve,
  type TriangularSolveOptions,
  type TriangularSolveResult,
} from "../linalg/legacy_solvers.ts";
import { isreal } from "../ops/is_real.ts";
import { asStrided, asStrided_ } from "../ops/as_strided.ts";
import { householderProduct } from "../linalg/householder.ts";

/**
 * Methods of every `Tensor`: `cholesky`, `triangularSolve`, `isreal`, `asStrided`, `orgqr`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const A = torch.tensor([[4, 2], [2, 5]], { dtype: "float32" });
 * assertEquals(A.cholesky().toArray(), [[2, 0], [1, 2]]);
 * assertEquals(A.isreal().toArray(), [[true, true], [true, true]]);
 * assertEquals(torch.arange(4).asStrided([2, 2], [1, 1]).toArray(), [[0, 1], [1, 2]]);
 * ```
 */
export interface TensorParity2Methods {
  /** `torch.cholesky(this, upper)`. */
  cholesky(upper?: boolean): Tensor;
  /** `torch.triangularSolve(this, A, opts)`: this tensor is the right-hand side b. */
  triangularSolve(A: Tensor, opts?: TriangularSolveOptions): TriangularSolveResult;
  /** `torch.isreal(this)`. */
  isreal(): Tensor;
  /** `torch.asStrided(this, size, stride, storageOffset)`. */
  asStrided(size: readonly number[], stride: readonly number[], storageOffset?: number | null): Tensor;
  /** `torch.asStrided_(this, size, stride, storageOffset)`: this tensor re-pointed in place. */
  asStrided_(size: readonly number[], stride: readonly number[], storageOffset?: number | null): this;
  /** `torch.orgqr(this, tau)` (`torch.linalg.householderProduct`). */
  orgqr(tau: Tensor): Tensor;
}

/** @internal The bodies of `TensorParity2Methods`, for `tensor.ts` to install on `Tensor.prototype`. */
export function parity2Methods(): TensorParity2Methods & ThisType<Tensor> {
  return {
    cholesky(upper = false): Tensor {
      return torchCholesky(this, upper);
    },
    triangularSolve(A: Tensor, opts: TriangularSolveOptions = {}): TriangularSolveResult {
      return triangularSolve(this, A, opts);
    },
    isreal(): Tensor {
      return isreal(this);
    },
    asStrided(
      size: readonly number[],
      stride: readonly number[],
      storageOffset: number | null = null,
    ): Tensor {
      return asStrided(this, size, stride, storageOffset);
    },
    asStrided_(
      size: readonly number[],
      stride: readonly number[],
      storageOffset: number | null = null,
    ) {
      return asStrided_(this, size, stride, storageOffset);
    },
    orgqr(tau: Tensor): Tensor {
      return householderProduct(this, tau);
    },
  };
}
