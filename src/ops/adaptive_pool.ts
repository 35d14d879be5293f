/**
 * Adaptive pooling: `adaptiveAvgPool2d` and `adaptiveMaxPool2d` pool `[N, C, H, W]` (or
 * `[C, H, W]`) to a requested output size with PyTorch's windows (output cell `i` of `out` along a
 * dim of size `n` covers `[floor(i·n/out), ceil((i+1)·n/out))`). When the sizes divide evenly
 * these are the fixed-window pooling kernels; otherwise averages are two matrix products with
 * averaging matrices, and maxima are taken window by window.
 * @module
 */
import { fmtShape } from "../shape.ts";
import { Tensor } from "../tensor.ts";
import { tensor } from "../creation.ts";
import { noGrad } from "../autograd/grad_mode.ts";
import * as ew from "./elementwise.ts";
import { cat, stack } from "./indexing.ts";
import { matmul } from "./matmul.ts";
import { narrow, reshape, transpose, unsqueeze } from "./movement.ts";
import { max } from "./reduce.ts";
import { avgPool2d, maxPool2d } from "./conv.ts";
import { named } from "./dispatch.ts";
import { inFrameOf } from "../memory.ts";

/** An output size: one number for both dims, or `[outH, outW]` where null keeps the input's size. */
export type AdaptiveSize = number | readonly (number | null)[];

function plan(op: string, input: Tensor, outputSize: AdaptiveSize): { x: Tensor; out: [number, number] } {
  if (!(input instanceof Tensor)) throw new TypeError(`${op}: input must be a Tensor, got ${typeof input}`);
  if (input.ndim !== 3 && input.ndim !== 4) {
    throw new RangeError(`${op}: expected a 3-d or 4-d input, got ${input.ndim}-d ${fmtShape(input.shape)}`);
  }
  const x = input.ndim === 3 ? unsqueeze(input, 0) : input;
  if (x.shape[2] === 0 || x.shape[3] === 0) {
    throw new RangeError(
      `${op}: expected non-empty spatial dims, got input of shape ${fmtShape(input.shape)}`,
    );
  }
  const sizes = typeof outputSize === "number" ? [outputSize, outputSize] : [...outputSize];
  if (sizes.length !== 2) {
    throw new RangeError(`${op}: outputSize must have 2 elements, got [${sizes.join(", ")}]`);
  }
  const out = sizes.map((s, i) => s ?? x.shape[2 + i]) as [number, number];
  if (out.some((s) => !Number.isInteger(s) || s < 1)) {
    throw new RangeError(
      `${op}: outputSize must be positive integers, got [${sizes.map((s) => s ?? "None").join(", ")}]`,
    );
  }
  return { x, out };
}

/** `[start, end)` of window `i` of `out` over `n`. */
function window(i: number, n: number, out: number): [number, number] {
  return [Math.floor((i * n) / out), Math.ceil(((i + 1) * n) / out)];
}

/** `[out, n]` averaging matrix: row `i` is 1/len over window `i`. */
function averaging(n: number, out: number, like: Tensor): Tensor {
  const m = like.dtype === "float64" ? new Float64Array(out * n) : new Float32Array(out * n);
  for (let i = 0; i < out; i++) {
    const [s, e] = window(i, n, out);
    for (let k = s; k < e; k++) m[i * n + k] = 1 / (e - s);
  }
  return tensor(m, { dtype: like.dtype === "float64" ? "float64" : "float32", device: like.device }).reshape(
    out,
    n,
  );
}

/**
 * Average pooling to `outputSize` (PyTorch's `adaptive_avg_pool2d`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.F.adaptiveAvgPool2d(torch.arange(16).float().view(1, 1, 4, 4), 1).toArray(), [[[[7.5]]]]);
 * ```
 */
export function adaptiveAvgPool2d(input: Tensor, outputSize: AdaptiveSize): Tensor {
  return inFrameOf(() => {
    const { x, out: [oh, ow] } = plan("adaptiveAvgPool2d", input, outputSize);
    const [h, w] = [x.shape[2], x.shape[3]];
    // float64 stays float64 (the pooling kernels are float32: it takes the matrix path).
    const xf = x.dtype === "float32" || x.dtype === "float64" ? x : x.float();
    let y: Tensor;
    if (h % oh === 0 && w % ow === 0 && xf.dtype === "float32") y = avgPool2d(xf, [h / oh, w / ow]);
    else y = matmul(matmul(averaging(h, oh, x), xf), transpose(averaging(w, ow, x), 0, 1));
    const r = input.ndim === 3 ? reshape(y, y.shape.slice(1)) : y;
    // PyTorch averages to 1×1 with a mean over both dims.
    return named(r, oh === 1 && ow === 1 ? "MeanBackward1" : "AdaptiveAvgPool2DBackward0", input);
  });
}

/** Options of {@link adaptiveMaxPool2d}. */
export interface AdaptiveMaxPool2dOptions {
  /** Also return the int32 indices of the maxima, flat within each `H * W` plane. */
  returnIndices?: boolean;
}

/**
 * Max pooling to `outputSize` (PyTorch's `adaptive_max_pool2d`); with `returnIndices` gives
 * `[values, indices]`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.F.adaptiveMaxPool2d(torch.arange(9).float().view(1, 1, 3, 3), 2).toArray(), [[[[4, 5], [7, 8]]]]);
 * ```
 */
export function adaptiveMaxPool2d(
  input: Tensor,
  outputSize: AdaptiveSize,
  opts: AdaptiveMaxPool2dOptions & { returnIndices: true },
): [Tensor, Tensor];
/** The max-pooled input. */
export function adaptiveMaxPool2d(
  input: Tensor,
  outputSize: AdaptiveSize,
  opts?: AdaptiveMaxPool2dOptions,
): Tensor;
export function adaptiveMaxPool2d(
  input: Tensor,
  outputSize: AdaptiveSize,
  opts: AdaptiveMaxPool2dOptions = {},
): Tensor | [Tensor, Tensor] {
  return adaptiveMaxPool2dCall(input, outputSize, opts);
}
function adaptiveMaxPool2dCall(
  input: Tensor,
  outputSize: AdaptiveSize,
  opts: AdaptiveMaxPool2dOptions = {},
): Tensor | [Tensor, Tensor] {
  return inFrameOf(() => {
    const { x, out: [oh, ow] } = plan("adaptiveMaxPool2d", input, outputSize);
    const [n, c, h, w] = x.shape;
    const xf = x.dtype === "float32" || x.dtype === "float64" ? x : x.float();
    let values: Tensor, indices: Tensor;
    if (h % oh === 0 && w % ow === 0 && xf.dtype === "float32") {
      [values, indices] = maxPool2d(xf, [h / oh, w / ow], { returnIndices: true });
    } else {
      const vals: Tensor[] = [], idx: Tensor[] = [];
      for (let i = 0; i < oh; i++) {
        const [hs, he] = window(i, h, oh);
        for (let j = 0; j < ow; j++) {
          const [ws, we] = window(j, w, ow);
          const cell = reshape(narrow(narrow(xf, 2, hs, he - hs), 3, ws, we - ws), [
            n,
            c,
            (he - hs) * (we - ws),
          ]);
          const best = max(cell, 2);
          vals.push(best.values);
          // Window-local flat index to a flat index in the H×W plane.
          idx.push(noGrad(() => {
            const local = best.indices.float();
            const row = ew.floor(ew.div(local, we - ws));
            return ew.add(ew.mul(ew.add(row, hs), w), ew.add(ew.sub(local, ew.mul(row, we - ws)), ws)).int();
          }));
        }
      }
      values = reshape(stack(vals, 2), [n, c, oh, ow]);
      indices = reshape(cat(idx.map((t) => unsqueeze(t, 2)), 2), [n, c, oh, ow]);
    }
    const unbatch = (t: Tensor) => (input.ndim === 3 ? reshape(t, t.shape.slice(1)) : t);
    const v = named(unbatch(values), "AdaptiveMaxPool2DBackward0", input);
    return opts.returnIndices ? [v, unbatch(indices)] : v;
  });
}
