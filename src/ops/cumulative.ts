/**
 * `cumprod` (the inclusive running product along a dim) and its gradient, PyTorch's
 * `cumprod_backward`: an O(n) formula that handles zeros when no higher-order graph is built, the
 * O(n²) product-of-the-others formula when one is (its own derivative is then the true second
 * derivative, zeros included).
 * @module
 */
import { computeDType, type DType, isFloating } from "../dtype.ts";
import { normDim, numelOf } from "../shape.ts";
import type { Tensor } from "../tensor.ts";
import { backendOf, castResult, emptyResult, record, storageAs, wrap } from "./dispatch.ts";
import * as ew from "./elementwise.ts";
import { cumsum, prod, sum } from "./reduce.ts";
import { cat, flip } from "./indexing.ts";
import { narrow } from "./movement.ts";
import { logicalAnd, logicalNot } from "./logical.ts";
import { isGradEnabled } from "../autograd/grad_mode.ts";
import { onesLike } from "../creation.ts";
import { inFrameOf } from "../memory.ts";
import { describeValue } from "../backends/contract.ts";
import { autocastCall } from "../amp/autocast_call.ts";

/**
 * Inclusive running product along `dim`: `y[i] = x[0] * ... * x[i]`. Integers and bools give int32
 * (PyTorch: int64), wrapping on overflow; float32 accumulates in float64 on the CPU, as PyTorch's
 * CPU kernel. The gradient is PyTorch's, zeros included.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.tensor([1, 2, 3, 4]).cumprod(0).toArray(), [1, 2, 6, 24]);
 * ```
 */
export function cumprod(x: Tensor, dim: number): Tensor {
  const amp = autocastCall("float32", cumprod, x, dim);
  if (amp !== undefined) return amp;
  return inFrameOf(() => {
    if (typeof dim !== "number") {
      throw new TypeError(`cumprod: dim must be an integer, got ${describeValue(dim)}`);
    }
    const d = normDim("cumprod", dim, x.ndim);
    const backend = backendOf("cumprod", x);
    const dtype: DType = isFloating(x.dtype) ? x.dtype : "int32";
    if (x.numel() === 0) return record("cumprod", [x], emptyResult(backend, x.shape, dtype), { dim: d });
    const len = x.ndim === 0 ? 1 : x.shape[d];
    const outer = numelOf(x.shape.slice(0, d)), inner = numelOf(x.shape.slice(d + 1));
    const s = backend.cumprod(storageAs(x, computeDType(dtype)), outer, len, inner);
    return record("cumprod", [x], wrap(castResult(s, dtype), x.shape), { dim: d });
  });
}

/** `sum_{j >= i} w[j]` along `dim`. */
function reversedCumsum(w: Tensor, dim: number): Tensor {
  return flip(cumsum(flip(w, dim), dim), dim);
}

/**
 * @internal The gradient of `y = cumprod(x, dim)` for the output gradient `g`: `dL/dx[k] =
 * sum_{j >= k} g[j] * prod_{i <= j, i != k} x[i]`, computed as PyTorch 1.13 does.
 */
export function cumprodBackward(g: Tensor, x: Tensor, dim: number, y: Tensor): Tensor {
  const n = x.ndim === 0 ? 1 : x.shape[dim];
  if (x.numel() <= 1 || n === 1) return g;
  if (isGradEnabled() && (x.device !== "cpu" || x.eq(0).any().item<boolean>())) {
    // A graph of the gradient (createGraph) with zeros: the products of the others, one k at a time.
    const parts: Tensor[] = [];
    const ones = onesLike(narrow(x, dim, 0, 1));
    for (let k = 0; k < n; k++) {
      const until = k === 0 ? ones : prod(narrow(x, dim, 0, k), dim, { keepdim: true });
      const omitted = k === n - 1
        ? until
        : cat([until, ew.mul(until, cumprod(narrow(x, dim, k + 1, n - k - 1), dim))], dim);
      parts.push(sum(ew.mul(narrow(g, dim, k, n - k), omitted), dim, { keepdim: true }));
    }
    return cat(parts, dim);
  }
  const w = ew.mul(y, g);
  const isZero = ew.eq(x, 0);
  const zerosSoFar = cumsum(isZero, dim);
  // Before the first zero: the usual reversed cumulative sum over x.
  const before = ew.eq(zerosSoFar, 0);
  const safe = ew.where(before, x, 1);
  const gradBefore = ew.where(before, ew.div(reversedCumsum(ew.where(before, w, 0), dim), safe), 0);
  // At the first zero: the product of what precedes it times sum_j g[j] * prod_{first < i <= j} x[i]
  // over j up to the second zero; after it, nothing.
  const span = ew.eq(zerosSoFar, 1);
  const firstZero = logicalAnd(isZero, span);
  const between = logicalAnd(span, logicalNot(isZero));
  const partial = cumprod(ew.where(between, x, 1), dim);
  const total = sum(ew.where(span, ew.mul(g, partial), 0), dim, { keepdim: true });
  const exclusive = cat([onesLike(narrow(y, dim, 0, 1)), narrow(y, dim, 0, n - 1)], dim);
  return ew.add(gradBefore, ew.where(firstZero, ew.mul(total, exclusive), 0));
}
