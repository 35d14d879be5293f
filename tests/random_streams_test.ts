/**
 * PyTorch 1.13's random streams through every consumer of the generator: dropout (all variants,
 * attention dropout), DataLoader iteration, samplers, multinomial, the in-place random fills and
 * Transformer layer cloning; then a training loop with dropout, a TransformerEncoder and an
 * unshuffled validation loader whose losses must be PyTorch's, step by step.
 * Expected values: tools/fixtures/random_streams.py (Debian's PyTorch 1.13, no MKL).
 */
import * as torch from "../mod.ts";
import { data, F, nn, optim } from "../mod.ts";
import type { Device, Tensor } from "../mod.ts";
import { assert, assertClose, assertCloseAsync, assertThrowsMsg } from "./helpers.ts";
import { deviceTest } from "./devices.ts";

const fx = JSON.parse(await Deno.readTextFile(new URL("./fixtures/random_streams.json", import.meta.url)));

const exact = { rtol: 0, atol: 0 };

/** The next three values of the global generator must be PyTorch's. */
function assertStreamAt(expected: number[], msg: string): void {
  assertClose(torch.rand(3), expected, { ...exact, msg: `${msg}: generator position` });
}

/** The input of the fixture's dropout cases: arange(1, n + 1) / 7 in `shape`. */
function input(shape: number[], device: Device, requiresGrad: boolean): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return torch.arange(1, n + 1, { dtype: "float32" }).div(7).reshape(shape).to(device).requiresGrad_(
    requiresGrad,
  );
}

const DROPOUTS: Record<string, (x: Tensor) => Tensor> = {
  "dropout p=0.5": (x) => F.dropout(x, 0.5),
  "dropout p=0.1": (x) => F.dropout(x, 0.1),
  "dropout p=0.9": (x) => F.dropout(x, 0.9),
  "dropout p=0.3 module": (x) => new nn.Dropout(0.3)(x),
  "dropout eval": (x) => F.dropout(x, 0.5, false),
  "dropout p=1": (x) => F.dropout(x, 1),
  "dropout1d 3d": (x) => F.dropout1d(x, 0.4),
  "dropout1d 2d": (x) => F.dropout1d(x, 0.4),
  "dropout2d 4d": (x) => F.dropout2d(x, 0.5),
  "dropout2d 3d": (x) => F.dropout2d(x, 0.5),
  "dropout3d 5d": (x) => F.dropout3d(x, 0.25),
  "dropout3d 4d": (x) => F.dropout3d(x, 0.25),
  "alpha_dropout": (x) => F.alphaDropout(x, 0.2, true),
  "alpha_dropout module": (x) => new nn.AlphaDropout(0.5)(x),
  "feature_alpha_dropout": (x) => F.featureAlphaDropout(x, { p: 0.3, training: true }),
};

deviceTest(
  "dropout, dropout1d/2d/3d, alpha dropout: PyTorch's masks, values and gradients",
  async (device) => {
    for (const c of fx.dropout) {
      const fn = DROPOUTS[c.name];
      assert.ok(fn, `no edgetorch form for ${c.name}`);
      torch.manualSeed(c.seed);
      const x = input(c.shape, device, c.grad !== undefined);
      const y = fn(x);
      await assertCloseAsync(y.flatten(), c.out, { rtol: 1e-6, atol: 1e-7, msg: c.name });
      if (c.grad) {
        const w = torch.linspace(-1, 1, y.numel()).reshape([...y.shape]).to(device);
        y.mul(w).sum().backward();
        await assertCloseAsync(x.grad!.flatten(), c.grad, { rtol: 1e-6, atol: 1e-7, msg: `${c.name} grad` });
      }
      assertStreamAt(c.rand_after, c.name);
    }
  },
);

deviceTest("dropout in place writes into the input and keeps its autograd history", async (device) => {
  torch.manualSeed(0);
  const ref = F.dropout(input([40], device, false), 0.5);
  torch.manualSeed(0);
  const x = input([40], device, false);
  const out = F.dropout(x, { p: 0.5, inplace: true });
  assert.equal(out, x);
  await assertCloseAsync(x, ref, exact);
  // On a non-leaf the in-place result stays differentiable (as nn.Dropout(inplace=True) after a layer).
  const w = input([40], device, true);
  torch.manualSeed(0);
  const h = w.mul(2);
  new nn.Dropout(0.5, true)(h).sum().backward();
  await assertCloseAsync(w.grad!, ref.ne(0).float().mul(4), { rtol: 1e-6, atol: 0 });
  // Alpha dropout in place (x * a + b: more than one node reads the input) stays differentiable too.
  const v = input([40], device, true);
  torch.manualSeed(0);
  const alphaRef = F.alphaDropout(v.detach().mul(2), 0.5, true);
  torch.manualSeed(0);
  const hv = v.mul(2);
  const out2 = F.alphaDropout(hv, { p: 0.5, training: true, inplace: true });
  assert.equal(out2, hv);
  await assertCloseAsync(hv, alphaRef, { rtol: 1e-6, atol: 1e-7 });
  hv.sum().backward();
  const a = 1 / Math.sqrt((1.7580993408473766 ** 2 * 0.5 + 1) * 0.5);
  await assertCloseAsync(v.grad!, ref.ne(0).float().mul(2 * a), { rtol: 1e-6, atol: 0 });
  assert.equal(String(new nn.Dropout(0.5, { inplace: true })), "Dropout(p=0.5, inplace=True)");
  assert.equal(String(new nn.Dropout2d(0.2)), "Dropout2d(p=0.2, inplace=False)");
});

Deno.test("dropout errors name the op and the bad value", () => {
  assertThrowsMsg(
    () => F.dropout(torch.ones(3), 1.5),
    /dropout: dropout probability has to be between 0 and 1, but got 1\.5/,
  );
  assertThrowsMsg(
    () => F.dropout(torch.ones(3, { dtype: "int32" }), 0.5),
    /dropout: expected a floating point input, got int32/,
  );
  assertThrowsMsg(
    () => F.dropout1d(torch.ones(2, 3, 4, 5)),
    /dropout1d: expected 2D or 3D input .* got a 4D input/,
  );
  assertThrowsMsg(() => F.dropout2d(torch.ones(3, 4)), /dropout2d: expected 3D or 4D input .*use dropout/);
  assertThrowsMsg(
    () => new nn.Dropout3d(-0.1),
    /Dropout3d: dropout probability has to be between 0 and 1, but got -0\.1/,
  );
  assertThrowsMsg(
    () => new nn.Dropout(0.5, "yes" as unknown as boolean),
    /Dropout: inplace must be a boolean/,
  );
});

deviceTest("MultiheadAttention's attention dropout draws PyTorch's mask", async (device) => {
  const a = fx.attention_dropout;
  const mha = new nn.MultiheadAttention(8, 2, { dropout: 0.3 });
  const shapes = Object.fromEntries(Object.entries(mha.stateDict()).map(([k, v]) => [k, v.shape]));
  mha.loadStateDict(
    Object.fromEntries(
      Object.entries(a.state).map(([k, v]) => [k, torch.tensor(v as number[]).reshape(shapes[k])]),
    ),
  );
  mha.to(device);
  const q = torch.tensor(a.q).reshape(5, 3, 8).to(device).requiresGrad_(true);
  const k = torch.tensor(a.k).reshape(4, 3, 8).to(device);
  torch.manualSeed(7);
  const [out, w] = mha(q, k, k, { averageAttnWeights: false });
  const ramp = torch.linspace(0, 1, w!.numel()).reshape([...w!.shape]).to(device);
  out.sum().add(w!.mul(ramp).sum()).backward();
  await assertCloseAsync(w!.flatten(), a.weights, { rtol: 1e-5, atol: 1e-6, msg: "weights" });
  await assertCloseAsync(out.flatten(), a.out, { rtol: 1e-5, atol: 1e-5, msg: "out" });
  await assertCloseAsync(q.grad!.flatten(), a.grad_q, { rtol: 1e-4, atol: 1e-5, msg: "grad q" });
  await assertCloseAsync(mha.in_proj_weight!.grad!.flatten(), a.grad_in_proj_weight, {
    rtol: 1e-4,
    atol: 1e-5,
    msg: "grad in_proj_weight",
  });
  assertStreamAt(a.rand_after, "attention dropout");
});

Deno.test("DataLoader draws PyTorch's base seed every time it is iterated, shuffled or not", () => {
  const s = fx.loader_seeds;
  const ds = new data.TensorDataset(torch.arange(10));
  const firsts = (loader: data.DataLoader<Tensor[], Tensor[]>) => [...loader].map((b) => b[0].toArray());
  torch.manualSeed(0);
  const plain = new data.DataLoader(ds, { batchSize: 4 });
  assert.deepEqual(firsts(plain), s.unshuffled_batches);
  assertStreamAt(s.after_one_unshuffled_epoch, "after an unshuffled epoch");
  plain[Symbol.iterator]();
  assertStreamAt(s.after_iter_only, "after creating an iterator");
  torch.manualSeed(1);
  new data.DataLoader(ds, { batchSize: 3, shuffle: true })[Symbol.iterator]().next();
  assertStreamAt(s.after_one_shuffled_batch, "after one shuffled batch");
  const g = new torch.Generator(3);
  torch.manualSeed(2);
  assert.deepEqual(firsts(new data.DataLoader(ds, { batchSize: 4, generator: g })), s.with_generator_batches);
  assertStreamAt(s.with_generator_global_after, "global generator untouched by a loader with its own");
  assertClose(torch.rand(3, { generator: g }), s.with_generator_generator_after, exact);
  torch.manualSeed(4);
  const dl = new data.DataLoader(ds, { batchSize: 4, shuffle: true, dropLast: true });
  assert.deepEqual([firsts(dl), firsts(dl)], s.drop_last_epochs);
  assertStreamAt(s.drop_last_after, "after two dropLast epochs");
});

Deno.test("samplers draw PyTorch's indices: Random, SubsetRandom, WeightedRandom, Batch", () => {
  const s = fx.samplers;
  const ds = Array.from({ length: 10 }, (_, i) => i);
  torch.manualSeed(0);
  assert.deepEqual([[...new data.RandomSampler(ds)], [...new data.RandomSampler(ds)]], s.random);
  torch.manualSeed(1);
  assert.deepEqual(
    [...new data.RandomSampler(ds, { replacement: true, numSamples: 70 })],
    s.random_replacement,
  );
  torch.manualSeed(2);
  assert.deepEqual([...new data.RandomSampler(ds, { numSamples: 23 })], s.random_num_samples);
  const g = new torch.Generator(9);
  const withG = new data.RandomSampler(ds, { numSamples: 13, generator: g });
  assert.deepEqual([[...withG], [...withG]], s.random_generator);
  assertClose(torch.rand(3, { generator: g }), s.random_generator_after, exact);
  torch.manualSeed(3);
  const subset = new data.SubsetRandomSampler([5, 7, 11, 13, 17, 19]);
  assert.deepEqual([[...subset], [...subset]], s.subset_random);
  assertStreamAt(s.rand_after_subset, "after SubsetRandomSampler");
  torch.manualSeed(4);
  assert.deepEqual([...new data.WeightedRandomSampler(s.weights, 20)], s.weighted);
  assert.deepEqual(
    [...new data.WeightedRandomSampler(s.weights, 5, { replacement: false })],
    s.weighted_no_replacement,
  );
  assert.deepEqual([...new data.WeightedRandomSampler(torch.tensor(s.weights), 1)], s.weighted_one);
  assertStreamAt(s.rand_after_weighted, "after WeightedRandomSampler");
  g.manualSeed(5);
  assert.deepEqual([...new data.WeightedRandomSampler(s.weights, 8, { generator: g })], s.weighted_generator);
  const seq = new data.SequentialSampler({ length: 10 });
  const batches = new data.BatchSampler(seq, 3, false), dropped = new data.BatchSampler(seq, 3, true);
  assert.deepEqual([...batches], s.batch);
  assert.deepEqual([...dropped], s.batch_drop_last);
  assert.deepEqual([batches.length, dropped.length], [s.batch.length, s.batch_drop_last.length]);
});

Deno.test("DataLoader with sampler, batchSampler, dropLast and collateFn reads PyTorch's batches", () => {
  const s = fx.samplers;
  torch.manualSeed(5);
  const x = torch.arange(12).mul(10);
  const ds = new data.TensorDataset(x);
  const bySampler = new data.DataLoader(ds, {
    batchSize: 4,
    sampler: new data.WeightedRandomSampler([...s.weights, ...s.weights], 10),
  });
  assert.equal(bySampler.length, 3);
  assert.deepEqual([...bySampler].map((b) => b[0].toArray()), s.loader_sampler);
  const byBatches = new data.DataLoader(ds, {
    batchSampler: new data.BatchSampler(new data.RandomSampler({ length: 12 }), 5, false),
  });
  assert.deepEqual([...byBatches].map((b) => b[0].toArray()), s.loader_batch_sampler);
  const collated = new data.DataLoader(new data.Subset(ds, [3, 1, 4, 1, 5]), {
    batchSize: 2,
    dropLast: true,
    collateFn: (items: Tensor[][]) => items.map((i) => i[0].item()),
  });
  assert.deepEqual([...collated], s.loader_subset_collate);
  assert.equal(collated.length, 2);
  assertStreamAt(s.rand_after_loaders, "after the loaders");
});

Deno.test("DataLoader option errors are PyTorch's", () => {
  const ds = new data.TensorDataset(torch.arange(6));
  const sampler = new data.SequentialSampler(ds);
  const batchSampler = new data.BatchSampler(sampler, 2, false);
  assertThrowsMsg(
    () => new data.DataLoader(ds, { sampler, shuffle: true }),
    /sampler option is mutually exclusive with shuffle/,
  );
  for (const extra of [{ batchSize: 3 }, { shuffle: true }, { sampler }, { dropLast: true }]) {
    assertThrowsMsg(
      () => new data.DataLoader(ds, { batchSampler, ...extra }),
      /batchSampler option is mutually exclusive with batchSize, shuffle, sampler, and dropLast/,
    );
  }
  assertThrowsMsg(
    () => new data.DataLoader(ds, { collate: (x) => x, collateFn: (x) => x }),
    /pass collateFn or its older name collate, not both/,
  );
  const listed = new data.DataLoader(ds, { batchSampler: [[0, 1], [7]] });
  assert.equal(listed.length, 2);
  assertThrowsMsg(() => [...listed], /DataLoader: index 7 is out of range for a data set of length 6/);
  const pairs = {
    *[Symbol.iterator]() {
      yield [5, 4];
    },
  };
  const loose = new data.DataLoader(ds, { batchSampler: pairs });
  assert.deepEqual([...loose].map((b) => b[0].toArray()), [[5, 4]]);
  assertThrowsMsg(() => loose.length, /DataLoader: the sampler has no length/);
  assertThrowsMsg(
    () => new data.RandomSampler([]),
    /numSamples should be a positive integer value, but got numSamples=0/,
  );
  assertThrowsMsg(
    () => new data.RandomSampler([1], { replacement: 1 as unknown as boolean }),
    /replacement should be a boolean value, but got replacement=1/,
  );
  assertThrowsMsg(
    () => new data.BatchSampler(sampler, 0, false),
    /batchSize should be a positive integer value/,
  );
  assertThrowsMsg(
    () => new data.BatchSampler(sampler, 2, 1 as unknown as boolean),
    /dropLast should be a boolean value, but got dropLast=1/,
  );
  assertThrowsMsg(
    () => new data.WeightedRandomSampler([1, 2], 2.5),
    /numSamples should be a positive integer value/,
  );
  assertThrowsMsg(
    () => new data.WeightedRandomSampler(torch.ones(1, 2), 2),
    /weights should be a 1d sequence but given weights have shape \[1, 2\]/,
  );
  assertThrowsMsg(
    () => [...new data.WeightedRandomSampler([0, 1, 0], 4, { replacement: false })],
    /cannot sample n_sample > prob_dist\.size\(-1\) samples without replacement/,
  );
  assertThrowsMsg(() => [...new data.WeightedRandomSampler([0, 0], 3)], /sum of probabilities <= 0/);
  assertThrowsMsg(
    () => [...new data.WeightedRandomSampler([-1, 2], 3)],
    /encountering probability entry < 0/,
  );
});

Deno.test("data sets: slice and getItems", () => {
  const ds = new data.TensorDataset(torch.arange(10), torch.arange(10).mul(2));
  const [x, y] = ds.slice(2, 8, 3).tensors;
  assert.deepEqual([x.toArray(), y.toArray()], [[2, 5], [4, 10]]);
  assert.deepEqual(ds.slice(-3).tensors[0].toArray(), [7, 8, 9]);
  assert.deepEqual(ds.slice(5, 2).length, 0);
  assert.deepEqual(ds.slice(undefined, 100).length, 10);
  assert.deepEqual(ds.getItems([1, -1]).map(([a, b]) => [a.item(), b.item()]), [[1, 2], [9, 18]]);
  const sub = new data.Subset(ds, [9, 8, 7, 6]);
  const part = sub.slice(1, 3);
  assert.ok(part instanceof data.Subset);
  assert.deepEqual([...part].map(([a]) => a.item()), [8, 7]);
  // A slice of a TensorDataset still feeds the loader's one-indexSelect batches.
  const loader = new data.DataLoader(ds.slice(4), { batchSize: 4 });
  assert.deepEqual([...loader].map((b) => b[1].toArray()), [[8, 10, 12, 14], [16, 18]]);
  assertThrowsMsg(() => ds.slice(0, 5, 0), /slice: step must be a positive integer, got 0/);
  assertThrowsMsg(
    () => ds.getItems([10]),
    /getItems: indices\[0\]: index 10 is out of range for a data set of length 10/,
  );
});

Deno.test("torch.multinomial draws PyTorch's categories", () => {
  for (const c of fx.multinomial) {
    torch.manualSeed(20 + fx.multinomial.indexOf(c));
    const out = torch.multinomial(torch.tensor(c.weights, { dtype: "float32" }), c.n, {
      replacement: c.replacement,
    });
    assert.deepEqual(out.toArray(), c.out, c.name);
    assertStreamAt(c.rand_after, c.name);
  }
  assertThrowsMsg(() => torch.multinomial(torch.ones(2, 2, 2), 1), /prob_dist must be 1 or 2 dim/);
  assertThrowsMsg(
    () => torch.multinomial(torch.tensor([1, Infinity]), 1),
    /contains either `inf`, `nan` or element < 0/,
  );
  assertThrowsMsg(() => torch.multinomial(torch.ones(2), 0), /cannot sample n_sample <= 0 samples/);
});

const FILLS: Record<string, () => Tensor> = {
  "uniform_": () => torch.empty(5).uniform_(),
  "uniform_ -2 3": () => torch.empty(2, 9).uniform_(-2, 3),
  "normal_ small": () => torch.empty(7).normal_(1, 2),
  "normal_ large": () => torch.empty(3, 11).normal_(-1, 0.5),
  "bernoulli_ 0.3": () => torch.empty(20).bernoulli_(0.3),
  "bernoulli_ default": () => torch.empty(10).bernoulli_(),
  "bernoulli_ tensor p": () => torch.empty(8).bernoulli_(torch.linspace(0, 1, 8)),
  "bernoulli fn": () => torch.bernoulli(torch.linspace(0.1, 0.9, 9)),
  "bernoulli_ int": () => torch.zeros(12, { dtype: "int32" }).bernoulli_(0.5),
  "exponential_": () => torch.empty(10).exponential_(),
  "exponential_ 2.5": () => torch.empty(10).exponential_(2.5),
  "random_ float": () => torch.empty(6).random_(),
  "random_ float to": () => torch.empty(6).random_(10),
  "random_ float from to": () => torch.empty(6).random_(-5, 5),
  "random_ int": () => torch.empty(6, { dtype: "int32" }).random_(),
  "random_ int to": () => torch.empty(6, { dtype: "int32" }).random_(100),
  "random_ int from to": () => torch.empty(6, { dtype: "int32" }).random_(-3, 3),
  "random_ bool": () => torch.empty(8, { dtype: "bool" }).random_(),
  "random_ uint8": () => torch.empty(8, { dtype: "uint8" }).random_(),
  "bernoulli fn float64": () => torch.bernoulli(torch.linspace(0.1, 0.9, 9, { dtype: "float64" })),
  "bernoulli_ tensor p float64": () =>
    torch.empty(8).bernoulli_(torch.linspace(0, 1, 8, { dtype: "float64" })),
};

deviceTest("uniform_, normal_, bernoulli_, exponential_, random_: PyTorch's values", async (device) => {
  for (const c of fx.fills) {
    const make = FILLS[c.name];
    assert.ok(make, `no edgetorch form for ${c.name}`);
    if (device !== "cpu" && c.dtype === "float64") continue; // float64 tensors stay on the CPU
    torch.manualSeed(fx.fills.indexOf(c));
    // Fill a tensor on the device: the draws are the same, written through an upload.
    const cpu = make();
    torch.manualSeed(fx.fills.indexOf(c));
    const onDevice = device === "cpu" ? make() : fillOnDevice(c.name, cpu, device);
    const dtype = c.dtype === "int64" ? "int32" : c.dtype;
    assert.equal(onDevice.dtype, dtype, c.name);
    assert.deepEqual(onDevice.shape, c.shape, c.name);
    await assertCloseAsync(onDevice.flatten().float(), c.out.map(Number), {
      rtol: 1e-7,
      atol: 0,
      msg: c.name,
    });
    assertStreamAt(c.rand_after, c.name);
  }
});

/** The fill of case `name` applied to an empty tensor like `like` on `device`. */
function fillOnDevice(name: string, like: Tensor, device: Device): Tensor {
  const t = torch.empty([...like.shape], { dtype: like.dtype, device });
  const [op] = name.split(" ");
  if (name === "bernoulli fn") return torch.bernoulli(torch.linspace(0.1, 0.9, 9)).to(device);
  if (name === "bernoulli_ tensor p float64") {
    return t.bernoulli_(torch.linspace(0, 1, 8, { dtype: "float64" }));
  }
  if (op === "uniform_") return name === "uniform_" ? t.uniform_() : t.uniform_(-2, 3);
  if (op === "normal_") return name.endsWith("small") ? t.normal_(1, 2) : t.normal_(-1, 0.5);
  if (name === "bernoulli_ tensor p") return t.bernoulli_(torch.linspace(0, 1, 8));
  if (op === "bernoulli_") {
    return name.endsWith("default") ? t.bernoulli_() : t.bernoulli_(name.endsWith("0.3") ? 0.3 : 0.5);
  }
  if (op === "exponential_") return name.endsWith("2.5") ? t.exponential_(2.5) : t.exponential_();
  if (name.endsWith("from to")) {
    return t.random_(name.includes("float") ? -5 : -3, name.includes("float") ? 5 : 3);
  }
  if (name.endsWith("to")) return t.random_(name.includes("float") ? 10 : 100);
  return t.random_();
}

Deno.test("random fills: generators, leaves and bad arguments", () => {
  const g = new torch.Generator(1);
  const a = torch.empty(4).normal_(0, 1, { generator: g });
  g.manualSeed(1);
  assertClose(torch.empty(4).normal_(0, 1, { generator: g }), a, exact);
  const w = torch.zeros(3, { requiresGrad: true });
  assertThrowsMsg(
    () => w.uniform_(),
    /uniform_: a leaf Variable that requires grad is being used in an in-place operation/,
  );
  torch.noGrad(() => w.uniform_(-1, 1));
  assert.ok(w.dataSync().every((v) => v >= -1 && v < 1));
  // On a tensor of a graph the fill cuts the gradient to the old value, as PyTorch's.
  const h = w.mul(2);
  h.exponential_();
  h.sum().backward();
  assertClose(w.grad!, [0, 0, 0], exact);
  assertThrowsMsg(
    () => torch.zeros(2, { dtype: "int32" }).normal_(),
    /normal_: expected a floating point tensor, got int32/,
  );
  assertThrowsMsg(
    () => torch.empty(2).exponential_(-1),
    /exponential_: expects lambda > 0\.0, but found lambda=-1/,
  );
  assertThrowsMsg(
    () => torch.empty(2).bernoulli_(1.5),
    /bernoulli_: expects p to be in \[0, 1\], but got p=1\.5/,
  );
  assertThrowsMsg(
    () => torch.empty(2).random_(5, 5),
    /random_: expects 'from' to be less than 'to', but got from=5 >= to=5/,
  );
  assertThrowsMsg(
    () => torch.empty(2, { dtype: "uint8" }).random_(0, 300),
    /random_: from=0 and to=300 are out of bounds for uint8/,
  );
  assertThrowsMsg(() => torch.empty(2).uniform_(1, 0), /uniform_: expects to return a \[from, to\) range/);
  assert.equal(torch.zeros(2, 3, 4).dim(), 3);
  assert.deepEqual(torch.tensor([[1, 2]]).tolist(), [[1, 2]]);
});

Deno.test("TransformerEncoder / TransformerDecoder / Transformer copy layers without drawing", () => {
  const t = fx.transformer_clone;
  torch.manualSeed(0);
  const layer = new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16 });
  const enc = new nn.TransformerEncoder(layer, 3);
  assertStreamAt(t.encoder_after, "after TransformerEncoder");
  const first = (enc.layers.at(0) as nn.TransformerEncoderLayer).stateDict();
  for (const [k, v] of Object.entries(t.encoder_layer0)) {
    assertClose(first[k].flatten(), v as number[], exact);
  }
  const last = (enc.layers.at(2) as nn.TransformerEncoderLayer).stateDict();
  for (const k of Object.keys(first)) assertClose(last[k], first[k], exact);
  assert.notEqual(last["linear1.weight"], first["linear1.weight"]);
  torch.manualSeed(1);
  new nn.TransformerDecoder(new nn.TransformerDecoderLayer(8, 2, { dimFeedforward: 16 }), 2);
  assertStreamAt(t.decoder_after, "after TransformerDecoder");
  torch.manualSeed(2);
  const tr = new nn.Transformer({
    dModel: 8,
    nhead: 2,
    numEncoderLayers: 2,
    numDecoderLayers: 2,
    dimFeedforward: 16,
  });
  assertStreamAt(t.transformer_after, "after Transformer");
  const sd = tr.stateDict();
  assert.deepEqual(Object.keys(sd).sort(), Object.keys(t.transformer).sort());
  for (const [k, v] of Object.entries(t.transformer)) {
    assertClose(sd[k].flatten(), v as number[], { ...exact, msg: k });
  }
});

class Net extends nn.Module {
  embed = new nn.Linear(3, 8);
  encoder = new nn.TransformerEncoder(
    new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0.1, batchFirst: true }),
    2,
  );
  drop = new nn.Dropout(0.2);
  head = new nn.Linear(8, 4);
  override forward(x: Tensor): Tensor {
    const h = this.encoder(this.embed(x));
    return this.head(this.drop(h.mean(1)));
  }
}

deviceTest(
  "a training loop with dropout, a TransformerEncoder and an unshuffled validation loader: PyTorch's losses, step by step",
  async (device) => {
    const t = fx.training_loop;
    torch.manualSeed(0);
    const x = torch.randn(40, 5, 3);
    const y = torch.randint(0, 4, [40]);
    const train = new data.TensorDataset(x.index("0:32"), y.index("0:32"));
    const val = new data.TensorDataset(x.index("32:"), y.index("32:"));
    const model = new Net();
    const init = model.stateDict();
    for (const [k, v] of Object.entries(t.init_state)) {
      assertClose(init[k].flatten(), v as number[], { ...exact, msg: k });
    }
    model.to(device);
    const opt = new optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
    const criterion = new nn.CrossEntropyLoss();
    const trainLoader = new data.DataLoader(train, { batchSize: 8, shuffle: true, device });
    const valLoader = new data.DataLoader(val, { batchSize: 4, device });
    const trainLosses: number[] = [], valLosses: number[] = [];
    for (let epoch = 0; epoch < 3; epoch++) {
      model.train();
      for await (const [xb, yb] of trainLoader) {
        opt.zeroGrad();
        const loss = criterion(model(xb), yb);
        loss.backward();
        opt.step();
        trainLosses.push(await loss.itemAsync());
      }
      model.eval();
      let total = 0;
      for await (const [xb, yb] of valLoader) {
        total += await torch.noGrad(() => criterion(model(xb), yb)).itemAsync();
      }
      valLosses.push(total / valLoader.length);
    }
    trainLosses.forEach((l, i) =>
      assertClose(l, t.train_losses[i], { rtol: 2e-5, atol: 1e-6, msg: `train step ${i}` })
    );
    valLosses.forEach((l, i) =>
      assertClose(l, t.val_losses[i], { rtol: 2e-5, atol: 1e-6, msg: `validation ${i}` })
    );
    const final = model.stateDict();
    for (const [k, v] of Object.entries(t.final_state)) {
      await assertCloseAsync(final[k].flatten(), v as number[], { rtol: 1e-4, atol: 1e-5, msg: k });
    }
    assertStreamAt(t.rand_after, "after training");
  },
);
