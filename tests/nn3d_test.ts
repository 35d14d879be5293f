/**
 * The 3-d layers against PyTorch 1.13 (tests/fixtures/nn3d.json, made by
 * tools/fixtures/nn3d_fixtures.py): F.conv3d, F.convTranspose3d, F.convTranspose1d, the 3-d max /
 * average / adaptive pooling (values, indices, gradients), F.instanceNorm (running statistics
 * too), and the modules (Conv3d with every padding mode, ConvTranspose1d/3d with outputSize,
 * BatchNorm3d, InstanceNorm3d, the 3-d padding layers) with PyTorch's initialisation on its
 * random stream; F.affineGrid / F.gridSample (every mode, padding and alignment, images and volumes), F.gumbelSoftmax
 * and F.rrelu on PyTorch's random stream (seeded), F.multilabelMarginLoss and
 * F.tripletMarginWithDistanceLoss, F.interpolate's trilinear and 3-d nearest modes. Then finite-difference gradchecks, properties, reprs and the
 * bad-input errors. rrelu's training slopes match PyTorch's CPU stream on the CPU only (the GPU
 * draws one per element; tests/nn3d_more_test.ts checks it by property). The gradchecks and
 * behaviour tests of the spatial transformers, random activations and margin losses are in
 * tests/nn3d_more_test.ts.
 *
 * Everything runs on both devices (tests/devices.ts). Tolerances: rtol 1e-4, atol 1e-5 (sums
 * in another order than PyTorch's; fixtures carry 7 significant digits). Indices match exactly.
 */
import * as torch from "../mod.ts";
import { F, nn } from "../mod.ts";
import type { Device, Tensor } from "../mod.ts";
import { assert, assertCloseAsync, assertThrowsMsg, fixtureNumber, gradcheckAsync } from "./helpers.ts";
import { deviceTest } from "./devices.ts";

type Num = number | string;
interface Spec {
  shape: number[];
  values: Num[];
}
interface FunctionalCase {
  id: string;
  op: string;
  note: string;
  // deno-lint-ignore no-explicit-any
  args: Record<string, any>;
  inputs: Record<string, Spec | null>;
  out: Spec;
  indices?: Spec;
  after?: Record<string, Spec>;
  gradWeights: Num[];
  grads: Record<string, Num[]>;
}
interface ModuleCase {
  id: string;
  op: "module";
  module: string;
  note: string;
  seed: number;
  ctor: unknown[];
  // deno-lint-ignore no-explicit-any
  opts: Record<string, any>;
  params: Record<string, Spec>;
  train: boolean;
  input: Spec;
  forwardArgs: unknown[];
  out: Spec;
  buffers: Record<string, Spec>;
  gradWeights: Num[];
  grads: Record<string, Num[]>;
}

const fixture: { torch: string; cases: (FunctionalCase | ModuleCase)[] } = JSON.parse(
  Deno.readTextFileSync(new URL("./fixtures/nn3d.json", import.meta.url)),
);
const TOL = { rtol: 1e-4, atol: 1e-5 };

const vals = (v: Num[]) => Float64Array.from(v.map(fixtureNumber));
function build(
  spec: Spec,
  device: Device,
  requiresGrad: boolean,
  dtype: "float32" | "int32" = "float32",
): Tensor {
  const t = torch.tensor(spec.values.map(fixtureNumber), { dtype }).reshape(spec.shape).to(device);
  return requiresGrad ? t.requiresGrad_(true) : t;
}

/** The inputs whose gradients the fixtures hold (the others are running statistics and targets). */
const NO_GRAD_INPUTS = new Set(["runningMean", "runningVar", "target"]);

const DISTANCES: Record<string, (a: Tensor, b: Tensor) => Tensor> = {
  cosine: (a, b) => F.cosineSimilarity(a, b).neg().add(1),
  l1: (a, b) => a.sub(b).abs().sum(-1),
};

function callOp(c: FunctionalCase, t: Record<string, Tensor | null>): [Tensor, Tensor | null] {
  const { input, weight, bias } = t;
  const a = c.args;
  switch (c.op) {
    case "conv3d":
      return [torch.conv3d(input!, weight!, bias, a), null];
    case "convTranspose3d":
      return [torch.convTranspose3d(input!, weight!, bias, a), null];
    case "convTranspose1d":
      return [torch.convTranspose1d(input!, weight!, bias, a), null];
    case "maxPool3d": {
      const { kernelSize, ...opts } = a;
      return torch.maxPool3d(input!, kernelSize, { ...opts, returnIndices: true });
    }
    case "avgPool3d": {
      const { kernelSize, ...opts } = a;
      return [F.avgPool3d(input!, kernelSize, opts), null];
    }
    case "adaptiveAvgPool3d":
      return [F.adaptiveAvgPool3d(input!, a.outputSize), null];
    case "adaptiveMaxPool3d":
      return F.adaptiveMaxPool3d(input!, a.outputSize, { returnIndices: true });
    case "instanceNorm":
      return [
        F.instanceNorm(input!, { ...a, weight, bias, runningMean: t.runningMean, runningVar: t.runningVar }),
        null,
      ];
    case "gridSample":
      return [F.gridSample(input!, t.grid!, a), null];
    case "interpolate":
      return [F.interpolate(input!, a), null];
    case "affineGrid":
      return [F.affineGrid(t.theta!, a.size, { alignCorners: a.alignCorners }), null];
    case "spatialTransformer":
      return [F.gridSample(input!, F.affineGrid(t.theta!, a.size)), null];
    case "gumbelSoftmax":
      return [F.gumbelSoftmax(input!, a), null];
    case "rrelu": {
      // float64 cases: the slopes are drawn and applied in double precision, as PyTorch's.
      const x = a.dtype === "float64" ? input!.double() : input!;
      return [F.rrelu(x, a.lower, a.upper, a.training), null];
    }
    case "multilabelMarginLoss":
      return [F.multilabelMarginLoss(input!, t.target!, a), null];
    case "tripletMarginWithDistanceLoss": {
      const { distance, ...opts } = a;
      return [
        F.tripletMarginWithDistanceLoss(t.anchor!, t.positive!, t.negative!, {
          ...opts,
          distanceFunction: distance === null ? null : DISTANCES[distance],
        }),
        null,
      ];
    }
  }
  throw new Error(`unknown op ${c.op}`);
}

async function runFunctional(c: FunctionalCase, device: Device): Promise<void> {
  const msg = `${c.id} (${c.note})`;
  const t: Record<string, Tensor | null> = {};
  for (const [k, spec] of Object.entries(c.inputs)) {
    t[k] = spec ? build(spec, device, !NO_GRAD_INPUTS.has(k), k === "target" ? "int32" : "float32") : null;
  }
  if (c.args.seed !== undefined) torch.manualSeed(c.args.seed);
  const [out, indices] = callOp(c, t);
  assert.deepEqual(out.shape, c.out.shape, `${msg}: output shape`);
  assert.equal(out.device, device, `${msg}: output device`);
  await assertCloseAsync(out, vals(c.out.values), { ...TOL, msg: `${msg}: output` });
  if (c.indices) {
    assert.ok(indices, `${msg}: indices returned`);
    assert.equal(indices.dtype, "int32");
    assert.deepEqual(
      Array.from(await indices.dataAsync()),
      c.indices.values.map(fixtureNumber),
      `${msg}: indices`,
    );
  }
  for (const [k, spec] of Object.entries(c.after ?? {})) {
    await assertCloseAsync(t[k]!, vals(spec.values), { ...TOL, msg: `${msg}: ${k} after the call` });
  }
  const gw = torch.tensor(c.gradWeights.map(fixtureNumber), { dtype: "float32" }).reshape(c.out.shape).to(
    device,
  );
  out.mul(gw).sum().backward();
  for (const [k, g] of Object.entries(c.grads)) {
    // No gradient flows where PyTorch's is all zeros (gridSample's grid in nearest mode).
    const grad = t[k]!.grad ?? torch.zeros([...t[k]!.shape]);
    await assertCloseAsync(grad, vals(g), { ...TOL, msg: `${msg}: ${k} grad` });
  }
}

// deno-lint-ignore no-explicit-any
const MODULES: Record<string, new (...args: any[]) => nn.Module> = {
  Conv3d: nn.Conv3d,
  ConvTranspose3d: nn.ConvTranspose3d,
  ConvTranspose1d: nn.ConvTranspose1d,
  BatchNorm3d: nn.BatchNorm3d,
  InstanceNorm3d: nn.InstanceNorm3d,
  ConstantPad3d: nn.ConstantPad3d,
  ReflectionPad3d: nn.ReflectionPad3d,
  ReplicationPad3d: nn.ReplicationPad3d,
};

async function runModule(c: ModuleCase, device: Device): Promise<void> {
  const msg = `${c.id} ${c.module} (${c.note})`;
  torch.manualSeed(c.seed);
  const hasOpts = Object.keys(c.opts).length > 0 || !c.module.includes("Pad");
  const m = new MODULES[c.module](...c.ctor, ...(hasOpts ? [c.opts] : []));
  const params = Object.fromEntries(m.namedParameters());
  assert.deepEqual(Object.keys(params).sort(), Object.keys(c.params).sort(), `${msg}: parameter names`);
  for (const [k, spec] of Object.entries(c.params)) {
    await assertCloseAsync(params[k], vals(spec.values), {
      rtol: 1e-6,
      atol: 1e-7,
      msg: `${msg}: init ${k}`,
    });
  }
  m.to(device);
  m.train(c.train);
  const x = build(c.input, device, true);
  // deno-lint-ignore no-explicit-any
  const out = (m as any)(x, ...c.forwardArgs) as Tensor;
  assert.deepEqual(out.shape, c.out.shape, `${msg}: output shape`);
  await assertCloseAsync(out, vals(c.out.values), { ...TOL, msg: `${msg}: output` });
  const buffers = Object.fromEntries(m.namedBuffers());
  for (const [k, spec] of Object.entries(c.buffers)) {
    await assertCloseAsync(buffers[k].float(), vals(spec.values), { ...TOL, msg: `${msg}: buffer ${k}` });
  }
  const gw = torch.tensor(c.gradWeights.map(fixtureNumber), { dtype: "float32" }).reshape(c.out.shape).to(
    device,
  );
  out.mul(gw).sum().backward();
  const moved = Object.fromEntries(m.namedParameters());
  for (const [k, g] of Object.entries(c.grads)) {
    await assertCloseAsync(k === "input" ? x.grad! : moved[k].grad!, vals(g), {
      ...TOL,
      msg: `${msg}: ${k} grad`,
    });
  }
}

const groups = new Map<string, (FunctionalCase | ModuleCase)[]>();
for (const c of fixture.cases) groups.set(c.op, [...(groups.get(c.op) ?? []), c]);
for (const [op, cases] of groups) {
  deviceTest(
    `${op}: ${cases.length} PyTorch fixtures (values, gradients${op === "module" ? ", init" : ""})`,
    async (device) => {
      assert.ok(cases.length > 0);
      const failures: string[] = [];
      for (const c of cases) {
        // Off the CPU, rrelu's training slopes are one draw per element (PyTorch's CUDA stream
        // differs from its CPU one too): checked by property below instead.
        if (device !== "cpu" && c.op === "rrelu" && (c as FunctionalCase).args.training) continue;
        try {
          if (c.op === "module") await runModule(c as ModuleCase, device);
          else await runFunctional(c as FunctionalCase, device);
        } catch (e) {
          failures.push(`${c.id}: ${(e as Error).message}`);
        }
      }
      assert.equal(failures.length, 0, failures.join("\n"));
    },
  );
}

deviceTest("fixtures cover every op of the family", () => {
  const ops = new Set(fixture.cases.map((c) => c.op === "module" ? (c as ModuleCase).module : c.op));
  for (
    const op of [
      "conv3d",
      "convTranspose3d",
      "convTranspose1d",
      "maxPool3d",
      "avgPool3d",
      "adaptiveAvgPool3d",
      "adaptiveMaxPool3d",
      "instanceNorm",
      "gridSample",
      "affineGrid",
      "spatialTransformer",
      "gumbelSoftmax",
      "rrelu",
      "multilabelMarginLoss",
      "tripletMarginWithDistanceLoss",
      "interpolate",
      ...Object.keys(MODULES),
    ]
  ) assert.ok(ops.has(op), `no fixture for ${op}`);
}, { devices: ["cpu"] });

// ---- finite-difference gradients ----

function small(device: Device, seed: number, ...shape: number[]): Tensor {
  torch.manualSeed(seed);
  return torch.randn(...shape).to(device).requiresGrad_(true);
}

deviceTest(
  "gradcheck: conv3d (groups, stride, padding, dilation) and the transposed convolutions",
  async (device) => {
    await gradcheckAsync(
      (x, w, b) =>
        torch.conv3d(x, w, b, { stride: [2, 1, 1], padding: [1, 0, 1], dilation: [1, 2, 1], groups: 2 }),
      [small(device, 1, 1, 2, 4, 5, 3), small(device, 2, 2, 1, 2, 2, 2), small(device, 3, 2)],
      { msg: "conv3d" },
    );
    await gradcheckAsync(
      (x, w) => torch.conv3d(x, w, { padding: "same" }),
      [small(device, 4, 1, 1, 3, 3, 3), small(device, 5, 1, 1, 2, 3, 2)],
      { msg: "conv3d same" },
    );
    await gradcheckAsync(
      (x, w, b) =>
        torch.convTranspose3d(x, w, b, { stride: [2, 1, 2], padding: [1, 0, 0], outputPadding: [1, 0, 1] }),
      [small(device, 6, 1, 2, 2, 2, 2), small(device, 7, 2, 1, 3, 2, 2), small(device, 8, 1)],
      { msg: "convTranspose3d" },
    );
    await gradcheckAsync(
      (x, w, b) => torch.convTranspose1d(x, w, b, { stride: 2, dilation: 2, groups: 2 }),
      [small(device, 9, 2, 2, 3), small(device, 10, 2, 1, 2), small(device, 11, 2)],
      { msg: "convTranspose1d" },
    );
  },
);

deviceTest("gradcheck: 3-d pooling and instance norm", async (device) => {
  // Distinct values (a permutation scaled) keep every window's maximum well separated.
  const distinct = (n: number, ...shape: number[]) =>
    torch.randperm(n).float().mul(0.1).reshape(...shape).to(device).requiresGrad_(true);
  await gradcheckAsync((x) => torch.maxPool3d(x, 2, { stride: 1, padding: 1, ceilMode: true }), [
    distinct(36, 1, 1, 3, 4, 3),
  ], {
    msg: "maxPool3d",
  });
  await gradcheckAsync((x) => F.adaptiveMaxPool3d(x, [2, 3, 2]), [distinct(45, 1, 1, 3, 5, 3)], {
    msg: "adaptiveMaxPool3d",
  });
  await gradcheckAsync(
    (x) => F.avgPool3d(x, [2, 3, 2], { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }),
    [small(device, 12, 1, 2, 3, 4, 3)],
    { msg: "avgPool3d" },
  );
  await gradcheckAsync((x) => F.adaptiveAvgPool3d(x, [2, 3, 2]), [small(device, 13, 1, 1, 3, 5, 3)], {
    msg: "adaptiveAvgPool3d",
  });
  await gradcheckAsync(
    (x, w, b) => F.instanceNorm(x, { weight: w, bias: b }),
    [small(device, 14, 2, 2, 2, 2, 2), small(device, 15, 2), small(device, 16, 2)],
    { msg: "instanceNorm", atol: 5e-3 },
  );
});

/**
 * Second order: analytic gradients of sum(fn(...)·proj) on the device, where fn itself calls
 * autograd with createGraph, against central differences of the same on CPU copies.
 */
async function gradcheck2(fn: (...xs: Tensor[]) => Tensor, inputs: Tensor[], msg: string): Promise<void> {
  const eps = 1e-2;
  const out = fn(...inputs);
  const proj = torch.rand([...out.shape], { generator: new torch.Generator(99) }).add(0.5);
  out.mul(proj.to(out.device)).sum().backward();
  const p = proj.dataSync();
  const value = (xs: Tensor[]) => {
    const o = fn(...xs).detach().dataSync();
    let s = 0;
    for (let i = 0; i < o.length; i++) s += Number(o[i]) * p[i];
    return s;
  };
  const analytics = await Promise.all(inputs.map(async (x) => Array.from(await x.grad!.dataAsync())));
  const cpu = await Promise.all(inputs.map((x) => x.detach().toAsync("cpu")));
  cpu.forEach((x, k) => {
    const base = Array.from(x.dataSync());
    for (let i = 0; i < base.length; i++) {
      const at = (d: number) => {
        const v = base.slice();
        v[i] += d;
        const xi = torch.tensor(v).reshape([...x.shape]);
        return value(cpu.map((y, j) => (j === k ? xi : y).detach().requiresGrad_()));
      };
      const numeric = (at(eps) - at(-eps)) / (2 * eps);
      assert.ok(
        Math.abs(numeric - analytics[k][i]) <= 3e-3 + 3e-2 * Math.abs(numeric),
        `${msg}: input ${k} element ${i}: analytic ${analytics[k][i]} vs numeric ${numeric}`,
      );
    }
  });
}

deviceTest("conv3d / convTranspose3d: second-order gradients (createGraph)", async (device) => {
  // d/dx of sum(conv(x, w)²), differentiated again w.r.t. x and w.
  await gradcheck2(
    (x, w) => {
      const y = torch.conv3d(x, w, { padding: [1, 0, 1], stride: [2, 1, 1] });
      return torch.autograd.grad(y.pow(2).sum(), x, { createGraph: true })[0]!;
    },
    [small(device, 20, 1, 2, 3, 3, 3), small(device, 21, 2, 2, 2, 2, 2)],
    "conv3d second order",
  );
  await gradcheck2(
    (x, w) => {
      const y = torch.convTranspose3d(x, w, null, { stride: 2 });
      return torch.autograd.grad(y.pow(2).sum(), w, { createGraph: true })[0]!;
    },
    [small(device, 22, 1, 2, 2, 2, 2), small(device, 23, 2, 1, 2, 2, 2)],
    "convTranspose3d second order",
  );
});

// ---- behaviour beyond the fixtures ----

deviceTest(
  "maxPool3d / adaptiveMaxPool3d: indices address the maxima (gather gives the values)",
  async (device) => {
    torch.manualSeed(30);
    const x = torch.randn(2, 3, 5, 6, 7).to(device);
    for (
      const [values, indices] of [
        torch.maxPool3d(x, [3, 2, 3], { stride: [2, 2, 1], padding: [1, 0, 1], returnIndices: true }),
        F.adaptiveMaxPool3d(x, [2, 4, 3], { returnIndices: true }),
      ]
    ) {
      const picked = x.reshape(2, 3, -1).gather(2, indices.reshape(2, 3, -1)).reshape(values.shape);
      await assertCloseAsync(picked, await values.toAsync("cpu"), { rtol: 0, atol: 0 });
    }
  },
);

deviceTest("float16 input: conv3d and the 3-d pooling keep the dtype", (device) => {
  torch.manualSeed(31);
  const x = torch.randn(1, 2, 4, 4, 4).to(device).half();
  const w = torch.randn(3, 2, 3, 3, 3).to(device).half();
  assert.equal(torch.conv3d(x, w, { padding: 1 }).dtype, "float16");
  assert.equal(torch.maxPool3d(x, 2).dtype, "float16");
  assert.equal(F.avgPool3d(x, 2).dtype, "float16");
});

Deno.test("grad_fn names are PyTorch's", () => {
  const x = torch.randn(1, 2, 4, 4, 4).requiresGrad_(true);
  const names: [Tensor, string][] = [
    [torch.conv3d(x, torch.randn(3, 2, 1, 1, 1)), "ConvolutionBackward0"],
    [torch.convTranspose3d(x, torch.randn(2, 1, 1, 1, 1)), "ConvolutionBackward0"],
    [torch.maxPool3d(x, 2), "MaxPool3DWithIndicesBackward0"],
    [F.avgPool3d(x, 2), "AvgPool3DBackward0"],
    [F.adaptiveAvgPool3d(x, 2), "AdaptiveAvgPool3DBackward0"],
    [F.adaptiveAvgPool3d(x, 1), "MeanBackward1"],
    [F.adaptiveMaxPool3d(x, 2), "AdaptiveMaxPool3DBackward0"],
    [F.instanceNorm(x), "ViewBackward0"],
  ];
  for (const [t, name] of names) assert.equal(t.gradFn?.name, name);
});

Deno.test("reprs match PyTorch's", () => {
  const cases: [nn.Module, string][] = [
    [new nn.Conv3d(2, 4, 3), "Conv3d(2, 4, kernel_size=(3, 3, 3), stride=(1, 1, 1))"],
    [
      new nn.Conv3d(2, 4, [3, 1, 2], { stride: 2, padding: 1, paddingMode: "reflect" }),
      "Conv3d(2, 4, kernel_size=(3, 1, 2), stride=(2, 2, 2), padding=(1, 1, 1), padding_mode=reflect)",
    ],
    [
      new nn.ConvTranspose3d(2, 4, 3, { stride: 2 }),
      "ConvTranspose3d(2, 4, kernel_size=(3, 3, 3), stride=(2, 2, 2))",
    ],
    [new nn.ConvTranspose1d(2, 4, 3), "ConvTranspose1d(2, 4, kernel_size=(3,), stride=(1,))"],
    [new nn.MaxPool3d(2), "MaxPool3d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)"],
    [new nn.AvgPool3d(2), "AvgPool3d(kernel_size=2, stride=2, padding=0)"],
    [new nn.AdaptiveAvgPool3d(2), "AdaptiveAvgPool3d(output_size=2)"],
    [new nn.AdaptiveMaxPool3d([1, null, 2]), "AdaptiveMaxPool3d(output_size=(1, None, 2))"],
    [new nn.BatchNorm3d(3), "BatchNorm3d(3, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)"],
    [
      new nn.InstanceNorm3d(3),
      "InstanceNorm3d(3, eps=1e-05, momentum=0.1, affine=False, track_running_stats=False)",
    ],
    [new nn.ReflectionPad3d(1), "ReflectionPad3d((1, 1, 1, 1, 1, 1))"],
    [new nn.ReplicationPad3d(1), "ReplicationPad3d((1, 1, 1, 1, 1, 1))"],
    [new nn.ConstantPad3d(1, 2), "ConstantPad3d(padding=(1, 1, 1, 1, 1, 1), value=2.0)"],
  ];
  for (const [m, repr] of cases) assert.equal(String(m), repr);
});

Deno.test("a tiny 3-d CNN trains (loss falls)", () => {
  torch.manualSeed(40);
  const model = new nn.Sequential(
    new nn.Conv3d(1, 4, 3, { padding: 1 }),
    new nn.BatchNorm3d(4),
    new nn.ReLU(),
    new nn.MaxPool3d(2),
    new nn.ConvTranspose3d(4, 2, 2, { stride: 2 }),
    new nn.AdaptiveAvgPool3d(1),
    new nn.Flatten(),
  );
  const x = torch.randn(4, 1, 4, 4, 4), target = torch.tensor([0, 1, 1, 0]);
  const opt = new torch.optim.Adam(model.parameters(), { lr: 0.05 });
  const losses: number[] = [];
  for (let i = 0; i < 15; i++) {
    opt.zeroGrad();
    const loss = F.crossEntropy(model(x), target);
    loss.backward();
    opt.step();
    losses.push(loss.item() as number);
  }
  assert.ok(losses.at(-1)! < losses[0] * 0.7, `loss ${losses[0]} -> ${losses.at(-1)}`);
});

Deno.test("bad input gets PyTorch's messages", () => {
  const x = torch.randn(1, 2, 4, 4, 4);
  assertThrowsMsg(
    () => torch.conv3d(torch.randn(2, 4, 4), torch.randn(1, 2, 1, 1, 1)),
    /^conv3d: Expected 4D \(unbatched\) or 5D/,
  );
  assertThrowsMsg(
    () => torch.conv3d(x, torch.randn(1, 2, 1, 1)),
    /^conv3d: expected weight to be 5-dimensional/,
  );
  assertThrowsMsg(
    () => torch.conv3d(x, torch.randn(1, 3, 1, 1, 1)),
    /^conv3d: Given groups=1, weight of size \[1, 3, 1, 1, 1\], expected input\[1, 2, 4, 4, 4\] to have 3 channels, but got 2/,
  );
  assertThrowsMsg(
    () => torch.conv3d(x, torch.randn(1, 2, 5, 1, 1)),
    /^conv3d: Calculated padded input size per channel: \(4 x 4 x 4\)\. Kernel size: \(5 x 1 x 1\)/,
  );
  assertThrowsMsg(
    () => torch.conv3d(x, torch.randn(1, 2, 1, 1, 1), { padding: "same", stride: 2 }),
    /padding='same' is not supported for strided/,
  );
  assertThrowsMsg(
    () => torch.conv3d(x, torch.randn(1, 2, 1, 1, 1), { padding: [1, 1] }),
    /^conv3d: expected padding to be a single integer value or a list of 3 values/,
  );
  assertThrowsMsg(
    () => torch.conv3d(x, torch.randn(1, 2, 1, 1, 1).double()),
    /^conv3d: float64 weight is not supported/,
  );
  assertThrowsMsg(
    () => torch.convTranspose3d(x, torch.randn(2, 1, 1, 1, 1), null, { outputPadding: 1 }),
    /^convTranspose3d: output padding must be smaller than either stride or dilation/,
  );
  assertThrowsMsg(
    () => torch.convTranspose3d(x, torch.randn(3, 1, 1, 1, 1)),
    /^convTranspose3d: Given transposed=1, weight of size \[3, 1, 1, 1, 1\], expected input \[1, 2, 4, 4, 4\] to have 3 channels, but got 2/,
  );
  assertThrowsMsg(
    () => torch.convTranspose1d(torch.randn(1, 2, 4, 4), torch.randn(2, 1, 1)),
    /^convTranspose1d: Expected 2D \(unbatched\) or 3D \(batched\) input/,
  );
  assertThrowsMsg(
    () => new nn.ConvTranspose3d(2, 2, 3, { stride: 2 }).forward(x, [9, 9, 20]),
    /^ConvTranspose3d: requested an output size of \[9, 9, 20\], but valid sizes range from \[9, 9, 9\] to \[10, 10, 10\]/,
  );
  assertThrowsMsg(
    () => torch.maxPool3d(x, 2, { padding: 2 }),
    /^maxPool3d: pad should be smaller than or equal to half of kernel size, but got padding=2 and kernel_size=2/,
  );
  assertThrowsMsg(
    () => torch.maxPool3d(x, 5),
    /^maxPool3d: Given input size: \(2x4x4x4\)\. Calculated output size: \(2x0x0x0\)\. Output size is too small/,
  );
  assertThrowsMsg(
    () => torch.maxPool3d(torch.randn(4, 4, 4), 2),
    /^maxPool3d: non-empty 4D or 5D \(batch mode\) tensor expected for input, got input of size \[4, 4, 4\]/,
  );
  assertThrowsMsg(() => F.avgPool3d(x, 2, { divisorOverride: 0 }), /^avgPool3d: divisor must be not zero/);
  assertThrowsMsg(
    () => F.adaptiveAvgPool3d(x, [2, 2]),
    /^adaptiveAvgPool3d: outputSize must have 3 elements, got \[2, 2\]/,
  );
  assertThrowsMsg(
    () => F.adaptiveMaxPool3d(x, [2, 0, 2]),
    /^adaptiveMaxPool3d: outputSize must be positive integers/,
  );
  assertThrowsMsg(
    () => F.instanceNorm(torch.randn(2, 3)),
    /^instanceNorm: Expected more than 1 spatial element when training, got input size \[2, 3\]/,
  );
  assertThrowsMsg(
    () => F.instanceNorm(x, { weight: torch.ones(3) }),
    /^instanceNorm: expected weight of shape \[2\] \(one per channel\), got \[3\]/,
  );
  assertThrowsMsg(
    () => F.instanceNorm(x, { useInputStats: false }),
    /^instanceNorm: Expected running_mean and running_var to be defined/,
  );
  assertThrowsMsg(
    () => new nn.BatchNorm3d(2)(torch.randn(2, 2, 3, 3)),
    /^BatchNorm3d: expected 5D input \(got 4D input/,
  );
  assertThrowsMsg(
    () => new nn.InstanceNorm3d(2)(torch.randn(2, 3)),
    /^InstanceNorm3d: expected 4D \(unbatched\) or 5D \(batched\) input/,
  );
  assertThrowsMsg(
    () => new nn.ReflectionPad3d(4)(x),
    /^pad: padding \(4, 4\) of dim 4 must be less than the input size 4 in reflect mode/,
  );
  assertThrowsMsg(
    () => new nn.ConstantPad3d([1, 1], 0),
    /^ConstantPad3d: padding must be an integer or 6 integers/,
  );
});

Deno.test("an empty batch gives an empty output of the right shape (as PyTorch)", () => {
  const x = torch.randn(0, 2, 4, 4, 4);
  const shapes: [Tensor, number[]][] = [
    [torch.conv3d(x, torch.randn(3, 2, 3, 3, 3)), [0, 3, 2, 2, 2]],
    [torch.convTranspose3d(x, torch.randn(2, 3, 3, 3, 3)), [0, 3, 6, 6, 6]],
    [torch.maxPool3d(x, 2), [0, 2, 2, 2, 2]],
    [F.avgPool3d(x, 2), [0, 2, 2, 2, 2]],
    [F.adaptiveAvgPool3d(x, 3), [0, 2, 3, 3, 3]],
    [F.adaptiveMaxPool3d(x, 3), [0, 2, 3, 3, 3]],
    [F.interpolate(x, { scaleFactor: 2, mode: "trilinear" }), [0, 2, 8, 8, 8]],
    [F.gridSample(torch.randn(0, 1, 3, 3), torch.zeros(0, 2, 2, 2)), [0, 1, 2, 2]],
  ];
  for (const [t, shape] of shapes) assert.deepEqual(t.shape, shape);
});
