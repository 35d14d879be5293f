/**
 * Stochastic Weight Averaging, as `torch.optim.swa_utils` (PyTorch 1.13): `AveragedModel` (a copy
 * of a model whose parameters are running averages of the model's), `SWALR` (anneals each group's
 * lr to a fixed SWA lr) and `updateBn` / `updateBnAsync` (recompute batch-norm statistics with one
 * pass over the data).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { nn, optim } from "../../mod.ts";
 * torch.manualSeed(0);
 * const model = new nn.Sequential(new nn.Linear(2, 4), new nn.BatchNorm1d(4), new nn.Linear(4, 1));
 * const opt = new optim.SGD(model.parameters(), { lr: 0.1 });
 * const swaModel = new optim.swaUtils.AveragedModel(model);
 * const swaSched = new optim.swaUtils.SWALR(opt, { swaLr: 0.05, annealEpochs: 2 });
 * const data = [torch.randn(8, 2), torch.randn(8, 2)];
 * for (let epoch = 0; epoch < 3; epoch++) {
 *   for (const x of data) {
 *     opt.zeroGrad();
 *     model(x).pow(2).mean().backward();
 *     opt.step();
 *   }
 *   swaModel.updateParameters(model);
 *   swaSched.step();
 * }
 * optim.swaUtils.updateBn(data, swaModel);
 * assertEquals([swaModel.nAveraged.item(), swaSched.getLastLr()], [3, [0.05]]);
 * ```
 * @module
 */
import { Tensor } from "../tensor.ts";
import type { Device } from "../backends/backend.ts";
import { onesLike, tensor, zerosLike } from "../creation.ts";
import { noGrad } from "../autograd/grad_mode.ts";
import { Module, Parameter } from "../nn/module.ts";
import { BatchNormBase, InstanceNormBase } from "../nn/layers/normalization.ts";
import type { Optimizer } from "./optimizer.ts";
import { LRScheduler, type SchedulerOptions } from "./lr_scheduler_base.ts";
import { checkOptimizer } from "./lr_scheduler_checks.ts";

type Fields = Record<string, unknown>;

/**
 * A deep copy of `m` (what `copy.deepcopy` gives a module): its parameters, buffers and submodules
 * cloned (tied ones stay tied), containers and plain fields copied, functions and other objects
 * shared.
 */
function deepcopyModule<M extends Module>(m: M, memo = new Map<unknown, unknown>()): M {
  const copyValue = (v: unknown): unknown => {
    if (v === null || typeof v !== "object" && typeof v !== "function") return v;
    if (memo.has(v)) return memo.get(v);
    if (v instanceof Module) return deepcopyModule(v, memo);
    if (v instanceof Parameter) {
      const p = new Parameter(noGrad(() => v.detach().clone()), v.requiresGrad);
      memo.set(v, p);
      return p;
    }
    if (v instanceof Tensor) {
      const t = noGrad(() => v.detach().clone());
      if (v.requiresGrad && v.isLeaf) t.requiresGrad_(true);
      memo.set(v, t);
      return t;
    }
    if (Array.isArray(v)) {
      const out: unknown[] = [];
      memo.set(v, out);
      for (const e of v) out.push(copyValue(e));
      return out;
    }
    if (v instanceof Map) {
      const out = new Map();
      memo.set(v, out);
      for (const [k, e] of v) out.set(k, copyValue(e));
      return out;
    }
    if (v instanceof Set) {
      const out = new Set();
      memo.set(v, out);
      for (const e of v) out.add(copyValue(e));
      return out;
    }
    const proto = Object.getPrototypeOf(v);
    if (typeof v === "object" && (proto === Object.prototype || proto === null)) {
      const out: Fields = Object.create(proto);
      memo.set(v, out);
      for (const [k, d] of Object.entries(Object.getOwnPropertyDescriptors(v))) {
        Object.defineProperty(out, k, "value" in d ? { ...d, value: copyValue(d.value) } : d);
      }
      return out;
    }
    return v; // functions, generators and other objects are shared
  };
  const copy = Reflect.construct(Module, [], m.constructor) as M;
  memo.set(m, copy);
  for (const [key, d] of Object.entries(Object.getOwnPropertyDescriptors(m))) {
    if (key === "_buffers" || key === "_nonPersistent" || m._buffers.has(key)) continue; // re-registered below
    Object.defineProperty(copy, key, "value" in d ? { ...d, value: copyValue(d.value) } : d);
  }
  for (const [name, b] of m._buffers) {
    copy.registerBuffer(name, b === null ? null : copyValue(b) as Tensor, {
      persistent: !m._nonPersistent.has(name),
    });
  }
  return copy;
}

/** The averaging function of `AveragedModel`: the new average from the current one, the model's value and the count. */
export type AvgFn = (averagedParam: Tensor, modelParam: Tensor, numAveraged: Tensor) => Tensor;

/** Options of `AveragedModel`. */
export interface AveragedModelOptions {
  /** Where the averaged copy lives (default: where the model is). */
  device?: Device;
  /**
   * The averaging function (default: the equally weighted running mean,
   * `avg + (param - avg) / (numAveraged + 1)`); `numAveraged` is a 0-d int32 tensor.
   */
  avgFn?: AvgFn;
  /** Average the buffers (BatchNorm's running statistics) too (default false: parameters only). */
  useBuffers?: boolean;
}

const meanAvg: AvgFn = (avg, param, n) => avg.add(param.sub(avg).div(n.add(1)));

/**
 * PyTorch's `torch.optim.swa_utils.AveragedModel`: a deep copy of `model` whose parameters (and
 * buffers, with `useBuffers`) `updateParameters(model)` sets to running averages of `model`'s: the
 * first call copies them, later calls apply `avgFn` (default: the equal-weight mean). The copy is
 * callable like the model (`swaModel(x)`); its state dict has `n_averaged` (the count, int32 here
 * where PyTorch keeps int64) and `module.*` (the copy's), as PyTorch's. Without `useBuffers`, the
 * copy's buffers stay as they were copied (PyTorch 1.13): run `updateBn` to compute its batch-norm
 * statistics.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { nn, optim } from "../../mod.ts";
 * const model = new nn.Linear(1, 1, { bias: false });
 * const swa = new optim.swaUtils.AveragedModel(model);
 * for (const w of [1, 2, 6]) {
 *   torch.noGrad(() => model.weight.fill_(w));
 *   swa.updateParameters(model);
 * }
 * assertEquals([swa.module.weight.item(), swa.nAveraged.item()], [3, 3]); // (1 + 2 + 6) / 3
 * assertEquals(Object.keys(swa.stateDict()), ["n_averaged", "module.weight"]);
 * ```
 */
export class AveragedModel<M extends Module = Module> extends Module {
  /** The averaged copy of the model. */
  module: M;
  /** The averaging function. */
  avgFn: AvgFn;
  /** Whether buffers are averaged too. */
  useBuffers: boolean;
  /** @internal The count, mirrored in JS (reading the buffer off the CPU is asynchronous). */
  declare _n: number;

  /** Copies `model`; the options are described on the class. */
  constructor(model: M, opts: AveragedModelOptions = {}) {
    super();
    if (!(model instanceof Module)) {
      throw new TypeError(
        `AveragedModel: expected a Module to average, got ${model === null ? "null" : typeof model}`,
      );
    }
    if (opts === null || typeof opts !== "object") {
      throw new TypeError("AveragedModel: options must be an object");
    }
    const { device, avgFn, useBuffers = false } = opts;
    if (avgFn !== undefined && typeof avgFn !== "function") {
      throw new TypeError(
        "AveragedModel: avgFn must be a function (averagedParam, modelParam, numAveraged) => Tensor",
      );
    }
    if (typeof useBuffers !== "boolean") throw new TypeError("AveragedModel: useBuffers must be a boolean");
    Object.defineProperty(this, "_n", { value: 0, writable: true, enumerable: false });
    this.module = deepcopyModule(model);
    if (device !== undefined) this.module.to(device);
    this.registerBuffer("n_averaged", tensor(0, { dtype: "int32", device }));
    this.avgFn = avgFn ?? meanAvg;
    this.useBuffers = useBuffers;
  }

  /** The number of models averaged so far (the `n_averaged` buffer). */
  get nAveraged(): Tensor {
    return this._buffers.get("n_averaged") as Tensor;
  }

  /** Calls the averaged copy. */
  // deno-lint-ignore no-explicit-any
  override forward(...args: any[]): any {
    return (this.module as unknown as (...a: unknown[]) => unknown)(...args);
  }

  /**
   * Folds `model`'s current parameters (and buffers, with `useBuffers`) into the averages, pairing
   * them in order as PyTorch does, and counts one more model.
   */
  updateParameters(model: Module): void {
    if (!(model instanceof Module)) {
      throw new TypeError(
        `AveragedModel.updateParameters: expected a Module, got ${model === null ? "null" : typeof model}`,
      );
    }
    noGrad(() => {
      const own = this.useBuffers
        ? [...this.module.parameters(), ...this.module.buffers()]
        : this.parameters();
      const theirs = this.useBuffers ? [...model.parameters(), ...model.buffers()] : model.parameters();
      const count = this.nAveraged;
      for (let i = 0; i < Math.min(own.length, theirs.length); i++) {
        const pSwa = own[i], device = pSwa.device;
        const pModel = theirs[i].detach().to(device);
        if (this._n === 0) pSwa.detach().copy_(pModel);
        else pSwa.detach().copy_(this.avgFn(pSwa.detach(), pModel, count.to(device)));
      }
      count.add_(1);
      this._n++;
    });
  }

  /** @internal Keeps the JS count in step with a loaded `n_averaged` on the CPU. */
  override _afterLoadStateDict(sources: Map<Tensor, Tensor>): void {
    const src = sources.get(this.nAveraged);
    if (src && src.device === "cpu") this._n = Number(src.item());
  }
}

/** The batch-norm layers whose statistics `updateBn` recomputes (as PyTorch's `_BatchNorm`; not instance norm). */
function batchNorms(model: Module): BatchNormBase[] {
  return model.modules().filter((m): m is BatchNormBase =>
    m instanceof BatchNormBase && !(m instanceof InstanceNormBase) && m.runningMean !== null
  );
}

/** Resets `bns`' statistics to cumulative averages from zero; returns what `finish` restores. */
function startBn(model: Module, bns: BatchNormBase[]): () => void {
  const momenta = bns.map((m) => m.momentum);
  const wasTraining = model.training;
  noGrad(() => {
    for (const m of bns) {
      m.registerBuffer("running_mean", zerosLike(m.runningMean!));
      m.registerBuffer("running_var", onesLike(m.runningVar!));
    }
  });
  model.train();
  noGrad(() => {
    for (const m of bns) {
      m.momentum = null;
      m.numBatchesTracked?.mul_(0);
      m._batches = 0;
    }
  });
  return () => {
    bns.forEach((m, i) => (m.momentum = momenta[i]));
    model.train(wasTraining);
  };
}

/** The model input of one loader item: the item, or its first element when it is an array. */
function inputOf(item: unknown, device: Device | undefined): unknown {
  const input = Array.isArray(item) ? item[0] : item;
  return device !== undefined && input instanceof Tensor ? input.to(device) : input;
}

/** Options of `updateBn`. */
export interface UpdateBnOptions {
  /** Move each input to this device first (default: leave it where the loader made it). */
  device?: Device;
}

/**
 * PyTorch's `torch.optim.swa_utils.update_bn`: recomputes the running statistics of every
 * batch-norm layer of `model` with one pass over `loader` (any iterable of inputs, or of arrays
 * whose first element is the input, such as a `DataLoader` of `[x, y]`): the statistics restart
 * from mean 0 / variance 1 and become the cumulative average over the batches (momentum null for
 * the pass); the layers' momenta and the model's train/eval mode are restored afterwards. Nothing
 * happens without batch-norm layers. Without gradients. For a loader that must be awaited, use
 * `updateBnAsync`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { nn, optim } from "../../mod.ts";
 * const bn = new nn.BatchNorm1d(1);
 * optim.swaUtils.updateBn([torch.tensor([[1], [3]]).float(), torch.tensor([[5], [7]]).float()], bn);
 * assertEquals([bn.runningMean!.toArray(), bn.training], [[4], true]); // the mean of the batch means
 * ```
 */
export function updateBn(loader: Iterable<unknown>, model: Module, opts: UpdateBnOptions = {}): void {
  checkBnArgs("updateBn", loader, model, false);
  const bns = batchNorms(model);
  if (bns.length === 0) return;
  const finish = startBn(model, bns);
  try {
    noGrad(() => {
      for (const item of loader) (model as unknown as (x: unknown) => unknown)(inputOf(item, opts.device));
    });
  } finally {
    finish();
  }
}

/**
 * `updateBn` over a loader read with `for await` (an async iterable such as a streaming
 * `DataLoader`, or a sync one).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { nn, optim } from "../../mod.ts";
 * async function* batches() {
 *   yield [torch.tensor([[2], [4]]).float()];
 * }
 * const bn = new nn.BatchNorm1d(1);
 * await optim.swaUtils.updateBnAsync(batches(), bn);
 * assertEquals(bn.runningMean!.toArray(), [3]);
 * ```
 */
export async function updateBnAsync(
  loader: AsyncIterable<unknown> | Iterable<unknown>,
  model: Module,
  opts: UpdateBnOptions = {},
): Promise<void> {
  checkBnArgs("updateBnAsync", loader, model, true);
  const bns = batchNorms(model);
  if (bns.length === 0) return;
  const finish = startBn(model, bns);
  try {
    for await (const item of loader) {
      noGrad(() => (model as unknown as (x: unknown) => unknown)(inputOf(item, opts.device)));
    }
  } finally {
    finish();
  }
}

function checkBnArgs(op: string, loader: unknown, model: unknown, async: boolean): void {
  if (!(model instanceof Module)) throw new TypeError(`${op}: expected a Module, got ${typeof model}`);
  const l = loader as Partial<Iterable<unknown> & AsyncIterable<unknown>> | null;
  const sync = l !== null && typeof l === "object" && typeof l[Symbol.iterator] === "function";
  const asyncIt = l !== null && typeof l === "object" && typeof l[Symbol.asyncIterator] === "function";
  if (!sync && !(async && asyncIt)) {
    throw new TypeError(
      asyncIt
        ? `${op}: the loader is only asynchronously iterable; use updateBnAsync`
        : `${op}: expected an iterable loader`,
    );
  }
}

/** Options of `SWALR`. */
export interface SWALROptions extends SchedulerOptions {
  /** The SWA learning rate: one for every group, or one per group. */
  swaLr: number | readonly number[];
  /** Epochs of annealing from each group's lr to `swaLr` (default 10; 0: at once). */
  annealEpochs?: number;
  /** The annealing curve: `"cos"` (default) or `"linear"`. */
  annealStrategy?: "cos" | "linear";
}

/**
 * PyTorch's `torch.optim.swa_utils.SWALR`: anneals each group's lr from its current value to
 * `swaLr` over `annealEpochs` steps (cosine or linear), then keeps it there. As in PyTorch, each
 * step starts from the lr the group has, so it composes with an earlier schedule. Sets `swaLr` on
 * every param group.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { optim } from "../../mod.ts";
 * const opt = new optim.SGD([torch.zeros(1, { requiresGrad: true })], { lr: 1 });
 * const sched = new optim.swaUtils.SWALR(opt, { swaLr: 0.1, annealEpochs: 2, annealStrategy: "linear" });
 * const lrs = [sched.getLastLr()[0]];
 * for (let i = 0; i < 3; i++) {
 *   sched.step();
 *   lrs.push(sched.getLastLr()[0]);
 * }
 * assertEquals(lrs.map((v) => +v.toFixed(6)), [1, 0.55, 0.1, 0.1]);
 * ```
 */
export class SWALR extends LRScheduler {
  /** Epochs of annealing. */
  annealEpochs: number;
  /** The annealing curve. */
  annealStrategy: "cos" | "linear";

  /** Creates the scheduler; the options are described on the class. */
  constructor(optimizer: Optimizer, options: SWALROptions) {
    checkOptimizer("SWALR", optimizer);
    if (options === null || typeof options !== "object") {
      throw new TypeError("SWALR: expected options { swaLr, annealEpochs?, annealStrategy? }");
    }
    const { swaLr, annealEpochs = 10, annealStrategy = "cos", lastEpoch = -1 } = options;
    const groups = optimizer.paramGroups.length;
    let swaLrs: number[];
    if (Array.isArray(swaLr)) {
      if (swaLr.length !== groups) {
        throw new RangeError(
          `SWALR: swaLr must have the same length as optimizer.paramGroups: swaLr has ${swaLr.length}, ` +
            `optimizer.paramGroups has ${groups}`,
        );
      }
      swaLrs = [...swaLr];
    } else swaLrs = new Array(groups).fill(swaLr);
    for (const v of swaLrs) {
      if (typeof v !== "number" || !Number.isFinite(v)) {
        throw new TypeError(`SWALR: swaLr must be a finite number (or one per group), got ${String(v)}`);
      }
    }
    if (annealStrategy !== "cos" && annealStrategy !== "linear") {
      throw new RangeError(
        `SWALR: annealStrategy must by one of "cos" or "linear", instead got ${String(annealStrategy)}`,
      );
    }
    if (!Number.isInteger(annealEpochs) || annealEpochs < 0) {
      throw new RangeError(`SWALR: annealEpochs must be equal or greater than 0, got ${annealEpochs}`);
    }
    super(optimizer, lastEpoch);
    optimizer.paramGroups.forEach((g, i) => (g.swaLr = swaLrs[i]));
    this.annealEpochs = annealEpochs;
    this.annealStrategy = annealStrategy;
    this._initialStep();
  }

  /** The annealing curve at `t` in [0, 1]. */
  private anneal(t: number): number {
    return this.annealStrategy === "cos" ? (1 - Math.cos(Math.PI * t)) / 2 : t;
  }

  /** PyTorch's `SWALR.get_lr`: back out the pre-anneal lr from the current one, then anneal further. */
  protected override getLr(): number[] {
    let step = this._stepCount - 1;
    if (this.annealEpochs === 0) step = Math.max(1, step);
    const prevT = Math.max(0, Math.min(1, (step - 1) / Math.max(1, this.annealEpochs)));
    const prevAlpha = this.anneal(prevT);
    const groups = this.optimizer.paramGroups;
    const prevLrs = groups.map((g) =>
      prevAlpha === 1 ? g.swaLr as number : (g.lr - prevAlpha * (g.swaLr as number)) / (1 - prevAlpha)
    );
    const t = Math.max(0, Math.min(1, step / Math.max(1, this.annealEpochs)));
    const alpha = this.anneal(t);
    return groups.map((g, i) => (g.swaLr as number) * alpha + prevLrs[i] * (1 - alpha));
  }
}
