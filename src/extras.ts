/**
 * Top-level names PyTorch has at `torch.*` that edgetorch had only as methods or in `F`:
 * `torch.isSigned`, `torch.isInference`, `torch.splitWithSizes`, `torch.unsafeSplit`,
 * `torch.unsafeChunk`, and the `torch.*` forms of functional ops whose argument order differs from
 * `F`'s (`torch.embedding(weight, indices)`, `torch.batchNorm(input, weight, bias, runningMean,
 * runningVar, ...)`, `torch.instanceNorm`, `torch.layerNorm`, `torch.groupNorm`), which call `F`.
 * @module
 */
import { Tensor } from "./tensor.ts";
import { describeValue } from "./backends/contract.ts";
import { fmtShape, normDim } from "./shape.ts";
import { inFrameOf } from "./memory.ts";
import { named } from "./ops/dispatch.ts";
import { chunk, narrow, split } from "./ops/movement.ts";
import { embedding as fEmbedding } from "./nn/linear_embedding.ts";
import {
  batchNorm as fBatchNorm,
  groupNorm as fGroupNorm,
  type GroupNormOptions,
  layerNorm as fLayerNorm,
  type LayerNormOptions,
} from "./nn/normalization.ts";
import { instanceNorm as fInstanceNorm } from "./nn/instance_norm.ts";

function checkTensor(op: string, x: unknown): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: input must be a Tensor, got ${describeValue(x)}`);
  return x;
}

/**
 * Whether `x`'s dtype is signed (PyTorch's `torch.is_signed`): false for uint8 and bool, true for
 * the floating dtypes and int32. The same as `x.isSigned()`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * assertEquals([torch.isSigned(torch.zeros(1)), torch.isSigned(torch.zeros(1, { dtype: "uint8" }))], [true, false]);
 * ```
 */
export function isSigned(x: Tensor): boolean {
  return checkTensor("isSigned", x).isSigned();
}

/**
 * Whether `x` was made inside `torch.inferenceMode` (PyTorch's `torch.is_inference`). The same as
 * `x.isInference()`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * const y = torch.inferenceMode(() => torch.ones(2).mul(2));
 * assertEquals([torch.isInference(y), torch.isInference(torch.ones(2))], [true, false]);
 * ```
 */
export function isInference(x: Tensor): boolean {
  return checkTensor("isInference", x).isInference();
}

/** Views of `x` along `dim` of the given sizes, their grad_fn named `name`. */
function pieces(op: string, name: string, x: Tensor, sizes: readonly number[], dim: number): Tensor[] {
  return inFrameOf(() => {
    checkTensor(op, x);
    const d = normDim(op, dim, x.ndim);
    const size = x.ndim === 0 ? 1 : x.shape[d];
    if (!Array.isArray(sizes) || sizes.some((s) => !Number.isInteger(s) || s < 0)) {
      throw new TypeError(
        `${op}: splitSizes must be an array of non-negative integers, got ${String(sizes)}`,
      );
    }
    const total = sizes.reduce((a, b) => a + b, 0);
    if (total !== size) {
      throw new RangeError(
        `${op} expects splitSizes to sum exactly to ${size} (input tensor's size at dimension ${d} of ` +
          `${fmtShape(x.shape)}), but got splitSizes=${fmtShape(sizes)}`,
      );
    }
    let start = 0;
    return sizes.map((n) => {
      const piece = named(narrow(x, d, start, n), name, x);
      start += n;
      return piece;
    });
  });
}

/**
 * `x` split along `dim` into views of exactly `splitSizes` (PyTorch's `torch.split_with_sizes`):
 * the sizes must sum to the dim's size. Also `x.splitWithSizes(...)`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * assertEquals(torch.splitWithSizes(torch.arange(6), [1, 2, 3]).map((t) => t.toArray()), [[0], [1, 2], [3, 4, 5]]);
 * ```
 */
export function splitWithSizes(x: Tensor, splitSizes: readonly number[], dim = 0): Tensor[] {
  return pieces("splitWithSizes", "SplitWithSizesBackward0", x, splitSizes, dim);
}

/**
 * PyTorch's `torch.unsafe_split`: `split` whose pieces PyTorch does not track as views of `x` (so
 * its autograd does not check in-place writes to them). Here the pieces are the same views `split`
 * returns; their grad_fn is `UnsafeSplitBackward0`. Also `x.unsafeSplit(...)`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * assertEquals(torch.unsafeSplit(torch.arange(5), 2).map((t) => t.toArray()), [[0, 1], [2, 3], [4]]);
 * ```
 */
export function unsafeSplit(x: Tensor, splitSize: number, dim = 0): Tensor[] {
  return inFrameOf(() => {
    checkTensor("unsafeSplit", x);
    const sizes = split(x, splitSize, dim).map((t) => t.shape[normDim("unsafeSplit", dim, x.ndim)] ?? 1);
    return pieces("unsafeSplit", "UnsafeSplitBackward0", x, sizes, dim);
  });
}

/**
 * PyTorch's `torch.unsafe_chunk`: `chunk` as `unsafeSplit` is `split` (grad_fn
 * `UnsafeSplitBackward0`). Also `x.unsafeChunk(...)`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * assertEquals(torch.unsafeChunk(torch.arange(5), 2).map((t) => t.toArray()), [[0, 1, 2], [3, 4]]);
 * ```
 */
export function unsafeChunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  return inFrameOf(() => {
    checkTensor("unsafeChunk", x);
    const sizes = chunk(x, chunks, dim).map((t) => t.shape[normDim("unsafeChunk", dim, x.ndim)] ?? 1);
    return pieces("unsafeChunk", "UnsafeSplitBackward0", x, sizes, dim);
  });
}

/**
 * PyTorch's `torch.embedding(weight, indices, padding_idx=-1)`: `F.embedding` with the arguments of
 * the `torch.*` form, weight first. A negative `paddingIdx` means none (ATen's convention; `F`'s
 * counts negative indices from the end).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * const w = torch.tensor([[0, 0], [1, 1], [2, 2]], { dtype: "float32" });
 * assertEquals(torch.embedding(w, torch.tensor([2, 0])).toArray(), [[2, 2], [0, 0]]);
 * ```
 */
export function embedding(weight: Tensor, indices: Tensor, paddingIdx = -1): Tensor {
  if (!Number.isInteger(paddingIdx)) {
    throw new TypeError(`embedding: paddingIdx must be an integer, got ${paddingIdx}`);
  }
  return fEmbedding(indices, weight, { paddingIdx: paddingIdx < 0 ? null : paddingIdx });
}

/**
 * PyTorch's `torch.batch_norm(input, weight, bias, running_mean, running_var, training, momentum,
 * eps)`: `F.batchNorm` with the `torch.*` form's argument order (weight and bias before the running
 * statistics; `F.batchNorm(input, runningMean, runningVar, { weight, bias, ... })` is the
 * functional form).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * const x = torch.tensor([[1, 2], [3, 6]], { dtype: "float32" });
 * const y = torch.batchNorm(x, torch.ones(2), torch.zeros(2), torch.zeros(2), torch.ones(2), true, 0.1, 0);
 * assertEquals(y.toArray(), [[-1, -1], [1, 1]]);
 * ```
 */
export function batchNorm(
  input: Tensor,
  weight: Tensor | null,
  bias: Tensor | null,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  training: boolean,
  momentum = 0.1,
  eps = 1e-5,
): Tensor {
  return fBatchNorm(input, runningMean, runningVar, { weight, bias, training, momentum, eps });
}

/**
 * PyTorch's `torch.instance_norm(input, weight, bias, running_mean, running_var, use_input_stats,
 * momentum, eps)`: `F.instanceNorm` with the `torch.*` form's positional arguments.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * const x = torch.tensor([[[1, 3], [2, 6]]], { dtype: "float32" });
 * assertEquals(torch.instanceNorm(x, null, null, null, null, true, 0.1, 0).toArray(), [[[-1, 1], [-1, 1]]]);
 * ```
 */
export function instanceNorm(
  input: Tensor,
  weight: Tensor | null = null,
  bias: Tensor | null = null,
  runningMean: Tensor | null = null,
  runningVar: Tensor | null = null,
  useInputStats = true,
  momentum = 0.1,
  eps = 1e-5,
): Tensor {
  return fInstanceNorm(input, { weight, bias, runningMean, runningVar, useInputStats, momentum, eps });
}

/** A Tensor, null or undefined: the positional form; anything else: an options object. */
function isPositional(v: unknown): v is Tensor | null | undefined {
  return v === undefined || v === null || v instanceof Tensor;
}

/**
 * PyTorch's `torch.layer_norm(input, normalized_shape, weight, bias, eps)`: `F.layerNorm`, with
 * `weight`, `bias` and `eps` positional as in the `torch.*` form, or an options object as `F`'s.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * const x = torch.tensor([[1, 3]], { dtype: "float32" });
 * assertEquals(torch.layerNorm(x, [2], torch.tensor([2, 2]), torch.tensor([1, 1]), 0).toArray(), [[-1, 3]]);
 * ```
 */
export function layerNorm(
  input: Tensor,
  normalizedShape: number | readonly number[],
  weight?: Tensor | null | LayerNormOptions,
  bias: Tensor | null = null,
  eps = 1e-5,
): Tensor {
  if (!isPositional(weight)) return fLayerNorm(input, normalizedShape, weight);
  return fLayerNorm(input, normalizedShape, { weight: weight ?? null, bias, eps });
}

/**
 * PyTorch's `torch.group_norm(input, num_groups, weight, bias, eps)`: `F.groupNorm`, with `weight`,
 * `bias` and `eps` positional as in the `torch.*` form, or an options object as `F`'s.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * const x = torch.tensor([[[1, 3], [2, 6]]], { dtype: "float32" }); // [N=1, C=2, L=2]
 * assertEquals(torch.groupNorm(x, 2, null, null, 0).toArray(), [[[-1, 1], [-1, 1]]]);
 * ```
 */
export function groupNorm(
  input: Tensor,
  numGroups: number,
  weight?: Tensor | null | GroupNormOptions,
  bias: Tensor | null = null,
  eps = 1e-5,
): Tensor {
  if (!isPositional(weight)) return fGroupNorm(input, numGroups, weight);
  return fGroupNorm(input, numGroups, { weight: weight ?? null, bias, eps });
}
