/**
 * Concurrency: interleaved work gives the results of the same work run one piece after another.
 * Two training loops under `Promise.all`, CPU training while a GPU read is pending, and many
 * concurrent reads (each returning the values at its call, whatever happens to the tensor
 * before it resolves) are compared, bit for bit, with sequential runs. Both devices.
 */
import * as torch from "../mod.ts";
import type { Device, Tensor } from "../mod.ts";
import { F, nn, optim } from "../mod.ts";
import { assert } from "./helpers.ts";
import { deviceTest } from "./devices.ts";

interface Run {
  losses: number[];
  params: number[][];
}

/** A small regression problem and model made from `seed` (their own generator, made at once). */
function problem(seed: number, d: Device) {
  const g = new torch.Generator(seed);
  const x = torch.randn([32, 6], { generator: g }).to(d);
  const y = torch.randn([32, 2], { generator: g }).to(d);
  const model = new nn.Sequential(new nn.Linear(6, 16), new nn.Tanh(), new nn.Linear(16, 2));
  // Deterministic weights from the same generator (the global one is shared by the loops).
  for (const p of model.parameters()) {
    torch.noGrad(() => p.copy_(torch.randn([...p.shape], { generator: g }).mul(0.3)));
  }
  model.to(d);
  const opt = new optim.Adam(model.parameters(), { lr: 0.01 });
  return { x, y, model, opt };
}

/** `steps` training steps, awaiting the loss after each (the await is where other work interleaves). */
async function train(seed: number, d: Device, steps: number): Promise<Run> {
  const { x, y, model, opt } = problem(seed, d);
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) {
    opt.zeroGrad();
    const loss = F.mseLoss(model(x), y);
    loss.backward();
    opt.step();
    losses.push(await loss.itemAsync());
  }
  const params: number[][] = [];
  for (const p of model.parameters()) params.push(Array.from(await p.dataAsync()));
  return { losses, params };
}

/** The same steps with no await between them (read at the end). */
function trainSync(seed: number, steps: number): Run {
  const { x, y, model, opt } = problem(seed, "cpu");
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) {
    opt.zeroGrad();
    const loss = F.mseLoss(model(x), y);
    loss.backward();
    opt.step();
    losses.push(loss.item());
  }
  return { losses, params: model.parameters().map((p) => Array.from(p.dataSync())) };
}

deviceTest(
  "concurrency: two training loops under Promise.all match the loops run one after the other",
  async (d) => {
    const steps = 15;
    const seqA = await train(1, d, steps);
    const seqB = await train(2, d, steps);
    const [parA, parB] = await Promise.all([train(1, d, steps), train(2, d, steps)]);
    assert.deepEqual(parA, seqA, "loop A interleaved");
    assert.deepEqual(parB, seqB, "loop B interleaved");
    assert.notDeepEqual(seqA.losses, seqB.losses, "the loops differ");
  },
);

deviceTest("concurrency: CPU training while a read is pending matches the same work in order", async (d) => {
  const { x, model } = problem(3, d);
  const out = model(x).sum();
  const want = await out.itemAsync();
  const cpuWant = trainSync(4, 10);
  // Start the read, train on the CPU (synchronously) while it is pending, then take the read.
  const pending = out.itemAsync();
  const cpuRun = trainSync(4, 10);
  assert.equal(await pending, want);
  assert.deepEqual(cpuRun, cpuWant);
  // And CPU work awaited in between other pending reads.
  const reads = [out.itemAsync(), model(x).mean().itemAsync()];
  const cpuAgain = trainSync(4, 10);
  const [a, b] = await Promise.all(reads);
  assert.equal(a, want);
  assert.equal(b, await model(x).mean().itemAsync());
  assert.deepEqual(cpuAgain, cpuWant);
});

deviceTest(
  "concurrency: many concurrent reads return what sequential reads return, as of each call",
  async (d) => {
    const tensors: Tensor[] = [];
    for (let i = 0; i < 48; i++) {
      tensors.push(
        torch.arange(i + 1, { dtype: "float32", device: d }).mul(i).add(0.5),
      );
    }
    const sequential: number[][] = [];
    for (const t of tensors) sequential.push(Array.from(await t.dataAsync()));
    // Concurrent reads of every tensor, of views, and of the same tensor many times.
    const concurrent = await Promise.all(tensors.map((t) => t.dataAsync()));
    assert.deepEqual(concurrent.map((a) => Array.from(a)), sequential);
    const views = await Promise.all(tensors.slice(1).map((t) => t.index("1:").dataAsync()));
    assert.deepEqual(views.map((a) => Array.from(a)), sequential.slice(1).map((a) => a.slice(1)));
    const same = await Promise.all(Array.from({ length: 32 }, () => tensors[47].sum().itemAsync()));
    assert.ok(same.every((v) => v === same[0]));
    // A read returns the values at its call, even when the tensor changes before it resolves.
    const t = torch.zeros(4, { device: d });
    const before = t.dataAsync();
    t.add_(1);
    const middle = t.dataAsync();
    t.add_(1);
    assert.deepEqual(Array.from(await before), [0, 0, 0, 0]);
    assert.deepEqual(Array.from(await middle), [1, 1, 1, 1]);
    assert.deepEqual(Array.from(await t.dataAsync()), [2, 2, 2, 2]);
  },
);
