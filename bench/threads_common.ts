// deno-lint-ignore-file no-import-prefix
/**
 * Shared by bench/threads_bench.ts (`deno bench`) and bench/threads.ts (a standalone table): the
 * cases that measure the CPU backend's threads, and the peers they are compared with, all in one
 * process:
 * - edgetorch through the public API (`torch.setNumThreads(n)` before each case; the pool started
 *   first with `torch.cpu.startThreads()`);
 * - TensorFlow.js's wasm backend (`@tensorflow/tfjs-backend-wasm` 4.22, XNNPACK) on one thread, its
 *   `.wasm` files from node_modules;
 * - jax-js 0.1.25 on its `wasm` device, which runs its kernels on a pool of
 *   `navigator.hardwareConcurrency` web workers (`await c.blockUntilReady()` ends each product).
 * @module
 */
import * as tf from "npm:@tensorflow/tfjs-core@4.22.0";
import { setThreadsCount, setWasmPaths } from "npm:@tensorflow/tfjs-backend-wasm@4.22.0";
import { defaultDevice, init as jaxInit, numpy as np } from "npm:@jax-js/jax@0.1.25";
import * as torch from "../mod.ts";
import { nn, optim } from "../mod.ts";
import { rand } from "./bench_data.ts";

/** Loads TensorFlow.js's wasm backend on one thread; null (with a message) when it does not load. */
export async function loadTfjs(): Promise<typeof tf | null> {
  try {
    setThreadsCount(1);
    setWasmPaths(new URL("../node_modules/@tensorflow/tfjs-backend-wasm/dist/", import.meta.url).href);
    await tf.setBackend("wasm");
    await tf.ready();
    if (tf.getBackend() !== "wasm") throw new Error(`backend is ${tf.getBackend()}`);
    return tf;
  } catch (e) {
    console.log(`TensorFlow.js wasm did not load (${(e as Error).message}): its rows are left out`);
    return null;
  }
}

/** Sets jax-js's default device to `wasm`; false (with a message) when it is not available. */
export async function loadJax(): Promise<boolean> {
  try {
    const devices = await jaxInit();
    if (!devices.includes("wasm")) throw new Error(`devices: ${devices.join(", ")}`);
    defaultDevice("wasm");
    return true;
  } catch (e) {
    console.log(`jax-js wasm did not load (${(e as Error).message}): its rows are left out`);
    return false;
  }
}

/** One n x n product per call, and its result for the agreement check. */
export interface MatmulImpl {
  run: () => void | Promise<void>;
  result: () => Promise<ArrayLike<number>>;
}

/** edgetorch: `a.matmul(b)` through the public API, the result disposed. */
export function torchMatmul(n: number): MatmulImpl {
  const a = torch.tensor(rand(n * n, 1)).reshape([n, n]), b = torch.tensor(rand(n * n, 2)).reshape([n, n]);
  return {
    run: () => a.matmul(b).dispose(),
    result: () => Promise.resolve(a.matmul(b).dataSync()),
  };
}

/** TensorFlow.js wasm: `tf.matMul` (synchronous on this backend), the result disposed. */
export function tfMatmul(t: typeof tf, n: number): MatmulImpl {
  const a = t.tensor2d(rand(n * n, 1), [n, n]), b = t.tensor2d(rand(n * n, 2), [n, n]);
  return {
    run: () => t.matMul(a, b).dispose(),
    result: () => Promise.resolve(t.matMul(a, b).dataSync()),
  };
}

/** jax-js wasm: `np.matmul` and `blockUntilReady` (jax-js arrays are reference counted: `.ref`). */
export function jaxMatmul(n: number): MatmulImpl {
  const a = np.array(rand(n * n, 1)).reshape([n, n]), b = np.array(rand(n * n, 2)).reshape([n, n]);
  return {
    run: async () => {
      const c = np.matmul(a.ref, b.ref);
      await c.blockUntilReady();
      c.dispose();
    },
    result: async () => await np.matmul(a.ref, b.ref).data(),
  };
}

/** Whether a peer's product agrees with ours on a sample of elements (prints why not). */
export function agrees(name: string, ours: ArrayLike<number>, theirs: ArrayLike<number>): boolean {
  if (ours.length !== theirs.length) {
    console.log(`${name}: ${theirs.length} elements, expected ${ours.length}`);
    return false;
  }
  const step = Math.max(1, Math.floor(ours.length / 997));
  for (let i = 0; i < ours.length; i += step) {
    if (!(Math.abs(ours[i] - theirs[i]) <= 1e-3 * (1 + Math.abs(ours[i])))) {
      console.log(`${name}: element ${i} is ${theirs[i]}, ours ${ours[i]}`);
      return false;
    }
  }
  return true;
}

/** A training step of `model` on a fixed batch: cross-entropy, backward, optimizer step (plain loop). */
function trainStep(model: nn.Module, opt: optim.Optimizer, x: torch.Tensor, y: torch.Tensor): () => void {
  return () => {
    opt.zeroGrad();
    nn.functional.crossEntropy(model(x), y).backward();
    opt.step();
  };
}

/** MLP 784-256-10, batch 64, SGD with momentum 0.9. */
export function mlpStep(): () => void {
  torch.manualSeed(0);
  const model = new nn.Sequential(new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 10));
  const opt = new optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  return trainStep(model, opt, torch.randn(64, 784), torch.randint(0, 10, [64]));
}

/**
 * The Fashion-MNIST CNN of examples/fashion_mnist.ts (conv 1→16, pool, conv 16→32, pool,
 * 1568→128→10), batch 64, Adam.
 */
export function cnnStep(): () => void {
  torch.manualSeed(0);
  const model = new nn.Sequential(
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
  const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
  return trainStep(model, opt, torch.rand(64, 1, 28, 28), torch.randint(0, 10, [64]));
}

/** The matrix sizes of the product cases. */
export const MATMUL_SIZES = [64, 256, 1024, 4096] as const;
