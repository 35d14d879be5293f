/**
 * `F`: functional forms of layers and losses (PyTorch's `torch.nn.functional`).
 * @module
 */
// This module only gathers F; each family has a file of its own: activations_core.ts and
// activations.ts, normalization.ts, linear_embedding.ts, dropout.ts, attention.ts, the losses in
// loss_pointwise.ts, loss_nll.ts, loss_margin.ts, loss_gaussian.ts and loss_reduction.ts, and
// ops/ for convolution, pooling, padding, interpolation and `oneHot`.
export type { Reduction } from "../ops/loss.ts";
export { oneHot } from "../ops/indexing.ts";
export { avgPool2d, conv1d, conv2d, maxPool2d } from "../ops/conv.ts";
export { pad, type PadMode, type PadOptions } from "../ops/pad.ts";
export { convTranspose2d } from "../ops/conv_transpose.ts";
export { interpolate, type InterpolateMode, type InterpolateOptions } from "../ops/interpolate.ts";
export { groupNorm, type GroupNormOptions } from "./layers/group_norm.ts";
export {
  cosineEmbeddingLoss,
  cosineSimilarity,
  hingeEmbeddingLoss,
  type HingeEmbeddingOptions,
  type MarginOptions,
  marginRankingLoss,
  multilabelSoftMarginLoss,
  type MultilabelSoftMarginOptions,
  multiMarginLoss,
  type MultiMarginOptions,
  pairwiseDistance,
  poissonNllLoss,
  type PoissonNllOptions,
  softMarginLoss,
  tripletMarginLoss,
  type TripletMarginOptions,
} from "./loss_margin.ts";
export { type AttentionOptions, scaledDotProductAttention } from "./attention.ts";
export { type LossOptions, reduceLoss } from "./loss_reduction.ts";
export { gaussianNllLoss, type GaussianNllOptions } from "./loss_gaussian.ts";
export {
  alphaDropout,
  dropout,
  dropout1d,
  dropout2d,
  dropout3d,
  type DropoutOptions,
  featureAlphaDropout,
} from "./dropout.ts";
export {
  adaptiveAvgPool2d,
  adaptiveMaxPool2d,
  type AdaptiveMaxPool2dOptions,
  type AdaptiveSize,
} from "../ops/adaptive_pool.ts";
export {
  celu,
  elu,
  glu,
  hardshrink,
  hardsigmoid,
  hardswish,
  hardtanh,
  logsigmoid,
  mish,
  prelu,
  relu6,
  selu,
  softmin,
  softplus,
  softshrink,
  softsign,
  tanhshrink,
  threshold,
} from "./activations.ts";
export * from "./activations_core.ts";
export * from "./normalization.ts";
export * from "./linear_embedding.ts";
export * from "./loss_pointwise.ts";
export * from "./loss_nll.ts";
