/**
 * Elementwise ops of two tensors and NaN/infinity replacement: `atan2` (alias `arctan2`),
 * `hypot`, `nanToNum`, with PyTorch 1.13's type rules (atan2 computes integers in float32;
 * hypot takes floats only), broadcasting and gradients; kernels on both devices.
 * @module
 */
import { refuseComplex } from "../complex/core.ts";
import { type DType, isFloating } from "../dtype.ts";
import { Tensor } from "../tensor.ts";
import { describeValue } from "../backends/contract.ts";
import { backendOf, castResult, record, storageAs, wrap } from "./dispatch.ts";
import { binaryOp, resultType } from "./elementwise.ts";
import { clone } from "./movement.ts";
import { inFrameOf } from "../memory.ts";

function checkTensors(op: string, a: unknown, b: unknown): asserts a is Tensor {
  const names = ["input", "other"];
  [a, b].forEach((x, i) => {
    if (!(x instanceof Tensor)) {
      throw new TypeError(`${op}: argument '${names[i]}' must be a tensor, got ${describeValue(x)}`);
    }
  });
}

/**
 * The angle of the point `(x, y)`: `atan(y / x)` in the right quadrant, in `[-pi, pi]`, as C's
 * `atan2` (signed zeros and infinities included). Broadcasts; integer and bool tensors give
 * float32. Gradients: `g * x / (x² + y²)` for `y`, `-g * y / (x² + y²)` for `x`.
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const t = torch.atan2(torch.tensor([1, -1]), torch.tensor([1, -1]));
 * ok(t.sub(torch.tensor([Math.PI / 4, -3 * Math.PI / 4])).abs().max().item() < 1e-6);
 * ```
 */
export function atan2(input: Tensor, other: Tensor): Tensor {
  return inFrameOf(() => {
    checkTensors("atan2", input, other);
    const other_ = other as Tensor;
    if (isFloating(resultType(input, other_))) return binaryOp("atan2", input, other_);
    return binaryOp("atan2", input.to("float32"), other_.to("float32"));
  });
}

/**
 * PyTorch's alias of {@link atan2}.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.arctan2(torch.tensor([0]), torch.tensor([-1])).toArray(), [Math.fround(Math.PI)]);
 * ```
 */
export function arctan2(input: Tensor, other: Tensor): Tensor {
  return atan2(input, other);
}

/**
 * @internal Refuses `a op b` unless the promoted dtype is floating point (PyTorch's float-only
 * kernels: hypot, logaddexp, nextafter, ...).
 */
export function expectFloatOperands(op: string, a: Tensor | number, b: Tensor | number): void {
  const dtype = resultType(a, b);
  if (!isFloating(dtype)) {
    throw new TypeError(
      `${op}: expects floating-point tensors (as PyTorch), got ${dtype}; convert with .float() first`,
    );
  }
}

/**
 * `sqrt(a² + b²)` without overflow or underflow in between, as C's `hypot` (infinite when
 * either is, even if the other is NaN). Broadcasts; float tensors only, as PyTorch. Gradients:
 * `g * a / hypot(a, b)` and `g * b / hypot(a, b)`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const a = torch.tensor([3, 5], { dtype: "float32" }), b = torch.tensor([4, 12], { dtype: "float32" });
 * assertEquals(torch.hypot(a, b).toArray(), [5, 13]);
 * assertEquals(torch.tensor([3e30], { dtype: "float32" }).hypot(torch.tensor([4e30], { dtype: "float32" })).toArray(), [Math.fround(5e30)]);
 * ```
 */
export function hypot(input: Tensor, other: Tensor): Tensor {
  return inFrameOf(() => {
    checkTensors("hypot", input, other);
    expectFloatOperands("hypot", input, other);
    return binaryOp("hypot", input, other as Tensor);
  });
}

/** Options of {@link nanToNum}: the replacements (PyTorch's keyword arguments). */
export interface NanToNumOptions {
  /** What NaN becomes (default 0). */
  nan?: number;
  /** What +inf becomes (default: the largest finite value of the tensor's dtype). */
  posinf?: number | null;
  /** What -inf becomes (default: the most negative finite value of the tensor's dtype). */
  neginf?: number | null;
}

/** The largest finite value of each float dtype (PyTorch's `finfo(dtype).max`). */
const FLOAT_MAX: Partial<Record<DType, number>> = {
  float16: 65504,
  float32: 3.4028234663852886e38,
  float64: Number.MAX_VALUE,
};

/**
 * NaN, +inf and -inf replaced by finite numbers (PyTorch's `nan_to_num`): NaN by `nan` (0),
 * infinities by `posinf`/`neginf` (the dtype's largest finite values). Integer and bool tensors
 * come back as a copy. Gradient: `g` where the input is finite, 0 elsewhere.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.tensor([NaN, Infinity, -Infinity, 1.5]);
 * assertEquals(torch.nanToNum(x).toArray(), [0, 3.4028234663852886e38, -3.4028234663852886e38, 1.5]);
 * assertEquals(x.nanToNum({ nan: -1, posinf: 9 }).toArray(), [-1, 9, -3.4028234663852886e38, 1.5]);
 * ```
 */
export function nanToNum(x: Tensor, opts: NanToNumOptions = {}): Tensor {
  refuseComplex("nanToNum", x);
  return inFrameOf(() => {
    if (!(x instanceof Tensor)) throw new TypeError(`nanToNum: expected a tensor, got ${describeValue(x)}`);
    if (opts === null || typeof opts !== "object") {
      throw new TypeError(
        `nanToNum: options must be an object like { nan, posinf, neginf }, got ${describeValue(opts)}`,
      );
    }
    const check = (name: string, v: unknown, fallback: number): number => {
      if (v === undefined || v === null) return fallback;
      if (typeof v !== "number") {
        throw new TypeError(`nanToNum: ${name} must be a number, got ${describeValue(v)}`);
      }
      return v;
    };
    const max = FLOAT_MAX[x.dtype];
    if (max === undefined) {
      check("nan", opts.nan, 0), check("posinf", opts.posinf, 0), check("neginf", opts.neginf, 0);
      return clone(x);
    }
    const nan = check("nan", opts.nan, 0);
    const posinf = check("posinf", opts.posinf, max), neginf = check("neginf", opts.neginf, -max);
    const backend = backendOf("nanToNum", x);
    const compute = x.dtype === "float64" ? "float64" : "float32";
    const s = backend.nanToNum(storageAs(x, compute), nan, posinf, neginf);
    return record("nanToNum", [x], wrap(castResult(s, x.dtype), x.shape));
  });
}
