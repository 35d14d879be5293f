/**
 * The CPU backend's cumprod launcher (kernels in assembly/numerics.ts; fmod, remainder and floor division run through `binary` in elementwise.ts).
 * Free functions of the backend's {@link WasmKernels}.
 * @module
 */
import type { Storage } from "../backend.ts";
import { scanContract } from "../contract.ts";
import type { WasmKernels } from "./kernels.ts";
import type { WasmStorage } from "./heap.ts";
import { checkStorage, SUFFIX } from "./shared.ts";

export function cumprod(
  ctx: WasmKernels,
  x: Storage,
  outer: number,
  len: number,
  inner: number,
): WasmStorage {
  const s = checkStorage("cumprod", x);
  const { dtype, numel: n } = scanContract("cumprod", s, outer, len, inner);
  if (n === 0) return ctx.zeros(dtype);
  ctx.plan("cumprod", dtype, n, s);
  return ctx.call(() => {
    const xp = ctx.input(s);
    const [out, outPtr] = ctx.output(dtype, n);
    ctx.fn(`cumprod_${SUFFIX[dtype]}`)(xp, outPtr, outer, len, inner);
    return out;
  });
}
