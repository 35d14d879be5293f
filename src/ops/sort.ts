/**
 * Sorting along a dim: `sort`, `argsort`, `topk`. The backends' `argsort` kernel orders rows
 * (stably, NaN as the largest value); values are gathered with those indices, and their gradient
 * flows back to the positions they came from.
 * @module
 */
import { computeDType } from "../dtype.ts";
import { fmtShape, normDim } from "../shape.ts";
import type { Tensor } from "../tensor.ts";
import { backendOf, contiguousStorage, emptyResult, record, wrap } from "./dispatch.ts";
import { gather } from "./indexing.ts";
import { contiguous, narrow, transpose } from "./movement.ts";
import type { ValuesIndices } from "./reduce.ts";
import { inFrameOf } from "../memory.ts";

/** Options of {@link sort} and {@link argsort}. */
export interface SortOptions {
  /** The dim to sort along (default -1, the last). */
  dim?: number;
  /** Largest first (default false). NaN counts as the largest value. */
  descending?: boolean;
  /** Accepted for PyTorch parity: the sort is always stable (equal values keep their order). */
  stable?: boolean;
}

/** Options of {@link topk}. */
export interface TopkOptions {
  /** The dim to select along (default -1, the last). */
  dim?: number;
  /** The k largest (default true) or the k smallest. */
  largest?: boolean;
  /** Accepted for PyTorch parity: results always come in sorted order. */
  sorted?: boolean;
}

function parse<O extends { dim?: number }>(dimOrOpts: number | O | undefined, opts: O | undefined): O {
  if (typeof dimOrOpts === "number") return { ...opts, dim: dimOrOpts } as O;
  return { ...dimOrOpts, ...opts } as O;
}

/** The int32 indices that sort `x` along dim `d` (contiguous, x's shape). */
function sortIndices(op: string, x: Tensor, d: number, descending: boolean): Tensor {
  const backend = backendOf(op, x);
  if (x.numel() === 0) return emptyResult(backend, x.shape, "int32");
  const shape = x.ndim === 0 ? [1] : x.shape;
  const compute = computeDType(x.dtype);
  const xc = x.dtype === compute ? x : x.to(compute);
  const flat = x.ndim === 0 ? xc.reshape(1) : xc;
  const last = d === shape.length - 1 ? flat : transpose(flat, d, -1);
  const len = last.shape[last.ndim - 1];
  const s = contiguousStorage(last);
  const idx = wrap(backend.argsort(s, last.numel() / len, len, descending), last.shape);
  const back = d === shape.length - 1 ? idx : contiguous(transpose(idx, d, -1));
  return x.ndim === 0 ? back.reshape([]) : back;
}

function checkDim(op: string, x: Tensor, dim: number | undefined): number {
  return normDim(op, dim ?? -1, x.ndim);
}

/**
 * Sorts along a dim: `{ values, indices }` with `values = x.gather(dim, indices)`; stable, NaN
 * last (first when `descending`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const { values, indices } = torch.tensor([3, 1, 2]).sort();
 * assertEquals(values.toArray(), [1, 2, 3]);
 * assertEquals(indices.toArray(), [1, 2, 0]);
 * ```
 */
export function sort(x: Tensor, dimOrOpts?: number | SortOptions, opts?: SortOptions): ValuesIndices {
  return inFrameOf(() => {
    const o = parse(dimOrOpts, opts);
    const d = checkDim("sort", x, o.dim);
    const indices = sortIndices("sort", x, d, o.descending ?? false);
    const values = record("sort", [x], gather(x.detach(), x.ndim === 0 ? 0 : d, indices), {
      dim: d,
      index: indices,
    });
    return { values, indices };
  });
}

/**
 * The int32 indices that sort `x` along a dim (see {@link sort}).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.tensor([3, 1, 2]).argsort({ descending: true }).toArray(), [0, 2, 1]);
 * ```
 */
export function argsort(x: Tensor, dimOrOpts?: number | SortOptions, opts?: SortOptions): Tensor {
  return inFrameOf(() => {
    const o = parse(dimOrOpts, opts);
    return sortIndices("argsort", x, checkDim("argsort", x, o.dim), o.descending ?? false);
  });
}

/**
 * The `k` largest (or smallest) elements along a dim, in order: `{ values, indices }`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const logits = torch.tensor([[0.1, 2.0, 0.7], [1.5, -1.0, 0.2]]);
 * assertEquals(logits.topk(2).indices.toArray(), [[1, 2], [0, 2]]);
 * ```
 */
export function topk(
  x: Tensor,
  k: number,
  dimOrOpts?: number | TopkOptions,
  opts?: TopkOptions,
): ValuesIndices {
  return inFrameOf(() => {
    const o = parse(dimOrOpts, opts);
    const d = checkDim("topk", x, o.dim);
    const size = x.ndim === 0 ? 1 : x.shape[d];
    if (!Number.isInteger(k) || k < 0 || k > size) {
      throw new RangeError(
        `topk: k (${k}) must be an integer in [0, ${size}], the size of dim ${d} of shape ${
          fmtShape(x.shape)
        }`,
      );
    }
    const all = sortIndices("topk", x, d, o.largest ?? true);
    const indices = x.ndim === 0 || k === size ? all : contiguous(narrow(all, d, 0, k));
    const values = record("topk", [x], gather(x.detach(), x.ndim === 0 ? 0 : d, indices), {
      dim: d,
      index: indices,
    });
    return { values, indices };
  });
}
