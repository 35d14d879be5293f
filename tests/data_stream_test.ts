/**
 * Iterable-style data loading: IterableDataset, ChainDataset, DataLoader over streams (sync and
 * async), batchSize null, getWorkerInfo, defaultConvert; batches, lengths, errors and the random
 * numbers drawn after an epoch against PyTorch 1.13 (tools/fixtures/data_stream_fixtures.py ->
 * tests/fixtures/data_stream.json).
 */
import * as torch from "../mod.ts";
import {
  ChainDataset,
  DataLoader,
  defaultConvert,
  getWorkerInfo,
  IterableDataset,
  TensorDataset,
} from "../src/data/mod.ts";
import { assert, assertThrowsMsg } from "./helpers.ts";
import { deviceTest } from "./devices.ts";

interface LoaderCase {
  n: number;
  batchSize: number | null;
  dropLast: boolean;
  batches: (number[] | number)[];
  length: number;
  after: number[];
}
const fx = JSON.parse(await Deno.readTextFile(new URL("./fixtures/data_stream.json", import.meta.url))) as {
  loaders: LoaderCase[];
  errors: string[];
  chain: { items: number[]; length: number };
  mapSingles: { order: number[]; length: number; after: number[] };
};

class Range extends IterableDataset<number> {
  opened = 0;
  closed = 0;
  readonly start: number;
  readonly end: number;
  constructor(start: number, end: number) {
    super();
    this.start = start;
    this.end = end;
  }
  get length(): number {
    return this.end - this.start;
  }
  *[Symbol.iterator](): Generator<number> {
    this.opened++;
    try {
      for (let i = this.start; i < this.end; i++) yield i;
    } finally {
      this.closed++;
    }
  }
}

class AsyncRange extends IterableDataset<number> {
  readonly start: number;
  readonly end: number;
  constructor(start: number, end: number) {
    super();
    this.start = start;
    this.end = end;
  }
  async *[Symbol.asyncIterator](): AsyncGenerator<number> {
    for (let i = this.start; i < this.end; i++) {
      await new Promise((r) => setTimeout(r, 0));
      yield i;
    }
  }
}

const f32 = (v: number[]) => v.map(Math.fround);
const plain = (b: unknown) => (b instanceof torch.Tensor ? b.toArray() : b);

Deno.test("DataLoader over an IterableDataset: batches, dropLast, batchSize null, length, random stream (PyTorch)", async () => {
  for (const c of fx.loaders) {
    const what = `n=${c.n} batchSize=${c.batchSize} dropLast=${c.dropLast}`;
    const loader = new DataLoader(new Range(0, c.n), { batchSize: c.batchSize, dropLast: c.dropLast });
    torch.manualSeed(0);
    assert.deepEqual([...loader].map(plain), c.batches, what);
    assert.deepEqual(Array.from(torch.rand(3).dataSync()), f32(c.after), `${what}: rand after the epoch`);
    assert.equal(loader.length, c.length, `${what}: length`);
    torch.manualSeed(0);
    const seen: unknown[] = [];
    for await (
      const b of new DataLoader(new AsyncRange(0, c.n), { batchSize: c.batchSize, dropLast: c.dropLast })
    ) {
      seen.push(plain(b));
    }
    assert.deepEqual(seen, c.batches, `${what} (async)`);
    assert.deepEqual(
      Array.from(torch.rand(3).dataSync()),
      f32(c.after),
      `${what}: rand after the async epoch`,
    );
  }
  const batches = [...new DataLoader(new Range(0, 5), { batchSize: 2 })];
  assert.deepEqual(batches.map((b) => b.dtype), ["int32", "int32", "int32"]);
});

Deno.test("DataLoader over an IterableDataset: PyTorch's errors; a length-less stream; early exit closes it", () => {
  const ds = new Range(0, 3);
  const ours = [
    () => new DataLoader(ds, { shuffle: true }),
    () => new DataLoader(ds, { sampler: [1, 2] }),
    () => new DataLoader(ds, { batchSampler: [[1]] }),
    () => new DataLoader(ds, { batchSize: null, dropLast: true }),
  ];
  const expected = [
    /DataLoader with IterableDataset: expected unspecified shuffle option, but got shuffle=true/,
    /DataLoader with IterableDataset: expected unspecified sampler option, but got sampler=an array of length 2/,
    /DataLoader with IterableDataset: expected unspecified batchSampler option, but got batchSampler=an array/,
    /batchSize=null option disables auto-batching and is mutually exclusive with dropLast/,
  ];
  assert.equal(fx.errors.length, 4);
  ours.forEach((f, i) => assertThrowsMsg(f, expected[i]));
  new DataLoader(ds, { shuffle: false }); // PyTorch accepts shuffle=False
  assertThrowsMsg(
    () => new DataLoader(ds, { batchSize: 0 }),
    /batchSize should be a positive integer, got 0 \(or null: no batching\)/,
  );

  class Endless extends IterableDataset<number> {
    *[Symbol.iterator](): Generator<number> {
      for (let i = 0;; i++) yield i;
    }
  }
  const endless = new DataLoader(new Endless(), { batchSize: 3 });
  assertThrowsMsg(() => endless.length, /iterable-style data set \(Endless\) has no length/);
  let k = 0;
  for (const b of endless) {
    assert.deepEqual(b.toArray(), [3 * k, 3 * k + 1, 3 * k + 2]);
    if (++k === 4) break;
  }
  // Breaking out of the loop closes the data set's iterator (a fetch body's reader, say).
  const r = new Range(0, 100);
  for (const _ of new DataLoader(r, { batchSize: 4 })) break;
  assert.deepEqual([r.opened, r.closed], [1, 1]);
  // Each epoch is a fresh iterator.
  const loader = new DataLoader(r, { batchSize: 60 });
  assert.deepEqual([[...loader].length, [...loader].length, r.opened], [2, 2, 3]);
  // An async-only data set read synchronously.
  assertThrowsMsg(
    () => [...new DataLoader(new AsyncRange(0, 2))],
    /only asynchronously iterable; iterate with `for await/,
  );
  class Nothing extends IterableDataset<number> {}
  assertThrowsMsg(
    () => [...new DataLoader(new Nothing() as never)],
    /Nothing implements neither \[Symbol.iterator\] nor/,
  );
});

Deno.test("DataLoader over plain iterables and async generators; collateFn; objects; promises", async () => {
  async function* rows() {
    for (let i = 0; i < 5; i++) yield { x: [i, i + 0.5], y: i % 2 };
  }
  const seen: [number[][], number[]][] = [];
  for await (const { x, y } of new DataLoader(rows(), { batchSize: 2 })) {
    seen.push([x.map((t) => t.toArray() as number[]), y.toArray() as number[]]);
  }
  assert.deepEqual(seen, [
    [[[0, 1], [0.5, 1.5]], [0, 1]],
    [[[2, 3], [2.5, 3.5]], [0, 1]],
    [[[4], [4.5]], [0]],
  ]);
  const sums = [
    ...new DataLoader(new Range(0, 7), {
      batchSize: 3,
      collateFn: (b: number[]) => b.reduce((s, v) => s + v),
    }),
  ];
  assert.deepEqual(sums, [3, 12, 6]);
  const doubled = [
    ...new DataLoader(new Range(0, 3), { batchSize: null, collateFn: ((v: number) => v * 2) as never }),
  ];
  assert.deepEqual(doubled, [0, 2, 4]);
  // A sync iterable of promises: awaited by `for await`, refused by a sync loop.
  const promised = {
    *[Symbol.iterator]() {
      for (let i = 0; i < 3; i++) yield Promise.resolve(i);
    },
  };
  const got: number[][] = [];
  for await (const b of new DataLoader(promised, { batchSize: 2 })) got.push(b.toArray() as number[]);
  assert.deepEqual(got, [[0, 1], [2]]);
  assertThrowsMsg(
    () => [...new DataLoader(promised, { batchSize: 2 })],
    /gave a Promise; iterate with `for await/,
  );
});

Deno.test("ChainDataset and IterableDataset.add (PyTorch's ds1 + ds2); async parts; errors", async () => {
  const chain = new ChainDataset([new Range(0, 2), new Range(5, 7)]);
  assert.deepEqual([[...chain], chain.length], [fx.chain.items, fx.chain.length]);
  assert.deepEqual([...new Range(0, 2).add(new Range(3, 4))], [0, 1, 3]);
  const mixed = new ChainDataset<number>([new Range(0, 2), new AsyncRange(10, 12)]);
  const got: number[] = [];
  for await (const v of mixed) got.push(v);
  assert.deepEqual(got, [0, 1, 10, 11]);
  assertThrowsMsg(() => [...mixed], /only asynchronously iterable/);
  const batches: number[][] = [];
  for await (const b of new DataLoader(mixed, { batchSize: 3 })) batches.push(b.toArray() as number[]);
  assert.deepEqual(batches, [[0, 1, 10], [11]]);
  assertThrowsMsg(() => mixed.length, /ChainDataset: AsyncRange has no length/);
  const bad = new ChainDataset([new Range(0, 1), new TensorDataset(torch.zeros(2)) as never]);
  assertThrowsMsg(() => [...bad], /ChainDataset only supports IterableDataset, got TensorDataset/);
  assertThrowsMsg(() => bad.length, /ChainDataset only supports IterableDataset, got TensorDataset/);
});

Deno.test("map-style DataLoader with batchSize null: items one by one, PyTorch's order and random stream", () => {
  torch.manualSeed(0);
  const loader = new DataLoader(new TensorDataset(torch.arange(4)), { batchSize: null, shuffle: true });
  const order = [...loader].map(([x]) => x.item());
  assert.deepEqual(order, fx.mapSingles.order);
  assert.deepEqual(Array.from(torch.rand(2).dataSync()), f32(fx.mapSingles.after));
  assert.equal(loader.length, fx.mapSingles.length);
  assert.equal(loader.batchSampler, null);
  assert.deepEqual([...new DataLoader([1, 2, 3], { batchSize: null })], [1, 2, 3]);
});

Deno.test("getWorkerInfo is null (single process); defaultConvert", () => {
  assert.equal(getWorkerInfo(), null);
  const out = defaultConvert({
    a: new Float32Array([1, 2]),
    b: 3,
    c: [new Int32Array([1]), "s"],
    t: torch.ones(1),
  });
  assert.deepEqual([out.a.dtype, out.a.toArray(), out.b], ["float32", [1, 2], 3]);
  const c0 = out.c[0] as torch.Tensor;
  assert.deepEqual([c0.dtype, c0.toArray(), out.c[1]], ["int32", [1], "s"]);
  assert.equal(defaultConvert(new Uint8Array([7])).dtype, "uint8");
  assert.equal(defaultConvert(new Float64Array([7])).dtype, "float64");
});

deviceTest("DataLoader over an IterableDataset moves batches to `device`", async (device) => {
  const got: number[][] = [];
  for await (const b of new DataLoader(new Range(0, 5), { batchSize: 2, device })) {
    assert.equal(b.device, device);
    got.push(await b.toArrayAsync() as number[]);
  }
  assert.deepEqual(got, [[0, 1], [2, 3], [4]]);
});
