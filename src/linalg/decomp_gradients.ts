/**
 * Gradient formulas of the decompositions (src/linalg/qr.ts, eigh.ts, svd.ts), PyTorch 1.13's
 * (FunctionsManual.cpp): each receives the packed gradient and packed outputs of
 * src/linalg/packed.ts.
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { expand, narrow, unsqueeze } from "../ops/movement.ts";
import { cat, tril, triu } from "../ops/indexing.ts";
import { eye, zerosLike } from "../creation.ts";
import { matrixExp } from "./matrix_exp.ts";
import { add, mul, sub } from "../ops/elementwise.ts";
import { matmul } from "../ops/matmul.ts";
import { solveTriangular } from "./triangular.ts";
import { pinv } from "./spectral.ts";
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
    throw new Error(
      "linalg.qr: The QR decomposition is not differentiable when mode='complete' and nrows > ncols.",
    );
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

/** svdvals' gradient: U diag(gS) Vh. */
export function svdvalsBackward(gS: Tensor, U: Tensor, Vh: Tensor): Tensor {
  return matmul(mul(U, unsqueeze(gS, -2)), Vh);
}

/**
 * PyTorch's `svd_backward` (`g`, `out`: the packed [U, S, Vh] of svd; with full matrices, only
 * the first k columns of U and rows of Vh take part, as PyTorch's).
 */
export function svdBackward(g: Tensor, out: Tensor, shapes: number[][], full: boolean): Tensor {
  let [gU, gS, gVh] = unpack(g, shapes), [U, S, Vh] = unpack(out, shapes);
  const m = U.shape[U.ndim - 2], n = Vh.shape[Vh.ndim - 1], k = S.shape[S.ndim - 1];
  if (full) {
    gU = narrow(gU, -1, 0, k);
    U = narrow(U, -1, 0, k);
    gVh = narrow(gVh, -2, 0, k);
    Vh = narrow(Vh, -2, 0, k);
  }
  const skew = (x: Tensor) => sub(x, mT(x));
  const UtgU = skew(matmul(mT(U), gU)), VhgV = skew(matmul(Vh, mT(gVh)));
  const S2 = mul(S, S);
  const E = sub(unsqueeze(S2, -2), unsqueeze(S2, -1));
  const Srow = unsqueeze(S, -2), Scol = unsqueeze(S, -1);
  let gA = add(add(safeDiv(mul(UtgU, Srow), E), safeDiv(mul(Scol, VhgV), E)), diagEmbed(gS));
  if (m > k) {
    const gUSinv = safeDiv(gU, expandAs(Srow, gU));
    gA = matmul(add(matmul(U, gA), sub(gUSinv, matmul(U, matmul(mT(U), gUSinv)))), Vh);
  } else if (n > k) {
    const SinvgVh = safeDiv(gVh, expandAs(Scol, gVh));
    gA = matmul(U, add(matmul(gA, Vh), sub(SinvgVh, matmul(matmul(SinvgVh, mT(Vh)), Vh))));
  } else {
    gA = matmul(matmul(U, gA), Vh);
  }
  return gA;
}

function expandAs(x: Tensor, like: Tensor): Tensor {
  return expand(x, [...like.shape]);
}

/** PyTorch's `pinv_backward`: the gradient of A⁺ = pinv(A) for g = ∂L/∂A⁺. */
export function pinvBackward(g: Tensor, pinvA: Tensor, A: Tensor): Tensor {
  const m = A.shape[A.ndim - 2], n = A.shape[A.ndim - 1];
  const pinvAh = mT(pinvA), gh = mT(g);
  if (m <= n) {
    const K = matmul(gh, pinvA);
    const KpinvAh = matmul(K, pinvAh);
    return add(
      sub(sub(KpinvAh, mT(matmul(pinvA, K))), matmul(matmul(A, pinvA), KpinvAh)),
      matmul(matmul(pinvAh, pinvA), sub(gh, matmul(K, A))),
    );
  }
  const K = matmul(pinvA, gh);
  const pinvAhK = matmul(pinvAh, K);
  return add(
    sub(matmul(matmul(sub(gh, matmul(A, K)), pinvA), pinvAh), mT(matmul(K, pinvA))),
    sub(pinvAhK, matmul(matmul(pinvAhK, pinvA), A)),
  );
}

/** PyTorch's `linalg_lstsq_backward` for X = lstsq(A, B): from A⁺ = pinv(A), gA by pinv's backward of g Bᵀ, gB = A⁺ᵀ g. */
export function lstsqBackward(
  g: Tensor,
  A: Tensor,
  B: Tensor,
  wantA: boolean,
  wantB: boolean,
): [Tensor | null, Tensor | null] {
  const pinvA = pinv(A);
  return [wantA ? pinvBackward(matmul(g, mT(B)), pinvA, A) : null, wantB ? matmul(mT(pinvA), g) : null];
}

/**
 * PyTorch's `linalg_lu_backward` for A = P L U (L `[..., m, k]` unit lower, U `[..., k, n]`), the
 * square, wide and tall cases.
 */
export function luBackward(gL: Tensor, gU: Tensor, P: Tensor, L: Tensor, U: Tensor): Tensor {
  const m = L.shape[L.ndim - 2], n = U.shape[U.ndim - 1], k = Math.min(m, n);
  const Lh = mT(L), Uh = mT(U);
  if (m === n) {
    let gA = add(tril(matmul(Lh, gL), -1), triu(matmul(gU, Uh)));
    gA = solveTriangular(Uh, gA, { upper: false, left: false });
    gA = solveTriangular(Lh, gA, { upper: true, unitriangular: true });
    return matmul(P, gA);
  }
  if (m < n) {
    const U1 = narrow(U, -1, 0, k), gU1 = narrow(gU, -1, 0, k), gU2 = narrow(gU, -1, k, n - k);
    let gA = sub(matmul(Lh, gL), matmul(triu(gU), Uh));
    gA = solveTriangular(mT(U1), tril(gA, -1), { upper: false, left: false });
    gA = cat([add(gA, triu(gU1)), gU2], -1);
    gA = solveTriangular(Lh, gA, { upper: true, unitriangular: true });
    return matmul(P, gA);
  }
  const L1 = narrow(L, -2, 0, k), gL1 = narrow(gL, -2, 0, k), gL2 = narrow(gL, -2, k, m - k);
  let gA = sub(matmul(gU, Uh), matmul(Lh, tril(gL, -1)));
  gA = solveTriangular(mT(L1), triu(gA), { upper: true, unitriangular: true });
  gA = cat([add(gA, tril(gL1, -1)), gL2], -2);
  gA = solveTriangular(Uh, gA, { upper: false, left: false });
  return matmul(P, gA);
}

/** linalg.lu's gradient (`g`, `out`: the packed [L, U]). */
export function luPackedBackward(g: Tensor, out: Tensor, shapes: number[][], P: Tensor): Tensor {
  const [gL, gU] = unpack(g, shapes), [L, U] = unpack(out, shapes);
  return luBackward(gL, gU, P, L, U);
}

/** lu_factor's gradient: the packed LU's gradient split into L's (strictly lower) and U's (upper) parts. */
export function luFactorBackward(g: Tensor, LU: Tensor, P: Tensor): Tensor {
  const m = LU.shape[LU.ndim - 2], n = LU.shape[LU.ndim - 1], k = Math.min(m, n);
  const L = add(tril(narrow(LU, -1, 0, k), -1), eye(m, k, { dtype: LU.dtype, device: LU.device }));
  const U = triu(narrow(LU, -2, 0, k));
  return luBackward(tril(narrow(g, -1, 0, k), -1), triu(narrow(g, -2, 0, k)), P, L, U);
}

/** PyTorch's `matrix_exp_backward`: the upper-right n×n block of exp([[Aᵀ, G], [0, Aᵀ]]). */
export function matrixExpBackward(A: Tensor, g: Tensor): Tensor {
  const n = A.shape[A.ndim - 1];
  const At = mT(A);
  const top = cat([At, g], -1), bottom = cat([zerosLike(At), At], -1);
  const E = matrixExp(cat([top, bottom], -2));
  return narrow(narrow(E, -2, 0, n), -1, n, n);
}
