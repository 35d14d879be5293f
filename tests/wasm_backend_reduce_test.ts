/**
 * The CPU (wasm) backend, kernel by kernel, through the Backend interface, against plain JavaScript
 * reference computations: reductions over [outer, len, inner] layouts and softmax. Every test runs on both
 * kernel builds (relaxed SIMD and plain SIMD); the shared helpers are in tests/wasm_backend_setup.ts.
 */
import assert from "node:assert/strict";
import type { ReduceOp } from "../src/backends/backend.ts";
import { randF32, randI32, rng } from "./helpers.ts";
import { assertClose, assertExact, each, f32, i32 } from "./wasm_backend_setup.ts";

// ---------------------------------------------------------------------------------------------
// Reductions

function refReduce(
  op: ReduceOp,
  x: ArrayLike<number>,
  outer: number,
  len: number,
  inner: number,
  isF32: boolean,
) {
  const out: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const at = (j: number) => x[(o * len + j) * inner + i];
      let acc: number;
      switch (op) {
        case "sum":
          acc = 0;
          for (let j = 0; j < len; j++) acc = isF32 ? acc + at(j) : (acc + at(j)) | 0;
          break;
        case "prod":
          acc = 1;
          for (let j = 0; j < len; j++) acc = isF32 ? acc * at(j) : Math.imul(acc, at(j));
          break;
        case "max":
        case "min": {
          acc = op === "max" ? -Infinity : Infinity;
          for (let j = 0; j < len; j++) {
            const v = at(j);
            if (Number.isNaN(v)) {
              acc = NaN;
              break;
            }
            acc = op === "max" ? Math.max(acc, v) : Math.min(acc, v);
          }
          break;
        }
        default: {
          let best = 0;
          for (let j = 1; j < len; j++) {
            const v = at(j), bv = at(best);
            if (Number.isNaN(bv)) break;
            if (Number.isNaN(v) || (op === "argmax" ? v > bv : v < bv)) best = j;
          }
          acc = best;
        }
      }
      out.push(isF32 && op !== "argmax" && op !== "argmin" ? Math.fround(acc) : acc);
    }
  }
  return out;
}

const LAYOUTS: [number, number, number][] = [
  [1, 1, 1],
  [1, 3, 1],
  [2, 17, 1],
  [3, 33, 1],
  [1, 127, 1],
  [2, 1000, 1],
  [1, 5, 3],
  [2, 7, 4],
  [3, 9, 5],
  [1, 33, 16],
  [2, 3, 17],
  [1, 300, 33],
  [4, 1, 7],
  [1, 2, 100],
  [2, 3, 1500], // column chunks of the row-streaming path
  [1, 300, 1030],
];

each("reduce float32: sum, prod, max, min, argmax, argmin over [outer, len, inner]", (b) => {
  const r = rng(10);
  for (const op of ["sum", "prod", "max", "min", "argmax", "argmin"] as ReduceOp[]) {
    for (const [outer, len, inner] of LAYOUTS) {
      for (const withNaN of [false, true]) {
        const n = outer * len * inner;
        const x = op === "prod" ? randF32(n, r, 0.9, 1.1) : randF32(n, r, -10, 10);
        // Ties: repeat a few values so first-index semantics matter.
        for (let i = 0; i < n; i++) if (r() < 0.2) x[i] = 10;
        if (withNaN) { for (let i = 0; i < n; i++) if (r() < 0.05) x[i] = NaN; }
        const out = b.readSync(b.reduce(op, b.fromTyped(x, "float32"), outer, len, inner));
        const want = refReduce(op, x, outer, len, inner, true);
        const what = `${op} [${outer}, ${len}, ${inner}] nan=${withNaN}`;
        if (op === "argmax" || op === "argmin") {
          assert.ok(out instanceof Int32Array, what);
          assertExact(out, want, what);
        } else if (op === "max" || op === "min") {
          assertExact(out, want, what);
        } else {
          assertClose(out, want, 1e-5, op === "sum" ? 1e-5 * len : 0, what);
        }
      }
    }
  }
});

each("reduce int32: every op, wrapping", (b) => {
  const r = rng(11);
  for (const op of ["sum", "prod", "max", "min", "argmax", "argmin"] as ReduceOp[]) {
    for (const [outer, len, inner] of LAYOUTS) {
      const n = outer * len * inner;
      const x = op === "prod" ? randI32(n, r, -3, 3) : randI32(n, r, -1e9, 1e9);
      for (let i = 0; i < n; i++) if (r() < 0.2) x[i] = op === "argmin" ? -1e9 : 1e9;
      const out = b.readSync(b.reduce(op, b.fromTyped(x, "int32"), outer, len, inner));
      assert.ok(out instanceof Int32Array);
      assertExact(out, refReduce(op, x, outer, len, inner, false), `${op} i32 [${outer}, ${len}, ${inner}]`);
    }
  }
});

each("reduce: long float32 sums stay accurate; empty dims", (b) => {
  const r = rng(12);
  for (const n of [1 << 20, 1_000_003]) {
    const x = randF32(n, r, 0, 1);
    let exact = 0;
    for (const v of x) exact += v;
    const got = b.readSync(b.reduce("sum", b.fromTyped(x, "float32"), 1, n, 1))[0];
    assert.ok(Math.abs(got - exact) / exact < 2e-7, `sum of ${n}: ${got} vs ${exact}`);
    // Down long columns too (narrow: column strips; wide: row streaming).
    for (const inner of [8, 40]) {
      const len = Math.floor((8 * 65536) / inner);
      const col = b.readSync(
        b.reduce("sum", b.fromTyped(x.subarray(0, len * inner), "float32"), 1, len, inner),
      );
      for (let i = 0; i < inner; i++) {
        let e = 0;
        for (let j = 0; j < len; j++) e += x[j * inner + i];
        assert.ok(Math.abs(col[i] - e) / e < 1e-6, `column sum ${col[i]} vs ${e}`);
      }
    }
  }
  assertExact(b.readSync(b.reduce("sum", b.full("float32", 0, 0), 2, 0, 3)), [0, 0, 0, 0, 0, 0], "empty sum");
  assertExact(b.readSync(b.reduce("prod", b.full("int32", 0, 0), 2, 0, 1)), [1, 1], "empty prod");
  assert.throws(() => b.reduce("max", b.full("float32", 0, 0), 1, 0, 1), RangeError);
  assert.throws(() => b.reduce("sum", b.full("float32", 5, 0), 1, 4, 1), RangeError);
  assert.equal(b.reduce("argmax", b.full("float32", 0, 0), 0, 3, 1).numel, 0);
});

each("cumsum: float32 (accumulated in float64) and int32 (wrapping)", (b) => {
  const r = rng(13);
  for (const [outer, len, inner] of LAYOUTS) {
    const n = outer * len * inner;
    const x = randF32(n, r, -1e4, 1e4);
    const out = b.readSync(b.cumsum(b.fromTyped(x, "float32"), outer, len, inner));
    const want = new Float32Array(n);
    const xi = randI32(n, r, -2e9, 2e9);
    const outI = b.readSync(b.cumsum(b.fromTyped(xi, "int32"), outer, len, inner));
    const wantI = new Int32Array(n);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        let acc = 0, accI = 0;
        for (let j = 0; j < len; j++) {
          const k = (o * len + j) * inner + i;
          acc += x[k];
          want[k] = acc;
          accI = (accI + xi[k]) | 0;
          wantI[k] = accI;
        }
      }
    }
    assertExact(out, want, `cumsum f32 [${outer}, ${len}, ${inner}]`);
    assertExact(outI, wantI, `cumsum i32 [${outer}, ${len}, ${inner}]`);
  }
  // Float64 accumulation, as PyTorch's CPU cumsum.
  assertExact(
    b.readSync(b.cumsum(f32(b, [1e8, 1, 1, 1, -1e8]), 1, 5, 1)),
    [1e8, 1e8, 1e8, 1e8, 3],
    "f64 acc",
  );
});

// ---------------------------------------------------------------------------------------------
// softmax

each("softmax and log-softmax: rows, stability, -inf and NaN", (b) => {
  const r = rng(14);
  for (const [rows, cols] of [[1, 1], [3, 3], [2, 17], [5, 33], [4, 127], [3, 1000], [1, 4099]]) {
    const x = randF32(rows * cols, r, -20, 20);
    if (rows > 2) { for (let j = 0; j < cols; j++) x[cols + j] += 1000; // large values: stability
     }
    const s = b.fromTyped(x, "float32");
    const sm = b.readSync(b.softmax(s, rows, cols, false));
    const ls = b.readSync(b.softmax(s, rows, cols, true));
    const wantS: number[] = [], wantL: number[] = [];
    for (let i = 0; i < rows; i++) {
      const row = Array.from(x.subarray(i * cols, (i + 1) * cols));
      const m = Math.max(...row);
      const z = row.reduce((a, v) => a + Math.exp(v - m), 0);
      for (const v of row) {
        wantS.push(Math.exp(v - m) / z);
        wantL.push(v - m - Math.log(z));
      }
    }
    assertClose(sm, wantS, 1e-5, 1e-12, `softmax [${rows}, ${cols}]`);
    assertClose(ls, wantL, 1e-5, 1e-5, `logSoftmax [${rows}, ${cols}]`);
  }
  const sp = b.readSync(b.softmax(f32(b, [0, -Infinity, 0, NaN, 1, 2]), 2, 3, false));
  assertClose(sp.subarray(0, 3), [0.5, 0, 0.5], 1e-6, 0, "softmax -inf");
  assert.ok(Array.from(sp.subarray(3)).every(Number.isNaN), "NaN row");
  const lp = b.readSync(b.softmax(f32(b, [0, -Infinity, 0]), 1, 3, true));
  assertClose(lp, [-Math.LN2, -Infinity, -Math.LN2], 1e-6, 0, "logSoftmax -inf");
  assert.throws(() => b.softmax(i32(b, [1]), 1, 1, false), TypeError);
});
