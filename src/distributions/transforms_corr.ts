/**
 * `CorrCholeskyTransform` of `torch.distributions.transforms` (PyTorch 1.13): unconstrained
 * vectors of length `D(D-1)/2` to the Cholesky factors of `D x D` correlation matrices (the
 * transform `bijectTo(constraints.corrCholesky)` returns). Re-exported by `transforms.ts`.
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { eye } from "../creation.ts";
import { pad } from "../ops/pad.ts";
import { softplus } from "../nn/activations.ts";
import { type Constraint, realVector } from "./constraints.ts";
import { corrCholesky } from "./constraints_corr.ts";
import { Transform } from "./transforms_base.ts";
import { finfoEps } from "./utils.ts";
import { trilMatrixToVec, vecToTrilMatrix } from "./tril_vec.ts";

/**
 * From unconstrained real vectors of length `D(D-1)/2` to the lower Cholesky factors of `D x D`
 * correlation matrices (bijective): the vector fills the strict lower triangle row by row
 * through `tanh`, then each row is made unit-length by a signed stick-breaking of its squares.
 * `logAbsDetJacobian` is that of `x` and the flattened strict lower triangle of `y` (the spaces
 * have different dimensions), as PyTorch.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const t = new torch.distributions.transforms.CorrCholeskyTransform();
 * const x = torch.tensor([0.5, -1.2, 2.0]);
 * const L = t.call(x); // 3 x 3, rows of unit norm
 * assertEquals(L.shape, [3, 3]);
 * assertEquals(torch.distributions.constraints.corrCholesky.check(L).item(), true);
 * assertEquals(torch.allclose(t.inv.call(L), x, { atol: 1e-5 }), true);
 * ```
 */
export class CorrCholeskyTransform extends Transform {
  /** Real vectors. */
  get domain(): Constraint {
    return realVector;
  }
  /** The Cholesky factors of correlation matrices. */
  get codomain(): Constraint {
    return corrCholesky;
  }
  /** True. */
  override get bijective(): boolean {
    return true;
  }
  /** @internal */
  _call(x: Tensor): Tensor {
    const eps = finfoEps(x.dtype);
    const r = vecToTrilMatrix(x.tanh().clamp(-1 + eps, 1 - eps), -1);
    const n = r.shape[r.ndim - 1];
    const z1mCumprodSqrt = r.pow(2).neg().add(1).sqrt().cumprod(-1);
    return r.add(eye(n, { dtype: r.dtype, device: r.device })).mul(
      pad(z1mCumprodSqrt.narrow(-1, 0, n - 1), [1, 0], { value: 1 }),
    );
  }
  /** @internal Inverse stick-breaking, then `atanh`. */
  override _inverse(y: Tensor): Tensor {
    const n = y.shape[y.ndim - 1];
    const yCumsum = y.mul(y).cumsum(-1).neg().add(1);
    const shifted = pad(yCumsum.narrow(-1, 0, n - 1), [1, 0], { value: 1 });
    const t = trilMatrixToVec(y, -1).div(trilMatrixToVec(shifted, -1).sqrt());
    return t.add(1).div(t.neg().add(1)).log().div(2);
  }
  /** @internal */
  override _logAbsDetJacobian(x: Tensor, y: Tensor): Tensor {
    const y1mCumsum = y.mul(y).cumsum(-1).neg().add(1);
    const stickBreaking = trilMatrixToVec(y1mCumsum, -2).log().sum(-1).mul(0.5);
    const tanh = x.add(softplus(x.mul(-2))).sub(Math.LN2).sum(-1).mul(-2);
    return stickBreaking.add(tanh);
  }
  /** `[..., N]` to `[..., D, D]` with `N = D(D-1)/2`. */
  override forwardShape(shape: readonly number[]): number[] {
    if (shape.length < 1) {
      throw new RangeError("CorrCholeskyTransform.forwardShape: Too few dimensions on input");
    }
    const N = shape[shape.length - 1];
    const D = Math.round(Math.sqrt(0.25 + 2 * N) + 0.5);
    if ((D * (D - 1)) / 2 !== N) {
      throw new RangeError(
        `CorrCholeskyTransform.forwardShape: Input is not a flattend lower-diagonal number (last dim ${N})`,
      );
    }
    return [...shape.slice(0, -1), D, D];
  }
  /** `[..., D, D]` to `[..., D(D-1)/2]`. */
  override inverseShape(shape: readonly number[]): number[] {
    if (shape.length < 2) {
      throw new RangeError("CorrCholeskyTransform.inverseShape: Too few dimensions on input");
    }
    const [r, c] = shape.slice(-2);
    if (r !== c) {
      throw new RangeError(`CorrCholeskyTransform.inverseShape: Input is not square (${r} x ${c})`);
    }
    return [...shape.slice(0, -2), (c * (c - 1)) / 2];
  }
  /** Every CorrCholeskyTransform is equal. */
  override equals(other: Transform): boolean {
    return other instanceof CorrCholeskyTransform;
  }
}
