/**
 * PyTorch's alias and predicate names at top level: the comparison aliases (`torch.greater`,
 * `greaterEqual`, `less`, `lessEqual`, `notEqual`), `torch.adjoint`, `torch.isComplex`,
 * `torch.isNonzero`, `torch.isSameSize`, `torch.resultType`, `torch.canCast`,
 * `torch.scalarTensor`, `torch.emptyStrided`, `torch.rowStack`, `torch.rsub`, `torch.ger`,
 * `torch.sigmoid_` and `torch.tanh_`. Each
 * calls the op edgetorch already has under PyTorch's main name.
 * @module
 */
import { conj } from "./complex/conj.ts";
import { Tensor, type TensorOrScalar } from "./tensor.ts";
import { type CreateOptions, full, zeros } from "./creation.ts";
import { type DType, DTYPES, getDefaultDtype, isFloating } from "./dtype.ts";
import * as ew from "./ops/elementwise.ts";
import * as mv from "./ops/movement.ts";
import { outer } from "./ops/matmul.ts";
import { vstack } from "./ops/split_stack.ts";
import { named } from "./ops/dispatch.ts";
import { asOp } from "./ops/naming.ts";
import { inFrameOf } from "./memory.ts";
import { fmtShape } from "./shape.ts";
import { describeValue } from "./backends/contract.ts";

function checkTensor(op: string, name: string, x: unknown): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: ${name} must be a Tensor, got ${describeValue(x)}`);
  return x;
}

/**
 * `input > other` as bool: PyTorch's `torch.greater`, an alias of {@link gt}.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * assertEquals(torch.greater(torch.tensor([1, 3]), 2).toArray(), [false, true]);
 * ```
 */
export function greater(input: TensorOrScalar, other: TensorOrScalar): Tensor {
  return asOp("greater", () => ew.gt(input, other));
}

/**
 * `input >= other` as bool: PyTorch's `torch.greater_equal`, an alias of `torch.ge`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * assertEquals(torch.greaterEqual(torch.tensor([1, 2]), 2).toArray(), [false, true]);
 * ```
 */
export function greaterEqual(input: TensorOrScalar, other: TensorOrScalar): Tensor {
  return asOp("greaterEqual", () => ew.ge(input, other));
}

/**
 * `input < other` as bool: PyTorch's `torch.less`, an alias of `torch.lt`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * assertEquals(torch.less(torch.tensor([1, 3]), 2).toArray(), [true, false]);
 * ```
 */
export function less(input: TensorOrScalar, other: TensorOrScalar): Tensor {
  return asOp("less", () => ew.lt(input, other));
}

/**
 * `input <= other` as bool: PyTorch's `torch.less_equal`, an alias of `torch.le`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * assertEquals(torch.lessEqual(torch.tensor([2, 3]), 2).toArray(), [true, false]);
 * ```
 */
export function lessEqual(input: TensorOrScalar, other: TensorOrScalar): Tensor {
  return asOp("lessEqual", () => ew.le(input, other));
}

/**
 * `input != other` as bool: PyTorch's `torch.not_equal`, an alias of `torch.ne`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * assertEquals(torch.notEqual(torch.tensor([1, 2]), 2).toArray(), [true, false]);
 * ```
 */
export function notEqual(input: TensorOrScalar, other: TensorOrScalar): Tensor {
  return asOp("notEqual", () => ew.ne(input, other));
}

/**
 * The conjugate transpose of the last two dims (`torch.adjoint(x)`, `x.adjoint()`, `x.mH`): a
 * view for real dtypes (the transpose), a conjugated copy for complex64. 0-d tensors come back as they
 * are; 1-D ones are refused, as in PyTorch.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * assertEquals(torch.adjoint(torch.tensor([[1, 2, 3]])).toArray(), [[1], [2], [3]]);
 * assertEquals(torch.zeros(4, 2, 3).adjoint().shape, [4, 3, 2]);
 * ```
 */
export function adjoint(x: Tensor): Tensor {
  return matrixTranspose("adjoint", "tensor.adjoint()", x);
}

/** @internal `x.mH` / `x.adjoint()`: the last two dims swapped; `what` is PyTorch's name in the error. */
export function matrixTranspose(op: string, what: string, x: Tensor): Tensor {
  return inFrameOf(() => {
    checkTensor(op, "input", x);
    if (x.ndim === 0) return mv.alias(x);
    if (x.ndim === 1) {
      throw new RangeError(
        `${op}: ${what} is only supported on matrices or batches of matrices. Got 1-D tensor.`,
      );
    }
    return conj(mv.transpose(x, -2, -1)); // the conjugate (a copy) for complex64, a view otherwise
  });
}

/** @internal `x.H`: the transpose of a matrix (2-D; 0-d comes back as it is). */
export function conjugateTranspose(x: Tensor): Tensor {
  return inFrameOf(() => {
    checkTensor("H", "input", x);
    if (x.ndim === 0) return mv.alias(x);
    if (x.ndim !== 2) {
      throw new RangeError(
        `H: tensor.H is only supported on matrices (2-D tensors). Got ${x.ndim}-D tensor.` +
          (x.ndim > 2 ? " For batches of matrices, consider using tensor.mH" : ""),
      );
    }
    return conj(mv.transpose(x, 0, 1));
  });
}

/**
 * Whether `x` has a complex dtype (`torch.is_complex`): true for complex64.
 * @example
 * ```ts
 * import * as torch from "../mod.ts";
 * console.assert(torch.isComplex(torch.zeros(2)) === false);
 * console.assert(torch.isComplex(torch.zeros(2, { dtype: "complex64" })) === true);
 * ```
 */
export function isComplex(x: Tensor): boolean {
  checkTensor("isComplex", "input", x);
  return x.dtype === "complex64";
}

/**
 * The truth of a one-element tensor (`torch.is_nonzero`): false for 0, true otherwise (NaN
 * included). Tensors of zero or several elements are refused, as PyTorch refuses them. A
 * synchronous read: GPU tensors need `await x.itemAsync()` instead.
 * @example
 * ```ts
 * import * as torch from "../mod.ts";
 * console.assert(torch.isNonzero(torch.tensor([[3]])) && !torch.isNonzero(torch.tensor([0])));
 * ```
 */
export function isNonzero(x: Tensor): boolean {
  checkTensor("isNonzero", "input", x);
  const n = x.numel();
  if (n !== 1) {
    throw new RangeError(
      `isNonzero: Boolean value of Tensor with ${
        n === 0 ? "no values" : "more than one value"
      } is ambiguous ` +
        `(shape ${fmtShape(x.shape)})`,
    );
  }
  return Number(x.item()) !== 0;
}

/**
 * Whether two tensors have the same shape (`torch.is_same_size(a, b)`).
 * @example
 * ```ts
 * import * as torch from "../mod.ts";
 * console.assert(torch.isSameSize(torch.zeros(2, 3), torch.ones(2, 3)));
 * console.assert(!torch.isSameSize(torch.zeros(2, 3), torch.ones(3, 2)));
 * ```
 */
export function isSameSize(a: Tensor, b: Tensor): boolean {
  checkTensor("isSameSize", "input", a);
  checkTensor("isSameSize", "other", b);
  return a.ndim === b.ndim && a.shape.every((s, i) => s === b.shape[i]);
}

/**
 * The dtype of `a op b` under PyTorch's promotion rules (`torch.result_type(tensor, other)`):
 * a number only raises the category (integer to float), a 0-d tensor only raises that of a
 * dimensioned one. PyTorch's int64 results are int32 here (edgetorch's integer dtype).
 * @example
 * ```ts
 * import * as torch from "../mod.ts";
 * console.assert(torch.resultType(torch.tensor([1, 2]), 1.5) === "float32");
 * console.assert(torch.resultType(torch.tensor([1], { dtype: "uint8" }), torch.tensor(5)) === "uint8");
 * ```
 */
export function resultType(tensor: TensorOrScalar | boolean, other: TensorOrScalar | boolean): DType {
  const scalar = (v: TensorOrScalar | boolean, name: string): TensorOrScalar => {
    if (v instanceof Tensor) return v;
    if (typeof v === "boolean") return torchBool(v);
    if (typeof v !== "number") {
      throw new TypeError(`resultType: ${name} must be a Tensor, number or boolean, got ${describeValue(v)}`);
    }
    return v;
  };
  const a = scalar(tensor, "tensor"), b = scalar(other, "other");
  return inFrameOf(() => ew.resultType(a, b));
}

/** A boolean scalar as PyTorch treats `True` in promotion: a 0-d bool tensor. */
function torchBool(v: boolean): Tensor {
  return full([], v, { dtype: "bool" });
}

/**
 * Whether a value of dtype `from` may be written into a tensor of dtype `to` by an in-place op
 * (`torch.can_cast(from, to)`): floats never go into integers or bool, and nothing but bool goes
 * into bool.
 * @example
 * ```ts
 * import * as torch from "../mod.ts";
 * console.assert(torch.canCast("int32", "float32") && !torch.canCast("float32", "int32"));
 * console.assert(!torch.canCast("uint8", "bool") && torch.canCast("bool", "uint8"));
 * ```
 */
export function canCast(from: DType, to: DType): boolean {
  for (const [name, d] of [["from", from], ["to", to]] as const) {
    if (!DTYPES.includes(d)) {
      throw new TypeError(`canCast: ${name} must be a dtype (${DTYPES.join(", ")}), got ${describeValue(d)}`);
    }
  }
  if (from === "complex64" && to !== "complex64") return false;
  if (isFloating(from) && !isFloating(to) && to !== "complex64") return false;
  if (from !== "bool" && to === "bool") return false;
  return true;
}

/**
 * A 0-d tensor holding `value` (`torch.scalar_tensor(s)`): of the default float dtype unless
 * `dtype` is given, whatever the value (PyTorch's `scalar_tensor(1)` is `tensor(1.)`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * const s = torch.scalarTensor(3);
 * assertEquals([s.shape, s.dtype, s.item()], [[], "float32", 3]);
 * assertEquals(torch.scalarTensor(true, { dtype: "bool" }).item(), true);
 * ```
 */
export function scalarTensor(value: number | boolean, opts: CreateOptions = {}): Tensor {
  if (typeof value !== "number" && typeof value !== "boolean") {
    throw new TypeError(`scalarTensor: value must be a number or boolean, got ${describeValue(value)}`);
  }
  return full([], typeof value === "boolean" ? Number(value) : value, {
    ...opts,
    dtype: opts.dtype ?? getDefaultDtype(),
  });
}

/**
 * A tensor of `size` whose elements sit `stride` apart in a fresh zero-filled storage just large
 * enough (`torch.empty_strided(size, stride)`); strides may be 0 (elements then share memory).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * const e = torch.emptyStrided([2, 3], [1, 2]);
 * assertEquals([e.shape, e.stride(), e.isContiguous()], [[2, 3], [1, 2], false]);
 * ```
 */
export function emptyStrided(
  size: readonly number[],
  stride: readonly number[],
  opts: CreateOptions = {},
): Tensor {
  const op = "emptyStrided";
  return inFrameOf(() => {
    const ints = (v: unknown, what: string): number[] => {
      if (!Array.isArray(v) || v.some((s) => !Number.isInteger(s) || s < 0)) {
        throw new TypeError(
          `${op}: ${what} must be a list of non-negative integers, got ${describeValue(v)}`,
        );
      }
      return [...v];
    };
    const s = ints(size, "size"), st = ints(stride, "stride");
    if (s.length !== st.length) {
      throw new RangeError(
        `${op}: mismatch in length of strides and shape (size ${fmtShape(s)}, stride ${fmtShape(st)})`,
      );
    }
    const needed = s.some((d) => d === 0) ? 0 : 1 + s.reduce((acc, d, i) => acc + (d - 1) * st[i], 0);
    const storage = zeros([needed], { dtype: opts.dtype, device: opts.device });
    const out = new Tensor(storage._storage, s, st, 0, storage.dtype);
    return opts.requiresGrad ? out.requiresGrad_(true) : out;
  });
}

/**
 * PyTorch's `torch.row_stack`: an alias of {@link vstack} (1-D tensors become rows, then
 * everything is concatenated along dim 0).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * assertEquals(torch.rowStack([torch.tensor([1, 2]), torch.tensor([3, 4])]).toArray(), [[1, 2], [3, 4]]);
 * ```
 */
export function rowStack(tensors: readonly Tensor[]): Tensor {
  return asOp("rowStack", () => vstack(tensors));
}

/** Options of {@link rsub}. */
export interface RsubOptions {
  /** The multiplier of `input` (default 1). */
  alpha?: number;
}

/**
 * `other - alpha * input` (`torch.rsub(input, other, alpha=1)`: subtraction with the operands
 * reversed). Differentiable.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * assertEquals(torch.rsub(torch.tensor([1, 2]), 3).toArray(), [2, 1]);
 * assertEquals(torch.rsub(torch.tensor([1, 2]), torch.tensor([5, 5]), { alpha: 2 }).toArray(), [3, 1]);
 * ```
 */
export function rsub(input: Tensor, other: TensorOrScalar, opts: RsubOptions = {}): Tensor {
  return inFrameOf(() => {
    checkTensor("rsub", "input", input);
    const bools = [input, other].filter((t) => t instanceof Tensor && t.dtype === "bool").length;
    if (bools > 0) {
      throw new TypeError(
        bools === 2
          ? "rsub: Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or logicalXor() operator instead."
          : "rsub: Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a mask, use the `~` or logicalNot() operator instead.",
      );
    }
    const out = asOp("rsub", () => ew.sub(other, input, { alpha: opts.alpha ?? 1 }));
    return named(out, `RsubBackward${other instanceof Tensor ? 0 : 1}`, input, other);
  });
}

/**
 * The outer product of two vectors: PyTorch's deprecated `torch.ger(input, vec2)`, an alias of
 * `torch.outer`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * assertEquals(torch.ger(torch.tensor([1, 2]), torch.tensor([3, 4])).toArray(), [[3, 4], [6, 8]]);
 * ```
 */
export function ger(input: Tensor, vec2: Tensor): Tensor {
  return asOp("ger", () => outer(input, vec2));
}

/**
 * `torch.sigmoid_(x)`: `x.sigmoid_()`, the sigmoid written into `x`, which is returned.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * const x = torch.tensor([0], { dtype: "float32" });
 * assertEquals([torch.sigmoid_(x) === x, x.toArray()], [true, [0.5]]);
 * ```
 */
export function sigmoid_(input: Tensor): Tensor {
  return checkTensor("sigmoid_", "input", input).sigmoid_();
}

/**
 * `torch.tanh_(x)`: `x.tanh_()`, the hyperbolic tangent written into `x`, which is returned.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * const x = torch.tensor([0], { dtype: "float32" });
 * assertEquals([torch.tanh_(x) === x, x.toArray()], [true, [0]]);
 * ```
 */
export function tanh_(input: Tensor): Tensor {
  return checkTensor("tanh_", "input", input).tanh_();
}
