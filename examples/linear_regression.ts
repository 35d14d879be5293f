/**
 * The seed program: fit y = 2x + 3 + noise with nn.Linear, MSELoss and SGD, printing the same
 * lines as its PyTorch original.
 *
 *   deno task linear-regression        (or: bun examples/linear_regression.ts)
 *   deno task linear-regression --device gpu
 *
 * With `--device gpu` the data are drawn on the CPU (the same seeded values) and moved with
 * `.to(device)`, as is the model; the loss is read back (`await loss.itemAsync()`) only on the
 * epochs that print it.
 */
import process from "node:process";
import * as torch from "../mod.ts";
import { nn, optim } from "../mod.ts";

const i = process.argv.indexOf("--device");
const device = (i >= 0 ? process.argv[i + 1] : "cpu") as torch.Device;
if (device !== "cpu" && device !== "gpu") {
  console.error(`--device must be cpu or gpu, got ${device}`);
  process.exit(2);
}
if (device === "gpu" && !(await torch.gpu.isAvailable())) {
  console.error(`--device gpu: no GPU here (${torch.gpu.reason})`);
  process.exit(1);
}

torch.manualSeed(314);

// Data: 100 points, x in [0, 10), y = 2x + 3 + N(0, 1).
const X = torch.rand(100, 1).mul(10);
const y = X.mul(2).add(3).add(torch.randn(100, 1));
const Xd = X.to(device), yd = y.to(device);

const model = new nn.Linear(1, 1).to(device);
const criterion = new nn.MSELoss();
const optimizer = new optim.SGD(model.parameters(), { lr: 0.01 });

const numEpochs = 1000;
for (let epoch = 0; epoch < numEpochs; epoch++) {
  optimizer.zeroGrad();
  const outputs = model(Xd);
  const loss = criterion(outputs, yd);
  loss.backward();
  optimizer.step();
  if ((epoch + 1) % 100 === 0) {
    console.log(`Epoch ${epoch + 1}/${numEpochs}, Loss: ${(await loss.itemAsync()).toFixed(4)}`);
  }
}

const weight = await model.weight.itemAsync(), bias = await model.bias!.itemAsync();
console.log(`Learned weight: ${weight.toFixed(2)}, bias: ${bias.toFixed(2)}`);
