/**
 * @internal PyTorch's CPU gamma and Dirichlet samplers (`torch._standard_gamma`,
 * `torch._sample_dirichlet`): Marsaglia and Tsang's acceptance-rejection method (2000) with the
 * boost `Gamma(a) = Gamma(a + 1)·U^(1/a)` below 1, drawing uniforms and normals from the
 * generator in PyTorch's order and arithmetic (float32 concentrations in float where PyTorch's
 * `scalar_t` is float), so a seeded program gets PyTorch's samples. Their reparameterized
 * gradients are in `gamma_grad.ts` (the derivative table's, kept apart so that a program that
 * never samples does not carry the samplers).
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { tensor } from "../creation.ts";
import { defaultGenerator, type Generator } from "../random.ts";
import { record } from "../ops/dispatch.ts";
import { hostValues } from "./gamma_grad.ts";

const THIRD_F32 = Math.fround(1 / 3);
const C_0331_F32 = Math.fround(0.0331);
const FLT_MIN = 1.1754943508222875e-38;
const DBL_MIN = 2.2250738585072014e-308;

/** One draw of PyTorch's `sample_gamma<scalar_t, double>` (`f32`: scalar_t is float). */
export function sampleGamma(alpha0: number, f32: boolean, g: Generator): number {
  const F = f32 ? Math.fround : (v: number) => v;
  let alpha = F(alpha0);
  let scale = 1;
  if (alpha < 1) {
    if (alpha === 0) return 0;
    scale *= Math.pow(1 - g.nextDouble(), F(1 / alpha));
    alpha = F(alpha + 1);
  }
  const d = F(alpha - THIRD_F32);
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number, y: number;
    do {
      x = g.nextNormal();
      y = 1 + c * x;
    } while (y <= 0);
    const v = y * y * y;
    const u = 1 - g.nextDouble();
    const xx = x * x;
    if (u < 1 - C_0331_F32 * xx * xx) return scale * d * v;
    if (Math.log(u) < 0.5 * xx + d * (1 - v + Math.log(v))) return scale * d * v;
  }
}

/**
 * `torch._standard_gamma(alpha)`: one Gamma(alpha, 1) sample per element (float32 or float64),
 * at least the dtype's smallest normal number, differentiable in `alpha` (`_standard_gamma_grad`).
 */
export function standardGamma(op: string, alpha: Tensor, g: Generator = defaultGenerator): Tensor {
  const a = hostValues(op, alpha);
  const f32 = alpha.dtype !== "float64";
  const tiny = f32 ? FLT_MIN : DBL_MIN;
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const s = sampleGamma(a[i], f32, g);
    out[i] = Math.max(tiny, f32 ? Math.fround(s) : s);
  }
  const t = tensor(Array.from(out), { dtype: alpha.dtype }).reshape([...alpha.shape]);
  return record("standardGamma", [alpha], t);
}

/**
 * `torch._sample_dirichlet(alpha)`: Gamma(alpha, 1) draws in double along the last dim,
 * normalized and clamped to [smallest normal, largest value below 1] of the dtype.
 */
export function sampleDirichlet(op: string, alpha: Tensor, g: Generator = defaultGenerator): Tensor {
  return record("dirichletSample", [alpha], drawDirichlet(op, alpha, g));
}

function drawDirichlet(op: string, alpha: Tensor, g: Generator): Tensor {
  const a = hostValues(op, alpha);
  const k = alpha.shape[alpha.ndim - 1];
  const f32 = alpha.dtype !== "float64";
  const lo = f32 ? FLT_MIN : DBL_MIN, hi = f32 ? 1 - 2 ** -24 : 1 - 2 ** -53;
  const gam = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) gam[i] = Math.max(DBL_MIN, sampleGamma(a[i], false, g));
  const out = new Float64Array(a.length);
  for (let r = 0; r < a.length; r += k) {
    let sum = 0;
    for (let j = 0; j < k; j++) sum += gam[r + j];
    for (let j = 0; j < k; j++) {
      const v = gam[r + j] / sum;
      out[r + j] = Math.min(hi, Math.max(lo, f32 ? Math.fround(v) : v));
    }
  }
  return tensor(Array.from(out), { dtype: alpha.dtype }).reshape([...alpha.shape]);
}
