/**
 * PyTorch's `tril_matrix_to_vec` and `vec_to_tril_matrix` (`torch.distributions.utils`): the
 * lower triangle of a matrix as a vector, row by row, and back (CorrCholeskyTransform, Wishart).
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { tensor } from "../creation.ts";
import { pad } from "../ops/pad.ts";
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
export function trilMatrixToVec(mat: Tensor, diag = 0): Tensor {
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
export function vecToTrilMatrix(vec: Tensor, diag = 0): Tensor {
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
