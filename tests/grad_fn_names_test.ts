/**
 * grad_fn names match PyTorch 1.13's for every loss (each reduction), the common layers and
 * activations, and the tensor ops a ported program prints: the expected names come from
 * tools/fixtures/autograd_ext_fixtures.py (grad_fn_names), built there under the same keys. The
 * losses recorded as one node (MSE, smooth L1, Huber) are checked against PyTorch's values and
 * gradients to second order, on both devices.
 */
import * as torch from "../mod.ts";
import { F, nn } from "../mod.ts";
import type { Tensor } from "../mod.ts";
import { assert, assertCloseAsync } from "./helpers.ts";
import { deviceTest } from "./devices.ts";

const fx = JSON.parse(await Deno.readTextFile(new URL("./fixtures/autograd_ext.json", import.meta.url)));
const expected: Record<string, string> = fx.grad_fn_names;

type Case = () => Tensor;
type Callable = (...args: Tensor[]) => Tensor;

function cases(): Record<string, Case> {
  torch.manualSeed(0);
  const x = torch.randn([4, 3], { requiresGrad: true });
  const t = torch.randn(4, 3);
  const p = torch.rand([4, 3], { requiresGrad: true });
  const tb = torch.rand(4, 3).round();
  const cls = torch.tensor([0, 2, 1, 2]);
  const x3 = torch.randn([2, 4, 3], { requiresGrad: true });
  const img = torch.randn([2, 3, 8, 8], { requiresGrad: true });
  const seq = torch.randn([5, 2, 3], { requiresGrad: true });
  const sgn = torch.tensor([1, -1, 1, -1], { dtype: "float32" });
  const c: Record<string, Case> = {};
  for (const reduction of ["mean", "sum", "none"] as const) {
    const o = { reduction };
    c[`MSELoss ${reduction}`] = () => new nn.MSELoss(o)(x, t);
    c[`L1Loss ${reduction}`] = () => new nn.L1Loss(o)(x, t);
    c[`SmoothL1Loss ${reduction}`] = () => new nn.SmoothL1Loss(o)(x, t);
    c[`HuberLoss ${reduction}`] = () => new nn.HuberLoss(o)(x, t);
    c[`BCELoss ${reduction}`] = () => new nn.BCELoss(o)(p, tb);
    c[`BCEWithLogitsLoss ${reduction}`] = () => new nn.BCEWithLogitsLoss(o)(x, tb);
    c[`NLLLoss ${reduction}`] = () => new nn.NLLLoss(o)(F.logSoftmax(x, 1), cls);
    c[`CrossEntropyLoss ${reduction}`] = () => new nn.CrossEntropyLoss(o)(x, cls);
    c[`CrossEntropyLoss probabilities ${reduction}`] = () => new nn.CrossEntropyLoss(o)(x, F.softmax(t, 1));
    c[`CrossEntropyLoss smoothing ${reduction}`] = () =>
      new nn.CrossEntropyLoss({ ...o, labelSmoothing: 0.1 })(x, cls);
    c[`KLDivLoss ${reduction}`] = () => new nn.KLDivLoss(o)(F.logSoftmax(x, 1), F.softmax(t, 1));
    c[`SoftMarginLoss ${reduction}`] = () => new nn.SoftMarginLoss(o)(x, tb.mul(2).sub(1));
    c[`MultiLabelSoftMarginLoss ${reduction}`] = () => new nn.MultiLabelSoftMarginLoss(o)(x, tb);
    c[`HingeEmbeddingLoss ${reduction}`] = () => new nn.HingeEmbeddingLoss(o)(x, tb.mul(2).sub(1));
    c[`MultiMarginLoss ${reduction}`] = () => new nn.MultiMarginLoss(o)(x, cls);
    c[`CosineEmbeddingLoss ${reduction}`] = () => new nn.CosineEmbeddingLoss(o)(x, t, sgn);
    c[`MarginRankingLoss ${reduction}`] = () =>
      new nn.MarginRankingLoss(o)(x.index(":", 0), x.index(":", 1), sgn);
    c[`TripletMarginLoss ${reduction}`] = () => new nn.TripletMarginLoss(o)(x, t, p);
    c[`PoissonNLLLoss ${reduction}`] = () => new nn.PoissonNLLLoss(o)(x, t.abs());
    c[`GaussianNLLLoss ${reduction}`] = () => new nn.GaussianNLLLoss(o)(x, t, p.add(0.1));
  }
  c["NLLLoss 4-d"] = () => new nn.NLLLoss()(F.logSoftmax(img, 1), torch.zeros([2, 8, 8], { dtype: "int32" }));
  c["CrossEntropyLoss weight"] = () =>
    new nn.CrossEntropyLoss({ weight: torch.tensor([1, 2, 3], { dtype: "float32" }) })(x, cls);
  c["KLDivLoss batchmean"] = () =>
    new nn.KLDivLoss({ reduction: "batchmean" })(F.logSoftmax(x, 1), F.softmax(t, 1));
  c["Linear 2-d"] = () => new nn.Linear(3, 2)(x);
  c["Linear 3-d"] = () => new nn.Linear(3, 2)(x3);
  c["Linear no bias 2-d"] = () => new nn.Linear(3, 2, { bias: false })(x);
  c["Linear no bias 3-d"] = () => new nn.Linear(3, 2, { bias: false })(x3);
  c["F.linear"] = () => F.linear(x, torch.randn(2, 3), torch.randn(2));
  c["Conv2d"] = () => new nn.Conv2d(3, 4, 3)(img);
  c["Conv1d"] = () => new nn.Conv1d(4, 2, 2)(x3);
  c["ConvTranspose2d"] = () => new nn.ConvTranspose2d(3, 2, 3)(img);
  c["BatchNorm2d"] = () => new nn.BatchNorm2d(3)(img);
  c["BatchNorm1d"] = () => new nn.BatchNorm1d(3)(x);
  c["BatchNorm2d eval"] = () => new nn.BatchNorm2d(3).eval()(img);
  c["LayerNorm"] = () => new nn.LayerNorm(3)(x);
  c["GroupNorm"] = () => new nn.GroupNorm(1, 3)(img);
  c["InstanceNorm2d"] = () => new nn.InstanceNorm2d(3)(img);
  c["Embedding"] = () => new nn.Embedding(5, 3)(torch.tensor([1, 2]));
  c["MaxPool2d"] = () => new nn.MaxPool2d(2)(img);
  c["AvgPool2d"] = () => new nn.AvgPool2d(2)(img);
  c["AdaptiveAvgPool2d 1"] = () => new nn.AdaptiveAvgPool2d(1)(img);
  c["AdaptiveAvgPool2d 3"] = () => new nn.AdaptiveAvgPool2d(3)(img);
  c["AdaptiveMaxPool2d 3"] = () => new nn.AdaptiveMaxPool2d(3)(img);
  c["Dropout"] = () => new nn.Dropout(0.5)(x);
  c["Flatten"] = () => new nn.Flatten()(img);
  const acts: Record<string, () => unknown> = {
    ReLU: () => new nn.ReLU(),
    ReLU6: () => new nn.ReLU6(),
    LeakyReLU: () => new nn.LeakyReLU(),
    ELU: () => new nn.ELU(),
    SELU: () => new nn.SELU(),
    CELU: () => new nn.CELU(),
    GELU: () => new nn.GELU(),
    "GELU tanh": () => new nn.GELU({ approximate: "tanh" }),
    SiLU: () => new nn.SiLU(),
    Mish: () => new nn.Mish(),
    Sigmoid: () => new nn.Sigmoid(),
    Tanh: () => new nn.Tanh(),
    Softplus: () => new nn.Softplus(),
    Softsign: () => new nn.Softsign(),
    Hardtanh: () => new nn.Hardtanh(),
    Hardsigmoid: () => new nn.Hardsigmoid(),
    Hardswish: () => new nn.Hardswish(),
    LogSigmoid: () => new nn.LogSigmoid(),
    Softmax: () => new nn.Softmax(1),
    LogSoftmax: () => new nn.LogSoftmax(1),
    Softmin: () => new nn.Softmin(1),
    PReLU: () => new nn.PReLU(),
    Tanhshrink: () => new nn.Tanhshrink(),
    Softshrink: () => new nn.Softshrink(),
    Hardshrink: () => new nn.Hardshrink(),
    Threshold: () => new nn.Threshold(0.1, 0),
    GLU: () => new nn.GLU(0),
  };
  for (const [k, m] of Object.entries(acts)) c[k] = () => (m() as Callable)(x);
  c["F.normalize"] = () => F.normalize(x);
  c["F.cosine_similarity"] = () => F.cosineSimilarity(x, x.detach().add(1));
  c["F.pairwise_distance"] = () => F.pairwiseDistance(x, x.detach().add(1));
  c["RNN output"] = () => new nn.RNN(3, 4)(seq)[0];
  c["LSTM output"] = () => new nn.LSTM(3, 4)(seq)[0];
  c["GRU output"] = () => new nn.GRU(3, 4)(seq)[0];
  c["MultiheadAttention output"] = () => new nn.MultiheadAttention(3, 1)(seq, seq, seq)[0];
  c["F.pad reflect"] = () => F.pad(img, [1, 1, 1, 1], { mode: "reflect" });
  c["F.pad replicate"] = () => F.pad(img, [1, 1, 1, 1], { mode: "replicate" });
  c["F.pad constant"] = () => F.pad(img, [1, 1]);
  c["F.pad reflect 1-d"] = () => F.pad(x3, [1, 1], { mode: "reflect" });
  c["F.interpolate nearest"] = () => F.interpolate(img, { scaleFactor: 2 });
  c["F.interpolate nearest size"] = () => F.interpolate(img, { size: [16, 16] });
  c["F.interpolate bilinear"] = () => F.interpolate(img, { scaleFactor: 2, mode: "bilinear" });
  c["F.interpolate nearest 1-d"] = () => F.interpolate(x3, { scaleFactor: 2 });
  const w = torch.randn(3, 2);
  Object.assign(c, {
    "sum()": () => x.sum(),
    "sum(1)": () => x.sum(1),
    "mean()": () => x.mean(),
    "mean(1)": () => x.mean(1),
    "max()": () => x.max(),
    "max(1)": () => x.max(1).values,
    "min()": () => x.min(),
    "prod()": () => x.prod(),
    "prod(1)": () => x.prod(1),
    "norm()": () => x.norm(),
    "norm(dim)": () => x.norm(2, 1),
    "clamp(min)": () => x.clamp(0),
    "clamp(min, max)": () => x.clamp(-1, 1),
    "matmul 2-d": () => x.matmul(w),
    "matmul 1-d": () => x.index(0).matmul(x.index(1)),
    "matmul matrix-vector": () => x.matmul(x.index(0)),
    "matmul batched": () => x3.matmul(torch.randn(2, 3, 5)),
    "matmul batched by matrix": () => x3.matmul(w),
    "mm": () => x.mm(w),
    "bmm": () => torch.bmm(x3, torch.randn(2, 3, 5)),
    "stack": () => torch.stack([x, x]),
    "cat": () => torch.cat([x, x]),
    "t()": () => x.t(),
    "T": () => x.T,
    "squeeze()": () => x.unsqueeze(0).squeeze(),
    "squeeze(0)": () => x.unsqueeze(0).squeeze(0),
    "reshape view": () => x.reshape(12),
    "reshape copy": () => x.t().reshape(12),
    "flatten copy": () => x.t().flatten(),
    "view": () => x.view(12),
    "narrow": () => x.narrow(0, 1, 2),
    "unbind": () => x.unbind(1)[0],
    "split": () => x.split(2)[0],
    "chunk": () => x.chunk(2)[0],
    "x[0]": () => x.index(0),
    "x[1:]": () => x.index("1:"),
    "x[:, 1]": () => x.index(":", 1),
    "x[None]": () => x.index(null),
    "repeat": () => x.repeat(2, 1),
    "flip": () => x.flip(0),
    "roll": () => x.roll(1, 0),
    "tril": () => x.tril(),
    "triu": () => x.triu(),
    "masked_fill": () => x.maskedFill(x.gt(0), 0),
    "to(float16)": () => x.to("float16"),
    "log1p": () => x.log1p(),
    "lerp": () => torch.lerp(x, t, 0.5),
    "addcmul": () => torch.addcmul(x, x, x),
    "addcdiv": () => torch.addcdiv(x, x, p.add(1)),
    "trunc": () => x.trunc(),
    "frac": () => x.frac(),
    "tan": () => x.tan(),
    "log2": () => p.log2(),
    "log10": () => p.log10(),
    "exp2": () => x.exp2(),
    "expm1": () => x.expm1(),
    "diag": () => x.index(0).diag(),
    "trace": () => x.index(":3").trace(),
    "movedim": () => x3.movedim(0, -1),
    "tile": () => x.tile([2]),
    "outer": () => torch.outer(x.index(0), x.index(1)),
    "dot": () => torch.dot(x.index(0), x.index(1)),
    "cumsum": () => x.cumsum(1),
    "logsumexp": () => x.logsumexp(1),
    "softmax": () => x.softmax(1),
    "where": () => torch.where(x.gt(0), x, t),
    "gather": () => x.gather(1, torch.tensor([[0], [1], [2], [0]])),
    "index_select": () => x.indexSelect(0, torch.tensor([1])),
    "sort": () => x.sort(1).values,
    "topk": () => x.topk(2).values,
    "amax": () => x.amax(1),
    "var": () => x.var(),
    "std": () => x.std(1),
  });
  return c;
}

Deno.test("grad_fn names match PyTorch 1.13 for the losses, layers and tensor ops", () => {
  const c = cases();
  const wrong: string[] = [];
  for (const [key, name] of Object.entries(expected)) {
    assert.ok(c[key], `no edgetorch case for "${key}"`);
    const got = c[key]().gradFn?.name ?? "none";
    if (got !== name) wrong.push(`${key}: ${got} (PyTorch: ${name})`);
  }
  assert.deepEqual(wrong, [], `${wrong.length} of ${Object.keys(expected).length} names differ`);
});

deviceTest(
  "MSE / smooth L1 / Huber losses are one node each: PyTorch's values, gradients, second order",
  async (device) => {
    const f = fx.loss_nodes;
    const on = (v: number[]) => torch.tensor(v, { dtype: "float32" }).reshape(3, 4).to(device);
    for (const c of f.cases) {
      const x = on(f.x).requiresGrad_(), t = on(f.t).requiresGrad_(), w = on(f.w);
      const reduction = c.reduction as "mean" | "sum" | "none";
      const loss = c.name === "mse"
        ? F.mseLoss(x, t, { reduction })
        : c.name === "smoothL1"
        ? F.smoothL1Loss(x, t, { reduction, beta: 1.5 })
        : F.huberLoss(x, t, { reduction, delta: 0.7 });
      const msg = `${c.name} ${reduction}`;
      // The node's inputs are the user's input and target: nothing between them and the loss.
      assert.deepEqual(loss.gradFn!.next, [x, t], msg);
      await assertCloseAsync(loss.flatten(), c.loss, { msg });
      const scalar = reduction === "none" ? loss.mul(w).sum() : loss;
      const [gx, gt] = torch.autograd.grad(scalar, [x, t], { createGraph: true });
      await assertCloseAsync(gx!.flatten(), c.gradX, { msg: `${msg} grad input` });
      await assertCloseAsync(gt!.flatten(), c.gradT, { msg: `${msg} grad target` });
      const [g2] = torch.autograd.grad(gx!.mul(w).sum(), x);
      await assertCloseAsync(g2!.flatten(), c.second, { msg: `${msg} second order` });
    }
  },
);

Deno.test("grad_fn names: a renamed final node keeps its formula (values and gradients unchanged)", () => {
  const x = torch.tensor([[0.5, -1.5], [2.0, 0.25]], { requiresGrad: true });
  const t = torch.tensor([[1.0, -1.0], [0.0, 0.5]]);
  const loss = F.mseLoss(x, t);
  assert.equal(String(loss.gradFn), "<MseLossBackward0>");
  loss.backward();
  assert.deepEqual(x.grad!.toArray(), [[-0.25, -0.25], [1, -0.125]]);
});
