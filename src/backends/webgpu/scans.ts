/**
 * The GPU backend's cummax/cummin-index and logcumsumexp launchers (kernels in wgsl/scans.wgsl):
 * one invocation per column, the scanned axis in chunks of the loop budget, one dispatch per
 * chunk in order. Free functions of the backend's {@link GpuContext}.
 * @module
 */
import type { Storage } from "../backend.ts";
import { scanContract } from "../contract.ts";
import type { GpuContext } from "./context.ts";
import { type GpuComputeDType, type Kernel, WGSL_TYPE } from "./pipelines.ts";
import type { WebGPUStorage } from "./storage.ts";
import * as checksOps from "./checks.ts";
import * as dispatchOps from "./dispatch.ts";

/** Runs `k` over every column, `len` rows in chunks of the loop budget; `extra` fills word 5. */
function columns(
  ctx: GpuContext,
  k: Kernel,
  x: WebGPUStorage,
  out: WebGPUStorage,
  outer: number,
  len: number,
  inner: number,
  extra: number | null,
): void {
  const chunk = ctx.loopBudget;
  for (let start = 0; start < len; start += chunk) {
    const base = dispatchOps.paramWords(ctx);
    const u = ctx.u32;
    u[base] = outer * inner;
    u[base + 1] = len;
    u[base + 2] = inner;
    u[base + 3] = start;
    u[base + 4] = Math.min(len, start + chunk);
    if (extra !== null) u[base + 5] = extra;
    dispatchOps.run1d(ctx, k, base, [
      { binding: 1, entry: ctx.entryOf(x) },
      { binding: 2, entry: ctx.entryOf(out) },
    ], outer * inner);
  }
}

/** See `Backend.cumExtremeIndices`. */
export function cumExtremeIndices(
  ctx: GpuContext,
  x: Storage,
  outer: number,
  len: number,
  inner: number,
  max: boolean,
): WebGPUStorage {
  const s = ctx.storage("cumExtremeIndices", x);
  const { numel, ...d } = scanContract("cumExtremeIndices", s, outer, len, inner);
  const dtype = d.dtype as GpuComputeDType; // a gpu storage is never float64
  const out = ctx.alloc("int32", numel);
  if (numel === 0) return out;
  const floating = dtype === "float32";
  const k = ctx.pipelines.get("cumExtremeIndices", {
    T: WGSL_TYPE[dtype],
    NAN_V: floating ? "is_nan(v)" : "false",
    NAN_BEST: floating ? "is_nan(best)" : "false",
  });
  columns(ctx, k, s, out, outer, len, inner, max ? 1 : 0);
  return checksOps.inherit(out, s);
}

/** See `Backend.logcumsumexp`. */
export function logcumsumexp(
  ctx: GpuContext,
  x: Storage,
  outer: number,
  len: number,
  inner: number,
): WebGPUStorage {
  const s = ctx.storage("logcumsumexp", x);
  const { numel, dtype } = scanContract("logcumsumexp", s, outer, len, inner);
  if (dtype !== "float32") throw new TypeError(`logcumsumexp: expected float32, got ${dtype}`);
  const out = ctx.alloc("float32", numel);
  if (numel === 0) return out;
  columns(ctx, ctx.pipelines.get("logcumsumexp", {}), s, out, outer, len, inner, null);
  return checksOps.inherit(out, s);
}
