/**
 * Spatial transformers: `affineGrid` (PyTorch's `F.affine_grid`) makes the sampling grid of an
 * affine map, `gridSample` (`F.grid_sample`) reads an image (or a volume) at a grid of normalized
 * `(x, y[, z])` positions, bi/trilinearly or at the nearest pixel, with zeros, border or
 * reflection padding. Both
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
 * position outside the image. A volume `[N, C, D, H, W]` is sampled at `grid`
 * `[N, Do, Ho, Wo, 3]` (`(x, y, z)`; "bilinear" is then trilinear, over eight neighbours).
 * Differentiable in `input` and, bilinear, in `grid` (nearest sends the grid no gradient;
 * PyTorch's is all zeros).
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
    if (input.ndim !== 4 && input.ndim !== 5) {
      throw new RangeError(
        `${op}: grid_sampler(): expected 4D or 5D input and grid with same number of dimensions, but got input ` +
          `with sizes ${fmtShape(input.shape)}`,
      );
    }
    const k = input.ndim - 2; // spatial dims
    const [n, c, ...spatial] = input.shape;
    if (grid.ndim !== input.ndim || grid.shape[0] !== n || grid.shape[k + 1] !== k) {
      const want = k === 2 ? `[${n}, H_out, W_out, 2]` : `[${n}, D_out, H_out, W_out, 3]`;
      throw new RangeError(
        `${op}: grid_sampler(): expected grid of shape ${want} for input of shape ${
          fmtShape(input.shape)
        }, but got grid of shape ${fmtShape(grid.shape)}`,
      );
    }
    if (input.dtype !== grid.dtype) {
      throw new TypeError(
        `${op}: grid_sampler(): expected input and grid to have the same dtype, but input has ${input.dtype} and grid has ${grid.dtype}`,
      );
    }
    if (spatial.some((s) => s === 0)) {
      throw new RangeError(
        `${op}: expected input to have non-empty spatial dimensions, got ${fmtShape(input.shape)}`,
      );
    }
    const outSpatial = grid.shape.slice(1, k + 1), l = outSpatial.reduce((a, b) => a * b, 1);
    const sizes = [...spatial].reverse(); // along x, y (, z)
    const out = asOp(op, () => {
      const g = reshape(grid, [n, l, k]);
      // Source coordinates along x, y (, z): [N, L] each.
      const co = sizes.map((size, j) =>
        sourceIndex(reshape(narrow(g, 2, j, 1), [n, l]), size, paddingMode, alignCorners)
      );
      const flat = reshape(input, [n, c, spatial.reduce((a, b) => a * b, 1)]);
      // The pixels at integer coordinates ([N, L] each, no gradient), zero outside: [N, C, L].
      const pixel = (at: Tensor[]) => {
        const [index, inside] = noGrad(() => {
          let inside: Tensor | null = null, flatIndex: Tensor | null = null;
          for (let j = k - 1; j >= 0; j--) {
            const ok = logicalAnd(ew.ge(at[j], 0), ew.le(at[j], sizes[j] - 1));
            inside = inside ? logicalAnd(inside, ok) : ok;
            const clamped = ew.clamp(at[j], 0, sizes[j] - 1);
            flatIndex = flatIndex ? ew.add(ew.mul(flatIndex, sizes[j]), clamped) : clamped;
          }
          return [
            expand(unsqueeze(flatIndex!.int(), 1), [n, c, l]),
            unsqueeze(toDType(inside!, input.dtype), 1),
          ];
        });
        return ew.mul(gather(flat, 2, index), inside);
      };
      let y: Tensor;
      if (mode === "nearest") y = pixel(noGrad(() => co.map((t) => ew.round(t))));
      else {
        const lo = noGrad(() => co.map((t) => ew.floor(t)));
        const hi = noGrad(() => lo.map((t) => ew.add(t, 1)));
        // Weights of the 2^k neighbours, differentiable in the sampling position.
        const wLo = co.map((t, j) => ew.sub(hi[j], t)), wHi = co.map((t, j) => ew.sub(t, lo[j]));
        let sum: Tensor | null = null;
        for (let corner = 0; corner < 1 << k; corner++) {
          const pick = (j: number) => ((corner >> j) & 1) === 1;
          const weight = co.map((_, j) => (pick(j) ? wHi[j] : wLo[j])).reduce((a, b) => ew.mul(a, b));
          const term = ew.mul(pixel(co.map((_, j) => (pick(j) ? hi[j] : lo[j]))), unsqueeze(weight, 1));
          sum = sum ? ew.add(sum, term) : term;
        }
        y = sum!;
      }
      return reshape(y, [n, c, ...outSpatial]);
    });
    return named(out, k === 2 ? "GridSampler2DBackward0" : "GridSampler3DBackward0", input, grid);
  });
}
