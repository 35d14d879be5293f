/**
 * Part of `F`: `bilinear`, `channelShuffle`, `localResponseNorm`, `lpPool1d` / `lpPool2d`,
 * `maxUnpool1d` / `maxUnpool2d`, `klDiv` (PyTorch's name of `klDivLoss`) and the `upsample`
 * aliases of `interpolate`. Each is written with differentiable ops, so gradients and both devices
 * come from them.
 * @module
 */
import { Tensor } from "../tensor.ts";
import { fmtShape } from "../shape.ts";
import { inFrameOf } from "../memory.ts";
import { asOp } from "../ops/naming.ts";
import { interpolate, type InterpolateOptions } from "../ops/interpolate.ts";
import { avgPool2d, type Size2 } from "../ops/conv.ts";
import { avgPool1d, type Size1 } from "../ops/pool1d.ts";
import { pad } from "../ops/pad.ts";
import { unpool, unpoolTuple as tuple } from "./unpool_core.ts";
import { klDivLoss, type KLDivOptions } from "./loss_pointwise.ts";

/**
 * `y[..., o] = Σ_ij x1[..., i] · weight[o, i, j] · x2[..., j] + bias[o]` (PyTorch's
 * `F.bilinear`): `input1` `[..., in1]` and `input2` `[..., in2]` with the same leading dims,
 * `weight` `[out, in1, in2]`, `bias` `[out]` or null.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const { F } = torch;
 * const w = torch.ones(1, 2, 2);
 * const y = F.bilinear(torch.tensor([[1, 2]], { dtype: "float32" }), torch.tensor([[3, 4]], { dtype: "float32" }), w);
 * assertEquals(y.toArray(), [[21]]); // (1 + 2) * (3 + 4)
 * ```
 */
export function bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  return asOp("bilinear", () =>
    inFrameOf(() => {
      for (const [name, t] of [["input1", input1], ["input2", input2], ["weight", weight]] as const) {
        if (!(t instanceof Tensor)) {
          throw new TypeError(`bilinear(): ${name} must be a Tensor, got ${typeof t}`);
        }
      }
      if (input1.ndim !== input2.ndim) {
        throw new RangeError(
          `bilinear(): input dimensions do not match: got ${input1.ndim} and ${input2.ndim}`,
        );
      }
      if (input1.ndim < 1) {
        throw new RangeError("bilinear(): input1 and input2 must have at least one dimension");
      }
      for (let d = 0; d < input1.ndim - 1; d++) {
        if (input1.shape[d] !== input2.shape[d]) {
          throw new RangeError(
            `bilinear(): input batch dimensions do not match at dim ${d}: got ${input1.shape[d]} and ${
              input2.shape[d]
            }`,
          );
        }
      }
      if (weight.ndim !== 3) {
        throw new RangeError(
          `bilinear(): weight must be 3-d [out, in1, in2], got size ${fmtShape(weight.shape)}`,
        );
      }
      const [out, in1, in2] = weight.shape;
      if (input1.shape[input1.ndim - 1] !== in1) {
        throw new RangeError(
          `bilinear(): input1 size does not match weight size: got ${
            input1.shape[input1.ndim - 1]
          } but expected ${in1}`,
        );
      }
      if (input2.shape[input2.ndim - 1] !== in2) {
        throw new RangeError(
          `bilinear(): input2 size does not match weight size: got ${
            input2.shape[input2.ndim - 1]
          } but expected ${in2}`,
        );
      }
      if (bias !== null && (bias.ndim !== 1 || bias.shape[0] !== out)) {
        throw new RangeError(
          `bilinear(): bias size does not match weight size: got ${
            fmtShape(bias.shape)
          } but expected [${out}]`,
        );
      }
      const lead = input1.shape.slice(0, -1);
      const x1 = input1.reshape([-1, in1]), x2 = input2.reshape([-1, in2]);
      // x1 @ W viewed as [in1, out * in2], then the product with x2 summed over in2.
      const w = weight.permute([1, 0, 2]).reshape([in1, out * in2]);
      let y = x1.matmul(w).reshape([-1, out, in2]).mul(x2.unsqueeze(1)).sum(-1);
      if (bias !== null) y = y.add(bias);
      return y.reshape([...lead, out]);
    }));
}

/**
 * Splits the channels (dim 1) into `groups` and interleaves them (PyTorch's
 * `F.channel_shuffle`, ShuffleNet's operation): `[N, g·k, ...]` viewed as `[N, g, k, ...]`,
 * transposed to `[N, k, g, ...]`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.arange(4).reshape(1, 4, 1);
 * assertEquals(torch.F.channelShuffle(x, 2).flatten().toArray(), [0, 2, 1, 3]);
 * ```
 */
export function channelShuffle(input: Tensor, groups: number): Tensor {
  return inFrameOf(() => {
    if (!(input instanceof Tensor)) {
      throw new TypeError(`channelShuffle: expected a Tensor, got ${typeof input}`);
    }
    if (!Number.isInteger(groups) || groups <= 0) {
      throw new RangeError(
        `channelShuffle: number of groups to divide channels in must be positive. Value of groups:${groups}`,
      );
    }
    if (input.ndim < 3) {
      throw new RangeError(
        `channelShuffle: channel_shuffle expects input to have at least 3 dimensions, but got input with sizes ${
          fmtShape(input.shape)
        }`,
      );
    }
    const c = input.shape[1];
    if (c % groups !== 0) {
      throw new RangeError(
        `channelShuffle: Number of channels must be divisible by groups. Got ${c} channels and ${groups} groups.`,
      );
    }
    const [n, ...rest] = [input.shape[0], ...input.shape.slice(2)];
    return input.reshape([n, groups, c / groups, ...rest]).transpose(1, 2).reshape([...input.shape]);
  });
}

/** Options of {@link localResponseNorm}. */
export interface LocalResponseNormOptions {
  /** Multiplicative factor (default 1e-4). */
  alpha?: number;
  /** Exponent (default 0.75). */
  beta?: number;
  /** Additive factor (default 1). */
  k?: number;
}

/**
 * Local response normalization across channels (PyTorch's `F.local_response_norm`, AlexNet's):
 * `x / (k + alpha/size · Σ x²)^beta`, the sum over `size` neighbouring channels (zero padded),
 * for inputs `[N, C, ...]` of 3 or more dims.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const y = torch.F.localResponseNorm(torch.ones(1, 3, 2), 2, { alpha: 1, beta: 1, k: 1 });
 * assertEquals(y.toArray(), [[[0.6666666865348816, 0.6666666865348816], [0.5, 0.5], [0.5, 0.5]]]);
 * ```
 */
export function localResponseNorm(input: Tensor, size: number, opts: LocalResponseNormOptions = {}): Tensor {
  return asOp("localResponseNorm", () =>
    inFrameOf(() => {
      const { alpha = 1e-4, beta = 0.75, k = 1 } = opts;
      if (!(input instanceof Tensor)) {
        throw new TypeError(`localResponseNorm: expected a Tensor, got ${typeof input}`);
      }
      if (input.ndim < 3) {
        throw new RangeError(
          `localResponseNorm: expected 3D or higher dimensionality input (got ${input.ndim} dimensions)`,
        );
      }
      if (!Number.isInteger(size) || size < 1) {
        throw new RangeError(`localResponseNorm: size must be a positive integer, got ${size}`);
      }
      if (input.numel() === 0) return input;
      const shape = input.shape;
      // [N, 1, C, rest]: the window runs along C, as PyTorch's avg_pool over (size, 1, ...).
      let div = input.mul(input).reshape([shape[0], 1, shape[1], -1]);
      div = pad(div, [0, 0, Math.floor(size / 2), Math.floor((size - 1) / 2)]);
      div = avgPool2d(div, [size, 1], { stride: 1 }).reshape([...shape]);
      return input.div(div.mul(alpha).add(k).pow(beta));
    }));
}

/** Options of {@link lpPool1d} and {@link lpPool2d}. */
export interface LPPoolOptions<S> {
  /** Step of the window (default: the kernel size). */
  stride?: S | null;
  /** Use ceil instead of floor for the output size (default false). */
  ceilMode?: boolean;
}

function lpFinish(out: Tensor, normType: number, windowSize: number): Tensor {
  return out.sign().mul(out.abs().relu()).mul(windowSize).pow(1 / normType);
}

function checkNorm(op: string, input: Tensor, normType: number): void {
  if (!(input instanceof Tensor)) throw new TypeError(`${op}: expected a Tensor, got ${typeof input}`);
  if (typeof normType !== "number" || !(normType !== 0) || Number.isNaN(normType)) {
    throw new RangeError(`${op}: normType must be a non-zero number, got ${normType}`);
  }
}

/**
 * Power-average pooling over `[N, C, L]` (PyTorch's `F.lp_pool1d`): `(Σ x^p)^(1/p)` over each
 * window (`p = normType`; `p = 1` is sum pooling, large `p` approaches max pooling).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.tensor([[[3, 4, 1, 1]]], { dtype: "float32" });
 * assertEquals(torch.F.lpPool1d(x, 2, 2).toArray(), [[[5, 1.4142135381698608]]]);
 * ```
 */
export function lpPool1d(
  input: Tensor,
  normType: number,
  kernelSize: Size1,
  opts: LPPoolOptions<Size1> = {},
): Tensor {
  return asOp("lpPool1d", () =>
    inFrameOf(() => {
      checkNorm("lpPool1d", input, normType);
      const k = typeof kernelSize === "number" ? kernelSize : kernelSize[0];
      const out = avgPool1d(input.pow(normType), kernelSize, {
        stride: opts.stride,
        ceilMode: opts.ceilMode,
      });
      return lpFinish(out, normType, k);
    }));
}

/**
 * Power-average pooling over `[N, C, H, W]` (PyTorch's `F.lp_pool2d`): `(Σ x^p)^(1/p)` over each
 * window.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.tensor([[[[1, 2], [2, 4]]]], { dtype: "float32" });
 * assertEquals(torch.F.lpPool2d(x, 2, 2).toArray(), [[[[5]]]]);
 * ```
 */
export function lpPool2d(
  input: Tensor,
  normType: number,
  kernelSize: Size2,
  opts: LPPoolOptions<Size2> = {},
): Tensor {
  return asOp("lpPool2d", () =>
    inFrameOf(() => {
      checkNorm("lpPool2d", input, normType);
      const [kh, kw] = typeof kernelSize === "number" ? [kernelSize, kernelSize] : kernelSize;
      const out = avgPool2d(input.pow(normType), kernelSize, {
        stride: opts.stride,
        ceilMode: opts.ceilMode,
      });
      return lpFinish(out, normType, kh * kw);
    }));
}

/** Options of {@link maxUnpool1d} and {@link maxUnpool2d}. */
export interface MaxUnpoolOptions<S> {
  /** Step of the pooling window (default: the kernel size). */
  stride?: S | null;
  /** The pooling's padding (default 0). */
  padding?: S;
  /** The output's size: the spatial dims, or the whole shape (default: inferred). */
  outputSize?: readonly number[] | null;
}

/**
 * The partial inverse of `maxPool1d` (PyTorch's `F.max_unpool1d`): puts each value of `input`
 * `[N, C, L]` at the position `indices` (from `maxPool1d(..., { returnIndices: true })`) names,
 * zeros elsewhere.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.tensor([[[1, 5, 3, 2]]], { dtype: "float32" });
 * const [v, i] = torch.F.maxPool1d(x, 2, { returnIndices: true });
 * assertEquals(torch.F.maxUnpool1d(v, i, 2).toArray(), [[[0, 5, 3, 0]]]);
 * ```
 */
export function maxUnpool1d(
  input: Tensor,
  indices: Tensor,
  kernelSize: Size1,
  opts: MaxUnpoolOptions<Size1> = {},
): Tensor {
  return asOp("maxUnpool1d", () =>
    inFrameOf(() => {
      const k = tuple("maxUnpool1d", "kernelSize", kernelSize, 1);
      const s = opts.stride == null ? k : tuple("maxUnpool1d", "stride", opts.stride, 1);
      const p = tuple("maxUnpool1d", "padding", opts.padding ?? 0, 1);
      return unpool("maxUnpool1d", input, indices, k, s, p, opts.outputSize);
    }));
}

/**
 * The partial inverse of `maxPool2d` (PyTorch's `F.max_unpool2d`): puts each value of `input`
 * `[N, C, H, W]` at the position `indices` (flat within each plane, from
 * `maxPool2d(..., { returnIndices: true })`) names, zeros elsewhere.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.tensor([[[[1, 2], [4, 3]]]], { dtype: "float32" });
 * const [v, i] = torch.maxPool2d(x, 2, { returnIndices: true });
 * assertEquals(torch.F.maxUnpool2d(v, i, 2).toArray(), [[[[0, 0], [4, 0]]]]);
 * ```
 */
export function maxUnpool2d(
  input: Tensor,
  indices: Tensor,
  kernelSize: Size2,
  opts: MaxUnpoolOptions<Size2> = {},
): Tensor {
  return asOp("maxUnpool2d", () =>
    inFrameOf(() => {
      const k = tuple("maxUnpool2d", "kernelSize", kernelSize, 2);
      const s = opts.stride == null ? k : tuple("maxUnpool2d", "stride", opts.stride, 2);
      const p = tuple("maxUnpool2d", "padding", opts.padding ?? 0, 2);
      return unpool("maxUnpool2d", input, indices, k, s, p, opts.outputSize);
    }));
}

/**
 * PyTorch's `F.kl_div`: the same function as {@link klDivLoss} (`input` log-probabilities;
 * `reduction` `"mean"` by default, `"batchmean"` for the true KL; `logTarget`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const logq = torch.tensor([[0.5, 0.5]]).log(), p = torch.tensor([[0.5, 0.5]]);
 * assertEquals(torch.F.klDiv(logq, p, { reduction: "batchmean" }).item(), 0);
 * ```
 */
export function klDiv(input: Tensor, target: Tensor, opts: KLDivOptions = {}): Tensor {
  return klDivLoss(input, target, opts);
}

/**
 * PyTorch's deprecated `F.upsample`: the same as `F.interpolate`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.F.upsample(torch.ones(1, 1, 2, 2), { scaleFactor: 2 }).shape, [1, 1, 4, 4]);
 * ```
 */
export function upsample(input: Tensor, opts: InterpolateOptions): Tensor {
  return interpolate(input, opts);
}

/** The size options of the fixed-mode upsampling functions and modules. */
export interface UpsamplingOptions {
  /** The output spatial size. */
  size?: number | readonly number[];
  /** The multiplier of each spatial size. */
  scaleFactor?: number | readonly number[];
}

/**
 * PyTorch's `F.upsample_nearest`: `interpolate` with `mode: "nearest"`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const y = torch.F.upsampleNearest(torch.tensor([[[[1, 2]]]], { dtype: "float32" }), { scaleFactor: 2 });
 * assertEquals(y.toArray(), [[[[1, 1, 2, 2], [1, 1, 2, 2]]]]);
 * ```
 */
export function upsampleNearest(input: Tensor, opts: UpsamplingOptions): Tensor {
  return interpolate(input, { size: opts.size, scaleFactor: opts.scaleFactor, mode: "nearest" });
}

/**
 * PyTorch's `F.upsample_bilinear`: `interpolate` with `mode: "bilinear"` and `alignCorners: true`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const y = torch.F.upsampleBilinear(torch.tensor([[[[0, 3]]]], { dtype: "float32" }), { size: [1, 4] });
 * assertEquals(y.toArray(), [[[[0, 1, 2, 3]]]]);
 * ```
 */
export function upsampleBilinear(input: Tensor, opts: UpsamplingOptions): Tensor {
  return interpolate(input, {
    size: opts.size,
    scaleFactor: opts.scaleFactor,
    mode: "bilinear",
    alignCorners: true,
  });
}
