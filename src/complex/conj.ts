/**
 * Complex construction and conjugation: `complex`, `polar`, `conj`, `conjPhysical`, `resolveConj`,
 * `resolveNeg`, `isConj`, `angle`.
 *
 * `conj` is eager here: it returns a new tensor holding the conjugate, where PyTorch returns a lazy
 * view with its conjugate bit set (materialised by `resolveConj`). The values, gradients and
 * printing are the same; `isConj` is therefore always false and `resolveConj` / `resolveNeg` return
 * their input.
 * @module
 */
import { Tensor } from "../tensor.ts";
import { inFrameOf } from "../memory.ts";
import * as ew from "../ops/elementwise.ts";
import { fromParts } from "./arith.ts";
import { absAngle } from "./arith.ts";
import { isComplexOperand, parts } from "./core.ts";

function checkTensor(op: string, name: string, x: unknown): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: ${name} must be a tensor, got ${typeof x}`);
  return x;
}

function checkFloat(op: string, name: string, x: Tensor): void {
  if (x.dtype !== "float32") {
    throw new TypeError(
      `${op}: Expected both inputs to be Float (float32) tensors (complex128 is not available), but ` +
        `${name} is ${x.dtype}`,
    );
  }
}

/**
 * The complex tensor `real + i imag` (PyTorch's `torch.complex`): two float32 tensors of the same
 * shape (broadcast against each other) give complex64.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const z = torch.complex(torch.tensor([1, 3]).float(), torch.tensor([2, -1]).float());
 * assertEquals([z.dtype, z.toString()], ["complex64", "tensor([1.+2.j, 3.-1.j])"]);
 * ```
 */
export function complex(real: Tensor, imag: Tensor): Tensor {
  return inFrameOf(() => {
    checkTensor("complex", "real", real);
    checkTensor("complex", "imag", imag);
    checkFloat("complex", "real", real.dtype === "int32" ? real.float() : real);
    checkFloat("complex", "imag", imag.dtype === "int32" ? imag.float() : imag);
    return fromParts(real.float(), imag.float());
  });
}

/**
 * The complex tensor `abs * (cos(angle) + i sin(angle))` (PyTorch's `torch.polar`).
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const z = torch.polar(torch.tensor([2]).float(), torch.tensor([Math.PI / 2]));
 * ok(z.real.abs().item() < 1e-6 && Math.abs(z.imag.item() - 2) < 1e-6);
 * ```
 */
export function polar(abs: Tensor, angle: Tensor): Tensor {
  return inFrameOf(() => {
    checkTensor("polar", "abs", abs);
    checkTensor("polar", "angle", angle);
    checkFloat("polar", "abs", abs);
    checkFloat("polar", "angle", angle);
    return fromParts(ew.mul(abs, ew.cos(angle)), ew.mul(abs, ew.sin(angle)));
  });
}

/**
 * The complex conjugate (PyTorch's `torch.conj`; a real tensor is returned as it is). Eager: a new
 * tensor, where PyTorch sets a lazy conjugate bit on a view (see the module doc).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const z = torch.complex(torch.tensor([1, 3]).float(), torch.tensor([2, -1]).float());
 * assertEquals(torch.conj(z).toArray(), [[1, -2], [3, 1]]);
 * ```
 */
export function conj(x: Tensor): Tensor {
  checkTensor("conj", "input", x);
  if (!isComplexOperand(x)) return x;
  return inFrameOf(() => {
    const [re, im] = parts(x);
    return fromParts(re, ew.neg(im));
  });
}

/**
 * The complex conjugate as a new tensor (PyTorch's `torch.conj_physical`; a real tensor is
 * returned as it is).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const z = torch.complex(torch.tensor([1]).float(), torch.tensor([2]).float());
 * assertEquals(torch.conjPhysical(z).toArray(), [[1, -2]]);
 * ```
 */
export function conjPhysical(x: Tensor): Tensor {
  return conj(x);
}

/**
 * Whether `x` is a lazily conjugated view (PyTorch's `torch.is_conj`): always false, since `conj`
 * is eager here.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const z = torch.zeros(2, { dtype: "complex64" });
 * assertEquals(torch.isConj(torch.conj(z)), false);
 * ```
 */
export function isConj(x: Tensor): boolean {
  checkTensor("isConj", "input", x);
  return false;
}

/**
 * Materialises a lazy conjugation (PyTorch's `torch.resolve_conj`): `x` itself, since `conj` is
 * eager here.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const z = torch.conj(torch.zeros(2, { dtype: "complex64" }));
 * assertEquals(torch.resolveConj(z) === z, true);
 * ```
 */
export function resolveConj(x: Tensor): Tensor {
  checkTensor("resolveConj", "input", x);
  return x;
}

/**
 * Materialises a lazy negation (PyTorch's `torch.resolve_neg`): `x` itself, since no op here makes
 * lazily negated views.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const z = torch.zeros(2, { dtype: "complex64" });
 * assertEquals(torch.resolveNeg(z) === z, true);
 * ```
 */
export function resolveNeg(x: Tensor): Tensor {
  checkTensor("resolveNeg", "input", x);
  return x;
}

/**
 * The argument (phase) of each element, in (-π, π] (PyTorch's `torch.angle`): `atan2(im, re)` for
 * complex (float32 result); for real tensors π where negative, 0 elsewhere, NaN kept.
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const z = torch.complex(torch.tensor([0]).float(), torch.tensor([1]).float());
 * ok(Math.abs(torch.angle(z).item() - Math.PI / 2) < 1e-6);
 * assertEquals(torch.angle(torch.tensor([-1, 2])).toArray(), [Math.fround(Math.PI), 0]);
 * ```
 */
export function angle(x: Tensor): Tensor {
  checkTensor("angle", "input", x);
  return inFrameOf(() => {
    if (isComplexOperand(x)) return absAngle(x, "angle")[1];
    const f = x.dtype === "float32" || x.dtype === "float64" ? x : x.float();
    const phase = ew.where(ew.lt(f, 0), Math.PI, 0).to(f.dtype);
    const out = ew.where(ew.ne(f, f), f, phase);
    return f.requiresGrad ? ew.add(out, ew.mul(f, 0)) : out;
  });
}
