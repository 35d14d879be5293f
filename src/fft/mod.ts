/**
 * `torch.fft`: PyTorch 1.13's discrete Fourier transforms (`fft`, `ifft`, `fft2`, `ifft2`,
 * `fftn`, `ifftn`, `rfft`, `irfft`, `rfft2`, `irfft2`, `rfftn`, `irfftn`, `hfft`, `ihfft`, `hfft2`,
 * `ihfft2`, `hfftn`, `ihfftn`) and
 * helpers (`fftfreq`, `rfftfreq`, `fftshift`, `ifftshift`), with PyTorch's `n` / `s`, `dim` and
 * `norm` as an options object. Results are complex64 (float32 for irfft / hfft); float64 inputs
 * throw (PyTorch would return complex128, which edgetorch does not have). The CPU runs a
 * mixed-radix / Bluestein FFT kernel (SIMD wasm) for every length, the GPU radix-2 Stockham
 * stages for powers of two and Bluestein's chirp z for other lengths (WGSL). Everything is
 * differentiable.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.tensor([1, 2, 3, 4]);
 * const X = torch.fft.rfft(x);
 * assertEquals(X.shape, [3]);
 * assertEquals(torch.fft.irfft(X, { n: 4 }).toArray(), [1, 2, 3, 4]);
 * ```
 * @module
 */
// `export *` (not named re-exports): `deno doc` lists a namespace's members only when reached this way.
export * from "./fft1d.ts";
export * from "./fftnd.ts";
export * from "./hfftn.ts";
export * from "./freq.ts";
export type { FftNorm } from "./core.ts";
