/**
 * `MixtureSameFamily(mixture, components)` (PyTorch 1.13's
 * `torch.distributions.MixtureSameFamily`).
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { noGrad } from "../autograd/grad_mode.ts";
import type { Constraint } from "./constraints.ts";
import { Distribution, type DistributionOptions } from "./distribution.ts";
import { Categorical } from "./categorical.ts";
import { fmtSize } from "./utils.ts";

/**
 * A mixture of K components of one family: `mixture` is a `Categorical` over the K components
 * (batch shape `B`), `components` a distribution of batch shape `B + [K]`. `logProb` is the
 * `logsumexp` of the components' log-densities plus the mixture's log-weights; `sample` picks a
 * component per sample with the mixture's draw, then the components' draw (PyTorch's order, so
 * seeded samples are PyTorch's).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const { MixtureSameFamily, Categorical, Normal } = torch.distributions;
 * const gmm = new MixtureSameFamily(
 *   new Categorical({ probs: torch.tensor([0.3, 0.7]) }),
 *   new Normal(torch.tensor([-1, 1]), torch.tensor([0.5, 0.5])),
 * );
 * assertEquals(torch.allclose(gmm.mean, torch.tensor(0.4)), true);
 * assertEquals(gmm.sample([5]).shape, [5]);
 * ```
 */
export class MixtureSameFamily extends Distribution {
  /** The categorical over the components. */
  readonly mixtureDistribution!: Categorical;
  /** The components (batch shape `batchShape + [K]`). */
  readonly componentDistribution!: Distribution;
  /** @internal K. */
  readonly _numComponent!: number;

  /** `MixtureSameFamily(mixture, components)`. */
  constructor(
    mixtureDistribution: Categorical,
    componentDistribution: Distribution,
    opts: DistributionOptions = {},
  ) {
    if (!(mixtureDistribution instanceof Categorical)) {
      throw new TypeError(
        "MixtureSameFamily: the mixture distribution needs to be an instance of torch.distributions.Categorical",
      );
    }
    if (!(componentDistribution instanceof Distribution)) {
      throw new TypeError(
        "MixtureSameFamily: the component distribution needs to be an instance of torch.distributions.Distribution",
      );
    }
    const mdbs = mixtureDistribution.batchShape;
    const cdbs = componentDistribution.batchShape.slice(0, -1);
    for (let i = 1; i <= Math.min(mdbs.length, cdbs.length); i++) {
      const a = mdbs[mdbs.length - i], b = cdbs[cdbs.length - i];
      if (a !== 1 && b !== 1 && a !== b) {
        throw new RangeError(
          `MixtureSameFamily: \`mixture_distribution.batch_shape\` (${
            fmtSize(mdbs)
          }) is not compatible with ` +
            `\`component_distribution.batch_shape\`(${fmtSize(cdbs)})`,
        );
      }
    }
    const km = mixtureDistribution.logits.shape[mixtureDistribution.logits.ndim - 1];
    const kc = componentDistribution.batchShape[componentDistribution.batchShape.length - 1];
    if (km !== kc) {
      throw new RangeError(
        `MixtureSameFamily: \`mixture_distribution component\` (${km}) does not equal ` +
          `\`component_distribution.batch_shape[-1]\` (${kc})`,
      );
    }
    super(cdbs, componentDistribution.eventShape, opts);
    Object.assign(this, { mixtureDistribution, componentDistribution });
    Object.defineProperty(this, "_numComponent", { value: km, enumerable: false });
  }

  /** None of its own. */
  get argConstraints(): Record<string, Constraint> {
    return {};
  }
  /** The components' support. */
  override get support(): Constraint {
    return this.componentDistribution.support;
  }
  get #eventNdims(): number {
    return this.eventShape.length;
  }
  /** `x` with a component dim before the event dims. */
  #pad(x: Tensor): Tensor {
    return x.unsqueeze(-1 - this.#eventNdims);
  }
  /** The mixture's `probs` shaped to broadcast against the components' (PyTorch's `_pad_mixture_dimensions`). */
  #padMixture(x: Tensor): Tensor {
    const distBatch = this.batchShape.reduce((a, b) => a * b, 1);
    const catBatch = this.mixtureDistribution.batchShape.reduce((a, b) => a * b, 1);
    const padNdims = catBatch === 1 ? 0 : distBatch - catBatch;
    const xs = x.shape;
    return x.reshape([
      ...xs.slice(0, -1),
      ...new Array(padNdims).fill(1),
      xs[xs.length - 1],
      ...new Array(this.#eventNdims).fill(1),
    ]);
  }
  /** `Σ_k w_k·mean_k`. */
  override get mean(): Tensor {
    return this._call("mean", () => {
      const probs = this.#padMixture(this.mixtureDistribution.probs);
      return probs.mul(this.componentDistribution.mean).sum(-1 - this.#eventNdims);
    });
  }
  /** `Σ_k w_k·var_k + Σ_k w_k·(mean_k - mean)²` (the law of total variance). */
  override get variance(): Tensor {
    return this._call("variance", () => {
      const probs = this.#padMixture(this.mixtureDistribution.probs);
      const dim = -1 - this.#eventNdims;
      const meanCondVar = probs.mul(this.componentDistribution.variance).sum(dim);
      const varCondMean = probs.mul(this.componentDistribution.mean.sub(this.#pad(this.mean)).pow(2)).sum(
        dim,
      );
      return meanCondVar.add(varCondMean);
    });
  }
  /** Not available (PyTorch 1.13 does not implement it either). */
  override get mode(): Tensor {
    throw new TypeError("MixtureSameFamily.mode: MixtureSameFamily does not implement mode (as in PyTorch)");
  }
  /** Not available (PyTorch 1.13 does not implement it either). */
  override entropy(): Tensor {
    throw new TypeError(
      "MixtureSameFamily.entropy: MixtureSameFamily does not implement entropy (as in PyTorch)",
    );
  }

  /** With the mixture expanded to `batchShape` and the components to `batchShape + [K]`. */
  expand(batchShape: readonly number[]): MixtureSameFamily {
    return this._call("expand", () => {
      const out = this._expanded<MixtureSameFamily>(batchShape, {
        componentDistribution: this.componentDistribution.expand([...batchShape, this._numComponent]),
        mixtureDistribution: this.mixtureDistribution.expand(batchShape),
      });
      Object.defineProperty(out, "_numComponent", { value: this._numComponent, enumerable: false });
      return out;
    });
  }

  /** `Σ_k w_k·cdf_k(x)`. */
  override cdf(x: Tensor): Tensor {
    return this._call("cdf", () => {
      const cdfX = this.componentDistribution.cdf(this.#pad(x));
      return this._out("cdf", cdfX.mul(this.mixtureDistribution.probs).sum(-1));
    });
  }

  /** `logsumexp_k(log p_k(x) + log w_k)`. */
  override logProb(x: Tensor): Tensor {
    return this._call("logProb", () => {
      const checks = this._validateSample("logProb", x);
      const lp = this.componentDistribution.logProb(this.#pad(x));
      const logMix = this.mixtureDistribution.logits.logSoftmax(-1);
      return this._out("logProb", lp.add(logMix).logsumexp(-1), checks);
    });
  }

  /** The mixture's draw selects, per sample, one of the components' draws. */
  override sample(sampleShape: readonly number[] | number = []): Tensor {
    return this._call("sample", () =>
      noGrad(() => {
        const shape = typeof sampleShape === "number" ? [sampleShape] : [...sampleShape];
        const gatherDim = shape.length + this.batchShape.length;
        const es = this.eventShape;
        const mix = this.mixtureDistribution.sample(shape);
        const comp = this.componentDistribution.sample(shape);
        const index = mix.reshape([...mix.shape, ...new Array(es.length + 1).fill(1)])
          .expand([...mix.shape, 1, ...es]);
        return this._out("sample", comp.gather(gatherDim, index.contiguous()).squeeze(gatherDim));
      }));
  }
}
