/**
 * @internal Derivative rows kept next to their ops, gathered here for src/autograd/derivatives.ts
 * (one spread there): `linalg.ldlFactorEx` / `ldlSolve` (none, as PyTorch 1.13) and
 * `nn.CrossMapLRN2d` (1.13's hand-written backward).
 * @module
 */
import type { Derivative } from "./node.ts";
import { ldlDerivatives } from "../linalg/ldl_derivatives.ts";
import { crossMapLrnDerivatives } from "../nn/cross_map_lrn_core.ts";

/** @internal The rows. */
export const extraDerivatives = {
  ...ldlDerivatives,
  ...crossMapLrnDerivatives,
} satisfies Record<string, Derivative>;
