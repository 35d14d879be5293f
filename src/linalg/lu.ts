/**
 * The batched LU machinery behind `torch.linalg`'s solvers (src/linalg/solve.ts): argument
 * checks, the `Backend.luSolve` call, PyTorch's singular-matrix errors on the CPU, the
 * determinant statistics, and the transposed inverse the `det`/`slogdet` gradients use.
 * @module
 */
import type { Storage } from "../backends/backend.ts";
import type { DType } from "../dtype.ts";
import { fmtShape, numelOf } from "../shape.ts";
import type { Tensor } from "../tensor.ts";
import { Tensor as TensorClass } from "../tensor.ts";
import { inFrameOf } from "../memory.ts";
import { backendOf, contiguousStorage, record, temp, wrap } from "../ops/dispatch.ts";
import { transpose } from "../ops/movement.ts";
import { describeValue } from "../backends/contract.ts";

/** Checks that `A` is a float32/float64 batch of square matrices; returns n. */
export function squareMatrices(op: string, A: unknown): number {
  if (!(A instanceof TensorClass)) {
    throw new TypeError(`${op}: expected A to be a Tensor, got ${describeValue(A)}`);
  }
  if (A.ndim < 2) throw new RangeError(`${op}: The input tensor A must have at least 2 dimensions.`);
  const [r, c] = A.shape.slice(-2);
  if (r !== c) {
    throw new RangeError(
      `${op}: A must be batches of square matrices, but they are ${r} by ${c} matrices (A has shape ${
        fmtShape(A.shape)
      })`,
    );
  }
  checkDType(op, "A", A.dtype);
  return r;
}

export function checkDType(op: string, what: string, dtype: DType): void {
  if (dtype !== "float32" && dtype !== "float64") {
    throw new TypeError(`${op}: expected ${what} to be a float32 or float64 tensor, got ${dtype}`);
  }
}

/** "(Batch element i): " where the input has batch dims, as PyTorch's messages. */
function batchPrefix(batched: boolean, i: number): string {
  return batched ? `(Batch element ${i}): ` : "";
}

export interface LuOut {
  /** The solutions, `[...batch, n, k]` (null without a right-hand side). */
  x: Tensor | null;
  /** `[det, sign, log|det|, info]` per matrix (null for matrices without elements). */
  stats: Storage | null;
  batch: number;
}

/** The first matrix with a zero pivot and its info (1 + the pivot's column), from the statistics. */
function firstSingular(stats: ArrayLike<number>, batch: number): [number, number] | null {
  for (let i = 0; i < batch; i++) if (stats[i * 4 + 3] !== 0) return [i, stats[i * 4 + 3]];
  return null;
}

/** How the CPU reports a singular matrix: PyTorch's message for a zero pivot, and its factorization. */
export interface Singular {
  message: (column: number) => string;
  /** PyTorch factors Aᵀ (the user's A is contiguous). */
  transposed: boolean;
}

/**
 * Runs the LU kernel on `A` (`[...batch, n, n]`) and `rhs` (`[...batch, n, k]`, the same batch
 * dims, or "identity", or null). On the CPU a singular matrix throws `singular`'s message when
 * it is given (the first singular matrix of the batch, with its 1-based zero pivot).
 */
export function luRun(
  op: string,
  A: Tensor,
  rhs: Tensor | "identity" | null,
  singular: Singular | null,
): LuOut {
  const n = A.shape[A.ndim - 1];
  const batchShape = A.shape.slice(0, -2);
  const batch = numelOf(batchShape);
  const backend = backendOf(op, A, rhs instanceof TensorClass ? rhs : null);
  if (!backend.luSolve) throw new Error(`${op}: the ${A.device} backend has no LU solver`);
  if (A.device === "gpu" && A.dtype !== "float32") {
    throw new TypeError(`${op}: the GPU solves float32 matrices, got ${A.dtype}`);
  }
  const k = rhs === null ? 0 : rhs === "identity" ? n : rhs.shape[rhs.ndim - 1];
  const outShape = [...batchShape, n, k];
  if (batch === 0 || n === 0) {
    const x = rhs === null ? null : wrap(backend.full(A.dtype, numelOf(outShape), 0), outShape);
    return { x, stats: null, batch };
  }
  const res = backend.luSolve(
    contiguousStorage(A),
    rhs instanceof TensorClass ? contiguousStorage(rhs) : rhs,
    { batch, n, k },
  );
  const x = wrap(res.x, rhs === null ? [res.x.numel] : outShape);
  const stats = temp(res.stats);
  if (singular !== null && A.device === "cpu") {
    const bad = firstSingular(backend.readSync(stats), batch);
    if (bad !== null) {
      // PyTorch factors Aᵀ when the user's A is contiguous (its row-major memory read as
      // column-major, no copy), so its zero pivot is that factorization's: report the same one
      // (this one's where rounding leaves Aᵀ's factorization nonsingular).
      let [i, info] = bad;
      if (singular.transposed) {
        const t = backend.luSolve(contiguousStorage(transpose(A, -2, -1)), null, { batch, n, k: 0 });
        temp(t.x);
        [i, info] = firstSingular(backend.readSync(temp(t.stats)), batch) ?? bad;
      }
      throw new Error(`${op}: ${batchPrefix(batchShape.length > 0, i)}${singular.message(info)}`);
    }
  }
  return { x: rhs === null ? null : x, stats, batch };
}

/** Column `j` of the statistics (det, sign, log|det|) as a tensor of `A`'s batch shape. */
export function statColumn(A: Tensor, lu: LuOut, j: number): Tensor {
  const backend = backendOf("linalg", A);
  const shape = A.shape.slice(0, -2);
  // Matrices without elements: det 1, sign 1, log|det| 0, as PyTorch.
  if (lu.stats === null) return wrap(backend.full(A.dtype, lu.batch, j === 2 ? 0 : 1), shape);
  const out = backend.full(A.dtype, lu.batch, 0);
  backend.copy(lu.stats, j, [4], out, 0, [1], [lu.batch]);
  return wrap(out, shape);
}

/**
 * `inv(A)ᵀ` for the gradient of `slogdet` (`op`): at a singular matrix the gradient of log|det|
 * is infinite, and the CPU throws (PyTorch's LU solve returns inf/NaN there; the GPU's is NaN).
 */
export function invTransposeForGradient(op: string, A: Tensor): Tensor {
  return inFrameOf(() => {
    const { x } = luRun(op, A, "identity", {
      message: () =>
        "the gradient of log|det| at a singular matrix is infinite (PyTorch's LU solve returns inf/NaN " +
        "there; on the GPU it is NaN); use linalg.det, whose gradient there is PyTorch's",
      transposed: false,
    });
    return transpose(record("linalgInv", [A], x!), -2, -1);
  });
}
