/**
 * The error function and its inverse (`torch.erf`, a kernel on each device, and `torch.erfinv`, a
 * composite of elementwise ops recorded as one node), each with the exact derivative
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
 * The error function `erf(x) = 2/√π ∫₀ˣ exp(-t²) dt`, elementwise (PyTorch's `torch.erf`), one
 * kernel: absolute error below 2e-7 in float32 (its Maclaurin series below |x| = 0.5, Numerical
 * Recipes' Chebyshev fit of erfc above), double precision in float64; the gradient is the exact
 * `2/√π·exp(-x²)`.
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
    return ew.unaryOp("erf", floatInput("erf", input));
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
