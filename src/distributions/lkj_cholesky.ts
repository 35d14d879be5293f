/**
 * `LKJCholesky(dim, concentration)` (PyTorch 1.13's `torch.distributions.LKJCholesky`): the LKJ
 * distribution over the lower Cholesky factors of correlation matrices.
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { arange, randn, zeros } from "../creation.ts";
import { noGrad } from "../autograd/grad_mode.ts";
import { cat } from "../ops/indexing.ts";
import { diagEmbed } from "../ops/region_scatter.ts";
import { lgamma, mvlgamma } from "../special/gamma.ts";
import { type Constraint, positive } from "./constraints.ts";
import { corrCholesky } from "./constraints_corr.ts";
import { Beta } from "./dirichlet.ts";
import { Distribution, type DistributionOptions } from "./distribution.ts";
import { broadcastAll, finfoTiny } from "./utils.ts";

/**
 * The LKJ distribution over the lower Cholesky factors `L` of `dim x dim` correlation matrices:
 * the density of `M = L Lᵀ` is proportional to `det(M)^(concentration - 1)` (uniform over
 * correlation matrices at `concentration` 1). `sample` is PyTorch 1.13's onion method, drawn from
 * the same Beta sampler and `randn` stream, so a seeded program gets PyTorch's samples (to the
 * last bit or two of the normalisation); the parameters must be on the CPU to sample, as for
 * Beta. There is no `rsample` (as in PyTorch). `logProb` is differentiable in the concentration
 * and the value and runs on both devices.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const m = new torch.distributions.LKJCholesky(3, 0.5);
 * torch.manualSeed(0);
 * const L = m.sample(); // L @ L.T is a 3 x 3 correlation matrix
 * assertEquals(L.shape, [3, 3]);
 * assertEquals(torch.distributions.constraints.corrCholesky.check(L).item(), true);
 * assertEquals(m.logProb(L).shape, []);
 * ```
 */
export class LKJCholesky extends Distribution {
  /** The size of the matrices. */
  readonly dim!: number;
  /** The concentration η (`batchShape`). */
  readonly concentration!: Tensor;
  /** @internal The Beta marginals of the onion method (`batchShape + [dim]`). */
  readonly _beta!: Beta;

  /** `LKJCholesky(dim, concentration = 1)`; validates `concentration > 0` unless `validateArgs: false`. */
  constructor(dim: number, concentration: Tensor | number = 1, opts: DistributionOptions = {}) {
    if (typeof dim !== "number" || !Number.isInteger(dim) || dim < 2) {
      throw new RangeError(
        `LKJCholesky: Expected dim to be an integer greater than or equal to 2. Found dim=${String(dim)}.`,
      );
    }
    const [c] = broadcastAll("LKJCholesky", ["concentration"], [concentration]);
    super(c.shape, [dim, dim], opts);
    Object.assign(this, { dim, concentration: c });
    this._checkParams();
    // Sec. 3.2 of Lewandowski, Kurowicka and Joe (2009), vectorized as PyTorch: row i's squared
    // norm below the diagonal is Beta(offset_i + 1/2, η + (dim - 2)/2 - offset_i/2).
    const offset = cat([
      zeros([1], { dtype: c.dtype, device: c.device }),
      arange(dim - 1, { dtype: c.dtype, device: c.device }),
    ]);
    const marginal = c.add(0.5 * (dim - 2));
    const beta = new Beta(offset.add(0.5), marginal.unsqueeze(-1).sub(offset.mul(0.5)), {
      validateArgs: false,
    });
    Object.assign(this, { _beta: beta });
  }

  /** `{ concentration: positive }`. */
  get argConstraints(): Record<string, Constraint> {
    return { concentration: positive };
  }
  /** The Cholesky factors of correlation matrices. */
  override get support(): Constraint {
    return corrCholesky;
  }
  /** Throws: PyTorch's LKJCholesky has no mean. */
  override get mean(): Tensor {
    throw new TypeError("LKJCholesky.mean: LKJCholesky has no mean (NotImplementedError in PyTorch)");
  }
  /** Throws: PyTorch's LKJCholesky has no mode. */
  override get mode(): Tensor {
    throw new TypeError("LKJCholesky.mode: LKJCholesky has no mode (NotImplementedError in PyTorch)");
  }
  /** Throws: PyTorch's LKJCholesky has no variance. */
  override get variance(): Tensor {
    throw new TypeError("LKJCholesky.variance: LKJCholesky has no variance (NotImplementedError in PyTorch)");
  }
  /** Throws: PyTorch's LKJCholesky has no entropy. */
  override entropy(): Tensor {
    throw new TypeError("LKJCholesky.entropy: LKJCholesky has no entropy (NotImplementedError in PyTorch)");
  }

  /** `LKJCholesky` with the concentration expanded to `batchShape`. */
  expand(batchShape: readonly number[]): LKJCholesky {
    return this._call("expand", () =>
      this._expanded<LKJCholesky>(batchShape, {
        dim: this.dim,
        concentration: this.concentration.expand([...batchShape]),
        _beta: this._beta.expand([...batchShape, this.dim]),
      }));
  }

  /**
   * The onion method: the squared norm of each row below the diagonal from the Beta marginals,
   * its direction uniform (normalised `randn`), the diagonal completing each row to unit norm.
   * Of shape `sampleShape + batchShape + [dim, dim]`, without gradient.
   */
  override sample(sampleShape: readonly number[] | number = []): Tensor {
    return this._call("sample", () =>
      noGrad(() => {
        const y = this._beta.sample(sampleShape).unsqueeze(-1);
        const u = randn(this.extendedShape(sampleShape), { dtype: y.dtype, device: y.device }).tril(-1);
        // Row 0 is 0/0: PyTorch fills it with zeros.
        const firstRow = arange(this.dim, { device: y.device }).eq(0).unsqueeze(-1);
        const direction = u.div(u.norm(2, -1, { keepdim: true })).maskedFill(firstRow, 0);
        const w = y.sqrt().mul(direction);
        const diag = w.pow(2).sum(-1).neg().add(1).clamp(finfoTiny(w.dtype), null).sqrt();
        return this._out("sample", w.add(diagEmbed(diag)));
      }));
  }

  /**
   * `Σ_i (2(η - 1) + dim - i) log L_ii` over `i = 2..dim`, less the log normaliser
   * `(dim - 1)/2·log π + mvlgamma(η + (dim - 2)/2, dim - 1) - (dim - 1)·lgamma(η + (dim - 1)/2)`.
   */
  override logProb(value: Tensor): Tensor {
    return this._call("logProb", () => {
      const checks = this._validateSample("logProb", value);
      // The parameter checks ride on the concentration (GPU), so they report before mvlgamma's.
      const dim = this.dim, c = this._out("logProb", this.concentration);
      const diagElems = value.diagonal(0, -1, -2).narrow(-1, 1, dim - 1);
      const order = c.sub(1).unsqueeze(-1).mul(2).add(dim)
        .sub(arange(2, dim + 1, { dtype: c.dtype, device: c.device }));
      const unnormalized = order.mul(diagElems.log()).sum(-1);
      const dm1 = dim - 1;
      const alpha = c.add(0.5 * dm1);
      const normalize = mvlgamma(alpha.sub(0.5), dm1).add(0.5 * dm1 * Math.log(Math.PI))
        .sub(lgamma(alpha).mul(dm1));
      return this._out("logProb", unnormalized.sub(normalize), checks);
    });
  }
}
