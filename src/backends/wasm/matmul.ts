/**
 * The CPU backend's Matrix product launcher (kernels in assembly/matmul.ts).
 * Free functions of the backend's {@link WasmKernels}.
 * @module
 */
import { ITEM_SIZE } from "../../dtype.ts";
import type { MatmulArgs, Storage } from "../backend.ts";
import { checkMatmul } from "../contract.ts";
import type { WasmKernels } from "./kernels.ts";
import type { WasmStorage } from "./heap.ts";
import { checkStorage, NS, PARTS_PER_THREAD } from "./shared.ts";

/** Each dtype's workspace-size kernel (a constant name: no string is built per call). */
const WORKSPACE_FN = {
  float32: "matmul_f32_workspace",
  float64: "matmul_f64_workspace",
  int32: "matmul_i32_workspace",
} as const;

export function matmul(ctx: WasmKernels, a: Storage, b: Storage, args: MatmulArgs): WasmStorage {
  const sa = checkStorage("matmul", a), sb = checkStorage("matmul", b);
  const dtype = checkMatmul(sa, sb, args);
  let { batch, m } = args;
  const { k, n, transA, transB } = args;
  let { aBatchStride, bBatchStride } = args;
  const needA = batch === 0 ? 0 : (batch - 1) * aBatchStride + m * k;
  const needB = batch === 0 ? 0 : (batch - 1) * bBatchStride + k * n;
  const total = batch * m * n;
  if (total === 0) return ctx.zeros(dtype);
  // A shared B with back-to-back A matrices is one taller product.
  if (batch > 1 && bBatchStride === 0 && !transA && aBatchStride === m * k) {
    m *= batch;
    batch = 1;
    aBatchStride = 0;
  }
  const bias = args.bias ? checkStorage("matmul", args.bias) : null;
  ctx.heap.plan("matmul", (total + needA + needB) * ITEM_SIZE[dtype]);
  const helpers = dtype === "float32" ? ctx.helpers(total * k * NS.fma) : 0;
  return ctx.call(() => {
    const ap = ctx.input(sa, 0, needA);
    const bp = ctx.input(sb, 0, needB);
    const biasPtr = bias ? ctx.input(bias) : 0;
    const [out, outPtr] = ctx.output(dtype, total);
    const ws = ctx.fn(WORKSPACE_FN[dtype])(m, k, n) >>> 0;
    const work = ctx.heap.temp(ws * (helpers + 1));
    const tA = transA ? 1 : 0, tB = transB ? 1 : 0;
    if (dtype === "int32") {
      ctx.fn("matmul_i32")(ap, bp, outPtr, batch, m, k, n, aBatchStride, bBatchStride, tA, tB, work);
    } else if (dtype === "float64") {
      const f = ctx.fn("matmul_f64");
      f(ap, bp, outPtr, batch, m, k, n, aBatchStride, bBatchStride, tA, tB, work, biasPtr);
    } else if (helpers === 0) {
      ctx.fn("matmul_f32")(
        ap,
        bp,
        outPtr,
        m,
        k,
        n,
        aBatchStride,
        bBatchStride,
        tA,
        tB,
        biasPtr,
        work,
        0,
        0,
        batch,
        0,
        m,
        0,
        n,
      );
    } else {
      const head = [ap, bp, outPtr, m, k, n, aBatchStride, bBatchStride, tA, tB, biasPtr, work, ws];
      const blocks = matmulBlocks(ctx, batch, m, n, k, helpers + 1);
      ctx.runParts("matmul_f32", blocks.map((b) => [...head, ...b]), helpers);
    }
    return out;
  });
}

/**
 * Blocks [b0, b1, i0, i1, j0, j1] of a product for `threads` threads: about PARTS_PER_THREAD per
 * thread (fewer when small: each at least PARALLEL_MIN_NS / 2 of work), whole batches when there
 * are enough, else a grid of row and column blocks shaped to pack little twice (a row block packs
 * its columns of B, a column block its rows of A). Row blocks start at multiples of the register
 * tile's rows and column blocks at multiples of 8, so each element is computed as on one thread.
 */
export function matmulBlocks(
  ctx: WasmKernels,
  batch: number,
  m: number,
  n: number,
  k: number,
  threads: number,
): number[][] {
  const mr = ctx.mr ||= ctx.fn("matmul_f32_mr")();
  const work = batch * m * n * k * NS.fma;
  const want = Math.max(
    threads,
    Math.min(threads * PARTS_PER_THREAD, ctx.minNs > 0 ? Math.floor(work / (ctx.minNs / 2)) : Infinity),
  );
  const blocks: number[][] = [];
  if (batch >= want) {
    for (let p = 0; p < want; p++) {
      const b0 = Math.floor((batch * p) / want), b1 = Math.floor((batch * (p + 1)) / want);
      if (b1 > b0) blocks.push([b0, b1, 0, m, 0, n]);
    }
    return blocks;
  }
  const perBatch = Math.ceil(want / batch);
  const rowUnits = Math.ceil(m / mr), colUnits = Math.ceil(n / 8);
  const gr = Math.max(1, Math.min(rowUnits, Math.round(Math.sqrt((perBatch * m) / n))));
  const gc = Math.max(1, Math.min(colUnits, Math.ceil(perBatch / gr)));
  const cut = (units: number, parts: number, unit: number, size: number, p: number) =>
    Math.min(size, Math.floor((units * p) / parts) * unit);
  for (let bt = 0; bt < batch; bt++) {
    for (let r = 0; r < gr; r++) {
      const i0 = cut(rowUnits, gr, mr, m, r), i1 = r === gr - 1 ? m : cut(rowUnits, gr, mr, m, r + 1);
      if (i1 <= i0) continue;
      for (let c = 0; c < gc; c++) {
        const j0 = cut(colUnits, gc, 8, n, c), j1 = c === gc - 1 ? n : cut(colUnits, gc, 8, n, c + 1);
        if (j1 > j0) blocks.push([bt, bt + 1, i0, i1, j0, j1]);
      }
    }
  }
  return blocks;
}
