/**
 * Bitwise ops on integer and bool tensors (`bitwiseAnd`, `bitwiseOr`, `bitwiseXor`,
 * `bitwiseNot`, `bitwiseLeftShift`, `bitwiseRightShift`), broadcasting with PyTorch's type
 * promotion (bool with bool stays bool; bool with an integer gives the integer). Kernels on both
 * devices (assembly/elementwise_math.ts, wgsl `ARITHMETIC_EXPR`); floats are refused, as PyTorch.
 * @module
 */
import type { BinaryOp } from "../backends/backend.ts";
import { isFloating } from "../dtype.ts";
import { Tensor, type TensorOrScalar } from "../tensor.ts";
import { describeValue } from "../backends/contract.ts";
import { inFrameOf } from "../memory.ts";
import { binaryOp, resultType } from "./elementwise.ts";
import { logicalNot } from "./logical.ts";

function bitwise(op: string, kernel: BinaryOp, a: TensorOrScalar, b: TensorOrScalar, bool: boolean): Tensor {
  return inFrameOf(() => {
    if (!(a instanceof Tensor)) {
      throw new TypeError(`${op}: argument 'input' must be a tensor, got ${describeValue(a)}`);
    }
    if (!(b instanceof Tensor) && typeof b !== "number") {
      throw new TypeError(`${op}: argument 'other' must be a tensor or a number, got ${describeValue(b)}`);
    }
    if (typeof b === "number" && !Number.isInteger(b)) {
      throw new TypeError(`${op}: other must be an integer, got ${b}`);
    }
    const dtype = resultType(a, b);
    if (isFloating(dtype) || (dtype === "bool" && !bool)) {
      throw new TypeError(
        `${op}: expects ${bool ? "integer or bool" : "integer"} tensors (as PyTorch), got ${dtype}`,
      );
    }
    // bool operands are 0/1, which and/or/xor keep in {0, 1}: the int32 kernel serves them too.
    return binaryOp(kernel, a, b);
  });
}

/**
 * Bitwise AND (logical AND for bool tensors), broadcasting.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.bitwiseAnd(torch.tensor([12, -1]), torch.tensor([10, 5])).toArray(), [8, 5]);
 * ```
 */
export function bitwiseAnd(input: Tensor, other: TensorOrScalar): Tensor {
  return bitwise("bitwiseAnd", "bitwiseAnd", input, other, true);
}

/**
 * Bitwise OR (logical OR for bool tensors), broadcasting.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.bitwiseOr(torch.tensor([12, 0]), torch.tensor([10, 5])).toArray(), [14, 5]);
 * ```
 */
export function bitwiseOr(input: Tensor, other: TensorOrScalar): Tensor {
  return bitwise("bitwiseOr", "bitwiseOr", input, other, true);
}

/**
 * Bitwise XOR (logical XOR for bool tensors), broadcasting.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.bitwiseXor(torch.tensor([12, -1]), torch.tensor([10, 5])).toArray(), [6, -6]);
 * ```
 */
export function bitwiseXor(input: Tensor, other: TensorOrScalar): Tensor {
  return bitwise("bitwiseXor", "bitwiseXor", input, other, true);
}

/**
 * `input << other` on integer tensors (two's complement, wrapping; the count is taken modulo 32,
 * as PyTorch 1.13's CPU kernels give it), broadcasting.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.bitwiseLeftShift(torch.tensor([1, -3]), 2).toArray(), [4, -12]);
 * ```
 */
export function bitwiseLeftShift(input: Tensor, other: TensorOrScalar): Tensor {
  return bitwise("bitwiseLeftShift", "bitwiseLeftShift", input, other, false);
}

/**
 * `input >> other` on integer tensors, arithmetic (the sign fills in; the count is taken modulo
 * 32, as PyTorch 1.13's CPU kernels give it), broadcasting.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.bitwiseRightShift(torch.tensor([16, -16]), 2).toArray(), [4, -4]);
 * ```
 */
export function bitwiseRightShift(input: Tensor, other: TensorOrScalar): Tensor {
  return bitwise("bitwiseRightShift", "bitwiseRightShift", input, other, false);
}

/**
 * Bitwise NOT, `~x` (`-x - 1` on integers; logical NOT for bool tensors).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.bitwiseNot(torch.tensor([0, 5, -1])).toArray(), [-1, -6, 0]);
 * assertEquals(torch.bitwiseNot(torch.tensor([true, false])).toArray(), [false, true]);
 * ```
 */
export function bitwiseNot(input: Tensor): Tensor {
  return inFrameOf(() => {
    if (!(input instanceof Tensor)) {
      throw new TypeError(`bitwiseNot: argument 'input' must be a tensor, got ${describeValue(input)}`);
    }
    if (input.dtype === "bool") return logicalNot(input);
    if (isFloating(input.dtype)) {
      throw new TypeError(`bitwiseNot: expects integer or bool tensors (as PyTorch), got ${input.dtype}`);
    }
    return binaryOp("bitwiseXor", input, -1);
  });
}
