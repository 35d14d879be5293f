/**
 * The GPU backend's context: what the launcher files (`elementwise.ts`, `matmul.ts`, ...) and the
 * machinery files (`dispatch.ts`, `checks.ts`, `lazy.ts`, `transfer.ts`) share: the device, the
 * buffer pools, the pipeline cache and error watch, the tuning derived from the options, the
 * uniform-parameter slots of the open batch, the encoder and its submission, the pending device
 * checks and pointwise graphs, and the storage helpers (`storage`, `operand`, `alloc`, `temp`,
 * `entryOf`). {@link WebGPUBackend} owns one and hands it to them; it is not part of the public API.
 * @module
 */
import { checkDeviceDType, type DType } from "../../dtype.ts";
import type { Storage } from "../backend.ts";
import { checkFloat32 } from "../contract.ts";
import type { WebGPUBackend, WebGPUBackendOptions } from "./backend.ts";
import { BufferPool, type PoolEntry } from "./buffer_pool.ts";
import type { DeviceCheck } from "./checks.ts";
import { GpuErrors } from "./errors.ts";
import type { LazyNode } from "./fusion.ts";
import * as lazyOps from "./lazy.ts";
import { PipelineCache } from "./pipelines.ts";
import {
  COL_CHUNK,
  LOOP_BUDGET,
  MAX_BATCH,
  MAX_FUSED_BUFFERS,
  STAGING_USAGE,
  STORAGE_USAGE,
  UNIFORM_USAGE,
} from "./shared.ts";
import { WebGPUStorage } from "./storage.ts";

/** The state and helpers of one {@link WebGPUBackend} that its launcher files use. */
export class GpuContext {
  /** The backend this context belongs to (its public ops, for launchers composed from them). */
  readonly backend: WebGPUBackend;
  /** The WebGPU device the kernels run on. */
  readonly gpu: GPUDevice;
  /** Storage buffers, pooled by size bucket. */
  readonly pool: BufferPool;
  /** Mappable buffers for reads back to the host. */
  readonly staging: BufferPool;
  /** Compiled kernels by name and template values. */
  readonly pipelines: PipelineCache;
  /** The WebGPU error watch (a failure fails the backend). */
  readonly gpuErrors: GpuErrors;
  /** Largest number of workgroups per grid dimension. */
  readonly maxGroups: number;
  /** The float32 matmul kernel (see `WebGPUBackendOptions.matmulKernel`). */
  readonly matmulKernel: "tiled" | "tiled128" | "direct";
  /**
   * float16 products run through the f16 kernels (`matmul.ts`): the device has `shader-f16` and
   * `WebGPUBackendOptions.f16` is not false.
   */
  readonly f16: boolean;
  /** Invocations per workgroup of the row-reduction and softmax kernels. */
  readonly wg: number;
  /** Kernel shapes tuned for a CPU-based adapter (`tuning: "cpu"`). */
  readonly cpuTuned: boolean;
  /** Loop iterations one invocation may run. */
  readonly loopBudget: number;
  /** Elements one invocation of the column reductions loops over (within the loop budget). */
  readonly colChunk: number;
  /** Bytes per dispatch of the uniform parameter buffer (its offset alignment). */
  readonly slot: number;
  readonly #params: ArrayBuffer;
  /** The open batch's uniform parameters, as u32 words (`dispatch.ts` hands out slots). */
  readonly u32: Uint32Array;
  /** The same parameters as i32 words. */
  readonly i32: Int32Array;
  /** The same parameters as f32 words. */
  readonly f32: Float32Array;
  /** The uniform buffer the parameters are written to at submit. */
  readonly uniform: GPUBuffer;
  /** Buffers of device-check slots (`checks.ts`). */
  readonly errorPages: PoolEntry[] = [];
  /** Device-check slots free for reuse. */
  readonly freeSlots: number[] = [];
  /** Device checks not read back yet. */
  pendingChecks: DeviceCheck[] = [];
  /** Device checks made so far (their sequence numbers). */
  checkSeq = 0;
  /** The open command encoder (null between submits). */
  encoder: GPUCommandEncoder | null = null;
  /** The open compute pass of the encoder, if any. */
  pass: GPUComputePassEncoder | null = null;
  /** Dispatches encoded since the last submit. */
  dispatches = 0;
  /** Submits so far: the batch counter buffers record at their last use (`PoolEntry.epoch`). */
  epoch = 0;
  #flushQueued = false;
  #lost: string | null = null;
  #submits = 0;
  /** Dispatches encoded since the backend was made. */
  dispatchTotal = 0;
  /** Bind groups by kernel and buffers, reused across dispatches. */
  readonly groups: Map<string, { group: GPUBindGroup; entries: PoolEntry[] }> = new Map();
  /** Storage buffers one fused kernel may bind. */
  readonly maxBuffers: number;
  /** Storages with a pending value or write (see fusion.ts), in the order they were made. */
  pending: WebGPUStorage[] = [];
  /** Depth of {@link batchWrites} scopes. */
  batchDepth = 0;
  /** Bind groups created since the backend was made. */
  bindGroupsCreated = 0;
  /** When an array, the key of every kernel dispatched is pushed to it (`WebGPUBackend.kernelTrace`). */
  trace: string[] | null = null;

  constructor(backend: WebGPUBackend, device: GPUDevice, options: WebGPUBackendOptions) {
    this.backend = backend;
    this.gpu = device;
    const limits = device.limits;
    this.maxGroups = Math.max(
      1,
      Math.min(options.maxWorkgroupsPerDimension ?? Infinity, limits.maxComputeWorkgroupsPerDimension),
    );
    const cpuTuned = options.tuning === "cpu";
    this.matmulKernel = options.matmulKernel ?? (cpuTuned ? "direct" : "tiled");
    this.f16 = options.f16 !== false && device.features.has("shader-f16");
    this.wg = cpuTuned ? 32 : 256;
    this.cpuTuned = cpuTuned;
    const budget = options.loopBudget ?? LOOP_BUDGET;
    if (!Number.isInteger(budget) || budget < 64 || budget > LOOP_BUDGET) {
      throw new RangeError(
        `WebGPUBackend: loopBudget must be an integer in [64, ${LOOP_BUDGET}], got ${budget}`,
      );
    }
    this.loopBudget = budget;
    this.maxBuffers = Math.max(4, Math.min(limits.maxStorageBuffersPerShaderStage, MAX_FUSED_BUFFERS));
    this.colChunk = Math.min(COL_CHUNK, budget);
    const maxBinding = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
    this.pool = new BufferPool(device, {
      usage: STORAGE_USAGE,
      maxPooledBytes: options.maxPooledBytes,
      maxBufferSize: Math.floor(maxBinding / 16) * 16,
      label: "edgetorch storage",
    });
    this.staging = new BufferPool(device, {
      usage: STAGING_USAGE,
      maxPooledBytes: 64 * 1024 * 1024,
      maxBufferSize: limits.maxBufferSize,
      label: "edgetorch staging",
    });
    this.gpuErrors = new GpuErrors(device);
    this.pipelines = new PipelineCache(device, this.gpuErrors, options.wgslOverrides);
    this.slot = Math.max(256, limits.minUniformBufferOffsetAlignment);
    this.#params = new ArrayBuffer(this.slot * MAX_BATCH);
    this.u32 = new Uint32Array(this.#params);
    this.i32 = new Int32Array(this.#params);
    this.f32 = new Float32Array(this.#params);
    this.uniform = device.createBuffer({
      size: this.slot * MAX_BATCH,
      usage: UNIFORM_USAGE,
      label: "edgetorch params",
    });
  }

  trim(): void {
    this.flush();
    this.pool.trim();
    this.#destroyDoomed();
  }

  /** Called by gpu.ts when the device is lost: every later call throws with this reason. */
  markLost(reason: string): void {
    this.#lost = reason;
  }

  /** Why the device was lost (null while it works). */
  get lost(): string | null {
    return this.#lost;
  }

  /** Command buffers submitted so far. */
  get submits(): number {
    return this.#submits;
  }

  /** Returns a dropped or disposed storage's buffer to the pool. */
  reclaim(e: PoolEntry): void {
    if (this.#lost !== null) return;
    this.pool.release(e);
    this.scheduleFlush();
  }

  /** Throws once the device is lost or a WebGPU error failed the backend. */
  checkAlive(): void {
    if (this.#lost !== null) throw new Error(`gpu: the WebGPU device was lost (${this.#lost})`);
    this.gpuErrors.check("gpu");
  }

  /** `s` as this backend's storage, computed (a kernel is about to read its buffer). */
  storage(op: string, s: Storage): WebGPUStorage {
    const st = this.operand(op, s);
    if (st._lazy) lazyOps.materialize(this, st);
    return st;
  }

  /** `s` as this backend's storage, possibly pending (an operand of a pointwise graph). */
  operand(op: string, s: Storage): WebGPUStorage {
    this.checkAlive();
    if (!(s instanceof WebGPUStorage)) {
      throw new TypeError(`${op}: expected a gpu storage, got a ${s?.device ?? typeof s} storage`);
    }
    if (s.disposed) {
      throw new Error(`${op}: gpu ${s.dtype} storage of ${s.numel} elements: storage was disposed`);
    }
    if (s._ctx !== this) throw new Error(`${op}: the storage belongs to another GPU device`);
    return s;
  }

  /** A new storage of `numel` elements (contents unspecified). */
  alloc(dtype: DType, numel: number): WebGPUStorage {
    checkDeviceDType("gpu backend", dtype, "gpu");
    if (numel === 0) return new WebGPUStorage(this, dtype, 0, null);
    return new WebGPUStorage(this, dtype, numel, this.pool.acquire(numel * 4));
  }

  /** A pooled scratch buffer of at least `words` 32-bit words (give it back with `release`). */
  temp(words: number): PoolEntry {
    return this.pool.acquire(Math.max(words, 1) * 4);
  }

  /** Returns a scratch buffer to the pool. */
  release(e: PoolEntry): void {
    this.pool.release(e);
  }

  // ---- encoding --------------------------------------------------------------------------------

  /** The open command encoder, made (and its submit scheduled) when there is none. */
  encoderNow(): GPUCommandEncoder {
    if (!this.encoder) {
      this.encoder = this.gpu.createCommandEncoder({ label: "edgetorch batch" });
      this.scheduleFlush();
    }
    return this.encoder;
  }

  #endPass(): void {
    if (this.pass) {
      this.pass.end();
      this.pass = null;
    }
  }

  /** Encoder with no open pass, for copies and clears. */
  copyEncoder(): GPUCommandEncoder {
    const enc = this.encoderNow();
    this.#endPass();
    return enc;
  }

  /** Computes pending values and submits at the next microtask checkpoint (once). */
  scheduleFlush(): void {
    if (this.#flushQueued) return;
    this.#flushQueued = true;
    queueMicrotask(() => {
      this.#flushQueued = false;
      if (this.#lost !== null) return;
      try {
        this.flush();
      } catch (e) {
        // Ops check what could fail before they return: this is a bug, reported by the next read.
        this.gpuErrors.fail(`computing pending work failed: ${(e as Error)?.message ?? e}`);
      }
    });
  }

  /**
   * Computes every pending value and write and submits every encoded command now (this otherwise
   * happens at the next await or read).
   */
  flush(): void {
    lazyOps.flushLazy(this);
    this.submit();
  }

  /** Submits the encoded commands (pending values stay pending). */
  submit(): void {
    if (!this.encoder) {
      this.#destroyDoomed();
      return;
    }
    this.#endPass();
    if (this.dispatches > 0) {
      this.gpu.queue.writeBuffer(this.uniform, 0, this.#params, 0, this.dispatches * this.slot);
    }
    const encoder = this.encoder, dispatches = this.dispatches;
    this.encoder = null;
    this.dispatches = 0;
    this.epoch++;
    this.gpuErrors.scoped(
      () => this.gpu.queue.submit([encoder.finish()]),
      (e) => `a batch of ${dispatches} dispatches was rejected: ${e.message.trim()}`,
    );
    this.#submits++;
    this.#destroyDoomed();
  }

  #destroyDoomed(): void {
    for (const e of this.pool.takeDoomed()) this.#destroy(e);
    for (const e of this.staging.takeDoomed()) e.buffer.destroy();
  }

  /** Waits until the GPU has finished everything submitted so far (flushes first). */
  async sync(): Promise<void> {
    this.checkAlive();
    this.flush();
    await this.gpu.queue.onSubmittedWorkDone();
    await this.gpuErrors.settle("sync");
  }

  /** Destroys a pooled buffer and forgets the bind groups that use it. */
  #destroy(e: PoolEntry): void {
    if (e.groups) { for (const key of e.groups) this.groups.delete(key); }
    e.groups = null;
    e.buffer.destroy();
  }

  /** The buffer of a computed, non-empty storage. */
  entryOf(s: WebGPUStorage): PoolEntry {
    if (s._lazy) throw new Error("internal: a pending gpu storage was read as a buffer");
    const e = s._entry;
    if (!e) throw new Error("internal: empty gpu storage has no buffer");
    return e;
  }

  /** A storage was disposed: a pending value or write of it is dropped. */
  dropped(s: WebGPUStorage): void {
    if (s._lazy) lazyOps.settle(s);
    lazyOps.forgetValue(s);
  }

  /** The storage holding `node`'s value (a leaf of the graphs that use it), or null. */
  readonly leafOf = (node: LazyNode<WebGPUStorage>): WebGPUStorage | null => {
    const o = node.out;
    return o !== null && o._node === node && o._lazy === null && o._buffer !== null && !o.disposed ? o : null;
  };

  /** Leaves of nodes just made, until `makePending` (lazy.ts) takes them. */
  readonly nodeLeaves: WeakMap<LazyNode<WebGPUStorage>, WebGPUStorage[]> = new WeakMap();

  /** `st` as this backend's computed float32 storage of `numel` elements (`what` names it in errors). */
  float32(op: string, st: Storage, numel: number, what: string): WebGPUStorage {
    return checkFloat32(op, this.storage(op, st), numel, what);
  }
}
