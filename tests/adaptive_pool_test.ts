/**
 * Adaptive pooling beyond its PyTorch fixtures (tests/nn_layers_test.ts checks values and
 * gradients): returned indices point at the maxima inside each PyTorch window, every device
 * agrees with the CPU, reprs, and bad input.
 */
import * as torch from "../mod.ts";
import { F, nn } from "../mod.ts";
import { assert, assertCloseAsync, assertThrowsMsg } from "./helpers.ts";
import { deviceTest } from "./devices.ts";

deviceTest(
  "adaptiveMaxPool2d: indices address each window's maximum (even and uneven windows)",
  async (device) => {
    torch.manualSeed(4);
    for (const [h, w, oh, ow] of [[4, 6, 2, 3], [5, 7, 3, 4], [3, 3, 3, 1]]) {
      const x = torch.randn(2, 3, h, w).to(device);
      const [values, indices] = F.adaptiveMaxPool2d(x, [oh, ow], { returnIndices: true });
      assert.deepEqual(values.shape, [2, 3, oh, ow]);
      assert.equal(indices.dtype, "int32");
      const picked = x.reshape(2, 3, h * w).gather(2, indices.reshape(2, 3, oh * ow)).reshape(2, 3, oh, ow);
      await assertCloseAsync(picked, await values.toAsync("cpu"), {
        rtol: 0,
        atol: 0,
        msg: "values at indices",
      });
      const idx = await indices.dataAsync();
      for (let k = 0; k < idx.length; k++) {
        const i = Math.floor(k / ow) % oh, j = k % ow;
        const [r, c] = [Math.floor(idx[k] / w), idx[k] % w];
        assert.ok(r >= Math.floor((i * h) / oh) && r < Math.ceil(((i + 1) * h) / oh), `row of index ${k}`);
        assert.ok(c >= Math.floor((j * w) / ow) && c < Math.ceil(((j + 1) * w) / ow), `column of index ${k}`);
      }
    }
  },
);

deviceTest("adaptive pooling: every device gives the CPU's values and gradients", async (device) => {
  torch.manualSeed(6);
  const base = torch.randn(2, 3, 5, 7);
  for (
    const f of [
      (x: torch.Tensor) => F.adaptiveAvgPool2d(x, [3, 4]),
      (x: torch.Tensor) => F.adaptiveMaxPool2d(x, [2, 3]),
    ]
  ) {
    const run = (dev: "cpu" | "gpu") => {
      const x = base.to(dev).detach().requiresGrad_(true);
      const y = f(x);
      y.mul(y.detach()).sum().backward();
      return { y, g: x.grad! };
    };
    const want = run("cpu"), got = run(device);
    await assertCloseAsync(got.y, want.y.detach(), { rtol: 1e-5, atol: 1e-6 });
    await assertCloseAsync(got.g, want.g, { rtol: 1e-5, atol: 1e-6 });
  }
});

Deno.test("adaptive pooling: reprs and bad input", () => {
  assert.equal(String(new nn.AdaptiveAvgPool2d(1)), "AdaptiveAvgPool2d(output_size=1)");
  assert.equal(String(new nn.AdaptiveAvgPool2d([null, 7])), "AdaptiveAvgPool2d(output_size=(None, 7))");
  assert.equal(String(new nn.AdaptiveMaxPool2d([2, 3])), "AdaptiveMaxPool2d(output_size=(2, 3))");
  const [v, i] = new nn.AdaptiveMaxPool2d(1, { returnIndices: true })(torch.randn(3, 4, 4)) as [
    torch.Tensor,
    torch.Tensor,
  ];
  assert.deepEqual([v.shape, i.shape], [[3, 1, 1], [3, 1, 1]]);
  assertThrowsMsg(
    () => F.adaptiveAvgPool2d(torch.randn(4, 4), 2),
    /adaptiveAvgPool2d: expected a 3-d or 4-d input, got 2-d \[4, 4\]/,
  );
  assertThrowsMsg(
    () => F.adaptiveAvgPool2d(torch.randn(1, 2, 4, 4), [0, 2]),
    /outputSize must be positive integers, got \[0, 2\]/,
  );
  assertThrowsMsg(() => F.adaptiveMaxPool2d(torch.randn(1, 2, 0, 4), 2), /expected non-empty spatial dims/);
  assertThrowsMsg(
    () => F.adaptiveAvgPool2d(torch.randn(1, 2, 4, 4), [1, 2, 3]),
    /outputSize must have 2 elements/,
  );
});
