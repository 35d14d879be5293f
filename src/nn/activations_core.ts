/**
 * The everyday activations of `torch.nn.functional`: `relu`, `leakyRelu`, `sigmoid`, `tanh`,
 * `gelu`, `silu`, `softmax` and `logSoftmax` (and `implicitSoftmaxDim`). Part of `F`; the rest of
 * the activation functions are in activations.ts.
 * @module
 */
import { refuseComplex } from "../complex/core.ts";
import type { Tensor } from "../tensor.ts";
import { isFloating } from "../dtype.ts";
import * as ew from "../ops/elementwise.ts";
import * as red from "../ops/reduce.ts";
import { named, record } from "../ops/dispatch.ts";
import { erfcNonNegative } from "../ops/erf.ts";
import { noGrad } from "../autograd/grad_mode.ts";
import { checkTensor, type InplaceArg, inplaceResult } from "./checks.ts";
import { inFrameOf } from "../memory.ts";

/** `x` itself when floating, else converted to float32 (as the elementwise math ops do). */
function asFloat(op: string, x: unknown): Tensor {
  const t = checkTensor(op, "input", x);
  return isFloating(t.dtype) ? t : t.float();
}

/** Records `out = forward(x)` (computed without a graph) as one op whose derivative is `derivative(x)`. */
function fusedUnary(
  op: "gelu",
  x: Tensor,
  forward: (x: Tensor) => Tensor,
  derivative: (x: Tensor) => Tensor,
): Tensor {
  const out = noGrad(() => forward(x));
  return record(op, [x], out, { derivative });
}

/**
 * `max(x, 0)`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * assertEquals(F.relu(torch.tensor([-1, 2])).toArray(), [0, 2]);
 * ```
 */
export function relu(x: Tensor, inplace?: InplaceArg): Tensor {
  return inFrameOf(() => {
    checkTensor("relu", "input", x);
    return inplaceResult("relu", x, inplace, ew.relu);
  });
}

/**
 * `x` where positive, `negativeSlope * x` elsewhere.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * assertEquals(torch.allclose(F.leakyRelu(torch.tensor([-1.0, 2.0]), 0.1), torch.tensor([-0.1, 2]), { atol: 5e-2, rtol: 0 }), true); // ≈ [-0.1, 2]
 * ```
 */
export function leakyRelu(input: Tensor, negativeSlope = 0.01, inplace?: InplaceArg): Tensor {
  refuseComplex("leakyRelu", input, negativeSlope);
  return inFrameOf(() =>
    inplaceResult("leakyRelu", input, inplace, (t) => {
      const x = asFloat("leakyRelu", t);
      return named(ew.where(ew.gt(x, 0), x, ew.mul(x, negativeSlope)), "LeakyReluBackward0", t);
    })
  );
}

/**
 * Logistic sigmoid.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * assertEquals(F.sigmoid(torch.tensor([0.0])).toArray(), [0.5]);
 * ```
 */
export function sigmoid(x: Tensor): Tensor {
  return inFrameOf(() => {
    return ew.sigmoid(checkTensor("sigmoid", "input", x));
  });
}

/**
 * Hyperbolic tangent.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * assertEquals(F.tanh(torch.tensor([0.0])).toArray(), [0]);
 * ```
 */
export function tanh(x: Tensor): Tensor {
  return inFrameOf(() => {
    return ew.tanh(checkTensor("tanh", "input", x));
  });
}

/** Options of `gelu`. */
export interface GeluOptions {
  /** `"none"` (default): the exact erf form; `"tanh"`: the tanh approximation. */
  approximate?: "none" | "tanh";
}

const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/**
 * The standard normal CDF `Φ(x) = erfc(-x/√2)/2`, from elementwise ops. erfc uses the Chebyshev
 * fit of Numerical Recipes (relative error below 1.2e-7 everywhere, tails included).
 */
function normalCdf(x: Tensor): Tensor {
  // |x| written with where, so that its derivative at 0 is 1 and the gradient there is right.
  const z = ew.mul(ew.where(ew.ge(x, 0), x, ew.neg(x)), SQRT1_2);
  const half = ew.mul(erfcNonNegative(z), 0.5); // erfc(z) / 2
  return ew.where(ew.lt(x, 0), half, ew.sub(1, half));
}

function geluExact(x: Tensor): Tensor {
  return ew.mul(x, normalCdf(x));
}

function geluExactDerivative(x: Tensor): Tensor {
  const pdf = ew.mul(ew.exp(ew.mul(ew.mul(x, x), -0.5)), INV_SQRT_2PI);
  return ew.add(normalCdf(x), ew.mul(x, pdf));
}

/**
 * Gaussian error linear unit: `x·Φ(x)` (the exact form, PyTorch's default), or with
 * `approximate: "tanh"` `0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * assertEquals(Math.abs((F.gelu(torch.tensor([1.0])).item() as number) - 0.8413447) < 5e-8, true); // ≈ 0.8413447
 * assertEquals(Math.abs((F.gelu(torch.tensor([1.0]), { approximate: "tanh" }).item() as number) - 0.8411920) < 5e-8, true); // ≈ 0.8411920
 * ```
 */
export function gelu(input: Tensor, opts: GeluOptions = {}): Tensor {
  return inFrameOf(() => {
    const x = asFloat("gelu", input);
    const approximate = opts.approximate ?? "none";
    if (approximate === "tanh") {
      const inner = ew.mul(ew.add(x, ew.mul(ew.mul(ew.mul(x, x), x), 0.044715)), Math.sqrt(2 / Math.PI));
      return named(ew.mul(ew.mul(x, 0.5), ew.add(ew.tanh(inner), 1)), "GeluBackward0", input);
    }
    if (approximate !== "none") {
      throw new TypeError(`gelu: approximate must be "none" or "tanh", got ${JSON.stringify(approximate)}`);
    }
    return fusedUnary("gelu", x, geluExact, geluExactDerivative);
  });
}

/**
 * SiLU (swish): `x·sigmoid(x)`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * assertEquals(torch.allclose(F.silu(torch.tensor([0.0, 1.0])), torch.tensor([0, 0.7310586]), { atol: 5e-8, rtol: 0 }), true); // ≈ [0, 0.7310586]
 * ```
 */
export function silu(input: Tensor, inplace?: InplaceArg): Tensor {
  return inFrameOf(() =>
    inplaceResult("silu", input, inplace, (t) => {
      const x = asFloat("silu", t);
      return named(ew.mul(x, ew.sigmoid(x)), "SiluBackward0", t);
    })
  );
}

/**
 * PyTorch's legacy choice of softmax dim when none is given: 0 for 0-, 1- and 3-d input, else 1.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import { F } from "./mod.ts";
 * assertEquals(F.implicitSoftmaxDim(2), 1);
 * ```
 */
export function implicitSoftmaxDim(ndim: number): number {
  return ndim === 0 || ndim === 1 || ndim === 3 ? 0 : 1;
}

/**
 * Softmax along `dim`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * assertEquals(F.softmax(torch.tensor([[0.0, 0.0]]), 1).toArray(), [[0.5, 0.5]]);
 * ```
 */
export function softmax(x: Tensor, dim: number): Tensor {
  return inFrameOf(() => {
    return red.softmax(checkTensor("softmax", "input", x), dim);
  });
}

/**
 * Log-softmax along `dim`, computed stably.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * assertEquals(torch.allclose(F.logSoftmax(torch.tensor([0.0, 0.0]), 0), torch.tensor([-0.6931472, -0.6931472]), { atol: 5e-8, rtol: 0 }), true); // ≈ [-0.6931472, -0.6931472]
 * ```
 */
export function logSoftmax(x: Tensor, dim: number): Tensor {
  return inFrameOf(() => {
    return red.logSoftmax(checkTensor("logSoftmax", "input", x), dim);
  });
}
