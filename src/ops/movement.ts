/**
 * Movement ops: views that share storage and run no kernel (`view`, `reshape`, `transpose`,
 * `permute`, `squeeze`, `unsqueeze`, `expand`, `flatten`, `unflatten`, `narrow`, `index`,
 * `split`, `chunk`, `unbind`), plus `contiguous` and `clone`.
 * @module
 */
import { isComplexOperand } from "../complex/core.ts";
import { complexClone } from "../complex/ops.ts";
import { contiguousStrides, fmtShape, normDim, numelOf } from "../shape.ts";
import type { Tensor } from "../tensor.ts";
import { backendOf, checkAlive, contiguousStorage, makeView, named, record, wrap } from "./dispatch.ts";
import { inFrameOf } from "../memory.ts";
import { describeValue } from "../backends/contract.ts";

/** Nested arrays of integers (an advanced index) or of booleans (a mask), as an index of `x.index(...)`. */
export type IndexArray = readonly (number | boolean | IndexArray)[];

/**
 * One index of `x.index(...)`: an integer, a slice string (`":"`, `"1:3"`, `"::2"`, `"-1:"`),
 * `"..."` or `null` (new axis) select a view; an int32 tensor or array of integers (advanced
 * indexing), a bool tensor or array of booleans (a mask), or a boolean give a copy.
 */
export type IndexSpec = number | string | null | boolean | Tensor | IndexArray;

/** What `index` does to each input dim (or a new axis), in logical index terms. */
export type IndexStep =
  | { kind: "int"; index: number }
  | { kind: "slice"; start: number; length: number; step: number }
  | { kind: "new" };

/** Resolves `-1` in a requested shape, with PyTorch's error when the sizes don't fit. */
function inferShape(op: string, requested: number[], numel: number): number[] {
  const shape = [...requested];
  const neg = shape.indexOf(-1);
  if (shape.filter((d) => d === -1).length > 1) {
    throw new RangeError(`${op}: only one dimension can be inferred`);
  }
  let known = 1;
  shape.forEach((d, i) => {
    if (i !== neg) {
      if (!Number.isInteger(d) || d < 0) throw new RangeError(`${op}: invalid shape dimension ${d}`);
      known *= d;
    }
  });
  if (neg >= 0) {
    if (known === 0 || numel % known !== 0) {
      throw new RangeError(`${op}: shape '${fmtShape(requested)}' is invalid for input of size ${numel}`);
    }
    shape[neg] = numel / known;
  } else if (known !== numel) {
    throw new RangeError(`${op}: shape '${fmtShape(requested)}' is invalid for input of size ${numel}`);
  }
  return shape;
}

function shapeArgs(op: string, args: (number | readonly number[])[]): number[] {
  const shape = args.length === 1 && Array.isArray(args[0]) ? [...args[0] as number[]] : args as number[];
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i];
    if (typeof d !== "number" || !Number.isInteger(d) || d < -1) {
      throw new TypeError(`${op}: shape entries must be integers >= -1, got ${JSON.stringify(shape)}`);
    }
  }
  return shape;
}

/**
 * Strides for viewing (shape, strides) as `newShape` without copying, or null when some merged
 * dims are not laid out contiguously with each other.
 */
function viewStrides(
  shape: readonly number[],
  strides: readonly number[],
  newShape: readonly number[],
): number[] | null {
  if (numelOf(shape) === 0) return contiguousStrides(newShape);
  const out = new Array<number>(newShape.length);
  // Walk chunks of old dims that are contiguous among themselves, from the innermost.
  let viewD = newShape.length - 1;
  let chunkBase = strides[strides.length - 1] ?? 1;
  let tensorNumel = 1, viewNumel = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    tensorNumel *= shape[d];
    if (d === 0 || (shape[d - 1] !== 1 && strides[d - 1] !== tensorNumel * chunkBase)) {
      while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] === 1)) {
        out[viewD] = viewNumel * chunkBase;
        viewNumel *= newShape[viewD];
        viewD--;
      }
      if (viewNumel !== tensorNumel) return null;
      if (d > 0) {
        chunkBase = strides[d - 1];
        tensorNumel = 1;
        viewNumel = 1;
      }
    }
  }
  while (viewD >= 0) out[viewD--] = 1;
  return out;
}

/**
 * A view with a new shape (one dim may be -1); fails when the layout does not allow it.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.arange(6).view(2, 3).shape, [2, 3]);
 * ```
 */
export function view(x: Tensor, ...shape: (number | readonly number[])[]): Tensor {
  const target = inferShape("view", shapeArgs("view", shape), x.numel());
  const strides = viewStrides(x.shape, x._strides, target);
  if (strides === null) {
    throw new Error(
      `view: view size ${fmtShape(target)} is not compatible with input tensor's size ${
        fmtShape(x.shape)
      } and ` +
        `stride [${x._strides.join(", ")}] (at least one dimension spans across two contiguous subspaces). ` +
        `Use .reshape(...) instead.`,
    );
  }
  return record("view", [x], makeView(x, target, strides, x._offset), { inputShape: x.shape });
}

/**
 * A tensor with a new shape: a view when the layout allows, otherwise a copy.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.arange(6).reshape(3, -1).shape, [3, 2]);
 * ```
 */
export function reshape(x: Tensor, ...shape: (number | readonly number[])[]): Tensor {
  return inFrameOf(() => {
    const target = inferShape("reshape", shapeArgs("reshape", shape), x.numel());
    const strides = viewStrides(x.shape, x._strides, target);
    if (strides === null && isComplexOperand(x)) return reshape(clone(x), target); // copied on the real view
    const out = strides !== null
      ? makeView(x, target, strides, x._offset)
      : wrap(contiguousStorage(x), target);
    // PyTorch 1.13: a view is `_reshape_alias`, a copy `_unsafe_view` of a clone.
    const name = strides !== null ? "ReshapeAliasBackward0" : "UnsafeViewBackward0";
    return named(record("reshape", [x], out, { inputShape: x.shape }), name, x);
  });
}

/**
 * Swaps two dims (a view).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.zeros(2, 3, 4).transpose(0, 2).shape, [4, 3, 2]);
 * ```
 */
export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  if (x.ndim === 0) return record("transpose", [x], makeView(x, [], [], x._offset), { dim0: 0, dim1: 0 });
  const a = normDim("transpose", dim0, x.ndim), b = normDim("transpose", dim1, x.ndim);
  const shape = [...x.shape], strides = [...x._strides];
  [shape[a], shape[b]] = [shape[b], shape[a]];
  [strides[a], strides[b]] = [strides[b], strides[a]];
  return record("transpose", [x], makeView(x, shape, strides, x._offset), { dim0: a, dim1: b });
}

/**
 * Transpose of a tensor with at most 2 dims (`.T` in PyTorch).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.tensor([[1, 2], [3, 4]]).T.toArray(), [[1, 3], [2, 4]]);
 * ```
 */
export function t(x: Tensor): Tensor {
  if (x.ndim > 2) {
    throw new RangeError(
      `t: expects a tensor with <= 2 dimensions, but got ${x.ndim}-d ${
        fmtShape(x.shape)
      } (use .mT or .permute)`,
    );
  }
  return named(x.ndim < 2 ? transpose(x, 0, 0) : transpose(x, 0, 1), "TBackward0", x);
}

/**
 * Reorders dims (a view).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.zeros(2, 3, 4).permute(2, 0, 1).shape, [4, 2, 3]);
 * ```
 */
export function permute(x: Tensor, ...dims: (number | readonly number[])[]): Tensor {
  const order = (dims.length === 1 && Array.isArray(dims[0]) ? [...dims[0]] : dims) as number[];
  if (order.length !== x.ndim) {
    throw new RangeError(
      `permute: number of dims don't match (input has ${x.ndim} dims ${
        fmtShape(x.shape)
      }, got ${order.length}: ${fmtShape(order)})`,
    );
  }
  const norm = order.map((d) => normDim("permute", d, x.ndim));
  if (new Set(norm).size !== norm.length) throw new RangeError(`permute: repeated dim in ${fmtShape(order)}`);
  return record(
    "permute",
    [x],
    makeView(x, norm.map((d) => x.shape[d]), norm.map((d) => x._strides[d]), x._offset),
    { dims: norm },
  );
}

/**
 * Removes size-1 dims (all, or the given ones).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.zeros(1, 2, 3).squeeze(0).shape, [2, 3]);
 * ```
 */
export function squeeze(x: Tensor, dim?: number | readonly number[]): Tensor {
  const dims = dim === undefined
    ? x.shape.map((_, i) => i)
    : (typeof dim === "number" ? [dim] : [...dim]).map((d) => normDim("squeeze", d, x.ndim));
  const shape: number[] = [], strides: number[] = [];
  x.shape.forEach((s, i) => {
    if (!(s === 1 && dims.includes(i))) {
      shape.push(s);
      strides.push(x._strides[i]);
    }
  });
  const out = record("squeeze", [x], makeView(x, shape, strides, x._offset), { inputShape: x.shape });
  return dim === undefined ? out : named(out, "SqueezeBackward1", x);
}

/**
 * Inserts a size-1 dim at `dim`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.zeros(2, 3).unsqueeze(1).shape, [2, 1, 3]);
 * ```
 */
export function unsqueeze(x: Tensor, dim: number): Tensor {
  const d = normDim("unsqueeze", dim, x.ndim + 1);
  const shape = [...x.shape], strides = [...x._strides];
  shape.splice(d, 0, 1);
  strides.splice(d, 0, d < x.ndim ? x._strides[d] * x.shape[d] : 1);
  return record("unsqueeze", [x], makeView(x, shape, strides, x._offset), { inputShape: x.shape });
}

/**
 * Broadcasts size-1 dims to larger sizes without copying (-1 keeps a size).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.tensor([[1], [2]]).expand(2, 3).toArray(), [[1, 1, 1], [2, 2, 2]]);
 * ```
 */
export function expand(x: Tensor, ...sizes: (number | readonly number[])[]): Tensor {
  const target = shapeArgs("expand", sizes);
  if (target.length < x.ndim) {
    throw new RangeError(
      `expand: the number of sizes provided (${target.length}) must be greater or equal to the number of dimensions in the tensor (${x.ndim})`,
    );
  }
  const lead = target.length - x.ndim;
  const shape: number[] = [], strides: number[] = [];
  target.forEach((want, i) => {
    const j = i - lead;
    const have = j >= 0 ? x.shape[j] : 1;
    const size = want === -1 ? have : want;
    if (want === -1 && j < 0) {
      throw new RangeError("expand: -1 is not allowed in a leading, non-existing dimension");
    }
    if (have !== size && have !== 1) {
      throw new RangeError(
        `expand: the expanded size of the tensor (${size}) must match the existing size (${have}) at non-singleton ` +
          `dimension ${i}. Target sizes: ${fmtShape(target)}. Tensor sizes: ${fmtShape(x.shape)}`,
      );
    }
    shape.push(size);
    strides.push(j < 0 || (have === 1 && size !== 1) ? 0 : x._strides[j]);
  });
  return record("expand", [x], makeView(x, shape, strides, x._offset), { inputShape: x.shape });
}

/**
 * Merges dims `startDim..endDim` into one.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.zeros(2, 3, 4).flatten(1).shape, [2, 12]);
 * ```
 */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  return inFrameOf(() => {
    if (x.ndim === 0) return reshape(x, 1);
    const s = normDim("flatten", startDim, x.ndim), e = normDim("flatten", endDim, x.ndim);
    if (s > e) throw new RangeError(`flatten: startDim (${startDim}) cannot come after endDim (${endDim})`);
    const shape = [...x.shape.slice(0, s), numelOf(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)];
    return reshape(x, shape);
  });
}

/**
 * Splits dim `dim` into `sizes` (one may be -1).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.zeros(2, 12).unflatten(1, [3, 4]).shape, [2, 3, 4]);
 * ```
 */
export function unflatten(x: Tensor, dim: number, sizes: readonly number[]): Tensor {
  return inFrameOf(() => {
    const d = normDim("unflatten", dim, x.ndim);
    const inner = inferShape("unflatten", [...sizes], x.shape[d]);
    return view(x, [...x.shape.slice(0, d), ...inner, ...x.shape.slice(d + 1)]);
  });
}

function parseSlice(op: string, spec: string, size: number, dim: number): IndexStep {
  const parts = spec.split(":");
  if (parts.length > 3 || parts.some((p) => p.trim() !== "" && !/^\s*-?\d+\s*$/.test(p))) {
    throw new TypeError(
      `${op}: invalid slice "${spec}" (expected "start:stop:step" with integers, e.g. "1:3", "::2")`,
    );
  }
  const num = (p: string | undefined) => (p === undefined || p.trim() === "" ? null : Number(p));
  const step = num(parts[2]) ?? 1;
  if (step <= 0) {
    throw new RangeError(`${op}: slice step must be positive, got ${step} in "${spec}" (dim ${dim})`);
  }
  const clampIdx = (v: number) => Math.min(Math.max(v < 0 ? v + size : v, 0), size);
  const start = clampIdx(num(parts[0]) ?? 0);
  const stop = clampIdx(num(parts[1]) ?? size);
  return { kind: "slice", start, length: Math.max(0, Math.ceil((stop - start) / step)), step };
}

/** The forms `x.index(...)` accepts, as error messages list them. */
export const SUPPORTED_INDEX_FORMS =
  'integers, slice strings ("1:3", "::2", "-1:"), "...", null (a new axis), ' +
  "int32 tensors or arrays of integers (advanced indexing), bool tensors or arrays of booleans (masks)";

/** Turns user index specs into one step per input dim (plus new axes). */
export function planIndex(op: string, shape: readonly number[], specs: readonly IndexSpec[]): IndexStep[] {
  const consuming = specs.filter((s) => s !== null && s !== "...").length;
  if (specs.filter((s) => s === "...").length > 1) {
    throw new TypeError(`${op}: an index can only have a single ellipsis ("...")`);
  }
  if (consuming > shape.length) {
    throw new RangeError(
      `${op}: too many indices for tensor of dimension ${shape.length} (got ${consuming})`,
    );
  }
  const plan: IndexStep[] = [];
  let d = 0;
  for (const spec of specs) {
    if (spec === null) plan.push({ kind: "new" });
    else if (spec === "...") {
      for (let k = 0; k < shape.length - consuming; k++) {
        plan.push({ kind: "slice", start: 0, length: shape[d++], step: 1 });
      }
    } else if (typeof spec === "number") {
      const size = shape[d];
      if (!Number.isInteger(spec) || spec < -size || spec >= size) {
        throw new RangeError(`${op}: index ${spec} is out of bounds for dimension ${d} with size ${size}`);
      }
      plan.push({ kind: "int", index: spec < 0 ? spec + size : spec });
      d++;
    } else if (typeof spec === "string") {
      plan.push(parseSlice(op, spec, shape[d], d));
      d++;
    } else {
      const t = spec as unknown as Partial<Tensor> | null;
      const what =
        typeof t === "object" && t !== null && Array.isArray(t.shape) && typeof t.dtype === "string"
          ? `a ${t.dtype} tensor of shape ${fmtShape(t.shape)}`
          : describeValue(spec);
      throw new TypeError(`${op}: unsupported index ${what} (supported: ${SUPPORTED_INDEX_FORMS})`);
    }
  }
  while (d < shape.length) plan.push({ kind: "slice", start: 0, length: shape[d++], step: 1 });
  return plan;
}

/** The view of (shape, strides, offset) that `plan` selects. */
export function applyPlan(
  plan: readonly IndexStep[],
  shape: readonly number[],
  strides: readonly number[],
  offset: number,
): { shape: number[]; strides: number[]; offset: number } {
  const outShape: number[] = [], outStrides: number[] = [];
  let d = 0;
  for (const step of plan) {
    if (step.kind === "new") {
      outShape.push(1);
      outStrides.push(d < shape.length ? strides[d] * shape[d] : 1);
    } else if (step.kind === "int") {
      offset += step.index * strides[d++];
    } else {
      if (step.length > 0) offset += step.start * strides[d];
      outShape.push(step.length);
      outStrides.push(strides[d++] * step.step);
    }
  }
  return { shape: outShape, strides: outStrides, offset };
}

/** @internal The view selected by a plan, recorded for autograd. */
export function indexWithPlan(x: Tensor, plan: IndexStep[]): Tensor {
  const v = applyPlan(plan, x.shape, x._strides, x._offset);
  return record("index", [x], makeView(x, v.shape, v.strides, v.offset), { inputShape: x.shape, plan });
}

/**
 * PyTorch's basic indexing as a view: `x.index(":", 0)` is `x[:, 0]`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.arange(12).view(3, 4);
 * assertEquals(x.index(1, "::2").toArray(), [4, 6]);
 * assertEquals(x.index("...", -1).toArray(), [3, 7, 11]);
 * ```
 */
export function index(x: Tensor, ...specs: IndexSpec[]): Tensor {
  return inFrameOf(() => {
    return indexWithPlan(x, planIndex("index", x.shape, specs));
  });
}

/**
 * `length` elements of `dim` from `start` (a view).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.arange(5).narrow(0, 1, 3).toArray(), [1, 2, 3]);
 * ```
 */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  const d = normDim("narrow", dim, x.ndim);
  const size = x.shape[d];
  const s = start < 0 ? start + size : start;
  if (!Number.isInteger(s) || !Number.isInteger(length) || s < 0 || length < 0 || s + length > size) {
    throw new RangeError(
      `narrow: start (${start}) + length (${length}) exceeds dimension size (${size}) of dim ${d} in shape ${
        fmtShape(x.shape)
      }`,
    );
  }
  const plan: IndexStep[] = x.shape.map((n, i) =>
    i === d ? { kind: "slice", start: s, length, step: 1 } : { kind: "slice", start: 0, length: n, step: 1 }
  );
  return named(indexWithPlan(x, plan), "SliceBackward0", x);
}

/**
 * Splits into pieces of `splitSize` (the last may be smaller) or of the listed sizes.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.arange(5).split(2).map((t) => t.toArray()), [[0, 1], [2, 3], [4]]);
 * ```
 */
export function split(x: Tensor, splitSize: number | readonly number[], dim = 0): Tensor[] {
  return inFrameOf(() => {
    const d = normDim("split", dim, x.ndim);
    const size = x.shape[d];
    let sizes: number[];
    if (typeof splitSize === "number") {
      if (!Number.isInteger(splitSize) || splitSize <= 0) {
        throw new RangeError(`split: splitSize must be a positive integer, got ${splitSize}`);
      }
      sizes = [];
      for (let s = 0; s < size; s += splitSize) sizes.push(Math.min(splitSize, size - s));
      if (sizes.length === 0) sizes.push(0);
    } else {
      sizes = [...splitSize];
      const total = sizes.reduce((a, b) => a + b, 0);
      if (total !== size) {
        throw new RangeError(
          `split: split sizes ${
            fmtShape(sizes)
          } sum to ${total}, expected them to sum to ${size} (dim ${d} of ${fmtShape(x.shape)})`,
        );
      }
    }
    let start = 0;
    return sizes.map((n) => {
      const piece = named(narrow(x, d, start, n), "SplitBackward0", x);
      start += n;
      return piece;
    });
  });
}

/**
 * Splits into `chunks` nearly equal pieces, as PyTorch (ceil-sized pieces).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.arange(6).chunk(3).length, 3);
 * ```
 */
export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  return inFrameOf(() => {
    if (!Number.isInteger(chunks) || chunks <= 0) {
      throw new RangeError(`chunk: chunks must be a positive integer, got ${chunks}`);
    }
    const d = normDim("chunk", dim, x.ndim);
    return split(x, Math.max(1, Math.ceil(x.shape[d] / chunks)), d);
  });
}

/**
 * The slices along `dim`, each without that dim.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.tensor([[1, 2], [3, 4]]).unbind(1).map((t) => t.toArray()), [[1, 3], [2, 4]]);
 * ```
 */
export function unbind(x: Tensor, dim = 0): Tensor[] {
  return inFrameOf(() => {
    const d = normDim("unbind", dim, x.ndim);
    const out: Tensor[] = [];
    for (let i = 0; i < x.shape[d]; i++) {
      out.push(
        named(
          indexWithPlan(x, planIndex("unbind", x.shape, [...Array(d).fill(":"), i])),
          "UnbindBackward0",
          x,
        ),
      );
    }
    return out;
  });
}

/**
 * `x` itself when contiguous, otherwise a contiguous copy.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.zeros(2, 3).T.contiguous().isContiguous(), true);
 * ```
 */
export function contiguous(x: Tensor): Tensor {
  checkAlive("contiguous", x);
  if (x.isContiguous()) return x;
  return clone(x);
}

/**
 * A new handle on `x`'s elements (same storage and geometry), recorded as a view: what a no-op
 * conversion (`x.float()` of a float32 tensor) returns, so disposing either leaves the other.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.ones(2);
 * const y = x.float(); // an alias
 * x.dispose();
 * assertEquals(y.toArray(), [1, 1]);
 * ```
 */
export function alias(x: Tensor): Tensor {
  checkAlive("alias", x);
  return record("view", [x], makeView(x, x.shape, x._strides, x._offset), { inputShape: x.shape });
}

/**
 * A copy with its own storage (recorded for autograd).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const a = torch.tensor([1, 2]);
 * const b = a.clone();
 * b.add_(1);
 * assertEquals(a.toArray(), [1, 2]);
 * ```
 */
export function clone(x: Tensor): Tensor {
  return inFrameOf(() => {
    checkAlive("clone", x);
    if (isComplexOperand(x)) return complexClone(x);
    const backend = backendOf("clone", x);
    const out = backend.full(x.dtype, x.numel(), 0);
    if (x.numel() > 0) {
      backend.copy(x._storage, x._offset, x._strides, out, 0, contiguousStrides(x.shape), x.shape);
    }
    return record("clone", [x], wrap(out, x.shape));
  });
}
