/**
 * PyTorch tutorials ported line for line: with the same seed they must print the same losses, step
 * by step. Expected values: tools/fixtures/tutorial_ports.py (PyTorch 1.13).
 */
import * as torch from "../mod.ts";
import { nn, optim, type Tensor } from "../mod.ts";
import { assert, assertCloseAsync } from "./helpers.ts";
import { deviceTest } from "./devices.ts";

const fixture = JSON.parse(
  await Deno.readTextFile(new URL("./fixtures/tutorial_ports.json", import.meta.url)),
);

// "Text classification with the torchtext library": the model, its init_weights and its training loop.
class TextClassificationModel extends nn.Module {
  embedding: nn.EmbeddingBag;
  fc: nn.Linear;
  constructor(vocabSize: number, embedDim: number, numClass: number) {
    super();
    this.embedding = new nn.EmbeddingBag(vocabSize, embedDim);
    this.fc = new nn.Linear(embedDim, numClass);
    this.initWeights();
  }
  initWeights(): void {
    const initrange = 0.5;
    this.embedding.weight.data.uniform_(-initrange, initrange);
    this.fc.weight.data.uniform_(-initrange, initrange);
    this.fc.bias!.data.zero_();
  }
  override forward(text: Tensor, offsets: Tensor): Tensor {
    return this.fc.forward(this.embedding.forward(text, offsets));
  }
}

/** The tutorial's collate_batch: the token ids end to end, each bag's offset, the labels. */
function collate(texts: number[][], labels: number[], device: torch.Device): [Tensor, Tensor, Tensor] {
  const offsets = [0];
  for (const t of texts.slice(0, -1)) offsets.push(offsets[offsets.length - 1] + t.length);
  return [torch.tensor(texts.flat(), { device }), torch.tensor(offsets), torch.tensor(labels, { device })];
}

deviceTest(
  "tutorial port: text classification (EmbeddingBag, clip_grad_norm_, StepLR) reproduces PyTorch's losses",
  async (device) => {
    const f = fixture.text_classification;
    torch.manualSeed(0);
    const model = new TextClassificationModel(f.vocab, f.embed, f.classes).to(device);
    const criterion = new nn.CrossEntropyLoss();
    const optimizer = new optim.SGD(model.parameters(), { lr: 5 });
    const scheduler = new optim.lrScheduler.StepLR(optimizer, { stepSize: 1, gamma: 0.1 });
    const losses: Tensor[] = [], lrs: number[] = [], accuracies: number[] = [];
    for (let epoch = 0; epoch < f.epochs; epoch++) {
      model.train();
      for (let i = 0; i < f.train.texts.length; i += f.batch) {
        const [text, offsets, label] = collate(
          f.train.texts.slice(i, i + f.batch),
          f.train.labels.slice(i, i + f.batch),
          device,
        );
        optimizer.zeroGrad();
        const loss = criterion.forward(model.forward(text, offsets), label);
        loss.backward();
        nn.utils.clipGradNorm_(model.parameters(), 0.1);
        optimizer.step();
        losses.push(loss.detach());
      }
      model.eval();
      const correct = torch.noGrad(() => {
        const [text, offsets, label] = collate(f.test.texts, f.test.labels, device);
        return model.forward(text, offsets).argmax(1).eq(label).sum();
      });
      accuracies.push((await correct.itemAsync()) / f.test.labels.length);
      scheduler.step();
      lrs.push(optimizer.paramGroups[0].lr);
    }
    await assertCloseAsync(torch.stack(losses), f.losses, { rtol: 2e-5, atol: 1e-6, msg: "losses" });
    assert.deepEqual(
      lrs.map((v) => Number(v.toPrecision(12))),
      f.lrs.map((v: number) => Number(v.toPrecision(12))),
    );
    assert.deepEqual(accuracies, f.accuracies);
    await assertCloseAsync(model.fc.weight.flatten(), f.final_fc_weight, {
      rtol: 1e-4,
      atol: 1e-5,
      msg: "fc weight",
    });
  },
);
