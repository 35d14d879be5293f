/**
 * The error function and its inverse (`torch.erf`, `torch.erfinv`), composites of elementwise ops
 * (so they run on every device) recorded as one node each with the exact derivative
 * (`ErfBackward0`, `ErfinvBackward0`). `torch.distributions.Normal` builds its `cdf` and `icdf` on them.
 * @module
 */
import { Tensor } from "../tensor.ts";
import { isFloating } from "../dtype.ts";
import * as ew from "./elementwise.ts";
import { recordComposite } from "./dispatch.ts";
import { inFrameOf } from "../memory.ts";

function floatInput(op: string, x: unknown): Tensor {
  if (!(x instanceof Tensor)) {
    throw new TypeError(`${op}: expected a Tensor, got ${x === null ? "null" : typeof x}`);
  }
  return isFloating(x.dtype) ? x : x.float();
}

/** Horner's rule: `c[0] + t·(c[1] + t·(c[2] + ...))`. */
function horner(t: Tensor, c: readonly number[]): Tensor {
  let p: Tensor = ew.mul(t, c[c.length - 1]);
  for (let i = c.length - 2; i >= 1; i--) p = ew.mul(t, ew.add(p, c[i]));
  return ew.add(p, c[0]);
}

// erfc(z) ≈ t·exp(-z² + P(t)), t = 1 / (1 + z/2), z ≥ 0: the Chebyshev fit of Numerical Recipes
// (relative error below 1.2e-7 for every z).
const ERFC = [
  -1.26551223,
  1.00002368,
  0.37409196,
  0.09678418,
  -0.18628806,
  0.27886807,
  -1.13520398,
  1.48851587,
  -0.82215223,
  0.17087277,
];
// erf(x) = 2/√π · x · Σ (-x²)^k / (k!·(2k+1)): below |x| = 0.5, where 1 - erfc would lose digits.
const ERF_SERIES = [1, -1 / 3, 1 / 10, -1 / 42, 1 / 216, -1 / 1320, 1 / 9360].map((c) =>
  c * 2 / Math.sqrt(Math.PI)
);

/**
 * @internal erfc(z) for z ≥ 0 from elementwise ops (Numerical Recipes' Chebyshev fit, see ERFC),
 * differentiable through them; also the normal CDF of the exact GELU (nn/activations_core.ts).
 */
export function erfcNonNegative(z: Tensor): Tensor {
  const t = ew.div(1, ew.add(ew.mul(z, 0.5), 1));
  return ew.mul(t, ew.exp(ew.sub(horner(t, ERFC), ew.mul(z, z))));
}

function erfValues(x: Tensor): Tensor {
  const a = ew.abs(x);
  const small = ew.mul(x, horner(ew.mul(x, x), ERF_SERIES));
  const large = ew.mul(ew.sign(x), ew.sub(1, erfcNonNegative(a)));
  return ew.where(ew.lt(a, 0.5), small, large);
}

// erfinv by M. Giles, "Approximating the erfinv function" (GPU Computing Gems, 2011), single
// precision: p(w)·x with w = -log(1 - x²), one polynomial below w = 5 and one of √w above.
const ERFINV_CENTRAL = [
  1.50140941,
  0.246640727,
  -0.00417768164,
  -0.00125372503,
  0.00021858087,
  -4.39150654e-6,
  -3.5233877e-6,
  3.43273939e-7,
  2.81022636e-8,
];
const ERFINV_TAIL = [
  2.83297682,
  1.00167406,
  0.00943887047,
  -0.0076224613,
  0.00573950773,
  -0.00367342844,
  0.00134934322,
  0.000100950558,
  -0.000200214257,
];

function erfinvValues(x: Tensor): Tensor {
  const w = ew.neg(ew.log(ew.mul(ew.sub(1, x), ew.add(x, 1))));
  const central = horner(ew.sub(w, 2.5), ERFINV_CENTRAL);
  const tail = horner(ew.sub(ew.sqrt(w), 3), ERFINV_TAIL);
  const value = ew.mul(ew.where(ew.lt(w, 5), central, tail), x);
  return ew.where(ew.eq(ew.abs(x), 1), ew.mul(x, Infinity), value);
}

/**
 * The error function `erf(x) = 2/√π ∫₀ˣ exp(-t²) dt`, elementwise (PyTorch's `torch.erf`):
 * absolute error below 1e-7 in float32 (float64 inputs get the same approximation, not float64
 * precision); the gradient is the exact `2/√π·exp(-x²)`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const y = torch.erf(torch.tensor([0, 0.5, -2]));
 * assertEquals(torch.allclose(y, torch.tensor([0, 0.5204999, -0.9953223]), { atol: 2e-7, rtol: 0 }), true);
 * ```
 */
export function erf(input: Tensor): Tensor {
  return inFrameOf(() => {
    const x = floatInput("erf", input);
    return recordComposite("erf", [x], {}, () => erfValues(x));
  });
}

/**
 * The inverse error function, elementwise (PyTorch's `torch.erfinv`): `erfinv(erf(x)) = x` on
 * (-1, 1), ±infinity at ±1, NaN outside [-1, 1]. Relative error about 4e-7 near 0, up to 2e-6
 * as |x| nears 1 (float32; float64 inputs get the same approximation); the gradient is the exact
 * `√π/2·exp(erfinv(x)²)`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const y = torch.erfinv(torch.tensor([0, 0.5, -0.9]));
 * assertEquals(torch.allclose(y, torch.tensor([0, 0.4769363, -1.1630871]), { atol: 1e-6, rtol: 0 }), true);
 * assertEquals(torch.erfinv(torch.tensor([1, -1])).toArray(), [Infinity, -Infinity]);
 * ```
 */
export function erfinv(input: Tensor): Tensor {
  return inFrameOf(() => {
    const x = floatInput("erfinv", input);
    return recordComposite("erfinv", [x], {}, () => erfinvValues(x));
  });
}
