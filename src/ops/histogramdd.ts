/**
 * `torch.histogramdd`: the histogram of points in D dimensions (the input's last dim), with equal
 * -width bins per dimension (counts, over a range or the data's) or given bin edges per
 * dimension, weights and density, as PyTorch 1.13 (its CPU kernel's bin search: a linear guess
 * checked against the neighbouring edges for equal-width bins, a binary search for given edges;
 * the last bin of each dimension includes its right edge). Counting is a scatter-add, so it runs
 * on both devices. Not differentiable (as PyTorch).
 * @module
 */
import { Tensor } from "../tensor.ts";
import { tensor } from "../creation.ts";
import { inFrameOf } from "../memory.ts";
import { fmtShape, numelOf } from "../shape.ts";
import { describeValue } from "../backends/contract.ts";
import * as ew from "./elementwise.ts";
import { stack } from "./indexing.ts";
import { logicalAnd } from "./logical.ts";
import { narrow, reshape } from "./movement.ts";
import { select } from "./split_stack.ts";
import { amax, amin, sum } from "./reduce.ts";
import { searchsorted } from "./searchsorted.ts";
import { asOp } from "./naming.ts";
import { guarded, rangeGuard } from "./value_checks.ts";
import { checkInput, countInto, linearEdges, localSearchPositions } from "./histogram.ts";

const FLOAT32_MAX = 3.4028234663852886e38;

/** Options of {@link histogramdd}, PyTorch's keyword arguments. */
export interface HistogramddOptions {
  /**
   * `[min0, max0, min1, max1, ...]`: the range of each dimension's equal-width bins (default: the
   * data's; ignored when bin edges are given).
   */
  range?: readonly number[] | null;
  /** A weight per point (the input's shape without its last dim): sums of weights instead of counts. */
  weight?: Tensor | null;
  /** Normalize so that the histogram integrates to 1 (counts / total / bin volume). */
  density?: boolean;
}

/** The result of {@link histogramdd}. */
export interface HistogramddResult {
  /** The count (or weight sum, or density) per bin, `[bins0, bins1, ...]`. */
  hist: Tensor;
  /** Each dimension's bin edges. */
  binEdges: Tensor[];
}

/**
 * The D-dimensional histogram of the points in `input` (`[..., D]`: each row of its last dim is a
 * point), PyTorch's `torch.histogramdd(input, bins, range=, weight=, density=)`. `bins` is a bin
 * count for every dimension, a count per dimension, or a 1-D tensor of increasing bin edges per
 * dimension. Equal-width bins span `range` (`[min0, max0, min1, max1, ...]`) or the data's minimum
 * and maximum per dimension (widened by 0.5 on each side where they are equal; [0, 1] without
 * points). Points outside the bins (or with a NaN coordinate) are not counted; the last bin of a
 * dimension includes its right edge. `weight` (the input's shape without its last dim) sums
 * weights instead of counting; `density` divides by the total and the bin volumes. Floating dtypes;
 * returns `{ hist, binEdges }` in the input's dtype. (On the GPU, equal-width edges taken from the
 * data's range may be 1 ulp from PyTorch's, which rounds its multiply-adds once.)
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const pts = torch.tensor([[0, 1], [1, 0.5], [2, 2], [0.3, 0.7]], { dtype: "float32" });
 * const { hist, binEdges } = torch.histogramdd(pts, [2, 3]);
 * assertEquals(hist.toArray(), [[1, 1, 0], [1, 0, 1]]);
 * assertEquals(binEdges[1].toArray(), [0.5, 1, 1.5, 2]);
 * const edges = [torch.tensor([0, 1, 3], { dtype: "float32" }), torch.tensor([0, 0.6, 2])];
 * assertEquals(torch.histogramdd(pts, edges).hist.toArray(), [[0, 2], [1, 1]]);
 * ```
 */
export function histogramdd(
  input: Tensor,
  bins: number | readonly number[] | readonly Tensor[],
  opts: HistogramddOptions = {},
): HistogramddResult {
  const op = "histogramdd";
  return asOp(op, () =>
    inFrameOf(() => {
      checkInput(op, input);
      if (input.ndim < 2) {
        throw new RangeError(
          `${op}: input tensor should have at least 2 dimensions (points along the last), got ${
            fmtShape(input.shape)
          }`,
        );
      }
      if (opts === null || typeof opts !== "object") {
        throw new TypeError(`${op}: options must be an object like { range, weight, density }`);
      }
      const D = input.shape[input.ndim - 1];
      const pts = reshape(input.detach(), [-1, D]);
      const weight = opts.weight ?? null;
      const pointShape = input.shape.slice(0, -1);
      if (weight !== null) {
        if (!(weight instanceof Tensor)) {
          throw new TypeError(`${op}: expected weight to be a tensor, got ${describeValue(weight)}`);
        }
        if (weight.ndim !== pointShape.length || weight.shape.some((s, i) => s !== pointShape[i])) {
          throw new RangeError(
            `${op}: if weight tensor is provided it should have the same shape as the input tensor excluding its ` +
              `innermost dimension, but got input with shape ${fmtShape(input.shape)} and weight with shape ${
                fmtShape(weight.shape)
              }`,
          );
        }
        if (weight.dtype !== input.dtype) {
          throw new TypeError(
            `${op}: if weight tensor is provided, input tensor and weight tensor should have the same dtype, ` +
              `but got input(${input.dtype}), and weight(${weight.dtype})`,
          );
        }
      }
      const w = weight === null ? null : reshape(weight.detach(), [-1]);
      const edgesGiven = Array.isArray(bins) && bins.length > 0 && bins.every((b) => b instanceof Tensor);
      const edges: Tensor[] = [];
      let guard: Tensor | null = null;
      if (edgesGiven) {
        const list = bins as readonly Tensor[];
        if (list.length !== D) {
          throw new RangeError(
            `${op}: expected ${D} sequences of bin edges for a ${D}-dimensional histogram but got ${list.length}`,
          );
        }
        list.forEach((e, d) => {
          if (e.ndim !== 1) {
            throw new RangeError(
              `${op}: bins tensor should have one dimension, but got ${e.ndim} dimensions in the bins tensor for dimension ${d}`,
            );
          }
          if (e.numel() < 2) {
            throw new RangeError(`${op}: bins must be > 0, but got ${e.numel() - 1} for dimension ${d}`);
          }
          if (e.dtype !== input.dtype) {
            throw new TypeError(
              `${op}: input tensor and bins tensors should have the same dtype, but got input with dtype ${input.dtype} ` +
                `and bins for dimension ${d} with dtype ${e.dtype}`,
            );
          }
          edges.push(e.detach().to(input.device).contiguous());
        });
      } else {
        const counts = typeof bins === "number" ? new Array<number>(D).fill(bins) : bins;
        if (!Array.isArray(counts) || counts.some((b) => typeof b !== "number")) {
          throw new TypeError(
            `${op}: bins must be a number, an array of numbers or an array of edge tensors, got ${
              describeValue(bins)
            }`,
          );
        }
        if (counts.length !== D) {
          throw new RangeError(
            `${op}: expected ${D} bin counts for a ${D}-dimensional histogram but got ${counts.length}`,
          );
        }
        (counts as number[]).forEach((b, d) => {
          if (!Number.isInteger(b) || b <= 0) {
            throw new RangeError(`${op}: bins must be > 0, but got ${b} for dimension ${d}`);
          }
        });
        let lo: number[] | Tensor, hi: number[] | Tensor;
        const range = opts.range ?? null;
        if (range !== null) {
          if (!Array.isArray(range) || range.some((v) => typeof v !== "number")) {
            throw new TypeError(`${op}: range must be an array of numbers, got ${describeValue(range)}`);
          }
          if (range.length !== 2 * D) {
            throw new RangeError(
              `${op}: for a ${D}-dimensional histogram range should have ${
                2 * D
              } elements, but got ${range.length}`,
            );
          }
          lo = range.filter((_, i) => i % 2 === 0);
          hi = range.filter((_, i) => i % 2 === 1);
        } else if (pts.shape[0] === 0) {
          lo = new Array<number>(D).fill(0);
          hi = new Array<number>(D).fill(1);
        } else if (input.device === "cpu") {
          lo = Array.from(amin(pts, 0).dataSync());
          hi = Array.from(amax(pts, 0).dataSync());
        } else {
          lo = amin(pts, 0);
          hi = amax(pts, 0);
          const message = (v: number) =>
            `${op}: the range of the input [min, max] is not finite (found ${v})`;
          guard = rangeGuard(op, stack([lo, hi]), -FLOAT32_MAX, FLOAT32_MAX, message, { dtype: input.dtype });
        }
        for (let d = 0; d < D; d++) {
          let loT: Tensor, hiT: Tensor;
          if (Array.isArray(lo) && Array.isArray(hi)) {
            let a = lo[d], b = hi[d];
            if (!Number.isFinite(a) || !Number.isFinite(b)) {
              throw new RangeError(`${op}: dimension ${d}'s range [${a}, ${b}] is not finite`);
            }
            if (a > b) {
              throw new RangeError(
                `${op}: min should not exceed max, but got min ${a} max ${b} for dimension ${d}`,
              );
            }
            if (a === b) [a, b] = [a - 0.5, b + 0.5];
            // Edges from a known range are made on the CPU (as PyTorch rounds them), then moved.
            loT = tensor(a, { dtype: input.dtype });
            hiT = tensor(b, { dtype: input.dtype });
          } else {
            const a = select(lo as Tensor, 0, d), b = select(hi as Tensor, 0, d), same = ew.eq(a, b);
            loT = ew.where(same, ew.sub(a, 0.5), a);
            hiT = ew.where(same, ew.add(b, 0.5), b);
          }
          edges.push(linearEdges(loT, hiT, counts[d] as number).to(input.device));
        }
      }
      const nbs = edges.map((e) => e.numel() - 1);
      let index: Tensor | null = null, valid: Tensor | null = null;
      let stride = numelOf(nbs);
      edges.forEach((e, d) => {
        const nb = nbs[d];
        stride /= nb;
        const col = select(pts, 1, d).contiguous();
        const inRange = logicalAnd(ew.ge(col, narrow(e, 0, 0, 1)), ew.le(col, narrow(e, 0, nb, 1)));
        const pos = edgesGiven
          ? ew.minimum(ew.sub(searchsorted(e, col, { right: true }), 1), nb - 1)
          : localSearchPositions(col, e, nb, inRange);
        const ok = logicalAnd(inRange, ew.ge(pos, 0));
        const term = ew.mul(ew.where(ok, pos, 0), stride);
        index = index === null ? term : ew.add(index, term);
        valid = valid === null ? ok : logicalAnd(valid, ok);
      });
      const total = numelOf(nbs);
      let hist = countInto(index!, valid!, total, w, input.dtype).reshape(nbs);
      if (opts.density) {
        hist = ew.div(hist, sum(hist));
        edges.forEach((e, d) => {
          const widths = ew.sub(narrow(e, 0, 1, nbs[d]), narrow(e, 0, 0, nbs[d]));
          hist = ew.div(hist, reshape(widths, nbs.map((n, k) => (k === d ? n : 1))));
        });
      }
      return { hist: guarded(hist.contiguous(), guard), binEdges: edges.map((e) => e.clone()) };
    }));
}
