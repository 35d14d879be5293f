/**
 * `pdist` (`torch.pdist` and `torch.nn.functional.pdist`): the p-norm distances between every
 * pair of rows of a matrix, the upper triangle of `cdist(x, x)` read row by row. Each pair is a
 * one-row `cdist` on the direct path, so values and gradients follow PyTorch's `_pdist_forward` /
 * `_pdist_backward` conventions (0 where a distance is 0; for p < 1, 0 where a coordinate
 * difference is 0), on both devices.
 * @module
 */
import { isFloating } from "../dtype.ts";
import { fmtShape } from "../shape.ts";
import { Tensor } from "../tensor.ts";
import { tensor, zeros } from "../creation.ts";
import { inFrameOf } from "../memory.ts";
import { describeValue } from "../backends/contract.ts";
import { named } from "./dispatch.ts";
import { cdist } from "./distance.ts";
import { indexSelect } from "./indexing.ts";
import { reshape, unsqueeze } from "./movement.ts";
import { asOp } from "./naming.ts";

/**
 * The p-norm distance (default p = 2) between rows `i < j` of the `[N, M]` matrix `x`, in the
 * order `(0, 1), (0, 2), ..., (0, N-1), (1, 2), ...`: `N (N - 1) / 2` values. `p` is a
 * non-negative number or `Infinity`; floating dtypes only. Differentiable.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.tensor([[0, 0], [3, 4], [6, 8]], { dtype: "float32" });
 * assertEquals(torch.pdist(x).toArray(), [5, 10, 5]);
 * assertEquals(torch.nn.functional.pdist(x, 1).toArray(), [7, 14, 7]);
 * ```
 */
export function pdist(x: Tensor, p = 2): Tensor {
  return asOp("pdist", () =>
    inFrameOf(() => {
      if (!(x instanceof Tensor)) throw new TypeError(`pdist: expected a tensor, got ${describeValue(x)}`);
      if (x.ndim !== 2) {
        throw new RangeError(`pdist: only supports 2D tensors, got: ${x.ndim}D (shape ${fmtShape(x.shape)})`);
      }
      if (!isFloating(x.dtype)) {
        throw new TypeError(`pdist: only supports floating-point dtypes, got ${x.dtype}`);
      }
      if (typeof p !== "number" || Number.isNaN(p) || p < 0) {
        throw new RangeError(`pdist: only supports non-negative p values, got ${describeValue(p)}`);
      }
      const n = x.shape[0];
      const first: number[] = [], second: number[] = [];
      for (let i = 0; i < n; i++) {
        for (let j = i + 1; j < n; j++) {
          first.push(i);
          second.push(j);
        }
      }
      const pick = (rows: number[]) =>
        unsqueeze(indexSelect(x, 0, tensor(rows, { dtype: "int32", device: x.device })), 1);
      const pairs = first.length;
      if (pairs === 0) return zeros([0], { dtype: x.dtype, device: x.device });
      const a = pick(first), b = pick(second);
      const d = cdist(a, b, p, { computeMode: "donot_use_mm_for_euclid_dist" });
      return named(reshape(d, [pairs]), "PdistBackward0", x);
    }));
}
