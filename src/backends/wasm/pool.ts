/**
 * The CPU backend's 2-d pooling launchers (kernels in assembly/pool.ts).
 * Free functions of the backend's {@link WasmKernels}.
 * @module
 */
import type { AvgPoolOptions, Pool2dGeometry, Storage } from "../backend.ts";
import { checkAvg, checkPoolGeom } from "../contract.ts";
import type { WasmKernels } from "./kernels.ts";
import type { WasmStorage } from "./heap.ts";
import { NS } from "./shared.ts";

function poolArgs(g: Pool2dGeometry, dilation: boolean): number[] {
  const a = [g.planes, g.height, g.width, g.kernelH, g.kernelW, g.strideH, g.strideW, g.padH, g.padW];
  if (dilation) a.push(g.dilationH, g.dilationW);
  a.push(g.outH, g.outW);
  return a;
}

export function maxPool2d(
  ctx: WasmKernels,
  x: Storage,
  geom: Pool2dGeometry,
): { values: WasmStorage; indices: WasmStorage } {
  checkPoolGeom("maxPool2d", geom);
  const { planes, height, width, outH, outW } = geom;
  const s = ctx.float32("maxPool2d", x, planes * height * width, "input");
  const n = planes * outH * outW;
  if (n === 0) {
    return {
      values: ctx.zeros("float32"),
      indices: ctx.zeros("int32"),
    };
  }
  if (height * width === 0) throw new RangeError("maxPool2d: cannot pool an empty plane");
  ctx.plan("maxPool2d", "float32", 2 * n, s);
  const helpers = planes >= 2 ? ctx.helpers(n * geom.kernelH * geom.kernelW * NS.pool) : 0;
  return ctx.call(() => {
    const xp = ctx.input(s);
    const [values, vp] = ctx.output("float32", n);
    const [indices, ip] = ctx.output("int32", n);
    const rest = poolArgs(geom, true).slice(1);
    if (helpers === 0) ctx.fn("maxPool2d_f32")(xp, vp, ip, planes, ...rest);
    else {
      const inP = height * width * 4, outP = outH * outW * 4;
      ctx.splitRun(
        "maxPool2d_f32",
        helpers,
        planes,
        1,
        (f, t) => [xp + f * inP, vp + f * outP, ip + f * outP, t - f, ...rest],
      );
    }
    return { values, indices };
  });
}

export function avgPool2d(
  ctx: WasmKernels,
  x: Storage,
  geom: Pool2dGeometry,
  opts: AvgPoolOptions,
): WasmStorage {
  checkAvg("avgPool2d", geom, opts);
  const { planes, height, width, outH, outW } = geom;
  const s = ctx.float32("avgPool2d", x, planes * height * width, "input");
  const n = planes * outH * outW;
  if (n === 0) return ctx.zeros("float32");
  ctx.plan("avgPool2d", "float32", n, s);
  const helpers = planes >= 2 ? ctx.helpers(n * geom.kernelH * geom.kernelW * NS.pool) : 0;
  return ctx.call(() => {
    const xp = ctx.input(s);
    const [out, outPtr] = ctx.output("float32", n);
    planesRun(ctx, "avgPool2d_f32", helpers, geom, opts, xp, outPtr, height * width, outH * outW);
    return out;
  });
}

/** avgPool2d_f32 / avgPool2dBackward_f32, planes split between `helpers` workers and here. */
function planesRun(
  ctx: WasmKernels,
  name: string,
  helpers: number,
  geom: Pool2dGeometry,
  opts: AvgPoolOptions,
  src: number,
  dst: number,
  srcPlane: number,
  dstPlane: number,
): void {
  const rest = [...poolArgs(geom, false).slice(1), opts.countIncludePad ? 1 : 0, opts.divisor];
  if (helpers === 0) {
    ctx.fn(name)(src, dst, geom.planes, ...rest);
    return;
  }
  ctx.splitRun(
    name,
    helpers,
    geom.planes,
    1,
    (f, t) => [src + f * srcPlane * 4, dst + f * dstPlane * 4, t - f, ...rest],
  );
}

export function avgPool2dBackward(
  ctx: WasmKernels,
  grad: Storage,
  geom: Pool2dGeometry,
  opts: AvgPoolOptions,
): WasmStorage {
  checkAvg("avgPool2dBackward", geom, opts);
  const { planes, height, width, outH, outW } = geom;
  const s = ctx.float32("avgPool2dBackward", grad, planes * outH * outW, "grad");
  const n = planes * height * width;
  if (n === 0 || s.numel === 0) return ctx.zeros("float32", n);
  ctx.plan("avgPool2dBackward", "float32", n, s);
  const helpers = planes >= 2 ? ctx.helpers(s.numel * geom.kernelH * geom.kernelW * NS.pool) : 0;
  return ctx.call(() => {
    const gp = ctx.input(s);
    const [out, outPtr] = ctx.output("float32", n);
    planesRun(ctx, "avgPool2dBackward_f32", helpers, geom, opts, gp, outPtr, outH * outW, height * width);
    return out;
  });
}
