/**
 * @internal The derivative rows of `torch.choleskyInverse`, `torch.geqrf` and `torch.ormqr`
 * (src/linalg/cholesky_inverse.ts, src/linalg/geqrf.ts), gathered by
 * `src/autograd/derivatives_extra.ts`. PyTorch 1.13 differentiates cholesky_inverse only; geqrf and
 * ormqr refuse in backward, as there.
 * @module
 */
import type { Tensor } from "../tensor.ts";
import type { Derivative, Node } from "../autograd/node.ts";
import { choleskyInverseBackward } from "./cholesky_inverse.ts";

function refuse(op: string): Derivative {
  return {
    saves: "none",
    backward: () => {
      throw new Error(`${op}: the derivative for '${op}' is not implemented (as PyTorch); detach its inputs`);
    },
  };
}

/** @internal The rows. */
export const linalgxDerivatives = {
  choleskyInverse: {
    saves: "both",
    backward: (g: Tensor, n: Node) => {
      const L = n.inputs[0], out = n.output;
      if (!L || typeof L === "number" || !out) throw new Error("internal: choleskyInverse saved nothing");
      return [choleskyInverseBackward(g, L, out, n.args.upper as boolean)];
    },
  },
  geqrf: refuse("geqrf"),
  ormqr: refuse("ormqr"),
} satisfies Record<string, Derivative>;
