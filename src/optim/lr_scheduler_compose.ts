/**
 * Schedulers made of schedulers, as `torch.optim.lr_scheduler`: `SequentialLR` (one after another,
 * switching at milestones) and `ChainedScheduler` (all of them every step).
 * @module
 */
import type { Optimizer } from "./optimizer.ts";
import { LRScheduler, type SchedulerStateDict } from "./lr_scheduler_base.ts";
import { checkOptimizer, checkOptions, need } from "./lr_scheduler_checks.ts";

function checkSchedulers(name: string, schedulers: unknown): LRScheduler[] {
  need(
    Array.isArray(schedulers) && schedulers.length > 0,
    name,
    "expected a non-empty array of schedulers",
  );
  (schedulers as unknown[]).forEach((s, i) => {
    if (!(s instanceof LRScheduler)) {
      throw new TypeError(
        `${name}: schedulers[${i}] is not an epoch-based LR scheduler (ReduceLROnPlateau and other objects cannot be combined)`,
      );
    }
  });
  return [...schedulers as LRScheduler[]];
}

/** Options of {@link SequentialLR}. */
export interface SequentialLROptions {
  /** The schedulers, in order; each runs until the next milestone. */
  schedulers: LRScheduler[];
  /** The epochs at which the next scheduler takes over (one fewer than the schedulers). */
  milestones: number[];
  /** Index of the last epoch, to resume (default -1). */
  lastEpoch?: number;
}

/**
 * Runs `schedulers` one after another: the first until `milestones[0]`, the next from there
 * (restarted at its epoch 0, as PyTorch's `step(0)`), and so on. A warm-up then a decay:
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { ExponentialLR, LinearLR, SequentialLR, SGD } from "./mod.ts";
 * const opt = new SGD([torch.zeros([1], { requiresGrad: true })], { lr: 1 });
 * const warmup = new LinearLR(opt, { startFactor: 0.5, totalIters: 2 });
 * const decay = new ExponentialLR(opt, { gamma: 0.5 });
 * const sched = new SequentialLR(opt, { schedulers: [warmup, decay], milestones: [2] });
 * const lrs = [];
 * for (let epoch = 0; epoch < 5; epoch++) {
 *   lrs.push(opt.lr);
 *   sched.step();
 * }
 * assertEquals(lrs, [0.5, 0.75, 1, 0.5, 0.25]);
 * ```
 */
export class SequentialLR extends LRScheduler {
  /** The schedulers, in order. */
  readonly schedulers: LRScheduler[];
  /** The epochs at which the next scheduler takes over. */
  readonly milestones: number[];

  /** Creates the scheduler; the arguments are described on the class. */
  constructor(optimizer: Optimizer, options: SequentialLROptions) {
    const name = "SequentialLR";
    checkOptions(name, options, ["schedulers", "milestones", "lastEpoch"]);
    checkOptimizer(name, optimizer);
    const schedulers = checkSchedulers(name, options.schedulers);
    schedulers.forEach((s, i) => {
      if (s.optimizer !== optimizer) {
        throw new Error(
          `${name}: Sequential Schedulers expects all schedulers to belong to the same optimizer, but got ` +
            `schedulers at index ${i} to be different than the optimizer passed in.`,
        );
      }
    });
    const { milestones } = options;
    need(
      Array.isArray(milestones) && milestones.every((m) => Number.isInteger(m)),
      name,
      `milestones must be an array of integers, got ${JSON.stringify(milestones)}`,
    );
    need(
      milestones.length === schedulers.length - 1,
      name,
      `Sequential Schedulers expects number of schedulers provided to be one more than the number of ` +
        `milestone points, but got number of schedulers ${schedulers.length} and the number of milestones ` +
        `to be equal to ${milestones.length}`,
    );
    const lastEpoch = options.lastEpoch ?? -1;
    super(optimizer, lastEpoch);
    this.schedulers = schedulers;
    this.milestones = [...milestones];
    this.lastEpoch = lastEpoch + 1;
    // Back to the initial lrs, the others' construction steps undone, then the first one's step again.
    for (const g of optimizer.paramGroups) g.lr = g.initialLr as number;
    for (const s of schedulers) s.lastEpoch -= 1;
    schedulers[0]._stepCount = 0;
    schedulers[0].step();
    this._lastLr = schedulers[0].getLastLr();
  }

  /** The learning rate of each parameter group for the current step (PyTorch's `get_lr`). */
  protected override getLr(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** Advances one epoch with the scheduler whose turn it is (restarting it at its milestone). */
  override step(): void {
    this.lastEpoch++;
    let idx = 0;
    while (idx < this.milestones.length && this.milestones[idx] <= this.lastEpoch) idx++;
    const scheduler = this.schedulers[idx];
    if (idx > 0 && this.milestones[idx - 1] === this.lastEpoch) scheduler._stepTo(0);
    else scheduler.step();
    this._lastLr = scheduler.getLastLr();
  }

  /** This scheduler's state, with each inner scheduler's state under `_schedulers`. */
  override stateDict(): SchedulerStateDict {
    return composedStateDict(this, super.stateDict());
  }

  /** Restores a state from {@link stateDict}. */
  override loadStateDict(stateDict: SchedulerStateDict): void {
    super.loadStateDict(loadInner(this, stateDict));
  }
}

/**
 * Steps every scheduler in `schedulers` (all of one optimizer) on each `step()`, so their factors
 * multiply (PyTorch's `ChainedScheduler`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { ChainedScheduler, ConstantLR, ExponentialLR, SGD } from "./mod.ts";
 * const opt = new SGD([torch.zeros([1], { requiresGrad: true })], { lr: 1 });
 * const sched = new ChainedScheduler([
 *   new ConstantLR(opt, { factor: 0.5, totalIters: 2 }),
 *   new ExponentialLR(opt, { gamma: 0.9 }),
 * ]);
 * const lrs = [];
 * for (let epoch = 0; epoch < 4; epoch++) {
 *   lrs.push(opt.lr);
 *   sched.step();
 * }
 * assertEquals(lrs.map((v) => Number(v.toFixed(10))), [0.5, 0.45, 0.81, 0.729]);
 * ```
 */
export class ChainedScheduler extends LRScheduler {
  /** The schedulers, stepped in order. */
  readonly schedulers: LRScheduler[];

  /** Creates the scheduler; the arguments are described on the class. */
  constructor(schedulers: LRScheduler[]) {
    const name = "ChainedScheduler";
    const list = checkSchedulers(name, schedulers);
    list.forEach((s, i) => {
      if (s.optimizer !== list[0].optimizer) {
        throw new Error(
          `${name}: ChainedScheduler expects all schedulers to belong to the same optimizer, but got ` +
            `schedulers at index 0 and ${i} to be different`,
        );
      }
    });
    super(list[0].optimizer);
    this.schedulers = list;
    this._lastLr = list[0].optimizer.paramGroups.map((g) => g.lr);
  }

  /** The learning rate of each parameter group for the current step (PyTorch's `get_lr`). */
  protected override getLr(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** Steps every scheduler. */
  override step(): void {
    for (const s of this.schedulers) s.step();
    this._lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** This scheduler's state, with each inner scheduler's state under `_schedulers`. */
  override stateDict(): SchedulerStateDict {
    return composedStateDict(this, super.stateDict());
  }

  /** Restores a state from {@link stateDict}. */
  override loadStateDict(stateDict: SchedulerStateDict): void {
    super.loadStateDict(loadInner(this, stateDict));
  }
}

function composedStateDict(self: { schedulers: LRScheduler[] }, own: SchedulerStateDict): SchedulerStateDict {
  const { schedulers: _, ...rest } = own;
  return { ...rest, _schedulers: self.schedulers.map((s) => s.stateDict()) };
}

/** Loads the inner schedulers' states; returns the rest for the outer one. */
function loadInner(self: { schedulers: LRScheduler[] }, stateDict: SchedulerStateDict): SchedulerStateDict {
  const { _schedulers: inner, ...rest } = stateDict ?? {};
  if (!Array.isArray(inner) || inner.length !== self.schedulers.length) {
    throw new Error(
      `loadStateDict: expected _schedulers with ${self.schedulers.length} states (one per scheduler)`,
    );
  }
  inner.forEach((s, i) => self.schedulers[i].loadStateDict(s as SchedulerStateDict));
  return rest;
}
