/**
 * `GroupNorm` (its function, `F.groupNorm`, is in nn/normalization.ts): normalization over groups of channels of each sample (batch
 * independent, so it behaves the same in training and eval), as PyTorch's `nn.GroupNorm`.
 * @module
 */
import { Tensor } from "../../tensor.ts";
import type { Device } from "../../backends/backend.ts";
import { type DType, getDefaultDtype } from "../../dtype.ts";
import { ones, zeros } from "../../creation.ts";
import { fmtShape } from "../../shape.ts";
import { Module, Parameter, pyBool, pyFloat } from "../module.ts";
import * as init from "../init.ts";
import { groupNorm } from "../normalization.ts";

/** Options of {@link GroupNorm}. */
export interface GroupNormModuleOptions {
  /** Added to the variance (default 1e-5). */
  eps?: number;
  /** Learnable per-channel `weight` (ones) and `bias` (zeros) (default true). */
  affine?: boolean;
  /** Device to create the parameters on (default `"cpu"`). */
  device?: Device;
  /** dtype of the parameters (default `"float32"`). */
  dtype?: DType;
}

/**
 * Group normalization (PyTorch's `nn.GroupNorm`): `numChannels` split into `numGroups` groups,
 * each normalized per sample.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const gn = new nn.GroupNorm(2, 6);
 * assertEquals([gn(torch.randn(4, 6, 5, 5)).shape, String(gn)], [[4, 6, 5, 5], "GroupNorm(2, 6, eps=1e-05, affine=True)"]);
 * ```
 */
export class GroupNorm extends Module {
  /** The `numGroups` setting (PyTorch's `num_groups`). */
  readonly numGroups: number;
  /** The `numChannels` setting (PyTorch's `num_channels`). */
  readonly numChannels: number;
  /** The `eps` setting, as given to the constructor. */
  eps: number;
  /** The `affine` setting, as given to the constructor. */
  readonly affine: boolean;
  /** Learnable parameter `weight` (null when the module has none), as PyTorch names it. */
  weight: Parameter | null;
  /** Learnable parameter `bias` (null when the module has none), as PyTorch names it. */
  bias: Parameter | null;

  /** Creates the module; the arguments are described on the class. */
  constructor(numGroups: number, numChannels: number, opts: GroupNormModuleOptions = {}) {
    super();
    if (
      !Number.isInteger(numGroups) || numGroups < 1 || !Number.isInteger(numChannels) ||
      numChannels % numGroups !== 0
    ) {
      throw new RangeError(
        `GroupNorm: num_channels (${numChannels}) must be divisible by num_groups (${numGroups})`,
      );
    }
    this.numGroups = numGroups;
    this.numChannels = numChannels;
    this.eps = opts.eps ?? 1e-5;
    this.affine = opts.affine ?? true;
    const dtype = opts.dtype ?? getDefaultDtype();
    this.weight = this.affine ? new Parameter(ones([numChannels], { dtype })) : null;
    this.bias = this.affine ? new Parameter(zeros([numChannels], { dtype })) : null;
    if (opts.device && opts.device !== "cpu") this.to(opts.device);
  }

  /** Sets weight to 1 and bias to 0. */
  resetParameters(): void {
    if (this.weight) init.ones_(this.weight);
    if (this.bias) init.zeros_(this.bias);
  }

  /** Applies the module to its input (see the class docs). */
  override forward(input: Tensor): Tensor {
    if (input instanceof Tensor && input.ndim >= 2 && input.shape[1] !== this.numChannels) {
      throw new RangeError(
        `GroupNorm: expected input with ${this.numChannels} channels, got ${fmtShape(input.shape)}`,
      );
    }
    return groupNorm(input, this.numGroups, { weight: this.weight, bias: this.bias, eps: this.eps });
  }

  /** The arguments printed inside `GroupNorm(...)`, as PyTorch's `extra_repr`. */
  override extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${pyFloat(this.eps)}, affine=${pyBool(this.affine)}`;
  }
}
