/**
 * The computation behind `F.scaledDotProductAttention` and `nn.MultiheadAttention` (attention.ts
 * holds the function users call): the masked, scaled scores, their softmax and the weighted values.
 * @module
 */
import { Tensor } from "../tensor.ts";
import { ones } from "../creation.ts";
import { fmtShape } from "../shape.ts";
import * as ew from "../ops/elementwise.ts";
import { matmul } from "../ops/matmul.ts";
import { softmax } from "../ops/reduce.ts";
import { dropout } from "./dropout.ts";
import { inFrameOf } from "../memory.ts";
import type { AttentionOptions } from "./attention.ts";

/** @internal A float mask of `-inf` where a bool mask is false (for adding to scores). */
export function additive(mask: Tensor, like: Tensor): Tensor {
  return inFrameOf(() => {
    if (mask.dtype === "bool") return ew.where(mask, 0, -Infinity);
    return mask.dtype === like.dtype ? mask : mask.to(like.dtype);
  });
}

/** @internal A lower-triangular bool mask `[L, S]` (true on and below the diagonal). */
export function causalMask(l: number, s: number, like: Tensor): Tensor {
  return inFrameOf(() => {
    return ones([l, s], { dtype: "bool", device: like.device }).tril();
  });
}

/** @internal Attention output and weights (post-dropout); `op` names the caller in errors. */
export function attention(
  op: string,
  q: Tensor,
  k: Tensor,
  v: Tensor,
  opts: AttentionOptions,
): [Tensor, Tensor] {
  return inFrameOf(() => {
    for (const [name, t] of [["query", q], ["key", k], ["value", v]] as const) {
      if (!(t instanceof Tensor) || t.ndim < 2) {
        throw new TypeError(`${op}: ${name} must be a tensor of at least 2 dims`);
      }
    }
    if (q.shape[q.ndim - 1] !== k.shape[k.ndim - 1] || k.shape[k.ndim - 2] !== v.shape[v.ndim - 2]) {
      throw new RangeError(
        `${op}: expected query [..., L, E], key [..., S, E] and value [..., S, Ev], got ${
          fmtShape(q.shape)
        }, ${fmtShape(k.shape)} and ${fmtShape(v.shape)}`,
      );
    }
    const { attnMask = null, dropoutP = 0, isCausal = false } = opts;
    if (isCausal && attnMask) throw new RangeError(`${op}: pass either attnMask or isCausal, not both`);
    const scale = opts.scale ?? 1 / Math.sqrt(q.shape[q.ndim - 1]);
    let scores = ew.mul(matmul(q, k.mT), scale);
    const [l, s] = [q.shape[q.ndim - 2], k.shape[k.ndim - 2]];
    const mask = isCausal ? causalMask(l, s, q) : attnMask;
    if (mask) scores = ew.add(scores, additive(mask, scores));
    let weights = softmax(scores, -1);
    if (dropoutP > 0) weights = dropout(weights, dropoutP, true);
    return [matmul(weights, v), weights];
  });
}
