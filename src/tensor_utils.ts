/**
 * Small top-level utilities of `torch`: `isTensor`, `isFloatingPoint`, `asTensor`, `normal` (all
 * of PyTorch 1.13's overloads, on its random stream) and `randintLike`.
 * @module
 */
import type { Device } from "./backends/backend.ts";
import { type DType, isFloating } from "./dtype.ts";
import { Tensor } from "./tensor.ts";
import { empty, randint, type RandomOptions, tensor, type TensorData } from "./creation.ts";
import { normal_ } from "./ops/random_fill.ts";
import { broadcastShapes, shapeArg } from "./shape.ts";
import { inFrameOf } from "./memory.ts";
import { needsGrad } from "./ops/dispatch.ts";
import { Node } from "./autograd/node.ts";
import { noGrad } from "./autograd/grad_mode.ts";
import type { Generator } from "./random.ts";

/**
 * Whether `obj` is a tensor (PyTorch's `torch.is_tensor`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * assertEquals([torch.isTensor(torch.ones(1)), torch.isTensor([1])], [true, false]);
 * ```
 */
export function isTensor(obj: unknown): obj is Tensor {
  return obj instanceof Tensor;
}

/**
 * Whether `x`'s dtype is a floating point one (PyTorch's `torch.is_floating_point`; also
 * `x.isFloatingPoint()`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * assertEquals([torch.isFloatingPoint(torch.ones(1)), torch.isFloatingPoint(torch.tensor([1]))], [true, false]);
 * ```
 */
export function isFloatingPoint(x: Tensor): boolean {
  if (!(x instanceof Tensor)) {
    throw new TypeError(
      `isFloatingPoint: argument 'input' must be Tensor, not ${x === null ? "null" : typeof x}`,
    );
  }
  return isFloating(x.dtype);
}

/** Options of `asTensor`. */
export interface AsTensorOptions {
  /** Element type (default: the tensor's own, or inferred from the data). */
  dtype?: DType;
  /** Device (default: the tensor's own, or the CPU). */
  device?: Device;
}

/**
 * `data` as a tensor, sharing memory where it can (PyTorch's `torch.as_tensor`): a tensor of the
 * asked dtype and device is returned as it is (same object, its graph kept), another tensor is
 * converted (`x.to(...)`), and arrays and numbers become a new tensor as `torch.tensor` makes it.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * const x = torch.ones(2);
 * assertEquals([torch.asTensor(x) === x, torch.asTensor(x, { dtype: "int32" }).dtype], [true, "int32"]);
 * assertEquals(torch.asTensor([1.5, 2]).toArray(), [1.5, 2]);
 * ```
 */
export function asTensor(data: Tensor | TensorData, opts: AsTensorOptions = {}): Tensor {
  if (data instanceof Tensor) {
    const dtype = opts.dtype ?? data.dtype, device = opts.device ?? data.device;
    if (dtype === data.dtype && device === data.device) return data;
    return data.to({ dtype, device });
  }
  return tensor(data, { dtype: opts.dtype, device: opts.device });
}

/** Options of `normal` with tensor arguments. */
export interface NormalOptions {
  /** The generator to draw from (default: the global one, seeded by `manualSeed`). */
  generator?: Generator;
}

function checkStd(std: number | Tensor): void {
  if (typeof std === "number") {
    if (!(std >= 0)) throw new RangeError(`normal: normal expects std >= 0.0, but found std ${std}`);
    return;
  }
  // Read on the CPU only: a GPU read is asynchronous.
  if (std.device === "cpu" && std.numel() > 0 && std.min().item() < 0) {
    throw new RangeError("normal: normal expects all elements of std >= 0.0");
  }
}

/**
 * Records the sample `out` as PyTorch does: it depends on `mean` and `std` (it requires grad when
 * they do) with zero gradients (PyTorch 1.13's `normal` is not reparameterized; use
 * `distributions.Normal.rsample` for that).
 */
function recordSample(out: Tensor, inputs: (Tensor | number)[], name: string): Tensor {
  if (!needsGrad(...inputs)) return out;
  out.gradFn = new Node(
    "normal",
    { saves: "none", name, backward: (g) => inputs.map(() => g.mul(0)) },
    inputs,
    {},
    out,
  );
  out._requiresGrad = true;
  return out;
}

/**
 * Samples from normal distributions (PyTorch's `torch.normal`, every 1.13 overload, with its
 * values for the same seed):
 * - `normal(mean: Tensor, std: Tensor)`: one sample per element of their broadcast shape;
 * - `normal(mean: Tensor, std = 1)`, `normal(mean: number, std: Tensor)`: the tensor's shape;
 * - `normal(mean: number, std: number, size, opts?)`: a new tensor of `size` (float32, or `dtype`).
 *
 * The result has the tensor argument's dtype and device (the first's for two tensors). It requires
 * grad when an argument does, with zero gradients, as PyTorch (not reparameterized). A tensor
 * `std` must be non-negative (checked on the CPU).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * torch.manualSeed(0);
 * const a = torch.normal(torch.zeros(2, 3), torch.ones(3));
 * const b = torch.normal(2, 3, [4]);
 * assertEquals([a.shape, b.shape], [[2, 3], [4]]);
 * ```
 */
export function normal(mean: Tensor, std: Tensor, opts?: NormalOptions): Tensor;
/** A sample per element of `mean`, all with standard deviation `std` (default 1). */
export function normal(mean: Tensor, std?: number, opts?: NormalOptions): Tensor;
/** A sample per element of `std`, all with mean `mean`. */
export function normal(mean: number, std: Tensor, opts?: NormalOptions): Tensor;
/** A new tensor of `size` with samples of `N(mean, std^2)`. */
export function normal(
  mean: number,
  std: number,
  size: number | readonly number[],
  opts?: RandomOptions,
): Tensor;
export function normal(
  mean: Tensor | number,
  std: Tensor | number = 1,
  sizeOrOpts?: number | readonly number[] | NormalOptions,
  opts?: RandomOptions,
): Tensor {
  return inFrameOf(() => {
    const meanT = mean instanceof Tensor, stdT = std instanceof Tensor;
    if (!meanT && typeof mean !== "number") {
      throw new TypeError(`normal: mean must be a Tensor or a number, got ${typeof mean}`);
    }
    if (!stdT && typeof std !== "number") {
      throw new TypeError(`normal: std must be a Tensor or a number, got ${typeof std}`);
    }
    if (!meanT && !stdT) {
      if (sizeOrOpts === undefined || (typeof sizeOrOpts === "object" && !Array.isArray(sizeOrOpts))) {
        throw new TypeError("normal: with a number mean and std, give the size: normal(mean, std, size)");
      }
      const size = shapeArg("normal", [sizeOrOpts as number | number[]]);
      checkStd(std);
      const o = opts ?? {};
      const out = empty(size, { dtype: o.dtype, device: o.device });
      if (!isFloating(out.dtype)) {
        throw new TypeError(`normal: expected a floating point dtype, got ${out.dtype}`);
      }
      normal_(out, mean as number, std as number, { generator: o.generator });
      return o.requiresGrad ? out.requiresGrad_(true) : out;
    }
    if (typeof sizeOrOpts === "number" || Array.isArray(sizeOrOpts)) {
      throw new TypeError(
        "normal: a size is taken only with a number mean and std (the tensors give the shape)",
      );
    }
    const o = (sizeOrOpts ?? {}) as NormalOptions;
    const ref = (meanT ? mean : std) as Tensor;
    if (!isFloating(ref.dtype)) {
      throw new TypeError(`normal: expected a floating point ${meanT ? "mean" : "std"}, got ${ref.dtype}`);
    }
    checkStd(std);
    const m = mean as Tensor | number, s = std as Tensor | number;
    const shape = meanT && stdT
      ? broadcastShapes("normal", (mean as Tensor).shape, (std as Tensor).shape)
      : [...ref.shape];
    const out = noGrad(() => {
      const z = empty(shape, { dtype: ref.dtype, device: ref.device });
      if (stdT) {
        // PyTorch: N(0, 1) samples, then `* std + mean`.
        normal_(z, 0, 1, { generator: o.generator });
        return z.mul(s).add(m);
      }
      normal_(z, 0, s as number, { generator: o.generator });
      return z.add(m);
    });
    const name = meanT && stdT ? "NormalBackward3" : meanT ? "NormalBackward1" : "NormalBackward2";
    return recordSample(out, meanT && stdT ? [m, s] : [ref], name);
  });
}

/**
 * Uniform integers in `[low, high)` with `x`'s shape (PyTorch's `torch.randint_like`):
 * `randintLike(x, high)` or `randintLike(x, low, high)`. The dtype and device are `x`'s unless
 * given; the values are PyTorch's for the same seed.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * const r = torch.randintLike(torch.zeros(2, 3), 5);
 * assertEquals([r.shape, r.dtype], [[2, 3], "float32"]);
 * ```
 */
export function randintLike(x: Tensor, high: number, opts?: RandomOptions): Tensor;
/** Integers in `[low, high)`. */
export function randintLike(x: Tensor, low: number, high: number, opts?: RandomOptions): Tensor;
export function randintLike(
  x: Tensor,
  a: number,
  b?: number | RandomOptions,
  c?: RandomOptions,
): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`randintLike: expected a Tensor, got ${typeof x}`);
  const [low, high, opts] = typeof b === "number" ? [a, b, c ?? {}] : [0, a, b ?? {}];
  return randint(low, high, [...x.shape], {
    dtype: opts.dtype ?? x.dtype,
    device: opts.device ?? x.device,
    generator: opts.generator,
    requiresGrad: opts.requiresGrad,
  });
}
