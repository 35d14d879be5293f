/**
 * The GPU backend's special-function launchers (kernels in wgsl/special.wgsl, float32). Free
 * functions of the backend's {@link GpuContext}.
 * @module
 */
import { SPECIAL2_OPS, type Special2Op, SPECIAL_OPS, type SpecialOp, type Storage } from "../backend.ts";
import { special2Contract, specialContract } from "../contract_special.ts";
import type { GpuContext } from "./context.ts";
import type { WebGPUStorage } from "./storage.ts";
import * as checksOps from "./checks.ts";
import * as dispatchOps from "./dispatch.ts";

export function special(ctx: GpuContext, op: SpecialOp, x: Storage, order: number): WebGPUStorage {
  const s = ctx.storage(op, x);
  const { numel: n } = specialContract(op, s, order);
  const out = ctx.alloc("float32", n);
  if (n > 0) {
    const base = dispatchOps.paramWords(ctx);
    const u = ctx.u32;
    u[base] = n;
    u[base + 1] = SPECIAL_OPS.indexOf(op);
    u[base + 2] = order;
    const k = ctx.pipelines.get("special", {});
    dispatchOps.run1d(ctx, k, base, [
      { binding: 1, entry: ctx.entryOf(s) },
      { binding: 2, entry: ctx.entryOf(out) },
    ], n);
  }
  return checksOps.inherit(out, s);
}

export function special2(ctx: GpuContext, op: Special2Op, a: Storage, b: Storage): WebGPUStorage {
  const sa = ctx.storage(op, a), sb = ctx.storage(op, b);
  const { numel: n } = special2Contract(op, sa, sb);
  const out = ctx.alloc("float32", n);
  if (n > 0) {
    const base = dispatchOps.paramWords(ctx);
    const u = ctx.u32;
    u[base] = n;
    u[base + 1] = SPECIAL2_OPS.indexOf(op);
    const k = ctx.pipelines.get("special2", {});
    dispatchOps.run1d(ctx, k, base, [
      { binding: 1, entry: ctx.entryOf(sa) },
      { binding: 2, entry: ctx.entryOf(sb) },
      { binding: 3, entry: ctx.entryOf(out) },
    ], n);
  }
  return checksOps.inherit(out, sa, sb);
}
