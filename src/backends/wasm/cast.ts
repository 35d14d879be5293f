/**
 * The CPU backend's dtype casts (kernels in assembly/cast.ts).
 * Free functions of the {@link WasmBackend} they are called on.
 * @module
 */
import { type DType, ITEM_SIZE } from "../../dtype.ts";
import type { Storage } from "../backend.ts";
import { checkDType } from "../validate.ts";
import type { WasmBackend } from "./backend.ts";
import type { WasmStorage } from "./heap.ts";
import { CAST_NAME, checkStorage, NS } from "./shared.ts";

export function cast(be: WasmBackend, x: Storage, to: DType): WasmStorage {
  const s = checkStorage("cast", x);
  checkDType("cast", to);
  const from = s.dtype;
  be._plan("cast", to, s.numel, s);
  if (from === to || (from === "bool" && to === "uint8")) {
    return be._call(() => {
      const xp = be._in(s);
      const [out, p] = be._out(to, s.numel);
      be._view(to, p, s.numel).set(be._view(to, xp, s.numel));
      return out;
    });
  }
  const n = s.numel;
  if (n === 0) return be._zeros(to);
  const fromName = from === "bool" ? "u8" : CAST_NAME[from];
  const helpers = be._helpers(n * NS.cheap);
  return be._call(() => {
    const xp = be._in(s);
    const [out, op] = be._out(to, n);
    const name = `cast_${fromName}_${CAST_NAME[to]}`;
    if (helpers === 0) be._fn(name)(xp, op, n);
    else {
      const si = ITEM_SIZE[from], so = ITEM_SIZE[to];
      be._splitRun(name, helpers, n, 64, (f, t) => [xp + f * si, op + f * so, t - f]);
    }
    return out;
  });
}
