/**
 * Window functions (`torch.hannWindow`, `hammingWindow`, `blackmanWindow`, `bartlettWindow`,
 * `kaiserWindow`): 1-D tapers for spectral analysis, computed with the same sequence of ops in the
 * same dtype as PyTorch 1.13 (so float32 windows agree with PyTorch's to the last bit or so).
 * A periodic window (the default) is the symmetric window of `windowLength + 1` points without its
 * last point; lengths 0 and 1 give `[]` and `[1]`.
 * @module
 */
import type { Tensor } from "./tensor.ts";
import type { CreateOptions } from "./creation.ts";
import { arange, ones, tensor, zeros } from "./creation.ts";
import { type DType, getDefaultDtype, isFloating } from "./dtype.ts";
import * as ew from "./ops/elementwise.ts";
import { i0 } from "./special/bessel.ts";
import { cat } from "./ops/indexing.ts";
import { inFrameOf } from "./memory.ts";
import { noGrad } from "./autograd/grad_mode.ts";

/** Options of the window functions: PyTorch's `periodic` and the creation options. */
export interface WindowOptions extends CreateOptions {
  /** A periodic window for spectral analysis (default true) rather than a symmetric one for filter design. */
  periodic?: boolean;
}

/** Options of {@link hammingWindow}: the generalized Hamming window `alpha - beta cos(2 pi n / (N - 1))`. */
export interface HammingWindowOptions extends WindowOptions {
  /** The constant term (default 0.54). */
  alpha?: number;
  /** The cosine's coefficient (default 0.46). */
  beta?: number;
}

/** Options of {@link kaiserWindow}. */
export interface KaiserWindowOptions extends WindowOptions {
  /** The shape parameter (default 12). */
  beta?: number;
}

/**
 * Checks the arguments, handles lengths 0 and 1, and otherwise computes the symmetric window of
 * `n` (+1 when periodic) points with `body` on the CPU in the window's dtype, then trims and moves it.
 */
function makeWindow(
  op: string,
  windowLength: number,
  opts: WindowOptions,
  body: (n: number, dtype: DType) => Tensor,
): Tensor {
  return inFrameOf(() => {
    if (opts === null || typeof opts !== "object") {
      throw new TypeError(`${op}: options must be an object, got ${opts === null ? "null" : typeof opts}`);
    }
    if (typeof windowLength !== "number" || !Number.isInteger(windowLength)) {
      throw new TypeError(`${op}: window_length must be an integer, got ${String(windowLength)}`);
    }
    if (windowLength < 0) {
      throw new RangeError(`${op}: requires non-negative window_length, got window_length=${windowLength}`);
    }
    const dtype = opts.dtype ?? getDefaultDtype();
    if (!isFloating(dtype)) {
      throw new TypeError(`${op}: expects floating point dtypes, got: ${dtype}`);
    }
    const periodic = opts.periodic ?? true;
    if (typeof periodic !== "boolean") {
      throw new TypeError(`${op}: periodic must be a boolean, got ${typeof periodic}`);
    }
    const create = { dtype, device: opts.device, requiresGrad: opts.requiresGrad };
    if (windowLength === 0) return zeros(0, create);
    if (windowLength === 1) return ones(1, create);
    const n = periodic ? windowLength + 1 : windowLength;
    // float16 windows are computed in float32 and rounded once.
    const computeType: DType = dtype === "float16" ? "float32" : dtype;
    let w = noGrad(() => body(n, computeType));
    if (periodic) w = w.narrow(0, 0, windowLength);
    w = w.to({ dtype, device: opts.device ?? "cpu" }).contiguous();
    return opts.requiresGrad ? w.detach().requiresGrad_(true) : w;
  });
}

function checkNumber(op: string, name: string, v: number): number {
  if (typeof v !== "number" || Number.isNaN(v)) {
    throw new TypeError(`${op}: ${name} must be a number, got ${String(v)}`);
  }
  return v;
}

/**
 * PyTorch's `torch.hamming_window(window_length, periodic=True, alpha=0.54, beta=0.46)`:
 * `alpha - beta * cos(2 pi n / (N - 1))` for n in [0, N), N = `windowLength` (+1 when periodic,
 * the last point then dropped).
 * @example
 * ```ts
 * import * as torch from "../mod.ts";
 * const w = torch.hammingWindow(4, { periodic: false, dtype: "float64" }).toArray() as number[];
 * console.assert(Math.abs(w[0] - 0.08) < 1e-12 && Math.abs(w[1] - 0.77) < 1e-12);
 * ```
 */
export function hammingWindow(windowLength: number, opts: HammingWindowOptions = {}): Tensor {
  const op = "hammingWindow";
  const alpha = checkNumber(op, "alpha", opts?.alpha ?? 0.54);
  const beta = checkNumber(op, "beta", opts?.beta ?? 0.46);
  return makeWindow(
    op,
    windowLength,
    opts,
    (n, dtype) => ew.add(ew.mul(ew.cos(ew.mul(arange(n, { dtype }), (2 * Math.PI) / (n - 1))), -beta), alpha),
  );
}

/**
 * PyTorch's `torch.hann_window(window_length, periodic=True)`: `0.5 - 0.5 cos(2 pi n / (N - 1))`
 * (the Hamming window with alpha = beta = 0.5).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * assertEquals(torch.hannWindow(4).toArray(), [0, 0.5, 1, 0.5]);
 * assertEquals(torch.hannWindow(1).toArray(), [1]);
 * ```
 */
export function hannWindow(windowLength: number, opts: WindowOptions = {}): Tensor {
  return makeWindow(
    "hannWindow",
    windowLength,
    opts,
    (n, dtype) => ew.add(ew.mul(ew.cos(ew.mul(arange(n, { dtype }), (2 * Math.PI) / (n - 1))), -0.5), 0.5),
  );
}

/**
 * PyTorch's `torch.blackman_window(window_length, periodic=True)`:
 * `0.42 - 0.5 cos(2 pi n / (N - 1)) + 0.08 cos(4 pi n / (N - 1))`.
 * @example
 * ```ts
 * import * as torch from "../mod.ts";
 * const w = torch.blackmanWindow(3, { periodic: false, dtype: "float64" }).toArray() as number[];
 * console.assert(Math.abs(w[0]) < 1e-15 && Math.abs(w[1] - 1) < 1e-15);
 * ```
 */
export function blackmanWindow(windowLength: number, opts: WindowOptions = {}): Tensor {
  return makeWindow("blackmanWindow", windowLength, opts, (n, dtype) => {
    const x = ew.mul(arange(n, { dtype }), Math.PI / (n - 1));
    return ew.add(ew.sub(ew.mul(ew.cos(ew.mul(x, 4)), 0.08), ew.mul(ew.cos(ew.mul(x, 2)), 0.5)), 0.42);
  });
}

/**
 * PyTorch's `torch.bartlett_window(window_length, periodic=True)`: the triangular window
 * `1 - |2n / (N - 1) - 1|`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * assertEquals(torch.bartlettWindow(5, { periodic: false }).toArray(), [0, 0.5, 1, 0.5, 0]);
 * assertEquals(torch.bartlettWindow(4).toArray(), [0, 0.5, 1, 0.5]);
 * ```
 */
export function bartlettWindow(windowLength: number, opts: WindowOptions = {}): Tensor {
  return makeWindow("bartlettWindow", windowLength, opts, (n, dtype) => {
    const w = ew.mul(arange(n, { dtype }), 2 / (n - 1));
    const firstHalf = ((n - 1) >> 1) + 1;
    const rest = ew.add(ew.mul(w.narrow(0, firstHalf, n - firstHalf), -1), 2);
    return cat([w.narrow(0, 0, firstHalf), rest]);
  });
}

/**
 * PyTorch's `torch.kaiser_window(window_length, periodic=True, beta=12.0)`:
 * `I0(beta sqrt(1 - ((n - a) / a)^2)) / I0(beta)` with a = (N - 1) / 2 and I0 the modified Bessel
 * function of the first kind of order 0.
 * @example
 * ```ts
 * import * as torch from "../mod.ts";
 * const w = torch.kaiserWindow(5, { periodic: false, beta: 5, dtype: "float64" }).toArray() as number[];
 * console.assert(w[2] === 1 && Math.abs(w[0] - 0.036710892271286676) < 1e-12);
 * ```
 */
export function kaiserWindow(windowLength: number, opts: KaiserWindowOptions = {}): Tensor {
  const beta = checkNumber("kaiserWindow", "beta", opts?.beta ?? 12);
  return makeWindow("kaiserWindow", windowLength, opts, (n, dtype) => {
    const a = (n - 1) / 2;
    const t = ew.div(ew.sub(arange(n, { dtype }), a), a);
    const arg = ew.mul(ew.sqrt(ew.sub(1, ew.mul(t, t))), beta);
    return ew.div(i0(arg), i0(tensor(beta, { dtype })));
  });
}
