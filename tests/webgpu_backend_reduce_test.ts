/**
 * The WebGPU backend against the CPU (wasm) backend on the same inputs: reductions, cumsum, softmax and
 * matmul (both kernel tunings, both matmul kernels). Setup, tolerances and the comparison helpers are in
 * tests/webgpu_backend_setup.ts; the last test checks that no kernel raised a WebGPU validation error.
 */
import assert from "node:assert/strict";
import type { MatmulArgs, ReduceOp } from "../src/backends/backend.ts";
import type { ComputeDType } from "../src/dtype.ts";
import { randF32, randI32, rng } from "./helpers.ts";
import {
  both,
  byKernel,
  compareArrays,
  cpu,
  EXACT,
  g,
  gpuTest,
  MATMUL_KERNELS,
  noValidationErrorsTest,
  same,
  tunings,
} from "./webgpu_backend_setup.ts";

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
    [1, 200, 24, 260],
    [2, 129, 9, 131],
  ];
  for (const [batch, m, k, n] of shapes) {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        for (const bShared of [false, true]) {
          const aBatchStride = m * k, bBatchStride = bShared ? 0 : k * n;
          const a = randF32(batch * m * k, r), b = randF32((bShared ? 1 : batch) * k * n, r);
          const args: MatmulArgs = { batch, m, k, n, aBatchStride, bBatchStride, transA, transB };
          const want = cpu.matmul(cpu.fromTyped(a, "float32"), cpu.fromTyped(b, "float32"), args);
          for (const [bi, be] of byKernel.entries()) {
            const got = be.matmul(be.fromTyped(a, "float32"), be.fromTyped(b, "float32"), args);
            compareArrays(
              `matmul ${batch}x[${m},${k}]@[${k},${n}] tA=${transA} tB=${transB} shared=${bShared} ${
                MATMUL_KERNELS[bi]
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

noValidationErrorsTest();
