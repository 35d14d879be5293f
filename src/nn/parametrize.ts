/**
 * `nn.utils.parametrize`, as PyTorch 1.13's `torch.nn.utils.parametrize`: a parameter or buffer
 * of a module is replaced by a function of unconstrained tensors. After
 * `registerParametrization(module, "weight", p)`, the tensor lives on as
 * `module.parametrizations.weight.original` (state-dict key `parametrizations.weight.original`,
 * as PyTorch names it) and reading `module.weight` computes `p(original)` again at each read (once
 * per {@link cached} block), so gradients flow to `original`. Several parametrizations on one
 * tensor chain (`p2(p1(original))`); assigning `module.weight = value` stores
 * `rightInverse(value)` in `original`. A parametrization is a `Module` whose `forward` takes the
 * original tensor(s); its optional `rightInverse(value)` maps a value back (returning an array of
 * tensors makes `original0`, `original1`, ...).
 * @module
 */
import { Tensor } from "../tensor.ts";
import { noGrad } from "../autograd/grad_mode.ts";
import { inFrameOf, pinHandle, releaseHandle } from "../memory.ts";
import { fmtShape } from "../shape.ts";
import { Module, Parameter, setTensorData } from "./module.ts";
import { ModuleDict } from "./layers/container.ts";

type Fields = Record<string, unknown>;

/**
 * What a parametrization's `rightInverse` throws when it has no inverse for its current setting
 * (PyTorch's `NotImplementedError`): registering it then keeps the tensor as it is, as PyTorch does.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import { nn } from "../../mod.ts";
 * const e = new nn.utils.parametrize.NotImplementedError("no inverse");
 * assertEquals([e.name, e instanceof Error], ["NotImplementedError", true]);
 * ```
 */
export class NotImplementedError extends Error {
  /** Creates the error with its message. */
  constructor(message: string) {
    super(message);
    this.name = "NotImplementedError";
  }
}

/** A parametrization: a module whose forward maps the original tensor(s) to the tensor the owner reads. */
export interface Parametrization extends Module {
  /** Optional inverse: the original tensor(s) that `forward` maps to `value`. */
  rightInverse?(value: Tensor): Tensor | Tensor[];
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (v === undefined) return "undefined";
  if (Array.isArray(v)) return "an array";
  if (v instanceof Tensor) return `a tensor of shape ${fmtShape(v.shape)}`;
  return typeof v;
}

function rightInverseOf(m: Module): ((v: Tensor) => unknown) | null {
  const ri = (m as unknown as { rightInverse?: unknown }).rightInverse;
  return typeof ri === "function" ? (v: Tensor) => ri.call(m, v) : null;
}

const sameShape = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length && a.every((s, i) => s === b[i]);

/** Registers `t` on `m` under `name`: a parameter field for a Parameter, a buffer otherwise. */
function registerParameterOrBuffer(m: Module, name: string, t: Tensor): void {
  if (t instanceof Parameter) (m as unknown as Fields)[name] = t;
  else m.registerBuffer(name, t);
}

/**
 * The parametrizations of one tensor, in order (PyTorch's `ParametrizationList`), with the
 * unconstrained tensor(s) they start from: `original` (or `original0`, `original1`, ... when
 * `rightInverse` gives several), parameters when the parametrized tensor was a parameter, buffers
 * otherwise. Calling it computes the parametrized tensor. Made by {@link registerParametrization}.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { nn } from "../../mod.ts";
 * class Double extends nn.Module {
 *   override forward(x: torch.Tensor): torch.Tensor {
 *     return x.mul(2);
 *   }
 * }
 * const m = nn.utils.parametrize.registerParametrization(new nn.Linear(2, 2), "weight", new Double());
 * const list = m.parametrizations.weight;
 * assertEquals([list instanceof nn.utils.parametrize.ParametrizationList, list.length], [true, 1]);
 * assertEquals(list().toArray(), list.original.mul(2).toArray());
 * ```
 */
export class ParametrizationList extends Module {
  /** The parametrization at a position (as `list.at(i)`). */
  readonly [index: number]: Module;
  /** The unconstrained tensor, when `rightInverse` gives one tensor (else undefined). */
  declare original: Tensor;
  /** Whether shape and dtype checks are skipped (`unsafe` of any registration). */
  declare unsafe: boolean;
  /** True when there is one original tensor (`original`), false for `original0`, `original1`, ... */
  declare isTensor: boolean;
  /** How many original tensors there are. */
  declare ntensors: number;
  /** @internal The parametrizations, in order. */
  declare _list: Module[];

  /**
   * Starts the list with `modules` and the tensor they parametrize: `original` is set (in
   * place, keeping its identity) to the right inverse of its value through the modules.
   */
  constructor(modules: Module[], original: Tensor, unsafe = false) {
    super();
    const op = "registerParametrization";
    const hidden = (key: string, value: unknown) =>
      Object.defineProperty(this, key, { value, writable: true, enumerable: false, configurable: true });
    hidden("_list", []);
    hidden("unsafe", unsafe);
    for (const m of modules) this.append(m);
    const originalShape = original.shape, originalDType = original.dtype;
    inFrameOf(() => {
      const value: unknown = noGrad(() => {
        let v: unknown = original;
        for (const m of [...this._list].reverse()) {
          const ri = rightInverseOf(m);
          if (ri === null) continue;
          try {
            v = ri(v as Tensor);
          } catch (e) {
            if (!(e instanceof NotImplementedError)) throw e;
          }
        }
        return v;
      });
      if (!(value instanceof Tensor) && !Array.isArray(value)) {
        throw new TypeError(
          `${op}: 'rightInverse' must return a Tensor or an array of tensors, got ${describe(value)}`,
        );
      }
      hidden("isTensor", value instanceof Tensor);
      hidden("ntensors", value instanceof Tensor ? 1 : (value as unknown[]).length);
      if (value instanceof Tensor) {
        if (value.dtype !== originalDType) {
          throw new TypeError(
            `${op}: when 'rightInverse' outputs one tensor, it may not change the dtype.\n` +
              `original.dtype: ${originalDType}\nrightInverse(original).dtype: ${value.dtype}`,
          );
        }
        if (value !== original) noGrad(() => setTensorData(original, value as Tensor));
        registerParameterOrBuffer(this, "original", original);
      } else {
        (value as unknown[]).forEach((vi, i) => {
          if (!(vi instanceof Tensor)) {
            throw new TypeError(
              `${op}: 'rightInverse' must return a Tensor or an array of tensors, got ${
                describe(vi)
              } at ${i}`,
            );
          }
          const t = original instanceof Parameter ? new Parameter(vi.detach(), original.requiresGrad) : vi;
          if (!(original instanceof Parameter)) t.requiresGrad_(original.requiresGrad);
          registerParameterOrBuffer(this, `original${i}`, t);
        });
      }
      if (!this.unsafe) {
        const z: unknown = (this as unknown as () => unknown)();
        if (!(z instanceof Tensor)) {
          throw new TypeError(`${op}: a parametrization must return a tensor, got ${describe(z)}`);
        }
        if (z.dtype !== originalDType) {
          throw new TypeError(
            `${op}: registering a parametrization may not change the dtype of the tensor, unless \`unsafe\` is enabled.\n` +
              `unparametrized dtype: ${originalDType}\nparametrized dtype: ${z.dtype}`,
          );
        }
        if (!sameShape(z.shape, originalShape)) {
          throw new RangeError(
            `${op}: registering a parametrization may not change the shape of the tensor, unless \`unsafe\` is enabled.\n` +
              `unparametrized shape: ${fmtShape(originalShape)}\nparametrized shape: ${fmtShape(z.shape)}`,
          );
        }
      }
    });
  }

  /** @internal */
  override _ownChildren(): [string, Module][] {
    return this._list.map((m, i) => [String(i), m]);
  }

  /** Number of parametrizations. */
  override get length(): number {
    return this._list.length;
  }

  /** The parametrization at position `i` (negative counts from the end). */
  at<T extends Module = Module>(i: number): T {
    const n = this._list.length;
    const j = i < 0 ? i + n : i;
    if (!Number.isInteger(j) || j < 0 || j >= n) {
      throw new RangeError(`ParametrizationList.at: index ${i} is out of range for ${n} parametrizations`);
    }
    return this._list[j] as T;
  }

  /** Appends a parametrization (what registering a second one on the same tensor does); returns this. */
  append(module: Module): this {
    if (!(module instanceof Module)) {
      throw new TypeError(`ParametrizationList.append: expected a Module, got ${describe(module)}`);
    }
    const i = this._list.length;
    this._list.push(module);
    Object.defineProperty(this, i, { get: () => this._list[i], enumerable: false, configurable: true });
    return this;
  }

  /** Iterates the parametrizations in order. */
  [Symbol.iterator](): Iterator<Module> {
    return this._list[Symbol.iterator]();
  }

  /** The original tensors, in order (`[original]` or `[original0, original1, ...]`). */
  originals(): Tensor[] {
    const fields = this as unknown as Fields;
    return this.isTensor
      ? [this.original]
      : Array.from({ length: this.ntensors }, (_, i) => fields[`original${i}`] as Tensor);
  }

  /** The parametrized tensor: the parametrizations applied in order to the original(s). */
  override forward(): Tensor {
    const [first, ...rest] = this._list;
    let x = (first as unknown as (...a: Tensor[]) => Tensor)(...this.originals());
    for (const m of rest) x = (m as unknown as (a: Tensor) => Tensor)(x);
    return x;
  }

  /**
   * Stores `value` in the original tensor(s): the right inverses applied in reverse order, copied
   * into `original` in place (keeping its identity, so optimizers keep working). What assigning
   * `module[name] = value` does. Every parametrization must have a `rightInverse`.
   */
  rightInverse(value: Tensor): void {
    const op = "ParametrizationList.rightInverse";
    inFrameOf(() =>
      noGrad(() => {
        let v: unknown = value;
        for (const m of [...this._list].reverse()) {
          const ri = rightInverseOf(m);
          if (ri === null) {
            throw new Error(`${op}: parametrization ${m._getName()} does not implement rightInverse`);
          }
          v = ri(v as Tensor);
        }
        const targets = this.originals();
        const values = this.isTensor ? [v] : v;
        if (!this.isTensor && (!Array.isArray(values) || values.length !== this.ntensors)) {
          throw new TypeError(
            `${op}: 'rightInverse' must return an array of ${this.ntensors} tensors, got ${
              describe(values)
            }` +
              (Array.isArray(values) ? ` of length ${values.length}` : ""),
          );
        }
        (values as unknown[]).forEach((vi, i) => {
          const target = targets[i];
          if (!(vi instanceof Tensor)) {
            throw new TypeError(`${op}: 'rightInverse' must return tensors, got ${describe(vi)}`);
          }
          if (vi.dtype !== target.dtype) {
            throw new TypeError(
              `${op}: the tensor returned by 'rightInverse' has dtype ${vi.dtype} while the original has dtype ${target.dtype}`,
            );
          }
          if (vi.device !== target.device) {
            throw new TypeError(
              `${op}: the tensor returned by 'rightInverse' is on "${vi.device}" while the original is on "${target.device}"`,
            );
          }
          setTensorData(target, vi);
        });
      })
    );
  }
}

/** The `parametrizations` field a parametrized module gets: a ModuleDict, also readable as `.weight`. */
export type ParametrizationDict = ModuleDict & { readonly [tensorName: string]: ParametrizationList };

/** A module after {@link registerParametrization}: it has `parametrizations`. */
export type ParametrizedModule<M extends Module = Module> = M & { parametrizations: ParametrizationDict };

/** Options of {@link registerParametrization}. */
export interface RegisterParametrizationOptions {
  /** Skip the checks that the parametrization keeps shape and dtype (default false). */
  unsafe?: boolean;
}

/** Depth of nested {@link cached} blocks, and what they computed. */
let cacheDepth = 0;
/**
 * Each cached tensor with a pinned alias of its storage: the alias keeps the value alive across
 * the calls of the block (the tensor itself belongs to the call that first read it), and is
 * released when the block ends.
 */
const cache = new Map<ParametrizationList, { tensor: Tensor; alias: Tensor }>();

/** Ends the outermost {@link cached} block: what `result` holds stays the caller's, the rest is released. */
function dropCache(result: unknown): void {
  const kept = new Set<Tensor>();
  const seen = new Set<unknown>();
  const stack: unknown[] = [result];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || typeof v !== "object" || seen.has(v)) continue;
    seen.add(v);
    if (v instanceof Tensor) kept.add(v);
    else if (Array.isArray(v)) stack.push(...v);
    else if (v instanceof Map) { for (const [k, item] of v) stack.push(k, item); }
    else if (v instanceof Set) stack.push(...v);
    else if (Object.getPrototypeOf(v) === Object.prototype) stack.push(...Object.values(v));
  }
  for (const { tensor, alias } of cache.values()) {
    if (kept.has(tensor)) pinHandle(tensor);
    releaseHandle(alias);
  }
  cache.clear();
}

function parametrizationsOf(module: Module): ParametrizationDict | null {
  const p = (module as unknown as Fields).parametrizations;
  return p instanceof ModuleDict ? p as ParametrizationDict : null;
}

/**
 * Whether `module` has a parametrization on `tensorName`, or on any tensor when `tensorName` is
 * left out (PyTorch's `is_parametrized`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { nn } from "../../mod.ts";
 * const { registerParametrization, isParametrized } = nn.utils.parametrize;
 * class Neg extends nn.Module {
 *   override forward(x: torch.Tensor): torch.Tensor {
 *     return x.neg();
 *   }
 * }
 * const m = new nn.Linear(2, 2);
 * assertEquals(isParametrized(m), false);
 * registerParametrization(m, "bias", new Neg());
 * assertEquals([isParametrized(m), isParametrized(m, "bias"), isParametrized(m, "weight")], [true, true, false]);
 * ```
 */
export function isParametrized(module: Module, tensorName?: string): boolean {
  const p = module instanceof Module ? parametrizationsOf(module) : null;
  if (p === null) return false;
  return tensorName === undefined ? p.length > 0 : p.has(tensorName);
}

/** Makes `module[name]` read (and assign) through its ParametrizationList. */
function injectProperty(module: Module, name: string, dict: ParametrizationDict): void {
  Object.defineProperty(module, name, {
    get: () => {
      const list = dict.get<ParametrizationList>(name);
      if (cacheDepth === 0) return list();
      let entry = cache.get(list);
      if (entry === undefined) {
        const tensor = list();
        const alias = pinHandle(
          new Tensor(tensor._storage, tensor.shape, tensor._strides, tensor._offset, tensor.dtype),
        );
        cache.set(list, entry = { tensor, alias });
      }
      return entry.tensor;
    },
    set: (value: Tensor) => {
      if (!(value instanceof Tensor)) {
        throw new TypeError(
          `cannot assign ${describe(value)} to the parametrized tensor "${name}" (Tensor required)`,
        );
      }
      dict.get<ParametrizationList>(name).rightInverse(value);
    },
    enumerable: false,
    configurable: true,
  });
}

/**
 * Replaces the parameter or buffer `tensorName` of `module` by `parametrization(original)`
 * (PyTorch 1.13's `register_parametrization`). The tensor moves, keeping its identity, to
 * `module.parametrizations[tensorName].original` (set first to `parametrization.rightInverse`
 * of its value when the parametrization has one); `module[tensorName]` then computes the
 * parametrized value at each read, and assigning it stores its right inverse. Registering
 * again on the same tensor chains the new parametrization after the others. Unless `unsafe`,
 * the parametrized value must keep the tensor's shape and dtype. State-dict keys are PyTorch's
 * (`parametrizations.weight.original`), and the module prints as `Parametrized<Class>`.
 * Returns the module.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { nn } from "../../mod.ts";
 * class Symmetric extends nn.Module {
 *   override forward(x: torch.Tensor): torch.Tensor {
 *     return x.triu().add(x.triu(1).mT);
 *   }
 * }
 * const m = nn.utils.parametrize.registerParametrization(new nn.Linear(3, 3), "weight", new Symmetric());
 * assertEquals(Object.keys(m.stateDict()), ["bias", "parametrizations.weight.original"]);
 * const w = m.weight;
 * assertEquals(w.toArray(), w.mT.toArray());
 * m(torch.randn(2, 3)).sum().backward();
 * assertEquals(m.parametrizations.weight.original.grad!.shape, [3, 3]);
 * ```
 */
export function registerParametrization<M extends Module>(
  module: M,
  tensorName: string,
  parametrization: Module,
  opts: RegisterParametrizationOptions = {},
): ParametrizedModule<M> {
  const op = "registerParametrization";
  if (!(module instanceof Module)) throw new TypeError(`${op}: expected a Module, got ${describe(module)}`);
  if (!(parametrization instanceof Module)) {
    throw new TypeError(`${op}: a parametrization must be a Module, got ${describe(parametrization)}`);
  }
  if (typeof tensorName !== "string" || tensorName === "" || tensorName.includes(".")) {
    throw new TypeError(
      `${op}: tensorName must be a non-empty string without ".", got ${JSON.stringify(tensorName)}`,
    );
  }
  const unsafe = opts.unsafe ?? false;
  parametrization.train(module.training);
  const fields = module as unknown as Fields;
  if (isParametrized(module, tensorName)) {
    if (!unsafe) {
      inFrameOf(() => {
        const y = fields[tensorName] as Tensor;
        const x: unknown = (parametrization as unknown as (t: Tensor) => unknown)(y);
        if (!(x instanceof Tensor)) {
          throw new TypeError(`${op}: a parametrization must return a tensor, got ${describe(x)}`);
        }
        const check = (what: string, t: Tensor) => {
          if (t.dtype !== y.dtype) {
            throw new TypeError(
              `${op}: registering a parametrization may not change the dtype of the tensor, unless \`unsafe\` is enabled.\n` +
                `module.${tensorName}.dtype: ${y.dtype}\n${what}.dtype: ${t.dtype}`,
            );
          }
          if (!sameShape(t.shape, y.shape)) {
            throw new RangeError(
              `${op}: registering a parametrization may not change the shape of the tensor, unless \`unsafe\` is enabled.\n` +
                `module.${tensorName}.shape: ${fmtShape(y.shape)}\n${what}.shape: ${fmtShape(t.shape)}`,
            );
          }
        };
        check(`parametrization(module.${tensorName})`, x);
        const ri = rightInverseOf(parametrization);
        if (ri !== null) {
          let z: unknown;
          try {
            z = ri(x);
          } catch (e) {
            if (!(e instanceof NotImplementedError)) throw e;
            return;
          }
          if (!(z instanceof Tensor)) {
            throw new TypeError(
              `${op}: parametrization.rightInverse must return a tensor, got ${describe(z)}`,
            );
          }
          check(`parametrization.rightInverse(module.${tensorName})`, z);
        }
      });
    }
    const list = parametrizationsOf(module)!.get<ParametrizationList>(tensorName);
    list.append(parametrization);
    list.unsafe ||= unsafe;
    return module as ParametrizedModule<M>;
  }
  const own = Object.prototype.hasOwnProperty.call(module, tensorName) ? fields[tensorName] : undefined;
  const isParam = own instanceof Parameter && Object.getOwnPropertyDescriptor(module, tensorName)!.enumerable;
  const buffer = module._buffers.get(tensorName);
  if (!isParam && !(buffer instanceof Tensor)) {
    throw new Error(
      `${op}: Module '${module._getName()}' does not have a parameter, a buffer, or a parametrized element ` +
        `with name '${tensorName}'`,
    );
  }
  const original = isParam ? own as Parameter : buffer as Tensor;
  const list = new ParametrizationList([parametrization], original, unsafe);
  if (isParam) delete fields[tensorName];
  else {
    module._buffers.delete(tensorName);
    module._nonPersistent.delete(tensorName);
    delete fields[tensorName];
  }
  let dict = parametrizationsOf(module);
  if (dict === null) {
    const base = module._getName();
    Object.defineProperty(module, "_getName", {
      value: () => `Parametrized${base}`,
      writable: true,
      enumerable: false,
      configurable: true,
    });
    dict = new ModuleDict() as ParametrizationDict;
    fields.parametrizations = dict;
  }
  injectProperty(module, tensorName, dict);
  dict.set(tensorName, list);
  if (!(tensorName in dict)) {
    Object.defineProperty(dict, tensorName, {
      get: () => dict!.get(tensorName),
      enumerable: false,
      configurable: true,
    });
  }
  return module as ParametrizedModule<M>;
}

/** Options of {@link removeParametrizations}. */
export interface RemoveParametrizationsOptions {
  /**
   * Keep the current parametrized value (default true); false restores the original tensor
   * (only possible when there is one original).
   */
  leaveParametrized?: boolean;
}

/**
 * Removes every parametrization of `tensorName` (PyTorch's `remove_parametrizations`): the
 * tensor becomes a plain parameter or buffer again, holding the parametrized value (or, with
 * `leaveParametrized: false`, the original). With one original tensor, the parameter keeps its
 * identity (optimizers keep working). Once no tensor is parametrized, `parametrizations` goes
 * too. Returns the module.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { nn } from "../../mod.ts";
 * const { registerParametrization, removeParametrizations } = nn.utils.parametrize;
 * class Abs extends nn.Module {
 *   override forward(x: torch.Tensor): torch.Tensor {
 *     return x.abs();
 *   }
 * }
 * const m = registerParametrization(new nn.Linear(2, 2), "bias", new Abs());
 * const original = m.parametrizations.bias.original;
 * removeParametrizations(m, "bias");
 * assertEquals(Object.keys(m.stateDict()), ["weight", "bias"]);
 * assertEquals([m.bias === original, [...m.bias!.dataSync()].every((v) => v >= 0)], [true, true]);
 * ```
 */
export function removeParametrizations<M extends Module>(
  module: M,
  tensorName: string,
  opts: RemoveParametrizationsOptions = {},
): M {
  const op = "removeParametrizations";
  const leaveParametrized = opts.leaveParametrized ?? true;
  if (!isParametrized(module, tensorName)) {
    throw new Error(
      `${op}: Module ${
        module instanceof Module ? module._getName() : describe(module)
      } does not have a parametrization on ${tensorName}`,
    );
  }
  const fields = module as unknown as Fields;
  const dict = parametrizationsOf(module)!;
  const list = dict.get<ParametrizationList>(tensorName);
  let original: Tensor;
  if (list.isTensor) {
    original = list.original;
    if (leaveParametrized) {
      inFrameOf(() => {
        const t = noGrad(() => fields[tensorName] as Tensor);
        noGrad(() => setTensorData(original, t.detach()));
      });
    }
  } else {
    if (!leaveParametrized) {
      throw new Error(
        `${op}: cannot leave unparametrized (\`leaveParametrized: false\`) a tensor that is parametrized ` +
          `in terms of a sequence of tensors`,
      );
    }
    original = inFrameOf(() => {
      const t = fields[tensorName] as Tensor;
      return new Parameter(t.detach(), t.requiresGrad);
    });
  }
  const entry = cache.get(list);
  if (entry !== undefined) {
    pinHandle(entry.tensor);
    releaseHandle(entry.alias);
    cache.delete(list);
  }
  delete fields[tensorName];
  dict.delete(tensorName);
  if (Object.prototype.hasOwnProperty.call(dict, tensorName)) delete (dict as unknown as Fields)[tensorName];
  registerParameterOrBuffer(module, tensorName, original);
  if (!isParametrized(module)) {
    delete fields.parametrizations;
    delete (module as unknown as Fields)._getName;
  }
  return module;
}

/**
 * Runs `fn` with the parametrized tensors cached (PyTorch's `with parametrize.cached():`): inside,
 * each parametrized tensor is computed on its first read and the same tensor is returned after,
 * so a tensor read by many calls (an RNN's weight at each step) is computed once. The cache is
 * dropped when the outermost `cached` returns (for an async `fn`, when its promise settles): as
 * with `torch.scope`, a cached tensor that `fn` neither returns nor `torch.keep`s is released
 * then (graphs built from it keep what their backward needs). Returns what `fn` returns.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { nn } from "../../mod.ts";
 * let calls = 0;
 * class Counted extends nn.Module {
 *   override forward(x: torch.Tensor): torch.Tensor {
 *     calls++;
 *     return x.mul(2);
 *   }
 * }
 * const m = nn.utils.parametrize.registerParametrization(new nn.Linear(2, 2), "weight", new Counted());
 * calls = 0;
 * const same = nn.utils.parametrize.cached(() => m.weight === m.weight);
 * assertEquals([same, calls], [true, 1]);
 * m.weight;
 * assertEquals(calls, 2);
 * ```
 */
export function cached<T>(fn: () => T): T {
  if (typeof fn !== "function") {
    throw new TypeError(`parametrize.cached: expected a function, got ${describe(fn)}`);
  }
  cacheDepth++;
  const leave = (result: unknown) => {
    if (--cacheDepth === 0) dropCache(result);
  };
  let result: T;
  try {
    result = fn();
  } catch (e) {
    leave(undefined);
    throw e;
  }
  if (result instanceof Promise) {
    return result.then((v) => (leave(v), v), (e) => {
      leave(undefined);
      throw e;
    }) as T;
  }
  leave(result);
  return result;
}

/**
 * The class of `module` before any parametrization (PyTorch's `type_before_parametrizations`).
 * Registering a parametrization does not change a module's class here (only its printed name,
 * `Parametrized<Class>`), so this is `module.constructor` either way.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { nn } from "../../mod.ts";
 * class Neg extends nn.Module {
 *   override forward(x: torch.Tensor): torch.Tensor {
 *     return x.neg();
 *   }
 * }
 * const m = nn.utils.parametrize.registerParametrization(new nn.Linear(2, 2), "bias", new Neg());
 * assertEquals(nn.utils.parametrize.typeBeforeParametrizations(m), nn.Linear);
 * assertEquals(m._getName(), "ParametrizedLinear");
 * ```
 */
export function typeBeforeParametrizations(module: Module): new (...args: never[]) => Module {
  if (!(module instanceof Module)) {
    throw new TypeError(`typeBeforeParametrizations: expected a Module, got ${describe(module)}`);
  }
  return module.constructor as new (...args: never[]) => Module;
}

/**
 * Gives `toModule` the parametrizations of `fromModule` (all of them, or those of `tensorName`)
 * and makes it share their original tensors (PyTorch's `transfer_parametrizations_and_params`):
 * the parametrization modules and the `original` parameters are the same objects in both
 * afterwards. A tensor `toModule` lacks is first added to it as a parameter holding
 * `fromModule`'s current value. Returns `toModule`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { nn } from "../../mod.ts";
 * const { registerParametrization, transferParametrizationsAndParams } = nn.utils.parametrize;
 * class Abs extends nn.Module {
 *   override forward(x: torch.Tensor): torch.Tensor {
 *     return x.abs();
 *   }
 * }
 * const a = registerParametrization(new nn.Linear(2, 2), "weight", new Abs());
 * const b = transferParametrizationsAndParams(a, new nn.Linear(2, 2));
 * assertEquals(b.parametrizations.weight.original === a.parametrizations.weight.original, true);
 * assertEquals(b.weight.toArray(), a.weight.toArray());
 * ```
 */
export function transferParametrizationsAndParams<M extends Module>(
  fromModule: Module,
  toModule: M,
  tensorName?: string,
): ParametrizedModule<M> {
  const op = "transferParametrizationsAndParams";
  if (!(fromModule instanceof Module) || !(toModule instanceof Module)) {
    throw new TypeError(`${op}: expected two Modules, got ${describe(fromModule)} and ${describe(toModule)}`);
  }
  const from = parametrizationsOf(fromModule);
  if (from === null || from.length === 0) return toModule as ParametrizedModule<M>;
  if (tensorName !== undefined && !from.has(tensorName)) {
    throw new Error(
      `${op}: Module ${fromModule._getName()} does not have a parametrization on ${tensorName}`,
    );
  }
  const names = tensorName === undefined ? [...from.keys()] : [tensorName];
  const fields = toModule as unknown as Fields;
  for (const name of names) {
    if (!(name in toModule)) {
      fields[name] = inFrameOf(() => new Parameter((fromModule as unknown as Fields)[name] as Tensor));
    }
    const source = from.get<ParametrizationList>(name);
    for (const p of source) registerParametrization(toModule, name, p);
    const target = parametrizationsOf(toModule)!.get<ParametrizationList>(name);
    const targetFields = target as unknown as Fields;
    source.originals().forEach((t, i) => {
      targetFields[source.isTensor ? "original" : `original${i}`] = t;
    });
  }
  return toModule as ParametrizedModule<M>;
}
