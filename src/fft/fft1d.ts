/**
 * The one-dimensional transforms of `torch.fft`: `fft`, `ifft`, `rfft`, `irfft`, `hfft`, `ihfft`
 * (PyTorch 1.13's arguments `n`, `dim`, `norm` as an options object). complex64 results
 * (float32 for irfft / hfft); real inputs are promoted (integers and bool to float32; float64
 * would give complex128, which edgetorch does not have, and throws).
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { inFrameOf } from "../memory.ts";
import { asOp } from "../ops/naming.ts";
import {
  c2c,
  c2r,
  checkNorm,
  checkNotScalar,
  checkPoints,
  checkTensor,
  conjPairs,
  dualNorm,
  type FftNorm,
  fromPairs,
  normScale,
  r2c,
  realFloat32,
  requireReal,
  resize,
  toPairs,
  wrapDim,
} from "./core.ts";

/** Keyword arguments of the one-dimensional transforms. */
export interface FftOptions {
  /**
   * Signal length: the input is zero padded or trimmed to it along `dim` (for irfft / hfft, the
   * output length; default 2 (m - 1) for an input of m values).
   */
  n?: number | null;
  /** The dimension transformed (default -1). */
  dim?: number;
  /** `"backward"` (default: the inverse scaled by 1/n), `"ortho"` (both by 1/√n) or `"forward"`. */
  norm?: FftNorm | null;
}

function complexTransform(op: string, input: Tensor, opts: FftOptions, inverse: boolean): Tensor {
  return asOp(op, () =>
    inFrameOf(() => {
      checkTensor(op, input);
      const norm = checkNorm(op, opts.norm);
      checkNotScalar(op, input, "Invalid number of data points (0) specified");
      const d = wrapDim(op, opts.dim ?? -1, input.ndim);
      const x = input;
      const n = checkPoints(op, opts.n ?? x.shape[d]);
      const p = resize(toPairs(op, x), d, n);
      return fromPairs(c2c(p, [d], inverse, normScale(norm, n, inverse)));
    }));
}

/**
 * The discrete Fourier transform along one dimension (PyTorch's `torch.fft.fft`): X_k =
 * Σ_j x_j e^{-2πi jk/n}, complex64.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const X = torch.fft.fft(torch.tensor([1, 2, 3, 4]));
 * assertEquals([X.dtype, torch.viewAsReal(X).toArray()], ["complex64", [[10, 0], [-2, 2], [-2, 0], [-2, -2]]]);
 * ```
 */
export function fft(input: Tensor, opts: FftOptions = {}): Tensor {
  return complexTransform("fft.fft", input, opts, false);
}

/**
 * The inverse discrete Fourier transform along one dimension (`torch.fft.ifft`): x_j =
 * (1/n) Σ_k X_k e^{2πi jk/n} with the default norm.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.fft.ifft(torch.fft.fft(torch.tensor([1, 2, 3, 4])));
 * assertEquals(torch.viewAsReal(x).toArray(), [[1, 0], [2, 0], [3, 0], [4, 0]]);
 * ```
 */
export function ifft(input: Tensor, opts: FftOptions = {}): Tensor {
  return complexTransform("fft.ifft", input, opts, true);
}

function realForward(
  op: string,
  fn: string,
  input: Tensor,
  opts: FftOptions,
  norm: FftNorm,
  conj: boolean,
): Tensor {
  requireReal(op, fn, input);
  checkNotScalar(op, input, "Invalid number of data points (0) specified");
  const d = wrapDim(op, opts.dim ?? -1, input.ndim);
  const x = realFloat32(op, input);
  const n = checkPoints(op, opts.n ?? x.shape[d]);
  const p = r2c(resize(x, d, n), d, normScale(norm, n, false));
  return fromPairs(conj ? conjPairs(p) : p.contiguous());
}

/**
 * The Fourier transform of a real signal, its n / 2 + 1 non-negative frequencies
 * (`torch.fft.rfft`); the input must be real.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const X = torch.fft.rfft(torch.tensor([1, 2, 3, 4]));
 * assertEquals(torch.viewAsReal(X).toArray(), [[10, 0], [-2, 2], [-2, 0]]);
 * ```
 */
export function rfft(input: Tensor, opts: FftOptions = {}): Tensor {
  const op = "fft.rfft";
  return asOp(
    op,
    () => inFrameOf(() => realForward(op, "rfft", input, opts, checkNorm(op, opts.norm), false)),
  );
}

/**
 * The inverse of {@link ihfft}: the conjugate of rfft of a real signal with the other norm
 * (`torch.fft.ihfft`); the input must be real.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const X = torch.fft.ihfft(torch.tensor([1, 2, 3, 4]));
 * assertEquals(torch.viewAsReal(X).toArray(), [[2.5, -0], [-0.5, -0.5], [-0.5, -0]]); // conjugated zeros, as PyTorch
 * ```
 */
export function ihfft(input: Tensor, opts: FftOptions = {}): Tensor {
  const op = "fft.ihfft";
  return asOp(
    op,
    () => inFrameOf(() => realForward(op, "ihfft", input, opts, dualNorm(checkNorm(op, opts.norm)), true)),
  );
}

function realInverse(op: string, input: Tensor, opts: FftOptions, norm: FftNorm, conj: boolean): Tensor {
  checkTensor(op, input);
  checkNotScalar(op, input, "Invalid number of data points (-2) specified");
  const d = wrapDim(op, opts.dim ?? -1, input.ndim);
  const x = input;
  const n = checkPoints(op, opts.n ?? 2 * (x.shape[d] - 1));
  const p = toPairs(op, x);
  return c2r(conj ? conjPairs(p) : p, d, n, normScale(norm, n, true));
}

/**
 * The real signal of length n whose rfft is the input (`torch.fft.irfft`): the input's n / 2 + 1
 * values are extended by Hermitian symmetry (imaginary parts at frequency 0 and n / 2 are
 * ignored), float32.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.fft.irfft(torch.fft.rfft(torch.tensor([1, 2, 3, 4, 5])), { n: 5 });
 * assertEquals(torch.allclose(x, torch.tensor([1, 2, 3, 4, 5]), { atol: 1e-6 }), true);
 * ```
 */
export function irfft(input: Tensor, opts: FftOptions = {}): Tensor {
  const op = "fft.irfft";
  return asOp(op, () => inFrameOf(() => realInverse(op, input, opts, checkNorm(op, opts.norm), false)));
}

/**
 * The Fourier transform of a Hermitian-symmetric signal given by its first half
 * (`torch.fft.hfft`): a real spectrum of length n (default 2 (m - 1)), float32.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const X = torch.fft.hfft(torch.tensor([10, -2, -2]));
 * assertEquals(X.toArray(), [4, 12, 12, 12]);
 * ```
 */
export function hfft(input: Tensor, opts: FftOptions = {}): Tensor {
  const op = "fft.hfft";
  return asOp(
    op,
    () => inFrameOf(() => realInverse(op, input, opts, dualNorm(checkNorm(op, opts.norm)), true)),
  );
}
