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
 * per element than on the CPU. The one exception is the float16 matrix product on a device with
 * `shader-f16` (`matmul.ts`, option {@link WebGPUBackendOptions.f16}): its operands are packed to
 * halves (two bytes each) for the f16 kernel, which multiplies them with f32 accumulation; the
 * product is stored as every float16 result is. `gpu.isAvailable()` requests `shader-f16` when
 * the adapter offers it.
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
 *
 * This file holds the class, which forwards to its {@link GpuContext} (`context.ts`: the device,
 * buffer pools, pipelines, uniform slots, encoder and submission, pending checks and graphs, and
 * the storage helpers). The rest is free functions of that context, one file per concern: `dispatch.ts` (uniform slots, bind groups, grids), `storage.ts`
 * (WebGPUStorage), `buffer_pool.ts` (pooled buffers), `transfer.ts` (uploads,
 * fills, reads), `checks.ts` (checks found on the device), `lazy.ts` (pending pointwise graphs,
 * computed by kernels `fusion.ts` generates), `half.ts` (float16 bits), and the kernel launchers
 * by op family, named as the `wgsl/` file of their kernels: `elementwise.ts`, `cast.ts`,
 * `copy.ts`, `reduce.ts`, `sort.ts`, `softmax.ts`, `loss.ts`, `matmul.ts`, `indexing.ts`, `conv.ts`,
 * `pool.ts`, `optim.ts` (what they share is in `shared.ts`).
 * @module
 */
import type { ComputeDType, DType, TypedArray } from "../../dtype.ts";
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
  SearchsortedArgs,
  SgdUpdateOptions,
  Special2Op,
  SpecialOp,
  Storage,
  TriangularSolveArgs,
  UnaryOp,
} from "../backend.ts";
import { GpuContext } from "./context.ts";
import type { WebGPUStorage } from "./storage.ts";
import * as castOps from "./cast.ts";
import * as checksOps from "./checks.ts";
import * as convOps from "./conv.ts";
import * as copyOps from "./copy.ts";
import * as elementwiseOps from "./elementwise.ts";
import * as indexingOps from "./indexing.ts";
import * as lazyOps from "./lazy.ts";
import * as linalgOps from "./linalg.ts";
import * as decompOps from "./decomp.ts";
import * as ldlOps from "./ldl.ts";
import * as fftOps from "./fft.ts";
import * as lossOps from "./loss.ts";
import * as matmulOps from "./matmul.ts";
import * as optimOps from "./optim.ts";
import * as poolOps from "./pool.ts";
import * as reduceOps from "./reduce.ts";
import * as softmaxOps from "./softmax.ts";
import * as sortOps from "./sort.ts";
import * as opsMoreOps from "./ops_more.ts";
import * as specialOps from "./special.ts";
import * as scanOps from "./scans.ts";
import * as transferOps from "./transfer.ts";

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
   * The float32 matmul kernel: `"tiled"` (64 x 64 tiles, operand slices through workgroup memory,
   * for GPUs), `"tiled128"` (128 x 128 tiles of 256 invocations, vec4 workgroup memory: for large
   * products on large GPUs, not yet the default anywhere: `bench/webgpu_bench.ts` compares it on
   * hardware adapters) or `"direct"` (register blocks fed straight from the buffers, faster on
   * CPU-based adapters such as llvmpipe). `gpu.isAvailable()` picks by adapter; the default here
   * is `"tiled"`.
   */
  matmulKernel?: "tiled" | "tiled128" | "direct";
  /**
   * Whether float16 matrix products use the f16 kernels (operands packed as halves, products
   * accumulated in f32) on a device that has the `shader-f16` feature (default true; without
   * the feature they never do). False forces the float32 kernels, which compute the same values
   * from the operands converted to float32: tests compare the two paths.
   */
  f16?: boolean;
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
   * Replacement WGSL for kernels, by kernel name (e.g. `"unary"`; the names of `wgsl/`, see
   * `tools/build_wgsl.ts`), for kernel development and for tests of a kernel that does not
   * compile. The replacement's entry point is named after the kernel (`fn unary(`).
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
  /** The state and helpers the launcher files share (`context.ts`). */
  readonly #g: GpuContext;

  /** A backend running on `device` (normally made once by `gpu.isAvailable()`). */
  constructor(device: GPUDevice, options: WebGPUBackendOptions = {}) {
    this.gpu = device;
    this.#g = new GpuContext(this, device, options);
  }

  // ---- bookkeeping ----------------------------------------------------------------------------

  /**
   * Bytes of GPU buffers held by live storages (pool buckets, not element counts). Pending values
   * (see the module documentation) are computed first, so they count as the buffers they will take.
   */
  liveBytes(): number {
    if (this.#g.lost === null) lazyOps.flushLazy(this.#g);
    return this.#g.pool.liveBytes;
  }

  /** Bytes of free buffers the pool keeps for reuse. */
  pooledBytes(): number {
    return this.#g.pool.pooledBytes;
  }

  /** Buffers created and requests served from the pool (tests and benchmarks). */
  poolStats(): { created: number; reused: number } {
    return this.#g.pool.stats;
  }

  /**
   * Whether float16 matrix products run through the f16 kernels here (the device has
   * `shader-f16` and the `f16` option is not false); otherwise they run in float32.
   */
  get f16(): boolean {
    return this.#g.f16;
  }

  /** Number of compiled pipelines. */
  pipelineCount(): number {
    return this.#g.pipelines.size;
  }

  /** Keys (kernel name and template values) of the compiled pipelines (tests, CI checks). */
  pipelineKeys(): string[] {
    return this.#g.pipelines.keys();
  }

  /** Kernel name and template values of the compiled pipelines (`kernelSource` gives the WGSL). */
  pipelineSpecs(): { name: string; subs: Readonly<Record<string, string>> }[] {
    return this.#g.pipelines.specs();
  }

  /** Command buffers submitted so far (tests check that ops batch). */
  submitCount(): number {
    return this.#g.submits;
  }

  /**
   * Counters since the backend was made: compute dispatches encoded, bind groups created and
   * command buffers submitted (benchmarks report them per training step).
   */
  stats(): { dispatches: number; bindGroups: number; submits: number } {
    return {
      dispatches: this.#g.dispatchTotal,
      bindGroups: this.#g.bindGroupsCreated,
      submits: this.#g.submits,
    };
  }

  /**
   * When an array, the key (kernel name and template values) of every kernel dispatched from now
   * on is pushed to it; null (the default) records nothing. For tests and benchmarks.
   */
  get kernelTrace(): string[] | null {
    return this.#g.trace;
  }

  set kernelTrace(list: string[] | null) {
    this.#g.trace = list;
  }

  /** Destroys the pool's free buffers (live storages keep theirs). */
  trim(): void {
    this.#g.trim();
  }

  /** Called by gpu.ts when the device is lost: every later call throws with this reason. */
  markLost(reason: string): void {
    this.#g.markLost(reason);
  }

  /**
   * Computes every pending value and write and submits every encoded command now (this otherwise
   * happens at the next await or read).
   */
  flush(): void {
    this.#g.flush();
  }

  /** Waits until the GPU has finished everything submitted so far (flushes first). */
  sync(): Promise<void> {
    return this.#g.sync();
  }

  // ---- memory ----------------------------------------------------------------------------------

  fromTyped(data: TypedArray, dtype: DType): WebGPUStorage {
    return transferOps.fromTyped(this.#g, data, dtype);
  }

  full(dtype: DType, numel: number, value: number): WebGPUStorage {
    return transferOps.full(this.#g, dtype, numel, value);
  }

  /**
   * A storage of `numel` elements whose contents are unspecified (a pooled buffer as it was left):
   * for results that a kernel or `copy` overwrites entirely, it saves `full`'s clear.
   */
  empty(dtype: DType, numel: number): WebGPUStorage {
    return transferOps.empty(this.#g, dtype, numel);
  }

  readSync(s: Storage, _offset?: number, _count?: number): TypedArray {
    return transferOps.readSync(this.#g, s, _offset, _count);
  }

  read(s: Storage, offset?: number, count?: number): Promise<TypedArray> {
    return transferOps.read(this.#g, s, offset, count);
  }

  // ---- checks found on the device ---------------------------------------------------------------

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
    return checksOps.rangeGuard(this.#g, x, lo, hi, allow, message, dtype);
  }

  /** Makes `target` depend on the device checks `source` depends on (see {@link rangeGuard}). */
  adoptChecks(target: Storage, source: Storage): void {
    return checksOps.adoptChecks(this.#g, target, source);
  }

  // ---- lazy pointwise graphs (fusion.ts) --------------------------------------------------------

  /**
   * Runs `fn` with pending writes batched: inside, a storage with a pending write (an in-place
   * update such as an optimizer's) is read through its pending value, so every update of a step
   * stays pending and they run together, as one kernel per group of parameters, when a later op
   * needs one of them (a multi-tensor apply). Optimizers wrap their step in it.
   */
  batchWrites<T>(fn: () => T): T {
    return lazyOps.batchWrites(this.#g, fn);
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
    return copyOps.copy(this.#g, src, srcOffset, srcStrides, dst, dstOffset, dstStrides, shape);
  }

  cast(x: Storage, to: DType): WebGPUStorage {
    return castOps.cast(this.#g, x, to);
  }

  // ---- elementwise -----------------------------------------------------------------------------

  unary(op: UnaryOp, x: Storage): WebGPUStorage {
    return elementwiseOps.unary(this.#g, op, x);
  }

  binary(op: BinaryOp, a: Operand, b: Operand, numel: number, computeDType: ComputeDType): WebGPUStorage {
    return elementwiseOps.binary(this.#g, op, a, b, numel, computeDType);
  }

  where(cond: Storage, a: Storage, b: Storage): WebGPUStorage {
    return elementwiseOps.where(this.#g, cond, a, b);
  }

  // ---- reductions ------------------------------------------------------------------------------

  reduce(op: ReduceOp, x: Storage, outer: number, len: number, inner: number): WebGPUStorage {
    return reduceOps.reduce(this.#g, op, x, outer, len, inner);
  }

  cumsum(x: Storage, outer: number, len: number, inner: number): WebGPUStorage {
    return reduceOps.cumsum(this.#g, x, outer, len, inner);
  }

  cumprod(x: Storage, outer: number, len: number, inner: number): WebGPUStorage {
    return reduceOps.cumprod(this.#g, x, outer, len, inner);
  }

  /** See `Backend.cumExtremeIndices` (wgsl/scans.wgsl). */
  cumExtremeIndices(x: Storage, outer: number, len: number, inner: number, max: boolean): WebGPUStorage {
    return scanOps.cumExtremeIndices(this.#g, x, outer, len, inner, max);
  }

  /** See `Backend.logcumsumexp` (wgsl/scans.wgsl). */
  logcumsumexp(x: Storage, outer: number, len: number, inner: number): WebGPUStorage {
    return scanOps.logcumsumexp(this.#g, x, outer, len, inner);
  }

  argsort(x: Storage, rows: number, len: number, descending: boolean): WebGPUStorage {
    return sortOps.argsort(this.#g, x, rows, len, descending);
  }

  nanToNum(x: Storage, nan: number, posinf: number, neginf: number): WebGPUStorage {
    return opsMoreOps.nanToNum(this.#g, x, nan, posinf, neginf);
  }

  special(op: SpecialOp, x: Storage, order: number): WebGPUStorage {
    return specialOps.special(this.#g, op, x, order);
  }

  special2(op: Special2Op, a: Storage, b: Storage): WebGPUStorage {
    return specialOps.special2(this.#g, op, a, b);
  }

  searchsorted(seq: Storage, values: Storage, args: SearchsortedArgs): WebGPUStorage {
    return opsMoreOps.searchsorted(this.#g, seq, values, args);
  }

  softmax(x: Storage, rows: number, cols: number, log: boolean): WebGPUStorage {
    return softmaxOps.softmax(this.#g, x, rows, cols, log);
  }

  // ---- batched LU solves ---------------------------------------------------------------------------

  /** See `Backend.luSolve` (float32; X of a singular matrix is NaN). */
  luSolve(a: Storage, rhs: Storage | "identity" | null, args: LuSolveArgs): LuSolveResult {
    return linalgOps.luSolve(this.#g, a, rhs, args);
  }

  /** See `Backend.cholesky` (float32; the factor of a matrix that is not positive-definite is NaN). */
  cholesky(a: Storage, batch: number, n: number): { l: WebGPUStorage; info: WebGPUStorage } {
    return linalgOps.cholesky(this.#g, a, batch, n);
  }

  /** See `Backend.triangularSolve` (float32). */
  triangularSolve(a: Storage, b: Storage, args: TriangularSolveArgs): WebGPUStorage {
    return linalgOps.triangularSolve(this.#g, a, b, args);
  }

  // ---- matrix decompositions (wgsl/decomp.wgsl) ----

  /** See `Backend.geqrf` (float32). */
  geqrf(a: Storage, args: DecompArgs): { h: WebGPUStorage; tau: WebGPUStorage } {
    return decompOps.geqrf(this.#g, a, args);
  }

  /** See `Backend.orgqr` (float32). */
  orgqr(h: Storage, tau: Storage, args: DecompArgs & { cols: number }): WebGPUStorage {
    return decompOps.orgqr(this.#g, h, tau, args);
  }

  /** See `Backend.eighJacobi` (float32, a fixed number of sweeps). */
  eighJacobi(a: Storage, args: DecompArgs): { w: WebGPUStorage; v: WebGPUStorage } {
    return decompOps.eighJacobi(this.#g, a, args);
  }

  /** See `Backend.svdJacobi` (float32, a fixed number of sweeps). */
  svdJacobi(a: Storage, args: DecompArgs): { b: WebGPUStorage; v: WebGPUStorage } {
    return decompOps.svdJacobi(this.#g, a, args);
  }

  /** See `Backend.getrf`. */
  getrf(a: Storage, args: DecompArgs): { lu: WebGPUStorage; pivots: WebGPUStorage; info: WebGPUStorage } {
    return decompOps.getrf(this.#g, a, args);
  }

  /** See `Backend.sytrf` (float32, one dispatch per column). */
  sytrf(a: Storage, args: DecompArgs): { ld: WebGPUStorage; pivots: WebGPUStorage; info: WebGPUStorage } {
    return ldlOps.sytrf(this.#g, a, args);
  }

  /** See `Backend.sytrs` (float32, one invocation per right-hand side). */
  sytrs(ld: Storage, pivots: Storage, b: Storage, args: LdlSolveArgs): WebGPUStorage {
    return ldlOps.sytrs(this.#g, ld, pivots, b, args);
  }

  /** See `Backend.fft` (float32). */
  fft(x: Storage, args: FftArgs): WebGPUStorage {
    return fftOps.fft(this.#g, x, args);
  }

  /** See `Backend.complexMul` (the FFT's chirp-product kernel over one row). */
  complexMul(a: Storage, b: Storage, n: number, conjB: boolean): WebGPUStorage {
    return fftOps.complexMul(this.#g, a, b, n, conjB);
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
    return lossOps.crossEntropy(this.#g, x, target, rows, cols, ignoreIndex, message);
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
    return lossOps.crossEntropyBackward(this.#g, logp, target, g, rows, cols, ignoreIndex);
  }

  // ---- matmul ----------------------------------------------------------------------------------

  matmul(a: Storage, b: Storage, args: MatmulArgs): WebGPUStorage {
    return matmulOps.matmul(this.#g, a, b, args);
  }

  // ---- gather / scatter ------------------------------------------------------------------------

  gather(
    x: Storage,
    index: Storage,
    outer: number,
    len: number,
    inner: number,
    idxLen: number,
    indexIs1d: boolean,
  ): WebGPUStorage {
    return indexingOps.gather(this.#g, x, index, outer, len, inner, idxLen, indexIs1d);
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
    return indexingOps.scatterAdd(this.#g, src, index, outer, len, inner, idxLen, indexIs1d);
  }

  // ---- convolution and pooling -----------------------------------------------------------------

  im2col(x: Storage, geom: Conv2dGeometry): WebGPUStorage {
    return convOps.im2col(this.#g, x, geom);
  }

  col2im(cols: Storage, geom: Conv2dGeometry): WebGPUStorage {
    return convOps.col2im(this.#g, cols, geom);
  }

  maxPool2d(x: Storage, geom: Pool2dGeometry): { values: WebGPUStorage; indices: WebGPUStorage } {
    return poolOps.maxPool2d(this.#g, x, geom);
  }

  avgPool2d(x: Storage, geom: Pool2dGeometry, opts: AvgPoolOptions): WebGPUStorage {
    return poolOps.avgPool2d(this.#g, x, geom, opts);
  }

  avgPool2dBackward(grad: Storage, geom: Pool2dGeometry, opts: AvgPoolOptions): WebGPUStorage {
    return poolOps.avgPool2dBackward(this.#g, grad, geom, opts);
  }

  // ---- fused optimizer steps ------------------------------------------------------------------

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
    return optimOps.adamUpdate(this.#g, param, grad, expAvg, expAvgSq, maxExpAvgSq, o);
  }

  /**
   * One SGD step in place on `param` (and `momentumBuffer` when momentum is not 0), computing
   * exactly what `src/optim/sgd.ts` computes with tensor ops, as pending writes (see
   * {@link adamUpdate}).
   */
  sgdUpdate(param: Storage, grad: Storage, momentumBuffer: Storage | null, o: SgdUpdateOptions): void {
    return optimOps.sgdUpdate(this.#g, param, grad, momentumBuffer, o);
  }
}
