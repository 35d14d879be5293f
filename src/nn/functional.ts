/**
 * `F`: functional forms of layers and losses (PyTorch's `torch.nn.functional`).
 * @module
 */
// This module only gathers F; each family has a file of its own. Every line is `export *` of a
// file that exports nothing but F's members (internals live in *_core.ts files): `deno doc`, and
// so JSR's pages, list a namespace's members only when they are reached through `export *`.
export type { Reduction } from "../ops/loss.ts";
export * from "../ops/one_hot.ts";
export * from "../ops/conv.ts";
export * from "../ops/pad.ts";
export * from "../ops/conv_transpose.ts";
export * from "../ops/interpolate.ts";
export * from "../ops/adaptive_pool.ts";
export * from "../ops/pdist.ts";
export * from "./loss_margin.ts";
export * from "./attention.ts";
export * from "./multi_head_attention.ts";
export * from "./loss_reduction.ts";
export * from "./loss_gaussian.ts";
export * from "./dropout.ts";
export * from "./activations.ts";
export * from "./activations_core.ts";
export * from "./normalization.ts";
export * from "./linear_embedding.ts";
export * from "./loss_pointwise.ts";
export * from "./loss_nll.ts";
export * from "../ops/pixel_shuffle.ts";
export * from "../ops/fold.ts";
export * from "../ops/pool1d.ts";
export * from "./embedding_bag.ts";
export * from "../ops/conv3d.ts";
export * from "../ops/conv_transpose3d.ts";
export * from "../ops/pool3d.ts";
export * from "./max_unpool3d.ts";
export * from "../ops/fractional_pool.ts";
export * from "./instance_norm.ts";
export * from "../ops/grid_sample.ts";
export * from "./random_activations.ts";
export * from "./loss_margin_more.ts";
export * from "./functional_extras.ts";
export * from "./functional_inplace.ts";
export * from "./loss_ctc.ts";
