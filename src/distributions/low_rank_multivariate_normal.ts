/**
 * `LowRankMultivariateNormal(loc, covFactor, covDiag)` (PyTorch 1.13's
 * `torch.distributions.LowRankMultivariateNormal`) and its KL divergences.
 * @module
 */
import { Tensor } from "../tensor.ts";
import { eye, randn } from "../creation.ts";
import { broadcastShapes } from "../shape.ts";
import { matmul } from "../ops/matmul.ts";
import { squeeze, transpose, unsqueeze } from "../ops/movement.ts";
import { cholesky } from "../linalg/cholesky.ts";
import { solveTriangular } from "../linalg/triangular.ts";
import { type Constraint, independent, positive, real, realVector } from "./constraints.ts";
import { Distribution, type DistributionOptions } from "./distribution.ts";
import { lowRankLogdet, lowRankMahalanobis } from "./low_rank_linalg.ts";
import { fmtSize } from "./utils.ts";

const mT = (x: Tensor) => transpose(x, -2, -1);

/** A batch of diagonal matrices with `d` on the diagonal (`torch.diag_embed`). */
function diagEmbed(d: Tensor): Tensor {
  const n = d.shape[d.ndim - 1];
  return unsqueeze(d, -1).mul(eye(n, { dtype: d.dtype, device: d.device }));
}

/** The Cholesky factor of `I + Wᵀ D⁻¹ W` (PyTorch's `_batch_capacitance_tril`). */
function capacitanceTril(W: Tensor, D: Tensor): Tensor {
  const m = W.shape[W.ndim - 1];
  const K = matmul(mT(W).div(unsqueeze(D, -2)), W).add(eye(m, { dtype: W.dtype, device: W.device }));
  return cholesky(K);
}

/**
 * A multivariate normal whose covariance is low rank plus diagonal, `W Wᵀ + diag(D)`
 * (`covFactor` W of shape `[..., n, m]`, `covDiag` D of `[..., n]`): log-densities and samples
 * cost O(n m²) instead of O(n³) (Woodbury and the determinant lemma). `rsample` is
 * `loc + W ε_W + √D ε_D` with `ε_W` then `ε_D` from `randn`, so seeded samples are PyTorch's.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const d = new torch.distributions.LowRankMultivariateNormal(
 *   torch.zeros(3), torch.tensor([[1], [0], [1]], { dtype: "float32" }), torch.ones(3),
 * );
 * assertEquals(d.covarianceMatrix.toArray(), [[2, 0, 1], [0, 1, 0], [1, 0, 2]]);
 * assertEquals(d.rsample([4]).shape, [4, 3]);
 * ```
 */
export class LowRankMultivariateNormal extends Distribution {
  /** The mean (`batchShape + [n]`). */
  readonly loc!: Tensor;
  /** The factor W (`batchShape + [n, m]`). */
  readonly covFactor!: Tensor;
  /** The diagonal D (`batchShape + [n]`). */
  readonly covDiag!: Tensor;
  /** @internal W as given. */
  readonly _unbroadcastedCovFactor!: Tensor;
  /** @internal D as given. */
  readonly _unbroadcastedCovDiag!: Tensor;
  /** @internal The Cholesky factor of the capacitance `I + Wᵀ D⁻¹ W`. */
  readonly _capacitanceTril!: Tensor;

  /** `LowRankMultivariateNormal(loc, covFactor, covDiag)`. */
  constructor(loc: Tensor, covFactor: Tensor, covDiag: Tensor, opts: DistributionOptions = {}) {
    const op = "LowRankMultivariateNormal";
    for (const [name, t] of [["loc", loc], ["covFactor", covFactor], ["covDiag", covDiag]] as const) {
      if (!(t instanceof Tensor)) throw new TypeError(`${op}: ${name} must be a Tensor, got ${typeof t}`);
    }
    if (loc.ndim < 1) throw new RangeError(`${op}: loc must be at least one-dimensional`);
    const n = loc.shape[loc.ndim - 1];
    if (covFactor.ndim < 2) {
      throw new RangeError(
        `${op}: cov_factor must be at least two-dimensional, with optional leading batch dimensions`,
      );
    }
    if (covFactor.shape[covFactor.ndim - 2] !== n) {
      throw new RangeError(`${op}: cov_factor must be a batch of matrices with shape ${n} x m`);
    }
    if (covDiag.ndim < 1 || covDiag.shape[covDiag.ndim - 1] !== n) {
      throw new RangeError(`${op}: cov_diag must be a batch of vectors with shape ${fmtSize([n])}`);
    }
    const m = covFactor.shape[covFactor.ndim - 1];
    let full: number[];
    try {
      full = broadcastShapes(op, broadcastShapes(op, [...loc.shape, 1], covFactor.shape), [
        ...covDiag.shape,
        1,
      ]);
    } catch {
      throw new RangeError(
        `${op}: incompatible batch shapes: loc ${fmtSize(loc.shape)}, cov_factor ${
          fmtSize(covFactor.shape)
        }, cov_diag ${fmtSize(covDiag.shape)}`,
      );
    }
    const batchShape = full.slice(0, -2);
    super(batchShape, [n], opts);
    const capTril = this._call("constructor", () => capacitanceTril(covFactor, covDiag));
    Object.assign(this, {
      loc: loc.expand([...batchShape, n]),
      covFactor: covFactor.expand([...batchShape, n, m]),
      covDiag: covDiag.expand([...batchShape, n]),
      _unbroadcastedCovFactor: covFactor,
      _unbroadcastedCovDiag: covDiag,
      _capacitanceTril: capTril,
    });
    this._checkParams();
  }

  /** `{ loc: realVector, covFactor: independent(real, 2), covDiag: independent(positive, 1) }`. */
  get argConstraints(): Record<string, Constraint> {
    return { loc: realVector, covFactor: independent(real, 2), covDiag: independent(positive, 1) };
  }
  /** Real vectors. */
  override get support(): Constraint {
    return realVector;
  }
  /** True. */
  override get hasRsample(): boolean {
    return true;
  }
  /** `loc`. */
  override get mean(): Tensor {
    return this.loc;
  }
  /** `loc`. */
  override get mode(): Tensor {
    return this.loc;
  }
  /** `Σ_j W_ij² + D_i`. */
  override get variance(): Tensor {
    return this._call(
      "variance",
      () =>
        this._unbroadcastedCovFactor.pow(2).sum(-1).add(this._unbroadcastedCovDiag).expand([
          ...this.batchShape,
          ...this.eventShape,
        ]),
    );
  }
  /** `W Wᵀ + diag(D)`. */
  get covarianceMatrix(): Tensor {
    return this._call("covarianceMatrix", () => {
      const W = this._unbroadcastedCovFactor;
      const n = this.eventShape[0];
      return matmul(W, mT(W)).add(diagEmbed(this._unbroadcastedCovDiag)).expand([...this.batchShape, n, n]);
    });
  }
  /** `(W Wᵀ + D)⁻¹` by Woodbury. */
  get precisionMatrix(): Tensor {
    return this._call("precisionMatrix", () => {
      const W = this._unbroadcastedCovFactor, D = this._unbroadcastedCovDiag;
      const A = solveTriangular(this._capacitanceTril, mT(W).div(unsqueeze(D, -2)), { upper: false });
      const n = this.eventShape[0];
      return diagEmbed(D.reciprocal()).sub(matmul(mT(A), A)).expand([...this.batchShape, n, n]);
    });
  }
  /** The lower Cholesky factor of the covariance, `√D · chol(I + D^-1/2 W Wᵀ D^-1/2)`. */
  get scaleTril(): Tensor {
    return this._call("scaleTril", () => {
      const n = this.eventShape[0];
      const sqrtD = unsqueeze(this._unbroadcastedCovDiag.sqrt(), -1);
      const dw = this._unbroadcastedCovFactor.div(sqrtD);
      const K = matmul(dw, mT(dw)).add(eye(n, { dtype: dw.dtype, device: dw.device }));
      return sqrtD.mul(cholesky(K)).expand([...this.batchShape, n, n]);
    });
  }

  /** With its parameters expanded to `batchShape`. */
  expand(batchShape: readonly number[]): LowRankMultivariateNormal {
    return this._call("expand", () => {
      const locShape = [...batchShape, ...this.eventShape];
      return this._expanded<LowRankMultivariateNormal>(batchShape, {
        loc: this.loc.expand(locShape),
        covDiag: this.covDiag.expand(locShape),
        covFactor: this.covFactor.expand([...locShape, this.covFactor.shape[this.covFactor.ndim - 1]]),
        _unbroadcastedCovFactor: this._unbroadcastedCovFactor,
        _unbroadcastedCovDiag: this._unbroadcastedCovDiag,
        _capacitanceTril: this._capacitanceTril,
      });
    });
  }

  /** `loc + W ε_W + √D ε_D` (`ε_W` of shape `sampleShape + batchShape + [m]` drawn first, as PyTorch). */
  override rsample(sampleShape: readonly number[] | number = []): Tensor {
    return this._call("rsample", () => {
      const shape = this.extendedShape(sampleShape);
      const m = this.covFactor.shape[this.covFactor.ndim - 1];
      const opts = { dtype: this.loc.dtype, device: this.loc.device };
      const epsW = randn([...shape.slice(0, -1), m], opts);
      const epsD = randn(shape, opts);
      const out = this.loc.add(squeeze(matmul(this._unbroadcastedCovFactor, unsqueeze(epsW, -1)), -1))
        .add(this._unbroadcastedCovDiag.sqrt().mul(epsD));
      return this._out("rsample", out);
    });
  }

  /** `-(n log 2π + log det Σ + Mahalanobis)/2`. */
  override logProb(value: Tensor): Tensor {
    return this._call("logProb", () => {
      const checks = this._validateSample("logProb", value);
      const W = this._unbroadcastedCovFactor, D = this._unbroadcastedCovDiag;
      const M = lowRankMahalanobis(W, D, value.sub(this.loc), this._capacitanceTril);
      const logDet = lowRankLogdet(D, this._capacitanceTril);
      return this._out(
        "logProb",
        M.add(logDet).add(this.eventShape[0] * Math.log(2 * Math.PI)).mul(-0.5),
        checks,
      );
    });
  }

  /** `(n(1 + log 2π) + log det Σ)/2`. */
  override entropy(): Tensor {
    return this._call("entropy", () => {
      const logDet = lowRankLogdet(this._unbroadcastedCovDiag, this._capacitanceTril);
      const h = logDet.add(this.eventShape[0] * (1 + Math.log(2 * Math.PI))).mul(0.5);
      return this._out("entropy", this.batchShape.length === 0 ? h : h.expand(this.batchShape));
    });
  }
}
