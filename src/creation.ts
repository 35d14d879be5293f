/**
 * Creating tensors: `tensor`, `empty`, `zeros`, `ones`, `full`, `arange`, `linspace`, `eye`,
 * `rand`, `randn`, `randint`, `randperm` and the `*Like` forms.
 * @module
 */
import { asksComplex, complexFilled, complexFromReal, complexRandn } from "./complex/create.ts";
import type { Device } from "./backends/backend.ts";
import { backendFor, checkDevice } from "./backends/registry.ts";
import {
  checkDeviceDType,
  checkDType,
  checkIntValue,
  type DType,
  fitsInt32,
  getDefaultDtype,
  inferDType,
  INT32_MAX,
  INT32_MIN,
  INT_RANGE,
  isFloating,
  ITEM_SIZE,
  type TypedArray,
  typedArrayFor,
} from "./dtype.ts";
import { defaultGenerator, type Generator } from "./random.ts";
import { fmtShape, numelOf, shapeArg } from "./shape.ts";
import { Tensor } from "./tensor.ts";
import { encodeHalf } from "./half.ts";
import { inFrameOf } from "./memory.ts";

/** Options shared by the creation functions. */
export interface CreateOptions {
  /** Element type (default: inferred from the data, else `float32`). */
  dtype?: DType;
  /** Device to create the tensor on (default `"cpu"`). */
  device?: Device;
  /** Whether autograd records operations on the new tensor (default false). */
  requiresGrad?: boolean;
}

/** Options of the random creation functions. */
export interface RandomOptions extends CreateOptions {
  /** The generator to draw from (default: the global one, seeded by `manualSeed`). */
  generator?: Generator;
}

/** A shape given as sizes (`zeros(2, 3)`) or one array (`zeros([2, 3])`), optionally followed by {@link CreateOptions}. */
export type ShapeArgs = (number | readonly number[] | CreateOptions)[];

/** Nested arrays of numbers or booleans, as accepted by `tensor`. */
export type TensorData = number | boolean | readonly TensorData[] | ArrayLike<number>;

function splitShapeArgs<O extends CreateOptions>(op: string, args: readonly unknown[]): [number[], O] {
  let opts = {} as O;
  let dims = args;
  const last = args[args.length - 1];
  if (last !== null && typeof last === "object" && !Array.isArray(last)) {
    opts = last as O;
    dims = args.slice(0, -1);
  }
  return [shapeArg(op, dims as (number | number[])[]), opts];
}

/** `n` bytes for messages: `4000000000000 bytes (3.64 TiB)`. */
function fmtBytes(n: number): string {
  const units = ["KiB", "MiB", "GiB", "TiB", "PiB"];
  let v = n, u = -1;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u < 0 ? `${n} bytes` : `${n} bytes (${v.toFixed(2)} ${units[u]})`;
}

/**
 * Runs `alloc`, the allocation of a tensor of `shape`: a RangeError it throws (the runtime's "Array
 * buffer allocation failed", a device's buffer limit, wasm memory that cannot grow) comes back
 * naming the op, the shape and the bytes.
 */
function allocating<T>(
  op: string,
  shape: readonly number[],
  dtype: DType,
  device: Device,
  alloc: () => T,
): T {
  try {
    return alloc();
  } catch (e) {
    // Errors that name the op already (a value it cannot store) pass through.
    if (!(e instanceof RangeError) || e.message.startsWith(`${op}:`)) throw e;
    const n = numelOf(shape);
    throw new RangeError(
      `${op}: cannot allocate a tensor of shape ${fmtShape(shape)} on ${device} (${n} ${dtype} elements, ` +
        `${fmtBytes(n * ITEM_SIZE[dtype])}): ${e.message}`,
      { cause: e },
    );
  }
}

/** Builds a tensor from values already laid out row-major in the dtype's typed array. */
function fromValues(
  values: TypedArray,
  shape: readonly number[],
  dtype: DType,
  opts: CreateOptions,
  op = "tensor",
): Tensor {
  const device = checkDevice(op, opts.device ?? "cpu");
  checkDeviceDType(op, dtype, device);
  const storage = allocating(op, shape, dtype, device, () => backendFor(device).fromTyped(values, dtype));
  const t = new Tensor(storage, shape);
  if (opts.requiresGrad) t.requiresGrad_(true);
  return t;
}

/** `[1][2]`: the position of flat index `i` in `shape`. */
function positionOf(i: number, shape: readonly number[]): string {
  if (shape.length === 0) return "";
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = shape[d] > 0 ? i % shape[d] : 0;
    i = shape[d] > 0 ? Math.floor(i / shape[d]) : 0;
  }
  return ` at [${idx.join("][")}]`;
}

/**
 * Stores `n` JS values `at(i)` into the typed array of `dtype` (float16 encoded, bool as 0/1).
 * A value an integer dtype cannot hold (NaN, infinity, out of range) throws PyTorch's overflow
 * error, naming `op`, the value and its position in `shape`.
 */
function encode(
  op: string,
  n: number,
  at: (i: number) => number | boolean,
  dtype: DType,
  shape: readonly number[],
): TypedArray {
  const out = typedArrayFor(dtype, n);
  const range = INT_RANGE[dtype];
  if (dtype === "float16") {
    for (let i = 0; i < n; i++) out[i] = encodeHalf(Number(at(i)));
  } else if (dtype === "bool") {
    for (let i = 0; i < n; i++) out[i] = at(i) ? 1 : 0;
  } else if (range) {
    for (let i = 0; i < n; i++) {
      const v = Number(at(i));
      const t = Math.trunc(v);
      if (!(t >= range[0] && t <= range[1])) checkIntValue(op, v, dtype, positionOf(i, shape));
      out[i] = t;
    }
  } else {
    for (let i = 0; i < n; i++) out[i] = Number(at(i));
  }
  return out;
}

/**
 * For a dtype inferred as float32 because some integers do not fit int32: throws when float32
 * would round one of them (a silently different number), naming the value and the way out.
 */
function checkExactInFloat32(
  op: string,
  n: number,
  at: (i: number) => number | boolean,
  shape: readonly number[],
): void {
  for (let i = 0; i < n; i++) {
    const v = at(i);
    if (typeof v !== "number" || fitsInt32(v) || !Number.isInteger(v) || Math.fround(v) === v) continue;
    throw new RangeError(
      `${op}: the integer ${v}${positionOf(i, shape)} does not fit int32 (${INT32_MIN} to ${INT32_MAX}; ` +
        `this library has no int64), and float32 would round it to ${Math.fround(v)}; pass ` +
        `{ dtype: "float32" } to store it rounded`,
    );
  }
}

/** Most dimensions `tensor` accepts from nested arrays (PyTorch's limit too). */
export const MAX_NESTED_DIMS = 64;

function flattenNested(data: TensorData): { values: (number | boolean)[]; shape: number[] } {
  if (typeof data === "number" || typeof data === "boolean") return { values: [data], shape: [] };
  const shape: number[] = [];
  let probe: unknown = data;
  const seen = new Set<unknown>();
  while (probe !== null && typeof probe === "object" && "length" in (probe as object)) {
    if (seen.has(probe)) {
      throw new RangeError(
        `tensor: the data is circular (the sequence at [${shape.map(() => 0).join("][")}] contains itself)`,
      );
    }
    seen.add(probe);
    if (shape.length === MAX_NESTED_DIMS) {
      throw new RangeError(
        `tensor: the data is nested more than ${MAX_NESTED_DIMS} deep; a tensor has at most ` +
          `${MAX_NESTED_DIMS} dimensions`,
      );
    }
    const arr = probe as ArrayLike<unknown>;
    if (!Number.isSafeInteger(arr.length) || arr.length < 0) {
      throw new TypeError(`tensor: a sequence has an invalid length ${String(arr.length)}`);
    }
    shape.push(arr.length);
    if (arr.length === 0) break;
    probe = arr[0];
  }
  // Shared (not circular) sub-arrays can describe far more elements than the data has: refuse
  // before walking them.
  const numel = numelOf(shape);
  if (numel > 2 ** 32) {
    throw new RangeError(
      `tensor: nested data of shape ${fmtShape(shape)} has ${numel} elements, more than 2^32`,
    );
  }
  const values: (number | boolean)[] = [];
  const walk = (node: unknown, depth: number, path: number[]) => {
    if (depth === shape.length) {
      if (typeof node !== "number" && typeof node !== "boolean") {
        throw new TypeError(
          `tensor: expected a number or boolean at [${path.join("][")}], got ${describe(node)}`,
        );
      }
      values.push(node);
      return;
    }
    if (node === null || typeof node !== "object" || !("length" in (node as object))) {
      throw new TypeError(
        `tensor: expected a sequence of length ${shape[depth]} at [${
          path.join("][")
        }] (dimension ${depth}), got ${describe(node)}`,
      );
    }
    const arr = node as ArrayLike<unknown>;
    if (arr.length !== shape[depth]) {
      throw new RangeError(
        `tensor: expected sequence of length ${shape[depth]} at dim ${depth} (got ${arr.length} at [${
          path.join("][")
        }])`,
      );
    }
    for (let i = 0; i < arr.length; i++) walk(arr[i], depth + 1, [...path, i]);
  };
  walk(data, 0, []);
  return { values, shape };
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  return v === null ? "null" : typeof v;
}

function dtypeOfTyped(data: ArrayLike<number>): DType | null {
  if (data instanceof Float32Array) return "float32";
  if (data instanceof Float64Array) return "float64";
  if (data instanceof Int32Array || data instanceof Int16Array || data instanceof Int8Array) return "int32";
  if (data instanceof Uint8Array || data instanceof Uint8ClampedArray) return "uint8";
  if (data instanceof Uint16Array || data instanceof Uint32Array) return "int32";
  return null;
}

/**
 * A tensor from nested arrays (up to {@link MAX_NESTED_DIMS} deep; circular data throws), a number
 * (0-d), or a typed array (1-d). The dtype is inferred (floats give float32, integers int32,
 * booleans bool; typed arrays keep their kind: a Float64Array gives float64, as a NumPy float64
 * array does in PyTorch) unless given. Integers outside int32 (this library
 * has no int64) give float32 when float32 holds them exactly (`1e10`) and throw otherwise
 * (`Date.now()`: pass a dtype); a value the dtype cannot hold throws, as in PyTorch. JavaScript has
 * no `2.0` distinct from `2`, so `requiresGrad: true` without a dtype gives float32.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * const t = torch.tensor([[1, 2], [3, 4]]);
 * assertEquals(t.dtype, "int32");
 * assertEquals(torch.tensor([3.14, 1.59]).toString(), "tensor([3.1400, 1.5900])");
 * ```
 */
export function tensor(data: TensorData, opts: CreateOptions = {}): Tensor {
  return inFrameOf(() => {
    if (data instanceof Tensor) {
      throw new TypeError("tensor: got a Tensor; use t.clone().detach() (or t.to(...)) to copy a tensor");
    }
    const typedKind = ArrayBuffer.isView(data) ? dtypeOfTyped(data as ArrayLike<number>) : null;
    if (ArrayBuffer.isView(data) && typedKind === null) {
      throw new TypeError(`tensor: unsupported typed array ${data.constructor.name}`);
    }
    const { values, shape } = typedKind !== null
      ? { values: data as ArrayLike<number>, shape: [(data as ArrayLike<number>).length] }
      : flattenNested(data);
    const given = opts.dtype !== undefined
      ? checkDType("tensor", opts.dtype)
      : opts.requiresGrad
      ? getDefaultDtype() // JS cannot tell 2.0 from 2; a tensor that requires grad must be floating point.
      : null;
    const at = (i: number) => (values as ArrayLike<number | boolean>)[i];
    let dtype: DType;
    if (given === "complex64") return complexFromReal(tensor(data, { ...opts, dtype: "float32" }), opts);
    if (given !== null) dtype = given;
    else if (typedKind !== null && !(data instanceof Uint32Array)) dtype = typedKind;
    else if (values.length === 0) dtype = typedKind ?? getDefaultDtype();
    else {
      // Nested arrays and Uint32Array (up to 2^32): int32 when every integer fits.
      dtype = inferDType(values);
      if (dtype === "float32" && getDefaultDtype() === "float64") dtype = "float64";
      if (dtype === "float32") checkExactInFloat32("tensor", values.length, at, shape);
    }
    // A typed array whose values the dtype holds as they are is copied in one `set` (a loop over
    // `at` takes milliseconds per 100K values before the JIT warms up).
    const copied = typedKind === dtype && !(data instanceof Uint32Array)
      ? typedArrayFor(dtype, values.length)
      : null;
    copied?.set(data as ArrayLike<number>);
    const stored = copied ?? encode("tensor", values.length, at, dtype, shape);
    return fromValues(stored, shape, dtype, opts);
  });
}

/** A tensor of `shape` with every element `value`. */
function filled(
  op: string,
  shape: number[],
  value: number,
  opts: CreateOptions,
  defaultDType: DType,
): Tensor {
  const dtype = opts.dtype !== undefined ? checkDType(op, opts.dtype) : defaultDType;
  const device = checkDevice(op, opts.device ?? "cpu");
  checkDeviceDType(op, dtype, device);
  if (dtype === "complex64") return complexFilled(shape, value, opts);
  encode(op, 1, () => value, dtype, []); // the overflow check
  const storage = allocating(
    op,
    shape,
    dtype,
    device,
    () => backendFor(device).full(dtype, numelOf(shape), value),
  );
  const t = new Tensor(storage, shape);
  if (opts.requiresGrad) t.requiresGrad_(true);
  return t;
}

/**
 * Zeros. Shapes as varargs or an array; options last.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * assertEquals(torch.zeros(2, 3).shape, [2, 3]);
 * assertEquals(torch.zeros([2], { dtype: "int32" }).toArray(), [0, 0]);
 * ```
 */
export function zeros(...args: ShapeArgs): Tensor {
  return inFrameOf(() => {
    const [shape, opts] = splitShapeArgs<CreateOptions>("zeros", args);
    return filled("zeros", shape, 0, opts, getDefaultDtype());
  });
}
/**
 * Ones.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * assertEquals(torch.ones(2).toArray(), [1, 1]);
 * ```
 */
export function ones(...args: ShapeArgs): Tensor {
  return inFrameOf(() => {
    const [shape, opts] = splitShapeArgs<CreateOptions>("ones", args);
    return filled("ones", shape, 1, opts, getDefaultDtype());
  });
}
/**
 * An uninitialised tensor (zero-filled here: fresh memory is always zeroed in wasm and WebGPU).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * assertEquals(torch.empty(3).shape, [3]);
 * ```
 */
export function empty(...args: ShapeArgs): Tensor {
  return inFrameOf(() => {
    const [shape, opts] = splitShapeArgs<CreateOptions>("empty", args);
    return filled("empty", shape, 0, opts, getDefaultDtype());
  });
}
/**
 * Every element `value`; the dtype follows the value (bool, int32 or float32) unless given.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * assertEquals(torch.full([2, 2], 7).toArray(), [[7, 7], [7, 7]]);
 * ```
 */
export function full(
  shape: number | readonly number[],
  value: number | boolean,
  opts: CreateOptions = {},
): Tensor {
  return inFrameOf(() => {
    const s = shapeArg("full", [shape]);
    const dtype: DType = typeof value === "boolean" ? "bool" : fitsInt32(value) ? "int32" : getDefaultDtype();
    if (opts.dtype === undefined && dtype === "float32") checkExactInFloat32("full", 1, () => value, []);
    return filled("full", s, Number(value), opts, dtype);
  });
}

/**
 * `start, start + step, ...` below `end`: `arange(end)`, `arange(start, end)`, `arange(start, end, step)`.
 * int32 when all arguments are integers, float32 otherwise. Integer values outside int32 throw
 * (this library has no int64; pass `{ dtype: "float32" }` for rounded float32 values), as does a
 * value the given dtype cannot hold.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * assertEquals(torch.arange(4).toArray(), [0, 1, 2, 3]);
 * assertEquals(torch.arange(1, 2, 0.5).toArray(), [1, 1.5]);
 * ```
 */
export function arange(...args: (number | CreateOptions)[]): Tensor {
  return inFrameOf(() => {
    const opts = (typeof args[args.length - 1] === "object" ? args.pop() : {}) as CreateOptions;
    const nums = args as number[];
    if (nums.length < 1 || nums.length > 3 || nums.some((v) => typeof v !== "number")) {
      throw new TypeError(
        `arange: expected (end), (start, end) or (start, end, step), got ${JSON.stringify(nums)}`,
      );
    }
    const [start, end, step] = nums.length === 1 ? [0, nums[0], 1] : [nums[0], nums[1], nums[2] ?? 1];
    if (step === 0) throw new RangeError("arange: step must be nonzero");
    if (!Number.isFinite(start) || !Number.isFinite(end)) {
      throw new RangeError("arange: unsupported range: start and end must be finite");
    }
    if ((end - start) / step < 0) {
      throw new RangeError(
        `arange: upper bound and larger bound inconsistent with step sign (start ${start}, end ${end}, step ${step})`,
      );
    }
    const n = Math.max(0, Math.ceil((end - start) / step)); // max() also turns -0 into 0
    const at = (i: number) => start + i * step;
    // The values are monotonic: the first and the last bound them all.
    const ends = n === 0 ? [] : [at(0), at(n - 1)];
    const ints = nums.every(Number.isInteger);
    let dtype: DType;
    if (opts.dtype !== undefined) dtype = checkDType("arange", opts.dtype);
    else if (ints && ends.every(fitsInt32)) dtype = "int32";
    else if (!ints) dtype = getDefaultDtype();
    else {
      const v = ends.find((x) => !fitsInt32(x));
      throw new RangeError(
        `arange: the integer ${v} does not fit int32 (${INT32_MIN} to ${INT32_MAX}; this library has no ` +
          `int64); pass { dtype: "float32" } for float32 values (rounded to 24 significant bits)`,
      );
    }
    if (INT_RANGE[dtype]) encode("arange", ends.length, (i) => ends[i], dtype, []);
    const device = checkDevice("arange", opts.device ?? "cpu");
    const values = allocating("arange", [n], dtype, device, () => encode("arange", n, at, dtype, [n]));
    return fromValues(values, [n], dtype, opts, "arange");
  });
}

/**
 * `steps` evenly spaced values from `start` to `end` inclusive.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * assertEquals(torch.linspace(0, 1, 5).toArray(), [0, 0.25, 0.5, 0.75, 1]);
 * ```
 */
export function linspace(start: number, end: number, steps: number, opts: CreateOptions = {}): Tensor {
  return inFrameOf(() => {
    if (!Number.isInteger(steps) || steps < 0) {
      throw new RangeError(`linspace: number of steps must be non-negative, got ${steps}`);
    }
    const dtype = opts.dtype ?? getDefaultDtype();
    const step = steps > 1 ? (end - start) / (steps - 1) : 0;
    // PyTorch fills the second half backwards from `end` so both ends are exact.
    const half = Math.floor(steps / 2);
    const at = (i: number) =>
      steps === 1 ? start : i < half ? start + step * i : end - step * (steps - 1 - i);
    const device = checkDevice("linspace", opts.device ?? "cpu");
    const values = allocating(
      "linspace",
      [steps],
      dtype,
      device,
      () => encode("linspace", steps, at, dtype, [steps]),
    );
    return fromValues(values, [steps], dtype, opts, "linspace");
  });
}

/**
 * Identity matrix `n x m` (m defaults to n).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * assertEquals(torch.eye(2).toArray(), [[1, 0], [0, 1]]);
 * ```
 */
export function eye(n: number, m: number | CreateOptions = n, opts: CreateOptions = {}): Tensor {
  return inFrameOf(() => {
    const cols = typeof m === "number" ? m : n;
    const o = typeof m === "number" ? opts : m;
    shapeArg("eye", [n, cols]);
    const dtype = o.dtype ?? getDefaultDtype();
    const device = checkDevice("eye", o.device ?? "cpu");
    const values = allocating("eye", [n, cols], dtype, device, () => typedArrayFor(dtype, n * cols));
    const one = encode("eye", 1, () => 1, dtype, [])[0];
    for (let i = 0; i < Math.min(n, cols); i++) values[i * cols + i] = one;
    return fromValues(values, [n, cols], dtype, o, "eye");
  });
}

/**
 * Shared body of `rand` and `randn`: float32 values from `fill` (the generator's PyTorch-exact
 * kernel), for float16 `half` and for float64 `double` (PyTorch draws those differently).
 */
function randomFill(
  op: string,
  args: readonly unknown[],
  fill: (g: Generator, out: Float32Array) => void,
  half: ((g: Generator, out: Float32Array) => void) | null,
  double: (g: Generator, out: Float64Array) => void,
): Tensor {
  const [shape, opts] = splitShapeArgs<RandomOptions>(op, args);
  const dtype = opts.dtype ?? getDefaultDtype();
  if (!isFloating(dtype)) throw new TypeError(`${op}: expected a floating point dtype, got ${dtype}`);
  const g = opts.generator ?? defaultGenerator;
  const device = checkDevice(op, opts.device ?? "cpu");
  checkDeviceDType(op, dtype, device);
  if (dtype === "float64") {
    const values = allocating(op, shape, dtype, device, () => new Float64Array(numelOf(shape)));
    double(g, values);
    return fromValues(values, shape, dtype, opts, op);
  }
  const values = allocating(op, shape, "float32", device, () => new Float32Array(numelOf(shape)));
  // The CPU backend the result needs, started first: it brings the WebAssembly Box-Muller.
  if (device === "cpu") backendFor("cpu");
  (dtype === "float16" && half ? half : fill)(g, values);
  const stored = dtype === "float32" ? values : encode(op, values.length, (i) => values[i], dtype, shape);
  return fromValues(stored, shape, dtype, opts, op);
}

/**
 * Uniform samples in [0, 1). After `torch.manualSeed(s)` (or with `{ generator }`), the values are
 * PyTorch's `torch.rand` after `torch.manual_seed(s)`: one 32-bit draw per element,
 * `(draw & 0xffffff) / 2^24` (float16: `(draw & 0x7ff) / 2^11`, as PyTorch's half path).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * torch.manualSeed(0);
 * assertEquals(torch.rand(5, 3).shape, [5, 3]);
 * torch.manualSeed(0);
 * torch.rand(2).toArray(); // [0.49625658988952637, 0.7682217955589294], as torch.rand(2) after torch.manual_seed(0)
 * ```
 */
export function rand(...args: (number | readonly number[] | RandomOptions)[]): Tensor {
  return inFrameOf(() => {
    return randomFill(
      "rand",
      args,
      (g, out) => g.uniformFill(out, 0, 1),
      (g, out) => {
        for (let i = 0; i < out.length; i++) out[i] = (g.random() & 0x7ff) / 2048;
      },
      (g, out) => g.uniformFillDouble(out, 0, 1),
    );
  });
}
/**
 * Standard normal samples: PyTorch's `torch.randn` values for the same seed and call order
 * (`Generator.normalFill(out, 0, 1)`: the vectorized Box-Muller kernel for 16 or more elements,
 * the serial cached-pair path below 16; see `manualSeed` for the CPU dependence).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * torch.manualSeed(0);
 * assertEquals(torch.randn(2, 2).shape, [2, 2]);
 * ```
 */
export function randn(...args: (number | readonly number[] | RandomOptions)[]): Tensor {
  return inFrameOf(() => {
    if (asksComplex(args)) return complexRandn(args, randn);
    return randomFill(
      "randn",
      args,
      (g, out) => g.normalFill(out, 0, 1),
      null,
      (g, out) => g.normalFillDouble(out, 0, 1),
    );
  });
}
/**
 * Uniform integers in `[low, high)`: `randint(high, shape)` or `randint(low, high, shape)`. The values
 * are PyTorch's (`draw % (high - low) + low` per element) for the same seed and call order.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * assertEquals(torch.randint(0, 10, [3]).dtype, "int32");
 * ```
 */
export function randint(...args: (number | readonly number[] | RandomOptions)[]): Tensor {
  return inFrameOf(() => {
    const opts = (typeof args[args.length - 1] === "object" && !Array.isArray(args[args.length - 1])
      ? args.pop()
      : {}) as RandomOptions;
    const shapeIdx = args.findIndex((a) =>
      Array.isArray(a)
    );
    if (shapeIdx < 1 || shapeIdx > 2) {
      throw new TypeError("randint: expected (high, shape) or (low, high, shape)");
    }
    const [low, high] = shapeIdx === 1 ? [0, args[0] as number] : [args[0] as number, args[1] as number];
    if (!Number.isInteger(low) || !Number.isInteger(high)) {
      throw new TypeError(`randint: expected integer bounds, got low=${low}, high=${high}`);
    }
    if (!(high > low)) throw new RangeError(`randint: expected low < high, got low=${low}, high=${high}`);
    const shape = shapeArg("randint", [args[shapeIdx] as number[]]);
    const g = opts.generator ?? defaultGenerator;
    const dtype = opts.dtype ?? "int32";
    const n = numelOf(shape);
    const device = checkDevice("randint", opts.device ?? "cpu");
    if (dtype === "int32") {
      if (low < -(2 ** 31) || high > 2 ** 31) {
        throw new RangeError(`randint: bounds low=${low}, high=${high} do not fit in int32`);
      }
      const out = allocating("randint", shape, dtype, device, () => new Int32Array(n));
      return fromValues(g.randintFill(out, low, high), shape, dtype, opts, "randint");
    }
    let [from, to] = [low, high];
    if (isFloating(dtype)) [from, to] = floatRandomBounds(low, high, floatDigits(dtype));
    const draws = allocating("randint", shape, dtype, device, () => new Float64Array(n));
    for (let i = 0; i < n; i++) draws[i] = g.nextInt(from, to);
    return fromValues(encode("randint", n, (i) => draws[i], dtype, shape), shape, dtype, opts, "randint");
  });
}

/** @internal Significant bits of a floating dtype (24 for float32, 53 for float64, 11 for float16). */
export function floatDigits(dtype: DType): number {
  return dtype === "float64" ? 53 : dtype === "float16" ? 11 : 24;
}

/** An integer rounded to `digits` significant bits (ties to even), as a cast to a float type. */
function roundToDigits(x: number, digits: number): number {
  const a = Math.abs(x);
  if (a < 2 ** digits) return x;
  let bits = 0;
  for (let v = a; v >= 2; v = Math.floor(v / 2)) bits++;
  const q = 2 ** (bits - digits + 1);
  let r = Math.floor(a / q);
  const rest = a - r * q;
  if (rest > q / 2 || (rest === q / 2 && r % 2 === 1)) r++;
  return Math.sign(x) * r * q;
}

/**
 * @internal PyTorch's `update_from` / `update_to` for `random_(from, to)` on a float dtype with
 * `digits` significant bits: moves the bounds inwards until no value cast to the dtype can leave
 * [from, to).
 */
export function floatRandomBounds(from: number, to: number, digits: number): [number, number] {
  const bitLength = (v: number) => {
    let n = 0;
    for (let a = Math.abs(v); a >= 2; a = Math.floor(a / 2)) n++;
    return n;
  };
  const cast = (v: number) =>
    digits === 11 ? roundToDigits(roundToDigits(v, 24), 11) : roundToDigits(v, digits);
  const fromPlus1 = cast(from + 1);
  if (fromPlus1 < from) from = fromPlus1 + 2 ** (bitLength(from + 1) - digits + 1);
  const toMinus1 = cast(to - 1);
  if (toMinus1 >= to) to = toMinus1 - 2 ** (bitLength(to - 1) - digits + 1);
  if (!(from < to)) {
    throw new RangeError(`randint: expected low < high after rounding to the dtype, got ${from}, ${to}`);
  }
  return [from, to];
}
/**
 * A random permutation of `0..n-1` (int32): PyTorch's CPU `randperm(n)` for the same seed and
 * call order.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * assertEquals([...torch.randperm(4).dataSync()].sort(), [0, 1, 2, 3]); // a permutation of 0..3
 * ```
 */
export function randperm(n: number, opts: RandomOptions = {}): Tensor {
  return inFrameOf(() => {
    if (!Number.isInteger(n) || n < 0) {
      throw new RangeError(`randperm: n must be a non-negative integer, got ${n}`);
    }
    const g = opts.generator ?? defaultGenerator;
    const dtype = opts.dtype ?? "int32";
    const device = checkDevice("randperm", opts.device ?? "cpu");
    const values = allocating("randperm", [n], dtype, device, () => g.permutation(n));
    const stored = dtype === "int32" ? values : encode("randperm", n, (i) => values[i], dtype, [n]);
    return fromValues(stored, [n], dtype, opts, "randperm");
  });
}

function likeOpts(x: Tensor, opts: CreateOptions): CreateOptions {
  return { dtype: opts.dtype ?? x.dtype, device: opts.device ?? x.device, requiresGrad: opts.requiresGrad };
}
/**
 * Zeros of `x`'s shape, dtype and device.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * assertEquals(torch.zerosLike(torch.ones(2)).toArray(), [0, 0]);
 * ```
 */
export function zerosLike(x: Tensor, opts: CreateOptions = {}): Tensor {
  return inFrameOf(() => {
    return zeros([...x.shape], likeOpts(x, opts));
  });
}
/**
 * Ones of `x`'s shape, dtype and device.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * assertEquals(torch.onesLike(torch.zeros(2)).toArray(), [1, 1]);
 * ```
 */
export function onesLike(x: Tensor, opts: CreateOptions = {}): Tensor {
  return inFrameOf(() => {
    return ones([...x.shape], likeOpts(x, opts));
  });
}
/**
 * `value` everywhere, in `x`'s shape, dtype and device.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * assertEquals(torch.fullLike(torch.zeros(2), 5).toArray(), [5, 5]);
 * ```
 */
export function fullLike(x: Tensor, value: number, opts: CreateOptions = {}): Tensor {
  return inFrameOf(() => {
    return full([...x.shape], value, likeOpts(x, opts));
  });
}
/**
 * Uninitialised (zeroed) tensor like `x`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * assertEquals(torch.emptyLike(torch.zeros(2, 2)).shape, [2, 2]);
 * ```
 */
export function emptyLike(x: Tensor, opts: CreateOptions = {}): Tensor {
  return inFrameOf(() => {
    return zerosLike(x, opts);
  });
}
/**
 * Uniform [0, 1) samples like `x`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * assertEquals(torch.randLike(torch.zeros(3)).shape, [3]);
 * ```
 */
export function randLike(x: Tensor, opts: RandomOptions = {}): Tensor {
  return inFrameOf(() => {
    return rand([...x.shape], { ...likeOpts(x, opts), generator: opts.generator });
  });
}
/**
 * Standard normal samples like `x`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * assertEquals(torch.randnLike(torch.zeros(3)).shape, [3]);
 * ```
 */
export function randnLike(x: Tensor, opts: RandomOptions = {}): Tensor {
  return inFrameOf(() => {
    return randn([...x.shape], { ...likeOpts(x, opts), generator: opts.generator });
  });
}
