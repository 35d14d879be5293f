/**
 * The CPU backend's gather / index_select and scatter_add launchers (kernels in assembly/indexing.ts).
 * Free functions of the backend's {@link WasmKernels}.
 * @module
 */
import { ITEM_SIZE, typedArrayFor } from "../../dtype.ts";
import type { Storage } from "../backend.ts";
import { gatherContract, scatterAddContract } from "../contract.ts";
import type { WasmKernels } from "./kernels.ts";
import { liveView, slotOf, WasmStorage } from "./heap.ts";
import { checkStorage, NS, SUFFIX, X_NAME } from "./shared.ts";

/** Throws for the first index outside [0, len). */
function checkIndices(op: string, idx: WasmStorage, len: number): void {
  const ix = liveView(slotOf(idx));
  for (let i = 0; i < ix.length; i++) {
    const v = ix[i];
    if (v < 0 || v >= len) throwBadIndex(op, idx, i, len);
  }
}

function throwBadIndex(op: string, index: WasmStorage, pos: number, len: number): never {
  throw new RangeError(
    `${op}: index ${liveView(slotOf(index))[pos]} is out of bounds for dimension with size ${len}`,
  );
}

export function gather(
  ctx: WasmKernels,
  x: Storage,
  index: Storage,
  outer: number,
  len: number,
  inner: number,
  idxLen: number,
  indexIs1d: boolean,
): WasmStorage {
  const op = indexIs1d ? "indexSelect" : "gather";
  const s = checkStorage(op, x), idx = checkStorage(op, index);
  const n = gatherContract(s, idx, outer, len, inner, idxLen, indexIs1d).numel;
  if (n === 0) {
    // Still validate the indices (e.g. inner == 0 with a 1-d index).
    checkIndices(op, idx, len);
    return new WasmStorage(s.dtype, typedArrayFor(s.dtype, 0));
  }
  const size = ITEM_SIZE[s.dtype];
  const xs = slotOf(s);
  if (xs.heap !== ctx.heap && xs.bytes > ctx.heap.largeBytes) {
    // A large spilled source stays out of the cache: copy only the rows the index selects.
    checkIndices(op, idx, len);
    return ctx.call(() => {
      const [out, outPtr] = ctx.output(s.dtype, n);
      const ix = liveView(slotOf(idx)), src = liveView(xs); // after the allocation (growth)
      const dst = ctx.view(s.dtype, outPtr, n);
      for (let o = 0, q = 0; o < outer; o++) {
        const rowBase = o * len * inner;
        if (indexIs1d || inner === 1) {
          for (let j = 0; j < idxLen; j++, q += inner) {
            const from = rowBase + ix[indexIs1d ? j : o * idxLen + j] * inner;
            if (inner === 1) dst[q] = src[from];
            else dst.set(src.subarray(from, from + inner), q);
          }
        } else {
          for (let j = 0; j < idxLen; j++) {
            for (let i = 0; i < inner; i++, q++) dst[q] = src[rowBase + ix[q] * inner + i];
          }
        }
      }
      return out;
    });
  }
  const helpers = outer >= 2 ? ctx.helpers(n * NS.cheap) : 0;
  return ctx.call(() => {
    const xp = ctx.input(s), ip = ctx.input(idx);
    const [out, outPtr] = ctx.output(s.dtype, n);
    const bad = indexRun(
      ctx,
      `gather_${X_NAME[size]}`,
      helpers,
      xp,
      ip,
      outPtr,
      outer,
      len,
      inner,
      idxLen,
      indexIs1d,
      size,
      len,
      idxLen,
    );
    if (bad >= 0) {
      out.dispose();
      throwBadIndex(op, idx, bad, len);
    }
    return out;
  });
}

/**
 * gather_* / scatterAdd_* (`(src, index, out, outer, len, inner, idxLen, is1d)`), on one thread
 * or, with `helpers`, split over `outer` (each block reads and writes its own slices) once this
 * thread has checked every index. `srcRows` / `outRows`: rows of `inner` elements of `size` bytes
 * per outer block of the source and the output. Returns the first bad index position, or -1.
 */
function indexRun(
  ctx: WasmKernels,
  name: string,
  helpers: number,
  sp: number,
  ip: number,
  outPtr: number,
  outer: number,
  len: number,
  inner: number,
  idxLen: number,
  is1d: boolean,
  size: number,
  srcRows: number,
  outRows: number,
): number {
  const flag = is1d ? 1 : 0;
  if (helpers === 0) return ctx.fn(name)(sp, ip, outPtr, outer, len, inner, idxLen, flag);
  const bad = ctx.fn("first_bad_index")(ip, is1d ? idxLen : outer * idxLen * inner, len);
  if (bad >= 0) return bad;
  const src = srcRows * inner * size, dst = outRows * inner * size, ix = is1d ? 0 : idxLen * inner * 4;
  ctx.splitRun(
    name,
    helpers,
    outer,
    1,
    (f, t) => [sp + f * src, ip + f * ix, outPtr + f * dst, t - f, len, inner, idxLen, flag],
  );
  return -1;
}

export function scatterAdd(
  ctx: WasmKernels,
  src: Storage,
  index: Storage,
  outer: number,
  len: number,
  inner: number,
  idxLen: number,
  indexIs1d: boolean,
): WasmStorage {
  const op = "scatterAdd";
  const s = checkStorage(op, src), idx = checkStorage(op, index);
  const { dtype, numel: n, empty } = scatterAddContract(s, idx, outer, len, inner, idxLen, indexIs1d);
  if (empty) {
    checkIndices(op, idx, len);
    return ctx.zeros(dtype, n);
  }
  const helpers = outer >= 2 ? ctx.helpers(n * NS.cheap) : 0;
  return ctx.call(() => {
    const sp = ctx.input(s), ip = ctx.input(idx);
    const [out, outPtr] = ctx.output(dtype, n);
    const bad = indexRun(
      ctx,
      `scatterAdd_${SUFFIX[dtype]}`,
      helpers,
      sp,
      ip,
      outPtr,
      outer,
      len,
      inner,
      idxLen,
      indexIs1d,
      ITEM_SIZE[dtype],
      idxLen,
      len,
    );
    if (bad >= 0) {
      out.dispose();
      throwBadIndex(op, idx, bad, len);
    }
    return out;
  });
}
