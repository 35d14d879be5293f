/**
 * The GPU backend's reductions, arg-reductions and scans (kernels in wgsl/reduce.wgsl).
 * Free functions of the backend's {@link GpuContext}.
 * @module
 */
import type { ReduceOp, Storage } from "../backend.ts";
import { reduceContract, scanContract } from "../contract.ts";
import type { GpuContext } from "./context.ts";
import type { PoolEntry } from "./buffer_pool.ts";
import { ARG_EXPR, type GpuComputeDType, REDUCE_EXPR, WGSL_TYPE, wgslSnippet } from "./pipelines.ts";
import { type Binding, ceilDiv, ROW_CHUNK_PER_INVOCATION, SCAN_CHUNK } from "./shared.ts";
import type { WebGPUStorage } from "./storage.ts";
import * as checksOps from "./checks.ts";
import * as dispatchOps from "./dispatch.ts";

export function reduce(
  ctx: GpuContext,
  op: ReduceOp,
  x: Storage,
  outer: number,
  len: number,
  inner: number,
): WebGPUStorage {
  return checksOps.inherit(reduceImpl(ctx, op, x, outer, len, inner), x);
}

export function reduceImpl(
  ctx: GpuContext,
  op: ReduceOp,
  x: Storage,
  outer: number,
  len: number,
  inner: number,
): WebGPUStorage {
  const s = ctx.storage(op, x);
  const { dtype: outDtype, numel: n } = reduceContract(op, s, outer, len, inner);
  const dtype = s.dtype as GpuComputeDType; // a gpu storage is never float64
  const isArg = op === "argmax" || op === "argmin";
  if (n === 0) return ctx.alloc(outDtype, 0);
  if (len === 0) return ctx.backend.full(dtype, n, op === "sum" ? 0 : 1);
  if (isArg) return argReduce(ctx, op, dtype, s, outer, len, inner);
  const T = WGSL_TYPE[dtype];
  const { ident, combine } = REDUCE_EXPR[dtype][op as "sum" | "prod" | "max" | "min"];
  let cur = ctx.entryOf(s);
  let curIsInput = true;
  let L = len;
  for (;;) {
    const rows = useRows(ctx, outer, L, inner);
    const chunk = rows ? ROW_CHUNK_PER_INVOCATION * ctx.wg : ctx.colChunk;
    const nChunks = ceilDiv(L, chunk);
    const last = nChunks === 1;
    const outStorage = last ? ctx.alloc(dtype, n) : null;
    const out = outStorage ? ctx.entryOf(outStorage) : ctx.temp(outer * nChunks * inner);
    const base = dispatchOps.paramWords(ctx);
    const u = ctx.u32;
    u[base] = outer;
    u[base + 1] = L;
    u[base + 2] = chunk;
    u[base + 3] = nChunks;
    u[base + 4] = inner;
    const k = ctx.pipelines.get(rows ? "reduce_rows" : "reduce_cols", {
      T,
      IDENT: ident,
      COMBINE: combine,
      WG: String(ctx.wg),
    });
    const bindings = [{ binding: 1, entry: cur }, { binding: 2, entry: out }];
    if (rows) {
      const [gx, gy] = dispatchOps.grid(ctx, outer * nChunks);
      dispatchOps.dispatch(ctx, k, base, bindings, gx, gy);
    } else {
      dispatchOps.run1d(ctx, k, base, bindings, outer * nChunks * inner);
    }
    if (!curIsInput) ctx.release(cur);
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
function useRows(ctx: GpuContext, outer: number, len: number, inner: number): boolean {
  if (inner !== 1 || len < 2 * ctx.wg) return false;
  if (ctx.cpuTuned) return outer * ceilDiv(len, ctx.colChunk) < 256;
  return true;
}

function argReduce(
  ctx: GpuContext,
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
  let curV = ctx.entryOf(s);
  let curI: PoolEntry | null = null;
  let L = len;
  for (;;) {
    const rows = useRows(ctx, outer, L, inner);
    const chunk = rows ? ROW_CHUNK_PER_INVOCATION * ctx.wg : ctx.colChunk;
    const nChunks = ceilDiv(L, chunk);
    const last = nChunks === 1;
    const outV = ctx.temp(outer * nChunks * inner);
    const outStorage = last ? ctx.alloc("int32", n) : null;
    const outI = outStorage ? ctx.entryOf(outStorage) : ctx.temp(outer * nChunks * inner);
    const base = dispatchOps.paramWords(ctx);
    const u = ctx.u32;
    u[base] = outer;
    u[base + 1] = L;
    u[base + 2] = chunk;
    u[base + 3] = nChunks;
    u[base + 4] = inner;
    const k = ctx.pipelines.get(rows ? "argreduce_rows" : "argreduce_cols", {
      T,
      IDENT: ident,
      BEATS: beats,
      DECL_XI: curI ? wgslSnippet("reduce.decl_xi") : "",
      LOAD_IDX: wgslSnippet(curI ? "reduce.load_idx_xi" : "reduce.load_idx_j"),
      WG: String(ctx.wg),
    });
    const bindings: Binding[] = [
      { binding: 1, entry: curV },
      { binding: 3, entry: outV },
      { binding: 4, entry: outI },
    ];
    if (curI) bindings.push({ binding: 2, entry: curI });
    if (rows) {
      const [gx, gy] = dispatchOps.grid(ctx, outer * nChunks);
      dispatchOps.dispatch(ctx, k, base, bindings, gx, gy);
    } else {
      dispatchOps.run1d(ctx, k, base, bindings, outer * nChunks * inner);
    }
    if (curI) {
      ctx.release(curI);
      ctx.release(curV);
    }
    if (outStorage) {
      ctx.release(outV);
      return outStorage;
    }
    curV = outV;
    curI = outI;
    L = nChunks;
  }
}

export function cumsum(
  ctx: GpuContext,
  x: Storage,
  outer: number,
  len: number,
  inner: number,
): WebGPUStorage {
  return checksOps.inherit(cumsumImpl(ctx, x, outer, len, inner), x);
}

function cumsumImpl(ctx: GpuContext, x: Storage, outer: number, len: number, inner: number): WebGPUStorage {
  const s = ctx.storage("cumsum", x);
  const { numel, ...d } = scanContract("cumsum", s, outer, len, inner);
  const dtype = d.dtype as GpuComputeDType; // a gpu storage is never float64
  const out = ctx.alloc(dtype, numel);
  if (s.numel === 0) return out;
  scan(ctx, dtype, ctx.entryOf(s), ctx.entryOf(out), outer, len, inner);
  return out;
}

export function cumprod(
  ctx: GpuContext,
  x: Storage,
  outer: number,
  len: number,
  inner: number,
): WebGPUStorage {
  const s = ctx.storage("cumprod", x);
  const { numel, ...d } = scanContract("cumprod", s, outer, len, inner);
  const dtype = d.dtype as GpuComputeDType; // a gpu storage is never float64
  const out = ctx.alloc(dtype, numel);
  if (s.numel > 0) scan(ctx, dtype, ctx.entryOf(s), ctx.entryOf(out), outer, len, inner, true);
  return checksOps.inherit(out, s);
}

/**
 * Inclusive scan of `x` into `y` along the middle axis (chunked, recursive over chunk totals):
 * sums, or products with `prod` (the `cumprod`/`cumprod_carry` kernels).
 */
function scan(
  ctx: GpuContext,
  dtype: GpuComputeDType,
  x: PoolEntry,
  y: PoolEntry,
  outer: number,
  len: number,
  inner: number,
  prod = false,
): void {
  const T = WGSL_TYPE[dtype];
  const scanChunk = Math.min(SCAN_CHUNK, ctx.loopBudget);
  const nChunks = ceilDiv(len, scanChunk);
  const multi = nChunks > 1;
  const totals = multi ? ctx.temp(outer * nChunks * inner) : null;
  const params = (base: number) => {
    const u = ctx.u32;
    u[base] = outer;
    u[base + 1] = len;
    u[base + 2] = scanChunk;
    u[base + 3] = nChunks;
    u[base + 4] = inner;
  };
  let base = dispatchOps.paramWords(ctx);
  params(base);
  const k = ctx.pipelines.get(prod ? "cumprod" : "cumsum", {
    T,
    DECL_TOTALS: multi ? wgslSnippet("reduce.decl_totals", { T }) : "",
    STORE_TOTAL: multi ? wgslSnippet("reduce.store_total") : "",
  });
  const bindings: Binding[] = [{ binding: 1, entry: x }, { binding: 2, entry: y }];
  if (totals) bindings.push({ binding: 3, entry: totals });
  dispatchOps.run1d(ctx, k, base, bindings, outer * nChunks * inner);
  if (!totals) return;
  const carry = ctx.temp(outer * nChunks * inner);
  scan(ctx, dtype, totals, carry, outer, nChunks, inner, prod);
  base = dispatchOps.paramWords(ctx);
  params(base);
  dispatchOps.run1d(ctx, ctx.pipelines.get(prod ? "cumprod_carry" : "cumsum_carry", { T }), base, [
    { binding: 1, entry: carry },
    { binding: 2, entry: y },
  ], outer * len * inner);
  ctx.release(totals);
  ctx.release(carry);
}
