/**
 * Parameter containers: `ParameterList` (parameters registered as `0`, `1`, ...) and
 * `ParameterDict` (registered under their keys), as PyTorch's. Their parameters appear in
 * `parameters()`, `namedParameters()` and `stateDict()` of every module holding them, move with
 * `to()`, and load with `loadStateDict()`.
 * @module
 */
import { Tensor } from "../../tensor.ts";
import { isFloating, TYPE_NAMES } from "../../dtype.ts";
import { Module, Parameter } from "../module.ts";
import { describe } from "../checks.ts";

function hide(obj: object, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, writable: true, enumerable: false, configurable: true });
}

/** A tensor as a registered parameter: Parameters as they are, other tensors wrapped (as PyTorch). */
function asParameter(op: string, what: string, v: unknown): Parameter {
  if (v instanceof Parameter) return v;
  if (v instanceof Tensor) {
    if (!isFloating(v.dtype)) {
      throw new TypeError(
        `${op}: ${what} is a ${v.dtype} tensor: only floating point tensors can require gradients ` +
          `(register it as new nn.Parameter(t, false) to keep it without gradient)`,
      );
    }
    return new Parameter(v);
  }
  throw new TypeError(`${op}: ${what} must be a Tensor or nn.Parameter, got ${describe(v)}`);
}

/** Position `i` (negative counts from the end) in a list of `n`, checked. */
function position(op: string, i: number, n: number): number {
  if (!Number.isInteger(i)) throw new TypeError(`${op}: index must be an integer, got ${i}`);
  const j = i < 0 ? i + n : i;
  if (j < 0 || j >= n) {
    throw new RangeError(`${op}: index ${i} is out of range for a list of ${n} parameters`);
  }
  return j;
}

/** One line of a container's repr: `(0): Parameter containing: [torch.float32 of size 2x3]`. */
function reprLine(key: string, p: Parameter, typeName: "dtype" | "typename"): string {
  const onGpu = p.device !== "cpu";
  const type = typeName === "dtype"
    ? `torch.${p.dtype}`
    : `torch.${onGpu ? "cuda." : ""}${TYPE_NAMES[p.dtype]}`;
  return `(${key}): Parameter containing: [${type} of size ${p.shape.join("x")}${onGpu ? " (GPU 0)" : ""}]`;
}

/**
 * A list of parameters, registered under the names `0`, `1`, ... (so a module holding it as
 * `plist` has state-dict keys `plist.0`, `plist.1`). Tensors that are not yet parameters are
 * wrapped in `nn.Parameter`. Index with `list.at(i)` or `list[i]`, assign with `list.set(i, p)` or
 * `list[i] = p`; iterate with `for ... of`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * class Mixture extends nn.Module {
 *   weights = new nn.ParameterList([torch.ones(3), torch.zeros(3)]);
 *   override forward(x: torch.Tensor): torch.Tensor {
 *     return [...this.weights].reduce((acc, w) => acc.add(x.mul(w)), torch.zeros(3));
 *   }
 * }
 * const m = new Mixture();
 * m.weights.append(torch.full([3], 2, { dtype: "float32" }));
 * assertEquals(Object.keys(m.stateDict()), ["weights.0", "weights.1", "weights.2"]);
 * assertEquals(m(torch.ones(3)).toArray(), [3, 3, 3]);
 * assertEquals(m.weights[2].requiresGrad, true);
 * ```
 */
export class ParameterList extends Module {
  /** The parameter at a position (as `list.at(i)`); assigning registers a new one there. */
  [index: number]: Parameter;
  /** @internal */
  declare _items: Parameter[];
  /** @internal */
  declare _indexed: number;

  /** Creates the list from `values` (tensors or parameters). */
  constructor(values: Iterable<Tensor> | null = null) {
    super();
    hide(this, "_items", []);
    hide(this, "_indexed", 0);
    if (values !== null && values !== undefined) this.extend(values);
  }

  /** @internal */
  override _ownParameters(): [string, Parameter][] {
    return this._items.map((p, i) => [String(i), p]);
  }

  /** Number of parameters. */
  override get length(): number {
    return this._items.length;
  }

  /** @internal Keeps `list[i]` accessors for every position. */
  _syncIndex(): void {
    for (let i = this._items.length; i < this._indexed; i++) {
      delete (this as unknown as Record<number, unknown>)[i];
    }
    for (let i = this._indexed; i < this._items.length; i++) {
      Object.defineProperty(this, i, {
        get: () => this._items[i],
        set: (v: Tensor) => this.set(i, v),
        enumerable: false,
        configurable: true,
      });
    }
    this._indexed = this._items.length;
  }

  /** The parameter at position `i` (negative counts from the end). */
  at(i: number): Parameter {
    return this._items[position("ParameterList.at", i, this._items.length)];
  }

  /** Registers `value` (wrapped in a Parameter if it is a plain tensor) at position `i`; returns this. */
  set(i: number, value: Tensor): this {
    const j = position("ParameterList.set", i, this._items.length);
    this._items[j] = asParameter("ParameterList.set", `the value at index ${i}`, value);
    return this;
  }

  /** Appends a parameter (a plain tensor is wrapped in a Parameter); returns this. */
  append(value: Tensor): this {
    this._items.push(asParameter("ParameterList.append", "the value", value));
    this._syncIndex();
    return this;
  }

  /** Appends every tensor of `values`; returns this. */
  extend(values: Iterable<Tensor>): this {
    if (
      values === null || typeof values !== "object" || !(Symbol.iterator in values) ||
      values instanceof Tensor
    ) {
      throw new TypeError(`ParameterList.extend: expected an iterable of tensors, got ${describe(values)}`);
    }
    const add = [...values].map((v, i) => asParameter("ParameterList.extend", `item ${i}`, v));
    this._items.push(...add);
    this._syncIndex();
    return this;
  }

  /** A new ParameterList holding the same parameters from `start` to `end` (as `list[a:b]`). */
  slice(start?: number, end?: number): ParameterList {
    return new ParameterList(this._items.slice(start, end));
  }

  /** Iterates the parameters in order. */
  [Symbol.iterator](): Iterator<Parameter> {
    return this._items[Symbol.iterator]();
  }

  /** A ParameterList has no forward: use its parameters in the owner's forward. */
  override forward(): never {
    throw new Error("ParameterList should not be called: use its parameters in your module's forward");
  }

  /** One line per parameter, as PyTorch's `extra_repr`. */
  override extraRepr(): string {
    return this._items.map((p, i) => reprLine(String(i), p, "dtype")).join("\n");
  }
}

/** What a ParameterDict is built or updated from. */
export type ParameterDictInput =
  | Record<string, Tensor>
  | Map<string, Tensor>
  | Iterable<readonly [string, Tensor]>
  | ParameterDict;

function isPlainRecord(v: unknown): v is Record<string, Tensor> {
  return v !== null && typeof v === "object" && !(v instanceof Module) && !(v instanceof Tensor) &&
    !Array.isArray(v) && !(Symbol.iterator in (v as object));
}

/**
 * A dictionary of parameters registered under their keys (a module holding it as `pdict` has
 * state-dict keys `pdict.<key>`). Built from an object (whose keys are sorted, as PyTorch sorts a
 * plain dict's), a `Map`, `[key, tensor]` pairs or another ParameterDict (those keep their
 * order). Tensors that are not yet parameters are wrapped in `nn.Parameter`. Iterating yields the
 * keys, as in PyTorch.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const heads = new nn.ParameterDict({ scale: torch.ones(2), bias: torch.zeros(2) });
 * heads.set("shift", torch.full([2], 3, { dtype: "float32" }));
 * assertEquals([...heads.keys()], ["bias", "scale", "shift"]);
 * assertEquals(Object.keys(heads.stateDict()), ["bias", "scale", "shift"]);
 * assertEquals(heads.get("shift").requiresGrad, true);
 * ```
 */
export class ParameterDict extends Module {
  /** @internal */
  declare _items: Map<string, Parameter>;

  /** Creates the dictionary from `parameters` (see the class docs). */
  constructor(parameters: ParameterDictInput | null = null) {
    super();
    hide(this, "_items", new Map<string, Parameter>());
    if (parameters !== null && parameters !== undefined) this.update(parameters);
  }

  /** @internal */
  override _ownParameters(): [string, Parameter][] {
    return [...this._items];
  }

  /** Number of parameters. */
  override get length(): number {
    return this._items.size;
  }

  /** The parameter under `key`; throws for an unknown key unless a `fallback` is given. */
  get(key: string): Parameter;
  /** The parameter under `key`, or `fallback` when there is none (Python's `dict.get`). */
  get<T>(key: string, fallback: T): Parameter | T;
  get<T>(key: string, ...fallback: [T] | []): Parameter | T {
    const p = this._items.get(key);
    if (p !== undefined) return p;
    if (fallback.length > 0) return fallback[0] as T;
    throw new RangeError(
      `ParameterDict: no parameter under key ${JSON.stringify(key)} (keys: ${
        [...this._items.keys()].map((k) => JSON.stringify(k)).join(", ")
      })`,
    );
  }

  /** Registers `value` (wrapped in a Parameter if it is a plain tensor) under `key`; returns this. */
  set(key: string, value: Tensor): this {
    if (typeof key !== "string") {
      throw new TypeError(`ParameterDict: parameter name should be a string, got ${describe(key)}`);
    }
    if (key === "") throw new TypeError(`ParameterDict: parameter name can't be empty string ""`);
    if (key.includes(".")) {
      throw new TypeError(`ParameterDict: parameter name can't contain ".", got "${key}"`);
    }
    this._items.set(key, asParameter("ParameterDict", `the value for key "${key}"`, value));
    return this;
  }

  /** True when a parameter is registered under `key`. */
  has(key: string): boolean {
    return this._items.has(key);
  }

  /** Removes the parameter under `key`; true when there was one. */
  delete(key: string): boolean {
    return this._items.delete(key);
  }

  /** Removes and returns the parameter under `key`. */
  pop(key: string): Parameter {
    const p = this.get(key);
    this._items.delete(key);
    return p;
  }

  /** Removes and returns the last inserted `[key, parameter]` pair. */
  popitem(): [string, Parameter] {
    const last = [...this._items].at(-1);
    if (last === undefined) throw new RangeError("ParameterDict.popitem: the dictionary is empty");
    this._items.delete(last[0]);
    return last;
  }

  /** The parameter under `key`; registers `fallback` there first when there is none. */
  setdefault(key: string, fallback: Tensor): Parameter {
    if (!this._items.has(key)) this.set(key, fallback);
    return this.get(key);
  }

  /** Removes every parameter. */
  clear(): void {
    this._items.clear();
  }

  /** A new ParameterDict holding the same parameters (a shallow copy, as PyTorch's `copy()`). */
  copy(): ParameterDict {
    return new ParameterDict(this);
  }

  /** A new ParameterDict with `value` registered under each of `keys`. */
  fromkeys(keys: Iterable<string>, value: Tensor): ParameterDict {
    return new ParameterDict([...keys].map((k) => [k, value] as const));
  }

  /** Registers every entry of `parameters` (an object's keys in sorted order); returns this. */
  update(parameters: ParameterDictInput): this {
    let entries: (readonly [string, Tensor])[];
    if (parameters instanceof ParameterDict || parameters instanceof Map) entries = [...parameters.entries()];
    else if (isPlainRecord(parameters)) {
      entries = Object.keys(parameters).sort().map((k) => [k, parameters[k]] as const);
    } else if (parameters !== null && typeof parameters === "object" && Symbol.iterator in parameters) {
      entries = [...(parameters as Iterable<readonly [string, Tensor]>)];
      entries.forEach((e, i) => {
        if (!Array.isArray(e) || e.length !== 2) {
          throw new TypeError(
            `ParameterDict.update: iterable element #${i} should be a [key, tensor] pair, got ${describe(e)}`,
          );
        }
      });
    } else {
      throw new TypeError(
        `ParameterDict.update: expected an object, a Map or an iterable of [key, tensor] pairs, got ${
          describe(parameters)
        }`,
      );
    }
    for (const [k, v] of entries) this.set(k, v);
    return this;
  }

  /** The keys, in insertion order. */
  keys(): IterableIterator<string> {
    return this._items.keys();
  }

  /** The parameters, in insertion order. */
  values(): IterableIterator<Parameter> {
    return this._items.values();
  }

  /** `[key, parameter]` pairs, in insertion order (PyTorch's `items()`). */
  entries(): IterableIterator<[string, Parameter]> {
    return this._items.entries();
  }

  /** PyTorch's name for {@link ParameterDict.entries}. */
  items(): IterableIterator<[string, Parameter]> {
    return this._items.entries();
  }

  /** Iterates the keys (as iterating a dict does in Python). */
  [Symbol.iterator](): Iterator<string> {
    return this._items.keys();
  }

  /** A ParameterDict has no forward: use its parameters in the owner's forward. */
  override forward(): never {
    throw new Error("ParameterDict should not be called: use its parameters in your module's forward");
  }

  /** One line per parameter, as PyTorch's `extra_repr`. */
  override extraRepr(): string {
    return [...this._items].map(([k, p]) => reprLine(k, p, "typename")).join("\n");
  }
}
