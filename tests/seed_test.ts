/**
 * The PyTorch seed examples of the foundation issue, as written there, on both devices
 * (tests/devices.ts): tensors created on the device, values read with the async reads.
 */
import * as torch from "../mod.ts";
import { F } from "../mod.ts";
import { assert, assertArrayAsync, assertCloseAsync, assertThrowsMsg } from "./helpers.ts";
import { deviceTest } from "./devices.ts";

deviceTest("seed: x.pow(2).add(1).backward(), zero_, requiresGrad_, detach, noGrad", async (device) => {
  const x = torch.tensor([2.0], { requiresGrad: true, device });
  const y = x.pow(2).add(1);
  y.backward();
  await assertCloseAsync(x.grad!, [4]);
  x.grad!.zero_();
  await assertCloseAsync(x.grad!, [0]);
  x.requiresGrad_(false);
  assert.equal(x.requiresGrad, false);
  x.requiresGrad_(true);
  assert.equal(x.requiresGrad, true);
  assert.equal(x.mul(3).detach().requiresGrad, false);
  const inside = torch.noGrad(() => x.mul(3));
  assert.equal(inside.requiresGrad, false);
  assert.equal(x.mul(3).requiresGrad, true);
});

deviceTest("seed: integer matmul, view, reshape, T", async (device) => {
  const t = torch.tensor([[1, 2], [3, 4]], { device });
  const p = t.matmul(t.T);
  await assertArrayAsync(p, [[5, 11], [11, 25]]);
  assert.equal(p.dtype, "int32");
  assert.equal(t.dtype, "int32");
  await assertArrayAsync(t.view(4, 1), [[1], [2], [3], [4]]);
  await assertArrayAsync(t.reshape(4, 1), [[1], [2], [3], [4]]);
  await assertArrayAsync(t.T, [[1, 3], [2, 4]]);
  assert.equal(t.T.dtype, "int32");
});

deviceTest("seed: logistic unit, binary cross entropy, autograd.grad and backward", async (device) => {
  const y = torch.tensor(1.0, { device });
  const x1 = torch.tensor(1.1, { device });
  const w1 = torch.tensor(2.2, { requiresGrad: true, device });
  const b = torch.tensor(0.0, { requiresGrad: true, device });
  const z = x1.mul(w1).add(b);
  const a = torch.sigmoid(z);
  await assertCloseAsync(a, 0.9183, { atol: 5e-5 });
  const loss = F.binaryCrossEntropy(a, y);
  await assertCloseAsync(loss, 0.0852, { atol: 5e-5 });
  const [gw] = torch.autograd.grad(loss, w1, { retainGraph: true });
  const [gb] = torch.autograd.grad(loss, b, { retainGraph: true });
  await assertCloseAsync(gw!, -0.0898, { atol: 5e-5 });
  await assertCloseAsync(gb!, -0.0817, { atol: 5e-5 });
  assert.equal(w1.grad, null, "autograd.grad leaves .grad untouched");
  loss.backward();
  await assertCloseAsync(w1.grad!, -0.0898, { atol: 5e-5 });
  await assertCloseAsync(b.grad!, -0.0817, { atol: 5e-5 });
});

deviceTest("seed: x.pow(2).sum().backward() and z = w*b + b", async (device) => {
  const x = torch.tensor([[1, 0], [-1, 1]], { requiresGrad: true, device });
  x.pow(2).sum().backward();
  await assertArrayAsync(x.grad!, [[2, 0], [-2, 2]]);
  const w = torch.tensor(3.0, { requiresGrad: true, device });
  const b = torch.tensor(2.0, { requiresGrad: true, device });
  const z = w.mul(b).add(b);
  z.backward();
  assert.equal(await w.grad!.itemAsync(), 2);
  assert.equal(await b.grad!.itemAsync(), 4);
});

deviceTest("seed: squeeze, cat, indexing a rand(5, 3), view(4, -1) error", async (device) => {
  assert.deepEqual(torch.zeros(1, 2, 3, { device }).squeeze(0).shape, [2, 3]);
  const c = torch.cat([
    torch.zeros(2, 1, 3, { device }),
    torch.zeros(2, 3, 3, { device }),
    torch.zeros(2, 2, 3, { device }),
  ], 1);
  assert.deepEqual(c.shape, [2, 6, 3]);
  torch.manualSeed(0);
  const x = torch.rand(5, 3, { device });
  const rows = await x.toArrayAsync() as number[][];
  await assertArrayAsync(x.index(":", 0), rows.map((r) => r[0]));
  await assertArrayAsync(x.index(1, ":"), rows[1]);
  assert.equal(await x.index(1, 1).itemAsync(), rows[1][1]);
  assert.deepEqual(x.index(1, 1).shape, []);
  assertThrowsMsg(
    () => torch.rand(15, { device }).view(4, -1),
    /shape '\[4, -1\]' is invalid for input of size 15/,
  );
});

deviceTest(
  "seed: manualSeed gives the same random values on every device (one CPU stream)",
  async (device) => {
    const draw = (d: "cpu" | "gpu") => {
      torch.manualSeed(7);
      return [
        torch.rand(5, 3, { device: d }),
        torch.randn([17], { device: d }),
        torch.randint(0, 10, [6], { device: d }),
        torch.randperm(9, { device: d }),
        torch.rand(4, { device: d, dtype: "float16" }),
        torch.randLike(torch.zeros(2, 2, { device: d })),
        torch.randnLike(torch.zeros(3, { device: d })),
      ];
    };
    const want = draw("cpu");
    const got = draw(device);
    for (let i = 0; i < want.length; i++) {
      assert.equal(got[i].device, device);
      assert.equal(got[i].dtype, want[i].dtype);
      await assertArrayAsync(got[i], want[i].toArray(), `draw ${i}`);
    }
  },
);
