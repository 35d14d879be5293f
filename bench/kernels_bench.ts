/**
 * CPU kernels of edgetorch (wasm backend, relaxed-SIMD and plain-SIMD builds) against
 * TensorFlow.js's wasm backend (XNNPACK), single-threaded, grouped by op.
 *
 *   deno bench -A bench/kernels_bench.ts
 *
 * edgetorch timings include its memory model's staging (operands copied into wasm memory and the
 * result copied out to a new typed array); TensorFlow.js keeps tensors resident in wasm memory.
 * Both run synchronously, so the clock stops when the result exists.
 */
import * as tf from "@tensorflow/tfjs-core";
import { setThreadsCount, setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { WasmBackend } from "../src/backends/wasm/backend.ts";
import type { Storage } from "../src/backends/backend.ts";

// TensorFlow.js: single thread, wasm binaries from the npm package (no network).
setThreadsCount(1);
setWasmPaths(new URL("../node_modules/@tensorflow/tfjs-backend-wasm/dist/", import.meta.url).href);
await tf.setBackend("wasm");
await tf.ready();
if (tf.getBackend() !== "wasm") throw new Error("TensorFlow.js wasm backend did not load");

const ours = [new WasmBackend({ variant: "relaxed" }), new WasmBackend({ variant: "simd" })];

function rand(n: number, seed = 1): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 4294967296 - 0.5;
  }
  return out;
}

interface Case {
  group: string;
  /** Floating-point operations, for GFLOP/s in the README table. */
  flops?: number;
  /** Iterations (deno bench picks its own count otherwise). */
  n?: number;
  edgetorch: (b: WasmBackend) => () => void;
  tfjs: () => () => void;
}

function matmulCase(
  m: number,
  k: number,
  n: number,
  name = `matmul ${m}x${k} @ ${k}x${n}`,
  iters?: number,
): Case {
  const a = rand(m * k, 1), b = rand(k * n, 2);
  return {
    group: name,
    flops: 2 * m * k * n,
    n: iters,
    edgetorch: (be) => {
      const sa = be.fromTyped(a, "float32"), sb = be.fromTyped(b, "float32");
      const args = { batch: 1, m, k, n, aBatchStride: 0, bBatchStride: 0, transA: false, transB: false };
      return () => void be.matmul(sa, sb, args);
    },
    tfjs: () => {
      const ta = tf.tensor2d(a, [m, k]), tb = tf.tensor2d(b, [k, n]);
      return () => tf.matMul(ta, tb).dispose();
    },
  };
}

function elementwise(op: "add" | "mul" | "exp", n: number): Case {
  const x = rand(n, 3), y = rand(n, 4);
  return {
    group: `${op} ${n / 1e6}M`,
    edgetorch: (be) => {
      const sx = be.fromTyped(x, "float32"), sy = be.fromTyped(y, "float32");
      if (op === "exp") return () => void be.unary("exp", sx);
      return () => void be.binary(op, sx, sy, n, "float32");
    },
    tfjs: () => {
      const tx = tf.tensor1d(x), ty = tf.tensor1d(y);
      if (op === "exp") return () => tf.exp(tx).dispose();
      return () => (op === "add" ? tf.add(tx, ty) : tf.mul(tx, ty)).dispose();
    },
  };
}

function sumCase(name: string, shape: [number, number] | [number], axis: number | null): Case {
  const numel = shape.reduce((a, b) => a * b, 1);
  const x = rand(numel, 5);
  return {
    group: name,
    edgetorch: (be) => {
      const sx = be.fromTyped(x, "float32");
      if (axis === null || shape.length === 1) return () => void be.reduce("sum", sx, 1, numel, 1);
      const [r, c] = shape as [number, number];
      return axis === 0 ? () => void be.reduce("sum", sx, 1, r, c) : () => void be.reduce("sum", sx, r, c, 1);
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
      return () => void be.softmax(sx, rows, cols, false);
    },
    tfjs: () => {
      const tx = tf.tensor2d(x, [rows, cols]);
      return () => tf.softmax(tx).dispose();
    },
  };
}

const CASES: Case[] = [
  matmulCase(64, 64, 64),
  matmulCase(128, 128, 128),
  matmulCase(256, 256, 256),
  matmulCase(512, 512, 512, undefined, 50),
  matmulCase(1024, 1024, 1024, undefined, 20),
  matmulCase(64, 784, 256, "matmul [64, 784] @ [784, 256]"),
  elementwise("add", 1_000_000),
  elementwise("mul", 1_000_000),
  elementwise("exp", 1_000_000),
  sumCase("sum 1M (all)", [1_000_000], null),
  sumCase("sum [1024, 1024] dim 0", [1024, 1024], 0),
  sumCase("sum [1024, 1024] dim 1", [1024, 1024], 1),
  softmaxCase(256, 1000),
];

// Keep references alive across iterations so the GC does not skew one side.
const sink: Storage[] = [];
sink.length = 0;

for (const c of CASES) {
  for (const be of ours) {
    const fn = c.edgetorch(be);
    Deno.bench({
      name: `edgetorch ${be.variant}: ${c.group}`,
      group: c.group,
      baseline: be.variant === "relaxed",
      n: c.n,
      warmup: c.n ? 3 : undefined,
      fn,
    });
  }
  const tfn = c.tfjs();
  Deno.bench({
    name: `tfjs wasm: ${c.group}`,
    group: c.group,
    n: c.n,
    warmup: c.n ? 3 : undefined,
    fn: tfn,
  });
}
