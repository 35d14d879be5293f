// deno-lint-ignore-file no-import-prefix
/**
 * Convolution and pooling, the layers of a Fashion-MNIST-sized CNN (batch 64): edgetorch's
 * front end (im2col + batched matmul on the wasm backend, autograd for the backward) against
 * TensorFlow.js's wasm backend (XNNPACK), single-threaded, in one run.
 *
 *   deno bench -A bench/conv_bench.ts
 *
 * edgetorch is NCHW, TensorFlow.js NHWC (its native layout); both compute the same convolution.
 * TensorFlow.js's wasm backend has no Conv2DBackpropFilter kernel, so it cannot compute a weight
 * gradient (it cannot train a CNN): its "fwd+bwd" rows time the forward pass plus the input
 * gradient only (Conv2DBackpropInput), and the first layer, whose backward is the weight
 * gradient alone, has no TensorFlow.js row. edgetorch's rows include every gradient the layer
 * needs in training (input, weight, bias for the inner layer; weight and bias for the first).
 *
 * TensorFlow.js's rows dispose their results; edgetorch's "in torch.scope" rows do the same
 * (the scope releases the step's tensors and the previous gradients when it ends), so those two
 * compare kernels. The "results dropped" rows leave the results to the garbage collector, as a
 * loop without scope or dispose does: in one synchronous loop the finalizers cannot run, so the
 * resident cache fills and every new result spills an old one out of wasm memory.
 */
import * as tf from "npm:@tensorflow/tfjs-core@4.22.0";
import { setThreadsCount, setWasmPaths } from "npm:@tensorflow/tfjs-backend-wasm@4.22.0";
import * as torch from "../mod.ts";
import type { Tensor } from "../mod.ts";
import { rand } from "./bench_data.ts";

setThreadsCount(1);
setWasmPaths(new URL("../node_modules/@tensorflow/tfjs-backend-wasm/dist/", import.meta.url).href);
await tf.setBackend("wasm");
await tf.ready();
if (tf.getBackend() !== "wasm") throw new Error("TensorFlow.js wasm backend did not load");

const B = 64;

const numel = (s: number[]) => s.reduce((a, b) => a * b, 1);

/**
 * Registers one edgetorch case twice in `group`: inside `torch.scope` (the baseline, releasing
 * like tfjs's dispose) and with its results dropped to the garbage collector.
 */
function benchScopedAndDropped(group: string, what: string, step: () => void): void {
  Deno.bench({ name: `edgetorch in torch.scope${what}`, group, baseline: true, fn: () => torch.scope(step) });
  Deno.bench({ name: `edgetorch, results dropped${what}`, group, fn: step });
}

interface ConvLayer {
  name: string;
  cin: number;
  cout: number;
  hw: number;
  /** Whether the layer's input needs a gradient (false for the first layer: it is the image). */
  inputGrad: boolean;
}

const LAYERS: ConvLayer[] = [
  { name: "conv2d [64, 1, 28, 28] 1->16 3x3 pad 1", cin: 1, cout: 16, hw: 28, inputGrad: false },
  { name: "conv2d [64, 16, 14, 14] 16->32 3x3 pad 1", cin: 16, cout: 32, hw: 14, inputGrad: true },
];

for (const l of LAYERS) {
  const xShape = [B, l.cin, l.hw, l.hw], wShape = [l.cout, l.cin, 3, 3], yShape = [B, l.cout, l.hw, l.hw];
  const xData = rand(numel(xShape), 1), wData = rand(numel(wShape), 2), gData = rand(numel(yShape), 3);
  const x = torch.tensor(xData).reshape(xShape);
  const w = torch.tensor(wData).reshape(wShape);
  const b = torch.tensor(rand(l.cout, 4));
  const g = torch.tensor(gData).reshape(yShape);
  // TensorFlow.js: NHWC input, HWIO filter (same values, permuted).
  const tx = tf.transpose(tf.tensor4d(xData, [B, l.cin, l.hw, l.hw]), [0, 2, 3, 1]) as tf.Tensor4D;
  const tw = tf.transpose(tf.tensor4d(wData, [l.cout, l.cin, 3, 3]), [2, 3, 1, 0]) as tf.Tensor4D;
  const tb = tf.tensor1d(rand(l.cout, 4));
  const tg = tf.transpose(tf.tensor4d(gData, [B, l.cout, l.hw, l.hw]), [0, 2, 3, 1]) as tf.Tensor4D;
  const fwd = `${l.name}: forward`;
  benchScopedAndDropped(fwd, "", () => void torch.noGrad(() => torch.conv2d(x, w, b, { padding: 1 })));
  Deno.bench({
    name: "tfjs wasm (XNNPACK, 1 thread)",
    group: fwd,
    fn: () => tf.fused.conv2d({ x: tx, filter: tw, strides: 1, pad: "same", bias: tb }).dispose(),
  });
  const both = `${l.name}: forward + backward`;
  const grads = `${l.inputGrad ? "input, " : ""}weight, bias`;
  const xi: Tensor = l.inputGrad ? x.detach().requiresGrad_() : x;
  const wi = w.detach().requiresGrad_(), bi = b.detach().requiresGrad_();
  benchScopedAndDropped(both, `: forward + grads of ${grads}`, () => {
    xi.grad = wi.grad = bi.grad = null;
    torch.conv2d(xi, wi, bi, { padding: 1 }).backward(g);
  });
  if (l.inputGrad) {
    Deno.bench({
      name: "tfjs wasm: forward + input grad only (no weight-grad kernel)",
      group: both,
      fn: () => {
        tf.fused.conv2d({ x: tx, filter: tw, strides: 1, pad: "same", bias: tb }).dispose();
        tf.conv2dTranspose(tg, tw, [B, l.hw, l.hw, l.cin], 1, "same").dispose();
      },
    });
  }
}

{
  const shape = [B, 16, 28, 28];
  const data = rand(numel(shape), 5);
  const x = torch.tensor(data).reshape(shape);
  const g = torch.tensor(rand(numel([B, 16, 14, 14]), 6)).reshape([B, 16, 14, 14]);
  const tx = tf.transpose(tf.tensor4d(data, [B, 16, 28, 28]), [0, 2, 3, 1]) as tf.Tensor4D;
  const tg = tf.transpose(tf.tensor4d(g.dataSync() as Float32Array, [B, 16, 14, 14]), [
    0,
    2,
    3,
    1,
  ]) as tf.Tensor4D;
  for (const kind of ["max", "avg"] as const) {
    const pool = (t: Tensor) => (kind === "max" ? torch.maxPool2d(t, 2) : torch.avgPool2d(t, 2));
    const tpool = (
      t: tf.Tensor4D,
    ) => (kind === "max" ? tf.maxPool(t, 2, 2, "valid") : tf.avgPool(t, 2, 2, "valid"));
    const fwd = `${kind}Pool2d 2x2 [64, 16, 28, 28]: forward`;
    benchScopedAndDropped(fwd, "", () => void torch.noGrad(() => pool(x)));
    Deno.bench({ name: "tfjs wasm (XNNPACK, 1 thread)", group: fwd, fn: () => tpool(tx).dispose() });
    const both = `${kind}Pool2d 2x2 [64, 16, 28, 28]: forward + backward`;
    const xi = x.detach().requiresGrad_();
    benchScopedAndDropped(both, "", () => {
      xi.grad = null;
      pool(xi).backward(g);
    });
    Deno.bench({
      name: "tfjs wasm (XNNPACK, 1 thread)",
      group: both,
      fn: () => {
        const y = tpool(tx);
        const attrs = { filterSize: 2, strides: 2, pad: "valid" as const };
        const gx = kind === "max"
          ? tf.engine().runKernel("MaxPoolGrad", { dy: tg, input: tx, output: y }, attrs)
          : tf.engine().runKernel("AvgPoolGrad", { dy: tg, input: tx }, attrs);
        y.dispose();
        (gx as tf.Tensor).dispose();
      },
    });
  }
}

// Transposed convolution, a DCGAN generator's upsampling step: [64, 32, 7, 7] -> [64, 16, 14, 14],
// kernel 4, stride 2, padding 1 (tfjs: conv2dTranspose, NHWC).
{
  const xShape = [B, 32, 7, 7], wShape = [32, 16, 4, 4];
  const xData = rand(numel(xShape), 7), wData = rand(numel(wShape), 8);
  const x = torch.tensor(xData).reshape(xShape), w = torch.tensor(wData).reshape(wShape);
  const tx = tf.transpose(tf.tensor4d(xData, [B, 32, 7, 7]), [0, 2, 3, 1]) as tf.Tensor4D;
  // tfjs's filter for conv2dTranspose is [kH, kW, outChannels, inChannels].
  const tw = tf.transpose(tf.tensor4d(wData, [32, 16, 4, 4]), [2, 3, 1, 0]) as tf.Tensor4D;
  const group = "convTranspose2d [64, 32, 7, 7] 32->16 4x4 stride 2 pad 1: forward";
  benchScopedAndDropped(
    group,
    "",
    () => void torch.noGrad(() => torch.F.convTranspose2d(x, w, null, { stride: 2, padding: 1 })),
  );
  Deno.bench({
    name: "tfjs wasm (XNNPACK, 1 thread)",
    group,
    fn: () => tf.conv2dTranspose(tx, tw, [B, 14, 14, 16], 2, 1).dispose(),
  });
}
