/**
 * The KL divergences PyTorch 1.13 registers among Gamma, Beta and Dirichlet (`_kl_gamma_gamma`,
 * `_kl_beta_beta`, `_kl_dirichlet_dirichlet`) and between them and Normal and Uniform, added to
 * `klDivergence`'s table by `registerGammaKl`, which `kl.ts` calls at the table's first use.
 * @module
 */
import { digamma, lgamma } from "../special/gamma.ts";
import { registerKl } from "./kl.ts";
import { Gamma } from "./gamma.ts";
import { Beta, Dirichlet } from "./dirichlet.ts";
import { Normal } from "./normal.ts";
import { Uniform } from "./uniform.ts";
import type { Tensor } from "../tensor.ts";
import { fullLike } from "../creation.ts";

/** Registers this module's pairs (called once by `kl.ts` at the table's first use). */
export function registerGammaKl(): void {
  registerKl(Gamma, Gamma, (p, q) => {
    const t1 = q.concentration.mul(p.rate.div(q.rate).log());
    const t2 = lgamma(q.concentration).sub(lgamma(p.concentration));
    const t3 = p.concentration.sub(q.concentration).mul(digamma(p.concentration));
    const t4 = q.rate.sub(p.rate).mul(p.concentration.div(p.rate));
    return t1.add(t2).add(t3).add(t4);
  });

  registerKl(Beta, Beta, (p, q) => {
    const sumP = p.concentration1.add(p.concentration0), sumQ = q.concentration1.add(q.concentration0);
    const t1 = lgamma(q.concentration1).add(lgamma(q.concentration0)).add(lgamma(sumP));
    const t2 = lgamma(p.concentration1).add(lgamma(p.concentration0)).add(lgamma(sumQ));
    const t3 = p.concentration1.sub(q.concentration1).mul(digamma(p.concentration1));
    const t4 = p.concentration0.sub(q.concentration0).mul(digamma(p.concentration0));
    const t5 = sumQ.sub(sumP).mul(digamma(sumP));
    return t1.sub(t2).add(t3).add(t4).add(t5);
  });

  registerKl(Dirichlet, Dirichlet, (p, q) => {
    const sumP = p.concentration.sum(-1), sumQ = q.concentration.sum(-1);
    const t1 = lgamma(sumP).sub(lgamma(sumQ));
    const t2 = lgamma(p.concentration).sub(lgamma(q.concentration)).sum(-1);
    const t3 = p.concentration.sub(q.concentration);
    const t4 = digamma(p.concentration).sub(digamma(sumP).unsqueeze(-1));
    return t1.sub(t2).add(t3.mul(t4).sum(-1));
  });

  // Against the existing families (PyTorch's _kl_beta_normal, _kl_beta_uniform, _kl_gamma_normal,
  // _kl_uniform_beta, _kl_uniform_gamma, and the pairs it declares infinite).
  registerKl(Beta, Normal, (p, q) => {
    const total = p.concentration1.add(p.concentration0);
    const eBeta = p.concentration1.div(total);
    const varNormal = q.scale.pow(2);
    const t1 = p.entropy().neg();
    const t2 = varNormal.mul(2 * Math.PI).log().mul(0.5);
    const t3 = eBeta.mul(eBeta.neg().add(1)).div(total.add(1)).add(eBeta.pow(2)).mul(0.5);
    const t4 = q.loc.mul(eBeta);
    const t5 = q.loc.pow(2).mul(0.5);
    return t1.add(t2).add(t3.sub(t4).add(t5).div(varNormal));
  });

  registerKl(Beta, Uniform, (p, q) => {
    const result = p.entropy().neg().add(q.high.sub(q.low).log());
    return result.maskedFill(q.low.gt(0).logicalOr(q.high.lt(1)), Infinity);
  });

  registerKl(Gamma, Normal, (p, q) => {
    const a = p.concentration;
    const varNormal = q.scale.pow(2), betaSqr = p.rate.pow(2);
    const t1 = betaSqr.mul(varNormal).mul(2 * Math.PI).log().mul(0.5).sub(a).sub(lgamma(a));
    const t2 = a.pow(2).add(a).mul(0.5).div(betaSqr);
    const t3 = q.loc.mul(a).div(p.rate);
    const t4 = q.loc.pow(2).mul(0.5);
    return t1.add(a.sub(1).mul(digamma(a))).add(t2.sub(t3).add(t4).div(varNormal));
  });

  const xLogX = (t: Tensor) => t.mul(t.log());

  registerKl(Uniform, Beta, (p, q) => {
    const common = p.high.sub(p.low);
    const t1 = common.log();
    const t2 = q.concentration1.sub(1).mul(xLogX(p.high).sub(xLogX(p.low)).sub(common)).div(common);
    const t3 = q.concentration0.sub(1).mul(
      xLogX(p.high.neg().add(1)).sub(xLogX(p.low.neg().add(1))).add(common),
    ).div(common);
    const t4 = lgamma(q.concentration1).add(lgamma(q.concentration0)).sub(
      lgamma(q.concentration1.add(q.concentration0)),
    );
    const result = t3.add(t4).sub(t1).sub(t2);
    return result.maskedFill(p.high.gt(1).logicalOr(p.low.lt(0)), Infinity);
  });

  registerKl(Uniform, Gamma, (p, q) => {
    const common = p.high.sub(p.low);
    const t1 = common.log();
    const t2 = lgamma(q.concentration).sub(q.concentration.mul(q.rate.log()));
    const t3 = q.concentration.neg().add(1).mul(xLogX(p.high).sub(xLogX(p.low)).sub(common)).div(common);
    const t4 = q.rate.mul(p.high.add(p.low)).div(2);
    return t1.neg().add(t2).add(t3).add(t4).maskedFill(p.low.lt(0), Infinity);
  });

  registerKl(Gamma, Uniform, (p, _q) => fullLike(p.concentration, Infinity));
  registerKl(Gamma, Beta, (p, _q) => fullLike(p.concentration, Infinity));
  registerKl(Normal, Gamma, (p, _q) => fullLike(p.loc, Infinity));
  registerKl(Normal, Beta, (p, _q) => fullLike(p.loc, Infinity));
}
