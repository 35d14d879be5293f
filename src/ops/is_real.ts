/**
 * `torch.isreal` (and `x.isreal()`): edgetorch has no complex dtypes, so every element is real.
 * @module
 */
import { Tensor } from "../tensor.ts";
import { inFrameOf } from "../memory.ts";
import { onesLike } from "../creation.ts";
import { describeValue } from "../backends/contract.ts";

/**
 * PyTorch's `torch.isreal(input)`: a bool tensor, true where the element has no imaginary part;
 * for the real dtypes (all of edgetorch's) that is every element, NaN and infinities included.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.isreal(torch.tensor([1, NaN])).toArray(), [true, true]);
 * assertEquals(torch.tensor([[2]]).isreal().dtype, "bool");
 * ```
 */
export function isreal(x: Tensor): Tensor {
  return inFrameOf(() => {
    if (!(x instanceof Tensor)) throw new TypeError(`isreal: expected a Tensor, got ${describeValue(x)}`);
    return onesLike(x, { dtype: "bool" });
  });
}
