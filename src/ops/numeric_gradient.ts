/**
 * `torch.gradient`: the derivative of sampled values along each dim by finite differences
 * (central differences inside, one-sided first- or second-order ones at the two ends), with unit,
 * scalar, per-dim or coordinate spacing. Built from differentiable slices and arithmetic, so it
 * runs on both devices and has a gradient in the values and the coordinates.
 * @module
 */
import { refuseComplex } from "../complex/core.ts";
import { Tensor } from "../tensor.ts";
import { inFrameOf } from "../memory.ts";
import { add, mul, sub } from "./elementwise.ts";
import { div } from "./division.ts";
import { narrow, reshape } from "./movement.ts";
import { cat } from "./indexing.ts";
import { fmtShape, normDim } from "../shape.ts";
import { describeValue } from "../backends/contract.ts";
import { asOp } from "./naming.ts";

/** Options of {@link gradient}: PyTorch's keyword arguments. */
export interface GradientOptions {
  /**
   * The sample spacing: a number for every dim (default 1), one number per dim, or one 1-d
   * tensor of coordinates per dim (as many as the dim's size, need not be evenly spaced).
   */
  spacing?: number | readonly number[] | readonly Tensor[];
  /** The dim or dims to differentiate along (default: all of them). */
  dim?: number | readonly number[] | null;
  /** 1 (default) or 2: the order of the one-sided differences at the ends. */
  edgeOrder?: number;
}

/** Elements [start, start + len) of `x` along `d` (negative `start` counts from the end). */
function slice(x: Tensor, d: number, start: number, len: number): Tensor {
  return narrow(x, d, start < 0 ? x.shape[d] + start : start, len);
}

/** Element `i` of the 1-d `t`, shaped to broadcast against an `ndim`-d tensor. */
function at(t: Tensor, i: number, ndim: number): Tensor {
  return reshape(slice(t, 0, i, 1), new Array(ndim).fill(1));
}

function uniform(f: Tensor, d: number, h: number, edgeOrder: number): Tensor {
  const n = f.shape[d];
  const center = div(sub(slice(f, d, 2, n - 2), slice(f, d, 0, n - 2)), h);
  let first: Tensor, last: Tensor;
  if (edgeOrder === 1) {
    first = div(sub(slice(f, d, 1, 1), slice(f, d, 0, 1)), h);
    last = div(sub(slice(f, d, -1, 1), slice(f, d, -2, 1)), h);
  } else {
    first = div(
      sub(add(mul(slice(f, d, 0, 1), -1.5), mul(slice(f, d, 1, 1), 2)), mul(slice(f, d, 2, 1), 0.5)),
      h,
    );
    last = div(
      add(sub(mul(slice(f, d, -3, 1), 0.5), mul(slice(f, d, -2, 1), 2)), mul(slice(f, d, -1, 1), 1.5)),
      h,
    );
  }
  return cat([first, div(center, 2), last], d);
}

function coordinates(f: Tensor, d: number, x: Tensor, edgeOrder: number): Tensor {
  const n = f.shape[d], nd = f.ndim;
  const dx = sub(narrow(x, 0, 1, n - 1), narrow(x, 0, 0, n - 1));
  const shape = new Array(nd).fill(1);
  shape[d] = -1;
  const dx1 = reshape(narrow(dx, 0, 0, n - 2), shape), dx2 = reshape(narrow(dx, 0, 1, n - 2), shape);
  const a = div(mul(dx2, -1), mul(dx1, add(dx1, dx2)));
  const b = div(sub(dx2, dx1), mul(dx1, dx2));
  const c = div(dx1, mul(dx2, add(dx1, dx2)));
  const center = add(
    add(mul(a, slice(f, d, 0, n - 2)), mul(b, slice(f, d, 1, n - 2))),
    mul(c, slice(f, d, 2, n - 2)),
  );
  let first: Tensor, last: Tensor;
  if (edgeOrder === 1) {
    first = div(sub(slice(f, d, 1, 1), slice(f, d, 0, 1)), at(dx, 0, nd));
    last = div(sub(slice(f, d, -1, 1), slice(f, d, -2, 1)), at(dx, -1, nd));
  } else {
    const h0 = at(dx, 0, nd), h1 = at(dx, 1, nd);
    const a0 = div(mul(add(mul(h0, 2), h1), -1), mul(h0, add(h0, h1)));
    const b0 = div(add(h0, h1), mul(h0, h1));
    const c0 = div(mul(h0, -1), mul(h1, add(h0, h1)));
    first = add(add(mul(a0, slice(f, d, 0, 1)), mul(b0, slice(f, d, 1, 1))), mul(c0, slice(f, d, 2, 1)));
    const g1 = at(dx, -1, nd), g2 = at(dx, -2, nd);
    const a1 = div(g1, mul(g2, add(g1, g2)));
    const b1 = div(mul(add(g1, g2), -1), mul(g1, g2));
    const c1 = div(add(mul(g1, 2), g2), mul(g1, add(g1, g2)));
    last = add(add(mul(a1, slice(f, d, -3, 1)), mul(b1, slice(f, d, -2, 1))), mul(c1, slice(f, d, -1, 1)));
  }
  return cat([first, center, last], d);
}

/**
 * PyTorch's `torch.gradient(input, *, spacing=1, dim=None, edge_order=1)`: for each dim in
 * `dim` (default all), the derivative of `input` along it estimated from its samples: central
 * differences inside and one-sided differences of order `edgeOrder` at the ends (each such dim
 * needs at least `edgeOrder + 1` samples). `spacing` is the distance between samples (a number
 * for every dim, or one per dim) or, as a list of 1-d tensors, each dim's sample coordinates.
 * Returns one tensor per dim, shaped like `input`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const [d] = torch.gradient(torch.tensor([1, 4, 9, 16, 25]));
 * assertEquals(d.toArray(), [3, 4, 6, 8, 9]);
 * // Samples of f(x) = 2x at the uneven coordinates x = 0, 1, 3:
 * const [dx] = torch.gradient(torch.tensor([0, 2, 6]), { spacing: [torch.tensor([0, 1, 3])] });
 * assertEquals(torch.allclose(dx, torch.tensor([2, 2, 2])), true);
 * const [d0, d1] = torch.gradient(torch.tensor([[1, 2, 4], [2, 5, 9], [0, 1, 1]]), { spacing: 2, edgeOrder: 2 });
 * assertEquals([d0.shape, d1.shape], [[3, 3], [3, 3]]);
 * ```
 */
export function gradient(input: Tensor, opts: GradientOptions = {}): Tensor[] {
  refuseComplex("gradient", input);
  const op = "gradient";
  return asOp(op, () =>
    inFrameOf(() => {
      if (!(input instanceof Tensor)) {
        throw new TypeError(`${op}: expected input to be a Tensor, got ${describeValue(input)}`);
      }
      const edgeOrder = opts?.edgeOrder ?? 1;
      if (edgeOrder !== 1 && edgeOrder !== 2) {
        throw new RangeError(
          `${op}: torch.gradient only supports edge_order=1 and edge_order=2, got ${edgeOrder}`,
        );
      }
      const dimArg = opts?.dim ?? null;
      const dims = (dimArg === null
        ? input.shape.map((_, i) => i)
        : typeof dimArg === "number"
        ? [dimArg]
        : Array.isArray(dimArg)
        ? [...dimArg]
        : (() => {
          throw new TypeError(
            `${op}: dim must be a dim, a list of dims or null, got ${describeValue(dimArg)}`,
          );
        })()).map((d) =>
          normDim(op, d, input.ndim)
        );
      dims.forEach((d, i) => {
        if (dims.indexOf(d) !== i) {
          throw new RangeError(`${op}: dim ${d} appears multiple times in the list of dims`);
        }
        if (input.shape[d] < edgeOrder + 1) {
          throw new RangeError(
            `${op}: expected each dimension size to be at least edge_order+1 (${edgeOrder + 1}), ` +
              `but dim ${d} of input ${fmtShape(input.shape)} has size ${input.shape[d]}`,
          );
        }
      });
      const spacing = opts?.spacing ?? 1;
      if (typeof spacing === "number") {
        return dims.map((d) => uniform(input, d, spacing, edgeOrder));
      }
      if (!Array.isArray(spacing)) {
        throw new TypeError(
          `${op}: spacing must be a number, a list of numbers or a list of tensors, got ${
            describeValue(spacing)
          }`,
        );
      }
      if (spacing.length !== dims.length) {
        throw new RangeError(
          `${op}: expected spacing to be unspecified, a scalar or a list of length ${dims.length} ` +
            `but got a list of length ${spacing.length}`,
        );
      }
      return dims.map((d, i) => {
        const s: unknown = spacing[i];
        if (typeof s === "number") return uniform(input, d, s, edgeOrder);
        if (!(s instanceof Tensor)) {
          throw new TypeError(`${op}: spacing[${i}] must be a number or a tensor, got ${describeValue(s)}`);
        }
        if (s.ndim === 0) return uniform(input, d, s.item(), edgeOrder);
        if (s.ndim !== 1 || s.shape[0] !== input.shape[d]) {
          throw new RangeError(
            `${op}: the coordinates spacing[${i}] ${fmtShape(s.shape)} must be a 1-d tensor of ` +
              `${input.shape[d]} elements, the size of dim ${d} of input ${fmtShape(input.shape)}`,
          );
        }
        return coordinates(input, d, s, edgeOrder);
      });
    }));
}
