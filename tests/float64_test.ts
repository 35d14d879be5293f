/**
 * float64 (double) tensors on the CPU backend: PyTorch 1.13's values and gradients for the ops
 * programs use them for, type promotion, casts in every direction, printing, the double random
 * streams, safetensors F64, a float64 training loop, float64 gradchecks with tight tolerances,
 * and the GPU's clear refusal. Expected values: tools/fixtures/float64_fixtures.py.
 */
import * as torch from "../mod.ts";
import { F, nn, optim } from "../mod.ts";
import type { DType, Tensor } from "../mod.ts";
import { loadBytes, saveBytes } from "../src/io/mod.ts";
import { WasmBackend } from "../src/backends/wasm/backend.ts";
import {
  assert,
  assertClose,
  assertRejectsMsg,
  assertThrowsMsg,
  type EncodedTensor,
  fixtureNumber as num,
  fixtureTensor,
  gradcheck,
} from "./helpers.ts";
import { deviceTest } from "./devices.ts";
import { loadEmbeddedBuild } from "../src/backends/wasm/embedded.ts";

await loadEmbeddedBuild("simd"); // these tests run both builds of the kernels

const fx = JSON.parse(await Deno.readTextFile(new URL("./fixtures/float64.json", import.meta.url)));

type Enc = EncodedTensor;

/** A float64 fixture tensor on the CPU (the device float64 runs on). */
const dec = (e: Enc, requiresGrad = false): Tensor => fixtureTensor(e, "cpu", requiresGrad);

/** The fixture ops, by name: what the Python lambda does, in edgetorch. */
const OPS: Record<string, (...x: Tensor[]) => Tensor> = {
  "round ties": (a) => a.round(),
  add: (a, b) => a.add(b),
  sub: (a, b) => a.sub(b),
  mul: (a, b) => a.mul(b),
  div: (a, b) => a.div(b),
  pow: (a, b) => a.pow(b),
  "pow scalar 2": (a) => a.pow(2),
  "pow scalar 3": (a) => a.pow(3),
  "pow scalar -2": (a) => a.pow(-2),
  "pow scalar 0.5": (a) => a.pow(0.5),
  "pow scalar 1.7": (a) => a.pow(1.7),
  maximum: (a, b) => torch.maximum(a, b),
  minimum: (a, b) => torch.minimum(a, b),
  where: (a, b) => torch.where(a.gt(0), a, b),
  clamp: (a) => a.clamp(-0.5, 0.75),
  "promote float64 + float32": (a, b) => a.add(b),
  "promote float32 * float64": (a, b) => a.mul(b),
  "promote float64 * 2.5": (a) => a.mul(2.5),
  "promote float64 + 3": (a) => a.add(3),
  "promote float32 + float64 0-d": (a, b) => a.add(b),
  "promote float64 + float32 0-d": (a, b) => a.add(b),
  "promote int + float64": (a, b) => a.add(b),
  "promote float16 * float64": (a, b) => a.mul(b),
  "promote int / float64 0-d": (a, b) => a.div(b),
  "promote int / int": (a, b) => a.div(b),
  sum: (a) => a.sum(),
  "sum dim 1": (a) => a.sum(1),
  "sum long": (a) => a.sum(),
  "mean dim 0 keepdim": (a) => a.mean(0, { keepdim: true }),
  "prod dim 1": (a) => a.prod(1),
  "amax dim 1": (a) => a.amax(1),
  amin: (a) => a.amin(),
  "max dim 0 values": (a) => a.max(0).values,
  "max dim 0 indices": (a) => a.max(0).indices,
  argmax: (a) => a.argmax(),
  "argmin dim 1": (a) => a.argmin(1),
  "var dim 1": (a) => a.var(1),
  std: (a) => a.std(),
  norm: (a) => a.norm(),
  "norm p1 dim 1": (a) => a.norm(1, 1),
  "norm p3 dim 0": (a) => a.norm(3, 0),
  "norm inf": (a) => a.norm(Infinity),
  "logsumexp dim 1": (a) => a.logsumexp(1),
  "cumsum dim 0": (a) => a.cumsum(0),
  "cumsum dim 1": (a) => a.cumsum(1),
  "softmax dim 1": (a) => a.softmax(1),
  "logSoftmax dim 0": (a) => a.logSoftmax(0),
  matmul: (a, b) => a.matmul(b),
  "matmul aT": (a, b) => a.T.matmul(b),
  "matmul bT": (a, b) => a.matmul(b.T),
  "matmul aT bT": (a, b) => a.T.matmul(b.T),
  "matmul batched": (a, b) => a.matmul(b),
  "matmul broadcast": (a, b) => a.matmul(b),
  "matmul batched mT": (a, b) => a.mT.matmul(b.mT),
  "matmul vector": (a, b) => a.matmul(b),
  "matmul matrix vector": (a, b) => a.matmul(b),
  dot: (a, b) => torch.dot(a, b),
  linear: (a, w, c) => F.linear(a, w, c),
  "gather dim 1": (a) => a.gather(1, GATHER_INDEX),
  "indexSelect dim 0": (a) => a.indexSelect(0, torch.tensor([3, 0, 0, 2])),
  "scatterAdd dim 1": (a) => torch.zeros(4, 6, { dtype: "float64" }).scatterAdd(1, GATHER_INDEX, a),
  slice: (a) => a.index("1:3", "::2"),
  cat: (a, b) => torch.cat([a, b], 1),
  "sort values": (a) => a.sort().values,
  "sort indices": (a) => a.sort().indices,
  "sort descending indices": (a) => a.sort({ descending: true }).indices,
  "sort dim 0 values": (a) => a.sort(0).values,
  "argsort dim 1": (a) => a.argsort(1),
  topk: (a) => a.topk(3).values,
};
for (
  const name of [
    "neg",
    "abs",
    "exp",
    "sin",
    "cos",
    "tanh",
    "sigmoid",
    "relu",
    "sign",
    "floor",
    "ceil",
    "round",
  ]
) {
  OPS[name] = (a) => (a as unknown as Record<string, () => Tensor>)[name]();
}
for (const name of ["log", "log1p", "sqrt", "rsqrt"]) {
  OPS[name] = (a) => (a as unknown as Record<string, () => Tensor>)[name]();
}
for (const name of ["eq", "ne", "lt", "le", "gt", "ge"]) {
  OPS[name] = (a, b) => (a as unknown as Record<string, (o: Tensor) => Tensor>)[name](b);
}
const GATHER_INDEX = torch.tensor([[0, 2, 2, 1, 0, 5], [3, 3, 0, 1, 4, 2], [5, 4, 3, 2, 1, 0], [
  1,
  1,
  1,
  1,
  1,
  1,
]]);

/** Transcendental functions are AssemblyScript's musl ports (PyTorch: glibc/Sleef): a few ulp. */
const TOL = { rtol: 1e-13, atol: 1e-14 };

Deno.test("float64: every fixture op gives PyTorch's dtype, shape, values and gradients", () => {
  assert.equal(Object.keys(OPS).length, fx.ops.length, "every fixture op has an edgetorch form");
  for (const c of fx.ops) {
    const fn = OPS[c.name];
    assert.ok(fn, `no edgetorch form for ${c.name}`);
    const inputs = (c.inputs as Enc[]).map((e) =>
      dec(e, c.grads !== undefined && e.dtype.startsWith("float"))
    );
    const out = fn(...inputs);
    assert.equal(out.dtype, c.out.dtype, `${c.name}: dtype`);
    assert.deepEqual(out.shape, c.out.shape, `${c.name}: shape`);
    if (c.out.dtype === "float64") assert.ok(out.dataSync() instanceof Float64Array, c.name);
    const exact = !c.out.dtype.startsWith("float") || c.name.startsWith("sort") || c.name === "round ties";
    assertClose(out, dec(c.out), exact ? { rtol: 0, atol: 0, msg: c.name } : { ...TOL, msg: c.name });
    if (c.grads === undefined) continue;
    const w = torch.linspace(0.5, 1.5, out.numel(), { dtype: "float64" }).reshape([...out.shape]);
    out.double().mul(w).sum().backward();
    (c.grads as (Enc | null)[]).forEach((g, i) => {
      if (g === null) return assert.equal(inputs[i].grad, null, `${c.name}: input ${i} has no gradient`);
      const got = inputs[i].grad!;
      assert.equal(got.dtype, g.dtype, `${c.name}: grad ${i} dtype`);
      assertClose(got, dec(g), { rtol: 1e-12, atol: 1e-13, msg: `${c.name}: grad ${i}` });
    });
  }
});

Deno.test("float64: casts to and from every dtype are PyTorch's (rounding, truncation, overflow)", () => {
  const { casts } = fx;
  const src = dec(casts.from);
  for (const [dtype, want] of Object.entries(casts.to) as [DType, Enc][]) {
    const got = src.to(dtype);
    assert.equal(got.dtype, dtype);
    if (dtype === "float16") {
      // Compare the stored half values (via float32, exact).
      assertClose(got.float().dataSync(), want.values.map(num), { rtol: 0, atol: 0, msg: `to ${dtype}` });
    } else {
      assertClose(got.dataSync(), want.values.map(num), { rtol: 0, atol: 0, msg: `to ${dtype}` });
    }
  }
  for (const [dtype, c] of Object.entries(casts.back) as [DType, { from: Enc; float64: Enc }][]) {
    const t = torch.tensor(c.from.values.map(num), { dtype });
    const got = t.double();
    assert.equal(got.dtype, "float64");
    assert.deepEqual(Array.from(got.dataSync()), c.float64.values.map(num), `from ${dtype}`);
  }
  // Conversions of views and of empty tensors.
  const m = torch.arange(12, { dtype: "float64" }).reshape(3, 4).div(3);
  assert.deepEqual(m.T.float().toArray(), m.float().T.toArray());
  assert.deepEqual(torch.zeros(0, 3, { dtype: "float64" }).int().shape, [0, 3]);
});

Deno.test("float64: printing matches PyTorch (precision, scientific mode, suffix, summaries)", () => {
  for (const c of fx.printing) {
    const t = dec(c.tensor, c.requiresGrad ?? false);
    assert.equal(String(t), c.str);
  }
});

Deno.test("float64: rand, randn, randint and the in-place fills draw PyTorch's double streams", () => {
  const r = fx.random as Record<string, Enc>;
  const runs: Record<string, () => Tensor> = {
    "rand 5": () => torch.rand(5, { dtype: "float64" }),
    "rand 2x3": () => torch.rand(2, 3, { dtype: "float64" }),
    "randn 5": () => torch.randn(5, { dtype: "float64" }),
    "randn 16": () => torch.randn(16, { dtype: "float64" }),
    "randn 37": () => torch.randn(37, { dtype: "float64" }),
    "randint 0 10": () => torch.randint(0, 10, [6], { dtype: "float64" }),
    "uniform_ -2 3": () => torch.empty(7, { dtype: "float64" }).uniform_(-2, 3),
    "normal_ 1 0.5 x20": () => torch.empty(20, { dtype: "float64" }).normal_(1, 0.5),
    "normal_ 1 0.5 x3": () => torch.empty(3, { dtype: "float64" }).normal_(1, 0.5),
    "exponential_ 2": () => torch.empty(5, { dtype: "float64" }).exponential_(2),
    "random_": () => torch.empty(4, { dtype: "float64" }).random_(),
    "random_ 100": () => torch.empty(4, { dtype: "float64" }).random_(100),
    "rand then float32": () => torch.cat([torch.rand(3, { dtype: "float64" }), torch.rand(3).double()]),
  };
  assert.deepEqual(Object.keys(runs).sort(), Object.keys(r).sort());
  for (const [name, run] of Object.entries(runs)) {
    torch.manualSeed(7);
    const t = run();
    assert.equal(t.dtype, "float64", name);
    // Uniforms are exact; normals go through libm's log/sin/cos (JavaScript's, glibc's): an ulp or so.
    assertClose(t, dec(r[name]), { rtol: 1e-15, atol: 1e-15, msg: name });
  }
});

Deno.test("float64: a float64 model trains to PyTorch's losses and weights (SGD with momentum)", () => {
  const c = fx.training;
  torch.manualSeed(0);
  const model = new nn.Sequential(new nn.Linear(4, 8), new nn.Tanh(), new nn.Linear(8, 3)).double();
  for (const p of model.parameters()) assert.equal(p.dtype, "float64");
  const x = torch.randn(16, 4, { dtype: "float64" });
  const y = torch.randint(0, 3, [16]);
  assertClose(x, dec(c.x), { rtol: 1e-15, atol: 1e-15, msg: "x" });
  assert.deepEqual(y.toArray(), dec(c.y).toArray());
  const opt = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
  const losses: number[] = [];
  for (let i = 0; i < 5; i++) {
    opt.zeroGrad();
    const loss = F.crossEntropy(model(x), y);
    assert.equal(loss.dtype, "float64");
    loss.backward();
    opt.step();
    losses.push(loss.item());
  }
  assertClose(losses, c.losses, { rtol: 1e-13, atol: 0, msg: "losses" });
  const sd = model.stateDict();
  for (const [k, v] of Object.entries(c.state as Record<string, Enc>)) {
    assert.equal(sd[k].dtype, "float64", k);
    assertClose(sd[k], dec(v), { rtol: 1e-12, atol: 1e-14, msg: k });
  }
});

Deno.test("float64: layers made with dtype float64 and nn.init draw PyTorch's double streams", () => {
  torch.manualSeed(3);
  const lin = new nn.Linear(5, 3, { dtype: "float64" });
  const w = nn.init.normal_(torch.empty(4, 6, { dtype: "float64" }), 0, 0.02);
  for (
    const [name, t] of [["linear.weight", lin.weight], ["linear.bias", lin.bias!], ["normal_", w]] as const
  ) {
    assert.equal(t.dtype, "float64", name);
    assertClose(t, dec(fx.init[name]), { rtol: 1e-15, atol: 1e-17, msg: name });
  }
});

Deno.test("float64: safetensors F64 loads exactly and saves PyTorch's bytes (the reference layout)", async () => {
  const bytes = await Deno.readFile(new URL("./fixtures/io/torch_float64.safetensors", import.meta.url));
  const sd = loadBytes(bytes);
  for (const [name, e] of Object.entries(fx.safetensors as Record<string, Enc & { bits: string[] | null }>)) {
    assert.equal(sd[name].dtype, e.dtype, name);
    assert.deepEqual(sd[name].shape, e.shape, name);
    if (e.bits) {
      const bits = new BigUint64Array(new Float64Array(sd[name].dataSync()).buffer);
      assert.deepEqual(Array.from(bits, (b) => `0x${b.toString(16)}`), e.bits, `${name} bits`);
    }
  }
  assert.deepEqual(saveBytes(sd, { metadata: { format: "pt" } }), bytes);
  // The float64 tensor of tests/fixtures/io/torch_written.safetensors (see io_test.ts) is exact too.
  const io = loadBytes(
    await Deno.readFile(new URL("./fixtures/io/torch_written.safetensors", import.meta.url)),
  );
  assert.deepEqual(Array.from(io["f64.values"].dataSync()), fx.safetensors["f64.values"].values);
});

Deno.test("float64: gradcheck with tight tolerances (finite differences in double precision)", () => {
  const g = new torch.Generator(3);
  const d = (...shape: number[]) =>
    torch.randn(shape, { dtype: "float64", generator: g }).requiresGrad_(true);
  const tight = { eps: 1e-6, atol: 1e-8, rtol: 1e-7 };
  const cases: [string, (...x: Tensor[]) => Tensor, Tensor[]][] = [
    ["matmul batched", (a, b) => a.matmul(b), [d(2, 3, 4), d(4, 5)]],
    ["matmul transposed", (a, b) => a.T.matmul(b.mT), [d(4, 3), d(5, 4)]],
    ["softmax", (a) => a.softmax(1), [d(3, 5)]],
    ["logSoftmax", (a) => a.logSoftmax(0), [d(3, 5)]],
    ["logsumexp", (a) => a.logsumexp(1), [d(3, 5)]],
    ["var/std", (a) => a.var(1).add(a.std(0).sum()), [d(3, 5)]],
    ["norm p3", (a) => a.norm(3, 1), [d(3, 5)]],
    ["prod", (a) => a.prod(1), [d(3, 5)]],
    ["cumsum", (a) => a.cumsum(1), [d(3, 5)]],
    ["elementwise", (a, b) => a.sin().mul(b.tanh()).add(a.sigmoid().div(b.exp())), [d(3, 4), d(4)]],
    ["pow", (a, b) => a.abs().add(0.5).pow(b), [d(3, 4), d(3, 4)]],
    ["gather/scatter", (a) => a.gather(1, torch.tensor([[0, 2, 2], [1, 0, 1]])).mul(2), [d(2, 3)]],
    ["linear + crossEntropy", (a, w) => F.crossEntropy(F.linear(a, w), torch.tensor([0, 2, 1])), [
      d(3, 4),
      d(3, 4),
    ]],
    ["mixed float64 and float32", (a) => a.mul(torch.tensor([1.5, -2, 0.25], { dtype: "float32" })).sum(), [
      d(2, 3),
    ]],
  ];
  for (const [name, fn, inputs] of cases) gradcheck(fn, inputs, { ...tight, msg: name });
});

Deno.test("float64: the tensor API (double(), typed arrays, inference, requiresGrad, views, empty)", () => {
  const x = torch.tensor([1, 2, 3]).double();
  assert.equal(x.dtype, "float64");
  assert.equal(x.elementSize(), 8);
  assert.ok(x.isFloatingPoint());
  assert.ok(x.dataSync() instanceof Float64Array);
  assert.deepEqual(x.div(3).toArray(), [1 / 3, 2 / 3, 1]);
  assert.equal(x.div(3).sum().item(), 2);
  assert.equal(torch.tensor(new Float64Array([0.1, 0.2])).dtype, "float64", "a Float64Array keeps its kind");
  assert.equal(torch.tensor(new Float64Array([0.1, 0.2])).add(0.1).dataSync()[0], 0.2);
  assert.equal(torch.tensor([0.1]).dtype, "float32", "JS numbers still default to float32");
  const w = torch.zeros(2, 3, { dtype: "float64", requiresGrad: true });
  w.mul(w.add(1)).sum().backward();
  assert.equal(w.grad!.dtype, "float64");
  // A float32 leaf combined with float64 gets a float32 gradient (the engine casts back, as PyTorch).
  const f = torch.ones(3, { requiresGrad: true });
  f.mul(torch.tensor([0.1, 0.2, 0.3], { dtype: "float64" })).sum().backward();
  assert.equal(f.grad!.dtype, "float32");
  assertClose(f.grad!, [0.1, 0.2, 0.3]);
  // Views, strided reads and in-place writes.
  const m = torch.arange(12, { dtype: "float64" }).reshape(3, 4);
  assert.deepEqual(m.index(":", "1::2").toArray(), [[1, 3], [5, 7], [9, 11]]);
  m.index(1).mul_(0.5);
  assert.deepEqual(m.index(1).toArray(), [2, 2.5, 3, 3.5]);
  assert.deepEqual(m.T.contiguous().shape, [4, 3]);
  assert.deepEqual(torch.full([2], 1 / 3, { dtype: "float64" }).toArray(), [1 / 3, 1 / 3]);
  assert.deepEqual(torch.eye(2, { dtype: "float64" }).toArray(), [[1, 0], [0, 1]]);
  // PyTorch fills the second half backwards from the end: 1 - 1/3, not 2/3.
  assert.deepEqual(torch.linspace(0, 1, 4, { dtype: "float64" }).toArray(), [0, 1 / 3, 1 - 1 / 3, 1]);
  assert.deepEqual(torch.arange(0, 1, 0.25, { dtype: "float64" }).toArray(), [0, 0.25, 0.5, 0.75]);
  // Empty and 0-d.
  assert.deepEqual(torch.zeros(0, { dtype: "float64" }).sum().item(), 0);
  assert.equal(torch.tensor(2.5, { dtype: "float64" }).mul(2).item(), 5);
  assert.deepEqual(
    torch.zeros(2, 0, { dtype: "float64" }).matmul(torch.zeros(0, 3, { dtype: "float64" })).toArray(),
    [
      [0, 0, 0],
      [0, 0, 0],
    ],
  );
  assert.equal(torch.promoteTypes("float32", "float64"), "float64");
  assert.equal(torch.promoteTypes("float16", "float64"), "float64");
  assert.equal(new nn.Linear(2, 2).double().weight.dtype, "float64");
});

Deno.test("float64: values spilled out of wasm memory and brought back are intact", () => {
  const b = new WasmBackend({ residentBudget: 4096 });
  const n = 300; // 2400 bytes each: every new storage spills an older one
  const data = Float64Array.from({ length: n }, (_, i) => i / 7);
  const s = [0, 1, 2].map(() => b.fromTyped(data, "float64"));
  const sums = s.map((x) => b.binary("add", x, x, n, "float64"));
  for (const t of sums) assert.deepEqual(Array.from(b.readSync(t)), Array.from(data, (v) => v + v));
  assert.ok(b.memoryStats().spills > 0);
});

deviceTest("float64 on the gpu is a clear error naming the op (WGSL has no f64)", async (device) => {
  const msg = /float64 is not supported on the gpu \(WGSL has no 64-bit floats\); convert with \.float\(\)/;
  assertThrowsMsg(() => torch.zeros(2, { dtype: "float64", device }), new RegExp(`^zeros: ${msg.source}`));
  assertThrowsMsg(() => torch.randn(2, { dtype: "float64", device }), new RegExp(`^randn: ${msg.source}`));
  assertThrowsMsg(
    () => torch.tensor(new Float64Array([1]), { device }),
    new RegExp(`^tensor: ${msg.source}`),
  );
  assertThrowsMsg(() => torch.tensor([1, 2]).double().to(device), new RegExp(`^to: ${msg.source}`));
  const g = torch.ones(2, { device });
  assertThrowsMsg(() => g.double(), new RegExp(`^to: ${msg.source}`));
  assertThrowsMsg(() => g.to("float64"), new RegExp(`^to: ${msg.source}`));
  const model = new nn.Linear(2, 2).double();
  assertThrowsMsg(() => model.to(device), new RegExp(`^Module.to: ${msg.source}`));
  assert.equal(model.weight.device, "cpu", "nothing moved");
  await assertRejectsMsg(() => new nn.Linear(2, 2).toAsync({ device, dtype: "float64" }), msg);
  // Converting to float32 first works.
  assert.deepEqual(await torch.tensor([1.5], { dtype: "float64" }).float().to(device).toArrayAsync(), [1.5]);
}, { devices: ["gpu"] });

Deno.test("float64 kernels: operand layouts, long rows, blocked matmul, stable argsort (JS references)", () => {
  const r = new torch.Generator(5);
  const rnd = (n: number) => torch.randn(n, { dtype: "float64", generator: r }).dataSync() as Float64Array;
  for (const variant of ["relaxed", "simd"] as const) {
    const b = new WasmBackend({ variant });
    const f = (x: Float64Array) => b.fromTyped(x, "float64");
    // Binary: full, scalar, tiles (rows and columns) on either side.
    const n = 60;
    const x = rnd(n), y = rnd(n), t3 = rnd(3), t12 = rnd(12);
    const layouts: [Float64Array | number, Float64Array | number][] = [
      [x, y],
      [x, 2.5],
      [2.5, y],
      [x, t3],
      [t3, y],
      [x, t12],
      [t12, y],
      [1.5, -2],
    ];
    for (const [a, c] of layouts) {
      const ref = (i: number, v: Float64Array | number) => (typeof v === "number" ? v : v[i % v.length]);
      const out = b.readSync(
        b.binary("sub", typeof a === "number" ? a : f(a), typeof c === "number" ? c : f(c), n, "float64"),
      );
      assert.deepEqual(
        Array.from(out),
        Array.from({ length: n }, (_, i) => ref(i, a) - ref(i, c)),
        `${variant} sub`,
      );
      const cmp = b.readSync(
        b.binary("lt", typeof a === "number" ? a : f(a), typeof c === "number" ? c : f(c), n, "float64"),
      );
      assert.deepEqual(
        Array.from(cmp),
        Array.from({ length: n }, (_, i) => +(ref(i, a) < ref(i, c))),
        `${variant} lt`,
      );
    }
    // Reductions and cumsum over the middle axis with inner > 1, against sums in JS.
    const [outer, len, inner] = [3, 7, 5];
    const v = rnd(outer * len * inner);
    const at = (o: number, j: number, i: number) => v[(o * len + j) * inner + i];
    const sum = b.readSync(b.reduce("sum", f(v), outer, len, inner));
    const amax = b.readSync(b.reduce("argmax", f(v), outer, len, inner));
    const cs = b.readSync(b.cumsum(f(v), outer, len, inner));
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        let s = 0, best = 0;
        for (let j = 0; j < len; j++) {
          s += at(o, j, i);
          assert.equal(cs[(o * len + j) * inner + i], s);
          if (at(o, j, i) > at(o, best, i)) best = j;
        }
        assert.ok(Math.abs(sum[o * inner + i] - s) < 1e-14);
        assert.equal(amax[o * inner + i], best);
      }
    }
    // matmul across the blocking boundaries (k > 128, n > 256), both transpositions.
    const [m, k, nn] = [5, 150, 260];
    const A = rnd(m * k), B = rnd(k * nn), BT = new Float64Array(nn * k);
    for (let p = 0; p < k; p++) for (let j = 0; j < nn; j++) BT[j * k + p] = B[p * nn + j];
    const args = { batch: 1, m, k, n: nn, aBatchStride: 0, bBatchStride: 0, transA: false, transB: false };
    const c1 = b.readSync(b.matmul(f(A), f(B), args));
    const c2 = b.readSync(b.matmul(f(A), f(BT), { ...args, transB: true }));
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < nn; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += A[i * k + p] * B[p * nn + j];
        assert.ok(
          Math.abs(c1[i * nn + j] - s) < 1e-12 && c1[i * nn + j] === c2[i * nn + j],
          `${variant} matmul`,
        );
      }
    }
    // argsort: long rows (merge sort), ties kept in index order, NaN last (first descending), -0 == 0.
    const row = Float64Array.from(
      { length: 100 },
      (_, i) => [3, -1, NaN, 0, -0, 2.5, 1e-300][i % 7],
    );
    const asc = Array.from(b.readSync(b.argsort(f(row), 1, 100, false)));
    const want = Array.from({ length: 100 }, (_, i) => i).sort((p, q) => {
      const [u, w] = [row[p], row[q]];
      if (Number.isNaN(u) || Number.isNaN(w)) return Number.isNaN(u) ? (Number.isNaN(w) ? p - q : 1) : -1;
      return u - w || p - q;
    });
    assert.deepEqual(asc, want, `${variant} argsort`);
    const desc = Array.from(b.readSync(b.argsort(f(row), 1, 100, true)));
    assert.ok(Number.isNaN(row[desc[0]]) && desc.slice(0, 14).every((i) => Number.isNaN(row[i])));
    // Bit moves: where, gather.
    const cond = b.fromTyped(Uint8Array.from({ length: n }, (_, i) => i % 2), "bool");
    assert.deepEqual(
      Array.from(b.readSync(b.where(cond, f(x), f(y)))),
      Array.from(x, (u, i) => (i % 2 ? u : y[i])),
    );
    const g = b.readSync(b.gather(f(x), b.fromTyped(new Int32Array([59, 0, 7]), "int32"), 1, n, 1, 3, true));
    assert.deepEqual(Array.from(g), [x[59], x[0], x[7]]);
  }
});
