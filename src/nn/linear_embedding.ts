/**
 * `linear` (`x @ weight.T + bias`) and `embedding` (a row lookup), as `torch.nn.functional` has
 * them. Part of `F`.
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { fmtShape } from "../shape.ts";
import * as ew from "../ops/elementwise.ts";
import * as mv from "../ops/movement.ts";
import { indexSelect } from "../ops/indexing.ts";
import * as mm from "../ops/matmul.ts";
import { matmul } from "../ops/matmul.ts";
import { named } from "../ops/dispatch.ts";
import { checkTensor } from "./checks.ts";
import { guarded, rangeGuard } from "../ops/value_checks.ts";
import { inFrameOf } from "../memory.ts";
import { autocastCall } from "../amp/autocast_call.ts";

/**
 * `x @ weight.T + bias` with `weight` of shape `[out, in]` (the matmul reads the transpose in
 * place, without a copy).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * const w = torch.tensor([[1, 0], [0, 2], [1, 1]], { dtype: "float32" });
 * assertEquals(F.linear(torch.tensor([[1.0, 2.0]]), w, torch.tensor([0.5, 0.5, 0.5])).toArray(), [[1.5, 4.5, 3.5]]);
 * ```
 */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  const amp = autocastCall("lower", linear, x, weight, bias);
  if (amp !== undefined) return amp;
  return inFrameOf(() => {
    checkTensor("linear", "input", x);
    checkTensor("linear", "weight", weight);
    if (weight.ndim !== 2 && weight.ndim !== 1) {
      throw new RangeError(
        `linear: weight must be 2-D [out_features, in_features], got shape ${fmtShape(weight.shape)}`,
      );
    }
    const inFeatures = weight.shape[weight.ndim - 1];
    if (x.ndim === 0 || x.shape[x.ndim - 1] !== inFeatures) {
      throw new RangeError(
        `linear: input's last dimension must be in_features=${inFeatures} (weight ${
          fmtShape(weight.shape)
        }), ` +
          `got input of shape ${fmtShape(x.shape)}`,
      );
    }
    const b = bias === null || bias === undefined ? null : checkTensor("linear", "bias", bias);
    // One dtype, float32 or float16 (autocast's): the fused product + bias, rounded once.
    const oneFloat = (x.dtype === "float32" || x.dtype === "float16") && weight.dtype === x.dtype &&
      (b === null || b.dtype === x.dtype);
    if (weight.ndim === 2 && oneFloat && (b === null || b.ndim === 1)) return mm.linear(x, weight, b);
    let out = weight.ndim === 2 ? matmul(x, mv.t(weight)) : matmul(x, weight);
    if (b !== null) out = ew.add(out, b);
    return out;
  });
}

/** Options of `embedding`. */
export interface EmbeddingOptions {
  /** Row whose gradient is always zero (its lookups still return its value). Negative counts from the end. */
  paddingIdx?: number | null;
}

/**
 * Checks that the indices in `input` lie in `[0, n)` (or equal `allow`): at once on the CPU;
 * elsewhere returns the guard the op's result carries (see ops/value_checks.ts).
 */
function checkIndices(op: string, input: Tensor, n: number, what: string, allow?: number): Tensor | null {
  const message = (v: number) =>
    `${op}: index ${v} is out of range for ${what} (expected values in [0, ${n - 1}])`;
  if (input.device !== "cpu") return rangeGuard(op, input, 0, n - 1, message, { allow });
  if (input.numel() === 0) return null;
  const values = input.dataSync();
  for (const v of values) {
    if ((v < 0 || v >= n) && v !== allow) throw new RangeError(message(v));
  }
  return null;
}

/**
 * Looks up rows of `weight` (`[num, dim]`) for the int32 indices in `input`: the result has
 * shape `[...input.shape, dim]`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * const w = torch.tensor([[0, 0], [1, 2], [3, 4]], { dtype: "float32" });
 * assertEquals(F.embedding(torch.tensor([2, 1]), w).toArray(), [[3, 4], [1, 2]]);
 * ```
 */
export function embedding(input: Tensor, weight: Tensor, opts: EmbeddingOptions = {}): Tensor {
  return inFrameOf(() => {
    checkTensor("embedding", "input", input);
    checkTensor("embedding", "weight", weight);
    if (input.dtype !== "int32" && input.dtype !== "uint8") {
      throw new TypeError(
        `embedding: expected indices as an int32 tensor, got ${input.dtype} (convert them with .int() or .long())`,
      );
    }
    if (weight.ndim !== 2) {
      throw new RangeError(
        `embedding: weight must be 2-D [num_embeddings, embedding_dim], got ${fmtShape(weight.shape)}`,
      );
    }
    const [num, dim] = weight.shape;
    const guard = checkIndices("embedding", input, num, `an embedding table of ${num} rows`);
    let out = guarded(
      mv.reshape(indexSelect(weight, 0, mv.reshape(input, [-1])), [...input.shape, dim]),
      guard,
    );
    const pi = opts.paddingIdx;
    if (pi !== null && pi !== undefined && out.requiresGrad) {
      const idx = pi < 0 ? pi + num : pi;
      const keep = mv.unsqueeze(ew.ne(input, idx), -1);
      out = ew.where(keep, out, out.detach());
    }
    return named(out, "EmbeddingBackward0", input, weight);
  });
}
