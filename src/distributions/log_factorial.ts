/**
 * @internal `log Γ(x)` for `x >= 1` from elementwise ops, for the log-factorials of counts
 * (Poisson's `logProb`). Not re-exported: `torch.lgamma` is the public op.
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { onesLike } from "../creation.ts";
import { where } from "../ops/elementwise.ts";

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * `log Γ(x)` for `x >= 1` from elementwise ops: the recurrence moves `x` below 8 up by 8 (dividing
 * by `x(x+1)…(x+7)`), then Stirling's series, accurate to float32 rounding. Poisson's `logProb`
 * needs `log(value!)` of the counts; `torch.lgamma` computes the same.
 */
export function logGammaAtLeastOne(x: Tensor): Tensor {
  const small = x.lt(8);
  let prod = onesLike(x);
  for (let i = 0; i < 8; i++) prod = prod.mul(x.add(i));
  const z = where(small, x.add(8), x);
  const inv = z.reciprocal(), inv2 = inv.mul(inv);
  const series = inv.mul(inv2.mul(inv2.mul(inv2.mul(-1 / 1680).add(1 / 1260)).sub(1 / 360)).add(1 / 12));
  const stirling = z.sub(0.5).mul(z.log()).sub(z).add(HALF_LOG_2PI).add(series);
  return where(small, stirling.sub(prod.log()), stirling);
}
