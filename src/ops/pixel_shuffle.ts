/**
 * `pixelShuffle` / `pixelUnshuffle` (PyTorch's `F.pixel_shuffle` / `F.pixel_unshuffle`): channels
 * to space and back, for sub-pixel upsampling. A reshape, a permutation and a reshape, so they run
 * and differentiate on every device and dtype. Part of `F`.
 * @module
 */
import { fmtShape } from "../shape.ts";
import { Tensor } from "../tensor.ts";
import { contiguous, permute, reshape } from "./movement.ts";
import { named } from "./dispatch.ts";
import { inFrameOf } from "../memory.ts";

function checkArgs(op: string, what: string, input: unknown, factor: unknown): asserts input is Tensor {
  if (!(input instanceof Tensor)) {
    throw new TypeError(`${op}: expected input to be a Tensor, got ${typeof input}`);
  }
  if (typeof factor !== "number" || !Number.isInteger(factor) || factor <= 0) {
    throw new RangeError(`${op}: expects a positive ${what}, but got ${factor}`);
  }
  if (input.ndim < 3) {
    throw new RangeError(
      `${op}: expects input to have at least 3 dimensions, but got input with ${input.ndim} dimension(s) ${
        fmtShape(input.shape)
      }`,
    );
  }
}

/**
 * Rearranges `[*, C * r * r, H, W]` into `[*, C, H * r, W * r]` (`r` = `upscaleFactor`), as
 * PyTorch's `pixel_shuffle`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.arange(8).reshape(1, 4, 1, 2);
 * assertEquals(torch.F.pixelShuffle(x, 2).toArray(), [[[[0, 2, 1, 3], [4, 6, 5, 7]]]]);
 * ```
 */
export function pixelShuffle(input: Tensor, upscaleFactor: number): Tensor {
  return inFrameOf(() => {
    const op = "pixelShuffle";
    checkArgs(op, "upscale_factor", input, upscaleFactor);
    const r = upscaleFactor;
    const batch = input.shape.slice(0, -3);
    const [c, h, w] = input.shape.slice(-3);
    if (c % (r * r) !== 0) {
      throw new RangeError(
        `${op}: expects its input's 'channel' dimension to be divisible by the square of upscale_factor, ` +
          `but input.size(-3)=${c} is not divisible by ${r * r} (input ${fmtShape(input.shape)})`,
      );
    }
    const oc = c / (r * r);
    const nb = batch.length;
    const split = reshape(input, [...batch, oc, r, r, h, w]);
    const order = [...batch.keys(), nb, nb + 3, nb + 1, nb + 4, nb + 2];
    const out = reshape(contiguous(permute(split, order)), [...batch, oc, h * r, w * r]);
    return named(out, "PixelShuffleBackward0", input);
  });
}

/**
 * The inverse of {@link pixelShuffle}: `[*, C, H * r, W * r]` into `[*, C * r * r, H, W]`
 * (`r` = `downscaleFactor`), as PyTorch's `pixel_unshuffle`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.arange(16).reshape(1, 1, 4, 4);
 * assertEquals(torch.F.pixelUnshuffle(x, 2).shape, [1, 4, 2, 2]);
 * assertEquals(torch.F.pixelShuffle(torch.F.pixelUnshuffle(x, 2), 2).toArray(), x.toArray());
 * ```
 */
export function pixelUnshuffle(input: Tensor, downscaleFactor: number): Tensor {
  return inFrameOf(() => {
    const op = "pixelUnshuffle";
    checkArgs(op, "downscale_factor", input, downscaleFactor);
    const r = downscaleFactor;
    const batch = input.shape.slice(0, -3);
    const [c, h, w] = input.shape.slice(-3);
    for (const [name, dim, size] of [["height", -2, h], ["width", -1, w]] as const) {
      if (size % r !== 0) {
        throw new RangeError(
          `${op}: expects ${name} to be divisible by downscale_factor, but input.size(${dim})=${size} is not ` +
            `divisible by ${r} (input ${fmtShape(input.shape)})`,
        );
      }
    }
    const nb = batch.length;
    const split = reshape(input, [...batch, c, h / r, r, w / r, r]);
    const order = [...batch.keys(), nb, nb + 2, nb + 4, nb + 1, nb + 3];
    const out = reshape(contiguous(permute(split, order)), [...batch, c * r * r, h / r, w / r]);
    return named(out, "PixelUnshuffleBackward0", input);
  });
}
