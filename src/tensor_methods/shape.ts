/**
 * `Tensor`'s shape methods (`x.view(2, 3)`, `x.transpose(0, 1)`, `x.T`, `x.squeeze()`,
 * `x.repeat(2, 1)`, `x.split(2)`, ...): views where PyTorch gives views, each calling its op in
 * `ops/movement.ts`, `ops/rearrange.ts` or `ops/indexing.ts`. `Tensor` extends the
 * `TensorShapeMethods` interface declared here; `tensor.ts` installs the bodies on
 * `Tensor.prototype` (see its module doc).
 * @module
 */
import type { Tensor } from "../tensor.ts";
import * as mv from "../ops/movement.ts";
import * as ix from "../ops/indexing.ts";
import * as ra from "../ops/rearrange.ts";

/**
 * @internal `result`, or an alias of `t` (its own handle on the storage) when an op gave `t`
 * itself back.
 */
export function aliasIfSame(t: Tensor, result: Tensor): Tensor {
  return result === t ? mv.alias(t) : result;
}

/**
 * The shape methods of every `Tensor`: views (`view`, `transpose`, `permute`, `expand`, ...),
 * rearrangements (`flip`, `repeat`, `roll`, `diagonal`, ...), copies and splits.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.arange(6).view(2, 3);
 * assertEquals(x.T.shape, [3, 2]);
 * assertEquals(x.unsqueeze(0).shape, [1, 2, 3]);
 * assertEquals(x.flip(1).toArray(), [[2, 1, 0], [5, 4, 3]]);
 * assertEquals(x.split(1).map((t) => t.toArray()), [[[0, 1, 2]], [[3, 4, 5]]]);
 * ```
 */
export interface TensorShapeMethods {
  /** `torch.view(this, ...shape)`. */
  view(...shape: (number | readonly number[])[]): Tensor;
  /** `torch.reshape(this, ...shape)`. */
  reshape(...shape: (number | readonly number[])[]): Tensor;
  /** `torch.view(this, other.shape)`. */
  viewAs(other: Tensor): Tensor;
  /** `torch.reshape(this, other.shape)`. */
  reshapeAs(other: Tensor): Tensor;
  /** `torch.transpose(this, dim0, dim1)`. */
  transpose(dim0: number, dim1: number): Tensor;
  /** Transpose of a tensor of at most 2 dims (PyTorch's `.T`). */
  get T(): Tensor;
  /** Transpose of the last two dims (PyTorch's `.mT`). */
  get mT(): Tensor;
  /** `torch.t(this)`. */
  t(): Tensor;
  /** `torch.permute(this, ...dims)`. */
  permute(...dims: (number | readonly number[])[]): Tensor;
  /** `torch.squeeze(this, dim)`. */
  squeeze(dim?: number | readonly number[]): Tensor;
  /** `torch.unsqueeze(this, dim)`. */
  unsqueeze(dim: number): Tensor;
  /** `torch.expand(this, ...shape)`. */
  expand(...shape: (number | readonly number[])[]): Tensor;
  /** `torch.expand(this, other.shape)`. */
  expandAs(other: Tensor): Tensor;
  /** `torch.flatten(this, startDim, endDim)`. */
  flatten(startDim?: number, endDim?: number): Tensor;
  /** `torch.unflatten(this, dim, sizes)`. */
  unflatten(dim: number, sizes: readonly number[]): Tensor;
  /** `torch.narrow(this, dim, start, length)`. */
  narrow(dim: number, start: number, length: number): Tensor;
  /** `torch.flip(this, dims)`. */
  flip(dims: number | readonly number[]): Tensor;
  /** `torch.repeat(this, ...sizes)`: tiles the tensor `sizes[i]` times along each dim. */
  repeat(...sizes: (number | readonly number[])[]): Tensor;
  /** `torch.tile(this, dims)`. */
  tile(dims: readonly number[]): Tensor;
  /** `torch.repeat_interleave(this, repeats, dim)`: each element repeated next to itself. */
  repeatInterleave(repeats: number | readonly number[] | Tensor, dim?: number): Tensor;
  /** `torch.roll(this, shifts, dims)`: elements shifted cyclically. */
  roll(shifts: number | readonly number[], dims?: number | readonly number[]): Tensor;
  /** `torch.movedim(this, source, destination)`. */
  movedim(source: number | readonly number[], destination: number | readonly number[]): Tensor;
  /** `torch.swapaxes(this, axis0, axis1)` (a transpose of two dims). */
  swapaxes(axis0: number, axis1: number): Tensor;
  /** `torch.swapdims(this, dim0, dim1)` (a transpose of two dims). */
  swapdims(dim0: number, dim1: number): Tensor;
  /** The `offset` diagonal of dims `dim1`, `dim2`, as a view in the last dim. */
  diagonal(offset?: number, dim1?: number, dim2?: number): Tensor;
  /** `torch.diag(this, diagonal)`: a 1-d tensor's diagonal matrix, or a matrix's diagonal. */
  diag(diagonal?: number): Tensor;
  /** `torch.trace(this)`: the sum of a matrix's diagonal. */
  trace(): Tensor;
  /** A contiguous tensor with these elements (an alias sharing the storage when this one is). */
  contiguous(): Tensor;
  /** `torch.clone(this)`. */
  clone(): Tensor;
  /** `torch.split(this, splitSize, dim)`. */
  split(splitSize: number | readonly number[], dim?: number): Tensor[];
  /** `torch.chunk(this, chunks, dim)`. */
  chunk(chunks: number, dim?: number): Tensor[];
  /** `torch.unbind(this, dim)`. */
  unbind(dim?: number): Tensor[];
}

/**
 * @internal The bodies of `TensorShapeMethods`, for `tensor.ts` to install on `Tensor.prototype`
 * (a function declaration, so it can be called whichever module of the import circle loads first).
 */
export function shapeMethods(): TensorShapeMethods & ThisType<Tensor> {
  return {
    view(...shape: (number | readonly number[])[]): Tensor {
      return mv.view(this, ...shape);
    },
    reshape(...shape: (number | readonly number[])[]): Tensor {
      return mv.reshape(this, ...shape);
    },
    viewAs(other: Tensor): Tensor {
      return mv.view(this, other.shape);
    },
    reshapeAs(other: Tensor): Tensor {
      return mv.reshape(this, other.shape);
    },
    transpose(dim0: number, dim1: number): Tensor {
      return mv.transpose(this, dim0, dim1);
    },
    get T(): Tensor {
      return this.ndim === 2 ? mv.permute(this, 1, 0) : mv.t(this);
    },
    get mT(): Tensor {
      return mv.transpose(this, -2, -1);
    },
    t(): Tensor {
      return mv.t(this);
    },
    permute(...dims: (number | readonly number[])[]): Tensor {
      return mv.permute(this, ...dims);
    },
    squeeze(dim?: number | readonly number[]): Tensor {
      return mv.squeeze(this, dim);
    },
    unsqueeze(dim: number): Tensor {
      return mv.unsqueeze(this, dim);
    },
    expand(...shape: (number | readonly number[])[]): Tensor {
      return mv.expand(this, ...shape);
    },
    expandAs(other: Tensor): Tensor {
      return mv.expand(this, other.shape);
    },
    flatten(startDim = 0, endDim = -1): Tensor {
      return mv.flatten(this, startDim, endDim);
    },
    unflatten(dim: number, sizes: readonly number[]): Tensor {
      return mv.unflatten(this, dim, sizes);
    },
    narrow(dim: number, start: number, length: number): Tensor {
      return mv.narrow(this, dim, start, length);
    },
    flip(dims: number | readonly number[]): Tensor {
      return ix.flip(this, dims);
    },
    repeat(...sizes: (number | readonly number[])[]): Tensor {
      return ra.repeat(this, ...sizes);
    },
    tile(dims: readonly number[]): Tensor {
      return ra.tile(this, dims);
    },
    repeatInterleave(repeats: number | readonly number[] | Tensor, dim?: number): Tensor {
      return ra.repeatInterleave(this, repeats, dim);
    },
    roll(shifts: number | readonly number[], dims?: number | readonly number[]): Tensor {
      return ra.roll(this, shifts, dims);
    },
    movedim(source: number | readonly number[], destination: number | readonly number[]): Tensor {
      return ra.movedim(this, source, destination);
    },
    swapaxes(axis0: number, axis1: number): Tensor {
      return ra.swapaxes(this, axis0, axis1);
    },
    swapdims(dim0: number, dim1: number): Tensor {
      return ra.swapaxes(this, dim0, dim1);
    },
    diagonal(offset = 0, dim1 = 0, dim2 = 1): Tensor {
      return ra.diagonal(this, offset, dim1, dim2);
    },
    diag(diagonal = 0): Tensor {
      return ra.diag(this, diagonal);
    },
    trace(): Tensor {
      return ra.trace(this);
    },
    contiguous(): Tensor {
      return aliasIfSame(this, mv.contiguous(this));
    },
    clone(): Tensor {
      return mv.clone(this);
    },
    split(splitSize: number | readonly number[], dim = 0): Tensor[] {
      return mv.split(this, splitSize, dim);
    },
    chunk(chunks: number, dim = 0): Tensor[] {
      return mv.chunk(this, chunks, dim);
    },
    unbind(dim = 0): Tensor[] {
      return mv.unbind(this, dim);
    },
  };
}
