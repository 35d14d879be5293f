/**
 * Convolution and pooling as users call them (`F.conv1d`, `F.conv2d`, `F.maxPool2d`, `F.avgPool2d`):
 * im2col + one batched matrix product, the bias carried by a row of ones. The internal ops their
 * gradients are made of (`im2col`/`col2im`, the average-pooling adjoint) are in `conv_core.ts`;
 * this file exports only what `F` shows.
 *
 * Inputs are NCHW (`[batch, channels, height, width]`) or unbatched CHW, as PyTorch. Kernels run
 * in float32; float16 inputs are converted (and results converted back).
 * @module
 */
import type { AvgPoolOptions, Pool2dGeometry } from "../backends/backend.ts";
import { fmtShape } from "../shape.ts";
import { Tensor } from "../tensor.ts";
import { backendOf, contiguousStorage, named, record, wrap } from "./dispatch.ts";
import { squeeze, unsqueeze } from "./movement.ts";
import { toDType } from "./convert.ts";
import { inFrameOf } from "../memory.ts";
import { autocastCall } from "../amp/autocast_call.ts";
import {
  asF32,
  avgPool2dCore,
  checkFloatTensor,
  conv2dCore,
  pairOf,
  planConv,
  pooledSize,
} from "./conv_core.ts";

/** A size for both spatial dims (`3`) or for each (`[3, 5]`: height, width). */
export type Size2 = number | readonly [number, number] | readonly number[];

/** Convolution padding: an amount (per side, or `[h, w]`), `"valid"` (none) or `"same"` (stride 1 only). */
export type ConvPadding = Size2 | "same" | "valid";

/** Options of {@link conv2d} (PyTorch's keyword arguments). */
export interface Conv2dOptions {
  /** Step of the window (default 1). */
  stride?: Size2;
  /** Zero padding (default 0), `"valid"` or `"same"`. */
  padding?: ConvPadding;
  /** Spacing between kernel elements (default 1). */
  dilation?: Size2;
  /** Number of blocked connections from input to output channels (default 1). */
  groups?: number;
}

/** Options of {@link conv1d}. */
export interface Conv1dOptions {
  /** Step of the kernel over the input (default 1). */
  stride?: number | readonly number[];
  /** Implicit zero padding on both sides, or `"same"`/`"valid"` (default 0). */
  padding?: number | readonly number[] | "same" | "valid";
  /** Spacing between kernel elements (default 1). */
  dilation?: number | readonly number[];
  /** Number of blocked connections from input to output channels (default 1). */
  groups?: number;
}

/** Options of {@link maxPool2d}. */
export interface MaxPool2dOptions {
  /** Step of the window (default: the kernel size). */
  stride?: Size2 | null;
  /** Implicit -inf padding on each side (default 0; at most half the kernel). */
  padding?: Size2;
  /** Spacing between window elements (default 1). */
  dilation?: Size2;
  /** Use ceil instead of floor for the output size (default false). */
  ceilMode?: boolean;
  /** Also return the int32 indices of the maxima (flat within each `H * W` plane). */
  returnIndices?: boolean;
}

/** Options of {@link avgPool2d}. */
export interface AvgPool2dOptions {
  /** Step of the window (default: the kernel size). */
  stride?: Size2 | null;
  /** Implicit zero padding on each side (default 0; at most half the kernel). */
  padding?: Size2;
  /** Use ceil instead of floor for the output size (default false). */
  ceilMode?: boolean;
  /** Count the padding zeros in the divisor (default true). */
  countIncludePad?: boolean;
  /** Divide by this instead of the window size. */
  divisorOverride?: number | null;
}

// ---- argument parsing ----

interface ConvCall {
  input: Tensor;
  weight: Tensor;
  bias: Tensor | null;
  opts: Conv2dOptions | Conv1dOptions;
}

function parseConvArgs(
  op: string,
  input: Tensor,
  weight: Tensor,
  biasOrOpts: Tensor | null | undefined | Conv2dOptions | Conv1dOptions,
  opts: Conv2dOptions | Conv1dOptions | undefined,
): ConvCall {
  let bias: Tensor | null = null;
  let o = opts ?? {};
  if (biasOrOpts instanceof Tensor) bias = biasOrOpts;
  else if (biasOrOpts !== null && biasOrOpts !== undefined) {
    if (typeof biasOrOpts !== "object") throw new TypeError(`${op}: bias must be a tensor or null`);
    o = biasOrOpts;
  }
  checkFloatTensor(op, "input", input);
  checkFloatTensor(op, "weight", weight);
  if (bias !== null) checkFloatTensor(op, "bias", bias);
  for (const t of [weight, bias]) {
    if (t !== null && t.dtype !== input.dtype) {
      throw new TypeError(
        `${op}: Input type (${input.dtype}) and ${t === weight ? "weight" : "bias"} type (${t.dtype}) ` +
          `should be the same`,
      );
    }
  }
  return { input, weight, bias, opts: o };
}

/**
 * 2-d convolution (PyTorch's cross-correlation) of `input` `[N, C, H, W]` (or unbatched
 * `[C, H, W]`) with `weight` `[outChannels, C / groups, kH, kW]`, plus `bias` `[outChannels]`.
 * The options may be passed in place of the bias.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.ones(1, 1, 4, 4);
 * const w = torch.ones(2, 1, 3, 3);
 * const y = torch.conv2d(x, w, torch.tensor([0, 1], { dtype: "float32" }), { padding: 1 });
 * assertEquals(y.shape, [1, 2, 4, 4]);
 * assertEquals(y.index(0, 0, 1, 1).item(), 9);
 * ```
 */
export function conv2d(
  input: Tensor,
  weight: Tensor,
  bias?: Tensor | null | Conv2dOptions,
  opts?: Conv2dOptions,
): Tensor {
  const amp = autocastCall("lower", conv2d, input, weight, bias, opts);
  if (amp !== undefined) return amp;
  return inFrameOf(() => {
    const call = parseConvArgs("conv2d", input, weight, bias, opts);
    const o = call.opts as Conv2dOptions;
    if (input.ndim !== 3 && input.ndim !== 4) {
      throw new RangeError(
        `conv2d: Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: ${
          fmtShape(input.shape)
        }`,
      );
    }
    if (weight.ndim !== 4) {
      throw new RangeError(
        `conv2d: expected weight to be 4-dimensional [outChannels, inChannels / groups, kH, kW], got ` +
          `weight of size ${fmtShape(weight.shape)}`,
      );
    }
    const batched = input.ndim === 4;
    const x = batched ? input : unsqueeze(input, 0);
    const plan = planConv(
      "conv2d",
      x,
      weight,
      call.bias,
      pairOf("conv2d", "stride", o.stride ?? 1),
      o.padding ?? 0,
      pairOf("conv2d", "dilation", o.dilation ?? 1),
      o.groups ?? 1,
      input.shape,
      weight.shape,
      2,
    );
    backendOf("conv2d", input, weight, call.bias);
    let out = conv2dCore(asF32(x), asF32(weight), call.bias ? asF32(call.bias) : null, plan);
    if (input.dtype !== "float32") out = toDType(out, input.dtype);
    return batched ? out : squeeze(out, 0);
  });
}

/**
 * 1-d convolution of `input` `[N, C, L]` (or unbatched `[C, L]`) with `weight`
 * `[outChannels, C / groups, k]`, plus `bias` `[outChannels]` (computed as a 2-d convolution of
 * height 1). The options may be passed in place of the bias.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.tensor([[[1, 2, 3, 4]]]);
 * const w = torch.tensor([[[1, 0, -1]]]);
 * assertEquals(torch.conv1d(x.float(), w.float()).toArray(), [[[-2, -2]]]);
 * ```
 */
export function conv1d(
  input: Tensor,
  weight: Tensor,
  bias?: Tensor | null | Conv1dOptions,
  opts?: Conv1dOptions,
): Tensor {
  const amp = autocastCall("lower", conv1d, input, weight, bias, opts);
  if (amp !== undefined) return amp;
  return inFrameOf(() => {
    const call = parseConvArgs("conv1d", input, weight, bias, opts);
    const o = call.opts as Conv1dOptions;
    if (input.ndim !== 2 && input.ndim !== 3) {
      throw new RangeError(
        `conv1d: Expected 2D (unbatched) or 3D (batched) input to conv1d, but got input of size: ${
          fmtShape(input.shape)
        }`,
      );
    }
    if (weight.ndim !== 3) {
      throw new RangeError(
        `conv1d: expected weight to be 3-dimensional [outChannels, inChannels / groups, k], got weight of size ${
          fmtShape(weight.shape)
        }`,
      );
    }
    const batched = input.ndim === 3;
    const x3 = batched ? input : unsqueeze(input, 0);
    const x = unsqueeze(x3, 2), w = unsqueeze(weight, 2);
    const padding = o.padding ?? 0;
    const plan = planConv(
      "conv1d",
      x,
      w,
      call.bias,
      [1, ...pairOf("conv1d", "stride", o.stride ?? 1, 1)],
      padding as ConvPadding,
      [1, ...pairOf("conv1d", "dilation", o.dilation ?? 1, 1)],
      o.groups ?? 1,
      input.shape,
      weight.shape,
      1,
    );
    backendOf("conv1d", input, weight, call.bias);
    let out = squeeze(conv2dCore(asF32(x), asF32(w), call.bias ? asF32(call.bias) : null, plan), 2);
    named(out, "ConvolutionBackward0", input, weight, call.bias);
    if (input.dtype !== "float32") out = toDType(out, input.dtype);
    return batched ? out : squeeze(out, 0);
  });
}

// ---- pooling ----

function planPool(
  op: string,
  input: Tensor,
  kernelSize: Size2,
  strideArg: Size2 | null | undefined,
  paddingArg: Size2 | undefined,
  dilationArg: Size2 | undefined,
  ceilMode: boolean,
): { x: Tensor; geom: Pool2dGeometry; batched: boolean } {
  checkFloatTensor(op, "input", input);
  if ((input.ndim !== 3 && input.ndim !== 4) || input.shape.slice(1).some((s) => s === 0)) {
    throw new RangeError(
      `${op}: non-empty 3D or 4D (batch mode) tensor expected for input, got input of size ${
        fmtShape(input.shape)
      }`,
    );
  }
  const k = pairOf(op, "kernel_size", kernelSize);
  const stride = strideArg === undefined || strideArg === null ? k : pairOf(op, "stride", strideArg);
  const pad = pairOf(op, "padding", paddingArg ?? 0);
  const dil = pairOf(op, "dilation", dilationArg ?? 1);
  if (k.some((v) => v <= 0)) throw new RangeError(`${op}: kernel size should be greater than zero, got ${k}`);
  if (stride.some((v) => v <= 0)) {
    throw new RangeError(`${op}: stride should be greater than zero, got ${stride}`);
  }
  if (dil.some((v) => v <= 0)) {
    throw new RangeError(
      `${op}: dilation should be greater than zero, but got dilationH: ${dil[0]} dilationW: ${dil[1]}`,
    );
  }
  if (pad.some((p, i) => p < 0 || p > Math.floor(k[i] / 2))) {
    const bad = pad[0] < 0 || pad[0] > Math.floor(k[0] / 2) ? 0 : 1;
    throw new RangeError(
      `${op}: pad should be at most half of kernel size, but got pad=${pad[bad]} and kernel_size=${k[bad]}`,
    );
  }
  const batched = input.ndim === 4;
  const x = batched ? input : unsqueeze(input, 0);
  const [n, c, h, w] = x.shape;
  const outH = pooledSize(h, k[0], pad[0], stride[0], dil[0], ceilMode);
  const outW = pooledSize(w, k[1], pad[1], stride[1], dil[1], ceilMode);
  if (outH < 1 || outW < 1) {
    throw new RangeError(
      `${op}: Given input size: (${c}x${h}x${w}). Calculated output size: (${c}x${Math.max(outH, 0)}x${
        Math.max(outW, 0)
      }). Output size is too small`,
    );
  }
  return {
    x,
    batched,
    geom: {
      planes: n * c,
      height: h,
      width: w,
      kernelH: k[0],
      kernelW: k[1],
      strideH: stride[0],
      strideW: stride[1],
      padH: pad[0],
      padW: pad[1],
      dilationH: dil[0],
      dilationW: dil[1],
      outH,
      outW,
    },
  };
}

/** Max pooling of the 4-d float32 `x`; values recorded as `maxPool2d`. */
function maxPoolCore(x: Tensor, geom: Pool2dGeometry): [Tensor, Tensor] {
  const backend = backendOf("maxPool2d", x);
  const shape = [x.shape[0], x.shape[1], geom.outH, geom.outW];
  const xin = contiguousStorage(x);
  const { values, indices } = backend.maxPool2d(xin, geom);
  const idx = wrap(indices, shape);
  return [record("maxPool2d", [x], wrap(values, shape), { indices: idx, inputShape: x.shape }), idx];
}

/**
 * 2-d max pooling over `input` `[N, C, H, W]` (or `[C, H, W]`) with PyTorch's options. With
 * `returnIndices: true` gives `[values, indices]`, the indices int32 and flat within each
 * `H * W` plane (as PyTorch's, which are int64).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.arange(16).float().reshape(1, 1, 4, 4);
 * assertEquals(torch.maxPool2d(x, 2).toArray(), [[[[5, 7], [13, 15]]]]);
 * const [values, indices] = torch.maxPool2d(x, 2, { returnIndices: true });
 * assertEquals(indices.toArray(), [[[[5, 7], [13, 15]]]]);
 * ```
 */
export function maxPool2d(
  input: Tensor,
  kernelSize: Size2,
  opts: MaxPool2dOptions & { returnIndices: true },
): [Tensor, Tensor];
/** The max-pooled input. */
export function maxPool2d(input: Tensor, kernelSize: Size2, opts?: MaxPool2dOptions): Tensor;
export function maxPool2d(
  input: Tensor,
  kernelSize: Size2,
  opts: MaxPool2dOptions = {},
): Tensor | [Tensor, Tensor] {
  return maxPool2dCall(input, kernelSize, opts);
}
function maxPool2dCall(
  input: Tensor,
  kernelSize: Size2,
  opts: MaxPool2dOptions = {},
): Tensor | [Tensor, Tensor] {
  return inFrameOf(() => {
    const { x, geom, batched } = planPool(
      "maxPool2d",
      input,
      kernelSize,
      opts.stride,
      opts.padding,
      opts.dilation,
      opts.ceilMode ?? false,
    );
    const xf = asF32(x);
    let [values, indices] = maxPoolCore(xf, geom);
    if (input.dtype !== "float32") values = toDType(values, input.dtype);
    if (!batched) {
      values = squeeze(values, 0);
      indices = squeeze(indices, 0);
    }
    return opts.returnIndices ? [values, indices] : values;
  });
}

function avgOptions(op: string, opts: AvgPool2dOptions): AvgPoolOptions {
  const d = opts.divisorOverride ?? null;
  if (d !== null && (!Number.isInteger(d) || d === 0)) {
    throw new RangeError(`${op}: divisor must be not zero (and an integer), got ${d}`);
  }
  return { countIncludePad: opts.countIncludePad ?? true, divisor: d ?? 0 };
}

/**
 * 2-d average pooling over `input` `[N, C, H, W]` (or `[C, H, W]`) with PyTorch's options
 * (`countIncludePad` default true, `divisorOverride`, `ceilMode`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.arange(16).float().reshape(1, 1, 4, 4);
 * assertEquals(torch.avgPool2d(x, 2).toArray(), [[[[2.5, 4.5], [10.5, 12.5]]]]);
 * ```
 */
export function avgPool2d(input: Tensor, kernelSize: Size2, opts: AvgPool2dOptions = {}): Tensor {
  return inFrameOf(() => {
    const { x, geom, batched } = planPool(
      "avgPool2d",
      input,
      kernelSize,
      opts.stride,
      opts.padding,
      1,
      opts.ceilMode ?? false,
    );
    let out = avgPool2dCore(asF32(x), geom, avgOptions("avgPool2d", opts));
    if (input.dtype !== "float32") out = toDType(out, input.dtype);
    return batched ? out : squeeze(out, 0);
  });
}
