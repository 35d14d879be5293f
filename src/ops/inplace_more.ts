/**
 * The in-place ops that need more than `assignResult` (ops/inplace.ts): comparisons written into
 * the tensor (`x.lt_(y)`: 1 where true, 0 where false, in x's dtype, with PyTorch's zero gradient),
 * cumulative ops refusing bool as PyTorch does, and the view-metadata ops (`x.t_()`,
 * `x.transpose_(0, 1)`, `x.squeeze_()`, `x.unsqueeze_(0)`) that re-point the tensor itself at a
 * new shape and strides of the same storage, as PyTorch changes a tensor's sizes and strides in place.
 * @module
 */
import { Tensor, type TensorOrScalar } from "../tensor.ts";
import { inFrameOf } from "../memory.ts";
import { checkAlive, named, record } from "./dispatch.ts";
import { assignResult } from "./inplace.ts";
import { isGradEnabled, isInferenceModeEnabled } from "../autograd/grad_mode.ts";
import { bumpVersion } from "../autograd/version.ts";
import { asOp } from "./naming.ts";
import { describeValue } from "../backends/contract.ts";

/** The comparisons PyTorch has in place, with its `grad_fn` stem. */
export type Comparison = "eq" | "ne" | "lt" | "le" | "gt" | "ge";
const STEM: Record<Comparison, string> = { eq: "Eq", ne: "Ne", lt: "Lt", le: "Le", gt: "Gt", ge: "Ge" };

/**
 * `x.eq_(other)` and its kin (`op` names the method the user called): writes the comparison into
 * `x` as 1 / 0 in x's dtype. As PyTorch, the result is recorded with a zero gradient for `x` and
 * `other` (`EqBackward0` for a number operand, `EqBackward1` for a tensor).
 */
export function compare_<T extends Tensor>(t: T, op: string, cmp: Comparison, other: TensorOrScalar): T {
  return inFrameOf(() => {
    if (!(t instanceof Tensor)) throw new TypeError(`${op}: expected a Tensor, got ${describeValue(t)}`);
    const values = asOp(op, () => t[cmp](other)).to(t.dtype);
    const out = record("compareInPlace", [t, other], values);
    named(out, `${STEM[cmp]}Backward${other instanceof Tensor ? 1 : 0}`);
    return assignResult(t, op, out);
  });
}

/**
 * Writes `compute(t)` into `t` (`assignResult`). While autograd records, `compute` reads a clone
 * of `t` (recorded as `CloneBackward0`), so the graph of a composite op (`tan` is `sin / cos`)
 * keeps `t`'s value from before the write, not only its final node.
 */
export function assignComputed<T extends Tensor>(t: T, op: string, compute: (x: Tensor) => Tensor): T {
  return inFrameOf(() => {
    if (!(t instanceof Tensor)) throw new TypeError(`${op}: expected a Tensor, got ${describeValue(t)}`);
    const src = isGradEnabled() && t.requiresGrad && !t.isLeaf ? t.clone() : t;
    return assignResult(t, op, asOp(op, () => compute(src)));
  });
}

/** `x.fmod_(other)` / `x.remainder_(other)`, their node named as PyTorch names the overload. */
export function rounding_<T extends Tensor>(t: T, op: "fmod_" | "remainder_", other: TensorOrScalar): T {
  const stem = op === "fmod_" ? "Fmod" : "Remainder";
  return assignComputed(t, op, (x) => {
    const out = op === "fmod_" ? x.fmod(other) : x.remainder(other);
    return named(out, `${stem}Backward${other instanceof Tensor ? 1 : 0}`, x);
  });
}

/** `x.cumsum_(dim)` / `x.cumprod_(dim)`: PyTorch has no bool cumulative kernels. */
export function cumulative_<T extends Tensor>(t: T, op: "cumsum_" | "cumprod_", dim: number): T {
  return inFrameOf(() => {
    if (!(t instanceof Tensor)) throw new TypeError(`${op}: expected a Tensor, got ${describeValue(t)}`);
    if (t.dtype === "bool") throw new TypeError(`${op}: not implemented for bool tensors`);
    const result = asOp(op, () => (op === "cumsum_" ? t.cumsum(dim) : t.cumprod(dim)));
    return assignResult(t, op, result);
  });
}

/**
 * Re-points `x` at the view `makeView(x)` (same storage, new shape and strides) in place, as
 * PyTorch's `t_`, `transpose_`, `squeeze_` and `unsqueeze_` do: the storage's version goes up
 * (values saved from `x` for a backward then refuse to be used), a leaf that requires grad (or a
 * view of one) is refused while grad mode is on, and otherwise `x`'s history continues through the
 * view's node, named `gradName` as PyTorch names it.
 */
export function restride_<T extends Tensor>(
  x: T,
  op: string,
  gradName: string,
  makeView: (x: T) => Tensor,
): T {
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
        `${op}: a ${x._base ? "view of a " : ""}leaf Variable that requires grad is being used in an ` +
          `in-place operation (wrap the call in torch.noGrad(() => ...) or use the out-of-place ${
            op.slice(0, -1)
          })`,
      );
    }
    if (isGradEnabled() && x._base?.requiresGrad && x._base.isLeaf) {
      throw new Error(
        `${op}: a view of a leaf Variable that requires grad is being used in an in-place operation ` +
          `(wrap the call in torch.noGrad(() => ...))`,
      );
    }
    const view = asOp(op, () => makeView(x));
    x._setGeometry(view.shape, view._strides, view._offset);
    bumpVersion(x._storage);
    const node = view.gradFn;
    if (node !== null && node !== x.gradFn) {
      node.rename(gradName);
      node.replaceOutput(x);
      x.gradFn = node;
    }
    return x;
  });
}
