/**
 * `DataLoader`: batches of a data set, optionally shuffled with a seeded generator, collated
 * into tensors by `defaultCollate` (PyTorch's `default_collate`) or a custom `collate`.
 * @module
 */
import { tensor } from "../creation.ts";
import { stack } from "../ops/indexing.ts";
import { defaultGenerator, Generator } from "../random.ts";
import { Tensor } from "../tensor.ts";
import type { Device } from "../backends/backend.ts";
import { checkDevice } from "../backends/registry.ts";
import { type BatchFetcher, canFetchBatch, checkIndex, type DatasetLike, FETCH_BATCH } from "./dataset.ts";
import {
  BatchSampler,
  RandomSampler,
  samplerLength,
  type SamplerLike,
  SequentialSampler,
} from "./sampler.ts";
import { isThenable } from "../thenable.ts";
import { defaultConvert, isIterableStyle, iterateDataset } from "./iterable.ts";

/**
 * The type `defaultCollate` makes of a batch of `T`: tensors, numbers and booleans become one
 * tensor, strings a string array, typed arrays a tensor, and arrays, tuples and objects are
 * collated position by position / key by key.
 */
export type Collated<T> = T extends Tensor ? Tensor
  : T extends number | boolean ? Tensor
  : T extends string ? string[]
  : T extends ArrayBufferView ? Tensor
  : T extends readonly unknown[] ? { -readonly [K in keyof T]: Collated<T[K]> }
  : T extends object ? { [K in keyof T]: Collated<T[K]> }
  : T;

function describe(v: unknown): string {
  if (v === null) return "null";
  if (v instanceof Tensor) return `a Tensor of shape [${v.shape.join(", ")}]`;
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (typeof v === "object") return (v as object).constructor?.name ?? "object";
  return typeof v;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function collateAt(items: readonly unknown[], path: string): unknown {
  const first = items[0];
  const where = path ? ` at ${path}` : "";
  const mismatch = (i: number, expected: string): never => {
    throw new TypeError(
      `defaultCollate: item ${i} has ${describe(items[i])}${where} but item 0 has ${expected}; ` +
        "items must have the same structure (pass a custom collate to batch other shapes)",
    );
  };
  if (first instanceof Tensor) {
    items.forEach((t, i) => {
      if (!(t instanceof Tensor) || t.ndim !== first.ndim || t.shape.some((s, k) => s !== first.shape[k])) {
        mismatch(i, describe(first));
      }
    });
    return stack(items as Tensor[], 0);
  }
  if (typeof first === "number") {
    let allInt = true;
    items.forEach((v, i) => {
      if (typeof v !== "number") mismatch(i, "a number");
      if (!Number.isInteger(v)) allInt = false;
    });
    return tensor(items as number[], { dtype: allInt ? "int32" : "float32" });
  }
  if (typeof first === "boolean") {
    items.forEach((v, i) => typeof v !== "boolean" && mismatch(i, "a boolean"));
    return tensor(items as boolean[], { dtype: "bool" });
  }
  if (typeof first === "string") {
    items.forEach((v, i) => typeof v !== "string" && mismatch(i, "a string"));
    return [...items];
  }
  if (ArrayBuffer.isView(first) && !(first instanceof DataView)) {
    const ts = items.map((v, i) => {
      if (
        !ArrayBuffer.isView(v) ||
        (v as unknown as ArrayLike<number>).length !== (first as unknown as ArrayLike<number>).length
      ) {
        mismatch(
          i,
          `a ${first.constructor.name} of length ${(first as unknown as ArrayLike<number>).length}`,
        );
      }
      return tensor(v as unknown as ArrayLike<number>);
    });
    return stack(ts, 0);
  }
  if (Array.isArray(first)) {
    const n = first.length;
    items.forEach((v, i) => (!Array.isArray(v) || v.length !== n) && mismatch(i, `an array of length ${n}`));
    return Array.from(
      { length: n },
      (_, k) => collateAt(items.map((v) => (v as unknown[])[k]), `${path}[${k}]`),
    );
  }
  if (isPlainObject(first)) {
    const keys = Object.keys(first);
    const out: Record<string, unknown> = {};
    items.forEach((v, i) => {
      if (!isPlainObject(v)) mismatch(i, "an object");
      for (const k of keys) if (!Object.hasOwn(v as object, k)) mismatch(i, `an object with key "${k}"`);
    });
    for (const k of keys) {
      Object.defineProperty(out, k, {
        value: collateAt(items.map((v) => (v as Record<string, unknown>)[k]), path ? `${path}.${k}` : k),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  throw new TypeError(
    `defaultCollate: batch must contain tensors, numbers, booleans, strings, typed arrays, arrays or plain objects; ` +
      `found ${describe(first)}${where}`,
  );
}

/**
 * PyTorch's `default_collate`: stacks tensors along a new first dimension, turns numbers into a
 * tensor (int32 when all are integers, float32 otherwise; PyTorch gives int64/float64) and
 * booleans into a bool tensor, keeps strings as an array, and recurses into arrays/tuples
 * (position by position) and plain objects (key by key).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { defaultCollate } from "./dataloader.ts";
 * const [x, y] = defaultCollate([[torch.zeros(3), 1], [torch.ones(3), 0]]);
 * assertEquals([x.shape, y.toArray()], [[2, 3], [1, 0]]);
 * ```
 */
export function defaultCollate<T>(items: readonly T[]): Collated<T> {
  if (!Array.isArray(items) || items.length === 0) {
    throw new RangeError("defaultCollate: expected a non-empty array of items");
  }
  return collateAt(items, "") as Collated<T>;
}

/** Options of `DataLoader`. `T` is the item type, `B` the batch type. */
export interface DataLoaderOptions<T, B> {
  /**
   * Items per batch (default 1). `null` turns batching off: each item is passed on by itself,
   * through `collateFn` (default `defaultConvert`, which stacks nothing).
   */
  batchSize?: number | null;
  /** Draw a new random order at the start of every epoch (default false): a `RandomSampler`. */
  shuffle?: boolean;
  /**
   * The order of the items (indices into the data set), e.g. a `WeightedRandomSampler`; batches are
   * made of `batchSize` consecutive indices. Exclusive with `shuffle`. Default: a
   * `SequentialSampler`, or a `RandomSampler` with `shuffle: true`.
   */
  sampler?: SamplerLike<number> | Iterable<number>;
  /**
   * Yields whole batches of indices (e.g. a `BatchSampler`); exclusive with `batchSize`, `shuffle`,
   * `sampler` and `dropLast`.
   */
  batchSampler?: SamplerLike<number[]> | Iterable<ArrayLike<number>>;
  /** Drop the last batch when it is smaller than `batchSize` (default false). */
  dropLast?: boolean;
  /** Turns an array of items into a batch (default `defaultCollate`): PyTorch's `collate_fn`. */
  collateFn?: (items: T[]) => B;
  /** The older name of `collateFn`. */
  collate?: (items: T[]) => B;
  /**
   * The generator of the loader's draws (default: the global one, seeded by `manualSeed`): the
   * shuffle, and the 64-bit base seed PyTorch draws every time a loader is iterated.
   */
  generator?: Generator;
  /**
   * Move every tensor of each batch to this device (`x.to(device)`, after collating), e.g.
   * `"gpu"`; default: leave batches where the data set made them.
   */
  device?: Device;
}

class ArrayDataset<T> implements DatasetLike<T> {
  readonly items: readonly T[];
  constructor(items: readonly T[]) {
    this.items = items;
  }
  get length(): number {
    return this.items.length;
  }
  getItem(i: number): T {
    return this.items[i];
  }
}

/** `batch` with every tensor in it (in arrays and plain objects, recursively) moved to `device`. */
function moveBatch(batch: unknown, device: Device): unknown {
  if (batch instanceof Tensor) return batch.device === device ? batch : batch.to(device);
  if (Array.isArray(batch)) return batch.map((v) => moveBatch(v, device));
  if (isPlainObject(batch)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(batch)) {
      Object.defineProperty(out, k, {
        value: moveBatch(batch[k], device),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return batch;
}

/**
 * Resolves on a later turn of the event loop (a macrotask, not a microtask), so that the
 * runtime runs pending finalizers: those return the GPU buffers of tensors a training loop
 * dropped to the pool. ~8 us in Deno (`setImmediate`); `setTimeout(0)` elsewhere.
 */
function nextTurn(): Promise<void> {
  // Looked up here, not at import: in Deno the first read of globalThis.setImmediate loads the
  // Node compatibility layer (about 12 ms).
  const setImmediateFn = (globalThis as { setImmediate?: (fn: () => void) => unknown }).setImmediate;
  return new Promise((resolve) => {
    if (setImmediateFn) setImmediateFn(resolve);
    else setTimeout(resolve, 0);
  });
}

/**
 * Iterates a data set in batches. `for (const batch of loader)` reads synchronously;
 * `for await (const batch of loader)` also works with data sets whose `getItem` returns a Promise
 * (the items of one batch are awaited together). Each iteration is one epoch; with
 * `shuffle: true` every epoch draws a fresh permutation from the generator, so results are
 * reproducible after `torch.manualSeed(seed)`. The order comes from a sampler (`sampler`, or
 * `SequentialSampler` / `RandomSampler` by default) grouped by a `BatchSampler` (or your own
 * `batchSampler`), as in PyTorch.
 *
 * Random streams are PyTorch 1.13's: every iteration of a loader, shuffled or not, first draws a
 * 64-bit base seed from the loader's generator (PyTorch seeds its workers with it), so the random
 * numbers a program draws after an evaluation pass over an unshuffled loader are PyTorch's too.
 *
 * Without a custom `collateFn`, a `TensorDataset` (and a `Subset` of one, and the built-in data sets
 * without transforms) builds each batch with one `indexSelect` per tensor instead of collecting
 * rows and stacking them.
 *
 * Training on the GPU: move each batch with `x.to("gpu")` in the loop (or pass `device: "gpu"`,
 * which moves every tensor of every batch), and iterate with `for await`. The asynchronous
 * iterator lets the event loop turn once per batch (a macrotask, ~8 us), which is when the
 * runtime runs the finalizers that return the GPU buffers of tensors the loop dropped (last
 * step's activations, gradients and losses) to the pool; a loop that never awaits keeps all of
 * them until it does. Nothing is read back from the GPU.
 * ```ts ignore
 * const loader = new DataLoader(trainSet, { batchSize: 64, shuffle: true });
 * for await (const [xb, yb] of loader) {
 *   const x = xb.to("gpu"), y = yb.to("gpu");
 *   optimizer.zeroGrad();
 *   criterion(model(x), y).backward();
 *   optimizer.step();
 * }
 * ```
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { DataLoader } from "./dataloader.ts";
 * import { TensorDataset } from "./dataset.ts";
 * torch.manualSeed(0);
 * const ds = new TensorDataset(torch.randn(10, 3), torch.arange(10));
 * const loader = new DataLoader(ds, { batchSize: 4, shuffle: true });
 * assertEquals(loader.length, 3);
 * for (const [x, y] of loader) console.log(x.shape, y.shape); // [4, 3] [4], [4, 3] [4], [2, 3] [2]
 * ```
 */
export class DataLoader<T, B = Collated<Awaited<T>>> implements Iterable<B>, AsyncIterable<B> {
  /** The data set read from (map-style, or iterable-style: see `IterableDataset`). */
  readonly dataset: DatasetLike<T> | Iterable<T> | AsyncIterable<T>;
  /** Items per batch (null when a `batchSampler` makes the batches). */
  readonly batchSize: number | null;
  /** Whether each epoch is shuffled. */
  readonly shuffle: boolean;
  /** Whether an incomplete last batch is dropped. */
  readonly dropLast: boolean;
  /** The generator of the loader's draws (undefined: the global one). */
  readonly generator: Generator | undefined;
  /** Where batches are moved (undefined: left where the data set made them). */
  readonly device: Device | undefined;
  /** The order of the items (null when a `batchSampler` was given, or the data set is iterable-style). */
  readonly sampler: SamplerLike<number> | Iterable<number> | null;
  /**
   * The batches of indices read each epoch (null with `batchSize: null` or an iterable-style data
   * set).
   */
  readonly batchSampler: SamplerLike<number[]> | Iterable<ArrayLike<number>> | null;
  /** Whether the data set is iterable-style (PyTorch's `_dataset_kind == Iterable`). */
  readonly iterableStyle: boolean;
  readonly #collate: ((items: Awaited<T>[]) => B) | null;

  /**
   * A loader over `dataset` (a map-style data set, an array of items, or an iterable-style data
   * set: an `IterableDataset`, or any iterable / async iterable without `getItem`) with the given
   * options.
   */
  constructor(
    dataset: DatasetLike<T> | readonly T[] | Iterable<T> | AsyncIterable<T>,
    opts: DataLoaderOptions<Awaited<T>, B> = {},
  ) {
    const iterableStyle = isIterableStyle(dataset);
    if (Array.isArray(dataset)) dataset = new ArrayDataset(dataset as readonly T[]);
    const ds = dataset as DatasetLike<T>;
    if (!iterableStyle && (!ds || typeof ds.getItem !== "function" || typeof ds.length !== "number")) {
      throw new TypeError(
        "DataLoader: expected a data set (an object with length and getItem, or an IterableDataset) or an array",
      );
    }
    if (opts === null || typeof opts !== "object") {
      throw new TypeError("DataLoader: options must be an object");
    }
    const {
      shuffle = false,
      dropLast = false,
      collate,
      collateFn,
      generator,
      device,
      sampler,
      batchSampler,
    } = opts;
    if (device !== undefined) checkDevice("DataLoader", device);
    if (collate !== undefined && collateFn !== undefined) {
      throw new TypeError("DataLoader: pass collateFn or its older name collate, not both");
    }
    const collateFunction = collateFn ?? collate;
    if (collateFunction !== undefined && typeof collateFunction !== "function") {
      throw new TypeError("DataLoader: collateFn must be a function");
    }
    if (typeof shuffle !== "boolean") {
      throw new TypeError(`DataLoader: shuffle must be a boolean, got ${shuffle}`);
    }
    if (typeof dropLast !== "boolean") {
      throw new TypeError(`DataLoader: dropLast must be a boolean, got ${dropLast}`);
    }
    if (generator !== undefined && !(generator instanceof Generator)) {
      throw new TypeError("DataLoader: generator must be a torch.Generator");
    }
    for (const [name, s] of [["sampler", sampler], ["batchSampler", batchSampler]] as const) {
      if (
        s !== undefined && (s === null || typeof (s as Iterable<unknown>)[Symbol.iterator] !== "function")
      ) {
        throw new TypeError(`DataLoader: ${name} must be iterable (a sampler or an array)`);
      }
    }
    if (iterableStyle) {
      // PyTorch checks these before anything else about samplers.
      if (shuffle) {
        throw new TypeError(
          "DataLoader with IterableDataset: expected unspecified shuffle option, but got shuffle=true",
        );
      }
      if (sampler !== undefined) {
        throw new TypeError(
          `DataLoader with IterableDataset: expected unspecified sampler option, but got sampler=${
            describe(sampler)
          }`,
        );
      }
      if (batchSampler !== undefined) {
        throw new TypeError(
          "DataLoader with IterableDataset: expected unspecified batchSampler option, " +
            `but got batchSampler=${describe(batchSampler)}`,
        );
      }
    }
    this.dataset = ds;
    this.iterableStyle = iterableStyle;
    this.shuffle = shuffle;
    this.generator = generator;
    this.device = device;
    this.#collate = collateFunction ?? null;
    if (batchSampler !== undefined) {
      if (
        (opts.batchSize !== undefined && opts.batchSize !== 1) || shuffle || sampler !== undefined || dropLast
      ) {
        throw new TypeError(
          "DataLoader: batchSampler option is mutually exclusive with batchSize, shuffle, sampler, and dropLast",
        );
      }
      this.batchSize = null;
      this.dropLast = false;
      this.sampler = null;
      this.batchSampler = batchSampler;
      return;
    }
    if (sampler !== undefined && shuffle) {
      throw new TypeError("DataLoader: sampler option is mutually exclusive with shuffle");
    }
    const batchSize = opts.batchSize === undefined ? 1 : opts.batchSize;
    if (batchSize === null) {
      if (dropLast) {
        throw new TypeError(
          "DataLoader: batchSize=null option disables auto-batching and is mutually exclusive with dropLast",
        );
      }
    } else if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new RangeError(
        `DataLoader: batchSize should be a positive integer, got ${batchSize} (or null: no batching)`,
      );
    }
    this.batchSize = batchSize;
    this.dropLast = dropLast;
    if (iterableStyle) {
      this.sampler = null;
      this.batchSampler = null;
      return;
    }
    this.sampler = sampler ?? (shuffle ? new RandomSampler(ds, { generator }) : new SequentialSampler(ds));
    this.batchSampler = batchSize === null ? null : new BatchSampler(this.sampler, batchSize, dropLast);
  }

  /** The data set as map-style (only read on the map-style paths). */
  get #map(): DatasetLike<T> {
    return this.dataset as DatasetLike<T>;
  }

  /**
   * Number of batches per epoch: the batch sampler's length (the sampler's with `batchSize: null`).
   * For an iterable-style data set, as PyTorch: its `length` divided by `batchSize` (rounded up,
   * or down with `dropLast`), or its `length` with `batchSize: null`; a TypeError when the data set
   * has no `length`. (PyTorch warns when an epoch yields more batches than that; the loader here
   * just yields them.)
   */
  get length(): number {
    if (this.iterableStyle) {
      const n = (this.dataset as { length?: unknown }).length;
      if (typeof n !== "number" || !Number.isInteger(n) || n < 0) {
        throw new TypeError(
          `DataLoader: the iterable-style data set (${
            describe(this.dataset)
          }) has no length (give it a \`length\`)`,
        );
      }
      if (this.batchSize === null) return n;
      return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
    }
    if (this.batchSampler === null) return samplerLength("DataLoader", this.sampler as SamplerLike<unknown>);
    return samplerLength("DataLoader", this.batchSampler as SamplerLike<unknown>);
  }

  /**
   * Starts an epoch as PyTorch's `iter(loader)`: the batch sampler's iterator, then the 64-bit base
   * seed drawn from the loader's generator (PyTorch hands it to worker processes; drawing it keeps
   * every later random number where PyTorch has it, shuffled or not).
   */
  #startEpoch(): Iterator<ArrayLike<number>> {
    const batches = (this.batchSampler ?? this.sampler)![Symbol.iterator]() as Iterator<ArrayLike<number>>;
    (this.generator ?? defaultGenerator).random64();
    return batches;
  }

  /** The single-item "batch" of `batchSize: null`: `collateFn(item)`, default `defaultConvert(item)`. */
  #convert(item: Awaited<T>): B {
    const c = this.#collate as ((item: Awaited<T>) => B) | null;
    return this.#place(c ? c(item) : defaultConvert(item) as B);
  }

  /** The item the map-style data set has at sampler index `i` (no auto-batching). */
  #single(i: unknown): T {
    return this.#map.getItem(checkIndex("DataLoader", i as number, this.#map.length));
  }

  /** The indices of one batch from the batch sampler, checked against the data set's length. */
  #indices(batch: ArrayLike<number>): Int32Array {
    if (batch === null || typeof batch !== "object" || typeof batch.length !== "number") {
      throw new TypeError(
        `DataLoader: the batch sampler yielded ${describe(batch)}; expected an array of indices`,
      );
    }
    const n = this.#map.length;
    const out = new Int32Array(batch.length);
    for (let k = 0; k < batch.length; k++) out[k] = checkIndex("DataLoader", batch[k], n);
    return out;
  }

  #fastBatch(indices: Int32Array): B | null {
    if (this.#collate !== null || !canFetchBatch(this.#map)) return null;
    const batch = (this.#map as DatasetLike<T> & BatchFetcher)[FETCH_BATCH](indices) as B | null;
    return batch === null ? null : this.#place(batch);
  }

  #collateItems(items: Awaited<T>[]): B {
    return this.#place(this.#collate ? this.#collate(items) : defaultCollate(items) as B);
  }

  #place(batch: B): B {
    return this.device === undefined ? batch : moveBatch(batch, this.device) as B;
  }

  /**
   * Iterates one epoch of batches synchronously. The epoch starts when the iterator is created (the
   * base seed is drawn then, as PyTorch draws it in `iter(loader)`); a shuffled order is drawn when
   * the first batch is asked for.
   */
  [Symbol.iterator](): Iterator<B> {
    if (this.iterableStyle) {
      (this.generator ?? defaultGenerator).random64();
      return this.#syncStream(
        iterateDataset<Awaited<T>>("DataLoader", this.dataset, false) as Iterator<Awaited<T>>,
      );
    }
    if (this.batchSampler === null) return this.#syncSingles(this.#startEpoch() as Iterator<unknown>);
    return this.#syncEpoch(this.#startEpoch());
  }

  /**
   * Iterates one epoch of batches, awaiting the items of each batch together; the event loop
   * turns once before each batch (see the class documentation: GPU buffers of dropped tensors
   * return to the pool then).
   */
  [Symbol.asyncIterator](): AsyncIterator<B> {
    if (this.iterableStyle) {
      (this.generator ?? defaultGenerator).random64();
      return this.#asyncStream(iterateDataset<Awaited<T>>("DataLoader", this.dataset, true));
    }
    if (this.batchSampler === null) return this.#asyncSingles(this.#startEpoch() as Iterator<unknown>);
    return this.#asyncEpoch(this.#startEpoch());
  }

  #syncItem(item: T): Awaited<T> {
    if (isThenable(item)) {
      throw new TypeError(
        "DataLoader: the data set gave a Promise; iterate with `for await (const batch of loader)`",
      );
    }
    return item as Awaited<T>;
  }

  *#syncSingles(indices: Iterator<unknown>): IterableIterator<B> {
    for (let r = indices.next(); !r.done; r = indices.next()) {
      yield this.#convert(this.#syncItem(this.#single(r.value)));
    }
  }

  async *#asyncSingles(indices: Iterator<unknown>): AsyncIterableIterator<B> {
    for (;;) {
      await nextTurn();
      const r = indices.next();
      if (r.done) return;
      yield this.#convert(await this.#single(r.value));
    }
  }

  /**
   * An iterable-style epoch, as PyTorch's `_IterableDatasetFetcher`: `batchSize` items at a time; a
   * short last batch unless `dropLast`; the dataset's iterator is closed when the loop stops early.
   */
  *#syncStream(items: Iterator<Awaited<T>>): IterableIterator<B> {
    let done = false;
    try {
      for (;;) {
        if (this.batchSize === null) {
          const r = items.next();
          if (r.done) return void (done = true);
          yield this.#convert(this.#syncItem(r.value));
          continue;
        }
        const batch: Awaited<T>[] = [];
        while (batch.length < this.batchSize) {
          const r = items.next();
          if (r.done) {
            done = true;
            break;
          }
          batch.push(this.#syncItem(r.value));
        }
        if (batch.length === 0 || (this.dropLast && batch.length < this.batchSize)) return;
        yield this.#collateItems(batch);
        if (done) return;
      }
    } finally {
      if (!done) items.return?.();
    }
  }

  async *#asyncStream(items: Iterator<Awaited<T>> | AsyncIterator<Awaited<T>>): AsyncIterableIterator<B> {
    let done = false;
    try {
      for (;;) {
        await nextTurn();
        if (this.batchSize === null) {
          const r = await items.next();
          if (r.done) return void (done = true);
          yield this.#convert(await r.value);
          continue;
        }
        const batch: Awaited<T>[] = [];
        while (batch.length < this.batchSize) {
          const r = await items.next();
          if (r.done) {
            done = true;
            break;
          }
          batch.push(await r.value);
        }
        if (batch.length === 0 || (this.dropLast && batch.length < this.batchSize)) return;
        yield this.#collateItems(batch);
        if (done) return;
      }
    } finally {
      if (!done) await items.return?.();
    }
  }

  *#syncEpoch(batches: Iterator<ArrayLike<number>>): IterableIterator<B> {
    for (let r = batches.next(); !r.done; r = batches.next()) {
      const indices = this.#indices(r.value);
      const fast = this.#fastBatch(indices);
      if (fast !== null) {
        yield fast;
        continue;
      }
      const items = Array.from(indices, (i) => {
        const item = this.#map.getItem(i);
        if (isThenable(item)) {
          throw new TypeError(
            "DataLoader: the data set's getItem returned a Promise; iterate with `for await (const batch of loader)`",
          );
        }
        return item as Awaited<T>;
      });
      yield this.#collateItems(items);
    }
  }

  async *#asyncEpoch(batches: Iterator<ArrayLike<number>>): AsyncIterableIterator<B> {
    for (;;) {
      await nextTurn();
      const r = batches.next();
      if (r.done) return;
      const indices = this.#indices(r.value);
      const fast = this.#fastBatch(indices);
      if (fast !== null) {
        yield fast;
        continue;
      }
      const items = await Promise.all(Array.from(indices, (i) => this.#map.getItem(i)));
      yield this.#collateItems(items);
    }
  }
}
