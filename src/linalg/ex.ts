/**
 * The `_ex` variants of torch.linalg's solvers, which report failures in an `info` tensor
 * instead of throwing (`invEx`, `choleskyEx`, `solveEx`).
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { Tensor as TensorClass } from "../tensor.ts";
import { inFrameOf } from "../memory.ts";
import { record } from "../ops/dispatch.ts";
import { asOp } from "../ops/naming.ts";
import { expand, squeeze, unsqueeze } from "../ops/movement.ts";
import { toDType } from "../ops/convert.ts";
import { broadcastShapes, fmtShape } from "../shape.ts";
import { describeValue } from "../backends/contract.ts";
import { checkDType, luRun, type Singular, squareMatrices, statColumn } from "./lu.ts";
import { choleskyCore } from "./cholesky.ts";
import { checkFlag, mT } from "./substitution.ts";

/** Keyword arguments of the `_ex` solvers. */
export interface CheckErrorsOptions {
  /** Throw PyTorch's error for a singular (or not positive-definite) matrix on the CPU, as the plain op (default false). */
  checkErrors?: boolean;
}

/** The result of {@link invEx}: PyTorch's `(inverse, info)`. */
export interface InvEx {
  /** The inverses. */
  inverse: Tensor;
  /** int32 per matrix: 0, or 1 + the first column with a zero pivot (the inverse is then not valid). */
  info: Tensor;
}

/** The result of {@link choleskyEx}: PyTorch's `(L, info)`. */
export interface CholeskyEx {
  /** The factors (U = Lᵀ with `upper`). */
  L: Tensor;
  /** int32 per matrix: 0, or the order of the first leading minor that is not positive-definite. */
  info: Tensor;
}

/** The result of {@link solveEx}: PyTorch's `(result, info)`. */
export interface SolveEx {
  /** The solutions. */
  result: Tensor;
  /** int32 per matrix: 0, or 1 + the first column with a zero pivot. */
  info: Tensor;
}

function infoOf(A: Tensor, lu: ReturnType<typeof luRun>): Tensor {
  return toDType(statColumn(A, lu, 3), "int32");
}

const SINGULAR_INV: Singular = {
  message: (col) =>
    `The diagonal element ${col} is zero, the inversion could not be completed because the input matrix is singular.`,
  transposed: false,
};

/**
 * The inverse of each square matrix of `A` with its `info` (PyTorch's `torch.linalg.inv_ex`):
 * no error for a singular matrix unless `checkErrors`; its inverse is then not meaningful (NaN
 * on the GPU).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const { inverse, info } = torch.linalg.invEx(torch.tensor([[[2, 0], [0, 4]], [[1, 2], [2, 4]]], { dtype: "float32" }));
 * assertEquals(inverse.index(0).toArray(), [[0.5, 0], [0, 0.25]]);
 * assertEquals(info.toArray(), [0, 2]);
 * ```
 */
export function invEx(A: Tensor, opts: CheckErrorsOptions = {}): InvEx {
  const op = "linalg.invEx";
  return asOp(op, () =>
    inFrameOf(() => {
      const check = checkFlag(op, "checkErrors", opts.checkErrors ?? false);
      squareMatrices(op, A);
      // PyTorch factors Aᵀ when A is contiguous (its row-major memory read as column-major):
      // inv(A) = inv(Aᵀ)ᵀ, with that factorization's info.
      const src = A.isContiguous() ? mT(A) : A;
      const lu = luRun(op, src, "identity", check ? SINGULAR_INV : null);
      const inverse = src === A ? lu.x! : mT(lu.x!);
      return { inverse: record("linalgInv", [A], inverse), info: infoOf(src, lu) };
    }));
}

/**
 * The Cholesky factor of each symmetric positive-definite matrix of `A` with its `info`
 * (PyTorch's `torch.linalg.cholesky_ex`): no error for a matrix that is not positive-definite
 * unless `checkErrors`; its factor is then incomplete (NaN on the GPU).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const { L, info } = torch.linalg.choleskyEx(torch.tensor([[4, 2], [2, 5]], { dtype: "float32" }));
 * assertEquals([L.toArray(), info.item()], [[[2, 0], [1, 2]], 0]);
 * assertEquals(torch.linalg.choleskyEx(torch.eye(2).neg()).info.item(), 1);
 * ```
 */
export function choleskyEx(A: Tensor, opts: CheckErrorsOptions & { upper?: boolean } = {}): CholeskyEx {
  const op = "linalg.choleskyEx";
  return asOp(op, () =>
    inFrameOf(() => {
      const check = checkFlag(op, "checkErrors", opts.checkErrors ?? false);
      const upper = checkFlag(op, "upper", opts.upper ?? false);
      return choleskyCore(op, A, upper, check);
    }));
}

/**
 * The solution of A X = B (X A = B with `left: false`) with its `info` (PyTorch's
 * `torch.linalg.solve_ex`): shapes as {@link solve}; no error for a singular A unless
 * `checkErrors`; its result is then not meaningful (NaN on the GPU).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const A = torch.tensor([[2, 0], [0, 4]], { dtype: "float32" });
 * const { result, info } = torch.linalg.solveEx(A, torch.tensor([2, 4], { dtype: "float32" }));
 * assertEquals([result.toArray(), info.item()], [[1, 1], 0]);
 * ```
 */
export function solveEx(A: Tensor, B: Tensor, opts: CheckErrorsOptions & { left?: boolean } = {}): SolveEx {
  const op = "linalg.solveEx";
  return asOp(op, () =>
    inFrameOf(() => {
      const check = checkFlag(op, "checkErrors", opts.checkErrors ?? false);
      const left = checkFlag(op, "left", opts.left ?? true);
      const n = squareMatrices(op, A);
      if (!(B instanceof TensorClass)) {
        throw new TypeError(`${op}: expected B to be a Tensor, got ${describeValue(B)}`);
      }
      checkDType(op, "B", B.dtype);
      if (B.dtype !== A.dtype) {
        throw new TypeError(
          `${op}: Expected A and B to have the same dtype, but found A of type ${A.dtype} and B of type ${B.dtype} instead`,
        );
      }
      const vector = B.ndim === 1 || (B.ndim === A.ndim - 1 && B.shape.every((s, i) => s === A.shape[i]));
      // X A = B is Aᵀ Xᵀ = Bᵀ.
      const Am = left ? A : mT(A);
      const Bm = vector ? unsqueeze(B, -1) : left ? B : mT(B);
      if (Bm.ndim < 2 || Bm.shape[Bm.ndim - 2] !== n) {
        throw new RangeError(
          `${op}: Incompatible shapes of A and B for the equation ${
            left ? "AX = B" : "XA = B"
          } (A has shape ${fmtShape(A.shape)}, B has shape ${fmtShape(B.shape)})`,
        );
      }
      const k = Bm.shape[Bm.ndim - 1];
      const batch = broadcastShapes(op, Am.shape.slice(0, -2), Bm.shape.slice(0, -2));
      const Ae = expand(Am, [...batch, n, n]), Be = expand(Bm, [...batch, n, k]);
      const transposed = Am.isContiguous();
      const lu = luRun(
        op,
        Ae,
        Be,
        check
          ? { message: () => "The solver failed because the input matrix is singular.", transposed }
          : null,
      );
      const x = record("linalgSolve", [Am, Bm], lu.x!);
      const result = vector ? squeeze(x, -1) : left ? x : mT(x);
      // The info PyTorch reports is its factorization's: of Aᵀ when A is contiguous.
      const info = transposed ? infoOf(Ae, luRun(op, mT(Ae), null, null)) : infoOf(Ae, lu);
      return { result, info };
    }));
}
