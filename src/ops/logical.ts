/**
 * Predicates and logical ops built from the comparison kernels: `isnan`, `isinf`, `isposinf`,
 * `isneginf`, `isfinite`, `logicalNot`/`And`/`Or`/`Xor`, `isclose`, and the host-side answers
 * `allclose` and `equal`. Results are bool tensors (no gradient), on every backend; nonzero values
 * (NaN included) count as true, as in PyTorch.
 * @module
 */
import { isComplexOperand, parts } from "../complex/core.ts";
import { isFloating } from "../dtype.ts";
import { broadcastShapes } from "../shape.ts";
import { Tensor } from "../tensor.ts";
import { abs, add, eq, le, lt, maximum, mul, ne, resultType, sub } from "./elementwise.ts";
import { all } from "./reduce.ts";
import { inFrameOf } from "../memory.ts";
import { asOp } from "./naming.ts";

/**
 * True where the element is NaN.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.tensor([1, NaN]).isnan().toArray(), [false, true]);
 * ```
 */
export function isnan(x: Tensor): Tensor {
  return inFrameOf(() => {
    return ne(x, x);
  });
}

/**
 * True where the element is +Infinity or -Infinity.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.tensor([1, -Infinity, NaN]).isinf().toArray(), [false, true, false]);
 * ```
 */
export function isinf(x: Tensor): Tensor {
  return inFrameOf(() => {
    if (isComplexOperand(x)) return partsTest(x, isinf, "or");
    if (!isFloating(x.dtype)) return ne(x, x);
    return eq(abs(x), Infinity);
  });
}

/**
 * True where the element is +Infinity.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.tensor([Infinity, -Infinity]).isposinf().toArray(), [true, false]);
 * ```
 */
export function isposinf(x: Tensor): Tensor {
  return inFrameOf(() => {
    if (isComplexOperand(x)) throw new TypeError("isposinf: isposinf does not support complex inputs.");
    return isFloating(x.dtype) ? eq(x, Infinity) : ne(x, x);
  });
}

/**
 * True where the element is -Infinity.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.tensor([Infinity, -Infinity]).isneginf().toArray(), [false, true]);
 * ```
 */
export function isneginf(x: Tensor): Tensor {
  return inFrameOf(() => {
    if (isComplexOperand(x)) throw new TypeError("isneginf: isneginf does not support complex inputs.");
    return isFloating(x.dtype) ? eq(x, -Infinity) : ne(x, x);
  });
}

/**
 * True where the element is neither infinite nor NaN.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.tensor([1, Infinity, NaN]).isfinite().toArray(), [true, false, false]);
 * ```
 */
export function isfinite(x: Tensor): Tensor {
  return inFrameOf(() => {
    if (isComplexOperand(x)) return partsTest(x, isfinite, "and");
    if (!isFloating(x.dtype)) return eq(x, x);
    return lt(abs(x), Infinity);
  });
}

/**
 * True where the element is zero (false), elementwise.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.tensor([true, false]).logicalNot().toArray(), [false, true]);
 * ```
 */
export function logicalNot(x: Tensor): Tensor {
  return inFrameOf(() => {
    return eq(x, 0);
  });
}

function truthy(op: string, t: Tensor): Tensor {
  if (!(t instanceof Tensor)) throw new TypeError(`${op}: expected a tensor, got ${typeof t}`);
  return t.dtype === "bool" ? t : ne(t, 0);
}

/**
 * Elementwise AND of the truth values (nonzero is true), broadcasting.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.logicalAnd(torch.tensor([true, true]), torch.tensor([1, 0])).toArray(), [true, false]);
 * ```
 */
export function logicalAnd(a: Tensor, b: Tensor): Tensor {
  return asOp("logicalAnd", () =>
    inFrameOf(() => {
      return mul(truthy("logicalAnd", a), truthy("logicalAnd", b));
    }));
}

/**
 * Elementwise OR of the truth values (nonzero is true), broadcasting.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.logicalOr(torch.tensor([true, false]), torch.tensor([0, 0])).toArray(), [true, false]);
 * ```
 */
export function logicalOr(a: Tensor, b: Tensor): Tensor {
  return asOp("logicalOr", () =>
    inFrameOf(() => {
      return maximum(truthy("logicalOr", a), truthy("logicalOr", b));
    }));
}

/**
 * Elementwise XOR of the truth values (nonzero is true), broadcasting.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.logicalXor(torch.tensor([true, true]), torch.tensor([2, 0])).toArray(), [false, true]);
 * ```
 */
export function logicalXor(a: Tensor, b: Tensor): Tensor {
  return asOp("logicalXor", () =>
    inFrameOf(() => {
      return ne(truthy("logicalXor", a), truthy("logicalXor", b));
    }));
}

/** Tolerances of {@link isclose} and {@link allclose} (PyTorch's defaults). */
export interface CloseOptions {
  /** Relative tolerance (default 1e-5). */
  rtol?: number;
  /** Absolute tolerance (default 1e-8). */
  atol?: number;
  /** Whether NaN equals NaN (default false). */
  equalNan?: boolean;
}

/**
 * True where `|a - b| <= atol + rtol * |b|`, broadcasting; infinities are close only to
 * themselves, NaN only to NaN with `equalNan`. Tensors of different dtypes are compared in their
 * promoted dtype.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.isclose(torch.tensor([1, 2]), torch.tensor([1.000001, 2.1])).toArray(), [true, false]);
 * ```
 */
export function isclose(a: Tensor, b: Tensor, opts: CloseOptions = {}): Tensor {
  return inFrameOf(() => {
    const { rtol = 1e-5, atol = 1e-8, equalNan = false } = opts;
    if (!(a instanceof Tensor) || !(b instanceof Tensor)) {
      throw new TypeError(`isclose: expected two tensors, got ${typeof a} and ${typeof b}`);
    }
    if (!(rtol >= 0) || !(atol >= 0)) {
      throw new RangeError(`isclose: rtol and atol must be non-negative, got rtol=${rtol} and atol=${atol}`);
    }
    broadcastShapes("isclose", a.shape, b.shape);
    // PyTorch requires equal dtypes; JS cannot write 1.0 apart from 1 (`tensor([1.0])` is int32),
    // so both sides go to their promoted dtype instead.
    const dtype = resultType(a, b);
    if (a.dtype !== dtype) a = a.to(dtype);
    if (b.dtype !== dtype) b = b.to(dtype);
    const same = eq(a, b);
    if (a.dtype === "bool") return same;
    const diff = abs(sub(a, b));
    let within = le(diff, add(mul(abs(b), rtol), atol));
    // |finite - inf| <= rtol * inf holds; PyTorch keeps infinities close only to themselves.
    if (isFloating(a.dtype)) within = mul(within, mul(isfinite(a), isfinite(b)));
    let close = maximum(same, within);
    if (equalNan) close = maximum(close, mul(isnan(a), isnan(b)));
    return close;
  });
}

function hostAnswer(op: string, t: Tensor): boolean {
  if (t.device !== "cpu") {
    throw new Error(
      `${op}: answers a JS boolean, which needs a synchronous read; on "${t.device}" use ` +
        `\`await torch.${op === "allclose" ? "isclose(a, b)" : "eq(a, b)"}.all().itemAsync()\``,
    );
  }
  return t.item<boolean>();
}

/**
 * Whether every element of `a` is close to `b` ({@link isclose}), as a JS boolean (CPU tensors).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.allclose(torch.tensor([1, 2]), torch.tensor([1, 2.000001])), true);
 * ```
 */
export function allclose(a: Tensor, b: Tensor, opts: CloseOptions = {}): boolean {
  return inFrameOf(() => {
    const close = isclose(a, b, opts);
    const every = all(close);
    const answer = hostAnswer("allclose", every);
    return answer;
  });
}

/**
 * Whether `a` and `b` have the same shape and the same elements, as a JS boolean (CPU tensors).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.equal(torch.tensor([1, 2]), torch.tensor([1, 2])), true);
 * ```
 */
export function equal(a: Tensor, b: Tensor): boolean {
  return inFrameOf(() => {
    if (!(a instanceof Tensor) || !(b instanceof Tensor)) {
      throw new TypeError(`equal: expected two tensors, got ${typeof a} and ${typeof b}`);
    }
    if (a.device !== b.device) {
      throw new Error(`equal: expected both tensors on the same device, got "${a.device}" and "${b.device}"`);
    }
    if (a.ndim !== b.ndim || a.shape.some((s, i) => s !== b.shape[i])) return false;
    const same = eq(a, b);
    const every = all(same);
    const answer = hostAnswer("equal", every);
    return answer;
  });
}

/** A test of each part of a complex tensor, joined with `and` / `or` (bool result). */
function partsTest(z: Tensor, test: (t: Tensor) => Tensor, join: "and" | "or"): Tensor {
  const [re, im] = parts(z.detach());
  const a = test(re).to("int32"), b = test(im).to("int32");
  return join === "and" ? eq(mul(a, b), 1) : ne(add(a, b), 0);
}
