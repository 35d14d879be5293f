/**
 * Top-level names PyTorch has at `torch.*` that edgetorch had only as methods or in `F`:
 * `torch.isSigned`, `torch.isInference`.
 * @module
 */
import { Tensor } from "./tensor.ts";
import { describeValue } from "./backends/contract.ts";

function checkTensor(op: string, x: unknown): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: input must be a Tensor, got ${describeValue(x)}`);
  return x;
}

/**
 * Whether `x`'s dtype is signed (PyTorch's `torch.is_signed`): false for uint8 and bool, true for
 * the floating dtypes and int32. The same as `x.isSigned()`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * assertEquals([torch.isSigned(torch.zeros(1)), torch.isSigned(torch.zeros(1, { dtype: "uint8" }))], [true, false]);
 * ```
 */
export function isSigned(x: Tensor): boolean {
  return checkTensor("isSigned", x).isSigned();
}

/**
 * Whether `x` was made inside `torch.inferenceMode` (PyTorch's `torch.is_inference`). The same as
 * `x.isInference()`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * const y = torch.inferenceMode(() => torch.ones(2).mul(2));
 * assertEquals([torch.isInference(y), torch.isInference(torch.ones(2))], [true, false]);
 * ```
 */
export function isInference(x: Tensor): boolean {
  return checkTensor("isInference", x).isInference();
}
