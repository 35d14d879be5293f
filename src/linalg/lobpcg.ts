/**
 * `torch.lobpcg`: the k largest (or smallest) eigenpairs of a symmetric positive-definite
 * (generalized) eigenproblem A X = B X Λ by LOBPCG, PyTorch 1.13's "ortho" method (torch/_lobpcg.py:
 * Rayleigh-Ritz on [X, P, W] with B-orthonormalized residuals, the convergence test of Duersch et
 * al. 2018), with its gradient in A (1.13's symeig backward for a partial eigenspace). The start
 * X is one `torch.randn([m, n])` from the global generator per matrix, as 1.13 draws it, so a seed
 * reproduces its result (eigenvectors up to sign). The iteration reads scalars every step: CPU.
 * @module
 */
import { Tensor } from "../tensor.ts";
import { inFrameOf } from "../memory.ts";
import { asOp } from "../ops/naming.ts";
import { needsGrad } from "../ops/dispatch.ts";
import { noGrad } from "../autograd/grad_mode.ts";
import { eye, ones, randn, tensor, zeros } from "../creation.ts";
import { Generator } from "../random.ts";
import { cat, flip, indexSelect, stack } from "../ops/indexing.ts";
import { diagEmbed } from "../ops/region_scatter.ts";
import { fmtShape } from "../shape.ts";
import { describeValue } from "../backends/contract.ts";
import { checkMatrices } from "./substitution.ts";
import { eigh } from "./eigh.ts";
import { cholesky } from "./cholesky.ts";
import { solveTriangular } from "./triangular.ts";
import { choleskySolve } from "./cholesky_solve.ts";
import { householderProduct } from "./householder.ts";
import { geqrf } from "./geqrf.ts";
import { recordPacked } from "./packed.ts";

/** Options of {@link lobpcg}: PyTorch's keyword arguments (`method` "ortho" only). */
export interface LobpcgOptions {
  /** How many eigenpairs (default 1, or X's columns). */
  k?: number | null;
  /** The right-hand side matrix B of A X = B X Λ (default the identity). */
  B?: Tensor | null;
  /** The start (`[..., m, n]`; default `torch.randn([m, n])` per matrix). */
  X?: Tensor | null;
  /** The size of the iterated block (default k; X's columns when X is given). */
  n?: number | null;
  /** At most this many iterations (default 1000). */
  niter?: number | null;
  /** The residual tolerance (default √eps of the dtype). */
  tol?: number | null;
  /** The largest eigenvalues (default true) or the smallest. */
  largest?: boolean | null;
  /** "ortho" (the default and the only method here). */
  method?: "ortho" | null;
}

/** {@link lobpcg}'s result: the eigenvalues `E` (`[..., k]`) and eigenvectors `X` (`[..., m, k]`). */
export interface Lobpcg {
  /** The eigenvalues, largest (or smallest) first. */
  E: Tensor;
  /** The eigenvectors, one per column. */
  X: Tensor;
}

type M = Tensor;
const tr = (x: M) => x.mT;
const mmB = (B: M | null, x: M) => (B === null ? x : B.matmul(x));
const qform = (A: M | null, S: M) => tr(S).matmul(mmB(A, S));
const fro = (x: M) => (x.numel() === 0 ? 0 : Math.sqrt(x.mul(x).sum().item() as number));
function symeig(A: M, largest: boolean): { E: M; Z: M } {
  const { eigenvalues, eigenvectors } = eigh(A, "U");
  return largest
    ? { E: flip(eigenvalues, [-1]), Z: flip(eigenvectors, [-1]) }
    : { E: eigenvalues, Z: eigenvectors };
}
const cols = (x: M, a: number, b: number) => x.narrow(-1, a, Math.max(0, b - a));

interface WorkerParams {
  m: number;
  n: number;
  k: number;
  niter: number;
  tol: number;
  largest: boolean;
}

/** One LOBPCG worker (PyTorch's class LOBPCG, method "ortho", no tracker) on one matrix. */
class Worker {
  X: M;
  E: M;
  R: M;
  S: M;
  istep = 0;
  iterationsLeft = 0;
  convergedCount = 0;
  convergedEnd = 0;
  ANorm = 0;
  BNorm = 0;
  readonly A: M;
  readonly B: M | null;
  readonly p: WorkerParams;
  constructor(A: M, B: M | null, X: M, p: WorkerParams) {
    this.A = A;
    this.B = B;
    this.p = p;
    this.X = X;
    this.E = zeros([p.n], { dtype: X.dtype });
    this.R = zeros([p.m, p.n], { dtype: X.dtype });
    this.S = zeros([p.m, 3 * p.n], { dtype: X.dtype });
  }
  run(): void {
    this.update();
    while (!(this.iterationsLeft === 0 || this.convergedCount >= this.p.k)) this.update();
  }
  update(): void {
    if (this.istep === 0) {
      const xn = fro(this.X), ixn = 1 / xn;
      this.ANorm = fro(this.A.matmul(this.X)) * ixn;
      this.BNorm = fro(mmB(this.B, this.X)) * ixn;
      this.iterationsLeft = this.p.niter;
      this.convergedCount = 0;
      this.convergedEnd = 0;
    }
    this.updateOrtho();
    this.iterationsLeft--;
    this.istep++;
  }
  updateResidual(): void {
    this.R = this.A.matmul(this.X).sub(mmB(this.B, this.X).mul(this.E));
  }
  updateConvergedCount(): number {
    const prev = this.convergedCount, { X, R, E } = this;
    const num = R.mul(R).sum(0).sqrt(), xn = X.mul(X).sum(0).sqrt();
    const rerr = num.div(xn.mul(E.narrow(0, 0, X.shape[1]).mul(this.BNorm).add(this.ANorm)));
    const conv = Array.from(rerr.lt(this.p.tol).dataSync());
    let count = 0;
    while (count < conv.length && conv[count]) count++;
    if (count < prev) {
      throw new Error(
        `lobpcg: the number of converged eigenpairs (was ${prev}, got ${count}) cannot decrease`,
      );
    }
    this.convergedCount = count;
    return count;
  }
  setS(a: number, x: M): void {
    const m = this.p.m, total = this.S.shape[1];
    this.S = cat([cols(this.S, 0, a), x, cols(this.S, a + x.shape[1], total)], 1);
    if (this.S.shape[0] !== m) throw new Error("internal: lobpcg basis lost its rows");
  }
  updateOrtho(): void {
    const { n, largest } = this.p;
    let ns = this.convergedEnd, nc = this.convergedCount;
    if (this.istep === 0) {
      const Ri = this.rayleighRitzTransform(this.X);
      const Mq = qform(qform(this.A, this.X), Ri);
      const { E, Z } = symeig(Mq, largest);
      this.X = this.X.matmul(Ri.matmul(Z));
      this.E = E;
      this.updateResidual();
      nc = this.updateConvergedCount();
      this.setS(0, this.X);
      const W = this.ortho(this.R, this.X);
      ns = this.convergedEnd = n + W.shape[1];
      this.setS(n, W);
    } else {
      const S_ = cols(this.S, nc, ns);
      const { E: E_, Z } = symeig(qform(this.A, S_), largest);
      this.X = cat([cols(this.X, 0, nc), S_.matmul(cols(Z, 0, n - nc))], 1);
      this.E = cat([this.E.narrow(0, 0, nc), E_.narrow(0, 0, n - nc)], 0);
      const Zr = cols(Z, n - nc, Z.shape[1]);
      const P = S_.matmul(Zr.matmul(basis(tr(Zr.narrow(0, 0, n - nc)))));
      const np = P.shape[1];
      this.updateResidual();
      nc = this.updateConvergedCount();
      this.setS(0, this.X);
      this.setS(n, P);
      const W = this.ortho(cols(this.R, nc, this.R.shape[1]), cols(this.S, 0, n + np));
      ns = this.convergedEnd = n + np + W.shape[1];
      this.setS(n + np, W);
    }
  }
  rayleighRitzTransform(S: M): M {
    const SBS = qform(this.B, S);
    const dRow = SBS.diagonal(0, -2, -1).pow(-0.5);
    const dCol = dRow.reshape([dRow.shape[0], 1]);
    const R = cholesky(SBS.mul(dRow).mul(dCol), { upper: true });
    return solveTriangular(R, diagEmbed(dRow), { upper: true, left: false });
  }
  /** PyTorch's `_get_svqb(U, drop=False, tau)`: B-orthonormal columns spanning U's. */
  svqb(U: M, tau: number): M {
    if (U.numel() === 0) return U;
    let UBU = qform(this.B, U);
    let d = UBU.diagonal(0, -2, -1);
    const dv = Array.from(d.dataSync());
    const nz = dv.flatMap((v, i) => (Math.abs(v) !== 0 ? [i] : []));
    if (nz.length < dv.length) {
      // Exact zero columns are dropped (their d^-1/2 would be infinite).
      U = indexSelect(U, 1, tensor(nz, { dtype: "int32" }));
      if (U.numel() === 0) return U;
      UBU = qform(this.B, U);
      d = UBU.diagonal(0, -2, -1);
    }
    const dCol = d.pow(-0.5).reshape([d.shape[0], 1]);
    const { E, Z } = symeig(UBU.mul(dCol).mul(tr(dCol)), false);
    const t = tau * (E.abs().max().item() as number);
    return U.mul(tr(dCol)).matmul(Z.mul(E.clamp(t, Infinity).pow(-0.5)));
  }
  ortho(U: M, V: M): M {
    const { m, tol } = this.p;
    const BVnorm = fro(mmB(this.B, V));
    let BU = mmB(this.B, U);
    let VBU = tr(V).matmul(BU);
    for (let i = 0; i < 3; i++) {
      U = U.sub(V.matmul(VBU));
      for (let j = 0; j < 3; j++) {
        U = this.svqb(U, tol);
        if (U.numel() === 0) return U;
        BU = mmB(this.B, U);
        const UBU = tr(U).matmul(BU);
        const Rn = fro(UBU.sub(eye(UBU.shape[1], { dtype: UBU.dtype })));
        if (Rn / (fro(BU) * fro(U)) < tol) break;
      }
      VBU = tr(V).matmul(BU);
      if (fro(VBU) / (BVnorm * fro(U)) < tol) break;
      if (m < U.shape[1] + V.shape[1]) {
        throw new RangeError(
          `lobpcg: Overdetermined shape of U: #B-cols(=${m}) >= #U-cols(=${U.shape[1]}) + #V-cols(=${
            V.shape[1]
          }) must hold`,
        );
      }
    }
    return U;
  }
}

/** An orthonormal basis of A's columns (PyTorch's `_utils.basis`: orgqr of geqrf). */
function basis(A: M): M {
  const { a, tau } = geqrf(A);
  return householderProduct(a, tau);
}

/** PyTorch's `_symeig_backward` for the eigenpairs (D, U) of symmetric A, given their gradients. */
export function lobpcgBackward(gD: M, gU: M, A: M, D: M, U: M, largest: boolean): M {
  const Ut = tr(U);
  // The complete-eigenspace formula: U (diag(gD) + (Uᵀ gU) ∘ F) Uᵀ, F_ij = 1 / (D_j - D_i), F_ii = 0.
  const F = D.unsqueeze(-2).sub(D.unsqueeze(-1));
  const k = D.shape[D.ndim - 1], m = A.shape[A.ndim - 1];
  const offDiag = ones([k, k], { dtype: D.dtype }).sub(eye(k, { dtype: D.dtype }));
  const Finv = offDiag.div(F.add(eye(k, { dtype: D.dtype })));
  let res = U.matmul(diagEmbed(gD).add(Ut.matmul(gU).mul(Finv)).matmul(Ut));
  if (k === m) return res;
  // The rest of the space: PyTorch's series in the characteristic polynomial of D, with a
  // basis of U's complement from a fresh generator (PyTorch's default seed, as 1.13 draws it).
  const gen = new Generator();
  const projOrtho = eye(m, { dtype: A.dtype }).sub(U.matmul(Ut));
  const Uo = projOrtho.matmul(randn([...A.shape.slice(0, -1), m - k], { dtype: A.dtype, generator: gen }));
  const Uot = tr(Uo);
  // Coefficients a_0..a_k of prod (x - D_i), a_k = 1, as tensors of D's batch shape.
  const roots = Array.from({ length: k }, (_, i) => D.select(-1, i));
  const unit = ones(D.shape.slice(0, -1), { dtype: D.dtype });
  let c: M[] = [unit, ...Array.from({ length: k }, () => unit.mul(0)), unit];
  for (let i = 1; i <= k; i++) {
    const next = c.slice();
    for (let t = 0; t <= i; t++) next[k - i + t] = c[k - i + t].sub(roots[i - 1].mul(c[k - i + 1 + t]));
    c = next;
  }
  const poly = c.slice(1, k + 2); // a_0 .. a_k
  const vecPoly = (coef: M[], x: M) => {
    let r = ones(x.shape, { dtype: x.dtype });
    for (let j = coef.length - 2; j >= 0; j--) r = coef[j].unsqueeze(-1).add(x.mul(r));
    return r;
  };
  let proj = gU, series = gU.mul(0);
  for (let j = 1; j < poly.length; j++) {
    series = series.add(proj.mul(vecPoly(poly.slice(j), D).unsqueeze(-2)));
    proj = A.matmul(proj);
  }
  let atA = eye(m, { dtype: A.dtype });
  for (let j = poly.length - 2; j >= 0; j--) {
    atA = A.matmul(atA).add(eye(m, { dtype: A.dtype }).mul(poly[j].unsqueeze(-1).unsqueeze(-1)));
  }
  const sign = largest && k % 2 === 1 ? -1 : 1;
  const L = cholesky(Uot.matmul(atA).matmul(Uo).mul(sign));
  res = res.sub(Uo.matmul(choleskySolve(Uot.matmul(series), L).mul(sign)).matmul(Ut));
  return res;
}

function checkCount(name: string, v: unknown, min: number): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min) {
    throw new RangeError(`lobpcg: ${name} must be an integer >= ${min}, got ${describeValue(v)}`);
  }
  return v;
}

/**
 * PyTorch's `torch.lobpcg(A, k, B, X, n, iK, niter, tol, largest, method)` with method "ortho":
 * the k largest (`largest`, the default) or smallest eigenvalues `E` (`[..., k]`) and their
 * eigenvectors `X` (`[..., m, k]`) of the symmetric positive-definite problem A X = B X diag(E)
 * (B the identity by default), by the locally optimal block preconditioned conjugate gradient
 * method. Needs m ≥ 3n. The start is `opts.X` or one `torch.randn([m, n])` per matrix from the
 * global generator, drawn as 1.13 draws it (a seed reproduces PyTorch's E, and X up to sign).
 * Differentiable in A (not B, as PyTorch: A is symmetrized first). CPU only (each step reads
 * scalars); float32 and float64. Not taken: `iK` (the "basic" method's preconditioner; "ortho"
 * never reads it), `tracker` and the `ortho_*` parameter overrides (1.13's defaults are used).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * torch.manualSeed(0);
 * const A = torch.diag(torch.arange(1, 10, { dtype: "float64" }));
 * const { E, X } = torch.lobpcg(A, { k: 2 });
 * assertEquals(torch.allclose(E, torch.tensor([9, 8], { dtype: "float64" })), true);
 * assertEquals(X.shape, [9, 2]);
 * ```
 */
export function lobpcg(A: Tensor, opts: LobpcgOptions = {}): Lobpcg {
  const op = "lobpcg";
  return asOp(op, () =>
    inFrameOf(() => {
      checkMatrices(op, "A", A);
      if (opts === null || typeof opts !== "object") {
        throw new TypeError(`${op}: options must be an object like { k, B, X, n, niter, tol, largest }`);
      }
      if (A.device !== "cpu") {
        throw new Error(`${op}: runs on the CPU (each iteration reads values); got A on "${A.device}"`);
      }
      const [m, m2] = A.shape.slice(-2);
      if (m !== m2) throw new RangeError(`${op}: A must be square, got ${fmtShape(A.shape)}`);
      const B = opts.B ?? null, X0 = opts.X ?? null;
      if (B !== null) {
        if (!(B instanceof Tensor)) {
          throw new TypeError(`${op}: expected B to be a Tensor, got ${describeValue(B)}`);
        }
        if (B.shape.length !== A.shape.length || B.shape.some((s, i) => s !== A.shape[i])) {
          throw new RangeError(
            `${op}: A and B must have the same shape, got ${fmtShape(A.shape)} and ${fmtShape(B.shape)}`,
          );
        }
        if (B.dtype !== A.dtype) throw new TypeError(`${op}: B is ${B.dtype} but A is ${A.dtype}`);
        if (needsGrad(A, B)) {
          throw new Error(
            `${op}: gradients with B given are not supported (PyTorch 1.13's backward refuses B != I); detach A and B`,
          );
        }
      }
      if (X0 !== null && !(X0 instanceof Tensor)) {
        throw new TypeError(`${op}: expected X to be a Tensor, got ${describeValue(X0)}`);
      }
      const method = opts.method ?? "ortho";
      if (method !== "ortho") {
        throw new RangeError(`${op}: method must be "ortho", got ${describeValue(method)}`);
      }
      const k = checkCount("k", opts.k ?? (X0 === null ? 1 : X0.shape[X0.ndim - 1]), 1);
      const n = X0 === null ? checkCount("n", opts.n ?? k, 1) : X0.shape[X0.ndim - 1];
      if (m < 3 * n) {
        throw new RangeError(
          `${op}: LPBPCG algorithm is not applicable when the number of A rows (=${m}) is smaller than 3 x the number of requested eigenpairs (=${n})`,
        );
      }
      if (k > n) throw new RangeError(`${op}: k (=${k}) must not exceed n, X's columns (=${n})`);
      const batch = A.shape.slice(0, -2), N = batch.reduce((a, b) => a * b, 1);
      if (
        X0 !== null &&
        (X0.ndim !== A.ndim || X0.shape[X0.ndim - 2] !== m ||
          X0.shape.slice(0, -2).some((s, i) => s !== batch[i]))
      ) {
        throw new RangeError(
          `${op}: X must be [..., ${m}, n] with A's batch dims, got ${fmtShape(X0.shape)}`,
        );
      }
      const tol = opts.tol ?? Math.sqrt(A.dtype === "float64" ? 2.23e-16 : 1.2e-7);
      const niter = checkCount("niter", opts.niter ?? 1000, 0);
      const largest = opts.largest ?? true;
      const p = { m, n, k, niter, tol, largest };
      const grad = needsGrad(A);
      const Asym = grad ? A.add(A.mT).div(2) : A;
      const solve = () => {
        const a = Asym.detach().reshape([N, m, m]), b = B?.detach().reshape([N, m, m]) ?? null;
        const x = X0?.detach().reshape([N, m, n]) ?? null;
        const Es: M[] = [], Xs: M[] = [];
        for (let i = 0; i < N; i++) {
          const start = x === null ? randn([m, n], { dtype: A.dtype }) : x.select(0, i);
          const w = new Worker(a.select(0, i), b === null ? null : b.select(0, i), start, p);
          w.run();
          Es.push(w.E.narrow(0, 0, k));
          Xs.push(cols(w.X, 0, k));
        }
        return [stack(Es).reshape([...batch, k]), stack(Xs).reshape([...batch, m, k])];
      };
      const [E, X] = grad ? recordPacked("lobpcg", [Asym], { largest }, () => noGrad(solve)) : solve();
      return { E, X };
    }));
}
