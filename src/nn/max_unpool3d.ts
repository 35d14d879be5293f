/**
 * `F.maxUnpool3d`: the partial inverse of `maxPool3d` (PyTorch's `F.max_unpool3d`), the 3-d twin
 * of `F.maxUnpool1d` / `maxUnpool2d` (src/nn/functional_extras.ts).
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { inFrameOf } from "../memory.ts";
import { asOp } from "../ops/naming.ts";
import type { Size3 } from "../ops/conv3d.ts";
import type { MaxUnpoolOptions } from "./functional_extras.ts";
import { unpool, unpoolTuple } from "./unpool_core.ts";

/**
 * The partial inverse of `maxPool3d` (PyTorch's `F.max_unpool3d`): puts each value of `input`
 * `[N, C, D, H, W]` (or `[C, D, H, W]`) at the position `indices` (flat within each volume, from
 * `maxPool3d(..., { returnIndices: true })`) names, zeros elsewhere. The output's spatial size
 * is `(in - 1) * stride - 2 * padding + kernel` per dim, or `outputSize`. Differentiable in
 * `input`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.arange(8).float().reshape(1, 1, 2, 2, 2);
 * const [v, i] = torch.F.maxPool3d(x, 2, { returnIndices: true });
 * assertEquals([v.item(), i.item()], [7, 7]);
 * assertEquals(torch.F.maxUnpool3d(v, i, 2).flatten().toArray(), [0, 0, 0, 0, 0, 0, 0, 7]);
 * ```
 */
export function maxUnpool3d(
  input: Tensor,
  indices: Tensor,
  kernelSize: Size3,
  opts: MaxUnpoolOptions<Size3> = {},
): Tensor {
  return asOp("maxUnpool3d", () =>
    inFrameOf(() => {
      const k = unpoolTuple("maxUnpool3d", "kernelSize", kernelSize, 3);
      const s = opts.stride == null ? k : unpoolTuple("maxUnpool3d", "stride", opts.stride, 3);
      const p = unpoolTuple("maxUnpool3d", "padding", opts.padding ?? 0, 3);
      return unpool("maxUnpool3d", input, indices, k, s, p, opts.outputSize);
    }));
}
