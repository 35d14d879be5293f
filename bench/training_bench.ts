// deno-lint-ignore-file no-import-prefix
/**
 * Whole training steps (forward, backward, optimizer update) on the CPU: the digits MLP of
 * `deno task train`, the Fashion-MNIST CNN of `deno task fashion-mnist` and an LSTM classifier, next to
 * TensorFlow.js's wasm backend (single-threaded) doing the same model in the same process.
 *
 *   deno bench -A bench/training_bench.ts
 *
 * TensorFlow.js's wasm backend has no kernels for convolution gradients, so its CNN case
 * reports the error it raises instead of a time (see bench/README.md).
 */
// The union package registers the gradient functions that tfjs-core alone leaves out.
import * as tf from "npm:@tensorflow/tfjs@4.22.0";
import { setThreadsCount, setWasmPaths } from "npm:@tensorflow/tfjs-backend-wasm@4.22.0";
import * as torch from "../mod.ts";
import { nn, optim } from "../mod.ts";

setThreadsCount(1);
setWasmPaths(new URL("../node_modules/@tensorflow/tfjs-backend-wasm/dist/", import.meta.url).href);
await tf.setBackend("wasm");
await tf.ready();

torch.manualSeed(0);

// ---- digits MLP: 64 -> 128 -> 64 -> 10, batch 32, Adam ----
const mlp = new nn.Sequential(
  new nn.Linear(64, 128),
  new nn.ReLU(),
  new nn.Linear(128, 64),
  new nn.ReLU(),
  new nn.Linear(64, 10),
);
const mlpOpt = new optim.Adam(mlp.parameters(), { lr: 1e-3 });
const ce = new nn.CrossEntropyLoss();
const xd = torch.rand(32, 64), yd = torch.randint(0, 10, [32]);

Deno.bench("digits MLP train step (batch 32)", { group: "digits MLP step", baseline: true }, () => {
  mlpOpt.zeroGrad();
  ce(mlp(xd), yd).backward();
  mlpOpt.step();
});

// The same step in a torch.scope: its temporaries (and the previous step's gradients) are
// released at the end of the step instead of by the garbage collector, as tf.tidy does for tfjs.
Deno.bench("digits MLP train step in torch.scope (batch 32)", { group: "digits MLP step" }, () => {
  torch.scope(() => {
    mlpOpt.zeroGrad();
    ce(mlp(xd), yd).backward();
    mlpOpt.step();
  });
});

function tfDense(inF: number, outF: number): [tf.Variable, tf.Variable] {
  const bound = 1 / Math.sqrt(inF);
  return [tf.variable(tf.randomUniform([inF, outF], -bound, bound)), tf.variable(tf.zeros([outF]))];
}
const tfMlp = [tfDense(64, 128), tfDense(128, 64), tfDense(64, 10)];
const tfMlpOpt = tf.train.adam(1e-3);
const txd = tf.randomUniform([32, 64]), tyd = tf.oneHot(tf.tensor1d(Array.from(yd.dataSync()), "int32"), 10);

Deno.bench("tfjs-wasm digits MLP train step (batch 32)", { group: "digits MLP step" }, () => {
  tfMlpOpt.minimize(() => {
    let h: tf.Tensor = txd;
    tfMlp.forEach(([w, b], i) => {
      h = tf.add(tf.matMul(h, w), b);
      if (i < tfMlp.length - 1) h = tf.relu(h);
    });
    return tf.losses.softmaxCrossEntropy(tyd, h) as tf.Scalar;
  });
});

// ---- Fashion-MNIST CNN: conv(1->16) relu pool conv(16->32) relu pool linear(1568->128) relu linear(128->10), batch 64, Adam ----
const cnn = new nn.Sequential(
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
const cnnOpt = new optim.Adam(cnn.parameters(), { lr: 1e-3 });
const xf = torch.rand(64, 1, 28, 28), yf = torch.randint(0, 10, [64]);

Deno.bench(
  "Fashion-MNIST CNN train step (batch 64)",
  { group: "Fashion-MNIST CNN step", baseline: true },
  () => {
    cnnOpt.zeroGrad();
    ce(cnn(xf), yf).backward();
    cnnOpt.step();
  },
);

const tfConv = (inC: number, outC: number) =>
  [
    tf.variable(tf.randomUniform([3, 3, inC, outC], -0.1, 0.1)),
    tf.variable(tf.zeros([outC])),
  ] as [tf.Variable, tf.Variable];
const tfCnn = {
  c1: tfConv(1, 16),
  c2: tfConv(16, 32),
  d1: tfDense(32 * 7 * 7, 128),
  d2: tfDense(128, 10),
};
const tfCnnOpt = tf.train.adam(1e-3);
const txf = tf.randomUniform([64, 28, 28, 1]),
  tyf = tf.oneHot(tf.tensor1d(Array.from(yf.dataSync()), "int32"), 10);
function tfCnnStep(): void {
  tfCnnOpt.minimize(() => {
    let h: tf.Tensor4D = txf as tf.Tensor4D;
    for (const [w, b] of [tfCnn.c1, tfCnn.c2]) {
      h = tf.maxPool(tf.relu(tf.add(tf.conv2d(h, w as tf.Tensor4D, 1, "same"), b)), 2, 2, "valid");
    }
    let f: tf.Tensor = tf.reshape(h, [64, 32 * 7 * 7]);
    f = tf.relu(tf.add(tf.matMul(f, tfCnn.d1[0]), tfCnn.d1[1]));
    f = tf.add(tf.matMul(f, tfCnn.d2[0]), tfCnn.d2[1]);
    return tf.losses.softmaxCrossEntropy(tyf, f) as tf.Scalar;
  });
}
let tfCnnError: string | null = null;
try {
  tfCnnStep();
} catch (e) {
  tfCnnError = (e as Error).message;
}
if (tfCnnError === null) {
  Deno.bench(
    "tfjs-wasm Fashion-MNIST CNN train step (batch 64)",
    { group: "Fashion-MNIST CNN step" },
    tfCnnStep,
  );
} else {
  console.log(`tfjs-wasm cannot train the CNN: ${tfCnnError}`);
}

// ---- LSTM: sequences of 20 steps of 16 features, hidden 64, batch 32, last state -> 10 classes ----
const lstm = new nn.LSTM(16, 64, { batchFirst: true });
const lstmHead = new nn.Linear(64, 10);
const lstmOpt = new optim.Adam([...lstm.parameters(), ...lstmHead.parameters()], { lr: 1e-3 });
const xs = torch.randn(32, 20, 16), ys = torch.randint(0, 10, [32]);

Deno.bench(
  "LSTM train step in torch.scope (batch 32, 20 steps)",
  { group: "LSTM step", baseline: true },
  () => {
    torch.scope(() => {
      lstmOpt.zeroGrad();
      const [out] = lstm(xs);
      ce(lstmHead(out.index(":", -1)), ys).backward();
      lstmOpt.step();
    });
  },
);

// The same model in tfjs-layers (its LSTM cell runs on the wasm backend), trained with tf.tidy.
const tfLstm = tf.sequential({
  layers: [tf.layers.lstm({ units: 64, inputShape: [20, 16] }), tf.layers.dense({ units: 10 })],
});
const tfLstmOpt = tf.train.adam(1e-3);
const txs = tf.tensor3d(xs.dataSync() as Float32Array, [32, 20, 16]);
const tys = tf.oneHot(tf.tensor1d(Array.from(ys.dataSync()), "int32"), 10);
Deno.bench("tfjs-wasm LSTM train step (batch 32, 20 steps)", { group: "LSTM step" }, () => {
  tf.tidy(() => {
    tfLstmOpt.minimize(() => tf.losses.softmaxCrossEntropy(tys, tfLstm.apply(txs) as tf.Tensor) as tf.Scalar);
  });
});
