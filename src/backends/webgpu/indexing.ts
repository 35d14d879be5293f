/**
 * The GPU backend's gather / index_select and scatter_add launchers (kernels in wgsl/indexing.wgsl).
 * Free functions of the backend's {@link GpuContext}.
 * @module
 */
import type { Storage } from "../backend.ts";
import { gatherContract, scatterAddContract } from "../contract.ts";
import type { GpuContext } from "./context.ts";
import { type GpuComputeDType, WGSL_TYPE } from "./pipelines.ts";
import type { Binding } from "./shared.ts";
import type { WebGPUStorage } from "./storage.ts";
import * as checksOps from "./checks.ts";
import * as dispatchOps from "./dispatch.ts";

export function gather(
  ctx: GpuContext,
  x: Storage,
  index: Storage,
  outer: number,
  len: number,
  inner: number,
  idxLen: number,
  indexIs1d: boolean,
): WebGPUStorage {
  const op = indexIs1d ? "indexSelect" : "gather";
  const s = ctx.storage(op, x), idx = ctx.storage(op, index);
  const n = gatherContract(s, idx, outer, len, inner, idxLen, indexIs1d).numel;
  const out = ctx.alloc(s.dtype, n);
  if (n === 0) {
    const c = idx.numel > 0 ? checksOps.indexCheck(ctx, op, idx, len) : null;
    if (c) checksOps.checkIndexGpu(ctx, c, idx, len);
    return checksOps.checkedResult(out, c, s, idx);
  }
  const c = checksOps.indexCheck(ctx, op, idx, len);
  const base = dispatchOps.paramWords(ctx);
  const u = ctx.u32;
  u[base] = n;
  u[base + 1] = len;
  u[base + 2] = inner;
  u[base + 3] = idxLen;
  u[base + 4] = indexIs1d ? 1 : 0;
  u[base + 5] = c ? checksOps.slotOf(ctx, c)[1] : 0;
  const ie = ctx.entryOf(idx);
  const bindings: Binding[] = [
    { binding: 1, entry: ctx.entryOf(s) },
    { binding: 2, entry: ie },
    { binding: 3, entry: ctx.entryOf(out) },
  ];
  if (c) bindings.push({ binding: 5, entry: checksOps.slotOf(ctx, c)[0] });
  dispatchOps.run1d(ctx, ctx.pipelines.get("gather", checksOps.reportSubs(c)), base, bindings, n);
  if (c) checksOps.errorValue(ctx, c, ie);
  return checksOps.checkedResult(out, c, s, idx);
}

export function scatterAdd(
  ctx: GpuContext,
  src: Storage,
  index: Storage,
  outer: number,
  len: number,
  inner: number,
  idxLen: number,
  indexIs1d: boolean,
): WebGPUStorage {
  const op = "scatterAdd";
  const s = ctx.storage(op, src), idx = ctx.storage(op, index);
  const { numel: n, empty, ...d } = scatterAddContract(s, idx, outer, len, inner, idxLen, indexIs1d);
  const dtype = d.dtype as GpuComputeDType; // a gpu storage is never float64
  if (empty) {
    const c = idx.numel > 0 ? checksOps.indexCheck(ctx, op, idx, len) : null;
    if (c) checksOps.checkIndexGpu(ctx, c, idx, len);
    return checksOps.checkedResult(ctx.backend.full(dtype, n, 0), c, s, idx);
  }
  const c = checksOps.indexCheck(ctx, op, idx, len);
  const out = ctx.alloc(dtype, n);
  const oe = ctx.entryOf(out);
  ctx.copyEncoder().clearBuffer(oe.buffer, 0, n * 4);
  const base = dispatchOps.paramWords(ctx);
  const u = ctx.u32;
  u[base] = s.numel;
  u[base + 1] = len;
  u[base + 2] = inner;
  u[base + 3] = idxLen;
  u[base + 4] = indexIs1d ? 1 : 0;
  u[base + 5] = c ? checksOps.slotOf(ctx, c)[1] : 0;
  const ie = ctx.entryOf(idx);
  const bindings: Binding[] = [
    { binding: 1, entry: ctx.entryOf(s) },
    { binding: 2, entry: ie },
    { binding: 3, entry: oe },
  ];
  if (c) bindings.push({ binding: 5, entry: checksOps.slotOf(ctx, c)[0] });
  const add = dtype === "int32" ? "atomicAdd(&Y[d], v);" : [
    "var old = atomicLoad(&Y[d]);",
    "  loop {",
    "    let res = atomicCompareExchangeWeak(&Y[d], old, bitcast<u32>(bitcast<f32>(old) + v));",
    "    if (res.exchanged) { break; }",
    "    old = res.old_value;",
    "  }",
  ].join("\n");
  const k = ctx.pipelines.get("scatterAdd", {
    T: WGSL_TYPE[dtype],
    AT: dtype === "int32" ? "i32" : "u32",
    ADD: add,
    ...checksOps.reportSubs(c),
  });
  dispatchOps.run1d(ctx, k, base, bindings, s.numel);
  if (c) checksOps.errorValue(ctx, c, ie);
  return checksOps.checkedResult(out, c, s, idx);
}
