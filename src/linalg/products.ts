/**
 * `torch.linalg`'s products: `multiDot`, `matrixPower`, `cross`, `vecdot`, `matmul` and `vander`
 * (compositions of `matmul`, `inv` and elementwise ops, on every device, with autograd).
 * @module
 */
import { refuseComplex } from "../complex/core.ts";
import type { Tensor } from "../tensor.ts";
import { inFrameOf } from "../memory.ts";
import * as pr from "../ops/products.ts";
import { matmul as matmulOp } from "../ops/matmul.ts";
import { mul } from "../ops/elementwise.ts";
import { sum } from "../ops/reduce.ts";
import { asOp } from "../ops/naming.ts";
import { named } from "../ops/dispatch.ts";
import { vanderColumns } from "../ops/shape_more.ts";

/**
 * The product of a list of matrices in the cheapest order; the first may be a 1-d row vector and
 * the last a 1-d column vector (PyTorch's `linalg.multi_dot`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const v = torch.tensor([1, 2]), M = torch.tensor([[1, 0], [0, 1]]);
 * assertEquals(torch.linalg.multiDot([v, M, v]).item(), 5);
 * ```
 */
export function multiDot(tensors: readonly Tensor[]): Tensor {
  return inFrameOf(() => pr.chainProduct("linalg.multiDot", tensors, true));
}

/**
 * `A` to the integer power `n` (square matrices `[..., m, m]`; negative `n` through the inverse),
 * PyTorch's `linalg.matrix_power`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const A = torch.tensor([[2, 0], [0, 3]], { dtype: "float32" });
 * assertEquals(torch.linalg.matrixPower(A, 2).toArray(), [[4, 0], [0, 9]]);
 * ```
 */
export function matrixPower(A: Tensor, n: number): Tensor {
  return pr.matrixPower(A, n, "linalg.matrixPower");
}

/**
 * Cross product of 3-vectors along `dim` (default -1), other dims broadcast (`linalg.cross`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.tensor([[0, 1, 0]]), y = torch.tensor([[0, 0, 1]]);
 * assertEquals(torch.linalg.cross(x, y).toArray(), [[1, 0, 0]]);
 * ```
 */
export function cross(a: Tensor, b: Tensor, opts: { dim?: number } = {}): Tensor {
  return inFrameOf(() => named(pr.crossAlong("linalg.cross", a, b, opts.dim ?? -1), "LinalgCrossBackward0"));
}

/**
 * Dot products of vectors along `dim` (default -1), other dims broadcast (`linalg.vecdot`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.tensor([[1, 2], [3, 4]]);
 * assertEquals(torch.linalg.vecdot(x, torch.tensor([1, 1])).toArray(), [3, 7]);
 * ```
 */
export function vecdot(x: Tensor, y: Tensor, opts: { dim?: number } = {}): Tensor {
  refuseComplex("vecdot", x, y);
  return inFrameOf(() => asOp("linalg.vecdot", () => sum(mul(x, y), opts.dim ?? -1)));
}

/**
 * Matrix product with `torch.matmul`'s rules (PyTorch's alias `linalg.matmul`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.linalg.matmul(torch.eye(2), torch.tensor([[1], [2]])).toArray(), [[1], [2]]);
 * ```
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  return matmulOp(a, b);
}

/**
 * The Vandermonde matrices of the last dim of `x` (`[..., n]` gives `[..., n, N]`): column `j`
 * is `x ** j`, increasing powers, `N` defaults to `n` (`linalg.vander`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.linalg.vander(torch.tensor([1, 2, 3])).toArray(), [[1, 1, 1], [1, 2, 4], [1, 3, 9]]);
 * ```
 */
export function vander(x: Tensor, opts: { N?: number } = {}): Tensor {
  refuseComplex("vander", x);
  return inFrameOf(() => vanderColumns("linalg.vander", x, opts.N, true, true));
}
