/**
 * The random activations of `torch.nn.functional`: `rrelu` (randomized leaky ReLU) and
 * `gumbelSoftmax`, drawing from the seeded generator as PyTorch's CPU kernels do, so a ported
 * program seeded alike samples the same values. Part of `F`.
 * @module
 */
import { Tensor } from "../tensor.ts";
import { fmtShape } from "../shape.ts";
import { tensor, zerosLike } from "../creation.ts";
import { isFloating } from "../dtype.ts";
import { noGrad } from "../autograd/grad_mode.ts";
import { defaultGenerator, type Generator } from "../random.ts";
import * as ew from "../ops/elementwise.ts";
import * as red from "../ops/reduce.ts";
import { scatter } from "../ops/scatter.ts";
import { exponential_ } from "../ops/random_fill.ts";
import { emptyLike } from "../creation.ts";
import { named } from "../ops/dispatch.ts";
import { inFrameOf } from "../memory.ts";
import { type InplaceArg, inplaceResult } from "./checks.ts";
import { leakyRelu } from "./activations_core.ts";

/** Options of {@link rrelu} beyond PyTorch's positional arguments. */
export interface RreluOptions {
  /** The generator to draw the training slopes from (default: the global one seeded by `manualSeed`). */
  generator?: Generator;
}

/**
 * The per-element slopes of rrelu in training: U(lower, upper) where `x <= 0`, else 1. As
 * PyTorch's kernel, the bounds and draws are in the input's precision (float32 unless float64).
 */
function slopes(x: Tensor, lower: number, upper: number, g: Generator): Tensor {
  const n = x.numel();
  const double = x.dtype === "float64";
  const round = double ? (v: number) => v : Math.fround;
  const lo = round(lower), hi = round(upper);
  const noise = double ? new Float64Array(n).fill(1) : new Float32Array(n).fill(1);
  if (x.device === "cpu") {
    // PyTorch's CPU kernel: one double U(lower, upper) per non-positive element, in order.
    const v = x.dataSync();
    let k = 0;
    for (let i = 0; i < n; i++) if (v[i] <= 0) k++;
    const r = g.uniformFillDouble(new Float64Array(k), lo, hi);
    for (let i = 0, j = 0; i < n; i++) if (v[i] <= 0) noise[i] = round(r[j++]);
    return tensor(noise, { dtype: x.dtype }).reshape([...x.shape]);
  }
  // Elsewhere (no synchronous read of x): one draw per element, kept where x <= 0.
  const r = g.uniformFillDouble(new Float64Array(n), lo, hi);
  for (let i = 0; i < n; i++) noise[i] = round(r[i]);
  const drawn = tensor(noise, { dtype: x.dtype, device: x.device }).reshape([...x.shape]);
  return ew.where(ew.le(x, 0), drawn, 1);
}

/**
 * Randomized leaky ReLU: in training, `x` where positive and `x·a` elsewhere with a slope
 * `a ~ U(lower, upper)` drawn per element (on the CPU as PyTorch's kernel: one double per
 * non-positive element, in order, from the seeded generator); otherwise the leaky ReLU of slope
 * `(lower + upper) / 2`. The gradient is the slope used.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * const x = torch.tensor([-3, 2], { dtype: "float32" });
 * assertEquals([...F.rrelu(x, 0.2, 0.4).dataSync()].map((v) => Math.round(v * 1e5) / 1e5), [-0.9, 2]);
 * torch.manualSeed(0);
 * const y = F.rrelu(x, 0.2, 0.4, true).dataSync(); // a slope in [0.2, 0.4) for -3
 * assertEquals(y[0] <= -0.6 && y[0] > -1.2 && y[1] === 2, true);
 * ```
 */
export function rrelu(
  input: Tensor,
  lower = 1 / 8,
  upper = 1 / 3,
  training = false,
  inplace?: InplaceArg,
  opts: RreluOptions = {},
): Tensor {
  return inFrameOf(() => {
    const op = "rrelu";
    if (!(input instanceof Tensor) || !isFloating(input.dtype)) {
      throw new TypeError(
        `${op}: expected a floating point tensor, got ${
          input instanceof Tensor ? input.dtype : typeof input
        }`,
      );
    }
    if (!Number.isFinite(lower) || !Number.isFinite(upper) || lower > upper) {
      throw new RangeError(
        `${op}: Lower bound should be less than or equal to the upper bound, got lower=${lower}, upper=${upper}`,
      );
    }
    return inplaceResult(op, input, inplace, (t) => {
      if (!training) return leakyRelu(t, (lower + upper) / 2);
      const noise = noGrad(() => slopes(t, lower, upper, opts.generator ?? defaultGenerator));
      return named(ew.mul(t, noise), "RreluWithNoiseBackward0", t);
    });
  });
}

/**
 * {@link rrelu} written into `input` (PyTorch's `F.rrelu_`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * const x = torch.tensor([-2, 1], { dtype: "float32" });
 * F.rrelu_(x, 0.5, 0.5);
 * assertEquals(x.toArray(), [-1, 1]);
 * ```
 */
export function rrelu_(
  input: Tensor,
  lower = 1 / 8,
  upper = 1 / 3,
  training = false,
  opts: RreluOptions = {},
): Tensor {
  return rrelu(input, lower, upper, training, true, opts);
}

/** Options of {@link gumbelSoftmax} (PyTorch's keyword arguments). */
export interface GumbelSoftmaxOptions {
  /** The temperature (default 1): lower is closer to one-hot. */
  tau?: number;
  /** Return one-hot samples whose gradient is the soft sample's (straight-through; default false). */
  hard?: boolean;
  /** The dim of the categories (default -1). */
  dim?: number;
}

/**
 * Samples of the Gumbel-softmax (concrete) distribution over `dim`: `softmax((logits + g) / tau)`
 * with Gumbel noise `g = -log(E)`, `E ~ Exp(1)` drawn as PyTorch's
 * `-empty_like(logits).exponential_().log()` (the same values for the same seed). With `hard`,
 * the one-hot of each sample's argmax, differentiated as the soft sample.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * torch.manualSeed(0);
 * const y = F.gumbelSoftmax(torch.zeros(2, 5), { tau: 0.5, hard: true });
 * assertEquals(y.sum(1).toArray(), [1, 1]);
 * ```
 */
export function gumbelSoftmax(logits: Tensor, opts: GumbelSoftmaxOptions = {}): Tensor {
  return inFrameOf(() => {
    const op = "gumbelSoftmax";
    const { tau = 1, hard = false, dim = -1 } = opts;
    if (!(logits instanceof Tensor) || !isFloating(logits.dtype)) {
      throw new TypeError(
        `${op}: expected floating point logits, got ${
          logits instanceof Tensor ? logits.dtype : typeof logits
        }`,
      );
    }
    if (logits.ndim === 0 || dim < -logits.ndim || dim >= logits.ndim || !Number.isInteger(dim)) {
      throw new RangeError(`${op}: dim ${dim} is out of range for logits of shape ${fmtShape(logits.shape)}`);
    }
    const gumbels = noGrad(() => ew.neg(ew.log(exponential_(emptyLike(logits)))));
    const soft = red.softmax(ew.div(ew.add(logits, gumbels), tau), dim);
    if (!hard) return soft;
    const d = dim < 0 ? dim + logits.ndim : dim;
    const index = red.argmax(soft, d, { keepdim: true });
    const oneHot = noGrad(() => scatter(zerosLike(logits), d, index, 1));
    // Straight-through: the value of the one-hot, the gradient of the soft sample.
    return ew.add(ew.sub(oneHot, soft.detach()), soft);
  });
}
