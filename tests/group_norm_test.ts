/** GroupNorm beyond its PyTorch fixtures (tests/nn_layers_test.ts): every device agrees, repr, errors. */
import * as torch from "../mod.ts";
import { F, nn } from "../mod.ts";
import { assert, assertCloseAsync, assertThrowsMsg } from "./helpers.ts";
import { deviceTest } from "./devices.ts";

deviceTest("GroupNorm gives the CPU's output and gradients on every device", async (device) => {
  torch.manualSeed(12);
  const x = torch.randn(3, 6, 4, 4).mul(3).add(1);
  const run = (dev: "cpu" | "gpu") => {
    const m = new nn.GroupNorm(3, 6);
    torch.noGrad(() => {
      m.weight!.copy_(torch.linspace(0.5, 2, 6));
      m.bias!.copy_(torch.linspace(-1, 1, 6));
    });
    m.to(dev);
    const xi = x.to(dev).detach().requiresGrad_(true);
    const y = m(xi);
    y.mul(y.detach()).sum().backward();
    return { y, gx: xi.grad!, gw: m.weight!.grad! };
  };
  const want = run("cpu"), got = run(device);
  await assertCloseAsync(got.y, want.y.detach(), { rtol: 1e-5, atol: 1e-5 });
  await assertCloseAsync(got.gx, want.gx, { rtol: 1e-4, atol: 1e-5 });
  await assertCloseAsync(got.gw, want.gw, { rtol: 1e-4, atol: 1e-4 });
});

Deno.test("GroupNorm: repr and bad input", () => {
  assert.equal(String(new nn.GroupNorm(2, 6)), "GroupNorm(2, 6, eps=1e-05, affine=True)");
  assert.equal(new nn.GroupNorm(1, 4, { affine: false }).parameters().length, 0);
  assertThrowsMsg(() => new nn.GroupNorm(4, 6), /num_channels \(6\) must be divisible by num_groups \(4\)/);
  assertThrowsMsg(
    () => new nn.GroupNorm(2, 6)(torch.randn(2, 4, 3)),
    /expected input with 6 channels, got \[2, 4, 3\]/,
  );
  assertThrowsMsg(() => F.groupNorm(torch.randn(4), 2), /expected an input of at least 2 dims/);
  assertThrowsMsg(
    () => F.groupNorm(torch.randn(2, 6, 3), 2, { weight: torch.ones(5) }),
    /weight must have shape \[6\]/,
  );
});
