/**
 * @internal The launchers of the special-function kernels (`Backend.special`, `special2`) for
 * tensors: PyTorch's type rules (integer and bool inputs compute in float32, float16 in float32
 * and back), recording under the op's row of the derivative table.
 * @module
 */
import { type DType, isFloating } from "../dtype.ts";
import { Tensor } from "../tensor.ts";
import { describeValue } from "../backends/contract.ts";
import type { Special2Op, SpecialOp } from "../backends/backend.ts";
import { backendOf, castResult, record, storageAs, wrap } from "../ops/dispatch.ts";
import { broadcastShapes } from "../shape.ts";
import { expand } from "../ops/movement.ts";
import { promoteTypes } from "../dtype.ts";
import { full } from "../creation.ts";

/** Throws unless `x` is a tensor: `op: argument 'name' must be a tensor, got ...`. */
export function checkTensor(op: string, x: unknown, name = "input"): asserts x is Tensor {
  if (!(x instanceof Tensor)) {
    throw new TypeError(`${op}: argument '${name}' must be a tensor, got ${describeValue(x)}`);
  }
}

/**
 * Throws for float16 operands of the functions PyTorch 1.13 has no Half kernel for (its CPU
 * refuses them: `"bessel_j0_cpu" not implemented for 'Half'`).
 */
export function refuseHalf(op: string, ...xs: (Tensor | number)[]): void {
  for (const x of xs) {
    if (x instanceof Tensor && x.dtype === "float16") {
      throw new TypeError(
        `${op}: not implemented for float16 (as PyTorch 1.13); convert with .float() first`,
      );
    }
  }
}

/** The result dtype of a float function of `dtype` (integers and bool give float32). */
export function floatResult(dtype: DType): DType {
  return isFloating(dtype) ? dtype : "float32";
}

/** The kernels of functions PyTorch 1.13 gives no derivative (src/special/bessel_more.ts). */
export type UndifferentiableSpecialOp =
  | "besselJ0"
  | "besselJ1"
  | "besselY0"
  | "besselY1"
  | "modifiedBesselK0"
  | "modifiedBesselK1"
  | "scaledModifiedBesselK0"
  | "scaledModifiedBesselK1"
  | "sphericalBesselJ0"
  | "airyAi";

/** `op` of the special kernel on `x`, recorded as `op` (PyTorch's dtype rules). */
export function runSpecial(op: Exclude<SpecialOp, UndifferentiableSpecialOp>, x: Tensor, order = 0): Tensor {
  const out = floatResult(x.dtype);
  const backend = backendOf(op, x);
  const compute = out === "float64" ? "float64" : "float32";
  const s = backend.special(op, storageAs(x, compute), order);
  return record(op, [x], wrap(castResult(s, out), x.shape), { order });
}

/** The two operands of a special2 kernel as PyTorch's type rules make them, and the result dtype. */
function special2Operands(name: string, a: Tensor | number, b: Tensor | number) {
  const ta = a instanceof Tensor ? a : null, tb = b instanceof Tensor ? b : null;
  const like = ta ?? tb;
  if (like === null) throw new TypeError(`${name}: expected at least one tensor, got two numbers`);
  const dtype = floatResult(ta && tb ? promoteTypes(ta.dtype, tb.dtype) : like.dtype);
  const at = ta ?? full([], a as number, { dtype, device: like.device });
  const bt = tb ?? full([], b as number, { dtype, device: like.device });
  return { at, bt, dtype };
}

/** `op(a, b)` of the special2 kernel on tensors `at`, `bt`, broadcast, with the result in `dtype`. */
function launchSpecial2(name: string, op: Special2Op, at: Tensor, bt: Tensor, dtype: DType): Tensor {
  const shape = broadcastShapes(name, at.shape, bt.shape);
  const backend = backendOf(name, at, bt);
  const compute = dtype === "float64" ? "float64" : "float32";
  const s = backend.special2(
    op,
    storageAs(expand(at, shape), compute),
    storageAs(expand(bt, shape), compute),
  );
  return wrap(castResult(s, dtype), shape);
}

/**
 * `op(a, b)` of the two-operand kernel, broadcast; numbers become tensors of the other
 * operand's dtype and device (as PyTorch's wrapped scalars).
 */
export function runSpecial2(
  name: string,
  op: Exclude<Special2Op, UndifferentiableSpecial2Op>,
  a: Tensor | number,
  b: Tensor | number,
): Tensor {
  const { at, bt, dtype } = special2Operands(name, a, b);
  return record(op, [at, bt], launchSpecial2(name, op, at, bt, dtype));
}

/** The two-operand kernels PyTorch 1.13 gives no derivative (src/special/polynomials.ts). */
export type UndifferentiableSpecial2Op = Exclude<Special2Op, "igamma" | "igammac" | "zeta">;

/** {@link runSpecial2} for a function without derivative: the result is not recorded. */
export function runUndifferentiable2(
  name: string,
  op: UndifferentiableSpecial2Op,
  a: Tensor | number,
  b: Tensor | number,
): Tensor {
  refuseHalf(name, a, b);
  const { at, bt, dtype } = special2Operands(name, a, b);
  return launchSpecial2(name, op, at, bt, dtype);
}
