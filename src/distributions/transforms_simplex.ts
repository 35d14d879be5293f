/**
 * The simplex transforms of `torch.distributions.transforms` (PyTorch 1.13): `SoftmaxTransform`
 * and `StickBreakingTransform`. Re-exported by `transforms.ts`.
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { fullLike } from "../creation.ts";
import { pad } from "../ops/pad.ts";
import { logsigmoid } from "../nn/activations.ts";
import { type Constraint, realVector, simplex } from "./constraints.ts";
import { Transform } from "./transforms_base.ts";
import { clippedSigmoid, finfoTiny } from "./utils.ts";

function lastDimShape(op: string, shape: readonly number[]): void {
  if (shape.length < 1) throw new RangeError(`${op}: too few dimensions on input`);
}

/**
 * From the reals to the simplex: `exp(x)` normalised over the last dim (not bijective: `inv` is
 * `log(y)`, one of the preimages).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const t = new torch.distributions.transforms.SoftmaxTransform();
 * assertEquals(t.call(torch.tensor([0, 0])).toArray(), [0.5, 0.5]);
 * ```
 */
export class SoftmaxTransform extends Transform {
  /** Real vectors. */
  get domain(): Constraint {
    return realVector;
  }
  /** The simplex. */
  get codomain(): Constraint {
    return simplex;
  }
  /** @internal `exp(x - max)` normalised. */
  _call(x: Tensor): Tensor {
    const probs = x.sub(x.amax(-1, { keepdim: true })).exp();
    return probs.div(probs.sum(-1, { keepdim: true }));
  }
  /** @internal `log(y)`. */
  override _inverse(y: Tensor): Tensor {
    return y.log();
  }
  /** `shape` (at least one dim). */
  override forwardShape(shape: readonly number[]): number[] {
    lastDimShape("SoftmaxTransform.forwardShape", shape);
    return [...shape];
  }
  /** `shape` (at least one dim). */
  override inverseShape(shape: readonly number[]): number[] {
    lastDimShape("SoftmaxTransform.inverseShape", shape);
    return [...shape];
  }
  /** Every SoftmaxTransform is equal. */
  override equals(other: Transform): boolean {
    return other instanceof SoftmaxTransform;
  }
}

/** `[K, K-1, ..., 1]` as a tensor like `like` (the stick-breaking offsets). */
function offsets(k: number, like: Tensor): Tensor {
  return fullLike(like.narrow(-1, 0, k), 1).cumsum(-1).neg().add(k + 1);
}

/**
 * From real vectors of length K to the simplex of K + 1 dims by stick breaking (bijective):
 * each coordinate takes a sigmoid share of what is left.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const t = new torch.distributions.transforms.StickBreakingTransform();
 * const y = t.call(torch.tensor([0.5, -1]));
 * assertEquals(y.shape, [3]);
 * assertEquals(torch.allclose(t.inv.call(y), torch.tensor([0.5, -1]), { atol: 1e-5 }), true);
 * ```
 */
export class StickBreakingTransform extends Transform {
  /** Real vectors. */
  get domain(): Constraint {
    return realVector;
  }
  /** The simplex. */
  get codomain(): Constraint {
    return simplex;
  }
  /** True. */
  override get bijective(): boolean {
    return true;
  }
  /** @internal */
  _call(x: Tensor): Tensor {
    const k = x.shape[x.ndim - 1];
    const z = clippedSigmoid(x.sub(offsets(k, x).log()));
    const zCumprod = z.neg().add(1).cumprod(-1);
    return pad(z, [0, 1], { value: 1 }).mul(pad(zCumprod, [1, 0], { value: 1 }));
  }
  /** @internal */
  override _inverse(y: Tensor): Tensor {
    const k = y.shape[y.ndim - 1] - 1;
    const crop = y.narrow(-1, 0, k);
    const sf = crop.cumsum(-1).neg().add(1).clamp(finfoTiny(y.dtype), null);
    return crop.log().sub(sf.log()).add(offsets(k, crop).log());
  }
  /** @internal */
  override _logAbsDetJacobian(x: Tensor, y: Tensor): Tensor {
    const k = x.shape[x.ndim - 1];
    const xs = x.sub(offsets(k, x).log());
    return xs.neg().add(logsigmoid(xs)).add(y.narrow(-1, 0, k).log()).sum(-1);
  }
  /** The last dim one longer. */
  override forwardShape(shape: readonly number[]): number[] {
    lastDimShape("StickBreakingTransform.forwardShape", shape);
    return [...shape.slice(0, -1), shape[shape.length - 1] + 1];
  }
  /** The last dim one shorter. */
  override inverseShape(shape: readonly number[]): number[] {
    lastDimShape("StickBreakingTransform.inverseShape", shape);
    return [...shape.slice(0, -1), shape[shape.length - 1] - 1];
  }
  /** Every StickBreakingTransform is equal. */
  override equals(other: Transform): boolean {
    return other instanceof StickBreakingTransform;
  }
}
