/**
 * `optim.lrScheduler`: the learning-rate schedulers under the path PyTorch code reads them from
 * (`torch.optim.lr_scheduler.StepLR` is `optim.lrScheduler.StepLR`). The same classes as
 * `optim.StepLR`, ...
 *
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { lrScheduler, SGD, StepLR } from "./mod.ts";
 * const opt = new SGD([torch.zeros([1], { requiresGrad: true })], { lr: 0.1 });
 * const sched = new lrScheduler.StepLR(opt, { stepSize: 1, gamma: 0.5 });
 * sched.step();
 * assertEquals([opt.lr, lrScheduler.StepLR === StepLR], [0.05, true]);
 * ```
 * @module
 */
// Only `export *` of files that declare nothing but public scheduler API: `deno doc` lists a
// namespace's members only when they are reached that way (the shared argument checks live in
// lr_scheduler_checks.ts, outside). lr_scheduler.ts re-exports the base, OneCycleLR and
// ReduceLROnPlateau: their own files come first, or `deno doc` drops them as re-exports.
export * from "./lr_scheduler_base.ts";
export * from "./lr_scheduler_one_cycle.ts";
export * from "./lr_scheduler_plateau.ts";
export * from "./lr_scheduler.ts";
export * from "./lr_scheduler_factor.ts";
export * from "./lr_scheduler_restarts.ts";
export * from "./lr_scheduler_cyclic.ts";
export * from "./lr_scheduler_compose.ts";
