/**
 * The CPU backend's threads (src/backends/wasm/threads.ts): every kernel family that splits gives
 * the one-thread result on several threads (bit for bit, except reductions of long rows, which
 * are split into partial sums: within float rounding), through the public API and autograd; the
 * thread-count setting; the fallbacks (no shared memory or workers, threads off, workers that fail
 * to start or fail the self-test); and processes that exit with the pool running.
 */
import assert from "node:assert/strict";
import * as torch from "../mod.ts";
import { nn, optim } from "../mod.ts";
import {
  PARALLEL_MIN_NS as DEFAULT_SPLIT_NS,
  WasmBackend,
  wasmBackend,
} from "../src/backends/wasm/backend.ts";
import { decodeBase64 } from "../src/backends/wasm/base64.ts";
import { WASM_BASE64 } from "../src/backends/wasm/kernels_simd.generated.js";
import { sharedMemoryBuild, ThreadPool, threadSupport } from "../src/backends/wasm/threads.ts";
import { assertClose } from "./helpers.ts";

/** Threads of the multi-thread runs: every core, and at least 3 (two workers) on small machines. */
const N = Math.max(3, navigator.hardwareConcurrency);
const backend = wasmBackend();

type Out = torch.Tensor | torch.Tensor[];

function flat(x: Out): Float32Array[] {
  const list = Array.isArray(x) ? x : [x];
  return list.map((t) => Float32Array.from(t.dataSync() as ArrayLike<number>));
}

/** `f()` on `threads` threads; `fine`: every call split into as many parts as it goes. */
function runOn(threads: number, f: () => Out, fine: boolean): Float32Array[] {
  torch.setNumThreads(threads);
  if (fine) backend.splitCallsAbove(0);
  try {
    return flat(f());
  } finally {
    backend.splitCallsAbove(DEFAULT_SPLIT_NS);
  }
}

/**
 * `f()` on one thread, then on N threads twice: with the backend's split threshold, and with
 * every call split as finely as it goes (asserting that calls were split). Returns the results.
 */
async function oneVsMany(f: () => Out): Promise<Float32Array[][]> {
  const one = runOn(1, f, false);
  torch.setNumThreads(N);
  assert.equal(await torch.cpu.startThreads(), N, `threads did not start: ${torch.cpu.threadingReason()}`);
  const many = runOn(N, f, false);
  const jobs = backend.parallelJobs;
  const fine = runOn(N, f, true);
  assert.ok(backend.parallelJobs > jobs, "no call was split between threads");
  return [one, many, fine];
}

/** Asserts bit-identical results on 1 and N threads (NaN, -0 and infinities included). */
async function assertSame(f: () => Out): Promise<void> {
  const [one, ...others] = await oneVsMany(f);
  for (const [which, many] of others.entries()) {
    assert.equal(one.length, many.length);
    for (let t = 0; t < one.length; t++) {
      assert.equal(one[t].length, many[t].length);
      for (let i = 0; i < one[t].length; i++) {
        if (!Object.is(one[t][i], many[t][i])) {
          assert.fail(
            `output ${t} element ${i}: ${many[t][i]} on ${N} threads${which ? " (fine split)" : ""}, ${
              one[t][i]
            } on one`,
          );
        }
      }
    }
  }
}

/** Values in [-2, 2) with -0 and 0 sprinkled in, and NaN and infinities unless `finite`. */
function awkward(shape: number[], finite = false): torch.Tensor {
  torch.manualSeed(shape.reduce((a, b) => a * 31 + b, 7));
  const x = torch.rand(shape).mul(4).sub(2);
  const d = x.dataSync() as Float32Array;
  const special = finite ? [-0, 0] : [NaN, Infinity, -Infinity, -0, 0];
  for (let i = 0; i < d.length; i += 997) d[i] = special[(i / 997) % special.length];
  return torch.tensor(d).reshape(shape);
}
const finite = (...shape: number[]) => awkward(shape);

Deno.test("setNumThreads / getNumThreads: PyTorch's setting, default the cores, bad values refused", () => {
  torch.setNumThreads(3);
  assert.equal(torch.getNumThreads(), 3);
  for (const bad of [0, -1, 1.5, NaN, 257]) {
    assert.throws(
      () => torch.setNumThreads(bad),
      /setNumThreads: expected a whole number of threads from 1 to 256/,
    );
  }
  assert.throws(() => torch.setNumThreads("2" as unknown as number), /got string/);
  assert.equal(torch.getNumThreads(), 3);
  torch.setNumThreads(navigator.hardwareConcurrency);
  assert.equal(torch.getNumThreads(), navigator.hardwareConcurrency);
});

Deno.test("threads run here (Deno has shared memory and workers)", async () => {
  assert.equal(threadSupport(), null);
  torch.setNumThreads(N);
  assert.equal(await torch.cpu.startThreads(), N);
  assert.equal(torch.cpu.threadingReason(), null);
  assert.equal(torch.cpu.activeThreads(), N);
  torch.setNumThreads(2);
  assert.equal(torch.cpu.activeThreads(), 2);
});

Deno.test("elementwise ops: the same bits on N threads", async () => {
  const x = awkward([300_000]), y = awkward([300_000]).flip(0);
  await assertSame(() => [x.exp(), x.relu(), x.sigmoid(), x.tanh(), x.log(), x.neg(), x.sqrt()]);
  await assertSame(() => [x.add(y), x.mul(y), x.div(y), x.pow(y), torch.maximum(x, y)]);
  await assertSame(() => [x.mul(3), x.pow(2), x.pow(0.5), x.pow(-1), x.sub(0.25)]);
  await assertSame(() => [x.gt(y).float(), x.le(0).float(), x.eq(y).float()]);
  await assertSame(() => torch.where(x.gt(0), x, y));
  await assertSame(() => [x.half().float(), finite(300_000).int().float(), x.bool().float()]);
  // Broadcast tiles: a row vector (600 elements), a short tile (3), a column.
  const m = awkward([1000, 600]), row = awkward([600]), col = awkward([1000, 1]), t3 = awkward([3]);
  await assertSame(() => [m.add(row), m.mul(col), awkward([100_000, 3]).sub(t3), row.mul(m)]);
  // int32
  const i = torch.randint(-1000, 1000, [400_000]), j = torch.randint(-1000, 1000, [400_000]);
  await assertSame(() => [i.add(j).float(), i.mul(j).float(), i.abs().float()]);
});

Deno.test("float64: elementwise ops split with the same bits; reductions, softmax, sorts, scans and products give the one-thread bits", async () => {
  const x = awkward([300_000]).double(), y = awkward([300_000]).flip(0).double();
  const m = awkward([300, 700], true).double(), w = awkward([700, 200], true).double();
  const f = () => [
    x.exp(),
    x.tanh(),
    x.sqrt(),
    x.add(y),
    x.mul(y),
    x.div(y),
    x.pow(y),
    x.sub(0.25),
    x.remainder(y),
    torch.maximum(x, y),
    x.gt(y).double(),
    m.add(m.sum(0)),
    m.sum(1),
    m.sum(),
    m.amax(0),
    m.argmax(1).double(),
    m.softmax(1),
    m.logSoftmax(1),
    m.cumsum(1),
    m.cumprod(0),
    m.argsort(1).double(),
    m.matmul(w),
  ];
  const bits = () => f().map((t) => Float64Array.from(t.dataSync() as ArrayLike<number>));
  torch.setNumThreads(1);
  const one = bits();
  torch.setNumThreads(N);
  assert.equal(await torch.cpu.startThreads(), N);
  const jobs = backend.parallelJobs;
  backend.splitCallsAbove(0);
  let many: Float64Array[];
  try {
    many = bits();
  } finally {
    backend.splitCallsAbove(DEFAULT_SPLIT_NS);
  }
  assert.ok(backend.parallelJobs > jobs, "no float64 call was split between threads");
  assert.equal(many.length, one.length);
  one.forEach((a, t) => {
    assert.equal(many[t].length, a.length);
    for (let i = 0; i < a.length; i++) {
      if (!Object.is(a[i], many[t][i])) {
        assert.fail(`output ${t} element ${i}: ${many[t][i]} on ${N} threads, ${a[i]} on one`);
      }
    }
  });
});

Deno.test("reductions: rows and column blocks exact, long rows within rounding", async () => {
  const x = finite(2048, 300);
  await assertSame(() => [x.sum(1), x.amax(1), x.amin(1), x.argmax(1).float(), x.prod(1)]);
  const wide = finite(3, 100, 4099);
  await assertSame(
    () => [wide.sum(1), wide.amax(1), wide.argmin(1).float(), wide.sum(1, { keepdim: true })],
  );
  const withNaN = awkward([300, 4096]);
  await assertSame(
    () => [withNaN.amax(0), withNaN.argmax(0).float(), withNaN.amin(0), withNaN.argmin(0).float()],
  );
  const big = finite(4000, 2000);
  await assertSame(() => [big.sum(0), big.sum(1), big.amax(0)]);
  const ints = torch.randint(-50, 50, [2_000_000]);
  await assertSame(() => [ints.sum().float(), ints.amax().float(), ints.argmin().float()]);
  // Long rows: pieces reduced on several threads, then combined (sums along the kernel's own
  // pairwise tree: exact; products in chunks: within rounding).
  torch.manualSeed(1);
  const long = torch.rand(3_000_000);
  await assertSame(() => [long.sum(), long.amax(), long.argmax().float(), long.argmin().float()]);
  await assertSame(() => [finite(2, 1_000_003).sum(1), torch.rand(2, 70_000).sum(1), long.mean()]);
  const nearOne = torch.rand(2, 300_000).mul(2e-5).add(1 - 1e-5);
  const [one, ...many] = await oneVsMany(() => nearOne.prod(1));
  // Each float32 accumulator multiplies ~75,000 factors: both results carry rounding of ~1e-3.
  for (const m of many) assertClose(Array.from(m[0]), Array.from(one[0]), { rtol: 3e-3 });
  // NaN at a late position and ties: the first index wins, as on one thread.
  const d = long.dataSync() as Float32Array;
  d[2_500_000] = NaN;
  d[2_700_000] = NaN;
  d[10] = 5;
  d[2_000_000] = 5;
  const special = torch.tensor(d);
  await assertSame(() => [special.argmax().float(), special.amax()]);
  const tie = torch.tensor(d.map((v, i) => (i === 2_500_000 || i === 2_700_000 ? 0 : v)));
  await assertSame(() => [tie.argmax().float(), tie.argmin().float(), tie.amin()]);
  await assertSame(() => [finite(64, 20_000).cumsum(1), finite(64, 100, 40).cumsum(1)]);
});

Deno.test("copies (transposes, permutes, slices, broadcasts), gather, indexSelect and scatterAdd", async () => {
  const x = awkward([700, 900]), y = awkward([8, 30, 40, 50]);
  await assertSame(() => [
    x.t().contiguous(),
    x.index("1:600:2", "::3").contiguous(),
    y.permute(0, 2, 3, 1).contiguous(),
    y.permute(3, 1, 0, 2).contiguous(),
    awkward([1, 900]).expand(700, 900).contiguous(),
  ]);
  torch.manualSeed(2);
  const idx = torch.randint(0, 900, [700, 120]), rows = torch.randint(0, 700, [500]);
  const src = awkward([700, 120]),
    ints = torch.randint(0, 9, [700, 900]),
    ones = torch.ones(700, 120, { dtype: "int32" });
  await assertSame(() => [
    x.gather(1, idx),
    x.indexSelect(0, rows),
    x.indexSelect(1, idx.index(0)),
    torch.zeros(700, 900).scatterAdd(1, idx, src),
    ints.scatterAdd(1, idx, ones).float(),
  ]);
  // A bad index far into the tensor: the one-thread error, nothing written.
  const d = idx.dataSync() as Int32Array;
  d[650 * 120 + 7] = 900;
  const bad = torch.tensor(d).reshape([700, 120]);
  for (const threads of [1, N]) {
    torch.setNumThreads(threads);
    backend.splitCallsAbove(0);
    try {
      assert.throws(() => x.gather(1, bad), /index 900 is out of bounds for dimension with size 900/);
      assert.throws(
        () => torch.zeros(700, 900).scatterAdd(1, bad, src),
        /index 900 is out of bounds for dimension with size 900/,
      );
    } finally {
      backend.splitCallsAbove(DEFAULT_SPLIT_NS);
    }
  }
});

Deno.test("12 threads: calls of more parts than the pool's part list (long rows of 23 rows) still add up", async () => {
  torch.setNumThreads(12);
  assert.equal(await torch.cpu.startThreads(), 12, String(torch.cpu.threadingReason()));
  const x = finite(23, 70_000), ints = torch.randint(-9, 9, [23, 70_000]);
  const run = (threads: number) => {
    torch.setNumThreads(threads);
    backend.splitCallsAbove(threads > 1 ? 0 : DEFAULT_SPLIT_NS);
    try {
      return flat([x.sum(1), x.amax(1), x.argmin(1).float(), ints.sum(1).float(), x.matmul(x.t())]);
    } finally {
      backend.splitCallsAbove(DEFAULT_SPLIT_NS);
    }
  };
  const one = run(1), jobs = backend.parallelJobs, many = run(12);
  assert.ok(backend.parallelJobs - jobs > 5);
  one.forEach((a, i) => assert.ok(a.every((v, j) => Object.is(v, many[i][j])), `output ${i}`));
  torch.setNumThreads(N);
});

Deno.test("softmax, log-softmax, cross-entropy forward and backward: the same bits", async () => {
  const x = finite(1024, 500);
  await assertSame(() => [x.softmax(1), x.logSoftmax(1)]);
  const logits = finite(4096, 100).requiresGrad_();
  const target = torch.randint(0, 100, [4096]);
  const t = target.dataSync() as Int32Array;
  for (let i = 0; i < t.length; i += 7) t[i] = -100;
  const tgt = torch.tensor(t);
  await assertSame(() => {
    logits.grad = null;
    const loss = nn.functional.crossEntropy(logits, tgt);
    loss.backward();
    const none = nn.functional.crossEntropy(logits, tgt, { reduction: "none" });
    return [loss.detach(), none.detach(), logits.grad!];
  });
  assert.throws(
    () => nn.functional.crossEntropy(logits, torch.full([4096], 100, { dtype: "int32" })),
    /out of bounds|100/,
  );
});

Deno.test("argsort / sort / topk of rows: the same indices on N threads (stable)", async () => {
  torch.manualSeed(3);
  const x = torch.randint(0, 50, [512, 1000]).float();
  await assertSame(
    () => [x.argsort(1).float(), x.sort(1, { descending: true }).values, x.topk(5, 1).indices.float()],
  );
  const f = awkward([256, 2000]);
  await assertSame(() => [f.argsort(1).float(), f.argsort(1, { descending: true }).float()]);
  // Long rows (runs sorted on several threads, then merged): ties, NaN, -0, int32.
  const ties = torch.randint(0, 1000, [200_000]).float(), odd = awkward([2, 40_001]);
  const ints = torch.randint(-5, 5, [100_003]);
  await assertSame(() => [
    ties.argsort().float(),
    ties.argsort({ descending: true }).float(),
    ties.sort().values,
    odd.argsort(1).float(),
    odd.argsort(1, { descending: true }).float(),
    ints.argsort().float(),
  ]);
});

Deno.test("matmul: every transpose, batched, broadcast and with a bias, the same bits", async () => {
  const a = finite(301, 407), b = finite(407, 509);
  const at = a.t().contiguous(), bt = b.t().contiguous();
  await assertSame(() => [a.matmul(b), at.t().matmul(b), a.matmul(bt.t()), at.t().matmul(bt.t())]);
  const ba = finite(8, 100, 120), bb = finite(8, 120, 90);
  await assertSame(() => [ba.matmul(bb), ba.matmul(bb.index(0)), ba.index(0).matmul(bb)]);
  const w = finite(256, 784), bias = awkward([256]), x = finite(64, 784);
  await assertSame(() => [nn.functional.linear(x, w, bias), x.matmul(w.t())]);
  // The backward products of a layer.
  const wr = w.clone().requiresGrad_(), br = bias.clone().requiresGrad_();
  await assertSame(() => {
    wr.grad = null;
    br.grad = null;
    const xr = x.clone().requiresGrad_();
    nn.functional.linear(xr, wr, br).tanh().sum().backward();
    return [wr.grad!, br.grad!, xr.grad!];
  });
  // Small and odd shapes split as finely as they go (rows of the register tile, columns of 8).
  // [500, 300, 20]: A read in place (few columns), crossing the row and depth blocks.
  for (const [m, k, n] of [[7, 30, 9], [61, 50, 250], [1, 400, 33], [250, 30, 1], [500, 300, 20]]) {
    const p = finite(m, k), q = finite(k, n), bias = finite(n);
    await assertSame(
      () => [p.matmul(q), nn.functional.linear(p, q.t(), bias), finite(3, m, k).matmul(q)],
    );
  }
});

Deno.test("matmul with k = 0 in parts: zeros, or the bias in every row", async () => {
  const empty = backend.fromTyped(new Float32Array(0), "float32");
  const bias = backend.fromTyped(Float32Array.from({ length: 17 }, (_, i) => i - 8), "float32");
  const args = {
    batch: 2,
    m: 13,
    k: 0,
    n: 17,
    aBatchStride: 0,
    bBatchStride: 0,
    transA: false,
    transB: false,
  };
  torch.setNumThreads(N);
  await torch.cpu.startThreads();
  backend.splitCallsAbove(0);
  try {
    const jobs = backend.parallelJobs;
    const plain = backend.readSync(backend.matmul(empty, empty, args));
    const withBias = backend.readSync(backend.matmul(empty, empty, { ...args, bias }));
    assert.equal(backend.parallelJobs, jobs + 2);
    assert.deepEqual(Array.from(plain), new Array(2 * 13 * 17).fill(0));
    assert.deepEqual(Array.from(withBias), Array.from({ length: 2 * 13 * 17 }, (_, i) => (i % 17) - 8));
  } finally {
    backend.splitCallsAbove(DEFAULT_SPLIT_NS);
  }
});

Deno.test("conv2d, conv-transpose and pooling, forward and backward: the same bits", async () => {
  torch.manualSeed(5);
  const conv = new nn.Conv2d(8, 16, 3, { padding: 1 });
  const deconv = new nn.ConvTranspose2d(16, 4, 4, { stride: 2, padding: 1 });
  const x = torch.randn(16, 8, 28, 28);
  await assertSame(() => {
    for (const p of [...conv.parameters(), ...deconv.parameters()]) p.grad = null;
    const xr = x.clone().requiresGrad_();
    const h = conv(xr).relu();
    const pooled = nn.functional.maxPool2d(h, 2);
    const avg = nn.functional.avgPool2d(h, 3, { stride: 2, padding: 1 });
    const up = deconv(pooled);
    up.square().sum().add(avg.sum()).backward();
    return [
      h.detach(),
      pooled.detach(),
      avg.detach(),
      up.detach(),
      xr.grad!,
      ...conv.parameters()
        .map((p) => p.grad!),
      ...deconv.parameters().map((p) => p.grad!),
    ];
  });
});

Deno.test("optimizers: SGD with momentum and Adam steps give the same parameters", async () => {
  for (
    const make of [
      (p: torch.Tensor[]) => new optim.SGD(p, { lr: 0.01, momentum: 0.9, weightDecay: 1e-4 }),
      (p: torch.Tensor[]) => new optim.Adam(p, { lr: 1e-3, weightDecay: 1e-2 }),
      (p: torch.Tensor[]) => new optim.AdamW(p, { lr: 1e-3, amsgrad: true }),
    ]
  ) {
    await assertSame(() => {
      torch.manualSeed(9);
      const p = torch.randn(1000, 600).requiresGrad_();
      const opt = make([p]);
      for (let s = 0; s < 3; s++) {
        opt.zeroGrad();
        p.sin().sum().backward();
        opt.step();
      }
      return p.detach();
    });
  }
});

Deno.test("an MLP training step: loss and every parameter the same on N threads", async () => {
  const run = () => {
    torch.manualSeed(11);
    const model = new nn.Sequential(new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 10));
    const opt = new optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
    const x = torch.randn(64, 784), y = torch.randint(0, 10, [64]);
    const losses: torch.Tensor[] = [];
    for (let s = 0; s < 3; s++) {
      opt.zeroGrad();
      const loss = nn.functional.crossEntropy(model(x), y);
      loss.backward();
      opt.step();
      losses.push(loss.detach());
    }
    return [...losses, ...model.parameters().map((p) => p.detach())];
  };
  await assertSame(run);
});

Deno.test("no threads: a backend with threads off computes the same, on one thread, and says why", () => {
  torch.setNumThreads(N);
  const off = new WasmBackend({ threads: false });
  assert.match(off.threadingReason!, /threads are off for this backend/);
  const on = new WasmBackend();
  const r = new Float32Array(400 * 500).map((_, i) => Math.sin(i));
  const a = off.fromTyped(r, "float32"), b = on.fromTyped(r, "float32");
  const args = {
    batch: 1,
    m: 400,
    k: 500,
    n: 400,
    aBatchStride: 0,
    bBatchStride: 0,
    transA: false,
    transB: true,
  };
  const x = off.readSync(off.matmul(a, a, args));
  assert.equal(off.parallelJobs, 0);
  assert.equal(off.activeThreads, 1);
  // The threaded backend splits once its pool runs (it starts at the first large call).
  let y = on.readSync(on.matmul(b, b, args));
  for (let i = 0; i < 1000 && on.parallelJobs === 0; i++) y = on.readSync(on.matmul(b, b, args));
  assert.ok(on.parallelJobs > 0, `the pool did not start: ${on.threadingReason}`);
  assert.deepEqual(x, y);
  on.stopThreads();
  off.stopThreads();
});

Deno.test("memory ownership: a tight budget (spills, staged large operands) gives the same bits", () => {
  const MiB = 2 ** 20;
  const results: Float32Array[][] = [];
  for (const threads of [1, N]) {
    torch.setNumThreads(threads);
    const b = new WasmBackend({ residentBudget: 4 * MiB });
    b.splitCallsAbove(0);
    const r = (n: number, seed: number) =>
      b.fromTyped(Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37 + seed)), "float32");
    const mm = {
      batch: 1,
      m: 600,
      k: 600,
      n: 600,
      aBatchStride: 0,
      bBatchStride: 0,
      transA: false,
      transB: false,
    };
    let x = r(600 * 600, 1);
    const w = r(600 * 600, 2), p = r(600 * 600, 3), g = r(600 * 600, 4), buf = r(600 * 600, 5);
    const out: Float32Array[] = [];
    for (let step = 0; step < 6; step++) {
      const y = b.matmul(x, w, mm); // 1.4 MB operands: over a quarter of the budget, staged when spilled
      const z = b.unary("tanh", b.binary("add", y, x, 600 * 600, "float32"));
      b.sgdUpdate(p, g, buf, {
        lr: 0.01,
        momentum: 0.9,
        dampening: 0,
        weightDecay: 0,
        nesterov: false,
        maximize: false,
        firstStep: step === 0,
      });
      out.push(
        b.readSync(b.softmax(z, 600, 600, false)) as Float32Array,
        b.readSync(b.reduce("sum", z, 1, 600, 600)) as Float32Array,
      );
      x = z; // y and the rest dropped: spilled as the budget fills
    }
    out.push(b.readSync(p) as Float32Array, b.readSync(buf) as Float32Array);
    assert.ok(b.memoryStats().spills > 0, "nothing was spilled");
    if (threads > 1) assert.ok(b.parallelJobs > 10);
    b.stopThreads();
    results.push(out);
  }
  assert.equal(results[0].length, results[1].length);
  results[0].forEach((a, i) => assert.ok(a.every((v, j) => Object.is(v, results[1][i][j])), `result ${i}`));
});

Deno.test("a dropped backend with running workers is collected (its pool holds it weakly)", async () => {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return; // needs --expose-gc (deno task test passes it)
  torch.setNumThreads(2);
  let collected = 0;
  const registry = new FinalizationRegistry(() => collected++);
  // (A helper: a backend held in this async function's own variables would stay reachable.)
  const start = async () => {
    const b = new WasmBackend();
    assert.equal(await b.startThreads(), 2);
    registry.register(b, 0);
  };
  await start();
  await start();
  for (let i = 0; i < 50 && collected < 2; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.equal(collected, 2, "a backend with a pool was not collected");
});

/** Runs `body` with globals removed (restored after), as a runtime without them. */
function without<T>(names: string[], body: () => T): T {
  const g = globalThis as Record<string, unknown>;
  const saved = names.map((n) => Object.getOwnPropertyDescriptor(g, n));
  try {
    for (const n of names) delete g[n];
    return body();
  } finally {
    names.forEach((n, i) => saved[i] && Object.defineProperty(g, n, saved[i]!));
  }
}

Deno.test("no shared memory or no workers: one thread, with the reason, never an error", () => {
  without(["SharedArrayBuffer"], () => {
    assert.match(threadSupport()!, /no SharedArrayBuffer/);
    const b = new WasmBackend();
    assert.match(b.threadingReason!, /no SharedArrayBuffer/);
    const s = b.fromTyped(new Float32Array(600 * 600).fill(0.5), "float32");
    const args = {
      batch: 1,
      m: 600,
      k: 600,
      n: 600,
      aBatchStride: 0,
      bBatchStride: 0,
      transA: false,
      transB: false,
    };
    assert.equal(b.readSync(b.matmul(s, s, args))[0], 150);
    assert.equal(b.parallelJobs, 0);
  });
  without(["process", "Worker"], () => {
    assert.match(threadSupport()!, /no workers/);
    assert.match(new WasmBackend().threadingReason!, /no workers/);
  });
  without(["SharedArrayBuffer"], () => {
    (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated = false;
    try {
      assert.match(threadSupport()!, /not cross-origin isolated.*Cross-Origin-Opener-Policy/);
    } finally {
      delete (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
    }
  });
});

Deno.test("sharedMemoryBuild marks only the memory import shared", () => {
  const bytes = decodeBase64(WASM_BASE64);
  const shared = sharedMemoryBuild(bytes);
  const diff = [...bytes].flatMap((v, i) => (v !== shared[i] ? [i] : []));
  assert.equal(diff.length, 1);
  assert.equal(bytes[diff[0]], 1);
  assert.equal(shared[diff[0]], 3);
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true });
  new WebAssembly.Instance(new WebAssembly.Module(shared), { env: { memory, abort() {} } });
  // A module with no memory import to share.
  assert.throws(
    () => sharedMemoryBuild(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])),
    /no unshared memory import/,
  );
});

/** A pool over a fresh shared memory, its workers instantiating `module`. */
function testPool(module: WebAssembly.Module, selfTest: () => string | null): ThreadPool {
  const memory = new WebAssembly.Memory({ initial: 4, maximum: 65536, shared: true });
  let next = 65536;
  return new ThreadPool({
    module,
    memory,
    names: ["sum_f32"],
    scratch: () => (next += 32768) - 32768,
    selfTest,
  });
}

async function settle(pool: ThreadPool, want: number): Promise<number> {
  for (let i = 0; i < 3000; i++) {
    const n = pool.available(want);
    if (n === want || pool.failure !== null) return n;
    await new Promise((r) => setTimeout(r, 5));
  }
  return pool.available(want);
}

Deno.test("a pool whose self-test fails stops for good, with the reason", async () => {
  const module = new WebAssembly.Module(sharedMemoryBuild(decodeBase64(WASM_BASE64)));
  let tested = 0;
  const bad = testPool(module, () => {
    tested++;
    return "thread 1 computed 3 where the calling thread computed 2";
  });
  assert.equal(await settle(bad, 2), 0);
  assert.equal(tested, 1);
  assert.match(bad.failure!, /self-test of the worker threads failed \(thread 1 computed 3/);
  assert.equal(bad.size, 0);
  assert.equal(bad.available(2), 0);
  const good = testPool(module, () => null);
  assert.equal(await settle(good, 2), 2);
  assert.equal(good.failure, null);
  good.stop();
  assert.equal(good.available(2), 0);
});

Deno.test("a pool whose workers cannot instantiate the kernels fails with the reason", async () => {
  // The unshared build cannot be instantiated over a shared memory.
  const pool = testPool(new WebAssembly.Module(decodeBase64(WASM_BASE64)), () => null);
  assert.equal(await settle(pool, 2), 0);
  assert.match(pool.failure!, /could not instantiate the kernels/);
});

Deno.test("a script that used threads exits when its work is done", async () => {
  const script = `
    import * as torch from ${JSON.stringify(new URL("../mod.ts", import.meta.url).href)};
    torch.setNumThreads(2);
    const threads = await torch.cpu.startThreads();
    const x = torch.randn(512, 512);
    const s = x.matmul(x).sum().item();
    console.log(JSON.stringify({ threads, finite: Number.isFinite(s), reason: torch.cpu.threadingReason() }));
  `;
  const t0 = performance.now();
  const res = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--ext=ts", script],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(res.code, 0, new TextDecoder().decode(res.stderr));
  assert.deepEqual(JSON.parse(new TextDecoder().decode(res.stdout)), {
    threads: 2,
    finite: true,
    reason: null,
  });
  assert.ok(performance.now() - t0 < 60_000);
});

/** The path of `cmd` on PATH, or null. */
function which(cmd: string): string | null {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    try {
      if (Deno.statSync(`${dir}/${cmd}`).isFile) return `${dir}/${cmd}`;
    } catch {
      // not here
    }
  }
  return null;
}

Deno.test("from a minified bundle, Deno, Bun and Node (where installed) run the pool and exit", async () => {
  const dir = await Deno.makeTempDir({ prefix: "edgetorch-threads-" });
  try {
    await Deno.writeTextFile(
      `${dir}/probe.ts`,
      `import * as torch from ${JSON.stringify(new URL("../mod.ts", import.meta.url).href)};
      const run = () => {
        torch.manualSeed(3);
        const a = torch.randn(300, 400), w = torch.randn(200, 400).requiresGrad_();
        const y = torch.nn.functional.linear(a, w).relu().softmax(1);
        y.sum().backward();
        return [...y.dataSync(), ...w.grad.dataSync()];
      };
      torch.setNumThreads(1);
      const one = run();
      torch.setNumThreads(2);
      const threads = await torch.cpu.startThreads();
      const many = run();
      console.log(JSON.stringify({ threads, same: one.every((v, i) => Object.is(v, many[i])), reason: torch.cpu.threadingReason() }));`,
    );
    const bundle = await new Deno.Command(Deno.execPath(), {
      args: ["bundle", "--minify", "--platform", "browser", "-o", `${dir}/probe.mjs`, `${dir}/probe.ts`],
      stderr: "piped",
      stdout: "piped",
    }).output();
    assert.equal(bundle.code, 0, new TextDecoder().decode(bundle.stderr));
    const runtimes: [string, string[]][] = [[Deno.execPath(), ["run", "-A"]]];
    const bun = which("bun"), node = which("node");
    if (bun) runtimes.push([bun, []]);
    if (node) runtimes.push([node, []]);
    for (const [cmd, args] of runtimes) {
      const res = await new Deno.Command(cmd, {
        args: [...args, `${dir}/probe.mjs`],
        stdout: "piped",
        stderr: "piped",
        signal: AbortSignal.timeout(120_000),
      }).output();
      const what = `${cmd}: ${new TextDecoder().decode(res.stderr)}`;
      assert.equal(res.code, 0, what);
      assert.deepEqual(JSON.parse(new TextDecoder().decode(res.stdout)), {
        threads: 2,
        same: true,
        reason: null,
      }, what);
    }
    if (!bun || !node) {
      console.log(`not installed here: ${[bun ? "" : "bun", node ? "" : "node"].join(" ").trim()}`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
