/**
 * `torch.geqrf` and `torch.ormqr`: Householder QR in LAPACK's compact layout (the reflectors'
 * vectors below R, their scales in tau) and the product of that implicit Q with another matrix.
 * geqrf is the QR kernel behind `torch.linalg.qr` (assembly/decomp.ts, wgsl/decomp.wgsl), so its
 * signs are LAPACK's; ormqr applies the reflectors one by one with matrix products, on either
 * device. PyTorch 1.13 differentiates neither: backward through them says so.
 * @module
 */
import { Tensor } from "../tensor.ts";
import { inFrameOf } from "../memory.ts";
import { asOp } from "../ops/naming.ts";
import { backendOf, contiguousStorage, recordComposite, wrap } from "../ops/dispatch.ts";
import { add, mul, sub } from "../ops/elementwise.ts";
import { narrow, unsqueeze } from "../ops/movement.ts";
import { tril } from "../ops/indexing.ts";
import { matmul } from "../ops/matmul.ts";
import { eye, zeros } from "../creation.ts";
import { fmtShape, numelOf } from "../shape.ts";
import { describeValue } from "../backends/contract.ts";
import { checkFlag, checkMatrices, mT } from "./substitution.ts";
import { recordPacked } from "./packed.ts";

/** `torch.geqrf`'s result: LAPACK's compact QR (`a`) and the reflectors' scales (`tau`). */
export interface Geqrf {
  /** R on and above the diagonal; below it, the reflectors' vectors (their leading 1 implied). */
  a: Tensor;
  /** The reflectors' scales, `[..., min(m, n)]`. */
  tau: Tensor;
}

/**
 * PyTorch's `torch.geqrf(A)`: the QR decomposition of each matrix of `A` (`[..., m, n]`) as
 * LAPACK's geqrf leaves it. `a` holds R on and above the diagonal and, below it, the vectors v_i of
 * the Householder reflectors H_i = I - tau_i v_i v_iᵀ (v_i's entry on the diagonal is an implied
 * 1); Q = H_1 ⋯ H_k (`torch.linalg.householderProduct(a, tau)` forms it, `torch.ormqr` applies it).
 * float32 and float64 on the CPU, float32 on the GPU. Not differentiable (as PyTorch). Also
 * `A.geqrf()`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const A = torch.tensor([[3, 1], [4, 2]], { dtype: "float64" });
 * const { a, tau } = torch.geqrf(A);
 * assertEquals(a.index(0).index(0).item(), -5);
 * const Q = torch.linalg.householderProduct(a, tau);
 * assertEquals(torch.allclose(Q.matmul(a.triu()), A), true);
 * ```
 */
export function geqrf(A: Tensor): Geqrf {
  const op = "geqrf";
  return asOp(op, () =>
    inFrameOf(() => {
      if (!(A instanceof Tensor)) {
        throw new TypeError(`${op}: expected input to be a Tensor, got ${describeValue(A)}`);
      }
      if (A.ndim < 2) {
        throw new RangeError(
          `torch.geqrf: input must have at least 2 dimensions. (got ${fmtShape(A.shape)})`,
        );
      }
      checkMatrices(op, "input", A);
      const [m, n] = A.shape.slice(-2), k = Math.min(m, n);
      const batchShape = A.shape.slice(0, -2);
      const [a, tau] = recordPacked("geqrf", [A], {}, () => {
        if (numelOf(A.shape) === 0) {
          const opts = { dtype: A.dtype, device: A.device };
          return [zeros([...A.shape], opts), zeros([...batchShape, k], opts)];
        }
        const backend = backendOf(op, A);
        if (!backend.geqrf) throw new Error(`${op}: the ${A.device} backend has no QR factorisation`);
        if (A.device === "gpu" && A.dtype !== "float32") {
          throw new TypeError(`${op}: the GPU factors float32 matrices, got ${A.dtype}`);
        }
        const res = backend.geqrf(contiguousStorage(A), { batch: numelOf(batchShape), m, n });
        return [wrap(res.h, [...A.shape]), wrap(res.tau, [...batchShape, k])];
      });
      return { a, tau };
    }));
}

/**
 * PyTorch's `torch.ormqr(input, tau, other, left, transpose)`: the product of Q = H_1 ⋯ H_k, the
 * orthogonal matrix `torch.geqrf` leaves implicit in (`input`, `tau`), with `other`
 * (`[..., m, n]`): Q·other (`left`, the default), other·Q, or with Qᵀ (`transpose`). `input` is
 * `[..., mn, k]` with mn = m when `left`, n otherwise; `tau` is `[..., K]`, K ≤ k; the batch dims
 * of the three must be equal. Runs on both devices; not differentiable (as PyTorch). Also
 * `input.ormqr(tau, other, left, transpose)`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const A = torch.tensor([[3, 1], [4, 2]], { dtype: "float64" });
 * const { a, tau } = torch.geqrf(A);
 * // Q (Qᵀ A) = A, and Qᵀ A is R.
 * const R = torch.ormqr(a, tau, A, true, true);
 * assertEquals(torch.allclose(R, a.triu()), true);
 * assertEquals(torch.allclose(torch.ormqr(a, tau, R), A), true);
 * ```
 */
export function ormqr(input: Tensor, tau: Tensor, other: Tensor, left = true, transpose = false): Tensor {
  const op = "ormqr";
  const t = "torch.ormqr";
  return asOp(op, () =>
    inFrameOf(() => {
      checkFlag(op, "left", left);
      checkFlag(op, "transpose", transpose);
      for (const [name, x] of [["input", input], ["tau", tau], ["other", other]] as const) {
        if (!(x instanceof Tensor)) {
          throw new TypeError(`${op}: expected ${name} to be a Tensor, got ${describeValue(x)}`);
        }
      }
      if (input.ndim < 2) throw new RangeError(`${t}: input must have at least 2 dimensions.`);
      if (other.ndim < 2) throw new RangeError(`${t}: other must have at least 2 dimensions.`);
      const side = left ? -2 : -1;
      const otherSide = other.shape[other.ndim + side];
      const K = tau.ndim > 0 ? tau.shape[tau.ndim - 1] : 1;
      const [mn, k] = input.shape.slice(-2);
      if (otherSide < K) {
        throw new RangeError(`${t}: other.shape[${side}] must be greater than or equal to tau.shape[-1]`);
      }
      if (otherSide !== mn) {
        throw new RangeError(
          `${t}: other.shape[${side}] must be equal to input.shape[-2] (other ${
            fmtShape(other.shape)
          }, input ${fmtShape(input.shape)})`,
        );
      }
      if (K > k) throw new RangeError(`${t}: tau.shape[-1] must be less than or equal to input.shape[-1]`);
      if (input.ndim - tau.ndim !== 1) {
        throw new RangeError(
          `${t}: Expected tau to have one dimension less than input, but got tau.ndim equal to ${tau.ndim} ` +
            `and input.ndim is equal to ${input.ndim}`,
        );
      }
      if (input.ndim !== other.ndim) {
        throw new RangeError(
          `${t}: Expected other to have the same number of dimensions as input, but got other.ndim equal to ` +
            `${other.ndim} and input.ndim is equal to ${input.ndim}`,
        );
      }
      const batch = input.shape.slice(0, -2);
      for (const [name, x, dims] of [["tau", tau, 1], ["other", other, 2]] as const) {
        const xb = x.shape.slice(0, -dims);
        if (xb.some((s, i) => s !== batch[i])) {
          throw new RangeError(
            `${t}: Expected batch dimensions of ${name} to be equal to input.shape[:-2], but got ${
              fmtShape(xb)
            }`,
          );
        }
      }
      checkMatrices(op, "input", input);
      for (const [name, x] of [["tau", tau], ["other", other]] as const) {
        if (x.dtype !== input.dtype) {
          throw new TypeError(
            `${t}: Expected input and ${name} to have the same dtype, but input has dtype ${input.dtype} and ${name} has dtype ${x.dtype}`,
          );
        }
      }
      return recordComposite("ormqr", [input, tau, other], { left, transpose }, () => {
        const V = add(tril(input, -1), eye(mn, k, { dtype: input.dtype, device: input.device }));
        // Q = H_0 ⋯ H_{K-1}; Q·C applies H_{K-1} first, Qᵀ·C (= H_{K-1} ⋯ H_0 C) H_0 first; on
        // the right the orders swap.
        const forward = left === transpose;
        let C = other;
        for (let s = 0; s < K; s++) {
          const i = forward ? s : K - 1 - s;
          const v = narrow(V, -1, i, 1);
          const ti = unsqueeze(narrow(tau, -1, i, 1), -1);
          C = left
            ? sub(C, mul(ti, matmul(v, matmul(mT(v), C))))
            : sub(C, mul(ti, matmul(matmul(C, v), mT(v))));
        }
        return K === 0 ? add(other, 0) : C;
      });
    }));
}
