/**
 * @internal Derivative rows kept next to their ops, gathered here for src/autograd/derivatives.ts
 * (one spread there): `linalg.ldlFactorEx` / `ldlSolve` (none, as PyTorch 1.13),
 * `nn.CrossMapLRN2d` (1.13's hand-written backward) and `choleskyInverse` / `geqrf` / `ormqr`
 * (src/linalg/linalgx_derivatives.ts), GELU's kernels (src/nn/gelu_derivatives.ts), the complex views
 * `viewAsReal` / `viewAsComplex` (src/complex/derivatives.ts), and the complex FFT on (re, im) pairs
 * (src/fft/pairs.ts).
 * @module
 */
import type { Derivative } from "./node.ts";
import { ldlDerivatives } from "../linalg/ldl_derivatives.ts";
import { crossMapLrnDerivatives } from "../nn/cross_map_lrn_core.ts";
import { linalgxDerivatives } from "../linalg/linalgx_derivatives.ts";
import { geluDerivatives } from "../nn/gelu_derivatives.ts";
import { complexDerivatives } from "../complex/derivatives.ts";
import { fftDerivatives } from "../fft/pairs.ts";

/** @internal The rows. */
export const extraDerivatives = {
  ...ldlDerivatives,
  ...crossMapLrnDerivatives,
  ...linalgxDerivatives,
  ...geluDerivatives,
  ...complexDerivatives,
  ...fftDerivatives,
} satisfies Record<string, Derivative>;
