/**
 * The lazy modules PyTorch 1.13 has besides `LazyLinear`: `LazyConv1d`/`2d`/`3d`,
 * `LazyConvTranspose1d`/`2d`/`3d`, `LazyBatchNorm1d`/`2d`/`3d` and `LazyInstanceNorm1d`/`2d`/`3d`.
 * Each infers its input channels (`inChannels` / `numFeatures`) from its first input. Until then
 * its parameters and running statistics have 0 channels (PyTorch's `UninitializedParameter`s)
 * and nothing is drawn from the generator; at the first call they get their shapes, keeping their
 * identity (an optimizer made before sees them), are initialised as the eager module's (so a
 * lazy module and the eager one built after the same `manualSeed` hold the same values), and the
 * module becomes the eager class (`LazyConv2d` becomes a `Conv2d`), as PyTorch's `cls_to_become`.
 * An input of the wrong rank, or whose channels do not divide into the groups, throws and leaves
 * the module lazy.
 * @module
 */
import { Tensor } from "../../tensor.ts";
import { empty, ones, zeros } from "../../creation.ts";
import { fmtShape } from "../../shape.ts";
import { setTensorData } from "../module.ts";
import {
  Conv1d,
  type Conv1dOptions,
  Conv2d,
  type Conv2dOptions,
  type ConvNd,
  ConvTranspose2d,
  type ConvTranspose2dOptions,
  type ConvTransposeNd,
} from "./conv.ts";
import {
  Conv3d,
  type Conv3dOptions,
  ConvTranspose1d,
  ConvTranspose3d,
  type ConvTransposeOptions,
} from "./conv3d.ts";
import {
  BatchNorm1d,
  BatchNorm2d,
  type BatchNormBase,
  type BatchNormOptions,
  InstanceNorm1d,
  InstanceNorm2d,
} from "./normalization.ts";
import { BatchNorm3d, InstanceNorm3d } from "./normalization3d.ts";

/** The channels of a conv input with `dims` spatial dims: dim 1 when batched, dim 0 when not. */
function inputChannels(op: string, input: unknown, dims: number): number {
  if (!(input instanceof Tensor) || (input.ndim !== dims + 1 && input.ndim !== dims + 2)) {
    throw new RangeError(
      `${op}: Expected ${dims + 1}D (unbatched) or ${
        dims + 2
      }D (batched) input to infer in_channels from, but got ${
        input instanceof Tensor ? `input of size: ${fmtShape(input.shape)}` : typeof input
      }`,
    );
  }
  return input.shape[input.ndim === dims + 2 ? 1 : 0];
}

/** Gives a lazy conv's weight its shape from `input`, turns it into `proto`'s class and initialises it. */
function materializeConv(
  m: ConvNd | ConvTransposeNd,
  op: string,
  input: unknown,
  transposed: boolean,
  proto: object,
): void {
  const c = inputChannels(op, input, m.kernelSize.length);
  if (c === 0) throw new RangeError(`${op}: cannot infer in_channels from an input with 0 channels`);
  if (c % m.groups !== 0) {
    throw new RangeError(
      `${op}: in_channels must be divisible by groups, got ${c} input channels for ${m.groups} groups`,
    );
  }
  (m as { inChannels: number }).inChannels = c;
  const shape = transposed
    ? [c, m.outChannels / m.groups, ...m.kernelSize]
    : [m.outChannels, c / m.groups, ...m.kernelSize];
  setTensorData(m.weight, empty(shape, { dtype: m.weight.dtype, device: m.weight.device }));
  Object.setPrototypeOf(m, proto);
  m.resetParameters();
}

/**
 * A `Conv1d` whose `inChannels` is inferred from its first input (PyTorch's `nn.LazyConv1d`);
 * then it is a `Conv1d`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const m = new nn.LazyConv1d(4, 3);
 * assertEquals([m.hasUninitializedParams(), m.weight.shape], [true, [4, 0, 3]]);
 * assertEquals(m(torch.randn(2, 5, 8)).shape, [2, 4, 6]);
 * assertEquals([m instanceof nn.Conv1d, m.weight.shape], [true, [4, 5, 3]]);
 * ```
 */
export class LazyConv1d extends Conv1d {
  /** Creates the module; the arguments are `Conv1d`'s without `inChannels`. */
  constructor(outChannels: number, kernelSize: number | readonly number[], opts: Conv1dOptions = {}) {
    super(0, outChannels, kernelSize, opts);
  }
  /** Whether the parameters still wait for the first input. */
  hasUninitializedParams(): boolean {
    return this.inChannels === 0;
  }
  /** Draws nothing until the first call has given the weight its shape. */
  override resetParameters(): void {
    if (this.inChannels !== 0) super.resetParameters();
  }
  /** Infers `inChannels` at the first call, then runs as `Conv1d`. */
  override forward(input: Tensor): Tensor {
    if (this.inChannels === 0) this.initializeParameters(input);
    return super.forward(input);
  }
  /** Gives the weight its shape from `input`'s channels and initialises the parameters. */
  initializeParameters(input: Tensor): void {
    materializeConv(this, "LazyConv1d", input, false, Conv1d.prototype);
  }
}

/**
 * A `Conv2d` whose `inChannels` is inferred from its first input (PyTorch's `nn.LazyConv2d`);
 * then it is a `Conv2d`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const x = torch.randn(1, 3, 5, 5);
 * torch.manualSeed(0);
 * const lazy = new nn.LazyConv2d(8, 3, { padding: 1 });
 * assertEquals(lazy(x).shape, [1, 8, 5, 5]); // draws the weight now, as Conv2d's constructor would
 * assertEquals(String(lazy), "Conv2d(3, 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))");
 * torch.manualSeed(0);
 * const eager = new nn.Conv2d(3, 8, 3, { padding: 1 });
 * assertEquals(torch.equal(lazy.weight, eager.weight), true);
 * ```
 */
export class LazyConv2d extends Conv2d {
  /** Creates the module; the arguments are `Conv2d`'s without `inChannels`. */
  constructor(outChannels: number, kernelSize: number | readonly number[], opts: Conv2dOptions = {}) {
    super(0, outChannels, kernelSize, opts);
  }
  /** Whether the parameters still wait for the first input. */
  hasUninitializedParams(): boolean {
    return this.inChannels === 0;
  }
  /** Draws nothing until the first call has given the weight its shape. */
  override resetParameters(): void {
    if (this.inChannels !== 0) super.resetParameters();
  }
  /** Infers `inChannels` at the first call, then runs as `Conv2d`. */
  override forward(input: Tensor): Tensor {
    if (this.inChannels === 0) this.initializeParameters(input);
    return super.forward(input);
  }
  /** Gives the weight its shape from `input`'s channels and initialises the parameters. */
  initializeParameters(input: Tensor): void {
    materializeConv(this, "LazyConv2d", input, false, Conv2d.prototype);
  }
}

/**
 * A `Conv3d` whose `inChannels` is inferred from its first input (PyTorch's `nn.LazyConv3d`);
 * then it is a `Conv3d`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const m = new nn.LazyConv3d(2, 2);
 * assertEquals(m(torch.randn(1, 3, 4, 4, 4)).shape, [1, 2, 3, 3, 3]);
 * assertEquals(m.weight.shape, [2, 3, 2, 2, 2]);
 * ```
 */
export class LazyConv3d extends Conv3d {
  /** Creates the module; the arguments are `Conv3d`'s without `inChannels`. */
  constructor(outChannels: number, kernelSize: number | readonly number[], opts: Conv3dOptions = {}) {
    super(0, outChannels, kernelSize, opts);
  }
  /** Whether the parameters still wait for the first input. */
  hasUninitializedParams(): boolean {
    return this.inChannels === 0;
  }
  /** Draws nothing until the first call has given the weight its shape. */
  override resetParameters(): void {
    if (this.inChannels !== 0) super.resetParameters();
  }
  /** Infers `inChannels` at the first call, then runs as `Conv3d`. */
  override forward(input: Tensor): Tensor {
    if (this.inChannels === 0) this.initializeParameters(input);
    return super.forward(input);
  }
  /** Gives the weight its shape from `input`'s channels and initialises the parameters. */
  initializeParameters(input: Tensor): void {
    materializeConv(this, "LazyConv3d", input, false, Conv3d.prototype);
  }
}

/**
 * A `ConvTranspose1d` whose `inChannels` is inferred from its first input (PyTorch's
 * `nn.LazyConvTranspose1d`); then it is a `ConvTranspose1d`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const m = new nn.LazyConvTranspose1d(3, 3, { stride: 2 });
 * assertEquals(m(torch.randn(2, 4, 5)).shape, [2, 3, 11]);
 * assertEquals(m.weight.shape, [4, 3, 3]);
 * ```
 */
export class LazyConvTranspose1d extends ConvTranspose1d {
  /** Creates the module; the arguments are `ConvTranspose1d`'s without `inChannels`. */
  constructor(outChannels: number, kernelSize: number | readonly number[], opts: ConvTransposeOptions = {}) {
    super(0, outChannels, kernelSize, opts);
  }
  /** Whether the parameters still wait for the first input. */
  hasUninitializedParams(): boolean {
    return this.inChannels === 0;
  }
  /** Draws nothing until the first call has given the weight its shape. */
  override resetParameters(): void {
    if (this.inChannels !== 0) super.resetParameters();
  }
  /** Infers `inChannels` at the first call, then runs as `ConvTranspose1d`. */
  override forward(input: Tensor, outputSize?: readonly number[] | null): Tensor {
    if (this.inChannels === 0) this.initializeParameters(input);
    return super.forward(input, outputSize);
  }
  /** Gives the weight its shape from `input`'s channels and initialises the parameters. */
  initializeParameters(input: Tensor): void {
    materializeConv(this, "LazyConvTranspose1d", input, true, ConvTranspose1d.prototype);
  }
}

/**
 * A `ConvTranspose2d` whose `inChannels` is inferred from its first input (PyTorch's
 * `nn.LazyConvTranspose2d`); then it is a `ConvTranspose2d`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const m = new nn.LazyConvTranspose2d(4, 4, { stride: 2, padding: 1 });
 * assertEquals(m(torch.randn(1, 6, 7, 7)).shape, [1, 4, 14, 14]);
 * assertEquals(String(m), "ConvTranspose2d(6, 4, kernel_size=(4, 4), stride=(2, 2), padding=(1, 1))");
 * ```
 */
export class LazyConvTranspose2d extends ConvTranspose2d {
  /** Creates the module; the arguments are `ConvTranspose2d`'s without `inChannels`. */
  constructor(
    outChannels: number,
    kernelSize: number | readonly number[],
    opts: ConvTranspose2dOptions = {},
  ) {
    super(0, outChannels, kernelSize, opts);
  }
  /** Whether the parameters still wait for the first input. */
  hasUninitializedParams(): boolean {
    return this.inChannels === 0;
  }
  /** Draws nothing until the first call has given the weight its shape. */
  override resetParameters(): void {
    if (this.inChannels !== 0) super.resetParameters();
  }
  /** Infers `inChannels` at the first call, then runs as `ConvTranspose2d`. */
  override forward(input: Tensor, outputSize?: readonly number[] | null): Tensor {
    if (this.inChannels === 0) this.initializeParameters(input);
    return super.forward(input, outputSize);
  }
  /** Gives the weight its shape from `input`'s channels and initialises the parameters. */
  initializeParameters(input: Tensor): void {
    materializeConv(this, "LazyConvTranspose2d", input, true, ConvTranspose2d.prototype);
  }
}

/**
 * A `ConvTranspose3d` whose `inChannels` is inferred from its first input (PyTorch's
 * `nn.LazyConvTranspose3d`); then it is a `ConvTranspose3d`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const m = new nn.LazyConvTranspose3d(2, 2);
 * assertEquals(m(torch.randn(1, 3, 3, 3, 3)).shape, [1, 2, 4, 4, 4]);
 * assertEquals(m.weight.shape, [3, 2, 2, 2, 2]);
 * ```
 */
export class LazyConvTranspose3d extends ConvTranspose3d {
  /** Creates the module; the arguments are `ConvTranspose3d`'s without `inChannels`. */
  constructor(outChannels: number, kernelSize: number | readonly number[], opts: ConvTransposeOptions = {}) {
    super(0, outChannels, kernelSize, opts);
  }
  /** Whether the parameters still wait for the first input. */
  hasUninitializedParams(): boolean {
    return this.inChannels === 0;
  }
  /** Draws nothing until the first call has given the weight its shape. */
  override resetParameters(): void {
    if (this.inChannels !== 0) super.resetParameters();
  }
  /** Infers `inChannels` at the first call, then runs as `ConvTranspose3d`. */
  override forward(input: Tensor, outputSize?: readonly number[] | null): Tensor {
    if (this.inChannels === 0) this.initializeParameters(input);
    return super.forward(input, outputSize);
  }
  /** Gives the weight its shape from `input`'s channels and initialises the parameters. */
  initializeParameters(input: Tensor): void {
    materializeConv(this, "LazyConvTranspose3d", input, true, ConvTranspose3d.prototype);
  }
}

/** A norm layer built with 1 feature, reduced to 0 (uninitialised) features. */
function emptyNorm(m: BatchNormBase): void {
  (m as { numFeatures: number }).numFeatures = 0;
  resizeNorm(m, 0);
}

/** The norm's parameters and running statistics with `c` channels (contents set by resetParameters). */
function resizeNorm(m: BatchNormBase, c: number): void {
  for (const t of [m.weight, m.bias]) {
    if (t) setTensorData(t, empty([c], { dtype: t.dtype, device: t.device }));
  }
  const mean = m.runningMean, v = m.runningVar;
  if (mean) setTensorData(mean, zeros([c], { dtype: mean.dtype, device: mean.device }));
  if (v) setTensorData(v, ones([c], { dtype: v.dtype, device: v.device }));
}

/**
 * Infers a lazy norm's `numFeatures` from `input`'s channels (dim `channelDim`), turns it into
 * `proto`'s class and initialises it. Unlike PyTorch 1.13, which leaves `num_features` 0 when
 * the module has neither affine parameters nor running statistics, the count is always set.
 */
function materializeNorm(
  m: BatchNormBase,
  op: string,
  input: Tensor,
  channelDim: number,
  proto: object,
): void {
  const c = input.shape[channelDim];
  if (!c) {
    throw new RangeError(`${op}: cannot infer num_features from an input of shape ${fmtShape(input.shape)}`);
  }
  (m as { numFeatures: number }).numFeatures = c;
  resizeNorm(m, c);
  Object.setPrototypeOf(m, proto);
  m.resetParameters();
}

/** The batch-norm input's rank checked as `proto`'s `_checkInputDim` would (before inferring). */
function checkBatchNormInput(op: string, input: unknown, ranks: number[]): asserts input is Tensor {
  if (!(input instanceof Tensor) || !ranks.includes(input.ndim)) {
    throw new RangeError(
      `${op}: expected ${ranks.map((r) => `${r}D`).join(" or ")} input, got ${
        input instanceof Tensor ? `shape ${fmtShape(input.shape)}` : typeof input
      }`,
    );
  }
}

/**
 * A `BatchNorm1d` whose `numFeatures` is inferred from dim 1 of its first input (PyTorch's
 * `nn.LazyBatchNorm1d`); then it is a `BatchNorm1d`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const bn = new nn.LazyBatchNorm1d();
 * assertEquals(Object.values(bn.stateDict()).map((t) => t.shape), [[0], [0], [0], [0], []]);
 * bn(torch.randn(8, 3));
 * assertEquals([bn instanceof nn.BatchNorm1d, bn.numFeatures, bn.weight!.shape], [true, 3, [3]]);
 * ```
 */
export class LazyBatchNorm1d extends BatchNorm1d {
  /** Creates the module; the options are `BatchNorm1d`'s. */
  constructor(opts: BatchNormOptions = {}) {
    super(1, opts);
    emptyNorm(this);
  }
  /** Whether the parameters still wait for the first input. */
  hasUninitializedParams(): boolean {
    return this.numFeatures === 0;
  }
  /** Infers `numFeatures` at the first call, then runs as `BatchNorm1d`. */
  override forward(input: Tensor): Tensor {
    if (this.numFeatures === 0) this.initializeParameters(input);
    return super.forward(input);
  }
  /** Gives the parameters and running statistics their shape from `input`'s dim 1. */
  initializeParameters(input: Tensor): void {
    checkBatchNormInput("LazyBatchNorm1d", input, [2, 3]);
    materializeNorm(this, "LazyBatchNorm1d", input, 1, BatchNorm1d.prototype);
  }
}

/**
 * A `BatchNorm2d` whose `numFeatures` is inferred from dim 1 of its first input (PyTorch's
 * `nn.LazyBatchNorm2d`); then it is a `BatchNorm2d`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const bn = new nn.LazyBatchNorm2d();
 * bn(torch.randn(2, 4, 3, 3));
 * assertEquals(String(bn), "BatchNorm2d(4, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)");
 * ```
 */
export class LazyBatchNorm2d extends BatchNorm2d {
  /** Creates the module; the options are `BatchNorm2d`'s. */
  constructor(opts: BatchNormOptions = {}) {
    super(1, opts);
    emptyNorm(this);
  }
  /** Whether the parameters still wait for the first input. */
  hasUninitializedParams(): boolean {
    return this.numFeatures === 0;
  }
  /** Infers `numFeatures` at the first call, then runs as `BatchNorm2d`. */
  override forward(input: Tensor): Tensor {
    if (this.numFeatures === 0) this.initializeParameters(input);
    return super.forward(input);
  }
  /** Gives the parameters and running statistics their shape from `input`'s dim 1. */
  initializeParameters(input: Tensor): void {
    checkBatchNormInput("LazyBatchNorm2d", input, [4]);
    materializeNorm(this, "LazyBatchNorm2d", input, 1, BatchNorm2d.prototype);
  }
}

/**
 * A `BatchNorm3d` whose `numFeatures` is inferred from dim 1 of its first input (PyTorch's
 * `nn.LazyBatchNorm3d`); then it is a `BatchNorm3d`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const bn = new nn.LazyBatchNorm3d({ affine: false });
 * bn(torch.randn(2, 3, 2, 2, 2));
 * assertEquals([bn.numFeatures, bn.weight, bn.runningMean!.shape], [3, null, [3]]);
 * ```
 */
export class LazyBatchNorm3d extends BatchNorm3d {
  /** Creates the module; the options are `BatchNorm3d`'s. */
  constructor(opts: BatchNormOptions = {}) {
    super(1, opts);
    emptyNorm(this);
  }
  /** Whether the parameters still wait for the first input. */
  hasUninitializedParams(): boolean {
    return this.numFeatures === 0;
  }
  /** Infers `numFeatures` at the first call, then runs as `BatchNorm3d`. */
  override forward(input: Tensor): Tensor {
    if (this.numFeatures === 0) this.initializeParameters(input);
    return super.forward(input);
  }
  /** Gives the parameters and running statistics their shape from `input`'s dim 1. */
  initializeParameters(input: Tensor): void {
    checkBatchNormInput("LazyBatchNorm3d", input, [5]);
    materializeNorm(this, "LazyBatchNorm3d", input, 1, BatchNorm3d.prototype);
  }
}

/** PyTorch 1.13's lazy instance norms default to affine parameters and running statistics. */
function lazyInstanceDefaults(opts: BatchNormOptions): BatchNormOptions {
  return { ...opts, affine: opts.affine ?? true, trackRunningStats: opts.trackRunningStats ?? true };
}

/** The channel dim of an instance-norm input with `spatial` spatial dims (0 when unbatched). */
function instanceChannelDim(op: string, input: unknown, spatial: number): number {
  inputChannels(op, input, spatial); // checks the rank
  return (input as Tensor).ndim === spatial + 2 ? 1 : 0;
}

/**
 * An `InstanceNorm1d` whose `numFeatures` is inferred from the channels of its first input
 * (PyTorch's `nn.LazyInstanceNorm1d`; as there, `affine` and `trackRunningStats` default to
 * true); then it is an `InstanceNorm1d`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const norm = new nn.LazyInstanceNorm1d();
 * norm(torch.randn(2, 3, 7));
 * assertEquals(String(norm), "InstanceNorm1d(3, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)");
 * ```
 */
export class LazyInstanceNorm1d extends InstanceNorm1d {
  /** Creates the module; the options are `InstanceNorm1d`'s (with PyTorch's lazy defaults). */
  constructor(opts: BatchNormOptions = {}) {
    super(1, lazyInstanceDefaults(opts));
    emptyNorm(this);
  }
  /** Whether the parameters still wait for the first input. */
  hasUninitializedParams(): boolean {
    return this.numFeatures === 0;
  }
  /** Infers `numFeatures` at the first call, then runs as `InstanceNorm1d`. */
  override forward(input: Tensor): Tensor {
    if (this.numFeatures === 0) this.initializeParameters(input);
    return super.forward(input);
  }
  /** Gives the parameters and running statistics their shape from `input`'s channels. */
  initializeParameters(input: Tensor): void {
    const dim = instanceChannelDim("LazyInstanceNorm1d", input, 1);
    materializeNorm(this, "LazyInstanceNorm1d", input, dim, InstanceNorm1d.prototype);
  }
}

/**
 * An `InstanceNorm2d` whose `numFeatures` is inferred from the channels of its first input
 * (PyTorch's `nn.LazyInstanceNorm2d`; as there, `affine` and `trackRunningStats` default to
 * true); then it is an `InstanceNorm2d`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const norm = new nn.LazyInstanceNorm2d({ affine: false, trackRunningStats: false });
 * assertEquals(norm(torch.randn(3, 4, 4)).shape, [3, 4, 4]);
 * assertEquals(norm.numFeatures, 3);
 * ```
 */
export class LazyInstanceNorm2d extends InstanceNorm2d {
  /** Creates the module; the options are `InstanceNorm2d`'s (with PyTorch's lazy defaults). */
  constructor(opts: BatchNormOptions = {}) {
    super(1, lazyInstanceDefaults(opts));
    emptyNorm(this);
  }
  /** Whether the parameters still wait for the first input. */
  hasUninitializedParams(): boolean {
    return this.numFeatures === 0;
  }
  /** Infers `numFeatures` at the first call, then runs as `InstanceNorm2d`. */
  override forward(input: Tensor): Tensor {
    if (this.numFeatures === 0) this.initializeParameters(input);
    return super.forward(input);
  }
  /** Gives the parameters and running statistics their shape from `input`'s channels. */
  initializeParameters(input: Tensor): void {
    const dim = instanceChannelDim("LazyInstanceNorm2d", input, 2);
    materializeNorm(this, "LazyInstanceNorm2d", input, dim, InstanceNorm2d.prototype);
  }
}

/**
 * An `InstanceNorm3d` whose `numFeatures` is inferred from the channels of its first input
 * (PyTorch's `nn.LazyInstanceNorm3d`; as there, `affine` and `trackRunningStats` default to
 * true); then it is an `InstanceNorm3d`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const norm = new nn.LazyInstanceNorm3d();
 * norm(torch.randn(1, 2, 3, 3, 3));
 * assertEquals([norm.weight!.shape, norm.runningVar!.shape], [[2], [2]]);
 * ```
 */
export class LazyInstanceNorm3d extends InstanceNorm3d {
  /** Creates the module; the options are `InstanceNorm3d`'s (with PyTorch's lazy defaults). */
  constructor(opts: BatchNormOptions = {}) {
    super(1, lazyInstanceDefaults(opts));
    emptyNorm(this);
  }
  /** Whether the parameters still wait for the first input. */
  hasUninitializedParams(): boolean {
    return this.numFeatures === 0;
  }
  /** Infers `numFeatures` at the first call, then runs as `InstanceNorm3d`. */
  override forward(input: Tensor): Tensor {
    if (this.numFeatures === 0) this.initializeParameters(input);
    return super.forward(input);
  }
  /** Gives the parameters and running statistics their shape from `input`'s channels. */
  initializeParameters(input: Tensor): void {
    const dim = instanceChannelDim("LazyInstanceNorm3d", input, 3);
    materializeNorm(this, "LazyInstanceNorm3d", input, dim, InstanceNorm3d.prototype);
  }
}
