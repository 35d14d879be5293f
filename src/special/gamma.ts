/**
 * The gamma family: `lgamma`, `digamma`, `polygamma`, `mvlgamma` and the regularized incomplete
 * gamma functions `igamma`/`igammac` (PyTorch's `torch.lgamma`, ..., `torch.special.gammaln`,
 * `psi`, `multigammaln`, `gammainc`, `gammaincc`). Kernels on both devices (assembly/special.ts in
 * double precision, wgsl/special.wgsl in float32); gradients as PyTorch's.
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { inFrameOf } from "../memory.ts";
import { asOp } from "../ops/naming.ts";
import * as ew from "../ops/elementwise.ts";
import { sum } from "../ops/reduce.ts";
import { unsqueeze } from "../ops/movement.ts";
import { arange } from "../creation.ts";
import { all } from "../ops/reduce.ts";
import { guarded, rangeGuard } from "../ops/value_checks.ts";
import type { DType } from "../dtype.ts";
import { named } from "../ops/dispatch.ts";
import { checkTensor, floatResult, runSpecial, runSpecial2 } from "./kernel.ts";

/**
 * The natural logarithm of the absolute value of the gamma function, elementwise
 * (`torch.lgamma`, `torch.special.gammaln`): `+inf` at 0 and the negative integers (the poles),
 * finite between them. float64 to about 1e-15 relative (away from the zeros at 1 and 2, where it
 * is accurate in absolute terms); float32 correctly rounded on the CPU. Gradient: `digamma(x)`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const y = torch.lgamma(torch.tensor([1, 3, 0.5, 0]));
 * assertEquals(torch.allclose(y, torch.tensor([0, Math.log(2), 0.5723649, Infinity])), true);
 * ```
 */
export function lgamma(input: Tensor): Tensor {
  return inFrameOf(() => {
    checkTensor("lgamma", input);
    return runSpecial("lgamma", input);
  });
}

/**
 * The logarithmic derivative of the gamma function, `ψ(x) = Γ'(x)/Γ(x)`, elementwise
 * (`torch.digamma`, `torch.special.digamma`, `torch.special.psi`). PyTorch's values at the poles:
 * `-inf` at +0, `+inf` at -0, NaN at the negative integers. Gradient: `polygamma(1, x)`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const y = torch.digamma(torch.tensor([1, 0.5]));
 * assertEquals(torch.allclose(y, torch.tensor([-0.5772157, -1.9635100])), true);
 * assertEquals(torch.digamma(torch.tensor([0, -1])).toArray(), [-Infinity, NaN]);
 * ```
 */
export function digamma(input: Tensor): Tensor {
  return inFrameOf(() => {
    checkTensor("digamma", input);
    return runSpecial("digamma", input);
  });
}

/** The least value of `dtype` above `v` (the guard's range is closed). */
function nextAbove(v: number, dtype: DType): number {
  if (dtype === "float64") {
    const f = new Float64Array([v]), b = new BigInt64Array(f.buffer);
    b[0] += v >= 0 ? 1n : -1n;
    return v === 0 ? Number.MIN_VALUE : f[0];
  }
  const f = new Float32Array([v]), b = new Int32Array(f.buffer);
  b[0] += v >= 0 ? 1 : -1;
  return v === 0 ? 1.401298464324817e-45 : f[0];
}

function checkOrder(op: string, n: unknown): number {
  if (typeof n !== "number" || !Number.isInteger(n)) {
    throw new TypeError(`${op}: n must be an integer, got ${typeof n === "number" ? n : typeof n}`);
  }
  if (n < 0) throw new RangeError(`${op}: polygamma(n, x) does not support negative n, got n = ${n}`);
  return n;
}

/**
 * The `n`-th derivative of the digamma function, elementwise (`torch.polygamma(n, input)`,
 * `torch.special.polygamma`): `polygamma(0, x)` is `digamma(x)`; `n ≥ 2` is
 * `(-1)^(n+1) n! ζ(n+1, x)`. Gradient: `polygamma(n + 1, x)`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const y = torch.polygamma(1, torch.tensor([1, 2]));
 * assertEquals(torch.allclose(y, torch.tensor([Math.PI ** 2 / 6, Math.PI ** 2 / 6 - 1])), true);
 * ```
 */
export function polygamma(n: number, input: Tensor): Tensor {
  return inFrameOf(() => {
    const order = checkOrder("polygamma", n);
    checkTensor("polygamma", input);
    return order === 0 ? runSpecial("digamma", input) : runSpecial("polygamma", input, order);
  });
}

/**
 * The log of the multivariate gamma function of dimension `p`, elementwise (`torch.mvlgamma`,
 * `torch.special.multigammaln`): `p(p-1)/4·log(π) + Σ_{i<p} lgamma(x - i/2)`. Every element must
 * exceed `(p - 1)/2`, as in PyTorch.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const y = torch.mvlgamma(torch.tensor([2.5]), 2);
 * assertEquals(torch.allclose(y, torch.tensor([0.8570478])), true);
 * ```
 */
export function mvlgamma(input: Tensor, p: number): Tensor {
  return inFrameOf(() =>
    asOp("mvlgamma", () => {
      checkTensor("mvlgamma", input);
      if (typeof p !== "number" || !Number.isInteger(p) || p < 1) {
        throw new RangeError(`mvlgamma: p has to be greater than or equal to 1, got ${p}`);
      }
      const x = input.dtype === floatResult(input.dtype) ? input : input.to(floatResult(input.dtype));
      const bound = (p - 1) / 2;
      const message = (v: number) =>
        `mvlgamma: all elements must be greater than (p-1)/2 = ${bound}, found ${v}`;
      if (x.device === "cpu") {
        if (x.numel() > 0 && !all(ew.gt(x, bound)).item()) {
          const bad = (x.flatten().toArray() as number[]).find((v) => !(v > bound));
          throw new RangeError(message(bad as number));
        }
      }
      const guard = rangeGuard("mvlgamma", x, nextAbove(bound, x.dtype), Infinity, message);
      const half = ew.mul(arange(p, { dtype: x.dtype, device: x.device }), -0.5);
      const terms = lgamma(ew.add(unsqueeze(x, -1), half));
      const out = ew.add(sum(terms, -1), p * (p - 1) / 4 * Math.log(Math.PI));
      return guarded(named(out, "MvlgammaBackward0", input), guard);
    })
  );
}

/**
 * The regularized lower incomplete gamma function `P(input, other) = γ(a, x)/Γ(a)`, elementwise
 * and broadcast (`torch.igamma`, `torch.special.gammainc`), with PyTorch's special cases (NaN for
 * negative arguments; `P(0, x > 0) = 1`). Gradient with respect to `other` only: PyTorch defines
 * none with respect to `input`, and asking for it throws here as there.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const p = torch.igamma(torch.tensor([1, 2]), torch.tensor([1, 3]));
 * assertEquals(torch.allclose(p, torch.tensor([1 - Math.exp(-1), 1 - 4 * Math.exp(-3)])), true);
 * ```
 */
export function igamma(input: Tensor, other: Tensor): Tensor {
  return inFrameOf(() => {
    checkTensor("igamma", input);
    checkTensor("igamma", other, "other");
    return runSpecial2("igamma", "igamma", input, other);
  });
}

/**
 * The regularized upper incomplete gamma function `Q(input, other) = 1 - P(input, other)`,
 * elementwise and broadcast (`torch.igammac`, `torch.special.gammaincc`); accurate where `P` is
 * near 1. Gradient with respect to `other` only, as in PyTorch.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const q = torch.igammac(torch.tensor([1]), torch.tensor([30]));
 * assertEquals(torch.allclose(q, torch.tensor([Math.exp(-30)])), true);
 * ```
 */
export function igammac(input: Tensor, other: Tensor): Tensor {
  return inFrameOf(() => {
    checkTensor("igammac", input);
    checkTensor("igammac", other, "other");
    return runSpecial2("igammac", "igammac", input, other);
  });
}
