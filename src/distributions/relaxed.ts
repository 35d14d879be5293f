/**
 * The relaxed (Concrete / Gumbel-softmax) families of PyTorch 1.13: `LogitRelaxedBernoulli`,
 * `RelaxedBernoulli`, `ExpRelaxedCategorical` and `RelaxedOneHotCategorical`.
 * @module
 */
import { Tensor } from "../tensor.ts";
import { fullLike, rand, tensor } from "../creation.ts";
import { type Constraint, real, realVector, simplex, unitInterval } from "./constraints.ts";
import { Distribution } from "./distribution.ts";
import type { ProbsOrLogits } from "./bernoulli.ts";
import { Categorical } from "./categorical.ts";
import { TransformedDistribution } from "./transformed_distribution.ts";
import { ExpTransform, SigmoidTransform } from "./transforms.ts";
import { lgamma } from "../special/gamma.ts";
import { broadcastAll, clampProbs, logitsToProbs, probsOrLogits, probsToLogits } from "./utils.ts";

/** The temperature as a tensor of `like`'s dtype and device (a number becomes a 0-d tensor). */
function temperatureOf(op: string, temperature: unknown, like: Tensor): Tensor {
  if (temperature instanceof Tensor) return temperature;
  if (typeof temperature !== "number") {
    throw new TypeError(
      `${op}: temperature must be a number or a Tensor, got ${
        temperature === null ? "null" : typeof temperature
      }`,
    );
  }
  return tensor(temperature, { dtype: like.dtype, device: like.device });
}

/**
 * The logit of a `RelaxedBernoulli` sample (Maddison et al. 2017's binary Concrete in log space):
 * `rsample` is `(logit(u) + logit(probs))/temperature` with `u` from `rand` (both clamped to
 * [eps, 1 - eps]), so a seeded sample is PyTorch's.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const d = new torch.distributions.LogitRelaxedBernoulli(0.5, { logits: torch.tensor([0, 1]) });
 * assertEquals(d.rsample([3]).shape, [3, 2]);
 * assertEquals(torch.allclose(d.logProb(torch.tensor([0, 0])), torch.tensor([Math.log(0.5) - 2 * Math.log(2), Math.log(0.5) + 1 - 2 * Math.log1p(Math.E)])), true);
 * ```
 */
export class LogitRelaxedBernoulli extends Distribution {
  /** The temperature (a tensor). */
  readonly temperature!: Tensor;
  /** The probability of a 1 in the limit of zero temperature. */
  readonly probs!: Tensor;
  /** Its log-odds. */
  readonly logits!: Tensor;
  /** @internal Which parameter was given. */
  readonly _param!: "probs" | "logits";

  /** `LogitRelaxedBernoulli(temperature, { probs } | { logits })`. */
  constructor(temperature: Tensor | number, params: ProbsOrLogits) {
    const op = new.target.name;
    const given = probsOrLogits(op, params);
    const value = params[given]!;
    const [p] = broadcastAll(op, [given], [value]);
    super(typeof value === "number" ? [] : p.shape, [], params);
    const other = this._call(
      "constructor",
      () => given === "probs" ? probsToLogits(p, true) : logitsToProbs(p, true),
    );
    Object.assign(this, given === "probs" ? { probs: p, logits: other } : { probs: other, logits: p });
    Object.assign(this, { temperature: temperatureOf(op, temperature, p) });
    Object.defineProperty(this, "_param", { value: given, enumerable: false });
    this._checkParams();
  }

  /** `{ probs: unitInterval, logits: real }` (only the given one is checked). */
  get argConstraints(): Record<string, Constraint> {
    return { probs: unitInterval, logits: real };
  }
  /** @internal */
  override _given(name: string): boolean {
    return name === this._param;
  }
  /** The real line. */
  override get support(): Constraint {
    return real;
  }
  /** True. */
  override get hasRsample(): boolean {
    return true;
  }
  /** The shape of the given parameter. */
  get paramShape(): number[] {
    return [...this[this._param].shape];
  }
  /** Not available in closed form (as in PyTorch). */
  override get mean(): Tensor {
    throw new TypeError(`${this.constructor.name}.mean: not available in closed form (as in PyTorch)`);
  }
  /** Not available in closed form (as in PyTorch). */
  override get mode(): Tensor {
    throw new TypeError(`${this.constructor.name}.mode: not available in closed form (as in PyTorch)`);
  }
  /** Not available in closed form (as in PyTorch). */
  override get variance(): Tensor {
    throw new TypeError(`${this.constructor.name}.variance: not available in closed form (as in PyTorch)`);
  }
  /** Not available in closed form (as in PyTorch). */
  override entropy(): Tensor {
    throw new TypeError(`${this.constructor.name}.entropy: not available in closed form (as in PyTorch)`);
  }

  /** With its parameters expanded to `batchShape`. */
  expand(batchShape: readonly number[]): LogitRelaxedBernoulli {
    return this._call("expand", () => {
      const out = this._expanded<LogitRelaxedBernoulli>(batchShape, {
        temperature: this.temperature,
        probs: this.probs.expand([...batchShape]),
        logits: this.logits.expand([...batchShape]),
      });
      Object.defineProperty(out, "_param", { value: this._param, enumerable: false });
      return out;
    });
  }

  /** `(log u - log1p(-u) + log p - log1p(-p))/temperature`, `u` from `rand`, both clamped. */
  override rsample(sampleShape: readonly number[] | number = []): Tensor {
    return this._call("rsample", () => {
      const shape = this.extendedShape(sampleShape);
      const probs = clampProbs(this.probs.expand(shape));
      const u = clampProbs(rand(shape, { dtype: probs.dtype, device: probs.device }));
      const logit = u.log().sub(u.neg().log1p()).add(probs.log()).sub(probs.neg().log1p());
      return this._out("rsample", logit.div(this.temperature));
    });
  }

  /** `log(temperature) + d - 2·log1p(exp(d))`, `d = logits - value·temperature`. */
  override logProb(value: Tensor): Tensor {
    return this._call("logProb", () => {
      const checks = this._validateSample("logProb", value);
      const [logits, v] = broadcastAll(`${this.constructor.name}.logProb`, ["logits", "value"], [
        this.logits,
        value,
      ]);
      const diff = logits.sub(v.mul(this.temperature));
      return this._out("logProb", this.temperature.log().add(diff).sub(diff.exp().log1p().mul(2)), checks);
    });
  }
}

/**
 * The relaxed Bernoulli (binary Concrete) distribution on (0, 1): `sigmoid` of a
 * `LogitRelaxedBernoulli` sample. Reparameterized, so gradients flow to `probs`/`logits`; lower
 * temperatures push samples toward 0 and 1. Seeded samples are PyTorch's.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const logits = torch.tensor([0.5, -1], { requiresGrad: true });
 * const d = new torch.distributions.RelaxedBernoulli(0.3, { logits });
 * const s = d.rsample();
 * assertEquals(s.ge(0).all().item() && s.le(1).all().item(), true);
 * s.sum().backward();
 * assertEquals(logits.grad!.shape, [2]);
 * ```
 */
export class RelaxedBernoulli extends TransformedDistribution {
  /** `RelaxedBernoulli(temperature, { probs } | { logits })`. */
  constructor(temperature: Tensor | number, params: ProbsOrLogits) {
    super(new LogitRelaxedBernoulli(temperature, params), new SigmoidTransform(), params);
  }
  /** The temperature. */
  get temperature(): Tensor {
    return (this.baseDist as LogitRelaxedBernoulli).temperature;
  }
  /** The probabilities. */
  get probs(): Tensor {
    return (this.baseDist as LogitRelaxedBernoulli).probs;
  }
  /** The log-odds. */
  get logits(): Tensor {
    return (this.baseDist as LogitRelaxedBernoulli).logits;
  }
  /** `{ probs: unitInterval, logits: real }` (checked by the base). */
  override get argConstraints(): Record<string, Constraint> {
    return { probs: unitInterval, logits: real };
  }
  /** [0, 1]. */
  override get support(): Constraint {
    return unitInterval;
  }
  /** `RelaxedBernoulli()`, as PyTorch prints it. */
  override toString(): string {
    return "RelaxedBernoulli()";
  }
  /** With its base expanded to `batchShape`. */
  override expand(batchShape: readonly number[]): RelaxedBernoulli {
    return super.expand(batchShape) as RelaxedBernoulli;
  }
}

/**
 * The log of a `RelaxedOneHotCategorical` sample (Gumbel-softmax in log space): `rsample` is
 * `(logits + g)/temperature` normalised by `logsumexp`, `g = -log(-log(u))` with `u` from `rand`,
 * as PyTorch (seeded samples are PyTorch's).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const d = new torch.distributions.ExpRelaxedCategorical(0.5, { logits: torch.tensor([0, 1, 2]) });
 * const s = d.rsample();
 * assertEquals(torch.allclose(s.exp().sum(), torch.tensor(1)), true);
 * assertEquals(d.eventShape, [3]);
 * ```
 */
export class ExpRelaxedCategorical extends Distribution {
  /** The temperature (a tensor). */
  readonly temperature!: Tensor;
  /** @internal The categorical of the parameters. */
  readonly _categorical!: Categorical;

  /** `ExpRelaxedCategorical(temperature, { probs } | { logits })`. */
  constructor(temperature: Tensor | number, params: ProbsOrLogits) {
    const categorical = new Categorical(params);
    super(categorical.batchShape, categorical.paramShape.slice(-1), params);
    const op = new.target.name;
    Object.assign(this, {
      _categorical: categorical,
      temperature: temperatureOf(op, temperature, categorical.logits),
    });
  }

  /** `{ probs: simplex, logits: realVector }` (checked by the inner `Categorical`). */
  get argConstraints(): Record<string, Constraint> {
    return { probs: simplex, logits: realVector };
  }
  /** @internal The parameters live on the inner `Categorical`. */
  override _given(_name: string): boolean {
    return false;
  }
  /** Real vectors (the true support is a submanifold of them). */
  override get support(): Constraint {
    return realVector;
  }
  /** True. */
  override get hasRsample(): boolean {
    return true;
  }
  /** The normalised probabilities. */
  get probs(): Tensor {
    return this._categorical.probs;
  }
  /** The normalised log-probabilities. */
  get logits(): Tensor {
    return this._categorical.logits;
  }
  /** `batchShape + [K]`. */
  get paramShape(): number[] {
    return this._categorical.paramShape;
  }
  /** Not available in closed form (as in PyTorch). */
  override get mean(): Tensor {
    throw new TypeError(`${this.constructor.name}.mean: not available in closed form (as in PyTorch)`);
  }
  /** Not available in closed form (as in PyTorch). */
  override get mode(): Tensor {
    throw new TypeError(`${this.constructor.name}.mode: not available in closed form (as in PyTorch)`);
  }
  /** Not available in closed form (as in PyTorch). */
  override get variance(): Tensor {
    throw new TypeError(`${this.constructor.name}.variance: not available in closed form (as in PyTorch)`);
  }
  /** Not available in closed form (as in PyTorch). */
  override entropy(): Tensor {
    throw new TypeError(`${this.constructor.name}.entropy: not available in closed form (as in PyTorch)`);
  }

  /** With its categorical expanded to `batchShape`. */
  expand(batchShape: readonly number[]): ExpRelaxedCategorical {
    return this._call("expand", () =>
      this._expanded<ExpRelaxedCategorical>(batchShape, {
        temperature: this.temperature,
        _categorical: this._categorical.expand(batchShape),
      }));
  }

  /** `scores - logsumexp(scores)`, `scores = (logits - log(-log u))/temperature`. */
  override rsample(sampleShape: readonly number[] | number = []): Tensor {
    return this._call("rsample", () => {
      const shape = this.extendedShape(sampleShape);
      const logits = this.logits;
      const u = clampProbs(rand(shape, { dtype: logits.dtype, device: logits.device }));
      const gumbels = u.log().neg().log().neg();
      const scores = logits.add(gumbels).div(this.temperature);
      return this._out("rsample", scores.sub(scores.logsumexp(-1, { keepdim: true })));
    });
  }

  /** The Concrete density in log space (Maddison et al. 2017, eq. 12 of the log form). */
  override logProb(value: Tensor): Tensor {
    return this._call("logProb", () => {
      const k = this._categorical._numEvents;
      const checks = this._validateSample("logProb", value);
      const [logits, v] = broadcastAll(`${this.constructor.name}.logProb`, ["logits", "value"], [
        this.logits,
        value,
      ]);
      // lgamma(K) = log((K - 1)!) in the temperature's dtype, as PyTorch.
      const logScale = lgamma(fullLike(this.temperature, k)).add(this.temperature.log().mul(k - 1));
      const score = logits.sub(v.mul(this.temperature));
      return this._out(
        "logProb",
        score.sub(score.logsumexp(-1, { keepdim: true })).sum(-1).add(logScale),
        checks,
      );
    });
  }
}

/**
 * The relaxed one-hot categorical (Concrete / Gumbel-softmax) distribution on the simplex:
 * `exp` of an `ExpRelaxedCategorical` sample. Reparameterized; lower temperatures push samples
 * toward one-hot vectors. Seeded samples are PyTorch's.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const d = new torch.distributions.RelaxedOneHotCategorical(0.5, { probs: torch.tensor([0.2, 0.3, 0.5]) });
 * const s = d.rsample([4]);
 * assertEquals(s.shape, [4, 3]);
 * assertEquals(torch.allclose(s.sum(-1), torch.ones(4)), true);
 * ```
 */
export class RelaxedOneHotCategorical extends TransformedDistribution {
  /** `RelaxedOneHotCategorical(temperature, { probs } | { logits })`. */
  constructor(temperature: Tensor | number, params: ProbsOrLogits) {
    super(new ExpRelaxedCategorical(temperature, params), new ExpTransform(), params);
  }
  /** The temperature. */
  get temperature(): Tensor {
    return (this.baseDist as ExpRelaxedCategorical).temperature;
  }
  /** The normalised probabilities. */
  get probs(): Tensor {
    return (this.baseDist as ExpRelaxedCategorical).probs;
  }
  /** The normalised log-probabilities. */
  get logits(): Tensor {
    return (this.baseDist as ExpRelaxedCategorical).logits;
  }
  /** `{ probs: simplex, logits: realVector }` (checked by the base). */
  override get argConstraints(): Record<string, Constraint> {
    return { probs: simplex, logits: realVector };
  }
  /** The simplex. */
  override get support(): Constraint {
    return simplex;
  }
  /** `RelaxedOneHotCategorical()`, as PyTorch prints it. */
  override toString(): string {
    return "RelaxedOneHotCategorical()";
  }
  /** With its base expanded to `batchShape`. */
  override expand(batchShape: readonly number[]): RelaxedOneHotCategorical {
    return super.expand(batchShape) as RelaxedOneHotCategorical;
  }
}
