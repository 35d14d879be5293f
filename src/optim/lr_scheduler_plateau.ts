/**
 * `ReduceLROnPlateau`: reduces the lr when a metric stops improving, as
 * `torch.optim.lr_scheduler.ReduceLROnPlateau`. Not an `LRScheduler`: `step(metric)` takes the
 * epoch's metric.
 * @module
 */
import { Tensor } from "../tensor.ts";
import type { Optimizer } from "./optimizer.ts";
import type { SchedulerStateDict } from "./lr_scheduler_base.ts";
import { checkOptimizer, checkOptions, copyValue, need, perGroup } from "./lr_scheduler_checks.ts";

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
