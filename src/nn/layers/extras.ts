/**
 * Small layers over `F`'s functions: `MaxUnpool1d` / `MaxUnpool2d`, `LPPool1d` / `LPPool2d`,
 * `LocalResponseNorm`, `Softmax2d`, `ChannelShuffle`, `UpsamplingNearest2d`,
 * `UpsamplingBilinear2d`.
 * @module
 */
import type { Tensor } from "../../tensor.ts";
import { Module, pyFloat, pyTuple } from "../module.ts";
import { softmax } from "../../ops/reduce.ts";
import type { Size2 } from "../../ops/conv.ts";
import type { Size1 } from "../../ops/pool1d.ts";
import { fmtShape } from "../../shape.ts";
import {
  channelShuffle,
  localResponseNorm,
  lpPool1d,
  lpPool2d,
  maxUnpool1d,
  maxUnpool2d,
  type UpsamplingOptions,
} from "../functional_extras.ts";
import { Upsample } from "./pooling.ts";
import type { Size3 } from "../../ops/conv3d.ts";
import { maxUnpool3d } from "../max_unpool3d.ts";
import { unpoolTuple } from "../unpool_core.ts";

const tupleOf = (v: number | readonly number[], n: number): number[] =>
  typeof v === "number" ? new Array(n).fill(v) : [...v];

/** Options of {@link MaxUnpool1d}, {@link MaxUnpool2d} and {@link MaxUnpool3d}. */
export interface MaxUnpoolModuleOptions<S> {
  /** Step of the pooling window (default: the kernel size). */
  stride?: S | null;
  /** The pooling's padding (default 0). */
  padding?: S;
}

/**
 * The partial inverse of `MaxPool1d` (PyTorch's `nn.MaxUnpool1d`): `F.maxUnpool1d` with fixed
 * options; `forward(input, indices, outputSize?)`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const x = torch.tensor([[[1, 5, 3, 2]]], { dtype: "float32" });
 * const [v, i] = torch.F.maxPool1d(x, 2, { returnIndices: true });
 * const unpool = new nn.MaxUnpool1d(2);
 * assertEquals([unpool(v, i).toArray(), String(unpool)], [
 *   [[[0, 5, 3, 0]]],
 *   "MaxUnpool1d(kernel_size=(2,), stride=(2,), padding=(0,))",
 * ]);
 * ```
 */
export class MaxUnpool1d extends Module {
  /** The pooling window. */
  readonly kernelSize: number[];
  /** Its step. */
  readonly stride: number[];
  /** Its padding. */
  readonly padding: number[];
  /** Creates the module; the arguments are described on the class. */
  constructor(kernelSize: Size1, opts: MaxUnpoolModuleOptions<Size1> = {}) {
    super();
    this.kernelSize = tupleOf(kernelSize, 1);
    this.stride = tupleOf(opts.stride ?? kernelSize, 1);
    this.padding = tupleOf(opts.padding ?? 0, 1);
  }
  /** `F.maxUnpool1d(input, indices, ...)`. */
  override forward(input: Tensor, indices: Tensor, outputSize?: readonly number[]): Tensor {
    return maxUnpool1d(input, indices, this.kernelSize[0], {
      stride: this.stride[0],
      padding: this.padding[0],
      outputSize,
    });
  }
  /** The arguments printed inside `MaxUnpool1d(...)`, as PyTorch's `extra_repr`. */
  override extraRepr(): string {
    return `kernel_size=${pyTuple(this.kernelSize)}, stride=${pyTuple(this.stride)}, padding=${
      pyTuple(this.padding)
    }`;
  }
}

/**
 * The partial inverse of `MaxPool2d` (PyTorch's `nn.MaxUnpool2d`): `F.maxUnpool2d` with fixed
 * options; `forward(input, indices, outputSize?)`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const x = torch.tensor([[[[1, 2], [4, 3]]]], { dtype: "float32" });
 * const [v, i] = torch.maxPool2d(x, 2, { returnIndices: true });
 * assertEquals(new nn.MaxUnpool2d(2)(v, i).toArray(), [[[[0, 0], [4, 0]]]]);
 * ```
 */
export class MaxUnpool2d extends Module {
  /** The pooling window. */
  readonly kernelSize: number[];
  /** Its step. */
  readonly stride: number[];
  /** Its padding. */
  readonly padding: number[];
  /** Creates the module; the arguments are described on the class. */
  constructor(kernelSize: Size2, opts: MaxUnpoolModuleOptions<Size2> = {}) {
    super();
    this.kernelSize = tupleOf(kernelSize, 2);
    this.stride = tupleOf(opts.stride ?? kernelSize, 2);
    this.padding = tupleOf(opts.padding ?? 0, 2);
  }
  /** `F.maxUnpool2d(input, indices, ...)`. */
  override forward(input: Tensor, indices: Tensor, outputSize?: readonly number[]): Tensor {
    return maxUnpool2d(input, indices, this.kernelSize as [number, number], {
      stride: this.stride as [number, number],
      padding: this.padding as [number, number],
      outputSize,
    });
  }
  /** The arguments printed inside `MaxUnpool2d(...)`, as PyTorch's `extra_repr`. */
  override extraRepr(): string {
    return `kernel_size=${pyTuple(this.kernelSize)}, stride=${pyTuple(this.stride)}, padding=${
      pyTuple(this.padding)
    }`;
  }
}

/**
 * The partial inverse of `MaxPool3d` (PyTorch's `nn.MaxUnpool3d`): `F.maxUnpool3d` with fixed
 * options; `forward(input, indices, outputSize?)`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const [v, i] = torch.F.maxPool3d(torch.randn(1, 2, 4, 4, 4), 2, { returnIndices: true });
 * const unpool = new nn.MaxUnpool3d(2);
 * assertEquals(unpool(v, i).shape, [1, 2, 4, 4, 4]);
 * assertEquals(String(unpool), "MaxUnpool3d(kernel_size=(2, 2, 2), stride=(2, 2, 2), padding=(0, 0, 0))");
 * ```
 */
export class MaxUnpool3d extends Module {
  /** The pooling window. */
  readonly kernelSize: number[];
  /** Its step. */
  readonly stride: number[];
  /** Its padding. */
  readonly padding: number[];
  /** Creates the module; the arguments are described on the class. */
  constructor(kernelSize: Size3, opts: MaxUnpoolModuleOptions<Size3> = {}) {
    super();
    this.kernelSize = unpoolTuple("MaxUnpool3d", "kernelSize", kernelSize, 3);
    this.stride = unpoolTuple("MaxUnpool3d", "stride", opts.stride ?? kernelSize, 3);
    this.padding = unpoolTuple("MaxUnpool3d", "padding", opts.padding ?? 0, 3);
  }
  /** `F.maxUnpool3d(input, indices, ...)`. */
  override forward(input: Tensor, indices: Tensor, outputSize?: readonly number[]): Tensor {
    return maxUnpool3d(input, indices, this.kernelSize, {
      stride: this.stride,
      padding: this.padding,
      outputSize,
    });
  }
  /** The arguments printed inside `MaxUnpool3d(...)`, as PyTorch's `extra_repr`. */
  override extraRepr(): string {
    return `kernel_size=${pyTuple(this.kernelSize)}, stride=${pyTuple(this.stride)}, padding=${
      pyTuple(this.padding)
    }`;
  }
}

/** Options of {@link LPPool1d} and {@link LPPool2d}. */
export interface LPPoolModuleOptions<S> {
  /** Step of the window (default: the kernel size). */
  stride?: S | null;
  /** Use ceil instead of floor for the output size (default false). */
  ceilMode?: boolean;
}

const sizeRepr = (v: number | readonly number[] | null | undefined) =>
  v === null || v === undefined ? "None" : typeof v === "number" ? String(v) : pyTuple(v);

/**
 * Power-average pooling over `[N, C, L]` (PyTorch's `nn.LPPool1d`): `F.lpPool1d` with fixed
 * options.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const pool = new nn.LPPool1d(2, 2);
 * assertEquals(pool(torch.tensor([[[3, 4]]], { dtype: "float32" })).toArray(), [[[5]]]);
 * assertEquals(String(pool), "LPPool1d(norm_type=2, kernel_size=2, stride=None, ceil_mode=False)");
 * ```
 */
export class LPPool1d extends Module {
  /** The power `p`. */
  readonly normType: number;
  /** The window. */
  readonly kernelSize: Size1;
  /** Its step (null: the window). */
  readonly stride: Size1 | null;
  /** Ceil instead of floor for the output size. */
  readonly ceilMode: boolean;
  /** Creates the module; the arguments are described on the class. */
  constructor(normType: number, kernelSize: Size1, opts: LPPoolModuleOptions<Size1> = {}) {
    super();
    this.normType = normType;
    this.kernelSize = kernelSize;
    this.stride = opts.stride ?? null;
    this.ceilMode = opts.ceilMode ?? false;
  }
  /** `F.lpPool1d(input, ...)`. */
  override forward(input: Tensor): Tensor {
    return lpPool1d(input, this.normType, this.kernelSize, { stride: this.stride, ceilMode: this.ceilMode });
  }
  /** The arguments printed inside `LPPool1d(...)`, as PyTorch's `extra_repr`. */
  override extraRepr(): string {
    return `norm_type=${this.normType}, kernel_size=${sizeRepr(this.kernelSize)}, stride=${
      sizeRepr(this.stride)
    }, ceil_mode=${this.ceilMode ? "True" : "False"}`;
  }
}

/**
 * Power-average pooling over `[N, C, H, W]` (PyTorch's `nn.LPPool2d`): `F.lpPool2d` with fixed
 * options.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const pool = new nn.LPPool2d(2, 2);
 * assertEquals(pool(torch.tensor([[[[1, 2], [2, 4]]]], { dtype: "float32" })).toArray(), [[[[5]]]]);
 * ```
 */
export class LPPool2d extends Module {
  /** The power `p`. */
  readonly normType: number;
  /** The window. */
  readonly kernelSize: Size2;
  /** Its step (null: the window). */
  readonly stride: Size2 | null;
  /** Ceil instead of floor for the output size. */
  readonly ceilMode: boolean;
  /** Creates the module; the arguments are described on the class. */
  constructor(normType: number, kernelSize: Size2, opts: LPPoolModuleOptions<Size2> = {}) {
    super();
    this.normType = normType;
    this.kernelSize = kernelSize;
    this.stride = opts.stride ?? null;
    this.ceilMode = opts.ceilMode ?? false;
  }
  /** `F.lpPool2d(input, ...)`. */
  override forward(input: Tensor): Tensor {
    return lpPool2d(input, this.normType, this.kernelSize, { stride: this.stride, ceilMode: this.ceilMode });
  }
  /** The arguments printed inside `LPPool2d(...)`, as PyTorch's `extra_repr`. */
  override extraRepr(): string {
    return `norm_type=${this.normType}, kernel_size=${sizeRepr(this.kernelSize)}, stride=${
      sizeRepr(this.stride)
    }, ceil_mode=${this.ceilMode ? "True" : "False"}`;
  }
}

/** Options of {@link LocalResponseNorm}. */
export interface LocalResponseNormModuleOptions {
  /** Multiplicative factor (default 1e-4). */
  alpha?: number;
  /** Exponent (default 0.75). */
  beta?: number;
  /** Additive factor (default 1). */
  k?: number;
}

/**
 * Local response normalization across channels (PyTorch's `nn.LocalResponseNorm`):
 * `F.localResponseNorm` with fixed options.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const lrn = new nn.LocalResponseNorm(2);
 * assertEquals(lrn(torch.randn(4, 6, 5, 5)).shape, [4, 6, 5, 5]);
 * assertEquals(String(lrn), "LocalResponseNorm(2, alpha=0.0001, beta=0.75, k=1.0)");
 * ```
 */
export class LocalResponseNorm extends Module {
  /** Channels summed over. */
  readonly size: number;
  /** Multiplicative factor. */
  readonly alpha: number;
  /** Exponent. */
  readonly beta: number;
  /** Additive factor. */
  readonly k: number;
  /** Creates the module; the arguments are described on the class. */
  constructor(size: number, opts: LocalResponseNormModuleOptions = {}) {
    super();
    this.size = size;
    this.alpha = opts.alpha ?? 1e-4;
    this.beta = opts.beta ?? 0.75;
    this.k = opts.k ?? 1;
  }
  /** `F.localResponseNorm(input, size, ...)`. */
  override forward(input: Tensor): Tensor {
    return localResponseNorm(input, this.size, { alpha: this.alpha, beta: this.beta, k: this.k });
  }
  /** The arguments printed inside `LocalResponseNorm(...)`, as PyTorch's `extra_repr`. */
  override extraRepr(): string {
    return `${this.size}, alpha=${pyFloat(this.alpha)}, beta=${pyFloat(this.beta)}, k=${pyFloat(this.k)}`;
  }
}

/**
 * Softmax over the channels of `[N, C, H, W]` or `[C, H, W]` at each location (PyTorch's
 * `nn.Softmax2d`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const y = new nn.Softmax2d()(torch.zeros(1, 4, 2, 2));
 * assertEquals(y.index(0, ":", 0, 0).toArray(), [0.25, 0.25, 0.25, 0.25]);
 * ```
 */
export class Softmax2d extends Module {
  /** `softmax(input, -3)`. */
  override forward(input: Tensor): Tensor {
    if (input.ndim !== 3 && input.ndim !== 4) {
      throw new RangeError(
        `Softmax2d: requires a 3D or 4D tensor as input, got input of size ${fmtShape(input.shape)}`,
      );
    }
    return softmax(input, -3);
  }
}

/**
 * Interleaves the channels of `groups` groups (PyTorch's `nn.ChannelShuffle`):
 * `F.channelShuffle(input, groups)`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const shuffle = new nn.ChannelShuffle(2);
 * assertEquals(shuffle(torch.arange(4).reshape(1, 4, 1)).flatten().toArray(), [0, 2, 1, 3]);
 * assertEquals(String(shuffle), "ChannelShuffle(groups=2)");
 * ```
 */
export class ChannelShuffle extends Module {
  /** The number of groups. */
  readonly groups: number;
  /** Creates the module; the arguments are described on the class. */
  constructor(groups: number) {
    super();
    this.groups = groups;
  }
  /** `F.channelShuffle(input, groups)`. */
  override forward(input: Tensor): Tensor {
    return channelShuffle(input, this.groups);
  }
  /** The arguments printed inside `ChannelShuffle(...)`, as PyTorch's `extra_repr`. */
  override extraRepr(): string {
    return `groups=${this.groups}`;
  }
}

/**
 * Nearest-neighbour upsampling (PyTorch's `nn.UpsamplingNearest2d`): `Upsample` with
 * `mode: "nearest"`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const up = new nn.UpsamplingNearest2d({ scaleFactor: 2 });
 * assertEquals([up(torch.ones(1, 1, 2, 3)).shape, String(up)], [[1, 1, 4, 6], "UpsamplingNearest2d(scale_factor=2.0, mode=nearest)"]);
 * ```
 */
export class UpsamplingNearest2d extends Upsample {
  /** Creates the module; the arguments are described on the class. */
  constructor(opts: UpsamplingOptions) {
    super({ size: opts.size, scaleFactor: opts.scaleFactor, mode: "nearest" });
  }
}

/**
 * Bilinear upsampling with `alignCorners: true` (PyTorch's `nn.UpsamplingBilinear2d`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const up = new nn.UpsamplingBilinear2d({ size: [1, 4] });
 * assertEquals(up(torch.tensor([[[[0, 3]]]], { dtype: "float32" })).toArray(), [[[[0, 1, 2, 3]]]]);
 * assertEquals(String(up), "UpsamplingBilinear2d(size=(1, 4), mode=bilinear)");
 * ```
 */
export class UpsamplingBilinear2d extends Upsample {
  /** Creates the module; the arguments are described on the class. */
  constructor(opts: UpsamplingOptions) {
    super({ size: opts.size, scaleFactor: opts.scaleFactor, mode: "bilinear", alignCorners: true });
  }
}
