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
 * @module
 */
import {
  ARITHMETIC_OPS,
  type Backend,
  type BinaryOp,
  COMPARISON_OPS,
  conv2dGeometryWords,
  type MatmulArgs,
  type Operand,
  REDUCE_OPS,
  type ReduceOp,
  type Storage,
  UNARY_OPS,
  type UnaryOp,
} from "../backend.ts";
import { type ComputeDType, type DType, ITEM_SIZE, type TypedArray, typedArrayFor } from "../../dtype.ts";
import type {
  AdamUpdateOptions,
  AvgPoolOptions,
  Conv2dGeometry,
  Pool2dGeometry,
  SgdUpdateOptions,
} from "../backend.ts";
import { kernelBytes, type KernelModule, kernelModule, type WasmVariant } from "./loader.ts";
import { getNumThreads, MAX_PARTS, sharedMemoryBuild, ThreadPool, threadSupport } from "./threads.ts";
import {
  checkAvg,
  checkCompute,
  checkConvGeom,
  checkCount,
  checkIndex,
  checkLayout,
  checkMatmul,
  checkPoolGeom,
  planCopy,
  readRange,
} from "../validate.ts";

import {
  copyOut,
  Heap,
  liveView,
  MAX_BYTES,
  PAGE,
  Slot,
  slotOf,
  storageFor,
  TYPED_CTOR,
  viewOf,
  WasmStorage,
} from "./heap.ts";

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
/** Parts per thread of a split call: more than one balances a thread that falls behind. */
const PARTS_PER_THREAD = 4;

/**
 * Single-thread cost estimates in nanoseconds (per element unless noted), measured through the
 * public API on the 2-core machine of bench/README.md (one run, 2026-12-04, scaled to the idle
 * machine's product rate); they only decide whether a call is worth splitting.
 */
const NS = {
  /** Cheap unary ops, casts, where, copies, gathers, binary arithmetic and comparisons. */
  cheap: 0.3,
  /** exp, log, log1p, sin, cos, tanh, sigmoid, rsqrt. */
  transcendental: 0.6,
  pow: 20,
  /** Reductions (per input element). */
  reduce: 0.06,
  cumsum: 0.45,
  /** softmax, log-softmax, cross-entropy (per input element). */
  softmax: 0.65,
  argsort: 15,
  adam: 0.75,
  sgd: 0.5,
  /** im2col / col2im (per column element). */
  im2col: 0.2,
  /** Pooling (per output element and window element). */
  pool: 0.5,
  /** float32 matmul, per multiply-add (60 GFLOP/s). */
  fma: 1 / 30,
};

/** Rows at least this long are sorted in runs on several threads when there are few rows. */
const LONG_SORT = 32768;

const CHEAP_UNARY: ReadonlySet<string> = new Set([
  "neg",
  "abs",
  "relu",
  "sign",
  "floor",
  "ceil",
  "round",
  "sqrt",
]);

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

type KernelFn = (...args: number[]) => number;
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

function checkStorage(op: string, s: Storage): WasmStorage {
  if (!(s instanceof WasmStorage)) {
    throw new TypeError(`${op}: expected a cpu storage, got a ${s.device} storage`);
  }
  if (s.disposed) {
    throw new Error(`${op}: cpu ${s.dtype} storage of ${s.numel} elements: storage was disposed`);
  }
  return s;
}

const SUFFIX: Record<ComputeDType, string> = { float32: "f32", float64: "f64", int32: "i32" };
const CAST_NAME: Record<DType, string> = {
  float32: "f32",
  float64: "f64",
  float16: "f16",
  int32: "i32",
  uint8: "u8",
  bool: "bool",
};
const X_NAME: Record<number, string> = { 1: "x8", 2: "x16", 4: "x32", 8: "x64" };

/** Converts one number to IEEE half bits (round to nearest even), as the float16 cast kernel. */
function f16Bits(value: number): number {
  const f = new Float32Array(1);
  const u = new Uint32Array(f.buffer);
  f[0] = value;
  const w = u[0];
  const sign = (w >>> 16) & 0x8000;
  const shl1 = (w << 1) >>> 0;
  if (shl1 > 0xff000000) return sign | 0x7e00;
  // All arithmetic in float32, as the kernel: the first product overflows to infinity when
  // |value| is too large for half, and adding the bias rounds to the half's precision.
  const base = Math.fround(Math.fround(Math.abs(f[0]) * 5.192296858534828e33) * 7.703719777548943e-34);
  let bias = (shl1 & 0xff000000) >>> 0;
  if (bias < 0x71000000) bias = 0x71000000;
  u[0] = ((bias >>> 1) + 0x07800000) >>> 0;
  f[0] = f[0] + base;
  const bits = u[0];
  return sign | (((bits >>> 13) & 0x7c00) + (bits & 0x0fff));
}

/** Rows up to this long are summed in one pass by the kernel (SUM_BLOCK of assembly/reduce.ts). */
const SUM_BLOCK = 1024;

/**
 * The nodes `depth` levels down the pairwise tree of a float32 row sum (sumRowF32 in
 * assembly/reduce.ts: a row longer than SUM_BLOCK is the sum of its halves, split at
 * `(len >> 1) & ~15`), as [offset, length], left to right.
 */
function pairwiseLeaves(len: number, depth: number): [number, number][] {
  if (depth === 0 || len <= SUM_BLOCK) return [[0, len]];
  const h = (len >> 1) & ~15;
  return [
    ...pairwiseLeaves(h, depth - 1),
    ...pairwiseLeaves(len - h, depth - 1).map(([o, l]): [number, number] => [o + h, l]),
  ];
}

/** The row sum from its {@link pairwiseLeaves} sums (taken in order from `next`), in float32. */
function pairwiseTotal(len: number, depth: number, next: () => number): number {
  if (depth === 0 || len <= SUM_BLOCK) return next();
  const h = (len >> 1) & ~15;
  const left = pairwiseTotal(h, depth - 1, next);
  return Math.fround(left + pairwiseTotal(len - h, depth - 1, next));
}

/** Whether `v` replaces `best` in argmax (isMax) or argmin: strictly better, or NaN over a number. */
function beats(isMax: boolean, v: number, best: number): boolean {
  if (v !== v) return best === best;
  return isMax ? v > best : v < best;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

function lcm(a: number, b: number): number {
  return (a / gcd(a, b)) * b;
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
  readonly #heap: Heap;
  /** The shared-memory build workers instantiate (null: calls stay on this thread). */
  readonly #threadModule: WebAssembly.Module | null;
  /** Why calls stay on this thread (null while threads may run). */
  #reason: string | null;
  readonly #scratchBytes: number;
  #pool: ThreadPool | null = null;
  /** Kernel export names and their function numbers in the pool's part lists. */
  #fnNames: string[] | null = null;
  readonly #fnIndex = new Map<string, number>();
  /** Nesting depth of #call (the pool starts and self-tests only between calls). */
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
    this.#heap = new Heap(inst.memory, base + this.#scratchBytes, budget);
  }

  /**
   * Sets the byte budget of resident storage data (see the module documentation); storages over
   * it are spilled now, least recently used first.
   */
  setResidentBudget(bytes: number): void {
    checkBudget(bytes);
    this.#heap.budget = bytes;
    this.#heap.trim();
  }

  /** The resident byte budget. */
  get residentBudget(): number {
    return this.#heap.budget;
  }

  /** Memory counters: resident bytes and count, budget, wasm memory size, spills so far. */
  memoryStats(): WasmMemoryStats {
    const h = this.#heap;
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

  #fn(name: string): KernelFn {
    const f = this.#k[name];
    if (typeof f !== "function") throw new Error(`cpu backend: missing wasm kernel ${name}`);
    return f as KernelFn;
  }

  /** Runs one kernel call: slots used in it are pinned, its temporaries freed at the end. */
  #call<T>(body: () => T): T {
    const h = this.#heap;
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

  #minNs = PARALLEL_MIN_NS;

  /**
   * @internal Splits calls estimated above `ns` nanoseconds (default {@link PARALLEL_MIN_NS});
   * tests use 0 to split small and oddly shaped calls.
   */
  _splitAbove(ns: number): void {
    this.#minNs = ns;
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
    const heap = this.#heap, bytes = this.#scratchBytes;
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
   */
  #helpers(ns: number): number {
    if (ns < this.#minNs || this.#threadModule === null || this.#depth > 0) return 0;
    const want = Math.min(getNumThreads(), this.#minNs > 0 ? Math.floor(ns / this.#minNs) : Infinity) - 1;
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
    const fn = this.#fn("matmul_f32");
    return this.#call(() => {
      const h = this.#heap;
      const ws = this.#fn("matmul_f32_workspace")(m, k, n) >>> 0;
      const a = h.temp(m * k * 4), b = h.temp(k * n * 4), bias = h.temp(n * 4);
      const out = h.temp(threads * m * n * 4), work = h.temp(threads * ws);
      const av = this.#view("float32", a, m * k), bv = this.#view("float32", b, k * n);
      const biasv = this.#view("float32", bias, n);
      for (let i = 0; i < av.length; i++) av[i] = ((i * 37) % 101) / 50 - 1;
      for (let i = 0; i < bv.length; i++) bv[i] = ((i * 53) % 97) / 48 - 1;
      for (let i = 0; i < n; i++) biasv[i] = i / 8;
      const args = (
        t: number,
      ) => [a, b, out + t * m * n * 4, m, k, n, 0, 0, 0, 0, bias, work, ws, 0, 1, 0, m, 0, n];
      const f = this.#fnIndex.get("matmul_f32")!;
      for (let t = 0; t < threads; t++) pool.setPart(t, f, args(t));
      pool.run(threads, workers, (t) => fn(...args(t)), true);
      const o = this.#view("float32", out, threads * m * n) as Float32Array;
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
   */
  #splitRun(
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
    this.#runParts(name, list, helpers);
  }

  /** Runs kernel `name` once per argument list (disjoint outputs), on `helpers` workers and here. */
  #runParts(name: string, list: readonly number[][], helpers: number): void {
    const fn = this.#fn(name);
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

  /** {@link Heap.plan} for a call writing `out` elements of `dtype` from `inputs` (whole). */
  #plan(op: string, dtype: DType, out: number, ...inputs: (Storage | number)[]): void {
    let bytes = out * ITEM_SIZE[dtype];
    for (const x of inputs) if (x instanceof WasmStorage) bytes += slotOf(x).bytes;
    this.#heap.plan(op, bytes);
  }

  /** Brings a spilled (or other instance's) slot into this heap; returns false for large ones. */
  #bringIn(s: WasmStorage, slot: Slot): boolean {
    const h = this.#heap;
    if (slot.heap && slot.heap !== h) slot.heap.spill(slot);
    if (slot.bytes > h.largeBytes) return false;
    const p = h.place(slot, s);
    new Uint8Array(h.mem.buffer, p, slot.bytes).set(
      new Uint8Array(slot.host!.buffer, slot.host!.byteOffset, slot.bytes),
    );
    return true;
  }

  /** Address of element `from` of an input, resident (used in place) or a temporary copy of [from, to). */
  #in(s: WasmStorage, from = 0, to = s.numel): number {
    const h = this.#heap, slot = slotOf(s), size = ITEM_SIZE[s.dtype];
    if (slot.bytes === 0) return h.base;
    if (slot.heap === h || this.#bringIn(s, slot)) {
      h.touch(slot);
      return slot.ptr + from * size;
    }
    const p = h.temp((to - from) * size);
    viewOf(h.mem, s.dtype, p, to - from).set(slot.host!.subarray(from, to));
    return p;
  }

  /** A temporary copy of elements [from, to) of a storage; returns its address. */
  #snapshot(s: WasmStorage, from: number, to: number): number {
    const p = this.#heap.temp((to - from) * ITEM_SIZE[s.dtype]);
    this.#view(s.dtype, p, to - from).set(liveView(slotOf(s)).subarray(from, to));
    return p;
  }

  /**
   * Address of element `from` of an in-place destination: resident (its clean copy dropped) or,
   * for a large spilled one, a temporary over [from, to) written back when the call ends
   * (`dense`: the kernel writes the whole range, so its old contents need no copy).
   */
  #inout(s: WasmStorage, from: number, to: number, dense: boolean): number {
    const h = this.#heap, slot = slotOf(s), size = ITEM_SIZE[s.dtype];
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

  /** A new resident output storage of `n` elements and its address. */
  #out(dtype: DType, n: number): [WasmStorage, number] {
    const slot = new Slot(dtype, n, null);
    const s = storageFor(slot);
    return [s, this.#heap.place(slot, s)];
  }

  /** A view of `n` elements at `ptr` (take it after the call's allocations; do not keep it). */
  #view(dtype: DType, ptr: number, n: number): TypedArray {
    return viewOf(this.#heap.mem, dtype, ptr, n);
  }

  /** Wraps `data` as a (spilled) storage without copying (the storage takes ownership). */
  adopt(data: TypedArray, dtype: DType): WasmStorage {
    this.#checkTyped("adopt", data, dtype);
    return new WasmStorage(dtype, data);
  }

  #checkTyped(op: string, data: TypedArray, dtype: DType): void {
    const Ctor = TYPED_CTOR[dtype];
    if (!Ctor) throw new TypeError(`${op}: unknown dtype ${JSON.stringify(dtype)}`);
    if (!(data instanceof Ctor)) {
      throw new TypeError(
        `${op}: ${dtype} needs a ${Ctor.name}, got ${data?.constructor?.name ?? typeof data}`,
      );
    }
  }

  /** A spilled copy; it moves into wasm memory on first use by a kernel. */
  fromTyped(data: TypedArray, dtype: DType): WasmStorage {
    this.#checkTyped("fromTyped", data, dtype);
    return new WasmStorage(dtype, data.slice());
  }

  full(dtype: DType, numel: number, value: number): WasmStorage {
    checkCount("full", "numel", numel);
    if (dtype === "bool") value = value !== 0 ? 1 : 0;
    else if (dtype === "float16") value = f16Bits(value);
    else if (dtype === "int32" || dtype === "uint8") value = Number.isFinite(value) ? Math.trunc(value) : 0;
    if (!(dtype in TYPED_CTOR)) throw new TypeError(`full: unknown dtype ${JSON.stringify(dtype)}`);
    if (numel === 0 || numel * ITEM_SIZE[dtype] > this.#heap.largeBytes) {
      const out = typedArrayFor(dtype, numel);
      if (numel > 0 && !Object.is(value, 0)) out.fill(value);
      return new WasmStorage(dtype, out);
    }
    return this.#call(() => {
      const [out, p] = this.#out(dtype, numel);
      this.#view(dtype, p, numel).fill(value);
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

  /** A storage with no elements, or `n` zeros (spilled: no wasm memory). */
  #zeros(dtype: DType, n = 0): WasmStorage {
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
    const s = checkStorage("copy", src), d = checkStorage("copy", dst);
    const plan = planCopy(s, srcOffset, srcStrides, d, dstOffset, dstStrides, shape);
    if (plan === null) return;
    const { dims, src: [sMin, sMax], dst: [dMin, dMax] } = plan;
    const sSlot = slotOf(s), dSlot = slotOf(d);
    // JavaScript fast paths on the elements where they are: one contiguous run, or a broadcast.
    const fast = dims.length === 0 ||
      (dims.length === 1 && dims[0].d === 1 && (dims[0].s === 1 || dims[0].s === 0));
    if (fast) {
      if (dSlot.heap) dSlot.host = null; // the resident copy is written; drop the clean copy
      const sData = liveView(sSlot), dData = liveView(dSlot);
      if (dims.length === 0) dData[dstOffset] = sData[srcOffset];
      else if (dims[0].s === 1) dData.set(sData.subarray(srcOffset, srcOffset + dims[0].n), dstOffset);
      else dData.fill(sData[srcOffset], dstOffset, dstOffset + dims[0].n);
      return;
    }
    if (dims.length > 64) {
      throw new RangeError(`copy: at most 64 dimensions are supported, got ${dims.length}`);
    }
    // Does the destination view cover its range densely? Then its old contents need no staging.
    const byD = dims.map((x) => ({ n: x.n, a: Math.abs(x.d) })).sort((x, y) => x.a - y.a);
    let expect = 1, dense = true;
    for (const x of byD) {
      if (x.a !== expect) {
        dense = false;
        break;
      }
      expect *= x.n;
    }
    const size = ITEM_SIZE[s.dtype];
    // A dense destination has no element written twice: blocks of the outermost dimension may be
    // copied on several threads.
    const count = dims.reduce((p, x) => p * x.n, 1);
    const helpers = dense && dims[0].n >= 2 ? this.#helpers(count * NS.cheap) : 0;
    this.#call(() => {
      // Copying within one storage reads a snapshot (the kernel assumes no overlap).
      const sp = sSlot === dSlot ? this.#snapshot(s, sMin, sMax + 1) : this.#in(s, sMin, sMax + 1);
      const dp = this.#inout(d, dMin, dMax + 1, dense);
      const r = dims.length;
      const meta = (outer: number) => {
        const p = this.#heap.temp(r * 12);
        const m = new Int32Array(this.#heap.mem.buffer, p, r * 3);
        dims.forEach((x, i) => {
          m[i] = i === 0 ? outer : x.n;
          m[r + i] = x.s;
          m[2 * r + i] = x.d;
        });
        return p;
      };
      const src = sp + (srcOffset - sMin) * size, dst = dp + (dstOffset - dMin) * size;
      const name = `copy_${X_NAME[size]}`;
      if (helpers === 0) {
        const m = meta(dims[0].n);
        this.#fn(name)(src, dst, r, m, m + r * 4, m + r * 8);
        return;
      }
      const { s: ss, d: ds } = dims[0];
      const metas = new Map<number, number>();
      this.#splitRun(name, helpers, dims[0].n, 1, (f, t) => {
        let m = metas.get(t - f);
        if (m === undefined) metas.set(t - f, m = meta(t - f));
        return [src + f * ss * size, dst + f * ds * size, r, m, m + r * 4, m + r * 8];
      });
    });
  }

  cast(x: Storage, to: DType): WasmStorage {
    const s = checkStorage("cast", x);
    if (!(to in TYPED_CTOR)) throw new TypeError(`cast: unknown dtype ${JSON.stringify(to)}`);
    const from = s.dtype;
    this.#plan("cast", to, s.numel, s);
    if (from === to || (from === "bool" && to === "uint8")) {
      return this.#call(() => {
        const xp = this.#in(s);
        const [out, p] = this.#out(to, s.numel);
        this.#view(to, p, s.numel).set(this.#view(to, xp, s.numel));
        return out;
      });
    }
    const n = s.numel;
    if (n === 0) return this.#zeros(to);
    const fromName = from === "bool" ? "u8" : CAST_NAME[from];
    const helpers = this.#helpers(n * NS.cheap);
    return this.#call(() => {
      const xp = this.#in(s);
      const [out, op] = this.#out(to, n);
      const name = `cast_${fromName}_${CAST_NAME[to]}`;
      if (helpers === 0) this.#fn(name)(xp, op, n);
      else {
        const si = ITEM_SIZE[from], so = ITEM_SIZE[to];
        this.#splitRun(name, helpers, n, 64, (f, t) => [xp + f * si, op + f * so, t - f]);
      }
      return out;
    });
  }

  unary(op: UnaryOp, x: Storage): WasmStorage {
    const s = checkStorage("unary", x);
    const dtype = checkCompute(op, s.dtype);
    if (!(UNARY_OPS as readonly string[]).includes(op)) {
      throw new TypeError(`unary: unknown op ${JSON.stringify(op)}`);
    }
    if (dtype === "int32" && op !== "neg" && op !== "abs" && op !== "sign" && op !== "relu") {
      throw new TypeError(`${op}: not supported for int32 (the front end computes it in float32)`);
    }
    const n = s.numel;
    if (n === 0) return this.#zeros(dtype);
    this.#plan(op, dtype, n, s);
    const helpers = this.#helpers(n * (CHEAP_UNARY.has(op) ? NS.cheap : NS.transcendental));
    return this.#call(() => {
      const xp = this.#in(s);
      const [out, outPtr] = this.#out(dtype, n);
      const name = `${op}_${SUFFIX[dtype]}`;
      if (helpers === 0) this.#fn(name)(xp, outPtr, n);
      else {
        const is = ITEM_SIZE[dtype];
        this.#splitRun(name, helpers, n, 16, (f, t) => [xp + f * is, outPtr + f * is, t - f]);
      }
      return out;
    });
  }

  binary(op: BinaryOp, a: Operand, b: Operand, numel: number, dtype: ComputeDType): WasmStorage {
    checkCompute(op, dtype);
    checkCount(op, "numel", numel);
    const isCmp = (COMPARISON_OPS as readonly string[]).includes(op);
    if (!isCmp && !(ARITHMETIC_OPS as readonly string[]).includes(op)) {
      throw new TypeError(`binary: unknown op ${JSON.stringify(op)}`);
    }
    if (op === "div" && dtype === "int32") {
      throw new TypeError("div: int32 division is not a kernel (the front end divides in float32)");
    }
    const outDtype: DType = isCmp ? "bool" : dtype;
    if (numel === 0) return this.#zeros(outDtype);
    const checked = (x: Operand, which: string): WasmStorage | number => {
      if (typeof x === "number") return x;
      const st = checkStorage(op, x);
      if (st.dtype !== dtype) {
        throw new TypeError(`${op}: operand ${which} is ${st.dtype}, expected ${dtype}`);
      }
      const len = st.numel;
      if (len === 0 || numel % len !== 0) {
        throw new RangeError(`${op}: operand ${which} has ${len} elements, which does not tile ${numel}`);
      }
      return st;
    };
    const ca = checked(a, "a"), cb = checked(b, "b");
    this.#plan(op, outDtype, numel, ca, cb);
    // Split points must be multiples of both operands' tile lengths (a tile restarts at each).
    const tile = (x: WasmStorage | number) => typeof x === "number" || x.numel === numel ? 1 : x.numel;
    const align = lcm(lcm(16, tile(ca)), tile(cb));
    const helpers = align * 2 <= numel ? this.#helpers(numel * (op === "pow" ? NS.pow : NS.cheap)) : 0;
    return this.#call(() => {
      const place = (x: WasmStorage | number): [number, number] => {
        if (typeof x !== "number") return [this.#in(x), x.numel];
        const p = this.#heap.temp(ITEM_SIZE[dtype]);
        this.#view(dtype, p, 1)[0] = dtype === "int32" && !Number.isFinite(x) ? 0 : x;
        return [p, 1];
      };
      const [ap, aLen] = place(ca);
      const [bp, bLen] = place(cb);
      const [out, outPtr] = this.#out(outDtype, numel);
      const name = `${op}_${SUFFIX[dtype]}`;
      if (helpers === 0) this.#fn(name)(ap, aLen, bp, bLen, outPtr, numel);
      else {
        const is = ITEM_SIZE[dtype], os = isCmp ? 1 : is;
        const part = (p: number, len: number, f: number, t: number) =>
          len === numel ? [p + f * is, t - f] : [p, len];
        this.#splitRun(name, helpers, numel, align, (f, t) => [
          ...part(ap, aLen, f, t),
          ...part(bp, bLen, f, t),
          outPtr + f * os,
          t - f,
        ]);
      }
      return out;
    });
  }

  where(cond: Storage, a: Storage, b: Storage): WasmStorage {
    const c = checkStorage("where", cond), x = checkStorage("where", a), y = checkStorage("where", b);
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
    if (n === 0) return new WasmStorage(x.dtype, typedArrayFor(x.dtype, 0));
    const size = ITEM_SIZE[x.dtype];
    this.#plan("where", x.dtype, n, c, x, y);
    const helpers = this.#helpers(n * NS.cheap);
    return this.#call(() => {
      const cp = this.#in(c), ap = this.#in(x), bp = this.#in(y);
      const [out, outPtr] = this.#out(x.dtype, n);
      const name = `where_${X_NAME[size]}`;
      if (helpers === 0) this.#fn(name)(cp, ap, bp, outPtr, n);
      else {
        this.#splitRun(
          name,
          helpers,
          n,
          64,
          (f, t) => [cp + f, ap + f * size, bp + f * size, outPtr + f * size, t - f],
        );
      }
      return out;
    });
  }

  reduce(op: ReduceOp, x: Storage, outer: number, len: number, inner: number): WasmStorage {
    const s = checkStorage(op, x);
    const dtype = checkCompute(op, s.dtype);
    if (!(REDUCE_OPS as readonly string[]).includes(op)) {
      throw new TypeError(`reduce: unknown op ${JSON.stringify(op)}`);
    }
    checkLayout(op, s.numel, outer, len, inner);
    const outDtype: ComputeDType = op === "argmax" || op === "argmin" ? "int32" : dtype;
    const n = outer * inner;
    if (n === 0) return this.#zeros(outDtype);
    if (len === 0 && op !== "sum" && op !== "prod") {
      throw new RangeError(`${op}: cannot reduce an empty dimension (it has no identity)`);
    }
    this.#plan(op, outDtype, n, s);
    // float64 reductions run on this thread (the split's offsets and partials are 4-byte elements).
    const helpers = dtype === "float64" ? 0 : this.#helpers(s.numel * NS.reduce);
    return this.#call(() => {
      const xp = this.#in(s);
      const [out, outPtr] = this.#out(outDtype, n);
      const name = `${op}_${SUFFIX[dtype]}`;
      if (helpers === 0) this.#fn(name)(xp, outPtr, outer, len, inner);
      else this.#reduceSplit(op, dtype, helpers, xp, outPtr, outer, len, inner);
      return out;
    });
  }

  /**
   * A reduction on several threads: blocks of whole outputs (rows of `outer`, or blocks of 16+
   * columns of wide rows), each computed exactly as on one thread; or, for few long rows, pieces
   * of each row reduced to partials that this thread then combines: float32 sums along the
   * kernel's own pairwise tree (exact), max, min, argmax/argmin and int32 in chunks (exact), and
   * float32 products in chunks (within float rounding of the one-thread product).
   */
  #reduceSplit(
    op: ReduceOp,
    dtype: ComputeDType,
    helpers: number,
    xp: number,
    outPtr: number,
    outer: number,
    len: number,
    inner: number,
  ): void {
    const threads = helpers + 1, sfx = SUFFIX[dtype], name = `${op}_${sfx}`;
    const arg = op === "argmax" || op === "argmin";
    if (outer >= 2 * threads) {
      const row = len * inner * 4;
      this.#splitRun(
        name,
        helpers,
        outer,
        1,
        (f, t) => [xp + f * row, outPtr + f * inner * 4, t - f, len, inner],
      );
    } else if (inner >= 32) {
      if (arg) {
        const isMax = op === "argmax" ? 1 : 0;
        this.#splitRun(`argreduce_cols_${sfx}`, helpers, inner, 16, (f, t) => [
          isMax,
          xp + f * 4,
          outPtr + f * 4,
          outer,
          len,
          t - f,
          inner,
        ]);
      } else {
        const code = ["sum", "prod", "max", "min"].indexOf(op);
        this.#splitRun(`reduce_cols_${sfx}`, helpers, inner, 16, (f, t) => [
          code,
          xp + f * 4,
          outPtr + f * 4,
          outer,
          len,
          t - f,
          inner,
        ]);
      }
    } else if (inner === 1 && len >= 4096 && op === "sum" && dtype === "float32") {
      // The subtrees of the kernel's pairwise sum, added up here in the kernel's order: exact.
      let depth = 0;
      while (2 ** depth < threads * PARTS_PER_THREAD) depth++;
      const leaves = pairwiseLeaves(len, depth);
      const partial = this.#heap.temp(outer * leaves.length * 4);
      const list: number[][] = [];
      for (let o = 0; o < outer; o++) {
        leaves.forEach(([from, count], i) => {
          list.push([xp + (o * len + from) * 4, partial + (o * leaves.length + i) * 4, 1, count, 1]);
        });
      }
      this.#runParts(name, list, helpers);
      const sums = this.#view("float32", partial, outer * leaves.length),
        res = this.#view("float32", outPtr, outer);
      for (let o = 0; o < outer; o++) {
        let next = o * leaves.length;
        res[o] = pairwiseTotal(len, depth, () => sums[next++]);
      }
    } else if (inner === 1 && len >= 4096) {
      // Row chunks (multiples of 1024 elements) reduced to partials [outer, chunks].
      const chunks = Math.min(Math.floor(len / 1024), threads * PARTS_PER_THREAD);
      const bounds = (c: number) => Math.floor((len * c) / chunks / 1024) * 1024;
      const partial = this.#heap.temp(outer * chunks * 4);
      const list: number[][] = [];
      for (let o = 0; o < outer; o++) {
        for (let c = 0; c < chunks; c++) {
          const from = bounds(c), to = c === chunks - 1 ? len : bounds(c + 1);
          list.push([xp + (o * len + from) * 4, partial + (o * chunks + c) * 4, 1, to - from, 1]);
        }
      }
      this.#runParts(name, list, helpers);
      if (!arg) {
        this.#fn(name)(partial, outPtr, outer, chunks, 1);
        return;
      }
      // Chunk-local indices: the first chunk whose value beats the best so far wins (NaN wins).
      const isMax = op === "argmax";
      const idx = this.#view("int32", partial, outer * chunks), res = this.#view("int32", outPtr, outer);
      const x = this.#view(dtype, xp, outer * len);
      for (let o = 0; o < outer; o++) {
        let best = -1, bv = 0;
        for (let c = 0; c < chunks; c++) {
          const i = bounds(c) + idx[o * chunks + c], v = x[o * len + i];
          if (best < 0 || beats(isMax, v, bv)) {
            best = i;
            bv = v;
          }
        }
        res[o] = best;
      }
    } else {
      this.#fn(name)(xp, outPtr, outer, len, inner);
    }
  }

  cumsum(x: Storage, outer: number, len: number, inner: number): WasmStorage {
    const s = checkStorage("cumsum", x);
    const dtype = checkCompute("cumsum", s.dtype);
    checkLayout("cumsum", s.numel, outer, len, inner);
    const n = s.numel;
    if (n === 0) return this.#zeros(dtype);
    this.#plan("cumsum", dtype, n, s);
    const helpers = outer >= 2 ? this.#helpers(n * NS.cumsum) : 0;
    const itemSize = ITEM_SIZE[dtype];
    return this.#call(() => {
      const xp = this.#in(s);
      const [out, outPtr] = this.#out(dtype, n);
      const name = `cumsum_${SUFFIX[dtype]}`;
      if (helpers === 0) this.#fn(name)(xp, outPtr, outer, len, inner);
      else {
        const row = len * inner * itemSize;
        this.#splitRun(
          name,
          helpers,
          outer,
          1,
          (f, t) => [xp + f * row, outPtr + f * row, t - f, len, inner],
        );
      }
      return out;
    });
  }

  argsort(x: Storage, rows: number, len: number, descending: boolean): WasmStorage {
    const s = checkStorage("argsort", x);
    const dtype = checkCompute("argsort", s.dtype);
    checkLayout("argsort", s.numel, rows, len, 1);
    if (s.numel === 0) return this.#zeros("int32");
    this.#plan("argsort", "int32", s.numel, s);
    const helpers = this.#helpers(s.numel * NS.argsort);
    const threads = helpers + 1;
    // Few long rows: each row's runs sorted on several threads, then merged (LONG_SORT).
    const long = helpers > 0 && rows < 2 * threads && len >= LONG_SORT;
    return this.#call(() => {
      const xp = this.#in(s);
      const [out, outPtr] = this.#out("int32", s.numel);
      const name = `argsort_${SUFFIX[dtype]}`, desc = descending ? 1 : 0;
      if (dtype === "float64") {
        // Pairs of 64-bit keys and indices, 32 bytes per element (assembly/float64.ts); one thread.
        this.#fn(name)(xp, outPtr, rows, len, desc, this.#heap.temp(len * 32));
        return out;
      }
      if (long) {
        const keys = this.#heap.temp(len * 8), tmp = this.#heap.temp(len * 8);
        for (let r = 0; r < rows; r++) {
          this.#sortLongRow(dtype, helpers, xp + r * len * 4, outPtr + r * len * 4, len, desc, keys, tmp);
        }
        return out;
      }
      // Two halves of 64-bit keys per thread (assembly/sort.ts).
      const stride = len * 16, scratch = this.#heap.temp(stride * (rows >= 2 ? threads : 1));
      if (helpers === 0 || rows < 2) this.#fn(name)(xp, outPtr, rows, len, desc, scratch, stride);
      else {
        const row = len * 4;
        this.#splitRun(
          name,
          helpers,
          rows,
          1,
          (f, t) => [xp + f * row, outPtr + f * row, t - f, len, desc, scratch, stride],
        );
      }
      return out;
    });
  }

  /**
   * One long row sorted on several threads: runs sorted on their own, merged in pairs (each round's
   * merges in parallel), the indices read out. Keys hold the element's index in the row, so the
   * order is the one-thread sort's.
   */
  #sortLongRow(
    dtype: ComputeDType,
    helpers: number,
    xp: number,
    outPtr: number,
    len: number,
    desc: number,
    keys: number,
    tmp: number,
  ): void {
    let runs = 1;
    while (runs < (helpers + 1) * 2) runs *= 2;
    const bounds = Array.from({ length: runs + 1 }, (_, i) => Math.floor((len * i) / runs / 16) * 16);
    bounds[runs] = len;
    const list: number[][] = [];
    for (let i = 0; i < runs; i++) list.push([xp, keys, tmp, bounds[i], bounds[i + 1], desc]);
    this.#runParts(`argsort_run_${SUFFIX[dtype]}`, list, helpers);
    let src = keys, dst = tmp;
    for (let width = 1; width < runs; width *= 2) {
      const merges: number[][] = [];
      for (let i = 0; i < runs; i += 2 * width) {
        merges.push([
          src,
          dst,
          bounds[i],
          bounds[Math.min(i + width, runs)],
          bounds[Math.min(i + 2 * width, runs)],
        ]);
      }
      this.#runParts("argsort_merge", merges, helpers);
      [src, dst] = [dst, src];
    }
    this.#splitRun("argsort_indices", helpers, len, 16, (f, t) => [src, outPtr, f, t]);
  }

  /** Float32 storages of one length for a fused update (null entries pass through). */
  #optimArgs(op: string, ...s: (Storage | null)[]): (WasmStorage | null)[] {
    const out = s.map((x) => (x === null ? null : checkStorage(op, x)));
    const n = out[0]!.numel;
    for (const x of out) {
      if (x === null) continue;
      if (x.dtype !== "float32") throw new TypeError(`${op}: expected float32 storages, got ${x.dtype}`);
      if (x.numel !== n) throw new RangeError(`${op}: storages have ${n} and ${x.numel} elements`);
    }
    return out;
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
    if (n === 0) return;
    const bias1 = 1 - o.beta1 ** o.step, bias2 = 1 - o.beta2 ** o.step;
    const flags = (o.maximize ? 1 : 0) | (o.weightDecay !== 0 ? 2 : 0) | (o.decoupled ? 4 : 0) |
      (o.amsgrad ? 8 : 0);
    const helpers = this.#helpers(n * NS.adam);
    this.#call(() => {
      const gp = this.#in(g!);
      const pp = this.#inout(p!, 0, n, false), mp = this.#inout(m!, 0, n, false);
      const vp = this.#inout(v!, 0, n, false), xp = vmax ? this.#inout(vmax, 0, n, false) : 0;
      const scalars = [
        o.beta1,
        1 - o.beta1,
        o.beta2,
        1 - o.beta2,
        -(o.lr / bias1),
        Math.sqrt(bias2),
        o.eps,
        o.weightDecay,
        1 - o.lr * o.weightDecay,
      ];
      if (helpers === 0) this.#fn("adam_f32")(pp, gp, mp, vp, xp, n, flags, ...scalars);
      else {
        this.#splitRun("adam_f32", helpers, n, 16, (f, t) => [
          pp + f * 4,
          gp + f * 4,
          mp + f * 4,
          vp + f * 4,
          xp === 0 ? 0 : xp + f * 4,
          t - f,
          flags,
          ...scalars,
        ]);
      }
    });
  }

  /** One SGD step in place (see `Backend.sgdUpdate`). */
  sgdUpdate(param: Storage, grad: Storage, momentumBuffer: Storage | null, o: SgdUpdateOptions): void {
    const useMomentum = o.momentum !== 0;
    if (useMomentum && !momentumBuffer) throw new TypeError("sgdUpdate: momentum needs momentumBuffer");
    const [p, g, buf] = this.#optimArgs("sgdUpdate", param, grad, useMomentum ? momentumBuffer : null);
    const n = p!.numel;
    if (n === 0) return;
    const flags = (o.maximize ? 1 : 0) | (o.weightDecay !== 0 ? 2 : 0) | (useMomentum ? 4 : 0) |
      (o.firstStep ? 8 : 0) | (o.dampening !== 0 ? 16 : 0) | (o.nesterov ? 32 : 0);
    const helpers = this.#helpers(n * NS.sgd);
    this.#call(() => {
      const gp = this.#in(g!);
      const pp = this.#inout(p!, 0, n, false);
      const bp = buf ? this.#inout(buf, 0, n, o.firstStep) : 0;
      if (helpers === 0) {
        this.#fn("sgd_f32")(pp, gp, bp, n, flags, o.lr, o.momentum, 1 - o.dampening, o.weightDecay);
      } else {
        const scalars = [o.lr, o.momentum, 1 - o.dampening, o.weightDecay];
        this.#splitRun("sgd_f32", helpers, n, 16, (f, t) => [
          pp + f * 4,
          gp + f * 4,
          bp === 0 ? 0 : bp + f * 4,
          t - f,
          flags,
          ...scalars,
        ]);
      }
    });
  }

  /** See `Backend.crossEntropy`. */
  crossEntropy(
    x: Storage,
    target: Storage,
    rows: number,
    cols: number,
    ignoreIndex: number,
  ): { logp: WasmStorage; loss: WasmStorage; total: WasmStorage; count: WasmStorage } | { badRow: number } {
    const s = checkStorage("crossEntropy", x), t = checkStorage("crossEntropy", target);
    if (s.dtype !== "float32") throw new TypeError(`crossEntropy: expected float32 input, got ${s.dtype}`);
    if (t.dtype !== "int32") throw new TypeError(`crossEntropy: expected int32 targets, got ${t.dtype}`);
    checkCount("crossEntropy", "rows", rows);
    checkCount("crossEntropy", "cols", cols);
    if (rows * cols !== s.numel || t.numel !== rows) {
      throw new RangeError(
        `crossEntropy: [${rows}, ${cols}] and ${rows} targets do not match ${s.numel} inputs and ${t.numel} targets`,
      );
    }
    const helpers = rows >= 2 ? this.#helpers(rows * cols * NS.softmax) : 0;
    return this.#call(() => {
      const xp = this.#in(s), tp = this.#in(t);
      const [logp, lp] = this.#out("float32", rows * cols);
      const [loss, sp] = this.#out("float32", rows);
      const [total, totp] = this.#out("float32", 1);
      const [count, cp] = this.#out("float32", 1);
      let bad: number;
      if (helpers === 0) {
        bad = this.#fn("crossEntropy_f32")(xp, tp, lp, sp, totp, cp, rows, cols, ignoreIndex | 0);
      } else {
        // The log-softmax in row blocks, then the loss here (the same numbers as one call).
        this.#rowsRun("logSoftmax_f32", helpers, xp, lp, rows, cols);
        bad = this.#fn("crossEntropyPick_f32")(tp, lp, sp, totp, cp, rows, cols, ignoreIndex | 0);
      }
      if (bad === 0) return { logp, loss, total, count };
      for (const s of [logp, loss, total, count]) s.dispose();
      return { badRow: bad - 1 };
    });
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
    const lp = checkStorage("crossEntropyBackward", logp), t = checkStorage("crossEntropyBackward", target);
    const gs = checkStorage("crossEntropyBackward", g);
    if (lp.numel !== rows * cols || t.numel !== rows || (gs.numel !== rows && gs.numel !== 1)) {
      throw new RangeError(
        `crossEntropyBackward: [${rows}, ${cols}] does not match ${lp.numel} log-probabilities, ` +
          `${t.numel} targets and ${gs.numel} gradients`,
      );
    }
    if (rows * cols === 0) return this.#zeros("float32");
    const helpers = rows >= 2 ? this.#helpers(rows * cols * NS.softmax) : 0;
    return this.#call(() => {
      const pp = this.#in(lp), tp = this.#in(t), gp = this.#in(gs);
      const [out, op] = this.#out("float32", rows * cols);
      const name = "crossEntropyBackward_f32", ig = ignoreIndex | 0, gLen = gs.numel;
      if (helpers === 0) this.#fn(name)(pp, tp, gp, gLen, op, rows, cols, ig);
      else {
        const row = cols * 4;
        this.#splitRun(name, helpers, rows, 1, (f, e) => [
          pp + f * row,
          tp + f * 4,
          gLen === 1 ? gp : gp + f * 4,
          gLen === 1 ? 1 : e - f,
          op + f * row,
          e - f,
          cols,
          ig,
        ]);
      }
      return out;
    });
  }

  softmax(x: Storage, rows: number, cols: number, log: boolean): WasmStorage {
    const name = log ? "logSoftmax" : "softmax";
    const s = checkStorage(name, x);
    if (s.dtype !== "float32" && s.dtype !== "float64") {
      throw new TypeError(`${name}: expected float32 or float64, got ${s.dtype}`);
    }
    checkCount(name, "rows", rows);
    checkCount(name, "cols", cols);
    if (rows * cols !== s.numel) {
      throw new RangeError(`${name}: [${rows}, ${cols}] does not match ${s.numel} elements`);
    }
    const n = s.numel;
    if (n === 0) return this.#zeros(s.dtype);
    this.#plan(name, s.dtype, n, s);
    // float64 rows run on this thread (the parts' offsets are float32 rows).
    const helpers = rows >= 2 && s.dtype === "float32" ? this.#helpers(n * NS.softmax) : 0;
    return this.#call(() => {
      const xp = this.#in(s);
      const [out, outPtr] = this.#out(s.dtype, n);
      this.#rowsRun(`${name}_${SUFFIX[s.dtype as ComputeDType]}`, helpers, xp, outPtr, rows, cols);
      return out;
    });
  }

  /** A row-wise kernel `name(x, out, rows, cols)`, its rows split between `helpers` workers and here. */
  #rowsRun(name: string, helpers: number, xp: number, outPtr: number, rows: number, cols: number): void {
    if (helpers === 0) this.#fn(name)(xp, outPtr, rows, cols);
    else {this.#splitRun(
        name,
        helpers,
        rows,
        1,
        (f, t) => [xp + f * cols * 4, outPtr + f * cols * 4, t - f, cols],
      );}
  }

  matmul(a: Storage, b: Storage, args: MatmulArgs): WasmStorage {
    const sa = checkStorage("matmul", a), sb = checkStorage("matmul", b);
    const dtype = checkMatmul(sa, sb, args);
    let { batch, m } = args;
    const { k, n, transA, transB } = args;
    let { aBatchStride, bBatchStride } = args;
    const needA = batch === 0 ? 0 : (batch - 1) * aBatchStride + m * k;
    const needB = batch === 0 ? 0 : (batch - 1) * bBatchStride + k * n;
    const total = batch * m * n;
    if (total === 0) return this.#zeros(dtype);
    // A shared B with back-to-back A matrices is one taller product.
    if (batch > 1 && bBatchStride === 0 && !transA && aBatchStride === m * k) {
      m *= batch;
      batch = 1;
      aBatchStride = 0;
    }
    const suffix = SUFFIX[dtype];
    const bias = args.bias ? checkStorage("matmul", args.bias) : null;
    this.#heap.plan("matmul", (total + needA + needB) * ITEM_SIZE[dtype]);
    const helpers = dtype === "float32" ? this.#helpers(total * k * NS.fma) : 0;
    return this.#call(() => {
      const ap = this.#in(sa, 0, needA);
      const bp = this.#in(sb, 0, needB);
      const biasPtr = bias ? this.#in(bias) : 0;
      const [out, outPtr] = this.#out(dtype, total);
      const ws = this.#fn(`matmul_${suffix}_workspace`)(m, k, n) >>> 0;
      const work = this.#heap.temp(ws * (helpers + 1));
      const tA = transA ? 1 : 0, tB = transB ? 1 : 0;
      if (dtype === "int32") {
        this.#fn("matmul_i32")(ap, bp, outPtr, batch, m, k, n, aBatchStride, bBatchStride, tA, tB, work);
      } else if (dtype === "float64") {
        const f = this.#fn("matmul_f64");
        f(ap, bp, outPtr, batch, m, k, n, aBatchStride, bBatchStride, tA, tB, work, biasPtr);
      } else if (helpers === 0) {
        this.#fn("matmul_f32")(
          ap,
          bp,
          outPtr,
          m,
          k,
          n,
          aBatchStride,
          bBatchStride,
          tA,
          tB,
          biasPtr,
          work,
          0,
          0,
          batch,
          0,
          m,
          0,
          n,
        );
      } else {
        const head = [ap, bp, outPtr, m, k, n, aBatchStride, bBatchStride, tA, tB, biasPtr, work, ws];
        const blocks = this.#matmulBlocks(batch, m, n, k, helpers + 1);
        this.#runParts("matmul_f32", blocks.map((b) => [...head, ...b]), helpers);
      }
      return out;
    });
  }

  #mr = 0;

  /**
   * Blocks [b0, b1, i0, i1, j0, j1] of a product for `threads` threads: about PARTS_PER_THREAD per
   * thread (fewer when small: each at least PARALLEL_MIN_NS / 2 of work), whole batches when there
   * are enough, else a grid of row and column blocks shaped to pack little twice (a row block packs
   * its columns of B, a column block its rows of A). Row blocks start at multiples of the register
   * tile's rows and column blocks at multiples of 8, so each element is computed as on one thread.
   */
  #matmulBlocks(batch: number, m: number, n: number, k: number, threads: number): number[][] {
    const mr = this.#mr ||= this.#fn("matmul_f32_mr")();
    const work = batch * m * n * k * NS.fma;
    const want = Math.max(
      threads,
      Math.min(threads * PARTS_PER_THREAD, this.#minNs > 0 ? Math.floor(work / (this.#minNs / 2)) : Infinity),
    );
    const blocks: number[][] = [];
    if (batch >= want) {
      for (let p = 0; p < want; p++) {
        const b0 = Math.floor((batch * p) / want), b1 = Math.floor((batch * (p + 1)) / want);
        if (b1 > b0) blocks.push([b0, b1, 0, m, 0, n]);
      }
      return blocks;
    }
    const perBatch = Math.ceil(want / batch);
    const rowUnits = Math.ceil(m / mr), colUnits = Math.ceil(n / 8);
    const gr = Math.max(1, Math.min(rowUnits, Math.round(Math.sqrt((perBatch * m) / n))));
    const gc = Math.max(1, Math.min(colUnits, Math.ceil(perBatch / gr)));
    const cut = (units: number, parts: number, unit: number, size: number, p: number) =>
      Math.min(size, Math.floor((units * p) / parts) * unit);
    for (let bt = 0; bt < batch; bt++) {
      for (let r = 0; r < gr; r++) {
        const i0 = cut(rowUnits, gr, mr, m, r), i1 = r === gr - 1 ? m : cut(rowUnits, gr, mr, m, r + 1);
        if (i1 <= i0) continue;
        for (let c = 0; c < gc; c++) {
          const j0 = cut(colUnits, gc, 8, n, c), j1 = c === gc - 1 ? n : cut(colUnits, gc, 8, n, c + 1);
          if (j1 > j0) blocks.push([bt, bt + 1, i0, i1, j0, j1]);
        }
      }
    }
    return blocks;
  }

  /** Throws for the first index outside [0, len). */
  #checkIndices(op: string, idx: WasmStorage, len: number): void {
    const ix = liveView(slotOf(idx));
    for (let i = 0; i < ix.length; i++) {
      const v = ix[i];
      if (v < 0 || v >= len) this.#throwBadIndex(op, idx, i, len);
    }
  }

  #throwBadIndex(op: string, index: WasmStorage, pos: number, len: number): never {
    throw new RangeError(
      `${op}: index ${liveView(slotOf(index))[pos]} is out of bounds for dimension with size ${len}`,
    );
  }

  gather(
    x: Storage,
    index: Storage,
    outer: number,
    len: number,
    inner: number,
    idxLen: number,
    indexIs1d: boolean,
  ): WasmStorage {
    const op = indexIs1d ? "indexSelect" : "gather";
    const s = checkStorage(op, x), idx = checkStorage(op, index);
    checkLayout(op, s.numel, outer, len, inner);
    checkIndex(op, idx, outer, len, inner, idxLen, indexIs1d);
    const n = outer * idxLen * inner;
    if (n === 0) {
      // Still validate the indices (e.g. inner == 0 with a 1-d index).
      this.#checkIndices(op, idx, len);
      return new WasmStorage(s.dtype, typedArrayFor(s.dtype, 0));
    }
    const size = ITEM_SIZE[s.dtype];
    const xs = slotOf(s);
    if (xs.heap !== this.#heap && xs.bytes > this.#heap.largeBytes) {
      // A large spilled source stays out of the cache: copy only the rows the index selects.
      this.#checkIndices(op, idx, len);
      return this.#call(() => {
        const [out, outPtr] = this.#out(s.dtype, n);
        const ix = liveView(slotOf(idx)), src = liveView(xs); // after the allocation (growth)
        const dst = this.#view(s.dtype, outPtr, n);
        for (let o = 0, q = 0; o < outer; o++) {
          const rowBase = o * len * inner;
          if (indexIs1d || inner === 1) {
            for (let j = 0; j < idxLen; j++, q += inner) {
              const from = rowBase + ix[indexIs1d ? j : o * idxLen + j] * inner;
              if (inner === 1) dst[q] = src[from];
              else dst.set(src.subarray(from, from + inner), q);
            }
          } else {
            for (let j = 0; j < idxLen; j++) {
              for (let i = 0; i < inner; i++, q++) dst[q] = src[rowBase + ix[q] * inner + i];
            }
          }
        }
        return out;
      });
    }
    const helpers = outer >= 2 ? this.#helpers(n * NS.cheap) : 0;
    return this.#call(() => {
      const xp = this.#in(s), ip = this.#in(idx);
      const [out, outPtr] = this.#out(s.dtype, n);
      const bad = this.#indexRun(
        `gather_${X_NAME[size]}`,
        helpers,
        xp,
        ip,
        outPtr,
        outer,
        len,
        inner,
        idxLen,
        indexIs1d,
        size,
        len,
        idxLen,
      );
      if (bad >= 0) {
        out.dispose();
        this.#throwBadIndex(op, idx, bad, len);
      }
      return out;
    });
  }

  /**
   * gather_* / scatterAdd_* (`(src, index, out, outer, len, inner, idxLen, is1d)`), on one thread
   * or, with `helpers`, split over `outer` (each block reads and writes its own slices) once this
   * thread has checked every index. `srcRows` / `outRows`: rows of `inner` elements of `size` bytes
   * per outer block of the source and the output. Returns the first bad index position, or -1.
   */
  #indexRun(
    name: string,
    helpers: number,
    sp: number,
    ip: number,
    outPtr: number,
    outer: number,
    len: number,
    inner: number,
    idxLen: number,
    is1d: boolean,
    size: number,
    srcRows: number,
    outRows: number,
  ): number {
    const flag = is1d ? 1 : 0;
    if (helpers === 0) return this.#fn(name)(sp, ip, outPtr, outer, len, inner, idxLen, flag);
    const bad = this.#fn("first_bad_index")(ip, is1d ? idxLen : outer * idxLen * inner, len);
    if (bad >= 0) return bad;
    const src = srcRows * inner * size, dst = outRows * inner * size, ix = is1d ? 0 : idxLen * inner * 4;
    this.#splitRun(
      name,
      helpers,
      outer,
      1,
      (f, t) => [sp + f * src, ip + f * ix, outPtr + f * dst, t - f, len, inner, idxLen, flag],
    );
    return -1;
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
    const op = "scatterAdd";
    const s = checkStorage(op, src), idx = checkStorage(op, index);
    const dtype = checkCompute(op, s.dtype);
    checkLayout(op, s.numel, outer, idxLen, inner);
    checkIndex(op, idx, outer, len, inner, idxLen, indexIs1d);
    const n = outer * len * inner;
    if (s.numel === 0 || n === 0) {
      this.#checkIndices(op, idx, len);
      return this.#zeros(dtype, n);
    }
    const helpers = outer >= 2 ? this.#helpers(n * NS.cheap) : 0;
    return this.#call(() => {
      const sp = this.#in(s), ip = this.#in(idx);
      const [out, outPtr] = this.#out(dtype, n);
      const bad = this.#indexRun(
        `scatterAdd_${SUFFIX[dtype]}`,
        helpers,
        sp,
        ip,
        outPtr,
        outer,
        len,
        inner,
        idxLen,
        indexIs1d,
        ITEM_SIZE[dtype],
        idxLen,
        len,
      );
      if (bad >= 0) {
        out.dispose();
        this.#throwBadIndex(op, idx, bad, len);
      }
      return out;
    });
  }

  // ---- convolution and pooling (assembly/conv.ts, assembly/pool.ts) ----

  #float(op: string, s: Storage, numel: number, what: string): WasmStorage {
    const w = checkStorage(op, s);
    if (w.dtype !== "float32") throw new TypeError(`${op}: expected float32, got ${w.dtype}`);
    if (w.numel !== numel) throw new RangeError(`${op}: ${what} has ${w.numel} elements, expected ${numel}`);
    return w;
  }

  im2col(x: Storage, geom: Conv2dGeometry): WasmStorage {
    const r = checkConvGeom("im2col", geom);
    const { batch, channels, height, width, groups, outH, outW } = geom;
    const s = this.#float("im2col", x, batch * channels * height * width, "input");
    const n = batch * groups * r * outH * outW;
    if (n === 0) return this.#zeros("float32");
    this.#plan("im2col", "float32", n, s);
    const helpers = batch >= 2 ? this.#helpers(n * NS.im2col) : 0;
    return this.#call(() => {
      const xp = this.#in(s);
      const [out, outPtr] = this.#out("float32", n);
      this.#batchRun("im2col_f32", helpers, geom, xp, outPtr, channels * height * width, n / batch);
      return out;
    });
  }

  /**
   * im2col_f32 / col2im_f32 (`(src, dst, ...geometry)`), images split between `helpers` workers
   * and here; `srcImage` / `dstImage`: elements per image of source and destination.
   */
  #batchRun(
    name: string,
    helpers: number,
    geom: Conv2dGeometry,
    src: number,
    dst: number,
    srcImage: number,
    dstImage: number,
  ): void {
    const words = conv2dGeometryWords(geom);
    if (helpers === 0) {
      this.#fn(name)(src, dst, ...words);
      return;
    }
    this.#splitRun(
      name,
      helpers,
      geom.batch,
      1,
      (f, t) => [src + f * srcImage * 4, dst + f * dstImage * 4, t - f, ...words.slice(1)],
    );
  }

  col2im(cols: Storage, geom: Conv2dGeometry): WasmStorage {
    const r = checkConvGeom("col2im", geom);
    const { batch, channels, height, width, groups, outH, outW } = geom;
    const s = this.#float("col2im", cols, batch * groups * r * outH * outW, "cols");
    const n = batch * channels * height * width;
    if (n === 0 || s.numel === 0) return this.#zeros("float32", n);
    this.#plan("col2im", "float32", n, s);
    const helpers = batch >= 2 ? this.#helpers(s.numel * NS.im2col) : 0;
    return this.#call(() => {
      const cp = this.#in(s);
      const [out, outPtr] = this.#out("float32", n);
      this.#batchRun("col2im_f32", helpers, geom, cp, outPtr, s.numel / batch, n / batch);
      return out;
    });
  }

  #poolArgs(g: Pool2dGeometry, dilation: boolean): number[] {
    const a = [g.planes, g.height, g.width, g.kernelH, g.kernelW, g.strideH, g.strideW, g.padH, g.padW];
    if (dilation) a.push(g.dilationH, g.dilationW);
    a.push(g.outH, g.outW);
    return a;
  }

  maxPool2d(x: Storage, geom: Pool2dGeometry): { values: WasmStorage; indices: WasmStorage } {
    checkPoolGeom("maxPool2d", geom);
    const { planes, height, width, outH, outW } = geom;
    const s = this.#float("maxPool2d", x, planes * height * width, "input");
    const n = planes * outH * outW;
    if (n === 0) {
      return {
        values: this.#zeros("float32"),
        indices: this.#zeros("int32"),
      };
    }
    if (height * width === 0) throw new RangeError("maxPool2d: cannot pool an empty plane");
    this.#plan("maxPool2d", "float32", 2 * n, s);
    const helpers = planes >= 2 ? this.#helpers(n * geom.kernelH * geom.kernelW * NS.pool) : 0;
    return this.#call(() => {
      const xp = this.#in(s);
      const [values, vp] = this.#out("float32", n);
      const [indices, ip] = this.#out("int32", n);
      const rest = this.#poolArgs(geom, true).slice(1);
      if (helpers === 0) this.#fn("maxPool2d_f32")(xp, vp, ip, planes, ...rest);
      else {
        const inP = height * width * 4, outP = outH * outW * 4;
        this.#splitRun(
          "maxPool2d_f32",
          helpers,
          planes,
          1,
          (f, t) => [xp + f * inP, vp + f * outP, ip + f * outP, t - f, ...rest],
        );
      }
      return { values, indices };
    });
  }

  avgPool2d(x: Storage, geom: Pool2dGeometry, opts: AvgPoolOptions): WasmStorage {
    checkAvg("avgPool2d", geom, opts);
    const { planes, height, width, outH, outW } = geom;
    const s = this.#float("avgPool2d", x, planes * height * width, "input");
    const n = planes * outH * outW;
    if (n === 0) return this.#zeros("float32");
    this.#plan("avgPool2d", "float32", n, s);
    const helpers = planes >= 2 ? this.#helpers(n * geom.kernelH * geom.kernelW * NS.pool) : 0;
    return this.#call(() => {
      const xp = this.#in(s);
      const [out, outPtr] = this.#out("float32", n);
      this.#planesRun("avgPool2d_f32", helpers, geom, opts, xp, outPtr, height * width, outH * outW);
      return out;
    });
  }

  /** avgPool2d_f32 / avgPool2dBackward_f32, planes split between `helpers` workers and here. */
  #planesRun(
    name: string,
    helpers: number,
    geom: Pool2dGeometry,
    opts: AvgPoolOptions,
    src: number,
    dst: number,
    srcPlane: number,
    dstPlane: number,
  ): void {
    const rest = [...this.#poolArgs(geom, false).slice(1), opts.countIncludePad ? 1 : 0, opts.divisor];
    if (helpers === 0) {
      this.#fn(name)(src, dst, geom.planes, ...rest);
      return;
    }
    this.#splitRun(
      name,
      helpers,
      geom.planes,
      1,
      (f, t) => [src + f * srcPlane * 4, dst + f * dstPlane * 4, t - f, ...rest],
    );
  }

  avgPool2dBackward(grad: Storage, geom: Pool2dGeometry, opts: AvgPoolOptions): WasmStorage {
    checkAvg("avgPool2dBackward", geom, opts);
    const { planes, height, width, outH, outW } = geom;
    const s = this.#float("avgPool2dBackward", grad, planes * outH * outW, "grad");
    const n = planes * height * width;
    if (n === 0 || s.numel === 0) return this.#zeros("float32", n);
    this.#plan("avgPool2dBackward", "float32", n, s);
    const helpers = planes >= 2 ? this.#helpers(s.numel * geom.kernelH * geom.kernelW * NS.pool) : 0;
    return this.#call(() => {
      const gp = this.#in(s);
      const [out, outPtr] = this.#out("float32", n);
      this.#planesRun("avgPool2dBackward_f32", helpers, geom, opts, gp, outPtr, outH * outW, height * width);
      return out;
    });
  }

  // ---- cumulative product (assembly/numerics.ts) ----

  cumprod(x: Storage, outer: number, len: number, inner: number): WasmStorage {
    const s = checkStorage("cumprod", x);
    const dtype = checkCompute("cumprod", s.dtype);
    checkLayout("cumprod", s.numel, outer, len, inner);
    const n = s.numel;
    if (n === 0) return this.#zeros(dtype);
    this.#plan("cumprod", dtype, n, s);
    return this.#call(() => {
      const xp = this.#in(s);
      const [out, outPtr] = this.#out(dtype, n);
      this.#fn(`cumprod_${SUFFIX[dtype]}`)(xp, outPtr, outer, len, inner);
      return out;
    });
  }
}

let defaultBackend: WasmBackend | undefined;

/** The shared CPU backend, instantiated (synchronously) on first use. */
export function wasmBackend(): WasmBackend {
  defaultBackend ??= new WasmBackend();
  return defaultBackend;
}
