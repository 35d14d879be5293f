/**
 * More of PyTorch's samplers: the in-place fills `geometric_`, `cauchy_`, `logNormal_` (PyTorch's
 * `Tensor.geometric_`, `cauchy_`, `log_normal_`) and `torch.poisson`, drawing PyTorch 1.13's CPU
 * streams from the seeded generator on every device (values are drawn on the CPU in float64, as
 * PyTorch's serial CPU kernels compute them, then rounded to the tensor's dtype and uploaded when
 * the tensor lives on the GPU).
 * @module
 */
import { isFloating } from "../dtype.ts";
import { tensor } from "../creation.ts";
import { fma64 } from "../random_float_math.ts";
import type { Generator } from "../random.ts";
import type { Tensor } from "../tensor.ts";
import { inFrameOf } from "../memory.ts";
import { type FillOptions, generatorOf, target, write } from "./random_fill.ts";

/** Values for `t`'s dtype: float64 stays, integer dtypes truncate as a C cast does. */
function typed(values: Float64Array, t: Tensor): Float32Array | Float64Array | Int32Array | Uint8Array {
  if (t.dtype === "float64") return values;
  if (isFloating(t.dtype)) return Float32Array.from(values);
  return t.dtype === "int32" ? Int32Array.from(values) : Uint8Array.from(values);
}

/**
 * Fills `t` with samples of the geometric distribution of success probability `p` (the number
 * of trials up to and including the first success, 1, 2, ...), in place (PyTorch's
 * `tensor.geometric_(p)`): one 53-bit uniform `u` per element, `ceil(log(u) / log(1 - p))`.
 * Integer tensors are filled too, as in PyTorch.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * torch.manualSeed(0);
 * assertEquals(torch.empty(5).geometric_(0.3).toArray(), [1, 1, 3, 1, 2]); // as PyTorch
 * ```
 */
export function geometric_<T extends Tensor>(t: T, p: number, opts?: FillOptions): T {
  return inFrameOf(() => {
    target("geometric_", t, false);
    if (typeof p !== "number" || !(p > 0 && p < 1)) {
      throw new RangeError(`geometric_: expects p to be in (0, 1), but got p=${p}`);
    }
    const g = generatorOf("geometric_", opts);
    const out = new Float64Array(t.numel());
    const denom = Math.log(1 - p);
    for (let i = 0; i < out.length; i++) out[i] = Math.ceil(Math.log(g.nextDouble()) / denom);
    return write("geometric_", t, typed(out, t)) as T;
  });
}

/**
 * Fills `t` with samples of the Cauchy distribution of location `median` and scale `sigma`, in
 * place (PyTorch's `tensor.cauchy_(median, sigma)`): one 53-bit uniform `u` per element,
 * `median + sigma·tan(π(u - 1/2))`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * torch.manualSeed(0);
 * const c = torch.empty(3).cauchy_(1, 2);
 * assertEquals(torch.allclose(c, torch.tensor([22.195459, 2.5295346, 0.7434013])), true); // as PyTorch
 * ```
 */
export function cauchy_<T extends Tensor>(t: T, median = 0, sigma = 1, opts?: FillOptions): T {
  return inFrameOf(() => {
    target("cauchy_", t, true);
    if (typeof median !== "number" || typeof sigma !== "number") {
      throw new TypeError(
        `cauchy_: expected numbers for median and sigma, got ${typeof median} and ${typeof sigma}`,
      );
    }
    const g = generatorOf("cauchy_", opts);
    const fused = g.capability === "avx2";
    const out = new Float64Array(t.numel());
    for (let i = 0; i < out.length; i++) {
      const v = Math.tan(Math.PI * (g.nextDouble() - 0.5));
      out[i] = fused ? fma64(sigma, v, median) : median + sigma * v;
    }
    return write("cauchy_", t, typed(out, t)) as T;
  });
}

/**
 * Fills `t` with samples of the log-normal distribution, `exp(N(mean, std²))`, in place
 * (PyTorch's `tensor.log_normal_(mean, std)`): one normal per element from the generator's serial
 * Box-Muller path (`Generator.nextNormal`, which caches the second of each pair), as PyTorch's CPU
 * kernel draws them.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * torch.manualSeed(0);
 * const x = torch.empty(3).logNormal_(0.5, 2);
 * assertEquals(torch.allclose(x, torch.tensor([35.94508, 0.9168075, 0.02111907])), true); // as PyTorch
 * ```
 */
export function logNormal_<T extends Tensor>(t: T, mean = 1, std = 2, opts?: FillOptions): T {
  return inFrameOf(() => {
    target("logNormal_", t, true);
    if (typeof std !== "number" || !(std > 0)) {
      throw new RangeError(`logNormal_: expects std > 0.0, but found std=${std}`);
    }
    if (typeof mean !== "number") {
      throw new TypeError(`logNormal_: expected a number mean, got ${typeof mean}`);
    }
    const g = generatorOf("logNormal_", opts);
    const fused = g.capability === "avx2";
    const out = new Float64Array(t.numel());
    for (let i = 0; i < out.length; i++) {
      const v = g.nextNormal();
      out[i] = Math.exp(fused ? fma64(v, std, mean) : v * std + mean);
    }
    return write("logNormal_", t, typed(out, t)) as T;
  });
}

/** `log(k!)` of a non-negative integer `k` (exact sum below 64, Stirling's series above). */
export function logFactorial(k: number): number {
  if (k < 64) {
    let s = 0;
    for (let i = 2; i <= k; i++) s += Math.log(i);
    return s;
  }
  const n = k + 1, inv = 1 / n, inv2 = inv * inv;
  return (n - 0.5) * Math.log(n) - n + 0.5 * Math.log(2 * Math.PI) +
    inv * (1 / 12 - inv2 * (1 / 360 - inv2 * (1 / 1260 - inv2 / 1680)));
}

/**
 * One Poisson sample of rate `lambda` as PyTorch 1.13's CPU `sample_poisson` draws it: for
 * `lambda >= 10` the transformed rejection method (Hörmann 1993; two 53-bit uniforms per try),
 * for smaller rates the product of uniforms until it falls to `exp(-lambda)`, 0 for rate 0.
 */
export function samplePoisson(g: Generator, lambda: number): number {
  if (lambda >= 10) {
    const slam = Math.sqrt(lambda), loglam = Math.log(lambda);
    const b = 0.931 + 2.53 * slam, a = -0.059 + 0.02483 * b;
    const invalpha = 1.1239 + 1.1328 / (b - 3.4), vr = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
      const u = g.nextDouble() - 0.5, v = g.nextDouble();
      const us = 0.5 - Math.abs(u);
      const k = Math.floor((2 * a / us + b) * u + lambda + 0.43);
      if (us >= 0.07 && v <= vr) return k;
      if (k < 0 || (us < 0.013 && v > us)) continue;
      if (
        Math.log(v) + Math.log(invalpha) - Math.log(a / (us * us) + b) <=
          -lambda + k * loglam - logFactorial(k)
      ) return k;
    }
  }
  if (lambda === 0) return 0;
  const enlam = Math.exp(-lambda);
  let x = 0, prod = 1;
  for (;;) {
    prod *= g.nextDouble();
    if (prod > enlam) x += 1;
    else return x;
  }
}

/**
 * Poisson samples with per-element rates `input` (PyTorch's `torch.poisson`): a tensor of
 * `input`'s shape, dtype and device, each element drawn as PyTorch's CPU kernel draws it (see
 * `samplePoisson`). The rates are read on the CPU.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * torch.manualSeed(0);
 * assertEquals(torch.poisson(torch.tensor([1, 5, 20, 0.5])).toArray(), [2, 6, 19, 0]); // as PyTorch
 * ```
 */
export function poisson(input: Tensor, opts?: FillOptions): Tensor {
  return inFrameOf(() => {
    const rates = target("poisson", input, true);
    if (rates.device !== "cpu") {
      throw new Error(
        "poisson: the rates must be a CPU tensor (they are read to draw the samples); use `await rates.cpuAsync()` first",
      );
    }
    const g = generatorOf("poisson", opts);
    const lam = rates.contiguous().double().dataSync() as Float64Array;
    const out = new Float64Array(lam.length);
    for (let i = 0; i < lam.length; i++) {
      if (!(lam[i] >= 0)) {
        throw new RangeError(
          `poisson: invalid Poisson rate, expected rate to be non-negative, found ${lam[i]} at ${i}`,
        );
      }
      out[i] = samplePoisson(g, lam[i]);
    }
    return tensor(rates.dtype === "float64" ? out : Float32Array.from(out), { dtype: rates.dtype }).reshape([
      ...rates.shape,
    ]);
  });
}

/** `log(k!) - (log√(2π) + (k + 1/2)·log(k + 1) - (k + 1))`: the tail of Stirling's series (BTRS). */
function stirlingTail(k: number): number {
  if (k <= 9) return STIRLING_TAIL[k];
  const kp1sq = (k + 1) * (k + 1);
  return (1 / 12 - (1 / 360 - 1 / 1260 / kp1sq) / kp1sq) / (k + 1);
}
const STIRLING_TAIL = [
  0.0810614667953272,
  0.0413406959554092,
  0.0276779256849983,
  0.02079067210376509,
  0.0166446911898211,
  0.0138761288230707,
  0.0118967099458917,
  0.0104112652619720,
  0.00925546218271273,
  0.00833056343336287,
];

/**
 * One binomial sample as PyTorch 1.13's CPU `sample_binomial` draws it: Hörmann's BTRS
 * transformed rejection when `count·min(p, 1-p) >= 10`, else inversion by summing geometric
 * waiting times, mirrored (`count - X` of `1 - p`) above p = 1/2. Uniforms are 53-bit doubles;
 * `f` rounds what PyTorch computes in the tensor's precision (`Math.fround` for float32, the
 * identity for float64).
 */
export function sampleBinomial(g: Generator, count: number, prob: number, f: (x: number) => number): number {
  if (count <= 0 || prob <= 0) return 0;
  if (prob >= 1) return count;
  if (prob <= 0.5) {
    return f(count * prob) >= 10 ? btrs(g, count, prob, f) : binomialInversion(g, count, prob, f);
  }
  if (prob > 0.5) {
    const q = f(1 - prob);
    return f(count - (f(count * q) >= 10 ? btrs(g, count, q, f) : binomialInversion(g, count, q, f)));
  }
  return NaN;
}

function binomialInversion(g: Generator, count: number, prob: number, f: (x: number) => number): number {
  const logprob = f(Math.log1p(-prob));
  let geomSum = 0, numGeom = 0;
  for (;;) {
    geomSum += Math.ceil(Math.log(g.nextDouble()) / logprob);
    if (geomSum > count) return numGeom;
    numGeom = f(numGeom + 1);
  }
}

function btrs(g: Generator, count: number, prob: number, f: (x: number) => number): number {
  const stddev = f(Math.sqrt(f(f(count * prob) * f(1 - prob))));
  const b = 1.15 + 2.53 * stddev;
  const a = -0.0873 + 0.0248 * b + 0.01 * prob;
  const c = f(count * prob) + 0.5;
  const vr = 0.92 - 4.2 / b;
  const r = f(prob / f(1 - prob));
  const alpha = (2.83 + 5.1 / b) * stddev;
  const m = Math.floor(f(f(count + 1) * prob));
  for (;;) {
    const u = g.nextDouble() - 0.5;
    let v = g.nextDouble();
    const us = 0.5 - Math.abs(u);
    const k = f(Math.floor((2 * a / us + b) * u + c));
    if (k < 0 || k > count) continue;
    if (us >= 0.07 && v <= vr) return k;
    v = Math.log(v * alpha / (a / (us * us) + b));
    const upper = (m + 0.5) * Math.log((m + 1) / (r * (count - m + 1))) +
      f(count + 1) * Math.log((count - m + 1) / f(count - k + 1)) +
      (k + 0.5) * Math.log(r * f(count - k + 1) / f(k + 1)) +
      stirlingTail(m) + stirlingTail(count - m) - stirlingTail(k) - stirlingTail(f(count - k));
    if (v <= upper) return k;
  }
}

/**
 * Binomial samples: `count` trials of success probability `prob` per element (PyTorch's
 * `torch.binomial(count, prob)`), drawn as PyTorch's CPU kernel draws them (see `sampleBinomial`).
 * `count` and `prob` are tensors of one shape and float dtype, read on the CPU; the result has
 * their shape and dtype.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * torch.manualSeed(0);
 * const s = torch.binomial(torch.tensor([10, 100, 5], { dtype: "float32" }), torch.tensor([0.5, 0.3, 0]));
 * assertEquals(s.toArray(), [7, 31, 0]); // as PyTorch
 * ```
 */
export function binomial(count: Tensor, prob: Tensor, opts?: FillOptions): Tensor {
  return inFrameOf(() => {
    target("binomial", count, true);
    target("binomial", prob, true);
    if (count.dtype !== prob.dtype) {
      throw new TypeError(
        `binomial: expected count and prob of one dtype, got ${count.dtype} and ${prob.dtype}`,
      );
    }
    if (count.shape.length !== prob.shape.length || count.shape.some((d, i) => d !== prob.shape[i])) {
      throw new RangeError(
        `binomial: count and prob must have the same shape, got [${count.shape.join(", ")}] and [${
          prob.shape.join(", ")
        }]`,
      );
    }
    if (count.device !== "cpu" || prob.device !== "cpu") {
      throw new Error("binomial: count and prob must be CPU tensors (they are read to draw the samples)");
    }
    const g = generatorOf("binomial", opts);
    const n = count.contiguous().double().dataSync() as Float64Array;
    const p = prob.contiguous().double().dataSync() as Float64Array;
    const f = count.dtype === "float64" ? (x: number) => x : Math.fround;
    const out = new Float64Array(n.length);
    for (let i = 0; i < n.length; i++) out[i] = sampleBinomial(g, n[i], p[i], f);
    return tensor(count.dtype === "float64" ? out : Float32Array.from(out), { dtype: count.dtype }).reshape([
      ...count.shape,
    ]);
  });
}
