/**
 * The CPU backend's fused softmax cross-entropy launchers, forward and backward (kernels in
 * assembly/loss.ts). Free functions of the backend's {@link WasmKernels}.
 * @module
 */
import type { Storage } from "../backend.ts";
import { crossEntropyBackwardContract, crossEntropyContract } from "../contract.ts";
import type { WasmKernels } from "./kernels.ts";
import type { WasmStorage } from "./heap.ts";
import { checkStorage, NS } from "./shared.ts";
import { rowsRun } from "./softmax.ts";

/** See `Backend.crossEntropy`. */
export function crossEntropy(
  ctx: WasmKernels,
  x: Storage,
  target: Storage,
  rows: number,
  cols: number,
  ignoreIndex: number,
): { logp: WasmStorage; loss: WasmStorage; total: WasmStorage; count: WasmStorage } | { badRow: number } {
  const s = checkStorage("crossEntropy", x), t = checkStorage("crossEntropy", target);
  crossEntropyContract(s, t, rows, cols);
  const helpers = rows >= 2 ? ctx.helpers(rows * cols * NS.softmax) : 0;
  return ctx.call(() => {
    const xp = ctx.input(s), tp = ctx.input(t);
    const [logp, lp] = ctx.output("float32", rows * cols);
    const [loss, sp] = ctx.output("float32", rows);
    const [total, totp] = ctx.output("float32", 1);
    const [count, cp] = ctx.output("float32", 1);
    let bad: number;
    if (helpers === 0) {
      bad = ctx.fn("crossEntropy_f32")(xp, tp, lp, sp, totp, cp, rows, cols, ignoreIndex | 0);
    } else {
      // The log-softmax in row blocks, then the loss here (the same numbers as one call).
      rowsRun(ctx, "logSoftmax_f32", helpers, xp, lp, rows, cols);
      bad = ctx.fn("crossEntropyPick_f32")(tp, lp, sp, totp, cp, rows, cols, ignoreIndex | 0);
    }
    if (bad === 0) return { logp, loss, total, count };
    for (const s of [logp, loss, total, count]) s.dispose();
    return { badRow: bad - 1 };
  });
}

/** See `Backend.crossEntropyBackward`. */
export function crossEntropyBackward(
  ctx: WasmKernels,
  logp: Storage,
  target: Storage,
  g: Storage,
  rows: number,
  cols: number,
  ignoreIndex: number,
): WasmStorage {
  const lp = checkStorage("crossEntropyBackward", logp), t = checkStorage("crossEntropyBackward", target);
  const gs = checkStorage("crossEntropyBackward", g);
  const { dtype, numel } = crossEntropyBackwardContract(lp, t, gs, rows, cols);
  if (numel === 0) return ctx.zeros(dtype);
  const helpers = rows >= 2 ? ctx.helpers(rows * cols * NS.softmax) : 0;
  return ctx.call(() => {
    const pp = ctx.input(lp), tp = ctx.input(t), gp = ctx.input(gs);
    const [out, op] = ctx.output("float32", rows * cols);
    const name = "crossEntropyBackward_f32", ig = ignoreIndex | 0, gLen = gs.numel;
    if (helpers === 0) ctx.fn(name)(pp, tp, gp, gLen, op, rows, cols, ig);
    else {
      const row = cols * 4;
      ctx.splitRun(name, helpers, rows, 1, (f, e) => [
        pp + f * row,
        tp + f * 4,
        gLen === 1 ? gp : gp + f * 4,
        gLen === 1 ? 1 : e - f,
        op + f * row,
        e - f,
        cols,
        ig,
      ]);
    }
    return out;
  });
}
