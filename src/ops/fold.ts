/**
 * `unfold` / `fold` (PyTorch's `F.unfold` / `F.fold`): sliding blocks of an image as columns
 * `[N, C * kH * kW, L]` and back (overlaps summed). They are the convolution's im2col / col2im
 * kernels, each the other's gradient, so they run and differentiate on both devices. Part of `F`.
 * @module
 */
import type { Conv2dGeometry } from "../backends/backend.ts";
import { fmtShape } from "../shape.ts";
import type { Tensor } from "../tensor.ts";
import { squeeze, unsqueeze } from "./movement.ts";
import { toDType } from "./convert.ts";
import { named } from "./dispatch.ts";
import { inFrameOf } from "../memory.ts";
import { asF32, checkFloatTensor, col2im, im2col, pairOf } from "./conv_core.ts";
import type { Size2 } from "./conv.ts";

/** Options of {@link unfold} and {@link fold} (PyTorch's keyword arguments). */
export interface FoldOptions {
  /** Spacing between kernel elements (default 1). */
  dilation?: Size2;
  /** Implicit zero padding on both sides (default 0). */
  padding?: Size2;
  /** Step of the sliding blocks (default 1). */
  stride?: Size2;
}

interface Blocks {
  k: number[];
  d: number[];
  p: number[];
  s: number[];
}

const tuple = (v: number[]) => `(${v.join(", ")})`;

function blockArgs(op: string, kernelSize: Size2, opts: FoldOptions): Blocks {
  const k = pairOf(op, "kernel_size", kernelSize);
  const d = pairOf(op, "dilation", opts.dilation ?? 1);
  const p = pairOf(op, "padding", opts.padding ?? 0);
  const s = pairOf(op, "stride", opts.stride ?? 1);
  if (k.some((v) => v <= 0)) {
    throw new RangeError(`${op}: kernel size should be greater than zero, but got kernel_size=${tuple(k)}`);
  }
  if (d.some((v) => v <= 0)) {
    throw new RangeError(`${op}: dilation should be greater than zero, but got dilation=${tuple(d)}`);
  }
  if (p.some((v) => v < 0)) {
    throw new RangeError(`${op}: padding should be non-negative, but got padding=${tuple(p)}`);
  }
  if (s.some((v) => v <= 0)) {
    throw new RangeError(`${op}: stride should be greater than zero, but got stride=${tuple(s)}`);
  }
  return { k, d, p, s };
}

/** Number of sliding blocks along each spatial dim. */
function blockCounts(h: number, w: number, b: Blocks): [number, number] {
  const n = (size: number, i: number) =>
    Math.floor((size + 2 * b.p[i] - b.d[i] * (b.k[i] - 1) - 1) / b.s[i]) + 1;
  return [n(h, 0), n(w, 1)];
}

function geometry(
  n: number,
  c: number,
  h: number,
  w: number,
  b: Blocks,
  out: [number, number],
): Conv2dGeometry {
  return {
    batch: n,
    channels: c,
    height: h,
    width: w,
    groups: 1,
    onesRow: false,
    kernelH: b.k[0],
    kernelW: b.k[1],
    strideH: b.s[0],
    strideW: b.s[1],
    padH: b.p[0],
    padW: b.p[1],
    dilationH: b.d[0],
    dilationW: b.d[1],
    outH: out[0],
    outW: out[1],
  };
}

/**
 * Extracts the sliding blocks of `input` `[N, C, H, W]` (or unbatched `[C, H, W]`) as columns
 * `[N, C * kH * kW, L]` (`L` blocks, row `(c * kH + i) * kW + j`), as PyTorch's `F.unfold`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.arange(9).float().reshape(1, 1, 3, 3);
 * const cols = torch.F.unfold(x, 2);
 * assertEquals(cols.shape, [1, 4, 4]);
 * assertEquals(cols.toArray(), [[[0, 1, 3, 4], [1, 2, 4, 5], [3, 4, 6, 7], [4, 5, 7, 8]]]);
 * ```
 */
export function unfold(input: Tensor, kernelSize: Size2, opts: FoldOptions = {}): Tensor {
  return inFrameOf(() => {
    const op = "unfold";
    checkFloatTensor(op, "input", input);
    if ((input.ndim !== 3 && input.ndim !== 4) || input.shape.slice(input.ndim - 3).some((s) => s === 0)) {
      throw new RangeError(
        `${op}: Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and other non-zero dimensions ` +
          `for input, but got: ${fmtShape(input.shape)}`,
      );
    }
    const b = blockArgs(op, kernelSize, opts);
    const batched = input.ndim === 4;
    const x = batched ? input : unsqueeze(input, 0);
    const [n, c, h, w] = x.shape;
    const [oh, ow] = blockCounts(h, w, b);
    if (oh < 1 || ow < 1) {
      throw new RangeError(
        `${op}: Given input with spatial size (${h}, ${w}), kernel_size=${tuple(b.k)}, dilation=${
          tuple(b.d)
        }, padding=${tuple(b.p)}, calculated shape of the array of sliding blocks as (${oh}, ${ow}), ` +
          `but its components must be at least one.`,
      );
    }
    let out = named(im2col(asF32(x), geometry(n, c, h, w, b, [oh, ow])), "Im2ColBackward0", input);
    if (input.dtype !== "float32") out = toDType(out, input.dtype);
    return batched ? out : squeeze(out, 0);
  });
}

/**
 * Sums sliding blocks `[N, C * kH * kW, L]` (or unbatched `[C * kH * kW, L]`) back into an image
 * `[N, C, outH, outW]`, overlapping values added, as PyTorch's `F.fold` (the adjoint of
 * {@link unfold}).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const ones = torch.ones(1, 4, 4);
 * // How many 2x2 blocks of a 3x3 image cover each pixel:
 * assertEquals(torch.F.fold(ones, [3, 3], 2).toArray(), [[[[1, 2, 1], [2, 4, 2], [1, 2, 1]]]]);
 * ```
 */
export function fold(input: Tensor, outputSize: Size2, kernelSize: Size2, opts: FoldOptions = {}): Tensor {
  return inFrameOf(() => {
    const op = "fold";
    checkFloatTensor(op, "input", input);
    if ((input.ndim !== 2 && input.ndim !== 3) || input.shape.slice(input.ndim - 2).some((s) => s === 0)) {
      throw new RangeError(
        `${op}: Expected 2D or 3D (batch mode) tensor with possibly 0 batch size and non-zero dimensions ` +
          `for input, but got: ${fmtShape(input.shape)}`,
      );
    }
    const [oh, ow] = pairOf(op, "output_size", outputSize);
    const b = blockArgs(op, kernelSize, opts);
    if (oh <= 0 || ow <= 0) {
      throw new RangeError(
        `${op}: output size should be greater than zero, but got output_size=(${oh}, ${ow})`,
      );
    }
    const batched = input.ndim === 3;
    const cols = batched ? input : unsqueeze(input, 0);
    const [n, rows, l] = cols.shape;
    const kk = b.k[0] * b.k[1];
    if (rows % kk !== 0) {
      throw new RangeError(
        `${op}: Expected size of input's dimension ${batched ? 1 : 0} to be divisible by the product of ` +
          `kernel_size, but got input.size(${batched ? 1 : 0})=${rows} and kernel_size=${tuple(b.k)}`,
      );
    }
    const [bh, bw] = blockCounts(oh, ow, b);
    if (bh < 1 || bw < 1 || bh * bw !== l) {
      throw new RangeError(
        `${op}: Given output_size=(${oh}, ${ow}), kernel_size=${tuple(b.k)}, dilation=${
          tuple(b.d)
        }, padding=${tuple(b.p)}, stride=${tuple(b.s)}, expected size of input's dimension ${
          batched ? 2 : 1
        } to match the calculated ` +
          `number of sliding blocks ${bh} * ${bw} = ${bh * bw}, but got input.size(${batched ? 2 : 1})=${l}.`,
      );
    }
    const geom = geometry(n, rows / kk, oh, ow, b, [bh, bw]);
    let out = named(col2im(asF32(cols), geom), "Col2ImBackward0", input);
    if (input.dtype !== "float32") out = toDType(out, input.dtype);
    return batched ? out : squeeze(out, 0);
  });
}
