/**
 * `Tensor`'s methods for atan2/hypot/nanToNum, the NaN-aware reductions, order statistics and
 * searchsorted-style bucketing and the error function (`x.atan2(y)`, `x.nanToNum_()`,
 * `x.nanmean(1)`, `x.median(0)`, `x.quantile(0.9)`, `x.bucketize(bounds)`, `x.erf()`): each calls its op with the tensor as the first
 * operand. `Tensor` extends the `TensorOpsMoreMethods` interface declared here; `tensor.ts`
 * installs the bodies on `Tensor.prototype` (see its module doc).
 * @module
 */
import type { Tensor } from "../tensor.ts";
import * as em from "../ops/elementwise_more.ts";
import * as qt from "../ops/quantile.ts";
import * as ss from "../ops/searchsorted.ts";
import * as erfOps from "../ops/erf.ts";
import type { DimArg, ReduceOptions, ValuesIndices } from "../ops/reduce.ts";
import { assignResult } from "../ops/inplace.ts";

/**
 * Methods of every `Tensor` for `atan2`, `hypot`, `nanToNum` (and their in-place forms),
 * `nansum`, `nanmean`, `median`, `nanmedian`, `quantile`, `nanquantile`, `bucketize`, `erf` and
 * `erfinv` (and their in-place forms).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.tensor([[1, NaN, 3], [4, 5, Infinity]]);
 * assertEquals(x.nansum(1).toArray(), [4, Infinity]);
 * assertEquals(x.nanToNum({ posinf: 6 }).median(1).values.toArray(), [1, 5]);
 * assertEquals(torch.tensor([3.5]).hypot(torch.tensor([12])).toArray(), [12.5]);
 * assertEquals(torch.tensor([0]).erf().toArray(), [0]);
 * ```
 */
export interface TensorOpsMoreMethods {
  /** `torch.atan2(this, other)`. */
  atan2(other: Tensor): Tensor;
  /** `torch.arctan2(this, other)`. */
  arctan2(other: Tensor): Tensor;
  /** In place: writes `torch.atan2(this, other)` into this tensor and returns it. */
  atan2_(other: Tensor): this;
  /** In place: writes `torch.arctan2(this, other)` into this tensor and returns it. */
  arctan2_(other: Tensor): this;
  /** `torch.hypot(this, other)`. */
  hypot(other: Tensor): Tensor;
  /** In place: writes `torch.hypot(this, other)` into this tensor and returns it. */
  hypot_(other: Tensor): this;
  /** `torch.nanToNum(this, opts)`. */
  nanToNum(opts?: em.NanToNumOptions): Tensor;
  /** In place: writes `torch.nanToNum(this, opts)` into this tensor and returns it. */
  nanToNum_(opts?: em.NanToNumOptions): this;
  /** `torch.nansum(this, dim, opts)`. */
  nansum(dim?: DimArg | ReduceOptions, opts?: ReduceOptions): Tensor;
  /** `torch.nanmean(this, dim, opts)`. */
  nanmean(dim?: DimArg | ReduceOptions, opts?: ReduceOptions): Tensor;
  /** `torch.median(this)`: the median of all elements. */
  median(): Tensor;
  /** `torch.median(this, dim, opts)`: `{ values, indices }` along `dim`. */
  median(dim: number | qt.MedianOptions, opts?: qt.MedianOptions): ValuesIndices;
  /** `torch.nanmedian(this)`: the median of the elements that are not NaN. */
  nanmedian(): Tensor;
  /** `torch.nanmedian(this, dim, opts)`: `{ values, indices }` along `dim`. */
  nanmedian(dim: number | qt.MedianOptions, opts?: qt.MedianOptions): ValuesIndices;
  /** `torch.quantile(this, q, opts)`. */
  quantile(q: number | readonly number[] | Tensor, opts?: qt.QuantileOptions): Tensor;
  /** `torch.nanquantile(this, q, opts)`. */
  nanquantile(q: number | readonly number[] | Tensor, opts?: qt.QuantileOptions): Tensor;
  /** `torch.bucketize(this, boundaries, opts)`. */
  bucketize(boundaries: Tensor, opts?: { right?: boolean; outInt32?: boolean }): Tensor;
  /** `torch.erf(this)`. */
  erf(): Tensor;
  /** In place: writes `torch.erf(this)` into this tensor and returns it. */
  erf_(): this;
  /** `torch.erfinv(this)`. */
  erfinv(): Tensor;
  /** In place: writes `torch.erfinv(this)` into this tensor and returns it. */
  erfinv_(): this;
}

/**
 * @internal The bodies of `TensorOpsMoreMethods`, for `tensor.ts` to install on
 * `Tensor.prototype`.
 */
export function opsMoreMethods(): TensorOpsMoreMethods & ThisType<Tensor> {
  return {
    atan2(other: Tensor): Tensor {
      return em.atan2(this, other);
    },
    arctan2(other: Tensor): Tensor {
      return em.atan2(this, other);
    },
    atan2_(other: Tensor) {
      return assignResult(this, "atan2_", em.atan2(this, other));
    },
    arctan2_(other: Tensor) {
      return assignResult(this, "arctan2_", em.atan2(this, other));
    },
    hypot(other: Tensor): Tensor {
      return em.hypot(this, other);
    },
    hypot_(other: Tensor) {
      return assignResult(this, "hypot_", em.hypot(this, other));
    },
    nanToNum(opts?: em.NanToNumOptions): Tensor {
      return em.nanToNum(this, opts);
    },
    nanToNum_(opts?: em.NanToNumOptions) {
      return assignResult(this, "nanToNum_", em.nanToNum(this, opts));
    },
    nansum(dim?: DimArg | ReduceOptions, opts?: ReduceOptions): Tensor {
      return qt.nansum(this, dim, opts);
    },
    nanmean(dim?: DimArg | ReduceOptions, opts?: ReduceOptions): Tensor {
      return qt.nanmean(this, dim, opts);
    },
    median(dim?: number | qt.MedianOptions, opts?: qt.MedianOptions) {
      return dim === undefined ? qt.median(this) : qt.median(this, dim, opts);
    },
    nanmedian(dim?: number | qt.MedianOptions, opts?: qt.MedianOptions) {
      return dim === undefined ? qt.nanmedian(this) : qt.nanmedian(this, dim, opts);
    },
    quantile(q: number | readonly number[] | Tensor, opts?: qt.QuantileOptions): Tensor {
      return qt.quantile(this, q, opts);
    },
    nanquantile(q: number | readonly number[] | Tensor, opts?: qt.QuantileOptions): Tensor {
      return qt.nanquantile(this, q, opts);
    },
    bucketize(boundaries: Tensor, opts?: { right?: boolean; outInt32?: boolean }): Tensor {
      return ss.bucketize(this, boundaries, opts);
    },
    erf(): Tensor {
      return erfOps.erf(this);
    },
    erf_() {
      return assignResult(this, "erf_", erfOps.erf(this));
    },
    erfinv(): Tensor {
      return erfOps.erfinv(this);
    },
    erfinv_() {
      return assignResult(this, "erfinv_", erfOps.erfinv(this));
    },
  } as TensorOpsMoreMethods & ThisType<Tensor>;
}
