/**
 * L-BFGS: limited-memory quasi-Newton steps over all parameters as one flat vector, with an
 * optional strong-Wolfe line search.
 * @module
 */
import { Tensor } from "../tensor.ts";
import { zeros, zerosLike } from "../creation.ts";
import { cat, stack } from "../ops/indexing.ts";
import { inFrameOf, pinHandle, releaseHandle } from "../memory.ts";
import { enableGrad, noGrad } from "../autograd/grad_mode.ts";
import { fmtShape } from "../shape.ts";
import {
  check,
  Optimizer,
  type OptimizerStateDict,
  type ParamGroupInput,
  type Params,
  type ParamState,
  withDefaults,
} from "./optimizer.ts";
import { type Probe, strongWolfe } from "./lbfgs_line_search.ts";

/** Options of {@link LBFGS} (PyTorch's, camelCased). */
export interface LBFGSOptions {
  /** Learning rate: the step length tried along each direction (default 1). */
  lr?: number;
  /** Most iterations per `step` (default 20). */
  maxIter?: number;
  /** Most loss evaluations per `step` (default `floor(maxIter·5/4)`; null: that default). */
  maxEval?: number | null;
  /** Stop when `max |grad|` is at most this (default 1e-7). */
  toleranceGrad?: number;
  /** Stop when the loss or the parameters change less than this (default 1e-9). */
  toleranceChange?: number;
  /** How many past steps approximate the inverse Hessian (default 100). */
  historySize?: number;
  /** `"strong_wolfe"` for a line search each iteration, or null for fixed steps (default null). */
  lineSearchFn?: "strong_wolfe" | null;
}

/** The options the LBFGS parameter group holds: every option, defaults filled in. */
export interface LBFGSGroupOptions {
  /** Learning rate. */
  lr: number;
  /** Most iterations per step. */
  maxIter: number;
  /** Most loss evaluations per step. */
  maxEval: number;
  /** First-order optimality tolerance. */
  toleranceGrad: number;
  /** Loss / parameter change tolerance. */
  toleranceChange: number;
  /** History length. */
  historySize: number;
  /** Line search, or null. */
  lineSearchFn: "strong_wolfe" | null;
}

/** The closure of {@link LBFGS}: zeroes the gradients, evaluates the loss, backpropagates, returns the loss. */
export type LBFGSClosure = () => Tensor | number;

/** The closure of {@link LBFGS.stepAsync}: as {@link LBFGSClosure}, and may be async. */
export type LBFGSAsyncClosure = () => Tensor | number | Promise<Tensor | number>;

/** What the algorithm asks its driver for: a closure call, or a read of scalars. */
type Need =
  | { kind: "eval" }
  | { kind: "read"; loss?: Tensor | number; values: Tensor };

/** What the driver hands back: the closure's loss, or the values read (the loss first, when asked). */
type Answer = Tensor | number | number[] | undefined;

/** Tensors the algorithm keeps across reads: pinned while live, released when no longer referenced. */
class Arena {
  #held = new Set<Tensor>();
  /** Pins `t` (made by the running segment) until a sweep finds it unreferenced. */
  keep<T extends Tensor>(t: T): T {
    if (!this.#held.has(t)) {
      pinHandle(t);
      this.#held.add(t);
    }
    return t;
  }
  /** Takes over tensors already pinned (the state of the previous step). */
  adopt(ts: Iterable<Tensor | number | null | undefined>): void {
    for (const t of ts) if (t instanceof Tensor) this.#held.add(t);
  }
  /** Releases every held tensor not in `live`. */
  sweep(live: Iterable<Tensor | number | null | undefined>): void {
    const keep = new Set<unknown>(live);
    for (const t of this.#held) {
      if (!keep.has(t)) {
        this.#held.delete(t);
        releaseHandle(t);
      }
    }
  }
}

/** The history of L-BFGS: gradient differences `y`, steps `s` and `1/(y·s)`, oldest first. */
interface History {
  dirs: Tensor[];
  stps: Tensor[];
  ro: Tensor[];
}

function typeName(v: unknown): string {
  if (v === null) return "null";
  if (typeof v === "object") return (v as object).constructor?.name ?? "object";
  return typeof v;
}

const STATE_KEYS = [
  "funcEvals",
  "nIter",
  "d",
  "t",
  "oldDirs",
  "oldStps",
  "ro",
  "hDiag",
  "prevFlatGrad",
  "prevLoss",
];

/**
 * L-BFGS, as `torch.optim.LBFGS` (algorithm of minFunc): each iteration builds a descent
 * direction from the last `historySize` steps and gradient changes (the two-loop recursion),
 * moves `lr` along it (the first iteration scales the step by `min(1, 1/‖g‖₁)`), or searches for
 * a step meeting the strong Wolfe conditions with `lineSearchFn: "strong_wolfe"`. One `step`
 * runs up to `maxIter` iterations and `maxEval` evaluations, so it needs a closure that
 * re-evaluates the model: zero the gradients, compute the loss, call `backward()`, return the loss.
 * `step` returns the closure's first loss.
 *
 * Only one parameter group, on one device (as PyTorch). The state lives under the first
 * parameter: `funcEvals` and `nIter` (totals over all steps), the last direction `d`, step `t`,
 * `hDiag`, `prevFlatGrad` and `prevLoss`; the history (`oldDirs`, `oldStps`, `ro`) appears in
 * `stateDict()` as stacked tensors (`[k, numel]`, `[k]`).
 *
 * The algorithm decides from the loss and from dot products, read back each evaluation: on the
 * CPU `step(closure)` runs synchronously as in PyTorch; on the GPU, whose reads are asynchronous,
 * use `await opt.stepAsync(closure)` (it works on both devices, and accepts an async closure).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { LBFGS } from "./mod.ts";
 * // Least squares: A w = b.
 * const a = torch.tensor([[3, 1], [1, 2], [0, 1]]).float();
 * const b = torch.tensor([[9], [8], [3]]).float();
 * const w = torch.zeros([2, 1], { requiresGrad: true });
 * const opt = new LBFGS([w], { lineSearchFn: "strong_wolfe" });
 * opt.step(() => {
 *   opt.zeroGrad();
 *   const loss = a.matmul(w).sub(b).pow(2).sum();
 *   loss.backward();
 *   return loss;
 * });
 * assertEquals(torch.allclose(w, torch.tensor([[2], [3]]).float(), { atol: 1e-4 }), true);
 * ```
 */
export class LBFGS extends Optimizer<LBFGSGroupOptions> {
  #history: History = { dirs: [], stps: [], ro: [] };

  /** Creates the optimizer; the arguments are described on the class. */
  constructor(params: Params<LBFGSGroupOptions>, options: LBFGSOptions = {}) {
    const o = withDefaults<Omit<LBFGSGroupOptions, "maxEval"> & { maxEval: number | null }>(
      new.target.name,
      options,
      {
        lr: 1,
        maxIter: 20,
        maxEval: null,
        toleranceGrad: 1e-7,
        toleranceChange: 1e-9,
        historySize: 100,
        lineSearchFn: null,
      },
    );
    if (o.maxEval === null && typeof o.maxIter === "number") o.maxEval = Math.floor(o.maxIter * 5 / 4);
    super(params, o as LBFGSGroupOptions);
  }

  /** Throws a clear error naming `where` when an option of `o` is out of range. */
  protected override _checkOptions(o: LBFGSGroupOptions, where: string): void {
    check(typeof o.lr === "number" && o.lr >= 0, where, `Invalid learning rate: ${o.lr}`);
    for (const k of ["maxIter", "maxEval", "historySize"] as const) {
      check(
        Number.isInteger(o[k]) && o[k] >= 1,
        where,
        `Invalid ${k} value: ${o[k]} (expected an integer >= 1)`,
      );
    }
    for (const k of ["toleranceGrad", "toleranceChange"] as const) {
      check(typeof o[k] === "number" && o[k] >= 0, where, `Invalid ${k} value: ${o[k]}`);
    }
    check(
      o.lineSearchFn === null || o.lineSearchFn === "strong_wolfe",
      where,
      `only 'strong_wolfe' is supported as lineSearchFn (or null), got ${JSON.stringify(o.lineSearchFn)}`,
    );
  }

  /**
   * LBFGS keeps one parameter group, as PyTorch ("LBFGS doesn't support per-parameter options"):
   * the constructor's.
   */
  override addParamGroup(group: ParamGroupInput<LBFGSGroupOptions>): void {
    if (this.paramGroups.length > 0) {
      throw new Error("LBFGS doesn't support per-parameter options (parameter groups)");
    }
    super.addParamGroup(group);
    try {
      checkParams(this.paramGroups[0].params, "LBFGS");
    } catch (e) {
      this.paramGroups = [];
      throw e;
    }
  }

  /** Never called: {@link step} runs the whole algorithm over every parameter at once. */
  protected override _updateGroup(): void {
    throw new Error("LBFGS: the update needs a closure; call step(closure)");
  }

  /**
   * Runs up to `maxIter` L-BFGS iterations, calling `closure` to re-evaluate the loss and its
   * gradients; returns the closure's first loss. CPU parameters only: on the GPU use
   * {@link stepAsync}, since the algorithm reads back values each evaluation.
   * @example
   * ```ts
   * import { deepStrictEqual as assertEquals } from "node:assert/strict";
   * import * as torch from "../../mod.ts";
   * import { LBFGS } from "./mod.ts";
   * const x = torch.tensor([1.5, -0.5], { requiresGrad: true });
   * const opt = new LBFGS([x]);
   * const loss = opt.step(() => {
   *   opt.zeroGrad();
   *   const l = x.sub(torch.tensor([1, 2])).pow(2).sum();
   *   l.backward();
   *   return l;
   * });
   * assertEquals((loss as torch.Tensor).item(), 6.5); // the loss before the step
   * assertEquals(torch.allclose(x, torch.tensor([1, 2]), { atol: 1e-5 }), true);
   * ```
   */
  override step(closure: LBFGSClosure): Tensor | number {
    this.#checkStep(closure, "step");
    const device = this.paramGroups[0].params[0].device;
    if (device !== "cpu") {
      throw new Error(
        `LBFGS.step: the parameters are on "${device}", whose values read back asynchronously, and L-BFGS ` +
          "reads the loss and dot products each evaluation; use `await opt.stepAsync(closure)`",
      );
    }
    return inFrameOf(() => {
      const run = this.#run();
      let first: Tensor | number | undefined;
      let answer: Answer = undefined;
      try {
        for (;;) {
          const r = inFrameOf(() => noGrad(() => run.next(answer)));
          if (r.done) break;
          const need = r.value;
          if (need.kind === "eval") {
            const loss = inFrameOf(() => enableGrad(closure));
            if ((loss as unknown) instanceof Promise) {
              throw new TypeError(
                "LBFGS.step: the closure returned a Promise; use `await opt.stepAsync(closure)` for an async closure",
              );
            }
            first ??= loss;
            answer = loss;
          } else {
            const values = [...need.values.dataSync()];
            need.values.dispose();
            answer = need.loss === undefined ? values : [lossValue(need.loss, (t) => t.item()), ...values];
          }
        }
      } finally {
        run.return(undefined);
      }
      return first!;
    });
  }

  /**
   * {@link step} on every device: on the GPU each evaluation's loss and dot products come back
   * with one asynchronous read. `closure` may be async. Resolves to the closure's first loss.
   * @example
   * ```ts
   * import { deepStrictEqual as assertEquals } from "node:assert/strict";
   * import * as torch from "../../mod.ts";
   * import { LBFGS } from "./mod.ts";
   * const x = torch.tensor([0, 0], { requiresGrad: true, dtype: "float32" });
   * const opt = new LBFGS([x], { lineSearchFn: "strong_wolfe" });
   * await opt.stepAsync(() => {
   *   opt.zeroGrad();
   *   const l = x.sub(torch.tensor([3, -1])).pow(2).sum();
   *   l.backward();
   *   return l;
   * });
   * assertEquals(torch.allclose(x, torch.tensor([3, -1]).float(), { atol: 1e-5 }), true);
   * ```
   */
  async stepAsync(closure: LBFGSAsyncClosure): Promise<Tensor | number> {
    this.#checkStep(closure, "stepAsync");
    const run = this.#run();
    let first: Tensor | number | undefined;
    let answer: Answer = undefined;
    try {
      for (;;) {
        const r = inFrameOf(() => noGrad(() => run.next(answer)));
        if (r.done) break;
        const need = r.value;
        if (need.kind === "eval") {
          // An async closure keeps grad mode across its awaits (enableGrad follows async functions).
          const made = inFrameOf(() => enableGrad(closure));
          const loss = made instanceof Promise ? await made : made;
          first ??= loss;
          answer = loss;
        } else {
          const { loss, values } = need;
          if (loss === undefined || typeof loss === "number" || loss.device === "cpu") {
            const head = loss === undefined ? [] : [await lossValueAsync(loss)];
            const data = await values.dataAsync();
            values.dispose();
            answer = [...head, ...data];
          } else {
            // One read: the loss joins the algorithm's scalars on the device.
            checkLoss(loss);
            const both = inFrameOf(() =>
              noGrad(() => cat([loss.detach().reshape([1]).to(values.dtype), values]))
            );
            values.dispose();
            try {
              answer = [...await both.dataAsync()];
            } finally {
              both.dispose();
            }
          }
        }
      }
    } finally {
      inFrameOf(() => noGrad(() => run.return(undefined)));
    }
    return first!;
  }

  #checkStep(closure: unknown, method: string): void {
    if (typeof closure !== "function") {
      throw new TypeError(
        `LBFGS.${method}: a closure that re-evaluates the model and returns the loss is required, got ${
          typeName(closure)
        }`,
      );
    }
    for (const p of this.paramGroups[0].params) {
      if (p.isDisposed) throw new Error(`LBFGS.${method}: a parameter was disposed`);
    }
    checkParams(this.paramGroups[0].params, `LBFGS.${method}`);
    this._checkStateDevice(this.paramGroups[0].params[0]);
  }

  /** The flat gradient of every parameter (zeros where a parameter has no gradient). */
  #gatherFlatGrad(): Tensor {
    const params = this.paramGroups[0].params;
    const views = params.map((p) => {
      const g = this._gradOf(p);
      return g === null ? zerosLike(p).reshape([-1]) : g.reshape([-1]);
    });
    // A fresh tensor in every case: the algorithm keeps it while the gradients change.
    return views.length === 1 ? views[0].clone() : cat(views);
  }

  /** `p += t·d[p's slice]` for every parameter. */
  #addGrad(t: number, d: Tensor): void {
    let offset = 0;
    for (const p of this.paramGroups[0].params) {
      const n = p.numel();
      p.add_(d.narrow(0, offset, n).reshape(p.shape), { alpha: t });
      offset += n;
    }
  }

  /** The state record, under the first parameter as PyTorch keeps it. */
  #state(): ParamState {
    return this._stateOf(this.paramGroups[0].params[0]);
  }

  /**
   * The algorithm (PyTorch's `LBFGS.step`), yielding each closure call and each read to the driver.
   * Runs under `noGrad`, each segment between yields in a frame of its own; what it keeps across
   * segments is pinned by an {@link Arena}.
   */
  *#run(): Generator<Need, void, Answer> {
    const group = this.paramGroups[0];
    const { lr, maxIter, maxEval, toleranceGrad, toleranceChange, lineSearchFn, historySize } = group;
    const params = group.params;
    const state = this.#state();
    state.funcEvals ??= 0;
    state.nIter ??= 0;
    const bump = (key: "funcEvals" | "nIter", by: number) => (state[key] = (state[key] as number) + by);
    const hist = this.#history;
    const arena = new Arena();
    arena.adopt([state.d, state.prevFlatGrad, state.hDiag, ...hist.dirs, ...hist.stps, ...hist.ro]);
    let d = state.d instanceof Tensor ? state.d : null;
    let t = typeof state.t === "number" ? state.t : lr;
    let hDiag: Tensor | number = state.hDiag ?? 1;
    let prevFlatGrad = state.prevFlatGrad instanceof Tensor ? state.prevFlatGrad : null;
    let prevLoss = typeof state.prevLoss === "number" ? state.prevLoss : null;
    let flatGrad: Tensor | null = null;
    let x0: Tensor[] = [];
    const roots = () => [d, prevFlatGrad, hDiag, flatGrad, ...x0, ...hist.dirs, ...hist.stps, ...hist.ro];

    const gather = () => this.#gatherFlatGrad();
    const addGrad = (step: number, dir: Tensor) => this.#addGrad(step, dir);
    /** Evaluates the closure at the current parameters: loss, flat gradient, and `max |g|`. */
    function* evaluate(): Generator<Need, { loss: number; g: Tensor; gmax: number }, Answer> {
      const raw = (yield { kind: "eval" }) as Tensor | number;
      const g = arena.keep(gather());
      const [loss, gmax] =
        (yield { kind: "read", loss: raw, values: g.abs().max().reshape([1]) }) as number[];
      return { loss, g, gmax };
    }
    /** Reads scalar tensors (each one element) in one read. */
    function* read(...ts: Tensor[]): Generator<Need, number[], Answer> {
      return (yield { kind: "read", values: stack(ts.map((x) => x.reshape([]))) }) as number[];
    }

    try {
      const first = yield* evaluate();
      let loss = first.loss;
      flatGrad = first.g;
      let gmax = first.gmax;
      let currentEvals = 1;
      bump("funcEvals", 1);
      if (gmax <= toleranceGrad) return;

      let nIter = 0;
      while (nIter < maxIter) {
        nIter++;
        bump("nIter", 1);
        // The descent direction.
        if (state.nIter === 1) {
          d = arena.keep(flatGrad!.neg());
          hist.dirs = [];
          hist.stps = [];
          hist.ro = [];
          hDiag = 1;
        } else {
          // Kept across the read; swept at the end of the iteration unless the history took them.
          const y = arena.keep(flatGrad!.sub(prevFlatGrad!)), s = arena.keep(d!.mul(t));
          const ys = arena.keep(y.dot(s));
          const [ysValue] = yield* read(ys);
          if (ysValue > 1e-10) {
            if (hist.dirs.length === historySize) {
              hist.dirs.shift();
              hist.stps.shift();
              hist.ro.shift();
            }
            hist.dirs.push(arena.keep(y));
            hist.stps.push(arena.keep(s));
            hist.ro.push(arena.keep(ys.reciprocal()));
            hDiag = arena.keep(ys.div(y.dot(y)));
          }
          // Two-loop recursion: d = −H·g, H the L-BFGS inverse-Hessian approximation.
          const k = hist.dirs.length;
          const al: Tensor[] = new Array(k);
          let q = flatGrad!.neg();
          for (let i = k - 1; i >= 0; i--) {
            al[i] = hist.stps[i].dot(q).mul(hist.ro[i]);
            q = q.sub(hist.dirs[i].mul(al[i]));
          }
          let r = q.mul(hDiag);
          for (let i = 0; i < k; i++) {
            const be = hist.dirs[i].dot(r).mul(hist.ro[i]);
            r = r.add(hist.stps[i].mul(al[i].sub(be)));
          }
          d = arena.keep(r);
        }
        prevFlatGrad = flatGrad;
        prevLoss = loss;

        // The step length, the directional derivative, and max |d| in one read.
        const firstIter = state.nIter === 1;
        const reads: Tensor[] = [flatGrad!.dot(d!), d!.abs().max()];
        if (firstIter) reads.push(flatGrad!.abs().sum());
        const [gtd, dNorm, gSum]: number[] = yield* read(...reads);
        if (firstIter) {
          // As PyTorch: 1/‖g‖₁ is a float32 tensor there, and so is the step when it wins.
          const inv = Math.fround(1 / gSum);
          t = inv < 1 ? Math.fround(inv * lr) : lr;
        } else t = lr;
        if (gtd > -toleranceChange) break;

        let lsEvals = 0;
        let optCond = false;
        if (lineSearchFn !== null) {
          x0 = params.map((p) => arena.keep(p.clone()));
          const dir = d!, x = x0;
          const probe = function* (step: number): Generator<Need, Probe, Answer> {
            addGrad(step, dir);
            const raw = (yield { kind: "eval" }) as Tensor | number;
            const g = arena.keep(gather());
            params.forEach((p, i) => p.copy_(x[i]));
            const values = stack([g.dot(dir), g.abs().max()]);
            const [f, slope, gmax] = (yield { kind: "read", loss: raw, values }) as number[];
            return { f, g, gtd: slope, gmax };
          };
          const start: Probe = { f: loss, g: flatGrad!, gtd, gmax };
          const found = yield* strongWolfe(
            probe,
            (live) => arena.sweep([...roots(), ...live]),
            start,
            t,
            dNorm,
            toleranceChange,
          );
          loss = found.f;
          flatGrad = found.g;
          t = found.t;
          lsEvals = found.evals;
          gmax = found.gmax;
          this.#addGrad(t, dir);
          optCond = gmax <= toleranceGrad;
          x0 = [];
        } else {
          this.#addGrad(t, d!);
          if (nIter !== maxIter) {
            // In the last iteration the loss is not re-evaluated (the next step does it).
            const e = yield* evaluate();
            loss = e.loss;
            flatGrad = e.g;
            gmax = e.gmax;
            optCond = gmax <= toleranceGrad;
            lsEvals = 1;
          }
        }
        currentEvals += lsEvals;
        bump("funcEvals", lsEvals);
        arena.sweep(roots());

        if (nIter === maxIter) break;
        if (currentEvals >= maxEval) break;
        if (optCond) break;
        // Lack of progress: max |t·d|, as float32 like PyTorch's d.mul(t).abs().max().
        if (Math.fround(Math.fround(Math.abs(t)) * dNorm) <= toleranceChange) break;
        if (Math.abs(loss - prevLoss) < toleranceChange) break;
      }
      state.d = d!;
      state.t = t;
      state.hDiag = hDiag;
      state.prevFlatGrad = prevFlatGrad!;
      state.prevLoss = prevLoss!;
    } finally {
      arena.sweep([state.d, state.prevFlatGrad, state.hDiag, ...hist.dirs, ...hist.stps, ...hist.ro]);
    }
  }

  /**
   * The state in PyTorch's layout, under parameter 0 (see the class): the history is stacked into
   * `oldDirs` and `oldStps` (`[k, numel]`) and `ro` (`[k]`).
   * @example
   * ```ts
   * import { deepStrictEqual as assertEquals } from "node:assert/strict";
   * import * as torch from "../../mod.ts";
   * import { LBFGS } from "./mod.ts";
   * const x = torch.tensor([1.0, 2.0, 3.0], { requiresGrad: true });
   * const opt = new LBFGS([x], { maxIter: 3, maxEval: 10 });
   * opt.step(() => {
   *   opt.zeroGrad();
   *   const l = x.pow(4).sum();
   *   l.backward();
   *   return l;
   * });
   * const st = opt.stateDict().state[0];
   * assertEquals([st.nIter, (st.oldDirs as torch.Tensor).shape], [3, [2, 3]]);
   * ```
   */
  override stateDict(): OptimizerStateDict {
    const sd = super.stateDict();
    const st = sd.state[0];
    if (st !== undefined && st.nIter !== undefined && (st.nIter as number) > 0) {
      const n = this.#numel();
      const h = this.#history;
      const p0 = this.paramGroups[0].params[0];
      const empty = (shape: number[]) => zeros(shape, { dtype: p0.dtype, device: p0.device });
      noGrad(() => {
        st.oldDirs = h.dirs.length > 0 ? stack(h.dirs) : empty([0, n]);
        st.oldStps = h.stps.length > 0 ? stack(h.stps) : empty([0, n]);
        st.ro = h.ro.length > 0 ? stack(h.ro) : empty([0]);
      });
    }
    return sd;
  }

  /**
   * Loads a state from {@link stateDict}; tensors are copied to the parameters' device and
   * dtype. Validates everything before changing anything.
   * @example
   * ```ts
   * import { deepStrictEqual as assertEquals } from "node:assert/strict";
   * import * as torch from "../../mod.ts";
   * import { LBFGS } from "./mod.ts";
   * const x = torch.tensor([1.0, 2.0], { requiresGrad: true });
   * const opt = new LBFGS([x], { maxIter: 2 });
   * opt.step(() => {
   *   opt.zeroGrad();
   *   const l = x.pow(4).sum();
   *   l.backward();
   *   return l;
   * });
   * const opt2 = new LBFGS([torch.tensor([1.0, 2.0], { requiresGrad: true })]);
   * opt2.loadStateDict(opt.stateDict());
   * assertEquals([opt2.paramGroups[0].maxIter, opt2.stateDict().state[0].funcEvals], [2, 2]);
   * ```
   */
  override loadStateDict(stateDict: OptimizerStateDict): void {
    const name = "LBFGS.loadStateDict";
    if (stateDict === null || typeof stateDict !== "object" || stateDict.state === null) {
      return super.loadStateDict(stateDict); // the base class names what is missing
    }
    const keys = Object.keys(stateDict.state ?? {});
    if (keys.some((k) => k !== "0")) {
      throw new RangeError(
        `${name}: LBFGS keeps its state under parameter 0 only, but the state has entries for ${
          keys.join(", ")
        }`,
      );
    }
    const entry = (stateDict.state as Record<string, ParamState | undefined>)["0"];
    const n = this.#numel();
    const history = Number(
      (stateDict.paramGroups?.[0] as Record<string, unknown> | undefined)?.historySize ??
        this.paramGroups[0].historySize,
    );
    let k = 0;
    if (entry !== undefined) {
      if (entry === null || typeof entry !== "object") {
        throw new TypeError(`${name}: state of parameter 0 must be an object, got ${typeName(entry)}`);
      }
      const tensorShape = (key: string, v: unknown, expected: (number | null)[]): number[] => {
        if (!(v instanceof Tensor)) {
          throw new TypeError(`${name}: state "${key}" must be a Tensor, got ${typeName(v)}`);
        }
        if (
          v.shape.length !== expected.length ||
          v.shape.some((s, i) => expected[i] !== null && s !== expected[i])
        ) {
          throw new RangeError(
            `${name}: state "${key}" has shape ${fmtShape(v.shape)}, expected [${
              expected.map((e) => e ?? "k").join(", ")
            }] (the parameters have ${n} elements in all)`,
          );
        }
        return v.shape as number[];
      };
      for (const [key, v] of Object.entries(entry)) {
        if (!STATE_KEYS.includes(key)) {
          throw new RangeError(`${name}: unknown state "${key}" (LBFGS keeps ${STATE_KEYS.join(", ")})`);
        }
        if (["funcEvals", "nIter", "t", "prevLoss"].includes(key) && typeof v !== "number") {
          throw new TypeError(`${name}: state "${key}" must be a number, got ${typeName(v)}`);
        }
        if (key === "d" || key === "prevFlatGrad") tensorShape(key, v, [n]);
        if (key === "hDiag" && typeof v !== "number") tensorShape(key, v, []);
      }
      if (entry.oldDirs !== undefined || entry.oldStps !== undefined || entry.ro !== undefined) {
        k = tensorShape("oldDirs", entry.oldDirs, [null, n])[0];
        tensorShape("oldStps", entry.oldStps, [k, n]);
        tensorShape("ro", entry.ro, [k]);
        if (k > history) {
          throw new RangeError(
            `${name}: the state holds ${k} history entries, more than historySize ${history}`,
          );
        }
      }
    }
    super.loadStateDict({ state: {}, paramGroups: stateDict.paramGroups });
    this.#history = { dirs: [], stps: [], ro: [] };
    if (entry === undefined) return;
    const p0 = this.paramGroups[0].params[0];
    // Copies on the parameters' device and dtype, pinned: the optimizer holds them.
    const own = (v: Tensor) =>
      pinHandle(noGrad(() => {
        let c = v.detach();
        if (c.dtype !== p0.dtype) c = c.to(p0.dtype);
        if (c.device !== p0.device) c = c.to(p0.device);
        return c === v || c._storage === v._storage ? c.clone() : c;
      }));
    inFrameOf(() => {
      const st: ParamState = {};
      for (const [key, v] of Object.entries(entry)) {
        if (key === "oldDirs" || key === "oldStps" || key === "ro") continue;
        st[key] = v instanceof Tensor ? own(v) : v;
      }
      for (let i = 0; i < k; i++) {
        this.#history.dirs.push(own((entry.oldDirs as Tensor).index(i)));
        this.#history.stps.push(own((entry.oldStps as Tensor).index(i)));
        this.#history.ro.push(own((entry.ro as Tensor).index(i)));
      }
      this.state.set(p0, st);
    });
  }

  #numel(): number {
    return this.paramGroups[0].params.reduce((s, p) => s + p.numel(), 0);
  }
}

/** Throws unless every parameter has the first one's device and dtype (the flat vectors join them). */
function checkParams(params: Tensor[], where: string): void {
  const { device, dtype } = params[0];
  for (const p of params) {
    if (p.device !== device || p.dtype !== dtype) {
      throw new Error(
        `${where}: every parameter must have one device and dtype (the flat vectors join them); got ${dtype} ` +
          `on "${device}" and ${p.dtype} on "${p.device}"`,
      );
    }
  }
}

/** Checks that a closure's loss can become one number (PyTorch's `float(loss)`). */
function checkLoss(loss: Tensor | number): void {
  if (typeof loss === "number") return;
  if (!(loss instanceof Tensor)) {
    throw new TypeError(
      `LBFGS: the closure must return the loss as a Tensor or a number, got ${typeName(loss)}`,
    );
  }
  if (loss.numel() !== 1) {
    throw new RangeError(
      `LBFGS: the closure must return the loss as a one-element tensor (or a number), got shape ${
        fmtShape(loss.shape)
      }`,
    );
  }
}

function lossValue(loss: Tensor | number, item: (t: Tensor) => number): number {
  checkLoss(loss);
  return typeof loss === "number" ? loss : item(loss);
}

async function lossValueAsync(loss: Tensor | number): Promise<number> {
  checkLoss(loss);
  return typeof loss === "number" ? loss : Number(await loss.itemAsync());
}
