/**
 * The GPU backend's strided copies (kernels in wgsl/copy.wgsl).
 * Free functions of the backend's {@link GpuContext}.
 * @module
 */
import type { Storage } from "../backend.ts";
import { planCopy } from "../contract.ts";
import type { GpuContext } from "./context.ts";
import type { PoolEntry } from "./buffer_pool.ts";
import * as checksOps from "./checks.ts";
import * as dispatchOps from "./dispatch.ts";
import * as lazyOps from "./lazy.ts";

export function copy(
  ctx: GpuContext,
  src: Storage,
  srcOffset: number,
  srcStrides: readonly number[],
  dst: Storage,
  dstOffset: number,
  dstStrides: readonly number[],
  shape: readonly number[],
): void {
  const s = ctx.operand("copy", src), d = ctx.operand("copy", dst);
  const plan = planCopy(s, srcOffset, srcStrides, d, dstOffset, dstStrides, shape);
  if (plan === null) return;
  const { dims, src: [sMin, sMax] } = plan;
  for (const x of dims) {
    if (
      !Number.isInteger(x.s) || !Number.isInteger(x.d) || Math.abs(x.s) >= 2 ** 31 ||
      Math.abs(x.d) >= 2 ** 31
    ) {
      throw new RangeError(`copy: strides [${srcStrides}] / [${dstStrides}] are out of range`);
    }
  }
  d._host = null;
  checksOps.inherit(d, s);
  // All of `dst` from all of `src` (or from one element): a pending write, fused with the
  // graph that computes `src` and with the other pending writes.
  const n = dims.length === 0 ? 1 : dims[0].n;
  const wholeDst = dstOffset === 0 && n === d.numel &&
    (dims.length === 0 || (dims.length === 1 && dims[0].d === 1));
  const wholeSrc = srcOffset === 0 && (s.numel === n || s.numel === 1) &&
    (dims.length === 0 || (dims.length === 1 && dims[0].s === (s.numel === n ? 1 : 0)));
  if (wholeDst && wholeSrc && s !== d) {
    lazyOps.makePending(ctx, d, lazyOps.makeNode(ctx, d.dtype, n, [s], ([x]) => ({ kind: "copy", x })));
    return;
  }
  if (s._lazy) lazyOps.materialize(ctx, s);
  lazyOps.beforeWrite(ctx, d);
  let srcEntry = ctx.entryOf(s);
  const dstEntry = ctx.entryOf(d);
  let srcOff = srcOffset;
  let staged: PoolEntry | null = null;
  if (s === d) {
    // One buffer cannot be bound for reading and writing at once: read from a copy.
    const len = sMax - sMin + 1;
    staged = ctx.temp(len);
    ctx.copyEncoder().copyBufferToBuffer(srcEntry.buffer, sMin * 4, staged.buffer, 0, len * 4);
    srcEntry.epoch = ctx.epoch;
    srcEntry = staged;
    srcOff = srcOffset - sMin;
  }
  if (dims.length === 0 || (dims.length === 1 && dims[0].d === 1 && dims[0].s === 1)) {
    const n = dims.length === 0 ? 1 : dims[0].n;
    ctx.copyEncoder().copyBufferToBuffer(
      srcEntry.buffer,
      srcOff * 4,
      dstEntry.buffer,
      dstOffset * 4,
      n * 4,
    );
    srcEntry.epoch = dstEntry.epoch = ctx.epoch;
  } else {
    copyDims(ctx, srcEntry, srcOff, dstEntry, dstOffset, dims);
  }
  if (staged) ctx.release(staged);
}

/** Strided-copy dispatches; more than 8 merged dimensions loop over the leading ones. */
function copyDims(
  ctx: GpuContext,
  src: PoolEntry,
  srcOff: number,
  dst: PoolEntry,
  dstOff: number,
  dims: { n: number; s: number; d: number }[],
): void {
  if (dims.length > 8) {
    const [head, ...rest] = dims;
    for (let j = 0; j < head.n; j++) {
      copyDims(ctx, src, srcOff + j * head.s, dst, dstOff + j * head.d, rest);
    }
    return;
  }
  let n = 1;
  for (const x of dims) n *= x.n;
  const base = dispatchOps.paramWords(ctx);
  const u = ctx.u32, i = ctx.i32;
  u[base] = n;
  u[base + 1] = dims.length;
  i[base + 2] = srcOff;
  i[base + 3] = dstOff;
  dims.forEach((x, k) => {
    u[base + 4 + k] = x.n;
    i[base + 12 + k] = x.s;
    i[base + 20 + k] = x.d;
  });
  dispatchOps.run1d(ctx, ctx.pipelines.get("copy"), base, [
    { binding: 1, entry: src },
    { binding: 2, entry: dst },
  ], n);
}
