/**
 * Gradient formulas of the decompositions (src/linalg/qr.ts, eigh.ts, svd.ts), PyTorch 1.13's
 * (FunctionsManual.cpp): each receives the packed gradient and packed outputs of
 * src/linalg/packed.ts.
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { narrow, unsqueeze } from "../ops/movement.ts";
import { cat, tril } from "../ops/indexing.ts";
import { add, mul, sub } from "../ops/elementwise.ts";
import { matmul } from "../ops/matmul.ts";
import { solveTriangular } from "./triangular.ts";
import { unpack } from "./packed.ts";
import { diagEmbed, mT, safeDiv } from "./decomp_util.ts";

/** The symmetric matrix with `x`'s lower triangle (LAPACK's copyltu). */
function copyltu(x: Tensor): Tensor {
  return add(tril(x), mT(tril(x, -1)));
}

/** gA of A = Q R for square or tall A (m >= n): (gQ + Q copyltu(R gRᵀ - gQᵀ Q)) R⁻ᵀ. */
function qrBackwardTall(gQ: Tensor, gR: Tensor, Q: Tensor, R: Tensor): Tensor {
  const M = sub(matmul(R, mT(gR)), matmul(mT(gQ), Q));
  const B = add(gQ, matmul(Q, copyltu(M)));
  return solveTriangular(mT(R), B, { upper: false, left: false });
}

/** PyTorch's `linalg_qr_backward`: `g` and `out` are the packed [Q, R] of src/linalg/qr.ts. */
export function qrBackward(g: Tensor, out: Tensor, shapes: number[][], mode: string): Tensor {
  if (mode === "r") {
    throw new Error(
      "linalg.qr: The derivative of linalg.qr depends on Q, which is not computed when mode='r'. " +
        "Please use linalg.qr(A, mode='reduced') if you are going to differentiate through linalg.qr.",
    );
  }
  const [gQ, gR] = unpack(g, shapes), [Q, R] = unpack(out, shapes);
  const m = Q.shape[Q.ndim - 2], n = R.shape[R.ndim - 1];
  if (mode === "complete" && m > n) {
    throw new Error("linalg.qr: The QR decomposition is not differentiable when mode='complete' and nrows > ncols.");
  }
  if (m >= n) return qrBackwardTall(gQ, gR, Q, R);
  // Wide A = Q [U | V] (U square): the columns right of U get Q gV, U's part sees gQ + Y gVᵀ
  // (Y = Q V, A's right columns).
  const U = narrow(R, -1, 0, m), V = narrow(R, -1, m, n - m);
  const gU = narrow(gR, -1, 0, m), gV = narrow(gR, -1, m, n - m);
  const Y = matmul(Q, V);
  const gX = qrBackwardTall(add(gQ, matmul(Y, mT(gV))), gU, Q, U);
  return cat([gX, matmul(Q, gV)], -1);
}


/** eigvalsh's gradient: V diag(gL) Vᵀ. */
export function eigvalshBackward(gL: Tensor, V: Tensor): Tensor {
  return matmul(matmul(V, diagEmbed(gL)), mT(V));
}

/**
 * PyTorch's `linalg_eig_backward` for symmetric A (`g`, `out`: the packed [L, V] of eigh):
 * gA = V (skew(VᵀgV)/2 / E + diag(gL)) Vᵀ with E[i][j] = λⱼ - λᵢ.
 */
export function eighBackward(g: Tensor, out: Tensor, shapes: number[][]): Tensor {
  const [gL, gV] = unpack(g, shapes), [L, V] = unpack(out, shapes);
  const VtgV = matmul(mT(V), gV);
  const skew = mul(sub(VtgV, mT(VtgV)), 0.5);
  const E = sub(unsqueeze(L, -2), unsqueeze(L, -1));
  const inner = add(safeDiv(skew, E), diagEmbed(gL));
  return matmul(matmul(V, inner), mT(V));
}
