/**
 * The complementary error function and the normal distribution's functions: `erfc` (`torch.erfc`,
 * `torch.special.erfc`), `erfcx` (`torch.special.erfcx`), `ndtr`, `ndtri`, `logNdtr`
 * (`torch.special.ndtr`, `ndtri`, `log_ndtr`). Kernels on both devices (assembly/special.ts in
 * double precision; wgsl/special.wgsl in float32, through the Numerical Recipes fit of
 * src/ops/erf.ts); gradients as PyTorch's.
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { inFrameOf } from "../memory.ts";
import * as ew from "../ops/elementwise.ts";
import { checkTensor, runSpecial } from "./kernel.ts";

/**
 * The complementary error function `erfc(x) = 1 - erf(x)`, elementwise, without the
 * cancellation of `1 - erf(x)` for large x (`erfc(10) ≈ 2.1e-45`). Gradient: `-2/√π·exp(-x²)`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const y = torch.erfc(torch.tensor([0, 1, 5], { dtype: "float64" }));
 * assertEquals(torch.allclose(y, torch.tensor([1, 0.15729920705028513, 1.5374597944280349e-12], { dtype: "float64" }), { rtol: 1e-12 }), true);
 * ```
 */
export function erfc(input: Tensor): Tensor {
  return inFrameOf(() => {
    checkTensor("erfc", input);
    return runSpecial("erfc", input);
  });
}

/**
 * The scaled complementary error function `erfcx(x) = exp(x²)·erfc(x)`, elementwise
 * (`torch.special.erfcx`): finite for large x, where it tends to `1/(x√π)`. Gradient:
 * `2x·erfcx(x) - 2/√π`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const y = torch.special.erfcx(torch.tensor([0, 100]));
 * assertEquals(torch.allclose(y, torch.tensor([1, 0.0056416]), { rtol: 1e-4 }), true);
 * ```
 */
export function erfcx(input: Tensor): Tensor {
  return inFrameOf(() => {
    checkTensor("special.erfcx", input);
    return runSpecial("erfcx", input);
  });
}

/**
 * The standard normal cumulative distribution function `Φ(x) = erfc(-x/√2)/2`, elementwise
 * (`torch.special.ndtr`). Accurate in the lower tail, where PyTorch 1.13's `(1 + erf(x/√2))/2`
 * loses everything below about 1e-17 (it gives 0 at -10, where this gives 7.6e-24). Gradient:
 * the normal density.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const y = torch.special.ndtr(torch.tensor([0, 1.959964]));
 * assertEquals(torch.allclose(y, torch.tensor([0.5, 0.975])), true);
 * ```
 */
export function ndtr(input: Tensor): Tensor {
  return inFrameOf(() => {
    checkTensor("special.ndtr", input);
    const x = runSpecial("erfc", ew.mul(input, -Math.SQRT1_2));
    return ew.mul(x, 0.5);
  });
}

/**
 * The inverse of the standard normal CDF (the probit), elementwise (`torch.special.ndtri`): `-inf`
 * at 0, `+inf` at 1, NaN outside [0, 1]; accurate in both tails. Gradient: `√(2π)·exp(y²/2)`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const y = torch.special.ndtri(torch.tensor([0.5, 0.975, 1e-10]));
 * assertEquals(torch.allclose(y, torch.tensor([0, 1.959964, -6.361341])), true);
 * ```
 */
export function ndtri(input: Tensor): Tensor {
  return inFrameOf(() => {
    checkTensor("special.ndtri", input);
    return runSpecial("ndtri", input);
  });
}

/**
 * The log of the standard normal CDF, elementwise (`torch.special.log_ndtr`), accurate in the
 * lower tail where `ndtr` underflows (`logNdtr(-40) ≈ -804.6`). Gradient: `φ(x)/Φ(x)`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const y = torch.special.logNdtr(torch.tensor([0, -40]));
 * assertEquals(torch.allclose(y, torch.tensor([Math.log(0.5), -804.6084])), true);
 * ```
 */
export function logNdtr(input: Tensor): Tensor {
  return inFrameOf(() => {
    checkTensor("special.log_ndtr", input);
    return runSpecial("logNdtr", input);
  });
}
