/**
 * The GPU backend: WGSL kernels (`wgsl/`, embedded at build time) run through the runtime's
 * native WebGPU (`navigator.gpu`). Obtain it with `await gpu.isAvailable()` (`src/gpu.ts`), which
 * requests the adapter and device once and registers the backend for device `"gpu"`.
 *
 * Storage: every element is one 32-bit word on the GPU. float32 and int32 are themselves;
 * float16 is held as f32 values rounded to half precision (converted exactly on upload and
 * read, so reads give the same half bits; kernels that produce float16, i.e. `cast`, round to
 * nearest even), which works without the `shader-f16` feature; uint8 and bool are held as u32
 * (0..255, 0/1). So one strided-copy, gather and where kernel serves every dtype, and no kernel
 * needs byte-level atomics. The cost is memory: bool/uint8 take 4 bytes and float16 2 bytes more
 * per element than on the CPU.
 *
 * Memory: buffers come from a size-bucketed pool ({@link BufferPool}); `dispose()` returns a
 * storage's buffer at once and a `FinalizationRegistry` returns the buffers of storages the
 * program dropped (finalizers run between tasks, i.e. at an `await`, after the garbage collector
 * noticed the storage). {@link WebGPUBackend.liveBytes} and {@link WebGPUBackend.pooledBytes} expose
 * the accounting.
 *
 * Execution: kernels are encoded into one command encoder (one compute pass while only dispatches
 * follow each other) and submitted when a read needs the results, after {@link MAX_BATCH}
 * dispatches, or at the next microtask checkpoint (when the caller awaits), whichever is first.
 * Nothing reads back behind the caller's back: `read()` is the only sync point.
 *
 * Fusion (`fusion.ts`): the pointwise ops (unary, binary, where, cast, fill, whole copies) and
 * float32 matmuls do not dispatch when called; they return pending storages holding an expression
 * graph, and a graph becomes one generated kernel when a non-pointwise kernel reads its value, at
 * a read, `sync()`, `flush()`, `liveBytes()` or the next microtask checkpoint. A graph over a matmul's
 * product is that matmul's epilogue (bias, activation and whatever else reads only the product),
 * and graphs of one length are segments of one kernel. Inside {@link WebGPUBackend.batchWrites}
 * (an optimizer step), in-place updates stay pending too, so the updates of every parameter of a
 * step run as one kernel (a multi-tensor apply). Pending values have no buffer until computed.
 *
 * Errors found on the device: gather/scatterAdd with an index outside `[0, len)` throw the CPU's
 * RangeError synchronously when the index storage's contents are known on the host (int32
 * storages of up to 2^18 elements made by `fromTyped`/`full` and not written since); otherwise the
 * kernel records the first bad index in the op's own slot of the error pages (a {@link DeviceCheck}),
 * and the check travels with every storage computed from the op's result (kernels' outputs,
 * copies, in-place updates): reading any of them rejects with that RangeError, every time, while
 * reads of storages that do not depend on the op are unaffected. {@link WebGPUBackend.rangeGuard}
 * does the same for the value checks of front-end ops (class indices, probabilities). A read resolves every pending check in
 * the same submission; so does a background read when many accumulate.
 *
 * WebGPU errors (a kernel that fails to compile, any validation or out-of-memory error) fail the
 * backend: the next read or sync throws them, and so does every op after (see `errors.ts`).
 * @module
 */
import { checkDeviceDType, type ComputeDType, type DType, type TypedArray } from "../../dtype.ts";
import {
  type AdamUpdateOptions,
  ARITHMETIC_OPS,
  type AvgPoolOptions,
  type Backend,
  type BinaryOp,
  COMPARISON_OPS,
  type Conv2dGeometry,
  conv2dGeometryWords,
  type MatmulArgs,
  type Operand,
  type Pool2dGeometry,
  REDUCE_OPS,
  type ReduceOp,
  type SgdUpdateOptions,
  type Storage,
  UNARY_OPS,
  type UnaryOp,
} from "../backend.ts";
import {
  badIndexError,
  checkAvg,
  checkConvGeom,
  checkCount,
  checkIndex,
  checkLayout,
  checkMatmul,
  checkPoolGeom,
  describeValue,
  planCopy,
  readRange,
} from "../validate.ts";
import { bufferId, BufferPool, type PoolEntry } from "./buffer_pool.ts";
import { DeviceCheck, liveChecks, MAX_PENDING_CHECKS, SLOTS_PER_PAGE } from "./checks.ts";
import { GpuErrors } from "./errors.ts";
import {
  type FusedProgram,
  type FusedSegment,
  type FusedStore,
  FusionLimit,
  generate,
  LazyNode,
  type LazyOp,
  type Operand as LazyOperand,
  operandsOf,
} from "./fusion.ts";
import { f32Bits, f32BitsToHalf, halfToF32Bits } from "./half.ts";
import {
  ARG_EXPR,
  ARITHMETIC_EXPR,
  castBody,
  COMPARISON_EXPR,
  type GpuComputeDType,
  type Kernel,
  PipelineCache,
  REDUCE_EXPR,
  UNARY_EXPR,
  WGSL_TYPE,
} from "./pipelines.ts";
import {
  type Binding,
  ceilDiv,
  COL_CHUNK,
  EPILOGUE_WORDS,
  FUSED_WORDS,
  gpuCompute,
  HOST_INDEX_LIMIT,
  LOOP_BUDGET,
  MAP_READ,
  MAX_BATCH,
  MAX_BIND_GROUPS,
  MAX_FUSED_BUFFERS,
  MAX_FUSED_LEAVES,
  MAX_FUSED_NODES,
  MAX_FUSED_WORDS,
  MAX_PENDING,
  ROW_CHUNK_PER_INVOCATION,
  SCAN_CHUNK,
  STAGING_USAGE,
  STORAGE_USAGE,
  TYPED_CTOR,
  UNIFORM_USAGE,
  WG,
} from "./shared.ts";
import { WebGPUStorage } from "./storage.ts";

export { DeviceCheck } from "./checks.ts";
export { WebGPUStorage } from "./storage.ts";
export { LOOP_BUDGET, MAX_BATCH } from "./shared.ts";

// ---------------------------------------------------------------------------------------------
// Backend

/** Options of {@link WebGPUBackend}. */
export interface WebGPUBackendOptions {
  /**
   * Largest number of workgroups per grid dimension the backend uses (default: the device's
   * `maxComputeWorkgroupsPerDimension`). Tests lower it to exercise the folded 2-d grids on small
   * inputs.
   */
  maxWorkgroupsPerDimension?: number;
  /** Free bytes the buffer pool keeps for reuse (default 256 MiB). */
  maxPooledBytes?: number;
  /**
   * The float32 matmul kernel: `"tiled"` (operand slices through workgroup memory, for GPUs) or
   * `"direct"` (register blocks fed straight from the buffers, faster on CPU-based adapters such
   * as llvmpipe). `gpu.isAvailable()` picks by adapter; the default here is `"tiled"`.
   */
  matmulKernel?: "tiled" | "direct";
  /**
   * Kernel shapes tuned for real GPUs (`"gpu"`, the default) or for CPU-based adapters such as
   * Mesa llvmpipe (`"cpu"`: the direct matmul kernel, 32-invocation reduction workgroups, since
   * each barrier level costs a pass over the whole workgroup there). `gpu.isAvailable()` picks
   * by adapter.
   */
  tuning?: "gpu" | "cpu";
  /**
   * Loop iterations one kernel invocation may run (default {@link LOOP_BUDGET}, at least 64);
   * longer work is split over more invocations or dispatches. Tests lower it to exercise the split
   * paths on small inputs.
   */
  loopBudget?: number;
  /**
   * Replacement WGSL for kernels, by name (e.g. `"elementwise.unary"`), for kernel development
   * and for tests of a kernel that does not compile.
   */
  wgslOverrides?: Readonly<Record<string, string>>;
}

export type { AdamUpdateOptions, SgdUpdateOptions } from "../backend.ts";

/** The WebGPU backend (see the module documentation). */
export class WebGPUBackend implements Backend {
  /** Always `"gpu"`. */
  readonly device = "gpu" as const;
  /** The WebGPU device the kernels run on. */
  readonly gpu: GPUDevice;
  readonly #pool: BufferPool;
  readonly #staging: BufferPool;
  readonly #pipelines: PipelineCache;
  readonly #gpuErrors: GpuErrors;
  readonly #maxGroups: number;
  readonly #matmulKernel: "tiled" | "direct";
  /** Invocations per workgroup of the row-reduction and softmax kernels. */
  readonly #wg: number;
  readonly #cpuTuned: boolean;
  readonly #loopBudget: number;
  /** Elements one invocation of the column reductions loops over (within the loop budget). */
  readonly #colChunk: number;
  readonly #slot: number;
  readonly #params: ArrayBuffer;
  readonly #u32: Uint32Array;
  readonly #i32: Int32Array;
  readonly #f32: Float32Array;
  readonly #uniform: GPUBuffer;
  readonly #errorPages: PoolEntry[] = [];
  readonly #freeSlots: number[] = [];
  #pendingChecks: DeviceCheck[] = [];
  #checkSeq = 0;
  #encoder: GPUCommandEncoder | null = null;
  #pass: GPUComputePassEncoder | null = null;
  #dispatches = 0;
  #epoch = 0;
  #flushQueued = false;
  #lost: string | null = null;
  #submits = 0;
  #dispatchTotal = 0;
  readonly #groups = new Map<string, { group: GPUBindGroup; entries: PoolEntry[] }>();
  /** Storage buffers one fused kernel may bind. */
  readonly #maxBuffers: number;
  /** Storages with a pending value or write (see fusion.ts), in the order they were made. */
  #pending: WebGPUStorage[] = [];
  /** Depth of {@link batchWrites} scopes. */
  #batchDepth = 0;
  #bindGroupsCreated = 0;
  /** @internal when an array, the name of every kernel dispatched is pushed to it (tests, benches) */
  _trace: string[] | null = null;

  /** A backend running on `device` (normally made once by `gpu.isAvailable()`). */
  constructor(device: GPUDevice, options: WebGPUBackendOptions = {}) {
    this.gpu = device;
    const limits = device.limits;
    this.#maxGroups = Math.max(
      1,
      Math.min(options.maxWorkgroupsPerDimension ?? Infinity, limits.maxComputeWorkgroupsPerDimension),
    );
    const cpuTuned = options.tuning === "cpu";
    this.#matmulKernel = options.matmulKernel ?? (cpuTuned ? "direct" : "tiled");
    this.#wg = cpuTuned ? 32 : 256;
    this.#cpuTuned = cpuTuned;
    const budget = options.loopBudget ?? LOOP_BUDGET;
    if (!Number.isInteger(budget) || budget < 64 || budget > LOOP_BUDGET) {
      throw new RangeError(
        `WebGPUBackend: loopBudget must be an integer in [64, ${LOOP_BUDGET}], got ${budget}`,
      );
    }
    this.#loopBudget = budget;
    this.#maxBuffers = Math.max(4, Math.min(limits.maxStorageBuffersPerShaderStage, MAX_FUSED_BUFFERS));
    this.#colChunk = Math.min(COL_CHUNK, budget);
    const maxBinding = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
    this.#pool = new BufferPool(device, {
      usage: STORAGE_USAGE,
      maxPooledBytes: options.maxPooledBytes,
      maxBufferSize: Math.floor(maxBinding / 16) * 16,
      label: "edgetorch storage",
    });
    this.#staging = new BufferPool(device, {
      usage: STAGING_USAGE,
      maxPooledBytes: 64 * 1024 * 1024,
      maxBufferSize: limits.maxBufferSize,
      label: "edgetorch staging",
    });
    this.#gpuErrors = new GpuErrors(device);
    this.#pipelines = new PipelineCache(device, this.#gpuErrors, options.wgslOverrides);
    this.#slot = Math.max(256, limits.minUniformBufferOffsetAlignment);
    this.#params = new ArrayBuffer(this.#slot * MAX_BATCH);
    this.#u32 = new Uint32Array(this.#params);
    this.#i32 = new Int32Array(this.#params);
    this.#f32 = new Float32Array(this.#params);
    this.#uniform = device.createBuffer({
      size: this.#slot * MAX_BATCH,
      usage: UNIFORM_USAGE,
      label: "edgetorch params",
    });
  }

  // ---- bookkeeping ----------------------------------------------------------------------------

  /**
   * Bytes of GPU buffers held by live storages (pool buckets, not element counts). Pending values
   * (see the module documentation) are computed first, so they count as the buffers they will take.
   */
  liveBytes(): number {
    if (this.#lost === null) this.#flushLazy();
    return this.#pool.liveBytes;
  }

  /** Bytes of free buffers the pool keeps for reuse. */
  pooledBytes(): number {
    return this.#pool.pooledBytes;
  }

  /** Buffers created and requests served from the pool (tests and benchmarks). */
  poolStats(): { created: number; reused: number } {
    return this.#pool.stats;
  }

  /** Number of compiled pipelines. */
  pipelineCount(): number {
    return this.#pipelines.size;
  }

  /** Keys (kernel name and template values) of the compiled pipelines (tests, CI checks). */
  pipelineKeys(): string[] {
    return this.#pipelines.keys();
  }

  /** Kernel name and template values of the compiled pipelines (`kernelSource` gives the WGSL). */
  pipelineSpecs(): { name: string; subs: Readonly<Record<string, string>> }[] {
    return this.#pipelines.specs();
  }

  /** Command buffers submitted so far (tests check that ops batch). */
  submitCount(): number {
    return this.#submits;
  }

  /**
   * Counters since the backend was made: compute dispatches encoded, bind groups created and
   * command buffers submitted (benchmarks report them per training step).
   */
  stats(): { dispatches: number; bindGroups: number; submits: number } {
    return { dispatches: this.#dispatchTotal, bindGroups: this.#bindGroupsCreated, submits: this.#submits };
  }

  /** Destroys the pool's free buffers (live storages keep theirs). */
  trim(): void {
    this.flush();
    this.#pool.trim();
    this.#destroyDoomed();
  }

  /** Called by gpu.ts when the device is lost: every later call throws with this reason. */
  markLost(reason: string): void {
    this.#lost = reason;
  }

  /** @internal returns a dropped or disposed storage's buffer to the pool */
  _reclaim(e: PoolEntry): void {
    if (this.#lost !== null) return;
    this.#pool.release(e);
    this.#scheduleFlush();
  }

  #checkAlive(): void {
    if (this.#lost !== null) throw new Error(`gpu: the WebGPU device was lost (${this.#lost})`);
    this.#gpuErrors.check("gpu");
  }

  /** `s` as this backend's storage, computed (a kernel is about to read its buffer). */
  #storage(op: string, s: Storage): WebGPUStorage {
    const st = this.#operand(op, s);
    if (st._lazy) this.#materialize(st);
    return st;
  }

  /** `s` as this backend's storage, possibly pending (an operand of a pointwise graph). */
  #operand(op: string, s: Storage): WebGPUStorage {
    this.#checkAlive();
    if (!(s instanceof WebGPUStorage)) {
      throw new TypeError(`${op}: expected a gpu storage, got a ${s?.device ?? typeof s} storage`);
    }
    if (s.disposed) {
      throw new Error(`${op}: gpu ${s.dtype} storage of ${s.numel} elements: storage was disposed`);
    }
    if (s._backend !== this) throw new Error(`${op}: the storage belongs to another GPU device`);
    return s;
  }

  /** A new storage of `numel` elements (contents unspecified). */
  #alloc(dtype: DType, numel: number): WebGPUStorage {
    checkDeviceDType("gpu backend", dtype, "gpu");
    if (numel === 0) return new WebGPUStorage(this, dtype, 0, null);
    return new WebGPUStorage(this, dtype, numel, this.#pool.acquire(numel * 4));
  }

  #temp(words: number): PoolEntry {
    return this.#pool.acquire(Math.max(words, 1) * 4);
  }

  #release(e: PoolEntry): void {
    this.#pool.release(e);
  }

  // ---- encoding --------------------------------------------------------------------------------

  #encoderNow(): GPUCommandEncoder {
    if (!this.#encoder) {
      this.#encoder = this.gpu.createCommandEncoder({ label: "edgetorch batch" });
      this.#scheduleFlush();
    }
    return this.#encoder;
  }

  #endPass(): void {
    if (this.#pass) {
      this.#pass.end();
      this.#pass = null;
    }
  }

  /** Encoder with no open pass, for copies and clears. */
  #copyEncoder(): GPUCommandEncoder {
    const enc = this.#encoderNow();
    this.#endPass();
    return enc;
  }

  #scheduleFlush(): void {
    if (this.#flushQueued) return;
    this.#flushQueued = true;
    queueMicrotask(() => {
      this.#flushQueued = false;
      if (this.#lost !== null) return;
      try {
        this.flush();
      } catch (e) {
        // Ops check what could fail before they return: this is a bug, reported by the next read.
        this.#gpuErrors.fail(`computing pending work failed: ${(e as Error)?.message ?? e}`);
      }
    });
  }

  /**
   * Computes every pending value and write and submits every encoded command now (this otherwise
   * happens at the next await or read).
   */
  flush(): void {
    this.#flushLazy();
    this.#submit();
  }

  /** Submits the encoded commands (pending values stay pending). */
  #submit(): void {
    if (!this.#encoder) {
      this.#destroyDoomed();
      return;
    }
    this.#endPass();
    if (this.#dispatches > 0) {
      this.gpu.queue.writeBuffer(this.#uniform, 0, this.#params, 0, this.#dispatches * this.#slot);
    }
    const encoder = this.#encoder, dispatches = this.#dispatches;
    this.#encoder = null;
    this.#dispatches = 0;
    this.#epoch++;
    this.#gpuErrors.scoped(
      () => this.gpu.queue.submit([encoder.finish()]),
      (e) => `a batch of ${dispatches} dispatches was rejected: ${e.message.trim()}`,
    );
    this.#submits++;
    this.#destroyDoomed();
  }

  #destroyDoomed(): void {
    for (const e of this.#pool.takeDoomed()) this.#destroy(e);
    for (const e of this.#staging.takeDoomed()) e.buffer.destroy();
  }

  /** Waits until the GPU has finished everything submitted so far (flushes first). */
  async sync(): Promise<void> {
    this.#checkAlive();
    this.flush();
    await this.gpu.queue.onSubmittedWorkDone();
    await this.#gpuErrors.settle("sync");
  }

  /** Reserves the next dispatch's uniform slot; returns its first 32-bit word index. */
  #paramWords(): number {
    if (this.#dispatches >= MAX_BATCH) this.#submit();
    this.#encoderNow();
    const base = (this.#dispatches * this.#slot) >>> 2;
    this.#u32.fill(0, base, base + (this.#slot >>> 2));
    return base;
  }

  /** Encodes a dispatch whose parameters were just written at `base` (from {@link #paramWords}). */
  #dispatch(k: Kernel, base: number, bindings: Binding[], x: number, y = 1, z = 1): void {
    const pipeline = k.pipeline ?? this.#pipelines.pipeline(k, bindings.map((b) => b.binding));
    const group = this.#bindGroup(k, bindings);
    const enc = this.#encoderNow();
    if (!this.#pass) this.#pass = enc.beginComputePass();
    this.#pass.setPipeline(pipeline);
    this.#pass.setBindGroup(0, group, [base * 4]);
    this.#pass.dispatchWorkgroups(x, y, z);
    this.#dispatches++;
    this.#dispatchTotal++;
    this._trace?.push(k.name);
  }

  /**
   * The bind group of kernel `k` over `bindings`' buffers: made once per (kernel, buffers) and
   * kept while the buffers live (the uniform parameters are bound at a dynamic offset, so a
   * training loop, whose steps reuse the same pooled buffers, creates almost none).
   */
  #bindGroup(k: Kernel, bindings: Binding[]): GPUBindGroup {
    let key = String(k.id);
    for (const b of bindings) {
      key += `,${b.entry.id}`;
      b.entry.epoch = this.#epoch;
    }
    const hit = this.#groups.get(key);
    if (hit) return hit.group;
    if (this.#groups.size >= MAX_BIND_GROUPS) this.#dropBindGroups();
    const entries: GPUBindGroupEntry[] = [
      { binding: 0, resource: { buffer: this.#uniform, offset: 0, size: this.#slot } },
    ];
    const used: PoolEntry[] = [];
    for (const b of bindings) {
      entries.push({ binding: b.binding, resource: { buffer: b.entry.buffer } });
      (b.entry.groups ??= []).push(key);
      used.push(b.entry);
    }
    const group = this.gpu.createBindGroup({ layout: k.layout!, entries });
    this.#bindGroupsCreated++;
    this.#groups.set(key, { group, entries: used });
    return group;
  }

  /** Forgets every cached bind group. */
  #dropBindGroups(): void {
    for (const { entries } of this.#groups.values()) for (const e of entries) e.groups = null;
    this.#groups.clear();
  }

  /** Destroys a pooled buffer and forgets the bind groups that use it. */
  #destroy(e: PoolEntry): void {
    if (e.groups) { for (const key of e.groups) this.#groups.delete(key); }
    e.groups = null;
    e.buffer.destroy();
  }

  /** Grid of `groups` workgroups, folded into 2-d when it exceeds the per-dimension limit. */
  #grid(groups: number): [number, number] {
    const max = this.#maxGroups;
    if (groups <= max) return [Math.max(groups, 1), 1];
    const y = ceilDiv(groups, max);
    if (y > max) throw new RangeError(`gpu: a dispatch of ${groups} workgroups is too large`);
    return [ceilDiv(groups, y), y];
  }

  /**
   * `[lo, hi)` slices of `0 .. len` for a loop that advances `step` per `iters` iterations, each
   * slice within the loop budget (one slice when the whole range fits); slice bounds are multiples
   * of `step`.
   */
  #slices(len: number, step: number, iters: number): [number, number][] {
    const size = Math.max(1, Math.floor(this.#loopBudget / iters)) * step;
    const out: [number, number][] = [];
    for (let lo = 0; lo < len; lo += size) out.push([lo, Math.min(len, lo + size)]);
    return out;
  }

  /** Dispatches a 1-d kernel over `threads` invocations (256 per workgroup). */
  #run1d(k: Kernel, base: number, bindings: Binding[], threads: number): void {
    const [x, y] = this.#grid(ceilDiv(threads, WG));
    this.#dispatch(k, base, bindings, x, y);
  }

  /** Writes `data` into a storage buffer (flushing first if pending commands use the buffer). */
  #upload(e: PoolEntry, data: ArrayBufferView): void {
    if (e.epoch === this.#epoch && this.#encoder) this.#submit();
    this.gpu.queue.writeBuffer(e.buffer, 0, data.buffer as ArrayBuffer, data.byteOffset, data.byteLength);
  }

  #entryOf(s: WebGPUStorage): PoolEntry {
    if (s._lazy) throw new Error("internal: a pending gpu storage was read as a buffer");
    const e = s._entry;
    if (!e) throw new Error("internal: empty gpu storage has no buffer");
    return e;
  }

  // ---- memory ----------------------------------------------------------------------------------

  #checkTyped(op: string, data: TypedArray, dtype: DType): void {
    const Ctor = TYPED_CTOR[dtype];
    if (!Ctor) throw new TypeError(`${op}: unknown dtype ${JSON.stringify(dtype)}`);
    if (!(data instanceof Ctor)) {
      throw new TypeError(
        `${op}: ${dtype} needs a ${Ctor.name}, got ${data?.constructor?.name ?? typeof data}`,
      );
    }
  }

  fromTyped(data: TypedArray, dtype: DType): WebGPUStorage {
    this.#checkAlive();
    this.#checkTyped("fromTyped", data, dtype);
    checkDeviceDType("fromTyped", dtype, "gpu");
    const n = data.length;
    const out = this.#alloc(dtype, n);
    if (n === 0) return out;
    let words: ArrayBufferView;
    if (dtype === "float32" || dtype === "int32") {
      words = data;
    } else if (dtype === "float16") {
      const w = new Uint32Array(n);
      for (let i = 0; i < n; i++) w[i] = halfToF32Bits(data[i]);
      words = w;
    } else {
      words = Uint32Array.from(data as Uint8Array);
    }
    this.#upload(this.#entryOf(out), words);
    if (dtype === "int32" && n <= HOST_INDEX_LIMIT) out._host = (data as Int32Array).slice();
    return out;
  }

  full(dtype: DType, numel: number, value: number): WebGPUStorage {
    this.#checkAlive();
    checkCount("full", "numel", numel);
    if (!(dtype in TYPED_CTOR)) throw new TypeError(`full: unknown dtype ${JSON.stringify(dtype)}`);
    checkDeviceDType("full", dtype, "gpu");
    if (numel === 0) return this.#alloc(dtype, 0);
    let bits: number;
    if (dtype === "float32") bits = f32Bits(value);
    else if (dtype === "float16") bits = halfToF32Bits(f32BitsToHalf(f32Bits(value)));
    else if (dtype === "bool") bits = value !== 0 ? 1 : 0;
    else {
      const v = Number.isFinite(value) ? Math.trunc(value) : 0;
      bits = dtype === "uint8" ? v & 255 : v | 0;
    }
    // Pending: a graph that reads it reads one uniform word.
    const out = this.#lazy(dtype, numel, [], () => ({ kind: "fill", bits: bits >>> 0 }));
    if (dtype === "int32" && numel <= HOST_INDEX_LIMIT) out._host = new Int32Array(numel).fill(bits | 0);
    return out;
  }

  #fillEntry(e: PoolEntry, numel: number, bits: number): void {
    if (bits === 0) {
      this.#copyEncoder().clearBuffer(e.buffer, 0, numel * 4);
      e.epoch = this.#epoch;
      return;
    }
    const base = this.#paramWords();
    this.#u32[base] = numel;
    this.#u32[base + 1] = bits >>> 0;
    this.#run1d(this.#pipelines.get("elementwise.fill"), base, [{ binding: 1, entry: e }], numel);
  }

  /**
   * A storage of `numel` elements whose contents are unspecified (a pooled buffer as it was left):
   * for results that a kernel or `copy` overwrites entirely, it saves `full`'s clear.
   */
  empty(dtype: DType, numel: number): WebGPUStorage {
    this.#checkAlive();
    checkCount("empty", "numel", numel);
    if (!(dtype in TYPED_CTOR)) throw new TypeError(`empty: unknown dtype ${JSON.stringify(dtype)}`);
    checkDeviceDType("empty", dtype, "gpu");
    return this.#alloc(dtype, numel);
  }

  readSync(s: Storage, _offset?: number, _count?: number): TypedArray {
    this.#operand("readSync", s);
    throw new Error(
      "readSync: a gpu tensor cannot be read synchronously; use await t.dataAsync() " +
        '(or itemAsync() / toArrayAsync()), or move it with t.to("cpu") after awaiting',
    );
  }

  async read(s: Storage, offset?: number, count?: number): Promise<TypedArray> {
    const st = this.#storage("read", s);
    const [from, to] = readRange("read", st.numel, offset, count);
    const n = to - from;
    const bytes = n * 4;
    let staging: PoolEntry | null = null;
    if (n > 0) {
      staging = this.#staging.acquire(bytes);
      this.#copyEncoder().copyBufferToBuffer(this.#entryOf(st).buffer, from * 4, staging.buffer, 0, bytes);
    }
    const checks = this.#resolvePending();
    let words: Uint32Array | null = null;
    if (staging) {
      try {
        await staging.buffer.mapAsync(MAP_READ, 0, bytes);
        words = new Uint32Array(staging.buffer.getMappedRange(0, bytes).slice(0));
        staging.buffer.unmap();
      } finally {
        this.#staging.release(staging);
      }
    }
    await checks;
    await this.#gpuErrors.settle("read");
    await this.#throwIfFailed(st);
    return this.#decode(st.dtype, words ?? new Uint32Array(0));
  }

  #decode(dtype: DType, words: Uint32Array): TypedArray {
    switch (dtype) {
      case "float32":
        return new Float32Array(words.buffer, words.byteOffset, words.length);
      case "int32":
        return new Int32Array(words.buffer, words.byteOffset, words.length);
      case "float16": {
        const out = new Uint16Array(words.length);
        for (let i = 0; i < words.length; i++) out[i] = f32BitsToHalf(words[i]);
        return out;
      }
      case "uint8":
      case "bool":
        return Uint8Array.from(words);
      case "float64":
        throw new TypeError("read: float64 storages never live on the gpu");
    }
  }

  // ---- checks found on the device ---------------------------------------------------------------

  /** A new pending check with a free slot of the error pages (see {@link DeviceCheck}). */
  #newCheck(makeError: (bits: number) => Error): DeviceCheck {
    if (this.#pendingChecks.length >= MAX_PENDING_CHECKS) {
      // Nobody read for a long time: resolve in the background so that slots come back.
      this.#resolvePending().catch(() => {});
    }
    if (this.#freeSlots.length === 0) {
      const page = this.#errorPages.length;
      // New buffers are zero-filled, which is the clear state of a slot.
      const buffer = this.gpu.createBuffer({
        size: SLOTS_PER_PAGE * 16,
        usage: STORAGE_USAGE,
        label: `edgetorch checks ${page}`,
      });
      this.#errorPages.push({ buffer, id: bufferId(), size: SLOTS_PER_PAGE * 16, epoch: -1, live: true });
      for (let i = SLOTS_PER_PAGE - 1; i >= 0; i--) this.#freeSlots.push(page * SLOTS_PER_PAGE + i);
    }
    const c = new DeviceCheck(++this.#checkSeq, this.#freeSlots.pop()!, makeError);
    this.#pendingChecks.push(c);
    return c;
  }

  /** The page holding a check's slot and the slot's index within it. */
  #slotOf(c: DeviceCheck): [PoolEntry, number] {
    return [this.#errorPages[Math.floor(c.slot / SLOTS_PER_PAGE)], c.slot % SLOTS_PER_PAGE];
  }

  /**
   * Copies the slots of every pending check to a staging buffer (clearing them for reuse), submits
   * everything encoded, and settles the checks once the copy is mapped. Every read calls it, so the
   * number of pending checks stays small.
   */
  #resolvePending(): Promise<void> {
    const checks = this.#pendingChecks;
    this.#pendingChecks = [];
    if (checks.length === 0) {
      this.flush();
      return Promise.resolve();
    }
    const bytes = checks.length * 16;
    const staging = this.#staging.acquire(bytes);
    const enc = this.#copyEncoder();
    checks.forEach((c, i) => {
      const [page, slot] = this.#slotOf(c);
      enc.copyBufferToBuffer(page.buffer, slot * 16, staging.buffer, i * 16, 16);
      enc.clearBuffer(page.buffer, slot * 16, 16);
    });
    this.flush();
    const done = (async () => {
      let words: Uint32Array;
      try {
        await staging.buffer.mapAsync(MAP_READ, 0, bytes);
        words = new Uint32Array(staging.buffer.getMappedRange(0, bytes).slice(0));
        staging.buffer.unmap();
      } finally {
        this.#staging.release(staging);
      }
      checks.forEach((c, i) => {
        this.#freeSlots.push(c.slot);
        c._settle(words.subarray(i * 4, i * 4 + 4));
      });
    })();
    for (const c of checks) c.resolving = done;
    return done;
  }

  /** Rejects with the earliest failed check `st` depends on (waiting for checks being resolved). */
  async #throwIfFailed(st: WebGPUStorage): Promise<void> {
    const list = st._checks;
    if (!list) return;
    for (const c of list) if (!c.resolved) await c.resolving;
    let first: DeviceCheck | null = null;
    for (const c of list) if (c.failure && (first === null || c.seq < first.seq)) first = c;
    if (first) throw first.failure!();
  }

  /** Makes `out` depend on the checks of `inputs` (and its own, for in-place writes); returns `out`. */
  #inherit<T extends WebGPUStorage>(out: T, ...inputs: (Storage | number | null | undefined)[]): T {
    const lists: (DeviceCheck[] | null)[] = [out._checks];
    for (const x of inputs) if (x instanceof WebGPUStorage) lists.push(x._checks);
    out._checks = liveChecks(lists);
    return out;
  }

  /** Adds check `c` to `out`'s checks. */
  #attach(out: WebGPUStorage, c: DeviceCheck): void {
    out._checks = out._checks ? [...out._checks, c] : [c];
  }

  /**
   * A range check of an op's input, for ops whose CPU form reads the values and throws at once
   * (reading a GPU tensor inside an op would be a hidden sync point): every element of `x` must
   * lie in `[lo, hi]` (NaN fails), or equal `allow`. When the host knows the contents (see
   * `fromTyped`), a bad element throws `message(value)` now; otherwise the device checks them, and
   * the returned one-element storage of `dtype` holding 1 carries the check: a result multiplied by
   * it (and everything computed from that, gradients included) rejects its reads with
   * `message(firstBadValue)` when an element fails.
   */
  rangeGuard(
    x: Storage,
    lo: number,
    hi: number,
    allow: number | null,
    message: (value: number) => string,
    dtype: DType = "float32",
  ): WebGPUStorage {
    const s = this.#storage("rangeGuard", x);
    const one = this.full(dtype, 1, 1);
    if (s.numel === 0) return one;
    const bad = (v: number) => !(v >= lo && v <= hi) && v !== allow;
    if (s._host) {
      for (const v of s._host) if (bad(v)) throw new RangeError(message(v));
      return one;
    }
    const isFloat = s.dtype === "float32" || s.dtype === "float16";
    const c = this.#newCheck((bits) => {
      const v = isFloat ? new Float32Array(new Uint32Array([bits]).buffer)[0] : bits | 0;
      return new RangeError(message(v));
    });
    const e = this.#entryOf(s);
    const base = this.#paramWords();
    const [page, slot] = this.#slotOf(c);
    const word = (v: number) =>
      isFloat ? f32Bits(v) : Math.max(-(2 ** 31), Math.min(2 ** 31 - 1, Math.trunc(v))) >>> 0;
    this.#u32.set([
      s.numel,
      slot,
      word(lo),
      word(hi),
      allow === null ? 0 : word(allow),
      allow === null ? 0 : 1,
    ], base);
    const k = this.#pipelines.get("index.check_range", {
      T: isFloat ? "f32" : "i32",
      NAN: isFloat ? "(bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u" : "false",
    });
    this.#run1d(k, base, [{ binding: 2, entry: e }, { binding: 5, entry: page }], s.numel);
    this.#errorValue(c, e);
    this.#inherit(one, s);
    this.#attach(one, c);
    return one;
  }

  /** Makes `target` depend on the device checks `source` depends on (see {@link rangeGuard}). */
  adoptChecks(target: Storage, source: Storage): void {
    this.#inherit(this.#operand("adoptChecks", target), this.#operand("adoptChecks", source));
  }

  /** Synchronous check from the host copy; returns false when the contents are unknown. */
  #hostCheck(op: string, idx: WebGPUStorage, len: number): boolean {
    const h = idx._host;
    if (!h) return false;
    for (let i = 0; i < h.length; i++) {
      const v = h[i];
      if (v < 0 || v >= len) throw badIndexError(op, v, len);
    }
    return true;
  }

  /** Encodes the dispatch that copies the first bad element of `src` into check `c`'s slot. */
  #errorValue(c: DeviceCheck, src: PoolEntry): void {
    const [page, slot] = this.#slotOf(c);
    const base = this.#paramWords();
    this.#u32[base] = slot;
    this.#dispatch(this.#pipelines.get("index.error_value"), base, [
      { binding: 2, entry: src },
      { binding: 5, entry: page },
    ], 1);
  }

  // ---- lazy pointwise graphs (fusion.ts) --------------------------------------------------------

  /** @internal a storage was disposed: a pending value or write of it is dropped */
  _dropped(s: WebGPUStorage): void {
    if (s._lazy) this.#settle(s);
    this.#forgetValue(s);
  }

  /** Ends a storage's pending state: its graph no longer reads the buffers it retained. */
  #settle(s: WebGPUStorage): void {
    s._lazy = null;
    const retains = s._retains;
    s._retains = null;
    if (!retains) return;
    for (const r of retains) {
      const readers = r._readers;
      if (!readers) continue;
      readers.delete(s);
      if (readers.size === 0) {
        r._readers = null;
        if (r.disposed) r._release();
      }
    }
  }

  /** The buffer of `s` no longer holds the value of the node it was computed from. */
  #forgetValue(s: WebGPUStorage): void {
    const n = s._node;
    if (n && n.out === s) n.out = null;
    s._node = null;
  }

  /** The storage holding `node`'s value (a leaf of the graphs that use it), or null. */
  readonly #leafOf = (node: LazyNode<WebGPUStorage>): WebGPUStorage | null => {
    const o = node.out;
    return o !== null && o._node === node && o._lazy === null && o._buffer !== null && !o.disposed ? o : null;
  };

  /**
   * A storage whose value is the pointwise `make(operands)` of `inputs` (storages or scalar
   * words), not computed yet. Pending inputs are inlined into the new graph unless it would grow
   * past the limits of one kernel, in which case they are computed first.
   */
  #lazy(
    dtype: DType,
    numel: number,
    inputs: readonly (WebGPUStorage | { scalar: number })[],
    make: (args: LazyOperand<WebGPUStorage>[]) => LazyOp<WebGPUStorage>,
  ): WebGPUStorage {
    this.#pool.sizeFor(numel * 4); // too large for the device: the op throws now
    const node = this.#node(dtype, numel, inputs, make);
    const out = new WebGPUStorage(this, dtype, numel, null);
    this.#makePending(out, node);
    return out;
  }

  /** Builds the graph node of {@link #lazy} (computing inputs first where limits require it). */
  #node(
    dtype: DType,
    numel: number,
    inputs: readonly (WebGPUStorage | { scalar: number })[],
    make: (args: LazyOperand<WebGPUStorage>[]) => LazyOp<WebGPUStorage>,
  ): LazyNode<WebGPUStorage> {
    for (;;) {
      let size = 1, words = 0, biggest: WebGPUStorage | null = null;
      const leaves = new Set<WebGPUStorage>();
      for (const x of inputs) {
        if (!(x instanceof WebGPUStorage)) {
          words++;
          continue;
        }
        const inline = this.#inlines(x);
        if (inline) {
          size += x._lazy!.size;
          words += x._lazy!.words;
          for (const r of x._retains ?? []) leaves.add(r);
          if (!biggest || x._lazy!.size > biggest._lazy!.size) biggest = x;
        } else {
          leaves.add(x);
          if (x.numel !== numel) words++;
        }
      }
      if (biggest && (size > MAX_FUSED_NODES || words > MAX_FUSED_WORDS || leaves.size > MAX_FUSED_LEAVES)) {
        this.#materialize(biggest);
        continue;
      }
      const args = inputs.map((x) =>
        x instanceof WebGPUStorage ? (this.#inlines(x) ? x._lazy! : x) : x
      ) as LazyOperand<WebGPUStorage>[];
      const node = new LazyNode<WebGPUStorage>(dtype, numel, make(args), size, words);
      this.#nodeLeaves.set(node, [...leaves]);
      return node;
    }
  }

  /** Leaves of nodes just made, until {@link #makePending} takes them. */
  readonly #nodeLeaves = new WeakMap<LazyNode<WebGPUStorage>, WebGPUStorage[]>();

  /**
   * Whether a new graph inlines pending `x` (its value recomputed from its own inputs) rather than
   * reading its buffer; a pending write read outside {@link batchWrites} is carried out first.
   */
  #inlines(x: WebGPUStorage): boolean {
    if (!x._lazy) return false;
    if (x._buffer !== null && this.#batchDepth === 0) {
      this.#flushWrites();
      return false;
    }
    return true;
  }

  /** `s` gets the pending value `node` (a pending write when `s` has a buffer). */
  #makePending(s: WebGPUStorage, node: LazyNode<WebGPUStorage>): void {
    const leaves = this.#nodeLeaves.get(node) ?? (node.op.kind === "matmul" ? [node.op.a, node.op.b] : []);
    this.#nodeLeaves.delete(node);
    if (s._lazy) this.#settle(s);
    this.#forgetValue(s);
    s._lazy = node;
    node.out = s;
    s._retains = leaves;
    for (const r of leaves) (r._readers ??= new Set()).add(s);
    this.#pending.push(s);
    this.#scheduleFlush();
    if (this.#pending.length > MAX_PENDING) this.#trimPending();
  }

  /** Keeps the pending list short: drops settled entries, computes the oldest when many remain. */
  #trimPending(): void {
    this.#pending = this.#pending.filter((s) => s._lazy !== null);
    if (this.#pending.length > MAX_PENDING / 2) {
      const old = this.#pending.slice(0, this.#pending.length >> 1);
      this.#computeValues(old.filter((s) => s._lazy !== null && s._buffer === null));
      if (old.some((s) => s._lazy !== null)) this.#flushWrites();
      this.#pending = this.#pending.filter((s) => s._lazy !== null);
    }
  }

  /**
   * Runs `fn` with pending writes batched: inside, a storage with a pending write (an in-place
   * update such as an optimizer's) is read through its pending value, so every update of a step
   * stays pending and they run together, as one kernel per group of parameters, when a later op
   * needs one of them (a multi-tensor apply). Optimizers wrap their step in it.
   */
  batchWrites<T>(fn: () => T): T {
    this.#batchDepth++;
    try {
      return fn();
    } finally {
      this.#batchDepth--;
    }
  }

  /** Computes `s` now when it is pending (a pending write carries out every pending write). */
  #materialize(s: WebGPUStorage): void {
    if (!s._lazy) return;
    if (s._buffer !== null) this.#flushWrites();
    else this.#computeValues([s]);
  }

  /** Computes every pending value and write (at a read, a sync, or when the caller awaits). */
  #flushLazy(): void {
    if (this.#pending.length === 0) return;
    const pending = this.#pending;
    this.#pending = [];
    // Newest first: a value computed from older pending ones stores those it inlines in the same
    // kernel (a ReLU over a linear's output: one matmul with both in its epilogue).
    this.#computeValues(
      pending.filter((s) => s._lazy !== null && s._buffer === null && !s.disposed).reverse(),
    );
    this.#flushWrites(pending);
    for (const s of pending) if (s._lazy) this.#settle(s); // disposed meanwhile
  }

  /** Readies `s` for an in-place write by a kernel: its pending state and its readers go first. */
  #beforeWrite(s: WebGPUStorage): void {
    this.#materialize(s);
    const readers = s._readers;
    if (readers) {
      const values = [...readers].filter((r) => r._lazy !== null && r._buffer === null && !r.disposed);
      this.#computeValues(values);
      if ([...readers].some((r) => r._lazy !== null && r._buffer !== null)) this.#flushWrites();
    }
    this.#forgetValue(s);
  }

  /**
   * Computes pending values (storages without a buffer): a matmul with the pointwise graph over
   * its product as the epilogue, or pointwise graphs grouped into as few kernels as the limits
   * allow. Pending values that a graph inlines and whose storage is still alive are stored by
   * the same kernel, so no value is computed twice.
   */
  #computeValues(targets: readonly WebGPUStorage[]): void {
    const jobs: WebGPUStorage[] = [];
    for (const t of targets) {
      if (!t._lazy || t._buffer !== null) continue;
      const node = t._lazy;
      if (node.op.kind === "matmul") {
        this.#runMatmul(node, t, null);
        continue;
      }
      const products = this.#products(node);
      const temps: WebGPUStorage[] = [];
      // Every product but one is computed first (into its storage, or a temporary one).
      const epilogue = products.pop() ?? null;
      for (const m of products) temps.push(...this.#productInto(m));
      const fused = epilogue !== null && epilogue.numel === node.numel &&
        this.#runMatmul(epilogue, t, this.#extraStores(node, t, epilogue));
      if (!fused) {
        if (epilogue) temps.push(...this.#productInto(epilogue));
        if (temps.length > 0) this.#runPointwise([[t]]);
        else jobs.push(t);
      }
      for (const tmp of temps) tmp.dispose();
    }
    if (jobs.length === 0) return;
    // Group by length: one segment per length, as many per kernel as fit.
    const byLength = new Map<number, WebGPUStorage[]>();
    for (const t of jobs) {
      if (!t._lazy) continue;
      const list = byLength.get(t.numel);
      if (list) list.push(t);
      else byLength.set(t.numel, [t]);
    }
    this.#runPointwise([...byLength.values()]);
  }

  /** Matmul nodes a graph computes (products not available in a buffer), innermost first. */
  #products(root: LazyNode<WebGPUStorage>): LazyNode<WebGPUStorage>[] {
    const out: LazyNode<WebGPUStorage>[] = [];
    const seen = new Set<LazyNode<WebGPUStorage>>();
    const visit = (n: LazyNode<WebGPUStorage>) => {
      if (seen.has(n) || this.#leafOf(n)) return;
      seen.add(n);
      if (n.op.kind === "matmul") {
        out.push(n);
        return;
      }
      for (const x of operandsOf(n)) if (x instanceof LazyNode) visit(x);
    };
    visit(root);
    return out;
  }

  /**
   * Computes matmul node `m` into its storage when that is a live pending value, else into a new
   * temporary storage; returns the temporaries (the caller disposes them once used).
   */
  #productInto(m: LazyNode<WebGPUStorage>): WebGPUStorage[] {
    const o = m.out;
    if (o && o._lazy === m && o._buffer === null && !o.disposed) {
      this.#runMatmul(m, o, null);
      return [];
    }
    const tmp = new WebGPUStorage(this, "float32", m.numel, null);
    tmp._lazy = m;
    this.#runMatmul(m, tmp, null);
    m.out = tmp;
    return [tmp];
  }

  /**
   * The pending values a kernel computing `root` (into `target`) also stores: live pending
   * storages of the nodes it inlines, as long as the whole output (`skip`: a node the kernel
   * provides itself, such as an epilogue's product, stored only when its storage is live).
   */
  #extraStores(
    root: LazyNode<WebGPUStorage>,
    target: WebGPUStorage,
    skip: LazyNode<WebGPUStorage> | null,
  ): FusedStore<WebGPUStorage>[] {
    const stores: FusedStore<WebGPUStorage>[] = [{ node: root, target }];
    const seen = new Set<LazyNode<WebGPUStorage>>([root]);
    const visit = (n: LazyNode<WebGPUStorage>) => {
      for (const x of operandsOf(n)) {
        if (!(x instanceof LazyNode) || seen.has(x) || this.#leafOf(x)) continue;
        seen.add(x);
        const o = x.out;
        if (o && o._lazy === x && o._buffer === null && !o.disposed && x.numel === root.numel) {
          stores.push({ node: x, target: o });
        }
        if (x !== skip) visit(x);
      }
    };
    if (root !== skip) visit(root);
    if (skip) {
      const o = skip.out;
      if (o && o._lazy === skip && o._buffer === null && !o.disposed && !seen.has(skip)) {
        stores.push({ node: skip, target: o });
      }
    }
    return stores;
  }

  /**
   * Runs pointwise kernels computing `groups` (pending values of one length per group): as many
   * groups per kernel as the limits allow, each group one segment storing its values and the live
   * pending values they inline.
   */
  #runPointwise(groups: WebGPUStorage[][]): void {
    const segments: FusedSegment<WebGPUStorage>[] = [];
    for (const group of groups) {
      const stores: FusedStore<WebGPUStorage>[] = [];
      const targets = new Set<WebGPUStorage>();
      for (const t of group) {
        if (!t._lazy || targets.has(t)) continue;
        for (const st of this.#extraStores(t._lazy, t, null)) {
          if (targets.has(st.target)) continue;
          targets.add(st.target);
          stores.push(st);
        }
      }
      if (stores.length > 0) segments.push({ n: group[0].numel, stores, leafOf: this.#leafOf });
    }
    this.#emitSegments(segments);
  }

  /** Emits segments as few fused kernels as fit (splitting a segment's stores when one is too big). */
  #emitSegments(segments: FusedSegment<WebGPUStorage>[]): void {
    let start = 0;
    while (start < segments.length) {
      let end = segments.length;
      let prog = this.#tryGenerate(segments.slice(start, end));
      while (!prog && end - start > 1) {
        end = start + Math.max(1, (end - start) >> 1);
        prog = this.#tryGenerate(segments.slice(start, end));
      }
      if (!prog) {
        // One segment too big: its stores one at a time, each with its inlined values.
        const seg = segments[start];
        if (seg.stores.length === 1) {
          throw new Error(`internal: a fused kernel over one value exceeds the limits`);
        }
        for (const st of seg.stores) {
          if (st.target._lazy === st.node) this.#emitSegments([{ ...seg, stores: [st] }]);
        }
        start++;
        continue;
      }
      this.#runFused(segments.slice(start, end), prog);
      start = end;
    }
  }

  #tryGenerate(segments: FusedSegment<WebGPUStorage>[]): FusedProgram<WebGPUStorage> | null {
    try {
      return generate(segments, {
        maxBuffers: this.#maxBuffers,
        maxWords: FUSED_WORDS,
        firstBinding: 1,
        firstWord: segments.length > 1 ? segments.length : 0,
      });
    } catch (e) {
      if (e instanceof FusionLimit) return null;
      throw e;
    }
  }

  /** Encodes one generated pointwise kernel (or the classic kernel of a single plain op). */
  #runFused(segments: FusedSegment<WebGPUStorage>[], prog: FusedProgram<WebGPUStorage>): void {
    const stores = segments.flatMap((s) => s.stores);
    if (segments.length === 1 && stores.length === 1 && this.#runPlain(stores[0])) return;
    for (const st of stores) this.#giveBuffer(st.target);
    const base = this.#paramWords();
    const u = this.#u32;
    let total = 0;
    segments.forEach((seg, k) => {
      total += seg.n;
      if (segments.length > 1) u[base + 4 + k] = total;
    });
    u[base] = total;
    u[base + 1] = segments.length;
    const first = segments.length > 1 ? segments.length : 0;
    prog.words.forEach((w, k) => u[base + 4 + first + k] = w);
    const body = segments.length === 1
      ? `let i = g;\n  ${prog.bodies[0]}`
      : prog.bodies.map((b, k) =>
        `if (g < word(${k}u)) {\n    let i = g${k > 0 ? ` - word(${k - 1}u)` : ""};\n    ${
          b.replaceAll("\n  ", "\n    ")
        }\n    return;\n  }`
      ).join("\n  ");
    const kernel = this.#pipelines.get("elementwise.fused", { DECLS: prog.decls, BODY: body });
    const bindings = prog.bindings.map((b) => ({ binding: b.binding, entry: b.buffer._buffer! }));
    this.#run1d(kernel, base, bindings, total);
    for (const st of stores) this.#stored(st.target, st.node);
  }

  /** Gives a pending value its buffer (a pending write already has one). */
  #giveBuffer(s: WebGPUStorage): void {
    if (s._buffer === null) s._setEntry(this.#pool.acquire(s.numel * 4));
  }

  /** `s`'s buffer now holds `node`'s value. */
  #stored(s: WebGPUStorage, node: LazyNode<WebGPUStorage>): void {
    if (s._lazy === node) this.#settle(s);
    s._node = node;
    node.out = s;
  }

  /**
   * A single op on buffers and scalars through its own kernel (the kernels of the eager backend,
   * compiled once per op rather than per graph); false when the store is not one.
   */
  #runPlain(st: FusedStore<WebGPUStorage>): boolean {
    const { node, target } = st;
    const op = node.op;
    const args = operandsOf(node);
    const buf = (x: LazyOperand<WebGPUStorage>): PoolEntry | null => {
      if (x instanceof LazyNode) {
        const leaf = this.#leafOf(x);
        return leaf ? leaf._buffer : null;
      }
      return x instanceof WebGPUStorage ? x._buffer : null;
    };
    if (args.some((x) => x instanceof LazyNode && !this.#leafOf(x))) return false;
    // A pending write reading its own target goes through the fused kernel (one binding).
    if (target._buffer !== null && args.some((x) => buf(x) === target._buffer)) return false;
    const n = node.numel;
    switch (op.kind) {
      case "fill":
        this.#giveBuffer(target);
        this.#fillEntry(target._buffer!, n, op.bits);
        break;
      case "unary":
        this.#giveBuffer(target);
        this.#unaryInto(op.op, op.compute, buf(op.x)!, target._buffer!, n);
        break;
      case "cast": {
        const x = buf(op.x)!;
        this.#giveBuffer(target);
        const base = this.#paramWords();
        this.#u32[base] = n;
        const k = this.#pipelines.get("cast.cast", { CONV: castBody(op.from, node.dtype) });
        this.#run1d(k, base, [{ binding: 1, entry: x }, { binding: 2, entry: target._buffer! }], n);
        break;
      }
      case "where": {
        const [c, a, b] = [buf(op.c), buf(op.a), buf(op.b)];
        if (!c || !a || !b) return false;
        this.#giveBuffer(target);
        const base = this.#paramWords();
        this.#u32[base] = n;
        this.#run1d(this.#pipelines.get("elementwise.where"), base, [
          { binding: 1, entry: c },
          { binding: 2, entry: a },
          { binding: 3, entry: b },
          { binding: 4, entry: target._buffer! },
        ], n);
        break;
      }
      case "binary": {
        this.#giveBuffer(target);
        this.#binaryInto(op.op, op.compute, op.a, op.b, n, target._buffer!);
        break;
      }
      case "copy": {
        const x = op.x;
        const src = buf(x);
        if (!src || (x as WebGPUStorage).numel !== n) return false;
        this.#giveBuffer(target);
        this.#copyEncoder().copyBufferToBuffer(src.buffer, 0, target._buffer!.buffer, 0, n * 4);
        src.epoch = target._buffer!.epoch = this.#epoch;
        break;
      }
      default:
        return false;
    }
    this.#stored(target, node);
    return true;
  }

  /**
   * Carries out every pending write (in-place updates of existing buffers): the writes that share
   * buffers form one segment, computed by one invocation per element, which reads every old value
   * before storing the new ones; unrelated groups of writes (the parameters of an optimizer step)
   * are segments of as few kernels as fit. Pending values that read the old contents are computed
   * first. Where a group cannot be one segment, its new values go to temporary buffers first and
   * are copied in afterwards, so every graph still reads the old contents.
   */
  #flushWrites(candidates: readonly WebGPUStorage[] = this.#pending): void {
    const writes = candidates.filter((s) => s._lazy !== null && s._buffer !== null && !s.disposed);
    if (writes.length === 0) return;
    // Pending values that read what the writes overwrite go first.
    const readers = new Set<WebGPUStorage>();
    for (const w of writes) {
      for (const r of w._readers ?? []) {
        if (r._lazy !== null && r._buffer === null && !r.disposed) readers.add(r);
      }
    }
    if (readers.size > 0) this.#computeValues([...readers]);
    // Groups: writes connected through a buffer one of them writes.
    const parent = new Map<WebGPUStorage, WebGPUStorage>();
    const find = (x: WebGPUStorage): WebGPUStorage => {
      let r = x;
      while (parent.get(r) !== r) r = parent.get(r)!;
      parent.set(x, r);
      return r;
    };
    for (const w of writes) parent.set(w, w);
    for (const w of writes) {
      for (const r of w._retains ?? []) if (parent.has(r)) parent.set(find(r), find(w));
    }
    const groups = new Map<WebGPUStorage, WebGPUStorage[]>();
    for (const w of writes) {
      const root = find(w);
      const g = groups.get(root);
      if (g) g.push(w);
      else groups.set(root, [w]);
    }
    const segments: FusedSegment<WebGPUStorage>[] = [];
    const temps: WebGPUStorage[] = [];
    for (const g of groups.values()) {
      const n = g[0].numel;
      const seg: FusedSegment<WebGPUStorage> = {
        n,
        stores: g.map((w) => ({ node: w._lazy!, target: w })),
        leafOf: this.#leafOf,
      };
      // Matmul products inside a write's graph are computed first (temporaries stay until the
      // kernels are encoded).
      for (const w of g) for (const m of this.#products(w._lazy!)) temps.push(...this.#productInto(m));
      if (g.every((w) => w.numel === n) && this.#tryGenerate([seg])) segments.push(seg);
      else this.#writeThroughTemps(g);
    }
    this.#emitSegments(segments);
    for (const t of temps) t.dispose();
  }

  /** Writes that cannot be one kernel: each new value into a temporary buffer, then copied in. */
  #writeThroughTemps(writes: WebGPUStorage[]): void {
    const temps = writes.map((w) => {
      const tmp = new WebGPUStorage(this, w.dtype, w.numel, null);
      const node = w._lazy!;
      const copy = new LazyNode<WebGPUStorage>(
        w.dtype,
        w.numel,
        { kind: "copy", x: node },
        node.size + 1,
        node.words,
      );
      tmp._lazy = copy;
      this.#emitSegments([{ n: w.numel, stores: [{ node: copy, target: tmp }], leafOf: this.#leafOf }]);
      return tmp;
    });
    const enc = this.#copyEncoder();
    writes.forEach((w, k) => {
      const src = temps[k]._buffer!, dst = w._buffer!;
      enc.copyBufferToBuffer(src.buffer, 0, dst.buffer, 0, w.numel * 4);
      src.epoch = dst.epoch = this.#epoch;
      this.#stored(w, w._lazy!);
    });
    for (const t of temps) t.dispose();
  }

  // ---- copy and cast ---------------------------------------------------------------------------

  copy(
    src: Storage,
    srcOffset: number,
    srcStrides: readonly number[],
    dst: Storage,
    dstOffset: number,
    dstStrides: readonly number[],
    shape: readonly number[],
  ): void {
    const s = this.#operand("copy", src), d = this.#operand("copy", dst);
    const plan = planCopy(s, srcOffset, srcStrides, d, dstOffset, dstStrides, shape);
    if (plan === null) return;
    const { dims, src: [sMin, sMax] } = plan;
    for (const x of dims) {
      if (
        !Number.isInteger(x.s) || !Number.isInteger(x.d) || Math.abs(x.s) >= 2 ** 31 ||
        Math.abs(x.d) >= 2 ** 31
      ) {
        throw new RangeError(`copy: strides [${srcStrides}] / [${dstStrides}] are out of range`);
      }
    }
    d._host = null;
    this.#inherit(d, s);
    // All of `dst` from all of `src` (or from one element): a pending write, fused with the
    // graph that computes `src` and with the other pending writes.
    const n = dims.length === 0 ? 1 : dims[0].n;
    const wholeDst = dstOffset === 0 && n === d.numel &&
      (dims.length === 0 || (dims.length === 1 && dims[0].d === 1));
    const wholeSrc = srcOffset === 0 && (s.numel === n || s.numel === 1) &&
      (dims.length === 0 || (dims.length === 1 && dims[0].s === (s.numel === n ? 1 : 0)));
    if (wholeDst && wholeSrc && s !== d) {
      this.#makePending(d, this.#node(d.dtype, n, [s], ([x]) => ({ kind: "copy", x })));
      return;
    }
    if (s._lazy) this.#materialize(s);
    this.#beforeWrite(d);
    let srcEntry = this.#entryOf(s);
    const dstEntry = this.#entryOf(d);
    let srcOff = srcOffset;
    let staged: PoolEntry | null = null;
    if (s === d) {
      // One buffer cannot be bound for reading and writing at once: read from a copy.
      const len = sMax - sMin + 1;
      staged = this.#temp(len);
      this.#copyEncoder().copyBufferToBuffer(srcEntry.buffer, sMin * 4, staged.buffer, 0, len * 4);
      srcEntry.epoch = this.#epoch;
      srcEntry = staged;
      srcOff = srcOffset - sMin;
    }
    if (dims.length === 0 || (dims.length === 1 && dims[0].d === 1 && dims[0].s === 1)) {
      const n = dims.length === 0 ? 1 : dims[0].n;
      this.#copyEncoder().copyBufferToBuffer(
        srcEntry.buffer,
        srcOff * 4,
        dstEntry.buffer,
        dstOffset * 4,
        n * 4,
      );
      srcEntry.epoch = dstEntry.epoch = this.#epoch;
    } else {
      this.#copyDims(srcEntry, srcOff, dstEntry, dstOffset, dims);
    }
    if (staged) this.#release(staged);
  }

  /** Strided-copy dispatches; more than 8 merged dimensions loop over the leading ones. */
  #copyDims(
    src: PoolEntry,
    srcOff: number,
    dst: PoolEntry,
    dstOff: number,
    dims: { n: number; s: number; d: number }[],
  ): void {
    if (dims.length > 8) {
      const [head, ...rest] = dims;
      for (let j = 0; j < head.n; j++) {
        this.#copyDims(src, srcOff + j * head.s, dst, dstOff + j * head.d, rest);
      }
      return;
    }
    let n = 1;
    for (const x of dims) n *= x.n;
    const base = this.#paramWords();
    const u = this.#u32, i = this.#i32;
    u[base] = n;
    u[base + 1] = dims.length;
    i[base + 2] = srcOff;
    i[base + 3] = dstOff;
    dims.forEach((x, k) => {
      u[base + 4 + k] = x.n;
      i[base + 12 + k] = x.s;
      i[base + 20 + k] = x.d;
    });
    this.#run1d(this.#pipelines.get("copy.copy"), base, [
      { binding: 1, entry: src },
      { binding: 2, entry: dst },
    ], n);
  }

  cast(x: Storage, to: DType): WebGPUStorage {
    const s = this.#operand("cast", x);
    if (!(to in TYPED_CTOR)) throw new TypeError(`cast: unknown dtype ${JSON.stringify(to)}`);
    checkDeviceDType("cast", to, "gpu");
    const from = s.dtype;
    const n = s.numel;
    if (n === 0) return this.#inherit(this.#alloc(to, 0), s);
    const same = from === to || (from === "bool" && to === "uint8");
    const out = this.#lazy(
      to,
      n,
      [s],
      ([v]) => (same ? { kind: "copy", x: v } : { kind: "cast", from, x: v }),
    );
    if (same && s._host && to === "int32") out._host = s._host.slice();
    return this.#inherit(out, s);
  }

  // ---- elementwise -----------------------------------------------------------------------------

  unary(op: UnaryOp, x: Storage): WebGPUStorage {
    const s = this.#operand("unary", x);
    const dtype = gpuCompute(op, s.dtype);
    if (!(UNARY_OPS as readonly string[]).includes(op)) {
      throw new TypeError(`unary: unknown op ${JSON.stringify(op)}`);
    }
    if (dtype === "int32" && op !== "neg" && op !== "abs" && op !== "sign" && op !== "relu") {
      throw new TypeError(`${op}: not supported for int32 (the front end computes it in float32)`);
    }
    const n = s.numel;
    if (n === 0) return this.#inherit(this.#alloc(dtype, 0), s);
    return this.#inherit(this.#lazy(dtype, n, [s], ([x]) => ({ kind: "unary", op, compute: dtype, x })), s);
  }

  #unaryInto(op: UnaryOp, dtype: GpuComputeDType, x: PoolEntry, y: PoolEntry, n: number): void {
    const vec = n % 4 === 0;
    const threads = vec ? n / 4 : n;
    const base = this.#paramWords();
    this.#u32[base] = threads;
    const expr = UNARY_EXPR[dtype][op]!;
    const k = this.#pipelines.get(vec ? "elementwise.unary4" : "elementwise.unary", {
      T: WGSL_TYPE[dtype],
      EXPR: expr,
    });
    this.#run1d(k, base, [{ binding: 1, entry: x }, { binding: 2, entry: y }], threads);
  }

  binary(op: BinaryOp, a: Operand, b: Operand, numel: number, computeDType: ComputeDType): WebGPUStorage {
    this.#checkAlive();
    const dtype = gpuCompute(op, computeDType);
    checkCount(op, "numel", numel);
    const isCmp = (COMPARISON_OPS as readonly string[]).includes(op);
    if (!isCmp && !(ARITHMETIC_OPS as readonly string[]).includes(op)) {
      throw new TypeError(`binary: unknown op ${JSON.stringify(op)}`);
    }
    if (op === "div" && dtype === "int32") {
      throw new TypeError("div: int32 division is not a kernel (the front end divides in float32)");
    }
    const outDtype: DType = isCmp ? "bool" : dtype;
    if (numel === 0) return this.#inherit(this.#alloc(outDtype, 0), a, b);
    const place = (x: Operand, which: string): WebGPUStorage | number => {
      if (typeof x === "number") return x;
      if (!(x instanceof WebGPUStorage)) {
        throw new TypeError(`${op}: operand ${which} must be a storage or a number, got ${describeValue(x)}`);
      }
      const st = this.#operand(op, x);
      if (st.dtype !== dtype) {
        throw new TypeError(`${op}: operand ${which} is ${st.dtype}, expected ${dtype}`);
      }
      const len = st.numel;
      if (len === 0 || numel % len !== 0) {
        throw new RangeError(`${op}: operand ${which} has ${len} elements, which does not tile ${numel}`);
      }
      return st;
    };
    const pa = place(a, "a");
    const pb = place(b, "b");
    // pow with a scalar exponent of a full operand: the CPU's special cases.
    if (
      op === "pow" && dtype === "float32" && typeof pb === "number" && typeof pa !== "number" &&
      pa.numel === numel
    ) {
      const e = Math.fround(pb);
      if (e === 2) return this.binary("mul", pa, pa, numel, dtype);
      if (e === 1) return this.cast(pa, "float32");
      if (e === 0.5) return this.unary("sqrt", pa);
      if (e === -0.5) return this.unary("rsqrt", pa);
      if (e === -1) return this.binary("div", 1, pa, numel, dtype);
    }
    const scalar = (x: WebGPUStorage | number) =>
      typeof x === "number"
        ? { scalar: dtype === "int32" ? (Number.isFinite(x) ? x | 0 : 0) >>> 0 : f32Bits(x) }
        : x;
    const out = this.#lazy(
      outDtype,
      numel,
      [scalar(pa), scalar(pb)],
      ([a, b]) => ({ kind: "binary", op, compute: dtype, a, b }),
    );
    return this.#inherit(out, pa, pb);
  }

  /** The binary kernel over buffers (full or tiled) and scalar words, into `out`. */
  #binaryInto(
    op: BinaryOp,
    dtype: GpuComputeDType,
    a: LazyOperand<WebGPUStorage>,
    b: LazyOperand<WebGPUStorage>,
    numel: number,
    out: PoolEntry,
  ): void {
    const isCmp = (COMPARISON_OPS as readonly string[]).includes(op);
    const place = (x: LazyOperand<WebGPUStorage>): WebGPUStorage | { scalar: number } => {
      if (x instanceof LazyNode) return this.#leafOf(x)!;
      return x;
    };
    const pa = place(a), pb = place(b);
    // Four elements per invocation when every length is a multiple of 4.
    const vec = numel % 4 === 0 && [pa, pb].every((x) => !(x instanceof WebGPUStorage) || x.numel % 4 === 0);
    const w = vec ? 4 : 1;
    const base = this.#paramWords();
    const u = this.#u32;
    u[base] = numel / w;
    const T = WGSL_TYPE[dtype];
    const VT = vec ? `vec4<${T}>` : T;
    const subs: Record<string, string> = {
      T,
      TO: isCmp ? "u32" : T,
      EXPR: isCmp ? COMPARISON_EXPR[dtype][op] : ARITHMETIC_EXPR[dtype][op],
    };
    const bindings: Binding[] = [{ binding: 3, entry: out }];
    const operand = (
      x: WebGPUStorage | { scalar: number },
      name: "A" | "B",
      binding: number,
      word: number,
    ) => {
      if (!(x instanceof WebGPUStorage)) {
        u[base + 2 + word] = x.scalar;
        subs[`DECL_${name}`] = "";
        subs[`LOAD_${name}`] = `${VT}(bitcast<${T}>(P.${name.toLowerCase()}_bits))`;
        return;
      }
      u[base + word] = x.numel / w;
      subs[`DECL_${name}`] = `@group(0) @binding(${binding}) var<storage, read> ${name}: array<${VT}>;`;
      subs[`LOAD_${name}`] = x.numel === numel ? `${name}[i]` : `${name}[i % P.${name.toLowerCase()}_len]`;
      bindings.push({ binding, entry: x._buffer! });
    };
    operand(pa, "A", 1, 1);
    operand(pb, "B", 2, 2);
    const kernel = this.#pipelines.get(vec ? "elementwise.binary4" : "elementwise.binary", subs);
    this.#run1d(kernel, base, bindings, numel / w);
  }

  where(cond: Storage, a: Storage, b: Storage): WebGPUStorage {
    const c = this.#operand("where", cond), x = this.#operand("where", a), y = this.#operand("where", b);
    if (c.dtype !== "bool" && c.dtype !== "uint8") {
      throw new TypeError(`where: condition must be bool, got ${c.dtype}`);
    }
    if (x.dtype !== y.dtype) {
      throw new TypeError(`where: operands have different dtypes (${x.dtype} and ${y.dtype})`);
    }
    const n = c.numel;
    if (x.numel !== n || y.numel !== n) {
      throw new RangeError(`where: condition has ${n} elements but operands have ${x.numel} and ${y.numel}`);
    }
    if (n === 0) return this.#inherit(this.#alloc(x.dtype, 0), c, x, y);
    const out = this.#lazy(x.dtype, n, [c, x, y], ([cc, aa, bb]) => ({ kind: "where", c: cc, a: aa, b: bb }));
    return this.#inherit(out, c, x, y);
  }

  // ---- reductions ------------------------------------------------------------------------------

  reduce(op: ReduceOp, x: Storage, outer: number, len: number, inner: number): WebGPUStorage {
    return this.#inherit(this.#reduceImpl(op, x, outer, len, inner), x);
  }

  #reduceImpl(op: ReduceOp, x: Storage, outer: number, len: number, inner: number): WebGPUStorage {
    const s = this.#storage(op, x);
    const dtype = gpuCompute(op, s.dtype);
    if (!(REDUCE_OPS as readonly string[]).includes(op)) {
      throw new TypeError(`reduce: unknown op ${JSON.stringify(op)}`);
    }
    checkLayout(op, s.numel, outer, len, inner);
    const isArg = op === "argmax" || op === "argmin";
    const outDtype: GpuComputeDType = isArg ? "int32" : dtype;
    const n = outer * inner;
    if (n === 0) return this.#alloc(outDtype, 0);
    if (len === 0 && op !== "sum" && op !== "prod") {
      throw new RangeError(`${op}: cannot reduce an empty dimension (it has no identity)`);
    }
    if (len === 0) return this.full(dtype, n, op === "sum" ? 0 : 1);
    if (isArg) return this.#argReduce(op, dtype, s, outer, len, inner);
    const T = WGSL_TYPE[dtype];
    const { ident, combine } = REDUCE_EXPR[dtype][op as "sum" | "prod" | "max" | "min"];
    let cur = this.#entryOf(s);
    let curIsInput = true;
    let L = len;
    for (;;) {
      const rows = this.#useRows(outer, L, inner);
      const chunk = rows ? ROW_CHUNK_PER_INVOCATION * this.#wg : this.#colChunk;
      const nChunks = ceilDiv(L, chunk);
      const last = nChunks === 1;
      const outStorage = last ? this.#alloc(dtype, n) : null;
      const out = outStorage ? this.#entryOf(outStorage) : this.#temp(outer * nChunks * inner);
      const base = this.#paramWords();
      const u = this.#u32;
      u[base] = outer;
      u[base + 1] = L;
      u[base + 2] = chunk;
      u[base + 3] = nChunks;
      u[base + 4] = inner;
      const k = this.#pipelines.get(rows ? "reduce.rows" : "reduce.cols", {
        T,
        IDENT: ident,
        COMBINE: combine,
        WG: String(this.#wg),
      });
      const bindings = [{ binding: 1, entry: cur }, { binding: 2, entry: out }];
      if (rows) {
        const [gx, gy] = this.#grid(outer * nChunks);
        this.#dispatch(k, base, bindings, gx, gy);
      } else {
        this.#run1d(k, base, bindings, outer * nChunks * inner);
      }
      if (!curIsInput) this.#release(cur);
      if (outStorage) return outStorage;
      cur = out;
      curIsInput = false;
      L = nChunks;
    }
  }

  /**
   * Whether a reduction pass over rows of `len` uses the workgroup-per-row kernel (rather than one
   * invocation per output looping over a chunk). On GPUs: rows of at least two workgroups'
   * width. On CPU-based adapters the invocation-per-output kernel is faster whenever it has
   * enough invocations to fill the cores.
   */
  #useRows(outer: number, len: number, inner: number): boolean {
    if (inner !== 1 || len < 2 * this.#wg) return false;
    if (this.#cpuTuned) return outer * ceilDiv(len, this.#colChunk) < 256;
    return true;
  }

  #argReduce(
    op: "argmax" | "argmin",
    dtype: GpuComputeDType,
    s: WebGPUStorage,
    outer: number,
    len: number,
    inner: number,
  ): WebGPUStorage {
    const T = WGSL_TYPE[dtype];
    const { ident, beats } = ARG_EXPR[dtype][op];
    const n = outer * inner;
    let curV = this.#entryOf(s);
    let curI: PoolEntry | null = null;
    let L = len;
    for (;;) {
      const rows = this.#useRows(outer, L, inner);
      const chunk = rows ? ROW_CHUNK_PER_INVOCATION * this.#wg : this.#colChunk;
      const nChunks = ceilDiv(L, chunk);
      const last = nChunks === 1;
      const outV = this.#temp(outer * nChunks * inner);
      const outStorage = last ? this.#alloc("int32", n) : null;
      const outI = outStorage ? this.#entryOf(outStorage) : this.#temp(outer * nChunks * inner);
      const base = this.#paramWords();
      const u = this.#u32;
      u[base] = outer;
      u[base + 1] = L;
      u[base + 2] = chunk;
      u[base + 3] = nChunks;
      u[base + 4] = inner;
      const k = this.#pipelines.get(rows ? "reduce.arg_rows" : "reduce.arg_cols", {
        T,
        IDENT: ident,
        BEATS: beats,
        DECL_XI: curI ? "@group(0) @binding(2) var<storage, read> XI: array<i32>;" : "",
        LOAD_IDX: curI ? "return XI[p];" : "return i32(j);",
        WG: String(this.#wg),
      });
      const bindings: Binding[] = [
        { binding: 1, entry: curV },
        { binding: 3, entry: outV },
        { binding: 4, entry: outI },
      ];
      if (curI) bindings.push({ binding: 2, entry: curI });
      if (rows) {
        const [gx, gy] = this.#grid(outer * nChunks);
        this.#dispatch(k, base, bindings, gx, gy);
      } else {
        this.#run1d(k, base, bindings, outer * nChunks * inner);
      }
      if (curI) {
        this.#release(curI);
        this.#release(curV);
      }
      if (outStorage) {
        this.#release(outV);
        return outStorage;
      }
      curV = outV;
      curI = outI;
      L = nChunks;
    }
  }

  cumsum(x: Storage, outer: number, len: number, inner: number): WebGPUStorage {
    return this.#inherit(this.#cumsumImpl(x, outer, len, inner), x);
  }

  #cumsumImpl(x: Storage, outer: number, len: number, inner: number): WebGPUStorage {
    const s = this.#storage("cumsum", x);
    const dtype = gpuCompute("cumsum", s.dtype);
    checkLayout("cumsum", s.numel, outer, len, inner);
    const out = this.#alloc(dtype, s.numel);
    if (s.numel === 0) return out;
    this.#scan(dtype, this.#entryOf(s), this.#entryOf(out), outer, len, inner);
    return out;
  }

  cumprod(x: Storage, outer: number, len: number, inner: number): WebGPUStorage {
    const s = this.#storage("cumprod", x);
    const dtype = gpuCompute("cumprod", s.dtype);
    checkLayout("cumprod", s.numel, outer, len, inner);
    const out = this.#alloc(dtype, s.numel);
    if (s.numel > 0) this.#scan(dtype, this.#entryOf(s), this.#entryOf(out), outer, len, inner, true);
    return this.#inherit(out, s);
  }

  argsort(x: Storage, rows: number, len: number, descending: boolean): WebGPUStorage {
    return this.#inherit(this.#argsortImpl(x, rows, len, descending), x);
  }

  #argsortImpl(x: Storage, rows: number, len: number, descending: boolean): WebGPUStorage {
    const s = this.#storage("argsort", x);
    const dtype = gpuCompute("argsort", s.dtype);
    checkLayout("argsort", s.numel, rows, len, 1);
    const out = this.#alloc("int32", s.numel);
    if (s.numel === 0) return out;
    // A bitonic network over rows padded to a power of two (wgsl/sort.wgsl).
    const padded = 2 ** Math.ceil(Math.log2(Math.max(len, 1)));
    const total = rows * padded;
    if (total >= 2 ** 32) throw new RangeError(`argsort: ${rows} rows padded to ${padded} is too large`);
    const keys = this.#temp(total), idx = this.#temp(total);
    let base = this.#paramWords();
    this.#u32.set([rows, len, padded, descending ? 1 : 0], base);
    const keyFn = dtype === "float32" ? "value_key" : "value_key_i";
    this.#run1d(this.#pipelines.get("sort.keys", { T: WGSL_TYPE[dtype], KEY: keyFn }), base, [
      { binding: 1, entry: this.#entryOf(s) },
      { binding: 2, entry: keys },
      { binding: 3, entry: idx },
    ], total);
    const step = this.#pipelines.get("sort.step");
    for (let k = 2; k <= padded; k *= 2) {
      for (let j = k / 2; j >= 1; j /= 2) {
        base = this.#paramWords();
        this.#u32.set([rows, padded, k, j], base);
        this.#run1d(step, base, [{ binding: 1, entry: keys }, { binding: 2, entry: idx }], total);
      }
    }
    base = this.#paramWords();
    this.#u32.set([rows, len, padded], base);
    this.#run1d(this.#pipelines.get("sort.emit"), base, [
      { binding: 1, entry: idx },
      { binding: 2, entry: this.#entryOf(out) },
    ], rows * len);
    this.#release(keys);
    this.#release(idx);
    return out;
  }

  /**
   * Inclusive scan of `x` into `y` along the middle axis (chunked, recursive over chunk totals):
   * sums, or products with `prod` (the `scan_prod`/`scan_mul` kernels).
   */
  #scan(
    dtype: GpuComputeDType,
    x: PoolEntry,
    y: PoolEntry,
    outer: number,
    len: number,
    inner: number,
    prod = false,
  ): void {
    const T = WGSL_TYPE[dtype];
    const scanChunk = Math.min(SCAN_CHUNK, this.#loopBudget);
    const nChunks = ceilDiv(len, scanChunk);
    const multi = nChunks > 1;
    const totals = multi ? this.#temp(outer * nChunks * inner) : null;
    const params = (base: number) => {
      const u = this.#u32;
      u[base] = outer;
      u[base + 1] = len;
      u[base + 2] = scanChunk;
      u[base + 3] = nChunks;
      u[base + 4] = inner;
    };
    let base = this.#paramWords();
    params(base);
    const k = this.#pipelines.get(prod ? "reduce.scan_prod" : "reduce.scan", {
      T,
      DECL_TOTALS: multi ? `@group(0) @binding(3) var<storage, read_write> TOT: array<${T}>;` : "",
      STORE_TOTAL: multi ? "TOT[t] = acc;" : "",
    });
    const bindings: Binding[] = [{ binding: 1, entry: x }, { binding: 2, entry: y }];
    if (totals) bindings.push({ binding: 3, entry: totals });
    this.#run1d(k, base, bindings, outer * nChunks * inner);
    if (!totals) return;
    const carry = this.#temp(outer * nChunks * inner);
    this.#scan(dtype, totals, carry, outer, nChunks, inner, prod);
    base = this.#paramWords();
    params(base);
    this.#run1d(this.#pipelines.get(prod ? "reduce.scan_mul" : "reduce.scan_add", { T }), base, [
      { binding: 1, entry: carry },
      { binding: 2, entry: y },
    ], outer * len * inner);
    this.#release(totals);
    this.#release(carry);
  }

  softmax(x: Storage, rows: number, cols: number, log: boolean): WebGPUStorage {
    return this.#inherit(this.#softmaxImpl(x, rows, cols, log), x);
  }

  #softmaxImpl(x: Storage, rows: number, cols: number, log: boolean): WebGPUStorage {
    const name = log ? "logSoftmax" : "softmax";
    const s = this.#storage(name, x);
    if (s.dtype !== "float32") throw new TypeError(`${name}: expected float32, got ${s.dtype}`);
    checkCount(name, "rows", rows);
    checkCount(name, "cols", cols);
    if (rows * cols !== s.numel) {
      throw new RangeError(`${name}: [${rows}, ${cols}] does not match ${s.numel} elements`);
    }
    const out = this.#alloc("float32", s.numel);
    if (s.numel === 0) return out;
    const wg = this.#wg;
    // Loop iterations per invocation: `small` loops three times over a row; `rows` three times
    // over a row's 1 / wg, plus two tree reductions.
    const fitsSmall = 3 * cols <= this.#loopBudget;
    const fitsRows = 3 * ceilDiv(cols, wg) + 2 * Math.log2(wg) <= this.#loopBudget;
    if (!fitsRows && !fitsSmall) {
      this.#softmaxLong(s, out, rows, cols, log);
      return out;
    }
    const base = this.#paramWords();
    this.#u32[base] = rows;
    this.#u32[base + 1] = cols;
    this.#u32[base + 2] = log ? 1 : 0;
    const bindings = [{ binding: 1, entry: this.#entryOf(s) }, { binding: 2, entry: this.#entryOf(out) }];
    const preferRows = this.#cpuTuned ? rows < 128 : cols > 64 || rows <= 256;
    if (fitsRows && (preferRows || !fitsSmall)) {
      const [gx, gy] = this.#grid(rows);
      this.#dispatch(this.#pipelines.get("softmax.rows", { WG: String(wg) }), base, bindings, gx, gy);
    } else {
      this.#run1d(this.#pipelines.get("softmax.small"), base, bindings, rows);
    }
    return out;
  }

  /** Softmax of rows too long for one invocation's loop budget (see wgsl/softmax.wgsl). */
  #softmaxLong(s: WebGPUStorage, out: WebGPUStorage, rows: number, cols: number, log: boolean): void {
    const wg = this.#wg;
    const maxima = this.reduce("max", s, rows, cols, 1);
    const chunk = wg * Math.floor((this.#loopBudget - 2 * Math.log2(wg)) / 2);
    const nChunks = ceilDiv(cols, chunk);
    const partial = this.#alloc("float32", rows * nChunks);
    let base = this.#paramWords();
    this.#u32.set([rows, cols, chunk, nChunks], base);
    const [gx, gy] = this.#grid(rows * nChunks);
    this.#dispatch(
      this.#pipelines.get("softmax.exp_sum", { WG: String(wg) }),
      base,
      [
        { binding: 1, entry: this.#entryOf(s) },
        { binding: 2, entry: this.#entryOf(maxima) },
        { binding: 3, entry: this.#entryOf(partial) },
      ],
      gx,
      gy,
    );
    const sums = this.reduce("sum", partial, rows, nChunks, 1);
    base = this.#paramWords();
    this.#u32.set([rows * cols, cols, log ? 1 : 0], base);
    this.#run1d(this.#pipelines.get("softmax.write"), base, [
      { binding: 1, entry: this.#entryOf(s) },
      { binding: 2, entry: this.#entryOf(maxima) },
      { binding: 3, entry: this.#entryOf(sums) },
      { binding: 4, entry: this.#entryOf(out) },
    ], rows * cols);
    maxima.dispose();
    partial.dispose();
    sums.dispose();
  }

  // ---- softmax cross-entropy ---------------------------------------------------------------------

  /**
   * Softmax cross-entropy at class indices (see `Backend.crossEntropy`). Targets known on the host
   * are checked now (`{ badRow, value }` for the first bad one); others by the kernel, whose
   * outputs then carry the device check (`message(value)` names the bad class when read).
   */
  crossEntropy(
    x: Storage,
    target: Storage,
    rows: number,
    cols: number,
    ignoreIndex: number,
    message: (value: number) => string = (v) => `crossEntropy: target class ${v} is out of range`,
  ):
    | { logp: WebGPUStorage; loss: WebGPUStorage; total: WebGPUStorage; count: WebGPUStorage }
    | { badRow: number; value: number } {
    const s = this.#storage("crossEntropy", x), t = this.#storage("crossEntropy", target);
    if (s.dtype !== "float32") throw new TypeError(`crossEntropy: expected float32 input, got ${s.dtype}`);
    if (t.dtype !== "int32") throw new TypeError(`crossEntropy: expected int32 targets, got ${t.dtype}`);
    checkCount("crossEntropy", "rows", rows);
    checkCount("crossEntropy", "cols", cols);
    if (rows * cols !== s.numel || t.numel !== rows) {
      throw new RangeError(
        `crossEntropy: [${rows}, ${cols}] and ${rows} targets do not match ${s.numel} inputs and ${t.numel} targets`,
      );
    }
    const ignore = ignoreIndex | 0;
    let c: DeviceCheck | null = null;
    if (t._host) {
      const h = t._host;
      for (let r = 0; r < rows; r++) {
        const v = h[r];
        if (v !== ignore && (v < 0 || v >= cols)) return { badRow: r, value: v };
      }
    } else if (rows > 0) {
      c = this.#newCheck((bits) => new RangeError(message(bits | 0)));
    }
    const loss = this.#alloc("float32", rows);
    const total = this.#alloc("float32", 1), count = this.#alloc("float32", 1);
    if (rows === 0 || cols === 0) {
      for (const z of [total, count]) this.#fillEntry(this.#entryOf(z), 1, 0);
      if (rows > 0) this.#fillEntry(this.#entryOf(loss), rows, 0);
      return { logp: this.#alloc("float32", 0), loss, total, count };
    }
    const wg = this.#wg;
    // Short rows: each invocation computes its rows' log-softmax itself (three passes per row);
    // long rows (or many rows on a GPU): the softmax kernels first.
    const computeHere = 3 * cols + 2 <= this.#loopBudget / 4 && (this.#cpuTuned || cols <= 64);
    const logp = computeHere ? this.#alloc("float32", rows * cols) : this.#softmaxImpl(s, rows, cols, true);
    const perRow = computeHere ? 3 * cols + 2 : 2;
    const perInvocation = Math.max(
      1,
      Math.min(this.#cpuTuned ? 64 : 16, Math.floor(this.#loopBudget / 2 / perRow)),
    );
    const groups = Math.min(this.#maxGroups, ceilDiv(rows, wg * perInvocation));
    const partial = groups === 1 ? null : this.#temp(2 * groups);
    const r1 = partial ?? this.#temp(2);
    const base = this.#paramWords();
    const u = this.#u32;
    u[base] = rows;
    u[base + 1] = cols;
    this.#i32[base + 2] = ignore;
    u[base + 3] = c ? this.#slotOf(c)[1] : 0;
    u[base + 4] = groups;
    const te = this.#entryOf(t);
    const bindings: Binding[] = [
      { binding: 2, entry: te },
      { binding: 3, entry: this.#entryOf(logp) },
      { binding: 4, entry: this.#entryOf(loss) },
      { binding: 6, entry: r1 },
    ];
    if (computeHere) bindings.push({ binding: 1, entry: this.#entryOf(s) });
    if (c) bindings.push({ binding: 5, entry: this.#slotOf(c)[0] });
    const row = [
      "var m = f_neg(f_inf());",
      "for (var j = 0u; j < P.cols; j = j + 1u) {",
      "  let v = X[base + j];",
      "  if (v > m) { m = v; }",
      "}",
      "var sum = 0.0;",
      "for (var j = 0u; j < P.cols; j = j + 1u) {",
      "  sum = sum + f_exp_nonpos(X[base + j] - m);",
      "}",
      "let ls = f_log(sum);",
      "for (var j = 0u; j < P.cols; j = j + 1u) {",
      "  LP[base + j] = (X[base + j] - m) - ls;",
      "}",
    ].join("\n    ");
    const k = this.#pipelines.get("loss.cross_entropy", {
      WG: String(wg),
      DECL_X: computeHere ? "@group(0) @binding(1) var<storage, read> X: array<f32>;" : "",
      LP_ACCESS: computeHere ? "read_write" : "read",
      LOGP: computeHere ? row : "",
      ...this.#reportSubs(c),
    });
    this.#dispatch(k, base, bindings, groups);
    const enc = () => this.#copyEncoder();
    if (partial) {
      const partials = new WebGPUStorage(this, "float32", 2 * groups, partial);
      const sums = this.#reduceImpl("sum", partials, 2, groups, 1);
      partials.dispose();
      enc().copyBufferToBuffer(this.#entryOf(sums).buffer, 0, this.#entryOf(total).buffer, 0, 4);
      enc().copyBufferToBuffer(this.#entryOf(sums).buffer, 4, this.#entryOf(count).buffer, 0, 4);
      this.#entryOf(sums).epoch = this.#epoch;
      sums.dispose();
    } else {
      enc().copyBufferToBuffer(r1.buffer, 0, this.#entryOf(total).buffer, 0, 4);
      enc().copyBufferToBuffer(r1.buffer, 4, this.#entryOf(count).buffer, 0, 4);
      r1.epoch = this.#epoch;
      this.#release(r1);
    }
    this.#entryOf(total).epoch = this.#entryOf(count).epoch = this.#epoch;
    if (c) this.#errorValue(c, te);
    for (const out of [logp, loss, total, count]) this.#checkedResult(out, c, s, t);
    return { logp, loss, total, count };
  }

  /** The gradient of {@link crossEntropy}'s per-row losses (see `Backend.crossEntropyBackward`). */
  crossEntropyBackward(
    logp: Storage,
    target: Storage,
    g: Storage,
    rows: number,
    cols: number,
    ignoreIndex: number,
  ): WebGPUStorage {
    const lp = this.#storage("crossEntropyBackward", logp), t = this.#storage("crossEntropyBackward", target);
    const gs = this.#storage("crossEntropyBackward", g);
    if (lp.numel !== rows * cols || t.numel !== rows || (gs.numel !== rows && gs.numel !== 1)) {
      throw new RangeError(
        `crossEntropyBackward: [${rows}, ${cols}] does not match ${lp.numel} log-probabilities, ` +
          `${t.numel} targets and ${gs.numel} gradients`,
      );
    }
    const n = rows * cols;
    const out = this.#alloc("float32", n);
    if (n === 0) return this.#inherit(out, lp, t, gs);
    const base = this.#paramWords();
    this.#u32[base] = n;
    this.#u32[base + 1] = cols;
    this.#i32[base + 2] = ignoreIndex | 0;
    this.#u32[base + 3] = gs.numel;
    this.#run1d(this.#pipelines.get("loss.cross_entropy_backward"), base, [
      { binding: 1, entry: this.#entryOf(lp) },
      { binding: 2, entry: this.#entryOf(t) },
      { binding: 3, entry: this.#entryOf(gs) },
      { binding: 4, entry: this.#entryOf(out) },
    ], n);
    return this.#inherit(out, lp, t, gs);
  }

  // ---- matmul ----------------------------------------------------------------------------------

  matmul(a: Storage, b: Storage, args: MatmulArgs): WebGPUStorage {
    const sa = this.#storage("matmul", a), sb = this.#storage("matmul", b);
    const dtype = gpuCompute("matmul", checkMatmul(sa, sb, args));
    const total = args.batch * args.m * args.n;
    let product: WebGPUStorage;
    if (total === 0) {
      product = this.#alloc(dtype, 0);
    } else if (args.k === 0) {
      product = this.full(dtype, total, 0);
    } else if (dtype === "int32") {
      product = this.#alloc(dtype, total);
      this.#matmulInto(dtype, this.#entryOf(sa), this.#entryOf(sb), args, this.#entryOf(product), null);
    } else {
      // float32 products are pending: the pointwise graph that reads one becomes its epilogue.
      this.#pool.sizeFor(total * 4);
      const folded = args.batch > 1 && args.bBatchStride === 0 && !args.transA &&
        args.aBatchStride === args.m * args.k;
      const rows = folded ? args.m * args.batch : args.m;
      if (rows >= 8 && args.n >= 8) this.#matmulGrid(rows, args.k, args.n);
      product = new WebGPUStorage(this, dtype, total, null);
      this.#makePending(
        product,
        new LazyNode<WebGPUStorage>(
          dtype,
          total,
          { kind: "matmul", a: sa, b: sb, args: { ...args, bias: null } },
          1,
          0,
        ),
      );
    }
    this.#inherit(product, sa, sb);
    if (!args.bias || total === 0) return product;
    const out = this.binary("add", product, args.bias, total, "float32");
    product.dispose();
    return out;
  }

  /**
   * Computes matmul node `node` into `target` (a pending storage); with `stores` (the pointwise
   * graph over the product, rooted at `target`'s value, and the pending values it stores too),
   * as the kernel's epilogue. False (nothing done) when the epilogue does not fit one kernel.
   */
  #runMatmul(
    node: LazyNode<WebGPUStorage>,
    target: WebGPUStorage,
    stores: FusedStore<WebGPUStorage>[] | null,
  ): boolean {
    const op = node.op as Extract<LazyOp<WebGPUStorage>, { kind: "matmul" }>;
    const args = op.args as MatmulArgs;
    let epilogue: FusedProgram<WebGPUStorage> | null = null;
    if (stores) {
      // An epilogue runs at the end of a product computed in one dispatch per batch chunk.
      if (this.#matmulSlices(args).length > 1 || this.#slices(args.k, 1, 1).length > 1) return false;
      const attempt = (list: FusedStore<WebGPUStorage>[]) => {
        try {
          return generate([{ n: node.numel, stores: list, leafOf: this.#leafOf, special: node }], {
            maxBuffers: this.#maxBuffers - 2,
            maxWords: EPILOGUE_WORDS,
            firstBinding: 8,
          });
        } catch (e) {
          if (e instanceof FusionLimit) return null;
          throw e;
        }
      };
      epilogue = attempt(stores);
      if (!epilogue && stores.length > 1) {
        stores = stores.slice(0, 1);
        epilogue = attempt(stores);
      }
      if (!epilogue) return false;
      for (const st of stores) this.#giveBuffer(st.target);
    } else {
      this.#giveBuffer(target);
    }
    this.#matmulInto(
      "float32",
      op.a._buffer!,
      op.b._buffer!,
      args,
      epilogue ? null : target._buffer!,
      epilogue,
    );
    if (stores) { for (const st of stores) this.#stored(st.target, st.node); }
    else this.#stored(target, node);
    return true;
  }

  /**
   * The workgroup grid of the direct/tiled kernels over an `m` x `n` product (the direct kernel
   * covers 32 x 128 per workgroup for products of at most 32 rows); throws when it is too large.
   */
  #matmulGrid(m: number, k: number, n: number): { short: boolean; gx: number; gy: number } {
    const short = this.#matmulKernel === "direct" && m <= 32;
    const gx = ceilDiv(n, short ? 128 : 64), gy = ceilDiv(m, short ? 32 : 64);
    if (gx > this.#maxGroups || gy > this.#maxGroups) {
      throw new RangeError(`matmul: [${m}, ${k}] @ [${k}, ${n}] is too large for one dispatch`);
    }
    return { short, gx, gy };
  }

  /** The k-slices of a float32 product's dispatches (one unless the inner dimension is long). */
  #matmulSlices(args: MatmulArgs): [number, number][] {
    if (args.m < 8 || args.n < 8) return this.#slices(args.k, 1, 1);
    // direct: 4 k per iteration, in one of two loops (vector loads, or the edge blocks' checked
    // loads) that neighbouring invocations may both take; tiled: 8 k per step, whose inner loop of
    // 8 may count too.
    return this.#matmulKernel === "direct" ? this.#slices(args.k, 4, 2) : this.#slices(args.k, 8, 9);
  }

  /**
   * Encodes the product `args` of the buffers `ea` and `eb` into `ec`, or through `epilogue`
   * (generated by fusion.ts, with the product as `v`), which then stores every output itself.
   */
  #matmulInto(
    dtype: GpuComputeDType,
    ea: PoolEntry,
    eb: PoolEntry,
    args: MatmulArgs,
    ec: PoolEntry | null,
    epilogue: FusedProgram<WebGPUStorage> | null,
  ): void {
    let { batch, m } = args;
    const { k, n, transA, transB } = args;
    let { aBatchStride, bBatchStride } = args;
    if (batch > 1 && bBatchStride === 0 && !transA && aBatchStride === m * k) {
      m *= batch;
      batch = 1;
      aBatchStride = 0;
    }
    const aVec = (transA ? m : k) % 4 === 0 && aBatchStride % 4 === 0;
    const bVec = (transB ? k : n) % 4 === 0 && bBatchStride % 4 === 0;
    const params = (base: number, batchBase: number, kLo: number, kHi: number) => {
      const u = this.#u32;
      u[base] = m;
      u[base + 1] = k;
      u[base + 2] = n;
      u[base + 3] = aBatchStride;
      u[base + 4] = bBatchStride;
      u[base + 5] = aVec ? 1 : 0;
      u[base + 6] = bVec ? 1 : 0;
      u[base + 7] = batchBase;
      u[base + 8] = batch;
      u[base + 9] = transA ? 1 : 0;
      u[base + 10] = transB ? 1 : 0;
      u[base + 11] = kLo;
      u[base + 12] = kHi;
      if (epilogue) epilogue.words.forEach((w, i) => u[base + 16 + i] = w);
    };
    const epiBindings: Binding[] = epilogue
      ? epilogue.bindings.map((b) => ({ binding: b.binding, entry: b.buffer._buffer! }))
      : [];
    const epiDecl = epilogue
      ? `${epilogue.decls}\n\nfn epi(v: f32, i: u32) {\n  ${epilogue.bodies[0]}\n}`
      : "";
    if (dtype === "int32" || m < 8 || n < 8) {
      const kernel = this.#pipelines.get("matmul.simple", {
        T: WGSL_TYPE[dtype],
        TA: "false",
        TB: "false",
        C_DECL: epiDecl,
        STORE: "",
        LOAD: "",
        SIMPLE_LOAD: epilogue ? "" : "if (P.k_lo != 0u) { acc = SC[t]; }",
        SIMPLE_STORE: epilogue ? "epi(acc, t);" : "SC[t] = acc;",
      });
      const bindings = [{ binding: 4, entry: ea }, { binding: 5, entry: eb }, ...epiBindings];
      if (ec) bindings.push({ binding: 6, entry: ec });
      // One loop iteration per k: slices of the inner dimension within the loop budget.
      for (const [kLo, kHi] of this.#slices(k, 1, 1)) {
        const base = this.#paramWords();
        params(base, 0, kLo, kHi);
        this.#run1d(kernel, base, bindings, batch * m * n);
      }
      return;
    }
    const cVec = n % 4 === 0;
    const { short, gx, gy } = this.#matmulGrid(m, k, n);
    const store = epilogue
      ? [
        "if (col < P.n) { epi(lo.x, p); }",
        "if (col + 1u < P.n) { epi(lo.y, p + 1u); }",
        "if (col + 2u < P.n) { epi(lo.z, p + 2u); }",
        "if (col + 3u < P.n) { epi(lo.w, p + 3u); }",
        "if (col + 4u < P.n) { epi(hi.x, p + 4u); }",
        "if (col + 5u < P.n) { epi(hi.y, p + 5u); }",
        "if (col + 6u < P.n) { epi(hi.z, p + 6u); }",
        "if (col + 7u < P.n) { epi(hi.w, p + 7u); }",
      ].join("\n  ")
      : cVec
      ? "if (col < P.n) { C[p >> 2u] = lo; }\n  if (col + 4u < P.n) { C[(p >> 2u) + 1u] = hi; }"
      : [
        "if (col < P.n) { C[p] = lo.x; }",
        "if (col + 1u < P.n) { C[p + 1u] = lo.y; }",
        "if (col + 2u < P.n) { C[p + 2u] = lo.z; }",
        "if (col + 3u < P.n) { C[p + 3u] = lo.w; }",
        "if (col + 4u < P.n) { C[p + 4u] = hi.x; }",
        "if (col + 5u < P.n) { C[p + 5u] = hi.y; }",
        "if (col + 6u < P.n) { C[p + 6u] = hi.z; }",
        "if (col + 7u < P.n) { C[p + 7u] = hi.w; }",
      ].join("\n  ");
    const kernel = this.#pipelines.get(`matmul.${this.#matmulKernel}`, {
      ...(this.#matmulKernel === "direct" ? { WGX: short ? "16" : "8", WGY: short ? "4" : "8" } : {}),
      TA: String(transA),
      TB: String(transB),
      C_DECL: epilogue
        ? epiDecl
        : `@group(0) @binding(3) var<storage, read_write> C: array<${cVec ? "vec4<f32>" : "f32"}>;`,
      STORE: store,
      LOAD: epilogue
        ? ""
        : cVec
        ? "if (col < P.n) { lo = C[p >> 2u]; }\n    if (col + 4u < P.n) { hi = C[(p >> 2u) + 1u]; }"
        : [
          "if (col < P.n) { lo.x = C[p]; }",
          "if (col + 1u < P.n) { lo.y = C[p + 1u]; }",
          "if (col + 2u < P.n) { lo.z = C[p + 2u]; }",
          "if (col + 3u < P.n) { lo.w = C[p + 3u]; }",
          "if (col + 4u < P.n) { hi.x = C[p + 4u]; }",
          "if (col + 5u < P.n) { hi.y = C[p + 5u]; }",
          "if (col + 6u < P.n) { hi.z = C[p + 6u]; }",
          "if (col + 7u < P.n) { hi.w = C[p + 7u]; }",
        ].join("\n    "),
    });
    const bindings: Binding[] = [{ binding: 1, entry: ea }, { binding: 2, entry: eb }, ...epiBindings];
    if (ec) bindings.push({ binding: 3, entry: ec });
    const slices = this.#matmulSlices({ ...args, m, batch });
    for (let b0 = 0; b0 < batch; b0 += this.#maxGroups) {
      for (const [kLo, kHi] of slices) {
        const base = this.#paramWords();
        params(base, b0, kLo, kHi);
        this.#dispatch(kernel, base, bindings, gx, gy, Math.min(this.#maxGroups, batch - b0));
      }
    }
  }

  // ---- gather / scatter ------------------------------------------------------------------------

  /** Checks the index now when its contents are known; else returns the check the GPU runs. */
  #indexCheck(op: string, idx: WebGPUStorage, len: number): DeviceCheck | null {
    if (this.#hostCheck(op, idx, len)) return null;
    return this.#newCheck((bits) => badIndexError(op, bits | 0, len));
  }

  /** Validates a whole index on the GPU (used when no kernel visits every index element). */
  #checkIndexGpu(c: DeviceCheck, idx: WebGPUStorage, len: number): void {
    const e = this.#entryOf(idx);
    const [page, slot] = this.#slotOf(c);
    const base = this.#paramWords();
    this.#u32[base] = idx.numel;
    this.#u32[base + 1] = len;
    this.#u32[base + 2] = slot;
    this.#run1d(this.#pipelines.get("index.check_index"), base, [
      { binding: 2, entry: e },
      { binding: 5, entry: page },
    ], idx.numel);
    this.#errorValue(c, e);
  }

  #reportSubs(c: DeviceCheck | null): Record<string, string> {
    return c
      ? {
        DECL_E: "@group(0) @binding(5) var<storage, read_write> E: array<atomic<u32>>;",
        REPORT: "atomicMax(&E[P.slot * 4u], 1u);\n    atomicMax(&E[P.slot * 4u + 1u], 0xffffffffu - pos);",
      }
      : { DECL_E: "", REPORT: "" };
  }

  /** The result of a checked index op: it depends on its inputs' checks and on its own. */
  #checkedResult(out: WebGPUStorage, c: DeviceCheck | null, ...inputs: Storage[]): WebGPUStorage {
    this.#inherit(out, ...inputs);
    if (c) this.#attach(out, c);
    return out;
  }

  gather(
    x: Storage,
    index: Storage,
    outer: number,
    len: number,
    inner: number,
    idxLen: number,
    indexIs1d: boolean,
  ): WebGPUStorage {
    const op = indexIs1d ? "indexSelect" : "gather";
    const s = this.#storage(op, x), idx = this.#storage(op, index);
    checkLayout(op, s.numel, outer, len, inner);
    checkIndex(op, idx, outer, len, inner, idxLen, indexIs1d);
    const n = outer * idxLen * inner;
    const out = this.#alloc(s.dtype, n);
    if (n === 0) {
      const c = idx.numel > 0 ? this.#indexCheck(op, idx, len) : null;
      if (c) this.#checkIndexGpu(c, idx, len);
      return this.#checkedResult(out, c, s, idx);
    }
    const c = this.#indexCheck(op, idx, len);
    const base = this.#paramWords();
    const u = this.#u32;
    u[base] = n;
    u[base + 1] = len;
    u[base + 2] = inner;
    u[base + 3] = idxLen;
    u[base + 4] = indexIs1d ? 1 : 0;
    u[base + 5] = c ? this.#slotOf(c)[1] : 0;
    const ie = this.#entryOf(idx);
    const bindings: Binding[] = [
      { binding: 1, entry: this.#entryOf(s) },
      { binding: 2, entry: ie },
      { binding: 3, entry: this.#entryOf(out) },
    ];
    if (c) bindings.push({ binding: 5, entry: this.#slotOf(c)[0] });
    this.#run1d(this.#pipelines.get("index.gather", this.#reportSubs(c)), base, bindings, n);
    if (c) this.#errorValue(c, ie);
    return this.#checkedResult(out, c, s, idx);
  }

  scatterAdd(
    src: Storage,
    index: Storage,
    outer: number,
    len: number,
    inner: number,
    idxLen: number,
    indexIs1d: boolean,
  ): WebGPUStorage {
    const op = "scatterAdd";
    const s = this.#storage(op, src), idx = this.#storage(op, index);
    const dtype = gpuCompute(op, s.dtype);
    checkLayout(op, s.numel, outer, idxLen, inner);
    checkIndex(op, idx, outer, len, inner, idxLen, indexIs1d);
    const n = outer * len * inner;
    if (s.numel === 0 || n === 0) {
      const c = idx.numel > 0 ? this.#indexCheck(op, idx, len) : null;
      if (c) this.#checkIndexGpu(c, idx, len);
      return this.#checkedResult(this.full(dtype, n, 0), c, s, idx);
    }
    const c = this.#indexCheck(op, idx, len);
    const out = this.#alloc(dtype, n);
    const oe = this.#entryOf(out);
    this.#copyEncoder().clearBuffer(oe.buffer, 0, n * 4);
    const base = this.#paramWords();
    const u = this.#u32;
    u[base] = s.numel;
    u[base + 1] = len;
    u[base + 2] = inner;
    u[base + 3] = idxLen;
    u[base + 4] = indexIs1d ? 1 : 0;
    u[base + 5] = c ? this.#slotOf(c)[1] : 0;
    const ie = this.#entryOf(idx);
    const bindings: Binding[] = [
      { binding: 1, entry: this.#entryOf(s) },
      { binding: 2, entry: ie },
      { binding: 3, entry: oe },
    ];
    if (c) bindings.push({ binding: 5, entry: this.#slotOf(c)[0] });
    const add = dtype === "int32" ? "atomicAdd(&Y[d], v);" : [
      "var old = atomicLoad(&Y[d]);",
      "  loop {",
      "    let res = atomicCompareExchangeWeak(&Y[d], old, bitcast<u32>(bitcast<f32>(old) + v));",
      "    if (res.exchanged) { break; }",
      "    old = res.old_value;",
      "  }",
    ].join("\n");
    const k = this.#pipelines.get("index.scatter_add", {
      T: WGSL_TYPE[dtype],
      AT: dtype === "int32" ? "i32" : "u32",
      ADD: add,
      ...this.#reportSubs(c),
    });
    this.#run1d(k, base, bindings, s.numel);
    if (c) this.#errorValue(c, ie);
    return this.#checkedResult(out, c, s, idx);
  }

  // ---- convolution and pooling -----------------------------------------------------------------

  #float(op: string, st: Storage, numel: number, what: string): WebGPUStorage {
    const w = this.#storage(op, st);
    if (w.dtype !== "float32") throw new TypeError(`${op}: expected float32, got ${w.dtype}`);
    if (w.numel !== numel) throw new RangeError(`${op}: ${what} has ${w.numel} elements, expected ${numel}`);
    return w;
  }

  /** The conv kernels' parameters: geometry, r, n, im2col's piece size and count, col2im's window range. */
  #convParams(g: Conv2dGeometry, r: number, n: number, extra: readonly number[]): number {
    const base = this.#paramWords();
    const vals = [...conv2dGeometryWords(g), r, n, ...extra];
    vals.forEach((v, i) => this.#u32[base + i] = v);
    return base;
  }

  im2col(x: Storage, geom: Conv2dGeometry): WebGPUStorage {
    return this.#inherit(this.#im2colImpl(x, geom), x);
  }

  #im2colImpl(x: Storage, geom: Conv2dGeometry): WebGPUStorage {
    const r = checkConvGeom("im2col", geom);
    const { batch, channels, height, width, groups, outH, outW } = geom;
    const s = this.#float("im2col", x, batch * channels * height * width, "input");
    const n = batch * groups * r * outH * outW;
    const out = this.#alloc("float32", n);
    if (n === 0) return out;
    // One invocation per piece of an output row segment; the kernel has three loops over a piece
    // (ones row, zero row, input row), which neighbouring invocations may all take.
    const piece = Math.min(outW, Math.floor(this.#loopBudget / 3));
    const pieces = ceilDiv(outW, piece);
    const threads = (n / outW) * pieces;
    const base = this.#convParams(geom, r, threads, [piece, pieces, 0, 0]);
    this.#run1d(this.#pipelines.get("conv.im2col"), base, [
      { binding: 1, entry: this.#entryOf(s) },
      { binding: 2, entry: this.#entryOf(out) },
    ], threads);
    return out;
  }

  col2im(cols: Storage, geom: Conv2dGeometry): WebGPUStorage {
    return this.#inherit(this.#col2imImpl(cols, geom), cols);
  }

  #col2imImpl(cols: Storage, geom: Conv2dGeometry): WebGPUStorage {
    const r = checkConvGeom("col2im", geom);
    const { batch, channels, height, width, groups, outH, outW } = geom;
    const s = this.#float("col2im", cols, batch * groups * r * outH * outW, "cols");
    const n = batch * channels * height * width;
    if (n === 0 || s.numel === 0) return this.full("float32", n, 0);
    const out = this.#alloc("float32", n);
    const k = this.#pipelines.get("conv.col2im");
    const bindings = [{ binding: 1, entry: this.#entryOf(s) }, { binding: 2, entry: this.#entryOf(out) }];
    // The window entries (ki, kj) in slices: an iteration per entry plus one per kernel row.
    for (const [lo, hi] of this.#slices(geom.kernelH * geom.kernelW, 1, 2)) {
      const base = this.#convParams(geom, r, n, [0, 0, lo, hi]);
      this.#run1d(k, base, bindings, n);
    }
    return out;
  }

  /**
   * Encodes a pooling kernel over `n` outputs in dispatches that each visit a slice of the
   * `nh` x `nw` grid of window positions (see wgsl/pool.wgsl); `step` 2 keeps 2-wide rows whole.
   */
  #poolDispatches(
    name: string,
    g: Pool2dGeometry,
    opts: AvgPoolOptions | null,
    n: number,
    grid: [number, number],
    bindings: Binding[],
    step = 1,
  ): void {
    const nw = Math.max(grid[1], 1);
    const total = Math.max(grid[0] * nw, 1);
    const k = this.#pipelines.get(name);
    // An iteration per position plus one per grid row.
    for (const [lo, hi] of this.#slices(total, step, 2 * step)) {
      const base = this.#poolParams(g, opts, n);
      this.#u32.set([lo, hi, nw, hi === total ? 1 : 0], base + 18);
      this.#run1d(k, base, bindings, n);
    }
  }

  #poolParams(g: Pool2dGeometry, opts: AvgPoolOptions | null, n: number): number {
    const base = this.#paramWords();
    const u = this.#u32, i = this.#i32;
    u[base] = g.planes;
    u[base + 1] = g.height;
    u[base + 2] = g.width;
    u[base + 3] = g.kernelH;
    u[base + 4] = g.kernelW;
    u[base + 5] = g.strideH;
    u[base + 6] = g.strideW;
    i[base + 7] = g.padH;
    i[base + 8] = g.padW;
    u[base + 9] = g.dilationH;
    u[base + 10] = g.dilationW;
    u[base + 11] = g.outH;
    u[base + 12] = g.outW;
    u[base + 13] = opts?.countIncludePad ? 1 : 0;
    i[base + 14] = opts?.divisor ?? 0;
    u[base + 15] = n;
    if (opts && g.kernelW === 2 && g.strideW === 2) {
      // The CPU's vector path for 2-wide, stride-2 windows inside the row sums pairs first.
      const lo = Math.min(g.outW, g.padW > 0 ? Math.ceil(g.padW / 2) : 0);
      const lim = g.width - 1 - (1 - g.padW);
      const hi = Math.max(lo, lim < 0 ? 0 : Math.min(g.outW, Math.floor(lim / 2) + 1));
      if (hi - lo >= 4) {
        u[base + 16] = lo;
        u[base + 17] = hi;
      }
    }
    return base;
  }

  maxPool2d(x: Storage, geom: Pool2dGeometry): { values: WebGPUStorage; indices: WebGPUStorage } {
    const r = this.#maxPool2dImpl(x, geom);
    this.#inherit(r.values, x);
    this.#inherit(r.indices, x);
    return r;
  }

  #maxPool2dImpl(x: Storage, geom: Pool2dGeometry): { values: WebGPUStorage; indices: WebGPUStorage } {
    checkPoolGeom("maxPool2d", geom);
    const { planes, height, width, outH, outW } = geom;
    const s = this.#float("maxPool2d", x, planes * height * width, "input");
    const n = planes * outH * outW;
    if (n === 0) return { values: this.#alloc("float32", 0), indices: this.#alloc("int32", 0) };
    if (height * width === 0) throw new RangeError("maxPool2d: cannot pool an empty plane");
    const values = this.#alloc("float32", n), indices = this.#alloc("int32", n);
    // Window positions inside the plane: at most ceil(size / dilation) per dim.
    const grid: [number, number] = [
      Math.min(geom.kernelH, ceilDiv(height, geom.dilationH)),
      Math.min(geom.kernelW, ceilDiv(width, geom.dilationW)),
    ];
    this.#poolDispatches("pool.max", geom, null, n, grid, [
      { binding: 1, entry: this.#entryOf(s) },
      { binding: 2, entry: this.#entryOf(values) },
      { binding: 3, entry: this.#entryOf(indices) },
    ]);
    return { values, indices };
  }

  avgPool2d(x: Storage, geom: Pool2dGeometry, opts: AvgPoolOptions): WebGPUStorage {
    return this.#inherit(this.#avgPool2dImpl(x, geom, opts), x);
  }

  #avgPool2dImpl(x: Storage, geom: Pool2dGeometry, opts: AvgPoolOptions): WebGPUStorage {
    checkAvg("avgPool2d", geom, opts);
    const { planes, height, width, outH, outW } = geom;
    const s = this.#float("avgPool2d", x, planes * height * width, "input");
    const n = planes * outH * outW;
    const out = this.#alloc("float32", n);
    if (n === 0) return out;
    const grid: [number, number] = [Math.min(geom.kernelH, height), Math.min(geom.kernelW, width)];
    this.#poolDispatches("pool.avg", geom, opts, n, grid, [
      { binding: 1, entry: this.#entryOf(s) },
      { binding: 2, entry: this.#entryOf(out) },
    ], 2);
    return out;
  }

  avgPool2dBackward(grad: Storage, geom: Pool2dGeometry, opts: AvgPoolOptions): WebGPUStorage {
    return this.#inherit(this.#avgPool2dBackwardImpl(grad, geom, opts), grad);
  }

  #avgPool2dBackwardImpl(grad: Storage, geom: Pool2dGeometry, opts: AvgPoolOptions): WebGPUStorage {
    checkAvg("avgPool2dBackward", geom, opts);
    const { planes, height, width, outH, outW } = geom;
    const s = this.#float("avgPool2dBackward", grad, planes * outH * outW, "grad");
    const n = planes * height * width;
    if (n === 0 || s.numel === 0) return this.full("float32", n, 0);
    const out = this.#alloc("float32", n);
    // Windows covering one element: at most ceil(kernel / stride) per dim.
    const grid: [number, number] = [
      Math.min(ceilDiv(geom.kernelH, geom.strideH), outH),
      Math.min(ceilDiv(geom.kernelW, geom.strideW), outW),
    ];
    this.#poolDispatches("pool.avg_backward", geom, opts, n, grid, [
      { binding: 1, entry: this.#entryOf(s) },
      { binding: 2, entry: this.#entryOf(out) },
    ]);
    return out;
  }

  // ---- extras: random numbers and fused optimizer steps ----------------------------------------

  #random(
    kind: "uniform" | "normal",
    numel: number,
    seed: number | bigint,
    offset: number,
    a: number,
    b: number,
  ) {
    this.#checkAlive();
    checkCount(kind, "numel", numel);
    checkCount(kind, "offset", offset);
    const out = this.#alloc("float32", numel);
    if (numel === 0) return out;
    const s = BigInt.asUintN(64, typeof seed === "bigint" ? seed : BigInt(Math.trunc(seed)));
    const base = this.#paramWords();
    const u = this.#u32;
    u[base] = numel;
    u[base + 1] = Number(s & 0xffffffffn);
    u[base + 2] = Number(s >> 32n);
    u[base + 3] = offset % 4294967296;
    u[base + 4] = Math.floor(offset / 4294967296);
    this.#f32[base + 5] = a;
    this.#f32[base + 6] = b;
    this.#run1d(
      this.#pipelines.get(`random.${kind}`),
      base,
      [{ binding: 1, entry: this.#entryOf(out) }],
      ceilDiv(numel, 4),
    );
    return out;
  }

  /**
   * `numel` float32 values uniform in `[low, high)` from the counter-based Philox4x32-10
   * generator: the stream is a pure function of `(seed, offset)`, and a call consumes
   * `ceil(numel / 4)` counters, so the caller continues a stream with `offset + ceil(numel / 4)`.
   */
  uniform(numel: number, seed: number | bigint, offset: number, low = 0, high = 1): WebGPUStorage {
    return this.#random("uniform", numel, seed, offset, low, high);
  }

  /** `numel` float32 normal values (Box-Muller over Philox words); counters as {@link uniform}. */
  normal(numel: number, seed: number | bigint, offset: number, mean = 0, std = 1): WebGPUStorage {
    return this.#random("normal", numel, seed, offset, mean, std);
  }

  /**
   * Pointwise float32 graphs over the current values of storages, for in-place updates: `arg(s)`
   * is `s`'s value (its pending graph inlined, or its buffer), `k(v)` a scalar word, `op(...)`
   * a node; `write(target, node)` makes the node a pending write of `target`.
   */
  #updateGraph(inputs: readonly WebGPUStorage[]) {
    // Inputs with large pending graphs are computed first, so that the update fits one kernel.
    for (const x of inputs) if (x._lazy && x._lazy.size > MAX_FUSED_NODES / 2) this.#materialize(x);
    const leaves = new Set<WebGPUStorage>();
    const n = inputs[0].numel;
    let size = 0, words = 0;
    type Arg = LazyOperand<WebGPUStorage>;
    const arg = (x: WebGPUStorage): Arg => {
      if (this.#inlines(x)) {
        for (const r of x._retains ?? []) leaves.add(r);
        size += x._lazy!.size;
        words += x._lazy!.words;
        return x._lazy!;
      }
      leaves.add(x);
      return x;
    };
    const k = (v: number): Arg => {
      words++;
      return { scalar: f32Bits(v) };
    };
    const node = (op: LazyOp<WebGPUStorage>) => new LazyNode<WebGPUStorage>("float32", n, op, ++size, words);
    const unary = (op: UnaryOp, x: Arg) => node({ kind: "unary", op, compute: "float32", x });
    const binary = (op: BinaryOp, a: Arg, b: Arg) => node({ kind: "binary", op, compute: "float32", a, b });
    const values = inputs.map(arg);
    const write = (target: WebGPUStorage, value: Arg) => {
      const v = value instanceof LazyNode ? value : node({ kind: "copy", x: value });
      this.#nodeLeaves.set(v, [...leaves]);
      this.#makePending(target, v);
    };
    return { values, k, unary, binary, write };
  }

  #optimArgs(op: string, ...s: (Storage | null)[]): (WebGPUStorage | null)[] {
    const out = s.map((x) => (x === null ? null : this.#operand(op, x)));
    const n = out[0]!.numel;
    for (const x of out) {
      if (x === null) continue;
      if (x.dtype !== "float32") throw new TypeError(`${op}: expected float32 storages, got ${x.dtype}`);
      if (x.numel !== n) throw new RangeError(`${op}: storages have ${n} and ${x.numel} elements`);
    }
    return out;
  }

  /**
   * One Adam/AdamW step in place: updates `param`, `expAvg`, `expAvgSq` (and `maxExpAvgSq` with
   * amsgrad) from `grad`, computing exactly what `src/optim/adam.ts` computes with tensor ops, as
   * pending writes: the updates of all the parameters of a step run together (see
   * {@link batchWrites}).
   */
  adamUpdate(
    param: Storage,
    grad: Storage,
    expAvg: Storage,
    expAvgSq: Storage,
    maxExpAvgSq: Storage | null,
    o: AdamUpdateOptions,
  ): void {
    if (o.amsgrad && !maxExpAvgSq) throw new TypeError("adamUpdate: amsgrad needs maxExpAvgSq");
    const [p, g, m, v, vmax] = this.#optimArgs(
      "adamUpdate",
      param,
      grad,
      expAvg,
      expAvgSq,
      o.amsgrad ? maxExpAvgSq : null,
    );
    const n = p!.numel;
    // Every state written depends on every storage read.
    for (const t of [p, m, v, vmax]) if (t) this.#inherit(t, p, g, m, v, vmax);
    if (n === 0) return;
    const bias1 = 1 - o.beta1 ** o.step, bias2 = 1 - o.beta2 ** o.step;
    const inputs = vmax ? [p!, g!, m!, v!, vmax] : [p!, g!, m!, v!];
    const { values, k, unary, binary, write } = this.#updateGraph(inputs);
    const [pv, gv, mv, vv, vmv] = values;
    let grad0 = o.maximize ? unary("neg", gv) : gv;
    let p0 = pv;
    if (o.weightDecay !== 0) {
      if (o.decoupled) p0 = binary("mul", pv, k(1 - o.lr * o.weightDecay));
      else grad0 = binary("add", grad0, binary("mul", pv, k(o.weightDecay)));
    }
    const m1 = binary("add", binary("mul", mv, k(o.beta1)), binary("mul", grad0, k(1 - o.beta1)));
    const v1 = binary(
      "add",
      binary("mul", vv, k(o.beta2)),
      binary("mul", binary("mul", grad0, k(1 - o.beta2)), grad0),
    );
    let second = v1;
    if (vmv) second = binary("maximum", vmv, v1);
    const denom = binary("add", binary("div", unary("sqrt", second), k(Math.sqrt(bias2))), k(o.eps));
    const p1 = binary("add", p0, binary("div", binary("mul", m1, k(-(o.lr / bias1))), denom));
    write(m!, m1);
    write(v!, v1);
    if (vmax) write(vmax, second);
    write(p!, p1);
  }

  /**
   * One SGD step in place on `param` (and `momentumBuffer` when momentum is not 0), computing
   * exactly what `src/optim/sgd.ts` computes with tensor ops, as pending writes (see
   * {@link adamUpdate}).
   */
  sgdUpdate(param: Storage, grad: Storage, momentumBuffer: Storage | null, o: SgdUpdateOptions): void {
    const useMomentum = o.momentum !== 0;
    if (useMomentum && !momentumBuffer) throw new TypeError("sgdUpdate: momentum needs momentumBuffer");
    const [p, g, buf] = this.#optimArgs("sgdUpdate", param, grad, useMomentum ? momentumBuffer : null);
    const n = p!.numel;
    for (const t of [p, buf]) if (t) this.#inherit(t, p, g, buf);
    if (n === 0) return;
    const { values, k, unary, binary, write } = this.#updateGraph(buf ? [p!, g!, buf] : [p!, g!]);
    const [pv, gv, bv] = values;
    let d = o.maximize ? unary("neg", gv) : gv;
    if (o.weightDecay !== 0) d = binary("add", d, binary("mul", pv, k(o.weightDecay)));
    if (buf) {
      let b = d;
      if (!o.firstStep) {
        const scaled = o.dampening !== 0 ? binary("mul", d, k(1 - o.dampening)) : d;
        b = binary("add", binary("mul", bv, k(o.momentum)), scaled);
      }
      write(buf, b);
      d = o.nesterov ? binary("add", d, binary("mul", b, k(o.momentum))) : b;
    }
    write(p!, binary("sub", pv, binary("mul", d, k(o.lr))));
  }
}
