/**
 * `Tensor`'s methods for scans, order statistics and statistics (`x.cummax(0)`,
 * `x.logcumsumexp(1)`, `x.kthvalue(2)`, `x.mode()`, `x.msort()`, `x.aminmax()`, `x.cov()`,
 * `x.corrcoef()`, `x.histc()`, `x.histogram(bins)`, `x.bincount()`, `x.uniqueConsecutive()`,
 * `x.dist(y)`, `x.renorm(p, dim, maxnorm)` and `x.renorm_(...)`): each calls its op with the
 * tensor as the first operand. `Tensor` extends the `TensorStatsMethods` interface declared here;
 * `tensor.ts` installs the bodies on `Tensor.prototype` (see its module doc).
 * @module
 */
import type { Tensor } from "../tensor.ts";
import * as sc from "../ops/scans.ts";
import * as os from "../ops/order_stats.ts";
import * as st from "../ops/statistics.ts";
import * as hg from "../ops/histogram.ts";
import * as uc from "../ops/unique_consecutive.ts";
import type { ValuesIndices } from "../ops/reduce.ts";
import { assignResult } from "../ops/inplace.ts";

/**
 * Methods of every `Tensor` for `cummax`, `cummin`, `logcumsumexp`, `kthvalue`, `mode`, `msort`,
 * `aminmax`, `cov`, `corrcoef`, `histc`, `histogram`, `bincount`, `uniqueConsecutive`, `dist`
 * and `renorm` (and `renorm_`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.tensor([3, 1, 4, 1, 5]);
 * assertEquals(x.cummax(0).values.toArray(), [3, 3, 4, 4, 5]);
 * assertEquals(x.kthvalue(2).values.item(), 1);
 * assertEquals(x.mode().values.item(), 1);
 * assertEquals(x.bincount().toArray(), [0, 2, 0, 1, 1, 1]);
 * ```
 */
export interface TensorStatsMethods {
  /** `torch.cummax(this, dim)`. */
  cummax(dim: number): ValuesIndices;
  /** `torch.cummin(this, dim)`. */
  cummin(dim: number): ValuesIndices;
  /** `torch.logcumsumexp(this, dim)`. */
  logcumsumexp(dim: number): Tensor;
  /** `torch.kthvalue(this, k, dim, opts)`. */
  kthvalue(k: number, dim?: number | os.DimKeepdimOptions, opts?: os.DimKeepdimOptions): ValuesIndices;
  /** `torch.mode(this, dim, opts)`. */
  mode(dim?: number | os.DimKeepdimOptions, opts?: os.DimKeepdimOptions): ValuesIndices;
  /** `torch.msort(this)`. */
  msort(): Tensor;
  /** `torch.aminmax(this, opts)`. */
  aminmax(opts?: { dim?: number; keepdim?: boolean }): os.MinMax;
  /** `torch.cov(this, opts)`. */
  cov(opts?: st.CovOptions): Tensor;
  /** `torch.corrcoef(this)`. */
  corrcoef(): Tensor;
  /** `torch.histc(this, bins, min, max)`. */
  histc(bins?: number | hg.HistcOptions, min?: number, max?: number): Tensor;
  /** `torch.histogram(this, bins, opts)`. */
  histogram(bins?: number | Tensor, opts?: hg.HistogramOptions): hg.HistogramResult;
  /** `torch.bincount(this, opts)`. */
  bincount(opts?: hg.BincountOptions): Tensor;
  /** `torch.uniqueConsecutive(this, opts)`: the runs' values. */
  uniqueConsecutive(
    opts?: uc.UniqueConsecutiveOptions & { returnInverse?: false; returnCounts?: false },
  ): Tensor;
  /** With `returnInverse` and `returnCounts`: `[values, inverse, counts]`. */
  uniqueConsecutive(
    opts: uc.UniqueConsecutiveOptions & { returnInverse: true; returnCounts: true },
  ): [Tensor, Tensor, Tensor];
  /** With `returnInverse` or `returnCounts`: `[values, inverse]` or `[values, counts]`. */
  uniqueConsecutive(
    opts: uc.UniqueConsecutiveOptions & ({ returnInverse: true } | { returnCounts: true }),
  ): [Tensor, Tensor];
  /** The runs' values, with the inverse and counts when the options ask for them. */
  uniqueConsecutive(opts?: uc.UniqueConsecutiveOptions): Tensor | Tensor[];
  /** `torch.dist(this, other, p)`. */
  dist(other: Tensor, p?: number): Tensor;
  /** `torch.renorm(this, p, dim, maxnorm)`. */
  renorm(p: number, dim: number, maxnorm: number): Tensor;
  /** In place: writes `torch.renorm(this, p, dim, maxnorm)` into this tensor and returns it. */
  renorm_(p: number, dim: number, maxnorm: number): this;
}

/**
 * @internal The bodies of `TensorStatsMethods`, for `tensor.ts` to install on `Tensor.prototype`.
 */
export function statsMethods(): TensorStatsMethods & ThisType<Tensor> {
  return {
    cummax(dim: number) {
      return sc.cummax(this, dim);
    },
    cummin(dim: number) {
      return sc.cummin(this, dim);
    },
    logcumsumexp(dim: number) {
      return sc.logcumsumexp(this, dim);
    },
    kthvalue(k: number, dim?: number | os.DimKeepdimOptions, opts?: os.DimKeepdimOptions) {
      return os.kthvalue(this, k, dim, opts);
    },
    mode(dim?: number | os.DimKeepdimOptions, opts?: os.DimKeepdimOptions) {
      return os.mode(this, dim, opts);
    },
    msort() {
      return os.msort(this);
    },
    aminmax(opts?: { dim?: number; keepdim?: boolean }) {
      return os.aminmax(this, opts);
    },
    cov(opts?: st.CovOptions) {
      return st.cov(this, opts);
    },
    corrcoef() {
      return st.corrcoef(this);
    },
    histc(bins?: number | hg.HistcOptions, min?: number, max?: number) {
      return hg.histc(this, bins, min, max);
    },
    histogram(bins?: number | Tensor, opts?: hg.HistogramOptions) {
      return hg.histogram(this, bins, opts);
    },
    bincount(opts?: hg.BincountOptions) {
      return hg.bincount(this, opts);
    },
    uniqueConsecutive(opts?: uc.UniqueConsecutiveOptions) {
      // One body for the overloads: the options decide the tuple's shape.
      return uc.uniqueConsecutive(this, opts) as never;
    },
    dist(other: Tensor, p?: number) {
      return st.dist(this, other, p);
    },
    renorm(p: number, dim: number, maxnorm: number) {
      return st.renorm(this, p, dim, maxnorm);
    },
    renorm_(p: number, dim: number, maxnorm: number) {
      return assignResult(this, "renorm_", st.renorm(this, p, dim, maxnorm));
    },
  } as TensorStatsMethods & ThisType<Tensor>;
}
