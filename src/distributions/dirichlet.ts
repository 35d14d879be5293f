/**
 * `Dirichlet(concentration)` and `Beta(concentration1, concentration0)` (PyTorch 1.13's
 * `torch.distributions.Dirichlet` and `Beta`).
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { noGrad } from "../autograd/grad_mode.ts";
import { digamma, lgamma } from "../special/gamma.ts";
import { xlogy } from "../special/log_ops.ts";
import { stack } from "../ops/indexing.ts";
import { oneHot } from "../ops/one_hot.ts";
import { type Constraint, independent, positive, simplex, unitInterval } from "./constraints.ts";
import { Distribution, type DistributionOptions } from "./distribution.ts";
import { broadcastAll } from "./utils.ts";
import { sampleDirichlet } from "./gamma_sampler.ts";
import { Tensor as TensorClass } from "../tensor.ts";

/**
 * The Dirichlet distribution over the probability simplex of `concentration.shape.at(-1)`
 * categories (batched over the leading dims). `sample` draws PyTorch's CPU samples after the
 * same seed (normalized gamma draws, `torch._sample_dirichlet`); `rsample` is differentiable in
 * the concentration (PyTorch's `_dirichlet_grad`). Parameters must be on the CPU to sample.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const m = new torch.distributions.Dirichlet(torch.tensor([1.0, 2.0, 3.0]));
 * assertEquals(torch.allclose(m.mean, torch.tensor([1 / 6, 1 / 3, 1 / 2])), true);
 * const lp = m.logProb(torch.tensor([0.2, 0.3, 0.5]));
 * assertEquals(torch.allclose(lp, torch.tensor([1.5040774])), true);
 * ```
 */
export class Dirichlet extends Distribution {
  /** The concentration parameters (last dim: the categories). */
  readonly concentration!: Tensor;

  /** `Dirichlet(concentration)`; validates `concentration > 0` unless `validateArgs: false`. */
  constructor(concentration: Tensor, opts: DistributionOptions = {}) {
    if (!(concentration instanceof TensorClass)) {
      throw new TypeError(`Dirichlet: concentration must be a Tensor, got ${typeof concentration}`);
    }
    if (concentration.ndim < 1) {
      throw new RangeError("Dirichlet: `concentration` parameter must be at least one-dimensional.");
    }
    const c = concentration.dtype === "float64" || concentration.dtype === "float32"
      ? concentration
      : concentration.float();
    super(c.shape.slice(0, -1), c.shape.slice(-1), opts);
    Object.assign(this, { concentration: c });
    this._checkParams();
  }

  /** `{ concentration: independent(positive, 1) }`. */
  get argConstraints(): Record<string, Constraint> {
    return { concentration: independent(positive, 1) };
  }
  /** The probability simplex. */
  override get support(): Constraint {
    return simplex;
  }
  /** `concentration / concentration.sum(-1)`. */
  override get mean(): Tensor {
    return this._call("mean", () => this.concentration.div(this.concentration.sum(-1, { keepdim: true })));
  }
  /** `(α - 1)⁺` normalized; PyTorch's first vertex where every `α < 1`. */
  override get mode(): Tensor {
    return this._call("mode", () => {
      const c = this.concentration;
      const m1 = c.sub(1).clamp(0);
      const mode = m1.div(m1.sum(-1, { keepdim: true }));
      // As PyTorch: the argmax of the 0/0 row (NaN everywhere), so the first vertex.
      const vertex = oneHot(mode.argmax(-1), c.shape[c.ndim - 1]).to(c.dtype);
      return vertex.where(c.lt(1).all(-1, { keepdim: true }), mode);
    });
  }
  /** `α(α₀ - α)/(α₀²(α₀ + 1))`, `α₀ = Σα`. */
  override get variance(): Tensor {
    return this._call("variance", () => {
      const c = this.concentration, c0 = c.sum(-1, { keepdim: true });
      return c.mul(c0.sub(c)).div(c0.pow(2).mul(c0.add(1)));
    });
  }

  /** `Dirichlet` with the concentration expanded to `batchShape + eventShape`. */
  expand(batchShape: readonly number[]): Dirichlet {
    return this._call("expand", () =>
      this._expanded<Dirichlet>(batchShape, {
        concentration: this.concentration.expand([...batchShape, ...this.eventShape]),
      }));
  }

  /** True. */
  override get hasRsample(): boolean {
    return true;
  }

  /** PyTorch's `_sample_dirichlet` over `sampleShape + batchShape`, differentiable. */
  override rsample(sampleShape: readonly number[] | number = []): Tensor {
    return this._call("rsample", () => {
      const shape = this.extendedShape(sampleShape);
      return this._out(
        "rsample",
        sampleDirichlet(`${this.constructor.name}.rsample`, this.concentration.expand(shape)),
      );
    });
  }

  /** {@link rsample} without gradients. */
  override sample(sampleShape: readonly number[] | number = []): Tensor {
    return this._call("sample", () => noGrad(() => this.rsample(sampleShape)));
  }

  /** `Σ xlogy(α - 1, value) + lgamma(Σα) - Σ lgamma(α)`. */
  override logProb(value: Tensor): Tensor {
    return this._call("logProb", () => {
      const checks = this._validateSample("logProb", value);
      const c = this.concentration;
      const out = xlogy(c.sub(1), value).sum(-1).add(lgamma(c.sum(-1))).sub(lgamma(c).sum(-1));
      return this._out("logProb", out, checks);
    });
  }

  /** `Σ lgamma(α) - lgamma(α₀) - (k - α₀)·digamma(α₀) - Σ (α - 1)·digamma(α)`. */
  override entropy(): Tensor {
    return this._call("entropy", () => {
      const c = this.concentration, k = c.shape[c.ndim - 1], a0 = c.sum(-1);
      const out = lgamma(c).sum(-1).sub(lgamma(a0)).sub(a0.neg().add(k).mul(digamma(a0))).sub(
        c.sub(1).mul(digamma(c)).sum(-1),
      );
      return this._out("entropy", out);
    });
  }
}

/**
 * The beta distribution on [0, 1] with `concentration1` (α) and `concentration0` (β), numbers or
 * tensors broadcast together: a two-category {@link Dirichlet}, sampled as PyTorch does (so a
 * seeded program gets PyTorch's samples; `rsample` is differentiable in both parameters).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const m = new torch.distributions.Beta(torch.tensor([2.0]), torch.tensor([5.0]));
 * assertEquals(torch.allclose(m.mean, torch.tensor([2 / 7])), true);
 * assertEquals(torch.allclose(m.logProb(torch.tensor([0.25])), torch.tensor([0.8641748])), true);
 * ```
 */
export class Beta extends Distribution {
  /** α, the exponent of `x` (broadcast with `concentration0`). */
  readonly concentration1!: Tensor;
  /** β, the exponent of `1 - x` (broadcast with `concentration1`). */
  readonly concentration0!: Tensor;
  /** @internal `Dirichlet(stack([α, β], -1))`. */
  readonly _dirichlet!: Dirichlet;

  /** `Beta(concentration1, concentration0)`; validates both `> 0` unless `validateArgs: false`. */
  constructor(
    concentration1: Tensor | number,
    concentration0: Tensor | number,
    opts: DistributionOptions = {},
  ) {
    const [c1, c0] = broadcastAll("Beta", ["concentration1", "concentration0"], [
      concentration1,
      concentration0,
    ]);
    super(c1.shape, [], opts);
    const dirichlet = new Dirichlet(stack([c1, c0], -1), { validateArgs: false });
    Object.assign(this, { concentration1: c1, concentration0: c0, _dirichlet: dirichlet });
    this._checkParams();
  }

  /** `{ concentration1: positive, concentration0: positive }`. */
  get argConstraints(): Record<string, Constraint> {
    return { concentration1: positive, concentration0: positive };
  }
  /** [0, 1]. */
  override get support(): Constraint {
    return unitInterval;
  }
  /** `α/(α + β)`. */
  override get mean(): Tensor {
    return this._call("mean", () => this.concentration1.div(this.concentration1.add(this.concentration0)));
  }
  /** The Dirichlet mode's first coordinate. */
  override get mode(): Tensor {
    return this._call("mode", () => this._dirichlet.mode.index("...", 0));
  }
  /** `αβ/((α + β)²(α + β + 1))`. */
  override get variance(): Tensor {
    return this._call("variance", () => {
      const total = this.concentration1.add(this.concentration0);
      return this.concentration1.mul(this.concentration0).div(total.pow(2).mul(total.add(1)));
    });
  }

  /** `Beta` with the parameters expanded to `batchShape`. */
  expand(batchShape: readonly number[]): Beta {
    return this._call("expand", () =>
      this._expanded<Beta>(batchShape, {
        concentration1: this.concentration1.expand([...batchShape]),
        concentration0: this.concentration0.expand([...batchShape]),
        _dirichlet: this._dirichlet.expand(batchShape),
      }));
  }

  /** True. */
  override get hasRsample(): boolean {
    return true;
  }

  /** The first coordinate of a `Dirichlet([α, β])` sample, differentiable. */
  override rsample(sampleShape: readonly number[] | number = []): Tensor {
    return this._call(
      "rsample",
      () => this._out("rsample", this._dirichlet.rsample(sampleShape).index("...", 0)),
    );
  }

  /** {@link rsample} without gradients. */
  override sample(sampleShape: readonly number[] | number = []): Tensor {
    return this._call("sample", () => noGrad(() => this.rsample(sampleShape)));
  }

  /** The Dirichlet log density of `[value, 1 - value]`. */
  override logProb(value: Tensor): Tensor {
    return this._call("logProb", () => {
      const checks = this._validateSample("logProb", value);
      const headsTails = stack([value, value.neg().add(1)], -1);
      return this._out("logProb", this._dirichlet.logProb(headsTails), checks);
    });
  }

  /** The Dirichlet entropy. */
  override entropy(): Tensor {
    return this._call("entropy", () => this._out("entropy", this._dirichlet.entropy()));
  }
}
