/**
 * `torch.special`: special functions (gamma family, error functions, Bessel and Airy functions,
 * the orthogonal polynomials, the Hurwitz zeta function, the normal CDF and its inverse,
 * xlogy/xlog1py, logit/expit, sinc, entr) and PyTorch 1.13's
 * `special` aliases of existing ops, under PyTorch's names in camelCase (`log_ndtr` is
 * `logNdtr`, `log_softmax` is `logSoftmax`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.tensor([1, 2, 3]);
 * assertEquals(torch.allclose(torch.special.gammaln(x).exp(), torch.tensor([1, 1, 2])), true);
 * ```
 * @module
 */
export * from "./names.ts";
export * from "./error.ts";
export * from "./bessel.ts";
export * from "./log_ops.ts";
export * from "./bessel_more.ts";
export * from "./polynomials.ts";
export * from "./zeta.ts";
