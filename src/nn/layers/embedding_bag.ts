/**
 * `EmbeddingBag`: the module form of `F.embeddingBag`.
 * @module
 */
import { Tensor } from "../../tensor.ts";
import type { Device } from "../../backends/backend.ts";
import type { DType } from "../../dtype.ts";
import { Module, type Parameter } from "../module.ts";
import { embeddingBag, type EmbeddingBagMode } from "../embedding_bag.ts";
import { checkPaddingIdx, embeddingTable, resetEmbeddingTable } from "./embedding.ts";

/** Options of `EmbeddingBag` (PyTorch's keyword arguments). */
export interface EmbeddingBagModuleOptions {
  /** How each bag is reduced: `"mean"` (default), `"sum"` or `"max"`. */
  mode?: EmbeddingBagMode;
  /** `offsets` passed to `forward` carry the end of the last bag as an extra entry. */
  includeLastOffset?: boolean;
  /** A row that is zero-initialised and left out of every bag (negative counts from the end). */
  paddingIdx?: number | null;
  /** Use this `[num, dim]` tensor as the weight instead of a random one. */
  weight?: Tensor;
  /** Where the weight lives (default "cpu"). */
  device?: Device;
  /** The weight's dtype (default float32). */
  dtype?: DType;
}

/**
 * Sums, means or maxima of bags of embedding rows (PyTorch's `nn.EmbeddingBag`): `forward(input,
 * offsets?, perSampleWeights?)` with a 2-d `[B, N]` int input (one bag per row) or a 1-d input
 * cut into bags by `offsets` (a CPU int tensor). The weight starts from N(0, 1).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const bag = new nn.EmbeddingBag(10, 3, { mode: "sum" });
 * const input = torch.tensor([1, 2, 4, 5, 4, 3, 2, 9]), offsets = torch.tensor([0, 4]);
 * assertEquals(bag(input, offsets).shape, [2, 3]);
 * assertEquals(String(bag), "EmbeddingBag(10, 3, mode=sum)");
 * ```
 */
export class EmbeddingBag extends Module {
  /** Number of rows. */
  readonly numEmbeddings: number;
  /** Size of each row. */
  readonly embeddingDim: number;
  /** How each bag is reduced. */
  readonly mode: EmbeddingBagMode;
  /** Whether offsets carry the end of the last bag. */
  readonly includeLastOffset: boolean;
  /** The row left out of bags, or null. */
  readonly paddingIdx: number | null;
  /** `[numEmbeddings, embeddingDim]`. */
  weight: Parameter;

  /** Creates the module; the arguments are described on the class. */
  constructor(numEmbeddings: number, embeddingDim: number, opts: EmbeddingBagModuleOptions = {}) {
    super();
    for (const [name, v] of [["numEmbeddings", numEmbeddings], ["embeddingDim", embeddingDim]] as const) {
      if (!Number.isInteger(v) || v < 0) {
        throw new TypeError(`EmbeddingBag: ${name} must be a non-negative integer, got ${v}`);
      }
    }
    const mode = opts.mode ?? "mean";
    if (mode !== "sum" && mode !== "mean" && mode !== "max") {
      throw new RangeError(
        `EmbeddingBag: mode has to be one of sum, mean or max, got ${JSON.stringify(mode)}`,
      );
    }
    this.numEmbeddings = numEmbeddings;
    this.embeddingDim = embeddingDim;
    this.mode = mode;
    this.includeLastOffset = opts.includeLastOffset ?? false;
    this.paddingIdx = checkPaddingIdx("EmbeddingBag", "padding_idx", opts.paddingIdx, numEmbeddings);
    this.weight = embeddingTable("EmbeddingBag", numEmbeddings, embeddingDim, opts.weight, opts.dtype);
    if (opts.weight === undefined) this.resetParameters();
    if (opts.device && opts.device !== "cpu") this.to(opts.device);
  }

  /**
   * An EmbeddingBag whose weight is `embeddings` (shared, not copied), frozen unless
   * `freeze: false`.
   */
  static fromPretrained(
    embeddings: Tensor,
    opts: { freeze?: boolean } & Omit<EmbeddingBagModuleOptions, "weight" | "device" | "dtype"> = {},
  ): EmbeddingBag {
    if (!(embeddings instanceof Tensor) || embeddings.ndim !== 2) {
      throw new RangeError("EmbeddingBag.fromPretrained: embeddings must be a 2-D tensor [num, dim]");
    }
    const { freeze, ...rest } = opts;
    const e = new EmbeddingBag(embeddings.shape[0], embeddings.shape[1], { ...rest, weight: embeddings });
    e.weight.requiresGrad_(!(freeze ?? true));
    return e;
  }

  /** Re-draws the weight from N(0, 1) and zeroes the padding row. */
  resetParameters(): void {
    resetEmbeddingTable(this.weight, this.paddingIdx);
  }

  /** `[B, N]` indices, or 1-d indices with `offsets`, to `[B, embeddingDim]`. */
  override forward(
    input: Tensor,
    offsets: Tensor | null = null,
    perSampleWeights: Tensor | null = null,
  ): Tensor {
    return embeddingBag(input, this.weight, offsets, {
      mode: this.mode,
      perSampleWeights,
      includeLastOffset: this.includeLastOffset,
      paddingIdx: this.paddingIdx,
    });
  }

  /** The arguments printed inside `EmbeddingBag(...)`, as PyTorch's `extra_repr`. */
  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}, mode=${this.mode}` +
      (this.paddingIdx !== null ? `, padding_idx=${this.paddingIdx}` : "");
  }
}
