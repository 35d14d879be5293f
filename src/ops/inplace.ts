/**
 * In-place ops (`add_`, `mul_`, `fill_`, `copy_`, ...): compute out of place, then write the result
 * through this tensor's view with the strided-copy kernel, so views of the same storage see it.
 * @module
 */
import { full } from "../creation.ts";
import { viewAsReal } from "../complex/core.ts";
import { toComplex } from "../complex/ops.ts";
import { checkIntValue, isFloating } from "../dtype.ts";
import { broadcastShapes, broadcastStrides, fmtShape } from "../shape.ts";
import { Tensor } from "../tensor.ts";
import { isGradEnabled, isInferenceModeEnabled } from "../autograd/grad_mode.ts";
import { Node } from "../autograd/node.ts";
import { bumpVersion } from "../autograd/version.ts";
import { derivatives } from "../autograd/derivatives.ts";
import { backendOf, checkAlive, storageAs, wrap } from "./dispatch.ts";
import { inFrameOf } from "../memory.ts";

/** The checks PyTorch makes before writing into `t` in place. */
export function refuseLeaf(op: string, t: Tensor): void {
  checkAlive(op, t);
  if (t.shape.some((size, i) => size > 1 && t._strides[i] === 0)) {
    throw new Error(
      `${op}: unsupported operation: more than one element of the written-to tensor refers to a single memory ` +
        `location (it was expanded from shape with stride 0). Please clone() the tensor before performing the operation.`,
    );
  }
  if (t._inference && !isInferenceModeEnabled()) {
    throw new Error(
      `${op}: inplace update to inference tensor outside inferenceMode is not allowed. You can make a clone() ` +
        `to get a normal tensor before doing inplace update.`,
    );
  }
  if (!isGradEnabled()) return;
  if (t.requiresGrad && t.isLeaf && !t._base) {
    throw new Error(
      `${op}: a leaf Variable that requires grad is being used in an in-place operation ` +
        `(wrap the update in torch.noGrad(() => ...) or use an out-of-place op)`,
    );
  }
  if (t._base?.requiresGrad && t._base.isLeaf) {
    throw new Error(
      `${op}: a view of a leaf Variable that requires grad is being used in an in-place operation ` +
        `(wrap the update in torch.noGrad(() => ...))`,
    );
  }
}

/** Writes `value` (already of `t`'s shape) into `t`'s elements. */
export function writeInto(t: Tensor, value: Tensor): void {
  if (t.dtype === "complex64" || value.dtype === "complex64") {
    // complex64: written through the float32 (re, im) views (a real value gets a zero imaginary
    // part). A complex value is not written into a real tensor (PyTorch's copy_ warns and drops the
    // imaginary part; here it is an error, as `to`).
    if (t.dtype !== "complex64") {
      throw new TypeError(
        `copy_: writing complex64 values into a ${t.dtype} tensor would discard the imaginary part; ` +
          "write z.real explicitly",
      );
    }
    const v = viewAsReal(toComplex("copy_", value.detach()));
    return writeInto(viewAsReal(t.detach()), v);
  }
  const backend = backendOf("copy_", t, value);
  if (t.numel() === 0) return;
  const src = value.dtype === t.dtype ? value : wrap(storageAs(value, t.dtype), value.shape);
  backend.copy(src._storage, src._offset, src._strides, t._storage, t._offset, t._strides, t.shape);
  bumpVersion(t._storage);
}

/**
 * Lands the out-of-place `result` of `op` in `t`. When the result is part of a graph, `t`'s
 * history is rebased on it, with the inputs that were `t` pointing at a snapshot of its old value.
 */
export function assignResult<T extends Tensor>(t: T, op: string, result: Tensor): T {
  return inFrameOf(() => {
    refuseLeaf(op, t);
    if (result.shape.length !== t.shape.length || result.shape.some((s, i) => s !== t.shape[i])) {
      throw new RangeError(
        `${op}: output with shape ${fmtShape(t.shape)} doesn't match the broadcast shape ${
          fmtShape(result.shape)
        }`,
      );
    }
    if (
      (isFloating(result.dtype) && !isFloating(t.dtype)) ||
      (result.dtype === "complex64" && t.dtype !== "complex64")
    ) {
      throw new TypeError(
        `${op}: result type ${result.dtype} can't be cast to the desired output type ${t.dtype}`,
      );
    }
    const node = result.gradFn;
    const base = t._base;
    const rebaseView = node !== null && base !== null && isGradEnabled();
    const baseElements = base === null ? 0 : base.numel() * (base.dtype === "complex64" ? 2 : 1);
    if (rebaseView && !(base._offset === 0 && base.isContiguous() && base._storage.numel === baseElements)) {
      throw new Error(
        `${op}: in-place operations on a view are only recorded by autograd when the viewed tensor is contiguous; ` +
          `call .contiguous() on it first or compute the result out of place`,
      );
    }
    // The new node's formula must see `t`'s value from before the write.
    node?.inputs.forEach((x, i) => {
      if (x === t) node.replaceInput(i, t.detach().clone());
    });
    writeInto(t, result);
    if (node) {
      node.replaceOutput(t);
      t.gradFn = node;
      t._requiresGrad = true;
    }
    if (rebaseView && base) {
      // PyTorch's CopySlices: the base becomes "old base with `result` written into the view's
      // region", and the view a strided view of the new base.
      const geometry = { shape: t.shape, strides: t._strides, offset: t._offset };
      base.gradFn = new Node("copySlices", derivatives.copySlices, [base, result], { geometry }, base);
      base._requiresGrad = true;
      t.gradFn = new Node(
        "asStrided",
        derivatives.asStrided,
        [base],
        { geometry, inputShape: base.shape },
        t,
      );
    }
    return t;
  });
}

/** Sets every element of `t` to `value` (a number or a one-element tensor). */
export function fill_<T extends Tensor>(t: T, value: number | Tensor): T {
  return inFrameOf(() => {
    refuseLeaf("fill_", t);
    if (t.dtype === "complex64" || (value instanceof Tensor && value.dtype === "complex64")) {
      // complex64: the value (a real number gets a zero imaginary part) written through writeInto.
      const v = value instanceof Tensor ? value : full([], Number(value), { device: t.device });
      if (v.numel() !== 1) {
        throw new RangeError(
          `fill_: only supports a 0-dimension value tensor, got shape ${fmtShape(v.shape)}`,
        );
      }
      writeInto(t, v.reshape([]).expand([...t.shape]));
      return t;
    }
    const backend = backendOf("fill_", t, value);
    let v: Tensor;
    if (value instanceof Tensor) {
      if (value.numel() !== 1) {
        throw new RangeError(
          `fill_: only supports a 0-dimension value tensor, got shape ${fmtShape(value.shape)}`,
        );
      }
      v = value.reshape([]);
    } else {
      if (typeof value !== "number" && typeof value !== "boolean") {
        throw new TypeError(`fill_: value must be a number, got ${typeof value}`);
      }
      checkIntValue("fill_", Number(value), t.dtype);
      v = wrap(backend.full(t.dtype, 1, Number(value)), []);
    }
    const filled = new Tensor(v._storage, t.shape, t.shape.map(() => 0), v._offset, v.dtype);
    const converted = filled.to(t.dtype);
    writeInto(t, converted);
    return t;
  });
}

/** Copies `src` (broadcast to `t`'s shape, converted to its dtype) into `t`. */
export function copy_<T extends Tensor>(t: T, src: Tensor): T {
  return inFrameOf(() => {
    refuseLeaf("copy_", t);
    if (!(src instanceof Tensor)) throw new TypeError(`copy_: src must be a tensor, got ${typeof src}`);
    const shape = broadcastShapes("copy_", src.shape, t.shape);
    if (shape.length !== t.ndim || shape.some((s, i) => s !== t.shape[i])) {
      throw new RangeError(
        `copy_: src of shape ${fmtShape(src.shape)} cannot be broadcast to ${fmtShape(t.shape)}`,
      );
    }
    const expanded = new Tensor(
      src._storage,
      t.shape,
      broadcastStrides(src.shape, src._strides, t.shape),
      src._offset,
      src.dtype,
    );
    // A source that overlaps the destination is read in full before writing.
    const safe = src._storage === t._storage ? expanded.clone() : expanded;
    writeInto(t, safe);
    return t;
  });
}
