/**
 * `OneCycleLR`: the 1cycle policy (Smith & Topin), as `torch.optim.lr_scheduler.OneCycleLR`. Step
 * it after every batch.
 * @module
 */
import type { Optimizer, ParamGroup } from "./optimizer.ts";
import { LRScheduler, type SchedulerOptions } from "./lr_scheduler_base.ts";
import { checkOptimizer, checkOptions, isPositiveInt, need, perGroup } from "./lr_scheduler_checks.ts";

/** Options of {@link OneCycleLR}. Give `totalSteps`, or `epochs` and `stepsPerEpoch`. */
export interface OneCycleLROptions extends SchedulerOptions {
  /** Peak lr, or one per param group. */
  maxLr: number | number[];
  /** Steps in the cycle. */
  totalSteps?: number;
  /** Epochs, with `stepsPerEpoch`, when `totalSteps` is not given. */
  epochs?: number;
  /** Steps per epoch, with `epochs`. */
  stepsPerEpoch?: number;
  /** Fraction of the cycle spent increasing the lr (default 0.3). */
  pctStart?: number;
  /** `"cos"` (default) or `"linear"` annealing. */
  annealStrategy?: "cos" | "linear";
  /** Cycle momentum (SGD, RMSprop) or beta1 (Adam, AdamW) inversely to the lr (default true). */
  cycleMomentum?: boolean;
  /** Lowest momentum, reached at the peak lr (default 0.85); or one per group. */
  baseMomentum?: number | number[];
  /** Highest momentum, at the start and end (default 0.95); or one per group. */
  maxMomentum?: number | number[];
  /** `initialLr = maxLr / divFactor` (default 25). */
  divFactor?: number;
  /** `minLr = initialLr / finalDivFactor` (default 1e4). */
  finalDivFactor?: number;
  /** Three phases (up, back down to initialLr, then down to minLr) as fastai does (default false). */
  threePhase?: boolean;
}

/** One phase of a one-cycle schedule: group keys to anneal between, until `endStep`. */
interface Phase {
  endStep: number;
  startLr: string;
  endLr: string;
  startMomentum: string;
  endMomentum: string;
}

/** Validates OneCycleLR's options and sets the group keys PyTorch sets before the first step. */
function prepareOneCycle(optimizer: Optimizer, o: OneCycleLROptions): Optimizer {
  const name = "OneCycleLR";
  checkOptions(name, o, [
    "maxLr",
    "totalSteps",
    "epochs",
    "stepsPerEpoch",
    "pctStart",
    "annealStrategy",
    "cycleMomentum",
    "baseMomentum",
    "maxMomentum",
    "divFactor",
    "finalDivFactor",
    "threePhase",
    "lastEpoch",
  ]);
  checkOptimizer(name, optimizer);
  if (o.totalSteps === undefined && (o.epochs === undefined || o.stepsPerEpoch === undefined)) {
    throw new TypeError(`${name}: You must define either totalSteps OR (epochs AND stepsPerEpoch)`);
  }
  if (o.totalSteps !== undefined) {
    need(isPositiveInt(o.totalSteps), name, `Expected positive integer totalSteps, but got ${o.totalSteps}`);
  } else {
    need(isPositiveInt(o.epochs), name, `Expected positive integer epochs, but got ${o.epochs}`);
    need(
      isPositiveInt(o.stepsPerEpoch),
      name,
      `Expected positive integer stepsPerEpoch, but got ${o.stepsPerEpoch}`,
    );
  }
  const pct = o.pctStart ?? 0.3;
  need(
    typeof pct === "number" && pct >= 0 && pct <= 1,
    name,
    `Expected float between 0 and 1 pctStart, but got ${pct}`,
  );
  const anneal = o.annealStrategy ?? "cos";
  need(
    anneal === "cos" || anneal === "linear",
    name,
    `annealStrategy must be one of 'cos' or 'linear', instead got ${anneal}`,
  );
  const divFactor = o.divFactor ?? 25, finalDivFactor = o.finalDivFactor ?? 1e4;
  need(divFactor > 0, name, `divFactor must be positive, got ${divFactor}`);
  need(finalDivFactor > 0, name, `finalDivFactor must be positive, got ${finalDivFactor}`);
  const maxLrs = perGroup(name, "maxLr", optimizer, o.maxLr);
  const cycle = o.cycleMomentum ?? true;
  const useBeta1 = "betas" in optimizer.defaults;
  if (cycle && !("momentum" in optimizer.defaults) && !useBeta1) {
    throw new Error(`${name}: optimizer must support momentum with \`cycleMomentum\` option enabled`);
  }
  const maxMs = perGroup(name, "maxMomentum", optimizer, o.maxMomentum ?? 0.95);
  const baseMs = perGroup(name, "baseMomentum", optimizer, o.baseMomentum ?? 0.85);
  if ((o.lastEpoch ?? -1) === -1) {
    optimizer.paramGroups.forEach((g, i) => {
      g.initialLr = maxLrs[i] / divFactor;
      g.maxLr = maxLrs[i];
      g.minLr = g.initialLr / finalDivFactor;
      if (cycle) {
        if (useBeta1) g.betas = [maxMs[i], ...(g.betas as number[]).slice(1)];
        else g.momentum = maxMs[i];
        g.maxMomentum = maxMs[i];
        g.baseMomentum = baseMs[i];
      }
    });
  }
  return optimizer;
}

/**
 * The 1cycle policy (Smith & Topin): the lr rises from `maxLr / divFactor` to `maxLr` over
 * `pctStart` of the cycle, then anneals to `initialLr / finalDivFactor`; momentum (or Adam's
 * beta1) cycles the other way. Step it after every batch. Sets `initialLr`, `maxLr`, `minLr`,
 * `maxMomentum` and `baseMomentum` on each group, as PyTorch does.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { OneCycleLR, SGD } from "./mod.ts";
 * const opt = new SGD([torch.zeros([1], { requiresGrad: true })], { lr: 0.1, momentum: 0.9 });
 * const sched = new OneCycleLR(opt, { maxLr: 1, totalSteps: 10 });
 * const lrs = [opt.lr];
 * for (let i = 0; i < 9; i++) {
 *   // opt.step() per batch, then:
 *   sched.step();
 *   lrs.push(opt.lr);
 * }
 * assertEquals([lrs[0], Math.max(...lrs), lrs[9]].map((v) => Number(v.toPrecision(1))), [0.04, 1, 0.000004]);
 * ```
 */
export class OneCycleLR extends LRScheduler {
  /** The `totalSteps` setting (PyTorch's `total_steps`). */
  totalSteps: number;
  /** The `annealStrategy` setting (PyTorch's `anneal_strategy`). */
  annealStrategy: "cos" | "linear";
  /** The `cycleMomentum` setting (PyTorch's `cycle_momentum`). */
  cycleMomentum: boolean;
  /** The `useBeta1` setting (PyTorch's `use_beta1`). */
  useBeta1: boolean;
  /** @internal */
  _schedulePhases: Phase[];
  /** Creates the scheduler; the arguments are described on the class. */
  constructor(optimizer: Optimizer, options: OneCycleLROptions) {
    super(prepareOneCycle(optimizer, options), options.lastEpoch);
    const total = options.totalSteps ?? options.epochs! * options.stepsPerEpoch!;
    const pct = options.pctStart ?? 0.3;
    this.totalSteps = total;
    this.annealStrategy = options.annealStrategy ?? "cos";
    this.cycleMomentum = options.cycleMomentum ?? true;
    this.useBeta1 = "betas" in optimizer.defaults;
    this._schedulePhases = options.threePhase
      ? [
        {
          endStep: pct * total - 1,
          startLr: "initialLr",
          endLr: "maxLr",
          startMomentum: "maxMomentum",
          endMomentum: "baseMomentum",
        },
        {
          endStep: 2 * pct * total - 2,
          startLr: "maxLr",
          endLr: "initialLr",
          startMomentum: "baseMomentum",
          endMomentum: "maxMomentum",
        },
        {
          endStep: total - 1,
          startLr: "initialLr",
          endLr: "minLr",
          startMomentum: "maxMomentum",
          endMomentum: "maxMomentum",
        },
      ]
      : [
        {
          endStep: pct * total - 1,
          startLr: "initialLr",
          endLr: "maxLr",
          startMomentum: "maxMomentum",
          endMomentum: "baseMomentum",
        },
        {
          endStep: total - 1,
          startLr: "maxLr",
          endLr: "minLr",
          startMomentum: "baseMomentum",
          endMomentum: "maxMomentum",
        },
      ];
    this._initialStep();
  }

  #anneal(start: number, end: number, pct: number): number {
    if (this.annealStrategy === "linear") return (end - start) * pct + start;
    return end + (start - end) / 2 * (Math.cos(Math.PI * pct) + 1);
  }

  /** The learning rate of each parameter group for the current step (PyTorch's `get_lr`). */
  protected override getLr(): number[] {
    const stepNum = this.lastEpoch;
    if (stepNum > this.totalSteps) {
      throw new RangeError(
        `OneCycleLR: Tried to step ${
          stepNum + 1
        } times. The specified number of total steps is ${this.totalSteps}`,
      );
    }
    const phases = this._schedulePhases;
    return this.optimizer.paramGroups.map((g: ParamGroup) => {
      let start = 0, lr = 0, momentum = 0;
      for (let i = 0; i < phases.length; i++) {
        const ph = phases[i];
        if (stepNum <= ph.endStep || i === phases.length - 1) {
          const pct = (stepNum - start) / (ph.endStep - start);
          lr = this.#anneal(g[ph.startLr] as number, g[ph.endLr] as number, pct);
          if (this.cycleMomentum) {
            momentum = this.#anneal(g[ph.startMomentum] as number, g[ph.endMomentum] as number, pct);
          }
          break;
        }
        start = ph.endStep;
      }
      if (this.cycleMomentum) {
        if (this.useBeta1) g.betas = [momentum, ...(g.betas as number[]).slice(1)];
        else g.momentum = momentum;
      }
      return lr;
    });
  }
}
