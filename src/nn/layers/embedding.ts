/**
 * `Embedding`.
 * @module
 */
import { Tensor } from "../../tensor.ts";
import type { Device } from "../../backends/backend.ts";
import { type DType, getDefaultDtype, isFloating } from "../../dtype.ts";
import { fmtShape } from "../../shape.ts";
import { empty } from "../../creation.ts";
import { noGrad } from "../../autograd/grad_mode.ts";
import { Module, Parameter } from "../module.ts";
import * as F from "../functional.ts";
import * as init from "../init.ts";

/** Options of `Embedding`. */
export interface EmbeddingOptions {
  /** A row that is zero-initialised and never gets a gradient (negative counts from the end). */
  paddingIdx?: number | null;
  /** Use this `[num, dim]` tensor as the weight instead of a random one. */
  weight?: Tensor;
  /** Where the weight lives (default "cpu"). */
  device?: Device;
  /** The weight's dtype (default float32). */
  dtype?: DType;
}

/**
 * A lookup table of `numEmbeddings` vectors of size `embeddingDim`, indexed by int32 tensors;
 * initialised from N(0, 1).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const emb = new nn.Embedding(10, 3, { paddingIdx: 0 });
 * assertEquals(emb(torch.tensor([[1, 2], [0, 9]])).shape, [2, 2, 3]);
 * assertEquals(String(emb), "Embedding(10, 3, padding_idx=0)");
 * ```
 */
export class Embedding extends Module {
  /** Number of rows. */
  readonly numEmbeddings: number;
  /** Size of each row. */
  readonly embeddingDim: number;
  /** The row without gradient, or null. */
  readonly paddingIdx: number | null;
  /** `[numEmbeddings, embeddingDim]`. */
  weight: Parameter;

  /** Creates the module; the arguments are described on the class. */
  constructor(numEmbeddings: number, embeddingDim: number, opts: EmbeddingOptions = {}) {
    super();
    for (const [name, v] of [["numEmbeddings", numEmbeddings], ["embeddingDim", embeddingDim]] as const) {
      if (!Number.isInteger(v) || v < 0) {
        throw new TypeError(`Embedding: ${name} must be a non-negative integer, got ${v}`);
      }
    }
    this.numEmbeddings = numEmbeddings;
    this.embeddingDim = embeddingDim;
    this.paddingIdx = checkPaddingIdx("Embedding", "paddingIdx", opts.paddingIdx, numEmbeddings);
    this.weight = embeddingTable("Embedding", numEmbeddings, embeddingDim, opts.weight, opts.dtype);
    if (opts.weight === undefined) this.resetParameters();
    if (opts.device && opts.device !== "cpu") this.to(opts.device);
  }

  /**
   * An Embedding whose weight is `embeddings` (shared, not copied), frozen unless
   * `freeze: false`.
   */
  static fromPretrained(
    embeddings: Tensor,
    opts: { freeze?: boolean; paddingIdx?: number | null } = {},
  ): Embedding {
    if (!(embeddings instanceof Tensor) || embeddings.ndim !== 2) {
      throw new RangeError("Embedding.fromPretrained: embeddings must be a 2-D tensor [num, dim]");
    }
    const e = new Embedding(embeddings.shape[0], embeddings.shape[1], {
      weight: embeddings,
      paddingIdx: opts.paddingIdx,
    });
    e.weight.requiresGrad_(!(opts.freeze ?? true));
    return e;
  }

  /** Re-draws the weight from N(0, 1) and zeroes the padding row. */
  resetParameters(): void {
    resetEmbeddingTable(this.weight, this.paddingIdx);
  }

  /** Int32 indices of any shape to `[...shape, embeddingDim]`. */
  override forward(input: Tensor): Tensor {
    return F.embedding(input, this.weight, { paddingIdx: this.paddingIdx });
  }

  /** The arguments printed inside `Embedding(...)`, as PyTorch's `extra_repr`. */
  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}` +
      (this.paddingIdx !== null ? `, padding_idx=${this.paddingIdx}` : "");
  }
}

/**
 * @internal `paddingIdx` of an embedding table of `numEmbeddings` rows, checked and made
 * non-negative (Embedding, EmbeddingBag); `label` is how the op's messages name the option.
 */
export function checkPaddingIdx(
  op: string,
  label: string,
  paddingIdx: number | null | undefined,
  numEmbeddings: number,
): number | null {
  const pi = paddingIdx ?? null;
  if (pi === null) return null;
  if (!Number.isInteger(pi) || pi >= numEmbeddings || pi < -numEmbeddings) {
    throw new RangeError(`${op}: ${label} must be within num_embeddings (${numEmbeddings}), got ${pi}`);
  }
  return pi < 0 ? pi + numEmbeddings : pi;
}

/**
 * @internal The weight of an embedding table (Embedding, EmbeddingBag): `weight` when given
 * (checked to be `[numEmbeddings, embeddingDim]`; a parameter when floating), else a new
 * uninitialised table, which the module's (overridable) `resetParameters` then fills.
 */
export function embeddingTable(
  op: string,
  numEmbeddings: number,
  embeddingDim: number,
  weight: Tensor | undefined,
  dtype: DType | undefined,
): Parameter {
  if (weight === undefined) {
    return new Parameter(empty([numEmbeddings, embeddingDim], { dtype: dtype ?? getDefaultDtype() }));
  }
  if (
    !(weight instanceof Tensor) || weight.ndim !== 2 || weight.shape[0] !== numEmbeddings ||
    weight.shape[1] !== embeddingDim
  ) {
    throw new RangeError(
      `${op}: weight must have shape [${numEmbeddings}, ${embeddingDim}], got ${
        weight instanceof Tensor ? fmtShape(weight.shape) : typeof weight
      }`,
    );
  }
  return new Parameter(weight, isFloating(weight.dtype));
}

/** @internal Re-draws an embedding table from N(0, 1) and zeroes its padding row. */
export function resetEmbeddingTable(weight: Tensor, paddingIdx: number | null): void {
  init.normal_(weight);
  if (paddingIdx !== null) noGrad(() => weight.index(paddingIdx).fill_(0));
}
