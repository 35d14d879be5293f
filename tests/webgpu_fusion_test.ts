/**
 * Fusion on the GPU backend (src/backends/webgpu/fusion.ts): how many kernels ops take (pointwise
 * chains, matmul epilogues, multi-tensor optimizer steps, a whole MLP training step) and that the
 * fused results equal the CPU's, including pending values whose inputs change or go away.
 */
import assert from "node:assert/strict";
import * as torch from "../mod.ts";
import { nn, optim } from "../mod.ts";
import { gpuAvailable } from "./devices.ts";
import { assertCloseAsync } from "./helpers.ts";

function gpuTest(name: string, fn: () => Promise<void>): void {
  Deno.test({
    name: `webgpu fusion: ${name}`,
    ignore: !gpuAvailable,
    sanitizeOps: false,
    sanitizeResources: false,
    fn,
  });
}

/** The kernels `fn` dispatches, once everything it left pending is computed. */
async function kernelsOf(fn: () => unknown): Promise<string[]> {
  const backend = torch.gpu.webgpuBackend()!;
  await backend.sync();
  backend.kernelTrace = [];
  try {
    fn();
    backend.flush();
    return backend.kernelTrace.map((k) => k.split("|")[0]);
  } finally {
    backend.kernelTrace = null;
  }
}

gpuTest("a chain of pointwise ops is one kernel", async () => {
  torch.manualSeed(3);
  const x = torch.randn(1000), b = torch.randn(10);
  const f = (t: torch.Tensor, u: torch.Tensor) =>
    t.mul(2).add(1).tanh().sub(t.reshape(100, 10).add(u).reshape(-1).sigmoid()).abs();
  const want = f(x, b);
  const xg = x.to("gpu"), bg = b.to("gpu");
  let got!: torch.Tensor;
  assert.deepEqual(await kernelsOf(() => (got = f(xg, bg))), ["fused"]);
  await assertCloseAsync(got, want, { rtol: 1e-6, atol: 1e-6 });
});

gpuTest("linear + bias + ReLU is one matmul with its epilogue", async () => {
  torch.manualSeed(4);
  const x = torch.randn(64, 96), w = torch.randn(40, 96), b = torch.randn(40);
  const want = nn.functional.relu(nn.functional.linear(x, w, b));
  const [xg, wg, bg] = [x, w, b].map((t) => t.to("gpu"));
  let got!: torch.Tensor;
  const kernels = await kernelsOf(() => (got = torch.noGrad(() =>
    nn.functional.relu(nn.functional.linear(xg, wg, bg))
  )));
  assert.equal(kernels.length, 1, kernels.join(", "));
  assert.match(kernels[0], /^matmul_/);
  await assertCloseAsync(got, want, { rtol: 1e-5, atol: 1e-5 });
});

gpuTest("pending values keep the inputs they were made from", async () => {
  const x = torch.tensor([1, 2, 3], { device: "gpu" });
  const y = x.mul(2); // pending
  x.add_(10); // an in-place write of an input of the pending value
  const z = y.add(x); // reads the new x and the old-x value of y
  await assertCloseAsync(y, [2, 4, 6]);
  await assertCloseAsync(z, [13, 16, 19]);
  const a = torch.tensor([1, -2], { device: "gpu" });
  const r = a.abs().add(1); // pending, then its input disposed
  a.dispose();
  await assertCloseAsync(r, [2, 3]);
});

/** Optimizers and the kernels of their step here (amsgrad's 5 buffers per parameter exceed one kernel's 16). */
const OPTIMIZERS: [string, (p: torch.Tensor[]) => optim.Optimizer, number][] = [
  [
    "SGD momentum nesterov",
    (p) => new optim.SGD(p, { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.01 }),
    1,
  ],
  ["Adam", (p) => new optim.Adam(p, { lr: 0.01, weightDecay: 0.01 }), 1],
  ["Adam amsgrad", (p) => new optim.Adam(p, { lr: 0.01, amsgrad: true }), 2],
  ["AdamW", (p) => new optim.AdamW(p, { lr: 0.01, weightDecay: 0.1 }), 1],
  ["RMSprop", (p) => new optim.RMSprop(p, { lr: 0.01, momentum: 0.5 }), 1],
];

gpuTest(
  "an optimizer step updates every parameter in one kernel (as many as the bindings need), as on the CPU",
  async () => {
    for (const [name, make, count] of OPTIMIZERS) {
      const run = async (device: "cpu" | "gpu") => {
        torch.manualSeed(5);
        const model = new nn.Sequential(new nn.Linear(12, 16), new nn.Tanh(), new nn.Linear(16, 3)).to(
          device,
        );
        const opt = make(model.parameters());
        const x = torch.randn(8, 12).to(device), y = torch.randint(0, 3, [8]).to(device);
        let kernels: string[] = [];
        for (let i = 0; i < 3; i++) {
          opt.zeroGrad();
          nn.functional.crossEntropy(model(x), y).backward();
          if (device === "gpu" && i === 2) kernels = await kernelsOf(() => opt.step());
          else opt.step();
        }
        return { params: model.parameters(), kernels };
      };
      const cpu = await run("cpu"), gpu = await run("gpu");
      assert.deepEqual(
        gpu.kernels,
        Array(count).fill("fused"),
        `${name}: ${gpu.kernels.join(", ")}`,
      );
      for (let i = 0; i < cpu.params.length; i++) {
        await assertCloseAsync(gpu.params[i], cpu.params[i], {
          rtol: 1e-5,
          atol: 1e-6,
          msg: `${name} param ${i}`,
        });
      }
    }
  },
);

gpuTest("an MLP 784-256-10 SGD-momentum training step takes at most 16 kernels", async () => {
  torch.manualSeed(6);
  const model = new nn.Sequential(new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 10)).to("gpu");
  const opt = new optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  const x = torch.randn(64, 784).to("gpu"), y = torch.randint(0, 10, [64]).to("gpu");
  const step = () => {
    opt.zeroGrad();
    const loss = nn.functional.crossEntropy(model(x), y);
    loss.backward();
    opt.step();
    return loss;
  };
  for (let i = 0; i < 3; i++) step();
  const kernels = await kernelsOf(step);
  assert.ok(kernels.length <= 16, `${kernels.length} kernels: ${kernels.join(", ")}`);
});
