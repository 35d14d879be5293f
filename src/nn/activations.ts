/**
 * The activation functions beyond relu/sigmoid/tanh/gelu/silu (which live in activations_core.ts), as
 * PyTorch's `torch.nn.functional` has them: `elu`, `celu`, `selu`, `softplus`, `softsign`,
 * `hardtanh`, `relu6`, `hardsigmoid`, `hardswish`, `mish`, `logsigmoid`, `tanhshrink`,
 * `softshrink`, `hardshrink`, `threshold`, `glu`, `softmin`, `prelu`. Part of `F`. Written with
 * the elementwise ops; the exponential branches are evaluated on clamped inputs so that the
 * branch `where` discards never feeds inf or NaN into a gradient.
 * @module
 */
import { refuseComplex } from "../complex/core.ts";
import { isFloating } from "../dtype.ts";
import { fmtShape, normDim } from "../shape.ts";
import { Tensor } from "../tensor.ts";
import * as ew from "../ops/elementwise.ts";
import { expm1 } from "../ops/pointwise.ts";
import * as red from "../ops/reduce.ts";
import { type InplaceArg, inplaceResult } from "./checks.ts";
import { inFrameOf } from "../memory.ts";
import { named } from "../ops/dispatch.ts";
import { autocastCall } from "../amp/autocast_call.ts";

function floatInput(op: string, x: unknown): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: input must be a Tensor, got ${typeof x}`);
  return isFloating(x.dtype) ? x : x.float();
}

/** `alpha * (exp(x) - 1)` on the non-positive part of `x` (zero where `x` > 0). */
function negativeExpm1(x: Tensor, alpha: number, scale = 1): Tensor {
  return ew.mul(expm1(ew.div(ew.clamp(x, null, 0), scale)), alpha);
}

/**
 * Exponential linear unit: `x` where positive, `alpha * (exp(x) - 1)` elsewhere.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * assertEquals(torch.allclose(F.elu(torch.tensor([-1, 2])), torch.tensor([-0.6321205, 2]), { atol: 1e-7, rtol: 0 }), true); // ≈ [-0.6321205, 2]
 * ```
 */
export function elu(input: Tensor, alpha = 1, inplace?: InplaceArg): Tensor {
  refuseComplex("elu", input, alpha);
  return inFrameOf(() => {
    return inplaceResult("elu", input, inplace, (t) => {
      const x = floatInput("elu", t);
      return named(ew.where(ew.gt(x, 0), x, negativeExpm1(x, alpha)), "EluBackward0", t);
    });
  });
}

/**
 * Continuously differentiable ELU: `max(0, x) + min(0, alpha * (exp(x / alpha) - 1))`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * assertEquals(torch.allclose(F.celu(torch.tensor([-1, 2]), 2), torch.tensor([-0.7869387, 2]), { atol: 1e-7, rtol: 0 }), true); // ≈ [-0.7869387, 2]
 * ```
 */
export function celu(input: Tensor, alpha = 1, inplace?: InplaceArg): Tensor {
  return inFrameOf(() => {
    if (alpha === 0) throw new RangeError("celu: ZeroDivisionError: alpha cannot be 0 for CELU");
    return inplaceResult("celu", input, inplace, (t) => {
      const x = floatInput("celu", t);
      return named(ew.where(ew.gt(x, 0), x, negativeExpm1(x, alpha, alpha)), "CeluBackward0", t);
    });
  });
}

const SELU_ALPHA = 1.6732632423543772848170429916717;
const SELU_SCALE = 1.0507009873554804934193349852946;

/**
 * Scaled ELU with the self-normalising constants (alpha ≈ 1.6733, scale ≈ 1.0507).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * assertEquals(torch.allclose(F.selu(torch.tensor([1])), torch.tensor([1.0507009])), true); // ≈ [1.0507009]
 * ```
 */
export function selu(input: Tensor, inplace?: InplaceArg): Tensor {
  return inFrameOf(() => {
    return inplaceResult(
      "selu",
      input,
      inplace,
      (t) => named(ew.mul(elu(t, SELU_ALPHA), SELU_SCALE), "EluBackward0", t),
    );
  });
}

/**
 * `log(1 + exp(beta * x)) / beta`, linear (`x`) where `beta * x > threshold`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * assertEquals(torch.allclose(F.softplus(torch.tensor([0])), torch.tensor([0.6931472]), { atol: 5e-8, rtol: 0 }), true); // ≈ [0.6931472]
 * ```
 */
export function softplus(input: Tensor, beta = 1, threshold = 20): Tensor {
  const amp = autocastCall("float32", softplus, input, beta, threshold);
  if (amp !== undefined) return amp;
  return inFrameOf(() => {
    const x = floatInput("softplus", input);
    const bx = ew.mul(x, beta);
    const smooth = ew.div(ew.log1p(ew.exp(ew.clamp(bx, null, threshold))), beta);
    return named(ew.where(ew.gt(bx, threshold), x, smooth), "SoftplusBackward0", input);
  });
}

/**
 * `x / (1 + |x|)`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * assertEquals(F.softsign(torch.tensor([1, -3])).toArray(), [0.5, -0.75]);
 * ```
 */
export function softsign(input: Tensor): Tensor {
  return inFrameOf(() => {
    const x = floatInput("softsign", input);
    return ew.div(x, ew.add(ew.abs(x), 1));
  });
}

/**
 * `x` clamped to `[minVal, maxVal]` (default [-1, 1]).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * assertEquals(F.hardtanh(torch.tensor([-2, 0.5, 3])).toArray(), [-1, 0.5, 1]);
 * ```
 */
export function hardtanh(input: Tensor, minVal = -1, maxVal = 1, inplace?: InplaceArg): Tensor {
  return inFrameOf(() => {
    if (minVal > maxVal) {
      throw new RangeError(`hardtanh: min_val (${minVal}) cannot be greater than max_val (${maxVal})`);
    }
    return inplaceResult("hardtanh", input, inplace, (t) => {
      const x = floatInput("hardtanh", t);
      // where, not clamp: PyTorch's hardtanh has zero gradient at the bounds (clamp passes it).
      return named(
        ew.where(ew.le(x, minVal), minVal, ew.where(ew.ge(x, maxVal), maxVal, x)),
        "HardtanhBackward0",
        t,
      );
    });
  });
}

/**
 * `min(max(x, 0), 6)`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * assertEquals(F.relu6(torch.tensor([-1, 3, 8])).toArray(), [0, 3, 6]);
 * ```
 */
export function relu6(input: Tensor, inplace?: InplaceArg): Tensor {
  return inFrameOf(() => {
    return inplaceResult("relu6", input, inplace, (t) => hardtanh(t, 0, 6));
  });
}

/**
 * `relu6(x + 3) / 6`, a piecewise-linear sigmoid.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * assertEquals(F.hardsigmoid(torch.tensor([-4, 0, 4])).toArray(), [0, 0.5, 1]);
 * ```
 */
export function hardsigmoid(input: Tensor, inplace?: InplaceArg): Tensor {
  return inFrameOf(() => {
    return inplaceResult(
      "hardsigmoid",
      input,
      inplace,
      (t) => named(ew.div(relu6(ew.add(floatInput("hardsigmoid", t), 3)), 6), "HardsigmoidBackward0", t),
    );
  });
}

/**
 * `x * relu6(x + 3) / 6`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * assertEquals(torch.allclose(F.hardswish(torch.tensor([-4, 1, 4])), torch.tensor([-0, 0.6666667, 4]), { atol: 5e-8, rtol: 0 }), true); // ≈ [-0, 0.6666667, 4]
 * ```
 */
export function hardswish(input: Tensor, inplace?: InplaceArg): Tensor {
  return inFrameOf(() => {
    return inplaceResult("hardswish", input, inplace, (t) => {
      const x = floatInput("hardswish", t);
      return named(ew.mul(x, hardsigmoid(x)), "HardswishBackward0", t);
    });
  });
}

/**
 * `x * tanh(softplus(x))`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * assertEquals(torch.allclose(F.mish(torch.tensor([1])), torch.tensor([0.8650984]), { atol: 1e-7, rtol: 0 }), true); // ≈ [0.8650984]
 * ```
 */
export function mish(input: Tensor, inplace?: InplaceArg): Tensor {
  return inFrameOf(() => {
    return inplaceResult("mish", input, inplace, (t) => {
      const x = floatInput("mish", t);
      return named(ew.mul(x, ew.tanh(softplus(x))), "MishBackward0", t);
    });
  });
}

/**
 * `log(sigmoid(x))`, computed stably as `-softplus(-x)` (smooth at 0, where a `min(x, 0)` form
 * would give the wrong gradient).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * assertEquals(torch.allclose(F.logsigmoid(torch.tensor([0])), torch.tensor([-0.6931472]), { atol: 5e-8, rtol: 0 }), true); // ≈ [-0.6931472]
 * ```
 */
export function logsigmoid(input: Tensor): Tensor {
  return inFrameOf(() => {
    return named(ew.neg(softplus(ew.neg(floatInput("logsigmoid", input)))), "LogSigmoidBackward0", input);
  });
}

/**
 * `x - tanh(x)`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * assertEquals(F.tanhshrink(torch.tensor([0])).toArray(), [0]);
 * ```
 */
export function tanhshrink(input: Tensor): Tensor {
  return inFrameOf(() => {
    const x = floatInput("tanhshrink", input);
    return ew.sub(x, ew.tanh(x));
  });
}

function checkLambda(op: string, lambd: number): void {
  if (!(lambd >= 0)) {
    throw new RangeError(`${op}: lambda must be greater or equal to 0, but found to be ${lambd}`);
  }
}

/**
 * `x - lambd` above `lambd`, `x + lambd` below `-lambd`, 0 between.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * assertEquals(F.softshrink(torch.tensor([-2, 0.2, 1])).toArray(), [-1.5, 0, 0.5]);
 * ```
 */
export function softshrink(input: Tensor, lambd = 0.5): Tensor {
  return inFrameOf(() => {
    checkLambda("softshrink", lambd);
    const x = floatInput("softshrink", input);
    const out = ew.where(ew.gt(x, lambd), ew.sub(x, lambd), ew.where(ew.lt(x, -lambd), ew.add(x, lambd), 0));
    return named(out, "SoftshrinkBackward0", input);
  });
}

/**
 * `x` where `|x| > lambd`, 0 elsewhere.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * assertEquals(F.hardshrink(torch.tensor([-2, 0.2, 1])).toArray(), [-2, 0, 1]);
 * ```
 */
export function hardshrink(input: Tensor, lambd = 0.5): Tensor {
  return inFrameOf(() => {
    checkLambda("hardshrink", lambd);
    const x = floatInput("hardshrink", input);
    return named(ew.where(ew.gt(ew.abs(x), lambd), x, 0), "HardshrinkBackward0", input);
  });
}

/**
 * `x` where `x > threshold`, `value` elsewhere.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * assertEquals(F.threshold(torch.tensor([0.05, 2]), 0.1, 20).toArray(), [20, 2]);
 * ```
 */
export function threshold(input: Tensor, threshold: number, value: number, inplace?: InplaceArg): Tensor {
  refuseComplex("threshold", input, threshold, value);
  return inFrameOf(() => {
    if (!(input instanceof Tensor)) {
      throw new TypeError(`threshold: input must be a Tensor, got ${typeof input}`);
    }
    return inplaceResult(
      "threshold",
      input,
      inplace,
      (t) => named(ew.where(ew.gt(t, threshold), t, value), "ThresholdBackward0", t),
    );
  });
}

/**
 * Gated linear unit: the first half of `dim` times the sigmoid of the second half.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * assertEquals(F.glu(torch.tensor([2, 0])).toArray(), [1]);
 * ```
 */
export function glu(input: Tensor, dim = -1): Tensor {
  return inFrameOf(() => {
    const x = floatInput("glu", input);
    if (x.ndim === 0) {
      throw new RangeError("glu: glu does not support scalars because halving size must be even");
    }
    const d = normDim("glu", dim, x.ndim);
    if (x.shape[d] % 2 !== 0) {
      throw new RangeError(
        `glu: Halving dimension must be even, but dimension ${d} is size ${x.shape[d]} (input of shape ${
          fmtShape(x.shape)
        })`,
      );
    }
    const [a, b] = x.chunk(2, d);
    return named(ew.mul(a, ew.sigmoid(b)), "GluBackward0", input);
  });
}

/**
 * `softmax(-x)` along `dim`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * assertEquals(F.softmin(torch.tensor([0, 0]), 0).toArray(), [0.5, 0.5]);
 * ```
 */
export function softmin(input: Tensor, dim: number): Tensor {
  const amp = autocastCall("float32", softmin, input, dim);
  if (amp !== undefined) return amp;
  return inFrameOf(() => {
    return red.softmax(ew.neg(floatInput("softmin", input)), dim);
  });
}

/**
 * Parametric ReLU: `x` where positive, `weight * x` elsewhere; `weight` has one value or one per
 * channel (dim 1 of the input).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * assertEquals(F.prelu(torch.tensor([-2, 3]), torch.tensor([0.25])).toArray(), [-0.5, 3]);
 * ```
 */
export function prelu(input: Tensor, weight: Tensor): Tensor {
  return inFrameOf(() => {
    const x = floatInput("prelu", input);
    if (!(weight instanceof Tensor) || weight.ndim > 1) {
      throw new TypeError("prelu: weight must be a 0-d or 1-d tensor");
    }
    const n = weight.numel();
    const channels = x.ndim >= 2 ? x.shape[1] : 1;
    if (n !== 1 && n !== channels) {
      throw new RangeError(
        `prelu: mismatch of parameter numbers and input channel size. Found parameter numbers = ${n} and ` +
          `channel size = ${channels} (input of shape ${fmtShape(x.shape)})`,
      );
    }
    const w = n === 1 || x.ndim < 2 ? weight.reshape([]) : weight.reshape([n, ...Array(x.ndim - 2).fill(1)]);
    return named(ew.where(ew.gt(x, 0), x, ew.mul(w, x)), "PreluBackward0", input, weight);
  });
}
