/**
 * @internal What the `torch.fft` functions share: argument checks with PyTorch 1.13's messages,
 * the normalisation factors, and transforms on (re, im) pairs (`viewAsReal` of complex64) built on
 * {@link fftPairs}: complex-to-complex over several dims, the Hermitian extension of a half
 * spectrum (c2r) and zero padding or trimming to a requested length. Everything is composed of
 * differentiable ops, so gradients are PyTorch's `_fft_c2c` / `_fft_r2c` / `_fft_c2r` formulas.
 * @module
 */
import { Tensor } from "../tensor.ts";
import { tensor, zeros } from "../creation.ts";
import { cat, flip, stack } from "../ops/indexing.ts";
import { mul } from "../ops/elementwise.ts";
import { narrow, transpose } from "../ops/movement.ts";
import { select } from "../ops/split_stack.ts";
import { toDType } from "../ops/convert.ts";
import { asComplex, isComplexOperand, viewAsReal } from "../complex/core.ts";
import { fftPairs, rfftPairs } from "./pairs.ts";

/** PyTorch's `norm` argument: which direction is scaled (`"backward"`, the default: the inverse by 1/n). */
export type FftNorm = "backward" | "ortho" | "forward";

/** Checks `norm` (null and undefined mean "backward"). */
export function checkNorm(op: string, norm: FftNorm | null | undefined): FftNorm {
  if (norm === undefined || norm === null) return "backward";
  if (norm !== "backward" && norm !== "ortho" && norm !== "forward") {
    throw new RangeError(
      `${op}: Invalid normalization mode: ${
        JSON.stringify(norm)
      } (expected "backward", "ortho" or "forward")`,
    );
  }
  return norm;
}

/** The factor of a transform of `n` points (product of the transformed lengths) for `norm`. */
export function normScale(norm: FftNorm, n: number, inverse: boolean): number {
  if (norm === "ortho") return 1 / Math.sqrt(n);
  return (norm === "forward") !== inverse ? 1 / n : 1;
}

/** The norm that scales the other direction (hfft / ihfft are irfft / rfft with it). */
export function dualNorm(norm: FftNorm): FftNorm {
  return norm === "backward" ? "forward" : norm === "forward" ? "backward" : "ortho";
}

/** `dim` wrapped into [0, ndim), with PyTorch's message (0-d tensors count as 1-d). */
export function wrapDim(op: string, dim: number, ndim: number): number {
  const n = Math.max(ndim, 1);
  if (!Number.isInteger(dim) || dim < -n || dim >= n) {
    throw new RangeError(
      `${op}: Dimension out of range (expected to be in range of [${-n}, ${n - 1}], but got ${dim})`,
    );
  }
  return dim < 0 ? dim + n : dim;
}

/** A number of points: an integer >= 1. */
export function checkPoints(op: string, n: number): number {
  if (!Number.isInteger(n)) throw new TypeError(`${op}: the number of points must be an integer, got ${n}`);
  if (n < 1) throw new RangeError(`${op}: Invalid number of data points (${n}) specified`);
  return n;
}

export function checkTensor(op: string, x: unknown): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: expected a tensor input, got ${typeof x}`);
}

/** Throws for a 0-d input (PyTorch: "Invalid number of data points (0) specified" / "ndim must be >= 1"). */
export function checkNotScalar(op: string, x: Tensor, message: string): void {
  if (x.ndim === 0) throw new RangeError(`${op}: ${message} (the input is 0-d; transforms need a dimension)`);
}

/** A real tensor's float32 version (integers and bool are promoted; float64 would need complex128). */
export function realFloat32(op: string, x: Tensor): Tensor {
  if (x.dtype === "float32") return x;
  if (x.dtype === "float64") {
    throw new TypeError(
      `${op}: float64 input gives complex128 in PyTorch, which edgetorch does not have; convert it with .float()`,
    );
  }
  return toDType(x, "float32");
}

/** (re, im) pairs `[..., 2]` of a complex64 tensor (a view) or of a real one (imaginary part 0). */
export function toPairs(op: string, x: Tensor): Tensor {
  checkTensor(op, x);
  if (isComplexOperand(x)) return viewAsReal(x);
  const r = realFloat32(op, x);
  return stack([r, zeros(r.shape, { device: r.device })], -1);
}

/** complex64 from pairs. */
export function fromPairs(p: Tensor): Tensor {
  return asComplex(p);
}

/** Throws PyTorch's message unless `x` is real. */
export function requireReal(op: string, fn: string, x: Tensor): void {
  checkTensor(op, x);
  if (isComplexOperand(x)) {
    throw new TypeError(`${op}: ${fn} expects a real input tensor, but got ComplexFloat`);
  }
}

/** `x` cut or zero padded (at the end) to `len` along `dim`. */
export function resize(x: Tensor, dim: number, len: number): Tensor {
  const size = x.shape[dim];
  if (size === len) return x;
  if (size > len) return narrow(x, dim, 0, len);
  const shape = [...x.shape];
  shape[dim] = len - size;
  return cat([x, zeros(shape, { dtype: x.dtype, device: x.device })], dim);
}

/**
 * Complex transforms of pairs `p` over the complex dims `dims` (pair dim excluded), times `scale`
 * (applied once, in the last transform).
 */
export function c2c(p: Tensor, dims: readonly number[], inverse: boolean, scale: number): Tensor {
  const last = p.ndim - 2;
  let y = p;
  dims.forEach((d, i) => {
    const s = i === dims.length - 1 ? scale : 1;
    y = d === last
      ? fftPairs(y, inverse, s)
      : transpose(fftPairs(transpose(y, d, last), inverse, s), d, last);
  });
  if (dims.length === 0 && scale !== 1) y = mul(y, scale);
  return y;
}

/**
 * The n / 2 + 1 non-negative frequencies along `dim` of a real float32 `r` (n its size there),
 * times `scale`, as pairs (the complex dims are r's).
 */
export function r2c(r: Tensor, dim: number, scale: number): Tensor {
  const last = r.ndim - 1;
  if (dim === last) return rfftPairs(r, scale);
  return transpose(rfftPairs(transpose(r, dim, last), scale), dim, last);
}

/** (1, -1): multiplies pairs into their conjugates. */
export function conjPairs(p: Tensor): Tensor {
  return mul(p, tensor([1, -1], { device: p.device }));
}

/**
 * The real signal of length `n` along `dim` whose spectrum's first half is the pairs `p` (c2r):
 * `p` is cut or padded to n / 2 + 1 values, extended by Hermitian symmetry (imaginary parts of
 * the zero and Nyquist frequencies are ignored, as pocketfft's c2r), inverse-transformed times
 * `scale`; the real part is returned.
 */
export function c2r(p: Tensor, dim: number, n: number, scale: number): Tensor {
  const half = Math.floor(n / 2) + 1;
  const h = resize(p, dim, half);
  const rest = n - half;
  const full = rest > 0 ? cat([h, conjPairs(flip(narrow(h, dim, 1, rest), dim))], dim) : h;
  return select(c2c(full, [dim], true, scale), -1, 0).contiguous();
}

/**
 * PyTorch's (s, dim) rules of the n-d transforms: the dims (wrapped, unique; default the last
 * `s.length` dims, or all) and their lengths (default the input's; -1 keeps it).
 */
export function fftnArgs(
  op: string,
  shape: readonly number[],
  s: readonly number[] | null | undefined,
  dim: number | readonly number[] | null | undefined,
): { dims: number[]; sizes: (number | null)[] } {
  const ndim = shape.length;
  if (ndim === 0) {
    throw new RangeError(`${op}: ndim must be >= 1 (the input is 0-d; transforms need a dimension)`);
  }
  let dims: number[];
  if (dim !== undefined && dim !== null) {
    dims = (typeof dim === "number" ? [dim] : [...dim]).map((d) => wrapDim(op, d, ndim));
    if (new Set(dims).size !== dims.length) throw new RangeError(`${op}: FFT dims must be unique`);
    if (s !== undefined && s !== null && s.length !== dims.length) {
      throw new RangeError(`${op}: When given, dim and shape arguments must have the same length`);
    }
  } else if (s !== undefined && s !== null) {
    if (s.length > ndim) {
      throw new RangeError(
        `${op}: Got shape with ${s.length} values but input tensor only has ${ndim} dimensions.`,
      );
    }
    dims = s.map((_, i) => ndim - s.length + i);
  } else {
    dims = shape.map((_, i) => i);
  }
  const sizes = dims.map((_, i) => {
    const v = s?.[i];
    if (v === undefined || v === -1) return null;
    return checkPoints(op, v);
  });
  return { dims, sizes };
}
