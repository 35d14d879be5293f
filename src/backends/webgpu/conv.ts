/**
 * The GPU backend's im2col / col2im launchers (kernels in wgsl/conv.wgsl).
 * Free functions of the backend's {@link GpuContext}.
 * @module
 */
import { type Conv2dGeometry, conv2dGeometryWords, type Storage } from "../backend.ts";
import { checkConvGeom } from "../contract.ts";
import type { GpuContext } from "./context.ts";
import { ceilDiv } from "./shared.ts";
import type { WebGPUStorage } from "./storage.ts";
import * as checksOps from "./checks.ts";
import * as dispatchOps from "./dispatch.ts";

/** The conv kernels' parameters: geometry, r, n, im2col's piece size and count, col2im's window range. */
function convParams(
  ctx: GpuContext,
  g: Conv2dGeometry,
  r: number,
  n: number,
  extra: readonly number[],
): number {
  const base = dispatchOps.paramWords(ctx);
  const vals = [...conv2dGeometryWords(g), r, n, ...extra];
  vals.forEach((v, i) => ctx.u32[base + i] = v);
  return base;
}

export function im2col(ctx: GpuContext, x: Storage, geom: Conv2dGeometry): WebGPUStorage {
  return checksOps.inherit(im2colImpl(ctx, x, geom), x);
}

function im2colImpl(ctx: GpuContext, x: Storage, geom: Conv2dGeometry): WebGPUStorage {
  const r = checkConvGeom("im2col", geom);
  const { batch, channels, height, width, groups, outH, outW } = geom;
  const s = ctx.float32("im2col", x, batch * channels * height * width, "input");
  const n = batch * groups * r * outH * outW;
  const out = ctx.alloc("float32", n);
  if (n === 0) return out;
  // One invocation per piece of an output row segment; the kernel has three loops over a piece
  // (ones row, zero row, input row), which neighbouring invocations may all take.
  const piece = Math.min(outW, Math.floor(ctx.loopBudget / 3));
  const pieces = ceilDiv(outW, piece);
  const threads = (n / outW) * pieces;
  const base = convParams(ctx, geom, r, threads, [piece, pieces, 0, 0]);
  dispatchOps.run1d(ctx, ctx.pipelines.get("im2col"), base, [
    { binding: 1, entry: ctx.entryOf(s) },
    { binding: 2, entry: ctx.entryOf(out) },
  ], threads);
  return out;
}

export function col2im(ctx: GpuContext, cols: Storage, geom: Conv2dGeometry): WebGPUStorage {
  return checksOps.inherit(col2imImpl(ctx, cols, geom), cols);
}

function col2imImpl(ctx: GpuContext, cols: Storage, geom: Conv2dGeometry): WebGPUStorage {
  const r = checkConvGeom("col2im", geom);
  const { batch, channels, height, width, groups, outH, outW } = geom;
  const s = ctx.float32("col2im", cols, batch * groups * r * outH * outW, "cols");
  const n = batch * channels * height * width;
  if (n === 0 || s.numel === 0) return ctx.backend.full("float32", n, 0);
  const out = ctx.alloc("float32", n);
  const k = ctx.pipelines.get("col2im");
  const bindings = [{ binding: 1, entry: ctx.entryOf(s) }, { binding: 2, entry: ctx.entryOf(out) }];
  // The window entries (ki, kj) in slices: an iteration per entry plus one per kernel row.
  for (const [lo, hi] of dispatchOps.slices(ctx, geom.kernelH * geom.kernelW, 1, 2)) {
    const base = convParams(ctx, geom, r, n, [0, 0, lo, hi]);
    dispatchOps.run1d(ctx, k, base, bindings, n);
  }
  return out;
}
