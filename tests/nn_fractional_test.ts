/**
 * Fractional max pooling: F.fractionalMaxPool2d / 3d and nn.FractionalMaxPool2d / 3d. Expected
 * values, indices and input gradients (of `sum(out * linspace(0.5, 1.5))`) from PyTorch 1.13:
 * tools/fixtures/nn_extras_fixtures.py; samples drawn from the global generator checked bit for
 * bit against PyTorch's seeded runs; gradients also by finite differences.
 */
import * as torch from "../mod.ts";
import { F, nn } from "../mod.ts";
import type { Device, Tensor } from "../mod.ts";
import {
  assert,
  assertCloseAsync,
  assertThrowsMsg,
  type EncodedTensor,
  fixtureNumber,
  fixtureTensor,
  gradcheckAsync,
} from "./helpers.ts";
import { deviceTest } from "./devices.ts";

const fx = JSON.parse(await Deno.readTextFile(new URL("./fixtures/nn_extras.json", import.meta.url)));

interface FractionalCase {
  id: string;
  dim: 2 | 3;
  kernel: number | number[];
  outputSize?: number | number[];
  outputRatio?: number | number[];
  input: EncodedTensor;
  samples: EncodedTensor | null;
  seed: number | null;
  out: EncodedTensor;
  indices: EncodedTensor;
  grad: EncodedTensor | null;
}
const cases: FractionalCase[] = fx.fractional;
const pools = { 2: F.fractionalMaxPool2d, 3: F.fractionalMaxPool3d };
const numbers = (e: EncodedTensor) => e.values.map(fixtureNumber);

for (const c of cases) {
  deviceTest(`fractionalMaxPool${c.dim}d matches PyTorch: ${c.id}`, async (device: Device) => {
    const x = fixtureTensor(c.input, device, c.grad !== null);
    const randomSamples = c.samples === null ? null : fixtureTensor(c.samples, device);
    if (c.seed !== null) torch.manualSeed(c.seed);
    const [out, indices] = pools[c.dim](x, c.kernel, {
      outputSize: c.outputSize,
      outputRatio: c.outputRatio,
      randomSamples,
      returnIndices: true,
    });
    assert.deepEqual([out.shape, indices.shape, indices.dtype, out.dtype], [
      c.out.shape,
      c.indices.shape,
      "int32",
      c.input.dtype,
    ]);
    // The values are input elements: exact, as the indices.
    assert.deepEqual(Array.from(await indices.dataAsync()), numbers(c.indices));
    assert.deepEqual(Array.from(await out.dataAsync()), numbers(c.out));
    if (c.grad === null) return;
    assert.equal(out.gradFn?.name, `FractionalMaxPool${c.dim}DBackward0`);
    const w = torch.linspace(0.5, 1.5, out.numel(), { dtype: "float64" }).to(out.dtype).reshape(out.shape).to(
      device,
    );
    out.mul(w).sum().backward();
    await assertCloseAsync(x.grad!.reshape([-1]), numbers(c.grad), { rtol: 1e-6, atol: 1e-6 });
  }, { devices: c.input.dtype === "float64" ? ["cpu"] : undefined });
}

/** Distinct, well separated values (a shuffled ramp), so finite differences never swap maxima. */
function ramp(shape: number[], device: Device): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const g = new torch.Generator(3);
  return torch.randperm(n, { generator: g }).float().mul(0.1).reshape(shape).to(device).requiresGrad_(true);
}

deviceTest("fractionalMaxPool2d / 3d: finite-difference gradients", async (device: Device) => {
  const s2 = torch.tensor([[[0.3, 0.8], [0.55, 0.1]]]);
  await gradcheckAsync(
    (x) => F.fractionalMaxPool2d(x, [2, 3], { outputSize: [3, 3], randomSamples: s2.to(x.device) }),
    [
      ramp([1, 2, 6, 7], device),
    ],
  );
  const s3 = torch.tensor([[[0.3, 0.8, 0.45]]]);
  await gradcheckAsync(
    (x) => F.fractionalMaxPool3d(x, 2, { outputSize: [2, 3, 2], randomSamples: s3.to(x.device) }),
    [
      ramp([1, 4, 5, 4], device),
    ],
  );
});

deviceTest(
  "nn.FractionalMaxPool2d / 3d: the functional call with the module's options",
  async (device: Device) => {
    const c = cases.find((c) => c.id === "f2d_size")!;
    const x = fixtureTensor(c.input, device);
    const pool = new nn.FractionalMaxPool2d(c.kernel, {
      outputSize: c.outputSize,
      randomSamples: fixtureTensor(c.samples!, device),
      returnIndices: true,
    });
    const [out, indices] = pool(x);
    assert.deepEqual(Array.from(await out.dataAsync()), numbers(c.out));
    assert.deepEqual(Array.from(await indices.dataAsync()), numbers(c.indices));
    assert.deepEqual([String(pool), Object.keys(pool.stateDict())], ["FractionalMaxPool2d()", [
      "_random_samples",
    ]]);

    const s = cases.find((c) => c.id === "f3d_seeded")!;
    const pool3 = new nn.FractionalMaxPool3d(s.kernel, { outputSize: s.outputSize });
    assert.deepEqual([String(pool3), Object.keys(pool3.stateDict())], ["FractionalMaxPool3d()", []]);
    torch.manualSeed(s.seed!);
    assert.deepEqual(Array.from(await pool3(fixtureTensor(s.input, device)).dataAsync()), numbers(s.out));
    // Each call draws new samples.
    const y = torch.randn(1, 1, 9, 9).to(device);
    const outs = await Promise.all(
      Array.from(
        { length: 4 },
        () => new nn.FractionalMaxPool2d(2, { outputSize: 4, returnIndices: true })(y)[1].dataAsync(),
      ),
    );
    assert.ok(
      outs.some((o) => o.join() !== outs[0].join()),
      "four draws gave the same windows",
    );
  },
);

Deno.test("fractionalMaxPool: bad input is refused with a clear error", () => {
  const x = torch.randn(1, 2, 6, 6);
  const f2 = F.fractionalMaxPool2d, f3 = F.fractionalMaxPool3d;
  assertThrowsMsg(
    () => f2(x, 2, {}),
    /fractionalMaxPool2d: requires specifying either an outputSize or an outputRatio/,
  );
  assertThrowsMsg(
    () => f2(x, 2, { outputSize: 3, outputRatio: 0.5 }),
    /only one of outputSize and outputRatio/,
  );
  assertThrowsMsg(() => f2(torch.randn(6, 6), 2, { outputSize: 3 }), /3D or 4D .*got \[6, 6\]/);
  assertThrowsMsg(() => f2(torch.randn(1, 0, 6, 6), 2, { outputSize: 3 }), /non-zero size .*\[1, 0, 6, 6\]/);
  assertThrowsMsg(
    () => f3(torch.randn(6, 6, 6), 2, { outputSize: 3 }),
    /fractionalMaxPool3d: expected a 4D or 5D/,
  );
  assertThrowsMsg(
    () => f2(x, 2, { outputSize: [6, 3] }),
    /pool height 2 too large relative to input height 6/,
  );
  assertThrowsMsg(() => f2(x, 0, { outputSize: 3 }), /kernel_size must be greater than zero/);
  assertThrowsMsg(() => f2(x, [2, 2, 2], { outputSize: 3 }), /kernel_size/);
  assertThrowsMsg(() => f2(x, 2, { outputRatio: [0.5] }), /outputRatio must be/);
  // 3-d, as PyTorch 1.13: the last window must end before the edge.
  assertThrowsMsg(
    () => f3(torch.randn(1, 4, 4, 4), 2, { outputSize: 3 }),
    /pool time 2 too large relative to input time 4/,
  );
  assertThrowsMsg(() => f2(x.half(), 2, { outputSize: 3 }), /not implemented for float16/);
  assertThrowsMsg(() => f2(x.int(), 2, { outputSize: 3 }), /not implemented for int32/);
  const bad = (randomSamples: Tensor) => () => f2(x, 2, { outputSize: 3, randomSamples });
  assertThrowsMsg(bad(torch.rand(1, 2, 3)), /randomSamples of shape \[1, 2, 2\].*got \[1, 2, 3\]/);
  assertThrowsMsg(bad(torch.rand(2, 2, 2)), /randomSamples of shape \[1, 2, 2\]/);
  assertThrowsMsg(bad(torch.rand(1, 2, 2).double()), /randomSamples to be float32 on cpu .* got float64/);
  assertThrowsMsg(
    bad(torch.tensor([[[0.5, 1]], [[0, 0]]]).reshape(1, 2, 2)),
    /randomSamples in \[0, 1\), got 1/,
  );
  assertThrowsMsg(() => new nn.FractionalMaxPool2d(2, {}), /FractionalMaxPool2d: requires specifying either/);
  assertThrowsMsg(() => new nn.FractionalMaxPool3d(2, { outputSize: 2, outputRatio: 0.5 }), /only one of/);
  assertThrowsMsg(
    () => new nn.FractionalMaxPool2d(2, { outputRatio: [0.5, 1] }),
    /outputRatio must be between 0 and 1/,
  );
});

Deno.test("fractionalMaxPool2d: an empty output as PyTorch's", () => {
  const [out, indices] = F.fractionalMaxPool2d(torch.randn(2, 3, 5, 5), 2, {
    outputRatio: 0.1,
    returnIndices: true,
  });
  assert.deepEqual([out.shape, indices.shape], [[2, 3, 0, 0], [2, 3, 0, 0]]);
});
