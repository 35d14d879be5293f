/**
 * Schedulers defined by a factor per epoch, as `torch.optim.lr_scheduler`: `LambdaLR` (lr = base
 * lr · f(epoch)), `MultiplicativeLR` (lr ·= f(epoch)), `ConstantLR` (a constant factor for a
 * number of epochs) and `PolynomialLR` (polynomial decay to zero), with PyTorch's chainable
 * formulas.
 * @module
 */
import type { Optimizer } from "./optimizer.ts";
import { LRScheduler, type SchedulerOptions, type SchedulerStateDict } from "./lr_scheduler_base.ts";
import { checkOptions, need } from "./lr_scheduler_checks.ts";

/** A factor for an epoch, one for all groups or one per group. */
export type LrLambda = (epoch: number) => number;

function lambdasFor(name: string, optimizer: Optimizer, lrLambda: LrLambda | LrLambda[]): LrLambda[] {
  const n = optimizer.paramGroups.length;
  const list = Array.isArray(lrLambda) ? lrLambda : new Array(n).fill(lrLambda);
  need(list.length === n, name, `expected ${n} lr_lambdas, but got ${list.length}`);
  need(
    list.every((f) => typeof f === "function"),
    name,
    "lrLambda must be a function or a list of functions",
  );
  return list;
}

/** Options of {@link LambdaLR} and {@link MultiplicativeLR}. */
export interface LambdaLROptions extends SchedulerOptions {
  /** The factor for each epoch: one function, or one per param group. */
  lrLambda: LrLambda | LrLambda[];
}

/**
 * Sets each group's lr to its initial lr times `lrLambda(epoch)`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { LambdaLR, SGD } from "./mod.ts";
 * const opt = new SGD([torch.zeros([1], { requiresGrad: true })], { lr: 0.1 });
 * const warmup = new LambdaLR(opt, { lrLambda: (epoch) => Math.min(1, (epoch + 1) / 4) });
 * assertEquals(opt.lr, 0.025);
 * ```
 */
export class LambdaLR extends LRScheduler {
  /** One factor function per parameter group. */
  readonly lrLambdas: LrLambda[];
  /** Creates the scheduler; the arguments are described on the class. */
  constructor(optimizer: Optimizer, options: LambdaLROptions) {
    checkOptions("LambdaLR", options, ["lrLambda", "lastEpoch"]);
    super(optimizer, options.lastEpoch);
    this.lrLambdas = lambdasFor("LambdaLR", optimizer, options.lrLambda);
    this._initialStep();
  }
  /** The state without the functions (as PyTorch, which saves lambdas only when they are objects). */
  override stateDict(): SchedulerStateDict {
    const { lrLambdas: _, ...rest } = super.stateDict();
    return rest;
  }
  /** The learning rate of each parameter group for the current step (PyTorch's `get_lr`). */
  protected override getLr(): number[] {
    return this.baseLrs.map((base, i) => base * this.lrLambdas[i](this.lastEpoch));
  }
}

/**
 * Multiplies each group's lr by `lrLambda(epoch)` at every epoch after the first.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { MultiplicativeLR, SGD } from "./mod.ts";
 * const opt = new SGD([torch.zeros([1], { requiresGrad: true })], { lr: 0.1 });
 * const sched = new MultiplicativeLR(opt, { lrLambda: () => 0.5 });
 * sched.step();
 * assertEquals(opt.lr, 0.05);
 * ```
 */
export class MultiplicativeLR extends LRScheduler {
  /** One factor function per parameter group. */
  readonly lrLambdas: LrLambda[];
  /** Creates the scheduler; the arguments are described on the class. */
  constructor(optimizer: Optimizer, options: LambdaLROptions) {
    checkOptions("MultiplicativeLR", options, ["lrLambda", "lastEpoch"]);
    super(optimizer, options.lastEpoch);
    this.lrLambdas = lambdasFor("MultiplicativeLR", optimizer, options.lrLambda);
    this._initialStep();
  }
  /** The state without the functions (as PyTorch, which saves lambdas only when they are objects). */
  override stateDict(): SchedulerStateDict {
    const { lrLambdas: _, ...rest } = super.stateDict();
    return rest;
  }
  /** The learning rate of each parameter group for the current step (PyTorch's `get_lr`). */
  protected override getLr(): number[] {
    const groups = this.optimizer.paramGroups;
    if (this.lastEpoch === 0) return groups.map((g) => g.lr);
    return groups.map((g, i) => g.lr * this.lrLambdas[i](this.lastEpoch));
  }
}

/** Options of {@link ConstantLR}. */
export interface ConstantLROptions extends SchedulerOptions {
  /** The factor for the first `totalIters` epochs (default 1/3). */
  factor?: number;
  /** Epochs with the factor (default 5). */
  totalIters?: number;
}

/**
 * Multiplies each group's lr by `factor` until epoch `totalIters`, then restores it.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { ConstantLR, SGD } from "./mod.ts";
 * const opt = new SGD([torch.zeros([1], { requiresGrad: true })], { lr: 0.1 });
 * new ConstantLR(opt, { factor: 0.5, totalIters: 2 });
 * assertEquals(opt.lr, 0.05);
 * ```
 */
export class ConstantLR extends LRScheduler {
  /** The `factor` setting, as given to the constructor. */
  factor: number;
  /** The `totalIters` setting (PyTorch's `total_iters`). */
  totalIters: number;
  /** Creates the scheduler; the arguments are described on the class. */
  constructor(optimizer: Optimizer, options: ConstantLROptions = {}) {
    checkOptions("ConstantLR", options, ["factor", "totalIters", "lastEpoch"]);
    super(optimizer, options.lastEpoch);
    this.factor = options.factor ?? 1 / 3;
    this.totalIters = options.totalIters ?? 5;
    need(
      this.factor >= 0 && this.factor <= 1,
      "ConstantLR",
      "Constant multiplicative factor expected to be between 0 and 1.",
    );
    need(
      Number.isInteger(this.totalIters) && this.totalIters >= 0,
      "ConstantLR",
      "totalIters must be a non-negative integer",
    );
    this._initialStep();
  }
  /**
   * The learning rate of each parameter group at `lastEpoch` in closed form (PyTorch's
   * `_get_closed_form_lr`).
   */
  override _closedFormLr(): number[] {
    const f = this.factor + (this.lastEpoch >= this.totalIters ? 1 - this.factor : 0);
    return this.baseLrs.map((b) => b * f);
  }
  /** The learning rate of each parameter group for the current step (PyTorch's `get_lr`). */
  protected override getLr(): number[] {
    const groups = this.optimizer.paramGroups;
    if (this.lastEpoch === 0) return groups.map((g) => g.lr * this.factor);
    if (this.lastEpoch !== this.totalIters) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * (1 / this.factor));
  }
}

/** Options of {@link PolynomialLR}. */
export interface PolynomialLROptions extends SchedulerOptions {
  /** Epochs to decay over (default 5). */
  totalIters?: number;
  /** The polynomial's power (default 1: linear). */
  power?: number;
}

/**
 * Decays each group's lr as `(1 − epoch / totalIters)^power` of its initial value, reaching 0 at
 * `totalIters`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { PolynomialLR, SGD } from "./mod.ts";
 * const opt = new SGD([torch.zeros([1], { requiresGrad: true })], { lr: 0.1 });
 * const sched = new PolynomialLR(opt, { totalIters: 4 });
 * sched.step();
 * assertEquals(Math.abs(opt.lr - 0.075) < 1e-12, true);
 * ```
 */
export class PolynomialLR extends LRScheduler {
  /** The `totalIters` setting (PyTorch's `total_iters`). */
  totalIters: number;
  /** The `power` setting, as given to the constructor. */
  power: number;
  /** Creates the scheduler; the arguments are described on the class. */
  constructor(optimizer: Optimizer, options: PolynomialLROptions = {}) {
    checkOptions("PolynomialLR", options, ["totalIters", "power", "lastEpoch"]);
    super(optimizer, options.lastEpoch);
    this.totalIters = options.totalIters ?? 5;
    this.power = options.power ?? 1;
    need(
      Number.isInteger(this.totalIters) && this.totalIters > 0,
      "PolynomialLR",
      "totalIters must be a positive integer",
    );
    this._initialStep();
  }
  /**
   * The learning rate of each parameter group at `lastEpoch` in closed form (PyTorch's
   * `_get_closed_form_lr`).
   */
  override _closedFormLr(): number[] {
    const f = (1 - Math.min(this.totalIters, this.lastEpoch) / this.totalIters) ** this.power;
    return this.baseLrs.map((b) => b * f);
  }
  /** The learning rate of each parameter group for the current step (PyTorch's `get_lr`). */
  protected override getLr(): number[] {
    const groups = this.optimizer.paramGroups;
    if (this.lastEpoch === 0 || this.lastEpoch > this.totalIters) return groups.map((g) => g.lr);
    const factor = ((1 - this.lastEpoch / this.totalIters) / (1 - (this.lastEpoch - 1) / this.totalIters)) **
      this.power;
    return groups.map((g) => g.lr * factor);
  }
}
