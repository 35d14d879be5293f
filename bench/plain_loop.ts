// deno-lint-ignore-file no-import-prefix
/**
 * The plain PyTorch-style loop against the same loop in `torch.scope`, PyTorch 1.13 on one
 * thread and TensorFlow.js's wasm backend, in one run: training steps (batch 64, SGD with
 * momentum) of an MLP 784-256-10, the digits MLP 64-64-10 and a small CNN, a conv2d forward, and
 * the per-op cost of a small elementwise op and a small matmul.
 *
 *   deno run -A bench/plain_loop.ts [--seconds 2] [--threads N] [--no-torch] [--no-tfjs]
 *
 * edgetorch runs with the library's default thread count (the cores the runtime reports) unless
 * `--threads` says otherwise; its worker threads are started before timing, as a loop has them
 * after its first ~0.1 s of large calls. PyTorch and TensorFlow.js run on one thread.
 *
 * Prints a markdown table (the numbers of bench/README.md's "Plain loop" section). PyTorch runs
 * in a child process (bench/pytorch_steps.py with Debian's /usr/bin/python3); each edgetorch case
 * alternates plain and scoped rounds so both see the same machine load.
 */
import * as torch from "../mod.ts";
import { nn, optim } from "../mod.ts";

const args = Deno.args;
const seconds = Number(args[args.indexOf("--seconds") + 1] || 2);
const withTorch = !args.includes("--no-torch");
const withTfjs = !args.includes("--no-tfjs");
const threads = args.includes("--threads")
  ? Number(args[args.indexOf("--threads") + 1])
  : torch.getNumThreads();
torch.setNumThreads(threads);
const edgetorchThreads = await torch.cpu.startThreads();

/** Steps per second of `step`, measured over about `budget` seconds. */
function rate(step: () => void, budget: number): number {
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < budget * 1000) {
    step();
    n++;
  }
  return n / ((performance.now() - start) / 1000);
}

/** Plain and scoped rates of `step`, alternating rounds (same load for both). */
function plainVsScope(step: () => void): { plain: number; scope: number } {
  for (let i = 0; i < 20; i++) step(); // warm up
  const plain: number[] = [], scoped: number[] = [];
  for (let round = 0; round < 4; round++) {
    plain.push(rate(step, seconds / 4));
    scoped.push(rate(() => torch.scope(step), seconds / 4));
  }
  const median = (v: number[]) => v.sort((a, b) => a - b)[Math.floor(v.length / 2)];
  return { plain: median(plain), scope: median(scoped) };
}

function trainStep(model: nn.Module, x: torch.Tensor): () => void {
  const y = torch.randint(0, 10, [x.shape[0]]);
  const opt = new optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  return () => {
    opt.zeroGrad();
    const loss = nn.functional.crossEntropy(model(x), y);
    loss.backward();
    opt.step();
  };
}

torch.manualSeed(0);
const mlp = (inp: number, hidden: number) =>
  new nn.Sequential(new nn.Linear(inp, hidden), new nn.ReLU(), new nn.Linear(hidden, 10));
const cnn = () =>
  new nn.Sequential(
    new nn.Conv2d(1, 8, 3, { padding: 1 }),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Conv2d(8, 16, 3, { padding: 1 }),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Flatten(),
    new nn.Linear(16 * 7 * 7, 10),
  );
const convX = torch.randn(64, 1, 28, 28), convW = torch.randn(16, 1, 3, 3), convB = torch.randn(16);
const a4 = torch.randn(4, 4), b4 = torch.randn(4, 4), a64 = torch.randn(64, 64), b64 = torch.randn(64, 64);

const cases: [string, string, () => void][] = [
  ["mlp784", "MLP 784-256-10 train step", trainStep(mlp(784, 256), torch.randn(64, 784))],
  ["digits", "digits MLP 64-64-10 train step", trainStep(mlp(64, 64), torch.randn(64, 64))],
  ["cnn", "CNN (2 conv + pool + linear) train step", trainStep(cnn(), torch.randn(64, 1, 28, 28))],
  [
    "conv2d",
    "conv2d forward [64,1,28,28] 1->16 3x3",
    () => void torch.noGrad(() => torch.conv2d(convX, convW, convB, { padding: 1 })),
  ],
  ["add4", "op: add [4,4]", () => void a4.add(b4)],
  ["mm64", "op: matmul [64,64]@[64,64]", () => void a64.matmul(b64)],
];

const results = new Map<string, { plain: number; scope: number }>();
for (const [key, , step] of cases) results.set(key, plainVsScope(step));

let torchResults: Record<string, { steps_per_s: number }> = {};
if (withTorch) {
  const out = await new Deno.Command("/usr/bin/python3", {
    args: [new URL("./pytorch_steps.py", import.meta.url).pathname, "--seconds", String(seconds)],
    stdout: "piped",
    stderr: "inherit",
    // One thread, BLAS included (Debian's OpenBLAS would otherwise start its own threads).
    env: { OMP_NUM_THREADS: "1", OPENBLAS_NUM_THREADS: "1", MKL_NUM_THREADS: "1" },
  }).output().catch(() => null);
  if (out?.success) torchResults = JSON.parse(new TextDecoder().decode(out.stdout)).results;
  else console.error("PyTorch (/usr/bin/python3 with torch) not available: its column is empty");
}

const tfjsResults = new Map<string, number>();
if (withTfjs) {
  try {
    // Bench dependencies stay out of the library's import map (a user's `deno task` downloads nothing).
    const tf = await import("npm:@tensorflow/tfjs@4.22.0");
    const wasm = await import("npm:@tensorflow/tfjs-backend-wasm@4.22.0");
    wasm.setThreadsCount(1);
    wasm.setWasmPaths(new URL("../node_modules/@tensorflow/tfjs-backend-wasm/dist/", import.meta.url).href);
    await tf.setBackend("wasm");
    await tf.ready();
    const dense = (i: number, o: number) => {
      const bound = 1 / Math.sqrt(i);
      return [tf.variable(tf.randomUniform([i, o], -bound, bound)), tf.variable(tf.zeros([o]))];
    };
    for (const [key, inp, hidden] of [["mlp784", 784, 256], ["digits", 64, 64]] as const) {
      const layers = [dense(inp, hidden), dense(hidden, 10)];
      const x = tf.randomUniform([64, inp]), y = tf.oneHot(tf.randomUniform([64], 0, 10, "int32"), 10);
      const opt = tf.train.momentum(0.01, 0.9);
      const step = () =>
        void opt.minimize(() => {
          let h = tf.add(tf.matMul(x, layers[0][0]), layers[0][1]);
          h = tf.relu(h);
          h = tf.add(tf.matMul(h, layers[1][0]), layers[1][1]);
          return tf.losses.softmaxCrossEntropy(y, h) as ReturnType<typeof tf.scalar>;
        });
      for (let i = 0; i < 20; i++) step();
      tfjsResults.set(key, rate(step, seconds));
    }
  } catch (e) {
    console.error(`TensorFlow.js not available (${(e as Error).message}): its column is empty`);
  }
}

const fmt = (v: number | undefined) => (v === undefined ? "" : v >= 100 ? v.toFixed(0) : v.toPrecision(3));
console.log(
  `| work (per second, CPU; edgetorch on ${edgetorchThreads} thread${
    edgetorchThreads > 1 ? "s" : ""
  }) | plain loop | torch.scope | plain / scope | PyTorch ${
    withTorch ? "1 thread" : "(not run)"
  } | plain / PyTorch | TF.js wasm |`,
);
console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
for (const [key, label] of cases) {
  const r = results.get(key)!;
  const pt = torchResults[key]?.steps_per_s;
  console.log(
    `| ${label} | ${fmt(r.plain)} | ${fmt(r.scope)} | ${(r.plain / r.scope).toFixed(2)} | ${fmt(pt)} | ${
      pt ? (r.plain / pt).toFixed(2) : ""
    } | ${fmt(tfjsResults.get(key))} |`,
  );
}
console.log(`\n(op rows: ops per second, i.e. 1e6 / µs per op; Deno ${Deno.version.deno})`);
