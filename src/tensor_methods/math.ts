/**
 * `Tensor`'s elementwise and linear-algebra methods (`x.add(y)`, `x.exp()`, `x.eq(y)`,
 * `x.matmul(w)`, ...): each calls its op in `ops/` with the tensor as the first operand.
 * `Tensor` extends the `TensorMathMethods` interface declared here; `tensor.ts` installs the
 * bodies on `Tensor.prototype` (see its module doc).
 * @module
 */
import type { Tensor, TensorOrScalar } from "../tensor.ts";
import * as ew from "../ops/elementwise.ts";
import * as mm from "../ops/matmul.ts";
import * as lg from "../ops/logical.ts";
import * as pw from "../ops/pointwise.ts";
import * as dvs from "../ops/division.ts";
import * as la from "../linalg/solve.ts";
import * as decomp from "../linalg/decomp_methods.ts";
import * as tr from "../ops/trig.ts";

/**
 * The elementwise and linear-algebra methods of every `Tensor`: arithmetic, comparison, unary
 * math, logic, `clamp` and `where`, and `matmul` with its kin.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.tensor([[1, 2], [3, 4]]);
 * assertEquals(x.add(1).mul(2).toArray(), [[4, 6], [8, 10]]);
 * assertEquals(x.gt(2).toArray(), [[false, false], [true, true]]);
 * assertEquals(x.matmul(x).toArray(), [[7, 10], [15, 22]]);
 * ```
 */
export interface TensorMathMethods {
  /** `torch.add(this, other, opts)`. */
  add(other: TensorOrScalar, opts?: { alpha?: number }): Tensor;
  /** `torch.sub(this, other, opts)`. */
  sub(other: TensorOrScalar, opts?: { alpha?: number }): Tensor;
  /** `torch.mul(this, other)`. */
  mul(other: TensorOrScalar): Tensor;
  /** `this / other`; with `{ roundingMode: "trunc" | "floor" }` the rounded quotient, as `torch.div`. */
  div(other: TensorOrScalar, opts?: dvs.DivOptions): Tensor;
  /** `torch.pow(this, exponent)`. */
  pow(exponent: TensorOrScalar): Tensor;
  /** Python's `this % other` (the result takes the divisor's sign), as `torch.remainder`. */
  remainder(other: TensorOrScalar): Tensor;
  /** C's `fmod(this, other)` (the result takes the dividend's sign), as `torch.fmod`. */
  fmod(other: TensorOrScalar): Tensor;
  /** Python's `this // other`, as `torch.floor_divide`. */
  floorDivide(other: TensorOrScalar): Tensor;
  /** `torch.maximum(this, other)`. */
  maximum(other: TensorOrScalar): Tensor;
  /** `torch.minimum(this, other)`. */
  minimum(other: TensorOrScalar): Tensor;
  /** `torch.eq(this, other)`. */
  eq(other: TensorOrScalar): Tensor;
  /** `torch.ne(this, other)`. */
  ne(other: TensorOrScalar): Tensor;
  /** `torch.lt(this, other)`. */
  lt(other: TensorOrScalar): Tensor;
  /** `torch.le(this, other)`. */
  le(other: TensorOrScalar): Tensor;
  /** `torch.gt(this, other)`. */
  gt(other: TensorOrScalar): Tensor;
  /** `torch.ge(this, other)`. */
  ge(other: TensorOrScalar): Tensor;
  /** `torch.neg(this)`. */
  neg(): Tensor;
  /** `torch.abs(this)`. */
  abs(): Tensor;
  /** `torch.exp(this)`. */
  exp(): Tensor;
  /** `torch.log(this)`. */
  log(): Tensor;
  /** `torch.log1p(this)`. */
  log1p(): Tensor;
  /** `torch.sqrt(this)`. */
  sqrt(): Tensor;
  /** `torch.rsqrt(this)`. */
  rsqrt(): Tensor;
  /** `torch.sin(this)`. */
  sin(): Tensor;
  /** `torch.cos(this)`. */
  cos(): Tensor;
  /** `torch.tanh(this)`. */
  tanh(): Tensor;
  /** `torch.sigmoid(this)`. */
  sigmoid(): Tensor;
  /** `torch.relu(this)`. */
  relu(): Tensor;
  /** `torch.sign(this)`. */
  sign(): Tensor;
  /** `torch.floor(this)`. */
  floor(): Tensor;
  /** `torch.ceil(this)`. */
  ceil(): Tensor;
  /** `torch.round(this)`. */
  round(): Tensor;
  /** `torch.trunc(this)`. */
  trunc(): Tensor;
  /** `torch.frac(this)`. */
  frac(): Tensor;
  /** `torch.tan(this)`. */
  tan(): Tensor;
  /** `torch.log2(this)`. */
  log2(): Tensor;
  /** `torch.log10(this)`. */
  log10(): Tensor;
  /** `torch.exp2(this)`. */
  exp2(): Tensor;
  /** `torch.expm1(this)`. */
  expm1(): Tensor;
  /** `torch.lerp(this, end, weight)`. */
  lerp(end: Tensor, weight: TensorOrScalar): Tensor;
  /** `torch.addcmul(this, tensor1, tensor2, opts)`. */
  addcmul(tensor1: Tensor, tensor2: Tensor, opts?: pw.AddcOptions): Tensor;
  /** `torch.addcdiv(this, tensor1, tensor2, opts)`. */
  addcdiv(tensor1: Tensor, tensor2: Tensor, opts?: pw.AddcOptions): Tensor;
  /** `torch.isnan(this)`. */
  isnan(): Tensor;
  /** `torch.isinf(this)`. */
  isinf(): Tensor;
  /** `torch.isposinf(this)`. */
  isposinf(): Tensor;
  /** `torch.isneginf(this)`. */
  isneginf(): Tensor;
  /** `torch.isfinite(this)`. */
  isfinite(): Tensor;
  /** `torch.logicalNot(this)`. */
  logicalNot(): Tensor;
  /** `torch.logicalAnd(this, other)`. */
  logicalAnd(other: Tensor): Tensor;
  /** `torch.logicalOr(this, other)`. */
  logicalOr(other: Tensor): Tensor;
  /** `torch.logicalXor(this, other)`. */
  logicalXor(other: Tensor): Tensor;
  /** `torch.isclose(this, other, opts)`. */
  isclose(other: Tensor, opts?: lg.CloseOptions): Tensor;
  /** Whether every element is close to `other`'s, as a JS boolean (CPU tensors). */
  allclose(other: Tensor, opts?: lg.CloseOptions): boolean;
  /** Whether `other` has this shape and these elements, as a JS boolean (CPU tensors). */
  equal(other: Tensor): boolean;
  /** `torch.square(this)`: `this * this`. */
  square(): Tensor;
  /** `torch.div(1, this)`. */
  reciprocal(): Tensor;
  /** `torch.clamp(this, min, max)`. */
  clamp(min?: number | null, max?: number | null): Tensor;
  /** `torch.where(condition, this, other)`. */
  where(condition: Tensor, other: TensorOrScalar): Tensor;
  /** `torch.maskedFill(this, mask, value)`. */
  maskedFill(mask: Tensor, value: number): Tensor;
  /** `torch.matmul(this, other)`. */
  matmul(other: Tensor): Tensor;
  /** `torch.mm(this, other)`. */
  mm(other: Tensor): Tensor;
  /** `torch.bmm(this, other)`. */
  bmm(other: Tensor): Tensor;
  /** `torch.dot(this, other)`. */
  dot(other: Tensor): Tensor;
  /** `torch.outer(this, other)`. */
  outer(other: Tensor): Tensor;
  /** `torch.linalg.inv(this)` (PyTorch's `x.inverse()`). */
  inverse(): Tensor;
  /** `torch.linalg.det(this)`. */
  det(): Tensor;
  /** `torch.qr(this, some)`: `{ Q, R }`. */
  qr(some?: boolean): decomp.QR;
  /** `torch.svd(this, some, computeUv)`: `{ U, S, V }`. */
  svd(some?: boolean, computeUv?: boolean): decomp.SVDV;
  /** `torch.pinverse(this, rcond)`. */
  pinverse(rcond?: number): Tensor;
  /** `torch.logdet(this)`. */
  logdet(): Tensor;
  /** `torch.linalg.slogdet(this)`: `{ sign, logabsdet }`. */
  slogdet(): decomp.SignLogAbsDet;
  /** `torch.linalg.matrixExp(this)` (PyTorch's `x.matrix_exp()`). */
  matrixExp(): Tensor;
  /** `torch.lu(this, pivot, getInfos)`: `{ LU, pivots, infos? }`. */
  lu(pivot?: boolean, getInfos?: boolean): decomp.TorchLu;
}

/**
 * @internal The bodies of `TensorMathMethods`, for `tensor.ts` to install on `Tensor.prototype`
 * (a function declaration, so it can be called whichever module of the import circle loads first).
 */
export function mathMethods(): TensorMathMethods & ThisType<Tensor> {
  return {
    add(other: TensorOrScalar, opts?: { alpha?: number }): Tensor {
      return ew.add(this, other, opts);
    },
    sub(other: TensorOrScalar, opts?: { alpha?: number }): Tensor {
      return ew.sub(this, other, opts);
    },
    mul(other: TensorOrScalar): Tensor {
      return ew.mul(this, other);
    },
    div(other: TensorOrScalar, opts?: dvs.DivOptions): Tensor {
      return opts === undefined ? ew.div(this, other) : dvs.div(this, other, opts);
    },
    pow(exponent: TensorOrScalar): Tensor {
      return ew.pow(this, exponent);
    },
    remainder(other: TensorOrScalar): Tensor {
      return dvs.remainder(this, other);
    },
    fmod(other: TensorOrScalar): Tensor {
      return dvs.fmod(this, other);
    },
    floorDivide(other: TensorOrScalar): Tensor {
      return dvs.floorDivide(this, other);
    },
    maximum(other: TensorOrScalar): Tensor {
      return ew.maximum(this, other);
    },
    minimum(other: TensorOrScalar): Tensor {
      return ew.minimum(this, other);
    },
    eq(other: TensorOrScalar): Tensor {
      return ew.eq(this, other);
    },
    ne(other: TensorOrScalar): Tensor {
      return ew.ne(this, other);
    },
    lt(other: TensorOrScalar): Tensor {
      return ew.lt(this, other);
    },
    le(other: TensorOrScalar): Tensor {
      return ew.le(this, other);
    },
    gt(other: TensorOrScalar): Tensor {
      return ew.gt(this, other);
    },
    ge(other: TensorOrScalar): Tensor {
      return ew.ge(this, other);
    },
    neg(): Tensor {
      return ew.neg(this);
    },
    abs(): Tensor {
      return ew.abs(this);
    },
    exp(): Tensor {
      return ew.exp(this);
    },
    log(): Tensor {
      return ew.log(this);
    },
    log1p(): Tensor {
      return ew.log1p(this);
    },
    sqrt(): Tensor {
      return ew.sqrt(this);
    },
    rsqrt(): Tensor {
      return ew.rsqrt(this);
    },
    sin(): Tensor {
      return ew.sin(this);
    },
    cos(): Tensor {
      return ew.cos(this);
    },
    tanh(): Tensor {
      return ew.tanh(this);
    },
    sigmoid(): Tensor {
      return ew.sigmoid(this);
    },
    relu(): Tensor {
      return ew.relu(this);
    },
    sign(): Tensor {
      return ew.sign(this);
    },
    floor(): Tensor {
      return ew.floor(this);
    },
    ceil(): Tensor {
      return ew.ceil(this);
    },
    round(): Tensor {
      return ew.round(this);
    },
    trunc(): Tensor {
      return pw.trunc(this);
    },
    frac(): Tensor {
      return pw.frac(this);
    },
    tan(): Tensor {
      return pw.tan(this);
    },
    log2(): Tensor {
      return pw.log2(this);
    },
    log10(): Tensor {
      return pw.log10(this);
    },
    exp2(): Tensor {
      return pw.exp2(this);
    },
    expm1(): Tensor {
      return pw.expm1(this);
    },
    lerp(end: Tensor, weight: TensorOrScalar): Tensor {
      return pw.lerp(this, end, weight);
    },
    addcmul(tensor1: Tensor, tensor2: Tensor, opts?: pw.AddcOptions): Tensor {
      return pw.addcmul(this, tensor1, tensor2, opts);
    },
    addcdiv(tensor1: Tensor, tensor2: Tensor, opts?: pw.AddcOptions): Tensor {
      return pw.addcdiv(this, tensor1, tensor2, opts);
    },
    isnan(): Tensor {
      return lg.isnan(this);
    },
    isinf(): Tensor {
      return lg.isinf(this);
    },
    isposinf(): Tensor {
      return lg.isposinf(this);
    },
    isneginf(): Tensor {
      return lg.isneginf(this);
    },
    isfinite(): Tensor {
      return lg.isfinite(this);
    },
    logicalNot(): Tensor {
      return lg.logicalNot(this);
    },
    logicalAnd(other: Tensor): Tensor {
      return lg.logicalAnd(this, other);
    },
    logicalOr(other: Tensor): Tensor {
      return lg.logicalOr(this, other);
    },
    logicalXor(other: Tensor): Tensor {
      return lg.logicalXor(this, other);
    },
    isclose(other: Tensor, opts?: lg.CloseOptions): Tensor {
      return lg.isclose(this, other, opts);
    },
    allclose(other: Tensor, opts?: lg.CloseOptions): boolean {
      return lg.allclose(this, other, opts);
    },
    equal(other: Tensor): boolean {
      return lg.equal(this, other);
    },
    square(): Tensor {
      return tr.square(this);
    },
    reciprocal(): Tensor {
      return ew.div(1, this);
    },
    clamp(min?: number | null, max?: number | null): Tensor {
      return ew.clamp(this, min, max);
    },
    where(condition: Tensor, other: TensorOrScalar): Tensor {
      return ew.where(condition, this, other);
    },
    maskedFill(mask: Tensor, value: number): Tensor {
      return ew.maskedFill(this, mask, value);
    },
    matmul(other: Tensor): Tensor {
      return mm.matmul(this, other);
    },
    mm(other: Tensor): Tensor {
      return mm.mm(this, other);
    },
    bmm(other: Tensor): Tensor {
      return mm.bmm(this, other);
    },
    dot(other: Tensor): Tensor {
      return mm.dot(this, other);
    },
    outer(other: Tensor): Tensor {
      return mm.outer(this, other);
    },
    inverse(): Tensor {
      return la.inv(this);
    },
    det(): Tensor {
      return la.det(this);
    },
    qr(some?: boolean): decomp.QR {
      return decomp.torchQr(this, some);
    },
    svd(some?: boolean, computeUv?: boolean): decomp.SVDV {
      return decomp.torchSvd(this, some, computeUv);
    },
    pinverse(rcond?: number): Tensor {
      return decomp.pinverse(this, rcond);
    },
    logdet(): Tensor {
      return decomp.logdet(this);
    },
    slogdet(): decomp.SignLogAbsDet {
      return la.slogdet(this);
    },
    matrixExp(): Tensor {
      return decomp.matrixExp(this);
    },
    lu(pivot?: boolean, getInfos?: boolean): decomp.TorchLu {
      return decomp.torchLu(this, pivot, getInfos);
    },
  };
}
