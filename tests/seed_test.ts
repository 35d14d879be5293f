/** The PyTorch seed examples of the foundation issue, as written there. */
import * as torch from "../mod.ts";
import { F } from "../mod.ts";
import { assert, assertClose, assertThrowsMsg } from "./helpers.ts";

Deno.test("seed: x.pow(2).add(1).backward(), zero_, requiresGrad_, detach, noGrad", () => {
  const x = torch.tensor([2.0], { requiresGrad: true });
  const y = x.pow(2).add(1);
  y.backward();
  assertClose(x.grad!, [4]);
  x.grad!.zero_();
  assertClose(x.grad!, [0]);
  x.requiresGrad_(false);
  assert.equal(x.requiresGrad, false);
  x.requiresGrad_(true);
  assert.equal(x.requiresGrad, true);
  assert.equal(x.mul(3).detach().requiresGrad, false);
  const inside = torch.noGrad(() => x.mul(3));
  assert.equal(inside.requiresGrad, false);
  assert.equal(x.mul(3).requiresGrad, true);
});

Deno.test("seed: integer matmul, view, reshape, T", () => {
  const t = torch.tensor([[1, 2], [3, 4]]);
  const p = t.matmul(t.T);
  assert.deepEqual(p.toArray(), [[5, 11], [11, 25]]);
  assert.equal(p.dtype, "int32");
  assert.equal(t.dtype, "int32");
  assert.deepEqual(t.view(4, 1).toArray(), [[1], [2], [3], [4]]);
  assert.deepEqual(t.reshape(4, 1).toArray(), [[1], [2], [3], [4]]);
  assert.deepEqual(t.T.toArray(), [[1, 3], [2, 4]]);
  assert.equal(t.T.dtype, "int32");
});

Deno.test("seed: logistic unit, binary cross entropy, autograd.grad and backward", () => {
  const y = torch.tensor(1.0);
  const x1 = torch.tensor(1.1);
  const w1 = torch.tensor(2.2, { requiresGrad: true });
  const b = torch.tensor(0.0, { requiresGrad: true });
  const z = x1.mul(w1).add(b);
  const a = torch.sigmoid(z);
  assertClose(a, 0.9183, { atol: 5e-5 });
  const loss = F.binaryCrossEntropy(a, y);
  assertClose(loss, 0.0852, { atol: 5e-5 });
  const [gw] = torch.autograd.grad(loss, w1, { retainGraph: true });
  const [gb] = torch.autograd.grad(loss, b, { retainGraph: true });
  assertClose(gw!, -0.0898, { atol: 5e-5 });
  assertClose(gb!, -0.0817, { atol: 5e-5 });
  assert.equal(w1.grad, null, "autograd.grad leaves .grad untouched");
  loss.backward();
  assertClose(w1.grad!, -0.0898, { atol: 5e-5 });
  assertClose(b.grad!, -0.0817, { atol: 5e-5 });
});

Deno.test("seed: x.pow(2).sum().backward() and z = w*b + b", () => {
  const x = torch.tensor([[1, 0], [-1, 1]], { requiresGrad: true });
  x.pow(2).sum().backward();
  assert.deepEqual(x.grad!.toArray(), [[2, 0], [-2, 2]]);
  const w = torch.tensor(3.0, { requiresGrad: true });
  const b = torch.tensor(2.0, { requiresGrad: true });
  const z = w.mul(b).add(b);
  z.backward();
  assert.equal(w.grad!.item(), 2);
  assert.equal(b.grad!.item(), 4);
});

Deno.test("seed: squeeze, cat, indexing a rand(5, 3), view(4, -1) error", () => {
  assert.deepEqual(torch.zeros(1, 2, 3).squeeze(0).shape, [2, 3]);
  const c = torch.cat([torch.zeros(2, 1, 3), torch.zeros(2, 3, 3), torch.zeros(2, 2, 3)], 1);
  assert.deepEqual(c.shape, [2, 6, 3]);
  torch.manualSeed(0);
  const x = torch.rand(5, 3);
  const rows = x.toArray() as number[][];
  assert.deepEqual(x.index(":", 0).toArray(), rows.map((r) => r[0]));
  assert.deepEqual(x.index(1, ":").toArray(), rows[1]);
  assert.equal(x.index(1, 1).item(), rows[1][1]);
  assert.deepEqual(x.index(1, 1).shape, []);
  assertThrowsMsg(() => torch.rand(15).view(4, -1), /shape '\[4, -1\]' is invalid for input of size 15/);
});
