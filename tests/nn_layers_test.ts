/** nn layers against PyTorch fixtures (tools/fixtures/nn_fixtures.py): outputs, gradients, running stats. */
import * as torch from "../mod.ts";
import * as nn from "../src/nn/mod.ts";
import { assert, assertClose, assertThrowsMsg, gradcheck } from "./helpers.ts";

interface FixtureTensor {
  shape: number[];
  dtype: "float32" | "int32";
  values: (number | string)[];
}
interface LayerCase {
  id: string;
  mode: "train" | "eval";
  state: Record<string, FixtureTensor>;
  steps: FixtureTensor[];
  input: FixtureTensor;
  output: FixtureTensor;
  proj: FixtureTensor;
  grads: Record<string, FixtureTensor | null>;
  state_after: Record<string, FixtureTensor>;
}

const fixtures = JSON.parse(
  Deno.readTextFileSync(new URL("./fixtures/nn_layers.json", import.meta.url)),
) as { cases: LayerCase[] };

export function fromFixture(t: FixtureTensor, opts: { requiresGrad?: boolean } = {}): torch.Tensor {
  const values = t.values.map((v) => (typeof v === "string" ? Number(v.replace("inf", "Infinity")) : v));
  return torch.tensor(values, { dtype: t.dtype }).reshape(t.shape).requiresGrad_(opts.requiresGrad ?? false);
}

/** The output and final states of a recurrent layer, flattened into one tensor (as the fixture's wrapper). */
class Flat extends nn.Module {
  rnn: nn.RNN | nn.LSTM | nn.GRU;
  constructor(rnn: nn.RNN | nn.LSTM | nn.GRU) {
    super();
    this.rnn = rnn;
  }
  override forward(x: torch.Tensor): torch.Tensor {
    // A union of overloaded call signatures is not callable in TypeScript: call it as a Module.
    const [out, state] = (this.rnn as nn.Module)(x) as [torch.Tensor, torch.Tensor | torch.Tensor[]];
    const parts = [out, ...(Array.isArray(state) ? state : [state])];
    return torch.cat(parts.map((p) => p.reshape(-1)));
  }
}

/** A cell stepped over the first dim of the input, every state flattened and joined. */
class FlatCell extends nn.Module {
  cell: nn.RNNCell | nn.LSTMCell | nn.GRUCell;
  steps: number;
  constructor(cell: nn.RNNCell | nn.LSTMCell | nn.GRUCell, steps: number) {
    super();
    this.cell = cell;
    this.steps = steps;
  }
  override forward(x: torch.Tensor): torch.Tensor {
    let state: torch.Tensor | [torch.Tensor, torch.Tensor] | undefined;
    const outs: torch.Tensor[] = [];
    for (let t = 0; t < this.steps; t++) {
      state = (this.cell as nn.Module)(x.index(t), state) as torch.Tensor | [torch.Tensor, torch.Tensor];
      outs.push(...(Array.isArray(state) ? state : [state]));
    }
    return torch.cat(outs.map((o) => o.reshape(-1)));
  }
}

const causal5 = () => torch.full([5, 5], -Infinity).triu(1);
const bool5 = () => torch.ones([5, 5], { dtype: "bool" }).triu(1);
const padding = () => torch.tensor([[false, false, false, false, false], [false, false, false, true, true]]);

/** Self-attention with fixed masks; output and weights flattened (as the fixture's wrapper). */
class SelfAttention extends nn.Module {
  attn: nn.MultiheadAttention;
  mask?: torch.Tensor;
  padding?: torch.Tensor;
  constructor(attn: nn.MultiheadAttention, mask?: torch.Tensor, padding?: torch.Tensor) {
    super();
    this.attn = attn;
    this.mask = mask;
    this.padding = padding;
  }
  override forward(x: torch.Tensor): torch.Tensor {
    const [out, w] = this.attn(x, x, x, { attnMask: this.mask, keyPaddingMask: this.padding });
    return torch.cat([out.reshape(-1), w!.reshape(-1)]);
  }
}

/** Attention with key x[..., :6] and value x[..., 2:6], weights per head (as the fixture's wrapper). */
class CrossAttention extends nn.Module {
  attn: nn.MultiheadAttention;
  constructor(attn: nn.MultiheadAttention) {
    super();
    this.attn = attn;
  }
  override forward(x: torch.Tensor): torch.Tensor {
    const [out, w] = this.attn(x, x.index(":", ":", ":6"), x.index(":", ":", "2:6"), {
      averageAttnWeights: false,
    });
    return torch.cat([out.reshape(-1), w!.reshape(-1)]);
  }
}

/** An encoder (layer) with fixed masks. */
class Encoder extends nn.Module {
  enc: nn.TransformerEncoderLayer | nn.TransformerEncoder;
  mask?: torch.Tensor;
  padding?: torch.Tensor;
  constructor(
    enc: nn.TransformerEncoderLayer | nn.TransformerEncoder,
    mask?: torch.Tensor,
    padding?: torch.Tensor,
  ) {
    super();
    this.enc = enc;
    this.mask = mask;
    this.padding = padding;
  }
  override forward(x: torch.Tensor): torch.Tensor {
    return this.enc(x, { mask: this.mask, srcKeyPaddingMask: this.padding }) as torch.Tensor;
  }
}

/** A decoder (layer) whose memory is the input's first 3 positions, with fixed target masks. */
class Decoder extends nn.Module {
  dec: nn.TransformerDecoderLayer;
  batchFirst: boolean;
  tgtMask?: torch.Tensor;
  tgtPadding?: torch.Tensor;
  constructor(
    dec: nn.TransformerDecoderLayer,
    batchFirst = false,
    tgtMask?: torch.Tensor,
    tgtPadding?: torch.Tensor,
  ) {
    super();
    this.dec = dec;
    this.batchFirst = batchFirst;
    this.tgtMask = tgtMask;
    this.tgtPadding = tgtPadding;
  }
  override forward(x: torch.Tensor): torch.Tensor {
    const memory = this.batchFirst ? x.index(":", ":3") : x.index(":3");
    return this.dec(x, memory, { tgtMask: this.tgtMask, tgtKeyPaddingMask: this.tgtPadding });
  }
}

/** The whole Transformer with the flipped input as source and a causal target mask. */
class Seq2Seq extends nn.Module {
  model: nn.Transformer;
  constructor(model: nn.Transformer) {
    super();
    this.model = model;
  }
  override forward(x: torch.Tensor): torch.Tensor {
    return this.model(x.flip(0), x, { tgtMask: causal5() });
  }
}

const builders: Record<string, () => nn.Module> = {
  decoder_layer_causal: () =>
    new Decoder(new nn.TransformerDecoderLayer(8, 2, { dimFeedforward: 16 }), false, causal5()),
  decoder_layer_norm_first_gelu_padding: () =>
    new Decoder(
      new nn.TransformerDecoderLayer(8, 4, {
        dimFeedforward: 12,
        activation: "gelu",
        batchFirst: true,
        normFirst: true,
      }),
      true,
      undefined,
      padding(),
    ),
  transformer_small: () =>
    new Seq2Seq(
      new nn.Transformer({
        dModel: 8,
        nhead: 2,
        numEncoderLayers: 1,
        numDecoderLayers: 2,
        dimFeedforward: 16,
      }),
    ),
  instancenorm1d: () => new nn.InstanceNorm1d(3),
  instancenorm2d_affine: () => new nn.InstanceNorm2d(2, { affine: true }),
  instancenorm2d_unbatched_eps: () => new nn.InstanceNorm2d(3, { eps: 1e-3 }),
  instancenorm1d_running_train: () => new nn.InstanceNorm1d(3, { trackRunningStats: true, momentum: 0.2 }),
  instancenorm2d_running_eval: () => new nn.InstanceNorm2d(2, { affine: true, trackRunningStats: true }),
  upsample_nearest_x2: () => new nn.Upsample({ scaleFactor: 2 }),
  upsample_nearest_size_1d: () => new nn.Upsample({ size: 5 }),
  upsample_nearest_down: () => new nn.Upsample({ size: [2, 3] }),
  upsample_bilinear_size: () => new nn.Upsample({ size: [5, 7], mode: "bilinear" }),
  upsample_bilinear_align_scale: () =>
    new nn.Upsample({ scaleFactor: 1.5, mode: "bilinear", alignCorners: true }),
  upsample_bilinear_down: () => new nn.Upsample({ size: [3, 2], mode: "bilinear" }),
  upsample_linear: () => new nn.Upsample({ size: 7, mode: "linear" }),
  groupnorm: () => new nn.GroupNorm(2, 6),
  groupnorm_4d_eps: () => new nn.GroupNorm(3, 6, { eps: 1e-3 }),
  groupnorm_no_affine_eval: () => new nn.GroupNorm(1, 4, { affine: false }),
  conv_transpose2d: () => new nn.ConvTranspose2d(3, 2, 3),
  conv_transpose2d_dcgan: () => new nn.ConvTranspose2d(4, 3, 4, { stride: 2, padding: 1, bias: false }),
  conv_transpose2d_output_padding: () =>
    new nn.ConvTranspose2d(2, 2, 3, { stride: [2, 3], padding: [1, 0], outputPadding: [1, 2] }),
  conv_transpose2d_groups_dilation: () =>
    new nn.ConvTranspose2d(4, 6, [2, 3], { groups: 2, dilation: [2, 1] }),
  conv_transpose2d_unbatched: () => new nn.ConvTranspose2d(2, 3, 2, { stride: 2 }),
  mha: () => new SelfAttention(new nn.MultiheadAttention(8, 2)),
  mha_causal_padding_batch_first: () =>
    new SelfAttention(new nn.MultiheadAttention(8, 4, { batchFirst: true }), causal5(), padding()),
  mha_bool_mask_no_bias: () => new SelfAttention(new nn.MultiheadAttention(6, 3, { bias: false }), bool5()),
  mha_kdim_vdim: () => new CrossAttention(new nn.MultiheadAttention(8, 2, { kdim: 6, vdim: 4 })),
  encoder_layer: () => new Encoder(new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16 })),
  encoder_layer_norm_first_gelu: () =>
    new Encoder(
      new nn.TransformerEncoderLayer(8, 4, {
        dimFeedforward: 12,
        activation: "gelu",
        batchFirst: true,
        normFirst: true,
      }),
      undefined,
      padding(),
    ),
  encoder_2_layers_norm_causal: () =>
    new Encoder(
      new nn.TransformerEncoder(new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16 }), 2, {
        norm: new nn.LayerNorm(8),
      }),
      causal5(),
    ),
  adaptive_avg_global: () => new nn.AdaptiveAvgPool2d(1),
  adaptive_avg_divisible: () => new nn.AdaptiveAvgPool2d([2, 3]),
  adaptive_avg_uneven: () => new nn.AdaptiveAvgPool2d([3, 4]),
  adaptive_avg_none_unbatched: () => new nn.AdaptiveAvgPool2d([null, 2]),
  adaptive_max_divisible: () => new nn.AdaptiveMaxPool2d(2),
  adaptive_max_uneven: () => new nn.AdaptiveMaxPool2d([2, 3]),
  zeropad2d: () => new nn.ZeroPad2d([1, 2, 0, 1]),
  constantpad1d: () => new nn.ConstantPad1d([2, 1], 3.5),
  constantpad2d_crop: () => new nn.ConstantPad2d([-1, 2, 1, -1], -1),
  reflectionpad1d: () => new nn.ReflectionPad1d([3, 1]),
  reflectionpad2d: () => new nn.ReflectionPad2d([1, 2, 2, 1]),
  replicationpad1d: () => new nn.ReplicationPad1d([2, 3]),
  replicationpad2d: () => new nn.ReplicationPad2d(2),
  conv2d_reflect: () => new nn.Conv2d(2, 3, 3, { padding: 1, paddingMode: "reflect" }),
  conv2d_replicate_stride: () =>
    new nn.Conv2d(2, 2, 3, { stride: 2, padding: [2, 1], paddingMode: "replicate" }),
  conv2d_circular: () => new nn.Conv2d(1, 2, 3, { padding: 1, paddingMode: "circular" }),
  conv2d_same_reflect_dilated: () =>
    new nn.Conv2d(1, 2, [3, 2], { padding: "same", dilation: [1, 2], paddingMode: "reflect" }),
  conv1d_circular: () => new nn.Conv1d(2, 3, 3, { padding: 2, paddingMode: "circular" }),
  elu: () => new nn.ELU(),
  elu_alpha_wide: () => new nn.ELU(0.5),
  celu: () => new nn.CELU(2),
  selu: () => new nn.SELU(),
  softplus: () => new nn.Softplus(),
  softplus_beta_threshold: () => new nn.Softplus(2, 5),
  softsign: () => new nn.Softsign(),
  hardtanh: () => new nn.Hardtanh(-2, 1.5),
  relu6: () => new nn.ReLU6(),
  hardsigmoid: () => new nn.Hardsigmoid(),
  hardswish: () => new nn.Hardswish(),
  mish: () => new nn.Mish(),
  logsigmoid: () => new nn.LogSigmoid(),
  tanhshrink: () => new nn.Tanhshrink(),
  softshrink: () => new nn.Softshrink(0.7),
  hardshrink: () => new nn.Hardshrink(),
  threshold: () => new nn.Threshold(0.1, 20),
  glu: () => new nn.GLU(),
  glu_dim0: () => new nn.GLU(0),
  softmin: () => new nn.Softmin(1),
  prelu: () => new nn.PReLU(),
  prelu_channels: () => new nn.PReLU(3, 0.1),
  rnn_tanh: () => new Flat(new nn.RNN(4, 3)),
  rnn_relu_2layers_batch_first: () =>
    new Flat(new nn.RNN(4, 3, { numLayers: 2, nonlinearity: "relu", batchFirst: true })),
  lstm: () => new Flat(new nn.LSTM(4, 3)),
  lstm_2layers_bidirectional: () => new Flat(new nn.LSTM(3, 4, { numLayers: 2, bidirectional: true })),
  lstm_unbatched_no_bias: () => new Flat(new nn.LSTM(3, 2, { bias: false })),
  gru: () => new Flat(new nn.GRU(4, 3)),
  gru_bidirectional_batch_first: () => new Flat(new nn.GRU(3, 4, { bidirectional: true, batchFirst: true })),
  rnn_cell: () => new FlatCell(new nn.RNNCell(4, 3), 3),
  lstm_cell: () => new FlatCell(new nn.LSTMCell(4, 3), 3),
  gru_cell: () => new FlatCell(new nn.GRUCell(4, 3, { bias: false }), 3),
  linear: () => new nn.Linear(5, 3),
  linear_nobias_3d: () => new nn.Linear(5, 3, { bias: false }),
  relu: () => new nn.ReLU(),
  leaky_relu: () => new nn.LeakyReLU(0.2),
  leaky_relu_default: () => new nn.LeakyReLU(),
  sigmoid: () => new nn.Sigmoid(),
  tanh: () => new nn.Tanh(),
  gelu: () => new nn.GELU(),
  gelu_tanh: () => new nn.GELU({ approximate: "tanh" }),
  silu: () => new nn.SiLU(),
  softmax_dim1: () => new nn.Softmax(1),
  softmax_dim0: () => new nn.Softmax(0),
  softmax_implicit_3d: () => new nn.Softmax(),
  log_softmax_last: () => new nn.LogSoftmax(-1),
  flatten: () => new nn.Flatten(),
  flatten_0_1: () => new nn.Flatten(0, 1),
  unflatten: () => new nn.Unflatten(1, [3, 4]),
  identity: () => new nn.Identity(),
  dropout_eval: () => new nn.Dropout(0.3),
  batchnorm1d_train: () => new nn.BatchNorm1d(4),
  batchnorm1d_3d_train: () => new nn.BatchNorm1d(4),
  batchnorm1d_eval_after_steps: () => new nn.BatchNorm1d(4),
  batchnorm1d_momentum_none: () => new nn.BatchNorm1d(3, { momentum: null }),
  batchnorm1d_no_affine: () => new nn.BatchNorm1d(4, { affine: false, momentum: 0.3 }),
  batchnorm1d_no_tracking_eval: () => new nn.BatchNorm1d(4, { trackRunningStats: false }),
  batchnorm2d_train: () => new nn.BatchNorm2d(3),
  batchnorm2d_eval_after_steps: () => new nn.BatchNorm2d(3, { eps: 1e-3 }),
  layernorm: () => new nn.LayerNorm(5),
  layernorm_2d_shape: () => new nn.LayerNorm([3, 4], { eps: 1e-3 }),
  layernorm_no_affine: () => new nn.LayerNorm(6, { elementwiseAffine: false }),
  embedding: () => new nn.Embedding(10, 3),
  embedding_padding: () => new nn.Embedding(6, 4, { paddingIdx: 0 }),
  embedding_padding_negative: () => new nn.Embedding(6, 2, { paddingIdx: -1 }),
  mlp: () =>
    new nn.Sequential(
      new nn.Linear(6, 8),
      new nn.ReLU(),
      new nn.Linear(8, 8),
      new nn.Tanh(),
      new nn.Linear(8, 3),
    ),
  mlp_bn_dropout_eval: () =>
    new nn.Sequential(
      new nn.Linear(6, 8),
      new nn.BatchNorm1d(8),
      new nn.ReLU(),
      new nn.Dropout(0.5),
      new nn.Linear(8, 3),
    ),
};

const TOL = { rtol: 1e-4, atol: 1e-5 };

Deno.test("every layer fixture has a builder", () => {
  const missing = fixtures.cases.map((c) => c.id).filter((id) => !(id in builders));
  assert.deepEqual(missing, []);
});

for (const c of fixtures.cases) {
  Deno.test(`layer ${c.id}: forward, gradients and state match PyTorch`, () => {
    const m = builders[c.id]();
    const state = Object.fromEntries(Object.entries(c.state).map(([k, v]) => [k, fromFixture(v)]));
    assert.deepEqual(Object.keys(m.stateDict()), Object.keys(state), "state dict keys");
    m.loadStateDict(state);
    for (const s of c.steps) {
      m.train();
      m(fromFixture(s));
    }
    m.train(c.mode === "train");
    const x = fromFixture(c.input, { requiresGrad: c.input.dtype === "float32" });
    const out = m(x) as torch.Tensor;
    assertClose(out, fromFixture(c.output), { ...TOL, msg: `${c.id} output` });
    out.mul(fromFixture(c.proj)).sum().backward();
    if (c.grads.input) {
      assertClose(x.grad!, fromFixture(c.grads.input), { ...TOL, msg: `${c.id} input grad` });
    }
    const params = Object.fromEntries(m.namedParameters());
    for (const [name, g] of Object.entries(c.grads)) {
      if (name === "input") continue;
      assert.ok(name in params, `${c.id}: parameter ${name}`);
      if (g === null) assert.equal(params[name].grad, null, `${c.id}: ${name} has no grad`);
      else assertClose(params[name].grad!, fromFixture(g), { ...TOL, msg: `${c.id} grad of ${name}` });
    }
    const after = m.stateDict();
    for (const [k, v] of Object.entries(c.state_after)) {
      assertClose(after[k], fromFixture(v), { ...TOL, msg: `${c.id} state_after ${k}` });
    }
  });
}

Deno.test("Linear: default init is U(-1/sqrt(in), 1/sqrt(in)) and reproducible under manualSeed", () => {
  torch.manualSeed(7);
  const a = new nn.Linear(64, 32);
  torch.manualSeed(7);
  const b = new nn.Linear(64, 32);
  assertClose(a.weight, b.weight, { rtol: 0, atol: 0 });
  assertClose(a.bias!, b.bias!, { rtol: 0, atol: 0 });
  const bound = 1 / 8;
  const w = a.weight.dataSync();
  assert.ok(w.every((v) => Math.abs(v) <= bound));
  // Uniform on [-b, b] has std b/sqrt(3); 2048 samples pin it within a few percent.
  const std = a.weight.std().item() as number;
  assert.ok(Math.abs(std - bound / Math.sqrt(3)) < 0.1 * bound, `std ${std}`);
  assert.ok(a.bias!.dataSync().every((v) => Math.abs(v) <= bound));
  assert.deepEqual(a.weight.shape, [32, 64]);
  assert.ok(a.weight.requiresGrad && a.weight.isLeaf);
});

Deno.test("Linear: clear error on a wrong input size; no-bias layer; 1-d input", () => {
  const fc = new nn.Linear(10, 3);
  assertThrowsMsg(
    () => fc(torch.randn(4, 5)),
    /linear: input's last dimension must be in_features=10.*\[4, 5\]/,
  );
  assert.deepEqual(fc(torch.randn(10)).shape, [3]);
  const nb = new nn.Linear(2, 2, { bias: false });
  assert.equal(nb.bias, null);
  assert.deepEqual(nb.namedParameters().map(([n]) => n), ["weight"]);
});

Deno.test("Dropout: zeroes about p of the elements in training, scales the rest, identity in eval", () => {
  torch.manualSeed(1);
  const drop = new nn.Dropout(0.3);
  const x = torch.ones(20000);
  const y = drop(x).dataSync();
  let zeros = 0;
  for (const v of y) {
    if (v === 0) zeros++;
    else assert.ok(Math.abs(v - 1 / 0.7) < 1e-6);
  }
  assert.ok(Math.abs(zeros / y.length - 0.3) < 0.02, `zero fraction ${zeros / y.length}`);
  drop.eval();
  assert.equal(drop(x), x);
  assertThrowsMsg(() => new nn.Dropout(1.5), /between 0 and 1, but got 1.5/);
  assertClose(nn.F.dropout(torch.ones(4), 1), [0, 0, 0, 0]);
  // The gradient flows through the kept elements with the same scale.
  const w = torch.ones([1000], { requiresGrad: true });
  const out = nn.F.dropout(w, { p: 0.5 });
  out.sum().backward();
  assertClose(w.grad!, out.detach());
});

Deno.test("BatchNorm: input checks, eval uses running stats, num_batches_tracked counts", () => {
  const bn = new nn.BatchNorm1d(3);
  assertThrowsMsg(() => bn(torch.randn(2, 3, 4, 5)), /BatchNorm1d: expected 2D or 3D input \(got 4D input/);
  assertThrowsMsg(() => bn(torch.randn(2, 4)), /expected input with 3 channels in dim 1, got shape \[2, 4\]/);
  assertThrowsMsg(
    () => bn(torch.randn(1, 3)),
    /more than 1 value per channel when training, got input size \[1, 3\]/,
  );
  assertThrowsMsg(
    () => new nn.BatchNorm2d(3)(torch.randn(2, 3)),
    /BatchNorm2d: expected 4D input \(got 2D input/,
  );
  const bn2 = new nn.BatchNorm1d(3);
  bn2(torch.randn(4, 3));
  bn2(torch.randn(4, 3));
  assert.equal(bn2.numBatchesTracked!.item(), 2);
  bn2.eval();
  const x = torch.randn(5, 3);
  const expected = x.sub(bn2.runningMean!).div(bn2.runningVar!.add(1e-5).sqrt());
  assertClose(bn2(x), expected, { rtol: 1e-5, atol: 1e-6 });
  assert.equal(bn2.numBatchesTracked!.item(), 2, "eval does not count");
  // The 1-sample batch is fine in eval mode.
  assert.deepEqual(bn2(torch.randn(1, 3)).shape, [1, 3]);
});

Deno.test("LayerNorm and Embedding: clear errors", () => {
  assertThrowsMsg(
    () => new nn.LayerNorm(10)(torch.randn(2, 5)),
    /normalized_shape=\[10\], expected input with shape \[\*, 10\], but got input of size \[2, 5\]/,
  );
  const emb = new nn.Embedding(10, 3);
  assertThrowsMsg(
    () => emb(torch.tensor([1, 12])),
    /embedding: index 12 is out of range for an embedding table of 10 rows/,
  );
  assertThrowsMsg(() => emb(torch.tensor([-1])), /index -1 is out of range/);
  assertThrowsMsg(
    () => emb(torch.tensor([1, 2], { dtype: "float32" })),
    /expected indices as an int32 tensor, got float32/,
  );
  assertThrowsMsg(
    () => new nn.Embedding(5, 2, { paddingIdx: 5 }),
    /paddingIdx must be within num_embeddings \(5\)/,
  );
  const pad = new nn.Embedding(5, 2, { paddingIdx: 1 });
  assertClose(pad.weight.index(1), [0, 0]);
  const frozen = nn.Embedding.fromPretrained(torch.tensor([[1, 2], [3, 4]], { dtype: "float32" }));
  assert.equal(frozen.weight.requiresGrad, false);
  assertClose(frozen(torch.tensor([1, 0])), [[3, 4], [1, 2]]);
});

Deno.test("GELU's fused gradient passes gradcheck, including second order", () => {
  const x = torch.tensor([-3.0, -1.2, -0.3, 0.0, 0.4, 1.1, 2.5], { requiresGrad: true });
  gradcheck((t) => nn.F.gelu(t), [x], { eps: 1e-2 });
  const [g] = torch.autograd.grad(nn.F.gelu(x).sum(), x, { createGraph: true });
  // d/dx (Phi(x) + x phi(x)) = phi(x) (2 - x^2)
  x.grad = null;
  g!.sum().backward();
  const expected = x.detach().toArray() as number[];
  assertClose(
    x.grad!,
    expected.map((v) => Math.exp(-v * v / 2) / Math.sqrt(2 * Math.PI) * (2 - v * v)),
    { rtol: 1e-4, atol: 1e-5 },
  );
});

Deno.test("activations: gradcheck of leakyRelu, silu, layerNorm and batchNorm (train)", () => {
  const x = torch.tensor([[-1.5, 0.3, 2.0], [0.7, -0.2, -2.2]], { requiresGrad: true });
  gradcheck((t) => nn.F.leakyRelu(t, 0.1), [x]);
  gradcheck((t) => nn.F.silu(t), [x]);
  const w = torch.tensor([1.5, 0.5, -1.0], { requiresGrad: true });
  const b = torch.tensor([0.1, 0.2, 0.3], { requiresGrad: true });
  gradcheck((t, ww, bb) => nn.F.layerNorm(t, [3], { weight: ww, bias: bb }), [x, w, b]);
  const y = torch.tensor([[-1.5, 0.3, 2.0], [0.7, -0.2, -2.2], [0.1, 1.0, 0.5]], { requiresGrad: true });
  gradcheck(
    (t, ww, bb) => nn.F.batchNorm(t, null, null, { weight: ww, bias: bb, training: true }),
    [y, w, b],
    {
      atol: 5e-3,
    },
  );
});
