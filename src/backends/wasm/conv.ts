/**
 * The CPU backend's im2col / col2im launchers (kernels in assembly/conv.ts).
 * Free functions of the {@link WasmBackend} they are called on.
 * @module
 */
import { type Conv2dGeometry, conv2dGeometryWords, type Storage } from "../backend.ts";
import { checkConvGeom } from "../validate.ts";
import type { WasmBackend } from "./backend.ts";
import type { WasmStorage } from "./heap.ts";
import { NS } from "./shared.ts";

export function im2col(be: WasmBackend, x: Storage, geom: Conv2dGeometry): WasmStorage {
  const r = checkConvGeom("im2col", geom);
  const { batch, channels, height, width, groups, outH, outW } = geom;
  const s = be._float("im2col", x, batch * channels * height * width, "input");
  const n = batch * groups * r * outH * outW;
  if (n === 0) return be._zeros("float32");
  be._plan("im2col", "float32", n, s);
  const helpers = batch >= 2 ? be._helpers(n * NS.im2col) : 0;
  return be._call(() => {
    const xp = be._in(s);
    const [out, outPtr] = be._out("float32", n);
    batchRun(be, "im2col_f32", helpers, geom, xp, outPtr, channels * height * width, n / batch);
    return out;
  });
}

/**
 * im2col_f32 / col2im_f32 (`(src, dst, ...geometry)`), images split between `helpers` workers
 * and here; `srcImage` / `dstImage`: elements per image of source and destination.
 */
function batchRun(
  be: WasmBackend,
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
    be._fn(name)(src, dst, ...words);
    return;
  }
  be._splitRun(
    name,
    helpers,
    geom.batch,
    1,
    (f, t) => [src + f * srcImage * 4, dst + f * dstImage * 4, t - f, ...words.slice(1)],
  );
}

export function col2im(be: WasmBackend, cols: Storage, geom: Conv2dGeometry): WasmStorage {
  const r = checkConvGeom("col2im", geom);
  const { batch, channels, height, width, groups, outH, outW } = geom;
  const s = be._float("col2im", cols, batch * groups * r * outH * outW, "cols");
  const n = batch * channels * height * width;
  if (n === 0 || s.numel === 0) return be._zeros("float32", n);
  be._plan("col2im", "float32", n, s);
  const helpers = batch >= 2 ? be._helpers(s.numel * NS.im2col) : 0;
  return be._call(() => {
    const cp = be._in(s);
    const [out, outPtr] = be._out("float32", n);
    batchRun(be, "col2im_f32", helpers, geom, cp, outPtr, s.numel / batch, n / batch);
    return out;
  });
}
