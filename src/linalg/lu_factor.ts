/**
 * LU factorisations with partial pivoting as PyTorch 1.13 exposes them: `torch.linalg.luFactor`,
 * `luFactorEx`, `lu`, `luSolve`, and `torch.lu`, `torch.luUnpack`, `torch.luSolve`
 * (`Backend.getrf`: assembly/decomp.ts on the CPU, float32 and float64; wgsl/decomp.wgsl on the
 * GPU, float32, two dispatches per column). Pivots are 1-based int32, as PyTorch's. With
 * PyTorch's gradients (`linalg_lu_backward`; `luSolve` differentiates through its triangular
 * solves).
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { inFrameOf } from "../memory.ts";
import { needsGrad, record } from "../ops/dispatch.ts";
import { asOp } from "../ops/naming.ts";
import { matmul } from "../ops/matmul.ts";
import { checkFlag, checkMatrices, mT } from "./substitution.ts";
import { checkDType } from "./lu.ts";
import { solveTriangular } from "./triangular.ts";
import { recordPacked } from "./packed.ts";
import { checkPivots, getrfRaw, permutationMatrix, unpackLU } from "./decomp_core.ts";

/** The result of {@link luFactor}: PyTorch's `(LU, pivots)`. */
export interface LUFactor {
  /** L's multipliers below the diagonal (its unit diagonal implied) and U on and above it. */
  LU: Tensor;
  /** int32 `[..., min(m, n)]`: row i was swapped with row `pivots[i]` (1-based). */
  pivots: Tensor;
}

/** The result of {@link luFactorEx} (and of {@link torchLu} with `getInfos`): PyTorch's `(LU, pivots, info)`. */
export interface LUFactorEx extends LUFactor {
  /** int32, the batch shape: 0, or 1 + the first column whose pivot is exactly 0. */
  info: Tensor;
}

/** The result of {@link lu} and {@link luUnpack}: PyTorch's `(P, L, U)` with A = P L U. */
export interface PLU {
  /** The permutation matrix `[..., m, m]`. */
  P: Tensor;
  /** Unit lower triangular `[..., m, k]`. */
  L: Tensor;
  /** Upper triangular `[..., k, n]`. */
  U: Tensor;
}

/** Keyword arguments of {@link luFactor}, {@link luFactorEx} and {@link lu}. */
export interface LuOptions {
  /** Partial pivoting (default true; false is refused on the CPU, as PyTorch's). */
  pivot?: boolean;
}

function checkPivot(op: string, opts: LuOptions | boolean | undefined): void {
  const pivot = typeof opts === "boolean" ? opts : opts?.pivot ?? true;
  checkFlag(op, "pivot", pivot);
  if (!pivot) throw new Error(`${op}: LU without pivoting is not implemented on the CPU`);
}

/**
 * The LU factorisation with partial pivoting of each matrix of `A` (`[..., m, n]`), with its
 * `info` instead of an error: PyTorch's `torch.linalg.lu_factor_ex`. `LU` is differentiable.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const { LU, pivots, info } = torch.linalg.luFactorEx(torch.tensor([[1, 2], [2, 4]], { dtype: "float32" }));
 * assertEquals([LU.toArray(), pivots.toArray(), info.item()], [[[2, 4], [0.5, 0]], [2, 2], 2]);
 * ```
 */
export function luFactorEx(A: Tensor, opts: LuOptions = {}): LUFactorEx {
  const op = "linalg.luFactorEx";
  return asOp(op, () =>
    inFrameOf(() => {
      checkPivot(op, opts);
      checkMatrices(op, "A", A);
      const r = getrfRaw(op, A);
      // P only for the gradient.
      const P = needsGrad(A) ? permutationMatrix(op, r.pivots, A.shape[A.ndim - 2], A.dtype) : null;
      return { LU: record("linalgLuFactor", [A], r.LU, { P }), pivots: r.pivots, info: r.info };
    }));
}

/**
 * The LU factorisation with partial pivoting of each matrix of `A` (`[..., m, n]`), as LAPACK's
 * getrf: `LU` packs L (unit lower, below the diagonal) and U; `pivots` are 1-based int32. A
 * matrix with a zero pivot throws on the CPU (as PyTorch; {@link luFactorEx} reports it
 * instead); the GPU cannot check without a read-back and returns the factorisation.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const A = torch.tensor([[1, 2], [3, 4]], { dtype: "float64" });
 * const { LU, pivots } = torch.linalg.luFactor(A);
 * assertEquals(pivots.toArray(), [2, 2]);
 * const x = torch.linalg.luSolve(LU, pivots, torch.tensor([[5], [11]], { dtype: "float64" }));
 * assertEquals(torch.allclose(x, torch.tensor([[1], [2]], { dtype: "float64" })), true);
 * ```
 */
export function luFactor(A: Tensor, opts: LuOptions = {}): LUFactor {
  const op = "linalg.luFactor";
  return asOp(op, () =>
    inFrameOf(() => {
      const { LU, pivots, info } = luFactorEx(A, opts);
      if (A.device === "cpu" && info.numel() > 0) {
        const infos = info.dataSync();
        const i = infos.findIndex((v) => v !== 0);
        if (i >= 0) {
          const where = A.ndim > 2 ? `(Batch element ${i}): ` : "";
          throw new Error(
            `${op}: ${where}U[${infos[i]},${
              infos[i]
            }] is zero and using it on lu_solve would result in a division by zero. ` +
              "If you still want to perform the factorization, consider calling linalg.lu(A, pivot) or linalg.luFactorEx(A, pivot)",
          );
        }
      }
      return { LU, pivots };
    }));
}

/**
 * The LU decomposition A = P L U of each matrix of `A` (`[..., m, n]`): P a permutation matrix,
 * L unit lower triangular `[..., m, k]`, U upper triangular `[..., k, n]` (k = min(m, n)).
 * L and U are differentiable (PyTorch's gradient).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const A = torch.tensor([[1, 2], [3, 4]], { dtype: "float64" });
 * const { P, L, U } = torch.linalg.lu(A);
 * assertEquals(P.toArray(), [[0, 1], [1, 0]]);
 * assertEquals(torch.allclose(P.matmul(L).matmul(U), A), true);
 * ```
 */
export function lu(A: Tensor, opts: LuOptions = {}): PLU {
  const op = "linalg.lu";
  return asOp(op, () =>
    inFrameOf(() => {
      checkPivot(op, opts);
      checkMatrices(op, "A", A);
      const r = getrfRaw(op, A);
      const P = permutationMatrix(op, r.pivots, A.shape[A.ndim - 2], A.dtype);
      const [L, U] = recordPacked("linalgLu", [A], { P }, () => {
        const { L, U } = unpackLU(r.LU);
        return [L, U];
      });
      return { P, L, U };
    }));
}

/** Keyword arguments of {@link luSolve}. */
export interface LuSolveOptions {
  /** Solve A X = B (true, the default) or X A = B. */
  left?: boolean;
  /** Solve with Aᵀ instead of A (default false). */
  adjoint?: boolean;
}

/**
 * The solution X of A X = B (X A = B with `left: false`; Aᵀ instead of A with `adjoint`) for
 * A given by {@link luFactor}'s `LU` (`[..., n, n]`) and `pivots`; `B` is `[..., n, k]` (`[...,
 * k, n]` with `left: false`), batch dims broadcast. Differentiable with respect to LU and B.
 * PyTorch's `torch.linalg.lu_solve`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const A = torch.tensor([[4, 1], [2, 3]], { dtype: "float64" });
 * const { LU, pivots } = torch.linalg.luFactor(A);
 * const X = torch.linalg.luSolve(LU, pivots, torch.tensor([[1, 0], [0, 1]], { dtype: "float64" }), { adjoint: true });
 * assertEquals(torch.allclose(X, torch.linalg.inv(A.t())), true);
 * ```
 */
export function luSolve(LU: Tensor, pivots: Tensor, B: Tensor, opts: LuSolveOptions = {}): Tensor {
  const op = "linalg.luSolve";
  return asOp(op, () =>
    inFrameOf(() => {
      const left = checkFlag(op, "left", opts.left ?? true);
      const adjoint = checkFlag(op, "adjoint", opts.adjoint ?? false);
      checkMatrices(op, "LU", LU);
      checkMatrices(op, "B", B);
      const [r, c] = LU.shape.slice(-2);
      if (r !== c) throw new RangeError(`${op}: Expected LU to be square, but got ${r} by ${c} matrices`);
      checkPivots(op, LU, pivots, r);
      checkDType(op, "B", B.dtype);
      if (B.dtype !== LU.dtype) {
        throw new TypeError(
          `${op}: Expected LU and B to have the same dtype, but found LU of type ${LU.dtype} and B of type ${B.dtype} instead`,
        );
      }
      const [br, bc] = B.shape.slice(-2);
      if ((left ? br : bc) !== r) {
        throw new RangeError(
          `${op}: Incompatible shapes of A and B for the equation ${
            left ? "AX = B" : "XA = B"
          } (${r}x${c} and ${br}x${bc})`,
        );
      }
      const P = permutationMatrix(op, pivots, r, LU.dtype);
      // A = P L U. X A = B is Aᵀ Xᵀ = Bᵀ: the other (adjoint) solve, transposed.
      const solve = (rhs: Tensor, adj: boolean) =>
        adj ? matmul(P, solveAdjoint(LU, rhs)) : solveTriangular(
          LU,
          solveTriangular(LU, matmul(mT(P), rhs), { upper: false, unitriangular: true }),
          { upper: true },
        );
      return left ? solve(B, adjoint) : mT(solve(mT(B), !adjoint));
    }));
}

/** L⁻ᵀ U⁻ᵀ rhs for the packed LU: Uᵀ is lower triangular, Lᵀ unit upper. */
function solveAdjoint(LU: Tensor, rhs: Tensor): Tensor {
  const y = solveTriangular(mT(LU), rhs, { upper: false });
  return solveTriangular(mT(LU), y, { upper: true, unitriangular: true });
}
