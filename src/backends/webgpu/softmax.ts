/**
 * The GPU backend's softmax and log-softmax launchers (kernels in wgsl/softmax.wgsl).
 * Free functions of the backend's {@link GpuContext}.
 * @module
 */
import type { Storage } from "../backend.ts";
import { softmaxContract } from "../contract.ts";
import type { GpuContext } from "./context.ts";
import { ceilDiv } from "./shared.ts";
import type { WebGPUStorage } from "./storage.ts";
import * as checksOps from "./checks.ts";
import * as dispatchOps from "./dispatch.ts";

export function softmax(
  ctx: GpuContext,
  x: Storage,
  rows: number,
  cols: number,
  log: boolean,
): WebGPUStorage {
  return checksOps.inherit(softmaxImpl(ctx, x, rows, cols, log), x);
}

export function softmaxImpl(
  ctx: GpuContext,
  x: Storage,
  rows: number,
  cols: number,
  log: boolean,
): WebGPUStorage {
  const name = log ? "logSoftmax" : "softmax";
  const s = ctx.storage(name, x);
  const { dtype, numel } = softmaxContract(s, rows, cols, log);
  const out = ctx.alloc(dtype, numel); // float32 (a gpu storage is never float64)
  if (s.numel === 0) return out;
  const wg = ctx.wg;
  // Loop iterations per invocation: `softmax_small` loops three times over a row; `softmax` three times
  // over a row's 1 / wg, plus two tree reductions.
  const fitsSmall = 3 * cols <= ctx.loopBudget;
  const fitsRows = 3 * ceilDiv(cols, wg) + 2 * Math.log2(wg) <= ctx.loopBudget;
  if (!fitsRows && !fitsSmall) {
    softmaxLong(ctx, s, out, rows, cols, log);
    return out;
  }
  const base = dispatchOps.paramWords(ctx);
  ctx.u32[base] = rows;
  ctx.u32[base + 1] = cols;
  ctx.u32[base + 2] = log ? 1 : 0;
  const bindings = [{ binding: 1, entry: ctx.entryOf(s) }, { binding: 2, entry: ctx.entryOf(out) }];
  const preferRows = ctx.cpuTuned ? rows < 128 : cols > 64 || rows <= 256;
  if (fitsRows && (preferRows || !fitsSmall)) {
    const [gx, gy] = dispatchOps.grid(ctx, rows);
    dispatchOps.dispatch(ctx, ctx.pipelines.get("softmax", { WG: String(wg) }), base, bindings, gx, gy);
  } else {
    dispatchOps.run1d(ctx, ctx.pipelines.get("softmax_small"), base, bindings, rows);
  }
  return out;
}

/** Softmax of rows too long for one invocation's loop budget (see wgsl/softmax.wgsl). */
function softmaxLong(
  ctx: GpuContext,
  s: WebGPUStorage,
  out: WebGPUStorage,
  rows: number,
  cols: number,
  log: boolean,
): void {
  const wg = ctx.wg;
  const maxima = ctx.backend.reduce("max", s, rows, cols, 1);
  const chunk = wg * Math.floor((ctx.loopBudget - 2 * Math.log2(wg)) / 2);
  const nChunks = ceilDiv(cols, chunk);
  const partial = ctx.alloc("float32", rows * nChunks);
  let base = dispatchOps.paramWords(ctx);
  ctx.u32.set([rows, cols, chunk, nChunks], base);
  const [gx, gy] = dispatchOps.grid(ctx, rows * nChunks);
  dispatchOps.dispatch(
    ctx,
    ctx.pipelines.get("softmax_exp_sum", { WG: String(wg) }),
    base,
    [
      { binding: 1, entry: ctx.entryOf(s) },
      { binding: 2, entry: ctx.entryOf(maxima) },
      { binding: 3, entry: ctx.entryOf(partial) },
    ],
    gx,
    gy,
  );
  const sums = ctx.backend.reduce("sum", partial, rows, nChunks, 1);
  base = dispatchOps.paramWords(ctx);
  ctx.u32.set([rows * cols, cols, log ? 1 : 0], base);
  dispatchOps.run1d(ctx, ctx.pipelines.get("softmax_write"), base, [
    { binding: 1, entry: ctx.entryOf(s) },
    { binding: 2, entry: ctx.entryOf(maxima) },
    { binding: 3, entry: ctx.entryOf(sums) },
    { binding: 4, entry: ctx.entryOf(out) },
  ], rows * cols);
  maxima.dispose();
  partial.dispose();
  sums.dispose();
}
