/**
 * `Tensor`'s indexing methods: PyTorch's `x[...]` and `x[...] = v` (`x.index(...)`,
 * `x.set(...)`, `x.indexPut_(...)`), and the dim-wise ones (`gather`, `scatter`, `indexSelect`,
 * `indexAdd`, ..., `tril`/`triu`), each calling its op in `ops/`. `Tensor` extends the
 * `TensorIndexingMethods` interface declared here; `tensor.ts` installs the bodies on
 * `Tensor.prototype` (see its module doc).
 * @module
 */
import type { Tensor } from "../tensor.ts";
import * as ix from "../ops/indexing.ts";
import * as adv from "../ops/advanced_index.ts";
import * as sc from "../ops/scatter.ts";
import type { IndexArray, IndexSpec } from "../ops/movement.ts";

/**
 * The indexing methods of every `Tensor`: PyTorch's subscripts and their assignment, gather and
 * scatter along a dim, and the triangular masks.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.arange(6).view(2, 3);
 * assertEquals(x.index(":", 1).toArray(), [1, 4]);
 * assertEquals(x.gather(1, torch.tensor([[2], [0]])).toArray(), [[2], [3]]);
 * x.set(0, "1:", -1);
 * assertEquals(x.toArray(), [[0, -1, -1], [3, 4, 5]]);
 * ```
 */
export interface TensorIndexingMethods {
  /**
   * PyTorch indexing: `x.index(":", 0)` is `x[:, 0]`. Integers, slice strings, "..." and null give
   * a view; int32 tensors, arrays of integers and bool masks give a copy (advanced indexing).
   */
  index(...specs: IndexSpec[]): Tensor;
  /** Like `index(...)`, on every device (a bool mask on the GPU is read asynchronously). */
  indexAsync(...specs: IndexSpec[]): Promise<Tensor>;
  /** PyTorch's `x[...] = value` in place: `x.set(i, "0::2", v)` is `x[i, 0::2] = v`. */
  set(...indexAndValue: (IndexSpec | Tensor | number)[]): this;
  /** Like `set(...)`, on every device (a bool mask on the GPU is read asynchronously). */
  setAsync(...indexAndValue: (IndexSpec | Tensor | number)[]): Promise<this>;
  /** `x[indices] = values` (or `+=` with `accumulate`), one index tensor per leading dim. */
  indexPut_(
    indices: readonly (Tensor | IndexArray | null)[],
    values: Tensor | number,
    opts?: adv.IndexPutOptions,
  ): this;
  /** `indexPut_` out of place. */
  indexPut(
    indices: readonly (Tensor | IndexArray | null)[],
    values: Tensor | number,
    opts?: adv.IndexPutOptions,
  ): Tensor;
  /** `torch.gather(this, dim, index)`. */
  gather(dim: number, index: Tensor): Tensor;
  /** `torch.indexSelect(this, dim, index)`. */
  indexSelect(dim: number, index: Tensor): Tensor;
  /** `torch.scatterAdd(this, dim, index, src)`. */
  scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor;
  /** `torch.scatterAdd_(this, dim, index, src)`. */
  scatterAdd_(dim: number, index: Tensor, src: Tensor): this;
  /** `src`'s elements (or a value) written at `index` along `dim` (PyTorch's `scatter`). */
  scatter(dim: number, index: Tensor, src: Tensor | number, opts?: sc.ScatterOptions): Tensor;
  /** `torch.scatter_(this, dim, index, src, opts)`. */
  scatter_(dim: number, index: Tensor, src: Tensor | number, opts?: sc.ScatterOptions): this;
  /** `src` reduced into this tensor at `index` along `dim`: sum, prod, mean, amax or amin. */
  scatterReduce(
    dim: number,
    index: Tensor,
    src: Tensor,
    reduce: sc.ScatterReduction,
    opts?: sc.ScatterReduceOptions,
  ): Tensor;
  /** In place: `torch.scatterReduce` of `src` into this tensor along `dim`; returns this tensor. */
  scatterReduce_(
    dim: number,
    index: Tensor,
    src: Tensor,
    reduce: sc.ScatterReduction,
    opts?: sc.ScatterReduceOptions,
  ): this;
  /** `source`'s slices along `dim` copied to the positions `index`. */
  indexCopy(dim: number, index: Tensor, source: Tensor): Tensor;
  /** `torch.indexCopy_(this, dim, index, source)`. */
  indexCopy_(dim: number, index: Tensor, source: Tensor): this;
  /** The slices along `dim` at `index` set to `value`. */
  indexFill(dim: number, index: Tensor, value: number | Tensor): Tensor;
  /** `torch.indexFill_(this, dim, index, value)`. */
  indexFill_(dim: number, index: Tensor, value: number | Tensor): this;
  /** `source`'s slices along `dim` (times `alpha`) added at the positions `index`. */
  indexAdd(dim: number, index: Tensor, source: Tensor, opts?: sc.IndexAddOptions): Tensor;
  /** `torch.indexAdd_(this, dim, index, source, opts)`. */
  indexAdd_(dim: number, index: Tensor, source: Tensor, opts?: sc.IndexAddOptions): this;
  /** `torch.tril(this, diagonal)`. */
  tril(diagonal?: number): Tensor;
  /** `torch.triu(this, diagonal)`. */
  triu(diagonal?: number): Tensor;
}

/**
 * @internal The bodies of `TensorIndexingMethods`, for `tensor.ts` to install on
 * `Tensor.prototype` (a function declaration, so it can be called whichever module of the import
 * circle loads first).
 */
export function indexingMethods(): TensorIndexingMethods & ThisType<Tensor> {
  return {
    index(...specs: IndexSpec[]): Tensor {
      return adv.index(this, ...specs);
    },
    indexAsync(...specs: IndexSpec[]): Promise<Tensor> {
      return adv.indexAsync(this, ...specs);
    },
    set(...indexAndValue: (IndexSpec | Tensor | number)[]): Tensor {
      return adv.set(this, ...indexAndValue);
    },
    setAsync(...indexAndValue: (IndexSpec | Tensor | number)[]): Promise<Tensor> {
      return adv.setAsync(this, ...indexAndValue);
    },
    indexPut_(
      indices: readonly (Tensor | IndexArray | null)[],
      values: Tensor | number,
      opts?: adv.IndexPutOptions,
    ): Tensor {
      return adv.indexPut_(this, indices, values, opts);
    },
    indexPut(
      indices: readonly (Tensor | IndexArray | null)[],
      values: Tensor | number,
      opts?: adv.IndexPutOptions,
    ): Tensor {
      return adv.indexPut(this, indices, values, opts);
    },
    gather(dim: number, index: Tensor): Tensor {
      return ix.gather(this, dim, index);
    },
    indexSelect(dim: number, index: Tensor): Tensor {
      return ix.indexSelect(this, dim, index);
    },
    scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor {
      return ix.scatterAdd(this, dim, index, src);
    },
    scatterAdd_(dim: number, index: Tensor, src: Tensor): Tensor {
      return sc.scatterAdd_(this, dim, index, src);
    },
    scatter(dim: number, index: Tensor, src: Tensor | number, opts?: sc.ScatterOptions): Tensor {
      return sc.scatter(this, dim, index, src, opts);
    },
    scatter_(dim: number, index: Tensor, src: Tensor | number, opts?: sc.ScatterOptions): Tensor {
      return sc.scatter_(this, dim, index, src, opts);
    },
    scatterReduce(
      dim: number,
      index: Tensor,
      src: Tensor,
      reduce: sc.ScatterReduction,
      opts?: sc.ScatterReduceOptions,
    ): Tensor {
      return sc.scatterReduce(this, dim, index, src, reduce, opts);
    },
    scatterReduce_(
      dim: number,
      index: Tensor,
      src: Tensor,
      reduce: sc.ScatterReduction,
      opts?: sc.ScatterReduceOptions,
    ): Tensor {
      return sc.scatterReduce_(this, dim, index, src, reduce, opts);
    },
    indexCopy(dim: number, index: Tensor, source: Tensor): Tensor {
      return sc.indexCopy(this, dim, index, source);
    },
    indexCopy_(dim: number, index: Tensor, source: Tensor): Tensor {
      return sc.indexCopy_(this, dim, index, source);
    },
    indexFill(dim: number, index: Tensor, value: number | Tensor): Tensor {
      return sc.indexFill(this, dim, index, value);
    },
    indexFill_(dim: number, index: Tensor, value: number | Tensor): Tensor {
      return sc.indexFill_(this, dim, index, value);
    },
    indexAdd(dim: number, index: Tensor, source: Tensor, opts?: sc.IndexAddOptions): Tensor {
      return sc.indexAdd(this, dim, index, source, opts);
    },
    indexAdd_(dim: number, index: Tensor, source: Tensor, opts?: sc.IndexAddOptions): Tensor {
      return sc.indexAdd_(this, dim, index, source, opts);
    },
    tril(diagonal = 0): Tensor {
      return ix.tril(this, diagonal);
    },
    triu(diagonal = 0): Tensor {
      return ix.triu(this, diagonal);
    },
  };
}
