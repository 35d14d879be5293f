/**
 * The base of the epoch-based learning-rate schedulers (`LRScheduler`: PyTorch's chainable step,
 * the closed forms of `step(epoch)`, state dicts) and the options every one takes; the argument
 * checks the scheduler files share are in lr_scheduler_checks.ts.
 * @module
 */
import type { Optimizer } from "./optimizer.ts";
import { checkOptimizer, copyValue } from "./lr_scheduler_checks.ts";

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
