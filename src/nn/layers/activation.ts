/**
 * Activation modules: `ReLU`, `LeakyReLU`, `Sigmoid`, `Tanh`, `GELU`, `SiLU`, `Softmax`,
 * `LogSoftmax`, and (from activations.ts) `ELU`, `CELU`, `SELU`, `Softplus`, `Softsign`,
 * `Hardtanh`, `ReLU6`, `Hardsigmoid`, `Hardswish`, `Mish`, `LogSigmoid`, `Tanhshrink`,
 * `Softshrink`, `Hardshrink`, `Threshold`, `GLU`, `Softmin`, `PReLU`.
 * @module
 */
import type { Tensor } from "../../tensor.ts";
import { full } from "../../creation.ts";
import { Module, Parameter, pyFloat } from "../module.ts";
import * as F from "../functional.ts";
import { type InplaceArg, inplaceFlag } from "../checks.ts";

/** `, inplace=True` when set (PyTorch's reprs show the flag only then). */
function inplaceRepr(inplace: boolean): string {
  return inplace ? ", inplace=True" : "";
}

/**
 * `max(x, 0)` elementwise.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * assertEquals(new nn.ReLU()(torch.tensor([-1.0, 2.0])).toArray(), [0, 2]);
 * ```
 */
export class ReLU extends Module {
  /** Whether the result is written into the input. */
  inplace: boolean;
  /** `inplace` as `true` or `{ inplace: true }` (default false). */
  constructor(inplace?: InplaceArg) {
    super();
    this.inplace = inplaceFlag("ReLU", inplace);
  }
  /** `F.relu(input, this.inplace)`. */
  override forward(input: Tensor): Tensor {
    return F.relu(input, this.inplace);
  }
  /** The arguments printed inside `ReLU(...)`, as PyTorch's `extra_repr`. */
  override extraRepr(): string {
    return this.inplace ? "inplace=True" : "";
  }
}

/**
 * `x` where positive, `negativeSlope·x` elsewhere (default slope 0.01).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * assertEquals(torch.allclose(new nn.LeakyReLU(0.2)(torch.tensor([-1.0, 2.0])), torch.tensor([-0.2, 2]), { atol: 5e-2, rtol: 0 }), true); // ≈ [-0.2, 2]
 * ```
 */
export class LeakyReLU extends Module {
  /** The slope for negative inputs. */
  negativeSlope: number;
  /** Whether the result is written into the input. */
  inplace: boolean;
  /** `inplace` as `true` or `{ inplace: true }` (default false). */
  constructor(negativeSlope = 0.01, inplace?: InplaceArg) {
    super();
    this.negativeSlope = negativeSlope;
    this.inplace = inplaceFlag("LeakyReLU", inplace);
  }
  /** `F.leakyRelu(input, this.negativeSlope, this.inplace)`. */
  override forward(input: Tensor): Tensor {
    return F.leakyRelu(input, this.negativeSlope, this.inplace);
  }
  /** The arguments printed inside `LeakyReLU(...)`, as PyTorch's `extra_repr`. */
  override extraRepr(): string {
    return `negative_slope=${pyFloat(this.negativeSlope)}${inplaceRepr(this.inplace)}`;
  }
}

/**
 * Logistic sigmoid elementwise.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * assertEquals(new nn.Sigmoid()(torch.tensor([0.0])).toArray(), [0.5]);
 * ```
 */
export class Sigmoid extends Module {
  /** `F.sigmoid(input)`. */
  override forward(input: Tensor): Tensor {
    return F.sigmoid(input);
  }
}

/**
 * Hyperbolic tangent elementwise.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * assertEquals(new nn.Tanh()(torch.tensor([0.0])).toArray(), [0]);
 * ```
 */
export class Tanh extends Module {
  /** `F.tanh(input)`. */
  override forward(input: Tensor): Tensor {
    return F.tanh(input);
  }
}

/**
 * Gaussian error linear unit, exact (erf) form by default, or `{ approximate: "tanh" }`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * assertEquals(Math.abs((new nn.GELU()(torch.tensor([1.0])).item() as number) - 0.8413447) < 5e-8, true); // ≈ 0.8413447
 * String(new nn.GELU({ approximate: "tanh" })); // "GELU(approximate='tanh')"
 * ```
 */
export class GELU extends Module {
  /** `"none"` (exact) or `"tanh"`. */
  approximate: "none" | "tanh";
  /** Creates the module; the arguments are described on the class. */
  constructor(opts: F.GeluOptions = {}) {
    super();
    this.approximate = opts.approximate ?? "none";
    if (this.approximate !== "none" && this.approximate !== "tanh") {
      throw new TypeError(
        `GELU: approximate must be "none" or "tanh", got ${JSON.stringify(this.approximate)}`,
      );
    }
  }
  /** `F.gelu(input, { approximate: this.approximate })`. */
  override forward(input: Tensor): Tensor {
    return F.gelu(input, { approximate: this.approximate });
  }
  /** The arguments printed inside `GELU(...)`, as PyTorch's `extra_repr`. */
  override extraRepr(): string {
    return `approximate='${this.approximate}'`;
  }
}

/**
 * SiLU (swish) `x·sigmoid(x)` elementwise.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * assertEquals(new nn.SiLU()(torch.tensor([0.0])).toArray(), [0]);
 * ```
 */
export class SiLU extends Module {
  /** Whether the result is written into the input. */
  inplace: boolean;
  /** `inplace` as `true` or `{ inplace: true }` (default false). */
  constructor(inplace?: InplaceArg) {
    super();
    this.inplace = inplaceFlag("SiLU", inplace);
  }
  /** `F.silu(input, this.inplace)`. */
  override forward(input: Tensor): Tensor {
    return F.silu(input, this.inplace);
  }
  /** The arguments printed inside `SiLU(...)`, as PyTorch's `extra_repr`. */
  override extraRepr(): string {
    return this.inplace ? "inplace=True" : "";
  }
}

/**
 * Softmax along `dim` (without a dim: PyTorch's legacy choice, dim 0 for 0-, 1- and 3-d input,
 * else 1).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * assertEquals(new nn.Softmax(1)(torch.tensor([[0.0, 0.0]])).toArray(), [[0.5, 0.5]]);
 * ```
 */
export class Softmax extends Module {
  /** The dim the probabilities sum to 1 along (null: implicit). */
  dim: number | null;
  /** Creates the module; the arguments are described on the class. */
  constructor(dim: number | null = null) {
    super();
    this.dim = dim;
  }
  /** `F.softmax(input, this.dim ?? F.implicitSoftmaxDim(input.ndim))`. */
  override forward(input: Tensor): Tensor {
    return F.softmax(input, this.dim ?? F.implicitSoftmaxDim(input.ndim));
  }
  /** The arguments printed inside `Softmax(...)`, as PyTorch's `extra_repr`. */
  override extraRepr(): string {
    return `dim=${this.dim ?? "None"}`;
  }
}

/**
 * Log-softmax along `dim`, computed stably (implicit dim as `Softmax`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * assertEquals(torch.allclose(new nn.LogSoftmax(1)(torch.tensor([[0.0, 0.0]])), torch.tensor([[-0.6931472, -0.6931472]]), { atol: 5e-8, rtol: 0 }), true); // ≈ [[-0.6931472, -0.6931472]]
 * ```
 */
export class LogSoftmax extends Module {
  /** The dim to normalize along (null: implicit). */
  dim: number | null;
  /** Creates the module; the arguments are described on the class. */
  constructor(dim: number | null = null) {
    super();
    this.dim = dim;
  }
  /** `F.logSoftmax(input, this.dim ?? F.implicitSoftmaxDim(input.ndim))`. */
  override forward(input: Tensor): Tensor {
    return F.logSoftmax(input, this.dim ?? F.implicitSoftmaxDim(input.ndim));
  }
  /** The arguments printed inside `LogSoftmax(...)`, as PyTorch's `extra_repr`. */
  override extraRepr(): string {
    return `dim=${this.dim ?? "None"}`;
  }
}

/**
 * Exponential linear unit (`alpha` default 1).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * assertEquals(torch.allclose(new nn.ELU()(torch.tensor([-1, 2])), torch.tensor([-0.6321205, 2]), { atol: 1e-7, rtol: 0 }), true); // ≈ [-0.6321205, 2]
 * ```
 */
export class ELU extends Module {
  /** The `alpha` setting, as given to the constructor. */
  alpha: number;
  /** Whether the result is written into the input. */
  inplace: boolean;
  /** `inplace` as `true` or `{ inplace: true }` (default false). */
  constructor(alpha = 1, inplace?: InplaceArg) {
    super();
    this.alpha = alpha;
    this.inplace = inplaceFlag("ELU", inplace);
  }
  /** `F.elu(input, this.alpha, this.inplace)`. */
  override forward(input: Tensor): Tensor {
    return F.elu(input, this.alpha, this.inplace);
  }
  /** The arguments printed inside `ELU(...)`, as PyTorch's `extra_repr`. */
  override extraRepr(): string {
    return `alpha=${pyFloat(this.alpha)}${inplaceRepr(this.inplace)}`;
  }
}

/**
 * Continuously differentiable ELU (`alpha` default 1).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * assertEquals(torch.allclose(new nn.CELU(2)(torch.tensor([-1, 2])), torch.tensor([-0.7869387, 2]), { atol: 1e-7, rtol: 0 }), true); // ≈ [-0.7869387, 2]
 * ```
 */
export class CELU extends Module {
  /** The `alpha` setting, as given to the constructor. */
  alpha: number;
  /** Whether the result is written into the input. */
  inplace: boolean;
  /** `inplace` as `true` or `{ inplace: true }` (default false). */
  constructor(alpha = 1, inplace?: InplaceArg) {
    super();
    this.alpha = alpha;
    this.inplace = inplaceFlag("CELU", inplace);
  }
  /** `F.celu(input, this.alpha, this.inplace)`. */
  override forward(input: Tensor): Tensor {
    return F.celu(input, this.alpha, this.inplace);
  }
  /** The arguments printed inside `CELU(...)`, as PyTorch's `extra_repr`. */
  override extraRepr(): string {
    return `alpha=${pyFloat(this.alpha)}${inplaceRepr(this.inplace)}`;
  }
}

/**
 * Scaled ELU with the self-normalising constants.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * assertEquals(torch.allclose(new nn.SELU()(torch.tensor([1])), torch.tensor([1.0507009])), true); // ≈ [1.0507009]
 * ```
 */
export class SELU extends Module {
  /** Whether the result is written into the input. */
  inplace: boolean;
  /** `inplace` as `true` or `{ inplace: true }` (default false). */
  constructor(inplace?: InplaceArg) {
    super();
    this.inplace = inplaceFlag("SELU", inplace);
  }
  /** `F.selu(input, this.inplace)`. */
  override forward(input: Tensor): Tensor {
    return F.selu(input, this.inplace);
  }
  /** The arguments printed inside `SELU(...)`, as PyTorch's `extra_repr`. */
  override extraRepr(): string {
    return this.inplace ? "inplace=True" : "";
  }
}

/**
 * `log(1 + exp(beta * x)) / beta`, linear above `threshold` (defaults 1 and 20).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * assertEquals(String(new nn.Softplus(2)), "Softplus(beta=2, threshold=20)");
 * ```
 */
export class Softplus extends Module {
  /** The `beta` setting, as given to the constructor. */
  beta: number;
  /** The `threshold` setting, as given to the constructor. */
  threshold: number;
  /** Creates the module; the arguments are described on the class. */
  constructor(beta = 1, threshold = 20) {
    super();
    this.beta = beta;
    this.threshold = threshold;
  }
  /** `F.softplus(input, this.beta, this.threshold)`. */
  override forward(input: Tensor): Tensor {
    return F.softplus(input, this.beta, this.threshold);
  }
  /** The arguments printed inside `Softplus(...)`, as PyTorch's `extra_repr`. */
  override extraRepr(): string {
    return `beta=${this.beta}, threshold=${this.threshold}`;
  }
}

/**
 * `x / (1 + |x|)`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * assertEquals(new nn.Softsign()(torch.tensor([1])).toArray(), [0.5]);
 * ```
 */
export class Softsign extends Module {
  /** `F.softsign(input)`. */
  override forward(input: Tensor): Tensor {
    return F.softsign(input);
  }
}

/**
 * `x` clamped to `[minVal, maxVal]` (default [-1, 1]).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * assertEquals(new nn.Hardtanh(-2, 2)(torch.tensor([-3, 1])).toArray(), [-2, 1]);
 * ```
 */
export class Hardtanh extends Module {
  /** The `minVal` setting (PyTorch's `min_val`). */
  minVal: number;
  /** The `maxVal` setting (PyTorch's `max_val`). */
  maxVal: number;
  /** Whether the result is written into the input. */
  inplace: boolean;
  /** `inplace` as `true` or `{ inplace: true }` (default false). */
  constructor(minVal = -1, maxVal = 1, inplace?: InplaceArg) {
    super();
    if (minVal > maxVal) {
      throw new RangeError(`Hardtanh: min_val (${minVal}) cannot be greater than max_val (${maxVal})`);
    }
    this.minVal = minVal;
    this.maxVal = maxVal;
    this.inplace = inplaceFlag("Hardtanh", inplace);
  }
  /** `F.hardtanh(input, this.minVal, this.maxVal, this.inplace)`. */
  override forward(input: Tensor): Tensor {
    return F.hardtanh(input, this.minVal, this.maxVal, this.inplace);
  }
  /** The arguments printed inside `Hardtanh(...)`, as PyTorch's `extra_repr`. */
  override extraRepr(): string {
    return `min_val=${pyFloat(this.minVal)}, max_val=${pyFloat(this.maxVal)}${inplaceRepr(this.inplace)}`;
  }
}

/**
 * `min(max(x, 0), 6)`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * assertEquals(new nn.ReLU6()(torch.tensor([-1, 8])).toArray(), [0, 6]);
 * ```
 */
export class ReLU6 extends Module {
  /** Whether the result is written into the input. */
  inplace: boolean;
  /** `inplace` as `true` or `{ inplace: true }` (default false). */
  constructor(inplace?: InplaceArg) {
    super();
    this.inplace = inplaceFlag("ReLU6", inplace);
  }
  /** `F.relu6(input, this.inplace)`. */
  override forward(input: Tensor): Tensor {
    return F.relu6(input, this.inplace);
  }
  /** The arguments printed inside `ReLU6(...)`, as PyTorch's `extra_repr`. */
  override extraRepr(): string {
    return this.inplace ? "inplace=True" : "";
  }
}

/**
 * `relu6(x + 3) / 6`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * assertEquals(new nn.Hardsigmoid()(torch.tensor([0])).toArray(), [0.5]);
 * ```
 */
export class Hardsigmoid extends Module {
  /** Whether the result is written into the input. */
  inplace: boolean;
  /** `inplace` as `true` or `{ inplace: true }` (default false). */
  constructor(inplace?: InplaceArg) {
    super();
    this.inplace = inplaceFlag("Hardsigmoid", inplace);
  }
  /** `F.hardsigmoid(input, this.inplace)`. */
  override forward(input: Tensor): Tensor {
    return F.hardsigmoid(input, this.inplace);
  }
}

/**
 * `x * relu6(x + 3) / 6`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * assertEquals(new nn.Hardswish()(torch.tensor([4])).toArray(), [4]);
 * ```
 */
export class Hardswish extends Module {
  /** Whether the result is written into the input. */
  inplace: boolean;
  /** `inplace` as `true` or `{ inplace: true }` (default false). */
  constructor(inplace?: InplaceArg) {
    super();
    this.inplace = inplaceFlag("Hardswish", inplace);
  }
  /** `F.hardswish(input, this.inplace)`. */
  override forward(input: Tensor): Tensor {
    return F.hardswish(input, this.inplace);
  }
}

/**
 * `x * tanh(softplus(x))`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * assertEquals(new nn.Mish()(torch.tensor([0])).toArray(), [0]);
 * ```
 */
export class Mish extends Module {
  /** Whether the result is written into the input. */
  inplace: boolean;
  /** `inplace` as `true` or `{ inplace: true }` (default false). */
  constructor(inplace?: InplaceArg) {
    super();
    this.inplace = inplaceFlag("Mish", inplace);
  }
  /** `F.mish(input, this.inplace)`. */
  override forward(input: Tensor): Tensor {
    return F.mish(input, this.inplace);
  }
  /** The arguments printed inside `Mish(...)`, as PyTorch's `extra_repr`. */
  override extraRepr(): string {
    return this.inplace ? "inplace=True" : "";
  }
}

/**
 * `log(sigmoid(x))`, computed stably.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * assertEquals(torch.allclose(new nn.LogSigmoid()(torch.tensor([0])), torch.tensor([-0.6931472]), { atol: 5e-8, rtol: 0 }), true); // ≈ [-0.6931472]
 * ```
 */
export class LogSigmoid extends Module {
  /** `F.logsigmoid(input)`. */
  override forward(input: Tensor): Tensor {
    return F.logsigmoid(input);
  }
}

/**
 * `x - tanh(x)`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * assertEquals(new nn.Tanhshrink()(torch.tensor([0])).toArray(), [0]);
 * ```
 */
export class Tanhshrink extends Module {
  /** `F.tanhshrink(input)`. */
  override forward(input: Tensor): Tensor {
    return F.tanhshrink(input);
  }
}

/**
 * Soft shrinkage by `lambd` (default 0.5).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * assertEquals(new nn.Softshrink()(torch.tensor([1])).toArray(), [0.5]);
 * ```
 */
export class Softshrink extends Module {
  /** The `lambd` setting, as given to the constructor. */
  lambd: number;
  /** Creates the module; the arguments are described on the class. */
  constructor(lambd = 0.5) {
    super();
    this.lambd = lambd;
  }
  /** `F.softshrink(input, this.lambd)`. */
  override forward(input: Tensor): Tensor {
    return F.softshrink(input, this.lambd);
  }
  /** The arguments printed inside `Softshrink(...)`, as PyTorch's `extra_repr`. */
  override extraRepr(): string {
    return String(this.lambd);
  }
}

/**
 * Hard shrinkage by `lambd` (default 0.5).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * assertEquals(new nn.Hardshrink()(torch.tensor([0.2, 1])).toArray(), [0, 1]);
 * ```
 */
export class Hardshrink extends Module {
  /** The `lambd` setting, as given to the constructor. */
  lambd: number;
  /** Creates the module; the arguments are described on the class. */
  constructor(lambd = 0.5) {
    super();
    this.lambd = lambd;
  }
  /** `F.hardshrink(input, this.lambd)`. */
  override forward(input: Tensor): Tensor {
    return F.hardshrink(input, this.lambd);
  }
  /** The arguments printed inside `Hardshrink(...)`, as PyTorch's `extra_repr`. */
  override extraRepr(): string {
    return String(this.lambd);
  }
}

/**
 * `x` above `threshold`, `value` elsewhere.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * assertEquals(new nn.Threshold(0.1, 20)(torch.tensor([0, 2])).toArray(), [20, 2]);
 * ```
 */
export class Threshold extends Module {
  /** The `threshold` setting, as given to the constructor. */
  threshold: number;
  /** The `value` setting, as given to the constructor. */
  value: number;
  /** Whether the result is written into the input. */
  inplace: boolean;
  /** `inplace` as `true` or `{ inplace: true }` (default false). */
  constructor(threshold: number, value: number, inplace?: InplaceArg) {
    super();
    this.threshold = threshold;
    this.value = value;
    this.inplace = inplaceFlag("Threshold", inplace);
  }
  /** `F.threshold(input, this.threshold, this.value, this.inplace)`. */
  override forward(input: Tensor): Tensor {
    return F.threshold(input, this.threshold, this.value, this.inplace);
  }
  /** The arguments printed inside `Threshold(...)`, as PyTorch's `extra_repr`. */
  override extraRepr(): string {
    return `threshold=${pyFloat(this.threshold)}, value=${pyFloat(this.value)}${inplaceRepr(this.inplace)}`;
  }
}

/**
 * Gated linear unit along `dim` (default -1).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * assertEquals(new nn.GLU()(torch.randn(4, 6)).shape, [4, 3]);
 * ```
 */
export class GLU extends Module {
  /** The `dim` setting, as given to the constructor. */
  dim: number;
  /** Creates the module; the arguments are described on the class. */
  constructor(dim = -1) {
    super();
    this.dim = dim;
  }
  /** `F.glu(input, this.dim)`. */
  override forward(input: Tensor): Tensor {
    return F.glu(input, this.dim);
  }
  /** The arguments printed inside `GLU(...)`, as PyTorch's `extra_repr`. */
  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/**
 * `softmax(-x)` along `dim`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * assertEquals(new nn.Softmin(0)(torch.tensor([0, 0])).toArray(), [0.5, 0.5]);
 * ```
 */
export class Softmin extends Module {
  /** The `dim` setting, as given to the constructor. */
  dim: number;
  /** Creates the module; the arguments are described on the class. */
  constructor(dim: number) {
    super();
    this.dim = dim;
  }
  /** `F.softmin(input, this.dim)`. */
  override forward(input: Tensor): Tensor {
    return F.softmin(input, this.dim);
  }
  /** The arguments printed inside `Softmin(...)`, as PyTorch's `extra_repr`. */
  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/**
 * Parametric ReLU with a learnable slope: one (`numParameters` 1, default) or one per channel,
 * initialised to `init` (default 0.25).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * assertEquals(new nn.PReLU()(torch.tensor([-2, 3])).toArray(), [-0.5, 3]);
 * ```
 */
export class PReLU extends Module {
  /** The `numParameters` setting (PyTorch's `num_parameters`). */
  readonly numParameters: number;
  /** Learnable parameter `weight`, as PyTorch names it. */
  weight: Parameter;
  /** Creates the module; the arguments are described on the class. */
  constructor(numParameters = 1, init = 0.25) {
    super();
    if (!Number.isInteger(numParameters) || numParameters < 1) {
      throw new TypeError(`PReLU: numParameters must be a positive integer, got ${numParameters}`);
    }
    this.numParameters = numParameters;
    this.weight = new Parameter(full([numParameters], init));
  }
  /** `F.prelu(input, this.weight)`. */
  override forward(input: Tensor): Tensor {
    return F.prelu(input, this.weight);
  }
  /** The arguments printed inside `PReLU(...)`, as PyTorch's `extra_repr`. */
  override extraRepr(): string {
    return `num_parameters=${this.numParameters}`;
  }
}
