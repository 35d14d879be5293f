/**
 * The contract every backend implements: storage allocation, reads and writes, and the primitive
 * kernels. Kernels take contiguous storages (plus JS numbers as scalar operands) and return new
 * contiguous storages; the only kernel that understands strides is `copy`. Every other op of the
 * library is composed from these in `src/ops/`.
 * @module
 */
import type { ComputeDType, DType, TypedArray } from "../dtype.ts";

/** Where a tensor lives: `"cpu"` (WebAssembly) or `"gpu"` (WebGPU). */
export type Device = "cpu" | "gpu";

/**
 * Elementwise functions of one operand. `float32` (and `float64`, on the CPU) supports all;
 * `int32` supports neg, abs, sign, relu.
 */
export const UNARY_OPS = [
  "neg",
  "abs",
  "exp",
  "log",
  "log1p",
  "sqrt",
  "rsqrt",
  "sin",
  "cos",
  "tanh",
  "sigmoid",
  "relu",
  "sign",
  "floor",
  "ceil",
  "round", // half to even, as PyTorch
  "asin",
  "acos",
  "atan",
  "sinh",
  "cosh",
  "asinh",
  "acosh",
  "atanh",
  "frexpMantissa", // frexp's mantissa, in [0.5, 1) in magnitude
  "frexpExponent", // frexp's exponent, as a float of the input's dtype
  "erf", // float32: the Maclaurin series below |x| = 0.5, Numerical Recipes' erfc fit above (src/ops/erf.ts)
  "gelu", // the exact GELU x·Φ(x) (float only)
  "geluDerivative", // its derivative Φ(x) + x·φ(x) (float only)
  "geluTanh", // GELU's tanh approximation x/2·(1 + tanh(√(2/π)·(x + 0.044715·x³))) (float only)
  "geluTanhDerivative", // its derivative (float only)
] as const;
/** Name of a unary kernel. */
export type UnaryOp = typeof UNARY_OPS[number];

/**
 * Elementwise functions of two operands giving the compute dtype. `fmod`, `remainder` and
 * `floorDivide` are PyTorch's (exact fmod; the result of remainder takes the divisor's sign;
 * Python's floor division); on int32 a zero divisor gives 0 (the front end refuses it first).
 */
export const ARITHMETIC_OPS = [
  "add",
  "sub",
  "mul",
  "div",
  "pow",
  "maximum",
  "minimum",
  "fmod",
  "remainder",
  "floorDivide",
  "atan2", // float only (the front end computes integers in float32)
  "hypot", // float only
  "copysign", // float only
  "nextafter", // float only
  "gcd", // int32 only, as the bitwise ops below
  "bitwiseAnd",
  "bitwiseOr",
  "bitwiseXor",
  "bitwiseLeftShift", // the count taken modulo 32
  "bitwiseRightShift", // arithmetic, the count taken modulo 32
] as const;
/** Arithmetic kernels that exist for int32 only (the rest of ARITHMETIC_OPS's new ones: floats only). */
export const INT_ONLY_OPS: readonly string[] = [
  "gcd",
  "bitwiseAnd",
  "bitwiseOr",
  "bitwiseXor",
  "bitwiseLeftShift",
  "bitwiseRightShift",
];
/** Elementwise comparisons giving `bool` (stored as 0/1 bytes). */
export const COMPARISON_OPS = ["eq", "ne", "lt", "le", "gt", "ge"] as const;
/** Name of a binary kernel. */
export type BinaryOp = typeof ARITHMETIC_OPS[number] | typeof COMPARISON_OPS[number];

/**
 * Special functions of one float operand ({@link Backend.special}): `lgamma`, `digamma`,
 * `polygamma` (of order `order`), `erfc`, `erfcx`, the modified Bessel functions `i0`, `i0e`,
 * `i1`, `i1e`, `ndtri` and `logNdtr`, with PyTorch's values at poles and infinities.
 */
export const SPECIAL_OPS = [
  "lgamma",
  "digamma",
  "polygamma",
  "erfc",
  "erfcx",
  "i0",
  "i0e",
  "i1",
  "i1e",
  "ndtri",
  "logNdtr",
  // torch.special's Bessel functions (src/special/bessel_more.ts), not differentiable in PyTorch 1.13.
  "besselJ0",
  "besselJ1",
  "besselY0",
  "besselY1",
  "modifiedBesselK0",
  "modifiedBesselK1",
  "scaledModifiedBesselK0",
  "scaledModifiedBesselK1",
  "sphericalBesselJ0",
  "airyAi",
] as const;
/** Name of a special-function kernel of one operand. */
export type SpecialOp = typeof SPECIAL_OPS[number];
/**
 * Two-operand special functions ({@link Backend.special2}): the regularized lower and upper
 * incomplete gamma functions P(a, x) and Q(a, x), the orthogonal polynomials of (x, n) and the
 * Hurwitz zeta function.
 */
export const SPECIAL2_OPS = [
  "igamma",
  "igammac",
  // torch.special's orthogonal polynomials of (x, n) (src/special/polynomials.ts).
  "chebyshevPolynomialT",
  "chebyshevPolynomialU",
  "chebyshevPolynomialV",
  "chebyshevPolynomialW",
  "shiftedChebyshevPolynomialT",
  "shiftedChebyshevPolynomialU",
  "shiftedChebyshevPolynomialV",
  "shiftedChebyshevPolynomialW",
  "hermitePolynomialH",
  "hermitePolynomialHe",
  "laguerrePolynomialL",
  "legendrePolynomialP",
  // The Hurwitz zeta function zeta(x, q) (torch.special.zeta, src/special/zeta.ts).
  "zeta",
] as const;
/** Name of a special-function kernel of two operands. */
export type Special2Op = typeof SPECIAL2_OPS[number];

/** Reductions over the middle axis of an `[outer, len, inner]` layout. */
export const REDUCE_OPS = ["sum", "prod", "max", "min", "argmax", "argmin"] as const;
/** Name of a reduction kernel. `argmax`/`argmin` give int32 (first index on ties, NaN wins). */
export type ReduceOp = typeof REDUCE_OPS[number];

/**
 * Layout of {@link Backend.searchsorted}: `seq` holds `rows` sorted rows of `len` elements and
 * `values` holds `rows` rows of `perRow` values, value `i` searched in row `i / perRow`; or `rows`
 * is 1 and `perRow` 0: one row shared by every value. The result has one position per value: the
 * first index whose element is `>= v` (`> v` with `right`), PyTorch's comparisons (NaN values go
 * to the end). `sorter` (int32, `seq`'s layout) orders each row when `seq` is not sorted itself.
 */
export interface SearchsortedArgs {
  rows: number;
  len: number;
  perRow: number;
  right: boolean;
  sorter: Storage | null;
}

/**
 * A backend's handle on a block of elements. Opaque to the front end, except that it knows its
 * dtype and length and can be released early.
 */
export interface Storage {
  readonly device: Device;
  readonly dtype: DType;
  readonly numel: number;
  /** Releases the memory now; using the storage afterwards throws. Idempotent. */
  dispose(): void;
  /** True once disposed. */
  readonly disposed: boolean;
  /** @internal Live tensor handles over this storage (see `src/memory.ts`). */
  _holders: number;
  /** @internal How many saved references autograd nodes hold (see `src/memory.ts`). */
  _saved: number;
  /** @internal In-place writes so far (autograd's check that saved values are unchanged). */
  _version: number;
  /**
   * @internal From now on, free the memory when the storage is garbage collected (a storage the
   * user or a graph holds; temporaries are freed explicitly and never registered). Idempotent.
   */
  _track(): void;
  /**
   * @internal The backend reclaims this storage's memory even untracked, once it is dropped and no
   * call uses it (the CPU heap spills idle storages before it grows); the GPU pool does not.
   */
  readonly _reclaimedIdle: boolean;
}

/**
 * One operand of a binary kernel: a storage of length `numel` (the output length), a storage of
 * length `L` dividing `numel` read as `x[i % L]` (a broadcast of trailing dims, e.g. bias add),
 * or a JS number.
 */
export type Operand = Storage | number;

/** Arguments of a batched matrix product `C[b] = op(A[b]) @ op(B[b])`, `C` is `[batch, m, n]`. */
export interface MatmulArgs {
  batch: number;
  m: number;
  k: number;
  n: number;
  /** Elements between consecutive batches of A (0 broadcasts one matrix over the batch). */
  aBatchStride: number;
  bBatchStride: number;
  /** A is stored as `[k, m]` (row-major) and read transposed. */
  transA: boolean;
  /** B is stored as `[n, k]` (row-major) and read transposed. */
  transB: boolean;
  /** float32 only: `n` values added to every row of every product (a linear layer's bias). */
  bias?: Storage | null;
}

/**
 * Geometry of a 2-d convolution's im2col/col2im over an NCHW float32 input `[batch, channels,
 * height, width]`. The columns are `[batch, groups, R, outH * outW]` with
 * `R = (channels / groups) * kernelH * kernelW + (onesRow ? 1 : 0)`: row `(c * kernelH + i) *
 * kernelW + j` of a group holds the input at `(oh * strideH - padH + i * dilationH, ow * strideW
 * - padW + j * dilationW)` for each output position (zero outside the input); with `onesRow` the
 * last row of each group is all ones (it carries a bias through the matrix product). Padding is
 * the top/left amount; `outH`/`outW` may reflect extra bottom/right padding.
 */
export interface Conv2dGeometry {
  batch: number;
  channels: number;
  height: number;
  width: number;
  groups: number;
  onesRow: boolean;
  kernelH: number;
  kernelW: number;
  strideH: number;
  strideW: number;
  padH: number;
  padW: number;
  dilationH: number;
  dilationW: number;
  outH: number;
  outW: number;
}

/**
 * The 16 words of a {@link Conv2dGeometry} in the order both kernels read them (the wasm
 * `im2col_f32`/`col2im_f32` arguments, the WGSL `ConvParams` struct).
 */
export function conv2dGeometryWords(g: Conv2dGeometry): number[] {
  return [
    g.batch,
    g.channels,
    g.height,
    g.width,
    g.groups,
    g.onesRow ? 1 : 0,
    g.kernelH,
    g.kernelW,
    g.strideH,
    g.strideW,
    g.padH,
    g.padW,
    g.dilationH,
    g.dilationW,
    g.outH,
    g.outW,
  ];
}

/**
 * Geometry of 2-d pooling over `planes` (batch × channels) planes of `[height, width]` float32,
 * with PyTorch's window rules (windows start at `o * stride - pad`; `outH`/`outW` are computed by
 * the caller, which is where `ceilMode` enters).
 */
export interface Pool2dGeometry {
  planes: number;
  height: number;
  width: number;
  kernelH: number;
  kernelW: number;
  strideH: number;
  strideW: number;
  padH: number;
  padW: number;
  /** Max pooling only (average pooling has no dilation). */
  dilationH: number;
  dilationW: number;
  outH: number;
  outW: number;
}

/** Average-pooling options: PyTorch's `count_include_pad` and `divisor_override` (0 for none). */
export interface AvgPoolOptions {
  countIncludePad: boolean;
  divisor: number;
}

/** Options of `Backend.adamUpdate` (the scalars of `src/optim/adam.ts`). */
export interface AdamUpdateOptions {
  /** Learning rate. */
  lr: number;
  /** Decay rate of the first moment average. */
  beta1: number;
  /** Decay rate of the second moment average. */
  beta2: number;
  /** Added to the denominator. */
  eps: number;
  /** Weight decay (L2 term, or decoupled with `decoupled`); 0 for none. */
  weightDecay: number;
  /** The step number after this update (1 on the first step): bias corrections use it. */
  step: number;
  /** AdamW's decoupled weight decay (`p *= 1 - lr * weightDecay`) instead of an L2 term. */
  decoupled: boolean;
  /** AMSGrad: `maxExpAvgSq` must be given. */
  amsgrad: boolean;
  /** Ascend the gradient instead. */
  maximize: boolean;
}

/** Options of `Backend.sgdUpdate` (the scalars of `src/optim/sgd.ts`). */
export interface SgdUpdateOptions {
  /** Learning rate. */
  lr: number;
  /** Momentum factor (0: no buffer). */
  momentum: number;
  /** Dampening of the momentum. */
  dampening: number;
  /** L2 penalty added to the gradient; 0 for none. */
  weightDecay: number;
  /** Nesterov momentum. */
  nesterov: boolean;
  /** Ascend the gradient instead. */
  maximize: boolean;
  /** First step with momentum: the buffer is set to the gradient (PyTorch's `buf = d.clone()`). */
  firstStep: boolean;
}

/**
 * Arguments of `Backend.luSolve`: `batch` contiguous row-major `n`×`n` matrices and, with a
 * right-hand side, `batch` `n`×`k` matrices.
 */
export interface LuSolveArgs {
  batch: number;
  n: number;
  /** Columns of the right-hand side (`n` for `"identity"`, 0 for none). */
  k: number;
}

/**
 * Arguments of `Backend.triangularSolve`: `batch` contiguous row-major `n`×`n` matrices A and
 * `n`×`k` right-hand sides B.
 */
export interface TriangularSolveArgs {
  batch: number;
  n: number;
  k: number;
  /** A is upper triangular (back substitution); else lower (forward substitution). */
  upper: boolean;
  /** A's diagonal is taken as ones (not read). */
  unit: boolean;
}

/** What `Backend.luSolve` gives: the solutions and, per matrix, `[det, sign, log|det|, info]`. */
export interface LuSolveResult {
  /** `batch` `n`×`k` solutions X of A X = B (no elements without a right-hand side). */
  x: Storage;
  /**
   * Four values per matrix in its dtype: the determinant, its sign (0 when singular), log|det|
   * (-inf when singular) and info (0, or 1 + the first column with an exactly zero pivot).
   */
  stats: Storage;
}

/** Shapes of the matrix-decomposition kernels (`Backend.geqrf`, `orgqr`, `eighJacobi`, `svdJacobi`). */
export interface DecompArgs {
  batch: number;
  /** Rows of each matrix. */
  m: number;
  /** Columns of each matrix. */
  n: number;
}

/** The primitive kernels and memory operations of one device. */
export interface Backend {
  readonly device: Device;

  /** Storage holding a copy of `data` (whose element type must match `dtype`'s typed array). */
  fromTyped(data: TypedArray, dtype: DType): Storage;
  /** Storage of `numel` elements all equal to `value`. */
  full(dtype: DType, numel: number, value: number): Storage;
  /**
   * A copy of `count` elements from element `offset` (default: all of them) as the dtype's typed
   * array; only those elements are copied. Throws on devices that cannot read synchronously.
   */
  readSync(s: Storage, offset?: number, count?: number): TypedArray;
  /** A copy of `count` elements from element `offset` (default: all of them), as {@link readSync}. */
  read(s: Storage, offset?: number, count?: number): Promise<TypedArray>;

  /**
   * Strided copy: for every index `i` of `shape`, `dst[dstOffset + i·dstStrides] =
   * src[srcOffset + i·srcStrides]`. Strides may be 0 (broadcast reads). Both storages have the
   * same dtype; `dst` is written in place (this is how in-place ops on views land).
   */
  copy(
    src: Storage,
    srcOffset: number,
    srcStrides: readonly number[],
    dst: Storage,
    dstOffset: number,
    dstStrides: readonly number[],
    shape: readonly number[],
  ): void;
  /** Elementwise conversion; float to int truncates toward zero, to bool tests `!= 0`. */
  cast(x: Storage, to: DType): Storage;

  /** `op(x)` elementwise; `x.dtype` is a ComputeDType. */
  unary(op: UnaryOp, x: Storage): Storage;
  /**
   * `op(a, b)` elementwise over `numel` elements (see {@link Operand}); storages are of `dtype`.
   * Arithmetic gives `dtype`; comparisons give `bool`. `div` on int32 is not offered (the front
   * end divides in float32, as PyTorch's true division).
   */
  binary(op: BinaryOp, a: Operand, b: Operand, numel: number, dtype: ComputeDType): Storage;
  /** `cond ? a : b` elementwise; `cond` is bool, `a` and `b` have `cond.numel` elements of one dtype. */
  where(cond: Storage, a: Storage, b: Storage): Storage;
  /** Reduces `[outer, len, inner]` to `[outer, inner]`. */
  reduce(op: ReduceOp, x: Storage, outer: number, len: number, inner: number): Storage;
  /** Inclusive prefix sum along the middle axis of `[outer, len, inner]`. */
  cumsum(x: Storage, outer: number, len: number, inner: number): Storage;
  /**
   * Inclusive prefix product along the middle axis of `[outer, len, inner]` (int32 wraps; the
   * CPU accumulates float32 in float64, as PyTorch's CPU kernel).
   */
  cumprod(x: Storage, outer: number, len: number, inner: number): Storage;
  /**
   * The int32 indices of the running maximum (`max`) or minimum along the middle axis of
   * `[outer, len, inner]` (float32, float64 or int32), as PyTorch's CPU loop: an element takes
   * over when it is NaN, or when the running value is not NaN and the element is `>=` (`<=`) it.
   */
  cumExtremeIndices(x: Storage, outer: number, len: number, inner: number, max: boolean): Storage;
  /**
   * `log(cumsum(exp(x)))` along the middle axis of `[outer, len, inner]` (float32; float64 on
   * the CPU), PyTorch's CPU recurrence (the CPU accumulates float32 in float64, as PyTorch).
   */
  logcumsumexp(x: Storage, outer: number, len: number, inner: number): Storage;
  /**
   * The int32 indices that sort each row of a `[rows, len]` float32 or int32 storage, ascending
   * or `descending`; NaN counts as the largest value, -0 equals 0, and equal values keep their
   * index order (a stable sort). Both backends give identical indices.
   */
  argsort(x: Storage, rows: number, len: number, descending: boolean): Storage;
  /**
   * PyTorch's `nan_to_num` on a float storage: NaN, +inf and -inf replaced by the given numbers
   * (rounded to the storage's dtype), other elements unchanged.
   */
  nanToNum(x: Storage, nan: number, posinf: number, neginf: number): Storage;
  /**
   * A special function elementwise on a float storage (see {@link SPECIAL_OPS}); `order` is
   * polygamma's n (0 for the others). The result has the storage's dtype.
   */
  special(op: SpecialOp, x: Storage, order: number): Storage;
  /** `op(a, b)` elementwise on two float storages of one dtype and length (see {@link SPECIAL2_OPS}). */
  special2(op: Special2Op, a: Storage, b: Storage): Storage;
  /**
   * int32 positions of `values` in the sorted rows of `seq` (see {@link SearchsortedArgs}); both
   * storages of one compute dtype.
   */
  searchsorted(seq: Storage, values: Storage, args: SearchsortedArgs): Storage;
  /** Softmax (or log-softmax) of each row of a `[rows, cols]` float32 storage. */
  softmax(x: Storage, rows: number, cols: number, log: boolean): Storage;
  /** Batched matrix product, float32 or int32. */
  matmul(a: Storage, b: Storage, args: MatmulArgs): Storage;
  /**
   * Gather along the middle axis: `out[o, j, i] = x[o, index[o, j, i], i]` with `x` as
   * `[outer, len, inner]` and `index` (int32) as `[outer, idxLen, inner]`. When `indexIs1d`,
   * `index` has `idxLen` elements and `out[o, j, i] = x[o, index[j], i]` (index_select).
   * Throws a RangeError naming the bad index when one is outside `[0, len)`.
   */
  gather(
    x: Storage,
    index: Storage,
    outer: number,
    len: number,
    inner: number,
    idxLen: number,
    indexIs1d: boolean,
  ): Storage;
  /**
   * The adjoint of `gather`: a zeroed `[outer, len, inner]` storage with
   * `out[o, index[o, j, i], i] += src[o, j, i]` (or `index[j]` when `indexIs1d`).
   */
  scatterAdd(
    src: Storage,
    index: Storage,
    outer: number,
    len: number,
    inner: number,
    idxLen: number,
    indexIs1d: boolean,
  ): Storage;

  /** im2col of a float32 NCHW input: columns `[batch, groups, R, outH * outW]` (see {@link Conv2dGeometry}). */
  im2col(x: Storage, geom: Conv2dGeometry): Storage;
  /**
   * The adjoint of `im2col`: an NCHW float32 `[batch, channels, height, width]` storage where
   * every column entry is added back to the input position it was read from (overlaps sum,
   * padding and ones rows are dropped). This is the input gradient of a convolution.
   */
  col2im(cols: Storage, geom: Conv2dGeometry): Storage;
  /**
   * Optional: the input gradient of an ungrouped convolution (`geom.groups` 1, no ones row),
   * `col2im(wᵀ @ g)` for the float32 weight `[outChannels, channels · kernelH · kernelW]` and
   * output gradient `[batch, outChannels, outH · outW]`, without holding every image's columns at
   * once. Gives the same values as that matmul followed by `col2im`.
   */
  conv2dInputGrad?(weight: Storage, grad: Storage, geom: Conv2dGeometry, outChannels: number): Storage;
  /**
   * Optional: a convolution's float32 output `[batch, outChannels, outH · outW]`, the products
   * of the weight rows `[groups, outChannels / groups, R]` (R as `im2col`'s; when `geom.onesRow`
   * the bias is each row's last entry) with each image's `im2col` columns, without materialising
   * the columns. Gives the same values as `im2col` followed by that batched matmul.
   */
  conv2dForward?(x: Storage, weight: Storage, geom: Conv2dGeometry, outChannels: number): Storage;
  /**
   * Max pooling of float32 planes: values `[planes, outH, outW]` and int32 indices of the maxima,
   * flat within each plane (`ih * width + iw`, as PyTorch's `return_indices`). Padding reads as
   * -inf; NaN wins; the first maximum wins ties.
   */
  maxPool2d(x: Storage, geom: Pool2dGeometry): { values: Storage; indices: Storage };
  /** Average pooling of float32 planes to `[planes, outH, outW]` (dilation must be 1). */
  avgPool2d(x: Storage, geom: Pool2dGeometry, opts: AvgPoolOptions): Storage;
  /** The adjoint of `avgPool2d`: spreads `grad` (`[planes, outH, outW]`) back over each window. */
  avgPool2dBackward(grad: Storage, geom: Pool2dGeometry, opts: AvgPoolOptions): Storage;

  // ---- optional fused kernels (capabilities): the front end composes the same result from the
  // primitives above where a backend lacks one ----

  /**
   * Runs `fn` (the updates of an optimizer step) with the backend free to defer in-place updates
   * and run them together later (the WebGPU backend: one kernel for the parameters of a step,
   * reads of a deferred update see its new value). Returns what `fn` returns.
   */
  batchWrites?<T>(fn: () => T): T;

  /**
   * One Adam/AdamW step in place on float32 storages of one length: updates `param`, `expAvg`,
   * `expAvgSq` (and `maxExpAvgSq` with amsgrad) from `grad`, computing exactly what the tensor ops
   * of `src/optim/adam.ts` compute.
   */
  adamUpdate?(
    param: Storage,
    grad: Storage,
    expAvg: Storage,
    expAvgSq: Storage,
    maxExpAvgSq: Storage | null,
    o: AdamUpdateOptions,
  ): void;
  /**
   * One SGD step in place on `param` (and `momentumBuffer` when momentum is not 0), computing
   * exactly what the tensor ops of `src/optim/sgd.ts` compute.
   */
  sgdUpdate?(param: Storage, grad: Storage, momentumBuffer: Storage | null, o: SgdUpdateOptions): void;
  /**
   * Softmax cross-entropy of each row of a `[rows, cols]` float32 storage at the int32 class
   * indices `target` (`rows` of them): the rows' log-softmax `logp`, `loss[r] = -logp[r,
   * target[r]]` (0 where the target is `ignoreIndex`), their sum `total` and the number of
   * counted rows `count` (one element each). A target outside `[0, cols)` other than
   * `ignoreIndex` gives `{ badRow }` (the first such row, and its `value` where the backend read
   * it) and computes nothing; a backend that checks the targets on its device instead (the GPU,
   * for targets it computed) makes the outputs reject their reads with `message(value)`.
   */
  crossEntropy?(
    x: Storage,
    target: Storage,
    rows: number,
    cols: number,
    ignoreIndex: number,
    message?: (value: number) => string,
  ): { logp: Storage; loss: Storage; total: Storage; count: Storage } | { badRow: number; value?: number };
  /**
   * The gradient of `crossEntropy`'s per-row losses with respect to its input: `(exp(logp[r]) -
   * onehot(target[r])) * g[r]`, 0 on ignored rows; `g` holds `rows` float32 values, or one for
   * every row.
   */
  crossEntropyBackward?(
    logp: Storage,
    target: Storage,
    g: Storage,
    rows: number,
    cols: number,
    ignoreIndex: number,
  ): Storage;
  /**
   * Batched LU factorisation with partial pivoting and solve (`torch.linalg`): for each of
   * `args.batch` float32 (float64 on the CPU) `n`×`n` matrices `a`, the solution of A X = B for
   * `rhs` B (`n`×`k`), the inverse for `"identity"` (k = n), nothing for null (det only), plus
   * the determinant statistics of {@link LuSolveResult}. The CPU leaves X undefined for a
   * singular matrix (info > 0; the front end throws); the GPU, which cannot report info without
   * a read-back, fills X of a singular matrix with NaN.
   */
  luSolve?(a: Storage, rhs: Storage | "identity" | null, args: LuSolveArgs): LuSolveResult;
  /**
   * Batched Cholesky factorisation A = L Lᵀ (`torch.linalg.cholesky`) of `batch` float32
   * (float64 on the CPU) `n`×`n` matrices, reading their lower triangles: the lower-triangular
   * factors `l` and, per matrix, `info` (its dtype): 0, or 1 + the first column whose pivot is
   * not positive (the order of the leading minor that is not positive-definite). The CPU leaves
   * such a factor incomplete (the front end throws); the GPU fills it with NaN.
   */
  cholesky?(a: Storage, batch: number, n: number): { l: Storage; info: Storage };
  /**
   * Batched triangular solves A X = B (`torch.linalg.solve_triangular`) of float32 (float64 on
   * the CPU) matrices, reading only A's triangle: the `batch` `n`×`k` solutions X. No checks, as
   * LAPACK's trsm: a zero on the diagonal gives inf/NaN.
   */
  triangularSolve?(a: Storage, b: Storage, args: TriangularSolveArgs): Storage;
  /**
   * Batched Householder QR (LAPACK's geqrf, `torch.linalg.qr`) of float32 (float64 on the CPU)
   * `m`×`n` matrices: `h` holds R in its upper triangle and the reflectors' vectors below it,
   * `tau` (min(m, n) per matrix) their scalars.
   */
  geqrf?(a: Storage, args: DecompArgs): { h: Storage; tau: Storage };
  /** The first `cols` columns of Q (`m`×`cols` per matrix) from {@link Backend.geqrf}'s output (LAPACK's orgqr). */
  orgqr?(h: Storage, tau: Storage, args: DecompArgs & { cols: number }): Storage;
  /**
   * Cyclic Jacobi eigen-decomposition of symmetric `n`×`n` matrices (`m` = `n`): `w`'s diagonal
   * holds the eigenvalues (unsorted), `v`'s columns the eigenvectors.
   */
  eighJacobi?(a: Storage, args: DecompArgs): { w: Storage; v: Storage };
  /**
   * One-sided Jacobi SVD of `m`×`n` matrices with m >= n: `b` = A V has mutually orthogonal
   * columns (σᵢ uᵢ, unsorted), `v` (`n`×`n`) is orthogonal.
   */
  svdJacobi?(a: Storage, args: DecompArgs): { b: Storage; v: Storage };
  /**
   * Batched LU with partial pivoting (LAPACK's getrf, `torch.linalg.lu_factor`) of `m`×`n`
   * matrices: `lu` (L's multipliers below the diagonal, U on and above), `pivots` (min(m, n) per
   * matrix, 1-based, in the matrices' dtype) and `info` per matrix (0, or 1 + the first zero pivot's column).
   */
  getrf?(a: Storage, args: DecompArgs): { lu: Storage; pivots: Storage; info: Storage };
  /**
   * Batched Bunch-Kaufman LDLᵀ of the symmetric `n`×`n` matrices' lower triangles (LAPACK's
   * sytrf with UPLO 'L', `torch.linalg.ldl_factor`; `m` = `n`): `ld` (L's multipliers below D's
   * blocks, D's 1x1 and 2x2 blocks on and just below the diagonal, the strict upper part 0),
   * `pivots` (n per matrix, LAPACK's, in the matrices' dtype) and `info` per matrix (0, or 1 + the
   * first column whose block of D is exactly zero).
   */
  sytrf?(a: Storage, args: DecompArgs): { ld: Storage; pivots: Storage; info: Storage };
  /**
   * X with A X = B for A = L D Lᵀ given by `sytrf`'s `ld` and `pivots` (LAPACK's sytrs, lower),
   * for `batch` matrices `n`×`n` and right-hand sides `n`×`k`.
   */
  sytrs?(ld: Storage, pivots: Storage, b: Storage, args: LdlSolveArgs): Storage;
  /**
   * Batched unnormalised complex FFTs (`torch.fft`) over `batch` rows of `n` complex values,
   * interleaved float32 (re, im) pairs: forward X_k = sum_j x_j e^{-2 pi i jk/n}, or the inverse
   * (e^{+2 pi i jk/n}, no 1/n). Any n >= 1. Backends without it get a DFT-by-matmul fallback
   * (src/fft/pairs.ts).
   */
  fft?(x: Storage, args: FftArgs): Storage;
  /**
   * Batched FFTs of `batch` real float32 rows of even length `n`: their n / 2 + 1 non-negative
   * frequencies as interleaved (re, im) pairs, unnormalised (one complex FFT of length n / 2 a row).
   */
  rfft?(x: Storage, args: RfftArgs): Storage;
  /**
   * Elementwise products of `n` complex values, two float32 storages of interleaved (re, im) pairs
   * (2n values each): `a_k b_k`, or `a_k conj(b_k)` with `conjB`. Backends without it leave
   * complex64 `mul` to a composite over the real parts (src/complex/arith.ts).
   */
  complexMul?(a: Storage, b: Storage, n: number, conjB: boolean): Storage;
}

/** Shapes of `Backend.rfft`. */
export interface RfftArgs {
  /** Rows. */
  batch: number;
  /** Real values per row (even). */
  n: number;
}

/** Shapes of `Backend.fft`. */
export interface FftArgs {
  /** Rows. */
  batch: number;
  /** Complex values per row. */
  n: number;
  /** The inverse transform (positive exponent), unnormalised. */
  inverse: boolean;
}

/** Shapes of `Backend.sytrs`. */
export interface LdlSolveArgs {
  batch: number;
  /** Rows and columns of each factored matrix. */
  n: number;
  /** Right-hand sides (columns of B) per matrix. */
  k: number;
}
