/**
 * @internal The derivative row of the kernel of GELU's derivative, `Φ(x) + x·φ(x)` (the row of
 * `gelu` itself is in src/autograd/derivatives.ts): its own derivative `φ(x)·(2 - x²)`, so that
 * `createGraph: true` differentiates GELU twice. Gathered by `src/autograd/derivatives_extra.ts`.
 * @module
 */
import type { Tensor } from "../tensor.ts";
import type { Node } from "../autograd/node.ts";
import * as ew from "../ops/elementwise.ts";

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** @internal The row. */
export const geluDerivatives = {
  geluDerivative: {
    saves: "inputs",
    name: "GeluBackwardBackward0",
    backward: (g: Tensor, n: Node) => {
      const x = n.inputs[0];
      if (!x || typeof x === "number") throw new Error("internal: geluDerivative saved no input");
      const x2 = ew.mul(x, x);
      const pdf = ew.mul(ew.exp(ew.mul(x2, -0.5)), INV_SQRT_2PI);
      return [ew.mul(g, ew.mul(pdf, ew.sub(2, x2)))];
    },
  },
} as const;
