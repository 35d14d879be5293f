/**
 * nn.init.dirac_ / sparse_ and optim.swaUtils (AveragedModel, SWALR, updateBn) against PyTorch 1.13
 * (tools/fixtures/swa_fixtures.py -> tests/fixtures/swa.json): seeded streams, a seeded SWA run step by
 * step, SWALR's lr sequences.
 */
import * as torch from "../mod.ts";
import { data, nn, optim } from "../mod.ts";
import { assert, assertClose, assertThrowsMsg, fixtureTensor } from "./helpers.ts";

const fx = JSON.parse(await Deno.readTextFile(new URL("./fixtures/swa.json", import.meta.url)));
const { AveragedModel, SWALR, updateBn, updateBnAsync } = optim.swaUtils;

Deno.test("nn.init.sparse_: PyTorch's seeded values and zero pattern, and the stream after it", () => {
  torch.manualSeed(3);
  const w = nn.init.sparse_(torch.empty(6, 4), 0.3, 0.1);
  assert.deepEqual(Array.from(w.dataSync()), Array.from(fixtureTensor(fx.sparse.w).dataSync()));
  assert.deepEqual(
    Array.from(torch.rand(2).dataSync()),
    Array.from(fixtureTensor(fx.sparse.after).dataSync()),
  );
  torch.manualSeed(0);
  assert.deepEqual(nn.init.sparse_(torch.empty(5, 3), 0.5, 1).toArray(), fixtureTensor(fx.sparse2).toArray());
  const g = new torch.Generator(11);
  const a = nn.init.sparse_(torch.empty(4, 4), 0.5, 1, { generator: g });
  const b = nn.init.sparse_(torch.empty(4, 4), 0.5, 1, { generator: new torch.Generator(11) });
  assert.deepEqual(a.toArray(), b.toArray());
  assertThrowsMsg(
    () => nn.init.sparse_(torch.empty(2, 2, 2), 0.5),
    /sparse_: Only tensors with 2 dimensions are supported/,
  );
  assertThrowsMsg(
    () => nn.init.sparse_(torch.empty(2, 2), 1.5),
    /sparse_: sparsity must be a number in \[0, 1\], got 1.5/,
  );
  assertThrowsMsg(
    () => nn.init.sparse_(torch.zeros(2, 2, { dtype: "int32" }), 0.5),
    /expected a floating point tensor/,
  );
});

Deno.test("nn.init.dirac_: PyTorch's deltas for 3-, 4- (groups) and 5-d weights; a conv passes its input through", () => {
  assert.deepEqual(nn.init.dirac_(torch.empty(4, 3, 3)).toArray(), fixtureTensor(fx.dirac["3d"]).toArray());
  assert.deepEqual(
    nn.init.dirac_(torch.empty(6, 2, 3, 2), 2).toArray(),
    fixtureTensor(fx.dirac["4d_groups2"]).toArray(),
  );
  assert.deepEqual(
    nn.init.dirac_(torch.empty(2, 3, 1, 3, 2)).toArray(),
    fixtureTensor(fx.dirac["5d"]).toArray(),
  );
  const x = torch.randn(1, 3, 5, 5);
  const y = torch.F.conv2d(x, nn.init.dirac_(torch.empty(3, 3, 3, 3)), null, { padding: 1 });
  assert.deepEqual(y.toArray(), x.toArray());
  const w = torch.empty(2, 2, 3, { requiresGrad: true });
  nn.init.dirac_(w);
  assert.equal(w.gradFn, null);
  assertThrowsMsg(
    () => nn.init.dirac_(torch.empty(2, 2)),
    /dirac_: Only tensors with 3, 4, or 5 dimensions are supported/,
  );
  assertThrowsMsg(() => nn.init.dirac_(torch.empty(3, 2, 3), 2), /dirac_: dim 0 must be divisible by groups/);
});

Deno.test("SWALR: PyTorch's lr sequences (cos and linear, anneal 0, 1, 3 epochs, one swaLr per group); errors", () => {
  for (const c of fx.swalr) {
    const opt = new optim.SGD([
      { params: [torch.zeros(1, { requiresGrad: true })] },
      { params: [torch.zeros(1, { requiresGrad: true })], lr: 0.5 },
    ], { lr: 1 });
    const s = new SWALR(opt, { swaLr: [0.1, 0.2], annealEpochs: c.annealEpochs, annealStrategy: c.strategy });
    const lrs = [s.getLastLr()];
    for (let i = 0; i < 5; i++) {
      s.step();
      lrs.push(s.getLastLr());
    }
    assertClose(lrs, c.lrs, { atol: 1e-12, rtol: 0 });
    assert.deepEqual(opt.paramGroups.map((g) => g.swaLr), [0.1, 0.2]);
  }
  const opt = new optim.SGD([torch.zeros(1, { requiresGrad: true })], { lr: 1 });
  assertThrowsMsg(
    () => new SWALR(opt, { swaLr: [0.1, 0.2] }),
    /swaLr must have the same length as optimizer.paramGroups: swaLr has 2, optimizer.paramGroups has 1/,
  );
  assertThrowsMsg(
    () => new SWALR(opt, { swaLr: 0.1, annealStrategy: "exp" as never }),
    /annealStrategy must by one of "cos" or "linear", instead got exp/,
  );
  assertThrowsMsg(
    () => new SWALR(opt, { swaLr: 0.1, annealEpochs: 1.5 }),
    /annealEpochs must be equal or greater than 0, got 1.5/,
  );
  assertThrowsMsg(() => new SWALR({} as never, { swaLr: 0.1 }), /SWALR: Object is not an Optimizer/);
  const s = new SWALR(opt, { swaLr: 0.3, annealEpochs: 2 });
  s.step();
  const saved = s.stateDict();
  const again = new SWALR(new optim.SGD([torch.zeros(1, { requiresGrad: true })], { lr: 1 }), {
    swaLr: 0.3,
    annealEpochs: 2,
  });
  again.loadStateDict(saved);
  assert.deepEqual([again.annealEpochs, again.annealStrategy, again.lastEpoch], [2, "cos", 1]);
});

Deno.test("a seeded SWA run reproduces PyTorch step by step: losses, lrs, averaged and EMA weights, updateBn, outputs", () => {
  const r = fx.run;
  torch.manualSeed(0);
  const model = new nn.Sequential(
    new nn.Linear(3, 8),
    new nn.BatchNorm1d(8),
    new nn.ReLU(),
    new nn.Linear(8, 2),
  );
  const opt = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
  const sched = new optim.CosineAnnealingLR(opt, { tMax: 10 });
  const swaModel = new AveragedModel(model);
  const emaModel = new AveragedModel(model, {
    avgFn: (a, p) => a.mul(0.1).add(p.mul(0.9)),
    useBuffers: true,
  });
  const swaSched = new SWALR(opt, { swaLr: 0.05, annealEpochs: 3, annealStrategy: "cos" });
  const X = torch.randn(32, 3), Y = torch.randn(32, 2);
  assert.deepEqual(X.toArray(), fixtureTensor(r.X).toArray());
  const loader = new data.DataLoader(new data.TensorDataset(X, Y), { batchSize: 8, shuffle: true });
  r.epochs.forEach((want: { losses: number[]; lr: number; swa: never[]; ema: never[] }, epoch: number) => {
    const losses: number[] = [];
    for (const [x, y] of loader) {
      opt.zeroGrad();
      const loss = torch.F.mseLoss(model(x), y);
      loss.backward();
      opt.step();
      losses.push(loss.item());
    }
    if (epoch >= 2) {
      swaModel.updateParameters(model);
      emaModel.updateParameters(model);
      swaSched.step();
    } else sched.step();
    assertClose(losses, want.losses, { atol: 1e-5, msg: `epoch ${epoch} losses` });
    assertClose([opt.paramGroups[0].lr], [want.lr], { atol: 1e-12, msg: `epoch ${epoch} lr` });
    swaModel.parameters().forEach((p, i) =>
      assertClose(p, fixtureTensor(want.swa[i]), { atol: 1e-5, msg: `epoch ${epoch} swa param ${i}` })
    );
    [...emaModel.module.parameters(), ...emaModel.module.buffers()].forEach((t, i) =>
      assertClose(t.float(), fixtureTensor(want.ema[i]).float(), {
        atol: 1e-5,
        msg: `epoch ${epoch} ema tensor ${i}`,
      })
    );
  });
  assert.equal(swaModel.nAveraged.item(), r.nAveraged);
  const bn = (swaModel.module as nn.Sequential).at<nn.BatchNorm1d>(1);
  assertClose(bn.runningMean!, fixtureTensor(r.bnBefore.mean), { atol: 1e-6, msg: "copied running mean" });
  updateBn(loader, swaModel);
  assertClose(bn.runningMean!, fixtureTensor(r.bnAfter.mean), { atol: 1e-5, msg: "updateBn mean" });
  assertClose(bn.runningVar!, fixtureTensor(r.bnAfter.var), { atol: 1e-5, msg: "updateBn var" });
  assert.deepEqual([bn.numBatchesTracked!.item(), bn.momentum, swaModel.training], [
    r.bnAfter.tracked,
    r.bnAfter.momentum,
    r.training,
  ]);
  assert.deepEqual(Object.keys(swaModel.stateDict()), r.keys);
  swaModel.eval();
  assertClose(torch.noGrad(() => swaModel(X.index("0:4"))), fixtureTensor(r.out), {
    atol: 1e-5,
    msg: "outputs",
  });
  assert.deepEqual(Array.from(torch.rand(3).dataSync()), Array.from(fixtureTensor(r.after).dataSync()));
});

Deno.test("AveragedModel: a deep copy (tied weights stay tied, buffers copied, the original untouched); stateDict round trip; errors", () => {
  const shared = new nn.Linear(2, 2);
  const model = new nn.Sequential(shared, new nn.BatchNorm1d(2), shared);
  const swa = new AveragedModel(model);
  const copy = swa.module as nn.Sequential;
  assert.ok(copy !== model && copy.at(0) !== shared && copy.at(0) === copy.at(2));
  assert.equal(swa.parameters().length, model.parameters().length);
  torch.noGrad(() => (copy.at<nn.Linear>(0)).weight.fill_(7));
  assert.ok((shared.weight.toArray() as number[][])[0][0] !== 7);
  const bnCopy = copy.at<nn.BatchNorm1d>(1), bn = model.at<nn.BatchNorm1d>(1);
  assert.ok(bnCopy.runningMean !== bn.runningMean);
  model(torch.randn(4, 2)); // trains the original's statistics only
  assert.deepEqual(bnCopy.runningMean!.toArray(), [0, 0]);
  swa.updateParameters(model);
  const sd = swa.stateDict();
  const other = new AveragedModel(model);
  other.loadStateDict(sd);
  assert.equal(other.nAveraged.item(), 1);
  other.updateParameters(model); // the count was loaded: this is the second model, averaged
  assert.equal(other.nAveraged.item(), 2);
  assertThrowsMsg(() => new AveragedModel({} as never), /AveragedModel: expected a Module to average/);
  assertThrowsMsg(() => new AveragedModel(model, { avgFn: 3 as never }), /avgFn must be a function/);
  assertThrowsMsg(() => swa.updateParameters(null as never), /updateParameters: expected a Module, got null/);
});

Deno.test("updateBn: nothing without batch norms, instance norm left alone, momenta and mode restored; async loaders", async () => {
  const lin = new nn.Linear(2, 2);
  updateBn([torch.randn(3, 2)], lin); // no batch norm: nothing to do
  const model = new nn.Sequential(
    new nn.BatchNorm1d(2, { momentum: 0.3 }),
    new nn.InstanceNorm1d(2, { trackRunningStats: true }),
  );
  model.eval();
  const inorm = model.at<nn.InstanceNorm1d>(1);
  const before = inorm.runningMean!.toArray();
  updateBn([[torch.tensor([[[1, 3], [5, 7]]]).float(), "label"]], model);
  const bn = model.at<nn.BatchNorm1d>(0);
  assert.deepEqual([bn.momentum, model.training, inorm.runningMean!.toArray()], [0.3, false, before]);
  assert.deepEqual(bn.runningMean!.toArray(), [2, 6]);
  async function* stream() {
    yield torch.tensor([[0], [2]]).float();
    yield torch.tensor([[4], [6]]).float();
  }
  const bn1 = new nn.BatchNorm1d(1);
  await updateBnAsync(stream(), bn1);
  assert.deepEqual(bn1.runningMean!.toArray(), [3]);
  assertThrowsMsg(() => updateBn(stream() as never, bn1), /only asynchronously iterable; use updateBnAsync/);
  assertThrowsMsg(() => updateBn([], {} as never), /updateBn: expected a Module/);
});
