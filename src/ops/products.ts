/**
 * Matrix products built on `matmul`: the scaled-accumulate forms (`addmm`, `addmv`, `addr`,
 * `addbmm`, `baddbmm`), `mv`, `inner`, `vdot`, `kron`, `tensordot`, `chainMatmul` (and
 * `linalg.multiDot`'s cheapest-order chain), `matrixPower` and `cross`. Compositions of existing
 * ops, so they run on every device and autograd differentiates them through their parts.
 * @module
 */
import { isComplexOperand, refuseComplex } from "../complex/core.ts";
import { conj } from "../complex/conj.ts";
import { fmtShape, normDim, numelOf } from "../shape.ts";
import { Tensor } from "../tensor.ts";
import { inFrameOf } from "../memory.ts";
import { named } from "./dispatch.ts";
import { add, mul, sub, where } from "./elementwise.ts";
import { bmm, dot, matmul, mm } from "./matmul.ts";
import { expand, narrow, permute, reshape, squeeze, unsqueeze } from "./movement.ts";
import { sum } from "./reduce.ts";
import { cat } from "./indexing.ts";
import { asOp } from "./naming.ts";
import { eye, full } from "../creation.ts";
import { isFloating } from "../dtype.ts";
import { inv } from "../linalg/solve.ts";

/** Options of the `add*` products: `beta * input + alpha * product`. */
export interface AddProductOptions {
  /** Multiplier of `input` (default 1; 0 ignores `input`'s values, NaN included, as PyTorch). */
  beta?: number;
  /** Multiplier of the product (default 1). */
  alpha?: number;
}

/** @internal Zeros of `x`'s shape that pass a zero gradient to `x` (never NaN, whatever `x` holds). */
export function ignored(x: Tensor): Tensor {
  return where(full([...x.shape], true, { device: x.device }), 0, x);
}

/** `beta * input + alpha * product` with `input` broadcast to the product's shape (checked). */
function scaledSum(op: string, input: Tensor, product: Tensor, opts: AddProductOptions): Tensor {
  const { beta = 1, alpha = 1 } = opts;
  for (const [name, v] of [["beta", beta], ["alpha", alpha]] as const) {
    if (typeof v !== "number") {
      throw new TypeError(`${op}: ${name} must be a number, got ${typeof v}`);
    }
    if (!isFloating(product.dtype) && !Number.isInteger(v)) {
      throw new TypeError(
        `${op}: for integral input tensors, ${name} must not be a floating point number (got ${v})`,
      );
    }
  }
  if (!(input instanceof Tensor)) throw new TypeError(`${op}: input must be a tensor, got ${typeof input}`);
  const ps = product.shape;
  const fits = input.ndim <= ps.length &&
    input.shape.every((s, i) => s === 1 || s === ps[ps.length - input.ndim + i]);
  if (!fits) {
    throw new RangeError(
      `${op}: input of shape ${fmtShape(input.shape)} cannot be broadcast to the product's shape ${
        fmtShape(ps)
      }`,
    );
  }
  const scaled = alpha === 1 ? product : mul(product, alpha);
  const term = beta === 0 ? ignored(input) : beta === 1 ? input : mul(input, beta);
  return add(term, scaled);
}

function requireTensors(op: string, names: readonly string[], xs: readonly unknown[]): void {
  xs.forEach((x, i) => {
    if (!(x instanceof Tensor)) throw new TypeError(`${op}: ${names[i]} must be a tensor, got ${typeof x}`);
  });
}

/**
 * `beta * input + alpha * (mat1 @ mat2)` for matrices `mat1` `[n, m]` and `mat2` `[m, p]`;
 * `input` broadcasts to `[n, p]`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const out = torch.addmm(torch.tensor([1, 1]), torch.eye(2), torch.tensor([[1, 2], [3, 4]]), { beta: 2 });
 * assertEquals(out.toArray(), [[3, 4], [5, 6]]);
 * ```
 */
export function addmm(input: Tensor, mat1: Tensor, mat2: Tensor, opts: AddProductOptions = {}): Tensor {
  return inFrameOf(() => {
    requireTensors("addmm", ["input", "mat1", "mat2"], [input, mat1, mat2]);
    if (mat1.ndim !== 2 || mat2.ndim !== 2) {
      throw new RangeError(
        `addmm: expected mat1 and mat2 to be matrices, got shapes ${fmtShape(mat1.shape)} and ${
          fmtShape(mat2.shape)
        }`,
      );
    }
    if (mat1.shape[1] !== mat2.shape[0]) {
      throw new RangeError(
        `addmm: mat1 and mat2 shapes cannot be multiplied (${mat1.shape.join("x")} and ${
          mat2.shape.join("x")
        })`,
      );
    }
    return named(asOp("addmm", () => scaledSum("addmm", input, mm(mat1, mat2), opts)), "AddmmBackward0");
  });
}

/**
 * `beta * input + alpha * (mat @ vec)` for a matrix `[n, m]` and a vector `[m]`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const out = torch.addmv(torch.tensor([1, 1]), torch.tensor([[1, 2], [3, 4]]), torch.tensor([1, 1]));
 * assertEquals(out.toArray(), [4, 8]);
 * ```
 */
export function addmv(input: Tensor, mat: Tensor, vec: Tensor, opts: AddProductOptions = {}): Tensor {
  return inFrameOf(() => {
    requireTensors("addmv", ["input", "mat", "vec"], [input, mat, vec]);
    return named(asOp("addmv", () => scaledSum("addmv", input, mv(mat, vec), opts)), "AddmvBackward0");
  });
}

/**
 * `beta * input + alpha * outer(vec1, vec2)`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const out = torch.addr(torch.zeros(2, 2), torch.tensor([1, 2]), torch.tensor([3, 4]), { alpha: 2 });
 * assertEquals(out.toArray(), [[6, 8], [12, 16]]);
 * ```
 */
export function addr(input: Tensor, vec1: Tensor, vec2: Tensor, opts: AddProductOptions = {}): Tensor {
  refuseComplex("addr", input, vec1, vec2);
  return inFrameOf(() => {
    requireTensors("addr", ["input", "vec1", "vec2"], [input, vec1, vec2]);
    if (vec1.ndim !== 1 || vec2.ndim !== 1) {
      throw new RangeError(
        `addr: expected 1-d vectors, got vec1 of shape ${fmtShape(vec1.shape)} and vec2 of shape ${
          fmtShape(vec2.shape)
        }`,
      );
    }
    const product = mul(unsqueeze(vec1, 1), unsqueeze(vec2, 0));
    return named(asOp("addr", () => scaledSum("addr", input, product, opts)), "AddrBackward0");
  });
}

function checkBatches(op: string, b1: Tensor, b2: Tensor): void {
  if (b1.ndim !== 3 || b2.ndim !== 3) {
    throw new RangeError(
      `${op}: expected 3-d batch1 and batch2, got shapes ${fmtShape(b1.shape)} and ${fmtShape(b2.shape)}`,
    );
  }
  if (b1.shape[0] !== b2.shape[0] || b1.shape[2] !== b2.shape[1]) {
    throw new RangeError(
      `${op}: batch1 ${fmtShape(b1.shape)} and batch2 ${fmtShape(b2.shape)} cannot be multiplied ` +
        `(expected [b, n, m] and [b, m, p])`,
    );
  }
}

/**
 * `beta * input + alpha * sum_i(batch1[i] @ batch2[i])`: the batch of products reduced to one
 * `[n, p]` matrix.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const out = torch.addbmm(torch.zeros(2, 2), torch.ones(3, 2, 4), torch.ones(3, 4, 2));
 * assertEquals(out.toArray(), [[12, 12], [12, 12]]);
 * ```
 */
export function addbmm(input: Tensor, batch1: Tensor, batch2: Tensor, opts: AddProductOptions = {}): Tensor {
  return inFrameOf(() => {
    requireTensors("addbmm", ["input", "batch1", "batch2"], [input, batch1, batch2]);
    checkBatches("addbmm", batch1, batch2);
    const product = sum(bmm(batch1, batch2), 0);
    return named(asOp("addbmm", () => scaledSum("addbmm", input, product, opts)), "AddbmmBackward0");
  });
}

/**
 * `beta * input + alpha * (batch1 @ batch2)` per batch: `[b, n, p]`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const out = torch.baddbmm(torch.ones(1, 2), torch.ones(3, 1, 4), torch.ones(3, 4, 2), { alpha: 0.5 });
 * assertEquals(out.shape, [3, 1, 2]);
 * assertEquals(out.select(0, 0).toArray(), [[3, 3]]);
 * ```
 */
export function baddbmm(input: Tensor, batch1: Tensor, batch2: Tensor, opts: AddProductOptions = {}): Tensor {
  return inFrameOf(() => {
    requireTensors("baddbmm", ["input", "batch1", "batch2"], [input, batch1, batch2]);
    checkBatches("baddbmm", batch1, batch2);
    return named(
      asOp("baddbmm", () => scaledSum("baddbmm", input, bmm(batch1, batch2), opts)),
      "BaddbmmBackward0",
    );
  });
}

/**
 * Matrix-vector product of `mat` `[n, m]` and `vec` `[m]`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.mv(torch.tensor([[1, 2], [3, 4]]), torch.tensor([1, -1])).toArray(), [-1, -1]);
 * ```
 */
export function mv(mat: Tensor, vec: Tensor): Tensor {
  return inFrameOf(() => {
    requireTensors("mv", ["mat", "vec"], [mat, vec]);
    if (mat.ndim !== 2 || vec.ndim !== 1 || mat.shape[1] !== vec.shape[0]) {
      throw new RangeError(
        `mv: expected a matrix [n, m] and a vector [m], got shapes ${fmtShape(mat.shape)} and ${
          fmtShape(vec.shape)
        }`,
      );
    }
    return named(matmul(mat, vec), "MvBackward0");
  });
}

/**
 * Dot product of two 1-d tensors (PyTorch's `vdot`; for real tensors the same as `dot`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.vdot(torch.tensor([1, 2]), torch.tensor([3, 4])).item(), 11);
 * ```
 */
export function vdot(a: Tensor, b: Tensor): Tensor {
  return inFrameOf(() => {
    requireTensors("vdot", ["input", "other"], [a, b]);
    if (isComplexOperand(a)) return dot(conj(a), b);
    return named(asOp("vdot", () => dot(a, b)), "DotBackward0");
  });
}

/**
 * Sum of products over the last dim of both (`[..., k]` and `[..., k]` give `a.shape[:-1] +
 * b.shape[:-1]`); a 0-d operand multiplies.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const a = torch.tensor([[1, 2], [3, 4]]);
 * assertEquals(torch.inner(a, torch.tensor([1, 1])).toArray(), [3, 7]);
 * ```
 */
export function inner(a: Tensor, b: Tensor): Tensor {
  return inFrameOf(() => {
    requireTensors("inner", ["input", "other"], [a, b]);
    if (a.ndim === 0 || b.ndim === 0) return mul(a, b);
    if (a.shape[a.ndim - 1] !== b.shape[b.ndim - 1]) {
      throw new RangeError(
        `inner: expected the last dims of both inputs to match, got shapes ${fmtShape(a.shape)} and ${
          fmtShape(b.shape)
        }`,
      );
    }
    return asOp("inner", () => tensordot(a, b, [[a.ndim - 1], [b.ndim - 1]]));
  });
}

/**
 * Kronecker product: blocks `a[i...] * b`, the result's size along each dim the product of the
 * inputs' (the shorter shape padded with leading 1s).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const k = torch.kron(torch.eye(2), torch.tensor([[1, 2], [3, 4]]));
 * assertEquals(k.toArray(), [[1, 2, 0, 0], [3, 4, 0, 0], [0, 0, 1, 2], [0, 0, 3, 4]]);
 * ```
 */
export function kron(a: Tensor, b: Tensor): Tensor {
  return inFrameOf(() => {
    requireTensors("kron", ["input", "other"], [a, b]);
    const n = Math.max(a.ndim, b.ndim);
    const sa = [...Array(n - a.ndim).fill(1), ...a.shape], sb = [...Array(n - b.ndim).fill(1), ...b.shape];
    const prod = mul(reshape(a, sa.flatMap((s) => [s, 1])), reshape(b, sb.flatMap((s) => [1, s])));
    return named(reshape(prod, sa.map((s, i) => s * sb[i])), "KronBackward0");
  });
}

/**
 * Contracts `dims` dims: the last `dims` of `a` with the first `dims` of `b` (a number), or the
 * listed dims of each (`[[dimsOfA], [dimsOfB]]`). The result has `a`'s other dims, then `b`'s.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const a = torch.arange(6).view(1, 2, 3), b = torch.ones(3, 2, 4, { dtype: "int32" });
 * assertEquals(torch.tensordot(a, b, [[1, 2], [1, 0]]).shape, [1, 4]);
 * assertEquals(torch.tensordot(a, b, [[1, 2], [1, 0]]).toArray(), [[15, 15, 15, 15]]);
 * ```
 */
export function tensordot(
  a: Tensor,
  b: Tensor,
  dims: number | readonly [readonly number[], readonly number[]] | readonly [number, number] = 2,
): Tensor {
  return inFrameOf(() => {
    requireTensors("tensordot", ["a", "b"], [a, b]);
    let da: number[], db: number[];
    if (typeof dims === "number") {
      if (!Number.isInteger(dims) || dims < 0) {
        throw new RangeError(`tensordot: expects dims >= 0, but got dims=${dims}`);
      }
      if (dims > a.ndim || dims > b.ndim) {
        throw new RangeError(
          `tensordot: cannot contract ${dims} dims of tensors of shapes ${fmtShape(a.shape)} and ${
            fmtShape(b.shape)
          }`,
        );
      }
      da = [...Array(dims).keys()].map((i) => a.ndim - dims + i);
      db = [...Array(dims).keys()];
    } else {
      const [l, r] = dims;
      da = (typeof l === "number" ? [l] : [...l]).map((d) => normDim("tensordot", d, a.ndim));
      db = (typeof r === "number" ? [r] : [...r]).map((d) => normDim("tensordot", d, b.ndim));
      if (da.length !== db.length) {
        throw new RangeError(
          `tensordot: both dimension lists should have same length, got [${da.join(", ")}] and [${
            db.join(", ")
          }]`,
        );
      }
    }
    da.forEach((d, i) => {
      if (a.shape[d] !== b.shape[db[i]]) {
        throw new RangeError(
          `tensordot: contracted dimensions need to match, but first has size ${a.shape[d]} in dim ${d} ` +
            `and second has size ${b.shape[db[i]]} in dim ${db[i]} (shapes ${fmtShape(a.shape)} and ${
              fmtShape(b.shape)
            })`,
        );
      }
    });
    const freeA = [...a.shape.keys()].filter((d) => !da.includes(d));
    const freeB = [...b.shape.keys()].filter((d) => !db.includes(d));
    const k = numelOf(da.map((d) => a.shape[d]));
    const a2 = reshape(permute(a, [...freeA, ...da]), [numelOf(freeA.map((d) => a.shape[d])), k]);
    const b2 = reshape(permute(b, [...db, ...freeB]), [k, numelOf(freeB.map((d) => b.shape[d]))]);
    return reshape(mm(a2, b2), [...freeA.map((d) => a.shape[d]), ...freeB.map((d) => b.shape[d])]);
  });
}

/**
 * @internal The product of a chain of tensors in the cheapest order (dynamic programming on the
 * multiplication counts); the first may be 1-d (a row vector) and the last 1-d (a column vector).
 */
export function chainProduct(op: string, tensors: readonly Tensor[], allow1d: boolean): Tensor {
  if (!Array.isArray(tensors) || tensors.length < (allow1d ? 2 : 1)) {
    throw new RangeError(`${op}: expected at least ${allow1d ? 2 : 1} tensors, got ${tensors?.length ?? 0}`);
  }
  requireTensors(op, tensors.map((_, i) => `tensor ${i}`), tensors);
  const n = tensors.length;
  const mats = tensors.map((t, i) => {
    const edge1d = allow1d && t.ndim === 1 && (i === 0 || i === n - 1);
    if (t.ndim !== 2 && !edge1d) {
      throw new RangeError(
        `${op}: tensor ${i} must be 2-d${allow1d ? " (only the first and last may be 1-d)" : ""}, got shape ${
          fmtShape(t.shape)
        }`,
      );
    }
    return edge1d ? (i === 0 ? unsqueeze(t, 0) : unsqueeze(t, 1)) : t;
  });
  for (let i = 1; i < n; i++) {
    if (mats[i - 1].shape[1] !== mats[i].shape[0]) {
      throw new RangeError(
        `${op}: tensor ${i - 1} of shape ${fmtShape(tensors[i - 1].shape)} and tensor ${i} of shape ${
          fmtShape(tensors[i].shape)
        } cannot be multiplied`,
      );
    }
  }
  if (n === 1) return mats[0].clone();
  const p = [mats[0].shape[0], ...mats.map((m) => m.shape[1])];
  const cost = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const split = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let len = 1; len < n; len++) {
    for (let i = 0; i + len < n; i++) {
      const j = i + len;
      cost[i][j] = Infinity;
      for (let k = i; k < j; k++) {
        const c = cost[i][k] + cost[k + 1][j] + p[i] * p[k + 1] * p[j + 1];
        if (c < cost[i][j]) {
          cost[i][j] = c;
          split[i][j] = k;
        }
      }
    }
  }
  const product = (i: number, j: number): Tensor =>
    i === j ? mats[i] : mm(product(i, split[i][j]), product(split[i][j] + 1, j));
  let out = product(0, n - 1);
  if (allow1d && tensors[n - 1].ndim === 1) out = squeeze(out, 1);
  if (allow1d && tensors[0].ndim === 1) out = squeeze(out, 0);
  return out;
}

/**
 * The product of a chain of matrices, multiplied in the cheapest order (PyTorch's deprecated
 * `torch.chain_matmul`; `linalg.multiDot` also takes 1-d ends).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const a = torch.ones(2, 3), b = torch.ones(3, 4), c = torch.ones(4, 1);
 * assertEquals(torch.chainMatmul(a, b, c).toArray(), [[12], [12]]);
 * ```
 */
export function chainMatmul(...matrices: Tensor[]): Tensor {
  return inFrameOf(() => chainProduct("chainMatmul", matrices, false));
}

/**
 * `A` multiplied by itself `n` times, for square matrices `[..., m, m]`: `n = 0` gives identities,
 * negative `n` powers of the inverse (through `linalg.inv`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const A = torch.tensor([[1, 1], [0, 1]], { dtype: "float32" });
 * assertEquals(torch.matrixPower(A, 3).toArray(), [[1, 3], [0, 1]]);
 * assertEquals(torch.matrixPower(A, -2).toArray(), [[1, -2], [0, 1]]);
 * ```
 */
export function matrixPower(A: Tensor, n: number, op = "matrixPower"): Tensor {
  return inFrameOf(() => {
    requireTensors(op, ["input"], [A]);
    if (!Number.isInteger(n)) throw new TypeError(`${op}: n must be an integer, got ${n}`);
    if (A.ndim < 2 || A.shape[A.ndim - 1] !== A.shape[A.ndim - 2]) {
      throw new RangeError(
        `${op}: expected a tensor of square matrices [..., m, m], got shape ${fmtShape(A.shape)}`,
      );
    }
    const m = A.shape[A.ndim - 1];
    if (n === 0) {
      const I = expand(eye(m, { dtype: A.dtype, device: A.device }), [...A.shape]);
      return add(ignored(A), I);
    }
    let base = A;
    if (n < 0) {
      if (!isFloating(A.dtype)) {
        throw new TypeError(
          `${op}: negative powers need a floating point input (they invert it), got ${A.dtype}`,
        );
      }
      base = asOp(op, () => inv(A));
    }
    let k = Math.abs(n);
    if (k === 1) return base.clone();
    let result: Tensor | null = null;
    while (k > 0) {
      if (k % 2 === 1) result = result === null ? base : matmul(result, base);
      k = Math.floor(k / 2);
      if (k > 0) base = matmul(base, base);
    }
    return result!;
  });
}

/**
 * @internal The cross product along `dim` (size 3 in both), broadcasting the other dims.
 */
export function crossAlong(op: string, a: Tensor, b: Tensor, dim: number): Tensor {
  requireTensors(op, ["input", "other"], [a, b]);
  if (a.ndim !== b.ndim) {
    throw new RangeError(
      `${op}: inputs must have the same number of dimensions, got shapes ${fmtShape(a.shape)} and ${
        fmtShape(b.shape)
      }`,
    );
  }
  const d = normDim(op, dim, a.ndim);
  if (a.shape[d] !== 3 || b.shape[d] !== 3) {
    throw new RangeError(
      `${op}: inputs dimension ${dim} must have length 3, got shapes ${fmtShape(a.shape)} and ${
        fmtShape(b.shape)
      }`,
    );
  }
  const ai = (i: number) => narrow(a, d, i, 1), bi = (i: number) => narrow(b, d, i, 1);
  return asOp(op, () =>
    cat([
      sub(mul(ai(1), bi(2)), mul(ai(2), bi(1))),
      sub(mul(ai(2), bi(0)), mul(ai(0), bi(2))),
      sub(mul(ai(0), bi(1)), mul(ai(1), bi(0))),
    ], d));
}

/**
 * Cross product of 3-vectors along `dim`; without `dim`, PyTorch 1.13's default: the first dim of
 * size 3. Other dims broadcast.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.tensor([1, 0, 0]), y = torch.tensor([0, 1, 0]);
 * assertEquals(torch.cross(x, y).toArray(), [0, 0, 1]);
 * ```
 */
export function cross(a: Tensor, b: Tensor, dim?: number): Tensor {
  return inFrameOf(() => {
    requireTensors("cross", ["input", "other"], [a, b]);
    let d = dim;
    if (d === undefined) {
      d = a.shape.indexOf(3);
      if (d < 0) throw new RangeError(`cross: no dimension of size 3 in input of shape ${fmtShape(a.shape)}`);
    }
    return named(crossAlong("cross", a, b, d), "LinalgCrossBackward0");
  });
}
