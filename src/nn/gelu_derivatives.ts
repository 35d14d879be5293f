/**
 * @internal The derivative rows of GELU's kernels (nn/activations_core.ts): the exact `gelu`, whose
 * derivative is the kernel `Φ(x) + x·φ(x)`, with its own derivative `φ(x)·(2 - x²)`, so that
 * `createGraph: true` differentiates GELU twice; and the tanh approximation's kernel and its
 * derivative kernel. Gathered by `src/autograd/derivatives_extra.ts`.
 * @module
 */
import type { Tensor } from "../tensor.ts";
import type { Node } from "../autograd/node.ts";
import * as ew from "../ops/elementwise.ts";

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const A = 0.044715;

function savedInput(n: Node, op: string): Tensor {
  const x = n.inputs[0];
  if (!x || typeof x === "number") throw new Error(`internal: ${op} saved no input`);
  return x;
}

/** @internal The rows. */
export const geluDerivatives = {
  gelu: {
    saves: "inputs",
    backward: (g: Tensor, n: Node) => [ew.mul(g, ew.unaryOp("geluDerivative", savedInput(n, "gelu")))],
  },
  geluDerivative: {
    saves: "inputs",
    name: "GeluBackwardBackward0",
    backward: (g: Tensor, n: Node) => {
      const x = savedInput(n, "geluDerivative");
      const x2 = ew.mul(x, x);
      const pdf = ew.mul(ew.exp(ew.mul(x2, -0.5)), INV_SQRT_2PI);
      return [ew.mul(g, ew.mul(pdf, ew.sub(2, x2)))];
    },
  },
  geluTanh: {
    saves: "inputs",
    name: "GeluBackward0",
    backward: (
      g: Tensor,
      n: Node,
    ) => [ew.mul(g, ew.unaryOp("geluTanhDerivative", savedInput(n, "geluTanh")))],
  },
  // d/dx of (1 + t)/2 + x/2·(1 - t²)·u' with t = tanh(u), u = √(2/π)·(x + a·x³):
  // (1 - t²)·(u' + x/2·(u'' - 2·t·u'²)), u' = √(2/π)·(1 + 3a·x²), u'' = √(2/π)·6a·x.
  geluTanhDerivative: {
    saves: "inputs",
    name: "GeluBackwardBackward0",
    backward: (g: Tensor, n: Node) => {
      const x = savedInput(n, "geluTanhDerivative");
      const x2 = ew.mul(x, x);
      const t = ew.tanh(ew.mul(ew.add(x, ew.mul(ew.mul(x2, x), A)), SQRT_2_OVER_PI));
      const du = ew.mul(ew.add(ew.mul(x2, 3 * A), 1), SQRT_2_OVER_PI);
      const ddu = ew.mul(x, 6 * A * SQRT_2_OVER_PI);
      const inner = ew.add(du, ew.mul(ew.mul(x, 0.5), ew.sub(ddu, ew.mul(ew.mul(t, 2), ew.mul(du, du)))));
      return [ew.mul(g, ew.mul(ew.sub(1, ew.mul(t, t)), inner))];
    },
  },
} as const;
