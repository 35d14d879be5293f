/**
 * The CPU backend's nanToNum and searchsorted launchers (kernels in assembly/ops_more.ts; atan2
 * and hypot run through `binary` in elementwise.ts). Free functions of the backend's
 * {@link WasmKernels}.
 * @module
 */
import type { SearchsortedArgs, Storage } from "../backend.ts";
import { nanToNumContract, searchsortedContract } from "../contract_ops_more.ts";
import type { WasmKernels } from "./kernels.ts";
import type { WasmStorage } from "./heap.ts";
import { checkStorage, SUFFIX } from "./shared.ts";

export function nanToNum(
  ctx: WasmKernels,
  x: Storage,
  nan: number,
  posinf: number,
  neginf: number,
): WasmStorage {
  const s = checkStorage("nanToNum", x);
  const { dtype, numel: n } = nanToNumContract(s, nan, posinf, neginf);
  if (n === 0) return ctx.zeros(dtype);
  ctx.plan("nanToNum", dtype, n, s);
  return ctx.call(() => {
    const xp = ctx.input(s);
    const [out, outPtr] = ctx.output(dtype, n);
    ctx.fn(`nanToNum_${SUFFIX[dtype as "float32" | "float64"]}`)(xp, outPtr, n, nan, posinf, neginf);
    return out;
  });
}

export function searchsorted(
  ctx: WasmKernels,
  seq: Storage,
  values: Storage,
  args: SearchsortedArgs,
): WasmStorage {
  const sq = checkStorage("searchsorted", seq), v = checkStorage("searchsorted", values);
  const so = args.sorter === null ? null : checkStorage("searchsorted", args.sorter);
  const { numel: n } = searchsortedContract(sq, v, args);
  if (n === 0) return ctx.zeros("int32");
  ctx.plan("searchsorted", "int32", n, sq, v, ...(so ? [so] : []));
  return ctx.call(() => {
    const sp = ctx.input(sq), vp = ctx.input(v), op = so ? ctx.input(so) : 0;
    const [out, outPtr] = ctx.output("int32", n);
    const dtype = sq.dtype as keyof typeof SUFFIX;
    ctx.fn(`searchsorted_${SUFFIX[dtype]}`)(sp, args.len, vp, n, args.perRow, op, args.right ? 1 : 0, outPtr);
    return out;
  });
}
