/**
 * Fractional max pooling (Graham, 2014): PyTorch's `F.fractional_max_pool2d` / `3d`. Each
 * `(n, c)` plane pools `kernelSize` windows whose starts step pseudo-randomly, one sample `u` in
 * [0, 1) per plane and spatial dim: start `i` is `trunc((i + u) * alpha) - trunc(u * alpha)` with
 * `alpha = (inputSize - kernel) / (outputSize - 1)` in the input's dtype, and the last start is
 * `inputSize - kernel` (PyTorch's `generate_intervals`). The window's first maximum wins (a NaN
 * wins over numbers, the last NaN over earlier ones), as PyTorch's CPU kernel. The flat window
 * positions and the maxima are found with existing ops (`gather`, `argmax`), so everything runs on
 * both devices, and the values are taken with `gather`, whose gradient adds into the maxima.
 * Part of `F`.
 * @module
 */
import { fmtShape } from "../shape.ts";
import type { Tensor } from "../tensor.ts";
import { noGrad } from "../autograd/grad_mode.ts";
import { arange, rand } from "../creation.ts";
import { flip, gather } from "./indexing.ts";
import { expand, reshape, squeeze, unsqueeze } from "./movement.ts";
import { select } from "./split_stack.ts";
import { add, eq, mul, sub, where } from "./elementwise.ts";
import { isnan } from "./logical.ts";
import { any, argmax } from "./reduce.ts";
import { toDType } from "./convert.ts";
import { named } from "./dispatch.ts";
import { inFrameOf } from "../memory.ts";
import { pairOf } from "./conv_core.ts";

/** Options of {@link fractionalMaxPool2d} and {@link fractionalMaxPool3d} (PyTorch's keyword arguments). */
export interface FractionalMaxPoolOptions {
  /** The output's spatial size (one number for every dim, or one per dim). */
  outputSize?: number | readonly number[] | null;
  /** The output size as a fraction of the input's, `trunc(inputSize * ratio)` per dim. */
  outputRatio?: number | readonly number[] | null;
  /** Also return the int32 indices of the maxima (flat within each plane; PyTorch's are int64). */
  returnIndices?: boolean;
  /**
   * PyTorch's `_random_samples`: `[N, C, 2]` (2-d; `[..., 0]` steps the width, `[..., 1]` the
   * height) or `[N, C, 3]` (3-d: time, height, width) values in [0, 1), in the input's dtype.
   * Without it they are `torch.rand(N, C, 2 or 3)` from the global generator, as PyTorch draws them.
   */
  randomSamples?: Tensor | null;
}

/**
 * 2-d fractional max pooling over `input` `[N, C, H, W]` (or `[C, H, W]`): PyTorch's
 * `F.fractional_max_pool2d(input, kernel_size, output_size, output_ratio, return_indices,
 * _random_samples)`, the keyword arguments as options (`_random_samples` is `randomSamples`).
 * With `returnIndices: true` gives `[values, indices]`, the indices int32 and flat within each
 * `H * W` plane.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.arange(25).float().reshape(1, 1, 5, 5);
 * const randomSamples = torch.tensor([[[0.5, 0.5]]]);
 * const [values, indices] = torch.F.fractionalMaxPool2d(x, 2, { outputSize: 3, randomSamples, returnIndices: true });
 * assertEquals(values.toArray(), [[[[6, 8, 9], [16, 18, 19], [21, 23, 24]]]]);
 * assertEquals(indices.toArray(), values.toArray());
 * torch.manualSeed(0); // samples from the global generator, as PyTorch draws them
 * assertEquals(torch.F.fractionalMaxPool2d(x, 3, { outputRatio: 0.5 }).shape, [1, 1, 2, 2]);
 * ```
 */
export function fractionalMaxPool2d(
  input: Tensor,
  kernelSize: number | readonly number[],
  opts: FractionalMaxPoolOptions & { returnIndices: true },
): [Tensor, Tensor];
/** The fractionally max-pooled input. */
export function fractionalMaxPool2d(
  input: Tensor,
  kernelSize: number | readonly number[],
  opts: FractionalMaxPoolOptions,
): Tensor;
export function fractionalMaxPool2d(
  input: Tensor,
  kernelSize: number | readonly number[],
  opts: FractionalMaxPoolOptions,
): Tensor | [Tensor, Tensor] {
  return fractionalMaxPool("fractionalMaxPool2d", 2, input, kernelSize, opts);
}

/**
 * 3-d fractional max pooling over `input` `[N, C, T, H, W]` (or `[C, T, H, W]`): PyTorch's
 * `F.fractional_max_pool3d`, with the options of {@link fractionalMaxPool2d} (samples
 * `[N, C, 3]`; indices flat within each `T * H * W` volume).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.arange(64).float().reshape(1, 1, 4, 4, 4);
 * const randomSamples = torch.tensor([[[0.5, 0.5, 0.5]]]);
 * const [values, indices] = torch.F.fractionalMaxPool3d(x, 2, { outputSize: 2, randomSamples, returnIndices: true });
 * assertEquals(values.toArray(), [[[[[21, 23], [29, 31]], [[53, 55], [61, 63]]]]]);
 * assertEquals(indices.toArray(), values.toArray());
 * ```
 */
export function fractionalMaxPool3d(
  input: Tensor,
  kernelSize: number | readonly number[],
  opts: FractionalMaxPoolOptions & { returnIndices: true },
): [Tensor, Tensor];
/** The fractionally max-pooled input. */
export function fractionalMaxPool3d(
  input: Tensor,
  kernelSize: number | readonly number[],
  opts: FractionalMaxPoolOptions,
): Tensor;
export function fractionalMaxPool3d(
  input: Tensor,
  kernelSize: number | readonly number[],
  opts: FractionalMaxPoolOptions,
): Tensor | [Tensor, Tensor] {
  return fractionalMaxPool("fractionalMaxPool3d", 3, input, kernelSize, opts);
}

/** The window starts `[N, C, out]` of one spatial dim from its samples `u` (`[N, C]`), as PyTorch's `generate_intervals`. */
function intervals(u: Tensor, inputSize: number, outputSize: number, kernel: number): Tensor {
  const f32 = u.dtype === "float32";
  const alpha = outputSize > 1 ? (inputSize - kernel) / (outputSize - 1) : 0;
  const a = f32 ? Math.fround(alpha) : alpha;
  const i = arange(outputSize, { dtype: u.dtype, device: u.device });
  const u3 = unsqueeze(u, 2);
  const starts = sub(toDType(mul(add(i, u3), a), "int32"), toDType(mul(u3, a), "int32"));
  return where(eq(i, outputSize - 1), inputSize - kernel, starts);
}

/** The shared body: `x` is `[N, C, ...spatial]` with `d` spatial dims. */
function fractionalMaxPool(
  op: string,
  d: 2 | 3,
  input: Tensor,
  kernelSize: number | readonly number[],
  opts: FractionalMaxPoolOptions,
): Tensor | [Tensor, Tensor] {
  return inFrameOf(() => {
    if (input.dtype !== "float32" && input.dtype !== "float64") {
      throw new TypeError(`${op}: not implemented for ${input.dtype} input (expected float32 or float64)`);
    }
    if (
      (input.ndim !== d + 1 && input.ndim !== d + 2) ||
      input.shape.slice(input.ndim - d - 1).some((s) => s === 0)
    ) {
      throw new RangeError(
        `${op}: expected a ${d + 1}D or ${d + 2}D (batch mode) input with non-zero size for non-batch ` +
          `dimensions, got ${fmtShape(input.shape)}`,
      );
    }
    const x = input.ndim === d + 2 ? input : unsqueeze(input, 0);
    const [n, c, ...sizes] = x.shape;
    const k = pairOf(op, "kernel_size", kernelSize, d);
    if (k.some((v) => v < 1)) {
      throw new RangeError(`${op}: kernel_size must be greater than zero, got [${k}]`);
    }
    const out = outputSizes(op, d, sizes, opts);
    const dimNames = d === 2 ? ["height", "width"] : ["time", "height", "width"];
    sizes.forEach((s, i) => {
      // PyTorch 1.13 allows the last window to end at the edge in 2-d, one short of it in 3-d.
      if (d === 2 ? out[i] + k[i] - 1 > s : out[i] + k[i] - 1 >= s) {
        throw new RangeError(
          `${op}: pool ${dimNames[i]} ${k[i]} too large relative to input ${dimNames[i]} ${s} ` +
            `(output ${dimNames[i]} ${out[i]})`,
        );
      }
    });
    let u = opts.randomSamples ?? null;
    if (u === null) u = noGrad(() => rand([n, c, d], { dtype: x.dtype, device: x.device }));
    else checkSamples(op, u, [n, c, d], x);
    const indices = noGrad(() => windowMaxima(x, k, out, u));
    const values = takeAt(x, indices);
    const unbatch = (t: Tensor) => (input.ndim === d + 1 ? squeeze(t, 0) : t);
    const pooled = named(unbatch(values), `FractionalMaxPool${d}DBackward0`, input);
    return opts.returnIndices ? [pooled, unbatch(indices)] : pooled;
  });
}

function outputSizes(
  op: string,
  d: number,
  sizes: readonly number[],
  opts: FractionalMaxPoolOptions,
): number[] {
  const { outputSize = null, outputRatio = null } = opts;
  if (outputSize === null && outputRatio === null) {
    throw new TypeError(`${op}: requires specifying either an outputSize or an outputRatio`);
  }
  if (outputSize !== null && outputRatio !== null) {
    throw new TypeError(`${op}: only one of outputSize and outputRatio may be specified`);
  }
  if (outputSize !== null) {
    const out = pairOf(op, "output_size", outputSize, d);
    if (out.some((v) => v < 0)) throw new RangeError(`${op}: outputSize must be non-negative, got [${out}]`);
    return out;
  }
  const r = typeof outputRatio === "number" ? new Array(d).fill(outputRatio) : [...outputRatio!];
  if (r.length !== d || r.some((v) => typeof v !== "number" || !(v >= 0))) {
    throw new RangeError(
      `${op}: outputRatio must be a non-negative number or ${d} of them, got ${JSON.stringify(outputRatio)}`,
    );
  }
  return sizes.map((s, i) => Math.trunc(s * r[i]));
}

function checkSamples(op: string, u: Tensor, shape: number[], x: Tensor): void {
  if (u.ndim !== 3 || u.shape.some((s, i) => s !== shape[i])) {
    throw new RangeError(
      `${op}: expected randomSamples of shape ${fmtShape(shape)} (batch, channels, ${shape[2]}), got ${
        fmtShape(u.shape)
      }`,
    );
  }
  if (u.dtype !== x.dtype || u.device !== x.device) {
    throw new TypeError(
      `${op}: expected randomSamples to be ${x.dtype} on ${x.device} as the input, got ${u.dtype} on ${u.device}`,
    );
  }
  if (u.device === "cpu") {
    const bad = Array.from(u.dataSync()).find((v) => !(v >= 0 && v < 1));
    if (bad !== undefined) throw new RangeError(`${op}: expected randomSamples in [0, 1), got ${bad}`);
  }
}

/** The int32 flat index (within the plane) of each window's maximum, `[N, C, ...out]`. */
function windowMaxima(x: Tensor, k: number[], out: number[], u: Tensor): Tensor {
  const [n, c, ...sizes] = x.shape;
  const d = sizes.length;
  // 2-d samples are (width, height); 3-d ones (time, height, width).
  const sampleOf = (i: number) => (d === 2 ? 1 - i : i);
  // flat[n, c, o_1..o_d, k_1..k_d] = sum_i (start_i[o_i] + k_i) * stride_i
  let flat: Tensor | null = null;
  let stride = 1;
  for (let i = d - 1; i >= 0; i--) {
    const starts = intervals(select(u, 2, sampleOf(i)), sizes[i], out[i], k[i]);
    const shapeO = [n, c, ...out.map((o, j) => (j === i ? o : 1)), ...k.map(() => 1)];
    const shapeK = [1, 1, ...out.map(() => 1), ...k.map((kk, j) => (j === i ? kk : 1))];
    const term = mul(
      add(reshape(starts, shapeO), reshape(arange(k[i], { dtype: "int32", device: x.device }), shapeK)),
      stride,
    );
    flat = flat === null ? term : add(flat, term);
    stride *= sizes[i];
  }
  const outCount = out.reduce((a, b) => a * b, 1), kCount = k.reduce((a, b) => a * b, 1);
  const windows = reshape(expand(flat!, [n, c, ...out, ...k]), [n, c, outCount, kCount]);
  const vals = reshape(gather(reshape(x, [n, c, stride]), 2, reshape(windows, [n, c, outCount * kCount])), [
    n,
    c,
    outCount,
    kCount,
  ]);
  const nan = isnan(vals);
  const lastNan = sub(kCount - 1, argmax(flip(toDType(nan, "int32"), -1), -1, { keepdim: true }));
  const pick = where(any(nan, -1, { keepdim: true }), lastNan, argmax(vals, -1, { keepdim: true }));
  return reshape(gather(windows, 3, toDType(pick, "int32")), [n, c, ...out]);
}

/** The values of `x` at the flat plane `indices`, by `gather` (so the gradient adds into them). */
function takeAt(x: Tensor, indices: Tensor): Tensor {
  const [n, c, ...dims] = x.shape;
  const count = indices.shape.slice(2).reduce((a, b) => a * b, 1);
  const flat = reshape(x, [n, c, dims.reduce((a, b) => a * b, 1)]);
  return reshape(gather(flat, 2, reshape(indices, [n, c, count])), indices.shape);
}
