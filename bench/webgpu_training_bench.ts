// deno-lint-ignore-file no-import-prefix
/**
 * Whole training steps (forward, loss, backward, optimizer update) on the GPU: the digits MLP of
 * `deno task train` and the Fashion-MNIST CNN of `deno task fashion-mnist`, on edgetorch's WebGPU
 * backend, next to TensorFlow.js's WebGPU backend (`@tensorflow/tfjs-backend-webgpu` 4.22 with the
 * tfjs union package, which registers the gradients) and jax-js (`@jax-js/jax` on its `webgpu`
 * device, the step under `jit`), in one run. Plus the cost of one read-back through the front end
 * (`await t.itemAsync()` of a one-element tensor).
 *
 *   deno bench -A bench/webgpu_training_bench.ts
 *
 * Every timed iteration ends with the queue drained (edgetorch: `await backend.sync()`;
 * TensorFlow.js: its pending commands submitted, then `onSubmittedWorkDone()`; jax-js:
 * `blockUntilReady()` of the new parameters), so a row covers the GPU work, not just its
 * encoding. Deno polls the device every few milliseconds, so a drain alone costs about 11 ms (see
 * the read-back group): the MLP group with ten steps per drain shows the throughput of a loop that
 * does not wait after each step. Same models as
 * `bench/training_bench.ts` (the CPU version): MLP 64 → 128 → 64 → 10, batch 32; CNN conv(1→16)
 * relu pool conv(16→32) relu pool linear(1568→128) relu linear(128→10), batch 64; Adam, lr 1e-3.
 * @module
 */
// The union package registers the gradient functions that tfjs-core alone leaves out.
import * as tf from "npm:@tensorflow/tfjs@4.22.0";
// Not in deno.json's import map: pinned inline, as in bench/webgpu_bench.ts.
import "npm:@tensorflow/tfjs-backend-webgpu@4.22.0";
import {
  defaultDevice,
  init as jaxInit,
  jit,
  lax,
  nn as jnn,
  numpy as np,
  valueAndGrad,
} from "npm:@jax-js/jax@0.1.25";
import * as torch from "../mod.ts";
import { nn, optim } from "../mod.ts";

type JaxArray = ReturnType<typeof np.array>;

const available = await torch.gpu.isAvailable();
if (!available) console.log(`WebGPU: no adapter, GPU training benchmarks skipped (${torch.gpu.reason})`);
const backend = torch.gpu.webgpuBackend()!;
if (available) {
  const info = torch.gpu.adapterInfo()!;
  console.log(`adapter: ${info.description || info.vendor} (fallback: ${info.isFallbackAdapter})`);
}

// ---- peers -----------------------------------------------------------------------------------

interface TfWebGPU {
  endComputePassEncoder(): void;
  submitQueue(): void;
  commandEncoder: GPUCommandEncoder | null;
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
  if (be.commandEncoder) be.submitQueue();
  await be.queue.onSubmittedWorkDone();
}

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

function rand(n: number, seed: number, scale = 1): Float32Array<ArrayBuffer> {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 4294967296 - 0.5) * scale;
  }
  return out;
}

function oneHot(labels: Int32Array, classes: number): Float32Array<ArrayBuffer> {
  const out = new Float32Array(labels.length * classes);
  labels.forEach((c, i) => out[i * classes + c] = 1);
  return out;
}

/** Registers a bench, or prints why a peer's row is missing when its setup or first step failed. */
async function benchOrSkip(
  name: string,
  group: string,
  make: () => Promise<() => Promise<void>> | (() => Promise<void>),
  opts: { baseline?: boolean; n?: number } = {},
): Promise<void> {
  let fn: () => Promise<void>;
  try {
    fn = await make();
    await fn(); // warm-up (pipeline compilation) and a check that it runs
  } catch (e) {
    console.log(`${group}: ${name} left out: ${(e as Error).message?.split("\n")[0]}`);
    return;
  }
  Deno.bench({ name, group, baseline: opts.baseline, n: opts.n, fn });
}

// ---- the models --------------------------------------------------------------------------------

const MLP_GROUP = "digits MLP train step (batch 32)";
const MLP10_GROUP = "digits MLP, 10 train steps per drain";
const CNN_GROUP = "Fashion-MNIST CNN train step (batch 64)";
const READ_GROUP = "read-back of 1 float (sum of 2^16 on the GPU)";
const mlpX = rand(32 * 64, 1, 2), mlpY = Int32Array.from({ length: 32 }, (_, i) => (i * 7) % 10);
const cnnX = rand(64 * 28 * 28, 2, 2), cnnY = Int32Array.from({ length: 64 }, (_, i) => (i * 3) % 10);

function torchMlp(): nn.Module {
  return new nn.Sequential(
    new nn.Linear(64, 128),
    new nn.ReLU(),
    new nn.Linear(128, 64),
    new nn.ReLU(),
    new nn.Linear(64, 10),
  );
}
function torchCnn(): nn.Module {
  return new nn.Sequential(
    new nn.Conv2d(1, 16, 3, { padding: 1 }),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Conv2d(16, 32, 3, { padding: 1 }),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Flatten(),
    new nn.Linear(32 * 7 * 7, 128),
    new nn.ReLU(),
    new nn.Linear(128, 10),
  );
}

/** One edgetorch step function on the GPU: batch resident on the device, queue drained. */
function torchStep(
  model: nn.Module,
  x: Float32Array,
  xShape: number[],
  y: Int32Array,
  opts: { fused?: boolean; readLoss?: boolean; reps?: number } = {},
): () => Promise<void> {
  torch.manualSeed(0);
  model.to("gpu");
  const opt = new optim.Adam(model.parameters(), { lr: 1e-3, fused: opts.fused });
  const ce = new nn.CrossEntropyLoss();
  const xt = torch.tensor(x).reshape(xShape).to("gpu"), yt = torch.tensor(y).to("gpu");
  return async () => {
    let loss!: torch.Tensor;
    for (let i = 0; i < (opts.reps ?? 1); i++) {
      opt.zeroGrad();
      loss = ce(model(xt), yt);
      loss.backward();
      opt.step();
    }
    if (opts.readLoss) await loss.itemAsync();
    else await backend.sync();
  };
}

// TensorFlow.js: the same layers (NHWC for the CNN), tf.train.adam.
function tfDense(inF: number, outF: number, seed: number): [tf.Variable, tf.Variable] {
  const bound = 1 / Math.sqrt(inF);
  return [
    tf.variable(tf.tensor2d(rand(inF * outF, seed, 2 * bound), [inF, outF])),
    tf.variable(tf.zeros([outF])),
  ];
}
function tfStep(loss: () => tf.Scalar, reps = 1): () => Promise<void> {
  const opt = tf.train.adam(1e-3);
  return async () => {
    for (let i = 0; i < reps; i++) opt.minimize(loss);
    await tfDrain();
  };
}
function tfMlpStep(reps = 1): () => Promise<void> {
  const layers = [tfDense(64, 128, 3), tfDense(128, 64, 4), tfDense(64, 10, 5)];
  const x = tf.tensor2d(mlpX, [32, 64]), y = tf.tensor2d(oneHot(mlpY, 10), [32, 10]);
  return tfStep(() => {
    let h: tf.Tensor = x;
    layers.forEach(([w, b], i) => {
      h = tf.add(tf.matMul(h, w), b);
      if (i < layers.length - 1) h = tf.relu(h);
    });
    return tf.losses.softmaxCrossEntropy(y, h) as tf.Scalar;
  }, reps);
}
function tfCnnStep(): () => Promise<void> {
  const conv = (inC: number, outC: number, seed: number) =>
    [
      tf.variable(tf.tensor4d(rand(9 * inC * outC, seed, 0.2), [3, 3, inC, outC])),
      tf.variable(tf.zeros([outC])),
    ] as [tf.Variable, tf.Variable];
  const c1 = conv(1, 16, 6), c2 = conv(16, 32, 7), d1 = tfDense(32 * 7 * 7, 128, 8), d2 = tfDense(128, 10, 9);
  const x = tf.tensor4d(cnnX, [64, 28, 28, 1]), y = tf.tensor2d(oneHot(cnnY, 10), [64, 10]);
  return tfStep(() => {
    let h = x as tf.Tensor4D;
    for (const [w, b] of [c1, c2]) {
      h = tf.maxPool(tf.relu(tf.add(tf.conv2d(h, w as tf.Tensor4D, 1, "same"), b)), 2, 2, "valid");
    }
    let f: tf.Tensor = tf.reshape(h, [64, 32 * 7 * 7]);
    f = tf.relu(tf.add(tf.matMul(f, d1[0]), d1[1]));
    f = tf.add(tf.matMul(f, d2[0]), d2[1]);
    return tf.losses.softmaxCrossEntropy(y, f) as tf.Scalar;
  });
}

// jax-js: the loss as a function of a parameter tree, `valueAndGrad`, Adam written out, the whole
// step under `jit`. jax-js arrays are reference counted: every use but the last takes `.ref`.
type JaxParams = Record<string, JaxArray>;

function jaxStep(
  init: Record<string, Float32Array<ArrayBuffer> | [Float32Array<ArrayBuffer>, number[]]>,
  forward: (p: JaxParams, x: JaxArray) => JaxArray,
  x: JaxArray,
  y: JaxArray,
  reps = 1,
): () => Promise<void> {
  const keys = Object.keys(init);
  let params: JaxParams = {}, m: JaxParams = {}, v: JaxParams = {};
  for (const k of keys) {
    const e = init[k];
    const [data, shape] = Array.isArray(e) ? e : [e, [e.length]];
    params[k] = np.array(data).reshape(shape);
    m[k] = np.zeros(shape);
    v[k] = np.zeros(shape);
  }
  const batch = y.shape[0];
  const lossFn = (p: JaxParams, xb: JaxArray, yb: JaxArray) =>
    jnn.logSoftmax(forward(p, xb), -1).mul(yb).sum().mul(-1 / batch);
  const b1 = 0.9, b2 = 0.999, lr = 1e-3, eps = 1e-8;
  const step = jit((p: JaxParams, mm: JaxParams, vv: JaxParams, xb: JaxArray, yb: JaxArray, c: JaxArray) => {
    // c = [lr / (1 - b1^t), 1 / sqrt(1 - b2^t)]
    const refs: JaxParams = {};
    for (const k of keys) refs[k] = p[k].ref;
    const [loss, g] = valueAndGrad(lossFn)(refs, xb, yb) as [JaxArray, JaxParams];
    const np2: JaxParams = {}, nm: JaxParams = {}, nv: JaxParams = {};
    const stepSize = c.ref.slice(0), corr = c.slice(1);
    for (const k of keys) {
      nm[k] = mm[k].mul(b1).add(g[k].ref.mul(1 - b1));
      nv[k] = vv[k].mul(b2).add(g[k].ref.mul(g[k]).mul(1 - b2));
      const denom = np.sqrt(nv[k].ref).mul(corr.ref).add(eps);
      np2[k] = p[k].sub(nm[k].ref.mul(stepSize.ref).div(denom));
    }
    stepSize.dispose();
    corr.dispose();
    return [np2, nm, nv, loss] as unknown as JaxArray;
  });
  let t = 0;
  return async () => {
    for (let i = 0; i < reps; i++) {
      t++;
      const c = np.array(new Float32Array([lr / (1 - b1 ** t), 1 / Math.sqrt(1 - b2 ** t)]));
      const out = step(params, m, v, x.ref, y.ref, c) as unknown as [
        JaxParams,
        JaxParams,
        JaxParams,
        JaxArray,
      ];
      [params, m, v] = out;
      out[3].dispose();
    }
    for (const k of keys) await params[k].ref.blockUntilReady().then((a: JaxArray) => a.dispose());
  };
}

function jaxMlpStep(reps = 1): () => Promise<void> {
  const d = (i: number, o: number, seed: number): [Float32Array<ArrayBuffer>, number[]] => [
    rand(i * o, seed, 2 / Math.sqrt(i)),
    [i, o],
  ];
  const x = np.array(mlpX).reshape([32, 64]), y = np.array(oneHot(mlpY, 10)).reshape([32, 10]);
  return jaxStep(
    {
      w1: d(64, 128, 3),
      b1: new Float32Array(128),
      w2: d(128, 64, 4),
      b2: new Float32Array(64),
      w3: d(64, 10, 5),
      b3: new Float32Array(10),
    },
    (p, xb) => {
      let h = jnn.relu(np.matmul(xb, p.w1).add(p.b1));
      h = jnn.relu(np.matmul(h, p.w2).add(p.b2));
      return np.matmul(h, p.w3).add(p.b3);
    },
    x,
    y,
    reps,
  );
}

function jaxCnnStep(): () => Promise<void> {
  const pool = (h: JaxArray, c: number, s: number) => np.max(h.reshape([64, c, s / 2, 2, s / 2, 2]), [3, 5]);
  const x = np.array(cnnX).reshape([64, 1, 28, 28]), y = np.array(oneHot(cnnY, 10)).reshape([64, 10]);
  return jaxStep(
    {
      c1: [rand(16 * 9, 6, 0.2), [16, 1, 3, 3]],
      cb1: new Float32Array(16),
      c2: [rand(32 * 16 * 9, 7, 0.2), [32, 16, 3, 3]],
      cb2: new Float32Array(32),
      w1: [rand(1568 * 128, 8, 2 / Math.sqrt(1568)), [1568, 128]],
      b1: new Float32Array(128),
      w2: [rand(128 * 10, 9, 2 / Math.sqrt(128)), [128, 10]],
      b2: new Float32Array(10),
    },
    (p, xb) => {
      let h = jnn.relu(lax.conv(xb, p.c1, [1, 1], "SAME").add(p.cb1.reshape([1, 16, 1, 1])));
      h = pool(h, 16, 28);
      h = jnn.relu(lax.conv(h, p.c2, [1, 1], "SAME").add(p.cb2.reshape([1, 32, 1, 1])));
      h = pool(h, 32, 14).reshape([64, 1568]);
      h = jnn.relu(np.matmul(h, p.w1).add(p.b1));
      return np.matmul(h, p.w2).add(p.b2);
    },
    x,
    y,
  );
}

// ---- benches -----------------------------------------------------------------------------------

if (available) {
  await benchOrSkip("edgetorch", MLP_GROUP, () => torchStep(torchMlp(), mlpX, [32, 64], mlpY), {
    baseline: true,
  });
  await benchOrSkip(
    "edgetorch, composed Adam (fused: false)",
    MLP_GROUP,
    () => torchStep(torchMlp(), mlpX, [32, 64], mlpY, { fused: false }),
  );
  await benchOrSkip(
    "edgetorch, + await loss.itemAsync()",
    MLP_GROUP,
    () => torchStep(torchMlp(), mlpX, [32, 64], mlpY, { readLoss: true }),
  );
  if (tfOk) await benchOrSkip("tfjs webgpu", MLP_GROUP, () => tfMlpStep());
  if (jaxOk) await benchOrSkip("jax-js webgpu (jit)", MLP_GROUP, () => jaxMlpStep());

  // Ten steps per drain: the throughput of a loop that does not wait for the GPU after each step.
  await benchOrSkip(
    "edgetorch",
    MLP10_GROUP,
    () => torchStep(torchMlp(), mlpX, [32, 64], mlpY, { reps: 10 }),
    {
      baseline: true,
    },
  );
  if (tfOk) await benchOrSkip("tfjs webgpu", MLP10_GROUP, () => tfMlpStep(10));
  if (jaxOk) await benchOrSkip("jax-js webgpu (jit)", MLP10_GROUP, () => jaxMlpStep(10));

  const n = torch.gpu.adapterInfo()?.isFallbackAdapter ? 10 : undefined;
  await benchOrSkip("edgetorch", CNN_GROUP, () => torchStep(torchCnn(), cnnX, [64, 1, 28, 28], cnnY), {
    baseline: true,
    n,
  });
  if (tfOk) await benchOrSkip("tfjs webgpu", CNN_GROUP, () => tfCnnStep(), { n });
  if (jaxOk) await benchOrSkip("jax-js webgpu (jit)", CNN_GROUP, jaxCnnStep, { n });

  // One read-back: a value computed on the GPU (the sum of 2^16 resident floats: small inputs would
  // let TensorFlow.js forward the op to its CPU backend), then read into JavaScript
  // (edgetorch: `await t.itemAsync()`); next to it the same op with the queue drained but nothing
  // read, which shows how much of a read-back is the wait for the GPU.
  const R = 1 << 16, big = rand(R, 10);
  const ours = torch.tensor(big).to("gpu");
  await benchOrSkip("edgetorch: sum, await t.itemAsync()", READ_GROUP, () => async () => {
    await ours.sum().itemAsync();
  }, { baseline: true });
  await benchOrSkip("edgetorch: sum, drain only", READ_GROUP, () => async () => {
    ours.sum();
    await backend.sync();
  });
  if (tfOk) {
    const t = tf.tensor1d(big);
    await benchOrSkip("tfjs webgpu: sum, await t.data()", READ_GROUP, () => async () => {
      const r = tf.sum(t);
      await r.data();
      r.dispose();
    });
    await benchOrSkip("tfjs webgpu: sum, drain only", READ_GROUP, () => async () => {
      tf.sum(t).dispose();
      await tfDrain();
    });
  }
  if (jaxOk) {
    const j = np.array(big);
    await benchOrSkip("jax-js webgpu: sum, await a.data()", READ_GROUP, () => async () => {
      await np.sum(j.ref).data();
    });
    await benchOrSkip("jax-js webgpu: sum, blockUntilReady only", READ_GROUP, () => async () => {
      (await np.sum(j.ref).blockUntilReady()).dispose();
    });
  }
}
