/**
 * `torch.linalg.matrixExp` (PyTorch's `torch.linalg.matrix_exp` / `torch.matrix_exp`): the
 * matrix exponential by scaling and squaring with the degree-13 Padé approximant (Higham 2005),
 * a composite of matmuls and one LU solve, so it runs on both devices. The scaling is chosen
 * per matrix on the device: the CPU reads the largest to square exactly as often as needed; the
 * GPU, which cannot read it back synchronously, squares up to 24 times (norms up to 5.4·2²⁴),
 * masking the squarings a matrix does not need. Its gradient is PyTorch's: the upper-right block
 * of exp([[Aᵀ, G], [0, Aᵀ]]).
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { inFrameOf } from "../memory.ts";
import { recordComposite } from "../ops/dispatch.ts";
import { asOp } from "../ops/naming.ts";
import { abs, add, ceil, clamp, div, lt, mul, sub, where } from "../ops/elementwise.ts";
import { exp2, log2 } from "../ops/pointwise.ts";
import { amax, sum } from "../ops/reduce.ts";
import { unsqueeze } from "../ops/movement.ts";
import { matmul } from "../ops/matmul.ts";
import { eye } from "../creation.ts";
import { squareMatrices } from "./lu.ts";
import { solve } from "./solve.ts";

/** Padé 13 coefficients b0..b13 (Higham 2005, "The scaling and squaring method for the matrix exponential revisited"). */
const B13 = [
  64764752532480000,
  32382376266240000,
  7771770303897600,
  1187353796428800,
  129060195264000,
  10559470521600,
  670442572800,
  33522128640,
  1323241920,
  40840800,
  960960,
  16380,
  182,
  1,
];
/** The largest 1-norm for which Padé 13 is accurate to double precision without scaling. */
const THETA13 = 5.371920351148152;
/** Squarings the GPU masks through (see the module doc). */
const GPU_SQUARINGS = 24;

function expRaw(A: Tensor): Tensor {
  const n = A.shape[A.ndim - 1];
  if (A.numel() === 0) return A.clone();
  const I = eye(n, { dtype: A.dtype, device: A.device });
  const norm1 = amax(sum(abs(A), -2), -1);
  const s = clamp(ceil(log2(div(norm1, THETA13))), 0, null);
  const As = div(A, unsqueeze(unsqueeze(exp2(s), -1), -1));
  const A2 = matmul(As, As), A4 = matmul(A2, A2), A6 = matmul(A4, A2);
  const b = B13;
  const comb = (x6: number, x4: number, x2: number, x0: number) =>
    add(add(add(mul(A6, x6), mul(A4, x4)), mul(A2, x2)), mul(I, x0));
  const U = matmul(As, add(matmul(A6, comb(b[13], b[11], b[9], 0)), comb(b[7], b[5], b[3], b[1])));
  const V = add(matmul(A6, comb(b[12], b[10], b[8], 0)), comb(b[6], b[4], b[2], b[0]));
  let R = solve(sub(V, U), add(V, U));
  const times = A.device === "cpu"
    ? Math.max(0, ...Array.from(s.dataSync(), (v) => (Number.isFinite(v) ? v : 0)))
    : GPU_SQUARINGS;
  const sCol = unsqueeze(unsqueeze(s, -1), -1);
  for (let i = 0; i < times; i++) R = where(lt(i, sCol), matmul(R, R), R);
  return R;
}

/**
 * The matrix exponential e^A = Σ Aᵏ/k! of each square matrix of `A` (`[..., n, n]`, float32 or
 * float64), by scaling and squaring with a Padé approximant; differentiable (PyTorch's gradient).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const E = torch.linalg.matrixExp(torch.tensor([[0, 1], [0, 0]], { dtype: "float64" }));
 * assertEquals(E.toArray(), [[1, 1], [0, 1]]);
 * const R = torch.linalg.matrixExp(torch.tensor([[0, -Math.PI / 2], [Math.PI / 2, 0]], { dtype: "float64" }));
 * assertEquals(torch.allclose(R, torch.tensor([[0, -1], [1, 0]], { dtype: "float64" }), { atol: 1e-12 }), true);
 * ```
 */
export function matrixExp(A: Tensor): Tensor {
  const op = "linalg.matrixExp";
  return asOp(op, () =>
    inFrameOf(() => {
      squareMatrices(op, A);
      return recordComposite("matrixExp", [A], {}, () => expRaw(A));
    }));
}
