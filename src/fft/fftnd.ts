/**
 * The n-dimensional transforms of `torch.fft`: `fft2`, `ifft2`, `fftn`, `ifftn`, `rfft2`,
 * `rfftn`, `irfft2`, `irfftn`, with PyTorch 1.13's `s` (lengths, -1 keeps one), `dim` and `norm`
 * (one factor for the product of the transformed lengths).
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { inFrameOf } from "../memory.ts";
import { asOp } from "../ops/naming.ts";
import { stack } from "../ops/indexing.ts";
import { zeros } from "../creation.ts";
import {
  c2c,
  c2r,
  checkNorm,
  checkPoints,
  checkTensor,
  conjPairs,
  dualNorm,
  fftnArgs,
  type FftNorm,
  fromPairs,
  normScale,
  r2c,
  realFloat32,
  requireReal,
  resize,
  toPairs,
} from "./core.ts";

/** Keyword arguments of the n-dimensional transforms. */
export interface FftnOptions {
  /**
   * Signal lengths of the transformed dims (zero padding or trimming; -1 keeps a dim's size; for
   * irfftn the last is the output length, default 2 (m - 1)). Without `dim`, the last `s.length` dims.
   */
  s?: readonly number[] | null;
  /** The dims transformed (default: all, or the last `s.length`; `fft2` and friends: [-2, -1]). */
  dim?: number | readonly number[] | null;
  /** `"backward"` (default), `"ortho"` or `"forward"`, as the one-dimensional transforms. */
  norm?: FftNorm | null;
}

function product(xs: readonly number[]): number {
  return xs.reduce((a, b) => a * b, 1);
}

function complexN(op: string, input: Tensor, opts: FftnOptions, inverse: boolean, dim2: boolean): Tensor {
  return asOp(op, () =>
    inFrameOf(() => {
      checkTensor(op, input);
      const norm = checkNorm(op, opts.norm);
      const { dims, sizes } = fftnArgs(op, input.shape, opts.s, opts.dim ?? (dim2 ? [-2, -1] : null));
      let p = toPairs(op, input);
      const lens = dims.map((d, i) => sizes[i] ?? input.shape[d]);
      dims.forEach((d, i) => p = resize(p, d, checkPoints(op, lens[i])));
      return fromPairs(c2c(p, dims, inverse, normScale(norm, product(lens), inverse)));
    }));
}

/**
 * The discrete Fourier transform over several dims (`torch.fft.fftn`; default all), complex64.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const X = torch.fft.fftn(torch.tensor([[1, 2], [3, 4]]));
 * assertEquals(torch.viewAsReal(X).toArray(), [[[10, 0], [-2, 0]], [[-4, 0], [0, 0]]]);
 * ```
 */
export function fftn(input: Tensor, opts: FftnOptions = {}): Tensor {
  return complexN("fft.fftn", input, opts, false, false);
}

/**
 * The inverse of {@link fftn} (`torch.fft.ifftn`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.fft.ifftn(torch.fft.fftn(torch.tensor([[1, 2], [3, 4]])));
 * assertEquals(torch.viewAsReal(x).toArray(), [[[1, 0], [2, 0]], [[3, 0], [4, 0]]]);
 * ```
 */
export function ifftn(input: Tensor, opts: FftnOptions = {}): Tensor {
  return complexN("fft.ifftn", input, opts, true, false);
}

/**
 * {@link fftn} over two dims, default the last two (`torch.fft.fft2`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const X = torch.fft.fft2(torch.ones(2, 3, 4));
 * assertEquals(torch.viewAsReal(X).index(0, 0, 0).toArray(), [12, 0]);
 * ```
 */
export function fft2(input: Tensor, opts: FftnOptions = {}): Tensor {
  return complexN("fft.fft2", input, opts, false, true);
}

/**
 * {@link ifftn} over two dims, default the last two (`torch.fft.ifft2`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.fft.ifft2(torch.fft.fft2(torch.tensor([[1, 2], [3, 4]])));
 * assertEquals(torch.real(x).toArray(), [[1, 2], [3, 4]]);
 * ```
 */
export function ifft2(input: Tensor, opts: FftnOptions = {}): Tensor {
  return complexN("fft.ifft2", input, opts, true, true);
}

/**
 * @internal rfftn / rfft2, or (`hermitian`) ihfftn / ihfft2: the conjugate of rfftn with the
 * other norm.
 */
export function realN(
  op: string,
  input: Tensor,
  opts: FftnOptions,
  dim2: boolean,
  hermitian = false,
): Tensor {
  return asOp(op, () =>
    inFrameOf(() => {
      requireReal(op, op.slice(4), input);
      const norm = hermitian ? dualNorm(checkNorm(op, opts.norm)) : checkNorm(op, opts.norm);
      const { dims, sizes } = fftnArgs(op, input.shape, opts.s, opts.dim ?? (dim2 ? [-2, -1] : null));
      let r = realFloat32(op, input);
      const lens = dims.map((d, i) => sizes[i] ?? input.shape[d]);
      dims.forEach((d, i) => r = resize(r, d, checkPoints(op, lens[i])));
      const scale = normScale(norm, product(lens), false);
      if (dims.length === 0) {
        const p0 = c2c(stack([r, zeros(r.shape, { device: r.device })], -1), [], false, scale);
        return fromPairs(hermitian ? conjPairs(p0) : p0);
      }
      const last = dims[dims.length - 1];
      // The last dim's half spectrum first, then full transforms of the others.
      const p = c2c(
        r2c(r, last, dims.length === 1 ? scale : 1),
        dims.slice(0, -1),
        false,
        dims.length === 1 ? 1 : scale,
      );
      return fromPairs(hermitian ? conjPairs(p) : p.contiguous());
    }));
}

/**
 * The Fourier transform of a real input over several dims (`torch.fft.rfftn`): the last
 * transformed dim keeps its n / 2 + 1 non-negative frequencies.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const X = torch.fft.rfftn(torch.ones(2, 4));
 * assertEquals([X.shape, torch.viewAsReal(X).index(0, 0).toArray()], [[2, 3], [8, 0]]);
 * ```
 */
export function rfftn(input: Tensor, opts: FftnOptions = {}): Tensor {
  return realN("fft.rfftn", input, opts, false);
}

/**
 * {@link rfftn} over two dims, default the last two (`torch.fft.rfft2`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.fft.rfft2(torch.ones(3, 4, 6)).shape, [3, 4, 4]);
 * ```
 */
export function rfft2(input: Tensor, opts: FftnOptions = {}): Tensor {
  return realN("fft.rfft2", input, opts, true);
}

/**
 * @internal irfftn / irfft2, or (`hermitian`) hfftn / hfft2: irfftn of the conjugate with the
 * other norm.
 */
export function realInverseN(
  op: string,
  input: Tensor,
  opts: FftnOptions,
  dim2: boolean,
  hermitian = false,
): Tensor {
  return asOp(op, () =>
    inFrameOf(() => {
      checkTensor(op, input);
      const norm = hermitian ? dualNorm(checkNorm(op, opts.norm)) : checkNorm(op, opts.norm);
      const { dims, sizes } = fftnArgs(op, input.shape, opts.s, opts.dim ?? (dim2 ? [-2, -1] : null));
      if (dims.length === 0) throw new RangeError(`${op}: expected at least one dimension to transform`);
      const last = dims.length - 1;
      const lens = dims.map((d, i) => sizes[i] ?? (i === last ? 2 * (input.shape[d] - 1) : input.shape[d]));
      lens.forEach((n) => checkPoints(op, n));
      let p = hermitian ? conjPairs(toPairs(op, input)) : toPairs(op, input);
      dims.slice(0, -1).forEach((d, i) => p = resize(p, d, lens[i]));
      p = c2c(p, dims.slice(0, -1), true, 1);
      return c2r(p, dims[last], lens[last], normScale(norm, product(lens), true));
    }));
}

/**
 * The inverse of {@link rfftn} (`torch.fft.irfftn`): a real float32 output; the last dim's
 * length is `s`'s last value, default 2 (m - 1).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.tensor([[1, 2, 3], [4, 5, 6]]);
 * const y = torch.fft.irfftn(torch.fft.rfftn(x), { s: [2, 3] });
 * assertEquals(torch.allclose(y, x.float(), { atol: 1e-5 }), true);
 * ```
 */
export function irfftn(input: Tensor, opts: FftnOptions = {}): Tensor {
  return realInverseN("fft.irfftn", input, opts, false);
}

/**
 * {@link irfftn} over two dims, default the last two (`torch.fft.irfft2`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.fft.irfft2(torch.fft.rfft2(torch.ones(4, 6))).shape, [4, 6]);
 * ```
 */
export function irfft2(input: Tensor, opts: FftnOptions = {}): Tensor {
  return realInverseN("fft.irfft2", input, opts, true);
}
