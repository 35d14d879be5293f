/**
 * The `torch.*` names of the decompositions (PyTorch's older API, most deprecated there in favour
 * of `torch.linalg`): `torch.qr`, `torch.svd`, `torch.pinverse`, `torch.lu`, `torch.luUnpack`,
 * `torch.luSolve`, `torch.logdet`, `torch.matrixExp`: thin wrappers of src/linalg/qr.ts, svd.ts,
 * spectral.ts, lu_factor.ts, solve.ts and matrix_exp.ts.
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { inFrameOf } from "../memory.ts";
import { asOp } from "../ops/naming.ts";
import { zeros } from "../creation.ts";
import { describeValue } from "../backends/contract.ts";
import { checkFlag, checkMatrices, mT } from "./substitution.ts";
import { type QR, qr } from "./qr.ts";
import { svd, svdvals } from "./svd.ts";
import { pinv } from "./spectral.ts";
import { slogdet } from "./solve.ts";
import { matrixExp } from "./matrix_exp.ts";
import { lt, where } from "../ops/elementwise.ts";
import { luFactorEx, luSolve, type PLU } from "./lu_factor.ts";
import { checkPivots, permutationMatrix, unpackLU } from "./decomp_core.ts";

/**
 * PyTorch's `torch.qr(A, some=true)` (deprecated there in favour of {@link qr}): `some` is mode
 * `"reduced"`, `some: false` mode `"complete"`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const { Q, R } = torch.qr(torch.tensor([[1, 2], [3, 4], [5, 6]]).float(), false);
 * assertEquals([Q.shape, R.shape], [[3, 3], [3, 2]]);
 * ```
 */
export function torchQr(A: Tensor, some = true): QR {
  if (typeof some !== "boolean") {
    throw new TypeError(`qr: some must be a boolean, got ${describeValue(some)}`);
  }
  return asOp("qr", () => qr(A, some ? "reduced" : "complete"));
}

/** The result of {@link torchSvd}: PyTorch's `(U, S, V)` named tuple (V, not Vᵀ), as an object. */
export interface SVDV {
  /** `[..., m, k]` (`some`) or `[..., m, m]`. */
  U: Tensor;
  /** `[..., k]`, descending. */
  S: Tensor;
  /** `[..., n, k]` (`some`) or `[..., n, n]`. */
  V: Tensor;
}

/**
 * PyTorch's `torch.svd(A, some=true, compute_uv=true)` (deprecated there in favour of
 * {@link svd}): returns V, not Vh. `some` gives the reduced U `[..., m, k]` and V `[..., n, k]`,
 * `some: false` the full ones; with `computeUv` false, U and V are zeros (`[..., m, m]` and
 * `[..., n, n]`) and only S is computed.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const A = torch.tensor([[1, 2], [3, 4], [5, 6]], { dtype: "float64" });
 * const { U, S, V } = torch.svd(A);
 * assertEquals([U.shape, S.shape, V.shape], [[3, 2], [2], [2, 2]]);
 * assertEquals(torch.allclose(U.matmul(torch.diag(S)).matmul(V.t()), A), true);
 * ```
 */
export function torchSvd(A: Tensor, some = true, computeUv = true): SVDV {
  const op = "svd";
  return asOp(op, () =>
    inFrameOf(() => {
      checkFlag(op, "some", some);
      checkFlag(op, "compute_uv", computeUv);
      checkMatrices(op, "A", A);
      if (!computeUv) {
        const [m, n] = A.shape.slice(-2), b = A.shape.slice(0, -2);
        const o = { dtype: A.dtype, device: A.device };
        return { U: zeros([...b, m, m], o), S: svdvals(A), V: zeros([...b, n, n], o) };
      }
      const { U, S, Vh } = svd(A, !some);
      return { U, S, V: mT(Vh) };
    }));
}

/**
 * PyTorch's `torch.pinverse(A, rcond=1e-15)`: {@link pinv} with `rtol` = `rcond`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const P = torch.pinverse(torch.tensor([[2, 0], [0, 0]], { dtype: "float64" }));
 * assertEquals(P.toArray(), [[0.5, 0], [0, 0]]);
 * ```
 */
export function pinverse(A: Tensor, rcond = 1e-15): Tensor {
  if (typeof rcond !== "number") {
    throw new TypeError(`pinverse: rcond must be a number, got ${describeValue(rcond)}`);
  }
  return asOp("pinverse", () => pinv(A, { rtol: rcond }));
}

/**
 * PyTorch's `torch.lu_unpack(LU_data, LU_pivots, unpack_data=True, unpack_pivots=True)`: P, L
 * and U from {@link luFactor}'s output (empty tensors for the parts not asked for). L and U are
 * differentiable with respect to `LU`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const A = torch.tensor([[1, 2], [3, 4]], { dtype: "float64" });
 * const { LU, pivots } = torch.linalg.luFactor(A);
 * const { P, L, U } = torch.luUnpack(LU, pivots);
 * assertEquals(torch.allclose(P.matmul(L).matmul(U), A), true);
 * ```
 */
export function luUnpack(LU: Tensor, pivots: Tensor, unpackData = true, unpackPivots = true): PLU {
  const op = "luUnpack";
  return asOp(op, () =>
    inFrameOf(() => {
      checkMatrices(op, "LU", LU);
      checkFlag(op, "unpack_data", unpackData);
      checkFlag(op, "unpack_pivots", unpackPivots);
      const [m, n] = LU.shape.slice(-2), k = Math.min(m, n);
      checkPivots(op, LU, pivots, k);
      const empty = () => zeros([0], { dtype: LU.dtype, device: LU.device });
      const { L, U } = unpackData ? unpackLU(LU) : { L: empty(), U: empty() };
      const P = unpackPivots ? permutationMatrix(op, pivots, m, LU.dtype) : empty();
      return { P, L, U };
    }));
}

/** The result of {@link torchLu}: `(A_LU, pivots)`, plus `infos` with `getInfos`. */
export interface TorchLu {
  /** The packed factors (see {@link luFactor}). */
  LU: Tensor;
  /** int32 `[..., min(m, n)]`, 1-based. */
  pivots: Tensor;
  /** int32 per matrix (with `getInfos` only). */
  infos?: Tensor;
}

/**
 * PyTorch's `torch.lu(A, pivot=True, get_infos=False)` (deprecated there in favour of
 * {@link luFactor}): the packed LU and pivots, with `getInfos` also the infos; never throws for
 * singular matrices.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const { LU, pivots, infos } = torch.lu(torch.tensor([[0, 1], [1, 0]], { dtype: "float32" }), true, true);
 * assertEquals([LU.toArray(), pivots.toArray(), infos!.item()], [[[1, 0], [0, 1]], [2, 2], 0]);
 * ```
 */
export function torchLu(A: Tensor, pivot = true, getInfos = false): TorchLu {
  return asOp("lu", () =>
    inFrameOf(() => {
      checkFlag("lu", "get_infos", getInfos);
      const r = luFactorEx(A, { pivot });
      return getInfos ? { LU: r.LU, pivots: r.pivots, infos: r.info } : { LU: r.LU, pivots: r.pivots };
    }));
}

/**
 * PyTorch's `torch.lu_solve(b, LU_data, LU_pivots)` (deprecated there in favour of
 * {@link luSolve}): the solution of A X = b.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const A = torch.tensor([[2, 0], [0, 4]], { dtype: "float32" });
 * const { LU, pivots } = torch.lu(A);
 * assertEquals(torch.luSolve(torch.tensor([[2], [4]], { dtype: "float32" }), LU, pivots).toArray(), [[1], [1]]);
 * ```
 */
export function torchLuSolve(b: Tensor, LU: Tensor, pivots: Tensor): Tensor {
  return asOp("luSolve", () => luSolve(LU, pivots, b));
}

/**
 * The natural log of the determinant of each square matrix of `A` (PyTorch's `torch.logdet`):
 * NaN where the determinant is negative, -inf where it is 0; differentiable where it is positive.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const d = torch.logdet(torch.tensor([[[2, 0], [0, 3]], [[-1, 0], [0, 2]]], { dtype: "float64" }));
 * assertEquals(Math.abs(d.index(0).item() - Math.log(6)) < 1e-12, true);
 * assertEquals(Number.isNaN(d.index(1).item()), true);
 * ```
 */
export function logdet(A: Tensor): Tensor {
  return asOp("logdet", () =>
    inFrameOf(() => {
      const { sign, logabsdet } = slogdet(A);
      return where(lt(sign, 0), NaN, logabsdet);
    }));
}

/**
 * PyTorch's `torch.matrix_exp`: {@link matrixExp}.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.matrixExp(torch.zeros(2, 2)).toArray(), [[1, 0], [0, 1]]);
 * ```
 */
export function torchMatrixExp(A: Tensor): Tensor {
  return asOp("matrixExp", () => matrixExp(A));
}
