/**
 * `torch.isreal` (and `x.isreal()`): true where the imaginary part is 0 (every element of a real
 * tensor).
 * @module
 */
import { Tensor } from "../tensor.ts";
import { inFrameOf } from "../memory.ts";
import { onesLike } from "../creation.ts";
import { describeValue } from "../backends/contract.ts";
import { imag } from "../complex/core.ts";
import { eq } from "./elementwise.ts";

/**
 * PyTorch's `torch.isreal(input)`: a bool tensor, true where the element has no imaginary part;
 * for the real dtypes that is every element, NaN and infinities included.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.isreal(torch.tensor([1, NaN])).toArray(), [true, true]);
 * assertEquals(torch.tensor([[2]]).isreal().dtype, "bool");
 * const z = torch.complex(torch.tensor([1, 2]).float(), torch.tensor([0, 3]).float());
 * assertEquals(torch.isreal(z).toArray(), [true, false]);
 * ```
 */
export function isreal(x: Tensor): Tensor {
  return inFrameOf(() => {
    if (!(x instanceof Tensor)) throw new TypeError(`isreal: expected a Tensor, got ${describeValue(x)}`);
    if (x.dtype === "complex64") return eq(imag(x), 0);
    return onesLike(x, { dtype: "bool" });
  });
}
