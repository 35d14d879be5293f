/**
 * One recorded operation of the autograd graph (PyTorch's `grad_fn`): what its backward formula
 * reads (declared per op in the derivative table), where its input gradients go, and the version
 * counters that catch values changed in place after they were saved.
 * @module
 */
import type { Storage } from "../backends/backend.ts";
import type { DType } from "../dtype.ts";
import type { Tensor } from "../tensor.ts";
import { saveStorage, unsaveStorage } from "../memory.ts";
import { type NodeHook, type NodePreHook, RemovableHandle } from "./hooks.ts";
import type { TensorHookEntry } from "./hook_registry.ts";

/**
 * @internal Nodes the engine runs together once all of them have their gradients (a module's
 * full backward hook sees the gradients of all its inputs, or outputs, at once). `run` gets each
 * member's gradient (null where none reached it) and may return replacements.
 */
export interface NodeGroup {
  readonly members: Node[];
  run(grads: (Tensor | null)[]): (Tensor | null)[] | null;
}

/** A forward input as recorded: a tensor, or a JS number operand (never differentiated). */
export type Input = Tensor | number;

/** Where an input's gradient goes: the node that produced it, the leaf itself, or nowhere. */
export type Edge = Node | Tensor | null;

/** A backward formula: gradients for each of the node's inputs (null where none is needed). */
export type Backward = (g: Tensor, node: Node) => (Tensor | null | undefined)[];

/**
 * Which forward values a backward formula reads: `none` (only shapes, dtypes and arguments),
 * the tensor `inputs`, the `output`, or `both`. Only these are kept alive by the graph (and
 * version-checked against in-place writes).
 */
export type Saves = "none" | "inputs" | "output" | "both";

/** What one call of an op saves: which of its inputs, and whether its output. */
export interface SavedValues {
  /** Per input, whether the formula reads it (numbers are always kept). */
  readonly inputs: readonly boolean[];
  /** Whether the formula reads the output. */
  readonly output: boolean;
}

/** A row of the derivative table. */
export interface Derivative {
  /**
   * What the formula reads of the forward pass: fixed, or decided per call from the inputs (a
   * product saves an operand only when the other one needs a gradient, as PyTorch).
   */
  readonly saves: Saves | ((inputs: readonly Input[]) => SavedValues);
  /** Names of arguments holding tensors the formula reads (indices, masks, columns...). */
  readonly savedArgs?: readonly string[];
  /** PyTorch's `grad_fn` name when it is not `<Op>Backward0` (e.g. `MseLossBackward0`). */
  readonly name?: string;
  /** The formula. */
  readonly backward: Backward;
}

/** What a call of `d` with `inputs` saves. */
function savedValues(d: Derivative, inputs: readonly Input[]): SavedValues {
  if (typeof d.saves === "function") return d.saves(inputs);
  const keep = d.saves === "inputs" || d.saves === "both";
  return { inputs: inputs.map(() => keep), output: d.saves === "output" || d.saves === "both" };
}

/** The `grad_fn` of a tensor produced by a differentiable op. */
export class Node {
  /** The op's name, the key of its row in the derivative table. */
  readonly op: string;
  /**
   * The op's row: its formula and what it saves (engine internals).
   * @ignore
   */
  readonly derivative: Derivative;
  /**
   * The forward inputs: JS numbers always; tensors only when the row saves the inputs (null
   * otherwise). Emptied when the graph is freed (engine internals).
   * @ignore
   */
  inputs: (Input | null)[];
  /** Per input, its shape (null for numbers): where the engine sums gradients back to. */
  readonly inputShapes: (readonly number[] | null)[];
  /** Per input, its dtype (null for numbers): what the engine converts gradients back to. */
  readonly inputDTypes: (DType | null)[];
  /**
   * Per input, where its gradient flows, fixed when the op was recorded (engine internals).
   * @ignore
   */
  readonly next: Edge[];
  /** Per saved input, the storage version when recorded (-1 for numbers and unsaved inputs). */
  versions: number[];
  /** Op arguments the backward formula needs (dims, shapes, saved index tensors...). */
  args: Record<string, unknown>;
  /** The forward output (its value is read only when the row saves it). */
  output: Tensor | null;
  /** The output's storage version when recorded. */
  outputVersion: number;
  /** Set once `backward()` without `retainGraph` has freed the saved tensors. */
  released = false;
  /** The saved argument tensors and their storage versions when recorded. */
  savedArgVersions: [name: string, version: number][] = [];
  /** Storages this node holds for its formula (released by {@link release}). */
  #saved: Storage[] = [];
  /** Whether the formula reads the output's value. */
  readonly savesOutput: boolean;
  /** The name given by {@link rename} (a composite op's PyTorch name for its final node). */
  #name: string | null = null;
  /** @internal Hooks registered on the output tensor while this node produced it (`x.registerHook`). */
  _tensorHooks: TensorHookEntry[] | null = null;
  /** @internal Hooks registered by {@link registerHook}. */
  _hooks: NodeHook[] | null = null;
  /** @internal Pre-hooks registered by {@link registerPrehook}. */
  _preHooks: NodePreHook[] | null = null;
  /** @internal The group the engine runs this node with (a module's backward hook). */
  _group: NodeGroup | null = null;

  /** Creates the object; the arguments are described on the class. */
  constructor(
    op: string,
    derivative: Derivative,
    inputs: Input[],
    args: Record<string, unknown>,
    output: Tensor,
  ) {
    this.op = op;
    this.derivative = derivative;
    const saved = savedValues(derivative, inputs);
    this.savesOutput = saved.output;
    const n = inputs.length;
    this.inputs = new Array(n);
    this.inputShapes = new Array(n);
    this.inputDTypes = new Array(n);
    this.next = new Array(n);
    this.versions = new Array(n);
    for (let i = 0; i < n; i++) {
      const t = inputs[i];
      if (typeof t === "number") {
        this.inputs[i] = t;
        this.inputShapes[i] = null;
        this.inputDTypes[i] = null;
        this.next[i] = null;
        this.versions[i] = -1;
        continue;
      }
      this.inputShapes[i] = t.shape;
      this.inputDTypes[i] = t.dtype;
      this.next[i] = t._requiresGrad ? (t.gradFn ?? t) : null;
      if (saved.inputs[i]) {
        this.#refuseInference(t);
        this.inputs[i] = t;
        this.versions[i] = t._storage._version;
        this.#save(t._storage);
      } else {
        this.inputs[i] = null;
        this.versions[i] = -1;
      }
    }
    this.args = args;
    for (const name of derivative.savedArgs ?? []) {
      const v = args[name] as Tensor | null | undefined;
      if (!v) continue;
      this.#save(v._storage);
      this.savedArgVersions.push([name, v._storage._version]);
    }
    this.output = output;
    this.outputVersion = output._storage._version;
    if (saved.output) this.#save(output._storage);
    for (const name of derivative.savedArgs ?? []) {
      const v = args[name] as Tensor | null | undefined;
      if (v) this.#refuseInference(v);
    }
  }

  /** PyTorch refuses to keep a tensor made in inference mode for a formula. */
  #refuseInference(t: Tensor): void {
    if (!t._inference) return;
    throw new Error(
      `${this.name}: inference tensors cannot be saved for backward (a tensor of shape [${
        t.shape.join(", ")
      }] ` +
        `made inside torch.inferenceMode). To work around, make a clone() to get a normal tensor and use it in autograd.`,
    );
  }

  #save(s: Storage): void {
    saveStorage(s);
    this.#saved.push(s);
  }

  /** PyTorch-style name, e.g. `MulBackward0`. */
  get name(): string {
    return this.#name ?? this.derivative.name ?? `${this.op[0].toUpperCase()}${this.op.slice(1)}Backward0`;
  }

  /**
   * @internal Names this node as PyTorch names the op that produced it, where that differs from
   * its row's name: the last node of a composite (`MseLossBackward0` for `mseLoss`'s final
   * reduction), or an overload (`SumBackward1` for a sum over dims).
   */
  rename(name: string): void {
    this.#name = name;
  }

  /** Replaces input `i` (by a snapshot of its value before an in-place write). */
  replaceInput(i: number, t: Tensor): void {
    if (this.inputs[i] === null || typeof this.inputs[i] === "number") return;
    this.inputs[i] = t;
    this.versions[i] = t._storage._version;
    this.#save(t._storage);
  }

  /** Makes `t` the output (an in-place op rebased onto this node). */
  replaceOutput(t: Tensor): void {
    const prev = this.output;
    this.output = t;
    this.outputVersion = t._storage._version;
    if (!this.savesOutput) return;
    this.#save(t._storage);
    const at = prev ? this.#saved.indexOf(prev._storage) : -1;
    if (at >= 0) {
      this.#saved.splice(at, 1);
      unsaveStorage(prev!._storage);
    }
  }

  /** Drops saved tensors so their memory can be reclaimed. */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.inputs = this.inputs.map((x) => (typeof x === "number" ? x : null));
    this.args = {};
    this.savedArgVersions = [];
    this.output = null;
    const saved = this.#saved;
    this.#saved = [];
    for (const s of saved) unsaveStorage(s);
  }

  /**
   * Registers a hook run after this node's formula (PyTorch's `grad_fn.register_hook`):
   * `fn(gradInputs, gradOutputs)` gets the gradients computed for the node's inputs (null where
   * none) and the one it got for its output, and may return replacements for `gradInputs`.
   * @example
   * ```ts
   * import { deepStrictEqual as assertEquals } from "node:assert/strict";
   * import * as torch from "../../mod.ts";
   * const x = torch.tensor([1, 2], { dtype: "float32", requiresGrad: true });
   * const y = x.mul(3);
   * y.gradFn!.registerHook((gradInputs) => gradInputs.map((g) => g && g.add(1)));
   * y.sum().backward();
   * assertEquals(x.grad!.toArray(), [4, 4]);
   * ```
   */
  registerHook(fn: NodeHook): RemovableHandle {
    if (typeof fn !== "function") throw new TypeError(`registerHook: expected a function, got ${typeof fn}`);
    const list = (this._hooks ??= []);
    list.push(fn);
    return new RemovableHandle(list, fn);
  }

  /**
   * Registers a hook run before this node's formula (PyTorch's `grad_fn.register_prehook`):
   * `fn(gradOutputs)` gets the gradient of the node's output and may return a replacement.
   * @example
   * ```ts
   * import { deepStrictEqual as assertEquals } from "node:assert/strict";
   * import * as torch from "../../mod.ts";
   * const x = torch.tensor([1, 2], { dtype: "float32", requiresGrad: true });
   * const y = x.mul(3);
   * y.gradFn!.registerPrehook(([g]) => [g!.mul(2)]);
   * y.sum().backward();
   * assertEquals(x.grad!.toArray(), [6, 6]);
   * ```
   */
  registerPrehook(fn: NodePreHook): RemovableHandle {
    if (typeof fn !== "function") {
      throw new TypeError(`registerPrehook: expected a function, got ${typeof fn}`);
    }
    const list = (this._preHooks ??= []);
    list.push(fn);
    return new RemovableHandle(list, fn);
  }

  /** PyTorch's repr of a node: `<MulBackward0>`. */
  toString(): string {
    return `<${this.name}>`;
  }
}
