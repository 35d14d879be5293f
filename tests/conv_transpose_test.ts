/**
 * ConvTranspose2d beyond its PyTorch fixtures (tests/nn_layers_test.ts checks values and the
 * input, weight and bias gradients): it is the adjoint of Conv2d, every device agrees with the
 * CPU, PyTorch's repr and init, and bad input.
 */
import * as torch from "../mod.ts";
import { F, nn } from "../mod.ts";
import { assert, assertCloseAsync, assertThrowsMsg, gradcheck } from "./helpers.ts";
import { deviceTest } from "./devices.ts";

Deno.test("convTranspose2d is the adjoint of conv2d: <conv(x), y> = <x, convT(y)>", () => {
  torch.manualSeed(5);
  const w = torch.randn(6, 2, 3, 3); // conv: 4 -> 6 channels in 2 groups; convT: 6 -> 4
  const x = torch.randn(2, 4, 9, 8), y = torch.randn(2, 6, 5, 4);
  const opts = { stride: 2, padding: 1, groups: 2 };
  const lhs = F.conv2d(x, w, null, opts).mul(y).sum().item();
  const rhs = x.mul(F.convTranspose2d(y, w, null, { ...opts, outputPadding: [0, 1] })).sum().item();
  assert.ok(Math.abs(lhs - rhs) < 1e-3 * Math.abs(lhs), `${lhs} vs ${rhs}`);
});

Deno.test("convTranspose2d: finite-difference gradients, including second order", () => {
  torch.manualSeed(6);
  const w = torch.randn(3, 2, 3, 3).requiresGrad_(true);
  const b = torch.randn(2).requiresGrad_(true);
  gradcheck((x, ww, bb) => F.convTranspose2d(x, ww, bb, { stride: 2, padding: 1, outputPadding: 1 }), [
    torch.randn(1, 3, 3, 3).requiresGrad_(true),
    w,
    b,
  ]);
  gradcheck((x) => {
    // gradcheck's finite differences call this under noGrad on detached copies.
    const xx = x.requiresGrad ? x : x.detach().requiresGrad_(true);
    return torch.enableGrad(() => {
      const y = F.convTranspose2d(xx, w.detach(), null, { stride: 2 }).square().sum();
      return torch.autograd.grad(y, xx, { createGraph: true })[0]!;
    });
  }, [torch.randn(1, 3, 2, 2).requiresGrad_(true)]);
});

deviceTest("ConvTranspose2d gives the CPU's output and gradients on every device", async (device) => {
  torch.manualSeed(7);
  const cpu = new nn.ConvTranspose2d(4, 3, 4, { stride: 2, padding: 1 });
  const x = torch.randn(2, 4, 5, 5);
  const run = (m: nn.Module, input: torch.Tensor) => {
    const y = m(input) as torch.Tensor;
    y.square().sum().backward();
    return y;
  };
  const want = run(cpu, x);
  const dev = new nn.ConvTranspose2d(4, 3, 4, { stride: 2, padding: 1 });
  dev.loadStateDict(cpu.stateDict());
  dev.to(device);
  await assertCloseAsync(run(dev, x.to(device)), want.detach(), { rtol: 1e-5, atol: 1e-5 });
  await assertCloseAsync(dev.weight.grad!, cpu.weight.grad!, { rtol: 1e-4, atol: 1e-4 });
  await assertCloseAsync(dev.bias!.grad!, cpu.bias!.grad!, { rtol: 1e-4, atol: 1e-4 });
});

Deno.test("ConvTranspose2d: PyTorch's repr, init bound and errors", () => {
  assert.equal(
    String(new nn.ConvTranspose2d(16, 8, 4, { stride: 2, padding: 1, outputPadding: 1, bias: false })),
    "ConvTranspose2d(16, 8, kernel_size=(4, 4), stride=(2, 2), padding=(1, 1), output_padding=(1, 1), bias=False)",
  );
  const m = new nn.ConvTranspose2d(4, 6, 3, { groups: 2 });
  assert.deepEqual(m.weight.shape, [4, 3, 3, 3]);
  const bound = 1 / Math.sqrt(3 * 9); // fanIn = weight.size(1) * kernel area
  assert.ok(m.weight.abs().max().item() <= bound && m.bias!.abs().max().item() <= bound);
  assertThrowsMsg(
    () => m(torch.randn(1, 3, 4, 4)),
    /expected input \[1, 3, 4, 4\] to have 4 channels, but got 3/,
  );
  assertThrowsMsg(
    () =>
      F.convTranspose2d(torch.randn(1, 2, 3, 3), torch.randn(2, 2, 3, 3), null, {
        stride: 2,
        outputPadding: 2,
      }),
    /output padding must be smaller than either stride or dilation/,
  );
  assertThrowsMsg(
    () => F.convTranspose2d(torch.randn(2, 3), torch.randn(2, 2, 3, 3)),
    /expected a 3-d or 4-d input/,
  );
  assertThrowsMsg(
    () => new nn.ConvTranspose2d(3, 4, 3, { groups: 2 }),
    /inChannels must be divisible by groups/,
  );
});
