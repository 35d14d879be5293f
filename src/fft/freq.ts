/**
 * `torch.fft`'s helpers: the sample frequencies `fftfreq` / `rfftfreq` and the reorderings
 * `fftshift` / `ifftshift` (zero frequency to the centre and back).
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { type CreateOptions, tensor } from "../creation.ts";
import { getDefaultDtype, isFloating } from "../dtype.ts";
import { inFrameOf } from "../memory.ts";
import { roll } from "../ops/rearrange.ts";
import { checkTensor, wrapDim } from "./core.ts";

function freqs(
  op: string,
  n: number,
  d: number,
  opts: CreateOptions,
  values: (n: number) => number[],
): Tensor {
  return inFrameOf(() => {
    if (!Number.isInteger(n) || n < 0) {
      throw new RangeError(`${op}: n must be a non-negative integer, got ${n}`);
    }
    if (typeof d !== "number" || !Number.isFinite(d) || d === 0) {
      throw new RangeError(`${op}: the sample spacing d must be a finite non-zero number, got ${d}`);
    }
    const dtype = opts.dtype ?? getDefaultDtype();
    if (!isFloating(dtype)) throw new TypeError(`${op}: expected a floating dtype, got ${dtype}`);
    const v = values(n).map((k) => k / (n * d));
    return tensor(v, { dtype, device: opts.device, requiresGrad: opts.requiresGrad ?? false });
  });
}

/**
 * The sample frequencies of an fft of length n with sample spacing `d` (`torch.fft.fftfreq`):
 * [0, 1, ..., ⌈n/2⌉ - 1, -⌊n/2⌋, ..., -1] / (d n).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.fft.fftfreq(4).toArray(), [0, 0.25, -0.5, -0.25]);
 * assertEquals(torch.fft.fftfreq(4, 0.5).toArray(), [0, 0.5, -1, -0.5]);
 * ```
 */
export function fftfreq(n: number, d = 1, opts: CreateOptions = {}): Tensor {
  return freqs(
    "fft.fftfreq",
    n,
    d,
    opts,
    (n) => Array.from({ length: n }, (_, i) => i < Math.ceil(n / 2) ? i : i - n),
  );
}

/**
 * The non-negative sample frequencies of an rfft of length n (`torch.fft.rfftfreq`):
 * [0, 1, ..., ⌊n/2⌋] / (d n).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.fft.rfftfreq(4).toArray(), [0, 0.25, 0.5]);
 * ```
 */
export function rfftfreq(n: number, d = 1, opts: CreateOptions = {}): Tensor {
  return freqs("fft.rfftfreq", n, d, opts, (n) => Array.from({ length: Math.floor(n / 2) + 1 }, (_, i) => i));
}

function shift(
  op: string,
  input: Tensor,
  dim: number | readonly number[] | null | undefined,
  inverse: boolean,
): Tensor {
  return inFrameOf(() => {
    checkTensor(op, input);
    const dims = dim === undefined || dim === null
      ? input.shape.map((_, i) => i)
      : (typeof dim === "number" ? [dim] : [...dim]).map((d) => wrapDim(op, d, input.ndim));
    if (input.ndim === 0) {
      throw new RangeError(`${op}: expected a tensor with at least one dimension, got a 0-d tensor`);
    }
    if (dims.length === 0) return input.clone();
    const shifts = dims.map((d) =>
      inverse ? -Math.floor(input.shape[d] / 2) : Math.floor(input.shape[d] / 2)
    );
    return roll(input, shifts, dims);
  });
}

/**
 * Moves the zero frequency to the centre (`torch.fft.fftshift`): rolls each of `dim` (default
 * all) by ⌊n/2⌋.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.fft.fftshift(torch.arange(5)).toArray(), [3, 4, 0, 1, 2]);
 * ```
 */
export function fftshift(input: Tensor, dim?: number | readonly number[] | null): Tensor {
  return shift("fft.fftshift", input, dim, false);
}

/**
 * The inverse of {@link fftshift} (`torch.fft.ifftshift`): rolls by -⌊n/2⌋.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.arange(5);
 * assertEquals(torch.fft.ifftshift(torch.fft.fftshift(x)).toArray(), [0, 1, 2, 3, 4]);
 * ```
 */
export function ifftshift(input: Tensor, dim?: number | readonly number[] | null): Tensor {
  return shift("fft.ifftshift", input, dim, true);
}
