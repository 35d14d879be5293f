/**
 * `Tensor`'s further random fills (`x.geometric_(p)`, `x.cauchy_()`, `x.logNormal_()`), drawing
 * PyTorch's CPU streams through `ops/random_fill_more.ts`. `Tensor` extends the
 * `TensorRandomMoreMethods` interface declared here; `tensor.ts` installs the bodies on
 * `Tensor.prototype` (see its module doc).
 * @module
 */
import type { Tensor } from "../tensor.ts";
import type { FillOptions } from "../ops/random_fill.ts";
import * as rnd from "../ops/random_fill_more.ts";

/**
 * The geometric, Cauchy and log-normal in-place fills of every `Tensor` (PyTorch's
 * `geometric_`, `cauchy_`, `log_normal_`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * torch.manualSeed(0);
 * assertEquals(torch.empty(5, { dtype: "int32" }).geometric_(0.3).toArray(), [1, 1, 3, 1, 2]);
 * assertEquals(torch.empty(4).logNormal_().ge(0).all().item(), true);
 * ```
 */
export interface TensorRandomMoreMethods {
  /** Fills with geometric samples (trials until the first success, probability `p`) in place. */
  geometric_(p: number, opts?: FillOptions): this;
  /** Fills with samples of the Cauchy distribution of location `median` and scale `sigma` in place. */
  cauchy_(median?: number, sigma?: number, opts?: FillOptions): this;
  /** Fills with samples of `exp(N(mean, std²))` in place (PyTorch's `log_normal_`; defaults 1 and 2). */
  logNormal_(mean?: number, std?: number, opts?: FillOptions): this;
}

/** @internal The bodies of `TensorRandomMoreMethods`, for `tensor.ts` to install on `Tensor.prototype`. */
export function randomMoreMethods(): TensorRandomMoreMethods & ThisType<Tensor> {
  return {
    geometric_(p: number, opts?: FillOptions): Tensor {
      return rnd.geometric_(this, p, opts);
    },
    cauchy_(median = 0, sigma = 1, opts?: FillOptions): Tensor {
      return rnd.cauchy_(this, median, sigma, opts);
    },
    logNormal_(mean = 1, std = 2, opts?: FillOptions): Tensor {
      return rnd.logNormal_(this, mean, std, opts);
    },
  };
}
