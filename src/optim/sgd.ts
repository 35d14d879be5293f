/**
 * Stochastic gradient descent with momentum, dampening, Nesterov momentum and weight decay.
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { check, Optimizer, type ParamGroup, type Params, Scratch, withDefaults } from "./optimizer.ts";

/** Options of {@link SGD} (PyTorch's, camelCased). */
export interface SGDOptions {
  /** Learning rate (default 1e-3, as PyTorch 2.2+). */
  lr?: number;
  /** Momentum factor (default 0). */
  momentum?: number;
  /** Dampening for momentum (default 0). */
  dampening?: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay?: number;
  /** Nesterov momentum; needs momentum > 0 and zero dampening (default false). */
  nesterov?: boolean;
  /** Maximize the objective instead of minimizing it (default false). */
  maximize?: boolean;
}

/**
 * Stochastic gradient descent, as `torch.optim.SGD`:
 * `d = g + weightDecay·p`; with momentum `buf = momentum·buf + (1 − dampening)·d` (the first step
 * takes `buf = d`) and `d = nesterov ? d + momentum·buf : buf`; then `p -= lr·d`.
 * State per parameter: `momentumBuffer` (when momentum is not 0).
 *
 * @example
 * ```ts
 * import * as torch from "../../mod.ts";
 * import { SGD } from "./mod.ts";
 * const w = torch.tensor([1.0, -2.0], { requiresGrad: true });
 * const opt = new SGD([w], { lr: 0.1, momentum: 0.9 });
 * for (let i = 0; i < 3; i++) {
 *   opt.zeroGrad();
 *   w.pow(2).sum().backward(); // minimize |w|²
 *   opt.step();
 * }
 * console.log(w.toArray()); // ≈ [0.062, -0.124]: on its way to [0, 0]
 * ```
 */
export class SGD extends Optimizer<Required<SGDOptions>> {
  constructor(params: Params<Required<SGDOptions>>, options: SGDOptions = {}) {
    super(
      params,
      withDefaults<Required<SGDOptions>>(new.target.name, options, {
        lr: 1e-3,
        momentum: 0,
        dampening: 0,
        weightDecay: 0,
        nesterov: false,
        maximize: false,
      }),
    );
  }

  protected override _checkOptions(o: Required<SGDOptions>, where: string): void {
    check(o.lr >= 0, where, `Invalid learning rate: ${o.lr}`);
    check(o.momentum >= 0, where, `Invalid momentum value: ${o.momentum}`);
    check(o.weightDecay >= 0, where, `Invalid weight_decay value: ${o.weightDecay}`);
    check(
      typeof o.dampening === "number" && !Number.isNaN(o.dampening),
      where,
      `Invalid dampening value: ${o.dampening}`,
    );
    check(
      !o.nesterov || (o.momentum > 0 && o.dampening === 0),
      where,
      "Nesterov momentum requires a momentum and zero dampening",
    );
  }

  protected override _updateGroup(group: ParamGroup & Required<SGDOptions>): void {
    const { lr, momentum, dampening, weightDecay, nesterov, maximize } = group;
    const s = new Scratch();
    for (const p of group.params) {
      const grad = this._gradOf(p);
      if (grad === null) continue;
      try {
        let d: Tensor = maximize ? s.t(grad.neg()) : grad;
        if (weightDecay !== 0) d = s.t(d.add(s.t(p.mul(weightDecay))));
        if (momentum !== 0) {
          const state = this._stateOf(p);
          let buf = state.momentumBuffer as Tensor | undefined;
          if (buf === undefined) {
            buf = d.clone();
            state.momentumBuffer = buf;
          } else {
            const scaled = dampening === 0 ? d : s.t(d.mul(1 - dampening));
            s.assign(buf, s.t(buf.mul(momentum)).add(scaled));
          }
          d = nesterov ? s.t(d.add(s.t(buf.mul(momentum)))) : buf;
        }
        s.assign(p, p.sub(s.t(d.mul(lr))));
      } finally {
        s.release();
      }
    }
  }
}
