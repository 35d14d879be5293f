/**
 * `torch.as_strided` (`asStrided` here, also `x.asStrided(...)`): a view of the tensor's storage
 * with any sizes, strides and storage offset, bounds-checked against the storage, with PyTorch's
 * gradient (overlapping windows add up). The gradient row is in as_strided_derivatives.ts.
 * @module
 */
import { Tensor } from "../tensor.ts";
import { inFrameOf } from "../memory.ts";
import { checkAlive, makeView, record } from "./dispatch.ts";
import { isGradEnabled, isInferenceModeEnabled } from "../autograd/grad_mode.ts";
import { bumpVersion } from "../autograd/version.ts";
import { asOp } from "./naming.ts";
import { fmtShape, numelOf } from "../shape.ts";
import { describeValue } from "../backends/contract.ts";

function checkInts(op: string, what: string, v: unknown): number[] {
  if (!Array.isArray(v) || v.some((s) => !Number.isInteger(s))) {
    throw new TypeError(`${op}: ${what} must be a list of integers, got ${describeValue(v)}`);
  }
  return [...v];
}

/**
 * PyTorch's `torch.as_strided(input, size, stride, storage_offset=None)`: the view of `x`'s
 * storage whose element `[i0, i1, ...]` is storage element `storageOffset + Σ ik * stride[k]`
 * (`storageOffset` defaults to `x`'s own offset into its storage). Elements may repeat (sliding
 * windows); every position must lie in the storage. A view: writes through it reach `x`.
 * Differentiable (the gradients of repeated elements add up).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.arange(6);
 * assertEquals(torch.asStrided(x, [3, 2], [1, 1]).toArray(), [[0, 1], [1, 2], [2, 3]]);
 * assertEquals(x.asStrided([2, 2], [3, 1], 1).toArray(), [[1, 2], [4, 5]]);
 * ```
 */
export function asStrided(
  x: Tensor,
  size: readonly number[],
  stride: readonly number[],
  storageOffset: number | null = null,
): Tensor {
  const op = "asStrided";
  return inFrameOf(() => {
    if (!(x instanceof Tensor)) throw new TypeError(`${op}: expected a Tensor, got ${describeValue(x)}`);
    const shape = checkInts(op, "size", size), strides = checkInts(op, "stride", stride);
    if (shape.length !== strides.length) {
      throw new RangeError(
        `${op}: mismatch in length of strides and shape (size ${fmtShape(shape)}, stride ${
          fmtShape(strides)
        })`,
      );
    }
    if (shape.some((s) => s < 0)) throw new RangeError(`${op}: negative size in ${fmtShape(shape)}`);
    if (strides.some((s) => s < 0)) {
      throw new RangeError(
        `${op}: Negative strides are not supported at the moment, got strides: ${fmtShape(strides)}`,
      );
    }
    const offset = storageOffset ?? x._offset;
    if (!Number.isInteger(offset) || offset < 0) {
      throw new RangeError(
        `${op}: storage offset must be a non-negative integer, got ${describeValue(offset)}`,
      );
    }
    const need = numelOf(shape) === 0 ? 0 : shape.reduce((e, s, d) => e + (s - 1) * strides[d], offset) + 1;
    // A complex64 tensor's storage holds two float32 values per element.
    const have = x.dtype === "complex64" ? x._storage.numel / 2 : x._storage.numel;
    if (need > have) {
      throw new RangeError(
        `${op}: sizes ${fmtShape(shape)}, strides ${fmtShape(strides)} and storage offset ${offset} need a ` +
          `storage of ${need} elements, out of bounds for the input's storage of ${have}`,
      );
    }
    return record("asStridedStorage", [x], makeView(x, shape, strides, offset), {
      output: { shape, strides, offset },
      input: { shape: x.shape, strides: x._strides, offset: x._offset },
    });
  });
}

/**
 * PyTorch's in-place `x.as_strided_(size, stride, storage_offset=None)` (also
 * `torch.asStrided_(x, ...)`): re-points `x` itself at the region of its storage that
 * `asStrided(x, size, stride, storageOffset)` views, and returns `x`. As PyTorch: the storage's
 * version counter goes up (values saved for a backward through this storage then refuse to be
 * used), a leaf that requires grad (or a view of one) is refused while grad mode is on, and
 * otherwise `x`'s history continues through `AsStridedBackward1` (gradients of repeated
 * elements add up).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.arange(6);
 * assertEquals(x.asStrided_([2, 2], [1, 2], 1) === x, true);
 * assertEquals([x.toArray(), x.shape, x.stride()], [[[1, 3], [2, 4]], [2, 2], [1, 2]]);
 * const w = torch.arange(4, { dtype: "float32", requiresGrad: true });
 * const y = w.mul(1);
 * torch.asStrided_(y, [3], [1]).mul(torch.tensor([1, 10, 100])).sum().backward();
 * assertEquals([y.gradFn!.name, w.grad!.toArray()], ["AsStridedBackward1", [1, 10, 100, 0]]);
 * ```
 */
export function asStrided_<T extends Tensor>(
  x: T,
  size: readonly number[],
  stride: readonly number[],
  storageOffset: number | null = null,
): T {
  const op = "asStrided_";
  return inFrameOf(() => {
    if (!(x instanceof Tensor)) throw new TypeError(`${op}: expected a Tensor, got ${describeValue(x)}`);
    checkAlive(op, x);
    if (x._inference && !isInferenceModeEnabled()) {
      throw new Error(
        `${op}: inplace update to inference tensor outside inferenceMode is not allowed. You can make a clone() ` +
          `to get a normal tensor before doing inplace update.`,
      );
    }
    if (isGradEnabled() && x.requiresGrad && x.isLeaf) {
      throw new Error(
        `${op}: a ${
          x._base ? "view of a " : ""
        }leaf Variable that requires grad is being used in an in-place ` +
          `operation (wrap the call in torch.noGrad(() => ...) or use the out-of-place asStrided)`,
      );
    }
    if (isGradEnabled() && x._base?.requiresGrad && x._base.isLeaf) {
      throw new Error(
        `${op}: a view of a leaf Variable that requires grad is being used in an in-place operation ` +
          `(wrap the call in torch.noGrad(() => ...))`,
      );
    }
    const view = asOp(op, () => asStrided(x, size, stride, storageOffset));
    x._setGeometry(view.shape, view._strides, view._offset);
    bumpVersion(x._storage);
    const node = view.gradFn;
    if (node !== null) {
      node.rename("AsStridedBackward1");
      node.replaceOutput(x);
      x.gradFn = node;
    }
    return x;
  });
}
