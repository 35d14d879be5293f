/**
 * The KL divergences PyTorch 1.13 registers between the gamma-function families (Gamma, Beta)
 * and the further families (Exponential, Gumbel, Pareto, Laplace, ContinuousBernoulli), and
 * Gumbel/Gumbel: the pairs that need `lgamma`/`digamma`, added to `klDivergence`'s table by
 * `registerGammaFamiliesKl`, which `kl.ts` calls at the table's first use (`_kl_beta_exponential`, `_kl_exponential_gamma`, `_kl_gumbel_gumbel`, ...).
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { fullLike } from "../creation.ts";
import { where } from "../ops/elementwise.ts";
import { digamma, lgamma } from "../special/gamma.ts";
import type { Distribution } from "./distribution.ts";
import { registerKl } from "./kl.ts";
import { Gamma } from "./gamma.ts";
import { Beta } from "./dirichlet.ts";
import { Exponential } from "./exponential.ts";
import { Gumbel } from "./gumbel.ts";
import { Laplace } from "./laplace.ts";
import { Pareto } from "./pareto.ts";
import { ContinuousBernoulli } from "./continuous_bernoulli.ts";

const EULER = 0.57721566490153286060;

/** `α/(α + β)`, Beta's mean. */
function betaMean(p: Beta): Tensor {
  return p.concentration1.div(p.concentration1.add(p.concentration0));
}

/** Registers this module's pairs (called once by `kl.ts` at the table's first use). */
export function registerGammaFamiliesKl(): void {
  registerKl(
    Beta,
    ContinuousBernoulli,
    (p, q) => p.entropy().neg().sub(p.mean.mul(q.logits)).sub(q.probs.neg().log1p()).sub(q._logNorm()),
  );

  registerKl(Beta, Exponential, (p, q) => p.entropy().neg().sub(q.rate.log()).add(q.rate.mul(betaMean(p))));

  registerKl(Beta, Gamma, (p, q) => {
    const t1 = p.entropy().neg();
    const t2 = lgamma(q.concentration).sub(q.concentration.mul(q.rate.log()));
    const t3 = q.concentration.sub(1).mul(
      digamma(p.concentration1).sub(digamma(p.concentration1.add(p.concentration0))),
    );
    const t4 = q.rate.mul(betaMean(p));
    return t1.add(t2).sub(t3).add(t4);
  });

  registerKl(Exponential, Gamma, (p, q) => {
    const ratio = q.rate.div(p.rate);
    const t1 = q.concentration.neg().mul(ratio.log());
    return t1.add(ratio).add(lgamma(q.concentration)).add(q.concentration.mul(EULER)).sub(1 + EULER);
  });

  registerKl(
    Gamma,
    Exponential,
    (p, q) => p.entropy().neg().sub(q.rate.log()).add(q.rate.mul(p.concentration).div(p.rate)),
  );

  registerKl(Gamma, Gumbel, (p, q) => {
    const betaScale = p.rate.mul(q.scale);
    const locScale = q.loc.div(q.scale);
    const a = p.concentration;
    const t1 = a.sub(1).mul(digamma(a)).sub(lgamma(a)).sub(a);
    const t2 = betaScale.log().add(a.div(betaScale));
    const t3 = locScale.exp().mul(betaScale.reciprocal().add(1).pow(a.neg())).sub(locScale);
    return t1.add(t2).add(t3);
  });

  registerKl(Gumbel, Gumbel, (p, q) => {
    const ct1 = p.scale.div(q.scale);
    const ct2 = q.loc.div(q.scale);
    const ct3 = p.loc.div(q.scale);
    const t1 = ct1.log().neg().sub(ct2).add(ct3);
    const t2 = ct1.mul(EULER);
    const t3 = ct2.add(lgamma(ct1.add(1))).sub(ct3).exp();
    return t1.add(t2).add(t3).sub(1 + EULER);
  });

  registerKl(Pareto, Gamma, (p, q) => {
    const common = p.scale.log().add(p.alpha.reciprocal());
    const t1 = p.alpha.log().sub(common);
    const t2 = lgamma(q.concentration).sub(q.concentration.mul(q.rate.log()));
    const t3 = q.concentration.neg().add(1).mul(common);
    const t4 = q.rate.mul(p.alpha).mul(p.scale).div(p.alpha.sub(1));
    const result = t1.add(t2).add(t3).add(t4).sub(1);
    return where(p.alpha.le(1).expand(result.shape), fullLike(result, Infinity), result);
  });

  // Pairs whose KL is infinite: the support of p reaches where q has no density.
  type Family = abstract new (...args: never[]) => Distribution;
  const infinite: [Family, Family, (p: never) => Tensor][] = [
    [Beta, Pareto, (p: Beta) => p.concentration1],
    [Exponential, Beta, (p: Exponential) => p.rate],
    [Gamma, ContinuousBernoulli, (p: Gamma) => p.concentration],
    [Gamma, Pareto, (p: Gamma) => p.concentration],
    [Gumbel, Beta, (p: Gumbel) => p.loc],
    [Gumbel, Gamma, (p: Gumbel) => p.loc],
    [Laplace, Beta, (p: Laplace) => p.loc],
    [Laplace, Gamma, (p: Laplace) => p.loc],
    [Pareto, Beta, (p: Pareto) => p.scale],
  ];
  for (const [P, Q, like] of infinite) {
    registerKl(P, Q, (p) => fullLike(like(p as never), Infinity));
  }
}
