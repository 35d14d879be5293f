/**
 * The substitution kernel behind src/linalg/triangular.ts and src/linalg/cholesky_solve.ts:
 * `Backend.triangularSolve` (assembly/linalg.ts on the CPU, wgsl/linalg.wgsl on the GPU) on
 * broadcast batches, without autograd (the callers record).
 * @module
 */
import { broadcastShapes, numelOf } from "../shape.ts";
import type { Tensor } from "../tensor.ts";
import { backendOf, contiguousStorage, wrap } from "../ops/dispatch.ts";
import { expand, transpose } from "../ops/movement.ts";
import { Tensor as TensorClass } from "../tensor.ts";
import { describeValue } from "../backends/contract.ts";
import { checkDType } from "./lu.ts";

/**
 * A X = B for triangular A (`[..., n, n]`) and B (`[..., n, k]`), batch dims broadcast: the
 * kernel call, without autograd (the caller records). `upper` says which triangle of A is read.
 */
export function triangularSolveRaw(op: string, A: Tensor, B: Tensor, upper: boolean, unit: boolean): Tensor {
  const n = A.shape[A.ndim - 1], k = B.shape[B.ndim - 1];
  const batchShape = broadcastShapes(op, A.shape.slice(0, -2), B.shape.slice(0, -2));
  const batch = numelOf(batchShape);
  const backend = backendOf(op, A, B);
  if (!backend.triangularSolve) throw new Error(`${op}: the ${A.device} backend has no triangular solver`);
  if (A.device === "gpu" && A.dtype !== "float32") {
    throw new TypeError(`${op}: the GPU solves float32 matrices, got ${A.dtype}`);
  }
  const Ae = expand(A, [...batchShape, n, n]), Be = expand(B, [...batchShape, n, k]);
  const x = backend.triangularSolve(contiguousStorage(Ae), contiguousStorage(Be), {
    batch,
    n,
    k,
    upper,
    unit,
  });
  return wrap(x, [...batchShape, n, k]);
}

/** The transpose of the last two dims. */
export const mT = (x: Tensor) => transpose(x, -2, -1);

/** Checks that `x` is a float32/float64 tensor of at least 2 dims (PyTorch's message). */
export function checkMatrices(op: string, what: string, x: unknown, minDims = 2): asserts x is Tensor {
  if (!(x instanceof TensorClass)) {
    throw new TypeError(`${op}: expected ${what} to be a Tensor, got ${describeValue(x)}`);
  }
  if (x.ndim < minDims) {
    throw new RangeError(`${op}: The input tensor ${what} must have at least 2 dimensions.`);
  }
  checkDType(op, what, x.dtype);
}

/** Checks that a flag is a boolean; returns it. */
export function checkFlag(op: string, name: string, v: unknown): boolean {
  if (typeof v !== "boolean") {
    throw new TypeError(`${op}: ${name} must be a boolean, got ${describeValue(v)}`);
  }
  return v;
}
