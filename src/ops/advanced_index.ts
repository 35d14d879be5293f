/**
 * PyTorch's indexing with tensors and its assignment: `x.index(idx)` is `x[idx]`, with int32
 * tensors or arrays of integers (advanced indexing: `x[rows, cols]`, `x[range(n), target]`,
 * combined with integers, slices, `"..."` and `null`) and bool masks; `x.set(..., value)` is
 * `x[...] = value`, and `indexPut_` is `index_put_`.
 *
 * PyTorch's rules: integers select first (they are not advanced indices); the tensor indices
 * broadcast together to a shape B; when they index adjacent dims, B takes their place in the
 * result, otherwise B comes first. A mask of k dims stands for the k index tensors of its
 * nonzero positions. The result is a copy (a view only when no tensor is involved).
 *
 * How: the integers, slices and new axes give a view V of `x`; the indexed dims of V are moved to
 * the front and flattened, so the tensor indices become one linear index L into its rows: reading
 * is `indexSelect` along rows, writing is `indexAdd` (accumulate) or a last-write-wins copy of
 * rows (the duplicates resolved by a stable sort of L). Negative indices wrap. Out-of-range
 * indices throw on the CPU; on the GPU they are checked on the device and L carries the check,
 * so reading anything computed from it (results, gradients) rejects with the CPU's message.
 * A mask's positions depend on its values: on the GPU they need a read, which only
 * `indexAsync` / `setAsync` do (the synchronous forms say so), except for `x.set(mask, scalar)`,
 * which is a `where` and needs no read.
 * @module
 */
import { Tensor } from "../tensor.ts";
import { fmtShape, numelOf } from "../shape.ts";
import { tensor, zeros } from "../creation.ts";
import { inFrameOf } from "../memory.ts";
import { backendOf, makeView, needsGrad, recordComposite, wrap } from "./dispatch.ts";
import { add, clamp, gt, ne, sub, where } from "./elementwise.ts";
import { toDType } from "./convert.ts";
import {
  applyPlan,
  clone,
  contiguous,
  expand,
  type IndexArray,
  type IndexSpec,
  indexWithPlan,
  narrow,
  permute,
  reshape,
} from "./movement.ts";
import { cat, indexAddInto, indexSelect } from "./indexing.ts";
import { argsort } from "./sort.ts";
import { assignResult, refuseLeaf, writeInto } from "./inplace.ts";
import { describeValue } from "../backends/contract.ts";
import { locate, type Located, maskCoordinates, resultShape, syncMaskReader } from "./index_locate.ts";

// The index resolution lives in ./index_locate.ts; its entry points stay importable from here.
export { isAdvancedSpec, locate, type Located, type MaskReader, syncMaskReader } from "./index_locate.ts";

/** The layout of V with its indexed dims first: the permutation and the row shape. */
function rowsLayout(loc: Located): { order: number[]; rows: number; restShape: number[] } {
  const rest: number[] = [];
  loc.viewShape.forEach((_, d) => {
    if (!loc.advDims.includes(d)) rest.push(d);
  });
  return {
    order: [...loc.advDims, ...rest],
    rows: numelOf(loc.advDims.map((d) => loc.viewShape[d])),
    restShape: rest.map((d) => loc.viewShape[d]),
  };
}

/** The basic view V of `x` (no graph node: used inside composites). */
function viewOf(x: Tensor, loc: Located): Tensor {
  const v = applyPlan(loc.basic, x.shape, x._strides, x._offset);
  return makeView(x, v.shape, v.strides, v.offset);
}

/** Moves B (the first `b` dims of `r`) to position `p`, as PyTorch lays out adjacent indices. */
function placeB(r: Tensor, b: number, p: number): Tensor {
  if (p === 0 || b === r.ndim) return r;
  const dims = Array.from({ length: r.ndim }, (_, i) => i);
  const order = [...dims.slice(b, b + p), ...dims.slice(0, b), ...dims.slice(b + p)];
  return permute(r, order);
}

/** `r` (in the result layout) with B moved back to the front. */
function unplaceB(r: Tensor, b: number, p: number): Tensor {
  if (p === 0 || b === r.ndim) return r;
  const dims = Array.from({ length: r.ndim }, (_, i) => i);
  const order = [...dims.slice(p, p + b), ...dims.slice(0, p), ...dims.slice(p + b)];
  return permute(r, order);
}

/** `x[loc]` computed without recording (V's rows picked at L). */
function gatherRaw(x: Tensor, loc: Located): Tensor {
  const V = viewOf(x, loc);
  const { order, rows, restShape } = rowsLayout(loc);
  const W = reshape(permute(V, order), [rows, ...restShape]);
  const picked = reshape(indexSelect(W, 0, loc.linear!), [...loc.bShape, ...restShape]);
  return contiguous(loc.front ? picked : placeB(picked, loc.bShape.length, loc.advDims[0]));
}

/**
 * `x[loc]`, recorded for autograd (`IndexBackward0`; a view recorded as such for basic indexing).
 * @internal
 */
export function gatherAt(x: Tensor, loc: Located): Tensor {
  if (loc.linear === null) return indexWithPlan(x, [...loc.basic]);
  return recordComposite(
    "advancedIndex",
    [x],
    { loc, linear: loc.linear, inputShape: x.shape },
    () => gatherRaw(x, loc),
  );
}

/**
 * The rows of `W` (`[N, ...]`) with rows `L[j]` replaced by `R[j]`, the last `j` winning among
 * duplicates (PyTorch's CPU order): L is sorted stably, the last of each run of equal targets
 * gives its source position, and the rows are picked by `where`.
 */
function replaceRows(W: Tensor, L: Tensor, R: Tensor): Tensor {
  const m = L.numel(), N = W.shape[0];
  if (m === 0 || N === 0) return W;
  const order = argsort(L);
  const sorted = indexSelect(L, 0, order);
  const next = m > 1
    ? cat([narrow(sorted, 0, 1, m - 1), tensor([-1], { dtype: "int32", device: L.device })])
    : tensor([-1], { dtype: "int32", device: L.device });
  const isLast = ne(sorted, next);
  const winnerPlus1 = indexAddInto(where(isLast, add(order, 1), 0), 0, sorted, [N]);
  const hit = reshape(gt(winnerPlus1, 0), [N, ...W.shape.slice(1).map(() => 1)]);
  const rows = indexSelect(R, 0, clamp(sub(winnerPlus1, 1), 0));
  return where(hit, rows, W);
}

/** The new contents of V = `x`'s basic view after writing (or adding) `values` (of the result's shape) at `loc`. */
function newRegion(x: Tensor, loc: Located, values: Tensor, accumulate: boolean): Tensor {
  const V = viewOf(x, loc);
  if (loc.linear === null) return accumulate ? add(V, values) : values;
  const { order, rows, restShape } = rowsLayout(loc);
  const b = loc.bShape.length;
  const vals = reshape(
    contiguous(loc.front ? values : unplaceB(values, b, loc.advDims[0])),
    [numelOf(loc.bShape), ...restShape],
  );
  const W = reshape(contiguous(permute(V, order)), [rows, ...restShape]);
  const written = accumulate
    ? add(W, indexAddInto(vals, 0, loc.linear, W.shape))
    : replaceRows(W, loc.linear, vals);
  const inverse = order.map((_, i) => order.indexOf(i));
  return permute(reshape(written, [...loc.advDims.map((d) => loc.viewShape[d]), ...restShape]), inverse);
}

/** `values` as a tensor of `x`'s dtype and device broadcast to the indexed result's shape. */
function valuesFor(op: string, x: Tensor, loc: Located, values: Tensor | number): Tensor {
  const shape = resultShape(loc);
  let v = values instanceof Tensor ? values : wrap(backendOf(op, x).full(x.dtype, 1, values), []);
  if (values instanceof Tensor) backendOf(op, x, values);
  const lead = shape.length - v.ndim;
  if (lead < 0 || v.shape.some((s, i) => s !== 1 && s !== shape[lead + i])) {
    throw new RangeError(
      `${op}: shape mismatch: value tensor of shape ${
        fmtShape(v.shape)
      } cannot be broadcast to indexing result ` +
        `of shape ${fmtShape(shape)}`,
    );
  }
  if (v.dtype !== x.dtype) v = toDType(v, x.dtype);
  return expand(v, shape);
}

/** `x` with `values` written (or added) at `loc`, out of place, computed without recording. */
function putRaw(x: Tensor, loc: Located, values: Tensor | number, accumulate: boolean, op: string): Tensor {
  const region = newRegion(x, loc, valuesFor(op, x, loc, values), accumulate);
  const out = clone(x);
  const v = applyPlan(loc.basic, out.shape, out._strides, out._offset);
  const target = makeView(out, v.shape, v.strides, v.offset);
  if (target.numel() > 0) {
    const src = region._storage === out._storage ? region.clone() : region;
    backendOf(op, out).copy(
      src._storage,
      src._offset,
      src._strides,
      out._storage,
      target._offset,
      target._strides,
      target.shape,
    );
  }
  return out;
}

/**
 * `x` with `values` written (or, with `accumulate`, added) at `loc`, out of place and recorded
 * (`IndexPutBackward0`, or `name`).
 * @internal
 */
export function putAt(
  x: Tensor,
  loc: Located,
  values: Tensor | number,
  accumulate: boolean,
  op = "indexPut",
  name?: string,
): Tensor {
  const inputs = values instanceof Tensor ? [x, values] : [x];
  const out = recordComposite(
    "indexPut",
    inputs,
    { loc, linear: loc.linear, accumulate },
    () => putRaw(x, loc, values, accumulate, op),
  );
  if (name && out.gradFn && out.gradFn !== x.gradFn) out.gradFn.rename(name);
  return out;
}

/**
 * Writes `values` at `loc` into `x` in place. In a graph the write is recorded (an out-of-place
 * result landed in `x`, as the other in-place ops); otherwise only the indexed region is written.
 * @internal
 */
export function putAt_<T extends Tensor>(
  x: T,
  loc: Located,
  values: Tensor | number,
  accumulate: boolean,
  op: string,
  name?: string,
): T {
  if (needsGrad(x, values)) return assignResult(x, op, putAt(x, loc, values, accumulate, op, name));
  refuseLeaf(op, x);
  const region = newRegion(x, loc, valuesFor(op, x, loc, values), accumulate);
  const target = viewOf(x, loc);
  writeInto(target, region._storage === x._storage ? region.clone() : region);
  return x;
}

/** A mask over x's leading dims and a one-element value: `where`, no read of the mask. */
function maskFill(op: string, x: Tensor, specs: readonly IndexSpec[], value: Tensor | number): Tensor | null {
  const [mask, ...rest] = specs;
  if (!(mask instanceof Tensor) || mask.dtype !== "bool" || mask.ndim === 0 || mask.ndim > x.ndim) {
    return null;
  }
  if (!rest.every((s) => s === "..." || s === ":")) return null;
  if (value instanceof Tensor && value.numel() !== 1) return null;
  if (mask.shape.some((s, i) => s !== x.shape[i])) return null;
  backendOf(op, x, mask, value);
  const m = reshape(mask, [...mask.shape, ...x.shape.slice(mask.ndim).map(() => 1)]);
  const v = value instanceof Tensor
    ? reshape(value.dtype === x.dtype ? value : toDType(value, x.dtype), [])
    : value;
  return where(m, v, x);
}

/**
 * PyTorch's `x[...]`: integers, slices (`"1:3"`), `"..."` and `null` give a view; int32 tensors
 * or arrays of integers (advanced indexing) and bool masks give a copy, laid out by PyTorch's
 * rules. Bool masks on the GPU need `indexAsync`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.arange(12).reshape(3, 4);
 * assertEquals(x.index([2, 0]).toArray(), [[8, 9, 10, 11], [0, 1, 2, 3]]);
 * assertEquals(x.index(torch.arange(3), torch.tensor([1, 0, 3])).toArray(), [1, 4, 11]);
 * assertEquals(x.index(":", [0, 2]).shape, [3, 2]);
 * assertEquals(x.index(x.gt(8)).toArray(), [9, 10, 11]);
 * ```
 */
export function index(x: Tensor, ...specs: IndexSpec[]): Tensor {
  return inFrameOf(() => {
    const loc = locate("index", x, specs, syncMaskReader("index", "x.indexAsync(...)"));
    const out = gatherAt(x, loc);
    if (loc.linear === null && out.gradFn && out.gradFn !== x.gradFn) out.gradFn.rename(viewName(specs));
    return out;
  });
}

/**
 * PyTorch's `grad_fn` of a view `x[specs]`: that of its last explicit index (an integer selects,
 * a slice slices, null unsqueezes); "..." alone is an alias.
 */
function viewName(specs: readonly IndexSpec[]): string {
  for (let i = specs.length - 1; i >= 0; i--) {
    const s = specs[i];
    if (s === "...") continue;
    if (s === null) return "UnsqueezeBackward0";
    return typeof s === "string" ? "SliceBackward0" : "SelectBackward0";
  }
  return "AliasBackward0";
}

/** Reads the masks among `specs` (asynchronously, on any device) and gives their coordinates. */
async function resolveMasks(x: Tensor, specs: readonly IndexSpec[]): Promise<IndexSpec[]> {
  const out: IndexSpec[] = [];
  for (const spec of specs) {
    const t = Array.isArray(spec) ? null : spec;
    if (t instanceof Tensor && t.dtype === "bool") {
      const values = await t.dataAsync() as Uint8Array;
      if (t.ndim === 0) out.push(values[0] !== 0);
      else out.push(...maskCoordinates(t, values, x.device));
    } else out.push(spec);
  }
  return out;
}

/**
 * {@link index} on every device: bool masks are read asynchronously first (a GPU mask needs a
 * read to know the result's size).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.tensor([[1, -2], [-3, 4]]);
 * assertEquals((await x.indexAsync(x.gt(0))).toArray(), [1, 4]);
 * ```
 */
export async function indexAsync(x: Tensor, ...specs: IndexSpec[]): Promise<Tensor> {
  checkMaskShapes("indexAsync", x, specs);
  const resolved = await resolveMasks(x, specs);
  return index(x, ...resolved);
}

/** A mask's shape must match the dims it covers (checked before it is turned into coordinates). */
function checkMaskShapes(op: string, x: Tensor, specs: readonly IndexSpec[]): void {
  // Dims before the mask: integers, slices and tensors each take one; a mask takes its own.
  let xdim = 0;
  const ell = specs.indexOf("...");
  const consumed = specs.reduce<number>(
    (n, s) =>
      s === null || s === "..." || typeof s === "boolean"
        ? n
        : n + (s instanceof Tensor && s.dtype === "bool" ? s.ndim : 1),
    0,
  );
  specs.forEach((s, i) => {
    if (i === ell) xdim += Math.max(0, x.ndim - consumed);
    else if (s instanceof Tensor && s.dtype === "bool") {
      s.shape.forEach((size, k) => {
        if (x.shape[xdim + k] !== size) {
          throw new RangeError(
            `${op}: the shape of the mask ${
              fmtShape(s.shape)
            } at index ${k} does not match the shape of the ` +
              `indexed tensor ${fmtShape(x.shape)} at index ${xdim + k}`,
          );
        }
      });
      xdim += s.ndim;
    } else if (s !== null && typeof s !== "boolean") xdim++;
  });
}

function splitValue(op: string, args: unknown[]): [IndexSpec[], Tensor | number] {
  if (args.length < 2) {
    throw new TypeError(`${op}: expected the index and then the value: x.${op}(...index, value)`);
  }
  const value = args[args.length - 1];
  if (!(value instanceof Tensor) && typeof value !== "number" && typeof value !== "boolean") {
    throw new TypeError(`${op}: the value must be a tensor or a number, got ${describeValue(value)}`);
  }
  return [args.slice(0, -1) as IndexSpec[], value instanceof Tensor ? value : Number(value)];
}

/**
 * The `grad_fn` PyTorch 1.13 gives `x` after `x[specs] = value`: an integer, slice or new axis
 * makes it write through a view (`CopySlices`); tensors alone are an `index_put_`; "..." alone
 * is a `fill_` or a `copy_`.
 */
function setName(specs: readonly IndexSpec[], value: Tensor | number): string {
  if (specs.some((s) => typeof s === "number" || (typeof s === "string" && s !== "...") || s === null)) {
    return "CopySlices";
  }
  if (specs.some((s) => s !== "...")) return "IndexPutBackward0";
  return value instanceof Tensor ? "CopyBackwards" : "FillBackward3";
}

/**
 * PyTorch's `x[...] = value`, in place: the index as in {@link index} (`x.set(i, "0::2", v)` is
 * `x[i, 0::2] = v`), the value last (a tensor broadcast to the indexed shape, or a number). Among
 * duplicate indices the last write wins, as PyTorch's CPU kernel. Returns `x`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.zeros(3, 4);
 * x.set(1, "0::2", 5);
 * x.set([0, 2], ":", torch.tensor([1, 2, 3, 4], { dtype: "float32" }));
 * x.set(x.gt(3), -1);
 * assertEquals(x.toArray(), [[1, 2, 3, -1], [-1, 0, -1, 0], [1, 2, 3, -1]]);
 * ```
 */
export function set<T extends Tensor>(x: T, ...indexAndValue: (IndexSpec | Tensor | number)[]): T {
  return inFrameOf(() => {
    const [specs, value] = splitValue("set", indexAndValue);
    const name = setName(specs, value);
    const filled = maskFill("set", x, specs, value);
    if (filled !== null) {
      if (!needsGrad(x, value)) {
        refuseLeaf("set", x);
        writeInto(x, filled);
        return x;
      }
      if (filled.gradFn && filled.gradFn !== x.gradFn) filled.gradFn.rename(name);
      return assignResult(x, "set", filled);
    }
    const loc = locate("set", x, specs, syncMaskReader("set", "x.setAsync(...)"));
    return putAt_(x, loc, value, false, "set", name);
  });
}

/**
 * {@link set} on every device: bool masks are read asynchronously first (on the GPU a mask with a
 * value of several elements needs its positions).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.tensor([1, -2, 3, -4]);
 * await x.setAsync(x.lt(0), torch.tensor([20, 40]));
 * assertEquals(x.toArray(), [1, 20, 3, 40]);
 * ```
 */
export async function setAsync<T extends Tensor>(
  x: T,
  ...indexAndValue: (IndexSpec | Tensor | number)[]
): Promise<T> {
  const [specs, value] = splitValue("setAsync", indexAndValue);
  if (
    specs.length === 1 && specs[0] instanceof Tensor && (value instanceof Tensor ? value.numel() === 1 : true)
  ) {
    return set(x, ...specs, value);
  }
  checkMaskShapes("setAsync", x, specs);
  const resolved = await resolveMasks(x, specs);
  return set(x, ...resolved, value);
}

/** Options of {@link indexPut_}. */
export interface IndexPutOptions {
  /** Add the values at the indices (duplicates add up) instead of writing them. */
  accumulate?: boolean;
}

function indicesAsSpecs(
  op: string,
  x: Tensor,
  indices: readonly (Tensor | IndexArray | null)[],
): IndexSpec[] {
  if (!Array.isArray(indices)) {
    throw new TypeError(
      `${op}: indices must be an array of index tensors (one per indexed dim), got ${describeValue(indices)}`,
    );
  }
  if (indices.length > x.ndim) {
    throw new RangeError(`${op}: too many indices for tensor of dimension ${x.ndim} (got ${indices.length})`);
  }
  return indices.map((t) => (t === null ? ":" : t));
}

/**
 * PyTorch's `index_put_(indices, values, accumulate)`: `x[indices] = values` with one index
 * tensor (or null for a whole dim) per leading dim; with `accumulate`, the values are added and
 * duplicates add up. `values` must have `x`'s dtype. Returns `x`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.zeros(2, 3);
 * x.indexPut_([torch.tensor([0, 0, 1]), torch.tensor([1, 1, 2])], torch.tensor([1, 2, 3], { dtype: "float32" }), { accumulate: true });
 * assertEquals(x.toArray(), [[0, 3, 0], [0, 0, 3]]);
 * ```
 */
export function indexPut_<T extends Tensor>(
  x: T,
  indices: readonly (Tensor | IndexArray | null)[],
  values: Tensor | number,
  opts: IndexPutOptions = {},
): T {
  return inFrameOf(() => {
    checkSameDType("indexPut_", x, values);
    const loc = locate(
      "indexPut_",
      x,
      indicesAsSpecs("indexPut_", x, indices),
      syncMaskReader("indexPut_", "x.setAsync(...)"),
    );
    return putAt_(x, loc, values, opts.accumulate ?? false, "indexPut_", "IndexPutBackward0");
  });
}

/**
 * {@link indexPut_} out of place (`torch.index_put`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.zeros(3).indexPut([torch.tensor([2])], 7).toArray(), [0, 0, 7]);
 * ```
 */
export function indexPut(
  x: Tensor,
  indices: readonly (Tensor | IndexArray | null)[],
  values: Tensor | number,
  opts: IndexPutOptions = {},
): Tensor {
  return inFrameOf(() => {
    checkSameDType("indexPut", x, values);
    const loc = locate(
      "indexPut",
      x,
      indicesAsSpecs("indexPut", x, indices),
      syncMaskReader("indexPut", "x.setAsync(...)"),
    );
    return putAt(x, loc, values, opts.accumulate ?? false, "indexPut", "IndexPutBackward0");
  });
}

function checkSameDType(op: string, x: Tensor, values: Tensor | number): void {
  if (values instanceof Tensor && values.dtype !== x.dtype) {
    throw new TypeError(
      `${op}: index put requires the source and destination dtypes match, got ${x.dtype} for the destination ` +
        `and ${values.dtype} for the source`,
    );
  }
}

/** The zero gradient of a tensor of `shape` with `g` added at `loc` (advancedIndex's backward). @internal */
export function indexBackward(g: Tensor, loc: Located, shape: readonly number[]): Tensor {
  const z = zeros([...shape], { dtype: g.dtype, device: g.device });
  return putAt(z, loc, g, true);
}
