/**
 * The GPU backend's strided copies (kernels in wgsl/copy.wgsl).
 * Free functions of the {@link WebGPUBackend} they are called on.
 * @module
 */
import type { Storage } from "../backend.ts";
import { planCopy } from "../validate.ts";
import type { WebGPUBackend } from "./backend.ts";
import type { PoolEntry } from "./buffer_pool.ts";
import * as checksOps from "./checks.ts";
import * as dispatchOps from "./dispatch.ts";
import * as lazyOps from "./lazy.ts";

export function copy(
  be: WebGPUBackend,
  src: Storage,
  srcOffset: number,
  srcStrides: readonly number[],
  dst: Storage,
  dstOffset: number,
  dstStrides: readonly number[],
  shape: readonly number[],
): void {
  const s = be._operand("copy", src), d = be._operand("copy", dst);
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
    lazyOps.makePending(be, d, lazyOps.makeNode(be, d.dtype, n, [s], ([x]) => ({ kind: "copy", x })));
    return;
  }
  if (s._lazy) lazyOps.materialize(be, s);
  lazyOps.beforeWrite(be, d);
  let srcEntry = be._entryOf(s);
  const dstEntry = be._entryOf(d);
  let srcOff = srcOffset;
  let staged: PoolEntry | null = null;
  if (s === d) {
    // One buffer cannot be bound for reading and writing at once: read from a copy.
    const len = sMax - sMin + 1;
    staged = be._temp(len);
    be._copyEncoder().copyBufferToBuffer(srcEntry.buffer, sMin * 4, staged.buffer, 0, len * 4);
    srcEntry.epoch = be._epoch;
    srcEntry = staged;
    srcOff = srcOffset - sMin;
  }
  if (dims.length === 0 || (dims.length === 1 && dims[0].d === 1 && dims[0].s === 1)) {
    const n = dims.length === 0 ? 1 : dims[0].n;
    be._copyEncoder().copyBufferToBuffer(
      srcEntry.buffer,
      srcOff * 4,
      dstEntry.buffer,
      dstOffset * 4,
      n * 4,
    );
    srcEntry.epoch = dstEntry.epoch = be._epoch;
  } else {
    copyDims(be, srcEntry, srcOff, dstEntry, dstOffset, dims);
  }
  if (staged) be._release(staged);
}

/** Strided-copy dispatches; more than 8 merged dimensions loop over the leading ones. */
function copyDims(
  be: WebGPUBackend,
  src: PoolEntry,
  srcOff: number,
  dst: PoolEntry,
  dstOff: number,
  dims: { n: number; s: number; d: number }[],
): void {
  if (dims.length > 8) {
    const [head, ...rest] = dims;
    for (let j = 0; j < head.n; j++) {
      copyDims(be, src, srcOff + j * head.s, dst, dstOff + j * head.d, rest);
    }
    return;
  }
  let n = 1;
  for (const x of dims) n *= x.n;
  const base = dispatchOps.paramWords(be);
  const u = be._u32, i = be._i32;
  u[base] = n;
  u[base + 1] = dims.length;
  i[base + 2] = srcOff;
  i[base + 3] = dstOff;
  dims.forEach((x, k) => {
    u[base + 4 + k] = x.n;
    i[base + 12 + k] = x.s;
    i[base + 20 + k] = x.d;
  });
  dispatchOps.run1d(be, be._pipelines.get("copy"), base, [
    { binding: 1, entry: src },
    { binding: 2, entry: dst },
  ], n);
}
