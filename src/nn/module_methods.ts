/**
 * `Module`'s methods written outside its class body (which holds the module itself): the hooks
 * (`registerForwardPreHook`, `registerForwardHook`, `registerFullBackwardHook`,
 * `registerFullBackwardPreHook`) and `getParameter` / `getBuffer`. `Module`'s interface extends
 * {@link ModuleMethods} and module.ts defines these bodies on its prototype, as `Tensor` does with
 * its op families (documented types, so `deno doc` lists the methods).
 * @module
 */
import type { Tensor } from "../tensor.ts";
import type { RemovableHandle } from "../autograd/hooks.ts";
import type { Module, Parameter } from "./module.ts";
import {
  addModuleHook,
  type ForwardHook,
  type ForwardPreHook,
  type FullBackwardHook,
  type FullBackwardPreHook,
} from "./hooks.ts";

/** `"a.b.c"` -> `["a.b", "c"]` (the module path and the attribute name). */
function splitTarget(target: string): [string, string] {
  const at = target.lastIndexOf(".");
  return at < 0 ? ["", target] : [target.slice(0, at), target.slice(at + 1)];
}

/** The hook registration and lookup methods of every `Module`. */
export interface ModuleMethods {
  /**
   * Registers `hook(module, args)`, run before each call's `forward`; it may return replacement
   * arguments (an array, or a single value for a one-argument forward). PyTorch's
   * `register_forward_pre_hook`.
   * @example
   * ```ts
   * import { deepStrictEqual as assertEquals } from "node:assert/strict";
   * import * as torch from "../../mod.ts";
   * import * as nn from "./mod.ts";
   * const relu = new nn.ReLU();
   * const handle = relu.registerForwardPreHook((_m, [x]) => [x.neg()]);
   * assertEquals(relu(torch.tensor([-1, 2])).toArray(), [1, 0]);
   * handle.remove();
   * ```
   */
  registerForwardPreHook(hook: ForwardPreHook): RemovableHandle;

  /**
   * Registers `hook(module, args, output)`, run after each call's `forward`; it may return a
   * replacement output. PyTorch's `register_forward_hook` (a feature extractor's usual tool).
   * @example
   * ```ts
   * import { deepStrictEqual as assertEquals } from "node:assert/strict";
   * import * as torch from "../../mod.ts";
   * import * as nn from "./mod.ts";
   * const model = new nn.Sequential(new nn.Linear(3, 4), new nn.ReLU(), new nn.Linear(4, 1));
   * const activations: Record<string, torch.Tensor> = {};
   * model.at(1).registerForwardHook((_m, _args, out) => {
   *   activations.relu = out.detach();
   * });
   * model(torch.randn(2, 3));
   * assertEquals(activations.relu.shape, [2, 4]);
   * ```
   */
  registerForwardHook(hook: ForwardHook): RemovableHandle;

  /**
   * Registers `hook(module, gradInput, gradOutput)`, run when the gradients with respect to the
   * module's inputs are computed; `gradInput` has one entry per positional argument (null where
   * none), `gradOutput` one per output. It may return replacements for `gradInput`. PyTorch's
   * `register_full_backward_hook`.
   * @example
   * ```ts
   * import { deepStrictEqual as assertEquals } from "node:assert/strict";
   * import * as torch from "../../mod.ts";
   * import * as nn from "./mod.ts";
   * const m = new nn.Tanh();
   * let seen: number[] = [];
   * m.registerFullBackwardHook((_m, gradInput, gradOutput) => {
   *   seen = [gradInput.length, gradOutput[0]!.item()];
   *   return [gradInput[0]!.mul(0)];
   * });
   * const x = torch.tensor([0.5], { requiresGrad: true });
   * m(x).mul(3).sum().backward();
   * assertEquals([seen, x.grad!.item()], [[1, 3], 0]);
   * ```
   */
  registerFullBackwardHook(hook: FullBackwardHook): RemovableHandle;

  /**
   * Registers `hook(module, gradOutput)`, run when the gradients with respect to the module's
   * outputs are computed, before those of its inputs; it may return replacements for
   * `gradOutput`. PyTorch 2's `register_full_backward_pre_hook`.
   * @example
   * ```ts
   * import { deepStrictEqual as assertEquals } from "node:assert/strict";
   * import * as torch from "../../mod.ts";
   * import * as nn from "./mod.ts";
   * const m = new nn.Identity();
   * m.registerFullBackwardPreHook((_m, [g]) => [g!.mul(2)]);
   * const x = torch.tensor([1.5], { requiresGrad: true });
   * m(x).sum().backward();
   * assertEquals(x.grad!.item(), 2);
   * ```
   */
  registerFullBackwardPreHook(hook: FullBackwardPreHook): RemovableHandle;
  /**
   * The parameter at a dotted path (`"encoder.0.weight"`), as PyTorch's `get_parameter`.
   * @example
   * ```ts
   * import { deepStrictEqual as assertEquals } from "node:assert/strict";
   * import * as nn from "./mod.ts";
   * const model = new nn.Sequential(new nn.Linear(2, 3));
   * assertEquals(model.getParameter("0.bias").shape, [3]);
   * ```
   */
  getParameter(target: string): Parameter;

  /**
   * The buffer at a dotted path (`"bn.running_mean"`), as PyTorch's `get_buffer`.
   * @example
   * ```ts
   * import { deepStrictEqual as assertEquals } from "node:assert/strict";
   * import * as nn from "./mod.ts";
   * const model = new nn.Sequential(new nn.BatchNorm1d(4));
   * assertEquals(model.getBuffer("0.running_var").shape, [4]);
   * ```
   */
  getBuffer(target: string): Tensor;
}

/** The bodies of {@link ModuleMethods}. */
export function moduleMethods(): ModuleMethods {
  return {
    registerForwardPreHook(this: Module, hook: ForwardPreHook): RemovableHandle {
      return addModuleHook(this, "forwardPre", hook, "registerForwardPreHook");
    },
    registerForwardHook(this: Module, hook: ForwardHook): RemovableHandle {
      return addModuleHook(this, "forward", hook, "registerForwardHook");
    },
    registerFullBackwardHook(this: Module, hook: FullBackwardHook): RemovableHandle {
      return addModuleHook(this, "backward", hook, "registerFullBackwardHook");
    },
    registerFullBackwardPreHook(this: Module, hook: FullBackwardPreHook): RemovableHandle {
      return addModuleHook(this, "backwardPre", hook, "registerFullBackwardPreHook");
    },
    getParameter(this: Module, target: string): Parameter {
      const [path, name] = splitTarget(target);
      const m = this.getSubmodule(path);
      const v = (m as unknown as Record<string, unknown>)[name];
      if (!m._ownParameters().some(([n]) => n === name)) {
        throw new Error(
          v === undefined
            ? `getParameter: ${m._getName()} has no attribute "${name}"`
            : `getParameter: "${name}" of ${m._getName()} is not an nn.Parameter`,
        );
      }
      return m._ownParameters().find(([n]) => n === name)![1];
    },
    getBuffer(this: Module, target: string): Tensor {
      const [path, name] = splitTarget(target);
      const m = this.getSubmodule(path);
      const b = m._buffers.get(name);
      if (b === undefined || b === null) {
        throw new Error(
          name in m
            ? `getBuffer: "${name}" of ${m._getName()} is not a buffer`
            : `getBuffer: ${m._getName()} has no attribute "${name}"`,
        );
      }
      return b;
    },
  } as ModuleMethods;
}
