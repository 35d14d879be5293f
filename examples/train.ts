/**
 * The main example: an MLP learns the embedded 8x8 digits set (1797 images shipped inside the
 * package), with a train/test split, a progress bar per epoch, a saved and reloaded model, and
 * the loss curve written as an SVG plot.
 *
 *   deno task train            (or: bun examples/train.ts)
 *   deno task train --epochs 30 --lr 1e-3 --out ./out
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
);
console.log(String(model));
const criterion = new nn.CrossEntropyLoss();
const optimizer = new optim.Adam(model.parameters(), { lr: Number(flag("lr", "2e-3")) });
const scheduler = new optim.StepLR(optimizer, { stepSize: 10, gamma: 0.5 });

/** Accuracy (fraction correct) of `net` over a loader, without recording gradients. */
function evaluate(net: nn.Module, loader: Iterable<[torch.Tensor, torch.Tensor]>): number {
  net.eval();
  let correct = 0, total = 0;
  torch.noGrad(() => {
    for (const [x, y] of loader) {
      correct += net(x).argmax(1).eq(y).sum().item() as number;
      total += y.numel();
    }
  });
  return correct / total;
}

const trainLosses: number[] = [], testAccuracies: number[] = [];
for (let epoch = 1; epoch <= epochs; epoch++) {
  model.train();
  const bar = new ProgressBar(trainLoader.length, `epoch ${String(epoch).padStart(2)}/${epochs}`);
  let lossSum = 0, correct = 0, seen = 0, step = 0;
  for (const [x, y] of trainLoader) {
    optimizer.zeroGrad();
    const logits = model(x);
    const loss = criterion(logits, y);
    loss.backward();
    optimizer.step();
    lossSum += (loss.item() as number) * y.numel();
    correct += torch.noGrad(() => logits.argmax(1).eq(y).sum().item() as number);
    seen += y.numel();
    bar.update(++step, { loss: lossSum / seen, acc: correct / seen });
  }
  scheduler.step();
  const testAcc = evaluate(model, testLoader);
  trainLosses.push(lossSum / seen);
  testAccuracies.push(testAcc);
  bar.finish({ loss: lossSum / seen, acc: correct / seen, test_acc: testAcc });
}

const accuracy = evaluate(model, testLoader);
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
const reloadedAccuracy = evaluate(reloaded, testLoader);
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
