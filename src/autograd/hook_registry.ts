/**
 * The engine's side of gradient hooks (see `hooks.ts`): registering a tensor's hooks, the place of
 * `retainGrad()` among them, and the check of what a hook returned.
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { fmtShape } from "../shape.ts";
import { RemovableHandle, type TensorHook } from "./hooks.ts";

/**
 * @internal The place of `retainGrad()` among a tensor's hooks: PyTorch 1.13 runs it in
 * registration order with the others (a hook registered before it changes what `.grad` keeps).
 */
export const RETAIN_GRAD: unique symbol = Symbol("retainGrad");

/** @internal A tensor's hook list entry. */
export type TensorHookEntry = TensorHook | typeof RETAIN_GRAD;

/** Registers `fn` on `t` (the body of `Tensor.registerHook`). */
export function registerTensorHook(t: Tensor, fn: TensorHook): RemovableHandle {
  if (typeof fn !== "function") {
    throw new TypeError(`registerHook: expected a function, got ${fn === null ? "null" : typeof fn}`);
  }
  if (!t.requiresGrad) {
    throw new Error("registerHook: cannot register a hook on a tensor that doesn't require gradient");
  }
  // A non-leaf's hooks belong to the node that produces it now (PyTorch's: after an in-place op
  // they still see the gradient of the value they were registered on).
  const list = t.gradFn ? (t.gradFn._tensorHooks ??= []) : (t._hooks ??= []);
  list.push(fn);
  return new RemovableHandle(list, fn);
}

/**
 * Marks the position of `retainGrad()` among the hooks of the non-leaf `t`'s node (once). The
 * retained gradient itself follows `t` (after an in-place op, the gradient of its new value).
 */
export function markRetainGrad(t: Tensor): void {
  const list = (t.gradFn!._tensorHooks ??= []);
  if (!list.includes(RETAIN_GRAD)) list.push(RETAIN_GRAD);
}

/** Checks what a hook returned in place of `g`: a tensor of `g`'s shape, or nothing. */
export function checkHookResult(what: string, result: unknown, g: Tensor | null): Tensor | null {
  if (result === undefined || result === null) return null;
  if (typeof (result as Tensor).shape !== "object" || typeof (result as Tensor).dtype !== "string") {
    throw new TypeError(`${what}: a hook must return a Tensor or nothing, got ${typeof result}`);
  }
  const r = result as Tensor;
  if (g !== null && (r.ndim !== g.ndim || r.shape.some((s, i) => s !== g.shape[i]))) {
    throw new RangeError(
      `${what}: a hook has changed the size of value: it returned a gradient of shape ${
        fmtShape(r.shape)
      } for one of shape ${fmtShape(g.shape)}`,
    );
  }
  return r;
}
