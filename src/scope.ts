/**
 * Deterministic release for loops that want it: `torch.scope(fn)` frees, as soon as `fn`
 * returns, every tensor `fn` created that does not outlive it. Without it memory is still
 * bounded (dropped tensors are reclaimed by the garbage collector); a scope makes the release
 * immediate, which keeps GPU memory flat without waiting for collection.
 * @module
 */
import { Tensor } from "./tensor.ts";
import { Node } from "./autograd/node.ts";
import type { Storage } from "./backends/backend.ts";
import { closeScope, keepStorage, openScope } from "./memory.ts";

/**
 * Runs `fn` (synchronously) and releases every tensor it created, except:
 * - what it returns: a tensor, or tensors anywhere inside returned arrays, plain objects, `Map`s,
 *   `Set`s and the fields of returned objects (a module, a dataset), together with everything the
 *   autograd graph of a returned tensor saved for `backward()`;
 * - what the library keeps on its own: parameters and leaves that require grad, `.grad`,
 *   module buffers, optimizer state;
 * - what is marked with {@link keep}.
 *
 * Tensors from before the scope are not touched, with one exception that keeps a scoped training
 * loop flat: a gradient the library drops inside the scope (`zeroGrad()`, a replaced `.grad`) is
 * released with it unless returned or kept. A released tensor that is used again throws
 * an error saying its storage was disposed; nothing is corrupted. Scopes nest: what an inner
 * scope returns belongs to the outer one. `fn` must be synchronous: the async reads
 * (`await t.itemAsync()`) go after the scope, on what it returned.
 * @example
 * ```ts
 * import * as torch from "../mod.ts";
 * import { nn, optim } from "../mod.ts";
 * const model = new nn.Linear(4, 1);
 * const opt = new optim.SGD(model.parameters(), { lr: 0.1 });
 * const x = torch.randn(8, 4), y = torch.randn(8, 1);
 * for (let step = 0; step < 3; step++) {
 *   const loss = torch.scope(() => {
 *     opt.zeroGrad();
 *     const loss = nn.functional.mseLoss(model(x), y);
 *     loss.backward();
 *     opt.step();
 *     return loss.detach(); // everything else made in this step is released here
 *   });
 *   console.log(loss.shape, loss.isDisposed); // [] false
 *   loss.dispose();
 * }
 * ```
 */
export function scope<T>(fn: () => T): T {
  if (typeof fn !== "function") {
    throw new TypeError(`scope: expected a function to run, got ${fn === null ? "null" : typeof fn}`);
  }
  const opened = openScope();
  let result: T;
  try {
    result = fn();
  } catch (e) {
    closeScope(opened, new Set());
    throw e;
  }
  if (result instanceof Promise) {
    // Its tensors may still be in use by the pending work: release nothing, and say why.
    closeScope(opened, opened.created);
    throw new TypeError(
      "scope: the function returned a Promise; scope() runs synchronously (tensors made while an async " +
        "function awaits could belong to other work). Run the synchronous part of the step inside the scope " +
        "and await reads (itemAsync, dataAsync) on what it returns",
    );
  }
  closeScope(opened, reachableStorages(result));
  return result;
}

/**
 * Marks `t` (its storage, shared by its views) as outliving every open {@link scope}: for a
 * tensor stored outside the scope rather than returned. Returns `t`.
 * @example
 * ```ts
 * import * as torch from "../mod.ts";
 * const history: torch.Tensor[] = [];
 * torch.scope(() => {
 *   const x = torch.ones(3).mul(2);
 *   history.push(torch.keep(x.sum()));
 * });
 * console.log(history[0].item()); // 6
 * ```
 */
export function keep<T extends Tensor>(t: T): T {
  if (!(t instanceof Tensor)) {
    throw new TypeError(`keep: expected a Tensor, got ${t === null ? "null" : typeof t}`);
  }
  keepStorage(t._storage);
  return t;
}

/** The storages of every tensor reachable from `value`, and what their graphs saved. */
function reachableStorages(value: unknown): Set<Storage> {
  const out = new Set<Storage>();
  const seen = new Set<unknown>();
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || (typeof v !== "object" && typeof v !== "function") || seen.has(v)) continue;
    seen.add(v);
    if (v instanceof Tensor) {
      out.add(v._storage);
      if (v.grad) stack.push(v.grad);
      if (v.gradFn) stack.push(v.gradFn);
    } else if (v instanceof Node) {
      stack.push(...v.inputs, v.output, ...Object.values(v.args));
      for (const edge of v.next) if (edge) stack.push(edge);
    } else if (v instanceof Map) {
      for (const [k, item] of v) stack.push(k, item);
    } else if (v instanceof Set || Array.isArray(v)) {
      for (const item of v) stack.push(item);
    } else if (!ArrayBuffer.isView(v) && !(v instanceof ArrayBuffer)) {
      for (const key of Object.keys(v)) stack.push((v as Record<string, unknown>)[key]);
      // Module buffers live in a non-enumerable map.
      const buffers = (v as { _buffers?: unknown })._buffers;
      if (buffers instanceof Map) stack.push(buffers);
    }
  }
  return out;
}
