/**
 * The Bessel and Airy functions of PyTorch 1.13's `torch.special` that have no top-level name:
 * `bessel_j0`, `bessel_j1`, `bessel_y0`, `bessel_y1`, `modified_bessel_i0`, `modified_bessel_i1`,
 * `modified_bessel_k0`, `modified_bessel_k1`, `scaled_modified_bessel_k0`,
 * `scaled_modified_bessel_k1`, `spherical_bessel_j0` and `airy_ai` (camelCase here:
 * `torch.special.besselJ0`). Kernels on both devices (assembly/special_bessel.ts in double precision,
 * wgsl/special_more.wgsl in float32). Integer and bool inputs compute in float32; float16 is refused,
 * as PyTorch 1.13 does.
 *
 * PyTorch 1.13 gives none of them a derivative: their results do not require grad even when the
 * input does (so `backward()` through them alone fails with "does not require grad", as in
 * PyTorch), and they pass no gradient back to their input.
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { inFrameOf } from "../memory.ts";
import type { SpecialOp } from "../backends/backend.ts";
import { backendOf, castResult, storageAs, wrap } from "../ops/dispatch.ts";
import { checkTensor, floatResult, refuseHalf } from "./kernel.ts";

/** `op` of the special kernel on `x` with PyTorch's dtype rules, not recorded (no derivative). */
function runUndifferentiable(name: string, op: SpecialOp, x: unknown): Tensor {
  return inFrameOf(() => {
    checkTensor(name, x);
    refuseHalf(name, x);
    const out = floatResult(x.dtype);
    const s = backendOf(name, x).special(op, storageAs(x, out === "float64" ? "float64" : "float32"), 0);
    return wrap(castResult(s, out), x.shape);
  });
}

/**
 * `torch.special.bessel_j0`: the Bessel function of the first kind of order 0, `J₀(x)` (even in x; NaN at ±inf, as PyTorch), elementwise. Not differentiable (as PyTorch 1.13).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const y = torch.special.besselJ0(torch.tensor([0, 1, -1]));
 * assertEquals(torch.allclose(y, torch.tensor([1, 0.7651977, 0.7651977])), true);
 * ```
 */
export function besselJ0(input: Tensor): Tensor {
  return runUndifferentiable("special.bessel_j0", "besselJ0", input);
}

/**
 * `torch.special.bessel_j1`: the Bessel function of the first kind of order 1, `J₁(x)` (odd in x; NaN at ±inf, as PyTorch), elementwise. Not differentiable (as PyTorch 1.13).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const y = torch.special.besselJ1(torch.tensor([0, 1, -1]));
 * assertEquals(torch.allclose(y, torch.tensor([0, 0.4400506, -0.4400506])), true);
 * ```
 */
export function besselJ1(input: Tensor): Tensor {
  return runUndifferentiable("special.bessel_j1", "besselJ1", input);
}

/**
 * `torch.special.bessel_y0`: the Bessel function of the second kind of order 0, `Y₀(x)`: `-inf` at 0, NaN below 0 and at ±inf (as PyTorch), elementwise. Not differentiable (as PyTorch 1.13).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const y = torch.special.besselY0(torch.tensor([1, 5]));
 * assertEquals(torch.allclose(y, torch.tensor([0.0882570, -0.3085176])), true);
 * ```
 */
export function besselY0(input: Tensor): Tensor {
  return runUndifferentiable("special.bessel_y0", "besselY0", input);
}

/**
 * `torch.special.bessel_y1`: the Bessel function of the second kind of order 1, `Y₁(x)`: `-inf` at 0, NaN below 0 and at ±inf (as PyTorch), elementwise. Not differentiable (as PyTorch 1.13).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const y = torch.special.besselY1(torch.tensor([1, 5]));
 * assertEquals(torch.allclose(y, torch.tensor([-0.7812128, 0.1478631])), true);
 * ```
 */
export function besselY1(input: Tensor): Tensor {
  return runUndifferentiable("special.bessel_y1", "besselY1", input);
}

/**
 * `torch.special.modified_bessel_i0`: the modified Bessel function of the first kind of order 0, `I₀(x)` (the kernel of `torch.i0`; NaN at ±inf, as PyTorch), elementwise. Not differentiable (as PyTorch 1.13).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const y = torch.special.modifiedBesselI0(torch.tensor([0, 1]));
 * assertEquals(torch.allclose(y, torch.tensor([1, 1.2660659])), true);
 * ```
 */
export function modifiedBesselI0(input: Tensor): Tensor {
  return runUndifferentiable("special.modified_bessel_i0", "i0", input);
}

/**
 * `torch.special.modified_bessel_i1`: the modified Bessel function of the first kind of order 1, `I₁(x)` (the kernel of `torch.special.i1`; NaN at ±inf, as PyTorch), elementwise. Not differentiable (as PyTorch 1.13).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const y = torch.special.modifiedBesselI1(torch.tensor([0, -1]));
 * assertEquals(torch.allclose(y, torch.tensor([0, -0.5651591])), true);
 * ```
 */
export function modifiedBesselI1(input: Tensor): Tensor {
  return runUndifferentiable("special.modified_bessel_i1", "i1", input);
}

/**
 * `torch.special.modified_bessel_k0`: the modified Bessel function of the second kind of order 0, `K₀(x)`: `+inf` at 0, NaN below 0, 0 at +inf, elementwise. Not differentiable (as PyTorch 1.13).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const y = torch.special.modifiedBesselK0(torch.tensor([1, 5]));
 * assertEquals(torch.allclose(y, torch.tensor([0.4210244, 0.0036911])), true);
 * ```
 */
export function modifiedBesselK0(input: Tensor): Tensor {
  return runUndifferentiable("special.modified_bessel_k0", "modifiedBesselK0", input);
}

/**
 * `torch.special.modified_bessel_k1`: the modified Bessel function of the second kind of order 1, `K₁(x)`: `+inf` at 0, NaN below 0, 0 at +inf, elementwise. Not differentiable (as PyTorch 1.13).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const y = torch.special.modifiedBesselK1(torch.tensor([1, 5]));
 * assertEquals(torch.allclose(y, torch.tensor([0.6019072, 0.0040446])), true);
 * ```
 */
export function modifiedBesselK1(input: Tensor): Tensor {
  return runUndifferentiable("special.modified_bessel_k1", "modifiedBesselK1", input);
}

/**
 * `torch.special.scaled_modified_bessel_k0`: `exp(x)·K₀(x)`, finite where `K₀` underflows: `+inf` at 0, NaN below 0, 0 at +inf, elementwise. Not differentiable (as PyTorch 1.13).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const y = torch.special.scaledModifiedBesselK0(torch.tensor([1, 100]));
 * assertEquals(torch.allclose(y, torch.tensor([1.1444631, 0.1251756])), true);
 * ```
 */
export function scaledModifiedBesselK0(input: Tensor): Tensor {
  return runUndifferentiable("special.scaled_modified_bessel_k0", "scaledModifiedBesselK0", input);
}

/**
 * `torch.special.scaled_modified_bessel_k1`: `exp(x)·K₁(x)`, finite where `K₁` underflows: `+inf` at 0, NaN below 0, 0 at +inf, elementwise. Not differentiable (as PyTorch 1.13).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const y = torch.special.scaledModifiedBesselK1(torch.tensor([1, 100]));
 * assertEquals(torch.allclose(y, torch.tensor([1.6361535, 0.1257999])), true);
 * ```
 */
export function scaledModifiedBesselK1(input: Tensor): Tensor {
  return runUndifferentiable("special.scaled_modified_bessel_k1", "scaledModifiedBesselK1", input);
}

/**
 * `torch.special.spherical_bessel_j0`: the spherical Bessel function of the first kind of order 0, `j₀(x) = sin(x)/x` (1 at 0, 0 at ±inf), elementwise. Not differentiable (as PyTorch 1.13).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const y = torch.special.sphericalBesselJ0(torch.tensor([0, 1]));
 * assertEquals(torch.allclose(y, torch.tensor([1, 0.8414710])), true);
 * ```
 */
export function sphericalBesselJ0(input: Tensor): Tensor {
  return runUndifferentiable("special.spherical_bessel_j0", "sphericalBesselJ0", input);
}

/**
 * `torch.special.airy_ai`: the Airy function `Ai(x)`, the solution of `y'' = x·y` that decays as x grows (NaN at ±inf, as PyTorch), elementwise. Not differentiable (as PyTorch 1.13).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const y = torch.special.airyAi(torch.tensor([0, 1, -1]));
 * assertEquals(torch.allclose(y, torch.tensor([0.3550281, 0.1352924, 0.5355609])), true);
 * ```
 */
export function airyAi(input: Tensor): Tensor {
  return runUndifferentiable("special.airy_ai", "airyAi", input);
}
