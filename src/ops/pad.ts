/**
 * Padding (PyTorch's `F.pad`): constant, reflect, replicate and circular, built from `narrow`,
 * `flip`, `expand` and `cat`, so it runs on every backend and autograd routes each padded
 * element's gradient back to the element it copies.
 * @module
 */
import { fmtShape } from "../shape.ts";
import { Tensor } from "../tensor.ts";
import { full } from "../creation.ts";
import { cat, flip } from "./indexing.ts";
import { clone, expand, narrow } from "./movement.ts";
import { named } from "./dispatch.ts";
import { inFrameOf } from "../memory.ts";

/** How `pad` fills the new border. */
export type PadMode = "constant" | "reflect" | "replicate" | "circular";

/** Options of {@link pad}. */
export interface PadOptions {
  /** `"constant"` (default), `"reflect"`, `"replicate"` or `"circular"`. */
  mode?: PadMode;
  /** The fill value of constant padding (default 0). */
  value?: number;
}

/** `x` with `before` and `after` elements added along `d` (negative amounts crop, constant mode only). */
function padDim(x: Tensor, d: number, before: number, after: number, mode: PadMode, value: number): Tensor {
  const n = x.shape[d];
  if (mode === "constant") {
    let y = x;
    if (before < 0 || after < 0) {
      const start = Math.max(0, -before), end = n - Math.max(0, -after);
      if (end < start) {
        throw new RangeError(
          `pad: cropping ${-before} and ${-after} elements of dim ${d} of size ${n} leaves nothing`,
        );
      }
      y = narrow(x, d, start, end - start);
    }
    const side = (size: number) => {
      const shape = [...y.shape];
      shape[d] = size;
      return full(shape, value, { dtype: y.dtype, device: y.device });
    };
    const parts = [...(before > 0 ? [side(before)] : []), y, ...(after > 0 ? [side(after)] : [])];
    return parts.length === 1 ? y : cat(parts, d);
  }
  if (before < 0 || after < 0) {
    throw new RangeError(`pad: negative padding is only supported in constant mode`);
  }
  const limit = mode === "reflect" ? n - 1 : mode === "circular" ? n : Infinity;
  if (before > limit || after > limit || (mode === "replicate" && n === 0)) {
    throw new RangeError(
      `pad: padding (${before}, ${after}) of dim ${d} must be ${
        mode === "reflect" ? "less than" : mode === "circular" ? "at most" : "on a non-empty dim, got"
      } the input size ${n} in ${mode} mode (input of shape ${fmtShape(x.shape)})`,
    );
  }
  let left: Tensor | null = null, right: Tensor | null = null;
  if (before > 0) {
    if (mode === "reflect") left = flip(narrow(x, d, 1, before), d);
    else if (mode === "replicate") left = expandDim(narrow(x, d, 0, 1), d, before);
    else left = narrow(x, d, n - before, before);
  }
  if (after > 0) {
    if (mode === "reflect") right = flip(narrow(x, d, n - 1 - after, after), d);
    else if (mode === "replicate") right = expandDim(narrow(x, d, n - 1, 1), d, after);
    else right = narrow(x, d, 0, after);
  }
  const parts = [...(left ? [left] : []), x, ...(right ? [right] : [])];
  return parts.length === 1 ? x : cat(parts, d);
}

function expandDim(x: Tensor, d: number, size: number): Tensor {
  const shape = [...x.shape];
  shape[d] = size;
  return expand(x, shape);
}

/**
 * Pads the last dims: `padding` lists `[left, right]` amounts from the last dim backwards
 * (`[left, right, top, bottom]` pads a 2-d image). Constant padding may be negative (a crop).
 * Reflect padding must be smaller than the dim, circular at most its size. Always a copy.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.tensor([[1, 2, 3]]);
 * assertEquals(torch.F.pad(x, [2, 1]).toArray(), [[0, 0, 1, 2, 3, 0]]);
 * assertEquals(torch.F.pad(x, [2, 1], { mode: "reflect" }).toArray(), [[3, 2, 1, 2, 3, 2]]);
 * ```
 */
export function pad(input: Tensor, padding: readonly number[], opts: PadOptions = {}): Tensor {
  return inFrameOf(() => {
    const { mode = "constant", value = 0 } = opts;
    if (!(input instanceof Tensor)) throw new TypeError(`pad: input must be a Tensor, got ${typeof input}`);
    if (!["constant", "reflect", "replicate", "circular"].includes(mode)) {
      throw new RangeError(
        `pad: mode must be "constant", "reflect", "replicate" or "circular", got ${JSON.stringify(mode)}`,
      );
    }
    if (!Array.isArray(padding) || padding.length % 2 !== 0 || padding.some((p) => !Number.isInteger(p))) {
      throw new RangeError(`pad: padding must be an even-length list of integers, got [${padding}]`);
    }
    if (padding.length / 2 > input.ndim) {
      throw new RangeError(
        `pad: padding length ${padding.length} is too large for an input of ${input.ndim} dims (shape ${
          fmtShape(input.shape)
        }): at most ${2 * input.ndim}`,
      );
    }
    if (mode !== "constant" && value !== 0) {
      throw new RangeError(`pad: padding mode "${mode}" doesn't take in value argument`);
    }
    let out = input;
    for (let i = 0; i < padding.length / 2; i++) {
      out = padDim(out, input.ndim - 1 - i, padding[2 * i], padding[2 * i + 1], mode, value);
    }
    if (out === input) return clone(input);
    // PyTorch 1.13's names: its pad kernels, and a copy into slices for circular padding.
    const dims = padding.length / 2;
    const name = mode === "constant"
      ? "ConstantPadNdBackward0"
      : mode === "circular"
      ? "CopySlices"
      : `${mode === "reflect" ? "Reflection" : "Replication"}Pad${dims}DBackward0`;
    return named(out, name, input);
  });
}
