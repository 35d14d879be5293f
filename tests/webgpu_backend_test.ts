/**
 * The WebGPU backend, kernel by kernel, against the CPU (wasm) backend on the same random inputs
 * (odd sizes, sizes that are not multiples of the tiles, broadcasts, special values), plus the
 * backend's own machinery: pool reuse and live bytes, finalization, batching, folded grids
 * (a dispatch of more than 65,535 workgroups, and a backend limited to 8 workgroups per grid
 * dimension so that every kernel family runs folded on small inputs), lazy index errors, random numbers
 * and the fused optimizer steps.
 *
 * Tolerances, per op (ulp = spacing of float32 at the CPU's value):
 * - exact (same bits; any NaN matches any NaN): copy, cast, fill, where, gather, int32 kernels,
 *   neg/abs/relu/sign/floor/ceil/round, add/sub/mul/maximum/minimum and comparisons, max/min/
 *   argmax/argmin, im2col, col2im, max/avg pooling and its backward (same order of operations);
 * - 1 ulp: sqrt, rsqrt, div (GPUs may round division and square roots differently);
 * - 4 ulp: exp, log, log1p, tanh, sigmoid (the CPU's polynomials, possibly with fused multiply-adds);
 * - 4 ulp + 1e-6 absolute: sin, cos (any argument, up to 3.4e38);
 * - pow: 2e-6 relative (exp(y·log x) in float32);
 * - float32 sums (reduce sum/prod, cumsum, matmul, scatter-add, softmax): a different order of
 *   additions, so an absolute tolerance scaled by the number of terms (stated at each test).
 *
 * With no WebGPU adapter the file prints "WebGPU: no adapter, GPU backend tests skipped" and
 * registers every test as ignored. Set EDGETORCH_TEST_NO_GPU=1 to see that path on a machine
 * that has one.
 */
import assert from "node:assert/strict";
import * as gpu from "../src/gpu.ts";
import { WasmBackend } from "../src/backends/wasm/backend.ts";
import { WebGPUBackend, type WebGPUStorage } from "../src/backends/webgpu/backend.ts";
import { bucketSize } from "../src/backends/webgpu/buffer_pool.ts";
import type {
  AvgPoolOptions,
  Backend,
  BinaryOp,
  Conv2dGeometry,
  MatmulArgs,
  Pool2dGeometry,
  ReduceOp,
  Storage,
  UnaryOp,
} from "../src/backends/backend.ts";
import type { ComputeDType, DType, TypedArray } from "../src/dtype.ts";
import { randF32, randI32, rng } from "./helpers.ts";

// ---------------------------------------------------------------------------------------------
// Setup

function envNoGpu(): boolean {
  try {
    return Deno.env.get("EDGETORCH_TEST_NO_GPU") === "1";
  } catch {
    return false;
  }
}

const available = !envNoGpu() && await gpu.isAvailable();
if (!available) {
  console.log(`WebGPU: no adapter, GPU backend tests skipped (${gpu.reason ?? "EDGETORCH_TEST_NO_GPU=1"})`);
}
const g = available ? gpu.webgpuBackend()! : (null as unknown as WebGPUBackend);
const cpu = new WasmBackend();
/** A second backend on the same device allowed only 8 workgroups per grid dimension. */
const folded = available ? new WebGPUBackend(g.gpu, { maxWorkgroupsPerDimension: 8 }) : g;
/** Both kernel tunings ("cpu" for software adapters, "gpu" otherwise; gpu.ts picks one). */
const tunings = available
  ? [new WebGPUBackend(g.gpu, { tuning: "cpu" }), new WebGPUBackend(g.gpu, { tuning: "gpu" })]
  : [];
/** Backends forcing each float32 matmul kernel (gpu.ts picks one by adapter). */
const byKernel = available
  ? [
    new WebGPUBackend(g.gpu, { matmulKernel: "tiled" }),
    new WebGPUBackend(g.gpu, { matmulKernel: "direct" }),
  ]
  : [];

const gpuErrors: string[] = [];
if (available) {
  g.gpu.addEventListener("uncapturederror", (ev) => {
    gpuErrors.push((ev as GPUUncapturedErrorEvent).error.message);
  });
}

function gpuTest(name: string, fn: () => Promise<void> | void): void {
  Deno.test({
    name: `webgpu: ${name}`,
    ignore: !available,
    fn,
  });
}

const SPECIAL = [
  0,
  -0,
  1,
  -1,
  0.5,
  -2.5,
  3.5,
  1e-40,
  -1e-40,
  1e30,
  -1e30,
  Infinity,
  -Infinity,
  NaN,
  88,
  -88,
  100,
];

function withSpecials(x: Float32Array): Float32Array {
  for (let i = 0; i < SPECIAL.length && i < x.length; i++) x[(i * 7) % x.length] = SPECIAL[i];
  return x;
}

function ulp(x: number): number {
  const a = Math.abs(x);
  if (a < 1.1754943508222875e-38) return 1.401298464324817e-45;
  const e = Math.floor(Math.log2(a));
  let u = Math.pow(2, e - 23);
  if (Math.pow(2, e) > a) u /= 2;
  return u;
}

interface Tol {
  ulps?: number;
  atol?: number;
  rtol?: number;
}
const EXACT: Tol = {};

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
function bitsOf(v: number): number {
  f32[0] = v;
  return u32[0];
}

/** Asserts the GPU storage holds what the CPU storage holds, within `tol`. */
async function same(what: string, gs: Storage, cs: Storage, tol: Tol = EXACT): Promise<void> {
  assert.equal(gs.dtype, cs.dtype, `${what}: dtype`);
  assert.equal(gs.numel, cs.numel, `${what}: numel`);
  const a = await (gs as WebGPUStorage)._backend.read(gs);
  const b = cpu.readSync(cs);
  compareArrays(what, a, b, cs.dtype, tol);
}

async function sameFolded(what: string, gs: Storage, cs: Storage, tol: Tol = EXACT): Promise<void> {
  const a = await folded.read(gs);
  compareArrays(what, a, cpu.readSync(cs), cs.dtype, tol);
}

function compareArrays(what: string, a: TypedArray, b: TypedArray, dtype: DType, tol: Tol): void {
  assert.equal(a.constructor, b.constructor, `${what}: array type`);
  assert.equal(a.length, b.length, `${what}: length`);
  const exact = tol.ulps === undefined && tol.atol === undefined && tol.rtol === undefined;
  let bad = 0;
  let first = "";
  for (let i = 0; i < a.length; i++) {
    const x = a[i], y = b[i];
    let ok: boolean;
    if (dtype !== "float32") ok = x === y;
    else if (Number.isNaN(y) || Number.isNaN(x)) ok = Number.isNaN(x) && Number.isNaN(y);
    else if (exact) ok = bitsOf(x) === bitsOf(y);
    else if (!Number.isFinite(y) || !Number.isFinite(x)) ok = x === y;
    else {
      // + the smallest normal: GPUs may flush subnormal results to zero.
      const lim = (tol.atol ?? 0) + (tol.rtol ?? 0) * Math.abs(y) + (tol.ulps ?? 0) * ulp(y) + 1.2e-38;
      ok = Math.abs(x - y) <= lim;
    }
    if (!ok) {
      if (bad === 0) first = `[${i}] gpu ${x} cpu ${y}`;
      bad++;
    }
  }
  assert.equal(bad, 0, `${what}: ${bad} of ${a.length} elements differ, first ${first}`);
}

/** The same typed data on both backends. */
function both(data: TypedArray, dtype: DType, b: WebGPUBackend = g): [Storage, Storage] {
  return [b.fromTyped(data, dtype), cpu.fromTyped(data, dtype)];
}

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

// ---------------------------------------------------------------------------------------------
// Elementwise

const UNARY_TOL: Record<UnaryOp, Tol> = {
  neg: EXACT,
  abs: EXACT,
  relu: EXACT,
  sign: EXACT,
  floor: EXACT,
  ceil: EXACT,
  round: EXACT,
  sqrt: { ulps: 1 },
  rsqrt: { ulps: 1 },
  exp: { ulps: 4 },
  log: { ulps: 4 },
  log1p: { ulps: 4 },
  tanh: { ulps: 4 },
  sigmoid: { ulps: 4 },
  sin: { ulps: 4, atol: 1e-6 },
  cos: { ulps: 4, atol: 1e-6 },
};

gpuTest("unary: every op on float32 (random and special values), int32 ops", async () => {
  const r = rng(5);
  const x = withSpecials(randF32(1031, r, -100, 100));
  for (let i = 500; i < 700; i++) x[i] = (r() - 0.5) * 4; // around zero
  for (let i = 700; i < 720; i++) x[i] = Math.round((r() - 0.5) * 20) + 0.5; // ties for round
  // 1031 elements: one per invocation; 1028: four per invocation.
  for (const len of [1031, 1028]) {
    const [gx, cx] = both(x.slice(0, len), "float32");
    for (const op of Object.keys(UNARY_TOL) as UnaryOp[]) {
      if (op === "sin" || op === "cos") continue;
      await same(`unary ${op} n=${len}`, g.unary(op, gx), cpu.unary(op, cx), UNARY_TOL[op]);
    }
  }
  // sin/cos: every range of argument (Cody-Waite below 2^16, Payne-Hanek above).
  const trig = x.slice();
  const big = [
    65535.9,
    65536,
    -65536.5,
    1e5,
    -31415.9,
    2 ** 24 + 2,
    1e10,
    -3.0e12,
    1e22,
    1e30,
    -3.4e38,
    8.7e36,
  ];
  big.forEach((v, i) => trig[i * 13] = v);
  for (let i = 900; i < 1000; i++) trig[i] = (r() - 0.5) * 10 ** (5 + 33 * r());
  const [gt, ct] = both(trig, "float32");
  for (const op of ["sin", "cos"] as UnaryOp[]) {
    await same(`unary ${op} all ranges`, g.unary(op, gt), cpu.unary(op, ct), { ulps: 4, atol: 1e-6 });
  }
  const xi = randI32(336, r, -1000, 1000);
  xi[0] = -2147483648;
  xi[1] = 2147483647;
  xi[2] = 0;
  const [gi, ci] = both(xi, "int32");
  for (const op of ["neg", "abs", "sign", "relu"] as UnaryOp[]) {
    await same(`unary ${op} int32`, g.unary(op, gi), cpu.unary(op, ci));
  }
  assert.throws(() => g.unary("exp", gi), /exp: not supported for int32/);
});

const BINARY_TOL: Record<string, Tol> = {
  add: EXACT,
  sub: EXACT,
  mul: EXACT,
  div: { ulps: 1 },
  pow: { rtol: 2e-6 },
  maximum: EXACT,
  minimum: EXACT,
};

gpuTest(
  "binary: every op, dtype and operand mode (full, tiled, scalar), scalar and vec4 kernels",
  async () => {
    const r = rng(6);
    // 231: one element per invocation; 308 = 4 · 77: four per invocation (tiles of 44 and 4), and
    // a tile of 7 that falls back to one per invocation.
    // Reads are awaited together (each read costs one device poll, ~11 ms with Deno).
    const checks: Promise<void>[] = [];
    for (const [n, tile, short] of [[231, 77, 3], [308, 44, 4], [308, 7, 4]] as const) {
      for (const dtype of ["float32", "int32"] as ComputeDType[]) {
        const mk = (len: number, lo: number, hi: number): [Storage, Storage] => {
          if (dtype === "float32") {
            const d = randF32(len, r, lo, hi);
            if (len > 20) d.set([0, -0, NaN, Infinity, -Infinity, 1, -1, 2], 3);
            return both(d, "float32");
          }
          return both(randI32(len, r, Math.ceil(lo), Math.floor(hi)), "int32");
        };
        const ops = (dtype === "float32" ? ["add", "sub", "mul", "div", "pow", "maximum", "minimum"] : [
          "add",
          "sub",
          "mul",
          "pow",
          "maximum",
          "minimum",
        ]).concat(["eq", "ne", "lt", "le", "gt", "ge"]) as BinaryOp[];
        for (const op of ops) {
          const powLike = op === "pow";
          const [ga, ca] = mk(n, powLike ? 0 : -5, powLike ? 4 : 5);
          const [gb, cb] = mk(n, powLike ? -3 : -5, powLike ? 3 : 5);
          const [gt, ct] = mk(tile, -3, 3); // tile of trailing dims
          const [gt3, ct3] = mk(short, -3, 3); // short tile
          const [g1, c1] = mk(1, 1, 3);
          const tol = BINARY_TOL[op] ?? EXACT;
          const cases: [string, Storage | number, Storage | number, Storage | number, Storage | number][] = [
            ["full/full", ga, gb, ca, cb],
            ["full/tile", ga, gt, ca, ct],
            ["tile/full", gt, gb, ct, cb],
            ["full/short tile", ga, gt3, ca, ct3],
            ["full/one", ga, g1, ca, c1],
            ["full/scalar", ga, 2.5, ca, 2.5],
            ["scalar/full", 1.5, gb, 1.5, cb],
            ["scalar/scalar", 3, 2, 3, 2],
          ];
          if (dtype === "int32") {
            cases.splice(5, 3, ["full/scalar", ga, 3, ca, 3], ["scalar/full", -2, gb, -2, cb]);
          }
          for (const [name, a, b, a2, b2] of cases) {
            if (op === "pow" && dtype === "int32" && name !== "full/scalar") continue; // huge powers wrap alike but slowly
            await same(
              `${op} ${dtype} ${name} n=${n} tile=${tile}`,
              g.binary(op, a, b, n, dtype),
              cpu.binary(op, a2, b2, n, dtype),
              tol,
            );
          }
        }
      }
    }
    await Promise.all(checks);
    // pow's scalar-exponent fast paths and the int32 wrap-around.
    const x = withSpecials(randF32(101, r, 0, 10));
    const [gx, cx] = both(x, "float32");
    for (const e of [2, 1, 0.5, -0.5, -1, 3, 0, -2, 7.5]) {
      await same(
        `pow x^${e}`,
        g.binary("pow", gx, e, 101, "float32"),
        cpu.binary("pow", cx, e, 101, "float32"),
        {
          rtol: 2e-6,
          ulps: 1,
        },
      );
    }
    const xi = Int32Array.from([2, 3, -3, 7, 0, 1, -1, 10]);
    const ei = Int32Array.from([31, 20, 3, 12, -1, -5, -3, 2]);
    const [gxi, cxi] = both(xi, "int32");
    const [gei, cei] = both(ei, "int32");
    await same("pow int32", g.binary("pow", gxi, gei, 8, "int32"), cpu.binary("pow", cxi, cei, 8, "int32"));
    assert.throws(() => g.binary("div", gxi, gei, 8, "int32"), /div: int32 division is not a kernel/);
    assert.throws(
      () => g.binary("add", gxi, gt3Of(), 8, "int32"),
      /operand b has 3 elements, which does not tile 8/,
    );
    assert.equal(g.binary("add", 1, 2, 0, "float32").numel, 0);
  },
);

function gt3Of(): Storage {
  return g.fromTyped(new Int32Array(3), "int32");
}

gpuTest("a dispatch of more than 65,535 workgroups (one elementwise op)", async () => {
  const n = 65535 * 256 + 4099; // 65,552 workgroups of 256
  const x = new Float32Array(n);
  for (let i = 0; i < n; i += 997) x[i] = i;
  const gx = g.fromTyped(x, "float32");
  const gy = g.binary("mul", gx, -2, n, "float32");
  const y = await g.read(gy) as Float32Array;
  assert.equal(y.length, n);
  for (let i = 0; i < n; i += 997) assert.equal(y[i], -2 * Math.fround(i), `element ${i}`);
  assert.equal(y[n - 1], -0);
  gx.dispose();
  gy.dispose();
});

gpuTest("where: every element width", async () => {
  const r = rng(7);
  const n = 517;
  const c = Uint8Array.from({ length: n }, () => (r() < 0.5 ? 1 : 0));
  const [gc, cc] = both(c, "bool");
  for (const dtype of ["float32", "int32", "float16", "bool", "uint8"] as DType[]) {
    const mk = (): TypedArray =>
      dtype === "float32"
        ? randF32(n, r)
        : dtype === "int32"
        ? randI32(n, r)
        : dtype === "float16"
        ? Uint16Array.from({ length: n }, () => Math.floor(r() * 0x7c00))
        : Uint8Array.from({ length: n }, () => Math.floor(r() * (dtype === "bool" ? 2 : 256)));
    const [ga, ca] = both(mk(), dtype);
    const [gb, cb] = both(mk(), dtype);
    await same(`where ${dtype}`, g.where(gc, ga, gb), cpu.where(cc, ca, cb));
  }
});

// ---------------------------------------------------------------------------------------------
// Reductions, cumsum, softmax

gpuTest("reduce: every op, dtype and layout (rows, columns, multi-pass, ties, NaN)", async () => {
  const r = rng(8);
  const layouts: [number, number, number][] = [
    [3, 1000, 1],
    [2, 10007, 1],
    [4, 7, 5],
    [1, 3001, 3],
    [5, 1, 1],
    [1, 600, 1],
    [7, 300, 2],
    [2, 0, 3],
    [0, 5, 2],
    [300, 1000, 1],
    [1, 70000, 1],
  ];
  for (const [outer, len, inner] of layouts) {
    const n = outer * len * inner;
    for (const dtype of ["float32", "int32"] as ComputeDType[]) {
      const data = dtype === "float32" ? randF32(n, r, -2, 2) : randI32(n, r, -50, 50);
      if (dtype === "float32" && n > 100) {
        // ties for argmax/argmin and a NaN in one row
        for (let i = 0; i < 30; i++) data[Math.floor(r() * n)] = 2;
        data[Math.floor(n / 2)] = NaN;
      }
      for (const be of tunings) {
        const [gx, cx] = both(data, dtype, be);
        for (const op of ["sum", "prod", "max", "min", "argmax", "argmin"] as ReduceOp[]) {
          if (len === 0 && op !== "sum" && op !== "prod") {
            if (outer * inner > 0) {
              assert.throws(() => be.reduce(op, gx, outer, len, inner), /cannot reduce an empty dimension/);
            }
            continue;
          }
          const tol = dtype === "int32" || (op !== "sum" && op !== "prod")
            ? EXACT
            : op === "sum"
            ? { atol: 2e-6 * len + 1e-6, rtol: 1e-6 }
            : { rtol: 1e-5 * Math.max(1, Math.log2(len + 1)), atol: 1e-30 };
          if (op === "prod" && dtype === "float32" && len > 30) continue; // overflows/underflows alike, skip
          await same(
            `${op} ${dtype} [${outer}, ${len}, ${inner}] ${be === tunings[0] ? "cpu" : "gpu"}-tuned`,
            be.reduce(op, gx, outer, len, inner),
            cpu.reduce(op, cx, outer, len, inner),
            tol,
          );
        }
      }
    }
  }
  const [gx] = both(new Float32Array([1, NaN, 3, NaN, -1, 3]), "float32");
  assert.deepEqual(Array.from(await g.read(g.reduce("argmax", gx, 1, 6, 1))), [1]);
  assert.deepEqual(Array.from(await g.read(g.reduce("argmin", gx, 2, 3, 1))), [1, 0]);
  const [gz] = both(new Float32Array([-0, 0, 0, -0]), "float32");
  assert.ok(Object.is((await g.read(g.reduce("max", gz, 1, 4, 1)))[0], 0));
  assert.ok(Object.is((await g.read(g.reduce("min", gz, 1, 4, 1)))[0], -0));
  assert.throws(() => g.reduce("sum", gz, 3, 1, 1), /layout \[3, 1, 1\] does not match 4 elements/);
});

gpuTest("cumsum: single and multi-level scans, int32 wrap-around", async () => {
  const r = rng(9);
  for (const [outer, len, inner] of [[2, 1000, 3], [1, 70001, 1], [3, 5, 1], [2, 257, 4]] as const) {
    const n = outer * len * inner;
    const [gx, cx] = both(randF32(n, r), "float32");
    await same(
      `cumsum f32 [${outer}, ${len}, ${inner}]`,
      g.cumsum(gx, outer, len, inner),
      cpu.cumsum(cx, outer, len, inner),
      {
        atol: 1e-6 * Math.sqrt(len) + 1e-6,
        rtol: 1e-6,
      },
    );
    const [gi, ci] = both(randI32(n, r, -2147483648, 2147483647), "int32");
    await same(
      `cumsum i32 [${outer}, ${len}, ${inner}]`,
      g.cumsum(gi, outer, len, inner),
      cpu.cumsum(ci, outer, len, inner),
    );
  }
});

gpuTest("softmax and log-softmax: long and short rows, -inf, NaN, large values", async () => {
  const r = rng(10);
  for (const [rows, cols] of [[3, 1000], [300, 10], [1000, 3], [2, 70000], [1, 1], [260, 65]] as const) {
    const x = randF32(rows * cols, r, -30, 30);
    x[0] = -Infinity;
    if (rows > 2) x[cols * 2 + 1] = NaN;
    if (rows > 1) x[cols] = 1e30;
    for (const be of tunings) {
      const [gx, cx] = both(x, "float32", be);
      for (const log of [false, true]) {
        await same(
          `${log ? "log" : ""}softmax [${rows}, ${cols}] ${be === tunings[0] ? "cpu" : "gpu"}-tuned`,
          be.softmax(gx, rows, cols, log),
          cpu.softmax(cx, rows, cols, log),
          {
            atol: log ? 1e-5 : 1e-7,
            rtol: 1e-5,
          },
        );
      }
    }
  }
});

// ---------------------------------------------------------------------------------------------
// Matmul

gpuTest("matmul: odd shapes, transposes, batches (with stride 0), thin products, int32", async () => {
  const r = rng(11);
  const shapes: [number, number, number, number][] = [
    [1, 67, 45, 71],
    [2, 64, 32, 128],
    [3, 33, 17, 40],
    [1, 5, 300, 3],
    [2, 1, 9, 130],
    [1, 100, 1, 100],
    [1, 130, 257, 66],
    [2, 128, 64, 64],
    [1, 72, 20, 200],
    [2, 20, 30, 150],
    [1, 32, 64, 256],
  ];
  for (const [batch, m, k, n] of shapes) {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        for (const bShared of [false, true]) {
          const aBatchStride = m * k, bBatchStride = bShared ? 0 : k * n;
          const a = randF32(batch * m * k, r), b = randF32((bShared ? 1 : batch) * k * n, r);
          const args: MatmulArgs = { batch, m, k, n, aBatchStride, bBatchStride, transA, transB };
          const want = cpu.matmul(cpu.fromTyped(a, "float32"), cpu.fromTyped(b, "float32"), args);
          for (const be of byKernel) {
            const got = be.matmul(be.fromTyped(a, "float32"), be.fromTyped(b, "float32"), args);
            compareArrays(
              `matmul ${batch}x[${m},${k}]@[${k},${n}] tA=${transA} tB=${transB} shared=${bShared} ${
                be === byKernel[0] ? "tiled" : "direct"
              }`,
              await be.read(got),
              cpu.readSync(want),
              "float32",
              { atol: 3e-7 * k + 1e-6, rtol: 1e-5 },
            );
          }
        }
      }
    }
  }
  const a = randI32(2 * 9 * 13, r, -1000, 1000), b = randI32(13 * 11, r, -1000, 1000);
  const [ga, ca] = both(a, "int32");
  const [gb, cb] = both(b, "int32");
  const args: MatmulArgs = {
    batch: 2,
    m: 9,
    k: 13,
    n: 11,
    aBatchStride: 117,
    bBatchStride: 0,
    transA: false,
    transB: true,
  };
  await same("matmul int32", g.matmul(ga, gb, args), cpu.matmul(ca, cb, args));
  const z = { batch: 1, m: 3, k: 0, n: 2, aBatchStride: 0, bBatchStride: 0, transA: false, transB: false };
  await same(
    "matmul k=0",
    g.matmul(g.full("float32", 0, 0), g.full("float32", 0, 0), z),
    cpu.matmul(cpu.full("float32", 0, 0), cpu.full("float32", 0, 0), z),
  );
  assert.throws(() => g.matmul(ga, gb, { ...args, batch: 3 }), /too small for batch 3/);
});

// ---------------------------------------------------------------------------------------------
// Gather and scatter-add

gpuTest("gather, index_select and scatter-add (float32 and int32)", async () => {
  const r = rng(12);
  for (
    const [outer, len, inner, idxLen] of [[3, 10, 4, 6], [1, 50, 1, 200], [2, 7, 33, 3], [
      4,
      1,
      2,
      5,
    ]] as const
  ) {
    const x = randF32(outer * len * inner, r);
    const [gx, cx] = both(x, "float32");
    const full = Int32Array.from({ length: outer * idxLen * inner }, () => Math.floor(r() * len));
    const one = Int32Array.from({ length: idxLen }, () => Math.floor(r() * len));
    for (const [idx, is1d] of [[full, false], [one, true]] as const) {
      const [gi, ci] = both(idx, "int32");
      const tag = `[${outer}, ${len}, ${inner}] idx ${idxLen} ${is1d ? "1d" : "full"}`;
      await same(
        `gather ${tag}`,
        g.gather(gx, gi, outer, len, inner, idxLen, is1d),
        cpu.gather(cx, ci, outer, len, inner, idxLen, is1d),
      );
      const src = randF32(outer * idxLen * inner, r);
      const [gs, cs] = both(src, "float32");
      await same(
        `scatterAdd f32 ${tag}`,
        g.scatterAdd(gs, gi, outer, len, inner, idxLen, is1d),
        cpu.scatterAdd(cs, ci, outer, len, inner, idxLen, is1d),
        {
          atol: 1e-6,
          rtol: 1e-6,
        },
      );
      const srci = randI32(outer * idxLen * inner, r);
      const [gsi, csi] = both(srci, "int32");
      await same(
        `scatterAdd i32 ${tag}`,
        g.scatterAdd(gsi, gi, outer, len, inner, idxLen, is1d),
        cpu.scatterAdd(csi, ci, outer, len, inner, idxLen, is1d),
      );
      // gather of other element types
      const [gb, cb] = both(
        Uint8Array.from({ length: outer * len * inner }, () => (r() < 0.5 ? 1 : 0)),
        "bool",
      );
      await same(
        `gather bool ${tag}`,
        g.gather(gb, gi, outer, len, inner, idxLen, is1d),
        cpu.gather(cb, ci, outer, len, inner, idxLen, is1d),
      );
    }
  }
});

gpuTest(
  "bad indices: synchronous RangeError when known on the host; otherwise reads of dependent results reject",
  async () => {
    const x = g.fromTyped(new Float32Array([1, 2, 3, 4, 5, 6]), "float32");
    const cx = cpu.fromTyped(new Float32Array([1, 2, 3, 4, 5, 6]), "float32");
    const bad = Int32Array.from([0, 2, 7, -1]);
    const cpuMsg = (() => {
      try {
        cpu.gather(cx, cpu.fromTyped(bad, "int32"), 1, 6, 1, 4, true);
      } catch (e) {
        return (e as Error).message;
      }
      return "";
    })();
    assert.equal(cpuMsg, "indexSelect: index 7 is out of bounds for dimension with size 6");
    assert.throws(() => g.gather(x, g.fromTyped(bad, "int32"), 1, 6, 1, 4, true), (e: Error) => {
      return e instanceof RangeError && e.message === cpuMsg;
    });
    const isCpuMsg = (e: Error) => e instanceof RangeError && e.message === cpuMsg;
    // An index computed on the GPU: the host does not know it.
    const f = g.fromTyped(new Float32Array([0, 2, 7.5, -1]), "float32");
    const gi = g.cast(f, "int32");
    assert.equal((gi as WebGPUStorage)._host, null);
    const out = g.gather(x, gi, 1, 6, 1, 4, true);
    const derived = g.binary("mul", g.unary("neg", out), 2, 4, "float32");
    const sum = g.reduce("sum", derived, 1, 4, 1);
    // Unrelated reads never see the error, before or after it is found.
    assert.deepEqual(Array.from(await g.read(x)), [1, 2, 3, 4, 5, 6]);
    for (let i = 0; i < 2; i++) {
      await assert.rejects(() => g.read(out), isCpuMsg, "the result rejects every time");
      await assert.rejects(() => g.read(derived), isCpuMsg, "results computed from it");
      await assert.rejects(() => g.read(sum), isCpuMsg);
    }
    assert.deepEqual(Array.from(await g.read(x)), [1, 2, 3, 4, 5, 6]);
    // A copy into another storage carries the error; an in-place copy taints its destination.
    const dst = g.full("float32", 4, 0);
    g.copy(derived, 0, [1], dst, 0, [1], [2]);
    await assert.rejects(() => g.read(dst), isCpuMsg);
    // Two failing ops in one batch: each result rejects with its own op's message.
    const i2 = g.cast(g.fromTyped(new Float32Array([9, 0]), "float32"), "int32");
    const s1 = g.scatterAdd(g.full("float32", 2, 1), i2, 1, 3, 1, 2, true);
    const g2 = g.gather(x, gi, 1, 6, 1, 4, true);
    const both2 = g.binary("add", g.reduce("sum", s1, 1, 3, 1), g.reduce("sum", g2, 1, 4, 1), 1, "float32");
    await assert.rejects(
      () => g.read(s1),
      /^RangeError: scatterAdd: index 9 is out of bounds for dimension with size 3$/,
    );
    await assert.rejects(() => g.read(g2), isCpuMsg);
    // Depending on both: the earlier op's error.
    await assert.rejects(() => g.read(both2), /scatterAdd: index 9/);
    // A good GPU-computed index: its results read normally.
    const good = g.cast(g.fromTyped(new Float32Array([5, 0, 1]), "float32"), "int32");
    assert.deepEqual(Array.from(await g.read(g.gather(x, good, 1, 6, 1, 3, true))), [6, 1, 2]);
    // Empty output, non-empty index: still validated, and attributed to the empty result.
    const e = g.gather(g.full("float32", 0, 0), gi, 1, 6, 0, 4, true);
    assert.equal(e.numel, 0);
    await assert.rejects(() => g.read(e), /index 7 is out of bounds/);
    assert.deepEqual(Array.from(await g.read(x)), [1, 2, 3, 4, 5, 6]);
  },
);

gpuTest("device checks: many pending checks resolve in the background; concurrent reads agree", async () => {
  const x = g.fromTyped(new Float32Array([1, 2, 3]), "float32");
  const fi = g.fromTyped(new Float32Array([2, 1]), "float32");
  const results: Storage[] = [];
  // More checked ops than one background batch without a read in between.
  for (let i = 0; i < 1100; i++) results.push(g.gather(x, g.cast(fi, "int32"), 1, 3, 1, 2, true));
  const badIdx = g.cast(g.fromTyped(new Float32Array([3]), "float32"), "int32");
  const bad = g.gather(x, badIdx, 1, 3, 1, 1, true);
  const reads = await Promise.allSettled([...results.slice(-20), bad, x].map((st) => g.read(st)));
  for (const r of reads.slice(0, 20)) {
    assert.equal(r.status, "fulfilled");
    assert.deepEqual(Array.from((r as PromiseFulfilledResult<TypedArray>).value), [3, 2]);
  }
  assert.equal(reads[20].status, "rejected");
  assert.match(String((reads[20] as PromiseRejectedResult).reason), /indexSelect: index 3 is out of bounds/);
  assert.equal(reads[21].status, "fulfilled");
  // Lazy value checks: one element out of [0, 1] makes the dependent reads reject.
  const p = g.cast(g.fromTyped(new Float32Array([0.5, 1.5, 0.25]), "float32"), "float32");
  const one = g.rangeGuard(p, 0, 1, null, (v) => `someOp: found ${v}`);
  const y = g.binary("mul", p, one, 3, "float32");
  await assert.rejects(() => g.read(y), /^RangeError: someOp: found 1\.5$/);
  await assert.rejects(() => g.read(one), /someOp: found 1\.5/);
  assert.deepEqual(Array.from(await g.read(p)), [0.5, 1.5, 0.25]);
  const nan = g.rangeGuard(
    g.fromTyped(new Float32Array([0, NaN]), "float32"),
    0,
    1,
    null,
    (v) => `someOp: found ${v}`,
  );
  await assert.rejects(() => g.read(nan), /found NaN/);
  // int32 with an allowed extra value; known on the host: a synchronous error.
  const known = g.fromTyped(new Int32Array([0, -100, 3]), "int32");
  assert.throws(() => g.rangeGuard(known, 0, 2, -100, (v) => `cls: ${v}`, "int32"), /^RangeError: cls: 3$/);
  const ints = g.cast(g.fromTyped(new Float32Array([0, -100, 2, -1]), "float32"), "int32");
  const gi = g.rangeGuard(ints, 0, 2, -100, (v) => `cls: ${v}`, "int32");
  assert.equal(gi.dtype, "int32");
  await assert.rejects(() => g.read(gi), /^RangeError: cls: -1$/);
  const okInts = g.cast(g.fromTyped(new Float32Array([0, -100, 2]), "float32"), "int32");
  assert.deepEqual(Array.from(await g.read(g.rangeGuard(okInts, 0, 2, -100, (v) => `cls: ${v}`, "int32"))), [
    1,
  ]);
  const fine = g.rangeGuard(
    g.fromTyped(new Float32Array([0, 1, 0.5]), "float32"),
    0,
    1,
    null,
    (v) => `bad ${v}`,
  );
  assert.deepEqual(Array.from(await g.read(fine)), [1]);
});

// ---------------------------------------------------------------------------------------------
// Convolution and pooling

function outSize(i: number, k: number, s: number, p: number, d: number): number {
  return Math.floor((i + 2 * p - d * (k - 1) - 1) / s) + 1;
}

gpuTest("im2col / col2im: groups, strides, padding, dilation, ones row", async () => {
  const r = rng(13);
  const cases: Partial<Conv2dGeometry>[] = [
    {
      batch: 2,
      channels: 3,
      height: 9,
      width: 11,
      groups: 1,
      kernelH: 3,
      kernelW: 3,
      strideH: 1,
      strideW: 1,
      padH: 1,
      padW: 1,
    },
    {
      batch: 1,
      channels: 4,
      height: 10,
      width: 7,
      groups: 2,
      kernelH: 3,
      kernelW: 2,
      strideH: 2,
      strideW: 3,
      padH: 0,
      padW: 1,
    },
    {
      batch: 3,
      channels: 2,
      height: 12,
      width: 12,
      groups: 1,
      kernelH: 2,
      kernelW: 3,
      strideH: 1,
      strideW: 2,
      padH: 2,
      padW: 0,
      dilationH: 2,
      dilationW: 2,
    },
    {
      batch: 1,
      channels: 6,
      height: 5,
      width: 5,
      groups: 3,
      kernelH: 1,
      kernelW: 1,
      strideH: 1,
      strideW: 1,
      padH: 0,
      padW: 0,
    },
  ];
  for (const c of cases) {
    for (const onesRow of [false, true]) {
      const dH = c.dilationH ?? 1, dW = c.dilationW ?? 1;
      const geom: Conv2dGeometry = {
        ...(c as Conv2dGeometry),
        onesRow,
        dilationH: dH,
        dilationW: dW,
        outH: outSize(c.height!, c.kernelH!, c.strideH!, c.padH!, dH),
        outW: outSize(c.width!, c.kernelW!, c.strideW!, c.padW!, dW),
      };
      const [gx, cx] = both(randF32(geom.batch * geom.channels * geom.height * geom.width, r), "float32");
      const gc = g.im2col(gx, geom), cc = cpu.im2col(cx, geom);
      await same(`im2col ${JSON.stringify(c)} ones=${onesRow}`, gc, cc);
      const [gcols, ccols] = both(randF32(cc.numel, r), "float32");
      await same(
        `col2im ${JSON.stringify(c)} ones=${onesRow}`,
        g.col2im(gcols, geom),
        cpu.col2im(ccols, geom),
      );
    }
  }
});

gpuTest("max/avg pooling forward and backward: padding, dilation, ceil-mode edges, NaN, ties", async () => {
  const r = rng(14);
  const cases: Partial<Pool2dGeometry>[] = [
    { planes: 3, height: 8, width: 8, kernelH: 2, kernelW: 2, strideH: 2, strideW: 2, padH: 0, padW: 0 },
    { planes: 2, height: 9, width: 7, kernelH: 3, kernelW: 3, strideH: 2, strideW: 2, padH: 1, padW: 1 },
    { planes: 2, height: 10, width: 11, kernelH: 3, kernelW: 2, strideH: 1, strideW: 3, padH: 1, padW: 0 },
    {
      planes: 1,
      height: 12,
      width: 12,
      kernelH: 3,
      kernelW: 3,
      strideH: 2,
      strideW: 2,
      padH: 1,
      padW: 1,
      dilationH: 2,
      dilationW: 2,
    },
  ];
  for (const c of cases) {
    for (const ceil of [false, true]) {
      const dH = c.dilationH ?? 1, dW = c.dilationW ?? 1;
      const o = (i: number, k: number, s: number, p: number, d: number) => {
        const v = (i + 2 * p - d * (k - 1) - 1) / s;
        let out = (ceil ? Math.ceil(v) : Math.floor(v)) + 1;
        if (ceil && (out - 1) * s >= i + p) out--;
        return out;
      };
      const geom: Pool2dGeometry = {
        ...(c as Pool2dGeometry),
        dilationH: dH,
        dilationW: dW,
        outH: o(c.height!, c.kernelH!, c.strideH!, c.padH!, dH),
        outW: o(c.width!, c.kernelW!, c.strideW!, c.padW!, dW),
      };
      const x = randF32(geom.planes * geom.height * geom.width, r);
      for (let i = 0; i < 10; i++) x[Math.floor(r() * x.length)] = 0.75; // ties
      x[5] = NaN;
      x[6] = NaN;
      const [gx, cx] = both(x, "float32");
      const tag = `${JSON.stringify(c)} ceil=${ceil}`;
      const gm = g.maxPool2d(gx, geom), cm = cpu.maxPool2d(cx, geom);
      await same(`maxPool2d values ${tag}`, gm.values, cm.values);
      await same(`maxPool2d indices ${tag}`, gm.indices, cm.indices);
      if (dH !== 1 || dW !== 1) continue;
      for (
        const opts of [{ countIncludePad: true, divisor: 0 }, { countIncludePad: false, divisor: 0 }, {
          countIncludePad: false,
          divisor: 3,
        }] as AvgPoolOptions[]
      ) {
        const [gx2, cx2] = both(randF32(x.length, r), "float32");
        await same(
          `avgPool2d ${tag} ${JSON.stringify(opts)}`,
          g.avgPool2d(gx2, geom, opts),
          cpu.avgPool2d(cx2, geom, opts),
        );
        const [gg, cg] = both(randF32(geom.planes * geom.outH * geom.outW, r), "float32");
        await same(
          `avgPool2dBackward ${tag} ${JSON.stringify(opts)}`,
          g.avgPool2dBackward(gg, geom, opts),
          cpu.avgPool2dBackward(cg, geom, opts),
        );
      }
    }
  }
});

// ---------------------------------------------------------------------------------------------
// Folded grids: every kernel family with at most 8 workgroups per dimension

gpuTest("folded grids: kernels agree with the CPU when grids fold into 2-d", async () => {
  const r = rng(15);
  const f = folded;
  const x = randF32(3001, r);
  const [gx, cx] = both(x, "float32", f);
  await sameFolded("unary folded", f.unary("tanh", gx), cpu.unary("tanh", cx), { ulps: 4 });
  await sameFolded(
    "binary folded",
    f.binary("add", gx, 0.5, 3001, "float32"),
    cpu.binary("add", cx, 0.5, 3001, "float32"),
  );
  await sameFolded("cast folded", f.cast(gx, "int32"), cpu.cast(cx, "int32"));
  const y = randF32(10 * 600, r);
  const [gy, cy] = both(y, "float32", f);
  await sameFolded("reduce rows folded", f.reduce("sum", gy, 10, 600, 1), cpu.reduce("sum", cy, 10, 600, 1), {
    atol: 1e-4,
  });
  await sameFolded(
    "argmax rows folded",
    f.reduce("argmax", gy, 10, 600, 1),
    cpu.reduce("argmax", cy, 10, 600, 1),
  );
  await sameFolded("reduce cols folded", f.reduce("min", gy, 10, 60, 10), cpu.reduce("min", cy, 10, 60, 10));
  await sameFolded("cumsum folded", f.cumsum(gy, 2, 3000, 1), cpu.cumsum(cy, 2, 3000, 1), { atol: 1e-4 });
  await sameFolded("softmax rows folded", f.softmax(gy, 10, 600, false), cpu.softmax(cy, 10, 600, false), {
    atol: 1e-7,
    rtol: 1e-5,
  });
  await sameFolded("softmax small folded", f.softmax(gy, 1000, 6, true), cpu.softmax(cy, 1000, 6, true), {
    atol: 1e-5,
  });
  const args: MatmulArgs = {
    batch: 11,
    m: 40,
    k: 20,
    n: 36,
    aBatchStride: 800,
    bBatchStride: 720,
    transA: false,
    transB: false,
  };
  const [ga, ca] = both(randF32(11 * 800, r), "float32", f);
  const [gb, cb] = both(randF32(11 * 720, r), "float32", f);
  await sameFolded("matmul batch split", f.matmul(ga, gb, args), cpu.matmul(ca, cb, args), {
    atol: 1e-5,
    rtol: 1e-5,
  });
  const idx = Int32Array.from({ length: 900 }, () => Math.floor(r() * 600));
  const [gi, ci] = both(idx, "int32", f);
  await sameFolded(
    "gather folded",
    f.gather(gy, gi, 10, 600, 1, 900, true),
    cpu.gather(cy, ci, 10, 600, 1, 900, true),
  );
  const geom: Pool2dGeometry = {
    planes: 30,
    height: 10,
    width: 10,
    kernelH: 2,
    kernelW: 2,
    strideH: 2,
    strideW: 2,
    padH: 0,
    padW: 0,
    dilationH: 1,
    dilationW: 1,
    outH: 5,
    outW: 5,
  };
  const [gp, cp] = both(randF32(3000, r), "float32", f);
  const gm = f.maxPool2d(gp, geom), cm = cpu.maxPool2d(cp, geom);
  await sameFolded("maxPool2d folded", gm.values, cm.values);
  await sameFolded("maxPool2d indices folded", gm.indices, cm.indices);
  const conv: Conv2dGeometry = {
    batch: 2,
    channels: 3,
    height: 10,
    width: 10,
    groups: 1,
    onesRow: true,
    kernelH: 3,
    kernelW: 3,
    strideH: 1,
    strideW: 1,
    padH: 1,
    padW: 1,
    dilationH: 1,
    dilationW: 1,
    outH: 10,
    outW: 10,
  };
  const [gc, cc] = both(randF32(600, r), "float32", f);
  await sameFolded("im2col folded", f.im2col(gc, conv), cpu.im2col(cc, conv));
});

// ---------------------------------------------------------------------------------------------
// Loop budget: every kernel with a data-dependent loop, split into slices

gpuTest("loop budget: looping kernels split their work into slices and give the same results", async () => {
  // Backends allowed 64 loop iterations per invocation (llvmpipe's real cap is 65,535; the
  // full-size cases are in tests/long_loops_test.ts): every split path runs on small inputs.
  const tight = [
    new WebGPUBackend(g.gpu, { loopBudget: 64, tuning: "cpu" }), // direct matmul, 32-wide rows
    new WebGPUBackend(g.gpu, { loopBudget: 64, matmulKernel: "tiled" }), // tiled, 256-wide rows
  ];
  const whole = [byKernel[1], byKernel[0]];
  assert.throws(
    () => new WebGPUBackend(g.gpu, { loopBudget: 10 }),
    /loopBudget must be an integer in \[64, 32768\]/,
  );
  const r = rng(16);
  const read = (s: Storage) => (s as WebGPUStorage)._backend.read(s);
  for (const [bi, b] of tight.entries()) {
    const w = whole[bi];
    // matmul: slices of the inner dimension continue from C, so the bits equal one dispatch's.
    const mm: [MatmulArgs, DType][] = [
      [
        {
          batch: 2,
          m: 3,
          k: 1000,
          n: 5,
          aBatchStride: 3000,
          bBatchStride: 5000,
          transA: false,
          transB: true,
        },
        "float32",
      ],
      [
        { batch: 1, m: 5, k: 300, n: 4, aBatchStride: 0, bBatchStride: 0, transA: false, transB: false },
        "int32",
      ],
      [{
        batch: 2,
        m: 20,
        k: 1001,
        n: 36,
        aBatchStride: 20020,
        bBatchStride: 0,
        transA: false,
        transB: false,
      }, "float32"],
      [
        { batch: 1, m: 33, k: 999, n: 19, aBatchStride: 0, bBatchStride: 0, transA: true, transB: true },
        "float32",
      ],
    ];
    for (const [args, dtype] of mm) {
      const na = args.batch * args.m * args.k, nb = (args.bBatchStride ? args.batch : 1) * args.k * args.n;
      const da = dtype === "int32" ? randI32(na, r, -1e6, 1e6) : randF32(na, r);
      const db = dtype === "int32" ? randI32(nb, r, -1e6, 1e6) : randF32(nb, r);
      const got = await read(b.matmul(b.fromTyped(da, dtype), b.fromTyped(db, dtype), args));
      const want = await read(w.matmul(w.fromTyped(da, dtype), w.fromTyped(db, dtype), args));
      compareArrays(`matmul ${bi} ${JSON.stringify(args)} ${dtype}`, got, want, dtype, EXACT);
    }
    // softmax: rows longer than the budget take the three-step path; short rows still `small`.
    const x = withSpecials(randF32(3 * 5000, r, -30, 30));
    x.fill(NaN, 5000, 5001); // one NaN row
    x.fill(-Infinity, 10000, 10100);
    for (const log of [false, true]) {
      for (const [rows, cols] of [[3, 5000], [150, 100], [700, 20]]) {
        const [gx, cx] = both(x.subarray(0, rows * cols), "float32", b);
        await same(
          `softmax ${bi} [${rows}, ${cols}] log=${log}`,
          b.softmax(gx, rows, cols, log),
          cpu.softmax(cx, rows, cols, log),
          {
            atol: log ? 1e-5 : 1e-7,
            rtol: 1e-5,
          },
        );
      }
    }
    // im2col: out rows wider than the budget in pieces; col2im: windows of 12 x 12 entries.
    for (const kernel of [3, 12]) {
      const conv: Conv2dGeometry = {
        batch: 2,
        channels: 2,
        height: 14,
        width: 300,
        groups: 1,
        onesRow: true,
        kernelH: kernel,
        kernelW: kernel,
        strideH: 1,
        strideW: 1,
        padH: 1,
        padW: 2,
        dilationH: 1,
        dilationW: 1,
        outH: 14 + 2 - kernel + 1,
        outW: 300 + 4 - kernel + 1,
      };
      const [gc, cc] = both(randF32(2 * 2 * 14 * 300, r), "float32", b);
      await same(`im2col ${bi} k=${kernel}`, b.im2col(gc, conv), cpu.im2col(cc, conv));
      const cols = randF32(2 * (2 * kernel * kernel + 1) * conv.outH * conv.outW, r);
      const [gk, ck] = both(cols, "float32", b);
      await same(`col2im ${bi} k=${kernel}`, b.col2im(gk, conv), cpu.col2im(ck, conv));
    }
    // pooling: windows and covering windows of more positions than a slice; state carried over.
    const pools: Pool2dGeometry[] = [
      {
        planes: 2,
        height: 20,
        width: 21,
        kernelH: 12,
        kernelW: 11,
        strideH: 1,
        strideW: 2,
        padH: 5,
        padW: 4,
        dilationH: 1,
        dilationW: 1,
        outH: 20,
        outW: 10,
      },
      {
        planes: 2,
        height: 30,
        width: 30,
        kernelH: 9,
        kernelW: 10,
        strideH: 3,
        strideW: 2,
        padH: 4,
        padW: 3,
        dilationH: 3,
        dilationW: 2,
        outH: 4,
        outW: 6,
      },
      {
        planes: 1,
        height: 90,
        width: 16,
        kernelH: 70,
        kernelW: 2,
        strideH: 1,
        strideW: 2,
        padH: 0,
        padW: 0,
        dilationH: 1,
        dilationW: 1,
        outH: 21,
        outW: 8,
      },
      {
        planes: 1,
        height: 1,
        width: 300,
        kernelH: 1,
        kernelW: 300,
        strideH: 1,
        strideW: 1,
        padH: 0,
        padW: 0,
        dilationH: 1,
        dilationW: 1,
        outH: 1,
        outW: 1,
      },
    ];
    for (const geom of pools) {
      const tag = `${bi} ${JSON.stringify(geom)}`;
      const px = randF32(geom.planes * geom.height * geom.width, r);
      for (let i = 0; i < 20; i++) px[Math.floor(r() * px.length)] = 0.75; // ties
      px[7] = NaN;
      const [gp, cp] = both(px, "float32", b);
      const gm = b.maxPool2d(gp, geom), cm = cpu.maxPool2d(cp, geom);
      await same(`maxPool2d ${tag}`, gm.values, cm.values);
      await same(`maxPool2d indices ${tag}`, gm.indices, cm.indices);
      if (geom.dilationH !== 1) continue;
      for (
        const opts of [{ countIncludePad: true, divisor: 0 }, {
          countIncludePad: false,
          divisor: 7,
        }] as AvgPoolOptions[]
      ) {
        const [ga, ca] = both(randF32(px.length, r), "float32", b);
        await same(`avgPool2d ${tag}`, b.avgPool2d(ga, geom, opts), cpu.avgPool2d(ca, geom, opts));
        const [gg, cg] = both(randF32(geom.planes * geom.outH * geom.outW, r), "float32", b);
        await same(
          `avgPool2dBackward ${tag}`,
          b.avgPool2dBackward(gg, geom, opts),
          cpu.avgPool2dBackward(cg, geom, opts),
        );
      }
    }
  }
});

// ---------------------------------------------------------------------------------------------
// Fused optimizer steps

/** Adam through CPU tensor-op kernels, as src/optim/adam.ts composes them. */
function adamReference(
  b: Backend,
  p: Storage,
  grad: Storage,
  m: Storage,
  v: Storage,
  vmax: Storage | null,
  o: {
    lr: number;
    beta1: number;
    beta2: number;
    eps: number;
    weightDecay: number;
    step: number;
    decoupled: boolean;
    amsgrad: boolean;
    maximize: boolean;
  },
): { p: Storage; m: Storage; v: Storage; vmax: Storage | null } {
  const n = p.numel;
  const bin = (op: BinaryOp, x: Storage | number, y: Storage | number) => b.binary(op, x, y, n, "float32");
  let g = o.maximize ? b.unary("neg", grad) : grad;
  if (o.weightDecay !== 0) {
    if (o.decoupled) p = bin("mul", p, 1 - o.lr * o.weightDecay);
    else g = bin("add", g, bin("mul", p, o.weightDecay));
  }
  const m2 = bin("add", bin("mul", m, o.beta1), bin("mul", g, 1 - o.beta1));
  const v2 = bin("add", bin("mul", v, o.beta2), bin("mul", bin("mul", g, 1 - o.beta2), g));
  const bias1 = 1 - o.beta1 ** o.step, bias2 = 1 - o.beta2 ** o.step;
  let second = v2;
  let vmax2: Storage | null = null;
  if (o.amsgrad) {
    vmax2 = bin("maximum", vmax!, v2);
    second = vmax2;
  }
  const denom = bin("add", bin("div", b.unary("sqrt", second), Math.sqrt(bias2)), o.eps);
  const p2 = bin("add", p, bin("div", bin("mul", m2, -(o.lr / bias1)), denom));
  return { p: p2, m: m2, v: v2, vmax: vmax2 };
}

gpuTest("adamUpdate / sgdUpdate match the unfused tensor-op sequences", async () => {
  const r = rng(16);
  const n = 1003;
  for (
    const variant of [
      { decoupled: false, amsgrad: false, maximize: false, weightDecay: 0 },
      { decoupled: false, amsgrad: true, maximize: true, weightDecay: 0.1 },
      { decoupled: true, amsgrad: false, maximize: false, weightDecay: 0.01 },
    ]
  ) {
    const o = { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, step: 3, ...variant };
    const p = randF32(n, r), grad = randF32(n, r), m = randF32(n, r, -0.1, 0.1), v = randF32(n, r, 0, 0.01);
    const vmax = randF32(n, r, 0, 0.02);
    const [gp] = both(p, "float32"),
      [gg] = both(grad, "float32"),
      [gm] = both(m, "float32"),
      [gv] = both(v, "float32");
    const [gvm] = both(vmax, "float32");
    g.adamUpdate(gp, gg, gm, gv, o.amsgrad ? gvm : null, o);
    const ref = adamReference(
      cpu,
      cpu.fromTyped(p, "float32"),
      cpu.fromTyped(grad, "float32"),
      cpu.fromTyped(m, "float32"),
      cpu.fromTyped(v, "float32"),
      cpu.fromTyped(vmax, "float32"),
      o,
    );
    const tol = { rtol: 1e-6, atol: 1e-7 };
    await same(`adam p ${JSON.stringify(variant)}`, gp, ref.p, tol);
    await same(`adam m ${JSON.stringify(variant)}`, gm, ref.m, tol);
    await same(`adam v ${JSON.stringify(variant)}`, gv, ref.v, tol);
    if (o.amsgrad) await same("adam vmax", gvm, ref.vmax!, tol);
  }
  for (
    const o of [
      {
        lr: 0.1,
        momentum: 0,
        dampening: 0,
        weightDecay: 0,
        nesterov: false,
        maximize: false,
        firstStep: false,
      },
      {
        lr: 0.1,
        momentum: 0.9,
        dampening: 0,
        weightDecay: 0.01,
        nesterov: true,
        maximize: false,
        firstStep: true,
      },
      {
        lr: 0.05,
        momentum: 0.9,
        dampening: 0.5,
        weightDecay: 0,
        nesterov: false,
        maximize: true,
        firstStep: false,
      },
    ]
  ) {
    const p = randF32(n, r), grad = randF32(n, r), buf = randF32(n, r);
    const [gp] = both(p, "float32"), [gg] = both(grad, "float32"), [gb] = both(buf, "float32");
    g.sgdUpdate(gp, gg, o.momentum !== 0 ? gb : null, o);
    const bin = (op: BinaryOp, x: Storage | number, y: Storage | number) =>
      cpu.binary(op, x, y, n, "float32");
    const cp = cpu.fromTyped(p, "float32");
    let d: Storage = cpu.fromTyped(grad, "float32");
    if (o.maximize) d = cpu.unary("neg", d);
    if (o.weightDecay !== 0) d = bin("add", d, bin("mul", cp, o.weightDecay));
    let cbuf: Storage | null = null;
    if (o.momentum !== 0) {
      cbuf = o.firstStep ? d : bin(
        "add",
        bin("mul", cpu.fromTyped(buf, "float32"), o.momentum),
        o.dampening === 0 ? d : bin("mul", d, 1 - o.dampening),
      );
      d = o.nesterov ? bin("add", d, bin("mul", cbuf, o.momentum)) : cbuf;
    }
    const p2 = bin("sub", cp, bin("mul", d, o.lr));
    await same(`sgd p ${JSON.stringify(o)}`, gp, p2, { rtol: 1e-6, atol: 1e-7 });
    if (cbuf) await same(`sgd buf ${JSON.stringify(o)}`, gb, cbuf, { rtol: 1e-6, atol: 1e-7 });
  }
});

gpuTest("no WebGPU validation errors were raised by any kernel", async () => {
  await g.sync();
  await folded.sync();
  for (const be of [...byKernel, ...tunings]) await be.sync();
  assert.deepEqual(gpuErrors, []);
});
