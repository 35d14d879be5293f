/**
 * `nn.utils.rnn`, as PyTorch's `torch.nn.utils.rnn`: `padSequence`, which pads a list of
 * variable-length sequences to one tensor (built from `pad` and `stack`, so it runs and
 * differentiates on every device), and the packed sequences of packed_sequence.ts
 * (`PackedSequence`, `packPaddedSequence`, `padPackedSequence`, `packSequence`,
 * `unpackSequence`, `unpadSequence`).
 * @module
 */
import { Tensor } from "../tensor.ts";
import { pad } from "../ops/pad.ts";
import { stack } from "../ops/indexing.ts";
import { fmtShape } from "../shape.ts";
import { inFrameOf } from "../memory.ts";

export * from "./packed_sequence.ts";

/** Options of {@link padSequence}. */
export interface PadSequenceOptions {
  /** Put the batch first (`[batch, maxLength, ...]`; default false: `[maxLength, batch, ...]`). */
  batchFirst?: boolean;
  /** The value of the padded positions (default 0). */
  paddingValue?: number;
}

/**
 * Pads `sequences` (tensors `[length_i, ...]` with the same trailing dims) with `paddingValue` to
 * the longest length and stacks them: `[maxLength, batch, ...]`, or `[batch, maxLength, ...]` with
 * `batchFirst` (PyTorch's `pad_sequence`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const batch = torch.nn.utils.rnn.padSequence([torch.tensor([1, 2, 3]), torch.tensor([4])], {
 *   batchFirst: true,
 * });
 * assertEquals(batch.toArray(), [[1, 2, 3], [4, 0, 0]]);
 * ```
 */
export function padSequence(sequences: readonly Tensor[], opts: PadSequenceOptions = {}): Tensor {
  return inFrameOf(() => {
    const { batchFirst = false, paddingValue = 0 } = opts;
    if (!Array.isArray(sequences) || sequences.length === 0) {
      throw new RangeError("padSequence: expects a non-empty list of tensors");
    }
    if (typeof paddingValue !== "number") {
      throw new TypeError(`padSequence: paddingValue must be a number, got ${typeof paddingValue}`);
    }
    sequences.forEach((s, i) => {
      if (!(s instanceof Tensor) || s.ndim === 0) {
        throw new TypeError(`padSequence: sequence ${i} must be a tensor of at least one dim`);
      }
    });
    const first = sequences[0];
    const trailing = first.shape.slice(1);
    sequences.forEach((s, i) => {
      if (s.ndim !== first.ndim || s.shape.some((d: number, j: number) => j > 0 && d !== first.shape[j])) {
        throw new RangeError(
          `padSequence: sequences must have the same trailing dims, sequence ${i} has shape ` +
            `${fmtShape(s.shape)} and sequence 0 ${fmtShape(first.shape)}`,
        );
      }
    });
    const longest = Math.max(...sequences.map((s) => s.shape[0]));
    const padded = sequences.map((s) =>
      s.shape[0] === longest
        ? s
        : pad(s, [...trailing.flatMap(() => [0, 0]), 0, longest - s.shape[0]], { value: paddingValue })
    );
    return stack(padded, batchFirst ? 0 : 1);
  });
}
