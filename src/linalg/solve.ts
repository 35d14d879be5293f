/**
 * `torch.linalg`'s square solvers, from one batched LU factorisation with partial pivoting
 * (`Backend.luSolve`: assembly/linalg.ts on the CPU, wgsl/linalg.wgsl on the GPU): `inv`,
 * `solve`, `det` and `slogdet`, with PyTorch 1.13's shapes, errors and gradients.
 *
 * Singular matrices: on the CPU `inv` and `solve` throw PyTorch's errors; on the GPU, where an
 * error would need a read-back, their results for a singular matrix are NaN. `det` of a singular
 * matrix is 0 and `slogdet` gives sign 0 and log|det| -inf, on both devices, as PyTorch.
 *
 * Size on the GPU: one elimination step runs in one workgroup per matrix within the backend's
 * loop budget, which bounds n (inverses up to about 700×700 on CPU-based adapters such as
 * llvmpipe, about 1900×1900 on GPUs); larger matrices throw an error that says to use the CPU.
 * @module
 */
import { broadcastShapes, fmtShape } from "../shape.ts";
import type { Tensor } from "../tensor.ts";
import { Tensor as TensorClass } from "../tensor.ts";
import { inFrameOf } from "../memory.ts";
import { record } from "../ops/dispatch.ts";
import { expand, squeeze, unsqueeze } from "../ops/movement.ts";
import { asOp } from "../ops/naming.ts";
import { describeValue } from "../backends/contract.ts";
import { checkDType, luRun, squareMatrices, statColumn } from "./lu.ts";

/** The result of {@link slogdet}: PyTorch's `(sign, logabsdet)` named tuple, as an object. */
export interface SignLogAbsDet {
  /** The sign of the determinant: 1 or -1, 0 for a singular matrix. */
  sign: Tensor;
  /** The natural log of the determinant's absolute value (-inf for a singular matrix). */
  logabsdet: Tensor;
}

/**
 * The inverse of each square matrix of `A` (`[..., n, n]`), by LU factorisation with partial
 * pivoting. A singular matrix throws on the CPU (as PyTorch) and gives NaN on the GPU.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const A = torch.tensor([[2, 0], [0, 4]], { dtype: "float32" });
 * assertEquals(torch.linalg.inv(A).toArray(), [[0.5, 0], [0, 0.25]]);
 * ```
 */
export function inv(A: Tensor): Tensor {
  const op = "linalg.inv";
  return asOp(op, () =>
    inFrameOf(() => {
      squareMatrices(op, A);
      const { x } = luRun(op, A, "identity", {
        message: (col) =>
          `The diagonal element ${col} is zero, the inversion could not be completed because the input matrix is singular.`,
        transposed: A.isContiguous(),
      });
      return record("linalgInv", [A], x!);
    }));
}

/**
 * The solution X of `A X = B` for square `A` (`[..., n, n]`): `B` is `[..., n, k]`, or a batch
 * of vectors `[..., n]` when it has one dim fewer than `A` (and its shape is `A`'s without the
 * last dim) or is 1-d, as PyTorch 1.13; batch dims broadcast. A singular `A` throws on the CPU
 * and gives NaN on the GPU.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const A = torch.tensor([[2, 1], [1, 3]], { dtype: "float32" });
 * const x = torch.linalg.solve(A, torch.tensor([3, 5], { dtype: "float32" }));
 * assertEquals(torch.allclose(x, torch.tensor([0.8, 1.4])), true);
 * assertEquals(torch.allclose(A.matmul(x), torch.tensor([3, 5], { dtype: "float32" })), true);
 * ```
 */
export function solve(A: Tensor, B: Tensor): Tensor {
  const op = "linalg.solve";
  return asOp(op, () =>
    inFrameOf(() => {
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
      const vector = B.ndim === 1 ||
        (B.ndim === A.ndim - 1 && B.shape.every((s, i) => s === A.shape[i]));
      const Bm = vector ? unsqueeze(B, -1) : B;
      if (Bm.ndim < 2 || Bm.shape[Bm.ndim - 2] !== n) {
        const [r, c] = Bm.ndim < 2 ? [Bm.shape[0] ?? 1, 1] : Bm.shape.slice(-2);
        throw new RangeError(
          `${op}: Incompatible shapes of A and B for the equation AX = B (${n}x${n} and ${r}x${c}; A has shape ${
            fmtShape(A.shape)
          }, B has shape ${fmtShape(B.shape)})`,
        );
      }
      const k = Bm.shape[Bm.ndim - 1];
      const batch = broadcastShapes(op, A.shape.slice(0, -2), Bm.shape.slice(0, -2));
      const Ae = expand(A, [...batch, n, n]), Be = expand(Bm, [...batch, n, k]);
      const { x } = luRun(op, Ae, Be, {
        message: () => "The solver failed because the input matrix is singular.",
        transposed: A.isContiguous(),
      });
      const out = record("linalgSolve", [A, Bm], x!);
      return vector ? squeeze(out, -1) : out;
    }));
}

/**
 * The determinant of each square matrix of `A` (`[..., n, n]`), from its LU factorisation: 0 for
 * a singular matrix (no error), 1 for a 0×0 one.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const A = torch.tensor([[2, 1], [4, 3]], { dtype: "float32" });
 * assertEquals(torch.linalg.det(A).item(), 2);
 * ```
 */
export function det(A: Tensor): Tensor {
  const op = "linalg.det";
  return asOp(op, () =>
    inFrameOf(() => {
      squareMatrices(op, A);
      const lu = luRun(op, A, null, null);
      return record("linalgDet", [A], statColumn(A, lu, 0));
    }));
}

/**
 * The sign and the log of the absolute value of the determinant of each square matrix of `A`
 * (`[..., n, n]`), accurate where the determinant itself would overflow or underflow. PyTorch
 * returns a named tuple `(sign, logabsdet)`; here it is an object with those two fields. A
 * singular matrix gives sign 0 and logabsdet -inf. `logabsdet` is differentiable; `sign` is not.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const { sign, logabsdet } = torch.linalg.slogdet(torch.tensor([[-2, 0], [0, 1]], { dtype: "float32" }));
 * assertEquals(sign.item(), -1);
 * assertEquals(Math.abs(logabsdet.item() - Math.log(2)) < 1e-6, true);
 * ```
 */
export function slogdet(A: Tensor): SignLogAbsDet {
  const op = "linalg.slogdet";
  return asOp(op, () =>
    inFrameOf(() => {
      squareMatrices(op, A);
      const lu = luRun(op, A, null, null);
      const sign = statColumn(A, lu, 1);
      const logabsdet = record("linalgSlogdet", [A], statColumn(A, lu, 2));
      return { sign, logabsdet };
    }));
}
