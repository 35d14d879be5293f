/**
 * `torch.linalg.diagonal`, `torch.linalg.tensorinv` and `torch.linalg.tensorsolve`: reshapes and
 * dim moves around the existing `diagonal`, `inv` and `solve` (so their values, errors and
 * gradients, on both devices).
 * @module
 */
import { Tensor } from "../tensor.ts";
import { inFrameOf } from "../memory.ts";
import { asOp } from "../ops/naming.ts";
import { diagonal as diagonalView, movedim } from "../ops/rearrange.ts";
import { reshape } from "../ops/movement.ts";
import { fmtShape, normDim, numelOf } from "../shape.ts";
import { describeValue } from "../backends/contract.ts";
import { inv, solve } from "./solve.ts";

/** Keyword arguments of {@link diagonal}: PyTorch's defaults pick the last two dims. */
export interface LinalgDiagonalOptions {
  /** Which diagonal: 0 the main one, > 0 above it, < 0 below it (default 0). */
  offset?: number;
  /** The first dim of the matrices (default -2). */
  dim1?: number;
  /** The second dim of the matrices (default -1). */
  dim2?: number;
}

/**
 * PyTorch's `torch.linalg.diagonal(A, *, offset=0, dim1=-2, dim2=-1)`: `torch.diagonal` with
 * defaults for batches of matrices, a view of each matrix's diagonal in the last dim.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const A = torch.arange(8).reshape(2, 2, 2);
 * assertEquals(torch.linalg.diagonal(A).toArray(), [[0, 3], [4, 7]]);
 * assertEquals(torch.linalg.diagonal(A, { offset: 1 }).toArray(), [[1], [5]]);
 * ```
 */
export function diagonal(A: Tensor, opts: LinalgDiagonalOptions = {}): Tensor {
  return asOp("linalg.diagonal", () => {
    if (!(A instanceof Tensor)) {
      throw new TypeError(`linalg.diagonal: expected A to be a Tensor, got ${describeValue(A)}`);
    }
    return diagonalView(A, opts?.offset ?? 0, opts?.dim1 ?? -2, opts?.dim2 ?? -1);
  });
}

/**
 * PyTorch's `torch.linalg.tensorinv(A, ind=2)`: the inverse of `A` for `tensordot` over `ind`
 * dims: with `A.shape = [...P, ...Q]` (`P` its first `ind` dims, numel(P) = numel(Q)), the
 * result has shape `[...Q, ...P]` and `tensordot(result, A, ind)` is the identity. Computed as
 * `inv` of the square reshape (an error for a singular A), differentiable.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const A = torch.eye(4, { dtype: "float64" }).mul(2).reshape(4, 2, 2);
 * const Ainv = torch.linalg.tensorinv(A, { ind: 1 });
 * assertEquals(Ainv.shape, [2, 2, 4]);
 * assertEquals(torch.allclose(torch.tensordot(Ainv, A, 1), torch.eye(4, { dtype: "float64" }).reshape(2, 2, 2, 2)), true);
 * ```
 */
export function tensorinv(A: Tensor, opts: { ind?: number } = {}): Tensor {
  const op = "linalg.tensorinv";
  return asOp(op, () =>
    inFrameOf(() => {
      if (!(A instanceof Tensor)) {
        throw new TypeError(`${op}: expected A to be a Tensor, got ${describeValue(A)}`);
      }
      const ind = opts?.ind ?? 2;
      if (!Number.isInteger(ind) || ind <= 0) {
        throw new RangeError(
          `${op}: Expected a strictly positive integer for 'ind', but got ${
            typeof ind === "number" ? ind : describeValue(ind)
          }`,
        );
      }
      const outer = A.shape.slice(0, ind), inner = A.shape.slice(ind);
      const p = numelOf(outer), q = numelOf(inner);
      if (ind > A.ndim || p !== q) {
        throw new RangeError(
          `${op}: Expected A to satisfy the requirement prod(A.shape[ind:]) == prod(A.shape[:ind]), ` +
            `but got ${q} != ${p} (A of shape ${fmtShape(A.shape)}, ind ${ind})`,
        );
      }
      return reshape(inv(reshape(A, [p, q])), [...inner, ...outer]);
    }));
}

/**
 * PyTorch's `torch.linalg.tensorsolve(A, B, dims=None)`: the X with `tensordot(A, X, X.ndim)`
 * equal to `B`. `A.shape` must start with `B.shape`, the rest (X's shape) having as many elements
 * as B; `dims` first moves those dims of A to the end. Computed with `solve` on the square
 * reshape, differentiable in A and B.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const A = torch.eye(6, { dtype: "float64" }).mul(2).reshape(2, 3, 6);
 * const B = torch.arange(6, { dtype: "float64" }).reshape(2, 3);
 * assertEquals(torch.linalg.tensorsolve(A, B).toArray(), [0, 0.5, 1, 1.5, 2, 2.5]);
 * ```
 */
export function tensorsolve(A: Tensor, B: Tensor, opts: { dims?: readonly number[] | null } = {}): Tensor {
  const op = "linalg.tensorsolve";
  return asOp(op, () =>
    inFrameOf(() => {
      if (!(A instanceof Tensor)) {
        throw new TypeError(`${op}: expected A to be a Tensor, got ${describeValue(A)}`);
      }
      if (!(B instanceof Tensor)) {
        throw new TypeError(`${op}: expected B to be a Tensor, got ${describeValue(B)}`);
      }
      let a = A;
      const dims = opts?.dims ?? null;
      if (dims !== null) {
        if (!Array.isArray(dims)) {
          throw new TypeError(`${op}: dims must be a list of dims or null, got ${describeValue(dims)}`);
        }
        const src = dims.map((d) => normDim(op, d, A.ndim));
        const dst = src.map((_, i) => A.ndim - src.length + i);
        a = movedim(A, src, dst);
      }
      const lead = a.shape.slice(0, B.ndim), rest = a.shape.slice(B.ndim);
      const sameLead = B.ndim <= a.ndim && lead.every((s, i) => s === B.shape[i]);
      if (!sameLead || numelOf(rest) !== numelOf(lead)) {
        throw new RangeError(
          `${op}: Expected A to satisfy the requirement prod(A.shape[B.ndim:]) == prod(A.shape[:B.ndim]) ` +
            `with A.shape[:B.ndim] equal to B's shape, but got A of shape ${fmtShape(a.shape)} ` +
            `and B of shape ${fmtShape(B.shape)}`,
        );
      }
      const n = numelOf(lead);
      return reshape(solve(reshape(a, [n, n]), reshape(B, [n, 1])), rest);
    }));
}
