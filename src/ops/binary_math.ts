/**
 * Elementwise functions of two tensors beyond arithmetic: `copysign`, `heaviside`, `fmax`/`fmin`
 * (NaN-ignoring), `logaddexp`/`logaddexp2`, `floatPower`, `ldexp`, `nextafter`, `gcd`/`lcm`;
 * and PyTorch's other names of existing ops (`multiply`, `subtract`, `divide`, `trueDivide`,
 * `clip`, `clampMin`, `clampMax`). Broadcasting and type promotion as PyTorch 1.13; `copysign`,
 * `nextafter` and `gcd` are kernels on both devices, the rest composites of existing kernels.
 * @module
 */
import { refuseComplex } from "../complex/core.ts";
import { isFloating } from "../dtype.ts";
import { Tensor, type TensorOrScalar } from "../tensor.ts";
import { describeValue } from "../backends/contract.ts";
import { inFrameOf } from "../memory.ts";
import * as ew from "./elementwise.ts";
import { binaryOp, resultType } from "./elementwise.ts";
import * as dvs from "./division.ts";
import { exp2 } from "./pointwise.ts";
import { isinf, isnan, logicalAnd } from "./logical.ts";
import { named, recordComposite } from "./dispatch.ts";
import { asOp } from "./naming.ts";
import { expectFloatOperands } from "./elementwise_more.ts";

/** Throws unless each named argument is a tensor. */
function checkTensors(op: string, args: Record<string, unknown>): void {
  for (const [name, x] of Object.entries(args)) {
    if (!(x instanceof Tensor)) {
      throw new TypeError(`${op}: argument '${name}' must be a tensor, got ${describeValue(x)}`);
    }
  }
}

/** Throws unless `x` is a tensor or a number (argument `name` of `op`). */
function checkOperand(op: string, name: string, x: unknown): void {
  if (!(x instanceof Tensor) && typeof x !== "number") {
    throw new TypeError(`${op}: argument '${name}' must be a tensor or a number, got ${describeValue(x)}`);
  }
}

/** Refuses float and bool operands (PyTorch's integer-only kernels). */
function intOnly(op: string, a: TensorOrScalar, b: TensorOrScalar): void {
  const dtype = resultType(a, b);
  if (isFloating(dtype) || dtype === "bool") {
    throw new TypeError(
      `${op}: expects integer tensors, got ${dtype} (PyTorch has no ${dtype} kernel for it either)`,
    );
  }
}

// ---- PyTorch's other names ----------------------------------------------------------------

/**
 * PyTorch's other name of `mul`: `a * b`, broadcasting.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.multiply(torch.tensor([1, 2]), 3).toArray(), [3, 6]);
 * ```
 */
export function multiply(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  return asOp("multiply", () => ew.mul(a, b));
}

/**
 * PyTorch's other name of `sub`: `a - alpha * b`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.subtract(torch.tensor([5, 6]), 1, { alpha: 2 }).toArray(), [3, 4]);
 * ```
 */
export function subtract(a: TensorOrScalar, b: TensorOrScalar, opts: { alpha?: number } = {}): Tensor {
  return asOp("subtract", () => ew.sub(a, b, opts));
}

/**
 * PyTorch's other name of `div`: true division, or the rounded quotient with `roundingMode`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.divide(torch.tensor([-7, 7]), 2).toArray(), [-3.5, 3.5]);
 * assertEquals(torch.divide(torch.tensor([-7, 7]), 2, { roundingMode: "floor" }).toArray(), [-4, 3]);
 * ```
 */
export function divide(a: TensorOrScalar, b: TensorOrScalar, opts: dvs.DivOptions = {}): Tensor {
  return asOp("divide", () => dvs.div(a, b, opts));
}

/**
 * PyTorch's `true_divide`: `div` without rounding (integers divide in float32).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.trueDivide(torch.tensor([1, 3]), 2).toArray(), [0.5, 1.5]);
 * ```
 */
export function trueDivide(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  return asOp("trueDivide", () => ew.div(a, b));
}

/**
 * PyTorch's other name of `clamp`: every element limited to `[min, max]`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.clip(torch.tensor([-2, 0.5, 3]), 0, 1).toArray(), [0, 0.5, 1]);
 * ```
 */
export function clip(x: Tensor, min?: number | null, max?: number | null): Tensor {
  return asOp("clip", () => ew.clamp(x, min, max));
}

/**
 * `clamp(x, min)`: every element at least `min`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.clampMin(torch.tensor([-2, 0.5, 3]), 0).toArray(), [0, 0.5, 3]);
 * ```
 */
export function clampMin(x: Tensor, min: number): Tensor {
  return asOp("clampMin", () => {
    if (typeof min !== "number") {
      throw new TypeError(`clampMin: min must be a number, got ${describeValue(min)}`);
    }
    return named(ew.clamp(x, min, null), "ClampMinBackward0", x);
  });
}

/**
 * `clamp(x, null, max)`: every element at most `max`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.clampMax(torch.tensor([-2, 0.5, 3]), 1).toArray(), [-2, 0.5, 1]);
 * ```
 */
export function clampMax(x: Tensor, max: number): Tensor {
  return asOp("clampMax", () => {
    if (typeof max !== "number") {
      throw new TypeError(`clampMax: max must be a number, got ${describeValue(max)}`);
    }
    return named(ew.clamp(x, null, max), "ClampMaxBackward0", x);
  });
}

// ---- binary functions ----------------------------------------------------------------------

/** Integer and bool tensors as float32 (a float operand, or a number, is left as it is). */
function toFloat(x: TensorOrScalar): TensorOrScalar {
  return x instanceof Tensor && !isFloating(x.dtype) ? x.to("float32") : x;
}

/**
 * The magnitude of `input` with the sign of `other` (the sign bit: -0 and a negative NaN count
 * as negative), broadcasting; integers give float32. Gradient `g * input / result` for `input`
 * (0 where it is 0), none for `other`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const mag = torch.tensor([1, -2, 3], { dtype: "float32" });
 * assertEquals(torch.copysign(mag, torch.tensor([-1, 1, -0], { dtype: "float32" })).toArray(), [-1, 2, -3]);
 * ```
 */
export function copysign(input: Tensor, other: TensorOrScalar): Tensor {
  return inFrameOf(() => {
    checkTensors("copysign", { input });
    checkOperand("copysign", "other", other);
    if (isFloating(resultType(input, other))) return binaryOp("copysign", input, other);
    return binaryOp("copysign", toFloat(input), toFloat(other));
  });
}

/**
 * The Heaviside step: 0 where `input < 0`, `values` where it is 0, 1 where it is positive (NaN
 * gives 0); both of one dtype, broadcasting. Not differentiable (as PyTorch).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.heaviside(torch.tensor([-1.5, 0, 2.5]), torch.tensor([0.5])).toArray(), [0, 0.5, 1]);
 * ```
 */
export function heaviside(input: Tensor, values: Tensor): Tensor {
  return asOp("heaviside", () =>
    inFrameOf(() => {
      checkTensors("heaviside", { input, values });
      if (input.dtype !== values.dtype) {
        throw new TypeError(
          `heaviside: input is ${input.dtype} but values is ${values.dtype}; ` +
            `give both the same dtype (PyTorch refuses mixed dtypes here too)`,
        );
      }
      return recordComposite("heaviside", [input, values], {}, () => {
        const step = input.dtype === "bool" ? input : ew.gt(input, 0).to(input.dtype);
        return ew.where(ew.eq(input, 0), values, step);
      });
    }));
}

function nanIgnoring(op: "fmax" | "fmin", a: Tensor, b: Tensor): Tensor {
  return asOp(op, () =>
    inFrameOf(() => {
      checkTensors(op, { input: a, other: b });
      const extreme = op === "fmax" ? ew.maximum : ew.minimum;
      return recordComposite(op, [a, b], {}, () => {
        if (!isFloating(resultType(a, b))) return extreme(a, b);
        return ew.where(isnan(b), a, ew.where(isnan(a), b, extreme(a, b)));
      });
    }));
}

/**
 * Elementwise maximum that ignores NaN (NaN only where both are NaN), broadcasting. The gradient
 * goes to `input` where `input >= other` or `other` is NaN, to `other` elsewhere (ties: `input`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const r = torch.fmax(torch.tensor([NaN, 1, NaN]), torch.tensor([2, NaN, NaN]));
 * assertEquals(r.toArray(), [2, 1, NaN]);
 * ```
 */
export function fmax(input: Tensor, other: Tensor): Tensor {
  return nanIgnoring("fmax", input, other);
}

/**
 * Elementwise minimum that ignores NaN (NaN only where both are NaN), broadcasting. The gradient
 * goes to `input` where `input <= other` or `other` is NaN, to `other` elsewhere (ties: `input`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const r = torch.fmin(torch.tensor([NaN, 1, NaN]), torch.tensor([2, NaN, NaN]));
 * assertEquals(r.toArray(), [2, 1, NaN]);
 * ```
 */
export function fmin(input: Tensor, other: Tensor): Tensor {
  return nanIgnoring("fmin", input, other);
}

function logAddExpBase(op: "logaddexp" | "logaddexp2", a: Tensor, b: Tensor): Tensor {
  return asOp(op, () =>
    inFrameOf(() => {
      checkTensors(op, { input: a, other: b });
      expectFloatOperands(op, a, b);
      return recordComposite(op, [a, b], {}, () => {
        const m = ew.maximum(a, b);
        const e = ew.neg(ew.abs(ew.sub(a, b)));
        const tail = op === "logaddexp" ? ew.log1p(ew.exp(e)) : ew.div(ew.log1p(exp2(e)), Math.LN2);
        // Equal infinities: the sum is that infinity (their difference would be NaN).
        return ew.where(logicalAnd(isinf(a), ew.eq(a, b)), a, ew.add(m, tail));
      });
    }));
}

/**
 * `log(exp(input) + exp(other))` without overflow or underflow (`max + log1p(exp(-|a - b|))`),
 * broadcasting; floating-point tensors only, as PyTorch. Gradients `g / (1 + exp(other - input))`
 * and `g / (1 + exp(input - other))`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const r = torch.logaddexp(torch.tensor([1000, -Infinity]), torch.tensor([1000, -Infinity]));
 * assertEquals(r.toArray(), [Math.fround(1000 + Math.LN2), -Infinity]);
 * ```
 */
export function logaddexp(input: Tensor, other: Tensor): Tensor {
  return logAddExpBase("logaddexp", input, other);
}

/**
 * `log2(2^input + 2^other)` without overflow or underflow, broadcasting; floating-point tensors
 * only. Gradients `g / (1 + 2^(other - input))` and `g / (1 + 2^(input - other))`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.tensor([3, 200], { dtype: "float32" });
 * assertEquals(torch.logaddexp2(x, x).toArray(), [4, 201]);
 * ```
 */
export function logaddexp2(input: Tensor, other: Tensor): Tensor {
  return logAddExpBase("logaddexp2", input, other);
}

/**
 * `input ** exponent` computed in float64 whatever the operands' dtypes, as PyTorch's
 * `float_power` (the result is float64, so both operands must be on the cpu: WGSL has no
 * 64-bit floats). Gradients as `pow`'s.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const r = torch.floatPower(torch.tensor([2, 3]), 2);
 * assertEquals([r.dtype, r.toArray()], ["float64", [4, 9]]);
 * ```
 */
export function floatPower(input: TensorOrScalar, exponent: TensorOrScalar): Tensor {
  return asOp("floatPower", () =>
    inFrameOf(() => {
      checkOperand("floatPower", "input", input);
      checkOperand("floatPower", "exponent", exponent);
      if (!(input instanceof Tensor) && !(exponent instanceof Tensor)) {
        throw new TypeError("floatPower: expected at least one tensor operand, got two numbers");
      }
      for (const x of [input, exponent]) {
        if (x instanceof Tensor && x.device !== "cpu") {
          throw new TypeError(
            `floatPower: computes in float64, which the ${x.device} lacks (WGSL has no 64-bit floats); ` +
              `use the cpu, or torch.pow in float32`,
          );
        }
      }
      const f64 = (x: TensorOrScalar) => (x instanceof Tensor ? x.to("float64") : x);
      return ew.pow(f64(input), f64(exponent));
    }));
}

/**
 * `input * 2 ** other` (PyTorch's `ldexp`; integer inputs give float32). Gradients as the
 * product's.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.ldexp(torch.tensor([1, 0.75]), torch.tensor([3, -2])).toArray(), [8, 0.1875]);
 * ```
 */
export function ldexp(input: Tensor, other: Tensor): Tensor {
  refuseComplex("ldexp", input, other);
  return asOp("ldexp", () =>
    inFrameOf(() => {
      checkTensors("ldexp", { input, other });
      return ew.mul(input, ew.pow(2, toFloat(other)));
    }));
}

/**
 * The next representable value after `input` in the direction of `other` (`other` itself where
 * they are equal), broadcasting; floating-point tensors only. Not differentiable (as PyTorch).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const r = torch.nextafter(torch.tensor([1, 0], { dtype: "float64" }), torch.tensor([2, -1], { dtype: "float64" }));
 * assertEquals(r.toArray(), [1 + Number.EPSILON, -Number.MIN_VALUE]);
 * ```
 */
export function nextafter(input: Tensor, other: Tensor): Tensor {
  return inFrameOf(() => {
    checkTensors("nextafter", { input, other });
    expectFloatOperands("nextafter", input, other);
    return binaryOp("nextafter", input, other);
  });
}

/**
 * Greatest common divisor of integer tensors, elementwise and non-negative (`gcd(0, 0) = 0`),
 * broadcasting.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.gcd(torch.tensor([12, -4, 0]), torch.tensor([18, 6, 0])).toArray(), [6, 2, 0]);
 * ```
 */
export function gcd(input: Tensor, other: TensorOrScalar): Tensor {
  return inFrameOf(() => {
    checkTensors("gcd", { input });
    checkOperand("gcd", "other", other);
    intOnly("gcd", input, other);
    return binaryOp("gcd", input, other);
  });
}

/**
 * Least common multiple of integer tensors, elementwise and non-negative (0 when either is 0),
 * broadcasting; wraps on int32 overflow, as PyTorch's integers do.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.lcm(torch.tensor([4, -6, 0]), torch.tensor([6, 4, 5])).toArray(), [12, 12, 0]);
 * ```
 */
export function lcm(input: Tensor, other: TensorOrScalar): Tensor {
  return asOp("lcm", () =>
    inFrameOf(() => {
      checkTensors("lcm", { input });
      checkOperand("lcm", "other", other);
      intOnly("lcm", input, other);
      const g = binaryOp("gcd", input, other);
      const zero = ew.eq(g, 0);
      // a / gcd is exact, so floor division is the quotient; a zero gcd (both 0) gives 0.
      const q = dvs.floorDivide(input, ew.where(zero, 1, g));
      return ew.where(zero, 0, ew.abs(ew.mul(q, other)));
    }));
}

/** The result of {@link frexp}: PyTorch's named tuple `(mantissa, exponent)`. */
export interface MantissaExponent {
  /** `input / 2 ** exponent`, in [0.5, 1) in magnitude (0, infinities and NaN as given). */
  mantissa: Tensor;
  /** The int32 power of two (0 for 0, infinities and NaN). */
  exponent: Tensor;
}

/**
 * Splits floats into mantissa and exponent, `input = mantissa * 2 ** exponent` with `|mantissa|`
 * in [0.5, 1) (C's `frexp`; subnormals included), as PyTorch's `torch.frexp`: the mantissa keeps
 * the input's dtype, the exponent is int32. The mantissa's gradient is `g / 2 ** exponent`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const { mantissa, exponent } = torch.frexp(torch.tensor([8, -3, 0.1875]));
 * assertEquals(mantissa.toArray(), [0.5, -0.75, 0.75]);
 * assertEquals(exponent.toArray(), [4, 2, -2]);
 * ```
 */
export function frexp(input: Tensor): MantissaExponent {
  return inFrameOf(() => {
    checkTensors("frexp", { input });
    if (!isFloating(input.dtype)) {
      throw new TypeError(
        `frexp: only supports floating-point dtypes (as PyTorch), got ${input.dtype}; convert with .float() first`,
      );
    }
    const mantissa = named(ew.unaryOp("frexpMantissa", input), "FrexpBackward0", input);
    const exponent = ew.unaryOp("frexpExponent", input.detach()).to("int32");
    return { mantissa, exponent };
  });
}
