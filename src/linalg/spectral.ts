/**
 * What `torch.linalg` builds on the SVD and the symmetric eigen-decomposition (src/linalg/svd.ts,
 * eigh.ts): `pinv` (and `torch.pinverse`), `matrixRank`, `cond` and `lstsq`, with PyTorch 1.13's
 * tolerances. Composites, so they run and differentiate wherever the decompositions do.
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { Tensor as TensorClass } from "../tensor.ts";
import { inFrameOf } from "../memory.ts";
import { record, recordComposite } from "../ops/dispatch.ts";
import { noGrad } from "../autograd/grad_mode.ts";
import { asOp } from "../ops/naming.ts";
import { abs, div, gt, maximum, mul, ne, sub, where } from "../ops/elementwise.ts";

const reciprocal = (x: Tensor): Tensor => div(1, x);
import { amax, sum } from "../ops/reduce.ts";
import { expand, narrow, squeeze, unsqueeze } from "../ops/movement.ts";
import { matmul } from "../ops/matmul.ts";
import { toDType } from "../ops/convert.ts";
import { broadcastShapes, fmtShape } from "../shape.ts";
import { describeValue } from "../backends/contract.ts";
import { finfoEps } from "../distributions/utils.ts";
import { checkMatrices, mT, triangularSolveRaw } from "./substitution.ts";
import { checkDType, luRun, squareMatrices, statColumn } from "./lu.ts";
import { eigvalsh } from "./eigh.ts";
import { svdvals } from "./svd.ts";
import { eighRaw, qrRaw, svdRaw } from "./decomp_core.ts";
import { zeros } from "../creation.ts";
import { matrixNorm, type MatrixOrd } from "./norms.ts";

/** Tolerances of {@link pinv} and {@link matrixRank}: PyTorch's `atol`, `rtol` and `hermitian`. */
export interface ToleranceOptions {
  /** Absolute tolerance (default 0). A number, or a tensor broadcastable to the batch shape. */
  atol?: number | Tensor | null;
  /**
   * Relative tolerance, times the largest singular value (default max(m, n)·eps of the dtype,
   * or 0 when `atol` is given and positive).
   */
  rtol?: number | Tensor | null;
  /** A is symmetric (only its lower triangle is read): eigenvalues instead of singular values (default false). */
  hermitian?: boolean;
}

function checkTol(op: string, name: string, v: unknown): number | Tensor | null {
  if (v === undefined || v === null) return null;
  if (typeof v === "number" || v instanceof TensorClass) return v;
  throw new TypeError(`${op}: ${name} must be a number or a Tensor, got ${describeValue(v)}`);
}

/** `[..., 1]` thresholds max(atol, rtol·maxVal) for values `[..., k]` whose largest is `maxVal` (`[..., 1]`). */
function threshold(op: string, A: Tensor, maxVal: Tensor, opts: ToleranceOptions): Tensor {
  const atol = checkTol(op, "atol", opts.atol), rtol0 = checkTol(op, "rtol", opts.rtol);
  const [m, n] = A.shape.slice(-2);
  const defaultRtol = finfoEps(A.dtype) * Math.max(m, n);
  const asCol = (v: number | Tensor) => (typeof v === "number" ? v : unsqueeze(toDType(v, A.dtype), -1));
  let rtol: number | Tensor;
  if (rtol0 !== null) rtol = asCol(rtol0);
  else if (atol === null) rtol = defaultRtol;
  else {rtol = typeof atol === "number"
      ? (atol > 0 ? 0 : defaultRtol)
      : where(gt(asCol(atol) as Tensor, 0), 0, defaultRtol);}
  return maximum(mul(maxVal, rtol), atol === null ? 0 : asCol(atol));
}

function hermitianFlag(op: string, v: unknown): boolean {
  if (v === undefined) return false;
  if (typeof v !== "boolean") {
    throw new TypeError(`${op}: hermitian must be a boolean, got ${describeValue(v)}`);
  }
  return v;
}

/**
 * The Moore-Penrose pseudo-inverse of each matrix of `A` (`[..., m, n]` -> `[..., n, m]`), from
 * its SVD (its eigen-decomposition with `hermitian`), singular values at or below max(atol,
 * rtol·σ₁) taken as zero. A number as the second argument is `rtol` (PyTorch's deprecated
 * `rcond`). Differentiable through the decomposition, as PyTorch's.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const A = torch.tensor([[1, 2], [2, 4], [0, 0]], { dtype: "float64" }); // rank 1
 * const P = torch.linalg.pinv(A);
 * assertEquals(P.shape, [2, 3]);
 * assertEquals(torch.allclose(A.matmul(P).matmul(A), A), true);
 * ```
 */
export function pinv(A: Tensor, opts: ToleranceOptions | number = {}): Tensor {
  const op = "linalg.pinv";
  return asOp(op, () =>
    inFrameOf(() => {
      const o = typeof opts === "number" ? { rtol: opts } : opts ?? {};
      checkMatrices(op, "A", A);
      const herm = hermitianFlag(op, o.hermitian);
      if (herm) squareMatrices(op, A);
      return recordComposite("linalgPinv", [A], {}, () => {
        if (herm) {
          const { values: L, vectors: V } = eighRaw(op, A, "L");
          const Labs = abs(L);
          const tol = threshold(op, A, amax(Labs, -1, { keepdim: true }), o);
          const Linv = where(gt(Labs, tol), reciprocal(L), 0);
          return matmul(mul(V, unsqueeze(Linv, -2)), mT(V));
        }
        const { U, S, Vh } = svdRaw(op, A, false);
        const k = S.shape[S.ndim - 1];
        if (k === 0) return mT(matmul(U, Vh));
        const tol = threshold(op, A, narrow(S, -1, 0, 1), o);
        const Sinv = where(gt(S, tol), reciprocal(S), 0);
        return matmul(mul(mT(Vh), unsqueeze(Sinv, -2)), mT(U));
      });
    }));
}

/**
 * The numerical rank of each matrix of `A` (`[..., m, n]`): how many singular values (absolute
 * eigenvalues with `hermitian`) exceed max(atol, rtol·σ₁). int32 (PyTorch's is int64). A number
 * as the second argument is PyTorch's deprecated `tol` (an absolute tolerance, rtol 0).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.linalg.matrixRank(torch.tensor([[1, 2], [2, 4]], { dtype: "float32" })).item(), 1);
 * assertEquals(torch.linalg.matrixRank(torch.eye(3)).item(), 3);
 * ```
 */
export function matrixRank(A: Tensor, opts: ToleranceOptions | number = {}): Tensor {
  const op = "linalg.matrixRank";
  return asOp(op, () =>
    inFrameOf(() => {
      const o = typeof opts === "number" ? { atol: opts, rtol: 0 } : opts ?? {};
      checkMatrices(op, "A", A);
      const herm = hermitianFlag(op, o.hermitian);
      if (herm) squareMatrices(op, A);
      const S = herm ? abs(eigvalsh(A)) : svdvals(A);
      if (S.shape[S.ndim - 1] === 0) return toDType(sum(S, -1), "int32");
      const tol = threshold(op, A, amax(S, -1, { keepdim: true }), o);
      return sum(toDType(gt(S, tol), "int32"), -1);
    }));
}

/**
 * The condition number of each matrix of `A` in the norm `p`: σ₁/σₙ for `p` null (the default)
 * or 2, σₙ/σ₁ for -2 (any shape); for "fro", "nuc", 1, -1, `Infinity` and `-Infinity`, ‖A‖·‖A⁻¹‖
 * of square matrices (infinite for a singular one, as PyTorch).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const A = torch.tensor([[4, 0], [0, 0.5]], { dtype: "float64" });
 * assertEquals(torch.linalg.cond(A).item(), 8);
 * assertEquals(torch.linalg.cond(A, 1).item(), 8);
 * assertEquals(torch.linalg.cond(torch.zeros(2, 2), "fro").item(), Infinity);
 * ```
 */
export function cond(A: Tensor, p: MatrixOrd | null = null): Tensor {
  const op = "linalg.cond";
  return asOp(op, () =>
    inFrameOf(() => {
      checkMatrices(op, "A", A);
      if (p === null || p === 2 || p === -2) {
        const S = svdvals(A);
        const k = S.shape[S.ndim - 1];
        const first = squeeze(narrow(S, -1, 0, 1), -1), last = squeeze(narrow(S, -1, k - 1, 1), -1);
        return p === -2 ? div(last, first) : div(first, last);
      }
      if (!(p === "fro" || p === "nuc" || p === 1 || p === -1 || p === Infinity || p === -Infinity)) {
        throw new RangeError(
          `${op}: got an invalid norm type ${
            typeof p === "string" ? JSON.stringify(p) : typeof p === "number" ? p : describeValue(p)
          } ` +
            "(expected null, 2, -2, 'fro', 'nuc', 1, -1, Infinity or -Infinity)",
        );
      }
      squareMatrices(op, A);
      const lu = luRun(op, A, "identity", null);
      const Ainv = lu.x!;
      const c = mul(matrixNorm(A, p), matrixNorm(Ainv, p));
      return where(ne(statColumn(A, lu, 3), 0), Infinity, c);
    }));
}

/** Keyword arguments of {@link lstsq}. */
export interface LstsqOptions {
  /** Singular values at or below rcond·σ₁ count as zero (default max(m, n)·eps of the dtype). */
  rcond?: number | null;
  /** LAPACK's driver whose outputs to reproduce: "gelsy" (default), "gels", "gelsd" or "gelss". */
  driver?: "gels" | "gelsy" | "gelsd" | "gelss" | null;
}

/** The result of {@link lstsq}: PyTorch's named tuple, as an object. */
export interface Lstsq {
  /** The least-squares solutions, `[..., n, k]` (`[..., n]` for a vector right-hand side). */
  solution: Tensor;
  /** ‖A X - B‖² per column: for m > n and full-rank A, with drivers other than "gelsy"; else empty. */
  residuals: Tensor;
  /** The ranks (int32), for drivers other than "gels"; else empty. */
  rank: Tensor;
  /** The singular values, for "gelsd" and "gelss"; else empty. */
  singularValues: Tensor;
}

/**
 * The least-squares solution X of A X ≈ B for each matrix of `A` (`[..., m, n]`) and `B`
 * (`[..., m, k]`, or `[..., m]` as in {@link solve}; batch dims broadcast): the X minimising
 * ‖A X - B‖ (the one of least norm when A is rank-deficient), with PyTorch's extra outputs for
 * the `driver` (default "gelsy"). "gels" assumes full rank and solves by QR; the others
 * solve from the SVD with `rcond`, as the minimum-norm solution LAPACK's gelsy/gelsd/gelss
 * give (PyTorch's GPU has only "gels"; here every driver runs on both devices).
 * Differentiable with respect to A and B.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const A = torch.tensor([[1, 0], [1, 1], [1, 2]], { dtype: "float64" });
 * const B = torch.tensor([[1], [2], [4]], { dtype: "float64" });
 * const { solution, rank } = torch.linalg.lstsq(A, B);
 * assertEquals(torch.allclose(solution, torch.tensor([[5 / 6], [1.5]], { dtype: "float64" })), true);
 * assertEquals(rank.item(), 2);
 * ```
 */
export function lstsq(A: Tensor, B: Tensor, opts: LstsqOptions = {}): Lstsq {
  const op = "linalg.lstsq";
  return asOp(op, () =>
    inFrameOf(() => {
      const driver = opts.driver ?? "gelsy";
      if (!["gels", "gelsy", "gelsd", "gelss"].includes(driver)) {
        throw new RangeError(
          `${op}: parameter \`driver\` should be one of (gels, gelsy, gelsd, gelss), got ${
            describeValue(driver)
          }`,
        );
      }
      checkMatrices(op, "A", A);
      if (!(B instanceof TensorClass)) {
        throw new TypeError(`${op}: expected B to be a Tensor, got ${describeValue(B)}`);
      }
      checkDType(op, "B", B.dtype);
      if (B.dtype !== A.dtype) {
        throw new TypeError(
          `${op}: Expected input and other to have the same dtype, but got input's dtype ${A.dtype} and other's dtype ${B.dtype}`,
        );
      }
      if (A.ndim < B.ndim || A.ndim - B.ndim > 1) {
        throw new RangeError(
          `${op}: input.dim() must be greater or equal to other.dim() and (input.dim() - other.dim()) <= 1 (A has shape ${
            fmtShape(A.shape)
          }, B has shape ${fmtShape(B.shape)})`,
        );
      }
      const [m, n] = A.shape.slice(-2);
      const vector = B.ndim === 1 || (B.ndim === A.ndim - 1 && B.shape.every((s, i) => s === A.shape[i]));
      const Bm = vector ? unsqueeze(B, -1) : B;
      if (Bm.ndim < 2 || Bm.shape[Bm.ndim - 2] !== m) {
        throw new RangeError(
          `${op}: input.size(-2) should match other.size(-2) (A has shape ${fmtShape(A.shape)}, B has shape ${
            fmtShape(B.shape)
          })`,
        );
      }
      const k = Bm.shape[Bm.ndim - 1];
      const batch = broadcastShapes(op, A.shape.slice(0, -2), Bm.shape.slice(0, -2));
      const Ae = expand(A, [...batch, m, n]), Be = expand(Bm, [...batch, m, k]);
      const rcond = opts.rcond ?? null;
      if (rcond !== null && typeof rcond !== "number") {
        throw new TypeError(`${op}: rcond must be a number, got ${describeValue(rcond)}`);
      }
      const empty = (dtype: "int32" | typeof A.dtype) => zeros([0], { dtype, device: A.device });
      const res = noGrad(() => {
        if (driver === "gels") {
          return { X: gelsSolve(Ae, Be, m, n), rank: empty("int32"), singularValues: empty(A.dtype) };
        }
        const { U, S, Vh } = svdRaw(op, Ae, false);
        const rtol = rcond === null || rcond < 0 ? finfoEps(A.dtype) * Math.max(m, n) : rcond;
        const kk = S.shape[S.ndim - 1];
        const keep = kk === 0 ? S : gt(S, mul(narrow(S, -1, 0, 1), rtol));
        const Sinv = kk === 0 ? S : where(keep, reciprocal(S), 0);
        return {
          X: matmul(mul(mT(Vh), unsqueeze(Sinv, -2)), matmul(mT(U), Be)),
          rank: sum(toDType(keep, "int32"), -1),
          singularValues: driver === "gelsy" ? empty(A.dtype) : S,
        };
      });
      const { rank, singularValues } = res;
      let residuals = empty(A.dtype);
      // As LAPACK, residuals only for tall A; gelsd/gelss only when every matrix has full rank
      // (the GPU, which cannot read the ranks back synchronously, gives them regardless).
      const fullRank = driver === "gels" || A.device !== "cpu" ||
        Array.from(rank.dataSync()).every((r) => r === n);
      if (m > n && driver !== "gelsy" && fullRank) {
        const r = noGrad(() => sub(matmul(Ae, res.X), Be));
        residuals = sum(mul(r, r), -2);
      }
      const X = record("linalgLstsq", [A, Bm], res.X);
      return { solution: vector ? squeeze(X, -1) : X, residuals, rank, singularValues };
    }));
}

/** "gels": X = R⁻¹ Qᵀ B for m >= n; the minimum-norm X = Q R⁻ᵀ B from Aᵀ = Q R for m < n. */
function gelsSolve(A: Tensor, B: Tensor, m: number, n: number): Tensor {
  if (m >= n) {
    const { Q, R } = qrRaw("linalg.lstsq", A, n, n);
    return triangularSolveRaw("linalg.lstsq", R, matmul(mT(Q!), B), true, false);
  }
  const { Q, R } = qrRaw("linalg.lstsq", mT(A), m, m);
  return matmul(Q!, triangularSolveRaw("linalg.lstsq", mT(R), B, false, false));
}
