/**
 * The members of `torch.special` that carry another name at the top level (`gammaln` is
 * `torch.lgamma`, `psi` and `digamma` are `torch.digamma`, `gammainc` is `torch.igamma`, `expit` is
 * `torch.sigmoid`, ...) and PyTorch 1.13's `special` aliases of existing ops (`erf`, `erfinv`,
 * `exp2`, `expm1`, `log1p`, `logsumexp`, `softmax`, `log_softmax`, `round`). Each calls the op.
 * @module
 */
import type { Tensor } from "../tensor.ts";
import * as gamma from "./gamma.ts";
import * as erfOps from "../ops/erf.ts";
import * as pw from "../ops/pointwise.ts";
import * as ew from "../ops/elementwise.ts";
import * as red from "../ops/reduce.ts";

/**
 * `torch.special.gammaln`: {@link gamma.lgamma}, the log of |Γ(x)|.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.special.gammaln(torch.tensor([1, 2])).toArray(), [0, 0]);
 * ```
 */
export function gammaln(input: Tensor): Tensor {
  return gamma.lgamma(input);
}

/**
 * `torch.special.digamma`: `torch.digamma`, the logarithmic derivative of Γ.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.special.digamma(torch.tensor([0])).toArray(), [-Infinity]);
 * ```
 */
export function digamma(input: Tensor): Tensor {
  return gamma.digamma(input);
}

/**
 * `torch.special.psi`: `torch.digamma`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const y = torch.special.psi(torch.tensor([1])).item() as number;
 * assertEquals(Math.abs(y + 0.5772157) < 1e-6, true);
 * ```
 */
export function psi(input: Tensor): Tensor {
  return gamma.digamma(input);
}

/**
 * `torch.special.polygamma(n, input)`: `torch.polygamma`, the n-th derivative of digamma.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const y = torch.special.polygamma(1, torch.tensor([1])).item() as number;
 * assertEquals(Math.abs(y - Math.PI ** 2 / 6) < 1e-6, true);
 * ```
 */
export function polygamma(n: number, input: Tensor): Tensor {
  return gamma.polygamma(n, input);
}

/**
 * `torch.special.multigammaln(input, p)`: `torch.mvlgamma`, the log multivariate gamma function.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const y = torch.special.multigammaln(torch.tensor([1]), 1);
 * assertEquals(y.toArray(), [0]);
 * ```
 */
export function multigammaln(input: Tensor, p: number): Tensor {
  return gamma.mvlgamma(input, p);
}

/**
 * `torch.special.gammainc(input, other)`: `torch.igamma`, the regularized lower incomplete gamma
 * function.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const p = torch.special.gammainc(torch.tensor([1]), torch.tensor([0]));
 * assertEquals(p.toArray(), [0]);
 * ```
 */
export function gammainc(input: Tensor, other: Tensor): Tensor {
  return gamma.igamma(input, other);
}

/**
 * `torch.special.gammaincc(input, other)`: `torch.igammac`, the regularized upper incomplete
 * gamma function.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const q = torch.special.gammaincc(torch.tensor([1]), torch.tensor([0]));
 * assertEquals(q.toArray(), [1]);
 * ```
 */
export function gammaincc(input: Tensor, other: Tensor): Tensor {
  return gamma.igammac(input, other);
}

/**
 * `torch.special.expit`: `torch.sigmoid`, the logistic function.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.special.expit(torch.tensor([0])).toArray(), [0.5]);
 * ```
 */
export function expit(input: Tensor): Tensor {
  return ew.sigmoid(input);
}

/**
 * `torch.special.erf`: `torch.erf`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.special.erf(torch.tensor([0])).toArray(), [0]);
 * ```
 */
export function erf(input: Tensor): Tensor {
  return erfOps.erf(input);
}

/**
 * `torch.special.erfinv`: `torch.erfinv`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.special.erfinv(torch.tensor([0, 1])).toArray(), [0, Infinity]);
 * ```
 */
export function erfinv(input: Tensor): Tensor {
  return erfOps.erfinv(input);
}

/**
 * `torch.special.exp2`: `torch.exp2`, `2 ** x`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.special.exp2(torch.tensor([3])).toArray(), [8]);
 * ```
 */
export function exp2(input: Tensor): Tensor {
  return pw.exp2(input);
}

/**
 * `torch.special.expm1`: `torch.expm1`, `exp(x) - 1` without cancellation near 0.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.special.expm1(torch.tensor([0])).toArray(), [0]);
 * ```
 */
export function expm1(input: Tensor): Tensor {
  return pw.expm1(input);
}

/**
 * `torch.special.log1p`: `torch.log1p`, `log(1 + x)` without cancellation near 0.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.special.log1p(torch.tensor([0])).toArray(), [0]);
 * ```
 */
export function log1p(input: Tensor): Tensor {
  return ew.log1p(input);
}

/**
 * `torch.special.logsumexp(input, dim, { keepdim })`: `torch.logsumexp`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const y = torch.special.logsumexp(torch.tensor([0, 0]), 0).item() as number;
 * assertEquals(Math.abs(y - Math.LN2) < 1e-7, true);
 * ```
 */
export function logsumexp(input: Tensor, dim: red.DimArg, opts?: red.ReduceOptions): Tensor {
  return red.logsumexp(input, dim, opts);
}

/**
 * `torch.special.softmax(input, dim)`: `torch.softmax`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.special.softmax(torch.tensor([1, 1]), 0).toArray(), [0.5, 0.5]);
 * ```
 */
export function softmax(input: Tensor, dim: number): Tensor {
  return red.softmax(input, dim);
}

/**
 * `torch.special.log_softmax(input, dim)`: `torch.logSoftmax`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const y = torch.special.logSoftmax(torch.tensor([1, 1]), 0);
 * assertEquals(torch.allclose(y, torch.tensor([-Math.LN2, -Math.LN2])), true);
 * ```
 */
export function logSoftmax(input: Tensor, dim: number): Tensor {
  return red.logSoftmax(input, dim);
}

/**
 * `torch.special.round`: `torch.round`, half to even.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.special.round(torch.tensor([0.5, 1.5, -2.7])).toArray(), [0, 2, -3]);
 * ```
 */
export function round(input: Tensor): Tensor {
  return ew.round(input);
}
