/**
 * Fashion-MNIST: an MLP and a small CNN, with model.train()/eval(), a shuffling DataLoader, a
 * learning-rate schedule and noGrad validation, on the CPU backend or (`--device gpu`) WebGPU.
 *
 *   deno task fashion-mnist [DIR] [--model mlp|cnn|both] [--epochs N] [--limit N] [--device cpu|gpu]
 *
 * DIR holds the four gzipped IDX files; the default is where Debian's dataset-fashion-mnist
 * package puts them. `--limit N` trains on the first N training images (a quick run).
 *
 * The code is the same for both devices: models are built on the CPU (same seed, same weights)
 * and moved with `model.to(device)`, batches with `x.to(device)`; the loss is summed on the device
 * and read back once per epoch (and when the progress bar redraws on a terminal).
 */
import process from "node:process";
import * as torch from "../mod.ts";
import { data, nn, optim } from "../mod.ts";
import { ProgressBar } from "./lib/progress.ts";

const args = process.argv.slice(2);
function flag(name: string, fallback: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
}
const dir = args.find((a, i) => !a.startsWith("--") && (i === 0 || !args[i - 1].startsWith("--"))) ??
  "/usr/share/datasets/fashion-mnist";
const which = flag("model", "both");
const epochs = Number(flag("epochs", "3"));
const limit = Number(flag("limit", "0"));
const minAccuracy = { mlp: Number(flag("min-mlp", "0.85")), cnn: Number(flag("min-cnn", "0.88")) };
const device = flag("device", "cpu") as torch.Device;
if (device !== "cpu" && device !== "gpu") {
  console.error(`--device must be cpu or gpu, got ${device}`);
  process.exit(2);
}
if (device === "gpu" && !(await torch.gpu.isAvailable())) {
  console.error(`--device gpu: no GPU here (${torch.gpu.reason})`);
  process.exit(1);
}

torch.manualSeed(0);
const { Compose, Normalize, ToTensor } = data.transforms;
const normalize = new Compose([new ToTensor(), new Normalize([0.2860], [0.3530])]);
const fullTrain = await data.datasets.FashionMNIST.load(dir, { train: true, transform: normalize });
const testSet = await data.datasets.FashionMNIST.load(dir, { train: false, transform: normalize });
const trainSet = limit > 0
  ? new data.Subset(fullTrain, [...Array(Math.min(limit, fullTrain.length)).keys()])
  : fullTrain;
console.log(`Fashion-MNIST from ${dir}: ${trainSet.length} training, ${testSet.length} test images`);
console.log(`device: ${device}${device === "gpu" ? ` (${torch.gpu.adapterInfo()?.description})` : ""}`);

function mlp(): nn.Module {
  return new nn.Sequential(
    new nn.Flatten(),
    new nn.Linear(784, 256),
    new nn.ReLU(),
    new nn.Dropout(0.1),
    new nn.Linear(256, 128),
    new nn.ReLU(),
    new nn.Linear(128, 10),
  );
}

function cnn(): nn.Module {
  return new nn.Sequential(
    new nn.Conv2d(1, 16, 3, { padding: 1 }),
    new nn.BatchNorm2d(16),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Conv2d(16, 32, 3, { padding: 1 }),
    new nn.BatchNorm2d(32),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Flatten(),
    new nn.Linear(32 * 7 * 7, 128),
    new nn.ReLU(),
    new nn.Linear(128, 10),
  );
}

async function evaluate(model: nn.Module): Promise<number> {
  model.eval();
  const correct = torch.zeros([], { dtype: "int32", device });
  for await (const [xb, yb] of new data.DataLoader(testSet, { batchSize: 500 })) {
    const x = xb.to(device), y = yb.to(device);
    torch.noGrad(() => correct.add_(model(x).argmax(1).eq(y).sum()));
  }
  return (await correct.itemAsync()) / testSet.length;
}

async function train(name: "mlp" | "cnn", model: nn.Module): Promise<number> {
  console.log(`\n${name.toUpperCase()}: ${model.parameters().reduce((n, p) => n + p.numel(), 0)} parameters`);
  model.to(device);
  const loader = new data.DataLoader(trainSet, { batchSize: 64, shuffle: true });
  const optimizer = new optim.Adam(model.parameters(), { lr: 1e-3 });
  const scheduler = new optim.OneCycleLR(optimizer, { maxLr: 3e-3, totalSteps: epochs * loader.length });
  const criterion = new nn.CrossEntropyLoss();
  let accuracy = 0;
  const start = performance.now();
  for (let epoch = 1; epoch <= epochs; epoch++) {
    model.train();
    const bar = new ProgressBar(loader.length, `${name} epoch ${epoch}/${epochs}`);
    const lossSum = torch.zeros([], { device }); // summed on the device: no read-back inside a step
    let seen = 0, step = 0;
    for await (const [xb, yb] of loader) {
      const x = xb.to(device), y = yb.to(device);
      optimizer.zeroGrad();
      const loss = criterion(model(x), y);
      loss.backward();
      optimizer.step();
      scheduler.step();
      torch.noGrad(() => lossSum.add_(loss.mul(y.numel())));
      seen += y.numel();
      if (bar.due(++step)) bar.update(step, { loss: (await lossSum.itemAsync()) / seen });
    }
    const loss = (await lossSum.itemAsync()) / seen;
    accuracy = await evaluate(model);
    bar.finish({ loss, test_acc: accuracy });
  }
  const secs = (performance.now() - start) / 1000;
  console.log(`${name} test accuracy: ${(accuracy * 100).toFixed(2)}% (${secs.toFixed(1)} s on ${device})`);
  return accuracy;
}

let failed = false;
for (const name of which === "both" ? ["mlp", "cnn"] as const : [which as "mlp" | "cnn"]) {
  const accuracy = await train(name, name === "mlp" ? mlp() : cnn());
  if (accuracy < minAccuracy[name]) {
    console.error(`${name}: test accuracy ${accuracy.toFixed(4)} is below ${minAccuracy[name]}`);
    failed = true;
  }
}
if (failed) process.exit(1);
