/**
 * Composite ops are written with other ops; an error one of those throws names the inner op
 * (`sub: shapes [2] and [3] cannot be broadcast together`), which is not what the user called.
 * {@link asOp} runs a composite op's body so that such an error comes back naming the composite
 * (`lerp: shapes [2] and [3] ...`), the inner error kept as its `cause`.
 * @module
 */

const OP_PREFIX = /^([A-Za-z_][A-Za-z0-9_.]*): /;

/**
 * Runs `body`, the work of op `op`; an Error thrown with another op's name as its prefix is
 * rethrown (same class for Error, TypeError and RangeError) with `op`'s name instead.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { asOp } from "./naming.ts";
 * try {
 *   asOp("myOp", () => torch.ones(2).add(torch.ones(3)));
 * } catch (e) {
 *   assertEquals((e as Error).message.startsWith("myOp: shapes [2] and [3]"), true);
 * }
 * ```
 */
export function asOp<T>(op: string, body: () => T): T {
  try {
    return body();
  } catch (e) {
    if (!(e instanceof Error)) throw e;
    const m = OP_PREFIX.exec(e.message);
    if (!m || m[1] === op) throw e;
    const Ctor = e instanceof RangeError ? RangeError : e instanceof TypeError ? TypeError : Error;
    throw new Ctor(`${op}: ${e.message.slice(m[0].length)}`, { cause: e });
  }
}
