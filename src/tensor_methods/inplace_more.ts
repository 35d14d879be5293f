/**
 * More of `Tensor`'s in-place methods: the unary math ones (`x.cos_()`, `x.log1p_()`, `x.sign_()`,
 * ...), the comparisons written as 1 / 0 (`x.lt_(y)`, `x.greaterEqual_(0)`, ...), the rounding
 * divisions, the logical ops, `cumsum_` / `cumprod_`, `tril_` / `triu_`, and the view-metadata ones
 * (`x.t_()`, `x.transpose_(0, 1)`, `x.squeeze_()`, `x.unsqueeze_(0)`, `x.swapaxes_(0, 1)`) that
 * change the tensor's own shape and strides as PyTorch does. `Tensor` extends the
 * `TensorInPlaceMoreMethods` interface declared here; `tensor.ts` installs the bodies on
 * `Tensor.prototype`.
 * @module
 */
import type { Tensor, TensorOrScalar } from "../tensor.ts";
import { assignComputed, compare_, cumulative_, restride_, rounding_ } from "../ops/inplace_more.ts";

/**
 * In-place methods of every `Tensor` (PyTorch's trailing underscore): each writes into the tensor
 * (or, for `t_`, `transpose_`, `squeeze_`, `unsqueeze_`, `swapaxes_` and `swapdims_`, re-points it
 * at a new view of its storage) and returns it, recorded by autograd as PyTorch records it.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.tensor([[1, 2, 3], [4, 5, 6]], { dtype: "float32" });
 * assertEquals(x.clone().lt_(3).toArray(), [[1, 1, 0], [0, 0, 0]]);
 * assertEquals(x.clone().cumsum_(1).toArray(), [[1, 3, 6], [4, 9, 15]]);
 * x.t_();
 * assertEquals([x.shape, x.stride()], [[3, 2], [1, 3]]);
 * assertEquals(torch.tensor([0, Math.PI]).cos_().toArray(), [1, -1]);
 * ```
 */
export interface TensorInPlaceMoreMethods {
  /** In place: writes `torch.cos(this)` into this tensor and returns it. */
  cos_(): this;
  /** In place: writes `torch.sin(this)` into this tensor and returns it. */
  sin_(): this;
  /** In place: writes `torch.tan(this)` into this tensor and returns it. */
  tan_(): this;
  /** In place: writes `torch.log10(this)` into this tensor and returns it. */
  log10_(): this;
  /** In place: writes `torch.log1p(this)` into this tensor and returns it. */
  log1p_(): this;
  /** In place: writes `torch.log2(this)` into this tensor and returns it. */
  log2_(): this;
  /** In place: writes `torch.expm1(this)` into this tensor and returns it. */
  expm1_(): this;
  /** In place: writes `torch.exp2(this)` into this tensor and returns it. */
  exp2_(): this;
  /** In place: writes `torch.rsqrt(this)` into this tensor and returns it. */
  rsqrt_(): this;
  /** In place: writes `torch.frac(this)` into this tensor and returns it. */
  frac_(): this;
  /** In place: writes `torch.sign(this)` into this tensor and returns it. */
  sign_(): this;
  /** In place: writes `torch.floorDivide(this, other)` into this tensor and returns it. */
  floorDivide_(other: TensorOrScalar): this;
  /** In place: writes `torch.fmod(this, other)` into this tensor and returns it. */
  fmod_(other: TensorOrScalar): this;
  /** In place: writes `torch.remainder(this, other)` into this tensor and returns it. */
  remainder_(other: TensorOrScalar): this;
  /** In place: writes `torch.logicalAnd(this, other)` (1 / 0 in this tensor's dtype) into this tensor. */
  logicalAnd_(other: Tensor): this;
  /** In place: writes `torch.logicalOr(this, other)` (1 / 0 in this tensor's dtype) into this tensor. */
  logicalOr_(other: Tensor): this;
  /** In place: writes `torch.logicalXor(this, other)` (1 / 0 in this tensor's dtype) into this tensor. */
  logicalXor_(other: Tensor): this;
  /** In place: writes `torch.logicalNot(this)` (1 / 0 in this tensor's dtype) into this tensor. */
  logicalNot_(): this;
  /** In place: writes `torch.eq(this, other)` as 1 / 0 in this tensor's dtype; zero gradient. */
  eq_(other: TensorOrScalar): this;
  /** In place: writes `torch.ne(this, other)` as 1 / 0 in this tensor's dtype; zero gradient. */
  ne_(other: TensorOrScalar): this;
  /** In place: writes `torch.lt(this, other)` as 1 / 0 in this tensor's dtype; zero gradient. */
  lt_(other: TensorOrScalar): this;
  /** In place: writes `torch.le(this, other)` as 1 / 0 in this tensor's dtype; zero gradient. */
  le_(other: TensorOrScalar): this;
  /** In place: writes `torch.gt(this, other)` as 1 / 0 in this tensor's dtype; zero gradient. */
  gt_(other: TensorOrScalar): this;
  /** In place: writes `torch.ge(this, other)` as 1 / 0 in this tensor's dtype; zero gradient. */
  ge_(other: TensorOrScalar): this;
  /** In place: writes `torch.gt(this, other)` as 1 / 0 in this tensor's dtype (alias of `gt_`); zero gradient. */
  greater_(other: TensorOrScalar): this;
  /** In place: writes `torch.ge(this, other)` as 1 / 0 in this tensor's dtype (alias of `ge_`); zero gradient. */
  greaterEqual_(other: TensorOrScalar): this;
  /** In place: writes `torch.lt(this, other)` as 1 / 0 in this tensor's dtype (alias of `lt_`); zero gradient. */
  less_(other: TensorOrScalar): this;
  /** In place: writes `torch.le(this, other)` as 1 / 0 in this tensor's dtype (alias of `le_`); zero gradient. */
  lessEqual_(other: TensorOrScalar): this;
  /** In place: writes `torch.ne(this, other)` as 1 / 0 in this tensor's dtype (alias of `ne_`); zero gradient. */
  notEqual_(other: TensorOrScalar): this;
  /** In place: writes `torch.cumsum(this, dim)` into this tensor and returns it. */
  cumsum_(dim: number): this;
  /** In place: writes `torch.cumprod(this, dim)` into this tensor and returns it. */
  cumprod_(dim: number): this;
  /** In place: writes `torch.tril(this, diagonal)` into this tensor and returns it. */
  tril_(diagonal?: number): this;
  /** In place: writes `torch.triu(this, diagonal)` into this tensor and returns it. */
  triu_(diagonal?: number): this;
  /** In place: makes this tensor its own transpose `this.t()` (0-, 1- or 2-D; same storage, swapped strides). */
  t_(): this;
  /** In place: makes this tensor the view `this.transpose(dim0, dim1)` of its storage (sizes and strides swapped). */
  transpose_(dim0: number, dim1: number): this;
  /** In place: makes this tensor the view `this.swapaxes(axis0, axis1)` of its storage (sizes and strides swapped). */
  swapaxes_(axis0: number, axis1: number): this;
  /** In place: makes this tensor the view `this.swapdims(dim0, dim1)` of its storage (sizes and strides swapped). */
  swapdims_(dim0: number, dim1: number): this;
  /** In place: drops this tensor's size-1 dims (all, or `dim`), as the view `this.squeeze(dim)`. */
  squeeze_(dim?: number | readonly number[]): this;
  /** In place: inserts a size-1 dim at `dim`, as the view `this.unsqueeze(dim)`. */
  unsqueeze_(dim: number): this;
}

/** @internal The bodies of `TensorInPlaceMoreMethods`, for `tensor.ts` to install on `Tensor.prototype`. */
export function inPlaceMoreMethods(): TensorInPlaceMoreMethods & ThisType<Tensor> {
  return {
    cos_(): Tensor {
      return assignComputed(this, "cos_", (x) => x.cos());
    },
    sin_(): Tensor {
      return assignComputed(this, "sin_", (x) => x.sin());
    },
    tan_(): Tensor {
      return assignComputed(this, "tan_", (x) => x.tan());
    },
    log10_(): Tensor {
      return assignComputed(this, "log10_", (x) => x.log10());
    },
    log1p_(): Tensor {
      return assignComputed(this, "log1p_", (x) => x.log1p());
    },
    log2_(): Tensor {
      return assignComputed(this, "log2_", (x) => x.log2());
    },
    expm1_(): Tensor {
      return assignComputed(this, "expm1_", (x) => x.expm1());
    },
    exp2_(): Tensor {
      return assignComputed(this, "exp2_", (x) => x.exp2());
    },
    rsqrt_(): Tensor {
      return assignComputed(this, "rsqrt_", (x) => x.rsqrt());
    },
    frac_(): Tensor {
      return assignComputed(this, "frac_", (x) => x.frac());
    },
    sign_(): Tensor {
      return assignComputed(this, "sign_", (x) => x.sign());
    },
    floorDivide_(other: TensorOrScalar): Tensor {
      return assignComputed(this, "floorDivide_", (x) => x.floorDivide(other));
    },
    fmod_(other: TensorOrScalar): Tensor {
      return rounding_(this, "fmod_", other);
    },
    remainder_(other: TensorOrScalar): Tensor {
      return rounding_(this, "remainder_", other);
    },
    logicalAnd_(other: Tensor): Tensor {
      return assignComputed(this, "logicalAnd_", (x) => x.logicalAnd(other));
    },
    logicalOr_(other: Tensor): Tensor {
      return assignComputed(this, "logicalOr_", (x) => x.logicalOr(other));
    },
    logicalXor_(other: Tensor): Tensor {
      return assignComputed(this, "logicalXor_", (x) => x.logicalXor(other));
    },
    logicalNot_(): Tensor {
      return assignComputed(this, "logicalNot_", (x) => x.logicalNot());
    },
    eq_(other: TensorOrScalar): Tensor {
      return compare_(this, "eq_", "eq", other);
    },
    ne_(other: TensorOrScalar): Tensor {
      return compare_(this, "ne_", "ne", other);
    },
    lt_(other: TensorOrScalar): Tensor {
      return compare_(this, "lt_", "lt", other);
    },
    le_(other: TensorOrScalar): Tensor {
      return compare_(this, "le_", "le", other);
    },
    gt_(other: TensorOrScalar): Tensor {
      return compare_(this, "gt_", "gt", other);
    },
    ge_(other: TensorOrScalar): Tensor {
      return compare_(this, "ge_", "ge", other);
    },
    greater_(other: TensorOrScalar): Tensor {
      return compare_(this, "greater_", "gt", other);
    },
    greaterEqual_(other: TensorOrScalar): Tensor {
      return compare_(this, "greaterEqual_", "ge", other);
    },
    less_(other: TensorOrScalar): Tensor {
      return compare_(this, "less_", "lt", other);
    },
    lessEqual_(other: TensorOrScalar): Tensor {
      return compare_(this, "lessEqual_", "le", other);
    },
    notEqual_(other: TensorOrScalar): Tensor {
      return compare_(this, "notEqual_", "ne", other);
    },
    cumsum_(dim: number): Tensor {
      return cumulative_(this, "cumsum_", dim);
    },
    cumprod_(dim: number): Tensor {
      return cumulative_(this, "cumprod_", dim);
    },
    tril_(diagonal = 0): Tensor {
      return assignComputed(this, "tril_", (x) => x.tril(diagonal));
    },
    triu_(diagonal = 0): Tensor {
      return assignComputed(this, "triu_", (x) => x.triu(diagonal));
    },
    t_(): Tensor {
      return restride_(this, "t_", "TBackward1", (x) => x.t());
    },
    transpose_(dim0: number, dim1: number): Tensor {
      return restride_(this, "transpose_", "TransposeBackward1", (x) => x.transpose(dim0, dim1));
    },
    swapaxes_(axis0: number, axis1: number): Tensor {
      return restride_(this, "swapaxes_", "TransposeBackward1", (x) => x.transpose(axis0, axis1));
    },
    swapdims_(dim0: number, dim1: number): Tensor {
      return restride_(this, "swapdims_", "TransposeBackward1", (x) => x.transpose(dim0, dim1));
    },
    squeeze_(dim?: number | readonly number[]): Tensor {
      const name = dim === undefined ? "SqueezeBackward2" : "SqueezeBackward3";
      return restride_(this, "squeeze_", name, (x) => x.squeeze(dim));
    },
    unsqueeze_(dim: number): Tensor {
      return restride_(this, "unsqueeze_", "UnsqueezeBackward1", (x) => x.unsqueeze(dim));
    },
  };
}
