/**
 * nn pieces ported PyTorch programs use: pixelShuffle / pixelUnshuffle, unfold / fold, 1-d and
 * adaptive 1-d pooling, embeddingBag (F and module forms), ParameterList / ParameterDict and the
 * `optim.lrScheduler` namespace. Expected values: tools/fixtures/nn_more_fixtures.py (PyTorch
 * 1.13); gradients also by finite differences.
 */
import * as torch from "../mod.ts";
import { F, nn, optim } from "../mod.ts";
import type { Device, Tensor } from "../mod.ts";
import {
  assert,
  assertArrayAsync,
  assertClose,
  assertCloseAsync,
  assertThrowsMsg,
  gradcheck,
  gradcheckAsync,
} from "./helpers.ts";
import { deviceTest } from "./devices.ts";

const fx = JSON.parse(await Deno.readTextFile(new URL("./fixtures/nn_more.json", import.meta.url)));

// deno-lint-ignore no-explicit-any
type Case = any;

const onDevice = (values: number[], shape: number[], device: Device, requiresGrad = false): Tensor =>
  torch.tensor(values, { dtype: "float32" }).reshape(shape).to(device).requiresGrad_(requiresGrad);

/** Python's argument as ours: a tuple becomes an array, an int stays. */
const size = (v: number | number[] | undefined) => v;

/** The F call and the module call of a fixture case (both return values, or [values, indices]). */
function calls(
  c: Case,
): [(x: Tensor) => Tensor | [Tensor, Tensor], (x: Tensor) => Tensor | [Tensor, Tensor]] {
  const kw = c.kw;
  switch (c.op) {
    case "pixelShuffle":
      return [(x) => F.pixelShuffle(x, kw.r), (x) => new nn.PixelShuffle(kw.r)(x)];
    case "pixelUnshuffle":
      return [(x) => F.pixelUnshuffle(x, kw.r), (x) => new nn.PixelUnshuffle(kw.r)(x)];
    case "unfold": {
      const o = { dilation: size(kw.dilation), padding: size(kw.padding), stride: size(kw.stride) };
      return [(x) => F.unfold(x, kw.kernel_size, o), (x) => new nn.Unfold(kw.kernel_size, o)(x)];
    }
    case "fold": {
      const o = { dilation: size(kw.dilation), padding: size(kw.padding), stride: size(kw.stride) };
      return [
        (x) => F.fold(x, kw.output_size, kw.kernel_size, o),
        (x) => new nn.Fold(kw.output_size, kw.kernel_size, o)(x),
      ];
    }
    case "maxPool1d": {
      const o = {
        stride: kw.stride,
        padding: kw.padding,
        dilation: kw.dilation,
        ceilMode: kw.ceil_mode,
        returnIndices: kw.return_indices === true,
      };
      return [(x) => F.maxPool1d(x, kw.kernel_size, o), (x) => new nn.MaxPool1d(kw.kernel_size, o)(x)];
    }
    case "avgPool1d": {
      const o = {
        stride: kw.stride,
        padding: kw.padding,
        ceilMode: kw.ceil_mode,
        countIncludePad: kw.count_include_pad,
      };
      return [(x) => F.avgPool1d(x, kw.kernel_size, o), (x) => new nn.AvgPool1d(kw.kernel_size, o)(x)];
    }
    case "adaptiveAvgPool1d":
      return [
        (x) => F.adaptiveAvgPool1d(x, kw.output_size),
        (x) => new nn.AdaptiveAvgPool1d(kw.output_size)(x),
      ];
    case "adaptiveMaxPool1d":
      return [
        (x) => F.adaptiveMaxPool1d(x, kw.output_size, { returnIndices: true }),
        (x) => new nn.AdaptiveMaxPool1d(kw.output_size, { returnIndices: true })(x),
      ];
  }
  throw new Error(`unknown op ${c.op}`);
}

async function checkCase(c: Case, device: Device, useModule: boolean): Promise<void> {
  const msg = `${c.op} ${c.name}${useModule ? " (module)" : ""}`;
  const x = onDevice(c.x, c.xShape, device, true);
  const got = calls(c)[useModule ? 1 : 0](x);
  const [values, indices] = Array.isArray(got) ? got : [got, null];
  assert.deepEqual(values.shape, c.outShape, `${msg} shape`);
  assert.equal(values.device, device, `${msg} device`);
  await assertCloseAsync(values.flatten(), c.out, { rtol: 1e-5, atol: 1e-6, msg });
  if (c.indices) {
    assert.ok(indices, `${msg}: indices returned`);
    assert.equal(indices.dtype, "int32");
    await assertArrayAsync(indices.flatten(), c.indices, `${msg} indices`);
  }
  const w = torch.linspace(0.5, 1.5, values.numel()).reshape([...values.shape]).to(device);
  values.mul(w).sum().backward();
  await assertCloseAsync(x.grad!.flatten(), c.gradX, { rtol: 1e-5, atol: 1e-5, msg: `${msg} grad` });
}

for (const group of ["shuffle", "fold", "pool"] as const) {
  deviceTest(
    `nn_more: ${group} ops match PyTorch 1.13 (values, indices, gradients; F and modules)`,
    async (device) => {
      for (const c of fx[group]) {
        await checkCase(c, device, false);
        await checkCase(c, device, true);
      }
    },
  );
}

deviceTest(
  "embeddingBag: PyTorch 1.13's values and gradients (modes, offsets, padding, per-sample weights)",
  async (device) => {
    for (const c of fx.embeddingBag) {
      const input = torch.tensor(c.input, { dtype: "int32" }).reshape(c.inputShape).to(device);
      const weight = onDevice(c.weight, [10, 3], device, true);
      const offsets = c.offsets ? torch.tensor(c.offsets, { dtype: "int32" }) : null;
      const psw = c.perSampleWeights ? onDevice(c.perSampleWeights, c.inputShape, device, true) : null;
      const out = F.embeddingBag(input, weight, offsets, {
        mode: c.kw.mode,
        includeLastOffset: c.kw.include_last_offset,
        paddingIdx: c.kw.padding_idx,
        perSampleWeights: psw,
      });
      assert.deepEqual(out.shape, c.outShape, c.name);
      await assertCloseAsync(out.flatten(), c.out, { rtol: 1e-5, atol: 1e-6, msg: c.name });
      const w = torch.linspace(0.5, 1.5, out.numel()).reshape([...out.shape]).to(device);
      out.mul(w).sum().backward();
      await assertCloseAsync(weight.grad!.flatten(), c.gradWeight, {
        rtol: 1e-5,
        atol: 1e-5,
        msg: `${c.name} grad`,
      });
      if (psw) {
        await assertCloseAsync(psw.grad!.flatten(), c.gradPerSampleWeights, {
          rtol: 1e-5,
          atol: 1e-5,
          msg: `${c.name} grad perSampleWeights`,
        });
      }
      // The module, with the same weight, gives the same bags.
      const bag = nn.EmbeddingBag.fromPretrained(weight.detach(), {
        mode: c.kw.mode,
        includeLastOffset: c.kw.include_last_offset,
        paddingIdx: c.kw.padding_idx,
      });
      const viaModule = bag(input, offsets, psw?.detach() ?? null);
      await assertCloseAsync(viaModule.flatten(), c.out, { rtol: 1e-5, atol: 1e-6, msg: `${c.name} module` });
    }
  },
);

deviceTest("nn_more: finite-difference gradients (through odd sizes, padding, ceil mode)", async (device) => {
  torch.manualSeed(3);
  const x = (...shape: number[]) => torch.randn(shape).to(device).requiresGrad_();
  const opts = { msg: "" };
  await gradcheckAsync((a) => F.pixelShuffle(a, 2), [x(1, 8, 2, 3)], { ...opts, msg: "pixelShuffle" });
  await gradcheckAsync((a) => F.pixelUnshuffle(a, 3), [x(2, 6, 3)], { ...opts, msg: "pixelUnshuffle" });
  await gradcheckAsync((a) => F.unfold(a, [2, 3], { padding: 1, stride: [2, 1], dilation: [1, 2] }), [
    x(1, 2, 5, 6),
  ], {
    msg: "unfold",
  });
  await gradcheckAsync((a) => F.fold(a, [5, 4], 2, { padding: 1, stride: 2 }), [x(1, 8, 9)], { msg: "fold" });
  await gradcheckAsync((a) => F.maxPool1d(a, 3, { stride: 2, padding: 1, ceilMode: true }), [x(2, 2, 8)], {
    msg: "maxPool1d",
  });
  await gradcheckAsync(
    (a) => F.avgPool1d(a, 3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }),
    [x(2, 6)],
    { msg: "avgPool1d" },
  );
  await gradcheckAsync((a) => F.adaptiveAvgPool1d(a, 3), [x(2, 7)], { msg: "adaptiveAvgPool1d" });
  await gradcheckAsync((a) => F.adaptiveMaxPool1d(a, 3), [x(1, 2, 7)], { msg: "adaptiveMaxPool1d" });
  // gradcheckAsync runs fn on the inputs' device and on CPU copies: the indices follow the weight.
  const indices = torch.tensor([1, 2, 4, 5, 4, 3, 2, 0], { dtype: "int32" });
  const onGpu = indices.to(device);
  const idx = (w: Tensor) => (w.device === "cpu" ? indices : onGpu);
  const offsets = torch.tensor([0, 3, 3], { dtype: "int32" });
  for (const mode of ["sum", "mean", "max"] as const) {
    await gradcheckAsync(
      (w) => F.embeddingBag(idx(w), w, offsets, { mode, paddingIdx: 4 }),
      [x(6, 3)],
      { msg: `embeddingBag ${mode}` },
    );
  }
  await gradcheckAsync(
    (w, p) => F.embeddingBag(idx(w), w, offsets, { mode: "sum", perSampleWeights: p }),
    [x(6, 3), x(8)],
    { msg: "embeddingBag perSampleWeights" },
  );
});

Deno.test("nn_more: second-order gradients through unfold and fold (createGraph)", () => {
  torch.manualSeed(4);
  const a = torch.randn([1, 2, 4, 4], { requiresGrad: true });
  gradcheck((t) =>
    torch.enableGrad(() => {
      // The finite differences call this with plain tensors: differentiate a leaf copy then.
      const leaf = t.requiresGrad ? t : t.detach().clone().requiresGrad_();
      const [g] = torch.autograd.grad(F.fold(F.unfold(leaf, 2), [4, 4], 2).pow(2).sum(), [leaf], {
        createGraph: true,
      });
      return g!;
    }), [a]);
});

Deno.test("nn_more: gradFn names, views and dtypes", () => {
  const x = torch.randn([1, 4, 2, 2], { requiresGrad: true });
  assert.equal(F.pixelShuffle(x, 2).gradFn?.name, "PixelShuffleBackward0");
  assert.equal(F.pixelUnshuffle(x, 2).gradFn?.name, "PixelUnshuffleBackward0");
  assert.equal(F.unfold(x, 2).gradFn?.name, "Im2ColBackward0");
  assert.equal(F.fold(F.unfold(x, 1), [2, 2], 1).gradFn?.name, "Col2ImBackward0");
  assert.equal(F.maxPool1d(x.reshape(1, 4, 4), 2).gradFn?.name, "SqueezeBackward1");
  const bag = F.embeddingBag(torch.tensor([[0, 1]]), torch.randn([3, 2], { requiresGrad: true }));
  assert.equal(bag.gradFn?.name, "EmbeddingBagBackward0");
  // Integer and non-contiguous inputs: pixelShuffle is pure data movement.
  const ints = torch.arange(16).reshape(1, 4, 2, 2);
  assert.equal(F.pixelShuffle(ints, 2).dtype, "int32");
  assert.deepEqual(F.pixelUnshuffle(F.pixelShuffle(ints, 2), 2).toArray(), ints.toArray());
  const nc = torch.arange(16).float().reshape(1, 1, 4, 4).transpose(2, 3);
  assertClose(F.unfold(nc, 2), F.unfold(nc.contiguous(), 2));
  // float16 goes through the float32 kernels and comes back as float16.
  assert.equal(F.unfold(x.half(), 2).dtype, "float16");
  assert.equal(F.maxPool1d(torch.ones(2, 4).half(), 2).dtype, "float16");
  // Top-level forms, as torch.pixel_shuffle and torch.max_pool1d.
  assert.equal(torch.pixelShuffle, F.pixelShuffle);
  assert.equal(torch.maxPool1d, F.maxPool1d);
});

deviceTest("nn_more: empty batches and empty bags (shapes as PyTorch 1.13)", async (device) => {
  const on = (t: Tensor) => t.to(device);
  assert.deepEqual(F.unfold(on(torch.randn(0, 2, 3, 3)), 2).shape, [0, 8, 4]);
  assert.deepEqual(F.fold(on(torch.randn(0, 8, 4)), [3, 3], 2).shape, [0, 2, 3, 3]);
  assert.deepEqual(F.maxPool1d(on(torch.randn(0, 2, 4)), 2).shape, [0, 2, 2]);
  assert.deepEqual(F.pixelShuffle(on(torch.randn(0, 4, 2, 2)), 2).shape, [0, 1, 4, 4]);
  const none = torch.tensor([], { dtype: "int32" });
  const w = on(torch.randn(3, 2));
  assert.deepEqual(F.embeddingBag(on(none), w, none).shape, [0, 2]);
  await assertArrayAsync(F.embeddingBag(on(none), w, torch.tensor([0])), [[0, 0]]);
});

Deno.test("nn_more: module reprs are PyTorch's", () => {
  const cases: [unknown, string][] = [
    [new nn.PixelShuffle(2), "PixelShuffle(upscale_factor=2)"],
    [new nn.PixelUnshuffle(3), "PixelUnshuffle(downscale_factor=3)"],
    [new nn.Unfold(2), "Unfold(kernel_size=2, dilation=1, padding=0, stride=1)"],
    [new nn.Unfold([2, 3], { padding: 1 }), "Unfold(kernel_size=(2, 3), dilation=1, padding=1, stride=1)"],
    [new nn.Fold([4, 5], 2), "Fold(output_size=(4, 5), kernel_size=2, dilation=1, padding=0, stride=1)"],
    [new nn.MaxPool1d(2), "MaxPool1d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)"],
    [
      new nn.MaxPool1d(3, { stride: 2, padding: 1, ceilMode: true }),
      "MaxPool1d(kernel_size=3, stride=2, padding=1, dilation=1, ceil_mode=True)",
    ],
    [new nn.AvgPool1d(2), "AvgPool1d(kernel_size=(2,), stride=(2,), padding=(0,))"],
    [
      new nn.AvgPool1d(3, { stride: 2, padding: 1 }),
      "AvgPool1d(kernel_size=(3,), stride=(2,), padding=(1,))",
    ],
    [new nn.AdaptiveAvgPool1d(3), "AdaptiveAvgPool1d(output_size=3)"],
    [new nn.AdaptiveMaxPool1d(3), "AdaptiveMaxPool1d(output_size=3)"],
    [new nn.EmbeddingBag(10, 3, { paddingIdx: 2 }), "EmbeddingBag(10, 3, mode=mean, padding_idx=2)"],
    [new nn.EmbeddingBag(10, 3, { mode: "sum", includeLastOffset: true }), "EmbeddingBag(10, 3, mode=sum)"],
    [new nn.ParameterList(), "ParameterList()"],
  ];
  for (const [m, expected] of cases) assert.equal(String(m), expected);
});

Deno.test("EmbeddingBag: initialisation, padding row, state dict", () => {
  torch.manualSeed(0);
  const bag = new nn.EmbeddingBag(6, 4, { paddingIdx: -1 });
  assert.equal(bag.paddingIdx, 5);
  assert.deepEqual(bag.weight.index(5).toArray(), [0, 0, 0, 0]);
  assert.deepEqual(Object.keys(bag.stateDict()), ["weight"]);
  assert.deepEqual(bag(torch.tensor([[5, 5]])).toArray(), [[0, 0, 0, 0]]);
  const frozen = nn.EmbeddingBag.fromPretrained(torch.ones(3, 2));
  assert.equal(frozen.weight.requiresGrad, false);
  assert.deepEqual(frozen(torch.tensor([0, 1, 2]), torch.tensor([0, 1]), null).toArray(), [[1, 1], [1, 1]]);
});

Deno.test("nn_more: bad input is a clear error naming the op", () => {
  const x4 = torch.randn(1, 5, 2, 2);
  assertThrowsMsg(() => F.pixelShuffle(x4, 2), /pixelShuffle: .*input.size\(-3\)=5 is not divisible by 4/);
  assertThrowsMsg(
    () => F.pixelShuffle(torch.randn(4, 4), 2),
    /pixelShuffle: expects input to have at least 3 dimensions/,
  );
  assertThrowsMsg(() => F.pixelShuffle(x4, 0), /pixelShuffle: expects a positive upscale_factor, but got 0/);
  assertThrowsMsg(
    () => F.pixelUnshuffle(torch.randn(1, 1, 4, 5), 2),
    /pixelUnshuffle: .*width.*input.size\(-1\)=5/,
  );
  assertThrowsMsg(() => F.unfold(torch.randn(2, 3), 2), /unfold: Expected 3D or 4D .* got: \[2, 3\]/);
  assertThrowsMsg(
    () => F.unfold(torch.randn(1, 1, 2, 2), 3),
    /unfold: Given input with spatial size \(2, 2\), kernel_size=\(3, 3\).*\(0, 0\)/,
  );
  assertThrowsMsg(() => F.unfold(torch.randn(1, 1, 4, 4), [2, 2, 2]), /unfold: expected kernel_size/);
  assertThrowsMsg(
    () => F.unfold(torch.randn(1, 1, 4, 4), 2, { stride: 0 }),
    /unfold: stride should be greater than zero/,
  );
  assertThrowsMsg(
    () => F.unfold(torch.ones(1, 1, 4, 4).int(), 2),
    /unfold: expected input to be a floating point tensor/,
  );
  assertThrowsMsg(
    () => F.fold(torch.randn(1, 5, 12), [4, 5], 2),
    /fold: .*divisible by the product of kernel_size.*=5/,
  );
  assertThrowsMsg(
    () => F.fold(torch.randn(1, 4, 10), [4, 5], 2),
    /fold: .*calculated number of sliding blocks 3 \* 4 = 12, but got input.size\(2\)=10/,
  );
  assertThrowsMsg(() => F.fold(torch.randn(4), [4, 5], 2), /fold: Expected 2D or 3D/);
  assertThrowsMsg(
    () => F.maxPool1d(torch.randn(1, 1, 1, 4), 2),
    /maxPool1d: expected a non-empty 2-d \[C, L\] or 3-d/,
  );
  assertThrowsMsg(
    () => F.maxPool1d(torch.randn(1, 4), 2, { padding: 2 }),
    /maxPool1d: pad should be at most half/,
  );
  assertThrowsMsg(() => F.maxPool1d(torch.randn(1, 2), 3), /maxPool1d: .*output size 0 is too small/);
  assertThrowsMsg(() => F.avgPool1d(torch.randn(1, 4), [2, 2]), /avgPool1d: expected kernel_size/);
  assertThrowsMsg(
    () => F.avgPool1d(torch.ones(1, 4).int(), 2),
    /avgPool1d: expected input to be a floating point/,
  );
  assertThrowsMsg(
    () => F.adaptiveAvgPool1d(torch.randn(1, 4), 0),
    /adaptiveAvgPool1d: output_size must be a positive/,
  );
  assertThrowsMsg(
    () => F.adaptiveMaxPool1d(torch.randn(4), 2),
    /adaptiveMaxPool1d: expected a non-empty 2-d/,
  );
  const w = torch.randn(10, 3);
  assertThrowsMsg(
    () => F.embeddingBag(torch.tensor([1, 2]), w),
    /embeddingBag: offsets has to be a 1D Tensor but got None/,
  );
  assertThrowsMsg(
    () => F.embeddingBag(torch.tensor([[1, 2]]), w, torch.tensor([0])),
    /embeddingBag: if input is 2D, then offsets has to be None/,
  );
  assertThrowsMsg(
    () => F.embeddingBag(torch.tensor([1, 2]), w, torch.tensor([1])),
    /offsets\[0\] has to be 0/,
  );
  assertThrowsMsg(
    () => F.embeddingBag(torch.tensor([1, 2]), w, torch.tensor([0, 3])),
    /offsets\[-1\] can not be greater than input's length 2/,
  );
  assertThrowsMsg(
    () => F.embeddingBag(torch.tensor([1, 2]), w, torch.tensor([0, 2, 1])),
    /offsets must be non-decreasing/,
  );
  assertThrowsMsg(
    () => F.embeddingBag(torch.tensor([1, 12]), w, torch.tensor([0])),
    /embeddingBag: index 12 is out of range/,
  );
  assertThrowsMsg(
    () => F.embeddingBag(torch.tensor([[1.5]]), w),
    /embeddingBag: expected indices as an int32 tensor/,
  );
  assertThrowsMsg(
    () => F.embeddingBag(torch.tensor([[1, 2]]), w, { perSampleWeights: torch.ones(1, 2) }),
    /perSampleWeights is only supported for mode "sum" \(got mode "mean"\)/,
  );
  assertThrowsMsg(
    () => F.embeddingBag(torch.tensor([[1, 2]]), w, { mode: "sum", perSampleWeights: torch.ones(2) }),
    /perSampleWeights \[2\] must have the same shape as the input \[1, 2\]/,
  );
  assertThrowsMsg(
    () => F.embeddingBag(torch.tensor([[1]]), w, { mode: "min" as "max" }),
    /mode has to be one of sum, mean or max/,
  );
  assertThrowsMsg(
    () => F.embeddingBag(torch.tensor([[1]]), w, { paddingIdx: 10 }),
    /padding_idx must be within num_embeddings \(10\)/,
  );
  assertThrowsMsg(
    () => F.embeddingBag(torch.tensor([[[1]]]), w),
    /input has to be 1D or 2D Tensor, but got Tensor of dimension 3/,
  );
  assertThrowsMsg(
    () => new nn.EmbeddingBag(4, 2, { mode: "avg" as "mean" }),
    /EmbeddingBag: mode has to be one of/,
  );
});

deviceTest(
  "embeddingBag on the GPU: offsets stay on the CPU; bad indices reject the read",
  async (device) => {
    const w = torch.randn(4, 2).to(device);
    const input = torch.tensor([0, 3, 1]).to(device);
    assertThrowsMsg(
      () => F.embeddingBag(input, w, torch.tensor([0, 1]).to(device)),
      /embeddingBag: offsets on the gpu cannot be read synchronously; keep them on the CPU/,
    );
    const out = F.embeddingBag(input, w, torch.tensor([0, 1]), { mode: "sum" });
    await assertCloseAsync(out, torch.stack([w.index(0), w.index(3).add(w.index(1))]));
    // The range check throws at once or rejects the read, as for F.embedding on the GPU.
    await assert.rejects(
      async () => await F.embeddingBag(torch.tensor([0, 7]).to(device), w, torch.tensor([0])).dataAsync(),
      /index 7 is out of range/,
    );
  },
  { devices: ["gpu"] },
);

Deno.test("embeddingBag: out-of-range indices throw at once on the CPU", () => {
  assertThrowsMsg(
    () => F.embeddingBag(torch.tensor([0, 7]), torch.randn(4, 2), torch.tensor([0])),
    /embeddingBag: index 7 is out of range for an embedding table of 4 rows/,
  );
});

Deno.test("ParameterList / ParameterDict: PyTorch's state-dict keys and reprs", () => {
  const pl = new nn.ParameterList([new nn.Parameter(torch.zeros(2)), new nn.Parameter(torch.ones(3))]);
  pl.append(new nn.Parameter(torch.ones(1)));
  const pd = new nn.ParameterDict({
    b: new nn.Parameter(torch.zeros(2)),
    a: new nn.Parameter(torch.ones(1)),
  });
  pd.set("c", new nn.Parameter(torch.ones(2, 2)));
  class Net extends nn.Module {
    plist = pl;
    pdict = pd;
    lin = new nn.Linear(2, 1);
  }
  const c = fx.containers;
  assert.deepEqual(Object.keys(pl.stateDict()), c.parameterList);
  assert.deepEqual(Object.keys(pd.stateDict()), c.parameterDict);
  assert.deepEqual(Object.keys(new Net().stateDict()), c.net);
  assert.deepEqual(new Net().namedParameters().map(([n]) => n), c.net);
  assert.equal(String(pl).replaceAll("\n  ", "\n    "), c.parameterListRepr);
  assert.equal(String(pd).replaceAll("\n  ", "\n    "), c.parameterDictRepr);
});

Deno.test("ParameterList: append, extend, set, index, slice, iteration, errors", () => {
  const pl = new nn.ParameterList([torch.zeros(2)]);
  assert.ok(pl[0] instanceof nn.Parameter && pl[0].requiresGrad, "tensors are wrapped as parameters");
  const p = new nn.Parameter(torch.ones(3));
  pl.append(p).extend([torch.ones(1), torch.ones(4)]);
  assert.equal(pl.length, 4);
  assert.equal(pl.at(1), p, "a Parameter is registered as it is");
  assert.equal(pl.at(-1).shape[0], 4);
  pl[2] = torch.full([5], 1.5);
  assert.deepEqual(pl[2].shape, [5]);
  pl.set(-1, torch.zeros(6));
  assert.deepEqual([...pl].map((q) => q.shape[0]), [2, 3, 5, 6]);
  assert.deepEqual(pl.slice(1, 3).parameters(), [pl[1], pl[2]]);
  assert.deepEqual(pl.parameters(), [...pl]);
  assertThrowsMsg(() => pl.at(4), /ParameterList.at: index 4 is out of range for a list of 4 parameters/);
  assertThrowsMsg(
    () => pl.append(torch.tensor([1, 2])),
    /ParameterList.append: the value is a int32 tensor: only floating point/,
  );
  assertThrowsMsg(
    () => pl.append(3 as unknown as Tensor),
    /ParameterList.append: the value must be a Tensor or nn.Parameter, got number/,
  );
  assertThrowsMsg(
    () => pl.extend(torch.ones(2) as unknown as Tensor[]),
    /ParameterList.extend: expected an iterable of tensors/,
  );
  assert.throws(() => (pl as unknown as () => void)(), /ParameterList should not be called/);
});

Deno.test("ParameterDict: dict API as PyTorch's (order, get, pop, update, setdefault, errors)", () => {
  const pd = new nn.ParameterDict(new Map([["z", torch.ones(1)], ["y", torch.ones(2)]]));
  assert.deepEqual([...pd], ["z", "y"], "a Map keeps its order");
  pd.update({ b: torch.ones(3), a: torch.ones(4) });
  assert.deepEqual([...pd.keys()], ["z", "y", "a", "b"], "an object's keys are added sorted");
  pd.update([["c", torch.ones(5)]]);
  assert.equal(pd.length, 5);
  assert.equal(pd.has("c") && !pd.has("d"), true);
  assert.equal(pd.get("d", null), null);
  assert.equal(pd.setdefault("d", torch.zeros(1)), pd.get("d"));
  const before = pd.get("a");
  assert.equal(pd.setdefault("a", torch.zeros(9)), before);
  assert.deepEqual(pd.pop("z").shape, [1]);
  assert.deepEqual(pd.popitem()[0], "d");
  assert.deepEqual([...pd.items()].map(([k]) => k), ["y", "a", "b", "c"]);
  assert.equal(pd.copy().get("a"), pd.get("a"));
  const shared = pd.fromkeys(["p", "q"], torch.ones(2));
  assert.deepEqual(Object.keys(shared.stateDict()), ["p", "q"]);
  assert.equal(pd.delete("y"), true);
  assertThrowsMsg(() => pd.get("nope"), /ParameterDict: no parameter under key "nope"/);
  assertThrowsMsg(() => pd.set("a.b", torch.ones(1)), /ParameterDict: parameter name can't contain "."/);
  assertThrowsMsg(() => pd.set("", torch.ones(1)), /parameter name can't be empty string/);
  assertThrowsMsg(
    () => pd.update([["x"]] as unknown as [string, Tensor][]),
    /element #0 should be a \[key, tensor\] pair/,
  );
  pd.clear();
  assert.equal(pd.length, 0);
  assertThrowsMsg(() => pd.popitem(), /ParameterDict.popitem: the dictionary is empty/);
});

deviceTest("ParameterList / ParameterDict: train, move, save and load with the model", async (device) => {
  class Mixer extends nn.Module {
    scales = new nn.ParameterList([torch.ones(3), torch.full([3], 0.5)]);
    shifts = new nn.ParameterDict({ main: torch.zeros(3) });
    override forward(x: Tensor): Tensor {
      let y = x;
      for (const s of this.scales) y = y.mul(s);
      return y.add(this.shifts.get("main"));
    }
  }
  torch.manualSeed(0);
  const model = new Mixer().to(device);
  assert.ok(model.parameters().every((p) => p.device === device));
  const opt = new optim.SGD(model.parameters(), { lr: 0.1 });
  const x = torch.randn(4, 3).to(device);
  const loss = model(x).sub(1).pow(2).mean();
  loss.backward();
  opt.step();
  assert.ok(model.parameters().every((p) => p.grad !== null), "every registered parameter got a gradient");
  const bytes = await torch.saveBytesAsync(model.stateDict());
  const fresh = new Mixer();
  fresh.loadStateDict(torch.loadBytes(bytes));
  for (const [[k, a], [k2, b]] of fresh.namedParameters().map((e, i) => [e, model.namedParameters()[i]])) {
    assert.equal(k, k2);
    await assertCloseAsync(a as Tensor, b as Tensor, { msg: k as string });
  }
  assert.deepEqual(Object.keys(fresh.stateDict()), ["scales.0", "scales.1", "shifts.main"]);
});

Deno.test("optim.lrScheduler: PyTorch's torch.optim.lr_scheduler path to the same schedulers", () => {
  assert.equal(optim.lrScheduler.StepLR, optim.StepLR);
  assert.equal(optim.lrScheduler.ReduceLROnPlateau, optim.ReduceLROnPlateau);
  assert.equal(torch.optim.lrScheduler.OneCycleLR, optim.OneCycleLR);
  const opt = new optim.SGD([torch.zeros([1], { requiresGrad: true })], { lr: 1 });
  const sched = new optim.lrScheduler.MultiStepLR(opt, { milestones: [1, 2], gamma: 0.1 });
  sched.step();
  sched.step();
  assertClose([opt.lr], [0.01]);
  assert.ok(sched instanceof optim.lrScheduler.LRScheduler);
});
