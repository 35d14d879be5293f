/**
 * No silent wrong numbers, errors that reach the right reader: integers outside int32, device
 * errors attributed to the tensors computed from the failing op, checkpoints taken while training
 * goes on, reads of views that copy only the view, and the small wrong or unclear results of the
 * reliability probe (string dims, scalar arguments of the wrong type, huge allocations, disposed
 * tensors). Every case runs on both devices.
 */
import * as torch from "../mod.ts";
import type { Device, Tensor } from "../mod.ts";
import { F, nn, optim } from "../mod.ts";
import { assert, assertRejectsMsg, assertThrowsMsg } from "./helpers.ts";
import { deviceTest } from "./devices.ts";
import { backendFor } from "../src/backends/registry.ts";
import type { Storage } from "../src/backends/backend.ts";

// ---------------------------------------------------------------------------------------------
// Integers outside int32

deviceTest(
  "int32 overflow: inferred dtypes never wrap; explicit integer dtypes throw PyTorch's overflow error",
  async (d) => {
    const o = { device: d };
    // Integers that do not fit int32 infer float32 when float32 holds them exactly...
    const big = torch.tensor([1e10, 2 ** 31, -(2 ** 40)], o);
    assert.equal(big.dtype, "float32");
    assert.deepEqual(await big.toArrayAsync(), [1e10, 2 ** 31, -(2 ** 40)]);
    assert.equal(torch.tensor([2 ** 31 - 1, -(2 ** 31)], o).dtype, "int32");
    assert.deepEqual(await torch.tensor([[2 ** 31 - 1], [-(2 ** 31)]], o).toArrayAsync(), [[2147483647], [
      -2147483648,
    ]]);
    // ...and throw when float32 would round them (a timestamp), naming the value and its position.
    assertThrowsMsg(
      () => torch.tensor([[1, 2], [3, 1735689600123]], o),
      /^tensor: the integer 1735689600123 at \[1\]\[1\] does not fit int32 .* float32 would round it to 1735689633792; pass \{ dtype: "float32" \}/,
    );
    assert.equal(
      await torch.tensor([1735689600123], { ...o, dtype: "float32" }).itemAsync(),
      Math.fround(1735689600123),
    );
    assertThrowsMsg(() => torch.tensor(new Uint32Array([4294967295]), o), /does not fit int32/);
    assert.equal(torch.tensor(new Uint32Array([7, 2 ** 31 - 1]), o).dtype, "int32");
    // Explicit integer dtypes: PyTorch's "cannot be converted ... without overflow".
    assertThrowsMsg(
      () => torch.tensor([1, 3e9], { ...o, dtype: "int32" }),
      /^tensor: value 3000000000 at \[1\] cannot be converted to int32 without overflow/,
    );
    assertThrowsMsg(
      () => torch.tensor([NaN], { ...o, dtype: "int32" }),
      /value NaN .* int32 without overflow/,
    );
    assertThrowsMsg(() => torch.tensor([Infinity], { ...o, dtype: "int32" }), /value Infinity/);
    assertThrowsMsg(
      () => torch.tensor([256], { ...o, dtype: "uint8" }),
      /value 256 at \[0\] cannot be converted to uint8/,
    );
    assert.deepEqual(await torch.tensor([-1, 255], { ...o, dtype: "uint8" }).toArrayAsync(), [255, 255]); // as PyTorch
    assert.deepEqual(await torch.tensor([1.9, -1.9], { ...o, dtype: "int32" }).toArrayAsync(), [1, -1]);
    assertThrowsMsg(
      () => torch.tensor(new Float32Array([3e9]), { ...o, dtype: "int32" }),
      /without overflow/,
    );
    // full: the value's dtype follows the same rule.
    assert.equal(torch.full([2], 3e9, o).dtype, "float32");
    assert.deepEqual(await torch.full([2], 3e9, o).toArrayAsync(), [3e9, 3e9]);
    assertThrowsMsg(
      () => torch.full([2], 3e9, { ...o, dtype: "int32" }),
      /^full: value 3000000000 cannot be converted to int32/,
    );
    assertThrowsMsg(
      () => torch.full([2], 1735689600123, o),
      /^full: the integer 1735689600123 does not fit int32/,
    );
    assertThrowsMsg(
      () => torch.zeros(2, { ...o, dtype: "int32" }).fill_(3e9),
      /^fill_: value 3000000000 cannot be converted to int32/,
    );
    // arange: never wraps.
    assertThrowsMsg(
      () => torch.arange(2 ** 31 - 2, 2 ** 31 + 2, o),
      /^arange: the integer 2147483649 does not fit int32 .* pass \{ dtype: "float32" \}/,
    );
    assert.deepEqual(await torch.arange(2 ** 31 - 3, 2 ** 31 - 1, o).toArrayAsync(), [
      2147483645,
      2147483646,
    ]);
    assertThrowsMsg(
      () => torch.arange(2 ** 31 - 2, 2 ** 31 + 2, { ...o, dtype: "int32" }),
      /^arange: value 2147483649 cannot be converted to int32 without overflow/,
    );
    assert.deepEqual(await torch.arange(0, 2 ** 32, 2 ** 30, { ...o, dtype: "float32" }).toArrayAsync(), [
      0,
      2 ** 30,
      2 ** 31,
      3 * 2 ** 30,
    ]);
    assertThrowsMsg(
      () => torch.linspace(0, 3e9, 3, { ...o, dtype: "int32" }),
      /^linspace: value 3000000000 at \[2\]/,
    );
  },
);

// ---------------------------------------------------------------------------------------------
// Errors found on the device reach the tensors that depend on them

/** An int32 index tensor computed on the device (its values unknown to the host). */
function computedIndex(values: number[], d: Device): Tensor {
  return torch.tensor(values, { dtype: "float32", device: d }).mul(1).int();
}

deviceTest(
  "device errors: a bad index rejects every read of the results computed from it, and no other read",
  async (d) => {
    const x = torch.arange(6, { dtype: "float32", device: d });
    const bad = computedIndex([0, 7], d);
    const pattern = /^indexSelect: index 7 is out of bounds for dimension with size 6$/;
    if (d === "cpu") {
      assertThrowsMsg(() => x.indexSelect(0, bad), pattern);
      return;
    }
    const y = x.indexSelect(0, bad);
    const z = y.mul(2).sum();
    const other = torch.ones(3, { device: d }).add(1);
    // Unrelated work and reads are unaffected, before and after the error is found.
    assert.deepEqual(await other.toArrayAsync(), [2, 2, 2]);
    for (let i = 0; i < 3; i++) {
      await assertRejectsMsg(() => y.toArrayAsync(), pattern);
      await assertRejectsMsg(() => z.itemAsync(), pattern);
    }
    assert.deepEqual(await other.toArrayAsync(), [2, 2, 2]);
    const model = new nn.Linear(2, 1).to(d);
    const bytes = await torch.saveBytesAsync(model.stateDict());
    assert.ok(bytes.length > 0, "saving an unrelated model works");
    // A second bad op in the same batch is reported for its own results.
    const y2 = x.gather(0, computedIndex([-3], d));
    const y3 = x.indexSelect(0, computedIndex([9], d));
    await assertRejectsMsg(() => y2.toArrayAsync(), /^gather: index -3 is out of bounds/);
    await assertRejectsMsg(() => y3.toArrayAsync(), /^indexSelect: index 9 is out of bounds/);
    // The bad result flowing into a parameter makes the parameter's reads reject (not zeros).
    const w = torch.zeros(2, { device: d, requiresGrad: true });
    torch.noGrad(() => w.add_(y));
    await assertRejectsMsg(() => w.toArrayAsync(), pattern);
    await assertRejectsMsg(() => torch.saveBytesAsync({ w }), pattern);
  },
);

deviceTest("device errors: ops that check their inputs name themselves, on every device", async (d) => {
  const logits = torch.zeros([2, 3], { device: d, requiresGrad: true });
  const cases: [string, () => Tensor, RegExp][] = [
    [
      "crossEntropy",
      () => F.crossEntropy(logits, computedIndex([1, 5], d)),
      /^crossEntropy: target class 5 is out of range for input of shape \[2, 3\] with 3 classes/,
    ],
    [
      "nllLoss",
      () => F.nllLoss(logits, computedIndex([-2, 0], d)),
      /^nllLoss: target class -2 is out of range/,
    ],
    [
      "oneHot",
      () => F.oneHot(computedIndex([0, 5], d), 3),
      /^oneHot: class values must be smaller than numClasses \(3\), got 5$/,
    ],
    [
      "oneHot",
      () => F.oneHot(computedIndex([-1], d), 3),
      /^oneHot: class values must be non-negative, got -1$/,
    ],
    [
      "embedding",
      () => new nn.Embedding(3, 2).to(d)(computedIndex([4], d)),
      /^embedding: index 4 is out of range for an embedding table of 3 rows/,
    ],
    [
      "binaryCrossEntropy",
      () =>
        F.binaryCrossEntropy(
          torch.tensor([0.5, 1.5], { device: d }).mul(1),
          torch.tensor([1, 0], { dtype: "float32", device: d }),
        ),
      /^binaryCrossEntropy: all elements of input should be between 0 and 1, found 1\.5$/,
    ],
    [
      "binaryCrossEntropy NaN",
      () =>
        F.binaryCrossEntropy(
          torch.tensor([NaN], { device: d }),
          torch.tensor([1], { dtype: "float32", device: d }),
        ),
      /^binaryCrossEntropy: all elements of input should be between 0 and 1, found NaN$/,
    ],
    [
      "pow",
      () => torch.tensor([2, 3], { device: d }).pow(computedIndex([1, -1], d)),
      /^pow: integers to negative integer powers/,
    ],
  ];
  for (const [name, run, pattern] of cases) {
    // The CPU throws at once; the GPU rejects the reads of the result (every time).
    await assertRejectsMsg(async () => {
      const out = run();
      await out.toArrayAsync();
    }, pattern);
    if (d === "gpu") {
      const out = run();
      await assertRejectsMsg(() => out.toArrayAsync(), pattern);
      await assertRejectsMsg(() => out.toArrayAsync(), pattern);
      assert.ok(name.length > 0);
    }
  }
  if (d === "gpu") {
    // Gradients computed from a checked loss carry the check; a good batch trains normally.
    const lin = new nn.Linear(3, 3).to(d);
    const opt = new optim.SGD(lin.parameters(), { lr: 0.1 });
    const loss = F.crossEntropy(lin(torch.ones([2, 3], { device: d })), computedIndex([0, 9], d));
    loss.backward();
    await assertRejectsMsg(() => lin.weight.grad!.toArrayAsync(), /target class 9/);
    opt.step();
    await assertRejectsMsg(() => lin.weight.toArrayAsync(), /target class 9/);
    const lin2 = new nn.Linear(3, 3).to(d);
    const good = F.crossEntropy(lin2(torch.ones([2, 3], { device: d })), computedIndex([0, 2], d));
    good.backward();
    assert.ok(Number.isFinite(await good.itemAsync()));
    assert.equal((await lin2.weight.grad!.toArrayAsync() as number[][]).length, 3);
  }
});

// ---------------------------------------------------------------------------------------------
// Checkpoints taken while training goes on

deviceTest(
  "saveBytesAsync / save hold the values at the call, however training goes on meanwhile",
  async (d) => {
    torch.manualSeed(5);
    const model = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 2)).to(d);
    const opt = new optim.Adam(model.parameters(), { lr: 0.1 });
    const x = torch.randn([16, 4]).to(d), y = torch.randn([16, 2]).to(d);
    const step = () => {
      opt.zeroGrad();
      F.mseLoss(model(x), y).backward();
      opt.step();
    };
    step();
    const sd = model.stateDict();
    const before: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(sd)) before[k] = await v.toArrayAsync();
    const pending = torch.saveBytesAsync({ model: sd, epoch: 1 });
    const path = await Deno.makeTempFile({ suffix: ".safetensors" });
    const pendingFile = torch.save(sd, path);
    // Training continues (no await) while the bytes are read.
    for (let i = 0; i < 3; i++) step();
    const saved = torch.loadBytes<{ model: Record<string, Tensor>; epoch: number }>(await pending);
    await pendingFile;
    const fromFile = await torch.load(path);
    await Deno.remove(path);
    for (const k of Object.keys(sd)) {
      assert.deepEqual(saved.model[k].toArray(), before[k], `${k}: the values at the call`);
      assert.deepEqual(fromFile[k].toArray(), before[k], `${k}: the file holds the values at the call`);
    }
    const after = await sd["0.weight"].toArrayAsync();
    assert.notDeepEqual(after, before["0.weight"], "training did go on");
  },
);

// ---------------------------------------------------------------------------------------------
// Reads of views

/** Counts the elements the device's backend hands back per read while `fn` runs. */
async function elementsRead(d: Device, fn: () => unknown): Promise<number[]> {
  const b = backendFor(d);
  const counts: number[] = [];
  const readSync = b.readSync.bind(b), read = b.read.bind(b);
  b.readSync = (s: Storage, offset?: number, count?: number) => {
    const out = readSync(s, offset, count);
    counts.push(out.length);
    return out;
  };
  b.read = async (s: Storage, offset?: number, count?: number) => {
    const out = await read(s, offset, count);
    counts.push(out.length);
    return out;
  };
  try {
    await fn();
  } finally {
    b.readSync = readSync;
    b.read = read;
  }
  return counts;
}

deviceTest("reads of a view copy only the elements the view covers", async (d) => {
  const n = 1 << 20;
  const x = torch.arange(n, { dtype: "float32", device: d }).reshape(1024, 1024);
  const counts = await elementsRead(d, async () => {
    assert.equal(await x.index(700, 3).itemAsync(), 700 * 1024 + 3);
    assert.deepEqual(Array.from(await x.index(2, "5:8").dataAsync()), [2053, 2054, 2055]);
    assert.deepEqual(Array.from(await x.index("1:3", 0).dataAsync()), [1024, 2048]); // strided
    assert.deepEqual(await x.index(1023).index("-2:").toArrayAsync(), [n - 2, n - 1]);
    if (d === "cpu") assert.equal(x.index(5, 5).item(), 5 * 1024 + 5);
  });
  assert.ok(counts.every((c) => c <= 3), `each read copies the view's elements only, got ${counts}`);
  // Every dtype, views with offsets.
  const h = torch.tensor([1.5, -2, 3.25, 65504], { dtype: "float16", device: d });
  assert.deepEqual(await h.index("1:").toArrayAsync(), [-2, 3.25, 65504]);
  const b = torch.tensor([true, false, true], { device: d });
  assert.deepEqual(await b.index("1:").toArrayAsync(), [false, true]);
  const u = torch.tensor([1, 2, 250], { dtype: "uint8", device: d });
  assert.equal(await u.index(2).itemAsync(), 250);
});

// ---------------------------------------------------------------------------------------------
// Small wrong or unclear results

deviceTest(
  "unclear results: string dims, scalars of the wrong type, huge shapes, disposed tensors",
  async (d) => {
    const x = torch.tensor([[1, 2], [3, 4]], { device: d });
    const stringDim = "1" as unknown as number;
    assertThrowsMsg(
      () => x.sum(stringDim),
      /^sum: dim must be an integer, a list of integers or an options object, got a string "1"$/,
    );
    assertThrowsMsg(
      () => x.float().mean({ dim: stringDim }),
      /^mean: dim must be an integer or a list of integers, got a string "1"/,
    );
    assertThrowsMsg(() => x.float().softmax(stringDim), /^softmax: dim must be an integer, got a string "1"/);
    assertThrowsMsg(() => x.argmax(stringDim), /^argmax: dim must be an integer, got a string "1"/);
    assertThrowsMsg(
      () => x.sum({ dim: 1, keepdim: 1 as unknown as boolean }),
      /^sum: keepdim must be a boolean, got a number 1/,
    );
    assertThrowsMsg(
      () => x.clamp("0" as unknown as number, 1),
      /^clamp: min must be a number or null, got a string "0"$/,
    );
    assertThrowsMsg(
      () => x.add("1" as unknown as number),
      /^add: operands must be tensors or numbers, got a string "1"$/,
    );
    assertThrowsMsg(
      () => x.index(torch.tensor([0.5])),
      /^index: tensors used as indices must be int32 or bool tensors, got float32/,
    );
    assertThrowsMsg(
      () => x.index({ at: 0 } as unknown as number),
      /^index: unsupported index .* \(supported: integers, slice strings .* int32 tensors or arrays of integers/,
    );
    // Allocations too large for the device name the op, the shape and the bytes.
    assertThrowsMsg(
      () => torch.zeros(1e6, 1e6, { device: d }),
      /^zeros: cannot allocate a tensor of shape \[1000000, 1000000\] on (cpu|gpu) \(1000000000000 float32 elements, 4000000000000 bytes \(3\.64 TiB\)\)/,
    );
    assertThrowsMsg(
      () => torch.rand([1e6, 1e6], { device: d }),
      /^rand: cannot allocate a tensor of shape \[1000000, 1000000\]/,
    );
    assertThrowsMsg(
      () => torch.arange(0, 1e12, { device: d }),
      /^arange: the integer 999999999999 does not fit int32/,
    );
    assertThrowsMsg(
      () => torch.arange(0, 1e12, { dtype: "float32", device: d }),
      /^arange: cannot allocate a tensor of shape \[1000000000000\]/,
    );
    assertThrowsMsg(
      () => torch.eye(1e6, { device: d }),
      /^eye: cannot allocate a tensor of shape \[1000000, 1000000\]/,
    );
    // Disposed tensors print as such, sync and async, tensors and their views.
    const t = torch.tensor([1.5, 2], { device: d });
    const v = t.index("1:");
    t.dispose();
    assert.equal(String(t), "tensor(<disposed>)");
    v.dispose(); // a view keeps the storage alive until it is disposed too
    assert.equal(String(v), "tensor(<disposed>)");
    assert.equal(await t.toStringAsync(), "tensor(<disposed>)");
    assert.equal(Deno.inspect(t), "tensor(<disposed>)");
  },
);

deviceTest("torch.tensor: circular and too deeply nested data fail at once with a clear error", () => {
  const selfRef: unknown[] = [];
  selfRef.push(selfRef);
  const t0 = performance.now();
  assertThrowsMsg(
    () => torch.tensor(selfRef as number[]),
    /^tensor: the data is circular \(the sequence at \[0\] contains itself\)$/,
  );
  const inner: unknown[] = [1];
  const outer = [inner];
  inner[0] = outer;
  assertThrowsMsg(
    () => torch.tensor(outer as unknown as number[]),
    /circular \(the sequence at \[0\]\[0\] contains itself\)/,
  );
  let deep: unknown = 1;
  for (let i = 0; i < 100_000; i++) deep = [deep];
  assertThrowsMsg(() => torch.tensor(deep as number[]), /^tensor: the data is nested more than 64 deep/);
  let shared: unknown = [1, 2];
  for (let i = 0; i < 40; i++) shared = [shared, shared];
  assertThrowsMsg(
    () => torch.tensor(shared as number[]),
    /^tensor: nested data of shape \[2, 2, .*\] has 2199023255552 elements/,
  );
  assert.ok(performance.now() - t0 < 2000, "no long walk before failing");
  let ok: unknown = 3;
  for (let i = 0; i < 64; i++) ok = [ok];
  assert.equal(torch.tensor(ok as number[]).ndim, 64);
});

deviceTest(
  "an op too large for the device fails before allocating anything, and memory stays as it was",
  (d) => {
    if (d === "cpu") {
      // 2.4 GB of zeros outside wasm memory (a lazily zeroed array: nothing is touched).
      const x = torch.zeros(600_000_000);
      const cpu = backendFor("cpu") as unknown as { memoryStats(): { wasmBytes: number } };
      const before = cpu.memoryStats().wasmBytes;
      for (
        const [name, run] of [["neg", () => x.neg()], ["add", () => x.add(1)], [
          "exp",
          () => x.exp(),
        ]] as const
      ) {
        assertThrowsMsg(
          run,
          new RegExp(
            `^${name}: its operands need 4800000000 bytes \\(4\\.47 GiB\\) of wasm memory at once, more than the wasm32 address space holds`,
          ),
        );
      }
      assert.equal(cpu.memoryStats().wasmBytes, before, "wasm memory did not grow");
      x.dispose();
    } else {
      const gpu = backendFor("gpu") as unknown as { liveBytes(): number };
      const before = gpu.liveBytes();
      assertThrowsMsg(
        () => torch.ones(2e9, { device: d }),
        /^ones: cannot allocate a tensor of shape \[2000000000\] on gpu .*exceeds this device's limit/,
      );
      assert.equal(gpu.liveBytes(), before);
    }
  },
);
