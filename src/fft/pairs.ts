/**
 * @internal The differentiable complex FFT on the (re, im) pair representation that `torch.fft`
 * is built on: `fftPairs(x, inverse, scale)` transforms float32 `[..., n, 2]` over its
 * second-to-last axis (the n complex values), times a real `scale`. It is one `Backend.fft` call
 * (the CPU's assembly/fft.ts, the GPU's wgsl/fft.wgsl); a backend without `fft` gets a DFT by
 * real matrix products with cos/sin matrices made in float64 ({@link dftByMatmul}, O(n²) a row).
 *
 * The map is linear over the reals, and its adjoint is the conjugate transpose of the DFT matrix:
 * the backward of a forward transform is the unnormalised inverse with the same scale, and vice
 * versa (PyTorch's `_fft_c2c` backward: `_fft_c2c(grad, dim, norm, !forward)`).
 * @module
 */
import type { Tensor } from "../tensor.ts";
import type { Derivative, Node } from "../autograd/node.ts";
import { backendOf, contiguousStorage, recordComposite, wrap } from "../ops/dispatch.ts";
import { tensor, zeros } from "../creation.ts";
import { add, mul, sub } from "../ops/elementwise.ts";
import { matmul } from "../ops/matmul.ts";
import { narrow, reshape } from "../ops/movement.ts";
import { select } from "../ops/split_stack.ts";
import { cat, stack } from "../ops/indexing.ts";
import { numelOf } from "../shape.ts";
import { pinHandle } from "../memory.ts";

/** cos and sin of 2 pi jk / n (row j, column k), float32, cached per device and n. */
const dftCache = new Map<string, [Tensor, Tensor]>();

function dftMatrices(n: number, device: Tensor["device"]): [Tensor, Tensor] {
  const key = `${device}:${n}`;
  let m = dftCache.get(key);
  if (m !== undefined && !m[0].isDisposed && !m[1].isDisposed) return m;
  const c = new Float32Array(n * n), s = new Float32Array(n * n);
  for (let j = 0; j < n; j++) {
    for (let k = 0; k < n; k++) {
      const a = (2 * Math.PI * ((j * k) % n)) / n;
      c[j * n + k] = Math.cos(a);
      s[j * n + k] = Math.sin(a);
    }
  }
  m = [pinHandle(tensor(c, { device }).reshape(n, n)), pinHandle(tensor(s, { device }).reshape(n, n))];
  if (dftCache.size >= 8) {
    const [k, old] = dftCache.entries().next().value!;
    dftCache.delete(k);
    old[0].dispose();
    old[1].dispose();
  }
  dftCache.set(key, m);
  return m;
}

/**
 * @internal The DFT of rows `[batch, n, 2]` by matrix products, for backends without
 * `Backend.fft`: forward (xr + i xi)(c - i s), inverse (xr + i xi)(c + i s).
 */
export function dftByMatmul(x: Tensor, n: number, inverse: boolean): Tensor {
  const [c, s] = dftMatrices(n, x.device);
  const xr = select(x, -1, 0), xi = select(x, -1, 1);
  const rc = matmul(xr, c), rs = matmul(xr, s), ic = matmul(xi, c), is = matmul(xi, s);
  const re = inverse ? sub(rc, is) : add(rc, is);
  const im = inverse ? add(ic, rs) : sub(ic, rs);
  return stack([re, im], -1);
}

/**
 * @internal `scale` times the unnormalised FFT (forward, or inverse with e^{+2 pi i jk/n}) of the
 * complex rows of float32 `x` `[..., n, 2]` (n the second-to-last size), differentiable.
 */
export function fftPairs(x: Tensor, inverse: boolean, scale: number): Tensor {
  const op = "fft";
  if (x.dtype !== "float32") throw new TypeError(`${op}: expected float32 (re, im) pairs, got ${x.dtype}`);
  const shape = x.shape;
  if (shape.length < 2 || shape[shape.length - 1] !== 2) {
    throw new RangeError(`${op}: expected [..., n, 2] (re, im) pairs, got [${shape.join(", ")}]`);
  }
  const n = shape[shape.length - 2];
  return recordComposite("fftPairs", [x], { inverse, scale }, () => {
    const backend = backendOf(op, x);
    const batch = numelOf(shape) / (2 * Math.max(n, 1));
    let y: Tensor;
    if (n === 0 || batch === 0) y = x.clone();
    else if (backend.fft) {
      y = wrap(backend.fft(contiguousStorage(x), { batch, n, inverse }), shape);
    } else {
      y = reshape(dftByMatmul(reshape(x, [batch, n, 2]), n, inverse), shape);
    }
    return scale === 1 ? y : mul(y, scale);
  });
}

/**
 * @internal `scale` times the non-negative frequencies (n / 2 + 1) of the FFT of the real rows of
 * float32 `x` `[..., n]`, as pairs `[..., n / 2 + 1, 2]`, differentiable. Even n on a backend with
 * `Backend.rfft` is one complex FFT of length n / 2 a row; otherwise a complex FFT of the rows
 * with zero imaginary parts, cut.
 */
export function rfftPairs(x: Tensor, scale: number): Tensor {
  const op = "rfft";
  if (x.dtype !== "float32") throw new TypeError(`${op}: expected a float32 signal, got ${x.dtype}`);
  if (x.ndim < 1) throw new RangeError(`${op}: expected [..., n], got a 0-d tensor`);
  const n = x.shape[x.ndim - 1], half = Math.floor(n / 2) + 1;
  return recordComposite("rfftPairs", [x], { n, scale }, () => {
    const backend = backendOf(op, x);
    const batch = numelOf(x.shape) / Math.max(n, 1);
    const shape = [...x.shape.slice(0, -1), half, 2];
    if (backend.rfft && n % 2 === 0 && n > 0 && batch > 0) {
      const y = wrap(backend.rfft(contiguousStorage(x), { batch, n }), shape);
      return scale === 1 ? y : mul(y, scale);
    }
    const p = stack([x, zeros(x.shape, { device: x.device })], -1);
    return narrow(fftPairs(p, false, scale), -2, 0, half).contiguous();
  });
}

function rfftBackward(g: Tensor, node: Node): Tensor[] {
  // The adjoint of "complexify, transform, keep the first half": zero pad, inverse, real part.
  const { n, scale } = node.args as { n: number; scale: number };
  const half = g.shape[g.ndim - 2];
  const shape = [...g.shape];
  shape[g.ndim - 2] = n - half;
  const full = n > half ? cat([g, zeros(shape, { device: g.device })], -2) : g;
  return [select(fftPairs(full, true, scale), -1, 0)];
}

function backward(g: Tensor, node: Node): Tensor[] {
  const { inverse, scale } = node.args as { inverse: boolean; scale: number };
  return [fftPairs(g, !inverse, scale)];
}

/** @internal The row: nothing saved (the map is linear). */
export const fftDerivatives = {
  fftPairs: { saves: "none", name: "FftC2CBackward0", backward },
  rfftPairs: { saves: "none", name: "FftR2CBackward0", backward: rfftBackward },
} satisfies Record<string, Derivative>;
