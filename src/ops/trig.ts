/**
 * Inverse and hyperbolic trigonometry (`asin` ... `atanh` and NumPy's `arcsin` ... `arctanh`
 * names), angle conversion (`deg2rad`, `rad2deg`) and the small unary functions PyTorch has under
 * several names (`sgn`, `signbit`, `reciprocal`, `square`, `positive`, `negative`, `absolute`,
 * `fix`). The trigonometric ones are kernels on both devices (assembly/elementwise_math.ts,
 * wgsl/elementwise_math.wgsl) with PyTorch's derivatives; integer and bool inputs compute in
 * float32, as PyTorch.
 * @module
 */
import { complexSgn } from "../complex/arith.ts";
import { refuseComplex } from "../complex/core.ts";
import type { UnaryOp } from "../backends/backend.ts";
import { describeValue } from "../backends/contract.ts";
import { isFloating } from "../dtype.ts";
import { Tensor } from "../tensor.ts";
import { inFrameOf } from "../memory.ts";
import * as ew from "./elementwise.ts";
import { binaryOp } from "./elementwise.ts";
import { trunc } from "./pointwise.ts";
import { clone } from "./movement.ts";
import { named } from "./dispatch.ts";
import { asOp } from "./naming.ts";

/** @internal Throws unless `x` is a tensor (argument `input` of `op`). */
export function checkInput(op: string, x: unknown): asserts x is Tensor {
  if (!(x instanceof Tensor)) {
    throw new TypeError(`${op}: argument 'input' must be a tensor, got ${describeValue(x)}`);
  }
}

function kernel(op: UnaryOp, x: Tensor): Tensor {
  return inFrameOf(() => {
    checkInput(op, x);
    return ew.unaryOp(op, x);
  });
}

/**
 * Arcsine, elementwise, in `[-pi/2, pi/2]`; NaN outside `[-1, 1]`. Gradient `g / sqrt(1 - x²)`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.asin(torch.tensor([0, 1, 2])).toArray(), [0, Math.fround(Math.PI / 2), NaN]);
 * ```
 */
export function asin(x: Tensor): Tensor {
  return kernel("asin", x);
}
/**
 * Arccosine, elementwise, in `[0, pi]`; NaN outside `[-1, 1]`. Gradient `-g / sqrt(1 - x²)`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.acos(torch.tensor([1, -1, 2])).toArray(), [0, Math.fround(Math.PI), NaN]);
 * ```
 */
export function acos(x: Tensor): Tensor {
  return kernel("acos", x);
}
/**
 * Arctangent, elementwise, in `(-pi/2, pi/2)`. Gradient `g / (1 + x²)`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.atan(torch.tensor([0, Infinity])).toArray(), [0, Math.fround(Math.PI / 2)]);
 * ```
 */
export function atan(x: Tensor): Tensor {
  return kernel("atan", x);
}
/**
 * Hyperbolic sine, elementwise. Gradient `g * cosh(x)`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.sinh(torch.tensor([0, -Infinity])).toArray(), [0, -Infinity]);
 * ```
 */
export function sinh(x: Tensor): Tensor {
  return kernel("sinh", x);
}
/**
 * Hyperbolic cosine, elementwise. Gradient `g * sinh(x)`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.cosh(torch.tensor([0, -Infinity])).toArray(), [1, Infinity]);
 * ```
 */
export function cosh(x: Tensor): Tensor {
  return kernel("cosh", x);
}
/**
 * Inverse hyperbolic sine, elementwise. Gradient `g / sqrt(x² + 1)`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.asinh(torch.tensor([0, -Infinity])).toArray(), [0, -Infinity]);
 * ```
 */
export function asinh(x: Tensor): Tensor {
  return kernel("asinh", x);
}
/**
 * Inverse hyperbolic cosine, elementwise; NaN below 1. Gradient `g / sqrt(x² - 1)`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.acosh(torch.tensor([1, 0.5])).toArray(), [0, NaN]);
 * ```
 */
export function acosh(x: Tensor): Tensor {
  return kernel("acosh", x);
}
/**
 * Inverse hyperbolic tangent, elementwise: ±infinity at ±1, NaN outside `[-1, 1]`. Gradient
 * `g / (1 - x²)`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.atanh(torch.tensor([0, 1, -1, 2])).toArray(), [0, Infinity, -Infinity, NaN]);
 * ```
 */
export function atanh(x: Tensor): Tensor {
  return kernel("atanh", x);
}

/**
 * NumPy's name of {@link asin}.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.arcsin(torch.tensor([0])).toArray(), [0]);
 * ```
 */
export function arcsin(x: Tensor): Tensor {
  return asin(x);
}
/**
 * NumPy's name of {@link acos}.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.arccos(torch.tensor([1])).toArray(), [0]);
 * ```
 */
export function arccos(x: Tensor): Tensor {
  return acos(x);
}
/**
 * NumPy's name of {@link atan}.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.arctan(torch.tensor([0])).toArray(), [0]);
 * ```
 */
export function arctan(x: Tensor): Tensor {
  return atan(x);
}
/**
 * NumPy's name of {@link asinh}.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.arcsinh(torch.tensor([0])).toArray(), [0]);
 * ```
 */
export function arcsinh(x: Tensor): Tensor {
  return asinh(x);
}
/**
 * NumPy's name of {@link acosh}.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.arccosh(torch.tensor([1])).toArray(), [0]);
 * ```
 */
export function arccosh(x: Tensor): Tensor {
  return acosh(x);
}
/**
 * NumPy's name of {@link atanh}.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.arctanh(torch.tensor([0])).toArray(), [0]);
 * ```
 */
export function arctanh(x: Tensor): Tensor {
  return atanh(x);
}

/** `x` as PyTorch's float ops see it: float dtypes as they are, integers and bool in float32. */
function asFloat(x: Tensor): Tensor {
  return isFloating(x.dtype) ? x : x.to("float32");
}

/**
 * Degrees to radians, `x * pi / 180` (integers give float32).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.deg2rad(torch.tensor([180])).toArray(), [Math.fround(Math.PI)]);
 * ```
 */
export function deg2rad(x: Tensor): Tensor {
  return asOp("deg2rad", () =>
    inFrameOf(() => {
      checkInput("deg2rad", x);
      return named(ew.mul(asFloat(x), Math.PI / 180), "Deg2RadBackward0", x);
    }));
}
/**
 * Radians to degrees, `x * 180 / pi` (integers give float32).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.rad2deg(torch.tensor([Math.PI])).toArray(), [180]);
 * ```
 */
export function rad2deg(x: Tensor): Tensor {
  return asOp("rad2deg", () =>
    inFrameOf(() => {
      checkInput("rad2deg", x);
      return named(ew.mul(asFloat(x), 180 / Math.PI), "Rad2DegBackward0", x);
    }));
}

/**
 * PyTorch's `sgn`: the sign for real tensors (-1, 0 or 1; 0 for NaN), a copy for bool ones.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.sgn(torch.tensor([-2.5, 0, 3])).toArray(), [-1, 0, 1]);
 * ```
 */
export function sgn(x: Tensor): Tensor {
  return asOp("sgn", () =>
    inFrameOf(() => {
      checkInput("sgn", x);
      if (x.dtype === "complex64") return complexSgn(x);
      return x.dtype === "bool" ? clone(x) : named(ew.sign(x), "SgnBackward0", x);
    }));
}

/**
 * Whether each element's sign bit is set (bool): true for negative numbers, -0 and a NaN with
 * the sign bit, false for bool tensors.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.signbit(torch.tensor([-1.5, -0, 0, 2.5])).toArray(), [true, true, false, false]);
 * ```
 */
export function signbit(x: Tensor): Tensor {
  return asOp("signbit", () =>
    inFrameOf(() => {
      checkInput("signbit", x);
      if (x.dtype === "bool") return ew.ne(x, x);
      if (!isFloating(x.dtype)) return ew.lt(x, 0);
      return ew.lt(binaryOp("copysign", 1, x.detach()), 0);
    }));
}

/**
 * `1 / x` (integers give float32). Gradient `-g / x²`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.reciprocal(torch.tensor([2, -4])).toArray(), [0.5, -0.25]);
 * ```
 */
export function reciprocal(x: Tensor): Tensor {
  return asOp("reciprocal", () =>
    inFrameOf(() => {
      checkInput("reciprocal", x);
      return ew.div(1, x);
    }));
}

/**
 * `x * x` (integers stay integers; bool gives int32, as PyTorch's int64). Gradient `2 x g`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.square(torch.tensor([-3, 2])).toArray(), [9, 4]);
 * ```
 */
export function square(x: Tensor): Tensor {
  return asOp("square", () =>
    inFrameOf(() => {
      checkInput("square", x);
      return ew.pow(x.dtype === "bool" ? x.to("int32") : x, 2);
    }));
}

/**
 * `+x`: the tensor itself (PyTorch refuses bool tensors).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.tensor([1, -2]);
 * assertEquals(torch.positive(x) === x, true);
 * ```
 */
export function positive(x: Tensor): Tensor {
  checkInput("positive", x);
  if (x.dtype === "bool") {
    throw new TypeError("positive: the `+` operator on a bool tensor is not supported (as PyTorch)");
  }
  return x;
}

/**
 * `-x`, PyTorch's other name of {@link neg}.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.negative(torch.tensor([1, -2])).toArray(), [-1, 2]);
 * ```
 */
export function negative(x: Tensor): Tensor {
  return asOp("negative", () =>
    inFrameOf(() => {
      checkInput("negative", x);
      return ew.neg(x);
    }));
}

/**
 * `|x|`, PyTorch's other name of {@link abs}.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.absolute(torch.tensor([1, -2])).toArray(), [1, 2]);
 * ```
 */
export function absolute(x: Tensor): Tensor {
  return asOp("absolute", () =>
    inFrameOf(() => {
      checkInput("absolute", x);
      if (x.dtype === "bool") throw new TypeError("absolute: not supported for bool tensors (as PyTorch)");
      return ew.abs(x);
    }));
}

/**
 * Rounds toward zero, PyTorch's other name of `trunc` (integers come back unchanged).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.fix(torch.tensor([-1.5, 2.7])).toArray(), [-1, 2]);
 * ```
 */
export function fix(x: Tensor): Tensor {
  refuseComplex("fix", x);
  return asOp("fix", () =>
    inFrameOf(() => {
      checkInput("fix", x);
      if (x.dtype === "bool") throw new TypeError("fix: not supported for bool tensors (as PyTorch)");
      return trunc(x);
    }));
}
