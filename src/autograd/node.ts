/**
 * One recorded operation of the autograd graph (PyTorch's `grad_fn`), and the version counters
 * that catch values changed in place after they were saved.
 * @module
 */
import type { Storage } from "../backends/backend.ts";
import type { Tensor } from "../tensor.ts";

/** A forward input as recorded: a tensor, or a JS number operand (never differentiated). */
export type Input = Tensor | number;

/** Where an input's gradient goes: the node that produced it, the leaf itself, or nowhere. */
export type Edge = Node | Tensor | null;

const versions = new WeakMap<Storage, number>();

/** How many in-place writes a storage has seen. */
export function versionOf(s: Storage): number {
  return versions.get(s) ?? 0;
}

/** Records an in-place write to `s`. */
export function bumpVersion(s: Storage): void {
  versions.set(s, versionOf(s) + 1);
}

/** The `grad_fn` of a tensor produced by a differentiable op. */
export class Node {
  /** The op's name, the key of its row in the derivative table. */
  readonly op: string;
  /** The forward inputs (values for the formulas); emptied when the graph is freed. */
  inputs: Input[];
  /** Per input, where its gradient flows, fixed when the op was recorded. */
  readonly next: Edge[];
  /** Per input, the storage version when recorded (-1 for numbers). */
  versions: number[];
  /** Op arguments the backward formula needs (dims, shapes, saved index tensors...). */
  args: Record<string, unknown>;
  /** The forward output, for formulas written in terms of it (exp, tanh, softmax...). */
  output: Tensor | null;
  /** The output's storage version when recorded. */
  outputVersion: number;
  /** Set once `backward()` without `retainGraph` has freed the saved tensors. */
  released = false;

  constructor(op: string, inputs: Input[], args: Record<string, unknown>, output: Tensor) {
    this.op = op;
    this.inputs = inputs;
    this.args = args;
    this.output = output;
    this.next = inputs.map((t) => typeof t === "number" || !t.requiresGrad ? null : (t.gradFn ?? t));
    this.versions = inputs.map((t) => typeof t === "number" ? -1 : versionOf(t._storage));
    this.outputVersion = versionOf(output._storage);
  }

  /** PyTorch-style name, e.g. `MulBackward0`. */
  get name(): string {
    return `${this.op[0].toUpperCase()}${this.op.slice(1)}Backward0`;
  }

  /** Replaces input `i` (e.g. by a snapshot of its value before an in-place write). */
  replaceInput(i: number, t: Tensor): void {
    this.inputs[i] = t;
    this.versions[i] = versionOf(t._storage);
  }

  /** Drops saved tensors so their memory can be reclaimed. */
  release(): void {
    this.released = true;
    this.inputs = this.inputs.map(() => 0);
    this.args = {};
    this.output = null;
  }

  toString(): string {
    return `<${this.name}>`;
  }
}
