// Bundle-size entry (b): an nn model trained with an optimizer, `nn` and `optim` imported from
// their own entries (`@edgetorch/torch/nn`, `@edgetorch/torch/optim`), as the README advises for
// bundles: esbuild cannot tree-shake a namespace re-exported by another module (`import { nn }`
// from the main entry keeps every layer: size_training.ts), but does shake one imported directly
// (tools/edge/sizes.ts).
import { randint, randn } from "../../mod.ts";
import * as nn from "../../src/nn/mod.ts";
import * as optim from "../../src/optim/mod.ts";

const model = new nn.Sequential(new nn.Linear(8, 16), new nn.ReLU(), new nn.Linear(16, 3));
const criterion = new nn.CrossEntropyLoss();
const optimizer = new optim.Adam(model.parameters(), { lr: 1e-2 });
const x = randn(32, 8), y = randint(0, 3, [32]);
for (let step = 0; step < 10; step++) {
  optimizer.zeroGrad();
  const loss = criterion(model(x), y);
  loss.backward();
  optimizer.step();
  console.log(step, loss.item());
}
