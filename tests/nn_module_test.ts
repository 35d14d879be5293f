/** nn.Module: callability, discovery of parameters/submodules, names, state dicts, modes, devices, reprs. */
import * as torch from "../mod.ts";
import * as nn from "../src/nn/mod.ts";
import { assert, assertClose, assertThrowsMsg } from "./helpers.ts";

const fixtures = JSON.parse(
  Deno.readTextFileSync(new URL("./fixtures/nn_module.json", import.meta.url)),
) as {
  reprs: Record<string, string>;
  models: Record<string, {
    state_keys: string[];
    state_shapes: number[][];
    named_parameters: string[];
    named_buffers: string[];
    named_modules: string[];
    num_parameters: number;
  }>;
};

class Net extends nn.Module {
  features = new nn.Sequential(new nn.Linear(784, 128), new nn.ReLU(), new nn.Dropout(0.2));
  blocks = new nn.ModuleList([new nn.Linear(128, 128), new nn.GELU({ approximate: "tanh" })]);
  heads = new nn.ModuleDict({ cls: new nn.Linear(128, 10), aux: new nn.LogSoftmax(1) });
  norm = new nn.LayerNorm(128, { eps: 1e-6 });
}

const reprBuilders: Record<string, () => nn.Module> = {
  mlp: () => new nn.Sequential(new nn.Linear(10, 32), new nn.ReLU(), new nn.Linear(32, 2)),
  net: () => new Net(),
  layers: () =>
    new nn.Sequential(
      new nn.Flatten(),
      new nn.Unflatten(1, [2, 5]),
      new nn.Flatten(0, -1),
      new nn.Identity(),
      new nn.LeakyReLU(),
      new nn.LeakyReLU(0.2),
      new nn.Sigmoid(),
      new nn.Tanh(),
      new nn.GELU(),
      new nn.SiLU(),
      new nn.Softmax(1),
      new nn.Softmax(),
      new nn.LogSoftmax(-1),
      new nn.Dropout(),
      new nn.Dropout(0.25),
      new nn.BatchNorm1d(10),
      new nn.BatchNorm2d(3, { eps: 1e-3, momentum: null, affine: false, trackRunningStats: false }),
      new nn.LayerNorm([3, 4], { elementwiseAffine: false }),
      new nn.Embedding(10, 3),
      new nn.Embedding(10, 3, { paddingIdx: -1 }),
      new nn.Linear(3, 4, { bias: false }),
    ),
  losses: () =>
    new nn.ModuleList([
      new nn.MSELoss(),
      new nn.L1Loss(),
      new nn.CrossEntropyLoss(),
      new nn.NLLLoss(),
      new nn.BCELoss(),
      new nn.BCEWithLogitsLoss(),
      new nn.SmoothL1Loss(),
      new nn.HuberLoss(),
      new nn.KLDivLoss(),
    ]),
  nested: () =>
    new nn.Sequential(
      new nn.Sequential(new nn.Linear(2, 2), new nn.Sequential(new nn.ReLU())),
      new nn.ModuleList(),
    ),
  empty_sequential: () => new nn.Sequential(),
};

for (const [id, expected] of Object.entries(fixtures.reprs)) {
  Deno.test(`String(module) is PyTorch's repr: ${id}`, () => {
    assert.equal(String(reprBuilders[id]()), expected);
  });
}

const modelBuilders: Record<string, () => nn.Module> = {
  nested: () =>
    new nn.Sequential(
      new nn.Sequential(new nn.Linear(3, 4), new nn.BatchNorm1d(4)),
      new nn.ReLU(),
      new nn.Sequential(new nn.Linear(4, 4), new nn.Sequential(new nn.Linear(4, 2))),
    ),
  mlp: () =>
    new nn.Sequential(
      new nn.Linear(784, 128),
      new nn.ReLU(),
      new nn.Linear(128, 64),
      new nn.ReLU(),
      new nn.Linear(64, 10),
    ),
};

for (const [id, expected] of Object.entries(fixtures.models)) {
  Deno.test(`dotted names, state dict keys and parameter count match PyTorch: ${id}`, () => {
    const m = modelBuilders[id]();
    const sd = m.stateDict();
    assert.deepEqual(Object.keys(sd), expected.state_keys);
    assert.deepEqual(Object.values(sd).map((t) => [...t.shape]), expected.state_shapes);
    assert.deepEqual(m.namedParameters().map(([n]) => n), expected.named_parameters);
    assert.deepEqual(m.namedBuffers().map(([n]) => n), expected.named_buffers);
    assert.deepEqual(m.namedModules().map(([n]) => n), expected.named_modules);
    assert.equal(m.parameters().reduce((s, p) => s + p.numel(), 0), expected.num_parameters);
  });
}

class Custom extends nn.Module {
  scale = new nn.Parameter(torch.ones(3));
  encoder = new nn.Linear(3, 4);
  blocks = [new nn.Linear(4, 4), new nn.ReLU(), new nn.Linear(4, 4)];
  extras = [new nn.Parameter(torch.zeros(2))];
  notAParam = torch.ones(2);
  config = { hidden: 4 };
  override name = "custom"; // a field called `name` works (TS wants `override`)
  constructor() {
    super();
    this.registerBuffer("steps", torch.zeros([], { dtype: "int32" }));
    this.registerBuffer("cache", torch.zeros(2), { persistent: false });
  }
  override forward(x: torch.Tensor): torch.Tensor {
    let h = this.encoder(x.mul(this.scale));
    for (const b of this.blocks) h = b(h);
    return h;
  }
}

Deno.test("a module is callable, is an instance of its class, and finds fields in definition order", () => {
  const m = new Custom();
  assert.ok(m instanceof Custom && m instanceof nn.Module);
  assert.equal(typeof m, "function");
  assert.equal(m.name, "custom");
  assert.deepEqual(m(torch.randn(2, 3)).shape, [2, 4]);
  assert.deepEqual(m.forward(torch.randn(5, 3)).shape, [5, 4]);
  assert.deepEqual(m.namedParameters().map(([n]) => n), [
    "scale",
    "extras.0",
    "encoder.weight",
    "encoder.bias",
    "blocks.0.weight",
    "blocks.0.bias",
    "blocks.2.weight",
    "blocks.2.bias",
  ]);
  assert.deepEqual(m.namedChildren().map(([n]) => n), ["encoder", "blocks.0", "blocks.1", "blocks.2"]);
  assert.deepEqual(m.namedBuffers().map(([n]) => n), ["steps", "cache"]);
  assert.deepEqual(Object.keys(m.stateDict()), [
    "scale",
    "extras.0",
    "steps",
    "encoder.weight",
    "encoder.bias",
    "blocks.0.weight",
    "blocks.0.bias",
    "blocks.2.weight",
    "blocks.2.bias",
  ]);
  assert.equal(m.modules().length, 5);
  assert.equal(m.getSubmodule("blocks.2"), m.blocks[2]);
  assertThrowsMsg(() => m.getSubmodule("encoder.nope"), /"encoder" \(Linear\) has no submodule "nope"/);
  // Buffers read as properties under their registered names.
  assert.equal((m as unknown as Record<string, torch.Tensor>).steps.dtype, "int32");
});

Deno.test("a module without forward fails clearly; ModuleList is not callable", () => {
  class Empty extends nn.Module {}
  assertThrowsMsg(
    () => new Empty()(torch.ones(1)),
    /Module \[Empty\] is missing the required "forward" function/,
  );
  assertThrowsMsg(() => new nn.ModuleList([])(), /ModuleList is not callable/);
});

Deno.test("shared parameters are listed once by parameters() and under every key by stateDict()", () => {
  const shared = new nn.Linear(2, 2);
  const seq = new nn.Sequential(shared, new nn.ReLU(), shared);
  assert.equal(seq.parameters().length, 2);
  assert.deepEqual(Object.keys(seq.stateDict()), ["0.weight", "0.bias", "2.weight", "2.bias"]);
});

Deno.test("stateDict round trip: detached views, loadStateDict copies values in place", () => {
  torch.manualSeed(3);
  const a = modelBuilders.nested();
  const b = modelBuilders.nested();
  a(torch.randn(5, 3)); // moves a's BatchNorm running stats
  const sd = a.stateDict();
  for (const t of Object.values(sd)) assert.ok(!t.requiresGrad && t.gradFn === null);
  const paramsBefore = b.parameters();
  const result = b.loadStateDict(sd);
  assert.deepEqual(result, { missingKeys: [], unexpectedKeys: [] });
  const sdB = b.stateDict();
  for (const [k, v] of Object.entries(sd)) assertClose(sdB[k], v, { rtol: 0, atol: 0, msg: k });
  assert.equal(sdB["0.1.num_batches_tracked"].item(), 1);
  // Same parameter objects (an optimizer built earlier still holds them), values copied not aliased.
  b.parameters().forEach((p, i) => assert.equal(p, paramsBefore[i]));
  const x = torch.randn(4, 3);
  a.eval();
  b.eval();
  assertClose(b(x), a(x), { rtol: 0, atol: 0 });
  torch.noGrad(() => sd["0.0.weight"].fill_(42));
  assert.notEqual(b.stateDict()["0.0.weight"].dataSync()[0], 42);
  // A state dict is a view of the live parameters, as in PyTorch.
  assert.equal(a.stateDict()["0.0.weight"].dataSync()[0], 42);
  // A Map works too.
  b.loadStateDict(new Map(Object.entries(a.stateDict())));
});

Deno.test("loadStateDict: strict errors list missing and unexpected keys; shape mismatches always throw", () => {
  const m = new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU(), new nn.Linear(3, 1));
  const sd = m.stateDict();
  const { ["2.bias"]: _dropped, ...partial } = sd;
  const withExtra = { ...sd, "3.weight": torch.zeros(1), "extra": torch.zeros(1) };
  assertThrowsMsg(
    () => m.loadStateDict(partial),
    /^Error\(s\) in loading state_dict for Sequential:\n\tMissing key\(s\) in state_dict: "2.bias"\. $/,
  );
  assertThrowsMsg(
    () => m.loadStateDict(withExtra),
    /^Error\(s\) in loading state_dict for Sequential:\n\tUnexpected key\(s\) in state_dict: "3.weight", "extra"\. $/,
  );
  assert.deepEqual(m.loadStateDict(partial, { strict: false }), {
    missingKeys: ["2.bias"],
    unexpectedKeys: [],
  });
  assert.deepEqual(m.loadStateDict(withExtra, { strict: false }), {
    missingKeys: [],
    unexpectedKeys: ["3.weight", "extra"],
  });
  const before = m.stateDict()["0.bias"].clone();
  const bad = { ...sd, "0.bias": torch.full([3], 7), "2.weight": torch.zeros(3, 1) };
  assertThrowsMsg(
    () => m.loadStateDict(bad, { strict: false }),
    /size mismatch for 2\.weight: copying a param with shape \[3, 1\] from checkpoint, the shape in current model is \[1, 3\]\./,
  );
  // Nothing was copied: a failed load leaves the module as it was.
  assertClose(m.stateDict()["0.bias"], before, { rtol: 0, atol: 0 });
  assertThrowsMsg(
    () => m.loadStateDict({ ...sd, "0.bias": 3 as unknown as torch.Tensor }),
    /expected a Tensor/,
  );
  // dtype converts on load (e.g. a float16 checkpoint).
  m.loadStateDict({ ...sd, "0.bias": torch.tensor([0.5, 0.25, 1]).half() });
  assertClose(m.stateDict()["0.bias"], [0.5, 0.25, 1]);
});

Deno.test("train()/eval() propagate; Dropout and BatchNorm follow them", () => {
  const m = new nn.Sequential(new nn.Linear(4, 4), new nn.BatchNorm1d(4), new nn.Dropout(0.5));
  assert.ok(m.modules().every((x) => x.training));
  assert.equal(m.eval(), m);
  assert.ok(m.modules().every((x) => !x.training));
  const x = torch.randn(3, 4);
  assertClose(m(x), m(x), { rtol: 0, atol: 0 });
  m.train();
  assert.ok(m.at(2).training);
  m.train(false);
  assert.ok(!m.at(1).training);
  assertThrowsMsg(() => m.train("yes" as unknown as boolean), /training mode is expected to be boolean/);
});

Deno.test("zeroGrad sets grads to null (or zeros), requiresGrad_ freezes, apply visits children first", () => {
  const m = new nn.Sequential(new nn.Linear(3, 2), new nn.Tanh(), new nn.Linear(2, 1));
  m(torch.randn(4, 3)).sum().backward();
  assert.ok(m.parameters().every((p) => p.grad !== null));
  m.zeroGrad({ setToNone: false });
  assert.ok(m.parameters().every((p) => p.grad !== null && p.grad.abs().sum().item() === 0));
  m.zeroGrad();
  assert.ok(m.parameters().every((p) => p.grad === null));
  m.requiresGrad_(false);
  assert.ok(m.parameters().every((p) => !p.requiresGrad));
  assert.ok(!m(torch.randn(1, 3)).requiresGrad);
  m.requiresGrad_();
  const names: string[] = [];
  m.apply((mod) => names.push(mod.constructor.name));
  assert.deepEqual(names, ["Linear", "Tanh", "Linear", "Sequential"]);
  // apply is how custom init is written:
  m.apply((mod) => {
    if (mod instanceof nn.Linear) nn.init.zeros_(mod.weight);
  });
  assert.equal(m.at<nn.Linear>(0).weight.abs().sum().item(), 0);
});

Deno.test("to(dtype) converts floating parameters and buffers in place, keeping Parameter identity", () => {
  const m = new nn.Sequential(new nn.Linear(2, 2), new nn.BatchNorm1d(2));
  const w = m.at<nn.Linear>(0).weight;
  const before = w.toArray() as number[][];
  m(torch.randn(3, 2)).sum().backward();
  assert.equal(m.to("float16"), m);
  assert.equal(m.at<nn.Linear>(0).weight, w);
  assert.equal(w.dtype, "float16");
  assert.equal(w.grad!.dtype, "float16");
  assert.ok(w.requiresGrad && w.isLeaf);
  assertClose(w, before, { rtol: 1e-3, atol: 1e-3 });
  const bn = m.at<nn.BatchNorm1d>(1);
  assert.equal(bn.runningMean!.dtype, "float16");
  assert.equal(bn.numBatchesTracked!.dtype, "int32");
  m.float();
  assert.equal(w.dtype, "float32");
  assert.deepEqual(m(torch.randn(3, 2)).shape, [3, 2]);
  assertThrowsMsg(() => m.to("int32"), /only accepts floating point dtypes, but got desired dtype=int32/);
  assertThrowsMsg(() => m.to("tpu" as "cpu"), /unknown device or dtype "tpu"/);
  assert.equal(m.to("cpu"), m);
});

Deno.test("Sequential and ModuleList: indexing, iteration, append/insert/pop renumber, named entries", () => {
  const a = new nn.Linear(1, 1), b = new nn.ReLU(), c = new nn.Linear(1, 1);
  const seq = new nn.Sequential(a, b);
  assert.equal(seq.length, 2);
  assert.equal(seq[0], a);
  assert.equal(seq.at(-1), b);
  assertThrowsMsg(() => seq.at(2), /Sequential.at: index 2 is out of range for a container of 2 modules/);
  seq.append(c);
  assert.deepEqual([...seq], [a, b, c]);
  assert.equal(seq[2], c);
  seq.insert(0, new nn.Identity());
  assert.deepEqual(seq.namedChildren().map(([n]) => n), ["0", "1", "2", "3"]);
  assert.equal(seq[1], a);
  assert.deepEqual([...seq.slice(1, 3)], [a, b]);
  assertThrowsMsg(
    () => new nn.Sequential(a, 3 as unknown as nn.Module),
    /Sequential: argument 1 is not a Module \(got number\)/,
  );
  const named = new nn.Sequential({ encoder: a, act: b });
  assert.deepEqual(named.namedParameters().map(([n]) => n), ["encoder.weight", "encoder.bias"]);
  assert.equal(
    String(named),
    "Sequential(\n  (encoder): Linear(in_features=1, out_features=1, bias=True)\n  (act): ReLU()\n)",
  );
  const list = new nn.ModuleList([a, b, c]);
  assert.equal(list.pop(0), a);
  assert.deepEqual(list.namedChildren().map(([n]) => n), ["0", "1"]);
  assert.equal(list[0], b);
  assert.equal(list[2], undefined);
  list.extend([a]);
  assert.equal(list.at(2), a);
  const dict = new nn.ModuleDict({ x: a });
  dict.set("y", c);
  assert.deepEqual([...dict], ["x", "y"]);
  assert.equal(dict.get("y"), c);
  assertThrowsMsg(() => dict.get("z"), /ModuleDict: no module under key "z" \(keys: "x", "y"\)/);
  assert.deepEqual(dict.namedParameters().map(([n]) => n), ["x.weight", "x.bias", "y.weight", "y.bias"]);
});

Deno.test("Parameter: shares the wrapped storage, requires grad, prints as PyTorch", () => {
  const t = torch.tensor([1, 2], { dtype: "float32" });
  const p = new nn.Parameter(t);
  assert.ok(p.requiresGrad && p.isLeaf && p instanceof torch.Tensor);
  torch.noGrad(() => p.add_(1));
  assertClose(t, [2, 3]);
  assert.equal(String(p), "Parameter containing:\ntensor([2., 3.], requires_grad=True)");
  assert.ok(!new nn.Parameter(torch.zeros(1), false).requiresGrad);
  assertThrowsMsg(
    () => new nn.Parameter(torch.tensor([1, 2])),
    /only tensors of floating point and complex dtype can require gradients/,
  );
  assertThrowsMsg(
    () => new nn.Parameter([1, 2] as unknown as torch.Tensor),
    /Parameter: expected a Tensor to wrap/,
  );
});

Deno.test("nn.init: bounds and moments of the initialisers; calculateGain; fan errors", () => {
  torch.manualSeed(11);
  const w = torch.empty(200, 100);
  nn.init.xavierUniform_(w);
  const bound = Math.sqrt(6 / 300);
  assert.ok(w.abs().max().item() as number <= bound);
  nn.init.kaimingNormal_(w, { mode: "fanIn", nonlinearity: "relu" });
  const std = w.std().item() as number;
  assert.ok(Math.abs(std - Math.sqrt(2 / 100)) < 0.01 * 2, `kaiming std ${std}`);
  nn.init.kaimingUniform_(w, { mode: "fanOut", nonlinearity: "relu" });
  assert.ok(w.abs().max().item() as number <= Math.sqrt(2) * Math.sqrt(3 / 200));
  nn.init.xavierNormal_(w, 2);
  assert.ok(Math.abs(w.std().item() - 2 * Math.sqrt(2 / 300)) < 0.01);
  nn.init.normal_(w, 3, 0.5);
  assert.ok(Math.abs(w.mean().item() - 3) < 0.02);
  nn.init.constant_(w, 0.25);
  assert.equal(w.sum().item(), 0.25 * 20000);
  assert.equal(nn.init.calculateGain("tanh"), 5 / 3);
  assert.equal(nn.init.calculateGain("leaky_relu", Math.sqrt(5)), Math.sqrt(1 / 3));
  assertThrowsMsg(() => nn.init.calculateGain("swish" as "relu"), /unsupported nonlinearity "swish"/);
  assertThrowsMsg(() => nn.init.xavierUniform_(torch.empty(5)), /fewer than 2 dimensions/);
  assertThrowsMsg(
    () => nn.init.uniform_(torch.zeros([2], { dtype: "int32" })),
    /expected a floating point tensor, got int32/,
  );
  // In place on parameters that require grad, without recording.
  const p = new nn.Parameter(torch.empty(3, 3));
  nn.init.eye_(p);
  assert.ok(p.isLeaf && p.gradFn === null);
  assertClose(p, [[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
  const g1 = new torch.Generator(5), g2 = new torch.Generator(5);
  assertClose(
    nn.init.normal_(torch.empty(4), 0, 1, { generator: g1 }),
    nn.init.normal_(torch.empty(4), 0, 1, { generator: g2 }),
    {
      rtol: 0,
      atol: 0,
    },
  );
});

Deno.test("a small MLP trains: loss falls on a toy problem (module + loss + manual SGD)", () => {
  torch.manualSeed(0);
  const model = new nn.Sequential(new nn.Linear(2, 16), new nn.Tanh(), new nn.Linear(16, 2));
  const x = torch.tensor([[0, 0], [0, 1], [1, 0], [1, 1]], { dtype: "float32" });
  const y = torch.tensor([0, 1, 1, 0]);
  const criterion = new nn.CrossEntropyLoss();
  const first = criterion(model(x), y).item() as number;
  for (let i = 0; i < 300; i++) {
    model.zeroGrad();
    criterion(model(x), y).backward();
    torch.noGrad(() => {
      for (const p of model.parameters()) p.sub_(p.grad!.mul(0.5));
    });
  }
  const last = criterion(model(x), y).item() as number;
  assert.ok(last < 0.05 && last < first, `loss ${first} -> ${last}`);
  assert.deepEqual(model(x).argmax(1).toArray(), [0, 1, 1, 0]);
});
