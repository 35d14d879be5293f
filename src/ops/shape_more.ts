/**
 * More of PyTorch's shape ops, compositions of views, `cat`, `where`, `gather`, `indexSelect` and
 * advanced indexing (every device; autograd through their parts): `take`, `put`, `takeAlongDim`,
 * `diff`, the broadcasting helpers, `trilIndices`/`triuIndices`, `blockDiag`, `cartesianProd`,
 * `combinations`, `vander`, `narrowCopy`, `maskedScatter` and `sumToSize`.
 * @module
 */
import { refuseComplex } from "../complex/core.ts";
import { broadcastShapes as broadcastPair, fmtShape, normDim, numelOf, shapeArg } from "../shape.ts";
import type { Tensor } from "../tensor.ts";
import { inFrameOf } from "../memory.ts";
import { backendOf, named } from "./dispatch.ts";
import { clamp, ne, sub, where } from "./elementwise.ts";
import { clone, contiguous, expand, narrow, reshape, unsqueeze } from "./movement.ts";
import { cat, flip, gather, indexSelect, stack } from "./indexing.ts";
import { cumsum, sum } from "./reduce.ts";
import { cumprod } from "./cumulative.ts";
import { meshgrid } from "./rearrange.ts";
import { index as advancedIndex, indexPut } from "./advanced_index.ts";
import { asOp } from "./naming.ts";
import { ones, tensor, zeros } from "../creation.ts";
import type { Device } from "../backends/backend.ts";
import { type DType, promoteTypes } from "../dtype.ts";
import { requireTensor } from "./split_stack.ts";

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
  refuseComplex("vander", x);
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
