/**
 * `torch.scope(fn)`: a frame (see src/memory.ts) around user code. Library calls already free
 * their own temporaries; a scope also frees, as soon as `fn` returns, what `fn` itself made and
 * did not return, without waiting for the garbage collector.
 * @module
 */
import { Tensor } from "./tensor.ts";
import { closeFrame, openFrame, pinHandle } from "./memory.ts";

/**
 * Runs `fn` (synchronously) and releases every tensor it created, except:
 * - what it returns: a tensor, or tensors anywhere inside returned arrays, plain objects, `Map`s,
 *   `Set`s and the fields of returned objects (a module, a dataset);
 * - what the library holds: parameters and leaves that require grad, `.grad`, module buffers,
 *   optimizer state, and what a graph saved for `backward()` (freed when the graph is);
 * - what is marked with {@link keep}.
 *
 * Tensors from before the scope are not touched. A released tensor that is used again throws an
 * error saying it was disposed; nothing is corrupted. Scopes nest: what an inner scope returns
 * belongs to the outer one. `fn` must be synchronous: the async reads (`await t.itemAsync()`) go
 * after the scope, on what it returned. A plain loop without a scope frees the library's own
 * temporaries just as fast; the scope adds the tensors `fn` made at its own level.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
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
 *   assertEquals([loss.shape, loss.isDisposed], [[], false]);
 *   loss.dispose();
 * }
 * ```
 */
export function scope<T>(fn: () => T): T {
  if (typeof fn !== "function") {
    throw new TypeError(`scope: expected a function to run, got ${fn === null ? "null" : typeof fn}`);
  }
  openFrame();
  let result: T;
  try {
    result = fn();
  } catch (e) {
    closeFrame(undefined);
    throw e;
  }
  if (result instanceof Promise) {
    // Its tensors may still be in use by the pending work: release nothing, and say why.
    closeFrame(undefined, true);
    throw new TypeError(
      "scope: the function returned a Promise; scope() runs synchronously (tensors made while an async " +
        "function awaits could belong to other work). Run the synchronous part of the step inside the scope " +
        "and await reads (itemAsync, dataAsync) on what it returns",
    );
  }
  closeFrame(result);
  return result;
}

/**
 * Marks `t` (its storage, shared by its views) as outliving every open {@link scope}: for a
 * tensor stored outside the scope rather than returned. Returns `t`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * const history: torch.Tensor[] = [];
 * torch.scope(() => {
 *   const x = torch.ones(3).mul(2);
 *   history.push(torch.keep(x.sum()));
 * });
 * assertEquals(history[0].item(), 6);
 * ```
 */
export function keep<T extends Tensor>(t: T): T {
  if (!(t instanceof Tensor)) {
    throw new TypeError(`keep: expected a Tensor, got ${t === null ? "null" : typeof t}`);
  }
  pinHandle(t);
  return t;
}
