/**
 * Statistics composed of existing differentiable ops (both devices): `stdMean` / `varMean`,
 * `cov` (with `correction`, `fweights`, `aweights`) and `corrcoef`, `dist` (the p-norm of a
 * difference), `renorm` (sub-tensors rescaled to a maximum norm) and `logspace`. Gradients come
 * from the ops they are built of and agree with PyTorch 1.13's formulas.
 * @module
 */
import { isFloating } from "../dtype.ts";
import { fmtShape, normDim } from "../shape.ts";
import { Tensor } from "../tensor.ts";
import { type CreateOptions, tensor } from "../creation.ts";
import { inFrameOf } from "../memory.ts";
import { describeValue } from "../backends/contract.ts";
import { named } from "./dispatch.ts";
import * as ew from "./elementwise.ts";
import { diagonal } from "./rearrange.ts";
import { matmul } from "./matmul.ts";
import { reshape, squeeze, transpose, unsqueeze } from "./movement.ts";
import { type DimArg, mean, norm, std, sum, variance, type VarOptions } from "./reduce.ts";
import { asOp } from "./naming.ts";
import { guarded, rangeGuard } from "./value_checks.ts";

function checkTensor(op: string, x: unknown, what = "input"): asserts x is Tensor {
  if (!(x instanceof Tensor)) {
    throw new TypeError(`${op}: expected ${what} to be a tensor, got ${describeValue(x)}`);
  }
}

/**
 * The standard deviation and the mean in one call, `[std, mean]` (PyTorch's `torch.std_mean`),
 * with `std`'s options: `dim` (default all), `correction` (default 1; `unbiased: false` is 0) and
 * `keepdim`. Both are differentiable.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const [s, m] = torch.stdMean(torch.tensor([[1, 3], [2, 6]], { dtype: "float32" }), 1, { correction: 0 });
 * assertEquals(s.toArray(), [1, 2]);
 * assertEquals(m.toArray(), [2, 4]);
 * ```
 */
export function stdMean(x: Tensor, dim?: DimArg | VarOptions, opts?: VarOptions): [Tensor, Tensor] {
  return asOp("stdMean", () =>
    inFrameOf(() => {
      checkTensor("stdMean", x);
      return [
        named(std(x, dim, opts), "StdMeanBackward0", x),
        named(meanLike(x, dim, opts), "StdMeanBackward0", x),
      ];
    }));
}

/**
 * The variance and the mean in one call, `[var, mean]` (PyTorch's `torch.var_mean`), with
 * `var`'s options: `dim`, `correction` (default 1; `unbiased: false` is 0) and `keepdim`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const [v, m] = torch.varMean(torch.tensor([1, 2, 3, 4], { dtype: "float32" }), { unbiased: false });
 * assertEquals(v.item(), 1.25);
 * assertEquals(m.item(), 2.5);
 * ```
 */
export function varMean(x: Tensor, dim?: DimArg | VarOptions, opts?: VarOptions): [Tensor, Tensor] {
  return asOp("varMean", () =>
    inFrameOf(() => {
      checkTensor("varMean", x);
      return [
        named(variance(x, dim, opts), "VarMeanBackward0", x),
        named(meanLike(x, dim, opts), "VarMeanBackward0", x),
      ];
    }));
}

/** The mean over the same dims (and keepdim) as a var/std call. */
function meanLike(x: Tensor, dim?: DimArg | VarOptions, opts?: VarOptions): Tensor {
  const o: VarOptions = typeof dim === "object" && dim !== null && !Array.isArray(dim)
    ? dim as VarOptions
    : { ...opts, dim: dim as DimArg | undefined };
  return mean(x, { dim: o.dim ?? undefined, keepdim: o.keepdim ?? false });
}

/** Options of {@link cov}, PyTorch's keyword arguments. */
export interface CovOptions {
  /** Subtracted from the number of observations (or weight sum) in the denominator (default 1). */
  correction?: number;
  /** Integer frequency weights, one per observation (column). */
  fweights?: Tensor | null;
  /** Non-negative float observation weights, one per observation (column). */
  aweights?: Tensor | null;
}

function checkWeights(op: string, w: Tensor, kind: "fweights" | "aweights", observations: number): void {
  if (!(w instanceof Tensor)) {
    throw new TypeError(`${op}: expected ${kind} to be a tensor, got ${describeValue(w)}`);
  }
  if (w.ndim > 1) {
    throw new RangeError(
      `${op}: expected ${kind} to have one or fewer dimensions but got ${kind} with ${w.ndim} dimensions (shape ${
        fmtShape(w.shape)
      })`,
    );
  }
  if (kind === "fweights" && isFloating(w.dtype)) {
    throw new TypeError(
      `${op}: expected fweights to have integral dtype but got fweights with ${w.dtype} dtype`,
    );
  }
  if (kind === "aweights" && !isFloating(w.dtype)) {
    throw new TypeError(
      `${op}: expected aweights to have floating point dtype but got aweights with ${w.dtype} dtype`,
    );
  }
  if (w.numel() !== observations) {
    throw new RangeError(
      `${op}: expected ${kind} to have the same numel as there are observations in the input but got ${w.numel()} != ${observations}`,
    );
  }
  if (w.device === "cpu" && w.numel() > 0 && (ew.lt(w, 0).any().item() as boolean)) {
    throw new RangeError(`${op}: ${kind} cannot be negative`);
  }
}

/**
 * The covariance matrix of the variables in the rows of `x` (observations in the columns; a 1-D
 * `x` is one variable), as PyTorch's `torch.cov`: `correction` (default 1, Bessel's),
 * integer frequency weights `fweights` and float observation weights `aweights`. A denominator
 * at or below 0 gives infinities/NaN, as PyTorch (which also warns). Integer inputs give float32.
 * Differentiable in `x` and `aweights`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.tensor([[0, 1, 2], [2, 1, 0]], { dtype: "float32" });
 * assertEquals(torch.cov(x).toArray(), [[1, -1], [-1, 1]]);
 * assertEquals(x.cov({ correction: 0 }).toArray(), [[2 / 3, -2 / 3], [-2 / 3, 2 / 3]].map((r) => r.map(Math.fround)));
 * ```
 */
export function cov(x: Tensor, opts: CovOptions = {}): Tensor {
  return asOp("cov", () =>
    inFrameOf(() => {
      checkTensor("cov", x);
      if (opts === null || typeof opts !== "object") {
        throw new TypeError(`cov: options must be an object like { correction, fweights, aweights }`);
      }
      if (x.ndim > 2) {
        throw new RangeError(
          `cov: expected input to have two or fewer dimensions but got an input with ${x.ndim} dimensions (shape ${
            fmtShape(x.shape)
          })`,
        );
      }
      const correction = opts.correction ?? 1;
      if (typeof correction !== "number" || !Number.isFinite(correction)) {
        throw new TypeError(`cov: correction must be a finite number, got ${describeValue(correction)}`);
      }
      const xf = isFloating(x.dtype) ? x : x.float();
      const X = x.ndim < 2 ? reshape(xf, [1, -1]) : xf;
      const n = X.shape[1];
      // Off the CPU the sign checks travel with the weights (and so with the result).
      let w: Tensor | null = null;
      const fw = opts.fweights ?? null, aw = opts.aweights ?? null;
      if (fw !== null) {
        checkWeights("cov", fw, "fweights", n);
        const guard = rangeGuard("cov", fw, 0, 2147483647, () => "cov: fweights cannot be negative");
        w = guarded(fw.to(X.dtype), guard);
      }
      let awf: Tensor | null = null;
      if (aw !== null) {
        checkWeights("cov", aw, "aweights", n);
        const guard = rangeGuard("cov", aw, 0, Infinity, () => "cov: aweights cannot be negative");
        awf = guarded(aw.to(X.dtype), guard);
        w = w === null ? awf : ew.mul(w, awf);
      }
      let centered: Tensor, factor: Tensor | number;
      if (w === null) {
        centered = ew.sub(X, mean(X, 1, { keepdim: true }));
        factor = n - correction;
        return squeeze(ew.div(matmul(centered, transpose(centered, 0, 1)), Math.max(factor, 0)));
      }
      const wSum = sum(w);
      centered = ew.sub(X, unsqueeze(ew.div(sum(ew.mul(X, w), 1), wSum), 1));
      if (correction === 0) factor = wSum;
      else if (awf === null) factor = ew.sub(wSum, correction);
      else factor = ew.sub(wSum, ew.div(ew.mul(sum(ew.mul(w, awf)), correction), wSum));
      factor = ew.where(ew.le(factor, 0), 0, factor);
      return squeeze(ew.div(matmul(ew.mul(centered, w), transpose(centered, 0, 1)), factor));
    }));
}

/**
 * Pearson's correlation coefficients of the variables in the rows of `x` (PyTorch's
 * `torch.corrcoef`): `cov(x)` divided by the outer product of the standard deviations, clipped
 * to [-1, 1]. A constant row gives NaN, as PyTorch. Differentiable.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.tensor([[1, 2, 3], [6, 4, 2]], { dtype: "float32" });
 * assertEquals(torch.corrcoef(x).toArray(), [[1, -1], [-1, 1]]);
 * ```
 */
export function corrcoef(x: Tensor): Tensor {
  return asOp("corrcoef", () =>
    inFrameOf(() => {
      checkTensor("corrcoef", x);
      const c = cov(x);
      if (c.ndim === 0) return ew.div(c, c);
      const sd = ew.sqrt(diagonal(c));
      const scaled = ew.div(ew.div(c, unsqueeze(sd, 1)), unsqueeze(sd, 0));
      return ew.clamp(scaled, -1, 1);
    }));
}

/**
 * The p-norm (default 2) of `a - b`, broadcast (PyTorch's `torch.dist`); `p` may be 0 (the
 * count of differing elements), `Infinity` or `-Infinity`. Floating dtypes only. The gradient is
 * the norm's: 0 where the distance is 0 (p = 2), shared among ties for p = ±Infinity.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const a = torch.tensor([0, 0], { dtype: "float32" }), b = torch.tensor([3, 4], { dtype: "float32" });
 * assertEquals(torch.dist(a, b).item(), 5);
 * assertEquals(a.dist(b, 1).item(), 7);
 * ```
 */
export function dist(a: Tensor, b: Tensor, p = 2): Tensor {
  return asOp("dist", () =>
    inFrameOf(() => {
      checkTensor("dist", a);
      checkTensor("dist", b, "other");
      if (typeof p !== "number" || Number.isNaN(p)) {
        throw new TypeError(`dist: p must be a number, got ${describeValue(p)}`);
      }
      if (!isFloating(a.dtype) || !isFloating(b.dtype)) {
        throw new TypeError(
          `dist: input dtype should be floating point, got ${a.dtype} and ${b.dtype}`,
        );
      }
      return named(norm(ew.sub(a, b), p), "DistBackward0", a, b);
    }));
}

/**
 * Each sub-tensor of `x` along `dim` (`x.select(dim, i)`) whose p-norm exceeds `maxnorm` scaled
 * down to norm `maxnorm` (PyTorch's `torch.renorm`: by `maxnorm / (norm + 1e-7)`); the others
 * unchanged. `x` needs at least 2 dims; `p` > 0; `maxnorm` >= 0. Differentiable, with PyTorch's
 * gradient (the scale's dependence on the norm included).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.tensor([[3, 4], [0.3, 0.4]], { dtype: "float32" });
 * const r = torch.renorm(x, 2, 0, 1);
 * assertEquals(torch.allclose(r, torch.tensor([[0.6, 0.8], [0.3, 0.4]])), true);
 * ```
 */
export function renorm(x: Tensor, p: number, dim: number, maxnorm: number): Tensor {
  return asOp("renorm", () =>
    inFrameOf(() => {
      checkTensor("renorm", x);
      if (typeof p !== "number" || Number.isNaN(p) || p <= 0) {
        throw new RangeError(
          `renorm: non-positive-norm not supported (p must be > 0, got ${describeValue(p)})`,
        );
      }
      if (typeof maxnorm !== "number" || Number.isNaN(maxnorm) || maxnorm < 0) {
        throw new RangeError(`renorm: expected maxnorm to be >= 0 but got ${describeValue(maxnorm)}`);
      }
      if (typeof dim !== "number" || !Number.isInteger(dim)) {
        throw new TypeError(`renorm: dim must be an integer, got ${describeValue(dim)}`);
      }
      if (x.ndim <= 1) {
        throw new RangeError(`renorm: input needs at least 2 dimensions, got ${x.ndim} dimensions`);
      }
      if (!isFloating(x.dtype)) {
        throw new TypeError(`renorm: expected a floating point tensor, got ${x.dtype}`);
      }
      const d = normDim("renorm", dim, x.ndim);
      const others = x.shape.map((_, i) => i).filter((i) => i !== d);
      const norms = norm(x, p, others, { keepdim: true });
      const scale = ew.where(ew.gt(norms, maxnorm), ew.div(maxnorm, ew.add(norms, 1e-7)), 1);
      return named(ew.mul(x, scale), "RenormBackward0", x);
    }));
}

/** Options of {@link logspace}: the base (default 10) and the creation options. */
export interface LogspaceOptions extends CreateOptions {
  /** The base of the exponent (default 10). */
  base?: number;
}

/**
 * `steps` values `base ** e` with exponents evenly spaced from `start` to `end` inclusive
 * (PyTorch's `torch.logspace`, computed as its CPU kernel: exponents in float64 from the bounds
 * rounded to the dtype, the power rounded once). Float dtypes, or int32 (truncated).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.logspace(0, 3, 4).toArray(), [1, 10, 100, 1000]);
 * assertEquals(torch.logspace(0, 3, 4, { base: 2 }).toArray(), [1, 2, 4, 8]);
 * ```
 */
export function logspace(start: number, end: number, steps: number, opts: LogspaceOptions = {}): Tensor {
  return inFrameOf(() => {
    for (const [v, name] of [[start, "start"], [end, "end"]] as const) {
      if (typeof v !== "number") {
        throw new TypeError(`logspace: ${name} must be a number, got ${describeValue(v)}`);
      }
    }
    if (typeof steps !== "number" || !Number.isInteger(steps) || steps < 0) {
      throw new RangeError(`logspace: number of steps must be non-negative, got ${describeValue(steps)}`);
    }
    const { base = 10, ...create } = opts;
    if (typeof base !== "number") {
      throw new TypeError(`logspace: base must be a number, got ${describeValue(base)}`);
    }
    const dtype = create.dtype ?? "float32";
    if (!isFloating(dtype) && dtype !== "int32") {
      throw new TypeError(`logspace: dtype must be a float dtype or int32, got ${String(dtype)}`);
    }
    const round = dtype === "float32" ? Math.fround : dtype === "int32" ? Math.trunc : (v: number) => v;
    const s = round(start), e = round(end);
    const step = dtype === "float32" ? Math.fround(e - s) / (steps - 1) : (e - s) / (steps - 1);
    const half = Math.floor(steps / 2);
    const values: number[] = [];
    for (let i = 0; i < steps; i++) {
      const exponent = steps === 1 ? s : i < half ? s + step * i : e - step * (steps - i - 1);
      values.push(dtype === "int32" ? Math.trunc(Math.pow(base, exponent)) : Math.pow(base, exponent));
    }
    return tensor(values, { ...create, dtype });
  });
}
