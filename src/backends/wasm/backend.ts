/**
 * The CPU backend: AssemblyScript kernels compiled to SIMD WebAssembly (see `assembly/`).
 *
 * Memory model (the design's "resident cache"): a storage's elements live in the wasm linear
 * memory (resident) and/or in a JavaScript typed array owned by the garbage collector (spilled).
 * - Kernel outputs are allocated resident; resident inputs are used in place (no copy); spilled
 *   inputs are copied in on use and stay resident (their JavaScript copy is kept while it is clean,
 *   so spilling them again costs nothing).
 * - The region of wasm memory beyond the kernels' static data is managed by an allocator in
 *   `heap.ts` (16-byte aligned blocks, free lists binned by power-of-two size class, neighbours
 *   coalesced, the top of the heap given back to the bump pointer).
 * - Resident bytes are held under a budget (256 MiB by default; `residentBudget` option of
 *   {@link WasmBackend}, or {@link WasmBackend.setResidentBudget}, e.g.
 *   `wasmBackend().setResidentBudget(64 * 2 ** 20)`). An allocation that would exceed it spills
 *   the least recently used storages (copied out to a fresh GC-owned typed array unless a clean
 *   copy exists), skipping those in use by the current kernel call. Wasm memory therefore stays
 *   below the budget plus one call's operands, however long a loop that never calls `dispose()`
 *   runs: garbage-collector timing is not driven by wasm memory, so the budget is what bounds it.
 * - `dispose()` frees a storage's block at once; a `FinalizationRegistry` frees the blocks of
 *   storages the user dropped (once the event loop runs the registry's callbacks). A spilled
 *   storage is plain GC-owned memory.
 * - Large storages (more than a quarter of the budget) that are spilled are not brought in: a
 *   kernel gets a temporary copy of only the range it reads (gather and index_select copy only the
 *   selected rows, in JavaScript), so a big dataset tensor does not thrash the cache.
 * - Every `memory.grow` detaches typed-array views, so views are taken only after a call's
 *   allocations and never kept.
 *
 * The kernels come from `loader.ts`: compiled on first use from the build embedded in the package
 * (relaxed SIMD where the runtime has it, plain SIMD otherwise), or handed over with `torch.init`.
 * They import their memory: a shared one where the runtime allows threads (see `threads.ts`), whose
 * pool of workers runs parts of large kernel calls (`torch.setNumThreads`); an unshared one
 * otherwise. Allocation, freeing and spilling happen on the calling thread only, between calls.
 *
 * This file holds the class, its memory and thread plumbing (the `_`-prefixed internal members) and
 * the storage-level methods; the kernel launchers are free functions in one file per op family,
 * named as the `assembly/` file of their kernels: `elementwise.ts`, `cast.ts`, `copy.ts`,
 * `reduce.ts`, `numerics.ts`, `sort.ts`, `softmax.ts`, `loss.ts`, `matmul.ts`, `indexing.ts`,
 * `conv.ts`, `pool.ts`, `optim.ts` (what they share is in `shared.ts`; the allocator is `heap.ts`).
 * @module
 */
import { type ComputeDType, type DType, ITEM_SIZE, type TypedArray, typedArrayFor } from "../../dtype.ts";
import { encodeHalf } from "../../half.ts";
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
import { checkCount, checkDType, checkFloat32, checkTyped, readRange } from "../validate.ts";
import {
  copyOut,
  Heap,
  liveView,
  MAX_BYTES,
  PAGE,
  Slot,
  slotOf,
  storageFor,
  viewOf,
  WasmStorage,
} from "./heap.ts";
import { kernelBytes, type KernelModule, kernelModule, type WasmVariant } from "./loader.ts";
import { checkStorage, type KernelFn, PARTS_PER_THREAD } from "./shared.ts";
import { getNumThreads, MAX_PARTS, sharedMemoryBuild, ThreadPool, threadSupport } from "./threads.ts";
import * as castOps from "./cast.ts";
import * as convOps from "./conv.ts";
import * as copyOps from "./copy.ts";
import * as elementwiseOps from "./elementwise.ts";
import * as indexingOps from "./indexing.ts";
import * as lossOps from "./loss.ts";
import * as matmulOps from "./matmul.ts";
import * as numericsOps from "./numerics.ts";
import * as optimOps from "./optim.ts";
import * as poolOps from "./pool.ts";
import * as reduceOps from "./reduce.ts";
import * as softmaxOps from "./softmax.ts";
import * as sortOps from "./sort.ts";

export type { WasmVariant } from "./loader.ts";
export { WasmStorage } from "./heap.ts";

/** Default byte budget of resident (wasm-memory) storage data: 256 MiB. */
export const DEFAULT_RESIDENT_BUDGET: number = 256 * 1024 * 1024;

/**
 * Calls estimated to take less than this many nanoseconds on one thread stay on the calling
 * thread; larger ones get one thread per this much work, up to `torch.getNumThreads()`. Measured
 * with `bench/threads.ts --crossover` (2026-12-04, the 2-core machine of bench/README.md, loaded):
 * handing the parts of a call to the workers and waiting for the last one costs 5-16 µs (the
 * smallest sizes' 2-thread minus 1-thread times), so a split call does at least 3-8 times that.
 */
export const PARALLEL_MIN_NS = 40_000;
/** Options of {@link WasmBackend}. */
export interface WasmBackendOptions {
  /** Force a build; by default relaxed SIMD where the runtime supports it, else plain SIMD. */
  variant?: WasmVariant;
  /**
   * Bytes of storage data kept resident in wasm memory before the least recently used storages
   * are spilled to GC-owned buffers (default {@link DEFAULT_RESIDENT_BUDGET}).
   */
  residentBudget?: number;
  /**
   * Whether large kernel calls may run on worker threads (default true: wherever the runtime has
   * shared memory and workers, up to `torch.getNumThreads()` threads). False keeps the memory
   * unshared and every call on the calling thread.
   */
  threads?: boolean;
}

/** Memory counters of a {@link WasmBackend} (see {@link WasmBackend.memoryStats}). */
export interface WasmMemoryStats {
  /** The resident byte budget. */
  budget: number;
  /** Bytes of resident storage blocks. */
  residentBytes: number;
  /** Number of resident storages. */
  residentCount: number;
  /** Size of the wasm linear memory in bytes (it never shrinks). */
  wasmBytes: number;
  /** First byte of the managed heap (everything below is the kernels' static data). */
  heapBase: number;
  /** Storages spilled to GC-owned buffers so far. */
  spills: number;
  /** Bytes copied out by those spills. */
  spilledBytes: number;
}

/** Stops the worker threads of backends the program dropped. */
const POOLS = new FinalizationRegistry<ThreadPool>((pool) => pool.stop());

interface Kernels {
  readonly memory: WebAssembly.Memory;
  readonly [name: string]: KernelFn | WebAssembly.Memory;
}

/** Shared-memory builds of the compiled kernels (their memory import marked shared), per build. */
const SHARED_MODULES = new WeakMap<KernelModule, WebAssembly.Module>();

/**
 * The build of `k` whose memory import is shared (for threads), or why there is none: it is made
 * from the module's bytes, which the loader keeps for the builds it compiled from bytes.
 */
function sharedModuleFor(k: KernelModule): WebAssembly.Module | string {
  let m = SHARED_MODULES.get(k);
  if (!m) {
    const bytes = kernelBytes(k);
    if (bytes === null) {
      return "the CPU kernels were handed over as a compiled WebAssembly.Module (or a streamed Response), " +
        "so no build with a shared memory can be made from them: pass torch.init the .wasm bytes (or a " +
        "Response that is not application/wasm) to allow threads";
    }
    m = new WebAssembly.Module(sharedMemoryBuild(bytes));
    SHARED_MODULES.set(k, m);
  }
  return m;
}

/** The wasm32 maximum, in pages: every memory may grow to 4 GiB. */
const MAX_PAGES = MAX_BYTES / PAGE;

/** One instance of the kernels and the memory it runs in. */
interface KernelInstance {
  kernels: Kernels;
  memory: WebAssembly.Memory;
  /** The module workers instantiate over `memory` (shared); null when calls stay on this thread. */
  threadModule: WebAssembly.Module | null;
  /** Why calls stay on this thread (null when threads may run). */
  reason: string | null;
}

/**
 * Instantiates the kernels over a new memory: a shared one (and the build whose import says so)
 * when `threads` and the runtime allows it, else an unshared one with the reason. Never throws for
 * a missing thread feature: a runtime without it runs one thread.
 */
function instantiateKernels(k: KernelModule, threads: boolean): KernelInstance {
  const abort = (_msg: number, _file: number, line: number, col: number) => {
    throw new Error(`cpu backend: wasm kernel aborted at ${line}:${col}`);
  };
  const make = (module: WebAssembly.Module, memory: WebAssembly.Memory): Kernels =>
    new WebAssembly.Instance(module, { env: { memory, abort } }).exports as unknown as Kernels;
  let reason = threads
    ? threadSupport()
    : "threads are off for this backend (WasmBackend option threads: false)";
  if (reason === null) {
    try {
      const module = sharedModuleFor(k);
      if (typeof module === "string") reason = module;
      else {
        const memory = new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES, shared: true });
        return { kernels: make(module, memory), memory, threadModule: module, reason: null };
      }
    } catch (e) {
      reason = `the kernels could not be instantiated over a shared memory (${(e as Error)?.message ?? e})`;
    }
  }
  const memory = new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES });
  return { kernels: make(k.module, memory), memory, threadModule: null, reason };
}

function checkBudget(bytes: number): void {
  if (!Number.isSafeInteger(bytes) || bytes < 0) {
    throw new RangeError(
      `cpu backend: the resident budget must be a non-negative integer of bytes, got ${bytes}`,
    );
  }
}

/** The CPU backend (see the module documentation for its memory model). */
export class WasmBackend implements Backend {
  readonly device = "cpu" as const;
  /** The kernel build in use. */
  readonly variant: WasmVariant;
  readonly #k: Kernels;
  /** @internal used by the launcher files */
  readonly _heap: Heap;
  /** The shared-memory build workers instantiate (null: calls stay on this thread). */
  readonly #threadModule: WebAssembly.Module | null;
  /** Why calls stay on this thread (null while threads may run). */
  #reason: string | null;
  readonly #scratchBytes: number;
  #pool: ThreadPool | null = null;
  /** Kernel export names and their function numbers in the pool's part lists. */
  #fnNames: string[] | null = null;
  readonly #fnIndex = new Map<string, number>();
  /** Nesting depth of _call (the pool starts and self-tests only between calls). */
  #depth = 0;
  /** Writes back temporaries of large spilled in-place destinations when a call ends. */
  readonly #writeBacks: (() => void)[] = [];

  constructor(options: WasmBackendOptions = {}) {
    const k = kernelModule(options.variant);
    this.variant = k.variant;
    const budget = options.residentBudget ?? DEFAULT_RESIDENT_BUDGET;
    checkBudget(budget);
    const inst = instantiateKernels(k, options.threads ?? true);
    this.#k = inst.kernels;
    this.#threadModule = inst.threadModule;
    this.#reason = inst.reason;
    // This thread's scratch block sits at the start of the heap (workers get theirs from the heap).
    const base = (this.#k.heap_base as KernelFn)() >>> 0;
    this.#scratchBytes = (this.#k.scratch_bytes as KernelFn)() >>> 0;
    const need = base + this.#scratchBytes - inst.memory.buffer.byteLength;
    if (need > 0) inst.memory.grow(Math.ceil(need / PAGE));
    (this.#k.set_thread as KernelFn)(0, base);
    this._heap = new Heap(inst.memory, base + this.#scratchBytes, budget);
  }

  /**
   * Sets the byte budget of resident storage data (see the module documentation); storages over
   * it are spilled now, least recently used first.
   */
  setResidentBudget(bytes: number): void {
    checkBudget(bytes);
    this._heap.budget = bytes;
    this._heap.trim();
  }

  /** The resident byte budget. */
  get residentBudget(): number {
    return this._heap.budget;
  }

  /** Memory counters: resident bytes and count, budget, wasm memory size, spills so far. */
  memoryStats(): WasmMemoryStats {
    const h = this._heap;
    return {
      budget: h.budget,
      residentBytes: h.residentBytes,
      residentCount: h.residentCount,
      wasmBytes: h.mem.buffer.byteLength,
      heapBase: h.base,
      spills: h.spills,
      spilledBytes: h.spilledBytes,
    };
  }

  /** @internal used by the launcher files */
  _fn(name: string): KernelFn {
    const f = this.#k[name];
    if (typeof f !== "function") throw new Error(`cpu backend: missing wasm kernel ${name}`);
    return f as KernelFn;
  }

  /** @internal Runs one kernel call: slots used in it are pinned, its temporaries freed at the end. */
  _call<T>(body: () => T): T {
    const h = this._heap;
    h.begin();
    this.#depth++;
    try {
      const r = body();
      for (const w of this.#writeBacks) w();
      return r;
    } finally {
      this.#depth--;
      this.#writeBacks.length = 0;
      h.end();
    }
  }

  // ---- threads (threads.ts) ----

  /**
   * Why kernel calls run on the calling thread only: the runtime has no shared memory or workers,
   * threads are off for this backend, or the pool failed (null while threads may run, including
   * before the pool has started).
   */
  get threadingReason(): string | null {
    return this.#reason ?? this.#pool?.failure ?? null;
  }

  /** Threads that take parts of large calls now (1 while the pool starts or when it cannot run). */
  get activeThreads(): number {
    if (this.#pool === null || this.#pool.failure !== null) return 1;
    return 1 + this.#pool.available(Math.max(0, getNumThreads() - 1));
  }

  /** Jobs the pool has run (split kernel calls, self-tests included), for tests and benchmarks. */
  get parallelJobs(): number {
    return this.#pool?.jobs ?? 0;
  }

  /** Parts of those jobs that worker threads ran (the rest ran on the calling thread). */
  get workerParts(): number {
    return this.#pool?.workerParts ?? 0;
  }

  /**
   * Starts the worker threads now (they otherwise start at the first call big enough to split)
   * and resolves, once they run, to the number of threads large calls use: `getNumThreads()`, or
   * 1 when threads cannot run here (see {@link threadingReason}).
   */
  async startThreads(): Promise<number> {
    for (;;) {
      const want = getNumThreads() - 1;
      if (want === 0 || this.#threadModule === null) return 1;
      const n = (this.#pool ?? this.#startPool()).available(want);
      if (this.threadingReason !== null) return 1;
      if (n === want) return n + 1;
      await new Promise((r) => setTimeout(r, 2));
    }
  }

  /** @internal calls estimated below this many nanoseconds stay on this thread (see `_splitAbove`) */
  _minNs = PARALLEL_MIN_NS;

  /**
   * @internal Splits calls estimated above `ns` nanoseconds (default {@link PARALLEL_MIN_NS});
   * tests use 0 to split small and oddly shaped calls.
   */
  _splitAbove(ns: number): void {
    this._minNs = ns;
  }

  /** Stops the worker threads (they restart at the next large call). */
  stopThreads(): void {
    if (this.#pool) POOLS.unregister(this.#pool);
    this.#pool?.stop();
    this.#pool = null;
  }

  #startPool(): ThreadPool {
    const k = this.#k;
    const names = this.#fnNames ??= Object.keys(k).filter((name) => typeof k[name] === "function");
    for (let i = 0; i < names.length; i++) this.#fnIndex.set(names[i], i);
    // The pool refers to this backend weakly, so that a dropped backend is collected and its
    // workers stopped (POOLS); no closure made here may capture `this` (closures of one scope
    // share what they capture).
    const self = new WeakRef<WasmBackend>(this);
    const heap = this._heap, bytes = this.#scratchBytes;
    const pool = new ThreadPool({
      module: this.#threadModule!,
      memory: heap.mem,
      names,
      scratch: () => heap.reserve(bytes),
      selfTest: (p, workers) => {
        const backend = self.deref();
        return backend ? backend.#selfTest(p, workers) : "the backend was dropped";
      },
    });
    POOLS.register(this, pool, pool);
    this.#pool = pool;
    return pool;
  }

  /**
   * Worker threads to help with a call that takes about `ns` nanoseconds on one thread: 0 below
   * {@link PARALLEL_MIN_NS}, else up to one per {@link PARALLEL_MIN_NS} of work, at most
   * `getNumThreads() - 1`, and 0 while the pool starts. Called between calls (it may start the
   * pool and self-test new workers).
   * @internal
   */
  _helpers(ns: number): number {
    if (ns < this._minNs || this.#threadModule === null || this.#depth > 0) return 0;
    const want = Math.min(getNumThreads(), this._minNs > 0 ? Math.floor(ns / this._minNs) : Infinity) - 1;
    if (want <= 0) return 0;
    return (this.#pool ?? this.#startPool()).available(want);
  }

  /**
   * The pool's self-test: every thread computes the same small product (packing, edge tiles,
   * bias) into its own output; each must equal the calling thread's bit for bit, and that one a
   * float64 reference within float32 rounding. Null when right, else what was wrong.
   */
  #selfTest(pool: ThreadPool, workers: number): string | null {
    const m = 37, k = 45, n = 29, threads = workers + 1;
    const fn = this._fn("matmul_f32");
    return this._call(() => {
      const h = this._heap;
      const ws = this._fn("matmul_f32_workspace")(m, k, n) >>> 0;
      const a = h.temp(m * k * 4), b = h.temp(k * n * 4), bias = h.temp(n * 4);
      const out = h.temp(threads * m * n * 4), work = h.temp(threads * ws);
      const av = this._view("float32", a, m * k), bv = this._view("float32", b, k * n);
      const biasv = this._view("float32", bias, n);
      for (let i = 0; i < av.length; i++) av[i] = ((i * 37) % 101) / 50 - 1;
      for (let i = 0; i < bv.length; i++) bv[i] = ((i * 53) % 97) / 48 - 1;
      for (let i = 0; i < n; i++) biasv[i] = i / 8;
      const args = (
        t: number,
      ) => [a, b, out + t * m * n * 4, m, k, n, 0, 0, 0, 0, bias, work, ws, 0, 1, 0, m, 0, n];
      const f = this.#fnIndex.get("matmul_f32")!;
      for (let t = 0; t < threads; t++) pool.setPart(t, f, args(t));
      pool.run(threads, workers, (t) => fn(...args(t)), true);
      const o = this._view("float32", out, threads * m * n) as Float32Array;
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let ref = biasv[j];
          for (let p = 0; p < k; p++) ref += av[i * k + p] * bv[p * n + j];
          const got = o[i * n + j];
          if (!(Math.abs(got - ref) <= 1e-4 * (1 + Math.abs(ref)))) {
            return `the calling thread's product is ${got} at [${i}, ${j}], expected ${ref}`;
          }
        }
      }
      for (let t = 1; t < threads; t++) {
        for (let i = 0; i < m * n; i++) {
          if (!Object.is(o[t * m * n + i], o[i])) {
            return `thread ${t} computed ${o[t * m * n + i]} where the calling thread computed ${o[i]}`;
          }
        }
      }
      return null;
    });
  }

  /**
   * Runs kernel `name` over items [0, items) split at multiples of `align` into about
   * PARTS_PER_THREAD parts per thread, on `helpers` workers and this thread; `args(from, to)` is
   * the kernel's argument list for items [from, to) (disjoint outputs).
   * @internal
   */
  _splitRun(
    name: string,
    helpers: number,
    items: number,
    align: number,
    args: (from: number, to: number) => number[],
  ): void {
    const units = Math.ceil(items / align);
    const parts = Math.min(units, (helpers + 1) * PARTS_PER_THREAD, MAX_PARTS);
    const list: number[][] = [];
    for (let p = 0; p < parts; p++) {
      const from = Math.min(items, Math.floor((units * p) / parts) * align);
      const to = Math.min(items, Math.floor((units * (p + 1)) / parts) * align);
      if (to > from) list.push(args(from, to));
    }
    this._runParts(name, list, helpers);
  }

  /** @internal Runs kernel `name` once per argument list (disjoint outputs), on `helpers` workers and here. */
  _runParts(name: string, list: readonly number[][], helpers: number): void {
    const fn = this._fn(name);
    if (list.length <= 1 || helpers === 0) {
      for (const a of list) fn(...a);
      return;
    }
    const pool = this.#pool!, f = this.#fnIndex.get(name)!;
    for (let from = 0; from < list.length; from += MAX_PARTS) {
      const n = Math.min(MAX_PARTS, list.length - from);
      for (let p = 0; p < n; p++) pool.setPart(p, f, list[from + p]);
      pool.run(n, Math.min(helpers, n - 1), (p) => fn(...list[from + p]));
    }
  }

  /** @internal {@link Heap.plan} for a call writing `out` elements of `dtype` from `inputs` (whole). */
  _plan(op: string, dtype: DType, out: number, ...inputs: (Storage | number)[]): void {
    let bytes = out * ITEM_SIZE[dtype];
    for (const x of inputs) if (x instanceof WasmStorage) bytes += slotOf(x).bytes;
    this._heap.plan(op, bytes);
  }

  /** Brings a spilled (or other instance's) slot into this heap; returns false for large ones. */
  #bringIn(s: WasmStorage, slot: Slot): boolean {
    const h = this._heap;
    if (slot.heap && slot.heap !== h) slot.heap.spill(slot);
    if (slot.bytes > h.largeBytes) return false;
    const p = h.place(slot, s);
    new Uint8Array(h.mem.buffer, p, slot.bytes).set(
      new Uint8Array(slot.host!.buffer, slot.host!.byteOffset, slot.bytes),
    );
    return true;
  }

  /** @internal Address of element `from` of an input, resident (used in place) or a temporary copy of [from, to). */
  _in(s: WasmStorage, from = 0, to = s.numel): number {
    const h = this._heap, slot = slotOf(s), size = ITEM_SIZE[s.dtype];
    if (slot.bytes === 0) return h.base;
    if (slot.heap === h || this.#bringIn(s, slot)) {
      h.touch(slot);
      return slot.ptr + from * size;
    }
    const p = h.temp((to - from) * size);
    viewOf(h.mem, s.dtype, p, to - from).set(slot.host!.subarray(from, to));
    return p;
  }

  /** @internal A temporary copy of elements [from, to) of a storage; returns its address. */
  _snapshot(s: WasmStorage, from: number, to: number): number {
    const p = this._heap.temp((to - from) * ITEM_SIZE[s.dtype]);
    this._view(s.dtype, p, to - from).set(liveView(slotOf(s)).subarray(from, to));
    return p;
  }

  /**
   * Address of element `from` of an in-place destination: resident (its clean copy dropped) or,
   * for a large spilled one, a temporary over [from, to) written back when the call ends
   * (`dense`: the kernel writes the whole range, so its old contents need no copy).
   * @internal
   */
  _inout(s: WasmStorage, from: number, to: number, dense: boolean): number {
    const h = this._heap, slot = slotOf(s), size = ITEM_SIZE[s.dtype];
    if (slot.heap === h || this.#bringIn(s, slot)) {
      h.touch(slot);
      slot.host = null;
      return slot.ptr + from * size;
    }
    const p = h.temp((to - from) * size);
    const host = slot.host!;
    if (!dense) viewOf(h.mem, s.dtype, p, to - from).set(host.subarray(from, to));
    this.#writeBacks.push(() => host.set(viewOf(h.mem, s.dtype, p, to - from), from));
    return p;
  }

  /** @internal A new resident output storage of `n` elements and its address. */
  _out(dtype: DType, n: number): [WasmStorage, number] {
    const slot = new Slot(dtype, n, null);
    const s = storageFor(slot);
    return [s, this._heap.place(slot, s)];
  }

  /** @internal A view of `n` elements at `ptr` (take it after the call's allocations; do not keep it). */
  _view(dtype: DType, ptr: number, n: number): TypedArray {
    return viewOf(this._heap.mem, dtype, ptr, n);
  }

  /** Wraps `data` as a (spilled) storage without copying (the storage takes ownership). */
  adopt(data: TypedArray, dtype: DType): WasmStorage {
    checkTyped("adopt", data, dtype);
    return new WasmStorage(dtype, data);
  }

  /** A spilled copy; it moves into wasm memory on first use by a kernel. */
  fromTyped(data: TypedArray, dtype: DType): WasmStorage {
    checkTyped("fromTyped", data, dtype);
    return new WasmStorage(dtype, data.slice());
  }

  full(dtype: DType, numel: number, value: number): WasmStorage {
    checkCount("full", "numel", numel);
    if (dtype === "bool") value = value !== 0 ? 1 : 0;
    else if (dtype === "float16") value = encodeHalf(value);
    else if (dtype === "int32" || dtype === "uint8") value = Number.isFinite(value) ? Math.trunc(value) : 0;
    checkDType("full", dtype);
    if (numel === 0 || numel * ITEM_SIZE[dtype] > this._heap.largeBytes) {
      const out = typedArrayFor(dtype, numel);
      if (numel > 0 && !Object.is(value, 0)) out.fill(value);
      return new WasmStorage(dtype, out);
    }
    return this._call(() => {
      const [out, p] = this._out(dtype, numel);
      this._view(dtype, p, numel).fill(value);
      return out;
    });
  }

  readSync(s: Storage, offset?: number, count?: number): TypedArray {
    const slot = slotOf(checkStorage("readSync", s));
    const [from, to] = readRange("readSync", slot.numel, offset, count);
    if (from === 0 && to === slot.numel) return copyOut(slot);
    // Only the range: one element of a large storage costs one element.
    if (slot.heap || slot.host) return liveView(slot).slice(from, to);
    return typedArrayFor(slot.dtype, to - from);
  }

  read(s: Storage, offset?: number, count?: number): Promise<TypedArray> {
    try {
      return Promise.resolve(this.readSync(s, offset, count));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** @internal A storage with no elements, or `n` zeros (spilled: no wasm memory). */
  _zeros(dtype: DType, n = 0): WasmStorage {
    return new WasmStorage(dtype, typedArrayFor(dtype, n));
  }

  copy(
    src: Storage,
    srcOffset: number,
    srcStrides: readonly number[],
    dst: Storage,
    dstOffset: number,
    dstStrides: readonly number[],
    shape: readonly number[],
  ): void {
    return copyOps.copy(this, src, srcOffset, srcStrides, dst, dstOffset, dstStrides, shape);
  }

  cast(x: Storage, to: DType): WasmStorage {
    return castOps.cast(this, x, to);
  }

  unary(op: UnaryOp, x: Storage): WasmStorage {
    return elementwiseOps.unary(this, op, x);
  }

  binary(op: BinaryOp, a: Operand, b: Operand, numel: number, dtype: ComputeDType): WasmStorage {
    return elementwiseOps.binary(this, op, a, b, numel, dtype);
  }

  where(cond: Storage, a: Storage, b: Storage): WasmStorage {
    return elementwiseOps.where(this, cond, a, b);
  }

  reduce(op: ReduceOp, x: Storage, outer: number, len: number, inner: number): WasmStorage {
    return reduceOps.reduce(this, op, x, outer, len, inner);
  }

  cumsum(x: Storage, outer: number, len: number, inner: number): WasmStorage {
    return reduceOps.cumsum(this, x, outer, len, inner);
  }

  argsort(x: Storage, rows: number, len: number, descending: boolean): WasmStorage {
    return sortOps.argsort(this, x, rows, len, descending);
  }

  /** One Adam/AdamW step in place (see `Backend.adamUpdate`). */
  adamUpdate(
    param: Storage,
    grad: Storage,
    expAvg: Storage,
    expAvgSq: Storage,
    maxExpAvgSq: Storage | null,
    o: AdamUpdateOptions,
  ): void {
    return optimOps.adamUpdate(this, param, grad, expAvg, expAvgSq, maxExpAvgSq, o);
  }

  /** One SGD step in place (see `Backend.sgdUpdate`). */
  sgdUpdate(param: Storage, grad: Storage, momentumBuffer: Storage | null, o: SgdUpdateOptions): void {
    return optimOps.sgdUpdate(this, param, grad, momentumBuffer, o);
  }

  /** See `Backend.crossEntropy`. */
  crossEntropy(
    x: Storage,
    target: Storage,
    rows: number,
    cols: number,
    ignoreIndex: number,
  ): { logp: WasmStorage; loss: WasmStorage; total: WasmStorage; count: WasmStorage } | { badRow: number } {
    return lossOps.crossEntropy(this, x, target, rows, cols, ignoreIndex);
  }

  /** See `Backend.crossEntropyBackward`. */
  crossEntropyBackward(
    logp: Storage,
    target: Storage,
    g: Storage,
    rows: number,
    cols: number,
    ignoreIndex: number,
  ): WasmStorage {
    return lossOps.crossEntropyBackward(this, logp, target, g, rows, cols, ignoreIndex);
  }

  softmax(x: Storage, rows: number, cols: number, log: boolean): WasmStorage {
    return softmaxOps.softmax(this, x, rows, cols, log);
  }

  matmul(a: Storage, b: Storage, args: MatmulArgs): WasmStorage {
    return matmulOps.matmul(this, a, b, args);
  }

  /** @internal matmul_f32's register block rows (asked of the kernels once, by matmul.ts) */
  _mr = 0;

  gather(
    x: Storage,
    index: Storage,
    outer: number,
    len: number,
    inner: number,
    idxLen: number,
    indexIs1d: boolean,
  ): WasmStorage {
    return indexingOps.gather(this, x, index, outer, len, inner, idxLen, indexIs1d);
  }

  scatterAdd(
    src: Storage,
    index: Storage,
    outer: number,
    len: number,
    inner: number,
    idxLen: number,
    indexIs1d: boolean,
  ): WasmStorage {
    return indexingOps.scatterAdd(this, src, index, outer, len, inner, idxLen, indexIs1d);
  }

  // ---- convolution and pooling (assembly/conv.ts, assembly/pool.ts) ----

  /** @internal used by the launcher files */
  _float(op: string, s: Storage, numel: number, what: string): WasmStorage {
    return checkFloat32(op, checkStorage(op, s), numel, what);
  }

  im2col(x: Storage, geom: Conv2dGeometry): WasmStorage {
    return convOps.im2col(this, x, geom);
  }

  col2im(cols: Storage, geom: Conv2dGeometry): WasmStorage {
    return convOps.col2im(this, cols, geom);
  }

  maxPool2d(x: Storage, geom: Pool2dGeometry): { values: WasmStorage; indices: WasmStorage } {
    return poolOps.maxPool2d(this, x, geom);
  }

  avgPool2d(x: Storage, geom: Pool2dGeometry, opts: AvgPoolOptions): WasmStorage {
    return poolOps.avgPool2d(this, x, geom, opts);
  }

  avgPool2dBackward(grad: Storage, geom: Pool2dGeometry, opts: AvgPoolOptions): WasmStorage {
    return poolOps.avgPool2dBackward(this, grad, geom, opts);
  }

  // ---- cumulative product (assembly/numerics.ts) ----

  cumprod(x: Storage, outer: number, len: number, inner: number): WasmStorage {
    return numericsOps.cumprod(this, x, outer, len, inner);
  }
}

let defaultBackend: WasmBackend | undefined;

/** The shared CPU backend, instantiated (synchronously) on first use. */
export function wasmBackend(): WasmBackend {
  defaultBackend ??= new WasmBackend();
  return defaultBackend;
}
