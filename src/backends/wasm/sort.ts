/**
 * The CPU backend's argsort launcher (kernels in assembly/sort.ts).
 * Free functions of the backend's {@link WasmKernels}.
 * @module
 */
import type { ComputeDType } from "../../dtype.ts";
import type { Storage } from "../backend.ts";
import { argsortContract } from "../contract.ts";
import type { WasmKernels } from "./kernels.ts";
import type { WasmStorage } from "./heap.ts";
import { checkStorage, LONG_SORT, NS, SUFFIX } from "./shared.ts";

export function argsort(
  ctx: WasmKernels,
  x: Storage,
  rows: number,
  len: number,
  descending: boolean,
): WasmStorage {
  const s = checkStorage("argsort", x);
  argsortContract(s, rows, len);
  const dtype = s.dtype as ComputeDType;
  if (s.numel === 0) return ctx.zeros("int32");
  ctx.plan("argsort", "int32", s.numel, s);
  const helpers = ctx.helpers(s.numel * NS.argsort);
  const threads = helpers + 1;
  // Few long rows: each row's runs sorted on several threads, then merged (LONG_SORT).
  const long = helpers > 0 && rows < 2 * threads && len >= LONG_SORT;
  return ctx.call(() => {
    const xp = ctx.input(s);
    const [out, outPtr] = ctx.output("int32", s.numel);
    const name = `argsort_${SUFFIX[dtype]}`, desc = descending ? 1 : 0;
    if (dtype === "float64") {
      // Pairs of 64-bit keys and indices, 32 bytes per element (assembly/float64.ts); one thread.
      ctx.fn(name)(xp, outPtr, rows, len, desc, ctx.heap.temp(len * 32));
      return out;
    }
    if (long) {
      const keys = ctx.heap.temp(len * 8), tmp = ctx.heap.temp(len * 8);
      for (let r = 0; r < rows; r++) {
        sortLongRow(ctx, dtype, helpers, xp + r * len * 4, outPtr + r * len * 4, len, desc, keys, tmp);
      }
      return out;
    }
    // Two halves of 64-bit keys per thread (assembly/sort.ts).
    const stride = len * 16, scratch = ctx.heap.temp(stride * (rows >= 2 ? threads : 1));
    if (helpers === 0 || rows < 2) ctx.fn(name)(xp, outPtr, rows, len, desc, scratch, stride);
    else {
      const row = len * 4;
      ctx.splitRun(
        name,
        helpers,
        rows,
        1,
        (f, t) => [xp + f * row, outPtr + f * row, t - f, len, desc, scratch, stride],
      );
    }
    return out;
  });
}

/**
 * One long row sorted on several threads: runs sorted on their own, merged in pairs (each round's
 * merges in parallel), the indices read out. Keys hold the element's index in the row, so the
 * order is the one-thread sort's.
 */
function sortLongRow(
  ctx: WasmKernels,
  dtype: ComputeDType,
  helpers: number,
  xp: number,
  outPtr: number,
  len: number,
  desc: number,
  keys: number,
  tmp: number,
): void {
  let runs = 1;
  while (runs < (helpers + 1) * 2) runs *= 2;
  const bounds = Array.from({ length: runs + 1 }, (_, i) => Math.floor((len * i) / runs / 16) * 16);
  bounds[runs] = len;
  const list: number[][] = [];
  for (let i = 0; i < runs; i++) list.push([xp, keys, tmp, bounds[i], bounds[i + 1], desc]);
  ctx.runParts(`argsort_run_${SUFFIX[dtype]}`, list, helpers);
  let src = keys, dst = tmp;
  for (let width = 1; width < runs; width *= 2) {
    const merges: number[][] = [];
    for (let i = 0; i < runs; i += 2 * width) {
      merges.push([
        src,
        dst,
        bounds[i],
        bounds[Math.min(i + width, runs)],
        bounds[Math.min(i + 2 * width, runs)],
      ]);
    }
    ctx.runParts("argsort_merge", merges, helpers);
    [src, dst] = [dst, src];
  }
  ctx.splitRun("argsort_indices", helpers, len, 16, (f, t) => [src, outPtr, f, t]);
}
