/**
 * 1-d pooling over `[N, C, L]` (or unbatched `[C, L]`) inputs: `maxPool1d`, `avgPool1d`,
 * `adaptiveAvgPool1d`, `adaptiveMaxPool1d` (PyTorch's `F.max_pool1d`, ...). Each is the 2-d
 * pooling kernel over a height-1 view, as PyTorch computes them, so they run and differentiate on
 * both devices. Part of `F`.
 * @module
 */
import { fmtShape } from "../shape.ts";
import type { Tensor } from "../tensor.ts";
import { squeeze, unsqueeze } from "./movement.ts";
import { inFrameOf } from "../memory.ts";
import { asOp } from "./naming.ts";
import { avgPool2d, maxPool2d } from "./conv.ts";
import { adaptiveAvgPool2d, adaptiveMaxPool2d } from "./adaptive_pool.ts";
import { checkFloatTensor, pairOf } from "./conv_core.ts";

/** A 1-d size: a number or a one-element list. */
export type Size1 = number | readonly [number] | readonly number[];

/** Options of {@link maxPool1d} (PyTorch's keyword arguments). */
export interface MaxPool1dOptions {
  /** Step of the window (default: the kernel size). */
  stride?: Size1 | null;
  /** Implicit -inf padding on each side (default 0; at most half the kernel). */
  padding?: Size1;
  /** Spacing between window elements (default 1). */
  dilation?: Size1;
  /** Use ceil instead of floor for the output length (default false). */
  ceilMode?: boolean;
  /** Also return the int32 indices of the maxima (positions along `L`). */
  returnIndices?: boolean;
}

/** Options of {@link avgPool1d} (PyTorch's keyword arguments). */
export interface AvgPool1dOptions {
  /** Step of the window (default: the kernel size). */
  stride?: Size1 | null;
  /** Implicit zero padding on each side (default 0; at most half the kernel). */
  padding?: Size1;
  /** Use ceil instead of floor for the output length (default false). */
  ceilMode?: boolean;
  /** Count the padding zeros in the divisor (default true). */
  countIncludePad?: boolean;
}

/** Checks a 2-d or 3-d input and returns it as `[N, C, 1, L]`. */
function asPlanes(op: string, input: Tensor): Tensor {
  checkFloatTensor(op, "input", input);
  if ((input.ndim !== 2 && input.ndim !== 3) || input.shape.slice(1).some((s) => s === 0)) {
    throw new RangeError(
      `${op}: expected a non-empty 2-d [C, L] or 3-d [N, C, L] input, got input of size ${
        fmtShape(input.shape)
      }`,
    );
  }
  return unsqueeze(input.ndim === 3 ? input : unsqueeze(input, 0), 2);
}

/** Back from `[N, C, 1, L']` to the input's rank. */
function fromPlanes(y: Tensor, input: Tensor): Tensor {
  const out = squeeze(y, 2);
  return input.ndim === 3 ? out : squeeze(out, 0);
}

interface Window1 {
  k: number;
  s: number;
  p: number;
  d: number;
}

function window1(
  op: string,
  input: Tensor,
  kernelSize: Size1,
  stride: Size1 | null | undefined,
  padding: Size1 | undefined,
  dilation: Size1 | undefined,
  ceilMode: boolean,
): Window1 {
  const [k] = pairOf(op, "kernel_size", kernelSize, 1);
  const [s] = stride === undefined || stride === null ? [k] : pairOf(op, "stride", stride, 1);
  const [p] = pairOf(op, "padding", padding ?? 0, 1);
  const [d] = pairOf(op, "dilation", dilation ?? 1, 1);
  if (k <= 0) throw new RangeError(`${op}: kernel_size must be greater than zero, but got ${k}`);
  if (s <= 0) throw new RangeError(`${op}: stride must be greater than zero, but got ${s}`);
  if (d <= 0) throw new RangeError(`${op}: dilation must be greater than zero, but got ${d}`);
  if (p < 0) throw new RangeError(`${op}: padding must be non-negative, but got ${p}`);
  if (p > Math.floor(k / 2)) {
    throw new RangeError(
      `${op}: pad should be at most half of kernel size, but got pad=${p} and kernel_size=${k}`,
    );
  }
  const l = input.shape[input.ndim - 1];
  let out = Math.floor((l + 2 * p - d * (k - 1) - 1 + (ceilMode ? s - 1 : 0)) / s) + 1;
  if (ceilMode && (out - 1) * s >= l + p) out--;
  if (out < 1) {
    throw new RangeError(
      `${op}: Given input size ${fmtShape(input.shape)}, kernel_size=${k}, stride=${s}, padding=${p}, ` +
        `dilation=${d}: calculated output size ${out} is too small`,
    );
  }
  return { k, s, p, d };
}

/**
 * 1-d max pooling over `input` `[N, C, L]` (or `[C, L]`) with PyTorch's options. With
 * `returnIndices: true` gives `[values, indices]`, the indices int32 positions along `L` (PyTorch's
 * are int64).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.tensor([[[1, 5, 2, 4, 3]]]);
 * assertEquals(torch.F.maxPool1d(x.float(), 2).toArray(), [[[5, 4]]]);
 * const [values, indices] = torch.F.maxPool1d(x.float(), 3, { stride: 2, padding: 1, returnIndices: true });
 * assertEquals([values.toArray(), indices.toArray()], [[[[5, 5, 4]]], [[[1, 1, 3]]]]);
 * ```
 */
export function maxPool1d(
  input: Tensor,
  kernelSize: Size1,
  opts: MaxPool1dOptions & { returnIndices: true },
): [Tensor, Tensor];
/** The max-pooled input. */
export function maxPool1d(input: Tensor, kernelSize: Size1, opts?: MaxPool1dOptions): Tensor;
export function maxPool1d(
  input: Tensor,
  kernelSize: Size1,
  opts: MaxPool1dOptions = {},
): Tensor | [Tensor, Tensor] {
  return maxPool1dCall(input, kernelSize, opts);
}
function maxPool1dCall(input: Tensor, kernelSize: Size1, opts: MaxPool1dOptions): Tensor | [Tensor, Tensor] {
  return inFrameOf(() =>
    asOp("maxPool1d", () => {
      const x = asPlanes("maxPool1d", input);
      const ceilMode = opts.ceilMode ?? false;
      const w = window1("maxPool1d", input, kernelSize, opts.stride, opts.padding, opts.dilation, ceilMode);
      const [values, indices] = maxPool2d(x, [1, w.k], {
        stride: [1, w.s],
        padding: [0, w.p],
        dilation: [1, w.d],
        ceilMode,
        returnIndices: true,
      });
      const v = fromPlanes(values, input);
      return opts.returnIndices ? [v, fromPlanes(indices, input)] as [Tensor, Tensor] : v;
    })
  );
}

/**
 * 1-d average pooling over `input` `[N, C, L]` (or `[C, L]`) with PyTorch's options
 * (`countIncludePad` default true, `ceilMode`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.tensor([[[1, 2, 3, 4, 5, 6]]]).float();
 * assertEquals(torch.F.avgPool1d(x, 2).toArray(), [[[1.5, 3.5, 5.5]]]);
 * assertEquals(torch.F.avgPool1d(x, 3, { stride: 3, padding: 1, countIncludePad: false }).toArray(), [[[1.5, 4]]]);
 * ```
 */
export function avgPool1d(input: Tensor, kernelSize: Size1, opts: AvgPool1dOptions = {}): Tensor {
  return inFrameOf(() =>
    asOp("avgPool1d", () => {
      const x = asPlanes("avgPool1d", input);
      const ceilMode = opts.ceilMode ?? false;
      const w = window1("avgPool1d", input, kernelSize, opts.stride, opts.padding, 1, ceilMode);
      const y = avgPool2d(x, [1, w.k], {
        stride: [1, w.s],
        padding: [0, w.p],
        ceilMode,
        countIncludePad: opts.countIncludePad ?? true,
      });
      return fromPlanes(y, input);
    })
  );
}

function outputLength(op: string, outputSize: Size1): number {
  const [o] = pairOf(op, "output_size", outputSize, 1);
  if (o < 1) throw new RangeError(`${op}: output_size must be a positive integer, got ${o}`);
  return o;
}

/**
 * Average pooling of `input` `[N, C, L]` (or `[C, L]`) to `outputSize` positions, whatever `L`
 * (PyTorch's `F.adaptive_avg_pool1d`; windows `[floor(i·L/out), ceil((i+1)·L/out))`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.tensor([[[1, 2, 3, 4, 5]]]).float();
 * assertEquals(torch.F.adaptiveAvgPool1d(x, 2).toArray(), [[[2, 4]]]);
 * ```
 */
export function adaptiveAvgPool1d(input: Tensor, outputSize: Size1): Tensor {
  return inFrameOf(() =>
    asOp("adaptiveAvgPool1d", () => {
      const o = outputLength("adaptiveAvgPool1d", outputSize);
      return fromPlanes(adaptiveAvgPool2d(asPlanes("adaptiveAvgPool1d", input), [1, o]), input);
    })
  );
}

/** Options of {@link adaptiveMaxPool1d}. */
export interface AdaptiveMaxPool1dOptions {
  /** Also return the int32 indices of the maxima (positions along `L`). */
  returnIndices?: boolean;
}

/**
 * Max pooling of `input` `[N, C, L]` (or `[C, L]`) to `outputSize` positions (PyTorch's
 * `F.adaptive_max_pool1d`); with `returnIndices` gives `[values, indices]`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.tensor([[[1, 5, 2, 4, 3]]]).float();
 * const [values, indices] = torch.F.adaptiveMaxPool1d(x, 2, { returnIndices: true });
 * assertEquals([values.toArray(), indices.toArray()], [[[[5, 4]]], [[[1, 3]]]]);
 * ```
 */
export function adaptiveMaxPool1d(
  input: Tensor,
  outputSize: Size1,
  opts: AdaptiveMaxPool1dOptions & { returnIndices: true },
): [Tensor, Tensor];
/** The max-pooled input. */
export function adaptiveMaxPool1d(input: Tensor, outputSize: Size1, opts?: AdaptiveMaxPool1dOptions): Tensor;
export function adaptiveMaxPool1d(
  input: Tensor,
  outputSize: Size1,
  opts: AdaptiveMaxPool1dOptions = {},
): Tensor | [Tensor, Tensor] {
  return adaptiveMaxPool1dCall(input, outputSize, opts);
}
function adaptiveMaxPool1dCall(
  input: Tensor,
  outputSize: Size1,
  opts: AdaptiveMaxPool1dOptions,
): Tensor | [Tensor, Tensor] {
  return inFrameOf(() =>
    asOp("adaptiveMaxPool1d", () => {
      const o = outputLength("adaptiveMaxPool1d", outputSize);
      const [values, indices] = adaptiveMaxPool2d(asPlanes("adaptiveMaxPool1d", input), [1, o], {
        returnIndices: true,
      });
      const v = fromPlanes(values, input);
      return opts.returnIndices ? [v, fromPlanes(indices, input)] as [Tensor, Tensor] : v;
    })
  );
}
