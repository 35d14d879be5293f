/**
 * The seed program: fit y = 2x + 3 + noise with nn.Linear, MSELoss and SGD, printing the same
 * lines as its PyTorch original.
 *
 *   deno task linear-regression        (or: bun examples/linear_regression.ts)
 */
import * as torch from "../mod.ts";
import { nn, optim } from "../mod.ts";

torch.manualSeed(314);

// Data: 100 points, x in [0, 10), y = 2x + 3 + N(0, 1).
const X = torch.rand(100, 1).mul(10);
const y = X.mul(2).add(3).add(torch.randn(100, 1));

const model = new nn.Linear(1, 1);
const criterion = new nn.MSELoss();
const optimizer = new optim.SGD(model.parameters(), { lr: 0.01 });

const numEpochs = 1000;
for (let epoch = 0; epoch < numEpochs; epoch++) {
  optimizer.zeroGrad();
  const outputs = model(X);
  const loss = criterion(outputs, y);
  loss.backward();
  optimizer.step();
  if ((epoch + 1) % 100 === 0) {
    console.log(`Epoch ${epoch + 1}/${numEpochs}, Loss: ${(loss.item() as number).toFixed(4)}`);
  }
}

const weight = model.weight.item() as number, bias = model.bias!.item() as number;
console.log(`Learned weight: ${weight.toFixed(2)}, bias: ${bias.toFixed(2)}`);
