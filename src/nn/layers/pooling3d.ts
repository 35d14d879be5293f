/**
 * 3-d pooling layers: `MaxPool3d`, `AvgPool3d`, `AdaptiveAvgPool3d`, `AdaptiveMaxPool3d` (the
 * module forms of `F.maxPool3d`, ...), over `[N, C, D, H, W]` or `[C, D, H, W]` inputs.
 * @module
 */
import type { Tensor } from "../../tensor.ts";
import { Module } from "../module.ts";
import {
  adaptiveAvgPool3d,
  adaptiveMaxPool3d,
  type AdaptiveSize3,
  avgPool3d,
  maxPool3d,
} from "../../ops/pool3d.ts";
import {
  type AvgPool2dOptions,
  AvgPoolNd,
  type MaxPool2dOptions,
  MaxPoolNd,
  outputSizeRepr,
} from "./pooling.ts";

/** Options of `MaxPool3d` (those of `MaxPool2d`, one size per spatial dim). */
export type MaxPool3dOptions<R extends boolean = boolean> = MaxPool2dOptions<R>;

/** Options of `AvgPool3d` (those of `AvgPool2d`, one size per spatial dim). */
export type AvgPool3dOptions = AvgPool2dOptions;

/**
 * 3-d max pooling over `[N, C, D, H, W]` (or `[C, D, H, W]`) inputs, as PyTorch's
 * `nn.MaxPool3d`. With `returnIndices: true` the module returns `[values, indices]` (int32
 * indices, flat within each `D * H * W` volume).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const pool = new nn.MaxPool3d(2);
 * assertEquals(pool(torch.randn(2, 3, 4, 6, 8)).shape, [2, 3, 2, 3, 4]);
 * assertEquals(String(pool), "MaxPool3d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)");
 * ```
 */
export class MaxPool3d<R extends boolean = false> extends MaxPoolNd<R> {
  /** `[N, C, D, H, W]` to `[N, C, D', H', W']` (and the indices with `returnIndices`). */
  override forward(input: Tensor): R extends true ? [Tensor, Tensor] : Tensor {
    const out = this.returnIndices
      ? maxPool3d(input, this.kernelSize, { ...this.poolOptions(), returnIndices: true })
      : maxPool3d(input, this.kernelSize, this.poolOptions());
    return out as R extends true ? [Tensor, Tensor] : Tensor;
  }
}

/**
 * 3-d average pooling over `[N, C, D, H, W]` (or `[C, D, H, W]`) inputs, as PyTorch's
 * `nn.AvgPool3d`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const pool = new nn.AvgPool3d(2, { stride: 1 });
 * assertEquals(pool(torch.ones(1, 1, 3, 3, 3)).shape, [1, 1, 2, 2, 2]);
 * assertEquals(String(pool), "AvgPool3d(kernel_size=2, stride=1, padding=0)");
 * ```
 */
export class AvgPool3d extends AvgPoolNd {
  /** `[N, C, D, H, W]` to `[N, C, D', H', W']`. */
  override forward(input: Tensor): Tensor {
    return avgPool3d(input, this.kernelSize, this.poolOptions());
  }
}

/**
 * Average pooling to a fixed output size, whatever the input's (PyTorch's
 * `nn.AdaptiveAvgPool3d`); `new nn.AdaptiveAvgPool3d(1)` is global average pooling.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const pool = new nn.AdaptiveAvgPool3d([1, 2, 3]);
 * assertEquals([pool(torch.randn(2, 4, 5, 7, 9)).shape, String(pool)], [[2, 4, 1, 2, 3], "AdaptiveAvgPool3d(output_size=(1, 2, 3))"]);
 * ```
 */
export class AdaptiveAvgPool3d extends Module {
  /** The output size (null keeps that input dim). */
  readonly outputSize: AdaptiveSize3;
  /** Creates the module; the arguments are described on the class. */
  constructor(outputSize: AdaptiveSize3) {
    super();
    this.outputSize = outputSize;
  }
  /** Applies the module to its input (see the class docs). */
  override forward(input: Tensor): Tensor {
    return adaptiveAvgPool3d(input, this.outputSize);
  }
  /** The arguments printed inside `AdaptiveAvgPool3d(...)`, as PyTorch's `extra_repr`. */
  override extraRepr(): string {
    return `output_size=${outputSizeRepr(this.outputSize)}`;
  }
}

/**
 * Max pooling to a fixed output size (PyTorch's `nn.AdaptiveMaxPool3d`); with `returnIndices`
 * the module gives `[values, indices]`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const pool = new nn.AdaptiveMaxPool3d([1, null, 2]);
 * assertEquals([pool(torch.randn(2, 3, 4, 5, 5)).shape, String(pool)], [[2, 3, 1, 5, 2], "AdaptiveMaxPool3d(output_size=(1, None, 2))"]);
 * ```
 */
export class AdaptiveMaxPool3d<R extends boolean = false> extends Module {
  /** The output size (null keeps that input dim). */
  readonly outputSize: AdaptiveSize3;
  /** Whether `forward` returns `[values, indices]`. */
  readonly returnIndices: R;
  /** Creates the module; the arguments are described on the class. */
  constructor(outputSize: AdaptiveSize3, opts: { returnIndices?: R } = {}) {
    super();
    this.outputSize = outputSize;
    this.returnIndices = (opts.returnIndices ?? false) as R;
  }
  /** `[N, C, D, H, W]` to `[N, C, outD, outH, outW]` (and the indices with `returnIndices`). */
  override forward(input: Tensor): R extends true ? [Tensor, Tensor] : Tensor {
    return adaptiveMaxPool3d(input, this.outputSize, { returnIndices: this.returnIndices }) as R extends true
      ? [Tensor, Tensor]
      : Tensor;
  }
  /** The arguments printed inside `AdaptiveMaxPool3d(...)`, as PyTorch's `extra_repr`. */
  override extraRepr(): string {
    return `output_size=${outputSizeRepr(this.outputSize)}`;
  }
}
