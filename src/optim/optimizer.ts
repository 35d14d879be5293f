/**
 * `Optimizer`: the base class of every optimizer, in PyTorch's model: parameter groups with their
 * own options, per-parameter state, `zeroGrad`, `step`, `addParamGroup`, `stateDict` and
 * `loadStateDict`.
 * @module
 */
import { Tensor } from "../tensor.ts";
import { inFrameOf, pinHandle } from "../memory.ts";
import { isFloating } from "../dtype.ts";
import { fmtShape } from "../shape.ts";
import { enableGrad, noGrad } from "../autograd/grad_mode.ts";
import { bumpVersion } from "../autograd/version.ts";
import { backendFor } from "../backends/registry.ts";
import type { Backend, Storage } from "../backends/backend.ts";

/**
 * One parameter group: the tensors it updates and the options they share. Options are plain
 * properties, readable and writable (`opt.paramGroups[1].lr = 1e-4`); schedulers add keys such as
 * `initialLr`.
 */
export interface ParamGroup {
  /** The tensors this group updates. */
  params: Tensor[];
  /** Learning rate of this group. */
  lr: number;
  /** The lr a scheduler started from (set by the first scheduler attached). */
  initialLr?: number;
  /** Further options (`momentum`, `betas`, `weightDecay`, ...). */
  [option: string]: unknown;
}

/** A parameter group as given to a constructor or `addParamGroup`: params plus option overrides. */
export type ParamGroupInput<O> = { params: Iterable<Tensor> | Tensor } & Partial<O> & Record<string, unknown>;

/** What optimizers accept as parameters: tensors, or parameter groups with their own options. */
export type Params<O> = Iterable<Tensor> | Iterable<ParamGroupInput<O>>;

/** Per-parameter optimizer state (`momentumBuffer`, `expAvg`, `step`, ...). */
export type ParamState = Record<string, Tensor | number>;

/**
 * An optimizer's state in PyTorch's layout: `state` keyed by the parameter's index (counted
 * across groups in order), and each group's options with `params` as those indices.
 */
export interface OptimizerStateDict {
  /** Per-parameter state, keyed by the parameter's index across groups. */
  state: Record<number, ParamState>;
  /** Each group's options, with `params` as parameter indices. */
  paramGroups: ({ params: number[] } & Record<string, unknown>)[];
}

/** Options every optimizer has. */
export interface BaseOptions {
  /** Learning rate. */
  lr: number;
}

/** Options of `zeroGrad`. */
export interface ZeroGradOptions {
  /** Set grads to null (the default, as PyTorch 2) instead of filling them with zeros. */
  setToNone?: boolean;
}

/** A closure given to `step`: re-evaluates the model and returns the loss. */
export type Closure = () => Tensor | number;

function copyValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(copyValue);
  if (
    v !== null && typeof v === "object" && !(v instanceof Tensor) &&
    Object.getPrototypeOf(v) === Object.prototype
  ) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, copyValue(x)]));
  }
  return v;
}

function typeName(v: unknown): string {
  if (v === null) return "null";
  if (typeof v === "object") return (v as object).constructor?.name ?? "object";
  return typeof v;
}

const SNAKE = /_([a-z])/g;

/**
 * The base class of all optimizers. Subclasses pass their defaults to the constructor and
 * implement {@link Optimizer._updateGroup}, which runs under `noGrad` and updates parameters in
 * place (their identity never changes).
 *
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { Optimizer, type ParamGroup } from "./mod.ts";
 *
 * // Plain gradient descent as a custom optimizer.
 * class GD extends Optimizer<{ lr: number }> {
 *   constructor(params: Iterable<torch.Tensor>, lr = 0.1) {
 *     super(params, { lr });
 *   }
 *   protected override _updateGroup(group: ParamGroup): void {
 *     for (const p of group.params) if (p.grad) p.sub_(p.grad.mul(group.lr));
 *   }
 * }
 * const w = torch.tensor([1.0, 2.0], { requiresGrad: true });
 * const opt = new GD([w]);
 * w.pow(2).sum().backward();
 * opt.step();
 * assertEquals(torch.allclose(w, torch.tensor([0.8, 1.6]), { atol: 1e-6 }), true);
 * ```
 */
export abstract class Optimizer<O extends BaseOptions = BaseOptions> {
  /** The options groups fall back on. */
  readonly defaults: O;
  /** The parameter groups; each holds its own options (`paramGroups[0].lr`). */
  paramGroups: (ParamGroup & O)[] = [];
  /** Per-parameter state, keyed by the parameter tensor. */
  state: Map<Tensor, ParamState> = new Map();

  /**
   * @param params tensors (an array, a generator, `model.parameters()`), or parameter groups
   *   `[{ params, lr, ... }, ...]` whose options override `defaults`.
   * @param defaults every option of the optimizer, validated.
   */
  /** Creates the optimizer; the arguments are described on the class. */
  constructor(params: Params<O>, defaults: O) {
    const name = this.constructor.name;
    this.defaults = defaults;
    this._checkOptions(defaults, `${name}`);
    if (params instanceof Tensor) {
      throw new TypeError(
        `${name}: params argument given to the optimizer should be an iterable of Tensors or param groups, ` +
          `but got a Tensor (wrap it in an array: [t])`,
      );
    }
    if (
      params === null || typeof params !== "object" ||
      typeof (params as Iterable<unknown>)[Symbol.iterator] !== "function"
    ) {
      throw new TypeError(
        `${name}: params argument given to the optimizer should be an iterable of Tensors or param groups, ` +
          `but got ${typeName(params)}`,
      );
    }
    const list = Array.from(params as Iterable<Tensor | ParamGroupInput<O>>);
    if (list.length === 0) throw new RangeError(`${name}: optimizer got an empty parameter list`);
    const first = list[0] as unknown;
    if (!(first instanceof Tensor) && (first === null || typeof first !== "object" || !("params" in first))) {
      throw new TypeError(
        `${name}: params argument given to the optimizer should be an iterable of Tensors or param groups, ` +
          `but got an iterable of ${typeName(first)}`,
      );
    }
    const groups = first instanceof Tensor
      ? [{ params: list as Tensor[] } as unknown as ParamGroupInput<O>]
      : (list as ParamGroupInput<O>[]);
    for (const g of groups) this.addParamGroup(g);
  }

  /**
   * Checks a full set of options (the defaults, or a group merged with them); throws on bad values.
   * `where` names the optimizer (and group) for the message.
   */
  protected _checkOptions(_options: O, _where: string): void {}

  /** Updates every parameter of `group` that has a gradient. Runs under `noGrad`. */
  protected abstract _updateGroup(group: ParamGroup & O): void;

  /** Learning rate of the first group; setting it sets every group's lr. */
  get lr(): number {
    return this.paramGroups[0].lr;
  }
  set lr(value: number) {
    if (typeof value !== "number" || !(value >= 0)) {
      throw new RangeError(`${this.constructor.name}: Invalid learning rate: ${value}`);
    }
    for (const g of this.paramGroups) g.lr = value;
  }

  /**
   * Adds a parameter group (for example layers unfrozen while fine-tuning); options it omits come
   * from `defaults`.
   * @example
   * ```ts
   * import { deepStrictEqual as assertEquals } from "node:assert/strict";
   * import * as torch from "../../mod.ts";
   * import { SGD } from "./mod.ts";
   * const a = torch.zeros([2], { requiresGrad: true }), b = torch.zeros([3], { requiresGrad: true });
   * const opt = new SGD([a], { lr: 0.1 });
   * opt.addParamGroup({ params: [b], lr: 0.01 });
   * assertEquals(opt.paramGroups.map((g) => g.lr), [0.1, 0.01]);
   * ```
   */
  addParamGroup(group: ParamGroupInput<O>): void {
    const name = this.constructor.name;
    if (group === null || typeof group !== "object" || !("params" in group)) {
      throw new TypeError(`${name}.addParamGroup: a param group must be an object with a \`params\` field`);
    }
    let params: Tensor[];
    const raw = group.params as unknown;
    if (raw instanceof Tensor) params = [raw];
    else if (raw instanceof Set) {
      throw new TypeError(
        `${name}: optimizer parameters need to be organized in ordered collections, but the ordering of ` +
          `tensors in sets is not a documented order; use an array instead`,
      );
    } else if (
      raw !== null && typeof raw === "object" &&
      typeof (raw as Iterable<unknown>)[Symbol.iterator] === "function"
    ) {
      params = Array.from(raw as Iterable<Tensor>);
    } else {
      throw new TypeError(
        `${name}: a param group's params must be a Tensor or an iterable of Tensors, got ${typeName(raw)}`,
      );
    }
    for (const p of params) {
      if (!(p instanceof Tensor)) {
        throw new TypeError(
          `${name}: optimizer can only optimize Tensors, but one of the params is ${typeName(p)}`,
        );
      }
      if (!(p.isLeaf || p._retainsGrad)) throw new Error(`${name}: can't optimize a non-leaf Tensor`);
      if (p.dtype === "complex64") {
        throw new TypeError(
          `${name}: complex64 parameters are not supported by the optimizers yet (their updates would ` +
            "treat the (re, im) pairs as one value); keep a float32 parameter p and use torch.viewAsComplex(p)",
        );
      }
    }
    if (new Set(params).size !== params.length) {
      throw new Error(`${name}: a parameter group contains the same tensor more than once`);
    }
    for (const key of Object.keys(group)) {
      const camel = key.replace(SNAKE, (_, c: string) => c.toUpperCase());
      if (camel !== key && camel in this.defaults) {
        throw new TypeError(`${name}: unknown option "${key}" (options are camelCase: "${camel}")`);
      }
    }
    const merged = {} as Record<string, unknown>;
    for (const [k, v] of Object.entries(this.defaults)) merged[k] = copyValue(v);
    for (const [k, v] of Object.entries(group)) {
      if (k !== "params" && v !== undefined) merged[k] = copyValue(v);
    }
    merged.params = params;
    const full = merged as ParamGroup & O;
    this._checkOptions(full, `${name} (param group ${this.paramGroups.length})`);
    const seen = new Set<Tensor>();
    for (const g of this.paramGroups) for (const p of g.params) seen.add(p);
    if (params.some((p) => seen.has(p))) {
      throw new Error(`${name}: some parameters appear in more than one parameter group`);
    }
    this.paramGroups.push(full);
  }

  /**
   * Clears the gradients of every parameter: sets them to null (the default, as PyTorch 2), or
   * fills them with zeros with `{ setToNone: false }`.
   * @example
   * ```ts
   * import { deepStrictEqual as assertEquals } from "node:assert/strict";
   * import * as torch from "../../mod.ts";
   * import { SGD } from "./mod.ts";
   * const w = torch.ones([2], { requiresGrad: true });
   * const opt = new SGD([w], { lr: 0.1 });
   * w.sum().backward();
   * opt.zeroGrad();
   * assertEquals(w.grad, null);
   * ```
   */
  zeroGrad({ setToNone = true }: ZeroGradOptions = {}): void {
    for (const g of this.paramGroups) {
      for (const p of g.params) {
        const g = p._grad;
        if (g === null) continue;
        if (setToNone) p._setGrad(null);
        else {
          g.detach_();
          noGrad(() => g.zero_());
        }
      }
    }
  }

  /**
   * Performs one update of every parameter that has a gradient (those whose grad is null are
   * skipped). With a closure, calls it first (with grad enabled) and returns its loss.
   * @example
   * ```ts
   * import { deepStrictEqual as assertEquals } from "node:assert/strict";
   * import * as torch from "../../mod.ts";
   * import { SGD } from "./mod.ts";
   * const w = torch.tensor([1.0], { requiresGrad: true });
   * const opt = new SGD([w], { lr: 0.5 });
   * const loss = opt.step(() => {
   *   opt.zeroGrad();
   *   const l = w.pow(2).sum();
   *   l.backward();
   *   return l;
   * });
   * assertEquals(w.item(), 0); // 1 - 0.5 * 2
   * ```
   */
  step(closure?: Closure): Tensor | number | undefined {
    return inFrameOf(() => this.#step(closure));
  }

  #step(closure?: Closure): Tensor | number | undefined {
    let loss: Tensor | number | undefined;
    if (closure !== undefined) {
      if (typeof closure !== "function") {
        throw new TypeError(
          `${this.constructor.name}.step: closure must be a function, got ${typeName(closure)}`,
        );
      }
      loss = enableGrad(closure);
      if ((loss as unknown) instanceof Promise) {
        throw new TypeError(
          `${this.constructor.name}.step: the closure returned a Promise; step() runs synchronously, so ` +
            `await your async closure first and then call step()`,
        );
      }
    }
    // Check every parameter first, so that a bad one leaves all of them (and the state) untouched.
    for (const g of this.paramGroups) {
      for (const p of g.params) {
        if (p.isDisposed) throw new Error(`${this.constructor.name}.step: a parameter was disposed`);
        this._gradOf(p);
        this._checkStateDevice(p);
      }
    }
    const update = () => {
      for (const g of this.paramGroups) this._updateGroup(g);
    };
    // On the GPU the updates of every parameter run together (a multi-tensor apply).
    const gpu = this.paramGroups.some((g) => g.params.some((p) => p.device === "gpu"))
      ? backendFor("gpu")
      : null;
    noGrad(() => (gpu?.batchWrites ? gpu.batchWrites(update) : update()));
    this._keepState();
    return loss;
  }

  /**
   * Marks every state tensor as the optimizer's own, so no `torch.scope` around a step releases
   * it. Called after anything that creates state. @internal
   */
  protected _keepState(): void {
    for (const st of this.state.values()) {
      keepState(st);
    }
  }

  /**
   * The gradient of `p` checked against its shape, or null when it has none.
   * @internal
   */
  protected _gradOf(p: Tensor): Tensor | null {
    const g = p._grad;
    if (g === null) return null;
    // Equal shapes are one shared array (frozenDims), so the comparison is rarely needed.
    if (
      g.shape !== p.shape && (g.shape.length !== p.shape.length || g.shape.some((s, i) => s !== p.shape[i]))
    ) {
      throw new RangeError(
        `${this.constructor.name}.step: a parameter of shape ${fmtShape(p.shape)} has a grad of shape ${
          fmtShape(g.shape)
        }`,
      );
    }
    if (g.device !== p.device) {
      throw new Error(
        `${this.constructor.name}.step: a parameter on "${p.device}" has a grad on "${g.device}"`,
      );
    }
    return g;
  }

  /**
   * Throws when `p`'s state tensors live on another device than `p` (the model was moved after
   * the optimizer stepped), naming the fix.
   * @internal
   */
  protected _checkStateDevice(p: Tensor): void {
    const st = this.state.get(p);
    if (st === undefined) return;
    for (const k in st) {
      const v = st[k];
      if (v instanceof Tensor && v.device !== p.device) {
        throw new Error(
          `${this.constructor.name}.step: the state "${k}" of a parameter is on "${v.device}" but the parameter ` +
            `is on "${p.device}" (the model was moved after the optimizer stepped); move the state with ` +
            "`await opt.loadStateDictAsync(opt.stateDict())`, or create the optimizer after moving the model",
        );
      }
    }
  }

  /**
   * Calls `update` for each parameter of `group` that has a gradient, with its state (created
   * empty on first use), each as a call of its own: the temporaries of one parameter's update
   * are freed before the next.
   * @internal
   */
  protected _eachParam(
    group: ParamGroup,
    update: (p: Tensor, grad: Tensor, state: ParamState) => void,
  ): void {
    for (const p of group.params) {
      const grad = this._gradOf(p);
      if (grad === null) continue;
      inFrameOf(() => {
        const state = this._stateOf(p);
        update(p, grad, state);
        keepState(state); // state made by this update outlives it
        if (isEmptyState(state)) this.state.delete(p); // stateless (plain SGD), as PyTorch
      });
    }
  }

  /** The state record of `p`, created empty on first use. @internal */
  protected _stateOf(p: Tensor): ParamState {
    let s = this.state.get(p);
    if (s === undefined) {
      s = {};
      this.state.set(p, s);
    }
    return s;
  }

  /**
   * The optimizer's state in PyTorch's layout (see {@link OptimizerStateDict}). State tensors are
   * the optimizer's own (not copies), as in PyTorch; save or load them before stepping again.
   * @example
   * ```ts
   * import { deepStrictEqual as assertEquals } from "node:assert/strict";
   * import * as torch from "../../mod.ts";
   * import { SGD } from "./mod.ts";
   * const w = torch.ones([2], { requiresGrad: true });
   * const opt = new SGD([w], { lr: 0.1, momentum: 0.9 });
   * w.sum().backward();
   * opt.step();
   * const sd = opt.stateDict();
   * assertEquals([Object.keys(sd.state[0]), sd.paramGroups[0].params], [["momentumBuffer"], [0]]);
   * ```
   */
  stateDict(): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    const paramGroups = this.paramGroups.map((g) => {
      const packed: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(g)) if (k !== "params") packed[k] = copyValue(v);
      packed.params = g.params.map((p) => {
        if (!index.has(p)) index.set(p, index.size);
        return index.get(p)!;
      });
      return packed as { params: number[] } & Record<string, unknown>;
    });
    const state: Record<number, ParamState> = {};
    for (const [p, s] of this.state) {
      const i = index.get(p);
      if (i !== undefined) state[i] = { ...s };
    }
    return { state, paramGroups };
  }

  /**
   * Loads a state from {@link stateDict} (of an optimizer of the same kind over parameters of the
   * same shapes, in the same order). Tensors are copied and converted to each parameter's dtype
   * and device. Validates everything before changing anything.
   * @example
   * ```ts
   * import { deepStrictEqual as assertEquals } from "node:assert/strict";
   * import * as torch from "../../mod.ts";
   * import { Adam } from "./mod.ts";
   * const w = torch.ones([2], { requiresGrad: true });
   * const opt = new Adam([w], { lr: 0.1 });
   * w.sum().backward();
   * opt.step();
   * const w2 = torch.ones([2], { requiresGrad: true });
   * const opt2 = new Adam([w2]);
   * opt2.loadStateDict(opt.stateDict());
   * assertEquals([opt2.lr, opt2.state.get(w2)!.step], [0.1, 1]);
   * ```
   */
  loadStateDict(stateDict: OptimizerStateDict): void {
    const name = `${this.constructor.name}.loadStateDict`;
    if (
      stateDict === null || typeof stateDict !== "object" || stateDict.state === null ||
      typeof stateDict.state !== "object" || !Array.isArray(stateDict.paramGroups)
    ) {
      throw new TypeError(
        `${name}: expected an object with \`state\` and \`paramGroups\` (as returned by stateDict())`,
      );
    }
    const saved = stateDict.paramGroups;
    if (saved.length !== this.paramGroups.length) {
      throw new RangeError(
        `${name}: loaded state dict has a different number of parameter groups (${saved.length}) than the ` +
          `optimizer (${this.paramGroups.length})`,
      );
    }
    const idMap = new Map<number, Tensor>();
    saved.forEach((sg, gi) => {
      if (sg === null || typeof sg !== "object" || !Array.isArray(sg.params)) {
        throw new TypeError(
          `${name}: parameter group ${gi} of the loaded state dict has no \`params\` array`,
        );
      }
      const ours = this.paramGroups[gi].params;
      if (sg.params.length !== ours.length) {
        throw new RangeError(
          `${name}: loaded state dict contains a parameter group that doesn't match the size of optimizer's ` +
            `group (group ${gi}: ${sg.params.length} saved parameters, ${ours.length} in the optimizer)`,
        );
      }
      if (typeof sg.lr !== "number") throw new TypeError(`${name}: parameter group ${gi} has no numeric lr`);
      sg.params.forEach((id, j) => idMap.set(Number(id), ours[j]));
    });
    const newState = new Map<Tensor, ParamState>();
    for (const [key, entry] of Object.entries(stateDict.state)) {
      const p = idMap.get(Number(key));
      if (p === undefined) {
        throw new RangeError(
          `${name}: state has an entry for parameter ${key}, which no parameter group lists`,
        );
      }
      if (entry === null || typeof entry !== "object") {
        throw new TypeError(`${name}: state of parameter ${key} must be an object, got ${typeName(entry)}`);
      }
      const st: ParamState = {};
      for (const [k, v] of Object.entries(entry)) {
        if (v instanceof Tensor) {
          if (k === "step") {
            if (v.device !== "cpu") {
              throw new Error(
                `${name}: state "step" of parameter ${key} is a tensor on "${v.device}"; use ` +
                  "`await opt.loadStateDictAsync(sd)`, which reads it",
              );
            }
            st[k] = Number(v.item());
            continue;
          }
          if (v.shape.length !== p.shape.length || v.shape.some((s, i) => s !== p.shape[i])) {
            throw new RangeError(
              `${name}: state "${k}" of parameter ${key} has shape ${
                fmtShape(v.shape)
              }, but the parameter has ` +
                `shape ${fmtShape(p.shape)}`,
            );
          }
          st[k] = v; // converted below, once everything is validated
        } else if (typeof v === "number") st[k] = v;
        else throw new TypeError(`${name}: state "${k}" of parameter ${key} must be a Tensor or a number`);
      }
      newState.set(p, st);
    }
    for (const [p, st] of newState) {
      for (const [k, v] of Object.entries(st)) {
        if (!(v instanceof Tensor)) continue;
        noGrad(() => {
          let t = v.detach();
          if (isFloating(p.dtype) && t.dtype !== p.dtype) t = t.to(p.dtype);
          if (t.device !== p.device) t = t.to(p.device);
          st[k] = t === v || t._storage === v._storage ? t.clone() : t;
        });
      }
    }
    this.paramGroups = saved.map((sg, gi) => {
      const g = {} as Record<string, unknown>;
      for (const [k, v] of Object.entries(this.defaults)) g[k] = copyValue(v);
      for (const [k, v] of Object.entries(sg)) if (k !== "params") g[k] = copyValue(v);
      g.params = this.paramGroups[gi].params;
      return g as ParamGroup & O;
    });
    this.state = newState;
    this._keepState();
  }

  /**
   * Like {@link loadStateDict}, for a state whose tensors live on another device than the
   * parameters in the direction that reads back asynchronously (GPU state into CPU
   * parameters): such tensors are read first, then the state is loaded.
   * @example
   * ```ts
   * import { deepStrictEqual as assertEquals } from "node:assert/strict";
   * import * as torch from "../../mod.ts";
   * import { SGD } from "./mod.ts";
   * const w = torch.ones([2], { requiresGrad: true });
   * const opt = new SGD([w], { lr: 0.1, momentum: 0.9 });
   * w.sum().backward();
   * opt.step();
   * await opt.loadStateDictAsync(opt.stateDict());
   * assertEquals(opt.state.get(w)!.momentumBuffer instanceof torch.Tensor, true);
   * ```
   */
  async loadStateDictAsync(stateDict: OptimizerStateDict): Promise<void> {
    if (
      stateDict === null || typeof stateDict !== "object" || stateDict.state === null ||
      typeof stateDict.state !== "object" || !Array.isArray(stateDict.paramGroups)
    ) {
      return this.loadStateDict(stateDict);
    }
    const params = new Map<number, Tensor>();
    stateDict.paramGroups.forEach((sg, gi) => {
      const ours = this.paramGroups[gi]?.params;
      if (ours && Array.isArray(sg?.params)) {
        sg.params.forEach((id, j) => ours[j] && params.set(Number(id), ours[j]));
      }
    });
    const state: Record<number, ParamState> = {};
    for (const [key, entry] of Object.entries(stateDict.state)) {
      const p = params.get(Number(key));
      if (entry === null || typeof entry !== "object" || p === undefined) {
        state[Number(key)] = entry;
        continue;
      }
      const st: ParamState = {};
      for (const [k, v] of Object.entries(entry)) {
        const target = k === "step" ? "cpu" : p.device;
        st[k] = v instanceof Tensor && v.device !== "cpu" && v.device !== target
          ? await v.toAsync(target)
          : v;
      }
      state[Number(key)] = st;
    }
    this.loadStateDict({ state, paramGroups: stateDict.paramGroups });
  }

  /** PyTorch's repr: the class name and each group's options. */
  toString(): string {
    let s = `${this.constructor.name} (`;
    this.paramGroups.forEach((g, i) => {
      s += `\nParameter Group ${i}\n`;
      for (const k of Object.keys(g).filter((k) => k !== "params").sort()) {
        const v = g[k];
        s += `    ${k}: ${Array.isArray(v) ? `[${v.join(", ")}]` : String(v)}\n`;
      }
    });
    return s + ")";
  }
  /** @internal Deno's console.log hook. */
  [Symbol.for("Deno.customInspect")](): string {
    return this.toString();
  }
  /** @internal Bun's and Node's console.log hook. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

/** Pins the tensors of one parameter's state: the optimizer holds them. */
function isEmptyState(state: ParamState): boolean {
  for (const _ in state) return false;
  return true;
}

function keepState(state: ParamState): void {
  for (const k in state) {
    const v = state[k];
    if (v instanceof Tensor) pinHandle(v);
  }
}

/**
 * `defaults` overridden by the options the user gave; throws on options the optimizer doesn't
 * have (naming the camelCase form of a snake_case one).
 * @internal
 */
export function withDefaults<O extends object>(
  name: string,
  options: Partial<O> | undefined,
  defaults: O,
): O {
  const out = { ...defaults } as Record<string, unknown>;
  if (options === undefined || options === null) return out as O;
  if (typeof options !== "object" || Array.isArray(options)) {
    throw new TypeError(`${name}: options must be an object such as { lr: 0.01 }, got ${typeName(options)}`);
  }
  for (const [k, v] of Object.entries(options)) {
    if (!(k in defaults)) {
      const camel = k.replace(SNAKE, (_, c: string) => c.toUpperCase());
      const hint = camel !== k && camel in defaults ? ` (options are camelCase: "${camel}")` : "";
      throw new TypeError(
        `${name}: unknown option "${k}"${hint}; known options: ${Object.keys(defaults).join(", ")}`,
      );
    }
    if (v !== undefined) out[k] = v;
  }
  return out as O;
}

/** Throws `where: message` unless `ok`. @internal */
export function check(ok: boolean, where: string, message: string): void {
  if (!ok) throw new RangeError(`${where}: ${message}`);
}

/** The fused optimizer kernels (optional members of `Backend`). @internal */
export type FusedUpdates = Required<Pick<Backend, "adamUpdate" | "sgdUpdate">>;

/** True when `t` views the whole of its storage, row-major from offset 0. @internal */
export function wholeStorage(t: Tensor): boolean {
  return t._offset === 0 && t._storage.numel === t.numel() && t.isContiguous();
}

/**
 * The backend of `p` when its fused `kind` update applies to `p` (a float32 parameter viewing the
 * whole of its storage, on a backend with the kernel), else null.
 * @internal
 */
export function fusedBackend<K extends keyof FusedUpdates>(kind: K, p: Tensor): Pick<FusedUpdates, K> | null {
  if (p.dtype !== "float32" || !wholeStorage(p)) return null;
  const b = backendFor(p.device);
  return b[kind] ? (b as Pick<FusedUpdates, K>) : null;
}

/** True when state tensor `t` can be passed to a fused update of `p`. @internal */
export function fusedState(t: unknown, p: Tensor): t is Tensor {
  return t instanceof Tensor && t.dtype === "float32" && t.device === p.device && wholeStorage(t) &&
    t.numel() === p.numel() && t._storage !== p._storage;
}

/**
 * `grad` as a storage a fused update of `p` can read (its own when it views all of it; otherwise
 * a contiguous copy, freed with the running call), or null when its dtype does not fit.
 * @internal
 */
export function fusedGrad(grad: Tensor, p: Tensor): Storage | null {
  if (grad.dtype !== "float32") return null;
  if (wholeStorage(grad) && grad._storage !== p._storage) return grad._storage;
  return grad.clone()._storage;
}

/** Records the in-place writes of a fused update (autograd's version counters). @internal */
export function bumpVersions(...ts: (Tensor | null | undefined)[]): void {
  for (const t of ts) if (t) bumpVersion(t._storage);
}

/**
 * How an optimizer uses its backend's fused update: `undefined` (default) wherever it applies,
 * `false` never (the composed tensor ops), `true` always (a parameter it cannot serve is an error).
 * @internal
 */
export function checkFused(name: string, fused: unknown): boolean | undefined {
  if (fused !== undefined && typeof fused !== "boolean") {
    throw new TypeError(`${name}: fused must be a boolean or undefined, got ${typeName(fused)}`);
  }
  return fused as boolean | undefined;
}

/**
 * Splits the `fused` flag off an optimizer's options (it is neither a default nor a group option).
 * @internal
 */
export function splitFused<O extends { fused?: boolean }>(
  name: string,
  options: O | undefined,
): [boolean | undefined, Omit<O, "fused"> | undefined] {
  if (options === null || typeof options !== "object" || Array.isArray(options)) return [undefined, options];
  const { fused, ...rest } = options;
  return [checkFused(name, fused), rest];
}

/** The error `fused: true` gives for a parameter the fused kernel cannot serve. @internal */
export function fusedUnavailable(name: string, p: Tensor): Error {
  return new Error(
    `${name}.step: fused: true, but no fused update serves a ${p.dtype} parameter of shape ${
      fmtShape(p.shape)
    } on "${p.device}" (fused kernels exist for float32 parameters on the GPU backend)`,
  );
}
