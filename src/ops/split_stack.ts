/**
 * Splitting, stacking and reorienting: `numel`, `ravel`, `select`, `tensorSplit` and
 * `h/v/dsplit` (views), `atleast1d/2d/3d`, the `*stack`s (`cat` after reshaping), `fliplr`,
 * `flipud` and `rot90` (`flip` and `transpose`). Compositions of existing ops: every device,
 * autograd through their parts.
 * @module
 */
import { fmtShape, normDim } from "../shape.ts";
import { Tensor } from "../tensor.ts";
import { inFrameOf } from "../memory.ts";
import { named } from "./dispatch.ts";
import { clone, indexWithPlan, narrow, planIndex, reshape, transpose, unsqueeze } from "./movement.ts";
import { cat, flip } from "./indexing.ts";
import { asOp } from "./naming.ts";

/** @internal Throws unless `x` is a tensor, naming the op and the argument. */
export function requireTensor(op: string, name: string, x: unknown): void {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: ${name} must be a tensor, got ${typeof x}`);
}

/**
 * The number of elements of `x` (PyTorch's `torch.numel`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.numel(torch.zeros(2, 3)), 6);
 * ```
 */
export function numel(x: Tensor): number {
  requireTensor("numel", "input", x);
  return x.numel();
}

/**
 * `x` flattened to 1-d: a view when the layout allows, else a copy.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.tensor([[1, 2], [3, 4]]).T.ravel().toArray(), [1, 3, 2, 4]);
 * ```
 */
export function ravel(x: Tensor): Tensor {
  return inFrameOf(() => {
    requireTensor("ravel", "input", x);
    return reshape(x, -1);
  });
}

/**
 * The slice at `index` along `dim`, without that dim (a view): `select(x, 1, 0)` is `x[:, 0]`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.select(torch.tensor([[1, 2], [3, 4]]), 1, -1).toArray(), [2, 4]);
 * ```
 */
export function select(x: Tensor, dim: number, index: number): Tensor {
  return inFrameOf(() => {
    requireTensor("select", "input", x);
    if (x.ndim === 0) throw new RangeError("select: cannot be applied to a 0-dim tensor");
    const d = normDim("select", dim, x.ndim);
    if (!Number.isInteger(index)) throw new TypeError(`select: index must be an integer, got ${index}`);
    const plan = asOp("select", () => planIndex("select", x.shape, [...Array(d).fill(":"), index]));
    return named(indexWithPlan(x, plan), "SelectBackward0", x);
  });
}

/** @internal Python slice bounds `[start, end)` of a dim of `size` (negatives from the end, clamped). */
export function sliceBound(v: number, size: number): number {
  return Math.min(Math.max(v < 0 ? v + size : v, 0), size);
}

/**
 * Splits `x` along `dim` into `sections` nearly equal views (the first `size % sections` one
 * larger), or at the listed `indices` (Python slice bounds: `x[:i0]`, `x[i0:i1]`, ..., `x[ik:]`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.arange(7);
 * assertEquals(torch.tensorSplit(x, 3).map((t) => t.toArray()), [[0, 1, 2], [3, 4], [5, 6]]);
 * assertEquals(torch.tensorSplit(x, [1, 5]).map((t) => t.toArray()), [[0], [1, 2, 3, 4], [5, 6]]);
 * ```
 */
export function tensorSplit(
  x: Tensor,
  indicesOrSections: number | readonly number[] | Tensor,
  dim = 0,
): Tensor[] {
  return inFrameOf(() => splitAt("tensorSplit", x, indicesOrSections, dim));
}

function splitAt(op: string, x: Tensor, spec: number | readonly number[] | Tensor, dim: number): Tensor[] {
  requireTensor(op, "input", x);
  if (x.ndim === 0) {
    throw new RangeError(`${op}: expected at least a 1-dimensional tensor, got a 0-d tensor`);
  }
  const d = normDim(op, dim, x.ndim);
  const size = x.shape[d];
  let points: number[];
  if (spec instanceof Tensor) {
    if (spec.device !== "cpu") {
      throw new Error(`${op}: a tensor indices_or_sections must be on the CPU, got one on "${spec.device}"`);
    }
    if (spec.ndim > 1 || spec.dtype !== "int32") {
      throw new TypeError(
        `${op}: tensor indices_or_sections must be a 0-d or 1-d int32 tensor, got ${spec.dtype} of shape ${
          fmtShape(spec.shape)
        }`,
      );
    }
    const values = Array.from(spec.dataSync());
    return splitAt(op, x, spec.ndim === 0 ? values[0] : values, d);
  }
  if (typeof spec === "number") {
    if (!Number.isInteger(spec) || spec <= 0) {
      throw new RangeError(`${op}: number of sections must be larger than 0, got ${spec}`);
    }
    const small = Math.floor(size / spec), extra = size % spec;
    points = [];
    let at = 0;
    for (let i = 0; i < spec - 1; i++) {
      at += small + (i < extra ? 1 : 0);
      points.push(at);
    }
  } else {
    points = [...spec];
    for (const p of points) {
      if (!Number.isInteger(p)) throw new TypeError(`${op}: indices must be integers, got ${p}`);
    }
  }
  const bounds = [0, ...points, size];
  const out: Tensor[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const start = i === 0 ? 0 : sliceBound(bounds[i], size);
    const end = i + 2 === bounds.length ? size : sliceBound(bounds[i + 1], size);
    out.push(named(narrow(x, d, start, Math.max(0, end - start)), "SliceBackward0", x));
  }
  return out;
}

function directionalSplit(
  op: string,
  x: Tensor,
  spec: number | readonly number[],
  minDims: number,
  dim: number,
): Tensor[] {
  requireTensor(op, "input", x);
  if (x.ndim < minDims) {
    throw new RangeError(
      `${op}: requires a tensor with at least ${minDims} dimension${
        minDims > 1 ? "s" : ""
      }, but got a tensor ` +
        `with ${x.ndim} dimensions (shape ${fmtShape(x.shape)})`,
    );
  }
  if (typeof spec === "number" && (spec <= 0 || x.shape[dim] % spec !== 0)) {
    throw new RangeError(
      `${op}: attempted to split along dimension ${dim}, but the size of the dimension ${
        x.shape[dim]
      } is not divisible by the split_size ${spec}`,
    );
  }
  return splitAt(op, x, spec, dim);
}

/**
 * Splits along dim 1 (dim 0 of a 1-d tensor) into `sections` equal views or at `indices`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.hsplit(torch.zeros(2, 4), 2).map((t) => t.shape), [[2, 2], [2, 2]]);
 * ```
 */
export function hsplit(x: Tensor, sections: number | readonly number[]): Tensor[] {
  return inFrameOf(() => directionalSplit("hsplit", x, sections, 1, x.ndim === 1 ? 0 : 1));
}

/**
 * Splits along dim 0 (of a tensor of at least 2 dims) into equal views or at `indices`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.vsplit(torch.zeros(4, 2), [1]).map((t) => t.shape), [[1, 2], [3, 2]]);
 * ```
 */
export function vsplit(x: Tensor, sections: number | readonly number[]): Tensor[] {
  return inFrameOf(() => directionalSplit("vsplit", x, sections, 2, 0));
}

/**
 * Splits along dim 2 (of a tensor of at least 3 dims) into equal views or at `indices`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.dsplit(torch.zeros(1, 1, 4), 2).map((t) => t.shape), [[1, 1, 2], [1, 1, 2]]);
 * ```
 */
export function dsplit(x: Tensor, sections: number | readonly number[]): Tensor[] {
  return inFrameOf(() => directionalSplit("dsplit", x, sections, 3, 2));
}

function atLeast(x: Tensor, n: 1 | 2 | 3): Tensor {
  if (x.ndim >= n) return x;
  if (n === 1) return reshape(x, [1]);
  if (n === 2) return x.ndim === 0 ? reshape(x, [1, 1]) : unsqueeze(x, 0);
  return x.ndim === 0
    ? reshape(x, [1, 1, 1])
    : x.ndim === 1
    ? reshape(x, [1, x.shape[0], 1])
    : unsqueeze(x, -1);
}

function atLeastAll(op: string, n: 1 | 2 | 3, xs: Tensor | readonly Tensor[]): Tensor | Tensor[] {
  if (xs instanceof Tensor) return atLeast(xs, n);
  if (!Array.isArray(xs)) {
    throw new TypeError(`${op}: expected a tensor or a list of tensors, got ${typeof xs}`);
  }
  return xs.map((x, i) => {
    requireTensor(op, `element ${i}`, x);
    return atLeast(x, n);
  });
}

/**
 * `x` with at least 1 dim (a 0-d tensor becomes `[1]`); a list gives a list.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.atleast1d(torch.tensor(5)).shape, [1]);
 * ```
 */
export function atleast1d(x: Tensor): Tensor;
/** Each tensor with at least 1 dim. */
export function atleast1d(tensors: readonly Tensor[]): Tensor[];
export function atleast1d(x: Tensor | readonly Tensor[]): Tensor | Tensor[] {
  return inFrameOf(() => atLeastAll("atleast1d", 1, x));
}

/**
 * `x` with at least 2 dims (`[n]` becomes `[1, n]`); a list gives a list.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.atleast2d(torch.tensor([1, 2])).shape, [1, 2]);
 * ```
 */
export function atleast2d(x: Tensor): Tensor;
/** Each tensor with at least 2 dims. */
export function atleast2d(tensors: readonly Tensor[]): Tensor[];
export function atleast2d(x: Tensor | readonly Tensor[]): Tensor | Tensor[] {
  return inFrameOf(() => atLeastAll("atleast2d", 2, x));
}

/**
 * `x` with at least 3 dims (`[n]` becomes `[1, n, 1]`, `[m, n]` `[m, n, 1]`); a list gives a list.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.atleast3d(torch.tensor([1, 2])).shape, [1, 2, 1]);
 * ```
 */
export function atleast3d(x: Tensor): Tensor;
/** Each tensor with at least 3 dims. */
export function atleast3d(tensors: readonly Tensor[]): Tensor[];
export function atleast3d(x: Tensor | readonly Tensor[]): Tensor | Tensor[] {
  return inFrameOf(() => atLeastAll("atleast3d", 3, x));
}

function stackList(op: string, tensors: readonly Tensor[]): void {
  if (!Array.isArray(tensors) || tensors.length === 0) {
    throw new RangeError(`${op}: expected a non-empty list of tensors`);
  }
  tensors.forEach((t, i) => requireTensor(op, `element ${i}`, t));
}

/**
 * Joins tensors column-wise: along dim 1, or dim 0 when they are 1-d (0-d ones become 1-d).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.hstack([torch.tensor([1, 2]), torch.tensor([3])]).toArray(), [1, 2, 3]);
 * ```
 */
export function hstack(tensors: readonly Tensor[]): Tensor {
  return inFrameOf(() => {
    stackList("hstack", tensors);
    const xs = tensors.map((t) => atLeast(t, 1));
    return asOp("hstack", () => cat(xs, xs[0].ndim === 1 ? 0 : 1));
  });
}

/**
 * Joins tensors row-wise: along dim 0 after making each at least 2-d (`[n]` becomes `[1, n]`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.vstack([torch.tensor([1, 2]), torch.tensor([3, 4])]).toArray(), [[1, 2], [3, 4]]);
 * ```
 */
export function vstack(tensors: readonly Tensor[]): Tensor {
  return inFrameOf(() => {
    stackList("vstack", tensors);
    return asOp("vstack", () => cat(tensors.map((t) => atLeast(t, 2)), 0));
  });
}

/**
 * Joins tensors depth-wise: along dim 2 after making each at least 3-d.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.dstack([torch.tensor([1, 2]), torch.tensor([3, 4])]).toArray(), [[[1, 3], [2, 4]]]);
 * ```
 */
export function dstack(tensors: readonly Tensor[]): Tensor {
  return inFrameOf(() => {
    stackList("dstack", tensors);
    return asOp("dstack", () => cat(tensors.map((t) => atLeast(t, 3)), 2));
  });
}

/**
 * Joins tensors as columns: 0-d and 1-d tensors become `[n, 1]` columns, then along dim 1.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.columnStack([torch.tensor([1, 2]), torch.tensor([3, 4])]).toArray(), [[1, 3], [2, 4]]);
 * ```
 */
export function columnStack(tensors: readonly Tensor[]): Tensor {
  return inFrameOf(() => {
    stackList("columnStack", tensors);
    const cols = tensors.map((t) => (t.ndim <= 1 ? reshape(t, [t.numel(), 1]) : t));
    return asOp("columnStack", () => cat(cols, 1));
  });
}

/**
 * `x` reversed left to right (along dim 1; needs at least 2 dims).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.fliplr(torch.tensor([[1, 2], [3, 4]])).toArray(), [[2, 1], [4, 3]]);
 * ```
 */
export function fliplr(x: Tensor): Tensor {
  return inFrameOf(() => {
    requireTensor("fliplr", "input", x);
    if (x.ndim < 2) throw new RangeError(`fliplr: input must be >= 2-d, got shape ${fmtShape(x.shape)}`);
    return flip(x, 1);
  });
}

/**
 * `x` reversed up to down (along dim 0; needs at least 1 dim).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.flipud(torch.tensor([[1, 2], [3, 4]])).toArray(), [[3, 4], [1, 2]]);
 * ```
 */
export function flipud(x: Tensor): Tensor {
  return inFrameOf(() => {
    requireTensor("flipud", "input", x);
    if (x.ndim < 1) throw new RangeError(`flipud: input must be >= 1-d, got a 0-d tensor`);
    return flip(x, 0);
  });
}

/**
 * Rotates by 90 degrees `k` times in the plane of `dims`, from the first towards the second.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.rot90(torch.tensor([[1, 2], [3, 4]])).toArray(), [[2, 4], [1, 3]]);
 * ```
 */
export function rot90(
  x: Tensor,
  k = 1,
  dims: readonly [number, number] | readonly number[] = [0, 1],
): Tensor {
  return inFrameOf(() => {
    requireTensor("rot90", "input", x);
    if (!Array.isArray(dims) || dims.length !== 2) {
      throw new RangeError(
        `rot90: expected total rotation dims == 2, but got dims = ${JSON.stringify(dims)}`,
      );
    }
    if (x.ndim < 2) {
      throw new RangeError(`rot90: expected total dims >= 2, but got a tensor of shape ${fmtShape(x.shape)}`);
    }
    if (!Number.isInteger(k)) throw new TypeError(`rot90: k must be an integer, got ${k}`);
    const d0 = normDim("rot90", dims[0], x.ndim), d1 = normDim("rot90", dims[1], x.ndim);
    if (d0 === d1) {
      throw new RangeError(`rot90: expected rotation dims to be different, got dims = [${dims.join(", ")}]`);
    }
    switch (((k % 4) + 4) % 4) {
      case 1:
        return transpose(flip(x, d1), d0, d1);
      case 2:
        return flip(x, [d0, d1]);
      case 3:
        return transpose(flip(x, d0), d0, d1);
      default:
        return clone(x);
    }
  });
}
