/**
 * The GPU backend's im2col / col2im launchers (kernels in wgsl/conv.wgsl).
 * Free functions of the {@link WebGPUBackend} they are called on.
 * @module
 */
import { type Conv2dGeometry, conv2dGeometryWords, type Storage } from "../backend.ts";
import { checkConvGeom } from "../validate.ts";
import type { WebGPUBackend } from "./backend.ts";
import { ceilDiv } from "./shared.ts";
import type { WebGPUStorage } from "./storage.ts";
import * as checksOps from "./checks.ts";
import * as dispatchOps from "./dispatch.ts";

/** The conv kernels' parameters: geometry, r, n, im2col's piece size and count, col2im's window range. */
function convParams(
  be: WebGPUBackend,
  g: Conv2dGeometry,
  r: number,
  n: number,
  extra: readonly number[],
): number {
  const base = dispatchOps.paramWords(be);
  const vals = [...conv2dGeometryWords(g), r, n, ...extra];
  vals.forEach((v, i) => be._u32[base + i] = v);
  return base;
}

export function im2col(be: WebGPUBackend, x: Storage, geom: Conv2dGeometry): WebGPUStorage {
  return checksOps.inherit(im2colImpl(be, x, geom), x);
}

function im2colImpl(be: WebGPUBackend, x: Storage, geom: Conv2dGeometry): WebGPUStorage {
  const r = checkConvGeom("im2col", geom);
  const { batch, channels, height, width, groups, outH, outW } = geom;
  const s = be._float("im2col", x, batch * channels * height * width, "input");
  const n = batch * groups * r * outH * outW;
  const out = be._alloc("float32", n);
  if (n === 0) return out;
  // One invocation per piece of an output row segment; the kernel has three loops over a piece
  // (ones row, zero row, input row), which neighbouring invocations may all take.
  const piece = Math.min(outW, Math.floor(be._loopBudget / 3));
  const pieces = ceilDiv(outW, piece);
  const threads = (n / outW) * pieces;
  const base = convParams(be, geom, r, threads, [piece, pieces, 0, 0]);
  dispatchOps.run1d(be, be._pipelines.get("im2col"), base, [
    { binding: 1, entry: be._entryOf(s) },
    { binding: 2, entry: be._entryOf(out) },
  ], threads);
  return out;
}

export function col2im(be: WebGPUBackend, cols: Storage, geom: Conv2dGeometry): WebGPUStorage {
  return checksOps.inherit(col2imImpl(be, cols, geom), cols);
}

function col2imImpl(be: WebGPUBackend, cols: Storage, geom: Conv2dGeometry): WebGPUStorage {
  const r = checkConvGeom("col2im", geom);
  const { batch, channels, height, width, groups, outH, outW } = geom;
  const s = be._float("col2im", cols, batch * groups * r * outH * outW, "cols");
  const n = batch * channels * height * width;
  if (n === 0 || s.numel === 0) return be.full("float32", n, 0);
  const out = be._alloc("float32", n);
  const k = be._pipelines.get("col2im");
  const bindings = [{ binding: 1, entry: be._entryOf(s) }, { binding: 2, entry: be._entryOf(out) }];
  // The window entries (ki, kj) in slices: an iteration per entry plus one per kernel row.
  for (const [lo, hi] of dispatchOps.slices(be, geom.kernelH * geom.kernelW, 1, 2)) {
    const base = convParams(be, geom, r, n, [0, 0, lo, hi]);
    dispatchOps.run1d(be, k, base, bindings, n);
  }
  return out;
}
