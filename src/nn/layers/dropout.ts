/**
 * The dropout modules: `Dropout`, `Dropout1d`, `Dropout2d`, `Dropout3d`, `AlphaDropout` and
 * `FeatureAlphaDropout` (PyTorch's, with its CPU random stream; see `F.dropout`).
 * @module
 */
import type { Tensor } from "../../tensor.ts";
import { Module, pyBool, pyFloat } from "../module.ts";
import { type InplaceArg, inplaceFlag } from "../checks.ts";
import * as D from "../dropout.ts";

/** The functional form a dropout module applies (`F.dropout`, `F.alphaDropout`, ...). */
export type DropoutFn = (x: Tensor, p: number, training: boolean, inplace: boolean) => Tensor;

/**
 * The base of the dropout modules (PyTorch's `_DropoutNd`): a probability `p` and `inplace`; in
 * training mode the forward applies the subclass's function, in evaluation mode the identity.
 */
export abstract class DropoutBase extends Module {
  /** Probability of zeroing an element (a channel for the channel-wise variants). */
  p: number;
  /** Whether the result is written into the input. */
  inplace: boolean;
  /** `p` in [0, 1] (default 0.5); `inplace` as `true` or `{ inplace: true }` (default false). */
  constructor(p = 0.5, inplace?: InplaceArg) {
    super();
    const name = new.target.name;
    if (typeof p !== "number" || !(p >= 0 && p <= 1)) {
      throw new RangeError(`${name}: dropout probability has to be between 0 and 1, but got ${p}`);
    }
    this.p = p;
    this.inplace = inplaceFlag(name, inplace);
  }
  /** @internal The functional form. */
  protected abstract dropoutFn(): DropoutFn;
  /** Applies the module to its input (see the class docs). */
  override forward(input: Tensor): Tensor {
    return this.dropoutFn()(input, this.p, this.training, this.inplace);
  }
  /** The arguments printed inside `DropoutBase(...)`, as PyTorch's `extra_repr`. */
  override extraRepr(): string {
    return `p=${pyFloat(this.p)}, inplace=${pyBool(this.inplace)}`;
  }
}

/**
 * Inverted dropout: in training mode zeroes each element with probability `p` (default 0.5) and
 * scales the others by `1/(1-p)`; in evaluation mode (`model.eval()`) the identity. The mask is
 * PyTorch 1.13's (see `F.dropout`), drawn from the seeded CPU generator on every device.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const drop = new nn.Dropout(0.25);
 * drop.eval();
 * assertEquals(drop(torch.ones(3)).toArray(), [1, 1, 1]);
 * assertEquals(String(drop), "Dropout(p=0.25, inplace=False)");
 * ```
 */
export class Dropout extends DropoutBase {
  /** The function this module applies in training mode. */
  protected override dropoutFn(): DropoutFn {
    return D.dropout;
  }
}

/**
 * Zeroes whole channels of `[N, C, L]` / `[C, L]` input in training mode (`F.dropout1d`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * assertEquals(new nn.Dropout1d(0.2)(torch.ones(4, 3, 5)).shape, [4, 3, 5]);
 * ```
 */
export class Dropout1d extends DropoutBase {
  /** The function this module applies in training mode. */
  protected override dropoutFn(): DropoutFn {
    return D.dropout1d;
  }
}

/**
 * Zeroes whole channels of `[N, C, H, W]` input in training mode (`F.dropout2d`; as in PyTorch
 * 1.13, 3-D input is read as `[N, C, L]`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * assertEquals(new nn.Dropout2d()(torch.ones(2, 3, 4, 4)).shape, [2, 3, 4, 4]);
 * ```
 */
export class Dropout2d extends DropoutBase {
  /** The function this module applies in training mode. */
  protected override dropoutFn(): DropoutFn {
    return D.dropout2d;
  }
}

/**
 * Zeroes whole channels of `[N, C, D, H, W]` / `[C, D, H, W]` input in training mode (`F.dropout3d`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * assertEquals(new nn.Dropout3d()(torch.ones(1, 2, 2, 2, 2)).shape, [1, 2, 2, 2, 2]);
 * ```
 */
export class Dropout3d extends DropoutBase {
  /** The function this module applies in training mode. */
  protected override dropoutFn(): DropoutFn {
    return D.dropout3d;
  }
}

/**
 * Alpha dropout for SELU networks in training mode (`F.alphaDropout`): keeps the input's mean and
 * variance.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const model = new nn.Sequential(new nn.Linear(8, 8), new nn.SELU(), new nn.AlphaDropout(0.1));
 * assertEquals(model(torch.randn(4, 8)).shape, [4, 8]);
 * ```
 */
export class AlphaDropout extends DropoutBase {
  /** The function this module applies in training mode. */
  protected override dropoutFn(): DropoutFn {
    return D.alphaDropout;
  }
}

/**
 * Alpha dropout of whole channels in training mode (`F.featureAlphaDropout`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * assertEquals(new nn.FeatureAlphaDropout(0.2)(torch.ones(2, 3, 4)).shape, [2, 3, 4]);
 * ```
 */
export class FeatureAlphaDropout extends DropoutBase {
  /** The function this module applies in training mode. */
  protected override dropoutFn(): DropoutFn {
    return D.featureAlphaDropout;
  }
}
