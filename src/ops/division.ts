/**
 * Division that rounds: `remainder` (Python's `%`), `fmod` (C's) and `floorDivide` (Python's
 * `//`), broadcasting with PyTorch's type promotion. Floats are exact where PyTorch is (fmod is
 * computed exactly on both devices; `a - trunc(a / b) * b` in float32 is not) and follow PyTorch's
 * CPU formulas near multiples and at signed zeros; integer division by zero throws PyTorch's
 * ZeroDivisionError (on the GPU, reading the result rejects with it).
 * @module
 */
import { refuseComplex } from "../complex/core.ts";
import type { ARITHMETIC_OPS } from "../backends/backend.ts";
import { isFloating } from "../dtype.ts";
import { Tensor, type TensorOrScalar } from "../tensor.ts";
import * as ew from "./elementwise.ts";
import { binaryOp, ne, resultType } from "./elementwise.ts";
import { trunc } from "./pointwise.ts";
import { recordComposite } from "./dispatch.ts";
import { guarded, rangeGuard } from "./value_checks.ts";
import { inFrameOf } from "../memory.ts";
import { describeValue } from "../backends/contract.ts";

type DivisionOp = Extract<typeof ARITHMETIC_OPS[number], "fmod" | "remainder" | "floorDivide">;

function zeroDivision(op: DivisionOp): string {
  return `${op}: ZeroDivisionError (integer division by zero, as PyTorch)`;
}

function divisionOp(op: DivisionOp, a: TensorOrScalar, b: TensorOrScalar): Tensor {
  for (const x of [a, b]) {
    if (!(x instanceof Tensor) && typeof x !== "number") {
      throw new TypeError(`${op}: operands must be tensors or numbers, got ${describeValue(x)}`);
    }
  }
  if (!(a instanceof Tensor) && !(b instanceof Tensor)) {
    throw new TypeError(`${op}: expected at least one tensor operand, got two numbers (${a}, ${b})`);
  }
  const dtype = resultType(a, b);
  if (dtype === "bool") {
    throw new TypeError(`${op}: bool tensors are refused, as in PyTorch (convert with .int() or .float())`);
  }
  let guard: Tensor | null = null;
  if (!isFloating(dtype)) {
    if (typeof b === "number") {
      if (b === 0) throw new RangeError(zeroDivision(op));
    } else if (b.device === "cpu") {
      if (b.numel() > 0 && b.dataSync().some((v) => v === 0)) throw new RangeError(zeroDivision(op));
    } else {
      // Reading a GPU tensor here would be a hidden sync point: the device checks it instead.
      guard = rangeGuard(op, ne(b, 0), 1, 1, () => zeroDivision(op), { dtype });
    }
  }
  return guarded(binaryOp(op, a, b), guard);
}

/**
 * Python's modulus `a % b`: the remainder of floor division, with the sign of the divisor
 * (PyTorch's `torch.remainder`: `fmod(a, b)`, plus `b` when their signs differ). Gradients: `g`
 * for `a`, `-g * floorDivide(a, b)` for `b`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.remainder(torch.tensor([-3, -2, 2, 3]), 2).toArray(), [1, 0, 0, 1]);
 * assertEquals(torch.tensor([5.5, -5.5]).remainder(-2).toArray(), [-0.5, -1.5]);
 * ```
 */
export function remainder(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  refuseComplex("remainder", a, b);
  return inFrameOf(() => divisionOp("remainder", a, b));
}

/**
 * C's `fmod(a, b)`: the remainder of truncating division, with the sign of the dividend; exact.
 * Gradients: `g` for `a`, `-g * trunc(a / b)` for `b`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.fmod(torch.tensor([-3, -2, 2, 3]), 2).toArray(), [-1, 0, 0, 1]);
 * assertEquals(torch.tensor([5.5, -5.5]).fmod(-2).toArray(), [1.5, -1.5]);
 * ```
 */
export function fmod(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  refuseComplex("fmod", a, b);
  return inFrameOf(() => divisionOp("fmod", a, b));
}

/**
 * Python's floor division `a // b` (PyTorch 1.13's `torch.floor_divide`, which rounds toward
 * negative infinity). Floats follow Python's algorithm (`(a - fmod(a, b)) / b`, corrected to the
 * nearest integer), so results near multiples match PyTorch; a float division by zero gives ±inf
 * or NaN. Not differentiable: its backward throws, as PyTorch's does.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.floorDivide(torch.tensor([-7, 7]), 2).toArray(), [-4, 3]);
 * assertEquals(torch.tensor([5.5, -5.5]).floorDivide(2).toArray(), [2, -3]);
 * ```
 */
export function floorDivide(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  refuseComplex("floorDivide", a, b);
  return inFrameOf(() => divisionOp("floorDivide", a, b));
}

/** Options of {@link div}: PyTorch's `rounding_mode`. */
export interface DivOptions {
  /**
   * `null` (default): true division. `"trunc"`: rounded toward zero (C's integer division).
   * `"floor"`: rounded toward negative infinity (Python's `//`, as {@link floorDivide}).
   */
  roundingMode?: "trunc" | "floor" | null;
}

/**
 * `a / b`, as PyTorch's `torch.div`: true division (integers divide in float32), or with
 * `roundingMode` the quotient rounded toward zero (`"trunc"`) or down (`"floor"`), in the
 * operands' promoted dtype (integers stay integers; integer division by zero throws
 * ZeroDivisionError). Rounded quotients have zero gradients, as PyTorch's.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const a = torch.tensor([-7, 7]);
 * assertEquals(torch.div(a, 2).toArray(), [-3.5, 3.5]);
 * assertEquals(torch.div(a, 2, { roundingMode: "trunc" }).toArray(), [-3, 3]);
 * assertEquals(torch.div(a, 2, { roundingMode: "floor" }).toArray(), [-4, 3]);
 * ```
 */
export function div(a: TensorOrScalar, b: TensorOrScalar, opts: DivOptions = {}): Tensor {
  return inFrameOf(() => {
    if (opts === null || typeof opts !== "object") {
      throw new TypeError(`div: options must be an object like { roundingMode }, got ${describeValue(opts)}`);
    }
    const mode = opts.roundingMode ?? null;
    if (mode === null) return ew.div(a, b);
    if (mode !== "trunc" && mode !== "floor") {
      throw new TypeError(
        `div: expected roundingMode to be one of null, "trunc" or "floor", but found ${describeValue(mode)}`,
      );
    }
    return recordComposite("divRounded", [a, b], {}, () => {
      const [x, y] = [a, b].map((v) => (v instanceof Tensor ? v.detach() : v));
      if (mode === "floor") return divisionOp("floorDivide", x, y);
      if (isFloating(resultType(x, y))) return trunc(ew.div(x, y));
      // Integers: the floor quotient, plus one where it was rounded down across zero.
      const q = divisionOp("floorDivide", x, y);
      const negative = (v: TensorOrScalar) => (v instanceof Tensor ? ew.lt(v, 0) : Number(v < 0));
      const acrossZero = ew.ne(negative(x), negative(y));
      return ew.add(q, ew.mul(ew.ne(divisionOp("fmod", x, y), 0), acrossZero));
    });
  });
}
