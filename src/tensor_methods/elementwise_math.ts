/**
 * `Tensor`'s methods of the elementwise math family (`x.asin()`, `x.sinh_()`, `x.deg2rad()`,
 * `x.clip(0, 1)`, `x.copysign(y)`, `x.logaddexp(y)`, `x.bitwiseAnd(y)`, ...): each calls its op
 * (`ops/trig.ts`, `ops/binary_math.ts`, `ops/bitwise.ts`) with the tensor as the first operand;
 * the in-place forms write the result into the tensor. `Tensor` extends the
 * `TensorElementwiseMathMethods` interface declared here; `tensor.ts` installs the bodies on
 * `Tensor.prototype` (see its module doc).
 * @module
 */
import type { Tensor, TensorOrScalar } from "../tensor.ts";
import * as tr from "../ops/trig.ts";
import * as bm from "../ops/binary_math.ts";
import * as bw from "../ops/bitwise.ts";
import type { DivOptions } from "../ops/division.ts";
import { assignResult } from "../ops/inplace.ts";

/**
 * Methods of every `Tensor` for inverse and hyperbolic trigonometry, angle conversion, `sgn`,
 * `signbit`, PyTorch's other names of arithmetic (`multiply`, `subtract`, `divide`, `clip`, ...),
 * `copysign`, `heaviside`, `fmax`/`fmin`, `logaddexp`, `floatPower`, `ldexp`, `nextafter`,
 * `gcd`/`lcm` and the bitwise ops, with their in-place forms where PyTorch has them.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.tensor([0, 0.5, 2]);
 * assertEquals(x.asinh().sinh().sub(x).abs().max().item() < 1e-6, true);
 * assertEquals(x.clip(0, 1).toArray(), [0, 0.5, 1]);
 * assertEquals(torch.tensor([12, 5]).bitwiseAnd(6).toArray(), [4, 4]);
 * ```
 */
export interface TensorElementwiseMathMethods {
  /** `torch.asin(this)`. */
  asin(): Tensor;
  /** In place: writes `torch.asin(this)` into this tensor and returns it. */
  asin_(): this;
  /** `torch.acos(this)`. */
  acos(): Tensor;
  /** In place: writes `torch.acos(this)` into this tensor and returns it. */
  acos_(): this;
  /** `torch.atan(this)`. */
  atan(): Tensor;
  /** In place: writes `torch.atan(this)` into this tensor and returns it. */
  atan_(): this;
  /** `torch.sinh(this)`. */
  sinh(): Tensor;
  /** In place: writes `torch.sinh(this)` into this tensor and returns it. */
  sinh_(): this;
  /** `torch.cosh(this)`. */
  cosh(): Tensor;
  /** In place: writes `torch.cosh(this)` into this tensor and returns it. */
  cosh_(): this;
  /** `torch.asinh(this)`. */
  asinh(): Tensor;
  /** In place: writes `torch.asinh(this)` into this tensor and returns it. */
  asinh_(): this;
  /** `torch.acosh(this)`. */
  acosh(): Tensor;
  /** In place: writes `torch.acosh(this)` into this tensor and returns it. */
  acosh_(): this;
  /** `torch.atanh(this)`. */
  atanh(): Tensor;
  /** In place: writes `torch.atanh(this)` into this tensor and returns it. */
  atanh_(): this;
  /** `torch.arcsin(this)`. */
  arcsin(): Tensor;
  /** In place: writes `torch.arcsin(this)` into this tensor and returns it. */
  arcsin_(): this;
  /** `torch.arccos(this)`. */
  arccos(): Tensor;
  /** In place: writes `torch.arccos(this)` into this tensor and returns it. */
  arccos_(): this;
  /** `torch.arctan(this)`. */
  arctan(): Tensor;
  /** In place: writes `torch.arctan(this)` into this tensor and returns it. */
  arctan_(): this;
  /** `torch.arcsinh(this)`. */
  arcsinh(): Tensor;
  /** In place: writes `torch.arcsinh(this)` into this tensor and returns it. */
  arcsinh_(): this;
  /** `torch.arccosh(this)`. */
  arccosh(): Tensor;
  /** In place: writes `torch.arccosh(this)` into this tensor and returns it. */
  arccosh_(): this;
  /** `torch.arctanh(this)`. */
  arctanh(): Tensor;
  /** In place: writes `torch.arctanh(this)` into this tensor and returns it. */
  arctanh_(): this;
  /** `torch.deg2rad(this)`. */
  deg2rad(): Tensor;
  /** In place: writes `torch.deg2rad(this)` into this tensor and returns it. */
  deg2rad_(): this;
  /** `torch.rad2deg(this)`. */
  rad2deg(): Tensor;
  /** In place: writes `torch.rad2deg(this)` into this tensor and returns it. */
  rad2deg_(): this;
  /** `torch.sgn(this)`. */
  sgn(): Tensor;
  /** In place: writes `torch.sgn(this)` into this tensor and returns it. */
  sgn_(): this;
  /** `torch.signbit(this)`. */
  signbit(): Tensor;
  /** In place: writes `torch.reciprocal(this)` into this tensor and returns it. */
  reciprocal_(): this;
  /** In place: writes `torch.square(this)` into this tensor and returns it. */
  square_(): this;
  /** `torch.positive(this)`: this tensor. */
  positive(): Tensor;
  /** `torch.negative(this)`. */
  negative(): Tensor;
  /** In place: writes `torch.negative(this)` into this tensor and returns it. */
  negative_(): this;
  /** `torch.absolute(this)`. */
  absolute(): Tensor;
  /** In place: writes `torch.absolute(this)` into this tensor and returns it. */
  absolute_(): this;
  /** `torch.fix(this)`. */
  fix(): Tensor;
  /** In place: writes `torch.fix(this)` into this tensor and returns it. */
  fix_(): this;
  /** `torch.multiply(this, other)`. */
  multiply(other: TensorOrScalar): Tensor;
  /** In place: writes `torch.multiply(this, other)` into this tensor and returns it. */
  multiply_(other: TensorOrScalar): this;
  /** `torch.subtract(this, other, opts)`. */
  subtract(other: TensorOrScalar, opts?: { alpha?: number }): Tensor;
  /** In place: writes `torch.subtract(this, other, opts)` into this tensor and returns it. */
  subtract_(other: TensorOrScalar, opts?: { alpha?: number }): this;
  /** `torch.divide(this, other, opts)`. */
  divide(other: TensorOrScalar, opts?: DivOptions): Tensor;
  /** In place: writes `torch.divide(this, other, opts)` into this tensor and returns it. */
  divide_(other: TensorOrScalar, opts?: DivOptions): this;
  /** `torch.trueDivide(this, other)`. */
  trueDivide(other: TensorOrScalar): Tensor;
  /** In place: writes `torch.trueDivide(this, other)` into this tensor and returns it. */
  trueDivide_(other: TensorOrScalar): this;
  /** `torch.clip(this, min, max)`. */
  clip(min?: number | null, max?: number | null): Tensor;
  /** In place: writes `torch.clip(this, min, max)` into this tensor and returns it. */
  clip_(min?: number | null, max?: number | null): this;
  /** `torch.clampMin(this, min)`. */
  clampMin(min: number): Tensor;
  /** In place: writes `torch.clampMin(this, min)` into this tensor and returns it. */
  clampMin_(min: number): this;
  /** `torch.clampMax(this, max)`. */
  clampMax(max: number): Tensor;
  /** In place: writes `torch.clampMax(this, max)` into this tensor and returns it. */
  clampMax_(max: number): this;
  /** `torch.copysign(this, other)`. */
  copysign(other: TensorOrScalar): Tensor;
  /** In place: writes `torch.copysign(this, other)` into this tensor and returns it. */
  copysign_(other: TensorOrScalar): this;
  /** `torch.heaviside(this, values)`. */
  heaviside(values: Tensor): Tensor;
  /** In place: writes `torch.heaviside(this, values)` into this tensor and returns it. */
  heaviside_(values: Tensor): this;
  /** `torch.fmax(this, other)`. */
  fmax(other: Tensor): Tensor;
  /** `torch.fmin(this, other)`. */
  fmin(other: Tensor): Tensor;
  /** `torch.logaddexp(this, other)`. */
  logaddexp(other: Tensor): Tensor;
  /** `torch.logaddexp2(this, other)`. */
  logaddexp2(other: Tensor): Tensor;
  /** `torch.ldexp(this, other)`. */
  ldexp(other: Tensor): Tensor;
  /** In place: writes `torch.ldexp(this, other)` into this tensor and returns it. */
  ldexp_(other: Tensor): this;
  /** `torch.nextafter(this, other)`. */
  nextafter(other: Tensor): Tensor;
  /** In place: writes `torch.nextafter(this, other)` into this tensor and returns it. */
  nextafter_(other: Tensor): this;
  /** `torch.gcd(this, other)`. */
  gcd(other: TensorOrScalar): Tensor;
  /** In place: writes `torch.gcd(this, other)` into this tensor and returns it. */
  gcd_(other: TensorOrScalar): this;
  /** `torch.lcm(this, other)`. */
  lcm(other: TensorOrScalar): Tensor;
  /** In place: writes `torch.lcm(this, other)` into this tensor and returns it. */
  lcm_(other: TensorOrScalar): this;
  /** `torch.frexp(this)`: `{ mantissa, exponent }`. */
  frexp(): bm.MantissaExponent;
  /** `torch.floatPower(this, exponent)` (float64). */
  floatPower(exponent: TensorOrScalar): Tensor;
  /** In place: writes `torch.floatPower(this, exponent)` into this float64 tensor and returns it. */
  floatPower_(exponent: TensorOrScalar): this;
  /** `torch.bitwiseAnd(this, other)`. */
  bitwiseAnd(other: TensorOrScalar): Tensor;
  /** In place: writes `torch.bitwiseAnd(this, other)` into this tensor and returns it. */
  bitwiseAnd_(other: TensorOrScalar): this;
  /** `torch.bitwiseOr(this, other)`. */
  bitwiseOr(other: TensorOrScalar): Tensor;
  /** In place: writes `torch.bitwiseOr(this, other)` into this tensor and returns it. */
  bitwiseOr_(other: TensorOrScalar): this;
  /** `torch.bitwiseXor(this, other)`. */
  bitwiseXor(other: TensorOrScalar): Tensor;
  /** In place: writes `torch.bitwiseXor(this, other)` into this tensor and returns it. */
  bitwiseXor_(other: TensorOrScalar): this;
  /** `torch.bitwiseLeftShift(this, other)`. */
  bitwiseLeftShift(other: TensorOrScalar): Tensor;
  /** In place: writes `torch.bitwiseLeftShift(this, other)` into this tensor and returns it. */
  bitwiseLeftShift_(other: TensorOrScalar): this;
  /** `torch.bitwiseRightShift(this, other)`. */
  bitwiseRightShift(other: TensorOrScalar): Tensor;
  /** In place: writes `torch.bitwiseRightShift(this, other)` into this tensor and returns it. */
  bitwiseRightShift_(other: TensorOrScalar): this;
  /** `torch.bitwiseNot(this)`. */
  bitwiseNot(): Tensor;
  /** In place: writes `torch.bitwiseNot(this)` into this tensor and returns it. */
  bitwiseNot_(): this;
}

/** `float_power_` writes float64 only: PyTorch refuses other dtypes before computing. */
function floatPowerInPlace(t: Tensor, exponent: TensorOrScalar): Tensor {
  if (t.dtype !== "float64") {
    throw new TypeError(
      `floatPower_: the base given to floatPower_ has dtype ${t.dtype} but the operation's result requires ` +
        `dtype float64 (as PyTorch)`,
    );
  }
  return bm.floatPower(t, exponent);
}

/**
 * @internal The bodies of `TensorElementwiseMathMethods`, for `tensor.ts` to install on
 * `Tensor.prototype`.
 */
export function elementwiseMathMethods(): TensorElementwiseMathMethods & ThisType<Tensor> {
  return {
    asin(): Tensor {
      return tr.asin(this);
    },
    asin_() {
      return assignResult(this, "asin_", tr.asin(this));
    },
    acos(): Tensor {
      return tr.acos(this);
    },
    acos_() {
      return assignResult(this, "acos_", tr.acos(this));
    },
    atan(): Tensor {
      return tr.atan(this);
    },
    atan_() {
      return assignResult(this, "atan_", tr.atan(this));
    },
    sinh(): Tensor {
      return tr.sinh(this);
    },
    sinh_() {
      return assignResult(this, "sinh_", tr.sinh(this));
    },
    cosh(): Tensor {
      return tr.cosh(this);
    },
    cosh_() {
      return assignResult(this, "cosh_", tr.cosh(this));
    },
    asinh(): Tensor {
      return tr.asinh(this);
    },
    asinh_() {
      return assignResult(this, "asinh_", tr.asinh(this));
    },
    acosh(): Tensor {
      return tr.acosh(this);
    },
    acosh_() {
      return assignResult(this, "acosh_", tr.acosh(this));
    },
    atanh(): Tensor {
      return tr.atanh(this);
    },
    atanh_() {
      return assignResult(this, "atanh_", tr.atanh(this));
    },
    arcsin(): Tensor {
      return tr.arcsin(this);
    },
    arcsin_() {
      return assignResult(this, "arcsin_", tr.arcsin(this));
    },
    arccos(): Tensor {
      return tr.arccos(this);
    },
    arccos_() {
      return assignResult(this, "arccos_", tr.arccos(this));
    },
    arctan(): Tensor {
      return tr.arctan(this);
    },
    arctan_() {
      return assignResult(this, "arctan_", tr.arctan(this));
    },
    arcsinh(): Tensor {
      return tr.arcsinh(this);
    },
    arcsinh_() {
      return assignResult(this, "arcsinh_", tr.arcsinh(this));
    },
    arccosh(): Tensor {
      return tr.arccosh(this);
    },
    arccosh_() {
      return assignResult(this, "arccosh_", tr.arccosh(this));
    },
    arctanh(): Tensor {
      return tr.arctanh(this);
    },
    arctanh_() {
      return assignResult(this, "arctanh_", tr.arctanh(this));
    },
    deg2rad(): Tensor {
      return tr.deg2rad(this);
    },
    deg2rad_() {
      return assignResult(this, "deg2rad_", tr.deg2rad(this));
    },
    rad2deg(): Tensor {
      return tr.rad2deg(this);
    },
    rad2deg_() {
      return assignResult(this, "rad2deg_", tr.rad2deg(this));
    },
    sgn(): Tensor {
      return tr.sgn(this);
    },
    sgn_() {
      return assignResult(this, "sgn_", tr.sgn(this));
    },
    signbit(): Tensor {
      return tr.signbit(this);
    },
    reciprocal_() {
      return assignResult(this, "reciprocal_", tr.reciprocal(this));
    },
    square_() {
      return assignResult(this, "square_", tr.square(this));
    },
    positive(): Tensor {
      return tr.positive(this);
    },
    negative(): Tensor {
      return tr.negative(this);
    },
    negative_() {
      return assignResult(this, "negative_", tr.negative(this));
    },
    absolute(): Tensor {
      return tr.absolute(this);
    },
    absolute_() {
      return assignResult(this, "absolute_", tr.absolute(this));
    },
    fix(): Tensor {
      return tr.fix(this);
    },
    fix_() {
      return assignResult(this, "fix_", tr.fix(this));
    },
    multiply(other: TensorOrScalar): Tensor {
      return bm.multiply(this, other);
    },
    multiply_(other: TensorOrScalar) {
      return assignResult(this, "multiply_", bm.multiply(this, other));
    },
    subtract(other: TensorOrScalar, opts?: { alpha?: number }): Tensor {
      return bm.subtract(this, other, opts);
    },
    subtract_(other: TensorOrScalar, opts?: { alpha?: number }) {
      return assignResult(this, "subtract_", bm.subtract(this, other, opts));
    },
    divide(other: TensorOrScalar, opts?: DivOptions): Tensor {
      return bm.divide(this, other, opts);
    },
    divide_(other: TensorOrScalar, opts?: DivOptions) {
      return assignResult(this, "divide_", bm.divide(this, other, opts));
    },
    trueDivide(other: TensorOrScalar): Tensor {
      return bm.trueDivide(this, other);
    },
    trueDivide_(other: TensorOrScalar) {
      return assignResult(this, "trueDivide_", bm.trueDivide(this, other));
    },
    clip(min?: number | null, max?: number | null): Tensor {
      return bm.clip(this, min, max);
    },
    clip_(min?: number | null, max?: number | null) {
      return assignResult(this, "clip_", bm.clip(this, min, max));
    },
    clampMin(min: number): Tensor {
      return bm.clampMin(this, min);
    },
    clampMin_(min: number) {
      return assignResult(this, "clampMin_", bm.clampMin(this, min));
    },
    clampMax(max: number): Tensor {
      return bm.clampMax(this, max);
    },
    clampMax_(max: number) {
      return assignResult(this, "clampMax_", bm.clampMax(this, max));
    },
    copysign(other: TensorOrScalar): Tensor {
      return bm.copysign(this, other);
    },
    copysign_(other: TensorOrScalar) {
      return assignResult(this, "copysign_", bm.copysign(this, other));
    },
    heaviside(values: Tensor): Tensor {
      return bm.heaviside(this, values);
    },
    heaviside_(values: Tensor) {
      return assignResult(this, "heaviside_", bm.heaviside(this, values));
    },
    fmax(other: Tensor): Tensor {
      return bm.fmax(this, other);
    },
    fmin(other: Tensor): Tensor {
      return bm.fmin(this, other);
    },
    logaddexp(other: Tensor): Tensor {
      return bm.logaddexp(this, other);
    },
    logaddexp2(other: Tensor): Tensor {
      return bm.logaddexp2(this, other);
    },
    ldexp(other: Tensor): Tensor {
      return bm.ldexp(this, other);
    },
    ldexp_(other: Tensor) {
      return assignResult(this, "ldexp_", bm.ldexp(this, other));
    },
    nextafter(other: Tensor): Tensor {
      return bm.nextafter(this, other);
    },
    nextafter_(other: Tensor) {
      return assignResult(this, "nextafter_", bm.nextafter(this, other));
    },
    gcd(other: TensorOrScalar): Tensor {
      return bm.gcd(this, other);
    },
    gcd_(other: TensorOrScalar) {
      return assignResult(this, "gcd_", bm.gcd(this, other));
    },
    lcm(other: TensorOrScalar): Tensor {
      return bm.lcm(this, other);
    },
    lcm_(other: TensorOrScalar) {
      return assignResult(this, "lcm_", bm.lcm(this, other));
    },
    frexp(): bm.MantissaExponent {
      return bm.frexp(this);
    },
    floatPower(exponent: TensorOrScalar): Tensor {
      return bm.floatPower(this, exponent);
    },
    floatPower_(exponent: TensorOrScalar) {
      return assignResult(this, "floatPower_", floatPowerInPlace(this, exponent));
    },
    bitwiseAnd(other: TensorOrScalar): Tensor {
      return bw.bitwiseAnd(this, other);
    },
    bitwiseAnd_(other: TensorOrScalar) {
      return assignResult(this, "bitwiseAnd_", bw.bitwiseAnd(this, other));
    },
    bitwiseOr(other: TensorOrScalar): Tensor {
      return bw.bitwiseOr(this, other);
    },
    bitwiseOr_(other: TensorOrScalar) {
      return assignResult(this, "bitwiseOr_", bw.bitwiseOr(this, other));
    },
    bitwiseXor(other: TensorOrScalar): Tensor {
      return bw.bitwiseXor(this, other);
    },
    bitwiseXor_(other: TensorOrScalar) {
      return assignResult(this, "bitwiseXor_", bw.bitwiseXor(this, other));
    },
    bitwiseLeftShift(other: TensorOrScalar): Tensor {
      return bw.bitwiseLeftShift(this, other);
    },
    bitwiseLeftShift_(other: TensorOrScalar) {
      return assignResult(this, "bitwiseLeftShift_", bw.bitwiseLeftShift(this, other));
    },
    bitwiseRightShift(other: TensorOrScalar): Tensor {
      return bw.bitwiseRightShift(this, other);
    },
    bitwiseRightShift_(other: TensorOrScalar) {
      return assignResult(this, "bitwiseRightShift_", bw.bitwiseRightShift(this, other));
    },
    bitwiseNot(): Tensor {
      return bw.bitwiseNot(this);
    },
    bitwiseNot_() {
      return assignResult(this, "bitwiseNot_", bw.bitwiseNot(this));
    },
  } as TensorElementwiseMathMethods & ThisType<Tensor>;
}
