/**
 * Small features ported PyTorch programs use: GaussianNLLLoss, CyclicLR / SequentialLR /
 * ChainedScheduler, and the `inplace` option of the activations. Expected values:
 * tools/fixtures/port_fixtures.py (PyTorch 1.13).
 */
import * as torch from "../mod.ts";
import { data, F, nn, optim } from "../mod.ts";
import type { Device, Tensor } from "../mod.ts";
import { assert, assertClose, assertCloseAsync, assertRejectsMsg, assertThrowsMsg } from "./helpers.ts";
import { deviceTest } from "./devices.ts";

const fx = JSON.parse(await Deno.readTextFile(new URL("./fixtures/port.json", import.meta.url)));

const onDevice = (values: number[], shape: number[], device: Device, requiresGrad = false): Tensor =>
  torch.tensor(values, { dtype: "float32" }).reshape(shape).to(device).requiresGrad_(requiresGrad);

deviceTest(
  "GaussianNLLLoss: PyTorch's values and gradients (variance shapes, full, eps, reductions)",
  async (device) => {
    for (const c of fx.gaussian_nll) {
      const x = onDevice(c.input, c.inputShape, device, true);
      const t = onDevice(c.target, c.inputShape, device);
      const v = onDevice(c.var, c.varShape, device, true);
      const opts = { full: c.options.full, eps: c.options.eps, reduction: c.options.reduction };
      const loss = c.name.endsWith("sum")
        ? new nn.GaussianNLLLoss(opts)(x, t, v)
        : F.gaussianNllLoss(x, t, v, opts);
      assert.deepEqual(loss.shape, c.lossShape, c.name);
      await assertCloseAsync(loss.flatten(), c.loss, { rtol: 1e-5, atol: 1e-6, msg: c.name });
      const w = torch.linspace(0.5, 1.5, loss.numel()).reshape([...loss.shape]).to(device);
      loss.mul(w).sum().backward();
      await assertCloseAsync(x.grad!.flatten(), c.gradInput, {
        rtol: 1e-5,
        atol: 1e-6,
        msg: `${c.name} grad input`,
      });
      await assertCloseAsync(v.grad!.flatten(), c.gradVar, {
        rtol: 1e-4,
        atol: 1e-3,
        msg: `${c.name} grad var`,
      });
    }
  },
);

Deno.test("GaussianNLLLoss: bad variances and shapes are clear errors", () => {
  const x = torch.zeros(4, 3);
  assertThrowsMsg(
    () => F.gaussianNllLoss(x, x, torch.ones(4, 2)),
    /gaussianNllLoss: var is of incorrect size: expected the input's shape \[4, 3\]/,
  );
  assertThrowsMsg(
    () => F.gaussianNllLoss(x, x, torch.tensor([1, -1, 1, 1], { dtype: "float32" })),
    /gaussianNllLoss: var has negative entry\/entries/,
  );
  assertThrowsMsg(
    () => F.gaussianNllLoss(x, x, torch.ones(4, 3), { reduction: "avg" as "mean" }),
    /reduction must be/,
  );
  assert.equal(String(new nn.GaussianNLLLoss()), "GaussianNLLLoss()");
});

type Sched = optim.LRScheduler;
const CASES: Record<string, () => [optim.SGD, Sched]> = {
  "cyclic triangular": () => {
    const o = sgd([0.1]);
    return [o, new optim.CyclicLR(o, { baseLr: 0.01, maxLr: 0.1, stepSizeUp: 4 })];
  },
  "cyclic triangular2 groups": () => {
    const o = sgd([0.1, 0.2]);
    return [
      o,
      new optim.CyclicLR(o, {
        baseLr: [0.01, 0.02],
        maxLr: [0.1, 0.3],
        stepSizeUp: 3,
        stepSizeDown: 5,
        mode: "triangular2",
        baseMomentum: [0.8, 0.7],
        maxMomentum: 0.95,
      }),
    ];
  },
  "cyclic exp_range": () => {
    const o = sgd([0.1]);
    return [
      o,
      new optim.CyclicLR(o, { baseLr: 0.001, maxLr: 0.01, stepSizeUp: 5, mode: "exp_range", gamma: 0.97 }),
    ];
  },
  "cyclic no momentum cycling": () => {
    const o = sgd([0.1], 0);
    return [o, new optim.CyclicLR(o, { baseLr: 0.05, maxLr: 0.5, stepSizeUp: 2, cycleMomentum: false })];
  },
  "cyclic scale_fn iterations": () => {
    const o = sgd([0.1]);
    return [
      o,
      new optim.CyclicLR(o, {
        baseLr: 0.05,
        maxLr: 0.5,
        stepSizeUp: 2,
        scaleFn: (x) => 1 / (1 + x),
        scaleMode: "iterations",
      }),
    ];
  },
  "sequential linear exponential": () => {
    const o = sgd([1]);
    const schedulers = [
      new optim.LinearLR(o, { startFactor: 0.25, totalIters: 4 }),
      new optim.ExponentialLR(o, { gamma: 0.8 }),
    ];
    return [o, new optim.SequentialLR(o, { schedulers, milestones: [4] })];
  },
  "sequential constant step cosine": () => {
    const o = sgd([0.5, 1]);
    const schedulers = [
      new optim.ConstantLR(o, { factor: 0.1, totalIters: 2 }),
      new optim.StepLR(o, { stepSize: 2, gamma: 0.5 }),
      new optim.CosineAnnealingLR(o, { tMax: 5, etaMin: 0.01 }),
    ];
    return [o, new optim.SequentialLR(o, { schedulers, milestones: [3, 7] })];
  },
  "sequential multistep polynomial": () => {
    const o = sgd([1]);
    const schedulers = [
      new optim.MultiStepLR(o, { milestones: [1, 2], gamma: 0.5 }),
      new optim.PolynomialLR(o, { totalIters: 4 }),
    ];
    return [o, new optim.SequentialLR(o, { schedulers, milestones: [3] })];
  },
  "chained constant exponential": () => {
    const o = sgd([1]);
    return [
      o,
      new optim.ChainedScheduler([
        new optim.ConstantLR(o, { factor: 0.5, totalIters: 3 }),
        new optim.ExponentialLR(o, { gamma: 0.9 }),
      ]),
    ];
  },
  "chained step linear": () => {
    const o = sgd([0.1, 0.3]);
    return [
      o,
      new optim.ChainedScheduler([
        new optim.StepLR(o, { stepSize: 3, gamma: 0.5 }),
        new optim.LinearLR(o, { startFactor: 0.5, totalIters: 4 }),
      ]),
    ];
  },
};

function sgd(lrs: number[], momentum = 0.9): optim.SGD {
  return new optim.SGD(
    lrs.map((lr) => ({ params: [torch.zeros([1], { requiresGrad: true })], lr })),
    { lr: lrs[0], momentum },
  );
}

Deno.test("CyclicLR, SequentialLR, ChainedScheduler: PyTorch's lr and momentum at every step", () => {
  assert.deepEqual(Object.keys(CASES).sort(), Object.keys(fx.schedulers).sort());
  for (const [name, make] of Object.entries(CASES)) {
    const expected = fx.schedulers[name];
    const [opt, sched] = make();
    const lrs: number[][] = [], moms: number[][] = [];
    for (let i = 0; i < expected.lrs.length; i++) {
      lrs.push(opt.paramGroups.map((g) => g.lr));
      moms.push(opt.paramGroups.map((g) => g.momentum as number));
      if (i < expected.lrs.length - 1) {
        opt.step();
        sched.step();
      }
    }
    assertClose(lrs, expected.lrs, { rtol: 1e-12, atol: 1e-15, msg: `${name} lr` });
    assertClose(moms, expected.momentum, { rtol: 1e-12, atol: 1e-15, msg: `${name} momentum` });
    assertClose(sched.getLastLr(), expected.lastLr, { rtol: 1e-12, atol: 1e-15, msg: `${name} getLastLr` });
  }
});

Deno.test("composed schedulers: state dicts round-trip; errors are PyTorch's", () => {
  const run = (resumeAt: number | null) => {
    const [opt, sched] = CASES["sequential constant step cosine"]();
    const out: number[] = [];
    for (let i = 0; i < 12; i++) {
      if (i === resumeAt) {
        const saved = JSON.parse(JSON.stringify({ o: opt.stateDict(), s: sched.stateDict() }));
        const [opt2, sched2] = CASES["sequential constant step cosine"]();
        opt2.loadStateDict(saved.o);
        sched2.loadStateDict(saved.s);
        for (let j = i; j < 12; j++) {
          out.push(opt2.lr);
          opt2.step();
          sched2.step();
        }
        return out;
      }
      out.push(opt.lr);
      opt.step();
      sched.step();
    }
    return out;
  };
  assert.deepEqual(run(5), run(null));
  const [, chained] = CASES["chained step linear"]();
  const sd = chained.stateDict();
  assert.equal((sd._schedulers as unknown[]).length, 2);
  assertThrowsMsg(
    () => chained.loadStateDict({ ...sd, _schedulers: [] }),
    /expected _schedulers with 2 states/,
  );

  const a = sgd([0.1]), b = sgd([0.1]);
  const sa = new optim.StepLR(a, { stepSize: 2 });
  assertThrowsMsg(
    () =>
      new optim.SequentialLR(a, { schedulers: [sa, new optim.StepLR(b, { stepSize: 2 })], milestones: [2] }),
    /schedulers at index 1 to be different than the optimizer passed in/,
  );
  assertThrowsMsg(
    () => new optim.SequentialLR(a, { schedulers: [sa], milestones: [2] }),
    /expects number of schedulers provided to be one more than the number of milestone points/,
  );
  assertThrowsMsg(
    () => new optim.ChainedScheduler([sa, new optim.StepLR(b, { stepSize: 2 })]),
    /schedulers at index 0 and 1 to be different/,
  );
  assertThrowsMsg(
    () => new optim.ChainedScheduler([sa, new optim.ReduceLROnPlateau(a) as unknown as Sched]),
    /schedulers\[1\] is not an epoch-based LR scheduler/,
  );
  const adam = new optim.Adam([torch.zeros([1], { requiresGrad: true })]);
  assertThrowsMsg(
    () => new optim.CyclicLR(adam, { baseLr: 0.01, maxLr: 0.1 }),
    /CyclicLR: optimizer must support momentum with `cycleMomentum` option enabled/,
  );
  new optim.CyclicLR(adam, { baseLr: 0.01, maxLr: 0.1, cycleMomentum: false });
  assertThrowsMsg(
    () => new optim.CyclicLR(a, { baseLr: [0.1, 0.2], maxLr: 1 }),
    /CyclicLR: expected 1 values for baseLr, got 2/,
  );
  assertThrowsMsg(
    () => new optim.CyclicLR(a, { baseLr: 0.1, maxLr: 1, mode: "sine" as "triangular" }),
    /CyclicLR: mode must be "triangular", "triangular2" or "exp_range" \(or give a scaleFn\), got "sine"/,
  );
  assertThrowsMsg(
    () => new optim.CyclicLR(a, { baseLr: 0.1, max_lr: 1 } as unknown as optim.CyclicLROptions),
    /unknown option "max_lr" \(options are camelCase: "maxLr"\)/,
  );
});

const ACTIVATIONS: Record<string, () => nn.Module> = {
  ReLU: () => new nn.ReLU(true),
  ReLU6: () => new nn.ReLU6({ inplace: true }),
  LeakyReLU: () => new nn.LeakyReLU(0.2, true),
  ELU: () => new nn.ELU(0.7, true),
  CELU: () => new nn.CELU(1.5, { inplace: true }),
  SELU: () => new nn.SELU(true),
  Hardtanh: () => new nn.Hardtanh(-0.5, 0.5, true),
  Hardsigmoid: () => new nn.Hardsigmoid(true),
  Hardswish: () => new nn.Hardswish(true),
  SiLU: () => new nn.SiLU(true),
  Mish: () => new nn.Mish(true),
  Threshold: () => new nn.Threshold(0.1, -2, true),
};

deviceTest(
  "activations with inplace: written into the input, PyTorch's values, gradients and reprs",
  async (device) => {
    for (const c of fx.inplace) {
      const make = ACTIVATIONS[c.name];
      assert.ok(make, c.name);
      const lin = new nn.Linear(3, 4);
      lin.loadStateDict({ weight: torch.tensor(c.weight).reshape(4, 3), bias: torch.tensor(c.bias) });
      lin.to(device);
      const x = onDevice(c.x, [5, 3], device, true);
      const act = make();
      assert.equal(String(act), c.repr, `${c.name} repr`);
      const h = lin(x);
      const y = act(h) as Tensor;
      assert.equal(y, h, `${c.name} returns its input`);
      await assertCloseAsync(y.flatten(), c.out, { rtol: 1e-5, atol: 1e-6, msg: c.name });
      const w = torch.linspace(-1, 1, y.numel()).reshape([...y.shape]).to(device);
      y.mul(w).sum().backward();
      await assertCloseAsync(x.grad!.flatten(), c.gradX, { rtol: 1e-4, atol: 1e-6, msg: `${c.name} grad x` });
      await assertCloseAsync(lin.weight.grad!.flatten(), c.gradWeight, {
        rtol: 1e-4,
        atol: 1e-6,
        msg: `${c.name} grad weight`,
      });
    }
  },
);

Deno.test("functional activations take inplace too; a leaf that requires grad is refused", () => {
  const x = torch.tensor([-1, 0.5, 2]);
  const y = F.relu(x, true);
  assert.equal(y, x);
  assert.deepEqual(x.toArray(), [0, 0.5, 2]);
  const z = torch.tensor([-1, 2], { dtype: "float32" });
  F.leakyRelu(z, 0.5, { inplace: true });
  assert.deepEqual(z.toArray(), [-0.5, 2]);
  const t = torch.tensor([-3, 0.2, 3]);
  F.hardtanh(t, -1, 1, true);
  assertClose(t, [-1, 0.2, 1]);
  const leaf = torch.tensor([1, -1], { requiresGrad: true });
  assertThrowsMsg(
    () => F.elu(leaf, 1, true),
    /elu_: a leaf Variable that requires grad is being used in an in-place operation/,
  );
  assertThrowsMsg(
    () => F.relu(torch.ones(2), "yes" as unknown as boolean),
    /relu: inplace must be a boolean/,
  );
  assert.equal(String(new nn.ReLU()), "ReLU()");
  // linspace with one step is [start], as PyTorch (the weights of a scalar loss above depend on it).
  assert.deepEqual(torch.linspace(0.5, 1.5, 1).toArray(), [0.5]);
  assert.equal(String(new nn.LeakyReLU(0.2)), "LeakyReLU(negative_slope=0.2)");
});

Deno.test('PyTorch device strings ("cuda", "cuda:0", "mps") are refused everywhere a device is accepted, naming "gpu"', async () => {
  const useGpu = /device "(cuda|cuda:0|cuda:1|mps)" is PyTorch's name for an accelerator; .*use "gpu"/;
  const model = new nn.Linear(2, 2);
  const cases: [string, () => unknown][] = [
    ["to", () => torch.ones(2).to("cuda" as "gpu")],
    ["to", () => torch.ones(2).to({ device: "cuda:1" as "gpu" })],
    ["tensor", () => torch.tensor([1, 2], { device: "mps" as "gpu" })],
    ["zeros", () => torch.zeros(2, { device: "cuda:0" as "gpu" })],
    ["randn", () => torch.randn(2, { device: "cuda" as "gpu" })],
    ["arange", () => torch.arange(3, { device: "cuda" as "gpu" })],
    ["Module.to", () => model.to("cuda:0" as "gpu")],
    ["Module.to", () => model.to({ device: "mps" as "gpu" })],
    ["DataLoader", () => new data.DataLoader([1, 2], { device: "cuda" as "gpu" })],
    ["Module.to", () => new nn.Linear(2, 2, { device: "cuda" as "gpu" })],
  ];
  for (const [op, fn] of cases) {
    assertThrowsMsg(fn, new RegExp(`^${op.replace(".", "\\.")}: ${useGpu.source}`));
  }
  await assertRejectsMsg(
    () => torch.ones(1).toAsync("mps" as "gpu"),
    /^toAsync: device "mps" is PyTorch's name/,
  );
  await assertRejectsMsg(
    () => model.toAsync("cuda" as "gpu"),
    /^Module\.toAsync: device "cuda" is PyTorch's name/,
  );
  assertThrowsMsg(() => torch.ones(1).to("complex128" as "float32"), /to: unknown dtype "complex128"/);
  assert.equal(model.weight.device, "cpu", "a refused move leaves the model where it was");
});

Deno.test("torch.save(model) is refused with a message suggesting model.stateDict()", async () => {
  const model = new nn.Sequential(new nn.Linear(2, 2));
  const opt = new optim.SGD(model.parameters(), { lr: 0.1 });
  const path = await Deno.makeTempFile({ suffix: ".safetensors" });
  try {
    await assertRejectsMsg(
      () => torch.save(model as unknown as Record<string, Tensor>, path),
      /^save: got a Sequential module; .*save `model\.stateDict\(\)` \(e\.g\. `await torch\.save\(model\.stateDict\(\), path\)`\)/,
    );
    assert.equal((await Deno.stat(path)).size, 0, "nothing was written");
    assertThrowsMsg(
      () => torch.saveBytes({ model, epoch: 3 } as unknown as Record<string, Tensor>),
      /^saveBytes: got a Sequential module at model; .*model\.stateDict\(\)/,
    );
    await assertRejectsMsg(
      () => torch.saveBytesAsync({ optimizer: opt } as unknown as Record<string, Tensor>),
      /^saveBytesAsync: got an SGD at optimizer|^saveBytesAsync: got a SGD at optimizer; .*optimizer\.stateDict\(\)/,
    );
    await torch.save({ model: model.stateDict(), optimizer: opt.stateDict(), epoch: 3 }, path);
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("zeroGrad sets gradients to null by default (PyTorch 2's set_to_none=True), or zeroes them", () => {
  const model = new nn.Linear(2, 1);
  const opt = new optim.SGD(model.parameters(), { lr: 0.1 });
  const step = () => model(torch.ones(1, 2)).sum().backward();
  step();
  model.zeroGrad();
  assert.ok(model.parameters().every((p) => p.grad === null));
  step();
  opt.zeroGrad();
  assert.ok(model.parameters().every((p) => p.grad === null));
  step();
  const g = model.weight.grad!;
  opt.zeroGrad({ setToNone: false });
  assert.equal(model.weight.grad, g, "the same tensor, zeroed in place");
  assert.deepEqual(g.toArray(), [[0, 0]]);
  model.zeroGrad({ setToNone: false });
  assert.deepEqual(model.bias!.grad!.toArray(), [0]);
});
