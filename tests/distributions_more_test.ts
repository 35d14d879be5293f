/**
 * The further torch.distributions families against PyTorch 1.13 (tests/fixtures/dists_more.json,
 * made by tools/fixtures/dists_more_fixtures.py): Exponential, Laplace, Cauchy, Geometric,
 * LogNormal, HalfNormal, HalfCauchy, Gumbel, Pareto and a TransformedDistribution — values and
 * gradients on both devices, seeded samples element for element, the KL pairs PyTorch registers,
 * finite-difference gradchecks and the validation errors.
 */
import * as torch from "../mod.ts";
import type { Tensor } from "../mod.ts";
import type { Device } from "../src/backends/backend.ts";
import {
  assert,
  assertClose,
  assertCloseAsync,
  assertRejectsMsg,
  assertThrowsMsg,
  flatAsync,
  gradcheck,
  gradcheckAsync,
} from "./helpers.ts";
import { deviceTest } from "./devices.ts";

const D = torch.distributions;
type Params = Record<string, number | number[] | number[][]>;
interface Spec {
  family: string;
  params: Params;
}

const fx = JSON.parse(
  await Deno.readTextFile(new URL("./fixtures/dists_more.json", import.meta.url)),
  (_k, v) => v === "nan" ? NaN : v === "inf" ? Infinity : v === "-inf" ? -Infinity : v,
);

/** The distribution of a fixture spec on `device`, its array parameters as leaves requiring grad. */
function make(spec: Spec, device: Device, dtype: "float32" | "float64" = "float32") {
  const ps: Record<string, Tensor | number> = {};
  for (const [k, v] of Object.entries(spec.params)) {
    ps[k] = typeof v === "number"
      ? (device === "cpu" ? v : torch.tensor(v, { dtype, device }))
      : torch.tensor(v, { dtype, device, requiresGrad: true });
  }
  const T = D.transforms;
  const dist = (() => {
    switch (spec.family) {
      case "Exponential":
        return new D.Exponential(ps.rate);
      case "Laplace":
        return new D.Laplace(ps.loc, ps.scale);
      case "Cauchy":
        return new D.Cauchy(ps.loc, ps.scale);
      case "Geometric":
        return new D.Geometric("probs" in ps ? { probs: ps.probs } : { logits: ps.logits });
      case "LogNormal":
        return new D.LogNormal(ps.loc, ps.scale);
      case "HalfNormal":
        return new D.HalfNormal(ps.scale);
      case "HalfCauchy":
        return new D.HalfCauchy(ps.scale);
      case "Gumbel":
        return new D.Gumbel(ps.loc, ps.scale);
      case "Pareto":
        return new D.Pareto(ps.scale, ps.alpha);
      case "Normal":
        return new D.Normal(ps.loc, ps.scale);
      case "Uniform":
        return new D.Uniform(ps.low, ps.high);
      case "Weibull":
        return new D.Weibull(ps.scale, ps.concentration);
      case "Gamma":
        return new D.Gamma(ps.concentration, ps.rate);
      case "Beta":
        return new D.Beta(ps.concentration1, ps.concentration0);
      case "ContinuousBernoulli":
        return new D.ContinuousBernoulli({ probs: ps.probs as Tensor });
      case "SigmoidNormal":
        return new D.TransformedDistribution(new D.Normal(ps.loc, ps.scale), [
          new T.SigmoidTransform(),
          new T.AffineTransform(1, -2),
        ]);
    }
    throw new Error(`unknown family ${spec.family}`);
  })();
  return { dist, ps };
}

/** PyTorch's `torch.linspace(lo, hi, max(n, 1))[:n].reshape(shape)`, the fixtures' projection. */
function weights(shape: readonly number[], device: Device, lo = 0.5, hi = 1.5): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return torch.linspace(lo, hi, Math.max(n, 1)).narrow(0, 0, n).reshape([...shape]).to(device);
}

async function checkGrads(
  ps: Record<string, Tensor | number>,
  expected: Record<string, number[] | null>,
  msg: string,
  prefix = "",
  tol = { rtol: 2e-5, atol: 2e-6 },
) {
  for (const [k, g] of Object.entries(expected)) {
    if (!k.startsWith(prefix)) continue;
    const p = ps[k.slice(prefix.length)] as Tensor;
    if (g === null) {
      assert.ok(
        p.grad === null || (await flatAsync(p.grad)).every((v) => v === 0),
        `${msg}: ${k} has no gradient`,
      );
      continue;
    }
    assert.ok(p.grad, `${msg}: ${k} received a gradient`);
    await assertCloseAsync(await flatAsync(p.grad!), g, { ...tol, msg: `${msg} grad ${k}` });
  }
}

for (const c of [...fx.values, ...fx.values_weibull]) {
  deviceTest(
    `distributions more: ${c.name} matches PyTorch (logProb, entropy, moments, cdf/icdf, gradients)`,
    async (device) => {
      const { dist: d, ps } = make(c, device);
      assert.deepEqual(d.batchShape, c.batch_shape);
      assert.deepEqual(d.eventShape, c.event_shape);
      const value = torch.tensor(c.value, { dtype: "float32", device });
      const lp = d.logProb(value);
      assert.deepEqual(lp.shape, c.log_prob_shape);
      const opts = { rtol: 2e-5, atol: 2e-6 };
      await assertCloseAsync(await flatAsync(lp), c.log_prob, { ...opts, msg: "logProb" });
      let loss = lp.mul(weights(lp.shape, device)).sum();
      if (c.entropy) {
        const ent = d.entropy();
        await assertCloseAsync(await flatAsync(ent), c.entropy, { ...opts, msg: "entropy" });
        await assertCloseAsync(await flatAsync(d.mean), c.mean, { ...opts, msg: "mean" });
        await assertCloseAsync(await flatAsync(d.mode), c.mode, { ...opts, msg: "mode" });
        await assertCloseAsync(await flatAsync(d.variance), c.variance, { ...opts, msg: "variance" });
        await assertCloseAsync(await flatAsync(d.stddev), c.stddev, { ...opts, msg: "stddev" });
        loss = loss.add(ent.mul(weights(ent.shape, device, 0.2, 0.8)).sum());
      }
      if (c.cdf) {
        const cdf = d.cdf(value);
        const icdf = d.icdf(torch.tensor(c.icdf_input, { dtype: "float32", device }));
        await assertCloseAsync(await flatAsync(cdf), c.cdf, { ...opts, msg: "cdf" });
        await assertCloseAsync(await flatAsync(icdf), c.icdf, { rtol: 2e-5, atol: 2e-6, msg: "icdf" });
        loss = loss.add(cdf.mul(weights(cdf.shape, device, 1, 2)).sum())
          .add(icdf.mul(weights(icdf.shape, device, -1, 1)).sum());
      }
      loss.backward();
      await checkGrads(ps, c.grads, c.name, "", { rtol: 1e-4, atol: 1e-5 });
    },
  );
}

for (const c of [...fx.kl, ...fx.kl_gamma_families]) {
  deviceTest(
    `distributions more: klDivergence ${c.name} matches PyTorch (values, gradients)`,
    async (device) => {
      const p = make(c.p, device), q = make(c.q, device);
      const kl = D.klDivergence(p.dist, q.dist);
      assert.deepEqual(kl.shape, c.shape);
      await assertCloseAsync(await flatAsync(kl), c.kl, { rtol: 2e-5, atol: 2e-6, msg: "kl" });
      const finite = torch.where(torch.isfinite(kl), kl, torch.zerosLike(kl));
      const loss = finite.mul(weights(kl.shape, device)).sum();
      if (!loss.requiresGrad) return; // the infinite pairs have no gradient
      loss.backward();
      await checkGrads(p.ps, c.grads, c.name, "p.", { rtol: 1e-4, atol: 1e-5 });
      await checkGrads(q.ps, c.grads, c.name, "q.", { rtol: 1e-4, atol: 1e-5 });
    },
  );
}

for (const c of [...fx.samples, ...fx.samples_weibull]) {
  deviceTest(`distributions more: seeded ${c.name} draws PyTorch's samples`, async (device) => {
    const { dist, ps } = make(c, device);
    torch.manualSeed(c.seed);
    const s = c.method === "rsample" ? dist.rsample(c.sample_shape) : dist.sample(c.sample_shape);
    assert.deepEqual(s.shape, c.shape);
    assert.equal(s.dtype, c.dtype);
    await assertCloseAsync(await flatAsync(s), c.out, { rtol: 2e-6, atol: 1e-6, msg: c.name });
    assert.equal(s.requiresGrad, c.method === "rsample");
    assertClose(torch.rand(3), c.rand_after, {
      rtol: 0,
      atol: 0,
      msg: `${c.name}: the generator's position after`,
    });
    if (c.grads) {
      s.mul(weights(s.shape, device)).sum().backward();
      await checkGrads(ps, c.grads, c.name, "", { rtol: 1e-4, atol: 1e-5 });
    }
  });
}

for (const c of [...fx.samples_float64, ...fx.samples_weibull_float64]) {
  Deno.test(`distributions more: seeded ${c.name} draws PyTorch's double streams`, async () => {
    const { dist, ps } = make(c, "cpu", "float64");
    torch.manualSeed(c.seed);
    const s = c.method === "rsample" ? dist.rsample(c.sample_shape) : dist.sample(c.sample_shape);
    assert.deepEqual(s.shape, c.shape);
    assert.equal(s.dtype, "float64");
    assertClose(s.dataSync(), c.out, { rtol: 1e-12, atol: 1e-12, msg: c.name });
    assertClose(torch.rand(3), c.rand_after, {
      rtol: 0,
      atol: 0,
      msg: `${c.name}: the generator's position after`,
    });
    if (c.grads) {
      s.mul(weights(s.shape, "cpu").double()).sum().backward();
      await checkGrads(ps, c.grads, c.name, "", { rtol: 1e-6, atol: 1e-7 }); // the weights are float32 linspace values
    }
  });
}

deviceTest(
  "distributions more: finite-difference gradchecks of logProb, cdf, icdf, entropy and KL",
  async (device) => {
    const t = (v: number[]) => torch.tensor(v, { dtype: "float32", device, requiresGrad: true });
    const opts = { eps: 1e-2, atol: 3e-3, rtol: 2e-2 };
    const x = (d: Device, v = [0.3, 1.2, 2.0]) => torch.tensor(v, { dtype: "float32", device: d });
    await gradcheckAsync((rate) => new D.Exponential(rate).logProb(x(rate.device)), [t([0.5, 1, 2])], opts);
    await gradcheckAsync(
      (rate, v) => new D.Exponential(rate).cdf(v),
      [t([0.5, 1, 2]), t([0.3, 1.2, 2])],
      opts,
    );
    await gradcheckAsync((loc, scale) => new D.Laplace(loc, scale).logProb(x(loc.device)), [
      t([0.1, -1, 1]),
      t([1, 0.7, 2]),
    ], opts);
    await gradcheckAsync((loc, scale, p) => new D.Laplace(loc, scale).icdf(p), [
      t([0.1, -1, 1]),
      t([1, 0.7, 2]),
      t([0.2, 0.6, 0.9]),
    ], { ...opts, eps: 1e-3 });
    await gradcheckAsync((loc, scale, v) => new D.Cauchy(loc, scale).cdf(v), [
      t([0.1, -1, 1]),
      t([1, 0.7, 2]),
      t([0.3, -1.2, 2]),
    ], opts);
    await gradcheckAsync((probs) => new D.Geometric({ probs }).logProb(x(probs.device, [0, 2, 5])), [
      t([0.2, 0.5, 0.7]),
    ], opts);
    await gradcheckAsync((logits) => new D.Geometric({ logits }).entropy(), [t([-1, 0.5, 2])], opts);
    await gradcheckAsync((loc, scale) => new D.LogNormal(loc, scale).logProb(x(loc.device)), [
      t([0.1, -1, 1]),
      t([1, 0.7, 2]),
    ], opts);
    await gradcheckAsync(
      (scale, v) => new D.HalfNormal(scale).cdf(v),
      [t([1, 0.7, 2]), t([0.3, 1.2, 2])],
      opts,
    );
    await gradcheckAsync((scale) => new D.HalfCauchy(scale).logProb(x(scale.device)), [t([1, 0.7, 2])], opts);
    await gradcheckAsync((loc, scale) => new D.Gumbel(loc, scale).logProb(x(loc.device)), [
      t([0.1, -1, 1]),
      t([1, 0.7, 2]),
    ], opts);
    await gradcheckAsync((loc, scale, v) => new D.Gumbel(loc, scale).cdf(v), [
      t([0.1, -1, 1]),
      t([1, 0.7, 2]),
      t([0.3, -1.2, 2]),
    ], opts);
    await gradcheckAsync(
      (scale, alpha) => new D.Pareto(scale, alpha).logProb(x(scale.device, [1.3, 1.5, 2.5])),
      [
        t([1, 0.7, 1.2]),
        t([2, 0.7, 3]),
      ],
      opts,
    );
    await gradcheckAsync((scale, alpha) => new D.Pareto(scale, alpha).entropy(), [
      t([1, 0.7, 2]),
      t([2, 0.7, 3]),
    ], opts);
    await gradcheckAsync(
      (a, b) => D.klDivergence(new D.Laplace(a, b), new D.Normal(torch.zerosLike(a), torch.onesLike(b))),
      [t([0.5, -1]), t([0.7, 1.5])],
      opts,
    );
    await gradcheckAsync(
      (a, b) => D.klDivergence(new D.Normal(a, b), new D.Gumbel(torch.zerosLike(a), torch.onesLike(b))),
      [t([0.5, -1]), t([0.7, 1.5])],
      opts,
    );
  },
);

Deno.test("distributions more: rsample's gradient is the reparameterization's (a fixed draw, finite differences)", () => {
  const t = (v: number[]) => torch.tensor(v, { dtype: "float64", requiresGrad: true });
  const draw = (f: () => Tensor) => {
    torch.manualSeed(3);
    return f();
  };
  gradcheck((rate) => draw(() => new D.Exponential(rate).rsample([4])), [t([0.5, 2])]);
  gradcheck((loc, scale) => draw(() => new D.Laplace(loc, scale).rsample([4])), [t([0.5, -1]), t([1, 2])]);
  gradcheck((loc, scale) => draw(() => new D.Cauchy(loc, scale).rsample([4])), [t([0.5, -1]), t([1, 2])]);
  gradcheck((loc, scale) => draw(() => new D.LogNormal(loc, scale).rsample([4])), [
    t([0.5, -1]),
    t([1, 0.3]),
  ]);
  gradcheck((scale) => draw(() => new D.HalfNormal(scale).rsample([4])), [t([1, 2])]);
  gradcheck((loc, scale) => draw(() => new D.Gumbel(loc, scale).rsample([4])), [t([0.5, -1]), t([1, 2])]);
  gradcheck((scale, alpha) => draw(() => new D.Pareto(scale, alpha).rsample([4])), [t([0.5, 1]), t([3, 2])]);
});

Deno.test("distributions more: validation errors name the distribution, the parameter or value and the constraint", () => {
  const expect = (name: string) => fx.errors.find((e: { name: string }) => e.name === name).message as string;
  const f = (v: number[]) => torch.tensor(v, { dtype: "float32" });
  const pytorch = (m: string) => m.replace(/\(Tensor of shape \((\d*),?\)\)/, "(Tensor of shape [$1])");
  const cases: [string, () => unknown, string][] = [
    ["exponential rate", () => new D.Exponential(f([1, -1])), "Exponential: "],
    ["laplace scale", () => new D.Laplace(f([0]), f([0])), "Laplace: "],
    ["cauchy scale", () => new D.Cauchy(f([0]), f([-2])), "Cauchy: "],
    ["halfnormal scale", () => new D.HalfNormal(f([1, -1])), "HalfNormal: "],
    ["gumbel scale", () => new D.Gumbel(f([0]), f([-1])), "Gumbel: "],
    ["pareto scale", () => new D.Pareto(f([-1]), f([1])), "Pareto: "],
    ["geometric probs zero", () => new D.Geometric({ probs: f([0.5, 0]) }), "Geometric: "],
    ["exponential value", () => new D.Exponential(f([1])).logProb(f([-1])), "Exponential.logProb: "],
    ["geometric value", () => new D.Geometric({ probs: f([0.5]) }).logProb(f([1.5])), "Geometric.logProb: "],
    ["halfnormal value", () => new D.HalfNormal(f([1])).logProb(f([-0.5])), "HalfNormal.logProb: "],
    ["lognormal value", () => new D.LogNormal(f([0]), f([1])).logProb(f([0])), "LogNormal.logProb: "],
  ];
  for (const [name, fn, prefix] of cases) {
    const m = pytorch(expect(name));
    const want = prefix + m[0].toLowerCase() + m.slice(1);
    assert.throws(fn as () => void, (e: unknown) => {
      assert.ok(e instanceof RangeError, name);
      assert.equal(e.message.split("\n")[0], want.split("\n")[0], name);
      return true;
    });
  }
  assertThrowsMsg(() => new D.Geometric({}), /^Geometric: either `probs` or `logits` must be specified/);
  assertThrowsMsg(
    () => new D.Exponential("a" as unknown as number),
    /^Exponential: rate must be a number or a Tensor/,
  );
  assertThrowsMsg(
    () => new D.Geometric({ probs: f([0.5]) }).rsample(),
    /^Geometric.rsample: Geometric has no reparameterized/,
  );
  assertThrowsMsg(
    () => new D.Geometric({ probs: f([0.5]) }).cdf(f([1])),
    /^Geometric.cdf: Geometric has no cdf/,
  );
  assertThrowsMsg(
    () => new D.TransformedDistribution(new D.Normal(0, 1), [new D.transforms.ExpTransform()]).mean,
    /^TransformedDistribution.mean: a TransformedDistribution has no closed-form mean/,
  );
  assertThrowsMsg(
    () => new D.TransformedDistribution(new D.Normal(0, 1), ["exp"] as never),
    /^TransformedDistribution: transforms must be a Transform or an array of Transforms/,
  );
  assertThrowsMsg(
    () => new D.TransformedDistribution(new D.Normal(0, 1), [new D.transforms.StickBreakingTransform()]),
    /^TransformedDistribution: base_distribution needs to have shape with size at least 1, but got torch.Size\(\[\]\)/,
  );
  assertThrowsMsg(
    () => D.klDivergence(new D.LogNormal(0, 1), new D.HalfNormal(1)),
    /^klDivergence: no KL\(p \|\| q\) is implemented for TransformedDistributions with different transforms/,
  );
  assertThrowsMsg(
    () => D.klDivergence(new D.Gumbel(0, 1), new D.Cauchy(0, 2)), // Gumbel/Gumbel is registered now
    /^klDivergence: no KL\(p \|\| q\) is implemented .*Gumbel.*Cauchy/,
  );
  // validateArgs: false skips the checks, as in PyTorch.
  assert.ok(
    Number.isNaN(new D.Exponential(f([-1]), { validateArgs: false }).logProb(f([1])).item() as number),
  );
});

deviceTest(
  "distributions more: on the GPU a failed check travels with the results (reading them rejects)",
  async (device) => {
    const f = (v: number[]) => torch.tensor(v, { dtype: "float32", device });
    const e = new D.Exponential(f([1, -2]));
    await assertRejectsMsg(() => e.logProb(f([0, 0])).dataAsync(), /Exponential: expected parameter rate/);
    await assertRejectsMsg(() => e.sample().dataAsync(), /Exponential: expected parameter rate/);
    const g = new D.Geometric({ probs: f([0.5, 0]) });
    await assertRejectsMsg(
      () => g.logProb(f([0, 1])).dataAsync(),
      /Geometric: expected parameter probs .* to be positive/,
    );
    const h = new D.HalfNormal(f([1]));
    await assertRejectsMsg(
      () => h.logProb(f([-1])).dataAsync(),
      /HalfNormal.logProb: expected value argument/,
    );
  },
  { devices: ["gpu"] },
);

deviceTest("distributions more: expand, supports, shapes and reprs as PyTorch", async (device) => {
  const f = (v: number[] | number[][]) => torch.tensor(v, { dtype: "float32", device });
  const families = [
    new D.Exponential(f([1, 2])),
    new D.Laplace(f([0, 1]), f([1, 2])),
    new D.Cauchy(f([0, 1]), f([1, 2])),
    new D.Geometric({ logits: f([0, 1]) }),
    new D.LogNormal(f([0, 1]), f([1, 2])),
    new D.HalfNormal(f([1, 2])),
    new D.HalfCauchy(f([1, 2])),
    new D.Gumbel(f([0, 1]), f([1, 2])),
    new D.Pareto(f([1, 2]), f([1, 2])),
  ];
  for (const d of families) {
    const e = d.expand([3, 2]);
    assert.equal(e.constructor, d.constructor, `${d.constructor.name}.expand keeps the family`);
    assert.deepEqual([e.batchShape, e.sample([4]).shape], [[3, 2], [4, 3, 2]], d.constructor.name);
    const v = d.sample();
    await assertCloseAsync(
      await flatAsync(e.logProb(v)),
      await flatAsync(d.logProb(v).expand([3, 2])),
      { msg: `${d.constructor.name} expanded logProb` },
    );
    assert.equal(
      (await flatAsync(d.support.check(d.sample([5])).float())).every((x) => x === 1),
      true,
      `${d.constructor.name} samples lie in the support`,
    );
  }
  assert.equal(String(D.constraints.nonnegativeInteger), "IntegerGreaterThan(lower_bound=0)");
  assert.equal(String(new D.Exponential(2).support), "GreaterThanEq(lower_bound=0.0)");
  assert.equal(String(new D.Pareto(1, 2).support), "GreaterThanEq(lower_bound=1.0)");
  assert.equal(String(new D.Exponential(2)), "Exponential(rate: 2.0)");
  assert.equal(String(new D.LogNormal(0, 1)), "LogNormal()");
  assert.equal(new D.Gumbel(0, 1).hasRsample, true);
  assert.equal(new D.Geometric({ probs: 0.5 }).hasRsample, false);
  assert.deepEqual(new D.Gumbel(0, 1).sample([2, 3]).shape, [2, 3]);
  assert.deepEqual(new D.LogNormal(f([[0, 1]]), 1).expand([4, 2]).loc.shape, [4, 2]);
});

Deno.test("distributions more: sample has no gradient, rsample does; Geometric samples are integers", () => {
  const loc = torch.tensor([0.5], { dtype: "float32", requiresGrad: true });
  for (
    const d of [new D.Laplace(loc, 1), new D.Gumbel(loc, 1), new D.LogNormal(loc, 1), new D.Cauchy(loc, 1)]
  ) {
    assert.equal(d.sample().requiresGrad, false, d.constructor.name);
    assert.equal(d.rsample().requiresGrad, true, d.constructor.name);
  }
  torch.manualSeed(0);
  const g = new D.Geometric({ probs: torch.tensor([0.3, 0.7]) }).sample([50]);
  assert.ok([...g.dataSync()].every((v) => Number.isInteger(v) && v >= 0));
});

Deno.test("distributions more: Gamma's and Chi2's support is constraints.nonnegative (biject_to maps onto it)", () => {
  const g = new D.Gamma(torch.tensor([2, 3]), torch.tensor([1, 0.5]));
  assert.equal(g.support, D.constraints.nonnegative);
  assert.equal(new D.Chi2(torch.tensor([2])).support, D.constraints.nonnegative);
  assert.equal(String(g.support), "GreaterThanEq(lower_bound=0.0)");
  const y = D.bijectTo(g.support).call(torch.tensor([-1, 0, 2]));
  assert.deepEqual(g.support.check(y).toArray(), [true, true, true]);
});

deviceTest(
  "distributions more: Weibull.expand matches PyTorch (logProb, cdf, moments, seeded rsample, gradients)",
  async (device) => {
    const c = fx.weibull_expand;
    const { dist, ps } = make(
      { family: "Weibull", params: { scale: [1, 2], concentration: [0.5, 3] } },
      device,
    );
    assert.equal(String(dist), c.repr);
    const e = dist.expand([3, 2]);
    assert.ok(e instanceof D.Weibull);
    assert.deepEqual(e.batchShape, c.batch_shape);
    assert.deepEqual(e.concentrationReciprocal.shape, [3, 2]);
    const v = torch.tensor(c.value, { dtype: "float32", device });
    const lp = e.logProb(v);
    const opts = { rtol: 2e-5, atol: 2e-6 };
    await assertCloseAsync(await flatAsync(lp), c.log_prob, { ...opts, msg: "logProb" });
    await assertCloseAsync(await flatAsync(e.cdf(v)), c.cdf, { ...opts, msg: "cdf" });
    await assertCloseAsync(await flatAsync(e.entropy()), c.entropy, { ...opts, msg: "entropy" });
    await assertCloseAsync(await flatAsync(e.mean), c.mean, { ...opts, msg: "mean" });
    await assertCloseAsync(await flatAsync(e.variance), c.variance, { ...opts, msg: "variance" });
    torch.manualSeed(c.seed);
    const s = e.rsample([2]);
    assert.deepEqual(s.shape, c.sample_shape);
    await assertCloseAsync(await flatAsync(s), c.sample, { rtol: 2e-6, atol: 1e-6, msg: "rsample" });
    assertClose(torch.rand(3), c.rand_after, { rtol: 0, atol: 0, msg: "the generator's position after" });
    lp.mul(weights(lp.shape, device)).sum().add(s.mul(weights(s.shape, device)).sum())
      .add(e.entropy().sum()).add(e.mean.sum()).backward();
    await checkGrads(ps, c.grads, "Weibull.expand", "", { rtol: 1e-4, atol: 1e-5 });
  },
);

deviceTest(
  "distributions more: Weibull and the gamma-family KL pairs pass finite-difference gradchecks",
  async (device) => {
    const t = (v: number[]) => torch.tensor(v, { dtype: "float32", device, requiresGrad: true });
    const opts = { eps: 1e-2, atol: 3e-3, rtol: 2e-2 };
    const x = (d: Device, v = [0.3, 1.2, 2.0]) => torch.tensor(v, { dtype: "float32", device: d });
    await gradcheckAsync((s, k) => new D.Weibull(s, k).logProb(x(s.device)), [
      t([1, 0.7, 2]),
      t([0.8, 1.5, 3]),
    ], opts);
    await gradcheckAsync((s, k, v) => new D.Weibull(s, k).cdf(v), [
      t([1, 0.7, 2]),
      t([0.8, 1.5, 3]),
      t([0.3, 1.2, 2]),
    ], {
      ...opts,
      eps: 1e-3,
    });
    await gradcheckAsync((s, k) => new D.Weibull(s, k).variance, [t([1, 0.7, 2]), t([0.8, 1.5, 3])], opts);
    await gradcheckAsync(
      (a, b, c, d) => D.klDivergence(new D.Gumbel(a, b), new D.Gumbel(c, d)),
      [t([0.5, -1]), t([0.7, 1.5]), t([0, 1]), t([1, 2])],
      opts,
    );
    await gradcheckAsync(
      (a, b, l, s) => D.klDivergence(new D.Gamma(a, b), new D.Gumbel(l, s)),
      [t([0.7, 2.5]), t([1.5, 0.5]), t([0.5, -1]), t([0.7, 1.5])],
      opts,
    );
    await gradcheckAsync(
      (r, a, b) => D.klDivergence(new D.Exponential(r), new D.Gamma(a, b)),
      [t([0.5, 2]), t([2, 0.8]), t([0.5, 3])],
      opts,
    );
  },
);

Deno.test("distributions more: Weibull's rsample gradient is the reparameterization's (finite differences)", () => {
  const t = (v: number[]) => torch.tensor(v, { dtype: "float64", requiresGrad: true });
  gradcheck((s, k) => {
    torch.manualSeed(3);
    return new D.Weibull(s, k).rsample([4]);
  }, [t([0.5, 2]), t([0.7, 3])]);
});

Deno.test("distributions more: Weibull validates its parameters and support", () => {
  assertThrowsMsg(
    () => new D.Weibull(torch.tensor([1, -1]), torch.tensor([1, 1])),
    /^Weibull: expected parameter scale \(Tensor of shape \[2\]\) of distribution Weibull\(.*to satisfy the constraint GreaterThan\(lower_bound=0\.0\)/,
  );
  assertThrowsMsg(() => new D.Weibull(1, 0), /^Weibull: expected parameter concentration/);
  assertThrowsMsg(
    () => new D.Weibull(torch.tensor([1]), torch.tensor([2])).logProb(torch.tensor([-1])),
    /^Weibull.logProb: .*support/,
  );
});

Deno.test("distributions more: Chi2 prints as PyTorch's repr (Chi2(): df is not a stored field)", () => {
  assert.equal(String(new D.Chi2(torch.tensor(2))), fx.chi2_repr.scalar);
  assert.equal(String(new D.Chi2(torch.tensor([2, 3]))), fx.chi2_repr.vector);
  assert.equal(String(new D.Chi2(torch.tensor(2)).expand([3])), fx.chi2_repr.expanded);
  assert.equal(String(new D.Gamma(torch.tensor(2), torch.tensor(1))), "Gamma(concentration: 2.0, rate: 1.0)");
});
