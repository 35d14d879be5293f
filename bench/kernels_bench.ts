// deno-lint-ignore-file no-import-prefix
/**
 * CPU kernels of edgetorch (wasm backend, relaxed-SIMD and plain-SIMD builds) against
 * TensorFlow.js's wasm backend (XNNPACK), single-threaded, grouped by op.
 *
 *   deno bench -A bench/kernels_bench.ts
 *
 * "edgetorch relaxed/simd" rows go through the Backend interface and drop their results (as a
 * loop that never calls dispose()): operands are resident in wasm memory, and once the resident
 * budget is full each new result spills the least recently used (dropped) one to a GC-owned
 * buffer. "edgetorch relaxed, disposed" rows dispose each result, so its block is reused at once.
 * "edgetorch kernel only" rows call the same wasm export on operands placed in wasm memory by
 * hand, which is what TensorFlow.js does (its tensors stay resident in wasm memory).
 * Everything runs synchronously, so the clock stops when the result exists.
 */
import * as tf from "npm:@tensorflow/tfjs-core@4.22.0";
import { setThreadsCount, setWasmPaths } from "npm:@tensorflow/tfjs-backend-wasm@4.22.0";
import { WasmBackend, type WasmStorage } from "../src/backends/wasm/backend.ts";
import { kernelModule } from "../src/backends/wasm/loader.ts";
import { loadEmbeddedBuild } from "../src/backends/wasm/embedded.ts";
import { rand } from "./bench_data.ts";

// TensorFlow.js: single thread, wasm binaries from the npm package (no network).
setThreadsCount(1);
setWasmPaths(new URL("../node_modules/@tensorflow/tfjs-backend-wasm/dist/", import.meta.url).href);
await tf.setBackend("wasm");
await tf.ready();
if (tf.getBackend() !== "wasm") throw new Error("TensorFlow.js wasm backend did not load");

// One thread, as TensorFlow.js here (bench/threads_bench.ts compares thread counts). The library
// loads only the build this runtime runs best; the plain-SIMD one is loaded for comparison.
await loadEmbeddedBuild("simd");
const ours = [
  new WasmBackend({ variant: "relaxed", threads: false }),
  new WasmBackend({ variant: "simd", threads: false }),
];

/** A private instance of the relaxed-SIMD kernels with operands placed directly in its memory. */
class RawKernels {
  readonly #exports: Record<string, (...args: number[]) => number>;
  readonly #memory: WebAssembly.Memory;
  #top: number;

  constructor() {
    this.#memory = new WebAssembly.Memory({ initial: 1, maximum: 65536 });
    const instance = new WebAssembly.Instance(kernelModule("relaxed").module, {
      env: { memory: this.#memory, abort: () => {} },
    });
    this.#exports = instance.exports as unknown as Record<string, (...args: number[]) => number>;
    this.#top = this.#exports.heap_base();
    this.#exports.set_thread(0, this.place(this.#exports.scratch_bytes() / 4));
  }

  /** Copies `data` into wasm memory (or reserves `data` floats); returns its address. */
  place(data: Float32Array | number): number {
    const n = typeof data === "number" ? data : data.length;
    const p = this.#top;
    this.#top += Math.ceil((n * 4) / 16) * 16;
    const need = this.#top - this.#memory.buffer.byteLength;
    if (need > 0) this.#memory.grow(Math.ceil(need / 65536));
    if (typeof data !== "number") new Float32Array(this.#memory.buffer, p, n).set(data);
    return p;
  }

  fn(name: string): (...args: number[]) => number {
    return this.#exports[name];
  }
}
const raw = new RawKernels();

interface Case {
  group: string;
  /** Iterations (deno bench picks its own count otherwise). */
  n?: number;
  edgetorch: (b: WasmBackend) => () => WasmStorage;
  /** The bare wasm kernel on resident operands, where staging is a visible share of the time. */
  kernelOnly?: () => () => void;
  tfjs: () => () => void;
}

function matmulCase(m: number, k: number, n: number, name: string, iters?: number): Case {
  const a = rand(m * k, 1), b = rand(k * n, 2);
  return {
    group: name,
    n: iters,
    edgetorch: (be) => {
      const sa = be.fromTyped(a, "float32"), sb = be.fromTyped(b, "float32");
      const args = { batch: 1, m, k, n, aBatchStride: 0, bBatchStride: 0, transA: false, transB: false };
      return () => be.matmul(sa, sb, args);
    },
    tfjs: () => {
      const ta = tf.tensor2d(a, [m, k]), tb = tf.tensor2d(b, [k, n]);
      return () => tf.matMul(ta, tb).dispose();
    },
  };
}

/** atan2 (musl's atan2f per element) against tfjs's atan2. */
function atan2Case(n: number): Case {
  const y = rand(n, 8), x = rand(n, 9);
  return {
    group: `atan2 ${n / 1e6}M`,
    edgetorch: (be) => {
      const sy = be.fromTyped(y, "float32"), sx = be.fromTyped(x, "float32");
      return () => be.binary("atan2", sy, sx, n, "float32");
    },
    kernelOnly: () => {
      const py = raw.place(y), px = raw.place(x), out = raw.place(n);
      const f = raw.fn("atan2_f32");
      return () => void f(py, n, px, n, out, n);
    },
    tfjs: () => {
      const ty = tf.tensor1d(y), tx = tf.tensor1d(x);
      return () => tf.atan2(ty, tx).dispose();
    },
  };
}

/**
 * searchsorted of 1e5 values in a sorted row of 1000: the binary-search kernel against tfjs's
 * searchSorted; bench/ops_more_bench.ts compares it with a comparison-count composite.
 */
function searchsortedCase(len: number, n: number): Case {
  const seq = rand(len, 10).sort(), v = rand(n, 11);
  return {
    group: `searchsorted ${n} values in ${len}`,
    edgetorch: (be) => {
      const ss = be.fromTyped(seq, "float32"), sv = be.fromTyped(v, "float32");
      return () => be.searchsorted(ss, sv, { rows: 1, len, perRow: 0, right: false, sorter: null });
    },
    kernelOnly: () => {
      const ps = raw.place(seq), pv = raw.place(v), out = raw.place(n);
      const f = raw.fn("searchsorted_f32");
      return () => void f(ps, len, pv, n, 0, 0, 0, out);
    },
    tfjs: () => {
      const ts = tf.tensor1d(seq), tv = tf.tensor1d(v);
      return () => tf.searchSorted(ts, tv, "left").dispose();
    },
  };
}

function elementwise(op: "add" | "mul" | "exp" | "erf" | "gelu", n: number): Case {
  const x = rand(n, 3), y = rand(n, 4);
  const unary = op === "exp" || op === "erf" || op === "gelu";
  return {
    group: `${op} ${n / 1e6}M`,
    edgetorch: (be) => {
      const sx = be.fromTyped(x, "float32"), sy = be.fromTyped(y, "float32");
      if (op === "exp" || op === "erf" || op === "gelu") return () => be.unary(op, sx);
      return () => be.binary(op, sx, sy, n, "float32");
    },
    kernelOnly: () => {
      const px = raw.place(x), py = raw.place(y), out = raw.place(n);
      const f = raw.fn(`${op}_f32`);
      if (unary) return () => void f(px, out, n);
      return () => void f(px, n, py, n, out, n);
    },
    tfjs: () => {
      const tx = tf.tensor1d(x), ty = tf.tensor1d(y);
      if (op === "exp") return () => tf.exp(tx).dispose();
      if (op === "erf") return () => tf.erf(tx).dispose();
      // TensorFlow.js has no GELU op: its exact form from erf, as a model would write it.
      if (op === "gelu") {
        return () =>
          tf.tidy(() => tf.mul(tx, tf.mul(tf.add(tf.erf(tf.mul(tx, Math.SQRT1_2)), 1), 0.5))).dispose();
      }
      return () => (op === "add" ? tf.add(tx, ty) : tf.mul(tx, ty)).dispose();
    },
  };
}

function sumCase(name: string, shape: number[], axis: number | null): Case {
  const numel = shape.reduce((a, b) => a * b, 1);
  const x = rand(numel, 5);
  // [outer, len, inner] of the reduction
  const layout = axis === null || shape.length === 1
    ? [1, numel, 1]
    : axis === 0
    ? [1, shape[0], shape[1]]
    : [shape[0], shape[1], 1];
  const [outer, len, inner] = layout;
  return {
    group: name,
    edgetorch: (be) => {
      const sx = be.fromTyped(x, "float32");
      return () => be.reduce("sum", sx, outer, len, inner);
    },
    kernelOnly: () => {
      const px = raw.place(x), out = raw.place(outer * inner);
      const f = raw.fn("sum_f32");
      return () => void f(px, out, outer, len, inner);
    },
    tfjs: () => {
      const tx = tf.tensor(x, shape);
      return () => tf.sum(tx, axis ?? undefined).dispose();
    },
  };
}

function softmaxCase(rows: number, cols: number): Case {
  const x = rand(rows * cols, 6);
  return {
    group: `softmax [${rows}, ${cols}]`,
    edgetorch: (be) => {
      const sx = be.fromTyped(x, "float32");
      return () => be.softmax(sx, rows, cols, false);
    },
    kernelOnly: () => {
      const px = raw.place(x), out = raw.place(rows * cols);
      const f = raw.fn("softmax_f32");
      return () => void f(px, out, rows, cols);
    },
    tfjs: () => {
      const tx = tf.tensor2d(x, [rows, cols]);
      return () => tf.softmax(tx).dispose();
    },
  };
}

/** Sorting each row: our argsort kernel (stable) against tfjs's topk with k = the row length. */
function sortCase(rows: number, cols: number): Case {
  const x = rand(rows * cols, 7);
  return {
    group: `sort [${rows}, ${cols}] rows`,
    edgetorch: (be) => {
      const sx = be.fromTyped(x, "float32");
      return () => be.argsort(sx, rows, cols, true);
    },
    tfjs: () => {
      const tx = tf.tensor2d(x, [rows, cols]);
      return () => {
        const r = tf.topk(tx, cols, true);
        r.values.dispose();
        r.indices.dispose();
      };
    },
  };
}

/**
 * Running maxima (our cummax/cummin index kernel) and logcumsumexp (float64 accumulation) along
 * rows; tfjs has neither, so its row is its cumsum of the same tensor (the nearest scan it has)
 * and, for logcumsumexp, the unstable `log(cumsum(exp(x)))`.
 */
function scanCase(op: "cummax" | "logcumsumexp", rows: number, cols: number): Case {
  const x = rand(rows * cols, 10);
  return {
    group: `${op} [${rows}, ${cols}] rows`,
    edgetorch: (be) => {
      const sx = be.fromTyped(x, "float32");
      return op === "cummax"
        ? () => be.cumExtremeIndices(sx, rows, cols, 1, true)
        : () => be.logcumsumexp(sx, rows, cols, 1);
    },
    kernelOnly: () => {
      const px = raw.place(x), out = raw.place(rows * cols);
      if (op === "cummax") {
        const f = raw.fn("cumExtremeIndices_f32");
        return () => void f(px, out, rows, cols, 1, 1);
      }
      const f = raw.fn("logcumsumexp_f32");
      return () => void f(px, out, rows, cols, 1);
    },
    tfjs: () => {
      const tx = tf.tensor2d(x, [rows, cols]);
      return op === "cummax"
        ? () => tf.cumsum(tx, 1).dispose()
        : () => tf.tidy(() => tf.log(tf.cumsum(tf.exp(tx), 1))).dispose();
    },
  };
}

const CASES: Case[] = [
  matmulCase(64, 64, 64, "matmul 64"),
  matmulCase(128, 128, 128, "matmul 128"),
  matmulCase(256, 256, 256, "matmul 256"),
  matmulCase(512, 512, 512, "matmul 512", 50),
  matmulCase(1024, 1024, 1024, "matmul 1024", 20),
  matmulCase(64, 784, 256, "matmul [64, 784] @ [784, 256]"),
  elementwise("add", 1_000_000),
  elementwise("mul", 1_000_000),
  elementwise("exp", 1_000_000),
  elementwise("erf", 1_000_000),
  elementwise("gelu", 1_000_000),
  atan2Case(1_000_000),
  searchsortedCase(1000, 100_000),
  sumCase("sum 1M (all)", [1_000_000], null),
  sumCase("sum [1024, 1024] dim 0", [1024, 1024], 0),
  sumCase("sum [1024, 1024] dim 1", [1024, 1024], 1),
  softmaxCase(256, 1000),
  sortCase(256, 1000),
  scanCase("cummax", 256, 1024),
  scanCase("logcumsumexp", 256, 1024),
];

for (const c of CASES) {
  const common = { group: c.group, n: c.n, warmup: c.n ? 3 : undefined };
  for (const be of ours) {
    const f = c.edgetorch(be);
    Deno.bench({
      ...common,
      name: `edgetorch ${be.variant}: ${c.group}`,
      baseline: be.variant === "relaxed",
      fn: () => void f(),
    });
  }
  if (c.kernelOnly) {
    // The same call with the result disposed: its block is reused at once (no spill).
    const f = c.edgetorch(ours[0]);
    Deno.bench({ ...common, name: `edgetorch relaxed, disposed: ${c.group}`, fn: () => f().dispose() });
  }
  if (c.kernelOnly) Deno.bench({ ...common, name: `edgetorch kernel only: ${c.group}`, fn: c.kernelOnly() });
  Deno.bench({ ...common, name: `tfjs wasm: ${c.group}`, fn: c.tfjs() });
}
