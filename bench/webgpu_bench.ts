// deno-lint-ignore-file no-import-prefix
/**
 * GPU kernels of edgetorch (WebGPU backend) against TensorFlow.js's WebGPU backend
 * (`@tensorflow/tfjs-backend-webgpu` 4.22) and jax-js (`@jax-js/jax` on its `webgpu` device), in
 * one run, grouped by op. Each library gets its own GPU device on the same adapter.
 *
 *   deno bench -A bench/webgpu_bench.ts
 *   deno bench -A bench/webgpu_bench.ts --filter "matmul 1024"
 *   VK_DRIVER_FILES=/path/to/lvp_icd.x86_64.json DENO_WEBGPU_BACKEND=vulkan \
 *     deno bench -A bench/webgpu_bench.ts --filter "one read"    # Mesa lavapipe, which has shader-f16
 *
 * Every timed iteration ends with the queue drained (`await device.queue.onSubmittedWorkDone()`,
 * after each library submitted its pending commands), so the time covers the GPU work, not just
 * its encoding. Deno polls the device every few milliseconds, so one drain costs about 11 ms on
 * its own (see the "read-back 1024 floats" group); groups marked "×10" run ten ops per drain to
 * amortise it (the time is per iteration, i.e. for ten ops). Results are checked against ours
 * once before timing: a library whose result differs (or that fails to load) is left out with a
 * message. Bench names carry their group, so `--filter "matmul 1024"` picks a group (the setup
 * of every case still runs: a few minutes on llvmpipe, most of it the 4096 products).
 *
 * The "matmul n ×R, one read" groups time R products and one read of one element of the last
 * (no drain per product): float32 (ours and TensorFlow.js) and float16 (ours: float16 operands,
 * product rounded to float16, as `torch.matmul` of float16 tensors runs; through the f16 kernels
 * where the adapter has `shader-f16`, the row says which). TensorFlow.js has no float16.
 *
 * Shapes: matmul n×n @ n×n (float32); elementwise add and exp of 2^20 floats; sums of 2^20
 * floats (to one value) and of each row of 1024×1024; softmax over the rows of 1024×1024; argsort
 * of 256 rows of 1000 (largest first); conv2d
 * of a [16, 16, 32, 32] input with 32 filters of 3×3, padding 1 (edgetorch: im2col + one batched
 * matmul, the front end's lowering; TensorFlow.js: NHWC, its native layout; jax-js: NCHW).
 * @module
 */
import * as tf from "npm:@tensorflow/tfjs-core@4.22.0";
// Not in deno.json's import map (yet): pinned inline.
import "npm:@tensorflow/tfjs-backend-webgpu@4.22.0";
import { defaultDevice, init as jaxInit, lax, nn as jnn, numpy as np } from "npm:@jax-js/jax@0.1.25";
import * as gpu from "../src/gpu.ts";
import { WebGPUBackend } from "../src/backends/webgpu/backend.ts";
import type { Conv2dGeometry, MatmulArgs, Storage } from "../src/backends/backend.ts";
import { halfToFloat } from "../src/half.ts";
import { rand } from "./bench_data.ts";

type JaxArray = ReturnType<typeof np.array>;

const available = await gpu.isAvailable();
if (!available) console.log(`WebGPU: no adapter, GPU benchmarks skipped (${gpu.reason})`);
const g = available ? gpu.webgpuBackend()! : (null as unknown as WebGPUBackend);
if (available) {
  const info = gpu.adapterInfo()!;
  console.log(`adapter: ${info.description || info.vendor} (fallback: ${info.isFallbackAdapter})`);
}

// TensorFlow.js WebGPU.
interface TfWebGPU {
  endComputePassEncoder(): void;
  submitQueue(): void;
  queue: GPUQueue;
}
let tfOk = false;
if (available) {
  try {
    tfOk = await tf.setBackend("webgpu");
    await tf.ready();
    tfOk = tfOk && tf.getBackend() === "webgpu";
  } catch (e) {
    console.log(`tfjs webgpu did not load: ${(e as Error).message}`);
  }
  if (!tfOk) console.log("tfjs webgpu rows skipped");
}
/** Submits TensorFlow.js's pending commands and waits for the GPU. */
async function tfDrain(): Promise<void> {
  const be = tf.backend() as unknown as TfWebGPU;
  be.endComputePassEncoder();
  be.submitQueue();
  await be.queue.onSubmittedWorkDone();
}

// jax-js on WebGPU.
let jaxOk = false;
if (available) {
  try {
    const devices = await jaxInit();
    jaxOk = devices.includes("webgpu");
    if (jaxOk) defaultDevice("webgpu");
  } catch (e) {
    console.log(`jax-js did not load: ${(e as Error).message}`);
  }
  if (!jaxOk) console.log("jax-js rows skipped");
}

/** The arguments of one n x n by n x n product (no batch, no transposes). */
function squareMatmul(n: number): MatmulArgs {
  return { batch: 1, m: n, k: n, n, aBatchStride: 0, bBatchStride: 0, transA: false, transB: false };
}

/** Compares a peer's result with ours on a sample of elements. */
function agrees(name: string, ours: Float32Array, theirs: ArrayLike<number>, tol: number): boolean {
  if (ours.length !== theirs.length) {
    console.log(`${name}: ${theirs.length} elements, expected ${ours.length}; left out`);
    return false;
  }
  const step = Math.max(1, Math.floor(ours.length / 997));
  for (let i = 0; i < ours.length; i += step) {
    const a = ours[i], b = theirs[i];
    if (!(Math.abs(a - b) <= tol * (1 + Math.abs(a)))) {
      console.log(`${name}: element ${i} is ${b}, ours ${a}; left out`);
      return false;
    }
  }
  return true;
}

interface Impl {
  /** Runs the op `reps` times and drains the queue. */
  run: (reps: number) => Promise<void>;
  /** One result, for the agreement check. */
  result: () => Promise<ArrayLike<number>>;
}

interface Case {
  group: string;
  reps: number;
  flops?: number;
  tol: number;
  /** Iterations for the slow cases (deno bench picks otherwise). */
  n?: number;
  ours: () => Impl;
  tfjs?: () => Impl;
  jax?: () => Impl;
}

const cases: Case[] = [];

function oursImpl(op: () => Storage): Impl {
  return {
    // The results stay alive until the queue is drained: pointwise ops and matmuls return pending
    // values (src/backends/webgpu/fusion.ts), and one disposed before it is computed never runs.
    run: async (reps) => {
      const outs: Storage[] = [];
      for (let i = 0; i < reps; i++) outs.push(op());
      await g.sync();
      for (const o of outs) o.dispose();
    },
    result: async () => await g.read(op()),
  };
}

function tfImpl(op: () => tf.Tensor): Impl {
  return {
    run: async (reps) => {
      for (let i = 0; i < reps; i++) op().dispose();
      await tfDrain();
    },
    result: async () => {
      const t = op();
      const d = await t.data();
      t.dispose();
      return d as Float32Array;
    },
  };
}

function jaxImpl(op: () => JaxArray): Impl {
  return {
    run: async (reps) => {
      const outs: JaxArray[] = [];
      for (let i = 0; i < reps; i++) outs.push(op());
      for (const o of outs) await o.blockUntilReady();
      for (const o of outs) o.dispose();
    },
    result: async () => await op().data() as Float32Array,
  };
}

for (const n of [256, 512, 1024, 2048, 4096]) {
  const a = rand(n * n, 1), b = rand(n * n, 2);
  cases.push({
    group: `matmul ${n}`,
    reps: 1,
    flops: 2 * n ** 3,
    tol: 1e-3,
    n: n >= 4096 ? 1 : n >= 2048 ? 3 : n >= 1024 ? 8 : undefined,
    ours: () => {
      const sa = g.fromTyped(a, "float32"), sb = g.fromTyped(b, "float32");
      const args = squareMatmul(n);
      return oursImpl(() => g.matmul(sa, sb, args));
    },
    tfjs: () => {
      const ta = tf.tensor2d(a, [n, n]), tb = tf.tensor2d(b, [n, n]);
      return tfImpl(() => tf.matMul(ta, tb));
    },
    jax: () => {
      const ja = np.array(a).reshape([n, n]), jb = np.array(b).reshape([n, n]);
      return jaxImpl(() => np.matmul(ja.ref, jb.ref));
    },
  });
}

const N = 1 << 20;
{
  const a = rand(N, 3), b = rand(N, 4);
  cases.push({
    group: "add 2^20 ×10",
    reps: 10,
    tol: 1e-6,
    ours: () => {
      const sa = g.fromTyped(a, "float32"), sb = g.fromTyped(b, "float32");
      return oursImpl(() => g.binary("add", sa, sb, N, "float32"));
    },
    tfjs: () => {
      const ta = tf.tensor1d(a), tb = tf.tensor1d(b);
      return tfImpl(() => tf.add(ta, tb));
    },
    jax: () => {
      const ja = np.array(a), jb = np.array(b);
      return jaxImpl(() => ja.ref.add(jb.ref));
    },
  });
  cases.push({
    group: "exp 2^20 ×10",
    reps: 10,
    tol: 1e-5,
    ours: () => {
      const sa = g.fromTyped(a, "float32");
      return oursImpl(() => g.unary("exp", sa));
    },
    tfjs: () => {
      const ta = tf.tensor1d(a);
      return tfImpl(() => tf.exp(ta));
    },
    jax: () => {
      const ja = np.array(a);
      return jaxImpl(() => np.exp(ja.ref));
    },
  });
  cases.push({
    group: "sum 2^20 ×10",
    reps: 10,
    tol: 1e-3,
    ours: () => {
      const sa = g.fromTyped(a, "float32");
      return oursImpl(() => g.reduce("sum", sa, 1, N, 1));
    },
    tfjs: () => {
      const ta = tf.tensor1d(a);
      return tfImpl(() => tf.sum(ta));
    },
    jax: () => {
      const ja = np.array(a);
      return jaxImpl(() => np.sum(ja.ref));
    },
  });
  cases.push({
    group: "row sums 1024×1024 ×10",
    reps: 10,
    tol: 1e-4,
    ours: () => {
      const sa = g.fromTyped(a, "float32");
      return oursImpl(() => g.reduce("sum", sa, 1024, 1024, 1));
    },
    tfjs: () => {
      const ta = tf.tensor2d(a, [1024, 1024]);
      return tfImpl(() => tf.sum(ta, 1));
    },
    jax: () => {
      const ja = np.array(a).reshape([1024, 1024]);
      return jaxImpl(() => np.sum(ja.ref, 1));
    },
  });
  // Largest first: TensorFlow.js offers sorting only as topk; jax-js sorts ascending, so it sorts -x.
  const neg = a.slice(0, 256 * 1000).map((v) => -v);
  cases.push({
    group: "argsort [256, 1000] rows",
    reps: 1,
    tol: 0,
    ours: () => {
      const sa = g.fromTyped(a.slice(0, 256 * 1000), "float32");
      return oursImpl(() => g.argsort(sa, 256, 1000, true));
    },
    tfjs: () => {
      const ta = tf.tensor2d(a.slice(0, 256 * 1000), [256, 1000]);
      return tfImpl(() => {
        const r = tf.topk(ta, 1000);
        r.values.dispose();
        return r.indices;
      });
    },
    jax: () => {
      const ja = np.array(neg).reshape([256, 1000]);
      return jaxImpl(() => np.argsort(ja.ref, -1));
    },
  });
  cases.push({
    group: "softmax 1024×1024 ×10",
    reps: 10,
    tol: 1e-5,
    ours: () => {
      const sa = g.fromTyped(a, "float32");
      return oursImpl(() => g.softmax(sa, 1024, 1024, false));
    },
    tfjs: () => {
      const ta = tf.tensor2d(a, [1024, 1024]);
      return tfImpl(() => tf.softmax(ta));
    },
    jax: () => {
      const ja = np.array(a).reshape([1024, 1024]);
      return jaxImpl(() => jnn.softmax(ja.ref, -1));
    },
  });
}

{
  const B = 16, C = 16, H = 32, W = 32, F = 32;
  const x = rand(B * C * H * W, 5), w = rand(F * C * 9, 6);
  const geom: Conv2dGeometry = {
    batch: B,
    channels: C,
    height: H,
    width: W,
    groups: 1,
    onesRow: false,
    kernelH: 3,
    kernelW: 3,
    strideH: 1,
    strideW: 1,
    padH: 1,
    padW: 1,
    dilationH: 1,
    dilationW: 1,
    outH: H,
    outW: W,
  };
  // NHWC / HWIO copies for TensorFlow.js.
  const xNhwc = new Float32Array(x.length);
  for (let b = 0; b < B; b++) {
    for (let c = 0; c < C; c++) {
      for (let i = 0; i < H * W; i++) xNhwc[(b * H * W + i) * C + c] = x[(b * C + c) * H * W + i];
    }
  }
  const wHwio = new Float32Array(w.length);
  for (let f = 0; f < F; f++) {
    for (let c = 0; c < C; c++) {
      for (let k = 0; k < 9; k++) wHwio[(k * C + c) * F + f] = w[(f * C + c) * 9 + k];
    }
  }
  const nchwFromNhwc = (d: ArrayLike<number>): Float32Array => {
    const out = new Float32Array(d.length);
    for (let b = 0; b < B; b++) {
      for (let f = 0; f < F; f++) {
        for (let i = 0; i < H * W; i++) out[(b * F + f) * H * W + i] = d[(b * H * W + i) * F + f];
      }
    }
    return out;
  };
  cases.push({
    group: "conv2d 16×16×32×32, 32 filters 3×3",
    reps: 1,
    flops: 2 * B * F * C * 9 * H * W,
    tol: 1e-4,
    ours: () => {
      const sx = g.fromTyped(x, "float32"), sw = g.fromTyped(w, "float32");
      const R = C * 9, L = H * W;
      const args: MatmulArgs = {
        batch: B,
        m: F,
        k: R,
        n: L,
        aBatchStride: 0,
        bBatchStride: R * L,
        transA: false,
        transB: false,
      };
      return oursImpl(() => {
        const cols = g.im2col(sx, geom);
        const y = g.matmul(sw, cols, args);
        cols.dispose();
        return y;
      });
    },
    tfjs: () => {
      const tx = tf.tensor4d(xNhwc, [B, H, W, C]), tw = tf.tensor4d(wHwio, [3, 3, C, F]);
      const impl = tfImpl(() => tf.conv2d(tx, tw, 1, "same"));
      return { run: impl.run, result: async () => nchwFromNhwc(await impl.result()) };
    },
    jax: () => {
      const jx = np.array(x).reshape([B, C, H, W]), jw = np.array(w).reshape([F, C, 3, 3]);
      return jaxImpl(() => lax.conv(jx.ref, jw.ref, [1, 1], "SAME"));
    },
  });
}

// A hardware GPU (not a CPU-based adapter): the one-read groups then add 256 and 8192, time more
// iterations and compare the direct and tiled128 float32 kernels with the tiled one (which the
// backend picks there); one backend per kernel, so each compiles its pipelines once.
const hardware = available && !gpu.adapterInfo()!.isFallbackAdapter &&
  !/llvmpipe|lavapipe|softpipe|swiftshader/i.test(JSON.stringify(gpu.adapterInfo()));
const oneReadSizes = hardware
  ? [[256, 10, 20], [1024, 10, 20], [4096, 3, 10], [8192, 3, 5]]
  : [[1024, 10, 3], [4096, 3, 1]];
/** The same adapter without the f16 kernels: the reference of the float16 rows. */
const ref = available ? new WebGPUBackend(g.gpu, { f16: false }) : g;
const otherKernels = hardware
  ? (["direct", "tiled128"] as const).map((matmulKernel) => ({
    matmulKernel,
    other: new WebGPUBackend(g.gpu, { matmulKernel }),
  }))
  : [];

// Many products, one read: float32 and float16 (see the module documentation).
for (const [n, reps, iterations] of oneReadSizes) {
  if (!available) break;
  const group = `matmul ${n} ×${reps}, one read`;
  const a = rand(n * n, 11), b = rand(n * n, 12);
  const args = squareMatmul(n);
  /**
   * `reps` products of `product()`, then one element of the last read; the products stay alive
   * until then (a pending product disposed before it is computed never runs).
   */
  const timed = (be: WebGPUBackend, product: () => Storage) => async () => {
    const outs: Storage[] = [];
    for (let i = 0; i < reps; i++) outs.push(product());
    await be.read(outs[reps - 1], 0, 1);
    for (const o of outs) o.dispose();
  };
  const sa = g.fromTyped(a, "float32"), sb = g.fromTyped(b, "float32");
  const fp32 = () => g.matmul(sa, sb, args);
  Deno.bench({ name: `edgetorch fp32 ${group}`, group, baseline: true, n: iterations, fn: timed(g, fp32) });
  // The other float32 kernels on the same adapter (which one large products should use).
  for (const { matmulKernel, other } of otherKernels) {
    const oa = other.fromTyped(a, "float32"), ob = other.fromTyped(b, "float32");
    const product = () => other.matmul(oa, ob, args);
    const [theirs, tiled] = [product(), fp32()];
    const same = agrees(
      `${group} ${matmulKernel} kernel`,
      await g.read(tiled) as Float32Array,
      await other.read(theirs),
      1e-3,
    );
    theirs.dispose();
    tiled.dispose();
    if (same) {
      Deno.bench({
        name: `edgetorch fp32 ${matmulKernel} kernel ${group}`,
        group,
        n: iterations,
        fn: timed(other, product),
      });
    }
  }
  // float16 operands (the inputs rounded to half); the product rounded to float16, as the front end asks.
  const half = (be: WebGPUBackend) => {
    const ha = be.cast(be.fromTyped(a, "float32"), "float16"),
      hb = be.cast(be.fromTyped(b, "float32"), "float16");
    return () => be.cast(be.matmul(be.cast(ha, "float32"), be.cast(hb, "float32"), args), "float16");
  };
  const f16 = half(g);
  // Checked against the float32 kernels on the same halves (one float16 ulp apart at most).
  const readOnce = async (be: WebGPUBackend, s: Storage) => {
    const v = await be.read(s);
    s.dispose();
    return v;
  };
  const decode = (h: ArrayLike<number>) => Float32Array.from(h, halfToFloat);
  const want16 = decode(await readOnce(ref, half(ref)()));
  if (agrees(`${group} float16`, want16, decode(await readOnce(g, f16())), 2e-3)) {
    const kernels = g.f16 ? "f16 kernels" : "float32 kernels: no shader-f16";
    Deno.bench({ name: `edgetorch float16 (${kernels}) ${group}`, group, n: iterations, fn: timed(g, f16) });
  }
  if (tfOk) {
    const ta = tf.tensor2d(a, [n, n]), tb = tf.tensor2d(b, [n, n]);
    const theirs = tf.matMul(ta, tb);
    const same = agrees(
      `${group} tfjs webgpu`,
      await readOnce(g, fp32()) as Float32Array,
      await theirs.data(),
      1e-3,
    );
    theirs.dispose();
    if (same) {
      Deno.bench({
        name: `tfjs webgpu fp32 ${group}`,
        group,
        n: iterations,
        fn: async () => {
          const outs: tf.Tensor[] = [];
          for (let i = 0; i < reps; i++) outs.push(tf.matMul(ta, tb));
          const one = tf.slice(outs[reps - 1], [0, 0], [1, 1]);
          await one.data();
          one.dispose();
          for (const o of outs) o.dispose();
        },
      });
    }
  }
}

// Read-back latency: a small op on GPU-resident data (1024 floats: smaller ones TensorFlow.js
// runs on the CPU), then its values in JavaScript.
if (available) {
  const data = rand(1024, 7);
  const one = g.fromTyped(data, "float32");
  Deno.bench({
    name: "edgetorch",
    group: "read-back 1024 floats",
    baseline: true,
    fn: async () => {
      const r = g.unary("neg", one);
      await g.read(r);
      r.dispose();
    },
  });
  if (tfOk) {
    const t = tf.exp(tf.tensor1d(data)); // GPU-resident: no CPU copy to forward to
    Deno.bench({
      name: "tfjs webgpu",
      group: "read-back 1024 floats",
      fn: async () => {
        const r = tf.neg(t);
        await r.data();
        r.dispose();
      },
    });
  }
  if (jaxOk) {
    const j = np.exp(np.array(data));
    await j.blockUntilReady();
    Deno.bench({
      name: "jax-js webgpu",
      group: "read-back 1024 floats",
      fn: async () => void await j.ref.mul(-1).data(),
    });
  }
}

for (const c of cases) {
  if (!available) break;
  const ours = c.ours();
  const want = Float32Array.from(await ours.result());
  Deno.bench({
    name: `edgetorch ${c.group}`,
    group: c.group,
    baseline: true,
    n: c.n,
    fn: async () => await ours.run(c.reps),
  });
  const peers: [string, boolean, (() => Impl) | undefined][] = [
    ["tfjs webgpu", tfOk, c.tfjs],
    ["jax-js webgpu", jaxOk, c.jax],
  ];
  for (const [name, ok, make] of peers) {
    if (!ok || !make) continue;
    let impl: Impl;
    try {
      impl = make();
      if (!agrees(`${c.group} ${name}`, want, await impl.result(), c.tol)) continue;
    } catch (e) {
      console.log(`${c.group} ${name}: ${(e as Error).message}; left out`);
      continue;
    }
    Deno.bench({
      name: `${name} ${c.group}`,
      group: c.group,
      n: c.n,
      fn: async () => await impl.run(c.reps),
    });
  }
}
