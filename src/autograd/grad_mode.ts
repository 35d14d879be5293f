/**
 * Whether operations record the autograd graph: `noGrad`, `enableGrad`.
 * @module
 */

let enabled = true;

/** True while operations record gradients. */
export function isGradEnabled(): boolean {
  return enabled;
}

/** Sets gradient recording globally (as `torch.set_grad_enabled`); returns the previous mode. */
export function setGradEnabled(mode: boolean): boolean {
  const prev = enabled;
  enabled = mode;
  return prev;
}

function runWithMode<T>(mode: boolean, fn: () => T): T {
  const prev = setGradEnabled(mode);
  let result: T;
  try {
    result = fn();
  } catch (e) {
    enabled = prev;
    throw e;
  }
  if (result instanceof Promise) {
    // An async function keeps the mode until its promise settles.
    return result.finally(() => {
      enabled = prev;
    }) as T;
  }
  enabled = prev;
  return result;
}

/**
 * Runs `fn` without recording gradients (sync or async), like `with torch.no_grad():`.
 * @example
 * ```ts
 * import * as torch from "../../mod.ts";
 * const w = torch.tensor([1, 2], { dtype: "float32", requiresGrad: true });
 * const y = torch.noGrad(() => w.mul(2));
 * console.assert(!y.requiresGrad);
 * ```
 */
export function noGrad<T>(fn: () => T): T {
  return runWithMode(false, fn);
}

/**
 * Runs `fn` with gradient recording on, even inside `noGrad`.
 * @example
 * ```ts
 * import * as torch from "../../mod.ts";
 * const w = torch.tensor([1.5], { requiresGrad: true });
 * const y = torch.noGrad(() => torch.enableGrad(() => w.mul(2)));
 * console.assert(y.requiresGrad);
 * ```
 */
export function enableGrad<T>(fn: () => T): T {
  return runWithMode(true, fn);
}
