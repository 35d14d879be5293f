/**
 * Rearrangements built from views, `cat`, `embed` and `indexSelect`: `repeat`, `tile`,
 * `repeatInterleave`, `meshgrid`, `roll`, `movedim`, `swapaxes`, `diagonal` (a view), `diag` and
 * `trace`. They need no kernels of their own, so they run on every backend, and autograd
 * differentiates them through the ops they are made of.
 * @module
 */
import { contiguousStrides, fmtShape, normDim, shapeArg } from "../shape.ts";
import { Tensor } from "../tensor.ts";
import { makeView, named, record } from "./dispatch.ts";
import { cat, embed, type Geometry, indexSelect } from "./indexing.ts";
import { clone, expand, narrow, permute, reshape, transpose } from "./movement.ts";
import { sum } from "./reduce.ts";
import { inFrameOf } from "../memory.ts";
import { tensor } from "../creation.ts";

/**
 * Repeats the tensor `sizes[i]` times along each dim (PyTorch's `Tensor.repeat`); `sizes` may add
 * leading dims. Always a copy.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.tensor([1, 2]).repeat(2, 2).toArray(), [[1, 2, 1, 2], [1, 2, 1, 2]]);
 * ```
 */
export function repeat(x: Tensor, ...sizes: (number | readonly number[])[]): Tensor {
  return inFrameOf(() => {
    const reps = shapeArg("repeat", sizes);
    if (reps.length < x.ndim) {
      throw new RangeError(
        `repeat: number of dimensions of repeat dims (${reps.length}) can not be smaller than number of ` +
          `dimensions of tensor (${x.ndim}, shape ${fmtShape(x.shape)})`,
      );
    }
    const shape = [...Array(reps.length - x.ndim).fill(1), ...x.shape];
    // [s0, s1, ...] -> [1, s0, 1, s1, ...] -> expand to [r0, s0, r1, s1, ...] -> [r0*s0, r1*s1, ...].
    const spread = reshape(x, shape.flatMap((s) => [1, s]));
    const expanded = expand(spread, shape.flatMap((s, i) => [reps[i], s]));
    const out = reshape(expanded, shape.map((s, i) => s * reps[i]));
    // reshape gives a view of x when the repeats only broadcast size-1 dims; repeat always copies.
    return named(out._storage === x._storage ? clone(out) : out, "RepeatBackward0", x);
  });
}

/**
 * Repeats the tensor along each dim like {@link repeat}, with fewer `dims` than the tensor has
 * padded by leading 1s (PyTorch's `torch.tile`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.tensor([[1, 2]]).tile([2]).toArray(), [[1, 2, 1, 2]]);
 * ```
 */
export function tile(x: Tensor, dims: readonly number[]): Tensor {
  return inFrameOf(() => {
    const reps = shapeArg("tile", [dims]);
    return repeat(x, [...Array(Math.max(0, x.ndim - reps.length)).fill(1), ...reps]);
  });
}

/**
 * Repeats each element `repeats` times along `dim`, next to itself (PyTorch's
 * `torch.repeat_interleave`): `repeats` is one count for every element or one per element along
 * `dim` (numbers, or a CPU tensor; a GPU tensor's counts must be read first with `dataAsync`);
 * without `dim` the tensor is flattened first. As in PyTorch, the result is an `indexSelect`
 * (its `gradFn` is `IndexSelectBackward0`). With `repeats` alone as a tensor of counts, returns
 * the indices `0, 1, ...` each repeated its count (`torch.repeat_interleave(repeats)`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.tensor([[1, 2], [3, 4]]);
 * assertEquals(x.repeatInterleave(2).toArray(), [1, 1, 2, 2, 3, 3, 4, 4]);
 * assertEquals(x.repeatInterleave([1, 2], 0).toArray(), [[1, 2], [3, 4], [3, 4]]);
 * assertEquals(torch.repeatInterleave(torch.tensor([2, 0, 1])).toArray(), [0, 0, 2]);
 * ```
 */
export function repeatInterleave(
  x: Tensor,
  repeats?: number | readonly number[] | Tensor,
  dim?: number,
): Tensor {
  return inFrameOf(() => {
    if (repeats === undefined) {
      // torch.repeat_interleave(repeats): the indices of the counts, each repeated its count.
      if (x.ndim > 1) {
        throw new RangeError(`repeatInterleave: repeats must be 0-d or 1-d, got shape ${fmtShape(x.shape)}`);
      }
      return tensor(repeatedIndices(repeatCounts(x, x.numel())), { device: x.device });
    }
    const input = dim === undefined || x.ndim === 0 ? reshape(x, [-1]) : x;
    const d = dim === undefined ? 0 : normDim("repeatInterleave", dim, Math.max(1, x.ndim));
    const size = input.shape[d];
    const index = repeatedIndices(repeatCounts(repeats, size));
    return indexSelect(input, d, tensor(index, { device: input.device }));
  });
}

/** `0, 1, ...`, each index `i` repeated `counts[i]` times. */
function repeatedIndices(counts: readonly number[]): Int32Array {
  const index = new Int32Array(counts.reduce((a, c) => a + c, 0));
  let at = 0;
  counts.forEach((c, i) => {
    index.fill(i, at, at + c);
    at += c;
  });
  return index;
}

/** The per-element counts of repeatInterleave's `repeats` for a dim of `size` (checked). */
function repeatCounts(repeats: number | readonly number[] | Tensor, size: number): number[] {
  let counts: number[];
  if (typeof repeats === "number") counts = [repeats];
  else if (repeats instanceof Tensor) {
    if (repeats.ndim > 1 || repeats.dtype === "bool" || repeats.dtype.startsWith("float")) {
      throw new TypeError(
        `repeatInterleave: repeats must be an integer tensor of 0 or 1 dims, got ${repeats.dtype} of shape ` +
          fmtShape(repeats.shape),
      );
    }
    counts = Array.from(repeats.dataSync() as ArrayLike<number>, Number);
  } else counts = [...repeats];
  for (const c of counts) {
    if (typeof c !== "number" || !Number.isInteger(c) || c < 0) {
      throw new RangeError(`repeatInterleave: repeats must be non-negative integers, got ${c}`);
    }
  }
  if (counts.length === 1) return Array<number>(size).fill(counts[0]);
  if (counts.length !== size) {
    throw new RangeError(
      `repeatInterleave: repeats must have the same size as input along dim (${counts.length} counts ` +
        `for a dim of size ${size})`,
    );
  }
  return counts;
}

/**
 * Coordinate grids of 1-d tensors (PyTorch's `torch.meshgrid`): with `indexing: "ij"` (the
 * default, as in PyTorch 1.13) output `i` has shape `[n0, n1, ...]` and varies along dim `i`; with
 * `"xy"` the first two dims are swapped (`[n1, n0, ...]`), as NumPy's `meshgrid`. The outputs
 * are expanded views of the inputs (no copy), so gradients flow back to them.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const [gx, gy] = torch.meshgrid([torch.tensor([1, 2, 3]), torch.tensor([4, 5])]);
 * assertEquals(gx.toArray(), [[1, 1], [2, 2], [3, 3]]);
 * assertEquals(gy.toArray(), [[4, 5], [4, 5], [4, 5]]);
 * ```
 */
export function meshgrid(tensors: readonly Tensor[], opts: { indexing?: "ij" | "xy" } = {}): Tensor[] {
  return inFrameOf(() => {
    const indexing = opts.indexing ?? "ij";
    if (indexing !== "ij" && indexing !== "xy") {
      throw new TypeError(`meshgrid: indexing must be "ij" or "xy", got ${JSON.stringify(indexing)}`);
    }
    if (tensors.length === 0) throw new RangeError("meshgrid: expects a non-empty list of tensors");
    tensors.forEach((t, i) => {
      if (t.ndim > 1) {
        throw new RangeError(
          `meshgrid: expects 0-d or 1-d tensors, tensor ${i} has shape ${fmtShape(t.shape)}`,
        );
      }
      if (t.dtype !== tensors[0].dtype || t.device !== tensors[0].device) {
        throw new TypeError(
          `meshgrid: expects all tensors to have the same dtype and device, tensor ${i} is ${t.dtype} on ` +
            `${t.device}, tensor 0 ${tensors[0].dtype} on ${tensors[0].device}`,
        );
      }
    });
    const swap = indexing === "xy" && tensors.length >= 2;
    // Output dim of input i (and input of output dim i: swapping the first two is its own inverse).
    const order = tensors.map((_, i) => (swap && i < 2 ? 1 - i : i));
    const sizes = order.map((i) => tensors[i].numel());
    return tensors.map((t, i) => {
      const at = order[i];
      const shape = sizes.map((_, j) => (j === at ? sizes[j] : 1));
      return expand(reshape(t, shape), sizes);
    });
  });
}

/**
 * Rotates elements along `dims` by `shifts` (elements pushed off the end come back at the start);
 * without `dims`, rolls the flattened tensor and restores the shape.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.tensor([1, 2, 3, 4]).roll(1).toArray(), [4, 1, 2, 3]);
 * ```
 */
export function roll(
  x: Tensor,
  shifts: number | readonly number[],
  dims?: number | readonly number[],
): Tensor {
  return inFrameOf(() => {
    const shiftList = typeof shifts === "number" ? [shifts] : [...shifts];
    shiftList.forEach((s) => {
      if (!Number.isInteger(s)) throw new TypeError(`roll: shifts must be integers, got ${s}`);
    });
    if (dims === undefined) {
      if (shiftList.length !== 1) {
        throw new RangeError(
          `roll: without dims, shifts must be a single number, got [${shiftList.join(", ")}]`,
        );
      }
      const flat = reshape(x, -1);
      return named(reshape(roll(flat, shiftList[0], 0), x.shape), "RollBackward0", x);
    }
    const dimList = typeof dims === "number" ? [dims] : [...dims];
    if (dimList.length !== shiftList.length) {
      throw new RangeError(
        `roll: shifts and dimensions must align, got shifts [${shiftList.join(", ")}] and dims [${
          dimList.join(", ")
        }]`,
      );
    }
    let out = x;
    dimList.forEach((dim, i) => {
      const d = normDim("roll", dim, x.ndim);
      const n = x.shape[d];
      const s = n === 0 ? 0 : ((shiftList[i] % n) + n) % n;
      if (s === 0) return;
      out = cat([narrow(out, d, n - s, s), narrow(out, d, 0, n - s)], d);
    });
    return named(out === x ? clone(x) : out, "RollBackward0", x);
  });
}

/**
 * Moves dims `source` to positions `destination`, keeping the other dims in order (a view).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.zeros(2, 3, 4).movedim(0, -1).shape, [3, 4, 2]);
 * ```
 */
export function movedim(
  x: Tensor,
  source: number | readonly number[],
  destination: number | readonly number[],
): Tensor {
  return inFrameOf(() => {
    const src = (typeof source === "number" ? [source] : [...source]).map((d) =>
      normDim("movedim", d, x.ndim)
    );
    const dst = (typeof destination === "number" ? [destination] : [...destination]).map((d) =>
      normDim("movedim", d, x.ndim)
    );
    if (src.length !== dst.length) {
      throw new RangeError(
        `movedim: Invalid source or destination dims: source ([${
          src.join(", ")
        }] dims) should contain the same ` +
          `number of dims as destination ([${dst.join(", ")}] dims)`,
      );
    }
    for (const [name, list] of [["source", src], ["destination", dst]] as const) {
      if (new Set(list).size !== list.length) {
        throw new RangeError(`movedim: repeated dim in \`${name}\` ([${list.join(", ")}])`);
      }
    }
    const order: (number | null)[] = Array(x.ndim).fill(null);
    src.forEach((s, i) => order[dst[i]] = s);
    const rest = [...Array(x.ndim).keys()].filter((d) => !src.includes(d));
    const perm = order.map((d) => d ?? rest.shift()!);
    return permute(x, perm);
  });
}

/**
 * Swaps two dims: PyTorch's `swapaxes`/`swapdims`, the same view as {@link transpose}.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.zeros(2, 3).swapaxes(0, 1).shape, [3, 2]);
 * ```
 */
export function swapaxes(x: Tensor, axis0: number, axis1: number): Tensor {
  return inFrameOf(() => {
    return transpose(x, axis0, axis1);
  });
}

/** Shape, strides and offset of the `offset` diagonal of dims `d1`, `d2` in a layout. */
function diagonalGeometry(
  shape: readonly number[],
  strides: readonly number[],
  start: number,
  offset: number,
  d1: number,
  d2: number,
): Geometry {
  const len = Math.max(
    0,
    offset >= 0 ? Math.min(shape[d1], shape[d2] - offset) : Math.min(shape[d1] + offset, shape[d2]),
  );
  const keep = shape.map((_, i) => i).filter((i) => i !== d1 && i !== d2);
  return {
    shape: [...keep.map((i) => shape[i]), len],
    strides: [...keep.map((i) => strides[i]), strides[d1] + strides[d2]],
    offset: len === 0 ? start : start + (offset >= 0 ? offset * strides[d2] : -offset * strides[d1]),
  };
}

/**
 * The diagonal of dims `dim1` and `dim2` as a view, moved to the last dim (`offset` > 0 above the
 * main diagonal, < 0 below). Writing into it writes into the tensor.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.tensor([[1, 2], [3, 4]]).diagonal().toArray(), [1, 4]);
 * ```
 */
export function diagonal(x: Tensor, offset = 0, dim1 = 0, dim2 = 1): Tensor {
  return inFrameOf(() => {
    if (!Number.isInteger(offset)) throw new TypeError(`diagonal: offset must be an integer, got ${offset}`);
    const d1 = normDim("diagonal", dim1, x.ndim), d2 = normDim("diagonal", dim2, x.ndim);
    if (x.ndim < 2 || d1 === d2) {
      throw new RangeError(
        `diagonal: dimensions cannot be identical ${dim1}, ${dim2} (input of shape ${fmtShape(x.shape)}` +
          `${x.ndim < 2 ? ", which needs at least 2 dims" : ""})`,
      );
    }
    const v = diagonalGeometry(x.shape, x._strides, x._offset, offset, d1, d2);
    const geometry = diagonalGeometry(x.shape, contiguousStrides(x.shape), 0, offset, d1, d2);
    return record("diagonal", [x], makeView(x, v.shape, v.strides, v.offset), {
      inputShape: x.shape,
      geometry,
    });
  });
}

/**
 * PyTorch's `torch.diag`: a 1-d tensor becomes a square matrix with it on the `diagonal`-th
 * diagonal; a 2-d tensor gives a copy of that diagonal.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.diag(torch.tensor([1, 2])).toArray(), [[1, 0], [0, 2]]);
 * ```
 */
export function diag(x: Tensor, diagonalIndex = 0): Tensor {
  return inFrameOf(() => {
    if (!Number.isInteger(diagonalIndex)) {
      throw new TypeError(`diag: diagonal must be an integer, got ${diagonalIndex}`);
    }
    if (x.ndim === 2) return named(clone(diagonal(x, diagonalIndex)), "DiagBackward0", x);
    if (x.ndim !== 1) {
      throw new RangeError(`diag: expected a 1-d or 2-d tensor, got shape ${fmtShape(x.shape)}`);
    }
    const m = x.shape[0] + Math.abs(diagonalIndex);
    const shape = [m, m];
    const g = diagonalGeometry(shape, contiguousStrides(shape), 0, diagonalIndex, 0, 1);
    return named(embed(x, shape, g), "DiagBackward0", x);
  });
}

/**
 * Sum of the main diagonal of a 2-d tensor.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.tensor([[1, 2], [3, 4]]).trace().item(), 5);
 * ```
 */
export function trace(x: Tensor): Tensor {
  return inFrameOf(() => {
    if (x.ndim !== 2) throw new RangeError(`trace: expected a matrix, but got tensor with dim ${x.ndim}`);
    return named(sum(diagonal(x)), "TraceBackward0", x);
  });
}
