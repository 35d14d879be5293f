/**
 * The GPU backend's reductions, arg-reductions and scans (kernels in wgsl/reduce.wgsl).
 * Free functions of the {@link WebGPUBackend} they are called on.
 * @module
 */
import { REDUCE_OPS, type ReduceOp, type Storage } from "../backend.ts";
import { checkLayout, checkReducible } from "../validate.ts";
import type { WebGPUBackend } from "./backend.ts";
import type { PoolEntry } from "./buffer_pool.ts";
import { ARG_EXPR, type GpuComputeDType, REDUCE_EXPR, WGSL_TYPE, wgslSnippet } from "./pipelines.ts";
import { type Binding, ceilDiv, gpuCompute, ROW_CHUNK_PER_INVOCATION, SCAN_CHUNK } from "./shared.ts";
import type { WebGPUStorage } from "./storage.ts";
import * as checksOps from "./checks.ts";
import * as dispatchOps from "./dispatch.ts";

export function reduce(
  be: WebGPUBackend,
  op: ReduceOp,
  x: Storage,
  outer: number,
  len: number,
  inner: number,
): WebGPUStorage {
  return checksOps.inherit(reduceImpl(be, op, x, outer, len, inner), x);
}

export function reduceImpl(
  be: WebGPUBackend,
  op: ReduceOp,
  x: Storage,
  outer: number,
  len: number,
  inner: number,
): WebGPUStorage {
  const s = be._storage(op, x);
  const dtype = gpuCompute(op, s.dtype);
  if (!(REDUCE_OPS as readonly string[]).includes(op)) {
    throw new TypeError(`reduce: unknown op ${JSON.stringify(op)}`);
  }
  checkLayout(op, s.numel, outer, len, inner);
  const isArg = op === "argmax" || op === "argmin";
  const outDtype: GpuComputeDType = isArg ? "int32" : dtype;
  const n = outer * inner;
  if (n === 0) return be._alloc(outDtype, 0);
  checkReducible(op, len);
  if (len === 0) return be.full(dtype, n, op === "sum" ? 0 : 1);
  if (isArg) return argReduce(be, op, dtype, s, outer, len, inner);
  const T = WGSL_TYPE[dtype];
  const { ident, combine } = REDUCE_EXPR[dtype][op as "sum" | "prod" | "max" | "min"];
  let cur = be._entryOf(s);
  let curIsInput = true;
  let L = len;
  for (;;) {
    const rows = useRows(be, outer, L, inner);
    const chunk = rows ? ROW_CHUNK_PER_INVOCATION * be._wg : be._colChunk;
    const nChunks = ceilDiv(L, chunk);
    const last = nChunks === 1;
    const outStorage = last ? be._alloc(dtype, n) : null;
    const out = outStorage ? be._entryOf(outStorage) : be._temp(outer * nChunks * inner);
    const base = dispatchOps.paramWords(be);
    const u = be._u32;
    u[base] = outer;
    u[base + 1] = L;
    u[base + 2] = chunk;
    u[base + 3] = nChunks;
    u[base + 4] = inner;
    const k = be._pipelines.get(rows ? "reduce_rows" : "reduce_cols", {
      T,
      IDENT: ident,
      COMBINE: combine,
      WG: String(be._wg),
    });
    const bindings = [{ binding: 1, entry: cur }, { binding: 2, entry: out }];
    if (rows) {
      const [gx, gy] = dispatchOps.grid(be, outer * nChunks);
      dispatchOps.dispatch(be, k, base, bindings, gx, gy);
    } else {
      dispatchOps.run1d(be, k, base, bindings, outer * nChunks * inner);
    }
    if (!curIsInput) be._release(cur);
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
function useRows(be: WebGPUBackend, outer: number, len: number, inner: number): boolean {
  if (inner !== 1 || len < 2 * be._wg) return false;
  if (be._cpuTuned) return outer * ceilDiv(len, be._colChunk) < 256;
  return true;
}

function argReduce(
  be: WebGPUBackend,
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
  let curV = be._entryOf(s);
  let curI: PoolEntry | null = null;
  let L = len;
  for (;;) {
    const rows = useRows(be, outer, L, inner);
    const chunk = rows ? ROW_CHUNK_PER_INVOCATION * be._wg : be._colChunk;
    const nChunks = ceilDiv(L, chunk);
    const last = nChunks === 1;
    const outV = be._temp(outer * nChunks * inner);
    const outStorage = last ? be._alloc("int32", n) : null;
    const outI = outStorage ? be._entryOf(outStorage) : be._temp(outer * nChunks * inner);
    const base = dispatchOps.paramWords(be);
    const u = be._u32;
    u[base] = outer;
    u[base + 1] = L;
    u[base + 2] = chunk;
    u[base + 3] = nChunks;
    u[base + 4] = inner;
    const k = be._pipelines.get(rows ? "argreduce_rows" : "argreduce_cols", {
      T,
      IDENT: ident,
      BEATS: beats,
      DECL_XI: curI ? wgslSnippet("reduce.decl_xi") : "",
      LOAD_IDX: wgslSnippet(curI ? "reduce.load_idx_xi" : "reduce.load_idx_j"),
      WG: String(be._wg),
    });
    const bindings: Binding[] = [
      { binding: 1, entry: curV },
      { binding: 3, entry: outV },
      { binding: 4, entry: outI },
    ];
    if (curI) bindings.push({ binding: 2, entry: curI });
    if (rows) {
      const [gx, gy] = dispatchOps.grid(be, outer * nChunks);
      dispatchOps.dispatch(be, k, base, bindings, gx, gy);
    } else {
      dispatchOps.run1d(be, k, base, bindings, outer * nChunks * inner);
    }
    if (curI) {
      be._release(curI);
      be._release(curV);
    }
    if (outStorage) {
      be._release(outV);
      return outStorage;
    }
    curV = outV;
    curI = outI;
    L = nChunks;
  }
}

export function cumsum(
  be: WebGPUBackend,
  x: Storage,
  outer: number,
  len: number,
  inner: number,
): WebGPUStorage {
  return checksOps.inherit(cumsumImpl(be, x, outer, len, inner), x);
}

function cumsumImpl(be: WebGPUBackend, x: Storage, outer: number, len: number, inner: number): WebGPUStorage {
  const s = be._storage("cumsum", x);
  const dtype = gpuCompute("cumsum", s.dtype);
  checkLayout("cumsum", s.numel, outer, len, inner);
  const out = be._alloc(dtype, s.numel);
  if (s.numel === 0) return out;
  scan(be, dtype, be._entryOf(s), be._entryOf(out), outer, len, inner);
  return out;
}

export function cumprod(
  be: WebGPUBackend,
  x: Storage,
  outer: number,
  len: number,
  inner: number,
): WebGPUStorage {
  const s = be._storage("cumprod", x);
  const dtype = gpuCompute("cumprod", s.dtype);
  checkLayout("cumprod", s.numel, outer, len, inner);
  const out = be._alloc(dtype, s.numel);
  if (s.numel > 0) scan(be, dtype, be._entryOf(s), be._entryOf(out), outer, len, inner, true);
  return checksOps.inherit(out, s);
}

/**
 * Inclusive scan of `x` into `y` along the middle axis (chunked, recursive over chunk totals):
 * sums, or products with `prod` (the `cumprod`/`cumprod_carry` kernels).
 */
function scan(
  be: WebGPUBackend,
  dtype: GpuComputeDType,
  x: PoolEntry,
  y: PoolEntry,
  outer: number,
  len: number,
  inner: number,
  prod = false,
): void {
  const T = WGSL_TYPE[dtype];
  const scanChunk = Math.min(SCAN_CHUNK, be._loopBudget);
  const nChunks = ceilDiv(len, scanChunk);
  const multi = nChunks > 1;
  const totals = multi ? be._temp(outer * nChunks * inner) : null;
  const params = (base: number) => {
    const u = be._u32;
    u[base] = outer;
    u[base + 1] = len;
    u[base + 2] = scanChunk;
    u[base + 3] = nChunks;
    u[base + 4] = inner;
  };
  let base = dispatchOps.paramWords(be);
  params(base);
  const k = be._pipelines.get(prod ? "cumprod" : "cumsum", {
    T,
    DECL_TOTALS: multi ? wgslSnippet("reduce.decl_totals", { T }) : "",
    STORE_TOTAL: multi ? wgslSnippet("reduce.store_total") : "",
  });
  const bindings: Binding[] = [{ binding: 1, entry: x }, { binding: 2, entry: y }];
  if (totals) bindings.push({ binding: 3, entry: totals });
  dispatchOps.run1d(be, k, base, bindings, outer * nChunks * inner);
  if (!totals) return;
  const carry = be._temp(outer * nChunks * inner);
  scan(be, dtype, totals, carry, outer, nChunks, inner, prod);
  base = dispatchOps.paramWords(be);
  params(base);
  dispatchOps.run1d(be, be._pipelines.get(prod ? "cumprod_carry" : "cumsum_carry", { T }), base, [
    { binding: 1, entry: carry },
    { binding: 2, entry: y },
  ], outer * len * inner);
  be._release(totals);
  be._release(carry);
}
