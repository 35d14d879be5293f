/**
 * The GPU storage: one pooled GPU buffer of 32-bit words, owned by a `WebGPUBackend` (see the
 * module documentation of `backend.ts`).
 * @module
 */
import type { DType } from "../../dtype.ts";
import type { Storage } from "../backend.ts";
import type { WebGPUBackend } from "./backend.ts";
import type { GpuContext } from "./context.ts";
import type { PoolEntry } from "./buffer_pool.ts";
import type { DeviceCheck } from "./checks.ts";
import type { LazyNode } from "./fusion.ts";

const registry = new FinalizationRegistry<{ ctx: GpuContext; entry: PoolEntry }>((held) => {
  held.ctx.reclaim(held.entry);
});

/** A GPU storage: one pooled GPU buffer of 32-bit words (see the module documentation of `backend.ts`). */
export class WebGPUStorage implements Storage {
  /** Always `"gpu"`. */
  readonly device = "gpu" as const;
  /** The element type (float16, uint8 and bool are held as 32-bit words on the GPU). */
  readonly dtype: DType;
  /** Number of elements. */
  readonly numel: number;
  /** @internal the context of the backend that owns the buffer */
  readonly _ctx: GpuContext;
  #entry: PoolEntry | null;
  #disposed = false;
  #registered = false;
  #wantsTracking = false;
  /** @internal host copy of int32 contents while they are known (synchronous index checks) */
  _host: Int32Array | null = null;
  /** @internal the device checks this storage's contents depend on (null when none) */
  _checks: DeviceCheck[] | null = null;
  /** @internal */
  _holders = 0;
  /** @internal */
  _saved = 0;
  /** @internal */
  _version = 0;
  /** @internal The pool reuses a buffer only once its storage is freed or collected. */
  readonly _reclaimedIdle = false;
  /**
   * @internal The pointwise graph that gives this storage's value while it is not computed yet
   * (see fusion.ts): without a buffer, a pending value; with one, a pending write into it.
   */
  _lazy: LazyNode<WebGPUStorage> | null = null;
  /** @internal the graph node whose value the buffer holds (cleared when the buffer is written) */
  _node: LazyNode<WebGPUStorage> | null = null;
  /** @internal while pending: the buffers its graph reads (each counts this storage as a reader) */
  _retains: WebGPUStorage[] | null = null;
  /** @internal pending graphs that read this buffer (computed before it is written or freed) */
  _readers: Set<WebGPUStorage> | null = null;

  /** @internal storages are made by {@link WebGPUBackend} */
  constructor(ctx: GpuContext, dtype: DType, numel: number, entry: PoolEntry | null) {
    this._ctx = ctx;
    this.dtype = dtype;
    this.numel = numel;
    this.#entry = entry;
  }

  /** @internal the backend that owns the buffer */
  get _backend(): WebGPUBackend {
    return this._ctx.backend;
  }

  /** @internal Returns the buffer to the pool when this storage is garbage collected. */
  _track(): void {
    if (this.#registered) return;
    if (!this.#entry) {
      // A pending value: registered once it has a buffer.
      this.#wantsTracking = this.numel > 0;
      return;
    }
    this.#registered = true;
    registry.register(this, { ctx: this._ctx, entry: this.#entry }, this);
  }

  /** @internal the pooled buffer (null for an empty storage); throws once disposed */
  get _entry(): PoolEntry | null {
    if (this.#disposed) {
      throw new Error(`gpu ${this.dtype} storage of ${this.numel} elements: storage was disposed`);
    }
    return this.#entry;
  }

  /** @internal the buffer, also of a disposed storage that pending graphs still read */
  get _buffer(): PoolEntry | null {
    return this.#entry;
  }

  /** @internal gives a pending value its buffer */
  _setEntry(e: PoolEntry): void {
    this.#entry = e;
    if (this.#wantsTracking && !this.#disposed) this._track();
  }

  /** True once {@link dispose} has run. */
  get disposed(): boolean {
    return this.#disposed;
  }

  /**
   * Returns the buffer to the pool now (or, while pending graphs still read it, once they are
   * computed); idempotent.
   */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this._host = null;
    this._ctx.dropped(this);
    if (this._readers === null || this._readers.size === 0) this._release();
  }

  /** @internal returns the buffer to the pool */
  _release(): void {
    const e = this.#entry;
    this.#entry = null;
    if (e) {
      if (this.#registered) registry.unregister(this);
      this._ctx.reclaim(e);
    }
  }
}
