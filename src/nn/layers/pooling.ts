/**
 * Pooling and resizing layers: `MaxPool2d`, `AvgPool2d`, `AdaptiveAvgPool2d`, `AdaptiveMaxPool2d`
 * and `Upsample`.
 * @module
 */
import type { Tensor } from "../../tensor.ts";
import { Module, pyBool, pyFloat } from "../module.ts";
import { interpolate, type InterpolateOptions } from "../../ops/interpolate.ts";
import { avgPool2d, maxPool2d } from "../../ops/conv.ts";
import { adaptiveAvgPool2d, adaptiveMaxPool2d, type AdaptiveSize } from "../../ops/adaptive_pool.ts";

/** A size for both spatial dims (`2`) or for each (`[2, 3]`). */
export type PoolSize = number | readonly number[];

/** Options of `MaxPool2d` (PyTorch's keyword arguments). */
export interface MaxPool2dOptions<R extends boolean = boolean> {
  /** Step of the window (default: the kernel size). */
  stride?: PoolSize | null;
  /** Implicit -inf padding on each side (default 0; at most half the kernel). */
  padding?: PoolSize;
  /** Spacing between window elements (default 1). */
  dilation?: PoolSize;
  /** Also return the int32 indices of the maxima: the module then gives `[values, indices]`. */
  returnIndices?: R;
  /** Use ceil instead of floor for the output size (default false). */
  ceilMode?: boolean;
}

/** Options of `AvgPool2d` (PyTorch's keyword arguments). */
export interface AvgPool2dOptions {
  /** Step of the window (default: the kernel size). */
  stride?: PoolSize | null;
  /** Implicit zero padding on each side (default 0; at most half the kernel). */
  padding?: PoolSize;
  /** Use ceil instead of floor for the output size (default false). */
  ceilMode?: boolean;
  /** Count the padding zeros in the divisor (default true). */
  countIncludePad?: boolean;
  /** Divide by this instead of the window size. */
  divisorOverride?: number | null;
}

/** @internal Python's repr of an int or a tuple of ints: `2`, `(2, 3)`. */
export function pySize(v: PoolSize): string {
  return typeof v === "number" ? String(v) : v.length === 1 ? `(${v[0]},)` : `(${v.join(", ")})`;
}

/**
 * What `MaxPool2d` and `MaxPool3d` share (PyTorch's `_MaxPoolNd`): the arguments with their
 * defaults and the repr; each subclass's `forward` calls its pooling function.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as nn from "../mod.ts";
 * const pool: nn.MaxPoolNd = new nn.MaxPool3d(2, { stride: 1 });
 * assertEquals([pool.kernelSize, pool.stride, pool.padding, pool.dilation], [2, 1, 0, 1]);
 * ```
 */
export abstract class MaxPoolNd<R extends boolean = false> extends Module {
  /** The window size. */
  readonly kernelSize: PoolSize;
  /** The step (the kernel size unless given). */
  readonly stride: PoolSize;
  /** The implicit -inf padding. */
  readonly padding: PoolSize;
  /** The spacing between window elements. */
  readonly dilation: PoolSize;
  /** Whether `forward` returns `[values, indices]`. */
  readonly returnIndices: R;
  /** Whether the output size rounds up. */
  readonly ceilMode: boolean;

  /** Creates the module; the arguments are described on the subclass. */
  constructor(kernelSize: PoolSize, opts: MaxPool2dOptions<R> = {}) {
    super();
    this.kernelSize = kernelSize;
    this.stride = opts.stride ?? kernelSize;
    this.padding = opts.padding ?? 0;
    this.dilation = opts.dilation ?? 1;
    this.returnIndices = (opts.returnIndices ?? false) as R;
    this.ceilMode = opts.ceilMode ?? false;
  }

  /** The pooling function's options, from the module's arguments (indices aside). */
  protected poolOptions(): { stride: PoolSize; padding: PoolSize; dilation: PoolSize; ceilMode: boolean } {
    return { stride: this.stride, padding: this.padding, dilation: this.dilation, ceilMode: this.ceilMode };
  }

  /** The arguments printed inside the module's repr, as PyTorch's `extra_repr`. */
  override extraRepr(): string {
    return `kernel_size=${pySize(this.kernelSize)}, stride=${pySize(this.stride)}, padding=${
      pySize(this.padding)
    }, dilation=${pySize(this.dilation)}, ceil_mode=${pyBool(this.ceilMode)}`;
  }
}

/**
 * What `AvgPool2d` and `AvgPool3d` share (PyTorch's `_AvgPoolNd`): the arguments with their
 * defaults and the repr; each subclass's `forward` calls its pooling function.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as nn from "../mod.ts";
 * const pool: nn.AvgPoolNd = new nn.AvgPool2d(3, { padding: 1, countIncludePad: false });
 * assertEquals([pool.stride, pool.padding, pool.countIncludePad, pool.divisorOverride], [3, 1, false, null]);
 * ```
 */
export abstract class AvgPoolNd extends Module {
  /** The window size. */
  readonly kernelSize: PoolSize;
  /** The step (the kernel size unless given). */
  readonly stride: PoolSize;
  /** The implicit zero padding. */
  readonly padding: PoolSize;
  /** Whether the output size rounds up. */
  readonly ceilMode: boolean;
  /** Whether padding zeros count in the divisor. */
  readonly countIncludePad: boolean;
  /** The divisor used instead of the window size, if any. */
  readonly divisorOverride: number | null;

  /** Creates the module; the arguments are described on the subclass. */
  constructor(kernelSize: PoolSize, opts: AvgPool2dOptions = {}) {
    super();
    this.kernelSize = kernelSize;
    this.stride = opts.stride ?? kernelSize;
    this.padding = opts.padding ?? 0;
    this.ceilMode = opts.ceilMode ?? false;
    this.countIncludePad = opts.countIncludePad ?? true;
    this.divisorOverride = opts.divisorOverride ?? null;
  }

  /** The pooling function's options, from the module's arguments. */
  protected poolOptions(): Required<Omit<AvgPool2dOptions, "stride">> & { stride: PoolSize } {
    return {
      stride: this.stride,
      padding: this.padding,
      ceilMode: this.ceilMode,
      countIncludePad: this.countIncludePad,
      divisorOverride: this.divisorOverride,
    };
  }

  /** The arguments printed inside the module's repr, as PyTorch's `extra_repr`. */
  override extraRepr(): string {
    return `kernel_size=${pySize(this.kernelSize)}, stride=${pySize(this.stride)}, padding=${
      pySize(this.padding)
    }`;
  }
}

/**
 * 2-d max pooling over `[N, C, H, W]` (or `[C, H, W]`) inputs, as PyTorch's `nn.MaxPool2d`.
 * With `returnIndices: true` the module returns `[values, indices]` (int32 indices, flat within
 * each `H * W` plane).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const pool = new nn.MaxPool2d(2);
 * assertEquals(pool(torch.randn(4, 8, 28, 28)).shape, [4, 8, 14, 14]);
 * assertEquals(String(pool), "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)");
 * const [values, indices] = new nn.MaxPool2d(2, { returnIndices: true })(torch.randn(1, 1, 4, 4));
 * assertEquals([values.shape, indices.dtype], [[1, 1, 2, 2], "int32"]);
 * ```
 */
export class MaxPool2d<R extends boolean = false> extends MaxPoolNd<R> {
  /** `[N, C, H, W]` to `[N, C, H', W']` (and the indices with `returnIndices`). */
  override forward(input: Tensor): R extends true ? [Tensor, Tensor] : Tensor {
    const out = this.returnIndices
      ? maxPool2d(input, this.kernelSize, { ...this.poolOptions(), returnIndices: true })
      : maxPool2d(input, this.kernelSize, this.poolOptions());
    return out as R extends true ? [Tensor, Tensor] : Tensor;
  }
}

/**
 * 2-d average pooling over `[N, C, H, W]` (or `[C, H, W]`) inputs, as PyTorch's `nn.AvgPool2d`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const pool = new nn.AvgPool2d(2);
 * assertEquals(pool(torch.ones(1, 1, 4, 4)).toArray(), [[[[1, 1], [1, 1]]]]);
 * assertEquals(String(pool), "AvgPool2d(kernel_size=2, stride=2, padding=0)");
 * ```
 */
export class AvgPool2d extends AvgPoolNd {
  /** `[N, C, H, W]` to `[N, C, H', W']`. */
  override forward(input: Tensor): Tensor {
    return avgPool2d(input, this.kernelSize, this.poolOptions());
  }
}

/** @internal Python's repr of an adaptive output size: `2`, `(2, None)`. */
export function outputSizeRepr(size: AdaptiveSize): string {
  return typeof size === "number" ? String(size) : `(${size.map((s) => s ?? "None").join(", ")})`;
}

/**
 * Average pooling to a fixed output size, whatever the input's (PyTorch's `nn.AdaptiveAvgPool2d`);
 * `new nn.AdaptiveAvgPool2d(1)` is global average pooling.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * assertEquals(new nn.AdaptiveAvgPool2d([2, 3])(torch.randn(4, 8, 7, 9)).shape, [4, 8, 2, 3]);
 * ```
 */
export class AdaptiveAvgPool2d extends Module {
  /** The output size (null keeps that input dim). */
  readonly outputSize: AdaptiveSize;
  /** Creates the module; the arguments are described on the class. */
  constructor(outputSize: AdaptiveSize) {
    super();
    this.outputSize = outputSize;
  }
  /** Applies the module to its input (see the class docs). */
  override forward(input: Tensor): Tensor {
    return adaptiveAvgPool2d(input, this.outputSize);
  }
  /** The arguments printed inside `AdaptiveAvgPool2d(...)`, as PyTorch's `extra_repr`. */
  override extraRepr(): string {
    return `output_size=${outputSizeRepr(this.outputSize)}`;
  }
}

/**
 * Max pooling to a fixed output size (PyTorch's `nn.AdaptiveMaxPool2d`); with `returnIndices`
 * the module gives `[values, indices]`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * assertEquals(new nn.AdaptiveMaxPool2d(1)(torch.randn(2, 3, 5, 5)).shape, [2, 3, 1, 1]);
 * ```
 */
export class AdaptiveMaxPool2d<R extends boolean = false> extends Module {
  /** The output size (null keeps that input dim). */
  readonly outputSize: AdaptiveSize;
  /** Whether `forward` returns `[values, indices]`. */
  readonly returnIndices: R;
  /** Creates the module; the arguments are described on the class. */
  constructor(outputSize: AdaptiveSize, opts: { returnIndices?: R } = {}) {
    super();
    this.outputSize = outputSize;
    this.returnIndices = (opts.returnIndices ?? false) as R;
  }
  /** `[N, C, H, W]` to `[N, C, outH, outW]` (and the indices with `returnIndices`). */
  override forward(input: Tensor): R extends true ? [Tensor, Tensor] : Tensor {
    return adaptiveMaxPool2d(input, this.outputSize, { returnIndices: this.returnIndices }) as R extends true
      ? [Tensor, Tensor]
      : Tensor;
  }
  /** The arguments printed inside `AdaptiveMaxPool2d(...)`, as PyTorch's `extra_repr`. */
  override extraRepr(): string {
    return `output_size=${outputSizeRepr(this.outputSize)}`;
  }
}

/** Python's repr of a size or scale option. */
function sizeRepr(v: number | readonly number[], float: boolean): string {
  const one = (x: number) => (float ? pyFloat(x) : String(x));
  return typeof v === "number" ? one(v) : `(${v.map(one).join(", ")})`;
}

/**
 * Upsampling (PyTorch's `nn.Upsample`): `F.interpolate` with fixed options.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const up = new nn.Upsample({ scaleFactor: 2, mode: "bilinear" });
 * assertEquals([up(torch.randn(1, 3, 8, 8)).shape, String(up)], [[1, 3, 16, 16], "Upsample(scale_factor=2.0, mode=bilinear)"]);
 * ```
 */
export class Upsample extends Module {
  /** The `size`/`scaleFactor`, mode and alignment passed to `F.interpolate`. */
  readonly options: Readonly<InterpolateOptions>;
  /** Creates the module; the arguments are described on the class. */
  constructor(options: InterpolateOptions) {
    super();
    this.options = { ...options };
  }
  /** Applies the module to its input (see the class docs). */
  override forward(input: Tensor): Tensor {
    return interpolate(input, this.options);
  }
  /** The arguments printed inside `Upsample(...)`, as PyTorch's `extra_repr`. */
  override extraRepr(): string {
    const o = this.options;
    const what = o.scaleFactor !== undefined
      ? `scale_factor=${sizeRepr(o.scaleFactor, true)}`
      : `size=${sizeRepr(o.size ?? [], false)}`;
    return `${what}, mode=${o.mode ?? "nearest"}`;
  }
}
