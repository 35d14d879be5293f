/**
 * 1-d pooling layers: `MaxPool1d`, `AvgPool1d`, `AdaptiveAvgPool1d`, `AdaptiveMaxPool1d` (the
 * module forms of `F.maxPool1d`, ...), over `[N, C, L]` or `[C, L]` inputs.
 * @module
 */
import type { Tensor } from "../../tensor.ts";
import { Module, pyBool } from "../module.ts";
import { adaptiveAvgPool1d, adaptiveMaxPool1d, avgPool1d, maxPool1d, type Size1 } from "../../ops/pool1d.ts";

/** Options of `MaxPool1d` (PyTorch's keyword arguments). */
export interface MaxPool1dOptions<R extends boolean = boolean> {
  /** Step of the window (default: the kernel size). */
  stride?: Size1 | null;
  /** Implicit -inf padding on each side (default 0; at most half the kernel). */
  padding?: Size1;
  /** Spacing between window elements (default 1). */
  dilation?: Size1;
  /** Also return the int32 indices of the maxima: the module then gives `[values, indices]`. */
  returnIndices?: R;
  /** Use ceil instead of floor for the output length (default false). */
  ceilMode?: boolean;
}

/** Options of `AvgPool1d` (PyTorch's keyword arguments). */
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

/** Python's repr of an int or a tuple: `2`, `(2,)`. */
function pyArg(v: Size1): string {
  return typeof v === "number" ? String(v) : v.length === 1 ? `(${v[0]},)` : `(${v.join(", ")})`;
}

/** PyTorch's `_single`: a one-element tuple's repr. */
function single(v: Size1): string {
  return typeof v === "number" ? `(${v},)` : pyArg(v);
}

/**
 * 1-d max pooling (PyTorch's `nn.MaxPool1d`). With `returnIndices: true` the module returns
 * `[values, indices]` (int32 positions along `L`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const pool = new nn.MaxPool1d(3, { stride: 2, padding: 1, ceilMode: true });
 * assertEquals(pool(torch.randn(4, 8, 10)).shape, [4, 8, 6]);
 * assertEquals(String(pool), "MaxPool1d(kernel_size=3, stride=2, padding=1, dilation=1, ceil_mode=True)");
 * ```
 */
export class MaxPool1d<R extends boolean = false> extends Module {
  /** The window size. */
  readonly kernelSize: Size1;
  /** The step (the kernel size unless given). */
  readonly stride: Size1;
  /** The implicit -inf padding. */
  readonly padding: Size1;
  /** The spacing between window elements. */
  readonly dilation: Size1;
  /** Whether `forward` returns `[values, indices]`. */
  readonly returnIndices: R;
  /** Whether the output length rounds up. */
  readonly ceilMode: boolean;

  /** Creates the module; the arguments are described on the class. */
  constructor(kernelSize: Size1, opts: MaxPool1dOptions<R> = {}) {
    super();
    this.kernelSize = kernelSize;
    this.stride = opts.stride ?? kernelSize;
    this.padding = opts.padding ?? 0;
    this.dilation = opts.dilation ?? 1;
    this.returnIndices = (opts.returnIndices ?? false) as R;
    this.ceilMode = opts.ceilMode ?? false;
  }

  /** `[N, C, L]` to `[N, C, L']` (and the indices with `returnIndices`). */
  override forward(input: Tensor): R extends true ? [Tensor, Tensor] : Tensor {
    const opts = {
      stride: this.stride,
      padding: this.padding,
      dilation: this.dilation,
      ceilMode: this.ceilMode,
    };
    const out = this.returnIndices
      ? maxPool1d(input, this.kernelSize, { ...opts, returnIndices: true })
      : maxPool1d(input, this.kernelSize, opts);
    return out as R extends true ? [Tensor, Tensor] : Tensor;
  }

  /** The arguments printed inside `MaxPool1d(...)`, as PyTorch's `extra_repr`. */
  override extraRepr(): string {
    return `kernel_size=${pyArg(this.kernelSize)}, stride=${pyArg(this.stride)}, padding=${
      pyArg(this.padding)
    }, dilation=${pyArg(this.dilation)}, ceil_mode=${pyBool(this.ceilMode)}`;
  }
}

/**
 * 1-d average pooling (PyTorch's `nn.AvgPool1d`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const pool = new nn.AvgPool1d(2);
 * assertEquals(pool(torch.tensor([[1, 3, 5, 7, 9]]).float()).toArray(), [[2, 6]]);
 * assertEquals(String(pool), "AvgPool1d(kernel_size=(2,), stride=(2,), padding=(0,))");
 * ```
 */
export class AvgPool1d extends Module {
  /** The window size. */
  readonly kernelSize: Size1;
  /** The step (the kernel size unless given). */
  readonly stride: Size1;
  /** The implicit zero padding. */
  readonly padding: Size1;
  /** Whether the output length rounds up. */
  readonly ceilMode: boolean;
  /** Whether padding zeros count in the divisor. */
  readonly countIncludePad: boolean;

  /** Creates the module; the arguments are described on the class. */
  constructor(kernelSize: Size1, opts: AvgPool1dOptions = {}) {
    super();
    this.kernelSize = kernelSize;
    this.stride = opts.stride ?? kernelSize;
    this.padding = opts.padding ?? 0;
    this.ceilMode = opts.ceilMode ?? false;
    this.countIncludePad = opts.countIncludePad ?? true;
  }

  /** `[N, C, L]` to `[N, C, L']`. */
  override forward(input: Tensor): Tensor {
    return avgPool1d(input, this.kernelSize, {
      stride: this.stride,
      padding: this.padding,
      ceilMode: this.ceilMode,
      countIncludePad: this.countIncludePad,
    });
  }

  /** The arguments printed inside `AvgPool1d(...)`, as PyTorch's `extra_repr`. */
  override extraRepr(): string {
    return `kernel_size=${single(this.kernelSize)}, stride=${single(this.stride)}, padding=${
      single(this.padding)
    }`;
  }
}

/**
 * Average pooling to a fixed output length, whatever the input's (PyTorch's
 * `nn.AdaptiveAvgPool1d`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const pool = new nn.AdaptiveAvgPool1d(3);
 * assertEquals([pool(torch.randn(2, 4, 11)).shape, String(pool)], [[2, 4, 3], "AdaptiveAvgPool1d(output_size=3)"]);
 * ```
 */
export class AdaptiveAvgPool1d extends Module {
  /** The output length. */
  readonly outputSize: Size1;
  /** Creates the module; the arguments are described on the class. */
  constructor(outputSize: Size1) {
    super();
    this.outputSize = outputSize;
  }
  /** `[N, C, L]` to `[N, C, outputSize]`. */
  override forward(input: Tensor): Tensor {
    return adaptiveAvgPool1d(input, this.outputSize);
  }
  /** The arguments printed inside `AdaptiveAvgPool1d(...)`, as PyTorch's `extra_repr`. */
  override extraRepr(): string {
    return `output_size=${pyArg(this.outputSize)}`;
  }
}

/**
 * Max pooling to a fixed output length (PyTorch's `nn.AdaptiveMaxPool1d`); with `returnIndices`
 * the module gives `[values, indices]`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const pool = new nn.AdaptiveMaxPool1d(2, { returnIndices: true });
 * const [values, indices] = pool(torch.tensor([[1, 5, 2, 4, 3]]).float());
 * assertEquals([values.toArray(), indices.toArray()], [[[5, 4]], [[1, 3]]]);
 * ```
 */
export class AdaptiveMaxPool1d<R extends boolean = false> extends Module {
  /** The output length. */
  readonly outputSize: Size1;
  /** Whether `forward` returns `[values, indices]`. */
  readonly returnIndices: R;
  /** Creates the module; the arguments are described on the class. */
  constructor(outputSize: Size1, opts: { returnIndices?: R } = {}) {
    super();
    this.outputSize = outputSize;
    this.returnIndices = (opts.returnIndices ?? false) as R;
  }
  /** `[N, C, L]` to `[N, C, outputSize]` (and the indices with `returnIndices`). */
  override forward(input: Tensor): R extends true ? [Tensor, Tensor] : Tensor {
    return adaptiveMaxPool1d(input, this.outputSize, { returnIndices: this.returnIndices }) as R extends true
      ? [Tensor, Tensor]
      : Tensor;
  }
  /** The arguments printed inside `AdaptiveMaxPool1d(...)`, as PyTorch's `extra_repr`. */
  override extraRepr(): string {
    return `output_size=${pyArg(this.outputSize)}`;
  }
}
