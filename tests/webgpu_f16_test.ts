/**
 * float16 matrix products: PyTorch's values (tests/fixtures/amp.json, "half_matmul":
 * tools/fixtures/amp_fixtures.py) on both devices, and, on a device with WebGPU's `shader-f16`,
 * the f16 kernels (`matmul_f16_pack` + `matmul_f16`, src/backends/webgpu/matmul.ts) against the
 * float32 kernels of a backend made with `f16: false`, on the same inputs.
 *
 * The suite's default adapter (Mesa llvmpipe through GL) has no `shader-f16`: there the f16 tests
 * are reported as ignored, with the reason printed, and the rest checks that the float32 kernels
 * run. Mesa's lavapipe (Vulkan; Debian's mesa-vulkan-drivers) has it; `.ci/run` runs this file on it,
 * with EDGETORCH_TEST_REQUIRE_F16=1 (which fails the run when the adapter lacks `shader-f16`):
 *
 *   VK_DRIVER_FILES=/path/to/lvp_icd.x86_64.json DENO_WEBGPU_BACKEND=vulkan deno test -A tests/webgpu_f16_test.ts
 *
 * Tolerances. Against PyTorch (its float32 product of the halves, rounded to half once): one
 * float16 ulp at the expected value (two float32 sums that differ in their last bits can round to
 * neighbouring halves) plus k·2⁻²⁴·Σ|a||b|, the bound of the difference between two float32
 * summation orders (PyTorch's BLAS and our kernels add in different orders; it matters only where
 * the terms cancel). The f16 kernel against the float32 kernels: both add the k terms in order,
 * one after the other, in f32, so the bits agree unless a compiler fuses a multiply and an add in
 * one kernel and not in the other; the same per-element tolerance holds, and at least 90% of the
 * elements must be identical (all of them are on lavapipe).
 */
import assert from "node:assert/strict";
import * as torch from "../mod.ts";
import * as gpu from "../src/gpu.ts";
import { WebGPUBackend, type WebGPUStorage } from "../src/backends/webgpu/backend.ts";
import { PipelineCache } from "../src/backends/webgpu/pipelines.ts";
import type { MatmulArgs } from "../src/backends/backend.ts";
import { encodeHalf, halfToFloat } from "../src/half.ts";
import { deviceTest, gpuAvailable } from "./devices.ts";
import { rng } from "./helpers.ts";

interface ProductCase {
  name: string;
  op: "matmul";
  a_shape: number[];
  a: string;
  b_shape: number[];
  b: string;
  out_shape: number[];
  out: string;
}
interface LinearCase {
  name: string;
  op: "linear";
  x_shape: number[];
  x: string;
  w_shape: number[];
  w: string;
  bias: string;
  out_shape: number[];
  out: string;
}
const fixtures = JSON.parse(await Deno.readTextFile(new URL("./fixtures/amp.json", import.meta.url))) as {
  half_matmul: (ProductCase | LinearCase)[];
};

const g = gpuAvailable ? gpu.webgpuBackend()! : null;
/** Whether this adapter runs float16 products through the f16 kernels. */
const f16 = g?.f16 ?? false;
const F16_SKIP = g
  ? `the adapter (${gpu.adapterInfo()?.description}) has no shader-f16`
  : "no WebGPU adapter";
/** CI's lavapipe run sets EDGETORCH_TEST_REQUIRE_F16=1: there, no f16 kernels is a failure. */
const requireF16 = (() => {
  try {
    return Deno.env.get("EDGETORCH_TEST_REQUIRE_F16") === "1";
  } catch {
    return false;
  }
})();
Deno.test({
  name: "f16: the adapter offers shader-f16 (EDGETORCH_TEST_REQUIRE_F16=1)",
  ignore: !requireF16,
  fn: () => assert.ok(f16, `EDGETORCH_TEST_REQUIRE_F16=1, but ${F16_SKIP}`),
});
if (!f16) {
  console.log(
    `f16 kernel tests skipped: ${F16_SKIP} (Mesa lavapipe has it: VK_DRIVER_FILES=<lvp_icd.x86_64.json> ` +
      "DENO_WEBGPU_BACKEND=vulkan)",
  );
}
/** The same device without the f16 kernels (float16 products in float32, as before them), per float32 kernel. */
const fallbacks = g
  ? [
    new WebGPUBackend(g.gpu, { f16: false, matmulKernel: "direct" }),
    new WebGPUBackend(g.gpu, { f16: false }),
  ]
  : [];
const fallback = fallbacks[0];

/** A test of the f16 kernels: ignored (with the reason printed above) without `shader-f16`. */
function f16Test(name: string, fn: () => Promise<void> | void): void {
  Deno.test({ name: `f16: ${name}`, ignore: !f16, sanitizeOps: false, sanitizeResources: false, fn });
}

/** A GPU test that runs on every adapter. */
function gpuTest(name: string, fn: () => Promise<void> | void): void {
  Deno.test({ name: `f16: ${name}`, ignore: !g, sanitizeOps: false, sanitizeResources: false, fn });
}

function bits(hex: string): Uint16Array {
  return Uint16Array.from({ length: hex.length / 4 }, (_, i) => parseInt(hex.slice(4 * i, 4 * i + 4), 16));
}

/** Spacing of float16 numbers at |x| (2⁻²⁴ among the subnormals). */
function ulp16(x: number): number {
  const a = Math.abs(x);
  if (a < 2 ** -14) return 2 ** -24;
  return 2 ** (Math.floor(Math.log2(a)) - 10);
}

/**
 * Checks `got` against `want` (float16 values of a product C = A @ B, both [batch, m, n]), with
 * the tolerance of the module documentation: `absDot(i)` is Σ|a||b| of element i, `k` the terms.
 */
function checkProduct(
  what: string,
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  k: number,
  absDot: (i: number) => number,
): void {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    const w = want[i], v = got[i];
    if (!Number.isFinite(w)) {
      assert.ok(
        Object.is(v, w) || (Number.isNaN(w) && Number.isNaN(v)),
        `${what}[${i}]: ${v}, expected ${w}`,
      );
      continue;
    }
    const tol = ulp16(w) + 2 ** -24 * k * absDot(i);
    assert.ok(Math.abs(v - w) <= tol, `${what}[${i}]: ${v}, expected ${w} (tolerance ${tol})`);
  }
}

/** Σ_k |A[b, i, k]·B[b, k, j]| of output element `idx` of [batch, m, n] (batch strides in elements). */
function absDotOf(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  args: Pick<MatmulArgs, "m" | "k" | "n" | "aBatchStride" | "bBatchStride" | "transA" | "transB">,
): (idx: number) => number {
  const { m, k, n, aBatchStride, bBatchStride, transA, transB } = args;
  return (idx) => {
    const bt = Math.floor(idx / (m * n)), i = Math.floor(idx / n) % m, j = idx % n;
    let s = 0;
    for (let t = 0; t < k; t++) {
      const av = a[bt * aBatchStride + (transA ? t * m + i : i * k + t)];
      const bv = b[bt * bBatchStride + (transB ? j * k + t : t * n + j)];
      s += Math.abs(av * bv);
    }
    return s;
  };
}

/** The half values of hex bits as a float16 tensor of `shape` on `device`. */
function halfTensor(hex: string, shape: number[], device: torch.Device): torch.Tensor {
  return torch.tensor(Array.from(bits(hex), halfToFloat), { dtype: "float16", device }).reshape(shape);
}

/** Runs `fn` recording the kernels `g` dispatches (their names) while it and its reads run. */
async function traced<T>(fn: () => Promise<T>): Promise<{ value: T; kernels: string[] }> {
  if (!g) return { value: await fn(), kernels: [] };
  await g.sync();
  g.kernelTrace = [];
  try {
    const value = await fn();
    return { value, kernels: g.kernelTrace.map((k) => k.split("|")[0]) };
  } finally {
    g.kernelTrace = null;
  }
}

// ---- PyTorch's values, both devices -------------------------------------------------------------

for (const c of fixtures.half_matmul) {
  deviceTest(
    `float16 ${c.name} equals PyTorch's float32 product of the halves, rounded once`,
    async (device) => {
      const want = Array.from(bits(c.out), halfToFloat);
      if (c.op === "linear") {
        const x = halfTensor(c.x, c.x_shape, device), w = halfTensor(c.w, c.w_shape, device);
        const bias = halfTensor(c.bias, [c.w_shape[0]], device);
        const [k, outF] = [c.x_shape[1], c.w_shape[0]];
        const xv = Array.from(bits(c.x), halfToFloat), wv = Array.from(bits(c.w), halfToFloat);
        const absDot = absDotOf(xv, wv, {
          m: c.x_shape[0],
          k,
          n: outF,
          aBatchStride: 0,
          bBatchStride: 0,
          transA: false,
          transB: true,
        });
        const bv = Array.from(bits(c.bias), halfToFloat);
        const absDotBias = (i: number) => absDot(i) + Math.abs(bv[i % outF]);
        // float16 tensors, and float32 ones under autocast (which casts them to the same halves).
        const runs: [string, () => torch.Tensor][] = [
          ["linear of float16 tensors", () => torch.linear(x, w, bias)],
          [
            "autocast linear of float32 tensors",
            () => torch.autocast(device, () => torch.linear(x.float(), w.float(), bias.float())),
          ],
        ];
        for (const [what, run] of runs) {
          const { value: y, kernels } = await traced(async () => {
            const y = run();
            return { dtype: y.dtype, shape: y.shape, data: await y.dataAsync() };
          });
          assert.equal(y.dtype, "float16");
          assert.deepEqual(y.shape, c.out_shape);
          checkProduct(`${c.name}, ${what}`, y.data, want, k + 1, absDotBias);
          if (device === "gpu") assert.equal(kernels.includes("matmul_f16"), f16, `${what}: ${kernels}`);
        }
        return;
      }
      const a = halfTensor(c.a, c.a_shape, device), b = halfTensor(c.b, c.b_shape, device);
      const av = Array.from(bits(c.a), halfToFloat), bv = Array.from(bits(c.b), halfToFloat);
      const m = c.a_shape.at(-2)!, k = c.a_shape.at(-1)!, n = c.b_shape.at(-1)!;
      // Reference terms per output element, with the batch broadcast as the fixtures' shapes say.
      const outBatch = c.out_shape.slice(0, -2).reduce((p, q) => p * q, 1);
      const aBatches = c.a_shape.slice(0, -2).reduce((p, q) => p * q, 1);
      const bBatches = c.b_shape.slice(0, -2).reduce((p, q) => p * q, 1);
      const absDot = absDotOf(av, bv, {
        m,
        k,
        n,
        aBatchStride: aBatches === outBatch ? m * k : 0,
        bBatchStride: bBatches === outBatch ? k * n : 0,
        transA: false,
        transB: false,
      });
      // The operands as given, and stored transposed (the kernels read them transposed).
      const aT = a.transpose(-1, -2).contiguous().transpose(-1, -2);
      const bT = b.transpose(-1, -2).contiguous().transpose(-1, -2);
      const runs: [string, () => torch.Tensor][] = [
        ["matmul", () => torch.matmul(a, b)],
        ["matmul of transposed storages", () => torch.matmul(aT, bT)],
        [
          "autocast matmul of float32 tensors",
          () => torch.autocast(device, () => torch.matmul(a.float(), b.float())),
        ],
      ];
      if (c.a_shape.length === 3 && c.b_shape.length === 3) {
        runs.push(["bmm", () => torch.bmm(a, b)]);
      }
      if (c.a_shape.length === 2 && c.b_shape.length === 2) runs.push(["mm", () => torch.mm(a, b)]);
      for (const [what, run] of runs) {
        const { value: y, kernels } = await traced(async () => {
          const y = run();
          return { dtype: y.dtype, shape: y.shape, data: await y.dataAsync() };
        });
        assert.equal(y.dtype, "float16");
        assert.deepEqual(y.shape, c.out_shape);
        checkProduct(`${c.name}, ${what}`, y.data, want, k, absDot);
        if (device === "gpu") assert.equal(kernels.includes("matmul_f16"), f16, `${what}: ${kernels}`);
      }
    },
  );
}

// ---- the f16 kernels against the float32 kernels -------------------------------------------------

interface Shape {
  batch: number;
  m: number;
  k: number;
  n: number;
  transA?: boolean;
  transB?: boolean;
  /** Operand broadcast over the batch (batch stride 0). */
  broadcast?: "a" | "b";
}

/** Random float16 bits of normal numbers of magnitude 2⁻³ .. 2² (a few exact zeros). */
function randomHalves(count: number, seed: number): Uint16Array {
  const r = rng(seed);
  return Uint16Array.from({ length: count }, () => {
    if (r() < 0.02) return 0;
    return (r() < 0.5 ? 0x8000 : 0) | ((12 + Math.floor(5 * r())) << 10) | Math.floor(1024 * r());
  });
}

function argsOf(s: Shape): MatmulArgs {
  return {
    batch: s.batch,
    m: s.m,
    k: s.k,
    n: s.n,
    aBatchStride: s.broadcast === "a" ? 0 : s.m * s.k,
    bBatchStride: s.broadcast === "b" ? 0 : s.k * s.n,
    transA: s.transA ?? false,
    transB: s.transB ?? false,
  };
}

/**
 * The float16 product of half bits `a` and `b` on backend `be` as the front end asks for it
 * (operands cast to float32, the product cast back), its result bits and the kernels it ran.
 * `extra` adds pointwise work over the float32 product (an epilogue), whose values come back too.
 */
async function halfProduct(
  be: WebGPUBackend,
  a: Uint16Array,
  b: Uint16Array,
  args: MatmulArgs,
  extra = false,
): Promise<{ out: Uint16Array; extra: Float32Array | null; kernels: string[] }> {
  const ha = be.fromTyped(a, "float16"), hb = be.fromTyped(b, "float16");
  await be.sync();
  be.kernelTrace = [];
  try {
    const product = be.matmul(be.cast(ha, "float32"), be.cast(hb, "float32"), args);
    const out = be.cast(product, "float16");
    let relu: WebGPUStorage | null = null;
    if (extra) relu = be.unary("relu", be.binary("mul", product, 0.5, product.numel, "float32"));
    const bitsOut = await be.read(out) as Uint16Array;
    const extraOut = relu ? await be.read(relu) as Float32Array : null;
    return { out: bitsOut, extra: extraOut, kernels: be.kernelTrace.map((x) => x.split("|")[0]) };
  } finally {
    be.kernelTrace = null;
  }
}

/** Runs shape `s` on `be` (f16) and on `ref` (float32 kernels) and compares (see the module doc). */
async function compareKernels(be: WebGPUBackend, ref: WebGPUBackend, s: Shape, seed: number, extra = false) {
  const args = argsOf(s);
  const aCount = (s.broadcast === "a" ? 1 : s.batch) * s.m * s.k;
  const bCount = (s.broadcast === "b" ? 1 : s.batch) * s.k * s.n;
  const a = randomHalves(aCount, seed), b = randomHalves(bCount, seed + 1);
  const mine = await halfProduct(be, a, b, args, extra);
  const theirs = await halfProduct(ref, a, b, args, extra);
  const what = `${s.batch}x[${s.m}, ${s.k}]@[${s.k}, ${s.n}] ${JSON.stringify(s)}`;
  assert.ok(
    mine.kernels.includes("matmul_f16") && mine.kernels.includes("matmul_f16_pack"),
    `${what}: ${mine.kernels}`,
  );
  assert.ok(!theirs.kernels.some((x) => x.startsWith("matmul_f16")), `${what}: ${theirs.kernels}`);
  const got = Array.from(mine.out, halfToFloat), want = Array.from(theirs.out, halfToFloat);
  const av = Array.from(a, halfToFloat), bv = Array.from(b, halfToFloat);
  checkProduct(what, got, want, s.k, absDotOf(av, bv, args));
  const same = mine.out.filter((v, i) => v === theirs.out[i]).length;
  assert.ok(same >= 0.9 * mine.out.length, `${what}: only ${same} of ${mine.out.length} elements identical`);
  if (extra) {
    // The epilogue's float32 values: the same float32 product, so within float32 summation error.
    const absDot = absDotOf(av, bv, args);
    for (let i = 0; i < mine.extra!.length; i++) {
      const tol = 2 ** -24 * s.k * absDot(i);
      assert.ok(Math.abs(mine.extra![i] - theirs.extra![i]) <= tol, `${what} epilogue [${i}]`);
    }
  }
  return { same, total: mine.out.length };
}

const SHAPES: Shape[] = [
  { batch: 1, m: 8, k: 8, n: 8 },
  { batch: 1, m: 40, k: 72, n: 24 },
  { batch: 1, m: 65, k: 33, n: 70, transA: true },
  { batch: 1, m: 100, k: 300, n: 129, transB: true },
  { batch: 1, m: 64, k: 64, n: 64, transA: true, transB: true },
  { batch: 1, m: 130, k: 17, n: 9 },
  { batch: 1, m: 9, k: 1, n: 131 },
  { batch: 3, m: 20, k: 33, n: 17 },
  { batch: 4, m: 12, k: 40, n: 66, broadcast: "a" },
  // B broadcast, A not transposed: the batch folds into the rows (5 x 7 = 35 rows).
  { batch: 5, m: 7, k: 24, n: 30, broadcast: "b" },
  { batch: 3, m: 16, k: 24, n: 30, broadcast: "b", transA: true },
];

f16Test(
  "float16 products through the f16 kernels equal the float32 kernels' on the same halves",
  async () => {
    for (const ref of fallbacks) {
      let same = 0, total = 0;
      for (const [i, s] of SHAPES.entries()) {
        const r = await compareKernels(g!, ref, s, 100 + 2 * i);
        same += r.same;
        total += r.total;
      }
      console.log(`f16 kernels: ${same} of ${total} float16 results identical to the float32 kernels'`);
    }
  },
);

f16Test("f16 products with an epilogue that stores more than the float16 result", async () => {
  await compareKernels(g!, fallback!, { batch: 1, m: 33, k: 50, n: 40 }, 7, true);
  await compareKernels(g!, fallback!, { batch: 2, m: 64, k: 16, n: 64 }, 9, true);
});

f16Test("f16 products sliced along k (loop budget) and in batch chunks (folded grids)", async () => {
  // 64 loop iterations per invocation: the product runs in k slices of 48, continuing from C.
  const sliced = new WebGPUBackend(g!.gpu, { loopBudget: 64 });
  const slicedRef = new WebGPUBackend(g!.gpu, { loopBudget: 64, f16: false });
  await compareKernels(sliced, slicedRef, { batch: 1, m: 20, k: 300, n: 30 }, 21);
  await compareKernels(sliced, slicedRef, { batch: 2, m: 9, k: 100, n: 70, transB: true }, 23, true);
  // 8 workgroups per grid dimension: 20 batches in chunks of 8, packing grids folded into 2-d.
  const folded = new WebGPUBackend(g!.gpu, { maxWorkgroupsPerDimension: 8 });
  const foldedRef = new WebGPUBackend(g!.gpu, { maxWorkgroupsPerDimension: 8, f16: false });
  await compareKernels(folded, foldedRef, { batch: 20, m: 8, k: 40, n: 8 }, 25);
  await compareKernels(folded, foldedRef, { batch: 1, m: 40, k: 64, n: 130 }, 27);
});

f16Test("f16 products of special halves: subnormals, overflow to infinity, infinities and NaN", async () => {
  const m = 16, k = 16, n = 16;
  const a = randomHalves(m * k, 31), b = randomHalves(k * n, 32);
  for (let t = 0; t < k; t++) {
    a[t] = t + 1; // subnormal: (t + 1)·2⁻²⁴
    b[t * n] = 0x0400 + t; // smallest normals
    a[k + t] = encodeHalf(6e4);
    b[t * n + 1] = encodeHalf(2);
    a[4 * k + t] = 0x0400; // 2⁻¹⁴
    b[t * n + 5] = 0x0c00; // 2⁻¹²: products of 2⁻²⁶, sums subnormal
  }
  a[2 * k + 3] = 0x7c00; // +inf
  a[2 * k + 5] = encodeHalf(1);
  b[3 * n + 4] = encodeHalf(1);
  b[5 * n + 4] = 0xfc00; // -inf
  a[3 * k + 7] = 0x7e00; // NaN
  const args = argsOf({ batch: 1, m, k, n });
  const mine = await halfProduct(g!, a, b, args);
  const theirs = await halfProduct(fallback!, a, b, args);
  assert.ok(mine.kernels.includes("matmul_f16"), mine.kernels.join());
  assert.deepEqual(Array.from(mine.out, halfToFloat), Array.from(theirs.out, halfToFloat));
  // Checked by hand: 6e4·2·16 overflows; inf + (-inf) gives NaN; subnormal sums stay exact.
  const out = Array.from(mine.out, halfToFloat);
  assert.equal(out[1 * n + 1], Infinity);
  assert.equal(out[2 * n], Infinity);
  assert.ok(Number.isNaN(out[2 * n + 4]));
  assert.ok(out.slice(3 * n, 4 * n).every(Number.isNaN));
  assert.equal(out[4 * n + 5], 16 * 2 ** -26);
});

f16Test(
  "autocast's float32 operands are packed straight from float32, rounded as the float16 cast rounds",
  async () => {
    const [m, k, n] = [40, 72, 24];
    const r = rng(51);
    // Values that are not halves, a few past the float16 range (infinite once rounded) and below it.
    const floats = (count: number) =>
      Float32Array.from({ length: count }, () => {
        const u = r();
        return u < 0.01 ? 7e4 * (r() - 0.5) : u < 0.02 ? 1e-9 * r() : 4 * (r() - 0.5);
      });
    const a = floats(m * k), b = floats(k * n);
    const args = argsOf({ batch: 1, m, k, n });
    const run = async (be: WebGPUBackend) => {
      const a32 = be.fromTyped(a, "float32"), b32 = be.fromTyped(b, "float32");
      await be.sync();
      be.kernelTrace = [];
      try {
        // What autocast's matmul asks for: float32 -> float16 -> float32 operands (the float16
        // copies released, as autocast releases them), a float16 product.
        const half = (x: WebGPUStorage) => {
          const h = be.cast(x, "float16"), f = be.cast(h, "float32");
          h.dispose();
          return f;
        };
        const fa = half(a32), fb = half(b32);
        const product = be.matmul(fa, fb, args);
        const out16 = be.cast(product, "float16");
        // Released as the front end's frame releases them: nothing computes them.
        for (const s of [fa, fb, product]) s.dispose();
        const out = await be.read(out16);
        return { out: out as Uint16Array, kernels: be.kernelTrace.map((x) => x.split("|")[0]) };
      } finally {
        be.kernelTrace = null;
      }
    };
    const mine = await run(g!), theirs = await run(fallback!);
    assert.deepEqual(mine.kernels, ["matmul_f16_pack", "matmul_f16_pack", "matmul_f16"]);
    const ha = Array.from(a, (v) => halfToFloat(encodeHalf(v))),
      hb = Array.from(b, (v) => halfToFloat(encodeHalf(v)));
    checkProduct(
      "autocast operands",
      Array.from(mine.out, halfToFloat),
      Array.from(theirs.out, halfToFloat),
      k,
      absDotOf(ha, hb, args),
    );
    const same = mine.out.filter((v, i) => v === theirs.out[i]).length;
    assert.ok(same >= 0.9 * mine.out.length, `only ${same} of ${mine.out.length} identical`);
  },
);

f16Test(
  "the device was requested with shader-f16, and a backend made with f16: false keeps float32",
  async () => {
    assert.ok(gpu.features().includes("shader-f16"));
    assert.ok(g!.gpu.features.has("shader-f16"));
    assert.equal(g!.f16, true);
    assert.equal(fallback!.f16, false);
    // torch.matmul of float16 tensors: the operands are packed, the product and its cast back to
    // float16 are one kernel (the cast is its epilogue).
    const a = torch.randn([64, 48]).half().to("gpu"), b = torch.randn([48, 32]).half().to("gpu");
    await a.dataAsync();
    await b.dataAsync();
    const { kernels } = await traced(async () => await torch.matmul(a, b).dataAsync());
    assert.deepEqual(kernels, ["matmul_f16_pack", "matmul_f16_pack", "matmul_f16"]);
    // Under autocast, float32 operands: packed from float32 (no separate cast to float16).
    const x = torch.randn([64, 48], { device: "gpu" }), w = torch.randn([32, 48], { device: "gpu" });
    await x.dataAsync();
    await w.dataAsync();
    const auto = await traced(async () =>
      await torch.noGrad(() => torch.autocast("gpu", () => torch.linear(x, w))).dataAsync()
    );
    assert.deepEqual(auto.kernels, ["matmul_f16_pack", "matmul_f16_pack", "matmul_f16"]);
  },
);

// ---- without the f16 kernels ---------------------------------------------------------------------

gpuTest(
  "without shader-f16 the f16 kernels are never compiled, and float16 products run in float32",
  async () => {
    // A second device of the same adapter, requested without features.
    const adapter = (await navigator.gpu.requestAdapter({ powerPreference: "high-performance" }))!;
    const plain = await adapter.requestDevice({ label: "edgetorch f16 test, no features" });
    try {
      assert.equal(plain.features.has("shader-f16"), false);
      const be = new WebGPUBackend(plain);
      assert.equal(be.f16, false);
      const subs = { TA: "false", TB: "false", C_DECL: "", STORE: "", LOAD: "" };
      for (const name of ["matmul_f16", "matmul_f16_pack"]) {
        assert.throws(
          () => new PipelineCache(plain).get(name, subs),
          new RegExp(`kernel ${name} needs the device feature shader-f16, which this device lacks`),
        );
      }
      const args = argsOf({ batch: 1, m: 40, k: 72, n: 24 });
      const a = randomHalves(40 * 72, 41), b = randomHalves(72 * 24, 42);
      const r = await halfProduct(be, a, b, args);
      assert.ok(!r.kernels.some((x) => x.startsWith("matmul_f16")), r.kernels.join());
      assert.ok(r.kernels.includes(`matmul_direct`) || r.kernels.includes("matmul_tiled"), r.kernels.join());
      // The same values as the adapter's own device (through the f16 kernels where it has them).
      const own = await halfProduct(g!, a, b, args);
      const av = Array.from(a, halfToFloat), bv = Array.from(b, halfToFloat);
      checkProduct(
        "40x72 @ 72x24",
        Array.from(r.out, halfToFloat),
        Array.from(own.out, halfToFloat),
        72,
        absDotOf(av, bv, args),
      );
      // What gpu.ts asked for: shader-f16 exactly where the adapter offers it.
      assert.equal(g!.gpu.features.has("shader-f16"), adapter.features.has("shader-f16"));
      assert.equal(gpu.features().includes("shader-f16"), adapter.features.has("shader-f16"));
    } finally {
      plain.destroy();
    }
  },
);
