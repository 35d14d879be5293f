/**
 * `Wishart(df, { covarianceMatrix } | { precisionMatrix } | { scaleTril })` (PyTorch 1.13's
 * `torch.distributions.Wishart`): the distribution of `Σ_k x_k x_kᵀ` over `df` normal vectors of
 * covariance Σ, computed from the lower Cholesky factor L of Σ as PyTorch.
 * @module
 */
import { Tensor } from "../tensor.ts";
import { arange, randn, tensor } from "../creation.ts";
import { broadcastShapes, fmtShape, numelOf } from "../shape.ts";
import { isFloating } from "../dtype.ts";
import { noGrad } from "../autograd/grad_mode.ts";
import { inFrameOf } from "../memory.ts";
import { keep } from "../scope.ts";
import { asOp } from "../ops/naming.ts";
import { matmul } from "../ops/matmul.ts";
import { stack } from "../ops/indexing.ts";
import { transpose } from "../ops/movement.ts";
import { diagEmbed } from "../ops/region_scatter.ts";
import { cholesky } from "../linalg/cholesky.ts";
import { choleskySolve } from "../linalg/cholesky_solve.ts";
import { slogdet } from "../linalg/solve.ts";
import { digamma, mvlgamma } from "../special/gamma.ts";
import { type Constraint, lowerCholesky, positiveDefinite } from "./constraints.ts";
import { greaterThan } from "./constraints_more.ts";
import { Distribution, type DistributionOptions } from "./distribution.ts";
import { Chi2 } from "./gamma.ts";
import { precisionToScaleTril, scaleTrilMatrix } from "./mvn_linalg.ts";
import { vecToTrilMatrix } from "./tril_vec.ts";
import { finfoEps, fmtTensor, sampleShapeArg } from "./utils.ts";
import { MATRIX_NAMES, type MatrixName, matrixParam } from "./multivariate_normal.ts";

/**
 * The matrix parameter of {@link Wishart}: exactly one of the three.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const params: torch.distributions.WishartParams = { scaleTril: torch.tensor([[1, 0], [0.5, 2]]) };
 * const m = new torch.distributions.Wishart(3, params);
 * assertEquals(m.covarianceMatrix.toArray(), [[1, 0.5], [0.5, 4.25]]);
 * ```
 */
export type WishartParams =
  | { covarianceMatrix: Tensor; precisionMatrix?: undefined; scaleTril?: undefined }
  | { precisionMatrix: Tensor; covarianceMatrix?: undefined; scaleTril?: undefined }
  | { scaleTril: Tensor; covarianceMatrix?: undefined; precisionMatrix?: undefined };

/**
 * Options of {@link Wishart.rsample}.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const m = new torch.distributions.Wishart(3, { covarianceMatrix: torch.eye(2) });
 * const opts: torch.distributions.WishartRsampleOptions = { maxTryCorrection: 3 };
 * assertEquals(m.rsample([4], opts).shape, [4, 2, 2]);
 * ```
 */
export interface WishartRsampleOptions {
  /** How many times to redraw singular samples (PyTorch's `max_try_correction`, default 10). */
  maxTryCorrection?: number;
}

const LOG_2 = Math.LN2;
const mT = (x: Tensor) => transpose(x, -2, -1);

/** PyTorch's `_mvdigamma(x, p)`: `Σ_{i<p} digamma(x - i/2)`. */
function mvdigamma(x: Tensor, p: number): Tensor {
  return digamma(x.unsqueeze(-1).sub(arange(p, { dtype: x.dtype, device: x.device }).div(2))).sum(-1);
}

/**
 * The Wishart distribution over symmetric positive-definite `p x p` matrices with `df` degrees of
 * freedom (`df > p - 1`, a number or a tensor broadcast with the matrix's batch dims) and scale Σ
 * given by exactly one of `covarianceMatrix`, `precisionMatrix` (Σ⁻¹) or `scaleTril` (the
 * Cholesky factor L of Σ). `sample`/`rsample` are PyTorch 1.13's Bartlett decomposition
 * `(L A)(L A)ᵀ`, A lower triangular with `sqrt(Chi2(df - i))` on the diagonal and `randn` below,
 * drawn in PyTorch's order: after the same seed they give PyTorch's samples, including 1.13's
 * redraw (its singularity test is inverted, so every draw is made twice and the second kept;
 * PyTorch also warns "Singular sample detected.", and for `df < p` that singular samples are
 * likely, warnings edgetorch does not print). `rsample` is
 * differentiable in `df` and the matrix (in PyTorch 1.13 backpropagating a batched rsample
 * fails; here it works). Parameters must be on the CPU to sample (the chi-squared draws read
 * them on the host, as Gamma's); the other members run on both devices.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const { Wishart } = torch.distributions;
 * const m = new Wishart(4, { covarianceMatrix: torch.tensor([[2, 1], [1, 2]]) });
 * assertEquals(m.mean.toArray(), [[8, 4], [4, 8]]);
 * torch.manualSeed(0);
 * const S = m.sample([3]); // three 2 x 2 SPD matrices
 * assertEquals(S.shape, [3, 2, 2]);
 * assertEquals(m.logProb(S).shape, [3]);
 * ```
 */
export class Wishart extends Distribution {
  /** The degrees of freedom, `batchShape`. */
  readonly df!: Tensor;
  /** @internal L as given or computed, without the batch expansion (PyTorch's `_unbroadcasted_scale_tril`). */
  readonly _unbroadcastedScaleTril!: Tensor;
  /** @internal Which matrix parameter was given. */
  readonly _param!: MatrixName;
  /** @internal The matrices computed so far (and the given one), expanded to `batchShape + [p, p]`. */
  _cache: Partial<Record<MatrixName, Tensor>> = {};
  /** @internal `Chi2(df - i)`, `i < p`, for the Bartlett diagonal (`batchShape + [p]`). */
  readonly _chi2!: Chi2;

  /** `Wishart(df, { covarianceMatrix | precisionMatrix | scaleTril })`; validates unless `validateArgs: false`. */
  constructor(df: Tensor | number, params: WishartParams, opts: DistributionOptions = {}) {
    const op = "Wishart";
    const [name, given0] = matrixParam(op, params, () => "scale_tril"); // PyTorch's wording for any of the three
    // JavaScript cannot tell 1.0 from 1: integer tensors count as float32 (as `broadcastAll`).
    const matrix = isFloating(given0.dtype) ? given0 : given0.float();
    const [r, p] = matrix.shape.slice(-2);
    if (r !== p) {
      throw new RangeError(
        `${op}: ${name} must be batches of square matrices, got shape ${fmtShape(matrix.shape)}`,
      );
    }
    const matrixBatch = matrix.shape.slice(0, -2);
    let batchShape: number[], dfT: Tensor;
    if (typeof df === "number") {
      batchShape = matrixBatch;
      dfT = tensor(df, { dtype: matrix.dtype, device: matrix.device });
    } else if (df instanceof Tensor) {
      const d = isFloating(df.dtype) ? df : df.float();
      if (d.dtype !== matrix.dtype) {
        throw new TypeError(`${op}: df is ${d.dtype} but ${name} is ${matrix.dtype}; expected one dtype`);
      }
      if (d.device !== matrix.device) {
        throw new RangeError(
          `${op}: expected the parameters on one device, got ${d.device} and ${matrix.device}`,
        );
      }
      try {
        batchShape = broadcastShapes(op, matrixBatch, d.shape);
      } catch {
        throw new RangeError(
          `${op}: the batch shapes of ${name} (${fmtShape(matrixBatch)}) and df (${
            fmtShape(d.shape)
          }) do not broadcast`,
        );
      }
      dfT = d.expand(batchShape);
    } else {
      throw new TypeError(`${op}: df must be a number or a Tensor, got ${df === null ? "null" : typeof df}`);
    }
    const dfMessage = `${op}: Value of df=${typeof df === "number" ? fmtNumber(df) : fmtTensor(df)} ` +
      `expected to be greater than ndim - 1 = ${p - 1}.`;
    // A number is checked here on every device; a tensor on the GPU with the other device checks.
    if (typeof df === "number" && !(df > p - 1)) throw new RangeError(dfMessage);
    const dfValid = inFrameOf(() => {
      const ok = dfT.gt(p - 1).all();
      if (dfT.device !== "cpu") return ok.float();
      if (!ok.item()) throw new RangeError(dfMessage);
      return null;
    });
    super(batchShape, [p, p], opts);
    if (dfValid !== null) this._deviceChecks.push({ valid: dfValid, message: dfMessage });
    Object.assign(this, { df: dfT, _param: name });
    this._cache[name] = matrix.expand([...batchShape, p, p]);
    this._checkParams();
    const L = inFrameOf(() =>
      asOp(
        op,
        () =>
          name === "scaleTril"
            ? matrix
            : name === "covarianceMatrix"
            ? cholesky(matrix)
            : precisionToScaleTril(matrix),
      )
    );
    Object.assign(this, { _unbroadcastedScaleTril: L, _chi2: this._makeChi2(dfT, batchShape) });
  }

  /** @internal `Chi2(df.unsqueeze(-1) - arange(p))`. */
  _makeChi2(df: Tensor, batchShape: readonly number[]): Chi2 {
    const p = this.eventShape[1];
    const offsets = arange(p, { dtype: df.dtype, device: df.device }).expand([...batchShape, p]);
    return new Chi2(df.unsqueeze(-1).sub(offsets), { validateArgs: false });
  }

  /** The constraints; `df` must exceed `p - 1`. */
  get argConstraints(): Record<string, Constraint> {
    return {
      covarianceMatrix: positiveDefinite,
      precisionMatrix: positiveDefinite,
      scaleTril: lowerCholesky,
      df: greaterThan(this.eventShape[1] - 1),
    };
  }
  /** @internal Only `df` and the given matrix are checked (and printed). */
  override _given(name: string): boolean {
    return name === "df" || name === this._param;
  }
  /** The covariance Σ = L Lᵀ (`batchShape + [p, p]`). */
  get covarianceMatrix(): Tensor {
    return this._lazy("covarianceMatrix");
  }
  /** The precision Σ⁻¹, PyTorch's `cholesky_solve(I, L)` (`batchShape + [p, p]`). */
  get precisionMatrix(): Tensor {
    return this._lazy("precisionMatrix");
  }
  /** The lower Cholesky factor L of Σ (`batchShape + [p, p]`). */
  get scaleTril(): Tensor {
    return this._lazy("scaleTril");
  }
  /** Symmetric positive-definite matrices. */
  override get support(): Constraint {
    return positiveDefinite;
  }
  /** True. */
  override get hasRsample(): boolean {
    return true;
  }

  /**
   * @internal The cached matrix `name`, else computed from L and expanded (PyTorch's lazy
   * properties), kept past the library call or scope that first reads it (the distribution holds it).
   */
  _lazy(name: MatrixName): Tensor {
    return this._cache[name] ??= keep(
      this._call(
        name,
        () =>
          scaleTrilMatrix(name, this._unbroadcastedScaleTril).expand([
            ...this.batchShape,
            ...this.eventShape,
          ]),
      ),
    );
  }
  /** @internal `df` viewed as `batchShape + [1, 1]`. */
  _dfMatrix(): Tensor {
    return this.df.reshape([...this.batchShape, 1, 1]);
  }

  /** `df · Σ`. */
  override get mean(): Tensor {
    return this._call("mean", () => this._out("mean", this._dfMatrix().mul(this.covarianceMatrix)));
  }
  /** `(df - p - 1) · Σ`, NaN where `df <= p + 1` (as PyTorch). */
  override get mode(): Tensor {
    return this._call("mode", () => {
      const factor = this._dfMatrix().sub(this.eventShape[1]).sub(1);
      const nanWhereNonPositive = factor.where(factor.gt(0), NaN);
      return this._out("mode", nanWhereNonPositive.mul(this.covarianceMatrix));
    });
  }
  /** `df · (Σ_ij² + Σ_ii Σ_jj)`. */
  override get variance(): Tensor {
    return this._call("variance", () => {
      const V = this.covarianceMatrix;
      const d = V.diagonal(0, -2, -1);
      return this._out("variance", this._dfMatrix().mul(V.pow(2).add(d.unsqueeze(-1).mul(d.unsqueeze(-2)))));
    });
  }

  /** `Wishart` with its parameters expanded to `batchShape` (views; not validated again). */
  expand(batchShape: readonly number[]): Wishart {
    return this._call("expand", () => {
      const shape = [...batchShape, ...this.eventShape];
      const df = this.df.expand([...batchShape]);
      const out = this._expanded<Wishart>(batchShape, {
        df,
        _unbroadcastedScaleTril: this._unbroadcastedScaleTril,
        _param: this._param,
      });
      out._cache = {};
      for (const k of MATRIX_NAMES) {
        const t = this._cache[k];
        if (t) out._cache[k] = t.expand(shape);
      }
      Object.assign(out, { _chi2: out._makeChi2(df, batchShape) });
      return out;
    });
  }

  /** @internal One Bartlett draw of shape `sampleShape + batchShape + [p, p]` (PyTorch's `_bartlett_sampling`). */
  _bartlett(sampleShape: readonly number[]): Tensor {
    const p = this.eventShape[1];
    const L = this._unbroadcastedScaleTril;
    const eps = finfoEps(L.dtype);
    const diag = this._chi2.rsample(sampleShape).sqrt().clamp(eps, null);
    const below = randn([...sampleShape, ...this.batchShape, (p * (p - 1)) / 2], {
      dtype: L.dtype,
      device: L.device,
    });
    const noise = diagEmbed(diag).add(vecToTrilMatrix(below, -1));
    const chol = matmul(L, noise);
    return matmul(chol, mT(chol));
  }

  /**
   * A reparameterized sample of shape `sampleShape + batchShape + [p, p]`, by the Bartlett
   * decomposition, with PyTorch 1.13's redraws (up to `maxTryCorrection` times).
   */
  override rsample(sampleShape: readonly number[] | number = [], opts: WishartRsampleOptions = {}): Tensor {
    return this._call("rsample", () => {
      const maxTry = opts.maxTryCorrection ?? 10;
      if (!Number.isInteger(maxTry) || maxTry < 0) {
        throw new RangeError(
          `Wishart.rsample: maxTryCorrection must be a non-negative integer, got ${maxTry}`,
        );
      }
      const shape = sampleShapeArg("Wishart.rsample", sampleShape);
      const n = numelOf(shape), inner = [...this.batchShape, ...this.eventShape];
      const first = this._bartlett(shape);
      if (n === 0) return first;
      const rows = first.reshape([n, ...inner]);
      const slots: Tensor[] = [];
      for (let i = 0; i < n; i++) slots.push(rows.select(0, i));
      // PyTorch 1.13 takes `support.check(sample)` (positive-definite) for "singular", any over the batch.
      let redraw = this._perSample(positiveDefinite.check(first), n);
      if (redraw.some((b) => b)) {
        for (let t = 0; t < maxTry; t++) {
          const at = redraw.flatMap((b, i) => b ? [i] : []);
          const fresh = this._bartlett([at.length]);
          at.forEach((i, k) => slots[i] = fresh.select(0, k));
          const singular = this._perSample(positiveDefinite.check(fresh).logicalNot(), at.length);
          redraw = redraw.map(() => false);
          at.forEach((i, k) => redraw[i] = singular[k]);
          if (!redraw.some((b) => b)) break;
        }
      }
      return this._out("rsample", stack(slots).reshape([...shape, ...inner]));
    });
  }

  /** {@link rsample} without gradients. */
  override sample(sampleShape: readonly number[] | number = []): Tensor {
    return this._call("sample", () => noGrad(() => this.rsample(sampleShape)));
  }

  /** @internal Per sample (of `n`), whether `flags` (`[n?, ...batchShape]`) has any true over the batch. */
  _perSample(flags: Tensor, n: number): boolean[] {
    return flags.reshape([n, -1]).any(-1).toArray() as boolean[];
  }

  /**
   * `-df(p log 2/2 + Σ log diag L) - mvlgamma(df/2, p) + (df - p - 1)/2 · log|det X| - tr(Σ⁻¹X)/2`.
   */
  override logProb(value: Tensor): Tensor {
    return this._call("logProb", () => {
      const checks = this._validateSample("logProb", value);
      const nu = this._out("logProb", this.df), p = this.eventShape[1];
      const L = this._unbroadcastedScaleTril;
      const logDiag = L.diagonal(0, -2, -1).log().sum(-1);
      const out = nu.mul(logDiag.add(p * LOG_2 / 2)).neg()
        .sub(mvlgamma(nu.div(2), p))
        .add(nu.sub(p).sub(1).div(2).mul(slogdet(value).logabsdet))
        .sub(choleskySolve(value, L).diagonal(0, -2, -1).sum(-1).div(2));
      return this._out("logProb", out, checks);
    });
  }

  /** `(p + 1)(p log 2/2 + Σ log diag L) + mvlgamma(df/2, p) - (df - p - 1)/2 · mvdigamma(df/2, p) + df·p/2`. */
  override entropy(): Tensor {
    return this._call("entropy", () => {
      const nu = this._out("entropy", this.df), p = this.eventShape[1];
      const logDiag = this._unbroadcastedScaleTril.diagonal(0, -2, -1).log().sum(-1);
      const out = logDiag.add(p * LOG_2 / 2).mul(p + 1)
        .add(mvlgamma(nu.div(2), p))
        .sub(nu.sub(p).sub(1).div(2).mul(mvdigamma(nu.div(2), p)))
        .add(nu.mul(p).div(2));
      return this._out("entropy", out);
    });
  }
}

/** A number as Python prints a float (`1.0`, `2.5`). */
function fmtNumber(v: number): string {
  return Number.isInteger(v) ? v.toFixed(1) : String(v);
}
