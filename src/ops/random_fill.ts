/**
 * In-place random fills (`uniform_`, `normal_`, `bernoulli_`, `exponential_`, `random_`) and the
 * sampling functions `bernoulli` and `multinomial`, drawing PyTorch 1.13's CPU streams from the
 * seeded generator on every device (values are drawn on the CPU and written into the tensor, which
 * is uploaded when it lives on the GPU).
 *
 * Exact for float32 (and int32/uint8/bool where the fill applies): `uniform_`, `normal_`
 * (`Generator.uniformFill` / `normalFill`, see `manualSeed` for the CPU capability), `bernoulli_`
 * (a number: one 53-bit double per element; a tensor of probabilities: one 24-bit float each),
 * `exponential_` (one double each), `random_` (one 32-bit draw each), `multinomial`. float16
 * tensors get the float32 values rounded to half, except `uniform_` over [0, 1), which draws
 * PyTorch's 11-bit half uniforms as `rand` does. float64 tensors get PyTorch's double streams:
 * `uniform_`/`normal_` draw 53-bit doubles (`Generator.uniformFillDouble` / `normalFillDouble`),
 * `exponential_` computes in float64, `random_()` draws 64 bits (`random64() % (2^53 + 1)`).
 * @module
 */
import { refuseComplex } from "../complex/core.ts";
import { isFloating } from "../dtype.ts";
import { floatDigits, floatRandomBounds, ones, tensor } from "../creation.ts";
import { defaultGenerator, type Generator } from "../random.ts";
import { fmtShape } from "../shape.ts";
import { Tensor } from "../tensor.ts";
import { isGradEnabled } from "../autograd/grad_mode.ts";
import { where } from "./elementwise.ts";
import { assignResult } from "./inplace.ts";
import { inFrameOf } from "../memory.ts";

/** Options of the random fills: the generator to draw from. */
export interface FillOptions {
  /** Default: the global generator, seeded by `manualSeed`. */
  generator?: Generator;
}

/** @internal `t` checked as a fill's target (a Tensor; a floating one when `floatOnly`). */
export function target(op: string, t: unknown, floatOnly: boolean): Tensor {
  if (!(t instanceof Tensor)) throw new TypeError(`${op}: expected a Tensor, got ${typeof t}`);
  if (floatOnly && !isFloating(t.dtype)) {
    throw new TypeError(
      `${op}: expected a floating point tensor, got ${t.dtype} (PyTorch refuses integer tensors too)`,
    );
  }
  return t;
}

/** @internal The generator of a fill's options (the default one when none). */
export function generatorOf(op: string, opts: FillOptions | undefined): Generator {
  if (opts !== undefined && (opts === null || typeof opts !== "object")) {
    throw new TypeError(`${op}: options must be an object like { generator }`);
  }
  return opts?.generator ?? defaultGenerator;
}

/**
 * @internal Writes `values` (row-major, `t`'s element count) into `t` in place. A tensor that is part of a
 * graph takes a node whose gradient to its old value is zero (the fill replaces it), as PyTorch.
 */
export function write(
  op: string,
  t: Tensor,
  values: Float32Array | Float64Array | Int32Array | Uint8Array,
): Tensor {
  const src = tensor(values, { dtype: t.dtype, device: t.device }).reshape([...t.shape]);
  const result = t.requiresGrad && isGradEnabled()
    ? where(ones([...t.shape], { dtype: "bool", device: t.device }), src, t)
    : src;
  return assignResult(t, op, result);
}

/**
 * Fills `t` with samples of U(`from`, `to`), in place (PyTorch's `tensor.uniform_`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * torch.manualSeed(0);
 * const u = torch.empty(3).uniform_();
 * assertEquals(torch.allclose(u, torch.tensor([0.4962566, 0.7682218, 0.0884774]), { atol: 1e-7, rtol: 0 }), true); // as PyTorch
 * ```
 */
export function uniform_<T extends Tensor>(t: T, from = 0, to = 1, opts?: FillOptions): T {
  return inFrameOf(() => {
    target("uniform_", t, true);
    const g = generatorOf("uniform_", opts);
    if (t.dtype === "float64") {
      return write("uniform_", t, g.uniformFillDouble(new Float64Array(t.numel()), from, to)) as T;
    }
    const values = new Float32Array(t.numel());
    if (t.dtype === "float16" && from === 0 && to === 1) {
      for (let i = 0; i < values.length; i++) values[i] = (g.random() & 0x7ff) / 2048;
    } else g.uniformFill(values, from, to);
    return write("uniform_", t, values) as T;
  });
}

/**
 * Fills `t` with samples of N(`mean`, `std`²), in place (PyTorch's `tensor.normal_`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * torch.manualSeed(0);
 * assertEquals(torch.empty(2, 8).normal_(0, 0.02).shape, [2, 8]);
 * ```
 */
export function normal_<T extends Tensor>(t: T, mean = 0, std = 1, opts?: FillOptions): T {
  return inFrameOf(() => {
    target("normal_", t, true);
    const g = generatorOf("normal_", opts);
    if (t.dtype === "float64") {
      return write("normal_", t, g.normalFillDouble(new Float64Array(t.numel()), mean, std)) as T;
    }
    const values = g.normalFill(new Float32Array(t.numel()), mean, std);
    return write("normal_", t, values) as T;
  });
}

/**
 * Fills `t` with 1 with probability `p` and 0 otherwise, in place (PyTorch's
 * `tensor.bernoulli_(p)`): `p` a number (default 0.5), or a tensor of per-element probabilities
 * broadcast to `t` (read on the CPU).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * torch.manualSeed(0);
 * assertEquals([...torch.empty(6).bernoulli_(0.5).dataSync()].every((v) => v === 0 || v === 1), true); // six values, each 0 or 1
 * ```
 */
export function bernoulli_<T extends Tensor>(t: T, p: number | Tensor = 0.5, opts?: FillOptions): T {
  refuseComplex("bernoulli_", t);
  return inFrameOf(() => {
    target("bernoulli_", t, false);
    const g = generatorOf("bernoulli_", opts);
    const out = new Float32Array(t.numel());
    if (p instanceof Tensor) g.bernoulliFillFrom(out, probabilities("bernoulli_", p, t.shape));
    else g.bernoulliFill(out, p);
    return write("bernoulli_", t, castValues(out, t)) as T;
  });
}

/**
 * `p` broadcast to `shape`, read on the CPU: float64 values for a float64 `p` (PyTorch then draws
 * 53-bit uniforms), else float32.
 */
function probabilities(op: string, p: Tensor, shape: readonly number[]): Float32Array | Float64Array {
  if (p.device !== "cpu") {
    throw new Error(
      `${op}: the probabilities must be a CPU tensor (they are read to draw the samples); ` +
        `use \`await p.cpuAsync()\` first`,
    );
  }
  const expanded = p.expand([...shape]);
  const values = (p.dtype === "float64" ? expanded.contiguous() : expanded.float()).dataSync() as
    | Float32Array
    | Float64Array;
  if (values.length !== shape.reduce((a, b) => a * b, 1)) {
    throw new RangeError(
      `${op}: probabilities of shape ${fmtShape(p.shape)} do not match ${fmtShape(shape)}`,
    );
  }
  return values;
}

/** Float32 draws as the typed array of `t`'s dtype (integers and 0/1 values are exact). */
function castValues(values: Float32Array, t: Tensor): Float32Array | Int32Array | Uint8Array {
  if (isFloating(t.dtype)) return values;
  return t.dtype === "int32" ? Int32Array.from(values) : Uint8Array.from(values);
}

/**
 * Fills `t` with samples of the exponential distribution of rate `lambd`, in place (PyTorch's
 * `tensor.exponential_`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * torch.manualSeed(0);
 * assertEquals(torch.empty(4).exponential_(2).shape, [4]);
 * ```
 */
export function exponential_<T extends Tensor>(t: T, lambd = 1, opts?: FillOptions): T {
  return inFrameOf(() => {
    target("exponential_", t, true);
    const n = t.numel();
    const values = generatorOf("exponential_", opts).exponentialFill(
      t.dtype === "float64" ? new Float64Array(n) : new Float32Array(n),
      lambd,
    );
    return write("exponential_", t, values) as T;
  });
}

/**
 * Fills `t` with random integers, in place (PyTorch's `tensor.random_`): `random_()` over the
 * dtype's integer range (`[0, 2^24]` for float32, `[0, 2^31)` for int32, `[0, 255]` for uint8,
 * `0`/`1` for bool), `random_(to)` over `[0, to)`, `random_(from, to)` over `[from, to)`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * torch.manualSeed(0);
 * const r = [...torch.empty(3, { dtype: "int32" }).random_(10).dataSync()];
 * assertEquals(r.length === 3 && r.every((v) => Number.isInteger(v) && v >= 0 && v < 10), true); // three integers in [0, 10)
 * ```
 */
export function random_<T extends Tensor>(t: T, ...args: (number | FillOptions | undefined)[]): T {
  refuseComplex("random_", t);
  return inFrameOf(() => {
    target("random_", t, false);
    const opts = typeof args[args.length - 1] === "object" ? args.pop() as FillOptions : undefined;
    const g = generatorOf("random_", opts);
    const bounds = args.filter((a) => a !== undefined) as number[];
    if (bounds.length > 2 || bounds.some((b) => typeof b !== "number" || !Number.isInteger(b))) {
      throw new TypeError(`random_: expected random_(), random_(to) or random_(from, to) with integers`);
    }
    const n = t.numel();
    if (bounds.length === 0 && t.dtype === "float64") {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = Number(g.random64() % 9007199254740993n); // 2^53 + 1
      return write("random_", t, out) as T;
    }
    if (bounds.length === 0) {
      const out = new Float32Array(n);
      const range = { float32: 2 ** 24 + 1, float16: 2 ** 11 + 1, int32: 2 ** 31, uint8: 256, bool: 2 }[
        t.dtype as "float32"
      ];
      for (let i = 0; i < n; i++) out[i] = g.random() % range;
      return write("random_", t, castValues(out, t)) as T;
    }
    let [from, to] = bounds.length === 1 ? [0, bounds[0]] : bounds;
    if (!(from < to)) {
      throw new RangeError(`random_: expects 'from' to be less than 'to', but got from=${from} >= to=${to}`);
    }
    const limits = { int32: [-(2 ** 31), 2 ** 31], uint8: [0, 256], bool: [0, 2] } as Record<
      string,
      number[]
    >;
    const lim = limits[t.dtype];
    if (lim && (from < lim[0] || to > lim[1])) {
      throw new RangeError(
        `random_: from=${from} and to=${to} are out of bounds for ${t.dtype} (expected [${lim[0]}, ${
          lim[1]
        }])`,
      );
    }
    if (isFloating(t.dtype)) [from, to] = floatRandomBounds(from, to, floatDigits(t.dtype));
    const out = t.dtype === "float64" ? new Float64Array(n) : new Float32Array(n);
    if (lim) {
      // Integer dtypes other than int64 always take one 32-bit draw (`random() % range + from`).
      const range = to - from;
      for (let i = 0; i < n; i++) out[i] = (range === 2 ** 32 ? g.random() : g.random() % range) + from;
      return write(
        "random_",
        t,
        t.dtype === "int32" ? Int32Array.from(out) : castValues(out as Float32Array, t),
      ) as T;
    }
    for (let i = 0; i < n; i++) out[i] = g.nextInt(from, to);
    return write("random_", t, out) as T;
  });
}

/**
 * Samples 0/1 with per-element probabilities `input` (PyTorch's `torch.bernoulli`): a tensor of
 * `input`'s shape, dtype and device.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.bernoulli(torch.tensor([0, 1, 1, 0], { dtype: "float32" })).toArray(), [0, 1, 1, 0]);
 * ```
 */
export function bernoulli(input: Tensor, opts?: FillOptions): Tensor {
  return inFrameOf(() => {
    const p = target("bernoulli", input, true);
    const g = generatorOf("bernoulli", opts);
    const out = g.bernoulliFillFrom(new Float32Array(p.numel()), probabilities("bernoulli", p, p.shape));
    return tensor(out, { dtype: p.dtype, device: p.device }).reshape([...p.shape]);
  });
}

/** Options of `multinomial`. */
export interface MultinomialOptions extends FillOptions {
  /** Draw with replacement (default false). */
  replacement?: boolean;
}

/**
 * `numSamples` category indices per row of the non-negative weights `input` (1-D, or 2-D: one
 * distribution per row), as PyTorch's `torch.multinomial` (see `Generator.multinomial`): int32, on
 * `input`'s device. The weights are read on the CPU.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * torch.manualSeed(0);
 * const drawn = [...torch.multinomial(torch.tensor([0, 10, 3, 0], { dtype: "float32" }), 2).dataSync()];
 * assertEquals(drawn.sort(), [1, 2]); // [1, 2] or [2, 1]
 * ```
 */
export function multinomial(input: Tensor, numSamples: number, opts: MultinomialOptions = {}): Tensor {
  return inFrameOf(() => {
    const p = target("multinomial", input, true);
    if (p.ndim !== 1 && p.ndim !== 2) {
      throw new RangeError(`multinomial: prob_dist must be 1 or 2 dim, got shape ${fmtShape(p.shape)}`);
    }
    const g = generatorOf("multinomial", opts);
    const rows = p.ndim === 2 ? p.shape[0] : 1;
    if (p.shape[p.ndim - 1] === 0) throw new RangeError("multinomial: the distribution has no categories");
    const weights = probabilities("multinomial", p, p.shape);
    const out = g.multinomial(weights, numSamples, { replacement: opts.replacement ?? false, rows });
    return tensor(out, { dtype: "int32", device: p.device }).reshape(
      p.ndim === 2 ? [rows, numSamples] : [numSamples],
    );
  });
}
