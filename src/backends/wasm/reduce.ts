/**
 * The CPU backend's Reductions, arg-reductions and cumsum (kernels in assembly/reduce.ts).
 * Free functions of the backend's {@link WasmKernels}.
 * @module
 */
import { type ComputeDType, ITEM_SIZE } from "../../dtype.ts";
import type { ReduceOp, Storage } from "../backend.ts";
import { reduceContract, scanContract } from "../contract.ts";
import type { WasmKernels } from "./kernels.ts";
import type { WasmStorage } from "./heap.ts";
import {
  beats,
  checkStorage,
  kernelName,
  NS,
  pairwiseLeaves,
  pairwiseTotal,
  PARTS_PER_THREAD,
  SUFFIX,
} from "./shared.ts";

export function reduce(
  ctx: WasmKernels,
  op: ReduceOp,
  x: Storage,
  outer: number,
  len: number,
  inner: number,
): WasmStorage {
  const s = checkStorage(op, x);
  const { dtype: outDtype, numel: n } = reduceContract(op, s, outer, len, inner);
  const dtype = s.dtype as ComputeDType;
  if (n === 0) return ctx.zeros(outDtype);
  ctx.plan(op, outDtype, n, s);
  // float64 reductions run on this thread (the split's offsets and partials are 4-byte elements).
  const helpers = dtype === "float64" ? 0 : ctx.helpers(s.numel * NS.reduce);
  return ctx.call(() => {
    const xp = ctx.input(s);
    const [out, outPtr] = ctx.output(outDtype, n);
    const name = kernelName(op, dtype);
    if (helpers === 0) ctx.fn(name)(xp, outPtr, outer, len, inner);
    else reduceSplit(ctx, op, dtype, helpers, xp, outPtr, outer, len, inner);
    return out;
  });
}

/**
 * A reduction on several threads: blocks of whole outputs (rows of `outer`, or blocks of 16+
 * columns of wide rows), each computed exactly as on one thread; or, for few long rows, pieces
 * of each row reduced to partials that this thread then combines: float32 sums along the
 * kernel's own pairwise tree (exact), max, min, argmax/argmin and int32 in chunks (exact), and
 * float32 products in chunks (within float rounding of the one-thread product).
 */
function reduceSplit(
  ctx: WasmKernels,
  op: ReduceOp,
  dtype: ComputeDType,
  helpers: number,
  xp: number,
  outPtr: number,
  outer: number,
  len: number,
  inner: number,
): void {
  const threads = helpers + 1, sfx = SUFFIX[dtype], name = `${op}_${sfx}`;
  const arg = op === "argmax" || op === "argmin";
  if (outer >= 2 * threads) {
    const row = len * inner * 4;
    ctx.splitRun(
      name,
      helpers,
      outer,
      1,
      (f, t) => [xp + f * row, outPtr + f * inner * 4, t - f, len, inner],
    );
  } else if (inner >= 32) {
    if (arg) {
      const isMax = op === "argmax" ? 1 : 0;
      ctx.splitRun(`argreduce_cols_${sfx}`, helpers, inner, 16, (f, t) => [
        isMax,
        xp + f * 4,
        outPtr + f * 4,
        outer,
        len,
        t - f,
        inner,
      ]);
    } else {
      const code = ["sum", "prod", "max", "min"].indexOf(op);
      ctx.splitRun(`reduce_cols_${sfx}`, helpers, inner, 16, (f, t) => [
        code,
        xp + f * 4,
        outPtr + f * 4,
        outer,
        len,
        t - f,
        inner,
      ]);
    }
  } else if (inner === 1 && len >= 4096 && op === "sum" && dtype === "float32") {
    // The subtrees of the kernel's pairwise sum, added up here in the kernel's order: exact.
    let depth = 0;
    while (2 ** depth < threads * PARTS_PER_THREAD) depth++;
    const leaves = pairwiseLeaves(len, depth);
    const partial = ctx.heap.temp(outer * leaves.length * 4);
    const list: number[][] = [];
    for (let o = 0; o < outer; o++) {
      leaves.forEach(([from, count], i) => {
        list.push([xp + (o * len + from) * 4, partial + (o * leaves.length + i) * 4, 1, count, 1]);
      });
    }
    ctx.runParts(name, list, helpers);
    const sums = ctx.view("float32", partial, outer * leaves.length),
      res = ctx.view("float32", outPtr, outer);
    for (let o = 0; o < outer; o++) {
      let next = o * leaves.length;
      res[o] = pairwiseTotal(len, depth, () => sums[next++]);
    }
  } else if (inner === 1 && len >= 4096) {
    // Row chunks (multiples of 1024 elements) reduced to partials [outer, chunks].
    const chunks = Math.min(Math.floor(len / 1024), threads * PARTS_PER_THREAD);
    const bounds = (c: number) => Math.floor((len * c) / chunks / 1024) * 1024;
    const partial = ctx.heap.temp(outer * chunks * 4);
    const list: number[][] = [];
    for (let o = 0; o < outer; o++) {
      for (let c = 0; c < chunks; c++) {
        const from = bounds(c), to = c === chunks - 1 ? len : bounds(c + 1);
        list.push([xp + (o * len + from) * 4, partial + (o * chunks + c) * 4, 1, to - from, 1]);
      }
    }
    ctx.runParts(name, list, helpers);
    if (!arg) {
      ctx.fn(name)(partial, outPtr, outer, chunks, 1);
      return;
    }
    // Chunk-local indices: the first chunk whose value beats the best so far wins (NaN wins).
    const isMax = op === "argmax";
    const idx = ctx.view("int32", partial, outer * chunks), res = ctx.view("int32", outPtr, outer);
    const x = ctx.view(dtype, xp, outer * len);
    for (let o = 0; o < outer; o++) {
      let best = -1, bv = 0;
      for (let c = 0; c < chunks; c++) {
        const i = bounds(c) + idx[o * chunks + c], v = x[o * len + i];
        if (best < 0 || beats(isMax, v, bv)) {
          best = i;
          bv = v;
        }
      }
      res[o] = best;
    }
  } else {
    ctx.fn(name)(xp, outPtr, outer, len, inner);
  }
}

export function cumsum(ctx: WasmKernels, x: Storage, outer: number, len: number, inner: number): WasmStorage {
  const s = checkStorage("cumsum", x);
  const { dtype, numel: n } = scanContract("cumsum", s, outer, len, inner);
  if (n === 0) return ctx.zeros(dtype);
  ctx.plan("cumsum", dtype, n, s);
  const helpers = outer >= 2 ? ctx.helpers(n * NS.cumsum) : 0;
  const itemSize = ITEM_SIZE[dtype];
  return ctx.call(() => {
    const xp = ctx.input(s);
    const [out, outPtr] = ctx.output(dtype, n);
    const name = `cumsum_${SUFFIX[dtype]}`;
    if (helpers === 0) ctx.fn(name)(xp, outPtr, outer, len, inner);
    else {
      const row = len * inner * itemSize;
      ctx.splitRun(
        name,
        helpers,
        outer,
        1,
        (f, t) => [xp + f * row, outPtr + f * row, t - f, len, inner],
      );
    }
    return out;
  });
}
