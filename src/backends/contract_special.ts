/**
 * Contracts of the special-function kernels `special` and `special2` (see `contract.ts`): what
 * each backend checks before launching them, so both refuse the same inputs with the same messages.
 * @module
 */
import { SPECIAL2_OPS, type Special2Op, SPECIAL_OPS, type SpecialOp, type Storage } from "./backend.ts";
import type { Decided } from "./contract.ts";

function floatDType(op: string, s: Storage): "float32" | "float64" {
  if (s.dtype !== "float32" && s.dtype !== "float64") {
    throw new TypeError(`${op}: the kernel takes float32 or float64 storages, got ${s.dtype}`);
  }
  return s.dtype;
}

/** `special(op, x, order)`: a float storage of x's dtype and length; `order` a small integer. */
export function specialContract(op: SpecialOp, x: Storage, order: number): Decided {
  if (!(SPECIAL_OPS as readonly string[]).includes(op)) {
    throw new TypeError(
      `special: unknown op ${JSON.stringify(op)} (expected one of ${SPECIAL_OPS.join(", ")})`,
    );
  }
  if (!Number.isInteger(order) || order < 0 || order > 0x7fffffff) {
    throw new RangeError(`${op}: order must be a non-negative integer, got ${order}`);
  }
  return { dtype: floatDType(op, x), numel: x.numel };
}

/** `special2(op, a, b)`: two float storages of one dtype and length give one of the same. */
export function special2Contract(op: Special2Op, a: Storage, b: Storage): Decided {
  if (!(SPECIAL2_OPS as readonly string[]).includes(op)) {
    throw new TypeError(
      `special2: unknown op ${JSON.stringify(op)} (expected one of ${SPECIAL2_OPS.join(", ")})`,
    );
  }
  const dtype = floatDType(op, a);
  if (b.dtype !== dtype || b.numel !== a.numel) {
    throw new TypeError(
      `${op}: operands must share dtype and length, got ${dtype}[${a.numel}] and ${b.dtype}[${b.numel}]`,
    );
  }
  return { dtype, numel: a.numel };
}
