/**
 * The WebGPU backend against the CPU (wasm) backend on the same inputs: the device (adapter, limits),
 * storage and memory (pool reuse and budget, live bytes, finalization, batching), reads, copy and cast. Setup,
 * tolerances and the comparison helpers are in tests/webgpu_backend_setup.ts; the last test checks that no
 * kernel raised a WebGPU validation error.
 */
import assert from "node:assert/strict";
import * as gpu from "../src/gpu.ts";
import { WebGPUBackend } from "../src/backends/webgpu/backend.ts";
import { bucketSize } from "../src/backends/webgpu/buffer_pool.ts";
import type { DType, TypedArray } from "../src/dtype.ts";
import { randF32, randI32, rng } from "./helpers.ts";
import { both, cpu, g, gpuTest, noValidationErrorsTest, same, withSpecials } from "./webgpu_backend_setup.ts";

// ---------------------------------------------------------------------------------------------
// Device, memory, reads

gpuTest("adapter info, limits and availability", async () => {
  assert.equal(await gpu.isAvailable(), true);
  assert.equal(gpu.reason, null);
  const info = gpu.adapterInfo();
  assert.ok(info && typeof info.description === "string");
  const lim = gpu.limits()!;
  assert.ok(lim.maxComputeWorkgroupsPerDimension >= 65535);
  assert.ok(Array.isArray(gpu.features()));
});

gpuTest("fromTyped / read round trips every dtype, including half specials", async () => {
  const r = rng(1);
  const halves = new Uint16Array([
    0,
    0x8000,
    0x3c00,
    0xbc00,
    0x7c00,
    0xfc00,
    0x7e00,
    0x7d01,
    0x0001,
    0x03ff,
    0x7bff,
  ]);
  const cases: [TypedArray, DType][] = [
    [withSpecials(randF32(37, r)), "float32"],
    [randI32(41, r, -2147483648, 2147483647), "int32"],
    [halves, "float16"],
    [Uint8Array.from({ length: 300 }, (_, i) => i & 255), "uint8"],
    [Uint8Array.from({ length: 13 }, (_, i) => i % 2), "bool"],
    [new Float32Array(0), "float32"],
  ];
  for (const [data, dtype] of cases) {
    const s = g.fromTyped(data, dtype);
    const back = await g.read(s);
    assert.equal(back.constructor, data.constructor, dtype);
    assert.deepEqual(Array.from(back), Array.from(data), dtype);
    s.dispose();
  }
  assert.throws(
    () => g.fromTyped(new Float32Array(2), "int32"),
    /int32 needs a Int32Array, got Float32Array/,
  );
});

gpuTest("full matches the CPU for every dtype and odd values", async () => {
  const values = [0, -0, 1.5, -1, 3e10, -3e10, NaN, Infinity, 255.9, -1.5, 65520, 1e-8];
  for (const dtype of ["float32", "float16", "int32", "uint8", "bool"] as DType[]) {
    for (const v of values) await same(`full ${dtype} ${v}`, g.full(dtype, 5, v), cpu.full(dtype, 5, v));
  }
  assert.equal((await g.read(g.full("float32", 0, 1))).length, 0);
  // empty(): unspecified contents, fully overwritten by a copy.
  const e = g.empty("int32", 7);
  g.copy(g.fromTyped(Int32Array.from([1, 2, 3, 4, 5, 6, 7]), "int32"), 0, [1], e, 0, [1], [7]);
  assert.deepEqual(Array.from(await g.read(e)), [1, 2, 3, 4, 5, 6, 7]);
  assert.equal(g.empty("bool", 0).numel, 0);
});

gpuTest("readSync throws and names the async read", () => {
  const s = g.full("float32", 3, 1);
  assert.throws(() => g.readSync(s), /await t\.dataAsync\(\)/);
});

gpuTest("storages of another device or disposed ones are rejected", () => {
  const c = cpu.full("float32", 3, 1);
  assert.throws(() => g.unary("neg", c), /unary: expected a gpu storage, got a cpu storage/);
  const s = g.full("float32", 3, 1);
  s.dispose();
  s.dispose();
  assert.ok(s.disposed);
  assert.throws(() => g.unary("neg", s), /storage was disposed/);
});

gpuTest("pool: reuse, and live bytes back to the baseline after dispose", async () => {
  await g.sync();
  const base = g.liveBytes();
  const sizes = [1, 3, 100, 1000, 5000, 70000];
  const made = sizes.map((n) => g.full("float32", n, 2));
  const expect = sizes.reduce((s, n) => s + bucketSize(n * 4), 0);
  assert.equal(g.liveBytes() - base, expect);
  for (const s of made) s.dispose();
  assert.equal(g.liveBytes(), base);
  const created = g.poolStats().created;
  const again = sizes.map((n) => g.full("float32", n, 3));
  assert.equal(g.poolStats().created, created, "same buckets come from the free lists");
  assert.deepEqual(Array.from(await g.read(again[1])), [3, 3, 3]);
  for (const s of again) s.dispose();
  assert.equal(g.liveBytes(), base);
  assert.ok(g.pooledBytes() >= expect);
  assert.equal(bucketSize(1), 16);
  assert.equal(bucketSize(4097), 5120);
  assert.equal(bucketSize(5121), 6144);
});

gpuTest(
  "pool budget: free buffers beyond it are destroyed; trim(); a lost device's backend throws",
  async () => {
    const small = new WebGPUBackend(g.gpu, { maxPooledBytes: 64 * 1024 });
    const made = Array.from({ length: 8 }, (_, i) => small.full("float32", 4096 + i * 1000, i));
    assert.equal((await small.read(made[3]))[0], 3);
    for (const s of made) s.dispose();
    assert.equal(small.liveBytes(), 0);
    assert.ok(small.pooledBytes() <= 64 * 1024, `pooled ${small.pooledBytes()}`);
    const again = small.full("float32", 4096, 7); // served from what the budget kept
    assert.equal((await small.read(again))[4095], 7);
    small.trim();
    assert.equal(small.pooledBytes(), 0);
    again.dispose();
    await small.sync();
    small.markLost("destroyed: test");
    assert.throws(() => small.full("float32", 3, 1), /gpu: the WebGPU device was lost \(destroyed: test\)/);
    await assert.rejects(() => small.read(again), /device was lost/);
  },
);

gpuTest("FinalizationRegistry returns the buffers of dropped storages", async () => {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) {
    console.log("  (run with --v8-flags=--expose-gc to check finalization; skipped)");
    return;
  }
  const settle = async () => {
    for (let i = 0; i < 5; i++) {
      gc();
      await new Promise((r) => setTimeout(r, 5));
    }
    await g.sync();
  };
  await settle();
  const base = g.liveBytes();
  (() => {
    // Tracked storages (what the user or a graph holds; see Storage._track) go with the collector.
    for (let i = 0; i < 50; i++) {
      const input = g.full("float32", 1000, i);
      input._track();
      g.unary("exp", input)._track();
    }
  })();
  assert.ok(g.liveBytes() > base);
  for (let i = 0; i < 20 && g.liveBytes() > base; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.equal(g.liveBytes(), base);
});

gpuTest("dispatches are batched: many ops, few submits, no hidden reads", async () => {
  await g.sync();
  const before = g.submitCount();
  let x = g.full("float32", 1000, 0.5);
  for (let i = 0; i < 60; i++) {
    const y = g.binary("add", x, 1, 1000, "float32");
    x.dispose();
    x = y;
  }
  assert.ok(g.submitCount() - before <= 1, `submits during encoding: ${g.submitCount() - before}`);
  const v = await g.read(x);
  assert.equal(v[999], 60.5);
  assert.ok(g.submitCount() - before <= 2);
});

// ---------------------------------------------------------------------------------------------
// Copy and cast

gpuTest("copy: strided views of rank 1..10, broadcasts, negative strides, in place", async () => {
  const r = rng(2);
  for (let trial = 0; trial < 24; trial++) {
    const rank = 1 + (trial % 10);
    const shape = Array.from({ length: rank }, () => 1 + Math.floor(r() * (rank > 6 ? 2.5 : 5)));
    const numel = shape.reduce((a, b) => a * b, 1);
    // Source: a permuted, possibly broadcast or flipped view over a larger storage.
    const srcStrides: number[] = [];
    let span = 1;
    const order = shape.map((_, i) => i).sort(() => r() - 0.5);
    const tmp = new Array(rank).fill(0);
    for (const d of order) {
      tmp[d] = r() < 0.15 ? 0 : span;
      span *= shape[d] + (r() < 0.3 ? 1 : 0);
    }
    let srcOffset = 3;
    for (let d = 0; d < rank; d++) {
      const flip = r() < 0.2 && tmp[d] > 0;
      srcStrides.push(flip ? -tmp[d] : tmp[d]);
      if (flip) srcOffset += tmp[d] * (shape[d] - 1);
    }
    const srcLen = srcOffset + span + 3;
    const dstStrides: number[] = [];
    let dspan = 2;
    for (let d = rank - 1; d >= 0; d--) {
      dstStrides[d] = dspan;
      dspan *= shape[d];
    }
    const dstLen = dspan + 5;
    for (const dtype of ["float32", "int32", "bool"] as DType[]) {
      const srcData = dtype === "float32"
        ? randF32(srcLen, r)
        : dtype === "int32"
        ? randI32(srcLen, r)
        : Uint8Array.from({ length: srcLen }, () => (r() < 0.5 ? 1 : 0));
      const dstData = dtype === "float32"
        ? randF32(dstLen, r)
        : dtype === "int32"
        ? randI32(dstLen, r)
        : Uint8Array.from({ length: dstLen }, () => (r() < 0.5 ? 1 : 0));
      const [gs, cs] = both(srcData, dtype);
      const [gd, cd] = both(dstData, dtype);
      g.copy(gs, srcOffset, srcStrides, gd, 1, dstStrides, shape);
      cpu.copy(cs, srcOffset, srcStrides, cd, 1, dstStrides, shape);
      await same(`copy ${dtype} [${shape}] src [${srcStrides}]`, gd, cd);
    }
    assert.ok(numel > 0);
  }
});

gpuTest("copy: same storage (overlapping), single element, contiguous run, errors", async () => {
  const r = rng(3);
  const data = randF32(50, r);
  const [gs, cs] = both(data, "float32");
  g.copy(gs, 0, [1], gs, 5, [1], [40]);
  cpu.copy(cs, 0, [1], cs, 5, [1], [40]);
  await same("overlapping shift", gs, cs);
  g.copy(gs, 49, [-2], gs, 0, [1], [20]);
  cpu.copy(cs, 49, [-2], cs, 0, [1], [20]);
  await same("overlapping reverse", gs, cs);
  g.copy(gs, 7, [], gs, 8, [], []);
  cpu.copy(cs, 7, [], cs, 8, [], []);
  await same("single element", gs, cs);
  const [gd, cd] = both(new Float32Array(30), "float32");
  g.copy(gs, 10, [10, 1], gd, 0, [10, 1], [3, 10]);
  cpu.copy(cs, 10, [10, 1], cd, 0, [10, 1], [3, 10]);
  await same("contiguous run", gd, cd);
  assert.throws(() => g.copy(gs, 45, [1], gd, 0, [1], [10]), /copy: source view \[10\] at offset 45 exceeds/);
  assert.throws(() => g.copy(gs, 0, [1], gd, 25, [1], [10]), /copy: destination view/);
  assert.throws(() => g.copy(gs, 0, [1], g.full("int32", 10, 0), 0, [1], [10]), /copy: dtypes differ/);
});

gpuTest("cast: every pair of dtypes with special values", async () => {
  const r = rng(4);
  const f = withSpecials(randF32(61, r, -300, 300));
  f[1] = 2147483520;
  f[2] = 2147483648;
  f[3] = -2147483648;
  f[4] = 65519.99;
  f[5] = 6.1e-5;
  f[6] = 3e-8;
  const sources: [TypedArray, DType][] = [
    [f, "float32"],
    [randI32(61, r, -2147483648, 2147483647), "int32"],
    [Uint16Array.from({ length: 61 }, () => Math.floor(r() * 65536)), "float16"],
    [Uint8Array.from({ length: 61 }, () => Math.floor(r() * 256)), "uint8"],
    [Uint8Array.from({ length: 61 }, () => (r() < 0.5 ? 1 : 0)), "bool"],
  ];
  const i = sources[1][0] as Int32Array;
  i[0] = 16777217;
  i[1] = -16777219;
  i[2] = 2147483647;
  for (const [data, from] of sources) {
    const [gs, cs] = both(data, from);
    for (const to of ["float32", "float16", "int32", "uint8", "bool"] as DType[]) {
      await same(`cast ${from} -> ${to}`, g.cast(gs, to), cpu.cast(cs, to));
    }
  }
});

noValidationErrorsTest();
