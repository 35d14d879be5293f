/**
 * Elementwise math: unary functions, broadcasting binary arithmetic and comparisons with
 * PyTorch's type promotion, `clamp`, `where`, `maskedFill`.
 * @module
 */
import type { ARITHMETIC_OPS, BinaryOp, Operand, Storage, UnaryOp } from "../backends/backend.ts";
import {
  type ComputeDType,
  computeDType,
  type DType,
  getDefaultDtype,
  isFloating,
  promoteTypes,
  promoteWithScalar,
} from "../dtype.ts";
import { broadcastShapes, broadcastStrides, fmtShape, numelOf } from "../shape.ts";
import { Tensor, type TensorOrScalar } from "../tensor.ts";
import {
  backendOf,
  castResult,
  contiguousStorage,
  emptyResult,
  named,
  needsGrad,
  record,
  storageAs,
  temp,
  wrap,
} from "./dispatch.ts";
import { noGrad } from "../autograd/grad_mode.ts";
import { inFrameOf } from "../memory.ts";
import { describeValue } from "../backends/contract.ts";
import { guarded, rangeGuard } from "./value_checks.ts";
import { autocastCall } from "../amp/autocast_call.ts";
import { complexBinary, complexUnary, complexWhere } from "../complex/arith.ts";
import { isComplexOperand } from "../complex/core.ts";

/** Unary ops that keep integer dtypes; every other unary op computes in float. */
const INT_UNARY: ReadonlySet<UnaryOp> = new Set(["neg", "abs", "sign", "relu"]);
/** Unary ops whose result on integers is the input itself. */
const INT_IDENTITY: ReadonlySet<UnaryOp> = new Set(["floor", "ceil", "round"]);

/**
 * @internal A unary kernel with PyTorch's dtype rules (integers keep their dtype for neg, abs,
 * sign, relu and compute in float32 otherwise), recorded for autograd; `trig.ts` builds on it.
 */
export function unaryOp(op: UnaryOp, x: Tensor): Tensor {
  if (isComplexOperand(x)) return complexUnary(op, x);
  const backend = backendOf(op, x);
  if (x.dtype === "bool" && (op === "neg" || op === "sign")) {
    throw new TypeError(`${op}: not supported for bool tensors (use logicalNot / x.eq(false) instead)`);
  }
  let outDType: DType;
  let compute: ComputeDType;
  if (isFloating(x.dtype)) {
    outDType = x.dtype;
    compute = computeDType(x.dtype);
  } else if (INT_IDENTITY.has(op)) {
    return record(op, [x], wrap(backend.cast(contiguousStorage(x), x.dtype), x.shape));
  } else if (INT_UNARY.has(op)) {
    outDType = x.dtype === "bool" ? "bool" : x.dtype;
    compute = "int32";
  } else {
    outDType = getDefaultDtype();
    compute = outDType;
  }
  if (x.numel() === 0) return record(op, [x], emptyResult(backend, x.shape, outDType));
  const xin = storageAs(x, compute);
  const s = backend.unary(op, xin);
  return record(op, [x], wrap(castResult(s, outDType), x.shape));
}

/** The dtype PyTorch gives `a op b` (a 0-d tensor only raises the category of a dimensioned one). */
export function resultType(a: TensorOrScalar, b: TensorOrScalar): DType {
  if (!(a instanceof Tensor) && !(b instanceof Tensor)) {
    // Two Python scalars (`torch.where(c, 1, 0)`): integers give the default integer dtype.
    return Number.isInteger(a) && Number.isInteger(b) ? "int32" : getDefaultDtype();
  }
  if (!(a instanceof Tensor)) return promoteWithScalar((b as Tensor).dtype, a);
  if (!(b instanceof Tensor)) return promoteWithScalar(a.dtype, b);
  if (a.ndim === 0 && b.ndim > 0) return promoteZeroDim(b.dtype, a.dtype);
  if (b.ndim === 0 && a.ndim > 0) return promoteZeroDim(a.dtype, b.dtype);
  return promoteTypes(a.dtype, b.dtype);
}

function promoteZeroDim(dimensioned: DType, zeroDim: DType): DType {
  const p = promoteTypes(dimensioned, zeroDim);
  const rank = (d: DType) => (d === "complex64" ? 3 : isFloating(d) ? 2 : d === "bool" ? 0 : 1);
  return rank(p) > rank(dimensioned) ? p : dimensioned;
}

/**
 * Lays out one operand for a binary kernel producing `outShape`: a JS number, a full-length
 * storage, or a storage tiled over the output (a broadcast of trailing dims). Other broadcasts
 * are materialised by the strided-copy kernel.
 */
function operandFor(x: TensorOrScalar, outShape: readonly number[], compute: ComputeDType): Operand {
  if (!(x instanceof Tensor)) return x;
  const n = x.numel(), outN = numelOf(outShape);
  if (n === outN || n === 1) return storageAs(x, compute);
  const lead = outShape.length - x.ndim;
  let i = 0;
  while (i < x.ndim && x.shape[i] === 1) i++;
  let tiled = true;
  for (let d = i; d < x.ndim; d++) if (x.shape[d] !== outShape[lead + d]) tiled = false;
  if (tiled) return storageAs(x, compute);
  const expanded = new Tensor(
    x._storage,
    outShape,
    broadcastStrides(x.shape, x._strides, outShape),
    x._offset,
    x.dtype,
  );
  return storageAs(expanded, compute);
}

function shapeOf(x: TensorOrScalar): readonly number[] {
  return x instanceof Tensor ? x.shape : [];
}

const COMPARISONS: ReadonlySet<BinaryOp> = new Set(["eq", "ne", "lt", "le", "gt", "ge"]);

function checkOperandType(op: BinaryOp, x: unknown): void {
  if (!(x instanceof Tensor) && typeof x !== "number") {
    throw new TypeError(`${op}: operands must be tensors or numbers, got ${describeValue(x)}`);
  }
}

/**
 * @internal A broadcasting binary kernel with PyTorch's type promotion, recorded for autograd
 * (comparisons are not); the ops of this module and `division.ts` are built on it.
 */
export function binaryOp(op: BinaryOp, a: TensorOrScalar, b: TensorOrScalar): Tensor {
  if (!(a instanceof Tensor) && !(b instanceof Tensor)) {
    throw new TypeError(`${op}: expected at least one tensor operand, got two numbers (${a}, ${b})`);
  }
  checkOperandType(op, a);
  checkOperandType(op, b);
  if (isComplexOperand(a) || isComplexOperand(b)) return complexBinary(op, a, b);
  const backend = backendOf(op, a, b);
  const outShape = broadcastShapes(op, shapeOf(a), shapeOf(b));
  const promoted = resultType(a, b);
  const isCmp = COMPARISONS.has(op);
  let outDType: DType = isCmp ? "bool" : promoted;
  if (op === "div" && !isFloating(promoted)) outDType = getDefaultDtype();
  if (op === "pow" && !isFloating(promoted)) checkIntPow(a, b);
  const compute: ComputeDType = computeDType(op === "div" ? outDType : promoted);
  const n = numelOf(outShape);
  if (n === 0) {
    const empty = emptyResult(backend, outShape, outDType);
    return isCmp ? empty : record(op as typeof ARITHMETIC_OPS[number], [a, b], empty);
  }
  // Off the CPU an integer exponent tensor is checked on the device (see checkIntPow).
  const guard = op === "pow" && !isFloating(promoted) && b instanceof Tensor
    ? rangeGuard("pow", b, 0, Infinity, () => INT_POW_MESSAGE, { dtype: outDType })
    : null;
  const sa = operandFor(a, outShape, compute), sb = operandFor(b, outShape, compute);
  const s = backend.binary(op, sa, sb, n, compute);
  const out = wrap(castResult(s, outDType), outShape);
  return isCmp ? out : guarded(record(op as typeof ARITHMETIC_OPS[number], [a, b], out), guard);
}

const INT_POW_MESSAGE = "pow: integers to negative integer powers are not allowed (use a float tensor)";

/**
 * Integers to negative integer powers are refused. A number exponent and a CPU exponent tensor are
 * checked here; off the CPU, reading the tensor inside an op would be a hidden sync point, so the
 * device checks it and the result rejects its reads instead (see value_checks.ts).
 */
function checkIntPow(a: TensorOrScalar, b: TensorOrScalar): void {
  const negative = b instanceof Tensor
    ? (b.device === "cpu" && b.numel() > 0 && b.dataSync().some((v) => v < 0))
    : b < 0;
  if (negative) throw new RangeError(INT_POW_MESSAGE);
  void a;
}

/**
 * `a + alpha * b`, broadcasting, with PyTorch's type promotion.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.add(torch.tensor([1, 2]), 0.5).toArray(), [1.5, 2.5]);
 * ```
 */
export function add(a: TensorOrScalar, b: TensorOrScalar, opts: { alpha?: number } = {}): Tensor {
  return inFrameOf(() => {
    return withAlpha("add", a, b, opts.alpha);
  });
}
/**
 * `a - alpha * b`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.sub(torch.tensor([3, 4]), 1).toArray(), [2, 3]);
 * ```
 */
export function sub(a: TensorOrScalar, b: TensorOrScalar, opts: { alpha?: number } = {}): Tensor {
  return inFrameOf(() => {
    return withAlpha("sub", a, b, opts.alpha);
  });
}

/** `a op alpha * b`; the scaled `b` is released at once when nothing was recorded. */
function withAlpha(op: "add" | "sub", a: TensorOrScalar, b: TensorOrScalar, alpha?: number): Tensor {
  if (alpha === undefined || alpha === 1) return binaryOp(op, a, b);
  return binaryOp(op, a, typeof b === "number" ? b * alpha : mul(b, alpha));
}
/**
 * `a * b`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.mul(torch.tensor([1, 2]), 3).toArray(), [3, 6]);
 * ```
 */
export function mul(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  return inFrameOf(() => {
    return binaryOp("mul", a, b);
  });
}
/**
 * True division `a / b` (integers divide in float32).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.div(torch.tensor([1, 3]), 2).toArray(), [0.5, 1.5]);
 * ```
 */
export function div(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  return inFrameOf(() => {
    if (isComplexOperand(a) || isComplexOperand(b)) return complexBinary("div", a, b);
    // A number over a tensor is its reciprocal times the number, as PyTorch computes (and
    // differentiates) it.
    if (typeof a === "number" && b instanceof Tensor && a !== 1) return mul(div(1, b), a);
    if (a === 1 && b instanceof Tensor && needsGrad(b)) {
      return record("reciprocal", [b], noGrad(() => binaryOp("div", 1, b)));
    }
    return binaryOp("div", a, b);
  });
}
/**
 * `a ** b`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.pow(torch.tensor([2, 3]), 2).toArray(), [4, 9]);
 * ```
 */
export function pow(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  const amp = autocastCall("float32", pow, a, b);
  if (amp !== undefined) return amp;
  return inFrameOf(() => {
    return binaryOp("pow", a, b);
  });
}
/**
 * Elementwise maximum (NaN propagates).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.maximum(torch.tensor([1, 5]), torch.tensor([3, 2])).toArray(), [3, 5]);
 * ```
 */
export function maximum(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  return inFrameOf(() => {
    return binaryOp("maximum", a, b);
  });
}
/**
 * Elementwise minimum (NaN propagates).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.minimum(torch.tensor([1, 5]), torch.tensor([3, 2])).toArray(), [1, 2]);
 * ```
 */
export function minimum(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  return inFrameOf(() => {
    return binaryOp("minimum", a, b);
  });
}
/**
 * `a == b` as bool.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.eq(torch.tensor([1, 2]), 2).toArray(), [false, true]);
 * ```
 */
export function eq(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  return inFrameOf(() => {
    return binaryOp("eq", a, b);
  });
}
/**
 * `a != b` as bool.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.ne(torch.tensor([1, 2]), 2).toArray(), [true, false]);
 * ```
 */
export function ne(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  return inFrameOf(() => {
    return binaryOp("ne", a, b);
  });
}
/**
 * `a < b` as bool.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.lt(torch.tensor([1, 2]), 2).toArray(), [true, false]);
 * ```
 */
export function lt(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  return inFrameOf(() => {
    return binaryOp("lt", a, b);
  });
}
/**
 * `a <= b` as bool.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.le(torch.tensor([1, 3]), 2).toArray(), [true, false]);
 * ```
 */
export function le(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  return inFrameOf(() => {
    return binaryOp("le", a, b);
  });
}
/**
 * `a > b` as bool.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.gt(torch.tensor([1, 3]), 2).toArray(), [false, true]);
 * ```
 */
export function gt(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  return inFrameOf(() => {
    return binaryOp("gt", a, b);
  });
}
/**
 * `a >= b` as bool.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.ge(torch.tensor([1, 3]), 3).toArray(), [false, true]);
 * ```
 */
export function ge(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  return inFrameOf(() => {
    return binaryOp("ge", a, b);
  });
}

/**
 * `-x`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.neg(torch.tensor([1, -2])).toArray(), [-1, 2]);
 * ```
 */
export function neg(x: Tensor): Tensor {
  return inFrameOf(() => {
    return unaryOp("neg", x);
  });
}
/**
 * `|x|`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.abs(torch.tensor([1, -2])).toArray(), [1, 2]);
 * ```
 */
export function abs(x: Tensor): Tensor {
  return inFrameOf(() => {
    return unaryOp("abs", x);
  });
}
/**
 * `e^x`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.exp(torch.tensor([0])).toArray(), [1]);
 * ```
 */
export function exp(x: Tensor): Tensor {
  const amp = autocastCall("float32", exp, x);
  if (amp !== undefined) return amp;
  return inFrameOf(() => {
    return unaryOp("exp", x);
  });
}
/**
 * Natural logarithm.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.log(torch.tensor([1])).toArray(), [0]);
 * ```
 */
export function log(x: Tensor): Tensor {
  const amp = autocastCall("float32", log, x);
  if (amp !== undefined) return amp;
  return inFrameOf(() => {
    return unaryOp("log", x);
  });
}
/**
 * `log(1 + x)`, accurate for small x.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.log1p(torch.tensor([0])).toArray(), [0]);
 * ```
 */
export function log1p(x: Tensor): Tensor {
  const amp = autocastCall("float32", log1p, x);
  if (amp !== undefined) return amp;
  return inFrameOf(() => {
    return unaryOp("log1p", x);
  });
}
/**
 * Square root.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.sqrt(torch.tensor([4, 9])).toArray(), [2, 3]);
 * ```
 */
export function sqrt(x: Tensor): Tensor {
  return inFrameOf(() => {
    return unaryOp("sqrt", x);
  });
}
/**
 * `1 / sqrt(x)`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.rsqrt(torch.tensor([4])).toArray(), [0.5]);
 * ```
 */
export function rsqrt(x: Tensor): Tensor {
  const amp = autocastCall("float32", rsqrt, x);
  if (amp !== undefined) return amp;
  return inFrameOf(() => {
    return unaryOp("rsqrt", x);
  });
}
/**
 * Sine.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.sin(torch.tensor([0])).toArray(), [0]);
 * ```
 */
export function sin(x: Tensor): Tensor {
  return inFrameOf(() => {
    return unaryOp("sin", x);
  });
}
/**
 * Cosine.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.cos(torch.tensor([0])).toArray(), [1]);
 * ```
 */
export function cos(x: Tensor): Tensor {
  return inFrameOf(() => {
    return unaryOp("cos", x);
  });
}
/**
 * Hyperbolic tangent.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.tanh(torch.tensor([0])).toArray(), [0]);
 * ```
 */
export function tanh(x: Tensor): Tensor {
  return inFrameOf(() => {
    return unaryOp("tanh", x);
  });
}
/**
 * Logistic sigmoid `1 / (1 + e^-x)`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.sigmoid(torch.tensor([0])).toArray(), [0.5]);
 * ```
 */
export function sigmoid(x: Tensor): Tensor {
  return inFrameOf(() => {
    return unaryOp("sigmoid", x);
  });
}
/**
 * `max(x, 0)`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.relu(torch.tensor([-1, 2])).toArray(), [0, 2]);
 * ```
 */
export function relu(x: Tensor): Tensor {
  return inFrameOf(() => {
    return unaryOp("relu", x);
  });
}
/**
 * -1, 0 or 1 by the sign of x.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.sign(torch.tensor([-3, 0, 2])).toArray(), [-1, 0, 1]);
 * ```
 */
export function sign(x: Tensor): Tensor {
  return inFrameOf(() => {
    return unaryOp("sign", x);
  });
}
/**
 * Rounds down.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.floor(torch.tensor([1.5, -1.5])).toArray(), [1, -2]);
 * ```
 */
export function floor(x: Tensor): Tensor {
  return inFrameOf(() => {
    return unaryOp("floor", x);
  });
}
/**
 * Rounds up.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.ceil(torch.tensor([1.5, -1.5])).toArray(), [2, -1]);
 * ```
 */
export function ceil(x: Tensor): Tensor {
  return inFrameOf(() => {
    return unaryOp("ceil", x);
  });
}
/**
 * Rounds half to even, as PyTorch.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.round(torch.tensor([0.5, 1.5, 2.5])).toArray(), [0, 2, 2]);
 * ```
 */
export function round(x: Tensor): Tensor {
  return inFrameOf(() => {
    return unaryOp("round", x);
  });
}

/**
 * Limits every element to `[min, max]` (either bound may be omitted, not both).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.clamp(torch.tensor([-2, 0.5, 3]), 0, 1).toArray(), [0, 0.5, 1]);
 * ```
 */
export function clamp(x: Tensor, min?: number | null, max?: number | null): Tensor {
  return inFrameOf(() => {
    const lo = min ?? null, hi = max ?? null;
    if (lo === null && hi === null) throw new TypeError("clamp: at least one of min and max must be given");
    for (const [name, v] of [["min", lo], ["max", hi]] as const) {
      if (v !== null && typeof v !== "number") {
        throw new TypeError(`clamp: ${name} must be a number or null, got ${describeValue(v)}`);
      }
    }
    const backend = backendOf("clamp", x);
    let dtype = x.dtype;
    for (const v of [lo, hi]) if (v !== null) dtype = promoteWithScalar(dtype, v);
    const compute = computeDType(dtype);
    const n = x.numel();
    if (n === 0) return record("clamp", [x], emptyResult(backend, x.shape, dtype), { min: lo, max: hi });
    const xin = storageAs(x, compute);
    let s = xin;
    if (lo !== null) s = backend.binary("maximum", s, lo, n, compute);
    if (hi !== null) {
      const prev = s;
      s = backend.binary("minimum", s, hi, n, compute);
      if (prev !== xin) prev.dispose();
    }
    return record("clamp", [x], wrap(castResult(s, dtype), x.shape), { min: lo, max: hi });
  });
}

/**
 * `condition ? a : b` elementwise, broadcasting all three.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.tensor([1, -2, 3]);
 * assertEquals(torch.where(x.gt(0), x, 0).toArray(), [1, 0, 3]);
 * ```
 */
export function where(condition: Tensor, a: TensorOrScalar, b: TensorOrScalar): Tensor {
  return inFrameOf(() => {
    if (!(condition instanceof Tensor) || condition.dtype !== "bool") {
      throw new TypeError(
        `where: expected condition to be a bool tensor, got ${
          condition instanceof Tensor ? condition.dtype : typeof condition
        }`,
      );
    }
    if (isComplexOperand(a) || isComplexOperand(b)) return complexWhere(condition, a, b);
    const backend = backendOf("where", condition, a, b);
    const shape = broadcastShapes("where", broadcastShapes("where", condition.shape, shapeOf(a)), shapeOf(b));
    const dtype = resultType(a, b);
    if (numelOf(shape) === 0) {
      return record("where", [a, b], emptyResult(backend, shape, dtype), { condition });
    }
    const full = (x: TensorOrScalar, d: DType): Storage => {
      if (!(x instanceof Tensor)) return temp(backend.full(d, numelOf(shape), x));
      const v = new Tensor(
        x._storage,
        shape,
        broadcastStrides(x.shape, x._strides, shape),
        x._offset,
        x.dtype,
      );
      return storageAs(v, d);
    };
    const sc = full(condition, "bool"), sa = full(a, dtype), sb = full(b, dtype);
    const s = backend.where(sc, sa, sb);
    return record("where", [a, b], wrap(s, shape), { condition });
  });
}

/**
 * `x` with `value` wherever `mask` (bool, broadcastable to x) is true.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.tensor([1, 2, 3]);
 * assertEquals(torch.maskedFill(x, x.gt(1), 0).toArray(), [1, 0, 0]);
 * ```
 */
export function maskedFill(x: Tensor, mask: Tensor, value: number): Tensor {
  return inFrameOf(() => {
    if (!(mask instanceof Tensor) || mask.dtype !== "bool") {
      throw new TypeError(
        `maskedFill: expected mask to be a bool tensor, got ${
          mask instanceof Tensor ? mask.dtype : typeof mask
        }`,
      );
    }
    const shape = broadcastShapes("maskedFill", x.shape, mask.shape);
    if (shape.length !== x.ndim || shape.some((d, i) => d !== x.shape[i])) {
      throw new RangeError(
        `maskedFill: mask of shape ${fmtShape(mask.shape)} does not broadcast to ${fmtShape(x.shape)}`,
      );
    }
    if (!isFloating(x.dtype) && !Number.isInteger(value)) {
      throw new TypeError(`maskedFill: value ${value} cannot be stored in a ${x.dtype} tensor`);
    }
    // A 0-d fill value of x's own dtype keeps the result in x's dtype.
    return named(
      where(mask, wrap(backendOf("maskedFill", x).full(x.dtype, 1, value), []), x),
      "MaskedFillBackward0",
      x,
    );
  });
}
