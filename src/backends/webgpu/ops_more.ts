/**
 * The GPU backend's nanToNum and searchsorted launchers (kernels in wgsl/ops_more.wgsl; atan2 and
 * hypot run through `binary` in elementwise.ts). Free functions of the backend's
 * {@link GpuContext}.
 * @module
 */
import { f32Bits } from "../../half.ts";
import type { SearchsortedArgs, Storage } from "../backend.ts";
import { nanToNumContract, searchsortedContract } from "../contract_ops_more.ts";
import type { GpuContext } from "./context.ts";
import { type GpuComputeDType, WGSL_TYPE, wgslSnippet } from "./pipelines.ts";
import type { Binding } from "./shared.ts";
import type { WebGPUStorage } from "./storage.ts";
import * as checksOps from "./checks.ts";
import * as dispatchOps from "./dispatch.ts";
import * as transferOps from "./transfer.ts";

export function nanToNum(
  ctx: GpuContext,
  x: Storage,
  nan: number,
  posinf: number,
  neginf: number,
): WebGPUStorage {
  const s = ctx.storage("nanToNum", x);
  const { numel: n } = nanToNumContract(s, nan, posinf, neginf);
  const out = ctx.alloc("float32", n);
  if (n > 0) {
    const base = dispatchOps.paramWords(ctx);
    const u = ctx.u32;
    u[base] = n;
    u[base + 1] = f32Bits(nan);
    u[base + 2] = f32Bits(posinf);
    u[base + 3] = f32Bits(neginf);
    const k = ctx.pipelines.get("nanToNum", {});
    dispatchOps.run1d(ctx, k, base, [{ binding: 1, entry: ctx.entryOf(s) }, {
      binding: 2,
      entry: ctx.entryOf(out),
    }], n);
  }
  return checksOps.inherit(out, s);
}

/** The comparisons of each element type: NaN never compares (see wgsl/math.wgsl's is_nan). */
const COMPARE: Record<GpuComputeDType, { GE: string; GT: string }> = {
  float32: { GE: "m >= v && !is_nan(m) && !is_nan(v)", GT: "m > v && !is_nan(m) && !is_nan(v)" },
  int32: { GE: "m >= v", GT: "m > v" },
};

export function searchsorted(
  ctx: GpuContext,
  seq: Storage,
  values: Storage,
  args: SearchsortedArgs,
): WebGPUStorage {
  const sq = ctx.storage("searchsorted", seq), v = ctx.storage("searchsorted", values);
  const so = args.sorter === null ? null : ctx.storage("searchsorted", args.sorter);
  const { numel: n } = searchsortedContract(sq, v, args);
  const dtype = sq.dtype as GpuComputeDType; // a gpu storage is never float64
  // An empty sequence puts every value at 0 (and has no buffer to bind).
  if (args.len === 0) return checksOps.inherit(transferOps.full(ctx, "int32", n, 0), sq, v, so);
  const out = ctx.alloc("int32", n);
  if (n > 0) {
    const base = dispatchOps.paramWords(ctx);
    const u = ctx.u32;
    u[base] = n;
    u[base + 1] = args.len;
    u[base + 2] = args.perRow;
    u[base + 3] = args.right ? 1 : 0;
    const k = ctx.pipelines.get("searchsorted", {
      T: WGSL_TYPE[dtype],
      ...COMPARE[dtype],
      DECL_SORTER: so ? wgslSnippet("ops_more.decl_sorter") : "",
      AT: so ? wgslSnippet("ops_more.at_sorted") : "mid",
    });
    const bindings: Binding[] = [
      { binding: 1, entry: ctx.entryOf(sq) },
      { binding: 2, entry: ctx.entryOf(v) },
      { binding: 3, entry: ctx.entryOf(out) },
    ];
    if (so) bindings.push({ binding: 4, entry: ctx.entryOf(so) });
    dispatchOps.run1d(ctx, k, base, bindings, n);
  }
  return checksOps.inherit(out, sq, v, so);
}
