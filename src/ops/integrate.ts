/**
 * The trapezoidal rule along a dim: `trapezoid` (and its older name `trapz`) and
 * `cumulativeTrapezoid`, with sample points `x` (1-D along the dim, or broadcastable to `y`) or a
 * constant spacing `dx`. Written with PyTorch 1.13's formulas from differentiable ops (both
 * devices; gradients in `y` and `x`).
 * @module
 */
import { refuseComplex } from "../complex/core.ts";
import { fmtShape, normDim } from "../shape.ts";
import { Tensor } from "../tensor.ts";
import { zeros } from "../creation.ts";
import { inFrameOf } from "../memory.ts";
import { describeValue } from "../backends/contract.ts";
import * as ew from "./elementwise.ts";
import { narrow, reshape } from "./movement.ts";
import { cumsum, sum } from "./reduce.ts";
import { asOp } from "./naming.ts";

/** Options of {@link trapezoid}, {@link trapz} and {@link cumulativeTrapezoid}. */
export interface TrapezoidOptions {
  /** The constant spacing of the samples when no `x` is given (default 1). */
  dx?: number;
  /** The dim to integrate along (default -1). */
  dim?: number;
}

interface Parsed {
  x: Tensor | null;
  dx: number;
  d: number;
}

function parse(
  op: string,
  y: unknown,
  xOrOpts: unknown,
  opts: TrapezoidOptions | undefined,
): Parsed & { y: Tensor } {
  if (!(y instanceof Tensor)) {
    throw new TypeError(`${op}: expected y to be a tensor, got ${describeValue(y)}`);
  }
  let x: Tensor | null = null;
  let o: TrapezoidOptions = opts ?? {};
  if (xOrOpts instanceof Tensor) x = xOrOpts;
  else if (xOrOpts !== undefined && xOrOpts !== null) {
    if (typeof xOrOpts !== "object") {
      throw new TypeError(
        `${op}: expected x to be a tensor or an options object { dx, dim }, got ${describeValue(xOrOpts)}`,
      );
    }
    o = { ...(xOrOpts as TrapezoidOptions), ...opts };
  }
  if (x !== null && o.dx !== undefined) {
    throw new TypeError(`${op}: give either the sample points x or the spacing dx, not both`);
  }
  if (o.dx !== undefined && (typeof o.dx !== "number" || Number.isNaN(o.dx))) {
    throw new TypeError(`${op}: dx must be a number, got ${describeValue(o.dx)}`);
  }
  const dim = o.dim ?? -1;
  if (typeof dim !== "number" || !Number.isInteger(dim)) {
    throw new TypeError(`${op}: dim must be an integer, got ${describeValue(dim)}`);
  }
  if (y.ndim === 0) throw new RangeError(`${op}: expected y to have at least 1 dimension, got a 0-d tensor`);
  const d = normDim(op, dim, y.ndim);
  if (x !== null && x.ndim === 1 && x.shape[0] !== y.shape[d]) {
    throw new RangeError(
      `${op}: There must be one \`x\` value for each sample point: x has ${x.shape[0]} values, y has ${
        y.shape[d]
      } samples along dim ${d} (shape ${fmtShape(y.shape)})`,
    );
  }
  return { y, x, dx: o.dx ?? 1, d };
}

/** The spacings `x[i+1] - x[i]` along `d`, shaped to broadcast against `y`'s slices. */
function spacings(x: Tensor, y: Tensor, d: number): Tensor {
  let xv = x;
  if (x.ndim === 1) xv = reshape(x, y.shape.map((s, i) => (i === d ? s : 1)));
  const dd = d - (y.ndim - xv.ndim);
  if (dd < 0) {
    throw new RangeError(
      `trapezoid: x of shape ${fmtShape(x.shape)} has no dim matching dim ${d} of y (shape ${
        fmtShape(y.shape)
      })`,
    );
  }
  const n = xv.shape[dd];
  return ew.sub(narrow(xv, dd, 1, n - 1), narrow(xv, dd, 0, n - 1));
}

function trapezoidOf(op: string, y: Tensor, xOrOpts: unknown, opts: TrapezoidOptions | undefined): Tensor {
  return asOp(op, () =>
    inFrameOf(() => {
      const { x, dx, d } = parse(op, y, xOrOpts, opts);
      const n = y.shape[d];
      if (n === 0) {
        const shape = y.shape.filter((_, i) => i !== d);
        const dtype = y.dtype === "float64" ? "float64" : "float32";
        return zeros(shape, { dtype, device: y.device });
      }
      const left = narrow(y, d, 0, n - 1), right = narrow(y, d, 1, n - 1);
      if (x === null) {
        const ends = ew.add(narrow(y, d, 0, 1), narrow(y, d, n - 1, 1));
        return ew.mul(
          ew.sub(sum(y, d), ew.mul(reshape(ends, ends.shape.filter((_, i) => i !== d)), 0.5)),
          dx,
        );
      }
      return ew.div(sum(ew.mul(spacings(x, y, d), ew.add(left, right)), d), 2);
    }));
}

/**
 * The integral of `y` along `dim` (default -1) by the trapezoidal rule (PyTorch's
 * `torch.trapezoid`): with sample points `x` (1-D with one value per sample, or broadcastable to
 * `y`), or a constant spacing `dx` (default 1). An empty dim gives 0. Differentiable in `y` and `x`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const y = torch.tensor([1, 2, 4], { dtype: "float32" });
 * assertEquals(torch.trapezoid(y).item(), 4.5);
 * assertEquals(torch.trapezoid(y, { dx: 2 }).item(), 9);
 * assertEquals(torch.trapezoid(y, torch.tensor([0, 1, 3], { dtype: "float32" })).item(), 7.5);
 * ```
 */
export function trapezoid(y: Tensor, x?: Tensor | TrapezoidOptions, opts?: TrapezoidOptions): Tensor {
  refuseComplex("trapezoid", y, x);
  return trapezoidOf("trapezoid", y, x, opts);
}

/**
 * PyTorch's older name of {@link trapezoid}: `torch.trapz(y, x, dim=-1)` or
 * `torch.trapz(y, dx=1, dim=-1)`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.trapz(torch.tensor([[1, 3], [2, 2]], { dtype: "float32" }), { dim: 0 }).toArray(), [1.5, 2.5]);
 * ```
 */
export function trapz(y: Tensor, x?: Tensor | TrapezoidOptions, opts?: TrapezoidOptions): Tensor {
  refuseComplex("trapz", y, x);
  return trapezoidOf("trapz", y, x, opts);
}

/**
 * The running integral of `y` along `dim` by the trapezoidal rule (PyTorch's
 * `torch.cumulative_trapezoid`): one value per interval, so the dim shrinks by one. Sample points
 * `x` or spacing `dx` as {@link trapezoid}. Differentiable in `y` and `x`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.cumulativeTrapezoid(torch.tensor([1, 2, 4], { dtype: "float32" })).toArray(), [1.5, 4.5]);
 * ```
 */
export function cumulativeTrapezoid(
  y: Tensor,
  x?: Tensor | TrapezoidOptions,
  opts?: TrapezoidOptions,
): Tensor {
  return asOp("cumulativeTrapezoid", () =>
    inFrameOf(() => {
      const { x: xs, dx, d } = parse("cumulativeTrapezoid", y, x, opts);
      const n = y.shape[d];
      if (n === 0) {
        return zeros(y.shape, { dtype: y.dtype === "float64" ? "float64" : "float32", device: y.device });
      }
      const pairs = ew.add(narrow(y, d, 0, n - 1), narrow(y, d, 1, n - 1));
      if (xs === null) return cumsum(ew.mul(dx / 2, pairs), d);
      return cumsum(ew.div(ew.mul(spacings(xs, y, d), pairs), 2), d);
    }));
}
