/**
 * `GroupNorm` and `F.groupNorm`: normalization over groups of channels of each sample (batch
 * independent, so it behaves the same in training and eval), as PyTorch's `nn.GroupNorm`.
 * @module
 */
import { Tensor } from "../../tensor.ts";
import type { Device } from "../../backends/backend.ts";
import type { DType } from "../../dtype.ts";
import { ones, zeros } from "../../creation.ts";
import { fmtShape } from "../../shape.ts";
import * as ew from "../../ops/elementwise.ts";
import * as red from "../../ops/reduce.ts";
import { Module, Parameter, pyBool, pyFloat } from "../module.ts";
import * as init from "../init.ts";
import { named } from "../../ops/dispatch.ts";

/** Options of {@link groupNorm}. */
export interface GroupNormOptions {
  /** Per-channel scale `[C]` (default none). */
  weight?: Tensor | null;
  /** Per-channel shift `[C]` (default none). */
  bias?: Tensor | null;
  /** Added to the variance (default 1e-5). */
  eps?: number;
}

/**
 * Normalizes `input` `[N, C, ...]` over each group of `C / numGroups` channels (and all their
 * positions) of each sample, then applies the per-channel affine.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * const y = torch.F.groupNorm(torch.randn(2, 4, 3), 2);
 * assertEquals(y.index(0, ":2").mean().abs().item() < 1e-6, true);
 * ```
 */
export function groupNorm(input: Tensor, numGroups: number, opts: GroupNormOptions = {}): Tensor {
  if (!(input instanceof Tensor) || input.ndim < 2) {
    throw new RangeError(
      `groupNorm: expected an input of at least 2 dims [N, C, ...], got ${
        input instanceof Tensor ? fmtShape(input.shape) : typeof input
      }`,
    );
  }
  const [n, c] = input.shape;
  if (!Number.isInteger(numGroups) || numGroups < 1 || c % numGroups !== 0) {
    throw new RangeError(
      `groupNorm: expected number of channels in input (${c}) to be divisible by num_groups, but got ` +
        `num_groups=${numGroups} (input of shape ${fmtShape(input.shape)})`,
    );
  }
  const x = input.dtype === "float32" || input.dtype === "float64" ? input : input.float();
  const grouped = x.reshape(n, numGroups, -1);
  const mean = red.mean(grouped, -1, { keepdim: true });
  const centered = ew.sub(grouped, mean);
  const variance = red.mean(ew.mul(centered, centered), -1, { keepdim: true });
  let out = ew.mul(centered, ew.rsqrt(ew.add(variance, opts.eps ?? 1e-5))).reshape(input.shape);
  const perChannel = [1, c, ...new Array(input.ndim - 2).fill(1)];
  for (const [name, p] of [["weight", opts.weight], ["bias", opts.bias]] as const) {
    if (p === null || p === undefined) continue;
    if (!(p instanceof Tensor) || p.ndim !== 1 || p.shape[0] !== c) {
      throw new RangeError(
        `groupNorm: ${name} must have shape [${c}], got ${
          p instanceof Tensor ? fmtShape(p.shape) : typeof p
        }`,
      );
    }
    out = name === "weight" ? ew.mul(out, p.reshape(perChannel)) : ew.add(out, p.reshape(perChannel));
  }
  return named(out, "NativeGroupNormBackward0", input);
}

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
    const dtype = opts.dtype ?? "float32";
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
