/**
 * The small nn layers of the hooks family: Bilinear / F.bilinear, LazyLinear, MaxUnpool1d/2d,
 * LPPool1d/2d, LocalResponseNorm, Softmax2d, ChannelShuffle, UpsamplingNearest2d /
 * UpsamplingBilinear2d, F.upsample*, F.klDiv. Expected values: tools/fixtures/hooks_fixtures.py
 * (PyTorch 1.13; gradients of `(out * linspace(0.5, 1.5)).sum()`); gradients also by finite
 * differences.
 */
import * as torch from "../mod.ts";
import { F, nn } from "../mod.ts";
import type { Device, Tensor } from "../mod.ts";
import { assert, assertCloseAsync, assertThrowsMsg, type CloseOptions, gradcheckAsync } from "./helpers.ts";
import { deviceTest } from "./devices.ts";

const fx = JSON.parse(await Deno.readTextFile(new URL("./fixtures/hooks.json", import.meta.url)));
const ex = fx.nnExtras;

interface Enc {
  shape: number[];
  values: number[];
  dtype?: string;
}
interface Case {
  inputs: Enc[];
  out: Enc;
  grads?: (number[] | null)[];
}

const dev = (e: Enc, device: Device, requiresGrad = false): Tensor =>
  torch.tensor(e.values, { dtype: "float32" }).reshape(e.shape).to(device).requiresGrad_(requiresGrad);
const close = (t: Tensor, expected: number[], opts?: CloseOptions) =>
  assertCloseAsync(t.reshape([-1]), expected, opts);

/** Runs `fn` on the case's inputs on `device`; checks the output and the weighted-sum gradients. */
async function checkCase(c: Case, device: Device, fn: (...xs: Tensor[]) => Tensor, tol: CloseOptions = {}) {
  const xs = c.inputs.map((e) => dev(e, device, true));
  const out = fn(...xs);
  assert.deepEqual(out.shape, c.out.shape);
  await close(out, c.out.values, { rtol: 1e-4, atol: 1e-5, ...tol });
  if (!c.grads) return;
  const n = out.numel();
  const w = torch.linspace(0.5, 1.5, n, { device }).reshape([...out.shape]);
  out.mul(w).sum().backward();
  for (let i = 0; i < xs.length; i++) {
    const g = c.grads[i];
    if (g === null) continue;
    await close(xs[i].grad!, g, { rtol: 1e-4, atol: 1e-5, ...tol, msg: `grad ${i}` });
  }
}

deviceTest(
  "Bilinear: PyTorch's init on the seeded stream; F.bilinear values and gradients",
  async (device) => {
    torch.manualSeed(0);
    const m = new nn.Bilinear(3, 4, 2);
    await close(m.weight, ex.bilinearInit.weight.values, { rtol: 0, atol: 0 });
    await close(m.bias!, ex.bilinearInit.bias.values, { rtol: 0, atol: 0 });
    await checkCase(ex.bilinear, device, (a, b, w, bb) => F.bilinear(a, b, w, bb));
    await checkCase(ex.bilinear3d, device, (a, b, w) => F.bilinear(a, b, w));
    m.to(device);
    const [x1, x2] = ex.bilinear.inputs.slice(0, 2).map((e: Enc) => dev(e, device));
    await close(m(x1, x2), ex.bilinear.out.values, { rtol: 1e-5, atol: 1e-6 });
    assert.equal(String(m), "Bilinear(in1_features=3, in2_features=4, out_features=2, bias=True)");
    assert.equal(new nn.Bilinear(2, 2, 2, { bias: false }).bias, null);
  },
);

deviceTest("F.bilinear: finite differences", async (device) => {
  const r = (...s: number[]) => torch.randn(s).to(device).requiresGrad_();
  await gradcheckAsync((a, b, w, bb) => F.bilinear(a, b, w, bb), [r(3, 2), r(3, 3), r(2, 2, 3), r(2)]);
});

Deno.test("F.bilinear: bad input", () => {
  const w = torch.zeros(5, 3, 3);
  assertThrowsMsg(
    () => F.bilinear(torch.zeros(2, 3), torch.zeros(2, 4), w),
    /bilinear\(\): input2 size does not match weight size: got 4 but expected 3/,
  );
  assertThrowsMsg(
    () => F.bilinear(torch.zeros(2, 3), torch.zeros(3, 3), w),
    /bilinear\(\): input batch dimensions do not match at dim 0: got 2 and 3/,
  );
  assertThrowsMsg(
    () => F.bilinear(torch.zeros(2, 3), torch.zeros(2, 2, 3), w),
    /bilinear\(\): input dimensions do not match: got 2 and 3/,
  );
  assertThrowsMsg(
    () => F.bilinear(torch.zeros(2, 3), torch.zeros(2, 3), w, torch.zeros(4)),
    /bilinear\(\): bias size does not match weight size: got \[4\] but expected \[5\]/,
  );
});

deviceTest(
  "LazyLinear: infers inFeatures at the first call, initialises as PyTorch, becomes a Linear",
  async (device) => {
    const c = ex.lazyLinear;
    torch.manualSeed(1);
    const m = new nn.LazyLinear(3);
    const x = torch.randn(2, 5);
    assert.ok(m.hasUninitializedParams());
    assert.deepEqual(m.weight.shape, [3, 0]);
    const weight = m.weight;
    const opt = new torch.optim.SGD(m.parameters(), { lr: 0.1 });
    if (device !== "cpu") m.to(device);
    const y = m(x.to(device));
    assert.equal(m.weight, weight); // same parameter object: the optimizer made before sees it
    assert.deepEqual(m.weight.shape, [3, 5]);
    await close(m.weight, c.weight.values, { rtol: 0, atol: 0 });
    await close(m.bias!, c.bias.values, { rtol: 0, atol: 0 });
    await close(y, c.y.values, { rtol: 1e-5, atol: 1e-6 });
    const asModule: nn.Module = m;
    assert.ok(asModule instanceof nn.Linear && !(asModule instanceof nn.LazyLinear));
    assert.equal(String(m), c.repr);
    y.sum().backward();
    opt.step();
    assert.equal(m.weight.device, device);
  },
);

deviceTest("MaxUnpool1d / MaxUnpool2d: values, outputSize, gradients", async (device) => {
  const idx = (v: number[], shape: number[]) => torch.tensor(v, { dtype: "int32" }).reshape(shape).to(device);
  const c2 = ex.maxUnpool2d;
  const i2 = idx(c2.indices, c2.inputs[0].shape);
  await checkCase(c2, device, (v) => new nn.MaxUnpool2d(2)(v, i2));
  await checkCase(ex.maxUnpool2dSize, device, (v) => F.maxUnpool2d(v, i2, 2, { outputSize: [5, 5] }));
  const c1 = ex.maxUnpool1d;
  const i1 = idx(c1.indices, c1.inputs[0].shape);
  await checkCase(c1, device, (v) => new nn.MaxUnpool1d(3, { stride: 2, padding: 1 })(v, i1));
  // The round trip of maxPool2d's own indices.
  const x = dev(ex.maxUnpool2d.inputs[0], device);
  const [v, i] = torch.maxPool2d(torch.randn(1, 2, 4, 4).to(device), 2, { returnIndices: true });
  assert.deepEqual(F.maxUnpool2d(v, i, 2).shape, [1, 2, 4, 4]);
  assert.deepEqual(x.shape, [1, 2, 2, 2]);
});

Deno.test("MaxUnpool: bad input and repr", () => {
  const v = torch.ones(1, 1, 2, 2);
  assertThrowsMsg(
    () => F.maxUnpool2d(v, torch.tensor([[[[0, 1], [2, 99]]]]), 2),
    /maxUnpool2d: found an invalid max index: 99 \(output volumes are of size 4x4\)/,
  );
  assertThrowsMsg(
    () => F.maxUnpool2d(v, torch.tensor([[[0, 1]]]), 2),
    /maxUnpool2d: expected shape of indices to be same as that of the input tensor/,
  );
  assertThrowsMsg(
    () => F.maxUnpool2d(v, torch.zeros(1, 1, 2, 2), 2),
    /maxUnpool2d: indices must be an integer tensor, got float32/,
  );
  assertThrowsMsg(
    () => F.maxUnpool2d(v, torch.zeros([1, 1, 2, 2], { dtype: "int32" }), 2, { outputSize: [7, 7] }),
    /maxUnpool2d: invalid output_size "\[7,7\]" \(dim 0 must be between 3 and 5\)/,
  );
  assert.equal(
    String(new nn.MaxUnpool2d(2)),
    "MaxUnpool2d(kernel_size=(2, 2), stride=(2, 2), padding=(0, 0))",
  );
  assert.equal(
    String(new nn.MaxUnpool1d(3, { stride: 2, padding: 1 })),
    "MaxUnpool1d(kernel_size=(3,), stride=(2,), padding=(1,))",
  );
});

deviceTest("LPPool1d / LPPool2d: values and gradients", async (device) => {
  await checkCase(ex.lpPool2d, device, (x) => new nn.LPPool2d(2, 3, { stride: 2 })(x));
  await checkCase(ex.lpPool2dFrac, device, (x) => F.lpPool2d(x, 1.5, [2, 3]));
  await checkCase(ex.lpPool1d, device, (x) => new nn.LPPool1d(3, 2, { ceilMode: true })(x));
  assert.equal(
    String(new nn.LPPool2d(2, 3)),
    "LPPool2d(norm_type=2, kernel_size=3, stride=None, ceil_mode=False)",
  );
  assert.equal(
    String(new nn.LPPool1d(1.5, 2, { stride: 1 })),
    "LPPool1d(norm_type=1.5, kernel_size=2, stride=1, ceil_mode=False)",
  );
  assertThrowsMsg(
    () => F.lpPool2d(torch.ones(1, 1, 2, 2), 0, 2),
    /lpPool2d: normType must be a non-zero number/,
  );
});

deviceTest("LocalResponseNorm: 3-d, 4-d and 5-d inputs, values and gradients", async (device) => {
  await checkCase(ex.lrn3d, device, (x) => new nn.LocalResponseNorm(3)(x));
  await checkCase(ex.lrn4d, device, (x) => new nn.LocalResponseNorm(2, { alpha: 0.1, beta: 0.6, k: 2 })(x));
  await checkCase(ex.lrn5d, device, (x) => F.localResponseNorm(x, 4, { alpha: 0.5 }));
  await gradcheckAsync((x) => F.localResponseNorm(x, 3, { alpha: 0.5 }), [
    torch.randn(1, 4, 3).to(device).requiresGrad_(),
  ]);
  assert.equal(String(new nn.LocalResponseNorm(3)), "LocalResponseNorm(3, alpha=0.0001, beta=0.75, k=1.0)");
  assertThrowsMsg(
    () => F.localResponseNorm(torch.ones(2, 2), 2),
    /localResponseNorm: expected 3D or higher dimensionality input \(got 2 dimensions\)/,
  );
});

deviceTest("Softmax2d, ChannelShuffle: values and gradients", async (device) => {
  await checkCase(ex.softmax2d, device, (x) => new nn.Softmax2d()(x));
  await checkCase(ex.channelShuffle, device, (x) => new nn.ChannelShuffle(3)(x), { rtol: 0, atol: 0 });
  await gradcheckAsync((x) => F.channelShuffle(x, 2), [torch.randn(1, 4, 3).to(device).requiresGrad_()]);
  assertThrowsMsg(
    () => new nn.Softmax2d()(torch.ones(2, 2)),
    /Softmax2d: requires a 3D or 4D tensor as input/,
  );
  assertThrowsMsg(
    () => F.channelShuffle(torch.zeros(1, 5, 2, 2), 2),
    /channelShuffle: Number of channels must be divisible by groups. Got 5 channels and 2 groups./,
  );
  assert.equal(String(new nn.ChannelShuffle(2)), "ChannelShuffle(groups=2)");
});

deviceTest(
  "UpsamplingNearest2d / UpsamplingBilinear2d (alignCorners) and the F.upsample aliases",
  async (device) => {
    await checkCase(
      ex.upsamplingBilinear2d,
      device,
      (x) => new nn.UpsamplingBilinear2d({ scaleFactor: 2 })(x),
    );
    await checkCase(ex.upsamplingBilinear2d, device, (x) => F.upsampleBilinear(x, { scaleFactor: 2 }));
    await checkCase(ex.upsamplingNearest2d, device, (x) => new nn.UpsamplingNearest2d({ size: [5, 7] })(x));
    await checkCase(ex.upsamplingNearest2d, device, (x) => F.upsampleNearest(x, { size: [5, 7] }));
    await checkCase(ex.upsamplingNearest2d, device, (x) => F.upsample(x, { size: [5, 7] }));
    assert.equal(
      String(new nn.UpsamplingNearest2d({ scaleFactor: 2 })),
      "UpsamplingNearest2d(scale_factor=2.0, mode=nearest)",
    );
    assert.equal(
      String(new nn.UpsamplingBilinear2d({ size: [3, 4] })),
      "UpsamplingBilinear2d(size=(3, 4), mode=bilinear)",
    );
  },
);

deviceTest("F.klDiv: batchmean, logTarget, none (values and gradients)", async (device) => {
  await checkCase(ex.klDivBatchmean, device, (a, b) => F.klDiv(a, b, { reduction: "batchmean" }));
  await checkCase(ex.klDivLogTarget, device, (a, b) => F.klDiv(a, b, { reduction: "sum", logTarget: true }));
  await checkCase(ex.klDivNone, device, (a, b) => F.klDiv(a, b, { reduction: "none" }));
});

Deno.test("nn extras: gradcheck of lpPool and maxUnpool (CPU, finite differences)", async () => {
  await gradcheckAsync((x) => F.lpPool2d(x, 2, 2), [torch.rand(1, 1, 4, 4).add(0.5).requiresGrad_()]);
  await gradcheckAsync((x) => F.lpPool1d(x, 3, 2), [torch.rand(1, 2, 4).add(0.5).requiresGrad_()]);
  const [v, i] = torch.maxPool2d(torch.randn(1, 1, 4, 4), 2, { returnIndices: true });
  await gradcheckAsync((x) => F.maxUnpool2d(x, i, 2), [v.detach().requiresGrad_()]);
});

// ---- nn.utils.weightNorm / spectralNorm ----
const un = fx.normUtils;

deviceTest(
  "nn.utils.weightNorm: PyTorch's parameters, values and gradients; removeWeightNorm",
  async (device) => {
    const c = un.weightNorm;
    torch.manualSeed(7);
    const m = nn.utils.weightNorm(new nn.Linear(5, 4));
    assert.deepEqual(Object.keys(m.stateDict()), c.keys);
    const g = m.getParameter("weight_g"), v = m.getParameter("weight_v");
    await close(g, c.g.values, { rtol: 1e-6, atol: 1e-7 });
    await close(v, c.v.values, { rtol: 0, atol: 0 });
    m.to(device);
    const y = m(dev(c.x, device));
    await close(y, c.y.values, { rtol: 1e-5, atol: 1e-6 });
    y.mul(torch.linspace(0.5, 1.5, y.numel(), { device }).reshape([...y.shape])).sum().backward();
    await close(g.grad!, c.gGrad, { rtol: 1e-4, atol: 1e-5 });
    await close(v.grad!, c.vGrad, { rtol: 1e-4, atol: 1e-5 });

    const d = un.weightNormNone;
    const conv = new nn.Conv2d(2, 3, 2);
    nn.utils.weightNorm(conv, { dim: null });
    const sd: Record<string, Tensor> = {};
    for (const [k, e] of Object.entries(d.sd)) sd[k] = dev(e as Enc, "cpu");
    conv.loadStateDict(sd);
    conv.to(device);
    assert.deepEqual(conv.getParameter("weight_g").shape, []);
    const y2 = conv(dev(d.x, device));
    await close(y2, d.y.values, { rtol: 1e-5, atol: 1e-5 });
    y2.mul(torch.linspace(0.5, 1.5, y2.numel(), { device }).reshape([...y2.shape])).sum().backward();
    await close(conv.getParameter("weight_g").grad!, d.gGrad, { rtol: 1e-4, atol: 1e-4 });
    await close(conv.getParameter("weight_v").grad!, d.vGrad, { rtol: 1e-4, atol: 1e-5 });
    nn.utils.removeWeightNorm(conv);
    assert.deepEqual(Object.keys(conv.stateDict()), un.weightNormRemoved.keys);
    await close(conv.weight, un.weightNormRemoved.weight.values, { rtol: 1e-5, atol: 1e-6 });
    assert.ok(conv.weight instanceof nn.Parameter);
  },
);

deviceTest(
  "nn.utils.spectralNorm: u, v on PyTorch's stream, power iteration in training, none in eval",
  async (device) => {
    const c = un.spectralInit;
    torch.manualSeed(9);
    const m = nn.utils.spectralNorm(new nn.Linear(5, 4));
    assert.deepEqual(Object.keys(m.stateDict()), c.keys);
    const sd = m.stateDict();
    await close(sd.weight_orig, c.orig.values, { rtol: 0, atol: 0 });
    await close(sd.weight_u, c.u.values, { rtol: 1e-6, atol: 1e-7 });
    await close(sd.weight_v, c.v.values, { rtol: 1e-6, atol: 1e-7 });
    m.to(device);
    const t = un.spectralTrain;
    const x = dev(t.x, device);
    const y = m(x);
    await close(y, t.y.values, { rtol: 1e-5, atol: 1e-5 });
    await close(m.getBuffer("weight_u"), t.u.values, { rtol: 1e-5, atol: 1e-6 });
    await close(m.getBuffer("weight_v"), t.v.values, { rtol: 1e-5, atol: 1e-6 });
    await close(m.weight as Tensor, t.weight.values, { rtol: 1e-5, atol: 1e-6 });
    y.mul(torch.linspace(0.5, 1.5, y.numel(), { device }).reshape([...y.shape])).sum().backward();
    await close(m.getParameter("weight_orig").grad!, t.origGrad, { rtol: 1e-4, atol: 1e-5 });
    const e = un.spectralEval;
    await close(m(x), e.y2.values, { rtol: 1e-5, atol: 1e-5 });
    m.eval();
    await close(m(x), e.y3.values, { rtol: 1e-5, atol: 1e-5 });
    await close(m.getBuffer("weight_u"), e.u.values, { rtol: 1e-5, atol: 1e-6 });
  },
);

Deno.test("nn.utils.spectralNorm: ConvTranspose (dim 1), several iterations, removeSpectralNorm; bad input", () => {
  const c = un.spectralConvT;
  const m = new nn.ConvTranspose2d(3, 2, 2);
  nn.utils.spectralNorm(m, { nPowerIterations: 3 });
  const sd: Record<string, Tensor> = {};
  for (const [k, e] of Object.entries(c.sd)) sd[k] = dev(e as Enc, "cpu");
  m.loadStateDict(sd);
  assertCloseSync(m(dev(c.x, "cpu")), c.y.values);
  nn.utils.removeSpectralNorm(m);
  assert.deepEqual(Object.keys(m.stateDict()), un.spectralRemoved.keys);
  assertCloseSync(m.weight, un.spectralRemoved.weight.values);
  assertThrowsMsg(
    () => nn.utils.removeSpectralNorm(m),
    /removeSpectralNorm: spectral_norm of 'weight' not found in ConvTranspose2d/,
  );
  const lin = nn.utils.spectralNorm(new nn.Linear(2, 2));
  assertThrowsMsg(
    () => nn.utils.spectralNorm(lin),
    /spectralNorm: cannot register two spectral_norm hooks on the same parameter weight/,
  );
  assertThrowsMsg(
    () => nn.utils.weightNorm(new nn.Linear(2, 2), { name: "w" }),
    /weightNorm: Linear has no parameter "w"/,
  );
  assertThrowsMsg(
    () => nn.utils.weightNorm(new nn.Linear(2, 2), { dim: 2 }),
    /weightNorm: dim 2 is out of range for a 2-d parameter/,
  );
});

function assertCloseSync(t: Tensor, expected: number[]) {
  const a = t.dataSync();
  assert.equal(a.length, expected.length);
  for (let i = 0; i < a.length; i++) {
    assert.ok(
      Math.abs(a[i] - expected[i]) <= 1e-5 + 1e-5 * Math.abs(expected[i]),
      `[${i}] ${a[i]} vs ${expected[i]}`,
    );
  }
}
