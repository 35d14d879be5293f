/**
 * The main example: an MLP learns the embedded 8x8 digits set (1797 images shipped inside the
 * package), with a train/test split, a progress bar per epoch, a saved and reloaded model, and
 * the loss curve written as an SVG plot.
 *
 *   deno task train            (or: bun examples/train.ts)
 *   deno task train --epochs 30 --lr 1e-3 --out ./out
 *   deno task train --device gpu
 *
 * `--device gpu` trains the same model with the same code on the WebGPU backend: the model is
 * built on the CPU (same seed, same initial weights) and moved with `model.to(device)`, each batch
 * with `x.to(device)`. The running loss and accuracy are summed on the device and read back once
 * per epoch (and when the progress bar redraws on a terminal), never inside a step.
 */
import process from "node:process";
import { mkdir, writeFile } from "node:fs/promises";
import * as torch from "../mod.ts";
import { data, nn, optim } from "../mod.ts";
import { ProgressBar } from "./lib/progress.ts";
import { linePlotSvg } from "./lib/plot.ts";

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}
const epochs = Number(flag("epochs", "20"));
const outDir = flag("out", "out");
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
const digits = await data.datasets.Digits.load();
const [trainSet, testSet] = data.randomSplit(digits, [0.8, 0.2]);
const trainLoader = new data.DataLoader(trainSet, { batchSize: 32, shuffle: true });
const testLoader = new data.DataLoader(testSet, { batchSize: 256 });
console.log(`digits: ${trainSet.length} training and ${testSet.length} test images of 8x8 pixels`);

const model = new nn.Sequential(
  new nn.Flatten(),
  new nn.Linear(64, 128),
  new nn.ReLU(),
  new nn.Linear(128, 64),
  new nn.ReLU(),
  new nn.Linear(64, 10),
).to(device);
console.log(String(model));
console.log(`device: ${device}${device === "gpu" ? ` (${torch.gpu.adapterInfo()?.description})` : ""}`);
const criterion = new nn.CrossEntropyLoss();
const optimizer = new optim.Adam(model.parameters(), { lr: Number(flag("lr", "2e-3")) });
const scheduler = new optim.StepLR(optimizer, { stepSize: 10, gamma: 0.5 });

/** Accuracy (fraction correct) of `net` over a loader, without recording gradients. */
async function evaluate(
  net: nn.Module,
  loader: AsyncIterable<[torch.Tensor, torch.Tensor]>,
): Promise<number> {
  net.eval();
  const correct = torch.zeros([], { dtype: "int32", device });
  let total = 0;
  for await (const [xb, yb] of loader) {
    const x = xb.to(device), y = yb.to(device);
    torch.noGrad(() => correct.add_(net(x).argmax(1).eq(y).sum()));
    total += y.numel();
  }
  return (await correct.itemAsync()) / total;
}

const trainLosses: number[] = [], testAccuracies: number[] = [];
const start = performance.now();
for (let epoch = 1; epoch <= epochs; epoch++) {
  model.train();
  const bar = new ProgressBar(trainLoader.length, `epoch ${String(epoch).padStart(2)}/${epochs}`);
  // [summed loss, correct predictions], accumulated on the device: no read-back inside a step.
  const totals = torch.zeros([2], { device });
  let seen = 0, step = 0;
  const stats = async () => {
    const [lossSum, correct] = await totals.toArrayAsync() as number[];
    return { loss: lossSum / seen, acc: correct / seen };
  };
  for await (const [xb, yb] of trainLoader) {
    const x = xb.to(device), y = yb.to(device);
    optimizer.zeroGrad();
    const logits = model(x);
    const loss = criterion(logits, y);
    loss.backward();
    optimizer.step();
    torch.noGrad(() => {
      totals.add_(torch.stack([loss.mul(y.numel()), logits.argmax(1).eq(y).sum().float()]));
    });
    seen += y.numel();
    if (bar.due(++step)) bar.update(step, await stats());
  }
  scheduler.step();
  const epochStats = await stats();
  const testAcc = await evaluate(model, testLoader);
  trainLosses.push(epochStats.loss);
  testAccuracies.push(testAcc);
  bar.finish({ ...epochStats, test_acc: testAcc });
}
console.log(`trained ${epochs} epochs on ${device} in ${((performance.now() - start) / 1000).toFixed(1)} s`);

const accuracy = await evaluate(model, testLoader);
console.log(`test accuracy: ${(accuracy * 100).toFixed(2)}%`);

await mkdir(outDir, { recursive: true });
const modelPath = `${outDir}/digits_mlp.safetensors`;
await torch.save(model.stateDict(), modelPath);
const reloaded = new nn.Sequential(
  new nn.Flatten(),
  new nn.Linear(64, 128),
  new nn.ReLU(),
  new nn.Linear(128, 64),
  new nn.ReLU(),
  new nn.Linear(64, 10),
);
reloaded.loadStateDict(await torch.load(modelPath));
reloaded.to(device);
const reloadedAccuracy = await evaluate(reloaded, testLoader);
console.log(`saved ${modelPath}; reloaded model's test accuracy: ${(reloadedAccuracy * 100).toFixed(2)}%`);

const plotPath = `${outDir}/digits_loss.svg`;
await writeFile(
  plotPath,
  linePlotSvg("digits MLP", "epoch", [
    { name: "train loss", values: trainLosses, color: "#d62728" },
    { name: "test accuracy", values: testAccuracies, color: "#1f77b4" },
  ]),
);
console.log(`wrote ${plotPath}`);

if (reloadedAccuracy !== accuracy) {
  console.error("the reloaded model does not reproduce the trained model's accuracy");
  process.exit(1);
}
if (accuracy < 0.95) {
  console.error(`test accuracy ${accuracy} is below the 95% this example promises`);
  process.exit(1);
}
