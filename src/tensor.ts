/**
 * `Tensor`: a view (shape, strides, offset) over a backend `Storage`, with autograd state.
 * Methods are one-liners over `ops/`.
 * @module
 */
import type { Device, Storage } from "./backends/backend.ts";
import { backendFor, isDeviceName } from "./backends/registry.ts";
import { type DType, isFloating, ITEM_SIZE } from "./dtype.ts";
import { contiguousStrides, fmtShape, isContiguousLayout, normDim, numelOf } from "./shape.ts";
import type { Node } from "./autograd/node.ts";
import { backward, type BackwardOptions } from "./autograd/engine.ts";
import { formatTensor } from "./format.ts";
import { DISPOSED, disposeHandle, inFrameOf, noteHandle, pinHandle, releaseHandle } from "./memory.ts";
import { decodeValues, nestValues } from "./read.ts";
import * as ew from "./ops/elementwise.ts";
import * as red from "./ops/reduce.ts";
import * as mv from "./ops/movement.ts";
import * as ix from "./ops/indexing.ts";
import * as mm from "./ops/matmul.ts";
import * as inplace from "./ops/inplace.ts";
import * as ra from "./ops/rearrange.ts";
import * as lg from "./ops/logical.ts";
import * as pw from "./ops/pointwise.ts";
import * as srt from "./ops/sort.ts";
import * as sel from "./ops/select.ts";
import * as adv from "./ops/advanced_index.ts";
import * as sc from "./ops/scatter.ts";
import * as rnd from "./ops/random_fill.ts";
import { toDevice, toDeviceAsync, toDType } from "./ops/convert.ts";
import * as dvs from "./ops/division.ts";
import * as cml from "./ops/cumulative.ts";
import * as unq from "./ops/unique.ts";
import { named } from "./ops/dispatch.ts";
import type { IndexArray, IndexSpec } from "./ops/movement.ts";
import type { DimArg, ReduceOptions } from "./ops/reduce.ts";

/** `result`, or an alias of `t` (its own handle on the storage) when an op gave `t` itself back. */
function aliasIfSame(t: Tensor, result: Tensor): Tensor {
  return result === t ? mv.alias(t) : result;
}

/** A number or a tensor, as accepted by the math ops. */
export type TensorOrScalar = Tensor | number;

/** Nested JS arrays as returned by `toArray()` (a number for 0-d tensors). */
export type NestedArray = number | boolean | NestedArray[];

/** Options of `tensor.to(...)`. */
export interface ToOptions {
  dtype?: DType;
  device?: Device;
}

/**
 * A multi-dimensional array with autograd, in PyTorch's model.
 * @example
 * ```ts
 * import * as torch from "../mod.ts";
 * const x = torch.tensor([[1, 2], [3, 4]], { dtype: "float32", requiresGrad: true });
 * const y = x.mul(x).sum();
 * y.backward();
 * console.log(x.grad!.toArray()); // [[2, 4], [6, 8]]
 * ```
 */
export class Tensor {
  /** @internal The storage this tensor views. */
  _storage: Storage;
  /** The size of each dimension. */
  readonly shape: readonly number[];
  /** @internal Elements to step in storage per index of each dimension. */
  readonly _strides: readonly number[];
  /** @internal Position of element [0, ..., 0] in storage. */
  readonly _offset: number;
  /** The element type. */
  readonly dtype: DType;
  /** @internal See `grad`. */
  _grad: Tensor | null = null;
  /** The operation that produced this tensor, or null for leaves. */
  gradFn: Node | null = null;
  /** @internal */
  _requiresGrad = false;
  /** @internal Keep `.grad` for this non-leaf. */
  _retainsGrad = false;
  /** @internal For views: the tensor whose storage this one views (null for non-views). */
  _base: Tensor | null = null;
  /** @internal The handle's state in the ownership mechanism (see src/memory.ts). */
  _state = 0;
  /** @internal Survivor mark of a frame exit (see src/memory.ts). */
  _mark = 0;
  /** @internal Handed to the user (read through `.grad`, or assigned by them): never freed for them. */
  _exposed = false;

  /** @internal Use `torch.tensor`, `torch.zeros`, ... to create tensors. */
  constructor(
    storage: Storage,
    shape: readonly number[],
    strides: readonly number[] = contiguousStrides(shape),
    offset = 0,
  ) {
    this._storage = storage;
    noteHandle(this);
    this.shape = Object.freeze([...shape]);
    this._strides = Object.freeze([...strides]);
    this._offset = offset;
    this.dtype = storage.dtype;
  }

  // ---- properties ----

  /** The gradient accumulated by `backward()` (a leaf's, or a non-leaf's after `retainGrad()`). */
  get grad(): Tensor | null {
    const g = this._grad;
    if (g !== null) g._exposed = true;
    return g;
  }
  set grad(g: Tensor | null) {
    if (g !== null) g._exposed = true;
    this._setGrad(g);
  }
  /**
   * @internal Sets `.grad` for the library: the gradient is held (pinned) while it is the grad;
   * one it replaces is released unless the user has it.
   */
  _setGrad(g: Tensor | null): void {
    const prev = this._grad;
    if (prev === g) return;
    if (g !== null) pinHandle(g);
    this._grad = g;
    if (prev !== null && !prev._exposed) releaseHandle(prev);
  }
  /**
   * PyTorch's `x.data`: a tensor sharing this one's storage, cut from the graph (`detach()`), for
   * updates autograd must not see (`w.data.sub_(w.grad!.mul(lr))`). The elements as a typed array
   * are `dataSync()` / `await dataAsync()`.
   */
  get data(): Tensor {
    return this.detach();
  }
  /** Whether gradients are tracked for this tensor. */
  get requiresGrad(): boolean {
    return this._requiresGrad;
  }
  set requiresGrad(v: boolean) {
    this.requiresGrad_(v);
  }
  /** Where the tensor lives. */
  get device(): Device {
    return this._storage.device;
  }
  /** Number of dimensions. */
  get ndim(): number {
    return this.shape.length;
  }
  /** True for tensors not produced by a recorded op (user-created, or results without grad). */
  get isLeaf(): boolean {
    return this.gradFn === null;
  }
  /** Strides in elements, as `Tensor.stride()` in PyTorch. */
  stride(): number[] {
    return [...this._strides];
  }
  /** Shape as an array, or the size of one dimension (negative allowed). */
  size(): number[];
  size(dim: number): number;
  size(dim?: number): number[] | number {
    if (dim === undefined) return [...this.shape];
    return this.shape[normDim("size", dim, this.ndim)];
  }
  /** Number of elements. */
  numel(): number {
    return numelOf(this.shape);
  }
  /** Bytes per element. */
  elementSize(): number {
    return ITEM_SIZE[this.dtype];
  }
  /** True when elements are laid out row-major without gaps. */
  isContiguous(): boolean {
    return isContiguousLayout(this.shape, this._strides);
  }
  /** True for float32, float64 and float16. */
  isFloatingPoint(): boolean {
    return isFloating(this.dtype);
  }

  // ---- autograd ----

  /** Sets `requiresGrad` in place (leaves only, floating dtypes only) and returns this tensor. */
  requiresGrad_(requiresGrad = true): this {
    if (!this.isLeaf) {
      if (!requiresGrad) {
        throw new Error(
          "requiresGrad_: you can only change requiresGrad flags of leaf variables. If you want to use a " +
            "computed variable in a subgraph that doesn't require differentiation use detach().",
        );
      }
      return this;
    }
    if (requiresGrad && !isFloating(this.dtype)) {
      throw new TypeError(
        `requiresGrad_: only tensors of floating point dtype can require gradients (got ${this.dtype})`,
      );
    }
    this._requiresGrad = requiresGrad;
    // A leaf that requires grad is a parameter or a user's variable: no call releases it.
    if (requiresGrad) pinHandle(this);
    return this;
  }
  /** Keep `.grad` on this non-leaf tensor during `backward()`. */
  retainGrad(): this {
    if (!this._requiresGrad) {
      throw new Error("retainGrad: can't retain_grad on Tensor that has requiresGrad=false");
    }
    if (!this.isLeaf) this._retainsGrad = true;
    return this;
  }
  /** A tensor sharing this one's data, cut from the graph. */
  detach(): Tensor {
    return new Tensor(this._storage, this.shape, this._strides, this._offset);
  }
  /** Detaches this tensor from the graph in place. */
  detach_(): this {
    this.gradFn = null;
    this._requiresGrad = false;
    return this;
  }
  /**
   * Computes gradients of this tensor with respect to the graph's leaves, accumulating into
   * their `.grad`. Non-scalar outputs need `gradient` (same shape). Options may come first:
   * `loss.backward({ retainGraph: true })`.
   */
  backward(gradient?: Tensor | BackwardOptions, opts: BackwardOptions = {}): void {
    if (gradient !== undefined && !(gradient instanceof Tensor)) {
      backward([this], undefined, gradient);
    } else backward([this], gradient ? [gradient] : undefined, opts);
  }

  // ---- reading ----

  /**
   * The value of a one-element tensor as a JS number (a boolean for a bool tensor). CPU only; see
   * itemAsync. Typed as `number`, what nearly every call reads (`loss.item().toFixed(4)`); name
   * the type for a bool tensor: `mask.any().item<boolean>()`.
   */
  item<T extends number | boolean = number>(): T {
    if (this.numel() !== 1) {
      throw new RangeError(
        `item: a Tensor with ${this.numel()} elements cannot be converted to Scalar (shape ${
          fmtShape(this.shape)
        })`,
      );
    }
    this.#refuseSyncRead("item", "itemAsync");
    const v = this.dataSync()[0];
    return (this.dtype === "bool" ? v !== 0 : v) as T;
  }
  /** The elements as nested arrays (PyTorch's `tolist()`). CPU only; see toArrayAsync. */
  toArray(): NestedArray {
    this.#refuseSyncRead("toArray", "toArrayAsync");
    return nestValues(this.dataSync(), this.shape, this.dtype === "bool");
  }
  /**
   * A copy of the elements in row-major order as a typed array: Float32Array for float32 and
   * float16, Float64Array for float64, Int32Array for int32, Uint8Array for uint8 and bool. CPU
   * only; see dataAsync.
   */
  dataSync(): Float32Array | Float64Array | Int32Array | Uint8Array {
    this.#refuseSyncRead("dataSync", "dataAsync");
    // Only the view's elements are copied: a contiguous view reads its range of the storage, any
    // other view is first gathered into a storage of its own elements.
    return inFrameOf(() => {
      const c = mv.contiguous(this);
      const n = c.numel();
      return decodeValues(backendFor(c.device).readSync(c._storage, c._offset, n), c.dtype, 0, n);
    });
  }
  /**
   * Like `dataSync()`, on every device. Off the CPU this is the one way values come back (a read of
   * the device's queue); only the view's own elements travel (a contiguous view reads its range of
   * the storage, any other view is gathered on the device first).
   */
  async dataAsync(): Promise<Float32Array | Float64Array | Int32Array | Uint8Array> {
    if (this.device === "cpu") return this.dataSync();
    const n = this.numel();
    const c = this.isContiguous() ? this : inFrameOf(() => this.detach().clone());
    try {
      const raw = await backendFor(this.device).read(c._storage, c._offset, n);
      return decodeValues(raw, this.dtype, 0, n);
    } finally {
      if (c !== this) c.dispose();
    }
  }
  /** Throws the error naming the async form of a synchronous read, off the CPU. */
  #refuseSyncRead(op: string, asyncForm: string): void {
    if (this.device === "cpu") return;
    throw new Error(
      `${op}: cannot read a tensor on device "${this.device}" synchronously; use \`await t.${asyncForm}()\` ` +
        `(GPU reads are asynchronous; dataAsync/itemAsync/toArrayAsync/toAsync("cpu") work on every device)`,
    );
  }
  /** Like `item()`, on every device (typed the same way: `await t.itemAsync<boolean>()` for bool). */
  async itemAsync<T extends number | boolean = number>(): Promise<T> {
    if (this.numel() !== 1) return this.item<T>();
    const v = (await this.dataAsync())[0];
    return (this.dtype === "bool" ? v !== 0 : v) as T;
  }
  /** Like `toArray()`, on every device. */
  async toArrayAsync(): Promise<NestedArray> {
    return nestValues(await this.dataAsync(), this.shape, this.dtype === "bool");
  }
  /**
   * PyTorch's printed form, e.g. `tensor([1., 2.], requires_grad=True)`. A GPU tensor's values
   * cannot be read synchronously, so it prints where it lives instead of blocking (its shape,
   * dtype, device and autograd state); `await t.toStringAsync()` prints its values. A disposed
   * tensor prints `tensor(<disposed>)` on every device.
   */
  toString(): string {
    if (this.isDisposed) return "tensor(<disposed>)";
    if (this.device !== "cpu") {
      const grad = this.gradFn
        ? `, grad_fn=<${this.gradFn.name}>`
        : this.requiresGrad
        ? ", requires_grad=True"
        : "";
      return `tensor(<${this.numel()} elements of ${this.dtype} on device '${this.device}'; ` +
        `use await t.toArrayAsync() to read>, size=(${this.shape.join(", ")})${grad})`;
    }
    return formatTensor(this.dataSync(), this.shape, this.dtype, this.#formatOptions());
  }
  /**
   * PyTorch's printed form on every device, values included (a GPU tensor is read back first),
   * e.g. `tensor([1., 2.], device='gpu')`.
   */
  async toStringAsync(): Promise<string> {
    if (this.isDisposed) return "tensor(<disposed>)";
    return formatTensor(await this.dataAsync(), this.shape, this.dtype, this.#formatOptions());
  }
  #formatOptions(): { requiresGrad: boolean; gradFn: string | null; device: Device } {
    return {
      requiresGrad: this.requiresGrad,
      gradFn: this.gradFn ? this.gradFn.name : null,
      device: this.device,
    };
  }
  /** @internal Deno's console.log hook. */
  [Symbol.for("Deno.customInspect")](): string {
    return this.toString();
  }
  /** @internal Bun's and Node's console.log hook. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  // ---- memory ----

  /**
   * Releases this tensor now: its memory is freed at once unless something else still uses it
   * (a view or alias of the same storage, a graph that saved it for `backward()`), in which case
   * it goes with the last of them. Using the tensor afterwards throws. Idempotent.
   */
  dispose(): void {
    disposeHandle(this);
  }
  /** `using t = ...` releases at the end of the block. */
  [Symbol.dispose](): void {
    this.dispose();
  }
  /** True once this tensor was disposed (or its memory released by the scope that made it). */
  get isDisposed(): boolean {
    return this._state === DISPOSED || this._storage.disposed;
  }

  // ---- conversion ----

  /**
   * Converts to a dtype and/or device: `t.to("float16")`, `t.to("gpu")`, `t.to({ dtype, device })`.
   * A conversion to what the tensor already is gives an alias sharing its storage (disposing one
   * leaves the other intact).
   */
  to(target: DType | Device | ToOptions): Tensor {
    const opts: ToOptions = typeof target === "string"
      ? (isDeviceName(target) ? { device: target as Device } : { dtype: target as DType })
      : target;
    const converted = opts.dtype !== undefined ? toDType(this, opts.dtype) : this;
    return aliasIfSame(this, opts.device !== undefined ? toDevice(converted, opts.device) : converted);
  }
  /** `to("float32")`. */
  float(): Tensor {
    return aliasIfSame(this, toDType(this, "float32"));
  }
  /** `to("float64")` (CPU only: WGSL has no 64-bit floats). */
  double(): Tensor {
    return aliasIfSame(this, toDType(this, "float64"));
  }
  /** `to("float16")`. */
  half(): Tensor {
    return aliasIfSame(this, toDType(this, "float16"));
  }
  /** `to("int32")` (our default integer dtype). */
  int(): Tensor {
    return aliasIfSame(this, toDType(this, "int32"));
  }
  /** `to("int32")`: PyTorch's long is int64; we have no 64-bit integers. */
  long(): Tensor {
    return aliasIfSame(this, toDType(this, "int32"));
  }
  /** `to("bool")`. */
  bool(): Tensor {
    return aliasIfSame(this, toDType(this, "bool"));
  }
  /** `to("cpu")` (throws for GPU tensors, whose read-back is asynchronous: use `cpuAsync`). */
  cpu(): Tensor {
    return aliasIfSame(this, toDevice(this, "cpu"));
  }
  /** `to("gpu")`: needs `await torch.gpu.isAvailable()` first. */
  gpu(): Tensor {
    return aliasIfSame(this, toDevice(this, "gpu"));
  }
  /** Like `to(...)`, on every device: moving off the GPU reads back asynchronously. */
  async toAsync(target: DType | Device | ToOptions): Promise<Tensor> {
    const opts: ToOptions = typeof target === "string"
      ? (isDeviceName(target) ? { device: target as Device } : { dtype: target as DType })
      : target;
    const moved = opts.device !== undefined ? await toDeviceAsync(this, opts.device) : this;
    return opts.dtype !== undefined ? toDType(moved, opts.dtype) : moved;
  }
  /** `await t.toAsync("cpu")`. */
  cpuAsync(): Promise<Tensor> {
    return toDeviceAsync(this, "cpu");
  }

  // ---- elementwise ----
  add(other: TensorOrScalar, opts?: { alpha?: number }): Tensor {
    return ew.add(this, other, opts);
  }
  sub(other: TensorOrScalar, opts?: { alpha?: number }): Tensor {
    return ew.sub(this, other, opts);
  }
  mul(other: TensorOrScalar): Tensor {
    return ew.mul(this, other);
  }
  /** `this / other`; with `{ roundingMode: "trunc" | "floor" }` the rounded quotient, as `torch.div`. */
  div(other: TensorOrScalar, opts?: dvs.DivOptions): Tensor {
    return opts === undefined ? ew.div(this, other) : dvs.div(this, other, opts);
  }
  pow(exponent: TensorOrScalar): Tensor {
    return ew.pow(this, exponent);
  }
  /** Python's `this % other` (the result takes the divisor's sign), as `torch.remainder`. */
  remainder(other: TensorOrScalar): Tensor {
    return dvs.remainder(this, other);
  }
  /** C's `fmod(this, other)` (the result takes the dividend's sign), as `torch.fmod`. */
  fmod(other: TensorOrScalar): Tensor {
    return dvs.fmod(this, other);
  }
  /** Python's `this // other`, as `torch.floor_divide`. */
  floorDivide(other: TensorOrScalar): Tensor {
    return dvs.floorDivide(this, other);
  }
  maximum(other: TensorOrScalar): Tensor {
    return ew.maximum(this, other);
  }
  minimum(other: TensorOrScalar): Tensor {
    return ew.minimum(this, other);
  }
  eq(other: TensorOrScalar): Tensor {
    return ew.eq(this, other);
  }
  ne(other: TensorOrScalar): Tensor {
    return ew.ne(this, other);
  }
  lt(other: TensorOrScalar): Tensor {
    return ew.lt(this, other);
  }
  le(other: TensorOrScalar): Tensor {
    return ew.le(this, other);
  }
  gt(other: TensorOrScalar): Tensor {
    return ew.gt(this, other);
  }
  ge(other: TensorOrScalar): Tensor {
    return ew.ge(this, other);
  }
  neg(): Tensor {
    return ew.neg(this);
  }
  abs(): Tensor {
    return ew.abs(this);
  }
  exp(): Tensor {
    return ew.exp(this);
  }
  log(): Tensor {
    return ew.log(this);
  }
  log1p(): Tensor {
    return ew.log1p(this);
  }
  sqrt(): Tensor {
    return ew.sqrt(this);
  }
  rsqrt(): Tensor {
    return ew.rsqrt(this);
  }
  sin(): Tensor {
    return ew.sin(this);
  }
  cos(): Tensor {
    return ew.cos(this);
  }
  tanh(): Tensor {
    return ew.tanh(this);
  }
  sigmoid(): Tensor {
    return ew.sigmoid(this);
  }
  relu(): Tensor {
    return ew.relu(this);
  }
  sign(): Tensor {
    return ew.sign(this);
  }
  floor(): Tensor {
    return ew.floor(this);
  }
  ceil(): Tensor {
    return ew.ceil(this);
  }
  round(): Tensor {
    return ew.round(this);
  }
  trunc(): Tensor {
    return pw.trunc(this);
  }
  frac(): Tensor {
    return pw.frac(this);
  }
  tan(): Tensor {
    return pw.tan(this);
  }
  log2(): Tensor {
    return pw.log2(this);
  }
  log10(): Tensor {
    return pw.log10(this);
  }
  exp2(): Tensor {
    return pw.exp2(this);
  }
  expm1(): Tensor {
    return pw.expm1(this);
  }
  lerp(end: Tensor, weight: TensorOrScalar): Tensor {
    return pw.lerp(this, end, weight);
  }
  addcmul(tensor1: Tensor, tensor2: Tensor, opts?: pw.AddcOptions): Tensor {
    return pw.addcmul(this, tensor1, tensor2, opts);
  }
  addcdiv(tensor1: Tensor, tensor2: Tensor, opts?: pw.AddcOptions): Tensor {
    return pw.addcdiv(this, tensor1, tensor2, opts);
  }
  isnan(): Tensor {
    return lg.isnan(this);
  }
  isinf(): Tensor {
    return lg.isinf(this);
  }
  isposinf(): Tensor {
    return lg.isposinf(this);
  }
  isneginf(): Tensor {
    return lg.isneginf(this);
  }
  isfinite(): Tensor {
    return lg.isfinite(this);
  }
  logicalNot(): Tensor {
    return lg.logicalNot(this);
  }
  logicalAnd(other: Tensor): Tensor {
    return lg.logicalAnd(this, other);
  }
  logicalOr(other: Tensor): Tensor {
    return lg.logicalOr(this, other);
  }
  logicalXor(other: Tensor): Tensor {
    return lg.logicalXor(this, other);
  }
  isclose(other: Tensor, opts?: lg.CloseOptions): Tensor {
    return lg.isclose(this, other, opts);
  }
  /** Whether every element is close to `other`'s, as a JS boolean (CPU tensors). */
  allclose(other: Tensor, opts?: lg.CloseOptions): boolean {
    return lg.allclose(this, other, opts);
  }
  /** Whether `other` has this shape and these elements, as a JS boolean (CPU tensors). */
  equal(other: Tensor): boolean {
    return lg.equal(this, other);
  }
  square(): Tensor {
    return ew.mul(this, this);
  }
  reciprocal(): Tensor {
    return ew.div(1, this);
  }
  clamp(min?: number | null, max?: number | null): Tensor {
    return ew.clamp(this, min, max);
  }
  where(condition: Tensor, other: TensorOrScalar): Tensor {
    return ew.where(condition, this, other);
  }
  maskedFill(mask: Tensor, value: number): Tensor {
    return ew.maskedFill(this, mask, value);
  }

  // ---- reductions ----
  sum(dim?: DimArg | ReduceOptions, opts?: ReduceOptions): Tensor {
    return red.sum(this, dim, opts);
  }
  mean(dim?: DimArg | ReduceOptions, opts?: ReduceOptions): Tensor {
    return red.mean(this, dim, opts);
  }
  prod(dim?: number | ReduceOptions, opts?: ReduceOptions): Tensor {
    return red.prod(this, dim, opts);
  }
  /** Without a dim: the maximum value. With a dim: `{ values, indices }`. */
  max(): Tensor;
  max(dim: number, opts?: ReduceOptions): red.ValuesIndices;
  max(other: Tensor): Tensor;
  max(dim?: number | Tensor, opts?: ReduceOptions): Tensor | red.ValuesIndices {
    if (dim instanceof Tensor) return ew.maximum(this, dim);
    return dim === undefined ? named(red.amax(this), "MaxBackward1", this) : red.max(this, dim, opts);
  }
  /** Without a dim: the minimum value. With a dim: `{ values, indices }`. */
  min(): Tensor;
  min(dim: number, opts?: ReduceOptions): red.ValuesIndices;
  min(other: Tensor): Tensor;
  min(dim?: number | Tensor, opts?: ReduceOptions): Tensor | red.ValuesIndices {
    if (dim instanceof Tensor) return ew.minimum(this, dim);
    return dim === undefined ? named(red.amin(this), "MinBackward1", this) : red.min(this, dim, opts);
  }
  amax(dim?: DimArg | ReduceOptions, opts?: ReduceOptions): Tensor {
    return red.amax(this, dim, opts);
  }
  amin(dim?: DimArg | ReduceOptions, opts?: ReduceOptions): Tensor {
    return red.amin(this, dim, opts);
  }
  argmax(dim?: number | ReduceOptions, opts?: ReduceOptions): Tensor {
    return red.argmax(this, dim, opts);
  }
  argmin(dim?: number | ReduceOptions, opts?: ReduceOptions): Tensor {
    return red.argmin(this, dim, opts);
  }
  var(dim?: DimArg | red.VarOptions, opts?: red.VarOptions): Tensor {
    return red.variance(this, dim, opts);
  }
  std(dim?: DimArg | red.VarOptions, opts?: red.VarOptions): Tensor {
    return red.std(this, dim, opts);
  }
  logsumexp(dim: DimArg, opts?: ReduceOptions): Tensor {
    return red.logsumexp(this, dim, opts);
  }
  softmax(dim: number): Tensor {
    return red.softmax(this, dim);
  }
  logSoftmax(dim: number): Tensor {
    return red.logSoftmax(this, dim);
  }
  norm(p?: number, dim?: DimArg, opts?: ReduceOptions): Tensor {
    return red.norm(this, p, dim, opts);
  }
  all(dim?: number | ReduceOptions, opts?: ReduceOptions): Tensor {
    return red.all(this, dim, opts);
  }
  any(dim?: number | ReduceOptions, opts?: ReduceOptions): Tensor {
    return red.any(this, dim, opts);
  }
  cumsum(dim: number): Tensor {
    return red.cumsum(this, dim);
  }
  /** Inclusive running product along `dim`, as `torch.cumprod`. */
  cumprod(dim: number): Tensor {
    return cml.cumprod(this, dim);
  }
  /** The sorted unique elements (or slices along `dim`), as `torch.unique` (CPU; see uniqueAsync). */
  unique(opts?: unq.UniqueOptions & { returnInverse?: false; returnCounts?: false }): Tensor;
  unique(opts: unq.UniqueOptions & { returnInverse: true; returnCounts: true }): [Tensor, Tensor, Tensor];
  unique(opts: unq.UniqueOptions & ({ returnInverse: true } | { returnCounts: true })): [Tensor, Tensor];
  unique(opts?: unq.UniqueOptions): Tensor | Tensor[];
  unique(opts?: unq.UniqueOptions): Tensor | Tensor[] {
    return unq.unique(this, opts);
  }
  /** {@link unique} on every device. */
  uniqueAsync(opts?: unq.UniqueOptions & { returnInverse?: false; returnCounts?: false }): Promise<Tensor>;
  uniqueAsync(
    opts: unq.UniqueOptions & { returnInverse: true; returnCounts: true },
  ): Promise<[Tensor, Tensor, Tensor]>;
  uniqueAsync(
    opts: unq.UniqueOptions & ({ returnInverse: true } | { returnCounts: true }),
  ): Promise<[Tensor, Tensor]>;
  uniqueAsync(opts?: unq.UniqueOptions): Promise<Tensor | Tensor[]>;
  uniqueAsync(opts?: unq.UniqueOptions): Promise<Tensor | Tensor[]> {
    return unq.uniqueAsync(this, opts);
  }
  /** Sorted along a dim (default the last): `{ values, indices }`, stable, NaN as the largest. */
  sort(dim?: number | srt.SortOptions, opts?: srt.SortOptions): red.ValuesIndices {
    return srt.sort(this, dim, opts);
  }
  argsort(dim?: number | srt.SortOptions, opts?: srt.SortOptions): Tensor {
    return srt.argsort(this, dim, opts);
  }
  /** Coordinates of the nonzero elements, `[count, ndim]` int32 (CPU; see nonzeroAsync). */
  nonzero(): Tensor {
    return sel.nonzero(this);
  }
  nonzeroAsync(): Promise<Tensor> {
    return sel.nonzeroAsync(this);
  }
  argwhere(): Tensor {
    return sel.argwhere(this);
  }
  /** PyTorch's `x[mask]`: the elements where `mask` is true, 1-d (CPU; see maskedSelectAsync). */
  maskedSelect(mask: Tensor): Tensor {
    return sel.maskedSelect(this, mask);
  }
  maskedSelectAsync(mask: Tensor): Promise<Tensor> {
    return sel.maskedSelectAsync(this, mask);
  }
  countNonzero(dim?: DimArg | ReduceOptions): Tensor {
    return sel.countNonzero(this, dim);
  }
  /** The `k` largest (or, with `largest: false`, smallest) along a dim: `{ values, indices }`. */
  topk(k: number, dim?: number | srt.TopkOptions, opts?: srt.TopkOptions): red.ValuesIndices {
    return srt.topk(this, k, dim, opts);
  }

  // ---- movement (views) ----
  view(...shape: (number | readonly number[])[]): Tensor {
    return mv.view(this, ...shape);
  }
  reshape(...shape: (number | readonly number[])[]): Tensor {
    return mv.reshape(this, ...shape);
  }
  viewAs(other: Tensor): Tensor {
    return mv.view(this, other.shape);
  }
  reshapeAs(other: Tensor): Tensor {
    return mv.reshape(this, other.shape);
  }
  transpose(dim0: number, dim1: number): Tensor {
    return mv.transpose(this, dim0, dim1);
  }
  /** Transpose of a tensor of at most 2 dims (PyTorch's `.T`). */
  get T(): Tensor {
    return this.ndim === 2 ? mv.permute(this, 1, 0) : mv.t(this);
  }
  /** Transpose of the last two dims (PyTorch's `.mT`). */
  get mT(): Tensor {
    return mv.transpose(this, -2, -1);
  }
  t(): Tensor {
    return mv.t(this);
  }
  permute(...dims: (number | readonly number[])[]): Tensor {
    return mv.permute(this, ...dims);
  }
  squeeze(dim?: number | readonly number[]): Tensor {
    return mv.squeeze(this, dim);
  }
  unsqueeze(dim: number): Tensor {
    return mv.unsqueeze(this, dim);
  }
  expand(...shape: (number | readonly number[])[]): Tensor {
    return mv.expand(this, ...shape);
  }
  expandAs(other: Tensor): Tensor {
    return mv.expand(this, other.shape);
  }
  flatten(startDim = 0, endDim = -1): Tensor {
    return mv.flatten(this, startDim, endDim);
  }
  unflatten(dim: number, sizes: readonly number[]): Tensor {
    return mv.unflatten(this, dim, sizes);
  }
  narrow(dim: number, start: number, length: number): Tensor {
    return mv.narrow(this, dim, start, length);
  }
  /**
   * PyTorch indexing: `x.index(":", 0)` is `x[:, 0]`. Integers, slice strings, "..." and null give
   * a view; int32 tensors, arrays of integers and bool masks give a copy (advanced indexing).
   */
  index(...specs: IndexSpec[]): Tensor {
    return adv.index(this, ...specs);
  }
  /** Like `index(...)`, on every device (a bool mask on the GPU is read asynchronously). */
  indexAsync(...specs: IndexSpec[]): Promise<Tensor> {
    return adv.indexAsync(this, ...specs);
  }
  /** PyTorch's `x[...] = value` in place: `x.set(i, "0::2", v)` is `x[i, 0::2] = v`. */
  set(...indexAndValue: (IndexSpec | Tensor | number)[]): this {
    return adv.set(this, ...indexAndValue);
  }
  /** Like `set(...)`, on every device (a bool mask on the GPU is read asynchronously). */
  setAsync(...indexAndValue: (IndexSpec | Tensor | number)[]): Promise<this> {
    return adv.setAsync(this, ...indexAndValue);
  }
  /** `x[indices] = values` (or `+=` with `accumulate`), one index tensor per leading dim. */
  indexPut_(
    indices: readonly (Tensor | IndexArray | null)[],
    values: Tensor | number,
    opts?: adv.IndexPutOptions,
  ): this {
    return adv.indexPut_(this, indices, values, opts);
  }
  /** `indexPut_` out of place. */
  indexPut(
    indices: readonly (Tensor | IndexArray | null)[],
    values: Tensor | number,
    opts?: adv.IndexPutOptions,
  ): Tensor {
    return adv.indexPut(this, indices, values, opts);
  }
  flip(dims: number | readonly number[]): Tensor {
    return ix.flip(this, dims);
  }
  repeat(...sizes: (number | readonly number[])[]): Tensor {
    return ra.repeat(this, ...sizes);
  }
  tile(dims: readonly number[]): Tensor {
    return ra.tile(this, dims);
  }
  roll(shifts: number | readonly number[], dims?: number | readonly number[]): Tensor {
    return ra.roll(this, shifts, dims);
  }
  movedim(source: number | readonly number[], destination: number | readonly number[]): Tensor {
    return ra.movedim(this, source, destination);
  }
  swapaxes(axis0: number, axis1: number): Tensor {
    return ra.swapaxes(this, axis0, axis1);
  }
  swapdims(dim0: number, dim1: number): Tensor {
    return ra.swapaxes(this, dim0, dim1);
  }
  /** The `offset` diagonal of dims `dim1`, `dim2`, as a view in the last dim. */
  diagonal(offset = 0, dim1 = 0, dim2 = 1): Tensor {
    return ra.diagonal(this, offset, dim1, dim2);
  }
  diag(diagonal = 0): Tensor {
    return ra.diag(this, diagonal);
  }
  trace(): Tensor {
    return ra.trace(this);
  }
  /** A contiguous tensor with these elements (an alias sharing the storage when this one is). */
  contiguous(): Tensor {
    return aliasIfSame(this, mv.contiguous(this));
  }
  clone(): Tensor {
    return mv.clone(this);
  }
  split(splitSize: number | readonly number[], dim = 0): Tensor[] {
    return mv.split(this, splitSize, dim);
  }
  chunk(chunks: number, dim = 0): Tensor[] {
    return mv.chunk(this, chunks, dim);
  }
  unbind(dim = 0): Tensor[] {
    return mv.unbind(this, dim);
  }

  // ---- indexing ----
  gather(dim: number, index: Tensor): Tensor {
    return ix.gather(this, dim, index);
  }
  indexSelect(dim: number, index: Tensor): Tensor {
    return ix.indexSelect(this, dim, index);
  }
  scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor {
    return ix.scatterAdd(this, dim, index, src);
  }
  scatterAdd_(dim: number, index: Tensor, src: Tensor): this {
    return sc.scatterAdd_(this, dim, index, src);
  }
  /** `src`'s elements (or a value) written at `index` along `dim` (PyTorch's `scatter`). */
  scatter(dim: number, index: Tensor, src: Tensor | number, opts?: sc.ScatterOptions): Tensor {
    return sc.scatter(this, dim, index, src, opts);
  }
  scatter_(dim: number, index: Tensor, src: Tensor | number, opts?: sc.ScatterOptions): this {
    return sc.scatter_(this, dim, index, src, opts);
  }
  /** `src` reduced into this tensor at `index` along `dim`: sum, prod, mean, amax or amin. */
  scatterReduce(
    dim: number,
    index: Tensor,
    src: Tensor,
    reduce: sc.ScatterReduction,
    opts?: sc.ScatterReduceOptions,
  ): Tensor {
    return sc.scatterReduce(this, dim, index, src, reduce, opts);
  }
  scatterReduce_(
    dim: number,
    index: Tensor,
    src: Tensor,
    reduce: sc.ScatterReduction,
    opts?: sc.ScatterReduceOptions,
  ): this {
    return sc.scatterReduce_(this, dim, index, src, reduce, opts);
  }
  /** `source`'s slices along `dim` copied to the positions `index`. */
  indexCopy(dim: number, index: Tensor, source: Tensor): Tensor {
    return sc.indexCopy(this, dim, index, source);
  }
  indexCopy_(dim: number, index: Tensor, source: Tensor): this {
    return sc.indexCopy_(this, dim, index, source);
  }
  /** The slices along `dim` at `index` set to `value`. */
  indexFill(dim: number, index: Tensor, value: number | Tensor): Tensor {
    return sc.indexFill(this, dim, index, value);
  }
  indexFill_(dim: number, index: Tensor, value: number | Tensor): this {
    return sc.indexFill_(this, dim, index, value);
  }
  /** `source`'s slices along `dim` (times `alpha`) added at the positions `index`. */
  indexAdd(dim: number, index: Tensor, source: Tensor, opts?: sc.IndexAddOptions): Tensor {
    return sc.indexAdd(this, dim, index, source, opts);
  }
  indexAdd_(dim: number, index: Tensor, source: Tensor, opts?: sc.IndexAddOptions): this {
    return sc.indexAdd_(this, dim, index, source, opts);
  }
  tril(diagonal = 0): Tensor {
    return ix.tril(this, diagonal);
  }
  triu(diagonal = 0): Tensor {
    return ix.triu(this, diagonal);
  }

  // ---- linear algebra ----
  matmul(other: Tensor): Tensor {
    return mm.matmul(this, other);
  }
  mm(other: Tensor): Tensor {
    return mm.mm(this, other);
  }
  bmm(other: Tensor): Tensor {
    return mm.bmm(this, other);
  }
  dot(other: Tensor): Tensor {
    return mm.dot(this, other);
  }
  outer(other: Tensor): Tensor {
    return mm.outer(this, other);
  }

  // ---- in place ----
  add_(other: TensorOrScalar, opts?: { alpha?: number }): this {
    return inplace.assignResult(this, "add_", ew.add(this, other, opts));
  }
  sub_(other: TensorOrScalar, opts?: { alpha?: number }): this {
    return inplace.assignResult(this, "sub_", ew.sub(this, other, opts));
  }
  mul_(other: TensorOrScalar): this {
    return inplace.assignResult(this, "mul_", ew.mul(this, other));
  }
  div_(other: TensorOrScalar): this {
    return inplace.assignResult(this, "div_", ew.div(this, other));
  }
  clamp_(min?: number | null, max?: number | null): this {
    return inplace.assignResult(this, "clamp_", ew.clamp(this, min, max));
  }
  pow_(exponent: TensorOrScalar): this {
    return inplace.assignResult(this, "pow_", ew.pow(this, exponent));
  }
  neg_(): this {
    return inplace.assignResult(this, "neg_", ew.neg(this));
  }
  abs_(): this {
    return inplace.assignResult(this, "abs_", ew.abs(this));
  }
  exp_(): this {
    return inplace.assignResult(this, "exp_", ew.exp(this));
  }
  log_(): this {
    return inplace.assignResult(this, "log_", ew.log(this));
  }
  sqrt_(): this {
    return inplace.assignResult(this, "sqrt_", ew.sqrt(this));
  }
  sigmoid_(): this {
    return inplace.assignResult(this, "sigmoid_", ew.sigmoid(this));
  }
  tanh_(): this {
    return inplace.assignResult(this, "tanh_", ew.tanh(this));
  }
  relu_(): this {
    return inplace.assignResult(this, "relu_", ew.relu(this));
  }
  floor_(): this {
    return inplace.assignResult(this, "floor_", ew.floor(this));
  }
  ceil_(): this {
    return inplace.assignResult(this, "ceil_", ew.ceil(this));
  }
  round_(): this {
    return inplace.assignResult(this, "round_", ew.round(this));
  }
  trunc_(): this {
    return inplace.assignResult(this, "trunc_", pw.trunc(this));
  }
  maskedFill_(mask: Tensor, value: number): this {
    return inplace.assignResult(this, "maskedFill_", ew.maskedFill(this, mask, value));
  }
  lerp_(end: Tensor, weight: TensorOrScalar): this {
    return inplace.assignResult(this, "lerp_", pw.lerp(this, end, weight));
  }
  addcmul_(tensor1: Tensor, tensor2: Tensor, opts?: pw.AddcOptions): this {
    return inplace.assignResult(this, "addcmul_", pw.addcmul(this, tensor1, tensor2, opts));
  }
  addcdiv_(tensor1: Tensor, tensor2: Tensor, opts?: pw.AddcOptions): this {
    return inplace.assignResult(this, "addcdiv_", pw.addcdiv(this, tensor1, tensor2, opts));
  }
  /** Sets every element to `value`. */
  fill_(value: number | Tensor): this {
    return inplace.fill_(this, value);
  }
  /** Sets every element to 0. */
  zero_(): this {
    return inplace.fill_(this, 0);
  }
  /** Copies `src` (broadcast to this shape, converted to this dtype) into this tensor. */
  copy_(src: Tensor): this {
    return inplace.copy_(this, src);
  }

  // ---- PyTorch's small conveniences ----
  /** Number of dimensions (PyTorch's `x.dim()`; same as `ndim`). */
  dim(): number {
    return this.ndim;
  }
  /** The elements as nested arrays: PyTorch's name for `toArray()`. CPU only; see toArrayAsync. */
  tolist(): NestedArray {
    return this.toArray();
  }

  // ---- random fills (PyTorch's CPU streams; see ops/random_fill.ts) ----
  /** Fills with samples of U(from, to) in place. */
  uniform_(from = 0, to = 1, opts?: rnd.FillOptions): this {
    return rnd.uniform_(this, from, to, opts);
  }
  /** Fills with samples of N(mean, std²) in place. */
  normal_(mean = 0, std = 1, opts?: rnd.FillOptions): this {
    return rnd.normal_(this, mean, std, opts);
  }
  /** Fills with 1 with probability `p` (a number or a tensor of probabilities), else 0, in place. */
  bernoulli_(p: number | Tensor = 0.5, opts?: rnd.FillOptions): this {
    return rnd.bernoulli_(this, p, opts);
  }
  /** Samples 0/1 with this tensor's elements as probabilities (`torch.bernoulli(x)`). */
  bernoulli(opts?: rnd.FillOptions): Tensor {
    return rnd.bernoulli(this, opts);
  }
  /** Fills with exponential samples of rate `lambd` in place. */
  exponential_(lambd = 1, opts?: rnd.FillOptions): this {
    return rnd.exponential_(this, lambd, opts);
  }
  /** Fills with random integers in place: `random_()`, `random_(to)` or `random_(from, to)`. */
  random_(...args: (number | rnd.FillOptions)[]): this {
    return rnd.random_(this, ...args);
  }
  /** Category indices drawn with this tensor's rows as weights (`torch.multinomial(x, n)`). */
  multinomial(numSamples: number, opts?: rnd.MultinomialOptions): Tensor {
    return rnd.multinomial(this, numSamples, opts);
  }
}
