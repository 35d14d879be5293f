/**
 * Counting ops: `histc` and `histogram` (equal-width bins over a range, or given bin edges;
 * weights and density), `bincount` (occurrences of non-negative integers, weighted) and `isin`
 * (membership in a set of values). Bins are found as PyTorch 1.13's CPU kernel finds them: the
 * position `(x - left) * bins / (right - left)` in the input's dtype, truncated (histc), then
 * checked against the neighbouring edges (histogram); given edges are searched (the last bin
 * includes its right edge). NaN elements are never counted (PyTorch 1.13 counts them in whatever
 * bin its float-to-integer cast of NaN gives, undefined behaviour in C++). Counting is a scatter-add, so everything runs on both devices; only
 * `bincount`'s length depends on the values (read on the host: `bincountAsync` off the CPU).
 * Not differentiable (as in PyTorch).
 * @module
 */
import { type DType, isFloating } from "../dtype.ts";
import { fmtShape } from "../shape.ts";
import { Tensor } from "../tensor.ts";
import { arange, tensor, zeros } from "../creation.ts";
import { inFrameOf } from "../memory.ts";
import { describeValue } from "../backends/contract.ts";
import * as ew from "./elementwise.ts";
import { gather, scatterAdd, stack } from "./indexing.ts";
import { logicalAnd, logicalNot } from "./logical.ts";
import { narrow, reshape } from "./movement.ts";
import { amax, amin, sum } from "./reduce.ts";
import { sort } from "./sort.ts";
import { searchsorted } from "./searchsorted.ts";
import { asOp } from "./naming.ts";
import { guarded, rangeGuard } from "./value_checks.ts";

const FLOAT32_MAX = 3.4028234663852886e38;

/** @internal Checks that `x` is a floating point tensor. */
export function checkInput(op: string, x: unknown): asserts x is Tensor {
  if (!(x instanceof Tensor)) {
    throw new TypeError(`${op}: expected input to be a tensor, got ${describeValue(x)}`);
  }
  if (!isFloating(x.dtype)) {
    throw new TypeError(`${op}: expected a floating point input, got ${x.dtype} (convert it with .float())`);
  }
}

function checkBins(op: string, bins: unknown): asserts bins is number {
  if (typeof bins !== "number" || !Number.isInteger(bins) || bins <= 0) {
    throw new RangeError(`${op}: bins must be an integer > 0, got ${describeValue(bins)}`);
  }
}

/**
 * The range of the data as 0-d tensors (their min and max), widened by `pad` on each side when
 * they are equal; with a guard (off the CPU) or a check (on it) that they are finite.
 */
function dataRange(op: string, x: Tensor, pad: number): { lo: Tensor; hi: Tensor; guard: Tensor | null } {
  let lo = amin(x), hi = amax(x);
  const message = (v: number) => `${op}: the range of the input [min, max] is not finite (found ${v})`;
  let guard: Tensor | null = null;
  if (x.device === "cpu") {
    const a = lo.item() as number, b = hi.item() as number;
    if (!Number.isFinite(a) || !Number.isFinite(b)) {
      throw new RangeError(
        `${op}: range of [${a}, ${b}] is not finite (the input's min and max; pass a finite range)`,
      );
    }
  } else {
    guard = rangeGuard(op, stack([lo, hi]), -FLOAT32_MAX, FLOAT32_MAX, message, { dtype: x.dtype });
  }
  const same = ew.eq(lo, hi);
  lo = ew.where(same, ew.sub(lo, pad), lo);
  hi = ew.where(same, ew.add(hi, pad), hi);
  return { lo, hi, guard };
}

/**
 * @internal `bins + 1` evenly spaced edges from `lo` to `hi` (0-d tensors), as PyTorch's float
 * linspace: the step in the edges' dtype, then `lo + step·i` (first half) or `hi - step·(bins - i)`,
 * which PyTorch's build rounds once (a fused multiply-add): float32 edges on the CPU are computed
 * in float64 and rounded once to match (elsewhere, two roundings: at most 1 ulp apart).
 */
export function linearEdges(lo: Tensor, hi: Tensor, bins: number): Tensor {
  const steps = bins + 1;
  let step = ew.div(ew.sub(hi, lo), bins);
  const wide = lo.dtype === "float32" && lo.device === "cpu";
  if (wide) [lo, hi, step] = [lo.to("float64"), hi.to("float64"), step.to("float64")];
  const i = arange(steps, { dtype: lo.dtype, device: lo.device });
  const fromStart = ew.add(lo, ew.mul(step, i));
  const fromEnd = ew.sub(hi, ew.mul(step, ew.sub(bins, i)));
  const edges = ew.where(ew.lt(i, Math.floor(steps / 2)), fromStart, fromEnd);
  return wide ? edges.to("float32") : edges;
}

/**
 * @internal Counts (or sums `weight`) of `x`'s elements per bin, given each element's bin `pos` (int32,
 * valid where `inRange`), over `bins` bins.
 */
export function countInto(
  pos: Tensor,
  inRange: Tensor,
  bins: number,
  weight: Tensor | null,
  dtype: DType,
): Tensor {
  const target = ew.where(inRange, pos, bins).to("int32").reshape(-1);
  const src = weight === null
    ? ew.where(inRange, 1, 0).to(dtype).reshape(-1)
    : ew.where(inRange, weight, 0).to(dtype).reshape(-1);
  const counts = scatterAdd(zeros([bins + 1], { dtype, device: pos.device }), 0, target, src);
  return narrow(counts, 0, 0, bins).contiguous();
}

/**
 * The linear bin position `(x - lo) * bins / (hi - lo)` of each `x` between `lo` and `hi` (0-d),
 * truncated, at most `maxPos` (elements outside the range get 0).
 */
function linearPositions(
  x: Tensor,
  lo: Tensor,
  hi: Tensor,
  bins: number,
  maxPos: number,
  inRange: Tensor,
): Tensor {
  const safe = ew.where(inRange, x, lo);
  const raw = ew.floor(ew.div(ew.mul(ew.sub(safe, lo), bins), ew.sub(hi, lo)));
  return ew.minimum(raw, maxPos).to("int32");
}

/**
 * @internal The bin (int32, at most `nb - 1`) of each element of `flat` among the `nb + 1`
 * equal-width `edges` (valid where `inRange`), as PyTorch's kernel finds it: the linear guess,
 * then a search among the edges around it.
 */
export function localSearchPositions(flat: Tensor, edges: Tensor, nb: number, inRange: Tensor): Tensor {
  const left = narrow(edges, 0, 0, 1), right = narrow(edges, 0, nb, 1);
  const guess = linearPositions(flat, left, right, nb, nb, inRange);
  const first = ew.maximum(ew.sub(guess, 1), 0);
  let below = ew.mul(guess, 0);
  for (let off = -1; off <= 1; off++) {
    const k = ew.add(guess, off);
    const valid = logicalAnd(ew.ge(k, 0), ew.le(k, nb));
    const e = gather(edges, 0, ew.clamp(k, 0, nb).reshape(-1));
    below = ew.add(below, logicalAnd(valid, ew.le(e, ew.where(inRange, flat, left))).to("int32"));
  }
  return ew.minimum(ew.sub(ew.add(first, below), 1), nb - 1);
}

/** Options of {@link histc}, PyTorch's arguments. */
export interface HistcOptions {
  /** The number of bins (default 100). */
  bins?: number;
  /** The lower end of the range (default 0; with `max` also equal, the data's minimum). */
  min?: number;
  /** The upper end of the range (default 0; with `min` also equal, the data's maximum). */
  max?: number;
}

/**
 * A histogram of `x` (any shape, flattened) with `bins` equal-width bins (default 100) between
 * `min` and `max` (PyTorch's `torch.histc`); when they are equal (the default 0, 0) the data's
 * minimum and maximum, widened by 1 on each side when those are equal too. Elements outside the
 * range (and NaN) are not counted; the last bin includes `max`. Floating dtypes only; the result
 * has `x`'s dtype.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.tensor([1, 2, 1, 4, 2.5], { dtype: "float32" });
 * assertEquals(torch.histc(x, { bins: 4, min: 0, max: 3 }).toArray(), [0, 2, 1, 1]);
 * assertEquals(x.histc(3).toArray(), [2, 2, 1]);
 * ```
 */
export function histc(x: Tensor, bins?: number | HistcOptions, min?: number, max?: number): Tensor {
  return asOp("histc", () =>
    inFrameOf(() => {
      const o: HistcOptions = typeof bins === "object" && bins !== null ? bins : { bins, min, max };
      checkInput("histc", x);
      const n = o.bins ?? 100;
      checkBins("histc", n);
      let lo = o.min ?? 0, hi = o.max ?? 0;
      for (const [v, name] of [[lo, "min"], [hi, "max"]] as const) {
        if (typeof v !== "number") {
          throw new TypeError(`histc: ${name} must be a number, got ${describeValue(v)}`);
        }
      }
      let loT: Tensor, hiT: Tensor, guard: Tensor | null = null;
      const flat = reshape(x.detach(), [-1]);
      if (lo === hi && flat.numel() > 0) {
        ({ lo: loT, hi: hiT, guard } = dataRange("histc", flat, 1));
      } else {
        if (lo === hi) {
          lo -= 1;
          hi += 1;
        }
        if (!Number.isFinite(lo) || !Number.isFinite(hi)) {
          throw new RangeError(`histc: range of [${lo}, ${hi}] is not finite`);
        }
        if (!(lo < hi)) {
          throw new RangeError(`histc: max must be larger than min, got min ${lo} and max ${hi}`);
        }
        loT = tensor(lo, { dtype: x.dtype, device: x.device });
        hiT = tensor(hi, { dtype: x.dtype, device: x.device });
      }
      const inRange = logicalAnd(ew.ge(flat, loT), ew.le(flat, hiT));
      const pos = linearPositions(flat, loT, hiT, n, n - 1, inRange);
      return guarded(countInto(pos, inRange, n, null, x.dtype), guard);
    }));
}

/** Options of {@link histogram}, PyTorch's keyword arguments. */
export interface HistogramOptions {
  /** `[min, max]` of the equal-width bins (default: the data's; ignored when bin edges are given). */
  range?: readonly [number, number] | null;
  /** A weight per element of the input (same shape): the histogram sums weights instead of counting. */
  weight?: Tensor | null;
  /** Normalize so that the histogram integrates to 1 over the range (counts / total / bin width). */
  density?: boolean;
}

/** The result of {@link histogram}. */
export interface HistogramResult {
  /** The count (or weight sum, or density) per bin. */
  hist: Tensor;
  /** The `bins + 1` bin edges. */
  binEdges: Tensor;
}

/**
 * A histogram of `x` (PyTorch's `torch.histogram`): `bins` equal-width bins over `range` (default
 * the data's minimum and maximum, widened by 0.5 on each side when they are equal; [0, 1] for an
 * empty input), or the bins
 * between consecutive `bins` edges (a 1-D increasing tensor). Elements outside the edges (and
 * NaN) are not counted; the last bin includes its right edge. `weight` sums weights instead of
 * counting, `density` divides by the total and the bin widths. Floating dtypes only; returns
 * `{ hist, binEdges }` in `x`'s dtype.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.tensor([1, 2, 1], { dtype: "float32" });
 * const { hist, binEdges } = torch.histogram(x, 4, { range: [0, 3] });
 * assertEquals(hist.toArray(), [0, 2, 1, 0]);
 * assertEquals(binEdges.toArray(), [0, 0.75, 1.5, 2.25, 3]);
 * const edges = torch.tensor([0, 1.5, 3], { dtype: "float32" });
 * assertEquals(x.histogram(edges, { weight: torch.tensor([1, 2, 4], { dtype: "float32" }) }).hist.toArray(), [5, 2]);
 * ```
 */
export function histogram(
  x: Tensor,
  bins: number | Tensor = 100,
  opts: HistogramOptions = {},
): HistogramResult {
  return asOp("histogram", () =>
    inFrameOf(() => {
      checkInput("histogram", x);
      if (opts === null || typeof opts !== "object") {
        throw new TypeError(`histogram: options must be an object like { range, weight, density }`);
      }
      const weight = opts.weight ?? null;
      if (weight !== null) {
        if (!(weight instanceof Tensor)) {
          throw new TypeError(`histogram: expected weight to be a tensor, got ${describeValue(weight)}`);
        }
        if (weight.shape.length !== x.shape.length || weight.shape.some((s, i) => s !== x.shape[i])) {
          throw new RangeError(
            `histogram: if weight tensor is provided it should have the same shape as the input tensor, but got input with shape ${
              fmtShape(x.shape)
            } and weight with shape ${fmtShape(weight.shape)}`,
          );
        }
      }
      const flat = reshape(x.detach(), [-1]);
      const w = weight === null ? null : reshape(weight.detach(), [-1]);
      let edges: Tensor, pos: Tensor, inRange: Tensor, nb: number, guard: Tensor | null = null;
      if (bins instanceof Tensor) {
        if (bins.ndim !== 1) {
          throw new RangeError(
            `histogram: bins tensor should have one dimension, but got ${bins.ndim} dimensions (shape ${
              fmtShape(bins.shape)
            })`,
          );
        }
        if (bins.numel() === 0) throw new RangeError(`histogram: bins tensor should have at least 1 element`);
        if (bins.dtype !== x.dtype) {
          throw new TypeError(
            `histogram: input tensor and bins tensors should have the same dtype, got ${x.dtype} and ${bins.dtype}`,
          );
        }
        edges = bins.detach().contiguous();
        nb = edges.numel() - 1;
        inRange = logicalAnd(ew.ge(flat, narrow(edges, 0, 0, 1)), ew.le(flat, narrow(edges, 0, nb, 1)));
        const found = ew.sub(searchsorted(edges, flat, { right: true }), 1);
        pos = ew.minimum(found, Math.max(nb - 1, 0));
        if (nb === 0) {
          return { hist: zeros([0], { dtype: x.dtype, device: x.device }), binEdges: edges.clone() };
        }
      } else {
        checkBins("histogram", bins);
        nb = bins;
        let lo: Tensor, hi: Tensor;
        const range = opts.range ?? null;
        if (range !== null) {
          if (
            !Array.isArray(range) || range.length !== 2 || range.some((v) => typeof v !== "number")
          ) {
            throw new TypeError(`histogram: range must be [min, max], got ${describeValue(range)}`);
          }
          let [a, b] = range;
          if (!Number.isFinite(a) || !Number.isFinite(b)) {
            throw new RangeError(`histogram: range [${a}, ${b}] is not finite`);
          }
          if (a > b) throw new RangeError(`histogram: min should not exceed max, but got min ${a} max ${b}`);
          if (a === b) {
            a -= 0.5;
            b += 0.5;
          }
          lo = tensor(a, { dtype: x.dtype, device: x.device });
          hi = tensor(b, { dtype: x.dtype, device: x.device });
        } else if (flat.numel() > 0) {
          ({ lo, hi, guard } = dataRange("histogram", flat, 0.5));
        } else {
          // No data and no range: PyTorch's default range [0, 1].
          lo = tensor(0, { dtype: x.dtype, device: x.device });
          hi = tensor(1, { dtype: x.dtype, device: x.device });
        }
        edges = linearEdges(lo, hi, nb);
        const left = narrow(edges, 0, 0, 1), right = narrow(edges, 0, nb, 1);
        inRange = logicalAnd(ew.ge(flat, left), ew.le(flat, right));
        pos = localSearchPositions(flat, edges, nb, inRange);
      }
      let hist = countInto(pos, logicalAnd(inRange, logicalNot(ew.lt(pos, 0))), nb, w, x.dtype);
      if (opts.density) {
        const widths = ew.sub(narrow(edges, 0, 1, nb), narrow(edges, 0, 0, nb));
        hist = ew.div(ew.div(hist, sum(hist)), widths);
      }
      return {
        hist: guarded(hist, guard),
        binEdges: edges.isContiguous() ? edges.clone() : edges.contiguous(),
      };
    }));
}

/** Options of {@link bincount}, PyTorch's arguments. */
export interface BincountOptions {
  /** A weight per element (same length): the result sums weights instead of counting. */
  weights?: Tensor | null;
  /** The least length of the result (default 0). */
  minlength?: number;
}

function checkBincount(op: string, x: unknown, o: BincountOptions): asserts x is Tensor {
  if (!(x instanceof Tensor)) {
    throw new TypeError(`${op}: expected input to be a tensor, got ${describeValue(x)}`);
  }
  if (o === null || typeof o !== "object") {
    throw new TypeError(`${op}: options must be an object like { weights, minlength }`);
  }
  if (x.dtype !== "int32" && x.dtype !== "uint8") {
    throw new TypeError(`${op}: only supports 1-d non-negative integral inputs, got dtype ${x.dtype}`);
  }
  if (x.ndim !== 1) {
    throw new RangeError(
      `${op}: only supports 1-d non-negative integral inputs, got shape ${fmtShape(x.shape)}`,
    );
  }
  const m = o.minlength ?? 0;
  if (typeof m !== "number" || !Number.isInteger(m) || m < 0) {
    throw new RangeError(`${op}: minlength should be >= 0, got ${describeValue(m)}`);
  }
  const w = o.weights ?? null;
  if (w !== null) {
    if (!(w instanceof Tensor)) {
      throw new TypeError(`${op}: expected weights to be a tensor, got ${describeValue(w)}`);
    }
    if (w.ndim !== 1 || w.shape[0] !== x.shape[0]) {
      throw new RangeError(
        `${op}: weights should be 1-d and have the same length as input, got weights of shape ${
          fmtShape(w.shape)
        } and input of shape ${fmtShape(x.shape)}`,
      );
    }
  }
}

function bincountFrom(op: string, x: Tensor, o: BincountOptions, lo: number, hi: number): Tensor {
  if (x.numel() > 0 && lo < 0) {
    throw new RangeError(`${op}: only supports 1-d non-negative integral inputs, found ${lo}`);
  }
  const length = Math.max(x.numel() > 0 ? hi + 1 : 0, o.minlength ?? 0);
  const w = o.weights ?? null;
  // PyTorch: float32 weights sum in float32, any other weights in float64 (float32 off the CPU).
  const dtype: DType = w === null
    ? "int32"
    : w.dtype === "float32" || x.device !== "cpu"
    ? "float32"
    : "float64";
  const out = zeros([length], { dtype, device: x.device });
  if (x.numel() === 0) return out;
  const src = w === null ? ew.add(ew.mul(x, 0), 1).to("int32") : w.detach().to(dtype);
  return scatterAdd(out, 0, x.to("int32"), src);
}

/**
 * How many times each value `0, 1, ..., max(x)` occurs in the 1-D non-negative integer tensor
 * `x` (PyTorch's `torch.bincount`), at least `minlength` long; with `weights`, the sum of the
 * weights of each value's elements (float32 weights sum in float32, others in float64 on the CPU
 * as PyTorch). Counts are int32 (PyTorch: int64). The length depends on the values: CPU tensors;
 * see {@link bincountAsync}.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.tensor([0, 1, 1, 3]);
 * assertEquals(torch.bincount(x).toArray(), [1, 2, 0, 1]);
 * assertEquals(x.bincount({ minlength: 6 }).toArray(), [1, 2, 0, 1, 0, 0]);
 * const w = torch.tensor([0.5, 1, 2, 4], { dtype: "float32" });
 * assertEquals(torch.bincount(x, { weights: w }).toArray(), [0.5, 3, 0, 4]);
 * ```
 */
export function bincount(x: Tensor, opts: BincountOptions = {}): Tensor {
  return asOp("bincount", () =>
    inFrameOf(() => {
      checkBincount("bincount", x, opts);
      if (x.device !== "cpu" && x.numel() > 0) {
        throw new Error(
          `bincount: the result's length depends on the values, which needs a synchronous read of a tensor on ` +
            `"${x.device}"; use \`await torch.bincountAsync(...)\``,
        );
      }
      if (x.numel() === 0) return bincountFrom("bincount", x, opts, 0, 0);
      return bincountFrom("bincount", x, opts, amin(x).item() as number, amax(x).item() as number);
    }));
}

/**
 * {@link bincount} on every device (reads the input's minimum and maximum once).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals((await torch.bincountAsync(torch.tensor([2, 2, 0]))).toArray(), [1, 0, 2]);
 * ```
 */
export async function bincountAsync(x: Tensor, opts: BincountOptions = {}): Promise<Tensor> {
  checkBincount("bincountAsync", x, opts);
  if (x.numel() === 0) return bincount(x, opts);
  const ends = inFrameOf(() => stack([amin(x), amax(x)]).to("int32"));
  const [lo, hi] = await ends.dataAsync();
  ends.dispose();
  return asOp("bincountAsync", () => inFrameOf(() => bincountFrom("bincountAsync", x, opts, lo, hi)));
}

/** Options of {@link isin}, PyTorch's keyword arguments. */
export interface IsinOptions {
  /** Accepted for PyTorch parity (a speed hint there): the result is the same either way. */
  assumeUnique?: boolean;
  /** Return true where an element is NOT among the test elements (default false). */
  invert?: boolean;
}

/**
 * Whether each element of `elements` occurs in `testElements` (PyTorch's `torch.isin`): a bool
 * tensor of `elements`' shape (0-d for a number). Either may be a number, not both; the two are
 * compared in their promoted dtype; NaN is never found. `invert` negates the result.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.tensor([[1, 2], [3, 4]]);
 * assertEquals(torch.isin(x, torch.tensor([2, 3])).toArray(), [[false, true], [true, false]]);
 * assertEquals(torch.isin(x, 4, { invert: true }).toArray(), [[true, true], [true, false]]);
 * ```
 */
export function isin(
  elements: Tensor | number,
  testElements: Tensor | number,
  opts: IsinOptions = {},
): Tensor {
  return asOp("isin", () =>
    inFrameOf(() => {
      const isT = (v: unknown) => v instanceof Tensor;
      if (!isT(elements) && !isT(testElements)) {
        throw new TypeError(
          `isin: expected elements or testElements to be a tensor, got ${describeValue(elements)} and ${
            describeValue(testElements)
          } (at most one may be a number)`,
        );
      }
      for (const [v, name] of [[elements, "elements"], [testElements, "testElements"]] as const) {
        if (!isT(v) && typeof v !== "number") {
          throw new TypeError(`isin: expected ${name} to be a tensor or a number, got ${describeValue(v)}`);
        }
        if (isT(v) && (v as Tensor).dtype === "bool") {
          throw new TypeError(`isin: unsupported input type for ${name}: bool (as PyTorch)`);
        }
      }
      if (opts === null || typeof opts !== "object") {
        throw new TypeError(`isin: options must be an object like { assumeUnique, invert }`);
      }
      const dtype = ew.resultType(elements, testElements);
      const device = (isT(elements) ? elements as Tensor : testElements as Tensor).device;
      const asTensor = (v: Tensor | number) =>
        v instanceof Tensor ? v.detach().to(dtype) : tensor(v, { dtype, device });
      const e = asTensor(elements), t = reshape(asTensor(testElements), [-1]);
      let found: Tensor;
      if (t.numel() === 0 || e.numel() === 0) found = zeros(e.shape, { dtype: "bool", device });
      else {
        const sorted = sort(t).values;
        const at = ew.minimum(searchsorted(sorted, e), t.numel() - 1);
        const candidate = reshape(gather(sorted, 0, reshape(at, [-1])), e.shape);
        found = ew.eq(candidate, e);
      }
      return opts.invert ? logicalNot(found) : found;
    }));
}
