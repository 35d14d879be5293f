/**
 * `Tensor`'s odds and ends a porting user reaches for: `x.isCpu`, `x.isCuda`, `x.getDevice()`,
 * `x.type()` / `x.type(dtype)`, `x.apply_(fn)`, `x.map_(other, fn)`, `x.resize_(...)`,
 * `x.resizeAs_(other)`, `x.splitWithSizes`, `x.unsafeSplit`, `x.unsafeChunk`, `x.hardshrink` and
 * `x.prelu`. `Tensor` extends the `TensorExtrasMethods` interface declared here; `tensor.ts`
 * installs the bodies on `Tensor.prototype`.
 * @module
 */
import { Tensor } from "../tensor.ts";
import { type DType, TYPE_NAMES } from "../dtype.ts";
import { tensor, zeros } from "../creation.ts";
import { toDType } from "../ops/convert.ts";
import { cat } from "../ops/indexing.ts";
import { checkAlive } from "../ops/dispatch.ts";
import { fmtShape, shapeArg } from "../shape.ts";
import { inFrameOf, moveHandle } from "../memory.ts";
import { bumpVersion } from "../autograd/version.ts";
import { isInferenceModeEnabled } from "../autograd/grad_mode.ts";
import { describeValue } from "../backends/contract.ts";
import { encodeHalf, halfToFloat } from "../half.ts";
import * as ex from "../extras.ts";
import { hardshrink, prelu } from "../nn/activations.ts";
import { aliasIfSame } from "./shape.ts";
import { refuseComplex } from "../complex/core.ts";

const FROM_TYPE_NAME: Record<string, DType> = {
  ...Object.fromEntries(Object.entries(TYPE_NAMES).map(([d, n]) => [n, d as DType])),
  LongTensor: "int32", // PyTorch's int64: edgetorch's integer default plays its part
};

/**
 * Odds and ends of every `Tensor` (PyTorch's `is_cpu`, `get_device`, `type`, `apply_`, `map_`,
 * `resize_`, ...).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.tensor([1, 2, 3], { dtype: "float32" });
 * assertEquals([x.isCpu, x.isCuda, x.getDevice(), x.type()], [true, false, -1, "torch.FloatTensor"]);
 * assertEquals(x.type("torch.IntTensor").dtype, "int32");
 * assertEquals(x.clone().apply_((v) => v * v).toArray(), [1, 4, 9]);
 * assertEquals(x.clone().resize_(2).toArray(), [1, 2]);
 * ```
 */
export interface TensorExtrasMethods {
  /** Whether the tensor is on the CPU (PyTorch's `x.is_cpu`). */
  get isCpu(): boolean;
  /** Always false: there is no CUDA here (the GPU device is `"gpu"`); PyTorch's `x.is_cuda`. */
  get isCuda(): boolean;
  /** PyTorch's `x.get_device()`: -1 on the CPU, 0 (the one adapter) on the GPU. */
  getDevice(): number;
  /**
   * Without an argument, PyTorch's type name of the tensor: `"torch.FloatTensor"`,
   * `"torch.DoubleTensor"`, `"torch.HalfTensor"`, `"torch.IntTensor"`, `"torch.ByteTensor"`,
   * `"torch.BoolTensor"` (`"torch.gpu.FloatTensor"` ... on the GPU, where PyTorch would say
   * `torch.cuda.`). int32 tensors are `IntTensor`: PyTorch's integer default is int64
   * (`LongTensor`).
   */
  type(): string;
  /**
   * The tensor converted to `dtype` (a dtype, or a type name such as `"torch.DoubleTensor"`;
   * `"torch.LongTensor"` gives int32, edgetorch's integer type; `"torch.gpu.FloatTensor"` also moves
   * it to the GPU); the tensor itself, aliased, when nothing changes.
   */
  type(dtype: DType | string): Tensor;
  /**
   * Replaces every element `v` by `fn(v)`, in place (PyTorch's `x.apply_(callable)`): CPU tensors
   * only, not on tensors that require grad. Results are cast to the dtype as PyTorch casts them
   * (toward zero for integers, where an out-of-range value is an error; booleans by truthiness).
   */
  apply_(fn: (value: number) => number | boolean): this;
  /**
   * Replaces every element `v` by `fn(v, w)`, `w` being `other`'s element broadcast to this shape,
   * in place (PyTorch's `x.map_(other, callable)`): CPU tensors of one dtype only, neither
   * requiring grad.
   */
  map_(other: Tensor, fn: (value: number, other: number) => number | boolean): this;
  /**
   * PyTorch's `x.resize_(*sizes)`: this tensor, in place, with the given shape and contiguous
   * strides over its storage from its offset; shrinking keeps the leading elements, growing adds
   * zeros after them (PyTorch leaves them uninitialised). Refused for tensors that require grad.
   * A grown tensor gets a storage of its own: other views of the old one keep it.
   */
  resize_(...sizes: (number | readonly number[])[]): this;
  /** `resize_(other.shape)` (PyTorch's `x.resize_as_(other)`). */
  resizeAs_(other: Tensor): this;
  /** `torch.splitWithSizes(this, splitSizes, dim)`: views of exactly these sizes. */
  splitWithSizes(splitSizes: readonly number[], dim?: number): Tensor[];
  /** `torch.unsafeSplit(this, splitSize, dim)`. */
  unsafeSplit(splitSize: number, dim?: number): Tensor[];
  /** `torch.unsafeChunk(this, chunks, dim)`. */
  unsafeChunk(chunks: number, dim?: number): Tensor[];
  /** `F.hardshrink(this, lambd)`: 0 where `|x| <= lambd`, `x` elsewhere. */
  hardshrink(lambd?: number): Tensor;
  /** `F.prelu(this, weight)`: `max(0, x) + weight * min(0, x)`, one weight or one per channel. */
  prelu(weight: Tensor): Tensor;
}

/** The checks `apply_` and `map_` share: a live CPU tensor, not requiring grad, writable. */
function checkCallable(op: string, x: Tensor, other?: Tensor): void {
  checkAlive(op, x);
  if (x.device !== "cpu" || (other !== undefined && other.device !== "cpu")) {
    throw new TypeError(`${op}: only implemented on CPU tensors (this tensor is on ${x.device})`);
  }
  if (x.requiresGrad || other?.requiresGrad) {
    throw new Error(`Can't call ${op}() on Variable that requires grad. Use var.detach().${op}() instead.`);
  }
  if (x._inference && !isInferenceModeEnabled()) {
    throw new Error(`${op}: inplace update to inference tensor outside inferenceMode is not allowed`);
  }
}

/** `fn`'s results, cast to `dtype` as PyTorch casts a Python number into it. */
function castResults(op: string, results: unknown[], dtype: DType): Tensor {
  if (dtype === "bool") return tensor(results.map(Boolean), { dtype });
  const out = new Float64Array(results.length);
  const int = dtype === "int32" || dtype === "uint8";
  const [lo, hi] = dtype === "int32" ? [-(2 ** 31), 2 ** 31 - 1] : [0, 255];
  results.forEach((r, i) => {
    const v = typeof r === "boolean" ? Number(r) : r;
    if (typeof v !== "number") {
      throw new TypeError(`${op}: the function must return a number or a boolean, got ${describeValue(r)}`);
    }
    if (int) {
      const t = Math.trunc(v);
      if (!(t >= lo && t <= hi)) {
        throw new RangeError(`${op}: value ${v} cannot be converted to type ${dtype} without overflow`);
      }
      out[i] = t;
    } else {out[i] = dtype === "float32"
        ? Math.fround(v)
        : dtype === "float16"
        ? halfToFloat(encodeHalf(v))
        : v;}
  });
  return tensor(out, { dtype: "float64" }).to(dtype);
}

/** Elements as `fn` sees them: numbers, booleans for a bool tensor. */
function elements(x: Tensor): (number | boolean)[] {
  const v = Array.from(x.dataSync() as ArrayLike<number>);
  return x.dtype === "bool" ? v.map((e) => e !== 0) : v;
}

/** @internal The bodies of `TensorExtrasMethods`, for `tensor.ts` to install on `Tensor.prototype`. */
export function extrasMethods(): TensorExtrasMethods & ThisType<Tensor> {
  return {
    get isCpu(): boolean {
      return this.device === "cpu";
    },
    get isCuda(): boolean {
      return false;
    },
    getDevice(): number {
      return this.device === "cpu" ? -1 : 0;
    },
    type(dtype?: DType | string): never {
      const self = this as unknown as Tensor;
      if (dtype === undefined) {
        return `torch.${self.device === "cpu" ? "" : "gpu."}${TYPE_NAMES[self.dtype]}` as never;
      }
      if (typeof dtype !== "string") {
        throw new TypeError(`type: expected a dtype or a type name, got ${describeValue(dtype)}`);
      }
      const m = /^torch\.(gpu\.|cuda\.)?(\w+)$/.exec(dtype);
      let target: DType, device = self.device;
      if (m === null) {
        if (!(dtype in TYPE_NAMES)) throw new TypeError(`type: invalid type: ${JSON.stringify(dtype)}`);
        target = dtype as DType;
      } else {
        if (m[1] === "cuda.") {
          throw new TypeError(
            `type: there is no CUDA here; the GPU's type names are torch.gpu.* (got ${dtype})`,
          );
        }
        const d = FROM_TYPE_NAME[m[2]];
        if (d === undefined) {
          throw new TypeError(
            `type: invalid type: ${JSON.stringify(dtype)} (edgetorch's: ${
              Object.values(TYPE_NAMES).join(", ")
            })`,
          );
        }
        target = d;
        device = m[1] === "gpu." ? "gpu" : "cpu";
      }
      const converted = device === self.device
        ? toDType(self, target)
        : device === "cpu"
        ? toDType(self.to("cpu"), target)
        : toDType(self, target).to(device);
      return aliasIfSame(self, converted) as never;
    },
    apply_(fn: (value: number) => number | boolean): Tensor {
      const self = this as unknown as Tensor;
      checkCallable("apply_", self);
      if (typeof fn !== "function") throw new TypeError("apply_: expected a function");
      const vals = elements(self) as number[];
      const results = castResults("apply_", vals.map((v) => fn(v)), self.dtype);
      return inFrameOf(() => self.copy_(results.reshape(self.shape)));
    },
    map_(other: Tensor, fn: (value: number, other: number) => number | boolean): Tensor {
      const self = this as unknown as Tensor;
      if (!(other instanceof Tensor)) {
        throw new TypeError(`map_: other must be a Tensor, got ${describeValue(other)}`);
      }
      checkCallable("map_", self, other);
      if (typeof fn !== "function") throw new TypeError("map_: expected a function");
      if (other.dtype !== self.dtype) {
        throw new TypeError(`map_: expected ${self.dtype} for 'other' (got ${other.dtype})`);
      }
      const a = elements(self) as number[];
      const b = elements(other.expand(self.shape)) as number[];
      const results = castResults("map_", a.map((v, i) => fn(v, b[i])), self.dtype);
      return inFrameOf(() => self.copy_(results.reshape(self.shape)));
    },
    resize_(...sizes: (number | readonly number[])[]): Tensor {
      const self = this as unknown as Tensor;
      const op = "resize_";
      return inFrameOf(() => {
        checkAlive(op, self);
        refuseComplex(op, self); // its storage counts float32 halves of the pairs, not elements
        if (self.requiresGrad) throw new Error("resize_: cannot resize variables that require grad");
        if (self._inference && !isInferenceModeEnabled()) {
          throw new Error(`${op}: inplace update to inference tensor outside inferenceMode is not allowed`);
        }
        const shape = shapeArg(op, sizes);
        const numel = shape.reduce((a, b) => a * b, 1);
        if (!Number.isSafeInteger(numel)) {
          throw new RangeError(`${op}: ${fmtShape(shape)} has too many elements`);
        }
        const strides = new Array<number>(shape.length);
        for (let d = shape.length - 1, s = 1; d >= 0; d--) {
          strides[d] = s;
          s *= Math.max(shape[d], 1);
        }
        const storage = self._storage;
        const needed = self._offset + numel;
        if (needed > storage.numel) {
          // A larger storage: the old one's elements, then zeros.
          const old = new Tensor(storage, [storage.numel], [1], 0);
          const grown = cat(
            [old, zeros(needed - storage.numel, { dtype: self.dtype, device: self.device })],
            0,
          );
          moveHandle(self, grown._storage);
          self._base = null; // no longer a view of what it viewed
        }
        self._setGeometry(shape, strides, self._offset);
        bumpVersion(self._storage);
        return self;
      });
    },
    resizeAs_(other: Tensor): Tensor {
      if (!(other instanceof Tensor)) {
        throw new TypeError(`resizeAs_: other must be a Tensor, got ${describeValue(other)}`);
      }
      return (this as unknown as Tensor).resize_(other.shape);
    },
    splitWithSizes(splitSizes: readonly number[], dim = 0): Tensor[] {
      return ex.splitWithSizes(this, splitSizes, dim);
    },
    unsafeSplit(splitSize: number, dim = 0): Tensor[] {
      return ex.unsafeSplit(this, splitSize, dim);
    },
    unsafeChunk(chunks: number, dim = 0): Tensor[] {
      return ex.unsafeChunk(this, chunks, dim);
    },
    hardshrink(lambd = 0.5): Tensor {
      return hardshrink(this, lambd);
    },
    prelu(weight: Tensor): Tensor {
      return prelu(this, weight);
    },
  };
}
