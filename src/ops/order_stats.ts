/**
 * Order statistics along a dim, built on the stable sort (both devices): `kthvalue`, `mode`,
 * `msort` and `aminmax`. The values are gathered from the input at the returned indices, so
 * their gradient goes to those indices, as PyTorch's `value_selecting_reduction_backward`.
 *
 * Ties: PyTorch's CPU picks among equal values with `std::nth_element` (kthvalue) and
 * `std::sort` (mode), which leave the choice to the implementation. Here the sort is stable, so
 * `kthvalue` returns the index of the k-th element of the row in stable sorted order and `mode`
 * the last occurrence of the most frequent value (the smallest such value when several are as
 * frequent), which is what PyTorch's CPU returns for rows of up to 16 elements.
 * @module
 */
import { fmtShape, normDim } from "../shape.ts";
import { Tensor } from "../tensor.ts";
import { tensor } from "../creation.ts";
import { inFrameOf } from "../memory.ts";
import { describeValue } from "../backends/contract.ts";
import { named } from "./dispatch.ts";
import * as ew from "./elementwise.ts";
import { cat, gather } from "./indexing.ts";
import { narrow, squeeze, unsqueeze } from "./movement.ts";
import { amax, amin, argmax, type ReduceOptions, type ValuesIndices } from "./reduce.ts";
import { argsort, sort } from "./sort.ts";
import { cummax, positionsAlong } from "./scans.ts";
import { asOp } from "./naming.ts";

/** `dim` and `keepdim` of {@link kthvalue} and {@link mode}. */
export interface DimKeepdimOptions {
  /** The dim to reduce (default -1, the last). */
  dim?: number;
  /** Keep the reduced dim with size 1 (default false). */
  keepdim?: boolean;
}

function parseDimOpts(
  op: string,
  x: unknown,
  dimOrOpts: number | DimKeepdimOptions | undefined,
  opts: DimKeepdimOptions | undefined,
): { d: number; keepdim: boolean; x: Tensor } {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: expected a tensor, got ${describeValue(x)}`);
  const o: DimKeepdimOptions = typeof dimOrOpts === "object" && dimOrOpts !== null
    ? { ...dimOrOpts, ...opts }
    : { ...opts, dim: dimOrOpts ?? opts?.dim };
  const dim = o.dim ?? -1;
  if (typeof dim !== "number" || !Number.isInteger(dim)) {
    throw new TypeError(`${op}: dim must be an integer, got ${describeValue(dim)}`);
  }
  if (o.keepdim !== undefined && typeof o.keepdim !== "boolean") {
    throw new TypeError(`${op}: keepdim must be a boolean, got ${describeValue(o.keepdim)}`);
  }
  return { d: normDim(op, dim, x.ndim), keepdim: o.keepdim ?? false, x };
}

/** `x`'s values at `index` (kept dim of size 1 along `d`), squeezed unless `keepdim`, named `name`. */
function select(x: Tensor, d: number, index: Tensor, keepdim: boolean, name: string): ValuesIndices {
  if (x.ndim === 0) {
    return { values: named(gather(x, 0, index.reshape([])), name, x), indices: index.reshape([]) };
  }
  const values = gather(x, d, index);
  return {
    values: named(keepdim ? values : squeeze(values, d), name, x),
    indices: keepdim ? index : squeeze(index, d),
  };
}

/**
 * The `k`-th smallest element (1-based) along `dim` (default -1) and its index, as
 * `{ values, indices }` (int32 indices). NaN counts as larger than every number, as PyTorch.
 * Among equal values the index is that of the k-th element in stable sorted order (PyTorch's CPU
 * choice is implementation-defined). The gradient goes to the selected index.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.tensor([[3, 1, 2], [9, 7, 8]]);
 * const { values, indices } = torch.kthvalue(x, 2, 1);
 * assertEquals(values.toArray(), [2, 8]);
 * assertEquals(indices.toArray(), [2, 2]);
 * assertEquals(x.kthvalue(1, { dim: 0, keepdim: true }).values.toArray(), [[3, 1, 2]]);
 * ```
 */
export function kthvalue(
  x: Tensor,
  k: number,
  dimOrOpts?: number | DimKeepdimOptions,
  opts?: DimKeepdimOptions,
): ValuesIndices {
  return asOp("kthvalue", () =>
    inFrameOf(() => {
      const { d, keepdim } = parseDimOpts("kthvalue", x, dimOrOpts, opts);
      const n = x.ndim === 0 ? 1 : x.shape[d];
      if (n === 0) {
        throw new RangeError(
          `kthvalue: expected reduction dim ${d} to have non-zero size (input shape ${fmtShape(x.shape)})`,
        );
      }
      if (typeof k !== "number" || !Number.isInteger(k) || k < 1 || k > n) {
        throw new RangeError(
          `kthvalue: k must be an integer in [1, ${n}] (the size of dim ${d} of shape ${
            fmtShape(x.shape)
          }), got ${describeValue(k)}`,
        );
      }
      if (x.ndim === 0) {
        return select(x, 0, tensor([0], { dtype: "int32", device: x.device }), keepdim, "KthvalueBackward0");
      }
      const index = narrow(argsort(x.detach(), d), d, k - 1, 1).contiguous();
      return select(x, d, index, keepdim, "KthvalueBackward0");
    }));
}

/**
 * The most frequent value along `dim` (default -1) and the index of its last occurrence, as
 * `{ values, indices }` (int32 indices). When several values are equally frequent, the smallest
 * wins, as PyTorch's CPU; each NaN counts as a value of its own. The gradient goes to the
 * selected index.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const { values, indices } = torch.mode(torch.tensor([[1, 2, 2, 1, 3], [3, 3, 1, 1, 0]]), 1);
 * assertEquals(values.toArray(), [1, 1]);
 * assertEquals(indices.toArray(), [3, 3]);
 * assertEquals(torch.tensor([4, 1, 4]).mode().values.item(), 4);
 * ```
 */
export function mode(
  x: Tensor,
  dimOrOpts?: number | DimKeepdimOptions,
  opts?: DimKeepdimOptions,
): ValuesIndices {
  return asOp("mode", () =>
    inFrameOf(() => {
      const { d, keepdim } = parseDimOpts("mode", x, dimOrOpts, opts);
      if (x.ndim === 0) {
        return select(x, 0, tensor([0], { dtype: "int32", device: x.device }), keepdim, "ModeBackward0");
      }
      const n = x.shape[d];
      if (n === 0) {
        throw new RangeError(
          `mode: expected a non-empty dim ${d} to reduce, got shape ${
            fmtShape(x.shape)
          } (the mode of no values is undefined)`,
        );
      }
      const { values: s, indices: order } = sort(x.detach(), d);
      // Where each run of equal sorted values ends, and how long it is.
      const differs = ew.ne(narrow(s, d, 0, n - 1), narrow(s, d, 1, n - 1));
      const pos = positionsAlong(x.shape, d, x.device);
      const lastCol = narrow(pos, d, n - 1, 1).ge(0);
      const isEnd = cat([differs, lastCol], d);
      const isStart = cat([lastCol, differs], d);
      const start = cummax(ew.where(isStart, pos, 0), d).values;
      const runLength = ew.where(isEnd, ew.add(ew.sub(pos, start), 1), 0);
      // argmax takes the first (smallest) of the most frequent values.
      const best = unsqueeze(argmax(runLength, d), d);
      return select(x, d, gather(order, d, best), keepdim, "ModeBackward0");
    }));
}

/**
 * `x` sorted along its first dim (PyTorch's `torch.msort`, `sort(x, 0).values`); differentiable.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.msort(torch.tensor([[3, 1], [1, 2]])).toArray(), [[1, 1], [3, 2]]);
 * ```
 */
export function msort(x: Tensor): Tensor {
  return asOp("msort", () =>
    inFrameOf(() => {
      if (!(x instanceof Tensor)) throw new TypeError(`msort: expected a tensor, got ${describeValue(x)}`);
      return sort(x, 0).values;
    }));
}

/** The result of {@link aminmax}. */
export interface MinMax {
  /** The minimum. */
  min: Tensor;
  /** The maximum. */
  max: Tensor;
}

/**
 * The minimum and maximum at once, over all elements or along `dim` (PyTorch's
 * `torch.aminmax(input, *, dim=None, keepdim=False)`). PyTorch 1.13 has no gradient for it; this
 * one is `amin`'s and `amax`'s (shared evenly among ties).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const { min, max } = torch.aminmax(torch.tensor([[1, 5], [7, 2]]), { dim: 1 });
 * assertEquals(min.toArray(), [1, 2]);
 * assertEquals(max.toArray(), [5, 7]);
 * assertEquals(torch.tensor([3, -1, 4]).aminmax().max.item(), 4);
 * ```
 */
export function aminmax(x: Tensor, opts: { dim?: number; keepdim?: boolean } = {}): MinMax {
  return asOp("aminmax", () =>
    inFrameOf(() => {
      if (!(x instanceof Tensor)) throw new TypeError(`aminmax: expected a tensor, got ${describeValue(x)}`);
      if (opts === null || typeof opts !== "object") {
        throw new TypeError(
          `aminmax: options must be an object like { dim, keepdim }, got ${describeValue(opts)}`,
        );
      }
      const { dim, keepdim = false } = opts;
      if (dim !== undefined && dim !== null && (typeof dim !== "number" || !Number.isInteger(dim))) {
        throw new TypeError(`aminmax: dim must be an integer, got ${describeValue(dim)}`);
      }
      const hasDim = dim !== undefined && dim !== null;
      const d = hasDim ? normDim("aminmax", dim, x.ndim) : null;
      const size = d === null ? x.numel() : x.ndim === 0 ? 1 : x.shape[d];
      if (size === 0) {
        throw new RangeError(
          `aminmax: cannot compute aminmax over an empty dimension as the operation has no identity ` +
            `(input shape ${fmtShape(x.shape)}${d === null ? "" : `, dim ${d}`})`,
        );
      }
      const o: ReduceOptions = { keepdim };
      if (d !== null) o.dim = d;
      return { min: amin(x, o), max: amax(x, o) };
    }));
}
