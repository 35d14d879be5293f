/**
 * Instance normalization (PyTorch's `F.instance_norm`): each sample's channels normalized over
 * their own positions, computed as PyTorch does, by batch-normalizing the `[1, N·C, ...]` view
 * with the per-channel parameters and running statistics repeated per sample. Part of `F`.
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { fmtShape, numelOf } from "../shape.ts";
import { noGrad } from "../autograd/grad_mode.ts";
import { named } from "../ops/dispatch.ts";
import { inFrameOf } from "../memory.ts";
import { checkFloat, checkTensor } from "./checks.ts";
import { batchNorm } from "./normalization.ts";

/** Options of {@link instanceNorm} (PyTorch's keyword arguments). */
export interface InstanceNormOptions {
  /** `[C]` running mean: read when `useInputStats` is false, updated in place when it is true. */
  runningMean?: Tensor | null;
  /** `[C]` running variance (unbiased), read or updated like `runningMean`. */
  runningVar?: Tensor | null;
  /** `[C]` scale applied after normalising (default: none). */
  weight?: Tensor | null;
  /** `[C]` shift applied after normalising (default: none). */
  bias?: Tensor | null;
  /** Normalize with each instance's own statistics (default true); false uses the running ones. */
  useInputStats?: boolean;
  /** Weight of the new statistics in the running averages (default 0.1). */
  momentum?: number;
  /** Added to the variance (default 1e-5). */
  eps?: number;
}

/**
 * Instance normalization of `[N, C, ...]` input: every `(sample, channel)` normalized with its
 * own mean and biased variance (or with `runningMean`/`runningVar` when `useInputStats` is
 * false), then the optional per-channel `weight` and `bias`. With running statistics and
 * `useInputStats`, they move towards the batch average of the instances' statistics.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * const x = torch.tensor([[[1, 3], [2, 6]]], { dtype: "float32" }); // [N=1, C=2, L=2]
 * const y = F.instanceNorm(x); // each channel to mean 0, variance 1
 * assertEquals(torch.allclose(y, torch.tensor([[[-1, 1], [-1, 1]]], { dtype: "float32" }), { atol: 1e-4 }), true);
 * ```
 */
export function instanceNorm(input: Tensor, opts: InstanceNormOptions = {}): Tensor {
  return inFrameOf(() => {
    const op = "instanceNorm";
    checkFloat(op, "input", input);
    const { useInputStats = true, momentum = 0.1, eps = 1e-5 } = opts;
    if (input.ndim < 2) {
      throw new RangeError(
        `${op}: expected input of at least 2 dims [N, C, ...], got shape ${fmtShape(input.shape)}`,
      );
    }
    const [n, c, ...spatial] = input.shape;
    if (useInputStats && numelOf(spatial) <= 1) {
      throw new RangeError(
        `${op}: Expected more than 1 spatial element when training, got input size ${fmtShape(input.shape)}`,
      );
    }
    const rm = opts.runningMean ?? null, rv = opts.runningVar ?? null;
    for (
      const [name, p] of [["runningMean", rm], ["runningVar", rv], ["weight", opts.weight], [
        "bias",
        opts.bias,
      ]] as const
    ) {
      if (p === null || p === undefined) continue;
      checkTensor(op, name, p);
      if (p.ndim !== 1 || p.shape[0] !== c) {
        throw new RangeError(
          `${op}: expected ${name} of shape [${c}] (one per channel), got ${fmtShape(p.shape)}`,
        );
      }
    }
    if (!useInputStats && (rm === null || rv === null)) {
      throw new RangeError(
        `${op}: Expected running_mean and running_var to be defined when use_input_stats is false`,
      );
    }
    // Running statistics repeated per sample, updated by batchNorm, then averaged back.
    const rmN = rm ? noGrad(() => rm.repeat(n)) : null, rvN = rv ? noGrad(() => rv.repeat(n)) : null;
    const out = batchNorm(input.reshape(1, n * c, ...spatial), rmN, rvN, {
      weight: opts.weight ? opts.weight.repeat(n) : null,
      bias: opts.bias ? opts.bias.repeat(n) : null,
      training: useInputStats,
      momentum,
      eps,
    }).reshape(input.shape);
    if (useInputStats && rm && rv && rmN && rvN) {
      noGrad(() => {
        rm.copy_(rmN.view(n, c).mean(0));
        rv.copy_(rvN.view(n, c).mean(0));
      });
    }
    return named(out, "ViewBackward0", input);
  });
}
