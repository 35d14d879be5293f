/**
 * The plain PyTorch-style training loop (no torch.scope, no dispose) holds no library
 * temporaries: per step only what the user was handed stays until the garbage collector (the
 * model's output and the loss), and once it runs memory is back where it started. Both devices;
 * bench/plain_loop_memory.ts runs the 10,000-step version and reports RSS.
 */
import * as torch from "../mod.ts";
import { nn, optim } from "../mod.ts";
import { assert } from "./helpers.ts";
import { deviceTest } from "./devices.ts";
import { wasmBackend } from "../src/backends/wasm/backend.ts";

const gc = (globalThis as { gc?: () => void }).gc;

/** Live storages (CPU: resident blocks) or bytes (GPU: the pool's live bytes) of the device. */
function live(device: torch.Device): number {
  return device === "cpu"
    ? wasmBackend().memoryStats().residentCount
    : torch.gpu.webgpuBackend()!.liveBytes();
}

async function settle(): Promise<void> {
  for (let i = 0; i < 4; i++) {
    gc?.();
    await new Promise((r) => setTimeout(r, 5));
  }
}

deviceTest(
  "a plain training loop keeps only what the user holds; collected, memory returns to start",
  async (device) => {
    if (!gc) return; // needs --expose-gc (deno task test passes it)
    torch.manualSeed(0);
    const model = new nn.Sequential(new nn.Linear(32, 64), new nn.ReLU(), new nn.Linear(64, 10)).to(device);
    const opt = new optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
    const crit = new nn.CrossEntropyLoss();
    const x = torch.randn([16, 32], { device }), y = torch.randint(0, 10, [16], { device });
    const step = () => {
      opt.zeroGrad();
      const loss = crit(model(x), y);
      loss.backward();
      opt.step();
      return loss;
    };
    for (let i = 0; i < 3; i++) await step().itemAsync(); // state and pool buckets exist now
    await settle();
    const start = live(device);
    const steps = 40;
    for (let i = 0; i < steps; i++) step(); // no read, no await: nothing can be collected meanwhile
    const grown = live(device) - start;
    // The user was handed two tensors per step (the output [16, 10] and the loss): nothing else.
    if (device === "cpu") assert.ok(grown <= 2 * steps, `${grown} storages for ${steps} steps`);
    else assert.ok(grown <= steps * (16 * 10 * 4 + 4) * 2, `${grown} bytes for ${steps} steps`);
    await settle();
    // GPU: once collected, memory is back at its start. CPU: a loop that never yields leaves its
    // small results untracked past the pending window (registering them only slowed the loop), and
    // the heap spills them once idle instead (tests/memory_test.ts); what was pending at the yield
    // is collected.
    if (device === "gpu") assert.equal(live(device), start, "once collected, memory is back at its start");
    else {assert.ok(
        live(device) < start + grown,
        `${live(device)} storages after collection, ${start} before`,
      );}
    // Reading the loss every step (the usual loop, which yields) stays flat as it goes.
    const levels: number[] = [];
    for (let i = 0; i < 30; i++) {
      await step().itemAsync();
      if (i % 10 === 9) {
        await settle();
        levels.push(live(device));
      }
    }
    // (CPU: flat or falling, as idle untracked results from the loop above are spilled.)
    if (device === "gpu") {
      assert.deepEqual(levels, [start, start, start], `levels ${levels} (start ${start})`);
    } else assert.ok(levels[1] <= levels[0] && levels[2] <= levels[1], `levels ${levels} (start ${start})`);
  },
);

deviceTest(
  "a plain loop frees the library's temporaries at once (a step adds no storage it does not return)",
  (device) => {
    torch.manualSeed(1);
    const model = new nn.Sequential(new nn.Linear(8, 8), new nn.Tanh(), new nn.Linear(8, 3)).to(device);
    const opt = new optim.Adam(model.parameters(), { lr: 0.01 });
    const x = torch.randn([4, 8], { device }), y = torch.randint(0, 3, [4], { device });
    const step = () => {
      opt.zeroGrad();
      const out = model(x);
      const loss = nn.functional.crossEntropy(out, y);
      loss.backward();
      opt.step();
      return [out, loss];
    };
    step();
    step();
    const before = live(device);
    const held = step(); // dispose what the user was handed: the step leaves nothing else
    for (const t of held) t.dispose();
    assert.equal(live(device), before, "only the output and the loss were added");
  },
);
