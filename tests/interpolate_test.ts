/** F.interpolate / nn.Upsample beyond their PyTorch fixtures (tests/nn_layers_test.ts): devices, reprs, errors. */
import * as torch from "../mod.ts";
import { F, nn } from "../mod.ts";
import { assert, assertCloseAsync, assertThrowsMsg } from "./helpers.ts";
import { deviceTest } from "./devices.ts";

deviceTest("interpolate gives the CPU's values and gradients on every device", async (device) => {
  torch.manualSeed(13);
  const base = torch.randn(2, 3, 5, 4);
  for (
    const opts of [{ scaleFactor: 2 }, { size: [7, 3], mode: "bilinear" }, {
      scaleFactor: 1.5,
      mode: "bilinear",
      alignCorners: true,
    }] as const
  ) {
    const run = (dev: "cpu" | "gpu") => {
      const x = base.to(dev).detach().requiresGrad_(true);
      const y = F.interpolate(x, opts);
      y.mul(y.detach()).sum().backward();
      return { y, g: x.grad! };
    };
    const want = run("cpu"), got = run(device);
    await assertCloseAsync(got.y, want.y.detach(), { rtol: 1e-5, atol: 1e-6, msg: JSON.stringify(opts) });
    await assertCloseAsync(got.g, want.g, { rtol: 1e-5, atol: 1e-5, msg: JSON.stringify(opts) });
  }
});

Deno.test("Upsample: PyTorch's repr; interpolate: bad options", () => {
  assert.equal(String(new nn.Upsample({ scaleFactor: 2 })), "Upsample(scale_factor=2.0, mode=nearest)");
  assert.equal(
    String(new nn.Upsample({ size: [4, 5], mode: "bilinear" })),
    "Upsample(size=(4, 5), mode=bilinear)",
  );
  const x = torch.randn(1, 1, 4, 4);
  assertThrowsMsg(() => F.interpolate(x, {}), /either size or scaleFactor should be defined/);
  assertThrowsMsg(() => F.interpolate(x, { size: 2, scaleFactor: 2 }), /exactly one of them/);
  assertThrowsMsg(() => F.interpolate(x, { size: 2, mode: "linear" }), /mode "linear" expects a 3-d input/);
  assertThrowsMsg(() => F.interpolate(x, { size: [2, 2, 2] }), /size must have 2 element/);
  assertThrowsMsg(
    () => F.interpolate(x, { size: 2, alignCorners: true }),
    /alignCorners option can only be set/,
  );
  assertThrowsMsg(
    () => F.interpolate(torch.randn(4, 4), { size: 2 }),
    /expected a 3-d \[N, C, L\], 4-d \[N, C, H, W\] or 5-d/,
  );
  assertThrowsMsg(
    () => F.interpolate(x, { size: 2, mode: "bicubic" as "bilinear" }),
    /unsupported mode "bicubic"/,
  );
});
