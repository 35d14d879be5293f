/**
 * Order statistics built on the stable sort (both devices): `median`, `nanmedian` (the lower
 * median, with its index along a dim) and `quantile`, `nanquantile` (PyTorch 1.13's algorithm:
 * ranks `q * (n - 1)` in the input's dtype, then the interpolation between the two neighbours),
 * and the NaN-skipping reductions `nansum`, `nanmean`. Gradients are PyTorch's: a global median
 * shares the gradient evenly among the elements equal to it; a median along a dim sends it to
 * the selected index; quantiles differentiate through the sort and the interpolation weights.
 * @module
 */
import { refuseComplex } from "../complex/core.ts";
import { isFloating } from "../dtype.ts";
import { fmtShape, normDim } from "../shape.ts";
import { Tensor } from "../tensor.ts";
import { describeValue } from "../backends/contract.ts";
import { tensor } from "../creation.ts";
import { inFrameOf } from "../memory.ts";
import { named, recordComposite } from "./dispatch.ts";
import * as ew from "./elementwise.ts";
import { gather } from "./indexing.ts";
import { isnan, logicalNot } from "./logical.ts";
import { permute, reshape, squeeze, transpose, unsqueeze } from "./movement.ts";
import { asOp } from "./naming.ts";
import { any, type DimArg, type ReduceOptions, sum, type ValuesIndices } from "./reduce.ts";
import { argsort, sort } from "./sort.ts";
import { guarded, rangeGuard } from "./value_checks.ts";
import { floorDivide } from "./division.ts";

// ---------------------------------------------------------------------------------------------
// nansum, nanmean

/**
 * Sum treating NaN as zero, over all elements or over `dim`s (PyTorch's `nansum`). Gradient:
 * `g` where the input is not NaN, 0 where it is.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.tensor([[1, NaN], [3, 4]]);
 * assertEquals(torch.nansum(x).item(), 8);
 * assertEquals(x.nansum(1, { keepdim: true }).toArray(), [[1], [7]]);
 * ```
 */
export function nansum(x: Tensor, dim?: DimArg | ReduceOptions, opts?: ReduceOptions): Tensor {
  refuseComplex("nansum", x);
  return asOp("nansum", () =>
    inFrameOf(() => {
      checkTensor("nansum", x);
      if (!isFloating(x.dtype)) return sum(x, dim, opts);
      const o: ReduceOptions = typeof dim === "object" && !Array.isArray(dim)
        ? dim as ReduceOptions
        : { ...opts, dim: dim as DimArg };
      const list = o.dim === undefined || o.dim === null
        ? []
        : typeof o.dim === "number"
        ? [o.dim]
        : [...o.dim];
      const dims = list.length === 0
        ? x.shape.map((_, i) => i)
        : list.map((d) => normDim("nansum", d, x.ndim));
      // Its own row: PyTorch's gradient is g * !isnan(x) (NaN where g is infinite, as nanmean's
      // gradient over an all-NaN row), which a where() would not give.
      return recordComposite(
        "nansum",
        [x],
        { dims: x.ndim === 0 ? [] : dims, keepdim: o.keepdim ?? false },
        () => sum(ew.where(isnan(x), 0, x), dim, opts),
      );
    }));
}

/**
 * Mean of the elements that are not NaN (PyTorch's `nanmean`): `nansum / count`, NaN where
 * every element is NaN. Float tensors only.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.tensor([[1, NaN], [3, 4]]);
 * assertEquals(torch.nanmean(x).item(), Math.fround(8 / 3));
 * assertEquals(x.nanmean({ dim: 0 }).toArray(), [2, 4]);
 * ```
 */
export function nanmean(x: Tensor, dim?: DimArg | ReduceOptions, opts?: ReduceOptions): Tensor {
  return asOp("nanmean", () =>
    inFrameOf(() => {
      checkTensor("nanmean", x);
      if (!isFloating(x.dtype)) {
        throw new TypeError(`nanmean: expected input to have floating point dtype but got ${x.dtype}`);
      }
      const count = sum(logicalNot(isnan(x)), dim, opts);
      return ew.div(nansum(x, dim, opts), count);
    }));
}

// ---------------------------------------------------------------------------------------------
// median, nanmedian

function checkTensor(op: string, x: unknown): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: expected a tensor, got ${describeValue(x)}`);
}

/** The position in the sorted row of the (nan)median: per row, from the row's NaN count. */
function medianRank(op: "median" | "nanmedian", x: Tensor, d: number): Tensor {
  const len = x.shape[d];
  const nans = sum(isnan(x), d, { keepdim: true }).to("int32");
  if (op === "median") {
    // Any NaN makes the median NaN: the first NaN of the sorted row (NaN sorts last).
    return ew.where(ew.gt(nans, 0), ew.sub(len, nans), (len - 1) >> 1);
  }
  return ew.maximum(floorDivide(ew.sub(len - 1, nans), 2), 0);
}

/** `{ values, indices }` of the (nan)median along `d`. */
function medianAlong(op: "median" | "nanmedian", x: Tensor, d: number, keepdim: boolean): ValuesIndices {
  if (x.ndim === 0) return { values: x.clone(), indices: tensor(0, { dtype: "int32", device: x.device }) };
  if (x.shape[d] === 0) {
    throw new RangeError(
      `${op}: Expected reduction dim ${d} to have non-zero size (input shape ${fmtShape(x.shape)})`,
    );
  }
  const order = argsort(x.detach(), d);
  let indices = gather(order, d, medianRank(op, x.detach(), d));
  let values = gather(x, d, indices);
  if (!keepdim) {
    indices = squeeze(indices, d);
    values = squeeze(values, d);
  }
  return { values: named(values, op === "median" ? "MedianBackward1" : "NanmedianBackward1", x), indices };
}

function globalMedian(op: "median" | "nanmedian", x: Tensor): Tensor {
  if (x.numel() === 0) {
    if (!isFloating(x.dtype)) {
      throw new RangeError(`${op}: the median of an empty ${x.dtype} tensor is undefined`);
    }
    return tensor(NaN, { dtype: x.dtype, device: x.device });
  }
  return recordComposite(op, [x], {}, () => {
    const flat = reshape(x, [-1]);
    return reshape(gather(flat, 0, gather(argsort(flat), 0, medianRank(op, flat, 0))), []);
  });
}

/** `dim` and `keepdim` of {@link median} and {@link nanmedian}. */
export interface MedianOptions {
  /** The dim to take the median along; without it, the median of all elements (a 0-d tensor). */
  dim?: number;
  /** Keep the reduced dim with size 1 (default false). */
  keepdim?: boolean;
}

function parseMedian(op: string, dim?: number | MedianOptions, opts?: MedianOptions): MedianOptions {
  const o: MedianOptions = typeof dim === "object" && dim !== null ? dim : { ...opts, dim };
  if (o.dim !== undefined && o.dim !== null && !Number.isInteger(o.dim)) {
    throw new TypeError(`${op}: dim must be an integer, got ${describeValue(o.dim)}`);
  }
  if (o.keepdim !== undefined && typeof o.keepdim !== "boolean") {
    throw new TypeError(`${op}: keepdim must be a boolean, got ${describeValue(o.keepdim)}`);
  }
  return o;
}

function medianOp(
  op: "median" | "nanmedian",
  x: Tensor,
  dim?: number | MedianOptions,
  opts?: MedianOptions,
): Tensor | ValuesIndices {
  return asOp(op, () =>
    inFrameOf(() => {
      checkTensor(op, x);
      const o = parseMedian(op, dim, opts);
      if (o.dim === undefined || o.dim === null) return globalMedian(op, x);
      return medianAlong(
        op,
        x,
        x.ndim === 0 ? normDim(op, o.dim, 0) : normDim(op, o.dim, x.ndim),
        o.keepdim ?? false,
      );
    }));
}

/**
 * The median: of all elements (a 0-d tensor), or along `dim` as `{ values, indices }` (the
 * index of the median in its row, int32). For an even count it is the lower of the two middle
 * values, as PyTorch; NaN anywhere in the reduced elements makes it NaN (see {@link nanmedian}).
 * Gradients: a global median shares `g` evenly among the elements equal to it; along a dim `g`
 * goes to the selected index.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.tensor([[3, 1, 4, 1], [5, 9, 2, 6]]);
 * assertEquals(torch.median(x).item(), 3);
 * const { values, indices } = x.median(1);
 * assertEquals(values.toArray(), [1, 5]);
 * assertEquals(indices.toArray(), [3, 0]); // PyTorch's indices
 * ```
 */
export function median(x: Tensor): Tensor;
/** The median along `dim`: `{ values, indices }` (see the first overload). */
export function median(x: Tensor, dim: number | MedianOptions, opts?: MedianOptions): ValuesIndices;
export function median(
  x: Tensor,
  dim?: number | MedianOptions,
  opts?: MedianOptions,
): Tensor | ValuesIndices {
  return medianOp("median", x, dim, opts);
}

/**
 * {@link median} ignoring NaN: the lower median of the elements that are not NaN (NaN, index 0,
 * where all are NaN).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.tensor([[3, NaN, 1, NaN], [NaN, NaN, 5, 2]]);
 * assertEquals(torch.nanmedian(x).item(), 2);
 * assertEquals(x.nanmedian(1).indices.toArray(), [2, 3]);
 * ```
 */
export function nanmedian(x: Tensor): Tensor;
/** The median of the non-NaN elements along `dim`: `{ values, indices }` (see the first overload). */
export function nanmedian(x: Tensor, dim: number | MedianOptions, opts?: MedianOptions): ValuesIndices;
export function nanmedian(
  x: Tensor,
  dim?: number | MedianOptions,
  opts?: MedianOptions,
): Tensor | ValuesIndices {
  return medianOp("nanmedian", x, dim, opts);
}

// ---------------------------------------------------------------------------------------------
// quantile, nanquantile

/** How {@link quantile} picks a value between the two neighbours of a rank (PyTorch's names). */
export type QuantileInterpolation = "linear" | "lower" | "higher" | "midpoint" | "nearest";

const INTERPOLATIONS: readonly string[] = ["linear", "lower", "higher", "midpoint", "nearest"];

/** Options of {@link quantile} and {@link nanquantile}. */
export interface QuantileOptions {
  /** The dim to reduce; without it, the quantiles of all elements. */
  dim?: number | null;
  /** Keep the reduced dim(s) with size 1 (default false). */
  keepdim?: boolean;
  /** Between two neighbours: `"linear"` (default), `"lower"`, `"higher"`, `"midpoint"`, `"nearest"`. */
  interpolation?: QuantileInterpolation;
}

/** `q` as a 1-D tensor of x's dtype on x's device, checked; whether it was a scalar. */
function quantileQ(op: string, x: Tensor, q: number | readonly number[] | Tensor): [Tensor, boolean] {
  if (q instanceof Tensor) {
    if (q.ndim > 1) {
      throw new RangeError(`${op}: q must be a scalar or 1D tensor, got shape ${fmtShape(q.shape)}`);
    }
    if (q.dtype !== x.dtype) {
      throw new TypeError(
        `${op}: q tensor must be same dtype as the input tensor (${q.dtype} vs ${x.dtype})`,
      );
    }
    if (q.device !== x.device) throw new Error(`${op}: q is on ${q.device} but the input is on ${x.device}`);
    // q stays in the graph: its gradient flows through the interpolation weights, as PyTorch's.
    const message = (v: number) => `${op}: q values must be in the range [0, 1], got ${v}`;
    if (q.device === "cpu") {
      const bad = Array.from(q.detach().dataSync()).find((v) => !(v >= 0 && v <= 1));
      if (bad !== undefined) throw new RangeError(message(bad));
      return [reshape(q, [-1]), q.ndim === 0];
    }
    return [
      guarded(reshape(q, [-1]), rangeGuard(op, q.detach(), 0, 1, message, { dtype: x.dtype })),
      q.ndim === 0,
    ];
  }
  const list = typeof q === "number" ? [q] : Array.isArray(q) ? q : null;
  if (list === null || list.some((v) => typeof v !== "number")) {
    throw new TypeError(
      `${op}: q must be a number, an array of numbers or a tensor, got ${describeValue(q)}`,
    );
  }
  for (const v of list) {
    if (!(v >= 0 && v <= 1)) throw new RangeError(`${op}: q must be in the range [0, 1] but got ${v}`);
  }
  return [tensor(list as number[], { dtype: x.dtype, device: x.device }), typeof q === "number"];
}

/**
 * Quantiles of `sorted`'s last dim (PyTorch 1.13's quantile_impl): `[...rows, Q]`.
 * `ignoreNan`: ranks over the non-NaN count (nanquantile); else any NaN makes the row's result NaN.
 */
function interpolate(sorted: Tensor, q: Tensor, ignoreNan: boolean, how: QuantileInterpolation): Tensor {
  const last = sorted.ndim - 1;
  const len = sorted.shape[last];
  const nan = isnan(sorted.detach());
  let ranks: Tensor;
  if (ignoreNan) {
    const valid = sum(logicalNot(nan), last, { keepdim: true }).to(sorted.dtype);
    ranks = ew.mul(q, ew.sub(valid, 1));
    ranks = ew.where(ew.lt(ranks, 0), 0, ranks);
  } else {
    ranks = ew.mul(q, len - 1);
    ranks = ew.where(any(nan, last, { keepdim: true }), len - 1, ranks);
  }
  if (how === "lower") ranks = ew.floor(ranks);
  else if (how === "higher") ranks = ew.ceil(ranks);
  else if (how === "nearest") ranks = ew.round(ranks);
  const below = ranks.detach().to("int32");
  const valuesBelow = gather(sorted, last, below);
  if (how !== "linear" && how !== "midpoint") return valuesBelow;
  const weights = how === "midpoint" ? 0.5 : ew.sub(ranks, below);
  const valuesAbove = gather(sorted, last, ew.ceil(ranks.detach()).to("int32"));
  // PyTorch's lerp, one node (LerpBackward1): from the nearer end, so weight 1 gives `above`
  // exactly; its gradients are g(1 - w), g w and g (above - below) (infinite, not NaN, when a
  // neighbour is). PyTorch's CPU kernel fuses the multiply-add; the product is rounded here, so a
  // result may differ from PyTorch's in its last bits.
  return recordComposite("quantileLerp", [valuesBelow, valuesAbove, weights], {}, () => {
    const diff = ew.sub(valuesAbove, valuesBelow);
    const nearAbove = ew.sub(
      valuesAbove,
      ew.mul(diff, typeof weights === "number" ? 1 - weights : ew.sub(1, weights)),
    );
    if (typeof weights === "number") return nearAbove;
    return ew.where(ew.lt(weights, 0.5), ew.add(valuesBelow, ew.mul(weights, diff)), nearAbove);
  });
}

function quantileOp(
  op: "quantile" | "nanquantile",
  x: Tensor,
  q: number | readonly number[] | Tensor,
  opts: QuantileOptions,
): Tensor {
  return asOp(op, () =>
    inFrameOf(() => {
      checkTensor(op, x);
      if (opts === null || typeof opts !== "object") {
        throw new TypeError(
          `${op}: options must be an object like { dim, keepdim, interpolation }, got ${describeValue(opts)}`,
        );
      }
      if (x.dtype !== "float32" && x.dtype !== "float64") {
        throw new TypeError(`${op}: input tensor must be either float or double dtype, got ${x.dtype}`);
      }
      const how = opts.interpolation ?? "linear";
      if (!INTERPOLATIONS.includes(how)) {
        throw new TypeError(
          `${op}: interpolation must be one of linear, lower, higher, midpoint or nearest, but got ${
            describeValue(how)
          }`,
        );
      }
      const keepdim = opts.keepdim ?? false;
      if (typeof keepdim !== "boolean") {
        throw new TypeError(`${op}: keepdim must be a boolean, got ${describeValue(keepdim)}`);
      }
      const [qs, scalarQ] = quantileQ(op, x, q);
      if (x.numel() === 0) throw new RangeError(`${op}: input tensor must be non-empty`);
      const hasDim = opts.dim !== undefined && opts.dim !== null;
      if (hasDim && !Number.isInteger(opts.dim)) {
        throw new TypeError(`${op}: dim must be an integer, got ${describeValue(opts.dim)}`);
      }
      // Rows along the last dim: the reduced dim kept with size 1 where it was (PyTorch's layout).
      const d = hasDim ? normDim(op, opts.dim as number, x.ndim) : 0;
      const rows = !hasDim
        ? reshape(x, [-1])
        : x.ndim === 0
        ? reshape(x, [1])
        : transpose(unsqueeze(x, -1), d, -1);
      const sorted = sort(rows, -1).values;
      const result = interpolate(sorted, qs, op === "nanquantile", how); // [...rows, Q]
      // Q first: [Q, ...rows].
      const r = result.ndim;
      let out = r === 1 ? result : permute(result, [r - 1, ...Array.from({ length: r - 1 }, (_, i) => i)]);
      if (!hasDim) {
        if (keepdim) out = reshape(out, [qs.numel(), ...x.shape.map(() => 1)]);
      } else if (x.ndim > 0 && !keepdim) out = squeeze(out, d + 1);
      else if (x.ndim === 0 && !keepdim) out = reshape(out, [qs.numel()]);
      return scalarQ ? squeeze(out, 0) : out;
    }));
}

/**
 * The `q`-quantiles of all elements, or along `dim` (PyTorch's `quantile`): `q` a number in
 * [0, 1], an array of them or a 1-D tensor of the input's dtype (then the result has a leading
 * dim of `q`'s size). The rank `q * (n - 1)` falls between two sorted values; `interpolation`
 * says which value is taken. NaN anywhere in a row makes its quantiles NaN (see
 * {@link nanquantile}). Float tensors only; differentiable.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.tensor([[0, 1, 2, 3], [4, 6, 8, 10]], { dtype: "float32" });
 * assertEquals(torch.quantile(x, 0.5, { dim: 1 }).toArray(), [1.5, 7]);
 * assertEquals(x.quantile([0, 1]).toArray(), [0, 10]);
 * assertEquals(torch.quantile(x, 0.5, { dim: 1, interpolation: "lower" }).toArray(), [1, 6]);
 * ```
 */
export function quantile(
  x: Tensor,
  q: number | readonly number[] | Tensor,
  opts: QuantileOptions = {},
): Tensor {
  return quantileOp("quantile", x, q, opts);
}

/**
 * {@link quantile} of the elements that are not NaN (NaN where a row has none).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.tensor([1, NaN, 3, 2]);
 * assertEquals(torch.nanquantile(x, 0.5).item(), 2);
 * assertEquals(Number.isNaN(torch.quantile(x, 0.5).item()), true);
 * ```
 */
export function nanquantile(
  x: Tensor,
  q: number | readonly number[] | Tensor,
  opts: QuantileOptions = {},
): Tensor {
  return quantileOp("nanquantile", x, q, opts);
}
