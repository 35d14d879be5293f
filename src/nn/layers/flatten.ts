/**
 * `Flatten` and `Unflatten`.
 * @module
 */
import type { Tensor } from "../../tensor.ts";
import { Module } from "../module.ts";

/**
 * Merges dims `startDim..endDim` (default 1..-1: everything but the batch dim) into one.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * assertEquals(new nn.Flatten()(torch.zeros(2, 3, 4)).shape, [2, 12]);
 * ```
 */
export class Flatten extends Module {
  /** First dim to merge. */
  startDim: number;
  /** Last dim to merge. */
  endDim: number;
  /** Creates the module; the arguments are described on the class. */
  constructor(startDim = 1, endDim = -1) {
    super();
    this.startDim = startDim;
    this.endDim = endDim;
  }
  /** Applies the module to its input (see the class docs). */
  override forward(input: Tensor): Tensor {
    return input.flatten(this.startDim, this.endDim);
  }
  /** The arguments printed inside `Flatten(...)`, as PyTorch's `extra_repr`. */
  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}

/**
 * Splits dim `dim` into `sizes` (the inverse of `Flatten`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * assertEquals(new nn.Unflatten(1, [3, 4])(torch.zeros(2, 12)).shape, [2, 3, 4]);
 * ```
 */
export class Unflatten extends Module {
  /** The dim to split. */
  dim: number;
  /** The sizes it is split into. */
  unflattenedSize: number[];
  /** Creates the module; the arguments are described on the class. */
  constructor(dim: number, unflattenedSize: readonly number[]) {
    super();
    this.dim = dim;
    this.unflattenedSize = [...unflattenedSize];
  }
  /** Applies the module to its input (see the class docs). */
  override forward(input: Tensor): Tensor {
    return input.unflatten(this.dim, this.unflattenedSize);
  }
  /** The arguments printed inside `Unflatten(...)`, as PyTorch's `extra_repr`. */
  override extraRepr(): string {
    const s = this.unflattenedSize;
    return `dim=${this.dim}, unflattened_size=(${s.join(", ")}${s.length === 1 ? "," : ""})`;
  }
}
