/**
 * The KL divergences PyTorch 1.13 registers for the families of `exponential.ts`, `laplace.ts`,
 * `cauchy.ts`, `geometric.ts`, `half_normal.ts`, `gumbel.ts`, `pareto.ts`, `poisson.ts`,
 * `continuous_bernoulli.ts` and
 * `TransformedDistribution` (LogNormal), registered by `registerMoreKl`, which `kl.ts` calls at
 * the table's first use. Pairs needing `lgamma` of a tensor (Gumbel–Gumbel and
 * those with Gamma) are not here.
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { eye, fullLike } from "../creation.ts";
import { erf } from "../ops/erf.ts";
import { where } from "../ops/elementwise.ts";
import type { Distribution } from "./distribution.ts";
import { klDivergence, registerKl } from "./kl.ts";
import { Normal } from "./normal.ts";
import { Uniform } from "./uniform.ts";
import { Exponential } from "./exponential.ts";
import { Laplace } from "./laplace.ts";
import { Cauchy } from "./cauchy.ts";
import { Geometric } from "./geometric.ts";
import { HalfNormal } from "./half_normal.ts";
import { Gumbel } from "./gumbel.ts";
import { Pareto } from "./pareto.ts";
import { TransformedDistribution } from "./transformed_distribution.ts";
import { Bernoulli } from "./bernoulli.ts";
import { Poisson } from "./poisson.ts";
import { ContinuousBernoulli } from "./continuous_bernoulli.ts";
import { Binomial } from "./binomial.ts";
import { MultivariateNormal } from "./multivariate_normal.ts";
import { LowRankMultivariateNormal } from "./low_rank_multivariate_normal.ts";
import { batchTraceXXT, lowRankLogdet, lowRankMahalanobis } from "./low_rank_linalg.ts";
import { batchMahalanobis } from "./mvn_linalg.ts";
import { solveTriangular } from "../linalg/triangular.ts";
import { transpose } from "../ops/movement.ts";
import { diagonal } from "../ops/rearrange.ts";
import { broadcastShapes } from "../shape.ts";

const EULER = 0.57721566490153286060;

/** `result` with +∞ where `mask` holds (PyTorch's `result[mask] = inf`). */
function infWhere(result: Tensor, mask: Tensor): Tensor {
  return where(mask, fullLike(result, Infinity), result);
}

/** `x·log(x)`. */
function xLogX(x: Tensor): Tensor {
  return x.mul(x.log());
}

/** Registers this module's pairs (called once by `kl.ts` at the table's first use). */
export function registerMoreKl(): void {
  registerKl(Exponential, Exponential, (p, q) => {
    const ratio = q.rate.div(p.rate);
    return ratio.log().neg().add(ratio).sub(1);
  });

  registerKl(
    Geometric,
    Geometric,
    (p, q) => p.entropy().neg().sub(q.probs.neg().log1p().div(p.probs)).sub(q.logits),
  );

  registerKl(HalfNormal, HalfNormal, (p, q) => klDivergence(p.baseDist, q.baseDist));

  registerKl(Laplace, Laplace, (p, q) => {
    const scaleRatio = p.scale.div(q.scale);
    const locAbsDiff = p.loc.sub(q.loc).abs();
    return scaleRatio.log().neg().add(locAbsDiff.div(q.scale))
      .add(scaleRatio.mul(locAbsDiff.neg().div(p.scale).exp())).sub(1);
  });

  registerKl(Pareto, Pareto, (p, q) => {
    const scaleRatio = p.scale.div(q.scale);
    const alphaRatio = q.alpha.div(p.alpha);
    const result = q.alpha.mul(scaleRatio.log()).sub(alphaRatio.log()).add(alphaRatio).sub(1);
    return infWhere(result, p.scale.lt(q.scale).expand(result.shape));
  });

  registerKl(TransformedDistribution, TransformedDistribution, (p, q) => {
    const same = p.transforms.length === q.transforms.length &&
      p.transforms.every((t, i) => t.equals(q.transforms[i]));
    const shapes = p.eventShape.length === q.eventShape.length &&
      p.eventShape.every((d, i) => d === q.eventShape[i]);
    if (!same || !shapes) {
      throw new Error(
        `klDivergence: no KL(p || q) is implemented for TransformedDistributions with different ${
          same ? "event shapes" : "transforms"
        } (${p.constructor.name} and ${q.constructor.name})`,
      );
    }
    return klDivergence(p.baseDist, q.baseDist);
  });

  registerKl(Cauchy, Cauchy, (p, q) => {
    const t1 = p.scale.add(q.scale).pow(2).add(p.loc.sub(q.loc).pow(2)).log();
    return t1.sub(p.scale.mul(q.scale).mul(4).log());
  });

  // Pairs whose KL is infinite: the support of p reaches where q has no density.
  registerKl(Exponential, Pareto, (p) => fullLike(p.rate, Infinity));
  registerKl(Exponential, Uniform, (p) => fullLike(p.rate, Infinity));
  const infiniteQ: (abstract new (...args: never[]) => Distribution)[] = [Exponential, Pareto, Uniform];
  for (const Q of infiniteQ) {
    registerKl(Gumbel, Q, (p) => fullLike(p.loc, Infinity));
    registerKl(Laplace, Q, (p) => fullLike(p.loc, Infinity));
    registerKl(Normal, Q, (p) => fullLike(p.loc, Infinity));
  }
  registerKl(Pareto, Uniform, (p) => fullLike(p.scale, Infinity));

  registerKl(Exponential, Gumbel, (p, q) => {
    const srp = p.rate.mul(q.scale);
    const lsr = q.loc.div(q.scale);
    const t2 = lsr.exp().mul(srp).div(srp.add(1));
    return srp.log().sub(1).sub(lsr).add(t2).add(srp.reciprocal());
  });

  registerKl(Exponential, Normal, (p, q) => {
    const varNormal = q.scale.pow(2);
    const rateSqr = p.rate.pow(2);
    const t1 = rateSqr.mul(varNormal).mul(2 * Math.PI).log().mul(0.5);
    const inner = rateSqr.reciprocal().sub(q.loc.div(p.rate)).add(q.loc.pow(2).mul(0.5));
    return t1.sub(1).add(inner.div(varNormal));
  });

  registerKl(Gumbel, Normal, (p, q) => {
    const ratio = p.scale.div(q.scale);
    const t1 = ratio.div(Math.sqrt(2 * Math.PI)).log();
    const t2 = ratio.mul(Math.PI * 0.5).pow(2).div(3);
    const t3 = p.loc.add(p.scale.mul(EULER)).sub(q.loc).div(q.scale).pow(2).mul(0.5);
    return t1.neg().add(t2).add(t3).sub(EULER + 1);
  });

  registerKl(Laplace, Normal, (p, q) => {
    const varNormal = q.scale.pow(2);
    const ratio = p.scale.pow(2).div(varNormal);
    const t1 = ratio.mul(2 / Math.PI).log().mul(0.5);
    const inner = p.loc.pow(2).mul(0.5).sub(p.loc.mul(q.loc)).add(q.loc.pow(2).mul(0.5));
    return t1.neg().add(ratio).add(inner.div(varNormal)).sub(1);
  });

  registerKl(Normal, Gumbel, (p, q) => {
    const msr = p.loc.div(q.scale);
    const vsr = p.scale.div(q.scale).pow(2);
    const lsr = q.loc.div(q.scale);
    const t3 = msr.neg().add(vsr.mul(0.5)).add(lsr).exp();
    return vsr.log().mul(0.5).neg().add(msr.sub(lsr)).add(t3).sub(0.5 * (1 + Math.log(2 * Math.PI)));
  });

  registerKl(Normal, Laplace, (p, q) => {
    const locDiff = p.loc.sub(q.loc);
    const scaleRatio = p.scale.div(q.scale);
    const ldsr = locDiff.div(p.scale);
    const t2 = p.scale.mul(Math.sqrt(2 / Math.PI)).mul(ldsr.pow(2).mul(-0.5).exp());
    const t3 = locDiff.mul(erf(ldsr.mul(Math.sqrt(0.5))));
    return scaleRatio.log().neg().add(t2.add(t3).div(q.scale)).sub(0.5 * (1 + Math.log(0.5 * Math.PI)));
  });

  registerKl(Pareto, Exponential, (p, q) => {
    const srp = p.scale.mul(q.rate);
    const t3 = p.alpha.mul(srp).div(p.alpha.sub(1));
    const result = p.alpha.div(srp).log().sub(p.alpha.reciprocal()).add(t3).sub(1);
    return infWhere(result, p.alpha.le(1).expand(result.shape));
  });

  registerKl(Pareto, Normal, (p, q) => {
    const varNormal = q.scale.pow(2).mul(2);
    const common = p.scale.div(p.alpha.sub(1));
    const t1 = q.scale.mul(p.alpha).mul(Math.sqrt(2 * Math.PI)).div(p.scale).log();
    const t3 = p.alpha.mul(common.pow(2)).div(p.alpha.sub(2));
    const t4 = p.alpha.mul(common).sub(q.loc).pow(2);
    const result = t1.sub(p.alpha.reciprocal()).add(t3.add(t4).div(varNormal)).sub(1);
    return infWhere(result, p.alpha.le(2).expand(result.shape));
  });

  registerKl(Uniform, Exponential, (p, q) => {
    const result = q.rate.mul(p.high.add(p.low)).div(2).sub(p.high.sub(p.low).mul(q.rate).log());
    return infWhere(result, p.low.lt(0).expand(result.shape));
  });

  registerKl(Uniform, Gumbel, (p, q) => {
    const common = q.scale.div(p.high.sub(p.low));
    const hi = p.high.sub(q.loc).div(q.scale);
    const lo = p.low.sub(q.loc).div(q.scale);
    const t1 = common.log().add(hi.add(lo).mul(0.5));
    return t1.sub(common.mul(hi.neg().exp().sub(lo.neg().exp())));
  });

  registerKl(Uniform, Normal, (p, q) => {
    const common = p.high.sub(p.low);
    const t1 = q.scale.mul(Math.sqrt(Math.PI * 2)).div(common).log();
    const t2 = common.pow(2).div(12);
    const t3 = p.high.add(p.low).sub(q.loc.mul(2)).div(2).pow(2);
    return t1.add(t2.add(t3).mul(0.5).div(q.scale.pow(2)));
  });

  registerKl(Uniform, Pareto, (p, q) => {
    const width = p.high.sub(p.low);
    const t1 = q.alpha.mul(q.scale.pow(q.alpha)).mul(width).log();
    const t2 = xLogX(p.high).sub(xLogX(p.low)).sub(width).div(width);
    const result = t2.mul(q.alpha.add(1)).sub(t1);
    return infWhere(result, p.low.lt(q.scale).expand(result.shape));
  });

  registerKl(Poisson, Poisson, (p, q) => p.rate.mul(p.rate.log().sub(q.rate.log())).sub(p.rate.sub(q.rate)));
  registerKl(Bernoulli, Poisson, (p, q) => p.entropy().neg().sub(p.probs.mul(q.rate.log()).sub(q.rate)));
  registerKl(Poisson, Bernoulli, (p) => fullLike(p.rate, Infinity));

  registerKl(ContinuousBernoulli, ContinuousBernoulli, (p, q) => {
    const t1 = p.mean.mul(p.logits.sub(q.logits));
    const t2 = p._logNorm().add(p.probs.neg().log1p());
    const t3 = q._logNorm().neg().sub(q.probs.neg().log1p());
    return t1.add(t2).add(t3);
  });
  registerKl(ContinuousBernoulli, Pareto, (p) => fullLike(p.probs, Infinity));
  registerKl(
    ContinuousBernoulli,
    Exponential,
    (p, q) => p.entropy().neg().sub(q.rate.log()).add(q.rate.mul(p.mean)),
  );
  registerKl(ContinuousBernoulli, Normal, (p, q) => {
    const t2 = q.loc.div(q.scale).square().add(Math.log(2 * Math.PI)).mul(0.5).add(q.scale.log());
    const t3 = p.variance.add(p.mean.square()).sub(q.loc.mul(p.mean).mul(2)).div(q.scale.square().mul(2));
    return p.entropy().neg().add(t2).add(t3);
  });
  registerKl(ContinuousBernoulli, Uniform, (p, q) => {
    const result = p.entropy().neg().add(q.high.sub(q.low).log());
    // PyTorch's condition, kept as it is: infinite unless q's interval lies strictly inside [0, 1].
    return infWhere(result, q.low.ge(0).logicalOr(q.high.le(1)).expand(result.shape));
  });
  registerKl(Uniform, ContinuousBernoulli, (p, q) => {
    const result = p.entropy().neg().sub(p.mean.mul(q.logits)).sub(q.probs.neg().log1p()).sub(q._logNorm());
    return infWhere(result, p.high.ge(1).logicalOr(p.low.le(0)).expand(result.shape));
  });
  registerKl(Exponential, ContinuousBernoulli, (p) => fullLike(p.rate, Infinity));
  registerKl(Gumbel, ContinuousBernoulli, (p) => fullLike(p.loc, Infinity));
  registerKl(Laplace, ContinuousBernoulli, (p) => fullLike(p.loc, Infinity));
  registerKl(Normal, ContinuousBernoulli, (p) => fullLike(p.loc, Infinity));
  registerKl(Pareto, ContinuousBernoulli, (p) => fullLike(p.scale, Infinity));

  registerKl(Poisson, Binomial, (p) => fullLike(p.rate, Infinity));
  registerKl(Binomial, Binomial, (p, q) => {
    if (
      p.totalCount.device === "cpu" && q.totalCount.device === "cpu" &&
      p.totalCount.lt(q.totalCount).any().item()
    ) {
      throw new Error(
        "klDivergence: KL between Binomials where q.total_count > p.total_count is not implemented (as in PyTorch)",
      );
    }
    const kl = p.totalCount.mul(
      p.probs.mul(p.logits.sub(q.logits)).add(p.probs.neg().log1p()).sub(q.probs.neg().log1p()),
    );
    return infWhere(kl, p.totalCount.gt(q.totalCount).expand(kl.shape));
  });

  function sameEvent(p: Distribution, q: Distribution, what: string): void {
    if (p.eventShape[0] !== q.eventShape[0]) {
      throw new RangeError(
        `klDivergence: KL-divergence between two ${what} with different event shapes cannot be computed (${
          p.eventShape[0]
        } and ${q.eventShape[0]})`,
      );
    }
  }

  /** `q`'s `A = C⁻¹ Wᵀ D⁻¹` (C the capacitance factor) of Woodbury's `Σ⁻¹ = D⁻¹ - Aᵀ A`. */
  function woodburyA(q: LowRankMultivariateNormal): Tensor {
    const W = q._unbroadcastedCovFactor, D = q._unbroadcastedCovDiag;
    return solveTriangular(q._capacitanceTril, transpose(W, -2, -1).div(D.unsqueeze(-2)), { upper: false });
  }

  registerKl(LowRankMultivariateNormal, LowRankMultivariateNormal, (p, q) => {
    sameEvent(p, q, "Low Rank Multivariate Normals");
    const pW = p._unbroadcastedCovFactor, pD = p._unbroadcastedCovDiag;
    const qW = q._unbroadcastedCovFactor, qD = q._unbroadcastedCovDiag;
    const term1 = lowRankLogdet(qD, q._capacitanceTril).sub(lowRankLogdet(pD, p._capacitanceTril));
    const term3 = lowRankMahalanobis(qW, qD, q.loc.sub(p.loc), q._capacitanceTril);
    const A = woodburyA(q);
    const term21 = pD.div(qD).sum(-1);
    const term22 = batchTraceXXT(pW.mul(qD.rsqrt().unsqueeze(-1)));
    const term23 = batchTraceXXT(A.mul(pD.sqrt().unsqueeze(-2)));
    const term24 = batchTraceXXT(A.matmul(pW));
    const term2 = term21.add(term22).sub(term23).sub(term24);
    return term1.add(term2).add(term3).sub(p.eventShape[0]).mul(0.5);
  });

  registerKl(MultivariateNormal, LowRankMultivariateNormal, (p, q) => {
    sameEvent(p, q, "(Low Rank) Multivariate Normals");
    const pL = p._unbroadcastedScaleTril;
    const qW = q._unbroadcastedCovFactor, qD = q._unbroadcastedCovDiag;
    const term1 = lowRankLogdet(qD, q._capacitanceTril).sub(diagonal(pL, 0, -2, -1).log().sum(-1).mul(2));
    const term3 = lowRankMahalanobis(qW, qD, q.loc.sub(p.loc), q._capacitanceTril);
    const A = woodburyA(q);
    const term2 = batchTraceXXT(pL.mul(qD.rsqrt().unsqueeze(-1))).sub(batchTraceXXT(A.matmul(pL)));
    return term1.add(term2).add(term3).sub(p.eventShape[0]).mul(0.5);
  });

  registerKl(LowRankMultivariateNormal, MultivariateNormal, (p, q) => {
    sameEvent(p, q, "(Low Rank) Multivariate Normals");
    const qL = q._unbroadcastedScaleTril;
    const pW = p._unbroadcastedCovFactor, pD = p._unbroadcastedCovDiag;
    const term1 = diagonal(qL, 0, -2, -1).log().sum(-1).mul(2).sub(lowRankLogdet(pD, p._capacitanceTril));
    const term3 = batchMahalanobis(qL, q.loc.sub(p.loc));
    const batch = broadcastShapes("klDivergence", qL.shape.slice(0, -2), pW.shape.slice(0, -2));
    const n = p.eventShape[0], m = pW.shape[pW.ndim - 1];
    const qLb = qL.expand([...batch, n, n]);
    const pWb = pW.expand([...batch, n, m]);
    const pDb = pD.sqrt().unsqueeze(-1).mul(eye(n, { dtype: pD.dtype, device: pD.device })).expand([
      ...batch,
      n,
      n,
    ]);
    const term2 = batchTraceXXT(solveTriangular(qLb, pWb, { upper: false }))
      .add(batchTraceXXT(solveTriangular(qLb, pDb, { upper: false })));
    return term1.add(term2).add(term3).sub(n).mul(0.5);
  });
}
