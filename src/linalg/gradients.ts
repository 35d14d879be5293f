/**
 * Gradient formulas of `torch.linalg` ops that need more than one line of the derivative table
 * (src/autograd/derivatives.ts).
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { transpose } from "../ops/movement.ts";
import { tril } from "../ops/indexing.ts";
import { add, mul } from "../ops/elementwise.ts";
import { matmul } from "../ops/matmul.ts";
import { inv } from "./solve.ts";

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
