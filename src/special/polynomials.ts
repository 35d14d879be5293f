/**
 * The orthogonal polynomials of PyTorch 1.13's `torch.special` as functions of `(input, n)`:
 * `chebyshev_polynomial_t/u/v/w`, `shifted_chebyshev_polynomial_t/u/v/w`, `hermite_polynomial_h`,
 * `hermite_polynomial_he`, `laguerre_polynomial_l` and `legendre_polynomial_p` (camelCase here:
 * `torch.special.chebyshevPolynomialT`). `input` and `n` broadcast; either may be a number (not
 * both); integer and bool operands compute in float32, float64 wins over float32, float16 is
 * refused, as PyTorch.
 *
 * As PyTorch, `n` is truncated to an integer and the result is 0 where it is negative (NaN, ±inf
 * and |n| >= 2^63 count as negative), and the values are PyTorch's algorithms' in the operands'
 * dtype (float32 arithmetic for float32, so overflow becomes inf and then NaN where PyTorch's
 * does): the three-term recurrence, which costs n steps per element (the Chebyshev ones use
 * cos/sin forms for |x| < 1 and larger n), with the closed values at x = ±1. Kernels on both devices
 * (assembly/special_poly.ts, wgsl/special_more.wgsl). PyTorch 1.13 gives them no derivative: the
 * results do not require grad.
 * @module
 */
import { Tensor } from "../tensor.ts";
import { inFrameOf } from "../memory.ts";
import { runUndifferentiable2, type UndifferentiableSpecial2Op } from "./kernel.ts";
import { describeValue } from "../backends/contract.ts";

function polynomial(name: string, op: UndifferentiableSpecial2Op, input: unknown, n: unknown): Tensor {
  return inFrameOf(() => {
    for (const [arg, v] of [["input", input], ["n", n]] as const) {
      if (!(v instanceof Tensor) && typeof v !== "number") {
        throw new TypeError(
          `${name}: argument '${arg}' must be a tensor or a number, got ${describeValue(v)}`,
        );
      }
    }
    return runUndifferentiable2(name, op, input as Tensor | number, n as Tensor | number);
  });
}

/**
 * `torch.special.chebyshev_polynomial_t(input, n)`: the Chebyshev polynomial of the first kind `Tₙ(x)`, elementwise over `input` and `n` broadcast (`n`
 * truncated; 0 where it is negative). Not differentiable (as PyTorch 1.13).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const y = torch.special.chebyshevPolynomialT(torch.tensor([0.5, 2]), 2);
 * assertEquals(torch.allclose(y, torch.tensor([-0.5, 7])), true);
 * ```
 */
export function chebyshevPolynomialT(input: Tensor | number, n: Tensor | number): Tensor {
  return polynomial("special.chebyshev_polynomial_t", "chebyshevPolynomialT", input, n);
}

/**
 * `torch.special.chebyshev_polynomial_u(input, n)`: the Chebyshev polynomial of the second kind `Uₙ(x)`, elementwise over `input` and `n` broadcast (`n`
 * truncated; 0 where it is negative). Not differentiable (as PyTorch 1.13).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const y = torch.special.chebyshevPolynomialU(torch.tensor([0.5, 2]), 2);
 * assertEquals(torch.allclose(y, torch.tensor([0, 15])), true);
 * ```
 */
export function chebyshevPolynomialU(input: Tensor | number, n: Tensor | number): Tensor {
  return polynomial("special.chebyshev_polynomial_u", "chebyshevPolynomialU", input, n);
}

/**
 * `torch.special.chebyshev_polynomial_v(input, n)`: the Chebyshev polynomial of the third kind `Vₙ(x)`, elementwise over `input` and `n` broadcast (`n`
 * truncated; 0 where it is negative). Not differentiable (as PyTorch 1.13).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const y = torch.special.chebyshevPolynomialV(torch.tensor([0.5, 2]), 2);
 * assertEquals(torch.allclose(y, torch.tensor([-1, 11])), true);
 * ```
 */
export function chebyshevPolynomialV(input: Tensor | number, n: Tensor | number): Tensor {
  return polynomial("special.chebyshev_polynomial_v", "chebyshevPolynomialV", input, n);
}

/**
 * `torch.special.chebyshev_polynomial_w(input, n)`: the Chebyshev polynomial of the fourth kind `Wₙ(x)`, elementwise over `input` and `n` broadcast (`n`
 * truncated; 0 where it is negative). Not differentiable (as PyTorch 1.13).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const y = torch.special.chebyshevPolynomialW(torch.tensor([0.5, 2]), 2);
 * assertEquals(torch.allclose(y, torch.tensor([1, 19])), true);
 * ```
 */
export function chebyshevPolynomialW(input: Tensor | number, n: Tensor | number): Tensor {
  return polynomial("special.chebyshev_polynomial_w", "chebyshevPolynomialW", input, n);
}

/**
 * `torch.special.shifted_chebyshev_polynomial_t(input, n)`: the shifted Chebyshev polynomial of the first kind `Tₙ*(x) = Tₙ(2x - 1)`, elementwise over `input` and `n` broadcast (`n`
 * truncated; 0 where it is negative). Not differentiable (as PyTorch 1.13).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const y = torch.special.shiftedChebyshevPolynomialT(torch.tensor([0.5, 2]), 2);
 * assertEquals(torch.allclose(y, torch.tensor([-1, 17])), true);
 * ```
 */
export function shiftedChebyshevPolynomialT(input: Tensor | number, n: Tensor | number): Tensor {
  return polynomial("special.shifted_chebyshev_polynomial_t", "shiftedChebyshevPolynomialT", input, n);
}

/**
 * `torch.special.shifted_chebyshev_polynomial_u(input, n)`: the shifted Chebyshev polynomial of the second kind `Uₙ*(x) = Uₙ(2x - 1)`, elementwise over `input` and `n` broadcast (`n`
 * truncated; 0 where it is negative). Not differentiable (as PyTorch 1.13).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const y = torch.special.shiftedChebyshevPolynomialU(torch.tensor([0.5, 2]), 2);
 * assertEquals(torch.allclose(y, torch.tensor([-1, 35])), true);
 * ```
 */
export function shiftedChebyshevPolynomialU(input: Tensor | number, n: Tensor | number): Tensor {
  return polynomial("special.shifted_chebyshev_polynomial_u", "shiftedChebyshevPolynomialU", input, n);
}

/**
 * `torch.special.shifted_chebyshev_polynomial_v(input, n)`: the shifted Chebyshev polynomial of the third kind `Vₙ*(x) = Vₙ(2x - 1)`, elementwise over `input` and `n` broadcast (`n`
 * truncated; 0 where it is negative). Not differentiable (as PyTorch 1.13).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const y = torch.special.shiftedChebyshevPolynomialV(torch.tensor([0.5, 2]), 2);
 * assertEquals(torch.allclose(y, torch.tensor([-1, 29])), true);
 * ```
 */
export function shiftedChebyshevPolynomialV(input: Tensor | number, n: Tensor | number): Tensor {
  return polynomial("special.shifted_chebyshev_polynomial_v", "shiftedChebyshevPolynomialV", input, n);
}

/**
 * `torch.special.shifted_chebyshev_polynomial_w(input, n)`: the shifted Chebyshev polynomial of the fourth kind `Wₙ*(x) = Wₙ(2x - 1)`, elementwise over `input` and `n` broadcast (`n`
 * truncated; 0 where it is negative). Not differentiable (as PyTorch 1.13).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const y = torch.special.shiftedChebyshevPolynomialW(torch.tensor([0.5, 2]), 2);
 * assertEquals(torch.allclose(y, torch.tensor([-1, 41])), true);
 * ```
 */
export function shiftedChebyshevPolynomialW(input: Tensor | number, n: Tensor | number): Tensor {
  return polynomial("special.shifted_chebyshev_polynomial_w", "shiftedChebyshevPolynomialW", input, n);
}

/**
 * `torch.special.hermite_polynomial_h(input, n)`: the physicists' Hermite polynomial `Hₙ(x)`, elementwise over `input` and `n` broadcast (`n`
 * truncated; 0 where it is negative). Not differentiable (as PyTorch 1.13).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const y = torch.special.hermitePolynomialH(torch.tensor([0.5, 2]), 2);
 * assertEquals(torch.allclose(y, torch.tensor([-1, 14])), true);
 * ```
 */
export function hermitePolynomialH(input: Tensor | number, n: Tensor | number): Tensor {
  return polynomial("special.hermite_polynomial_h", "hermitePolynomialH", input, n);
}

/**
 * `torch.special.hermite_polynomial_he(input, n)`: the probabilists' Hermite polynomial `Heₙ(x)`, elementwise over `input` and `n` broadcast (`n`
 * truncated; 0 where it is negative). Not differentiable (as PyTorch 1.13).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const y = torch.special.hermitePolynomialHe(torch.tensor([0.5, 2]), 2);
 * assertEquals(torch.allclose(y, torch.tensor([-0.75, 3])), true);
 * ```
 */
export function hermitePolynomialHe(input: Tensor | number, n: Tensor | number): Tensor {
  return polynomial("special.hermite_polynomial_he", "hermitePolynomialHe", input, n);
}

/**
 * `torch.special.laguerre_polynomial_l(input, n)`: the Laguerre polynomial `Lₙ(x)`, elementwise over `input` and `n` broadcast (`n`
 * truncated; 0 where it is negative). Not differentiable (as PyTorch 1.13).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const y = torch.special.laguerrePolynomialL(torch.tensor([0.5, 2]), 2);
 * assertEquals(torch.allclose(y, torch.tensor([0.125, -1])), true);
 * ```
 */
export function laguerrePolynomialL(input: Tensor | number, n: Tensor | number): Tensor {
  return polynomial("special.laguerre_polynomial_l", "laguerrePolynomialL", input, n);
}

/**
 * `torch.special.legendre_polynomial_p(input, n)`: the Legendre polynomial `Pₙ(x)`, elementwise over `input` and `n` broadcast (`n`
 * truncated; 0 where it is negative). Not differentiable (as PyTorch 1.13).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const y = torch.special.legendrePolynomialP(torch.tensor([0.5, 2]), 2);
 * assertEquals(torch.allclose(y, torch.tensor([-0.125, 5.5])), true);
 * ```
 */
export function legendrePolynomialP(input: Tensor | number, n: Tensor | number): Tensor {
  return polynomial("special.legendre_polynomial_p", "legendrePolynomialP", input, n);
}
