/**
 * Running (scan) ops along a dim: `cummax` / `cummin` (values with their indices) and the stable
 * `logcumsumexp`, on both devices, with the backends' scan kernels (assembly/scans.ts and
 * wgsl/scans.wgsl: PyTorch's sequential CPU loop, one column per invocation on the GPU).
 *
 * Ties and NaN follow PyTorch 1.13's CPU loop exactly: `cummax` takes a later element when it is
 * `>=` the running maximum (so equal values move the index to the latest one), `cummin` when it
 * is `<=`; a NaN always takes over and no number replaces it, so after the first NaN the value
 * stays NaN and the index is that of the latest NaN.
 * @module
 */
import { computeDType, isFloating } from "../dtype.ts";
import { normDim, numelOf } from "../shape.ts";
import { Tensor } from "../tensor.ts";
import { arange, tensor, zerosLike } from "../creation.ts";
import { inFrameOf } from "../memory.ts";
import { describeValue } from "../backends/contract.ts";
import { backendOf, castResult, named, record, recordComposite, storageAs, wrap } from "./dispatch.ts";
import * as ew from "./elementwise.ts";
import { flip, gather } from "./indexing.ts";
import { expand, reshape } from "./movement.ts";
import type { ValuesIndices } from "./reduce.ts";
import { asOp } from "./naming.ts";

function checkScanArgs(op: string, x: unknown, dim: unknown): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: expected a tensor, got ${describeValue(x)}`);
  if (typeof dim !== "number" || !Number.isInteger(dim)) {
    throw new TypeError(`${op}: dim must be an integer, got ${describeValue(dim)}`);
  }
}

/** @internal int32 positions `0..n-1` along `d`, broadcast to `shape`. */
export function positionsAlong(shape: readonly number[], d: number, device: Tensor["device"]): Tensor {
  const n = shape[d];
  const view = shape.map((_, i) => (i === d ? n : 1));
  return expand(reshape(arange(n, { dtype: "int32", device }), view), shape);
}

/** The indices of the running maximum (`ge`) or minimum (`le`) along `d`, PyTorch's ties and NaN. */
function runningIndices(op: "cummax" | "cummin", x: Tensor, d: number): Tensor {
  const n = x.shape[d];
  const [outer, inner] = aroundDim(x.shape, d);
  const s = backendOf(op, x).cumExtremeIndices(
    storageAs(x.detach(), computeDType(x.dtype)),
    outer,
    n,
    inner,
    op === "cummax",
  );
  return wrap(s, x.shape);
}

function cumExtreme(op: "cummax" | "cummin", x: Tensor, dim: number): ValuesIndices {
  checkScanArgs(op, x, dim);
  const d = normDim(op, dim, x.ndim);
  if (x.ndim === 0) {
    const values = named(
      gather(x, 0, tensor(0, { dtype: "int32", device: x.device })),
      `${cap(op)}Backward0`,
      x,
    );
    return { values, indices: tensor(0, { dtype: "int32", device: x.device }) };
  }
  if (x.numel() === 0) {
    return { values: x.detach().clone(), indices: zerosLike(x, { dtype: "int32" }) };
  }
  const indices = runningIndices(op, x, d);
  const values = named(gather(x, d, indices), `${cap(op)}Backward0`, x);
  return { values, indices };
}

function cap(op: string): string {
  return op[0].toUpperCase() + op.slice(1);
}

/**
 * The running maximum along `dim` and the index where it was reached: `values[i] = max(x[0..i])`.
 * Ties take the latest index; after a NaN the value is NaN, with the latest NaN's index, as
 * PyTorch's CPU.
 * Indices are int32 (PyTorch: int64). The gradient goes to the selected indices.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const { values, indices } = torch.cummax(torch.tensor([1, 3, 2, 3, 5]), 0);
 * assertEquals(values.toArray(), [1, 3, 3, 3, 5]);
 * assertEquals(indices.toArray(), [0, 1, 1, 3, 4]);
 * ```
 */
export function cummax(x: Tensor, dim: number): ValuesIndices {
  return asOp("cummax", () => inFrameOf(() => cumExtreme("cummax", x, dim)));
}

/**
 * The running minimum along `dim` and the index where it was reached (ties: the latest index;
 * NaN propagates with the latest NaN's index, as PyTorch's CPU). Indices are int32. The gradient goes to the selected indices.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const { values, indices } = torch.tensor([[4, 2, 2, 5, 1]]).cummin(1);
 * assertEquals(values.toArray(), [[4, 2, 2, 2, 1]]);
 * assertEquals(indices.toArray(), [[0, 1, 2, 2, 4]]);
 * ```
 */
export function cummin(x: Tensor, dim: number): ValuesIndices {
  return asOp("cummin", () => inFrameOf(() => cumExtreme("cummin", x, dim)));
}

/** The elements before and after dim `d` of `shape`. */
function aroundDim(shape: readonly number[], d: number): [number, number] {
  return [numelOf(shape.slice(0, d)), numelOf(shape.slice(d + 1))];
}

/** The scan itself, unrecorded. */
function logcumsumexpScan(x: Tensor, d: number): Tensor {
  const [outer, inner] = aroundDim(x.shape, d);
  const s = backendOf("logcumsumexp", x).logcumsumexp(
    storageAs(x, computeDType(x.dtype)),
    outer,
    x.shape[d],
    inner,
  );
  return wrap(castResult(s, x.dtype), x.shape);
}

/**
 * `log(cumsum(exp(x)))` along `dim`, computed stably (no overflow for large `x`, exact `-inf`
 * for all `-inf` prefixes). Floating dtypes only, as PyTorch. The CPU accumulates float32 in
 * float64 as PyTorch's CPU; the GPU in float32 (a few ulp apart on long rows). The gradient is
 * PyTorch's formula, itself differentiable.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const y = torch.logcumsumexp(torch.tensor([0, 0, 1000], { dtype: "float32" }), 0);
 * assertEquals(torch.allclose(y, torch.tensor([0, Math.LN2, 1000])), true);
 * ```
 */
export function logcumsumexp(x: Tensor, dim: number): Tensor {
  return asOp("logcumsumexp", () =>
    inFrameOf(() => {
      checkScanArgs("logcumsumexp", x, dim);
      const d = normDim("logcumsumexp", dim, x.ndim);
      if (!isFloating(x.dtype)) {
        throw new TypeError(`logcumsumexp: expected a floating point tensor, got ${x.dtype}`);
      }
      if (x.ndim === 0 || x.numel() === 0) return record("logcumsumexp", [x], x.detach().clone(), { dim: d });
      return recordComposite("logcumsumexp", [x], { dim: d }, () => logcumsumexpScan(x, d));
    }));
}

/**
 * @internal PyTorch's `logcumsumexp_backward`: with `L(v) = flip(logcumsumexp(flip(v)))`, the
 * gradient is `exp(L(log g⁺ - y) + x) - exp(L(log g⁻ - y) + x)`, where `log g⁺` is `log|g|` where
 * `g > 0` and the dtype's lowest value elsewhere (`g⁻` likewise for `g < 0`).
 */
export function logcumsumexpBackward(g: Tensor, x: Tensor, y: Tensor, dim: number): Tensor {
  if (x.ndim === 0 || x.numel() === 0) return g;
  const lowest = x.dtype === "float64" ? -Number.MAX_VALUE : -3.4028234663852886e38;
  const logAbs = ew.log(ew.abs(g));
  const reversed = (v: Tensor) => flip(logcumsumexp(flip(v, dim), dim), dim);
  const part = (mask: Tensor) => ew.exp(ew.add(reversed(ew.sub(ew.where(mask, logAbs, lowest), y)), x));
  return ew.sub(part(ew.gt(g, 0)), part(ew.lt(g, 0)));
}
