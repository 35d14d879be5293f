/**
 * Packed sequences, as PyTorch's `torch.nn.utils.rnn`: `PackedSequence`, `packPaddedSequence`,
 * `padPackedSequence`, `packSequence`, `unpackSequence` and `unpadSequence`. A packed batch keeps
 * only the real time steps of variable-length sequences, time-major: step `t` holds the first
 * `batchSizes[t]` sequences (sorted longest first). Built from `narrow`, `cat`, `pad` and
 * `indexSelect`, so packing and padding run and differentiate on every device; the recurrent
 * layers (`nn.RNN`, `nn.LSTM`, `nn.GRU`) take a `PackedSequence` and return one.
 *
 * Integer tensors here (`batchSizes`, `sortedIndices`, the lengths) are int32 where PyTorch's are
 * int64; `batchSizes` and the lengths live on the CPU, as PyTorch's.
 * @module
 */
import { Tensor } from "../tensor.ts";
import type { Device } from "../backends/backend.ts";
import type { DType } from "../dtype.ts";
import { tensor } from "../creation.ts";
import { pad } from "../ops/pad.ts";
import { cat } from "../ops/indexing.ts";
import { fmtShape } from "../shape.ts";
import { inFrameOf } from "../memory.ts";
import { asOp } from "../ops/naming.ts";
import { padSequence } from "./rnn_utils.ts";

/** The integers of `v` (a number[] or a 1-d CPU tensor), checked for `op`. */
function hostInts(op: string, name: string, v: unknown): number[] {
  let values: number[];
  if (v instanceof Tensor) {
    if (v.ndim !== 1 || v.device !== "cpu") {
      throw new TypeError(
        `${op}: '${name}' argument should be a 1D CPU integer tensor, but got ${v.ndim}D ${v.device} ${v.dtype} tensor`,
      );
    }
    values = Array.from(v.dataSync(), Number);
  } else if (Array.isArray(v)) values = v;
  else throw new TypeError(`${op}: '${name}' must be a number[] or a 1D CPU tensor, got ${typeof v}`);
  values.forEach((x, i) => {
    if (typeof x !== "number" || !Number.isInteger(x)) {
      throw new TypeError(`${op}: '${name}' must hold integers, got ${String(x)} at ${i}`);
    }
  });
  return values;
}

/** The permutation `p` inverted: `inv[p[i]] = i`. */
function invert(p: readonly number[]): number[] {
  const inv = new Array<number>(p.length);
  p.forEach((v, i) => inv[v] = i);
  return inv;
}

/**
 * A batch of variable-length sequences packed time-major (PyTorch's `PackedSequence`): `data`
 * is `[sum(batchSizes), *]`, step `t` holding the first `batchSizes[t]` sequences in
 * `sortedIndices` order (longest first). `sortedIndices` is null when the batch came sorted;
 * `unsortedIndices` is its inverse, the original batch order. Make one with
 * {@link packPaddedSequence} or {@link packSequence}; recurrent layers take it as input.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const { packSequence } = torch.nn.utils.rnn;
 * const packed = packSequence([torch.tensor([1, 2, 3]), torch.tensor([4, 5]), torch.tensor([6])]);
 * assertEquals(packed.data.toArray(), [1, 4, 6, 2, 5, 3]);
 * assertEquals(packed.batchSizes.toArray(), [3, 2, 1]);
 * assertEquals(packed.sortedIndices, null);
 * ```
 */
export class PackedSequence {
  /** The packed steps, `[sum(batchSizes), *]`. */
  readonly data: Tensor;
  /** How many sequences each time step holds (a CPU int32 tensor, non-increasing). */
  readonly batchSizes: Tensor;
  /** The original batch position of each sorted sequence, or null when the batch came sorted. */
  readonly sortedIndices: Tensor | null;
  /** The inverse of `sortedIndices`: each original sequence's sorted position (or null). */
  readonly unsortedIndices: Tensor | null;
  /** A host copy of `batchSizes` (the layers and padding read it, no device read). */
  readonly _hostBatchSizes: readonly number[];
  /** A host copy of `sortedIndices` (null when the batch came sorted). */
  readonly _hostSorted: readonly number[] | null;

  /**
   * Wraps the parts (PyTorch says: make packed sequences with the packing functions, not by
   * hand). `batchSizes` is a number[] or a CPU tensor; `sortedIndices` a permutation of the
   * batch (a number[] or an integer tensor), or null; `unsortedIndices` defaults to its inverse.
   */
  constructor(
    data: Tensor,
    batchSizes: Tensor | readonly number[],
    sortedIndices: Tensor | readonly number[] | null = null,
    unsortedIndices: Tensor | null = null,
  ) {
    const op = "PackedSequence";
    if (!(data instanceof Tensor) || data.ndim === 0) {
      throw new TypeError(`${op}: data must be a tensor of at least one dim`);
    }
    if (batchSizes instanceof Tensor && batchSizes.device !== "cpu") {
      throw new TypeError(`${op}: batch_sizes should always be on CPU, got a ${batchSizes.device} tensor`);
    }
    const sizes = hostInts(op, "batchSizes", batchSizes instanceof Tensor ? batchSizes : [...batchSizes]);
    const total = sizes.reduce((a, b) => a + b, 0);
    if (
      sizes.length === 0 || sizes.some((b, t) => b <= 0 || (t > 0 && b > sizes[t - 1])) ||
      total !== data.shape[0]
    ) {
      throw new RangeError(
        `${op}: batchSizes must be non-empty, positive, non-increasing and sum to data.size(0) = ${
          data.shape[0]
        }, got [${sizes.join(", ")}]`,
      );
    }
    let sorted: number[] | null = null;
    if (sortedIndices !== null) {
      if (sortedIndices instanceof Tensor && sortedIndices.device !== "cpu") {
        throw new TypeError(
          `${op}: give sortedIndices as a number[] or a CPU tensor (it is moved to data's device)`,
        );
      }
      sorted = hostInts(
        op,
        "sortedIndices",
        sortedIndices instanceof Tensor ? sortedIndices : [...sortedIndices],
      );
      const batch = sizes.length > 0 ? sizes[0] : 0;
      if (
        sorted.length !== batch || new Set(sorted).size !== batch || sorted.some((i) => i < 0 || i >= batch)
      ) {
        throw new RangeError(
          `${op}: sortedIndices must be a permutation of the ${batch} sequences, got [${sorted.join(", ")}]`,
        );
      }
    }
    this.data = data;
    this.batchSizes = batchSizes instanceof Tensor ? batchSizes : tensor(sizes, { dtype: "int32" });
    this._hostBatchSizes = sizes;
    this._hostSorted = sorted;
    const onDevice = (v: number[]) => tensor(v, { dtype: "int32", device: data.device });
    this.sortedIndices = sorted === null
      ? null
      : sortedIndices instanceof Tensor
      ? sortedIndices.to(data.device)
      : onDevice(sorted);
    this.unsortedIndices = sorted === null
      ? null
      : unsortedIndices instanceof Tensor
      ? unsortedIndices.to(data.device)
      : onDevice(invert(sorted));
  }

  /**
   * The sequence with `data` moved or cast (as `Tensor.to`) and the indices on `data`'s device;
   * `batchSizes` stays on the CPU. Returns `this` when nothing changes, as PyTorch.
   * @example
   * ```ts
   * import { deepStrictEqual as assertEquals } from "node:assert/strict";
   * import * as torch from "../../mod.ts";
   * const packed = torch.nn.utils.rnn.packSequence([torch.tensor([1, 2]), torch.tensor([3])]);
   * const asDouble = packed.to("float64");
   * assertEquals([asDouble.data.dtype, asDouble.batchSizes.device], ["float64", "cpu"]);
   * assertEquals(packed.to("cpu"), packed);
   * ```
   */
  to(target: Device | DType): PackedSequence {
    if (target === this.data.device || target === this.data.dtype) return this;
    const data = this.data.to(target);
    return new PackedSequence(data, this.batchSizes, this._hostSorted ? [...this._hostSorted] : null);
  }

  /** The same batch structure (batch sizes and indices, shared) around other `data` (a layer's output). */
  _withData(data: Tensor): PackedSequence {
    return Object.assign(Object.create(PackedSequence.prototype), { ...this, data });
  }

  /** `PackedSequence(data=..., batch_sizes=..., ...)`, as PyTorch prints it. */
  toString(): string {
    const idx = (t: Tensor | null) => t === null ? "None" : String(t);
    return `PackedSequence(data=${this.data}, batch_sizes=${this.batchSizes}, sorted_indices=${
      idx(this.sortedIndices)
    }, unsorted_indices=${idx(this.unsortedIndices)})`;
  }
}

/** Options of {@link packPaddedSequence}. */
export interface PackPaddedOptions {
  /** The input is `[batch, time, *]` instead of `[time, batch, *]` (default false). */
  batchFirst?: boolean;
  /** Require `lengths` sorted longest first (default true); false sorts the batch. */
  enforceSorted?: boolean;
}

/** The sizes of the time steps of a batch with sorted `lengths` (longest first). */
function batchSizesOf(sortedLengths: readonly number[]): number[] {
  const sizes: number[] = [];
  for (let t = 0; t < sortedLengths[0]; t++) sizes.push(sortedLengths.filter((l) => l > t).length);
  return sizes;
}

/**
 * Packs a padded batch `[T, B, *]` (`[B, T, *]` with `batchFirst`) of sequences whose real
 * lengths are `lengths` (a number[] or a CPU integer tensor) into a {@link PackedSequence}
 * (PyTorch's `pack_padded_sequence`). With `enforceSorted` (the default) the lengths must be
 * non-increasing; `enforceSorted: false` sorts the batch and records the order.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const padded = torch.tensor([[1, 2, 0], [3, 0, 0], [4, 5, 6]]);
 * const packed = torch.nn.utils.rnn.packPaddedSequence(padded, [2, 1, 3], {
 *   batchFirst: true,
 *   enforceSorted: false,
 * });
 * assertEquals(packed.data.toArray(), [4, 1, 3, 5, 2, 6]);
 * assertEquals(packed.batchSizes.toArray(), [3, 2, 1]);
 * assertEquals(packed.sortedIndices!.toArray(), [2, 0, 1]);
 * ```
 */
export function packPaddedSequence(
  input: Tensor,
  lengths: readonly number[] | Tensor,
  opts: PackPaddedOptions = {},
): PackedSequence {
  return inFrameOf(() => {
    const op = "packPaddedSequence";
    const { batchFirst = false, enforceSorted = true } = opts;
    if (!(input instanceof Tensor) || input.ndim < 2) {
      throw new RangeError(
        `${op}: expected input of at least 2 dims (${
          batchFirst ? "[batch, time, *]" : "[time, batch, *]"
        }), got ${input instanceof Tensor ? fmtShape(input.shape) : typeof input}`,
      );
    }
    const lens = hostInts(op, "lengths", lengths instanceof Tensor ? lengths : [...lengths]);
    let x = batchFirst ? input.transpose(0, 1) : input;
    const [steps, batch] = x.shape;
    if (x.numel() === 0) {
      throw new RangeError(`${op}: Cannot pack empty tensors (input ${fmtShape(input.shape)})`);
    }
    if (lens.length !== batch) {
      throw new RangeError(
        `${op}: Expected \`len(lengths)\` to be equal to batch_size, but got ${lens.length} (batch_size=${batch})`,
      );
    }
    if (lens.some((l) => l <= 0)) {
      throw new RangeError(
        `${op}: Length of all samples has to be greater than 0, but found an element in 'lengths' that is <= 0 ` +
          `(lengths [${lens.join(", ")}])`,
      );
    }
    const longest = Math.max(...lens);
    if (longest > steps) {
      throw new RangeError(
        `${op}: lengths must not exceed the input's ${steps} time steps, got a length of ${longest} ` +
          `(input ${fmtShape(input.shape)}, batchFirst ${batchFirst})`,
      );
    }
    let order: number[] | null = null;
    if (enforceSorted) {
      if (lens.some((l, i) => i > 0 && l > lens[i - 1])) {
        throw new RangeError(
          `${op}: \`lengths\` array must be sorted in decreasing order when \`enforceSorted\` is true, got ` +
            `[${lens.join(", ")}]. You can pass \`enforceSorted: false\` to packPaddedSequence and/or ` +
            `packSequence to sidestep this requirement if you do not need ONNX exportability.`,
        );
      }
    } else {
      order = lens.map((_, i) => i).sort((a, b) => lens[b] - lens[a] || a - b);
      x = x.indexSelect(1, tensor(order, { dtype: "int32", device: x.device }));
    }
    const sorted = order ? order.map((i) => lens[i]) : lens;
    const trailing = x.shape.slice(2);
    // One piece per run of time steps with the same batch size: x[prev:l, :count].
    const pieces: Tensor[] = [];
    let prev = 0;
    for (const l of [...new Set(sorted)].reverse()) {
      const count = sorted.filter((s) => s >= l).length;
      pieces.push(x.narrow(0, prev, l - prev).narrow(1, 0, count).reshape([-1, ...trailing]));
      prev = l;
    }
    const data = pieces.length === 1 ? pieces[0].contiguous() : cat(pieces, 0);
    return new PackedSequence(data, batchSizesOf(sorted), order);
  });
}

/** Options of {@link padPackedSequence}. */
export interface PadPackedOptions {
  /** Return `[batch, time, *]` instead of `[time, batch, *]` (default false). */
  batchFirst?: boolean;
  /** The value of the padded positions (default 0). */
  paddingValue?: number;
  /** Pad to this many time steps (default: the longest sequence's length). */
  totalLength?: number;
}

/**
 * Unpacks a {@link PackedSequence} to a padded batch, the inverse of {@link packPaddedSequence}
 * (PyTorch's `pad_packed_sequence`): `[padded, lengths]`, with `padded` `[T, B, *]` (`[B, T, *]`
 * with `batchFirst`) in the original batch order and `lengths` a CPU int32 tensor.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const { packSequence, padPackedSequence } = torch.nn.utils.rnn;
 * const packed = packSequence([torch.tensor([1]), torch.tensor([2, 3])], { enforceSorted: false });
 * const [padded, lengths] = padPackedSequence(packed, { batchFirst: true, paddingValue: -1, totalLength: 3 });
 * assertEquals(padded.toArray(), [[1, -1, -1], [2, 3, -1]]);
 * assertEquals(lengths.toArray(), [1, 2]);
 * ```
 */
export function padPackedSequence(sequence: PackedSequence, opts: PadPackedOptions = {}): [Tensor, Tensor] {
  return inFrameOf(() => {
    const op = "padPackedSequence";
    const { batchFirst = false, paddingValue = 0, totalLength } = opts;
    if (!(sequence instanceof PackedSequence)) throw new TypeError(`${op}: expects a PackedSequence`);
    if (typeof paddingValue !== "number") {
      throw new TypeError(`${op}: paddingValue must be a number, got ${typeof paddingValue}`);
    }
    const sizes = sequence._hostBatchSizes;
    const steps = sizes.length;
    if (totalLength !== undefined) {
      if (!Number.isInteger(totalLength)) {
        throw new TypeError(`${op}: totalLength must be an integer, got ${totalLength}`);
      }
      if (totalLength < steps) {
        throw new RangeError(
          `${op}: Expected total_length to be at least the length of the longest sequence in input, but got ` +
            `total_length=${totalLength} and max sequence length being ${steps}`,
        );
      }
    }
    const data = sequence.data, batch = sizes[0], trailing = data.shape.slice(1);
    const keep = trailing.flatMap(() => [0, 0]);
    const pieces: Tensor[] = [];
    for (let t = 0, offset = 0; t < steps;) {
      let end = t;
      while (end < steps && sizes[end] === sizes[t]) end++;
      const rows = data.narrow(0, offset, (end - t) * sizes[t]).reshape([end - t, sizes[t], ...trailing]);
      pieces.push(
        sizes[t] === batch ? rows : pad(rows, [...keep, 0, batch - sizes[t]], { value: paddingValue }),
      );
      offset += (end - t) * sizes[t];
      t = end;
    }
    let padded = pieces.length === 1 ? pieces[0] : cat(pieces, 0);
    const total = totalLength ?? steps;
    if (total > steps) padded = pad(padded, [...keep, 0, 0, 0, total - steps], { value: paddingValue });
    let lengths = Array.from({ length: batch }, (_, i) => sizes.filter((b) => b > i).length);
    if (sequence._hostSorted) {
      padded = padded.indexSelect(1, sequence.unsortedIndices!);
      lengths = invert(sequence._hostSorted).map((i) => lengths[i]);
    }
    if (batchFirst) padded = padded.transpose(0, 1);
    return [padded.contiguous(), tensor(lengths, { dtype: "int32" })];
  });
}

/** Options of {@link packSequence}. */
export interface PackSequenceOptions {
  /** Require the sequences sorted longest first (default true); false sorts them. */
  enforceSorted?: boolean;
}

/**
 * Packs a list of sequences `[length_i, *]` into a {@link PackedSequence} (PyTorch's
 * `pack_sequence`: `padSequence` then `packPaddedSequence`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const packed = torch.nn.utils.rnn.packSequence([torch.tensor([4, 5]), torch.tensor([1, 2, 3])], {
 *   enforceSorted: false,
 * });
 * assertEquals(packed.data.toArray(), [1, 4, 2, 5, 3]);
 * assertEquals(packed.unsortedIndices!.toArray(), [1, 0]);
 * ```
 */
export function packSequence(sequences: readonly Tensor[], opts: PackSequenceOptions = {}): PackedSequence {
  return asOp("packSequence", () =>
    inFrameOf(() => {
      const padded = padSequence(sequences);
      const lengths = sequences.map((s) => s.shape[0]);
      return packPaddedSequence(padded, lengths, { enforceSorted: opts.enforceSorted ?? true });
    }));
}

/** Options of {@link unpadSequence}. */
export interface UnpadSequenceOptions {
  /** The padded batch is `[batch, time, *]` instead of `[time, batch, *]` (default false). */
  batchFirst?: boolean;
}

/**
 * Splits a padded batch back into its sequences (PyTorch's `unpad_sequence`): sequence `i` is
 * the first `lengths[i]` steps of batch entry `i`, as a new tensor.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const padded = torch.tensor([[1, 2, 3], [4, 0, 0]]);
 * const seqs = torch.nn.utils.rnn.unpadSequence(padded, [3, 1], { batchFirst: true });
 * assertEquals(seqs.map((s) => s.toArray()), [[1, 2, 3], [4]]);
 * ```
 */
export function unpadSequence(
  paddedSequences: Tensor,
  lengths: readonly number[] | Tensor,
  opts: UnpadSequenceOptions = {},
): Tensor[] {
  return inFrameOf(() => {
    const op = "unpadSequence";
    const { batchFirst = false } = opts;
    if (!(paddedSequences instanceof Tensor) || paddedSequences.ndim < 2) {
      throw new RangeError(
        `${op}: expected a padded batch of at least 2 dims, got ${
          paddedSequences instanceof Tensor ? fmtShape(paddedSequences.shape) : typeof paddedSequences
        }`,
      );
    }
    const x = batchFirst ? paddedSequences : paddedSequences.transpose(0, 1);
    const lens = hostInts(op, "lengths", lengths instanceof Tensor ? lengths : [...lengths]);
    const [batch, steps] = x.shape;
    if (lens.length > batch || lens.some((l) => l < 0 || l > steps)) {
      throw new RangeError(
        `${op}: lengths [${lens.join(", ")}] do not fit the padded batch ${
          fmtShape(paddedSequences.shape)
        } ` +
          `(${batch} sequences of up to ${steps} steps, batchFirst ${batchFirst})`,
      );
    }
    return lens.map((l, i) => x.index(i).narrow(0, 0, l).clone());
  });
}

/**
 * Unpacks a {@link PackedSequence} into its sequences, in the original batch order (PyTorch's
 * `unpack_sequence`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const { packSequence, unpackSequence } = torch.nn.utils.rnn;
 * const seqs = [torch.tensor([1]), torch.tensor([2, 3, 4]), torch.tensor([5, 6])];
 * const back = unpackSequence(packSequence(seqs, { enforceSorted: false }));
 * assertEquals(back.map((s) => s.toArray()), [[1], [2, 3, 4], [5, 6]]);
 * ```
 */
export function unpackSequence(packedSequences: PackedSequence): Tensor[] {
  return asOp("unpackSequence", () =>
    inFrameOf(() => {
      const [padded, lengths] = padPackedSequence(packedSequences, { batchFirst: true });
      return unpadSequence(padded, lengths, { batchFirst: true });
    }));
}
