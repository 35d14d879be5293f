/**
 * Gradient hooks, as PyTorch 1.13: `x.registerHook(fn)` on a tensor (a leaf's hooks see its
 * gradient before it is accumulated into `.grad`; a non-leaf's see the gradient flowing into its
 * `gradFn`), `gradFn.registerHook(fn)` / `gradFn.registerPrehook(fn)` on a graph node, and the
 * {@link RemovableHandle} every registration returns. A hook may return a gradient that replaces
 * the one it got (same shape). The engine (`engine.ts`) calls them; user code in a hook runs as
 * the user's (what it creates or keeps is not freed when `backward()` returns).
 * @module
 */
import type { Tensor } from "../tensor.ts";

/**
 * A tensor hook: called with the gradient of the tensor it is registered on; may return a
 * replacement gradient of the same shape (or nothing to keep the gradient as it is).
 */
export type TensorHook = (grad: Tensor) => Tensor | null | undefined | void;

/**
 * A node hook (`gradFn.registerHook`): called after the node's formula ran, with the gradients
 * it computed for its inputs (null where none) and the gradient it got for its output; may return
 * replacement input gradients.
 */
export type NodeHook = (
  gradInputs: (Tensor | null)[],
  gradOutputs: (Tensor | null)[],
) => (Tensor | null)[] | null | undefined | void;

/**
 * A node pre-hook (`gradFn.registerPrehook`): called with the gradient of the node's output
 * before its formula runs; may return a replacement.
 */
export type NodePreHook = (gradOutputs: (Tensor | null)[]) => (Tensor | null)[] | null | undefined | void;

let nextHandleId = 0;

/**
 * What registering a hook returns (PyTorch's `torch.utils.hooks.RemovableHandle`): `remove()`
 * unregisters the hook. Removing twice is harmless.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.tensor([1, 2], { dtype: "float32", requiresGrad: true });
 * const handle = x.registerHook((g) => g.mul(10));
 * x.mul(3).sum().backward();
 * handle.remove();
 * x.mul(3).sum().backward();
 * assertEquals(x.grad!.toArray(), [33, 33]);
 * ```
 */
export class RemovableHandle {
  /** A number unique to this registration (PyTorch's `handle.id`). */
  readonly id: number;
  #list: unknown[] | null;
  #entry: unknown;

  /** @internal Made by the `register*` methods: `entry` is removed from `list` by `remove()`. */
  constructor(list: unknown[], entry: unknown) {
    this.id = nextHandleId++;
    this.#list = list;
    this.#entry = entry;
  }

  /** Unregisters the hook. */
  remove(): void {
    const list = this.#list;
    if (list === null) return;
    const at = list.indexOf(this.#entry);
    if (at >= 0) list.splice(at, 1);
    this.#list = null;
  }
}
