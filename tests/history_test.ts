/**
 * `LossHistory` (src/history.ts) and `torch.gpu.synchronize()`: values recorded on the device
 * without a read-back per step, read in one transfer, equal to what per-step reads give.
 */
import assert from "node:assert/strict";
import * as torch from "../mod.ts";
import { nn, optim } from "../mod.ts";
import { deviceTest, gpuAvailable } from "./devices.ts";

/** A small seeded MLP regression step; returns the loss tensor (not read). */
function makeStep(device: torch.Device): () => torch.Tensor {
  torch.manualSeed(11);
  const model = new nn.Sequential(new nn.Linear(8, 16), new nn.ReLU(), new nn.Linear(16, 1)).to(device);
  const opt = new optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
  const x = torch.randn(32, 8).to(device), y = torch.randn(32, 1).to(device);
  return () => {
    opt.zeroGrad();
    const loss = nn.functional.mseLoss(model.forward(x), y);
    loss.backward();
    opt.step();
    return loss;
  };
}

deviceTest(
  "LossHistory records the losses of a training loop, read once, equal to per-step reads",
  async (device) => {
    const perStep: number[] = [];
    const step1 = makeStep(device);
    for (let i = 0; i < 40; i++) perStep.push(await step1().itemAsync());

    const history = new torch.LossHistory({ capacity: 4 }); // grows 4 -> 8 -> 16 -> 32 -> 64
    const step2 = makeStep(device);
    for (let i = 0; i < 40; i++) history.record(step2());
    assert.equal(history.length, 40);
    assert.equal(history.device, device);
    const values = await history.values();
    assert.deepEqual(values, perStep);
    assert.ok(values[39] < values[0], `the loss falls: ${values[0]} -> ${values[39]}`);
    const mean = perStep.reduce((a, b) => a + b, 0) / perStep.length;
    assert.ok(Math.abs((await history.mean()) - mean) < 1e-12);

    history.clear();
    assert.equal(history.length, 0);
    assert.deepEqual(await history.values(), []);
    assert.ok(Number.isNaN(await history.mean()));
    history.record(torch.tensor([1.5], { device }));
    assert.deepEqual(await history.values(), [1.5]);
    history.dispose();
    assert.equal(history.length, 0);
  },
);

deviceTest(
  "LossHistory keeps its values when recording inside torch.scope and frees them on dispose",
  async (device) => {
    const backend = device === "gpu" ? torch.gpu.webgpuBackend()! : null;
    const history = new torch.LossHistory();
    for (let i = 0; i < 300; i++) {
      torch.scope(() => history.record(torch.full([], i / 4, { dtype: "float32", device })));
    }
    const values = await history.values();
    assert.equal(values.length, 300);
    for (let i = 0; i < 300; i++) assert.equal(values[i], i / 4);
    if (backend) {
      const before = backend.liveBytes();
      history.dispose();
      assert.ok(backend.liveBytes() < before, "dispose frees the device buffer");
    } else {
      history.dispose();
    }
    assert.deepEqual(await history.values(), []);
  },
);

deviceTest(
  "LossHistory keeps float64 losses exactly on the CPU and float16 ones on every device",
  async (device) => {
    const history = new torch.LossHistory();
    const half = torch.tensor([0.1], { dtype: "float16", device });
    history.record(half);
    if (device === "cpu") history.record(torch.tensor(0.1, { dtype: "float64" }));
    const values = await history.values();
    assert.equal(values[0], (await half.toArrayAsync() as number[])[0]);
    if (device === "cpu") assert.equal(values[1], 0.1);
  },
);

Deno.test("LossHistory refuses what is not a one-element floating-point tensor on its device", () => {
  const history = new torch.LossHistory({ device: "cpu" });
  assert.throws(
    () => history.record(torch.zeros(2)),
    /LossHistory.record: expected a one-element tensor \(a loss\), got shape \[2\]/,
  );
  assert.throws(
    () => history.record(torch.tensor(3)),
    /LossHistory.record: expected a floating-point tensor, got int32/,
  );
  assert.throws(
    () => history.record(3 as unknown as torch.Tensor),
    /LossHistory.record: expected a Tensor, got number/,
  );
  assert.throws(
    () => new torch.LossHistory({ capacity: 0 }),
    /LossHistory: capacity must be a positive integer, got 0/,
  );
  assert.equal(history.length, 0, "a refused value is not recorded");
});

Deno.test({
  name: "LossHistory on the GPU: recording reads nothing back; values() is one read; a CPU value is refused",
  ignore: !gpuAvailable,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const backend = torch.gpu.webgpuBackend()!;
    const step = makeStep("gpu");
    const history = new torch.LossHistory();
    let reads = 0;
    const read = backend.read.bind(backend);
    backend.read = (...args: Parameters<typeof read>) => {
      reads++;
      return read(...args);
    };
    try {
      for (let i = 0; i < 20; i++) history.record(step());
      await torch.gpu.synchronize();
      assert.equal(reads, 0, "no read-back while recording or synchronizing");
      const values = await history.values();
      assert.equal(reads, 1, "values() reads once");
      assert.equal(values.length, 20);
      assert.throws(
        () => history.record(torch.tensor(1.5)),
        /LossHistory.record: this history keeps its values on "gpu", got a tensor on "cpu"/,
      );
    } finally {
      backend.read = read;
      history.dispose();
    }
  },
});

Deno.test({
  name: "torch.gpu.synchronize submits and waits for pending work without reading it",
  ignore: !gpuAvailable,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const backend = torch.gpu.webgpuBackend()!;
    const x = torch.ones([64, 64], { device: "gpu" });
    const y = x.matmul(x).relu();
    const submitsBefore = backend.submitCount();
    await torch.gpu.synchronize();
    assert.ok(backend.submitCount() > submitsBefore, "pending work was submitted");
    assert.equal(await y.sum().itemAsync(), 64 ** 3);
  },
});
