/**
 * Samplers, as `torch.utils.data`: the order in which a `DataLoader` reads a data set
 * (`SequentialSampler`, `RandomSampler`, `SubsetRandomSampler`, `WeightedRandomSampler`) and how
 * it groups indices into batches (`BatchSampler`). Iterators are lazy, as PyTorch's generators:
 * a sampler draws its random numbers when its first index is asked for, so the global generator's
 * stream matches PyTorch's call for call.
 * @module
 */
import { defaultGenerator, Generator } from "../random.ts";
import { Tensor } from "../tensor.ts";

/**
 * Anything that yields indices (or, for a batch sampler, arrays of indices): PyTorch's `Sampler`.
 * A `length` is optional, as `__len__` is (the `DataLoader` needs it only for `loader.length`).
 */
export interface SamplerLike<T = number> extends Iterable<T> {
  /** Number of items one pass yields, when known. */
  readonly length?: number;
}

/** Anything with a `length` (a data set, an array): what `SequentialSampler` and `RandomSampler` walk. */
export interface Sized {
  /** Number of items. */
  readonly length: number;
}

/**
 * The base of samplers: subclasses implement `[Symbol.iterator]` (yielding indices) and, when
 * they know it, `length`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import { Sampler } from "./sampler.ts";
 * class EvenIndices extends Sampler {
 *   readonly n: number;
 *   constructor(n: number) {
 *     super();
 *     this.n = n;
 *   }
 *   get length(): number {
 *     return Math.ceil(this.n / 2);
 *   }
 *   *[Symbol.iterator](): Iterator<number> {
 *     for (let i = 0; i < this.n; i += 2) yield i;
 *   }
 * }
 * assertEquals([...new EvenIndices(5)], [0, 2, 4]);
 * ```
 */
export abstract class Sampler<T = number> implements SamplerLike<T> {
  /** The items of one pass, in order. */
  abstract [Symbol.iterator](): Iterator<T>;
}

function sizeOf(op: string, source: unknown): number {
  const n = (source as Sized | null)?.length;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 0) {
    throw new TypeError(`${op}: expected a data set (an object with a length), got ${describe(source)}`);
  }
  return n;
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (typeof v === "object") return (v as object).constructor?.name ?? "object";
  return typeof v === "number" ? String(v) : typeof v;
}

function checkPositiveInt(op: string, name: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v <= 0) {
    throw new RangeError(`${op}: ${name} should be a positive integer value, but got ${name}=${describe(v)}`);
  }
  return v;
}

function checkBool(op: string, name: string, v: unknown): boolean {
  if (typeof v !== "boolean") {
    throw new TypeError(`${op}: ${name} should be a boolean value, but got ${name}=${describe(v)}`);
  }
  return v;
}

function checkGenerator(op: string, g: unknown): Generator | undefined {
  if (g !== undefined && !(g instanceof Generator)) {
    throw new TypeError(`${op}: generator must be a torch.Generator, got ${describe(g)}`);
  }
  return g;
}

/**
 * `0, 1, ..., length - 1`, in order: what a `DataLoader` without `shuffle` reads.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import { SequentialSampler } from "./sampler.ts";
 * assertEquals([...new SequentialSampler([10, 20, 30])], [0, 1, 2]);
 * ```
 */
export class SequentialSampler extends Sampler {
  /** The data set (or anything with a length) sampled. */
  readonly dataSource: Sized;
  /** A sampler over `dataSource`'s indices. */
  constructor(dataSource: Sized) {
    super();
    sizeOf("SequentialSampler", dataSource);
    this.dataSource = dataSource;
  }
  /** The data set's length. */
  get length(): number {
    return this.dataSource.length;
  }
  /** Yields `0 .. length - 1`. */
  *[Symbol.iterator](): Iterator<number> {
    const n = this.dataSource.length;
    for (let i = 0; i < n; i++) yield i;
  }
}

/** Options of {@link RandomSampler}. */
export interface RandomSamplerOptions {
  /** Draw with replacement (default false: a permutation). */
  replacement?: boolean;
  /** Samples per pass (default: the data set's length); more than the length without replacement repeats permutations. */
  numSamples?: number;
  /** The generator to draw from (default: a fresh one seeded from the global generator each pass, as PyTorch). */
  generator?: Generator;
}

/**
 * Random indices of a data set: a fresh permutation every pass (or, with `replacement`, uniform
 * draws), what `DataLoader({ shuffle: true })` reads. PyTorch 1.13's draws: without a generator,
 * each pass takes a 64-bit seed from the global generator and runs `randperm` on a new generator
 * seeded with it; with one, `randperm` (or `randint`, 32 at a time) runs on it directly, and a
 * pass ends with PyTorch's extra `randperm(n)[:numSamples % n]`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { RandomSampler } from "./sampler.ts";
 * const sampler = new RandomSampler([..."abcde"], { generator: new torch.Generator(0) });
 * assertEquals([...sampler].sort(), [0, 1, 2, 3, 4]);
 * ```
 */
export class RandomSampler extends Sampler {
  /** The data set (or anything with a length) sampled. */
  readonly dataSource: Sized;
  /** Whether indices are drawn with replacement. */
  readonly replacement: boolean;
  /** The generator given (undefined: seeded from the global one each pass). */
  readonly generator: Generator | undefined;
  readonly #numSamples: number | undefined;

  /** A random sampler over `dataSource`'s indices. */
  constructor(dataSource: Sized, opts: RandomSamplerOptions = {}) {
    super();
    const op = "RandomSampler";
    const { replacement = false, numSamples, generator } = opts;
    sizeOf(op, dataSource);
    this.replacement = checkBool(op, "replacement", replacement);
    this.generator = checkGenerator(op, generator);
    this.dataSource = dataSource;
    this.#numSamples = numSamples;
    checkPositiveInt(op, "numSamples", this.numSamples);
  }
  /** Samples per pass. */
  get numSamples(): number {
    return this.#numSamples ?? this.dataSource.length;
  }
  /** Samples per pass. */
  get length(): number {
    return this.numSamples;
  }
  /** One pass of random indices (drawn lazily, when the first one is asked for). */
  *[Symbol.iterator](): Iterator<number> {
    const n = this.dataSource.length;
    const total = this.numSamples;
    const g = this.generator ?? new Generator(defaultGenerator.random64() & 0x7fffffffffffffffn);
    if (this.replacement) {
      const chunk = new Int32Array(32);
      for (let k = 0; k < Math.floor(total / 32); k++) yield* g.randintFill(chunk, 0, n);
      yield* g.randintFill(new Int32Array(total % 32), 0, n);
      return;
    }
    for (let k = 0; k < Math.floor(total / n); k++) yield* g.permutation(n);
    yield* g.permutation(n).subarray(0, total % n);
  }
}

/** Options of {@link SubsetRandomSampler} and {@link WeightedRandomSampler}. */
export interface GeneratorOption {
  /** The generator to draw from (default: the global one, seeded by `manualSeed`). */
  generator?: Generator;
}

/**
 * The given indices in a random order, a fresh one every pass (`randperm` of their count, on the
 * generator or the global one), as PyTorch's `SubsetRandomSampler`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import { SubsetRandomSampler } from "./sampler.ts";
 * assertEquals([...new SubsetRandomSampler([4, 8, 15])].sort((a, b) => a - b), [4, 8, 15]);
 * ```
 */
export class SubsetRandomSampler extends Sampler {
  /** The indices yielded. */
  readonly indices: readonly number[];
  /** The generator given (undefined: the global one). */
  readonly generator: Generator | undefined;
  /** A sampler over `indices`. */
  constructor(indices: ArrayLike<number>, opts: GeneratorOption = {}) {
    super();
    if (indices === null || typeof indices !== "object" || typeof indices.length !== "number") {
      throw new TypeError(`SubsetRandomSampler: expected an array of indices, got ${describe(indices)}`);
    }
    this.indices = Array.from(indices);
    this.generator = checkGenerator("SubsetRandomSampler", opts.generator);
  }
  /** Number of indices. */
  get length(): number {
    return this.indices.length;
  }
  /** The indices in a fresh random order. */
  *[Symbol.iterator](): Iterator<number> {
    const perm = (this.generator ?? defaultGenerator).permutation(this.indices.length);
    for (const i of perm) yield this.indices[i];
  }
}

/** Options of {@link WeightedRandomSampler}. */
export interface WeightedRandomSamplerOptions extends GeneratorOption {
  /** Draw with replacement (default true). */
  replacement?: boolean;
}

/**
 * `numSamples` indices in `[0, weights.length)`, each drawn with probability proportional to its
 * weight: PyTorch's `WeightedRandomSampler`, which is `torch.multinomial` of the weights as
 * float64 (see `Generator.multinomial`), drawn when a pass starts.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { WeightedRandomSampler } from "./sampler.ts";
 * torch.manualSeed(0);
 * const sampler = new WeightedRandomSampler([0.1, 0.9, 0], 6);
 * assertEquals([...sampler].every((i) => i === 0 || i === 1), true); // index 2 has weight 0
 * ```
 */
export class WeightedRandomSampler extends Sampler {
  /** The weights, as float64. */
  readonly weights: Float64Array;
  /** Samples per pass. */
  readonly numSamples: number;
  /** Whether indices are drawn with replacement. */
  readonly replacement: boolean;
  /** The generator given (undefined: the global one). */
  readonly generator: Generator | undefined;

  /** A sampler drawing `numSamples` indices with probabilities proportional to `weights`. */
  constructor(
    weights: ArrayLike<number> | Tensor,
    numSamples: number,
    opts: WeightedRandomSamplerOptions = {},
  ) {
    super();
    const op = "WeightedRandomSampler";
    checkPositiveInt(op, "numSamples", numSamples);
    this.replacement = checkBool(op, "replacement", opts.replacement ?? true);
    if (weights instanceof Tensor) {
      if (weights.ndim !== 1) {
        throw new RangeError(
          `${op}: weights should be a 1d sequence but given weights have shape [${weights.shape.join(", ")}]`,
        );
      }
      weights = weights.dataSync();
    }
    if (weights === null || typeof weights !== "object" || typeof weights.length !== "number") {
      throw new TypeError(`${op}: weights should be a 1d sequence of numbers, got ${describe(weights)}`);
    }
    const w = new Float64Array(weights.length);
    for (let i = 0; i < w.length; i++) {
      if (typeof weights[i] !== "number") {
        throw new TypeError(
          `${op}: weights should be a 1d sequence of numbers but weights[${i}] is ${describe(weights[i])}`,
        );
      }
      w[i] = weights[i];
    }
    this.weights = w;
    this.numSamples = numSamples;
    this.generator = checkGenerator(op, opts.generator);
  }
  /** Samples per pass. */
  get length(): number {
    return this.numSamples;
  }
  /** One pass: `numSamples` indices (all drawn when the first is asked for). */
  *[Symbol.iterator](): Iterator<number> {
    const g = this.generator ?? defaultGenerator;
    yield* g.multinomial(this.weights, this.numSamples, { replacement: this.replacement });
  }
}

/**
 * Groups the indices of `sampler` into arrays of `batchSize` (the last one shorter unless
 * `dropLast`), as PyTorch's `BatchSampler`; pass one as a `DataLoader`'s `batchSampler`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import { BatchSampler, SequentialSampler } from "./sampler.ts";
 * const batches = new BatchSampler(new SequentialSampler({ length: 5 }), 2, false);
 * assertEquals([[...batches], batches.length], [[[0, 1], [2, 3], [4]], 3]);
 * ```
 */
export class BatchSampler extends Sampler<number[]> {
  /** The indices grouped. */
  readonly sampler: SamplerLike<number>;
  /** Indices per batch. */
  readonly batchSize: number;
  /** Whether a short last batch is dropped. */
  readonly dropLast: boolean;

  /** Batches of `batchSize` indices from `sampler` (any iterable of indices). */
  constructor(sampler: SamplerLike<number> | Iterable<number>, batchSize: number, dropLast: boolean) {
    super();
    const op = "BatchSampler";
    if (sampler === null || typeof (sampler as Iterable<number>)?.[Symbol.iterator] !== "function") {
      throw new TypeError(
        `${op}: sampler must be iterable (a Sampler or an array of indices), got ${describe(sampler)}`,
      );
    }
    this.sampler = sampler;
    this.batchSize = checkPositiveInt(op, "batchSize", batchSize);
    this.dropLast = checkBool(op, "dropLast", dropLast);
  }
  /** Batches per pass (needs the sampler's length). */
  get length(): number {
    const n = samplerLength("BatchSampler", this.sampler);
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }
  /** The batches of one pass. */
  *[Symbol.iterator](): Iterator<number[]> {
    let batch: number[] = [];
    for (const i of this.sampler) {
      batch.push(i);
      if (batch.length === this.batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0 && !this.dropLast) yield batch;
  }
}

/** @internal The length of a sampler (or array), or a clear error when it has none. */
export function samplerLength(op: string, sampler: SamplerLike<unknown>): number {
  const n = sampler.length;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 0) {
    throw new TypeError(`${op}: the sampler has no length (give it a \`length\` property)`);
  }
  return n;
}
