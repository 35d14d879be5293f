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

/**
 * The input gradient of an ungrouped convolution, image by image (conv2d_input_grad_f32): each
 * image's columns live only in a per-thread buffer instead of one `[batch, R, L]` product.
 */
export function conv2dInputGrad(
  ctx: WasmKernels,
  weight: Storage,
  grad: Storage,
  geom: Conv2dGeometry,
  outChannels: number,
): WasmStorage {
  const r = checkConvGeom("conv2dInputGrad", geom);
  const { batch, channels, height, width, outH, outW } = geom;
  if (geom.groups !== 1 || geom.onesRow) {
    throw new RangeError("conv2dInputGrad: expected an ungrouped geometry without a ones row");
  }
  const l = outH * outW, o = outChannels;
  const sw = ctx.float32("conv2dInputGrad", weight, o * r, "weight");
  const sg = ctx.float32("conv2dInputGrad", grad, batch * o * l, "grad");
  const n = batch * channels * height * width;
  if (n === 0) return ctx.zeros("float32");
  if (r * l === 0 || o === 0) return ctx.zeros("float32", n);
  ctx.plan("conv2dInputGrad", "float32", n, sw, sg);
  const helpers = batch >= 2 ? ctx.helpers(batch * r * l * (o * NS.fma + NS.im2col)) : 0;
  return ctx.call(() => {
    const wp = ctx.input(sw), gp = ctx.input(sg);
    const [out, outPtr] = ctx.output("float32", n);
    const ws = ctx.fn("matmul_f32_workspace")(r, o, l) >>> 0;
    const colsBytes = r * l * 4;
    const work = ctx.heap.temp(ws * (helpers + 1)), tmp = ctx.heap.temp(colsBytes * (helpers + 1));
    const words = conv2dGeometryWords(geom);
    // conv2d_input_grad_f32's geometry: (n, c, h, w, kH, kW, sH, sW, pH, pW, dH, dW, oH, oW).
    const rest = [...words.slice(1, 4), ...words.slice(6)];
    const head = [wp, gp, outPtr, tmp, colsBytes, work, ws, o];
    if (helpers === 0) {
      ctx.fn("conv2d_input_grad_f32")(...head, batch, ...rest);
      return out;
    }
    ctx.splitRun("conv2d_input_grad_f32", helpers, batch, 1, (f, t) => [
      wp,
      gp + f * o * l * 4,
      outPtr + f * (n / batch) * 4,
      tmp,
      colsBytes,
      work,
      ws,
      o,
      t - f,
      ...rest,
    ]);
    return out;
  });
}
