/**
 * `CyclicLR`: the lr cycles between a base and a maximum (and the momentum the opposite way), as
 * `torch.optim.lr_scheduler.CyclicLR` (Smith, "Cyclical Learning Rates for Training Neural
 * Networks"). Step it after every batch.
 * @module
 */
import type { Optimizer } from "./optimizer.ts";
import { LRScheduler, type SchedulerOptions } from "./lr_scheduler_base.ts";
import { checkOptimizer, checkOptions, need, perGroup } from "./lr_scheduler_checks.ts";

/** Options of {@link CyclicLR} (PyTorch's keyword arguments, camelCase). */
export interface CyclicLROptions extends SchedulerOptions {
  /** The lower bound of the cycle, for all groups or one per group (it sets each group's lr). */
  baseLr: number | number[];
  /** The upper bound of the cycle (the amplitude is `maxLr - baseLr`), for all groups or per group. */
  maxLr: number | number[];
  /** Steps of the rising half of a cycle (default 2000). */
  stepSizeUp?: number;
  /** Steps of the falling half (default `stepSizeUp`). */
  stepSizeDown?: number;
  /** `"triangular"` (default), `"triangular2"` (the amplitude halves every cycle) or `"exp_range"` (scaled by `gamma ** step`). */
  mode?: "triangular" | "triangular2" | "exp_range";
  /** `exp_range`'s decay per step (default 1). */
  gamma?: number;
  /** A custom amplitude scale of the cycle number or the step (overrides `mode`). */
  scaleFn?: (x: number) => number;
  /** What `scaleFn` takes: `"cycle"` (default) or `"iterations"`. */
  scaleMode?: "cycle" | "iterations";
  /** Cycle the momentum inversely to the lr, between `baseMomentum` and `maxMomentum` (default true; needs an optimizer with `momentum`). */
  cycleMomentum?: boolean;
  /** Momentum at the lr's peak (default 0.8). */
  baseMomentum?: number | number[];
  /** Momentum at the lr's base (default 0.9). */
  maxMomentum?: number | number[];
}

const NAME = "CyclicLR";

/** Checks the options and sets what PyTorch sets on the groups before the first step. */
function prepare(optimizer: Optimizer, o: CyclicLROptions): Optimizer {
  checkOptions(NAME, o, [
    "baseLr",
    "maxLr",
    "stepSizeUp",
    "stepSizeDown",
    "mode",
    "gamma",
    "scaleFn",
    "scaleMode",
    "cycleMomentum",
    "baseMomentum",
    "maxMomentum",
    "lastEpoch",
  ]);
  checkOptimizer(NAME, optimizer);
  const resuming = (o.lastEpoch ?? -1) !== -1;
  const baseLrs = perGroup(NAME, "baseLr", optimizer, o.baseLr);
  perGroup(NAME, "maxLr", optimizer, o.maxLr);
  if (!resuming) optimizer.paramGroups.forEach((g, i) => (g.lr = baseLrs[i]));
  if (o.cycleMomentum ?? true) {
    if (!("momentum" in optimizer.defaults)) {
      throw new Error(`${NAME}: optimizer must support momentum with \`cycleMomentum\` option enabled`);
    }
    const base = perGroup(NAME, "baseMomentum", optimizer, o.baseMomentum ?? 0.8);
    if (!resuming) optimizer.paramGroups.forEach((g, i) => (g.momentum = base[i]));
  }
  return optimizer;
}

/**
 * Cycles each group's lr between `baseLr` and `maxLr` (up over `stepSizeUp` steps, down over
 * `stepSizeDown`), with PyTorch's `triangular`, `triangular2` and `exp_range` policies or a custom
 * `scaleFn`; with `cycleMomentum` (default) the momentum goes from `maxMomentum` down to
 * `baseMomentum` as the lr rises, and back. Call `step()` after every batch.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { CyclicLR, SGD } from "./mod.ts";
 * const opt = new SGD([torch.zeros([1], { requiresGrad: true })], { lr: 0.1, momentum: 0.9 });
 * const sched = new CyclicLR(opt, { baseLr: 0.01, maxLr: 0.1, stepSizeUp: 2 });
 * const lrs = [];
 * for (let i = 0; i < 5; i++) {
 *   lrs.push(opt.lr);
 *   sched.step();
 * }
 * assertEquals(lrs.map((v) => Number(v.toFixed(10))), [0.01, 0.055, 0.1, 0.055, 0.01]);
 * ```
 */
export class CyclicLR extends LRScheduler {
  /** The `maxLrs` setting (PyTorch's `max_lrs`). */
  maxLrs: number[];
  /** Steps in one cycle (`stepSizeUp + stepSizeDown`). */
  totalSize: number;
  /** Fraction of the cycle spent increasing the learning rate. */
  stepRatio: number;
  /** The `mode` setting, as given to the constructor. */
  mode: "triangular" | "triangular2" | "exp_range";
  /** The `gamma` setting, as given to the constructor. */
  gamma: number;
  /** The `scaleMode` setting (PyTorch's `scale_mode`). */
  scaleMode: "cycle" | "iterations";
  /** The `cycleMomentum` setting (PyTorch's `cycle_momentum`). */
  cycleMomentum: boolean;
  /** Per group, the momentum at the learning rate's peak. */
  baseMomentums: number[];
  /** Per group, the momentum at the learning rate's base. */
  maxMomentums: number[];
  readonly #scaleFn: ((x: number) => number) | null;

  /** Creates the scheduler; the arguments are described on the class. */
  constructor(optimizer: Optimizer, options: CyclicLROptions) {
    super(prepare(optimizer, options), options.lastEpoch);
    const baseLrs = perGroup(NAME, "baseLr", optimizer, options.baseLr);
    this.maxLrs = perGroup(NAME, "maxLr", optimizer, options.maxLr);
    const up = options.stepSizeUp ?? 2000;
    const down = options.stepSizeDown ?? up;
    need(typeof up === "number" && up > 0, NAME, `stepSizeUp must be a positive number, got ${up}`);
    need(
      typeof down === "number" && down >= 0,
      NAME,
      `stepSizeDown must be a non-negative number, got ${down}`,
    );
    this.totalSize = up + down;
    this.stepRatio = up / this.totalSize;
    const mode = options.mode ?? "triangular";
    const scaleFn = options.scaleFn ?? null;
    need(
      scaleFn !== null || mode === "triangular" || mode === "triangular2" || mode === "exp_range",
      NAME,
      `mode must be "triangular", "triangular2" or "exp_range" (or give a scaleFn), got ${
        JSON.stringify(mode)
      }`,
    );
    need(scaleFn === null || typeof scaleFn === "function", NAME, "scaleFn must be a function");
    this.mode = mode;
    this.gamma = options.gamma ?? 1;
    this.#scaleFn = scaleFn;
    this.scaleMode = scaleFn ? options.scaleMode ?? "cycle" : mode === "exp_range" ? "iterations" : "cycle";
    need(
      this.scaleMode === "cycle" || this.scaleMode === "iterations",
      NAME,
      `scaleMode must be "cycle" or "iterations", got ${JSON.stringify(this.scaleMode)}`,
    );
    this.cycleMomentum = options.cycleMomentum ?? true;
    this.baseMomentums = this.cycleMomentum ? optimizer.paramGroups.map((g) => g.momentum as number) : [];
    this.maxMomentums = this.cycleMomentum
      ? perGroup(NAME, "maxMomentum", optimizer, options.maxMomentum ?? 0.9)
      : [];
    this._initialStep();
    this.baseLrs = baseLrs;
  }

  /** The amplitude's scale at cycle (or step) `x`. */
  scaleFn(x: number): number {
    if (this.#scaleFn) return this.#scaleFn(x);
    if (this.mode === "triangular2") return 1 / 2 ** (x - 1);
    if (this.mode === "exp_range") return this.gamma ** x;
    return 1;
  }

  /** The learning rate of each parameter group for the current step (PyTorch's `get_lr`). */
  protected override getLr(): number[] {
    const cycle = Math.floor(1 + this.lastEpoch / this.totalSize);
    const x = 1 + this.lastEpoch / this.totalSize - cycle;
    const scaleFactor = x <= this.stepRatio ? x / this.stepRatio : (x - 1) / (this.stepRatio - 1);
    const scale = this.scaleFn(this.scaleMode === "cycle" ? cycle : this.lastEpoch);
    const lrs = this.baseLrs.map((base, i) => base + (this.maxLrs[i] - base) * scaleFactor * scale);
    if (this.cycleMomentum) {
      this.optimizer.paramGroups.forEach((g, i) => {
        const max = this.maxMomentums[i];
        g.momentum = max - (max - this.baseMomentums[i]) * scaleFactor * scale;
      });
    }
    return lrs;
  }
}
