/**
 * Loss modules: `MSELoss`, `L1Loss`, `CrossEntropyLoss`, `NLLLoss`, `BCELoss`,
 * `BCEWithLogitsLoss`, `SmoothL1Loss`, `HuberLoss`, `KLDivLoss`, the margin and embedding losses
 * (`SoftMarginLoss` ... `TripletMarginLoss`, `PoissonNLLLoss`), `GaussianNLLLoss` and the `CosineSimilarity` /
 * `PairwiseDistance` modules. Each is callable as
 * `criterion(input, target)` and forwards to the function of the same name in `F`.
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { Module } from "./module.ts";
import * as F from "./functional.ts";

/**
 * The shared base of the loss modules: a `reduction` ("mean" by default). Subclass it for a
 * custom loss module.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import * as nn from "./mod.ts";
 * class CubicLoss extends nn.Loss {
 *   override forward(input: torch.Tensor, target: torch.Tensor): torch.Tensor {
 *     return nn.F.reduceLoss("CubicLoss", input.sub(target).abs().pow(3), this.reduction);
 *   }
 * }
 * assertEquals(new CubicLoss({ reduction: "sum" })(torch.ones(3), torch.zeros(3)).item(), 3);
 * ```
 */
export class Loss extends Module {
  /** `"mean"`, `"sum"` or `"none"`. */
  reduction: F.Reduction;
  /** Creates the module; the arguments are described on the class. */
  constructor(opts: F.LossOptions = {}) {
    super();
    const r = opts.reduction ?? "mean";
    if (r !== "mean" && r !== "sum" && r !== "none") {
      throw new TypeError(
        `${this._getName()}: reduction must be "mean", "sum" or "none", got ${JSON.stringify(r)}`,
      );
    }
    this.reduction = r;
  }
  /** The loss of `input` against `target`. */
  override forward(_input: Tensor, _target: Tensor): Tensor {
    throw new Error(`Module [${this._getName()}] is missing the required "forward" function`);
  }
}

/**
 * Mean squared error.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import * as nn from "./mod.ts";
 * const criterion = new nn.MSELoss();
 * assertEquals(criterion(torch.tensor([1.5, 2.5]), torch.tensor([1.5, 4.5])).item(), 2);
 * ```
 */
export class MSELoss extends Loss {
  /** `F.mseLoss(input, target, { reduction: this.reduction })`. */
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.mseLoss(input, target, { reduction: this.reduction });
  }
}

/**
 * Mean absolute error.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import * as nn from "./mod.ts";
 * assertEquals(new nn.L1Loss()(torch.tensor([1.5, 2.5]), torch.tensor([0.5, 4.5])).item(), 1.5);
 * ```
 */
export class L1Loss extends Loss {
  /** `F.l1Loss(input, target, { reduction: this.reduction })`. */
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.l1Loss(input, target, { reduction: this.reduction });
  }
}

/**
 * Cross entropy of logits against class indices (int32) or class probabilities, computed stably
 * with log-softmax; `weight` per class, `ignoreIndex` (default -100), `labelSmoothing`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import * as nn from "./mod.ts";
 * const criterion = new nn.CrossEntropyLoss({ labelSmoothing: 0.1 });
 * const logits = torch.randn([4, 3], { requiresGrad: true });
 * const loss = criterion(logits, torch.tensor([0, 2, 1, 2]));
 * loss.backward();
 * assertEquals(logits.grad!.shape, [4, 3]);
 * ```
 */
export class CrossEntropyLoss extends Loss {
  /** Targets equal to this are ignored. */
  ignoreIndex: number;
  /** Label smoothing amount in [0, 1]. */
  labelSmoothing: number;
  /** Creates the module; the arguments are described on the class. */
  constructor(opts: F.CrossEntropyOptions = {}) {
    super(opts);
    this.registerBuffer("weight", opts.weight ?? null);
    this.ignoreIndex = opts.ignoreIndex ?? -100;
    this.labelSmoothing = opts.labelSmoothing ?? 0;
  }
  /** The per-class weight buffer, or null. */
  get weight(): Tensor | null {
    return this._buffers.get("weight") ?? null;
  }
  /** Applies the module to its input (see the class docs). */
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.crossEntropy(input, target, {
      weight: this.weight,
      ignoreIndex: this.ignoreIndex,
      reduction: this.reduction,
      labelSmoothing: this.labelSmoothing,
    });
  }
}

/**
 * Negative log likelihood of log-probabilities against class indices (int32).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import * as nn from "./mod.ts";
 * const logp = torch.tensor([[-0.5, -1.0], [-2.0, -0.1]]);
 * assertEquals(Math.abs((new nn.NLLLoss()(logp, torch.tensor([0, 1])).item() as number) - 0.3) < 5e-2, true); // ≈ 0.3
 * ```
 */
export class NLLLoss extends Loss {
  /** Targets equal to this are ignored. */
  ignoreIndex: number;
  /** Creates the module; the arguments are described on the class. */
  constructor(opts: F.NLLLossOptions = {}) {
    super(opts);
    this.registerBuffer("weight", opts.weight ?? null);
    this.ignoreIndex = opts.ignoreIndex ?? -100;
  }
  /** The per-class weight buffer, or null. */
  get weight(): Tensor | null {
    return this._buffers.get("weight") ?? null;
  }
  /** Applies the module to its input (see the class docs). */
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.nllLoss(input, target, {
      weight: this.weight,
      ignoreIndex: this.ignoreIndex,
      reduction: this.reduction,
    });
  }
}

/**
 * Binary cross entropy of probabilities in [0, 1] (use `BCEWithLogitsLoss` on logits: it is
 * stabler).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import * as nn from "./mod.ts";
 * assertEquals(Math.abs((new nn.BCELoss()(torch.tensor([0.9183]), torch.ones(1)).item() as number) - 0.0852) < 5e-5, true); // ≈ 0.0852
 * ```
 */
export class BCELoss extends Loss {
  /** Creates the module; the arguments are described on the class. */
  constructor(opts: F.LossOptions & { weight?: Tensor | null } = {}) {
    super(opts);
    this.registerBuffer("weight", opts.weight ?? null);
  }
  /** The weight buffer, or null. */
  get weight(): Tensor | null {
    return this._buffers.get("weight") ?? null;
  }
  /** `F.binaryCrossEntropy(input, target, { weight: this.weight, reduction: this.reduction })`. */
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropy(input, target, { weight: this.weight, reduction: this.reduction });
  }
}

/**
 * Binary cross entropy of logits (sigmoid folded in, computed stably), with `weight` and
 * `posWeight`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import * as nn from "./mod.ts";
 * const criterion = new nn.BCEWithLogitsLoss({ posWeight: torch.tensor([2.0]) });
 * assertEquals(Math.abs((criterion(torch.tensor([[0], [1]], { dtype: "float32" }), torch.tensor([[1], [0]])).item() as number) - 1.3498) < 5e-5, true); // ≈ 1.3498
 * ```
 */
export class BCEWithLogitsLoss extends Loss {
  /** Creates the module; the arguments are described on the class. */
  constructor(opts: F.BCEWithLogitsOptions = {}) {
    super(opts);
    this.registerBuffer("weight", opts.weight ?? null);
    this.registerBuffer("pos_weight", opts.posWeight ?? null);
  }
  /** The weight buffer, or null. */
  get weight(): Tensor | null {
    return this._buffers.get("weight") ?? null;
  }
  /** The positive-class weight buffer (`pos_weight`), or null. */
  get posWeight(): Tensor | null {
    return this._buffers.get("pos_weight") ?? null;
  }
  /** Applies the module to its input (see the class docs). */
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropyWithLogits(input, target, {
      weight: this.weight,
      posWeight: this.posWeight,
      reduction: this.reduction,
    });
  }
}

/**
 * Smooth L1 loss (quadratic below `beta`, default 1).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import * as nn from "./mod.ts";
 * assertEquals(new nn.SmoothL1Loss()(torch.tensor([0.5, 3.0]), torch.tensor([0.0, 0.0])).item(), 1.3125);
 * ```
 */
export class SmoothL1Loss extends Loss {
  /** Where the loss turns linear. */
  beta: number;
  /** Creates the module; the arguments are described on the class. */
  constructor(opts: F.SmoothL1Options = {}) {
    super(opts);
    this.beta = opts.beta ?? 1;
  }
  /** `F.smoothL1Loss(input, target, { beta: this.beta, reduction: this.reduction })`. */
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.smoothL1Loss(input, target, { beta: this.beta, reduction: this.reduction });
  }
}

/**
 * Huber loss (quadratic below `delta`, default 1).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import * as nn from "./mod.ts";
 * assertEquals(new nn.HuberLoss({ delta: 2 })(torch.tensor([0.5, 3.0]), torch.tensor([0.0, 0.0])).item(), 2.0625);
 * ```
 */
export class HuberLoss extends Loss {
  /** Where the loss turns linear. */
  delta: number;
  /** Creates the module; the arguments are described on the class. */
  constructor(opts: F.HuberOptions = {}) {
    super(opts);
    this.delta = opts.delta ?? 1;
  }
  /** `F.huberLoss(input, target, { delta: this.delta, reduction: this.reduction })`. */
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.huberLoss(input, target, { delta: this.delta, reduction: this.reduction });
  }
}

/**
 * Kullback-Leibler divergence of log-probabilities `input` from `target` (probabilities, or
 * log-probabilities with `logTarget`). `reduction: "batchmean"` gives the mathematical KL.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import * as nn from "./mod.ts";
 * const kl = new nn.KLDivLoss({ reduction: "batchmean" });
 * assertEquals(Math.abs((kl(torch.tensor([[0.5, 0.5]]).log(), torch.tensor([[0.25, 0.75]])).item() as number) - 0.1308) < 5e-5, true); // ≈ 0.1308
 * ```
 */
export class KLDivLoss extends Module {
  /** `"mean"`, `"batchmean"`, `"sum"` or `"none"`. */
  reduction: F.Reduction | "batchmean";
  /** Whether the target holds log-probabilities. */
  logTarget: boolean;
  /** Creates the module; the arguments are described on the class. */
  constructor(opts: F.KLDivOptions = {}) {
    super();
    const r = opts.reduction ?? "mean";
    if (!["mean", "batchmean", "sum", "none"].includes(r)) {
      throw new TypeError(
        `KLDivLoss: reduction must be "mean", "batchmean", "sum" or "none", got ${JSON.stringify(r)}`,
      );
    }
    this.reduction = r;
    this.logTarget = opts.logTarget ?? false;
  }
  /** `F.klDivLoss(input, target, { reduction: this.reduction, logTarget: this.logTarget })`. */
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.klDivLoss(input, target, { reduction: this.reduction, logTarget: this.logTarget });
  }
}

/** The `reduction` of a loss module that does not take `(input, target)` (checked as {@link Loss} does). */
function reductionOf(name: string, r: F.Reduction | undefined): F.Reduction {
  const out = r ?? "mean";
  if (out !== "mean" && out !== "sum" && out !== "none") {
    throw new TypeError(`${name}: reduction must be "mean", "sum" or "none", got ${JSON.stringify(out)}`);
  }
  return out;
}

/**
 * Logistic loss for ±1 labels, `log(1 + exp(−y·x))`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import * as nn from "./mod.ts";
 * assertEquals(Math.abs((new nn.SoftMarginLoss()(torch.zeros(1), torch.tensor([1])).item() as number) - 0.6931472) < 5e-8, true); // ≈ 0.6931472
 * ```
 */
export class SoftMarginLoss extends Loss {
  /** `F.softMarginLoss(input, target, { reduction: this.reduction })`. */
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.softMarginLoss(input, target, { reduction: this.reduction });
  }
}

/**
 * One-versus-all logistic loss over 0/1 labels per class (optional `weight` per class).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import * as nn from "./mod.ts";
 * assertEquals(Math.abs((new nn.MultiLabelSoftMarginLoss()(torch.zeros(1, 2), torch.tensor([[1, 0]])).item() as number) - 0.6931472) < 5e-8, true); // ≈ 0.6931472
 * ```
 */
export class MultiLabelSoftMarginLoss extends Loss {
  /** The `weight` setting, as given to the constructor. */
  weight: Tensor | null;
  /** Creates the module; the arguments are described on the class. */
  constructor(opts: F.MultilabelSoftMarginOptions = {}) {
    super(opts);
    this.weight = opts.weight ?? null;
  }
  /** `F.multilabelSoftMarginLoss(input, target, { weight: this.weight, reduction: this.reduction })`. */
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.multilabelSoftMarginLoss(input, target, { weight: this.weight, reduction: this.reduction });
  }
}

/**
 * Hinge loss for distances with ±1 labels (`margin` default 1).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import * as nn from "./mod.ts";
 * assertEquals(Math.abs((new nn.HingeEmbeddingLoss()(torch.tensor([0.3, 0.4]), torch.tensor([1, -1])).item() as number) - 0.45) < 5e-3, true); // ≈ 0.45
 * ```
 */
export class HingeEmbeddingLoss extends Loss {
  /** The `margin` setting, as given to the constructor. */
  margin: number;
  /** Creates the module; the arguments are described on the class. */
  constructor(opts: F.HingeEmbeddingOptions = {}) {
    super(opts);
    this.margin = opts.margin ?? 1;
  }
  /** `F.hingeEmbeddingLoss(input, target, { margin: this.margin, reduction: this.reduction })`. */
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.hingeEmbeddingLoss(input, target, { margin: this.margin, reduction: this.reduction });
  }
}

/**
 * Multi-class hinge loss against class indices (`p` 1 or 2, `margin`, optional class `weight`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import * as nn from "./mod.ts";
 * assertEquals(Math.abs((new nn.MultiMarginLoss()(torch.tensor([[0.1, 0.2, 0.4, 0.8]]), torch.tensor([3])).item() as number) - 0.325) < 5e-4, true); // ≈ 0.325
 * ```
 */
export class MultiMarginLoss extends Loss {
  /** The `p` setting, as given to the constructor. */
  p: number;
  /** The `margin` setting, as given to the constructor. */
  margin: number;
  /** The `weight` setting, as given to the constructor. */
  weight: Tensor | null;
  /** Creates the module; the arguments are described on the class. */
  constructor(opts: F.MultiMarginOptions = {}) {
    super(opts);
    this.p = opts.p ?? 1;
    this.margin = opts.margin ?? 1;
    this.weight = opts.weight ?? null;
  }
  /** Applies the module to its input (see the class docs). */
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.multiMarginLoss(input, target, {
      p: this.p,
      margin: this.margin,
      weight: this.weight,
      reduction: this.reduction,
    });
  }
}

/**
 * Poisson negative log-likelihood of counts (`logInput` default true, `full`, `eps`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import * as nn from "./mod.ts";
 * assertEquals(new nn.PoissonNLLLoss()(torch.zeros(1), torch.ones(1)).item(), 1);
 * ```
 */
export class PoissonNLLLoss extends Loss {
  /** The `logInput` setting (PyTorch's `log_input`). */
  logInput: boolean;
  /** The `full` setting, as given to the constructor. */
  full: boolean;
  /** The `eps` setting, as given to the constructor. */
  eps: number;
  /** Creates the module; the arguments are described on the class. */
  constructor(opts: F.PoissonNllOptions = {}) {
    super(opts);
    this.logInput = opts.logInput ?? true;
    this.full = opts.full ?? false;
    this.eps = opts.eps ?? 1e-8;
  }
  /** Applies the module to its input (see the class docs). */
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.poissonNllLoss(input, target, {
      logInput: this.logInput,
      full: this.full,
      eps: this.eps,
      reduction: this.reduction,
    });
  }
}

/**
 * Gaussian negative log-likelihood: called as `criterion(input, target, variance)` with predicted
 * means `input` and variances `variance` (see `F.gaussianNllLoss`; options `full`, `eps` 1e-6,
 * `reduction`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import * as nn from "./mod.ts";
 * const criterion = new nn.GaussianNLLLoss();
 * assertEquals(criterion(torch.tensor([1.5, 2]), torch.tensor([1, 4]), torch.tensor([0.5, 2])).item(), 0.625);
 * ```
 */
export class GaussianNLLLoss extends Module {
  /** The `full` setting, as given to the constructor. */
  full: boolean;
  /** The `eps` setting, as given to the constructor. */
  eps: number;
  /** The `reduction` setting, as given to the constructor. */
  reduction: F.Reduction;
  /** Creates the module; the arguments are described on the class. */
  constructor(opts: F.GaussianNllOptions = {}) {
    super();
    this.full = opts.full ?? false;
    this.eps = opts.eps ?? 1e-6;
    this.reduction = reductionOf("GaussianNLLLoss", opts.reduction);
  }
  /** Applies the module to its input (see the class docs). */
  override forward(input: Tensor, target: Tensor, variance: Tensor): Tensor {
    return F.gaussianNllLoss(input, target, variance, {
      full: this.full,
      eps: this.eps,
      reduction: this.reduction,
    });
  }
}

/**
 * Cosine embedding loss of two inputs with ±1 labels (`margin` default 0): called as
 * `criterion(x1, x2, y)`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import * as nn from "./mod.ts";
 * assertEquals(new nn.CosineEmbeddingLoss()(torch.eye(2).index(":1"), torch.eye(2).index("1:"), torch.tensor([1])).item(), 1);
 * ```
 */
export class CosineEmbeddingLoss extends Module {
  /** The `margin` setting, as given to the constructor. */
  margin: number;
  /** The `reduction` setting, as given to the constructor. */
  reduction: F.Reduction;
  /** Creates the module; the arguments are described on the class. */
  constructor(opts: F.MarginOptions = {}) {
    super();
    this.margin = opts.margin ?? 0;
    this.reduction = reductionOf("CosineEmbeddingLoss", opts.reduction);
  }
  /** `F.cosineEmbeddingLoss(x1, x2, target, { margin: this.margin, reduction: this.reduction })`. */
  override forward(x1: Tensor, x2: Tensor, target: Tensor): Tensor {
    return F.cosineEmbeddingLoss(x1, x2, target, { margin: this.margin, reduction: this.reduction });
  }
}

/**
 * Ranking hinge loss: `y` = 1 asks for `x1` above `x2` by `margin` (default 0); called as
 * `criterion(x1, x2, y)`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import * as nn from "./mod.ts";
 * assertEquals(Math.abs((new nn.MarginRankingLoss({ margin: 0.1 })(torch.tensor([0.2]), torch.tensor([0.5]), torch.tensor([1])).item() as number) - 0.4) < 5e-2, true); // ≈ 0.4
 * ```
 */
export class MarginRankingLoss extends Module {
  /** The `margin` setting, as given to the constructor. */
  margin: number;
  /** The `reduction` setting, as given to the constructor. */
  reduction: F.Reduction;
  /** Creates the module; the arguments are described on the class. */
  constructor(opts: F.MarginOptions = {}) {
    super();
    this.margin = opts.margin ?? 0;
    this.reduction = reductionOf("MarginRankingLoss", opts.reduction);
  }
  /** `F.marginRankingLoss(x1, x2, target, { margin: this.margin, reduction: this.reduction })`. */
  override forward(x1: Tensor, x2: Tensor, target: Tensor): Tensor {
    return F.marginRankingLoss(x1, x2, target, { margin: this.margin, reduction: this.reduction });
  }
}

/**
 * Triplet loss with p-norm distances (`margin` 1, `p` 2, `eps` 1e-6, `swap`); called as
 * `criterion(anchor, positive, negative)`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import * as nn from "./mod.ts";
 * const a = torch.zeros(1, 2), p = torch.eye(2).index("1:"), n = p.mul(1.5);
 * assertEquals(new nn.TripletMarginLoss({ eps: 0 })(a, p, n).item(), 0.5);
 * ```
 */
export class TripletMarginLoss extends Module {
  /** The `margin` setting, as given to the constructor. */
  margin: number;
  /** The `p` setting, as given to the constructor. */
  p: number;
  /** The `eps` setting, as given to the constructor. */
  eps: number;
  /** The `swap` setting, as given to the constructor. */
  swap: boolean;
  /** The `reduction` setting, as given to the constructor. */
  reduction: F.Reduction;
  /** Creates the module; the arguments are described on the class. */
  constructor(opts: F.TripletMarginOptions = {}) {
    super();
    this.margin = opts.margin ?? 1;
    this.p = opts.p ?? 2;
    this.eps = opts.eps ?? 1e-6;
    this.swap = opts.swap ?? false;
    this.reduction = reductionOf("TripletMarginLoss", opts.reduction);
  }
  /** Applies the module to its input (see the class docs). */
  override forward(anchor: Tensor, positive: Tensor, negative: Tensor): Tensor {
    return F.tripletMarginLoss(anchor, positive, negative, {
      margin: this.margin,
      p: this.p,
      eps: this.eps,
      swap: this.swap,
      reduction: this.reduction,
    });
  }
}

/**
 * Cosine similarity along `dim` (default 1).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import * as nn from "./mod.ts";
 * assertEquals(new nn.CosineSimilarity()(torch.tensor([[1, 0]]), torch.tensor([[2, 0]])).toArray(), [1]);
 * ```
 */
export class CosineSimilarity extends Module {
  /** The `dim` setting, as given to the constructor. */
  dim: number;
  /** The `eps` setting, as given to the constructor. */
  eps: number;
  /** Creates the module; the arguments are described on the class. */
  constructor(opts: { dim?: number; eps?: number } = {}) {
    super();
    this.dim = opts.dim ?? 1;
    this.eps = opts.eps ?? 1e-8;
  }
  /** `F.cosineSimilarity(x1, x2, this.dim, this.eps)`. */
  override forward(x1: Tensor, x2: Tensor): Tensor {
    return F.cosineSimilarity(x1, x2, this.dim, this.eps);
  }
}

/**
 * p-norm distance between rows (`p` 2, `eps` 1e-6, `keepdim`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import * as nn from "./mod.ts";
 * assertEquals(new nn.PairwiseDistance({ eps: 0 })(torch.tensor([[0, 0]]), torch.tensor([[3, 4]])).toArray(), [5]);
 * ```
 */
export class PairwiseDistance extends Module {
  /** The `p` setting, as given to the constructor. */
  p: number;
  /** The `eps` setting, as given to the constructor. */
  eps: number;
  /** The `keepdim` setting, as given to the constructor. */
  keepdim: boolean;
  /** Creates the module; the arguments are described on the class. */
  constructor(opts: { p?: number; eps?: number; keepdim?: boolean } = {}) {
    super();
    this.p = opts.p ?? 2;
    this.eps = opts.eps ?? 1e-6;
    this.keepdim = opts.keepdim ?? false;
  }
  /** `F.pairwiseDistance(x1, x2, this.p, this.eps, this.keepdim)`. */
  override forward(x1: Tensor, x2: Tensor): Tensor {
    return F.pairwiseDistance(x1, x2, this.p, this.eps, this.keepdim);
  }
}
