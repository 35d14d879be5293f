/**
 * `Tensor.unfold(dim, size, step)`: the sliding windows of `dim` as a view (no copy), the windows
 * along a new last dim; its gradient adds each window's gradient back where the windows overlap.
 * @module
 */
import { fmtShape, normDim } from "../shape.ts";
import { Tensor } from "../tensor.ts";
import { inFrameOf } from "../memory.ts";
import { makeView, record } from "./dispatch.ts";
import { indexAddInto } from "./indexing.ts";
import { reshape } from "./movement.ts";
import { movedim } from "./rearrange.ts";
import { tensor } from "../creation.ts";

/**
 * The windows of `size` elements of `dim`, `step` apart, as a view: `dim` becomes the window
 * count `(len - size) / step + 1` (rounded down) and a last dim of `size` holds each window.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.arange(1, 8);
 * assertEquals(x.unfold(0, 3, 2).toArray(), [[1, 2, 3], [3, 4, 5], [5, 6, 7]]);
 * ```
 */
export function unfold(x: Tensor, dim: number, size: number, step: number): Tensor {
  return inFrameOf(() => {
    if (!(x instanceof Tensor)) throw new TypeError(`unfold: input must be a tensor, got ${typeof x}`);
    const d = normDim("unfold", dim, x.ndim);
    const shape = x.ndim === 0 ? [1] : [...x.shape];
    const strides = x.ndim === 0 ? [1] : [...x._strides];
    if (!Number.isInteger(size) || size < 0) {
      throw new RangeError(`unfold: size must be a non-negative integer, got ${size}`);
    }
    if (!Number.isInteger(step) || step <= 0) throw new RangeError(`unfold: step is ${step} but must be > 0`);
    if (size > shape[d]) {
      throw new RangeError(
        `unfold: maximum size for tensor at dimension ${d} is ${shape[d]} but size is ${size} (input shape ${
          fmtShape(x.shape)
        })`,
      );
    }
    const windows = Math.floor((shape[d] - size) / step) + 1;
    const outShape = x.ndim === 0 ? [size] : [...shape.slice(0, d), windows, ...shape.slice(d + 1), size];
    const outStrides = x.ndim === 0
      ? [1]
      : [...strides.slice(0, d), strides[d] * step, ...strides.slice(d + 1), strides[d]];
    return record("unfold", [x], makeView(x, outShape, outStrides, x._offset), {
      inputShape: x.shape,
      dim: d,
      size,
      step,
    });
  });
}

/**
 * @internal The gradient of `unfold(x, dim, size, step)` for the output gradient `g`: each
 * window's gradient added back at the positions it covers.
 */
export function unfoldBackward(
  g: Tensor,
  inputShape: readonly number[],
  dim: number,
  size: number,
  step: number,
): Tensor {
  return inFrameOf(() => {
    const shape = inputShape.length === 0 ? [1] : [...inputShape];
    const windowsAt = inputShape.length === 0 ? 0 : dim;
    const gw = inputShape.length === 0 ? reshape(g, [1, size]) : movedim(g, -1, dim + 1);
    const windows = gw.shape[windowsAt];
    const merged = reshape(gw, [
      ...gw.shape.slice(0, windowsAt),
      windows * size,
      ...gw.shape.slice(windowsAt + 2),
    ]);
    const idx = new Int32Array(windows * size);
    for (let w = 0; w < windows; w++) for (let k = 0; k < size; k++) idx[w * size + k] = w * step + k;
    const out = indexAddInto(merged, windowsAt, tensor(idx, { device: g.device }), shape);
    return inputShape.length === 0 ? reshape(out, []) : out;
  });
}
