/**
 * `BatchNorm3d` and `InstanceNorm3d`: the batch and instance normalizations of volumes
 * (`[N, C, D, H, W]`), on the shared `BatchNormBase` / `InstanceNormBase`.
 * @module
 */
import type { Tensor } from "../../tensor.ts";
import { fmtShape } from "../../shape.ts";
import { BatchNormBase, type BatchNormOptions, InstanceNormBase } from "./normalization.ts";

/**
 * Batch normalization of `[N, C, D, H, W]` input.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const bn = new nn.BatchNorm3d(4);
 * assertEquals(bn(torch.randn(2, 4, 3, 5, 5)).shape, [2, 4, 3, 5, 5]);
 * assertEquals(String(bn), "BatchNorm3d(4, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)");
 * ```
 */
export class BatchNorm3d extends BatchNormBase {
  /** @internal */
  override _checkInputDim(input: Tensor): void {
    if (input.ndim !== 5) {
      throw new RangeError(
        `BatchNorm3d: expected 5D input (got ${input.ndim}D input of shape ${fmtShape(input.shape)})`,
      );
    }
  }
}

/**
 * Instance normalization of `[N, C, D, H, W]` (or `[C, D, H, W]`) input.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const norm = new nn.InstanceNorm3d(3, { affine: true });
 * assertEquals(norm(torch.randn(2, 3, 4, 4, 4)).shape, [2, 3, 4, 4, 4]);
 * assertEquals(String(norm), "InstanceNorm3d(3, eps=1e-05, momentum=0.1, affine=True, track_running_stats=False)");
 * ```
 */
export class InstanceNorm3d extends InstanceNormBase {
  /** Creates the module; the arguments are described on the class. */
  constructor(numFeatures: number, opts: BatchNormOptions = {}) {
    super(3, numFeatures, opts);
  }
}
