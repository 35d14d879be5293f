/**
 * `optim`: optimizers (`SGD`, `Adam`, `AdamW`, `RMSprop`, `Adagrad`, `LBFGS`, `Rprop`, `ASGD`,
 * ...) and learning-rate schedulers (`StepLR`, `MultiStepLR`, `ExponentialLR`, `CosineAnnealingLR`,
 * `LinearLR`, `OneCycleLR`, `CyclicLR`, `ReduceLROnPlateau`, `SequentialLR`, `ChainedScheduler`,
 * ...), with PyTorch's semantics and values; `swaUtils` (stochastic weight averaging: `AveragedModel`,
 * `SWALR`, `updateBn`).
 *
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import * as optim from "./mod.ts";
 *
 * // Fit y = 2x + 3 with SGD.
 * const x = torch.tensor([[0], [1], [2], [3]]).float();
 * const y = x.mul(2).add(3);
 * const w = torch.zeros([1, 1], { requiresGrad: true });
 * const b = torch.zeros([1], { requiresGrad: true });
 * const opt = new optim.SGD([w, b], { lr: 0.05, momentum: 0.9 });
 * const sched = new optim.StepLR(opt, { stepSize: 100, gamma: 0.5 });
 * for (let epoch = 0; epoch < 300; epoch++) {
 *   opt.zeroGrad();
 *   const loss = x.matmul(w).add(b).sub(y).pow(2).mean();
 *   loss.backward();
 *   opt.step();
 *   sched.step();
 * }
 * assertEquals([w.item().toFixed(2), b.item().toFixed(2)], ["2.00", "3.00"]);
 * ```
 * @module
 */
export {
  type BaseOptions,
  type Closure,
  Optimizer,
  type OptimizerStateDict,
  type ParamGroup,
  type ParamGroupInput,
  type Params,
  type ParamState,
  type ZeroGradOptions,
} from "./optimizer.ts";
export { SGD, type SGDGroupOptions, type SGDOptions } from "./sgd.ts";
export { Adam, type AdamGroupOptions, type AdamOptions, AdamW } from "./adam.ts";
export { RMSprop, type RMSpropGroupOptions, type RMSpropOptions } from "./rmsprop.ts";
export { Adagrad, type AdagradGroupOptions, type AdagradOptions } from "./adagrad.ts";
export { Adadelta, type AdadeltaGroupOptions, type AdadeltaOptions } from "./adadelta.ts";
export {
  ConstantLR,
  type ConstantLROptions,
  LambdaLR,
  type LambdaLROptions,
  type LrLambda,
  MultiplicativeLR,
  PolynomialLR,
  type PolynomialLROptions,
} from "./lr_scheduler_factor.ts";
export {
  CosineAnnealingWarmRestarts,
  type CosineAnnealingWarmRestartsOptions,
} from "./lr_scheduler_restarts.ts";
export { CyclicLR, type CyclicLROptions } from "./lr_scheduler_cyclic.ts";
export { ChainedScheduler, SequentialLR, type SequentialLROptions } from "./lr_scheduler_compose.ts";
export {
  Adamax,
  type AdamaxOptions,
  type AdamLikeOptions,
  NAdam,
  type NAdamOptions,
  RAdam,
  type RAdamOptions,
} from "./adam_variants.ts";
export {
  CosineAnnealingLR,
  type CosineAnnealingLROptions,
  ExponentialLR,
  type ExponentialLROptions,
  LinearLR,
  type LinearLROptions,
  LRScheduler,
  MultiStepLR,
  type MultiStepLROptions,
  OneCycleLR,
  type OneCycleLROptions,
  ReduceLROnPlateau,
  type ReduceLROnPlateauOptions,
  type SchedulerOptions,
  type SchedulerStateDict,
  StepLR,
  type StepLROptions,
} from "./lr_scheduler.ts";
export * as lrScheduler from "./lr_scheduler_namespace.ts";
export * as swaUtils from "./swa_utils.ts";
export { Rprop, type RpropGroupOptions, type RpropOptions } from "./rprop.ts";
export { ASGD, type ASGDGroupOptions, type ASGDOptions } from "./asgd.ts";
export {
  LBFGS,
  type LBFGSAsyncClosure,
  type LBFGSClosure,
  type LBFGSGroupOptions,
  type LBFGSOptions,
} from "./lbfgs.ts";
