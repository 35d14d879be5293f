/**
 * The CPU backend's softmax and log-softmax launchers (kernels in assembly/softmax.ts).
 * Free functions of the backend's {@link WasmKernels}.
 * @module
 */
import type { ComputeDType } from "../../dtype.ts";
import type { Storage } from "../backend.ts";
import { softmaxContract } from "../contract.ts";
import type { WasmKernels } from "./kernels.ts";
import type { WasmStorage } from "./heap.ts";
import { checkStorage, NS, SUFFIX } from "./shared.ts";

export function softmax(ctx: WasmKernels, x: Storage, rows: number, cols: number, log: boolean): WasmStorage {
  const name = log ? "logSoftmax" : "softmax";
  const s = checkStorage(name, x);
  const n = softmaxContract(s, rows, cols, log).numel;
  if (n === 0) return ctx.zeros(s.dtype);
  ctx.plan(name, s.dtype, n, s);
  // float64 rows run on this thread (the parts' offsets are float32 rows).
  const helpers = rows >= 2 && s.dtype === "float32" ? ctx.helpers(n * NS.softmax) : 0;
  return ctx.call(() => {
    const xp = ctx.input(s);
    const [out, outPtr] = ctx.output(s.dtype, n);
    rowsRun(ctx, `${name}_${SUFFIX[s.dtype as ComputeDType]}`, helpers, xp, outPtr, rows, cols);
    return out;
  });
}

/** A row-wise kernel `name(x, out, rows, cols)`, its rows split between `helpers` workers and here. */
export function rowsRun(
  ctx: WasmKernels,
  name: string,
  helpers: number,
  xp: number,
  outPtr: number,
  rows: number,
  cols: number,
): void {
  if (helpers === 0) ctx.fn(name)(xp, outPtr, rows, cols);
  else {ctx.splitRun(
      name,
      helpers,
      rows,
      1,
      (f, t) => [xp + f * cols * 4, outPtr + f * cols * 4, t - f, cols],
    );}
}
