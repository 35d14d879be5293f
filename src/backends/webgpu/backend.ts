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
import type {
  AdamUpdateOptions,
  AvgPoolOptions,
  Backend,
  BinaryOp,
  Conv2dGeometry,
  MatmulArgs,
  Operand,
  Pool2dGeometry,
  ReduceOp,
  SgdUpdateOptions,
  Storage,
  UnaryOp,
} from "../backend.ts";
import { ARITHMETIC_OPS, COMPARISON_OPS, conv2dGeometryWords, REDUCE_OPS, UNARY_OPS } from "../backend.ts";
import { checkDeviceDType, type ComputeDType, type DType, type TypedArray } from "../../dtype.ts";
import { BufferPool, type PoolEntry } from "./pool.ts";
import { GpuErrors } from "./errors.ts";
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
  badIndexError,
  checkAvg,
  checkCompute,
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

/**
 * Loop iterations one kernel invocation may run. Mesa's llvmpipe ends an invocation after 65,535
 * loop iterations, silently, counted over all of its loops together (nested ones included) and
 * over the SIMD lanes it runs with: one loop of 70,000 steps stops at 65,535, two loops of 40,000
 * stop at 40,000 and 25,534, and two loops in the branches of an `if` both count when neighbouring
 * invocations take different branches. So every kernel whose loops depend on the data keeps each
 * invocation, all its loop sites added up, within this budget (half the cap, leaving room for the
 * fixed loops around, such as tree reductions), and the host splits longer work over more
 * invocations or dispatches. Long-running invocations are a hazard on real GPUs too (watchdog
 * resets), so the budget holds on every adapter.
 */
export const LOOP_BUDGET = 32768;

/** Dispatches encoded before a submit is forced. */
export const MAX_BATCH = 128;
/** Invocations per workgroup of the 1-d kernels. */
const WG = 256;
/** int32 storages up to this many elements keep a host copy for synchronous index checks. */
const HOST_INDEX_LIMIT = 1 << 18;
/**
 * Reduction chunks: elements per invocation of the row kernel, elements of the column kernel
 * (both far within the loop budget; a lower test budget lowers the column chunk).
 */
const ROW_CHUNK_PER_INVOCATION = 16;
const COL_CHUNK = 256;
/** Scan chunk (elements one invocation prefix-sums serially; at most the loop budget). */
const SCAN_CHUNK = 256;

const STORAGE_USAGE = 0x80 | 0x4 | 0x8; // STORAGE | COPY_SRC | COPY_DST
const STAGING_USAGE = 0x1 | 0x8; // MAP_READ | COPY_DST
const UNIFORM_USAGE = 0x40 | 0x8; // UNIFORM | COPY_DST
const MAP_READ = 0x1;

/** A compute dtype of a gpu kernel (float64 never reaches the gpu: WGSL has no f64). */
function gpuCompute(op: string, dtype: DType): GpuComputeDType {
  const d = checkCompute(op, dtype);
  if (d === "float64") checkDeviceDType(op, d, "gpu");
  return d as GpuComputeDType;
}

const TYPED_CTOR = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  float16: Uint16Array,
  uint8: Uint8Array,
  bool: Uint8Array,
} as const;

// ---------------------------------------------------------------------------------------------
// float16 <-> float32 bits (exact for half values; round to nearest even otherwise)

const f32Box = new Float32Array(1);
const u32Box = new Uint32Array(f32Box.buffer);

/** float32 bits to half bits, rounding to nearest even; NaN payloads are kept where they fit. */
function f32BitsToHalf(x: number): number {
  const sign = (x >>> 16) & 0x8000;
  const ax = x & 0x7fffffff;
  if (ax > 0x7f800000) {
    const m = (ax >>> 13) & 0x3ff;
    return sign | 0x7c00 | (m === 0 ? 0x200 : m);
  }
  if (ax >= 0x477ff000) return sign | 0x7c00;
  if (ax >= 0x38800000) {
    const m = ax + 0xfff + ((ax >>> 13) & 1);
    return sign | ((m - (112 << 23)) >>> 13);
  }
  if (ax < 0x33000000) return sign;
  const e = ax >>> 23;
  const mant = (ax & 0x7fffff) | 0x800000;
  const shift = 126 - e;
  const q = mant >>> shift;
  const rem = mant & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  return sign | (rem > half || (rem === half && (q & 1) === 1) ? q + 1 : q);
}

/** Half bits to float32 bits (exact). */
function halfToF32Bits(h: number): number {
  const sign = (h & 0x8000) << 16;
  const e = (h >>> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) {
    f32Box[0] = m * 5.9604644775390625e-8;
    return (sign | u32Box[0]) >>> 0;
  }
  if (e === 31) return (sign | 0x7f800000 | (m << 13)) >>> 0;
  return (sign | ((e + 112) << 23) | (m << 13)) >>> 0;
}

/** The float32 bits of a JS number rounded to float32. */
function f32Bits(v: number): number {
  f32Box[0] = v;
  return u32Box[0];
}

// ---------------------------------------------------------------------------------------------
// Checks found on the device

/** Slots (4 words each) per error page. */
const SLOTS_PER_PAGE = 256;
/** Pending checks that start a background resolution. */
const MAX_PENDING_CHECKS = 1024;

/**
 * A check the GPU runs for one op: its kernel flags bad elements in the check's slot of the error
 * pages (word 0: failed, word 1: ~position of the first bad element, word 3: its bits). Storages
 * computed from the op's result carry the check (`WebGPUStorage._checks`).
 */
export class DeviceCheck {
  /** Order of creation (the earliest failure is reported first). */
  readonly seq: number;
  /** Global slot index while pending or resolving; -1 once resolved. */
  slot: number;
  /** Set once resolved with a bad element: makes the error (a fresh object per read). */
  failure: (() => Error) | null = null;
  /** True once the slot was read back. */
  resolved = false;
  /** The read that resolves it, once one started. */
  resolving: Promise<void> | null = null;
  readonly #makeError: (bits: number) => Error;

  /** @internal made by the backend */
  constructor(seq: number, slot: number, makeError: (bits: number) => Error) {
    this.seq = seq;
    this.slot = slot;
    this.#makeError = makeError;
  }

  /** @internal records the slot's words (failed flag, position, value bits) */
  _settle(words: Uint32Array): void {
    this.resolved = true;
    this.slot = -1;
    if (words[0] !== 0) {
      const bits = words[3];
      this.failure = () => this.#makeError(bits);
    }
  }
}

/** The checks of `lists` that may still fail, deduplicated, or null when none. */
function liveChecks(lists: (readonly DeviceCheck[] | null)[]): DeviceCheck[] | null {
  let seen: Set<DeviceCheck> | null = null;
  for (const list of lists) {
    if (!list) continue;
    for (const c of list) {
      if (c.resolved && !c.failure) continue;
      (seen ??= new Set()).add(c);
    }
  }
  return seen ? [...seen] : null;
}

// ---------------------------------------------------------------------------------------------
// Storage

const registry = new FinalizationRegistry<{ backend: WebGPUBackend; entry: PoolEntry }>((held) => {
  held.backend._reclaim(held.entry);
});

/** A GPU storage: one pooled GPU buffer of 32-bit words (see the module documentation). */
export class WebGPUStorage implements Storage {
  /** Always `"gpu"`. */
  readonly device = "gpu" as const;
  /** The element type (float16, uint8 and bool are held as 32-bit words on the GPU). */
  readonly dtype: DType;
  /** Number of elements. */
  readonly numel: number;
  /** @internal the backend that owns the buffer */
  readonly _backend: WebGPUBackend;
  #entry: PoolEntry | null;
  #disposed = false;
  #registered = false;
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

  /** @internal storages are made by {@link WebGPUBackend} */
  constructor(backend: WebGPUBackend, dtype: DType, numel: number, entry: PoolEntry | null) {
    this._backend = backend;
    this.dtype = dtype;
    this.numel = numel;
    this.#entry = entry;
  }

  /** @internal Returns the buffer to the pool when this storage is garbage collected. */
  _track(): void {
    if (this.#registered || !this.#entry) return;
    this.#registered = true;
    registry.register(this, { backend: this._backend, entry: this.#entry }, this);
  }

  /** @internal the pooled buffer (null for an empty storage); throws once disposed */
  get _entry(): PoolEntry | null {
    if (this.#disposed) {
      throw new Error(`gpu ${this.dtype} storage of ${this.numel} elements: storage was disposed`);
    }
    return this.#entry;
  }

  /** True once {@link dispose} has run. */
  get disposed(): boolean {
    return this.#disposed;
  }

  /** Returns the buffer to the pool now; idempotent. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this._host = null;
    const e = this.#entry;
    this.#entry = null;
    if (e) {
      if (this.#registered) registry.unregister(this);
      this._backend._reclaim(e);
    }
  }
}

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

interface Binding {
  binding: number;
  entry: PoolEntry;
}

function ceilDiv(a: number, b: number): number {
  return Math.floor((a + b - 1) / b);
}

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

  /** Bytes of GPU buffers held by live storages (pool buckets, not element counts). */
  liveBytes(): number {
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

  #storage(op: string, s: Storage): WebGPUStorage {
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
      if (this.#lost === null) this.flush();
    });
  }

  /** Submits every encoded command now (the batch otherwise goes at the next await or read). */
  flush(): void {
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
    for (const e of this.#pool.takeDoomed()) e.buffer.destroy();
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
    if (this.#dispatches >= MAX_BATCH) this.flush();
    this.#encoderNow();
    const base = (this.#dispatches * this.#slot) >>> 2;
    this.#u32.fill(0, base, base + (this.#slot >>> 2));
    return base;
  }

  /** Encodes a dispatch whose parameters were just written at `base` (from {@link #paramWords}). */
  #dispatch(k: Kernel, base: number, bindings: Binding[], x: number, y = 1, z = 1): void {
    const offset = base * 4;
    const entries: GPUBindGroupEntry[] = [
      { binding: 0, resource: { buffer: this.#uniform, offset, size: this.#slot } },
    ];
    for (const b of bindings) {
      entries.push({ binding: b.binding, resource: { buffer: b.entry.buffer } });
      b.entry.epoch = this.#epoch;
    }
    const group = this.gpu.createBindGroup({ layout: k.layout, entries });
    const enc = this.#encoderNow();
    if (!this.#pass) this.#pass = enc.beginComputePass();
    this.#pass.setPipeline(k.pipeline);
    this.#pass.setBindGroup(0, group);
    this.#pass.dispatchWorkgroups(x, y, z);
    this.#dispatches++;
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
    if (e.epoch === this.#epoch && this.#encoder) this.flush();
    this.gpu.queue.writeBuffer(e.buffer, 0, data.buffer as ArrayBuffer, data.byteOffset, data.byteLength);
  }

  #entryOf(s: WebGPUStorage): PoolEntry {
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
    const out = this.#alloc(dtype, numel);
    if (numel === 0) return out;
    let bits: number;
    if (dtype === "float32") bits = f32Bits(value);
    else if (dtype === "float16") bits = halfToF32Bits(f32BitsToHalf(f32Bits(value)));
    else if (dtype === "bool") bits = value !== 0 ? 1 : 0;
    else {
      const v = Number.isFinite(value) ? Math.trunc(value) : 0;
      bits = dtype === "uint8" ? v & 255 : v | 0;
    }
    this.#fillEntry(this.#entryOf(out), numel, bits);
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
    this.#storage("readSync", s);
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
      this.#errorPages.push({ buffer, size: SLOTS_PER_PAGE * 16, epoch: -1, live: true });
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
    this.#inherit(this.#storage("adoptChecks", target), this.#storage("adoptChecks", source));
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
    const s = this.#storage("copy", src), d = this.#storage("copy", dst);
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
    const s = this.#storage("cast", x);
    if (!(to in TYPED_CTOR)) throw new TypeError(`cast: unknown dtype ${JSON.stringify(to)}`);
    checkDeviceDType("cast", to, "gpu");
    const from = s.dtype;
    const n = s.numel;
    const out = this.#alloc(to, n);
    if (n === 0) return out;
    if (from === to || (from === "bool" && to === "uint8")) {
      const se = this.#entryOf(s), oe = this.#entryOf(out);
      this.#copyEncoder().copyBufferToBuffer(se.buffer, 0, oe.buffer, 0, n * 4);
      se.epoch = oe.epoch = this.#epoch;
      if (s._host && to === "int32") out._host = s._host.slice();
      return this.#inherit(out, s);
    }
    const base = this.#paramWords();
    this.#u32[base] = n;
    const k = this.#pipelines.get("cast.cast", { CONV: castBody(from, to) });
    this.#run1d(
      k,
      base,
      [{ binding: 1, entry: this.#entryOf(s) }, { binding: 2, entry: this.#entryOf(out) }],
      n,
    );
    return this.#inherit(out, s);
  }

  // ---- elementwise -----------------------------------------------------------------------------

  unary(op: UnaryOp, x: Storage): WebGPUStorage {
    const s = this.#storage("unary", x);
    const dtype = gpuCompute(op, s.dtype);
    if (!(UNARY_OPS as readonly string[]).includes(op)) {
      throw new TypeError(`unary: unknown op ${JSON.stringify(op)}`);
    }
    if (dtype === "int32" && op !== "neg" && op !== "abs" && op !== "sign" && op !== "relu") {
      throw new TypeError(`${op}: not supported for int32 (the front end computes it in float32)`);
    }
    const n = s.numel;
    const out = this.#inherit(this.#alloc(dtype, n), s);
    if (n === 0) return out;
    this.#unaryInto(op, dtype, this.#entryOf(s), this.#entryOf(out), n);
    return out;
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
      const st = this.#storage(op, x);
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
    const out = this.#inherit(this.#alloc(outDtype, numel), pa, pb);
    // Four elements per invocation when every length is a multiple of 4.
    const vec = numel % 4 === 0 && [pa, pb].every((x) => typeof x === "number" || x.numel % 4 === 0);
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
    const bindings: Binding[] = [{ binding: 3, entry: this.#entryOf(out) }];
    const operand = (x: WebGPUStorage | number, name: "A" | "B", binding: number, word: number) => {
      if (typeof x === "number") {
        const v = dtype === "int32" ? (Number.isFinite(x) ? x | 0 : 0) : x;
        if (dtype === "int32") this.#i32[base + 2 + word] = v;
        else this.#f32[base + 2 + word] = v;
        subs[`DECL_${name}`] = "";
        subs[`LOAD_${name}`] = `${VT}(bitcast<${T}>(P.${name.toLowerCase()}_bits))`;
        return;
      }
      u[base + word] = x.numel / w;
      subs[`DECL_${name}`] = `@group(0) @binding(${binding}) var<storage, read> ${name}: array<${VT}>;`;
      subs[`LOAD_${name}`] = x.numel === numel ? `${name}[i]` : `${name}[i % P.${name.toLowerCase()}_len]`;
      bindings.push({ binding, entry: this.#entryOf(x) });
    };
    operand(pa, "A", 1, 1);
    operand(pb, "B", 2, 2);
    const kernel = this.#pipelines.get(vec ? "elementwise.binary4" : "elementwise.binary", subs);
    this.#run1d(kernel, base, bindings, numel / w);
    return out;
  }

  where(cond: Storage, a: Storage, b: Storage): WebGPUStorage {
    const c = this.#storage("where", cond), x = this.#storage("where", a), y = this.#storage("where", b);
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
    const out = this.#inherit(this.#alloc(x.dtype, n), c, x, y);
    if (n === 0) return out;
    const base = this.#paramWords();
    this.#u32[base] = n;
    this.#run1d(this.#pipelines.get("elementwise.where"), base, [
      { binding: 1, entry: this.#entryOf(c) },
      { binding: 2, entry: this.#entryOf(x) },
      { binding: 3, entry: this.#entryOf(y) },
      { binding: 4, entry: this.#entryOf(out) },
    ], n);
    return out;
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

  // ---- matmul ----------------------------------------------------------------------------------

  matmul(a: Storage, b: Storage, args: MatmulArgs): WebGPUStorage {
    const product = this.#inherit(this.#matmul(a, b, args), a, b);
    if (!args.bias || product.numel === 0) return product;
    const out = this.binary("add", product, args.bias, product.numel, "float32");
    product.dispose();
    return out;
  }

  #matmul(a: Storage, b: Storage, args: MatmulArgs): WebGPUStorage {
    const sa = this.#storage("matmul", a), sb = this.#storage("matmul", b);
    const dtype = gpuCompute("matmul", checkMatmul(sa, sb, args));
    let { batch, m } = args;
    const { k, n, transA, transB } = args;
    let { aBatchStride, bBatchStride } = args;
    const total = batch * m * n;
    const out = this.#alloc(dtype, total);
    if (total === 0) return out;
    if (k === 0) {
      this.#fillEntry(this.#entryOf(out), total, 0);
      return out;
    }
    if (batch > 1 && bBatchStride === 0 && !transA && aBatchStride === m * k) {
      m *= batch;
      batch = 1;
      aBatchStride = 0;
    }
    const ea = this.#entryOf(sa), eb = this.#entryOf(sb), ec = this.#entryOf(out);
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
    };
    if (dtype === "int32" || m < 8 || n < 8) {
      const kernel = this.#pipelines.get("matmul.simple", {
        T: WGSL_TYPE[dtype],
        TA: "false",
        TB: "false",
        C_DECL: "",
        STORE: "",
        LOAD: "",
      });
      const bindings = [{ binding: 4, entry: ea }, { binding: 5, entry: eb }, { binding: 6, entry: ec }];
      // One loop iteration per k: slices of the inner dimension within the loop budget.
      for (const [kLo, kHi] of this.#slices(k, 1, 1)) {
        const base = this.#paramWords();
        params(base, 0, kLo, kHi);
        this.#run1d(kernel, base, bindings, batch * m * n);
      }
      return out;
    }
    const cVec = n % 4 === 0;
    // The direct kernel covers 32 x 128 per workgroup for products of at most 32 rows.
    const short = this.#matmulKernel === "direct" && m <= 32;
    const kernel = this.#pipelines.get(`matmul.${this.#matmulKernel}`, {
      ...(this.#matmulKernel === "direct" ? { WGX: short ? "16" : "8", WGY: short ? "4" : "8" } : {}),
      TA: String(transA),
      TB: String(transB),
      C_DECL: `@group(0) @binding(3) var<storage, read_write> C: array<${cVec ? "vec4<f32>" : "f32"}>;`,
      STORE: cVec
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
        ].join("\n  "),
      LOAD: cVec
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
    const gx = ceilDiv(n, short ? 128 : 64), gy = ceilDiv(m, short ? 32 : 64);
    if (gx > this.#maxGroups || gy > this.#maxGroups) {
      throw new RangeError(`matmul: [${m}, ${k}] @ [${k}, ${n}] is too large for one dispatch`);
    }
    const bindings: Binding[] = [
      { binding: 1, entry: ea },
      { binding: 2, entry: eb },
      { binding: 3, entry: ec },
    ];
    // direct: 4 k per iteration, in one of two loops (vector loads, or the edge blocks' checked
    // loads) that neighbouring invocations may both take; tiled: 8 k per step, whose inner loop of
    // 8 may count too.
    const slices = this.#matmulKernel === "direct" ? this.#slices(k, 4, 2) : this.#slices(k, 8, 9);
    for (let b0 = 0; b0 < batch; b0 += this.#maxGroups) {
      for (const [kLo, kHi] of slices) {
        const base = this.#paramWords();
        params(base, b0, kLo, kHi);
        this.#dispatch(kernel, base, bindings, gx, gy, Math.min(this.#maxGroups, batch - b0));
      }
    }
    return out;
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

  #optimArgs(op: string, ...s: (Storage | null)[]): (WebGPUStorage | null)[] {
    const out = s.map((x) => (x === null ? null : this.#storage(op, x)));
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
   * amsgrad) from `grad`, computing exactly what `src/optim/adam.ts` computes with tensor ops.
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
    const base = this.#paramWords();
    const f = this.#f32;
    this.#u32[base] = n;
    this.#u32[base + 1] = (o.maximize ? 1 : 0) | (o.weightDecay !== 0 ? 2 : 0) | (o.decoupled ? 4 : 0) |
      (o.amsgrad ? 8 : 0);
    f[base + 2] = o.beta1;
    f[base + 3] = 1 - o.beta1;
    f[base + 4] = o.beta2;
    f[base + 5] = 1 - o.beta2;
    f[base + 6] = -(o.lr / bias1);
    f[base + 7] = Math.sqrt(bias2);
    f[base + 8] = o.eps;
    f[base + 9] = o.weightDecay;
    f[base + 10] = 1 - o.lr * o.weightDecay;
    const bindings: Binding[] = [
      { binding: 1, entry: this.#entryOf(p!) },
      { binding: 2, entry: this.#entryOf(g!) },
      { binding: 3, entry: this.#entryOf(m!) },
      { binding: 4, entry: this.#entryOf(v!) },
    ];
    if (vmax) bindings.push({ binding: 5, entry: this.#entryOf(vmax) });
    const k = this.#pipelines.get("optim.adam", {
      DECL_VMAX: vmax ? "@group(0) @binding(5) var<storage, read_write> VM: array<f32>;" : "",
      AMSGRAD: vmax ? "let vmax = f_max(VM[i], v);\n  VM[i] = vmax;\n  second = vmax;" : "",
    });
    this.#run1d(k, base, bindings, n);
  }

  /**
   * One SGD step in place on `param` (and `momentumBuffer` when momentum is not 0), computing
   * exactly what `src/optim/sgd.ts` computes with tensor ops.
   */
  sgdUpdate(param: Storage, grad: Storage, momentumBuffer: Storage | null, o: SgdUpdateOptions): void {
    const useMomentum = o.momentum !== 0;
    if (useMomentum && !momentumBuffer) throw new TypeError("sgdUpdate: momentum needs momentumBuffer");
    const [p, g, buf] = this.#optimArgs("sgdUpdate", param, grad, useMomentum ? momentumBuffer : null);
    const n = p!.numel;
    for (const t of [p, buf]) if (t) this.#inherit(t, p, g, buf);
    if (n === 0) return;
    const base = this.#paramWords();
    const f = this.#f32;
    this.#u32[base] = n;
    this.#u32[base + 1] = (o.maximize ? 1 : 0) | (o.weightDecay !== 0 ? 2 : 0) | (useMomentum ? 4 : 0) |
      (o.firstStep ? 8 : 0) | (o.dampening !== 0 ? 16 : 0) | (o.nesterov ? 32 : 0);
    f[base + 2] = o.lr;
    f[base + 3] = o.momentum;
    f[base + 4] = 1 - o.dampening;
    f[base + 5] = o.weightDecay;
    const bindings: Binding[] = [
      { binding: 1, entry: this.#entryOf(p!) },
      { binding: 2, entry: this.#entryOf(g!) },
    ];
    if (buf) bindings.push({ binding: 3, entry: this.#entryOf(buf) });
    const k = this.#pipelines.get("optim.sgd", {
      DECL_BUF: buf ? "@group(0) @binding(3) var<storage, read_write> BUF: array<f32>;" : "",
      MOMENTUM: buf
        ? [
          "var buf = d;",
          "  if ((P.flags & 8u) == 0u) {",
          "    var scaled = d;",
          "    if ((P.flags & 16u) != 0u) { scaled = d * P.one_minus_dampening; }",
          "    buf = BUF[i] * P.momentum + scaled;",
          "  }",
          "  BUF[i] = buf;",
          "  if ((P.flags & 32u) != 0u) { d = d + buf * P.momentum; } else { d = buf; }",
        ].join("\n")
        : "",
    });
    this.#run1d(k, base, bindings, n);
  }
}
