/**
 * `CosineAnnealingWarmRestarts` (SGDR), as `torch.optim.lr_scheduler`.
 * @module
 */
import type { Optimizer } from "./optimizer.ts";
import { LRScheduler, type SchedulerOptions } from "./lr_scheduler_base.ts";
import { checkOptions, need } from "./lr_scheduler_checks.ts";

/** Options of {@link CosineAnnealingWarmRestarts}. */
export interface CosineAnnealingWarmRestartsOptions extends SchedulerOptions {
  /** Epochs of the first cycle. */
  t0: number;
  /** Each cycle is this many times longer than the one before (default 1). */
  tMult?: number;
  /** The lowest lr (default 0). */
  etaMin?: number;
}

/**
 * Cosine annealing from each group's initial lr to `etaMin` over a cycle of `t0` epochs, then a
 * restart; cycles grow by `tMult`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { CosineAnnealingWarmRestarts, SGD } from "./mod.ts";
 * const opt = new SGD([torch.zeros([1], { requiresGrad: true })], { lr: 0.1 });
 * const sched = new CosineAnnealingWarmRestarts(opt, { t0: 2 });
 * const lrs = [];
 * for (let e = 0; e < 4; e++) {
 *   lrs.push(opt.lr);
 *   sched.step();
 * }
 * assertEquals(lrs.map((v) => Number(v.toFixed(10))), [0.1, 0.05, 0.1, 0.05]);
 * ```
 */
export class CosineAnnealingWarmRestarts extends LRScheduler {
  /** Epochs in the first restart period (PyTorch's `T_0`). */
  t0: number;
  /** Epochs in the current restart period (PyTorch's `T_i`). */
  tI: number;
  /** Factor by which the period grows after each restart (PyTorch's `T_mult`). */
  tMult: number;
  /** Minimum learning rate (PyTorch's `eta_min`). */
  etaMin: number;
  /** Epochs since the last restart (PyTorch's `T_cur`). */
  tCur: number;
  /** Creates the scheduler; the arguments are described on the class. */
  constructor(optimizer: Optimizer, options: CosineAnnealingWarmRestartsOptions) {
    const name = "CosineAnnealingWarmRestarts";
    checkOptions(name, options, ["t0", "tMult", "etaMin", "lastEpoch"]);
    super(optimizer, options.lastEpoch);
    need(
      Number.isInteger(options.t0) && options.t0 > 0,
      name,
      `Expected positive integer t0, but got ${options.t0}`,
    );
    const tMult = options.tMult ?? 1;
    need(Number.isInteger(tMult) && tMult >= 1, name, `Expected integer tMult >= 1, but got ${tMult}`);
    this.t0 = options.t0;
    this.tI = options.t0;
    this.tMult = tMult;
    this.etaMin = options.etaMin ?? 0;
    this.tCur = this.lastEpoch;
    this._initialStep();
  }
  /** The learning rate of each parameter group for the current step (PyTorch's `get_lr`). */
  protected override getLr(): number[] {
    return this.baseLrs.map((base) =>
      this.etaMin + ((base - this.etaMin) * (1 + Math.cos((Math.PI * this.tCur) / this.tI))) / 2
    );
  }
  /** @internal PyTorch's `step(epoch)`: the position in its cycle of `epoch`, then its lrs. */
  override _stepTo(epoch: number): void {
    if (epoch >= this.t0) {
      if (this.tMult === 1) this.tCur = epoch % this.t0;
      else {
        const n = Math.floor(Math.log(epoch / this.t0 * (this.tMult - 1) + 1) / Math.log(this.tMult));
        this.tCur = epoch - this.t0 * (this.tMult ** n - 1) / (this.tMult - 1);
        this.tI = this.t0 * this.tMult ** n;
      }
    } else {
      this.tI = this.t0;
      this.tCur = epoch;
    }
    super._stepTo(Math.floor(epoch));
  }
  /** Advances one epoch (restarting the cosine at the end of each cycle). */
  override step(): void {
    if (this.lastEpoch < 0) {
      this.tCur = 0;
    } else {
      this.tCur += 1;
      if (this.tCur >= this.tI) {
        this.tCur -= this.tI;
        this.tI *= this.tMult;
      }
    }
    super.step();
  }
}
