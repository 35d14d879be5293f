/**
 * A tour of every WebGPU kernel: each backend primitive with each op, dtype and code path (vector
 * and scalar loads, broadcast and scalar operands, row and column reductions, single- and
 * multi-chunk scans, every matmul kernel, lazily checked indices, the fused optimizer steps),
 * run on the GPU backends given and compared with the CPU (wasm) backend on the same inputs.
 *
 * Deno runs it in `tests/pipeline_tour_test.ts`, which also checks that it compiled every kernel
 * and every entry of the expression tables; `deno task edge:browser` runs it in headless Chromium,
 * whose WGSL compiler (Tint) is stricter than Deno's. Runtime-neutral: no Deno APIs.
 * @module
 */
import type {
  AvgPoolOptions,
  Backend,
  Conv2dGeometry,
  Pool2dGeometry,
  Storage,
} from "../../src/backends/backend.ts";
import {
  ARITHMETIC_OPS,
  COMPARISON_OPS,
  INT_ONLY_OPS,
  REDUCE_OPS,
  UNARY_OPS,
} from "../../src/backends/backend.ts";
import type { ComputeDType, DType, TypedArray } from "../../src/dtype.ts";
import { WebGPUBackend } from "../../src/backends/webgpu/backend.ts";
import { linalgAndSpecialTour } from "./pipeline_tour_linalg.ts";

/** What the tour found. */
export interface TourResult {
  /** Comparisons made (one per primitive call per GPU backend). */
  checks: number;
  /** Mismatches and errors, one line each (empty when everything agreed). */
  failures: string[];
  /** Keys of every pipeline the GPU backends compiled. */
  keys: string[];
  /** Kernel name and template values of each of them (`kernelSource` gives the WGSL). */
  specs: { name: string; subs: Readonly<Record<string, string>> }[];
}

/** Tolerance of one comparison: `|gpu - cpu| <= atol + rtol * |cpu|`; NaN must match NaN. */
export interface Tol {
  rtol: number;
  atol: number;
}
const EXACT: Tol = { rtol: 0, atol: 0 };
const CLOSE: Tol = { rtol: 1e-5, atol: 1e-6 };
const SUMS: Tol = { rtol: 1e-5, atol: 1e-4 };
/** Float32 sums of `n` terms in a different order. */
const sums = (n: number): Tol => ({ rtol: 1e-5, atol: Math.max(1e-4, 2e-6 * n) });

/** Deterministic inputs (a small LCG), so every runtime sees the same values. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

function floats(n: number, seed: number, lo = -2, hi = 2): Float32Array {
  const r = lcg(seed);
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * r());
}

function ints(n: number, seed: number, lo = -5, hi = 6): Int32Array {
  const r = lcg(seed);
  return Int32Array.from({ length: n }, () => lo + Math.floor((hi - lo) * r()));
}

function typed(dtype: DType, n: number, seed: number): TypedArray {
  switch (dtype) {
    case "float32":
      return floats(n, seed);
    case "int32":
      return ints(n, seed);
    case "float16": {
      // Half bits of small normal numbers (sign, exponent 13..16, any mantissa).
      const r = lcg(seed);
      return Uint16Array.from(
        { length: n },
        () => (r() < 0.5 ? 0x8000 : 0) | ((13 + Math.floor(4 * r())) << 10) | Math.floor(1024 * r()),
      );
    }
    case "uint8": {
      const r = lcg(seed);
      return Uint8Array.from({ length: n }, () => Math.floor(256 * r()));
    }
    case "bool": {
      const r = lcg(seed);
      return Uint8Array.from({ length: n }, () => (r() < 0.5 ? 1 : 0));
    }
    case "float64":
      throw new Error("the GPU has no float64 (WGSL has no 64-bit floats)");
    case "complex64":
      throw new Error("complex64 has no storage of its own (it views float32 pairs)");
  }
}

function compare(what: string, got: TypedArray, want: TypedArray, tol: Tol): string | null {
  if (got.length !== want.length) return `${what}: ${got.length} elements, expected ${want.length}`;
  for (let i = 0; i < want.length; i++) {
    const g = got[i], w = want[i];
    if (g === w || (Number.isNaN(g) && Number.isNaN(w))) continue;
    if (Number.isFinite(w) && Math.abs(g - w) <= tol.atol + tol.rtol * Math.abs(w)) continue;
    return `${what}: element ${i} is ${g} on the GPU, ${w} on the CPU`;
  }
  return null;
}

export type Step = (b: Backend) => Storage | Storage[];

/** Runs the tour (see the module documentation). `gpus` should include one backend per kernel choice. */
export async function pipelineTour(cpu: Backend, gpus: readonly WebGPUBackend[]): Promise<TourResult> {
  const failures: string[] = [];
  let checks = 0;
  /** Backends the tour made for itself (the small loop budget, the tiled128 kernel). */
  const extra: WebGPUBackend[] = [];

  /** Runs `step` on the CPU and on every GPU backend (of `on`), reading and comparing every output. */
  async function check(
    what: string,
    tol: Tol,
    step: Step,
    on: readonly WebGPUBackend[] = gpus,
  ): Promise<void> {
    let want: TypedArray[];
    try {
      const out = step(cpu);
      want = await Promise.all((Array.isArray(out) ? out : [out]).map((s) => cpu.read(s)));
    } catch (e) {
      failures.push(`${what}: the CPU reference threw ${(e as Error).message}`);
      return;
    }
    for (const [gi, g] of on.entries()) {
      checks++;
      const label = on.length > 1 ? `${what} [gpu backend ${gi}]` : what;
      try {
        const out = step(g);
        const got = await Promise.all((Array.isArray(out) ? out : [out]).map((s) => g.read(s)));
        for (let k = 0; k < want.length; k++) {
          const bad = compare(want.length > 1 ? `${label} output ${k}` : label, got[k], want[k], tol);
          if (bad) {
            failures.push(bad);
            break;
          }
        }
      } catch (e) {
        failures.push(`${label}: ${(e as Error).message}`);
      }
    }
  }

  const DTYPES: DType[] = ["float32", "int32", "float16", "uint8", "bool"];
  const COMPUTE: ComputeDType[] = ["float32", "int32"];

  // Memory: uploads, fills (non-zero bits run the fill kernel), strided copies.
  for (const dt of DTYPES) {
    await check(`fromTyped ${dt}`, EXACT, (b) => b.fromTyped(typed(dt, 13, 1), dt));
    await check(`full ${dt}`, EXACT, (b) => b.full(dt, 9, 3));
    await check(`copy ${dt} transposed [3, 5]`, EXACT, (b) => {
      const src = b.fromTyped(typed(dt, 15, 2), dt);
      const dst = b.full(dt, 15, 0);
      b.copy(src, 0, [1, 3], dst, 0, [5, 1], [3, 5]);
      return dst;
    });
  }
  // Casts between every pair of dtypes.
  for (const from of DTYPES) {
    for (const to of DTYPES) {
      await check(`cast ${from} -> ${to}`, EXACT, (b) => b.cast(b.fromTyped(typed(from, 11, 3), from), to));
    }
  }
  // Unary ops, scalar (7 elements) and vector (8) kernels.
  for (const op of UNARY_OPS) {
    for (const n of [7, 8]) {
      const positive = op === "log" || op === "sqrt" || op === "rsqrt" || op === "log1p";
      const x = floats(n, 4, positive ? 0.1 : -3, 3);
      await check(`unary ${op} float32 n=${n}`, CLOSE, (b) => b.unary(op, b.fromTyped(x, "float32")));
      if (op === "neg" || op === "abs" || op === "sign" || op === "relu") {
        await check(`unary ${op} int32 n=${n}`, EXACT, (b) => b.unary(op, b.fromTyped(ints(n, 5), "int32")));
      }
    }
  }
  // Binary ops: storage and scalar operands, broadcast (tiling) operands, scalar and vector kernels.
  for (const dt of COMPUTE) {
    for (const op of [...ARITHMETIC_OPS, ...COMPARISON_OPS]) {
      if (dt === "int32" && (op === "div" || op === "atan2" || op === "hypot")) continue;
      if (dt === "int32" && (op === "copysign" || op === "nextafter")) continue;
      if (dt !== "int32" && INT_ONLY_OPS.includes(op)) continue;
      const tol = dt === "int32" || (COMPARISON_OPS as readonly string[]).includes(op) ? EXACT : CLOSE;
      const data = (n: number, seed: number) =>
        dt === "float32"
          ? floats(n, seed, op === "pow" ? 0.5 : -2, 2)
          : ints(n, seed, op === "pow" ? 0 : -5, 6);
      for (const n of [6, 8]) {
        await check(
          `binary ${op} ${dt} n=${n}`,
          tol,
          (b) => b.binary(op, b.fromTyped(data(n, 6), dt), b.fromTyped(data(n, 7), dt), n, dt),
        );
        await check(
          `binary ${op} ${dt} n=${n} (storage, scalar)`,
          tol,
          (b) => b.binary(op, b.fromTyped(data(n, 8), dt), dt === "float32" ? 1.5 : 3, n, dt),
        );
        await check(
          `binary ${op} ${dt} n=${n} (scalar, storage)`,
          tol,
          (b) => b.binary(op, dt === "float32" ? 0.75 : 2, b.fromTyped(data(n, 9), dt), n, dt),
        );
      }
      await check(
        `binary ${op} ${dt} broadcast 2 over 8`,
        tol,
        (b) => b.binary(op, b.fromTyped(data(8, 10), dt), b.fromTyped(data(2, 11), dt), 8, dt),
      );
      await check(
        `binary ${op} ${dt} broadcast 4 over 8`,
        tol,
        (b) => b.binary(op, b.fromTyped(data(4, 12), dt), b.fromTyped(data(8, 13), dt), 8, dt),
      );
    }
    await check(
      `where ${dt}`,
      EXACT,
      (b) =>
        b.where(
          b.fromTyped(typed("bool", 9, 14), "bool"),
          b.fromTyped(typed(dt, 9, 15), dt),
          b.fromTyped(typed(dt, 9, 16), dt),
        ),
    );
  }
  // Reductions: column layout (inner > 1), short rows, and long rows (the workgroup-per-row kernel
  // and multi-chunk passes).
  for (const dt of COMPUTE) {
    for (const op of REDUCE_OPS) {
      const layouts: [number, number, number][] = [[3, 5, 4], [4, 9, 1], [2, 3000, 1], [1, 70000, 1]];
      for (const [outer, len, inner] of layouts) {
        if (op === "prod" && len > 9) continue; // products of thousands of terms over/underflow
        const n = outer * len * inner;
        const x = dt === "float32" ? floats(n, 17, -1, 1) : ints(n, 17, -3, 4);
        const tol = dt === "int32" || op !== "sum" && op !== "prod" ? EXACT : sums(len);
        await check(
          `reduce ${op} ${dt} [${outer}, ${len}, ${inner}]`,
          tol,
          (b) => b.reduce(op, b.fromTyped(x, dt), outer, len, inner),
        );
      }
    }
    for (const [outer, len, inner] of [[2, 7, 3], [1, 1000, 1], [1, 70000, 1]] as const) {
      const n = outer * len * inner;
      const x = dt === "float32" ? floats(n, 18, -1, 1) : ints(n, 18, -3, 4);
      await check(
        `cumsum ${dt} [${outer}, ${len}, ${inner}]`,
        dt === "int32" ? EXACT : sums(len),
        (b) => b.cumsum(b.fromTyped(x, dt), outer, len, inner),
      );
      // Products stay finite over long rows with factors near one (int32: -1, 0 and 1).
      const f = dt === "float32" ? floats(n, 18, 0.999, 1.001) : ints(n, 18, -1, 2);
      await check(
        `cumprod ${dt} [${outer}, ${len}, ${inner}]`,
        dt === "int32" ? EXACT : { rtol: Math.max(1e-5, 1e-7 * len), atol: 1e-6 },
        (b) => b.cumprod(b.fromTyped(f, dt), outer, len, inner),
      );
      // Running extremes of coarse values (ties), and logcumsumexp (float32 only).
      const coarse = dt === "float32" ? floats(n, 19, -3, 3).map(Math.round) : ints(n, 19, -3, 4);
      for (const max of [true, false]) {
        await check(
          `cumExtremeIndices ${dt} max=${max} [${outer}, ${len}, ${inner}]`,
          EXACT,
          (b) => b.cumExtremeIndices(b.fromTyped(coarse, dt), outer, len, inner, max),
        );
      }
      if (dt === "float32") {
        await check(
          `logcumsumexp [${outer}, ${len}, ${inner}]`,
          { rtol: 1e-5, atol: 1e-5 },
          (b) => b.logcumsumexp(b.fromTyped(x, dt), outer, len, inner),
        );
      }
    }
    // searchsorted: one shared row, and batched rows through a sorter permutation.
    const seq = (dt === "float32" ? floats(40, 21) : ints(40, 21, -20, 20)).sort();
    const vals = dt === "float32" ? floats(50, 22, -3, 3) : ints(50, 22, -25, 25);
    for (const right of [false, true]) {
      await check(
        `searchsorted ${dt} right=${right}`,
        EXACT,
        (b) =>
          b.searchsorted(b.fromTyped(seq, dt), b.fromTyped(vals, dt), {
            rows: 1,
            len: 40,
            perRow: 0,
            right,
            sorter: null,
          }),
      );
    }
    const rowsSeq = dt === "float32" ? floats(40, 23) : ints(40, 23, -20, 20);
    const sorter = Int32Array.from({ length: 40 }, (_, i) => 10 * Math.floor(i / 10)).map((base, i) =>
      i - base
    );
    for (let r = 0; r < 4; r++) {
      sorter.subarray(r * 10, r * 10 + 10).sort((p, q) => rowsSeq[r * 10 + p] - rowsSeq[r * 10 + q]);
    }
    await check(
      `searchsorted ${dt} rows with a sorter`,
      EXACT,
      (b) =>
        b.searchsorted(b.fromTyped(rowsSeq, dt), b.fromTyped(vals.subarray(0, 48), dt), {
          rows: 4,
          len: 10,
          perRow: 12,
          right: false,
          sorter: b.fromTyped(sorter, "int32"),
        }),
    );
    for (const descending of [false, true]) {
      await check(
        `argsort ${dt} descending=${descending}`,
        EXACT,
        (b) => b.argsort(b.fromTyped(typed(dt, 3 * 37, 19), dt), 3, 37, descending),
      );
    }
  }
  await check(
    "nanToNum",
    EXACT,
    (b) =>
      b.nanToNum(
        b.fromTyped(Float32Array.from([NaN, Infinity, -Infinity, 1.5, -0, 3]), "float32"),
        0.5,
        7,
        -7,
      ),
  );
  // Softmax over few and many rows (both kernels whichever the tuning), and rows longer than one
  // invocation may loop over (the split path: max, chunked exponential sums, per-element write).
  for (const log of [false, true]) {
    for (const [rows, cols] of [[3, 10], [300, 8], [2, 300]] as const) {
      await check(
        `${log ? "logSoftmax" : "softmax"} [${rows}, ${cols}]`,
        CLOSE,
        (b) => b.softmax(b.fromTyped(floats(rows * cols, 20, -4, 4), "float32"), rows, cols, log),
      );
    }
  }
  // Rows longer than one invocation may loop over take the split path (max, chunked exponential
  // sums, per-element write): with the smallest loop budget, rows of 5000 split.
  for (const [gi, g] of gpus.entries()) {
    const small = new WebGPUBackend(g.gpu, { loopBudget: 64 });
    for (const log of [false, true]) {
      checks++;
      const what = `${log ? "logSoftmax" : "softmax"} [2, 5000], loop budget 64 [gpu backend ${gi}]`;
      try {
        const x = floats(10_000, 21, -4, 4);
        const want = await cpu.read(cpu.softmax(cpu.fromTyped(x, "float32"), 2, 5000, log));
        const got = await small.read(small.softmax(small.fromTyped(x, "float32"), 2, 5000, log));
        const bad = compare(what, got, want, CLOSE);
        if (bad) failures.push(bad);
      } catch (e) {
        failures.push(`${what}: ${(e as Error).message}`);
      }
    }
    extra.push(small);
  }
  // Matmul: the simple kernel (int32, small), the direct/tiled kernels with short and tall
  // products, transposes, vector and scalar stores, batches.
  const shapes: [number, number, number, number, boolean, boolean][] = [
    [1, 3, 5, 4, false, false],
    [1, 16, 12, 16, false, false],
    [1, 40, 9, 33, false, false],
    [2, 70, 8, 20, true, false],
    [3, 12, 16, 12, false, true],
    [2, 64, 32, 72, true, true],
  ];
  for (const [batch, m, k, n, transA, transB] of shapes) {
    for (const dt of COMPUTE) {
      const a = dt === "float32" ? floats(batch * m * k, 21) : ints(batch * m * k, 21);
      const bb = dt === "float32" ? floats(batch * k * n, 22) : ints(batch * k * n, 22);
      await check(
        `matmul ${dt} ${batch}x[${m}, ${k}]@[${k}, ${n}] transA=${transA} transB=${transB}`,
        dt === "int32" ? EXACT : SUMS,
        (b) =>
          b.matmul(b.fromTyped(a, dt), b.fromTyped(bb, dt), {
            batch,
            m,
            k,
            n,
            aBatchStride: m * k,
            bBatchStride: k * n,
            transA,
            transB,
          }),
      );
    }
  }
  // The 128 x 128 tiled kernel (a backend option, picked by default on no adapter yet): vector and
  // scalar stores, transposes, a batch, an epilogue.
  if (gpus.length > 0) {
    const wide = [new WebGPUBackend(gpus[0].gpu, { matmulKernel: "tiled128" })];
    for (
      const [batch, m, k, n, transA, transB] of [[1, 130, 20, 136, false, false], [
        2,
        70,
        9,
        33,
        true,
        true,
      ]] as const
    ) {
      const a = floats(batch * m * k, 26), bb = floats(batch * k * n, 27);
      const args = { batch, m, k, n, aBatchStride: m * k, bBatchStride: k * n, transA, transB };
      const product = (b: Backend) => b.matmul(b.fromTyped(a, "float32"), b.fromTyped(bb, "float32"), args);
      const what = `matmul tiled128 ${batch}x[${m}, ${k}]@[${k}, ${n}] transA=${transA} transB=${transB}`;
      await check(what, SUMS, product, wide);
      await check(`${what}, relu epilogue`, SUMS, (b) => b.unary("relu", product(b)), wide);
    }
    extra.push(...wide);
  }
  // float16 products as the front end asks for them (operands cast to float32): on a device with
  // shader-f16 they run through the f16 kernels (packing, then the product with its stores or an
  // epilogue); elsewhere through the float32 kernels. The float32 product is compared.
  for (const [batch, m, k, n, transA, transB] of shapes.slice(2)) {
    const a = typed("float16", batch * m * k, 24), bb = typed("float16", batch * k * n, 25);
    const args = { batch, m, k, n, aBatchStride: m * k, bBatchStride: k * n, transA, transB };
    const product = (b: Backend) =>
      b.matmul(
        b.cast(b.fromTyped(a, "float16"), "float32"),
        b.cast(b.fromTyped(bb, "float16"), "float32"),
        args,
      );
    const what = `matmul float16 ${batch}x[${m}, ${k}]@[${k}, ${n}] transA=${transA} transB=${transB}`;
    await check(what, SUMS, product);
    await check(`${what}, relu epilogue`, SUMS, (b) => b.unary("relu", product(b)));
  }
  // Gather and scatter-add with an index known on the host and one computed on the device (the
  // lazily checked path, with its error-reporting variant).
  for (const dt of COMPUTE) {
    const x = typed(dt, 4 * 6 * 3, 23);
    const idx = Int32Array.from([5, 0, 3, 3, 1]);
    for (const onDevice of [false, true]) {
      const index = (b: Backend) => {
        const i = b.fromTyped(idx, "int32");
        return onDevice ? b.binary("add", i, 0, idx.length, "int32") : i;
      };
      const how = onDevice ? "device-made index" : "host index";
      await check(
        `gather ${dt} (${how}, 1-d)`,
        EXACT,
        (b) => b.gather(b.fromTyped(x, dt), index(b), 4, 6, 3, 5, true),
      );
      const ix3 = Int32Array.from({ length: 4 * 5 * 3 }, (_, i) => (i * 7) % 6);
      await check(`gather ${dt} (${onDevice ? "device-made" : "host"} full index)`, EXACT, (b) => {
        const i = b.fromTyped(ix3, "int32");
        return b.gather(
          b.fromTyped(x, dt),
          onDevice ? b.binary("add", i, 0, ix3.length, "int32") : i,
          4,
          6,
          3,
          5,
          false,
        );
      });
      // No output elements: the index is still checked (on the device when it was made there).
      await check(
        `gather ${dt} (${how}, 1-d, empty outer)`,
        EXACT,
        (b) => b.gather(b.fromTyped(typed(dt, 0, 1), dt), index(b), 0, 6, 3, 5, true),
      );
      const src = typed(dt, 4 * 5 * 3, 24);
      await check(
        `scatterAdd ${dt} (${how}, 1-d)`,
        dt === "int32" ? EXACT : SUMS,
        (b) => b.scatterAdd(b.fromTyped(src, dt), index(b), 4, 6, 3, 5, true),
      );
    }
  }
  // Convolution columns and pooling.
  const conv: Conv2dGeometry = {
    batch: 2,
    channels: 3,
    height: 7,
    width: 6,
    groups: 1,
    onesRow: true,
    kernelH: 3,
    kernelW: 2,
    strideH: 2,
    strideW: 1,
    padH: 1,
    padW: 1,
    dilationH: 1,
    dilationW: 2,
    outH: 4,
    outW: 6,
  };
  const colsLen = conv.batch * (conv.channels * conv.kernelH * conv.kernelW + 1) * conv.outH * conv.outW;
  await check("im2col", EXACT, (b) => b.im2col(b.fromTyped(floats(2 * 3 * 7 * 6, 25), "float32"), conv));
  await check("col2im", SUMS, (b) => b.col2im(b.fromTyped(floats(colsLen, 26), "float32"), conv));
  const pool: Pool2dGeometry = {
    planes: 3,
    height: 7,
    width: 6,
    kernelH: 3,
    kernelW: 2,
    strideH: 2,
    strideW: 2,
    padH: 1,
    padW: 1,
    dilationH: 1,
    dilationW: 1,
    outH: 4,
    outW: 4,
  };
  const planes = floats(3 * 7 * 6, 27);
  await check("maxPool2d", EXACT, (b) => {
    const r = b.maxPool2d(b.fromTyped(planes, "float32"), pool);
    return [r.values, r.indices];
  });
  for (
    const opts of [{ countIncludePad: true, divisor: 0 }, {
      countIncludePad: false,
      divisor: 5,
    }] as AvgPoolOptions[]
  ) {
    await check(
      `avgPool2d ${JSON.stringify(opts)}`,
      CLOSE,
      (b) => b.avgPool2d(b.fromTyped(planes, "float32"), pool, opts),
    );
    await check(
      `avgPool2dBackward ${JSON.stringify(opts)}`,
      CLOSE,
      (b) => b.avgPool2dBackward(b.fromTyped(floats(3 * 4 * 4, 28), "float32"), pool, opts),
    );
  }

  // Softmax cross-entropy and its gradient: short rows (log-softmax in the loss kernel on the cpu
  // tuning) and long ones (the softmax kernels first), an ignored row, targets known on the host
  // and targets computed on the device (checked by the kernel).
  for (const [rows, cols] of [[6, 10], [5, 100]]) {
    const logits = floats(rows * cols, 29 + cols, -4, 4);
    const classes = Int32Array.from({ length: rows }, (_, r) => (r === 2 ? -100 : (r * 7) % cols));
    for (const computed of [false, true]) {
      const targets = (b: Backend) => {
        const t = b.fromTyped(classes, "int32");
        return computed ? b.binary("add", t, 0, rows, "int32") : t;
      };
      const forward = (b: Backend) => {
        const r = b.crossEntropy!(b.fromTyped(logits, "float32"), targets(b), rows, cols, -100);
        if ("badRow" in r) throw new Error(`crossEntropy rejected row ${r.badRow}`);
        return r;
      };
      const what = `crossEntropy [${rows}, ${cols}]${computed ? " (device targets)" : ""}`;
      await check(what, CLOSE, (b) => {
        const r = forward(b);
        return [r.logp, r.loss, r.total, r.count];
      });
      await check(`${what} backward`, CLOSE, (b) => {
        const g = b.fromTyped(floats(rows, 31, 0.5, 2), "float32");
        return b.crossEntropyBackward!(forward(b).logp, targets(b), g, rows, cols, -100);
      });
    }
  }

  await linalgAndSpecialTour(check, floats);

  // GPU-only kernels, against host formulas: value checks and the fused optimizer
  // steps.
  for (const [gi, g] of gpus.entries()) {
    const label = (s: string) => (gpus.length > 1 ? `${s} [gpu backend ${gi}]` : s);
    // A range check of device-computed values (no host copy): float and int, with an allowed value.
    for (const dtype of ["float32", "int32"] as const) {
      checks++;
      const values = g.binary("add", g.fromTyped(typed(dtype, 64, 31), dtype), 0, 64, dtype);
      const ok = g.rangeGuard(values, -10, 10, -100, (v) => `out of range: ${v}`, "float32");
      const bad = g.rangeGuard(values, 0, 1, null, (v) => `out of range: ${v}`, "float32");
      try {
        await g.read(ok);
        let threw = false;
        await g.read(bad).catch(() => threw = true);
        if (!threw) failures.push(label(`rangeGuard ${dtype}: a value out of range was not reported`));
      } catch (e) {
        failures.push(label(`rangeGuard ${dtype}: ${(e as Error).message}`));
      }
    }
    const n = 10;
    const p0 = floats(n, 29), gr = floats(n, 30);
    for (const amsgrad of [false, true]) {
      for (const decoupled of [false, true]) {
        checks++;
        const o = {
          lr: 0.01,
          beta1: 0.9,
          beta2: 0.999,
          eps: 1e-8,
          weightDecay: 0.1,
          step: 1,
          decoupled,
          amsgrad,
          maximize: false,
        };
        try {
          const p = g.fromTyped(p0, "float32"), m = g.full("float32", n, 0), v = g.full("float32", n, 0);
          const vm = amsgrad ? g.full("float32", n, 0) : null;
          g.adamUpdate(p, g.fromTyped(gr, "float32"), m, v, vm, o);
          const got = await g.read(p);
          // First Adam step from zero moments: p - lr * d / (|d| + eps) with d the (decayed) gradient.
          const want = Float32Array.from(p0, (pv, i) => {
            const base = decoupled ? pv * (1 - o.lr * o.weightDecay) : pv;
            const d = decoupled ? gr[i] : gr[i] + o.weightDecay * pv;
            return base - o.lr * d / (Math.abs(d) + o.eps);
          });
          const bad = compare(label(`adamUpdate amsgrad=${amsgrad} decoupled=${decoupled}`), got, want, {
            rtol: 1e-4,
            atol: 1e-6,
          });
          if (bad) failures.push(bad);
        } catch (e) {
          failures.push(label(`adamUpdate: ${(e as Error).message}`));
        }
      }
    }
    for (
      const [momentum, nesterov, dampening] of [[0, false, 0], [0.9, false, 0], [0.9, true, 0], [
        0.9,
        false,
        0.5,
      ]] as const
    ) {
      checks++;
      try {
        const p = g.fromTyped(p0, "float32"), buf = momentum ? g.fromTyped(gr, "float32") : null;
        const o = {
          lr: 0.1,
          momentum,
          dampening,
          weightDecay: 0.01,
          nesterov,
          maximize: false,
          firstStep: false,
        };
        g.sgdUpdate(p, g.fromTyped(gr, "float32"), buf, o);
        const got = await g.read(p);
        const want = Float32Array.from(p0, (pv, i) => {
          let d = gr[i] + o.weightDecay * pv;
          if (momentum) {
            const b2 = gr[i] * momentum + d * (1 - dampening);
            d = nesterov ? d + b2 * momentum : b2;
          }
          return pv - o.lr * d;
        });
        const bad = compare(
          label(`sgdUpdate momentum=${momentum} nesterov=${nesterov} dampening=${dampening}`),
          got,
          want,
          { rtol: 1e-5, atol: 1e-6 },
        );
        if (bad) failures.push(bad);
      } catch (e) {
        failures.push(label(`sgdUpdate: ${(e as Error).message}`));
      }
    }
  }
  for (const g of gpus) {
    try {
      await g.sync();
    } catch (e) {
      failures.push(`sync: ${(e as Error).message}`);
    }
  }
  const all = [...gpus, ...extra];
  const keys = [...new Set(all.flatMap((g) => g.pipelineKeys()))].sort();
  return { checks, failures, keys, specs: all.flatMap((g) => g.pipelineSpecs()) };
}
