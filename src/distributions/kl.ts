/**
 * `klDivergence(p, q)` (PyTorch 1.13's `torch.distributions.kl_divergence`) for the families
 * here, and `registerKl` to add pairs.
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { inFrameOf } from "../memory.ts";
import { asOp } from "../ops/naming.ts";
import { softplus } from "../nn/activations.ts";
import { Distribution } from "./distribution.ts";
import { Normal } from "./normal.ts";
import { Bernoulli } from "./bernoulli.ts";
import { Categorical } from "./categorical.ts";
import { OneHotCategorical } from "./one_hot_categorical.ts";
import { Uniform } from "./uniform.ts";
import { Independent } from "./independent.ts";
import { MultivariateNormal } from "./multivariate_normal.ts";
import { batchMahalanobis } from "./mvn_linalg.ts";
import { solveTriangular } from "../linalg/triangular.ts";
import { diagonal } from "../ops/rearrange.ts";
import { broadcastShapes } from "../shape.ts";
import { sumRightmost } from "./utils.ts";
import { registerMoreKl } from "./kl_more.ts";
import { registerGammaKl } from "./gamma_kl.ts";
import { registerGammaFamiliesKl } from "./kl_gamma_families.ts";

type DistributionClass = abstract new (...args: never[]) => Distribution;
// deno-lint-ignore no-explicit-any
type KlFn = (p: any, q: any) => Tensor;

const registry = new Map<DistributionClass, Map<DistributionClass, KlFn>>();
let builtinsRegistered = false;

/**
 * Fills the table with PyTorch's pairs at its first use (a lookup or a `registerKl`, so that a
 * user's pair replaces a built-in one), not when the module loads: a program that never asks for
 * a KL divergence then bundles none of the pairs or the families they name.
 */
function registerBuiltins(): void {
  if (builtinsRegistered) return;
  builtinsRegistered = true;
  registerBaseKl();
  registerMoreKl();
  registerGammaKl();
  registerGammaFamiliesKl();
}

/**
 * Registers `fn(p, q)` as the KL divergence of a `P` and a `Q` (PyTorch's `register_kl`). The
 * most specific registered pair of the classes' prototype chains wins.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const { Normal, registerKl, klDivergence } = torch.distributions;
 * class Standard extends Normal {}
 * registerKl(Standard, Standard, (_p, _q) => torch.tensor(0));
 * assertEquals(klDivergence(new Standard(0, 1), new Standard(0, 1)).item(), 0);
 * ```
 */
export function registerKl<P extends Distribution, Q extends Distribution>(
  typeP: abstract new (...args: never[]) => P,
  typeQ: abstract new (...args: never[]) => Q,
  fn: (p: P, q: Q) => Tensor,
): void {
  for (const t of [typeP, typeQ]) {
    if (typeof t !== "function" || !(t.prototype instanceof Distribution)) {
      throw new TypeError(`registerKl: expected Distribution subclasses, got ${String(t)}`);
    }
  }
  if (typeof fn !== "function") throw new TypeError(`registerKl: expected a function, got ${typeof fn}`);
  registerBuiltins();
  const row = registry.get(typeP as DistributionClass) ?? new Map<DistributionClass, KlFn>();
  row.set(typeQ as DistributionClass, fn as KlFn);
  registry.set(typeP as DistributionClass, row);
}

function chain(d: Distribution): DistributionClass[] {
  const out: DistributionClass[] = [];
  for (let p = Object.getPrototypeOf(d); p && p !== Distribution.prototype; p = Object.getPrototypeOf(p)) {
    out.push(p.constructor as DistributionClass);
  }
  return out;
}

/**
 * The KL divergence `KL(p ‖ q) = ∫ p(x) log(p(x)/q(x)) dx`, batched over the batch shape:
 * Normal/Normal, Bernoulli/Bernoulli, Categorical/Categorical, OneHotCategorical/OneHotCategorical,
 * Uniform/Uniform, Independent/Independent and MultivariateNormal/MultivariateNormal as in PyTorch 1.13, plus what `registerKl` added.
 * Differentiable with respect to both distributions' parameters.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const { Normal, klDivergence } = torch.distributions;
 * const mu = torch.tensor([0.5], { requiresGrad: true });
 * const kl = klDivergence(new Normal(mu, 1), new Normal(0, 1)); // a VAE's KL term
 * assertEquals(torch.allclose(kl, torch.tensor([0.125])), true);
 * kl.sum().backward();
 * assertEquals(torch.allclose(mu.grad!, torch.tensor([0.5])), true);
 * ```
 */
export function klDivergence(p: Distribution, q: Distribution): Tensor {
  return inFrameOf(() => {
    if (!(p instanceof Distribution) || !(q instanceof Distribution)) {
      throw new TypeError("klDivergence: expected two Distributions");
    }
    registerBuiltins();
    for (const tp of chain(p)) {
      const row = registry.get(tp);
      if (!row) continue;
      for (const tq of chain(q)) {
        const fn = row.get(tq);
        if (fn) return asOp("klDivergence", () => fn(p, q));
      }
    }
    throw new Error(
      `klDivergence: no KL(p || q) is implemented for p type ${p.constructor.name} and q type ${q.constructor.name}`,
    );
  });
}

/** PyTorch's pairs among the families of this module's imports. */
function registerBaseKl(): void {
  registerKl(Normal, Normal, (p, q) => {
    const varRatio = p.scale.div(q.scale).pow(2);
    const t1 = p.loc.sub(q.loc).div(q.scale).pow(2);
    return varRatio.add(t1).sub(1).sub(varRatio.log()).mul(0.5);
  });

  registerKl(Bernoulli, Bernoulli, (p, q) => {
    let t1 = p.probs.mul(softplus(q.logits.neg()).sub(softplus(p.logits.neg())));
    t1 = t1.maskedFill_(q.probs.eq(0).expand(t1.shape), Infinity).maskedFill_(
      p.probs.eq(0).expand(t1.shape),
      0,
    );
    let t2 = p.probs.neg().add(1).mul(softplus(q.logits).sub(softplus(p.logits)));
    t2 = t2.maskedFill_(q.probs.eq(1).expand(t2.shape), Infinity).maskedFill_(
      p.probs.eq(1).expand(t2.shape),
      0,
    );
    return t1.add(t2);
  });

  function klCategorical(p: Categorical, q: Categorical): Tensor {
    const t = p.probs.mul(p.logits.sub(q.logits));
    t.maskedFill_(q.probs.eq(0).expand(t.shape), Infinity).maskedFill_(p.probs.eq(0).expand(t.shape), 0);
    return t.sum(-1);
  }
  registerKl(Categorical, Categorical, klCategorical);
  registerKl(OneHotCategorical, OneHotCategorical, (p, q) => klCategorical(p._categorical, q._categorical));

  registerKl(Uniform, Uniform, (p, q) => {
    const result = q.high.sub(q.low).div(p.high.sub(p.low)).log();
    return result.maskedFill_(q.low.gt(p.low).logicalOr(q.high.lt(p.high)).expand(result.shape), Infinity);
  });

  registerKl(Independent, Independent, (p, q) => {
    if (p.reinterpretedBatchNdims !== q.reinterpretedBatchNdims) {
      throw new RangeError(
        `klDivergence: Independent distributions over ${p.reinterpretedBatchNdims} and ` +
          `${q.reinterpretedBatchNdims} reinterpreted dims have events of different shapes, so no KL ` +
          "divergence between them is defined (PyTorch refuses them too)",
      );
    }
    return sumRightmost(klDivergence(p.baseDist, q.baseDist), p.reinterpretedBatchNdims);
  });

  registerKl(MultivariateNormal, MultivariateNormal, (p, q) => {
    if (p.eventShape[0] !== q.eventShape[0]) {
      throw new RangeError(
        `klDivergence: KL-divergence between two Multivariate Normals with different event shapes cannot be computed (${
          p.eventShape[0]
        } and ${q.eventShape[0]})`,
      );
    }
    const pL = p._unbroadcastedScaleTril, qL = q._unbroadcastedScaleTril;
    const halfTerm1 = diagonal(qL, 0, -2, -1).log().sum(-1).sub(diagonal(pL, 0, -2, -1).log().sum(-1));
    const n = p.eventShape[0];
    const batch = broadcastShapes("klDivergence", qL.shape.slice(0, -2), pL.shape.slice(0, -2));
    const ratio = solveTriangular(qL.expand([...batch, n, n]), pL.expand([...batch, n, n]), { upper: false });
    const term2 = ratio.reshape([-1, n * n]).pow(2).sum(-1).reshape(batch);
    const term3 = batchMahalanobis(qL, q.loc.sub(p.loc));
    return halfTerm1.add(term2.add(term3).sub(n).mul(0.5));
  });
}
