/**
 * Attention and the Transformer encoder beyond their PyTorch fixtures (tests/nn_layers_test.ts
 * checks MultiheadAttention and the encoder against PyTorch, values and every gradient): the
 * functional form's masks, every device against the CPU, training mode, reprs and bad input.
 */
import * as torch from "../mod.ts";
import { F, nn, optim } from "../mod.ts";
import { assert, assertCloseAsync, assertThrowsMsg } from "./helpers.ts";
import { deviceTest } from "./devices.ts";

Deno.test("scaledDotProductAttention: the formula, bool and float masks, isCausal", () => {
  torch.manualSeed(1);
  const q = torch.randn(2, 3, 4), k = torch.randn(2, 5, 4), v = torch.randn(2, 5, 6);
  const manual = (mask?: torch.Tensor) => {
    let s = q.matmul(k.mT).div(2);
    if (mask) s = s.add(mask);
    return s.softmax(-1).matmul(v);
  };
  assert.ok(F.scaledDotProductAttention(q, k, v).allclose(manual(), { atol: 1e-6 }));
  const keep = torch.tensor([[true, true, false, true, false]]);
  const asFloat = torch.where(keep, 0, -Infinity);
  assert.ok(
    F.scaledDotProductAttention(q, k, v, { attnMask: keep }).allclose(manual(asFloat), { atol: 1e-6 }),
  );
  assert.ok(
    F.scaledDotProductAttention(q, k, v, { attnMask: asFloat }).allclose(manual(asFloat), { atol: 1e-6 }),
  );
  const qq = torch.randn(4, 4), causal = F.scaledDotProductAttention(qq, qq, qq, { isCausal: true });
  const tri = torch.full([4, 4], -Infinity).triu(1);
  const want = qq.matmul(qq.T).div(2).add(tri).softmax(-1).matmul(qq);
  assert.ok(causal.allclose(want, { atol: 1e-6 }));
  assert.ok(causal.index(0).allclose(qq.index(0)), "the first query sees only the first key");
  assertThrowsMsg(
    () => F.scaledDotProductAttention(q, k, torch.randn(2, 4, 6)),
    /scaledDotProductAttention: expected query/,
  );
  assertThrowsMsg(
    () => F.scaledDotProductAttention(qq, qq, qq, { isCausal: true, attnMask: tri }),
    /pass either attnMask or isCausal, not both/,
  );
});

deviceTest(
  "MultiheadAttention and TransformerEncoder give the CPU's results on every device",
  async (device) => {
    torch.manualSeed(8);
    const make = () =>
      new nn.TransformerEncoder(
        new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, batchFirst: true }),
        2,
      );
    const cpu = make();
    cpu.eval();
    const x = torch.randn(3, 6, 8);
    const pad = torch.tensor([[false, false, false, false, false, false], [
      false,
      false,
      false,
      false,
      true,
      true,
    ], [
      false,
      false,
      false,
      false,
      false,
      true,
    ]]);
    const run = (m: nn.Module, input: torch.Tensor, mask: torch.Tensor) => {
      const y = m(input, { srcKeyPaddingMask: mask, isCausal: true }) as torch.Tensor;
      y.square().sum().backward();
      return y;
    };
    const want = run(cpu, x, pad);
    const dev = make();
    dev.loadStateDict(cpu.stateDict());
    dev.eval();
    dev.to(device);
    const got = run(dev, x.to(device), pad.to(device));
    await assertCloseAsync(got, want.detach(), { rtol: 1e-4, atol: 1e-5, msg: "output" });
    const grads = new Map(dev.namedParameters());
    for (const [name, p] of cpu.namedParameters()) {
      await assertCloseAsync(grads.get(name)!.grad!, p.grad!, {
        rtol: 1e-3,
        atol: 1e-5,
        msg: `grad of ${name}`,
      });
    }
  },
);

Deno.test("MultiheadAttention: weights per head, unbatched input, needWeights, PyTorch's init", () => {
  torch.manualSeed(3);
  const mha = new nn.MultiheadAttention(8, 2);
  const x = torch.randn(5, 8);
  const [out, w] = mha(x, x, x, { averageAttnWeights: false });
  assert.deepEqual([out.shape, w!.shape], [[5, 8], [2, 5, 5]]);
  assert.ok(w!.sum(-1).allclose(torch.ones(2, 5), { atol: 1e-6 }), "each query's weights sum to 1");
  assert.equal(mha(x, x, x, { needWeights: false })[1], null);
  assert.ok(mha.in_proj_bias!.eq(0).all().item<boolean>() && mha.out_proj.bias!.eq(0).all().item<boolean>());
  const bound = Math.sqrt(6 / (8 + 24)); // xavier_uniform of [24, 8]
  assert.ok(mha.in_proj_weight!.abs().max().item() <= bound);
});

Deno.test("TransformerEncoderLayer: dropout in training only; a tiny encoder learns to find the maximum", () => {
  torch.manualSeed(9);
  const layer = new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0.5, batchFirst: true });
  const x = torch.randn(2, 4, 8);
  layer.eval();
  assert.deepEqual(layer(x).toArray(), layer(x).toArray());
  layer.train();
  assert.notDeepEqual(layer(x).toArray(), layer(x).toArray());

  // Which of 6 positions holds the largest value: attention has to compare across positions.
  const embed = new nn.Linear(1, 16);
  const enc = new nn.TransformerEncoder(
    new nn.TransformerEncoderLayer(16, 4, { dimFeedforward: 32, dropout: 0, batchFirst: true }),
    1,
  );
  const head = new nn.Linear(16, 1);
  const params = [...embed.parameters(), ...enc.parameters(), ...head.parameters()];
  const opt = new optim.Adam(params, { lr: 0.01 });
  const ce = new nn.CrossEntropyLoss();
  const forward = (v: torch.Tensor) => head(enc(embed(v.unsqueeze(-1)))).squeeze(-1);
  for (let step = 0; step < 200; step++) {
    torch.scope(() => {
      const v = torch.randn(32, 6);
      const loss = ce(forward(v), v.argmax(1));
      opt.zeroGrad();
      loss.backward();
      opt.step();
    });
  }
  const v = torch.randn(256, 6);
  const acc = torch.noGrad(() => forward(v).argmax(1).eq(v.argmax(1)).float().mean().item());
  assert.ok(acc >= 0.8, `accuracy ${acc}`);
});

Deno.test("MultiheadAttention and the encoder: bad input gets a clear message", () => {
  assertThrowsMsg(() => new nn.MultiheadAttention(10, 3), /embed_dim must be divisible by num_heads/);
  const mha = new nn.MultiheadAttention(8, 2);
  const x = torch.randn(5, 2, 8);
  assertThrowsMsg(() => mha(torch.randn(5, 2, 6), x, x), /was expecting embedding dimension of 8, but got 6/);
  assertThrowsMsg(
    () => mha(x, x, x, { attnMask: torch.zeros(4, 5) }),
    /attnMask should be \[5, 5\] or \[4, 5, 5\], got \[4, 5\]/,
  );
  assertThrowsMsg(
    () => mha(x, x, x, { keyPaddingMask: torch.zeros(5, 2, { dtype: "bool" }) }),
    /expected keyPaddingMask of shape \[2, 5\], got \[5, 2\]/,
  );
  assertThrowsMsg(
    () => new nn.TransformerEncoderLayer(8, 2, { activation: "tanh" as "relu" }),
    /activation should be relu\/gelu/,
  );
  assertThrowsMsg(
    () => new nn.TransformerEncoder(new nn.TransformerEncoderLayer(8, 2), 0),
    /numLayers must be a positive integer/,
  );
});

deviceTest(
  "Transformer (encoder-decoder) gives the CPU's output and gradients on every device",
  async (device) => {
    torch.manualSeed(15);
    const make = () =>
      new nn.Transformer({
        dModel: 8,
        nhead: 2,
        numEncoderLayers: 1,
        numDecoderLayers: 1,
        dimFeedforward: 16,
      });
    const cpu = make();
    cpu.eval();
    const src = torch.randn(6, 2, 8), tgt = torch.randn(4, 2, 8);
    const mask = nn.Transformer.generateSquareSubsequentMask(4);
    const run = (m: nn.Module, s: torch.Tensor, t: torch.Tensor, k: torch.Tensor) => {
      const y = m(s, t, { tgtMask: k }) as torch.Tensor;
      y.square().sum().backward();
      return y;
    };
    const want = run(cpu, src, tgt, mask);
    const dev = make();
    dev.loadStateDict(cpu.stateDict());
    dev.eval();
    dev.to(device);
    await assertCloseAsync(run(dev, src.to(device), tgt.to(device), mask.to(device)), want.detach(), {
      rtol: 1e-4,
      atol: 1e-5,
    });
    const grads = new Map(dev.namedParameters());
    for (const [name, p] of cpu.namedParameters()) {
      await assertCloseAsync(grads.get(name)!.grad!, p.grad!, {
        rtol: 1e-3,
        atol: 1e-5,
        msg: `grad of ${name}`,
      });
    }
  },
);

Deno.test("Transformer: the subsequent mask, PyTorch's state dict layout and init, errors", () => {
  assert.deepEqual(nn.Transformer.generateSquareSubsequentMask(3).toArray(), [
    [0, -Infinity, -Infinity],
    [0, 0, -Infinity],
    [0, 0, 0],
  ]);
  const t = new nn.Transformer({
    dModel: 8,
    nhead: 2,
    numEncoderLayers: 2,
    numDecoderLayers: 1,
    dimFeedforward: 16,
  });
  const keys = Object.keys(t.stateDict());
  for (
    const k of [
      "encoder.layers.1.self_attn.in_proj_weight",
      "encoder.norm.weight",
      "decoder.layers.0.multihead_attn.out_proj.weight",
      "decoder.layers.0.norm3.bias",
      "decoder.norm.bias",
    ]
  ) {
    assert.ok(keys.includes(k), k);
  }
  const w = t.decoder.layers[0] as nn.TransformerDecoderLayer;
  const bound = Math.sqrt(6 / (16 + 8)); // xavier_uniform of linear1's [16, 8] weight
  assert.ok(w.linear1.weight.abs().max().item() <= bound);
  assertThrowsMsg(() => nn.Transformer.generateSquareSubsequentMask(0), /size must be a positive integer/);
  assertThrowsMsg(
    () => new nn.TransformerDecoder(new nn.TransformerDecoderLayer(8, 2), 0),
    /numLayers must be a positive integer/,
  );
});
