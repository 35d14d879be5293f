/**
 * The GPU backend's softmax and log-softmax launchers (kernels in wgsl/softmax.wgsl).
 * Free functions of the {@link WebGPUBackend} they are called on.
 * @module
 */
import type { Storage } from "../backend.ts";
import { checkRows } from "../validate.ts";
import type { WebGPUBackend } from "./backend.ts";
import { ceilDiv } from "./shared.ts";
import type { WebGPUStorage } from "./storage.ts";
import * as checksOps from "./checks.ts";
import * as dispatchOps from "./dispatch.ts";

export function softmax(
  be: WebGPUBackend,
  x: Storage,
  rows: number,
  cols: number,
  log: boolean,
): WebGPUStorage {
  return checksOps.inherit(softmaxImpl(be, x, rows, cols, log), x);
}

export function softmaxImpl(
  be: WebGPUBackend,
  x: Storage,
  rows: number,
  cols: number,
  log: boolean,
): WebGPUStorage {
  const name = log ? "logSoftmax" : "softmax";
  const s = be._storage(name, x);
  if (s.dtype !== "float32") throw new TypeError(`${name}: expected float32, got ${s.dtype}`);
  checkRows(name, rows, cols, s.numel);
  const out = be._alloc("float32", s.numel);
  if (s.numel === 0) return out;
  const wg = be._wg;
  // Loop iterations per invocation: `softmax_small` loops three times over a row; `softmax` three times
  // over a row's 1 / wg, plus two tree reductions.
  const fitsSmall = 3 * cols <= be._loopBudget;
  const fitsRows = 3 * ceilDiv(cols, wg) + 2 * Math.log2(wg) <= be._loopBudget;
  if (!fitsRows && !fitsSmall) {
    softmaxLong(be, s, out, rows, cols, log);
    return out;
  }
  const base = dispatchOps.paramWords(be);
  be._u32[base] = rows;
  be._u32[base + 1] = cols;
  be._u32[base + 2] = log ? 1 : 0;
  const bindings = [{ binding: 1, entry: be._entryOf(s) }, { binding: 2, entry: be._entryOf(out) }];
  const preferRows = be._cpuTuned ? rows < 128 : cols > 64 || rows <= 256;
  if (fitsRows && (preferRows || !fitsSmall)) {
    const [gx, gy] = dispatchOps.grid(be, rows);
    dispatchOps.dispatch(be, be._pipelines.get("softmax", { WG: String(wg) }), base, bindings, gx, gy);
  } else {
    dispatchOps.run1d(be, be._pipelines.get("softmax_small"), base, bindings, rows);
  }
  return out;
}

/** Softmax of rows too long for one invocation's loop budget (see wgsl/softmax.wgsl). */
function softmaxLong(
  be: WebGPUBackend,
  s: WebGPUStorage,
  out: WebGPUStorage,
  rows: number,
  cols: number,
  log: boolean,
): void {
  const wg = be._wg;
  const maxima = be.reduce("max", s, rows, cols, 1);
  const chunk = wg * Math.floor((be._loopBudget - 2 * Math.log2(wg)) / 2);
  const nChunks = ceilDiv(cols, chunk);
  const partial = be._alloc("float32", rows * nChunks);
  let base = dispatchOps.paramWords(be);
  be._u32.set([rows, cols, chunk, nChunks], base);
  const [gx, gy] = dispatchOps.grid(be, rows * nChunks);
  dispatchOps.dispatch(
    be,
    be._pipelines.get("softmax_exp_sum", { WG: String(wg) }),
    base,
    [
      { binding: 1, entry: be._entryOf(s) },
      { binding: 2, entry: be._entryOf(maxima) },
      { binding: 3, entry: be._entryOf(partial) },
    ],
    gx,
    gy,
  );
  const sums = be.reduce("sum", partial, rows, nChunks, 1);
  base = dispatchOps.paramWords(be);
  be._u32.set([rows * cols, cols, log ? 1 : 0], base);
  dispatchOps.run1d(be, be._pipelines.get("softmax_write"), base, [
    { binding: 1, entry: be._entryOf(s) },
    { binding: 2, entry: be._entryOf(maxima) },
    { binding: 3, entry: be._entryOf(sums) },
    { binding: 4, entry: be._entryOf(out) },
  ], rows * cols);
  maxima.dispose();
  partial.dispose();
  sums.dispose();
}
