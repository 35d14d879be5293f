/**
 * The modified Bessel functions of the first kind of orders 0 and 1 and their exponentially
 * scaled forms: `i0` (`torch.i0`, `torch.special.i0`), `i0e`, `i1`, `i1e` (`torch.special.*`).
 * Kernels on both devices (power series below |x| = 20, Hankel's expansion above); gradients as
 * PyTorch's.
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { inFrameOf } from "../memory.ts";
import { checkTensor, runSpecial } from "./kernel.ts";

/**
 * The modified Bessel function of the first kind of order 0, `I₀(x)`, elementwise. Gradient:
 * `i1(x)`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.allclose(torch.i0(torch.tensor([0, 1])), torch.tensor([1, 1.2660659])), true);
 * ```
 */
export function i0(input: Tensor): Tensor {
  return inFrameOf(() => {
    checkTensor("i0", input);
    return runSpecial("i0", input);
  });
}

/**
 * `exp(-|x|)·I₀(x)`, elementwise (`torch.special.i0e`): finite where `I₀` overflows. Gradient:
 * `i1e(x) - sgn(x)·i0e(x)`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.allclose(torch.special.i0e(torch.tensor([0, 1000])), torch.tensor([1, 0.01261724])), true);
 * ```
 */
export function i0e(input: Tensor): Tensor {
  return inFrameOf(() => {
    checkTensor("special.i0e", input);
    return runSpecial("i0e", input);
  });
}

/**
 * The modified Bessel function of the first kind of order 1, `I₁(x)`, elementwise (odd in x).
 * Gradient: `i0(x) - i1(x)/x` (1/2 at 0).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.allclose(torch.special.i1(torch.tensor([0, -1])), torch.tensor([0, -0.5651591])), true);
 * ```
 */
export function i1(input: Tensor): Tensor {
  return inFrameOf(() => {
    checkTensor("special.i1", input);
    return runSpecial("i1", input);
  });
}

/**
 * `exp(-|x|)·I₁(x)`, elementwise (`torch.special.i1e`). Gradient:
 * `i0e(x) - i1e(x)·(sgn(x) + 1/x)` (1/2 at 0).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.allclose(torch.special.i1e(torch.tensor([0, 1])), torch.tensor([0, 0.2079104])), true);
 * ```
 */
export function i1e(input: Tensor): Tensor {
  return inFrameOf(() => {
    checkTensor("special.i1e", input);
    return runSpecial("i1e", input);
  });
}
