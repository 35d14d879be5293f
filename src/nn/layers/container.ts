/**
 * Containers: `Sequential`, `ModuleList`, `ModuleDict`.
 * @module
 */
import type { Tensor } from "../../tensor.ts";
import { Module } from "../module.ts";

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return typeof v;
}

function checkModule(op: string, what: string, m: unknown): Module {
  if (!(m instanceof Module)) throw new TypeError(`${op}: ${what} is not a Module (got ${describe(m)})`);
  return m;
}

function isPlainRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !(v instanceof Module) && !Array.isArray(v) &&
    !(Symbol.iterator in (v as object));
}

function normIndex(op: string, i: number, n: number): number {
  if (!Number.isInteger(i)) throw new TypeError(`${op}: index must be an integer, got ${i}`);
  const j = i < 0 ? i + n : i;
  if (j < 0 || j >= n) {
    throw new RangeError(`${op}: index ${i} is out of range for a container of ${n} modules`);
  }
  return j;
}

function hide(obj: object, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, writable: true, enumerable: false, configurable: true });
}

/**
 * Shared storage of `Sequential` and `ModuleList`: an ordered map of name to module, with
 * `c[0]`-style numeric accessors kept in sync.
 */
interface Indexed {
  _items: Map<string, Module>;
  _indexed: number;
}

function syncIndex(c: Module & Indexed): void {
  for (let i = 0; i < c._indexed; i++) delete (c as unknown as Record<number, unknown>)[i];
  const n = c._items.size;
  for (let i = 0; i < n; i++) {
    Object.defineProperty(c, i, {
      get: () => [...c._items.values()][i],
      set: (m: Module) => {
        const key = [...c._items.keys()][i];
        c._items.set(key, checkModule(c._getName(), `value assigned at index ${i}`, m));
      },
      enumerable: false,
      configurable: true,
    });
  }
  c._indexed = n;
}

/** Renumbers a list-like container after an insertion or removal. */
function renumber(c: Module & Indexed, modules: Module[]): void {
  c._items = new Map(modules.map((m, i) => [String(i), m]));
  syncIndex(c);
}

/**
 * Runs modules one after another, each on the previous one's output. Built from modules
 * (`new Sequential(a, b, c)`, named `0`, `1`, ...) or from an object of named modules. Index with
 * `seq.at(i)` or `seq[i]`; iterate with `for ... of`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const net = new nn.Sequential(new nn.Linear(10, 32), new nn.ReLU(), new nn.Linear(32, 2));
 * assertEquals(net(torch.randn(4, 10)).shape, [4, 2]);
 * assertEquals([net.length, net.namedParameters()[0][0]], [3, "0.weight"]);
 * assertEquals(String(net.at(1)), "ReLU()");
 * ```
 */
export class Sequential extends Module {
  /** The module at a position (as `seq.at(i)`). */
  readonly [index: number]: Module;
  /** @internal */
  declare _items: Map<string, Module>;
  /** @internal */
  declare _indexed: number;

  /** Creates the module; the arguments are described on the class. */
  constructor(...modules: Module[] | [Record<string, Module>]) {
    super();
    hide(this, "_items", new Map<string, Module>());
    hide(this, "_indexed", 0);
    if (modules.length === 1 && isPlainRecord(modules[0])) {
      for (const [k, m] of Object.entries(modules[0])) {
        this._items.set(k, checkModule("Sequential", `entry "${k}"`, m));
      }
    } else {
      (modules as unknown[]).forEach((m, i) =>
        this._items.set(String(i), checkModule("Sequential", `argument ${i}`, m))
      );
    }
    syncIndex(this);
  }

  /** @internal */
  override _ownChildren(): [string, Module][] {
    return [...this._items];
  }

  /** Number of modules. */
  override get length(): number {
    return this._items.size;
  }

  /** The module at position `i` (negative counts from the end). */
  at<T extends Module = Module>(i: number): T {
    return [...this._items.values()][normIndex("Sequential.at", i, this._items.size)] as T;
  }

  /** A new Sequential of the modules in `[start, end)` (shared, not copied), as `seq[start:end]`. */
  slice(start?: number, end?: number): Sequential {
    const entries = [...this._items].slice(start, end);
    const out = new Sequential();
    for (const [k, m] of entries) out._items.set(k, m);
    syncIndex(out);
    return out;
  }

  /** Appends a module at the end; returns this. */
  append(module: Module): this {
    this._items.set(String(this._items.size), checkModule("Sequential.append", "argument", module));
    syncIndex(this);
    return this;
  }

  /** Appends every module of `modules`; returns this. */
  extend(modules: Iterable<Module>): this {
    for (const m of modules) this.append(m);
    return this;
  }

  /** Inserts a module before position `index`; returns this. */
  insert(index: number, module: Module): this {
    checkModule("Sequential.insert", "argument", module);
    const list = [...this._items.values()];
    const n = list.length;
    const j = index < 0 ? Math.max(0, index + n) : Math.min(index, n);
    list.splice(j, 0, module);
    renumber(this, list);
    return this;
  }

  /** Iterates the modules in order. */
  [Symbol.iterator](): Iterator<Module> {
    return this._items.values();
  }

  /** Feeds `input` through every module in turn. */
  override forward(input: Tensor): Tensor {
    let x: Tensor = input;
    for (const m of this._items.values()) x = m(x);
    return x;
  }
}

/**
 * A list of submodules, registered under the names `0`, `1`, ... (parameters are
 * `list.0.weight`). Index with `list.at(i)` or `list[i]`; iterate with `for ... of`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as nn from "../mod.ts";
 * class Tower extends nn.Module {
 *   layers = new nn.ModuleList([new nn.Linear(4, 4), new nn.Linear(4, 4)]);
 * }
 * const t = new Tower();
 * assertEquals(t.namedParameters().map(([n]) => n), ["layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias"]);
 * ```
 */
export class ModuleList extends Module {
  /** The module at a position (as `list.at(i)`). */
  readonly [index: number]: Module;
  /** @internal */
  declare _items: Map<string, Module>;
  /** @internal */
  declare _indexed: number;

  /** Creates the module; the arguments are described on the class. */
  constructor(modules: Iterable<Module> = []) {
    super();
    hide(this, "_items", new Map<string, Module>());
    hide(this, "_indexed", 0);
    let i = 0;
    for (const m of modules) {
      this._items.set(String(i), checkModule("ModuleList", `item ${i}`, m));
      i++;
    }
    syncIndex(this);
  }

  /** @internal */
  override _ownChildren(): [string, Module][] {
    return [...this._items];
  }

  /** Number of modules. */
  override get length(): number {
    return this._items.size;
  }

  /** The module at position `i` (negative counts from the end). */
  at<T extends Module = Module>(i: number): T {
    return [...this._items.values()][normIndex("ModuleList.at", i, this._items.size)] as T;
  }

  /** Appends a module; returns this. */
  append(module: Module): this {
    this._items.set(String(this._items.size), checkModule("ModuleList.append", "argument", module));
    syncIndex(this);
    return this;
  }

  /** Appends every module of `modules`; returns this. */
  extend(modules: Iterable<Module>): this {
    for (const m of modules) this.append(m);
    return this;
  }

  /** Inserts a module before position `index`; returns this. */
  insert(index: number, module: Module): this {
    checkModule("ModuleList.insert", "argument", module);
    const list = [...this._items.values()];
    const n = list.length;
    const j = index < 0 ? Math.max(0, index + n) : Math.min(index, n);
    list.splice(j, 0, module);
    renumber(this, list);
    return this;
  }

  /** Removes and returns the module at `index` (default the last). */
  pop(index = -1): Module {
    const list = [...this._items.values()];
    const j = normIndex("ModuleList.pop", index, list.length);
    const [m] = list.splice(j, 1);
    renumber(this, list);
    return m;
  }

  /** Iterates the modules in order. */
  [Symbol.iterator](): Iterator<Module> {
    return this._items.values();
  }

  /** A ModuleList has no forward: iterate it in the owner's forward. */
  override forward(): never {
    throw new Error("ModuleList is not callable: iterate over it in your module's forward");
  }
}

/**
 * An ordered dictionary of submodules (parameters are `dict.key.weight`). Use `get`, `set`,
 * `has`, `delete`, `keys()`, `values()`, `entries()`; iterating yields the keys, as in PyTorch.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const heads = new nn.ModuleDict({ cls: new nn.Linear(8, 3), reg: new nn.Linear(8, 1) });
 * assertEquals(heads.get("reg")(torch.randn(2, 8)).shape, [2, 1]);
 * assertEquals([...heads.keys()], ["cls", "reg"]);
 * ```
 */
export class ModuleDict extends Module {
  /** @internal */
  declare _items: Map<string, Module>;

  /** Creates the module; the arguments are described on the class. */
  constructor(modules: Record<string, Module> | Iterable<[string, Module]> = {}) {
    super();
    hide(this, "_items", new Map<string, Module>());
    this.update(modules);
  }

  /** @internal */
  override _ownChildren(): [string, Module][] {
    return [...this._items];
  }

  /** Number of modules. */
  override get length(): number {
    return this._items.size;
  }

  /** The module under `key`; throws for an unknown key. */
  get<T extends Module = Module>(key: string): T {
    const m = this._items.get(key);
    if (!m) {
      throw new RangeError(
        `ModuleDict: no module under key "${key}" (keys: ${
          [...this._items.keys()].map((k) => `"${k}"`).join(", ")
        })`,
      );
    }
    return m as T;
  }

  /** Adds or replaces the module under `key`; returns this. */
  set(key: string, module: Module): this {
    if (typeof key !== "string" || key === "" || key.includes(".")) {
      throw new TypeError(
        `ModuleDict: key must be a non-empty string without ".", got ${JSON.stringify(key)}`,
      );
    }
    this._items.set(key, checkModule("ModuleDict", `value for key "${key}"`, module));
    return this;
  }

  /** True when a module is stored under `key`. */
  has(key: string): boolean {
    return this._items.has(key);
  }

  /** Removes the module under `key`; true when there was one. */
  delete(key: string): boolean {
    return this._items.delete(key);
  }

  /** Removes and returns the module under `key`. */
  pop(key: string): Module {
    const m = this.get(key);
    this._items.delete(key);
    return m;
  }

  /** Removes every module. */
  clear(): void {
    this._items.clear();
  }

  /** Adds every entry of `modules`; returns this. */
  update(modules: Record<string, Module> | Iterable<[string, Module]>): this {
    const entries = isPlainRecord(modules)
      ? Object.entries(modules)
      : [...(modules as Iterable<[string, Module]>)];
    for (const [k, m] of entries) this.set(k, m as Module);
    return this;
  }

  /** The keys, in insertion order. */
  keys(): IterableIterator<string> {
    return this._items.keys();
  }

  /** The modules, in insertion order. */
  values(): IterableIterator<Module> {
    return this._items.values();
  }

  /** `[key, module]` pairs, in insertion order. */
  entries(): IterableIterator<[string, Module]> {
    return this._items.entries();
  }

  /** Iterates the keys (as iterating a dict does in Python). */
  [Symbol.iterator](): Iterator<string> {
    return this._items.keys();
  }

  /** A ModuleDict has no forward: use its modules in the owner's forward. */
  override forward(): never {
    throw new Error("ModuleDict is not callable: use its modules in your module's forward");
  }
}
