/**
 * The CPU backend's im2col / col2im launchers (kernels in assembly/conv.ts).
 * Free functions of the backend's {@link WasmKernels}.
 * @module
 */
import { type Conv2dGeometry, conv2dGeometryWords, type Storage } from "../backend.ts";
import { checkConvGeom } from "../contract.ts";
import type { WasmKernels } from "./kernels.ts";
import type { WasmStorage } from "./heap.ts";
import { NS } from "./shared.ts";

export function im2col(ctx: WasmKernels, x: Storage, geom: Conv2dGeometry): WasmStorage {
  const r = checkConvGeom("im2col", geom);
  const { batch, channels, height, width, groups, outH, outW } = geom;
  const s = ctx.float32("im2col", x, batch * channels * height * width, "input");
  const n = batch * groups * r * outH * outW;
  if (n === 0) return ctx.zeros("float32");
  ctx.plan("im2col", "float32", n, s);
  const helpers = batch >= 2 ? ctx.helpers(n * NS.im2col) : 0;
  return ctx.call(() => {
    const xp = ctx.input(s);
    const [out, outPtr] = ctx.output("float32", n);
    batchRun(ctx, "im2col_f32", helpers, geom, xp, outPtr, channels * height * width, n / batch);
    return out;
  });
}

/**
 * im2col_f32 / col2im_f32 (`(src, dst, ...geometry)`), images split between `helpers` workers
 * and here; `srcImage` / `dstImage`: elements per image of source and destination.
 */
function batchRun(
  ctx: WasmKernels,
  name: string,
  helpers: number,
  geom: Conv2dGeometry,
  src: number,
  dst: number,
  srcImage: number,
  dstImage: number,
): void {
  const words = conv2dGeometryWords(geom);
  if (helpers === 0) {
    ctx.fn(name)(src, dst, ...words);
    return;
  }
  ctx.splitRun(
    name,
    helpers,
    geom.batch,
    1,
    (f, t) => [src + f * srcImage * 4, dst + f * dstImage * 4, t - f, ...words.slice(1)],
  );
}

export function col2im(ctx: WasmKernels, cols: Storage, geom: Conv2dGeometry): WasmStorage {
  const r = checkConvGeom("col2im", geom);
  const { batch, channels, height, width, groups, outH, outW } = geom;
  const s = ctx.float32("col2im", cols, batch * groups * r * outH * outW, "cols");
  const n = batch * channels * height * width;
  if (n === 0 || s.numel === 0) return ctx.zeros("float32", n);
  ctx.plan("col2im", "float32", n, s);
  const helpers = batch >= 2 ? ctx.helpers(s.numel * NS.im2col) : 0;
  return ctx.call(() => {
    const cp = ctx.input(s);
    const [out, outPtr] = ctx.output("float32", n);
    batchRun(ctx, "col2im_f32", helpers, geom, cp, outPtr, s.numel / batch, n / batch);
    return out;
  });
}
