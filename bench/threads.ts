/**
 * The CPU backend's threads, as markdown tables (the numbers of bench/README.md's "Threads"
 * section), in one process:
 *
 *   deno run -A bench/threads.ts [--seconds 1] [--sizes 64,256,1024,4096] [--no-peers]
 *   deno run -A bench/threads.ts --scaling [--threads 1,2,4,8,16] [--seconds 2]
 *   deno run -A bench/threads.ts --crossover [--seconds 0.3]
 *
 * Default: matrix products (n x n, float32) in GFLOP/s on 1 and N = navigator.hardwareConcurrency
 * threads next to TensorFlow.js wasm (one thread) and jax-js wasm (its worker pool), and the MLP
 * 784-256-10 (batch 64, SGD with momentum, plain loop) and Fashion-MNIST CNN (batch 64, Adam)
 * training steps on 1, 2 and N threads. `--scaling`: matmul 4096 and the CNN step at each thread
 * count of `--threads` (run it on a machine with that many cores: a count above the cores is
 * measured but marked). `--crossover`: elementwise ops, row reductions, softmax and products at
 * growing sizes on one thread and split between two however small, to place the split threshold.
 * Each case alternates its configurations over several rounds, so that a change of machine load
 * hits all of them, and reports the median round.
 */
import * as torch from "../mod.ts";
import { PARALLEL_MIN_NS, wasmBackend } from "../src/backends/wasm/backend.ts";
import {
  agrees,
  cnnStep,
  jaxMatmul,
  loadJax,
  loadTfjs,
  MATMUL_SIZES,
  type MatmulImpl,
  mlpStep,
  tfMatmul,
  torchMatmul,
} from "./threads_common.ts";

const args = Deno.args;
const opt = (name: string, dflt: string) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : dflt;
};
const seconds = Number(opt("--seconds", args.includes("--scaling") ? "2" : "1"));
const cores = navigator.hardwareConcurrency;
const ROUNDS = 3;

/** Calls of `run` per second over about `budget` seconds (at least one call). */
async function rate(run: () => void | Promise<void>, budget: number): Promise<number> {
  let n = 0;
  const start = performance.now();
  do {
    await run();
    n++;
  } while (performance.now() - start < budget * 1000);
  return n / ((performance.now() - start) / 1000);
}

/** Median over ROUNDS rounds of each configuration's rate, the configurations alternating. */
async function compare(configs: { name: string; run: () => void | Promise<void>; before?: () => void }[]) {
  for (const c of configs) {
    c.before?.();
    await c.run(); // warm-up (compilation, first allocations)
  }
  const rates: number[][] = configs.map(() => []);
  for (let r = 0; r < ROUNDS; r++) {
    for (const [i, c] of configs.entries()) {
      c.before?.();
      rates[i].push(await rate(c.run, seconds / ROUNDS));
    }
  }
  return rates.map((v) => v.sort((a, b) => a - b)[Math.floor(v.length / 2)]);
}

const fmt = (x: number, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : "—");
const threadsFor = (n: number) => () => torch.setNumThreads(n);

console.log(
  `Deno ${Deno.version.deno} (V8 ${Deno.version.v8}), ${cores} cores reported; ${new Date().toISOString()}`,
);

if (args.includes("--scaling")) {
  const counts = opt("--threads", "1,2,4,8,16").split(",").map(Number);
  torch.setNumThreads(Math.max(...counts));
  await torch.cpu.startThreads();
  const mm = torchMatmul(4096), cnn = cnnStep();
  const mmRates = await compare(counts.map((t) => ({ name: `${t}`, run: mm.run, before: threadsFor(t) })));
  const cnnRates = await compare(counts.map((t) => ({ name: `${t}`, run: cnn, before: threadsFor(t) })));
  console.log("\n| threads | matmul 4096 GFLOP/s | speed-up | CNN step ms | speed-up |");
  console.log("| ------: | ------------------: | -------: | ----------: | -------: |");
  counts.forEach((t, i) => {
    const mark = t > cores ? ` (over the ${cores} cores)` : "";
    console.log(
      `| ${t}${mark} | ${fmt((2 * 4096 ** 3 * mmRates[i]) / 1e9)} | ${fmt(mmRates[i] / mmRates[0], 2)}× | ${
        fmt(1000 / cnnRates[i], 2)
      } | ${fmt(cnnRates[i] / cnnRates[0], 2)}× |`,
    );
  });
  Deno.exit(0);
}

if (args.includes("--crossover")) {
  // Where splitting starts to pay: each op at growing sizes, on one thread and split between 2
  // threads however small (the backend's threshold lowered to 0), alternating.
  const backend = wasmBackend();
  torch.setNumThreads(2);
  await torch.cpu.startThreads();
  const ops: [string, (n: number) => () => void][] = [
    ["add (n elements)", (n) => {
      const a = torch.randn(n), b = torch.randn(n);
      return () => a.add(b).dispose();
    }],
    ["exp (n elements)", (n) => {
      const a = torch.randn(n);
      return () => a.exp().dispose();
    }],
    ["sum of rows of 256 (n elements)", (n) => {
      const a = torch.randn(Math.max(1, n / 256), 256);
      return () => a.sum(1).dispose();
    }],
    ["softmax of rows of 256 (n elements)", (n) => {
      const a = torch.randn(Math.max(1, n / 256), 256);
      return () => a.softmax(1).dispose();
    }],
    ["matmul (n = m·k·n multiply-adds, cubes)", (n) => {
      const s = Math.round(Math.cbrt(n));
      const a = torch.randn(s, s), b = torch.randn(s, s);
      return () => a.matmul(b).dispose();
    }],
  ];
  console.log("\n| op | size | 1 thread µs | 2 threads µs | 2 threads / 1 |");
  console.log("| -- | ---: | ----------: | -----------: | ------------: |");
  for (const [name, make] of ops) {
    for (let n = 4096; n <= 4 * 1024 * 1024; n *= 4) {
      const run = make(n);
      const rates = await compare([
        { name: "1", run, before: () => (torch.setNumThreads(1), backend.splitCallsAbove(PARALLEL_MIN_NS)) },
        { name: "2", run, before: () => (torch.setNumThreads(2), backend.splitCallsAbove(0)) },
      ]);
      console.log(
        `| ${name} | ${n} | ${fmt(1e6 / rates[0])} | ${fmt(1e6 / rates[1])} | ${
          fmt(rates[0] / rates[1], 2)
        } |`,
      );
    }
  }
  backend.splitCallsAbove(PARALLEL_MIN_NS);
  Deno.exit(0);
}

const peers = !args.includes("--no-peers");
const tf = peers ? await loadTfjs() : null;
const jax = peers ? await loadJax() : false;
torch.setNumThreads(cores);
const started = await torch.cpu.startThreads();
console.log(
  `edgetorch threads: ${started}${torch.cpu.threadingReason() ? ` (${torch.cpu.threadingReason()})` : ""}`,
);

const sizes = opt("--sizes", MATMUL_SIZES.join(",")).split(",").map(Number);
console.log(
  `\n| n × n matmul | edgetorch 1 thread | edgetorch ${cores} threads | tfjs wasm (1 thread) | jax-js wasm |`,
);
console.log(
  "| -----------: | -----------------: | ------------------: | -------------------: | ----------: |",
);
for (const n of sizes) {
  const ours = torchMatmul(n);
  const impls: { name: string; impl: MatmulImpl; before?: () => void }[] = [
    { name: "1", impl: ours, before: threadsFor(1) },
    { name: "N", impl: ours, before: threadsFor(cores) },
  ];
  const reference = await ours.result();
  if (tf) {
    const t = tfMatmul(tf, n);
    if (agrees(`tfjs ${n}`, reference, await t.result())) impls.push({ name: "tfjs", impl: t });
  }
  if (jax) {
    const j = jaxMatmul(n);
    if (agrees(`jax-js ${n}`, reference, await j.result())) impls.push({ name: "jax", impl: j });
  }
  const rates = await compare(impls.map((c) => ({ name: c.name, run: c.impl.run, before: c.before })));
  const gflops = (name: string) => {
    const i = impls.findIndex((c) => c.name === name);
    return i < 0 ? NaN : (2 * n ** 3 * rates[i]) / 1e9;
  };
  const n1 = gflops("1"), nN = gflops("N"), t = gflops("tfjs"), j = gflops("jax");
  const vs = (x: number) => (Number.isFinite(x) ? ` (${fmt(nN / x, 2)}×)` : "");
  console.log(
    `| ${n} | ${fmt(n1)} | **${fmt(nN)}** (${fmt(nN / n1, 2)}× 1 thread) | ${fmt(t)}${vs(t)} | ${fmt(j)}${
      vs(j)
    } |`,
  );
}

const counts = [...new Set([1, 2, cores])].filter((t) => t <= Math.max(2, cores));
console.log(
  `\n| training step | ${counts.map((t) => `${t} thread${t > 1 ? "s" : ""}`).join(" | ")} | speed-up |`,
);
console.log(`| ------------- | ${counts.map(() => "------:").join(" | ")} | -------: |`);
for (
  const [name, step] of [["MLP 784-256-10, batch 64, SGD", mlpStep()], [
    "Fashion-MNIST CNN, batch 64, Adam",
    cnnStep(),
  ]] as const
) {
  const rates = await compare(counts.map((t) => ({ name: `${t}`, run: step, before: threadsFor(t) })));
  console.log(
    `| ${name} | ${rates.map((r) => `${fmt(1000 / r, 2)} ms`).join(" | ")} | ${
      rates.slice(1).map((r) => `${fmt(r / rates[0], 2)}×`).join(", ")
    } |`,
  );
}
// jax-js's workers (web workers) would keep the process alive.
Deno.exit(0);
