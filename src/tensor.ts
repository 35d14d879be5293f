/**
 * `Tensor`: a view (shape, strides, offset) over a backend `Storage`, with autograd state.
 * Methods are one-liners over `ops/`.
 *
 * The one import circle of the library is deliberate: `Tensor`'s methods call their ops
 * (`x.add(y)` is `ops/elementwise.ts`'s `add`), and the ops, autograd and `creation.ts` build
 * tensors. Ops import `Tensor` only as a value where they construct one or test `instanceof`;
 * everything else (nn, optim, data, io) sits above the circle and imports it one way.
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
  /** Element type of the result (default: unchanged). */
  dtype?: DType;
  /** Device of the result (default: unchanged). */
  device?: Device;
}

/**
 * A multi-dimensional array with autograd, in PyTorch's model.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * const x = torch.tensor([[1, 2], [3, 4]], { dtype: "float32", requiresGrad: true });
 * const y = x.mul(x).sum();
 * y.backward();
 * assertEquals(x.grad!.toArray(), [[2, 4], [6, 8]]);
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
  /** The size of dimension `dim` (negative counts from the end). */
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
  /** `torch.add(this, other, opts)`. */
  add(other: TensorOrScalar, opts?: { alpha?: number }): Tensor {
    return ew.add(this, other, opts);
  }
  /** `torch.sub(this, other, opts)`. */
  sub(other: TensorOrScalar, opts?: { alpha?: number }): Tensor {
    return ew.sub(this, other, opts);
  }
  /** `torch.mul(this, other)`. */
  mul(other: TensorOrScalar): Tensor {
    return ew.mul(this, other);
  }
  /** `this / other`; with `{ roundingMode: "trunc" | "floor" }` the rounded quotient, as `torch.div`. */
  div(other: TensorOrScalar, opts?: dvs.DivOptions): Tensor {
    return opts === undefined ? ew.div(this, other) : dvs.div(this, other, opts);
  }
  /** `torch.pow(this, exponent)`. */
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
  /** `torch.maximum(this, other)`. */
  maximum(other: TensorOrScalar): Tensor {
    return ew.maximum(this, other);
  }
  /** `torch.minimum(this, other)`. */
  minimum(other: TensorOrScalar): Tensor {
    return ew.minimum(this, other);
  }
  /** `torch.eq(this, other)`. */
  eq(other: TensorOrScalar): Tensor {
    return ew.eq(this, other);
  }
  /** `torch.ne(this, other)`. */
  ne(other: TensorOrScalar): Tensor {
    return ew.ne(this, other);
  }
  /** `torch.lt(this, other)`. */
  lt(other: TensorOrScalar): Tensor {
    return ew.lt(this, other);
  }
  /** `torch.le(this, other)`. */
  le(other: TensorOrScalar): Tensor {
    return ew.le(this, other);
  }
  /** `torch.gt(this, other)`. */
  gt(other: TensorOrScalar): Tensor {
    return ew.gt(this, other);
  }
  /** `torch.ge(this, other)`. */
  ge(other: TensorOrScalar): Tensor {
    return ew.ge(this, other);
  }
  /** `torch.neg(this)`. */
  neg(): Tensor {
    return ew.neg(this);
  }
  /** `torch.abs(this)`. */
  abs(): Tensor {
    return ew.abs(this);
  }
  /** `torch.exp(this)`. */
  exp(): Tensor {
    return ew.exp(this);
  }
  /** `torch.log(this)`. */
  log(): Tensor {
    return ew.log(this);
  }
  /** `torch.log1p(this)`. */
  log1p(): Tensor {
    return ew.log1p(this);
  }
  /** `torch.sqrt(this)`. */
  sqrt(): Tensor {
    return ew.sqrt(this);
  }
  /** `torch.rsqrt(this)`. */
  rsqrt(): Tensor {
    return ew.rsqrt(this);
  }
  /** `torch.sin(this)`. */
  sin(): Tensor {
    return ew.sin(this);
  }
  /** `torch.cos(this)`. */
  cos(): Tensor {
    return ew.cos(this);
  }
  /** `torch.tanh(this)`. */
  tanh(): Tensor {
    return ew.tanh(this);
  }
  /** `torch.sigmoid(this)`. */
  sigmoid(): Tensor {
    return ew.sigmoid(this);
  }
  /** `torch.relu(this)`. */
  relu(): Tensor {
    return ew.relu(this);
  }
  /** `torch.sign(this)`. */
  sign(): Tensor {
    return ew.sign(this);
  }
  /** `torch.floor(this)`. */
  floor(): Tensor {
    return ew.floor(this);
  }
  /** `torch.ceil(this)`. */
  ceil(): Tensor {
    return ew.ceil(this);
  }
  /** `torch.round(this)`. */
  round(): Tensor {
    return ew.round(this);
  }
  /** `torch.trunc(this)`. */
  trunc(): Tensor {
    return pw.trunc(this);
  }
  /** `torch.frac(this)`. */
  frac(): Tensor {
    return pw.frac(this);
  }
  /** `torch.tan(this)`. */
  tan(): Tensor {
    return pw.tan(this);
  }
  /** `torch.log2(this)`. */
  log2(): Tensor {
    return pw.log2(this);
  }
  /** `torch.log10(this)`. */
  log10(): Tensor {
    return pw.log10(this);
  }
  /** `torch.exp2(this)`. */
  exp2(): Tensor {
    return pw.exp2(this);
  }
  /** `torch.expm1(this)`. */
  expm1(): Tensor {
    return pw.expm1(this);
  }
  /** `torch.lerp(this, end, weight)`. */
  lerp(end: Tensor, weight: TensorOrScalar): Tensor {
    return pw.lerp(this, end, weight);
  }
  /** `torch.addcmul(this, tensor1, tensor2, opts)`. */
  addcmul(tensor1: Tensor, tensor2: Tensor, opts?: pw.AddcOptions): Tensor {
    return pw.addcmul(this, tensor1, tensor2, opts);
  }
  /** `torch.addcdiv(this, tensor1, tensor2, opts)`. */
  addcdiv(tensor1: Tensor, tensor2: Tensor, opts?: pw.AddcOptions): Tensor {
    return pw.addcdiv(this, tensor1, tensor2, opts);
  }
  /** `torch.isnan(this)`. */
  isnan(): Tensor {
    return lg.isnan(this);
  }
  /** `torch.isinf(this)`. */
  isinf(): Tensor {
    return lg.isinf(this);
  }
  /** `torch.isposinf(this)`. */
  isposinf(): Tensor {
    return lg.isposinf(this);
  }
  /** `torch.isneginf(this)`. */
  isneginf(): Tensor {
    return lg.isneginf(this);
  }
  /** `torch.isfinite(this)`. */
  isfinite(): Tensor {
    return lg.isfinite(this);
  }
  /** `torch.logicalNot(this)`. */
  logicalNot(): Tensor {
    return lg.logicalNot(this);
  }
  /** `torch.logicalAnd(this, other)`. */
  logicalAnd(other: Tensor): Tensor {
    return lg.logicalAnd(this, other);
  }
  /** `torch.logicalOr(this, other)`. */
  logicalOr(other: Tensor): Tensor {
    return lg.logicalOr(this, other);
  }
  /** `torch.logicalXor(this, other)`. */
  logicalXor(other: Tensor): Tensor {
    return lg.logicalXor(this, other);
  }
  /** `torch.isclose(this, other, opts)`. */
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
  /** `torch.mul(this, this)`. */
  square(): Tensor {
    return ew.mul(this, this);
  }
  /** `torch.div(1, this)`. */
  reciprocal(): Tensor {
    return ew.div(1, this);
  }
  /** `torch.clamp(this, min, max)`. */
  clamp(min?: number | null, max?: number | null): Tensor {
    return ew.clamp(this, min, max);
  }
  /** `torch.where(condition, this, other)`. */
  where(condition: Tensor, other: TensorOrScalar): Tensor {
    return ew.where(condition, this, other);
  }
  /** `torch.maskedFill(this, mask, value)`. */
  maskedFill(mask: Tensor, value: number): Tensor {
    return ew.maskedFill(this, mask, value);
  }

  // ---- reductions ----
  /** `torch.sum(this, dim, opts)`. */
  sum(dim?: DimArg | ReduceOptions, opts?: ReduceOptions): Tensor {
    return red.sum(this, dim, opts);
  }
  /** `torch.mean(this, dim, opts)`. */
  mean(dim?: DimArg | ReduceOptions, opts?: ReduceOptions): Tensor {
    return red.mean(this, dim, opts);
  }
  /** `torch.prod(this, dim, opts)`. */
  prod(dim?: number | ReduceOptions, opts?: ReduceOptions): Tensor {
    return red.prod(this, dim, opts);
  }
  /** Without a dim: the maximum value. With a dim: `{ values, indices }`. */
  max(): Tensor;
  /** The maximum along `dim` and its int32 index: `{ values, indices }`. */
  max(dim: number, opts?: ReduceOptions): red.ValuesIndices;
  /** The elementwise maximum with `other`, as `torch.maximum`. */
  max(other: Tensor): Tensor;
  max(dim?: number | Tensor, opts?: ReduceOptions): Tensor | red.ValuesIndices {
    if (dim instanceof Tensor) return ew.maximum(this, dim);
    return dim === undefined ? named(red.amax(this), "MaxBackward1", this) : red.max(this, dim, opts);
  }
  /** Without a dim: the minimum value. With a dim: `{ values, indices }`. */
  min(): Tensor;
  /** The minimum along `dim` and its int32 index: `{ values, indices }`. */
  min(dim: number, opts?: ReduceOptions): red.ValuesIndices;
  /** The elementwise minimum with `other`, as `torch.minimum`. */
  min(other: Tensor): Tensor;
  min(dim?: number | Tensor, opts?: ReduceOptions): Tensor | red.ValuesIndices {
    if (dim instanceof Tensor) return ew.minimum(this, dim);
    return dim === undefined ? named(red.amin(this), "MinBackward1", this) : red.min(this, dim, opts);
  }
  /** `torch.amax(this, dim, opts)`. */
  amax(dim?: DimArg | ReduceOptions, opts?: ReduceOptions): Tensor {
    return red.amax(this, dim, opts);
  }
  /** `torch.amin(this, dim, opts)`. */
  amin(dim?: DimArg | ReduceOptions, opts?: ReduceOptions): Tensor {
    return red.amin(this, dim, opts);
  }
  /** `torch.argmax(this, dim, opts)`. */
  argmax(dim?: number | ReduceOptions, opts?: ReduceOptions): Tensor {
    return red.argmax(this, dim, opts);
  }
  /** `torch.argmin(this, dim, opts)`. */
  argmin(dim?: number | ReduceOptions, opts?: ReduceOptions): Tensor {
    return red.argmin(this, dim, opts);
  }
  /** `torch.var(this, dim, opts)`. */
  var(dim?: DimArg | red.VarOptions, opts?: red.VarOptions): Tensor {
    return red.variance(this, dim, opts);
  }
  /** `torch.std(this, dim, opts)`. */
  std(dim?: DimArg | red.VarOptions, opts?: red.VarOptions): Tensor {
    return red.std(this, dim, opts);
  }
  /** `torch.logsumexp(this, dim, opts)`. */
  logsumexp(dim: DimArg, opts?: ReduceOptions): Tensor {
    return red.logsumexp(this, dim, opts);
  }
  /** `torch.softmax(this, dim)`. */
  softmax(dim: number): Tensor {
    return red.softmax(this, dim);
  }
  /** `torch.logSoftmax(this, dim)`. */
  logSoftmax(dim: number): Tensor {
    return red.logSoftmax(this, dim);
  }
  /** `torch.norm(this, p, dim, opts)`. */
  norm(p?: number, dim?: DimArg, opts?: ReduceOptions): Tensor {
    return red.norm(this, p, dim, opts);
  }
  /** `torch.all(this, dim, opts)`. */
  all(dim?: number | ReduceOptions, opts?: ReduceOptions): Tensor {
    return red.all(this, dim, opts);
  }
  /** `torch.any(this, dim, opts)`. */
  any(dim?: number | ReduceOptions, opts?: ReduceOptions): Tensor {
    return red.any(this, dim, opts);
  }
  /** `torch.cumsum(this, dim)`. */
  cumsum(dim: number): Tensor {
    return red.cumsum(this, dim);
  }
  /** Inclusive running product along `dim`, as `torch.cumprod`. */
  cumprod(dim: number): Tensor {
    return cml.cumprod(this, dim);
  }
  /** The sorted unique elements (or slices along `dim`), as `torch.unique` (CPU; see uniqueAsync). */
  unique(opts?: unq.UniqueOptions & { returnInverse?: false; returnCounts?: false }): Tensor;
  /** With `returnInverse` and `returnCounts`: `[values, inverse, counts]`. */
  unique(opts: unq.UniqueOptions & { returnInverse: true; returnCounts: true }): [Tensor, Tensor, Tensor];
  /** With `returnInverse` or `returnCounts`: `[values, inverse]` or `[values, counts]`. */
  unique(opts: unq.UniqueOptions & ({ returnInverse: true } | { returnCounts: true })): [Tensor, Tensor];
  /** The unique values, with the inverse and counts when the options ask for them. */
  unique(opts?: unq.UniqueOptions): Tensor | Tensor[];
  unique(opts?: unq.UniqueOptions): Tensor | Tensor[] {
    return unq.unique(this, opts);
  }
  /** {@link unique} on every device. */
  uniqueAsync(opts?: unq.UniqueOptions & { returnInverse?: false; returnCounts?: false }): Promise<Tensor>;
  /** With `returnInverse` and `returnCounts`: `[values, inverse, counts]`. */
  uniqueAsync(
    opts: unq.UniqueOptions & { returnInverse: true; returnCounts: true },
  ): Promise<[Tensor, Tensor, Tensor]>;
  /** With `returnInverse` or `returnCounts`: `[values, inverse]` or `[values, counts]`. */
  uniqueAsync(
    opts: unq.UniqueOptions & ({ returnInverse: true } | { returnCounts: true }),
  ): Promise<[Tensor, Tensor]>;
  /** The unique values, with the inverse and counts when the options ask for them. */
  uniqueAsync(opts?: unq.UniqueOptions): Promise<Tensor | Tensor[]>;
  uniqueAsync(opts?: unq.UniqueOptions): Promise<Tensor | Tensor[]> {
    return unq.uniqueAsync(this, opts);
  }
  /** Sorted along a dim (default the last): `{ values, indices }`, stable, NaN as the largest. */
  sort(dim?: number | srt.SortOptions, opts?: srt.SortOptions): red.ValuesIndices {
    return srt.sort(this, dim, opts);
  }
  /** `torch.argsort(this, dim, opts)`. */
  argsort(dim?: number | srt.SortOptions, opts?: srt.SortOptions): Tensor {
    return srt.argsort(this, dim, opts);
  }
  /** Coordinates of the nonzero elements, `[count, ndim]` int32 (CPU; see nonzeroAsync). */
  nonzero(): Tensor {
    return sel.nonzero(this);
  }
  /** `torch.nonzeroAsync(this)`. */
  nonzeroAsync(): Promise<Tensor> {
    return sel.nonzeroAsync(this);
  }
  /** `torch.argwhere(this)`. */
  argwhere(): Tensor {
    return sel.argwhere(this);
  }
  /** PyTorch's `x[mask]`: the elements where `mask` is true, 1-d (CPU; see maskedSelectAsync). */
  maskedSelect(mask: Tensor): Tensor {
    return sel.maskedSelect(this, mask);
  }
  /** `torch.maskedSelectAsync(this, mask)`. */
  maskedSelectAsync(mask: Tensor): Promise<Tensor> {
    return sel.maskedSelectAsync(this, mask);
  }
  /** `torch.countNonzero(this, dim)`. */
  countNonzero(dim?: DimArg | ReduceOptions): Tensor {
    return sel.countNonzero(this, dim);
  }
  /** The `k` largest (or, with `largest: false`, smallest) along a dim: `{ values, indices }`. */
  topk(k: number, dim?: number | srt.TopkOptions, opts?: srt.TopkOptions): red.ValuesIndices {
    return srt.topk(this, k, dim, opts);
  }

  // ---- movement (views) ----
  /** `torch.view(this, ...shape)`. */
  view(...shape: (number | readonly number[])[]): Tensor {
    return mv.view(this, ...shape);
  }
  /** `torch.reshape(this, ...shape)`. */
  reshape(...shape: (number | readonly number[])[]): Tensor {
    return mv.reshape(this, ...shape);
  }
  /** `torch.view(this, other.shape)`. */
  viewAs(other: Tensor): Tensor {
    return mv.view(this, other.shape);
  }
  /** `torch.reshape(this, other.shape)`. */
  reshapeAs(other: Tensor): Tensor {
    return mv.reshape(this, other.shape);
  }
  /** `torch.transpose(this, dim0, dim1)`. */
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
  /** `torch.t(this)`. */
  t(): Tensor {
    return mv.t(this);
  }
  /** `torch.permute(this, ...dims)`. */
  permute(...dims: (number | readonly number[])[]): Tensor {
    return mv.permute(this, ...dims);
  }
  /** `torch.squeeze(this, dim)`. */
  squeeze(dim?: number | readonly number[]): Tensor {
    return mv.squeeze(this, dim);
  }
  /** `torch.unsqueeze(this, dim)`. */
  unsqueeze(dim: number): Tensor {
    return mv.unsqueeze(this, dim);
  }
  /** `torch.expand(this, ...shape)`. */
  expand(...shape: (number | readonly number[])[]): Tensor {
    return mv.expand(this, ...shape);
  }
  /** `torch.expand(this, other.shape)`. */
  expandAs(other: Tensor): Tensor {
    return mv.expand(this, other.shape);
  }
  /** `torch.flatten(this, startDim, endDim)`. */
  flatten(startDim = 0, endDim = -1): Tensor {
    return mv.flatten(this, startDim, endDim);
  }
  /** `torch.unflatten(this, dim, sizes)`. */
  unflatten(dim: number, sizes: readonly number[]): Tensor {
    return mv.unflatten(this, dim, sizes);
  }
  /** `torch.narrow(this, dim, start, length)`. */
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
  /** `torch.flip(this, dims)`. */
  flip(dims: number | readonly number[]): Tensor {
    return ix.flip(this, dims);
  }
  /** `torch.repeat(this, ...sizes)`: tiles the tensor `sizes[i]` times along each dim. */
  repeat(...sizes: (number | readonly number[])[]): Tensor {
    return ra.repeat(this, ...sizes);
  }
  /** `torch.tile(this, dims)`. */
  tile(dims: readonly number[]): Tensor {
    return ra.tile(this, dims);
  }
  /** `torch.roll(this, shifts, dims)`: elements shifted cyclically. */
  roll(shifts: number | readonly number[], dims?: number | readonly number[]): Tensor {
    return ra.roll(this, shifts, dims);
  }
  /** `torch.movedim(this, source, destination)`. */
  movedim(source: number | readonly number[], destination: number | readonly number[]): Tensor {
    return ra.movedim(this, source, destination);
  }
  /** `torch.swapaxes(this, axis0, axis1)` (a transpose of two dims). */
  swapaxes(axis0: number, axis1: number): Tensor {
    return ra.swapaxes(this, axis0, axis1);
  }
  /** `torch.swapdims(this, dim0, dim1)` (a transpose of two dims). */
  swapdims(dim0: number, dim1: number): Tensor {
    return ra.swapaxes(this, dim0, dim1);
  }
  /** The `offset` diagonal of dims `dim1`, `dim2`, as a view in the last dim. */
  diagonal(offset = 0, dim1 = 0, dim2 = 1): Tensor {
    return ra.diagonal(this, offset, dim1, dim2);
  }
  /** `torch.diag(this, diagonal)`: a 1-d tensor's diagonal matrix, or a matrix's diagonal. */
  diag(diagonal = 0): Tensor {
    return ra.diag(this, diagonal);
  }
  /** `torch.trace(this)`: the sum of a matrix's diagonal. */
  trace(): Tensor {
    return ra.trace(this);
  }
  /** A contiguous tensor with these elements (an alias sharing the storage when this one is). */
  contiguous(): Tensor {
    return aliasIfSame(this, mv.contiguous(this));
  }
  /** `torch.clone(this)`. */
  clone(): Tensor {
    return mv.clone(this);
  }
  /** `torch.split(this, splitSize, dim)`. */
  split(splitSize: number | readonly number[], dim = 0): Tensor[] {
    return mv.split(this, splitSize, dim);
  }
  /** `torch.chunk(this, chunks, dim)`. */
  chunk(chunks: number, dim = 0): Tensor[] {
    return mv.chunk(this, chunks, dim);
  }
  /** `torch.unbind(this, dim)`. */
  unbind(dim = 0): Tensor[] {
    return mv.unbind(this, dim);
  }

  // ---- indexing ----
  /** `torch.gather(this, dim, index)`. */
  gather(dim: number, index: Tensor): Tensor {
    return ix.gather(this, dim, index);
  }
  /** `torch.indexSelect(this, dim, index)`. */
  indexSelect(dim: number, index: Tensor): Tensor {
    return ix.indexSelect(this, dim, index);
  }
  /** `torch.scatterAdd(this, dim, index, src)`. */
  scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor {
    return ix.scatterAdd(this, dim, index, src);
  }
  /** `torch.scatterAdd_(this, dim, index, src)`. */
  scatterAdd_(dim: number, index: Tensor, src: Tensor): this {
    return sc.scatterAdd_(this, dim, index, src);
  }
  /** `src`'s elements (or a value) written at `index` along `dim` (PyTorch's `scatter`). */
  scatter(dim: number, index: Tensor, src: Tensor | number, opts?: sc.ScatterOptions): Tensor {
    return sc.scatter(this, dim, index, src, opts);
  }
  /** `torch.scatter_(this, dim, index, src, opts)`. */
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
  /** In place: `torch.scatterReduce` of `src` into this tensor along `dim`; returns this tensor. */
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
  /** `torch.indexCopy_(this, dim, index, source)`. */
  indexCopy_(dim: number, index: Tensor, source: Tensor): this {
    return sc.indexCopy_(this, dim, index, source);
  }
  /** The slices along `dim` at `index` set to `value`. */
  indexFill(dim: number, index: Tensor, value: number | Tensor): Tensor {
    return sc.indexFill(this, dim, index, value);
  }
  /** `torch.indexFill_(this, dim, index, value)`. */
  indexFill_(dim: number, index: Tensor, value: number | Tensor): this {
    return sc.indexFill_(this, dim, index, value);
  }
  /** `source`'s slices along `dim` (times `alpha`) added at the positions `index`. */
  indexAdd(dim: number, index: Tensor, source: Tensor, opts?: sc.IndexAddOptions): Tensor {
    return sc.indexAdd(this, dim, index, source, opts);
  }
  /** `torch.indexAdd_(this, dim, index, source, opts)`. */
  indexAdd_(dim: number, index: Tensor, source: Tensor, opts?: sc.IndexAddOptions): this {
    return sc.indexAdd_(this, dim, index, source, opts);
  }
  /** `torch.tril(this, diagonal)`. */
  tril(diagonal = 0): Tensor {
    return ix.tril(this, diagonal);
  }
  /** `torch.triu(this, diagonal)`. */
  triu(diagonal = 0): Tensor {
    return ix.triu(this, diagonal);
  }

  // ---- linear algebra ----
  /** `torch.matmul(this, other)`. */
  matmul(other: Tensor): Tensor {
    return mm.matmul(this, other);
  }
  /** `torch.mm(this, other)`. */
  mm(other: Tensor): Tensor {
    return mm.mm(this, other);
  }
  /** `torch.bmm(this, other)`. */
  bmm(other: Tensor): Tensor {
    return mm.bmm(this, other);
  }
  /** `torch.dot(this, other)`. */
  dot(other: Tensor): Tensor {
    return mm.dot(this, other);
  }
  /** `torch.outer(this, other)`. */
  outer(other: Tensor): Tensor {
    return mm.outer(this, other);
  }

  // ---- in place ----
  /** In place: writes `torch.add(this, other, opts)` into this tensor and returns it. */
  add_(other: TensorOrScalar, opts?: { alpha?: number }): this {
    return inplace.assignResult(this, "add_", ew.add(this, other, opts));
  }
  /** In place: writes `torch.sub(this, other, opts)` into this tensor and returns it. */
  sub_(other: TensorOrScalar, opts?: { alpha?: number }): this {
    return inplace.assignResult(this, "sub_", ew.sub(this, other, opts));
  }
  /** In place: writes `torch.mul(this, other)` into this tensor and returns it. */
  mul_(other: TensorOrScalar): this {
    return inplace.assignResult(this, "mul_", ew.mul(this, other));
  }
  /** In place: writes `torch.div(this, other)` into this tensor and returns it. */
  div_(other: TensorOrScalar): this {
    return inplace.assignResult(this, "div_", ew.div(this, other));
  }
  /** In place: writes `torch.clamp(this, min, max)` into this tensor and returns it. */
  clamp_(min?: number | null, max?: number | null): this {
    return inplace.assignResult(this, "clamp_", ew.clamp(this, min, max));
  }
  /** In place: writes `torch.pow(this, exponent)` into this tensor and returns it. */
  pow_(exponent: TensorOrScalar): this {
    return inplace.assignResult(this, "pow_", ew.pow(this, exponent));
  }
  /** In place: writes `torch.neg(this)` into this tensor and returns it. */
  neg_(): this {
    return inplace.assignResult(this, "neg_", ew.neg(this));
  }
  /** In place: writes `torch.abs(this)` into this tensor and returns it. */
  abs_(): this {
    return inplace.assignResult(this, "abs_", ew.abs(this));
  }
  /** In place: writes `torch.exp(this)` into this tensor and returns it. */
  exp_(): this {
    return inplace.assignResult(this, "exp_", ew.exp(this));
  }
  /** In place: writes `torch.log(this)` into this tensor and returns it. */
  log_(): this {
    return inplace.assignResult(this, "log_", ew.log(this));
  }
  /** In place: writes `torch.sqrt(this)` into this tensor and returns it. */
  sqrt_(): this {
    return inplace.assignResult(this, "sqrt_", ew.sqrt(this));
  }
  /** In place: writes `torch.sigmoid(this)` into this tensor and returns it. */
  sigmoid_(): this {
    return inplace.assignResult(this, "sigmoid_", ew.sigmoid(this));
  }
  /** In place: writes `torch.tanh(this)` into this tensor and returns it. */
  tanh_(): this {
    return inplace.assignResult(this, "tanh_", ew.tanh(this));
  }
  /** In place: writes `torch.relu(this)` into this tensor and returns it. */
  relu_(): this {
    return inplace.assignResult(this, "relu_", ew.relu(this));
  }
  /** In place: writes `torch.floor(this)` into this tensor and returns it. */
  floor_(): this {
    return inplace.assignResult(this, "floor_", ew.floor(this));
  }
  /** In place: writes `torch.ceil(this)` into this tensor and returns it. */
  ceil_(): this {
    return inplace.assignResult(this, "ceil_", ew.ceil(this));
  }
  /** In place: writes `torch.round(this)` into this tensor and returns it. */
  round_(): this {
    return inplace.assignResult(this, "round_", ew.round(this));
  }
  /** In place: writes `torch.trunc(this)` into this tensor and returns it. */
  trunc_(): this {
    return inplace.assignResult(this, "trunc_", pw.trunc(this));
  }
  /** In place: writes `torch.maskedFill(this, mask, value)` into this tensor and returns it. */
  maskedFill_(mask: Tensor, value: number): this {
    return inplace.assignResult(this, "maskedFill_", ew.maskedFill(this, mask, value));
  }
  /** In place: writes `torch.lerp(this, end, weight)` into this tensor and returns it. */
  lerp_(end: Tensor, weight: TensorOrScalar): this {
    return inplace.assignResult(this, "lerp_", pw.lerp(this, end, weight));
  }
  /** In place: writes `torch.addcmul(this, tensor1, tensor2, opts)` into this tensor and returns it. */
  addcmul_(tensor1: Tensor, tensor2: Tensor, opts?: pw.AddcOptions): this {
    return inplace.assignResult(this, "addcmul_", pw.addcmul(this, tensor1, tensor2, opts));
  }
  /** In place: writes `torch.addcdiv(this, tensor1, tensor2, opts)` into this tensor and returns it. */
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
