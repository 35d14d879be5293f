/**
 * The relaxed, count, continuous-Bernoulli and mixture families against PyTorch 1.13
 * (tests/fixtures/dists_more.json's `values_more`, `samples_more`, `kl_more`, made by
 * tools/fixtures/dists_more_fixtures.py): RelaxedBernoulli, LogitRelaxedBernoulli,
 * RelaxedOneHotCategorical, ExpRelaxedCategorical, OneHotCategoricalStraightThrough,
 * LogisticNormal, Poisson, ContinuousBernoulli, MixtureSameFamily, Binomial, Multinomial and
 * torch.binomial — values and gradients on both
 * devices, seeded samples element for element, KL pairs, finite-difference gradchecks and errors.
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
function make(spec: Spec, device: Device) {
  const ps: Record<string, Tensor | number> = {};
  for (const [k, v] of Object.entries(spec.params)) {
    if (k === "n") continue; // Multinomial's total count, a number
    ps[k] = typeof v === "number"
      ? (k === "total_count" ? v : torch.tensor(v, { dtype: "float32", device }))
      : torch.tensor(v, { dtype: "float32", device, requiresGrad: true });
  }
  const pl = "probs" in ps ? { probs: ps.probs } : { logits: ps.logits };
  const dist = (() => {
    switch (spec.family) {
      case "RelaxedBernoulli":
        return new D.RelaxedBernoulli(ps.temperature, pl);
      case "LogitRelaxedBernoulli":
        return new D.LogitRelaxedBernoulli(ps.temperature, pl);
      case "RelaxedOneHotCategorical":
        return new D.RelaxedOneHotCategorical(ps.temperature, pl);
      case "ExpRelaxedCategorical":
        return new D.ExpRelaxedCategorical(ps.temperature, pl);
      case "OneHotCategoricalStraightThrough":
        return new D.OneHotCategoricalStraightThrough(pl);
      case "LogisticNormal":
        return new D.LogisticNormal(ps.loc, ps.scale);
      case "Poisson":
        return new D.Poisson(ps.rate);
      case "ContinuousBernoulli":
        return new D.ContinuousBernoulli(pl);
      case "Bernoulli":
        return new D.Bernoulli(pl);
      case "Normal":
        return new D.Normal(ps.loc, ps.scale);
      case "Uniform":
        return new D.Uniform(ps.low, ps.high);
      case "Exponential":
        return new D.Exponential(ps.rate);
      case "Binomial":
        return new D.Binomial(ps.total_count, pl);
      case "Multinomial":
        return new D.Multinomial(spec.params.n as number, pl);
      case "MixtureNormal":
        return new D.MixtureSameFamily(
          new D.Categorical({ logits: ps.mix_logits }),
          new D.Normal(ps.loc, ps.scale),
        );
      case "MixtureIndependentNormal":
        return new D.MixtureSameFamily(
          new D.Categorical({ logits: ps.mix_logits }),
          new D.Independent(new D.Normal(ps.loc, ps.scale), 1),
        );
    }
    throw new Error(`unknown family ${spec.family}`);
  })();
  return { dist, ps };
}

function weights(shape: readonly number[], device: Device, lo = 0.5, hi = 1.5): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return torch.linspace(lo, hi, Math.max(n, 1)).narrow(0, 0, n).reshape([...shape]).to(device);
}

async function checkGrads(
  ps: Record<string, Tensor | number>,
  expected: Record<string, number[] | null>,
  msg: string,
  prefix = "",
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
    await assertCloseAsync(await flatAsync(p.grad!), g, { rtol: 1e-4, atol: 1e-5, msg: `${msg} grad ${k}` });
  }
}

for (const c of [...fx.values_more, ...fx.values_counts]) {
  deviceTest(
    `distributions more: ${c.name} matches PyTorch (logProb, moments, cdf/icdf, gradients)`,
    async (device) => {
      const { dist: d, ps } = make(c, device);
      assert.deepEqual(d.batchShape, c.batch_shape);
      assert.deepEqual(d.eventShape, c.event_shape);
      const value = torch.tensor(c.value, { dtype: "float32", device });
      const opts = { rtol: 2e-5, atol: 2e-6 };
      const lp = d.logProb(value);
      assert.deepEqual(lp.shape, c.log_prob_shape);
      await assertCloseAsync(await flatAsync(lp), c.log_prob, { ...opts, msg: "logProb" });
      let loss = lp.mul(weights(lp.shape, device)).sum();
      if (c.which.includes("moments")) {
        await assertCloseAsync(await flatAsync(d.mean), c.mean, { ...opts, msg: "mean" });
        await assertCloseAsync(await flatAsync(d.variance), c.variance, { ...opts, msg: "variance" });
        await assertCloseAsync(await flatAsync(d.stddev), c.stddev, { ...opts, msg: "stddev" });
        loss = loss.add(d.mean.mul(weights(d.mean.shape, device, -0.5, 0.5)).sum())
          .add(d.variance.mul(weights(d.variance.shape, device, 0.1, 0.3)).sum());
      }
      if (c.which.includes("entropy")) {
        const ent = d.entropy();
        await assertCloseAsync(await flatAsync(ent), c.entropy, { ...opts, msg: "entropy" });
        loss = loss.add(ent.mul(weights(ent.shape, device, 0.2, 0.8)).sum());
      }
      if (c.which.includes("cdf")) {
        const cdf = d.cdf(value);
        await assertCloseAsync(await flatAsync(cdf), c.cdf, { ...opts, msg: "cdf" });
        loss = loss.add(cdf.mul(weights(cdf.shape, device, 1, 2)).sum());
      }
      if (c.which.includes("icdf")) {
        const icdf = d.icdf(torch.tensor(c.icdf_input, { dtype: "float32", device }));
        await assertCloseAsync(await flatAsync(icdf), c.icdf, { ...opts, msg: "icdf" });
        loss = loss.add(icdf.mul(weights(icdf.shape, device, -1, 1)).sum());
      }
      loss.backward();
      await checkGrads(ps, c.grads, c.name);
    },
  );
}

for (const c of [...fx.samples_more, ...fx.samples_counts]) {
  deviceTest(`distributions more: seeded ${c.name} draws PyTorch's samples`, async (device) => {
    // torch.poisson and torch.binomial read CPU parameters (their GPU errors are tested below).
    if ((c.family === "Poisson" || c.family === "Binomial") && device !== "cpu") return;
    const { dist, ps } = make(c, device);
    torch.manualSeed(c.seed);
    const s = c.method === "rsample" ? dist.rsample(c.sample_shape) : dist.sample(c.sample_shape);
    assert.deepEqual(s.shape, c.shape);
    await assertCloseAsync(await flatAsync(s), c.out, { rtol: 2e-6, atol: 1e-6, msg: c.name });
    assert.equal(s.requiresGrad, c.method === "rsample");
    assertClose(torch.rand(3), c.rand_after, {
      rtol: 0,
      atol: 0,
      msg: `${c.name}: the generator's position after`,
    });
    if (c.grads) {
      s.mul(weights(s.shape, device)).sum().backward();
      await checkGrads(ps, c.grads, c.name);
    }
  });
}

for (const c of [...fx.kl_more, ...fx.kl_counts]) {
  deviceTest(
    `distributions more: klDivergence ${c.name} matches PyTorch (values, gradients)`,
    async (device) => {
      const p = make(c.p, device), q = make(c.q, device);
      const kl = D.klDivergence(p.dist, q.dist);
      assert.deepEqual(kl.shape, c.shape);
      await assertCloseAsync(await flatAsync(kl), c.kl, { rtol: 2e-5, atol: 2e-6, msg: "kl" });
      const finite = torch.where(torch.isfinite(kl), kl, torch.zerosLike(kl));
      const loss = finite.mul(weights(kl.shape, device)).sum();
      if (!loss.requiresGrad) return;
      loss.backward();
      await checkGrads(p.ps, c.grads, c.name, "p.");
      await checkGrads(q.ps, c.grads, c.name, "q.");
    },
  );
}

deviceTest(
  "distributions more: finite-difference gradchecks of the relaxed, Poisson, continuous Bernoulli and mixture families",
  async (device) => {
    const t = (v: number[] | number[][]) => torch.tensor(v, { dtype: "float32", device, requiresGrad: true });
    // gradcheck evaluates on copies of the inputs: constants follow the input's device.
    const c = (v: number[] | number[][], like: Tensor) =>
      torch.tensor(v, { dtype: like.dtype, device: like.device });
    const opts = { eps: 1e-2, atol: 3e-3, rtol: 2e-2 };
    await gradcheckAsync((logits) => new D.RelaxedBernoulli(0.7, { logits }).logProb(c([0.3, 0.8], logits)), [
      t([-0.5, 1]),
    ], opts);
    await gradcheckAsync(
      (logits) => new D.RelaxedOneHotCategorical(0.5, { logits }).logProb(c([0.2, 0.3, 0.5], logits)),
      [t([0.1, -0.4, 0.7])],
      opts,
    );
    await gradcheckAsync((rate) => new D.Poisson(rate).logProb(c([0, 2, 7], rate)), [t([0.5, 3, 6])], opts);
    await gradcheckAsync((probs) => new D.ContinuousBernoulli({ probs }).logProb(c([0.3, 0.8], probs)), [
      t([0.2, 0.7]),
    ], {
      ...opts,
      eps: 1e-3,
    });
    await gradcheckAsync((probs) => new D.ContinuousBernoulli({ probs }).entropy(), [t([0.2, 0.7])], {
      ...opts,
      eps: 1e-3,
    });
    await gradcheckAsync(
      (logits, loc) =>
        new D.MixtureSameFamily(new D.Categorical({ logits }), new D.Normal(loc, c([1, 0.5], loc))).logProb(
          c([0.3, -1], loc),
        ),
      [t([0.2, -0.3]), t([0.5, -1])],
      opts,
    );
  },
);

Deno.test("distributions more: Poisson's log-factorials of counts are lgamma's (logProb beyond the fixtures)", () => {
  const k = torch.tensor([0, 1, 2, 5, 7, 8, 20, 100, 1000, 12345], { dtype: "float64" });
  // rate 1: logProb(k) = k·log 1 - 1 - log(k!)
  const got = new D.Poisson(torch.onesLike(k)).logProb(k).add(1).neg().dataSync();
  const want = [
    0,
    0,
    Math.log(2),
    Math.log(120),
    Math.log(5040),
    Math.log(40320),
    42.335616460753485,
    363.73937555556347,
    5912.128178488163,
    103962.95347844966, // Python's math.lgamma
  ];
  assertClose(got, want, { rtol: 1e-14, atol: 1e-14 });
});

Deno.test("distributions more: the relaxed and mixture families' errors and shapes", () => {
  const f = (v: number[] | number[][]) => torch.tensor(v, { dtype: "float32" });
  assertThrowsMsg(
    () => new D.RelaxedBernoulli(0.5, {}),
    /^LogitRelaxedBernoulli: either `probs` or `logits` must be specified/,
  );
  assertThrowsMsg(
    () => new D.RelaxedBernoulli("hot" as never, { probs: f([0.5]) }),
    /^LogitRelaxedBernoulli: temperature must be a number or a Tensor, got string/,
  );
  assertThrowsMsg(
    () => new D.RelaxedBernoulli(0.5, { probs: f([1.5]) }),
    /^LogitRelaxedBernoulli: expected parameter probs/,
  );
  assertThrowsMsg(
    () => new D.Poisson(f([-1])),
    /^Poisson: expected parameter rate .* GreaterThanEq\(lower_bound=0.0\)/,
  );
  assertThrowsMsg(
    () => new D.Poisson(f([1])).logProb(f([0.5])),
    /^Poisson.logProb: expected value argument .*IntegerGreaterThan/,
  );
  assertThrowsMsg(() => new D.Poisson(f([1])).entropy(), /^Poisson.entropy: Poisson has no entropy/);
  assertThrowsMsg(
    () => new D.ContinuousBernoulli({ probs: f([1.5]) }),
    /^ContinuousBernoulli: expected parameter probs/,
  );
  assertThrowsMsg(() => new D.ContinuousBernoulli({ probs: f([0.5]) }).mode, /does not implement mode/);
  assertThrowsMsg(
    () => new D.MixtureSameFamily(new D.Normal(0, 1) as never, new D.Normal(f([0, 1]), f([1, 1]))),
    /^MixtureSameFamily: the mixture distribution needs to be an instance of torch.distributions.Categorical/,
  );
  assertThrowsMsg(
    () =>
      new D.MixtureSameFamily(
        new D.Categorical({ probs: f([0.5, 0.5]) }),
        new D.Normal(f([0, 1, 2]), f([1, 1, 1])),
      ),
    /^MixtureSameFamily: `mixture_distribution component` \(2\) does not equal `component_distribution.batch_shape\[-1\]` \(3\)/,
  );
  assertThrowsMsg(
    () =>
      new D.MixtureSameFamily(
        new D.Categorical({ probs: f([[0.5, 0.5], [0.5, 0.5]]) }),
        new D.Normal(f([[0, 1], [0, 1], [0, 1]]), 1),
      ),
    /^MixtureSameFamily: `mixture_distribution.batch_shape` \(torch.Size\(\[2\]\)\) is not compatible/,
  );
  const m = new D.MixtureSameFamily(
    new D.Categorical({ probs: f([0.5, 0.5]) }),
    new D.Normal(f([0, 1]), f([1, 1])),
  );
  assert.deepEqual([m.batchShape, m.eventShape, m.expand([3]).batchShape, m.expand([3]).sample([2]).shape], [
    [],
    [],
    [3],
    [2, 3],
  ]);
  assertThrowsMsg(
    () => m.entropy(),
    /^MixtureSameFamily.entropy: MixtureSameFamily does not implement entropy/,
  );
  const ln = new D.LogisticNormal(0, 1);
  assert.deepEqual([ln.batchShape, ln.eventShape], [[], [2]]);
  const st = new D.OneHotCategoricalStraightThrough({ probs: f([0.2, 0.8]) });
  assert.ok(st.expand([3]) instanceof D.OneHotCategoricalStraightThrough);
  assert.deepEqual(st.expand([3]).rsample().shape, [3, 2]);
  const rb = new D.RelaxedBernoulli(0.5, { probs: f([0.3, 0.6]) }).expand([4, 2]);
  assert.deepEqual([rb.batchShape, rb.rsample().shape, rb.temperature.shape], [[4, 2], [4, 2], []]);
  assert.equal(String(rb), "RelaxedBernoulli()");
});

deviceTest("distributions more: Poisson samples on the GPU say the rates must be on the CPU", (device) => {
  const d = new D.Poisson(torch.tensor([1, 2], { dtype: "float32", device }));
  assertThrowsMsg(() => d.sample(), /^Poisson.sample: the rates must be on the CPU/);
}, { devices: ["gpu"] });

for (const c of fx.binomial_samplers) {
  Deno.test(`distributions samplers: seeded torch.binomial ${c.name} draws PyTorch's values`, () => {
    const dtype = c.dtype as "float32" | "float64";
    torch.manualSeed(c.seed);
    const v = torch.binomial(torch.tensor(c.count, { dtype }), torch.tensor(c.prob, { dtype }));
    assert.equal(v.dtype, dtype);
    assertClose(v.double().dataSync(), c.out, { rtol: 0, atol: 0, msg: c.name });
    assertClose(torch.rand(3), c.rand_after, {
      rtol: 0,
      atol: 0,
      msg: `${c.name}: the generator's position after`,
    });
  });
}

Deno.test("distributions more: Binomial and Multinomial errors, shapes and enumerateSupport", () => {
  const f = (v: number[] | number[][]) => torch.tensor(v, { dtype: "float32" });
  assertThrowsMsg(
    () => new D.Binomial(f([2.5]), { probs: f([0.5]) }),
    /^Binomial: expected parameter totalCount .*IntegerGreaterThan/,
  );
  assertThrowsMsg(
    () => new D.Binomial(5, { probs: f([0.5]) }).logProb(f([6])),
    /^Binomial.logProb: expected value argument .*IntegerInterval\(lower_bound=0, upper_bound=/,
  );
  assertThrowsMsg(
    () => new D.Binomial(f([5, 6]), { probs: f([0.5, 0.5]) }).entropy(),
    /inhomogeneous total count not supported/,
  );
  assertThrowsMsg(
    () => new D.Multinomial(2.5, { probs: f([0.5, 0.5]) }),
    /^Multinomial: totalCount must be a non-negative integer/,
  );
  assertThrowsMsg(
    () => new D.Multinomial(3, { probs: f([0.5, 0.5]) }).logProb(f([3, 1])),
    /^Multinomial.logProb: expected value argument .*\(Multinomial\(\)\)/,
  );
  assertThrowsMsg(
    () => torch.binomial(f([1, 2]), f([0.5])),
    /^binomial: count and prob must have the same shape/,
  );
  assertThrowsMsg(
    () => D.klDivergence(new D.Binomial(5, { probs: f([0.5]) }), new D.Binomial(6, { probs: f([0.5]) })),
    /q.total_count > p.total_count is not implemented/,
  );
  const b = new D.Binomial(3, { probs: f([0.2, 0.7]) });
  assert.deepEqual(b.enumerateSupport().toArray(), [[0, 0], [1, 1], [2, 2], [3, 3]]);
  assert.deepEqual(b.mode.toArray(), [0, 2]);
  assert.deepEqual(b.expand([4, 2]).sample([3]).shape, [3, 4, 2]);
  const m = new D.Multinomial(6, { logits: f([[0, 1, 2]]) });
  assert.deepEqual([m.batchShape, m.eventShape, m.sample([5]).shape, m.expand([2]).sample().shape], [
    [1],
    [3],
    [5, 1, 3],
    [2, 3],
  ]);
  assert.ok([...m.sample([10]).sum(-1).dataSync()].every((v) => v === 6));
});

deviceTest(
  "distributions more: Binomial samples on the GPU say the parameters must be on the CPU",
  (device) => {
    const d = new D.Binomial(5, { probs: torch.tensor([0.5], { dtype: "float32", device }) });
    assertThrowsMsg(() => d.sample(), /^Binomial.sample: the parameters must be on the CPU/);
  },
  { devices: ["gpu"] },
);
