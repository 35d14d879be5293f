/**
 * Rprop (resilient backpropagation).
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { fullLike, onesLike, zerosLike } from "../creation.ts";
import { where } from "../ops/elementwise.ts";
import { check, Optimizer, type ParamGroup, type Params, withDefaults } from "./optimizer.ts";

/** Options of {@link Rprop} (PyTorch's, camelCased). */
export interface RpropOptions {
  /** Initial step size of every element (default 1e-2). */
  lr?: number;
  /** `[etaminus, etaplus]`: step-size factors on a sign change / no sign change (default [0.5, 1.2]). */
  etas?: [number, number];
  /** `[min, max]` step size (default [1e-6, 50]). */
  stepSizes?: [number, number];
  /** Maximize the objective instead of minimizing it (default false). */
  maximize?: boolean;
}

/** The options a Rprop parameter group holds: every hyperparameter, defaults filled in. */
export type RpropGroupOptions = Required<RpropOptions>;

function isPair(v: unknown): v is [number, number] {
  return Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === "number");
}

/**
 * Rprop, as `torch.optim.Rprop`: each element keeps its own step size, multiplied by `etaplus`
 * when its gradient keeps its sign, by `etaminus` when the sign flips (that step then skips the
 * element and forgets its gradient), and clamped to `stepSizes`; the parameter moves by
 * `−sign(g)·stepSize`. State per parameter: `step`, `prev` (the last gradient used), `stepSize`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { Rprop } from "./mod.ts";
 * const w = torch.tensor([1.0, -2.0], { requiresGrad: true });
 * const opt = new Rprop([w], { lr: 0.1 });
 * for (let i = 0; i < 2; i++) {
 *   opt.zeroGrad();
 *   w.pow(2).sum().backward();
 *   opt.step();
 * }
 * // Steps of 0.1, then 0.1·1.2 against the gradient's sign.
 * assertEquals(torch.allclose(w, torch.tensor([0.78, -1.78])), true);
 * ```
 */
export class Rprop extends Optimizer<RpropGroupOptions> {
  /** Creates the optimizer; the arguments are described on the class. */
  constructor(params: Params<RpropGroupOptions>, options: RpropOptions = {}) {
    super(
      params,
      withDefaults<RpropGroupOptions>(new.target.name, options, {
        lr: 1e-2,
        etas: [0.5, 1.2],
        stepSizes: [1e-6, 50],
        maximize: false,
      }),
    );
  }

  /** Throws a clear error naming `where` when an option of `o` is out of range. */
  protected override _checkOptions(o: RpropGroupOptions, where: string): void {
    check(o.lr >= 0, where, `Invalid learning rate: ${o.lr}`);
    check(isPair(o.etas), where, `etas must be a pair of numbers [etaminus, etaplus], got ${String(o.etas)}`);
    check(
      0 < o.etas[0] && o.etas[0] < 1 && 1 < o.etas[1],
      where,
      `Invalid eta values: ${o.etas[0]}, ${o.etas[1]} (expected 0 < etaminus < 1 < etaplus)`,
    );
    check(
      isPair(o.stepSizes),
      where,
      `stepSizes must be a pair of numbers [min, max], got ${String(o.stepSizes)}`,
    );
  }

  /** Applies one Rprop step to every parameter of `group` that has a gradient. */
  protected override _updateGroup(group: ParamGroup & RpropGroupOptions): void {
    const { lr, maximize } = group;
    const [etaminus, etaplus] = group.etas, [stepMin, stepMax] = group.stepSizes;
    this._eachParam(group, (p, grad, state) => {
      if (state.step === undefined) {
        Object.assign(state, { step: 0, prev: zerosLike(p), stepSize: fullLike(p, lr) });
      }
      state.step = (state.step as number) + 1;
      const g: Tensor = maximize ? grad.neg() : grad;
      const prev = state.prev as Tensor, stepSize = state.stepSize as Tensor;
      const agreement = g.mul(prev).sign();
      const flipped = agreement.lt(0);
      const factor = where(agreement.gt(0), etaplus, where(flipped, etaminus, onesLike(agreement)));
      stepSize.copy_(stepSize.mul(factor).clamp(stepMin, stepMax));
      // Where the sign flipped the element does not move, and its gradient is forgotten.
      const used = where(flipped, 0, g);
      p.copy_(p.sub(used.sign().mul(stepSize)));
      prev.copy_(used);
    });
  }
}
