/**
 * The CPU backend's softmax and log-softmax launchers (kernels in assembly/softmax.ts).
 * Free functions of the {@link WasmBackend} they are called on.
 * @module
 */
import type { ComputeDType } from "../../dtype.ts";
import type { Storage } from "../backend.ts";
import { checkRows } from "../validate.ts";
import type { WasmBackend } from "./backend.ts";
import type { WasmStorage } from "./heap.ts";
import { checkStorage, NS, SUFFIX } from "./shared.ts";

export function softmax(be: WasmBackend, x: Storage, rows: number, cols: number, log: boolean): WasmStorage {
  const name = log ? "logSoftmax" : "softmax";
  const s = checkStorage(name, x);
  if (s.dtype !== "float32" && s.dtype !== "float64") {
    throw new TypeError(`${name}: expected float32 or float64, got ${s.dtype}`);
  }
  checkRows(name, rows, cols, s.numel);
  const n = s.numel;
  if (n === 0) return be._zeros(s.dtype);
  be._plan(name, s.dtype, n, s);
  // float64 rows run on this thread (the parts' offsets are float32 rows).
  const helpers = rows >= 2 && s.dtype === "float32" ? be._helpers(n * NS.softmax) : 0;
  return be._call(() => {
    const xp = be._in(s);
    const [out, outPtr] = be._out(s.dtype, n);
    rowsRun(be, `${name}_${SUFFIX[s.dtype as ComputeDType]}`, helpers, xp, outPtr, rows, cols);
    return out;
  });
}

/** A row-wise kernel `name(x, out, rows, cols)`, its rows split between `helpers` workers and here. */
export function rowsRun(
  be: WasmBackend,
  name: string,
  helpers: number,
  xp: number,
  outPtr: number,
  rows: number,
  cols: number,
): void {
  if (helpers === 0) be._fn(name)(xp, outPtr, rows, cols);
  else {be._splitRun(
      name,
      helpers,
      rows,
      1,
      (f, t) => [xp + f * cols * 4, outPtr + f * cols * 4, t - f, cols],
    );}
}
