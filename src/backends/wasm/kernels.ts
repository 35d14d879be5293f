/**
 * The CPU backend's kernel context: the instance of the wasm kernels, the heap their storages live
 * in (`heap.ts`), the worker pool that runs parts of large calls (`threads.ts`) and the helpers
 * the launcher files (`elementwise.ts`, `matmul.ts`, ...) use to run a kernel call: `call` (one
 * call's scope), `input` / `inout` / `output` / `view` (addresses of operands and results),
 * `fn` (a kernel by export name), `helpers` / `splitRun` / `runParts` (splitting over threads).
 * {@link WasmBackend} owns one and hands it to the launchers; it is not part of the public API.
 * @module
 */
import { type DType, ITEM_SIZE, type TypedArray, typedArrayFor } from "../../dtype.ts";
import type { Storage } from "../backend.ts";
import { checkFloat32 } from "../contract.ts";
import { Heap, liveView, MAX_BYTES, PAGE, Slot, slotOf, storageFor, viewOf, WasmStorage } from "./heap.ts";
import { kernelBytes, type KernelModule } from "./loader.ts";
import { checkStorage, type KernelFn, PARTS_PER_THREAD } from "./shared.ts";
import { getNumThreads, MAX_PARTS, sharedMemoryBuild, ThreadPool, threadSupport } from "./threads.ts";
import type { RandomKernels } from "../../random_kernels.ts";

/**
 * Calls estimated to take less than this many nanoseconds on one thread stay on the calling
 * thread; larger ones get one thread per this much work, up to `torch.getNumThreads()`. Measured
 * with `bench/threads.ts --crossover` (2026-12-04, the 2-core machine of bench/README.md, loaded):
 * handing the parts of a call to the workers and waiting for the last one costs 5-16 µs (the
 * smallest sizes' 2-thread minus 1-thread times), so a split call does at least 3-8 times that.
 */
export const PARALLEL_MIN_NS = 40_000;

/**
 * The pool starts once the calls big enough to split add up to this much estimated single-thread
 * time (or at `startThreads()`). Starting it blocks the calling thread: in Deno, loading
 * `node:worker_threads` took 45 ms and each `new Worker` 118 ms (a web `Worker` 53 ms) on the
 * 2-core machine, which a program that splits less work than this cannot win back (a fresh
 * process's first MLP training step took 130 ms longer with threads than without); a training loop
 * reaches it within its first second.
 */
export const POOL_START_AFTER_NS = 100_000_000;

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

/** The kernels of one {@link WasmBackend} and what its launcher files need to call them. */
export class WasmKernels implements RandomKernels {
  readonly #exports: Kernels;
  /** The allocator of wasm memory the storages live in (`heap.ts`). */
  readonly heap: Heap;
  /** The shared-memory build workers instantiate (null: calls stay on this thread). */
  readonly #threadModule: WebAssembly.Module | null;
  /** Why calls stay on this thread (null while threads may run). */
  #reason: string | null;
  readonly #scratchBytes: number;
  /** This thread's scratch block (free between kernel calls). */
  readonly #scratchBase: number;
  #pool: ThreadPool | null = null;
  /** Kernel export names and their function numbers in the pool's part lists. */
  #fnNames: string[] | null = null;
  readonly #fnIndex = new Map<string, number>();
  /** Nesting depth of call (the pool starts and self-tests only between calls). */
  #depth = 0;
  /** Writes back temporaries of large spilled in-place destinations when a call ends. */
  readonly #writeBacks: (() => void)[] = [];

  /** Instantiates `module` over a new memory whose heap keeps `budget` resident bytes. */
  constructor(module: KernelModule, budget: number, threads: boolean) {
    const inst = instantiateKernels(module, threads);
    this.#exports = inst.kernels;
    this.#threadModule = inst.threadModule;
    this.#reason = inst.reason;
    // This thread's scratch block sits at the start of the heap (workers get theirs from the heap).
    const base = (this.#exports.heap_base as KernelFn)() >>> 0;
    this.#scratchBytes = (this.#exports.scratch_bytes as KernelFn)() >>> 0;
    const need = base + this.#scratchBytes - inst.memory.buffer.byteLength;
    if (need > 0) inst.memory.grow(Math.ceil(need / PAGE));
    (this.#exports.set_thread as KernelFn)(0, base);
    this.#scratchBase = base;
    this.heap = new Heap(inst.memory, base + this.#scratchBytes, budget);
  }

  /**
   * mt19937 uniforms for `Generator.uniformFill` (`uniform_f32`): the state `mt` is copied to this
   * thread's scratch block, the values come back in chunks, the state is copied back. Returns
   * `next * 1024 + left`. Like boxMullerAvx2, not a storage op: it runs between kernel calls, when
   * the scratch block is free.
   */
  uniformFill(
    mt: Int32Array,
    next: number,
    left: number,
    out: Float32Array,
    lo: number,
    range: number,
    mode: number,
  ): number {
    const f = this.fn("uniform_f32");
    const memory = this.#exports.memory as WebAssembly.Memory;
    const mtBytes = mt.length * 4, at = this.#scratchBase + mtBytes;
    const chunk = Math.floor((this.#scratchBytes - mtBytes) / 4);
    new Int32Array(memory.buffer, this.#scratchBase, mt.length).set(mt);
    for (let start = 0; start < out.length; start += chunk) {
      const part = out.subarray(start, Math.min(out.length, start + chunk));
      const packed = f(this.#scratchBase, next, left, at, part.length, lo, range, mode) as number;
      next = packed >> 10;
      left = packed & 1023;
      part.set(new Float32Array(memory.buffer, at, part.length));
    }
    mt.set(new Int32Array(memory.buffer, this.#scratchBase, mt.length));
    return next * 1024 + left;
  }

  /**
   * PyTorch's AVX2 Box-Muller on each block of 16 of `d` (`box_muller_avx2_f32`, for
   * `Generator.normalFill`), through this thread's scratch block in chunks.
   */
  boxMullerAvx2(d: Float32Array, mean: number, std: number): void {
    const f = this.fn("box_muller_avx2_f32");
    const chunk = Math.floor(this.#scratchBytes / 64) * 16;
    const memory = this.#exports.memory as WebAssembly.Memory;
    for (let start = 0; start < d.length; start += chunk) {
      const part = d.subarray(start, Math.min(d.length, start + chunk));
      const view = new Float32Array(memory.buffer, this.#scratchBase, part.length);
      view.set(part);
      f(this.#scratchBase, part.length, mean, std); // in place; the kernel does not grow the memory
      part.set(view);
    }
  }

  /** The kernel exported as `name` (throws for a missing one). */
  fn(name: string): KernelFn {
    const f = this.#exports[name];
    if (typeof f !== "function") throw new Error(`cpu backend: missing wasm kernel ${name}`);
    return f as KernelFn;
  }

  /** Runs one kernel call: slots used in it are pinned, its temporaries freed at the end. */
  call<T>(body: () => T): T {
    const h = this.heap;
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
   * Starts the worker threads now (they otherwise start once calls big enough to split add up to
   * about 0.1 s of work) and resolves, once they run, to the number of threads large calls use:
   * `getNumThreads()`, or 1 when threads cannot run here (see {@link threadingReason}).
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

  /** Estimated single-thread time of the calls big enough to split so far (see POOL_START_AFTER_NS). */
  #splittableNs = 0;

  /** calls estimated below this many nanoseconds stay on this thread (see `splitAbove`) */
  minNs = PARALLEL_MIN_NS;

  /**
   * Splits calls estimated above `ns` nanoseconds (default {@link PARALLEL_MIN_NS});
   * tests use 0 to split small and oddly shaped calls.
   */
  splitAbove(ns: number): void {
    this.minNs = ns;
  }

  /** Stops the worker threads (they restart at the next large call). */
  stopThreads(): void {
    if (this.#pool) POOLS.unregister(this.#pool);
    this.#pool?.stop();
    this.#pool = null;
  }

  #startPool(): ThreadPool {
    const k = this.#exports;
    const names = this.#fnNames ??= Object.keys(k).filter((name) => typeof k[name] === "function");
    for (let i = 0; i < names.length; i++) this.#fnIndex.set(names[i], i);
    // The pool refers to this backend weakly, so that a dropped backend is collected and its
    // workers stopped (POOLS); no closure made here may capture `this` (closures of one scope
    // share what they capture).
    const self = new WeakRef<WasmKernels>(this);
    const heap = this.heap, bytes = this.#scratchBytes;
    const pool = new ThreadPool({
      module: this.#threadModule!,
      memory: heap.mem,
      names,
      scratch: () => heap.reserve(bytes),
      selfTest: (p, workers) => {
        const kernels = self.deref();
        return kernels ? kernels.#selfTest(p, workers) : "the backend was dropped";
      },
    });
    POOLS.register(this, pool, pool);
    this.#pool = pool;
    return pool;
  }

  /**
   * Worker threads to help with a call that takes about `ns` nanoseconds on one thread: 0 below
   * {@link PARALLEL_MIN_NS}, else up to one per {@link PARALLEL_MIN_NS} of work, at most
   * `getNumThreads() - 1`, and 0 until such calls add up to {@link POOL_START_AFTER_NS} and while
   * the pool starts. Called between calls (it may start the pool and self-test new workers).
   */
  helpers(ns: number): number {
    if (ns < this.minNs || this.#threadModule === null || this.#depth > 0) return 0;
    const want = Math.min(getNumThreads(), this.minNs > 0 ? Math.floor(ns / this.minNs) : Infinity) - 1;
    if (want <= 0) return 0;
    if (this.#pool === null && this.minNs > 0) {
      // Not yet worth starting (see POOL_START_AFTER_NS); tests that split every call start at once.
      this.#splittableNs += ns;
      if (this.#splittableNs < POOL_START_AFTER_NS) return 0;
    }
    return (this.#pool ?? this.#startPool()).available(want);
  }

  /**
   * The pool's self-test: every thread computes the same small product (packing, edge tiles,
   * bias) into its own output; each must equal the calling thread's bit for bit, and that one a
   * float64 reference within float32 rounding. Null when right, else what was wrong.
   */
  #selfTest(pool: ThreadPool, workers: number): string | null {
    const m = 37, k = 45, n = 29, threads = workers + 1;
    const fn = this.fn("matmul_f32");
    return this.call(() => {
      const h = this.heap;
      const ws = this.fn("matmul_f32_workspace")(m, k, n) >>> 0;
      const a = h.temp(m * k * 4), b = h.temp(k * n * 4), bias = h.temp(n * 4);
      const out = h.temp(threads * m * n * 4), work = h.temp(threads * ws);
      const av = this.view("float32", a, m * k), bv = this.view("float32", b, k * n);
      const biasv = this.view("float32", bias, n);
      for (let i = 0; i < av.length; i++) av[i] = ((i * 37) % 101) / 50 - 1;
      for (let i = 0; i < bv.length; i++) bv[i] = ((i * 53) % 97) / 48 - 1;
      for (let i = 0; i < n; i++) biasv[i] = i / 8;
      const args = (
        t: number,
      ) => [a, b, out + t * m * n * 4, m, k, n, 0, 0, 0, 0, bias, work, ws, 0, 1, 0, m, 0, n];
      const f = this.#fnIndex.get("matmul_f32")!;
      for (let t = 0; t < threads; t++) pool.setPart(t, f, args(t));
      pool.run(threads, workers, (t) => fn(...args(t)), true);
      const o = this.view("float32", out, threads * m * n) as Float32Array;
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
  splitRun(
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
    this.runParts(name, list, helpers);
  }

  /** Runs kernel `name` once per argument list (disjoint outputs), on `helpers` workers and here. */
  runParts(name: string, list: readonly number[][], helpers: number): void {
    const fn = this.fn(name);
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
  plan(op: string, dtype: DType, out: number, ...inputs: (Storage | number)[]): void {
    let bytes = out * ITEM_SIZE[dtype];
    for (const x of inputs) if (x instanceof WasmStorage) bytes += slotOf(x).bytes;
    this.heap.plan(op, bytes);
  }

  /** Brings a spilled (or other instance's) slot into this heap; returns false for large ones. */
  #bringIn(s: WasmStorage, slot: Slot): boolean {
    const h = this.heap;
    if (slot.heap && slot.heap !== h) slot.heap.spill(slot);
    if (slot.bytes > h.largeBytes) return false;
    const p = h.place(slot, s);
    new Uint8Array(h.mem.buffer, p, slot.bytes).set(
      new Uint8Array(slot.host!.buffer, slot.host!.byteOffset, slot.bytes),
    );
    return true;
  }

  /** Address of element `from` of an input, resident (used in place) or a temporary copy of [from, to). */
  input(s: WasmStorage, from = 0, to = s.numel): number {
    const h = this.heap, slot = slotOf(s), size = ITEM_SIZE[s.dtype];
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
  snapshot(s: WasmStorage, from: number, to: number): number {
    const p = this.heap.temp((to - from) * ITEM_SIZE[s.dtype]);
    this.view(s.dtype, p, to - from).set(liveView(slotOf(s)).subarray(from, to));
    return p;
  }

  /**
   * Address of element `from` of an in-place destination: resident (its clean copy dropped) or,
   * for a large spilled one, a temporary over [from, to) written back when the call ends
   * (`dense`: the kernel writes the whole range, so its old contents need no copy).
   */
  inout(s: WasmStorage, from: number, to: number, dense: boolean): number {
    const h = this.heap, slot = slotOf(s), size = ITEM_SIZE[s.dtype];
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
  output(dtype: DType, n: number): [WasmStorage, number] {
    const slot = new Slot(dtype, n, null);
    const s = storageFor(slot);
    return [s, this.heap.place(slot, s)];
  }

  /** A view of `n` elements at `ptr` (take it after the call's allocations; do not keep it). */
  view(dtype: DType, ptr: number, n: number): TypedArray {
    return viewOf(this.heap.mem, dtype, ptr, n);
  }

  /** A storage with no elements, or `n` zeros (spilled: no wasm memory). */
  zeros(dtype: DType, n = 0): WasmStorage {
    return new WasmStorage(dtype, typedArrayFor(dtype, n));
  }

  /** matmul_f32's register block rows (asked of the kernels once, by matmul.ts) */
  mr = 0;

  /** `s` as this backend's float32 storage of `numel` elements (`what` names it in errors). */
  float32(op: string, s: Storage, numel: number, what: string): WasmStorage {
    return checkFloat32(op, checkStorage(op, s), numel, what);
  }
}
