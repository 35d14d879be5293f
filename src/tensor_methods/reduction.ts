/**
 * `Tensor`'s reductions, scans, sorting and selection methods (`x.sum()`, `x.max(1)`,
 * `x.cumsum(0)`, `x.sort()`, `x.topk(k)`, `x.nonzero()`, ...): each calls its op in `ops/`.
 * `Tensor` extends the `TensorReductionMethods` interface declared here; `tensor.ts` installs the
 * bodies on `Tensor.prototype` (see its module doc).
 * @module
 */
import type { Tensor } from "../tensor.ts";
import * as red from "../ops/reduce.ts";
import * as srt from "../ops/sort.ts";
import * as sel from "../ops/select.ts";
import * as cml from "../ops/cumulative.ts";
import type { DimArg, ReduceOptions } from "../ops/reduce.ts";

/**
 * The reduction, scan, sorting and selection methods of every `Tensor`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.tensor([[3, 1], [2, 4]]);
 * assertEquals(x.sum().item(), 10);
 * assertEquals(x.max(1).indices.toArray(), [0, 1]);
 * assertEquals(x.cumsum(0).toArray(), [[3, 1], [5, 5]]);
 * assertEquals(x.flatten().sort().values.toArray(), [1, 2, 3, 4]);
 * ```
 */
export interface TensorReductionMethods {
  /** `torch.sum(this, dim, opts)`. */
  sum(dim?: DimArg | ReduceOptions, opts?: ReduceOptions): Tensor;
  /** `torch.mean(this, dim, opts)`. */
  mean(dim?: DimArg | ReduceOptions, opts?: ReduceOptions): Tensor;
  /** `torch.prod(this, dim, opts)`. */
  prod(dim?: number | ReduceOptions, opts?: ReduceOptions): Tensor;
  /** `torch.amax(this, dim, opts)`. */
  amax(dim?: DimArg | ReduceOptions, opts?: ReduceOptions): Tensor;
  /** `torch.amin(this, dim, opts)`. */
  amin(dim?: DimArg | ReduceOptions, opts?: ReduceOptions): Tensor;
  /** `torch.argmax(this, dim, opts)`. */
  argmax(dim?: number | ReduceOptions, opts?: ReduceOptions): Tensor;
  /** `torch.argmin(this, dim, opts)`. */
  argmin(dim?: number | ReduceOptions, opts?: ReduceOptions): Tensor;
  /** `torch.var(this, dim, opts)`. */
  var(dim?: DimArg | red.VarOptions, opts?: red.VarOptions): Tensor;
  /** `torch.std(this, dim, opts)`. */
  std(dim?: DimArg | red.VarOptions, opts?: red.VarOptions): Tensor;
  /** `torch.logsumexp(this, dim, opts)`. */
  logsumexp(dim: DimArg, opts?: ReduceOptions): Tensor;
  /** `torch.softmax(this, dim)`. */
  softmax(dim: number): Tensor;
  /** `torch.logSoftmax(this, dim)`. */
  logSoftmax(dim: number): Tensor;
  /** `torch.norm(this, p, dim, opts)`. */
  norm(p?: number, dim?: DimArg, opts?: ReduceOptions): Tensor;
  /** `torch.all(this, dim, opts)`. */
  all(dim?: number | ReduceOptions, opts?: ReduceOptions): Tensor;
  /** `torch.any(this, dim, opts)`. */
  any(dim?: number | ReduceOptions, opts?: ReduceOptions): Tensor;
  /** `torch.cumsum(this, dim)`. */
  cumsum(dim: number): Tensor;
  /** Inclusive running product along `dim`, as `torch.cumprod`. */
  cumprod(dim: number): Tensor;
  /** Sorted along a dim (default the last): `{ values, indices }`, stable, NaN as the largest. */
  sort(dim?: number | srt.SortOptions, opts?: srt.SortOptions): red.ValuesIndices;
  /** `torch.argsort(this, dim, opts)`. */
  argsort(dim?: number | srt.SortOptions, opts?: srt.SortOptions): Tensor;
  /** Coordinates of the nonzero elements, `[count, ndim]` int32 (CPU; see nonzeroAsync). */
  nonzero(): Tensor;
  /** `torch.nonzeroAsync(this)`. */
  nonzeroAsync(): Promise<Tensor>;
  /** `torch.argwhere(this)`. */
  argwhere(): Tensor;
  /** PyTorch's `x[mask]`: the elements where `mask` is true, 1-d (CPU; see maskedSelectAsync). */
  maskedSelect(mask: Tensor): Tensor;
  /** `torch.maskedSelectAsync(this, mask)`. */
  maskedSelectAsync(mask: Tensor): Promise<Tensor>;
  /** `torch.countNonzero(this, dim)`. */
  countNonzero(dim?: DimArg | ReduceOptions): Tensor;
  /** The `k` largest (or, with `largest: false`, smallest) along a dim: `{ values, indices }`. */
  topk(k: number, dim?: number | srt.TopkOptions, opts?: srt.TopkOptions): red.ValuesIndices;
}

/**
 * @internal The bodies of `TensorReductionMethods`, for `tensor.ts` to install on
 * `Tensor.prototype` (a function declaration, so it can be called whichever module of the import
 * circle loads first).
 */
export function reductionMethods(): TensorReductionMethods & ThisType<Tensor> {
  return {
    sum(dim?: DimArg | ReduceOptions, opts?: ReduceOptions): Tensor {
      return red.sum(this, dim, opts);
    },
    mean(dim?: DimArg | ReduceOptions, opts?: ReduceOptions): Tensor {
      return red.mean(this, dim, opts);
    },
    prod(dim?: number | ReduceOptions, opts?: ReduceOptions): Tensor {
      return red.prod(this, dim, opts);
    },
    amax(dim?: DimArg | ReduceOptions, opts?: ReduceOptions): Tensor {
      return red.amax(this, dim, opts);
    },
    amin(dim?: DimArg | ReduceOptions, opts?: ReduceOptions): Tensor {
      return red.amin(this, dim, opts);
    },
    argmax(dim?: number | ReduceOptions, opts?: ReduceOptions): Tensor {
      return red.argmax(this, dim, opts);
    },
    argmin(dim?: number | ReduceOptions, opts?: ReduceOptions): Tensor {
      return red.argmin(this, dim, opts);
    },
    var(dim?: DimArg | red.VarOptions, opts?: red.VarOptions): Tensor {
      return red.variance(this, dim, opts);
    },
    std(dim?: DimArg | red.VarOptions, opts?: red.VarOptions): Tensor {
      return red.std(this, dim, opts);
    },
    logsumexp(dim: DimArg, opts?: ReduceOptions): Tensor {
      return red.logsumexp(this, dim, opts);
    },
    softmax(dim: number): Tensor {
      return red.softmax(this, dim);
    },
    logSoftmax(dim: number): Tensor {
      return red.logSoftmax(this, dim);
    },
    norm(p?: number, dim?: DimArg, opts?: ReduceOptions): Tensor {
      return red.norm(this, p, dim, opts);
    },
    all(dim?: number | ReduceOptions, opts?: ReduceOptions): Tensor {
      return red.all(this, dim, opts);
    },
    any(dim?: number | ReduceOptions, opts?: ReduceOptions): Tensor {
      return red.any(this, dim, opts);
    },
    cumsum(dim: number): Tensor {
      return red.cumsum(this, dim);
    },
    cumprod(dim: number): Tensor {
      return cml.cumprod(this, dim);
    },
    sort(dim?: number | srt.SortOptions, opts?: srt.SortOptions): red.ValuesIndices {
      return srt.sort(this, dim, opts);
    },
    argsort(dim?: number | srt.SortOptions, opts?: srt.SortOptions): Tensor {
      return srt.argsort(this, dim, opts);
    },
    nonzero(): Tensor {
      return sel.nonzero(this);
    },
    nonzeroAsync(): Promise<Tensor> {
      return sel.nonzeroAsync(this);
    },
    argwhere(): Tensor {
      return sel.argwhere(this);
    },
    maskedSelect(mask: Tensor): Tensor {
      return sel.maskedSelect(this, mask);
    },
    maskedSelectAsync(mask: Tensor): Promise<Tensor> {
      return sel.maskedSelectAsync(this, mask);
    },
    countNonzero(dim?: DimArg | ReduceOptions): Tensor {
      return sel.countNonzero(this, dim);
    },
    topk(k: number, dim?: number | srt.TopkOptions, opts?: srt.TopkOptions): red.ValuesIndices {
      return srt.topk(this, k, dim, opts);
    },
  };
}
