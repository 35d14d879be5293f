/**
 * ASGD (averaged stochastic gradient descent).
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { zerosLike } from "../creation.ts";
import { check, Optimizer, type ParamGroup, type Params, withDefaults } from "./optimizer.ts";

/** Options of {@link ASGD} (PyTorch's, camelCased). */
export interface ASGDOptions {
  /** Learning rate (default 1e-2). */
  lr?: number;
  /** Decay term (default 1e-4). */
  lambd?: number;
  /** Power of the eta update (default 0.75). */
  alpha?: number;
  /** The step at which averaging starts (default 1e6). */
  t0?: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay?: number;
  /** Maximize the objective instead of minimizing it (default false). */
  maximize?: boolean;
}

/** The options an ASGD parameter group holds: every hyperparameter, defaults filled in. */
export type ASGDGroupOptions = Required<ASGDOptions>;

/**
 * ASGD, as `torch.optim.ASGD` (Polyak–Juditsky averaging): `p = p·(1 − lambd·eta) − eta·g`, then
 * the running average `ax += mu·(p − ax)` (a copy of `p` while `mu` is 1, i.e. until step `t0`),
 * `eta = lr/(1 + lambd·lr·step)^alpha`, `mu = 1/max(1, step − t0)`. State per parameter: `step`,
 * `eta`, `mu` (numbers; PyTorch keeps them as float32 0-dim tensors, and so rounds them the same
 * way) and `ax`, the averaged parameter, which is what to evaluate with after training.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { ASGD } from "./mod.ts";
 * const w = torch.tensor([1.0], { requiresGrad: true });
 * const opt = new ASGD([w], { lr: 0.1, t0: 1 });
 * for (let i = 0; i < 4; i++) {
 *   opt.zeroGrad();
 *   w.pow(2).sum().backward();
 *   opt.step();
 * }
 * const ax = opt.state.get(w)!.ax as torch.Tensor;
 * // ax copies w until step t0 + 1, then averages: (w₃ + w₄) / 2. PyTorch: 0.409584, 0.460784.
 * assertEquals([w.item().toFixed(6), ax.item().toFixed(6)], ["0.409584", "0.460784"]);
 * ```
 */
export class ASGD extends Optimizer<ASGDGroupOptions> {
  /** Creates the optimizer; the arguments are described on the class. */
  constructor(params: Params<ASGDGroupOptions>, options: ASGDOptions = {}) {
    super(
      params,
      withDefaults<ASGDGroupOptions>(new.target.name, options, {
        lr: 1e-2,
        lambd: 1e-4,
        alpha: 0.75,
        t0: 1e6,
        weightDecay: 0,
        maximize: false,
      }),
    );
  }

  /** Throws a clear error naming `where` when an option of `o` is out of range. */
  protected override _checkOptions(o: ASGDGroupOptions, where: string): void {
    check(o.lr >= 0, where, `Invalid learning rate: ${o.lr}`);
    check(o.weightDecay >= 0, where, `Invalid weight_decay value: ${o.weightDecay}`);
    for (const k of ["lambd", "alpha", "t0"] as const) {
      check(typeof o[k] === "number" && !Number.isNaN(o[k]), where, `${k} must be a number, got ${o[k]}`);
    }
  }

  /** Applies one ASGD step to every parameter of `group` that has a gradient. */
  protected override _updateGroup(group: ParamGroup & ASGDGroupOptions): void {
    const { lr, lambd, alpha, t0, weightDecay, maximize } = group;
    this._eachParam(group, (p, grad, state) => {
      if (state.step === undefined) {
        Object.assign(state, { step: 0, eta: Math.fround(lr), mu: 1, ax: zerosLike(p) });
      }
      const step = (state.step as number) + 1;
      state.step = step;
      const eta = state.eta as number, mu = state.mu as number;
      let g: Tensor = maximize ? grad.neg() : grad;
      if (weightDecay !== 0) g = g.add(p.mul(weightDecay));
      p.copy_(p.mul(1 - lambd * eta).sub(g.mul(eta)));
      const ax = state.ax as Tensor;
      ax.copy_(mu !== 1 ? ax.add(p.sub(ax).mul(mu)) : p);
      state.eta = Math.fround(lr / Math.pow(1 + lambd * lr * step, alpha));
      state.mu = Math.fround(1 / Math.max(1, step - t0));
    });
  }
}
