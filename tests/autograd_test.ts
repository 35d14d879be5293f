/** The autograd engine: accumulation, retainGraph, gradient arguments, grad modes, higher order. */
import * as torch from "../mod.ts";
import { assert, assertClose, assertThrowsMsg } from "./helpers.ts";

Deno.test("grad accumulates across backward calls and zero_ resets it", () => {
  const x = torch.tensor([1.0, 2.0], { requiresGrad: true });
  x.mul(3).sum().backward();
  x.mul(x).sum().backward();
  assertClose(x.grad!, [3 + 2, 3 + 4]);
  x.grad!.zero_();
  assertClose(x.grad!, [0, 0]);
});

Deno.test("grads of two inputs sharing one formula result are independent tensors", () => {
  const a = torch.tensor([1.0], { requiresGrad: true });
  const b = torch.tensor([2.0], { requiresGrad: true });
  a.add(b).sum().backward();
  a.grad!.zero_();
  assertClose(b.grad!, [1]);
});

Deno.test("a second backward without retainGraph fails clearly; with it, works", () => {
  const x = torch.tensor([1.5], { requiresGrad: true });
  const y = x.exp().sum();
  y.backward({ retainGraph: true });
  y.backward();
  assertClose(x.grad!, [2 * Math.exp(1.5)], { rtol: 1e-5 });
  assertThrowsMsg(() => y.backward(), /backward through the graph a second time/);
});

Deno.test("non-scalar backward needs a gradient of the output's shape", () => {
  const x = torch.tensor([1.0, 2.0, 3.0], { requiresGrad: true });
  const y = x.mul(2);
  assertThrowsMsg(() => y.backward(), /grad can be implicitly created only for scalar outputs/);
  assertThrowsMsg(() => y.backward(torch.ones(2)), /mismatch in shape/);
  y.backward(torch.tensor([1.0, 0.5, 0.0]));
  assertClose(x.grad!, [2, 1, 0]);
});

Deno.test("backward on a tensor that does not require grad fails", () => {
  assertThrowsMsg(() => torch.tensor([1.0]).sum().backward(), /does not require grad/);
});

Deno.test("isLeaf, gradFn names, requiresGrad propagation", () => {
  const x = torch.tensor([1.0], { requiresGrad: true });
  const y = x.mul(2);
  assert.equal(x.isLeaf, true);
  assert.equal(y.isLeaf, false);
  assert.equal(y.gradFn!.name, "MulBackward0");
  assert.equal(x.add(1).gradFn!.name, "AddBackward0");
  assert.equal(String(y), "tensor([2.], grad_fn=<MulBackward0>)");
  assert.equal(String(x), "tensor([1.], requires_grad=True)");
  assert.equal(torch.tensor([1.0]).mul(2).requiresGrad, false);
  assertThrowsMsg(() => y.requiresGrad_(false), /only change requiresGrad flags of leaf/);
  assertThrowsMsg(() => torch.tensor([1, 2]).requiresGrad_(), /floating point/);
});

Deno.test("noGrad works for sync and async functions; enableGrad overrides it", async () => {
  const x = torch.tensor([1.0], { requiresGrad: true });
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

Deno.test("in-place ops refuse a leaf that requires grad, except under noGrad", () => {
  const w = torch.tensor([1.0, 2.0], { requiresGrad: true });
  assertThrowsMsg(() => w.add_(1), /leaf Variable that requires grad/);
  assertClose(w, [1, 2], { msg: "refused op left w untouched" });
  torch.noGrad(() => w.sub_(0.5));
  assertClose(w, [0.5, 1.5]);
});

Deno.test("in-place op on a non-leaf rebases its history correctly", () => {
  const x = torch.tensor([1.0, 2.0], { requiresGrad: true });
  const y = x.mul(2);
  y.mul_(y);
  y.sum().backward();
  assertClose(x.grad!, [8 * 1, 8 * 2]);
});

Deno.test("retainGrad keeps a non-leaf's gradient", () => {
  const x = torch.tensor([1.0, 2.0], { requiresGrad: true });
  const y = x.mul(3).retainGrad();
  y.pow(2).sum().backward();
  assertClose(y.grad!, [6, 12]);
});

Deno.test("autograd.grad: higher-order gradients through createGraph", () => {
  const x = torch.tensor([0.5, -1.0], { requiresGrad: true });
  const y = x.tanh().sum();
  const [g1] = torch.autograd.grad(y, x, { createGraph: true });
  const t = [Math.tanh(0.5), Math.tanh(-1)];
  assertClose(g1!, t.map((v) => 1 - v * v), { rtol: 1e-5 });
  const [g2] = torch.autograd.grad(g1!.sum(), x);
  assertClose(g2!, t.map((v) => -2 * v * (1 - v * v)), { rtol: 1e-4 });
  const z = torch.tensor([2.0], { requiresGrad: true });
  const [d1] = torch.autograd.grad(z.pow(3), z, { createGraph: true });
  const [d2] = torch.autograd.grad(d1!, z, { createGraph: true });
  const [d3] = torch.autograd.grad(d2!, z);
  assertClose(d1!, [12]);
  assertClose(d2!, [12]);
  assertClose(d3!, [6]);
});

Deno.test("autograd.grad: unused inputs, gradOutputs, non-leaf inputs", () => {
  const a = torch.tensor([1.0], { requiresGrad: true });
  const b = torch.tensor([1.0], { requiresGrad: true });
  assertThrowsMsg(() => torch.autograd.grad(a.mul(2).sum(), [a, b]), /not have been used/);
  const [ga, gb] = torch.autograd.grad(a.mul(2).sum(), [a, b], { allowUnused: true });
  assertClose(ga!, [2]);
  assert.equal(gb, null);
  const h = a.mul(4);
  const [gh] = torch.autograd.grad(h.mul(h), h, { gradOutputs: torch.tensor([1.0]) });
  assertClose(gh!, [8]);
});

Deno.test("broadcasting: gradients are summed back to each input's shape", () => {
  const a = torch.ones([3, 1], { requiresGrad: true });
  const b = torch.ones([4], { requiresGrad: true });
  a.mul(b).sum().backward();
  assertClose(a.grad!, [[4], [4], [4]]);
  assertClose(b.grad!, [3, 3, 3, 3]);
});

Deno.test("a 100,000-node chain backpropagates without overflowing the stack", () => {
  const x = torch.tensor([1.0], { requiresGrad: true });
  let y = x;
  for (let i = 0; i < 100_000; i++) y = y.add(1);
  y.sum().backward();
  assertClose(x.grad!, [1]);
});

Deno.test("values saved for backward and overwritten in place are detected (version counters)", () => {
  const x = torch.tensor([0.5, 1.0], { requiresGrad: true });
  const a = x.exp();
  a.mul_(2);
  assertThrowsMsg(() => a.sum().backward(), /modified by an inplace operation/);
  const b = x.mul(3);
  const c = b.mul(b);
  b.add_(1);
  assertThrowsMsg(() => c.sum().backward(), /modified by an inplace operation/);
});

Deno.test("graph edges are fixed when recorded: a later in-place op does not reroute earlier results", () => {
  const x = torch.tensor([1.0, 2.0], { requiresGrad: true });
  const y = x.mul(2);
  const z = y.add(1); // add saves no values, so writing y afterwards is allowed
  y.mul_(5);
  z.sum().backward();
  assertClose(x.grad!, [2, 2]);
});

Deno.test("in-place op on a view of a non-leaf: the base's gradient goes through the write (CopySlices)", () => {
  const x = torch.tensor([1, 1, 1], { requiresGrad: true });
  const y = x.mul(2);
  y.index(0).mul_(3);
  assert.deepEqual(y.toArray(), [6, 2, 2]);
  y.sum().backward();
  assertClose(x.grad!, [6, 2, 2]);
  const w = torch.tensor([4.0], { requiresGrad: true });
  const buf = torch.zeros(3);
  buf.index("1:2").add_(w);
  buf.mul(torch.tensor([1, 10, 100])).sum().backward();
  assertClose(w.grad!, [10]);
});
