/**
 * Stochastic gradient descent with momentum, dampening, Nesterov momentum and weight decay.
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { emptyLike } from "../creation.ts";
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
  splitFused,
  withDefaults,
} from "./optimizer.ts";

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
  /**
   * Use the backend's fused update kernel (one dispatch per parameter; the WebGPU backend has
   * one): by default wherever it applies (float32 parameters on the GPU), `false` never (the
   * composed tensor ops), `true` always (a parameter it cannot serve is an error). Not a group
   * option and not part of `stateDict()`.
   */
  fused?: boolean;
}

/** The options a SGD parameter group holds: every hyperparameter, defaults filled in. */
export type SGDGroupOptions = Required<Omit<SGDOptions, "fused">>;

/**
 * Stochastic gradient descent, as `torch.optim.SGD`:
 * `d = g + weightDecay·p`; with momentum `buf = momentum·buf + (1 − dampening)·d` (the first step
 * takes `buf = d`) and `d = nesterov ? d + momentum·buf : buf`; then `p -= lr·d`.
 * State per parameter: `momentumBuffer` (when momentum is not 0).
 *
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { SGD } from "./mod.ts";
 * const w = torch.tensor([1.0, -2.0], { requiresGrad: true });
 * const opt = new SGD([w], { lr: 0.1, momentum: 0.9 });
 * for (let i = 0; i < 3; i++) {
 *   opt.zeroGrad();
 *   w.pow(2).sum().backward(); // minimize |w|²
 *   opt.step();
 * }
 * assertEquals(torch.allclose(w, torch.tensor([0.062, -0.124]), { atol: 5e-4, rtol: 0 }), true); // on its way to [0, 0]
 * ```
 */
export class SGD extends Optimizer<SGDGroupOptions> {
  /** Whether updates use the backend's fused kernel (see {@link SGDOptions.fused}). */
  fused: boolean | undefined;
  /** Creates the optimizer; the arguments are described on the class. */
  constructor(params: Params<SGDGroupOptions>, options: SGDOptions = {}) {
    const [fused, rest] = splitFused(new.target.name, options);
    super(
      params,
      withDefaults<SGDGroupOptions>(new.target.name, rest, {
        lr: 1e-3,
        momentum: 0,
        dampening: 0,
        weightDecay: 0,
        nesterov: false,
        maximize: false,
      }),
    );
    this.fused = fused;
  }

  /** Throws a clear error naming `where` when an option of `o` is out of range. */
  protected override _checkOptions(o: SGDGroupOptions, where: string): void {
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

  /** Applies one SGD step to every parameter of `group` that has a gradient. */
  protected override _updateGroup(group: ParamGroup & SGDGroupOptions): void {
    const { lr, momentum, dampening, weightDecay, nesterov, maximize } = group;
    this._eachParam(group, (p, grad) => {
      if (this.fused !== false && this.#fusedStep(p, grad, group)) return;
      if (this.fused === true) throw fusedUnavailable(this.constructor.name, p);
      let d: Tensor = maximize ? grad.neg() : grad;
      if (weightDecay !== 0) d = d.add(p.mul(weightDecay));
      if (momentum !== 0) {
        const state = this._stateOf(p);
        let buf = state.momentumBuffer as Tensor | undefined;
        if (buf === undefined) {
          buf = d.clone();
          state.momentumBuffer = buf;
        } else {
          const scaled = dampening === 0 ? d : d.mul(1 - dampening);
          buf.copy_(buf.mul(momentum).add(scaled));
        }
        d = nesterov ? d.add(buf.mul(momentum)) : buf;
      }
      p.copy_(p.sub(d.mul(lr)));
    });
  }

  /** One update through the backend's fused kernel; false (nothing done) when it does not apply. */
  #fusedStep(p: Tensor, grad: Tensor, group: ParamGroup & SGDGroupOptions): boolean {
    const b = fusedBackend("sgdUpdate", p);
    if (!b) return false;
    const useMomentum = group.momentum !== 0;
    let buf: Tensor | null = null;
    let firstStep = false;
    if (useMomentum) {
      const existing = this.state.get(p)?.momentumBuffer;
      if (existing === undefined) firstStep = true;
      else if (fusedState(existing, p)) buf = existing;
      else return false;
    }
    const g = fusedGrad(grad, p);
    if (g === null) return false;
    if (firstStep) {
      buf = emptyLike(p); // the kernel sets it to the gradient (PyTorch's `buf = d.clone()`)
      this._stateOf(p).momentumBuffer = buf;
    }
    b.sgdUpdate(p._storage, g, buf?._storage ?? null, {
      lr: group.lr,
      momentum: group.momentum,
      dampening: group.dampening,
      weightDecay: group.weightDecay,
      nesterov: group.nesterov,
      maximize: group.maximize,
      firstStep,
    });
    bumpVersions(p, buf);
    return true;
  }
}
