/**
 * @internal The derivative rows of the complex views (src/complex/core.ts), spread into
 * src/autograd/derivatives.ts through src/autograd/derivatives_extra.ts. PyTorch's convention: the
 * gradient of a real loss L with respect to z is dL/dRe(z) + i dL/dIm(z), so the backward of each
 * view is the inverse view of the gradient.
 * @module
 */
import type { Derivative } from "../autograd/node.ts";
import { asComplex, viewAsReal } from "./core.ts";

/** @internal The rows. */
export const complexDerivatives = {
  viewAsReal: { saves: "none", backward: (g) => [asComplex(g)] },
  viewAsComplex: { saves: "none", backward: (g) => [viewAsReal(g)] },
} satisfies Record<string, Derivative>;
