/** InstanceNorm beyond its PyTorch fixtures (tests/nn_layers_test.ts): devices, running stats, repr, errors. */
import * as torch from "../mod.ts";
import { nn } from "../mod.ts";
import { assert, assertCloseAsync, assertThrowsMsg } from "./helpers.ts";
import { deviceTest } from "./devices.ts";

deviceTest(
  "InstanceNorm2d gives the CPU's output, gradients and running stats on every device",
  async (device) => {
    torch.manualSeed(14);
    const x = torch.randn(3, 2, 4, 4).mul(2).add(1);
    const run = (dev: "cpu" | "gpu") => {
      const m = new nn.InstanceNorm2d(2, { affine: true, trackRunningStats: true }).to(dev);
      const xi = x.to(dev).detach().requiresGrad_(true);
      const y = m(xi) as torch.Tensor;
      y.mul(y.detach()).sum().backward();
      return { y, gx: xi.grad!, rm: m.runningMean!, rv: m.runningVar! };
    };
    const want = run("cpu"), got = run(device);
    await assertCloseAsync(got.y, want.y.detach(), { rtol: 1e-5, atol: 1e-5 });
    await assertCloseAsync(got.gx, want.gx, { rtol: 1e-4, atol: 1e-5 });
    await assertCloseAsync(got.rm, want.rm, { rtol: 1e-5, atol: 1e-6 });
    await assertCloseAsync(got.rv, want.rv, { rtol: 1e-5, atol: 1e-6 });
  },
);

Deno.test("InstanceNorm: PyTorch's defaults and repr; bad input", () => {
  const m = new nn.InstanceNorm1d(3);
  assert.equal(
    String(m),
    "InstanceNorm1d(3, eps=1e-05, momentum=0.1, affine=False, track_running_stats=False)",
  );
  assert.deepEqual(Object.keys(m.stateDict()), []);
  assert.deepEqual(
    Object.keys(new nn.InstanceNorm2d(2, { affine: true, trackRunningStats: true }).stateDict()),
    [
      "weight",
      "bias",
      "running_mean",
      "running_var",
      "num_batches_tracked",
    ],
  );
  assertThrowsMsg(
    () => m(torch.randn(2, 3, 4, 4)),
    /InstanceNorm1d: expected 2D \(unbatched\) or 3D \(batched\) input/,
  );
  assertThrowsMsg(() => m(torch.randn(2, 4, 5)), /expected input with 3 channels/);
  assertThrowsMsg(() => new nn.InstanceNorm2d(2, { momentum: null }), /momentum must be a number/);
});
