/**
 * One recorded operation of the autograd graph (PyTorch's `grad_fn`).
 * @module
 */
import type { Tensor } from "../tensor.ts";

/** A forward input as recorded: a tensor, or a JS number operand (never differentiated). */
export type Input = Tensor | number;

/** The `grad_fn` of a tensor produced by a differentiable op. */
export class Node {
  /** The op's name, the key of its row in the derivative table. */
  readonly op: string;
  /** The forward inputs; emptied when the graph is freed after `backward()`. */
  inputs: Input[];
  /** Op arguments the backward formula needs (dims, shapes, saved index tensors...). */
  args: Record<string, unknown>;
  /** The forward output, for formulas written in terms of it (exp, tanh, softmax...). */
  output: Tensor | null;
  /** Set once `backward()` without `retainGraph` has freed the saved tensors. */
  released = false;

  constructor(op: string, inputs: Input[], args: Record<string, unknown>, output: Tensor) {
    this.op = op;
    this.inputs = inputs;
    this.args = args;
    this.output = output;
  }

  /** PyTorch-style name, e.g. `MulBackward0`. */
  get name(): string {
    return `${this.op[0].toUpperCase()}${this.op.slice(1)}Backward0`;
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
