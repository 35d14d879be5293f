/**
 * Iterable-style data sets, as `torch.utils.data`: `IterableDataset` (subclass it with
 * `[Symbol.iterator]` or `[Symbol.asyncIterator]`), `ChainDataset`, `getWorkerInfo` and
 * `defaultConvert` (what a `DataLoader` with `batchSize: null` does to each item).
 * @module
 */
import { tensor } from "../creation.ts";
import { Tensor } from "../tensor.ts";

/**
 * The base of iterable-style data sets (PyTorch's `IterableDataset`): a stream of items rather than
 * items by index, e.g. lines of a file being downloaded. A subclass implements `[Symbol.iterator]`
 * (a generator method: `*[Symbol.iterator]() { ... }`) or, for a stream that must be awaited,
 * `[Symbol.asyncIterator]` (`async *[Symbol.asyncIterator]() { ... }`; iterate the loader with
 * `for await` then). It may also give a `length`, which only `DataLoader`'s `length` reads.
 *
 * A `DataLoader` over one takes `batchSize` items at a time from a fresh iterator each epoch (the
 * iterator is made when the loader's is, as in PyTorch); `shuffle`, `sampler` and `batchSampler`
 * are refused, since there are no indices to order.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import { DataLoader, IterableDataset } from "./mod.ts";
 * class Range extends IterableDataset<number> {
 *   readonly end: number;
 *   constructor(end: number) {
 *     super();
 *     this.end = end;
 *   }
 *   *[Symbol.iterator](): Generator<number> {
 *     for (let i = 0; i < this.end; i++) yield i;
 *   }
 * }
 * const batches = [...new DataLoader(new Range(7), { batchSize: 3 })].map((b) => b.toArray());
 * assertEquals(batches, [[0, 1, 2], [3, 4, 5], [6]]);
 * assertEquals([...new Range(3).add(new Range(2))], [0, 1, 2, 0, 1]);
 * ```
 */
export abstract class IterableDataset<T> {
  /**
   * This data set followed by `other` (PyTorch's `ds1 + ds2` of iterable data sets): a
   * `ChainDataset`.
   */
  add(other: IterableDataset<T>): ChainDataset<T> {
    return new ChainDataset<T>([this, other]);
  }
}

/** An iterable-style data set's sync iterator, or undefined when it has none. */
function syncIteratorOf<T>(d: unknown): Iterator<T> | undefined {
  const f = (d as Partial<Iterable<T>>)[Symbol.iterator];
  return typeof f === "function" ? f.call(d) : undefined;
}

/** @internal Whether `d` is iterable-style: an `IterableDataset`, or an iterable that is not map-style. */
export function isIterableStyle(d: unknown): boolean {
  if (d instanceof IterableDataset) return true;
  if (d === null || typeof d !== "object" || Array.isArray(d)) return false;
  if (typeof (d as { getItem?: unknown }).getItem === "function") return false;
  return typeof (d as Partial<Iterable<unknown>>)[Symbol.iterator] === "function" ||
    typeof (d as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] === "function";
}

/**
 * @internal A fresh iterator of an iterable-style data set: its `[Symbol.iterator]` when `async` is
 * false (an error naming `for await` when it only has `[Symbol.asyncIterator]`), its
 * `[Symbol.asyncIterator]` when `async` is true and it has one, else its `[Symbol.iterator]`.
 */
export function iterateDataset<T>(
  op: string,
  d: unknown,
  async: boolean,
): Iterator<T> | AsyncIterator<T> {
  if (async) {
    const f = (d as Partial<AsyncIterable<T>>)[Symbol.asyncIterator];
    if (typeof f === "function") return f.call(d);
  }
  const it = syncIteratorOf<T>(d);
  if (it !== undefined) return it;
  if (typeof (d as Partial<AsyncIterable<T>>)[Symbol.asyncIterator] === "function") {
    throw new TypeError(
      `${op}: the data set is only asynchronously iterable; iterate with \`for await (const batch of loader)\``,
    );
  }
  const name = (d as object)?.constructor?.name ?? typeof d;
  throw new TypeError(
    `${op}: ${name} implements neither [Symbol.iterator] nor [Symbol.asyncIterator] (an IterableDataset must implement one)`,
  );
}

function datasetName(d: unknown): string {
  if (d === null) return "null";
  if (typeof d !== "object") return typeof d;
  return (d as object).constructor?.name ?? "object";
}

/**
 * Iterable data sets one after another (PyTorch's `ChainDataset`): iterating it iterates each in
 * turn, without building anything up front, so it also chains streams. Its `length` is the sum of
 * the parts' lengths. It is iterable synchronously when every part is, and asynchronously always.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import { ChainDataset, IterableDataset } from "./mod.ts";
 * class Letters extends IterableDataset<string> {
 *   readonly text: string;
 *   constructor(text: string) {
 *     super();
 *     this.text = text;
 *   }
 *   get length(): number {
 *     return this.text.length;
 *   }
 *   *[Symbol.iterator](): Generator<string> {
 *     yield* this.text;
 *   }
 * }
 * const chain = new ChainDataset([new Letters("ab"), new Letters("cde")]);
 * assertEquals([[...chain].join(""), chain.length], ["abcde", 5]);
 * ```
 */
export class ChainDataset<T> extends IterableDataset<T> {
  /** The parts, in order. */
  readonly datasets: readonly IterableDataset<T>[];

  /** Chains `datasets` (iterable data sets), in order. */
  constructor(datasets: Iterable<IterableDataset<T>>) {
    super();
    if (
      datasets === null || typeof (datasets as Partial<Iterable<unknown>>)[Symbol.iterator] !== "function"
    ) {
      throw new TypeError("ChainDataset: expected an array of IterableDataset");
    }
    this.datasets = [...datasets];
  }

  #check(d: unknown): void {
    if (!(d instanceof IterableDataset)) {
      throw new TypeError(`ChainDataset only supports IterableDataset, got ${datasetName(d)}`);
    }
  }

  /** The items of every part in turn. */
  *[Symbol.iterator](): Generator<T> {
    for (const d of this.datasets) {
      this.#check(d);
      const it = iterateDataset<T>("ChainDataset", d, false) as Iterator<T>;
      for (let r = it.next(); !r.done; r = it.next()) yield r.value;
    }
  }

  /** The items of every part in turn, awaiting the parts that stream asynchronously. */
  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    for (const d of this.datasets) {
      this.#check(d);
      const it = iterateDataset<T>("ChainDataset", d, true);
      for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
    }
  }

  /** The sum of the parts' lengths (each must have one). */
  get length(): number {
    let total = 0;
    for (const d of this.datasets) {
      this.#check(d);
      const n = (d as { length?: unknown }).length;
      if (typeof n !== "number" || !Number.isInteger(n) || n < 0) {
        throw new TypeError(`ChainDataset: ${datasetName(d)} has no length`);
      }
      total += n;
    }
    return total;
  }
}

/**
 * What PyTorch's `get_worker_info()` describes inside a `DataLoader` worker process: the worker's
 * id, the number of workers, its seed and its copy of the data set.
 */
export interface WorkerInfo {
  /** The worker's index, `0 <= id < numWorkers`. */
  readonly id: number;
  /** The number of workers. */
  readonly numWorkers: number;
  /** The worker's random seed (the loader's base seed plus `id`). */
  readonly seed: number | bigint;
  /** The worker's copy of the data set. */
  readonly dataset: unknown;
}

/**
 * PyTorch's `torch.utils.data.get_worker_info()`. Loading here always runs in the calling thread
 * (as PyTorch's `num_workers=0`), so this is always `null`, as it is in PyTorch's main process:
 * an `IterableDataset` written to split its stream between workers when there are some takes its
 * single-process branch.
 * @example
 * ```ts
 * import { strictEqual as assertEquals } from "node:assert/strict";
 * import { getWorkerInfo } from "./mod.ts";
 * assertEquals(getWorkerInfo(), null);
 * ```
 */
export function getWorkerInfo(): WorkerInfo | null {
  return null;
}

/** The type `defaultConvert` makes of a `T`: typed arrays become tensors, containers are converted inside. */
export type Converted<T> = T extends Tensor ? Tensor
  : T extends number | boolean | string ? T
  : T extends ArrayBufferView ? Tensor
  : T extends readonly unknown[] ? { -readonly [K in keyof T]: Converted<T[K]> }
  : T extends object ? { [K in keyof T]: Converted<T[K]> }
  : T;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/**
 * PyTorch's `default_convert`, what a `DataLoader` with `batchSize: null` applies to each item:
 * typed arrays (NumPy arrays' counterpart) become tensors of the matching dtype, arrays and plain
 * objects are converted element by element / key by key, and everything else (tensors, numbers,
 * strings, booleans, other objects) is returned as it is. Nothing is stacked.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import { defaultConvert } from "./mod.ts";
 * const { x, label } = defaultConvert({ x: new Float32Array([1, 2]), label: 3 });
 * assertEquals([x.dtype, x.toArray(), label], ["float32", [1, 2], 3]);
 * ```
 */
export function defaultConvert<T>(data: T): Converted<T> {
  return convert(data) as Converted<T>;
}

function convert(v: unknown): unknown {
  if (v instanceof Tensor) return v;
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    return tensor(v as unknown as ArrayLike<number>);
  }
  if (Array.isArray(v)) return v.map(convert);
  if (isPlainObject(v)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) {
      Object.defineProperty(out, k, {
        value: convert(v[k]),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return v;
}
