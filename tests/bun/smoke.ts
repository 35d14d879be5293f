/**
 * The library under Bun (no WebGPU there): `bun tests/bun/smoke.ts` (CI runs it through
 * `deno task bun`). Deno runs the full suite; this checks what differs between the runtimes:
 * console.log's hook (Bun.inspect and node:util.inspect), loading the wasm kernels from their file,
 * file I/O through node:fs, the GPU-missing message, whole programs printing what PyTorch
 * prints, and the CPU worker threads (same bits as one thread; a process using them exits by
 * itself). Exits non-zero on the first failure.
 */
import assert from "node:assert";
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { inspect } from "node:util";
import * as torch from "../../mod.ts";
import { data, F, nn, optim } from "../../mod.ts";
import { wasmBackend } from "../../src/backends/wasm/backend.ts";
import { embeddedSource } from "../../src/backends/wasm/embedded.ts";

const here = new URL(".", import.meta.url);
const readJson = (rel: string) => JSON.parse(readFileSync(new URL(rel, here), "utf8"));
const isBun = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined";
let passed = 0;

async function check(name: string, fn: () => void | Promise<void>): Promise<void> {
  try {
    await fn();
    passed++;
  } catch (e) {
    console.error(`FAILED: ${name}\n${e instanceof Error ? e.stack : e}`);
    process.exit(1);
  }
}

/** The runtime's console.log rendering of a value. */
function logged(v: unknown): string {
  const bun = (globalThis as { Bun?: { inspect(v: unknown): string } }).Bun;
  return bun ? bun.inspect(v) : inspect(v);
}

await check("printing: every PyTorch format fixture through console.log's hook", () => {
  const cases = readJson("../fixtures/format.json") as {
    values: (number | string)[];
    shape: number[];
    dtype: torch.DType;
    requiresGrad: boolean;
    gradFn: string | null;
    expected: string;
  }[];
  const decode = (v: number | string) =>
    v === "nan" ? NaN : v === "inf" ? Infinity : v === "-inf" ? -Infinity : +v;
  let checked = 0;
  for (const c of cases) {
    if (c.gradFn !== null) continue; // grad_fn suffixes need the op; covered below
    const t = torch.tensor(c.values.map(decode), { dtype: c.dtype }).reshape(c.shape);
    if (c.requiresGrad) t.requiresGrad_(true);
    assert.equal(logged(t), c.expected, `shape [${c.shape}] ${c.dtype}`);
    assert.equal(inspect(t), c.expected);
    assert.equal(String(t), c.expected);
    checked++;
  }
  assert.ok(checked > 350, `only ${checked} cases`);
  const x = torch.tensor([2.0], { requiresGrad: true });
  assert.equal(logged(x.mul(3)), "tensor([6.], grad_fn=<MulBackward0>)");
});

await check("the kernels are read from the .wasm file beside the module, not the base64 module", () => {
  assert.equal(embeddedSource("relaxed") ?? embeddedSource("simd"), "file");
  assert.deepEqual(torch.tensor([1, 2]).mul(3).toArray(), [3, 6]);
});

await check("autograd seed example", () => {
  const x = torch.tensor([2.0], { requiresGrad: true });
  x.pow(2).add(1).backward();
  assert.deepEqual(x.grad!.toArray(), [4]);
  const w1 = torch.tensor(2.2, { requiresGrad: true });
  const b = torch.tensor(0.0, { requiresGrad: true });
  const loss = F.binaryCrossEntropy(torch.sigmoid(w1.mul(1.1).add(b)), torch.tensor(1.0));
  const [gw] = torch.autograd.grad(loss, w1, { retainGraph: true });
  assert.ok(gw);
  assert.equal(gw.item().toFixed(4), "-0.0898");
});

await check("GPU asked for on a runtime without WebGPU: false, with the reason", async () => {
  if (!isBun) return;
  assert.equal(await torch.gpu.isAvailable(), false);
  assert.match(torch.gpu.reason ?? "", /WebGPU/);
  assert.throws(() => torch.zeros(2, { device: "gpu" }), /gpu/i);
});

/** conv 1→4 (8×8), pool, linear to 3 classes. */
function smallCnn(): nn.Module {
  return new nn.Sequential(
    new nn.Conv2d(1, 4, 3, { padding: 1 }),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Flatten(),
    new nn.Linear(4 * 4 * 4, 3),
  );
}

await check("a small CNN trains on the CPU backend, saves to a file and loads back", async () => {
  torch.manualSeed(0);
  const model = smallCnn();
  const x = torch.randn(24, 1, 8, 8);
  const y = torch.randint(0, 3, [24]);
  const opt = new optim.Adam(model.parameters(), { lr: 0.01 });
  const criterion = new nn.CrossEntropyLoss();
  const loader = new data.DataLoader(new data.TensorDataset(x, y), { batchSize: 8, shuffle: true });
  let first = 0, last = 0;
  for (let epoch = 0; epoch < 30; epoch++) {
    let total = 0;
    for (const [xb, yb] of loader) {
      opt.zeroGrad();
      const loss = criterion(model(xb), yb);
      loss.backward();
      opt.step();
      total += loss.item();
    }
    if (epoch === 0) first = total;
    last = total;
  }
  assert.ok(last < first * 0.5, `loss went from ${first} to ${last}`);
  const dir = await mkdtemp(join(tmpdir(), "edgetorch-bun-"));
  try {
    const path = join(dir, "cnn.safetensors");
    await torch.save(model.stateDict(), path);
    const again = smallCnn();
    again.loadStateDict(await torch.load(path));
    assert.deepEqual(again(x).toArray(), model(x).toArray());
  } finally {
    await rm(dir, { recursive: true });
  }
});

await check("linear-regression example prints exactly what the PyTorch program prints", () => {
  const script = new URL("../../examples/linear_regression.ts", here).pathname;
  const run = spawnSync(process.execPath, [script], { encoding: "utf8" });
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(
    run.stdout.trim().split("\n"),
    readJson("../fixtures/pytorch_programs.json").linear_regression_output,
  );
});

await check("threads: products and a CNN step on 2 threads give the one-thread bits", async () => {
  torch.setNumThreads(2);
  assert.equal(await torch.cpu.startThreads(), 2, String(torch.cpu.threadingReason()));
  const run = () => {
    torch.manualSeed(1);
    const a = torch.randn(300, 500), b = torch.randn(500, 200);
    const model = smallCnn();
    const x = torch.randn(64, 1, 8, 8);
    const loss = model(x).logSoftmax(1).sum();
    loss.backward();
    return [a.matmul(b), a.t().matmul(a), loss, ...model.parameters().map((p) => p.grad!)].map((t) =>
      Array.from(t.dataSync() as Float32Array)
    );
  };
  torch.setNumThreads(1);
  const one = run();
  torch.setNumThreads(2);
  assert.deepEqual(run(), one);
  assert.equal(torch.cpu.activeThreads(), 2);
});

await check("threads: a script that used the worker pool exits by itself", () => {
  const script = `import * as torch from ${JSON.stringify(new URL("../../mod.ts", here).href)};
    torch.setNumThreads(2);
    const n = await torch.cpu.startThreads();
    const x = torch.randn(512, 512);
    console.log(n, Number.isFinite(x.matmul(x).sum().item()));`;
  const file = join(tmpdir(), `edgetorch-threads-${process.pid}.ts`);
  writeFileSync(file, script);
  try {
    const t0 = Date.now();
    const run = spawnSync(process.execPath, [file], { encoding: "utf8", timeout: 60_000 });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout.trim(), "2 true");
    assert.ok(Date.now() - t0 < 60_000);
  } finally {
    rmSync(file);
  }
});

await check("a plain training loop (no scope, no dispose) holds memory on a plateau", () => {
  // The plain-loop issue measured 1.7-2.7 GB RSS for this loop under Bun before temporaries had
  // an owner. Resident wasm bytes are the library's part: after the first steps they must stay
  // within one step's results (the output and loss the user was handed each step are reclaimed
  // by the collector or spilled, never the library's temporaries).
  const b = wasmBackend();
  torch.manualSeed(0);
  const model = new nn.Sequential(new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 10));
  const opt = new optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  const x = torch.randn(64, 784), y = torch.randint(0, 10, [64]);
  const step = () => {
    opt.zeroGrad();
    const loss = F.crossEntropy(model(x), y);
    loss.backward();
    opt.step();
    return loss;
  };
  for (let i = 0; i < 50; i++) step().item();
  const rss0 = process.memoryUsage().rss;
  let peak = rss0;
  for (let i = 0; i < 1000; i++) {
    const loss = step();
    if (i % 100 === 99) {
      loss.item();
      peak = Math.max(peak, process.memoryUsage().rss);
    }
  }
  const resident = b.memoryStats().residentBytes;
  assert.ok(resident < 64 * 2 ** 20, `resident wasm bytes ${resident}`);
  // Before: +1.2 GB in these 1000 steps; now about +35 MB.
  assert.ok(peak - rss0 < 200 * 2 ** 20, `RSS grew from ${rss0} to ${peak} bytes in 1000 plain steps`);
});

console.log(`${isBun ? "bun" : "runtime"} smoke: ${passed} checks passed`);
