/**
 * Adadelta.
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { zerosLike } from "../creation.ts";
import { check, Optimizer, type ParamGroup, type Params, withDefaults } from "./optimizer.ts";

/** Options of {@link Adadelta} (PyTorch's, camelCased). */
export interface AdadeltaOptions {
  /** Scales the step (default 1). */
  lr?: number;
  /** Decay of the running averages of squared gradients and squared steps (default 0.9). */
  rho?: number;
  /** Added inside the square roots (default 1e-6). */
  eps?: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay?: number;
  /** Maximize the objective instead of minimizing it (default false). */
  maximize?: boolean;
}

/** The options a Adadelta parameter group holds: every hyperparameter, defaults filled in. */
export type AdadeltaGroupOptions = Required<AdadeltaOptions>;

/**
 * Adadelta, as `torch.optim.Adadelta`: `v = ρv + (1−ρ)g²`, `Δ = √(u + ε)/√(v + ε)·g`,
 * `u = ρu + (1−ρ)Δ²`, `p -= lr·Δ`. State: `step`, `squareAvg`, `accDelta`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { Adadelta } from "./mod.ts";
 * const w = torch.tensor([3.0], { requiresGrad: true });
 * const opt = new Adadelta([w]);
 * w.pow(2).sum().backward();
 * opt.step();
 * assertEquals(w.item() < 3, true);
 * ```
 */
export class Adadelta extends Optimizer<AdadeltaGroupOptions> {
  /** Creates the optimizer; the arguments are described on the class. */
  constructor(params: Params<AdadeltaGroupOptions>, options: AdadeltaOptions = {}) {
    super(
      params,
      withDefaults<AdadeltaGroupOptions>(new.target.name, options, {
        lr: 1,
        rho: 0.9,
        eps: 1e-6,
        weightDecay: 0,
        maximize: false,
      }),
    );
  }
  /** Throws a clear error naming `where` when an option of `o` is out of range. */
  protected override _checkOptions(o: AdadeltaGroupOptions, where: string): void {
    check(o.lr >= 0, where, `Invalid learning rate: ${o.lr}`);
    check(o.rho >= 0 && o.rho <= 1, where, `Invalid rho value: ${o.rho}`);
    check(o.eps >= 0, where, `Invalid epsilon value: ${o.eps}`);
    check(o.weightDecay >= 0, where, `Invalid weight_decay value: ${o.weightDecay}`);
  }
  /** Applies one Adadelta step to every parameter of `group` that has a gradient. */
  protected override _updateGroup(group: ParamGroup & AdadeltaGroupOptions): void {
    const { lr, rho, eps, weightDecay, maximize } = group;
    this._eachParam(group, (p, grad, state) => {
      if (state.step === undefined) {
        Object.assign(state, { step: 0, squareAvg: zerosLike(p), accDelta: zerosLike(p) });
      }
      state.step = (state.step as number) + 1;
      let g: Tensor = maximize ? grad.neg() : grad;
      if (weightDecay !== 0) g = g.add(p.mul(weightDecay));
      const v = state.squareAvg as Tensor, u = state.accDelta as Tensor;
      v.copy_(v.mul(rho).add(g.mul(g).mul(1 - rho)));
      const std = v.add(eps).sqrt();
      const delta = u.add(eps).sqrt().div(std).mul(g);
      u.copy_(u.mul(rho).add(delta.mul(delta).mul(1 - rho)));
      p.copy_(p.add(delta.mul(-lr)));
    });
  }
}
