/**
 * The kernel calls behind the decompositions, without autograd (their callers record): Householder
 * QR, the Jacobi eigen- and singular-value decompositions, LU with partial pivoting and the
 * permutations of its pivots (src/linalg/qr.ts, eigh.ts, svd.ts, lu_factor.ts, spectral.ts,
 * legacy.ts). Not part of the public API.
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { Tensor as TensorClass } from "../tensor.ts";
import { backendOf, contiguousStorage, temp, wrap } from "../ops/dispatch.ts";
import { add, eq, lt, mul, sub, where } from "../ops/elementwise.ts";
import { cat, gather, tril, triu } from "../ops/indexing.ts";
import { expand, narrow, unsqueeze } from "../ops/movement.ts";
import { diagonal } from "../ops/rearrange.ts";
import { all, norm as pNorm } from "../ops/reduce.ts";
import { isfinite } from "../ops/logical.ts";
import { toDType } from "../ops/convert.ts";
import { arange, eye, ones, tensor } from "../creation.ts";
import { fmtShape, numelOf } from "../shape.ts";
import { describeValue } from "../backends/contract.ts";
import { mT, sortWithColumns } from "./decomp_util.ts";

/**
 * Householder QR of `A` (`[..., m, n]`) without autograd: R (`[..., rows, n]`, rows = k, or m
 * when `complete`) and, unless `cols` is null, the first `cols` columns of Q.
 */
export function qrRaw(
  op: string,
  A: Tensor,
  rows: number,
  cols: number | null,
): { Q: Tensor | null; R: Tensor } {
  const [m, n] = A.shape.slice(-2);
  const batchShape = A.shape.slice(0, -2), batch = numelOf(batchShape);
  const backend = backendOf(op, A);
  if (!backend.geqrf || !backend.orgqr) {
    throw new Error(`${op}: the ${A.device} backend has no QR factorisation`);
  }
  if (A.device === "gpu" && A.dtype !== "float32") {
    throw new TypeError(`${op}: the GPU factors float32 matrices, got ${A.dtype}`);
  }
  const args = { batch, m, n };
  const res = backend.geqrf(contiguousStorage(A), args);
  const H = wrap(res.h, [...batchShape, m, n]);
  temp(res.tau);
  const R = rows <= m ? triu(narrow(H, -2, 0, rows)) : triu(H);
  const Q = cols === null
    ? null
    : wrap(backend.orgqr(res.h, res.tau, { ...args, cols }), [...batchShape, m, cols]);
  return { Q, R };
}

/** Eigenvalues (ascending) and vectors of the symmetric matrices read from A's `UPLO` triangle, without autograd. */
export function eighRaw(op: string, A: Tensor, UPLO: "L" | "U"): { values: Tensor; vectors: Tensor } {
  const n = A.shape[A.ndim - 1];
  const batchShape = A.shape.slice(0, -2), batch = numelOf(batchShape);
  const backend = backendOf(op, A);
  if (!backend.eighJacobi) throw new Error(`${op}: the ${A.device} backend has no symmetric eigensolver`);
  if (A.device === "gpu" && A.dtype !== "float32") {
    throw new TypeError(`${op}: the GPU decomposes float32 matrices, got ${A.dtype}`);
  }
  const S = UPLO === "L" ? add(tril(A), mT(tril(A, -1))) : add(triu(A), mT(triu(A, 1)));
  const res = backend.eighJacobi(contiguousStorage(S), { batch, m: n, n });
  const W = wrap(res.w, [...batchShape, n, n]), V = wrap(res.v, [...batchShape, n, n]);
  const sorted = sortWithColumns(diagonal(W, 0, -2, -1), [V], false);
  return { values: sorted.values, vectors: sorted.cols[0] };
}

/** U (`[..., m, full ? m : k]`), S and Vh (`[..., full ? n : k, n]`) without autograd. */
export function svdRaw(op: string, A: Tensor, full: boolean): { U: Tensor; S: Tensor; Vh: Tensor } {
  const [m, n] = A.shape.slice(-2);
  const batchShape = A.shape.slice(0, -2), batch = numelOf(batchShape);
  const backend = backendOf(op, A);
  if (!backend.svdJacobi) throw new Error(`${op}: the ${A.device} backend has no SVD`);
  if (A.device === "gpu" && A.dtype !== "float32") {
    throw new TypeError(`${op}: the GPU decomposes float32 matrices, got ${A.dtype}`);
  }
  // As PyTorch's CPU: one matrix with inf/NaN is an error; in a batch its results are NaN.
  if (A.device === "cpu" && A.ndim === 2 && A.numel() > 0 && !all(isfinite(A)).item()) {
    throw new Error(
      `${op}: The algorithm failed to converge because the input matrix contained non-finite values.`,
    );
  }
  // Jacobi on the columns of X (p×q, p >= q): X = A, or Aᵀ when A is wide.
  const tall = m >= n;
  const X = tall ? A : mT(A);
  const p = tall ? m : n, q = tall ? n : m;
  const res = backend.svdJacobi(contiguousStorage(X), { batch, m: p, n: q });
  const B = wrap(res.b, [...batchShape, p, q]), W = wrap(res.v, [...batchShape, q, q]);
  const sorted = sortWithColumns(pNorm(B, 2, -2), [B, W], true);
  const S = sorted.values, [Bs, V] = sorted.cols;
  // The columns of Bs are σᵢuᵢ, mutually orthogonal: its QR's Q, each column's sign set by R's
  // diagonal, is U (completed to an orthonormal basis, also where σᵢ = 0).
  const { Q, R } = qrRaw(op, Bs, q, full ? p : q);
  let signs = where(lt(diagonal(R, 0, -2, -1), 0), -1, 1);
  if (full && p > q) {
    signs = cat([signs, ones([...batchShape, p - q], { dtype: A.dtype, device: A.device })], -1);
  }
  const Ux = mul(Q!, signs.unsqueeze(-2));
  const out = tall ? { U: Ux, S, Vh: mT(V) } : { U: V, S, Vh: mT(Ux) };
  // A matrix with inf/NaN gets NaN everywhere, as PyTorch's batched SVD.
  const finite = all(all(isfinite(A), -1), -1);
  const nanUnless = (x: Tensor, dims: number) => {
    let f = finite;
    for (let i = 0; i < dims; i++) f = unsqueeze(f, -1);
    return where(f, x, NaN);
  };
  return { U: nanUnless(out.U, 2), S: nanUnless(out.S, 1), Vh: nanUnless(out.Vh, 2) };
}

/** getrf on `A` without autograd: LU, pivots (int32) and info (int32). */
export function getrfRaw(op: string, A: Tensor): { LU: Tensor; pivots: Tensor; info: Tensor } {
  const [m, n] = A.shape.slice(-2), k = Math.min(m, n);
  const batchShape = A.shape.slice(0, -2), batch = numelOf(batchShape);
  const backend = backendOf(op, A);
  if (!backend.getrf) throw new Error(`${op}: the ${A.device} backend has no LU factorisation`);
  if (A.device === "gpu" && A.dtype !== "float32") {
    throw new TypeError(`${op}: the GPU factors float32 matrices, got ${A.dtype}`);
  }
  const res = backend.getrf(contiguousStorage(A), { batch, m, n });
  return {
    LU: wrap(res.lu, [...batchShape, m, n]),
    pivots: toDType(wrap(res.pivots, [...batchShape, k]), "int32"),
    info: toDType(wrap(res.info, batchShape), "int32"),
  };
}

/** The permutation (int32 `[..., m]`: row i of P⁻¹A is row perm[i] of A) the row swaps `pivots` make. */
export function permutationOf(op: string, pivots: Tensor, m: number): Tensor {
  const k = pivots.shape[pivots.ndim - 1];
  if (pivots.device === "cpu") {
    // The swaps one by one in JS (the tensor loop below costs ~8 ops per pivot).
    const piv = pivots.dataSync(), batch = k === 0 ? numelOf(pivots.shape.slice(0, -1)) : piv.length / k;
    const out = new Int32Array(batch * m);
    for (let b = 0; b < batch; b++) {
      const perm = out.subarray(b * m, (b + 1) * m);
      for (let i = 0; i < m; i++) perm[i] = i;
      for (let j = 0; j < k; j++) {
        const p = piv[b * k + j] - 1;
        if (!(p >= 0 && p < m)) {
          throw new RangeError(
            `${op}: expected the pivots to be in [1, ${m}], got ${p + 1} (matrix ${b}, pivot ${j})`,
          );
        }
        const t = perm[j];
        perm[j] = perm[p];
        perm[p] = t;
      }
    }
    return tensor(out, { dtype: "int32" }).reshape([...pivots.shape.slice(0, -1), m]);
  }
  const idx = arange(m, { dtype: "int32", device: pivots.device });
  let perm = expand(idx, [...pivots.shape.slice(0, -1), m]).contiguous();
  for (let j = 0; j < k; j++) {
    const pj = sub(narrow(pivots, -1, j, 1), 1);
    const a = narrow(perm, -1, j, 1), b = gather(perm, -1, pj);
    perm = where(eq(idx, j), b, where(eq(idx, pj), a, perm));
  }
  return perm;
}

/** P (`[..., m, m]`, A = P L U) from the pivots. */
export function permutationMatrix(op: string, pivots: Tensor, m: number, dtype: Tensor["dtype"]): Tensor {
  const perm = permutationOf(op, pivots, m);
  const idx = arange(m, { dtype: "int32", device: pivots.device });
  return toDType(eq(unsqueeze(perm, -2), unsqueeze(idx, -1)), dtype);
}

/** L (unit lower, m×k) and U (upper, k×n) from a packed LU. */
export function unpackLU(LU: Tensor): { L: Tensor; U: Tensor } {
  const [m, n] = LU.shape.slice(-2), k = Math.min(m, n);
  const L = add(tril(narrow(LU, -1, 0, k), -1), eye(m, k, { dtype: LU.dtype, device: LU.device }));
  const U = triu(narrow(LU, -2, 0, k));
  return { L, U };
}

export function checkPivots(op: string, LU: Tensor, pivots: unknown, k: number): asserts pivots is Tensor {
  if (!(pivots instanceof TensorClass)) {
    throw new TypeError(`${op}: expected pivots to be a Tensor, got ${describeValue(pivots)}`);
  }
  if (pivots.dtype !== "int32") {
    throw new TypeError(`${op}: pivots must be an int32 tensor, got ${pivots.dtype}`);
  }
  const want = [...LU.shape.slice(0, -2), k];
  if (pivots.shape.length !== want.length || pivots.shape.some((s, i) => s !== want[i])) {
    throw new RangeError(
      `${op}: Expected pivots of shape ${fmtShape(want)} for LU of shape ${fmtShape(LU.shape)}, got ${
        fmtShape(pivots.shape)
      }`,
    );
  }
}
