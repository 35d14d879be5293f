/**
 * The CPU backend's cumprod launcher (kernels in assembly/numerics.ts; fmod, remainder and floor division run through `binary` in elementwise.ts).
 * Free functions of the {@link WasmBackend} they are called on.
 * @module
 */
import type { Storage } from "../backend.ts";
import { checkCompute, checkLayout } from "../validate.ts";
import type { WasmBackend } from "./backend.ts";
import type { WasmStorage } from "./heap.ts";
import { checkStorage, SUFFIX } from "./shared.ts";

export function cumprod(be: WasmBackend, x: Storage, outer: number, len: number, inner: number): WasmStorage {
  const s = checkStorage("cumprod", x);
  const dtype = checkCompute("cumprod", s.dtype);
  checkLayout("cumprod", s.numel, outer, len, inner);
  const n = s.numel;
  if (n === 0) return be._zeros(dtype);
  be._plan("cumprod", dtype, n, s);
  return be._call(() => {
    const xp = be._in(s);
    const [out, outPtr] = be._out(dtype, n);
    be._fn(`cumprod_${SUFFIX[dtype]}`)(xp, outPtr, outer, len, inner);
    return out;
  });
}
