/**
 * The CPU backend's Strided copies (kernels in assembly/copy.ts).
 * Free functions of the backend's {@link WasmKernels}.
 * @module
 */
import { ITEM_SIZE } from "../../dtype.ts";
import type { Storage } from "../backend.ts";
import { planCopy } from "../contract.ts";
import type { WasmKernels } from "./kernels.ts";
import { liveView, slotOf } from "./heap.ts";
import { checkStorage, NS, X_NAME } from "./shared.ts";

export function copy(
  ctx: WasmKernels,
  src: Storage,
  srcOffset: number,
  srcStrides: readonly number[],
  dst: Storage,
  dstOffset: number,
  dstStrides: readonly number[],
  shape: readonly number[],
): void {
  const s = checkStorage("copy", src), d = checkStorage("copy", dst);
  const plan = planCopy(s, srcOffset, srcStrides, d, dstOffset, dstStrides, shape);
  if (plan === null) return;
  const { dims, src: [sMin, sMax], dst: [dMin, dMax] } = plan;
  const sSlot = slotOf(s), dSlot = slotOf(d);
  // JavaScript fast paths on the elements where they are: one contiguous run, or a broadcast.
  const fast = dims.length === 0 ||
    (dims.length === 1 && dims[0].d === 1 && (dims[0].s === 1 || dims[0].s === 0));
  if (fast) {
    if (dSlot.heap) dSlot.host = null; // the resident copy is written; drop the clean copy
    const sData = liveView(sSlot), dData = liveView(dSlot);
    if (dims.length === 0) dData[dstOffset] = sData[srcOffset];
    else if (dims[0].s === 1) dData.set(sData.subarray(srcOffset, srcOffset + dims[0].n), dstOffset);
    else dData.fill(sData[srcOffset], dstOffset, dstOffset + dims[0].n);
    return;
  }
  if (dims.length > 64) {
    throw new RangeError(`copy: at most 64 dimensions are supported, got ${dims.length}`);
  }
  // Does the destination view cover its range densely? Then its old contents need no staging.
  const byD = dims.map((x) => ({ n: x.n, a: Math.abs(x.d) })).sort((x, y) => x.a - y.a);
  let expect = 1, dense = true;
  for (const x of byD) {
    if (x.a !== expect) {
      dense = false;
      break;
    }
    expect *= x.n;
  }
  const size = ITEM_SIZE[s.dtype];
  // A dense destination has no element written twice: blocks of the outermost dimension may be
  // copied on several threads.
  const count = dims.reduce((p, x) => p * x.n, 1);
  const helpers = dense && dims[0].n >= 2 ? ctx.helpers(count * NS.cheap) : 0;
  ctx.call(() => {
    // Copying within one storage reads a snapshot (the kernel assumes no overlap).
    const sp = sSlot === dSlot ? ctx.snapshot(s, sMin, sMax + 1) : ctx.input(s, sMin, sMax + 1);
    const dp = ctx.inout(d, dMin, dMax + 1, dense);
    const r = dims.length;
    const meta = (outer: number) => {
      const p = ctx.heap.temp(r * 12);
      const m = new Int32Array(ctx.heap.mem.buffer, p, r * 3);
      dims.forEach((x, i) => {
        m[i] = i === 0 ? outer : x.n;
        m[r + i] = x.s;
        m[2 * r + i] = x.d;
      });
      return p;
    };
    const src = sp + (srcOffset - sMin) * size, dst = dp + (dstOffset - dMin) * size;
    const name = `copy_${X_NAME[size]}`;
    if (helpers === 0) {
      const m = meta(dims[0].n);
      ctx.fn(name)(src, dst, r, m, m + r * 4, m + r * 8);
      return;
    }
    const { s: ss, d: ds } = dims[0];
    const metas = new Map<number, number>();
    ctx.splitRun(name, helpers, dims[0].n, 1, (f, t) => {
      let m = metas.get(t - f);
      if (m === undefined) metas.set(t - f, m = meta(t - f));
      return [src + f * ss * size, dst + f * ds * size, r, m, m + r * 4, m + r * 8];
    });
  });
}
