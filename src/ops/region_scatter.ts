/**
 * Writing into a region out of place: `selectScatter`, `sliceScatter`, `diagonalScatter`
 * (`where` over `embed`, differentiable in both inputs), `diagEmbed`, `diagflat`, and
 * `fillDiagonal_` in place. Every device, autograd through their parts.
 * @module
 */
import { contiguousStrides, fmtShape, normDim, numelOf } from "../shape.ts";
import type { Tensor } from "../tensor.ts";
import { inFrameOf } from "../memory.ts";
import { backendOf, named } from "./dispatch.ts";
import { where } from "./elementwise.ts";
import { type IndexStep, planIndex, reshape } from "./movement.ts";
import { embed, type Geometry } from "./indexing.ts";
import { diag } from "./rearrange.ts";
import { asOp } from "./naming.ts";
import { assignResult } from "./inplace.ts";
import { full, tensor } from "../creation.ts";
import type { Device } from "../backends/backend.ts";
import { checkIntValue } from "../dtype.ts";
import { requireTensor, sliceBound } from "./split_stack.ts";

/** `input` with `src` written at `geometry` (of a contiguous tensor of input's shape): differentiable in both. */
function scatterAt(op: string, input: Tensor, src: Tensor, geometry: Geometry, what: string): Tensor {
  requireTensor(op, "src", src);
  if (src.ndim !== geometry.shape.length || src.shape.some((s, i) => s !== geometry.shape[i])) {
    throw new RangeError(
      `${op}: expected src to have a size equal to the ${what} of self. src size = ${
        fmtShape(src.shape)
      }, ${what} size = ${fmtShape(geometry.shape)}`,
    );
  }
  if (src.dtype !== input.dtype) {
    throw new TypeError(`${op}: expected src to have the dtype of input (${input.dtype}), got ${src.dtype}`);
  }
  backendOf(op, input, src);
  const mask = embed(full([...geometry.shape], true, { device: input.device }), input.shape, geometry);
  return where(mask, embed(src, input.shape, geometry), input);
}

function planGeometry(shape: readonly number[], plan: IndexStep[]): Geometry {
  const x = { shape, strides: contiguousStrides(shape) };
  let offset = 0;
  const outShape: number[] = [], outStrides: number[] = [];
  plan.forEach((step, d) => {
    if (step.kind === "int") offset += step.index * x.strides[d];
    else if (step.kind === "slice") {
      if (step.length > 0) offset += step.start * x.strides[d];
      outShape.push(step.length);
      outStrides.push(x.strides[d] * step.step);
    }
  });
  return { shape: outShape, strides: outStrides, offset };
}

/**
 * `input` with `src` written into the slice at `index` along `dim` (out of place; differentiable
 * in both).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const out = torch.selectScatter(torch.zeros(2, 2), torch.ones(2), 1, 0);
 * assertEquals(out.toArray(), [[1, 0], [1, 0]]);
 * ```
 */
export function selectScatter(input: Tensor, src: Tensor, dim: number, index: number): Tensor {
  return inFrameOf(() => {
    requireTensor("selectScatter", "input", input);
    if (input.ndim === 0) throw new RangeError("selectScatter: cannot be applied to a 0-dim tensor");
    const d = normDim("selectScatter", dim, input.ndim);
    const plan = asOp(
      "selectScatter",
      () => planIndex("selectScatter", input.shape, [...Array(d).fill(":"), index]),
    );
    return named(
      scatterAt("selectScatter", input, src, planGeometry(input.shape, plan), "slice"),
      "SelectScatterBackward0",
    );
  });
}

/** Options of {@link sliceScatter}. */
export interface SliceScatterOptions {
  /** The dim to slice (default 0). */
  dim?: number;
  /** First index (default 0; negative from the end). */
  start?: number | null;
  /** End index, exclusive (default the size; negative from the end). */
  end?: number | null;
  /** Step (default 1). */
  step?: number;
}

/**
 * `input` with `src` written into the slice `start:end:step` of `dim` (out of place).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const out = torch.sliceScatter(torch.zeros(4), torch.ones(2), { start: 0, step: 2 });
 * assertEquals(out.toArray(), [1, 0, 1, 0]);
 * ```
 */
export function sliceScatter(input: Tensor, src: Tensor, opts: SliceScatterOptions = {}): Tensor {
  return inFrameOf(() => {
    requireTensor("sliceScatter", "input", input);
    if (input.ndim === 0) throw new RangeError("sliceScatter: cannot be applied to a 0-dim tensor");
    const d = normDim("sliceScatter", opts.dim ?? 0, input.ndim);
    const step = opts.step ?? 1;
    if (!Number.isInteger(step) || step <= 0) {
      throw new RangeError(`sliceScatter: slice step must be positive, got ${step}`);
    }
    const size = input.shape[d];
    const start = sliceBound(opts.start ?? 0, size), end = sliceBound(opts.end ?? size, size);
    const plan: IndexStep[] = input.shape.map((n, i) =>
      i === d
        ? { kind: "slice", start, length: Math.max(0, Math.ceil((end - start) / step)), step }
        : { kind: "slice", start: 0, length: n, step: 1 }
    );
    return named(
      scatterAt("sliceScatter", input, src, planGeometry(input.shape, plan), "slice"),
      "SliceScatterBackward0",
    );
  });
}

/** @internal Geometry of the `offset` diagonal of dims `d1`, `d2` of a contiguous tensor of `shape`. */
export function diagonalGeometryOf(
  shape: readonly number[],
  offset: number,
  d1: number,
  d2: number,
): Geometry {
  const strides = contiguousStrides(shape);
  const len = Math.max(
    0,
    offset >= 0 ? Math.min(shape[d1], shape[d2] - offset) : Math.min(shape[d1] + offset, shape[d2]),
  );
  const keep = shape.map((_, i) => i).filter((i) => i !== d1 && i !== d2);
  return {
    shape: [...keep.map((i) => shape[i]), len],
    strides: [...keep.map((i) => strides[i]), strides[d1] + strides[d2]],
    offset: len === 0 ? 0 : (offset >= 0 ? offset * strides[d2] : -offset * strides[d1]),
  };
}

/**
 * `input` with `src` written into its `offset` diagonal of dims `dim1`, `dim2` (out of place).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const out = torch.diagonalScatter(torch.zeros(2, 3), torch.ones(2), 1);
 * assertEquals(out.toArray(), [[0, 1, 0], [0, 0, 1]]);
 * ```
 */
export function diagonalScatter(input: Tensor, src: Tensor, offset = 0, dim1 = 0, dim2 = 1): Tensor {
  return inFrameOf(() => {
    requireTensor("diagonalScatter", "input", input);
    if (!Number.isInteger(offset)) {
      throw new TypeError(`diagonalScatter: offset must be an integer, got ${offset}`);
    }
    if (input.ndim < 2) {
      throw new RangeError(
        `diagonalScatter: input must have at least 2 dims, got shape ${fmtShape(input.shape)}`,
      );
    }
    const d1 = normDim("diagonalScatter", dim1, input.ndim),
      d2 = normDim("diagonalScatter", dim2, input.ndim);
    if (d1 === d2) throw new RangeError(`diagonalScatter: dimensions cannot be identical ${dim1}, ${dim2}`);
    const geometry = diagonalGeometryOf(input.shape, offset, d1, d2);
    return named(scatterAt("diagonalScatter", input, src, geometry, "diagonal"), "DiagonalScatterBackward0");
  });
}

/**
 * Tensors whose `offset` diagonal of dims `dim1`, `dim2` holds the last dim of `x` (zeros
 * elsewhere): `[..., n]` gives two new dims of size `n + |offset|`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.diagEmbed(torch.tensor([[1, 2]])).toArray(), [[[1, 0], [0, 2]]]);
 * ```
 */
export function diagEmbed(x: Tensor, offset = 0, dim1 = -2, dim2 = -1): Tensor {
  return inFrameOf(() => {
    requireTensor("diagEmbed", "input", x);
    if (!Number.isInteger(offset)) throw new TypeError(`diagEmbed: offset must be an integer, got ${offset}`);
    if (x.ndim === 0) throw new RangeError("diagEmbed: input must have at least 1 dim, got a 0-d tensor");
    const nd = x.ndim + 1;
    const d1 = normDim("diagEmbed", dim1, nd), d2 = normDim("diagEmbed", dim2, nd);
    if (d1 === d2) {
      throw new RangeError(`diagEmbed: diagonal dimensions cannot be identical ${dim1}, ${dim2}`);
    }
    const n = x.shape[x.ndim - 1] + Math.abs(offset);
    const rest = x.shape.slice(0, -1);
    const shape: number[] = [];
    for (let i = 0, r = 0; i < nd; i++) shape.push(i === d1 || i === d2 ? n : rest[r++]);
    return named(embed(x, shape, diagonalGeometryOf(shape, offset, d1, d2)), "DiagEmbedBackward0", x);
  });
}

/**
 * The square matrix with the elements of `x` (read as 1-d) on its `offset` diagonal.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.diagflat(torch.tensor([[1, 2]])).toArray(), [[1, 0], [0, 2]]);
 * ```
 */
export function diagflat(x: Tensor, offset = 0): Tensor {
  return inFrameOf(() => {
    requireTensor("diagflat", "input", x);
    return asOp("diagflat", () => diag(reshape(x, -1), offset));
  });
}

/**
 * The mask of the main diagonal PyTorch's `fill_diagonal_` writes: `[i, i, ...]` for `i < min`
 * of the sizes; with `wrap`, a tall matrix's diagonal starts again every `cols + 1` rows.
 */
function diagonalMask(op: string, shape: readonly number[], wrap: boolean, device: Device): Tensor {
  if (shape.length < 2) {
    throw new RangeError(`${op}: dimensions must larger than 1, got shape ${fmtShape(shape)}`);
  }
  if (shape.length > 2 && shape.some((s) => s !== shape[0])) {
    throw new RangeError(
      `${op}: all dimensions of input must be of equal length, got shape ${fmtShape(shape)}`,
    );
  }
  const n = numelOf(shape);
  const mask = new Uint8Array(n);
  const strides = contiguousStrides(shape);
  const step = strides.reduce((a, b) => a + b, 0);
  const size = Math.min(...shape);
  const rows = shape[0], cols = shape[1];
  const limit = shape.length === 2 && wrap && rows > cols + 1 ? n : size * step;
  for (let p = 0; p < Math.min(limit, n); p += step) mask[p] = 1;
  return reshape(tensor(mask, { dtype: "bool", device }), [...shape]);
}

/**
 * Writes `value` into the main diagonal of `x` in place (2-d, or all dims equal); with `wrap`, a
 * tall matrix's diagonal restarts every `cols + 1` rows (PyTorch's `fill_diagonal_`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.zeros(2, 3);
 * x.fillDiagonal_(5);
 * assertEquals(x.toArray(), [[5, 0, 0], [0, 5, 0]]);
 * ```
 */
export function fillDiagonal_<T extends Tensor>(x: T, value: number, wrap = false): T {
  return inFrameOf(() => {
    requireTensor("fillDiagonal_", "input", x);
    if (typeof value !== "number" && typeof value !== "boolean") {
      throw new TypeError(`fillDiagonal_: fill value must be a number, got ${typeof value}`);
    }
    const mask = diagonalMask("fillDiagonal_", x.shape, wrap, x.device);
    checkIntValue("fillDiagonal_", Number(value), x.dtype);
    const v = full([], Number(value), { dtype: x.dtype, device: x.device });
    return assignResult(x, "fillDiagonal_", where(mask, v, x));
  });
}
