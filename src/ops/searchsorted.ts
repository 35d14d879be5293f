/**
 * `searchsorted` and `bucketize`: where values would go in sorted sequences, by binary search in
 * a kernel on both devices (one invocation per value). Positions are int32, the dtype edgetorch
 * gives integer results (PyTorch's default here is int64; `outInt32` is accepted for parity).
 * @module
 */
import { computeDType, promoteTypes } from "../dtype.ts";
import { fmtShape } from "../shape.ts";
import { Tensor } from "../tensor.ts";
import { describeValue } from "../backends/contract.ts";
import { tensor } from "../creation.ts";
import { inFrameOf } from "../memory.ts";
import { backendOf, storageAs, wrap } from "./dispatch.ts";
import { guarded, rangeGuard } from "./value_checks.ts";

/** Options of {@link searchsorted}. */
export interface SearchsortedOptions {
  /** `false` (default): the first position whose element is `>= v`; `true`: `> v`. */
  right?: boolean;
  /** `"left"` or `"right"`, the same choice spelled as a string; must agree with `right` if both are given. */
  side?: "left" | "right";
  /** Indices (int) that sort each row of the sequence, when the sequence is not sorted itself. */
  sorter?: Tensor;
  /** Accepted for PyTorch parity: the result is int32 either way. */
  outInt32?: boolean;
}

function checkOptions(op: string, opts: unknown): void {
  if (opts === null || typeof opts !== "object") {
    throw new TypeError(
      `${op}: options must be an object like { right, side, sorter }, got ${describeValue(opts)}`,
    );
  }
}

/**
 * For each value, its position in the sorted last dim of `sortedSequence` (PyTorch's
 * `torch.searchsorted`): the index of the first element `>= v` (or `> v` with `right`), so
 * inserting `v` there keeps the row sorted. A 1-D sequence serves every value; an N-D one pairs
 * its rows with the rows of `values` (the leading dims must match). NaN values go to the end, as
 * PyTorch. The result has `values`' shape (0-d for a number), int32; not differentiable.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const seq = torch.tensor([1, 3, 5, 7, 9]);
 * assertEquals(torch.searchsorted(seq, torch.tensor([3, 6, 9])).toArray(), [1, 3, 4]);
 * assertEquals(torch.searchsorted(seq, torch.tensor([3, 6, 9]), { right: true }).toArray(), [2, 3, 5]);
 * const rows = torch.tensor([[1, 3, 5], [2, 4, 6]]);
 * assertEquals(torch.searchsorted(rows, torch.tensor([[3], [3]])).toArray(), [[1], [1]]);
 * ```
 */
export function searchsorted(
  sortedSequence: Tensor,
  values: Tensor | number,
  opts: SearchsortedOptions = {},
): Tensor {
  return inFrameOf(() => search("searchsorted", sortedSequence, values, opts));
}

/**
 * The index of the bucket each element of `input` falls in, given sorted 1-D `boundaries`
 * (PyTorch's `torch.bucketize`): with `right` false (default) `boundaries[i-1] < x <=
 * boundaries[i]`, with `right` true `boundaries[i-1] <= x < boundaries[i]`. int32, `input`'s shape.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const bounds = torch.tensor([1, 3, 5, 7, 9]);
 * assertEquals(torch.bucketize(torch.tensor([[3, 6, 9], [3, 6, 9]]), bounds).toArray(), [[1, 3, 4], [1, 3, 4]]);
 * assertEquals(torch.tensor([3, 6, 9]).bucketize(bounds, { right: true }).toArray(), [2, 3, 5]);
 * ```
 */
export function bucketize(
  input: Tensor | number,
  boundaries: Tensor,
  opts: { right?: boolean; outInt32?: boolean } = {},
): Tensor {
  return inFrameOf(() => {
    checkOptions("bucketize", opts);
    if (!(boundaries instanceof Tensor)) {
      throw new TypeError(`bucketize: boundaries must be a tensor, got ${describeValue(boundaries)}`);
    }
    if (boundaries.ndim !== 1) {
      throw new RangeError(
        `bucketize: boundaries tensor must be 1 dimension, but got dim(${boundaries.ndim})`,
      );
    }
    return search("bucketize", boundaries, input, { right: opts.right, outInt32: opts.outInt32 });
  });
}

function search(op: string, seq: Tensor, values: Tensor | number, opts: SearchsortedOptions): Tensor {
  checkOptions(op, opts);
  if (!(seq instanceof Tensor)) {
    throw new TypeError(`${op}: sortedSequence must be a tensor, got ${describeValue(seq)}`);
  }
  if (!(values instanceof Tensor) && typeof values !== "number") {
    throw new TypeError(`${op}: values must be a tensor or a number, got ${describeValue(values)}`);
  }
  const { side, sorter } = opts;
  if (opts.right !== undefined && typeof opts.right !== "boolean") {
    throw new TypeError(`${op}: right must be a boolean, got ${describeValue(opts.right)}`);
  }
  if (side !== undefined && side !== "left" && side !== "right") {
    throw new TypeError(`${op}: side can only be 'left' or 'right' but got ${describeValue(side)}`);
  }
  if (side === "left" && opts.right === true) {
    throw new TypeError(
      `${op}: side and right can't be set to opposites, got side of left while right was True`,
    );
  }
  const right = side === undefined ? opts.right ?? false : side === "right";
  if (seq.ndim === 0) {
    throw new RangeError(`${op}: boundaries tensor should have positive dimension, but got 0 dimension`);
  }
  const v = values instanceof Tensor ? values : tensor(values, { device: seq.device });
  if (v.device !== seq.device) {
    throw new Error(`${op}: values are on ${v.device} but the sequence is on ${seq.device}`);
  }
  const len = seq.shape[seq.ndim - 1];
  let rows = 1, perRow = 0;
  if (seq.ndim > 1) {
    if (v.ndim === 0) {
      throw new RangeError(
        `${op}: input value can be a scalar only when boundaries tensor dimension is 1, but we got boundaries tensor dim(${seq.ndim}) and input value's dim(0)`,
      );
    }
    const lead = seq.shape.slice(0, -1), vLead = v.shape.slice(0, -1);
    if (lead.length !== vLead.length || lead.some((s, i) => s !== vLead[i])) {
      throw new RangeError(
        `${op}: boundaries tensor should be 1 dimension or the first N-1 dimensions of boundaries tensor and input value tensor must match, but we got boundaries tensor ${
          fmtShape(seq.shape)
        } and input value tensor ${fmtShape(v.shape)}`,
      );
    }
    rows = seq.numel() / Math.max(len, 1);
    if (len === 0) rows = lead.reduce((a, b) => a * b, 1);
    perRow = v.shape[v.ndim - 1];
  }
  let guard: Tensor | null = null;
  if (sorter !== undefined && sorter !== null) {
    if (!(sorter instanceof Tensor)) {
      throw new TypeError(`${op}: sorter must be a tensor, got ${describeValue(sorter)}`);
    }
    if (sorter.dtype !== "int32" && sorter.dtype !== "uint8") {
      throw new TypeError(
        `${op}: sorter must be a tensor of long dtype (int32 here) but got ${sorter.dtype}`,
      );
    }
    if (sorter.shape.length !== seq.shape.length || sorter.shape.some((s, i) => s !== seq.shape[i])) {
      throw new RangeError(
        `${op}: boundaries and sorter must have the same size, but got boundaries tensor ${
          fmtShape(seq.shape)
        } and sorter tensor ${fmtShape(sorter.shape)}`,
      );
    }
    if (sorter.device !== seq.device) {
      throw new Error(`${op}: sorter is on ${sorter.device} but the sequence is on ${seq.device}`);
    }
    const message = (bad: number) =>
      `${op}: sorter index out of range: ${bad} (each row has ${len} elements)`;
    if (sorter.device === "cpu") {
      const bad = Array.from(sorter.dataSync()).find((i) => !(i >= 0 && i < len));
      if (bad !== undefined) throw new RangeError(message(bad));
    } else guard = rangeGuard(op, sorter, 0, len - 1, message, { dtype: "int32" });
  }
  const backend = backendOf(op, seq, v);
  const compute = computeDType(promoteTypes(seq.dtype, v.dtype));
  const s = backend.searchsorted(storageAs(seq, compute), storageAs(v, compute), {
    rows,
    len,
    perRow,
    right,
    sorter: sorter ? storageAs(sorter, "int32") : null,
  });
  return guarded(wrap(s, v.shape), guard);
}
