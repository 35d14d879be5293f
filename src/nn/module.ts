/**
 * `nn.Module`, the base class of layers and models, and `nn.Parameter`.
 *
 * A module is callable (`model(x)` runs `forward`). Its parameters and submodules are found from
 * its fields, in definition order: a field holding a `Parameter`, a `Module`, or an array of them
 * (named `field.0`, `field.1`, ... like a `ModuleList`). Buffers are registered with
 * `registerBuffer`. Names, `stateDict()` keys and `String(model)` follow PyTorch exactly.
 * @module
 */
import type { Storage } from "../backends/backend.ts";
import type { Device } from "../backends/backend.ts";
import { checkDevice, isDeviceName } from "../backends/registry.ts";
import { checkDeviceDType, type DType, DTYPES, isFloating } from "../dtype.ts";
import { fmtShape } from "../shape.ts";
import { Tensor, type ToOptions } from "../tensor.ts";
import { noGrad } from "../autograd/grad_mode.ts";
import { empty } from "../creation.ts";
import { inFrameOf, moveHandle, pinHandle } from "../memory.ts";
import { callWithHooks, hasCallHooks, type ModuleHooks } from "./hooks.ts";
import { type ModuleMethods, moduleMethods } from "./module_methods.ts";

/**
 * A tensor that a module registers as a learnable parameter when it is assigned to one of the
 * module's fields. It shares storage with the tensor it wraps and requires grad by default.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import * as nn from "./mod.ts";
 * class Scale extends nn.Module {
 *   w = new nn.Parameter(torch.ones(3));
 *   override forward(x: torch.Tensor): torch.Tensor {
 *     return x.mul(this.w);
 *   }
 * }
 * const m = new Scale();
 * assertEquals(m.namedParameters().map(([n]) => n), ["w"]);
 * ```
 */
export class Parameter extends Tensor {
  /** Wraps `data` (default: an empty float32 tensor); `requiresGrad` defaults to true. */
  constructor(data: Tensor = empty(0), requiresGrad = true) {
    if (!(data instanceof Tensor)) {
      throw new TypeError(`Parameter: expected a Tensor to wrap, got ${describe(data)}`);
    }
    super(data._storage, data.shape, data._strides, data._offset, data.dtype);
    this.requiresGrad_(requiresGrad);
    if (!requiresGrad) pinHandle(this); // a module's parameter either way
  }
  /** PyTorch's form: `Parameter containing:\ntensor([...], requires_grad=True)`. */
  override toString(): string {
    return `Parameter containing:\n${super.toString()}`;
  }
}

/** Options of `Module.registerBuffer`. */
export interface BufferOptions {
  /** Whether the buffer is part of `stateDict()` (default true). */
  persistent?: boolean;
}

/** Options of `Module.loadStateDict`. */
export interface LoadStateDictOptions {
  /** Throw when keys are missing or unexpected (default true). Shape mismatches always throw. */
  strict?: boolean;
}

/** What `loadStateDict` reports: keys the module expected but did not get, and keys it did not know. */
export interface LoadStateDictResult {
  /** Keys the module expects that the state dict lacks. */
  missingKeys: string[];
  /** Keys of the state dict that the module does not have. */
  unexpectedKeys: string[];
}

/** A state dict: tensors keyed by dotted names (`0.weight`, `bn.running_mean`). */
export type StateDict = Record<string, Tensor>;

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (v instanceof Tensor) return `a tensor of shape ${fmtShape(v.shape)}`;
  return typeof v;
}

/** @internal Replaces what `t` views, in place (PyTorch's `param.data = other`). */
export function setTensorData(t: Tensor, src: Tensor): void {
  const m = t as unknown as {
    _storage: Storage;
    shape: readonly number[];
    _strides: readonly number[];
    _offset: number;
    dtype: DType;
  };
  moveHandle(t, src._storage);
  m.shape = src.shape;
  m._strides = src._strides;
  m._offset = src._offset;
  m.dtype = src.dtype;
}

/** Indents every line but the first by `n` spaces (PyTorch's `_addindent`). */
function addIndent(s: string, n: number): string {
  const lines = s.split("\n");
  if (lines.length === 1) return s;
  const pad = " ".repeat(n);
  return [lines[0], ...lines.slice(1).map((l) => pad + l)].join("\n");
}

/** Python's `repr` of a float: `1e-05`, `0.1`, `1.0`. */
export function pyFloat(x: number): string {
  if (x === null || x === undefined) return "None";
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const [mant, e] = x.toExponential().split("e");
  const ei = Number(e);
  if (ei < -4 || ei >= 16) return `${mant}e${ei < 0 ? "-" : "+"}${String(Math.abs(ei)).padStart(2, "0")}`;
  const s = String(x);
  return s.includes(".") ? s : `${s}.0`;
}

/** Python's `repr` of a bool. */
/** Python's repr of a tuple of ints: `(3, 3)`, `(3,)`. */
export function pyTuple(v: readonly number[]): string {
  return v.length === 1 ? `(${v[0]},)` : `(${v.join(", ")})`;
}

export function pyBool(b: boolean): string {
  return b ? "True" : "False";
}

/**
 * A module's call signature: calling it runs `forward` with the same arguments and result type.
 * (Declared through interface merging; a subclass field named `name` or `length` needs
 * `override`, because a callable type also has a function's `name` and `length`.)
 */
export interface Module extends ModuleMethods {
  (...args: Parameters<this["forward"]>): ReturnType<this["forward"]>;
}

/**
 * Base class for all layers and models. Subclasses assign parameters and submodules to fields
 * and write `forward`; the module itself is callable.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import * as nn from "./mod.ts";
 * class MLP extends nn.Module {
 *   fc1 = new nn.Linear(4, 8);
 *   act = new nn.ReLU();
 *   fc2 = new nn.Linear(8, 2);
 *   override forward(x: torch.Tensor): torch.Tensor {
 *     return this.fc2(this.act(this.fc1(x)));
 *   }
 * }
 * const model = new MLP();
 * const y = model(torch.randn(3, 4));
 * assertEquals(y.shape, [3, 2]);
 * assertEquals(Object.keys(model.stateDict()), ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]);
 * ```
 */
export class Module {
  /** True in training mode (`train()`), false in evaluation mode (`eval()`). */
  declare training: boolean;
  /** @internal Registered buffers, by name (null: registered but unset). */
  declare _buffers: Map<string, Tensor | null>;
  /** @internal Names of buffers left out of `stateDict()`. */
  declare _nonPersistent: Set<string>;
  /** @internal The module's hooks (null until one is registered). */
  declare _hooksOrNull: ModuleHooks | null;

  constructor() {
    // The instance is a function object (so `model(x)` works) whose prototype is the subclass's.
    // A call is a library call: what forward makes and neither returns nor stores on the module
    // is freed when it returns (src/memory.ts).
    const self = ((...args: unknown[]) =>
      inFrameOf(
        () =>
          hasCallHooks(self as Module)
            ? callWithHooks(self as Module, args)
            : (self as Module).forward(...args),
        self,
      )) as unknown as Module;
    delete (self as { name?: string }).name;
    delete (self as { length?: number }).length;
    Object.setPrototypeOf(self, new.target.prototype);
    const hidden = (key: string, value: unknown) =>
      Object.defineProperty(self, key, { value, writable: true, enumerable: false, configurable: true });
    hidden("training", true);
    hidden("_buffers", new Map());
    hidden("_nonPersistent", new Set());
    hidden("_hooksOrNull", null);
    return self;
  }

  /** The computation of the module; `module(...args)` calls it. Subclasses override it. */
  // deno-lint-ignore no-explicit-any
  forward(..._args: any[]): any {
    throw new Error(`Module [${this._getName()}] is missing the required "forward" function`);
  }

  /** @internal The class name used by `String(module)`. */
  _getName(): string {
    return this.constructor.name || "Module";
  }

  /** @internal This module's own parameters (not its children's), in field order. */
  _ownParameters(): [string, Parameter][] {
    const out: [string, Parameter][] = [];
    for (const key of Object.keys(this)) {
      const v = (this as unknown as Record<string, unknown>)[key];
      if (v instanceof Parameter) out.push([key, v]);
      else if (Array.isArray(v)) {
        v.forEach((item, i) => {
          if (item instanceof Parameter) out.push([`${key}.${i}`, item]);
        });
      }
    }
    return out;
  }

  /** @internal This module's direct submodules, in field order. Containers override it. */
  _ownChildren(): [string, Module][] {
    const out: [string, Module][] = [];
    for (const key of Object.keys(this)) {
      const v = (this as unknown as Record<string, unknown>)[key];
      if (v instanceof Module) out.push([key, v]);
      else if (Array.isArray(v)) {
        v.forEach((item, i) => {
          if (item instanceof Module) out.push([`${key}.${i}`, item]);
        });
      }
    }
    return out;
  }

  // ---- registration ----

  /**
   * Registers a tensor that is state but not a parameter (BatchNorm's running statistics): it is
   * moved by `to()`, saved by `stateDict()` unless `persistent: false`, and readable as a property
   * of the module under `name`.
   */
  registerBuffer(name: string, tensor: Tensor | null, opts: BufferOptions = {}): void {
    if (typeof name !== "string" || name === "" || name.includes(".")) {
      throw new TypeError(
        `registerBuffer: buffer name must be a non-empty string without ".", got ${JSON.stringify(name)}`,
      );
    }
    if (tensor !== null && !(tensor instanceof Tensor)) {
      throw new TypeError(
        `registerBuffer: cannot assign ${describe(tensor)} as buffer "${name}" (Tensor or null required)`,
      );
    }
    if (Object.prototype.hasOwnProperty.call(this, name) && !this._buffers.has(name)) {
      throw new Error(`registerBuffer: attribute "${name}" already exists`);
    }
    if (tensor !== null) pinHandle(tensor);
    this._buffers.set(name, tensor);
    if (opts.persistent === false) this._nonPersistent.add(name);
    else this._nonPersistent.delete(name);
    const buffers = this._buffers;
    Object.defineProperty(this, name, {
      get: () => buffers.get(name) ?? null,
      set: (v: Tensor | null) => {
        if (v !== null && !(v instanceof Tensor)) {
          throw new TypeError(`cannot assign ${describe(v)} as buffer "${name}" (Tensor or null required)`);
        }
        if (v !== null) pinHandle(v);
        buffers.set(name, v);
      },
      enumerable: false,
      configurable: true,
    });
  }

  /** Assigns `param` to the field `name` (what assigning a `Parameter` to a field does). */
  registerParameter(name: string, param: Parameter | null): void {
    if (param !== null && !(param instanceof Parameter)) {
      throw new TypeError(
        `registerParameter: cannot assign ${
          describe(param)
        } as parameter "${name}" (nn.Parameter or null required)`,
      );
    }
    (this as unknown as Record<string, unknown>)[name] = param;
  }

  /** Assigns `module` to the field `name` (what assigning a `Module` to a field does). */
  registerModule(name: string, module: Module | null): void {
    if (module !== null && !(module instanceof Module)) {
      throw new TypeError(`registerModule: ${describe(module)} is not a Module`);
    }
    (this as unknown as Record<string, unknown>)[name] = module;
  }

  /** PyTorch's older name for `registerModule`. */
  addModule(name: string, module: Module | null): void {
    this.registerModule(name, module);
  }

  // ---- traversal ----

  /** `[name, module]` for every direct submodule. */
  namedChildren(): [string, Module][] {
    const seen = new Set<Module>();
    return this._ownChildren().filter(([, m]) => (seen.has(m) ? false : (seen.add(m), true)));
  }

  /** Direct submodules. */
  children(): Module[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /** `[name, module]` for this module (name `""`) and every submodule, depth first, each once. */
  namedModules(prefix = ""): [string, Module][] {
    const out: [string, Module][] = [];
    const seen = new Set<Module>();
    const visit = (m: Module, p: string) => {
      if (seen.has(m)) return;
      seen.add(m);
      out.push([p, m]);
      for (const [n, c] of m._ownChildren()) visit(c, p ? `${p}.${n}` : n);
    };
    visit(this, prefix);
    return out;
  }

  /** This module and every submodule, depth first. */
  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }

  /**
   * `[name, parameter]` for every parameter, with dotted names (`0.weight`, `encoder.fc.bias`);
   * a parameter shared between modules is listed once. `recurse: false` lists only this module's.
   */
  namedParameters(opts: { prefix?: string; recurse?: boolean } = {}): [string, Parameter][] {
    const { prefix = "", recurse = true } = opts;
    const modules: [string, Module][] = recurse ? this.namedModules(prefix) : [[prefix, this]];
    const out: [string, Parameter][] = [];
    const seen = new Set<Parameter>();
    for (const [p, m] of modules) {
      for (const [n, param] of m._ownParameters()) {
        if (seen.has(param)) continue;
        seen.add(param);
        out.push([p ? `${p}.${n}` : n, param]);
      }
    }
    return out;
  }

  /** Every parameter (what an optimizer takes). */
  parameters(recurse = true): Parameter[] {
    return this.namedParameters({ recurse }).map(([, p]) => p);
  }

  /** `[name, buffer]` for every registered (non-null) buffer, with dotted names. */
  namedBuffers(opts: { prefix?: string; recurse?: boolean } = {}): [string, Tensor][] {
    const { prefix = "", recurse = true } = opts;
    const modules: [string, Module][] = recurse ? this.namedModules(prefix) : [[prefix, this]];
    const out: [string, Tensor][] = [];
    const seen = new Set<Tensor>();
    for (const [p, m] of modules) {
      for (const [n, b] of m._buffers) {
        if (b === null || seen.has(b)) continue;
        seen.add(b);
        out.push([p ? `${p}.${n}` : n, b]);
      }
    }
    return out;
  }

  /** Every registered buffer. */
  buffers(recurse = true): Tensor[] {
    return this.namedBuffers({ recurse }).map(([, b]) => b);
  }

  /** The submodule at a dotted path (`"encoder.0"`); `""` is this module. */
  getSubmodule(target: string): Module {
    let m = this as Module;
    if (target === "") return m;
    const parts = target.split(".");
    const walked: string[] = [];
    let i = 0;
    while (i < parts.length) {
      // Names of modules held in array fields contain a dot themselves (`blocks.0`).
      let next: Module | undefined;
      let j = i;
      const children = new Map(m._ownChildren());
      for (; j < parts.length && !next; j++) next = children.get(parts.slice(i, j + 1).join("."));
      if (!next) {
        const where = walked.length ? `"${walked.join(".")}" (${m._getName()})` : m._getName();
        throw new Error(`getSubmodule: ${where} has no submodule "${parts[i]}"`);
      }
      walked.push(...parts.slice(i, j));
      i = j;
      m = next;
    }
    return m;
  }

  // ---- modes and gradients ----

  /** Sets training mode (`mode`, default true) on this module and every submodule. */
  train(mode = true): this {
    if (typeof mode !== "boolean") {
      throw new TypeError(`train: training mode is expected to be boolean, got ${typeof mode}`);
    }
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  /** Evaluation mode: `train(false)` (Dropout off, BatchNorm uses running statistics). */
  eval(): this {
    return this.train(false);
  }

  /** Sets `requiresGrad` of every parameter (default true), e.g. to freeze a model. */
  requiresGrad_(requiresGrad = true): this {
    for (const p of this.parameters()) p.requiresGrad_(requiresGrad);
    return this;
  }

  /**
   * Clears the gradients of every parameter: sets them to null (PyTorch 2's default), or to
   * zeros in place with `setToNone: false`.
   */
  zeroGrad(opts: { setToNone?: boolean } = {}): void {
    const setToNone = opts.setToNone ?? true;
    for (const p of this.parameters()) {
      const g = p._grad;
      if (g === null) continue;
      if (setToNone) p._setGrad(null);
      else noGrad(() => g.detach().zero_());
    }
  }

  /** Calls `fn` on every submodule (children first) and then this module; returns this module. */
  apply(fn: (module: Module) => void): this {
    for (const c of this.children()) c.apply(fn);
    fn(this);
    return this;
  }

  // ---- devices and dtypes ----

  /**
   * Moves and/or casts parameters and buffers in place: `model.to("gpu")`, `model.to("float16")`,
   * `model.to({ device, dtype })`. Parameters keep their identity (their data is replaced, as
   * PyTorch's `param.data = ...`), so optimizers built before or after the move hold the same
   * tensors; gradients move with them. A dtype applies to floating point parameters and buffers
   * only. Moving to the GPU is synchronous (an upload); moving off it reads back asynchronously:
   * use {@link Module.toAsync} (`await model.toAsync("cpu")`), which this method names when asked.
   * Nothing is moved when the move cannot be done.
   * @example
   * ```ts
   * import { deepStrictEqual as assertEquals } from "node:assert/strict";
   * import * as torch from "../../mod.ts";
   * import * as nn from "./mod.ts";
   * const model = new nn.Linear(4, 2);
   * if (await torch.gpu.isAvailable()) {
   *   model.to("gpu");
   *   assertEquals(model.weight.device, "gpu");
   *   await model.toAsync("cpu");
   * }
   * assertEquals(model.weight.device, "cpu");
   * ```
   */
  to(target: Device | DType | ToOptions): this {
    const opts = this._toOptions("to", target);
    this._checkTargets("Module.to", opts);
    if (opts.device !== undefined) {
      const from = this._tensorsToMove().find((t) => t.device !== "cpu" && t.device !== opts.device);
      if (from) {
        throw new Error(
          `Module.to: moving a module off "${from.device}" reads its parameters back asynchronously; use ` +
            `\`await model.toAsync("${opts.device}")\` (or \`await model.cpuAsync()\`)`,
        );
      }
    }
    const convert = (t: Tensor): Tensor => {
      let out = t.detach();
      if (opts.dtype !== undefined && isFloating(t.dtype)) out = out.to(opts.dtype);
      if (opts.device !== undefined) out = out.to(opts.device);
      return out;
    };
    noGrad(() => this._replaceTensors(convert));
    return this;
  }

  /**
   * Like {@link Module.to}, on every device: moving off the GPU reads every parameter, gradient
   * and buffer back (asynchronously, all before anything is replaced). Parameters keep their
   * identity as with `to()`.
   * @example
   * ```ts
   * import { deepStrictEqual as assertEquals } from "node:assert/strict";
   * import * as nn from "./mod.ts";
   * const model = new nn.Linear(4, 2);
   * await model.toAsync("cpu");
   * assertEquals(model.weight.device, "cpu");
   * ```
   */
  async toAsync(target: Device | DType | ToOptions): Promise<this> {
    const opts = this._toOptions("toAsync", target);
    this._checkTargets("Module.toAsync", opts);
    const moved = new Map<Tensor, Tensor>();
    for (const t of this._tensorsToMove()) {
      if (moved.has(t)) continue;
      let out = t.detach();
      if (opts.device !== undefined) out = await out.toAsync(opts.device);
      moved.set(t, out);
    }
    const convert = (t: Tensor): Tensor => {
      let out = moved.get(t) ?? t.detach();
      if (opts.dtype !== undefined && isFloating(t.dtype)) out = out.to(opts.dtype);
      return out;
    };
    noGrad(() => this._replaceTensors(convert));
    return this;
  }

  /** @internal Throws, before anything moves, when a tensor's target dtype cannot live on its target device. */
  _checkTargets(op: string, opts: ToOptions): void {
    for (const t of this._tensorsToMove()) {
      const dtype = opts.dtype !== undefined && isFloating(t.dtype) ? opts.dtype : t.dtype;
      checkDeviceDType(op, dtype, opts.device ?? t.device);
    }
  }

  /** @internal Validated options of `to`/`toAsync`. */
  _toOptions(op: string, target: Device | DType | ToOptions): ToOptions {
    const opts: ToOptions = typeof target === "string"
      ? (isDeviceName(target) ? { device: target as Device } : { dtype: target as DType })
      : target;
    if (opts === null || typeof opts !== "object") {
      throw new TypeError(
        `Module.${op}: expected a device, a dtype or { device, dtype }, got ${describe(target)}`,
      );
    }
    if (opts.device !== undefined) checkDevice(`Module.${op}`, opts.device);
    if (opts.dtype !== undefined) {
      if (!DTYPES.includes(opts.dtype)) {
        throw new TypeError(`Module.${op}: unknown device or dtype ${JSON.stringify(opts.dtype)}`);
      }
      if (!isFloating(opts.dtype)) {
        throw new TypeError(
          `Module.${op}: only accepts floating point dtypes, but got desired dtype=${opts.dtype}`,
        );
      }
    }
    return opts;
  }

  /** @internal Every parameter, parameter gradient and buffer of this module and its submodules. */
  _tensorsToMove(): Tensor[] {
    const out: Tensor[] = [];
    for (const m of this.modules()) {
      for (const [, p] of m._ownParameters()) {
        out.push(p);
        if (p._grad !== null) out.push(p._grad);
      }
      for (const [, b] of m._buffers) if (b !== null) out.push(b);
    }
    return out;
  }

  /** @internal Replaces parameters' data (keeping identity), gradients and buffers by `convert`. */
  _replaceTensors(convertOnce: (t: Tensor) => Tensor): void {
    const converted = new Map<Tensor, Tensor>();
    const convert = (t: Tensor): Tensor => {
      let out = converted.get(t);
      if (out === undefined) converted.set(t, out = convertOnce(t));
      return out;
    };
    const done = new Set<Tensor>();
    for (const m of this.modules()) {
      for (const [, p] of m._ownParameters()) {
        if (done.has(p)) continue;
        done.add(p);
        const grad = p._grad;
        const moved = convert(p);
        if (moved._storage !== p._storage) setTensorData(p, moved);
        if (grad !== null) {
          const g = convert(grad);
          if (g._storage !== grad._storage) p._setGrad(g);
        }
      }
      for (const [n, b] of m._buffers) {
        if (b === null) continue;
        const moved = convert(b);
        if (moved._storage !== b._storage) m._buffers.set(n, pinHandle(moved));
      }
    }
  }

  /** `to("float32")`. */
  float(): this {
    return this.to("float32");
  }
  /** `to("float64")`: parameters and buffers in double precision (CPU only). */
  double(): this {
    return this.to("float64");
  }
  /** `to("float16")`. */
  half(): this {
    return this.to("float16");
  }
  /** `to("cpu")` (throws for a module on the GPU: use {@link Module.cpuAsync}). */
  cpu(): this {
    return this.to("cpu");
  }
  /** `to("gpu")`: needs `await torch.gpu.isAvailable()` first. */
  gpu(): this {
    return this.to("gpu");
  }
  /** `await model.toAsync("cpu")`. */
  cpuAsync(): Promise<this> {
    return this.toAsync("cpu");
  }

  // ---- state dict ----

  /**
   * The parameters and persistent buffers as detached tensors (sharing storage) under PyTorch's
   * keys: `0.weight`, `bn.running_mean`, `bn.num_batches_tracked`.
   */
  stateDict(opts: { prefix?: string; keepVars?: boolean } = {}): StateDict {
    const out: StateDict = {};
    for (const [key, t] of this._stateEntries(opts.prefix ?? "")) out[key] = opts.keepVars ? t : t.detach();
    return out;
  }

  /** @internal `[key, tensor]` of every state-dict entry (shared tensors appear under every key). */
  _stateEntries(prefix: string): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    const visit = (m: Module, p: string) => {
      for (const [n, param] of m._ownParameters()) out.push([p + n, param]);
      for (const [n, b] of m._buffers) {
        if (b !== null && !m._nonPersistent.has(n)) out.push([p + n, b]);
      }
      for (const [n, c] of m._ownChildren()) visit(c, `${p}${n}.`);
    };
    visit(this, prefix);
    return out;
  }

  /**
   * Copies `stateDict`'s tensors into this module's parameters and buffers, in place (converting
   * dtype and device). Every entry is checked before anything is copied: a shape mismatch always
   * throws; with `strict` (the default) missing or unexpected keys throw too, listed as PyTorch
   * lists them. Returns the missing and unexpected keys.
   */
  loadStateDict(
    stateDict: StateDict | Map<string, Tensor>,
    opts: LoadStateDictOptions = {},
  ): LoadStateDictResult {
    const strict = opts.strict ?? true;
    if (stateDict === null || typeof stateDict !== "object") {
      throw new TypeError(
        `loadStateDict: expected a state dict (an object of tensors), got ${describe(stateDict)}`,
      );
    }
    const sd: Map<string, unknown> = stateDict instanceof Map
      ? stateDict
      : new Map(Object.entries(stateDict));
    const entries = this._stateEntries("");
    const expected = new Set(entries.map(([k]) => k));
    const missingKeys: string[] = [];
    const errors: string[] = [];
    const copies: [Tensor, Tensor][] = [];
    for (const [key, target] of entries) {
      if (!sd.has(key)) {
        missingKeys.push(key);
        continue;
      }
      const value = sd.get(key);
      if (!(value instanceof Tensor)) {
        errors.push(
          `While copying the parameter named "${key}", expected a Tensor in the state dict but got ${
            describe(value)
          }.`,
        );
        continue;
      }
      if (value.ndim !== target.ndim || value.shape.some((s, i) => s !== target.shape[i])) {
        errors.push(
          `size mismatch for ${key}: copying a param with shape ${fmtShape(value.shape)} from checkpoint, ` +
            `the shape in current model is ${fmtShape(target.shape)}.`,
        );
        continue;
      }
      copies.push([target, value]);
    }
    const unexpectedKeys = [...sd.keys()].filter((k) => !expected.has(k));
    if (strict) {
      if (unexpectedKeys.length > 0) {
        errors.unshift(
          `Unexpected key(s) in state_dict: ${unexpectedKeys.map((k) => `"${k}"`).join(", ")}. `,
        );
      }
      if (missingKeys.length > 0) {
        errors.unshift(`Missing key(s) in state_dict: ${missingKeys.map((k) => `"${k}"`).join(", ")}. `);
      }
    }
    if (errors.length > 0) {
      throw new Error(`Error(s) in loading state_dict for ${this._getName()}:\n\t${errors.join("\n\t")}`);
    }
    noGrad(() => {
      for (const [target, value] of copies) {
        target.copy_(value.device === target.device ? value : value.to(target.device));
      }
    });
    const sources = new Map(copies);
    for (const m of this.modules()) m._afterLoadStateDict(sources);
    return { missingKeys, unexpectedKeys };
  }

  /**
   * Like {@link Module.loadStateDict}, for a state dict whose tensors live on the GPU while this
   * module's parameters are on the CPU (those are read back first, asynchronously).
   * @example
   * ```ts
   * import { deepStrictEqual as assertEquals } from "node:assert/strict";
   * import * as nn from "./mod.ts";
   * const a = new nn.Linear(2, 2), b = new nn.Linear(2, 2);
   * await b.loadStateDictAsync(a.stateDict());
   * assertEquals(b.weight.dataSync()[0] === a.weight.dataSync()[0], true);
   * ```
   */
  async loadStateDictAsync(
    stateDict: StateDict | Map<string, Tensor>,
    opts: LoadStateDictOptions = {},
  ): Promise<LoadStateDictResult> {
    if (stateDict === null || typeof stateDict !== "object") return this.loadStateDict(stateDict, opts);
    const targets = new Map(this._stateEntries(""));
    const entries: [string, unknown][] = stateDict instanceof Map
      ? [...stateDict.entries()]
      : Object.entries(stateDict);
    const ready = new Map<string, Tensor>();
    for (const [key, value] of entries) {
      const target = targets.get(key);
      const needsRead = value instanceof Tensor && target !== undefined && value.device !== "cpu" &&
        value.device !== target.device;
      ready.set(key, needsRead ? await value.toAsync(target.device) : value as Tensor);
    }
    return this.loadStateDict(ready, opts);
  }

  /**
   * @internal Called on every submodule after `loadStateDict` copied its values (`sources` maps
   * each written parameter or buffer to the tensor it was loaded from).
   */
  _afterLoadStateDict(_sources: Map<Tensor, Tensor>): void {}

  // ---- printing ----

  /** The text inside the parentheses of this module's repr (`in_features=10, ...`); "" by default. */
  extraRepr(): string {
    return "";
  }

  /** PyTorch's module repr, e.g. `Sequential(\n  (0): Linear(in_features=10, out_features=32, bias=True)\n)`. */
  toString(): string {
    const extra = this.extraRepr();
    const extraLines = extra ? extra.split("\n") : [];
    const childLines = this._ownChildren().map(([k, m]) => `(${k}): ${addIndent(String(m), 2)}`);
    const lines = [...extraLines, ...childLines];
    let s = `${this._getName()}(`;
    if (lines.length > 0) {
      if (extraLines.length === 1 && childLines.length === 0) s += extraLines[0];
      else s += `\n  ${lines.join("\n  ")}\n`;
    }
    return `${s})`;
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

// Hooks, getParameter and getBuffer (ModuleMethods, in module_methods.ts) become Module's methods
// as a class body would define them: on the prototype, non-enumerable.
for (const [name, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(moduleMethods()))) {
  if (Object.hasOwn(Module.prototype, name)) throw new Error(`Module.${name} is defined twice`);
  Object.defineProperty(Module.prototype, name, { ...descriptor, enumerable: false });
}
