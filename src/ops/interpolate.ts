/**
 * Resizing (PyTorch's `F.interpolate`): `nearest` (by index selection) and `linear`/`bilinear`/
 * `trilinear` (each spatial dim resized by a product with an interpolation matrix), with PyTorch's source
 * coordinates (`alignCorners` or half-pixel). Gradients come from `indexSelect` and `matmul`, on
 * every backend.
 * @module
 */
import { fmtShape } from "../shape.ts";
import { Tensor } from "../tensor.ts";
import { tensor } from "../creation.ts";
import { indexSelect } from "./indexing.ts";
import { matmul } from "./matmul.ts";
import { reshape, transpose } from "./movement.ts";
import { named } from "./dispatch.ts";
import { inFrameOf } from "../memory.ts";

/** Interpolation modes. */
export type InterpolateMode = "nearest" | "linear" | "bilinear" | "trilinear";

/** Options of {@link interpolate}: an output `size` or a `scaleFactor` (one of the two). */
export interface InterpolateOptions {
  /** The output spatial size (one number for every spatial dim, or one each). */
  size?: number | readonly number[];
  /** The multiplier of each spatial size (one number, or one each). */
  scaleFactor?: number | readonly number[];
  /** `"nearest"` (default), `"linear"` (3-d input), `"bilinear"` (4-d input) or `"trilinear"` (5-d input). */
  mode?: InterpolateMode;
  /** Map the corner pixels' centres onto each other (linear modes; default false). */
  alignCorners?: boolean;
}

/** Per spatial dim: output size and the scale PyTorch uses for source coordinates (in / out, or 1 / factor). */
function plan(op: string, input: Tensor, opts: InterpolateOptions): { out: number[]; scale: number[] } {
  const spatial = input.shape.slice(2);
  const d = spatial.length;
  const list = (v: number | readonly number[], what: string) => {
    const l = typeof v === "number" ? new Array(d).fill(v) : [...v];
    if (l.length !== d) {
      throw new RangeError(
        `${op}: ${what} must have ${d} element(s) for an input of shape ${fmtShape(input.shape)}`,
      );
    }
    return l;
  };
  if ((opts.size === undefined) === (opts.scaleFactor === undefined)) {
    throw new RangeError(`${op}: either size or scaleFactor should be defined (exactly one of them)`);
  }
  if (opts.size !== undefined) {
    const out = list(opts.size, "size");
    if (out.some((s) => !Number.isInteger(s) || s < 1)) {
      throw new RangeError(`${op}: size must be positive integers`);
    }
    return { out, scale: spatial.map((n, i) => n / out[i]) };
  }
  const factors = list(opts.scaleFactor!, "scaleFactor");
  if (factors.some((f) => !(f > 0))) throw new RangeError(`${op}: scaleFactor must be positive`);
  const out = spatial.map((n, i) => Math.floor(n * factors[i]));
  if (out.some((s) => s < 1)) throw new RangeError(`${op}: the output size [${out}] is too small`);
  return { out, scale: factors.map((f) => 1 / f) };
}

/** `[out, n]` matrix of linear interpolation weights along one dim. */
function linearWeights(n: number, out: number, scale: number, alignCorners: boolean, like: Tensor): Tensor {
  const w = like.dtype === "float64" ? new Float64Array(out * n) : new Float32Array(out * n);
  for (let i = 0; i < out; i++) {
    let src = alignCorners ? (out > 1 ? (i * (n - 1)) / (out - 1) : 0) : (i + 0.5) * scale - 0.5;
    if (src < 0) src = 0;
    const i0 = Math.min(Math.floor(src), n - 1), i1 = Math.min(i0 + 1, n - 1);
    const t = src - i0;
    w[i * n + i0] += 1 - t;
    w[i * n + i1] += t;
  }
  return tensor(w, { dtype: like.dtype === "float64" ? "float64" : "float32", device: like.device }).reshape(
    out,
    n,
  );
}

/**
 * Resizes the spatial dims of `input` (`[N, C, L]`, `[N, C, H, W]` or `[N, C, D, H, W]`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.tensor([[[[1, 2], [3, 4]]]], { dtype: "float32" });
 * assertEquals(torch.F.interpolate(x, { scaleFactor: 2 }).shape, [1, 1, 4, 4]);
 * assertEquals(torch.F.interpolate(x, { size: 3, mode: "bilinear", alignCorners: true }).index(0, 0, 1).toArray(), [2, 2.5, 3]);
 * const v = torch.ones(1, 2, 2, 3, 4);
 * assertEquals(torch.F.interpolate(v, { scaleFactor: 2, mode: "trilinear" }).shape, [1, 2, 4, 6, 8]);
 * ```
 */
export function interpolate(input: Tensor, opts: InterpolateOptions): Tensor {
  return inFrameOf(() => {
    const op = "interpolate";
    if (!(input instanceof Tensor) || input.ndim < 3 || input.ndim > 5) {
      throw new RangeError(
        `${op}: expected a 3-d [N, C, L], 4-d [N, C, H, W] or 5-d [N, C, D, H, W] input, got ${
          input instanceof Tensor ? fmtShape(input.shape) : typeof input
        }`,
      );
    }
    const mode = opts.mode ?? "nearest";
    const ranks = { nearest: 0, linear: 3, bilinear: 4, trilinear: 5 } as const;
    if (!(mode in ranks)) {
      throw new RangeError(
        `${op}: unsupported mode ${JSON.stringify(mode)} (nearest, linear, bilinear, trilinear)`,
      );
    }
    if (mode !== "nearest" && input.ndim !== ranks[mode]) {
      throw new RangeError(
        `${op}: mode "${mode}" expects a ${ranks[mode]}-d input, got ${fmtShape(input.shape)}`,
      );
    }
    if (mode === "nearest" && opts.alignCorners !== undefined) {
      throw new RangeError(
        `${op}: alignCorners option can only be set with the interpolating modes: linear | bilinear | trilinear`,
      );
    }
    const { out, scale } = plan(op, input, opts);
    let x = input.dtype === "float32" || input.dtype === "float64" ? input : input.float();
    if (mode === "nearest") {
      out.forEach((o, i) => {
        const n = input.shape[2 + i];
        const idx = Int32Array.from({ length: o }, (_, j) => Math.min(Math.floor(j * scale[i]), n - 1));
        x = indexSelect(x, 2 + i, tensor(idx, { dtype: "int32", device: input.device }));
      });
      named(x, `UpsampleNearest${input.ndim - 2}DBackward1`, input);
      return x.dtype === input.dtype ? x : x.to(input.dtype);
    }
    const align = opts.alignCorners ?? false;
    // Last dim: x @ Wᵀ; the height (4-d): W @ x over dim 2.
    const last = input.ndim - 1;
    x = matmul(
      x,
      transpose(
        linearWeights(input.shape[last], out[out.length - 1], scale[scale.length - 1], align, x),
        0,
        1,
      ),
    );
    if (input.ndim >= 4) {
      const h = input.ndim - 2; // W @ x over the last two dims
      x = matmul(linearWeights(input.shape[h], out[out.length - 2], scale[scale.length - 2], align, x), x);
    }
    if (input.ndim === 5) {
      // The depth: W @ x over [D, H'·W'].
      const [n, c, , oh, ow] = x.shape;
      const depth = linearWeights(input.shape[2], out[0], scale[0], align, x);
      x = reshape(matmul(depth, reshape(x, [n, c, input.shape[2], oh * ow])), [n, c, out[0], oh, ow]);
    }
    const names = {
      linear: "UpsampleLinear1DBackward1",
      bilinear: "UpsampleBilinear2DBackward1",
      trilinear: "UpsampleTrilinear3DBackward1",
    };
    return named(x, names[mode], input);
  });
}
