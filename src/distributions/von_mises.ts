/**
 * `VonMises(loc, concentration)` (PyTorch 1.13's `torch.distributions.VonMises`), with PyTorch's
 * polynomial log-Bessel approximations and Best–Fisher rejection sampler, so values and seeded
 * samples are PyTorch's.
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { noGrad } from "../autograd/grad_mode.ts";
import { rand } from "../creation.ts";
import { remainder } from "../ops/division.ts";
import { where } from "../ops/elementwise.ts";
import { type Constraint, positive, real } from "./constraints.ts";
import { Distribution, type DistributionOptions } from "./distribution.ts";
import { broadcastAll } from "./utils.ts";

// Abramowitz & Stegun 9.8.1–9.8.4: I0 and I1 below and above 3.75 (the coefficients PyTorch uses).
const I0_SMALL = [1.0, 3.5156229, 3.0899424, 1.2067492, 0.2659732, 0.360768e-1, 0.45813e-2];
const I0_LARGE = [
  0.39894228,
  0.1328592e-1,
  0.225319e-2,
  -0.157565e-2,
  0.916281e-2,
  -0.2057706e-1,
  0.2635537e-1,
  -0.1647633e-1,
  0.392377e-2,
];
const I1_SMALL = [0.5, 0.87890594, 0.51498869, 0.15084934, 0.2658733e-1, 0.301532e-2, 0.32411e-3];
const I1_LARGE = [
  0.39894228,
  -0.3988024e-1,
  -0.362018e-2,
  0.163801e-2,
  -0.1031555e-1,
  0.2282967e-1,
  -0.2895312e-1,
  0.1787654e-1,
  -0.420059e-2,
];

/** `Σ coef[i]·yⁱ` by Horner's rule, highest coefficient first (PyTorch's `_eval_poly`). */
function evalPoly(y: Tensor, coef: readonly number[]): Tensor {
  let result = y.mul(0).add(coef[coef.length - 1]);
  for (let i = coef.length - 2; i >= 0; i--) result = y.mul(result).add(coef[i]);
  return result;
}

/** PyTorch's `_log_modified_bessel_fn`: log(I_order(x)) for x > 0, order 0 or 1. */
function logBessel(x: Tensor, order: 0 | 1): Tensor {
  const y = x.div(3.75);
  let small = evalPoly(y.mul(y), order === 0 ? I0_SMALL : I1_SMALL);
  if (order === 1) small = x.abs().mul(small);
  const large = x.sub(x.log().mul(0.5)).add(
    evalPoly(x.reciprocal().mul(3.75), order === 0 ? I0_LARGE : I1_LARGE).log(),
  );
  return where(x.lt(3.75), small.log(), large);
}

/**
 * The von Mises distribution on the circle: angles around `loc` with concentration κ
 * (`concentration`), density `exp(κ·cos(x - loc)) / (2π·I0(κ))`. `loc` and values may be any
 * real (read modulo 2π); samples lie in [-π, π). `mean` and `variance` are the circular ones.
 * `sample` is PyTorch's rejection sampler (Best & Fisher 1979) drawing `torch.rand`, so after
 * `torch.manualSeed(s)` the samples are PyTorch's (drawn on the CPU). No `rsample` and no
 * entropy, as in PyTorch 1.13.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const d = new torch.distributions.VonMises(torch.tensor([0.0]), torch.tensor([2.0]));
 * assertEquals(d.mean.toArray(), [0]);
 * // log density at loc: κ - log(2π) - log(I0(κ)), I0(2) = 2.2795853
 * assertEquals(torch.allclose(d.logProb(torch.tensor([0])), torch.tensor([2 - Math.log(2 * Math.PI) - Math.log(2.2795853)])), true);
 * torch.manualSeed(0);
 * const s = d.sample([100]);
 * assertEquals(s.abs().max().item() <= Math.PI, true);
 * ```
 */
export class VonMises extends Distribution {
  /** The mean angle, in radians. */
  readonly loc!: Tensor;
  /** The concentration κ. */
  readonly concentration!: Tensor;
  /** @internal The sampler's proposal parameter r (PyTorch's `_proposal_r`). */
  readonly _proposalR!: Tensor;

  /** `VonMises(loc, concentration)`; validates `concentration > 0` unless `validateArgs: false`. */
  constructor(loc: Tensor | number, concentration: Tensor | number, opts: DistributionOptions = {}) {
    const [l, k] = broadcastAll("VonMises", ["loc", "concentration"], [loc, concentration]);
    super(typeof loc === "number" && typeof concentration === "number" ? [] : l.shape, [], opts);
    const r = this._call("constructor", () => {
      const tau = k.pow(2).mul(4).add(1).sqrt().add(1);
      const rho = tau.sub(tau.mul(2).sqrt()).div(k.mul(2));
      return rho.pow(2).add(1).div(rho.mul(2));
    });
    Object.assign(this, { loc: l, concentration: k });
    Object.defineProperty(this, "_proposalR", { value: r, enumerable: false });
    this._checkParams();
  }

  /** `{ loc: real, concentration: positive }`. */
  get argConstraints(): Record<string, Constraint> {
    return { loc: real, concentration: positive };
  }
  /** The reals (angles). */
  override get support(): Constraint {
    return real;
  }
  /** `loc` (the circular mean). */
  override get mean(): Tensor {
    return this.loc;
  }
  /** `loc`. */
  override get mode(): Tensor {
    return this.loc;
  }
  /** `1 - I1(κ)/I0(κ)` (the circular variance). */
  override get variance(): Tensor {
    return this._call(
      "variance",
      () => logBessel(this.concentration, 1).sub(logBessel(this.concentration, 0)).exp().neg().add(1),
    );
  }
  /** Not available: PyTorch 1.13's VonMises has no entropy either (it raises NotImplementedError). */
  override entropy(): Tensor {
    throw new TypeError(
      "VonMises.entropy: VonMises has no entropy (PyTorch 1.13 raises NotImplementedError too)",
    );
  }

  /** With its parameters expanded to `batchShape`. */
  expand(batchShape: readonly number[]): VonMises {
    return this._call("expand", () => {
      const out = this._expanded<VonMises>(batchShape, {
        loc: this.loc.expand([...batchShape]),
        concentration: this.concentration.expand([...batchShape]),
      });
      Object.defineProperty(out, "_proposalR", { value: this._proposalR.expand([...batchShape]) });
      return out;
    });
  }

  /** Angles in [-π, π) without gradient, by PyTorch's rejection sampler (on the CPU). */
  override sample(sampleShape: readonly number[] | number = []): Tensor {
    return this._call("sample", () =>
      noGrad(() => {
        const loc = this.loc.detach(), k = this.concentration.detach(), r = this._proposalR.detach();
        if (loc.device !== "cpu") {
          throw new Error(
            "VonMises.sample: the parameters must be on the CPU to draw PyTorch's samples (its sampler reads them)",
          );
        }
        const shape = this.extendedShape(sampleShape);
        let x = loc.expand(shape).mul(0);
        let done = x.ne(x);
        while (!done.all().item()) {
          const [u1, u2, u3] = rand([3, ...shape], { dtype: loc.dtype }).unbind(0);
          const z = u1.mul(Math.PI).cos();
          const f = r.mul(z).add(1).div(r.add(z));
          const c = k.mul(r.sub(f));
          const accept = c.mul(c.neg().add(2)).sub(u2).gt(0).logicalOr(c.div(u2).log().add(1).sub(c).ge(0));
          if (accept.any().item()) {
            x = where(accept, u3.sub(0.5).sign().mul(f.acos()), x);
            done = done.logicalOr(accept);
          }
        }
        return this._out("sample", remainder(x.add(Math.PI).add(loc), 2 * Math.PI).sub(Math.PI));
      }));
  }

  /** `κ·cos(value - loc) - log(2π) - log(I0(κ))`. */
  override logProb(value: Tensor): Tensor {
    return this._call("logProb", () => {
      const checks = this._validateSample("logProb", value);
      const k = this.concentration;
      const out = k.mul(value.sub(this.loc).cos()).sub(Math.log(2 * Math.PI)).sub(logBessel(k, 0));
      return this._out("logProb", out, checks);
    });
  }
}
