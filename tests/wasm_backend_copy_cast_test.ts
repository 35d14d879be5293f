/**
 * The CPU (wasm) backend, kernel by kernel, through the Backend interface, against plain JavaScript
 * reference computations: strided copies (broadcasts, offsets, permutations, every element size) and casts
 * between every pair of dtypes. Every test runs on both kernel builds (relaxed SIMD and plain SIMD); the
 * shared helpers are in tests/wasm_backend_setup.ts.
 */
import assert from "node:assert/strict";
import type { DType, TypedArray } from "../src/dtype.ts";
import { randF32, randI32, rng } from "./helpers.ts";
import { assertExact, each, SIZES } from "./wasm_backend_setup.ts";

// ---------------------------------------------------------------------------------------------
// copy

function refCopy(
  src: TypedArray,
  srcOffset: number,
  srcStrides: number[],
  dst: TypedArray,
  dstOffset: number,
  dstStrides: number[],
  shape: number[],
) {
  const idx = new Array(shape.length).fill(0);
  const total = shape.reduce((a, b) => a * b, 1);
  for (let t = 0; t < total; t++) {
    let s = srcOffset, d = dstOffset;
    for (let k = 0; k < shape.length; k++) {
      s += idx[k] * srcStrides[k];
      d += idx[k] * dstStrides[k];
    }
    dst[d] = src[s];
    for (let k = shape.length - 1; k >= 0; k--) {
      if (++idx[k] < shape[k]) break;
      idx[k] = 0;
    }
  }
}

function contiguousStrides(shape: number[]): number[] {
  const st = new Array(shape.length);
  let acc = 1;
  for (let k = shape.length - 1; k >= 0; k--) {
    st[k] = acc;
    acc *= shape[k];
  }
  return st;
}

each("copy: arbitrary strides, broadcasts, offsets, permutations, every element size", (b) => {
  const r = rng(6);
  const dtypes: DType[] = ["float32", "int32", "float16", "uint8", "bool"];
  for (let trial = 0; trial < 300; trial++) {
    const dtype = dtypes[trial % dtypes.length];
    const rank = Math.floor(r() * 5);
    const shape = Array.from({ length: rank }, () => 1 + Math.floor(r() * (trial % 7 === 0 ? 40 : 6)));
    // Source: a permuted, possibly stepped and broadcast view of a bigger buffer.
    const srcStrides = new Array<number>(rank);
    let span = 1;
    const perm = Array.from({ length: rank }, (_, i) => i).sort(() => r() - 0.5);
    for (const k of perm) {
      const step = r() < 0.2 ? 0 : 1 + Math.floor(r() * 2);
      srcStrides[k] = step * span;
      span *= shape[k] * Math.max(step, 1);
    }
    const srcOffset = Math.floor(r() * 5);
    const srcLen = srcOffset + span + Math.floor(r() * 3);
    // Destination: contiguous, transposed, or stepped.
    const dshape = shape.slice();
    let dstStrides = contiguousStrides(dshape);
    let dspan = dshape.reduce((a, v) => a * v, 1);
    if (r() < 0.5 && rank > 1) {
      const dperm = Array.from({ length: rank }, (_, i) => i).sort(() => r() - 0.5);
      dstStrides = new Array(rank);
      let acc = 1;
      for (const k of dperm) {
        dstStrides[k] = acc * (r() < 0.3 ? 2 : 1);
        acc = dstStrides[k] * shape[k];
      }
      dspan = acc;
    }
    const dstOffset = Math.floor(r() * 4);
    const dstLen = dstOffset + dspan + 2;
    const gen = (n: number): TypedArray => {
      switch (dtype) {
        case "float32":
          return randF32(n, r);
        case "int32":
          return randI32(n, r);
        case "float16":
          return Uint16Array.from({ length: n }, () => Math.floor(r() * 65536));
        default:
          return Uint8Array.from({ length: n }, () => Math.floor(r() * 2));
      }
    };
    const srcData = gen(srcLen), dstData = gen(dstLen);
    const src = b.fromTyped(srcData, dtype), dst = b.fromTyped(dstData, dtype);
    const want = dstData.slice();
    refCopy(srcData, srcOffset, srcStrides, want, dstOffset, dstStrides, shape);
    b.copy(src, srcOffset, srcStrides, dst, dstOffset, dstStrides, shape);
    assertExact(
      b.readSync(dst),
      want,
      `copy ${dtype} shape=[${shape}] src=[${srcStrides}]@${srcOffset} dst=[${dstStrides}]@${dstOffset}`,
    );
    assertExact(b.readSync(src), srcData, "copy leaves the source alone");
  }
});

each("copy: large transpose and 2-d views", (b) => {
  const r = rng(7);
  for (const [rows, cols] of [[300, 257], [64, 1000], [1, 500], [500, 1]]) {
    const x = randF32(rows * cols, r);
    const src = b.fromTyped(x, "float32");
    const dst = b.full("float32", rows * cols, 0);
    b.copy(src, 0, [1, cols], dst, 0, [rows, 1], [cols, rows]); // dst = x^T
    const want = new Float32Array(rows * cols);
    refCopy(x, 0, [1, cols], want, 0, [rows, 1], [cols, rows]);
    assertExact(b.readSync(dst), want, `transpose ${rows}x${cols}`);
  }
  // A column of a matrix into a strided slot of another.
  const src = b.fromTyped(Float32Array.from({ length: 12 }, (_, i) => i), "float32");
  const dst = b.full("float32", 12, -1);
  b.copy(src, 1, [4], dst, 2, [3], [3]);
  assertExact(b.readSync(dst), [-1, -1, 1, -1, -1, 5, -1, -1, 9, -1, -1, -1], "column copy");
  // 0-d copy and empty shapes.
  b.copy(src, 7, [], dst, 0, [], []);
  assert.equal(b.readSync(dst)[0], 7);
  b.copy(src, 0, [1, 1], dst, 0, [1, 1], [0, 5]);
});

each("copy: negative strides (flips) and overlapping copies within one storage", (b) => {
  const x = Float32Array.from({ length: 24 }, (_, i) => i);
  // Flip both axes of a [4, 6] matrix into a fresh buffer.
  const src = b.fromTyped(x, "float32");
  const dst = b.full("float32", 24, 0);
  b.copy(src, 23, [-6, -1], dst, 0, [6, 1], [4, 6]);
  assertExact(b.readSync(dst), Array.from(x).reverse(), "flip");
  // Shift right by one inside the same storage: reads see the values before the copy.
  const same = b.fromTyped(x, "float32");
  b.copy(same, 0, [1], same, 1, [1], [23]);
  assertExact(b.readSync(same), [0, ...Array.from(x.subarray(0, 23))], "overlap");
  // Transpose in place of a strided view onto itself (square block).
  const sq = b.fromTyped(Float32Array.from({ length: 9 }, (_, i) => i), "float32");
  b.copy(sq, 0, [1, 3], sq, 0, [3, 1], [3, 3]);
  assertExact(b.readSync(sq), [0, 3, 6, 1, 4, 7, 2, 5, 8], "self transpose");
});

each("copy: views outside the storage and dtype mismatches are rejected", (b) => {
  const s = b.full("float32", 10, 1), d = b.full("float32", 10, 0);
  assert.throws(() => b.copy(s, 5, [1], d, 0, [1], [6]), RangeError);
  assert.throws(() => b.copy(s, 0, [1], d, 8, [1], [3]), RangeError);
  assert.throws(() => b.copy(s, 0, [1], b.full("int32", 10, 0), 0, [1], [3]), TypeError);
  assert.throws(() => b.copy(s, 0, [1, 1], d, 0, [1], [3]), RangeError);
  assertExact(b.readSync(d), new Array(10).fill(0), "untouched");
});

// ---------------------------------------------------------------------------------------------
// cast

/** Independent reference: float32 value -> IEEE half bits, round to nearest even. */
function refF16(v: number): number {
  const x = Math.fround(v);
  if (Number.isNaN(x)) return 0x7e00 | (Object.is(Math.sign(x), -1) ? 0x8000 : 0);
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  if (a === Infinity) return sign | 0x7c00;
  const rne = (q: number) => {
    const f = Math.floor(q), d = q - f;
    return d > 0.5 || (d === 0.5 && f % 2 === 1) ? f + 1 : f;
  };
  if (a < Math.pow(2, -14)) return sign | rne(a / Math.pow(2, -24)); // may round up to 0x400
  let e = Math.floor(Math.log2(a));
  if (Math.pow(2, e) > a) e--;
  if (Math.pow(2, e + 1) <= a) e++;
  let m = rne((a / Math.pow(2, e) - 1) * 1024);
  if (m === 1024) {
    m = 0;
    e++;
  }
  if (e > 15) return sign | 0x7c00;
  return sign | ((e + 15) << 10) | m;
}

function refF16ToF32(h: number): number {
  const s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 31, m = h & 1023;
  if (e === 0) return s * m * Math.pow(2, -24);
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * Math.pow(2, e - 15);
}

each("cast: float16 <-> float32 exhaustively and with rounding edges", (b) => {
  const all = Uint16Array.from({ length: 65536 }, (_, i) => i);
  const asF32 = b.readSync(b.cast(b.fromTyped(all, "float16"), "float32"));
  assertExact(asF32, Array.from(all, refF16ToF32), "f16 -> f32 (all 65536)");
  const back = b.readSync(b.cast(b.fromTyped(asF32 as Float32Array, "float32"), "float16"));
  // Every half round-trips; NaNs come back as the canonical quiet NaN with their sign.
  assertExact(
    back,
    Array.from(all, (h) => ((h & 0x7c00) === 0x7c00 && (h & 0x3ff) ? (h & 0x8000) | 0x7e00 : h)),
    "round trip",
  );
  const r = rng(8);
  const xs = [
    65504,
    65519.99,
    65520,
    1e6,
    -65520,
    Math.pow(2, -24),
    Math.pow(2, -25),
    Math.pow(2, -25) * 1.0001,
    3 * Math.pow(2, -26),
    Math.pow(2, -14),
    Math.pow(2, -14) * (1 - Math.pow(2, -12)),
    1 + Math.pow(2, -11),
    1 + 3 * Math.pow(2, -11),
    -0,
    0,
    NaN,
    Infinity,
    -Infinity,
    1e-45,
    1e-30,
  ];
  for (let i = 0; i < 5000; i++) {
    const e = Math.floor(r() * 60) - 30;
    xs.push((r() - 0.5) * Math.pow(2, e));
  }
  const x = Float32Array.from(xs);
  const h = b.readSync(b.cast(b.fromTyped(x, "float32"), "float16"));
  assertExact(h, Array.from(x, refF16), "f32 -> f16");
  const F16 =
    (globalThis as unknown as { Float16Array?: new (xs: number[]) => { buffer: ArrayBuffer } }).Float16Array;
  if (F16) {
    // Cross-check with the platform's own conversion where available.
    const native = new Uint16Array(new F16(Array.from(x)).buffer);
    assertExact(
      Array.from(h, (v) => ((v & 0x7c00) === 0x7c00 && (v & 0x3ff) ? 0x7e00 : v)),
      Array.from(native, (v) => ((v & 0x7c00) === 0x7c00 && (v & 0x3ff) ? 0x7e00 : v)),
      "f32 -> f16 vs Float16Array",
    );
  }
});

each("cast: between all dtypes", (b) => {
  const vals = [
    0,
    -0,
    1,
    -1,
    1.5,
    -1.5,
    2.7,
    -2.7,
    255,
    256,
    300.7,
    -300.7,
    3e9,
    -3e9,
    NaN,
    Infinity,
    -Infinity,
    1e-3,
  ];
  const x = Float32Array.from(vals);
  // float -> int as PyTorch on x86: truncate; NaN, inf and out of range give INT32_MIN.
  const toI = (
    v: number,
  ) => (Number.isFinite(v) && Math.abs(v) < 2147483648 ? Math.trunc(v) | 0 : -2147483648);
  const sx = b.fromTyped(x, "float32");
  assertExact(b.readSync(b.cast(sx, "int32")), vals.map((v) => toI(Math.fround(v))), "f32 -> i32");
  assertExact(b.readSync(b.cast(sx, "uint8")), vals.map((v) => toI(Math.fround(v)) & 255), "f32 -> u8");
  assertExact(b.readSync(b.cast(sx, "bool")), vals.map((v) => (v !== 0 ? 1 : 0)), "f32 -> bool");
  const h = b.cast(sx, "float16");
  const hf = b.readSync(b.cast(h, "float32"));
  assertExact(b.readSync(b.cast(h, "int32")), Array.from(hf, toI), "f16 -> i32");
  assertExact(b.readSync(b.cast(h, "uint8")), Array.from(hf, (v) => toI(v) & 255), "f16 -> u8");
  assertExact(b.readSync(b.cast(h, "bool")), Array.from(hf, (v) => (v !== 0 ? 1 : 0)), "f16 -> bool");

  const ints = [0, 1, -1, 255, 256, 300, -300, 2147483647, -2147483648, 16777217, 65504, 65520, 100000];
  const si = b.fromTyped(Int32Array.from(ints), "int32");
  assertExact(b.readSync(b.cast(si, "float32")), ints.map(Math.fround), "i32 -> f32");
  assertExact(b.readSync(b.cast(si, "float16")), ints.map((v) => refF16(Math.fround(v))), "i32 -> f16");
  assertExact(b.readSync(b.cast(si, "uint8")), ints.map((v) => v & 255), "i32 -> u8");
  assertExact(b.readSync(b.cast(si, "bool")), ints.map((v) => (v !== 0 ? 1 : 0)), "i32 -> bool");

  const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
  const su = b.fromTyped(bytes, "uint8");
  assertExact(b.readSync(b.cast(su, "float32")), Array.from(bytes), "u8 -> f32");
  assertExact(b.readSync(b.cast(su, "int32")), Array.from(bytes), "u8 -> i32");
  assertExact(b.readSync(b.cast(su, "float16")), Array.from(bytes, refF16), "u8 -> f16");
  assertExact(b.readSync(b.cast(su, "bool")), Array.from(bytes, (v) => (v ? 1 : 0)), "u8 -> bool");
  const bools = b.fromTyped(Uint8Array.from([0, 1, 1, 0, 1]), "bool");
  assertExact(b.readSync(b.cast(bools, "float32")), [0, 1, 1, 0, 1], "bool -> f32");
  assertExact(b.readSync(b.cast(bools, "int32")), [0, 1, 1, 0, 1], "bool -> i32");
  assertExact(b.readSync(b.cast(bools, "uint8")), [0, 1, 1, 0, 1], "bool -> u8");
  assertExact(b.readSync(b.cast(bools, "float16")), [0, 0x3c00, 0x3c00, 0, 0x3c00], "bool -> f16");
  // Same dtype copies; result typed arrays match the dtype; sizes hit SIMD tails.
  const same = b.cast(sx, "float32");
  assert.notEqual(same, sx);
  assertExact(b.readSync(same), x, "identity");
  const r = rng(9);
  for (const n of SIZES) {
    const y = randF32(n, r, -300, 300);
    const out = b.readSync(b.cast(b.fromTyped(y, "float32"), "int32"));
    assert.ok(out instanceof Int32Array);
    assertExact(out, Array.from(y, toI), `f32 -> i32 n=${n}`);
    const o8 = b.readSync(b.cast(b.fromTyped(y, "float32"), "uint8"));
    assert.ok(o8 instanceof Uint8Array);
    assertExact(o8, Array.from(y, (v) => toI(v) & 255), `f32 -> u8 n=${n}`);
  }
});
