/**
 * edgetorch: PyTorch's programming model for Deno and Bun: tensors with autograd on a SIMD
 * WebAssembly CPU backend, `nn`, `optim`, data loading (`data`) and safetensors save/load.
 *
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "./mod.ts";
 * const x = torch.tensor([2.0], { requiresGrad: true });
 * const y = x.pow(2).add(1);
 * y.backward();
 * assertEquals(String(x.grad), "tensor([4.])");
 * ```
 * @module
 */
export { type NestedArray, Tensor, type TensorOrScalar, type ToOptions } from "./src/tensor.ts";
export type { TensorMathMethods } from "./src/tensor_methods/math.ts";
export type { PLU, QR, SignLogAbsDet, SVDV, TorchLu } from "./src/linalg/decomp_methods.ts";
export type { TensorReductionMethods } from "./src/tensor_methods/reduction.ts";
export type { TensorShapeMethods } from "./src/tensor_methods/shape.ts";
export type { TensorIndexingMethods } from "./src/tensor_methods/indexing.ts";
export type { TensorInPlaceMethods } from "./src/tensor_methods/inplace.ts";
export type { TensorRandomMethods } from "./src/tensor_methods/random.ts";
export type { TensorOpsMoreMethods } from "./src/tensor_methods/ops_more.ts";
export type { TensorStatsMethods } from "./src/tensor_methods/stats.ts";
export type { TensorShapeMoreMethods } from "./src/tensor_methods/shape_more.ts";
export type { TensorElementwiseMathMethods } from "./src/tensor_methods/elementwise_math.ts";
export type { TensorRandomMoreMethods } from "./src/tensor_methods/random_more.ts";
export type { TensorSpecialMethods } from "./src/tensor_methods/special.ts";
export type { TensorParity2Methods } from "./src/tensor_methods/parity2.ts";
export type { TensorInPlaceMoreMethods } from "./src/tensor_methods/inplace_more.ts";
export type { TensorAliasMethods } from "./src/tensor_methods/aliases.ts";
export type { TensorComplexMethods } from "./src/tensor_methods/complex.ts";
export type { TensorFftMethods } from "./src/tensor_methods/fft.ts";
export type { TensorLinalgExtraMethods } from "./src/tensor_methods/linalg_extra.ts";
export type { TensorExtrasMethods } from "./src/tensor_methods/extras.ts";
export type { ComputeDType, DType } from "./src/dtype.ts";
export { getDefaultDtype, promoteTypes, setDefaultDtype } from "./src/dtype.ts";
export { FInfo, finfo, type FloatDType, IInfo, iinfo, type IntDType } from "./src/dtype_info.ts";
export {
  batchNorm,
  embedding,
  groupNorm,
  instanceNorm,
  isInference,
  isSigned,
  layerNorm,
  splitWithSizes,
  unsafeChunk,
  unsafeSplit,
} from "./src/extras.ts";
export { alphaDropout, dropout, type DropoutOptions, featureAlphaDropout } from "./src/nn/dropout.ts";
export { celu, hardshrink, prelu, selu, threshold } from "./src/nn/activations.ts";
export { bilinear, channelShuffle, klDiv } from "./src/nn/functional_extras.ts";
export {
  type BCEWithLogitsOptions,
  binaryCrossEntropyWithLogits,
  type KLDivOptions,
} from "./src/nn/loss_pointwise.ts";
export {
  cosineEmbeddingLoss,
  cosineSimilarity,
  hingeEmbeddingLoss,
  type HingeEmbeddingOptions,
  type MarginOptions,
  marginRankingLoss,
  pairwiseDistance,
  poissonNllLoss,
  type PoissonNllOptions,
  tripletMarginLoss,
  type TripletMarginOptions,
} from "./src/nn/loss_margin.ts";
export { ctcLoss, type CtcLossOptions } from "./src/nn/loss_ctc.ts";
export { convTranspose2d, type ConvTranspose2dOptions } from "./src/ops/conv_transpose.ts";
export { maxPool1dWithIndices, type MaxPool1dWithIndicesOptions } from "./src/nn/functional_inplace.ts";
export type { GroupNormOptions, LayerNormOptions } from "./src/nn/normalization.ts";
export type { LossOptions } from "./src/nn/loss_reduction.ts";
export {
  areDeterministicAlgorithmsEnabled,
  type DeterministicOptions,
  getDeterministicDebugMode,
  getFloat32MatmulPrecision,
  isDeterministicAlgorithmsWarnOnlyEnabled,
  setDeterministicDebugMode,
  setFloat32MatmulPrecision,
  useDeterministicAlgorithms,
} from "./src/settings.ts";
export {
  getPrintoptions,
  type PrintOptions,
  printoptions,
  type SetPrintOptions,
  setPrintoptions,
} from "./src/format.ts";
export type { Device } from "./src/backends/backend.ts";
export {
  arange,
  type CreateOptions,
  empty,
  emptyLike,
  eye,
  full,
  fullLike,
  linspace,
  ones,
  onesLike,
  rand,
  randint,
  randLike,
  randn,
  randnLike,
  type RandomOptions,
  randperm,
  type ShapeArgs,
  tensor,
  type TensorData,
  zeros,
  zerosLike,
} from "./src/creation.ts";
export { type Capability, Generator, type GeneratorOptions, manualSeed } from "./src/random.ts";
export { getRngState, initialSeed, seed, setRngState } from "./src/rng_state.ts";
export {
  adjoint,
  canCast,
  emptyStrided,
  ger,
  greater,
  greaterEqual,
  isComplex,
  isNonzero,
  isSameSize,
  less,
  lessEqual,
  notEqual,
  resultType,
  rowStack,
  rsub,
  type RsubOptions,
  scalarTensor,
  sigmoid_,
  tanh_,
} from "./src/aliases.ts";
export {
  bartlettWindow,
  blackmanWindow,
  hammingWindow,
  type HammingWindowOptions,
  hannWindow,
  kaiserWindow,
  type KaiserWindowOptions,
  type WindowOptions,
} from "./src/windows.ts";
export {
  enableGrad,
  inferenceMode,
  isGradEnabled,
  isInferenceModeEnabled,
  noGrad,
  setGradEnabled,
} from "./src/autograd/grad_mode.ts";
export {
  asTensor,
  type AsTensorOptions,
  isFloatingPoint,
  isTensor,
  normal,
  type NormalOptions,
  randintLike,
} from "./src/tensor_utils.ts";
export * as autograd from "./src/autograd/mod.ts";
export type { BackwardOptions } from "./src/autograd/backward.ts";
export type { Node } from "./src/autograd/node.ts";
export type { NodeHook, NodePreHook, TensorHook } from "./src/autograd/hooks.ts";
export { keep, scope } from "./src/scope.ts";
export { LossHistory, type LossHistoryOptions } from "./src/history.ts";
export { init, type InitOptions, type WasmSource, type WasmVariant } from "./src/backends/wasm/loader.ts";
export {
  abs,
  add,
  ceil,
  clamp,
  cos,
  eq,
  exp,
  floor,
  ge,
  gt,
  le,
  log,
  log1p,
  lt,
  maskedFill,
  maximum,
  minimum,
  mul,
  ne,
  neg,
  pow,
  relu,
  round,
  rsqrt,
  sigmoid,
  sign,
  sin,
  sqrt,
  sub,
  tanh,
  where,
} from "./src/ops/elementwise.ts";
export {
  all,
  amax,
  amin,
  any,
  argmax,
  argmin,
  cumsum,
  type DimArg,
  logSoftmax,
  logsumexp,
  max,
  mean,
  min,
  norm,
  prod,
  type ReduceOptions,
  softmax,
  std,
  sum,
  type ValuesIndices,
  variance as var,
  type VarOptions,
} from "./src/ops/reduce.ts";
export {
  chunk,
  clone,
  contiguous,
  expand,
  flatten,
  type IndexArray,
  type IndexSpec,
  narrow,
  permute,
  reshape,
  split,
  squeeze,
  t,
  transpose,
  unbind,
  unflatten,
  unsqueeze,
  view,
} from "./src/ops/movement.ts";
export {
  cat,
  cat as concat,
  cat as concatenate,
  flip,
  gather,
  indexSelect,
  scatterAdd,
  stack,
  tril,
  triu,
} from "./src/ops/indexing.ts";
export { asStrided, asStrided_ } from "./src/ops/as_strided.ts";
export { isreal } from "./src/ops/is_real.ts";
export { imag, real, viewAsComplex, viewAsReal } from "./src/complex/core.ts";
export {
  angle,
  complex,
  conj,
  conjPhysical,
  isConj,
  polar,
  resolveConj,
  resolveNeg,
} from "./src/complex/conj.ts";
export { gradient, type GradientOptions } from "./src/ops/numeric_gradient.ts";
export { oneHot } from "./src/ops/one_hot.ts";
export {
  index,
  indexAsync,
  indexPut,
  indexPut_,
  type IndexPutOptions,
  set,
  setAsync,
} from "./src/ops/advanced_index.ts";
export {
  indexAdd,
  type IndexAddOptions,
  indexCopy,
  indexFill,
  scatter,
  type ScatterOptions,
  scatterReduce,
  type ScatterReduceOptions,
  type ScatterReduction,
} from "./src/ops/scatter.ts";
export { bmm, dot, linear, matmul, mm, outer } from "./src/ops/matmul.ts";
export { argsort, sort, type SortOptions, topk, type TopkOptions } from "./src/ops/sort.ts";
export { einsum } from "./src/ops/einsum.ts";
export { bernoulli, type FillOptions, multinomial, type MultinomialOptions } from "./src/ops/random_fill.ts";
export { binomial, poisson } from "./src/ops/random_fill_more.ts";
export {
  argwhere,
  countNonzero,
  maskedSelect,
  maskedSelectAsync,
  nonzero,
  nonzeroAsync,
} from "./src/ops/select.ts";
export {
  diag,
  diagonal,
  meshgrid,
  movedim,
  movedim as moveaxis,
  repeat,
  repeatInterleave,
  roll,
  swapaxes,
  swapaxes as swapdims,
  tile,
  trace,
} from "./src/ops/rearrange.ts";
export {
  allclose,
  type CloseOptions,
  equal,
  isclose,
  isfinite,
  isinf,
  isnan,
  isneginf,
  isposinf,
  logicalAnd,
  logicalNot,
  logicalOr,
  logicalXor,
} from "./src/ops/logical.ts";
export {
  addcdiv,
  addcmul,
  type AddcOptions,
  exp2,
  expm1,
  frac,
  lerp,
  log10,
  log2,
  tan,
  trunc,
} from "./src/ops/pointwise.ts";
export {
  avgPool2d,
  type AvgPool2dOptions,
  conv1d,
  type Conv1dOptions,
  conv2d,
  type Conv2dOptions,
  type ConvPadding,
  maxPool2d,
  type MaxPool2dOptions,
  type Size2,
} from "./src/ops/conv.ts";
export { pixelShuffle, pixelUnshuffle } from "./src/ops/pixel_shuffle.ts";
export { conv3d, type Conv3dOptions, type Size3 } from "./src/ops/conv3d.ts";
export {
  convTranspose1d,
  type ConvTranspose1dOptions,
  convTranspose3d,
  type ConvTranspose3dOptions,
} from "./src/ops/conv_transpose3d.ts";
export { maxPool3d, type MaxPool3dOptions } from "./src/ops/pool3d.ts";
export { rrelu, rrelu_, type RreluOptions } from "./src/nn/random_activations.ts";
export { celu_, relu_, selu_, threshold_ } from "./src/nn/functional_inplace.ts";
export {
  adaptiveAvgPool1d,
  adaptiveMaxPool1d,
  type AdaptiveMaxPool1dOptions,
  avgPool1d,
  type AvgPool1dOptions,
  maxPool1d,
  type MaxPool1dOptions,
  type Size1,
} from "./src/ops/pool1d.ts";
export { div, type DivOptions, floorDivide, fmod, remainder } from "./src/ops/division.ts";
export { cumprod } from "./src/ops/cumulative.ts";
export { erf, erfinv } from "./src/ops/erf.ts";
export { digamma, igamma, igammac, lgamma, mvlgamma, polygamma } from "./src/special/gamma.ts";
export { erfc } from "./src/special/error.ts";
export { i0 } from "./src/special/bessel.ts";
export { logit, sinc, xlogy } from "./src/special/log_ops.ts";
export { unique, uniqueAsync, type UniqueOptions, type UniquePlainOptions } from "./src/ops/unique.ts";
export { cdist, type CdistComputeMode, type CdistOptions } from "./src/ops/distance.ts";
export { arctan2, atan2, hypot, nanToNum, type NanToNumOptions } from "./src/ops/elementwise_more.ts";
export {
  median,
  type MedianOptions,
  nanmean,
  nanmedian,
  nanquantile,
  nansum,
  quantile,
  type QuantileInterpolation,
  type QuantileOptions,
} from "./src/ops/quantile.ts";
export { bucketize, searchsorted, type SearchsortedOptions } from "./src/ops/searchsorted.ts";
export { cummax, cummin, logcumsumexp } from "./src/ops/scans.ts";
export {
  aminmax,
  type DimKeepdimOptions,
  kthvalue,
  type MinMax,
  mode,
  msort,
} from "./src/ops/order_stats.ts";
export {
  corrcoef,
  cov,
  type CovOptions,
  dist,
  logspace,
  type LogspaceOptions,
  renorm,
  stdMean,
  varMean,
} from "./src/ops/statistics.ts";
export {
  bincount,
  bincountAsync,
  type BincountOptions,
  histc,
  type HistcOptions,
  histogram,
  type HistogramOptions,
  type HistogramResult,
  isin,
  type IsinOptions,
} from "./src/ops/histogram.ts";
export {
  uniqueConsecutive,
  uniqueConsecutiveAsync,
  type UniqueConsecutiveOptions,
} from "./src/ops/unique_consecutive.ts";
export { cumulativeTrapezoid, trapezoid, type TrapezoidOptions, trapz } from "./src/ops/integrate.ts";
export { pdist } from "./src/ops/pdist.ts";
export {
  addbmm,
  addmm,
  addmv,
  type AddProductOptions,
  addr,
  baddbmm,
  chainMatmul,
  cross,
  inner,
  kron,
  matrixPower,
  mv,
  tensordot,
  vdot,
} from "./src/ops/products.ts";
export {
  atleast1d,
  atleast2d,
  atleast3d,
  columnStack,
  dsplit,
  dstack,
  fliplr,
  flipud,
  hsplit,
  hstack,
  numel,
  ravel,
  rot90,
  select,
  tensorSplit,
  vsplit,
  vstack,
} from "./src/ops/split_stack.ts";
export {
  diagEmbed,
  diagflat,
  diagonalScatter,
  selectScatter,
  sliceScatter,
  type SliceScatterOptions,
} from "./src/ops/region_scatter.ts";
export {
  blockDiag,
  broadcastShapes,
  broadcastTensors,
  broadcastTo,
  cartesianProd,
  combinations,
  type CombinationsOptions,
  diff,
  type DiffOptions,
  maskedScatter,
  narrowCopy,
  put,
  take,
  takeAlongDim,
  type TriangleIndicesOptions,
  trilIndices,
  triuIndices,
  vander,
} from "./src/ops/shape_more.ts";
export { indexReduce, type IndexReduction } from "./src/ops/index_reduce.ts";
export {
  absolute,
  acos,
  acosh,
  arccos,
  arccosh,
  arcsin,
  arcsinh,
  arctan,
  arctanh,
  asin,
  asinh,
  atan,
  atanh,
  cosh,
  deg2rad,
  fix,
  negative,
  positive,
  rad2deg,
  reciprocal,
  sgn,
  signbit,
  sinh,
  square,
} from "./src/ops/trig.ts";
export {
  clampMax,
  clampMin,
  clip,
  copysign,
  divide,
  floatPower,
  fmax,
  fmin,
  frexp,
  gcd,
  heaviside,
  lcm,
  ldexp,
  logaddexp,
  logaddexp2,
  type MantissaExponent,
  multiply,
  nextafter,
  subtract,
  trueDivide,
} from "./src/ops/binary_math.ts";
export {
  bitwiseAnd,
  bitwiseLeftShift,
  bitwiseNot,
  bitwiseOr,
  bitwiseRightShift,
  bitwiseXor,
} from "./src/ops/bitwise.ts";
export { F, functional } from "./src/nn/mod.ts";
export * as nn from "./src/nn/mod.ts";
export * as linalg from "./src/linalg/mod.ts";
export * as fft from "./src/fft/mod.ts";
export { istft, type IstftOptions, stft, type StftOptions } from "./src/fft/stft.ts";
export { det, inv as inverse, slogdet } from "./src/linalg/solve.ts";
export { choleskySolve } from "./src/linalg/cholesky_solve.ts";
export { choleskyInverse } from "./src/linalg/cholesky_inverse.ts";
export { type Geqrf, geqrf, ormqr } from "./src/linalg/geqrf.ts";
export { pcaLowrank, svdLowrank } from "./src/linalg/lowrank.ts";
export { type Lobpcg, lobpcg, type LobpcgOptions } from "./src/linalg/lobpcg.ts";
export { histogramdd, type HistogramddOptions, type HistogramddResult } from "./src/ops/histogramdd.ts";
export {
  torchCholesky as cholesky,
  triangularSolve,
  type TriangularSolveOptions,
  type TriangularSolveResult,
} from "./src/linalg/legacy_solvers.ts";
export { householderProduct as orgqr } from "./src/linalg/householder.ts";
export {
  logdet,
  luUnpack,
  pinverse,
  torchLu as lu,
  torchLuSolve as luSolve,
  torchMatrixExp as matrixExp,
  torchQr as qr,
  torchSvd as svd,
} from "./src/linalg/legacy.ts";
export * as gpu from "./src/gpu.ts";
export * as cpu from "./src/cpu.ts";
export { getNumThreads, setNumThreads } from "./src/backends/wasm/threads.ts";
export * as distributions from "./src/distributions/mod.ts";
export * as special from "./src/special/mod.ts";
export * as optim from "./src/optim/mod.ts";
export * as amp from "./src/amp/mod.ts";
export { autocast, type AutocastOptions } from "./src/amp/autocast.ts";
export * as data from "./src/data/mod.ts";
export {
  load,
  loadBytes,
  type LoadOptions,
  type PathLike,
  save,
  saveBytes,
  saveBytesAsync,
  type SaveOptions,
  type TensorDict,
} from "./src/io/mod.ts";
