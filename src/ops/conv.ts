/**
 * Convolution and pooling: `conv1d`, `conv2d` (im2col + one batched matrix product, the bias
 * carried by a row of ones), `maxPool2d`, `avgPool2d`, and the internal ops their gradients are
 * made of (`im2col`/`col2im`, the average-pooling adjoint), each recorded with its own row in the
 * derivative table so that `createGraph: true` works through them.
 *
 * Inputs are NCHW (`[batch, channels, height, width]`) or unbatched CHW, as PyTorch. Kernels run
 * in float32; float16 inputs are converted (and results converted back).
 * @module
 */
import type { AvgPoolOptions, Conv2dGeometry, Pool2dGeometry } from "../backends/backend.ts";
import { isFloating } from "../dtype.ts";
import { fmtShape, numelOf } from "../shape.ts";
import { Tensor } from "../tensor.ts";
import { isGradEnabled } from "../autograd/grad_mode.ts";
import { backendOf, contiguousStorage, named, needsGrad, record, storageAs, wrap } from "./dispatch.ts";
import { expand, narrow, reshape, squeeze, transpose, unsqueeze } from "./movement.ts";
import { cat, scatterAddInto } from "./indexing.ts";
import { matmul } from "./matmul.ts";
import { sum } from "./reduce.ts";
import { toDType } from "./convert.ts";
import { inFrameOf } from "../memory.ts";
import { autocastCall } from "../amp/autocast.ts";

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

/** @internal One integer per spatial dim from a number or a list (of `n`, or of one). */
export function pairOf(op: string, name: string, v: unknown, n = 2): number[] {
  let out: number[];
  if (typeof v === "number") out = new Array(n).fill(v);
  else if (Array.isArray(v) && (v.length === n || v.length === 1)) {
    out = v.length === 1 ? new Array(n).fill(v[0]) : [...v];
  } else {
    throw new TypeError(
      `${op}: expected ${name} to be a single integer value or a list of ${n} values, got ${
        JSON.stringify(v)
      }`,
    );
  }
  for (const x of out) {
    if (typeof x !== "number" || !Number.isInteger(x)) {
      throw new TypeError(`${op}: ${name} must be integers, got ${JSON.stringify(v)}`);
    }
  }
  return out;
}

function checkFloatTensor(op: string, name: string, t: unknown): asserts t is Tensor {
  if (!(t instanceof Tensor)) throw new TypeError(`${op}: expected ${name} to be a tensor, got ${typeof t}`);
  if (!isFloating(t.dtype)) {
    throw new TypeError(`${op}: expected ${name} to be a floating point tensor, got ${t.dtype}`);
  }
  if (t.dtype === "float64") {
    throw new TypeError(
      `${op}: float64 ${name} is not supported (the convolution and pooling kernels compute in float32); ` +
        "convert with .float()",
    );
  }
}

/** `x` converted to float32 (recorded, so gradients flow back in the original dtype). */
function asF32(x: Tensor): Tensor {
  return x.dtype === "float32" ? x : toDType(x, "float32");
}

const size = (dims: readonly number[]) => `(${dims.join(" x ")})`;

// ---- internal differentiable ops: im2col / col2im ----

/**
 * @internal im2col of a 4-d float32 input: `[N, groups * R, oH * oW]` columns (see
 * `Conv2dGeometry`). Recorded as `im2col` (backward: `col2im`).
 */
export function im2col(x: Tensor, geom: Conv2dGeometry): Tensor {
  return inFrameOf(() => {
    const backend = backendOf("im2col", x);
    const r = (geom.channels / geom.groups) * geom.kernelH * geom.kernelW + (geom.onesRow ? 1 : 0);
    const xin = storageAs(x, "float32");
    const s = backend.im2col(xin, geom);
    return record("im2col", [x], wrap(s, [geom.batch, geom.groups * r, geom.outH * geom.outW]), { geom });
  });
}

/**
 * @internal The adjoint of {@link im2col}: columns back to an `[N, C, H, W]` input (overlaps
 * summed). Recorded as `col2im` (backward: `im2col`).
 */
export function col2im(cols: Tensor, geom: Conv2dGeometry): Tensor {
  return inFrameOf(() => {
    const backend = backendOf("col2im", cols);
    const cin = storageAs(cols, "float32");
    const s = backend.col2im(cin, geom);
    return record("col2im", [cols], wrap(s, [geom.batch, geom.channels, geom.height, geom.width]), { geom });
  });
}

// ---- convolution ----

interface ConvPlan {
  geom: Conv2dGeometry;
  outChannels: number;
}

/**
 * Validates a 2-d convolution of `x` ([N, C, H, W]) with `w` ([O, C/groups, kH, kW]) and
 * returns its geometry. `shownX`/`shownW` are the shapes the user passed (for messages).
 */
function planConv(
  op: string,
  x: Tensor,
  w: Tensor,
  bias: Tensor | null,
  stride: number[],
  padding: ConvPadding,
  dilation: number[],
  groups: number,
  shownX: readonly number[],
  shownW: readonly number[],
  spatial: 1 | 2,
): ConvPlan {
  if (!Number.isInteger(groups) || groups <= 0) {
    throw new RangeError(`${op}: non-positive groups is not supported`);
  }
  if (stride.some((s) => s <= 0)) throw new RangeError(`${op}: non-positive stride is not supported`);
  if (dilation.some((d) => d <= 0)) throw new RangeError(`${op}: non-positive dilation is not supported`);
  const [n, c, h, wd] = x.shape;
  const [o, cg, kH, kW] = w.shape;
  if (o % groups !== 0) {
    throw new RangeError(
      `${op}: Given groups=${groups}, expected weight to be divisible by ${groups} at dimension 0, but got ` +
        `weight of size ${fmtShape(shownW)} instead`,
    );
  }
  if (cg * groups !== c) {
    throw new RangeError(
      `${op}: Given groups=${groups}, weight of size ${fmtShape(shownW)}, expected input${
        fmtShape(shownX)
      } to have ${cg * groups} channels, but got ${c} channels instead`,
    );
  }
  if (bias !== null && (bias.ndim !== 1 || bias.shape[0] !== o)) {
    throw new RangeError(
      `${op}: Given weight of size ${fmtShape(shownW)}, expected bias to be 1-dimensional with ${o} ` +
        `elements, but got bias of size ${fmtShape(bias.shape)} instead`,
    );
  }
  const effH = dilation[0] * (kH - 1) + 1, effW = dilation[1] * (kW - 1) + 1;
  let padT: number, padB: number, padL: number, padR: number;
  if (padding === "valid") {
    padT =
      padB =
      padL =
      padR =
        0;
  } else if (padding === "same") {
    if (stride.some((s) => s !== 1)) {
      throw new RangeError(`${op}: padding='same' is not supported for strided convolutions`);
    }
    padT = Math.floor((effH - 1) / 2);
    padB = effH - 1 - padT;
    padL = Math.floor((effW - 1) / 2);
    padR = effW - 1 - padL;
  } else if (typeof padding === "string") {
    throw new RangeError(`${op}: Invalid padding string: '${padding}'`);
  } else {
    const p = spatial === 1 ? [0, ...pairOf(op, "padding", padding, 1)] : pairOf(op, "padding", padding);
    if (p.some((v) => v < 0)) throw new RangeError(`${op}: negative padding is not supported`);
    [padT, padL] = p;
    padB = padT;
    padR = padL;
  }
  const inH = h + padT + padB, inW = wd + padL + padR;
  if (inH < effH || inW < effW) {
    const padded = spatial === 1 ? [inW] : [inH, inW];
    const kernel = spatial === 1 ? [effW] : [effH, effW];
    throw new RangeError(
      `${op}: Calculated padded input size per channel: ${size(padded)}. Kernel size: ${size(kernel)}. ` +
        `Kernel size can't be greater than actual input size`,
    );
  }
  const outH = Math.floor((inH - effH) / stride[0]) + 1;
  const outW = Math.floor((inW - effW) / stride[1]) + 1;
  return {
    outChannels: o,
    geom: {
      batch: n,
      channels: c,
      height: h,
      width: wd,
      groups,
      onesRow: bias !== null,
      kernelH: kH,
      kernelW: kW,
      strideH: stride[0],
      strideW: stride[1],
      padH: padT,
      padW: padL,
      dilationH: dilation[0],
      dilationW: dilation[1],
      outH,
      outW,
    },
  };
}

/** Rows of one group's columns: `Cg * kH * kW` (+1 for the bias row). */
function groupRows(g: Conv2dGeometry): number {
  return (g.channels / g.groups) * g.kernelH * g.kernelW + (g.onesRow ? 1 : 0);
}

/** The 4-d float32 convolution, recorded as `conv2d`. */
function conv2dCore(x: Tensor, w: Tensor, bias: Tensor | null, plan: ConvPlan): Tensor {
  const { geom, outChannels: o } = plan;
  const backend = backendOf("conv2d", x, w, bias);
  const inputs = bias === null ? [x, w] : [x, w, bias];
  const { batch: n, groups: g, outH, outW } = geom;
  const og = o / g, r = groupRows(geom), l = outH * outW;
  const outShape = [n, o, outH, outW];
  if (numelOf(outShape) === 0) {
    return record("conv2d", inputs, wrap(backend.full("float32", 0, 0), outShape), { geom });
  }
  const xin = storageAs(x, "float32");
  const colsT = wrap(backend.im2col(xin, geom), [n, g * r, l]);
  const cols = colsT._storage;
  // Weight rows, with the bias appended as one more column per output channel.
  const wd = w.detach(), bd = bias?.detach();
  let a = reshape(wd, [g, og, r - (bias ? 1 : 0)]);
  if (bd) a = cat([a, reshape(bd, [g, og, 1])], 2);
  if (g > 1 && n > 1) a = expand(unsqueeze(a, 0), [n, g, og, r]);
  const ain = storageAs(a, "float32");
  const out = backend.matmul(ain, cols, {
    batch: n * g,
    m: og,
    k: r,
    n: l,
    aBatchStride: g === 1 ? 0 : og * r,
    bBatchStride: r * l,
    transA: false,
    transB: false,
  });
  // The columns are kept for the weight gradient only when it will be needed (the bias
  // gradient alone is a sum of the output gradient).
  const saved = needsGrad(w) ? colsT : null;
  return record("conv2d", inputs, wrap(out, outShape), { geom, cols: saved });
}

/**
 * @internal Gradients of `conv2d` for its inputs `[x, weight, bias?]` (null where not wanted):
 * input `col2im(Wᵀ @ g)`, weight and bias `Σₙ g @ colsᵀ` (the bias is the ones row's column).
 * Written with recorded ops, so `createGraph` differentiates through it.
 */
export function conv2dBackward(
  g: Tensor,
  inputs: readonly Tensor[],
  geom: Conv2dGeometry,
  savedCols: Tensor | null,
  want: readonly boolean[],
): (Tensor | null)[] {
  return inFrameOf(() => {
    const [x, w] = inputs;
    const { batch: n, groups: gr, outH, outW } = geom;
    const o = w.shape[0], og = o / gr, r = groupRows(geom), cgk = r - (geom.onesRow ? 1 : 0);
    const l = outH * outW;
    const g4 = reshape(asF32(g), [n, gr, og, l]);
    let gx: Tensor | null = null, gw: Tensor | null = null, gb: Tensor | null = null;
    if (want[0]) {
      const wt = transpose(reshape(w, [gr, og, cgk]), 1, 2); // [G, CgK, Og]
      const gcols = matmul(wt, g4); // [N, G, CgK, L]
      gx = col2im(reshape(gcols, [n, gr * cgk, l]), { ...geom, onesRow: false });
    }
    if (want[1]) {
      // Recompute the columns when differentiating the gradient itself w.r.t. the input.
      const cols = savedCols && !(isGradEnabled() && x.requiresGrad) ? savedCols : im2col(x, geom);
      const colsT = transpose(reshape(cols, [n, gr, r, l]), 2, 3); // [N, G, L, R]
      const gwb = sum(matmul(g4, colsT), 0); // [G, Og, R]
      gw = reshape(narrow(gwb, 2, 0, cgk), w.shape);
      if (geom.onesRow) gb = reshape(narrow(gwb, 2, cgk, 1), [o]);
    }
    if (want[2] && gb === null) gb = sum(g4, [0, 3]).reshape([o]);
    return [gx, gw, want[2] ? gb : null];
  });
}

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

/** PyTorch's pooling_output_shape. */
function pooledSize(
  inSize: number,
  k: number,
  pad: number,
  stride: number,
  dil: number,
  ceil: boolean,
): number {
  let out = Math.floor((inSize + 2 * pad - dil * (k - 1) - 1 + (ceil ? stride - 1 : 0)) / stride) + 1;
  if (ceil && (out - 1) * stride >= inSize + pad) out--;
  return out;
}

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

/** @internal The gradient of `maxPool2d`: `g` added at the saved argmax of each window. */
export function maxPool2dBackward(g: Tensor, indices: Tensor, inputShape: readonly number[]): Tensor {
  return inFrameOf(() => {
    const [n, c, h, w] = inputShape;
    const [oh, ow] = indices.shape.slice(2);
    const flat = scatterAddInto(reshape(asF32(g), [n * c, oh * ow]), 1, reshape(indices, [n * c, oh * ow]), [
      n * c,
      h * w,
    ]);
    return reshape(flat, inputShape);
  });
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

/** @internal Average pooling of a 4-d float32 tensor with a known geometry; recorded as `avgPool2d`. */
export function avgPool2dCore(x: Tensor, geom: Pool2dGeometry, opts: AvgPoolOptions): Tensor {
  return inFrameOf(() => {
    const backend = backendOf("avgPool2d", x);
    const xin = storageAs(x, "float32");
    const s = backend.avgPool2d(xin, geom, opts);
    const out = wrap(s, [x.shape[0], x.shape[1], geom.outH, geom.outW]);
    return record("avgPool2d", [x], out, { geom, opts, inputShape: x.shape });
  });
}

/**
 * @internal The adjoint of average pooling (its input gradient), recorded as
 * `avgPool2dBackward`, whose own gradient is average pooling again.
 */
export function avgPool2dBackward(
  g: Tensor,
  geom: Pool2dGeometry,
  opts: AvgPoolOptions,
  inputShape: readonly number[],
): Tensor {
  return inFrameOf(() => {
    const backend = backendOf("avgPool2d", g);
    const gin = storageAs(g, "float32");
    const s = backend.avgPool2dBackward(gin, geom, opts);
    return record("avgPool2dBackward", [g], wrap(s, inputShape), { geom, opts });
  });
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
