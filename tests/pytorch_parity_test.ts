/**
 * Whole programs that must behave exactly as their PyTorch originals: the same seed gives the
 * same data, the same initial weights, the same shuffles and the same printed output.
 * Expected values: tools/fixtures/pytorch_programs.py (PyTorch 1.13 on an AVX2 CPU).
 */
import * as torch from "../mod.ts";
import { data, nn } from "../mod.ts";
import { assert, assertClose } from "./helpers.ts";

const fixture = JSON.parse(
  await Deno.readTextFile(new URL("./fixtures/pytorch_programs.json", import.meta.url)),
);

Deno.test("linear-regression example prints exactly what the PyTorch program prints", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("../examples/linear_regression.ts", import.meta.url).pathname],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, stderr);
  const lines = new TextDecoder().decode(out.stdout).trim().split("\n");
  assert.deepEqual(lines, fixture.linear_regression_output);
});

Deno.test("default initialisation after manualSeed equals PyTorch's (Linear, Conv2d, Embedding)", () => {
  torch.manualSeed(0);
  const lin = new nn.Linear(5, 3);
  const conv = new nn.Conv2d(2, 4, 3);
  const emb = new nn.Embedding(6, 4);
  const expect = fixture.layer_init;
  assertClose(lin.weight.flatten(), expect["linear.weight"], { rtol: 0, atol: 0 });
  assertClose(lin.bias!, expect["linear.bias"], { rtol: 0, atol: 0 });
  assertClose(conv.weight.flatten(), expect["conv.weight"], { rtol: 0, atol: 0 });
  assertClose(conv.bias!, expect["conv.bias"], { rtol: 0, atol: 0 });
  assertClose(emb.weight.flatten(), expect["embedding.weight"], { rtol: 0, atol: 0 });
});

Deno.test("DataLoader shuffles in PyTorch's order, with the global generator or a given one", () => {
  const batchesOf = (loader: data.DataLoader<torch.Tensor[], torch.Tensor[]>) =>
    [...loader].map((b) => b[0].toArray());
  torch.manualSeed(0);
  const ds = new data.TensorDataset(torch.arange(10));
  const global = new data.DataLoader(ds, { batchSize: 4, shuffle: true });
  for (const epoch of fixture.loader_orders.global) assert.deepEqual(batchesOf(global), epoch);
  const seeded = new data.DataLoader(ds, { batchSize: 4, shuffle: true, generator: new torch.Generator(5) });
  for (const epoch of fixture.loader_orders.generator) assert.deepEqual(batchesOf(seeded), epoch);
  assertClose(torch.rand(3), fixture.loader_orders.rand_after, { rtol: 0, atol: 0 });
});
