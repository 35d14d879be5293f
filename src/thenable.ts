/**
 * One test for "is this a promise (or promise-like)": used where a synchronous API must refuse an
 * async callback (grad-mode and autocast scopes) or must await what a callback returned.
 * @module
 */

/** Whether `v` has a callable `then` (a Promise or any thenable). */
export function isThenable(v: unknown): v is PromiseLike<unknown> {
  return v !== null && (typeof v === "object" || typeof v === "function") &&
    typeof (v as PromiseLike<unknown>).then === "function";
}
