/**
 * The GPU backend's 2-d pooling launchers (kernels in wgsl/pool.wgsl).
 * Free functions of the backend's {@link GpuContext}.
 * @module
 */
import type { AvgPoolOptions, Pool2dGeometry, Storage } from "../backend.ts";
import { checkAvg, checkPoolGeom } from "../contract.ts";
import type { GpuContext } from "./context.ts";
import { type Binding, ceilDiv } from "./shared.ts";
import type { WebGPUStorage } from "./storage.ts";
import * as checksOps from "./checks.ts";
import * as dispatchOps from "./dispatch.ts";

/**
 * Encodes a pooling kernel over `n` outputs in dispatches that each visit a slice of the
 * `nh` x `nw` grid of window positions (see wgsl/pool.wgsl); `step` 2 keeps 2-wide rows whole.
 */
function poolDispatches(
  ctx: GpuContext,
  name: string,
  g: Pool2dGeometry,
  opts: AvgPoolOptions | null,
  n: number,
  grid: [number, number],
  bindings: Binding[],
  step = 1,
): void {
  const nw = Math.max(grid[1], 1);
  const total = Math.max(grid[0] * nw, 1);
  const k = ctx.pipelines.get(name);
  // An iteration per position plus one per grid row.
  for (const [lo, hi] of dispatchOps.slices(ctx, total, step, 2 * step)) {
    const base = poolParams(ctx, g, opts, n);
    ctx.u32.set([lo, hi, nw, hi === total ? 1 : 0], base + 18);
    dispatchOps.run1d(ctx, k, base, bindings, n);
  }
}

function poolParams(ctx: GpuContext, g: Pool2dGeometry, opts: AvgPoolOptions | null, n: number): number {
  const base = dispatchOps.paramWords(ctx);
  const u = ctx.u32, i = ctx.i32;
  u[base] = g.planes;
  u[base + 1] = g.height;
  u[base + 2] = g.width;
  u[base + 3] = g.kernelH;
  u[base + 4] = g.kernelW;
  u[base + 5] = g.strideH;
  u[base + 6] = g.strideW;
  i[base + 7] = g.padH;
  i[base + 8] = g.padW;
  u[base + 9] = g.dilationH;
  u[base + 10] = g.dilationW;
  u[base + 11] = g.outH;
  u[base + 12] = g.outW;
  u[base + 13] = opts?.countIncludePad ? 1 : 0;
  i[base + 14] = opts?.divisor ?? 0;
  u[base + 15] = n;
  if (opts && g.kernelW === 2 && g.strideW === 2) {
    // The CPU's vector path for 2-wide, stride-2 windows inside the row sums pairs first.
    const lo = Math.min(g.outW, g.padW > 0 ? Math.ceil(g.padW / 2) : 0);
    const lim = g.width - 1 - (1 - g.padW);
    const hi = Math.max(lo, lim < 0 ? 0 : Math.min(g.outW, Math.floor(lim / 2) + 1));
    if (hi - lo >= 4) {
      u[base + 16] = lo;
      u[base + 17] = hi;
    }
  }
  return base;
}

export function maxPool2d(
  ctx: GpuContext,
  x: Storage,
  geom: Pool2dGeometry,
): { values: WebGPUStorage; indices: WebGPUStorage } {
  const r = maxPool2dImpl(ctx, x, geom);
  checksOps.inherit(r.values, x);
  checksOps.inherit(r.indices, x);
  return r;
}

function maxPool2dImpl(
  ctx: GpuContext,
  x: Storage,
  geom: Pool2dGeometry,
): { values: WebGPUStorage; indices: WebGPUStorage } {
  checkPoolGeom("maxPool2d", geom);
  const { planes, height, width, outH, outW } = geom;
  const s = ctx.float32("maxPool2d", x, planes * height * width, "input");
  const n = planes * outH * outW;
  if (n === 0) return { values: ctx.alloc("float32", 0), indices: ctx.alloc("int32", 0) };
  if (height * width === 0) throw new RangeError("maxPool2d: cannot pool an empty plane");
  const values = ctx.alloc("float32", n), indices = ctx.alloc("int32", n);
  // Window positions inside the plane: at most ceil(size / dilation) per dim.
  const grid: [number, number] = [
    Math.min(geom.kernelH, ceilDiv(height, geom.dilationH)),
    Math.min(geom.kernelW, ceilDiv(width, geom.dilationW)),
  ];
  poolDispatches(ctx, "maxPool2d", geom, null, n, grid, [
    { binding: 1, entry: ctx.entryOf(s) },
    { binding: 2, entry: ctx.entryOf(values) },
    { binding: 3, entry: ctx.entryOf(indices) },
  ]);
  return { values, indices };
}

export function avgPool2d(
  ctx: GpuContext,
  x: Storage,
  geom: Pool2dGeometry,
  opts: AvgPoolOptions,
): WebGPUStorage {
  return checksOps.inherit(avgPool2dImpl(ctx, x, geom, opts), x);
}

function avgPool2dImpl(
  ctx: GpuContext,
  x: Storage,
  geom: Pool2dGeometry,
  opts: AvgPoolOptions,
): WebGPUStorage {
  checkAvg("avgPool2d", geom, opts);
  const { planes, height, width, outH, outW } = geom;
  const s = ctx.float32("avgPool2d", x, planes * height * width, "input");
  const n = planes * outH * outW;
  const out = ctx.alloc("float32", n);
  if (n === 0) return out;
  const grid: [number, number] = [Math.min(geom.kernelH, height), Math.min(geom.kernelW, width)];
  poolDispatches(ctx, "avgPool2d", geom, opts, n, grid, [
    { binding: 1, entry: ctx.entryOf(s) },
    { binding: 2, entry: ctx.entryOf(out) },
  ], 2);
  return out;
}

export function avgPool2dBackward(
  ctx: GpuContext,
  grad: Storage,
  geom: Pool2dGeometry,
  opts: AvgPoolOptions,
): WebGPUStorage {
  return checksOps.inherit(avgPool2dBackwardImpl(ctx, grad, geom, opts), grad);
}

function avgPool2dBackwardImpl(
  ctx: GpuContext,
  grad: Storage,
  geom: Pool2dGeometry,
  opts: AvgPoolOptions,
): WebGPUStorage {
  checkAvg("avgPool2dBackward", geom, opts);
  const { planes, height, width, outH, outW } = geom;
  const s = ctx.float32("avgPool2dBackward", grad, planes * outH * outW, "grad");
  const n = planes * height * width;
  if (n === 0 || s.numel === 0) return ctx.backend.full("float32", n, 0);
  const out = ctx.alloc("float32", n);
  // Windows covering one element: at most ceil(kernel / stride) per dim.
  const grid: [number, number] = [
    Math.min(ceilDiv(geom.kernelH, geom.strideH), outH),
    Math.min(ceilDiv(geom.kernelW, geom.strideW), outW),
  ];
  poolDispatches(ctx, "avgPool2dBackward", geom, opts, n, grid, [
    { binding: 1, entry: ctx.entryOf(s) },
    { binding: 2, entry: ctx.entryOf(out) },
  ]);
  return out;
}
