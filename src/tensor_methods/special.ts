/**
 * `Tensor`'s methods for the special functions PyTorch has as methods (`x.lgamma()`,
 * `x.digamma()`, `x.polygamma(n)`, `x.mvlgamma(p)`, `x.erfc()`, `x.i0()`, `x.xlogy(y)`,
 * `x.logit(eps)`, `x.sinc()`, `x.igamma(y)`, `x.igammac(y)` and their in-place forms): each calls
 * its op with the tensor as the first operand. `Tensor` extends the `TensorSpecialMethods`
 * interface declared here; `tensor.ts` installs the bodies on `Tensor.prototype`.
 * @module
 */
import type { Tensor } from "../tensor.ts";
import * as gamma from "../special/gamma.ts";
import { erfc } from "../special/error.ts";
import { i0 } from "../special/bessel.ts";
import { logit, sinc, xlogy } from "../special/log_ops.ts";
import { assignResult } from "../ops/inplace.ts";

/**
 * Methods of every `Tensor` for the special functions `lgamma`, `digamma`, `polygamma`,
 * `mvlgamma`, `erfc`, `i0`, `xlogy`, `logit`, `sinc`, `igamma`, `igammac` (and their in-place
 * forms).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.tensor([1, 2]);
 * assertEquals(x.lgamma().toArray(), [0, 0]);
 * assertEquals(torch.tensor([0, 1]).xlogy(torch.tensor([0, 1])).toArray(), [0, 0]);
 * const y = torch.tensor([0.5]);
 * y.logit_();
 * assertEquals(y.toArray(), [0]);
 * ```
 */
export interface TensorSpecialMethods {
  /** `torch.lgamma(this)`. */
  lgamma(): Tensor;
  /** In place: writes `torch.lgamma(this)` into this tensor and returns it. */
  lgamma_(): this;
  /** `torch.digamma(this)`. */
  digamma(): Tensor;
  /** In place: writes `torch.digamma(this)` into this tensor and returns it. */
  digamma_(): this;
  /** `torch.polygamma(n, this)`. */
  polygamma(n: number): Tensor;
  /** In place: writes `torch.polygamma(n, this)` into this tensor and returns it. */
  polygamma_(n: number): this;
  /** `torch.mvlgamma(this, p)`. */
  mvlgamma(p: number): Tensor;
  /** In place: writes `torch.mvlgamma(this, p)` into this tensor and returns it. */
  mvlgamma_(p: number): this;
  /** `torch.erfc(this)`. */
  erfc(): Tensor;
  /** In place: writes `torch.erfc(this)` into this tensor and returns it. */
  erfc_(): this;
  /** `torch.i0(this)`. */
  i0(): Tensor;
  /** In place: writes `torch.i0(this)` into this tensor and returns it. */
  i0_(): this;
  /** `torch.xlogy(this, other)`. */
  xlogy(other: Tensor | number): Tensor;
  /** In place: writes `torch.xlogy(this, other)` into this tensor and returns it. */
  xlogy_(other: Tensor | number): this;
  /** `torch.logit(this, eps)`. */
  logit(eps?: number | null): Tensor;
  /** In place: writes `torch.logit(this, eps)` into this tensor and returns it. */
  logit_(eps?: number | null): this;
  /** `torch.sinc(this)`. */
  sinc(): Tensor;
  /** In place: writes `torch.sinc(this)` into this tensor and returns it. */
  sinc_(): this;
  /** `torch.igamma(this, other)`. */
  igamma(other: Tensor): Tensor;
  /** In place: writes `torch.igamma(this, other)` into this tensor and returns it. */
  igamma_(other: Tensor): this;
  /** `torch.igammac(this, other)`. */
  igammac(other: Tensor): Tensor;
  /** In place: writes `torch.igammac(this, other)` into this tensor and returns it. */
  igammac_(other: Tensor): this;
}

/**
 * @internal The bodies of `TensorSpecialMethods`, for `tensor.ts` to install on
 * `Tensor.prototype`.
 */
export function specialMethods(): TensorSpecialMethods & ThisType<Tensor> {
  return {
    lgamma(): Tensor {
      return gamma.lgamma(this);
    },
    lgamma_() {
      return assignResult(this, "lgamma_", gamma.lgamma(this));
    },
    digamma(): Tensor {
      return gamma.digamma(this);
    },
    digamma_() {
      return assignResult(this, "digamma_", gamma.digamma(this));
    },
    polygamma(n: number): Tensor {
      return gamma.polygamma(n, this);
    },
    polygamma_(n: number) {
      return assignResult(this, "polygamma_", gamma.polygamma(n, this));
    },
    mvlgamma(p: number): Tensor {
      return gamma.mvlgamma(this, p);
    },
    mvlgamma_(p: number) {
      return assignResult(this, "mvlgamma_", gamma.mvlgamma(this, p));
    },
    erfc(): Tensor {
      return erfc(this);
    },
    erfc_() {
      return assignResult(this, "erfc_", erfc(this));
    },
    i0(): Tensor {
      return i0(this);
    },
    i0_() {
      return assignResult(this, "i0_", i0(this));
    },
    xlogy(other: Tensor | number): Tensor {
      return xlogy(this, other);
    },
    xlogy_(other: Tensor | number) {
      return assignResult(this, "xlogy_", xlogy(this, other));
    },
    logit(eps?: number | null): Tensor {
      return logit(this, eps);
    },
    logit_(eps?: number | null) {
      return assignResult(this, "logit_", logit(this, eps));
    },
    sinc(): Tensor {
      return sinc(this);
    },
    sinc_() {
      return assignResult(this, "sinc_", sinc(this));
    },
    igamma(other: Tensor): Tensor {
      return gamma.igamma(this, other);
    },
    igamma_(other: Tensor) {
      return assignResult(this, "igamma_", gamma.igamma(this, other));
    },
    igammac(other: Tensor): Tensor {
      return gamma.igammac(this, other);
    },
    igammac_(other: Tensor) {
      return assignResult(this, "igammac_", gamma.igammac(this, other));
    },
  } as TensorSpecialMethods & ThisType<Tensor>;
}
