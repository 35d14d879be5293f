/**
 * A size-bucketed pool of GPU buffers with live-bytes accounting.
 *
 * Requests are rounded up to a bucket: 16-byte multiples, powers of two up to 4 KiB, then four
 * steps per power of two (2^k · 1, 1.25, 1.5, 1.75), so at most 25% of a buffer is slack. A
 * released buffer waits in its bucket's free list for the next request of that bucket. Free
 * buffers beyond a byte budget are destroyed; because a released buffer may still be referenced by
 * commands not yet submitted, the owner decides when destroying is safe (`takeDoomed()` after a
 * submit).
 * @module
 */

/** One pooled buffer. `epoch` is the owner's batch counter at the buffer's last use. */
export interface PoolEntry {
  /** The buffer. */
  readonly buffer: GPUBuffer;
  /** A number naming the buffer (unique per pool owner; bind group cache keys). */
  readonly id: number;
  /** Bytes of the buffer (its bucket). */
  readonly size: number;
  /** The owner's submit epoch of the last command that used the buffer (-1: never used). */
  epoch: number;
  /** True while handed out (guards against double release). */
  live: boolean;
  /** Keys of the owner's cached bind groups that use the buffer (dropped when it is destroyed). */
  groups?: string[] | null;
}

let nextId = 0;
/** A fresh buffer id (see {@link PoolEntry.id}). */
export function bufferId(): number {
  return ++nextId;
}

const MIN_BUCKET = 16;
const POW2_LIMIT = 4096;

/**
 * The bucket (bytes) a request of `bytes` is served from.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import { bucketSize } from "./buffer_pool.ts";
 * assertEquals(bucketSize(1), 16);
 * assertEquals(bucketSize(5000), 5120); // 4096 · 1.25
 * ```
 */
export function bucketSize(bytes: number): number {
  const b = Math.max(MIN_BUCKET, Math.ceil(bytes / 16) * 16);
  if (b <= POW2_LIMIT) return 2 ** Math.ceil(Math.log2(b));
  const p = 2 ** Math.floor(Math.log2(b));
  const step = p / 4;
  return Math.ceil(b / step) * step;
}

/** Options of {@link BufferPool}. */
export interface BufferPoolOptions {
  /** Usage flags of every buffer of the pool. */
  usage: GPUBufferUsageFlags;
  /** Free bytes kept for reuse; buffers released beyond this are destroyed (default 256 MiB). */
  maxPooledBytes?: number;
  /** Largest buffer the pool may create (a request above it throws). */
  maxBufferSize?: number;
  /** Label prefix for the buffers (debugging). */
  label?: string;
}

/** Size-bucketed free lists of GPU buffers of one usage. */
export class BufferPool {
  readonly #device: GPUDevice;
  readonly #usage: GPUBufferUsageFlags;
  readonly #free = new Map<number, PoolEntry[]>();
  readonly #maxPooled: number;
  readonly #maxBuffer: number;
  readonly #label: string;
  #doomed: PoolEntry[] = [];
  #live = 0;
  #pooled = 0;
  #created = 0;
  #reused = 0;

  /** An empty pool creating buffers on `device`. */
  constructor(device: GPUDevice, options: BufferPoolOptions) {
    this.#device = device;
    this.#usage = options.usage;
    this.#maxPooled = options.maxPooledBytes ?? 256 * 1024 * 1024;
    this.#maxBuffer = options.maxBufferSize ?? Number.MAX_SAFE_INTEGER;
    this.#label = options.label ?? "edgetorch";
  }

  /** The size of the buffer a request of `bytes` gets; throws when the device cannot have it. */
  sizeFor(bytes: number): number {
    let size = bucketSize(bytes);
    if (size > this.#maxBuffer) {
      // The bucket's slack may not fit the device limit even when the request does.
      size = Math.ceil(bytes / 16) * 16;
      if (size > this.#maxBuffer) {
        throw new RangeError(
          `gpu: a buffer of ${bytes} bytes exceeds this device's limit of ${this.#maxBuffer} bytes per ` +
            `buffer binding`,
        );
      }
    }
    return size;
  }

  /** A buffer of at least `bytes` bytes (contents unspecified). */
  acquire(bytes: number): PoolEntry {
    const size = this.sizeFor(bytes);
    const list = this.#free.get(size);
    const reused = list?.pop();
    if (reused) {
      this.#pooled -= size;
      this.#live += size;
      this.#reused++;
      reused.live = true;
      return reused;
    }
    const buffer = this.#device.createBuffer({ size, usage: this.#usage, label: `${this.#label} ${size}` });
    this.#live += size;
    this.#created++;
    return { buffer, id: bufferId(), size, epoch: -1, live: true };
  }

  /** Returns a buffer for reuse (or dooms it when the pool is over its budget). Idempotent. */
  release(e: PoolEntry): void {
    if (!e.live) return;
    e.live = false;
    this.#live -= e.size;
    if (this.#pooled + e.size > this.#maxPooled) {
      this.#doomed.push(e);
      return;
    }
    let list = this.#free.get(e.size);
    if (!list) {
      list = [];
      this.#free.set(e.size, list);
    }
    list.push(e);
    this.#pooled += e.size;
  }

  /** Moves every free buffer to the doomed list (to be destroyed after the next submit). */
  trim(): void {
    for (const list of this.#free.values()) {
      for (const e of list) this.#doomed.push(e);
    }
    this.#free.clear();
    this.#pooled = 0;
  }

  /** Buffers waiting to be destroyed; the caller destroys them once no pending command uses them. */
  takeDoomed(): PoolEntry[] {
    const d = this.#doomed;
    this.#doomed = [];
    return d;
  }

  /** Bytes of buffers handed out and not released. */
  get liveBytes(): number {
    return this.#live;
  }

  /** Bytes of free buffers kept for reuse. */
  get pooledBytes(): number {
    return this.#pooled;
  }

  /** Buffers created and requests served from the free lists, for tests and benchmarks. */
  get stats(): { created: number; reused: number } {
    return { created: this.#created, reused: this.#reused };
  }
}
