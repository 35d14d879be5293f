/**
 * RMSprop, with momentum and the centered variant.
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { zerosLike } from "../creation.ts";
import { check, Optimizer, type ParamGroup, type Params, withDefaults } from "./optimizer.ts";

/** Options of {@link RMSprop} (PyTorch's, camelCased). */
export interface RMSpropOptions {
  /** Learning rate (default 1e-2). */
  lr?: number;
  /** Smoothing constant of the squared-gradient average (default 0.99). */
  alpha?: number;
  /** Added to the denominator for numerical stability (default 1e-8). */
  eps?: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay?: number;
  /** Momentum factor (default 0). */
  momentum?: number;
  /** Normalize by an estimate of the gradient's variance instead of its second moment (default false). */
  centered?: boolean;
  /** Maximize the objective instead of minimizing it (default false). */
  maximize?: boolean;
}

/** The options a RMSprop parameter group holds: every hyperparameter, defaults filled in. */
export type RMSpropGroupOptions = Required<RMSpropOptions>;

/**
 * RMSprop, as `torch.optim.RMSprop`: `v = alpha·v + (1 − alpha)·g²`; centered:
 * `avg = sqrt(v − gAvg²) + eps` with `gAvg = alpha·gAvg + (1 − alpha)·g`, otherwise
 * `avg = sqrt(v) + eps`; with momentum `buf = momentum·buf + g/avg`, `p -= lr·buf`, otherwise
 * `p -= lr·g/avg`. State per parameter: `step`, `squareAvg`, `momentumBuffer` (momentum > 0) and
 * `gradAvg` (centered).
 *
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { RMSprop } from "./mod.ts";
 * const w = torch.tensor([1.0, -1.0], { requiresGrad: true });
 * const opt = new RMSprop([w], { lr: 0.01, momentum: 0.9 });
 * for (let i = 0; i < 5; i++) {
 *   opt.zeroGrad();
 *   w.pow(2).sum().backward();
 *   opt.step();
 * }
 * assertEquals(torch.allclose(w, torch.tensor([0.142, -0.142]), { atol: 5e-4, rtol: 0 }), true); // on its way to [0, 0]
 * ```
 */
export class RMSprop extends Optimizer<RMSpropGroupOptions> {
  /** Creates the optimizer; the arguments are described on the class. */
  constructor(params: Params<RMSpropGroupOptions>, options: RMSpropOptions = {}) {
    super(
      params,
      withDefaults<RMSpropGroupOptions>(new.target.name, options, {
        lr: 1e-2,
        alpha: 0.99,
        eps: 1e-8,
        weightDecay: 0,
        momentum: 0,
        centered: false,
        maximize: false,
      }),
    );
  }

  /** Throws a clear error naming `where` when an option of `o` is out of range. */
  protected override _checkOptions(o: RMSpropGroupOptions, where: string): void {
    check(o.lr >= 0, where, `Invalid learning rate: ${o.lr}`);
    check(o.eps >= 0, where, `Invalid epsilon value: ${o.eps}`);
    check(o.momentum >= 0, where, `Invalid momentum value: ${o.momentum}`);
    check(o.weightDecay >= 0, where, `Invalid weight_decay value: ${o.weightDecay}`);
    check(o.alpha >= 0, where, `Invalid alpha value: ${o.alpha}`);
  }

  /** Applies one RMSprop step to every parameter of `group` that has a gradient. */
  protected override _updateGroup(group: ParamGroup & RMSpropGroupOptions): void {
    const { lr, alpha, eps, weightDecay, momentum, centered, maximize } = group;
    this._eachParam(group, (p, grad) => {
      const state = this._stateOf(p);
      if (state.step === undefined) {
        state.step = 0;
        state.squareAvg = zerosLike(p);
      }
      // Buffers for options switched on after the first steps start at zero, as PyTorch's would.
      if (momentum > 0 && state.momentumBuffer === undefined) state.momentumBuffer = zerosLike(p);
      if (centered && state.gradAvg === undefined) state.gradAvg = zerosLike(p);
      state.step = (state.step as number) + 1;
      let g: Tensor = maximize ? grad.neg() : grad;
      if (weightDecay !== 0) g = g.add(p.mul(weightDecay));
      const sq = state.squareAvg as Tensor;
      sq.copy_(sq.mul(alpha).add(g.mul(1 - alpha).mul(g)));
      let avg: Tensor;
      if (centered) {
        const ga = state.gradAvg as Tensor;
        ga.copy_(ga.mul(alpha).add(g.mul(1 - alpha)));
        avg = sq.sub(ga.mul(ga)).sqrt();
      } else {
        avg = sq.sqrt();
      }
      avg = avg.add(eps);
      if (momentum > 0) {
        const buf = state.momentumBuffer as Tensor;
        buf.copy_(buf.mul(momentum).add(g.div(avg)));
        p.copy_(p.sub(buf.mul(lr)));
      } else {
        p.copy_(p.add(g.mul(-lr).div(avg)));
      }
    });
  }
}
