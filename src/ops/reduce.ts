/**
 * Reductions (`sum`, `mean`, `prod`, `max`/`min`, `argmax`/`argmin`, `var`/`std`, `logsumexp`,
 * `norm`, `all`/`any`), softmax/log-softmax and cumsum, with `dim` (number or list, negative
 * allowed) and `keepdim`.
 * @module
 */
import { refuseComplex } from "../complex/core.ts";
import { isComplexOperand } from "../complex/core.ts";
import { complexReduce } from "../complex/ops.ts";
import type { ReduceOp } from "../backends/backend.ts";
import { type ComputeDType, computeDType, type DType, getDefaultDtype, isFloating } from "../dtype.ts";
import { fmtShape, normDim, numelOf } from "../shape.ts";
import type { Tensor } from "../tensor.ts";
import {
  backendOf,
  castResult,
  emptyResult,
  named,
  record,
  recordComposite,
  storageAs,
  wrap,
} from "./dispatch.ts";
import * as ew from "./elementwise.ts";
import { permute, reshape, transpose } from "./movement.ts";
import { inFrameOf } from "../memory.ts";
import { describeValue } from "../backends/contract.ts";
import { asOp } from "./naming.ts";
import { autocastCall } from "../amp/autocast_call.ts";

/** One dim or a list of dims. */
export type DimArg = number | readonly number[];

/** `dim` and `keepdim`, as PyTorch's keyword arguments. */
export interface ReduceOptions {
  /** The dim or dims to reduce (default: all of them). */
  dim?: DimArg;
  /** Keep the reduced dims with size 1 (default false). */
  keepdim?: boolean;
}

/** Options of `var`/`std`: `correction` (default 1, Bessel's) and the reduce options. */
export interface VarOptions extends ReduceOptions {
  /** Subtracted from the count in the denominator (default 1, Bessel's correction). */
  correction?: number;
  /** PyTorch's older spelling: `unbiased: false` is `correction: 0`. */
  unbiased?: boolean;
}

/** The result of `max(dim)`/`min(dim)`: values and their int32 indices. */
export interface ValuesIndices {
  /** The extreme values. */
  values: Tensor;
  /** Their int32 indices along the reduced dim. */
  indices: Tensor;
}

interface ParsedReduce {
  dims: number[];
  keepdim: boolean;
  /** Whether dims were given (PyTorch's `dim` overloads are named `...Backward1`). */
  explicit: boolean;
}

function parse(op: string, x: Tensor, dim?: DimArg | ReduceOptions, opts?: ReduceOptions): ParsedReduce {
  let d: DimArg | undefined;
  let o: ReduceOptions = opts ?? {};
  if (typeof dim === "number" || Array.isArray(dim)) d = dim as DimArg;
  else if (dim !== undefined && dim !== null) {
    if (typeof dim !== "object") {
      throw new TypeError(
        `${op}: dim must be an integer, a list of integers or an options object, got ${describeValue(dim)}`,
      );
    }
    o = dim as ReduceOptions;
    d = o.dim;
  } else d = o.dim;
  if (d !== undefined && d !== null && typeof d !== "number" && !Array.isArray(d)) {
    throw new TypeError(`${op}: dim must be an integer or a list of integers, got ${describeValue(d)}`);
  }
  if (o.keepdim !== undefined && typeof o.keepdim !== "boolean") {
    throw new TypeError(`${op}: keepdim must be a boolean, got ${describeValue(o.keepdim)}`);
  }
  const keepdim = o.keepdim ?? false;
  if (d === undefined || (Array.isArray(d) && d.length === 0)) {
    return { dims: x.shape.map((_, i) => i), keepdim, explicit: false };
  }
  const list = typeof d === "number" ? [d] : [...(d as readonly number[])];
  const dims = list.map((v) => normDim(op, v, x.ndim)).filter((v) => v < x.ndim || x.ndim === 0);
  if (new Set(dims).size !== dims.length) {
    throw new RangeError(`${op}: dim ${JSON.stringify(list)} appears multiple times in the list of dims`);
  }
  return { dims: x.ndim === 0 ? [] : dims.sort((a, b) => a - b), keepdim, explicit: true };
}

function reducedShape(shape: readonly number[], dims: readonly number[], keepdim: boolean): number[] {
  const out: number[] = [];
  shape.forEach((s, i) => {
    if (!dims.includes(i)) out.push(s);
    else if (keepdim) out.push(1);
  });
  return out;
}

/** Runs a reduction kernel over `dims` of x (in `compute` dtype), returning the kernel's output. */
function runReduce(op: ReduceOp, x: Tensor, dims: number[], keepdim: boolean, compute: ComputeDType): Tensor {
  const backend = backendOf(op, x);
  const outShape = reducedShape(x.shape, dims, keepdim);
  const outDType: DType = op === "argmax" || op === "argmin" ? "int32" : compute;
  let len = 1;
  for (const d of dims) len *= x.shape[d];
  const outN = numelOf(outShape);
  if (outN === 0) return emptyResult(backend, outShape, outDType);
  if (len === 0) {
    if (op === "sum") return wrap(backend.full(outDType, outN, 0), outShape);
    if (op === "prod") return wrap(backend.full(outDType, outN, 1), outShape);
    throw new RangeError(
      `${op}: cannot reduce over a dimension of size 0 (input shape ${
        fmtShape(x.shape)
      }): the result has no identity`,
    );
  }
  const consecutive = dims.every((d, i) => i === 0 || d === dims[i - 1] + 1);
  let src = x;
  let outer: number, inner: number;
  if (consecutive) {
    const first = dims[0] ?? 0, last = dims[dims.length - 1] ?? -1;
    outer = numelOf(x.shape.slice(0, first));
    inner = numelOf(x.shape.slice(last + 1));
  } else {
    const kept = x.shape.map((_, i) => i).filter((i) => !dims.includes(i));
    src = permute(x, [...kept, ...dims]);
    outer = outN;
    inner = 1;
  }
  const xin = storageAs(src, compute);
  const out = backend.reduce(op, xin, outer, len, inner);
  return wrap(out, outShape);
}

function accumulateDType(op: string, x: Tensor): DType {
  if (isFloating(x.dtype)) return x.dtype;
  void op;
  return "int32";
}

/** An op's own intermediate result `t` in `dtype` (released once cast). */
function finish(t: Tensor, dtype: DType): Tensor {
  return t.dtype === dtype ? t : wrap(castResult(t._storage, dtype), t.shape);
}

/**
 * Sum over all elements or over `dim`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.tensor([[1, 2], [3, 4]]);
 * assertEquals(x.sum().item(), 10);
 * assertEquals(x.sum(1, { keepdim: true }).toArray(), [[3], [7]]);
 * ```
 */
export function sum(x: Tensor, dim?: DimArg | ReduceOptions, opts?: ReduceOptions): Tensor {
  const amp = autocastCall("float32", sum, x, dim, opts);
  if (amp !== undefined) return amp;
  return inFrameOf(() => {
    const { dims, keepdim, explicit } = parse("sum", x, dim, opts);
    if (isComplexOperand(x)) return complexReduce("sum", x, dims, (r, ds) => sum(r, ds, { keepdim }));
    const dtype = accumulateDType("sum", x);
    const out = finish(runReduce("sum", x, dims, keepdim, computeDType(dtype)), dtype);
    return named(record("sum", [x], out, { dims, keepdim }), explicit ? "SumBackward1" : "SumBackward0", x);
  });
}

/**
 * Arithmetic mean (floating dtypes only, as PyTorch).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.tensor([1, 2, 6], { dtype: "float32" }).mean().item(), 3);
 * ```
 */
export function mean(x: Tensor, dim?: DimArg | ReduceOptions, opts?: ReduceOptions): Tensor {
  return inFrameOf(() => {
    if (isComplexOperand(x)) {
      const { dims, keepdim } = parse("mean", x, dim, opts);
      return complexReduce("mean", x, dims, (r, ds) => mean(r, ds, { keepdim }));
    }
    if (!isFloating(x.dtype)) {
      throw new TypeError(
        `mean: could not infer output dtype. Input dtype must be floating point, got ${x.dtype} (use x.float().mean())`,
      );
    }
    const { dims, keepdim, explicit } = parse("mean", x, dim, opts);
    let count = 1;
    for (const d of dims) count *= x.shape[d];
    const out = recordComposite(
      "mean",
      [x],
      { dims, keepdim, count },
      () => ew.div(sum(x, dims, { keepdim }), count),
    );
    return named(out, explicit ? "MeanBackward1" : "MeanBackward0", x);
  });
}

/**
 * Product of elements.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.tensor([2, 3, 4]).prod().item(), 24);
 * ```
 */
export function prod(x: Tensor, dim?: number | ReduceOptions, opts?: ReduceOptions): Tensor {
  const amp = autocastCall("float32", prod, x, dim, opts);
  if (amp !== undefined) return amp;
  return inFrameOf(() => {
    const { dims, keepdim, explicit } = parse("prod", x, dim, opts);
    const dtype = accumulateDType("prod", x);
    const out = finish(runReduce("prod", x, dims, keepdim, computeDType(dtype)), dtype);
    return named(
      record("prod", [x], out, { dims, keepdim }),
      explicit ? "ProdBackward1" : "ProdBackward0",
      x,
    );
  });
}

function extremeValues(
  op: "amax" | "amin",
  x: Tensor,
  dim?: DimArg | ReduceOptions,
  opts?: ReduceOptions,
): Tensor {
  const { dims, keepdim } = parse(op, x, dim, opts);
  const kernel = op === "amax" ? "max" : "min";
  const out = finish(runReduce(kernel, x, dims, keepdim, computeDType(x.dtype)), x.dtype);
  return record(op, [x], out, { dims, keepdim });
}

/**
 * Maximum over all elements or over `dim`s (gradient shared evenly among ties, as PyTorch).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.tensor([[1, 5], [7, 2]]).amax(0).toArray(), [7, 5]);
 * ```
 */
export function amax(x: Tensor, dim?: DimArg | ReduceOptions, opts?: ReduceOptions): Tensor {
  return inFrameOf(() => {
    return extremeValues("amax", x, dim, opts);
  });
}
/**
 * Minimum over all elements or over `dim`s.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.tensor([[1, 5], [7, 2]]).amin(1).toArray(), [1, 2]);
 * ```
 */
export function amin(x: Tensor, dim?: DimArg | ReduceOptions, opts?: ReduceOptions): Tensor {
  return inFrameOf(() => {
    return extremeValues("amin", x, dim, opts);
  });
}

function extremeAlong(op: "max" | "min", x: Tensor, dim: number, opts?: ReduceOptions): ValuesIndices {
  const d = normDim(op, dim, x.ndim);
  const keepdim = opts?.keepdim ?? false;
  const dims = x.ndim === 0 ? [] : [d];
  const indices = runReduce(op === "max" ? "argmax" : "argmin", x, dims, keepdim, computeDType(x.dtype));
  const values = finish(runReduce(op, x, dims, keepdim, computeDType(x.dtype)), x.dtype);
  record(op, [x], values, { dim: d, keepdim, indices });
  return { values, indices };
}

/**
 * Maximum along `dim` with its index.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const { values, indices } = torch.max(torch.tensor([[1, 5], [7, 2]]), 1);
 * assertEquals(values.toArray(), [5, 7]);
 * assertEquals(indices.toArray(), [1, 0]);
 * ```
 */
export function max(x: Tensor, dim: number, opts?: ReduceOptions): ValuesIndices {
  return inFrameOf(() => {
    return extremeAlong("max", x, dim, opts);
  });
}
/**
 * Minimum along `dim` with its index.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.min(torch.tensor([[1, 5], [7, 2]]), 1).indices.toArray(), [0, 1]);
 * ```
 */
export function min(x: Tensor, dim: number, opts?: ReduceOptions): ValuesIndices {
  return inFrameOf(() => {
    return extremeAlong("min", x, dim, opts);
  });
}

function argExtreme(
  op: "argmax" | "argmin",
  x: Tensor,
  dim?: number | ReduceOptions,
  opts?: ReduceOptions,
): Tensor {
  const o: ReduceOptions = typeof dim === "object" ? dim : { ...opts, dim };
  if (o.dim === undefined) return runReduce(op, reshape(x, -1), [0], false, computeDType(x.dtype));
  const d = normDim(op, o.dim as number, x.ndim);
  return runReduce(op, x, x.ndim === 0 ? [] : [d], o.keepdim ?? false, computeDType(x.dtype));
}

/**
 * Index of the maximum (of the flattened tensor when no dim is given).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.tensor([3, 9, 2]).argmax().item(), 1);
 * ```
 */
export function argmax(x: Tensor, dim?: number | ReduceOptions, opts?: ReduceOptions): Tensor {
  return inFrameOf(() => {
    return argExtreme("argmax", x, dim, opts);
  });
}
/**
 * Index of the minimum.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.tensor([3, 9, 2]).argmin().item(), 2);
 * ```
 */
export function argmin(x: Tensor, dim?: number | ReduceOptions, opts?: ReduceOptions): Tensor {
  return inFrameOf(() => {
    return argExtreme("argmin", x, dim, opts);
  });
}

/**
 * Variance with `correction` (default 1).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(Math.abs((torch.tensor([1, 2, 3, 4], { dtype: "float32" }).var().item() as number) - 1.6666666) < 5e-8, true); // ≈ 1.6666666
 * ```
 */
export function variance(x: Tensor, dim?: DimArg | VarOptions, opts?: VarOptions): Tensor {
  return inFrameOf(() => {
    const o: VarOptions = typeof dim === "object" && !Array.isArray(dim) ? dim as VarOptions : { ...opts };
    if (!isFloating(x.dtype)) throw new TypeError(`var: expected a floating point tensor, got ${x.dtype}`);
    const { dims, keepdim } = parse("var", x, dim as DimArg | ReduceOptions, opts);
    const correction = o.correction ?? (o.unbiased === false ? 0 : 1);
    let n = 1;
    for (const d of dims) n *= x.shape[d];
    return recordComposite("var", [x], { dims, keepdim, correction, count: n }, () => {
      const centered = ew.sub(x, mean(x, dims, { keepdim: true }));
      const squares = sum(ew.mul(centered, centered), dims, { keepdim });
      return ew.div(squares, Math.max(n - correction, 0));
    });
  });
}

/**
 * Standard deviation with `correction` (default 1).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.tensor([2, 4, 4, 4, 5, 5, 7, 9], { dtype: "float32" }).std({ correction: 0 }).item(), 2);
 * ```
 */
export function std(x: Tensor, dim?: DimArg | VarOptions, opts?: VarOptions): Tensor {
  return asOp("std", () =>
    inFrameOf(() => {
      const o: VarOptions = typeof dim === "object" && !Array.isArray(dim) ? dim as VarOptions : { ...opts };
      const { dims, keepdim } = parse("std", x, dim as DimArg | ReduceOptions, opts);
      const correction = o.correction ?? (o.unbiased === false ? 0 : 1);
      let n = 1;
      for (const d of dims) n *= x.shape[d];
      return recordComposite(
        "std",
        [x],
        { dims, keepdim, correction, count: n },
        () => ew.sqrt(variance(x, dim, opts)),
      );
    }));
}

/**
 * `log(sum(exp(x)))` over `dim`, computed stably.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(Math.abs((torch.tensor([0.0, 0.0]).logsumexp(0).item() as number) - 0.6931472) < 5e-8, true); // ≈ 0.6931472
 * ```
 */
export function logsumexp(x: Tensor, dim: DimArg, opts?: ReduceOptions): Tensor {
  return inFrameOf(() => {
    const { dims, keepdim } = parse("logsumexp", x, dim, opts);
    const xf = isFloating(x.dtype) ? x : x.float();
    if (xf.numel() === 0) return ew.log(sum(ew.exp(xf), dims, { keepdim }));
    return recordComposite("logsumexp", [xf], { dims, keepdim }, () => {
      const m = amax(xf, dims, { keepdim: true });
      // An all -inf (or inf) slice would give inf - inf = NaN; shifting by 0 there is exact.
      const shift = ew.where(ew.eq(ew.abs(m), Infinity), 0, m);
      const shifted = ew.exp(ew.sub(xf, shift));
      const out = ew.add(ew.log(sum(shifted, dims, { keepdim: true })), shift);
      return keepdim ? out : reshape(out, reducedShape(x.shape, dims, false));
    });
  });
}

function softmaxLike(op: "softmax" | "logSoftmax", x: Tensor, dim: number): Tensor {
  if (typeof dim !== "number") {
    throw new TypeError(`${op}: dim must be an integer, got ${describeValue(dim)}`);
  }
  const d = normDim(op, dim, x.ndim);
  const backend = backendOf(op, x);
  const dtype: DType = isFloating(x.dtype) ? x.dtype : getDefaultDtype();
  if (x.numel() === 0) return record(op, [x], emptyResult(backend, x.shape, dtype), { dim: d });
  const last = x.ndim === 0 ? x : transpose(x, d, -1);
  const cols = x.ndim === 0 ? 1 : x.shape[d];
  const xin = storageAs(last, computeDType(dtype));
  const s = backend.softmax(xin, x.numel() / cols, cols, op === "logSoftmax");
  let out = finish(wrap(s, last.shape), dtype);
  if (x.ndim > 0) out = transpose(out, d, -1);
  return record(op, [x], out, { dim: d });
}

/**
 * Softmax along `dim`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.tensor([0.0, 0.0]).softmax(0).toArray(), [0.5, 0.5]);
 * ```
 */
export function softmax(x: Tensor, dim: number): Tensor {
  const amp = autocastCall("float32", softmax, x, dim);
  if (amp !== undefined) return amp;
  return inFrameOf(() => {
    return softmaxLike("softmax", x, dim);
  });
}
/**
 * Log of softmax along `dim`, computed stably.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.allclose(torch.tensor([0.0, 0.0]).logSoftmax(0), torch.tensor([-0.6931472, -0.6931472]), { atol: 5e-8, rtol: 0 }), true); // ≈ [-0.6931472, -0.6931472]
 * ```
 */
export function logSoftmax(x: Tensor, dim: number): Tensor {
  const amp = autocastCall("float32", logSoftmax, x, dim);
  if (amp !== undefined) return amp;
  return inFrameOf(() => {
    return softmaxLike("logSoftmax", x, dim);
  });
}

/**
 * The p-norm (default 2) of all elements or along `dim`; `p` may be `Infinity`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.tensor([3, 4], { dtype: "float32" }).norm().item(), 5);
 * ```
 */
export function norm(x: Tensor, p = 2, dim?: DimArg, opts?: ReduceOptions): Tensor {
  refuseComplex("norm", x, p);
  const amp = autocastCall("float32", norm, x, p, dim, opts);
  if (amp !== undefined) return amp;
  return asOp("norm", () =>
    inFrameOf(() => {
      if (!isFloating(x.dtype)) throw new TypeError(`norm: expected a floating point tensor, got ${x.dtype}`);
      const o = { keepdim: opts?.keepdim ?? false };
      const d = dim ?? [];
      if (p === 0) {
        // The count of nonzeros has zero gradient; adding 0·sum(x) keeps the result in the graph as PyTorch does.
        const count = sum(ew.ne(x, 0).to(x.dtype), d, o);
        return ew.add(count, ew.mul(sum(x, d, o), 0));
      }
      const { dims } = parse("norm", x, d, o);
      return recordComposite("norm", [x], { p, dims, keepdim: o.keepdim }, () => {
        if (p === 2) return ew.sqrt(sum(ew.mul(x, x), d, o));
        const a = ew.abs(x);
        if (p === Infinity) return amax(a, d, o);
        if (p === -Infinity) return amin(a, d, o);
        if (p === 1) return sum(a, d, o);
        return ew.pow(sum(ew.pow(a, p), d, o), 1 / p);
      });
    }));
}

function logical(op: "all" | "any", x: Tensor, dim?: number | ReduceOptions, opts?: ReduceOptions): Tensor {
  const { dims, keepdim } = parse(op, x, dim, opts);
  // PyTorch keeps uint8 for uint8 inputs and gives bool otherwise.
  const outDType: DType = x.dtype === "uint8" ? "uint8" : "bool";
  if (x.numel() === 0) {
    const shape = reducedShape(x.shape, dims, keepdim);
    return wrap(backendOf(op, x).full(outDType, numelOf(shape), op === "all" ? 1 : 0), shape);
  }
  const mask = x.dtype === "bool" ? x : ew.ne(x, 0);
  const asInt = mask.int();
  const out = finish(runReduce(op === "all" ? "min" : "max", asInt, dims, keepdim, "int32"), outDType);
  return out;
}

/**
 * True where every element (along `dim`) is nonzero.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.tensor([true, false]).all().item(), false);
 * ```
 */
export function all(x: Tensor, dim?: number | ReduceOptions, opts?: ReduceOptions): Tensor {
  return inFrameOf(() => {
    return logical("all", x, dim, opts);
  });
}
/**
 * True where any element (along `dim`) is nonzero.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.tensor([true, false]).any().item(), true);
 * ```
 */
export function any(x: Tensor, dim?: number | ReduceOptions, opts?: ReduceOptions): Tensor {
  return inFrameOf(() => {
    return logical("any", x, dim, opts);
  });
}

/**
 * Inclusive running sum along `dim`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.tensor([1, 2, 3]).cumsum(0).toArray(), [1, 3, 6]);
 * ```
 */
export function cumsum(x: Tensor, dim: number): Tensor {
  const amp = autocastCall("float32", cumsum, x, dim);
  if (amp !== undefined) return amp;
  return inFrameOf(() => {
    const d = normDim("cumsum", dim, x.ndim);
    const backend = backendOf("cumsum", x);
    const dtype = accumulateDType("cumsum", x);
    if (x.numel() === 0) return record("cumsum", [x], emptyResult(backend, x.shape, dtype), { dim: d });
    const len = x.ndim === 0 ? 1 : x.shape[d];
    const outer = numelOf(x.shape.slice(0, d)), inner = numelOf(x.shape.slice(d + 1));
    const xin = storageAs(x, computeDType(dtype));
    const s = backend.cumsum(xin, outer, len, inner);
    return record("cumsum", [x], finish(wrap(s, x.shape), dtype), { dim: d });
  });
}
