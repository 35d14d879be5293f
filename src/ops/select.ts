/**
 * Selections whose result size depends on the values: `nonzero`, `argwhere` and `maskedSelect`
 * (PyTorch's `x[mask]`), plus `countNonzero`. The positions are found on the host from the
 * mask's values, so on the CPU they are synchronous; a GPU tensor would need a read-back, which
 * no op hides, so there they are `nonzeroAsync` and `maskedSelectAsync` (the synchronous forms
 * say so). The selected values are picked with `indexSelect`, so gradients flow back to them.
 * @module
 */
import { broadcastShapes, numelOf } from "../shape.ts";
import { Tensor } from "../tensor.ts";
import { tensor } from "../creation.ts";
import { record } from "./dispatch.ts";
import { ne } from "./elementwise.ts";
import { indexSelect } from "./indexing.ts";
import { expand, reshape } from "./movement.ts";
import { type DimArg, type ReduceOptions, sum } from "./reduce.ts";
import { inFrameOf } from "../memory.ts";

type Values = Float32Array | Float64Array | Int32Array | Uint8Array;

function refuseOffCpu(op: string, asyncForm: string, t: Tensor): void {
  if (t.device !== "cpu") {
    throw new Error(
      `${op}: the result's size depends on the values, which needs a synchronous read of a tensor on ` +
        `"${t.device}"; use \`await ${asyncForm}\``,
    );
  }
}

/** Row-major positions of the nonzero values (NaN counts as nonzero). */
function positions(values: Values): number[] {
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) if (values[i] !== 0) out.push(i);
  return out;
}

function nonzeroFrom(x: Tensor, values: Values): Tensor {
  const flat = positions(values);
  const nd = x.ndim;
  const coords = new Int32Array(flat.length * nd);
  flat.forEach((p, r) => {
    let rest = p;
    for (let d = nd - 1; d >= 0; d--) {
      coords[r * nd + d] = rest % x.shape[d];
      rest = Math.floor(rest / x.shape[d]);
    }
  });
  return tensor(coords, { dtype: "int32", device: x.device }).reshape(flat.length, nd);
}

/**
 * The indices of the nonzero elements, one row of `ndim` coordinates each (`[count, ndim]`, int32),
 * in row-major order. CPU tensors; see {@link nonzeroAsync}.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.tensor([[0, 3], [5, 0]]).nonzero().toArray(), [[0, 1], [1, 0]]);
 * ```
 */
export function nonzero(x: Tensor): Tensor {
  return inFrameOf(() => {
    refuseOffCpu("nonzero", "t.nonzeroAsync()", x);
    if (x.dtype === "complex64") return nonzero(x.ne(0)); // nonzero where either part is
    return nonzeroFrom(x, x.dataSync());
  });
}

/**
 * {@link nonzero} on every device (reads the values once).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals((await torch.tensor([0, 2, 0, 4]).nonzeroAsync()).toArray(), [[1], [3]]);
 * ```
 */
export async function nonzeroAsync(x: Tensor): Promise<Tensor> {
  if (x.dtype === "complex64") return nonzeroAsync(x.ne(0));
  return nonzeroFrom(x, await x.dataAsync());
}

/**
 * Same as {@link nonzero} (PyTorch's `argwhere`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.argwhere(torch.tensor([true, false, true])).toArray(), [[0], [2]]);
 * ```
 */
export function argwhere(x: Tensor): Tensor {
  return inFrameOf(() => {
    return nonzero(x);
  });
}

function checkMask(op: string, x: Tensor, mask: Tensor): readonly number[] {
  if (!(mask instanceof Tensor) || mask.dtype !== "bool") {
    throw new TypeError(
      `${op}: expected mask to be a bool tensor, got ${mask instanceof Tensor ? mask.dtype : typeof mask}`,
    );
  }
  return broadcastShapes(op, x.shape, mask.shape);
}

function selectFrom(x: Tensor, shape: readonly number[], maskValues: Values): Tensor {
  const n = numelOf(shape);
  const index = tensor(Int32Array.from(positions(maskValues)), { dtype: "int32", device: x.device });
  // The values are picked from a detached view, and the node records one MaskedSelectBackward0.
  const base = x.detach();
  const xs = shape.length === x.ndim && shape.every((s, i) => s === x.shape[i]) ? base : expand(base, shape);
  const out = indexSelect(reshape(xs, n), 0, index);
  return record("maskedSelect", [x], out, { index, shape });
}

function broadcastMask(mask: Tensor, shape: readonly number[]): Tensor {
  return mask.shape.length === shape.length && mask.shape.every((s, i) => s === shape[i])
    ? mask
    : expand(mask, shape).contiguous();
}

/**
 * The elements of `x` where `mask` (bool, broadcast with `x`) is true, as a 1-d tensor in
 * row-major order: PyTorch's `x[mask]`. Differentiable in `x`. CPU tensors; see
 * {@link maskedSelectAsync}.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.tensor([[1, -2], [-3, 4]]);
 * assertEquals(x.maskedSelect(x.gt(0)).toArray(), [1, 4]);
 * ```
 */
export function maskedSelect(x: Tensor, mask: Tensor): Tensor {
  return inFrameOf(() => {
    const shape = checkMask("maskedSelect", x, mask);
    refuseOffCpu("maskedSelect", "t.maskedSelectAsync(mask)", x);
    const m = broadcastMask(mask, shape);
    const out = selectFrom(x, shape, m.dataSync());
    return out;
  });
}

/**
 * {@link maskedSelect} on every device (reads the mask once).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.tensor([1, -2, 3]);
 * assertEquals((await x.maskedSelectAsync(x.gt(0))).toArray(), [1, 3]);
 * ```
 */
export async function maskedSelectAsync(x: Tensor, mask: Tensor): Promise<Tensor> {
  const shape = checkMask("maskedSelect", x, mask);
  const m = broadcastMask(mask, shape);
  const values = await m.dataAsync();
  return selectFrom(x, shape, values);
}

/**
 * How many elements are nonzero, over all elements or along `dim` (int32; no read-back).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.tensor([[0, 1], [2, 3]]).countNonzero(0).toArray(), [1, 2]);
 * ```
 */
export function countNonzero(x: Tensor, dim?: DimArg | ReduceOptions): Tensor {
  return inFrameOf(() => {
    const nz = ne(x, 0);
    const counted = dim === undefined ? sum(nz) : sum(nz, dim);
    return counted.dtype === "int32" ? counted : counted.int();
  });
}
