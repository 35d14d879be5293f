/**
 * The GPU backend's argsort launcher (kernels in wgsl/sort.wgsl).
 * Free functions of the backend's {@link GpuContext}.
 * @module
 */
import type { Storage } from "../backend.ts";
import { argsortContract } from "../contract.ts";
import type { GpuContext } from "./context.ts";
import { type GpuComputeDType, WGSL_TYPE } from "./pipelines.ts";
import type { WebGPUStorage } from "./storage.ts";
import * as checksOps from "./checks.ts";
import * as dispatchOps from "./dispatch.ts";

export function argsort(
  ctx: GpuContext,
  x: Storage,
  rows: number,
  len: number,
  descending: boolean,
): WebGPUStorage {
  return checksOps.inherit(argsortImpl(ctx, x, rows, len, descending), x);
}

function argsortImpl(
  ctx: GpuContext,
  x: Storage,
  rows: number,
  len: number,
  descending: boolean,
): WebGPUStorage {
  const s = ctx.storage("argsort", x);
  argsortContract(s, rows, len);
  const dtype = s.dtype as GpuComputeDType; // a gpu storage is never float64
  const out = ctx.alloc("int32", s.numel);
  if (s.numel === 0) return out;
  // A bitonic network over rows padded to a power of two (wgsl/sort.wgsl).
  const padded = 2 ** Math.ceil(Math.log2(Math.max(len, 1)));
  const total = rows * padded;
  if (total >= 2 ** 32) throw new RangeError(`argsort: ${rows} rows padded to ${padded} is too large`);
  const keys = ctx.temp(total), idx = ctx.temp(total);
  let base = dispatchOps.paramWords(ctx);
  ctx.u32.set([rows, len, padded, descending ? 1 : 0], base);
  const keyFn = dtype === "float32" ? "value_key" : "value_key_i";
  dispatchOps.run1d(ctx, ctx.pipelines.get("argsort_keys", { T: WGSL_TYPE[dtype], KEY: keyFn }), base, [
    { binding: 1, entry: ctx.entryOf(s) },
    { binding: 2, entry: keys },
    { binding: 3, entry: idx },
  ], total);
  const step = ctx.pipelines.get("argsort_step");
  for (let k = 2; k <= padded; k *= 2) {
    for (let j = k / 2; j >= 1; j /= 2) {
      base = dispatchOps.paramWords(ctx);
      ctx.u32.set([rows, padded, k, j], base);
      dispatchOps.run1d(ctx, step, base, [{ binding: 1, entry: keys }, { binding: 2, entry: idx }], total);
    }
  }
  base = dispatchOps.paramWords(ctx);
  ctx.u32.set([rows, len, padded], base);
  dispatchOps.run1d(ctx, ctx.pipelines.get("argsort_emit"), base, [
    { binding: 1, entry: idx },
    { binding: 2, entry: ctx.entryOf(out) },
  ], rows * len);
  ctx.release(keys);
  ctx.release(idx);
  return out;
}
