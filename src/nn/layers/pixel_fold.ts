/**
 * `PixelShuffle`, `PixelUnshuffle`, `Unfold` and `Fold`: the module forms of `F.pixelShuffle`,
 * `F.pixelUnshuffle`, `F.unfold` and `F.fold`.
 * @module
 */
import type { Tensor } from "../../tensor.ts";
import { Module } from "../module.ts";
import { pixelShuffle, pixelUnshuffle } from "../../ops/pixel_shuffle.ts";
import { fold, type FoldOptions, unfold } from "../../ops/fold.ts";
import type { Size2 } from "../../ops/conv.ts";

/** Python's repr of an int or a tuple: `2`, `(2, 3)`. */
function pyArg(v: Size2): string {
  return typeof v === "number" ? String(v) : `(${v.join(", ")})`;
}

/**
 * Rearranges `[*, C * r * r, H, W]` into `[*, C, H * r, W * r]` (PyTorch's `nn.PixelShuffle`),
 * the upsampling step of sub-pixel convolution.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const ps = new nn.PixelShuffle(3);
 * assertEquals(ps(torch.randn(1, 9, 4, 4)).shape, [1, 1, 12, 12]);
 * assertEquals(String(ps), "PixelShuffle(upscale_factor=3)");
 * ```
 */
export class PixelShuffle extends Module {
  /** The factor `r` by which height and width grow. */
  readonly upscaleFactor: number;
  /** Creates the module; the arguments are described on the class. */
  constructor(upscaleFactor: number) {
    super();
    this.upscaleFactor = upscaleFactor;
  }
  /** `[*, C * r * r, H, W]` to `[*, C, H * r, W * r]`. */
  override forward(input: Tensor): Tensor {
    return pixelShuffle(input, this.upscaleFactor);
  }
  /** The arguments printed inside `PixelShuffle(...)`, as PyTorch's `extra_repr`. */
  override extraRepr(): string {
    return `upscale_factor=${this.upscaleFactor}`;
  }
}

/**
 * The inverse of `PixelShuffle`: `[*, C, H * r, W * r]` into `[*, C * r * r, H, W]`
 * (PyTorch's `nn.PixelUnshuffle`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const pu = new nn.PixelUnshuffle(2);
 * assertEquals(pu(torch.randn(1, 1, 12, 12)).shape, [1, 4, 6, 6]);
 * assertEquals(String(pu), "PixelUnshuffle(downscale_factor=2)");
 * ```
 */
export class PixelUnshuffle extends Module {
  /** The factor `r` by which height and width shrink. */
  readonly downscaleFactor: number;
  /** Creates the module; the arguments are described on the class. */
  constructor(downscaleFactor: number) {
    super();
    this.downscaleFactor = downscaleFactor;
  }
  /** `[*, C, H * r, W * r]` to `[*, C * r * r, H, W]`. */
  override forward(input: Tensor): Tensor {
    return pixelUnshuffle(input, this.downscaleFactor);
  }
  /** The arguments printed inside `PixelUnshuffle(...)`, as PyTorch's `extra_repr`. */
  override extraRepr(): string {
    return `downscale_factor=${this.downscaleFactor}`;
  }
}

/**
 * Extracts sliding blocks as columns `[N, C * kH * kW, L]` (PyTorch's `nn.Unfold`; see `F.unfold`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const unfold = new nn.Unfold([2, 3], { padding: 1 });
 * assertEquals(unfold(torch.randn(2, 5, 3, 4)).shape, [2, 30, 16]);
 * assertEquals(String(unfold), "Unfold(kernel_size=(2, 3), dilation=1, padding=1, stride=1)");
 * ```
 */
export class Unfold extends Module {
  /** The block size. */
  readonly kernelSize: Size2;
  /** The spacing between block elements. */
  readonly dilation: Size2;
  /** The implicit zero padding. */
  readonly padding: Size2;
  /** The step between blocks. */
  readonly stride: Size2;
  /** Creates the module; the arguments are described on the class. */
  constructor(kernelSize: Size2, opts: FoldOptions = {}) {
    super();
    this.kernelSize = kernelSize;
    this.dilation = opts.dilation ?? 1;
    this.padding = opts.padding ?? 0;
    this.stride = opts.stride ?? 1;
  }
  /** `[N, C, H, W]` (or `[C, H, W]`) to `[N, C * kH * kW, L]` (or `[C * kH * kW, L]`). */
  override forward(input: Tensor): Tensor {
    return unfold(input, this.kernelSize, {
      dilation: this.dilation,
      padding: this.padding,
      stride: this.stride,
    });
  }
  /** The arguments printed inside `Unfold(...)`, as PyTorch's `extra_repr`. */
  override extraRepr(): string {
    return `kernel_size=${pyArg(this.kernelSize)}, dilation=${pyArg(this.dilation)}, padding=${
      pyArg(this.padding)
    }, stride=${pyArg(this.stride)}`;
  }
}

/**
 * Sums sliding blocks `[N, C * kH * kW, L]` back into an image `[N, C, outH, outW]`
 * (PyTorch's `nn.Fold`; see `F.fold`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const x = torch.randn(2, 3, 5, 4);
 * const cols = new nn.Unfold(2)(x);
 * const back = new nn.Fold([5, 4], 2)(cols);
 * assertEquals(back.shape, [2, 3, 5, 4]);
 * assertEquals(String(new nn.Fold([5, 4], 2)), "Fold(output_size=(5, 4), kernel_size=2, dilation=1, padding=0, stride=1)");
 * ```
 */
export class Fold extends Module {
  /** The image size `[outH, outW]`. */
  readonly outputSize: Size2;
  /** The block size. */
  readonly kernelSize: Size2;
  /** The spacing between block elements. */
  readonly dilation: Size2;
  /** The implicit zero padding. */
  readonly padding: Size2;
  /** The step between blocks. */
  readonly stride: Size2;
  /** Creates the module; the arguments are described on the class. */
  constructor(outputSize: Size2, kernelSize: Size2, opts: FoldOptions = {}) {
    super();
    this.outputSize = outputSize;
    this.kernelSize = kernelSize;
    this.dilation = opts.dilation ?? 1;
    this.padding = opts.padding ?? 0;
    this.stride = opts.stride ?? 1;
  }
  /** `[N, C * kH * kW, L]` (or `[C * kH * kW, L]`) to `[N, C, outH, outW]` (or `[C, outH, outW]`). */
  override forward(input: Tensor): Tensor {
    return fold(input, this.outputSize, this.kernelSize, {
      dilation: this.dilation,
      padding: this.padding,
      stride: this.stride,
    });
  }
  /** The arguments printed inside `Fold(...)`, as PyTorch's `extra_repr`. */
  override extraRepr(): string {
    return `output_size=${pyArg(this.outputSize)}, kernel_size=${pyArg(this.kernelSize)}, dilation=${
      pyArg(this.dilation)
    }, padding=${pyArg(this.padding)}, stride=${pyArg(this.stride)}`;
  }
}
