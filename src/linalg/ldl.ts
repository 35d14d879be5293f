/**
 * The LDLᵀ factorisation of symmetric matrices with Bunch-Kaufman pivoting as PyTorch 1.13
 * exposes it: `torch.linalg.ldlFactor`, `ldlFactorEx` and `ldlSolve` (`Backend.sytrf`/`sytrs`:
 * assembly/ldl.ts on the CPU, float32 and float64; wgsl/ldl.wgsl on the GPU, float32), LAPACK's
 * sytrf/sytrs with the lower triangle, so `LD` and `pivots` are PyTorch's. As in PyTorch 1.13
 * neither has a derivative: their results require grad, and backward says so.
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { Tensor as TensorClass } from "../tensor.ts";
import { inFrameOf } from "../memory.ts";
import { backendOf, contiguousStorage, record, wrap } from "../ops/dispatch.ts";
import { asOp } from "../ops/naming.ts";
import { toDType } from "../ops/convert.ts";
import { expand } from "../ops/movement.ts";
import { broadcastShapes, fmtShape, numelOf } from "../shape.ts";
import { describeValue } from "../backends/contract.ts";
import { checkFlag, checkMatrices } from "./substitution.ts";

/** The result of {@link ldlFactor}: PyTorch's `(LD, pivots)`. */
export interface LDLFactor {
  /**
   * `[..., n, n]`: L's multipliers below D's blocks (L's unit diagonal implied), D's 1x1 and 2x2
   * blocks on and just below the diagonal; zero above it.
   */
  LD: Tensor;
  /**
   * int32 `[..., n]`, LAPACK's sytrf convention (1-based): `pivots[k] = p > 0` is a 1x1 block at
   * k after swapping rows/columns k and p; `pivots[k] = pivots[k + 1] = -p` is a 2x2 block at
   * k, k + 1 after swapping k + 1 and p.
   */
  pivots: Tensor;
}

/** The result of {@link ldlFactorEx}: PyTorch's `(LD, pivots, info)`. */
export interface LDLFactorEx extends LDLFactor {
  /** int32, the batch shape: 0, or 1 + the first column whose block of D is exactly zero. */
  info: Tensor;
}

/** Keyword arguments of {@link ldlFactor} and {@link ldlSolve}. */
export interface LdlOptions {
  /** A is Hermitian rather than symmetric: the same for real matrices (default false). */
  hermitian?: boolean;
}

/** Keyword arguments of {@link ldlFactorEx}. */
export interface LdlFactorExOptions extends LdlOptions {
  /** Throw if a matrix's D is singular, as {@link ldlFactor} (default false). */
  checkErrors?: boolean;
}

function checkSquare(op: string, what: string, A: Tensor): number {
  const [r, c] = A.shape.slice(-2);
  if (r !== c) {
    throw new RangeError(
      `${op}: ${what} must be batches of square matrices, but they are ${r} by ${c} matrices`,
    );
  }
  return r;
}

function throwOnInfo(op: string, A: Tensor, info: Tensor): void {
  if (A.device !== "cpu" || info.numel() === 0) return;
  const infos = info.dataSync();
  const i = infos.findIndex((v) => v !== 0);
  if (i < 0) return;
  const where = A.ndim > 2 ? `(Batch element ${i}): ` : "";
  throw new Error(
    `${op}: ${where}the factorization could not be completed: D's block at column ${
      infos[i]
    } is exactly zero ` +
      `(or the diagonal holds NaN), so the matrix is singular and ldlSolve would divide by zero. ` +
      `linalg.ldlFactorEx returns the factorization with this info instead`,
  );
}

/**
 * The Bunch-Kaufman LDLᵀ factorisation of each symmetric matrix of `A` (`[..., n, n]`, only its
 * lower triangle is read), with `info` instead of an error: PyTorch's
 * `torch.linalg.ldl_factor_ex`. With `checkErrors` a singular D throws (on the CPU; the GPU
 * cannot check without a read-back).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const { LD, pivots, info } = torch.linalg.ldlFactorEx(torch.tensor([[4, 2], [2, 3]], { dtype: "float64" }));
 * assertEquals([LD.toArray(), pivots.toArray(), info.item()], [[[4, 0], [0.5, 2]], [1, 2], 0]);
 * ```
 */
export function ldlFactorEx(A: Tensor, opts: LdlFactorExOptions = {}): LDLFactorEx {
  const op = "linalg.ldlFactorEx";
  return asOp(op, () =>
    inFrameOf(() => {
      checkFlag(op, "hermitian", opts.hermitian ?? false);
      const checkErrors = checkFlag(op, "checkErrors", opts.checkErrors ?? false);
      checkMatrices(op, "A", A);
      const n = checkSquare(op, "A", A);
      const batchShape = A.shape.slice(0, -2), batch = numelOf(batchShape);
      const backend = backendOf(op, A);
      if (!backend.sytrf) throw new Error(`${op}: the ${A.device} backend has no LDL factorisation`);
      if (A.device === "gpu" && A.dtype !== "float32") {
        throw new TypeError(`${op}: the GPU factors float32 matrices, got ${A.dtype}`);
      }
      const res = backend.sytrf(contiguousStorage(A), { batch, m: n, n });
      const LD = wrap(res.ld, A.shape);
      const pivots = toDType(wrap(res.pivots, [...batchShape, n]), "int32");
      const info = toDType(wrap(res.info, batchShape), "int32");
      if (checkErrors) throwOnInfo(op, A, info);
      return { LD: record("linalgLdlFactor", [A], LD), pivots, info };
    }));
}

/**
 * The Bunch-Kaufman LDLᵀ factorisation of each symmetric matrix of `A` (`[..., n, n]`, only its
 * lower triangle is read), as LAPACK's sytrf with the lower triangle: A = P L D Lᵀ Pᵀ with L
 * unit lower triangular and D block diagonal with 1x1 and 2x2 blocks (see {@link LDLFactor}).
 * A singular D throws on the CPU ({@link ldlFactorEx} reports it instead); the GPU cannot check
 * without a read-back. PyTorch's `torch.linalg.ldl_factor`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const A = torch.tensor([[1, 2, 3], [2, 1, 4], [3, 4, 1]], { dtype: "float64" });
 * const { LD, pivots } = torch.linalg.ldlFactor(A);
 * assertEquals(pivots.toArray(), [-3, -3, 3]);
 * const B = torch.tensor([[1], [2], [3]], { dtype: "float64" });
 * const X = torch.linalg.ldlSolve(LD, pivots, B);
 * assertEquals(torch.allclose(A.matmul(X), B), true);
 * ```
 */
export function ldlFactor(A: Tensor, opts: LdlOptions = {}): LDLFactor {
  const op = "linalg.ldlFactor";
  return asOp(op, () =>
    inFrameOf(() => {
      const { LD, pivots, info } = ldlFactorEx(A, { hermitian: opts.hermitian ?? false });
      throwOnInfo(op, A, info);
      return { LD, pivots };
    }));
}

/** Pivots the wasm kernel can follow without leaving the matrix: LAPACK's layout. */
function checkPivotValues(op: string, pivots: Tensor, n: number): void {
  if (pivots.device !== "cpu" || n === 0) return;
  const piv = pivots.dataSync(), batch = piv.length / n;
  for (let b = 0; b < batch; b++) {
    for (let k = 0; k < n; k++) {
      const p = Number(piv[b * n + k]);
      const bad = (why: string) =>
        new RangeError(
          `${op}: invalid pivots (matrix ${b}, pivot ${k} is ${p}): ${why}; expected ldlFactor's pivots`,
        );
      if (p === 0 || Math.abs(p) > n) throw bad(`expected values in [1, ${n}] or [-${n}, -1]`);
      if (p < 0) {
        if (k + 1 >= n || Number(piv[b * n + k + 1]) !== p) {
          throw bad("a negative pivot comes in equal pairs");
        }
        k++;
      }
    }
  }
}

/**
 * The solution X of A X = B for A given by {@link ldlFactor}'s `LD` (`[..., n, n]`) and
 * `pivots`; `B` is `[..., n, k]`, batch dims broadcast (LD's and pivots' batch shapes must be
 * equal). LAPACK's sytrs, PyTorch's `torch.linalg.ldl_solve`. Not differentiable (as PyTorch 1.13).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const A = torch.tensor([[0, 1], [1, 0]], { dtype: "float32" });
 * const { LD, pivots } = torch.linalg.ldlFactor(A);
 * const X = torch.linalg.ldlSolve(LD, pivots, torch.tensor([[2], [3]], { dtype: "float32" }));
 * assertEquals(X.toArray(), [[3], [2]]);
 * ```
 */
export function ldlSolve(LD: Tensor, pivots: Tensor, B: Tensor, opts: LdlOptions = {}): Tensor {
  const op = "linalg.ldlSolve";
  return asOp(op, () =>
    inFrameOf(() => {
      checkFlag(op, "hermitian", opts.hermitian ?? false);
      checkMatrices(op, "LD", LD);
      checkMatrices(op, "B", B);
      const n = checkSquare(op, "LD", LD);
      if (!(pivots instanceof TensorClass)) {
        throw new TypeError(`${op}: expected pivots to be a Tensor, got ${describeValue(pivots)}`);
      }
      if (pivots.dtype !== "int32") {
        throw new TypeError(`${op}: pivots must be an int32 tensor, got ${pivots.dtype}`);
      }
      const want = LD.shape.slice(0, -1);
      if (pivots.shape.length !== want.length || pivots.shape.some((s, i) => s !== want[i])) {
        throw new RangeError(
          `${op}: Expected LD.shape[:-1] and pivots.shape to be the same, but got pivots with shape ${
            fmtShape(pivots.shape)
          } for LD of shape ${fmtShape(LD.shape)}`,
        );
      }
      if (B.dtype !== LD.dtype) {
        throw new TypeError(
          `${op}: Expected B and LD to have the same dtype, but found B of type ${B.dtype} and LD of type ${LD.dtype} instead`,
        );
      }
      const [br, k] = B.shape.slice(-2);
      if (br !== n) {
        throw new RangeError(
          `${op}: Incompatible matrix sizes: each LD matrix is ${n} by ${n} but each B matrix is ${br} by ${k}`,
        );
      }
      const backend = backendOf(op, LD, pivots, B);
      if (!backend.sytrs) throw new Error(`${op}: the ${LD.device} backend has no LDL solve`);
      if (LD.device === "gpu" && LD.dtype !== "float32") {
        throw new TypeError(`${op}: the GPU solves with float32 matrices, got ${LD.dtype}`);
      }
      checkPivotValues(op, pivots, n);
      const batchShape = broadcastShapes(op, LD.shape.slice(0, -2), B.shape.slice(0, -2));
      const batch = numelOf(batchShape);
      const LDe = expand(LD, [...batchShape, n, n]);
      const Pe = expand(toDType(pivots, LD.dtype), [...batchShape, n]);
      const Be = expand(B, [...batchShape, n, k]);
      const x = backend.sytrs(contiguousStorage(LDe), contiguousStorage(Pe), contiguousStorage(Be), {
        batch,
        n,
        k,
      });
      return record("linalgLdlSolve", [LD, B], wrap(x, [...batchShape, n, k]));
    }));
}
