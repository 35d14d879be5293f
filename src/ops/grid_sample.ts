/**
 * Spatial transformers: `affineGrid` (PyTorch's `F.affine_grid`) makes the sampling grid of an
 * affine map, `gridSample` (`F.grid_sample`) reads an image at a grid of normalized `(x, y)`
 * positions, bilinearly or at the nearest pixel, with zeros, border or reflection padding. Both
 * are written with recorded ops (a matrix product; `gather` of the corner pixels and their
 * interpolation weights), so they run on both devices and autograd gives the gradients for the
 * image and for the grid (and through `affineGrid`, for theta). Part of `F`.
 * @module
 */
import { fmtShape } from "../shape.ts";
import { Tensor } from "../tensor.ts";
import { tensor } from "../creation.ts";
import { isFloating } from "../dtype.ts";
import { noGrad } from "../autograd/grad_mode.ts";
import * as ew from "./elementwise.ts";
import { fmod } from "./division.ts";
import { logicalAnd } from "./logical.ts";
import { gather } from "./indexing.ts";
import { matmul } from "./matmul.ts";
import { expand, narrow, reshape, transpose, unsqueeze } from "./movement.ts";
import { named } from "./dispatch.ts";
import { toDType } from "./convert.ts";
import { inFrameOf } from "../memory.ts";
import { asOp } from "./naming.ts";

/** Options of {@link affineGrid}. */
export interface AffineGridOptions {
  /** Whether -1 and 1 are the centres of the corner pixels (true) or their outer edges (false, the default). */
  alignCorners?: boolean;
}

/** How {@link gridSample} reads between pixels. */
export type GridSampleMode = "bilinear" | "nearest";
/** What {@link gridSample} reads outside the image. */
export type GridSamplePadding = "zeros" | "border" | "reflection";

/** Options of {@link gridSample} (PyTorch's keyword arguments). */
export interface GridSampleOptions {
  /** `"bilinear"` (default) or `"nearest"`. */
  mode?: GridSampleMode;
  /** `"zeros"` (default), `"border"` or `"reflection"`. */
  paddingMode?: GridSamplePadding;
  /** Whether -1 and 1 are the centres of the corner pixels (true) or their outer edges (false, the default). */
  alignCorners?: boolean;
}

/** PyTorch's `linspace_from_neg_one`: `n` positions in [-1, 1], pixel centres unless `align`. */
function positions(n: number, align: boolean): number[] {
  if (n <= 1) return [0];
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = Math.fround(-1 + (2 * i) / (n - 1));
    out.push(align ? v : Math.fround(v * Math.fround((n - 1) / n)));
  }
  return out;
}

/**
 * The sampling grid of a batch of affine maps: for `size` `[N, C, H, W]` and `theta` `[N, 2, 3]`,
 * `[N, H, W, 2]` with `grid[n, i, j] = theta[n] @ (x_j, y_i, 1)`, where `x`, `y` are the
 * normalized pixel positions in [-1, 1] (for `size` `[N, C, D, H, W]`, `theta` is `[N, 3, 4]`
 * and the grid `[N, D, H, W, 3]`). Differentiable in `theta`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const identity = torch.tensor([[[1, 0, 0], [0, 1, 0]]], { dtype: "float32" });
 * const grid = torch.F.affineGrid(identity, [1, 1, 2, 2], { alignCorners: true });
 * assertEquals(grid.toArray(), [[[[-1, -1], [1, -1]], [[-1, 1], [1, 1]]]]);
 * ```
 */
export function affineGrid(theta: Tensor, size: readonly number[], opts: AffineGridOptions = {}): Tensor {
  return inFrameOf(() => {
    const op = "affineGrid";
    if (!(theta instanceof Tensor) || !isFloating(theta.dtype)) {
      throw new TypeError(
        `${op}: Expected theta to have floating point type, but got ${
          theta instanceof Tensor ? theta.dtype : typeof theta
        }`,
      );
    }
    if (
      !Array.isArray(size) || (size.length !== 4 && size.length !== 5) ||
      size.some((s) => !Number.isInteger(s) || s < 1)
    ) {
      throw new RangeError(
        `${op}: affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, respectively. Got size [${size}].`,
      );
    }
    const k = size.length - 2; // spatial dims
    const [n] = size;
    if (theta.ndim !== 3 || theta.shape[0] !== n || theta.shape[1] !== k || theta.shape[2] !== k + 1) {
      throw new RangeError(
        `${op}: Expected a batch of ${k}D affine matrices of shape Nx${k}x${k + 1} for size [${size}]. Got ${
          fmtShape(theta.shape)
        }.`,
      );
    }
    const align = opts.alignCorners ?? false;
    // Spatial sizes from the last (x) backwards; base rows are (x, y[, z], 1) in row-major order.
    const spatial = size.slice(2);
    const axes = spatial.map((s) => positions(s, align)).reverse(); // [x, y, (z)]
    const count = spatial.reduce((a, b) => a * b, 1);
    const base = new Float32Array(count * (k + 1));
    for (let p = 0; p < count; p++) {
      let rest = p;
      for (let d = 0; d < k; d++) {
        const len = axes[d].length;
        base[p * (k + 1) + d] = axes[d][rest % len];
        rest = Math.floor(rest / len);
      }
      base[p * (k + 1) + k] = 1;
    }
    const b = tensor(base, { dtype: theta.dtype, device: theta.device }).reshape(count, k + 1);
    const grid = matmul(b, transpose(theta, 1, 2)); // [N, count, k]
    return named(reshape(grid, [n, ...spatial, k]), "AffineGridGeneratorBackward0", theta);
  });
}

/** PyTorch's `reflect_coordinates`: `x` reflected into [low/2, high/2] (differentiable). */
function reflect(x: Tensor, twiceLow: number, twiceHigh: number): Tensor {
  if (twiceLow === twiceHigh) return ew.mul(x, 0);
  const min = twiceLow / 2, span = (twiceHigh - twiceLow) / 2;
  const d = ew.abs(ew.sub(x, min));
  const extra = fmod(d, span);
  const even = noGrad(() => ew.eq(fmod(ew.floor(ew.div(d, span)), 2), 0));
  return ew.where(even, ew.add(extra, min), ew.sub(span + min, extra));
}

/** The source pixel coordinate of normalized `coord` along a dim of `size` (PyTorch's `grid_sampler_compute_source_index`). */
function sourceIndex(coord: Tensor, size: number, padding: GridSamplePadding, align: boolean): Tensor {
  let x = align
    ? ew.mul(ew.add(coord, 1), (size - 1) / 2)
    : ew.div(ew.sub(ew.mul(ew.add(coord, 1), size), 1), 2);
  if (padding === "border") x = ew.clamp(x, 0, size - 1);
  else if (padding === "reflection") {
    x = align ? reflect(x, 0, 2 * (size - 1)) : reflect(x, -1, 2 * size - 1);
    x = ew.clamp(x, 0, size - 1);
  }
  return x;
}

/**
 * Samples `input` `[N, C, H, W]` at `grid` `[N, Ho, Wo, 2]` (normalized `(x, y)` in [-1, 1];
 * -1 is the left/top edge) to `[N, C, Ho, Wo]`: bilinear interpolation of the four neighbouring
 * pixels or the nearest pixel (ties to even), reading zeros, the border pixel or the reflected
 * position outside the image. Differentiable in `input` and, bilinear, in `grid` (nearest
 * sends the grid no gradient; PyTorch's is all zeros).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const img = torch.tensor([[[[0, 10], [20, 30]]]], { dtype: "float32" });
 * const grid = torch.tensor([[[[0, 0], [-1, -1]]]], { dtype: "float32" }); // centre, top-left corner
 * assertEquals(torch.F.gridSample(img, grid, { alignCorners: true }).toArray(), [[[[15, 0]]]]);
 * ```
 */
export function gridSample(input: Tensor, grid: Tensor, opts: GridSampleOptions = {}): Tensor {
  return inFrameOf(() => {
    const op = "gridSample";
    const { mode = "bilinear", paddingMode = "zeros", alignCorners = false } = opts;
    if (!["bilinear", "nearest"].includes(mode)) {
      throw new RangeError(
        `${op}: nn.functional.grid_sample(): expected mode to be 'bilinear' or 'nearest', but got: '${mode}'`,
      );
    }
    if (!["zeros", "border", "reflection"].includes(paddingMode)) {
      throw new RangeError(
        `${op}: nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or 'reflection', ` +
          `but got: '${paddingMode}'`,
      );
    }
    for (const [name, t] of [["input", input], ["grid", grid]] as const) {
      if (!(t instanceof Tensor) || !isFloating(t.dtype)) {
        throw new TypeError(`${op}: expected ${name} to be a floating point tensor`);
      }
    }
    if (input.ndim !== 4) {
      throw new RangeError(
        `${op}: expected a 4-D input [N, C, H, W] (5-D volumes are not supported), got ${
          fmtShape(input.shape)
        }`,
      );
    }
    const [n, c, h, w] = input.shape;
    if (grid.ndim !== 4 || grid.shape[0] !== n || grid.shape[3] !== 2) {
      throw new RangeError(
        `${op}: grid_sampler(): expected grid of shape [${n}, H_out, W_out, 2] for input of shape ${
          fmtShape(input.shape)
        }, but got grid of shape ${fmtShape(grid.shape)}`,
      );
    }
    if (input.dtype !== grid.dtype) {
      throw new TypeError(
        `${op}: grid_sampler(): expected input and grid to have the same dtype, but input has ${input.dtype} and grid has ${grid.dtype}`,
      );
    }
    if (h === 0 || w === 0) {
      throw new RangeError(
        `${op}: expected input to have non-empty spatial dimensions, got ${fmtShape(input.shape)}`,
      );
    }
    const [oh, ow] = grid.shape.slice(1, 3), l = oh * ow;
    const out = asOp(op, () => {
      const g = reshape(grid, [n, l, 2]);
      const ix = sourceIndex(reshape(narrow(g, 2, 0, 1), [n, l]), w, paddingMode, alignCorners);
      const iy = sourceIndex(reshape(narrow(g, 2, 1, 1), [n, l]), h, paddingMode, alignCorners);
      const flat = reshape(input, [n, c, h * w]);
      // The pixels at integer (x, y) ([N, L], no gradient), zero where outside the image: [N, C, L].
      const pixel = (x: Tensor, y: Tensor) => {
        const [index, inside] = noGrad(() => {
          const inside = logicalAnd(
            logicalAnd(ew.ge(x, 0), ew.le(x, w - 1)),
            logicalAnd(ew.ge(y, 0), ew.le(y, h - 1)),
          );
          const at = ew.add(ew.mul(ew.clamp(y, 0, h - 1), w), ew.clamp(x, 0, w - 1));
          return [expand(unsqueeze(at.int(), 1), [n, c, l]), unsqueeze(toDType(inside, input.dtype), 1)];
        });
        return ew.mul(gather(flat, 2, index), inside);
      };
      let y: Tensor;
      if (mode === "nearest") {
        const [xn, yn] = noGrad(() => [ew.round(ix), ew.round(iy)]);
        y = pixel(xn, yn);
      } else {
        const [x0, y0] = noGrad(() => [ew.floor(ix), ew.floor(iy)]);
        const [x1, y1] = noGrad(() => [ew.add(x0, 1), ew.add(y0, 1)]);
        // Weights of the four neighbours, differentiable in the sampling position.
        const wx1 = ew.sub(ix, x0), wx0 = ew.sub(x1, ix), wy1 = ew.sub(iy, y0), wy0 = ew.sub(y1, iy);
        const term = (px: Tensor, py: Tensor, wx: Tensor, wy: Tensor) =>
          ew.mul(pixel(px, py), unsqueeze(ew.mul(wx, wy), 1));
        y = ew.add(
          ew.add(term(x0, y0, wx0, wy0), term(x1, y0, wx1, wy0)),
          ew.add(term(x0, y1, wx0, wy1), term(x1, y1, wx1, wy1)),
        );
      }
      return reshape(y, [n, c, oh, ow]);
    });
    return named(out, "GridSampler2DBackward0", input, grid);
  });
}
