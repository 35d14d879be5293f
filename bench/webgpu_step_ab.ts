/**
 * Same-process before/after timing of the GPU backend: loads edgetorch from each directory given
 * (e.g. an export of `main` and this checkout: `git archive main | tar -x -C /tmp/before`), each
 * with its own module graph and WebGPU device, and runs their work in alternating blocks so that
 * the load of a shared machine falls on every version alike:
 *
 *   deno run -A bench/webgpu_step_ab.ts /tmp/before .
 *
 * Per version, medians over 15 rounds of: an MLP 784-256-10 SGD-momentum training step at batch
 * 64 (blocks of 10 steps ending with a loss read), a 512 x 512 x 512 float32 matmul (blocks of 5
 * products ending with one read) and a dispatch of a tiny kernel (blocks of 200 sums of 16
 * elements ending with one read: the cost of one dispatch, encoding to completion).
 * @module
 */

interface Version {
  dir: string;
  work: Record<string, () => Promise<number>>;
  times: Record<string, number[]>;
}

const ROUNDS = 15;
const dirs = Deno.args.length > 0 ? Deno.args : ["."];
const versions: Version[] = [];
for (const dir of dirs) {
  const torch = await import(new URL(`${dir.replace(/\/$/, "")}/mod.ts`, `file://${Deno.cwd()}/`).href);
  const { nn, optim } = torch;
  if (!(await torch.gpu.isAvailable())) {
    console.log(`WebGPU: no adapter (${torch.gpu.reason}); nothing to time`);
    Deno.exit(0);
  }
  torch.manualSeed(0);
  const model = new nn.Sequential(new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 10)).to("gpu");
  const opt = new optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  const ce = new nn.CrossEntropyLoss();
  const x = torch.randn(64, 784).to("gpu"), y = torch.randint(0, 10, [64]).to("gpu");
  const a = torch.randn(512, 512).to("gpu"), b = torch.randn(512, 512).to("gpu");
  const small = torch.randn(16).to("gpu");
  const repeat = async (n: number, f: () => { itemAsync(): Promise<number> }) => {
    let last = f();
    for (let i = 1; i < n; i++) last = f();
    await last.itemAsync();
    return n;
  };
  const work = {
    "MLP step (ms)": () =>
      repeat(10, () => {
        opt.zeroGrad();
        const loss = ce(model(x), y);
        loss.backward();
        opt.step();
        return loss;
      }),
    "matmul 512³ (ms)": () => repeat(5, () => a.matmul(b).index(0, 0)),
    "tiny dispatch (µs)": async () => (await repeat(200, () => small.sum())) / 1000,
  };
  for (const f of Object.values(work)) await f(); // pipelines, optimizer state
  versions.push({ dir, work, times: Object.fromEntries(Object.keys(work).map((k) => [k, []])) });
}
for (let r = 0; r < ROUNDS; r++) {
  for (const v of r % 2 === 1 ? [...versions].reverse() : versions) {
    for (const [name, f] of Object.entries(v.work)) {
      const t0 = performance.now();
      const n = await f();
      v.times[name].push((performance.now() - t0) / n);
    }
  }
}
const names = Object.keys(versions[0].work);
console.log(`| version | ${names.join(" | ")} |\n| --- |${names.map(() => " ---: |").join("")}`);
for (const v of versions) {
  const medians = names.map((k) => v.times[k].sort((p, q) => p - q)[ROUNDS >> 1].toFixed(2));
  console.log(`| ${v.dir} | ${medians.join(" | ")} |`);
}
