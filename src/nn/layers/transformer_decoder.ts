/**
 * The Transformer decoder and the whole model: `TransformerDecoderLayer`, `TransformerDecoder`
 * and `Transformer` (PyTorch's `nn.Transformer`, with `generateSquareSubsequentMask`), built on
 * `MultiheadAttention` with PyTorch's submodule names, so state dicts load across.
 * @module
 */
import type { Tensor } from "../../tensor.ts";
import { full } from "../../creation.ts";
import { Module } from "../module.ts";
import * as init from "../init.ts";
import { Linear } from "./linear.ts";
import { Dropout } from "./dropout.ts";
import { LayerNorm } from "./normalization.ts";
import type { ModuleList } from "./container.ts";
import {
  checkActivation,
  copyLayer,
  feedForwardBlock,
  layerStack,
  MultiheadAttention,
  TransformerEncoder,
  TransformerEncoderLayer,
  type TransformerEncoderLayerOptions,
} from "./transformer.ts";

/** Options of `TransformerDecoderLayer.forward` and `TransformerDecoder.forward`. */
export interface DecoderForward {
  /** Self-attention mask over the target (e.g. `Transformer.generateSquareSubsequentMask(T)`). */
  tgtMask?: Tensor | null;
  /** Attention mask over the memory. */
  memoryMask?: Tensor | null;
  /** `[N, T]`: true where a target position is padding. */
  tgtKeyPaddingMask?: Tensor | null;
  /** `[N, S]`: true where a memory position is padding. */
  memoryKeyPaddingMask?: Tensor | null;
  /** A causal target mask instead of `tgtMask`. */
  tgtIsCausal?: boolean;
}

/**
 * One Transformer decoder layer: self-attention over the target, attention over the encoder's
 * output (`memory`) and a feed-forward block, each with a residual connection and LayerNorm
 * (PyTorch's `nn.TransformerDecoderLayer`; options as `TransformerEncoderLayer`'s).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const layer = new nn.TransformerDecoderLayer(16, 4, { dimFeedforward: 32, batchFirst: true });
 * assertEquals(layer(torch.randn(2, 5, 16), torch.randn(2, 7, 16)).shape, [2, 5, 16]);
 * ```
 */
export class TransformerDecoderLayer extends Module {
  /** The `dModel` setting (PyTorch's `d_model`). */
  readonly dModel: number;
  /** The `nhead` setting, as given to the constructor. */
  readonly nhead: number;
  /** The `options` setting, as given to the constructor. */
  readonly options: Readonly<TransformerEncoderLayerOptions>;
  // PyTorch's names (state dict keys).
  /** Submodule `self_attn`, named as in PyTorch (its state-dict prefix). */
  self_attn: MultiheadAttention;
  /** Submodule `multihead_attn`, named as in PyTorch (its state-dict prefix). */
  multihead_attn: MultiheadAttention;
  /** Submodule `linear1`, named as in PyTorch (its state-dict prefix). */
  linear1: Linear;
  /** Submodule `dropout`, named as in PyTorch (its state-dict prefix). */
  dropout: Dropout;
  /** Submodule `linear2`, named as in PyTorch (its state-dict prefix). */
  linear2: Linear;
  /** The `normFirst` setting (PyTorch's `norm_first`). */
  readonly normFirst: boolean;
  /** Submodule `norm1`, named as in PyTorch (its state-dict prefix). */
  norm1: LayerNorm;
  /** Submodule `norm2`, named as in PyTorch (its state-dict prefix). */
  norm2: LayerNorm;
  /** Submodule `norm3`, named as in PyTorch (its state-dict prefix). */
  norm3: LayerNorm;
  /** Submodule `dropout1`, named as in PyTorch (its state-dict prefix). */
  dropout1: Dropout;
  /** Submodule `dropout2`, named as in PyTorch (its state-dict prefix). */
  dropout2: Dropout;
  /** Submodule `dropout3`, named as in PyTorch (its state-dict prefix). */
  dropout3: Dropout;
  /** The `activation` setting, as given to the constructor. */
  readonly activation: "relu" | "gelu";

  /** Creates the module; the arguments are described on the class. */
  constructor(dModel: number, nhead: number, opts: TransformerEncoderLayerOptions = {}) {
    super();
    this.dModel = dModel;
    this.nhead = nhead;
    this.options = { ...opts };
    const { dimFeedforward = 2048, dropout = 0.1, layerNormEps = 1e-5, dtype } = opts;
    this.activation = checkActivation("TransformerDecoderLayer", opts.activation);
    this.self_attn = new MultiheadAttention(dModel, nhead, { dropout, batchFirst: opts.batchFirst, dtype });
    this.multihead_attn = new MultiheadAttention(dModel, nhead, {
      dropout,
      batchFirst: opts.batchFirst,
      dtype,
    });
    this.linear1 = new Linear(dModel, dimFeedforward, { dtype });
    this.dropout = new Dropout(dropout);
    this.linear2 = new Linear(dimFeedforward, dModel, { dtype });
    this.normFirst = opts.normFirst ?? false;
    this.norm1 = new LayerNorm(dModel, { eps: layerNormEps });
    this.norm2 = new LayerNorm(dModel, { eps: layerNormEps });
    this.norm3 = new LayerNorm(dModel, { eps: layerNormEps });
    this.dropout1 = new Dropout(dropout);
    this.dropout2 = new Dropout(dropout);
    this.dropout3 = new Dropout(dropout);
    if (opts.device && opts.device !== "cpu") this.to(opts.device);
  }

  #selfAttend(x: Tensor, o: DecoderForward): Tensor {
    const [out] = this.self_attn(x, x, x, {
      attnMask: o.tgtMask,
      keyPaddingMask: o.tgtKeyPaddingMask,
      isCausal: o.tgtIsCausal,
      needWeights: false,
    });
    return this.dropout1(out);
  }

  #crossAttend(x: Tensor, memory: Tensor, o: DecoderForward): Tensor {
    const [out] = this.multihead_attn(x, memory, memory, {
      attnMask: o.memoryMask,
      keyPaddingMask: o.memoryKeyPaddingMask,
      needWeights: false,
    });
    return this.dropout2(out);
  }

  /** The layer's output, of `tgt`'s shape. */
  override forward(tgt: Tensor, memory: Tensor, opts: DecoderForward = {}): Tensor {
    if (this.normFirst) {
      let x = tgt.add(this.#selfAttend(this.norm1(tgt), opts));
      x = x.add(this.#crossAttend(this.norm2(x), memory, opts));
      return x.add(feedForwardBlock(this, this.norm3(x), this.dropout3));
    }
    let x = this.norm1(tgt.add(this.#selfAttend(tgt, opts)));
    x = this.norm2(x.add(this.#crossAttend(x, memory, opts)));
    return this.norm3(x.add(feedForwardBlock(this, x, this.dropout3)));
  }

  /** A new layer with the same options and a copy of this one's parameters (drawing no random numbers). */
  copy(): TransformerDecoderLayer {
    return copyLayer(
      this,
      () => new TransformerDecoderLayer(this.dModel, this.nhead, { ...this.options, device: "cpu" }),
    );
  }
}

/**
 * A stack of `numLayers` copies of `decoderLayer`, then an optional final `norm` (PyTorch's
 * `nn.TransformerDecoder`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const decoder = new nn.TransformerDecoder(new nn.TransformerDecoderLayer(16, 2, { dimFeedforward: 32 }), 2);
 * assertEquals(decoder(torch.randn(5, 2, 16), torch.randn(7, 2, 16)).shape, [5, 2, 16]);
 * ```
 */
export class TransformerDecoder extends Module {
  /** Submodule `layers`, named as in PyTorch (its state-dict prefix). */
  layers: ModuleList;
  /** The `numLayers` setting (PyTorch's `num_layers`). */
  readonly numLayers: number;
  /** Normalisation applied to the last layer's output (null for none). */
  norm: Module | null;

  /** Creates the module; the arguments are described on the class. */
  constructor(decoderLayer: TransformerDecoderLayer, numLayers: number, opts: { norm?: Module | null } = {}) {
    super();
    this.layers = layerStack(
      "TransformerDecoder",
      "decoderLayer",
      decoderLayer,
      TransformerDecoderLayer,
      numLayers,
    );
    this.numLayers = numLayers;
    this.norm = opts.norm ?? null;
  }

  /** Runs every layer over the target with the same memory and masks, then the final norm. */
  override forward(tgt: Tensor, memory: Tensor, opts: DecoderForward = {}): Tensor {
    let x = tgt;
    for (let i = 0; i < this.numLayers; i++) x = (this.layers[i] as TransformerDecoderLayer)(x, memory, opts);
    return this.norm ? (this.norm(x) as Tensor) : x;
  }
}

/** Options of `Transformer` (PyTorch's keyword arguments). */
export interface TransformerOptions extends TransformerEncoderLayerOptions {
  /** Width of the model (default 512). */
  dModel?: number;
  /** Attention heads (default 8). */
  nhead?: number;
  /** Encoder layers (default 6). */
  numEncoderLayers?: number;
  /** Decoder layers (default 6). */
  numDecoderLayers?: number;
}

/** Options of `Transformer.forward`: the decoder's and the encoder's masks. */
export interface TransformerForward extends DecoderForward {
  /** Self-attention mask over the source. */
  srcMask?: Tensor | null;
  /** `[N, S]`: true where a source position is padding. */
  srcKeyPaddingMask?: Tensor | null;
}

/**
 * The encoder-decoder Transformer (PyTorch's `nn.Transformer`): an encoder and a decoder stack,
 * each with a final LayerNorm. `forward(src, tgt)` gives the decoder's output.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const model = new nn.Transformer({ dModel: 16, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 32 });
 * const mask = nn.Transformer.generateSquareSubsequentMask(5);
 * assertEquals(model(torch.randn(7, 2, 16), torch.randn(5, 2, 16), { tgtMask: mask }).shape, [5, 2, 16]);
 * ```
 */
export class Transformer extends Module {
  /** Submodule `encoder`, named as in PyTorch (its state-dict prefix). */
  encoder: TransformerEncoder;
  /** Submodule `decoder`, named as in PyTorch (its state-dict prefix). */
  decoder: TransformerDecoder;
  /** The `dModel` setting (PyTorch's `d_model`). */
  readonly dModel: number;
  /** The `nhead` setting, as given to the constructor. */
  readonly nhead: number;
  /** The `batchFirst` setting (PyTorch's `batch_first`). */
  readonly batchFirst: boolean;

  /** Creates the module; the arguments are described on the class. */
  constructor(opts: TransformerOptions = {}) {
    super();
    const { dModel = 512, nhead = 8, numEncoderLayers = 6, numDecoderLayers = 6, ...layerOpts } = opts;
    this.dModel = dModel;
    this.nhead = nhead;
    this.batchFirst = layerOpts.batchFirst ?? false;
    const eps = layerOpts.layerNormEps ?? 1e-5;
    this.encoder = new TransformerEncoder(
      new TransformerEncoderLayer(dModel, nhead, layerOpts),
      numEncoderLayers,
      {
        norm: new LayerNorm(dModel, { eps }),
      },
    );
    this.decoder = new TransformerDecoder(
      new TransformerDecoderLayer(dModel, nhead, layerOpts),
      numDecoderLayers,
      {
        norm: new LayerNorm(dModel, { eps }),
      },
    );
    // PyTorch's _reset_parameters: xavier_uniform on every matrix.
    for (const p of this.parameters()) if (p.ndim > 1) init.xavierUniform_(p);
  }

  /** The decoder's output for source `src` and target `tgt`. */
  override forward(src: Tensor, tgt: Tensor, opts: TransformerForward = {}): Tensor {
    const memory = this.encoder(src, { mask: opts.srcMask, srcKeyPaddingMask: opts.srcKeyPaddingMask });
    return this.decoder(tgt, memory, opts);
  }

  /** A `[size, size]` float mask with -inf above the diagonal (each position sees itself and earlier ones). */
  static generateSquareSubsequentMask(size: number): Tensor {
    if (!Number.isInteger(size) || size < 1) {
      throw new RangeError(`generateSquareSubsequentMask: size must be a positive integer, got ${size}`);
    }
    return full([size, size], -Infinity).triu(1);
  }
}
