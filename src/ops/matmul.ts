/**
 * Matrix products: `matmul` with PyTorch's rules (1-d, 2-d, batched, broadcast batch dims), `mm`,
 * `bmm`, `dot`, `outer`.
 * @module
 */
import { isComplexOperand } from "../complex/core.ts";
import { complexProduct } from "../complex/ops.ts";
import type { Storage } from "../backends/backend.ts";
import { computeDType, type DType, promoteTypes } from "../dtype.ts";
import { broadcastShapes, broadcastStrides, fmtShape, isContiguousLayout, numelOf } from "../shape.ts";
import { Tensor } from "../tensor.ts";
import { backendOf, castResult, emptyResult, named, record, storageAs, wrap } from "./dispatch.ts";
import { mul } from "./elementwise.ts";
import { reshape, squeeze, t as mt, unsqueeze } from "./movement.ts";
import { inFrameOf } from "../memory.ts";
import { asOp } from "./naming.ts";
import { autocastCall } from "../amp/autocast_call.ts";
import { toDType } from "./convert.ts";

interface MatrixOperand {
  storage: Storage;
  /** Elements between consecutive matrices (0 when one matrix serves every batch). */
  batchStride: number;
  trans: boolean;
}

/**
 * Lays out `x` (`[...batch, r, c]`, broadcast to `batch`) for the kernel: its own storage when it
 * is contiguous or a transposed contiguous matrix (the kernel then reads it transposed), else a
 * contiguous copy.
 */
function operand(x: Tensor, batch: readonly number[], dtype: DType): MatrixOperand {
  const nd = x.ndim, r = x.shape[nd - 2], c = x.shape[nd - 1];
  // One matrix (a 2-d operand, the common case, or batch dims all 1): no batch stride.
  let single = true;
  for (let i = 0; i < nd - 2; i++) if (x.shape[i] !== 1) single = false;
  let src = x;
  if (!single && (nd - 2 !== batch.length || batch.some((s, i) => s !== x.shape[i]))) {
    const full = [...batch, r, c];
    src = new Tensor(x._storage, full, broadcastStrides(x.shape, x._strides, full), x._offset, x.dtype);
  }
  const batchStride = single ? 0 : r * c;
  if (!src.isContiguous() && r > 1 && c > 1) {
    // A transposed matrix (x.T, x.mT): the kernel reads it as stored, flagged transposed.
    const st = src._strides, snd = src.ndim;
    const shape = [...src.shape.slice(0, -2), c, r], strides = [...st.slice(0, -2), st[snd - 1], st[snd - 2]];
    if (isContiguousLayout(shape, strides)) {
      return {
        storage: storageAs(new Tensor(src._storage, shape, strides, src._offset), dtype),
        batchStride,
        trans: true,
      };
    }
  }
  return { storage: storageAs(src, dtype), batchStride, trans: false };
}

/** Product of `[...Ba, m, k]` and `[...Bb, k, n]` with broadcast batch dims; recorded as `matmul`. */
const NO_BATCH: readonly number[] = Object.freeze([]);

function batchedProduct(op: string, a: Tensor, b: Tensor): Tensor {
  const m = a.shape[a.ndim - 2], k = a.shape[a.ndim - 1];
  const k2 = b.shape[b.ndim - 2], n = b.shape[b.ndim - 1];
  if (k !== k2) {
    throw new RangeError(
      `${op}: cannot multiply shapes ${fmtShape(a.shape)} and ${
        fmtShape(b.shape)
      } (inner dimensions ${k} and ${k2} differ)`,
    );
  }
  const batch = a.ndim === 2 && b.ndim === 2
    ? NO_BATCH
    : broadcastShapes(op, a.shape.slice(0, -2), b.shape.slice(0, -2));
  const backend = backendOf(op, a, b);
  const dtype = promoteTypes(a.dtype, b.dtype);
  if (dtype === "bool") {
    throw new TypeError(
      `${op}: bool tensors cannot be multiplied as matrices (convert with .int() or .float())`,
    );
  }
  const compute = computeDType(dtype);
  const outShape = [...batch, m, n];
  if (numelOf(outShape) === 0) return record("matmul", [a, b], emptyResult(backend, outShape, dtype));
  if (k === 0) return record("matmul", [a, b], wrap(backend.full(dtype, numelOf(outShape), 0), outShape));
  const A = operand(a, batch, compute), B = operand(b, batch, compute);
  const s = backend.matmul(A.storage, B.storage, {
    batch: numelOf(batch),
    m,
    k,
    n,
    aBatchStride: A.batchStride,
    bBatchStride: B.batchStride,
    transA: A.trans,
    transB: B.trans,
  });
  return record("matmul", [a, b], wrap(castResult(s, dtype), outShape));
}

function checkMatmulOperand(x: Tensor, name: string): void {
  if (!(x instanceof Tensor)) {
    throw new TypeError(`matmul: ${name} operand must be a tensor, got ${typeof x}`);
  }
  if (x.ndim === 0) {
    throw new RangeError(
      `matmul: both arguments need at least 1 dimension, but the ${name} is 0-d (use mul)`,
    );
  }
}

/**
 * Matrix product with PyTorch's rules: 1-d operands are promoted to matrices and the added dim
 * removed afterwards; batch dims broadcast.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const t = torch.tensor([[1, 2], [3, 4]]);
 * assertEquals(t.matmul(t.T).toArray(), [[5, 11], [11, 25]]);
 * ```
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (isComplexOperand(a) || isComplexOperand(b)) return complexProduct("matmul", a, b, matmul);
  const amp = autocastCall("lower", matmul, a, b);
  if (amp !== undefined) return amp;
  return inFrameOf(() => {
    checkMatmulOperand(a, "first");
    checkMatmulOperand(b, "second");
    if (a.ndim === 1 && b.ndim === 1) return asOp("matmul", () => dot(a, b));
    const a2 = a.ndim === 1 ? unsqueeze(a, 0) : a;
    const b2 = b.ndim === 1 ? unsqueeze(b, 1) : b;
    let out = batchedProduct("matmul", a2, b2);
    if (a.ndim === 1) out = squeeze(out, -2);
    if (b.ndim === 1) out = squeeze(out, -1);
    // PyTorch's names for the op matmul dispatches to.
    const name = a.ndim === 2 && b.ndim === 2
      ? "MmBackward0"
      : a.ndim === 2 && b.ndim === 1
      ? "MvBackward0"
      : a.ndim === 1
      ? "SqueezeBackward3"
      : "UnsafeViewBackward0";
    return named(out, name, a, b);
  });
}

/**
 * Product of two matrices.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.mm(torch.ones(2, 3), torch.ones(3, 4)).shape, [2, 4]);
 * ```
 */
export function mm(a: Tensor, b: Tensor): Tensor {
  if (isComplexOperand(a) || isComplexOperand(b)) return complexProduct("mm", a, b, mm);
  const amp = autocastCall("lower", mm, a, b);
  if (amp !== undefined) return amp;
  return inFrameOf(() => {
    if (a.ndim !== 2 || b.ndim !== 2) {
      throw new RangeError(
        `mm: expected two 2-d tensors, got shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`,
      );
    }
    return named(batchedProduct("mm", a, b), "MmBackward0", a, b);
  });
}

/**
 * Batched product of `[b, n, m]` and `[b, m, p]`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.bmm(torch.ones(5, 2, 3), torch.ones(5, 3, 4)).shape, [5, 2, 4]);
 * ```
 */
export function bmm(a: Tensor, b: Tensor): Tensor {
  if (isComplexOperand(a) || isComplexOperand(b)) return complexProduct("bmm", a, b, bmm);
  const amp = autocastCall("lower", bmm, a, b);
  if (amp !== undefined) return amp;
  return inFrameOf(() => {
    if (a.ndim !== 3 || b.ndim !== 3 || a.shape[0] !== b.shape[0]) {
      throw new RangeError(
        `bmm: expected two 3-d tensors with the same batch size, got shapes ${fmtShape(a.shape)} and ${
          fmtShape(b.shape)
        }`,
      );
    }
    return named(batchedProduct("bmm", a, b), "BmmBackward0", a, b);
  });
}

/**
 * Inner product of two 1-d tensors.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.dot(torch.tensor([1, 2]), torch.tensor([3, 4])).item(), 11);
 * ```
 */
export function dot(a: Tensor, b: Tensor): Tensor {
  return inFrameOf(() => {
    if (isComplexOperand(a) || isComplexOperand(b)) return complexProduct("dot", a, b, dot);
    if (a.ndim !== 1 || b.ndim !== 1 || a.shape[0] !== b.shape[0]) {
      throw new RangeError(
        `dot: expected two 1-d tensors of the same length, got shapes ${fmtShape(a.shape)} and ${
          fmtShape(b.shape)
        }`,
      );
    }
    return named(
      squeeze(batchedProduct("dot", unsqueeze(a, 0), unsqueeze(b, 1)), [0, 1]),
      "DotBackward0",
      a,
      b,
    );
  });
}

/**
 * Outer product of two 1-d tensors.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.outer(torch.tensor([1, 2]), torch.tensor([3, 4])).toArray(), [[3, 4], [6, 8]]);
 * ```
 */
export function outer(a: Tensor, b: Tensor): Tensor {
  return inFrameOf(() => {
    if (a.ndim !== 1 || b.ndim !== 1) {
      throw new RangeError(
        `outer: expected two 1-d tensors, got shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`,
      );
    }
    return mul(unsqueeze(a, 1), unsqueeze(b, 0));
  });
}

/**
 * `x @ weightᵀ + bias` as one kernel call (PyTorch's `F.linear`, `addmm`): `x` is `[..., in]`,
 * `weight` `[out, in]` and `bias` `[out]` (or null), all float32 on one device; recorded as
 * `linear`, whose backward is two products and a sum (no transposed copies).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.tensor([[1, 2]], { dtype: "float32" });
 * const w = torch.tensor([[1, 0], [1, 1]], { dtype: "float32" });
 * assertEquals(torch.linear(x, w, torch.tensor([0.5, 0.5])).toArray(), [[1.5, 3.5]]);
 * ```
 */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  const amp = autocastCall("lower", linear, x, weight, bias);
  if (amp !== undefined) return amp;
  return inFrameOf(() => {
    if (x.dtype === "float16" && weight.dtype === "float16" && (bias === null || bias.dtype === "float16")) {
      // float16 (autocast's linear): the float32 product of the half values, rounded once.
      return toDType(
        linear(toDType(x, "float32"), toDType(weight, "float32"), bias && toDType(bias, "float32")),
        "float16",
      );
    }
    const backend = backendOf("linear", x, weight, bias);
    for (const [name, t] of [["input", x], ["weight", weight], ["bias", bias]] as const) {
      if (t !== null && t.dtype !== "float32") {
        throw new TypeError(`linear: expected float32 tensors (or float16 ones), got a ${t.dtype} ${name}`);
      }
    }
    const inF = weight.shape[1], outF = weight.shape[0];
    if (weight.ndim !== 2 || x.ndim === 0 || x.shape[x.ndim - 1] !== inF) {
      throw new RangeError(
        `linear: cannot multiply input ${fmtShape(x.shape)} by the transpose of weight ${
          fmtShape(weight.shape)
        }`,
      );
    }
    if (bias !== null && (bias.ndim !== 1 || bias.shape[0] !== outF)) {
      throw new RangeError(`linear: bias must have shape [${outF}], got ${fmtShape(bias.shape)}`);
    }
    const x2 = x.ndim === 2 ? x : reshape(x, [-1, inF]);
    const m = x2.shape[0];
    const inputs = bias === null ? [x2, weight] : [x2, weight, bias];
    let out: Tensor;
    if (m * outF === 0 || inF === 0) {
      const zeros = wrap(backend.full("float32", m * outF, 0), [m, outF]);
      out = record("linear", inputs, bias === null ? zeros : wrap(zeros.add(bias)._storage, [m, outF]));
    } else {
      const A = operand(x2, [], "float32"), B = operand(mt(weight), [], "float32");
      const s = backend.matmul(A.storage, B.storage, {
        batch: 1,
        m,
        k: inF,
        n: outF,
        aBatchStride: 0,
        bBatchStride: 0,
        transA: A.trans,
        transB: B.trans,
        bias: bias === null ? null : storageAs(bias, "float32"),
      });
      out = record("linear", inputs, wrap(s, [m, outF]));
    }
    // PyTorch 1.13's names: addmm (mm without a bias) for 2-d inputs; a contiguous 3-d input with a
    // bias goes through addmm and a view; otherwise matmul (+ add).
    if (x.ndim === 2) return named(out, bias === null ? "MmBackward0" : "AddmmBackward0", x, weight, bias);
    const r = reshape(out, [...x.shape.slice(0, -1), outF]);
    const viaView = bias !== null && x.ndim === 3 && x.isContiguous();
    return named(
      r,
      bias === null ? "UnsafeViewBackward0" : viaView ? "ViewBackward0" : "AddBackward0",
      x,
      weight,
      bias,
    );
  });
}
