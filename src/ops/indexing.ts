/**
 * Selecting and joining: `gather`, `indexSelect`, `scatterAdd`, `cat`, `stack`, `flip`,
 * `tril`/`triu`, and the scatter ops that are their gradients (`oneHot` is in one_hot.ts).
 * @module
 */
import { isComplexOperand } from "../complex/core.ts";
import { complexCat, onRealView } from "../complex/ops.ts";
import { promoteTypes } from "../dtype.ts";
import { contiguousStrides, fmtShape, normDim, numelOf } from "../shape.ts";
import { Tensor } from "../tensor.ts";
import { backendOf, contiguousStorage, emptyResult, named, record, storageAs, wrap } from "./dispatch.ts";
import { add, ge, le, where } from "./elementwise.ts";
import { applyPlan, type IndexStep, narrow, unsqueeze } from "./movement.ts";
import { arange } from "../creation.ts";
import { inFrameOf } from "../memory.ts";

/** @internal Throws unless `index` is an int32 (or uint8) tensor. */
export function checkIndexTensor(op: string, index: Tensor): void {
  if (!(index instanceof Tensor) || (index.dtype !== "int32" && index.dtype !== "uint8")) {
    throw new TypeError(
      `${op}: expected index to be an int32 tensor, got ${
        index instanceof Tensor ? index.dtype : typeof index
      }`,
    );
  }
}

function outerInner(shape: readonly number[], dim: number): [number, number] {
  return [numelOf(shape.slice(0, dim)), numelOf(shape.slice(dim + 1))];
}

/** @internal `x` narrowed to `sizes` on every dim but `dim` (every dim when `dim` is -1). */
export function narrowOthers(x: Tensor, dim: number, sizes: readonly number[]): Tensor {
  let v = x;
  for (let d = 0; d < x.ndim; d++) if (d !== dim && sizes[d] !== x.shape[d]) v = narrow(v, d, 0, sizes[d]);
  return v;
}

/** @internal PyTorch's shape rules of gather/scatter: same rank, index no larger except along `dim`. */
export function checkGatherShapes(op: string, x: Tensor, dim: number, index: Tensor, what: string): void {
  if (index.ndim !== Math.max(x.ndim, 1) && !(x.ndim === 0 && index.ndim === 0)) {
    throw new RangeError(
      `${op}: index ${fmtShape(index.shape)} must have the same number of dimensions as ${what} ${
        fmtShape(x.shape)
      }`,
    );
  }
  for (let d = 0; d < index.ndim; d++) {
    if (d !== dim && index.shape[d] > (x.shape[d] ?? 1)) {
      throw new RangeError(
        `${op}: size of index ${fmtShape(index.shape)} does not fit ${what} ${
          fmtShape(x.shape)
        } at dimension ${d} ` +
          `(index size must be <= ${what} size on every dimension except dim ${dim})`,
      );
    }
  }
}

/**
 * `out[i][j] = x[index[i][j]][j]` along `dim` (for dim 0), as `torch.gather`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.tensor([[1, 2], [3, 4]]);
 * assertEquals(x.gather(1, torch.tensor([[0, 0], [1, 0]])).toArray(), [[1, 1], [4, 3]]);
 * ```
 */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  return inFrameOf(() => {
    checkIndexTensor("gather", index);
    const d = normDim("gather", dim, x.ndim);
    checkGatherShapes("gather", x, d, index, "input");
    const backend = backendOf("gather", x, index);
    const xs = narrowOthers(x, d, index.shape);
    if (index.numel() === 0) {
      return record("gather", [xs], emptyResult(backend, index.shape, x.dtype), { dim: d, index });
    }
    const [outer, inner] = outerInner(index.shape, d);
    const xin = contiguousStorage(xs), iin = storageAs(index, "int32");
    const s = backend.gather(xin, iin, outer, xs.shape[d] ?? 1, inner, index.shape[d] ?? 1, false);
    return record("gather", [xs], wrap(s, index.shape), { dim: d, index });
  });
}

/** @internal zeros(shape) with `src` added at `index` along `dim` (the gradient of gather). */
export function scatterAddInto(src: Tensor, dim: number, index: Tensor, shape: readonly number[]): Tensor {
  return inFrameOf(() => {
    const backend = backendOf("scatterAdd", src, index);
    if (numelOf(shape) === 0 || index.numel() === 0) {
      return wrap(backend.full(src.dtype, numelOf(shape), 0), shape);
    }
    const srcs = narrowOthers(src, -1, index.shape);
    const [outer, inner] = outerInner(index.shape, dim);
    const kernelShape = [...index.shape];
    if (kernelShape.length > 0) kernelShape[dim] = shape[dim];
    const sin = contiguousStorage(srcs), iin = storageAs(index, "int32");
    const s = backend.scatterAdd(sin, iin, outer, shape[dim] ?? 1, inner, index.shape[dim] ?? 1, false);
    let out = wrap(s, kernelShape);
    if (numelOf(kernelShape) !== numelOf(shape)) {
      const plan: IndexStep[] = kernelShape.map((n) => ({ kind: "slice", start: 0, length: n, step: 1 }));
      out = embed(out, shape, applyPlan(plan, shape, contiguousStrides(shape), 0));
    }
    return record("scatterAddInto", [srcs], out, { dim, index });
  });
}

/**
 * `x` plus `src` added at `index` along `dim` (out of place), as `torch.scatter_add`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.zeros(3);
 * assertEquals(x.scatterAdd(0, torch.tensor([0, 2, 0]), torch.tensor([1, 2, 3], { dtype: "float32" })).toArray(), [4, 0, 2]);
 * ```
 */
export function scatterAdd(x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  return inFrameOf(() => {
    checkIndexTensor("scatterAdd", index);
    const d = normDim("scatterAdd", dim, x.ndim);
    checkGatherShapes("scatterAdd", x, d, index, "self");
    checkGatherShapes("scatterAdd", src, d, index, "src");
    if (index.shape[d] > src.shape[d]) {
      throw new RangeError(
        `scatterAdd: index ${fmtShape(index.shape)} is larger than src ${fmtShape(src.shape)} at dim ${d}`,
      );
    }
    if (src.dtype !== x.dtype) {
      throw new TypeError(
        `scatterAdd: expected self and src to have the same dtype, got ${x.dtype} and ${src.dtype}`,
      );
    }
    return add(x, scatterAddInto(src, d, index, x.shape));
  });
}

/**
 * The entries of `index` (1-d int32) along `dim`, as `torch.index_select`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.tensor([[1, 2], [3, 4], [5, 6]]).indexSelect(0, torch.tensor([2, 0])).toArray(), [[5, 6], [1, 2]]);
 * ```
 */
export function indexSelect(x: Tensor, dim: number, index: Tensor): Tensor {
  return inFrameOf(() => {
    checkIndexTensor("indexSelect", index);
    if (index.ndim > 1) {
      throw new RangeError(`indexSelect: index must be 1-d, got shape ${fmtShape(index.shape)}`);
    }
    const d = normDim("indexSelect", dim, x.ndim);
    const backend = backendOf("indexSelect", x, index);
    const n = index.numel();
    const shape = x.ndim === 0 ? [] : [...x.shape];
    if (x.ndim > 0) shape[d] = n;
    if (numelOf(shape) === 0) {
      if (n > 0 && (x.shape[d] ?? 1) === 0) {
        throw new RangeError(`indexSelect: index out of range for dimension ${d} of size 0`);
      }
      return record("indexSelect", [x], emptyResult(backend, shape, x.dtype), { dim: d, index });
    }
    const [outer, inner] = outerInner(x.shape, d);
    const xin = contiguousStorage(x), iin = storageAs(index, "int32");
    const s = backend.gather(xin, iin, outer, x.shape[d] ?? 1, inner, n, true);
    return record("indexSelect", [x], wrap(s, shape), { dim: d, index });
  });
}

/** @internal zeros(shape) with `src` rows added at the 1-d `index` along `dim` (the gradient of indexSelect). */
export function indexAddInto(src: Tensor, dim: number, index: Tensor, shape: readonly number[]): Tensor {
  return inFrameOf(() => {
    const backend = backendOf("indexAdd", src, index);
    if (numelOf(shape) === 0 || index.numel() === 0) {
      return wrap(backend.full(src.dtype, numelOf(shape), 0), shape);
    }
    const [outer, inner] = outerInner(shape, dim);
    const sin = contiguousStorage(src), iin = storageAs(index, "int32");
    const s = backend.scatterAdd(sin, iin, outer, shape[dim] ?? 1, inner, index.numel(), true);
    return record("indexAddInto", [src], wrap(s, shape), { dim, index });
  });
}

/** A view's geometry relative to a contiguous tensor of its base's shape. */
export interface Geometry {
  shape: readonly number[];
  strides: readonly number[];
  offset: number;
}

/** The geometry of a complex view's float32 (re, im) view. */
function realGeometry(g: Geometry): Geometry {
  return { shape: [...g.shape, 2], strides: [...g.strides.map((s) => 2 * s), 1], offset: 2 * g.offset };
}

/**
 * @internal zeros(shape) with `src` written at `geometry` (the gradient of a view, e.g. index).
 * Differentiable: its gradient is `asStrided` of the same geometry.
 */
export function embed(src: Tensor, shape: readonly number[], geometry: Geometry): Tensor {
  return inFrameOf(() => {
    if (isComplexOperand(src)) return onRealView(src, (r) => embed(r, [...shape, 2], realGeometry(geometry)));
    const backend = backendOf("index", src);
    const out = backend.full(src.dtype, numelOf(shape), 0);
    if (src.numel() > 0) {
      backend.copy(
        src._storage,
        src._offset,
        src._strides,
        out,
        geometry.offset,
        geometry.strides,
        geometry.shape,
      );
    }
    return record("embed", [src], wrap(out, shape), { geometry });
  });
}

/** @internal The view at `geometry` of a contiguous copy of `x` (the adjoint of `embed`). */
export function asStrided(x: Tensor, geometry: Geometry): Tensor {
  return inFrameOf(() => {
    if (isComplexOperand(x)) return onRealView(x, (r) => asStrided(r, realGeometry(geometry)));
    const base = wrap(contiguousStorage(x), x.shape);
    const view = new Tensor(base._storage, geometry.shape, geometry.strides, geometry.offset, base.dtype);
    return record("asStrided", [x], view, { geometry, inputShape: x.shape });
  });
}

/**
 * Joins tensors along an existing `dim` (shapes must match elsewhere; dtypes promote).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.cat([torch.zeros(2, 1, 3), torch.zeros(2, 3, 3)], 1).shape, [2, 4, 3]);
 * ```
 */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  return inFrameOf(() => {
    if (!Array.isArray(tensors) || tensors.length === 0) {
      throw new RangeError("cat: expected a non-empty list of tensors");
    }
    tensors.forEach((t, i) => {
      if (!(t instanceof Tensor)) throw new TypeError(`cat: element ${i} of the list is not a tensor`);
    });
    if (tensors.some(isComplexOperand)) return complexCat(tensors, dim, cat);
    // Legacy PyTorch rule: 1-d empty tensors are skipped whatever their shape.
    const parts = tensors.filter((t) => !(t.ndim === 1 && t.shape[0] === 0));
    const dtype = tensors.map((t) => t.dtype).reduce(promoteTypes);
    const backend = backendOf("cat", ...tensors);
    if (parts.length === 0) return emptyResult(backend, [0], dtype);
    const ref = parts[0];
    if (ref.ndim === 0) {
      throw new RangeError("cat: zero-dimensional tensor cannot be concatenated (unsqueeze it first)");
    }
    const d = normDim("cat", dim, ref.ndim);
    parts.forEach((t, i) => {
      const ok = t.ndim === ref.ndim &&
        t.shape.every((s: number, k: number) => k === d || s === ref.shape[k]);
      if (!ok) {
        throw new RangeError(
          `cat: sizes of tensors must match except in dimension ${d}: tensor 0 has shape ${
            fmtShape(ref.shape)
          } ` +
            `but tensor ${i} has shape ${fmtShape(t.shape)}`,
        );
      }
    });
    const sizes = parts.map((t) => t.shape[d]);
    const shape = [...ref.shape];
    shape[d] = sizes.reduce((a, b) => a + b, 0);
    const out = backend.full(dtype, numelOf(shape), 0);
    const strides = contiguousStrides(shape);
    let start = 0;
    for (const t of parts) {
      const src = t.dtype === dtype ? t : wrap(storageAs(t, dtype), t.shape);
      if (src.numel() > 0) {
        backend.copy(src._storage, src._offset, src._strides, out, start * strides[d], strides, src.shape);
      }
      start += t.shape[d];
    }
    return record("cat", [...parts], wrap(out, shape), { dim: d, sizes });
  });
}

/**
 * Joins same-shaped tensors along a new `dim`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.stack([torch.tensor([1, 2]), torch.tensor([3, 4])]).toArray(), [[1, 2], [3, 4]]);
 * ```
 */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  return inFrameOf(() => {
    if (!Array.isArray(tensors) || tensors.length === 0) {
      throw new RangeError("stack: expected a non-empty list of tensors");
    }
    const ref = tensors[0];
    tensors.forEach((t, i) => {
      if (!(t instanceof Tensor) || t.ndim !== ref.ndim || t.shape.some((s, k) => s !== ref.shape[k])) {
        throw new RangeError(
          `stack: expects each tensor to be equal size, but got ${fmtShape(ref.shape)} at entry 0 and ` +
            `${t instanceof Tensor ? fmtShape(t.shape) : typeof t} at entry ${i}`,
        );
      }
    });
    const d = normDim("stack", dim, ref.ndim + 1);
    return named(cat(tensors.map((t) => unsqueeze(t, d)), d), "StackBackward0", ...tensors);
  });
}

/**
 * Reverses the order of elements along `dims` (a copy, as PyTorch).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.tensor([1, 2, 3]).flip(0).toArray(), [3, 2, 1]);
 * ```
 */
export function flip(x: Tensor, dims: number | readonly number[]): Tensor {
  return inFrameOf(() => {
    const list = typeof dims === "number" ? [dims] : [...dims];
    if (isComplexOperand(x)) {
      return onRealView(x, (r) => flip(r, list.map((d) => normDim("flip", d, x.ndim))));
    }
    let out = x;
    if (x.ndim === 0) list.forEach((d) => normDim("flip", d, 0));
    for (const dim of x.ndim === 0 ? [] : list) {
      const d = normDim("flip", dim, x.ndim);
      const n = x.shape[d];
      out = indexSelect(out, d, arange(n - 1, -1, -1, { device: x.device }));
    }
    return named(out === x ? x.clone() : out, "FlipBackward0", x);
  });
}

function triangle(op: "tril" | "triu", x: Tensor, diagonal: number): Tensor {
  if (x.ndim < 2) {
    throw new RangeError(`${op}: input tensor must have at least 2 dimensions, got ${fmtShape(x.shape)}`);
  }
  const rows = x.shape[x.ndim - 2], cols = x.shape[x.ndim - 1];
  const r = arange(rows, { device: x.device }).view(rows, 1);
  const c = arange(cols, { device: x.device }).view(1, cols).sub(diagonal);
  const keep = op === "tril" ? ge(r, c) : le(r, c);
  return named(
    where(keep, x, wrap(backendOf(op, x).full(x.dtype, 1, 0), [])),
    op === "tril" ? "TrilBackward0" : "TriuBackward0",
    x,
  );
}

/**
 * The lower triangle of the last two dims (`diagonal` shifts it), zeros elsewhere.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.ones(2, 2).tril().toArray(), [[1, 0], [1, 1]]);
 * ```
 */
export function tril(x: Tensor, diagonal = 0): Tensor {
  return inFrameOf(() => {
    return triangle("tril", x, diagonal);
  });
}
/**
 * The upper triangle of the last two dims.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.ones(2, 2).triu().toArray(), [[1, 1], [0, 1]]);
 * ```
 */
export function triu(x: Tensor, diagonal = 0): Tensor {
  return inFrameOf(() => {
    return triangle("triu", x, diagonal);
  });
}
