/**
 * The autograd engine: accumulation, retainGraph, gradient arguments, grad modes, higher order.
 * Every test runs on both devices (tests/devices.ts), with its tensors created on the device.
 */
import * as torch from "../mod.ts";
import { assert, assertArrayAsync, assertCloseAsync, assertThrowsMsg } from "./helpers.ts";
import { deviceTest } from "./devices.ts";

deviceTest("grad accumulates across backward calls and zero_ resets it", async (device) => {
  const x = torch.tensor([1.0, 2.0], { requiresGrad: true, device });
  x.mul(3).sum().backward();
  x.mul(x).sum().backward();
  await assertCloseAsync(x.grad!, [3 + 2, 3 + 4]);
  x.grad!.zero_();
  await assertCloseAsync(x.grad!, [0, 0]);
});

deviceTest("grads of two inputs sharing one formula result are independent tensors", async (device) => {
  const a = torch.tensor([1.0], { requiresGrad: true, device });
  const b = torch.tensor([2.0], { requiresGrad: true, device });
  a.add(b).sum().backward();
  a.grad!.zero_();
  await assertCloseAsync(b.grad!, [1]);
});

deviceTest("a second backward without retainGraph fails clearly; with it, works", async (device) => {
  const x = torch.tensor([1.5], { requiresGrad: true, device });
  const y = x.exp().sum();
  y.backward({ retainGraph: true });
  y.backward();
  await assertCloseAsync(x.grad!, [2 * Math.exp(1.5)], { rtol: 1e-5 });
  assertThrowsMsg(() => y.backward(), /backward through the graph a second time/);
});

deviceTest("non-scalar backward needs a gradient of the output's shape", async (device) => {
  const x = torch.tensor([1.0, 2.0, 3.0], { requiresGrad: true, device });
  const y = x.mul(2);
  assertThrowsMsg(() => y.backward(), /grad can be implicitly created only for scalar outputs/);
  assertThrowsMsg(() => y.backward(torch.ones(2, { device })), /mismatch in shape/);
  y.backward(torch.tensor([1.0, 0.5, 0.0], { device }));
  await assertCloseAsync(x.grad!, [2, 1, 0]);
});

deviceTest("backward on a tensor that does not require grad fails", (device) => {
  assertThrowsMsg(() => torch.tensor([1.0], { device }).sum().backward(), /does not require grad/);
});

deviceTest("isLeaf, gradFn names, requiresGrad propagation", async (device) => {
  const x = torch.tensor([1.0], { requiresGrad: true, device });
  const y = x.mul(2);
  assert.equal(x.isLeaf, true);
  assert.equal(y.isLeaf, false);
  assert.equal(y.gradFn!.name, "MulBackward0");
  assert.equal(x.add(1).gradFn!.name, "AddBackward0");
  if (device === "cpu") {
    assert.equal(String(y), "tensor([2.], grad_fn=<MulBackward0>)");
    assert.equal(String(x), "tensor([1.], requires_grad=True)");
  } else {
    // Printing a GPU tensor does not read it back: it says where it lives.
    assert.match(String(y), /^tensor\(<1 elements of float32 on device 'gpu'.*grad_fn=<MulBackward0>\)$/);
    assert.match(String(x), /on device 'gpu'.*requires_grad=True\)$/);
  }
  assert.equal(
    await y.toStringAsync(),
    `tensor([2.]${device === "cpu" ? "" : `, device='${device}'`}, grad_fn=<MulBackward0>)`,
  );
  assert.equal(torch.tensor([1.0], { device }).mul(2).requiresGrad, false);
  assertThrowsMsg(() => y.requiresGrad_(false), /only change requiresGrad flags of leaf/);
  assertThrowsMsg(() => torch.tensor([1, 2], { device }).requiresGrad_(), /floating point/);
});

deviceTest("noGrad works for sync and async functions; enableGrad overrides it", async (device) => {
  const x = torch.tensor([1.0], { requiresGrad: true, device });
  assert.equal(torch.noGrad(() => x.mul(2)).requiresGrad, false);
  const r = await torch.noGrad(async () => {
    await Promise.resolve();
    return x.mul(2);
  });
  assert.equal(r.requiresGrad, false);
  assert.equal(torch.isGradEnabled(), true);
  assert.equal(torch.noGrad(() => torch.enableGrad(() => x.mul(2))).requiresGrad, true);
  assert.throws(() =>
    torch.noGrad(() => {
      throw new Error("boom");
    })
  );
  assert.equal(torch.isGradEnabled(), true, "mode restored after a throw");
});

deviceTest("in-place ops refuse a leaf that requires grad, except under noGrad", async (device) => {
  const w = torch.tensor([1.0, 2.0], { requiresGrad: true, device });
  assertThrowsMsg(() => w.add_(1), /leaf Variable that requires grad/);
  await assertCloseAsync(w, [1, 2], { msg: "refused op left w untouched" });
  torch.noGrad(() => w.sub_(0.5));
  await assertCloseAsync(w, [0.5, 1.5]);
});

deviceTest("in-place op on a non-leaf rebases its history correctly", async (device) => {
  const x = torch.tensor([1.0, 2.0], { requiresGrad: true, device });
  const y = x.mul(2);
  y.mul_(y);
  y.sum().backward();
  await assertCloseAsync(x.grad!, [8 * 1, 8 * 2]);
});

deviceTest("retainGrad keeps a non-leaf's gradient", async (device) => {
  const x = torch.tensor([1.0, 2.0], { requiresGrad: true, device });
  const y = x.mul(3).retainGrad();
  y.pow(2).sum().backward();
  await assertCloseAsync(y.grad!, [6, 12]);
});

deviceTest("autograd.grad: higher-order gradients through createGraph", async (device) => {
  const x = torch.tensor([0.5, -1.0], { requiresGrad: true, device });
  const y = x.tanh().sum();
  const [g1] = torch.autograd.grad(y, x, { createGraph: true });
  const t = [Math.tanh(0.5), Math.tanh(-1)];
  await assertCloseAsync(g1!, t.map((v) => 1 - v * v), { rtol: 1e-5 });
  const [g2] = torch.autograd.grad(g1!.sum(), x);
  await assertCloseAsync(g2!, t.map((v) => -2 * v * (1 - v * v)), { rtol: 1e-4 });
  const z = torch.tensor([2.0], { requiresGrad: true, device });
  const [d1] = torch.autograd.grad(z.pow(3), z, { createGraph: true });
  const [d2] = torch.autograd.grad(d1!, z, { createGraph: true });
  const [d3] = torch.autograd.grad(d2!, z);
  await assertCloseAsync(d1!, [12]);
  await assertCloseAsync(d2!, [12]);
  await assertCloseAsync(d3!, [6]);
});

deviceTest("autograd.grad: unused inputs, gradOutputs, non-leaf inputs", async (device) => {
  const a = torch.tensor([1.0], { requiresGrad: true, device });
  const b = torch.tensor([1.0], { requiresGrad: true, device });
  assertThrowsMsg(() => torch.autograd.grad(a.mul(2).sum(), [a, b]), /not have been used/);
  const [ga, gb] = torch.autograd.grad(a.mul(2).sum(), [a, b], { allowUnused: true });
  await assertCloseAsync(ga!, [2]);
  assert.equal(gb, null);
  const h = a.mul(4);
  const [gh] = torch.autograd.grad(h.mul(h), h, { gradOutputs: torch.tensor([1.0], { device }) });
  await assertCloseAsync(gh!, [8]);
});

deviceTest("broadcasting: gradients are summed back to each input's shape", async (device) => {
  const a = torch.ones([3, 1], { requiresGrad: true, device });
  const b = torch.ones([4], { requiresGrad: true, device });
  a.mul(b).sum().backward();
  await assertCloseAsync(a.grad!, [[4], [4], [4]]);
  await assertCloseAsync(b.grad!, [3, 3, 3, 3]);
});

deviceTest("a 100,000-node chain backpropagates without overflowing the stack", async (device) => {
  const x = torch.tensor([1.0], { requiresGrad: true, device });
  let y = x;
  for (let i = 0; i < 100_000; i++) y = y.add(1);
  y.sum().backward();
  await assertCloseAsync(x.grad!, [1]);
});

deviceTest(
  "values saved for backward and overwritten in place are detected (version counters)",
  (device) => {
    const x = torch.tensor([0.5, 1.0], { requiresGrad: true, device });
    const a = x.exp();
    a.mul_(2);
    assertThrowsMsg(() => a.sum().backward(), /modified by an inplace operation/);
    const b = x.mul(3);
    const c = b.mul(b);
    b.add_(1);
    assertThrowsMsg(() => c.sum().backward(), /modified by an inplace operation/);
  },
);

deviceTest(
  "graph edges are fixed when recorded: a later in-place op does not reroute earlier results",
  async (device) => {
    const x = torch.tensor([1.0, 2.0], { requiresGrad: true, device });
    const y = x.mul(2);
    const z = y.add(1); // add saves no values, so writing y afterwards is allowed
    y.mul_(5);
    z.sum().backward();
    await assertCloseAsync(x.grad!, [2, 2]);
  },
);

deviceTest(
  "in-place op on a view of a non-leaf: the base's gradient goes through the write (CopySlices)",
  async (device) => {
    const x = torch.tensor([1, 1, 1], { requiresGrad: true, device });
    const y = x.mul(2);
    y.index(0).mul_(3);
    await assertArrayAsync(y, [6, 2, 2]);
    y.sum().backward();
    await assertCloseAsync(x.grad!, [6, 2, 2]);
    const w = torch.tensor([4.0], { requiresGrad: true, device });
    const buf = torch.zeros(3, { device });
    buf.index("1:2").add_(w);
    buf.mul(torch.tensor([1, 10, 100], { device })).sum().backward();
    await assertCloseAsync(w.grad!, [10]);
  },
);

deviceTest(
  "moving between devices: gradients flow back through .to/.toAsync, or a clear error before any work",
  async (device) => {
    const x = torch.tensor([1.0, 2.0], { requiresGrad: true }); // a CPU leaf
    const w = torch.tensor([3.0], { requiresGrad: true, device });
    const loss = x.to(device).mul(w).sum();
    if (device === "cpu") {
      loss.backward();
      await assertCloseAsync(x.grad!, [3, 3]);
      x.grad = null;
      w.grad = null;
    } else {
      // The CPU leaf's gradient would need a synchronous read of the GPU: refused up front.
      assertThrowsMsg(() => loss.backward(), /moved from "cpu" to "gpu"[^]*detach\(\)\.requiresGrad_\(\)/);
      assert.equal(x.grad, null);
      assert.equal(w.grad, null, "nothing was accumulated before the error");
    }
    // The remedy the error names: a leaf on the device.
    const xd = x.to(device).detach().requiresGrad_();
    xd.mul(w).sum().backward();
    await assertCloseAsync(xd.grad!, [3, 3]);
    assert.equal(xd.grad!.device, device);
    // Coming back to the CPU (an awaited read) keeps the graph: the gradient goes back up to the device.
    const back = await xd.mul(2).toAsync("cpu");
    assert.equal(back.device, "cpu");
    back.sum().backward();
    await assertCloseAsync(xd.grad!, [5, 5]);
  },
);

deviceTest(
  "backward releases the gradients it passes between nodes and its formulas' intermediates at once",
  (device) => {
    // GPU buffers are invisible to the garbage collector: without createGraph, everything the
    // backward pass makes but the leaves' gradients goes back to the pool before it returns.
    const backend = torch.gpu.webgpuBackend()!;
    torch.manualSeed(1);
    const w = torch.randn([6, 5], { device, requiresGrad: true });
    const b = torch.randn([5], { device, requiresGrad: true });
    const k = torch.randn([2, 1, 3, 3], { device, requiresGrad: true });
    const x = torch.randn([4, 6], { device });
    const idx = torch.tensor([[0], [3], [4], [1]], { device });
    const h = x.matmul(w).add(b).tanh(); // [4, 5]
    const parts = [
      h.logSoftmax(1).gather(1, idx).neg().mean(),
      h.softmax(0).pow(2).sum(),
      h.logsumexp(1).sigmoid().sum(),
      h.var(0).sqrt().sum(),
      torch.cat([h, h.T.index("1:3").T], 1).amax(1).sum(),
      torch.where(h.gt(0), h, h.mul(0.5)).div(b.abs().add(1)).max(1).values.sum(),
      torch.maxPool2d(torch.conv2d(h.view(1, 1, 4, 5), k, null, { padding: 1 }), 2).relu().sum(),
      h.T.reshape(-1).cumsum(0).clamp(-1, 1).sum(),
    ];
    const loss = parts.reduce((acc, p) => acc.add(p));
    // Gradients accumulate in place into existing buffers, so nothing new should stay.
    for (const p of [w, b, k]) p.grad = torch.zerosLike(p);
    const before = backend.liveBytes();
    loss.backward({ retainGraph: true });
    assert.equal(backend.liveBytes(), before, "the backward pass kept no temporaries");
    // A second pass through the same graph still works (nothing the graph holds was released).
    const g1 = w.grad!.clone();
    const before2 = backend.liveBytes();
    loss.backward();
    // Without retainGraph the pass also frees what the graph saved (h, the softmax outputs, the
    // conv columns...): only the leaves, their gradients and what the test holds stay.
    assert.ok(
      backend.liveBytes() < before2,
      `the second pass kept no temporaries either (${backend.liveBytes()} >= ${before2})`,
    );
    return assertCloseAsync(w.grad!, g1.mul(2), { rtol: 1e-5, atol: 1e-6 });
  },
  { devices: ["gpu"] },
);

deviceTest(
  "casting to an integer or bool dtype leaves the graph, as PyTorch (float casts stay recorded)",
  async (device) => {
    const x = torch.tensor([1.5, -2.5], { requiresGrad: true, device });
    for (const dtype of ["int32", "uint8", "bool"] as const) {
      const y = x.to(dtype);
      assert.equal(y.requiresGrad, false, dtype);
      assert.equal(y.gradFn, null, dtype);
    }
    assert.equal(x.int().requiresGrad, false);
    const h = x.to("float16");
    assert.equal(h.gradFn?.name, "ToCopyBackward0");
    h.float().mul(x.int().float().add(1)).sum().backward(); // the int branch is a constant
    assert.deepEqual(await x.grad!.toArrayAsync(), [2, -1]);
  },
);
