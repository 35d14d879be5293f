/**
 * `torch.linalg`'s norms: `vectorNorm`, `matrixNorm` and `norm`, which dispatches between them as
 * PyTorch 1.13 does. Composites of reductions, so they run and differentiate on both devices,
 * with PyTorch's gradients (the 2-norm's gradient is 0 where the norm is 0).
 * @module
 */
import { refuseComplex } from "../complex/core.ts";
import type { Tensor } from "../tensor.ts";
import { Tensor as TensorClass } from "../tensor.ts";
import { inFrameOf } from "../memory.ts";
import { amax, amin, type DimArg, norm as pNorm, sum } from "../ops/reduce.ts";
import { abs } from "../ops/elementwise.ts";
import { named } from "../ops/dispatch.ts";
import { asOp } from "../ops/naming.ts";
import { normDim } from "../shape.ts";
import { describeValue } from "../backends/contract.ts";
import { unsqueeze } from "../ops/movement.ts";
import { movedim } from "../ops/rearrange.ts";
import { svdvals } from "./svd.ts";

/** The order of a matrix norm: `"fro"`, `"nuc"` or a number (1, -1, 2, -2, `Infinity`, `-Infinity`). */
export type MatrixOrd = "fro" | "nuc" | number;

/** Keyword arguments of {@link vectorNorm}, PyTorch's `ord`, `dim` and `keepdim`. */
export interface VectorNormOptions {
  /** The order (default 2): any real number, `Infinity`, `-Infinity` or 0 (the count of nonzeros). */
  ord?: number;
  /** The dim or dims to reduce (default: all, the tensor taken as one vector). */
  dim?: DimArg | null;
  /** Keep the reduced dims with size 1 (default false). */
  keepdim?: boolean;
}

/** Keyword arguments of {@link matrixNorm}. */
export interface MatrixNormOptions {
  /** The order (default `"fro"`). */
  ord?: MatrixOrd;
  /** The two dims holding the matrices (default `[-2, -1]`). */
  dim?: readonly [number, number] | readonly number[];
  /** Keep the reduced dims with size 1 (default false). */
  keepdim?: boolean;
}

/** Keyword arguments of {@link norm}. */
export interface NormOptions {
  /** The order: a number for vector norms, or a matrix order (default: the 2-norm of all elements). */
  ord?: MatrixOrd | null;
  /** One dim (a vector norm) or two (a matrix norm); default: see {@link norm}. */
  dim?: DimArg | null;
  /** Keep the reduced dims with size 1 (default false). */
  keepdim?: boolean;
}

function checkKeepdim(op: string, keepdim: unknown): boolean {
  if (keepdim === undefined) return false;
  if (typeof keepdim !== "boolean") {
    throw new TypeError(`${op}: keepdim must be a boolean, got ${describeValue(keepdim)}`);
  }
  return keepdim;
}

function checkTensor(op: string, x: unknown): asserts x is Tensor {
  if (!(x instanceof TensorClass)) throw new TypeError(`${op}: expected a Tensor, got ${describeValue(x)}`);
}

/**
 * The vector `ord`-norm of `x` over `dim` (all elements by default): `sum(|x|^ord)^(1/ord)`, the
 * largest (`Infinity`) or smallest (`-Infinity`) |x|, or the count of nonzeros (0). Also takes
 * an options object: `vectorNorm(x, { ord, dim, keepdim })`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.tensor([[3, -4], [0, 1]], { dtype: "float32" });
 * assertEquals(torch.linalg.vectorNorm(x.index(0)).item(), 5);
 * assertEquals(torch.linalg.vectorNorm(x, 1, 1).toArray(), [7, 1]);
 * assertEquals(torch.linalg.vectorNorm(x, { ord: Infinity, dim: 0, keepdim: true }).toArray(), [[3, 4]]);
 * ```
 */
export function vectorNorm(
  x: Tensor,
  ord: number | VectorNormOptions = 2,
  dim?: DimArg | null,
  keepdim?: boolean,
): Tensor {
  const op = "linalg.vectorNorm";
  if (typeof ord === "object" && ord !== null) {
    return vectorNorm(x, ord.ord ?? 2, ord.dim ?? null, ord.keepdim ?? false);
  }
  return asOp(op, () =>
    inFrameOf(() => {
      checkTensor(op, x);
      if (typeof ord !== "number") {
        throw new TypeError(
          `${op}: ord must be a number, got ${describeValue(ord)} (matrix orders belong to matrixNorm)`,
        );
      }
      const kd = checkKeepdim(op, keepdim);
      const out = pNorm(x, ord, dim ?? undefined, { keepdim: kd });
      return named(out, "LinalgVectorNormBackward0", x);
    }));
}

/** The two dims of a matrix norm, normalised and distinct. */
function matrixDims(op: string, A: Tensor, dim: readonly number[]): [number, number] {
  if (!Array.isArray(dim) || dim.length !== 2 || !dim.every((d) => Number.isInteger(d))) {
    throw new RangeError(`${op}: dim must be a 2-tuple of integers. Got ${describeValue(dim)}`);
  }
  const d0 = normDim(op, dim[0], A.ndim), d1 = normDim(op, dim[1], A.ndim);
  if (d0 === d1) throw new RangeError(`${op}: dims must be different. Got (${dim[0]}, ${dim[1]})`);
  return [d0, d1];
}

/**
 * The matrix norm of `A` over the two dims `dim` (default the last two): `"fro"` (Frobenius, the
 * default), 1 / -1 (largest / smallest column sum of |A|), `Infinity` / `-Infinity` (largest /
 * smallest row sum of |A|), `"nuc"` (the sum of the singular values), 2 / -2 (the largest /
 * smallest singular value, from {@link svdvals}). Also takes an options object:
 * `matrixNorm(A, { ord, dim, keepdim })`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const A = torch.tensor([[1, -2], [3, 4]], { dtype: "float32" });
 * assertEquals(torch.linalg.matrixNorm(A, 1).item(), 6);
 * assertEquals(torch.linalg.matrixNorm(A, Infinity).item(), 7);
 * assertEquals(Math.abs(torch.linalg.matrixNorm(A).item() - Math.sqrt(30)) < 1e-6, true);
 * ```
 */
export function matrixNorm(
  A: Tensor,
  ord: MatrixOrd | MatrixNormOptions = "fro",
  dim: readonly number[] = [-2, -1],
  keepdim?: boolean,
): Tensor {
  refuseComplex("matrixNorm", A);
  const op = "linalg.matrixNorm";
  if (typeof ord === "object" && ord !== null) {
    return matrixNorm(A, ord.ord ?? "fro", ord.dim ?? [-2, -1], ord.keepdim ?? false);
  }
  return asOp(op, () =>
    inFrameOf(() => {
      checkTensor(op, A);
      const kd = checkKeepdim(op, keepdim);
      if (A.ndim < 2) throw new RangeError(`${op}: The input tensor A must have at least 2 dimensions.`);
      const [d0, d1] = matrixDims(op, A, dim);
      if (ord === "fro") return named(pNorm(A, 2, [d0, d1], { keepdim: kd }), "LinalgVectorNormBackward0", A);
      if (ord === "nuc" || ord === 2 || ord === -2) return spectralNorm(A, ord, d0, d1, kd);
      if (ord !== 1 && ord !== -1 && ord !== Infinity && ord !== -Infinity) {
        throw new RangeError(
          `${op}: Order ${
            typeof ord === "string" ? JSON.stringify(ord) : describeValue(ord)
          } not supported (supported: "fro", "nuc", 1, -1, 2, -2, Infinity, -Infinity)`,
        );
      }
      // 1 / -1: sums down the columns (over d0), then the extreme over d1; ±Infinity: the rows
      // (PyTorch's order of reductions, so the gradient is amax's / amin's).
      const [sumDim, extDim] = ord === 1 || ord === -1 ? [d0, d1] : [d1, d0];
      const sums = sum(abs(A), sumDim, { keepdim: kd });
      const e = !kd && sumDim < extDim ? extDim - 1 : extDim;
      return ord > 0 ? amax(sums, e, { keepdim: kd }) : amin(sums, e, { keepdim: kd });
    }));
}

/**
 * PyTorch's `torch.linalg.norm`: with `dim` one dim, the vector norm; two dims, the matrix norm;
 * no `dim` and no `ord`, the 2-norm of all elements; no `dim` with `ord`, the vector norm of a
 * 1-d `x` or the matrix norm of a 2-d one. Also takes an options object: `norm(x, { ord, dim,
 * keepdim })`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const A = torch.tensor([[1, -2], [3, 4]], { dtype: "float32" });
 * assertEquals(torch.linalg.norm(A, Infinity).item(), 7); // the matrix norm of a 2-d tensor
 * assertEquals(torch.linalg.norm(A, Infinity, 1).toArray(), [2, 4]); // vector norms of the rows
 * assertEquals(torch.linalg.norm(torch.tensor([3, 4], { dtype: "float32" })).item(), 5);
 * ```
 */
export function norm(
  x: Tensor,
  ord?: MatrixOrd | null | NormOptions,
  dim?: DimArg | null,
  keepdim?: boolean,
): Tensor {
  refuseComplex("norm", x);
  const op = "linalg.norm";
  if (typeof ord === "object" && ord !== null) return norm(x, ord.ord ?? null, ord.dim ?? null, ord.keepdim);
  return asOp(op, () =>
    inFrameOf(() => {
      checkTensor(op, x);
      const kd = checkKeepdim(op, keepdim);
      if (dim !== undefined && dim !== null) {
        const dims = typeof dim === "number" ? [dim] : dim;
        if (!Array.isArray(dims) || (dims.length !== 1 && dims.length !== 2)) {
          throw new RangeError(
            `${op}: If dim is specified, it must be of length 1 or 2. Got ${describeValue(dim)}`,
          );
        }
        if (dims.length === 2) return matrixNorm(x, ord ?? "fro", dims, kd);
        if (typeof ord === "string") {
          throw new RangeError(
            `${op}: ord ${JSON.stringify(ord)} is a matrix norm, which needs two dims; got dim ${dims[0]}`,
          );
        }
        return vectorNorm(x, ord ?? 2, dims, kd);
      }
      if (ord === undefined || ord === null) return vectorNorm(x, 2, null, kd);
      if (x.ndim === 1 && typeof ord === "number") return vectorNorm(x, ord, null, kd);
      if (x.ndim === 2) return matrixNorm(x, ord, [-2, -1], kd);
      throw new RangeError(
        `${op}: If dim is not specified but ord is, the input must be 1D or 2D. Got ${x.ndim}D.`,
      );
    }));
}

/** The norms of singular values: "nuc" (their sum), 2 (the largest), -2 (the smallest), over dims d0, d1. */
function spectralNorm(A: Tensor, ord: "nuc" | 2 | -2, d0: number, d1: number, keepdim: boolean): Tensor {
  const S = svdvals(movedim(A, [d0, d1], [-2, -1]));
  let out = ord === "nuc" ? sum(S, -1) : ord === 2 ? amax(S, -1) : amin(S, -1);
  if (keepdim) {
    for (const d of [Math.min(d0, d1), Math.max(d0, d1)]) out = unsqueeze(out, d);
  }
  return out;
}
