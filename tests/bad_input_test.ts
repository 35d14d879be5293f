/**
 * Bad input, op family by op family: every error names the op the user called (the message
 * starts with `op:`), so it reaches the reader who can fix it. Each row is a call with one thing
 * wrong (shape, dim, dtype, type of an argument, value); the tables run on both devices with the
 * tensors on the device under test.
 */
import * as torch from "../mod.ts";
import type { Device } from "../mod.ts";
import { F, nn, optim } from "../mod.ts";
import { assert } from "./helpers.ts";
import { deviceTest } from "./devices.ts";

type Row = [op: string, call: () => unknown];

/** Runs every row: each must throw (or reject) an Error whose message starts with `op:`. */
async function expectNamed(family: string, rows: Row[]): Promise<void> {
  const failures: string[] = [];
  for (const [op, call] of rows) {
    let error: unknown = null;
    try {
      const r = call();
      if (r instanceof torch.Tensor) await r.toArrayAsync();
      else if (r instanceof Promise) await r;
    } catch (e) {
      error = e;
    }
    if (error === null) failures.push(`${op}: did not throw (${call.toString().slice(0, 80)})`);
    else if (!(error instanceof Error)) failures.push(`${op}: threw a non-Error ${String(error)}`);
    else if (!error.message.startsWith(`${op}:`)) {
      failures.push(
        `${op}: message does not name the op: ${error.constructor.name}: ${error.message.slice(0, 160)}`,
      );
    }
  }
  assert.equal(
    failures.length,
    0,
    `${family}: ${failures.length} of ${rows.length} rows:\n${failures.join("\n")}`,
  );
}

// deno-lint-ignore no-explicit-any
const bad = (v: unknown) => v as any;

function tensors(d: Device) {
  const o = { device: d };
  return {
    x: torch.arange(6, { dtype: "float32", device: d }).reshape(2, 3),
    i: torch.tensor([[1, 2, 3], [4, 5, 6]], o),
    b: torch.tensor([true, false], o),
    v: torch.tensor([1, 2, 3], { dtype: "float32", device: d }),
    img: torch.ones([1, 2, 5, 5], o),
    o,
  };
}

deviceTest("bad input: creation", async (d) => {
  const o = { device: d };
  await expectNamed("creation", [
    ["tensor", () => torch.tensor(bad("abc"), o)],
    ["tensor", () => torch.tensor([[1, 2], [3]], o)],
    ["tensor", () => torch.tensor(bad([1, null]), o)],
    ["tensor", () => torch.tensor([1], { ...o, dtype: bad("complex128") })],
    ["tensor", () => torch.tensor([1e10 + 1], o)],
    ["zeros", () => torch.zeros(-1, o)],
    ["zeros", () => torch.zeros(1.5, o)],
    ["ones", () => torch.ones(bad("3"), o)],
    ["full", () => torch.full([2], 3e9, { ...o, dtype: "int32" })],
    ["arange", () => torch.arange(0, 10, 0, o)],
    ["arange", () => torch.arange(bad("a"), o)],
    ["arange", () => torch.arange(10, 0, 1, o)],
    ["arange", () => torch.arange(0, Infinity, o)],
    ["linspace", () => torch.linspace(0, 1, -1, o)],
    ["eye", () => torch.eye(-2, o)],
    ["rand", () => torch.rand([2], { ...o, dtype: "int32" })],
    ["randint", () => torch.randint(5, 1, [2], o)],
    ["randint", () => torch.randint(1.5, [2], o)],
    ["randperm", () => torch.randperm(-1, o)],
    ["tensor", () => torch.tensor([1], { device: bad("tpu") })],
  ]);
});

deviceTest("bad input: elementwise and pointwise", async (d) => {
  const { x, i, b, v } = tensors(d);
  await expectNamed("elementwise", [
    ["add", () => x.add(torch.ones([4], { device: d }))],
    ["add", () => x.add(bad("1"))],
    ["add", () => x.add(bad(null))],
    ["sub", () => x.sub(bad([1, 2]))],
    ["mul", () => x.mul(torch.ones([2, 2], { device: d }))],
    ["div", () => x.div(bad({}))],
    ["pow", () => i.pow(-1)],
    ["clamp", () => x.clamp()],
    ["clamp", () => x.clamp(bad("0"), 1)],
    ["where", () => torch.where(bad(x), x, x)],
    ["where", () => torch.where(b, x, x)],
    ["maximum", () => x.maximum(torch.ones([5], { device: d }))],
    ["eq", () => x.eq(torch.ones([4], { device: d }))],
    ["lerp", () => v.lerp(torch.ones([2], { device: d }), 0.5)],
    ["logicalAnd", () => b.logicalAnd(torch.tensor([true, false, true], { device: d }))],
    ["addcmul", () => v.addcmul(v, torch.ones([4], { device: d }))],
  ]);
});

deviceTest("bad input: reductions", async (d) => {
  const { x, i } = tensors(d);
  await expectNamed("reductions", [
    ["sum", () => x.sum(2)],
    ["sum", () => x.sum(bad("1"))],
    ["sum", () => x.sum([0, 0])],
    ["sum", () => x.sum({ dim: 0, keepdim: bad("yes") })],
    ["mean", () => i.mean()],
    ["mean", () => x.mean(-3)],
    ["max", () => torch.zeros([0], { device: d }).max()],
    ["argmax", () => x.argmax(5)],
    ["softmax", () => x.softmax(bad("1"))],
    ["logSoftmax", () => x.logSoftmax(3)],
    ["cumsum", () => x.cumsum(4)],
    ["var", () => x.var(7)],
    ["std", () => x.std(bad("0"))],
    ["logsumexp", () => x.logsumexp(9)],
    ["norm", () => x.norm(2, 5)],
  ]);
});

deviceTest("bad input: movement and indexing", async (d) => {
  const { x, i, v } = tensors(d);
  const idx = torch.tensor([0, 1], { device: d });
  await expectNamed("movement", [
    ["view", () => x.view(4, 2)],
    ["reshape", () => x.reshape(4, -1, -1)],
    ["reshape", () => x.reshape(5)],
    ["transpose", () => x.transpose(0, 2)],
    ["permute", () => x.permute(0, 0)],
    ["permute", () => x.permute(0)],
    ["squeeze", () => x.squeeze(3)],
    ["unsqueeze", () => x.unsqueeze(4)],
    ["expand", () => x.expand(3, 3)],
    ["flatten", () => x.flatten(2)],
    ["index", () => x.index(5)],
    ["index", () => x.index("a:b")],
    ["index", () => x.index(torch.tensor([0.5], { device: d }))],
    ["index", () => x.index([5])],
    ["index", () => x.index(0, 0, 0)],
    ["narrow", () => x.narrow(1, 2, 5)],
    ["split", () => x.split(0)],
    ["chunk", () => x.chunk(0)],
    ["cat", () => torch.cat([x, torch.ones([2, 2, 2], { device: d })])],
    ["cat", () => torch.cat([])],
    ["stack", () => torch.stack([x, v])],
    ["gather", () => x.gather(0, torch.tensor([[5, 0, 0]], { device: d }))],
    ["gather", () => x.gather(0, x)],
    ["indexSelect", () => x.indexSelect(1, torch.tensor([3], { device: d }))],
    ["indexSelect", () => x.indexSelect(0, idx.float())],
    [
      "scatterAdd",
      () => x.scatterAdd(0, torch.tensor([[9, 0, 0]], { device: d }), torch.ones([1, 3], { device: d })),
    ],
    ["flip", () => x.flip([3])],
    ["roll", () => x.roll(1, 5)],
    ["repeat", () => x.repeat(1)],
    ["tril", () => v.tril()],
    ["oneHot", () => F.oneHot(i.float(), 3)],
    ["oneHot", () => F.oneHot(torch.tensor([4], { device: d }), 3)],
    ["maskedFill", () => x.maskedFill(torch.ones([2, 3], { device: d }), 0)],
    ["pad", () => F.pad(x, [1, 2, 3])],
    ["movedim", () => x.movedim(0, 4)],
    ["diagonal", () => v.diagonal()],
    ["einsum", () => torch.einsum("ij,jk->ik", x, x)],
    ["einsum", () => torch.einsum("ij->", x, x)],
    ["repeatInterleave", () => x.repeatInterleave([1, 2, 3], 0)],
    ["repeatInterleave", () => x.repeatInterleave(-1)],
    ["repeatInterleave", () => x.repeatInterleave(1.5)],
    ["repeatInterleave", () => x.repeatInterleave(torch.tensor([1.5], { device: d }), 0)],
    ["repeatInterleave", () => torch.repeatInterleave(x)],
    ["meshgrid", () => torch.meshgrid([x])],
    ["meshgrid", () => torch.meshgrid([])],
    ["meshgrid", () => torch.meshgrid([v, i.flatten()])],
    ["meshgrid", () => torch.meshgrid([v], { indexing: bad("yx") })],
    ["padSequence", () => torch.nn.utils.rnn.padSequence([])],
    ["padSequence", () => torch.nn.utils.rnn.padSequence([x, v])],
    ["padSequence", () => torch.nn.utils.rnn.padSequence([torch.tensor(1, { device: d })])],
    ["padSequence", () => torch.nn.utils.rnn.padSequence([v], { paddingValue: bad("0") })],
  ]);
});

deviceTest("bad input: matmul, sort, conv and pooling", async (d) => {
  const { x, img, v } = tensors(d);
  const w = torch.ones([3, 2, 3, 3], { device: d });
  await expectNamed("matmul/sort/conv", [
    ["matmul", () => x.matmul(x)],
    ["matmul", () => v.matmul(torch.ones([4], { device: d }))],
    ["mm", () => torch.mm(v, x)],
    ["bmm", () => torch.bmm(x, x)],
    ["dot", () => torch.dot(v, torch.ones([2], { device: d }))],
    ["outer", () => torch.outer(x, v)],
    ["sort", () => x.sort(3)],
    ["topk", () => v.topk(5)],
    ["conv2d", () => torch.conv2d(img, torch.ones([3, 3, 3, 3], { device: d }))],
    ["conv2d", () => torch.conv2d(img, w, null, { stride: 0 })],
    ["conv2d", () => torch.conv2d(img, w, null, { padding: -1 })],
    ["conv2d", () => torch.conv2d(x, w)],
    ["conv2d", () => torch.conv2d(img, w, torch.ones([2], { device: d }))],
    ["conv1d", () => torch.conv1d(img, w)],
    ["maxPool2d", () => torch.maxPool2d(img, 7)],
    ["maxPool2d", () => torch.maxPool2d(img, 2, { padding: 2 })],
    ["avgPool2d", () => torch.avgPool2d(x, 2)],
    ["adaptiveAvgPool2d", () => F.adaptiveAvgPool2d(img, 0)],
    ["interpolate", () => F.interpolate(img, { size: [2, 2], scaleFactor: 2 })],
    ["interpolate", () => F.interpolate(img, { mode: bad("cubic"), scaleFactor: 2 })],
  ]);
});

deviceTest("bad input: losses and activations", async (d) => {
  const { x, v } = tensors(d);
  const logits = torch.zeros([2, 3], { device: d });
  await expectNamed("losses", [
    ["mseLoss", () => F.mseLoss(x, v)],
    ["mseLoss", () => F.mseLoss(x, x, { reduction: bad("avg") })],
    ["l1Loss", () => F.l1Loss(x, bad(3))],
    ["crossEntropy", () => F.crossEntropy(logits, torch.tensor([0, 3], { device: d }))],
    ["crossEntropy", () => F.crossEntropy(logits, torch.tensor([0], { device: d }))],
    [
      "crossEntropy",
      () => F.crossEntropy(logits, torch.tensor([0, 1], { device: d }), { labelSmoothing: 2 }),
    ],
    ["nllLoss", () => F.nllLoss(logits, torch.tensor([-1, 0], { device: d }))],
    [
      "binaryCrossEntropy",
      () =>
        F.binaryCrossEntropy(
          torch.tensor([0.5, 2], { device: d }),
          torch.tensor([1, 0], { dtype: "float32", device: d }),
        ),
    ],
    [
      "binaryCrossEntropy",
      () =>
        F.binaryCrossEntropy(
          torch.tensor([1, 0], { device: d }),
          torch.tensor([1, 0], { dtype: "float32", device: d }),
        ),
    ],
    ["binaryCrossEntropyWithLogits", () => F.binaryCrossEntropyWithLogits(v, torch.ones([2], { device: d }))],
    ["softmax", () => F.softmax(x, 4)],
    ["embedding", () => F.embedding(torch.tensor([5], { device: d }), x)],
    ["embedding", () => F.embedding(v, x)],
    ["dropout", () => F.dropout(x, 1.5)],
    ["layerNorm", () => F.layerNorm(x, [4])],
    ["linear", () => F.linear(x, torch.ones([2, 2], { device: d }))],
  ]);
});

deviceTest("bad input: modules, optimizers and save/load", async (d) => {
  const { x } = tensors(d);
  const lin = new nn.Linear(3, 2).to(d);
  await expectNamed("nn/optim/io", [
    ["Linear", () => new nn.Linear(-1, 2)],
    ["linear", () => lin(torch.ones([2, 4], { device: d }))], // the module runs F.linear
    ["Conv2d", () => new nn.Conv2d(3, 4, 0)],
    ["Embedding", () => new nn.Embedding(0.5, 2)],
    ["Error(s) in loading state_dict for Linear", () => lin.loadStateDict({ weight: torch.ones([5, 5]) })], // as PyTorch
    ["SGD", () => new optim.SGD(lin.parameters(), { lr: -1 })],
    ["Adam", () => new optim.Adam(lin.parameters(), { betas: [2, 0.9] })],
    ["Adam", () => new optim.Adam(lin.parameters(), bad({ learningRate: 0.1 }))],
    ["saveBytes", () => torch.saveBytes(bad(5))],
    ["saveBytes", () => torch.saveBytes({ a: bad(new Map()) })],
    ["loadBytes", () => torch.loadBytes(new Uint8Array([1, 2, 3]))],
    ["loadBytes", () => torch.loadBytes(bad("not bytes"))],
    ["load", () => torch.load("/nonexistent/edgetorch.safetensors")],
    ["item", () => x.item()],
    ["backward", () => x.sum().backward()],
    ["to", () => x.to(bad("tpu"))],
  ]);
});
