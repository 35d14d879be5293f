/**
 * Adam and AdamW (decoupled weight decay), with AMSGrad.
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { zerosLike } from "../creation.ts";
import {
  bumpVersions,
  check,
  fusedBackend,
  fusedGrad,
  fusedState,
  fusedUnavailable,
  Optimizer,
  type ParamGroup,
  type Params,
  type ParamState,
  splitFused,
  withDefaults,
} from "./optimizer.ts";

/** Options of {@link Adam} and {@link AdamW} (PyTorch's, camelCased). */
export interface AdamOptions {
  /** Learning rate (default 1e-3). */
  lr?: number;
  /** Decay rates of the first and second moment averages (default [0.9, 0.999]). */
  betas?: [number, number];
  /** Added to the denominator for numerical stability (default 1e-8). */
  eps?: number;
  /** Weight decay: an L2 penalty for Adam (default 0), decoupled for AdamW (default 1e-2). */
  weightDecay?: number;
  /** Use the AMSGrad variant (default false). */
  amsgrad?: boolean;
  /** Maximize the objective instead of minimizing it (default false). */
  maximize?: boolean;
  /**
   * Use the backend's fused update kernel (one dispatch per parameter; the WebGPU backend has
   * one): by default wherever it applies (float32 parameters on the GPU), `false` never (the
   * composed tensor ops), `true` always (a parameter it cannot serve is an error). Not a group
   * option and not part of `stateDict()`.
   */
  fused?: boolean;
}

/** The options a Adam parameter group holds: every hyperparameter, defaults filled in. */
export type AdamGroupOptions = Required<Omit<AdamOptions, "fused">>;

function checkAdam(o: AdamGroupOptions, where: string): void {
  check(o.lr >= 0, where, `Invalid learning rate: ${o.lr}`);
  check(o.eps >= 0, where, `Invalid epsilon value: ${o.eps}`);
  check(
    Array.isArray(o.betas) && o.betas.length === 2,
    where,
    `betas must be a pair [beta1, beta2], got ${JSON.stringify(o.betas)}`,
  );
  check(o.betas[0] >= 0 && o.betas[0] < 1, where, `Invalid beta parameter at index 0: ${o.betas[0]}`);
  check(o.betas[1] >= 0 && o.betas[1] < 1, where, `Invalid beta parameter at index 1: ${o.betas[1]}`);
  check(o.weightDecay >= 0, where, `Invalid weight_decay value: ${o.weightDecay}`);
}

/**
 * Adam, as `torch.optim.Adam` (weight decay is an L2 penalty added to the gradient; see
 * {@link AdamW} for the decoupled form). State per parameter: `step`, `expAvg`, `expAvgSq`, and
 * `maxExpAvgSq` with amsgrad.
 *
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { Adam } from "./mod.ts";
 * const w = torch.tensor([1.0, -1.0], { requiresGrad: true });
 * const opt = new Adam([w], { lr: 0.1 });
 * opt.zeroGrad();
 * w.pow(2).sum().backward();
 * opt.step();
 * assertEquals(torch.allclose(w, torch.tensor([0.9, -0.9]), { atol: 1e-6 }), true); // the first step moves each weight by lr
 * ```
 */
export class Adam extends Optimizer<AdamGroupOptions> {
  /** Whether updates use the backend's fused kernel (see {@link AdamOptions.fused}). */
  fused: boolean | undefined;
  /** Creates the optimizer; the arguments are described on the class. */
  constructor(params: Params<AdamGroupOptions>, options: AdamOptions = {}) {
    const [fused, rest] = splitFused(new.target.name, options);
    super(
      params,
      withDefaults<AdamGroupOptions>(new.target.name, rest, {
        lr: 1e-3,
        betas: [0.9, 0.999],
        eps: 1e-8,
        weightDecay: new.target === AdamW || new.target.prototype instanceof AdamW ? 1e-2 : 0,
        amsgrad: false,
        maximize: false,
      }),
    );
    this.fused = fused;
  }
  /** Throws a clear error naming `where` when an option of `o` is out of range. */
  protected override _checkOptions(o: AdamGroupOptions, where: string): void {
    checkAdam(o, where);
  }
  /** True for AdamW: weight decay scales the parameter instead of adding to the gradient. */
  protected get _decoupledWeightDecay(): boolean {
    return false;
  }
  /** Applies one Adam step to every parameter of `group` that has a gradient. */
  protected override _updateGroup(group: ParamGroup & AdamGroupOptions): void {
    const { lr, eps, weightDecay, amsgrad, maximize } = group;
    const [beta1, beta2] = group.betas;
    this._eachParam(group, (p, grad) => {
      const state = this._stateOf(p);
      if (state.step === undefined) {
        state.step = 0;
        state.expAvg = zerosLike(p);
        state.expAvgSq = zerosLike(p);
        if (amsgrad) state.maxExpAvgSq = zerosLike(p);
      }
      if (amsgrad && state.maxExpAvgSq === undefined) state.maxExpAvgSq = zerosLike(p); // switched on later
      if (this.fused !== false && this.#fusedStep(p, grad, state, group)) return;
      if (this.fused === true) throw fusedUnavailable(this.constructor.name, p);
      let g: Tensor = maximize ? grad.neg() : grad;
      const step = (state.step as number) + 1;
      state.step = step;
      if (weightDecay !== 0) {
        if (this._decoupledWeightDecay) p.copy_(p.mul(1 - lr * weightDecay));
        else g = g.add(p.mul(weightDecay));
      }
      const m = state.expAvg as Tensor, v = state.expAvgSq as Tensor;
      m.copy_(m.mul(beta1).add(g.mul(1 - beta1)));
      v.copy_(v.mul(beta2).add(g.mul(1 - beta2).mul(g)));
      const bias1 = 1 - beta1 ** step, bias2 = 1 - beta2 ** step;
      const stepSize = lr / bias1;
      let second = v;
      if (amsgrad) {
        const vmax = state.maxExpAvgSq as Tensor;
        vmax.copy_(vmax.maximum(v));
        second = vmax;
      }
      const denom = second.sqrt().div(Math.sqrt(bias2)).add(eps);
      p.copy_(p.add(m.mul(-stepSize).div(denom)));
    });
  }

  /** One update through the backend's fused kernel; false (nothing done) when it does not apply. */
  #fusedStep(p: Tensor, grad: Tensor, state: ParamState, group: ParamGroup & AdamGroupOptions): boolean {
    const b = fusedBackend("adamUpdate", p);
    const { expAvg: m, expAvgSq: v } = state;
    const vmax = group.amsgrad ? state.maxExpAvgSq : null;
    if (!b || !fusedState(m, p) || !fusedState(v, p) || (vmax !== null && !fusedState(vmax, p))) return false;
    const g = fusedGrad(grad, p);
    if (g === null) return false;
    const step = (state.step as number) + 1;
    state.step = step;
    b.adamUpdate(p._storage, g, m._storage, v._storage, vmax?._storage ?? null, {
      lr: group.lr,
      beta1: group.betas[0],
      beta2: group.betas[1],
      eps: group.eps,
      weightDecay: group.weightDecay,
      step,
      decoupled: this._decoupledWeightDecay,
      amsgrad: group.amsgrad,
      maximize: group.maximize,
    });
    bumpVersions(p, m, v, vmax);
    return true;
  }
}

/**
 * AdamW, as `torch.optim.AdamW`: Adam with decoupled weight decay, `p *= 1 − lr·weightDecay`
 * before the Adam update (default weightDecay 1e-2).
 *
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { AdamW } from "./mod.ts";
 * const w = torch.tensor([2.0], { requiresGrad: true });
 * const opt = new AdamW([w], { lr: 0.1, weightDecay: 0.5 });
 * w.mul(0).sum().backward(); // a zero gradient: only the decay acts
 * opt.step();
 * assertEquals(Math.abs((w.item() as number) - 1.9) < 1e-6, true); // 2 · (1 − 0.1·0.5)
 * ```
 */
export class AdamW extends Adam {
  /** Creates the optimizer; the arguments are described on the class. */
  constructor(params: Params<AdamGroupOptions>, options: AdamOptions = {}) {
    super(params, options);
  }
  /** True: AdamW applies weight decay to the weights directly, not through the gradient. */
  protected override get _decoupledWeightDecay(): boolean {
    return true;
  }
}
