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
 * - Below the budget, the heap grows into memory it never used only when no idle storage (one no
 *   kernel call has used for about 1,000 calls: `IDLE_EPOCHS` in `heap.ts`) can be spilled to
 *   make room: a synchronous loop that drops a result or two each step keeps a flat heap.
 * - `dispose()` frees a storage's block at once; a `FinalizationRegistry` frees the blocks of
 *   storages the user dropped (once the event loop runs the registry's callbacks). A spilled
 *   storage is plain GC-owned memory. Small storages a loop that never yields drops are not
 *   registered at all past a window (`src/memory.ts`): there no callback could run, registering
 *   only slowed the loop, and idle spills reclaim them.
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
 * This file holds the class and its storage-level methods. The kernel instance, its heap and
 * threads and the helpers that run a kernel call are its {@link WasmKernels} (`kernels.ts`), which
 * the kernel launchers receive: free functions in one file per op family, named as the
 * `assembly/` file of their kernels: `elementwise.ts`, `cast.ts`, `copy.ts`,
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
  DecompArgs,
  FftArgs,
  LdlSolveArgs,
  LuSolveArgs,
  LuSolveResult,
  MatmulArgs,
  Operand,
  Pool2dGeometry,
  ReduceOp,
  RfftArgs,
  SearchsortedArgs,
  SgdUpdateOptions,
  Special2Op,
  SpecialOp,
  Storage,
  TriangularSolveArgs,
  UnaryOp,
} from "../backend.ts";
import { checkCount, checkDType, checkTyped, readRange } from "../contract.ts";
import { copyOut, liveView, slotOf, WasmStorage } from "./heap.ts";
import { kernelModule, type WasmVariant } from "./loader.ts";
import { WasmKernels } from "./kernels.ts";
import { checkStorage } from "./shared.ts";
import * as castOps from "./cast.ts";
import * as convOps from "./conv.ts";
import * as copyOps from "./copy.ts";
import * as elementwiseOps from "./elementwise.ts";
import * as indexingOps from "./indexing.ts";
import * as linalgOps from "./linalg.ts";
import * as decompOps from "./decomp.ts";
import * as ldlOps from "./ldl.ts";
import * as fftOps from "./fft.ts";
import * as lossOps from "./loss.ts";
import * as matmulOps from "./matmul.ts";
import * as numericsOps from "./numerics.ts";
import * as optimOps from "./optim.ts";
import * as poolOps from "./pool.ts";
import * as reduceOps from "./reduce.ts";
import * as softmaxOps from "./softmax.ts";
import * as sortOps from "./sort.ts";
import * as opsMoreOps from "./ops_more.ts";
import * as specialOps from "./special.ts";
import * as scanOps from "./scans.ts";
import { type RandomKernels, setRandomKernels } from "../../random_kernels.ts";

export type { WasmVariant } from "./loader.ts";
export { WasmStorage } from "./heap.ts";
export { PARALLEL_MIN_NS } from "./kernels.ts";

/** Default byte budget of resident (wasm-memory) storage data: 256 MiB. */
export const DEFAULT_RESIDENT_BUDGET: number = 256 * 1024 * 1024;

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
  /**
   * Of those spills, the storages no kernel call had used for a while (results a synchronous
   * loop dropped, mostly), spilled instead of growing the heap into memory it never used.
   */
  idleSpills: number;
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
  /** The kernel instance, heap, threads and call helpers the launcher files use. */
  readonly #k: WasmKernels;

  constructor(options: WasmBackendOptions = {}) {
    const module = kernelModule(options.variant);
    this.variant = module.variant;
    const budget = options.residentBudget ?? DEFAULT_RESIDENT_BUDGET;
    checkBudget(budget);
    this.#k = new WasmKernels(module, budget, options.threads ?? true);
  }

  /**
   * Sets the byte budget of resident storage data (see the module documentation); storages over
   * it are spilled now, least recently used first.
   */
  setResidentBudget(bytes: number): void {
    checkBudget(bytes);
    this.#k.heap.budget = bytes;
    this.#k.heap.trim();
  }

  /** The resident byte budget. */
  get residentBudget(): number {
    return this.#k.heap.budget;
  }

  /** Memory counters: resident bytes and count, budget, wasm memory size, spills so far. */
  memoryStats(): WasmMemoryStats {
    const h = this.#k.heap;
    return {
      budget: h.budget,
      residentBytes: h.residentBytes,
      residentCount: h.residentCount,
      wasmBytes: h.mem.buffer.byteLength,
      heapBase: h.base,
      spills: h.spills,
      idleSpills: h.idleSpills,
      spilledBytes: h.spilledBytes,
    };
  }

  // ---- threads (threads.ts) ----

  /**
   * Why kernel calls run on the calling thread only: the runtime has no shared memory or workers,
   * threads are off for this backend, or the pool failed (null while threads may run, including
   * before the pool has started).
   */
  get threadingReason(): string | null {
    return this.#k.threadingReason;
  }

  /** Threads that take parts of large calls now (1 while the pool starts or when it cannot run). */
  get activeThreads(): number {
    return this.#k.activeThreads;
  }

  /** Jobs the pool has run (split kernel calls, self-tests included), for tests and benchmarks. */
  get parallelJobs(): number {
    return this.#k.parallelJobs;
  }

  /** Parts of those jobs that worker threads ran (the rest ran on the calling thread). */
  get workerParts(): number {
    return this.#k.workerParts;
  }

  /**
   * Starts the worker threads now (they otherwise start once calls big enough to split add up to
   * about 0.1 s of work) and resolves, once they run, to the number of threads large calls use:
   * `getNumThreads()`, or 1 when threads cannot run here (see {@link threadingReason}).
   */
  startThreads(): Promise<number> {
    return this.#k.startThreads();
  }

  /**
   * Calls estimated above `ns` nanoseconds of one thread's work are split over threads (default
   * {@link PARALLEL_MIN_NS}); tests and benchmarks use 0 to split small and oddly shaped calls.
   */
  splitCallsAbove(ns: number): void {
    this.#k.splitAbove(ns);
  }

  /** Stops the worker threads (they restart at the next large call). */
  stopThreads(): void {
    this.#k.stopThreads();
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
    if (numel === 0 || numel * ITEM_SIZE[dtype] > this.#k.heap.largeBytes) {
      const out = typedArrayFor(dtype, numel);
      if (numel > 0 && !Object.is(value, 0)) out.fill(value);
      return new WasmStorage(dtype, out);
    }
    return this.#k.call(() => {
      const [out, p] = this.#k.output(dtype, numel);
      this.#k.view(dtype, p, numel).fill(value);
      return out;
    });
  }

  readSync(s: Storage, offset?: number, count?: number): TypedArray {
    return this.#read("readSync", s, offset, count);
  }

  /** A copy of elements [offset, offset + count) of `s`; `op` names the caller in errors. */
  #read(op: "read" | "readSync", s: Storage, offset?: number, count?: number): TypedArray {
    const slot = slotOf(checkStorage(op, s));
    const [from, to] = readRange(op, slot.numel, offset, count);
    if (from === 0 && to === slot.numel) return copyOut(slot);
    // Only the range: one element of a large storage costs one element.
    if (slot.heap || slot.host) return liveView(slot).slice(from, to);
    return typedArrayFor(slot.dtype, to - from);
  }

  read(s: Storage, offset?: number, count?: number): Promise<TypedArray> {
    try {
      return Promise.resolve(this.#read("read", s, offset, count));
    } catch (e) {
      return Promise.reject(e);
    }
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
    return copyOps.copy(this.#k, src, srcOffset, srcStrides, dst, dstOffset, dstStrides, shape);
  }

  cast(x: Storage, to: DType): WasmStorage {
    return castOps.cast(this.#k, x, to);
  }

  unary(op: UnaryOp, x: Storage): WasmStorage {
    return elementwiseOps.unary(this.#k, op, x);
  }

  binary(op: BinaryOp, a: Operand, b: Operand, numel: number, dtype: ComputeDType): WasmStorage {
    return elementwiseOps.binary(this.#k, op, a, b, numel, dtype);
  }

  where(cond: Storage, a: Storage, b: Storage): WasmStorage {
    return elementwiseOps.where(this.#k, cond, a, b);
  }

  reduce(op: ReduceOp, x: Storage, outer: number, len: number, inner: number): WasmStorage {
    return reduceOps.reduce(this.#k, op, x, outer, len, inner);
  }

  cumsum(x: Storage, outer: number, len: number, inner: number): WasmStorage {
    return reduceOps.cumsum(this.#k, x, outer, len, inner);
  }

  argsort(x: Storage, rows: number, len: number, descending: boolean): WasmStorage {
    return sortOps.argsort(this.#k, x, rows, len, descending);
  }

  nanToNum(x: Storage, nan: number, posinf: number, neginf: number): WasmStorage {
    return opsMoreOps.nanToNum(this.#k, x, nan, posinf, neginf);
  }

  special(op: SpecialOp, x: Storage, order: number): WasmStorage {
    return specialOps.special(this.#k, op, x, order);
  }

  special2(op: Special2Op, a: Storage, b: Storage): WasmStorage {
    return specialOps.special2(this.#k, op, a, b);
  }

  searchsorted(seq: Storage, values: Storage, args: SearchsortedArgs): WasmStorage {
    return opsMoreOps.searchsorted(this.#k, seq, values, args);
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
    return optimOps.adamUpdate(this.#k, param, grad, expAvg, expAvgSq, maxExpAvgSq, o);
  }

  /** One SGD step in place (see `Backend.sgdUpdate`). */
  sgdUpdate(param: Storage, grad: Storage, momentumBuffer: Storage | null, o: SgdUpdateOptions): void {
    return optimOps.sgdUpdate(this.#k, param, grad, momentumBuffer, o);
  }

  /** See `Backend.crossEntropy`. */
  crossEntropy(
    x: Storage,
    target: Storage,
    rows: number,
    cols: number,
    ignoreIndex: number,
  ): { logp: WasmStorage; loss: WasmStorage; total: WasmStorage; count: WasmStorage } | { badRow: number } {
    return lossOps.crossEntropy(this.#k, x, target, rows, cols, ignoreIndex);
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
    return lossOps.crossEntropyBackward(this.#k, logp, target, g, rows, cols, ignoreIndex);
  }

  softmax(x: Storage, rows: number, cols: number, log: boolean): WasmStorage {
    return softmaxOps.softmax(this.#k, x, rows, cols, log);
  }

  matmul(a: Storage, b: Storage, args: MatmulArgs): WasmStorage {
    return matmulOps.matmul(this.#k, a, b, args);
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
    return indexingOps.gather(this.#k, x, index, outer, len, inner, idxLen, indexIs1d);
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
    return indexingOps.scatterAdd(this.#k, src, index, outer, len, inner, idxLen, indexIs1d);
  }

  // ---- convolution and pooling (assembly/conv.ts, assembly/pool.ts) ----

  im2col(x: Storage, geom: Conv2dGeometry): WasmStorage {
    return convOps.im2col(this.#k, x, geom);
  }

  col2im(cols: Storage, geom: Conv2dGeometry): WasmStorage {
    return convOps.col2im(this.#k, cols, geom);
  }

  conv2dInputGrad(weight: Storage, grad: Storage, geom: Conv2dGeometry, outChannels: number): WasmStorage {
    return convOps.conv2dInputGrad(this.#k, weight, grad, geom, outChannels);
  }

  conv2dForward(x: Storage, weight: Storage, geom: Conv2dGeometry, outChannels: number): WasmStorage {
    return convOps.conv2dForward(this.#k, x, weight, geom, outChannels);
  }

  maxPool2d(x: Storage, geom: Pool2dGeometry): { values: WasmStorage; indices: WasmStorage } {
    return poolOps.maxPool2d(this.#k, x, geom);
  }

  avgPool2d(x: Storage, geom: Pool2dGeometry, opts: AvgPoolOptions): WasmStorage {
    return poolOps.avgPool2d(this.#k, x, geom, opts);
  }

  avgPool2dBackward(grad: Storage, geom: Pool2dGeometry, opts: AvgPoolOptions): WasmStorage {
    return poolOps.avgPool2dBackward(this.#k, grad, geom, opts);
  }

  // ---- cumulative product (assembly/numerics.ts) ----

  cumprod(x: Storage, outer: number, len: number, inner: number): WasmStorage {
    return numericsOps.cumprod(this.#k, x, outer, len, inner);
  }

  // ---- cummax/cummin indices and logcumsumexp (assembly/scans.ts) ----

  /** See `Backend.cumExtremeIndices`. */
  cumExtremeIndices(x: Storage, outer: number, len: number, inner: number, max: boolean): WasmStorage {
    return scanOps.cumExtremeIndices(this.#k, x, outer, len, inner, max);
  }

  /** See `Backend.logcumsumexp`. */
  logcumsumexp(x: Storage, outer: number, len: number, inner: number): WasmStorage {
    return scanOps.logcumsumexp(this.#k, x, outer, len, inner);
  }

  // ---- batched LU solves (assembly/linalg.ts) ----

  /** See `Backend.luSolve`. */
  luSolve(a: Storage, rhs: Storage | "identity" | null, args: LuSolveArgs): LuSolveResult {
    return linalgOps.luSolve(this.#k, a, rhs, args);
  }

  /** See `Backend.cholesky`. */
  cholesky(a: Storage, batch: number, n: number): { l: WasmStorage; info: WasmStorage } {
    return linalgOps.cholesky(this.#k, a, batch, n);
  }

  /** See `Backend.triangularSolve`. */
  triangularSolve(a: Storage, b: Storage, args: TriangularSolveArgs): WasmStorage {
    return linalgOps.triangularSolve(this.#k, a, b, args);
  }

  // ---- matrix decompositions (assembly/decomp.ts) ----

  /** See `Backend.geqrf`. */
  geqrf(a: Storage, args: DecompArgs): { h: WasmStorage; tau: WasmStorage } {
    return decompOps.geqrf(this.#k, a, args);
  }

  /** See `Backend.orgqr`. */
  orgqr(h: Storage, tau: Storage, args: DecompArgs & { cols: number }): WasmStorage {
    return decompOps.orgqr(this.#k, h, tau, args);
  }

  /** See `Backend.eighJacobi`. */
  eighJacobi(a: Storage, args: DecompArgs): { w: WasmStorage; v: WasmStorage } {
    return decompOps.eighJacobi(this.#k, a, args);
  }

  /** See `Backend.svdJacobi`. */
  svdJacobi(a: Storage, args: DecompArgs): { b: WasmStorage; v: WasmStorage } {
    return decompOps.svdJacobi(this.#k, a, args);
  }

  /** See `Backend.getrf`. */
  getrf(a: Storage, args: DecompArgs): { lu: WasmStorage; pivots: WasmStorage; info: WasmStorage } {
    return decompOps.getrf(this.#k, a, args);
  }

  /** See `Backend.sytrf`. */
  sytrf(a: Storage, args: DecompArgs): { ld: WasmStorage; pivots: WasmStorage; info: WasmStorage } {
    return ldlOps.sytrf(this.#k, a, args);
  }

  /** See `Backend.sytrs`. */
  sytrs(ld: Storage, pivots: Storage, b: Storage, args: LdlSolveArgs): WasmStorage {
    return ldlOps.sytrs(this.#k, ld, pivots, b, args);
  }

  /** See `Backend.fft`. */
  fft(x: Storage, args: FftArgs): WasmStorage {
    return fftOps.fft(this.#k, x, args);
  }

  /** See `Backend.rfft`. */
  rfft(x: Storage, args: RfftArgs): WasmStorage {
    return fftOps.rfft(this.#k, x, args);
  }

  /** See `Backend.complexMul`. */
  complexMul(a: Storage, b: Storage, n: number, conjB: boolean): WasmStorage {
    return fftOps.complexMul(this.#k, a, b, n, conjB);
  }

  // ---- random numbers (assembly/random.ts) ----

  /** The kernels of `Generator.normalFill` and `uniformFill` (random_kernels.ts) on this backend's memory. */
  get randomKernels(): RandomKernels {
    return this.#k;
  }
}

let defaultBackend: WasmBackend | undefined;

/**
 * The shared CPU backend, instantiated (synchronously) on first use; it also installs the
 * WebAssembly kernels of `Generator.normalFill` and `uniformFill` (random_kernels.ts).
 */
export function wasmBackend(): WasmBackend {
  if (defaultBackend === undefined) {
    const backend = new WasmBackend();
    setRandomKernels(backend.randomKernels);
    defaultBackend = backend;
  }
  return defaultBackend;
}
