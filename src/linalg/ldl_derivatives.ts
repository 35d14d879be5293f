/**
 * @internal The derivative rows of `linalg.ldlFactorEx` and `linalg.ldlSolve` (src/linalg/ldl.ts),
 * spread into src/autograd/derivatives.ts through src/autograd/derivatives_extra.ts: PyTorch 1.13
 * has no derivative for either, so their results require grad and backward says so.
 * @module
 */
import type { Derivative } from "../autograd/node.ts";

function notImplemented(op: string): Derivative {
  return {
    saves: "none",
    backward: () => {
      throw new Error(`${op}: the derivative for '${op}' is not implemented (as PyTorch); detach its inputs`);
    },
  };
}

/** @internal The rows. */
export const ldlDerivatives = {
  linalgLdlFactor: notImplemented("linalg.ldlFactorEx"),
  linalgLdlSolve: notImplemented("linalg.ldlSolve"),
} satisfies Record<string, Derivative>;
