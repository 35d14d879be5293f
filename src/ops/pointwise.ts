/**
 * Elementwise math written with the elementwise kernels: `trunc`, `frac`, `tan`, `log2`, `log10`,
 * `exp2`, `expm1`, `lerp`, `addcmul`, `addcdiv`. They run on every backend and autograd
 * differentiates them through the ops they are made of (the derivatives are PyTorch's).
 * @module
 */
import { refuseComplex } from "../complex/core.ts";
import { isFloating } from "../dtype.ts";
import { Tensor, type TensorOrScalar } from "../tensor.ts";
import {
  abs,
  add,
  ceil,
  clamp,
  cos,
  div,
  exp,
  floor,
  log,
  lt,
  mul,
  pow,
  sin,
  sub,
  where,
} from "./elementwise.ts";
import { clone } from "./movement.ts";
import { inFrameOf } from "../memory.ts";
import { named } from "./dispatch.ts";
import { asOp } from "./naming.ts";
import { autocastCall } from "../amp/autocast_call.ts";

function floatOnly(op: string, x: Tensor): void {
  if (!isFloating(x.dtype)) {
    throw new TypeError(`${op}: expected a floating point tensor, got ${x.dtype} (convert it with .float())`);
  }
}

/**
 * Rounds toward zero (integer tensors are returned as a copy).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.tensor([-1.5, 1.5]).trunc().toArray(), [-1, 1]);
 * ```
 */
export function trunc(x: Tensor): Tensor {
  refuseComplex("trunc", x);
  return inFrameOf(() => {
    if (!isFloating(x.dtype)) return clone(x);
    return named(where(lt(x, 0), ceil(x), floor(x)), "TruncBackward0", x);
  });
}

/**
 * The fractional part, `x - trunc(x)` (floating point tensors).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.tensor([-1.5, 2.25]).frac().toArray(), [-0.5, 0.25]);
 * ```
 */
export function frac(x: Tensor): Tensor {
  return inFrameOf(() => {
    floatOnly("frac", x);
    return named(sub(x, trunc(x)), "FracBackward0", x);
  });
}

/**
 * Tangent, `sin(x) / cos(x)`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.tensor([0]).tan().toArray(), [0]);
 * ```
 */
export function tan(x: Tensor): Tensor {
  const amp = autocastCall("float32", tan, x);
  if (amp !== undefined) return amp;
  return inFrameOf(() => {
    return named(div(sin(x), cos(x)), "TanBackward0", x);
  });
}

/**
 * Base-2 logarithm.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.tensor([1]).log2().toArray(), [0]);
 * ```
 */
export function log2(x: Tensor): Tensor {
  refuseComplex("log2", x);
  const amp = autocastCall("float32", log2, x);
  if (amp !== undefined) return amp;
  return inFrameOf(() => {
    return named(mul(log(x), Math.LOG2E), "Log2Backward0", x);
  });
}

/**
 * Base-10 logarithm.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.tensor([1]).log10().toArray(), [0]);
 * ```
 */
export function log10(x: Tensor): Tensor {
  refuseComplex("log10", x);
  const amp = autocastCall("float32", log10, x);
  if (amp !== undefined) return amp;
  return inFrameOf(() => {
    return named(mul(log(x), Math.LOG10E), "Log10Backward0", x);
  });
}

/**
 * `2 ** x`, in floating point for every input dtype.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.tensor([0]).exp2().toArray(), [1]);
 * ```
 */
export function exp2(x: Tensor): Tensor {
  return inFrameOf(() => {
    return named(pow(2, isFloating(x.dtype) ? x : x.float()), "Exp2Backward0", x);
  });
}

/** Below this |x|, `expm1` uses its Taylor polynomial: `exp(x) - 1` would cancel. */
const EXPM1_SERIES_BOUND = 0.1;

/**
 * `exp(x) - 1`, accurate for small `|x|` (a degree-5 Taylor polynomial below 0.1, where the
 * subtraction would lose the low digits).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const y = torch.tensor([1e-10]).expm1().item() as number;
 * assertEquals(Math.abs(y / 1e-10 - 1) < 1e-6, true); // exp(1e-10) - 1 would round to 0 in float32
 * ```
 */
export function expm1(x: Tensor): Tensor {
  const amp = autocastCall("float32", expm1, x);
  if (amp !== undefined) return amp;
  return inFrameOf(() => {
    const xf = isFloating(x.dtype) ? x : x.float();
    // x (1 + x/2 (1 + x/3 (1 + x/4 (1 + x/5)))) on x clamped to the series range, so the branch
    // `where` does not take stays finite (its gradient is multiplied by zero, not by inf).
    const s = clamp(xf, -EXPM1_SERIES_BOUND, EXPM1_SERIES_BOUND);
    let series = add(div(s, 5), 1);
    for (const k of [4, 3, 2]) series = add(mul(div(s, k), series), 1);
    series = mul(s, series);
    const small = lt(abs(xf), EXPM1_SERIES_BOUND);
    return named(where(small, series, sub(exp(xf), 1)), "Expm1Backward0", x);
  });
}

/**
 * Linear interpolation `start + weight * (end - start)`, broadcasting (`weight` a number or a
 * tensor).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.lerp(torch.tensor([0, 10]), torch.tensor([10, 20]), 0.5).toArray(), [5, 15]);
 * ```
 */
export function lerp(start: Tensor, end: Tensor, weight: TensorOrScalar): Tensor {
  refuseComplex("lerp", start, end, weight);
  return asOp("lerp", () =>
    inFrameOf(() => {
      if (!(start instanceof Tensor) || !(end instanceof Tensor)) {
        throw new TypeError("lerp: expected start and end to be tensors");
      }
      const startF = isFloating(start.dtype) ? start : start.float();
      const endF = isFloating(end.dtype) ? end : end.float();
      return named(add(startF, mul(weight, sub(endF, startF))), "LerpBackward0", start, end, weight);
    }));
}

/** `value` of {@link addcmul} and {@link addcdiv} (default 1). */
export interface AddcOptions {
  /** The scale of the product or quotient (default 1). */
  value?: number;
}

/**
 * `input + value * tensor1 * tensor2`, broadcasting.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.addcmul(torch.tensor([1]), torch.tensor([2]), torch.tensor([3]), { value: 0.5 }).toArray(), [4]);
 * ```
 */
export function addcmul(input: Tensor, tensor1: Tensor, tensor2: Tensor, opts: AddcOptions = {}): Tensor {
  refuseComplex("addcmul", input, tensor1, tensor2);
  return asOp("addcmul", () =>
    inFrameOf(() => {
      const { value = 1 } = opts;
      const prod = mul(tensor1, tensor2);
      return named(
        add(input, value === 1 ? prod : mul(prod, value)),
        "AddcmulBackward0",
        input,
        tensor1,
        tensor2,
      );
    }));
}

/**
 * `input + value * tensor1 / tensor2`, broadcasting (floating point divisions only, as PyTorch).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const f = (v: number) => torch.tensor([v], { dtype: "float32" });
 * assertEquals(torch.addcdiv(f(1), f(3), f(2)).toArray(), [2.5]);
 * ```
 */
export function addcdiv(input: Tensor, tensor1: Tensor, tensor2: Tensor, opts: AddcOptions = {}): Tensor {
  refuseComplex("addcdiv", input, tensor1, tensor2);
  return asOp("addcdiv", () =>
    inFrameOf(() => {
      const { value = 1 } = opts;
      if (!isFloating(tensor1.dtype) && !isFloating(tensor2.dtype)) {
        throw new TypeError(
          `addcdiv: integer division with addcdiv is not supported (tensor1 is ${tensor1.dtype}, tensor2 is ` +
            `${tensor2.dtype}); convert one of them with .float()`,
        );
      }
      const quot = div(tensor1, tensor2);
      return named(
        add(input, value === 1 ? quot : mul(quot, value)),
        "AddcdivBackward0",
        input,
        tensor1,
        tensor2,
      );
    }));
}
