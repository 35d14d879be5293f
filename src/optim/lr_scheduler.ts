/**
 * Learning-rate schedulers, as `torch.optim.lr_scheduler`. This module holds the closed-form epoch
 * schedules (`StepLR`, `MultiStepLR`, `ExponentialLR`, `CosineAnnealingLR`, `LinearLR`) and
 * re-exports the base class (lr_scheduler_base.ts), `OneCycleLR` (lr_scheduler_one_cycle.ts) and
 * `ReduceLROnPlateau` (lr_scheduler_plateau.ts); the factor-based ones are in
 * lr_scheduler_factor.ts, warm restarts in lr_scheduler_restarts.ts, `CyclicLR` in
 * lr_scheduler_cyclic.ts and the combinations in lr_scheduler_compose.ts. Call `scheduler.step()`
 * after `optimizer.step()`, once per epoch (per batch for `OneCycleLR` and `CyclicLR`).
 * Schedulers use PyTorch's recursive (chainable) formulas, so values match PyTorch's and several
 * schedulers can drive one optimizer.
 * @module
 */
import type { Optimizer } from "./optimizer.ts";
import { LRScheduler, type SchedulerOptions } from "./lr_scheduler_base.ts";
import { checkOptions, isPositiveInt, need } from "./lr_scheduler_checks.ts";

export { LRScheduler, type SchedulerOptions, type SchedulerStateDict } from "./lr_scheduler_base.ts";
export { OneCycleLR, type OneCycleLROptions } from "./lr_scheduler_one_cycle.ts";
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions } from "./lr_scheduler_plateau.ts";

/** Options of {@link StepLR}. */
export interface StepLROptions extends SchedulerOptions {
  /** Period of decay, in epochs. */
  stepSize: number;
  /** Multiplicative factor of decay (default 0.1). */
  gamma?: number;
}

/**
 * Multiplies each group's lr by `gamma` every `stepSize` epochs.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { SGD, StepLR } from "./mod.ts";
 * const opt = new SGD([torch.zeros([1], { requiresGrad: true })], { lr: 0.1 });
 * const sched = new StepLR(opt, { stepSize: 2, gamma: 0.5 });
 * const lrs = [];
 * for (let epoch = 0; epoch < 5; epoch++) {
 *   lrs.push(opt.lr); // ... train one epoch: opt.step() per batch ...
 *   sched.step();
 * }
 * assertEquals(lrs, [0.1, 0.1, 0.05, 0.05, 0.025]);
 * ```
 */
export class StepLR extends LRScheduler {
  /** The `stepSize` setting (PyTorch's `step_size`). */
  stepSize: number;
  /** The `gamma` setting, as given to the constructor. */
  gamma: number;
  /** Creates the scheduler; the arguments are described on the class. */
  constructor(optimizer: Optimizer, options: StepLROptions) {
    checkOptions("StepLR", options, ["stepSize", "gamma", "lastEpoch"]);
    super(optimizer, options.lastEpoch);
    need(
      isPositiveInt(options.stepSize),
      "StepLR",
      `stepSize must be a positive integer, got ${options.stepSize}`,
    );
    this.stepSize = options.stepSize;
    this.gamma = options.gamma ?? 0.1;
    this._initialStep();
  }
  /**
   * The learning rate of each parameter group at `lastEpoch` in closed form (PyTorch's
   * `_get_closed_form_lr`).
   */
  override _closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * this.gamma ** Math.floor(this.lastEpoch / this.stepSize));
  }
  /** The learning rate of each parameter group for the current step (PyTorch's `get_lr`). */
  protected override getLr(): number[] {
    const groups = this.optimizer.paramGroups;
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * this.gamma);
  }
}

/** Options of {@link MultiStepLR}. */
export interface MultiStepLROptions extends SchedulerOptions {
  /** Epochs at which the lr is multiplied by gamma (a repeated epoch multiplies more than once). */
  milestones: number[];
  /** Multiplicative factor of decay (default 0.1). */
  gamma?: number;
}

/**
 * Multiplies each group's lr by `gamma` at each milestone epoch.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { MultiStepLR, SGD } from "./mod.ts";
 * const opt = new SGD([torch.zeros([1], { requiresGrad: true })], { lr: 1 });
 * const sched = new MultiStepLR(opt, { milestones: [1, 3], gamma: 0.1 });
 * const lrs = [];
 * for (let epoch = 0; epoch < 4; epoch++) {
 *   lrs.push(opt.lr);
 *   sched.step();
 * }
 * assertEquals(lrs, [1, 0.1, 0.1, 0.010000000000000002]);
 * ```
 */
export class MultiStepLR extends LRScheduler {
  /** Sorted milestones (repeats kept). */
  milestones: number[];
  /** The `gamma` setting, as given to the constructor. */
  gamma: number;
  /** Creates the scheduler; the arguments are described on the class. */
  constructor(optimizer: Optimizer, options: MultiStepLROptions) {
    checkOptions("MultiStepLR", options, ["milestones", "gamma", "lastEpoch"]);
    super(optimizer, options.lastEpoch);
    need(
      Array.isArray(options.milestones) && options.milestones.every((m) => Number.isInteger(m)),
      "MultiStepLR",
      `milestones must be an array of integers, got ${JSON.stringify(options.milestones)}`,
    );
    this.milestones = [...options.milestones].sort((a, b) => a - b);
    this.gamma = options.gamma ?? 0.1;
    this._initialStep();
  }
  /**
   * The learning rate of each parameter group at `lastEpoch` in closed form (PyTorch's
   * `_get_closed_form_lr`).
   */
  override _closedFormLr(): number[] {
    const passed = this.milestones.filter((m) => m <= this.lastEpoch).length;
    return this.baseLrs.map((b) => b * this.gamma ** passed);
  }
  /** The learning rate of each parameter group for the current step (PyTorch's `get_lr`). */
  protected override getLr(): number[] {
    const count = this.milestones.filter((m) => m === this.lastEpoch).length;
    const groups = this.optimizer.paramGroups;
    if (count === 0) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * this.gamma ** count);
  }
}

/** Options of {@link ExponentialLR}. */
export interface ExponentialLROptions extends SchedulerOptions {
  /** Multiplicative factor of decay per epoch. */
  gamma: number;
}

/**
 * Multiplies each group's lr by `gamma` every epoch.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { ExponentialLR, SGD } from "./mod.ts";
 * const opt = new SGD([torch.zeros([1], { requiresGrad: true })], { lr: 1 });
 * const sched = new ExponentialLR(opt, { gamma: 0.5 });
 * sched.step();
 * sched.step();
 * assertEquals(sched.getLastLr(), [0.25]);
 * ```
 */
export class ExponentialLR extends LRScheduler {
  /** The `gamma` setting, as given to the constructor. */
  gamma: number;
  /** Creates the scheduler; the arguments are described on the class. */
  constructor(optimizer: Optimizer, options: ExponentialLROptions) {
    checkOptions("ExponentialLR", options, ["gamma", "lastEpoch"]);
    super(optimizer, options.lastEpoch);
    need(typeof options.gamma === "number", "ExponentialLR", `gamma must be a number, got ${options.gamma}`);
    this.gamma = options.gamma;
    this._initialStep();
  }
  /**
   * The learning rate of each parameter group at `lastEpoch` in closed form (PyTorch's
   * `_get_closed_form_lr`).
   */
  override _closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * this.gamma ** this.lastEpoch);
  }
  /** The learning rate of each parameter group for the current step (PyTorch's `get_lr`). */
  protected override getLr(): number[] {
    const groups = this.optimizer.paramGroups;
    if (this.lastEpoch === 0) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * this.gamma);
  }
}

/** Options of {@link CosineAnnealingLR}. */
export interface CosineAnnealingLROptions extends SchedulerOptions {
  /** Epochs of half a cosine period (PyTorch's `T_max`). */
  tMax: number;
  /** Minimum lr (PyTorch's `eta_min`, default 0). */
  etaMin?: number;
}

/**
 * Anneals each group's lr from its initial value to `etaMin` along half a cosine over `tMax`
 * epochs (and back up after, as PyTorch's recursive formula does).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { CosineAnnealingLR, SGD } from "./mod.ts";
 * const opt = new SGD([torch.zeros([1], { requiresGrad: true })], { lr: 1 });
 * const sched = new CosineAnnealingLR(opt, { tMax: 4 });
 * for (let i = 0; i < 2; i++) sched.step();
 * assertEquals(sched.getLastLr(), [0.5]); // halfway down the cosine
 * ```
 */
export class CosineAnnealingLR extends LRScheduler {
  /** Epochs of the half cosine period (PyTorch's `T_max`). */
  tMax: number;
  /** Minimum learning rate (PyTorch's `eta_min`). */
  etaMin: number;
  /** Creates the scheduler; the arguments are described on the class. */
  constructor(optimizer: Optimizer, options: CosineAnnealingLROptions) {
    checkOptions("CosineAnnealingLR", options, ["tMax", "etaMin", "lastEpoch"]);
    super(optimizer, options.lastEpoch);
    need(
      typeof options.tMax === "number" && options.tMax > 0,
      "CosineAnnealingLR",
      `tMax must be a positive number, got ${options.tMax}`,
    );
    this.tMax = options.tMax;
    this.etaMin = options.etaMin ?? 0;
    this._initialStep();
  }
  /**
   * The learning rate of each parameter group at `lastEpoch` in closed form (PyTorch's
   * `_get_closed_form_lr`).
   */
  override _closedFormLr(): number[] {
    const { lastEpoch: e, tMax, etaMin } = this;
    return this.baseLrs.map((b) => etaMin + (b - etaMin) * (1 + Math.cos(Math.PI * e / tMax)) / 2);
  }
  /** The learning rate of each parameter group for the current step (PyTorch's `get_lr`). */
  protected override getLr(): number[] {
    const { lastEpoch: e, tMax, etaMin } = this;
    const groups = this.optimizer.paramGroups;
    if (e === 0) return groups.map((g) => g.lr);
    if (this._stepCount === 1 && e > 0) {
      return this.baseLrs.map((base) => etaMin + (base - etaMin) * (1 + Math.cos(e * Math.PI / tMax)) / 2);
    }
    if ((e - 1 - tMax) % (2 * tMax) === 0) {
      return groups.map((g, i) => g.lr + (this.baseLrs[i] - etaMin) * (1 - Math.cos(Math.PI / tMax)) / 2);
    }
    return groups.map((g) =>
      (1 + Math.cos(Math.PI * e / tMax)) / (1 + Math.cos(Math.PI * (e - 1) / tMax)) * (g.lr - etaMin) + etaMin
    );
  }
}

/** Options of {@link LinearLR}. */
export interface LinearLROptions extends SchedulerOptions {
  /** Factor of the initial lr at epoch 0, in (0, 1] (default 1/3). */
  startFactor?: number;
  /** Factor of the initial lr from `totalIters` on, in [0, 1] (default 1). */
  endFactor?: number;
  /** Epochs over which the factor changes linearly (default 5). */
  totalIters?: number;
}

/**
 * Scales each group's lr by a factor going linearly from `startFactor` to `endFactor` over
 * `totalIters` epochs (a warm-up with the defaults).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { LinearLR, SGD } from "./mod.ts";
 * const opt = new SGD([torch.zeros([1], { requiresGrad: true })], { lr: 0.1 });
 * const sched = new LinearLR(opt, { startFactor: 0.5, totalIters: 2 });
 * const lrs = [opt.lr];
 * sched.step();
 * lrs.push(opt.lr);
 * sched.step();
 * lrs.push(opt.lr);
 * assertEquals(lrs, [0.05, 0.07500000000000001, 0.1]);
 * ```
 */
export class LinearLR extends LRScheduler {
  /** The `startFactor` setting (PyTorch's `start_factor`). */
  startFactor: number;
  /** The `endFactor` setting (PyTorch's `end_factor`). */
  endFactor: number;
  /** The `totalIters` setting (PyTorch's `total_iters`). */
  totalIters: number;
  /** Creates the scheduler; the arguments are described on the class. */
  constructor(optimizer: Optimizer, options: LinearLROptions = {}) {
    checkOptions("LinearLR", options, ["startFactor", "endFactor", "totalIters", "lastEpoch"]);
    super(optimizer, options.lastEpoch);
    const { startFactor = 1 / 3, endFactor = 1, totalIters = 5 } = options;
    need(
      startFactor > 0 && startFactor <= 1,
      "LinearLR",
      `Starting multiplicative factor expected to be greater than 0 and less or equal to 1 (got ${startFactor})`,
    );
    need(
      endFactor >= 0 && endFactor <= 1,
      "LinearLR",
      `Ending multiplicative factor expected to be between 0 and 1 (got ${endFactor})`,
    );
    need(isPositiveInt(totalIters), "LinearLR", `totalIters must be a positive integer, got ${totalIters}`);
    this.startFactor = startFactor;
    this.endFactor = endFactor;
    this.totalIters = totalIters;
    this._initialStep();
  }
  /**
   * The learning rate of each parameter group at `lastEpoch` in closed form (PyTorch's
   * `_get_closed_form_lr`).
   */
  override _closedFormLr(): number[] {
    const { lastEpoch: e, startFactor: s, endFactor: f, totalIters: n } = this;
    return this.baseLrs.map((b) => b * (s + (f - s) * Math.min(n, e) / n));
  }
  /** The learning rate of each parameter group for the current step (PyTorch's `get_lr`). */
  protected override getLr(): number[] {
    const { lastEpoch: e, startFactor: s, endFactor: f, totalIters: n } = this;
    const groups = this.optimizer.paramGroups;
    if (e === 0) return groups.map((g) => g.lr * s);
    if (e > n) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * (1 + (f - s) / (n * s + (e - 1) * (f - s))));
  }
}
