/**
 * Recurrent layers beyond the PyTorch fixtures (tests/nn_layers_test.ts checks outputs, final
 * states and every gradient of RNN/LSTM/GRU and the cells against PyTorch): the GPU agrees with
 * the CPU, initialisation bounds, PyTorch's repr, dropout between layers, a state dict round trip,
 * bad input, and a tiny sequence task an LSTM must learn.
 */
import * as torch from "../mod.ts";
import { nn, optim } from "../mod.ts";
import { assert, assertCloseAsync, assertThrowsMsg } from "./helpers.ts";
import { deviceTest } from "./devices.ts";

deviceTest("LSTM and GRU give the CPU's outputs and gradients on every device", async (device) => {
  for (
    const make of [() => new nn.LSTM(3, 4, { numLayers: 2, bidirectional: true }), () => new nn.GRU(3, 4)]
  ) {
    torch.manualSeed(3);
    const cpu = make();
    const x = torch.randn(5, 2, 3);
    const run = (m: nn.Module, input: torch.Tensor) => {
      const [out] = m(input) as [torch.Tensor, unknown];
      out.square().sum().backward();
      return out;
    };
    const outCpu = run(cpu, x);
    const dev = make();
    dev.loadStateDict(cpu.stateDict());
    dev.to(device);
    const outDev = run(dev, x.to(device));
    await assertCloseAsync(outDev, outCpu.detach(), { rtol: 1e-5, atol: 1e-6, msg: "output" });
    const grads = dev.namedParameters();
    for (const [name, p] of cpu.namedParameters()) {
      const other = grads.find(([n]) => n === name)![1];
      await assertCloseAsync(other.grad!, p.grad!, { rtol: 1e-4, atol: 1e-6, msg: `grad of ${name}` });
    }
  }
});

Deno.test("recurrent layers: PyTorch's parameter names, shapes, init bound and repr", () => {
  const lstm = new nn.LSTM(10, 20, { numLayers: 2, batchFirst: true, dropout: 0.5, bidirectional: true });
  assert.equal(String(lstm), "LSTM(10, 20, num_layers=2, batch_first=True, dropout=0.5, bidirectional=True)");
  const names = lstm.namedParameters().map(([n, p]) => `${n}:${p.shape.join("x")}`);
  assert.deepEqual(names.slice(0, 8), [
    "weight_ih_l0:80x10",
    "weight_hh_l0:80x20",
    "bias_ih_l0:80",
    "bias_hh_l0:80",
    "weight_ih_l0_reverse:80x10",
    "weight_hh_l0_reverse:80x20",
    "bias_ih_l0_reverse:80",
    "bias_hh_l0_reverse:80",
  ]);
  assert.equal(names[8], "weight_ih_l1:80x40");
  const bound = 1 / Math.sqrt(20);
  for (const p of lstm.parameters()) assert.ok(p.abs().max().item() <= bound);
  assert.equal(String(new nn.GRU(3, 4, { bias: false })), "GRU(3, 4, bias=False)");
  assert.equal(String(new nn.RNN(3, 4)), "RNN(3, 4)");
  assert.equal(
    String(new nn.RNNCell(4, 3, { bias: false, nonlinearity: "relu" })),
    "RNNCell(4, 3, bias=False, nonlinearity=relu)",
  );
  assert.equal(String(new nn.LSTMCell(4, 3)), "LSTMCell(4, 3)");
  assert.deepEqual(new nn.GRUCell(4, 3).namedParameters().map(([n]) => n), [
    "weight_ih",
    "weight_hh",
    "bias_ih",
    "bias_hh",
  ]);
});

Deno.test("LSTM: dropout between layers only in training; initial state used; state dict round trip", () => {
  torch.manualSeed(5);
  const lstm = new nn.LSTM(2, 3, { numLayers: 2, dropout: 0.9 });
  const x = torch.randn(4, 1, 2);
  lstm.eval();
  const [a] = lstm(x);
  const [b] = lstm(x);
  assert.deepEqual(a.toArray(), b.toArray(), "eval is deterministic");
  lstm.train();
  const [c] = lstm(x);
  assert.notDeepEqual(c.toArray(), a.toArray(), "training applies dropout between the layers");
  lstm.eval();
  const h0 = torch.ones(2, 1, 3), c0 = torch.ones(2, 1, 3);
  const [withState] = lstm(x, [h0, c0]);
  assert.notDeepEqual(withState.toArray(), a.toArray(), "the initial state is used");
  const copy = new nn.LSTM(2, 3, { numLayers: 2, dropout: 0.9 });
  copy.loadStateDict(lstm.stateDict());
  copy.eval();
  assert.deepEqual(copy(x)[0].toArray(), a.toArray());
});

Deno.test("recurrent layers: bad input gets a clear message", () => {
  const lstm = new nn.LSTM(4, 3);
  assertThrowsMsg(
    () => lstm(torch.randn(5, 2, 6)),
    /LSTM: input.size\(-1\) must be equal to input_size. Expected 4, got 6/,
  );
  assertThrowsMsg(() => lstm(torch.randn(4)), /LSTM: expected input to be 2-d or 3-d, got 1-d \[4\]/);
  assertThrowsMsg(
    () => lstm(torch.randn(5, 2, 4), [torch.zeros(1, 3, 3), torch.zeros(1, 2, 3)]),
    /LSTM: expected hx of size \[1, 2, 3\], got \[1, 3, 3\]/,
  );
  assertThrowsMsg(
    () => new nn.GRU(4, 3)(torch.randn(5, 2, 4), torch.zeros(2, 2, 3)),
    /GRU: expected hx of size \[1, 2, 3\]/,
  );
  assertThrowsMsg(
    () => new nn.RNN(4, 3, { dropout: 2 }),
    /RNN: dropout should be a number in range \[0, 1\], got 2/,
  );
  assertThrowsMsg(() => new nn.RNN(4, 0), /RNN: hiddenSize must be an integer >= 1, got 0/);
  assertThrowsMsg(
    () => new nn.GRUCell(4, 3)(torch.randn(2, 5)),
    /GRUCell: input has inconsistent input_size: got 5 expected 4/,
  );
});

Deno.test("LSTM learns to report whether a sequence's first element was positive", () => {
  torch.manualSeed(11);
  const lstm = new nn.LSTM(1, 8, { batchFirst: true });
  const head = new nn.Linear(8, 1);
  const params = [...lstm.parameters(), ...head.parameters()];
  const opt = new optim.Adam(params, { lr: 0.02 });
  const lossFn = new nn.BCEWithLogitsLoss();
  const batch = (n = 32) => {
    const x = torch.randn(n, 6, 1);
    return { x, y: x.index(":", 0, 0).gt(0).float().unsqueeze(1) };
  };
  for (let i = 0; i < 300; i++) {
    const { x, y } = batch();
    const [out] = lstm(x);
    const loss = lossFn(head(out.index(":", -1)), y);
    opt.zeroGrad();
    loss.backward();
    opt.step();
  }
  const { x, y } = batch(256);
  const acc = torch.noGrad(() => head(lstm(x)[0].index(":", -1)).gt(0).float().eq(y).float().mean().item());
  assert.ok(acc >= 0.9, `accuracy ${acc}`);
});
