/**
 * The normalizations of `torch.nn.functional`: `normalize`, `layerNorm`, `batchNorm` and `groupNorm`.
 * Part of `F`.
 * @module
 */
import { Tensor } from "../tensor.ts";
import { fmtShape } from "../shape.ts";
import * as ew from "../ops/elementwise.ts";
import * as red from "../ops/reduce.ts";
import * as mv from "../ops/movement.ts";
import { named } from "../ops/dispatch.ts";
import { noGrad } from "../autograd/grad_mode.ts";
import { checkFloat, checkTensor, sameShape } from "./checks.ts";
import { inFrameOf } from "../memory.ts";
import { autocastCall } from "../amp/autocast_call.ts";

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

/** Options of {@link groupNorm}. */
export interface GroupNormOptions {
  /** Per-channel scale `[C]` (default none). */
  weight?: Tensor | null;
  /** Per-channel shift `[C]` (default none). */
  bias?: Tensor | null;
  /** Added to the variance (default 1e-5). */
  eps?: number;
}

/**
 * Normalizes `input` `[N, C, ...]` over each group of `C / numGroups` channels (and all their
 * positions) of each sample, then applies the per-channel affine.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const y = torch.F.groupNorm(torch.randn(2, 4, 3), 2);
 * assertEquals(y.index(0, ":2").mean().abs().item() < 1e-6, true);
 * ```
 */
export function groupNorm(input: Tensor, numGroups: number, opts: GroupNormOptions = {}): Tensor {
  if (!(input instanceof Tensor) || input.ndim < 2) {
    throw new RangeError(
      `groupNorm: expected an input of at least 2 dims [N, C, ...], got ${
        input instanceof Tensor ? fmtShape(input.shape) : typeof input
      }`,
    );
  }
  const [n, c] = input.shape;
  if (!Number.isInteger(numGroups) || numGroups < 1 || c % numGroups !== 0) {
    throw new RangeError(
      `groupNorm: expected number of channels in input (${c}) to be divisible by num_groups, but got ` +
        `num_groups=${numGroups} (input of shape ${fmtShape(input.shape)})`,
    );
  }
  const x = input.dtype === "float32" || input.dtype === "float64" ? input : input.float();
  const grouped = x.reshape(n, numGroups, -1);
  const mean = red.mean(grouped, -1, { keepdim: true });
  const centered = ew.sub(grouped, mean);
  const variance = red.mean(ew.mul(centered, centered), -1, { keepdim: true });
  let out = ew.mul(centered, ew.rsqrt(ew.add(variance, opts.eps ?? 1e-5))).reshape(input.shape);
  const perChannel = [1, c, ...new Array(input.ndim - 2).fill(1)];
  for (const [name, p] of [["weight", opts.weight], ["bias", opts.bias]] as const) {
    if (p === null || p === undefined) continue;
    if (!(p instanceof Tensor) || p.ndim !== 1 || p.shape[0] !== c) {
      throw new RangeError(
        `groupNorm: ${name} must have shape [${c}], got ${
          p instanceof Tensor ? fmtShape(p.shape) : typeof p
        }`,
      );
    }
    out = name === "weight" ? ew.mul(out, p.reshape(perChannel)) : ew.add(out, p.reshape(perChannel));
  }
  return named(out, "NativeGroupNormBackward0", input);
}
