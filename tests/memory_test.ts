/** The memory model: loops that drop results stay bounded without dispose; dispose releases at once. */
import * as torch from "../mod.ts";
import { assert, assertThrowsMsg } from "./helpers.ts";
import { wasmBackend } from "../src/backends/wasm/backend.ts";

const gc = (globalThis as { gc?: () => void }).gc;

function liveBytes(): number {
  // Two full collections: buffers that old-generation objects referenced (the CPU backend's
  // spilled copies hang off long-lived cache entries) are freed by the sweeper of the first one,
  // which only the second one waits for; one collection can report them still allocated.
  gc?.();
  gc?.();
  const m = Deno.memoryUsage();
  return m.heapUsed + m.external;
}

Deno.test("10,000 ops that drop their results keep memory bounded without dispose", () => {
  const w = torch.randn(256, 256);
  const samples: number[] = [];
  for (let i = 0; i < 10_000; i++) {
    w.mul(1.0001).add(0.5).relu().sum();
    if (i % 1000 === 999) samples.push(liveBytes());
  }
  const first = samples[1], last = samples[samples.length - 1];
  // Each iteration allocates ~768 KB; unbounded growth would be ~7 GB by the end.
  assert.ok(last < first + 64 * 1024 * 1024, `memory grew from ${first} to ${last} bytes`);
});

Deno.test("a training-style loop with autograd stays bounded", () => {
  const w = torch.randn([64, 64], { requiresGrad: true });
  const x = torch.randn(32, 64);
  const samples: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const loss = x.matmul(w).tanh().pow(2).mean();
    loss.backward();
    torch.noGrad(() => w.sub_(w.grad!.mul(0.01)));
    w.grad = null;
    if (i % 200 === 199) samples.push(liveBytes());
  }
  assert.ok(
    samples[samples.length - 1] < samples[1] + 64 * 1024 * 1024,
    `memory grew: ${samples.join(", ")}`,
  );
});

Deno.test("dispose() and `using` release at once; aliases keep what they share; later use fails clearly", () => {
  const b = wasmBackend();
  const t = torch.ones(1000);
  const v = t.view(10, 100);
  const residentBefore = b.memoryStats().residentBytes;
  t.dispose();
  assert.equal(t.isDisposed, true);
  assert.equal(v.isDisposed, false, "a view keeps the storage it shares");
  assert.equal(v.sum().item(), 1000);
  t.dispose(); // idempotent
  assertThrowsMsg(() => t.add(1), /disposed/);
  v.dispose();
  assert.equal(v.isDisposed, true);
  assert.ok(b.memoryStats().residentBytes < residentBefore, "freed with the last alias");
  // No-op conversions share storage too: disposing one leaves the other intact.
  const f = torch.ones(4);
  const same = f.float();
  f.dispose();
  assert.deepEqual(same.toArray(), [1, 1, 1, 1]);
  same.dispose();
  same.dispose(); // double dispose is a no-op
  let kept: torch.Tensor;
  {
    using u = torch.zeros(10);
    kept = u;
    assert.equal(u.isDisposed, false);
  }
  assert.equal(kept.isDisposed, true);
});

Deno.test("10,000 ops that drop their results keep wasm memory within the resident budget", () => {
  const b = wasmBackend();
  const saved = b.residentBudget;
  const budget = 16 * 1024 * 1024;
  b.setResidentBudget(budget);
  try {
    const w = torch.randn(256, 256);
    const start = b.memoryStats();
    let peak = 0;
    for (let i = 0; i < 10_000; i++) {
      w.mul(1.0001).add(0.5).relu().sum();
      if (i % 250 === 0) peak = Math.max(peak, b.memoryStats().wasmBytes);
    }
    const end = b.memoryStats();
    // Each iteration allocates ~768 KB resident; nothing is disposed, so the budget must spill.
    assert.ok(end.spills > start.spills, "results were spilled");
    assert.ok(end.residentBytes <= budget, `resident ${end.residentBytes} over ${budget}`);
    // Below the budget plus one call's operands (wasm memory never shrinks, so an earlier test in
    // this process may have grown it further, but only within the default budget).
    const bound = Math.max(start.wasmBytes, end.heapBase + budget + 2 * 256 * 256 * 4 + 65536);
    assert.ok(peak <= bound && end.wasmBytes <= bound, `wasm memory ${peak} over ${bound}`);
    const defaultBound = end.heapBase + saved + 64 * 1024 * 1024;
    assert.ok(start.wasmBytes <= defaultBound, `wasm memory ${start.wasmBytes} over ${defaultBound}`);
  } finally {
    b.setResidentBudget(saved);
  }
});

/** Runs `body` (TypeScript using `torch` and `b`, the CPU backend) in a fresh process; its JSON output. */
async function fresh(body: string): Promise<Record<string, unknown>> {
  const script = `
    const torch = await import(${JSON.stringify(new URL("../mod.ts", import.meta.url).href)});
    const { wasmBackend } = await import(${
    JSON.stringify(new URL("../src/backends/wasm/backend.ts", import.meta.url).href)
  });
    const b = wasmBackend();
    ${body}`;
  const res = await new Deno.Command(Deno.execPath(), { args: ["eval", "--ext=ts", script], stderr: "piped" })
    .output();
  assert.equal(res.code, 0, new TextDecoder().decode(res.stderr));
  return JSON.parse(new TextDecoder().decode(res.stdout));
}

Deno.test("a plain training loop keeps a flat heap: the results it drops are spilled once idle", async () => {
  // Each step hands the loop its logits and loss, which it drops: no finalizer runs in a
  // synchronous loop, so without idle spills they stayed resident (2.6 KB a step) until the
  // budget. A fresh process: the heap spills idle storages only before growing into memory it
  // never used, and other tests here grow it.
  const out = await fresh(`
    torch.manualSeed(0);
    const model = new torch.nn.Sequential(new torch.nn.Linear(64, 64), new torch.nn.ReLU(), new torch.nn.Linear(64, 10));
    const opt = new torch.optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
    const x = torch.randn(64, 64), y = torch.randint(0, 10, [64]);
    const step = () => {
      opt.zeroGrad();
      const loss = torch.nn.functional.crossEntropy(model(x), y);
      loss.backward();
      opt.step();
      return loss.item();
    };
    for (let i = 0; i < 300; i++) step();
    const start = b.memoryStats();
    let last = 0;
    for (let i = 0; i < 3000; i++) last = step();
    const end = b.memoryStats();
    console.log(JSON.stringify({ start, end, last }));
  `);
  const start = out.start as { residentBytes: number; idleSpills: number; wasmBytes: number };
  const end = out.end as typeof start;
  assert.ok(end.idleSpills > start.idleSpills, "idle results were spilled");
  const grown = end.residentBytes - start.residentBytes;
  assert.ok(grown < 1024 * 1024, `resident bytes grew by ${grown} over 3000 steps (2.6 KB a step dropped)`);
  assert.ok(
    end.wasmBytes - start.wasmBytes < 2 * 1024 * 1024,
    `wasm memory ${start.wasmBytes} -> ${end.wasmBytes}`,
  );
  assert.ok(Number.isFinite(out.last as number));
});

Deno.test("an idle storage spilled to make room keeps its values and comes back on use", async () => {
  const out = await fresh(`
    const keep = torch.arange(0, 5000).float();
    const want = Array.from(keep.dataSync());
    const before = b.memoryStats().idleSpills;
    // Enough calls for keep to go idle, then allocations that need new heap memory.
    for (let i = 0; i < 3000; i++) torch.scope(() => void torch.ones(8).add(1));
    const big = [];
    for (let i = 0; i < 8 && b.memoryStats().idleSpills === before; i++) big.push(torch.zeros(1024 * 1024));
    const spilled = b.memoryStats().idleSpills > before;
    const same = JSON.stringify(Array.from(keep.mul(1).dataSync())) === JSON.stringify(want);
    console.log(JSON.stringify({ spilled, same, resident: keep._storage.resident }));
  `);
  assert.deepEqual(out, { spilled: true, same: true, resident: true });
});

Deno.test("a training step registers with the finalization registry only what outlives the step", async () => {
  // The storages a forward saves are freed by backward(): tracking each one (register, then
  // unregister a moment later) was most of the registry's cost. They are tracked in bulk when the
  // program yields or too many are pending, so a step registers only what it hands the loop (the loss and the logits, dropped).
  const out = await fresh(`
    let registered = 0;
    const proto = FinalizationRegistry.prototype;
    const register = proto.register;
    proto.register = function (...args) { registered++; return register.apply(this, args); };
    torch.manualSeed(0);
    const model = new torch.nn.Sequential(new torch.nn.Linear(64, 64), new torch.nn.ReLU(), new torch.nn.Linear(64, 10));
    const opt = new torch.optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
    const x = torch.randn(64, 64), y = torch.randint(0, 10, [64]);
    const step = () => {
      opt.zeroGrad();
      torch.nn.functional.crossEntropy(model(x), y).backward();
      opt.step();
    };
    for (let i = 0; i < 20; i++) step();
    registered = 0;
    for (let i = 0; i < 100; i++) step();
    console.log(JSON.stringify({ perStep: registered / 100 }));
  `);
  // Loss and logits, plus what happens to be alive when a full pending list is tracked; 9 a step
  // when every saved storage and gradient was registered at once.
  assert.ok((out.perStep as number) < 3, `${out.perStep} registrations per step (loss and logits: 2)`);
});

Deno.test("graphs dropped without backward() give their saved storages back to the collector", async () => {
  if (!gc) return; // needs --expose-gc (deno task test passes it)
  const b = wasmBackend();
  const w = torch.randn(32, 32, { requiresGrad: true });
  const x = torch.randn(8, 32);
  const settle = async () => {
    for (let round = 0; round < 10; round++) {
      gc();
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  await settle();
  const base = b.memoryStats().residentCount;
  // Each graph saves x@w's operands and relu's output; none is backpropagated. The loop yields
  // every 20 graphs (as an async program does): each yield tracks what is pending.
  for (let i = 0; i < 300; i++) {
    x.matmul(w).relu().mul(2).sum();
    if (i % 20 === 19) await Promise.resolve();
  }
  assert.ok(b.memoryStats().residentCount > base + 300, "the dropped graphs' storages are resident");
  await settle();
  assert.ok(
    b.memoryStats().residentCount <= base + 2,
    `resident storages ${b.memoryStats().residentCount}, ${base} before the loop`,
  );
});

Deno.test("a loop that never yields leaves its small CPU results untracked; the heap reclaims them", async () => {
  // No finalizer runs inside a synchronous loop, so registering what it drops only costs (a loop
  // dropping add [4,4] results ran at ~60% speed). Past the pending window, small CPU storages
  // stay untracked and the heap spills them once idle; large ones are still registered.
  const out = await fresh(`
    let registered = 0;
    const proto = FinalizationRegistry.prototype;
    const register = proto.register;
    proto.register = function (...args) { registered++; return register.apply(this, args); };
    const a = torch.randn(4, 4), c = torch.randn(4, 4), big = torch.randn(300, 300);
    for (let i = 0; i < 2000; i++) a.add(c);
    const small = registered;
    registered = 0;
    for (let i = 0; i < 300; i++) big.mul(2);
    const large = registered;
    const start = b.memoryStats();
    for (let i = 0; i < 20000; i++) a.add(c);
    const end = b.memoryStats();
    console.log(JSON.stringify({ small, large, start, end }));
  `);
  assert.ok((out.small as number) < 300, `${out.small} of 2000 dropped small results registered`);
  assert.ok((out.large as number) >= 256, `${out.large} of 300 dropped 90,000-element results registered`);
  const start = out.start as { residentBytes: number; idleSpills: number };
  const end = out.end as typeof start;
  assert.ok(end.idleSpills > start.idleSpills, "idle results were spilled");
  assert.ok(
    end.residentBytes - start.residentBytes < 1024 * 1024,
    `resident bytes ${start.residentBytes} -> ${end.residentBytes}`,
  );
});
