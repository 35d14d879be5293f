/**
 * @internal The derivative rows of the complex views (src/complex/core.ts), spread into
 * src/autograd/derivatives.ts through src/autograd/derivatives_extra.ts. PyTorch's convention: the
 * gradient of a real loss L with respect to z is dL/dRe(z) + i dL/dIm(z), so the backward of each
 * view is the inverse view of the gradient; of the product kernel `complexMul` (out = a·b, or
 * a·conj(b) with `conjB`), g·conj(b) and g·conj(a) (a·conj(b): g·b and conj(g)·a).
 * @module
 */
import type { Tensor } from "../tensor.ts";
import type { Derivative, Node } from "../autograd/node.ts";
import { asComplex, viewAsReal } from "./core.ts";
import { complexBinary, complexMulKernel } from "./arith.ts";
import { conj } from "./conj.ts";

/** `x · y` or `x · conj(y)`: the kernel, or the composite where the backend has none. */
function product(x: Tensor, y: Tensor, conjY: boolean): Tensor {
  return complexMulKernel(x, y, conjY) ?? complexBinary("mul", x, conjY ? conj(y) : y);
}

/** The two complex factors a row saved. */
function factors(n: Node): [Tensor, Tensor] {
  const [a, b] = n.inputs;
  if (!a || !b || typeof a === "number" || typeof b === "number") {
    throw new Error("internal: complexMul saved no inputs");
  }
  return [a, b];
}

/** @internal The rows. */
export const complexDerivatives = {
  viewAsReal: { saves: "none", backward: (g) => [asComplex(g)] },
  viewAsComplex: { saves: "none", backward: (g) => [viewAsReal(g)] },
  complexMul: {
    saves: "inputs",
    name: "MulBackward0",
    backward: (g: Tensor, n: Node) => {
      const [a, b] = factors(n);
      if (n.args.conjB) return [product(g, b, false), product(a, g, true)];
      return [product(g, b, true), product(g, a, true)];
    },
  },
} satisfies Record<string, Derivative>;
