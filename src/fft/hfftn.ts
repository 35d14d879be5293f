/**
 * The n-dimensional Hermitian transforms of `torch.fft`: `hfft2`, `hfftn` (a half spectrum of a
 * Hermitian-symmetric signal to its real transform) and `ihfft2`, `ihfftn` (their inverses, of a
 * real signal), with `s`, `dim` and `norm` as {@link fftn}.
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { type FftnOptions, realInverseN, realN } from "./fftnd.ts";

/**
 * The Fourier transform over several dims of a Hermitian-symmetric signal given by its half along
 * the last transformed dim (`torch.fft.hfftn`): real, float32; the last dim's length is `s`'s
 * last value, default 2 (m - 1).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const X = torch.fft.hfftn(torch.tensor([[1, 2], [3, 4]]));
 * assertEquals(X.toArray(), [[10, -2], [-4, 0]]);
 * ```
 */
export function hfftn(input: Tensor, opts: FftnOptions = {}): Tensor {
  return realInverseN("fft.hfftn", input, opts, false, true);
}

/**
 * {@link hfftn} over two dims, default the last two (`torch.fft.hfft2`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.fft.hfft2(torch.ones(3, 4, 4)).shape, [3, 4, 6]);
 * ```
 */
export function hfft2(input: Tensor, opts: FftnOptions = {}): Tensor {
  return realInverseN("fft.hfft2", input, opts, true, true);
}

/**
 * The inverse of {@link hfftn} for a real input (`torch.fft.ihfftn`): complex64, the last
 * transformed dim keeps n / 2 + 1 values.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const X = torch.fft.ihfftn(torch.tensor([[1, 2], [3, 4]]));
 * assertEquals(torch.real(X).toArray(), [[2.5, -0.5], [-1, 0]]);
 * ```
 */
export function ihfftn(input: Tensor, opts: FftnOptions = {}): Tensor {
  return realN("fft.ihfftn", input, opts, false, true);
}

/**
 * {@link ihfftn} over two dims, default the last two (`torch.fft.ihfft2`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.fft.ihfft2(torch.ones(3, 4, 6)).shape, [3, 4, 4]);
 * ```
 */
export function ihfft2(input: Tensor, opts: FftnOptions = {}): Tensor {
  return realN("fft.ihfft2", input, opts, true, true);
}
