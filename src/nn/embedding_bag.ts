/**
 * `embeddingBag` (PyTorch's `F.embedding_bag`): sums, means or maxima of bags of embedding rows,
 * without materialising the per-index embeddings a user would otherwise reduce. Bags come from a
 * 2-d input (one bag per row) or a 1-d input cut by `offsets`. A composite of the row lookup, a
 * gather into a padded `[bags, longest bag, dim]` block and a masked reduction, so it runs and
 * differentiates (weight and `perSampleWeights`) on both devices. Part of `F`.
 * @module
 */
import { Tensor } from "../tensor.ts";
import { fmtShape } from "../shape.ts";
import { ones, tensor, zeros } from "../creation.ts";
import * as ew from "../ops/elementwise.ts";
import * as mv from "../ops/movement.ts";
import { cat, indexSelect } from "../ops/indexing.ts";
import { max, sum } from "../ops/reduce.ts";
import { toDType } from "../ops/convert.ts";
import { named } from "../ops/dispatch.ts";
import { asOp } from "../ops/naming.ts";
import { inFrameOf } from "../memory.ts";
import { checkFloat, checkTensor, describe, sameShape } from "./checks.ts";
import { embedding } from "./linear_embedding.ts";

/** How a bag's rows are reduced. */
export type EmbeddingBagMode = "sum" | "mean" | "max";

/** Options of {@link embeddingBag} (PyTorch's keyword arguments). */
export interface EmbeddingBagOptions {
  /** Start of each bag in a 1-d input (int tensor on the CPU; must be null for a 2-d input). */
  offsets?: Tensor | null;
  /** `"mean"` (default), `"sum"` or `"max"`. */
  mode?: EmbeddingBagMode;
  /** A weight per index, same shape as the input, multiplying its row (mode `"sum"` only). */
  perSampleWeights?: Tensor | null;
  /** `offsets` has one more entry, the end of the last bag (PyTorch's CSR layout). */
  includeLastOffset?: boolean;
  /** Entries equal to this index are left out of their bag (and of its size for `"mean"`). */
  paddingIdx?: number | null;
}

const OP = "embeddingBag";

/** Bag `[start, end)` ranges of a 1-d input of `n` indices. */
function bagRanges(offsets: unknown, n: number, includeLast: boolean): [number, number][] {
  if (offsets === null || offsets === undefined) {
    throw new TypeError(`${OP}: offsets has to be a 1D Tensor but got None (a 1-d input needs offsets)`);
  }
  const t = checkTensor(OP, "offsets", offsets);
  if (t.ndim !== 1) {
    throw new RangeError(`${OP}: offsets has to be a 1D Tensor, but got Tensor of dimension ${t.ndim}`);
  }
  if (t.dtype !== "int32" && t.dtype !== "uint8") {
    throw new TypeError(`${OP}: offsets must be an int32 tensor, got ${t.dtype} (convert with .int())`);
  }
  if (t.device !== "cpu") {
    throw new TypeError(
      `${OP}: offsets on the ${t.device} cannot be read synchronously; keep them on the CPU ` +
        `(\`await offsets.toAsync("cpu")\`): only the input and weight need to be on the ${t.device}`,
    );
  }
  const o = Array.from(t.dataSync());
  if (includeLast && o.length < 1) {
    throw new RangeError(`${OP}: include_last_offset: number of offsets should be at least 1`);
  }
  if (o.length > 0 && o[0] !== 0) {
    throw new RangeError(
      `${OP}: offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start from position 0. ` +
        `However, got ${o[0]}`,
    );
  }
  if (o.length > 0 && o[o.length - 1] > n) {
    throw new RangeError(
      `${OP}: offsets[-1] can not be greater than input's length ${n}, but got ${o[o.length - 1]}`,
    );
  }
  for (let i = 1; i < o.length; i++) {
    if (o[i] < o[i - 1]) {
      throw new RangeError(
        `${OP}: offsets must be non-decreasing, got ${o[i - 1]} before ${o[i]} (offsets [${o.join(", ")}])`,
      );
    }
  }
  const bags = includeLast ? o.length - 1 : o.length;
  return Array.from({ length: bags }, (_, b) => [o[b], b + 1 < o.length ? o[b + 1] : n]);
}

function parseArgs(
  offsetsOrOpts: Tensor | null | undefined | EmbeddingBagOptions,
  opts: EmbeddingBagOptions | undefined,
): EmbeddingBagOptions {
  if (offsetsOrOpts instanceof Tensor || offsetsOrOpts === null) return { ...opts, offsets: offsetsOrOpts };
  if (offsetsOrOpts === undefined) return { ...opts };
  if (typeof offsetsOrOpts !== "object") {
    throw new TypeError(
      `${OP}: expected offsets (a Tensor or null) or options, got ${describe(offsetsOrOpts)}`,
    );
  }
  return { ...offsetsOrOpts, ...opts };
}

/**
 * Reduces bags of rows of `weight` (`[num, dim]`): with a 2-d int input `[B, N]` each row is a
 * bag; with a 1-d input, `offsets` (a CPU int tensor, PyTorch's third argument, or an option)
 * marks where each bag starts. Returns `[B, dim]`: the sum (optionally weighted by
 * `perSampleWeights`), mean or max of each bag's rows; empty bags give zeros. Rows at
 * `paddingIdx` are left out. As PyTorch's `F.embedding_bag`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * const w = torch.tensor([[1, 1], [2, 4], [3, 9]], { dtype: "float32" });
 * assertEquals(F.embeddingBag(torch.tensor([[0, 1], [2, 2]]), w).toArray(), [[1.5, 2.5], [3, 9]]);
 * const input = torch.tensor([0, 1, 2, 2]), offsets = torch.tensor([0, 1]);
 * assertEquals(F.embeddingBag(input, w, offsets, { mode: "sum" }).toArray(), [[1, 1], [8, 22]]);
 * assertEquals(F.embeddingBag(input, w, { offsets, mode: "max", paddingIdx: 2 }).toArray(), [[1, 1], [2, 4]]);
 * ```
 */
export function embeddingBag(
  input: Tensor,
  weight: Tensor,
  offsetsOrOpts?: Tensor | null | EmbeddingBagOptions,
  opts?: EmbeddingBagOptions,
): Tensor {
  return inFrameOf(() =>
    asOp(OP, () => {
      const o = parseArgs(offsetsOrOpts, opts);
      checkTensor(OP, "input", input);
      checkFloat(OP, "weight", weight);
      if (weight.ndim !== 2) {
        throw new RangeError(
          `${OP}: weight must be 2-D [num_embeddings, embedding_dim], got ${fmtShape(weight.shape)}`,
        );
      }
      const [num, dim] = weight.shape;
      const mode = o.mode ?? "mean";
      if (mode !== "sum" && mode !== "mean" && mode !== "max") {
        throw new RangeError(`${OP}: mode has to be one of sum, mean or max, got ${JSON.stringify(mode)}`);
      }
      if (input.ndim !== 1 && input.ndim !== 2) {
        throw new RangeError(
          `${OP}: input has to be 1D or 2D Tensor, but got Tensor of dimension ${input.ndim}`,
        );
      }
      const psw = o.perSampleWeights ?? null;
      if (psw !== null) {
        checkFloat(OP, "perSampleWeights", psw);
        if (mode !== "sum") {
          throw new RangeError(
            `${OP}: perSampleWeights was not null. perSampleWeights is only supported for mode "sum" (got mode "${mode}")`,
          );
        }
        if (!sameShape(psw.shape, input.shape)) {
          throw new RangeError(
            `${OP}: perSampleWeights ${fmtShape(psw.shape)} must have the same shape as the input ${
              fmtShape(input.shape)
            }`,
          );
        }
      }
      let pad: number | null = o.paddingIdx ?? null;
      if (pad !== null) {
        if (!Number.isInteger(pad) || pad < -num || pad >= num) {
          throw new RangeError(`${OP}: padding_idx must be within num_embeddings (${num}), got ${pad}`);
        }
        if (pad < 0) pad += num;
      }
      const flatInput = mv.reshape(input, [-1]);
      const rows = embedding(flatInput, weight); // checks the dtype and range of the indices
      const n = flatInput.shape[0];
      const maskFlat = pad === null ? null : toDType(ew.ne(flatInput, pad), weight.dtype);
      const pswFlat = psw === null ? null : mv.reshape(psw, [-1]);

      // The bags as a padded block P [B, L, dim] with a weight mask M [B, L] (0 for filler slots and
      // padding entries) and the per-sample weights S [B, L].
      let P: Tensor, M: Tensor | null, S: Tensor | null;
      if (input.ndim === 2) {
        if (o.offsets !== null && o.offsets !== undefined) {
          throw new RangeError(
            `${OP}: if input is 2D, then offsets has to be None, as input is treated is a mini-batch of fixed ` +
              `length sequences. However, found offsets of type ${describe(o.offsets)}`,
          );
        }
        const [b, len] = input.shape;
        P = mv.reshape(rows, [b, len, dim]);
        M = maskFlat === null ? null : mv.reshape(maskFlat, [b, len]);
        S = pswFlat === null ? null : mv.reshape(pswFlat, [b, len]);
      } else {
        const ranges = bagRanges(o.offsets, n, o.includeLastOffset ?? false);
        const b = ranges.length;
        const len = ranges.reduce((m, [s, e]) => Math.max(m, e - s), 1);
        const slots = new Int32Array(b * len).fill(n); // n: the filler row
        let filler = false;
        ranges.forEach(([s, e], i) => {
          for (let j = 0; j < len; j++) {
            if (s + j < e) slots[i * len + j] = s + j;
            else filler = true;
          }
        });
        const g = tensor(slots, { dtype: "int32", device: weight.device });
        // Appends the zero filler row, then gathers the slots.
        const gather = (t: Tensor) =>
          indexSelect(cat([t, zeros([1, ...t.shape.slice(1)], { dtype: t.dtype, device: t.device })]), 0, g);
        P = mv.reshape(gather(rows), [b, len, dim]);
        const m = maskFlat ?? (filler ? ones([n], { dtype: weight.dtype, device: weight.device }) : null);
        M = m === null ? null : mv.reshape(gather(m), [b, len]);
        S = pswFlat === null ? null : mv.reshape(gather(pswFlat), [b, len]);
      }
      const bags = P.shape[0];
      let out: Tensor;
      if (bags === 0 || P.shape[1] === 0) {
        out = ew.mul(sum(P, 1), 0);
      } else if (mode === "sum") {
        const wts = M === null ? S : S === null ? M : ew.mul(M, S);
        out = sum(wts === null ? P : ew.mul(P, mv.unsqueeze(wts, 2)), 1);
      } else if (mode === "mean") {
        if (M === null) out = ew.div(sum(P, 1), P.shape[1]);
        else {
          const count = ew.clamp(sum(M, 1, { keepdim: true }), 1);
          out = ew.div(sum(ew.mul(P, mv.unsqueeze(M, 2)), 1), count);
        }
      } else if (M === null) {
        out = max(P, 1).values;
      } else {
        const kept = ew.where(ew.gt(mv.unsqueeze(M, 2), 0), P, -Infinity);
        const nonEmpty = ew.gt(sum(M, 1, { keepdim: true }), 0);
        out = ew.where(nonEmpty, max(kept, 1).values, 0);
      }
      return named(out, "EmbeddingBagBackward0", input, weight);
    })
  );
}
