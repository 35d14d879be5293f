/**
 * Activation modules: `ReLU`, `LeakyReLU`, `Sigmoid`, `Tanh`, `GELU`, `SiLU`, `Softmax`,
 * `LogSoftmax`.
 * @module
 */
import type { Tensor } from "../../tensor.ts";
import { Module, pyFloat } from "../module.ts";
import * as F from "../functional.ts";

/**
 * `max(x, 0)` elementwise.
 * @example
 * ```ts
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * new nn.ReLU()(torch.tensor([-1.0, 2.0])).toArray(); // [0, 2]
 * ```
 */
export class ReLU extends Module {
  override forward(input: Tensor): Tensor {
    return F.relu(input);
  }
}

/**
 * `x` where positive, `negativeSlope·x` elsewhere (default slope 0.01).
 * @example
 * ```ts
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * new nn.LeakyReLU(0.2)(torch.tensor([-1.0, 2.0])).toArray(); // [-0.2, 2]
 * ```
 */
export class LeakyReLU extends Module {
  /** The slope for negative inputs. */
  negativeSlope: number;
  constructor(negativeSlope = 0.01) {
    super();
    this.negativeSlope = negativeSlope;
  }
  override forward(input: Tensor): Tensor {
    return F.leakyRelu(input, this.negativeSlope);
  }
  override extraRepr(): string {
    return `negative_slope=${pyFloat(this.negativeSlope)}`;
  }
}

/**
 * Logistic sigmoid elementwise.
 * @example
 * ```ts
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * new nn.Sigmoid()(torch.tensor([0.0])).toArray(); // [0.5]
 * ```
 */
export class Sigmoid extends Module {
  override forward(input: Tensor): Tensor {
    return F.sigmoid(input);
  }
}

/**
 * Hyperbolic tangent elementwise.
 * @example
 * ```ts
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * new nn.Tanh()(torch.tensor([0.0])).toArray(); // [0]
 * ```
 */
export class Tanh extends Module {
  override forward(input: Tensor): Tensor {
    return F.tanh(input);
  }
}

/**
 * Gaussian error linear unit, exact (erf) form by default, or `{ approximate: "tanh" }`.
 * @example
 * ```ts
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * new nn.GELU()(torch.tensor([1.0])).item(); // 0.8413447
 * String(new nn.GELU({ approximate: "tanh" })); // "GELU(approximate='tanh')"
 * ```
 */
export class GELU extends Module {
  /** `"none"` (exact) or `"tanh"`. */
  approximate: "none" | "tanh";
  constructor(opts: F.GeluOptions = {}) {
    super();
    this.approximate = opts.approximate ?? "none";
    if (this.approximate !== "none" && this.approximate !== "tanh") {
      throw new TypeError(
        `GELU: approximate must be "none" or "tanh", got ${JSON.stringify(this.approximate)}`,
      );
    }
  }
  override forward(input: Tensor): Tensor {
    return F.gelu(input, { approximate: this.approximate });
  }
  override extraRepr(): string {
    return `approximate='${this.approximate}'`;
  }
}

/**
 * SiLU (swish) `x·sigmoid(x)` elementwise.
 * @example
 * ```ts
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * new nn.SiLU()(torch.tensor([0.0])).toArray(); // [0]
 * ```
 */
export class SiLU extends Module {
  override forward(input: Tensor): Tensor {
    return F.silu(input);
  }
}

/**
 * Softmax along `dim` (without a dim: PyTorch's legacy choice, dim 0 for 0-, 1- and 3-d input,
 * else 1).
 * @example
 * ```ts
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * new nn.Softmax(1)(torch.tensor([[0.0, 0.0]])).toArray(); // [[0.5, 0.5]]
 * ```
 */
export class Softmax extends Module {
  /** The dim the probabilities sum to 1 along (null: implicit). */
  dim: number | null;
  constructor(dim: number | null = null) {
    super();
    this.dim = dim;
  }
  override forward(input: Tensor): Tensor {
    return F.softmax(input, this.dim ?? F.implicitSoftmaxDim(input.ndim));
  }
  override extraRepr(): string {
    return `dim=${this.dim ?? "None"}`;
  }
}

/**
 * Log-softmax along `dim`, computed stably (implicit dim as `Softmax`).
 * @example
 * ```ts
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * new nn.LogSoftmax(1)(torch.tensor([[0.0, 0.0]])).toArray(); // [[-0.6931472, -0.6931472]]
 * ```
 */
export class LogSoftmax extends Module {
  /** The dim to normalize along (null: implicit). */
  dim: number | null;
  constructor(dim: number | null = null) {
    super();
    this.dim = dim;
  }
  override forward(input: Tensor): Tensor {
    return F.logSoftmax(input, this.dim ?? F.implicitSoftmaxDim(input.ndim));
  }
  override extraRepr(): string {
    return `dim=${this.dim ?? "None"}`;
  }
}
