/**
 * Distances and the margin / embedding losses of `torch.nn.functional`: `cosineSimilarity`,
 * `pairwiseDistance`, `softMarginLoss`, `multilabelSoftMarginLoss`, `hingeEmbeddingLoss`,
 * `multiMarginLoss`, `cosineEmbeddingLoss`, `marginRankingLoss`, `tripletMarginLoss` and
 * `poissonNllLoss`. Part of `F`; written with tensor ops, so they run on every backend and
 * autograd differentiates them.
 * @module
 */
import { refuseComplex } from "../complex/core.ts";
import { isFloating } from "../dtype.ts";
import { fmtShape, normDim } from "../shape.ts";
import type { Tensor } from "../tensor.ts";
import * as ew from "../ops/elementwise.ts";
import * as red from "../ops/reduce.ts";
import { gather } from "../ops/indexing.ts";
import { oneHot } from "../ops/one_hot.ts";
import { softplus } from "./activations.ts";
import { checkFloat, checkReduction, checkTensor, pointwiseTarget, sameShape } from "./checks.ts";
import { type LossOptions, reduceLoss } from "./loss_reduction.ts";
import { named } from "../ops/dispatch.ts";
import { inFrameOf } from "../memory.ts";
import { autocastCall } from "../amp/autocast_call.ts";

/**
 * Cosine of the angle between `x1` and `x2` along `dim` (default 1), broadcasting:
 * `x1·x2 / (max(‖x1‖, eps) · max(‖x2‖, eps))`, as PyTorch 1.13 (the clamp does not stop the
 * norms' gradients, so a zero vector gets a finite one).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * assertEquals(torch.allclose(F.cosineSimilarity(torch.tensor([[1, 0]]), torch.tensor([[1, 1]])), torch.tensor([0.7071068]), { atol: 1e-7, rtol: 0 }), true); // ≈ [0.7071068]
 * ```
 */
export function cosineSimilarity(x1: Tensor, x2: Tensor, dim = 1, eps = 1e-8): Tensor {
  const amp = autocastCall("float32", cosineSimilarity, x1, x2, dim, eps);
  if (amp !== undefined) return amp;
  return inFrameOf(() => {
    const a = asFloat("cosineSimilarity", "x1", x1), b = asFloat("cosineSimilarity", "x2", x2);
    const d = normDim("cosineSimilarity", dim, Math.max(a.ndim, b.ndim));
    const dot = red.sum(ew.mul(a, b), d);
    // max(‖x‖, eps) in value, ‖x‖ in gradient (PyTorch clamps the norms in place without grad).
    const clamped = (x: Tensor) => {
      const n = red.norm(x, 2, d);
      return ew.add(n, ew.sub(ew.clamp(n.detach(), eps), n.detach()));
    };
    return named(ew.div(dot, ew.mul(clamped(a), clamped(b))), "SumBackward1", x1, x2);
  });
}

function asFloat(op: string, name: string, x: unknown): Tensor {
  const t = checkTensor(op, name, x);
  return isFloating(t.dtype) ? t : t.float();
}

/**
 * The p-norm of `x1 − x2 + eps` over the last dim (PyTorch's `pairwise_distance`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * assertEquals(F.pairwiseDistance(torch.tensor([[0, 0]]), torch.tensor([[3, 4]]), 2, 0).toArray(), [5]);
 * ```
 */
export function pairwiseDistance(x1: Tensor, x2: Tensor, p = 2, eps = 1e-6, keepdim = false): Tensor {
  refuseComplex("pairwiseDistance", x1, x2, p, eps);
  return inFrameOf(() => {
    const a = asFloat("pairwiseDistance", "x1", x1), b = asFloat("pairwiseDistance", "x2", x2);
    return red.norm(ew.add(ew.sub(a, b), eps), p, -1, { keepdim });
  });
}

/**
 * `log(1 + exp(−y·x))` for labels `y` of ±1, reduced.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * assertEquals(Math.abs((F.softMarginLoss(torch.zeros(1), torch.tensor([1])).item() as number) - 0.6931472) < 5e-8, true); // ≈ 0.6931472
 * ```
 */
export function softMarginLoss(input: Tensor, target: Tensor, opts: LossOptions = {}): Tensor {
  const amp = autocastCall("float32", softMarginLoss, input, target, opts);
  if (amp !== undefined) return amp;
  return inFrameOf(() => {
    checkReduction("softMarginLoss", opts.reduction);
    const y = pointwiseTarget("softMarginLoss", input, target);
    const loss = reduceLoss("softMarginLoss", softplus(ew.neg(ew.mul(y, input))), opts.reduction);
    return named(loss, "SoftMarginLossBackward0", input, target);
  });
}

/** Options of {@link multilabelSoftMarginLoss}. */
export interface MultilabelSoftMarginOptions extends LossOptions {
  /** A weight per class `[C]`. */
  weight?: Tensor | null;
}

/**
 * One-versus-all logistic loss over `C` labels of 0/1 per sample, averaged over classes, then
 * reduced over samples.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * assertEquals(Math.abs((F.multilabelSoftMarginLoss(torch.zeros(1, 2), torch.tensor([[1, 0]])).item() as number) - 0.6931472) < 5e-8, true); // ≈ 0.6931472
 * ```
 */
export function multilabelSoftMarginLoss(
  input: Tensor,
  target: Tensor,
  opts: MultilabelSoftMarginOptions = {},
): Tensor {
  const amp = autocastCall("float32", multilabelSoftMarginLoss, input, target, opts);
  if (amp !== undefined) return amp;
  return inFrameOf(() => {
    const op = "multilabelSoftMarginLoss";
    checkReduction(op, opts.reduction);
    const y = pointwiseTarget(op, input, target);
    let loss = ew.neg(ew.add(ew.mul(y, logSigmoid(input)), ew.mul(ew.sub(1, y), logSigmoid(ew.neg(input)))));
    if (opts.weight) loss = ew.mul(loss, checkFloat(op, "weight", opts.weight));
    // PyTorch: the sum over classes divided by their number.
    loss = named(red.mean(loss, input.ndim - 1), "DivBackward0", input);
    return reduceLoss(op, loss, opts.reduction);
  });
}

function logSigmoid(x: Tensor): Tensor {
  return ew.neg(softplus(ew.neg(x)));
}

/** Options of {@link hingeEmbeddingLoss}. */
export interface HingeEmbeddingOptions extends LossOptions {
  /** Default 1. */
  margin?: number;
}

/**
 * `x` where `y` is 1, `max(0, margin − x)` where `y` is −1, reduced (for distances `x`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * assertEquals(torch.allclose(F.hingeEmbeddingLoss(torch.tensor([0.3, 0.4]), torch.tensor([1, -1]), { reduction: "none" }), torch.tensor([0.3, 0.6]), { atol: 5e-2, rtol: 0 }), true); // ≈ [0.3, 0.6]
 * ```
 */
export function hingeEmbeddingLoss(input: Tensor, target: Tensor, opts: HingeEmbeddingOptions = {}): Tensor {
  const amp = autocastCall("float32", hingeEmbeddingLoss, input, target, opts);
  if (amp !== undefined) return amp;
  return inFrameOf(() => {
    const op = "hingeEmbeddingLoss";
    checkReduction(op, opts.reduction);
    const y = pointwiseTarget(op, input, target);
    const margin = ew.clamp(ew.sub(opts.margin ?? 1, input), 0);
    const loss = ew.add(ew.where(ew.ne(y, 1), margin, 0), ew.where(ew.ne(y, -1), input, 0));
    return reduceLoss(op, loss, opts.reduction);
  });
}

/** Options of {@link multiMarginLoss}. */
export interface MultiMarginOptions extends LossOptions {
  /** 1 or 2 (default 1). */
  p?: number;
  /** Default 1. */
  margin?: number;
  /** A weight per class `[C]`, applied by the target's class. */
  weight?: Tensor | null;
}

/**
 * Multi-class hinge loss of scores `[N, C]` (or `[C]`) against class indices:
 * `Σ_{i≠y} max(0, margin − x[y] + x[i])^p / C`, reduced.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * assertEquals(Math.abs((F.multiMarginLoss(torch.tensor([[0.1, 0.2, 0.4, 0.8]]), torch.tensor([3])).item() as number) - 0.325) < 5e-4, true); // ≈ 0.325
 * ```
 */
export function multiMarginLoss(input: Tensor, target: Tensor, opts: MultiMarginOptions = {}): Tensor {
  const amp = autocastCall("float32", multiMarginLoss, input, target, opts);
  if (amp !== undefined) return amp;
  return inFrameOf(() => {
    const op = "multiMarginLoss";
    checkReduction(op, opts.reduction);
    const x0 = checkFloat(op, "input", input), t0 = checkTensor(op, "target", target);
    const p = opts.p ?? 1, margin = opts.margin ?? 1;
    if (p !== 1 && p !== 2) throw new RangeError(`${op}: only p == 1 and p == 2 supported, got ${p}`);
    const x = x0.ndim === 1 ? x0.unsqueeze(0) : x0, t = t0.ndim === 0 ? t0.unsqueeze(0) : t0;
    if (x.ndim !== 2 || t.ndim !== 1 || t.shape[0] !== x.shape[0] || t.dtype !== "int32") {
      throw new RangeError(
        `${op}: expected input [N, C] and int32 class indices [N], got ${
          fmtShape(x0.shape)
        } and ${t0.dtype} ${fmtShape(t0.shape)}`,
      );
    }
    const c = x.shape[1];
    const idx = t.unsqueeze(1);
    const own = gather(x, 1, idx); // [N, 1]
    let terms = ew.clamp(ew.add(ew.sub(margin, own), x), 0);
    if (p === 2) terms = ew.mul(terms, terms);
    if (opts.weight) terms = ew.mul(terms, gather(checkFloat(op, "weight", opts.weight), 0, t).unsqueeze(1));
    // The target's own term is excluded.
    const others = ew.sub(1, oneHot(t, c).to(x.dtype));
    let loss = ew.div(red.sum(ew.mul(terms, others), 1), c);
    if (x0.ndim === 1) loss = loss.squeeze(0);
    return named(reduceLoss(op, loss, opts.reduction), "MultiMarginLossBackward0", input, target);
  });
}

/** Options of {@link cosineEmbeddingLoss} and {@link marginRankingLoss}. */
export interface MarginOptions extends LossOptions {
  /** Default 0. */
  margin?: number;
}

function pairTarget(op: string, x1: Tensor, x2: Tensor, y: Tensor, rows: readonly number[]): Tensor {
  checkFloat(op, "input1", x1);
  checkFloat(op, "input2", x2);
  const t = checkTensor(op, "target", y);
  if (!sameShape(t.shape, rows)) {
    throw new RangeError(`${op}: expected target of shape ${fmtShape(rows)}, got ${fmtShape(t.shape)}`);
  }
  return t.dtype === "float32" || t.dtype === "float64" ? t : t.float();
}

/**
 * `1 − cos(x1, x2)` where `y` is 1, `max(0, cos(x1, x2) − margin)` where `y` is −1, over rows
 * of `[N, D]` inputs (or `[D]`), reduced.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * assertEquals(F.cosineEmbeddingLoss(torch.eye(2).index(":1"), torch.eye(2).index("1:"), torch.tensor([1])).item(), 1);
 * ```
 */
export function cosineEmbeddingLoss(
  x1: Tensor,
  x2: Tensor,
  target: Tensor,
  opts: MarginOptions = {},
): Tensor {
  const amp = autocastCall("float32", cosineEmbeddingLoss, x1, x2, target, opts);
  if (amp !== undefined) return amp;
  return inFrameOf(() => {
    const op = "cosineEmbeddingLoss";
    checkReduction(op, opts.reduction);
    if (!sameShape(x1.shape, x2.shape) || (x1.ndim !== 1 && x1.ndim !== 2)) {
      throw new RangeError(
        `${op}: expected inputs of one shape [N, D] or [D], got ${fmtShape(x1.shape)} and ${
          fmtShape(x2.shape)
        }`,
      );
    }
    const y = pairTarget(op, x1, x2, target, x1.shape.slice(0, -1));
    const d = x1.ndim - 1;
    const eps = 1e-12;
    const dot = red.sum(ew.mul(x1, x2), d);
    const m1 = ew.add(red.sum(ew.mul(x1, x1), d), eps), m2 = ew.add(red.sum(ew.mul(x2, x2), d), eps);
    const cos = ew.div(dot, ew.sqrt(ew.mul(m1, m2)));
    const loss = ew.add(
      ew.where(ew.eq(y, 1), ew.sub(1, cos), 0),
      ew.where(ew.eq(y, -1), ew.clamp(ew.sub(cos, opts.margin ?? 0), 0), 0),
    );
    return reduceLoss(op, loss, opts.reduction);
  });
}

/**
 * `max(0, −y·(x1 − x2) + margin)`: `y` = 1 asks for `x1` ranked above `x2`, reduced.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * assertEquals(Math.abs((F.marginRankingLoss(torch.tensor([0.2]), torch.tensor([0.5]), torch.tensor([1]), { margin: 0.1 }).item() as number) - 0.4) < 5e-2, true); // ≈ 0.4
 * ```
 */
export function marginRankingLoss(x1: Tensor, x2: Tensor, target: Tensor, opts: MarginOptions = {}): Tensor {
  const amp = autocastCall("float32", marginRankingLoss, x1, x2, target, opts);
  if (amp !== undefined) return amp;
  return inFrameOf(() => {
    const op = "marginRankingLoss";
    checkReduction(op, opts.reduction);
    if (!sameShape(x1.shape, x2.shape)) {
      throw new RangeError(
        `${op}: expected inputs of one shape, got ${fmtShape(x1.shape)} and ${fmtShape(x2.shape)}`,
      );
    }
    const y = pairTarget(op, x1, x2, target, x1.shape);
    // PyTorch's clamp_min.
    const loss = named(
      ew.clamp(ew.add(ew.neg(ew.mul(y, ew.sub(x1, x2))), opts.margin ?? 0), 0),
      "ClampMinBackward0",
      x1,
      x2,
    );
    return reduceLoss(op, loss, opts.reduction);
  });
}

/** Options of {@link tripletMarginLoss}. */
export interface TripletMarginOptions extends LossOptions {
  /** Default 1. */
  margin?: number;
  /** The norm of the distances (default 2). */
  p?: number;
  /** Added inside the distances (default 1e-6). */
  eps?: number;
  /** Use the smaller of d(anchor, negative) and d(positive, negative) (default false). */
  swap?: boolean;
}

/**
 * `max(0, d(anchor, positive) − d(anchor, negative) + margin)` with pairwise p-norm distances, reduced.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * const a = torch.zeros(1, 2), p = torch.eye(2).index("1:"), n = p.mul(1.5);
 * assertEquals(F.tripletMarginLoss(a, p, n, { eps: 0 }).item(), 0.5);
 * ```
 */
export function tripletMarginLoss(
  anchor: Tensor,
  positive: Tensor,
  negative: Tensor,
  opts: TripletMarginOptions = {},
): Tensor {
  const amp = autocastCall("float32", tripletMarginLoss, anchor, positive, negative, opts);
  if (amp !== undefined) return amp;
  return inFrameOf(() => {
    const op = "tripletMarginLoss";
    checkReduction(op, opts.reduction);
    for (const [name, t] of [["anchor", anchor], ["positive", positive], ["negative", negative]] as const) {
      checkFloat(op, name, t);
    }
    if (!sameShape(anchor.shape, positive.shape) || !sameShape(anchor.shape, negative.shape)) {
      throw new RangeError(
        `${op}: expected anchor, positive and negative of one shape, got ${fmtShape(anchor.shape)}, ${
          fmtShape(positive.shape)
        } and ${fmtShape(negative.shape)}`,
      );
    }
    const { p = 2, eps = 1e-6, margin = 1 } = opts;
    const dPos = pairwiseDistance(anchor, positive, p, eps);
    let dNeg = pairwiseDistance(anchor, negative, p, eps);
    if (opts.swap) dNeg = ew.minimum(dNeg, pairwiseDistance(positive, negative, p, eps));
    const loss = named(ew.clamp(ew.add(ew.sub(dPos, dNeg), margin), 0), "ClampMinBackward0", anchor);
    return reduceLoss(op, loss, opts.reduction);
  });
}

/** Options of {@link poissonNllLoss}. */
export interface PoissonNllOptions extends LossOptions {
  /** The input is the log of the rate (default true). */
  logInput?: boolean;
  /** Add Stirling's approximation of log(target!) (default false). */
  full?: boolean;
  /** Keeps log(input) finite when `logInput` is false (default 1e-8). */
  eps?: number;
}

/**
 * Negative log-likelihood of counts `target` under Poisson rates `input`, reduced.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * assertEquals(F.poissonNllLoss(torch.zeros(1), torch.ones(1)).item(), 1);
 * ```
 */
export function poissonNllLoss(input: Tensor, target: Tensor, opts: PoissonNllOptions = {}): Tensor {
  const amp = autocastCall("float32", poissonNllLoss, input, target, opts);
  if (amp !== undefined) return amp;
  return inFrameOf(() => {
    const op = "poissonNllLoss";
    checkReduction(op, opts.reduction);
    const y = pointwiseTarget(op, input, target);
    const { logInput = true, full = false, eps = 1e-8 } = opts;
    let loss = logInput
      ? ew.sub(ew.exp(input), ew.mul(y, input))
      : ew.sub(input, ew.mul(y, ew.log(ew.add(input, eps))));
    if (full) {
      // target·log(target) − target + ½·log(2π·target), for targets above 1.
      const safe = ew.where(ew.gt(y, 1), y, 1);
      const stirling = ew.add(
        ew.sub(ew.mul(safe, ew.log(safe)), safe),
        ew.mul(ew.log(ew.mul(safe, 2 * Math.PI)), 0.5),
      );
      loss = ew.add(loss, ew.where(ew.gt(y, 1), stirling, 0));
    }
    return reduceLoss(op, loss, opts.reduction);
  });
}
