/**
 * Gradient formulas of `torch.linalg` ops that need more than one line of the derivative table
 * (src/autograd/derivatives.ts).
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { transpose } from "../ops/movement.ts";
import { tril, triu } from "../ops/indexing.ts";
import { add, mul, neg } from "../ops/elementwise.ts";
import { matmul } from "../ops/matmul.ts";
import { inv } from "./solve.ts";
import { solveTriangular } from "./triangular.ts";
import { choleskySolve } from "./cholesky_solve.ts";

const mT = (x: Tensor) => transpose(x, -2, -1);

/**
 * PyTorch's `cholesky_backward`: with L the lower factor, gA = L⁻ᵀ Φ L⁻¹ where Φ =
 * tril(Lᵀ gL) with its strictly lower part mirrored and halved.
 */
export function choleskyBackward(g: Tensor, factor: Tensor, upper: boolean): Tensor {
  const L = upper ? mT(factor) : factor, gL = upper ? mT(g) : g;
  const phi = tril(matmul(mT(L), gL));
  const sym = mul(add(phi, mT(tril(phi, -1))), 0.5);
  const Linv = inv(L);
  return matmul(matmul(mT(Linv), sym), Linv);
}

/**
 * PyTorch's `linalg_solve_triangular_backward` for X = A⁻¹B (left) or B A⁻¹: gB = A⁻ᵀ gX (the
 * other triangle), gA = -gB Xᵀ (left) or -Xᵀ gB, restricted to A's triangle (without the
 * diagonal when `unitriangular`). Returns [gA, gB]; gA is null when not `wantA`.
 */
export function solveTriangularBackward(
  g: Tensor,
  A: Tensor,
  X: Tensor | null,
  opts: { upper: boolean; left: boolean; unitriangular: boolean },
  wantA: boolean,
): [Tensor | null, Tensor] {
  const { upper, left, unitriangular } = opts;
  const gB = solveTriangular(mT(A), g, { upper: !upper, left, unitriangular });
  if (!wantA || X === null) return [null, gB];
  const gA = neg(left ? matmul(gB, mT(X)) : matmul(mT(X), gB));
  const d = unitriangular ? 1 : 0;
  return [upper ? triu(gA, d) : tril(gA, -d), gB];
}

/**
 * PyTorch's `cholesky_solve_backward` for X = choleskySolve(B, L): gB = choleskySolve(gX, L);
 * with C = gB Xᵀ + X gBᵀ, gL = -C L (lower) or -L C (upper), the full matrix as PyTorch's.
 */
export function choleskySolveBackward(g: Tensor, L: Tensor, X: Tensor, upper: boolean): [Tensor, Tensor] {
  const gB = choleskySolve(g, L, upper);
  const common = matmul(gB, mT(X));
  const sym = add(common, mT(common));
  return [gB, neg(upper ? matmul(L, sym) : matmul(sym, L))];
}
