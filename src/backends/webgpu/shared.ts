/**
 * What the GPU backend's files share: loop and batch budgets, buffer usages, workgroup and chunk
 * sizes, limits of the fused kernels, and small helpers.
 * @module
 */
import { checkDeviceDType, type DType } from "../../dtype.ts";
import { checkCompute } from "../contract.ts";
import type { PoolEntry } from "./buffer_pool.ts";
import type { GpuComputeDType } from "./pipelines.ts";
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
/** Bind groups kept for reuse (the cache starts over when it is full). */
export const MAX_BIND_GROUPS = 4096;
/**
 * Limits of one pointwise graph (fusion.ts): nodes, uniform words and input buffers of a pending
 * value (larger graphs compute an input first), storage buffers of a generated kernel, uniform
 * words of the fused kernel and of a matmul epilogue (their `Params.e`), pending storages kept.
 */
export const MAX_FUSED_NODES = 32;
export const MAX_FUSED_WORDS = 24;
export const MAX_FUSED_LEAVES = 6;
export const MAX_FUSED_BUFFERS = 16;
export const FUSED_WORDS = 60;
export const EPILOGUE_WORDS = 48;
export const MAX_PENDING = 1024;
/** Invocations per workgroup of the 1-d kernels. */
export const WG = 256;
/** int32 storages up to this many elements keep a host copy for synchronous index checks. */
export const HOST_INDEX_LIMIT = 1 << 18;
/**
 * Reduction chunks: elements per invocation of the row kernel, elements of the column kernel
 * (both far within the loop budget; a lower test budget lowers the column chunk).
 */
export const ROW_CHUNK_PER_INVOCATION = 16;
export const COL_CHUNK = 256;
/** Scan chunk (elements one invocation prefix-sums serially; at most the loop budget). */
export const SCAN_CHUNK = 256;

export const STORAGE_USAGE = 0x80 | 0x4 | 0x8; // STORAGE | COPY_SRC | COPY_DST
export const STAGING_USAGE = 0x1 | 0x8; // MAP_READ | COPY_DST
export const UNIFORM_USAGE = 0x40 | 0x8; // UNIFORM | COPY_DST
export const MAP_READ = 0x1;

/** A compute dtype of a gpu kernel (float64 never reaches the gpu: WGSL has no f64). */
export function gpuCompute(op: string, dtype: DType): GpuComputeDType {
  const d = checkCompute(op, dtype);
  if (d === "float64") checkDeviceDType(op, d, "gpu");
  return d as GpuComputeDType;
}

export interface Binding {
  binding: number;
  entry: PoolEntry;
}

export function ceilDiv(a: number, b: number): number {
  return Math.floor((a + b - 1) / b);
}
