/**
 * What reading the loss costs a GPU training loop: the MLP 784-256-10 SGD-momentum step at batch
 * 64 on the WebGPU backend, with the loss read back
 *   - every step (`await loss.itemAsync()`, what a port of `loss.item()` does),
 *   - every 10 steps,
 *   - never inside the loop: `LossHistory.record(loss)` each step, `await history.values()` once
 *     at the end of each block (per epoch),
 *   - never, and nothing recorded (`await torch.gpu.synchronize()` at the end of each block).
 * The four run in alternating blocks of 50 steps in one process (the load of a shared machine
 * falls on each alike); the table gives medians over the blocks, in steps/s.
 *
 *   deno run -A bench/webgpu_readback.ts [--rounds 7]
 * @module
 */
import * as torch from "../mod.ts";
import { nn, optim } from "../mod.ts";

const roundsArg = Deno.args.indexOf("--rounds");
const ROUNDS = roundsArg >= 0 ? Number(Deno.args[roundsArg + 1]) : 7;
const STEPS = 50;

if (!(await torch.gpu.isAvailable())) {
  console.log(`WebGPU: no adapter (${torch.gpu.reason}); nothing to time`);
  Deno.exit(0);
}
torch.manualSeed(0);
const model = new nn.Sequential(new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 10)).to("gpu");
const opt = new optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
const x = torch.randn(64, 784).to("gpu");
const y = torch.randint(0, 10, [64]).to("gpu");
const lossFn = new nn.CrossEntropyLoss();

function step(): torch.Tensor {
  opt.zeroGrad();
  const loss = lossFn.forward(model.forward(x), y);
  loss.backward();
  opt.step();
  return loss;
}

const modes: Record<string, () => Promise<void>> = {
  "read every step": async () => {
    for (let i = 0; i < STEPS; i++) await step().itemAsync();
  },
  "read every 10 steps": async () => {
    for (let i = 0; i < STEPS; i++) {
      const loss = step();
      if (i % 10 === 9) await loss.itemAsync();
    }
  },
  "LossHistory, one read per block": async () => {
    const history = new torch.LossHistory();
    for (let i = 0; i < STEPS; i++) history.record(step());
    const values = await history.values();
    if (values.length !== STEPS) throw new Error(`recorded ${values.length} of ${STEPS}`);
    history.dispose();
  },
  "no read (synchronize per block)": async () => {
    for (let i = 0; i < STEPS; i++) step();
    await torch.gpu.synchronize();
  },
};

for (const run of Object.values(modes)) await run(); // warm-up: pipelines compiled, pools filled
const times: Record<string, number[]> = Object.fromEntries(Object.keys(modes).map((k) => [k, []]));
for (let r = 0; r < ROUNDS; r++) {
  for (const [name, run] of Object.entries(modes)) {
    const t0 = performance.now();
    await run();
    times[name].push((performance.now() - t0) / 1000);
  }
}
const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];
console.log(
  `adapter: ${torch.gpu.adapterInfo()?.description}; ${ROUNDS} alternating blocks of ${STEPS} steps`,
);
console.log("| loss read | steps/s |\n| --- | ---: |");
for (const [name, t] of Object.entries(times)) console.log(`| ${name} | ${(STEPS / median(t)).toFixed(1)} |`);
