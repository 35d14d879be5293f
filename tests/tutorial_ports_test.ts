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

// "NLP From Scratch: Classifying Names with a Character-Level RNN": the module, lineToTensor and train().
class CharRNN extends nn.Module {
  hiddenSize: number;
  i2h: nn.Linear;
  i2o: nn.Linear;
  softmax: nn.LogSoftmax;
  constructor(inputSize: number, hiddenSize: number, outputSize: number) {
    super();
    this.hiddenSize = hiddenSize;
    this.i2h = new nn.Linear(inputSize + hiddenSize, hiddenSize);
    this.i2o = new nn.Linear(inputSize + hiddenSize, outputSize);
    this.softmax = new nn.LogSoftmax(1);
  }
  override forward(input: Tensor, hidden: Tensor): [Tensor, Tensor] {
    const combined = torch.cat([input, hidden], 1);
    const next = this.i2h.forward(combined);
    const output = this.softmax.forward(this.i2o.forward(combined));
    return [output, next];
  }
  initHidden(device: torch.Device): Tensor {
    return torch.zeros([1, this.hiddenSize], { device });
  }
}

function lineToTensor(line: string, letters: string, device: torch.Device): Tensor {
  const tensor = torch.zeros(line.length, 1, letters.length);
  for (let li = 0; li < line.length; li++) tensor.index(li, 0, letters.indexOf(line[li])).fill_(1);
  return tensor.to(device);
}

deviceTest(
  "tutorial port: character-level RNN name classifier (manual p.data.add_ updates) reproduces PyTorch's losses",
  async (device) => {
    const f = fixture.char_rnn;
    torch.manualSeed(0);
    const rnn = new CharRNN(f.letters.length, f.hidden, f.languages.length).to(device);
    const criterion = new nn.NLLLoss();
    const losses: Tensor[] = [];
    for (const [category, line] of f.train as [number, string][]) {
      const categoryTensor = torch.tensor([category], { device });
      const lineTensor = lineToTensor(line, f.letters, device);
      let hidden = rnn.initHidden(device);
      rnn.zeroGrad();
      let output!: Tensor;
      for (let i = 0; i < lineTensor.shape[0]; i++) {
        [output, hidden] = rnn.forward(lineTensor.index(i), hidden);
      }
      const loss = criterion.forward(output, categoryTensor);
      loss.backward();
      for (const p of rnn.parameters()) p.data.add_(p.grad!.data, { alpha: -f.lr });
      losses.push(loss.detach());
    }
    await assertCloseAsync(torch.stack(losses), f.losses, { rtol: 1e-5, atol: 1e-6, msg: "losses" });
    const guesses: number[] = [];
    for (const [, line] of f.test as [number, string][]) {
      const out = torch.noGrad(() => {
        let hidden = rnn.initHidden(device);
        let output!: Tensor;
        const lineTensor = lineToTensor(line, f.letters, device);
        for (let i = 0; i < lineTensor.shape[0]; i++) {
          [output, hidden] = rnn.forward(lineTensor.index(i), hidden);
        }
        return output.topk(1).indices;
      });
      guesses.push((await out.toArrayAsync() as number[][])[0][0]);
    }
    assert.deepEqual(guesses, f.guesses);
  },
);
