/**
 * Fractional max pooling layers: `FractionalMaxPool2d`, `FractionalMaxPool3d` (the module forms
 * of `F.fractionalMaxPool2d` / `3d`). As PyTorch's, the optional fixed samples are the buffer
 * `_random_samples` (in `stateDict()` when given); without them each call draws new ones.
 * @module
 */
import type { Tensor } from "../../tensor.ts";
import { Module } from "../module.ts";
import {
  fractionalMaxPool2d,
  fractionalMaxPool3d,
  type FractionalMaxPoolOptions,
} from "../../ops/fractional_pool.ts";

/** Options of `FractionalMaxPool2d` / `FractionalMaxPool3d` (PyTorch's keyword arguments). */
export interface FractionalMaxPoolModuleOptions<R extends boolean = boolean>
  extends Omit<FractionalMaxPoolOptions, "returnIndices"> {
  /** Return `[values, indices]` from `forward`. */
  returnIndices?: R;
}

/**
 * What `FractionalMaxPool2d` and `FractionalMaxPool3d` share: the arguments, checked as PyTorch's
 * constructors check them.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as nn from "../mod.ts";
 * const pool: nn.FractionalMaxPoolNd = new nn.FractionalMaxPool3d(2, { outputRatio: 0.5 });
 * assertEquals([pool.kernelSize, pool.outputRatio, pool.outputSize], [[2, 2, 2], [0.5, 0.5, 0.5], null]);
 * ```
 */
export abstract class FractionalMaxPoolNd<R extends boolean = false> extends Module {
  /** The window size, one per spatial dim. */
  readonly kernelSize: number[];
  /** The output size, one per spatial dim (or null when `outputRatio` gives it). */
  readonly outputSize: number[] | null;
  /** The output size as a fraction of the input's, one per spatial dim (or null). */
  readonly outputRatio: number[] | null;
  /** Whether `forward` returns `[values, indices]`. */
  readonly returnIndices: R;
  /** Creates the module; `d` is the number of spatial dims. */
  constructor(
    name: string,
    d: number,
    kernelSize: number | readonly number[],
    opts: FractionalMaxPoolModuleOptions<R>,
  ) {
    super();
    const per = (v: number | readonly number[]) => (typeof v === "number" ? new Array(d).fill(v) : [...v]);
    this.kernelSize = per(kernelSize);
    this.returnIndices = (opts.returnIndices ?? false) as R;
    this.registerBuffer("_random_samples", opts.randomSamples ?? null);
    const { outputSize = null, outputRatio = null } = opts;
    this.outputSize = outputSize === null ? null : per(outputSize);
    this.outputRatio = outputRatio === null ? null : per(outputRatio);
    if (outputSize === null && outputRatio === null) {
      throw new TypeError(`${name}: requires specifying either an output size, or a pooling ratio`);
    }
    if (outputSize !== null && outputRatio !== null) {
      throw new TypeError(`${name}: only one of outputSize and outputRatio may be specified`);
    }
    if (this.outputRatio !== null && !this.outputRatio.every((r) => r > 0 && r < 1)) {
      throw new RangeError(
        `${name}: outputRatio must be between 0 and 1 (got ${JSON.stringify(outputRatio)})`,
      );
    }
  }
  /** The options of the functional call. */
  protected callOptions(): FractionalMaxPoolOptions {
    return {
      outputSize: this.outputSize,
      outputRatio: this.outputRatio,
      randomSamples: this._buffers.get("_random_samples") ?? null,
    };
  }
}

/**
 * 2-d fractional max pooling (PyTorch's `nn.FractionalMaxPool2d(kernel_size, output_size,
 * output_ratio, return_indices, _random_samples)`, the keyword arguments as options); see
 * `F.fractionalMaxPool2d`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const pool = new nn.FractionalMaxPool2d(3, { outputRatio: [0.5, 0.5] });
 * assertEquals([pool(torch.randn(2, 4, 10, 8)).shape, String(pool)], [[2, 4, 5, 4], "FractionalMaxPool2d()"]);
 * ```
 */
export class FractionalMaxPool2d<R extends boolean = false> extends FractionalMaxPoolNd<R> {
  /** Creates the module; the arguments are described on the class. */
  constructor(kernelSize: number | readonly number[], opts: FractionalMaxPoolModuleOptions<R>) {
    super("FractionalMaxPool2d", 2, kernelSize, opts);
  }
  /** `[N, C, H, W]` (or `[C, H, W]`) to the pooled size (and the indices with `returnIndices`). */
  override forward(input: Tensor): R extends true ? [Tensor, Tensor] : Tensor {
    return fractionalMaxPool2d(input, this.kernelSize, {
      ...this.callOptions(),
      returnIndices: this.returnIndices,
    }) as R extends true ? [Tensor, Tensor]
      : Tensor;
  }
}

/**
 * 3-d fractional max pooling (PyTorch's `nn.FractionalMaxPool3d`); see `F.fractionalMaxPool3d`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const pool = new nn.FractionalMaxPool3d(2, { outputSize: [2, 3, 3], returnIndices: true });
 * const [values, indices] = pool(torch.randn(1, 2, 5, 6, 6));
 * assertEquals([values.shape, indices.dtype], [[1, 2, 2, 3, 3], "int32"]);
 * ```
 */
export class FractionalMaxPool3d<R extends boolean = false> extends FractionalMaxPoolNd<R> {
  /** Creates the module; the arguments are described on the class. */
  constructor(kernelSize: number | readonly number[], opts: FractionalMaxPoolModuleOptions<R>) {
    super("FractionalMaxPool3d", 3, kernelSize, opts);
  }
  /** `[N, C, T, H, W]` (or `[C, T, H, W]`) to the pooled size (and the indices with `returnIndices`). */
  override forward(input: Tensor): R extends true ? [Tensor, Tensor] : Tensor {
    return fractionalMaxPool3d(input, this.kernelSize, {
      ...this.callOptions(),
      returnIndices: this.returnIndices,
    }) as R extends true ? [Tensor, Tensor]
      : Tensor;
  }
}
