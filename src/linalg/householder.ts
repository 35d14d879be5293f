/**
 * `torch.linalg.householderProduct` (PyTorch's `torch.linalg.householder_product`, also
 * `torch.orgqr`): the first n columns of the product of Householder reflectors stored as
 * LAPACK's geqrf stores them. Computed by applying the reflectors one by one with differentiable
 * matrix products, so it runs on both devices and its gradient (in the reflectors and the scales)
 * comes from theirs.
 * @module
 */
import { Tensor } from "../tensor.ts";
import { inFrameOf } from "../memory.ts";
import { asOp } from "../ops/naming.ts";
import { named } from "../ops/dispatch.ts";
import { add, mul, sub } from "../ops/elementwise.ts";
import { expand, narrow, unsqueeze } from "../ops/movement.ts";
import { tril } from "../ops/indexing.ts";
import { matmul } from "../ops/matmul.ts";
import { eye } from "../creation.ts";
import { fmtShape } from "../shape.ts";
import { describeValue } from "../backends/contract.ts";
import { checkMatrices, mT } from "./substitution.ts";

/**
 * PyTorch's `torch.linalg.householder_product(A, tau)`: for each matrix of `A` (`[..., m, n]`,
 * m ≥ n) and scales `tau` (`[..., k]`, k ≤ n), the first n columns of H₁ H₂ ⋯ H_k, where
 * H_i = I - tau_i v_i v_iᵀ and v_i is column i of A below the diagonal with a 1 on it (the
 * entries on and above the diagonal are not read). With `torch.geqrf`'s output it gives QR's Q.
 * Differentiable in A and tau.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * // One reflector v = [1, 1] with tau = 1: I - v vᵀ.
 * const A = torch.tensor([[9], [1]], { dtype: "float32" });
 * const Q = torch.linalg.householderProduct(A, torch.tensor([1], { dtype: "float32" }));
 * assertEquals(Q.toArray(), [[0], [-1]]);
 * assertEquals(torch.orgqr(A, torch.tensor([0], { dtype: "float32" })).toArray(), [[1], [0]]);
 * ```
 */
export function householderProduct(A: Tensor, tau: Tensor): Tensor {
  const op = "linalg.householderProduct";
  return asOp(op, () =>
    inFrameOf(() => {
      if (!(A instanceof Tensor) || A.ndim < 2) {
        throw new RangeError(
          `${op}: input must have at least 2 dimensions, got ${
            A instanceof Tensor ? fmtShape(A.shape) : describeValue(A)
          }`,
        );
      }
      checkMatrices(op, "input", A);
      if (!(tau instanceof Tensor)) {
        throw new TypeError(`${op}: expected tau to be a Tensor, got ${describeValue(tau)}`);
      }
      const [m, n] = A.shape.slice(-2);
      if (m < n) {
        throw new RangeError(
          `${op}: input.shape[-2] must be greater than or equal to input.shape[-1] (input ${
            fmtShape(A.shape)
          })`,
        );
      }
      if (tau.ndim !== A.ndim - 1) {
        throw new RangeError(
          `${op}: Expected tau to have one dimension less than input, but got tau.ndim equal to ${tau.ndim} ` +
            `and input.ndim is equal to ${A.ndim}`,
        );
      }
      const k = tau.shape[tau.ndim - 1];
      if (n < k) {
        throw new RangeError(
          `${op}: input.shape[-1] must be greater than or equal to tau.shape[-1] (input ${
            fmtShape(A.shape)
          }, tau ${fmtShape(tau.shape)})`,
        );
      }
      const batch = A.shape.slice(0, -2);
      if (tau.shape.slice(0, -1).some((s, i) => s !== batch[i])) {
        throw new RangeError(
          `${op}: Expected batch dimensions of tau to be equal to input.shape[:-2] ${
            fmtShape(batch)
          }, but got ${fmtShape(tau.shape.slice(0, -1))}`,
        );
      }
      if (tau.dtype !== A.dtype) {
        throw new TypeError(`${op}: tau dtype ${tau.dtype} does not match input dtype ${A.dtype}`);
      }
      const opts = { dtype: A.dtype, device: A.device };
      const V = add(tril(A, -1), eye(m, n, opts));
      let Q: Tensor = expand(eye(m, n, opts), [...batch, m, n]);
      for (let i = k - 1; i >= 0; i--) {
        const v = narrow(V, -1, i, 1);
        const t = unsqueeze(narrow(tau, -1, i, 1), -1);
        Q = sub(Q, mul(t, matmul(v, matmul(mT(v), Q))));
      }
      return named(Q, "LinalgHouseholderProductBackward0", A, tau);
    }));
}
