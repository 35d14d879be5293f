/** The memory model: loops that drop results stay bounded without dispose; dispose releases at once. */
import * as torch from "../mod.ts";
import { assert, assertThrowsMsg } from "./helpers.ts";

const gc = (globalThis as { gc?: () => void }).gc;

function liveBytes(): number {
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

Deno.test("dispose() and `using` release storage at once; later use fails clearly", () => {
  const t = torch.ones(1000);
  const v = t.view(10, 100);
  t.dispose();
  assert.equal(t.isDisposed, true);
  assert.equal(v.isDisposed, true, "views share the released storage");
  t.dispose(); // idempotent
  assertThrowsMsg(() => t.add(1), /disposed/);
  let kept: torch.Tensor;
  {
    using u = torch.zeros(10);
    kept = u;
    assert.equal(u.isDisposed, false);
  }
  assert.equal(kept.isDisposed, true);
});
