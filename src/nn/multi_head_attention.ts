/**
 * PyTorch's `F.multi_head_attention_forward` (`F.multiHeadAttentionForward`): the whole of
 * multi-head attention from explicit weights, the computation `nn.MultiheadAttention.forward`
 * runs (both call multi_head_attention_core.ts). Written with `linear`, `matmul`, `softmax` and
 * the elementwise ops, so it runs and differentiates on every backend.
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { inFrameOf } from "../memory.ts";
import { multiHeadAttentionCore } from "./multi_head_attention_core.ts";

/**
 * Options of {@link multiHeadAttentionForward}: PyTorch 1.13's arguments after `query, key,
 * value`, camelCased (`embed_dim_to_check` is `embedDimToCheck`, ...). Those PyTorch may get as
 * None are optional here (default null, false or 0; `training`, `needWeights` and
 * `averageAttnWeights` default true, as PyTorch's).
 */
export interface MultiHeadAttentionForwardOptions {
  /** The embedding size the query must have. */
  embedDimToCheck: number;
  /** Number of heads (dividing the embedding size). */
  numHeads: number;
  /** `[3E, E]`: the packed query, key and value projections (unless `useSeparateProjWeight`). */
  inProjWeight?: Tensor | null;
  /** `[3E]`: the packed projection biases. */
  inProjBias?: Tensor | null;
  /** `[1, 1, E]`: a learned key appended to the keys (with `biasV`). */
  biasK?: Tensor | null;
  /** `[1, 1, E]`: a learned value appended to the values (with `biasK`). */
  biasV?: Tensor | null;
  /** Append a zero key and value (default false). */
  addZeroAttn?: boolean;
  /** Dropout on the attention weights when `training` (default 0). */
  dropoutP?: number;
  /** `[E, E]`: the output projection. */
  outProjWeight: Tensor;
  /** `[E]`: the output projection's bias. */
  outProjBias?: Tensor | null;
  /** Apply `dropoutP` (default true, as PyTorch's function). */
  training?: boolean;
  /** `[N, S]` (or `[S]`): true (or a float added to the scores) where a key is padding. */
  keyPaddingMask?: Tensor | null;
  /** Return the attention weights (default true). */
  needWeights?: boolean;
  /** `[L, S]` or `[N * numHeads, L, S]`: true (or a float added to the scores) where attention is not allowed. */
  attnMask?: Tensor | null;
  /** Use `qProjWeight`, `kProjWeight`, `vProjWeight` instead of `inProjWeight` (default false). */
  useSeparateProjWeight?: boolean;
  /** `[E, E]`: the query projection (with `useSeparateProjWeight`). */
  qProjWeight?: Tensor | null;
  /** `[E, kdim]`: the key projection (with `useSeparateProjWeight`). */
  kProjWeight?: Tensor | null;
  /** `[E, vdim]`: the value projection (with `useSeparateProjWeight`). */
  vProjWeight?: Tensor | null;
  /** `[N * numHeads, S, E / numHeads]`: projected keys to use as they are. */
  staticK?: Tensor | null;
  /** `[N * numHeads, S, E / numHeads]`: projected values to use as they are. */
  staticV?: Tensor | null;
  /** Average the weights over heads (default true): `[N, L, S]`, else `[N, numHeads, L, S]`. */
  averageAttnWeights?: boolean;
  /** A causal mask instead of `attnMask` (PyTorch 2's `is_causal`; default false). */
  isCausal?: boolean;
}

/**
 * Multi-head attention of `query` `[L, N, E]`, `key` `[S, N, kdim]` and `value` `[S, N, vdim]`
 * (sequence first; unbatched `[L, E]`, `[S, kdim]`, `[S, vdim]` too) with explicit weights:
 * PyTorch 1.13's `F.multi_head_attention_forward`, its arguments after `value` as options.
 * Returns `[output, weights]` (`weights` null with `needWeights: false`). The masks combine by
 * adding their `-inf` / float scores (PyTorch 1.13 refuses a float `attnMask` together with a
 * float `keyPaddingMask`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const mha = new torch.nn.MultiheadAttention(8, 2);
 * const x = torch.randn(5, 3, 8);
 * const [out, weights] = torch.F.multiHeadAttentionForward(x, x, x, {
 *   embedDimToCheck: 8,
 *   numHeads: 2,
 *   inProjWeight: mha.in_proj_weight,
 *   inProjBias: mha.in_proj_bias,
 *   outProjWeight: mha.out_proj.weight,
 *   outProjBias: mha.out_proj.bias,
 * });
 * assertEquals([out.shape, weights!.shape], [[5, 3, 8], [3, 5, 5]]);
 * assertEquals(out.sub(mha.forward(x, x, x)[0]).abs().max().item(), 0); // the module's computation
 * ```
 */
export function multiHeadAttentionForward(
  query: Tensor,
  key: Tensor,
  value: Tensor,
  opts: MultiHeadAttentionForwardOptions,
): [Tensor, Tensor | null] {
  return inFrameOf(() => multiHeadAttentionCore("multiHeadAttentionForward", query, key, value, opts));
}
