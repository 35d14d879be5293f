/** data: Dataset, TensorDataset, Subset, randomSplit, DataLoader, collate, transforms, readers, data sets. */
import * as torch from "../mod.ts";
import type { Tensor } from "../mod.ts";
import {
  ConcatDataset,
  DataLoader,
  Dataset,
  datasets,
  defaultCollate,
  parseCsv,
  parseIdx,
  randomSplit,
  readCsv,
  readIdx,
  Subset,
  TensorDataset,
  transforms,
} from "../src/data/mod.ts";
import { assert, assertClose, assertThrowsMsg } from "./helpers.ts";

const FASHION_DIR = new URL("../../shared/data/fashion-mnist/", import.meta.url);
const DIGITS_GZ = new URL("../../shared/data/digits.csv.gz", import.meta.url);

async function exists(url: URL): Promise<boolean> {
  try {
    await Deno.stat(url);
    return true;
  } catch {
    return false;
  }
}

async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(
    new CompressionStream("gzip"),
  );
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function flatValues(t: Tensor): number[] {
  return Array.from(t.dataSync());
}

// ---------------------------------------------------------------------------------------------
// Data sets

Deno.test("TensorDataset: items are rows of every tensor; shape checks; index checks", () => {
  const x = torch.arange(12).reshape(6, 2);
  const y = torch.tensor([0, 1, 0, 1, 1, 0]);
  const ds = new TensorDataset(x, y);
  assert.equal(ds.length, 6);
  const [xi, yi] = ds.getItem(2);
  assert.deepEqual(xi.toArray(), [4, 5]);
  assert.equal(yi.item(), 0);
  assert.deepEqual(ds.getItem(-1)[0].toArray(), [10, 11]);
  assert.equal([...ds].length, 6);
  assertThrowsMsg(() => ds.getItem(6), /index 6 is out of range for a data set of length 6/);
  assertThrowsMsg(() => ds.getItem(1.5), /index must be an integer/);
  assertThrowsMsg(() => new TensorDataset(x, torch.zeros(5)), /size mismatch.*6 rows.*tensor 1 has 5/);
  assertThrowsMsg(() => new TensorDataset(), /at least one tensor/);
  assertThrowsMsg(() => new TensorDataset(torch.tensor(3)), /0-d/);
});

Deno.test("Dataset subclass, Subset, ConcatDataset", () => {
  class Squares extends Dataset<[number, number]> {
    readonly length = 5;
    getItem(i: number): [number, number] {
      return [i, i * i];
    }
  }
  const ds = new Squares();
  const sub = new Subset(ds, [4, 0, -1]);
  assert.equal(sub.length, 3);
  assert.deepEqual(sub.getItem(0), [4, 16]);
  assert.deepEqual(sub.getItem(2), [4, 16]);
  assertThrowsMsg(() => new Subset(ds, [5]), /Subset: indices\[0\]: index 5 is out of range/);
  const cat = new ConcatDataset<[number, number]>([ds, sub]);
  assert.equal(cat.length, 8);
  assert.deepEqual(cat.getItem(4), [4, 16]);
  assert.deepEqual(cat.getItem(5), [4, 16]);
  assert.deepEqual(cat.getItem(6), [0, 0]);
  assertThrowsMsg(() => cat.getItem(8), /out of range/);
});

Deno.test("randomSplit: counts, fractions (PyTorch's remainder rule), disjoint, reproducible", () => {
  const ds = new TensorDataset(torch.arange(10));
  const ids = (s: Subset<Tensor[]>) => Array.from(s.indices);
  const [a, b] = randomSplit(ds, [7, 3], { generator: new torch.Generator(1) });
  assert.equal(a.length, 7);
  assert.equal(b.length, 3);
  assert.deepEqual([...ids(a), ...ids(b)].sort((p, q) => p - q), [...Array(10).keys()]);
  const [a2] = randomSplit(ds, [7, 3], { generator: new torch.Generator(1) });
  assert.deepEqual(ids(a2), ids(a));
  // The permutation is torch.randperm with the same generator.
  assert.deepEqual(
    [...ids(a), ...ids(b)],
    flatValues(torch.randperm(10, { generator: new torch.Generator(1) })),
  );
  // Fractions: floors, remainder handed out from the first subset on.
  assert.deepEqual(randomSplit(ds, [0.8, 0.2]).map((s) => s.length), [8, 2]);
  assert.deepEqual(randomSplit(new TensorDataset(torch.arange(5)), [0.5, 0.5]).map((s) => s.length), [3, 2]);
  assert.deepEqual(randomSplit(new TensorDataset(torch.arange(11)), [0.3, 0.3, 0.4]).map((s) => s.length), [
    4,
    3,
    4,
  ]);
  // Global generator: manualSeed makes it reproducible.
  torch.manualSeed(5);
  const g1 = ids(randomSplit(ds, [5, 5])[0]);
  torch.manualSeed(5);
  assert.deepEqual(ids(randomSplit(ds, [5, 5])[0]), g1);
  assertThrowsMsg(
    () => randomSplit(ds, [5, 4]),
    /sum of input lengths \(9\) does not equal the length of the input dataset \(10\)/,
  );
  assertThrowsMsg(
    () => randomSplit(ds, [2.5, 7.5]),
    /integer counts summing to 10 or fractions summing to 1/,
  );
  assertThrowsMsg(() => randomSplit(ds, [-1, 11]), /non-negative/);
});

// ---------------------------------------------------------------------------------------------
// DataLoader

Deno.test("DataLoader: batches in order, length, dropLast", () => {
  const x = torch.arange(20).reshape(10, 2).float();
  const y = torch.arange(10);
  const ds = new TensorDataset(x, y);
  const loader = new DataLoader(ds, { batchSize: 4 });
  assert.equal(loader.length, 3);
  const batches = [...loader];
  assert.equal(batches.length, 3);
  assert.deepEqual(batches.map(([bx]) => bx.shape), [[4, 2], [4, 2], [2, 2]]);
  assert.deepEqual(batches[0][1].toArray(), [0, 1, 2, 3]);
  assert.deepEqual(batches[2][0].toArray(), [[16, 17], [18, 19]]);
  assert.equal(batches[0][1].dtype, "int32");
  assert.equal(batches[0][0].dtype, "float32");
  const dl = new DataLoader(ds, { batchSize: 4, dropLast: true });
  assert.equal(dl.length, 2);
  assert.deepEqual([...dl].map(([, by]) => by.toArray()), [[0, 1, 2, 3], [4, 5, 6, 7]]);
  assert.equal(new DataLoader(ds).length, 10);
  assert.equal(new DataLoader(ds, { batchSize: 10, dropLast: true }).length, 1);
  assert.equal(new DataLoader(ds, { batchSize: 11, dropLast: true }).length, 0);
  assert.equal([...new DataLoader(ds, { batchSize: 11, dropLast: true })].length, 0);
  assertThrowsMsg(
    () => new DataLoader(ds, { batchSize: 0 }),
    /batchSize should be a positive integer, got 0/,
  );
  assertThrowsMsg(() => new DataLoader({} as never), /expected a data set/);
});

Deno.test("DataLoader: shuffle is a permutation, fresh each epoch, reproducible with manualSeed or a generator", () => {
  const ds = new TensorDataset(torch.arange(50));
  const epoch = (loader: DataLoader<Tensor[]>) => [...loader].flatMap(([b]) => flatValues(b));
  const loader = new DataLoader(ds, { batchSize: 8, shuffle: true });
  torch.manualSeed(123);
  const e1 = epoch(loader), e2 = epoch(loader);
  assert.deepEqual([...e1].sort((a, b) => a - b), [...Array(50).keys()]);
  assert.notDeepEqual(e1, [...Array(50).keys()]);
  assert.notDeepEqual(e1, e2);
  torch.manualSeed(123);
  assert.deepEqual(epoch(loader), e1);
  assert.deepEqual(epoch(loader), e2);
  // An explicit generator is independent of the global one.
  const g = new torch.Generator(9);
  const own = new DataLoader(ds, { batchSize: 8, shuffle: true, generator: g });
  const o1 = epoch(own);
  g.manualSeed(9);
  torch.manualSeed(1);
  assert.deepEqual(epoch(own), o1);
});

Deno.test("DataLoader: the batched fast path equals rows + defaultCollate (small and large tensors, Subset)", () => {
  torch.manualSeed(3);
  // Small tensors take indexSelect; a large one (> 8 KB per batch item) takes run copies.
  for (const [n, d] of [[37, 3], [300, 4096]]) {
    const x = torch.randn(n, d), y = torch.randint(0, 10, [n]), m = torch.rand(n).gt(0.5);
    const ds = new TensorDataset(x, y, m);
    for (const shuffle of [false, true]) {
      torch.manualSeed(11);
      const fast = [...new DataLoader(ds, { batchSize: 16, shuffle })];
      torch.manualSeed(11);
      const slow = [...new DataLoader(ds, { batchSize: 16, shuffle, collate: defaultCollate })];
      assert.equal(fast.length, slow.length);
      fast.forEach((b, i) =>
        b.forEach((t, k) => {
          assert.equal(t.dtype, slow[i][k].dtype);
          assert.deepEqual(
            t.toArray(),
            slow[i][k].toArray(),
            `n=${n} shuffle=${shuffle} batch ${i} tensor ${k}`,
          );
        })
      );
    }
    const [train] = randomSplit(ds, [0.75, 0.25], { generator: new torch.Generator(2) });
    const fast = [...new DataLoader(train, { batchSize: 10 })];
    const slow = [...new DataLoader(train, { batchSize: 10, collate: defaultCollate })];
    fast.forEach((b, i) => assert.deepEqual(b[0].toArray(), slow[i][0].toArray()));
  }
  // Batches are copies, not views of the data set.
  const x = torch.zeros(4, 2);
  const [b] = [...new DataLoader(new TensorDataset(x), { batchSize: 4 })][0];
  b.add_(1);
  assert.deepEqual(x.toArray(), [[0, 0], [0, 0], [0, 0], [0, 0]]);
});

Deno.test("DataLoader: custom collate, arrays as data sets, objects and tuples", () => {
  const items = [{ x: [1, 2], label: "a" }, { x: [3, 4], label: "b" }, { x: [5, 6], label: "c" }];
  const loader = new DataLoader(items, {
    batchSize: 2,
    collate: (batch) => ({ n: batch.length, labels: batch.map((b) => b.label).join("") }),
  });
  assert.deepEqual([...loader], [{ n: 2, labels: "ab" }, { n: 1, labels: "c" }]);
  const dflt = [...new DataLoader(items, { batchSize: 3 })][0];
  assert.deepEqual(dflt.label, ["a", "b", "c"]);
  assert.deepEqual(dflt.x.map((t) => t.toArray()), [[1, 3, 5], [2, 4, 6]]);
});

Deno.test("DataLoader: for await, with sync and async data sets", async () => {
  class Slow extends Dataset<Promise<[Tensor, number]>> {
    readonly length = 7;
    async getItem(i: number): Promise<[Tensor, number]> {
      await new Promise((r) => setTimeout(r, 1));
      return [torch.full([2], i), i % 2];
    }
  }
  const loader = new DataLoader(new Slow(), { batchSize: 3 });
  const seen: number[][] = [];
  for await (const [x, y] of loader) {
    assert.equal(x.shape[1], 2);
    assert.equal(y.dtype, "int32");
    seen.push(flatValues(y));
  }
  assert.deepEqual(seen, [[0, 1, 0], [1, 0, 1], [0]]);
  assertThrowsMsg(() => [...loader], /getItem returned a Promise; iterate with `for await/);
  let n = 0;
  for await (const [bx] of new DataLoader(new TensorDataset(torch.zeros(5, 1)), { batchSize: 2 })) {
    n += bx.shape[0];
  }
  assert.equal(n, 5);
});

Deno.test("defaultCollate: tensors, numbers, booleans, strings, typed arrays, nesting, errors", () => {
  const s = defaultCollate([torch.tensor([1, 2]), torch.tensor([3, 4])]);
  assert.deepEqual(s.toArray(), [[1, 2], [3, 4]]);
  const ints = defaultCollate([1, 2, 3]);
  assert.equal(ints.dtype, "int32");
  const floats = defaultCollate([1, 2.5]);
  assert.equal(floats.dtype, "float32");
  assert.deepEqual(floats.toArray(), [1, 2.5]);
  const bools = defaultCollate([true, false]);
  assert.equal(bools.dtype, "bool");
  assert.deepEqual(defaultCollate(["a", "b"]), ["a", "b"]);
  const typed = defaultCollate([new Float32Array([1, 2]), new Float32Array([3, 4])]);
  assert.deepEqual(typed.toArray(), [[1, 2], [3, 4]]);
  const nested = defaultCollate([{ a: [torch.zeros(2), 1], b: { c: 0.5 } }, {
    a: [torch.ones(2), 2],
    b: { c: 1.5 },
  }]);
  assert.deepEqual(nested.a[0].toArray(), [[0, 0], [1, 1]]);
  assert.deepEqual(nested.a[1].toArray(), [1, 2]);
  assert.deepEqual(nested.b.c.toArray(), [0.5, 1.5]);
  assertThrowsMsg(
    () => defaultCollate([torch.zeros(2), torch.zeros(3)]),
    /item 1 has a Tensor of shape \[3\] but item 0 has a Tensor of shape \[2\]/,
  );
  assertThrowsMsg(
    () => defaultCollate([[torch.zeros(1), 1], [torch.zeros(1), "x"]] as never),
    /item 1 has string at \[1\] but item 0 has a number/,
  );
  assertThrowsMsg(
    () => defaultCollate([[1, 2], [1]]),
    /item 1 has an array of length 1 but item 0 has an array of length 2/,
  );
  assertThrowsMsg(() => defaultCollate([{ a: 1 }, { b: 1 }] as never), /an object with key "a"/);
  assertThrowsMsg(() => defaultCollate([null]), /found null/);
  assertThrowsMsg(() => defaultCollate([]), /non-empty/);
});

// ---------------------------------------------------------------------------------------------
// Transforms

Deno.test("transforms: ToTensor ([H, W] and [H, W, C] uint8 to float [C, H, W] in [0, 1])", () => {
  const t = new transforms.ToTensor();
  const gray = t(torch.tensor([[0, 255], [51, 102]], { dtype: "uint8" }));
  assert.deepEqual(gray.shape, [1, 2, 2]);
  assert.equal(gray.dtype, "float32");
  assertClose(gray, [[[0, 1], [0.2, 0.4]]]);
  // [H=1, W=2, C=3] -> [3, 1, 2]
  const rgb = t(torch.tensor([[[0, 51, 255], [102, 153, 204]]], { dtype: "uint8" }));
  assert.deepEqual(rgb.shape, [3, 1, 2]);
  assertClose(rgb, [[[0, 0.4]], [[0.2, 0.6]], [[1, 0.8]]]);
  // Non-uint8 values are not scaled (as torchvision).
  assertClose(t(torch.tensor([[0.5, 2]])), [[[0.5, 2]]]);
  assertThrowsMsg(
    () => t(torch.zeros(2, 2, 2, 2)),
    /expected an image of shape \[H, W\] or \[H, W, C\].*\[2, 2, 2, 2\]/,
  );
  assert.equal(String(t), "ToTensor()");
});

Deno.test("transforms: Normalize per channel on [C, H, W] and [N, C, H, W]; Compose; Lambda", () => {
  const n = new transforms.Normalize([0.5, 1, 2], [0.5, 2, 4]);
  const x = torch.tensor([[[1, 0]], [[3, 1]], [[6, 2]]]); // [3, 1, 2]
  assertClose(n(x.float()), [[[1, -1]], [[1, 0]], [[1, 0]]]);
  const batch = torch.stack([x, x.mul(2)]).float(); // [2, 3, 1, 2]
  assertClose(n(batch), [[[[1, -1]], [[1, 0]], [[1, 0]]], [[[3, -1]], [[2.5, 0.5]], [[2.5, 0.5]]]]);
  assertClose(new transforms.Normalize(1, 2)(torch.ones(2, 1, 1).mul(3)), [[[1]], [[1]]]);
  assertThrowsMsg(() => n(torch.ones(2, 1, 1)), /3 mean\/std values do not match the 2 channels/);
  assertThrowsMsg(() => n(torch.ones(3, 1, 1, { dtype: "uint8" })), /should be a float tensor, got uint8/);
  assertThrowsMsg(() => n(torch.ones(3, 2)), /\[\.\.\., C, H, W\]/);
  assertThrowsMsg(() => new transforms.Normalize([0], [0]), /std evaluated to zero/);
  assert.equal(String(n), "Normalize(mean=[0.5, 1, 2], std=[0.5, 2, 4])");

  const pipeline = new transforms.Compose([
    new transforms.ToTensor(),
    new transforms.Normalize([0.5], [0.5]),
    new transforms.Lambda((t: Tensor) => t.flatten()),
  ]);
  const out = pipeline(torch.tensor([[0, 255], [255, 0]], { dtype: "uint8" }));
  assertClose(out, [-1, 1, 1, -1]);
  assert.ok(typeof pipeline === "function" && pipeline instanceof transforms.Compose);
  assert.ok(String(pipeline).startsWith("Compose(\n    ToTensor()\n    Normalize(mean=[0.5], std=[0.5])"));
  // Plain functions compose too.
  assertClose(new transforms.Compose([(t: Tensor) => t.mul(2)])(torch.ones(2)), [2, 2]);
});

// ---------------------------------------------------------------------------------------------
// IDX and CSV readers

function idx(type: number, dims: number[], body: number[] | Uint8Array): Uint8Array {
  const head = [0, 0, type, dims.length];
  for (const d of dims) head.push((d >>> 24) & 255, (d >>> 16) & 255, (d >>> 8) & 255, d & 255);
  return new Uint8Array([...head, ...body]);
}

Deno.test("parseIdx: labels and images (ubyte), other element types big-endian, 4-d", () => {
  const labels = parseIdx(idx(0x08, [4], [3, 1, 4, 1]));
  assert.equal(labels.dtype, "uint8");
  assert.deepEqual(labels.toArray(), [3, 1, 4, 1]);
  const images = parseIdx(idx(0x08, [2, 2, 3], [...Array(12).keys()]));
  assert.deepEqual(images.shape, [2, 2, 3]);
  assert.deepEqual(images.toArray(), [[[0, 1, 2], [3, 4, 5]], [[6, 7, 8], [9, 10, 11]]]);
  assert.deepEqual(parseIdx(idx(0x08, [1, 1, 2, 2], [1, 2, 3, 4])).shape, [1, 1, 2, 2]);
  assert.deepEqual(parseIdx(idx(0x09, [3], [0xff, 0x7f, 0x80])).toArray(), [-1, 127, -128]);
  assert.deepEqual(parseIdx(idx(0x0b, [2], [0xff, 0xfe, 0x01, 0x00])).toArray(), [-2, 256]);
  assert.deepEqual(parseIdx(idx(0x0c, [1], [0x80, 0, 0, 1])).toArray(), [-2147483647]);
  const f32 = new Uint8Array(8);
  new DataView(f32.buffer).setFloat32(0, 1.5, false);
  new DataView(f32.buffer).setFloat32(4, -0.25, false);
  assert.deepEqual(parseIdx(idx(0x0d, [2], f32)).toArray(), [1.5, -0.25]);
  const f64 = new Uint8Array(8);
  new DataView(f64.buffer).setFloat64(0, 3.25, false);
  const d = parseIdx(idx(0x0e, [1], f64));
  assert.equal(d.dtype, "float32");
  assert.deepEqual(d.toArray(), [3.25]);
  // A view into a larger buffer works.
  const big = new Uint8Array(100);
  big.set(idx(0x08, [2], [7, 8]), 10);
  assert.deepEqual(parseIdx(big.subarray(10, 20)).toArray(), [7, 8]);
});

Deno.test("parseIdx: truncated, wrong magic and inconsistent sizes give clear errors", () => {
  const opts = { name: "labels.idx" };
  assertThrowsMsg(() => parseIdx(new Uint8Array([0, 0]), opts), /labels\.idx: file is truncated: 2 bytes/);
  assertThrowsMsg(
    () => parseIdx(new Uint8Array([0, 0, 8, 3, 0, 0]), opts),
    /labels\.idx: file is truncated: the header of a 3-dimensional IDX file is 16 bytes, found 6/,
  );
  assertThrowsMsg(
    () => parseIdx(idx(0x08, [2, 3], [1, 2, 3]), opts),
    /truncated: shape \[2, 3\] of unsigned byte needs 6 bytes of data after the 12-byte header, found 3/,
  );
  assertThrowsMsg(
    () => parseIdx(idx(0x08, [2], [1, 2, 3]), opts),
    /inconsistent sizes: .* needs 2 bytes .* found 3 \(1 extra/,
  );
  assertThrowsMsg(
    () => parseIdx(new Uint8Array([1, 2, 3, 4, 5]), opts),
    /wrong magic number 0x01020304: expected 0x0000TTNN/,
  );
  assertThrowsMsg(() => parseIdx(idx(0x07, [1], [1]), opts), /wrong magic number 0x00000701/);
  assertThrowsMsg(() => parseIdx(new Uint8Array([0, 0, 8, 0]), opts), /wrong magic number 0x00000800/);
  assertThrowsMsg(
    () => parseIdx(idx(0x08, [1], [1]), { ...opts, expectMagic: 0x00000803 }),
    /wrong magic number 0x00000801 \(unsigned byte, 1 dimension\): expected 0x00000803 \(unsigned byte, 3 dimensions\)/,
  );
  assertThrowsMsg(
    () => parseIdx(new Uint8Array([0x1f, 0x8b, 8, 0, 0]), opts),
    /gzip-compressed.*use readIdx/,
  );
  // Huge declared sizes are refused before any allocation.
  assertThrowsMsg(() => parseIdx(idx(0x0e, [0xffffffff, 0xffffffff], []), opts), /truncated/);
});

Deno.test("readIdx: raw and gzipped files (CompressionStream), corrupt gzip", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const raw = idx(0x08, [2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8]);
    await Deno.writeFile(`${dir}/a-idx3-ubyte`, raw);
    const gz = await gzip(raw);
    assert.equal(gz[0], 0x1f);
    await Deno.writeFile(`${dir}/a-idx3-ubyte.gz`, gz);
    const a = await readIdx(`${dir}/a-idx3-ubyte`);
    const b = await readIdx(new URL(`file://${dir}/a-idx3-ubyte.gz`));
    assert.deepEqual(a.toArray(), [[[1, 2], [3, 4]], [[5, 6], [7, 8]]]);
    assert.deepEqual(b.toArray(), a.toArray());
    // Truncated gzip: either the decompressor or the IDX size check names the file.
    await Deno.writeFile(`${dir}/bad.gz`, gz.subarray(0, gz.length - 12));
    await assert.rejects(readIdx(`${dir}/bad.gz`), (e: Error) => {
      assert.match(e.message, /bad\.gz: (gzip data is corrupt or truncated|file is truncated)/);
      return true;
    });
    await Deno.writeFile(`${dir}/garbage.gz`, new Uint8Array([0x1f, 0x8b, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
    await assert.rejects(readIdx(`${dir}/garbage.gz`), /garbage\.gz: gzip data is corrupt or truncated/);
    await assert.rejects(readIdx(`${dir}/missing`), /readIdx: cannot read .*missing/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("parseCsv / readCsv: header, delimiter, CRLF, blank lines, nan/inf, errors", async () => {
  const t = parseCsv("a;b\r\n1;2.5\r\n\r\n-3;1e3\r\n", { header: true, delimiter: ";" });
  assert.deepEqual(t.header, ["a", "b"]);
  assert.deepEqual(t.rows, [[1, 2.5], [-3, 1000]]);
  const s = parseCsv('nan,inf,-inf,"4"\n');
  assert.ok(Number.isNaN(s.rows[0][0]));
  assert.deepEqual(s.rows[0].slice(1), [Infinity, -Infinity, 4]);
  assert.equal(parseCsv("1,2\n").header, null);
  assertThrowsMsg(
    () => parseCsv("1,2\n3,x\n", { name: "t.csv" }),
    /t\.csv: line 2, column 2: expected a number, found "x"/,
  );
  assertThrowsMsg(
    () => parseCsv("1,2\n3\n", { name: "t.csv" }),
    /t\.csv: line 2 has 1 fields, expected 2 \(as line 1\)/,
  );
  assertThrowsMsg(() => parseCsv("1,,2\n"), /column 2: expected a number, found ""/);
  assertThrowsMsg(() => parseCsv("0x10\n"), /expected a number, found "0x10"/);
  if (await exists(DIGITS_GZ)) {
    const d = await readCsv(DIGITS_GZ);
    assert.equal(d.rows.length, 1797);
    assert.equal(d.rows[0].length, 65);
  }
});

// ---------------------------------------------------------------------------------------------
// Built-in data sets

Deno.test("datasets.FashionMNIST from shared/data/fashion-mnist: counts, labels, items, loader", async (t) => {
  if (!(await exists(FASHION_DIR))) {
    console.warn(`SKIPPED: Fashion-MNIST directory ${FASHION_DIR.pathname} is absent`);
    return;
  }
  const train = await datasets.FashionMNIST.load(FASHION_DIR);
  const test = await datasets.FashionMNIST.load(FASHION_DIR.pathname, { train: false });
  await t.step("counts, dtypes, known labels and pixel sums", () => {
    assert.equal(train.length, 60000);
    assert.equal(test.length, 10000);
    assert.equal(train.train, true);
    assert.equal(test.train, false);
    assert.deepEqual(train.data.shape, [60000, 28, 28]);
    assert.equal(train.data.dtype, "uint8");
    assert.deepEqual(train.targets.shape, [60000]);
    assert.equal(train.targets.dtype, "int32");
    assert.deepEqual(flatValues(train.targets.narrow(0, 0, 10)), [9, 0, 0, 3, 0, 2, 7, 2, 5, 5]);
    assert.deepEqual(flatValues(test.targets.narrow(0, 0, 10)), [9, 2, 1, 1, 6, 1, 4, 6, 5, 7]);
    assert.equal(train.data.index(0).int().sum().item(), 76247);
    assert.equal(train.data.index(5).int().sum().item(), 84165);
    assert.equal(test.data.index(0).int().sum().item(), 33456);
    assert.equal(train.data.index(0, 14, 14).item(), 217);
    const hist = new Array(10).fill(0);
    for (const v of train.targets.dataSync()) hist[v]++;
    assert.deepEqual(hist, new Array(10).fill(6000));
    assert.equal(train.classes[9], "Ankle boot");
    assert.equal(datasets.FashionMNIST.classes.length, 10);
  });
  await t.step("items: default float [1, 28, 28] in [0, 1]; transforms receive the uint8 image", () => {
    const [img, label] = test.getItem(0);
    assert.deepEqual(img.shape, [1, 28, 28]);
    assert.equal(img.dtype, "float32");
    assert.equal(label, 9);
    assertClose(img.sum().item() as number, 33456 / 255, { rtol: 1e-5 });
    assert.ok(img.max().item() <= 1 && img.min().item() >= 0);
    let seen: Tensor | null = null;
    const withT = new datasets.FashionMNIST(test.data, test.targets, {
      transform: new transforms.Compose([
        (x: Tensor) => {
          seen = x;
          return x;
        },
        new transforms.ToTensor(),
        new transforms.Normalize([0.5], [0.5]),
      ]),
      targetTransform: (y: number) => test.classes[y],
    });
    const [timg, tlabel] = withT.getItem(0);
    assert.equal(tlabel, "Ankle boot");
    assert.deepEqual(seen!.shape, [28, 28]);
    assert.equal(seen!.dtype, "uint8");
    assertClose(timg, img.mul(2).sub(1), { atol: 1e-6 });
  });
  await t.step("DataLoader: fast batches equal per-item batches", () => {
    const fast = new DataLoader(test, { batchSize: 64, shuffle: true });
    const slow = new DataLoader(test, { batchSize: 64, shuffle: true, collate: defaultCollate });
    // The shuffle is drawn when the first batch is asked for (as PyTorch's sampler): take three
    // batches of each after the same seed.
    const firstBatches = (loader: typeof fast) => {
      torch.manualSeed(0);
      const it = loader[Symbol.iterator]();
      return [it.next().value!, it.next().value!, it.next().value!];
    };
    const slowBatches = firstBatches(slow);
    firstBatches(fast).forEach(([x, y], k) => {
      const [sx, sy] = slowBatches[k];
      assert.deepEqual(x.shape, [64, 1, 28, 28]);
      assert.deepEqual(flatValues(y), flatValues(sy));
      assert.deepEqual(flatValues(x), flatValues(sx));
    });
    const withT = new datasets.FashionMNIST(test.data, test.targets, {
      transform: new transforms.ToTensor(),
    });
    const [[bx, by]] = [...new DataLoader(new Subset(withT, [0, 1]), { batchSize: 2 })];
    assert.deepEqual(bx.shape, [2, 1, 28, 28]);
    assert.deepEqual(by.toArray(), [9, 2]);
  });
  await t.step("errors: missing directory, swapped files", async () => {
    await assert.rejects(
      datasets.FashionMNIST.load("/nonexistent/fashion"),
      /FashionMNIST: cannot find train-images-idx3-ubyte\.gz \(or train-images-idx3-ubyte\) in \/nonexistent\/fashion/,
    );
    const dir = await Deno.makeTempDir();
    try {
      const labels = await Deno.readFile(new URL("t10k-labels-idx1-ubyte.gz", FASHION_DIR));
      await Deno.writeFile(`${dir}/t10k-images-idx3-ubyte.gz`, labels);
      await Deno.writeFile(`${dir}/t10k-labels-idx1-ubyte`, idx(0x08, [1], [1]));
      await assert.rejects(
        datasets.FashionMNIST.load(dir, { train: false }),
        /t10k-images-idx3-ubyte\.gz: wrong magic number 0x00000801 \(unsigned byte, 1 dimension\): expected 0x00000803/,
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
});

Deno.test("datasets.Digits: 1797 embedded samples, label histogram, items, loader; embedded copy up to date", async () => {
  const ds = await datasets.Digits.load();
  assert.equal(ds.length, 1797);
  assert.deepEqual(ds.data.shape, [1797, 8, 8]);
  assert.equal(ds.data.dtype, "uint8");
  const hist = new Array(10).fill(0);
  for (const v of ds.targets.dataSync()) hist[v]++;
  assert.deepEqual(hist, [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]);
  assert.deepEqual(flatValues(ds.targets.narrow(0, 0, 10)), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(ds.data.max().item(), 16);
  assert.equal(ds.data.min().item(), 0);
  assert.equal(ds.data.index(0).int().sum().item(), 294);
  const [img, label] = ds.getItem(0);
  assert.deepEqual(img.shape, [1, 8, 8]);
  assert.equal(label, 0);
  assertClose(img.sum().item() as number, 294 / 16);
  const flat = await datasets.Digits.load({ transform: (x: Tensor) => x.flatten() });
  assert.deepEqual(flat.getItem(3)[0].shape, [64]);
  // Loader over a split: the fast path gives [B, 1, 8, 8] and int32 labels, equal to per-item.
  const [train, test] = randomSplit(ds, [0.8, 0.2], { generator: new torch.Generator(0) });
  assert.deepEqual([train.length, test.length], [1438, 359]);
  const [[x, y]] = [...new DataLoader(test, { batchSize: 359 })];
  const [[sx, sy]] = [...new DataLoader(test, { batchSize: 359, collate: defaultCollate })];
  assert.deepEqual(x.shape, [359, 1, 8, 8]);
  assert.deepEqual(flatValues(x), flatValues(sx));
  assert.deepEqual(flatValues(y), flatValues(sy));
  // The embedded copy matches shared/data/digits.csv.gz (tools/embed_digits.ts --check).
  if (await exists(DIGITS_GZ)) {
    const src = await Deno.readFile(DIGITS_GZ);
    const hash = Array.from(
      new Uint8Array(await crypto.subtle.digest("SHA-256", src)),
      (b) => b.toString(16).padStart(2, "0"),
    )
      .join("");
    const gen = await Deno.readTextFile(new URL("../src/data/digits.generated.ts", import.meta.url));
    assert.ok(gen.startsWith("// @generated by tools/embed_digits.ts"), "generated header");
    assert.match(
      gen,
      new RegExp(`^// source-hash: ${hash}$`, "m"),
      "digits.generated.ts is stale: run tools/embed_digits.ts",
    );
  }
});

Deno.test("datasets.Iris: 150 samples, 3 balanced classes, float features", () => {
  const ds = new datasets.Iris();
  assert.equal(ds.length, 150);
  assert.deepEqual(ds.classes, ["setosa", "versicolor", "virginica"]);
  const hist = [0, 0, 0];
  for (const v of ds.targets.dataSync()) hist[v]++;
  assert.deepEqual(hist, [50, 50, 50]);
  const [x, y] = ds.getItem(0);
  assertClose(x, [5.1, 3.5, 1.4, 0.2]);
  assert.equal(y, 0);
  const [[bx, by]] = [...new DataLoader(ds, { batchSize: 150 })];
  assert.deepEqual(bx.shape, [150, 4]);
  assert.deepEqual(by.shape, [150]);
});

Deno.test("data sets: the static class names of FashionMNIST, MNIST and Digits are frozen, in label order", () => {
  const { FashionMNIST, MNIST, Digits } = datasets;
  assert.equal(FashionMNIST.classes[0], "T-shirt/top");
  assert.equal(FashionMNIST.classes[9], "Ankle boot");
  assert.equal(MNIST.classes[0], "0 - zero");
  assert.deepEqual(Digits.classes, ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
  for (const names of [FashionMNIST.classes, MNIST.classes, Digits.classes]) {
    assert.equal(names.length, 10);
    assert.ok(Object.isFrozen(names));
  }
  assert.equal(Digits.classes, Digits.classes, "the same array on every read");
});
