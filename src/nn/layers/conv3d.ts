/**
 * `Conv3d`, `ConvTranspose1d` and `ConvTranspose3d`: the layers over `F.conv3d`,
 * `F.convTranspose1d` and `F.convTranspose3d`, on the shared `ConvNd` / `ConvTransposeNd` bases
 * (settings, PyTorch's initialisation, padding modes, `outputSize`).
 * @module
 */
import type { Tensor } from "../../tensor.ts";
import { conv3d } from "../../ops/conv3d.ts";
import { convTranspose1d, convTranspose3d } from "../../ops/conv_transpose3d.ts";
import { type Conv2dOptions, ConvNd, type ConvTranspose2dOptions, ConvTransposeNd } from "./conv.ts";

/** Options of `Conv3d`: those of `Conv2d` with three spatial sizes (`[d, h, w]`). */
export type Conv3dOptions = Conv2dOptions;

/** Options of `ConvTranspose1d` and `ConvTranspose3d`: those of `ConvTranspose2d`, one size per spatial dim. */
export type ConvTransposeOptions = ConvTranspose2dOptions;

/**
 * 3-d convolution over `[N, inChannels, D, H, W]` (or unbatched `[inChannels, D, H, W]`) inputs,
 * as PyTorch's `nn.Conv3d`: `weight` is `[outChannels, inChannels / groups, kD, kH, kW]`,
 * initialised as PyTorch does (kaiming_uniform with a=√5, bias U(±1/√fanIn)) from the seeded
 * generator; `paddingMode` `"reflect"`, `"replicate"` or `"circular"` pads with `F.pad` first.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * torch.manualSeed(0);
 * const conv = new nn.Conv3d(2, 4, 3, { padding: 1 });
 * assertEquals(conv(torch.randn(1, 2, 5, 6, 7)).shape, [1, 4, 5, 6, 7]);
 * assertEquals(String(conv), "Conv3d(2, 4, kernel_size=(3, 3, 3), stride=(1, 1, 1), padding=(1, 1, 1))");
 * ```
 */
export class Conv3d extends ConvNd {
  /** Creates the module; the arguments are described on the class. */
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: number | readonly number[],
    opts: Conv3dOptions = {},
  ) {
    super("Conv3d", 3, inChannels, outChannels, kernelSize, opts);
  }

  /** `[N, inChannels, D, H, W]` to `[N, outChannels, D', H', W']`. */
  override forward(input: Tensor): Tensor {
    const [x, padding] = this.padded(input);
    return conv3d(x, this.weight, this.bias, {
      stride: this.stride,
      padding,
      dilation: this.dilation,
      groups: this.groups,
    });
  }
}

/**
 * Transposed 1-d convolution (PyTorch's `nn.ConvTranspose1d`): `weight` is
 * `[inChannels, outChannels / groups, k]`; `forward(input, outputSize?)`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const up = new nn.ConvTranspose1d(4, 2, 3, { stride: 2, padding: 1 });
 * assertEquals([up(torch.randn(1, 4, 8)).shape, up(torch.randn(1, 4, 8), [16]).shape], [[1, 2, 15], [1, 2, 16]]);
 * assertEquals(String(up), "ConvTranspose1d(4, 2, kernel_size=(3,), stride=(2,), padding=(1,))");
 * ```
 */
export class ConvTranspose1d extends ConvTransposeNd {
  /** Creates the module; the arguments are described on the class. */
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: number | readonly number[],
    opts: ConvTransposeOptions = {},
  ) {
    super("ConvTranspose1d", 1, inChannels, outChannels, kernelSize, opts);
  }

  /** `F.convTranspose1d` with this layer's settings. */
  protected override transposed(input: Tensor, outputPadding: number[]): Tensor {
    return convTranspose1d(input, this.weight, this.bias, {
      stride: this.stride,
      padding: this.padding,
      outputPadding,
      groups: this.groups,
      dilation: this.dilation,
    });
  }
}

/**
 * Transposed 3-d convolution (PyTorch's `nn.ConvTranspose3d`), the upsampling layer of
 * volumetric decoders: `weight` is `[inChannels, outChannels / groups, kD, kH, kW]`;
 * `forward(input, outputSize?)`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const up = new nn.ConvTranspose3d(4, 2, 2, { stride: 2 });
 * assertEquals(up(torch.randn(1, 4, 3, 4, 5)).shape, [1, 2, 6, 8, 10]);
 * ```
 */
export class ConvTranspose3d extends ConvTransposeNd {
  /** Creates the module; the arguments are described on the class. */
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: number | readonly number[],
    opts: ConvTransposeOptions = {},
  ) {
    super("ConvTranspose3d", 3, inChannels, outChannels, kernelSize, opts);
  }

  /** `F.convTranspose3d` with this layer's settings. */
  protected override transposed(input: Tensor, outputPadding: number[]): Tensor {
    return convTranspose3d(input, this.weight, this.bias, {
      stride: this.stride,
      padding: this.padding,
      outputPadding,
      groups: this.groups,
      dilation: this.dilation,
    });
  }
}
