/**
 * `torch.autograd.backward` and `torch.autograd.grad`, over the engine in `engine.ts`.
 * @module
 */
import { Tensor } from "../tensor.ts";
import { inFrameOf } from "../memory.ts";
import { rootGrads, run } from "./engine.ts";

/** Options of `backward` and `autograd.grad`. */
export interface BackwardOptions {
  /** Keep the graph's saved tensors so it can be differentiated again (default: `createGraph`). */
  retainGraph?: boolean;
  /** Record the backward pass itself, for higher-order gradients. */
  createGraph?: boolean;
}

/**
 * Accumulates gradients of `outputs` into the `.grad` of the leaves they depend on
 * (`torch.autograd.backward`).
 */
export function backward(
  outputs: Tensor[],
  gradOutputs?: (Tensor | null | undefined)[],
  opts: BackwardOptions = {},
): void {
  return inFrameOf(() => {
    run(outputs, rootGrads(outputs, gradOutputs), opts, null);
  });
}

/** Options of `autograd.grad`. */
export interface GradOptions extends BackwardOptions {
  /** Gradients of the outputs (required for non-scalar outputs). */
  gradOutputs?: Tensor | (Tensor | null)[];
  /** Return null for inputs the outputs do not depend on instead of throwing. */
  allowUnused?: boolean;
}

/**
 * Gradients of `outputs` with respect to `inputs`, without touching any `.grad`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.tensor([3.0], { requiresGrad: true });
 * const y = x.pow(3);
 * const [dy] = torch.autograd.grad(y, x, { createGraph: true });
 * const [d2y] = torch.autograd.grad(dy!, x);
 * assertEquals([dy!.item(), d2y!.item()], [27, 18]);
 * ```
 */
export function grad(
  outputs: Tensor | Tensor[],
  inputs: Tensor | Tensor[],
  opts: GradOptions = {},
): (Tensor | null)[] {
  return inFrameOf(() => {
    const outs = Array.isArray(outputs) ? outputs : [outputs];
    const ins = Array.isArray(inputs) ? inputs : [inputs];
    ins.forEach((t, i) => {
      if (!(t instanceof Tensor) || !t.requiresGrad) {
        throw new Error(`grad: input ${i} does not require grad (set requiresGrad: true on it)`);
      }
    });
    const given = opts.gradOutputs === undefined
      ? undefined
      : Array.isArray(opts.gradOutputs)
      ? opts.gradOutputs
      : [opts.gradOutputs];
    const captured = run(outs, rootGrads(outs, given), opts, ins);
    return ins.map((t, i) => {
      const g = captured.get(t);
      if (g === undefined && !opts.allowUnused) {
        throw new Error(
          `grad: one of the differentiated tensors (input ${i}) appears to not have been used in the graph. ` +
            `Set allowUnused: true if this is the desired behavior.`,
        );
      }
      return g ?? null;
    });
  });
}
