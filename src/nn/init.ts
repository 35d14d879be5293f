/**
 * `nn.init`: in-place initialisation of parameters (PyTorch's `torch.nn.init`). Every function
 * fills its tensor without recording gradients and returns it; random ones draw from the seeded
 * generator (`torch.manualSeed`) unless a `generator` is given.
 * @module
 */
import { Tensor } from "../tensor.ts";
import { fmtShape } from "../shape.ts";
import { isFloating } from "../dtype.ts";
import { noGrad } from "../autograd/grad_mode.ts";
import { tensor } from "../creation.ts";
import { defaultGenerator, type Generator } from "../random.ts";
import { inFrameOf } from "../memory.ts";

/** Options of the random initialisers. */
export interface InitOptions {
  /** The generator to draw from (default: the global one seeded by `manualSeed`). */
  generator?: Generator;
}

/** Names accepted by `calculateGain` (PyTorch's spellings; camelCase `leakyRelu` works too). */
export type Nonlinearity =
  | "linear"
  | "conv1d"
  | "conv2d"
  | "conv3d"
  | "conv_transpose1d"
  | "conv_transpose2d"
  | "conv_transpose3d"
  | "sigmoid"
  | "tanh"
  | "relu"
  | "leaky_relu"
  | "leakyRelu"
  | "selu";

/** `"fanIn"` (default) preserves the forward pass's variance, `"fanOut"` the backward pass's. */
export type FanMode = "fanIn" | "fanOut" | "fan_in" | "fan_out";

/** Options of `kaimingUniform_` and `kaimingNormal_`. */
export interface KaimingOptions extends InitOptions {
  /** The negative slope of the leaky ReLU that follows (default 0). */
  a?: number;
  /** `"fanIn"` (default) keeps the forward pass's variance, `"fanOut"` the backward pass's. */
  mode?: FanMode;
  /** Default `"leaky_relu"`. */
  nonlinearity?: Nonlinearity;
}

/**
 * Fills `t` in row-major order from `draw` (one value at a time, or the whole array at once); a
 * float64 tensor from `double` when given (PyTorch draws doubles differently).
 */
function fill(
  op: string,
  t: Tensor,
  draw: (() => number) | ((out: Float32Array) => void),
  double?: (out: Float64Array) => void,
): Tensor {
  checkTarget(op, t);
  const n = t.numel();
  if (n === 0) return t; // as PyTorch: initialising a zero-element tensor is a no-op (and draws nothing)
  let values: Float32Array | Float64Array;
  if (t.dtype === "float64" && double) double(values = new Float64Array(n));
  else if (draw.length === 1) (draw as (out: Float32Array) => void)(values = new Float32Array(n));
  else {
    values = new Float32Array(n);
    for (let i = 0; i < n; i++) values[i] = (draw as () => number)();
  }
  return noGrad(() => {
    let src = tensor(values).reshape([...t.shape]);
    if (t.device !== "cpu") src = src.to(t.device);
    return t.copy_(src);
  });
}

function checkTarget(op: string, t: Tensor): void {
  if (!(t instanceof Tensor)) {
    throw new TypeError(`${op}: expected a Tensor to fill, got ${t === null ? "null" : typeof t}`);
  }
  if (!isFloating(t.dtype)) throw new TypeError(`${op}: expected a floating point tensor, got ${t.dtype}`);
}

/**
 * The recommended gain for a nonlinearity: 1 for linear/conv/sigmoid, 5/3 for tanh, √2 for relu,
 * `√(2/(1+slope²))` for leaky_relu (slope `param`, default 0.01), 3/4 for selu.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import { init } from "./mod.ts";
 * assertEquals(init.calculateGain("relu"), 1.4142135623730951);
 * ```
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case "linear":
    case "conv1d":
    case "conv2d":
    case "conv3d":
    case "conv_transpose1d":
    case "conv_transpose2d":
    case "conv_transpose3d":
    case "sigmoid":
      return 1;
    case "tanh":
      return 5 / 3;
    case "relu":
      return Math.SQRT2;
    case "leaky_relu":
    case "leakyRelu": {
      const slope = param ?? 0.01;
      if (typeof slope !== "number" || Number.isNaN(slope)) {
        throw new TypeError(`calculateGain: negative_slope ${slope} is not a valid number`);
      }
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case "selu":
      return 3 / 4;
    default:
      throw new TypeError(`calculateGain: unsupported nonlinearity ${JSON.stringify(nonlinearity)}`);
  }
}

/**
 * `[fanIn, fanOut]` of a weight of at least 2 dims: `fanIn = size(1)·receptive field`,
 * `fanOut = size(0)·receptive field` (the receptive field is the product of dims 2+).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { init } from "./mod.ts";
 * assertEquals(init.calculateFanInAndFanOut(torch.empty(16, 3, 5, 5)), [75, 400]);
 * ```
 */
export function calculateFanInAndFanOut(t: Tensor): [number, number] {
  if (t.ndim < 2) {
    throw new RangeError(
      `Fan in and fan out can not be computed for tensor with fewer than 2 dimensions (got shape ${
        fmtShape(t.shape)
      })`,
    );
  }
  let receptive = 1;
  for (const s of t.shape.slice(2)) receptive *= s;
  return [t.shape[1] * receptive, t.shape[0] * receptive];
}

function fanOf(t: Tensor, mode: FanMode): number {
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  if (mode === "fanIn" || mode === "fan_in") return fanIn;
  if (mode === "fanOut" || mode === "fan_out") return fanOut;
  throw new TypeError(`Mode ${JSON.stringify(mode)} not supported, please use one of "fanIn", "fanOut"`);
}

/**
 * Fills `t` with samples of U(a, b).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { init } from "./mod.ts";
 * const w = init.uniform_(torch.empty(3, 5), -0.1, 0.1);
 * assertEquals((w.abs().max().item() as number) <= 0.1, true);
 * ```
 */
export function uniform_(t: Tensor, a = 0, b = 1, opts: InitOptions = {}): Tensor {
  return inFrameOf(() => {
    const g = opts.generator ?? defaultGenerator;
    if (!(b >= a)) throw new RangeError(`uniform_: expected a <= b, got a=${a}, b=${b}`);
    // One array fill reproduces PyTorch's `uniform_` stream exactly.
    return fill(
      "uniform_",
      t,
      (out: Float32Array) => void g.uniformFill(out, a, b),
      (out) => void g.uniformFillDouble(out, a, b),
    );
  });
}

/**
 * Fills `t` with samples of N(mean, std²).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { init } from "./mod.ts";
 * assertEquals(init.normal_(torch.empty(2, 3), 0, 0.02).shape, [2, 3]);
 * ```
 */
export function normal_(t: Tensor, mean = 0, std = 1, opts: InitOptions = {}): Tensor {
  return inFrameOf(() => {
    const g = opts.generator ?? defaultGenerator;
    if (!(std >= 0)) throw new RangeError(`normal_: expected std >= 0, got ${std}`);
    // One array fill reproduces PyTorch's `normal_` stream exactly (its 16-wide Box-Muller blocks).
    return fill(
      "normal_",
      t,
      (out: Float32Array) => void g.normalFill(out, mean, std),
      (out) => void g.normalFillDouble(out, mean, std),
    );
  });
}

/**
 * Fills `t` with samples of N(mean, std²) redrawn until they fall in [a, b].
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { init } from "./mod.ts";
 * const w = init.truncNormal_(torch.empty(100), 0, 1, -2, 2);
 * assertEquals((w.abs().max().item() as number) <= 2, true);
 * ```
 */
export function truncNormal_(t: Tensor, mean = 0, std = 1, a = -2, b = 2, opts: InitOptions = {}): Tensor {
  return inFrameOf(() => {
    const g = opts.generator ?? defaultGenerator;
    if (!(b > a)) throw new RangeError(`truncNormal_: expected a < b, got a=${a}, b=${b}`);
    return fill("truncNormal_", t, () => {
      for (let i = 0; i < 1000; i++) {
        const v = mean + std * g.nextNormal();
        if (v >= a && v <= b) return v;
      }
      return Math.min(Math.max(mean, a), b);
    });
  });
}

/**
 * Fills `t` with `value`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { init } from "./mod.ts";
 * assertEquals(init.constant_(torch.empty(2), 0.5).toArray(), [0.5, 0.5]);
 * ```
 */
export function constant_(t: Tensor, value: number): Tensor {
  return inFrameOf(() => {
    checkTarget("constant_", t);
    return noGrad(() => t.fill_(value));
  });
}

/**
 * Fills `t` with zeros.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { init } from "./mod.ts";
 * assertEquals(init.zeros_(torch.ones(2)).toArray(), [0, 0]);
 * ```
 */
export function zeros_(t: Tensor): Tensor {
  return inFrameOf(() => {
    return constant_(t, 0);
  });
}

/**
 * Fills `t` with ones.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { init } from "./mod.ts";
 * assertEquals(init.ones_(torch.zeros(2)).toArray(), [1, 1]);
 * ```
 */
export function ones_(t: Tensor): Tensor {
  return inFrameOf(() => {
    return constant_(t, 1);
  });
}

/**
 * Fills a 2-D `t` with the identity matrix (ones on the diagonal).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { init } from "./mod.ts";
 * assertEquals(init.eye_(torch.empty(2, 3)).toArray(), [[1, 0, 0], [0, 1, 0]]);
 * ```
 */
export function eye_(t: Tensor): Tensor {
  return inFrameOf(() => {
    if (t.ndim !== 2) {
      throw new RangeError(
        `eye_: only tensors with 2 dimensions are supported, got shape ${fmtShape(t.shape)}`,
      );
    }
    const cols = t.shape[1];
    let i = 0;
    return fill("eye_", t, () => {
      const r = Math.floor(i / cols), c = i % cols;
      i++;
      return r === c ? 1 : 0;
    });
  });
}

/**
 * Xavier/Glorot uniform: U(-b, b) with `b = gain·√(6/(fanIn + fanOut))`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { init } from "./mod.ts";
 * assertEquals(init.xavierUniform_(torch.empty(3, 5), init.calculateGain("relu")).shape, [3, 5]);
 * ```
 */
export function xavierUniform_(t: Tensor, gain = 1, opts: InitOptions = {}): Tensor {
  return inFrameOf(() => {
    const [fanIn, fanOut] = calculateFanInAndFanOut(t);
    const bound = gain * Math.sqrt(6 / (fanIn + fanOut));
    return uniform_(t, -bound, bound, opts);
  });
}

/**
 * Xavier/Glorot normal: N(0, std²) with `std = gain·√(2/(fanIn + fanOut))`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { init } from "./mod.ts";
 * assertEquals(init.xavierNormal_(torch.empty(3, 5)).shape, [3, 5]);
 * ```
 */
export function xavierNormal_(t: Tensor, gain = 1, opts: InitOptions = {}): Tensor {
  return inFrameOf(() => {
    const [fanIn, fanOut] = calculateFanInAndFanOut(t);
    return normal_(t, 0, gain * Math.sqrt(2 / (fanIn + fanOut)), opts);
  });
}

function kaimingStd(t: Tensor, opts: KaimingOptions): number {
  const fan = fanOf(t, opts.mode ?? "fanIn");
  const gain = calculateGain(opts.nonlinearity ?? "leaky_relu", opts.a ?? 0);
  return fan === 0 ? 0 : gain / Math.sqrt(fan);
}

/**
 * Kaiming/He uniform: U(-b, b) with `b = gain·√(3/fan)`. `nn.Linear` and `nn.Conv2d` initialise
 * their weights with `{ a: Math.sqrt(5) }`, which gives `b = 1/√fanIn`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { init } from "./mod.ts";
 * assertEquals(init.kaimingUniform_(torch.empty(8, 4), { mode: "fanIn", nonlinearity: "relu" }).shape, [8, 4]);
 * ```
 */
export function kaimingUniform_(t: Tensor, opts: KaimingOptions = {}): Tensor {
  return inFrameOf(() => {
    const bound = Math.sqrt(3) * kaimingStd(t, opts);
    return uniform_(t, -bound, bound, opts);
  });
}

/**
 * Kaiming/He normal: N(0, std²) with `std = gain/√fan`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { init } from "./mod.ts";
 * assertEquals(init.kaimingNormal_(torch.empty(8, 4), { mode: "fanOut", nonlinearity: "relu" }).shape, [8, 4]);
 * ```
 */
export function kaimingNormal_(t: Tensor, opts: KaimingOptions = {}): Tensor {
  return inFrameOf(() => {
    return normal_(t, 0, kaimingStd(t, opts), opts);
  });
}
export { orthogonal_ } from "./init_orthogonal.ts";
export { dirac_, sparse_ } from "./init_more.ts";
