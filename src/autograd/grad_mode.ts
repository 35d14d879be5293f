/**
 * Whether operations record the autograd graph: `noGrad`, `enableGrad`, `setGradEnabled`.
 *
 * PyTorch's grad mode is per thread; a JavaScript program's concurrent tasks are async functions,
 * so here the mode follows the async context: `torch.noGrad(async () => ...)` turns recording off
 * for that function (and what it awaits and starts), while a training step running meanwhile on
 * another task keeps recording. The context comes from `AsyncLocalStorage` (`node:async_hooks`,
 * which Deno, Bun, Node and workerd with `nodejs_compat` provide, found through
 * `process.getBuiltinModule`, nothing imported). Where a runtime has none (browsers), the scoped
 * forms take synchronous functions only, and an async one is refused with a message that offers
 * `setGradEnabled`.
 *
 * Only `async` functions use `AsyncLocalStorage`: a synchronous scope (`nn.init`, an optimizer
 * step, `noGrad(() => model(x))`) is a push and pop on a stack of its own, because the first use
 * of `AsyncLocalStorage` in Deno loads the Node compatibility layer, about 30 ms that every
 * program paid at its first model construction. A plain function that returns a Promise is
 * refused (grad mode could not follow it past its first await): write it as an `async` function.
 * @module
 */
import { isThenable } from "../thenable.ts";

/** The mode of one context: mutable, so `setGradEnabled(mode)` changes the current context's. */
interface GradState {
  enabled: boolean;
  /** Inside `inferenceMode` (kept by the scopes nested in it). */
  inference?: boolean;
  /** For an async context: how many synchronous scopes were open when it began. */
  syncDepth?: number;
}

/** The part of `AsyncLocalStorage` used here. */
interface ContextStorage {
  getStore(): GradState | undefined;
  run<R>(store: GradState, fn: () => R): R;
}

/** `AsyncLocalStorage` where the runtime has one, without importing anything (null elsewhere). */
function findContextStorage(): ContextStorage | null {
  type Ctor = new () => ContextStorage;
  const g = globalThis as {
    AsyncLocalStorage?: Ctor;
    process?: { getBuiltinModule?: (id: string) => { AsyncLocalStorage?: Ctor } | undefined };
  };
  try {
    const Storage = g.process?.getBuiltinModule?.("node:async_hooks")?.AsyncLocalStorage ??
      g.AsyncLocalStorage;
    return typeof Storage === "function" ? new Storage() : null;
  } catch {
    return null;
  }
}

/**
 * Looked up at the first async scope, not at import: in Deno, reaching it loads the Node
 * compatibility layer (about 30 ms). Until then no async scope exists.
 */
let storage: ContextStorage | null | undefined;
/** The mode outside every `noGrad` / `enableGrad` / `setGradEnabled(mode, fn)` scope. */
const root: GradState = { enabled: true };

/**
 * The synchronous scopes open now, innermost last. Continuations of async functions run from
 * the event loop, when none is open, so a sync scope above an async context's `syncDepth` is
 * inside it.
 */
const syncScopes: GradState[] = [];

function current(): GradState {
  const async = storage?.getStore();
  return syncScopes.length > (async?.syncDepth ?? 0) ? syncScopes[syncScopes.length - 1] : async ?? root;
}

/**
 * True while operations record gradients (in the current async context).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals([torch.isGradEnabled(), torch.noGrad(() => torch.isGradEnabled())], [true, false]);
 * ```
 */
export function isGradEnabled(): boolean {
  return current().enabled;
}

/**
 * PyTorch's `torch.set_grad_enabled`, in both of its forms:
 * - `setGradEnabled(mode)` sets the mode of the current context (the whole program outside any
 *   scope; inside `noGrad(fn)`, that scope) and returns the previous mode;
 * - `setGradEnabled(mode, fn)` is the context manager `with torch.set_grad_enabled(mode):`: runs
 *   `fn` (sync or async) with the mode and returns its result, leaving other tasks alone.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const w = torch.tensor([1, 2], { dtype: "float32", requiresGrad: true });
 * const isTrain = false;
 * const y = torch.setGradEnabled(isTrain, () => w.mul(2));
 * assertEquals(y.requiresGrad, false);
 * const prev = torch.setGradEnabled(false); // globally off...
 * torch.setGradEnabled(prev); // ...and back on
 * ```
 */
export function setGradEnabled(mode: boolean): boolean;
/** Runs `fn` with gradient recording set to `mode` and restores the previous mode after. */
export function setGradEnabled<T>(mode: boolean, fn: () => T): T;
export function setGradEnabled<T>(mode: boolean, fn?: () => T): boolean | T {
  if (typeof mode !== "boolean") {
    throw new TypeError(`setGradEnabled: mode must be a boolean, got ${typeof mode}`);
  }
  if (fn !== undefined) return runWithMode("setGradEnabled", mode, fn);
  const state = current();
  const prev = state.enabled;
  state.enabled = mode;
  return prev;
}

function refuseAsync(op: string): TypeError {
  return new TypeError(
    `${op}: this runtime has no AsyncLocalStorage, so grad mode cannot follow an async function ` +
      `(it would change the mode of every other task while this one awaits); pass a synchronous ` +
      `function, or switch the mode around your code with \`const prev = torch.setGradEnabled(false)\` ` +
      `... \`torch.setGradEnabled(prev)\``,
  );
}

function runWithMode<T>(op: string, mode: boolean, fn: () => T, inference?: boolean): T {
  if (typeof fn !== "function") throw new TypeError(`${op}: expected a function, got ${typeof fn}`);
  const inInference = inference ?? (inferenceScopes > 0 && current().inference === true);
  if (fn.constructor?.name === "AsyncFunction") {
    if (storage === undefined) storage = findContextStorage();
    if (!storage) throw refuseAsync(op);
    const state = { enabled: mode, syncDepth: syncScopes.length, inference: inInference };
    if (!inference) return storage.run(state, fn);
    inferenceScopes++;
    let result: T;
    try {
      result = storage.run(state, fn);
    } catch (e) {
      inferenceScopes--;
      throw e;
    }
    Promise.resolve(result).finally(() => inferenceScopes--).catch(() => {});
    return result;
  }
  if (inference) inferenceScopes++;
  try {
    return runSync(op, { enabled: mode, inference: inInference }, fn);
  } finally {
    if (inference) inferenceScopes--;
  }
}

function runSync<T>(op: string, state: GradState, fn: () => T): T {
  syncScopes.push(state);
  let result: T;
  try {
    result = fn();
  } finally {
    syncScopes.pop();
  }
  if (isThenable(result)) {
    // Its rejection is reported by the error below, not as an unhandled rejection.
    Promise.resolve(result).catch(() => {});
    if (storage === undefined) storage = findContextStorage();
    if (!storage) throw refuseAsync(op);
    throw new TypeError(
      `${op}: the function returned a Promise but is not an async function, so grad mode cannot ` +
        `follow it past its first await; pass an async function: torch.${op}(async () => await ...)`,
    );
  }
  return result;
}

/**
 * Runs `fn` without recording gradients, like `with torch.no_grad():`. `fn` may be async: the
 * mode follows its async context, so other tasks running meanwhile (a training step while an
 * evaluation awaits) keep recording.
 * @example
 * ```ts
 * import * as torch from "../../mod.ts";
 * const w = torch.tensor([1, 2], { dtype: "float32", requiresGrad: true });
 * const y = torch.noGrad(() => w.mul(2));
 * console.assert(!y.requiresGrad);
 * const z = await torch.noGrad(async () => {
 *   await null;
 *   return w.mul(3);
 * });
 * console.assert(!z.requiresGrad);
 * ```
 */
export function noGrad<T>(fn: () => T): T {
  return runWithMode("noGrad", false, fn);
}

/**
 * Runs `fn` with gradient recording on, even inside `noGrad` (sync or async, as `noGrad`).
 * @example
 * ```ts
 * import * as torch from "../../mod.ts";
 * const w = torch.tensor([1.5], { requiresGrad: true });
 * const y = torch.noGrad(() => torch.enableGrad(() => w.mul(2)));
 * console.assert(y.requiresGrad);
 * ```
 */
export function enableGrad<T>(fn: () => T): T {
  return runWithMode("enableGrad", true, fn);
}

/** How many `inferenceMode` scopes are open (in any context): zero makes the check free. */
let inferenceScopes = 0;

/**
 * True inside `inferenceMode` (in the current async context), as PyTorch's
 * `torch.is_inference_mode_enabled`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals([torch.isInferenceModeEnabled(), torch.inferenceMode(() => torch.isInferenceModeEnabled())], [
 *   false,
 *   true,
 * ]);
 * ```
 */
export function isInferenceModeEnabled(): boolean {
  return inferenceScopes > 0 && current().inference === true;
}

/**
 * Runs `fn` in inference mode, like `with torch.inference_mode():` (or `inferenceMode(false, fn)`,
 * which runs it as it is): no gradients are recorded, as in `noGrad`, and the tensors made inside
 * are inference tensors (`x.isInference()`): outside inference mode they cannot be written in
 * place or saved for backward (clone one to get a normal tensor). `fn` may be async, as for
 * `noGrad`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const w = torch.tensor([1, 2], { dtype: "float32", requiresGrad: true });
 * const y = torch.inferenceMode(() => w.mul(2));
 * assertEquals([y.requiresGrad, y.isInference(), w.isInference()], [false, true, false]);
 * ```
 */
export function inferenceMode<T>(fn: () => T): T;
/** Runs `fn` in inference mode when `mode` is true, as it is otherwise. */
export function inferenceMode<T>(mode: boolean, fn: () => T): T;
export function inferenceMode<T>(modeOrFn: boolean | (() => T), fn?: () => T): T {
  if (typeof modeOrFn === "function") return runWithMode("inferenceMode", false, modeOrFn, true);
  if (typeof modeOrFn !== "boolean") {
    throw new TypeError(
      `inferenceMode: expected a function, or a boolean and a function, got ${typeof modeOrFn}`,
    );
  }
  if (!modeOrFn) {
    if (typeof fn !== "function") throw new TypeError(`inferenceMode: expected a function, got ${typeof fn}`);
    return fn();
  }
  return runWithMode("inferenceMode", false, fn as () => T, true);
}
