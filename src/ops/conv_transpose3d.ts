/**
 * Transposed 1-d and 3-d convolutions (PyTorch's `F.conv_transpose1d` / `F.conv_transpose3d`),
 * both on the transposed 2-d convolution: 1-d as a height-1 image; 3-d by running the 2-d one on
 * every input depth slice with the `kD` depth taps of the weight as extra output channels, then
 * adding each tap's plane at output depth `d·stride + tap·dilation` (`indexAdd`, the adjoint of
 * the gather `conv3d` uses). Autograd differentiates through every step, so both run and train on
 * both devices. Part of `F`.
 * @module
 */
import { fmtShape } from "../shape.ts";
import type { Tensor } from "../tensor.ts";
import { indexAddInto } from "./indexing.ts";
import { narrow, permute, reshape, squeeze, unsqueeze } from "./movement.ts";
import { named } from "./dispatch.ts";
import * as ew from "./elementwise.ts";
import { inFrameOf } from "../memory.ts";
import { autocastCall } from "../amp/autocast_call.ts";
import { convTranspose2d } from "./conv_transpose.ts";
import { pairOf } from "./conv_core.ts";
import type { Size3 } from "./conv3d.ts";
import { checkConvTensors, depthTaps } from "./conv3d_core.ts";

/** Options of {@link convTranspose3d} (PyTorch's keyword arguments). */
export interface ConvTranspose3dOptions {
  /** Step of the equivalent convolution (default 1): the upsampling factor. */
  stride?: Size3;
  /** Removed from each side of the output (default 0). */
  padding?: Size3;
  /** Extra elements added at the end of each output dim (default 0; less than stride or dilation). */
  outputPadding?: Size3;
  /** Groups of channels convolved separately (default 1). */
  groups?: number;
  /** Spacing between kernel elements (default 1). */
  dilation?: Size3;
}

/** Options of {@link convTranspose1d} (PyTorch's keyword arguments). */
export interface ConvTranspose1dOptions {
  /** Step of the equivalent convolution (default 1): the upsampling factor. */
  stride?: number | readonly number[];
  /** Removed from each end of the output (default 0). */
  padding?: number | readonly number[];
  /** Extra elements added at the end of the output (default 0; less than stride or dilation). */
  outputPadding?: number | readonly number[];
  /** Groups of channels convolved separately (default 1). */
  groups?: number;
  /** Spacing between kernel elements (default 1). */
  dilation?: number | readonly number[];
}

interface TransposePlan {
  stride: number[];
  padding: number[];
  outputPadding: number[];
  dilation: number[];
  groups: number;
  /** The output's spatial sizes. */
  out: number[];
}

/** Checks a transposed convolution of `k` spatial dims and works out its output size. */
function planTranspose(
  op: string,
  k: number,
  input: Tensor,
  weight: Tensor,
  bias: Tensor | null,
  opts: ConvTranspose3dOptions | ConvTranspose1dOptions,
): TransposePlan {
  checkConvTensors(op, input, weight, bias);
  if (input.ndim !== k + 1 && input.ndim !== k + 2) {
    throw new RangeError(
      `${op}: Expected ${k + 1}D (unbatched) or ${k + 2}D (batched) input to ${op}, but got input of size: ${
        fmtShape(input.shape)
      }`,
    );
  }
  if (weight.ndim !== k + 2) {
    throw new RangeError(
      `${op}: expected a ${k + 2}-d weight [Cin, Cout / groups, ${
        k === 1 ? "k" : "kD, kH, kW"
      }], got weight of size ${fmtShape(weight.shape)}`,
    );
  }
  const stride = pairOf(op, "stride", opts.stride ?? 1, k);
  const padding = pairOf(op, "padding", opts.padding ?? 0, k);
  const outputPadding = pairOf(op, "outputPadding", opts.outputPadding ?? 0, k);
  const dilation = pairOf(op, "dilation", opts.dilation ?? 1, k);
  const groups = opts.groups ?? 1;
  if (!Number.isInteger(groups) || groups < 1) {
    throw new RangeError(`${op}: non-positive groups is not supported`);
  }
  if (stride.some((s) => s < 1) || dilation.some((d) => d < 1) || padding.some((p) => p < 0)) {
    throw new RangeError(`${op}: stride and dilation must be positive and padding non-negative`);
  }
  if (outputPadding.some((p, i) => p < 0 || (p >= stride[i] && p >= dilation[i]))) {
    throw new RangeError(
      `${op}: output padding must be smaller than either stride or dilation, but got outputPadding ` +
        `[${outputPadding}], stride [${stride}], dilation [${dilation}]`,
    );
  }
  const cin = input.shape[input.ndim - k - 1];
  if (weight.shape[0] !== cin || cin % groups !== 0) {
    throw new RangeError(
      `${op}: Given transposed=1, weight of size ${fmtShape(weight.shape)}, expected input ${
        fmtShape(input.shape)
      } to have ${weight.shape[0]} channels, but got ${cin} channels instead${
        cin % groups !== 0 ? ` (and divisible by groups=${groups})` : ""
      }`,
    );
  }
  const cout = weight.shape[1] * groups;
  if (bias !== null && (bias.ndim !== 1 || bias.shape[0] !== cout)) {
    throw new RangeError(`${op}: expected bias of shape [${cout}], got ${fmtShape(bias.shape)}`);
  }
  const spatial = input.shape.slice(-k), kernel = weight.shape.slice(2);
  const out = spatial.map((s, i) =>
    (s - 1) * stride[i] - 2 * padding[i] + dilation[i] * (kernel[i] - 1) + outputPadding[i] + 1
  );
  if (out.some((s) => s < 1)) {
    throw new RangeError(
      `${op}: the output size [${out.join(", ")}] is too small (input ${fmtShape(input.shape)})`,
    );
  }
  return { stride, padding, outputPadding, dilation, groups, out };
}

/**
 * Transposed 3-d convolution of `input` `[N, Cin, D, H, W]` (or `[Cin, D, H, W]`) with `weight`
 * `[Cin, Cout / groups, kD, kH, kW]`: output `[N, Cout, D', H', W']` with
 * `D' = (D - 1)·stride - 2·padding + dilation·(kD - 1) + outputPadding + 1` (likewise H', W').
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.ones(1, 2, 3, 3, 3), w = torch.ones(2, 4, 2, 2, 2);
 * const y = torch.convTranspose3d(x, w, null, { stride: 2 });
 * assertEquals([y.shape, y.index(0, 0, 0, 0, 0).item()], [[1, 4, 6, 6, 6], 2]);
 * ```
 */
export function convTranspose3d(
  input: Tensor,
  weight: Tensor,
  bias: Tensor | null = null,
  opts: ConvTranspose3dOptions = {},
): Tensor {
  const amp = autocastCall("lower", convTranspose3d, input, weight, bias, opts);
  if (amp !== undefined) return amp;
  return inFrameOf(() => {
    const op = "convTranspose3d";
    const p = planTranspose(op, 3, input, weight, bias, opts);
    const x = input.ndim === 4 ? unsqueeze(input, 0) : input;
    const [n, cin, d, h, w] = x.shape;
    const [, og, kD, kH, kW] = weight.shape;
    const cout = og * p.groups;
    // Every depth slice through the 2-d transposed convolution, the depth taps as channels.
    const slices = reshape(permute(x, [0, 2, 1, 3, 4]), [n * d, cin, h, w]);
    const y = convTranspose2d(slices, reshape(weight, [cin, og * kD, kH, kW]), null, {
      stride: p.stride.slice(1),
      padding: p.padding.slice(1),
      outputPadding: p.outputPadding.slice(1),
      groups: p.groups,
      dilation: p.dilation.slice(1),
    }); // [N·D, Cout·kD, oH, oW]
    const [oh, ow] = y.shape.slice(2);
    const planes = reshape(permute(reshape(y, [n, d, cout, kD, oh, ow]), [0, 2, 1, 3, 4, 5]), [
      n,
      cout,
      d * kD,
      oh,
      ow,
    ]);
    // Tap j of input depth i lands at depth i·stride + j·dilation of the uncropped output.
    const full = (d - 1) * p.stride[0] + p.dilation[0] * (kD - 1) + 1 + p.outputPadding[0];
    const summed = indexAddInto(planes, 2, depthTaps(d, kD, p.stride[0], p.dilation[0], x), [
      n,
      cout,
      full,
      oh,
      ow,
    ]);
    let out = narrow(summed, 2, p.padding[0], p.out[0]);
    if (bias) out = ew.add(out, reshape(bias, [1, cout, 1, 1, 1]));
    named(out, "ConvolutionBackward0", input, weight, bias);
    return input.ndim === 4 ? squeeze(out, 0) : out;
  });
}

/**
 * Transposed 1-d convolution of `input` `[N, Cin, L]` (or `[Cin, L]`) with `weight`
 * `[Cin, Cout / groups, k]`: output `[N, Cout, L']` with
 * `L' = (L - 1)·stride - 2·padding + dilation·(k - 1) + outputPadding + 1`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.tensor([[[1, 2]]]).float(), w = torch.tensor([[[1, 10]]]).float();
 * assertEquals(torch.convTranspose1d(x, w, null, { stride: 2 }).toArray(), [[[1, 10, 2, 20]]]);
 * ```
 */
export function convTranspose1d(
  input: Tensor,
  weight: Tensor,
  bias: Tensor | null = null,
  opts: ConvTranspose1dOptions = {},
): Tensor {
  const amp = autocastCall("lower", convTranspose1d, input, weight, bias, opts);
  if (amp !== undefined) return amp;
  return inFrameOf(() => {
    const op = "convTranspose1d";
    const p = planTranspose(op, 1, input, weight, bias, opts);
    const x = input.ndim === 2 ? unsqueeze(input, 0) : input;
    const y = convTranspose2d(unsqueeze(x, 2), unsqueeze(weight, 2), bias, {
      stride: [1, p.stride[0]],
      padding: [0, p.padding[0]],
      outputPadding: [0, p.outputPadding[0]],
      groups: p.groups,
      dilation: [1, p.dilation[0]],
    });
    const out = squeeze(y, 2);
    named(out, "ConvolutionBackward0", input, weight, bias);
    return input.ndim === 2 ? squeeze(out, 0) : out;
  });
}
