/**
 * Part of `nn.utils`: `skipInit`, as PyTorch 1.13's `torch.nn.utils.skip_init`.
 * @module
 */
import { defaultGenerator } from "../random.ts";
import { Module } from "./module.ts";

/**
 * Builds `new moduleCls(...args)` without drawing its initial values from the global generator
 * (PyTorch's `skip_init`): the parameters' values are unspecified (PyTorch leaves them
 * uninitialized) and the generator is left as it was, so what is drawn next matches PyTorch.
 * Use it when every parameter is set afterwards (loaded, or initialized by hand).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { nn } from "../../mod.ts";
 * torch.manualSeed(0);
 * const a = torch.rand(3).toArray();
 * torch.manualSeed(0);
 * const fc = nn.utils.skipInit(nn.Linear, 4, 2);
 * assertEquals([fc.weight.shape, torch.rand(3).toArray()], [[2, 4], a]);
 * ```
 */
// deno-lint-ignore no-explicit-any
export function skipInit<C extends new (...args: any[]) => Module>(
  moduleCls: C,
  ...args: ConstructorParameters<C>
): InstanceType<C> {
  if (typeof moduleCls !== "function" || !(moduleCls.prototype instanceof Module)) {
    throw new TypeError(
      `skipInit: expected a Module class, got ${
        typeof moduleCls === "function" ? moduleCls.name || "a function" : typeof moduleCls
      }`,
    );
  }
  const state = defaultGenerator.getState();
  try {
    return new moduleCls(...args) as InstanceType<C>;
  } finally {
    defaultGenerator.setState(state);
  }
}
