/**
 * Adam's relatives, as in `torch.optim`: `Adamax` (infinity-norm second moment), `NAdam`
 * (Nesterov momentum with PyTorch's momentum decay) and `RAdam` (variance rectification), written
 * with tensor ops so they run on every device without read-backs.
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { zerosLike } from "../creation.ts";
import { stack } from "../ops/indexing.ts";
import { amax } from "../ops/reduce.ts";
import { check, Optimizer, type ParamGroup, type Params, withDefaults } from "./optimizer.ts";

/** Options shared by Adamax, NAdam and RAdam (PyTorch's, camelCased). */
export interface AdamLikeOptions {
  /** Learning rate. */
  lr?: number;
  /** Decay rates of the first and second moment estimates (default [0.9, 0.999]). */
  betas?: [number, number];
  /** Added for numerical stability (default 1e-8). */
  eps?: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay?: number;
  /** Maximize the objective instead of minimizing it (default false). */
  maximize?: boolean;
}

/** PyTorch's defaults of the Adam-like options, with the optimizer's own learning rate. */
function adamLikeDefaults(lr: number): Required<AdamLikeOptions> {
  return { lr, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, maximize: false };
}

function checkAdamLike(o: Required<AdamLikeOptions>, where: string): void {
  check(o.lr >= 0, where, `Invalid learning rate: ${o.lr}`);
  check(o.eps >= 0, where, `Invalid epsilon value: ${o.eps}`);
  check(o.betas[0] >= 0 && o.betas[0] < 1, where, `Invalid beta parameter at index 0: ${o.betas[0]}`);
  check(o.betas[1] >= 0 && o.betas[1] < 1, where, `Invalid beta parameter at index 1: ${o.betas[1]}`);
  check(o.weightDecay >= 0, where, `Invalid weight_decay value: ${o.weightDecay}`);
}

/** The gradient as the update uses it: negated to maximize, plus the L2 term. */
function effectiveGrad(grad: Tensor, p: Tensor, o: Required<AdamLikeOptions>): Tensor {
  let g = o.maximize ? grad.neg() : grad;
  if (o.weightDecay !== 0) g = g.add(p.mul(o.weightDecay));
  return g;
}

/** Options of {@link Adamax}. */
export type AdamaxOptions = AdamLikeOptions;

/**
 * Adamax, as `torch.optim.Adamax`: Adam with the infinity norm, `u = max(β₂·u, |g| + eps)`,
 * `p -= lr / (1 − β₁ᵗ) · m / u`. State: `step`, `expAvg`, `expInf`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { Adamax } from "./mod.ts";
 * const w = torch.tensor([3.0], { requiresGrad: true });
 * const opt = new Adamax([w], { lr: 0.5 });
 * w.pow(2).sum().backward();
 * opt.step();
 * assertEquals(Math.abs((w.item() as number) - 2.5) < 1e-6, true); // the first step moves by lr
 * ```
 */
export class Adamax extends Optimizer<Required<AdamaxOptions>> {
  /** Creates the optimizer; the arguments are described on the class. */
  constructor(params: Params<Required<AdamaxOptions>>, options: AdamaxOptions = {}) {
    super(
      params,
      withDefaults<Required<AdamaxOptions>>(new.target.name, options, adamLikeDefaults(2e-3)),
    );
  }
  /** Throws a clear error naming `where` when an option of `o` is out of range. */
  protected override _checkOptions(o: Required<AdamaxOptions>, where: string): void {
    checkAdamLike(o, where);
  }
  /** Applies one Adamax step to every parameter of `group` that has a gradient. */
  protected override _updateGroup(group: ParamGroup & Required<AdamaxOptions>): void {
    const [beta1, beta2] = group.betas;
    this._eachParam(group, (p, grad, state) => {
      if (state.step === undefined) {
        Object.assign(state, { step: 0, expAvg: zerosLike(p), expInf: zerosLike(p) });
      }
      const step = (state.step as number) + 1;
      state.step = step;
      const g = effectiveGrad(grad, p, group);
      const m = state.expAvg as Tensor, u = state.expInf as Tensor;
      m.copy_(m.mul(beta1).add(g.mul(1 - beta1)));
      u.copy_(amax(stack([u.mul(beta2), g.abs().add(group.eps)]), 0));
      p.copy_(p.add(m.div(u).mul(-group.lr / (1 - beta1 ** step))));
    });
  }
}

/** Options of {@link NAdam}: Adam's and the momentum decay. */
export interface NAdamOptions extends AdamLikeOptions {
  /** ψ of the momentum schedule μₜ = β₁(1 − ½·0.96^(t·ψ)) (default 4e-3). */
  momentumDecay?: number;
}

/**
 * NAdam, as `torch.optim.NAdam`: Adam with Nesterov momentum and PyTorch's momentum schedule.
 * State: `step`, `muProduct`, `expAvg`, `expAvgSq`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { NAdam } from "./mod.ts";
 * const w = torch.tensor([3.0], { requiresGrad: true });
 * const opt = new NAdam([w], { lr: 0.1 });
 * w.pow(2).sum().backward();
 * opt.step();
 * assertEquals(w.item() < 3, true);
 * ```
 */
export class NAdam extends Optimizer<Required<NAdamOptions>> {
  /** Creates the optimizer; the arguments are described on the class. */
  constructor(params: Params<Required<NAdamOptions>>, options: NAdamOptions = {}) {
    super(
      params,
      withDefaults<Required<NAdamOptions>>(new.target.name, options, {
        lr: 2e-3,
        betas: [0.9, 0.999],
        eps: 1e-8,
        weightDecay: 0,
        momentumDecay: 4e-3,
        maximize: false,
      }),
    );
  }
  /** Throws a clear error naming `where` when an option of `o` is out of range. */
  protected override _checkOptions(o: Required<NAdamOptions>, where: string): void {
    checkAdamLike(o, where);
    check(o.momentumDecay >= 0, where, `Invalid momentum_decay value: ${o.momentumDecay}`);
  }
  /** Applies one NAdam step to every parameter of `group` that has a gradient. */
  protected override _updateGroup(group: ParamGroup & Required<NAdamOptions>): void {
    const [beta1, beta2] = group.betas;
    const { lr, eps, momentumDecay } = group;
    this._eachParam(group, (p, grad, state) => {
      if (state.step === undefined) {
        Object.assign(state, { step: 0, muProduct: 1, expAvg: zerosLike(p), expAvgSq: zerosLike(p) });
      }
      const step = (state.step as number) + 1;
      state.step = step;
      const g = effectiveGrad(grad, p, group);
      const mu = beta1 * (1 - 0.5 * 0.96 ** (step * momentumDecay));
      const muNext = beta1 * (1 - 0.5 * 0.96 ** ((step + 1) * momentumDecay));
      const muProduct = (state.muProduct as number) * mu;
      state.muProduct = muProduct;
      const m = state.expAvg as Tensor, v = state.expAvgSq as Tensor;
      m.copy_(m.mul(beta1).add(g.mul(1 - beta1)));
      v.copy_(v.mul(beta2).add(g.mul(g).mul(1 - beta2)));
      const denom = v.div(1 - beta2 ** step).sqrt().add(eps);
      const fromGrad = g.div(denom).mul((-lr * (1 - mu)) / (1 - muProduct));
      const fromMomentum = m.div(denom).mul((-lr * muNext) / (1 - muProduct * muNext));
      p.copy_(p.add(fromGrad).add(fromMomentum));
    });
  }
}

/** Options of {@link RAdam}. */
export type RAdamOptions = AdamLikeOptions;

/**
 * RAdam, as `torch.optim.RAdam`: Adam whose adaptive step is switched on, and rectified, once
 * the variance of the adaptive learning rate is tractable (ρₜ > 5); plain momentum SGD before.
 * State: `step`, `expAvg`, `expAvgSq`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { RAdam } from "./mod.ts";
 * const w = torch.tensor([3.0], { requiresGrad: true });
 * const opt = new RAdam([w], { lr: 0.1 });
 * w.pow(2).sum().backward();
 * opt.step();
 * assertEquals(Math.abs((w.item() as number) - 2.4) < 1e-6, true); // no rectification yet: p -= lr · m̂
 * ```
 */
export class RAdam extends Optimizer<Required<RAdamOptions>> {
  /** Creates the optimizer; the arguments are described on the class. */
  constructor(params: Params<Required<RAdamOptions>>, options: RAdamOptions = {}) {
    super(
      params,
      withDefaults<Required<RAdamOptions>>(new.target.name, options, adamLikeDefaults(1e-3)),
    );
  }
  /** Throws a clear error naming `where` when an option of `o` is out of range. */
  protected override _checkOptions(o: Required<RAdamOptions>, where: string): void {
    checkAdamLike(o, where);
  }
  /** Applies one RAdam step to every parameter of `group` that has a gradient. */
  protected override _updateGroup(group: ParamGroup & Required<RAdamOptions>): void {
    const [beta1, beta2] = group.betas;
    const { lr, eps } = group;
    this._eachParam(group, (p, grad, state) => {
      if (state.step === undefined) {
        Object.assign(state, { step: 0, expAvg: zerosLike(p), expAvgSq: zerosLike(p) });
      }
      const step = (state.step as number) + 1;
      state.step = step;
      const g = effectiveGrad(grad, p, group);
      const m = state.expAvg as Tensor, v = state.expAvgSq as Tensor;
      m.copy_(m.mul(beta1).add(g.mul(1 - beta1)));
      v.copy_(v.mul(beta2).add(g.mul(g).mul(1 - beta2)));
      const bias1 = 1 - beta1 ** step, bias2 = 1 - beta2 ** step;
      const rhoInf = 2 / (1 - beta2) - 1;
      const rho = rhoInf - (2 * step * beta2 ** step) / bias2;
      if (rho > 5) {
        const rect = Math.sqrt(((rho - 4) * (rho - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rho));
        const denom = v.sqrt().add(eps);
        p.copy_(p.add(m.div(denom).mul((-lr * rect * Math.sqrt(bias2)) / bias1)));
      } else {
        p.copy_(p.add(m.mul(-lr / bias1)));
      }
    });
  }
}
