/**
 * Hooks: tensor hooks (leaf and non-leaf, order with retainGrad, replacement, removal), grad_fn
 * hooks, module forward / forward-pre / full backward hooks, global module hooks. Expected
 * values: tools/fixtures/hooks_fixtures.py (PyTorch 1.13).
 */
import * as torch from "../mod.ts";
import { nn } from "../mod.ts";
import type { Device, Tensor } from "../mod.ts";
import { assert, assertCloseAsync, assertThrowsMsg, type CloseOptions } from "./helpers.ts";
import { deviceTest } from "./devices.ts";

const fx = JSON.parse(await Deno.readTextFile(new URL("./fixtures/hooks.json", import.meta.url)));
const th = fx.tensorHooks;
const mh = fx.moduleHooks;

interface Enc {
  shape: number[];
  values: number[];
}
const dev = (e: Enc, device: Device, requiresGrad = false): Tensor =>
  torch.tensor(e.values, { dtype: "float32" }).reshape(e.shape).to(device).requiresGrad_(requiresGrad);
const vec = (v: number[], device: Device, requiresGrad = false): Tensor =>
  torch.tensor(v, { dtype: "float32", device, requiresGrad });
/** Compares a tensor's elements (any device, any shape) with a fixture's flat values. */
const close = (t: Tensor, expected: number[], opts?: CloseOptions) =>
  assertCloseAsync(t.reshape([-1]), expected, opts);
const loadLinear = (m: nn.Linear, w: Enc, b: Enc, device: Device) => {
  m.loadStateDict({ weight: dev(w, "cpu"), bias: dev(b, "cpu") });
  m.to(device);
};

deviceTest("registerHook: a non-leaf's hook and retainGrad run in registration order", async (device) => {
  let x = vec([1, 2, 3], device, true);
  let y = x.mul(2);
  y.registerHook((g) => g.mul(10));
  y.retainGrad();
  y.mul(y).sum().backward();
  await close(y.grad!, th.hookThenRetain.yGrad);
  await close(x.grad!, th.hookThenRetain.xGrad);

  x = vec([1, 2, 3], device, true);
  y = x.mul(2);
  y.retainGrad();
  y.registerHook((g) => g.mul(10));
  y.mul(y).sum().backward();
  await close(y.grad!, th.retainThenHook.yGrad);
  await close(x.grad!, th.retainThenHook.xGrad);
});

deviceTest(
  "registerHook: a leaf's hook sees its summed gradient once, before accumulation",
  async (device) => {
    const x = vec([0.5, -1], device, true);
    x.grad = vec([100, 200], device);
    const seen: Tensor[] = [];
    x.registerHook((g) => {
      seen.push(g);
      return g.add(1);
    });
    x.mul(x).add(x.mul(3)).sum().backward();
    assert.equal(seen.length, th.leafTwice.seen.length);
    // The gradient the hook kept is the user's: still readable after backward() returned.
    await close(seen[0], th.leafTwice.seen[0]);
    await close(x.grad!, th.leafTwice.xGrad);
  },
);

deviceTest("registerHook: hooks run in order; a removed one does not run", async (device) => {
  const x = vec([1, -2], device, true);
  const y = x.exp();
  const order: string[] = [];
  y.registerHook((g) => (order.push("a"), g.mul(2)));
  const h = y.registerHook((g) => (order.push("b"), g.mul(100)));
  y.registerHook((g) => (order.push("c"), g.add(1)));
  h.remove();
  h.remove(); // harmless
  y.sum().backward();
  assert.deepEqual(order, th.order.order);
  await close(x.grad!, th.order.xGrad, { rtol: 1e-6 });
});

deviceTest("gradFn.registerHook / registerPrehook see and replace gradients", async (device) => {
  const a = vec([1, 2], device, true);
  const b = vec([3, -4], device, true);
  const y = a.mul(b);
  let gi: (Tensor | null)[] = [], go: (Tensor | null)[] = [];
  y.gradFn!.registerHook((gradInputs, gradOutputs) => {
    gi = gradInputs;
    go = gradOutputs;
    return [gradInputs[0]!.mul(2), null];
  });
  y.gradFn!.registerPrehook(([g]) => [g!.add(1)]);
  y.mul(vec([1, 3], device)).sum().backward();
  await close(gi[0]!, th.nodeHooks.gi[0]);
  await close(gi[1]!, th.nodeHooks.gi[1]);
  await close(go[0]!, th.nodeHooks.go[0]);
  await close(a.grad!, th.nodeHooks.aGrad);
  assert.equal(b.grad, null);
});

deviceTest("registerHook: a non-leaf's hook changes what autograd.grad computes", async (device) => {
  const x = vec([1, 2], device, true);
  const y = x.sin();
  y.registerHook((g) => g.mul(3));
  const [gx] = torch.autograd.grad(y.mul(y).sum(), x);
  await close(gx!, th.autogradGrad.gx, { rtol: 1e-5 });
});

Deno.test("registerHook: hooks work with createGraph (the replacement stays differentiable)", () => {
  const x = torch.tensor([1.5, -0.5], { requiresGrad: true });
  const y = x.pow(2);
  y.registerHook((g) => g.mul(x));
  const [gx] = torch.autograd.grad(y.sum(), x, { createGraph: true });
  // d/dx sum(x^2) with the hook: x * 2x = 2x^2; its derivative is 4x.
  assert.deepEqual(gx!.toArray(), [4.5, 0.5]);
  gx!.sum().backward();
  assert.deepEqual(x.grad!.toArray(), [6, -2]);
});

Deno.test("registerHook: bad input", () => {
  const x = torch.tensor([1, 2], { dtype: "float32" });
  assertThrowsMsg(
    () => x.registerHook((g) => g),
    /registerHook: cannot register a hook on a tensor that doesn't require gradient/,
  );
  const w = torch.tensor([1, 2], { dtype: "float32", requiresGrad: true });
  assertThrowsMsg(
    () => w.registerHook(null as unknown as () => void),
    /registerHook: expected a function, got null/,
  );
  const y = w.mul(2);
  y.registerHook(() => torch.ones(3));
  assertThrowsMsg(
    () => y.sum().backward(),
    /backward: a hook has changed the size of value: it returned a gradient of shape \[3\] for one of shape \[2\]/,
  );
  const z = w.mul(2);
  z.gradFn!.registerHook(() => [null]);
  assertThrowsMsg(
    () => z.sum().backward(),
    /a hook of MulBackward0 has returned an incorrect number of values \(got 1, but expected 2\)/,
  );
  const u = w.mul(3);
  u.registerHook(() => 5 as unknown as Tensor);
  assertThrowsMsg(() => u.sum().backward(), /backward: a hook must return a Tensor or nothing, got number/);
});

deviceTest(
  "Module hooks: a forward pre-hook replaces the input, a forward hook the output",
  async (device) => {
    const c = mh.forwardHooks;
    const lin = new nn.Linear(3, 2);
    loadLinear(lin, c.weight, c.bias, device);
    const x = dev(c.x, device, true);
    lin.registerForwardPreHook((_m, args) => [args[0].mul(2)]);
    lin.registerForwardHook((_m, _args, o) => o.add(1));
    const y = lin(x);
    y.mul(y).sum().backward();
    await close(y, c.y, { rtol: 1e-5, atol: 1e-6 });
    await close(x.grad!, c.xGrad, { rtol: 1e-5, atol: 1e-5 });
    await close(lin.weight.grad!, c.wGrad, { rtol: 1e-5, atol: 1e-5 });
  },
);

deviceTest(
  "Module hooks: a full backward hook inside Sequential sees and replaces gradients",
  async (device) => {
    const c = mh.backwardHook;
    const seq = new nn.Sequential(new nn.Linear(3, 4), new nn.Tanh(), new nn.Linear(4, 2));
    const sd: Record<string, Tensor> = {};
    for (const [k, v] of Object.entries(c.sd)) sd[k] = dev(v as Enc, "cpu");
    seq.loadStateDict(sd);
    seq.to(device);
    const x = dev(c.x, device, true);
    let gi: (Tensor | null)[] = [], go: (Tensor | null)[] = [];
    seq.at(1).registerFullBackwardHook((_m, gradInput, gradOutput) => {
      gi = gradInput;
      go = gradOutput;
      return [gradInput[0]!.mul(0.5)];
    });
    const y = seq(x);
    y.mul(y).sum().backward();
    assert.equal(gi.length, 1);
    await close(gi[0]!, c.gi[0], { rtol: 1e-5, atol: 1e-6 });
    await close(go[0]!, c.go[0], { rtol: 1e-5, atol: 1e-6 });
    await close(x.grad!, c.xGrad, { rtol: 1e-5, atol: 1e-6 });
    await close(seq.at<nn.Linear>(0).weight.grad!, c.w0Grad, { rtol: 1e-5, atol: 1e-6 });
    await close(seq.at<nn.Linear>(2).weight.grad!, c.w2Grad, { rtol: 1e-5, atol: 1e-6 });
  },
);

class Two extends nn.Module {
  override forward(a: Tensor, k: number, b: Tensor): [Tensor, Tensor] {
    return [a.mul(b).mul(k).add(a), b.exp()];
  }
}

deviceTest("Module hooks: a backward hook of a module of several inputs and outputs", async (device) => {
  const c = mh.twoInputs;
  const m = new Two();
  const a = vec([1, -2, 0.5], device, true);
  const b = vec([0.3, 0.1, -0.2], device, true);
  let gi: (Tensor | null)[] = [], go: (Tensor | null)[] = [];
  m.registerFullBackwardHook((_m, gradInput, gradOutput) => {
    gi = gradInput;
    go = gradOutput;
    return [gradInput[0]!.add(1), null, gradInput[2]!.mul(3)];
  });
  const [p, q] = m(a, 2, b);
  p.mul(p).sum().add(q.sum()).backward();
  assert.equal(gi.length, 3);
  assert.equal(gi[1], null);
  await close(gi[0]!, c.gi[0], { rtol: 1e-5 });
  await close(gi[2]!, c.gi[2], { rtol: 1e-5 });
  await close(go[0]!, c.go[0], { rtol: 1e-5 });
  await close(go[1]!, c.go[1], { rtol: 1e-5 });
  await close(a.grad!, c.aGrad, { rtol: 1e-5 });
  await close(b.grad!, c.bGrad, { rtol: 1e-5 });
});

deviceTest(
  "Module hooks: with no input requiring grad, the backward hook gets null gradInput",
  async (device) => {
    const c = mh.noInputGrad;
    const lin = new nn.Linear(2, 2);
    loadLinear(lin, c.weight, c.bias, device);
    let gi: (Tensor | null)[] = [], go: (Tensor | null)[] = [];
    lin.registerFullBackwardHook((_m, gradInput, gradOutput) => {
      gi = gradInput;
      go = gradOutput;
    });
    lin(dev(c.x, device)).pow(2).sum().backward();
    assert.deepEqual(gi.map((g) => g === null), c.gi);
    await close(go[0]!, c.go[0], { rtol: 1e-5, atol: 1e-6 });
    lin.registerFullBackwardHook(() => [torch.ones(3, 2)]);
    assertThrowsMsg(
      () => lin(dev(c.x, device)).sum().backward(),
      /backward hook for a module where no input requires gradient should always return nothing/,
    );
  },
);

Deno.test("Module hooks: backward pre-hook replaces gradOutput; hooks come off with remove()", () => {
  const m = new nn.Sigmoid();
  const x = torch.tensor([0, 1], { dtype: "float32", requiresGrad: true });
  const calls: string[] = [];
  const pre = m.registerFullBackwardPreHook((_m, [g]) => (calls.push("pre"), [g!.mul(4)]));
  const post = m.registerFullBackwardHook(() => {
    calls.push("post");
  });
  m(x).sum().backward();
  assert.deepEqual(calls, ["pre", "post"]);
  const s = torch.sigmoid(torch.tensor([0, 1], { dtype: "float32" }));
  const expected = s.mul(s.neg().add(1)).mul(4).toArray() as number[];
  (x.grad!.toArray() as number[]).forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-6));
  pre.remove();
  post.remove();
  x.grad = null;
  const y = m(x);
  assert.equal(y.gradFn!.name, "SigmoidBackward0");
  y.sum().backward();
  assert.deepEqual(calls.length, 2);
});

Deno.test("Module hooks: forward hooks see the replaced input; several hooks chain in order", () => {
  const m = new nn.Identity();
  const log: unknown[] = [];
  m.registerForwardPreHook((_m, [x]) => x.add(1)); // a single value replaces the one argument
  m.registerForwardPreHook((_m, [x]) => [x.mul(10)]);
  m.registerForwardHook((_m, [x], out) => {
    log.push(x.toArray(), out.toArray());
    return out.add(0.5);
  });
  m.registerForwardHook((_m, _args, out) => out.mul(2));
  assert.deepEqual(m(torch.tensor([1, 2], { dtype: "float32" })).toArray(), [41, 61]);
  assert.deepEqual(log, [[20, 30], [20, 30]]);
  assertThrowsMsg(
    () => m.registerForwardHook(3 as unknown as nn.ForwardHook),
    /registerForwardHook: expected a function/,
  );
});

Deno.test("Module hooks: a kept activation outlives the call (the user's, not the call's)", () => {
  const model = new nn.Sequential(new nn.Linear(3, 4), new nn.ReLU(), new nn.Linear(4, 2));
  const acts: Tensor[] = [];
  model.at(0).registerForwardHook((_m, _a, out) => {
    acts.push(out.detach().mul(1));
  });
  torch.scope(() => model(torch.ones(2, 3)));
  assert.deepEqual(acts[0].shape, [2, 4]);
  assert.equal(acts[0].dataSync().length, 8); // still readable
});

Deno.test("Module hooks: global forward hooks run for every module, inside containers too", () => {
  const seen: string[] = [];
  const hPre = nn.registerModuleForwardPreHook((m) => {
    seen.push(`pre ${m.constructor.name}`);
  });
  const h = nn.registerModuleForwardHook((m) => {
    seen.push(`post ${m.constructor.name}`);
  });
  try {
    new nn.Sequential(new nn.Linear(2, 2), new nn.ReLU())(torch.ones(1, 2));
  } finally {
    hPre.remove();
    h.remove();
  }
  assert.deepEqual(seen, [
    "pre Sequential",
    "pre Linear",
    "post Linear",
    "pre ReLU",
    "post ReLU",
    "post Sequential",
  ]);
  new nn.ReLU()(torch.ones(1));
  assert.equal(seen.length, 6);
});

Deno.test("Module.getParameter / getBuffer", () => {
  const model = new nn.Sequential(new nn.Linear(2, 3), new nn.BatchNorm1d(3));
  assert.equal(model.getParameter("0.weight"), model.at<nn.Linear>(0).weight);
  assert.equal(model.getBuffer("1.running_mean"), model.at<nn.BatchNorm1d>(1).runningMean);
  assertThrowsMsg(() => model.getParameter("0.nope"), /getParameter: Linear has no attribute "nope"/);
  assertThrowsMsg(
    () => model.getParameter("1.running_mean"),
    /getParameter: "running_mean" of BatchNorm1d is not an nn.Parameter/,
  );
  assertThrowsMsg(() => model.getBuffer("0.weight"), /getBuffer: "weight" of Linear is not a buffer/);
  assertThrowsMsg(() => model.getBuffer("2.x"), /getSubmodule: Sequential has no submodule "2"/);
});

// ---- utilities ----
const ut = fx.utils;

deviceTest("normal: every overload draws PyTorch's values for the seed", async (device) => {
  torch.manualSeed(0);
  const tt = torch.normal(vec([0, 10], device).reshape([2, 1]), vec([1, 2, 0.5], device));
  assert.deepEqual(tt.shape, ut.normalTT.shape);
  await close(tt, ut.normalTT.values, { rtol: 1e-5, atol: 1e-5 });
  torch.manualSeed(1);
  const tf = torch.normal(torch.arange(20, { dtype: "float32", device }).reshape([4, 5]), 0.5);
  await close(tf, ut.normalTF.values, { rtol: 1e-5, atol: 1e-5 });
  torch.manualSeed(2);
  const ft = torch.normal(-3, torch.linspace(0.1, 2, 17, { device }));
  await close(ft, ut.normalFT.values, { rtol: 1e-5, atol: 1e-5 });
  torch.manualSeed(3);
  const ff = torch.normal(2, 3, [3, 7], { device });
  assert.deepEqual(ff.shape, [3, 7]);
  await close(ff, ut.normalFF.values, { rtol: 1e-5, atol: 1e-5 });
  assert.equal(ff.device, device);
});

Deno.test("normal: a generator of its own gives the same stream as the global one with that seed", () => {
  const m = torch.zeros(3, 4), s = torch.ones(4);
  torch.manualSeed(11);
  const global = torch.normal(m, s).toArray();
  const own = torch.normal(m, s, { generator: new torch.Generator(11) }).toArray();
  assert.deepEqual(own, global);
  const sized = torch.normal(0, 2, [5], { generator: new torch.Generator(11) }).toArray();
  torch.manualSeed(11);
  assert.deepEqual(sized, torch.normal(0, 2, [5]).toArray());
});

Deno.test("normal: float64, gradients (zero, as PyTorch), bad input", () => {
  torch.manualSeed(4);
  const d = torch.normal(2, 3, [5], { dtype: "float64" });
  assert.equal(d.dtype, "float64");
  (d.toArray() as number[]).forEach((v, i) => assert.ok(Math.abs(v - ut.normalFF64.values[i]) < 1e-12));
  const m = torch.tensor([1, 2], { dtype: "float32", requiresGrad: true });
  const s = torch.tensor([0.5, 1], { dtype: "float32", requiresGrad: true });
  const o = torch.normal(m, s);
  assert.equal(o.gradFn!.name, "NormalBackward3");
  o.sum().backward();
  assert.deepEqual([m.grad!.toArray(), s.grad!.toArray()], [[0, 0], [0, 0]]);
  assert.equal(torch.normal(m, 2).gradFn!.name, "NormalBackward1");
  assert.equal(torch.normal(1, s).gradFn!.name, "NormalBackward2");
  assertThrowsMsg(
    () => torch.normal(torch.zeros(2), -1),
    /normal: normal expects std >= 0.0, but found std -1/,
  );
  assertThrowsMsg(
    () => torch.normal(torch.zeros(2), torch.tensor([1, -1], { dtype: "float32" })),
    /normal expects all elements of std >= 0.0/,
  );
  assertThrowsMsg(() => torch.normal(torch.zeros(2, 3), torch.ones(4)), /normal: .*\[2, 3\].*\[4\]/);
  assertThrowsMsg(
    () => torch.normal(torch.tensor([1, 2]), 1),
    /normal: expected a floating point mean, got int32/,
  );
  assertThrowsMsg(
    () => (torch.normal as unknown as (a: number, b: number) => Tensor)(1, 2),
    /normal: with a number mean and std, give the size/,
  );
});

deviceTest("randintLike: PyTorch's values, x's dtype and device", async (device) => {
  torch.manualSeed(5);
  const r = torch.randintLike(torch.zeros([2, 9], { device }), 3, 50);
  assert.deepEqual([r.shape, r.dtype, r.device], [[2, 9], "float32", device]);
  await close(r, ut.randintLike.values);
  torch.manualSeed(5);
  const i = torch.randintLike(torch.zeros([2, 9], { dtype: "int32", device }), 47);
  assert.equal(i.dtype, "int32");
  await close(i, ut.randintLikeInt.values);
  assertThrowsMsg(() => torch.randintLike(torch.zeros(2), 5, 5), /randint: expected low < high/);
});

Deno.test("setDefaultDtype: float64 reaches the factories and tensor() of fractional numbers", () => {
  assert.equal(torch.getDefaultDtype(), "float32");
  torch.setDefaultDtype("float64");
  try {
    assert.equal(torch.getDefaultDtype(), "float64");
    torch.manualSeed(6);
    const r = torch.randn(6);
    assert.equal(r.dtype, "float64");
    (r.toArray() as number[]).forEach((v, i) => assert.ok(Math.abs(v - ut.randnDefault64.values[i]) < 1e-12));
    const made = [
      torch.zeros(1),
      torch.tensor([1.5]),
      torch.tensor([1]),
      torch.arange(0, 1, 0.5),
      torch.linspace(0, 1, 3),
      torch.full([1], 2.5),
      torch.tensor([1], { dtype: "int32" }).mul(1.5),
      torch.eye(2),
      torch.rand(1),
      torch.tensor([1, 2]).div(2),
      torch.tensor([1, 2]).exp(),
    ].map((t) => t.dtype);
    // PyTorch's int64 is this library's int32.
    assert.deepEqual(made, ut.default64Dtypes.map((d: string) => (d === "int64" ? "int32" : d)));
    assert.equal(new nn.Linear(2, 2).weight.dtype, "float64");
    assert.equal(torch.tensor(0.1).item(), 0.1); // no float32 rounding
  } finally {
    torch.setDefaultDtype("float32");
  }
  assert.equal(torch.zeros(1).dtype, "float32");
  assertThrowsMsg(
    () => torch.setDefaultDtype("int32"),
    /setDefaultDtype: only floating-point types are supported as the default type/,
  );
});

Deno.test("inferenceMode: no graph; inference tensors refuse in-place writes and saving outside it", async () => {
  const w = torch.tensor([1, 2], { dtype: "float32", requiresGrad: true });
  const y = torch.inferenceMode(() => {
    assert.ok(torch.isInferenceModeEnabled());
    assert.ok(!torch.isGradEnabled());
    const t = w.mul(2);
    t.add_(1); // in place inside inference mode is fine
    return t;
  });
  assert.ok(!torch.isInferenceModeEnabled());
  assert.deepEqual([y.requiresGrad, y.isInference(), w.isInference(), y.toArray()], [false, true, false, [
    3,
    5,
  ]]);
  assertThrowsMsg(
    () => y.add_(1),
    /add_: inplace update to inference tensor outside inferenceMode is not allowed/,
  );
  assertThrowsMsg(() => w.mul(y), /MulBackward0: inference tensors cannot be saved for backward/);
  assertThrowsMsg(
    () => y.requiresGrad_(),
    /setting requiresGrad=true on an inference tensor outside inferenceMode/,
  );
  // A clone is a normal tensor; an op that saves nothing of y works.
  const z = w.mul(y.clone());
  z.sum().backward();
  assert.deepEqual(w.grad!.toArray(), [3, 5]);
  assert.deepEqual(w.add(y).requiresGrad, true);
  // Nested noGrad keeps inference mode; inferenceMode(false, fn) runs fn as it is; async functions.
  assert.ok(torch.inferenceMode(() => torch.noGrad(() => torch.isInferenceModeEnabled())));
  assert.ok(!torch.inferenceMode(false, () => w.mul(2)).isInference());
  const a = await torch.inferenceMode(async () => {
    await null;
    return w.mul(2);
  });
  assert.ok(a.isInference() && !a.requiresGrad);
  assert.ok(!torch.isInferenceModeEnabled());
});

Deno.test("isTensor, isFloatingPoint, asTensor", () => {
  assert.deepEqual([torch.isTensor(torch.ones(1)), torch.isTensor(1), torch.isTensor(null)], [
    true,
    false,
    false,
  ]);
  assert.deepEqual(
    [
      torch.isFloatingPoint(torch.ones(1)),
      torch.isFloatingPoint(torch.tensor([1])),
      torch.ones(1).isFloatingPoint(),
    ],
    [true, false, true],
  );
  assertThrowsMsg(
    () => torch.isFloatingPoint(1 as unknown as Tensor),
    /isFloatingPoint: argument 'input' must be Tensor, not number/,
  );
  const x = torch.tensor([1, 2], { dtype: "float32", requiresGrad: true });
  const y = x.mul(2);
  assert.equal(torch.asTensor(y), y);
  assert.equal(torch.asTensor(y, { dtype: "float32", device: "cpu" }), y);
  const c = torch.asTensor(y, { dtype: "float64" });
  assert.deepEqual([c.dtype, c.requiresGrad, c.toArray()], ["float64", true, [2, 4]]);
  const t = torch.asTensor([[1, 2], [3, 4]], { dtype: "float32" });
  assert.deepEqual([t.dtype, t.shape, t.requiresGrad], ["float32", [2, 2], false]);
});

Deno.test("registerHook with autograd.grad: a leaf's hook does not run; a captured non-leaf's gradient is pre-hook", () => {
  const c = th.autogradGradCapture;
  const x = torch.tensor([1, 2], { dtype: "float32", requiresGrad: true });
  x.registerHook((g) => g.mul(100));
  const [gl] = torch.autograd.grad(x.mul(3).sum(), x);
  assert.deepEqual(gl!.toArray(), c.leaf);
  const y = x.mul(2);
  y.registerHook((g) => g.mul(10));
  const [gy, gx] = torch.autograd.grad(y.mul(3).sum(), [y, x]);
  assert.deepEqual([gy!.toArray(), gx!.toArray()], [c.gy, c.gx]);
});

Deno.test("Module hooks: global full backward hooks fire in PyTorch's order", () => {
  const c = mh.globalBackwardOrder;
  const names: string[] = [];
  const h = nn.registerModuleFullBackwardHook((m) => {
    names.push(m.constructor.name);
  });
  try {
    const model = new nn.Sequential(new nn.Linear(2, 2), new nn.Tanh());
    model(torch.ones(1, 2)).sum().backward();
    assert.deepEqual(names, c.noInputGrad);
    names.length = 0;
    model(torch.ones([1, 2], { requiresGrad: true })).sum().backward();
    assert.deepEqual(names, c.inputGrad);
  } finally {
    h.remove();
  }
});

deviceTest("hooks in a plain training loop: once collected, memory is back at its start", async (device) => {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return; // needs --expose-gc (deno task test passes it)
  const { wasmBackend } = await import("../src/backends/wasm/backend.ts");
  const live = () =>
    device === "cpu" ? wasmBackend().memoryStats().residentCount : torch.gpu.webgpuBackend()!.liveBytes();
  const settle = async () => {
    for (let i = 0; i < 4; i++) {
      gc();
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  torch.manualSeed(0);
  const model = new nn.Sequential(new nn.Linear(8, 16), new nn.ReLU(), new nn.Linear(16, 2)).to(device);
  model.at(0).registerForwardHook((_m, _a, out) => out.mul(1));
  model.at(1).registerFullBackwardHook((_m, gi) => [gi[0]!.mul(1)]);
  const opt = new torch.optim.SGD(model.parameters(), { lr: 0.01 });
  const x = torch.randn([4, 8], { device });
  const step = () => {
    opt.zeroGrad();
    const out = model(x);
    out.registerHook((g) => g.mul(1));
    const loss = out.pow(2).mean();
    loss.backward();
    opt.step();
    return loss;
  };
  for (let i = 0; i < 3; i++) await step().itemAsync();
  await settle();
  const start = live();
  for (let i = 0; i < 20; i++) await step().itemAsync();
  await settle();
  assert.equal(live(), start, "once collected, memory is back at its start");
});

Deno.test("registerHook after in-place ops: a hook keeps its value's gradient, retainGrad follows the tensor", () => {
  for (const order of ["hookRetain", "retainHook", "inplaceFirst"]) {
    const c = th.inplace[order];
    const x = torch.tensor([1, 2], { dtype: "float32", requiresGrad: true });
    const y = x.mul(2);
    const seen: unknown[] = [];
    const h = (g: Tensor) => (seen.push(g.toArray()), g.mul(10));
    if (order === "hookRetain") {
      y.registerHook(h);
      y.retainGrad();
      y.mul_(3);
    } else if (order === "retainHook") {
      y.retainGrad();
      y.registerHook(h);
      y.mul_(3);
    } else {
      y.mul_(3);
      y.registerHook(h);
      y.retainGrad();
    }
    y.sum().backward();
    assert.deepEqual([seen, y.grad!.toArray(), x.grad!.toArray()], [c.seen, c.yGrad, c.xGrad], order);
  }
});
