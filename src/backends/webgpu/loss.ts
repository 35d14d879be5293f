/**
 * The GPU backend's fused cross-entropy launchers (kernels in wgsl/loss.wgsl).
 * Free functions of the {@link WebGPUBackend} they are called on.
 * @module
 */
import type { Storage } from "../backend.ts";
import { checkCount, checkCrossEntropyTypes } from "../validate.ts";
import type { WebGPUBackend } from "./backend.ts";
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
  be: WebGPUBackend,
  x: Storage,
  target: Storage,
  rows: number,
  cols: number,
  ignoreIndex: number,
  message: (value: number) => string = (v) => `crossEntropy: target class ${v} is out of range`,
):
  | { logp: WebGPUStorage; loss: WebGPUStorage; total: WebGPUStorage; count: WebGPUStorage }
  | { badRow: number; value: number } {
  const s = be._storage("crossEntropy", x), t = be._storage("crossEntropy", target);
  checkCrossEntropyTypes(s, t);
  checkCount("crossEntropy", "rows", rows);
  checkCount("crossEntropy", "cols", cols);
  if (rows * cols !== s.numel || t.numel !== rows) {
    throw new RangeError(
      `crossEntropy: [${rows}, ${cols}] and ${rows} targets do not match ${s.numel} inputs and ${t.numel} targets`,
    );
  }
  const ignore = ignoreIndex | 0;
  let c: DeviceCheck | null = null;
  if (t._host) {
    const h = t._host;
    for (let r = 0; r < rows; r++) {
      const v = h[r];
      if (v !== ignore && (v < 0 || v >= cols)) return { badRow: r, value: v };
    }
  } else if (rows > 0) {
    c = checksOps.newCheck(be, (bits) => new RangeError(message(bits | 0)));
  }
  const loss = be._alloc("float32", rows);
  const total = be._alloc("float32", 1), count = be._alloc("float32", 1);
  if (rows === 0 || cols === 0) {
    for (const z of [total, count]) transferOps.fillEntry(be, be._entryOf(z), 1, 0);
    if (rows > 0) transferOps.fillEntry(be, be._entryOf(loss), rows, 0);
    return { logp: be._alloc("float32", 0), loss, total, count };
  }
  const wg = be._wg;
  // Short rows: each invocation computes its rows' log-softmax itself (three passes per row);
  // long rows (or many rows on a GPU): the softmax kernels first.
  const computeHere = 3 * cols + 2 <= be._loopBudget / 4 && (be._cpuTuned || cols <= 64);
  const logp = computeHere
    ? be._alloc("float32", rows * cols)
    : softmaxOps.softmaxImpl(be, s, rows, cols, true);
  const perRow = computeHere ? 3 * cols + 2 : 2;
  const perInvocation = Math.max(
    1,
    Math.min(be._cpuTuned ? 64 : 16, Math.floor(be._loopBudget / 2 / perRow)),
  );
  const groups = Math.min(be._maxGroups, ceilDiv(rows, wg * perInvocation));
  const partial = groups === 1 ? null : be._temp(2 * groups);
  const r1 = partial ?? be._temp(2);
  const base = dispatchOps.paramWords(be);
  const u = be._u32;
  u[base] = rows;
  u[base + 1] = cols;
  be._i32[base + 2] = ignore;
  u[base + 3] = c ? checksOps.slotOf(be, c)[1] : 0;
  u[base + 4] = groups;
  const te = be._entryOf(t);
  const bindings: Binding[] = [
    { binding: 2, entry: te },
    { binding: 3, entry: be._entryOf(logp) },
    { binding: 4, entry: be._entryOf(loss) },
    { binding: 6, entry: r1 },
  ];
  if (computeHere) bindings.push({ binding: 1, entry: be._entryOf(s) });
  if (c) bindings.push({ binding: 5, entry: checksOps.slotOf(be, c)[0] });
  const k = be._pipelines.get("crossEntropy", {
    WG: String(wg),
    DECL_X: computeHere ? wgslSnippet("loss.decl_x") : "",
    LP_ACCESS: computeHere ? "read_write" : "read",
    LOGP: computeHere ? wgslSnippet("loss.logp_row") : "",
    ...checksOps.reportSubs(c),
  });
  dispatchOps.dispatch(be, k, base, bindings, groups);
  const enc = () => be._copyEncoder();
  if (partial) {
    const partials = new WebGPUStorage(be, "float32", 2 * groups, partial);
    const sums = reduceOps.reduceImpl(be, "sum", partials, 2, groups, 1);
    partials.dispose();
    enc().copyBufferToBuffer(be._entryOf(sums).buffer, 0, be._entryOf(total).buffer, 0, 4);
    enc().copyBufferToBuffer(be._entryOf(sums).buffer, 4, be._entryOf(count).buffer, 0, 4);
    be._entryOf(sums).epoch = be._epoch;
    sums.dispose();
  } else {
    enc().copyBufferToBuffer(r1.buffer, 0, be._entryOf(total).buffer, 0, 4);
    enc().copyBufferToBuffer(r1.buffer, 4, be._entryOf(count).buffer, 0, 4);
    r1.epoch = be._epoch;
    be._release(r1);
  }
  be._entryOf(total).epoch = be._entryOf(count).epoch = be._epoch;
  if (c) checksOps.errorValue(be, c, te);
  for (const out of [logp, loss, total, count]) checksOps.checkedResult(out, c, s, t);
  return { logp, loss, total, count };
}

/** The gradient of {@link crossEntropy}'s per-row losses (see `Backend.crossEntropyBackward`). */
export function crossEntropyBackward(
  be: WebGPUBackend,
  logp: Storage,
  target: Storage,
  g: Storage,
  rows: number,
  cols: number,
  ignoreIndex: number,
): WebGPUStorage {
  const lp = be._storage("crossEntropyBackward", logp), t = be._storage("crossEntropyBackward", target);
  const gs = be._storage("crossEntropyBackward", g);
  if (lp.numel !== rows * cols || t.numel !== rows || (gs.numel !== rows && gs.numel !== 1)) {
    throw new RangeError(
      `crossEntropyBackward: [${rows}, ${cols}] does not match ${lp.numel} log-probabilities, ` +
        `${t.numel} targets and ${gs.numel} gradients`,
    );
  }
  const n = rows * cols;
  const out = be._alloc("float32", n);
  if (n === 0) return checksOps.inherit(out, lp, t, gs);
  const base = dispatchOps.paramWords(be);
  be._u32[base] = n;
  be._u32[base + 1] = cols;
  be._i32[base + 2] = ignoreIndex | 0;
  be._u32[base + 3] = gs.numel;
  dispatchOps.run1d(be, be._pipelines.get("crossEntropyBackward"), base, [
    { binding: 1, entry: be._entryOf(lp) },
    { binding: 2, entry: be._entryOf(t) },
    { binding: 3, entry: be._entryOf(gs) },
    { binding: 4, entry: be._entryOf(out) },
  ], n);
  return checksOps.inherit(out, lp, t, gs);
}
