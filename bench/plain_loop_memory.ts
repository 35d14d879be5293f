/**
 * Memory of the plain PyTorch-style loop (no torch.scope, no dispose): an MLP 784-256-10 trained
 * with SGD + momentum (batch 64), reading its loss every step or every 100 steps, on the CPU
 * (10,000 steps) and the GPU (2,000 steps). Reports the process RSS and the device's memory
 * (CPU: resident wasm bytes; GPU: the pool's live bytes) at the start (after warm-up), the peak
 * and the end.
 *
 *   deno run -A bench/plain_loop_memory.ts [--cpu-steps 10000] [--gpu-steps 2000]
 *   bun bench/plain_loop_memory.ts --cpu-steps 10000            (Bun: CPU rows only)
 */
import process from "node:process";
import * as torch from "../mod.ts";
import { nn, optim } from "../mod.ts";
import { wasmBackend } from "../src/backends/wasm/backend.ts";

const args = process.argv.slice(2);
const arg = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const MB = 2 ** 20;

interface Sample {
  rss: number;
  device: number;
}

async function soak(device: torch.Device, steps: number, readEvery: number): Promise<string> {
  torch.manualSeed(0);
  const model = new nn.Sequential(new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 10)).to(device);
  const opt = new optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  const crit = new nn.CrossEntropyLoss();
  const x = torch.randn([64, 784], { device }), y = torch.randint(0, 10, [64], { device });
  const deviceBytes = () =>
    device === "cpu" ? wasmBackend().memoryStats().residentBytes : torch.gpu.webgpuBackend()!.liveBytes();
  const sample = (): Sample => ({ rss: process.memoryUsage().rss, device: deviceBytes() });
  const step = () => {
    opt.zeroGrad();
    const loss = crit(model(x), y);
    loss.backward();
    opt.step();
    return loss;
  };
  for (let i = 0; i < 20; i++) await step().itemAsync();
  const start = sample();
  let peak = start;
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) {
    const loss = step();
    if (i % readEvery === readEvery - 1) {
      // CPU: a synchronous read, no await at all; GPU: reads are asynchronous.
      if (device === "cpu") loss.item();
      else await loss.itemAsync();
    }
    if (i % 250 === 249) {
      const s = sample();
      peak = { rss: Math.max(peak.rss, s.rss), device: Math.max(peak.device, s.device) };
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  const end = sample();
  const what = device === "cpu" ? "resident wasm" : "GPU pool live";
  return `| ${device} | ${steps} | every ${readEvery === 1 ? "step" : `${readEvery} steps`} | ` +
    `${(start.rss / MB).toFixed(0)} / ${(peak.rss / MB).toFixed(0)} / ${(end.rss / MB).toFixed(0)} MB | ` +
    `${what}: ${(start.device / MB).toFixed(1)} / ${(peak.device / MB).toFixed(1)} / ${
      (end.device / MB).toFixed(1)
    } MB | ` +
    `${(steps / seconds).toFixed(0)} |`;
}

const rows: string[] = [];
for (const every of [1, 100]) rows.push(await soak("cpu", arg("--cpu-steps", 10_000), every));
if (typeof navigator !== "undefined" && navigator.gpu && await torch.gpu.isAvailable()) {
  for (const every of [1, 100]) rows.push(await soak("gpu", arg("--gpu-steps", 2_000), every));
} else console.error("no WebGPU adapter: GPU rows skipped");
console.log(
  "| device | steps | loss read | RSS start / peak / end | device memory start / peak / end | steps/s |",
);
console.log("| --- | ---: | --- | --- | --- | ---: |");
for (const r of rows) console.log(r);
