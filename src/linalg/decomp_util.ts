/**
 * Small tensor helpers of the decompositions (src/linalg/eigh.ts, svd.ts and their gradients).
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { eye } from "../creation.ts";
import { div, eq, mul, where } from "../ops/elementwise.ts";
import { expand, transpose, unsqueeze } from "../ops/movement.ts";
import { gather } from "../ops/indexing.ts";
import { argsort } from "../ops/sort.ts";

/** The transpose of the last two dims. */
export const mT = (x: Tensor): Tensor => transpose(x, -2, -1);

/** `[..., n]` -> `[..., n, n]` with `x` on the diagonal (PyTorch's `diag_embed`). */
export function diagEmbed(x: Tensor): Tensor {
  const n = x.shape[x.ndim - 1];
  return mul(unsqueeze(x, -1), eye(n, { dtype: x.dtype, device: x.device }));
}

/**
 * a / b with 0 where a is 0: the decompositions' gradients divide by eigen- or singular-value
 * gaps, and an output without a gradient (PyTorch's undefined one) reaches their formulas as
 * zeros, which must contribute nothing even where a gap is 0.
 */
export function safeDiv(a: Tensor, b: Tensor): Tensor {
  return where(eq(a, 0), 0, div(a, b));
}

/**
 * `values` (`[..., k]`) sorted (ascending, or descending) and the columns of each `cols` matrix
 * (`[..., r, k]`) in the same order.
 */
export function sortWithColumns(
  values: Tensor,
  cols: readonly Tensor[],
  descending: boolean,
): { values: Tensor; cols: Tensor[] } {
  const idx = argsort(values, { dim: -1, descending });
  const sorted = gather(values, -1, idx);
  return {
    values: sorted,
    cols: cols.map((c) => gather(c, -1, expand(unsqueeze(idx, -2), [...c.shape]))),
  };
}
