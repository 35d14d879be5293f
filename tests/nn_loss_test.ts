/** Losses against PyTorch fixtures (tools/fixtures/nn_fixtures.py), gradcheck, and their errors. */
import * as torch from "../mod.ts";
import * as nn from "../src/nn/mod.ts";
import { F } from "../src/nn/mod.ts";
import { assert, assertClose, assertThrowsMsg, gradcheck } from "./helpers.ts";

interface FixtureTensor {
  shape: number[];
  dtype: "float32" | "int32";
  values: (number | string)[];
}
interface LossCase {
  id: string;
  fn: string;
  kwargs: Record<string, unknown>;
  input: FixtureTensor;
  target: FixtureTensor;
  output: FixtureTensor;
  proj: FixtureTensor;
  grad: FixtureTensor;
}

const fixtures = JSON.parse(
  Deno.readTextFileSync(new URL("./fixtures/nn_loss.json", import.meta.url)),
) as { cases: LossCase[] };

function fromFixture(t: FixtureTensor, opts: { requiresGrad?: boolean } = {}): torch.Tensor {
  const values = t.values.map((v) => (typeof v === "string" ? Number(v.replace("inf", "Infinity")) : v));
  return torch.tensor(values, { dtype: t.dtype }).reshape(t.shape).requiresGrad_(opts.requiresGrad ?? false);
}

function isFixtureTensor(v: unknown): v is FixtureTensor {
  return v !== null && typeof v === "object" && "values" in (v as object);
}

type LossFn = (input: torch.Tensor, target: torch.Tensor, opts: Record<string, unknown>) => torch.Tensor;
const functions: Record<string, LossFn> = {
  mseLoss: F.mseLoss as LossFn,
  l1Loss: F.l1Loss as LossFn,
  smoothL1Loss: F.smoothL1Loss as LossFn,
  huberLoss: F.huberLoss as LossFn,
  crossEntropy: F.crossEntropy as LossFn,
  nllLoss: F.nllLoss as LossFn,
  binaryCrossEntropy: F.binaryCrossEntropy as LossFn,
  binaryCrossEntropyWithLogits: F.binaryCrossEntropyWithLogits as LossFn,
  klDivLoss: F.klDivLoss as LossFn,
};
// deno-lint-ignore no-explicit-any
const modules: Record<string, new (opts: any) => nn.Module> = {
  mseLoss: nn.MSELoss,
  l1Loss: nn.L1Loss,
  smoothL1Loss: nn.SmoothL1Loss,
  huberLoss: nn.HuberLoss,
  crossEntropy: nn.CrossEntropyLoss,
  nllLoss: nn.NLLLoss,
  binaryCrossEntropy: nn.BCELoss,
  binaryCrossEntropyWithLogits: nn.BCEWithLogitsLoss,
  klDivLoss: nn.KLDivLoss,
};

const TOL = { rtol: 1e-4, atol: 1e-5 };

for (const c of fixtures.cases) {
  Deno.test(`loss ${c.id}: value and input gradient match PyTorch (function and module)`, () => {
    const kwargs = Object.fromEntries(
      Object.entries(c.kwargs).map(([k, v]) => [k, isFixtureTensor(v) ? fromFixture(v) : v]),
    );
    const target = fromFixture(c.target);
    for (const form of ["function", "module"] as const) {
      const x = fromFixture(c.input, { requiresGrad: true });
      const out = form === "function"
        ? functions[c.fn](x, target, kwargs)
        : new modules[c.fn](kwargs)(x, target);
      assertClose(out, fromFixture(c.output), { ...TOL, msg: `${c.id} (${form}) output` });
      out.mul(fromFixture(c.proj)).sum().backward();
      assertClose(x.grad!, fromFixture(c.grad), { ...TOL, msg: `${c.id} (${form}) grad` });
    }
  });
}

Deno.test("losses pass gradcheck (input, and target where differentiable)", () => {
  const x = torch.tensor([[0.3, -1.2, 2.0], [1.1, 0.4, -0.7]], { requiresGrad: true });
  const y = torch.tensor([[0.5, -1.0, 0.2], [1.5, 0.35, 0.1]], { requiresGrad: true });
  gradcheck((a, b) => F.mseLoss(a, b), [x, y]);
  gradcheck((a, b) => F.smoothL1Loss(a, b, { beta: 0.5 }), [x, y]);
  gradcheck((a, b) => F.huberLoss(a, b, { delta: 0.8, reduction: "sum" }), [x, y]);
  const idx = torch.tensor([2, 0]);
  const w = torch.tensor([0.5, 1.0, 2.0]);
  gradcheck((a) => F.crossEntropy(a, idx, { weight: w, labelSmoothing: 0.1 }), [x]);
  const probs = torch.tensor([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]], { requiresGrad: true });
  gradcheck((a, p) => F.crossEntropy(a, p), [x, probs]);
  const t01 = torch.tensor([[1, 0, 1], [0, 0, 1]], { dtype: "float32" });
  gradcheck((a) => F.binaryCrossEntropyWithLogits(a, t01, { posWeight: torch.tensor([1.0, 2.0, 0.5]) }), [x]);
  gradcheck((a) => F.klDivLoss(a.logSoftmax(1), probs.detach(), { reduction: "batchmean" }), [x]);
});

Deno.test("binaryCrossEntropyWithLogits: the gradient at a logit of exactly 0 is sigmoid(0) - target", () => {
  const x = torch.zeros([4], { requiresGrad: true });
  F.binaryCrossEntropyWithLogits(x, torch.tensor([1, 0, 0.25, 1], { dtype: "float32" }), { reduction: "sum" })
    .backward();
  assertClose(x.grad!, [-0.5, 0.5, 0.25, -0.5]);
  const big = torch.tensor([200, -200], { dtype: "float32" });
  assertClose(
    F.binaryCrossEntropyWithLogits(big, torch.tensor([0, 1], { dtype: "float32" }), { reduction: "none" }),
    [
      200,
      200,
    ],
  );
});

Deno.test("crossEntropy: class-index targets: dtype, shape and range errors name the loss and the values", () => {
  const logits = torch.randn(4, 3);
  assertThrowsMsg(
    () => F.crossEntropy(logits, torch.tensor([0, 1, 2, 3])),
    /crossEntropy: target class 3 is out of range for input of shape \[4, 3\] with 3 classes \(expected values in \[0, 2\]/,
  );
  assertThrowsMsg(
    () => F.crossEntropy(logits, torch.tensor([0, -1, 2, 1])),
    /target class -1 is out of range/,
  );
  assertThrowsMsg(
    () => F.crossEntropy(logits, torch.tensor([0, 1, 2])),
    /crossEntropy: expected target of shape \[4\] for input of shape \[4, 3\].*got target of shape \[3\]/,
  );
  assertThrowsMsg(
    () => F.crossEntropy(logits, torch.zeros([4, 1], { dtype: "int32" })),
    /expected target of shape \[4\].*got target of shape \[4, 1\]/,
  );
  assertThrowsMsg(
    () => F.crossEntropy(logits, torch.zeros(4)),
    /crossEntropy: a floating point target holds class probabilities and must have the input's shape \[4, 3\], got \[4\].*\.long\(\)/,
  );
  assertThrowsMsg(
    () => F.crossEntropy(torch.tensor(1.5), torch.tensor(0)),
    /crossEntropy: expected input of shape \[C\]/,
  );
  assertThrowsMsg(
    () => F.crossEntropy(logits, torch.tensor([0, 1, 2, 1]), { weight: torch.ones(4) }),
    /crossEntropy: weight should be a 1-D tensor with one entry per class \(3\), got shape \[4\]/,
  );
  assertThrowsMsg(
    () => F.crossEntropy(logits, torch.tensor([0, 1, 2, 1]), { labelSmoothing: 1.5 }),
    /labelSmoothing must be between 0.0 and 1.0, got 1.5/,
  );
  assertThrowsMsg(
    () => F.crossEntropy(logits, torch.tensor([0, 1, 2, 1]), { reduction: "avg" as "mean" }),
    /reduction must be/,
  );
  assertThrowsMsg(
    () => F.crossEntropy(torch.tensor([[1, 2]]), torch.tensor([0])),
    /expected input to be a floating point tensor, got int32/,
  );
  // ignoreIndex may be any value, also in range.
  assert.ok(Number.isFinite(F.crossEntropy(logits, torch.tensor([0, 1, 2, 7]), { ignoreIndex: 7 }).item()));
  const criterion = new nn.CrossEntropyLoss();
  assertThrowsMsg(
    () => criterion(logits, torch.tensor([5, 0, 0, 0])),
    /crossEntropy: target class 5 is out of range/,
  );
});

Deno.test("nllLoss and pointwise losses: clear errors on wrong target shape or dtype", () => {
  assertThrowsMsg(
    () => F.nllLoss(torch.randn(2, 3), torch.zeros(2)),
    /nllLoss: expected target to hold class indices as an int32 tensor of shape \[2\], got a float32 tensor.*\.long\(\)/,
  );
  assertThrowsMsg(
    () => F.nllLoss(torch.randn(2, 3, 4), torch.zeros([2, 3], { dtype: "int32" })),
    /nllLoss: expected target of shape \[2, 4\] for input of shape \[2, 3, 4\]/,
  );
  assertThrowsMsg(
    () => F.mseLoss(torch.randn(4, 1), torch.randn(4)),
    /mseLoss: target shape \[4\] does not match input shape \[4, 1\]/,
  );
  // JS has no 1.0 literal: integer targets of pointwise losses are converted to the input's dtype.
  assertClose(F.l1Loss(torch.tensor([1.5, 2.5, 3.5]), torch.tensor([1, 2, 3])).item(), 0.5);
  assertThrowsMsg(
    () => F.l1Loss(torch.tensor([1, 2]), torch.randn(2)),
    /l1Loss: expected input to be a floating point tensor, got int32/,
  );
  assertThrowsMsg(
    () => new nn.MSELoss()(torch.randn(3), torch.randn(3, 1)),
    /mseLoss: target shape \[3, 1\] does not match input shape \[3\]/,
  );
  assertThrowsMsg(
    () => F.binaryCrossEntropyWithLogits(torch.randn(3, 1), torch.randn(3)),
    /binaryCrossEntropyWithLogits: target shape \[3\] does not match input shape \[3, 1\]/,
  );
  assertThrowsMsg(
    () => F.binaryCrossEntropy(torch.tensor([1.5]), torch.tensor([1], { dtype: "float32" })),
    /between 0 and 1, found 1.5/,
  );
  assertThrowsMsg(
    () => F.smoothL1Loss(torch.randn(2), torch.randn(2), { beta: -1 }),
    /beta must be non-negative/,
  );
  assertThrowsMsg(() => F.huberLoss(torch.randn(2), torch.randn(2), { delta: 0 }), /delta must be positive/);
  assertThrowsMsg(
    () => new nn.MSELoss({ reduction: "avg" as "mean" }),
    /MSELoss: reduction must be "mean", "sum" or "none"/,
  );
  assertThrowsMsg(
    () => F.klDivLoss(torch.randn(2), torch.randn(2), { reduction: "avg" as "mean" }),
    /"batchmean"/,
  );
});

Deno.test("binaryCrossEntropy keeps its behaviour: number targets, weight, clamp at -100", () => {
  assertClose(F.binaryCrossEntropy(torch.tensor([0.9183]), 1).item(), 0.0852, { rtol: 1e-3 });
  assertClose(
    F.binaryCrossEntropy(
      torch.tensor([0, 1], { dtype: "float32" }),
      torch.tensor([1, 0], { dtype: "float32" }),
      {
        reduction: "none",
      },
    ),
    [100, 100],
  );
});

Deno.test("loss modules: reprs, buffers follow the module, weight in stateDict", () => {
  const w = torch.tensor([1, 2, 3], { dtype: "float32" });
  const ce = new nn.CrossEntropyLoss({ weight: w, ignoreIndex: 0 });
  assert.equal(String(ce), "CrossEntropyLoss()");
  assert.deepEqual(Object.keys(ce.stateDict()), ["weight"]);
  assert.equal(ce.weight, w);
  const bce = new nn.BCEWithLogitsLoss({ posWeight: torch.ones(2) });
  assert.deepEqual(bce.namedBuffers().map(([n]) => n), ["pos_weight"]);
  assert.equal(new nn.KLDivLoss({ reduction: "batchmean" }).reduction, "batchmean");
});
