/**
 * `torch.linalg`: PyTorch 1.13's linear algebra namespace. Norms (`vectorNorm`, `matrixNorm`,
 * `norm`), square solvers from one batched LU factorisation with partial pivoting (`inv`,
 * `solve`, `det`, `slogdet`), `cholesky` and `solveTriangular`, on the CPU (float32 and float64) and the GPU
 * (float32), with autograd. PyTorch's snake_case names are camelCase here (`vector_norm` is `vectorNorm`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const A = torch.tensor([[4, 1], [2, 3]], { dtype: "float32" });
 * assertEquals(torch.linalg.det(A).item(), 10);
 * const I = A.matmul(torch.linalg.inv(A));
 * assertEquals(torch.allclose(I, torch.eye(2), { atol: 1e-6 }), true);
 * ```
 * @module
 */
// `export *` (not named re-exports): `deno doc` lists a namespace's members only when reached this way.
export * from "./norms.ts";
export * from "./solve.ts";
export * from "./cholesky.ts";
export * from "./triangular.ts";
export * from "./qr.ts";
export * from "./eigh.ts";
export * from "./svd.ts";
export * from "./spectral.ts";
export * from "./lu_factor.ts";
export * from "./ldl.ts";
export * from "./ex.ts";
export * from "./matrix_exp.ts";
export * from "./products.ts";
export * from "./tensor_ops.ts";
export * from "./householder.ts";
