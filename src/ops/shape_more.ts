/**
 * More of PyTorch's shape ops, all compositions of views, `cat`, `where`, `embed`, `gather`,
 * `indexSelect` and advanced indexing (so they run on every device and autograd differentiates
 * them through their parts): `ravel`, `select`, `tensorSplit` and `h/v/dsplit`, the `*stack`s,
 * `atleast1d/2d/3d`, `fliplr`/`flipud`, `rot90`, `take`, `takeAlongDim`, `put`, `diff`, the
 * broadcasting helpers, `trilIndices`/`triuIndices`, the `*Scatter`s, `diagEmbed`, `diagflat`,
 * `blockDiag`, `cartesianProd`, `combinations`, `vander`, `narrowCopy`, `maskedScatter`,
 * `sumToSize` and `fillDiagonal_`.
 * @module
 */
import {
  broadcastShapes as broadcastPair,
  contiguousStrides,
  fmtShape,
  normDim,
  numelOf,
  shapeArg,
} from "../shape.ts";
import { Tensor } from "../tensor.ts";
import { inFrameOf } from "../memory.ts";
import { backendOf, named } from "./dispatch.ts";
import { clamp, ne, sub, where } from "./elementwise.ts";
import {
  clone,
  contiguous,
  expand,
  type IndexStep,
  indexWithPlan,
  narrow,
  planIndex,
  reshape,
  transpose,
  unsqueeze,
} from "./movement.ts";
import { cat, embed, flip, gather, type Geometry, indexSelect, stack } from "./indexing.ts";
import { cumsum, sum } from "./reduce.ts";
import { cumprod } from "./cumulative.ts";
import { diag, meshgrid } from "./rearrange.ts";
import { index as advancedIndex, indexPut } from "./advanced_index.ts";
import { asOp } from "./naming.ts";
import { assignResult } from "./inplace.ts";
import { full, ones, tensor, zeros } from "../creation.ts";
import type { Device } from "../backends/backend.ts";
import { checkIntValue, type DType, promoteTypes } from "../dtype.ts";

function requireTensor(op: string, name: string, x: unknown): void {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: ${name} must be a tensor, got ${typeof x}`);
}

/**
 * The number of elements of `x` (PyTorch's `torch.numel`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.numel(torch.zeros(2, 3)), 6);
 * ```
 */
export function numel(x: Tensor): number {
  requireTensor("numel", "input", x);
  return x.numel();
}

/**
 * `x` flattened to 1-d: a view when the layout allows, else a copy.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.tensor([[1, 2], [3, 4]]).T.ravel().toArray(), [1, 3, 2, 4]);
 * ```
 */
export function ravel(x: Tensor): Tensor {
  return inFrameOf(() => {
    requireTensor("ravel", "input", x);
    return reshape(x, -1);
  });
}

/**
 * The slice at `index` along `dim`, without that dim (a view): `select(x, 1, 0)` is `x[:, 0]`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.select(torch.tensor([[1, 2], [3, 4]]), 1, -1).toArray(), [2, 4]);
 * ```
 */
export function select(x: Tensor, dim: number, index: number): Tensor {
  return inFrameOf(() => {
    requireTensor("select", "input", x);
    if (x.ndim === 0) throw new RangeError("select: cannot be applied to a 0-dim tensor");
    const d = normDim("select", dim, x.ndim);
    if (!Number.isInteger(index)) throw new TypeError(`select: index must be an integer, got ${index}`);
    const plan = asOp("select", () => planIndex("select", x.shape, [...Array(d).fill(":"), index]));
    return named(indexWithPlan(x, plan), "SelectBackward0", x);
  });
}

/** Python slice bounds `[start, end)` of a dim of `size` (negatives from the end, clamped). */
function sliceBound(v: number, size: number): number {
  return Math.min(Math.max(v < 0 ? v + size : v, 0), size);
}

/**
 * Splits `x` along `dim` into `sections` nearly equal views (the first `size % sections` one
 * larger), or at the listed `indices` (Python slice bounds: `x[:i0]`, `x[i0:i1]`, ..., `x[ik:]`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.arange(7);
 * assertEquals(torch.tensorSplit(x, 3).map((t) => t.toArray()), [[0, 1, 2], [3, 4], [5, 6]]);
 * assertEquals(torch.tensorSplit(x, [1, 5]).map((t) => t.toArray()), [[0], [1, 2, 3, 4], [5, 6]]);
 * ```
 */
export function tensorSplit(
  x: Tensor,
  indicesOrSections: number | readonly number[] | Tensor,
  dim = 0,
): Tensor[] {
  return inFrameOf(() => splitAt("tensorSplit", x, indicesOrSections, dim));
}

function splitAt(op: string, x: Tensor, spec: number | readonly number[] | Tensor, dim: number): Tensor[] {
  requireTensor(op, "input", x);
  if (x.ndim === 0) {
    throw new RangeError(`${op}: expected at least a 1-dimensional tensor, got a 0-d tensor`);
  }
  const d = normDim(op, dim, x.ndim);
  const size = x.shape[d];
  let points: number[];
  if (spec instanceof Tensor) {
    if (spec.device !== "cpu") {
      throw new Error(`${op}: a tensor indices_or_sections must be on the CPU, got one on "${spec.device}"`);
    }
    if (spec.ndim > 1 || spec.dtype !== "int32") {
      throw new TypeError(
        `${op}: tensor indices_or_sections must be a 0-d or 1-d int32 tensor, got ${spec.dtype} of shape ${
          fmtShape(spec.shape)
        }`,
      );
    }
    const values = Array.from(spec.dataSync());
    return splitAt(op, x, spec.ndim === 0 ? values[0] : values, d);
  }
  if (typeof spec === "number") {
    if (!Number.isInteger(spec) || spec <= 0) {
      throw new RangeError(`${op}: number of sections must be larger than 0, got ${spec}`);
    }
    const small = Math.floor(size / spec), extra = size % spec;
    points = [];
    let at = 0;
    for (let i = 0; i < spec - 1; i++) {
      at += small + (i < extra ? 1 : 0);
      points.push(at);
    }
  } else {
    points = [...spec];
    for (const p of points) {
      if (!Number.isInteger(p)) throw new TypeError(`${op}: indices must be integers, got ${p}`);
    }
  }
  const bounds = [0, ...points, size];
  const out: Tensor[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const start = i === 0 ? 0 : sliceBound(bounds[i], size);
    const end = i + 2 === bounds.length ? size : sliceBound(bounds[i + 1], size);
    out.push(named(narrow(x, d, start, Math.max(0, end - start)), "SliceBackward0", x));
  }
  return out;
}

function directionalSplit(
  op: string,
  x: Tensor,
  spec: number | readonly number[],
  minDims: number,
  dim: number,
): Tensor[] {
  requireTensor(op, "input", x);
  if (x.ndim < minDims) {
    throw new RangeError(
      `${op}: requires a tensor with at least ${minDims} dimension${
        minDims > 1 ? "s" : ""
      }, but got a tensor ` +
        `with ${x.ndim} dimensions (shape ${fmtShape(x.shape)})`,
    );
  }
  if (typeof spec === "number" && (spec <= 0 || x.shape[dim] % spec !== 0)) {
    throw new RangeError(
      `${op}: attempted to split along dimension ${dim}, but the size of the dimension ${
        x.shape[dim]
      } is not divisible by the split_size ${spec}`,
    );
  }
  return splitAt(op, x, spec, dim);
}

/**
 * Splits along dim 1 (dim 0 of a 1-d tensor) into `sections` equal views or at `indices`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.hsplit(torch.zeros(2, 4), 2).map((t) => t.shape), [[2, 2], [2, 2]]);
 * ```
 */
export function hsplit(x: Tensor, sections: number | readonly number[]): Tensor[] {
  return inFrameOf(() => directionalSplit("hsplit", x, sections, 1, x.ndim === 1 ? 0 : 1));
}

/**
 * Splits along dim 0 (of a tensor of at least 2 dims) into equal views or at `indices`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.vsplit(torch.zeros(4, 2), [1]).map((t) => t.shape), [[1, 2], [3, 2]]);
 * ```
 */
export function vsplit(x: Tensor, sections: number | readonly number[]): Tensor[] {
  return inFrameOf(() => directionalSplit("vsplit", x, sections, 2, 0));
}

/**
 * Splits along dim 2 (of a tensor of at least 3 dims) into equal views or at `indices`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.dsplit(torch.zeros(1, 1, 4), 2).map((t) => t.shape), [[1, 1, 2], [1, 1, 2]]);
 * ```
 */
export function dsplit(x: Tensor, sections: number | readonly number[]): Tensor[] {
  return inFrameOf(() => directionalSplit("dsplit", x, sections, 3, 2));
}

function atLeast(x: Tensor, n: 1 | 2 | 3): Tensor {
  if (x.ndim >= n) return x;
  if (n === 1) return reshape(x, [1]);
  if (n === 2) return x.ndim === 0 ? reshape(x, [1, 1]) : unsqueeze(x, 0);
  return x.ndim === 0
    ? reshape(x, [1, 1, 1])
    : x.ndim === 1
    ? reshape(x, [1, x.shape[0], 1])
    : unsqueeze(x, -1);
}

function atLeastAll(op: string, n: 1 | 2 | 3, xs: Tensor | readonly Tensor[]): Tensor | Tensor[] {
  if (xs instanceof Tensor) return atLeast(xs, n);
  if (!Array.isArray(xs)) {
    throw new TypeError(`${op}: expected a tensor or a list of tensors, got ${typeof xs}`);
  }
  return xs.map((x, i) => {
    requireTensor(op, `element ${i}`, x);
    return atLeast(x, n);
  });
}

/**
 * `x` with at least 1 dim (a 0-d tensor becomes `[1]`); a list gives a list.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.atleast1d(torch.tensor(5)).shape, [1]);
 * ```
 */
export function atleast1d(x: Tensor): Tensor;
/** Each tensor with at least 1 dim. */
export function atleast1d(tensors: readonly Tensor[]): Tensor[];
export function atleast1d(x: Tensor | readonly Tensor[]): Tensor | Tensor[] {
  return inFrameOf(() => atLeastAll("atleast1d", 1, x));
}

/**
 * `x` with at least 2 dims (`[n]` becomes `[1, n]`); a list gives a list.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.atleast2d(torch.tensor([1, 2])).shape, [1, 2]);
 * ```
 */
export function atleast2d(x: Tensor): Tensor;
/** Each tensor with at least 2 dims. */
export function atleast2d(tensors: readonly Tensor[]): Tensor[];
export function atleast2d(x: Tensor | readonly Tensor[]): Tensor | Tensor[] {
  return inFrameOf(() => atLeastAll("atleast2d", 2, x));
}

/**
 * `x` with at least 3 dims (`[n]` becomes `[1, n, 1]`, `[m, n]` `[m, n, 1]`); a list gives a list.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.atleast3d(torch.tensor([1, 2])).shape, [1, 2, 1]);
 * ```
 */
export function atleast3d(x: Tensor): Tensor;
/** Each tensor with at least 3 dims. */
export function atleast3d(tensors: readonly Tensor[]): Tensor[];
export function atleast3d(x: Tensor | readonly Tensor[]): Tensor | Tensor[] {
  return inFrameOf(() => atLeastAll("atleast3d", 3, x));
}

function stackList(op: string, tensors: readonly Tensor[]): void {
  if (!Array.isArray(tensors) || tensors.length === 0) {
    throw new RangeError(`${op}: expected a non-empty list of tensors`);
  }
  tensors.forEach((t, i) => requireTensor(op, `element ${i}`, t));
}

/**
 * Joins tensors column-wise: along dim 1, or dim 0 when they are 1-d (0-d ones become 1-d).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.hstack([torch.tensor([1, 2]), torch.tensor([3])]).toArray(), [1, 2, 3]);
 * ```
 */
export function hstack(tensors: readonly Tensor[]): Tensor {
  return inFrameOf(() => {
    stackList("hstack", tensors);
    const xs = tensors.map((t) => atLeast(t, 1));
    return asOp("hstack", () => cat(xs, xs[0].ndim === 1 ? 0 : 1));
  });
}

/**
 * Joins tensors row-wise: along dim 0 after making each at least 2-d (`[n]` becomes `[1, n]`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.vstack([torch.tensor([1, 2]), torch.tensor([3, 4])]).toArray(), [[1, 2], [3, 4]]);
 * ```
 */
export function vstack(tensors: readonly Tensor[]): Tensor {
  return inFrameOf(() => {
    stackList("vstack", tensors);
    return asOp("vstack", () => cat(tensors.map((t) => atLeast(t, 2)), 0));
  });
}

/**
 * Joins tensors depth-wise: along dim 2 after making each at least 3-d.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.dstack([torch.tensor([1, 2]), torch.tensor([3, 4])]).toArray(), [[[1, 3], [2, 4]]]);
 * ```
 */
export function dstack(tensors: readonly Tensor[]): Tensor {
  return inFrameOf(() => {
    stackList("dstack", tensors);
    return asOp("dstack", () => cat(tensors.map((t) => atLeast(t, 3)), 2));
  });
}

/**
 * Joins tensors as columns: 0-d and 1-d tensors become `[n, 1]` columns, then along dim 1.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.columnStack([torch.tensor([1, 2]), torch.tensor([3, 4])]).toArray(), [[1, 3], [2, 4]]);
 * ```
 */
export function columnStack(tensors: readonly Tensor[]): Tensor {
  return inFrameOf(() => {
    stackList("columnStack", tensors);
    const cols = tensors.map((t) => (t.ndim <= 1 ? reshape(t, [t.numel(), 1]) : t));
    return asOp("columnStack", () => cat(cols, 1));
  });
}

/**
 * `x` reversed left to right (along dim 1; needs at least 2 dims).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.fliplr(torch.tensor([[1, 2], [3, 4]])).toArray(), [[2, 1], [4, 3]]);
 * ```
 */
export function fliplr(x: Tensor): Tensor {
  return inFrameOf(() => {
    requireTensor("fliplr", "input", x);
    if (x.ndim < 2) throw new RangeError(`fliplr: input must be >= 2-d, got shape ${fmtShape(x.shape)}`);
    return flip(x, 1);
  });
}

/**
 * `x` reversed up to down (along dim 0; needs at least 1 dim).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.flipud(torch.tensor([[1, 2], [3, 4]])).toArray(), [[3, 4], [1, 2]]);
 * ```
 */
export function flipud(x: Tensor): Tensor {
  return inFrameOf(() => {
    requireTensor("flipud", "input", x);
    if (x.ndim < 1) throw new RangeError(`flipud: input must be >= 1-d, got a 0-d tensor`);
    return flip(x, 0);
  });
}

/**
 * Rotates by 90 degrees `k` times in the plane of `dims`, from the first towards the second.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.rot90(torch.tensor([[1, 2], [3, 4]])).toArray(), [[2, 4], [1, 3]]);
 * ```
 */
export function rot90(
  x: Tensor,
  k = 1,
  dims: readonly [number, number] | readonly number[] = [0, 1],
): Tensor {
  return inFrameOf(() => {
    requireTensor("rot90", "input", x);
    if (!Array.isArray(dims) || dims.length !== 2) {
      throw new RangeError(
        `rot90: expected total rotation dims == 2, but got dims = ${JSON.stringify(dims)}`,
      );
    }
    if (x.ndim < 2) {
      throw new RangeError(`rot90: expected total dims >= 2, but got a tensor of shape ${fmtShape(x.shape)}`);
    }
    if (!Number.isInteger(k)) throw new TypeError(`rot90: k must be an integer, got ${k}`);
    const d0 = normDim("rot90", dims[0], x.ndim), d1 = normDim("rot90", dims[1], x.ndim);
    if (d0 === d1) {
      throw new RangeError(`rot90: expected rotation dims to be different, got dims = [${dims.join(", ")}]`);
    }
    switch (((k % 4) + 4) % 4) {
      case 1:
        return transpose(flip(x, d1), d0, d1);
      case 2:
        return flip(x, [d0, d1]);
      case 3:
        return transpose(flip(x, d0), d0, d1);
      default:
        return clone(x);
    }
  });
}

function checkIndexDType(op: string, index: Tensor): void {
  requireTensor(op, "index", index);
  if (index.dtype !== "int32") {
    throw new TypeError(`${op}: expected an int32 index tensor, got ${index.dtype}`);
  }
}

/**
 * The elements of `x`, read as 1-d, at `index` (negative counts from the end); the result has
 * `index`'s shape.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.tensor([[4, 3, 5], [6, 7, 8]]);
 * assertEquals(torch.take(x, torch.tensor([[0, 2], [-1, 4]])).toArray(), [[4, 5], [8, 7]]);
 * ```
 */
export function take(x: Tensor, index: Tensor): Tensor {
  return inFrameOf(() => {
    requireTensor("take", "input", x);
    checkIndexDType("take", index);
    const flat = reshape(x, -1);
    const picked = asOp("take", () => advancedIndex(flat, reshape(index, -1)));
    return named(reshape(picked, [...index.shape]), "TakeBackward0", x);
  });
}

/**
 * `x` with `source`'s elements written (or with `accumulate`, added) at the 1-d positions
 * `index` of `x` read as 1-d (PyTorch's `torch.put`; `x.put_` writes in place).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.zeros(2, 2);
 * assertEquals(torch.put(x, torch.tensor([0, 3]), torch.tensor([1, 2], { dtype: "float32" })).toArray(), [[1, 0], [0, 2]]);
 * ```
 */
export function put(x: Tensor, index: Tensor, source: Tensor, opts: { accumulate?: boolean } = {}): Tensor {
  return inFrameOf(() => {
    requireTensor("put", "input", x);
    checkIndexDType("put", index);
    requireTensor("put", "source", source);
    if (index.numel() !== source.numel()) {
      throw new RangeError(
        `put: expected source and index to have the same number of elements, but got ${source.numel()} ` +
          `(shape ${fmtShape(source.shape)}) and ${index.numel()} (shape ${fmtShape(index.shape)})`,
      );
    }
    const flat = reshape(x, -1);
    const out = asOp("put", () => indexPut(flat, [reshape(index, -1)], reshape(source, -1), opts));
    return named(reshape(out, [...x.shape]), "PutBackward0", x, source);
  });
}

/**
 * Values of `x` at `indices` along `dim`, `x` and `indices` broadcast on the other dims (as
 * `gather`); without `dim`, both are read as 1-d.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.tensor([[10, 30, 20], [60, 40, 50]]);
 * assertEquals(torch.takeAlongDim(x, x.argmax(1, { keepdim: true }), 1).toArray(), [[30], [60]]);
 * ```
 */
export function takeAlongDim(x: Tensor, indices: Tensor, dim?: number): Tensor {
  return inFrameOf(() => {
    requireTensor("takeAlongDim", "input", x);
    checkIndexDType("takeAlongDim", indices);
    if (dim === undefined) return asOp("takeAlongDim", () => gather(reshape(x, -1), 0, reshape(indices, -1)));
    if (x.ndim !== indices.ndim) {
      throw new RangeError(
        `takeAlongDim: input and indices should have the same number of dimensions, but got ${x.ndim} ` +
          `dimensions for input (shape ${fmtShape(x.shape)}) and ${indices.ndim} for indices (shape ${
            fmtShape(indices.shape)
          })`,
      );
    }
    const d = normDim("takeAlongDim", dim, x.ndim);
    const xs = [...x.shape];
    xs[d] = indices.shape[d];
    const shape = broadcastPair("takeAlongDim", xs, indices.shape);
    const xShape = [...shape];
    xShape[d] = x.shape[d];
    return asOp("takeAlongDim", () => gather(expand(x, xShape), d, expand(indices, shape)));
  });
}

/** Options of {@link diff}. */
export interface DiffOptions {
  /** How many times to difference (default 1). */
  n?: number;
  /** The dim to difference along (default -1). */
  dim?: number;
  /** Values put before `x` along `dim` first. */
  prepend?: Tensor | null;
  /** Values put after `x` along `dim` first. */
  append?: Tensor | null;
}

/**
 * The `n`-th forward difference along `dim` (`out[i] = x[i + 1] - x[i]`, applied `n` times; for
 * bool tensors `!=`), after joining `prepend` and `append` to `x` along `dim`. Called as
 * `diff(x, n, dim, prepend, append)` or `diff(x, { n, dim, prepend, append })`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.tensor([1, 3, 6, 10]);
 * assertEquals(torch.diff(x).toArray(), [2, 3, 4]);
 * assertEquals(torch.diff(x, { n: 2, prepend: torch.tensor([0]) }).toArray(), [1, 1, 1]);
 * ```
 */
export function diff(
  x: Tensor,
  n: number | DiffOptions = 1,
  dim = -1,
  prepend: Tensor | null = null,
  append: Tensor | null = null,
): Tensor {
  return inFrameOf(() => {
    const o: DiffOptions = typeof n === "object" && n !== null ? n : { n, dim, prepend, append };
    const times = o.n ?? 1;
    requireTensor("diff", "input", x);
    if (x.ndim === 0) throw new RangeError("diff: expects input to be at least one-dimensional");
    if (!Number.isInteger(times) || times < 0) {
      throw new RangeError(`diff: order must be non-negative but got ${times}`);
    }
    const d = normDim("diff", o.dim ?? -1, x.ndim);
    const parts: Tensor[] = [];
    for (const [name, t] of [["prepend", o.prepend], ["append", o.append]] as const) {
      if (t === null || t === undefined) continue;
      requireTensor("diff", name, t);
      if (t.ndim !== x.ndim || t.shape.some((s, i) => i !== d && s !== x.shape[i])) {
        throw new RangeError(
          `diff: ${name} of shape ${fmtShape(t.shape)} must have the shape of input ${
            fmtShape(x.shape)
          } except along dim ${d}`,
        );
      }
    }
    if (o.prepend) parts.push(o.prepend);
    parts.push(x);
    if (o.append) parts.push(o.append);
    let out = parts.length > 1 ? asOp("diff", () => cat(parts, d)) : x;
    for (let k = 0; k < times; k++) {
      const len = out.shape[d];
      if (len === 0) break;
      const hi = narrow(out, d, 1, len - 1), lo = narrow(out, d, 0, len - 1);
      out = out.dtype === "bool" ? ne(hi, lo) : sub(hi, lo);
    }
    return out === x ? clone(x) : out;
  });
}

/**
 * The shape that all `shapes` broadcast to (a number is a 1-d shape), as `torch.broadcast_shapes`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.broadcastShapes([2, 1], [3], 1), [2, 3]);
 * ```
 */
export function broadcastShapes(...shapes: (number | readonly number[])[]): number[] {
  let out: number[] = [];
  for (const s of shapes) {
    const shape = typeof s === "number" ? [s] : [...s];
    out = broadcastPair("broadcastShapes", out, shapeArg("broadcastShapes", [shape]));
  }
  return out;
}

/**
 * The tensors expanded (views) to their common broadcast shape.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const [a, b] = torch.broadcastTensors(torch.zeros(2, 1), torch.zeros(3));
 * assertEquals([a.shape, b.shape], [[2, 3], [2, 3]]);
 * ```
 */
export function broadcastTensors(...tensors: Tensor[]): Tensor[] {
  return inFrameOf(() => {
    tensors.forEach((t, i) => requireTensor("broadcastTensors", `tensor ${i}`, t));
    let shape: number[] = [];
    for (const t of tensors) shape = broadcastPair("broadcastTensors", shape, t.shape);
    return tensors.map((t) => expand(t, shape));
  });
}

/**
 * `x` expanded (a view) to `shape` (`-1` keeps a size), as `torch.broadcast_to`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.broadcastTo(torch.tensor([1, 2]), [2, 2]).toArray(), [[1, 2], [1, 2]]);
 * ```
 */
export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  return inFrameOf(() => {
    requireTensor("broadcastTo", "input", x);
    return asOp("broadcastTo", () => expand(x, shape));
  });
}

/** Options of {@link trilIndices} and {@link triuIndices}. */
export interface TriangleIndicesOptions {
  /** Element type (default int32, edgetorch's long). */
  dtype?: DType;
  /** Device of the result (default cpu). */
  device?: Device;
}

function triangleIndices(
  op: string,
  row: number,
  col: number,
  offset: number,
  opts: TriangleIndicesOptions,
  keep: (i: number, j: number) => boolean,
): Tensor {
  for (const [name, v] of [["row", row], ["col", col], ["offset", offset]] as const) {
    if (!Number.isInteger(v) || (name !== "offset" && v < 0)) {
      throw new RangeError(
        `${op}: ${name} must be ${name === "offset" ? "an integer" : "a non-negative integer"}, got ${v}`,
      );
    }
  }
  const rows: number[] = [], cols: number[] = [];
  for (let i = 0; i < row; i++) {
    for (let j = 0; j < col; j++) {
      if (keep(i, j)) {
        rows.push(i);
        cols.push(j);
      }
    }
  }
  const out = tensor([...rows, ...cols], { dtype: opts.dtype ?? "int32", device: opts.device });
  return reshape(out, [2, rows.length]);
}

/**
 * The coordinates `[2, N]` (rows, then columns, row-major order) of the lower triangle of a
 * `row` x `col` matrix: entries with `j - i <= offset`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.trilIndices(3, 3).toArray(), [[0, 1, 1, 2, 2, 2], [0, 0, 1, 0, 1, 2]]);
 * ```
 */
export function trilIndices(row: number, col: number, offset = 0, opts: TriangleIndicesOptions = {}): Tensor {
  return inFrameOf(() => triangleIndices("trilIndices", row, col, offset, opts, (i, j) => j - i <= offset));
}

/**
 * The coordinates `[2, N]` of the upper triangle of a `row` x `col` matrix: `j - i >= offset`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.triuIndices(2, 3, 1).toArray(), [[0, 0, 1], [1, 2, 2]]);
 * ```
 */
export function triuIndices(row: number, col: number, offset = 0, opts: TriangleIndicesOptions = {}): Tensor {
  return inFrameOf(() => triangleIndices("triuIndices", row, col, offset, opts, (i, j) => j - i >= offset));
}

/** `input` with `src` written at `geometry` (of a contiguous tensor of input's shape): differentiable in both. */
function scatterAt(op: string, input: Tensor, src: Tensor, geometry: Geometry, what: string): Tensor {
  requireTensor(op, "src", src);
  if (src.ndim !== geometry.shape.length || src.shape.some((s, i) => s !== geometry.shape[i])) {
    throw new RangeError(
      `${op}: expected src to have a size equal to the ${what} of self. src size = ${
        fmtShape(src.shape)
      }, ${what} size = ${fmtShape(geometry.shape)}`,
    );
  }
  if (src.dtype !== input.dtype) {
    throw new TypeError(`${op}: expected src to have the dtype of input (${input.dtype}), got ${src.dtype}`);
  }
  backendOf(op, input, src);
  const mask = embed(full([...geometry.shape], true, { device: input.device }), input.shape, geometry);
  return where(mask, embed(src, input.shape, geometry), input);
}

function planGeometry(shape: readonly number[], plan: IndexStep[]): Geometry {
  const x = { shape, strides: contiguousStrides(shape) };
  let offset = 0;
  const outShape: number[] = [], outStrides: number[] = [];
  plan.forEach((step, d) => {
    if (step.kind === "int") offset += step.index * x.strides[d];
    else if (step.kind === "slice") {
      if (step.length > 0) offset += step.start * x.strides[d];
      outShape.push(step.length);
      outStrides.push(x.strides[d] * step.step);
    }
  });
  return { shape: outShape, strides: outStrides, offset };
}

/**
 * `input` with `src` written into the slice at `index` along `dim` (out of place; differentiable
 * in both).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const out = torch.selectScatter(torch.zeros(2, 2), torch.ones(2), 1, 0);
 * assertEquals(out.toArray(), [[1, 0], [1, 0]]);
 * ```
 */
export function selectScatter(input: Tensor, src: Tensor, dim: number, index: number): Tensor {
  return inFrameOf(() => {
    requireTensor("selectScatter", "input", input);
    if (input.ndim === 0) throw new RangeError("selectScatter: cannot be applied to a 0-dim tensor");
    const d = normDim("selectScatter", dim, input.ndim);
    const plan = asOp(
      "selectScatter",
      () => planIndex("selectScatter", input.shape, [...Array(d).fill(":"), index]),
    );
    return named(
      scatterAt("selectScatter", input, src, planGeometry(input.shape, plan), "slice"),
      "SelectScatterBackward0",
    );
  });
}

/** Options of {@link sliceScatter}. */
export interface SliceScatterOptions {
  /** The dim to slice (default 0). */
  dim?: number;
  /** First index (default 0; negative from the end). */
  start?: number | null;
  /** End index, exclusive (default the size; negative from the end). */
  end?: number | null;
  /** Step (default 1). */
  step?: number;
}

/**
 * `input` with `src` written into the slice `start:end:step` of `dim` (out of place).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const out = torch.sliceScatter(torch.zeros(4), torch.ones(2), { start: 0, step: 2 });
 * assertEquals(out.toArray(), [1, 0, 1, 0]);
 * ```
 */
export function sliceScatter(input: Tensor, src: Tensor, opts: SliceScatterOptions = {}): Tensor {
  return inFrameOf(() => {
    requireTensor("sliceScatter", "input", input);
    if (input.ndim === 0) throw new RangeError("sliceScatter: cannot be applied to a 0-dim tensor");
    const d = normDim("sliceScatter", opts.dim ?? 0, input.ndim);
    const step = opts.step ?? 1;
    if (!Number.isInteger(step) || step <= 0) {
      throw new RangeError(`sliceScatter: slice step must be positive, got ${step}`);
    }
    const size = input.shape[d];
    const start = sliceBound(opts.start ?? 0, size), end = sliceBound(opts.end ?? size, size);
    const plan: IndexStep[] = input.shape.map((n, i) =>
      i === d
        ? { kind: "slice", start, length: Math.max(0, Math.ceil((end - start) / step)), step }
        : { kind: "slice", start: 0, length: n, step: 1 }
    );
    return named(
      scatterAt("sliceScatter", input, src, planGeometry(input.shape, plan), "slice"),
      "SliceScatterBackward0",
    );
  });
}

/** @internal Geometry of the `offset` diagonal of dims `d1`, `d2` of a contiguous tensor of `shape`. */
export function diagonalGeometryOf(
  shape: readonly number[],
  offset: number,
  d1: number,
  d2: number,
): Geometry {
  const strides = contiguousStrides(shape);
  const len = Math.max(
    0,
    offset >= 0 ? Math.min(shape[d1], shape[d2] - offset) : Math.min(shape[d1] + offset, shape[d2]),
  );
  const keep = shape.map((_, i) => i).filter((i) => i !== d1 && i !== d2);
  return {
    shape: [...keep.map((i) => shape[i]), len],
    strides: [...keep.map((i) => strides[i]), strides[d1] + strides[d2]],
    offset: len === 0 ? 0 : (offset >= 0 ? offset * strides[d2] : -offset * strides[d1]),
  };
}

/**
 * `input` with `src` written into its `offset` diagonal of dims `dim1`, `dim2` (out of place).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const out = torch.diagonalScatter(torch.zeros(2, 3), torch.ones(2), 1);
 * assertEquals(out.toArray(), [[0, 1, 0], [0, 0, 1]]);
 * ```
 */
export function diagonalScatter(input: Tensor, src: Tensor, offset = 0, dim1 = 0, dim2 = 1): Tensor {
  return inFrameOf(() => {
    requireTensor("diagonalScatter", "input", input);
    if (!Number.isInteger(offset)) {
      throw new TypeError(`diagonalScatter: offset must be an integer, got ${offset}`);
    }
    if (input.ndim < 2) {
      throw new RangeError(
        `diagonalScatter: input must have at least 2 dims, got shape ${fmtShape(input.shape)}`,
      );
    }
    const d1 = normDim("diagonalScatter", dim1, input.ndim),
      d2 = normDim("diagonalScatter", dim2, input.ndim);
    if (d1 === d2) throw new RangeError(`diagonalScatter: dimensions cannot be identical ${dim1}, ${dim2}`);
    const geometry = diagonalGeometryOf(input.shape, offset, d1, d2);
    return named(scatterAt("diagonalScatter", input, src, geometry, "diagonal"), "DiagonalScatterBackward0");
  });
}

/**
 * Tensors whose `offset` diagonal of dims `dim1`, `dim2` holds the last dim of `x` (zeros
 * elsewhere): `[..., n]` gives two new dims of size `n + |offset|`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.diagEmbed(torch.tensor([[1, 2]])).toArray(), [[[1, 0], [0, 2]]]);
 * ```
 */
export function diagEmbed(x: Tensor, offset = 0, dim1 = -2, dim2 = -1): Tensor {
  return inFrameOf(() => {
    requireTensor("diagEmbed", "input", x);
    if (!Number.isInteger(offset)) throw new TypeError(`diagEmbed: offset must be an integer, got ${offset}`);
    if (x.ndim === 0) throw new RangeError("diagEmbed: input must have at least 1 dim, got a 0-d tensor");
    const nd = x.ndim + 1;
    const d1 = normDim("diagEmbed", dim1, nd), d2 = normDim("diagEmbed", dim2, nd);
    if (d1 === d2) {
      throw new RangeError(`diagEmbed: diagonal dimensions cannot be identical ${dim1}, ${dim2}`);
    }
    const n = x.shape[x.ndim - 1] + Math.abs(offset);
    const rest = x.shape.slice(0, -1);
    const shape: number[] = [];
    for (let i = 0, r = 0; i < nd; i++) shape.push(i === d1 || i === d2 ? n : rest[r++]);
    return named(embed(x, shape, diagonalGeometryOf(shape, offset, d1, d2)), "DiagEmbedBackward0", x);
  });
}

/**
 * The square matrix with the elements of `x` (read as 1-d) on its `offset` diagonal.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.diagflat(torch.tensor([[1, 2]])).toArray(), [[1, 0], [0, 2]]);
 * ```
 */
export function diagflat(x: Tensor, offset = 0): Tensor {
  return inFrameOf(() => {
    requireTensor("diagflat", "input", x);
    return asOp("diagflat", () => diag(reshape(x, -1), offset));
  });
}

/**
 * The block-diagonal matrix of the tensors (each 0-d, 1-d as a row, or 2-d), zeros elsewhere.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const b = torch.blockDiag(torch.tensor([[1, 2]]), torch.tensor(3));
 * assertEquals(b.toArray(), [[1, 2, 0], [0, 0, 3]]);
 * ```
 */
export function blockDiag(...tensors: Tensor[]): Tensor {
  return inFrameOf(() => {
    tensors.forEach((t, i) => {
      requireTensor("blockDiag", `input ${i}`, t);
      if (t.ndim > 2) {
        throw new RangeError(
          `blockDiag: input tensors must have 2 or fewer dimensions, input ${i} has shape ${
            fmtShape(t.shape)
          }`,
        );
      }
    });
    if (tensors.length === 0) return zeros([0, 0]);
    backendOf("blockDiag", ...tensors);
    const device = tensors[0].device;
    const dtype = tensors.map((t) => t.dtype).reduce(promoteTypes);
    const mats = tensors.map((t) => (t.ndim === 2 ? t : reshape(t, [1, t.numel()])));
    const width = mats.reduce((a, m) => a + m.shape[1], 0);
    let left = 0;
    const rows = mats.map((m) => {
      const [r, c] = m.shape;
      const row = cat([
        zeros([r, left], { dtype, device }),
        m,
        zeros([r, width - left - c], { dtype, device }),
      ], 1);
      left += c;
      return row;
    });
    return cat(rows, 0);
  });
}

/**
 * The cartesian product of 1-d tensors: one row per combination `[N, k]` (a single tensor is
 * returned as it is).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const p = torch.cartesianProd(torch.tensor([1, 2]), torch.tensor([3, 4]));
 * assertEquals(p.toArray(), [[1, 3], [1, 4], [2, 3], [2, 4]]);
 * ```
 */
export function cartesianProd(...tensors: Tensor[]): Tensor {
  return inFrameOf(() => {
    if (tensors.length === 0) throw new RangeError("cartesianProd: expected at least one tensor");
    tensors.forEach((t, i) => {
      requireTensor("cartesianProd", `input ${i}`, t);
      if (t.ndim !== 1) {
        throw new RangeError(
          `cartesianProd: expected 1D tensor, but input ${i} has shape ${fmtShape(t.shape)}`,
        );
      }
    });
    if (tensors.length === 1) return tensors[0];
    const grids = asOp("cartesianProd", () => meshgrid(tensors));
    return stack(grids.map((g) => reshape(g, -1)), 1);
  });
}

/** Options of {@link combinations}. */
export interface CombinationsOptions {
  /** Length of each combination (default 2). */
  r?: number;
  /** Allow an element to repeat within a combination (default false). */
  withReplacement?: boolean;
}

/**
 * The length-`r` combinations of the elements of a 1-d tensor, as rows `[N, r]` in
 * `itertools.combinations` order (`withReplacement`: `combinations_with_replacement`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.combinations(torch.tensor([1, 2, 3])).toArray(), [[1, 2], [1, 3], [2, 3]]);
 * ```
 */
export function combinations(x: Tensor, opts: CombinationsOptions = {}): Tensor {
  return inFrameOf(() => {
    requireTensor("combinations", "input", x);
    const r = opts.r ?? 2, rep = opts.withReplacement ?? false;
    if (x.ndim !== 1) {
      throw new RangeError(`combinations: expect a 1D vector, but got shape ${fmtShape(x.shape)}`);
    }
    if (!Number.isInteger(r) || r < 0) throw new RangeError(`combinations: r must be >= 0, got ${r}`);
    const n = x.shape[0];
    const cols: number[][] = Array.from({ length: r }, () => []);
    const walk = (k: number, from: number, picked: number[]) => {
      if (k === r) {
        picked.forEach((p, i) => cols[i].push(p));
        return;
      }
      for (let i = from; i < n; i++) {
        picked.push(i);
        walk(k + 1, rep ? i : i + 1, picked);
        picked.pop();
      }
    };
    if (r > 0) walk(0, 0, []);
    const pick = (c: number[]) => indexSelect(x, 0, tensor(c, { dtype: "int32", device: x.device }));
    if (r === 0) return pick([]);
    const picked = cols.map(pick);
    return stack(picked, 1);
  });
}

/** @internal Powers `x^0 .. x^(N-1)` of the last dim as a new last dim (reversed unless `increasing`). */
export function vanderColumns(
  op: string,
  x: Tensor,
  N: number | undefined | null,
  increasing: boolean,
  batched: boolean,
): Tensor {
  requireTensor(op, "x", x);
  if (batched ? x.ndim < 1 : x.ndim !== 1) {
    throw new RangeError(
      `${op}: x must be ${batched ? "at least 1-dimensional" : "a one-dimensional tensor"}, got shape ${
        fmtShape(x.shape)
      }`,
    );
  }
  const n = N ?? x.shape[x.ndim - 1];
  if (!Number.isInteger(n) || n < 0 || (batched && n <= 1)) {
    throw new RangeError(`${op}: N must be ${batched ? "greater than 1" : "non-negative"}, got ${n}`);
  }
  const dtype = x.dtype === "bool" || x.dtype === "uint8" ? "int32" : x.dtype;
  const xs = x.dtype === dtype ? x : x.to(dtype);
  const lead = [...x.shape];
  let out = ones([...lead, 1], { dtype, device: x.device });
  if (n === 0) out = zeros([...lead, 0], { dtype, device: x.device });
  else if (n > 1) out = cat([out, cumprod(expand(unsqueeze(xs, -1), [...lead, n - 1]), -1)], -1);
  return increasing ? out : flip(out, -1);
}

/**
 * The Vandermonde matrix of a 1-d `x`: columns `x^(N-1), ..., x^0` (`increasing`: `x^0, ...`),
 * `N` defaulting to the length of `x`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.vander(torch.tensor([2, 3]), 3).toArray(), [[4, 2, 1], [9, 3, 1]]);
 * ```
 */
export function vander(x: Tensor, N?: number | null, increasing = false): Tensor {
  return inFrameOf(() => vanderColumns("vander", x, N, increasing, false));
}

/**
 * A copy (own storage) of `length` elements of `dim` from `start`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.narrowCopy(torch.arange(5), 0, 1, 2).toArray(), [1, 2]);
 * ```
 */
export function narrowCopy(x: Tensor, dim: number, start: number, length: number): Tensor {
  return inFrameOf(() => {
    requireTensor("narrowCopy", "input", x);
    return clone(asOp("narrowCopy", () => narrow(x, dim, start, length)));
  });
}

/**
 * `x` with the elements of `source` (read as 1-d, in order) written where `mask` (bool,
 * broadcast with `x`) is true. `source` needs at least as many elements as `mask` has true
 * elements (checked on the CPU).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.zeros(2, 2), mask = torch.tensor([[true, false], [true, true]]);
 * assertEquals(torch.maskedScatter(x, mask, torch.tensor([1, 2, 3, 4], { dtype: "float32" })).toArray(), [[1, 0], [2, 3]]);
 * ```
 */
export function maskedScatter(x: Tensor, mask: Tensor, source: Tensor): Tensor {
  return inFrameOf(() => {
    requireTensor("maskedScatter", "input", x);
    requireTensor("maskedScatter", "mask", mask);
    requireTensor("maskedScatter", "source", source);
    if (mask.dtype !== "bool") throw new TypeError(`maskedScatter: expected a bool mask, got ${mask.dtype}`);
    if (source.dtype !== x.dtype) {
      throw new TypeError(
        `maskedScatter: expected self and source to have the same dtype, got ${x.dtype} and ${source.dtype}`,
      );
    }
    backendOf("maskedScatter", x, mask, source);
    const shape = broadcastPair("maskedScatter", x.shape, mask.shape);
    const m = contiguous(expand(mask, shape));
    const positions = cumsum(reshape(m, -1), 0);
    if (x.device === "cpu") {
      const trues = numelOf(shape) === 0 ? 0 : (positions.dataSync()[numelOf(shape) - 1] as number);
      if (trues > source.numel()) {
        throw new RangeError(
          `maskedScatter: number of elements in source (${source.numel()}, shape ${
            fmtShape(source.shape)
          }) < number of ones in mask (${trues})`,
        );
      }
    }
    const xe = expand(x, shape);
    if (numelOf(shape) === 0 || source.numel() === 0) return clone(xe);
    const idx = clamp(sub(positions, 1), 0, source.numel() - 1);
    const picked = reshape(indexSelect(reshape(source, -1), 0, idx), shape);
    return named(where(m, picked, xe), "MaskedScatterBackward0", x, source);
  });
}

/**
 * `x` summed over broadcast dims down to `size` (a shape `x` broadcasts from), as PyTorch's
 * `Tensor.sum_to_size`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.ones(2, 3).sumToSize(1, 3).toArray(), [[2, 2, 2]]);
 * ```
 */
export function sumToSize(x: Tensor, ...size: (number | readonly number[])[]): Tensor {
  return inFrameOf(() => {
    requireTensor("sumToSize", "input", x);
    const target = shapeArg("sumToSize", size);
    const lead = x.ndim - target.length;
    const ok = lead >= 0 && target.every((s, i) => s === x.shape[lead + i] || s === 1);
    if (!ok) {
      throw new RangeError(
        `sumToSize: size ${fmtShape(target)} is not expandable to size ${fmtShape(x.shape)}`,
      );
    }
    const dims = [...Array(x.ndim).keys()].filter((d) =>
      d < lead || (target[d - lead] === 1 && x.shape[d] !== 1)
    );
    if (dims.length === 0) return x;
    const summed = sum(x, dims, { keepdim: true });
    return reshape(summed, target);
  });
}

/**
 * The mask of the main diagonal PyTorch's `fill_diagonal_` writes: `[i, i, ...]` for `i < min`
 * of the sizes; with `wrap`, a tall matrix's diagonal starts again every `cols + 1` rows.
 */
function diagonalMask(op: string, shape: readonly number[], wrap: boolean, device: Device): Tensor {
  if (shape.length < 2) {
    throw new RangeError(`${op}: dimensions must larger than 1, got shape ${fmtShape(shape)}`);
  }
  if (shape.length > 2 && shape.some((s) => s !== shape[0])) {
    throw new RangeError(
      `${op}: all dimensions of input must be of equal length, got shape ${fmtShape(shape)}`,
    );
  }
  const n = numelOf(shape);
  const mask = new Uint8Array(n);
  const strides = contiguousStrides(shape);
  const step = strides.reduce((a, b) => a + b, 0);
  const size = Math.min(...shape);
  const rows = shape[0], cols = shape[1];
  const limit = shape.length === 2 && wrap && rows > cols + 1 ? n : size * step;
  for (let p = 0; p < Math.min(limit, n); p += step) mask[p] = 1;
  return reshape(tensor(mask, { dtype: "bool", device }), [...shape]);
}

/**
 * Writes `value` into the main diagonal of `x` in place (2-d, or all dims equal); with `wrap`, a
 * tall matrix's diagonal restarts every `cols + 1` rows (PyTorch's `fill_diagonal_`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.zeros(2, 3);
 * x.fillDiagonal_(5);
 * assertEquals(x.toArray(), [[5, 0, 0], [0, 5, 0]]);
 * ```
 */
export function fillDiagonal_<T extends Tensor>(x: T, value: number, wrap = false): T {
  return inFrameOf(() => {
    requireTensor("fillDiagonal_", "input", x);
    if (typeof value !== "number" && typeof value !== "boolean") {
      throw new TypeError(`fillDiagonal_: fill value must be a number, got ${typeof value}`);
    }
    const mask = diagonalMask("fillDiagonal_", x.shape, wrap, x.device);
    checkIntValue("fillDiagonal_", Number(value), x.dtype);
    const v = full([], Number(value), { dtype: x.dtype, device: x.device });
    return assignResult(x, "fillDiagonal_", where(mask, v, x));
  });
}
