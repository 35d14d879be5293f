/**
 * `nn.CrossMapLRN2d`: PyTorch 1.13's legacy (Lua Torch) local response normalization across
 * channels of `[N, C, H, W]` input, with its own window arithmetic (see src/nn/cross_map_lrn_core.ts).
 * @module
 */
import { Tensor } from "../../tensor.ts";
import { inFrameOf } from "../../memory.ts";
import { recordComposite } from "../../ops/dispatch.ts";
import { mul, pow } from "../../ops/elementwise.ts";
import { fmtShape } from "../../shape.ts";
import { isFloating } from "../../dtype.ts";
import { describeValue } from "../../backends/contract.ts";
import { Module, pyFloat } from "../module.ts";
import { crossMapScale } from "../cross_map_lrn_core.ts";

/** Options of {@link CrossMapLRN2d} (PyTorch's keyword arguments). */
export interface CrossMapLRN2dOptions {
  /** The multiplicative factor (default 1e-4). */
  alpha?: number;
  /** The exponent (default 0.75). */
  beta?: number;
  /** The additive factor (default 1). */
  k?: number;
}

/**
 * Local response normalization across the channels of `[N, C, H, W]` input as PyTorch 1.13's
 * `nn.CrossMapLRN2d` computes it: `y = x · (k + alpha / size · S)^(-beta)` with S a running sum
 * of squares over a window of about `size` channels. Not quite `LocalResponseNorm`: 1.13's loop
 * never drops channel 0's square from the running sum (so channels from `floor((size + 1) / 2)`
 * on include it), and its hand-written backward uses a window shifted by one (it is not the
 * derivative of the forward, and fails for `size` 1). Both are reproduced exactly, so ported
 * models get PyTorch's outputs and gradients; for new code, `LocalResponseNorm` is the consistent
 * one.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const lrn = new nn.CrossMapLRN2d(3, { alpha: 1, beta: 1 }); // k = 1
 * assertEquals(String(lrn), "CrossMapLRN2d(3, alpha=1.0, beta=1.0, k=1)");
 * const y = lrn(torch.ones(1, 4, 1, 1));
 * // channel 0 sums channels 0-1, channel 1 channels 0-2, channel 2 channels 0-3, channel 3 channels 0, 2, 3
 * assertEquals(torch.allclose(y.flatten(), torch.tensor([3 / 5, 1 / 2, 3 / 7, 1 / 2])), true);
 * ```
 */
export class CrossMapLRN2d extends Module {
  /** Channels in the window. */
  readonly size: number;
  /** The multiplicative factor. */
  alpha: number;
  /** The exponent. */
  beta: number;
  /** The additive factor. */
  k: number;
  readonly #kGiven: boolean;

  /** Creates the module; the arguments are described on the class. */
  constructor(size: number, opts: CrossMapLRN2dOptions = {}) {
    super();
    if (!Number.isInteger(size) || size < 1) {
      throw new RangeError(
        `CrossMapLRN2d: size must be a positive integer, got ${
          typeof size === "number" ? size : describeValue(size)
        }`,
      );
    }
    for (const [name, v] of Object.entries(opts)) {
      if (v !== undefined && (typeof v !== "number" || !Number.isFinite(v))) {
        throw new TypeError(`CrossMapLRN2d: ${name} must be a finite number, got ${describeValue(v)}`);
      }
    }
    this.size = size;
    this.alpha = opts.alpha ?? 1e-4;
    this.beta = opts.beta ?? 0.75;
    this.k = opts.k ?? 1;
    this.#kGiven = opts.k !== undefined;
  }

  /** `[N, C, H, W]` to the same shape. */
  override forward(input: Tensor): Tensor {
    return inFrameOf(() => {
      if (!(input instanceof Tensor) || input.ndim !== 4) {
        throw new RangeError(
          `CrossMapLRN2d: expected a 4-D input [N, C, H, W], got ${
            input instanceof Tensor ? `shape ${fmtShape(input.shape)}` : describeValue(input)
          }`,
        );
      }
      if (!isFloating(input.dtype)) {
        throw new TypeError(`CrossMapLRN2d: expected a floating point input, got ${input.dtype}`);
      }
      const { size, alpha, beta, k } = this;
      return recordComposite(
        "crossMapLrn2d",
        [input],
        { size, alpha, beta, k },
        () => mul(pow(crossMapScale(input, size, alpha, k), -beta), input),
      );
    });
  }

  /** The arguments printed inside `CrossMapLRN2d(...)`, as PyTorch's `extra_repr` (the default k prints as 1). */
  override extraRepr(): string {
    const k = this.#kGiven || this.k !== 1 ? pyFloat(this.k) : "1";
    return `${this.size}, alpha=${pyFloat(this.alpha)}, beta=${pyFloat(this.beta)}, k=${k}`;
  }
}
