/**
 * The activations of src/nn/activations.ts beyond their PyTorch fixtures (tests/nn_layers_test.ts
 * checks values and gradients): every device agrees with the CPU, PyTorch's reprs, gradients at
 * PyTorch's kinks, and bad arguments.
 */
import * as torch from "../mod.ts";
import { F, nn } from "../mod.ts";
import { assert, assertCloseAsync, assertThrowsMsg } from "./helpers.ts";
import { deviceTest } from "./devices.ts";

const MODULES: [string, () => nn.Module][] = [
  ["ELU", () => new nn.ELU(0.5)],
  ["CELU", () => new nn.CELU(2)],
  ["SELU", () => new nn.SELU()],
  ["Softplus", () => new nn.Softplus(2, 5)],
  ["Softsign", () => new nn.Softsign()],
  ["Hardtanh", () => new nn.Hardtanh(-2, 1.5)],
  ["ReLU6", () => new nn.ReLU6()],
  ["Hardsigmoid", () => new nn.Hardsigmoid()],
  ["Hardswish", () => new nn.Hardswish()],
  ["Mish", () => new nn.Mish()],
  ["LogSigmoid", () => new nn.LogSigmoid()],
  ["Tanhshrink", () => new nn.Tanhshrink()],
  ["Softshrink", () => new nn.Softshrink(0.7)],
  ["Hardshrink", () => new nn.Hardshrink()],
  ["Threshold", () => new nn.Threshold(0.1, 20)],
  ["GLU", () => new nn.GLU()],
  ["Softmin", () => new nn.Softmin(1)],
  ["PReLU", () => new nn.PReLU(4, 0.1)],
];

deviceTest("activations: every device gives the CPU's values and gradients", async (device) => {
  torch.manualSeed(2);
  const base = torch.randn(3, 4).mul(4);
  for (const [name, make] of MODULES) {
    const run = (dev: "cpu" | "gpu") => {
      const m = make().to(dev);
      const x = base.to(dev).detach().requiresGrad_(true);
      const y = m(x) as torch.Tensor;
      y.mul(y.detach().add(1)).sum().backward();
      return { y, g: x.grad! };
    };
    const want = run("cpu"), got = run(device);
    await assertCloseAsync(got.y, want.y.detach(), { rtol: 1e-5, atol: 1e-6, msg: `${name} values` });
    await assertCloseAsync(got.g, want.g, { rtol: 1e-4, atol: 1e-6, msg: `${name} gradient` });
  }
});

Deno.test("activations: PyTorch's reprs", () => {
  const reprs = [
    [new nn.ELU(), "ELU(alpha=1.0)"],
    [new nn.CELU(2), "CELU(alpha=2.0)"],
    [new nn.SELU(), "SELU()"],
    [new nn.Softplus(), "Softplus(beta=1, threshold=20)"],
    [new nn.Hardtanh(), "Hardtanh(min_val=-1.0, max_val=1.0)"],
    [new nn.ReLU6(), "ReLU6()"],
    [new nn.Softshrink(), "Softshrink(0.5)"],
    [new nn.Threshold(0.1, 20), "Threshold(threshold=0.1, value=20.0)"],
    [new nn.GLU(), "GLU(dim=-1)"],
    [new nn.Softmin(1), "Softmin(dim=1)"],
    [new nn.PReLU(3), "PReLU(num_parameters=3)"],
  ] as const;
  for (const [m, s] of reprs) assert.equal(String(m), s);
  assert.deepEqual(new nn.PReLU(3).namedParameters().map(([n, p]) => [n, p.shape]), [["weight", [3]]]);
});

Deno.test("activations: gradients at the kinks are PyTorch's", () => {
  const grad = (f: (x: torch.Tensor) => torch.Tensor, v: number[]) => {
    const x = torch.tensor(v, { dtype: "float32", requiresGrad: true });
    f(x).sum().backward();
    return Array.from(x.grad!.dataSync());
  };
  assert.deepEqual(grad(F.relu6, [0, 6, 3]), [0, 0, 1], "relu6: zero at both bounds");
  assert.deepEqual(grad((x) => F.hardtanh(x), [-1, 1, 0]), [0, 0, 1]);
  assert.deepEqual(grad(F.logsigmoid, [0]), [0.5], "logsigmoid is smooth at 0");
  assert.deepEqual(grad((x) => F.elu(x), [0]), [1], "elu takes the exponential branch at 0");
  const big = grad((x) => F.elu(x), [100, -100]);
  assert.ok(big.every(Number.isFinite), `elu gradient at +-100: ${big}`);
  const sp = grad((x) => F.softplus(x), [100, -100]);
  assert.ok(sp.every(Number.isFinite), `softplus gradient at +-100: ${sp}`);
});

Deno.test("activations: bad arguments get a clear message", () => {
  assertThrowsMsg(
    () => F.glu(torch.randn(2, 3)),
    /glu: Halving dimension must be even, but dimension 1 is size 3/,
  );
  assertThrowsMsg(() => F.glu(torch.tensor(1)), /glu: glu does not support scalars/);
  assertThrowsMsg(
    () => F.prelu(torch.randn(2, 3), torch.ones(2)),
    /prelu: mismatch of parameter numbers and input channel size. Found parameter numbers = 2 and channel size = 3/,
  );
  assertThrowsMsg(
    () => new nn.Hardtanh(2, 1),
    /Hardtanh: min_val \(2\) cannot be greater than max_val \(1\)/,
  );
  assertThrowsMsg(() => F.celu(torch.zeros(2), 0), /celu: .*alpha cannot be 0/);
  assertThrowsMsg(() => F.softshrink(torch.zeros(2), -1), /softshrink: lambda must be greater or equal to 0/);
  assertThrowsMsg(() => new nn.PReLU(0), /PReLU: numParameters must be a positive integer, got 0/);
});
