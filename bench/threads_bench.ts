/**
 * The CPU backend's threads under `deno bench`: n × n float32 products on 1 and N =
 * navigator.hardwareConcurrency threads next to TensorFlow.js wasm (one thread) and jax-js wasm (its
 * worker pool), and the MLP 784-256-10 and Fashion-MNIST CNN training steps on 1, 2 and N threads
 * (see bench/threads_common.ts; bench/threads.ts prints the same cases as tables).
 *
 *   deno bench -A bench/threads_bench.ts
 *   deno bench -A bench/threads_bench.ts --filter "matmul 1024"
 */
import * as torch from "../mod.ts";
import {
  agrees,
  cnnStep,
  jaxMatmul,
  loadJax,
  loadTfjs,
  MATMUL_SIZES,
  mlpStep,
  tfMatmul,
  torchMatmul,
} from "./threads_common.ts";

const cores = navigator.hardwareConcurrency;
const tf = await loadTfjs();
const jax = await loadJax();
torch.setNumThreads(cores);
await torch.cpu.startThreads();

/** Runs `fn` with `threads` threads (the setting is global: each case sets its own). */
const on = (threads: number, fn: () => void) => () => {
  torch.setNumThreads(threads);
  fn();
};

for (const n of MATMUL_SIZES) {
  const group = `matmul ${n}`;
  // The largest size takes seconds per product: a few iterations suffice.
  const iters = n >= 4096 ? { n: 2, warmup: 1 } : {};
  const ours = torchMatmul(n);
  const reference = await ours.result();
  Deno.bench(
    `edgetorch 1 thread: matmul ${n}`,
    { group, baseline: true, ...iters },
    on(1, ours.run as () => void),
  );
  Deno.bench(
    `edgetorch ${cores} threads: matmul ${n}`,
    { group, ...iters },
    on(cores, ours.run as () => void),
  );
  if (tf) {
    const t = tfMatmul(tf, n);
    if (agrees(`tfjs ${n}`, reference, await t.result())) {
      Deno.bench(`tfjs wasm 1 thread: matmul ${n}`, { group, ...iters }, t.run as () => void);
    }
  }
  if (jax) {
    const j = jaxMatmul(n);
    if (agrees(`jax-js ${n}`, reference, await j.result())) {
      Deno.bench(`jax-js wasm: matmul ${n}`, { group, ...iters }, async () => await j.run());
    }
  }
}

for (
  const [name, step] of [["MLP 784-256-10 step", mlpStep()], ["Fashion-MNIST CNN step", cnnStep()]] as const
) {
  for (const t of [...new Set([1, 2, cores])]) {
    Deno.bench(`${name}, ${t} thread${t > 1 ? "s" : ""}`, { group: name, baseline: t === 1 }, on(t, step));
  }
}
