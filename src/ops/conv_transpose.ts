/**
 * Transposed 2-d convolution (PyTorch's `conv_transpose2d`, the "deconvolution" of generators and
 * decoders): the input gradient of a convolution, `col2im(Wᵀ @ x)`, with the convolution's
 * geometry run backwards. Written with the recorded `matmul` and `col2im`, so autograd gives its
 * gradients (a convolution for the input) on every backend.
 * @module
 */
import type { Conv2dGeometry } from "../backends/backend.ts";
import { fmtShape } from "../shape.ts";
import { Tensor } from "../tensor.ts";
import { col2im, pairOf } from "./conv_core.ts";
import type { Size2 } from "./conv.ts";
import { matmul } from "./matmul.ts";
import { reshape, transpose } from "./movement.ts";
import { named } from "./dispatch.ts";
import * as ew from "./elementwise.ts";
import { inFrameOf } from "../memory.ts";
import { autocastCall } from "../amp/autocast_call.ts";

/** Options of {@link convTranspose2d} (PyTorch's keyword arguments). */
export interface ConvTranspose2dOptions {
  /** Step of the equivalent convolution (default 1): the upsampling factor. */
  stride?: Size2;
  /** Rows/columns removed from each side of the output (default 0). */
  padding?: Size2;
  /** Extra rows/columns added at the bottom/right of the output (default 0; less than stride or dilation). */
  outputPadding?: Size2;
  /** Groups of channels convolved separately (default 1). */
  groups?: number;
  /** Spacing between kernel elements (default 1). */
  dilation?: Size2;
}

/**
 * Transposed convolution of `input` `[N, Cin, H, W]` (or `[Cin, H, W]`) with `weight`
 * `[Cin, Cout / groups, kH, kW]`: output `[N, Cout, H', W']` with
 * `H' = (H - 1)·stride - 2·padding + dilation·(kH - 1) + outputPadding + 1`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.randn(1, 16, 7, 7), w = torch.randn(16, 8, 4, 4);
 * assertEquals(torch.F.convTranspose2d(x, w, null, { stride: 2, padding: 1 }).shape, [1, 8, 14, 14]);
 * ```
 */
export function convTranspose2d(
  input: Tensor,
  weight: Tensor,
  bias: Tensor | null = null,
  opts: ConvTranspose2dOptions = {},
): Tensor {
  const amp = autocastCall("lower", convTranspose2d, input, weight, bias, opts);
  if (amp !== undefined) return amp;
  return inFrameOf(() => {
    const op = "convTranspose2d";
    if (!(input instanceof Tensor) || (input.ndim !== 3 && input.ndim !== 4)) {
      throw new RangeError(
        `${op}: expected a 3-d or 4-d input, got ${
          input instanceof Tensor ? fmtShape(input.shape) : typeof input
        }`,
      );
    }
    if (!(weight instanceof Tensor) || weight.ndim !== 4) {
      throw new RangeError(`${op}: expected a 4-d weight [Cin, Cout/groups, kH, kW]`);
    }
    for (const [t, name] of [[input, "input"], [weight, "weight"], [bias, "bias"]] as const) {
      if (t instanceof Tensor && t.dtype === "float64") {
        throw new TypeError(
          `${op}: float64 ${name} is not supported (the convolution kernels compute in float32); ` +
            "convert with .float()",
        );
      }
    }
    const x = input.ndim === 3 ? input.unsqueeze(0) : input;
    const [stride, padding, outputPadding, dilation] = [
      pairOf(op, "stride", opts.stride ?? 1),
      pairOf(op, "padding", opts.padding ?? 0),
      pairOf(op, "outputPadding", opts.outputPadding ?? 0),
      pairOf(op, "dilation", opts.dilation ?? 1),
    ];
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
    const [n, cin, h, w] = x.shape;
    const [wIn, coutG, kH, kW] = weight.shape;
    if (wIn !== cin || cin % groups !== 0) {
      throw new RangeError(
        `${op}: Given transposed=1, weight of size ${fmtShape(weight.shape)}, expected input ${
          fmtShape(input.shape)
        } to have ${wIn} channels, but got ${cin} channels instead${
          cin % groups !== 0 ? ` (and divisible by groups=${groups})` : ""
        }`,
      );
    }
    const cout = coutG * groups;
    if (bias !== null && (bias.ndim !== 1 || bias.shape[0] !== cout)) {
      throw new RangeError(`${op}: expected bias of shape [${cout}], got ${fmtShape(bias.shape)}`);
    }
    const outH = (h - 1) * stride[0] - 2 * padding[0] + dilation[0] * (kH - 1) + outputPadding[0] + 1;
    const outW = (w - 1) * stride[1] - 2 * padding[1] + dilation[1] * (kW - 1) + outputPadding[1] + 1;
    if (outH < 1 || outW < 1) {
      throw new RangeError(
        `${op}: the output size [${outH}, ${outW}] is too small (input ${fmtShape(input.shape)})`,
      );
    }
    // The convolution whose input gradient this is: from [N, Cout, outH, outW] to [N, Cin, H, W].
    const geom: Conv2dGeometry = {
      batch: n,
      channels: cout,
      height: outH,
      width: outW,
      groups,
      onesRow: false,
      kernelH: kH,
      kernelW: kW,
      strideH: stride[0],
      strideW: stride[1],
      padH: padding[0],
      padW: padding[1],
      dilationH: dilation[0],
      dilationW: dilation[1],
      outH: h,
      outW: w,
    };
    const og = cin / groups, cgk = coutG * kH * kW;
    const wt = transpose(reshape(weight.float(), [groups, og, cgk]), 1, 2); // [G, CgK, Og]
    const cols = matmul(wt, reshape(x.float(), [n, groups, og, h * w])); // [N, G, CgK, H·W]
    let out = col2im(reshape(cols, [n, groups * cgk, h * w]), geom);
    if (bias) out = ew.add(out, reshape(bias, [1, cout, 1, 1]));
    named(out, "ConvolutionBackward0", input, weight, bias);
    return input.ndim === 3 ? reshape(out, out.shape.slice(1)) : out;
  });
}
