/**
 * Distances and the margin / embedding losses against PyTorch (tests/fixtures/nn_loss_more.json,
 * made by tools/fixtures/nn_fixtures.py): values and the gradient of every input that requires one,
 * on every device; the module forms; and bad input.
 */
import * as torch from "../mod.ts";
import { F, nn } from "../mod.ts";
import type { Device, Tensor } from "../mod.ts";
import { assertCloseAsync, assertThrowsMsg } from "./helpers.ts";
import { deviceTest } from "./devices.ts";

interface FixtureTensor {
  shape: number[];
  dtype: "float32" | "int32";
  values: (number | string)[];
}
interface MoreCase {
  id: string;
  fn: string;
  // deno-lint-ignore no-explicit-any
  kwargs: Record<string, any>;
  inputs: (FixtureTensor & { grad: boolean })[];
  output: FixtureTensor;
  proj: FixtureTensor;
  grads: (FixtureTensor | null)[];
}

function fromFixture(t: FixtureTensor): Tensor {
  const values = t.values.map((v) => (typeof v === "string" ? Number(v.replace("inf", "Infinity")) : v));
  return torch.tensor(values, { dtype: t.dtype }).reshape(t.shape);
}

const cases: MoreCase[] = JSON.parse(
  Deno.readTextFileSync(new URL("./fixtures/nn_loss_more.json", import.meta.url)),
).cases;

// deno-lint-ignore no-explicit-any
type Kw = Record<string, any>;
const CALLS: Record<string, (x: Tensor[], kw: Kw) => Tensor> = {
  cosine_similarity: ([a, b], kw) => F.cosineSimilarity(a, b, kw.dim, kw.eps),
  pairwise_distance: ([a, b], kw) => F.pairwiseDistance(a, b, kw.p, kw.eps, kw.keepdim),
  soft_margin_loss: ([x, y], kw) => F.softMarginLoss(x, y, kw),
  multilabel_soft_margin_loss: ([x, y], kw) => F.multilabelSoftMarginLoss(x, y, kw),
  hinge_embedding_loss: ([x, y], kw) => F.hingeEmbeddingLoss(x, y, kw),
  multi_margin_loss: ([x, y], kw) => F.multiMarginLoss(x, y, kw),
  cosine_embedding_loss: ([a, b, y], kw) => F.cosineEmbeddingLoss(a, b, y, kw),
  margin_ranking_loss: ([a, b, y], kw) => F.marginRankingLoss(a, b, y, kw),
  triplet_margin_loss: ([a, p, n], kw) => F.tripletMarginLoss(a, p, n, kw),
  poisson_nll_loss: ([x, y], kw) => F.poissonNllLoss(x, y, kw),
};

function kwargsOn(kw: Kw, device: Device): Kw {
  const out: Kw = {};
  for (const [k, v] of Object.entries(kw)) {
    out[k] = v !== null && typeof v === "object" && "shape" in v ? fromFixture(v).to(device) : v;
  }
  return out;
}

for (const fn of Object.keys(CALLS)) {
  deviceTest(`${fn} matches PyTorch (values and gradients)`, async (device) => {
    const mine = cases.filter((c) => c.fn === fn);
    if (mine.length === 0) throw new Error(`no fixture for ${fn}`);
    for (const c of mine) {
      const xs = c.inputs.map((t) => fromFixture(t).to(device).requiresGrad_(t.grad));
      const out = CALLS[fn](xs, kwargsOn(c.kwargs, device));
      await assertCloseAsync(out, fromFixture(c.output), { rtol: 1e-4, atol: 1e-5, msg: `${c.id} output` });
      out.mul(fromFixture(c.proj).to(device)).sum().backward();
      for (const [i, g] of c.grads.entries()) {
        if (g) {
          await assertCloseAsync(xs[i].grad!, fromFixture(g), {
            rtol: 1e-4,
            atol: 1e-5,
            msg: `${c.id} grad ${i}`,
          });
        }
      }
    }
  });
}

Deno.test("margin losses: the modules forward to F with their options", () => {
  torch.manualSeed(3);
  const x1 = torch.randn(4, 5), x2 = torch.randn(4, 5), y = torch.tensor([1, -1, -1, 1]);
  const same = (a: Tensor, b: Tensor) => assertCloseAsync(a, b, { rtol: 0, atol: 0 });
  same(
    new nn.CosineEmbeddingLoss({ margin: 0.2 })(x1, x2, y),
    F.cosineEmbeddingLoss(x1, x2, y, { margin: 0.2 }),
  );
  same(
    new nn.TripletMarginLoss({ swap: true })(x1, x2, x1.flip(0)),
    F.tripletMarginLoss(x1, x2, x1.flip(0), { swap: true }),
  );
  same(
    new nn.MultiMarginLoss({ p: 2 })(x1, torch.tensor([0, 1, 2, 3])),
    F.multiMarginLoss(x1, torch.tensor([0, 1, 2, 3]), { p: 2 }),
  );
  same(new nn.PairwiseDistance({ p: 1 })(x1, x2), F.pairwiseDistance(x1, x2, 1));
  same(new nn.CosineSimilarity({ dim: 0 })(x1, x2), F.cosineSimilarity(x1, x2, 0));
  same(
    new nn.PoissonNLLLoss({ full: true, reduction: "sum" })(x1, x2.abs()),
    F.poissonNllLoss(x1, x2.abs(), { full: true, reduction: "sum" }),
  );
});

Deno.test("margin losses: bad input gets a clear message", () => {
  const x = torch.randn(3, 4);
  assertThrowsMsg(
    () => F.multiMarginLoss(x, torch.tensor([0, 1])),
    /multiMarginLoss: expected input \[N, C\] and int32 class indices \[N\]/,
  );
  assertThrowsMsg(
    () => F.multiMarginLoss(x, torch.tensor([0, 1, 2]), { p: 3 }),
    /only p == 1 and p == 2 supported/,
  );
  assertThrowsMsg(
    () => F.cosineEmbeddingLoss(x, torch.randn(3, 5), torch.ones(3)),
    /expected inputs of one shape/,
  );
  assertThrowsMsg(
    () => F.cosineEmbeddingLoss(x, x, torch.ones(4)),
    /expected target of shape \[3\], got \[4\]/,
  );
  assertThrowsMsg(
    () => F.tripletMarginLoss(x, x, torch.randn(3, 5)),
    /expected anchor, positive and negative of one shape/,
  );
  assertThrowsMsg(
    () => F.softMarginLoss(x, torch.ones(4)),
    /target shape \[4\] does not match input shape \[3, 4\]/,
  );
  assertThrowsMsg(
    () => new nn.MarginRankingLoss({ reduction: "avg" as "mean" }),
    /MarginRankingLoss: reduction must be/,
  );
});
