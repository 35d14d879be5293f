/**
 * `MultiheadAttention`, `TransformerEncoderLayer` and `TransformerEncoder`, written with `linear`,
 * attention (../attention.ts) and the elementwise ops (so they run on every backend and autograd differentiates them).
 * Parameter names, initialisation, mask conventions and layouts are PyTorch's, so state dicts
 * load across.
 * @module
 */
import type { Tensor } from "../../tensor.ts";
import type { Device } from "../../backends/backend.ts";
import { type DType, getDefaultDtype } from "../../dtype.ts";
import { empty } from "../../creation.ts";
import { defaultGenerator } from "../../random.ts";
import { fmtShape } from "../../shape.ts";
import { Module, Parameter } from "../module.ts";
import * as F from "../functional.ts";
import * as init from "../init.ts";
import { multiHeadAttentionCore } from "../multi_head_attention_core.ts";
import { Linear } from "./linear.ts";
import { Dropout } from "./dropout.ts";
import { LayerNorm } from "./normalization.ts";
import { ModuleList } from "./container.ts";

/** Options of `MultiheadAttention`. */
export interface MultiheadAttentionOptions {
  /** Dropout on the attention weights in training (default 0). */
  dropout?: number;
  /** Whether the projections add biases (default true). */
  bias?: boolean;
  /** Features of the keys (default embedDim). */
  kdim?: number;
  /** Features of the values (default embedDim). */
  vdim?: number;
  /** Inputs and output as `[batch, seq, feature]` (default false: `[seq, batch, feature]`). */
  batchFirst?: boolean;
  /** Device to create the parameters on (default `"cpu"`). */
  device?: Device;
  /** dtype of the parameters (default `"float32"`). */
  dtype?: DType;
}

/** Options of `MultiheadAttention.forward`. */
export interface MultiheadAttentionForward {
  /** `[N, S]` (or `[S]`): true (or a float added to the scores) where a key is padding. */
  keyPaddingMask?: Tensor | null;
  /** Return the attention weights (default true). */
  needWeights?: boolean;
  /** `[L, S]` or `[N * numHeads, L, S]`: true (or -inf added) where attention is not allowed. */
  attnMask?: Tensor | null;
  /** Average the weights over heads (default true): `[N, L, S]`, else `[N, numHeads, L, S]`. */
  averageAttnWeights?: boolean;
  /** A causal mask instead of `attnMask`. */
  isCausal?: boolean;
}

/**
 * The output projection of `MultiheadAttention`: a `Linear` under PyTorch's class name (so
 * `String(mha)` prints as PyTorch's).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as nn from "../mod.ts";
 * assertEquals(String(new nn.MultiheadAttention(8, 2).out_proj), "NonDynamicallyQuantizableLinear(in_features=8, out_features=8, bias=True)");
 * ```
 */
export class NonDynamicallyQuantizableLinear extends Linear {}

/**
 * Multi-head attention (PyTorch's `nn.MultiheadAttention`): queries `[L, N, E]`, keys and values
 * `[S, N, kdim/vdim]` (batch first with `batchFirst`; unbatched `[L, E]` too). Returns
 * `[output, weights]`, the weights averaged over heads (`null` with `needWeights: false`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const mha = new nn.MultiheadAttention(16, 4, { batchFirst: true });
 * const x = torch.randn(2, 5, 16);
 * const [out, weights] = mha(x, x, x);
 * assertEquals([out.shape, weights!.shape], [[2, 5, 16], [2, 5, 5]]);
 * ```
 */
export class MultiheadAttention extends Module {
  /** The `embedDim` setting (PyTorch's `embed_dim`). */
  readonly embedDim: number;
  /** The `numHeads` setting (PyTorch's `num_heads`). */
  readonly numHeads: number;
  /** The `kdim` setting, as given to the constructor. */
  readonly kdim: number;
  /** The `vdim` setting, as given to the constructor. */
  readonly vdim: number;
  /** The `dropout` setting, as given to the constructor. */
  readonly dropout: number;
  /** The `batchFirst` setting (PyTorch's `batch_first`). */
  readonly batchFirst: boolean;
  /** Size of each head: `embedDim / numHeads`. */
  readonly headDim: number;
  // PyTorch's names (state dict keys).
  /** Learnable parameter `in_proj_weight` (null when the module has none), as PyTorch names it. */
  in_proj_weight: Parameter | null = null;
  /** Learnable parameter `q_proj_weight` (null when the module has none), as PyTorch names it. */
  q_proj_weight: Parameter | null = null;
  /** Learnable parameter `k_proj_weight` (null when the module has none), as PyTorch names it. */
  k_proj_weight: Parameter | null = null;
  /** Learnable parameter `v_proj_weight` (null when the module has none), as PyTorch names it. */
  v_proj_weight: Parameter | null = null;
  /** Learnable parameter `in_proj_bias` (null when the module has none), as PyTorch names it. */
  in_proj_bias: Parameter | null;
  /** Submodule `out_proj`, named as in PyTorch (its state-dict prefix). */
  out_proj: NonDynamicallyQuantizableLinear;

  /** Creates the module; the arguments are described on the class. */
  constructor(embedDim: number, numHeads: number, opts: MultiheadAttentionOptions = {}) {
    super();
    if (!Number.isInteger(embedDim) || embedDim < 1 || !Number.isInteger(numHeads) || numHeads < 1) {
      throw new RangeError(
        `MultiheadAttention: embedDim and numHeads must be positive integers, got ${embedDim}, ${numHeads}`,
      );
    }
    if (embedDim % numHeads !== 0) {
      throw new RangeError("MultiheadAttention: embed_dim must be divisible by num_heads");
    }
    this.embedDim = embedDim;
    this.numHeads = numHeads;
    this.headDim = embedDim / numHeads;
    this.kdim = opts.kdim ?? embedDim;
    this.vdim = opts.vdim ?? embedDim;
    this.dropout = opts.dropout ?? 0;
    this.batchFirst = opts.batchFirst ?? false;
    const dtype = opts.dtype ?? getDefaultDtype();
    const bias = opts.bias ?? true;
    if (this.kdim === embedDim && this.vdim === embedDim) {
      this.in_proj_weight = new Parameter(empty([3 * embedDim, embedDim], { dtype }));
    } else {
      this.q_proj_weight = new Parameter(empty([embedDim, embedDim], { dtype }));
      this.k_proj_weight = new Parameter(empty([embedDim, this.kdim], { dtype }));
      this.v_proj_weight = new Parameter(empty([embedDim, this.vdim], { dtype }));
    }
    this.in_proj_bias = bias ? new Parameter(empty([3 * embedDim], { dtype })) : null;
    this.out_proj = new NonDynamicallyQuantizableLinear(embedDim, embedDim, { bias, dtype });
    this.resetParameters();
    if (opts.device && opts.device !== "cpu") this.to(opts.device);
  }

  /** PyTorch's initialisation: xavier_uniform projections, zero biases (out_proj's weight as Linear). */
  resetParameters(): void {
    for (const w of [this.in_proj_weight, this.q_proj_weight, this.k_proj_weight, this.v_proj_weight]) {
      if (w) init.xavierUniform_(w);
    }
    if (this.in_proj_bias) init.constant_(this.in_proj_bias, 0);
    if (this.out_proj.bias) init.constant_(this.out_proj.bias, 0);
  }

  /** `[output, weights]` for `query`, `key`, `value` (see the class). */
  override forward(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    opts: MultiheadAttentionForward = {},
  ): [Tensor, Tensor | null] {
    const op = "MultiheadAttention";
    // F.multiHeadAttentionForward's layout: sequence first ([L, N, E]) or unbatched ([L, E]).
    const batchFirst = this.batchFirst && query.ndim === 3;
    const seqFirst = (t: Tensor) => (batchFirst && t.ndim === 3 ? t.transpose(0, 1) : t);
    const q0 = seqFirst(query), k0 = seqFirst(key), v0 = seqFirst(value);
    if (k0.shape[k0.ndim - 1] !== this.kdim || v0.shape[v0.ndim - 1] !== this.vdim) {
      throw new RangeError(
        `${op}: key ${fmtShape(key.shape)} and value ${
          fmtShape(value.shape)
        } do not match kdim=${this.kdim}, ` +
          `vdim=${this.vdim}`,
      );
    }
    const [out, w] = multiHeadAttentionCore(op, q0, k0, v0, {
      embedDimToCheck: this.embedDim,
      numHeads: this.numHeads,
      inProjWeight: this.in_proj_weight,
      inProjBias: this.in_proj_bias,
      dropoutP: this.dropout,
      outProjWeight: this.out_proj.weight,
      outProjBias: this.out_proj.bias,
      training: this.training,
      keyPaddingMask: opts.keyPaddingMask,
      needWeights: opts.needWeights,
      attnMask: opts.attnMask,
      useSeparateProjWeight: this.in_proj_weight === null,
      qProjWeight: this.q_proj_weight,
      kProjWeight: this.k_proj_weight,
      vProjWeight: this.v_proj_weight,
      averageAttnWeights: opts.averageAttnWeights,
      isCausal: opts.isCausal,
    });
    return [batchFirst ? out.transpose(0, 1) : out, w];
  }
}

/**
 * @internal A copy of `layer` for the encoder and decoder stacks, as PyTorch's `copy.deepcopy`:
 * `make()` builds a layer of the same configuration on the CPU, which then takes `layer`'s
 * parameters, `requiresGrad` flags, training mode and device. Building it draws initial weights
 * from the global generator; its state is restored afterwards, so the copy draws nothing (PyTorch's
 * deep copy draws nothing, and every parameter initialised after it must get PyTorch's values).
 */
export function copyLayer<T extends Module>(layer: T, make: () => T): T {
  const state = defaultGenerator.getState();
  let fresh: T;
  try {
    fresh = make();
  } finally {
    defaultGenerator.setState(state);
  }
  fresh.loadStateDict(layer.stateDict());
  const source = layer.parameters();
  fresh.parameters().forEach((p, i) => p.requiresGrad_(source[i].requiresGrad));
  const sourceModules = layer.modules();
  fresh.modules().forEach((m, i) => (m.training = sourceModules[i].training));
  const device = source[0]?.device ?? "cpu";
  return device === "cpu" ? fresh : fresh.to(device) as T;
}

/** @internal The activation option of the encoder and decoder layers, checked (default relu). */
export function checkActivation(op: string, activation: unknown): "relu" | "gelu" {
  if (activation !== undefined && activation !== "relu" && activation !== "gelu") {
    throw new RangeError(`${op}: activation should be relu/gelu, not ${activation}`);
  }
  return (activation ?? "relu") as "relu" | "gelu";
}

/** @internal The layers' feed-forward block: `out(linear2(dropout(act(linear1(x)))))`. */
export function feedForwardBlock(
  layer: { linear1: Linear; linear2: Linear; dropout: Dropout; activation: "relu" | "gelu" },
  x: Tensor,
  out: Dropout,
): Tensor {
  const h = layer.linear1(x);
  return out(layer.linear2(layer.dropout(layer.activation === "relu" ? F.relu(h) : F.gelu(h))));
}

/**
 * @internal `numLayers` copies of `layer` (checked to be a `cls`) for the encoder and decoder
 * stacks, each with its own parameters.
 */
export function layerStack<T extends Module & { copy(): T }>(
  op: string,
  name: string,
  layer: T,
  cls: abstract new (...args: never[]) => T,
  numLayers: number,
): ModuleList {
  if (!(layer instanceof cls)) throw new TypeError(`${op}: ${name} must be a ${cls.name}`);
  if (!Number.isInteger(numLayers) || numLayers < 1) {
    throw new RangeError(`${op}: numLayers must be a positive integer, got ${numLayers}`);
  }
  return new ModuleList(Array.from({ length: numLayers }, () => layer.copy()));
}

/** Options of `TransformerEncoderLayer` (PyTorch's keyword arguments). */
export interface TransformerEncoderLayerOptions {
  /** Width of the feed-forward block (default 2048). */
  dimFeedforward?: number;
  /** Dropout in attention, feed-forward and residual branches (default 0.1). */
  dropout?: number;
  /** `"relu"` (default) or `"gelu"`. */
  activation?: "relu" | "gelu";
  /** LayerNorm epsilon (default 1e-5). */
  layerNormEps?: number;
  /** `[batch, seq, feature]` inputs (default false). */
  batchFirst?: boolean;
  /** LayerNorm before each block instead of after (default false). */
  normFirst?: boolean;
  /** Device to create the parameters on (default `"cpu"`). */
  device?: Device;
  /** dtype of the parameters (default `"float32"`). */
  dtype?: DType;
}

/** Options of `TransformerEncoderLayer.forward` and `TransformerEncoder.forward`. */
export interface EncoderForward {
  /** The attention mask (see `MultiheadAttention`). */
  mask?: Tensor | null;
  /** `[N, S]`: true where a position is padding. */
  srcKeyPaddingMask?: Tensor | null;
  /** A causal mask instead of `mask`. */
  isCausal?: boolean;
}

/**
 * One Transformer encoder layer (self-attention and a feed-forward block, each with a residual
 * connection and LayerNorm), as PyTorch's `nn.TransformerEncoderLayer`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const layer = new nn.TransformerEncoderLayer(32, 4, { dimFeedforward: 64, batchFirst: true });
 * assertEquals(layer(torch.randn(2, 10, 32)).shape, [2, 10, 32]);
 * ```
 */
export class TransformerEncoderLayer extends Module {
  /** The `dModel` setting (PyTorch's `d_model`). */
  readonly dModel: number;
  /** The `nhead` setting, as given to the constructor. */
  readonly nhead: number;
  /** The `options` setting, as given to the constructor. */
  readonly options: Readonly<TransformerEncoderLayerOptions>;
  // PyTorch's names (state dict keys).
  /** Submodule `self_attn`, named as in PyTorch (its state-dict prefix). */
  self_attn: MultiheadAttention;
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
  /** Submodule `dropout1`, named as in PyTorch (its state-dict prefix). */
  dropout1: Dropout;
  /** Submodule `dropout2`, named as in PyTorch (its state-dict prefix). */
  dropout2: Dropout;
  /** The `activation` setting, as given to the constructor. */
  readonly activation: "relu" | "gelu";

  /** Creates the module; the arguments are described on the class. */
  constructor(dModel: number, nhead: number, opts: TransformerEncoderLayerOptions = {}) {
    super();
    this.dModel = dModel;
    this.nhead = nhead;
    this.options = { ...opts };
    const { dimFeedforward = 2048, dropout = 0.1, layerNormEps = 1e-5, dtype } = opts;
    this.activation = checkActivation("TransformerEncoderLayer", opts.activation);
    this.self_attn = new MultiheadAttention(dModel, nhead, { dropout, batchFirst: opts.batchFirst, dtype });
    this.linear1 = new Linear(dModel, dimFeedforward, { dtype });
    this.dropout = new Dropout(dropout);
    this.linear2 = new Linear(dimFeedforward, dModel, { dtype });
    this.normFirst = opts.normFirst ?? false;
    this.norm1 = new LayerNorm(dModel, { eps: layerNormEps });
    this.norm2 = new LayerNorm(dModel, { eps: layerNormEps });
    this.dropout1 = new Dropout(dropout);
    this.dropout2 = new Dropout(dropout);
    if (opts.device && opts.device !== "cpu") this.to(opts.device);
  }

  #attend(x: Tensor, opts: EncoderForward): Tensor {
    const [out] = this.self_attn(x, x, x, {
      attnMask: opts.mask,
      keyPaddingMask: opts.srcKeyPaddingMask,
      isCausal: opts.isCausal,
      needWeights: false,
    });
    return this.dropout1(out);
  }

  /** The layer's output, of `src`'s shape. */
  override forward(src: Tensor, opts: EncoderForward = {}): Tensor {
    if (this.normFirst) {
      const x = src.add(this.#attend(this.norm1(src), opts));
      return x.add(feedForwardBlock(this, this.norm2(x), this.dropout2));
    }
    const x = this.norm1(src.add(this.#attend(src, opts)));
    return this.norm2(x.add(feedForwardBlock(this, x, this.dropout2)));
  }

  /** A new layer with the same options and a copy of this one's parameters (drawing no random numbers). */
  copy(): TransformerEncoderLayer {
    return copyLayer(
      this,
      () => new TransformerEncoderLayer(this.dModel, this.nhead, { ...this.options, device: "cpu" }),
    );
  }
}

/**
 * A stack of `numLayers` copies of `encoderLayer` (each with its own parameters, copied from it),
 * then an optional final `norm`, as PyTorch's `nn.TransformerEncoder`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const layer = new nn.TransformerEncoderLayer(16, 2, { dimFeedforward: 32 });
 * const encoder = new nn.TransformerEncoder(layer, 3);
 * assertEquals(encoder(torch.randn(7, 2, 16)).shape, [7, 2, 16]);
 * ```
 */
export class TransformerEncoder extends Module {
  /** Submodule `layers`, named as in PyTorch (its state-dict prefix). */
  layers: ModuleList;
  /** The `numLayers` setting (PyTorch's `num_layers`). */
  readonly numLayers: number;
  /** Normalisation applied to the last layer's output (null for none). */
  norm: Module | null;

  /** Creates the module; the arguments are described on the class. */
  constructor(encoderLayer: TransformerEncoderLayer, numLayers: number, opts: { norm?: Module | null } = {}) {
    super();
    this.layers = layerStack(
      "TransformerEncoder",
      "encoderLayer",
      encoderLayer,
      TransformerEncoderLayer,
      numLayers,
    );
    this.numLayers = numLayers;
    this.norm = opts.norm ?? null;
  }

  /** Runs every layer with the same masks, then the final norm. */
  override forward(src: Tensor, opts: EncoderForward = {}): Tensor {
    let x = src;
    for (let i = 0; i < this.numLayers; i++) x = (this.layers[i] as TransformerEncoderLayer)(x, opts);
    return this.norm ? (this.norm(x) as Tensor) : x;
  }
}
