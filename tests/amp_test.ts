/**
 * Mixed precision (src/amp/): autocast's casts and GradScaler's loss scaling, against PyTorch's
 * GradScaler driving the same float16 arithmetic (tools/fixtures/amp_fixtures.py), on both devices.
 */
import assert from "node:assert/strict";
import * as torch from "../mod.ts";
import { nn, optim } from "../mod.ts";
import { deviceTest } from "./devices.ts";

interface AmpRun {
  init_scale: number;
  growth_interval: number;
  steps: number;
  lr: number;
  momentum: number;
  result: {
    losses: number[];
    scales: number[];
    stepped: boolean[];
    logits_dtype: string;
    final_weight_sum: number;
  };
}
const fixtures = JSON.parse(
  await Deno.readTextFile(new URL("./fixtures/amp.json", import.meta.url)),
) as Record<"overflow_then_grow" | "default_scale", AmpRun>;

async function snapshot(params: torch.Tensor[]): Promise<number[][]> {
  return await Promise.all(params.map(async (p) => Array.from(await p.dataAsync())));
}

for (const name of ["overflow_then_grow", "default_scale"] as const) {
  deviceTest(
    `amp: autocast + GradScaler reproduce PyTorch's losses, scales and skipped steps (${name})`,
    async (device) => {
      const run = fixtures[name];
      torch.manualSeed(7);
      const fc1 = new nn.Linear(8, 32), fc2 = new nn.Linear(32, 4);
      const x = torch.randn(64, 8).mul(3).to(device), y = torch.randint(0, 4, [64]).to(device);
      fc1.to(device);
      fc2.to(device);
      const params = [...fc1.parameters(), ...fc2.parameters()];
      const opt = new optim.SGD(params, { lr: run.lr, momentum: run.momentum });
      const scaler = new torch.amp.GradScaler({
        initScale: run.init_scale,
        growthInterval: run.growth_interval,
      });
      const losses: number[] = [], scales: number[] = [], stepped: boolean[] = [];
      for (let step = 0; step < run.steps; step++) {
        opt.zeroGrad();
        const [logits, loss] = torch.autocast(device, () => {
          const logits = fc2.forward(fc1.forward(x).relu());
          return [logits, nn.functional.crossEntropy(logits, y)];
        });
        assert.equal(logits.dtype, "float16");
        assert.equal(loss.dtype, "float32");
        scaler.scale(loss).backward();
        for (const p of params) assert.equal(p.grad!.dtype, "float32");
        const before = await snapshot(params);
        if (device === "cpu") scaler.step(opt);
        else await scaler.stepAsync(opt);
        const after = await snapshot(params);
        stepped.push(before.some((b, i) => b.some((v, j) => v !== after[i][j])));
        scaler.update();
        losses.push(await loss.itemAsync());
        scales.push(scaler.getScale());
      }
      assert.deepEqual(stepped, run.result.stepped);
      assert.deepEqual(scales, run.result.scales);
      for (let i = 0; i < losses.length; i++) {
        const want = run.result.losses[i];
        assert.ok(
          Math.abs(losses[i] - want) <= 2e-4 * Math.abs(want),
          `step ${i}: loss ${losses[i]} vs PyTorch ${want}`,
        );
      }
      const weightSum = await fc2.weight.sum().itemAsync();
      assert.ok(
        Math.abs(weightSum - run.result.final_weight_sum) < 2e-3,
        `final fc2.weight sum ${weightSum} vs PyTorch ${run.result.final_weight_sum}`,
      );
    },
  );
}

deviceTest(
  "autocast: products run in float16, the float32 list in float32, other ops in their inputs' dtype",
  async (device) => {
    const a = torch.randn([3, 4], { device }), b = torch.randn([4, 5], { device });
    const w = torch.randn([2, 1, 3, 3], { device }), img = torch.randn([1, 1, 5, 5], { device });
    const r = torch.autocast(device, () => {
      const p = a.matmul(b);
      return {
        matmul: p.dtype,
        mm: torch.mm(a, b).dtype,
        bmm: torch.bmm(a.unsqueeze(0), b.unsqueeze(0)).dtype,
        linear: torch.linear(a, b.T).dtype,
        conv2d: torch.conv2d(img, w).dtype,
        softmax: p.softmax(1).dtype,
        logSoftmax: p.logSoftmax(1).dtype,
        sum: p.sum().dtype,
        exp: p.exp().dtype,
        pow: p.pow(2).dtype,
        relu: p.relu().dtype,
        add: p.add(1).dtype,
        float64: device === "cpu" ? a.double().matmul(b.double()).dtype : "float64",
      };
    });
    assert.deepEqual(r, {
      matmul: "float16",
      mm: "float16",
      bmm: "float16",
      linear: "float16",
      conv2d: "float16",
      softmax: "float32",
      logSoftmax: "float32",
      sum: "float32",
      exp: "float32",
      pow: "float32",
      relu: "float16",
      add: "float16",
      float64: "float64", // float64 is not cast, as in PyTorch
    });
    // The float16 product is the float32 product of the half values, rounded once.
    const got = torch.autocast(device, () => a.matmul(b));
    const want = a.half().float().matmul(b.half().float()).half();
    assert.deepEqual(await got.toArrayAsync(), await want.toArrayAsync());
    // Outside autocast nothing is cast; autocast for the other device leaves these alone.
    assert.equal(a.matmul(b).dtype, "float32");
    const other = device === "cpu" ? "gpu" : "cpu";
    assert.equal(torch.autocast(other, () => a.matmul(b)).dtype, "float32");
    assert.equal(torch.autocast(device, { enabled: false }, () => a.matmul(b)).dtype, "float32");
    assert.equal(
      torch.autocast(device, () => torch.autocast(device, { enabled: false }, () => a.matmul(b))).dtype,
      "float32",
    );
  },
);

deviceTest(
  "autocast: gradients reach float32 leaves through the float16 ops (finite differences)",
  async (device) => {
    torch.manualSeed(2);
    const w = torch.randn([4, 3], { device, requiresGrad: true });
    const x = torch.randn([5, 4], { device });
    const f = () => torch.autocast(device, () => x.matmul(w).float().pow(2).sum());
    const loss = f();
    loss.backward();
    assert.equal(w.grad!.dtype, "float32");
    const grad = await w.grad!.toArrayAsync() as number[][];
    // Analytic gradient of sum((x @ w)^2) from float64 values of the half-rounded operands.
    const xs = (await x.toAsync("cpu")).half().double(),
      ws = (await w.detach().toAsync("cpu")).half().double();
    const want = xs.T.matmul(xs.matmul(ws).mul(2)).toArray() as number[][];
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 3; j++) {
        assert.ok(
          Math.abs(grad[i][j] - want[i][j]) <= 2e-2 * (1 + Math.abs(want[i][j])),
          `grad[${i}][${j}] ${grad[i][j]} vs ${want[i][j]}`,
        );
      }
    }
  },
);

Deno.test("autocast and GradScaler refuse bad arguments with clear errors", () => {
  assert.throws(
    () => torch.autocast("cuda" as torch.Device, () => 0),
    /autocast: device must be "cpu" or "gpu", got "cuda"/,
  );
  assert.throws(
    () => torch.autocast("cpu", { dtype: "bfloat16" as "float16" }, () => 0),
    /autocast: dtype must be "float16", got "bfloat16"/,
  );
  assert.throws(
    () => torch.autocast("cpu", () => Promise.resolve(0)),
    /autocast: the function returned a Promise/,
  );
  assert.equal(torch.amp.isAutocastEnabled("cpu"), false, "a refused call leaves autocast off");
  assert.throws(
    () => new torch.amp.GradScaler({ growthFactor: 1 }),
    /growthFactor must be a finite number above 1, got 1/,
  );
  assert.throws(
    () => new torch.amp.GradScaler({ backoffFactor: 1 }),
    /backoffFactor must be between 0 and 1/,
  );
  assert.throws(
    () => new torch.amp.GradScaler({ growthInterval: 0 }),
    /growthInterval must be a positive integer, got 0/,
  );
  const scaler = new torch.amp.GradScaler();
  assert.throws(() => scaler.update(), /no inf checks were recorded prior to update/);
  const w = torch.ones([2], { requiresGrad: true });
  const opt = new optim.SGD([w], { lr: 0.1 });
  scaler.scale(w.sum()).backward();
  scaler.unscale_(opt);
  assert.deepEqual(w.grad!.toArray(), [1, 1], "unscale_ divides by the scale");
  assert.throws(
    () => scaler.unscale_(opt),
    /unscale_\(\) has already been called on this optimizer since the last update\(\)/,
  );
  scaler.step(opt);
  assert.throws(() => scaler.step(opt), /step\(\) has already been called since the last update\(\)/);
  scaler.update();
  assert.equal(scaler.getScale(), 65536);
  const half = torch.ones([2], { dtype: "float16", requiresGrad: true });
  half.sum().backward();
  assert.throws(() => scaler.unscale_(new optim.SGD([half], { lr: 0.1 })), /float16 gradients/);
});

Deno.test("GradScaler: a disabled scaler passes through; stateDict round-trips; the GPU step must be awaited", async () => {
  const off = new torch.amp.GradScaler({ enabled: false });
  const loss = torch.tensor(2.5);
  assert.equal(off.scale(loss), loss);
  assert.equal(off.getScale(), 1);
  const s = new torch.amp.GradScaler({ initScale: 8, growthInterval: 1 });
  const w = torch.ones([1], { requiresGrad: true });
  const opt = new optim.SGD([w], { lr: 0.5 });
  const scaled = s.scale(w.sum());
  assert.deepEqual([scaled.shape, scaled.item()], [[1], 8]); // PyTorch's scale is a [1] tensor
  scaled.backward();
  s.step(opt);
  s.update();
  assert.deepEqual(w.toArray(), [0.5]);
  assert.equal(s.getScale(), 16, "one clean step with growthInterval 1 doubles the scale");
  const restored = new torch.amp.GradScaler();
  restored.loadStateDict(s.stateDict());
  assert.deepEqual(restored.stateDict(), {
    scale: 16,
    growthFactor: 2,
    backoffFactor: 0.5,
    growthInterval: 1,
    growthTracker: 0,
  });
  // An overflow skips the step and halves the scale.
  opt.zeroGrad();
  s.scale(w.sum().mul(Infinity)).backward();
  s.step(opt);
  s.update();
  assert.deepEqual([w.toArray(), s.getScale()], [[0.5], 8]);
  if (await torch.gpu.isAvailable()) {
    const g = torch.ones([1], { device: "gpu", requiresGrad: true });
    const gopt = new optim.SGD([g], { lr: 0.5 });
    s.scale(g.sum()).backward();
    assert.throws(() => s.step(gopt), /use `await scaler.stepAsync\(optimizer\)`/);
    await s.stepAsync(gopt);
    s.update();
    assert.deepEqual(await g.toArrayAsync(), [0.5]);
  }
});

Deno.test("autocast example of nn layers: Linear and Conv2d outputs are float16, their weights' gradients float32", () => {
  const conv = new nn.Conv2d(1, 2, 3), lin = new nn.Linear(8, 2);
  const out = torch.autocast("cpu", () => lin.forward(conv.forward(torch.randn(1, 1, 4, 4)).reshape(1, 8)));
  assert.equal(out.dtype, "float16");
  out.float().sum().backward();
  assert.deepEqual([conv.weight.grad!.dtype, lin.weight.grad!.dtype], ["float32", "float32"]);
});

Deno.test("autocast refuses binaryCrossEntropy as PyTorch does, naming the safe alternative", () => {
  const p = torch.tensor([0.2, 0.9]), t = torch.tensor([0, 1], { dtype: "float32" });
  assert.throws(
    () => torch.autocast("cpu", () => nn.functional.binaryCrossEntropy(p, t)),
    /binaryCrossEntropy is unsafe to autocast .* use binaryCrossEntropyWithLogits/,
  );
  assert.equal(nn.functional.binaryCrossEntropy(p, t).dtype, "float32", "outside autocast it runs");
});
