/**
 * @internal The derivative rows of `torch.choleskyInverse`, `torch.lobpcg`, `torch.geqrf` and `torch.ormqr`
 * (src/linalg/cholesky_inverse.ts, src/linalg/geqrf.ts), gathered by
 * `src/autograd/derivatives_extra.ts`. PyTorch 1.13 differentiates cholesky_inverse only; geqrf and
 * ormqr refuse in backward, as there.
 * @module
 */
import type { Tensor } from "../tensor.ts";
import type { Derivative, Node } from "../autograd/node.ts";
import { choleskyInverseBackward } from "./cholesky_inverse.ts";
import { lobpcgBackward } from "./lobpcg.ts";
import { unpack } from "./packed.ts";

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
  // E and X packed (src/linalg/packed.ts): PyTorch's symeig backward in the symmetrized A.
  lobpcg: {
    saves: "both",
    name: "LOBPCGAutogradFunctionBackward",
    backward: (g: Tensor, n: Node) => {
      const A = n.inputs[0], out = n.output;
      if (!A || typeof A === "number" || !out) throw new Error("internal: lobpcg saved nothing");
      const shapes = n.args.shapes as number[][];
      const [gE, gX] = unpack(g, shapes), [E, X] = unpack(out, shapes);
      return [lobpcgBackward(gE, gX, A, E, X, n.args.largest as boolean)];
    },
  },
  geqrf: refuse("geqrf"),
  ormqr: refuse("ormqr"),
} satisfies Record<string, Derivative>;
