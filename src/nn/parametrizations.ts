/**
 * `nn.utils.parametrizations`, as PyTorch 1.13's `torch.nn.utils.parametrizations`: `orthogonal`
 * (a weight kept orthogonal through the matrix exponential, the Cayley map or Householder
 * reflectors) and `spectralNorm` (a weight divided by its largest singular value, estimated by
 * power iteration), both registered with {@link registerParametrization}, so the state-dict keys
 * are PyTorch's (`parametrizations.weight.original`, `parametrizations.weight.0.base`,
 * `parametrizations.weight.0._u`, `parametrizations.weight.0._v`) and the random draws follow
 * PyTorch's stream for the same seed.
 * @module
 */
import { Tensor } from "../tensor.ts";
import { isFloating } from "../dtype.ts";
import { noGrad } from "../autograd/grad_mode.ts";
import { empty, eye, randn, zeros } from "../creation.ts";
import { fmtShape, numelOf } from "../shape.ts";
import { backendOf, contiguousStorage, wrap } from "../ops/dispatch.ts";
import { cat } from "../ops/indexing.ts";
import { all } from "../ops/reduce.ts";
import { where } from "../ops/elementwise.ts";
import { normal_ } from "../ops/random_fill.ts";
import { matrixExp } from "../linalg/matrix_exp.ts";
import { solve } from "../linalg/solve.ts";
import { householderProduct } from "../linalg/householder.ts";
import { Module } from "./module.ts";
import { normalize } from "./normalization.ts";
import { NotImplementedError, type ParametrizedModule, registerParametrization } from "./parametrize.ts";

type Fields = Record<string, unknown>;

/** The maps {@link orthogonal} can use. */
export type OrthogonalMap = "matrix_exp" | "cayley" | "householder";

const ORTHOGONAL_MAPS: readonly OrthogonalMap[] = ["matrix_exp", "cayley", "householder"];

function tensorOf(op: string, module: Module, name: string): Tensor {
  if (!(module instanceof Module)) throw new TypeError(`${op}: expected a Module, got ${typeof module}`);
  const t = (module as unknown as Fields)[name];
  if (!(t instanceof Tensor)) {
    throw new Error(`${op}: Module '${module._getName()}' has no parameter or buffer with name '${name}'`);
  }
  return t;
}

/** Puts `d` (`[..., min(n, k)]`) on the diagonal of `A` (`[..., n, k]`), keeping the rest. */
function withDiagonal(A: Tensor, d: Tensor): Tensor {
  const [n, k] = A.shape.slice(-2);
  const mask = eye(n, k, { dtype: A.dtype, device: A.device });
  const dCols = k > n
    ? cat([d, zeros([...d.shape.slice(0, -1), k - n], { dtype: A.dtype, device: A.device })], -1)
    : d;
  return A.mul(mask.neg().add(1)).add(mask.mul(dCols.narrow(-1, 0, k).unsqueeze(-2)));
}

/** LAPACK's geqrf of the tall matrices `A` (`[..., n, k]`): the reflectors with R above, and tau. */
function geqrf(op: string, A: Tensor): [Tensor, Tensor] {
  const [m, n] = A.shape.slice(-2);
  const batchShape = A.shape.slice(0, -2);
  const backend = backendOf(op, A);
  if (!backend.geqrf) throw new Error(`${op}: the ${A.device} backend has no QR factorisation`);
  if (A.device === "gpu" && A.dtype !== "float32") {
    throw new TypeError(`${op}: the GPU factors float32 matrices, got ${A.dtype}`);
  }
  const res = backend.geqrf(contiguousStorage(A), { batch: numelOf(batchShape), m, n });
  return [wrap(res.h, [...batchShape, m, n]), wrap(res.tau, [...batchShape, Math.min(m, n)])];
}

/** The Q of A = QR (A tall) with diag(R) ≥ 0 (PyTorch's `_make_orthogonal`). */
function makeOrthogonal(op: string, A: Tensor): Tensor {
  const [X, tau] = geqrf(op, A);
  const Q = householderProduct(X, tau);
  return Q.mul(X.diagonal(0, -2, -1).sign().unsqueeze(-2));
}

/**
 * The parametrization {@link orthogonal} registers (PyTorch's `_Orthogonal`): maps an
 * unconstrained matrix (or batch) to an orthogonal one of the same shape; with
 * `useTrivialization`, the result is `base @ map(X)` with the buffer `base` set by `rightInverse`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { nn } from "../../mod.ts";
 * const orth = new nn.utils.parametrizations.Orthogonal([3, 3], "cayley", { useTrivialization: false });
 * const Q = orth(torch.randn(3, 3, { dtype: "float64" }));
 * assertEquals(torch.allclose(Q.mT.matmul(Q), torch.eye(3, { dtype: "float64" }), { atol: 1e-12 }), true);
 * ```
 */
export class Orthogonal extends Module {
  /** The shape of the parametrized weight. */
  shape: number[];
  /** The map from skew-symmetric (or reflector) matrices to orthogonal ones. */
  orthogonalMap: OrthogonalMap;

  /** Creates the parametrization for a weight of `shape`; the arguments are described on the class. */
  constructor(
    shape: readonly number[],
    orthogonalMap: OrthogonalMap,
    opts: { useTrivialization?: boolean } = {},
  ) {
    super();
    this.shape = [...shape];
    this.orthogonalMap = orthogonalMap;
    if (opts.useTrivialization ?? true) this.registerBuffer("base", null);
  }

  /** @internal PyTorch's class name, for the module's repr. */
  override _getName(): string {
    return "_Orthogonal";
  }

  /** The orthogonal matrix (or batch) that `X` parametrizes. */
  override forward(X: Tensor): Tensor {
    let [n, k] = X.shape.slice(-2);
    const transposed = n < k;
    if (transposed) {
      X = X.mT;
      [n, k] = [k, n];
    }
    let Q: Tensor;
    if (this.orthogonalMap === "matrix_exp" || this.orthogonalMap === "cayley") {
      X = X.tril();
      if (n !== k) {
        X = cat([X, zeros([...X.shape.slice(0, -2), n, n - k], { dtype: X.dtype, device: X.device })], -1);
      }
      const A = X.sub(X.mT);
      if (this.orthogonalMap === "matrix_exp") Q = matrixExp(A);
      else {
        const I = eye(n, { dtype: A.dtype, device: A.device });
        Q = solve(I.sub(A.mul(0.5)), I.add(A.mul(0.5)));
      }
      if (n !== k) Q = Q.narrow(-1, 0, k);
    } else {
      const A = X.tril(-1);
      const tau = A.mul(A).sum(-2).add(1).reciprocal().mul(2);
      Q = householderProduct(A, tau);
      // The diagonal of X holds ±1 and is not differentiated (PyTorch casts it to int).
      Q = Q.mul(X.detach().diagonal(0, -2, -1).trunc().unsqueeze(-2));
    }
    const base = this._buffers.get("base");
    if (this._buffers.has("base")) {
      if (!(base instanceof Tensor)) {
        throw new Error("Orthogonal: the buffer 'base' is not set (call rightInverse first)");
      }
      Q = base.matmul(Q);
    }
    return transposed ? Q.mT : Q;
  }

  /**
   * An unconstrained tensor that `forward` maps to the orthogonal `Q` (PyTorch's
   * `right_inverse`): with trivialization, `base` becomes `Q` (made orthogonal through QR when it
   * is not, completed with random columns when it is not square) and the result is `-I`; without,
   * the Householder map gives QR's reflectors (the other maps have no inverse: it throws
   * {@link NotImplementedError}).
   */
  rightInverse(Q: Tensor): Tensor {
    const op = "orthogonal.rightInverse";
    if (
      !(Q instanceof Tensor) || Q.ndim !== this.shape.length || Q.shape.some((s, i) => s !== this.shape[i])
    ) {
      throw new RangeError(
        `${op}: expected a matrix or batch of matrices of shape ${fmtShape(this.shape)}, got ${
          Q instanceof Tensor ? `a tensor of shape ${fmtShape(Q.shape)}` : typeof Q
        }`,
      );
    }
    return noGrad(() => {
      const QInit = Q;
      let [n, k] = Q.shape.slice(-2);
      const transpose = n < k;
      if (transpose) {
        Q = Q.mT;
        [n, k] = [k, n];
      }
      if (!this._buffers.has("base")) {
        if (this.orthogonalMap !== "householder") {
          throw new NotImplementedError(
            `${op}: it is not possible to assign to the matrix exponential or the Cayley parametrizations ` +
              "when useTrivialization is false",
          );
        }
        const [A, tau] = geqrf(op, Q);
        // diag(R) > 0 (Q = (-Q)(-I) is a QR too); a reflector LAPACK skipped (tau 0) flips it.
        const d = A.diagonal(0, -2, -1).sign().mul(where(tau.eq(0), -1, 1));
        const out = withDiagonal(A, d);
        return transpose ? out.mT : out;
      }
      if (n === k) {
        const I = eye(k, { dtype: Q.dtype, device: Q.device });
        const eps = 10 * n * (Q.dtype === "float64" ? 2.220446049250313e-16 : 1.1920928955078125e-7);
        // allclose(QᵀQ, I, atol: eps) without reading back: both candidates, chosen on the device.
        const isOrth = all(Q.mT.matmul(Q).sub(I).abs().le(I.abs().mul(1e-5).add(eps)));
        Q = where(isOrth, Q.clone(), makeOrthogonal(op, Q));
      } else {
        const N = randn([...Q.shape.slice(0, -2), n, n - k], { dtype: Q.dtype, device: Q.device });
        Q = makeOrthogonal(op, cat([Q, N], -1));
      }
      (this as unknown as Fields).base = Q;
      const negId = withDiagonal(
        zeros([...QInit.shape], { dtype: Q.dtype, device: Q.device }),
        zeros([...QInit.shape.slice(0, -2), Math.min(n, k)], { dtype: Q.dtype, device: Q.device }).sub(1),
      );
      return negId;
    });
  }
}

/** Options of {@link orthogonal}. */
export interface OrthogonalOptions {
  /** The parameter or buffer to parametrize (default "weight"). */
  name?: string;
  /** Default: "matrix_exp" for square matrices, "householder" otherwise. */
  orthogonalMap?: OrthogonalMap;
  /** Parametrize around `base` (the weight at registration), as PyTorch's default (true). */
  useTrivialization?: boolean;
}

/**
 * Keeps `module[name]` orthogonal (PyTorch 1.13's `nn.utils.parametrizations.orthogonal`): for a
 * matrix (or batch) `[..., n, k]`, columns orthonormal when n ≥ k, rows when n < k. The weight
 * is computed at each read from `parametrizations.weight.original` by `orthogonalMap`
 * ("matrix_exp", "cayley" or "householder"); with `useTrivialization` (the default) the current
 * weight, made orthogonal, becomes the buffer `parametrizations.weight.0.base` and the original
 * starts at `-I`. Returns the module.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { nn } from "../../mod.ts";
 * const m = nn.utils.parametrizations.orthogonal(new nn.Linear(4, 4));
 * assertEquals(Object.keys(m.stateDict()), ["bias", "parametrizations.weight.original", "parametrizations.weight.0.base"]);
 * const w = m.weight;
 * assertEquals(torch.allclose(w.mT.matmul(w), torch.eye(4), { atol: 1e-5 }), true);
 * ```
 */
export function orthogonal<M extends Module>(module: M, opts: OrthogonalOptions = {}): ParametrizedModule<M> {
  const op = "orthogonal";
  const name = opts.name ?? "weight";
  const weight = tensorOf(op, module, name);
  if (weight.ndim < 2) {
    throw new RangeError(
      `${op}: expected a matrix or batch of matrices, got a tensor of ${weight.ndim} dimensions`,
    );
  }
  const [n, k] = weight.shape.slice(-2);
  const map = opts.orthogonalMap ?? (n === k ? "matrix_exp" : "householder");
  if (!ORTHOGONAL_MAPS.includes(map)) {
    throw new TypeError(
      `${op}: orthogonalMap has to be one of "matrix_exp", "cayley", "householder", got ${
        JSON.stringify(map)
      }`,
    );
  }
  const orth = new Orthogonal(weight.shape, map, { useTrivialization: opts.useTrivialization ?? true });
  return registerParametrization(module, name, orth, { unsafe: true });
}

/**
 * The parametrization {@link spectralNorm} registers (PyTorch's `_SpectralNorm`): `weight / σ`,
 * σ the largest singular value of the weight viewed as a matrix with `dim`'s size rows, estimated
 * with the buffers `_u` and `_v` (updated by `nPowerIterations` steps at each call in training
 * mode, 15 at creation). A 1-d weight is normalized exactly.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { nn } from "../../mod.ts";
 * const w = torch.tensor([[3, 0], [0, 1]], { dtype: "float32" });
 * const sn = new nn.utils.parametrizations.SpectralNorm(w);
 * assertEquals(torch.allclose(sn(w), torch.tensor([[1, 0], [0, 1 / 3]])), true);
 * ```
 */
export class SpectralNorm extends Module {
  /** The dim of the output features (non-negative). */
  dim: number;
  /** The normalizations' smallest denominator. */
  eps: number;
  /** Power iterations per training call. */
  nPowerIterations: number;

  /** Creates the parametrization for `weight`; the arguments are described on the class. */
  constructor(weight: Tensor, nPowerIterations = 1, dim = 0, eps = 1e-12) {
    super();
    const op = "spectralNorm";
    if (!(weight instanceof Tensor) || !isFloating(weight.dtype)) {
      throw new TypeError(
        `${op}: expected a floating point weight, got ${
          weight instanceof Tensor ? weight.dtype : typeof weight
        }`,
      );
    }
    const ndim = weight.ndim;
    if (!Number.isInteger(dim) || dim >= ndim || dim < -ndim) {
      throw new RangeError(
        `${op}: dimension out of range (expected to be in range of [${-ndim}, ${ndim - 1}] but got ${dim})`,
      );
    }
    if (!Number.isInteger(nPowerIterations) || nPowerIterations <= 0) {
      throw new RangeError(
        `${op}: expected nPowerIterations to be positive, but got nPowerIterations=${nPowerIterations}`,
      );
    }
    this.dim = dim >= 0 ? dim : dim + ndim;
    this.eps = eps;
    this.nPowerIterations = nPowerIterations;
    if (ndim > 1) {
      noGrad(() => {
        const mat = this._toMatrix(weight);
        const [h, w] = mat.shape;
        const draw = (size: number) => normal_(empty([size], { dtype: mat.dtype, device: mat.device }), 0, 1);
        const u = draw(h), v = draw(w);
        this.registerBuffer("_u", normalize(u, { dim: 0, eps }));
        this.registerBuffer("_v", normalize(v, { dim: 0, eps }));
        this._powerMethod(mat, 15);
      });
    }
  }

  /** @internal PyTorch's class name, for the module's repr. */
  override _getName(): string {
    return "_SpectralNorm";
  }

  /** @internal The weight as a matrix, `dim` first. */
  _toMatrix(weight: Tensor): Tensor {
    const w = this.dim === 0
      ? weight
      : weight.permute([this.dim, ...[...Array(weight.ndim).keys()].filter((d) => d !== this.dim)]);
    return w.reshape([w.shape[0], -1]);
  }

  /** @internal `iterations` steps of the power method, updating `_u` and `_v` in place. */
  _powerMethod(mat: Tensor, iterations: number): void {
    const u = this._buffers.get("_u")!, v = this._buffers.get("_v")!;
    noGrad(() => {
      for (let i = 0; i < iterations; i++) {
        u.copy_(normalize(mat.matmul(v), { dim: 0, eps: this.eps }));
        v.copy_(normalize(mat.t().matmul(u), { dim: 0, eps: this.eps }));
      }
    });
  }

  /** The weight divided by its estimated spectral norm. */
  override forward(weight: Tensor): Tensor {
    if (weight.ndim === 1) return normalize(weight, { dim: 0, eps: this.eps });
    const mat = this._toMatrix(weight);
    if (this.training) this._powerMethod(mat, this.nPowerIterations);
    // Clones: later in-place updates of the buffers leave this call's backward alone.
    const u = this._buffers.get("_u")!.clone(), v = this._buffers.get("_v")!.clone();
    const sigma = u.dot(mat.matmul(v));
    return weight.div(sigma);
  }

  /** The identity: any weight is a valid starting point. */
  rightInverse(value: Tensor): Tensor {
    return value;
  }
}

/** Options of {@link spectralNorm}. */
export interface SpectralNormParametrizationOptions {
  /** The parameter or buffer to normalize (default "weight"). */
  name?: string;
  /** Power iterations per training call (default 1). */
  nPowerIterations?: number;
  /** The normalizations' smallest denominator (default 1e-12). */
  eps?: number;
  /** The dim of the output features (default 0; 1 for the ConvTranspose modules). */
  dim?: number;
}

/**
 * Spectral normalization as a parametrization (PyTorch 1.13's
 * `nn.utils.parametrizations.spectral_norm`): `module[name]` reads as `original / σ`, σ its
 * largest singular value estimated by power iteration with the buffers
 * `parametrizations.weight.0._u` and `_v` (drawn from the seeded stream as PyTorch draws them, then
 * 15 steps; one more step, or `nPowerIterations`, at each read in training mode, none in eval
 * mode). Returns the module.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { nn } from "../../mod.ts";
 * const fc = new nn.Linear(3, 2);
 * torch.noGrad(() => fc.weight.copy_(torch.tensor([[3, 0, 0], [0, 1, 0]])));
 * const m = nn.utils.parametrizations.spectralNorm(fc);
 * assertEquals(Object.keys(m.stateDict()), [
 *   "bias",
 *   "parametrizations.weight.original",
 *   "parametrizations.weight.0._u",
 *   "parametrizations.weight.0._v",
 * ]);
 * // the largest singular value, 3, is divided out
 * assertEquals(torch.allclose(m.weight, torch.tensor([[1, 0, 0], [0, 1 / 3, 0]]), { atol: 1e-5 }), true);
 * ```
 */
export function spectralNorm<M extends Module>(
  module: M,
  opts: SpectralNormParametrizationOptions = {},
): ParametrizedModule<M> {
  const name = opts.name ?? "weight";
  const weight = tensorOf("spectralNorm", module, name);
  const dim = opts.dim ?? (/^ConvTranspose[123]d$/.test(module.constructor.name) ? 1 : 0);
  const sn = new SpectralNorm(weight, opts.nPowerIterations ?? 1, dim, opts.eps ?? 1e-12);
  return registerParametrization(module, name, sn);
}
