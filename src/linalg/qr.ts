/**
 * `torch.linalg.qr` (and `torch.qr`): Householder QR as LAPACK's geqrf + orgqr (`Backend.geqrf`
 * and `Backend.orgqr`: assembly/decomp.ts on the CPU, wgsl/decomp.wgsl on the GPU), so R's
 * diagonal has LAPACK's (and PyTorch's) signs: R[j][j] = -sign(alpha)·‖column‖ for the column's
 * leading entry alpha. Batched, float32 and float64 on the CPU, float32 on the GPU (one dispatch
 * per column: slow for wide batches of large matrices). With PyTorch's gradient.
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { inFrameOf } from "../memory.ts";
import { backendOf, wrap } from "../ops/dispatch.ts";
import { asOp } from "../ops/naming.ts";
import { checkMatrices } from "./substitution.ts";
import { recordPacked } from "./packed.ts";
import { qrRaw } from "./decomp_core.ts";

/** The mode of {@link qr}: Q m×k and R k×n (`"reduced"`, k = min(m, n)), Q m×m and R m×n (`"complete"`), or R only (`"r"`). */
export type QrMode = "reduced" | "complete" | "r";

/** The result of {@link qr}: PyTorch's `(Q, R)` named tuple, as an object. */
export interface QR {
  /** The orthonormal factor (an empty tensor in mode `"r"`). */
  Q: Tensor;
  /** The upper-triangular factor. */
  R: Tensor;
}

/** Keyword arguments of {@link qr}. */
export interface QrOptions {
  /** `"reduced"` (default), `"complete"` or `"r"`. */
  mode?: QrMode;
}

/**
 * The QR decomposition A = Q R of each matrix of `A` (`[..., m, n]`, float32 or float64), Q with
 * orthonormal columns and R upper triangular, by Householder reflections as LAPACK (R's diagonal
 * signs are PyTorch's). `mode`: `"reduced"` (default: Q `[..., m, k]`, R `[..., k, n]`, k =
 * min(m, n)), `"complete"` (Q `[..., m, m]`, R `[..., m, n]`) or `"r"` (R only; Q is empty).
 * Differentiable as PyTorch: not in mode `"r"`, nor `"complete"` with m > n.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const A = torch.tensor([[3, 1], [4, 2]], { dtype: "float64" });
 * const { Q, R } = torch.linalg.qr(A);
 * assertEquals(torch.allclose(R, torch.tensor([[-5, -2.2], [0, 0.4]], { dtype: "float64" })), true);
 * assertEquals(torch.allclose(Q.matmul(R), A), true);
 * ```
 */
export function qr(A: Tensor, mode: QrMode | QrOptions = "reduced"): QR {
  const op = "linalg.qr";
  const m0 = typeof mode === "object" && mode !== null ? mode.mode ?? "reduced" : mode;
  return asOp(op, () =>
    inFrameOf(() => {
      if (m0 !== "reduced" && m0 !== "complete" && m0 !== "r") {
        throw new RangeError(
          `${op}: qr received unrecognized mode '${
            String(m0)
          }' but expected one of 'reduced' (default), 'r', or 'complete'`,
        );
      }
      checkMatrices(op, "A", A);
      const [m, n] = A.shape.slice(-2), k = Math.min(m, n);
      const complete = m0 === "complete";
      const [Q, R] = recordPacked("linalgQr", [A], { mode: m0 }, () => {
        const r = qrRaw(op, A, complete ? m : k, m0 === "r" ? null : complete ? m : k);
        return [r.Q ?? wrap(backendOf(op, A).full(A.dtype, 0, 0), [0]), r.R];
      });
      return { Q, R };
    }));
}
