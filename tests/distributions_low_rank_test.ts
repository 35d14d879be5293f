/**
 * LowRankMultivariateNormal against PyTorch 1.13 (tests/fixtures/dists_more.json's
 * `lowrank_values`, `lowrank_samples`, `lowrank_kl`, made by tools/fixtures/dists_more_fixtures.py):
 * logProb, entropy, moments and matrices with gradients on both devices, seeded samples, the KL
 * pairs with itself and MultivariateNormal, finite-difference gradchecks and errors.
 */
import * as torch from "../mod.ts";
import type { Tensor } from "../mod.ts";
import type { Device } from "../src/backends/backend.ts";
import {
  assert,
  assertClose,
  assertCloseAsync,
  assertThrowsMsg,
  flatAsync,
  gradcheckAsync,
} from "./helpers.ts";
import { deviceTest } from "./devices.ts";

const D = torch.distributions;
type Params = Record<string, number[] | number[][] | number[][][]>;

const fx = JSON.parse(await Deno.readTextFile(new URL("./fixtures/dists_more.json", import.meta.url)));

function make(spec: { family: string; params: Params }, device: Device) {
  const ps: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(spec.params)) {
    ps[k] = torch.tensor(v, { dtype: "float32", device, requiresGrad: true });
  }
  const dist = spec.family === "MultivariateNormal"
    ? new D.MultivariateNormal(ps.loc, { scaleTril: ps.scale_tril })
    : new D.LowRankMultivariateNormal(ps.loc, ps.cov_factor, ps.cov_diag);
  return { dist, ps };
}

function weights(shape: readonly number[], device: Device, lo = 0.5, hi = 1.5): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return torch.linspace(lo, hi, Math.max(n, 1)).narrow(0, 0, n).reshape([...shape]).to(device);
}

async function checkGrads(
  ps: Record<string, Tensor>,
  expected: Record<string, number[]>,
  msg: string,
  prefix = "",
) {
  for (const [k, g] of Object.entries(expected)) {
    if (!k.startsWith(prefix)) continue;
    const p = ps[k.slice(prefix.length)];
    assert.ok(p.grad, `${msg}: ${k} received a gradient`);
    await assertCloseAsync(await flatAsync(p.grad!), g, { rtol: 1e-4, atol: 1e-5, msg: `${msg} grad ${k}` });
  }
}

deviceTest(
  "distributions low rank: LowRankMultivariateNormal matches PyTorch (values, matrices, gradients)",
  async (device) => {
    const c = fx.lowrank_values;
    const { dist, ps } = make({ family: "LowRankMultivariateNormal", params: c.params }, device);
    const d = dist as torch.distributions.LowRankMultivariateNormal;
    assert.deepEqual([d.batchShape, d.eventShape], [c.batch_shape, c.event_shape]);
    const v = torch.tensor(c.value, { dtype: "float32", device });
    const outs: Record<string, Tensor> = {
      log_prob: d.logProb(v),
      entropy: d.entropy(),
      variance: d.variance,
      covariance_matrix: d.covarianceMatrix,
      precision_matrix: d.precisionMatrix,
      scale_tril: d.scaleTril,
    };
    let loss: Tensor | null = null;
    let i = 0;
    for (const [k, t] of Object.entries(outs)) {
      await assertCloseAsync(await flatAsync(t), c[k], { rtol: 2e-5, atol: 2e-6, msg: k });
      const term = t.mul(weights(t.shape, device, 0.2 + 0.1 * i, 1.0 + 0.1 * i)).sum();
      loss = loss === null ? term : loss.add(term);
      i++;
    }
    loss!.backward();
    await checkGrads(ps, c.grads, "lowrank");
    assert.deepEqual(await d.mean.toArrayAsync(), c.params.loc);
  },
);

for (const c of fx.lowrank_samples) {
  deviceTest(`distributions low rank: seeded ${c.name} draws PyTorch's samples`, async (device) => {
    const { dist, ps } = make(c, device);
    torch.manualSeed(c.seed);
    const s = dist.rsample(c.sample_shape);
    assert.deepEqual(s.shape, c.shape);
    await assertCloseAsync(await flatAsync(s), c.out, { rtol: 2e-5, atol: 2e-6, msg: c.name });
    assertClose(torch.rand(3), c.rand_after, {
      rtol: 0,
      atol: 0,
      msg: `${c.name}: the generator's position after`,
    });
    s.mul(weights(s.shape, device)).sum().backward();
    await checkGrads(ps, c.grads, c.name);
  });
}

for (const c of fx.lowrank_kl) {
  deviceTest(
    `distributions low rank: klDivergence ${c.name} matches PyTorch (values, gradients)`,
    async (device) => {
      const p = make(c.p, device), q = make(c.q, device);
      const kl = D.klDivergence(p.dist, q.dist);
      assert.deepEqual(kl.shape, c.shape);
      await assertCloseAsync(await flatAsync(kl), c.kl, { rtol: 2e-5, atol: 2e-6, msg: "kl" });
      kl.mul(weights(kl.shape, device)).sum().backward();
      await checkGrads(p.ps, c.grads, c.name, "p.");
      await checkGrads(q.ps, c.grads, c.name, "q.");
    },
  );
}

deviceTest("distributions low rank: finite-difference gradchecks of logProb and entropy", async (device) => {
  const t = (v: number[] | number[][]) => torch.tensor(v, { dtype: "float32", device, requiresGrad: true });
  const opts = { eps: 1e-2, atol: 3e-3, rtol: 2e-2 };
  await gradcheckAsync(
    (loc, W, diag) =>
      new D.LowRankMultivariateNormal(loc, W, diag).logProb(
        torch.tensor([0.3, -0.2, 0.5], { dtype: loc.dtype, device: loc.device }),
      ),
    [t([0.1, 0.2, -0.1]), t([[1, 0.5], [0, -1], [0.3, 0.2]]), t([0.5, 1, 2])],
    opts,
  );
  await gradcheckAsync(
    (W, diag) => new D.LowRankMultivariateNormal(torch.zerosLike(diag), W, diag).entropy(),
    [t([[1, 0.5], [0, -1], [0.3, 0.2]]), t([0.5, 1, 2])],
    opts,
  );
});

Deno.test("distributions low rank: errors and expand", () => {
  const f = (v: number[] | number[][]) => torch.tensor(v, { dtype: "float32" });
  const W = f([[1], [0], [1]]);
  assertThrowsMsg(
    () => new D.LowRankMultivariateNormal(torch.tensor(0), W, f([1, 1, 1])),
    /loc must be at least one-dimensional/,
  );
  assertThrowsMsg(
    () => new D.LowRankMultivariateNormal(f([0, 0, 0]), f([1, 0, 1]), f([1, 1, 1])),
    /cov_factor must be at least two-dimensional/,
  );
  assertThrowsMsg(
    () => new D.LowRankMultivariateNormal(f([0, 0]), W, f([1, 1])),
    /cov_factor must be a batch of matrices with shape 2 x m/,
  );
  assertThrowsMsg(
    () => new D.LowRankMultivariateNormal(f([0, 0, 0]), W, f([1, 1])),
    /cov_diag must be a batch of vectors/,
  );
  assertThrowsMsg(
    () => new D.LowRankMultivariateNormal(f([0, 0, 0]), W, f([1, -1, 1])),
    /^LowRankMultivariateNormal: expected parameter covDiag .*IndependentConstraint\(GreaterThan\(lower_bound=0.0\), 1\)/,
  );
  const d = new D.LowRankMultivariateNormal(f([0, 0, 0]), W, f([1, 1, 1]));
  const e = d.expand([4]);
  assert.deepEqual([e.batchShape, e.sample([2]).shape, e.covarianceMatrix.shape], [[4], [2, 4, 3], [
    4,
    3,
    3,
  ]]);
  assertClose(e.logProb(f([0.1, 0.2, 0.3])).dataSync(), [
    ...d.logProb(f([0.1, 0.2, 0.3])).expand([4]).dataSync(),
  ]);
  assertThrowsMsg(
    () => D.klDivergence(d, new D.LowRankMultivariateNormal(f([0, 0]), f([[1], [1]]), f([1, 1]))),
    /different event shapes cannot be computed/,
  );
});
