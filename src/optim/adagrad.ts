/**
 * Adagrad, with learning-rate decay.
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { fullLike } from "../creation.ts";
import { noGrad } from "../autograd/grad_mode.ts";
import {
  check,
  Optimizer,
  type ParamGroup,
  type ParamGroupInput,
  type Params,
  withDefaults,
} from "./optimizer.ts";

/** Options of {@link Adagrad} (PyTorch's, camelCased). */
export interface AdagradOptions {
  /** Learning rate (default 1e-2). */
  lr?: number;
  /** Learning-rate decay: step k uses `lr / (1 + (k − 1)·lrDecay)` (default 0). */
  lrDecay?: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay?: number;
  /** Starting value of the sum of squared gradients (default 0). */
  initialAccumulatorValue?: number;
  /** Added to the denominator for numerical stability (default 1e-10). */
  eps?: number;
  /** Maximize the objective instead of minimizing it (default false). */
  maximize?: boolean;
}

/** The options a Adagrad parameter group holds: every hyperparameter, defaults filled in. */
export type AdagradGroupOptions = Required<AdagradOptions>;

/**
 * Adagrad, as `torch.optim.Adagrad`: `sum += g²`, `p -= clr·g/(sqrt(sum) + eps)` with
 * `clr = lr / (1 + (step − 1)·lrDecay)`. State per parameter (created with the optimizer, as in
 * PyTorch): `step` and `sum`.
 *
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { Adagrad } from "./mod.ts";
 * const w = torch.tensor([3.0], { requiresGrad: true });
 * const opt = new Adagrad([w], { lr: 0.5 });
 * opt.zeroGrad();
 * w.pow(2).sum().backward();
 * opt.step();
 * assertEquals(w.item(), 2.5); // the first step moves by lr
 * ```
 */
export class Adagrad extends Optimizer<AdagradGroupOptions> {
  /** Creates the optimizer; the arguments are described on the class. */
  constructor(params: Params<AdagradGroupOptions>, options: AdagradOptions = {}) {
    super(
      params,
      withDefaults<AdagradGroupOptions>(new.target.name, options, {
        lr: 1e-2,
        lrDecay: 0,
        weightDecay: 0,
        initialAccumulatorValue: 0,
        eps: 1e-10,
        maximize: false,
      }),
    );
    for (const g of this.paramGroups) this.#initState(g);
  }

  #initState(group: ParamGroup & AdagradGroupOptions): void {
    for (const p of group.params) {
      const st = this.state.get(p);
      if (st !== undefined && st.sum !== undefined) continue;
      const sum = noGrad(() => fullLike(p, group.initialAccumulatorValue));
      if (st === undefined) this.state.set(p, { step: 0, sum });
      else Object.assign(st, { step: st.step ?? 0, sum });
    }
    this._keepState();
  }

  /** Adds a parameter group; its state is created at once, as the constructor does. */
  override addParamGroup(group: ParamGroupInput<AdagradGroupOptions>): void {
    super.addParamGroup(group);
    // During construction the private field isn't installed yet; the constructor creates state then.
    if (#initState in this) this.#initState(this.paramGroups[this.paramGroups.length - 1]);
  }

  /** Throws a clear error naming `where` when an option of `o` is out of range. */
  protected override _checkOptions(o: AdagradGroupOptions, where: string): void {
    check(o.lr >= 0, where, `Invalid learning rate: ${o.lr}`);
    check(o.lrDecay >= 0, where, `Invalid lr_decay value: ${o.lrDecay}`);
    check(o.weightDecay >= 0, where, `Invalid weight_decay value: ${o.weightDecay}`);
    check(
      o.initialAccumulatorValue >= 0,
      where,
      `Invalid initial_accumulator_value value: ${o.initialAccumulatorValue}`,
    );
    check(o.eps >= 0, where, `Invalid epsilon value: ${o.eps}`);
  }

  /** Applies one Adagrad step to every parameter of `group` that has a gradient. */
  protected override _updateGroup(group: ParamGroup & AdagradGroupOptions): void {
    const { lr, lrDecay, weightDecay, eps, maximize } = group;
    this._eachParam(group, (p, grad) => {
      let state = this.state.get(p);
      if (state === undefined || state.sum === undefined) {
        this.#initState(group);
        state = this.state.get(p)!;
      }
      const step = (state.step as number) + 1;
      state.step = step;
      let g: Tensor = maximize ? grad.neg() : grad;
      if (weightDecay !== 0) g = g.add(p.mul(weightDecay));
      const clr = lr / (1 + (step - 1) * lrDecay);
      const sum = state.sum as Tensor;
      sum.copy_(sum.add(g.mul(g)));
      const std = sum.sqrt().add(eps);
      p.copy_(p.add(g.mul(-clr).div(std)));
    });
  }
}
