/**
 * `torch.linalg.cholesky`: the Cholesky factor of symmetric positive-definite matrices
 * (`Backend.cholesky`: assembly/linalg.ts on the CPU, wgsl/linalg.wgsl on the GPU), with PyTorch
 * 1.13's errors and gradient.
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { inFrameOf } from "../memory.ts";
import { backendOf, contiguousStorage, record, wrap } from "../ops/dispatch.ts";
import { toDType } from "../ops/convert.ts";
import { transpose } from "../ops/movement.ts";
import { asOp } from "../ops/naming.ts";
import { numelOf } from "../shape.ts";
import { describeValue } from "../backends/contract.ts";
import { squareMatrices } from "./lu.ts";

/** Keyword arguments of {@link cholesky}. */
export interface CholeskyOptions {
  /** Return the upper-triangular factor U = Lᵀ (A = Uᵀ U), read from A's upper triangle. */
  upper?: boolean;
}

const mT = (x: Tensor) => transpose(x, -2, -1);

/**
 * The Cholesky factor L (lower triangular, positive diagonal, A = L Lᵀ) of each symmetric
 * positive-definite matrix of `A` (`[..., n, n]`), read from its lower triangle; with `upper`,
 * U = Lᵀ read from the upper triangle. A matrix that is not positive-definite throws PyTorch's
 * error on the CPU and gives NaN on the GPU (an error there would need a read-back).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const A = torch.tensor([[4, 2], [2, 5]], { dtype: "float32" });
 * assertEquals(torch.linalg.cholesky(A).toArray(), [[2, 0], [1, 2]]);
 * assertEquals(torch.linalg.cholesky(A, { upper: true }).toArray(), [[2, 1], [0, 2]]);
 * ```
 */
export function cholesky(A: Tensor, opts: CholeskyOptions | boolean = {}): Tensor {
  const op = "linalg.cholesky";
  return asOp(op, () =>
    inFrameOf(() => {
      const upper = typeof opts === "boolean" ? opts : opts?.upper ?? false;
      if (typeof upper !== "boolean") {
        throw new TypeError(`${op}: upper must be a boolean, got ${describeValue(upper)}`);
      }
      return choleskyCore(op, A, upper, true).L;
    }));
}

/**
 * The recorded factor and the int32 infos (0, or the order of the first leading minor that is
 * not positive-definite) of `A`; with `check`, the CPU throws PyTorch's error at the first bad matrix.
 */
export function choleskyCore(
  op: string,
  A: Tensor,
  upper: boolean,
  check: boolean,
): { L: Tensor; info: Tensor } {
  const n = squareMatrices(op, A);
  const backend = backendOf(op, A);
  if (!backend.cholesky) throw new Error(`${op}: the ${A.device} backend has no Cholesky factorisation`);
  const batchShape = A.shape.slice(0, -2), batch = numelOf(batchShape);
  // U of A is Lᵀ of Aᵀ (whose lower triangle is A's upper one).
  const source = upper ? mT(A) : A;
  const res = backend.cholesky(contiguousStorage(source), batch, n);
  const L = wrap(res.l, [...batchShape, n, n]);
  const info = toDType(wrap(res.info, batchShape), "int32");
  if (check && A.device === "cpu" && batch > 0) {
    const infos = info.dataSync();
    for (let i = 0; i < batch; i++) {
      if (infos[i] === 0) continue;
      const where = batchShape.length > 0 ? `(Batch element ${i}): ` : "";
      throw new Error(
        `${op}: ${where}The factorization could not be completed because the input is not positive-definite ` +
          `(the leading minor of order ${infos[i]} is not positive-definite).`,
      );
    }
  }
  const out = upper ? mT(L).contiguous() : L;
  return { L: record("linalgCholesky", [A], out, { upper }), info };
}
