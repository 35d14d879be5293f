/**
 * `Tensor`'s in-place methods (`x.add_(y)`, `x.mul_(2)`, `x.clamp_(0)`, `x.fill_(1)`,
 * `x.copy_(y)`, ...): each computes its op out of place and writes the result into the tensor
 * (`ops/inplace.ts`'s `assignResult`, which checks and records the write). `Tensor` extends the
 * `TensorInPlaceMethods` interface declared here; `tensor.ts` installs the bodies on
 * `Tensor.prototype` (see its module doc).
 * @module
 */
import type { Tensor, TensorOrScalar } from "../tensor.ts";
import * as ew from "../ops/elementwise.ts";
import * as inplace from "../ops/inplace.ts";
import * as pw from "../ops/pointwise.ts";

/**
 * The in-place methods of every `Tensor` (PyTorch's trailing underscore): they write into the
 * tensor and return it.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.tensor([1, -2, 3]);
 * assertEquals(x.mul_(2).clamp_(0).toArray(), [2, 0, 6]);
 * x.zero_();
 * assertEquals(x.toArray(), [0, 0, 0]);
 * ```
 */
export interface TensorInPlaceMethods {
  /** In place: writes `torch.add(this, other, opts)` into this tensor and returns it. */
  add_(other: TensorOrScalar, opts?: { alpha?: number }): this;
  /** In place: writes `torch.sub(this, other, opts)` into this tensor and returns it. */
  sub_(other: TensorOrScalar, opts?: { alpha?: number }): this;
  /** In place: writes `torch.mul(this, other)` into this tensor and returns it. */
  mul_(other: TensorOrScalar): this;
  /** In place: writes `torch.div(this, other)` into this tensor and returns it. */
  div_(other: TensorOrScalar): this;
  /** In place: writes `torch.clamp(this, min, max)` into this tensor and returns it. */
  clamp_(min?: number | null, max?: number | null): this;
  /** In place: writes `torch.pow(this, exponent)` into this tensor and returns it. */
  pow_(exponent: TensorOrScalar): this;
  /** In place: writes `torch.neg(this)` into this tensor and returns it. */
  neg_(): this;
  /** In place: writes `torch.abs(this)` into this tensor and returns it. */
  abs_(): this;
  /** In place: writes `torch.exp(this)` into this tensor and returns it. */
  exp_(): this;
  /** In place: writes `torch.log(this)` into this tensor and returns it. */
  log_(): this;
  /** In place: writes `torch.sqrt(this)` into this tensor and returns it. */
  sqrt_(): this;
  /** In place: writes `torch.sigmoid(this)` into this tensor and returns it. */
  sigmoid_(): this;
  /** In place: writes `torch.tanh(this)` into this tensor and returns it. */
  tanh_(): this;
  /** In place: writes `torch.relu(this)` into this tensor and returns it. */
  relu_(): this;
  /** In place: writes `torch.floor(this)` into this tensor and returns it. */
  floor_(): this;
  /** In place: writes `torch.ceil(this)` into this tensor and returns it. */
  ceil_(): this;
  /** In place: writes `torch.round(this)` into this tensor and returns it. */
  round_(): this;
  /** In place: writes `torch.trunc(this)` into this tensor and returns it. */
  trunc_(): this;
  /** In place: writes `torch.maskedFill(this, mask, value)` into this tensor and returns it. */
  maskedFill_(mask: Tensor, value: number): this;
  /** In place: writes `torch.lerp(this, end, weight)` into this tensor and returns it. */
  lerp_(end: Tensor, weight: TensorOrScalar): this;
  /** In place: writes `torch.addcmul(this, tensor1, tensor2, opts)` into this tensor and returns it. */
  addcmul_(tensor1: Tensor, tensor2: Tensor, opts?: pw.AddcOptions): this;
  /** In place: writes `torch.addcdiv(this, tensor1, tensor2, opts)` into this tensor and returns it. */
  addcdiv_(tensor1: Tensor, tensor2: Tensor, opts?: pw.AddcOptions): this;
  /** Sets every element to `value`. */
  fill_(value: number | Tensor): this;
  /** Sets every element to 0. */
  zero_(): this;
  /** Copies `src` (broadcast to this shape, converted to this dtype) into this tensor. */
  copy_(src: Tensor): this;
}

/**
 * @internal The bodies of `TensorInPlaceMethods`, for `tensor.ts` to install on
 * `Tensor.prototype` (a function declaration, so it can be called whichever module of the import
 * circle loads first).
 */
export function inPlaceMethods(): TensorInPlaceMethods & ThisType<Tensor> {
  return {
    add_(other: TensorOrScalar, opts?: { alpha?: number }): Tensor {
      return inplace.assignResult(this, "add_", ew.add(this, other, opts));
    },
    sub_(other: TensorOrScalar, opts?: { alpha?: number }): Tensor {
      return inplace.assignResult(this, "sub_", ew.sub(this, other, opts));
    },
    mul_(other: TensorOrScalar): Tensor {
      return inplace.assignResult(this, "mul_", ew.mul(this, other));
    },
    div_(other: TensorOrScalar): Tensor {
      return inplace.assignResult(this, "div_", ew.div(this, other));
    },
    clamp_(min?: number | null, max?: number | null): Tensor {
      return inplace.assignResult(this, "clamp_", ew.clamp(this, min, max));
    },
    pow_(exponent: TensorOrScalar): Tensor {
      return inplace.assignResult(this, "pow_", ew.pow(this, exponent));
    },
    neg_(): Tensor {
      return inplace.assignResult(this, "neg_", ew.neg(this));
    },
    abs_(): Tensor {
      return inplace.assignResult(this, "abs_", ew.abs(this));
    },
    exp_(): Tensor {
      return inplace.assignResult(this, "exp_", ew.exp(this));
    },
    log_(): Tensor {
      return inplace.assignResult(this, "log_", ew.log(this));
    },
    sqrt_(): Tensor {
      return inplace.assignResult(this, "sqrt_", ew.sqrt(this));
    },
    sigmoid_(): Tensor {
      return inplace.assignResult(this, "sigmoid_", ew.sigmoid(this));
    },
    tanh_(): Tensor {
      return inplace.assignResult(this, "tanh_", ew.tanh(this));
    },
    relu_(): Tensor {
      return inplace.assignResult(this, "relu_", ew.relu(this));
    },
    floor_(): Tensor {
      return inplace.assignResult(this, "floor_", ew.floor(this));
    },
    ceil_(): Tensor {
      return inplace.assignResult(this, "ceil_", ew.ceil(this));
    },
    round_(): Tensor {
      return inplace.assignResult(this, "round_", ew.round(this));
    },
    trunc_(): Tensor {
      return inplace.assignResult(this, "trunc_", pw.trunc(this));
    },
    maskedFill_(mask: Tensor, value: number): Tensor {
      return inplace.assignResult(this, "maskedFill_", ew.maskedFill(this, mask, value));
    },
    lerp_(end: Tensor, weight: TensorOrScalar): Tensor {
      return inplace.assignResult(this, "lerp_", pw.lerp(this, end, weight));
    },
    addcmul_(tensor1: Tensor, tensor2: Tensor, opts?: pw.AddcOptions): Tensor {
      return inplace.assignResult(this, "addcmul_", pw.addcmul(this, tensor1, tensor2, opts));
    },
    addcdiv_(tensor1: Tensor, tensor2: Tensor, opts?: pw.AddcOptions): Tensor {
      return inplace.assignResult(this, "addcdiv_", pw.addcdiv(this, tensor1, tensor2, opts));
    },
    fill_(value: number | Tensor): Tensor {
      return inplace.fill_(this, value);
    },
    zero_(): Tensor {
      return inplace.fill_(this, 0);
    },
    copy_(src: Tensor): Tensor {
      return inplace.copy_(this, src);
    },
  };
}
