/**
 * Module hooks, as PyTorch 1.13's `Module.__call__`: forward pre-hooks (may replace the input),
 * forward hooks (may replace the output), full backward hooks (see the gradients of the module's
 * inputs and outputs, may replace the inputs'), full backward pre-hooks (PyTorch 2's; may replace
 * the outputs' gradients), and the global forms of the forward hooks (`registerModuleForwardHook`,
 * `registerModuleForwardPreHook`) that run for every module. Hooks run wherever a module is called,
 * inside containers too (a `Sequential` calls its layers).
 *
 * Backward hooks work as PyTorch's `BackwardHook`: the module's tensor inputs and outputs pass
 * through identity nodes (`BackwardHookFunctionBackward`); the engine runs a call's input nodes
 * together once each has its gradient, so a hook sees all of them at once.
 * @module
 */
import { Tensor } from "../tensor.ts";
import { Node, type NodeGroup } from "../autograd/node.ts";
import { RemovableHandle } from "../autograd/hooks.ts";
import { isGradEnabled } from "../autograd/grad_mode.ts";
import { asUserCode } from "../memory.ts";
import { makeView } from "../ops/dispatch.ts";
import { fmtShape } from "../shape.ts";
import type { Module } from "./module.ts";

/** A forward pre-hook: `hook(module, args)`; may return replacement arguments (an array, or one value). */
// deno-lint-ignore no-explicit-any
export type ForwardPreHook = (module: Module, args: any[]) => unknown;
/** A forward hook: `hook(module, args, output)`; may return a replacement output. */
// deno-lint-ignore no-explicit-any
export type ForwardHook = (module: Module, args: any[], output: any) => unknown;
/**
 * A full backward hook: `hook(module, gradInput, gradOutput)` with the gradients of the module's
 * positional arguments (null for arguments that are not tensors requiring grad) and of its
 * outputs; may return replacements for `gradInput`.
 */
export type FullBackwardHook = (
  module: Module,
  gradInput: (Tensor | null)[],
  gradOutput: (Tensor | null)[],
) => (Tensor | null)[] | null | undefined | void;
/** A full backward pre-hook: `hook(module, gradOutput)`; may return replacements for `gradOutput`. */
export type FullBackwardPreHook = (
  module: Module,
  gradOutput: (Tensor | null)[],
) => (Tensor | null)[] | null | undefined | void;

/** @internal The hooks of one module (created at its first registration). */
export interface ModuleHooks {
  forwardPre: ForwardPreHook[];
  forward: ForwardHook[];
  backward: FullBackwardHook[];
  backwardPre: FullBackwardPreHook[];
}

const globalForwardPre: ForwardPreHook[] = [];
const globalForward: ForwardHook[] = [];
const globalBackward: FullBackwardHook[] = [];

/** @internal Adds `hook` to `module`'s hooks of `kind`. */
export function addModuleHook<K extends keyof ModuleHooks>(
  module: Module,
  kind: K,
  hook: ModuleHooks[K][number],
  op: string,
): RemovableHandle {
  if (typeof hook !== "function") {
    throw new TypeError(`${op}: expected a function, got ${hook === null ? "null" : typeof hook}`);
  }
  const hooks = module._hooksOrNull ??= { forwardPre: [], forward: [], backward: [], backwardPre: [] };
  const list = hooks[kind] as unknown[];
  list.push(hook);
  return new RemovableHandle(list, hook);
}

/**
 * Registers a forward hook run by every module call, before each module's own (PyTorch's
 * `torch.nn.modules.module.register_module_forward_hook`). Meant for debugging and profiling.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import * as nn from "./mod.ts";
 * const names: string[] = [];
 * const handle = nn.registerModuleForwardHook((m) => {
 *   names.push(m.constructor.name);
 * });
 * new nn.Sequential(new nn.Linear(2, 2), new nn.ReLU())(torch.ones(1, 2));
 * handle.remove();
 * assertEquals(names, ["Linear", "ReLU", "Sequential"]);
 * ```
 */
export function registerModuleForwardHook(hook: ForwardHook): RemovableHandle {
  if (typeof hook !== "function") {
    throw new TypeError(`registerModuleForwardHook: expected a function, got ${typeof hook}`);
  }
  globalForward.push(hook);
  return new RemovableHandle(globalForward, hook);
}

/**
 * Registers a forward pre-hook run by every module call, before each module's own (PyTorch's
 * `torch.nn.modules.module.register_module_forward_pre_hook`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import * as nn from "./mod.ts";
 * let calls = 0;
 * const handle = nn.registerModuleForwardPreHook(() => {
 *   calls++;
 * });
 * new nn.Linear(2, 2)(torch.ones(1, 2));
 * handle.remove();
 * assertEquals(calls, 1);
 * ```
 */
export function registerModuleForwardPreHook(hook: ForwardPreHook): RemovableHandle {
  if (typeof hook !== "function") {
    throw new TypeError(`registerModuleForwardPreHook: expected a function, got ${typeof hook}`);
  }
  globalForwardPre.push(hook);
  return new RemovableHandle(globalForwardPre, hook);
}

/**
 * Registers a full backward hook run for every module call, before each module's own (PyTorch's
 * `torch.nn.modules.module.register_module_full_backward_hook`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import * as nn from "./mod.ts";
 * const names: string[] = [];
 * const handle = nn.registerModuleFullBackwardHook((m) => {
 *   names.push(m.constructor.name);
 * });
 * const model = new nn.Sequential(new nn.Linear(2, 2), new nn.Tanh());
 * model(torch.ones(1, 2)).sum().backward();
 * handle.remove();
 * assertEquals(names, ["Sequential", "Tanh", "Linear"]);
 * ```
 */
export function registerModuleFullBackwardHook(hook: FullBackwardHook): RemovableHandle {
  if (typeof hook !== "function") {
    throw new TypeError(`registerModuleFullBackwardHook: expected a function, got ${typeof hook}`);
  }
  globalBackward.push(hook);
  return new RemovableHandle(globalBackward, hook);
}

/** Whether a call of `module` has any hook to run (the plain call otherwise). */
export function hasCallHooks(module: Module): boolean {
  const h = module._hooksOrNull;
  return globalForward.length > 0 || globalForwardPre.length > 0 || globalBackward.length > 0 ||
    (h !== null &&
      (h.forwardPre.length > 0 || h.forward.length > 0 || h.backward.length > 0 || h.backwardPre.length > 0));
}

const HOOK_DERIVATIVE = {
  saves: "none" as const,
  name: "BackwardHookFunctionBackward",
  backward: (g: Tensor) => [g],
};

/** `t` through an identity node of `group` (the tensor a hooked module sees or returns). */
function throughHook(t: Tensor, group: NodeGroup & { members: Node[] }): Tensor {
  const out = makeView(t, t.shape, t._strides, t._offset);
  const node = new Node("backwardHook", HOOK_DERIVATIVE, [t], {}, out);
  node._group = group;
  group.members.push(node);
  out.gradFn = node;
  out._requiresGrad = true;
  return out;
}

function checkGrads(
  op: string,
  module: Module,
  res: unknown,
  before: (Tensor | null)[],
  what: string,
): (Tensor | null)[] | null {
  if (res === undefined || res === null) return null;
  if (!Array.isArray(res)) {
    throw new TypeError(
      `${op}: a backward hook of ${module._getName()} must return an array of ${what} or nothing`,
    );
  }
  if (res.length !== before.length) {
    throw new RangeError(
      `${op}: a backward hook of ${module._getName()} returned an invalid number of ${what}, got ${res.length}, ` +
        `but expected ${before.length}`,
    );
  }
  return res.map((r, i) => {
    if (r === null || r === undefined) return null;
    if (!(r instanceof Tensor)) {
      throw new TypeError(`${op}: ${what}[${i}] returned by a backward hook must be a Tensor or null`);
    }
    const b = before[i];
    if (b !== null && (r.ndim !== b.ndim || r.shape.some((s, k) => s !== b.shape[k]))) {
      throw new RangeError(
        `${op}: ${what}[${i}] returned by a backward hook of ${module._getName()} has shape ${
          fmtShape(r.shape)
        }; expected ${fmtShape(b.shape)}`,
      );
    }
    return r;
  });
}

/** The pieces of one call's backward hooks: gradients of the outputs wait for those of the inputs. */
function setupBackwardHooks(
  module: Module,
  hooks: { backward: FullBackwardHook[]; backwardPre: FullBackwardPreHook[] },
  args: unknown[],
) {
  let gradOutput: (Tensor | null)[] = [];
  const inputIndex: number[] = [];
  const inputGroup = {
    members: [] as Node[],
    run(grads: (Tensor | null)[]): (Tensor | null)[] | null {
      let gradInput: (Tensor | null)[] = args.map(() => null);
      inputIndex.forEach((a, k) => (gradInput[a] = grads[k]));
      let changed = false;
      for (const hook of [...hooks.backward]) {
        const res = checkGrads(
          "backward",
          module,
          hook(module, gradInput, gradOutput),
          gradInput,
          "grad_input",
        );
        if (res !== null) {
          gradInput = res;
          changed = true;
        }
      }
      return changed ? inputIndex.map((a) => gradInput[a]) : null;
    },
  };
  const wrappedArgs = args.map((a, i) => {
    if (!(a instanceof Tensor) || !a.requiresGrad) return a;
    inputIndex.push(i);
    return throughHook(a, inputGroup);
  });
  const wrapOutput = (out: unknown): unknown => {
    const outs = Array.isArray(out) ? out : [out];
    const outputIndex: number[] = [];
    const outputGroup = {
      members: [] as Node[],
      run(grads: (Tensor | null)[]): (Tensor | null)[] | null {
        gradOutput = outs.map(() => null);
        outputIndex.forEach((o, k) => (gradOutput[o] = grads[k]));
        let changed = false;
        for (const hook of [...hooks.backwardPre]) {
          const res = checkGrads("backward", module, hook(module, gradOutput), gradOutput, "grad_output");
          if (res !== null) {
            gradOutput = res;
            changed = true;
          }
        }
        if (inputIndex.length === 0) {
          // No input requires grad: the hooks run now, with no input gradients (as PyTorch).
          const gradInput = args.map(() => null);
          for (const hook of [...hooks.backward]) {
            const res = hook(module, gradInput, gradOutput);
            if (Array.isArray(res) ? res.some((r) => r !== null && r !== undefined) : res) {
              throw new Error(
                "backward: a backward hook for a module where no input requires gradient should always " +
                  "return nothing or null for every gradient",
              );
            }
          }
        }
        return changed ? outputIndex.map((o) => gradOutput[o]) : null;
      },
    };
    const wrapped = outs.map((o, i) => {
      if (!(o instanceof Tensor) || !o.requiresGrad) return o;
      outputIndex.push(i);
      return throughHook(o, outputGroup);
    });
    return Array.isArray(out) ? wrapped : wrapped[0];
  };
  return { args: wrappedArgs, wrapOutput };
}

/**
 * @internal A call of `module` with its hooks (`Module`'s callable runs it in the call's frame):
 * forward pre-hooks, the backward hooks' input wrapping, `forward`, forward hooks, and the
 * wrapping of the output. User code in hooks runs as the user's.
 */
export function callWithHooks(module: Module, args: unknown[]): unknown {
  const hooks = module._hooksOrNull;
  for (const hook of [...globalForwardPre, ...(hooks?.forwardPre ?? [])]) {
    const res = asUserCode(() => hook(module, args));
    if (res !== undefined && res !== null) args = Array.isArray(res) ? res : [res];
  }
  let wrapOutput: ((out: unknown) => unknown) | null = null;
  // Global backward hooks run before the module's own (as PyTorch's).
  const backward = [...globalBackward, ...(hooks?.backward ?? [])];
  const backwardPre = hooks?.backwardPre ?? [];
  if ((backward.length > 0 || backwardPre.length > 0) && isGradEnabled()) {
    const setup = setupBackwardHooks(module, { backward, backwardPre }, args);
    args = setup.args;
    wrapOutput = setup.wrapOutput;
  }
  let out = module.forward(...args);
  for (const hook of [...globalForward, ...(hooks?.forward ?? [])]) {
    const res = asUserCode(() => hook(module, args, out));
    if (res !== undefined && res !== null) out = res;
  }
  return wrapOutput ? wrapOutput(out) : out;
}
