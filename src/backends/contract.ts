/**
 * The backend contract: what every backend's primitive accepts and gives, decided once. For each
 * primitive of `Backend` (`backend.ts`), the argument checks (with one set of messages: both
 * backends reject bad input the same way), the output's dtype and length, and the empty case
 * (a result with no elements, or whose elements need no kernel). The backends call the decision
 * of a primitive first and then only launch kernels: `unaryContract`, `binaryContract`,
 * `whereContract`, `reduceContract`, `scanContract`, `argsortContract`, `softmaxContract`,
 * `gatherContract`, `scatterAddContract`, `crossEntropyContract`, `crossEntropyBackwardContract`;
 * copy, matmul, convolution and pooling decide through `planCopy`, `checkMatmul`,
 * `checkConvGeom` / `checkFloat32` and `checkPoolGeom` / `checkAvg`. `tests/backend_contract_test.ts`
 * runs every primitive's empty and dtype-edge cases on both devices and checks they agree.
 * @module
 */
import {
  ARITHMETIC_OPS,
  type AvgPoolOptions,
  type BinaryOp,
  COMPARISON_OPS,
  type Conv2dGeometry,
  INT_ONLY_OPS,
  type MatmulArgs,
  type Pool2dGeometry,
  REDUCE_OPS,
  type ReduceOp,
  type Storage,
  UNARY_OPS,
  type UnaryOp,
} from "./backend.ts";
import type { ComputeDType, DType, TypedArray } from "../dtype.ts";

/** Throws unless `dtype` is a compute dtype (float32, float64 or int32). */
export function checkCompute(op: string, dtype: DType): ComputeDType {
  if (dtype !== "float32" && dtype !== "float64" && dtype !== "int32") {
    throw new TypeError(`${op}: kernels compute in float32, float64 or int32, got ${dtype}`);
  }
  return dtype;
}

/** Throws unless `n` is a non-negative safe integer. */
export function checkCount(op: string, what: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new RangeError(`${op}: ${what} must be a non-negative integer, got ${n}`);
  }
}

/** The `[offset, offset + count)` range of a read of a storage of `numel` elements, checked. */
export function readRange(op: string, numel: number, offset = 0, count = numel - offset): [number, number] {
  if (
    !Number.isSafeInteger(offset) || !Number.isSafeInteger(count) || offset < 0 || count < 0 ||
    offset + count > numel
  ) {
    throw new RangeError(`${op}: elements [${offset}, ${offset + count}) are outside a storage of ${numel}`);
  }
  return [offset, offset + count];
}

/** Checks a `[outer, len, inner]` layout against a storage's length. */
export function checkLayout(op: string, numel: number, outer: number, len: number, inner: number): void {
  checkCount(op, "outer", outer);
  checkCount(op, "len", len);
  checkCount(op, "inner", inner);
  if (outer * len * inner !== numel) {
    throw new RangeError(`${op}: layout [${outer}, ${len}, ${inner}] does not match ${numel} elements`);
  }
}

/** Checks the index of gather/scatterAdd (dtype and length). */
export function checkIndex(
  op: string,
  index: { dtype: DType; numel: number },
  outer: number,
  len: number,
  inner: number,
  idxLen: number,
  indexIs1d: boolean,
): void {
  if (index.dtype !== "int32") throw new TypeError(`${op}: index must be int32, got ${index.dtype}`);
  checkCount(op, "outer", outer);
  checkCount(op, "len", len);
  checkCount(op, "inner", inner);
  checkCount(op, "idxLen", idxLen);
  const want = indexIs1d ? idxLen : outer * idxLen * inner;
  if (index.numel !== want) {
    throw new RangeError(`${op}: index has ${index.numel} elements, expected ${want}`);
  }
}

/** A value for messages: `a string "0"`, `null`, `an array of length 2`, `a number 3`. */
export function describeValue(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (typeof v === "string") return `a string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + "…" : v)}`;
  if (typeof v === "object") return `an object (${(v as object).constructor?.name ?? "Object"})`;
  return `a ${typeof v} ${String(v)}`;
}

/** The CPU backend's error for an index outside `[0, len)`. */
export function badIndexError(op: string, value: number, len: number): RangeError {
  return new RangeError(`${op}: index ${value} is out of bounds for dimension with size ${len}`);
}

/** Validates a convolution geometry; returns R, the rows of one group's columns. */
export function checkConvGeom(op: string, g: Conv2dGeometry): number {
  for (const k of ["batch", "channels", "height", "width", "padH", "padW", "outH", "outW"] as const) {
    checkCount(op, k, g[k]);
  }
  for (
    const k of ["groups", "kernelH", "kernelW", "strideH", "strideW", "dilationH", "dilationW"] as const
  ) {
    checkCount(op, k, g[k]);
    if (g[k] < 1) throw new RangeError(`${op}: ${k} must be at least 1, got ${g[k]}`);
  }
  if (g.channels % g.groups !== 0) {
    throw new RangeError(`${op}: ${g.channels} channels are not divisible by ${g.groups} groups`);
  }
  const reachH = (g.outH - 1) * g.strideH + (g.kernelH - 1) * g.dilationH + g.height;
  const reachW = (g.outW - 1) * g.strideW + (g.kernelW - 1) * g.dilationW + g.width;
  if (reachH >= 2 ** 31 || reachW >= 2 ** 31) throw new RangeError(`${op}: geometry too large`);
  return (g.channels / g.groups) * g.kernelH * g.kernelW + (g.onesRow ? 1 : 0);
}

/** Validates a pooling geometry. */
export function checkPoolGeom(op: string, g: Pool2dGeometry): void {
  for (const k of ["planes", "height", "width", "padH", "padW", "outH", "outW"] as const) {
    checkCount(op, k, g[k]);
  }
  for (const k of ["kernelH", "kernelW", "strideH", "strideW", "dilationH", "dilationW"] as const) {
    checkCount(op, k, g[k]);
    if (g[k] < 1) throw new RangeError(`${op}: ${k} must be at least 1, got ${g[k]}`);
  }
  const reachH = (g.outH - 1) * g.strideH + (g.kernelH - 1) * g.dilationH + g.height + g.padH;
  const reachW = (g.outW - 1) * g.strideW + (g.kernelW - 1) * g.dilationW + g.width + g.padW;
  if (reachH >= 2 ** 31 || reachW >= 2 ** 31) throw new RangeError(`${op}: geometry too large`);
}

/** Validates average-pooling geometry and options. */
export function checkAvg(op: string, g: Pool2dGeometry, opts: AvgPoolOptions): void {
  checkPoolGeom(op, g);
  if (g.dilationH !== 1 || g.dilationW !== 1) {
    throw new RangeError(`${op}: average pooling has no dilation`);
  }
  if (!Number.isInteger(opts.divisor) || Math.abs(opts.divisor) >= 2 ** 31) {
    throw new RangeError(`${op}: divisor must be an integer (0 for none), got ${opts.divisor}`);
  }
}

/** One dimension of a strided copy after merging: `n` elements, source and destination strides. */
export interface CopyDim {
  n: number;
  s: number;
  d: number;
}

/** A validated copy: its merged dims and the element ranges `[min, max]` it reads and writes. */
export interface CopyPlan {
  dims: CopyDim[];
  src: [number, number];
  dst: [number, number];
}

/**
 * Validates a strided copy's arguments and merges its dimensions (size-1 dims dropped, neighbours
 * contiguous on both sides joined). Returns null when the copy has no elements. Bad shapes,
 * strides or offsets throw: a copy never reads or writes outside either storage.
 */
export function planCopy(
  s: { dtype: DType; numel: number },
  srcOffset: number,
  srcStrides: readonly number[],
  d: { dtype: DType; numel: number },
  dstOffset: number,
  dstStrides: readonly number[],
  shape: readonly number[],
): CopyPlan | null {
  if (s.dtype !== d.dtype) throw new TypeError(`copy: dtypes differ (${s.dtype} and ${d.dtype})`);
  const rank = shape.length;
  if (srcStrides.length !== rank || dstStrides.length !== rank) {
    throw new RangeError(
      `copy: shape [${shape}] needs ${rank} strides, got [${srcStrides}] and [${dstStrides}]`,
    );
  }
  let numel = 1;
  for (let i = 0; i < rank; i++) {
    checkCount("copy", "every dimension", shape[i]);
    numel *= shape[i];
  }
  if (numel === 0) return null;
  const dims: CopyDim[] = [];
  for (let i = 0; i < rank; i++) {
    if (shape[i] === 1) continue;
    const cur = { n: shape[i], s: srcStrides[i], d: dstStrides[i] };
    const prev = dims[dims.length - 1];
    if (prev && prev.s === cur.s * cur.n && prev.d === cur.d * cur.n) {
      prev.n *= cur.n;
      prev.s = cur.s;
      prev.d = cur.d;
    } else {
      dims.push(cur);
    }
  }
  // Element ranges touched on both sides.
  let sMin = srcOffset, sMax = srcOffset, dMin = dstOffset, dMax = dstOffset;
  for (const { n, s: ss, d: ds } of dims) {
    if (ss >= 0) sMax += ss * (n - 1);
    else sMin += ss * (n - 1);
    if (ds >= 0) dMax += ds * (n - 1);
    else dMin += ds * (n - 1);
  }
  if (!Number.isSafeInteger(sMin) || sMin < 0 || sMax >= s.numel) {
    throw new RangeError(
      `copy: source view [${shape}] at offset ${srcOffset} exceeds the storage (${s.numel} elements)`,
    );
  }
  if (!Number.isSafeInteger(dMin) || dMin < 0 || dMax >= d.numel) {
    throw new RangeError(
      `copy: destination view [${shape}] at offset ${dstOffset} exceeds the storage (${d.numel} elements)`,
    );
  }
  return { dims, src: [sMin, sMax], dst: [dMin, dMax] };
}

/** Validates a batched matmul's operands and sizes; returns the compute dtype. */
export function checkMatmul(
  a: { dtype: DType; numel: number },
  b: { dtype: DType; numel: number },
  args: MatmulArgs,
): ComputeDType {
  const dtype = checkCompute("matmul", a.dtype);
  if (b.dtype !== dtype) {
    throw new TypeError(`matmul: operands have different dtypes (${a.dtype} and ${b.dtype})`);
  }
  const { batch, m, k, n, aBatchStride, bBatchStride } = args;
  // One call per size (not a loop over Object.entries: this runs for every product).
  checkCount("matmul", "batch", batch);
  checkCount("matmul", "m", m);
  checkCount("matmul", "k", k);
  checkCount("matmul", "n", n);
  checkCount("matmul", "aBatchStride", aBatchStride);
  checkCount("matmul", "bBatchStride", bBatchStride);
  const needA = batch === 0 ? 0 : (batch - 1) * aBatchStride + m * k;
  const needB = batch === 0 ? 0 : (batch - 1) * bBatchStride + k * n;
  if (needA > a.numel || needB > b.numel) {
    throw new RangeError(
      `matmul: operands of ${a.numel} and ${b.numel} elements are too small for batch ${batch} of ` +
        `[${m}, ${k}] @ [${k}, ${n}]`,
    );
  }
  const bias = args.bias;
  if (bias) {
    if (dtype !== "float32" || bias.dtype !== "float32") {
      throw new TypeError(`matmul: a bias needs float32 operands and bias, got ${dtype} and ${bias.dtype}`);
    }
    if (bias.numel !== n) {
      throw new RangeError(`matmul: the bias has ${bias.numel} elements, expected n = ${n}`);
    }
  }
  return dtype;
}

/** The typed array class that holds each dtype's elements (float16 as raw bits). */
export const TYPED_CTOR = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  float16: Uint16Array,
  uint8: Uint8Array,
  bool: Uint8Array,
} as const;

/** Throws for a dtype the library does not know. */
export function checkDType(op: string, dtype: DType): void {
  if (dtype === "complex64") {
    throw new TypeError(
      `${op}: complex64 is not supported here (a complex64 tensor views a float32 storage of (re, im) ` +
        `pairs, and this op has no complex path); create a float32 tensor and convert it with .to("complex64")`,
    );
  }
  if (!(dtype in TYPED_CTOR)) throw new TypeError(`${op}: unknown dtype ${JSON.stringify(dtype)}`);
}

/** Throws unless `data` is the typed array class that holds `dtype` (fromTyped, adopt). */
export function checkTyped(op: string, data: TypedArray, dtype: DType): void {
  checkDType(op, dtype);
  const Ctor = TYPED_CTOR[dtype as Exclude<DType, "complex64">];
  if (!Ctor) throw new TypeError(`${op}: unknown dtype ${JSON.stringify(dtype)}`);
  if (!(data instanceof Ctor)) {
    throw new TypeError(
      `${op}: ${dtype} needs a ${Ctor.name}, got ${data?.constructor?.name ?? typeof data}`,
    );
  }
}

/** `s` when it is float32 with `numel` elements (`what` names it in the error). */
export function checkFloat32<S extends Storage>(op: string, s: S, numel: number, what: string): S {
  if (s.dtype !== "float32") throw new TypeError(`${op}: expected float32, got ${s.dtype}`);
  if (s.numel !== numel) throw new RangeError(`${op}: ${what} has ${s.numel} elements, expected ${numel}`);
  return s;
}

/** Throws for an unknown unary op, or one that has no int32 kernel. */
export function checkUnary(op: string, dtype: ComputeDType): void {
  if (!(UNARY_OPS as readonly string[]).includes(op)) {
    throw new TypeError(`unary: unknown op ${JSON.stringify(op)}`);
  }
  if (dtype === "int32" && op !== "neg" && op !== "abs" && op !== "sign" && op !== "relu") {
    throw new TypeError(`${op}: not supported for int32 (the front end computes it in float32)`);
  }
}

/** `st` when it is a `dtype` operand `which` ("a" / "b") whose length tiles `numel`. */
export function checkOperand<S extends Storage>(
  op: string,
  st: S,
  which: string,
  dtype: DType,
  numel: number,
): S {
  if (st.dtype !== dtype) {
    throw new TypeError(`${op}: operand ${which} is ${st.dtype}, expected ${dtype}`);
  }
  const len = st.numel;
  if (len === 0 || numel % len !== 0) {
    throw new RangeError(`${op}: operand ${which} has ${len} elements, which does not tile ${numel}`);
  }
  return st;
}

/** where's operands: a bool (or uint8) condition and two operands of one dtype, all of one length. */
export function checkWhere(c: Storage, x: Storage, y: Storage): void {
  if (c.dtype !== "bool" && c.dtype !== "uint8") {
    throw new TypeError(`where: condition must be bool, got ${c.dtype}`);
  }
  if (x.dtype !== y.dtype) {
    throw new TypeError(`where: operands have different dtypes (${x.dtype} and ${y.dtype})`);
  }
  const n = c.numel;
  if (x.numel !== n || y.numel !== n) {
    throw new RangeError(`where: condition has ${n} elements but operands have ${x.numel} and ${y.numel}`);
  }
}

/** Throws when reducing an empty dimension with an op that has no identity (all but sum, prod). */
export function checkReducible(op: string, len: number): void {
  if (len === 0 && op !== "sum" && op !== "prod") {
    throw new RangeError(`${op}: cannot reduce an empty dimension (it has no identity)`);
  }
}

/** rows and cols as counts whose product is the storage's `numel` (softmax rows). */
export function checkRows(op: string, rows: number, cols: number, numel: number): void {
  checkCount(op, "rows", rows);
  checkCount(op, "cols", cols);
  if (rows * cols !== numel) {
    throw new RangeError(`${op}: [${rows}, ${cols}] does not match ${numel} elements`);
  }
}

/** crossEntropy's dtypes: float32 scores, int32 targets. */
export function checkCrossEntropyTypes(s: { dtype: DType }, t: { dtype: DType }): void {
  if (s.dtype !== "float32") throw new TypeError(`crossEntropy: expected float32 input, got ${s.dtype}`);
  if (t.dtype !== "int32") throw new TypeError(`crossEntropy: expected int32 targets, got ${t.dtype}`);
}

/** The storages of a fused optimizer step: float32, all of one length (null entries pass through). */
export function checkUpdateArgs<S extends Storage>(op: string, out: (S | null)[]): (S | null)[] {
  const n = out[0]!.numel;
  for (const x of out) {
    if (x === null) continue;
    if (x.dtype !== "float32") throw new TypeError(`${op}: expected float32 storages, got ${x.dtype}`);
    if (x.numel !== n) throw new RangeError(`${op}: storages have ${n} and ${x.numel} elements`);
  }
  return out;
}

/** The state buffers adamUpdate / sgdUpdate need for their options. */
export function checkUpdateState(op: "adamUpdate" | "sgdUpdate", needed: boolean, present: boolean): void {
  if (needed && !present) {
    throw new TypeError(
      op === "adamUpdate"
        ? "adamUpdate: amsgrad needs maxExpAvgSq"
        : "sgdUpdate: momentum needs momentumBuffer",
    );
  }
}

// ---- per-primitive decisions ----------------------------------------------------------------

/** What a primitive gives: the dtype and number of elements of its output. */
export interface Decided<D extends DType = DType> {
  dtype: D;
  numel: number;
}

/** A storage as the contract sees it. */
type Sized = { dtype: DType; numel: number };

/** `unary(op, x)`: the output has x's (compute) dtype and length; throws for a bad op or dtype. */
export function unaryContract(op: UnaryOp, x: Sized): Decided<ComputeDType> {
  const dtype = checkCompute(op, x.dtype);
  checkUnary(op, dtype);
  return { dtype, numel: x.numel };
}

/**
 * `binary(op, a, b, numel, dtype)`: `numel` elements of `dtype`, or bool for comparisons; throws
 * for a bad op, dtype or length (the operands are checked with {@link checkOperand}).
 */
export function binaryContract(op: BinaryOp, numel: number, dtype: DType): Decided {
  const compute = checkCompute(op, dtype);
  checkCount(op, "numel", numel);
  const isCmp = (COMPARISON_OPS as readonly string[]).includes(op);
  if (!isCmp && !(ARITHMETIC_OPS as readonly string[]).includes(op)) {
    throw new TypeError(`binary: unknown op ${JSON.stringify(op)}`);
  }
  if (op === "div" && compute === "int32") {
    throw new TypeError("div: int32 division is not a kernel (the front end divides in float32)");
  }
  if ((op === "atan2" || op === "hypot" || op === "copysign" || op === "nextafter") && compute === "int32") {
    throw new TypeError(`${op}: int32 is not a kernel (float32 or float64 only)`);
  }
  if (INT_ONLY_OPS.includes(op) && compute !== "int32") {
    throw new TypeError(`${op}: ${compute} is not a kernel (int32 only)`);
  }
  return { dtype: isCmp ? "bool" : compute, numel };
}

/** `where(cond, a, b)`: a's dtype and the common length. */
export function whereContract(c: Storage, x: Storage, y: Storage): Decided {
  checkWhere(c, x, y);
  return { dtype: x.dtype, numel: c.numel };
}

/**
 * `reduce(op, x, outer, len, inner)`: `outer * inner` elements of x's dtype (int32 for
 * argmax/argmin). An empty dimension (`len` 0) with outputs is refused for ops without an identity.
 */
export function reduceContract(
  op: ReduceOp,
  x: Sized,
  outer: number,
  len: number,
  inner: number,
): Decided<ComputeDType> {
  const dtype = checkCompute(op, x.dtype);
  if (!(REDUCE_OPS as readonly string[]).includes(op)) {
    throw new TypeError(`reduce: unknown op ${JSON.stringify(op)}`);
  }
  checkLayout(op, x.numel, outer, len, inner);
  const numel = outer * inner;
  if (numel > 0) checkReducible(op, len);
  return { dtype: op === "argmax" || op === "argmin" ? "int32" : dtype, numel };
}

/** `cumsum` / `cumprod` over `[outer, len, inner]`: x's dtype and length. */
export function scanContract(
  op: "cumsum" | "cumprod" | "cumExtremeIndices" | "logcumsumexp",
  x: Sized,
  outer: number,
  len: number,
  inner: number,
): Decided<ComputeDType> {
  const dtype = checkCompute(op, x.dtype);
  checkLayout(op, x.numel, outer, len, inner);
  return { dtype, numel: x.numel };
}

/** `argsort(x, rows, len)`: x's length of int32 indices. */
export function argsortContract(x: Sized, rows: number, len: number): Decided<"int32"> {
  checkCompute("argsort", x.dtype);
  checkLayout("argsort", x.numel, rows, len, 1);
  return { dtype: "int32", numel: x.numel };
}

/** `softmax(x, rows, cols, log)`: x's float dtype and length. */
export function softmaxContract(x: Sized, rows: number, cols: number, log: boolean): Decided {
  const name = log ? "logSoftmax" : "softmax";
  if (x.dtype !== "float32" && x.dtype !== "float64") {
    throw new TypeError(`${name}: expected float32 or float64, got ${x.dtype}`);
  }
  checkRows(name, rows, cols, x.numel);
  return { dtype: x.dtype, numel: x.numel };
}

/**
 * `gather` (`indexSelect` when `indexIs1d`): `outer * idxLen * inner` elements of x's dtype. The
 * indices themselves are checked by the backend (on the host or on the device), also when the
 * output is empty.
 */
export function gatherContract(
  x: Sized,
  index: Sized,
  outer: number,
  len: number,
  inner: number,
  idxLen: number,
  indexIs1d: boolean,
): Decided & { op: "gather" | "indexSelect" } {
  const op = indexIs1d ? "indexSelect" : "gather";
  checkLayout(op, x.numel, outer, len, inner);
  checkIndex(op, index, outer, len, inner, idxLen, indexIs1d);
  return { op, dtype: x.dtype, numel: outer * idxLen * inner };
}

/**
 * `scatterAdd`: `outer * len * inner` elements of src's (compute) dtype; zeros, with no kernel,
 * when `src` is empty (`empty`). The indices are checked by the backend, as for gather.
 */
export function scatterAddContract(
  src: Sized,
  index: Sized,
  outer: number,
  len: number,
  inner: number,
  idxLen: number,
  indexIs1d: boolean,
): Decided<ComputeDType> & { empty: boolean } {
  const dtype = checkCompute("scatterAdd", src.dtype);
  checkLayout("scatterAdd", src.numel, outer, idxLen, inner);
  checkIndex("scatterAdd", index, outer, len, inner, idxLen, indexIs1d);
  const numel = outer * len * inner;
  return { dtype, numel, empty: src.numel === 0 || numel === 0 };
}

/** `crossEntropy(x, target, rows, cols)`: float32 scores of `[rows, cols]`, `rows` int32 targets. */
export function crossEntropyContract(x: Sized, target: Sized, rows: number, cols: number): void {
  checkCrossEntropyTypes(x, target);
  checkCount("crossEntropy", "rows", rows);
  checkCount("crossEntropy", "cols", cols);
  if (rows * cols !== x.numel || target.numel !== rows) {
    throw new RangeError(
      `crossEntropy: [${rows}, ${cols}] and ${rows} targets do not match ${x.numel} inputs and ${target.numel} targets`,
    );
  }
}

/** `crossEntropyBackward`: `rows * cols` float32 gradients from as many log-probabilities. */
export function crossEntropyBackwardContract(
  logp: Sized,
  target: Sized,
  g: Sized,
  rows: number,
  cols: number,
): Decided<"float32"> {
  if (logp.numel !== rows * cols || target.numel !== rows || (g.numel !== rows && g.numel !== 1)) {
    throw new RangeError(
      `crossEntropyBackward: [${rows}, ${cols}] does not match ${logp.numel} log-probabilities, ` +
        `${target.numel} targets and ${g.numel} gradients`,
    );
  }
  return { dtype: "float32", numel: rows * cols };
}
