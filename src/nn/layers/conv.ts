/**
 * Convolution layers: `Conv2d`, `Conv1d`, `ConvTranspose2d` and their bases (`Conv3d` and the
 * other transposed ones are in conv3d.ts).
 * @module
 */
import type { Tensor } from "../../tensor.ts";
import type { Device } from "../../backends/backend.ts";
import { type DType, getDefaultDtype } from "../../dtype.ts";
import { empty } from "../../creation.ts";
import { Module, Parameter, pyTuple } from "../module.ts";
import * as init from "../init.ts";
import { conv1d, conv2d } from "../../ops/conv.ts";
import { pad } from "../../ops/pad.ts";
import { convTranspose2d } from "../../ops/conv_transpose.ts";
import { outputPaddingFor } from "../../ops/conv3d_core.ts";

/** How the input is padded. Only `"zeros"` is implemented; the others are PyTorch's names. */
export type PaddingMode = "zeros" | "reflect" | "replicate" | "circular";

/** Options of `Conv2d` (PyTorch's keyword arguments). */
export interface Conv2dOptions {
  /** Step of the window: one number or `[h, w]` (default 1). */
  stride?: number | readonly number[];
  /** Zero padding per side, `[h, w]`, `"valid"` or `"same"` (default 0). */
  padding?: number | readonly number[] | "same" | "valid";
  /** Spacing between kernel elements (default 1). */
  dilation?: number | readonly number[];
  /** Blocked connections from input to output channels (default 1). */
  groups?: number;
  /** Whether the layer adds a learnable bias (default true). */
  bias?: boolean;
  /** Only `"zeros"` (the default) is supported. */
  paddingMode?: PaddingMode;
  /** Where the parameters live (default "cpu"). */
  device?: Device;
  /** The parameters' dtype (default float32). */
  dtype?: DType;
}

/** Options of `Conv1d`: those of `Conv2d` with one spatial size. */
export type Conv1dOptions = Conv2dOptions;

/** @internal One non-negative integer per spatial dim from a number or a list of `n`. */
export function tupleOf(op: string, name: string, v: unknown, n: number): number[] {
  const out = typeof v === "number"
    ? new Array(n).fill(v)
    : Array.isArray(v) && v.length === n
    ? [...v]
    : null;
  if (out === null || out.some((x) => typeof x !== "number" || !Number.isInteger(x) || x < 0)) {
    throw new TypeError(
      `${op}: ${name} must be a non-negative integer or a list of ${n} of them, got ${JSON.stringify(v)}`,
    );
  }
  return out;
}

/** @internal `v` checked to be an integer of at least `min`. */
export function checkCount(op: string, name: string, v: unknown, min: number): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min) {
    throw new TypeError(`${op}: ${name} must be an integer >= ${min}, got ${v}`);
  }
  return v;
}

/** PyTorch's `_ConvNd.reset_parameters`: weight from kaiming_uniform(a=√5), bias U(±1/√fanIn). */
function resetConvParameters(weight: Parameter, bias: Parameter | null): void {
  init.kaimingUniform_(weight, { a: Math.sqrt(5) });
  if (bias) {
    const [fanIn] = init.calculateFanInAndFanOut(weight);
    init.uniform_(bias, fanIn > 0 ? -1 / Math.sqrt(fanIn) : 0, fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0);
  }
}

/** The shared part of `Conv1d`/`Conv2d`, PyTorch's `_ConvNd`. */
export abstract class ConvNd extends Module {
  /** Channels of the input. */
  readonly inChannels: number;
  /** Channels of the output. */
  readonly outChannels: number;
  /** Kernel size per spatial dim. */
  readonly kernelSize: number[];
  /** Stride per spatial dim. */
  readonly stride: number[];
  /** Padding per spatial dim, or `"same"`/`"valid"`. */
  readonly padding: number[] | "same" | "valid";
  /** Dilation per spatial dim. */
  readonly dilation: number[];
  /** Number of groups. */
  readonly groups: number;
  /** How the border is filled: zeros (the convolution's own padding), or an explicit `pad` first. */
  readonly paddingMode: PaddingMode;
  /** `[outChannels, inChannels / groups, ...kernelSize]`. */
  weight: Parameter;
  /** `[outChannels]`, or null without bias. */
  bias: Parameter | null;

  /** Creates the module; the arguments are described on the class. */
  constructor(
    op: string,
    dims: number,
    inChannels: number,
    outChannels: number,
    kernelSize: number | readonly number[],
    opts: Conv2dOptions,
  ) {
    super();
    this.inChannels = checkCount(op, "inChannels", inChannels, 0);
    this.outChannels = checkCount(op, "outChannels", outChannels, 0);
    this.kernelSize = tupleOf(op, "kernelSize", kernelSize, dims);
    if (this.kernelSize.some((k) => k < 1)) throw new RangeError(`${op}: kernelSize must be positive`);
    this.stride = tupleOf(op, "stride", opts.stride ?? 1, dims);
    if (this.stride.some((s) => s < 1)) throw new RangeError(`${op}: non-positive stride is not supported`);
    this.dilation = tupleOf(op, "dilation", opts.dilation ?? 1, dims);
    if (this.dilation.some((d) => d < 1)) {
      throw new RangeError(`${op}: non-positive dilation is not supported`);
    }
    const groups = opts.groups ?? 1;
    if (typeof groups !== "number" || !Number.isInteger(groups) || groups <= 0) {
      throw new RangeError(`${op}: groups must be a positive integer`);
    }
    this.groups = groups;
    if (inChannels % groups !== 0) throw new RangeError(`${op}: inChannels must be divisible by groups`);
    if (outChannels % groups !== 0) throw new RangeError(`${op}: outChannels must be divisible by groups`);
    const padding = opts.padding ?? 0;
    if (typeof padding === "string") {
      if (padding !== "same" && padding !== "valid") {
        throw new RangeError(`${op}: Invalid padding string '${padding}', should be one of same, valid`);
      }
      if (padding === "same" && this.stride.some((s) => s !== 1)) {
        throw new RangeError(`${op}: padding='same' is not supported for strided convolutions`);
      }
      this.padding = padding;
    } else {
      this.padding = tupleOf(op, "padding", padding, dims);
    }
    const mode = opts.paddingMode ?? "zeros";
    if (!["zeros", "reflect", "replicate", "circular"].includes(mode)) {
      throw new RangeError(
        `${op}: paddingMode must be one of "zeros", "reflect", "replicate", "circular", got ${
          JSON.stringify(mode)
        }`,
      );
    }
    this.paddingMode = mode;
    const dtype = opts.dtype ?? getDefaultDtype();
    this.weight = new Parameter(empty([outChannels, inChannels / groups, ...this.kernelSize], { dtype }));
    this.bias = opts.bias === false ? null : new Parameter(empty([outChannels], { dtype }));
    this.resetParameters();
    if (opts.device && opts.device !== "cpu") this.to(opts.device);
  }

  /**
   * Re-draws the parameters with PyTorch's default initialisation: weight from
   * kaiming_uniform(a=√5), i.e. U(-1/√fanIn, 1/√fanIn) with fanIn = inChannels/groups·kernel
   * area, and bias from U(-1/√fanIn, 1/√fanIn).
   */
  resetParameters(): void {
    resetConvParameters(this.weight, this.bias);
  }

  /**
   * The input and the padding to give the convolution: as configured for zeros, or the input
   * padded by `F.pad` in the padding mode and no convolution padding.
   */
  protected padded(input: Tensor): [Tensor, number[] | "same" | "valid"] {
    if (this.paddingMode === "zeros" || this.padding === "valid") return [input, this.padding];
    // [left, right] per spatial dim ("same": the total d·(k-1) split with the extra on the right).
    const sides = this.kernelSize.map((k, i) => {
      if (this.padding !== "same") return [(this.padding as number[])[i], (this.padding as number[])[i]];
      const total = this.dilation[i] * (k - 1);
      return [Math.floor(total / 2), total - Math.floor(total / 2)];
    });
    const amounts = sides.reverse().flat(); // F.pad lists the last dim first
    const mode = this.paddingMode === "reflect"
      ? "reflect"
      : this.paddingMode === "replicate"
      ? "replicate"
      : "circular";
    return [pad(input, amounts, { mode }), this.kernelSize.map(() => 0)];
  }

  /** The arguments printed inside `ConvNd(...)`, as PyTorch's `extra_repr`. */
  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${pyTuple(this.kernelSize)}, stride=${
      pyTuple(this.stride)
    }`;
    if (typeof this.padding === "string") s += `, padding=${this.padding}`;
    else if (this.padding.some((p) => p !== 0)) s += `, padding=${pyTuple(this.padding)}`;
    if (this.dilation.some((d) => d !== 1)) s += `, dilation=${pyTuple(this.dilation)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === null) s += ", bias=False";
    if (this.paddingMode !== "zeros") s += `, padding_mode=${this.paddingMode}`;
    return s;
  }
}

/**
 * 2-d convolution over `[N, inChannels, H, W]` (or unbatched `[inChannels, H, W]`) inputs, as
 * PyTorch's `nn.Conv2d`: `weight` is `[outChannels, inChannels / groups, kH, kW]`, initialised
 * as PyTorch does (kaiming_uniform with a=√5, bias U(±1/√fanIn)) from the seeded generator.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * torch.manualSeed(0);
 * const conv = new nn.Conv2d(1, 8, 3, { padding: 1 });
 * assertEquals(conv(torch.randn(4, 1, 28, 28)).shape, [4, 8, 28, 28]);
 * assertEquals(String(conv), "Conv2d(1, 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))");
 * ```
 */
export class Conv2d extends ConvNd {
  /** Creates the module; the arguments are described on the class. */
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: number | readonly number[],
    opts: Conv2dOptions = {},
  ) {
    super("Conv2d", 2, inChannels, outChannels, kernelSize, opts);
  }

  /** `[N, inChannels, H, W]` to `[N, outChannels, H', W']`. */
  override forward(input: Tensor): Tensor {
    const [x, padding] = this.padded(input);
    return conv2d(x, this.weight, this.bias, {
      stride: this.stride,
      padding,
      dilation: this.dilation,
      groups: this.groups,
    });
  }
}

/**
 * 1-d convolution over `[N, inChannels, L]` (or unbatched `[inChannels, L]`) inputs, as
 * PyTorch's `nn.Conv1d`: `weight` is `[outChannels, inChannels / groups, k]`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const conv = new nn.Conv1d(2, 4, 3, { stride: 2 });
 * assertEquals(conv(torch.randn(5, 2, 11)).shape, [5, 4, 5]);
 * assertEquals(String(conv), "Conv1d(2, 4, kernel_size=(3,), stride=(2,))");
 * ```
 */
export class Conv1d extends ConvNd {
  /** Creates the module; the arguments are described on the class. */
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: number | readonly number[],
    opts: Conv1dOptions = {},
  ) {
    super("Conv1d", 1, inChannels, outChannels, kernelSize, opts);
  }

  /** `[N, inChannels, L]` to `[N, outChannels, L']`. */
  override forward(input: Tensor): Tensor {
    const [x, padding] = this.padded(input);
    return conv1d(x, this.weight, this.bias, {
      stride: this.stride,
      padding,
      dilation: this.dilation,
      groups: this.groups,
    });
  }
}

/** Options of `ConvTranspose2d` (PyTorch's keyword arguments). */
export interface ConvTranspose2dOptions {
  /** The upsampling step (default 1). */
  stride?: number | readonly number[];
  /** Removed from each side of the output (default 0). */
  padding?: number | readonly number[];
  /** Added at the bottom/right of the output (default 0). */
  outputPadding?: number | readonly number[];
  /** Groups of channels (default 1). */
  groups?: number;
  /** Whether the layer adds a learnable bias (default true). */
  bias?: boolean;
  /** Spacing between kernel elements (default 1). */
  dilation?: number | readonly number[];
  /** Where the parameters live (default "cpu"). */
  device?: Device;
  /** The parameters' dtype (default float32). */
  dtype?: DType;
}

/**
 * The shared part of the transposed convolution layers (PyTorch's `_ConvTransposeNd`): the
 * settings, `weight` `[inChannels, outChannels / groups, ...kernelSize]` and `bias`, PyTorch's
 * initialisation, and `forward(input, outputSize?)`, where `outputSize` picks the output padding
 * that gives that size.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const up: nn.ConvTransposeNd = new nn.ConvTranspose2d(4, 2, 3, { stride: 2, padding: 1 });
 * assertEquals(up.forward(torch.randn(1, 4, 5, 5), [10, 10]).shape, [1, 2, 10, 10]);
 * ```
 */
export abstract class ConvTransposeNd extends Module {
  /** The `inChannels` setting (PyTorch's `in_channels`). */
  readonly inChannels: number;
  /** The `outChannels` setting (PyTorch's `out_channels`). */
  readonly outChannels: number;
  /** The `kernelSize` setting (PyTorch's `kernel_size`). */
  readonly kernelSize: number[];
  /** The `stride` setting, as given to the constructor. */
  readonly stride: number[];
  /** The `padding` setting, as given to the constructor. */
  readonly padding: number[];
  /** The `outputPadding` setting (PyTorch's `output_padding`). */
  readonly outputPadding: number[];
  /** The `groups` setting, as given to the constructor. */
  readonly groups: number;
  /** The `dilation` setting, as given to the constructor. */
  readonly dilation: number[];
  /** `[inChannels, outChannels / groups, ...kernelSize]`. */
  weight: Parameter;
  /** `[outChannels]`, or null without bias. */
  bias: Parameter | null;
  readonly #op: string;

  /** Creates the module; the arguments are described on the class. */
  constructor(
    op: string,
    dims: number,
    inChannels: number,
    outChannels: number,
    kernelSize: number | readonly number[],
    opts: ConvTranspose2dOptions,
  ) {
    super();
    this.#op = op;
    this.inChannels = checkCount(op, "inChannels", inChannels, 0);
    this.outChannels = checkCount(op, "outChannels", outChannels, 0);
    this.kernelSize = tupleOf(op, "kernelSize", kernelSize, dims);
    this.stride = tupleOf(op, "stride", opts.stride ?? 1, dims);
    this.padding = tupleOf(op, "padding", opts.padding ?? 0, dims);
    this.outputPadding = tupleOf(op, "outputPadding", opts.outputPadding ?? 0, dims);
    this.dilation = tupleOf(op, "dilation", opts.dilation ?? 1, dims);
    this.groups = checkCount(op, "groups", opts.groups ?? 1, 1);
    if (inChannels % this.groups !== 0) throw new RangeError(`${op}: inChannels must be divisible by groups`);
    if (outChannels % this.groups !== 0) {
      throw new RangeError(`${op}: outChannels must be divisible by groups`);
    }
    const dtype = opts.dtype ?? getDefaultDtype();
    this.weight = new Parameter(
      empty([inChannels, outChannels / this.groups, ...this.kernelSize], { dtype }),
    );
    this.bias = opts.bias === false ? null : new Parameter(empty([outChannels], { dtype }));
    this.resetParameters();
    if (opts.device && opts.device !== "cpu") this.to(opts.device);
  }

  /** PyTorch's initialisation (fanIn from the weight's dim 1 and kernel, as for `Conv2d`). */
  resetParameters(): void {
    resetConvParameters(this.weight, this.bias);
  }

  /** The functional form (`F.convTranspose2d`, ...) this layer applies. */
  protected abstract transposed(input: Tensor, outputPadding: number[]): Tensor;

  /**
   * `[N, inChannels, ...]` to `[N, outChannels, ...]`; `outputSize` (the spatial sizes, or the
   * whole shape) chooses the output padding that gives it, as PyTorch's `forward(input, output_size)`.
   */
  override forward(input: Tensor, outputSize?: readonly number[] | null): Tensor {
    const k = this.kernelSize.length;
    const outputPadding = outputSize === undefined || outputSize === null
      ? this.outputPadding
      : outputPaddingFor(
        this.#op,
        input.shape.slice(-k),
        outputSize,
        this.stride,
        this.padding,
        this.kernelSize,
        this.dilation,
      );
    return this.transposed(input, outputPadding);
  }

  /** The arguments printed inside `ConvTransposeNd(...)`, as PyTorch's `extra_repr`. */
  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${pyTuple(this.kernelSize)}, stride=${
      pyTuple(this.stride)
    }`;
    if (this.padding.some((p) => p !== 0)) s += `, padding=${pyTuple(this.padding)}`;
    if (this.dilation.some((d) => d !== 1)) s += `, dilation=${pyTuple(this.dilation)}`;
    if (this.outputPadding.some((p) => p !== 0)) s += `, output_padding=${pyTuple(this.outputPadding)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === null) s += ", bias=False";
    return s;
  }
}

/**
 * Transposed 2-d convolution (PyTorch's `nn.ConvTranspose2d`), the upsampling layer of
 * generators and decoders: `weight` is `[inChannels, outChannels / groups, kH, kW]`, initialised
 * as PyTorch does (kaiming_uniform with a=√5, bias U(±1/√fanIn)).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const up = new nn.ConvTranspose2d(16, 8, 4, { stride: 2, padding: 1 });
 * assertEquals(up(torch.randn(2, 16, 7, 7)).shape, [2, 8, 14, 14]);
 * ```
 */
export class ConvTranspose2d extends ConvTransposeNd {
  /** Creates the module; the arguments are described on the class. */
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: number | readonly number[],
    opts: ConvTranspose2dOptions = {},
  ) {
    super("ConvTranspose2d", 2, inChannels, outChannels, kernelSize, opts);
  }

  /** `F.convTranspose2d` with this layer's settings. */
  protected override transposed(input: Tensor, outputPadding: number[]): Tensor {
    return convTranspose2d(input, this.weight, this.bias, {
      stride: this.stride,
      padding: this.padding,
      outputPadding,
      groups: this.groups,
      dilation: this.dilation,
    });
  }
}
