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
import { matmulBlocks } from "./matmul.ts";

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

/**
 * A convolution's output `[batch, outChannels, outH · outW]` as an implicit GEMM
 * (conv2d_gemm_f32): the weight rows `[groups, outChannels / groups, R]` (R as `im2col`'s, the
 * bias as last column when `geom.onesRow`) times each image's columns, gathered panel by panel
 * from the input instead of materialised. Split between threads as `matmul` splits the
 * `[batch · groups]` products, with the same values as `matmul(weight, im2col(x))`.
 */
export function conv2dForward(
  ctx: WasmKernels,
  x: Storage,
  weight: Storage,
  geom: Conv2dGeometry,
  outChannels: number,
): WasmStorage {
  const r = checkConvGeom("conv2dForward", geom);
  const { batch, channels, height, width, groups, outH, outW } = geom;
  if (outChannels % groups !== 0) {
    throw new RangeError(
      `conv2dForward: ${outChannels} output channels are not divisible by ${groups} groups`,
    );
  }
  const l = outH * outW, og = outChannels / groups;
  const sx = ctx.float32("conv2dForward", x, batch * channels * height * width, "input");
  const sw = ctx.float32("conv2dForward", weight, outChannels * r, "weight");
  const total = batch * outChannels * l;
  if (total === 0) return ctx.zeros("float32");
  ctx.plan("conv2dForward", "float32", total, sx, sw);
  const products = batch * groups;
  const helpers = ctx.helpers(total * r * NS.fma);
  return ctx.call(() => {
    const xp = ctx.input(sx), wp = ctx.input(sw);
    const [out, outPtr] = ctx.output("float32", total);
    const ws = ctx.fn("conv2d_gemm_f32_workspace")(og, r, l) >>> 0;
    const work = ctx.heap.temp(ws * (helpers + 1));
    // The geometry goes by pointer: a part of a threaded call has at most 22 arguments.
    const words = conv2dGeometryWords(geom), geomPtr = ctx.heap.temp(words.length * 4);
    ctx.view("int32", geomPtr, words.length).set(words);
    const head = [wp, xp, outPtr, og, work, ws, geomPtr];
    if (helpers === 0) {
      ctx.fn("conv2d_gemm_f32")(...head, 0, products, 0, og, 0, l);
      return out;
    }
    const blocks = matmulBlocks(ctx, products, og, l, r, helpers + 1);
    ctx.runParts("conv2d_gemm_f32", blocks.map((b) => [...head, ...b]), helpers);
    return out;
  });
}
