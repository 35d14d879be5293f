/**
 * Writes along a dim: `scatter` / `scatter_` (a value or the elements of `src` written at
 * `index`), `scatterReduce` (sum, prod, mean, amax or amin of what lands on each element, with or
 * without the element itself), `indexCopy_`, `indexFill_` and `indexAdd`. The writes go through
 * the advanced-indexing machinery of `advanced_index.ts` (`scatter` is `x[coords] = src` with the
 * coordinates of every element of `index`), so duplicates resolve the same way (the last write
 * wins, as PyTorch's CPU kernels), gradients come from the same rows, and bad indices are checked
 * the same way on both devices. The reductions group the writes by target with a stable sort and
 * reduce each group with a segmented scan (log2(n) elementwise steps, no read-back).
 * @module
 */
import { Tensor } from "../tensor.ts";
import { contiguousStrides, fmtShape, normDim, numelOf } from "../shape.ts";
import { arange, onesLike, tensor, zerosLike } from "../creation.ts";
import { inFrameOf } from "../memory.ts";
import { backendOf, recordComposite, wrap } from "./dispatch.ts";
import { add, clamp, div, eq, floor, gt, maximum, minimum, mul, ne, sub, where } from "./elementwise.ts";
import { toDType } from "./convert.ts";
import { contiguous, narrow, reshape } from "./movement.ts";
import {
  cat,
  checkGatherShapes,
  checkIndexTensor,
  gather,
  indexAddInto,
  indexSelect,
  narrowOthers,
} from "./indexing.ts";
import { argsort } from "./sort.ts";
import { guarded, rangeGuard } from "./value_checks.ts";
import { assignResult } from "./inplace.ts";
import { locate, type Located, putAt, putAt_, syncMaskReader } from "./advanced_index.ts";
import { isFloating } from "../dtype.ts";

/** The reductions of {@link scatterReduce}. */
export type ScatterReduction = "sum" | "prod" | "mean" | "amax" | "amin";

/** Options of {@link scatter}: PyTorch's legacy `reduce` ("add" or "multiply"; not differentiable, as PyTorch). */
export interface ScatterOptions {
  /** Combine with the existing value instead of replacing it (default: replace). */
  reduce?: "add" | "multiply";
}

/** Options of {@link scatterReduce}. */
export interface ScatterReduceOptions {
  /** Whether the element of `x` takes part in the reduction (default true). */
  includeSelf?: boolean;
}

/**
 * The coordinates of every element of `index` in `x` (int32 `[index.numel()]` linear positions),
 * as a location of the advanced-indexing machinery: `x[loc]` is `x.gather(dim, index)`.
 */
function scatterLocation(op: string, x: Tensor, d: number, index: Tensor): Located {
  const size = x.shape[d];
  const message = (v: number) => `${op}: index ${v} is out of bounds for dimension ${d} with size ${size}`;
  const idx = index.dtype === "int32" ? index : toDType(index, "int32");
  if (idx.device !== x.device) backendOf(op, x, idx);
  let guard: Tensor | null = null;
  if (idx.device === "cpu") {
    for (const v of idx.dataSync()) if (v < 0 || v >= size) throw new RangeError(message(v));
  } else guard = rangeGuard(op, idx, 0, size - 1, message, { dtype: "int32" });
  const strides = contiguousStrides(x.shape);
  if (index.numel() === 0) {
    const none = tensor(new Int32Array(0), { dtype: "int32", device: x.device });
    return { ...wholeTensor(x), bShape: index.shape, linear: none };
  }
  let linear: Tensor = mul(idx, strides[d]);
  index.shape.forEach((n, k) => {
    if (k === d || n <= 1) return;
    const shape = index.shape.map((_, j) => (j === k ? n : 1));
    linear = add(linear, reshape(arange(0, n * strides[k], strides[k], { device: x.device }), shape));
  });
  let L = reshape(contiguous(linear), [index.numel()]);
  if (guard) L = guarded(L, guard);
  return { ...wholeTensor(x), bShape: index.shape, linear: L };
}

/** Every dim of `x` indexed by a tensor (no basic part). */
function wholeTensor(x: Tensor): Omit<Located, "bShape" | "linear"> {
  return {
    basic: x.shape.map((n) => ({ kind: "slice", start: 0, length: n, step: 1 })),
    viewShape: x.shape,
    advDims: x.shape.map((_, i) => i),
    front: false,
  };
}

function checkScatter(op: string, x: Tensor, dim: number, index: Tensor, src: Tensor | null): number {
  checkIndexTensor(op, index);
  if (x.ndim === 0) {
    throw new RangeError(`${op}: a 0-d tensor has no dim to scatter along (reshape it to [1] first)`);
  }
  const d = normDim(op, dim, x.ndim);
  checkGatherShapes(op, x, d, index, "self");
  if (src !== null) {
    checkGatherShapes(op, src, d, index, "src");
    if (index.shape[d] > src.shape[d]) {
      throw new RangeError(
        `${op}: index ${fmtShape(index.shape)} is larger than src ${fmtShape(src.shape)} at dim ${d}`,
      );
    }
    if (src.dtype !== x.dtype) {
      throw new TypeError(
        `${op}: expected self and src to have the same dtype, got ${x.dtype} and ${src.dtype}`,
      );
    }
    backendOf(op, x, src, index);
  } else backendOf(op, x, index);
  return d;
}

function scalarOf(op: string, value: unknown): number {
  if (typeof value !== "number" && typeof value !== "boolean") {
    throw new TypeError(`${op}: value must be a tensor or a number, got ${typeof value}`);
  }
  return Number(value);
}

/** The out-of-place scatter: `src` (or a number) written at `index` along `dim`, recorded as one node. */
function scatterImpl(
  op: string,
  x: Tensor,
  dim: number,
  index: Tensor,
  src: Tensor | number,
  opts: ScatterOptions,
) {
  const srcT = src instanceof Tensor ? src : null;
  const d = checkScatter(op, x, dim, index, srcT);
  const loc = scatterLocation(op, x, d, index);
  const values = srcT ? narrowOthers(srcT, -1, index.shape) : scalarOf(op, src);
  if (opts.reduce !== undefined) {
    if (opts.reduce !== "add" && opts.reduce !== "multiply") {
      throw new TypeError(`${op}: reduce argument must be either "add" or "multiply", got "${opts.reduce}"`);
    }
    const v = values instanceof Tensor ? values : expandScalar(x, index.shape, values);
    return recordComposite(
      "scatterWithReduce",
      srcT ? [x, values as Tensor] : [x],
      {},
      () => reduceAt(x, loc, v, opts.reduce === "add" ? "sum" : "prod", true),
    );
  }
  return { loc, values, name: srcT ? "ScatterBackward0" : "ScatterBackward1" };
}

function expandScalar(x: Tensor, shape: readonly number[], value: number): Tensor {
  return wrap(backendOf("scatter", x).full(x.dtype, 1, value), []).expand([...shape]);
}

/**
 * `x` with `src`'s elements (or `value`) written at `index` along `dim`: for dim 0,
 * `out[index[i][j]][j] = src[i][j]` (PyTorch's `scatter`). Among duplicate indices the last write
 * wins. With `reduce: "add" | "multiply"` the values are combined instead (PyTorch's legacy form,
 * not differentiable: use {@link scatterReduce}).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const src = torch.arange(1, 7).reshape(2, 3);
 * const out = torch.zeros([3, 3], { dtype: "int32" }).scatter(0, torch.tensor([[0, 1, 2], [2, 0, 0]]), src);
 * assertEquals(out.toArray(), [[1, 5, 6], [0, 2, 0], [4, 0, 3]]);
 * ```
 */
export function scatter(
  x: Tensor,
  dim: number,
  index: Tensor,
  src: Tensor | number,
  opts: ScatterOptions = {},
): Tensor {
  return inFrameOf(() => {
    const r = scatterImpl("scatter", x, dim, index, src, opts);
    if (r instanceof Tensor) return r;
    return putAt(x, r.loc, r.values, false, "scatter", r.name);
  });
}

/**
 * {@link scatter} in place.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.zeros(2, 4).scatter_(1, torch.tensor([[2], [3]]), 1.5).toArray(), [[0, 0, 1.5, 0], [0, 0, 0, 1.5]]);
 * ```
 */
export function scatter_<T extends Tensor>(
  x: T,
  dim: number,
  index: Tensor,
  src: Tensor | number,
  opts: ScatterOptions = {},
): T {
  return inFrameOf(() => {
    const r = scatterImpl("scatter_", x, dim, index, src, opts);
    if (r instanceof Tensor) return assignResult(x, "scatter_", r);
    return putAt_(x, r.loc, r.values, false, "scatter_", r.name);
  });
}

/**
 * {@link scatterAdd} in place (`scatter_add_`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.zeros(3).scatterAdd_(0, torch.tensor([0, 2, 0]), torch.ones(3)).toArray(), [2, 0, 1]);
 * ```
 */
export function scatterAdd_<T extends Tensor>(x: T, dim: number, index: Tensor, src: Tensor): T {
  return inFrameOf(() => {
    const d = checkScatter("scatterAdd_", x, dim, index, src);
    const loc = scatterLocation("scatterAdd_", x, d, index);
    return putAt_(x, loc, narrowOthers(src, -1, index.shape), true, "scatterAdd_", "ScatterAddBackward0");
  });
}

/**
 * For each target, the reduction (`mul`, `maximum` or `minimum`) of the values aimed at it:
 * `{ value, hit }` over `n` targets (`hit` false where nothing lands). The writes are sorted
 * stably by target; a segmented inclusive scan (log2(m) steps) leaves each group's reduction at
 * its last element, which is picked by its position.
 */
function segmentReduce(
  target: Tensor,
  values: Tensor,
  n: number,
  op: (a: Tensor, b: Tensor) => Tensor,
): { value: Tensor; hit: Tensor } {
  const m = target.numel();
  const order = argsort(target);
  const t = indexSelect(target, 0, order);
  let v = indexSelect(values, 0, order);
  const minus1 = (k: number) => tensor(new Int32Array(k).fill(-1), { dtype: "int32", device: target.device });
  for (let s = 1; s < m; s *= 2) {
    const prevT = cat([minus1(s), narrow(t, 0, 0, m - s)]);
    const prevV = cat([narrow(v, 0, 0, s), narrow(v, 0, 0, m - s)]);
    v = where(eq(prevT, t), op(v, prevV), v);
  }
  const next = m > 1 ? cat([narrow(t, 0, 1, m - 1), minus1(1)]) : minus1(1);
  const last = ne(t, next);
  const pos = arange(1, m + 1, { device: target.device });
  const winnerPlus1 = indexAddInto(where(last, pos, 0), 0, t, [n]);
  return { value: indexSelect(v, 0, clamp(sub(winnerPlus1, 1), 0)), hit: gt(winnerPlus1, 0) };
}

/** The reduction of `values` (the shape of the location's B) into `x` at `loc`, unrecorded. */
function reduceAt(
  x: Tensor,
  loc: Located,
  values: Tensor,
  reduce: ScatterReduction,
  includeSelf: boolean,
): Tensor {
  const n = x.numel(), m = numelOf(loc.bShape);
  const xf = reshape(contiguous(x), [n]);
  if (m === 0) return x.clone();
  const L = loc.linear!;
  const v = reshape(contiguous(values), [m]);
  const count = indexAddInto(wrap(backendOf("scatterReduce", x).full("int32", m, 1), [m]), 0, L, [n]);
  const hit = gt(count, 0);
  let out: Tensor;
  if (reduce === "sum" || reduce === "mean") {
    const base = includeSelf ? xf : where(hit, 0, xf);
    const total = add(base, indexAddInto(v, 0, L, [n]));
    if (reduce === "sum") out = total;
    else {
      const c = includeSelf ? add(count, 1) : count;
      const mean = div(total, c);
      const q = isFloating(x.dtype) ? mean : toDType(floor(mean), x.dtype);
      out = where(hit, q, xf);
    }
  } else {
    const op = reduce === "prod" ? mul : reduce === "amax" ? maximum : minimum;
    const { value } = segmentReduce(L, v, n, op);
    out = where(hit, includeSelf ? op(xf, value) : value, xf);
  }
  return reshape(out.dtype === x.dtype ? out : toDType(out, x.dtype), x.shape);
}

const REDUCTIONS: readonly string[] = ["sum", "prod", "mean", "amax", "amin"];

function scatterReduceImpl(
  op: string,
  x: Tensor,
  dim: number,
  index: Tensor,
  src: Tensor,
  reduce: ScatterReduction,
  opts: ScatterReduceOptions,
): Tensor {
  if (!REDUCTIONS.includes(reduce)) {
    throw new TypeError(
      `${op}: reduce argument must be one of "sum", "prod", "mean", "amax", "amin", got "${reduce}"`,
    );
  }
  if (!(src instanceof Tensor)) throw new TypeError(`${op}: src must be a tensor, got ${typeof src}`);
  const d = checkScatter(op, x, dim, index, src);
  const includeSelf = opts.includeSelf ?? true;
  const loc = scatterLocation(op, x, d, index);
  const values = narrowOthers(src, -1, index.shape);
  return recordComposite(
    "scatterReduce",
    [x, values],
    { dim: d, index, loc, linear: loc.linear, reduce, includeSelf },
    () => reduceAt(x, loc, values, reduce, includeSelf),
  );
}

/**
 * `x` with the elements of `src` reduced into it at `index` along `dim` (PyTorch's
 * `scatter_reduce`): `"sum"`, `"prod"`, `"mean"` (floor division for integers), `"amax"` or
 * `"amin"` (NaN propagates) of what lands on each element, including the element itself unless
 * `includeSelf: false`. Differentiable with PyTorch's formulas.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.tensor([1, 2, 3, 4], { dtype: "float32" });
 * const src = torch.tensor([5, 6, 7, 8], { dtype: "float32" });
 * assertEquals(x.scatterReduce(0, torch.tensor([0, 0, 2, 2]), src, "amax").toArray(), [6, 2, 8, 4]);
 * assertEquals(x.scatterReduce(0, torch.tensor([0, 0, 2, 2]), src, "mean", { includeSelf: false }).toArray(), [5.5, 2, 7.5, 4]);
 * ```
 */
export function scatterReduce(
  x: Tensor,
  dim: number,
  index: Tensor,
  src: Tensor,
  reduce: ScatterReduction,
  opts: ScatterReduceOptions = {},
): Tensor {
  return inFrameOf(() => scatterReduceImpl("scatterReduce", x, dim, index, src, reduce, opts));
}

/**
 * {@link scatterReduce} in place.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.ones(3);
 * x.scatterReduce_(0, torch.tensor([1, 1]), torch.tensor([2, 3], { dtype: "float32" }), "prod");
 * assertEquals(x.toArray(), [1, 6, 1]);
 * ```
 */
export function scatterReduce_<T extends Tensor>(
  x: T,
  dim: number,
  index: Tensor,
  src: Tensor,
  reduce: ScatterReduction,
  opts: ScatterReduceOptions = {},
): T {
  return inFrameOf(() =>
    assignResult(x, "scatterReduce_", scatterReduceImpl("scatterReduce_", x, dim, index, src, reduce, opts))
  );
}

/** @internal The gradient of `scatterReduce` (PyTorch 1.13's `scatter_reduce_backward`). */
export function scatterReduceBackward(
  g: Tensor,
  self: Tensor,
  src: Tensor,
  result: Tensor,
  dim: number,
  index: Tensor,
  reduce: ScatterReduction,
  includeSelf: boolean,
  wanted: [boolean, boolean],
): [Tensor | null, Tensor | null] {
  const at = (t: Tensor) => gather(t, dim, index);
  let gSelf: Tensor | null = null, gSrc: Tensor | null = null;
  if (reduce === "sum") {
    gSelf = g;
    gSrc = wanted[1] ? at(g) : null;
  } else if (reduce === "mean") {
    const base = includeSelf ? onesLike(self) : zerosLike(self);
    let N = scatterAddDiff(base, dim, index, onesLike(src));
    N = where(eq(N, 0), 1, N);
    gSelf = div(g, N);
    gSrc = wanted[1] ? at(gSelf) : null;
  } else if (reduce === "prod") {
    const maskedSelf = where(eq(self, 0), 1, self);
    const maskedSelfResult = scatterReduce(maskedSelf, dim, index, src, "prod", { includeSelf });
    gSelf = div(mul(g, maskedSelfResult), maskedSelf);
    if (wanted[1]) {
      const srcZero = eq(src, 0);
      const zerosPer = scatterAddDiff(mul(self, 0), dim, index, srcZero.to(self.dtype));
      const srcSingleZero = srcZero.logicalAnd(eq(at(zerosPer), 1));
      const maskedSrc = where(srcSingleZero, 1, src);
      const maskedSrcResult = scatterReduce(self, dim, index, maskedSrc, "prod", { includeSelf });
      gSrc = where(
        srcSingleZero,
        at(mul(g, maskedSrcResult)),
        div(at(mul(g, result)), where(srcZero, 1, src)),
      );
    }
  } else {
    const value = at(result);
    const selfIsResult = eq(self, result).to(g.dtype);
    const srcIsResult = eq(src, value).to(g.dtype);
    const N = scatterAddDiff(selfIsResult, dim, index, srcIsResult);
    const distributed = div(g, N);
    gSelf = mul(selfIsResult, distributed);
    gSrc = wanted[1] ? mul(srcIsResult, at(distributed)) : null;
  }
  if (!includeSelf && wanted[0]) gSelf = scatter(gSelf, dim, index, 0);
  return [wanted[0] ? gSelf : null, gSrc];
}

/** `x.scatterAdd(dim, index, src)` through the recorded path (differentiable in both). */
function scatterAddDiff(x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  const loc = scatterLocation("scatterAdd", x, dim, index);
  return putAt(x, loc, narrowOthers(src, -1, index.shape), true, "scatterAdd", "ScatterAddBackward0");
}

// ---- dim-wise index ops (index_copy, index_fill, index_add) --------------------------------------

function dimIndex(op: string, x: Tensor, dim: number, index: Tensor): [number, Located] {
  checkIndexTensor(op, index);
  if (index.ndim > 1) {
    throw new RangeError(`${op}: index should have dimension 1 or 0 (got shape ${fmtShape(index.shape)})`);
  }
  const d = normDim(op, dim, Math.max(x.ndim, 1));
  const specs = [...Array(d).fill(":"), index.ndim === 0 ? reshape(index, [1]) : index];
  const loc = locate(op, x.ndim === 0 ? reshape(x, [1]) : x, specs, syncMaskReader(op, ""), false);
  return [d, loc];
}

function checkSource(op: string, x: Tensor, d: number, index: Tensor, source: Tensor): void {
  if (!(source instanceof Tensor)) {
    throw new TypeError(`${op}: source must be a tensor, got ${typeof source}`);
  }
  const want = x.shape.map((s, i) => (i === d ? index.numel() : s));
  const ok = (source.ndim === want.length && source.shape.every((s, i) => s === want[i])) ||
    (x.ndim === 0 && source.numel() === index.numel());
  if (!ok) {
    throw new RangeError(
      `${op}: source of shape ${fmtShape(source.shape)} does not fit: expected ${fmtShape(want)} (the ` +
        `destination's shape with dim ${d} of the index's length ${index.numel()})`,
    );
  }
  if (source.dtype !== x.dtype) {
    throw new TypeError(`${op}: self (${x.dtype}) and source (${source.dtype}) must have the same dtype`);
  }
  backendOf(op, x, source, index);
}

/**
 * Copies the slices of `source` along `dim` into `x` at the positions `index` (1-d), in place
 * (PyTorch's `index_copy_`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.zeros(3, 2);
 * x.indexCopy_(0, torch.tensor([2, 0]), torch.tensor([[1, 2], [3, 4]], { dtype: "float32" }));
 * assertEquals(x.toArray(), [[3, 4], [0, 0], [1, 2]]);
 * ```
 */
export function indexCopy_<T extends Tensor>(x: T, dim: number, index: Tensor, source: Tensor): T {
  return inFrameOf(() => {
    const [d, loc] = dimIndex("indexCopy_", x, dim, index);
    checkSource("indexCopy_", x, d, index, source);
    return putAt_(x, loc, source, false, "indexCopy_", "IndexCopyBackward0");
  });
}

/**
 * {@link indexCopy_} out of place.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.zeros(3).indexCopy(0, torch.tensor([1]), torch.ones(1)).toArray(), [0, 1, 0]);
 * ```
 */
export function indexCopy(x: Tensor, dim: number, index: Tensor, source: Tensor): Tensor {
  return inFrameOf(() => {
    const [d, loc] = dimIndex("indexCopy", x, dim, index);
    checkSource("indexCopy", x, d, index, source);
    return putAt(x, loc, source, false, "indexCopy", "IndexCopyBackward0");
  });
}

function fillValue(op: string, x: Tensor, value: number | Tensor): Tensor | number {
  if (value instanceof Tensor) {
    if (value.ndim !== 0) {
      throw new RangeError(
        `${op}: only supports a 0-dimensional value tensor, but got tensor with ${value.ndim} dimension(s)`,
      );
    }
    backendOf(op, x, value);
    return value.dtype === x.dtype ? value : toDType(value, x.dtype);
  }
  return scalarOf(op, value);
}

/**
 * Sets the slices of `x` along `dim` at `index` to `value` (a number or a 0-d tensor, which then
 * gets the gradient), in place (PyTorch's `index_fill_`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.zeros(2, 3).indexFill_(1, torch.tensor([0, 2]), -1).toArray(), [[-1, 0, -1], [-1, 0, -1]]);
 * ```
 */
export function indexFill_<T extends Tensor>(x: T, dim: number, index: Tensor, value: number | Tensor): T {
  return inFrameOf(() => {
    const [, loc] = dimIndex("indexFill_", x, dim, index);
    const v = fillValue("indexFill_", x, value);
    return putAt_(
      x,
      loc,
      v,
      false,
      "indexFill_",
      v instanceof Tensor ? "IndexFillBackward1" : "IndexFillBackward0",
    );
  });
}

/**
 * {@link indexFill_} out of place.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.zeros(3).indexFill(0, torch.tensor([2]), 5).toArray(), [0, 0, 5]);
 * ```
 */
export function indexFill(x: Tensor, dim: number, index: Tensor, value: number | Tensor): Tensor {
  return inFrameOf(() => {
    const [, loc] = dimIndex("indexFill", x, dim, index);
    const v = fillValue("indexFill", x, value);
    return putAt(
      x,
      loc,
      v,
      false,
      "indexFill",
      v instanceof Tensor ? "IndexFillBackward1" : "IndexFillBackward0",
    );
  });
}

/** Options of {@link indexAdd}. */
export interface IndexAddOptions {
  /** The multiplier of `source` (default 1). */
  alpha?: number;
}

function indexAddValues(
  op: string,
  x: Tensor,
  d: number,
  index: Tensor,
  source: Tensor,
  alpha: number,
): Tensor {
  checkSource(op, x, d, index, source);
  return alpha === 1 ? source : mul(source, alpha);
}

/**
 * `x` with the slices of `source` (times `alpha`) added along `dim` at the positions `index`;
 * duplicates add up (PyTorch's `index_add`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.zeros(3).indexAdd(0, torch.tensor([0, 2, 0]), torch.tensor([1, 2, 3], { dtype: "float32" })).toArray(), [4, 0, 2]);
 * ```
 */
export function indexAdd(
  x: Tensor,
  dim: number,
  index: Tensor,
  source: Tensor,
  opts: IndexAddOptions = {},
): Tensor {
  return inFrameOf(() => {
    const [d, loc] = dimIndex("indexAdd", x, dim, index);
    const v = indexAddValues("indexAdd", x, d, index, source, opts.alpha ?? 1);
    return putAt(x, loc, v, true, "indexAdd", "IndexAddBackward0");
  });
}

/**
 * {@link indexAdd} in place.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.ones(2, 2).indexAdd_(1, torch.tensor([1]), torch.ones(2, 1), { alpha: 2 }).toArray(), [[1, 3], [1, 3]]);
 * ```
 */
export function indexAdd_<T extends Tensor>(
  x: T,
  dim: number,
  index: Tensor,
  source: Tensor,
  opts: IndexAddOptions = {},
): T {
  return inFrameOf(() => {
    const [d, loc] = dimIndex("indexAdd_", x, dim, index);
    const v = indexAddValues("indexAdd_", x, d, index, source, opts.alpha ?? 1);
    return putAt_(x, loc, v, true, "indexAdd_", "IndexAddBackward0");
  });
}
