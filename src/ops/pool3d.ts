/**
 * 3-d pooling over `[N, C, D, H, W]` (or unbatched `[C, D, H, W]`) volumes: `maxPool3d`,
 * `avgPool3d`, `adaptiveAvgPool3d`, `adaptiveMaxPool3d` (PyTorch's `F.max_pool3d`, ...). A 3-d
 * window is separable: the 2-d pooling kernels pool each depth slice over `H, W`, then the same
 * kernels pool the result over `D` (a `[kD, 1]` window over the `[D, H'·W']` plane), with
 * PyTorch's per-dim window bounds and divisors. Max pooling locates the maxima that way (the first
 * in depth, height, width order, as PyTorch's kernel) and takes the values with `gather`, so the
 * gradient goes to exactly those elements. Everything runs and differentiates on both devices.
 * Part of `F`.
 * @module
 */
import { fmtShape } from "../shape.ts";
import type { Tensor } from "../tensor.ts";
import { noGrad } from "../autograd/grad_mode.ts";
import { gather } from "./indexing.ts";
import { reshape, squeeze, unsqueeze } from "./movement.ts";
import * as ew from "./elementwise.ts";
import { floorDivide } from "./division.ts";
import { named } from "./dispatch.ts";
import { inFrameOf } from "../memory.ts";
import { asOp } from "./naming.ts";
import { avgPool2d, maxPool2d } from "./conv.ts";
import { adaptiveAvgPool2d, adaptiveMaxPool2d } from "./adaptive_pool.ts";
import { checkFloatTensor, pairOf, pooledSize } from "./conv_core.ts";
import type { Size3 } from "./conv3d.ts";

/** Options of {@link maxPool3d} (PyTorch's keyword arguments). */
export interface MaxPool3dOptions {
  /** Step of the window (default: the kernel size). */
  stride?: Size3 | null;
  /** Implicit -inf padding on each side (default 0; at most half the kernel). */
  padding?: Size3;
  /** Spacing between window elements (default 1). */
  dilation?: Size3;
  /** Use ceil instead of floor for the output size (default false). */
  ceilMode?: boolean;
  /** Also return the int32 indices of the maxima (flat within each `D * H * W` volume). */
  returnIndices?: boolean;
}

/** Options of {@link avgPool3d} (PyTorch's keyword arguments). */
export interface AvgPool3dOptions {
  /** Step of the window (default: the kernel size). */
  stride?: Size3 | null;
  /** Implicit zero padding on each side (default 0; at most half the kernel). */
  padding?: Size3;
  /** Use ceil instead of floor for the output size (default false). */
  ceilMode?: boolean;
  /** Count the padding zeros in the divisor (default true). */
  countIncludePad?: boolean;
  /** Divide by this instead of the window size. */
  divisorOverride?: number | null;
}

/** An output size of adaptive 3-d pooling: one number for all dims, or `[D, H, W]` (null keeps that dim). */
export type AdaptiveSize3 = number | readonly (number | null)[];

/** Options of {@link adaptiveMaxPool3d}. */
export interface AdaptiveMaxPool3dOptions {
  /** Also return the int32 indices of the maxima, flat within each `D * H * W` volume. */
  returnIndices?: boolean;
}

/** Checks a 4-d or 5-d non-empty float input and returns it as `[N, C, D, H, W]`. */
function asVolumes(op: string, input: Tensor): Tensor {
  checkFloatTensor(op, "input", input);
  if ((input.ndim !== 4 && input.ndim !== 5) || input.shape.slice(1).some((s) => s === 0)) {
    throw new RangeError(
      `${op}: non-empty 4D or 5D (batch mode) tensor expected for input, got input of size ${
        fmtShape(input.shape)
      }`,
    );
  }
  return input.ndim === 5 ? input : unsqueeze(input, 0);
}

interface Window3 {
  k: number[];
  s: number[];
  p: number[];
  d: number[];
  out: number[];
}

function window3(
  op: string,
  x: Tensor,
  kernelSize: Size3,
  strideArg: Size3 | null | undefined,
  paddingArg: Size3 | undefined,
  dilationArg: Size3 | undefined,
  ceil: boolean,
): Window3 {
  const k = pairOf(op, "kernel_size", kernelSize, 3);
  const s = strideArg === undefined || strideArg === null ? k : pairOf(op, "stride", strideArg, 3);
  const p = pairOf(op, "padding", paddingArg ?? 0, 3);
  const d = pairOf(op, "dilation", dilationArg ?? 1, 3);
  if (k.some((v) => v <= 0)) throw new RangeError(`${op}: kernel size should be greater than zero, got ${k}`);
  if (s.some((v) => v <= 0)) throw new RangeError(`${op}: stride should be greater than zero, got ${s}`);
  if (d.some((v) => v <= 0)) throw new RangeError(`${op}: dilation should be greater than zero, got ${d}`);
  const bad = p.findIndex((v, i) => v < 0 || v > Math.floor(k[i] / 2));
  if (bad >= 0) {
    throw new RangeError(
      `${op}: pad should be smaller than or equal to half of kernel size, but got padding=${p[bad]} and ` +
        `kernel_size=${k[bad]}`,
    );
  }
  const [, c, ...sizes] = x.shape;
  const out = sizes.map((n, i) => pooledSize(n, k[i], p[i], s[i], d[i], ceil));
  if (out.some((o) => o < 1)) {
    throw new RangeError(
      `${op}: Given input size: (${c}x${sizes.join("x")}). Calculated output size: (${c}x${
        out.map((o) => Math.max(o, 0)).join("x")
      }). Output size is too small`,
    );
  }
  return { k, s, p, d, out };
}

/**
 * Flat `D·H·W` indices from the two stages: `hw` (`[N, C·D, oH, oW]`, flat in `H·W`) and `depth`
 * (`[N, C, oD, oH·oW]`, flat in `D·oH·oW` of the first stage's output).
 */
function combine(x: Tensor, hw: Tensor, depth: Tensor): Tensor {
  const [n, c, d, h, w] = x.shape;
  const [oh, ow] = hw.shape.slice(2), l = oh * ow;
  const slice = floorDivide(depth, l); // the depth each maximum came from
  const within = gather(reshape(hw, [n, c, d, l]), 2, slice);
  return reshape(ew.add(ew.mul(slice, h * w), within), [n, c, depth.shape[2], oh, ow]);
}

/** The values of `x` at the flat volume `indices`, by `gather` (so the gradient lands there). */
function takeAt(x: Tensor, indices: Tensor): Tensor {
  const [n, c, ...dims] = x.shape;
  const count = indices.shape.slice(2).reduce((a, b) => a * b, 1);
  const flat = reshape(x, [n, c, dims.reduce((a, b) => a * b, 1)]);
  return reshape(gather(flat, 2, reshape(indices, [n, c, count])), indices.shape);
}

/**
 * 3-d max pooling over `input` `[N, C, D, H, W]` (or `[C, D, H, W]`) with PyTorch's options. With
 * `returnIndices: true` gives `[values, indices]`, the indices int32 and flat within each
 * `D * H * W` volume (as PyTorch's, which are int64).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.arange(64).float().reshape(1, 1, 4, 4, 4);
 * const [values, indices] = torch.maxPool3d(x, 2, { returnIndices: true });
 * assertEquals(values.toArray(), [[[[[21, 23], [29, 31]], [[53, 55], [61, 63]]]]]);
 * assertEquals(indices.toArray(), values.toArray());
 * ```
 */
export function maxPool3d(
  input: Tensor,
  kernelSize: Size3,
  opts: MaxPool3dOptions & { returnIndices: true },
): [Tensor, Tensor];
/** The max-pooled input. */
export function maxPool3d(input: Tensor, kernelSize: Size3, opts?: MaxPool3dOptions): Tensor;
export function maxPool3d(
  input: Tensor,
  kernelSize: Size3,
  opts: MaxPool3dOptions = {},
): Tensor | [Tensor, Tensor] {
  return maxPool3dCall(input, kernelSize, opts);
}
function maxPool3dCall(input: Tensor, kernelSize: Size3, opts: MaxPool3dOptions): Tensor | [Tensor, Tensor] {
  return inFrameOf(() => {
    const op = "maxPool3d";
    const x = asVolumes(op, input);
    const ceilMode = opts.ceilMode ?? false;
    const { k, s, p, d } = window3(op, x, kernelSize, opts.stride, opts.padding, opts.dilation, ceilMode);
    const [n, c, depth, h, w] = x.shape;
    const indices = noGrad(() =>
      asOp(op, () => {
        const [v1, i1] = maxPool2d(reshape(x, [n, c * depth, h, w]), k.slice(1), {
          stride: s.slice(1),
          padding: p.slice(1),
          dilation: d.slice(1),
          ceilMode,
          returnIndices: true,
        });
        const [, i2] = maxPool2d(reshape(v1, [n, c, depth, v1.shape[2] * v1.shape[3]]), [k[0], 1], {
          stride: [s[0], 1],
          padding: [p[0], 0],
          dilation: [d[0], 1],
          ceilMode,
          returnIndices: true,
        });
        return combine(x, i1, i2);
      })
    );
    const values = named(takeAt(x, indices), "MaxPool3DWithIndicesBackward0", input);
    const unbatch = (t: Tensor) => (input.ndim === 4 ? squeeze(t, 0) : t);
    return opts.returnIndices ? [unbatch(values), unbatch(indices)] : unbatch(values);
  });
}

/**
 * 3-d average pooling over `input` `[N, C, D, H, W]` (or `[C, D, H, W]`) with PyTorch's options
 * (`countIncludePad` default true, `divisorOverride`, `ceilMode`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.arange(8).float().reshape(1, 1, 2, 2, 2);
 * assertEquals(torch.F.avgPool3d(x, 2).toArray(), [[[[[3.5]]]]]);
 * assertEquals(torch.F.avgPool3d(x, 2, { divisorOverride: 1 }).toArray(), [[[[[28]]]]]);
 * ```
 */
export function avgPool3d(input: Tensor, kernelSize: Size3, opts: AvgPool3dOptions = {}): Tensor {
  return inFrameOf(() => {
    const op = "avgPool3d";
    const x = asVolumes(op, input);
    const ceilMode = opts.ceilMode ?? false;
    const { k, s, p } = window3(op, x, kernelSize, opts.stride, opts.padding, 1, ceilMode);
    const divisor = opts.divisorOverride ?? null;
    if (divisor !== null && (!Number.isInteger(divisor) || divisor === 0)) {
      throw new RangeError(`${op}: divisor must be not zero (and an integer), got ${divisor}`);
    }
    const countIncludePad = opts.countIncludePad ?? true;
    const [n, c, d, h, w] = x.shape;
    const out = asOp(op, () => {
      // Per slice over H, W (a plain sum when a divisor overrides), then over D.
      const v1 = avgPool2d(reshape(x, [n, c * d, h, w]), k.slice(1), {
        stride: s.slice(1),
        padding: p.slice(1),
        ceilMode,
        countIncludePad,
        divisorOverride: divisor === null ? null : 1,
      });
      const [oh, ow] = v1.shape.slice(2);
      const v2 = avgPool2d(reshape(v1, [n, c, d, oh * ow]), [k[0], 1], {
        stride: [s[0], 1],
        padding: [p[0], 0],
        ceilMode,
        countIncludePad,
        divisorOverride: divisor,
      });
      return reshape(v2, [n, c, v2.shape[2], oh, ow]);
    });
    named(out, "AvgPool3DBackward0", input);
    return input.ndim === 4 ? squeeze(out, 0) : out;
  });
}

/** `[D, H, W]` of an adaptive output size (null keeps the input's). */
function adaptiveSizes(op: string, x: Tensor, outputSize: AdaptiveSize3): number[] {
  const sizes = typeof outputSize === "number" ? [outputSize, outputSize, outputSize] : [...outputSize];
  if (sizes.length !== 3) {
    throw new RangeError(`${op}: outputSize must have 3 elements, got [${sizes.join(", ")}]`);
  }
  const out = sizes.map((s, i) => s ?? x.shape[2 + i]);
  if (out.some((s) => !Number.isInteger(s) || s < 1)) {
    throw new RangeError(
      `${op}: outputSize must be positive integers, got [${sizes.map((s) => s ?? "None").join(", ")}]`,
    );
  }
  return out;
}

/**
 * Average pooling to `outputSize` (PyTorch's `adaptive_avg_pool3d`): output cell `i` of `out`
 * along a dim of size `n` averages `[floor(i·n/out), ceil((i+1)·n/out))`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.arange(27).float().view(1, 1, 3, 3, 3);
 * assertEquals(torch.F.adaptiveAvgPool3d(x, 1).toArray(), [[[[[13]]]]]);
 * assertEquals(torch.F.adaptiveAvgPool3d(x, [1, null, 1]).shape, [1, 1, 1, 3, 1]);
 * ```
 */
export function adaptiveAvgPool3d(input: Tensor, outputSize: AdaptiveSize3): Tensor {
  return inFrameOf(() => {
    const op = "adaptiveAvgPool3d";
    const x = asVolumes(op, input);
    const [od, oh, ow] = adaptiveSizes(op, x, outputSize);
    const [n, c, d, h, w] = x.shape;
    const out = asOp(op, () => {
      const v1 = adaptiveAvgPool2d(reshape(x, [n, c * d, h, w]), [oh, ow]);
      return reshape(adaptiveAvgPool2d(reshape(v1, [n, c, d, oh * ow]), [od, oh * ow]), [n, c, od, oh, ow]);
    });
    // PyTorch averages to 1×1×1 with a mean over the three dims.
    named(out, od * oh * ow === 1 ? "MeanBackward1" : "AdaptiveAvgPool3DBackward0", input);
    return input.ndim === 4 ? squeeze(out, 0) : out;
  });
}

/**
 * Max pooling to `outputSize` (PyTorch's `adaptive_max_pool3d`); with `returnIndices` gives
 * `[values, indices]` (int32, flat within each `D * H * W` volume).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.arange(27).float().view(1, 1, 3, 3, 3);
 * assertEquals(torch.F.adaptiveMaxPool3d(x, 1).toArray(), [[[[[26]]]]]);
 * ```
 */
export function adaptiveMaxPool3d(
  input: Tensor,
  outputSize: AdaptiveSize3,
  opts: AdaptiveMaxPool3dOptions & { returnIndices: true },
): [Tensor, Tensor];
/** The max-pooled input. */
export function adaptiveMaxPool3d(
  input: Tensor,
  outputSize: AdaptiveSize3,
  opts?: AdaptiveMaxPool3dOptions,
): Tensor;
export function adaptiveMaxPool3d(
  input: Tensor,
  outputSize: AdaptiveSize3,
  opts: AdaptiveMaxPool3dOptions = {},
): Tensor | [Tensor, Tensor] {
  return adaptiveMaxPool3dCall(input, outputSize, opts);
}
function adaptiveMaxPool3dCall(
  input: Tensor,
  outputSize: AdaptiveSize3,
  opts: AdaptiveMaxPool3dOptions,
): Tensor | [Tensor, Tensor] {
  return inFrameOf(() => {
    const op = "adaptiveMaxPool3d";
    const x = asVolumes(op, input);
    const [od, oh, ow] = adaptiveSizes(op, x, outputSize);
    const [n, c, d, h, w] = x.shape;
    const indices = noGrad(() =>
      asOp(op, () => {
        const [v1, i1] = adaptiveMaxPool2d(reshape(x, [n, c * d, h, w]), [oh, ow], { returnIndices: true });
        const [, i2] = adaptiveMaxPool2d(reshape(v1, [n, c, d, oh * ow]), [od, oh * ow], {
          returnIndices: true,
        });
        return combine(x, i1, i2);
      })
    );
    const values = named(takeAt(x, indices), "AdaptiveMaxPool3DBackward0", input);
    const unbatch = (t: Tensor) => (input.ndim === 4 ? squeeze(t, 0) : t);
    return opts.returnIndices ? [unbatch(values), unbatch(indices)] : unbatch(values);
  });
}
