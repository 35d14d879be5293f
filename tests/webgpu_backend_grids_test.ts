/**
 * The WebGPU backend against the CPU (wasm) backend on the same inputs: folded grids (a backend limited
 * to 8 workgroups per dimension so every kernel family runs folded) and the loop budget (looping kernels split into slices). Setup, tolerances and the comparison
 * helpers are in tests/webgpu_backend_setup.ts; the last test checks that no kernel raised a WebGPU
 * validation error.
 */
import assert from "node:assert/strict";
import { WebGPUBackend, type WebGPUStorage } from "../src/backends/webgpu/backend.ts";
import type {
  AvgPoolOptions,
  Conv2dGeometry,
  MatmulArgs,
  Pool2dGeometry,
  Storage,
} from "../src/backends/backend.ts";
import type { DType } from "../src/dtype.ts";
import { randF32, randI32, rng } from "./helpers.ts";
import {
  both,
  byKernel,
  compareArrays,
  cpu,
  EXACT,
  folded,
  g,
  gpuTest,
  noValidationErrorsTest,
  same,
  sameFolded,
  withSpecials,
} from "./webgpu_backend_setup.ts";

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
    new WebGPUBackend(g.gpu, { loopBudget: 64, matmulKernel: "tiled128" }),
  ];
  const whole = [byKernel[1], byKernel[0], byKernel[2]];
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
      [
        { batch: 1, m: 140, k: 300, n: 136, aBatchStride: 0, bBatchStride: 0, transA: true, transB: false },
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

noValidationErrorsTest();
