/**
 * 3-d convolution (PyTorch's `F.conv3d`) of `[N, C, D, H, W]` (or unbatched `[C, D, H, W]`)
 * volumes, lowered onto the 2-d convolution: the `kD` depth taps each output depth reads are
 * gathered (`indexSelect`) into channels, so one `conv2d` (im2col + a batched matrix product)
 * over `[N·outD, C·kD, H, W]` with the weight laid out to match (`[O, kD·C, kH, kW]`, or
 * `[O, C/groups·kD, kH, kW]` with groups, whose channels must stay contiguous) computes every
 * output depth at once. Autograd differentiates through the gather and the 2-d convolution, so
 * it runs and trains on both devices. Part of `F`.
 * @module
 */
import { fmtShape } from "../shape.ts";
import { Tensor } from "../tensor.ts";
import { indexSelect } from "./indexing.ts";
import { permute, reshape, squeeze, unsqueeze } from "./movement.ts";
import { named } from "./dispatch.ts";
import { inFrameOf } from "../memory.ts";
import { autocastCall } from "../amp/autocast_call.ts";
import { pad } from "./pad.ts";
import { conv2d } from "./conv.ts";
import { checkConvChannels, pairOf } from "./conv_core.ts";
import { checkConvTensors, depthTaps } from "./conv3d_core.ts";

/** A size for all three spatial dims (`3`) or for each (`[3, 3, 3]`: depth, height, width). */
export type Size3 = number | readonly [number, number, number] | readonly number[];

/** Options of {@link conv3d} (PyTorch's keyword arguments). */
export interface Conv3dOptions {
  /** Step of the window (default 1). */
  stride?: Size3;
  /** Zero padding per side (default 0), `"valid"` (none) or `"same"` (stride 1 only). */
  padding?: Size3 | "same" | "valid";
  /** Spacing between kernel elements (default 1). */
  dilation?: Size3;
  /** Number of blocked connections from input to output channels (default 1). */
  groups?: number;
}

/** `[before, after]` zero padding per spatial dim for `"same"` (the extra element after). */
function samePadding(kernel: readonly number[], dilation: readonly number[]): [number, number][] {
  return kernel.map((k, i) => {
    const total = dilation[i] * (k - 1);
    return [Math.floor(total / 2), total - Math.floor(total / 2)];
  });
}

/**
 * 3-d convolution (PyTorch's cross-correlation) of `input` `[N, C, D, H, W]` (or unbatched
 * `[C, D, H, W]`) with `weight` `[outChannels, C / groups, kD, kH, kW]`, plus `bias`
 * `[outChannels]`. The options may be passed in place of the bias.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.ones(1, 1, 4, 4, 4);
 * const w = torch.ones(2, 1, 3, 3, 3);
 * const y = torch.conv3d(x, w, torch.tensor([0, 1], { dtype: "float32" }), { padding: 1 });
 * assertEquals(y.shape, [1, 2, 4, 4, 4]);
 * assertEquals([y.index(0, 0, 1, 1, 1).item(), y.index(0, 1, 0, 0, 0).item()], [27, 9]);
 * ```
 */
export function conv3d(
  input: Tensor,
  weight: Tensor,
  bias?: Tensor | null | Conv3dOptions,
  opts?: Conv3dOptions,
): Tensor {
  const amp = autocastCall("lower", conv3d, input, weight, bias, opts);
  if (amp !== undefined) return amp;
  return inFrameOf(() => {
    const op = "conv3d";
    let b: Tensor | null = null;
    let o: Conv3dOptions = opts ?? {};
    if (bias instanceof Tensor) b = bias;
    else if (bias !== null && bias !== undefined) {
      if (typeof bias !== "object") throw new TypeError(`${op}: bias must be a tensor or null`);
      o = bias;
    }
    checkConvTensors(op, input, weight, b);
    if (input.ndim !== 4 && input.ndim !== 5) {
      throw new RangeError(
        `${op}: Expected 4D (unbatched) or 5D (batched) input to conv3d, but got input of size: ${
          fmtShape(input.shape)
        }`,
      );
    }
    if (weight.ndim !== 5) {
      throw new RangeError(
        `${op}: expected weight to be 5-dimensional [outChannels, inChannels / groups, kD, kH, kW], got ` +
          `weight of size ${fmtShape(weight.shape)}`,
      );
    }
    const batched = input.ndim === 5;
    const x = batched ? input : unsqueeze(input, 0);
    const stride = pairOf(op, "stride", o.stride ?? 1, 3);
    const dilation = pairOf(op, "dilation", o.dilation ?? 1, 3);
    const groups = o.groups ?? 1;
    if (stride.some((s) => s <= 0)) throw new RangeError(`${op}: non-positive stride is not supported`);
    if (dilation.some((d) => d <= 0)) throw new RangeError(`${op}: non-positive dilation is not supported`);
    const [n, c, d, h, w] = x.shape;
    const [oc, cg, kD, kH, kW] = weight.shape;
    checkConvChannels(op, c, weight, b, groups, input.shape, weight.shape);
    const kernel = [kD, kH, kW];
    const padding = o.padding ?? 0;
    let sides: [number, number][];
    if (padding === "valid") sides = [[0, 0], [0, 0], [0, 0]];
    else if (padding === "same") {
      if (stride.some((s) => s !== 1)) {
        throw new RangeError(`${op}: padding='same' is not supported for strided convolutions`);
      }
      sides = samePadding(kernel, dilation);
    } else if (typeof padding === "string") {
      throw new RangeError(`${op}: Invalid padding string: '${padding}'`);
    } else {
      const p = pairOf(op, "padding", padding, 3);
      if (p.some((v) => v < 0)) throw new RangeError(`${op}: negative padding is not supported`);
      sides = p.map((v) => [v, v] as [number, number]);
    }
    const padded = [d, h, w].map((s, i) => s + sides[i][0] + sides[i][1]);
    const eff = kernel.map((k, i) => dilation[i] * (k - 1) + 1);
    if (padded.some((s, i) => s < eff[i])) {
      throw new RangeError(
        `${op}: Calculated padded input size per channel: (${padded.join(" x ")}). Kernel size: (${
          eff.join(" x ")
        }). Kernel size can't be greater than actual input size`,
      );
    }
    const outD = Math.floor((padded[0] - eff[0]) / stride[0]) + 1;
    // Depth: zero-pad, then gather each output depth's kD taps next to its channels.
    const xp = sides[0][0] + sides[0][1] > 0 ? pad(x, [0, 0, 0, 0, sides[0][0], sides[0][1]]) : x;
    const index = depthTaps(outD, kD, stride[0], dilation[0], x);
    let cols: Tensor, w2: Tensor;
    if (groups === 1) {
      // Depth-major input, so the gather lays out [N·oD, kD·C, H, W] directly; the (small) weight
      // is permuted to match.
      cols = reshape(indexSelect(permute(xp, [0, 2, 1, 3, 4]), 1, index), [n * outD, kD * c, h, w]);
      w2 = reshape(permute(weight, [0, 2, 1, 3, 4]), [oc, kD * cg, kH, kW]);
    } else {
      // Each group's channels must stay contiguous: [N·oD, C·kD] (channel-major) columns.
      const taps = indexSelect(xp, 2, index); // [N, C, oD·kD, H, W]
      cols = reshape(permute(reshape(taps, [n, c, outD, kD, h, w]), [0, 2, 1, 3, 4, 5]), [
        n * outD,
        c * kD,
        h,
        w,
      ]);
      w2 = reshape(weight, [oc, cg * kD, kH, kW]);
    }
    const y = conv2d(cols, w2, b, {
      stride: stride.slice(1),
      padding: padding === "same" || padding === "valid" ? padding : [sides[1][0], sides[2][0]],
      dilation: dilation.slice(1),
      groups,
    }); // [N·oD, O, oH, oW]
    const [oh, ow] = y.shape.slice(2);
    const out = permute(reshape(y, [n, outD, oc, oh, ow]), [0, 2, 1, 3, 4]);
    named(out, "ConvolutionBackward0", input, weight, b);
    return batched ? out : squeeze(out, 0);
  });
}
