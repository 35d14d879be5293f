/**
 * The GPU backend's fused cross-entropy launchers (kernels in wgsl/loss.wgsl).
 * Free functions of the backend's {@link GpuContext}.
 * @module
 */
import type { Storage } from "../backend.ts";
import { crossEntropyBackwardContract, crossEntropyContract } from "../contract.ts";
import type { GpuContext } from "./context.ts";
import type { DeviceCheck } from "./checks.ts";
import { wgslSnippet } from "./pipelines.ts";
import { type Binding, ceilDiv } from "./shared.ts";
import { WebGPUStorage } from "./storage.ts";
import * as checksOps from "./checks.ts";
import * as dispatchOps from "./dispatch.ts";
import * as reduceOps from "./reduce.ts";
import * as softmaxOps from "./softmax.ts";
import * as transferOps from "./transfer.ts";

/**
 * Softmax cross-entropy at class indices (see `Backend.crossEntropy`). Targets known on the host
 * are checked now (`{ badRow, value }` for the first bad one); others by the kernel, whose
 * outputs then carry the device check (`message(value)` names the bad class when read).
 */
export function crossEntropy(
  ctx: GpuContext,
  x: Storage,
  target: Storage,
  rows: number,
  cols: number,
  ignoreIndex: number,
  message: (value: number) => string = (v) => `crossEntropy: target class ${v} is out of range`,
):
  | { logp: WebGPUStorage; loss: WebGPUStorage; total: WebGPUStorage; count: WebGPUStorage }
  | { badRow: number; value: number } {
  const s = ctx.storage("crossEntropy", x), t = ctx.storage("crossEntropy", target);
  crossEntropyContract(s, t, rows, cols);
  const ignore = ignoreIndex | 0;
  let c: DeviceCheck | null = null;
  if (t._host) {
    const h = t._host;
    for (let r = 0; r < rows; r++) {
      const v = h[r];
      if (v !== ignore && (v < 0 || v >= cols)) return { badRow: r, value: v };
    }
  } else if (rows > 0) {
    c = checksOps.newCheck(ctx, (bits) => new RangeError(message(bits | 0)));
  }
  const loss = ctx.alloc("float32", rows);
  const total = ctx.alloc("float32", 1), count = ctx.alloc("float32", 1);
  if (rows === 0 || cols === 0) {
    for (const z of [total, count]) transferOps.fillEntry(ctx, ctx.entryOf(z), 1, 0);
    if (rows > 0) transferOps.fillEntry(ctx, ctx.entryOf(loss), rows, 0);
    return { logp: ctx.alloc("float32", 0), loss, total, count };
  }
  const wg = ctx.wg;
  // Short rows: each invocation computes its rows' log-softmax itself (three passes per row);
  // long rows (or many rows on a GPU): the softmax kernels first.
  const computeHere = 3 * cols + 2 <= ctx.loopBudget / 4 && (ctx.cpuTuned || cols <= 64);
  const logp = computeHere
    ? ctx.alloc("float32", rows * cols)
    : softmaxOps.softmaxImpl(ctx, s, rows, cols, true);
  const perRow = computeHere ? 3 * cols + 2 : 2;
  const perInvocation = Math.max(
    1,
    Math.min(ctx.cpuTuned ? 64 : 16, Math.floor(ctx.loopBudget / 2 / perRow)),
  );
  const groups = Math.min(ctx.maxGroups, ceilDiv(rows, wg * perInvocation));
  const partial = groups === 1 ? null : ctx.temp(2 * groups);
  const r1 = partial ?? ctx.temp(2);
  const base = dispatchOps.paramWords(ctx);
  const u = ctx.u32;
  u[base] = rows;
  u[base + 1] = cols;
  ctx.i32[base + 2] = ignore;
  u[base + 3] = c ? checksOps.slotOf(ctx, c)[1] : 0;
  u[base + 4] = groups;
  const te = ctx.entryOf(t);
  const bindings: Binding[] = [
    { binding: 2, entry: te },
    { binding: 3, entry: ctx.entryOf(logp) },
    { binding: 4, entry: ctx.entryOf(loss) },
    { binding: 6, entry: r1 },
  ];
  if (computeHere) bindings.push({ binding: 1, entry: ctx.entryOf(s) });
  if (c) bindings.push({ binding: 5, entry: checksOps.slotOf(ctx, c)[0] });
  const k = ctx.pipelines.get("crossEntropy", {
    WG: String(wg),
    DECL_X: computeHere ? wgslSnippet("loss.decl_x") : "",
    LP_ACCESS: computeHere ? "read_write" : "read",
    LOGP: computeHere ? wgslSnippet("loss.logp_row") : "",
    ...checksOps.reportSubs(c),
  });
  dispatchOps.dispatch(ctx, k, base, bindings, groups);
  const enc = () => ctx.copyEncoder();
  if (partial) {
    const partials = new WebGPUStorage(ctx, "float32", 2 * groups, partial);
    const sums = reduceOps.reduceImpl(ctx, "sum", partials, 2, groups, 1);
    partials.dispose();
    enc().copyBufferToBuffer(ctx.entryOf(sums).buffer, 0, ctx.entryOf(total).buffer, 0, 4);
    enc().copyBufferToBuffer(ctx.entryOf(sums).buffer, 4, ctx.entryOf(count).buffer, 0, 4);
    ctx.entryOf(sums).epoch = ctx.epoch;
    sums.dispose();
  } else {
    enc().copyBufferToBuffer(r1.buffer, 0, ctx.entryOf(total).buffer, 0, 4);
    enc().copyBufferToBuffer(r1.buffer, 4, ctx.entryOf(count).buffer, 0, 4);
    r1.epoch = ctx.epoch;
    ctx.release(r1);
  }
  ctx.entryOf(total).epoch = ctx.entryOf(count).epoch = ctx.epoch;
  if (c) checksOps.errorValue(ctx, c, te);
  for (const out of [logp, loss, total, count]) checksOps.checkedResult(out, c, s, t);
  return { logp, loss, total, count };
}

/** The gradient of {@link crossEntropy}'s per-row losses (see `Backend.crossEntropyBackward`). */
export function crossEntropyBackward(
  ctx: GpuContext,
  logp: Storage,
  target: Storage,
  g: Storage,
  rows: number,
  cols: number,
  ignoreIndex: number,
): WebGPUStorage {
  const lp = ctx.storage("crossEntropyBackward", logp), t = ctx.storage("crossEntropyBackward", target);
  const gs = ctx.storage("crossEntropyBackward", g);
  crossEntropyBackwardContract(lp, t, gs, rows, cols);
  const n = rows * cols;
  const out = ctx.alloc("float32", n);
  if (n === 0) return checksOps.inherit(out, lp, t, gs);
  const base = dispatchOps.paramWords(ctx);
  ctx.u32[base] = n;
  ctx.u32[base + 1] = cols;
  ctx.i32[base + 2] = ignoreIndex | 0;
  ctx.u32[base + 3] = gs.numel;
  dispatchOps.run1d(ctx, ctx.pipelines.get("crossEntropyBackward"), base, [
    { binding: 1, entry: ctx.entryOf(lp) },
    { binding: 2, entry: ctx.entryOf(t) },
    { binding: 3, entry: ctx.entryOf(gs) },
    { binding: 4, entry: ctx.entryOf(out) },
  ], n);
  return checksOps.inherit(out, lp, t, gs);
}
