/**
 * The CPU (wasm) backend, kernel by kernel, through the Backend interface, against plain JavaScript
 * reference computations: matmul (all transposes, sizes off the tile grid, batches, int32) and matmul with
 * a bias. Every test runs on both kernel builds (relaxed SIMD and plain SIMD); the shared helpers are in
 * tests/wasm_backend_setup.ts.
 */
import assert from "node:assert/strict";
import { WasmBackend } from "../src/backends/wasm/backend.ts";
import type { MatmulArgs } from "../src/backends/backend.ts";
import { randF32, randI32, rng } from "./helpers.ts";
import { assertExact, each, f32 } from "./wasm_backend_setup.ts";

// ---------------------------------------------------------------------------------------------
// matmul

function refMatmul(
  a: ArrayLike<number>,
  bm: ArrayLike<number>,
  args: MatmulArgs,
  isF32: boolean,
): { c: number[]; scale: number[] } {
  const { batch, m, k, n, aBatchStride, bBatchStride, transA, transB } = args;
  const c: number[] = [], scale: number[] = [];
  for (let t = 0; t < batch; t++) {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let acc = 0, abs = 0;
        for (let p = 0; p < k; p++) {
          const av = a[t * aBatchStride + (transA ? p * m + i : i * k + p)];
          const bv = bm[t * bBatchStride + (transB ? j * k + p : p * n + j)];
          if (isF32) {
            acc += av * bv;
            abs += Math.abs(av * bv);
          } else {
            acc = (acc + Math.imul(av, bv)) | 0;
          }
        }
        c.push(acc);
        scale.push(abs);
      }
    }
  }
  return { c, scale };
}

function matmulCase(b: WasmBackend, args: MatmulArgs, dtype: "float32" | "int32", r: () => number) {
  const { batch, m, k, n, aBatchStride, bBatchStride } = args;
  const aLen = Math.max(0, (batch - 1) * aBatchStride) + m * k;
  const bLen = Math.max(0, (batch - 1) * bBatchStride) + k * n;
  const a = dtype === "float32" ? randF32(aLen, r) : randI32(aLen, r, -1000, 1000);
  const bm = dtype === "float32" ? randF32(bLen, r) : randI32(bLen, r, -1000, 1000);
  const out = b.readSync(b.matmul(b.fromTyped(a, dtype), b.fromTyped(bm, dtype), args));
  const { c, scale } = refMatmul(a, bm, args, dtype === "float32");
  const what = `matmul ${dtype} ${JSON.stringify(args)}`;
  assert.equal(out.length, batch * m * n, what);
  if (dtype === "int32") {
    assert.ok(out instanceof Int32Array);
    assertExact(out, c, what);
    return;
  }
  assert.ok(out instanceof Float32Array);
  for (let i = 0; i < c.length; i++) {
    if (!(Math.abs(out[i] - c[i]) <= 1e-6 * scale[i] + 1e-30)) {
      assert.fail(`${what}[${i}]: got ${out[i]}, want ${c[i]}`);
    }
  }
}

each("matmul float32: all transposes, sizes off the tile grid", (b) => {
  const r = rng(15);
  const sizes = [1, 2, 3, 5, 6, 7, 8, 9, 13, 17, 33];
  for (const transA of [false, true]) {
    for (const transB of [false, true]) {
      for (let t = 0; t < 30; t++) {
        const m = sizes[Math.floor(r() * sizes.length)];
        const k = sizes[Math.floor(r() * sizes.length)];
        const n = sizes[Math.floor(r() * sizes.length)];
        matmulCase(b, { batch: 1, m, k, n, aBatchStride: 0, bBatchStride: 0, transA, transB }, "float32", r);
      }
      // Crossing the KC (256), MC (120) and NR blocks.
      matmulCase(
        b,
        { batch: 1, m: 125, k: 300, n: 70, aBatchStride: 0, bBatchStride: 0, transA, transB },
        "float32",
        r,
      );
      matmulCase(
        b,
        { batch: 1, m: 7, k: 513, n: 9, aBatchStride: 0, bBatchStride: 0, transA, transB },
        "float32",
        r,
      );
      // Few columns (A read in place unless transposed) across the MC and KC blocks, batched.
      matmulCase(
        b,
        { batch: 2, m: 125, k: 300, n: 20, aBatchStride: 125 * 300, bBatchStride: 0, transA, transB },
        "float32",
        r,
      );
    }
  }
});

each("matmul float32: batches, broadcast batch strides, k = 0", (b) => {
  const r = rng(16);
  for (const transA of [false, true]) {
    for (const transB of [false, true]) {
      const [m, k, n] = [5, 11, 9];
      matmulCase(
        b,
        { batch: 3, m, k, n, aBatchStride: m * k, bBatchStride: k * n, transA, transB },
        "float32",
        r,
      );
      matmulCase(
        b,
        { batch: 4, m, k, n, aBatchStride: 0, bBatchStride: k * n, transA, transB },
        "float32",
        r,
      );
      matmulCase(
        b,
        { batch: 4, m, k, n, aBatchStride: m * k, bBatchStride: 0, transA, transB },
        "float32",
        r,
      );
      matmulCase(
        b,
        { batch: 2, m: 13, k: 40, n: 19, aBatchStride: 0, bBatchStride: 0, transA, transB },
        "float32",
        r,
      );
    }
  }
  const z = b.readSync(b.matmul(b.full("float32", 0, 0), b.full("float32", 0, 0), {
    batch: 2,
    m: 2,
    k: 0,
    n: 3,
    aBatchStride: 0,
    bBatchStride: 0,
    transA: false,
    transB: false,
  }));
  assertExact(z, new Array(12).fill(0), "k = 0");
  assert.throws(
    () =>
      b.matmul(b.full("float32", 5, 0), b.full("float32", 6, 0), {
        batch: 1,
        m: 2,
        k: 3,
        n: 2,
        aBatchStride: 0,
        bBatchStride: 0,
        transA: false,
        transB: false,
      }),
    RangeError,
  );
});

each("matmul float32: NaN and infinity propagate, large product", (b) => {
  const a = f32(b, [1, NaN, 0, 1, Infinity, 1]);
  const x = f32(b, [1, 1, 1, 1, 1, 1]);
  const out = b.readSync(b.matmul(a, x, {
    batch: 1,
    m: 2,
    k: 3,
    n: 2,
    aBatchStride: 0,
    bBatchStride: 0,
    transA: false,
    transB: false,
  }));
  assert.ok(Number.isNaN(out[0]) && Number.isNaN(out[1]), `${out}`);
  assert.equal(out[2], Infinity);
  assert.equal(out[3], Infinity);
  const r = rng(17);
  matmulCase(
    b,
    { batch: 1, m: 200, k: 260, n: 210, aBatchStride: 0, bBatchStride: 0, transA: false, transB: false },
    "float32",
    r,
  );
});

each("matmul int32: transposes and batches (wrapping)", (b) => {
  const r = rng(18);
  for (const transA of [false, true]) {
    for (const transB of [false, true]) {
      for (const [m, k, n] of [[1, 1, 1], [3, 5, 7], [17, 9, 33], [4, 0, 3]]) {
        matmulCase(b, { batch: 1, m, k, n, aBatchStride: 0, bBatchStride: 0, transA, transB }, "int32", r);
      }
      matmulCase(
        b,
        { batch: 3, m: 4, k: 6, n: 5, aBatchStride: 24, bBatchStride: 0, transA, transB },
        "int32",
        r,
      );
      // Across the cache blocks (128 deep, 256 wide).
      matmulCase(
        b,
        { batch: 1, m: 5, k: 140, n: 300, aBatchStride: 0, bBatchStride: 0, transA, transB },
        "int32",
        r,
      );
      matmulCase(
        b,
        { batch: 3, m: 4, k: 6, n: 5, aBatchStride: 0, bBatchStride: 30, transA, transB },
        "int32",
        r,
      );
    }
  }
});

Deno.test("matmul with a bias: every row of every product gets it, in all transposes", () => {
  const b = new WasmBackend();
  const gen = rng(11), r = (n: number) => randF32(n, gen);
  for (const [m, k, n] of [[1, 1, 1], [3, 5, 2], [7, 300, 9], [13, 4, 17]]) {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        const a = r(m * k), bb = r(k * n), bias = r(n);
        const out = b.readSync(b.matmul(b.fromTyped(a, "float32"), b.fromTyped(bb, "float32"), {
          batch: 1,
          m,
          k,
          n,
          aBatchStride: 0,
          bBatchStride: 0,
          transA,
          transB,
          bias: b.fromTyped(bias, "float32"),
        })) as Float32Array;
        for (let i = 0; i < m; i++) {
          for (let j = 0; j < n; j++) {
            let acc = bias[j];
            for (let p = 0; p < k; p++) {
              acc += (transA ? a[p * m + i] : a[i * k + p]) * (transB ? bb[j * k + p] : bb[p * n + j]);
            }
            assert.ok(
              Math.abs(out[i * n + j] - acc) <= 1e-4 * (1 + Math.abs(acc)),
              `[${m},${k},${n}] ${i},${j}`,
            );
          }
        }
      }
    }
  }
  assert.throws(
    () =>
      b.matmul(b.full("float32", 4, 1), b.full("float32", 4, 1), {
        batch: 1,
        m: 2,
        k: 2,
        n: 2,
        aBatchStride: 0,
        bBatchStride: 0,
        transA: false,
        transB: false,
        bias: b.full("float32", 3, 0),
      }),
    /the bias has 3 elements, expected n = 2/,
  );
});
