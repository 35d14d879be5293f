/**
 * Map-style data sets: `Dataset` (subclass it with `getItem(i)` and `length`), `TensorDataset`,
 * `Subset`, `ConcatDataset` and `randomSplit`, as in `torch.utils.data`.
 * @module
 */
import { randperm, tensor } from "../creation.ts";
import { cat } from "../ops/indexing.ts";
import type { Generator } from "../random.ts";
import { Tensor } from "../tensor.ts";

/**
 * Anything the `DataLoader` can read from: a `length` and `getItem(i)` for `0 <= i < length`.
 * `getItem` may return a Promise (iterate the loader with `for await` then).
 */
export interface DatasetLike<T> {
  /** Number of items. */
  readonly length: number;
  /** The item at `index` (`0 <= index < length`). */
  getItem(index: number): T;
}

/**
 * @internal Batched fetch: data sets that can build a whole collated batch at once (one
 * `indexSelect` per tensor instead of stacking rows) implement this. It returns `null` when it
 * cannot (a per-item transform is set, for instance), and the loader falls back to `getItem` +
 * `defaultCollate`. The result must equal `defaultCollate(indices.map(getItem))`.
 */
export const FETCH_BATCH: unique symbol = Symbol("edgetorch.data.fetchBatch");

/** @internal A data set that implements {@link FETCH_BATCH}. */
export interface BatchFetcher {
  [FETCH_BATCH](indices: Int32Array): unknown | null;
}

/** @internal True when `ds` can build batches itself. */
export function canFetchBatch(ds: unknown): ds is BatchFetcher {
  return ds !== null && typeof ds === "object" && typeof (ds as BatchFetcher)[FETCH_BATCH] === "function";
}

/**
 * @internal Rows `indices` of `t` (along dim 0) as a new tensor: `t.indexSelect(0, indices)`.
 *
 * The CPU backend's gather kernel stages the whole source storage into wasm memory on every call,
 * so for a large source (Fashion-MNIST as float32 is 188 MB) one `indexSelect` costs ~9 ms
 * whatever the batch size, while copying the rows as runs of consecutive indices (one strided
 * copy each, a plain `TypedArray.set` on the CPU) costs ~0.5 us per run. Small sources use
 * `indexSelect`; large ones the runs (a sequential loader's batch is a single run).
 */
export function selectRows(t: Tensor, indices: Int32Array): Tensor {
  const n = indices.length;
  const sourceBytes = t.numel() * t.elementSize();
  if (t.device !== "cpu" || n === 0 || sourceBytes <= n * 8192) {
    return t.indexSelect(0, tensor(indices, { dtype: "int32", device: t.device }));
  }
  const rows = t.shape[0];
  const parts: Tensor[] = [];
  for (let k = 0; k < n;) {
    let j = k + 1;
    while (j < n && indices[j] === indices[j - 1] + 1) j++;
    const start = indices[k];
    if (start < 0 || start >= rows || indices[j - 1] >= rows) {
      throw new RangeError(
        `index ${start < 0 || start >= rows ? start : indices[j - 1]} is out of range for ${rows} rows`,
      );
    }
    parts.push(t.narrow(0, start, j - k));
    k = j;
  }
  return cat(parts, 0);
}

/**
 * Checks `index` against `length` and returns it normalised (negative indices count from the
 * end, as in Python).
 */
export function checkIndex(op: string, index: number, length: number): number {
  if (typeof index !== "number" || !Number.isInteger(index)) {
    throw new TypeError(
      `${op}: index must be an integer, got ${typeof index === "number" ? index : typeof index}`,
    );
  }
  const i = index < 0 ? index + length : index;
  if (i < 0 || i >= length) {
    throw new RangeError(`${op}: index ${index} is out of range for a data set of length ${length}`);
  }
  return i;
}

/**
 * The base of map-style data sets: subclasses implement `getItem(i)` and `length`, like
 * PyTorch's `__getitem__` and `__len__`. Data sets are iterable (`for (const item of ds)`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { Dataset } from "./dataset.ts";
 * class Squares extends Dataset<[torch.Tensor, number]> {
 *   readonly length = 10;
 *   getItem(i: number): [torch.Tensor, number] {
 *     return [torch.tensor([i]), i * i];
 *   }
 * }
 * const ds = new Squares();
 * assertEquals([ds.length, ds.getItem(3)[1]], [10, 9]);
 * ```
 */
export abstract class Dataset<T> implements DatasetLike<T> {
  /** Number of items. */
  abstract readonly length: number;
  /** The item at `index` (`0 <= index < length`). */
  abstract getItem(index: number): T;
  /** Iterates the items in order. */
  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = 0; i < this.length; i++) yield this.getItem(i);
  }
  /**
   * The items at `indices`, in that order (PyTorch's `__getitems__`; negative indices count from
   * the end).
   * @example
   * ```ts
   * import { deepStrictEqual as assertEquals } from "node:assert/strict";
   * import * as torch from "../../mod.ts";
   * import { TensorDataset } from "./dataset.ts";
   * const ds = new TensorDataset(torch.arange(10));
   * assertEquals(ds.getItems([9, 0, -2]).map(([x]) => x.item()), [9, 0, 8]);
   * ```
   */
  getItems(indices: ArrayLike<number>): T[] {
    if (indices === null || typeof indices !== "object" || typeof indices.length !== "number") {
      throw new TypeError("getItems: expected an array of indices");
    }
    const n = this.length;
    return Array.from(indices, (i, k) => this.getItem(checkIndex(`getItems: indices[${k}]`, i, n)));
  }
  /**
   * The items `start`, `start + step`, ... before `end`, as a data set (a `Subset` of this one):
   * Python's `ds[start:end:step]` bounds (negative values count from the end, out-of-range ones are
   * clamped; `step` is a positive integer, default 1). A `TensorDataset` returns a `TensorDataset`
   * of views, so `ds.slice(0, 10).tensors` is PyTorch's `ds[0:10]`.
   * @example
   * ```ts
   * import { deepStrictEqual as assertEquals } from "node:assert/strict";
   * import * as torch from "../../mod.ts";
   * import { TensorDataset } from "./dataset.ts";
   * const ds = new TensorDataset(torch.arange(10));
   * assertEquals([ds.slice(2, 5).tensors[0].toArray(), ds.slice(-2).length], [[2, 3, 4], 2]);
   * ```
   */
  slice(start?: number, end?: number, step?: number): Dataset<T> {
    const [s, e, st] = sliceBounds("slice", this.length, start, end, step);
    const idx: number[] = [];
    for (let i = s; i < e; i += st) idx.push(i);
    return new Subset<T>(this, idx);
  }
}

/** @internal Python slice bounds `[start, end)` of a sequence of `length`, with a positive `step`. */
export function sliceBounds(
  op: string,
  length: number,
  start?: number,
  end?: number,
  step?: number,
): [number, number, number] {
  const norm = (name: string, v: number | undefined, dflt: number): number => {
    if (v === undefined || v === null) return dflt;
    if (typeof v !== "number" || !Number.isInteger(v)) {
      throw new TypeError(`${op}: ${name} must be an integer, got ${typeof v === "number" ? v : typeof v}`);
    }
    return Math.min(Math.max(v < 0 ? v + length : v, 0), length);
  };
  const st = step ?? 1;
  if (typeof st !== "number" || !Number.isInteger(st) || st < 1) {
    throw new RangeError(`${op}: step must be a positive integer, got ${st}`);
  }
  return [norm("start", start, 0), norm("end", end, length), st];
}

/**
 * Wraps tensors that share their first dimension; item `i` is `[t0[i], t1[i], ...]`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { TensorDataset } from "./dataset.ts";
 * const ds = new TensorDataset(torch.randn(100, 3), torch.randint(0, 2, [100]));
 * const [x, y] = ds.getItem(0);
 * assertEquals([ds.length, x.shape, y.shape], [100, [3], []]);
 * ```
 */
export class TensorDataset extends Dataset<Tensor[]> {
  /** The wrapped tensors. */
  readonly tensors: readonly Tensor[];
  readonly #length: number;

  /** Wraps `tensors`; they must all have the same size in dimension 0. */
  constructor(...tensors: Tensor[]) {
    super();
    if (tensors.length === 0) throw new TypeError("TensorDataset: expected at least one tensor");
    tensors.forEach((t, i) => {
      if (!(t instanceof Tensor)) throw new TypeError(`TensorDataset: argument ${i} is not a tensor`);
      if (t.ndim === 0) {
        throw new RangeError(`TensorDataset: tensor ${i} is 0-d; every tensor needs a first dimension`);
      }
    });
    const n = tensors[0].shape[0];
    tensors.forEach((t, i) => {
      if (t.shape[0] !== n) {
        throw new RangeError(
          `TensorDataset: size mismatch between tensors: tensor 0 has ${n} rows (shape [${
            tensors[0].shape
          }]) ` +
            `but tensor ${i} has ${t.shape[0]} (shape [${t.shape}])`,
        );
      }
    });
    this.tensors = Object.freeze([...tensors]);
    this.#length = n;
  }
  /** Number of rows. */
  get length(): number {
    return this.#length;
  }
  /** `[t0[i], t1[i], ...]` (views of the rows). */
  getItem(index: number): Tensor[] {
    const i = checkIndex("TensorDataset", index, this.#length);
    return this.tensors.map((t) => t.index(i));
  }
  /** @internal One `indexSelect` (or run copy, see `selectRows`) per tensor. */
  [FETCH_BATCH](indices: Int32Array): Tensor[] {
    return this.tensors.map((t) => selectRows(t, indices));
  }
  /**
   * Rows `start`, `start + step`, ... before `end` of every tensor, as a `TensorDataset` of views
   * (no copy): `ds.slice(a, b).tensors` is PyTorch's `ds[a:b]`. Bounds as Python's slices.
   * @example
   * ```ts
   * import { deepStrictEqual as assertEquals } from "node:assert/strict";
   * import * as torch from "../../mod.ts";
   * import { TensorDataset } from "./dataset.ts";
   * const ds = new TensorDataset(torch.arange(10), torch.arange(10).mul(2));
   * const [x, y] = ds.slice(0, 6, 2).tensors;
   * assertEquals([x.toArray(), y.toArray()], [[0, 2, 4], [0, 4, 8]]);
   * ```
   */
  override slice(start?: number, end?: number, step?: number): TensorDataset {
    const [s, e, st] = sliceBounds("TensorDataset.slice", this.#length, start, end, step);
    const count = Math.max(0, Math.ceil((e - s) / st));
    return new TensorDataset(...this.tensors.map((t) => sliceRows(t, s, count, st)));
  }
}

/** Rows `start, start + step, ...` (`count` of them) of `t` as a view. */
function sliceRows(t: Tensor, start: number, count: number, step: number): Tensor {
  if (count === 0) return t.narrow(0, 0, 0);
  return t.index(`${start}:${start + (count - 1) * step + 1}:${step}`);
}

/**
 * The items of `dataset` at `indices`, in that order.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { Subset, TensorDataset } from "./dataset.ts";
 * const ds = new TensorDataset(torch.arange(10));
 * const sub = new Subset(ds, [9, 0, 5]);
 * assertEquals([sub.length, sub.getItem(0)[0].item()], [3, 9]);
 * ```
 */
export class Subset<T> extends Dataset<T> {
  /** The underlying data set. */
  readonly dataset: DatasetLike<T>;
  /** Indices into `dataset`. */
  readonly indices: Int32Array;

  /** The items of `dataset` at `indices` (negative indices count from the end). */
  constructor(dataset: DatasetLike<T>, indices: ArrayLike<number>) {
    super();
    if (!dataset || typeof dataset.getItem !== "function") {
      throw new TypeError("Subset: expected a data set (an object with length and getItem)");
    }
    const n = dataset.length;
    const idx = new Int32Array(indices.length);
    for (let k = 0; k < indices.length; k++) idx[k] = checkIndex(`Subset: indices[${k}]`, indices[k], n);
    this.dataset = dataset;
    this.indices = idx;
  }
  /** Number of indices. */
  get length(): number {
    return this.indices.length;
  }
  /** `dataset.getItem(indices[index])`. */
  getItem(index: number): T {
    return this.dataset.getItem(this.indices[checkIndex("Subset", index, this.indices.length)]);
  }
  /** @internal Delegates to the underlying data set when it can build batches. */
  [FETCH_BATCH](indices: Int32Array): unknown | null {
    if (!canFetchBatch(this.dataset)) return null;
    const mapped = new Int32Array(indices.length);
    for (let k = 0; k < indices.length; k++) mapped[k] = this.indices[indices[k]];
    return this.dataset[FETCH_BATCH](mapped);
  }
}

/**
 * Data sets one after another (PyTorch's `ds1 + ds2`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { ConcatDataset, TensorDataset } from "./dataset.ts";
 * const ds = new ConcatDataset([new TensorDataset(torch.zeros(3)), new TensorDataset(torch.ones(2))]);
 * assertEquals([ds.length, ds.getItem(4)[0].item()], [5, 1]);
 * ```
 */
export class ConcatDataset<T> extends Dataset<T> {
  /** The parts. */
  readonly datasets: readonly DatasetLike<T>[];
  /** Running totals of the parts' lengths. */
  readonly cumulativeSizes: readonly number[];

  /** Concatenates `datasets`, in order. */
  constructor(datasets: readonly DatasetLike<T>[]) {
    super();
    if (!Array.isArray(datasets) || datasets.length === 0) {
      throw new TypeError("ConcatDataset: expected a non-empty array of data sets");
    }
    let total = 0;
    this.cumulativeSizes = datasets.map((d) => (total += d.length));
    this.datasets = [...datasets];
  }
  /** Sum of the parts' lengths. */
  get length(): number {
    return this.cumulativeSizes[this.cumulativeSizes.length - 1];
  }
  /** The item `index` counting through the parts in order. */
  getItem(index: number): T {
    const i = checkIndex("ConcatDataset", index, this.length);
    let lo = 0, hi = this.cumulativeSizes.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulativeSizes[mid] > i) hi = mid;
      else lo = mid + 1;
    }
    const start = lo === 0 ? 0 : this.cumulativeSizes[lo - 1];
    return this.datasets[lo].getItem(i - start);
  }
}

/** Options of `randomSplit`. */
export interface RandomSplitOptions {
  /** The generator to draw the permutation from (default: the global one, see `manualSeed`). */
  generator?: Generator;
}

/**
 * Splits a data set into non-overlapping random subsets of the given `lengths`: counts summing to
 * the data set's length, or fractions summing to 1 (floors, with the remainder handed out one at
 * a time from the first subset, as PyTorch). The permutation is `torch.randperm(n, { generator })`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { randomSplit, TensorDataset } from "./dataset.ts";
 * const ds = new TensorDataset(torch.arange(10));
 * const [train, test] = randomSplit(ds, [0.8, 0.2], { generator: new torch.Generator(42) });
 * assertEquals([train.length, test.length], [8, 2]);
 * ```
 */
export function randomSplit<T>(
  dataset: DatasetLike<T>,
  lengths: readonly number[],
  opts: RandomSplitOptions = {},
): Subset<T>[] {
  const n = dataset.length;
  if (!Array.isArray(lengths) || lengths.length === 0) {
    throw new TypeError("randomSplit: expected a non-empty array of lengths");
  }
  if (lengths.some((l) => typeof l !== "number" || !Number.isFinite(l) || l < 0)) {
    throw new RangeError(`randomSplit: lengths must be non-negative numbers, got [${lengths.join(", ")}]`);
  }
  let counts: number[];
  const total = lengths.reduce((a, b) => a + b, 0);
  if (Math.abs(total - 1) <= 1e-9 && total <= n && lengths.every((l) => l <= 1)) {
    counts = lengths.map((f) => Math.floor(n * f));
    let remainder = n - counts.reduce((a, b) => a + b, 0);
    for (let i = 0; remainder > 0; i = (i + 1) % counts.length, remainder--) counts[i]++;
  } else {
    if (lengths.some((l) => !Number.isInteger(l))) {
      throw new RangeError(
        `randomSplit: lengths must be integer counts summing to ${n} or fractions summing to 1, got [${
          lengths.join(", ")
        }]`,
      );
    }
    counts = [...lengths];
  }
  const sum = counts.reduce((a, b) => a + b, 0);
  if (sum !== n) {
    throw new RangeError(
      `randomSplit: sum of input lengths (${sum}) does not equal the length of the input dataset (${n})`,
    );
  }
  const perm = randperm(n, { generator: opts.generator }).dataSync() as Int32Array;
  const out: Subset<T>[] = [];
  let start = 0;
  for (const c of counts) {
    out.push(new Subset(dataset, perm.subarray(start, start + c)));
    start += c;
  }
  return out;
}
