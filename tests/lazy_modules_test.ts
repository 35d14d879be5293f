/**
 * The lazy modules (LazyConv1d/2d/3d, LazyConvTranspose1d/2d/3d, LazyBatchNorm1d/2d/3d,
 * LazyInstanceNorm1d/2d/3d) on both devices: after the first call their parameters, buffers,
 * output and repr are PyTorch 1.13's for the same seed (tools/fixtures/lazy_modules_fixtures.py
 * -> tests/fixtures/lazy_modules.json) and equal the eager module's built after the same seed;
 * parameter identity (an optimizer made before the first call trains them), the state dict
 * before and after, gradients, and the bad-input errors (which leave the module lazy).
 */
import * as torch from "../mod.ts";
import { nn } from "../mod.ts";
import type { Tensor } from "../mod.ts";
import {
  assert,
  assertCloseAsync,
  assertThrowsMsg,
  type EncodedTensor,
  fixtureTensor,
  gradcheck,
} from "./helpers.ts";
import { deviceTest } from "./devices.ts";

interface Case {
  name: string;
  cls: string;
  args: unknown[];
  kwargs: Record<string, unknown>;
  seed: number;
  train: boolean;
  x: EncodedTensor;
  y: EncodedTensor;
  params: Record<string, EncodedTensor>;
  buffers: Record<string, EncodedTensor>;
  repr_before: string;
  repr: string;
}

const fx = JSON.parse(await Deno.readTextFile(new URL("./fixtures/lazy_modules.json", import.meta.url))) as {
  cases: Case[];
};

type Lazy = nn.Module & { hasUninitializedParams(): boolean };
const ctor = (name: string) => (nn as unknown as Record<string, new (...a: unknown[]) => Lazy>)[name];
const EAGER: Record<string, string> = {
  LazyConv1d: "Conv1d",
  LazyConv2d: "Conv2d",
  LazyConv3d: "Conv3d",
  LazyConvTranspose1d: "ConvTranspose1d",
  LazyConvTranspose2d: "ConvTranspose2d",
  LazyConvTranspose3d: "ConvTranspose3d",
};

function build(c: Case): Lazy {
  const kw = { ...c.kwargs };
  if (Array.isArray(kw.kernel_size)) kw.kernelSize = kw.kernel_size;
  const args = c.args.map((a) => Array.isArray(a) ? [...a] : a);
  return c.cls.startsWith("LazyConv") ? new (ctor(c.cls))(...args, kw) : new (ctor(c.cls))(kw);
}

deviceTest(
  "lazy modules: after the first call, PyTorch 1.13's parameters, buffers, output and repr",
  async (device) => {
    for (const c of fx.cases) {
      torch.manualSeed(c.seed);
      const m = build(c);
      assert.equal(String(m), c.repr_before, c.name);
      assert.ok(m.hasUninitializedParams(), c.name);
      const before = m.parameters();
      m.to(device);
      if (!c.train) m.eval();
      const y = m.forward(fixtureTensor(c.x, device)) as Tensor;
      const o = { rtol: 1e-5, atol: 1e-5 };
      await assertCloseAsync(y, fixtureTensor(c.y), { ...o, msg: `${c.name}: y` });
      const params = Object.fromEntries(m.namedParameters());
      assert.deepEqual(Object.keys(params), Object.keys(c.params), c.name);
      for (const [k, e] of Object.entries(c.params)) {
        assert.equal(params[k].device, device);
        await assertCloseAsync(params[k], fixtureTensor(e), { rtol: 0, atol: 0, msg: `${c.name}: ${k}` });
      }
      assert.deepEqual(m.parameters(), before, `${c.name}: the same parameter objects`);
      const buffers = Object.fromEntries(m.namedBuffers());
      assert.deepEqual(Object.keys(buffers), Object.keys(c.buffers), c.name);
      for (const [k, e] of Object.entries(c.buffers)) {
        await assertCloseAsync(buffers[k], fixtureTensor(e), { ...o, msg: `${c.name}: ${k}` });
      }
      // PyTorch 1.13 leaves num_features 0 when a norm has nothing to initialise; edgetorch infers it.
      const repr = c.name === "instanceNorm2d plain" ? c.repr.replace("(0,", `(${c.x.shape[1]},`) : c.repr;
      assert.equal(String(m), repr, c.name);
      const eagerName = c.cls.replace(/^Lazy/, "");
      assert.ok(m instanceof (nn as unknown as Record<string, new () => nn.Module>)[eagerName], c.name);
      assert.ok(!(m instanceof ctor(c.cls)), c.name);
      if (EAGER[c.cls]) {
        // The eager module from the same seed holds the same parameters.
        torch.manualSeed(c.seed);
        const inCh = c.name.endsWith("unbatched") ? c.x.shape[0] : c.x.shape[1];
        const eager = new (ctor(EAGER[c.cls]))(inCh, ...c.args, c.kwargs);
        for (const [k, p] of eager.namedParameters()) {
          await assertCloseAsync(params[k], p, { rtol: 0, atol: 0, msg: `${c.name}: eager ${k}` });
        }
      }
    }
  },
);

deviceTest(
  "lazy modules: an optimizer made before the first call trains the parameters; the state dict before and after",
  async (device) => {
    torch.manualSeed(3);
    const m = new nn.LazyConv2d(2, 3).to(device);
    assert.deepEqual(Object.entries(m.stateDict()).map(([k, t]) => [k, t.shape]), [["weight", [2, 0, 3, 3]], [
      "bias",
      [2],
    ]]);
    const opt = new torch.optim.SGD(m.parameters(), { lr: 0.5 });
    const x = torch.randn(2, 4, 5, 5).to(device);
    m.forward(x).square().sum().backward();
    const w0 = m.weight.detach().clone();
    opt.step();
    assert.deepEqual(Object.entries(m.stateDict()).map(([k, t]) => [k, t.shape]), [["weight", [2, 4, 3, 3]], [
      "bias",
      [2],
    ]]);
    const moved = w0.sub(m.weight.detach()).abs().sum();
    assert.ok((await moved.dataAsync())[0] > 0, "the step moved the weight");
    const bn = new nn.LazyBatchNorm2d().to(device);
    const bopt = new torch.optim.SGD(bn.parameters(), { lr: 1 });
    bn.forward(x).mul(torch.arange(4).reshape(1, 4, 1, 1).to(device)).sum().backward();
    bopt.step();
    await assertCloseAsync(bn.bias!, [0, -50, -100, -150]);
    assert.deepEqual(Object.keys(bn.stateDict()), [
      "weight",
      "bias",
      "running_mean",
      "running_var",
      "num_batches_tracked",
    ]);
  },
);

Deno.test("lazy modules: gradients through the materialised parameters (finite differences)", () => {
  torch.manualSeed(5);
  const conv = new nn.LazyConvTranspose1d(2, 3, { stride: 2 });
  const x = torch.randn([1, 3, 4]).requiresGrad_(true);
  conv.forward(x);
  gradcheck((xx, w, b) => torch.nn.functional.convTranspose1d(xx, w, b, { stride: 2 }), [
    x,
    conv.weight,
    conv.bias!,
  ]);
  const inorm = new nn.LazyInstanceNorm1d({ dtype: "float64" });
  const xi = torch.randn([2, 3, 5], { dtype: "float64" }).requiresGrad_(true);
  inorm.forward(xi);
  gradcheck((xx) => inorm.forward(xx), [xi], { eps: 1e-6, atol: 1e-7, rtol: 1e-6 });
});

Deno.test("lazy modules: bad input throws and leaves the module lazy", () => {
  const conv = new nn.LazyConv2d(4, 3, { groups: 2 });
  assertThrowsMsg(
    () => conv.forward(torch.zeros(5, 5)),
    /^LazyConv2d: Expected 3D \(unbatched\) or 4D \(batched\) input to infer in_channels from, but got input of size: \[5, 5\]/,
  );
  assertThrowsMsg(
    () => conv.forward(torch.zeros(1, 3, 5, 5)),
    /^LazyConv2d: in_channels must be divisible by groups, got 3 input channels for 2 groups/,
  );
  assertThrowsMsg(
    () => conv.forward(torch.zeros(1, 0, 5, 5)),
    /^LazyConv2d: cannot infer in_channels from an input with 0 channels/,
  );
  assert.ok(conv.hasUninitializedParams() && conv instanceof nn.LazyConv2d);
  assert.deepEqual(conv.weight.shape, [4, 0, 3, 3]);
  const bn = new nn.LazyBatchNorm2d();
  assertThrowsMsg(
    () => bn.forward(torch.zeros(2, 3, 4)),
    /^LazyBatchNorm2d: expected 4D input, got shape \[2, 3, 4\]/,
  );
  assert.ok(bn.hasUninitializedParams());
  assertThrowsMsg(
    () => new nn.LazyInstanceNorm3d().forward(torch.zeros(2, 3)),
    /^LazyInstanceNorm3d: Expected 4D \(unbatched\) or 5D \(batched\) input/,
  );
  assertThrowsMsg(() => new nn.LazyConv1d(3, 0), /^Conv1d: kernelSize must be positive|kernelSize/);
  // Unbatched instance norm infers the channels from dim 0.
  const inorm = new nn.LazyInstanceNorm1d();
  assert.deepEqual(inorm.forward(torch.randn(3, 6)).shape, [3, 6]);
  assert.equal(inorm.numFeatures, 3);
});
