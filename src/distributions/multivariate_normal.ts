/**
 * `MultivariateNormal(loc, { covarianceMatrix } | { precisionMatrix } | { scaleTril })` (PyTorch
 * 1.13's `torch.distributions.MultivariateNormal`), computed from the lower Cholesky factor of the
 * covariance as PyTorch: samples `loc + L ε`, the Mahalanobis term by a triangular solve, half the
 * log-determinant from L's diagonal.
 * @module
 */
import { Tensor } from "../tensor.ts";
import { batchMahalanobis, precisionToScaleTril, scaleTrilMatrix } from "./mvn_linalg.ts";
import { randn } from "../creation.ts";
import { broadcastShapes, fmtShape } from "../shape.ts";
import { matmul } from "../ops/matmul.ts";
import { squeeze, unsqueeze } from "../ops/movement.ts";
import { diagonal } from "../ops/rearrange.ts";
import { cholesky } from "../linalg/cholesky.ts";
import { type Constraint, lowerCholesky, positiveDefinite, realVector } from "./constraints.ts";
import { Distribution, type DistributionOptions } from "./distribution.ts";
import { isFloating } from "../dtype.ts";
import { inFrameOf } from "../memory.ts";
import { keep } from "../scope.ts";
import { asOp } from "../ops/naming.ts";

const LOG_2PI = Math.log(2 * Math.PI);

/** The matrix parameter of {@link MultivariateNormal}: exactly one of the three. */
export type MultivariateNormalParams =
  | { covarianceMatrix: Tensor; precisionMatrix?: undefined; scaleTril?: undefined }
  | { precisionMatrix: Tensor; covarianceMatrix?: undefined; scaleTril?: undefined }
  | { scaleTril: Tensor; covarianceMatrix?: undefined; precisionMatrix?: undefined };

/** The names of the matrix parameter (MultivariateNormal's and Wishart's). */
export const MATRIX_NAMES = ["covarianceMatrix", "precisionMatrix", "scaleTril"] as const;
/** One of {@link MATRIX_NAMES}. */
export type MatrixName = typeof MATRIX_NAMES[number];
/** PyTorch's names of the parameters, for its messages. */
const PY_NAMES: Record<MatrixName, string> = {
  covarianceMatrix: "covariance_matrix",
  precisionMatrix: "precision_matrix",
  scaleTril: "scale_tril",
};

/**
 * @internal The one matrix parameter given in `params` (`{ covarianceMatrix | precisionMatrix |
 * scaleTril }`) and its name, with PyTorch's errors for none or several, a non-tensor, or fewer
 * than two dims (`what(name)` is that message's subject, as each distribution words it).
 */
export function matrixParam(
  op: string,
  params: unknown,
  what: (name: MatrixName) => string,
): [MatrixName, Tensor] {
  if (params === null || typeof params !== "object") {
    throw new TypeError(
      `${op}: expected { covarianceMatrix }, { precisionMatrix } or { scaleTril }, got ${params}`,
    );
  }
  const p = params as Partial<Record<MatrixName, unknown>>;
  const given = MATRIX_NAMES.filter((k) => p[k] !== undefined && p[k] !== null);
  if (given.length !== 1) {
    throw new RangeError(
      `${op}: Exactly one of covariance_matrix or precision_matrix or scale_tril may be specified.`,
    );
  }
  const name = given[0], matrix = p[name];
  if (!(matrix instanceof Tensor)) {
    throw new TypeError(`${op}: ${name} must be a Tensor, got ${typeof matrix}`);
  }
  if (matrix.ndim < 2) {
    throw new RangeError(
      `${op}: ${what(name)} must be at least two-dimensional, with optional leading batch dimensions`,
    );
  }
  return [name, matrix];
}

/**
 * The multivariate normal (Gaussian) distribution of mean `loc` (`[..., n]`) and covariance given
 * by exactly one of `covarianceMatrix`, `precisionMatrix` (its inverse) or `scaleTril` (its
 * lower-triangular Cholesky factor with a positive diagonal), each `[..., n, n]`; batch dims
 * broadcast. Everything is computed from the Cholesky factor L, as PyTorch 1.13: after
 * `torch.manualSeed(s)`, `sample`/`rsample` (`loc + L ε`, `ε` from `randn`) give PyTorch's
 * samples on the CPU stream. Gradients reach `loc` and the matrix parameter.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const { MultivariateNormal } = torch.distributions;
 * const cov = torch.tensor([[2, 1], [1, 2]], { dtype: "float32" });
 * const m = new MultivariateNormal(torch.zeros(2), { covarianceMatrix: cov });
 * assertEquals([m.batchShape, m.eventShape], [[], [2]]);
 * const lp = m.logProb(torch.tensor([1, -1], { dtype: "float32" }));
 * assertEquals(Math.abs(lp.item() - -3.3871832) < 1e-5, true);
 * assertEquals(m.sample([5]).shape, [5, 2]);
 * ```
 */
export class MultivariateNormal extends Distribution {
  /** The mean, `batchShape + eventShape`. */
  readonly loc!: Tensor;
  /** @internal L as given or computed, without the batch expansion (PyTorch's `_unbroadcasted_scale_tril`). */
  readonly _unbroadcastedScaleTril!: Tensor;
  /** @internal Which matrix parameter was given. */
  readonly _param!: MatrixName;
  /** @internal The given matrix parameter, expanded to `batchShape + [n, n]`. */
  readonly _givenMatrix!: Tensor;
  /** @internal The matrices computed so far (and the given one), expanded. */
  _cache: Partial<Record<MatrixName, Tensor>> = {};

  /** `MultivariateNormal(loc, { covarianceMatrix | precisionMatrix | scaleTril })`; validates unless `validateArgs: false`. */
  constructor(loc: Tensor, params: MultivariateNormalParams, opts: DistributionOptions = {}) {
    const op = "MultivariateNormal";
    if (!(loc instanceof Tensor)) {
      throw new TypeError(`${op}: loc must be a Tensor, got ${loc === null ? "null" : typeof loc}`);
    }
    if (loc.ndim < 1) throw new RangeError(`${op}: loc must be at least one-dimensional.`);
    const [name, given0] = matrixParam(
      op,
      params,
      (n) => n === "scaleTril" ? "scale_tril matrix" : PY_NAMES[n],
    );
    // JavaScript cannot tell 1.0 from 1: integer tensors count as float32 (as `broadcastAll`).
    if (!isFloating(loc.dtype)) loc = loc.float();
    const matrix = isFloating(given0.dtype) ? given0 : given0.float();
    if (loc.dtype !== matrix.dtype) {
      throw new TypeError(`${op}: loc is ${loc.dtype} but ${name} is ${matrix.dtype}; expected one dtype`);
    }
    if (loc.device !== matrix.device) {
      throw new RangeError(
        `${op}: expected the parameters on one device, got ${loc.device} and ${matrix.device}`,
      );
    }
    const n = loc.shape[loc.ndim - 1];
    const [r, c] = matrix.shape.slice(-2);
    if (r !== c || r !== n) {
      throw new RangeError(
        `${op}: ${name} must be batches of ${n}x${n} matrices to match loc's event size ${n} (loc has shape ${
          fmtShape(loc.shape)
        }, ${name} has shape ${fmtShape(matrix.shape)})`,
      );
    }
    let batchShape: number[];
    try {
      batchShape = broadcastShapes(op, matrix.shape.slice(0, -2), loc.shape.slice(0, -1));
    } catch {
      throw new RangeError(
        `${op}: the batch shapes of loc (${fmtShape(loc.shape.slice(0, -1))}) and ${name} (${
          fmtShape(matrix.shape.slice(0, -2))
        }) do not broadcast`,
      );
    }
    super(batchShape, [n], opts);
    Object.assign(this, {
      loc: loc.expand([...batchShape, n]),
      _param: name,
      _givenMatrix: matrix.expand([...batchShape, n, n]),
    });
    this._cache[name] = this._givenMatrix;
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
    Object.assign(this, { _unbroadcastedScaleTril: L });
  }

  /** `{ loc: realVector, covarianceMatrix: positiveDefinite, precisionMatrix: positiveDefinite, scaleTril: lowerCholesky }`. */
  get argConstraints(): Record<string, Constraint> {
    return {
      loc: realVector,
      covarianceMatrix: positiveDefinite,
      precisionMatrix: positiveDefinite,
      scaleTril: lowerCholesky,
    };
  }
  /** @internal Only `loc` and the given matrix are checked (and printed). */
  override _given(name: string): boolean {
    return name === "loc" || name === this._param;
  }
  /** Real vectors. */
  override get support(): Constraint {
    return realVector;
  }
  /** True. */
  override get hasRsample(): boolean {
    return true;
  }

  /** @internal `batchShape + eventShape + eventShape`. */
  _matrixShape(): number[] {
    return [...this.batchShape, ...this.eventShape, ...this.eventShape];
  }

  /**
   * @internal The cached matrix `name`, else computed from L and expanded (PyTorch's lazy
   * properties), kept past the library call or scope that first reads it (the distribution holds it).
   */
  _lazy(name: MatrixName): Tensor {
    return this._cache[name] ??= keep(
      this._call(name, () => scaleTrilMatrix(name, this._unbroadcastedScaleTril).expand(this._matrixShape())),
    );
  }

  /** The lower Cholesky factor L of the covariance (`batchShape + [n, n]`). */
  get scaleTril(): Tensor {
    return this._lazy("scaleTril");
  }
  /** The covariance L Lᵀ (`batchShape + [n, n]`). */
  get covarianceMatrix(): Tensor {
    return this._lazy("covarianceMatrix");
  }
  /** The precision (L Lᵀ)⁻¹, PyTorch's `cholesky_inverse(L)` (`batchShape + [n, n]`). */
  get precisionMatrix(): Tensor {
    return this._lazy("precisionMatrix");
  }
  /** `loc`. */
  override get mean(): Tensor {
    return this.loc;
  }
  /** `loc`. */
  override get mode(): Tensor {
    return this.loc;
  }
  /** The diagonal of the covariance: the row sums of L² (`batchShape + eventShape`). */
  override get variance(): Tensor {
    return this._call(
      "variance",
      () => this._unbroadcastedScaleTril.pow(2).sum(-1).expand([...this.batchShape, ...this.eventShape]),
    );
  }

  /** `MultivariateNormal` with its parameters expanded to `batchShape` (views; not validated again). */
  expand(batchShape: readonly number[]): MultivariateNormal {
    return this._call("expand", () => {
      const shape = [...batchShape, ...this.eventShape, ...this.eventShape];
      const out = this._expanded<MultivariateNormal>(batchShape, {
        loc: this.loc.expand([...batchShape, ...this.eventShape]),
        _unbroadcastedScaleTril: this._unbroadcastedScaleTril,
        _param: this._param,
        _givenMatrix: this._givenMatrix.expand(shape),
      });
      // Its own cache: the matrices computed so far, expanded.
      out._cache = {};
      for (const k of MATRIX_NAMES) {
        const t = this._cache[k];
        if (t) out._cache[k] = t.expand(shape);
      }
      return out;
    });
  }

  /** A reparameterized sample `loc + L ε`, `ε` of shape `sampleShape + batchShape + eventShape` from `randn`. */
  override rsample(sampleShape: readonly number[] | number = []): Tensor {
    return this._call("rsample", () => {
      const shape = this.extendedShape(sampleShape);
      const eps = randn(shape, { dtype: this.loc.dtype, device: this.loc.device });
      const mv = squeeze(matmul(this._unbroadcastedScaleTril, unsqueeze(eps, -1)), -1);
      return this._out("rsample", this.loc.add(mv));
    });
  }

  /** `-(n log(2π) + M)/2 - Σ log diag(L)`, M the Mahalanobis distance of `value - loc` by a triangular solve. */
  override logProb(value: Tensor): Tensor {
    return this._call("logProb", () => {
      const checks = this._validateSample("logProb", value);
      const diff = value.sub(this.loc);
      const L = this._unbroadcastedScaleTril;
      const M = batchMahalanobis(L, diff);
      const halfLogDet = diagonal(L, 0, -2, -1).log().sum(-1);
      return this._out("logProb", M.add(this.eventShape[0] * LOG_2PI).mul(-0.5).sub(halfLogDet), checks);
    });
  }

  /** `n (1 + log(2π))/2 + Σ log diag(L)`, of shape `batchShape`. */
  override entropy(): Tensor {
    return this._call("entropy", () => {
      const halfLogDet = diagonal(this._unbroadcastedScaleTril, 0, -2, -1).log().sum(-1);
      const H = halfLogDet.add(0.5 * this.eventShape[0] * (1 + LOG_2PI));
      return this._out("entropy", this.batchShape.length === 0 ? H : H.expand(this.batchShape));
    });
  }
}
