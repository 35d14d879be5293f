/**
 * `Tensor`'s methods for `L.choleskyInverse(upper)`, `b.choleskySolve(L, upper)`,
 * `b.luSolve(LU, pivots)`, `A.geqrf()` and `input.ormqr(tau, other, left, transpose)`: each calls
 * its op with the tensor as the first operand. `Tensor` extends the `TensorLinalgExtraMethods`
 * interface declared here; `tensor.ts` installs the bodies on `Tensor.prototype`.
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { choleskyInverse } from "../linalg/cholesky_inverse.ts";
import { choleskySolve } from "../linalg/cholesky_solve.ts";
import { torchLuSolve } from "../linalg/legacy.ts";
import { type Geqrf, geqrf, ormqr } from "../linalg/geqrf.ts";

/**
 * Methods of every `Tensor`: `choleskyInverse`, `choleskySolve`, `luSolve`, `geqrf`, `ormqr`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const A = torch.tensor([[4, 2], [2, 5]], { dtype: "float64" });
 * const L = A.cholesky();
 * assertEquals(torch.tensor([[6], [7]], { dtype: "float64" }).choleskySolve(L).toArray(), [[1], [1]]);
 * assertEquals(torch.allclose(L.choleskyInverse().matmul(A), torch.eye(2, { dtype: "float64" })), true);
 * ```
 */
export interface TensorLinalgExtraMethods {
  /** `torch.choleskyInverse(this, upper)`: this tensor is the Cholesky factor. */
  choleskyInverse(upper?: boolean): Tensor;
  /** `torch.choleskySolve(this, L, upper)`: this tensor is the right-hand side B. */
  choleskySolve(L: Tensor, upper?: boolean): Tensor;
  /** `torch.luSolve(this, LU, pivots)`: this tensor is the right-hand side b. */
  luSolve(LU: Tensor, pivots: Tensor): Tensor;
  /** `torch.geqrf(this)`. */
  geqrf(): Geqrf;
  /** `torch.ormqr(this, tau, other, left, transpose)`. */
  ormqr(tau: Tensor, other: Tensor, left?: boolean, transpose?: boolean): Tensor;
}

/** @internal The bodies of `TensorLinalgExtraMethods`, for `tensor.ts` to install on `Tensor.prototype`. */
export function linalgExtraMethods(): TensorLinalgExtraMethods & ThisType<Tensor> {
  return {
    choleskyInverse(upper = false): Tensor {
      return choleskyInverse(this, upper);
    },
    choleskySolve(L: Tensor, upper = false): Tensor {
      return choleskySolve(this, L, upper);
    },
    luSolve(LU: Tensor, pivots: Tensor): Tensor {
      return torchLuSolve(this, LU, pivots);
    },
    geqrf(): Geqrf {
      return geqrf(this);
    },
    ormqr(tau: Tensor, other: Tensor, left = true, transpose = false): Tensor {
      return ormqr(this, tau, other, left, transpose);
    },
  };
}
