// deno-lint-ignore-file no-import-prefix
/**
 * The plain PyTorch-style loop (no scope, no dispose) against the same work in `torch.scope`, and
 * TensorFlow.js's wasm backend (one thread) where it can do the work, one group per row of the
 * plain-loop issue: training steps (batch 64, SGD with momentum) of an MLP 784-256-10, the digits
 * MLP 64-64-10 and a small CNN, and a conv2d forward.
 *
 *   deno bench -A bench/plain_loop_bench.ts
 *
 * PyTorch cannot run inside `deno bench`: `deno run -A bench/plain_loop.ts` prints the same rows
 * with PyTorch 1.13 (one thread) measured in the same run.
 */
import * as tf from "npm:@tensorflow/tfjs@4.22.0";
import { setThreadsCount, setWasmPaths } from "npm:@tensorflow/tfjs-backend-wasm@4.22.0";
import * as torch from "../mod.ts";
import { nn, optim } from "../mod.ts";

setThreadsCount(1);
setWasmPaths(new URL("../node_modules/@tensorflow/tfjs-backend-wasm/dist/", import.meta.url).href);
await tf.setBackend("wasm");
await tf.ready();

function trainStep(model: nn.Module, x: torch.Tensor): () => void {
  const y = torch.randint(0, 10, [x.shape[0]]);
  const opt = new optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  return () => {
    opt.zeroGrad();
    const loss = nn.functional.crossEntropy(model(x), y);
    loss.backward();
    opt.step();
  };
}

/** Registers `step` as the plain loop (the baseline) and inside torch.scope. */
function plainAndScoped(group: string, step: () => void): void {
  Deno.bench({ name: `${group}: edgetorch plain loop`, group, baseline: true, fn: step });
  Deno.bench({ name: `${group}: edgetorch in torch.scope`, group, fn: () => torch.scope(step) });
}

torch.manualSeed(0);
const mlp = (inp: number, hidden: number) =>
  new nn.Sequential(new nn.Linear(inp, hidden), new nn.ReLU(), new nn.Linear(hidden, 10));

for (
  const [group, inp, hidden] of [["MLP 784-256-10 step", 784, 256], [
    "digits MLP 64-64-10 step",
    64,
    64,
  ]] as const
) {
  plainAndScoped(group, trainStep(mlp(inp, hidden), torch.randn(64, inp)));
  const dense = (i: number, o: number) => {
    const bound = 1 / Math.sqrt(i);
    return [tf.variable(tf.randomUniform([i, o], -bound, bound)), tf.variable(tf.zeros([o]))];
  };
  const layers = [dense(inp, hidden), dense(hidden, 10)];
  const x = tf.randomUniform([64, inp]), y = tf.oneHot(tf.randomUniform([64], 0, 10, "int32"), 10);
  const opt = tf.train.momentum(0.01, 0.9);
  Deno.bench({
    name: `${group}: tfjs-wasm (minimize tidies)`,
    group,
    fn: () =>
      void opt.minimize(() => {
        const h = tf.relu(tf.add(tf.matMul(x, layers[0][0]), layers[0][1]));
        return tf.losses.softmaxCrossEntropy(
          y,
          tf.add(tf.matMul(h, layers[1][0]), layers[1][1]),
        ) as tf.Scalar;
      }),
  });
}

const cnn = new nn.Sequential(
  new nn.Conv2d(1, 8, 3, { padding: 1 }),
  new nn.ReLU(),
  new nn.MaxPool2d(2),
  new nn.Conv2d(8, 16, 3, { padding: 1 }),
  new nn.ReLU(),
  new nn.MaxPool2d(2),
  new nn.Flatten(),
  new nn.Linear(16 * 7 * 7, 10),
);
plainAndScoped("CNN step (tfjs-wasm cannot train a CNN)", trainStep(cnn, torch.randn(64, 1, 28, 28)));

const cx = torch.randn(64, 1, 28, 28), cw = torch.randn(16, 1, 3, 3), cb = torch.randn(16);
plainAndScoped(
  "conv2d forward [64, 1, 28, 28] 1->16 3x3 (results dropped)",
  () => void torch.noGrad(() => torch.conv2d(cx, cw, cb, { padding: 1 })),
);
