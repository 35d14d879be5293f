/**
 * `F`: functional forms of layers and losses (PyTorch's `torch.nn.functional`).
 * @module
 */
import { Tensor } from "../tensor.ts";
import { fmtShape } from "../shape.ts";
import { isFloating } from "../dtype.ts";
import * as ew from "../ops/elementwise.ts";
import * as red from "../ops/reduce.ts";
import * as mv from "../ops/movement.ts";
import { gather, indexSelect } from "../ops/indexing.ts";
import * as mm from "../ops/matmul.ts";
import { badTargetError, bceTerms, fusedCrossEntropy, type Reduction } from "../ops/loss.ts";
export type { Reduction } from "../ops/loss.ts";
import { matmul } from "../ops/matmul.ts";
import { named, record, recordComposite } from "../ops/dispatch.ts";
import { noGrad } from "../autograd/grad_mode.ts";
import {
  checkFloat,
  checkReduction,
  checkTensor,
  describe,
  type InplaceArg,
  inplaceResult,
  pointwiseTarget,
  sameShape,
} from "./checks.ts";
import { guarded, rangeGuard } from "../ops/value_checks.ts";

export { oneHot } from "../ops/indexing.ts";
export { avgPool2d, conv1d, conv2d, maxPool2d } from "../ops/conv.ts";
export { pad, type PadMode, type PadOptions } from "../ops/pad.ts";
export { convTranspose2d } from "../ops/conv_transpose.ts";
export { interpolate, type InterpolateMode, type InterpolateOptions } from "../ops/interpolate.ts";
export { groupNorm, type GroupNormOptions } from "./layers/group_norm.ts";
export {
  cosineEmbeddingLoss,
  cosineSimilarity,
  hingeEmbeddingLoss,
  type HingeEmbeddingOptions,
  type MarginOptions,
  marginRankingLoss,
  multilabelSoftMarginLoss,
  type MultilabelSoftMarginOptions,
  multiMarginLoss,
  type MultiMarginOptions,
  pairwiseDistance,
  poissonNllLoss,
  type PoissonNllOptions,
  softMarginLoss,
  tripletMarginLoss,
  type TripletMarginOptions,
} from "./loss_margin.ts";
export { type AttentionOptions, scaledDotProductAttention } from "./attention.ts";
import { type LossOptions, reduceLoss } from "./loss_reduction.ts";
export { type LossOptions, reduceLoss } from "./loss_reduction.ts";
export { gaussianNllLoss, type GaussianNllOptions } from "./loss_gaussian.ts";
export {
  alphaDropout,
  dropout,
  dropout1d,
  dropout2d,
  dropout3d,
  type DropoutOptions,
  featureAlphaDropout,
} from "./dropout.ts";
export {
  adaptiveAvgPool2d,
  adaptiveMaxPool2d,
  type AdaptiveMaxPool2dOptions,
  type AdaptiveSize,
} from "../ops/adaptive_pool.ts";
export {
  celu,
  elu,
  glu,
  hardshrink,
  hardsigmoid,
  hardswish,
  hardtanh,
  logsigmoid,
  mish,
  prelu,
  relu6,
  selu,
  softmin,
  softplus,
  softshrink,
  softsign,
  tanhshrink,
  threshold,
} from "./activations.ts";
import { inFrameOf } from "../memory.ts";
import { autocastCall, refuseUnderAutocast } from "../amp/autocast.ts";

/** `x` itself when floating, else converted to float32 (as the elementwise math ops do). */
function asFloat(op: string, x: unknown): Tensor {
  const t = checkTensor(op, "input", x);
  return isFloating(t.dtype) ? t : t.float();
}

/** Records `out = forward(x)` (computed without a graph) as one op whose derivative is `derivative(x)`. */
function fusedUnary(
  op: "gelu",
  x: Tensor,
  forward: (x: Tensor) => Tensor,
  derivative: (x: Tensor) => Tensor,
): Tensor {
  const out = noGrad(() => forward(x));
  return record(op, [x], out, { derivative });
}

// ---------------------------------------------------------------------------------------------
// Activations

/**
 * `max(x, 0)`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * assertEquals(F.relu(torch.tensor([-1, 2])).toArray(), [0, 2]);
 * ```
 */
export function relu(x: Tensor, inplace?: InplaceArg): Tensor {
  return inFrameOf(() => {
    checkTensor("relu", "input", x);
    return inplaceResult("relu", x, inplace, ew.relu);
  });
}

/**
 * `x` where positive, `negativeSlope * x` elsewhere.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * assertEquals(torch.allclose(F.leakyRelu(torch.tensor([-1.0, 2.0]), 0.1), torch.tensor([-0.1, 2]), { atol: 5e-2, rtol: 0 }), true); // ≈ [-0.1, 2]
 * ```
 */
export function leakyRelu(input: Tensor, negativeSlope = 0.01, inplace?: InplaceArg): Tensor {
  return inFrameOf(() =>
    inplaceResult("leakyRelu", input, inplace, (t) => {
      const x = asFloat("leakyRelu", t);
      return named(ew.where(ew.gt(x, 0), x, ew.mul(x, negativeSlope)), "LeakyReluBackward0", t);
    })
  );
}

/**
 * Logistic sigmoid.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * assertEquals(F.sigmoid(torch.tensor([0.0])).toArray(), [0.5]);
 * ```
 */
export function sigmoid(x: Tensor): Tensor {
  return inFrameOf(() => {
    return ew.sigmoid(checkTensor("sigmoid", "input", x));
  });
}

/**
 * Hyperbolic tangent.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * assertEquals(F.tanh(torch.tensor([0.0])).toArray(), [0]);
 * ```
 */
export function tanh(x: Tensor): Tensor {
  return inFrameOf(() => {
    return ew.tanh(checkTensor("tanh", "input", x));
  });
}

/** Options of `gelu`. */
export interface GeluOptions {
  /** `"none"` (default): the exact erf form; `"tanh"`: the tanh approximation. */
  approximate?: "none" | "tanh";
}

const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/**
 * The standard normal CDF `Φ(x) = erfc(-x/√2)/2`, from elementwise ops. erfc uses the Chebyshev
 * fit of Numerical Recipes (relative error below 1.2e-7 everywhere, tails included).
 */
function normalCdf(x: Tensor): Tensor {
  // |x| written with where, so that its derivative at 0 is 1 and the gradient there is right.
  const z = ew.mul(ew.where(ew.ge(x, 0), x, ew.neg(x)), SQRT1_2);
  const t = ew.div(1, ew.add(ew.mul(z, 0.5), 1));
  const c = [
    -1.26551223,
    1.00002368,
    0.37409196,
    0.09678418,
    -0.18628806,
    0.27886807,
    -1.13520398,
    1.48851587,
    -0.82215223,
    0.17087277,
  ];
  let poly: Tensor = ew.mul(t, c[9]);
  for (let i = 8; i >= 1; i--) poly = ew.mul(t, ew.add(poly, c[i]));
  const half = ew.mul(ew.mul(t, ew.exp(ew.sub(ew.add(poly, c[0]), ew.mul(z, z)))), 0.5); // erfc(z) / 2
  return ew.where(ew.lt(x, 0), half, ew.sub(1, half));
}

function geluExact(x: Tensor): Tensor {
  return ew.mul(x, normalCdf(x));
}

function geluExactDerivative(x: Tensor): Tensor {
  const pdf = ew.mul(ew.exp(ew.mul(ew.mul(x, x), -0.5)), INV_SQRT_2PI);
  return ew.add(normalCdf(x), ew.mul(x, pdf));
}

/**
 * Gaussian error linear unit: `x·Φ(x)` (the exact form, PyTorch's default), or with
 * `approximate: "tanh"` `0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * assertEquals(Math.abs((F.gelu(torch.tensor([1.0])).item() as number) - 0.8413447) < 5e-8, true); // ≈ 0.8413447
 * assertEquals(Math.abs((F.gelu(torch.tensor([1.0]), { approximate: "tanh" }).item() as number) - 0.8411920) < 5e-8, true); // ≈ 0.8411920
 * ```
 */
export function gelu(input: Tensor, opts: GeluOptions = {}): Tensor {
  return inFrameOf(() => {
    const x = asFloat("gelu", input);
    const approximate = opts.approximate ?? "none";
    if (approximate === "tanh") {
      const inner = ew.mul(ew.add(x, ew.mul(ew.mul(ew.mul(x, x), x), 0.044715)), Math.sqrt(2 / Math.PI));
      return named(ew.mul(ew.mul(x, 0.5), ew.add(ew.tanh(inner), 1)), "GeluBackward0", input);
    }
    if (approximate !== "none") {
      throw new TypeError(`gelu: approximate must be "none" or "tanh", got ${JSON.stringify(approximate)}`);
    }
    return fusedUnary("gelu", x, geluExact, geluExactDerivative);
  });
}

/**
 * SiLU (swish): `x·sigmoid(x)`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * assertEquals(torch.allclose(F.silu(torch.tensor([0.0, 1.0])), torch.tensor([0, 0.7310586]), { atol: 5e-8, rtol: 0 }), true); // ≈ [0, 0.7310586]
 * ```
 */
export function silu(input: Tensor, inplace?: InplaceArg): Tensor {
  return inFrameOf(() =>
    inplaceResult("silu", input, inplace, (t) => {
      const x = asFloat("silu", t);
      return named(ew.mul(x, ew.sigmoid(x)), "SiluBackward0", t);
    })
  );
}

/**
 * PyTorch's legacy choice of softmax dim when none is given: 0 for 0-, 1- and 3-d input, else 1.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import { F } from "./mod.ts";
 * assertEquals(F.implicitSoftmaxDim(2), 1);
 * ```
 */
export function implicitSoftmaxDim(ndim: number): number {
  return ndim === 0 || ndim === 1 || ndim === 3 ? 0 : 1;
}

/**
 * Softmax along `dim`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * assertEquals(F.softmax(torch.tensor([[0.0, 0.0]]), 1).toArray(), [[0.5, 0.5]]);
 * ```
 */
export function softmax(x: Tensor, dim: number): Tensor {
  return inFrameOf(() => {
    return red.softmax(checkTensor("softmax", "input", x), dim);
  });
}

/**
 * Log-softmax along `dim`, computed stably.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * assertEquals(torch.allclose(F.logSoftmax(torch.tensor([0.0, 0.0]), 0), torch.tensor([-0.6931472, -0.6931472]), { atol: 5e-8, rtol: 0 }), true); // ≈ [-0.6931472, -0.6931472]
 * ```
 */
export function logSoftmax(x: Tensor, dim: number): Tensor {
  return inFrameOf(() => {
    return red.logSoftmax(checkTensor("logSoftmax", "input", x), dim);
  });
}

/** Options of `normalize`. */
export interface NormalizeOptions {
  /** The norm's exponent (default 2). */
  p?: number;
  /** The dim normalized over (default 1). */
  dim?: number;
  /** The smallest denominator (default 1e-12). */
  eps?: number;
}

/**
 * `x / max(‖x‖_p, eps)` along `dim` (PyTorch's `F.normalize`; the clamp's gradient is 0 where it
 * applies, so a zero vector gets gradient 1/eps, as PyTorch).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * assertEquals(torch.allclose(F.normalize(torch.tensor([[3, 4]], { dtype: "float32" })), torch.tensor([[0.6, 0.8]]), { atol: 5e-2, rtol: 0 }), true); // ≈ [[0.6, 0.8]]
 * ```
 */
export function normalize(x: Tensor, opts: NormalizeOptions = {}): Tensor {
  return inFrameOf(() => {
    const input = checkFloat("normalize", "input", x);
    const dim = opts.dim ?? 1, eps = opts.eps ?? 1e-12;
    return ew.div(input, ew.clamp(red.norm(input, opts.p ?? 2, dim, { keepdim: true }), eps));
  });
}

// ---------------------------------------------------------------------------------------------
// Dropout, linear, normalization, embedding

/**
 * `x @ weight.T + bias` with `weight` of shape `[out, in]` (the matmul reads the transpose in
 * place, without a copy).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * const w = torch.tensor([[1, 0], [0, 2], [1, 1]], { dtype: "float32" });
 * assertEquals(F.linear(torch.tensor([[1.0, 2.0]]), w, torch.tensor([0.5, 0.5, 0.5])).toArray(), [[1.5, 4.5, 3.5]]);
 * ```
 */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  const amp = autocastCall("lower", linear, x, weight, bias);
  if (amp !== undefined) return amp;
  return inFrameOf(() => {
    checkTensor("linear", "input", x);
    checkTensor("linear", "weight", weight);
    if (weight.ndim !== 2 && weight.ndim !== 1) {
      throw new RangeError(
        `linear: weight must be 2-D [out_features, in_features], got shape ${fmtShape(weight.shape)}`,
      );
    }
    const inFeatures = weight.shape[weight.ndim - 1];
    if (x.ndim === 0 || x.shape[x.ndim - 1] !== inFeatures) {
      throw new RangeError(
        `linear: input's last dimension must be in_features=${inFeatures} (weight ${
          fmtShape(weight.shape)
        }), ` +
          `got input of shape ${fmtShape(x.shape)}`,
      );
    }
    const b = bias === null || bias === undefined ? null : checkTensor("linear", "bias", bias);
    // One dtype, float32 or float16 (autocast's): the fused product + bias, rounded once.
    const oneFloat = (x.dtype === "float32" || x.dtype === "float16") && weight.dtype === x.dtype &&
      (b === null || b.dtype === x.dtype);
    if (weight.ndim === 2 && oneFloat && (b === null || b.ndim === 1)) return mm.linear(x, weight, b);
    let out = weight.ndim === 2 ? matmul(x, mv.t(weight)) : matmul(x, weight);
    if (b !== null) out = ew.add(out, b);
    return out;
  });
}

/** Options of `layerNorm`. */
export interface LayerNormOptions {
  /** Elementwise scale applied after normalising (default: none). */
  weight?: Tensor | null;
  /** Elementwise shift applied after normalising (default: none). */
  bias?: Tensor | null;
  /** Added to the variance (default 1e-5). */
  eps?: number;
}

/**
 * Normalizes over the trailing dims given by `normalizedShape` (biased variance), then applies
 * the optional elementwise `weight` and `bias`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * assertEquals(torch.allclose(F.layerNorm(torch.tensor([[1, 3]], { dtype: "float32" }), [2]), torch.tensor([[-0.999995, 0.999995]]), { atol: 5e-7, rtol: 0 }), true); // ≈ [[-0.999995, 0.999995]]
 * ```
 */
export function layerNorm(
  x: Tensor,
  normalizedShape: number | readonly number[],
  opts: LayerNormOptions = {},
): Tensor {
  const amp = autocastCall("float32", layerNorm, x, normalizedShape, opts);
  if (amp !== undefined) return amp;
  return inFrameOf(() => {
    checkFloat("layerNorm", "input", x);
    const ns = typeof normalizedShape === "number" ? [normalizedShape] : [...normalizedShape];
    const k = ns.length;
    if (k === 0 || x.ndim < k || !sameShape(x.shape.slice(x.ndim - k), ns)) {
      throw new RangeError(
        `layerNorm: given normalized_shape=${fmtShape(ns)}, expected input with shape [*, ${
          ns.join(", ")
        }], ` +
          `but got input of size ${fmtShape(x.shape)}`,
      );
    }
    const eps = opts.eps ?? 1e-5;
    const dims = ns.map((_, i) => x.ndim - k + i);
    const mean = red.mean(x, dims, { keepdim: true });
    const xc = ew.sub(x, mean);
    const variance = red.mean(ew.mul(xc, xc), dims, { keepdim: true });
    let out = ew.mul(xc, ew.rsqrt(ew.add(variance, eps)));
    for (const [name, p] of [["weight", opts.weight], ["bias", opts.bias]] as const) {
      if (p === null || p === undefined) continue;
      checkTensor("layerNorm", name, p);
      if (!sameShape(p.shape, ns)) {
        throw new RangeError(
          `layerNorm: ${name} must have shape ${fmtShape(ns)} (normalized_shape), got ${fmtShape(p.shape)}`,
        );
      }
      out = name === "weight" ? ew.mul(out, p) : ew.add(out, p);
    }
    return named(out, "NativeLayerNormBackward0", x);
  });
}

/** Options of `batchNorm`. */
export interface BatchNormOptions {
  /** Per-channel scale applied after normalising (default: none). */
  weight?: Tensor | null;
  /** Per-channel shift applied after normalising (default: none). */
  bias?: Tensor | null;
  /** Use batch statistics and update the running ones (default false: use the running ones). */
  training?: boolean;
  /** Weight of the new batch statistics in the running averages (default 0.1). */
  momentum?: number;
  /** Added to the variance (default 1e-5). */
  eps?: number;
}

/**
 * Batch normalization over dim 1 (the channels) of `[N, C, ...]` input. In training it
 * normalizes with the batch's mean and biased variance and updates `runningMean`/`runningVar`
 * in place (with the unbiased variance); otherwise it uses the running statistics.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * const rm = torch.zeros(2), rv = torch.ones(2);
 * const x = torch.tensor([[1, 2], [3, 6]], { dtype: "float32" });
 * const y = F.batchNorm(x, rm, rv, { training: true });
 * assertEquals(torch.allclose(y, torch.tensor([[-1, -1], [1, 1]], { dtype: "float32" }), { atol: 1e-4 }), true);
 * assertEquals(torch.allclose(rm, torch.tensor([0.2, 0.4])), true); // the running mean moved by momentum 0.1
 * ```
 */
export function batchNorm(
  x: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  opts: BatchNormOptions = {},
): Tensor {
  return inFrameOf(() => {
    checkFloat("batchNorm", "input", x);
    const { training = false, momentum = 0.1, eps = 1e-5 } = opts;
    if (x.ndim < 2) {
      throw new RangeError(
        `batchNorm: expected input of at least 2 dims [N, C, ...], got shape ${fmtShape(x.shape)}`,
      );
    }
    const c = x.shape[1];
    const bshape = x.shape.map((s, i) => (i === 1 ? s : 1));
    const dims = x.shape.map((_, i) => i).filter((i) => i !== 1);
    for (
      const [name, p] of [["runningMean", runningMean], ["runningVar", runningVar], ["weight", opts.weight], [
        "bias",
        opts.bias,
      ]] as const
    ) {
      if (p === null || p === undefined) continue;
      checkTensor("batchNorm", name, p);
      if (p.numel() !== c) {
        throw new RangeError(
          `batchNorm: ${name} should contain ${c} elements (one per channel), got shape ${fmtShape(p.shape)}`,
        );
      }
    }
    let out: Tensor;
    if (training) {
      const n = x.numel() / c;
      if (n <= 1) {
        throw new RangeError(
          `batchNorm: expected more than 1 value per channel when training, got input size ${
            fmtShape(x.shape)
          }`,
        );
      }
      const mean = red.mean(x, dims, { keepdim: true });
      const xc = ew.sub(x, mean);
      const variance = red.mean(ew.mul(xc, xc), dims, { keepdim: true });
      out = ew.mul(xc, ew.rsqrt(ew.add(variance, eps)));
      noGrad(() => {
        if (runningMean) {
          runningMean.mul_(1 - momentum).add_(mv.reshape(mean.detach(), runningMean.shape).mul(momentum));
        }
        if (runningVar) {
          const unbiased = mv.reshape(variance.detach(), runningVar.shape).mul(momentum * n / (n - 1));
          runningVar.mul_(1 - momentum).add_(unbiased);
        }
      });
    } else {
      if (!runningMean || !runningVar) {
        throw new Error("batchNorm: runningMean and runningVar are required when training is false");
      }
      out = ew.mul(
        ew.sub(x, mv.reshape(runningMean, bshape)),
        ew.rsqrt(ew.add(mv.reshape(runningVar, bshape), eps)),
      );
    }
    if (opts.weight) out = ew.mul(out, mv.reshape(opts.weight, bshape));
    if (opts.bias) out = ew.add(out, mv.reshape(opts.bias, bshape));
    return named(out, "NativeBatchNormBackward0", x);
  });
}

/** Options of `embedding`. */
export interface EmbeddingOptions {
  /** Row whose gradient is always zero (its lookups still return its value). Negative counts from the end. */
  paddingIdx?: number | null;
}

/**
 * Checks that the indices in `input` lie in `[0, n)` (or equal `allow`): at once on the CPU;
 * elsewhere returns the guard the op's result carries (see ops/value_checks.ts).
 */
function checkIndices(op: string, input: Tensor, n: number, what: string, allow?: number): Tensor | null {
  const message = (v: number) =>
    `${op}: index ${v} is out of range for ${what} (expected values in [0, ${n - 1}])`;
  if (input.device !== "cpu") return rangeGuard(op, input, 0, n - 1, message, { allow });
  if (input.numel() === 0) return null;
  const values = input.dataSync();
  for (const v of values) {
    if ((v < 0 || v >= n) && v !== allow) throw new RangeError(message(v));
  }
  return null;
}

/**
 * Looks up rows of `weight` (`[num, dim]`) for the int32 indices in `input`: the result has
 * shape `[...input.shape, dim]`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * const w = torch.tensor([[0, 0], [1, 2], [3, 4]], { dtype: "float32" });
 * assertEquals(F.embedding(torch.tensor([2, 1]), w).toArray(), [[3, 4], [1, 2]]);
 * ```
 */
export function embedding(input: Tensor, weight: Tensor, opts: EmbeddingOptions = {}): Tensor {
  return inFrameOf(() => {
    checkTensor("embedding", "input", input);
    checkTensor("embedding", "weight", weight);
    if (input.dtype !== "int32" && input.dtype !== "uint8") {
      throw new TypeError(
        `embedding: expected indices as an int32 tensor, got ${input.dtype} (convert them with .int() or .long())`,
      );
    }
    if (weight.ndim !== 2) {
      throw new RangeError(
        `embedding: weight must be 2-D [num_embeddings, embedding_dim], got ${fmtShape(weight.shape)}`,
      );
    }
    const [num, dim] = weight.shape;
    const guard = checkIndices("embedding", input, num, `an embedding table of ${num} rows`);
    let out = guarded(
      mv.reshape(indexSelect(weight, 0, mv.reshape(input, [-1])), [...input.shape, dim]),
      guard,
    );
    const pi = opts.paddingIdx;
    if (pi !== null && pi !== undefined && out.requiresGrad) {
      const idx = pi < 0 ? pi + num : pi;
      const keep = mv.unsqueeze(ew.ne(input, idx), -1);
      out = ew.where(keep, out, out.detach());
    }
    return named(out, "EmbeddingBackward0", input, weight);
  });
}

// ---------------------------------------------------------------------------------------------
// Losses

/**
 * Mean squared error `(input - target)²`, reduced.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * assertEquals(F.mseLoss(torch.tensor([1.5, 2.5]), torch.tensor([1.5, 4.5])).item(), 2);
 * ```
 */
export function mseLoss(input: Tensor, target: Tensor, opts: LossOptions = {}): Tensor {
  const amp = autocastCall("float32", mseLoss, input, target, opts);
  if (amp !== undefined) return amp;
  return inFrameOf(() => {
    checkReduction("mseLoss", opts.reduction);
    target = pointwiseTarget("mseLoss", input, target);
    const reduction = opts.reduction ?? "mean";
    // One node with PyTorch's formula and saved values (input and target).
    return recordComposite("mseLoss", [input, target], { reduction, count: input.numel() }, () => {
      const d = ew.sub(input, target);
      return reduceLoss("mseLoss", ew.mul(d, d), reduction);
    });
  });
}

/**
 * Mean absolute error `|input - target|`, reduced.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * assertEquals(F.l1Loss(torch.tensor([1.5, 2.5]), torch.tensor([0.5, 4.5])).item(), 1.5);
 * ```
 */
export function l1Loss(input: Tensor, target: Tensor, opts: LossOptions = {}): Tensor {
  const amp = autocastCall("float32", l1Loss, input, target, opts);
  if (amp !== undefined) return amp;
  return inFrameOf(() => {
    checkReduction("l1Loss", opts.reduction);
    target = pointwiseTarget("l1Loss", input, target);
    return reduceLoss("l1Loss", ew.abs(ew.sub(input, target)), opts.reduction);
  });
}

/** Options of `smoothL1Loss`. */
export interface SmoothL1Options extends LossOptions {
  /** Where the loss turns from quadratic to linear (default 1; 0 gives the L1 loss). */
  beta?: number;
}

/**
 * Smooth L1: `0.5·d²/beta` where `|d| < beta`, else `|d| - 0.5·beta`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * assertEquals(F.smoothL1Loss(torch.tensor([0.5, 3.0]), torch.tensor([0.0, 0.0])).item(), 1.3125);
 * ```
 */
export function smoothL1Loss(input: Tensor, target: Tensor, opts: SmoothL1Options = {}): Tensor {
  const amp = autocastCall("float32", smoothL1Loss, input, target, opts);
  if (amp !== undefined) return amp;
  return inFrameOf(() => {
    checkReduction("smoothL1Loss", opts.reduction);
    target = pointwiseTarget("smoothL1Loss", input, target);
    const beta = opts.beta ?? 1;
    if (!(beta >= 0)) throw new RangeError(`smoothL1Loss: beta must be non-negative, got ${beta}`);
    const reduction = opts.reduction ?? "mean";
    return recordComposite("smoothL1Loss", [input, target], { reduction, count: input.numel(), beta }, () => {
      const d = ew.sub(input, target);
      const a = ew.abs(d);
      if (beta === 0) return reduceLoss("smoothL1Loss", a, reduction);
      const loss = ew.where(ew.lt(a, beta), ew.mul(ew.mul(d, d), 0.5 / beta), ew.sub(a, 0.5 * beta));
      return reduceLoss("smoothL1Loss", loss, reduction);
    });
  });
}

/** Options of `huberLoss`. */
export interface HuberOptions extends LossOptions {
  /** Where the loss turns from quadratic to linear (default 1, must be positive). */
  delta?: number;
}

/**
 * Huber loss: `0.5·d²` where `|d| < delta`, else `delta·(|d| - 0.5·delta)`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * assertEquals(F.huberLoss(torch.tensor([0.5, 3.0]), torch.tensor([0.0, 0.0]), { delta: 2 }).item(), 2.0625);
 * ```
 */
export function huberLoss(input: Tensor, target: Tensor, opts: HuberOptions = {}): Tensor {
  return inFrameOf(() => {
    checkReduction("huberLoss", opts.reduction);
    target = pointwiseTarget("huberLoss", input, target);
    const delta = opts.delta ?? 1;
    if (!(delta > 0)) throw new RangeError(`huberLoss: delta must be positive, got ${delta}`);
    const reduction = opts.reduction ?? "mean";
    return recordComposite("huberLoss", [input, target], { reduction, count: input.numel(), delta }, () => {
      const d = ew.sub(input, target);
      const a = ew.abs(d);
      const loss = ew.where(
        ew.lt(a, delta),
        ew.mul(ew.mul(d, d), 0.5),
        ew.mul(ew.sub(a, 0.5 * delta), delta),
      );
      return reduceLoss("huberLoss", loss, reduction);
    });
  });
}

/** Options of `nllLoss`. */
export interface NLLLossOptions extends LossOptions {
  /** A weight per class (1-D, C elements). */
  weight?: Tensor | null;
  /** Targets equal to this contribute nothing, not even to the mean's denominator (default -100). */
  ignoreIndex?: number;
}

/** Options of `crossEntropy`. */
export interface CrossEntropyOptions extends NLLLossOptions {
  /** Mixes the target with the uniform distribution: `(1 - s)·target + s/C` (default 0). */
  labelSmoothing?: number;
}

interface NllParts {
  /** Per-sample losses, shaped like the target. */
  loss: Tensor;
  /** Per-sample weight (0 where ignored), shaped like the target. */
  weights: Tensor;
  /** True where the target is not ignoreIndex, shaped like the target. */
  valid: Tensor;
}

/** Validates `input` (`[C]`, `[N, C]` or `[N, C, d1, ...]`) against class-index `target`. */
function checkClassTarget(
  op: string,
  input: Tensor,
  target: Tensor,
  ignoreIndex: number,
  checkValues = true,
): Tensor | null {
  const c = input.ndim === 1 ? input.shape[0] : input.shape[1];
  const expected = input.ndim === 1 ? [] : [input.shape[0], ...input.shape.slice(2)];
  if (target.dtype !== "int32" && target.dtype !== "uint8") {
    throw new TypeError(
      `${op}: expected target to hold class indices as an int32 tensor of shape ${fmtShape(expected)}, got ${
        describe(target)
      }` + (isFloating(target.dtype) ? " (convert indices with .long())" : ""),
    );
  }
  if (!sameShape(target.shape, expected)) {
    throw new RangeError(
      `${op}: expected target of shape ${fmtShape(expected)} for input of shape ${fmtShape(input.shape)} ` +
        `(${c} classes along dim ${input.ndim === 1 ? 0 : 1}), got target of shape ${fmtShape(target.shape)}`,
    );
  }
  if (!checkValues) return null;
  if (target.device !== "cpu") {
    const message = (v: number) => badTargetError(op, v, input, ignoreIndex).message;
    return rangeGuard(op, target, 0, c - 1, message, { allow: ignoreIndex });
  }
  if (target.numel() === 0) return null;
  for (const v of target.dataSync()) {
    if ((v < 0 || v >= c) && v !== ignoreIndex) throw badTargetError(op, v, input, ignoreIndex);
  }
  return null;
}

function checkWeight(op: string, weight: Tensor | null | undefined, c: number): Tensor | null {
  if (weight === null || weight === undefined) return null;
  checkTensor(op, "weight", weight);
  if (weight.ndim !== 1 || weight.shape[0] !== c) {
    throw new RangeError(
      `${op}: weight should be a 1-D tensor with one entry per class (${c}), got shape ${
        fmtShape(weight.shape)
      }`,
    );
  }
  return isFloating(weight.dtype) ? weight : weight.float();
}

/** Per-sample negative log likelihoods of `logp` at class-index `target` (already validated). */
function nllParts(logp: Tensor, target: Tensor, weight: Tensor | null, ignoreIndex: number): NllParts {
  const c = logp.ndim === 1 ? logp.shape[0] : logp.shape[1];
  let rows = logp;
  if (logp.ndim === 1) rows = mv.unsqueeze(logp, 0);
  else if (logp.ndim > 2) rows = mv.permute(logp, [0, ...logp.shape.slice(2).map((_, i) => i + 2), 1]);
  rows = mv.reshape(rows, [-1, c]);
  const t = mv.reshape(target.dtype === "int32" ? target : target.int(), [-1]);
  const valid = ew.ne(t, ignoreIndex);
  const safe = ew.where(valid, t, 0);
  const picked = mv.reshape(gather(rows, 1, mv.unsqueeze(safe, 1)), [-1]);
  const validF = valid.to(logp.dtype);
  const weights = weight ? ew.mul(indexSelect(weight, 0, safe), validF) : validF;
  const shape = target.shape;
  return {
    loss: mv.reshape(ew.neg(ew.mul(picked, weights)), shape),
    weights: mv.reshape(weights, shape),
    valid: mv.reshape(valid, shape),
  };
}

/** PyTorch's name of the NLL node: a 2-d kernel for inputs with spatial dims. */
function nllName(x: Tensor): string {
  return x.ndim > 2 ? "NllLoss2DBackward0" : "NllLossBackward0";
}

/**
 * `total / sum(weights)` with the denominator taken as a constant (PyTorch gives the class
 * weights no gradient). When every target is ignored the value is NaN (0/0, as PyTorch) but the
 * gradient stays 0 rather than NaN.
 */
function weightedMean(total: Tensor, weights: Tensor): Tensor {
  const denom = red.sum(weights.detach());
  const empty = ew.eq(denom, 0);
  return ew.add(ew.div(total, ew.where(empty, 1, denom)), ew.where(empty, NaN, 0));
}

function reduceNll(parts: NllParts, reduction: Reduction): Tensor {
  if (reduction === "none") return parts.loss;
  if (reduction === "sum") return red.sum(parts.loss);
  return weightedMean(red.sum(parts.loss), parts.weights);
}

function checkClassInput(op: string, input: unknown): Tensor {
  const x = checkFloat(op, "input", input);
  if (x.ndim === 0) {
    throw new RangeError(
      `${op}: expected input of shape [C], [N, C] or [N, C, d1, ...] (class scores), got a 0-d tensor`,
    );
  }
  return x;
}

/**
 * Negative log likelihood of log-probabilities `input` (`[N, C]`, `[C]` or `[N, C, d1, ...]`) at
 * the int32 class indices `target` (`[N]`, `[]` or `[N, d1, ...]`), with optional class `weight`
 * and `ignoreIndex`. The mean divides by the summed weights of the non-ignored targets.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * const logp = torch.tensor([[-0.5, -1.0], [-2.0, -0.1]]);
 * assertEquals(Math.abs((F.nllLoss(logp, torch.tensor([0, 1])).item() as number) - 0.3) < 5e-2, true); // ≈ 0.3
 * ```
 */
export function nllLoss(input: Tensor, target: Tensor, opts: NLLLossOptions = {}): Tensor {
  const amp = autocastCall("float32", nllLoss, input, target, opts);
  if (amp !== undefined) return amp;
  return inFrameOf(() => {
    checkReduction("nllLoss", opts.reduction);
    const x = checkClassInput("nllLoss", input);
    checkTensor("nllLoss", "target", target);
    const ignoreIndex = opts.ignoreIndex ?? -100;
    const guard = checkClassTarget("nllLoss", x, target, ignoreIndex);
    const weight = checkWeight("nllLoss", opts.weight, x.ndim === 1 ? x.shape[0] : x.shape[1]);
    const loss = guarded(
      reduceNll(nllParts(x, target, weight, ignoreIndex), opts.reduction ?? "mean"),
      guard,
    );
    return named(loss, nllName(x), input, target, weight);
  });
}

/**
 * Cross entropy of unnormalized scores `input` (`[N, C]`, `[C]` or `[N, C, d1, ...]`), computed
 * stably through `logSoftmax`. `target` is either int32 class indices (`[N]`, `[]` or
 * `[N, d1, ...]`; with `weight`, `ignoreIndex` and `labelSmoothing`) or class probabilities of
 * the input's shape (a float tensor).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * const logits = torch.tensor([[2.0, 0.5, -1.0], [0.1, 0.2, 3.0]]);
 * assertEquals(Math.abs((F.crossEntropy(logits, torch.tensor([0, 2])).item() as number) - 0.1755) < 5e-5, true); // ≈ 0.1755
 * assertEquals(Math.abs((F.crossEntropy(logits, torch.tensor([0, 2]), { labelSmoothing: 0.1 }).item() as number) - 0.3455) < 5e-5, true); // ≈ 0.3455
 * ```
 */
export function crossEntropy(input: Tensor, target: Tensor, opts: CrossEntropyOptions = {}): Tensor {
  const amp = autocastCall("float32", crossEntropy, input, target, opts);
  if (amp !== undefined) return amp;
  return inFrameOf(() => {
    const op = "crossEntropy";
    checkReduction(op, opts.reduction);
    const x = checkClassInput(op, input);
    checkTensor(op, "target", target);
    const reduction = opts.reduction ?? "mean";
    const ls = opts.labelSmoothing ?? 0;
    if (typeof ls !== "number" || !(ls >= 0 && ls <= 1)) {
      throw new RangeError(`${op}: labelSmoothing must be between 0.0 and 1.0, got ${ls}`);
    }
    const classDim = x.ndim === 1 ? 0 : 1;
    const c = x.shape[classDim];
    const weight = checkWeight(op, opts.weight, c);
    const wShape = x.shape.map((s, i) => (i === classDim ? s : 1));
    if (isFloating(target.dtype)) {
      // Class probabilities.
      if (!sameShape(target.shape, x.shape)) {
        throw new RangeError(
          `${op}: a floating point target holds class probabilities and must have the input's shape ` +
            `${fmtShape(x.shape)}, got ${fmtShape(target.shape)}. For class indices pass an int32 tensor ` +
            `(convert with .long())`,
        );
      }
      if (opts.ignoreIndex !== undefined && opts.ignoreIndex >= 0) {
        throw new TypeError(
          `${op}: ignoreIndex is not supported for floating point (class probability) targets`,
        );
      }
      const logp = red.logSoftmax(x, classDim);
      const t = ls > 0 ? ew.add(ew.mul(target, 1 - ls), ls / c) : target;
      let prod = ew.mul(logp, t);
      if (weight) prod = ew.mul(prod, mv.reshape(weight, wShape));
      const loss = ew.neg(red.sum(prod, classDim));
      if (reduction === "none") return loss;
      // PyTorch: -(logp * target).sum() (a negation last), or its division by the batch size.
      if (reduction === "sum") return named(red.sum(loss), "NegBackward0", input);
      return named(ew.div(red.sum(loss), x.numel() / c), "DivBackward1", input);
    }
    const ignoreIndex = opts.ignoreIndex ?? -100;
    // The common case is one fused kernel each way (it checks the targets itself, no read-back).
    const fusable = !weight && ls === 0 && x.ndim <= 2 && x.numel() > 0 && x.dtype === "float32";
    let guard = checkClassTarget(op, x, target, ignoreIndex, !fusable);
    if (fusable) {
      const fused = fusedCrossEntropy(op, x, target, reduction, ignoreIndex);
      if (fused !== null) return fused;
      guard = checkClassTarget(op, x, target, ignoreIndex, true);
    }
    const logp = red.logSoftmax(x, classDim);
    const parts = nllParts(logp, target, weight, ignoreIndex);
    const nll = named(reduceNll(parts, reduction), nllName(x), input);
    if (ls === 0) return named(guarded(nll, guard), nllName(x), input);
    let smooth = weight
      ? red.sum(ew.mul(logp, mv.reshape(weight, wShape)), classDim)
      : red.sum(logp, classDim);
    smooth = ew.where(parts.valid, ew.neg(smooth), 0);
    let ret: Tensor;
    if (reduction === "none") ret = smooth;
    else if (reduction === "sum") ret = red.sum(smooth);
    else ret = weightedMean(red.sum(smooth), parts.weights);
    return guarded(ew.add(ew.mul(nll, 1 - ls), ew.mul(ret, ls / c)), guard);
  });
}

/**
 * Binary cross entropy between probabilities `input` in [0, 1] and `target` (a tensor of the same
 * shape or a number), with PyTorch's clamp of each log term at -100.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "../../mod.ts";
 * const p = torch.tensor([0.9183]);
 * assertEquals(Math.abs((F.binaryCrossEntropy(p, torch.tensor([1.0])).item() as number) - 0.0852) < 5e-5, true); // ≈ 0.0852
 * ```
 */
export function binaryCrossEntropy(
  input: Tensor,
  target: Tensor | number,
  opts: LossOptions & { weight?: Tensor | null } = {},
): Tensor {
  refuseUnderAutocast(
    "binaryCrossEntropy",
    input.device,
    "binaryCrossEntropyWithLogits (nn.BCEWithLogitsLoss)",
  );
  return inFrameOf(() => {
    if (!(input instanceof Tensor) || !isFloating(input.dtype)) {
      throw new TypeError("binaryCrossEntropy: input must be a floating point tensor of probabilities");
    }
    checkReduction("binaryCrossEntropy", opts.reduction);
    const t = target instanceof Tensor ? target : input.mul(0).add(target);
    if (t.ndim !== input.ndim || t.shape.some((s, i) => s !== input.shape[i])) {
      throw new RangeError(
        `binaryCrossEntropy: using a target size (${
          fmtShape(t.shape)
        }) that is different to the input size ` +
          `(${fmtShape(input.shape)}) is deprecated. Please ensure they have the same size.`,
      );
    }
    const message = (p: number) =>
      `binaryCrossEntropy: all elements of input should be between 0 and 1, found ${p}`;
    const guard = rangeGuard("binaryCrossEntropy", input, 0, 1, message);
    if (input.device === "cpu" && input.numel() > 0) {
      const v = input.detach().dataSync();
      for (const p of v) {
        if (!(p >= 0 && p <= 1)) throw new RangeError(message(p));
      }
    }
    // One node with PyTorch's formula: the logs are clamped at -100 and the gradient's denominator
    // at 1e-12, so a saturated prediction (p exactly 0 or 1) gives finite gradients.
    const w = opts.weight ?? null;
    const loss = recordComposite("binaryCrossEntropy", w ? [input, t, w] : [input, t], {}, () => {
      const elementwise = bceTerms(input, t);
      return w ? ew.mul(elementwise, w) : elementwise;
    });
    const reduced = guarded(reduceLoss("binaryCrossEntropy", loss, opts.reduction), guard);
    return named(reduced, "BinaryCrossEntropyBackward0", input, target);
  });
}

/** Options of `binaryCrossEntropyWithLogits`. */
export interface BCEWithLogitsOptions extends LossOptions {
  /** A weight broadcast over the per-element losses. */
  weight?: Tensor | null;
  /** A weight of the positive term, broadcast along the last dim (one per class). */
  posWeight?: Tensor | null;
}

/**
 * Binary cross entropy of logits `input` (sigmoid folded in, computed stably) against `target`
 * probabilities of the same shape, with optional `weight` and `posWeight`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * assertEquals(Math.abs((F.binaryCrossEntropyWithLogits(torch.tensor([0, 2], { dtype: "float32" }), torch.tensor([1, 0])).item() as number) - 1.4100) < 5e-5, true); // ≈ 1.4100
 * ```
 */
export function binaryCrossEntropyWithLogits(
  input: Tensor,
  target: Tensor,
  opts: BCEWithLogitsOptions = {},
): Tensor {
  const amp = autocastCall("float32", binaryCrossEntropyWithLogits, input, target, opts);
  if (amp !== undefined) return amp;
  return inFrameOf(() => {
    const op = "binaryCrossEntropyWithLogits";
    checkReduction(op, opts.reduction);
    target = pointwiseTarget(op, input, target);
    // softplus(-x) = max(-x, 0) + log1p(exp(-|x|)), with |x| written so that its derivative at 0
    // is 1: the gradient there is then sigmoid(0) - target, as it should be.
    const absX = ew.where(ew.ge(input, 0), input, ew.neg(input));
    const softplusNeg = ew.add(ew.relu(ew.neg(input)), ew.log1p(ew.exp(ew.neg(absX))));
    let loss: Tensor;
    if (opts.posWeight) {
      checkTensor(op, "posWeight", opts.posWeight);
      const logWeight = ew.add(ew.mul(ew.sub(opts.posWeight, 1), target), 1);
      loss = ew.add(ew.mul(ew.sub(1, target), input), ew.mul(logWeight, softplusNeg));
    } else {
      loss = ew.add(ew.mul(ew.sub(1, target), input), softplusNeg);
    }
    if (opts.weight) loss = ew.mul(loss, checkTensor(op, "weight", opts.weight));
    return named(
      reduceLoss(op, loss, opts.reduction),
      "BinaryCrossEntropyWithLogitsBackward0",
      input,
      target,
    );
  });
}

/** Options of `klDivLoss`. */
export interface KLDivOptions {
  /** `"mean"` (default, over all elements), `"batchmean"` (sum / batch size: the true KL mean), `"sum"`, `"none"`. */
  reduction?: Reduction | "batchmean";
  /** Whether `target` holds log-probabilities (default false: probabilities). */
  logTarget?: boolean;
}

/**
 * Kullback-Leibler divergence with `input` as log-probabilities: `target·(log target - input)`
 * pointwise (0 where target is 0). Use `reduction: "batchmean"` for the mathematical KL.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * const logq = torch.tensor([[0.5, 0.5]]).log();
 * assertEquals(Math.abs((F.klDivLoss(logq, torch.tensor([[0.25, 0.75]]), { reduction: "batchmean" }).item() as number) - 0.1308) < 5e-5, true); // ≈ 0.1308
 * ```
 */
export function klDivLoss(input: Tensor, target: Tensor, opts: KLDivOptions = {}): Tensor {
  const amp = autocastCall("float32", klDivLoss, input, target, opts);
  if (amp !== undefined) return amp;
  return inFrameOf(() => {
    const op = "klDivLoss";
    checkReduction(op, opts.reduction, ["mean", "batchmean", "sum", "none"]);
    target = pointwiseTarget(op, input, target);
    let loss: Tensor;
    if (opts.logTarget) loss = ew.mul(ew.exp(target), ew.sub(target, input));
    else {
      const pos = ew.gt(target, 0);
      const tlogt = ew.where(pos, ew.mul(target, ew.log(ew.where(pos, target, 1))), 0);
      loss = ew.sub(tlogt, ew.mul(target, input));
    }
    const reduction = opts.reduction ?? "mean";
    if (reduction === "batchmean") {
      const s = red.sum(loss);
      return input.ndim === 0 ? s : ew.div(s, input.shape[0]);
    }
    return reduceLoss(op, loss, reduction);
  });
}
