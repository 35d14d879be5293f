/**
 * Scaled dot-product attention (PyTorch 2's `F.scaled_dot_product_attention`), shared by
 * `nn.MultiheadAttention`: `softmax(q kᵀ · scale + mask) v`, written with `matmul`, `softmax` and
 * the elementwise ops, so it runs on every backend and autograd differentiates it.
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { inFrameOf } from "../memory.ts";
import { attention } from "./attention_core.ts";

/** Options of {@link scaledDotProductAttention}. */
export interface AttentionOptions {
  /** Bool (true: may attend) or float (added to the scores), broadcast to `[..., L, S]`. */
  attnMask?: Tensor | null;
  /** Dropout on the attention weights (default 0; applied whenever > 0, as PyTorch's function). */
  dropoutP?: number;
  /** Each query attends only to keys at or before its position (default false). */
  isCausal?: boolean;
  /** The score scale (default 1/√headDim). */
  scale?: number;
}

/**
 * `softmax(q kᵀ · scale + mask) v` over the last two dims of `query` `[..., L, E]`, `key`
 * `[..., S, E]` and `value` `[..., S, Ev]` (PyTorch 2's `scaled_dot_product_attention`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const q = torch.randn(2, 4, 5, 8), k = torch.randn(2, 4, 6, 8), v = torch.randn(2, 4, 6, 8);
 * assertEquals(torch.F.scaledDotProductAttention(q, k, v).shape, [2, 4, 5, 8]);
 * ```
 */
export function scaledDotProductAttention(
  query: Tensor,
  key: Tensor,
  value: Tensor,
  opts: AttentionOptions = {},
): Tensor {
  return inFrameOf(() => {
    return attention("scaledDotProductAttention", query, key, value, opts)[0];
  });
}
