/**
 * `nn`: modules and layers, losses, initialisation (`init`) and the functional API (`F`), in
 * PyTorch's `torch.nn` shape.
 *
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import * as nn from "./mod.ts";
 * torch.manualSeed(0);
 * const model = new nn.Sequential(new nn.Linear(4, 16), new nn.ReLU(), new nn.Linear(16, 3));
 * const criterion = new nn.CrossEntropyLoss();
 * const loss = criterion(model(torch.randn(8, 4)), torch.randint(0, 3, [8]));
 * loss.backward();
 * assertEquals(model.parameters().every((p) => p.grad !== null), true);
 * ```
 * @module
 */
export {
  type BufferOptions,
  type LoadStateDictOptions,
  type LoadStateDictResult,
  Module,
  Parameter,
  type StateDict,
} from "./module.ts";
export { ModuleDict, ModuleList, Sequential } from "./layers/container.ts";
export {
  type ForwardHook,
  type ForwardPreHook,
  type FullBackwardHook,
  type FullBackwardPreHook,
  registerModuleForwardHook,
  registerModuleForwardPreHook,
  registerModuleFullBackwardHook,
} from "./hooks.ts";
export { RemovableHandle } from "../autograd/hooks.ts";
export type { ModuleMethods } from "./module_methods.ts";
export { Bilinear, type BilinearOptions, LazyLinear } from "./layers/bilinear.ts";
export {
  ChannelShuffle,
  LocalResponseNorm,
  type LocalResponseNormModuleOptions,
  LPPool1d,
  LPPool2d,
  type LPPoolModuleOptions,
  MaxUnpool1d,
  MaxUnpool2d,
  MaxUnpool3d,
  type MaxUnpoolModuleOptions,
  Softmax2d,
  UpsamplingBilinear2d,
  UpsamplingNearest2d,
} from "./layers/extras.ts";
export { Identity, Linear, type LinearOptions } from "./layers/linear.ts";
export {
  CELU,
  ELU,
  GELU,
  GLU,
  Hardshrink,
  Hardsigmoid,
  Hardswish,
  Hardtanh,
  LeakyReLU,
  LogSigmoid,
  LogSoftmax,
  Mish,
  PReLU,
  ReLU,
  ReLU6,
  SELU,
  Sigmoid,
  SiLU,
  Softmax,
  Softmin,
  Softplus,
  Softshrink,
  Softsign,
  Tanh,
  Tanhshrink,
  Threshold,
} from "./layers/activation.ts";
export {
  AlphaDropout,
  Dropout,
  Dropout1d,
  Dropout2d,
  Dropout3d,
  DropoutBase,
  type DropoutFn,
  FeatureAlphaDropout,
} from "./layers/dropout.ts";
export type { InplaceArg } from "./checks.ts";
export type { PackedSequence } from "./packed_sequence.ts";
export { Flatten, Unflatten } from "./layers/flatten.ts";
export {
  BatchNorm1d,
  BatchNorm2d,
  BatchNormBase,
  type BatchNormOptions,
  InstanceNorm1d,
  InstanceNorm2d,
  InstanceNormBase,
  LayerNorm,
  type LayerNormOptions,
} from "./layers/normalization.ts";
export { Embedding, type EmbeddingOptions } from "./layers/embedding.ts";
export { GroupNorm, type GroupNormModuleOptions } from "./layers/group_norm.ts";
export {
  type EncoderForward,
  MultiheadAttention,
  type MultiheadAttentionForward,
  type MultiheadAttentionOptions,
  NonDynamicallyQuantizableLinear,
  TransformerEncoder,
  TransformerEncoderLayer,
  type TransformerEncoderLayerOptions,
} from "./layers/transformer.ts";
export {
  type DecoderForward,
  Transformer,
  TransformerDecoder,
  TransformerDecoderLayer,
  type TransformerForward,
  type TransformerOptions,
} from "./layers/transformer_decoder.ts";
export {
  ConstantPad1d,
  ConstantPad2d,
  ConstantPadNd,
  PadNd,
  ReflectionPad1d,
  ReflectionPad2d,
  ReplicationPad1d,
  ReplicationPad2d,
  ZeroPad2d,
} from "./layers/padding.ts";
export {
  CellBase,
  type CellOptions,
  GRU,
  GRUCell,
  LSTM,
  LSTMCell,
  type RecurrentMode,
  type RecurrentOptions,
  RNN,
  RNNBase,
  RNNCell,
  type RNNOptions,
} from "./layers/recurrent.ts";
export {
  Conv1d,
  type Conv1dOptions,
  Conv2d,
  type Conv2dOptions,
  ConvNd,
  ConvTranspose2d,
  type ConvTranspose2dOptions,
  ConvTransposeNd,
  type PaddingMode,
} from "./layers/conv.ts";
export {
  AdaptiveAvgPool2d,
  AdaptiveMaxPool2d,
  AvgPool2d,
  type AvgPool2dOptions,
  AvgPoolNd,
  MaxPool2d,
  type MaxPool2dOptions,
  MaxPoolNd,
  type PoolSize,
  Upsample,
} from "./layers/pooling.ts";
export {
  BCELoss,
  BCEWithLogitsLoss,
  CosineEmbeddingLoss,
  CosineSimilarity,
  CrossEntropyLoss,
  GaussianNLLLoss,
  HingeEmbeddingLoss,
  HuberLoss,
  KLDivLoss,
  L1Loss,
  Loss,
  MarginRankingLoss,
  MSELoss,
  MultiLabelSoftMarginLoss,
  MultiMarginLoss,
  NLLLoss,
  PairwiseDistance,
  PoissonNLLLoss,
  SmoothL1Loss,
  SoftMarginLoss,
  TripletMarginLoss,
} from "./loss.ts";
export { Fold, PixelShuffle, PixelUnshuffle, Unfold } from "./layers/pixel_fold.ts";
export {
  AdaptiveAvgPool1d,
  AdaptiveMaxPool1d,
  AvgPool1d,
  type AvgPool1dOptions,
  MaxPool1d,
  type MaxPool1dOptions,
} from "./layers/pooling1d.ts";
export { EmbeddingBag, type EmbeddingBagModuleOptions } from "./layers/embedding_bag.ts";
export type { EmbeddingBagMode } from "./embedding_bag.ts";
export type { Size1 } from "../ops/pool1d.ts";
export {
  Conv3d,
  type Conv3dOptions,
  ConvTranspose1d,
  ConvTranspose3d,
  type ConvTransposeOptions,
} from "./layers/conv3d.ts";
export {
  AdaptiveAvgPool3d,
  AdaptiveMaxPool3d,
  AvgPool3d,
  type AvgPool3dOptions,
  MaxPool3d,
  type MaxPool3dOptions,
} from "./layers/pooling3d.ts";
export { BatchNorm3d, InstanceNorm3d } from "./layers/normalization3d.ts";
export {
  LazyBatchNorm1d,
  LazyBatchNorm2d,
  LazyBatchNorm3d,
  LazyConv1d,
  LazyConv2d,
  LazyConv3d,
  LazyConvTranspose1d,
  LazyConvTranspose2d,
  LazyConvTranspose3d,
  LazyInstanceNorm1d,
  LazyInstanceNorm2d,
  LazyInstanceNorm3d,
} from "./layers/lazy.ts";
export {
  AdaptiveLogSoftmaxWithLoss,
  type AdaptiveLogSoftmaxWithLossOptions,
  type ASMOutput,
} from "./layers/adaptive.ts";
export { CrossMapLRN2d, type CrossMapLRN2dOptions } from "./layers/cross_map_lrn.ts";
export {
  FractionalMaxPool2d,
  FractionalMaxPool3d,
  type FractionalMaxPoolModuleOptions,
  FractionalMaxPoolNd,
} from "./layers/fractional_pool.ts";
export type { FractionalMaxPoolOptions } from "../ops/fractional_pool.ts";
export type { AdaptiveSize3 } from "../ops/pool3d.ts";
export { ConstantPad3d, ReflectionPad3d, ReplicationPad3d } from "./layers/padding3d.ts";
export { ParameterDict, type ParameterDictInput, ParameterList } from "./layers/parameter_containers.ts";
export type { Reduction } from "../ops/loss.ts";
export type { AdaptiveSize } from "../ops/adaptive_pool.ts";
export type { InterpolateMode, InterpolateOptions } from "../ops/interpolate.ts";
export * as init from "./init.ts";
export * as utils from "./utils.ts";
export * as F from "./functional.ts";
export * as functional from "./functional.ts";
export { RReLU } from "./layers/rrelu.ts";
export { MultiLabelMarginLoss, TripletMarginWithDistanceLoss } from "./loss_margin_modules.ts";
export { CTCLoss } from "./loss_ctc_module.ts";
