/**
 * `cdist`: p-norm distances between the rows of two batches of matrices, with PyTorch's two
 * algorithms and their gradients: the direct differences (`_cdist_forward` / `_cdist_backward`)
 * and, for p = 2 with more than 25 rows on either side (or when asked), the matrix-product form
 * `sqrt(clamp(|x1|² - 2 x1·x2 + |x2|², 0))` (`_euclidean_dist`), which is faster and less accurate.
 * @module
 */
import { isFloating } from "../dtype.ts";
import { broadcastShapes, fmtShape } from "../shape.ts";
import { Tensor } from "../tensor.ts";
import { recordComposite } from "./dispatch.ts";
import * as ew from "./elementwise.ts";
import { amax, sum } from "./reduce.ts";
import { cat } from "./indexing.ts";
import { expand, transpose, unsqueeze } from "./movement.ts";
import { matmul } from "./matmul.ts";
import { onesLike } from "../creation.ts";
import { inFrameOf } from "../memory.ts";
import { describeValue } from "../backends/contract.ts";
import { autocastCall } from "../amp/autocast_call.ts";

/** PyTorch's `compute_mode` of `cdist`. */
export type CdistComputeMode =
  | "use_mm_for_euclid_dist_if_necessary"
  | "use_mm_for_euclid_dist"
  | "donot_use_mm_for_euclid_dist";

/** Options of {@link cdist}. */
export interface CdistOptions {
  /** When p = 2 uses the matrix-product form (default: when either side has more than 25 rows). */
  computeMode?: CdistComputeMode;
}

const MODES: readonly CdistComputeMode[] = [
  "use_mm_for_euclid_dist_if_necessary",
  "use_mm_for_euclid_dist",
  "donot_use_mm_for_euclid_dist",
];

/** `x` broadcast to the batch dims `batch` (its last two dims kept). */
function toBatch(x: Tensor, batch: readonly number[]): Tensor {
  return expand(x, [...batch, x.shape[x.ndim - 2], x.shape[x.ndim - 1]]);
}

/**
 * The p-norm distance between each row of `x1` (`[..., P, M]`) and each row of `x2`
 * (`[..., R, M]`): `[..., P, R]`, batch dims broadcast. `p` is a non-negative number or
 * `Infinity` (p = 0 counts the differing coordinates). For p = 2 and more than 25 rows on either
 * side PyTorch computes `sqrt(max(|a|² - 2 a·b + |b|², 0))` with one matrix product (the default
 * `computeMode`, `"use_mm_for_euclid_dist_if_necessary"`); so does this, with PyTorch's values
 * and gradients on both paths.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const a = torch.tensor([[0, 0], [3, 4]], { dtype: "float32" });
 * const b = torch.tensor([[0, 0]], { dtype: "float32" });
 * assertEquals(torch.cdist(a, b).toArray(), [[0], [5]]);
 * assertEquals(torch.cdist(a, b, 1).toArray(), [[0], [7]]);
 * ```
 */
export function cdist(x1: Tensor, x2: Tensor, p = 2, opts: CdistOptions = {}): Tensor {
  const amp = autocastCall("float32", cdist, x1, x2, p, opts);
  if (amp !== undefined) return amp;
  return inFrameOf(() => {
    for (const [t, name] of [[x1, "X1"], [x2, "X2"]] as const) {
      if (!(t instanceof Tensor)) {
        throw new TypeError(`cdist: ${name} must be a tensor, got ${describeValue(t)}`);
      }
      if (t.ndim < 2) {
        throw new RangeError(`cdist: only supports at least 2D tensors, ${name} got: ${t.ndim}D`);
      }
      if (!isFloating(t.dtype)) {
        throw new TypeError(`cdist: only supports floating-point dtypes, ${name} got: ${t.dtype}`);
      }
    }
    if (typeof p !== "number" || Number.isNaN(p) || p < 0) {
      throw new RangeError(`cdist: only supports non-negative p values, got ${describeValue(p)}`);
    }
    const mode = opts.computeMode ?? "use_mm_for_euclid_dist_if_necessary";
    if (!MODES.includes(mode)) {
      throw new TypeError(
        `cdist: computeMode must be one of ${MODES.join(", ")}, got ${describeValue(mode)}`,
      );
    }
    const m1 = x1.shape[x1.ndim - 1], m2 = x2.shape[x2.ndim - 1];
    if (m1 !== m2) {
      throw new RangeError(
        `cdist: X1 and X2 must have the same number of columns. X1: ${m1} X2: ${m2} ` +
          `(shapes ${fmtShape(x1.shape)} and ${fmtShape(x2.shape)})`,
      );
    }
    const batch = broadcastShapes("cdist", x1.shape.slice(0, -2), x2.shape.slice(0, -2));
    const a = toBatch(x1, batch), b = toBatch(x2, batch);
    const r1 = x1.shape[x1.ndim - 2], r2 = x2.shape[x2.ndim - 2];
    const useMm = p === 2 && x1.numel() > 0 && x2.numel() > 0 &&
      (mode === "use_mm_for_euclid_dist" ||
        (mode === "use_mm_for_euclid_dist_if_necessary" && (r1 > 25 || r2 > 25)));
    if (useMm) return recordComposite("euclideanDist", [a, b], {}, () => euclideanDist(a, b));
    return recordComposite("cdist", [a, b], { p }, () => directDist(a, b, p));
  });
}

/** `sqrt(clamp(|a|² - 2 a·b + |b|², 0))` with one product, as PyTorch's `_euclidean_dist`. */
function euclideanDist(a: Tensor, b: Tensor): Tensor {
  const aNorm = sum(ew.mul(a, a), -1, { keepdim: true });
  const bNorm = sum(ew.mul(b, b), -1, { keepdim: true });
  const aa = cat([ew.mul(a, -2), aNorm, onesLike(aNorm)], -1);
  const bb = cat([b, onesLike(bNorm), bNorm], -1);
  return ew.sqrt(ew.clamp(matmul(aa, transpose(bb, -1, -2)), 0));
}

/** The differences `a[..., i, :] - b[..., j, :]`, `[..., P, R, M]`. */
function differences(a: Tensor, b: Tensor): Tensor {
  return ew.sub(unsqueeze(a, -2), unsqueeze(b, -3));
}

/** PyTorch's `_cdist_forward`: the p-norm of every difference of rows. */
function directDist(a: Tensor, b: Tensor, p: number): Tensor {
  const diff = differences(a, b);
  if (p === 0) return sum(ew.ne(diff, 0).to(a.dtype), -1);
  const abs = ew.abs(diff);
  if (p === 1) return sum(abs, -1);
  if (p === 2) return ew.sqrt(sum(ew.mul(diff, diff), -1));
  if (p === Infinity) {
    // An empty last dim has no maximum: the distance is 0, as PyTorch's.
    return diff.shape[diff.ndim - 1] === 0 ? sum(abs, -1) : amax(abs, -1);
  }
  return ew.pow(sum(ew.pow(abs, p), -1), 1 / p);
}

/**
 * @internal PyTorch's `_cdist_backward` for both inputs: per difference, `g * sign(d)` (p = 1),
 * `g * d / dist` (p = 2), `g * sign(d) * [|d| = dist]` (p = inf), `g * d |d|^(p-2) / dist^(p-1)`
 * (0 where dist is 0; below p = 2 written with sign(d) |d|^(p-1), 0 where d is 0 for p < 1),
 * summed over the other input's rows; nothing for p = 0.
 */
export function cdistBackward(g: Tensor, a: Tensor, b: Tensor, p: number, dist: Tensor): [Tensor, Tensor] {
  const diff = differences(a, b);
  const gk = unsqueeze(g, -1), dk = unsqueeze(dist, -1);
  let term: Tensor;
  if (p === 0) term = ew.mul(diff, 0);
  else if (p === 1) term = ew.mul(gk, ew.sign(diff));
  else if (p === Infinity) term = ew.mul(ew.mul(gk, ew.sign(diff)), ew.eq(ew.abs(diff), dk));
  else {
    const zero = ew.eq(dk, 0);
    const safeDist = ew.where(zero, 1, dk);
    let t: Tensor;
    if (p === 2) t = ew.div(ew.mul(gk, diff), safeDist);
    else if (p < 2) {
      t = ew.div(ew.mul(ew.mul(ew.sign(diff), ew.pow(ew.abs(diff), p - 1)), gk), ew.pow(safeDist, p - 1));
      if (p < 1) t = ew.where(ew.eq(diff, 0), 0, t);
    } else {
      t = ew.div(ew.mul(ew.mul(diff, ew.pow(ew.abs(diff), p - 2)), gk), ew.pow(safeDist, p - 1));
    }
    term = ew.where(zero, 0, t);
  }
  return [sum(term, -2), ew.neg(sum(term, -3))];
}

/**
 * @internal PyTorch's `_euclidean_dist_backward`: with `ratio = g / dist` (0 where dist is 0),
 * `a * rowsum(ratio) - ratio @ b` and `b * colsum(ratio) - ratio^T @ a`.
 */
export function euclideanDistBackward(g: Tensor, a: Tensor, b: Tensor, dist: Tensor): [Tensor, Tensor] {
  const zero = ew.eq(dist, 0);
  const ratio = ew.where(zero, 0, ew.div(g, ew.where(zero, 1, dist)));
  const ga = ew.sub(ew.mul(a, sum(ratio, -1, { keepdim: true })), matmul(ratio, b));
  const gb = ew.sub(ew.mul(b, unsqueeze(sum(ratio, -2), -1)), matmul(transpose(ratio, -1, -2), a));
  return [ga, gb];
}
