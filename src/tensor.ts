/**
 * `Tensor`: a view (shape, strides, offset) over a backend `Storage`, with autograd state.
 * Methods are one-liners over `ops/`.
 *
 * The class body here holds the tensor itself: its fields and properties, autograd, reading,
 * printing, memory and conversion (and the few overloaded methods, whose overloads a class body
 * types best). The op methods live by family in `tensor_methods/` (`math.ts`, `reduction.ts`,
 * `shape.ts`, `indexing.ts`, `inplace.ts`, `random.ts`): each declares an interface with the
 * methods' signatures and JSDoc (`TensorMathMethods`, ...) and a function giving their bodies.
 * `Tensor`'s interface extends the family interfaces (declaration merging with the class), and the
 * bodies are defined on `Tensor.prototype` below, non-enumerable as a class body defines them. Why
 * not `declare module` augmentation from the family files: `deno doc` (and so JSR) does not show
 * augmented members, so the methods would vanish from the docs and from `deno doc --lint`; the
 * family interfaces are public, documented types instead, exported from `mod.ts`.
 *
 * The one import circle of the library is deliberate: `Tensor`'s methods call their ops
 * (`x.add(y)` is `ops/elementwise.ts`'s `add`, through `tensor_methods/math.ts`), and the ops,
 * autograd and `creation.ts` build tensors. Ops import `Tensor` only as a value where they
 * construct one or test `instanceof`; the family files import it only as a type; everything else
 * (nn, optim, data, io) sits above the circle and imports it one way.
 * @module
 */
import type { Device, Storage } from "./backends/backend.ts";
import { backendFor, isDeviceName } from "./backends/registry.ts";
import { type DType, isFloating, ITEM_SIZE } from "./dtype.ts";
import {
  fmtShape,
  frozenContiguousStrides,
  frozenDims,
  isContiguousLayout,
  normDim,
  numelOf,
} from "./shape.ts";
import type { Node } from "./autograd/node.ts";
import { isInferenceModeEnabled } from "./autograd/grad_mode.ts";
import { backward, type BackwardOptions } from "./autograd/backward.ts";
import type { RemovableHandle, TensorHook } from "./autograd/hooks.ts";
import { markRetainGrad, registerTensorHook, type TensorHookEntry } from "./autograd/hook_registry.ts";
import { formatTensor } from "./format.ts";
import { viewAsReal } from "./complex/core.ts";
import { DISPOSED, disposeHandle, inFrameOf, noteHandle, pinHandle, releaseHandle } from "./memory.ts";
import { decodeValues, nestValues } from "./read.ts";
import * as ew from "./ops/elementwise.ts";
import * as red from "./ops/reduce.ts";
import * as mv from "./ops/movement.ts";
import { toDevice, toDeviceAsync, toDType } from "./ops/convert.ts";
import * as unq from "./ops/unique.ts";
import { named } from "./ops/dispatch.ts";
import type { ReduceOptions } from "./ops/reduce.ts";
import { mathMethods, type TensorMathMethods } from "./tensor_methods/math.ts";
import { reductionMethods, type TensorReductionMethods } from "./tensor_methods/reduction.ts";
import { aliasIfSame, shapeMethods, type TensorShapeMethods } from "./tensor_methods/shape.ts";
import { indexingMethods, type TensorIndexingMethods } from "./tensor_methods/indexing.ts";
import { inPlaceMethods, type TensorInPlaceMethods } from "./tensor_methods/inplace.ts";
import { randomMethods, type TensorRandomMethods } from "./tensor_methods/random.ts";
import { randomMoreMethods, type TensorRandomMoreMethods } from "./tensor_methods/random_more.ts";
import { opsMoreMethods, type TensorOpsMoreMethods } from "./tensor_methods/ops_more.ts";
import { statsMethods, type TensorStatsMethods } from "./tensor_methods/stats.ts";
import { shapeMoreMethods, type TensorShapeMoreMethods } from "./tensor_methods/shape_more.ts";
import {
  elementwiseMathMethods,
  type TensorElementwiseMathMethods,
} from "./tensor_methods/elementwise_math.ts";
import { specialMethods, type TensorSpecialMethods } from "./tensor_methods/special.ts";
import { parity2Methods, type TensorParity2Methods } from "./tensor_methods/parity2.ts";
import { inPlaceMoreMethods, type TensorInPlaceMoreMethods } from "./tensor_methods/inplace_more.ts";
import { aliasMethods, type TensorAliasMethods } from "./tensor_methods/aliases.ts";
import { complexMethods, type TensorComplexMethods } from "./tensor_methods/complex.ts";
import { fftMethods, type TensorFftMethods } from "./tensor_methods/fft.ts";
import { linalgExtraMethods, type TensorLinalgExtraMethods } from "./tensor_methods/linalg_extra.ts";
import { extrasMethods, type TensorExtrasMethods } from "./tensor_methods/extras.ts";

/** What `toArray()` and printing read: a complex64 tensor's float32 (re, im) view. */
function readable(t: Tensor): Tensor {
  return t.dtype === "complex64" ? viewAsReal(t.detach()) : t;
}

/**
 * `dataSync()` / `dataAsync()` of complex64 throw: code that reads a tensor's elements as numel
 * values (inside the library or out) would misread 2 numel interleaved floats.
 */
function complexDataError(op: string): TypeError {
  return new TypeError(
    `${op}: a complex64 tensor has no typed array of its own elements; read torch.viewAsReal(z).${op}() ` +
      "for its interleaved (re, im) float32 values, or z.toArray() for [re, im] pairs",
  );
}

function complexItemError(): TypeError {
  return new TypeError(
    "item: a complex64 value has no JavaScript number type; read z.real.item() and z.imag.item(), or " +
      "z.toArray() for [re, im] pairs",
  );
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
  /** @internal A leaf's hooks (`registerHook`; a non-leaf's are on its node). */
  _hooks: TensorHookEntry[] | null = null;
  /** @internal Made inside `inferenceMode` (see `isInference`). */
  _inference = false;
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
    strides?: readonly number[],
    offset = 0,
    dtype?: DType,
  ) {
    this._storage = storage;
    noteHandle(this);
    this.shape = frozenDims(shape);
    this._strides = strides === undefined ? frozenContiguousStrides(this.shape) : frozenDims(strides);
    this._offset = offset;
    // A complex64 tensor views a float32 storage of (re, im) pairs; its shape, strides and offset
    // count complex elements (see src/complex/core.ts).
    this.dtype = dtype ?? storage.dtype;
    if (isInferenceModeEnabled()) this._inference = true;
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
  /**
   * True for a tensor made inside `torch.inferenceMode` (PyTorch's `is_inference()`): outside
   * inference mode it cannot be written in place or saved for backward.
   */
  isInference(): boolean {
    return this._inference;
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
    if (requiresGrad && !isFloating(this.dtype) && this.dtype !== "complex64") {
      throw new TypeError(
        `requiresGrad_: only tensors of floating point and complex dtype can require gradients (got ${this.dtype})`,
      );
    }
    if (requiresGrad && this._inference && !isInferenceModeEnabled()) {
      throw new Error(
        "requiresGrad_: setting requiresGrad=true on an inference tensor outside inferenceMode is not allowed " +
          "(make a clone() outside inferenceMode to get a normal tensor)",
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
    if (!this.isLeaf && !this._retainsGrad) {
      this._retainsGrad = true;
      markRetainGrad(this);
    }
    return this;
  }
  /**
   * Registers a backward hook (PyTorch's `register_hook`): `fn(grad)` is called with the gradient
   * of this tensor each time one is computed, and may return a gradient (same shape) to use in its
   * place. On a leaf it sees the gradient before it is accumulated into `.grad`. Hooks run in
   * registration order (`retainGrad()` among them); `handle.remove()` unregisters it.
   * @example
   * ```ts
   * import { deepStrictEqual as assertEquals } from "node:assert/strict";
   * import * as torch from "../mod.ts";
   * const x = torch.tensor([1, 2], { dtype: "float32", requiresGrad: true });
   * const y = x.mul(2);
   * const seen: number[][] = [];
   * y.registerHook((g) => {
   *   seen.push(g.toArray() as number[]);
   *   return g.mul(10);
   * });
   * y.sum().backward();
   * assertEquals([seen, x.grad!.toArray()], [[[1, 1]], [20, 20]]);
   * ```
   */
  registerHook(fn: TensorHook): RemovableHandle {
    return registerTensorHook(this, fn);
  }
  /** @internal Points this tensor at another region of its storage (in-place view ops: `asStrided_`). */
  _setGeometry(shape: readonly number[], strides: readonly number[], offset: number): void {
    const self = this as { shape: readonly number[]; _strides: readonly number[]; _offset: number };
    self.shape = frozenDims(shape);
    self._strides = frozenDims(strides);
    self._offset = offset;
  }
  /** A tensor sharing this one's data, cut from the graph. */
  detach(): Tensor {
    return new Tensor(this._storage, this.shape, this._strides, this._offset, this.dtype);
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
    if (this.dtype === "complex64") throw complexItemError();
    const v = this.dataSync()[0];
    return (this.dtype === "bool" ? v !== 0 : v) as T;
  }
  /**
   * The elements as nested arrays (PyTorch's `tolist()`); complex64 elements come as `[re, im]`
   * pairs (JavaScript has no complex numbers: the same as `viewAsReal(z).toArray()`). CPU only; see
   * toArrayAsync.
   */
  toArray(): NestedArray {
    this.#refuseSyncRead("toArray", "toArrayAsync");
    if (this.dtype === "complex64") return inFrameOf(() => readable(this).toArray());
    return nestValues(this.dataSync(), this.shape, this.dtype === "bool");
  }
  /**
   * A copy of the elements in row-major order as a typed array: Float32Array for float32 and
   * float16, Float64Array for float64, Int32Array for int32, Uint8Array for uint8 and bool;
   * complex64 throws (read `torch.viewAsReal(z).dataSync()`, its interleaved (re, im) pairs). CPU
   * only; see dataAsync.
   */
  dataSync(): Float32Array | Float64Array | Int32Array | Uint8Array {
    this.#refuseSyncRead("dataSync", "dataAsync");
    if (this.dtype === "complex64") throw complexDataError("dataSync");
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
    if (this.dtype === "complex64") throw complexDataError("dataAsync");
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
    if (this.numel() !== 1 || this.dtype === "complex64") return this.item<T>();
    const v = (await this.dataAsync())[0];
    return (this.dtype === "bool" ? v !== 0 : v) as T;
  }
  /** Like `toArray()`, on every device. */
  async toArrayAsync(): Promise<NestedArray> {
    if (this.dtype === "complex64") return await readable(this).toArrayAsync();
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
    return formatTensor(readable(this).dataSync(), this.shape, this.dtype, this.#formatOptions());
  }
  /**
   * PyTorch's printed form on every device, values included (a GPU tensor is read back first),
   * e.g. `tensor([1., 2.], device='gpu')`.
   */
  async toStringAsync(): Promise<string> {
    if (this.isDisposed) return "tensor(<disposed>)";
    return formatTensor(await readable(this).dataAsync(), this.shape, this.dtype, this.#formatOptions());
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

  // ---- reductions with overloads (typed by a class body; see the module doc) ----
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

  // ---- PyTorch's small conveniences ----
  /** Number of dimensions (PyTorch's `x.dim()`; same as `ndim`). */
  dim(): number {
    return this.ndim;
  }
  /** The elements as nested arrays: PyTorch's name for `toArray()`. CPU only; see toArrayAsync. */
  tolist(): NestedArray {
    return this.toArray();
  }
}

/**
 * `Tensor`'s op methods, by family: each family's interface documents its methods (`x.add(y)` is
 * in {@link TensorMathMethods}, `x.sum()` in {@link TensorReductionMethods}, ...).
 */
export interface Tensor
  extends
    TensorMathMethods,
    TensorReductionMethods,
    TensorShapeMethods,
    TensorIndexingMethods,
    TensorInPlaceMethods,
    TensorRandomMethods,
    TensorRandomMoreMethods,
    TensorOpsMoreMethods,
    TensorStatsMethods,
    TensorShapeMoreMethods,
    TensorElementwiseMathMethods,
    TensorSpecialMethods,
    TensorParity2Methods,
    TensorInPlaceMoreMethods,
    TensorAliasMethods,
    TensorLinalgExtraMethods,
    TensorExtrasMethods,
    TensorComplexMethods,
    TensorFftMethods {}

// The families' bodies become Tensor's methods as a class body would define them: on the prototype,
// non-enumerable, writable and configurable (accessors such as `T` stay accessors). A family
// method never replaces one of the class body's.
for (
  const family of [
    mathMethods(),
    reductionMethods(),
    shapeMethods(),
    indexingMethods(),
    inPlaceMethods(),
    randomMethods(),
    randomMoreMethods(),
    opsMoreMethods(),
    statsMethods(),
    shapeMoreMethods(),
    elementwiseMathMethods(),
    specialMethods(),
    parity2Methods(),
    inPlaceMoreMethods(),
    aliasMethods(),
    linalgExtraMethods(),
    extrasMethods(),
    complexMethods(),
    fftMethods(),
  ]
) {
  for (const [name, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(family))) {
    if (Object.hasOwn(Tensor.prototype, name)) throw new Error(`Tensor.${name} is defined twice`);
    Object.defineProperty(Tensor.prototype, name, { ...descriptor, enumerable: false });
  }
}
