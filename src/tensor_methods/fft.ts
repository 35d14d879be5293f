/**
 * `Tensor`'s short-time Fourier methods `x.stft(nFft, opts)` and `x.istft(nFft, opts)`
 * (`torch.stft` / `torch.istft` with the tensor as input). `Tensor` extends the
 * `TensorFftMethods` interface declared here; `tensor.ts` installs the bodies on `Tensor.prototype`.
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { istft, type IstftOptions, stft, type StftOptions } from "../fft/stft.ts";

/**
 * The short-time Fourier methods of every `Tensor`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.randn(64);
 * const S = x.stft(16, { returnComplex: true });
 * assertEquals(S.shape, [9, 17]);
 * assertEquals(S.istft(16, { length: 64 }).shape, [64]);
 * ```
 */
export interface TensorFftMethods {
  /** `torch.stft(this, nFft, opts)`. */
  stft(nFft: number, opts?: StftOptions): Tensor;
  /** `torch.istft(this, nFft, opts)`. */
  istft(nFft: number, opts?: IstftOptions): Tensor;
}

/** @internal The bodies. */
export function fftMethods(): TensorFftMethods & ThisType<Tensor> {
  return {
    stft(nFft: number, opts?: StftOptions): Tensor {
      return stft(this, nFft, opts);
    },
    istft(nFft: number, opts?: IstftOptions): Tensor {
      return istft(this, nFft, opts);
    },
  };
}
