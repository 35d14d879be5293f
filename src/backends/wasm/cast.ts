/**
 * The CPU backend's dtype casts (kernels in assembly/cast.ts).
 * Free functions of the backend's {@link WasmKernels}.
 * @module
 */
import { type DType, ITEM_SIZE } from "../../dtype.ts";
import type { Storage } from "../backend.ts";
import { checkDType } from "../contract.ts";
import type { WasmKernels } from "./kernels.ts";
import type { WasmStorage } from "./heap.ts";
import { CAST_NAME, checkStorage, NS } from "./shared.ts";

export function cast(ctx: WasmKernels, x: Storage, to: DType): WasmStorage {
  const s = checkStorage("cast", x);
  checkDType("cast", to);
  const from = s.dtype;
  ctx.plan("cast", to, s.numel, s);
  if (from === to || (from === "bool" && to === "uint8")) {
    return ctx.call(() => {
      const xp = ctx.input(s);
      const [out, p] = ctx.output(to, s.numel);
      ctx.view(to, p, s.numel).set(ctx.view(to, xp, s.numel));
      return out;
    });
  }
  const n = s.numel;
  if (n === 0) return ctx.zeros(to);
  const fromName = from === "bool" ? "u8" : CAST_NAME[from];
  const helpers = ctx.helpers(n * NS.cheap);
  return ctx.call(() => {
    const xp = ctx.input(s);
    const [out, op] = ctx.output(to, n);
    const name = `cast_${fromName}_${CAST_NAME[to]}`;
    if (helpers === 0) ctx.fn(name)(xp, op, n);
    else {
      const si = ITEM_SIZE[from], so = ITEM_SIZE[to];
      ctx.splitRun(name, helpers, n, 64, (f, t) => [xp + f * si, op + f * so, t - f]);
    }
    return out;
  });
}
