/**
 * Odds and ends a porting user reaches for, against PyTorch 1.13 (tools/fixtures/extras_fixtures.py ->
 * tests/fixtures/extras.json): torch.finfo / torch.iinfo, print options, torch.isSigned / isInference, the
 * tensor methods isCpu / getDevice / type / apply_ / map_ / resize_ / splitWithSizes / unsafeSplit /
 * hardshrink / prelu, and the torch.* functional names.
 */
import * as torch from "../mod.ts";
import { formatG6 } from "../src/dtype_info.ts";
import { F } from "../src/nn/mod.ts";
import { versionOf } from "../src/autograd/version.ts";
import { assert, assertClose, assertThrowsMsg, fixtureTensor, gradcheck } from "./helpers.ts";
import { deviceTest, gpuAvailable } from "./devices.ts";

const fx = JSON.parse(await Deno.readTextFile(new URL("./fixtures/extras.json", import.meta.url)));

Deno.test("finfo: every field and the repr equal PyTorch's, for float32, float64, float16; default dtype", () => {
  for (const dtype of ["float32", "float64", "float16"] as const) {
    const f = torch.finfo(dtype);
    const want = fx.finfo[dtype];
    assert.deepEqual(
      [f.bits, f.eps, f.max, f.min, f.tiny, f.smallestNormal, f.resolution, f.dtype, String(f)],
      [
        want.bits,
        want.eps,
        want.max,
        want.min,
        want.tiny,
        want.smallestNormal,
        want.resolution,
        dtype,
        want.repr,
      ],
      dtype,
    );
    assert.ok(Object.isFrozen(f));
  }
  // eps is the gap above 1 in the dtype itself; max is the largest finite value it holds.
  assert.equal(Math.fround(1 + torch.finfo("float32").eps) > 1, true);
  assert.equal(Math.fround(1 + torch.finfo("float32").eps / 2), 1);
  assert.equal(torch.tensor([torch.finfo("float16").max], { dtype: "float16" }).item(), 65504);
  assert.equal(Math.fround(torch.finfo("float32").max), torch.finfo("float32").max);
  assert.equal(torch.finfo(), torch.finfo("float32"));
  torch.setDefaultDtype("float64");
  try {
    assert.equal(torch.finfo().dtype, "float64");
  } finally {
    torch.setDefaultDtype("float32");
  }
  assertThrowsMsg(
    () => torch.finfo("int32"),
    /finfo: requires a floating point dtype .* got int32; use torch.iinfo/,
  );
  assertThrowsMsg(() => torch.finfo("bool"), /finfo: requires a floating point dtype/);
  assertThrowsMsg(
    () => torch.finfo("float128" as never),
    /finfo: expected a dtype \(float32, .*\), got "float128"/,
  );
});

Deno.test("iinfo: bits, max, min, repr equal PyTorch's for int32 and uint8; floats and bool refused", () => {
  for (const dtype of ["int32", "uint8"] as const) {
    const i = torch.iinfo(dtype);
    const want = fx.iinfo[dtype];
    assert.deepEqual([i.bits, i.max, i.min, i.dtype, String(i)], [
      want.bits,
      want.max,
      want.min,
      dtype,
      want.repr,
    ]);
  }
  assert.equal(torch.tensor([torch.iinfo("int32").max]).item(), 2147483647);
  assertThrowsMsg(
    () => torch.iinfo("float32"),
    /iinfo: requires an integer dtype \(int32, uint8\), got float32; use torch.finfo/,
  );
  assertThrowsMsg(() => torch.iinfo("bool"), /iinfo: bool is not supported by torch.iinfo/);
});

Deno.test("formatG6 is Python's %g (ties to even on the exact binary value)", () => {
  const cases: [number, string][] = [
    [0.0009765625, "0.000976562"],
    [123456.5, "123456"],
    [999999.5, "1e+06"],
    [1234565, "1.23456e+06"],
    [-2147483648, "-2.14748e+09"],
    [1e-5, "1e-05"],
    [0.0001, "0.0001"],
    [100000, "100000"],
    [0, "0"],
  ];
  for (const [v, s] of cases) assert.equal(formatG6(v), s, String(v));
});

Deno.test("setPrintoptions: str(tensor) equals PyTorch's under precision, threshold, edgeitems, linewidth, sciMode, profiles", () => {
  try {
    for (const c of fx.print) {
      torch.setPrintoptions({ profile: "default" });
      torch.setPrintoptions(c.opts);
      const x = fixtureTensor(c.x);
      if (c.requiresGrad) x.requiresGrad_(true);
      assert.equal(String(x), c.str, c.name);
    }
  } finally {
    torch.setPrintoptions({ profile: "default" });
  }
  assert.deepEqual(torch.getPrintoptions(), {
    precision: 4,
    threshold: 1000,
    edgeitems: 3,
    linewidth: 80,
    sciMode: null,
  });
});

Deno.test("setPrintoptions: sciMode resets on every call (as PyTorch); profile then overrides; printoptions scopes; bad values", async () => {
  const x = torch.tensor([0.5, 12.25]);
  try {
    torch.setPrintoptions({ sciMode: true });
    assert.equal(String(x), "tensor([5.0000e-01, 1.2250e+01])");
    torch.setPrintoptions({ precision: 2 }); // no sciMode: back to choosing it
    assert.equal(String(x), "tensor([ 0.50, 12.25])");
    torch.setPrintoptions({ profile: "full", threshold: 4 });
    assert.deepEqual(torch.getPrintoptions(), {
      precision: 4,
      threshold: 4,
      edgeitems: 3,
      linewidth: 80,
      sciMode: null,
    });
    const saved = torch.getPrintoptions();
    torch.setPrintoptions({ profile: "short" });
    torch.setPrintoptions(saved);
    assert.deepEqual(torch.getPrintoptions(), saved);
  } finally {
    torch.setPrintoptions({ profile: "default" });
  }
  assert.equal(torch.printoptions({ precision: 1 }, () => String(x)), "tensor([ 0.5, 12.2])");
  assert.equal(String(x), "tensor([ 0.5000, 12.2500])");
  const s = await torch.printoptions({ precision: 0 }, async () => {
    await Promise.resolve();
    return String(x);
  });
  assert.equal(s, "tensor([ 0, 12])");
  assert.equal(torch.getPrintoptions().precision, 4);
  assert.throws(() =>
    torch.printoptions({ precision: 1 }, () => {
      throw new Error("boom");
    }), /boom/);
  assert.equal(torch.getPrintoptions().precision, 4);
  assertThrowsMsg(
    () => torch.setPrintoptions({ precision: -1 }),
    /setPrintoptions: precision must be an integer in \[0, 100\], got -1/,
  );
  assertThrowsMsg(
    () => torch.setPrintoptions({ linewidth: 0 }),
    /linewidth must be a positive integer, got 0/,
  );
  assertThrowsMsg(
    () => torch.setPrintoptions({ profile: "long" as never }),
    /profile must be "default", "short" or "full", got "long"/,
  );
  assertThrowsMsg(
    () => torch.setPrintoptions({ sciMode: "yes" as never }),
    /sciMode must be true, false or null/,
  );
  assertThrowsMsg(() => torch.setPrintoptions({ threshold: NaN }), /threshold must be a non-negative number/);
  assert.deepEqual(torch.getPrintoptions().linewidth, 80);
});

Deno.test("torch.isSigned and torch.isInference (PyTorch's is_signed / is_inference)", () => {
  const want: [torch.DType, boolean][] = [["float32", true], ["float64", true], ["float16", true], [
    "int32",
    true,
  ], [
    "uint8",
    false,
  ], ["bool", false]];
  for (const [dtype, signed] of want) assert.equal(torch.isSigned(torch.zeros(1, { dtype })), signed, dtype);
  const y = torch.inferenceMode(() => torch.ones(2).add(1));
  assert.deepEqual([torch.isInference(y), torch.isInference(y.clone())], [true, false]);
  assertThrowsMsg(() => torch.isSigned([1] as never), /isSigned: input must be a Tensor, got/);
  assertThrowsMsg(() => torch.isInference(null as never), /isInference: input must be a Tensor/);
});

Deno.test("isCpu, isCuda, getDevice, type() names (PyTorch's), type(dtype) conversions", () => {
  for (const [dtype, name] of Object.entries(fx.tensor.types) as [torch.DType, string][]) {
    const x = torch.zeros(1, { dtype });
    assert.equal(x.type(), name, dtype);
    assert.equal(torch.ones(2).type(name).dtype, dtype, name);
  }
  const x = torch.tensor([1.5, -2.5]);
  assert.deepEqual([x.isCpu, x.isCuda, x.getDevice()], [true, false, -1]);
  assert.deepEqual(x.type("torch.LongTensor").toArray(), [1, -2]);
  assert.equal(x.type("float64").dtype, "float64");
  const same = x.type("torch.FloatTensor");
  assert.ok(same !== x && same._storage === x._storage); // aliased, as byte() of a uint8 tensor
  assertThrowsMsg(() => x.type("torch.ShortTensor"), /type: invalid type: "torch.ShortTensor"/);
  assertThrowsMsg(() => x.type("torch.cuda.FloatTensor"), /no CUDA here; the GPU's type names are torch.gpu/);
  assertThrowsMsg(() => x.type("foo"), /type: invalid type: "foo"/);
});

deviceTest("isCpu / getDevice / type() on each device", async (device) => {
  const x = torch.ones(2, { device });
  assert.deepEqual([x.isCpu, x.isCuda, x.getDevice()], [device === "cpu", false, device === "cpu" ? -1 : 0]);
  assert.equal(x.type(), device === "cpu" ? "torch.FloatTensor" : "torch.gpu.FloatTensor");
  const moved = x.type("torch.gpu.IntTensor");
  assert.deepEqual([moved.device, moved.dtype, await moved.toArrayAsync()], ["gpu", "int32", [1, 1]]);
  if (device === "cpu") assert.equal(x.type("torch.DoubleTensor").device, "cpu");
  else {assertThrowsMsg(() =>
      x.type("torch.DoubleTensor"), /needs an asynchronous read; use `await x.toAsync\("cpu"\)`/);}
  if (device !== "cpu") {
    assertThrowsMsg(
      () => x.apply_((v) => v),
      /apply_: only implemented on CPU tensors \(this tensor is on gpu\)/,
    );
  }
}, { devices: gpuAvailable ? ["cpu", "gpu"] : ["cpu"] });

Deno.test("apply_ and map_: PyTorch's casts (toward zero, overflow refused, truthiness), views, errors", () => {
  const t = fx.tensor;
  const xi = torch.arange(6, { dtype: "int32" }).view(2, 3);
  assert.equal(xi.apply_((v) => -v * 2.7), xi);
  assert.deepEqual(xi.toArray(), fixtureTensor(t.apply_int).toArray());
  assert.deepEqual(
    torch.tensor([1, 2, 3], { dtype: "uint8" }).apply_((v) => v * 80).toArray(),
    fixtureTensor(t.apply_uint8).toArray(),
  );
  assert.deepEqual(
    torch.tensor([true, false, true]).apply_((v) => !v).toArray(),
    fixtureTensor(t.apply_bool).toArray(),
  );
  const half = torch.tensor([0.1, 1000.7, -3.3], { dtype: "float16" }).apply_((v) => v * 3.3);
  assert.deepEqual(half.toArray(), fixtureTensor(t.apply_half).toArray());
  const f = torch.arange(6, { dtype: "float32" }).view(2, 3);
  assert.deepEqual(
    f.map_(torch.tensor([1, 2, 3], { dtype: "float32" }), (a, b) => a * 10 + b).toArray(),
    fixtureTensor(t.map_).toArray(),
  );
  // A non-contiguous view is written through to its base.
  const base = torch.zeros(2, 3);
  base.t().index(0).apply_(() => 7);
  assert.deepEqual(base.toArray(), [[7, 0, 0], [7, 0, 0]]);
  assertThrowsMsg(
    () => torch.tensor([1], { dtype: "uint8" }).apply_(() => 300),
    /value 300 cannot be converted to type uint8 without overflow/,
  );
  assertThrowsMsg(
    () => torch.tensor([1]).apply_(() => 2 ** 40),
    /cannot be converted to type int32 without overflow/,
  );
  assertThrowsMsg(
    () => torch.tensor([1]).apply_(() => "a" as never),
    /apply_: the function must return a number or a boolean/,
  );
  assertThrowsMsg(
    () => torch.ones(2, { requiresGrad: true }).apply_((v) => v),
    /Can't call apply_\(\) on Variable that requires grad. Use var.detach\(\).apply_\(\) instead./,
  );
  assertThrowsMsg(
    () => torch.ones(2).map_(torch.ones(2, { requiresGrad: true }), (a) => a),
    /Can't call map_\(\) on Variable that requires grad/,
  );
  assertThrowsMsg(
    () => torch.ones(2).map_(torch.tensor([1, 2]), (a) => a),
    /map_: expected float32 for 'other' \(got int32\)/,
  );
  assertThrowsMsg(() => torch.ones(2, 3).map_(torch.ones(2, 1, 3), (a) => a), /expand/);
  const x = torch.ones(3);
  const v0 = versionOf(x._storage);
  x.apply_((v) => v + 1);
  assert.ok(versionOf(x._storage) > v0, "apply_ bumps the version counter");
});

Deno.test("resize_ / resizeAs_: PyTorch's storage semantics (shrink keeps leading elements, views, growth), autograd rule", () => {
  const t = fx.tensor;
  assert.deepEqual(
    torch.arange(6, { dtype: "float32" }).view(2, 3).t().resize_(6).toArray(),
    fixtureTensor(t.resize_noncontig).toArray(),
  );
  const v = torch.arange(6, { dtype: "float32" }).narrow(0, 2, 4);
  v.resize_(2, 2);
  assert.deepEqual([v.toArray(), v.stride(), v.storageOffset()], [
    fixtureTensor(t.resize_view.x).toArray(),
    t.resize_view.stride,
    t.resize_view.offset,
  ]);
  const g = torch.arange(4, { dtype: "float32" });
  assert.equal(g.resize_(3, 2), g);
  assert.deepEqual(g.shape, [3, 2]);
  assert.deepEqual(g.index("0:2").toArray(), fixtureTensor(t.resize_grow).toArray());
  assert.deepEqual(g.index(2).toArray(), [0, 0]); // PyTorch: uninitialised; here zeros
  const e = torch.empty(0);
  e.resize_([2, 2]).fill_(3);
  assert.deepEqual(e.toArray(), [[3, 3], [3, 3]]);
  assert.deepEqual(torch.ones(4).resizeAs_(torch.zeros(2, 2)).shape, [2, 2]);
  assert.deepEqual(torch.ones(3).resize_(0).shape, [0]);
  assertThrowsMsg(
    () => torch.ones(2, { requiresGrad: true }).resize_(1),
    /resize_: cannot resize variables that require grad/,
  );
  assertThrowsMsg(() => torch.ones(2).resize_(2, -1), /resize_: shape must be non-negative integers/);
  const w = torch.ones(2, { requiresGrad: true });
  const d = w.detach();
  d.resize_(1); // allowed: the detached tensor does not require grad
  assert.deepEqual([d.shape, w.shape], [[1], [2]]);
});

Deno.test("splitWithSizes, unsafeSplit, unsafeChunk: pieces and grad_fn names as PyTorch; errors", () => {
  const t = fx.tensor;
  const x = torch.arange(12, { dtype: "float32" }).view(2, 6);
  assert.deepEqual(
    x.splitWithSizes([1, 2, 3], 1).map((p) => p.toArray()),
    t.split_sizes.map((e: never) => fixtureTensor(e).toArray()),
  );
  assert.deepEqual(torch.splitWithSizes(x, [1, 2, 3], -1).length, 3);
  const w = torch.ones(4, { requiresGrad: true });
  assert.deepEqual(w.splitWithSizes([1, 3]).map((p) => p.gradFn!.name), t.split_names);
  assert.deepEqual(w.unsafeSplit(3).map((p) => p.gradFn!.name), t.unsafe_names);
  assert.deepEqual(w.unsafeChunk(2).map((p) => p.gradFn!.name), [
    "UnsafeSplitBackward0",
    "UnsafeSplitBackward0",
  ]);
  assert.deepEqual(
    torch.arange(7, { dtype: "float32" }).unsafeChunk(3).map((p) => p.toArray()),
    t.unsafe_chunk.map((e: never) => fixtureTensor(e).toArray()),
  );
  const [a, b] = w.splitWithSizes([1, 3]);
  a.mul(2).sum().add(b.mul(3).sum()).backward();
  assert.deepEqual(w.grad!.toArray(), [2, 3, 3, 3]);
  assertThrowsMsg(
    () => torch.arange(6).splitWithSizes([1, 2]),
    /splitWithSizes expects splitSizes to sum exactly to 6 \(input tensor's size at dimension 0 of \[6\]\), but got splitSizes=\[1, 2\]/,
  );
  assertThrowsMsg(
    () => torch.arange(6).splitWithSizes([7, -1]),
    /splitSizes must be an array of non-negative integers/,
  );
  assertThrowsMsg(() => torch.arange(6).unsafeSplit(0), /split: splitSize must be a positive integer, got 0/);
});

Deno.test("x.hardshrink, x.prelu equal PyTorch's; gradients by finite differences", () => {
  const t = fx.tensor;
  const h = fixtureTensor(t.hardshrink_x);
  assertClose(h.hardshrink(0.7), fixtureTensor(t.hardshrink), { atol: 0 });
  assertClose(h.view(4, 3).prelu(fixtureTensor(t.prelu_w)), fixtureTensor(t.prelu), { atol: 1e-7 });
  assert.deepEqual(torch.tensor([0.4, -0.6]).hardshrink().toArray(), [0, Math.fround(-0.6)]);
  gradcheck((x) => x.hardshrink(0.3), [
    torch.tensor([0.9, -0.7, 0.1, 2], { dtype: "float64", requiresGrad: true }),
  ]);
  gradcheck((x, w) => x.prelu(w), [
    torch.tensor([[0.9, -0.7], [-0.1, 2]], { dtype: "float64", requiresGrad: true }),
    torch.tensor([0.25, -0.5], { dtype: "float64", requiresGrad: true }),
  ]);
});

Deno.test("torch.* forms with their own argument order equal PyTorch's: batchNorm, instanceNorm, layerNorm, groupNorm, embedding", () => {
  const a = fx.torch_forms;
  const x = fixtureTensor(a.x), w = fixtureTensor(a.w), b = fixtureTensor(a.b);
  const rm = fixtureTensor(a.rm), rv = fixtureTensor(a.rv);
  assertClose(torch.batchNorm(x, w, b, rm, rv, true, 0.2, 1e-3), fixtureTensor(a.batch_train), {
    atol: 1e-5,
  });
  assertClose(rm, fixtureTensor(a.batch_train_rm), { atol: 1e-6 });
  assertClose(rv, fixtureTensor(a.batch_train_rv), { atol: 1e-6 });
  const rm0 = fixtureTensor(a.rm), rv0 = fixtureTensor(a.rv);
  assertClose(torch.batchNorm(x, w, b, rm0, rv0, false), fixtureTensor(a.batch_eval), { atol: 1e-5 });
  const rm2 = fixtureTensor(a.rm), rv2 = fixtureTensor(a.rv);
  assertClose(torch.instanceNorm(x, w, b, rm2, rv2, true, 0.3), fixtureTensor(a.instance), { atol: 1e-5 });
  assertClose(rm2, fixtureTensor(a.instance_rm), { atol: 1e-6 });
  assertClose(rv2, fixtureTensor(a.instance_rv), { atol: 1e-6 });
  const w5 = fixtureTensor(a.w5), b5 = fixtureTensor(a.b5);
  assertClose(torch.layerNorm(x, [5], w5, b5, 1e-3), fixtureTensor(a.layer), { atol: 1e-5 });
  assertClose(torch.layerNorm(x, [5], { weight: w5, bias: b5, eps: 1e-3 }), fixtureTensor(a.layer), {
    atol: 1e-5,
  });
  const xg = fixtureTensor(a.xg);
  assertClose(
    torch.groupNorm(xg, 2, fixtureTensor(a.w4), fixtureTensor(a.b4), 1e-4),
    fixtureTensor(a.group),
    { atol: 1e-5 },
  );
  const ew = fixtureTensor(a.emb_w, "cpu", true);
  const out = torch.embedding(ew, fixtureTensor(a.emb_i), 2);
  out.pow(2).sum().backward();
  assertClose(out, fixtureTensor(a.emb), { atol: 0 });
  assertClose(ew.grad!, fixtureTensor(a.emb_grad), { atol: 1e-6 }); // row 2 (padding) gets no gradient
  assertThrowsMsg(
    () => torch.embedding(ew, fixtureTensor(a.emb_i), 1.5),
    /embedding: paddingIdx must be an integer/,
  );
});

Deno.test("torch.* functional names are F's own functions (aliases, not copies)", () => {
  const names = [
    "dropout",
    "alphaDropout",
    "featureAlphaDropout",
    "celu",
    "selu",
    "threshold",
    "hardshrink",
    "prelu",
    "bilinear",
    "channelShuffle",
    "klDiv",
    "binaryCrossEntropyWithLogits",
    "cosineEmbeddingLoss",
    "cosineSimilarity",
    "hingeEmbeddingLoss",
    "marginRankingLoss",
    "pairwiseDistance",
    "poissonNllLoss",
    "tripletMarginLoss",
    "ctcLoss",
    "convTranspose2d",
    "maxPool1dWithIndices",
  ];
  const t = torch as unknown as Record<string, unknown>, f = F as unknown as Record<string, unknown>;
  for (const n of names) assert.ok(typeof t[n] === "function" && t[n] === f[n], n);
  torch.manualSeed(0);
  const kept = torch.dropout(torch.ones(1000), 0.5, true);
  assert.ok(kept.eq(0).sum().item() > 400 && kept.eq(2).sum().item() > 400);
  assert.deepEqual(torch.cosineSimilarity(torch.tensor([[1, 0]]), torch.tensor([[1, 0]])).toArray(), [1]);
});

Deno.test("resize_ growing a view gives it its own storage: the base is untouched and no longer its base", () => {
  const base = torch.arange(4, { dtype: "float32" });
  const v = base.narrow(0, 1, 2);
  assert.equal(v._base, base);
  v.resize_(5).fill_(9);
  assert.deepEqual([base.toArray(), v.toArray(), v._base], [[0, 1, 2, 3], [9, 9, 9, 9, 9], null]);
  const w = base.narrow(0, 0, 2);
  w.resize_(1).fill_(5); // shrinking keeps the storage: the base sees the write
  assert.deepEqual(base.toArray(), [5, 1, 2, 3]);
});

deviceTest("resize_ shrinks and grows on each device", async (device) => {
  const x = torch.arange(3, { dtype: "float32", device });
  x.resize_(2, 2);
  assert.deepEqual([x.device, await x.toArrayAsync()], [device, [[0, 1], [2, 0]]]);
  x.resize_(3);
  assert.deepEqual(await x.toArrayAsync(), [0, 1, 2]);
});
