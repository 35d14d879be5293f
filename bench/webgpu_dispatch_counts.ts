/**
 * Work the GPU backend encodes per training step: compute dispatches, bind groups created and
 * command buffers submitted, for the three models of issue 11 (an MLP 784-256-10 with SGD and
 * momentum, the Fashion-MNIST CNN with Adam, one small Transformer encoder layer with AdamW).
 * The counts are the same on every adapter (the tuning picks kernels, never how many
 * dispatches an op takes, except for long reductions and matmuls split by the loop budget).
 *
 *   deno run -A bench/webgpu_dispatch_counts.ts            # the table
 *   deno run -A bench/webgpu_dispatch_counts.ts --trace    # plus each step's kernels in order
 *
 * Each model runs 3 warm-up steps (pipeline compilation, optimizer state), then 20 steps in a
 * synchronous loop (no await between steps, the loss never read), as a training loop that reads
 * its loss every N steps runs most of its steps; the counters are divided by 20. The last column
 * is the wall time of those 20 steps and the final sync, per step (compare runs made together:
 * it depends on the adapter and, on a shared machine, on the load).
 * @module
 */
import * as torch from "../mod.ts";
import { nn, optim } from "../mod.ts";

if (!(await torch.gpu.isAvailable())) {
  console.log(`WebGPU: no adapter (${torch.gpu.reason}); nothing to count`);
  Deno.exit(0);
}
const backend = torch.gpu.webgpuBackend()!;
const trace = Deno.args.includes("--trace");
const STEPS = 20;

interface Case {
  name: string;
  model: () => nn.Module;
  input: () => torch.Tensor;
  target: () => torch.Tensor;
  loss: (out: torch.Tensor, target: torch.Tensor) => torch.Tensor;
  optimizer: (params: torch.Tensor[]) => optim.Optimizer;
}

const ce = new nn.CrossEntropyLoss();
const cases: Case[] = [
  {
    name: "MLP 784-256-10, batch 64, SGD momentum 0.9",
    model: () => new nn.Sequential(new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 10)),
    input: () => torch.randn(64, 784),
    target: () => torch.randint(0, 10, [64]),
    loss: (o, t) => ce(o, t),
    optimizer: (p) => new optim.SGD(p, { lr: 0.01, momentum: 0.9 }),
  },
  {
    name: "CNN conv(1→16) pool conv(16→32) pool 1568→128→10, batch 64, Adam",
    model: () =>
      new nn.Sequential(
        new nn.Conv2d(1, 16, 3, { padding: 1 }),
        new nn.ReLU(),
        new nn.MaxPool2d(2),
        new nn.Conv2d(16, 32, 3, { padding: 1 }),
        new nn.ReLU(),
        new nn.MaxPool2d(2),
        new nn.Flatten(),
        new nn.Linear(32 * 7 * 7, 128),
        new nn.ReLU(),
        new nn.Linear(128, 10),
      ),
    input: () => torch.randn(64, 1, 28, 28),
    target: () => torch.randint(0, 10, [64]),
    loss: (o, t) => ce(o, t),
    optimizer: (p) => new optim.Adam(p, { lr: 1e-3 }),
  },
  {
    name: "Transformer encoder layer d=64 heads=4 ff=128, [8, 16, 64], MSE, AdamW",
    model: () => new nn.TransformerEncoderLayer(64, 4, { dimFeedforward: 128, dropout: 0, batchFirst: true }),
    input: () => torch.randn(8, 16, 64),
    target: () => torch.randn(8, 16, 64),
    loss: (o, t) => nn.functional.mseLoss(o, t),
    optimizer: (p) => new optim.AdamW(p, { lr: 1e-3 }),
  },
];

/** Per-step counts of one case (and its kernels, in order, when tracing). */
export async function countCase(
  c: Case,
): Promise<{ dispatches: number; bindGroups: number; submits: number; ms: number }> {
  torch.manualSeed(0);
  const model = c.model().to("gpu");
  const opt = c.optimizer(model.parameters());
  const x = c.input().to("gpu"), y = c.target().to("gpu");
  const step = () => {
    opt.zeroGrad();
    const loss = c.loss(model(x), y);
    loss.backward();
    opt.step();
    return loss;
  };
  for (let i = 0; i < 3; i++) step();
  await backend.sync();
  const before = backend.stats();
  const t0 = performance.now();
  if (trace) backend.kernelTrace = [];
  for (let i = 0; i < STEPS; i++) step();
  backend.flush(); // the last step's pending work (fused kernels run when their values are needed)
  const after = backend.stats();
  const kernels = backend.kernelTrace;
  backend.kernelTrace = null;
  await backend.sync();
  const ms = (performance.now() - t0) / STEPS;
  if (kernels) {
    const one = kernels.slice(0, kernels.length / STEPS).map((k) => k.split("|")[0]);
    console.log(`${c.name}: the kernels of one step\n  ${one.join("\n  ")}`);
  }
  return {
    dispatches: (after.dispatches - before.dispatches) / STEPS,
    bindGroups: (after.bindGroups - before.bindGroups) / STEPS,
    submits: (after.submits - before.submits) / STEPS,
    ms,
  };
}

const info = torch.gpu.adapterInfo()!;
console.log(`adapter: ${info.description || info.vendor} (fallback: ${info.isFallbackAdapter})`);
const rows: string[] = [];
for (const c of cases) {
  const r = await countCase(c);
  rows.push(
    `| ${c.name} | ${r.dispatches} | ${r.bindGroups} | ${r.submits.toFixed(2)} | ${r.ms.toFixed(1)} |`,
  );
}
console.log(
  "\n| step | dispatches | bind groups created | submits | ms per step |\n| --- | ---: | ---: | ---: | ---: |",
);
console.log(rows.join("\n"));
