/**
 * The CPU (wasm) backend, kernel by kernel, through the Backend interface, against plain JavaScript
 * reference computations: gather and scatterAdd. Every test runs on both kernel builds (relaxed SIMD and
 * plain SIMD); the shared helpers are in tests/wasm_backend_setup.ts.
 */
import assert from "node:assert/strict";
import type { DType } from "../src/dtype.ts";
import { randF32, randI32, rng } from "./helpers.ts";
import { assertClose, assertExact, each, f32, i32 } from "./wasm_backend_setup.ts";

// ---------------------------------------------------------------------------------------------
// gather / scatterAdd

each("gather and indexSelect: every element size, both index modes", (b) => {
  const r = rng(19);
  const dtypes: DType[] = ["float32", "int32", "float16", "bool"];
  for (const dtype of dtypes) {
    for (
      const [outer, len, inner, idxLen] of [[1, 5, 1, 3], [2, 7, 3, 4], [3, 4, 17, 9], [1, 1, 1, 1], [
        2,
        6,
        5,
        0,
      ]]
    ) {
      const n = outer * len * inner;
      const x = dtype === "float32"
        ? randF32(n, r)
        : dtype === "int32"
        ? randI32(n, r)
        : dtype === "float16"
        ? Uint16Array.from({ length: n }, () => Math.floor(r() * 65536))
        : Uint8Array.from({ length: n }, () => (r() < 0.5 ? 1 : 0));
      const xs = b.fromTyped(x, dtype);
      // Full index.
      const idx = randI32(outer * idxLen * inner, r, 0, len - 1);
      const out = b.readSync(b.gather(xs, b.fromTyped(idx, "int32"), outer, len, inner, idxLen, false));
      assert.equal(out.constructor, x.constructor);
      const want: number[] = [];
      for (let o = 0; o < outer; o++) {
        for (let j = 0; j < idxLen; j++) {
          for (let i = 0; i < inner; i++) {
            want.push(x[(o * len + idx[(o * idxLen + j) * inner + i]) * inner + i]);
          }
        }
      }
      assertExact(out, want, `gather ${dtype}`);
      // 1-d index (index_select).
      const idx1 = randI32(idxLen, r, 0, len - 1);
      const out1 = b.readSync(b.gather(xs, b.fromTyped(idx1, "int32"), outer, len, inner, idxLen, true));
      const want1: number[] = [];
      for (let o = 0; o < outer; o++) {
        for (let j = 0; j < idxLen; j++) {
          for (let i = 0; i < inner; i++) want1.push(x[(o * len + idx1[j]) * inner + i]);
        }
      }
      assertExact(out1, want1, `indexSelect ${dtype}`);
    }
  }
});

each("scatterAdd: float32 and int32, both index modes, duplicates accumulate", (b) => {
  const r = rng(20);
  for (const dtype of ["float32", "int32"] as const) {
    for (const [outer, len, inner, idxLen] of [[1, 5, 1, 8], [2, 7, 3, 4], [3, 4, 17, 9], [2, 3, 6, 0]]) {
      const src = dtype === "float32"
        ? randF32(outer * idxLen * inner, r)
        : randI32(outer * idxLen * inner, r);
      const ss = b.fromTyped(src, dtype);
      const idx = randI32(outer * idxLen * inner, r, 0, len - 1);
      const out = b.readSync(b.scatterAdd(ss, b.fromTyped(idx, "int32"), outer, len, inner, idxLen, false));
      const want = new Float64Array(outer * len * inner);
      for (let o = 0; o < outer; o++) {
        for (let j = 0; j < idxLen; j++) {
          for (let i = 0; i < inner; i++) {
            const k = (o * idxLen + j) * inner + i;
            want[(o * len + idx[k]) * inner + i] += src[k];
          }
        }
      }
      assertClose(out, Array.from(want), 1e-6, 1e-6, `scatterAdd ${dtype}`);
      const idx1 = randI32(idxLen, r, 0, len - 1);
      const out1 = b.readSync(b.scatterAdd(ss, b.fromTyped(idx1, "int32"), outer, len, inner, idxLen, true));
      const want1 = new Float64Array(outer * len * inner);
      for (let o = 0; o < outer; o++) {
        for (let j = 0; j < idxLen; j++) {
          for (let i = 0; i < inner; i++) {
            want1[(o * len + idx1[j]) * inner + i] += src[(o * idxLen + j) * inner + i];
          }
        }
      }
      assertClose(out1, Array.from(want1), 1e-6, 1e-6, `scatterAdd 1d ${dtype}`);
      assert.equal(out1.constructor, dtype === "float32" ? Float32Array : Int32Array);
    }
  }
});

each("gather / indexSelect / scatterAdd: out-of-range indices throw RangeError", (b) => {
  const x = f32(b, [1, 2, 3, 4, 5]);
  assert.throws(
    () => b.gather(x, i32(b, [0, 7, 9]), 1, 5, 1, 3, false),
    { name: "RangeError", message: "gather: index 7 is out of bounds for dimension with size 5" },
  );
  assert.throws(
    () => b.gather(x, i32(b, [4, -1]), 1, 5, 1, 2, true),
    { name: "RangeError", message: "indexSelect: index -1 is out of bounds for dimension with size 5" },
  );
  assert.throws(
    () => b.scatterAdd(f32(b, [1, 1, 1, 1, 1, 1]), i32(b, [0, 1, 2, 3, 4, 5]), 1, 5, 1, 6, false),
    { name: "RangeError", message: "scatterAdd: index 5 is out of bounds for dimension with size 5" },
  );
  assert.throws(
    () => b.scatterAdd(f32(b, [1, 1]), i32(b, [2, 5]), 1, 5, 1, 2, true),
    { name: "RangeError", message: "scatterAdd: index 5 is out of bounds for dimension with size 5" },
  );
  // Bad index positions past the SIMD-checked prefix.
  const many = new Int32Array(37).fill(1);
  many[35] = 12;
  assert.throws(() => b.gather(x, b.fromTyped(many, "int32"), 1, 5, 1, 37, true), /index 12 is out/);
  assert.throws(() => b.gather(x, f32(b, [0]), 1, 5, 1, 1, true), /index must be int32/);
  assert.throws(() => b.gather(x, i32(b, [0, 1]), 1, 5, 1, 1, true), RangeError);
});
