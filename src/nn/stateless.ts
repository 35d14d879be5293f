/**
 * `nn.utils.stateless`, as PyTorch 1.13's `torch.nn.utils.stateless`: `functionalCall` runs a
 * module with some of its parameters and buffers replaced by given tensors, for that one call
 * (meta-learning, per-sample gradients, ensembles of weights over one module).
 * @module
 */
import { Tensor } from "../tensor.ts";
import { fmtShape } from "../shape.ts";
import { Module, Parameter } from "./module.ts";
import { isParametrized } from "./parametrize.ts";

type Fields = Record<string, unknown>;

/** What one swap replaced, to put it back. */
interface Swap {
  module: Module;
  name: string;
  descriptor: PropertyDescriptor | undefined;
  buffer: { had: boolean; value: Tensor | null | undefined };
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (v instanceof Tensor) return `a tensor of shape ${fmtShape(v.shape)}`;
  return typeof v;
}

/** The submodule holding `path`'s last part, and that part (`"fc.weight"` -> [fc, "weight"]). */
function holderOf(op: string, module: Module, path: string): [Module, string] {
  const at = path.lastIndexOf(".");
  const owner = at < 0 ? module : (() => {
    try {
      return module.getSubmodule(path.slice(0, at));
    } catch {
      throw new Error(`${op}: ${module._getName()} has no submodule "${path.slice(0, at)}" (for "${path}")`);
    }
  })();
  return [owner, path.slice(at + 1)];
}

/**
 * Calls `module` with the tensors of `parametersAndBuffers` (keyed by `namedParameters` /
 * `namedBuffers` names, e.g. `"0.weight"`, `"bn.running_mean"`) in place of its own, for this
 * one call (PyTorch 1.13's `torch.nn.utils.stateless.functional_call`). The module's own
 * tensors are untouched and back in place when it returns or throws; gradients flow to the given
 * tensors. `args` is the argument, or an array of the arguments. A parametrized tensor's key
 * (`"weight"`) replaces the parametrized value; `"parametrizations.weight.original"` replaces the
 * original, the parametrization still applied.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { nn } from "../../mod.ts";
 * const fc = new nn.Linear(2, 1);
 * const w = torch.tensor([[1, 2]], { dtype: "float32", requiresGrad: true });
 * const y = nn.utils.stateless.functionalCall(fc, { weight: w, bias: torch.zeros(1) }, torch.tensor([[3, 4]], { dtype: "float32" }));
 * assertEquals(y.toArray(), [[11]]);
 * y.sum().backward();
 * assertEquals([w.grad!.toArray(), fc.weight.grad], [[[3, 4]], null]);
 * ```
 */
// deno-lint-ignore no-explicit-any
export function functionalCall<R = any>(
  module: Module,
  parametersAndBuffers: Record<string, Tensor> | Map<string, Tensor>,
  args: unknown,
): R {
  const op = "functionalCall";
  if (!(module instanceof Module)) throw new TypeError(`${op}: expected a Module, got ${describe(module)}`);
  if (parametersAndBuffers === null || typeof parametersAndBuffers !== "object") {
    throw new TypeError(`${op}: expected an object of tensors, got ${describe(parametersAndBuffers)}`);
  }
  const entries: [string, unknown][] = parametersAndBuffers instanceof Map
    ? [...parametersAndBuffers.entries()]
    : Object.entries(parametersAndBuffers);
  // Check everything before swapping anything.
  const plan: [Module, string, Tensor][] = entries.map(([path, tensor]) => {
    if (!(tensor instanceof Tensor)) {
      throw new TypeError(`${op}: the value for "${path}" must be a Tensor, got ${describe(tensor)}`);
    }
    const [owner, name] = holderOf(op, module, path);
    const descriptor = Object.getOwnPropertyDescriptor(owner, name);
    // A parameter field (null for an absent optional one, as a bias=False Linear's), a buffer, or a
    // parametrized tensor.
    const isParam = descriptor !== undefined && descriptor.enumerable === true &&
      (descriptor.value instanceof Parameter || descriptor.value === null);
    if (!isParam && !owner._buffers.has(name) && !isParametrized(owner, name)) {
      throw new Error(`${op}: ${module._getName()} has no parameter or buffer named "${path}"`);
    }
    return [owner, name, tensor];
  });
  const swaps: Swap[] = [];
  try {
    for (const [owner, name, tensor] of plan) {
      const had = owner._buffers.has(name);
      swaps.push({
        module: owner,
        name,
        descriptor: Object.getOwnPropertyDescriptor(owner, name),
        buffer: { had, value: owner._buffers.get(name) },
      });
      if (had) owner._buffers.set(name, tensor);
      Object.defineProperty(owner, name, {
        value: tensor,
        writable: true,
        enumerable: false,
        configurable: true,
      });
    }
    const call = module as unknown as (...a: unknown[]) => R;
    return Array.isArray(args) ? call(...args) : call(args);
  } finally {
    for (const s of swaps.reverse()) {
      if (s.descriptor) Object.defineProperty(s.module, s.name, s.descriptor);
      else delete (s.module as unknown as Fields)[s.name];
      if (s.buffer.had) s.module._buffers.set(s.name, s.buffer.value ?? null);
    }
  }
}
