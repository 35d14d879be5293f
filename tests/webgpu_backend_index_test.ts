/**
 * The WebGPU backend against the CPU (wasm) backend on the same inputs: gather, index_select and scatter-
 * add, and the lazy index-error checks. Setup, tolerances and the comparison helpers are in
 * tests/webgpu_backend_setup.ts; the last test checks that no kernel raised a WebGPU validation error.
 */
import assert from "node:assert/strict";
import type { WebGPUStorage } from "../src/backends/webgpu/backend.ts";
import type { Storage } from "../src/backends/backend.ts";
import type { TypedArray } from "../src/dtype.ts";
import { randF32, randI32, rng } from "./helpers.ts";
import { both, cpu, g, gpuTest, noValidationErrorsTest, same } from "./webgpu_backend_setup.ts";

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

noValidationErrorsTest();
