// Bundle-size entry (b'): program (b) (size_training_entries.ts) importing `{ nn, optim }` from
// the main entry, which keeps all of `nn` and `optim` in an esbuild bundle (tools/edge/sizes.ts).
import { nn, optim, randint, randn } from "../../mod.ts";

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
