/**
 * `index_reduce`: the slices of `source` reduced into `x` at the 1-d `index` along `dim`
 * (`"prod"`, `"mean"`, `"amax"`, `"amin"`), as `scatterReduce` with the index spread over the
 * slices; differentiable through scatterReduce's formulas.
 * @module
 */
import { fmtShape, normDim } from "../shape.ts";
import { Tensor } from "../tensor.ts";
import { inFrameOf } from "../memory.ts";
import { expand, reshape } from "./movement.ts";
import { scatterReduce, type ScatterReduceOptions } from "./scatter.ts";
import { asOp } from "./naming.ts";
import { assignResult } from "./inplace.ts";
import { named } from "./dispatch.ts";

/** The reductions of {@link indexReduce}. */
export type IndexReduction = "prod" | "mean" | "amax" | "amin";

function indexReduceImpl(
  op: string,
  x: Tensor,
  dim: number,
  index: Tensor,
  source: Tensor,
  reduce: IndexReduction,
  opts: ScatterReduceOptions,
): Tensor {
  for (const [name, t] of [["input", x], ["index", index], ["source", source]] as const) {
    if (!(t instanceof Tensor)) throw new TypeError(`${op}: ${name} must be a tensor, got ${typeof t}`);
  }
  if (!["prod", "mean", "amax", "amin"].includes(reduce)) {
    throw new RangeError(
      `${op}: expected reduce to be one of "prod", "mean", "amax" or "amin", got ${JSON.stringify(reduce)}`,
    );
  }
  if (index.dtype !== "int32" || index.ndim > 1) {
    throw new TypeError(
      `${op}: expected a 0-d or 1-d int32 index, got ${index.dtype} of shape ${fmtShape(index.shape)}`,
    );
  }
  const d = normDim(op, dim, x.ndim);
  const nd = Math.max(x.ndim, 1);
  const srcShape = source.ndim === 0 ? [1] : source.shape;
  const xShape = x.ndim === 0 ? [1] : x.shape;
  const sameSlices = srcShape.length === nd && srcShape.every((s, i) => i === d || s === xShape[i]);
  if (!sameSlices || srcShape[d] !== index.numel()) {
    throw new RangeError(
      `${op}: source ${fmtShape(source.shape)} must have the slice shape of input ${
        fmtShape(x.shape)
      } (all dims but ${d}) and index.numel() (${index.numel()}) slices along dim ${d}`,
    );
  }
  const spread = srcShape.map((_, i) => (i === d ? index.numel() : 1));
  const idx = expand(reshape(index, spread), srcShape);
  const out = asOp(
    op,
    () =>
      x.ndim === 0
        ? reshape(scatterReduce(reshape(x, [1]), 0, idx, reshape(source, [1]), reduce, opts), [])
        : scatterReduce(x, d, idx, source, reduce, opts),
  );
  return named(out, "IndexReduceBackward0", x, source);
}

/**
 * `x` with the slices of `source` along `dim` reduced into the slices `index` of `x` (1-d, one
 * entry per slice of `source`): `"prod"`, `"mean"`, `"amax"` or `"amin"` of what lands on each
 * element, including the element itself unless `includeSelf: false` (PyTorch's `index_reduce`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.ones(3, 2);
 * const src = torch.tensor([[2, 3], [4, 5], [6, 7]], { dtype: "float32" });
 * assertEquals(torch.indexReduce(x, 0, torch.tensor([0, 2, 0]), src, "prod").toArray(), [[12, 21], [1, 1], [4, 5]]);
 * ```
 */
export function indexReduce(
  x: Tensor,
  dim: number,
  index: Tensor,
  source: Tensor,
  reduce: IndexReduction,
  opts: ScatterReduceOptions = {},
): Tensor {
  return inFrameOf(() => indexReduceImpl("indexReduce", x, dim, index, source, reduce, opts));
}

/**
 * {@link indexReduce} in place.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.zeros(2);
 * x.indexReduce_(0, torch.tensor([1, 1]), torch.tensor([2, 5], { dtype: "float32" }), "amax", { includeSelf: false });
 * assertEquals(x.toArray(), [0, 5]);
 * ```
 */
export function indexReduce_<T extends Tensor>(
  x: T,
  dim: number,
  index: Tensor,
  source: Tensor,
  reduce: IndexReduction,
  opts: ScatterReduceOptions = {},
): T {
  return inFrameOf(() =>
    assignResult(x, "indexReduce_", indexReduceImpl("indexReduce_", x, dim, index, source, reduce, opts))
  );
}
