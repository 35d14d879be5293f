/**
 * Learning-rate schedulers, as `torch.optim.lr_scheduler`: `StepLR`, `MultiStepLR`,
 * `ExponentialLR`, `CosineAnnealingLR`, `LinearLR`, `OneCycleLR` and `ReduceLROnPlateau` (the
 * factor-based ones are in lr_scheduler_factor.ts, warm restarts in lr_scheduler_restarts.ts). Call
 * `scheduler.step()` after `optimizer.step()`, once per epoch (per batch for `OneCycleLR`).
 * Schedulers use PyTorch's recursive (chainable) formulas, so values match PyTorch's and several
 * schedulers can drive one optimizer.
 * @module
 */
import { Tensor } from "../tensor.ts";
import { Optimizer, type ParamGroup } from "./optimizer.ts";

/** Options every epoch-based scheduler takes. */
export interface SchedulerOptions {
  /**
   * Index of the last epoch, to resume a schedule (default -1: start fresh). Resuming needs
   * `initialLr` in every param group (restore the optimizer's state dict first).
   */
  lastEpoch?: number;
}

/** A scheduler's state: its own fields (never the optimizer). */
export type SchedulerStateDict = Record<string, unknown>;

function copyValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(copyValue);
  if (v !== null && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, copyValue(x)]));
  }
  return v;
}

/** @internal Throws unless `optimizer` is an `Optimizer`. */
export function checkOptimizer(name: string, optimizer: unknown): asserts optimizer is Optimizer {
  if (!(optimizer instanceof Optimizer)) {
    const got = optimizer === null
      ? "null"
      : typeof optimizer === "object"
      ? (optimizer as object).constructor?.name ?? "object"
      : typeof optimizer;
    throw new TypeError(`${name}: ${got} is not an Optimizer`);
  }
}

/** @internal Throws on a non-object or an unknown option (naming the camelCase form of a snake_case one). */
export function checkOptions(name: string, options: unknown, known: readonly string[]): void {
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw new TypeError(
      `${name}: options must be an object, got ${options === null ? "null" : typeof options}`,
    );
  }
  for (const k of Object.keys(options)) {
    if (!known.includes(k)) {
      const camel = k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
      const hint = camel !== k && known.includes(camel) ? ` (options are camelCase: "${camel}")` : "";
      throw new TypeError(`${name}: unknown option "${k}"${hint}; known options: ${known.join(", ")}`);
    }
  }
}

/** @internal Throws `name: message` as a RangeError unless `ok`. */
export function need(ok: boolean, name: string, message: string): void {
  if (!ok) throw new RangeError(`${name}: ${message}`);
}

const isPositiveInt = (v: unknown): boolean => typeof v === "number" && Number.isInteger(v) && v > 0;

/**
 * The base class of epoch-based schedulers. Subclasses set their fields, then call
 * `this._initialStep()` at the end of their constructor, and implement `getLr()` (the lrs for
 * `lastEpoch`, usually from the groups' current lrs).
 *
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { LRScheduler, SGD } from "./mod.ts";
 *
 * // Halves the lr every epoch.
 * class Halving extends LRScheduler {
 *   constructor(opt: SGD) {
 *     super(opt);
 *     this._initialStep();
 *   }
 *   protected override getLr(): number[] {
 *     return this.optimizer.paramGroups.map((g) => (this.lastEpoch === 0 ? g.lr : g.lr / 2));
 *   }
 * }
 * const opt = new SGD([torch.zeros([1], { requiresGrad: true })], { lr: 1 });
 * const sched = new Halving(opt);
 * sched.step();
 * assertEquals(sched.getLastLr(), [0.5]);
 * ```
 */
export abstract class LRScheduler {
  /** The optimizer whose groups' lrs this scheduler sets. */
  readonly optimizer: Optimizer;
  /** Each group's `initialLr`, which closed-form schedules start from. */
  baseLrs: number[];
  /** Epochs (calls of `step()`) so far; 0 right after construction. */
  lastEpoch: number;
  /** @internal Calls of `step()`, including the one made by the constructor. */
  _stepCount = 0;
  /** @internal The lrs set by the last step. */
  _lastLr: number[] = [];

  /** Creates the scheduler; the arguments are described on the class. */
  constructor(optimizer: Optimizer, lastEpoch = -1) {
    const name = new.target.name;
    checkOptimizer(name, optimizer);
    if (!Number.isInteger(lastEpoch) || lastEpoch < -1) {
      throw new RangeError(`${name}: lastEpoch must be an integer >= -1, got ${lastEpoch}`);
    }
    this.optimizer = optimizer;
    if (lastEpoch === -1) {
      for (const g of optimizer.paramGroups) if (g.initialLr === undefined) g.initialLr = g.lr;
    } else {
      optimizer.paramGroups.forEach((g, i) => {
        if (g.initialLr === undefined) {
          throw new Error(
            `${name}: param 'initialLr' is not specified in paramGroups[${i}] when resuming an optimizer ` +
              `(lastEpoch ${lastEpoch})`,
          );
        }
      });
    }
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr as number);
    this.lastEpoch = lastEpoch;
  }

  /** Takes the first step (epoch 0), as PyTorch's constructor does. Call it last in subclass constructors. */
  protected _initialStep(): void {
    this._stepCount = 0;
    this.step();
  }

  /** The lrs for `this.lastEpoch`, one per param group. */
  protected abstract getLr(): number[];

  /** Advances one epoch and sets every group's lr. */
  step(): void {
    const { lastEpoch, _stepCount } = this;
    this._stepCount++;
    this.lastEpoch++;
    let values: number[];
    try {
      values = this.getLr();
    } catch (e) {
      this.lastEpoch = lastEpoch;
      this._stepCount = _stepCount;
      throw e;
    }
    this.optimizer.paramGroups.forEach((g, i) => {
      g.lr = values[i];
    });
    this._lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  /**
   * @internal The lrs at `lastEpoch` from the schedule's closed form (PyTorch's
   * `_get_closed_form_lr`), or null for a schedule defined only step by step.
   */
  _closedFormLr(): number[] | null {
    return null;
  }

  /**
   * @internal PyTorch's deprecated `step(epoch)`: jumps to `epoch` and sets the lrs from the closed
   * form where there is one, else from `getLr()`. `SequentialLR` restarts a scheduler with
   * `_stepTo(0)` at its milestone, as PyTorch does.
   */
  _stepTo(epoch: number): void {
    this._stepCount++;
    this.lastEpoch = epoch;
    const values = this._closedFormLr() ?? this.getLr();
    this.optimizer.paramGroups.forEach((g, i) => {
      g.lr = values[i];
    });
    this._lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** The lrs the last `step()` set, one per param group. */
  getLastLr(): number[] {
    return [...this._lastLr];
  }

  /** The scheduler's state (every field but the optimizer), for checkpoints. */
  stateDict(): SchedulerStateDict {
    const out: SchedulerStateDict = {};
    for (const [k, v] of Object.entries(this)) {
      if (k !== "optimizer" && typeof v !== "function") out[k] = copyValue(v);
    }
    return out;
  }

  /** Restores a state from {@link stateDict} (of the same kind of scheduler). */
  loadStateDict(stateDict: SchedulerStateDict): void {
    const name = `${this.constructor.name}.loadStateDict`;
    if (stateDict === null || typeof stateDict !== "object") {
      throw new TypeError(`${name}: expected an object as returned by stateDict()`);
    }
    for (const k of Object.keys(stateDict)) {
      if (k === "optimizer" || !Object.prototype.hasOwnProperty.call(this, k)) {
        throw new Error(`${name}: unknown key "${k}" (is this the state of a different scheduler?)`);
      }
    }
    for (const [k, v] of Object.entries(stateDict)) (this as Record<string, unknown>)[k] = copyValue(v);
  }
}

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

/** @internal One value per param group: `v` for each, or the array `v` (one per group, checked). */
export function perGroup(name: string, what: string, optimizer: Optimizer, v: number | number[]): number[] {
  if (Array.isArray(v)) {
    if (v.length !== optimizer.paramGroups.length) {
      throw new RangeError(
        `${name}: expected ${optimizer.paramGroups.length} values for ${what}, got ${v.length}`,
      );
    }
    return [...v];
  }
  return optimizer.paramGroups.map(() => v);
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

/** Options of {@link ReduceLROnPlateau}. */
export interface ReduceLROnPlateauOptions {
  /** `"min"` (default): reduce when the metric stops decreasing; `"max"`: when it stops increasing. */
  mode?: "min" | "max";
  /** Factor the lr is multiplied by, < 1 (default 0.1). */
  factor?: number;
  /** Epochs without improvement tolerated before reducing (default 10). */
  patience?: number;
  /** How much better a metric must be to count as an improvement (default 1e-4). */
  threshold?: number;
  /** `"rel"` (default): relative to the best value; `"abs"`: absolute. */
  thresholdMode?: "rel" | "abs";
  /** Epochs to wait after a reduction before counting bad epochs again (default 0). */
  cooldown?: number;
  /** Lower bound on the lr, or one per group (default 0). */
  minLr?: number | number[];
  /** Reductions smaller than this are skipped (default 1e-8). */
  eps?: number;
}

/**
 * Reduces each group's lr by `factor` when a metric has stopped improving for `patience` epochs.
 * `step(metric)` takes the metric (a number or a one-element tensor), e.g. the validation loss.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { ReduceLROnPlateau, SGD } from "./mod.ts";
 * const opt = new SGD([torch.zeros([1], { requiresGrad: true })], { lr: 0.1 });
 * const sched = new ReduceLROnPlateau(opt, { patience: 1, factor: 0.5 });
 * for (const valLoss of [1.0, 0.8, 0.8, 0.8]) sched.step(valLoss);
 * assertEquals(sched.getLastLr(), [0.05]);
 * ```
 */
export class ReduceLROnPlateau {
  /** The optimizer whose groups' lrs this scheduler reduces. */
  readonly optimizer: Optimizer;
  /** The `factor` setting, as given to the constructor. */
  factor: number;
  /** The `minLrs` setting (PyTorch's `min_lrs`). */
  minLrs: number[];
  /** The `patience` setting, as given to the constructor. */
  patience: number;
  /** The `cooldown` setting, as given to the constructor. */
  cooldown: number;
  /** Epochs left before bad epochs count again after a reduction. */
  cooldownCounter = 0;
  /** The `mode` setting, as given to the constructor. */
  mode: "min" | "max";
  /** The `threshold` setting, as given to the constructor. */
  threshold: number;
  /** The `thresholdMode` setting (PyTorch's `threshold_mode`). */
  thresholdMode: "rel" | "abs";
  /** The best metric so far. */
  best: number;
  /** Consecutive epochs without improvement. */
  numBadEpochs = 0;
  /** The worst value of the metric for `mode` (Infinity for `"min"`), PyTorch's `mode_worse`. */
  modeWorse: number;
  /** The `eps` setting, as given to the constructor. */
  eps: number;
  /** Epochs seen so far. */
  lastEpoch = 0;
  /** @internal */
  _lastLr: number[];

  /** Creates the scheduler; the arguments are described on the class. */
  constructor(optimizer: Optimizer, options: ReduceLROnPlateauOptions = {}) {
    const name = "ReduceLROnPlateau";
    checkOptions(name, options, [
      "mode",
      "factor",
      "patience",
      "threshold",
      "thresholdMode",
      "cooldown",
      "minLr",
      "eps",
    ]);
    checkOptimizer(name, optimizer);
    const {
      mode = "min",
      factor = 0.1,
      patience = 10,
      threshold = 1e-4,
      thresholdMode = "rel",
      cooldown = 0,
      minLr = 0,
      eps = 1e-8,
    } = options;
    need(factor < 1, name, `Factor should be < 1.0 (got ${factor})`);
    need(mode === "min" || mode === "max", name, `mode ${mode} is unknown! (use "min" or "max")`);
    need(
      thresholdMode === "rel" || thresholdMode === "abs",
      name,
      `threshold mode ${thresholdMode} is unknown! (use "rel" or "abs")`,
    );
    need(
      Number.isInteger(patience) && patience >= 0,
      name,
      `patience must be an integer >= 0, got ${patience}`,
    );
    need(
      Number.isInteger(cooldown) && cooldown >= 0,
      name,
      `cooldown must be an integer >= 0, got ${cooldown}`,
    );
    this.optimizer = optimizer;
    this.factor = factor;
    this.minLrs = perGroup(name, "minLr", optimizer, minLr);
    this.patience = patience;
    this.cooldown = cooldown;
    this.mode = mode;
    this.threshold = threshold;
    this.thresholdMode = thresholdMode;
    this.modeWorse = mode === "min" ? Infinity : -Infinity;
    this.best = this.modeWorse;
    this.eps = eps;
    this._lastLr = optimizer.paramGroups.map((g) => g.lr);
  }

  /** True while waiting out the cooldown after a reduction. */
  get inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  /** Whether `a` improves on `best` by more than the threshold. */
  isBetter(a: number, best: number): boolean {
    if (this.mode === "min" && this.thresholdMode === "rel") return a < best * (1 - this.threshold);
    if (this.mode === "min") return a < best - this.threshold;
    if (this.thresholdMode === "rel") return a > best * (this.threshold + 1);
    return a > best + this.threshold;
  }

  /** Records one epoch's metric, reducing the lr after `patience` epochs without improvement. */
  step(metric: number | Tensor): void {
    const current = metric instanceof Tensor ? Number(metric.item()) : metric;
    if (typeof current !== "number") {
      throw new TypeError(
        `ReduceLROnPlateau.step: metric must be a number or a one-element Tensor, got ${typeof metric}`,
      );
    }
    this.lastEpoch += 1;
    if (this.isBetter(current, this.best)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.inCooldown) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.patience) {
      this.optimizer.paramGroups.forEach((g, i) => {
        const oldLr = g.lr;
        const newLr = Math.max(oldLr * this.factor, this.minLrs[i]);
        if (oldLr - newLr > this.eps) g.lr = newLr;
      });
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this._lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** The lrs after the last `step()`, one per param group. */
  getLastLr(): number[] {
    return [...this._lastLr];
  }

  /** The scheduler's state (every field but the optimizer). */
  stateDict(): SchedulerStateDict {
    const out: SchedulerStateDict = {};
    for (const [k, v] of Object.entries(this)) if (k !== "optimizer") out[k] = copyValue(v);
    return out;
  }

  /** Restores a state from {@link stateDict}. */
  loadStateDict(stateDict: SchedulerStateDict): void {
    const name = "ReduceLROnPlateau.loadStateDict";
    if (stateDict === null || typeof stateDict !== "object") {
      throw new TypeError(`${name}: expected an object as returned by stateDict()`);
    }
    for (const k of Object.keys(stateDict)) {
      if (k === "optimizer" || !Object.prototype.hasOwnProperty.call(this, k)) {
        throw new Error(`${name}: unknown key "${k}" (is this the state of a different scheduler?)`);
      }
    }
    for (const [k, v] of Object.entries(stateDict)) (this as Record<string, unknown>)[k] = copyValue(v);
    this.modeWorse = this.mode === "min" ? Infinity : -Infinity;
    // JSON turns ±Infinity into null.
    if (this.best === null) this.best = this.modeWorse;
  }
}
