/**
 * `BatchNorm1d`, `BatchNorm2d` and `LayerNorm`.
 * @module
 */
import { Tensor } from "../../tensor.ts";
import type { Device } from "../../backends/backend.ts";
import { type DType, getDefaultDtype } from "../../dtype.ts";
import { fmtShape } from "../../shape.ts";
import { empty, ones, zeros } from "../../creation.ts";
import { noGrad } from "../../autograd/grad_mode.ts";
import { Module, Parameter, pyBool, pyFloat } from "../module.ts";
import * as F from "../functional.ts";
import * as init from "../init.ts";

/** Options of `BatchNorm1d` and `BatchNorm2d`. */
export interface BatchNormOptions {
  /** Added to the variance (default 1e-5). */
  eps?: number;
  /** Weight of each new batch in the running statistics (default 0.1; null: a cumulative average). */
  momentum?: number | null;
  /** Learnable per-channel `weight` and `bias` (default true). */
  affine?: boolean;
  /** Keep running statistics and use them in eval mode (default true). */
  trackRunningStats?: boolean;
  /** Where the parameters and buffers live (default "cpu"). */
  device?: Device;
  /** The parameters' dtype (default float32). */
  dtype?: DType;
}

/**
 * The shared implementation of `BatchNorm1d`/`BatchNorm2d`: per-channel normalization over
 * dim 1, with batch statistics in training and the running ones (buffers `running_mean`,
 * `running_var`, `num_batches_tracked`) in eval mode. It accepts any `[N, C, ...]` input.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const bn = new nn.BatchNormBase(2, { momentum: null }); // cumulative running averages
 * bn(torch.randn(4, 2, 3, 3, 3));
 * assertEquals(bn.numBatchesTracked!.item(), 1);
 * ```
 */
export class BatchNormBase extends Module {
  /** Number of channels C. */
  readonly numFeatures: number;
  /** Added to the variance. */
  eps: number;
  /** Weight of each new batch in the running statistics (null: cumulative average). */
  momentum: number | null;
  /** Whether `weight` and `bias` exist. */
  readonly affine: boolean;
  /** Whether running statistics are kept. */
  readonly trackRunningStats: boolean;
  /** `[C]` scale, or null without affine. */
  weight: Parameter | null;
  /** `[C]` shift, or null without affine. */
  bias: Parameter | null;
  /** @internal Training batches seen (mirrors num_batches_tracked where reading it is asynchronous). */
  declare _batches: number;

  /** Creates the module; the arguments are described on the class. */
  constructor(numFeatures: number, opts: BatchNormOptions = {}) {
    super();
    Object.defineProperty(this, "_batches", { value: 0, writable: true, enumerable: false });
    if (!Number.isInteger(numFeatures) || numFeatures <= 0) {
      throw new TypeError(`${this._getName()}: numFeatures must be a positive integer, got ${numFeatures}`);
    }
    this.numFeatures = numFeatures;
    this.eps = opts.eps ?? 1e-5;
    this.momentum = opts.momentum === undefined ? 0.1 : opts.momentum;
    this.affine = opts.affine ?? true;
    this.trackRunningStats = opts.trackRunningStats ?? true;
    const dtype = opts.dtype ?? getDefaultDtype();
    this.weight = this.affine ? new Parameter(empty([numFeatures], { dtype })) : null;
    this.bias = this.affine ? new Parameter(empty([numFeatures], { dtype })) : null;
    if (this.trackRunningStats) {
      this.registerBuffer("running_mean", zeros([numFeatures], { dtype }));
      this.registerBuffer("running_var", ones([numFeatures], { dtype }));
      this.registerBuffer("num_batches_tracked", zeros([], { dtype: "int32" }));
    } else {
      this.registerBuffer("running_mean", null);
      this.registerBuffer("running_var", null);
      this.registerBuffer("num_batches_tracked", null);
    }
    this.resetParameters();
    if (opts.device && opts.device !== "cpu") this.to(opts.device);
  }

  /** The running mean buffer (`running_mean`), or null without running statistics. */
  get runningMean(): Tensor | null {
    return this._buffers.get("running_mean") ?? null;
  }
  /** The running variance buffer (`running_var`), or null without running statistics. */
  get runningVar(): Tensor | null {
    return this._buffers.get("running_var") ?? null;
  }
  /** How many training batches updated the running statistics (`num_batches_tracked`). */
  get numBatchesTracked(): Tensor | null {
    return this._buffers.get("num_batches_tracked") ?? null;
  }

  /** Resets the running statistics to mean 0, variance 1, 0 batches. */
  resetRunningStats(): void {
    noGrad(() => {
      this.runningMean?.zero_();
      this.runningVar?.fill_(1);
      this.numBatchesTracked?.zero_();
    });
    this._batches = 0;
  }

  /**
   * @internal Keeps the JS mirror of `num_batches_tracked` (used off the CPU, where reading the
   * buffer is asynchronous) in step with a loaded value when that value is on the CPU.
   */
  override _afterLoadStateDict(sources: Map<Tensor, Tensor>): void {
    const nbt = this.numBatchesTracked;
    const src = nbt ? sources.get(nbt) : undefined;
    if (src && src.device === "cpu") this._batches = Number(src.item());
  }

  /** Resets the running statistics and sets weight to 1 and bias to 0. */
  resetParameters(): void {
    this.resetRunningStats();
    if (this.weight) init.ones_(this.weight);
    if (this.bias) init.zeros_(this.bias);
  }

  /** @internal Throws unless the input has the dims this layer expects. */
  _checkInputDim(_input: Tensor): void {}

  /** Applies the module to its input (see the class docs). */
  override forward(input: Tensor): Tensor {
    this._checkInputDim(input);
    if (input.ndim >= 2 && input.shape[1] !== this.numFeatures) {
      throw new RangeError(
        `${this._getName()}: expected input with ${this.numFeatures} channels in dim 1, got shape ${
          fmtShape(input.shape)
        }`,
      );
    }
    const factor = this._momentumFactor();
    const useBatchStats = this.training || (this.runningMean === null && this.runningVar === null);
    const track = !this.training || this.trackRunningStats;
    return F.batchNorm(input, track ? this.runningMean : null, track ? this.runningVar : null, {
      weight: this.weight,
      bias: this.bias,
      training: useBatchStats,
      momentum: factor,
      eps: this.eps,
    });
  }

  /**
   * @internal The weight of this step's statistics in the running ones; in training with running
   * statistics it also counts the batch in `num_batches_tracked`.
   */
  _momentumFactor(): number {
    let factor = this.momentum ?? 0;
    if (this.training && this.trackRunningStats) {
      const nbt = this.numBatchesTracked;
      if (nbt) {
        noGrad(() => nbt.add_(1));
        // A cumulative average weighs batch k by 1/k. Off the CPU, reading the counter would be
        // asynchronous, so a count kept in JS (since construction) stands in for it.
        this._batches = nbt.device === "cpu" ? Number(nbt.item()) : this._batches + 1;
        if (this.momentum === null) factor = 1 / this._batches;
      }
    }
    return factor;
  }

  /** The arguments printed inside `BatchNormBase(...)`, as PyTorch's `extra_repr`. */
  override extraRepr(): string {
    const m = this.momentum === null ? "None" : pyFloat(this.momentum);
    return `${this.numFeatures}, eps=${pyFloat(this.eps)}, momentum=${m}, affine=${pyBool(this.affine)}, ` +
      `track_running_stats=${pyBool(this.trackRunningStats)}`;
  }
}

/**
 * Batch normalization of `[N, C]` or `[N, C, L]` input.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const bn = new nn.BatchNorm1d(3);
 * bn(torch.randn(8, 3)); // training: normalizes with the batch, updates running stats
 * assertEquals(Object.keys(bn.stateDict()), ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]);
 * bn.eval();
 * console.log(bn(torch.randn(2, 3)).shape); // [2, 3], using the running stats
 * ```
 */
export class BatchNorm1d extends BatchNormBase {
  /** @internal */
  override _checkInputDim(input: Tensor): void {
    if (input.ndim !== 2 && input.ndim !== 3) {
      throw new RangeError(
        `BatchNorm1d: expected 2D or 3D input (got ${input.ndim}D input of shape ${fmtShape(input.shape)})`,
      );
    }
  }
}

/**
 * Batch normalization of `[N, C, H, W]` input.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const bn = new nn.BatchNorm2d(4);
 * assertEquals(bn(torch.randn(2, 4, 5, 5)).shape, [2, 4, 5, 5]);
 * ```
 */
export class BatchNorm2d extends BatchNormBase {
  /** @internal */
  override _checkInputDim(input: Tensor): void {
    if (input.ndim !== 4) {
      throw new RangeError(
        `BatchNorm2d: expected 4D input (got ${input.ndim}D input of shape ${fmtShape(input.shape)})`,
      );
    }
  }
}

/**
 * The shared implementation of `InstanceNorm1d`/`2d`/`3d` (`F.instanceNorm` with the module's
 * parameters and buffers): each sample's channels
 * normalized over their own positions. Defaults differ from batch norm: no affine and no running
 * statistics; with `trackRunningStats`, training updates running averages of the per-instance
 * statistics and eval uses them (as PyTorch, by batch-normalizing the `[1, N·C, ...]` view).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const norm = new nn.InstanceNormBase(2, 3, { trackRunningStats: true }); // what InstanceNorm2d is
 * norm(torch.randn(2, 3, 4, 4));
 * assertEquals(norm.runningMean!.shape, [3]);
 * ```
 */
export class InstanceNormBase extends BatchNormBase {
  /** Spatial dims of a batched input (1 or 2). */
  readonly #spatial: number;
  /** Creates the module; the arguments are described on the class. */
  constructor(spatial: number, numFeatures: number, opts: BatchNormOptions = {}) {
    super(numFeatures, {
      ...opts,
      affine: opts.affine ?? false,
      trackRunningStats: opts.trackRunningStats ?? false,
    });
    if (this.momentum === null) {
      throw new TypeError(
        `${this._getName()}: momentum must be a number (instance norm has no cumulative average)`,
      );
    }
    this.#spatial = spatial;
  }

  /** Applies the module to its input (see the class docs). */
  override forward(input: Tensor): Tensor {
    const name = this._getName();
    if (
      !(input instanceof Tensor) || (input.ndim !== this.#spatial + 1 && input.ndim !== this.#spatial + 2)
    ) {
      throw new RangeError(
        `${name}: expected ${this.#spatial + 1}D (unbatched) or ${this.#spatial + 2}D (batched) input, got ${
          input instanceof Tensor ? fmtShape(input.shape) : typeof input
        }`,
      );
    }
    const x = input.ndim === this.#spatial + 1 ? input.unsqueeze(0) : input;
    if (x.shape[1] !== this.numFeatures) {
      throw new RangeError(
        `${name}: expected input with ${this.numFeatures} channels, got shape ${fmtShape(input.shape)}`,
      );
    }
    // As PyTorch, instance norm never counts batches in num_batches_tracked.
    const out = F.instanceNorm(x, {
      runningMean: this.runningMean,
      runningVar: this.runningVar,
      weight: this.weight,
      bias: this.bias,
      useInputStats: this.training || !this.trackRunningStats,
      momentum: this.momentum as number,
      eps: this.eps,
    });
    return input.ndim === this.#spatial + 1 ? out.squeeze(0) : out;
  }
}

/**
 * Instance normalization of `[N, C, L]` (or `[C, L]`) input.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const norm = new nn.InstanceNorm1d(3);
 * assertEquals([norm(torch.randn(2, 3, 8)).shape, String(norm)], [[2, 3, 8], "InstanceNorm1d(3, eps=1e-05, momentum=0.1, affine=False, track_running_stats=False)"]);
 * ```
 */
export class InstanceNorm1d extends InstanceNormBase {
  /** Creates the module; the arguments are described on the class. */
  constructor(numFeatures: number, opts: BatchNormOptions = {}) {
    super(1, numFeatures, opts);
  }
}

/**
 * Instance normalization of `[N, C, H, W]` (or `[C, H, W]`) input, as in style transfer.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const norm = new nn.InstanceNorm2d(4, { affine: true });
 * assertEquals(norm(torch.randn(2, 4, 5, 5)).shape, [2, 4, 5, 5]);
 * ```
 */
export class InstanceNorm2d extends InstanceNormBase {
  /** Creates the module; the arguments are described on the class. */
  constructor(numFeatures: number, opts: BatchNormOptions = {}) {
    super(2, numFeatures, opts);
  }
}

/** Options of `LayerNorm`. */
export interface LayerNormOptions {
  /** Added to the variance (default 1e-5). */
  eps?: number;
  /** Learnable `weight` (and `bias`) of the normalized shape (default true). */
  elementwiseAffine?: boolean;
  /** Whether the affine part has a bias (default true). */
  bias?: boolean;
  /** Where the parameters live (default "cpu"). */
  device?: Device;
  /** The parameters' dtype (default float32). */
  dtype?: DType;
}

/**
 * Layer normalization over the trailing `normalizedShape` dims of each sample.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const ln = new nn.LayerNorm(10);
 * assertEquals(ln(torch.randn(4, 10)).shape, [4, 10]);
 * assertEquals(String(ln), "LayerNorm((10,), eps=1e-05, elementwise_affine=True)");
 * ```
 */
export class LayerNorm extends Module {
  /** The trailing dims normalized over. */
  readonly normalizedShape: number[];
  /** Added to the variance. */
  eps: number;
  /** Whether `weight`/`bias` exist. */
  readonly elementwiseAffine: boolean;
  /** Scale of the normalized shape, or null. */
  weight: Parameter | null;
  /** Shift of the normalized shape, or null. */
  bias: Parameter | null;

  /** Creates the module; the arguments are described on the class. */
  constructor(normalizedShape: number | readonly number[], opts: LayerNormOptions = {}) {
    super();
    this.normalizedShape = typeof normalizedShape === "number" ? [normalizedShape] : [...normalizedShape];
    if (this.normalizedShape.some((s) => !Number.isInteger(s) || s < 0)) {
      throw new TypeError(
        `LayerNorm: normalizedShape must hold non-negative integers, got ${JSON.stringify(normalizedShape)}`,
      );
    }
    this.eps = opts.eps ?? 1e-5;
    this.elementwiseAffine = opts.elementwiseAffine ?? true;
    const dtype = opts.dtype ?? getDefaultDtype();
    this.weight = this.elementwiseAffine ? new Parameter(ones(this.normalizedShape, { dtype })) : null;
    this.bias = this.elementwiseAffine && opts.bias !== false
      ? new Parameter(zeros(this.normalizedShape, { dtype }))
      : null;
    if (opts.device && opts.device !== "cpu") this.to(opts.device);
  }

  /** Sets weight to 1 and bias to 0. */
  resetParameters(): void {
    if (this.weight) init.ones_(this.weight);
    if (this.bias) init.zeros_(this.bias);
  }

  /** `F.layerNorm(input, this.normalizedShape, { weight: this.weight, bias: this.bias, eps: this.eps })`. */
  override forward(input: Tensor): Tensor {
    return F.layerNorm(input, this.normalizedShape, { weight: this.weight, bias: this.bias, eps: this.eps });
  }

  /** The arguments printed inside `LayerNorm(...)`, as PyTorch's `extra_repr`. */
  override extraRepr(): string {
    const s = this.normalizedShape;
    return `(${s.join(", ")}${s.length === 1 ? "," : ""}), eps=${pyFloat(this.eps)}, ` +
      `elementwise_affine=${pyBool(this.elementwiseAffine)}`;
  }
}
