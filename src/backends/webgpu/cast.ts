/**
 * The GPU backend's dtype casts (kernels in wgsl/cast.wgsl).
 * Free functions of the backend's {@link GpuContext}.
 * @module
 */
import { checkDeviceDType, type DType } from "../../dtype.ts";
import type { Storage } from "../backend.ts";
import { checkDType } from "../contract.ts";
import type { GpuContext } from "./context.ts";
import type { WebGPUStorage } from "./storage.ts";
import * as checksOps from "./checks.ts";
import * as lazyOps from "./lazy.ts";

export function cast(ctx: GpuContext, x: Storage, to: DType): WebGPUStorage {
  const s = ctx.operand("cast", x);
  checkDType("cast", to);
  checkDeviceDType("cast", to, "gpu");
  const from = s.dtype;
  const n = s.numel;
  if (n === 0) return checksOps.inherit(ctx.alloc(to, 0), s);
  const same = from === to || (from === "bool" && to === "uint8");
  const out = lazyOps.lazy(
    ctx,
    to,
    n,
    [s],
    ([v]) => (same ? { kind: "copy", x: v } : { kind: "cast", from, x: v }),
  );
  if (same && s._host && to === "int32") out._host = s._host.slice();
  return checksOps.inherit(out, s);
}
