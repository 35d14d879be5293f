/**
 * `CorrCholeskyTransform` of `torch.distributions.transforms` (PyTorch 1.13): unconstrained
 * vectors of length `D(D-1)/2` to the Cholesky factors of `D x D` correlation matrices (the
 * transform `bijectTo(constraints.corrCholesky)` returns). Re-exported by `transforms.ts`.
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { eye, tensor } from "../creation.ts";
import { pad } from "../ops/pad.ts";
import { softplus } from "../nn/activations.ts";
import { type Constraint, realVector } from "./constraints.ts";
import { corrCholesky } from "./constraints_corr.ts";
import { Transform } from "./transforms_base.ts";
import { finfoEps } from "./utils.ts";

/**
 * The flat (row-major) positions of the entries `j - i <= diag` of an `n x n` matrix
 * (PyTorch's `tril_mask` in `torch.distributions.utils`).
 */
function trilPositions(n: number, diag: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (j - i <= diag) out.push(i * n + j);
  return out;
}

/**
 * PyTorch's `tril_matrix_to_vec(mat, diag)`: the entries on and below diagonal `diag` of the last
 * two dims, row by row (differentiable).
 */
function trilMatrixToVec(mat: Tensor, diag = 0): Tensor {
  const n = mat.shape[mat.ndim - 1];
  if (diag < -n || diag >= n) {
    throw new RangeError(`trilMatrixToVec: diag (${diag}) provided is outside [${-n}, ${n - 1}].`);
  }
  const index = tensor(trilPositions(n, diag), { dtype: "int32", device: mat.device });
  return mat.reshape([...mat.shape.slice(0, -2), n * n]).indexSelect(-1, index);
}

/**
 * PyTorch's `vec_to_tril_matrix(vec, diag)`: the `n x n` matrix whose entries on and below
 * diagonal `diag` are `vec` row by row, zeros elsewhere (differentiable).
 */
function vecToTrilMatrix(vec: Tensor, diag = 0): Tensor {
  const len = vec.shape[vec.ndim - 1];
  const a = 1 + 2 * diag;
  const nf = (-a + Math.sqrt(a * a + 8 * len + 4 * Math.abs(diag) * (diag + 1))) / 2;
  const n = Math.round(nf);
  if (Math.abs(n - nf) > finfoEps(vec.dtype) || trilPositions(n, diag).length !== len) {
    throw new RangeError(
      `vecToTrilMatrix: The size of last dimension is ${len} which cannot be expressed as the lower ` +
        "triangular part of a square D x D matrix.",
    );
  }
  // Gather from [0, ...vec]: position 0 (the zero) everywhere above the diagonal.
  const source = new Array<number>(n * n).fill(0);
  trilPositions(n, diag).forEach((p, k) => source[p] = k + 1);
  const index = tensor(source, { dtype: "int32", device: vec.device });
  return pad(vec, [1, 0]).indexSelect(-1, index).reshape([...vec.shape.slice(0, -1), n, n]);
}

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
