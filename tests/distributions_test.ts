/**
 * torch.distributions against PyTorch 1.13 (tests/fixtures/distributions.json, made by
 * tools/fixtures/distributions_fixtures.py): values and gradients on both devices, seeded samples
 * element for element, KL divergences, erf/erfinv, two seeded training loops (REINFORCE, a VAE),
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
  given: string | null;
  param_dtype?: "float64";
}

const fx = JSON.parse(
  await Deno.readTextFile(new URL("./fixtures/distributions.json", import.meta.url)),
  (_k, v) => v === "nan" ? NaN : v === "inf" ? Infinity : v === "-inf" ? -Infinity : v,
);

/** The distribution of a fixture spec on `device`, its array parameters as leaves requiring grad. */
function make(spec: Spec, device: Device, requiresGrad = true) {
  const ps: Record<string, Tensor | number> = {};
  for (const [k, v] of Object.entries(spec.params)) {
    // Numbers stay numbers on the CPU; on the GPU they become 0-d tensors there (edgetorch, unlike
    // PyTorch, does not mix a CPU scalar tensor into a GPU op).
    const dtype = spec.param_dtype ?? "float32";
    ps[k] = typeof v === "number"
      ? (device === "cpu" ? v : torch.tensor(v, { dtype, device }))
      : torch.tensor(v, { dtype, device, requiresGrad });
  }
  const g = spec.given as "probs" | "logits";
  const dist = (() => {
    switch (spec.family) {
      case "Normal":
        return new D.Normal(ps.loc, ps.scale);
      case "Uniform":
        return new D.Uniform(ps.low, ps.high);
      case "Bernoulli":
        return new D.Bernoulli({ [g]: ps[g] });
      case "Categorical":
        return new D.Categorical({ [g]: ps[g] });
      case "OneHotCategorical":
        return new D.OneHotCategorical({ [g]: ps[g] });
      case "IndependentNormal":
        return new D.Independent(new D.Normal(ps.loc, ps.scale), 1);
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
    await assertCloseAsync(await flatAsync(p.grad!), g, { rtol: 2e-5, atol: 2e-6, msg: `${msg} grad ${k}` });
  }
}

for (const c of fx.values) {
  deviceTest(
    `distributions: ${c.name} matches PyTorch (logProb, entropy, moments, cdf/icdf, gradients)`,
    async (device) => {
      const { dist, ps } = make(c, device);
      const d = dist as torch.distributions.Distribution & { probs?: Tensor; logits?: Tensor };
      assert.deepEqual(d.batchShape, c.batch_shape);
      assert.deepEqual(d.eventShape, c.event_shape);
      const value = torch.tensor(c.value, {
        dtype: c.family === "Categorical" ? "int32" : "float32",
        device,
      });
      const lp = d.logProb(value);
      assert.deepEqual(lp.shape, c.log_prob_shape);
      const opts = { rtol: 1e-5, atol: 1e-6 };
      await assertCloseAsync(await flatAsync(lp), c.log_prob, { ...opts, msg: "logProb" });
      const ent = d.entropy();
      await assertCloseAsync(await flatAsync(ent), c.entropy, { ...opts, msg: "entropy" });
      await assertCloseAsync(await flatAsync(d.mean), c.mean, { ...opts, msg: "mean" });
      await assertCloseAsync(await flatAsync(d.variance), c.variance, { ...opts, msg: "variance" });
      await assertCloseAsync(await flatAsync(d.stddev), c.stddev, { ...opts, msg: "stddev" });
      if (c.probs) {
        await assertCloseAsync(await flatAsync(d.probs!), c.probs, { ...opts, msg: "probs" });
        await assertCloseAsync(await flatAsync(d.logits!), c.logits, { ...opts, msg: "logits" });
      }
      let loss = lp.mul(weights(lp.shape, device)).sum().add(
        ent.mul(weights(ent.shape, device, 0.2, 0.8)).sum(),
      );
      if (c.cdf) {
        const cdf = d.cdf(value);
        const icdf = d.icdf(torch.tensor(c.icdf_input, { dtype: "float32", device }));
        await assertCloseAsync(await flatAsync(cdf), c.cdf, { ...opts, msg: "cdf" });
        await assertCloseAsync(await flatAsync(icdf), c.icdf, { rtol: 1e-5, atol: 2e-6, msg: "icdf" });
        loss = loss.add(cdf.mul(weights(cdf.shape, device, 1, 2)).sum())
          .add(icdf.mul(weights(icdf.shape, device, -1, 1)).sum());
      }
      loss.backward();
      await checkGrads(ps, c.grads, c.name);
    },
  );
}

for (const c of fx.kl) {
  deviceTest(`distributions: klDivergence ${c.name} matches PyTorch (values, gradients)`, async (device) => {
    const p = make(c.p, device), q = make(c.q, device);
    const kl = D.klDivergence(p.dist, q.dist);
    assert.deepEqual(kl.shape, c.shape);
    await assertCloseAsync(await flatAsync(kl), c.kl, { rtol: 1e-5, atol: 1e-6, msg: "kl" });
    const finite = torch.where(torch.isfinite(kl), kl, torch.zerosLike(kl));
    finite.mul(weights(kl.shape, device)).sum().backward();
    await checkGrads(p.ps, c.grads, c.name, "p.");
    await checkGrads(q.ps, c.grads, c.name, "q.");
  });
}

deviceTest("distributions: torch.erf and torch.erfinv match PyTorch (values, gradients)", async (device) => {
  const s = fx.special;
  const x = torch.tensor(s.erf_x, { dtype: "float32", device, requiresGrad: true });
  const y = torch.erf(x);
  await assertCloseAsync(await flatAsync(y), s.erf, { rtol: 0, atol: 2e-7, msg: "erf" });
  y.mul(weights(y.shape, device)).sum().backward();
  await assertCloseAsync(await flatAsync(x.grad!), s.erf_grad, { rtol: 1e-5, atol: 1e-7, msg: "erf grad" });
  assert.equal(y.gradFn?.name, "ErfBackward0");
  const p = torch.tensor(s.erfinv_x, { dtype: "float32", device, requiresGrad: true });
  const z = torch.erfinv(p);
  await assertCloseAsync(await flatAsync(z), s.erfinv, { rtol: 5e-6, atol: 1e-7, msg: "erfinv" });
  z.mul(weights(z.shape, device)).sum().backward();
  await assertCloseAsync(await flatAsync(p.grad!), s.erfinv_grad, {
    rtol: 2e-5,
    atol: 1e-6,
    msg: "erfinv grad",
  });
  assert.equal(z.gradFn?.name, "ErfinvBackward0");
  const edges = torch.erfinv(torch.tensor([1, -1, 1.5, -2], { dtype: "float32", device }));
  await assertCloseAsync(await flatAsync(edges), s.erfinv_edges, { msg: "erfinv edges" });
  // Integer input computes in float32, as PyTorch's
  assert.equal(torch.erf(torch.tensor([0, 1])).dtype, "float32");
  // The methods: x.erf(), x.erfinv() and their in-place forms.
  await assertCloseAsync(await flatAsync(x.detach().erf()), s.erf, { rtol: 0, atol: 2e-7, msg: "x.erf()" });
  const inPlace = p.detach().clone();
  assert.equal(inPlace.erfinv_(), inPlace);
  await assertCloseAsync(await flatAsync(inPlace), s.erfinv, { rtol: 5e-6, atol: 1e-7, msg: "x.erfinv_()" });
  await assertCloseAsync(await flatAsync(inPlace.erf_()), await flatAsync(p.detach()), { atol: 1e-6 });
});

for (const c of fx.samples) {
  deviceTest(`distributions: seeded ${c.name} draws PyTorch's samples`, async (device) => {
    const { dist, ps } = make(c, device);
    torch.manualSeed(c.seed);
    const s = c.method === "rsample" ? dist.rsample(c.sample_shape) : dist.sample(c.sample_shape);
    assert.deepEqual(s.shape, c.shape);
    assert.equal(s.dtype, c.dtype === "int64" ? "int32" : c.dtype);
    await assertCloseAsync(await flatAsync(s), c.out, { rtol: 1e-6, atol: 1e-6, msg: c.name });
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

for (const c of fx.samples_float64) {
  Deno.test(`distributions: seeded ${c.name} draws PyTorch's double streams`, async () => {
    const { dist, ps } = make(c, "cpu");
    torch.manualSeed(c.seed);
    const s = c.method === "rsample" ? dist.rsample(c.sample_shape) : dist.sample(c.sample_shape);
    assert.deepEqual(s.shape, c.shape);
    assert.equal(s.dtype, c.dtype === "int64" ? "int32" : c.dtype);
    assertClose(s.dataSync(), c.out, { rtol: 1e-12, atol: 1e-12, msg: c.name });
    assertClose(torch.rand(3), c.rand_after, {
      rtol: 0,
      atol: 0,
      msg: `${c.name}: the generator's position after`,
    });
    if (c.grads) {
      s.mul(weights(s.shape, "cpu").double()).sum().backward();
      await checkGrads(ps, c.grads, c.name);
    }
  });
}

/** A `Linear`'s parameters set from a fixture's state dict. */
function loadState(model: torch.nn.Module, state: Record<string, number[]>) {
  const sd = model.stateDict();
  for (const [k, v] of Object.entries(state)) {
    assertClose(sd[k].dataSync(), v, { rtol: 0, atol: 0, msg: `seeded init of ${k}` });
  }
}

deviceTest(
  "distributions: a seeded REINFORCE loop (Categorical policy, Adam) reproduces PyTorch's losses",
  async (device) => {
    const r = fx.reinforce;
    torch.manualSeed(0);
    const states = torch.randn(6, 4);
    const rewardTable = torch.randn(6, 3);
    assertClose(states.dataSync(), r.states, { rtol: 0, atol: 0 });
    const policy = new torch.nn.Sequential(
      new torch.nn.Linear(4, 16),
      new torch.nn.Tanh(),
      new torch.nn.Linear(16, 3),
    );
    loadState(policy, r.init_state);
    policy.to(device);
    const s = states.to(device), table = rewardTable.to(device);
    const opt = new torch.optim.Adam(policy.parameters(), { lr: 0.05 });
    for (let step = 0; step < r.losses.length; step++) {
      const m = new D.Categorical({ logits: policy(s) });
      const a = m.sample();
      const reward = table.gather(1, a.unsqueeze(1)).squeeze(1);
      const ent = m.entropy().mean();
      const loss = m.logProb(a).mul(reward).mean().neg().sub(ent.mul(0.01));
      opt.zeroGrad();
      loss.backward();
      opt.step();
      assert.deepEqual(await a.toArrayAsync(), r.actions[step], `step ${step} actions`);
      assertClose([await loss.itemAsync() as number], [r.losses[step]], {
        rtol: 1e-4,
        atol: 1e-5,
        msg: `step ${step} loss`,
      });
      assertClose([await ent.itemAsync() as number], [r.entropies[step]], {
        rtol: 1e-4,
        atol: 1e-5,
        msg: `step ${step} entropy`,
      });
    }
    const sd = policy.stateDict();
    for (const [k, v] of Object.entries(r.final_state as Record<string, number[]>)) {
      await assertCloseAsync(await sd[k].dataAsync(), v, { rtol: 1e-3, atol: 1e-4, msg: `final ${k}` });
    }
    assertClose(torch.rand(3), r.rand_after, { rtol: 0, atol: 0, msg: "generator position after the loop" });
  },
);

class TinyVAE extends torch.nn.Module {
  enc = new torch.nn.Linear(4, 4);
  dec = new torch.nn.Linear(2, 4);
  override forward(x: Tensor): [Tensor, Tensor] {
    const h = this.enc(x);
    const mu = h.index(":", ":2"), logvar = h.index(":", "2:");
    const q = new D.Normal(mu, logvar.mul(0.5).exp());
    const z = q.rsample();
    const recon = this.dec(z);
    const kl = D.klDivergence(q, new D.Normal(torch.zerosLike(mu), torch.onesLike(mu))).sum(1).mean();
    return [torch.nn.functional.mseLoss(recon, x).add(kl), kl];
  }
}

deviceTest(
  "distributions: a seeded VAE (Normal.rsample, the KL term, SGD) reproduces PyTorch's losses",
  async (device) => {
    const v = fx.vae;
    torch.manualSeed(1);
    const x = torch.randn(10, 4);
    const model = new TinyVAE();
    loadState(model, v.init_state);
    model.to(device);
    const xd = x.to(device);
    const opt = new torch.optim.SGD(model.parameters(), { lr: 0.1 });
    for (let step = 0; step < v.losses.length; step++) {
      const [loss, kl] = model(xd) as unknown as [Tensor, Tensor];
      opt.zeroGrad();
      loss.backward();
      opt.step();
      assertClose([await loss.itemAsync() as number], [v.losses[step]], {
        rtol: 1e-4,
        atol: 1e-5,
        msg: `step ${step} loss`,
      });
      assertClose([await kl.itemAsync() as number], [v.kls[step]], {
        rtol: 1e-4,
        atol: 1e-5,
        msg: `step ${step} kl`,
      });
    }
    assertClose(torch.rand(3), v.rand_after, { rtol: 0, atol: 0, msg: "generator position after the loop" });
  },
);

deviceTest(
  "distributions: finite-difference gradchecks of logProb, cdf, icdf, entropy, rsample and KL",
  async (device) => {
    const t = (v: number[]) => torch.tensor(v, { dtype: "float32", device, requiresGrad: true });
    const opts = { eps: 1e-2, atol: 3e-3, rtol: 2e-2 };
    const x = (d: Device) => torch.tensor([0.3, -1.2, 2.0], { dtype: "float32", device: d });
    await gradcheckAsync((loc, scale) => new D.Normal(loc, scale).logProb(x(loc.device)), [
      t([0.1, -1, 1]),
      t([1, 0.7, 2]),
    ], opts);
    await gradcheckAsync((loc, scale, v) => new D.Normal(loc, scale).cdf(v), [
      t([0.1, -1, 1]),
      t([1, 0.7, 2]),
      t([0.3, -1.2, 2]),
    ], opts);
    await gradcheckAsync((loc, scale, p) => new D.Normal(loc, scale).icdf(p), [
      t([0.1, -1, 1]),
      t([1, 0.7, 2]),
      t([0.2, 0.5, 0.9]),
    ], {
      ...opts,
      eps: 1e-3,
    });
    await gradcheckAsync((scale) => new D.Normal(0, scale).entropy(), [t([1, 0.7, 2])], opts);
    await gradcheckAsync(
      (low, high) => new D.Uniform(low, high).logProb(torch.tensor([0.5, 1], { device: low.device })),
      [
        t([0, -1]),
        t([2, 3]),
      ],
      opts,
    );
    await gradcheckAsync(
      (low, high) => new D.Uniform(low, high).cdf(torch.tensor([0.5, 1], { device: low.device })),
      [
        t([0, -1]),
        t([2, 3]),
      ],
      opts,
    );
    await gradcheckAsync(
      (logits) =>
        new D.Bernoulli({ logits }).logProb(
          torch.tensor([1, 0, 1], { dtype: "float32", device: logits.device }),
        ),
      [t([-1, 0.5, 2])],
      opts,
    );
    await gradcheckAsync((probs) => new D.Bernoulli({ probs }).entropy(), [t([0.2, 0.5, 0.7])], opts);
    await gradcheckAsync(
      (logits) =>
        new D.Categorical({ logits }).logProb(
          torch.tensor([2, 0], { dtype: "int32", device: logits.device }),
        ),
      [torch.tensor([[0.1, 0.5, -1], [1, 2, 0]], { dtype: "float32", device, requiresGrad: true })],
      opts,
    );
    await gradcheckAsync((probs) => new D.Categorical({ probs }).entropy(), [t([0.2, 0.3, 0.5])], opts);
    await gradcheckAsync(
      (l1, s1) => D.klDivergence(new D.Normal(l1, s1), new D.Normal(torch.zerosLike(l1), torch.onesLike(s1))),
      [t([0.5, -1]), t([0.7, 1.5])],
      opts,
    );
    await gradcheckAsync(
      (a, b) => D.klDivergence(new D.Categorical({ logits: a }), new D.Categorical({ logits: b })),
      [t([0.5, -1, 0]), t([0.7, 1.5, 0])],
      opts,
    );
    await gradcheckAsync((x) => torch.erf(x), [t([-1.5, -0.2, 0.3, 0.7])], opts);
    await gradcheckAsync((x) => torch.erfinv(x), [t([-0.8, -0.2, 0.3, 0.6])], { ...opts, eps: 1e-3 });
  },
);

Deno.test("distributions: rsample's gradient is the reparameterization's (a fixed draw, finite differences)", () => {
  const t = (v: number[]) => torch.tensor(v, { dtype: "float32", requiresGrad: true });
  gradcheck((loc, scale) => {
    torch.manualSeed(3);
    return new D.Normal(loc, scale).rsample([4]);
  }, [t([0.5, -1]), t([1, 2])]);
  gradcheck((low, high) => {
    torch.manualSeed(3);
    return new D.Uniform(low, high).rsample([4]);
  }, [t([0, -1]), t([1, 2])]);
});

Deno.test("distributions: validation errors name the distribution, the parameter or value and the constraint", () => {
  const expect = (name: string) => fx.errors.find((e: { name: string }) => e.name === name).message as string;
  const f = (v: number[]) => torch.tensor(v, { dtype: "float32" });
  // PyTorch's messages, prefixed with the distribution (shapes printed as edgetorch prints them).
  const pytorch = (m: string) => m.replace(/\(Tensor of shape \((\d*),?\)\)/, "(Tensor of shape [$1])");
  const cases: [string, () => unknown, string][] = [
    ["normal scale", () => new D.Normal(f([0, 1]), f([1, -2])), "Normal: "],
    ["bernoulli probs", () => new D.Bernoulli({ probs: f([0.5, 1.5]) }), "Bernoulli: "],
    ["categorical probs", () => new D.Categorical({ probs: f([0.5, -0.5, 1]) }), "Categorical: "],
    ["bernoulli value", () => new D.Bernoulli({ probs: f([0.5]) }).logProb(f([0.5])), "Bernoulli.logProb: "],
    [
      "categorical value",
      () => new D.Categorical({ logits: torch.zeros(3) }).logProb(torch.tensor(3)),
      "Categorical.logProb: ",
    ],
    ["normal value nan", () => new D.Normal(0, 1).logProb(torch.tensor(NaN)), "Normal.logProb: "],
    ["uniform value", () => new D.Uniform(0, 1).logProb(torch.tensor(1.5)), "Uniform.logProb: "],
  ];
  for (const [name, fn, prefix] of cases) {
    const m = pytorch(expect(name));
    const want = prefix + m[0].toLowerCase() + m.slice(1);
    assert.throws(fn as () => void, (e: unknown) => {
      assert.ok(e instanceof RangeError, name);
      assert.equal(e.message.split("\n")[0], want, name);
      return true;
    });
  }
  assertThrowsMsg(
    () => new D.Uniform(f([0, 2]), f([1, 1])),
    /^Uniform: Uniform is not defined when low >= high/,
  );
  assertThrowsMsg(
    () => new D.Bernoulli({}),
    /^Bernoulli: either `probs` or `logits` must be specified, but not both/,
  );
  assertThrowsMsg(
    () => new D.Categorical({ probs: f([0.5, 0.5]), logits: f([0, 0]) }),
    /^Categorical: either `probs` or `logits` must be specified, but not both/,
  );
  assertThrowsMsg(
    () => new D.Categorical({ probs: torch.tensor(0.5) }),
    /^Categorical: `probs` parameter must be at least one-dimensional/,
  );
  assertThrowsMsg(
    () => new D.Normal(f([0, 1]), f([1, 1, 1])),
    /^Normal: the shapes of loc, scale \(\[2\], \[3\]\) do not broadcast/,
  );
  assertThrowsMsg(
    () => new D.Normal("a" as unknown as number, 1),
    /^Normal: loc must be a number or a Tensor, got string/,
  );
  const n = new D.Normal(f([0, 1]), f([1, 1]));
  assertThrowsMsg(
    () => n.logProb(0.5 as unknown as Tensor),
    /^Normal.logProb: the value argument must be a Tensor, got number/,
  );
  assertThrowsMsg(
    () => n.logProb(f([1, 2, 3])),
    /^Normal.logProb: value is not broadcastable with batch_shape\+event_shape: torch.Size\(\[3\]\) vs torch.Size\(\[2\]\)/,
  );
  const oh = new D.OneHotCategorical({ probs: f([0.5, 0.5]) });
  assertThrowsMsg(
    () => oh.logProb(f([1, 0, 0])),
    /^OneHotCategorical.logProb: the right-most size of value must match event_shape: torch.Size\(\[3\]\) vs torch.Size\(\[2\]\)/,
  );
  assertThrowsMsg(
    () => oh.logProb(f([1, 1])),
    /^OneHotCategorical.logProb: expected value argument .* support \(OneHot\(\)\)/,
  );
  assertThrowsMsg(
    () => n.sample([-1]),
    /^Normal.sample: sampleShape must be an array of non-negative integers, got \[-1\]/,
  );
  assertThrowsMsg(
    () => new D.Independent(n, 2),
    /^Independent: expected reinterpretedBatchNdims <= len\(base_distribution.batch_shape\), actual 2 vs 1/,
  );
  assertThrowsMsg(
    () => D.klDivergence(n, new D.Bernoulli({ probs: 0.5 })),
    /^klDivergence: no KL\(p \|\| q\) is implemented for p type Normal and q type Bernoulli/,
  );
  assertThrowsMsg(
    () => new D.Bernoulli({ probs: f([0.5]) }).rsample(),
    /^Bernoulli.rsample: Bernoulli has no reparameterized sample \(hasRsample is false/,
  );
  assertThrowsMsg(
    () => new D.Bernoulli({ probs: f([0.5]) }).cdf(f([1])),
    /^Bernoulli.cdf: Bernoulli has no cdf/,
  );
  assertThrowsMsg(() => n.enumerateSupport(), /^Normal.enumerateSupport: Normal has no finite support/);
  const bern2 = new D.Bernoulli({ probs: f([0.5, 0.5]).reshape(1, 2) });
  assertThrowsMsg(
    () => new D.Independent(bern2, 1).enumerateSupport(),
    /^Independent.enumerateSupport: with 1 reinterpreted dims the support is the cartesian product/,
  );
  assertThrowsMsg(
    () => D.klDivergence(new D.Independent(bern2, 1), new D.Independent(bern2, 2)),
    /^klDivergence: Independent distributions over 1 and 2 reinterpreted dims have events of different shapes/,
  );
  assertThrowsMsg(
    () => D.Distribution.setDefaultValidateArgs(1 as unknown as boolean),
    /expected true or false, got 1/,
  );
  assertThrowsMsg(
    () => new D.Categorical({ probs: 0.5 }),
    /^Categorical: `probs` must be a Tensor, got number/,
  );
  assertThrowsMsg(
    () => new D.Independent(n, -1),
    /^Independent: reinterpretedBatchNdims must be a non-negative integer, got -1/,
  );
  assertThrowsMsg(
    () => D.klDivergence(n, {} as torch.distributions.Distribution),
    /^klDivergence: expected two Distributions/,
  );
  assertThrowsMsg(
    () => D.registerKl(Object as never, D.Normal, () => torch.zeros(1)),
    /^registerKl: expected Distribution subclasses/,
  );
  assertThrowsMsg(
    () => new D.Normal(0, 1, null as never),
    /^Normal: options must be an object like \{ validateArgs \}/,
  );
  assertThrowsMsg(() => n.expand([3]), /^Normal.expand: /);
  // Out-of-range probabilities with validation off still fail when sampled, as torch.bernoulli does.
  assertThrowsMsg(
    () => new D.Bernoulli({ probs: f([1.5]), validateArgs: false }).sample(),
    /^Bernoulli.sample: .*\[0, 1\]/,
  );
  assertThrowsMsg(
    () => new D.Bernoulli({ probs: torch.tensor([1.5], { dtype: "float64" }), validateArgs: false }).sample(),
    /^Bernoulli.sample: expected all probabilities to be in \[0, 1\]/,
  );
});

Deno.test("distributions: validateArgs false skips the checks; setDefaultValidateArgs changes the default", () => {
  const f = (v: number[]) => torch.tensor(v, { dtype: "float32" });
  const n = new D.Normal(f([0]), f([-1]), { validateArgs: false });
  assert.equal(n.validateArgs, false);
  assert.ok(Number.isNaN(n.logProb(f([0])).item() as number)); // log(-1), as PyTorch computes it
  assert.equal(new D.Uniform(0, 1, { validateArgs: false }).logProb(torch.tensor(1.5)).item(), -Infinity);
  D.Distribution.setDefaultValidateArgs(false);
  try {
    assert.equal(D.Distribution.defaultValidateArgs, false);
    assert.equal(new D.Bernoulli({ probs: f([1.5]) }).validateArgs, false);
  } finally {
    D.Distribution.setDefaultValidateArgs(true);
  }
  assertThrowsMsg(() => new D.Bernoulli({ probs: f([1.5]) }), /^Bernoulli: expected parameter probs/);
});

deviceTest(
  "distributions: on the GPU a failed check travels with the results (reading them rejects)",
  async (device) => {
    const f = (v: number[]) => torch.tensor(v, { dtype: "float32", device });
    const n = new D.Normal(f([0, 1]), f([1, -2]));
    await assertRejectsMsg(
      () => n.logProb(f([0, 0])).dataAsync(),
      /Normal: expected parameter scale .* GreaterThan\(lower_bound=0.0\)/,
    );
    await assertRejectsMsg(() => n.sample().dataAsync(), /Normal: expected parameter scale/);
    const b = new D.Bernoulli({ probs: f([0.5, 0.5]) });
    await assertRejectsMsg(
      () => b.logProb(f([0.5, 1])).dataAsync(),
      /Bernoulli.logProb: expected value argument .*\(Boolean\(\)/,
    );
    const c = new D.Categorical({ logits: f([0, 0, 0]) });
    await assertRejectsMsg(
      () => c.logProb(torch.tensor([3], { dtype: "int32", device })).dataAsync(),
      /Categorical.logProb: expected value argument .*\(IntegerInterval\(lower_bound=0, upper_bound=2\)/,
    );
    // Valid values read normally.
    assert.equal((await b.logProb(f([0, 1])).dataAsync()).length, 2);
  },
  { devices: ["gpu"] },
);

deviceTest(
  "distributions: expand, enumerateSupport, mode, perplexity and shapes as PyTorch",
  async (device) => {
    const f = (v: number[] | number[][]) => torch.tensor(v, { dtype: "float32", device });
    const n = new D.Normal(f([0, 1]), f([1, 2]));
    const e = n.expand([3, 2]);
    assert.ok(e instanceof D.Normal);
    assert.deepEqual([e.batchShape, e.loc.shape, e.sample([4]).shape], [[3, 2], [3, 2], [4, 3, 2]]);
    await assertCloseAsync(
      await flatAsync(e.logProb(f([0.5, 0.5]))),
      await flatAsync(n.logProb(f([0.5, 0.5])).expand([3, 2])),
    );
    const c = new D.Categorical({ probs: f([[0.2, 0.8], [0.6, 0.4]]) });
    assert.deepEqual(c.expand([5, 2]).sample([3]).shape, [3, 5, 2]);
    assert.deepEqual(await c.mode.toArrayAsync(), [1, 0]);
    assert.deepEqual(await c.enumerateSupport().toArrayAsync(), [[0, 0], [1, 1]]);
    assert.deepEqual(c.enumerateSupport(false).shape, [2, 1]);
    const b = new D.Bernoulli({ probs: f([0.2, 0.5, 0.9]) });
    assert.deepEqual(await b.mode.toArrayAsync(), [0, NaN, 1]);
    assert.deepEqual(await b.enumerateSupport().toArrayAsync(), [[0, 0, 0], [1, 1, 1]]);
    assert.deepEqual(b.expand([2, 3]).batchShape, [2, 3]);
    const oh = new D.OneHotCategorical({ logits: f([0.1, 2, 0.3]) });
    assert.deepEqual(await oh.mode.toArrayAsync(), [0, 1, 0]);
    assert.deepEqual(oh.expand([4]).sample([2]).shape, [2, 4, 3]);
    assert.deepEqual(oh.enumerateSupport().shape, [3, 3]);
    await assertCloseAsync(await flatAsync(oh.perplexity()), await flatAsync(oh.entropy().exp()));
    const ind = new D.Independent(new D.Normal(f([[0, 1]]), f([[1, 2]])), 1);
    assert.deepEqual([ind.expand([3]).batchShape, ind.expand([3]).eventShape], [[3], [2]]);
    assert.equal(ind.hasRsample, true);
    assert.equal(String(n), "Normal(loc: torch.Size([2]), scale: torch.Size([2]))");
    assert.equal(String(new D.Normal(0, 1)), "Normal(loc: 0.0, scale: 1.0)");
    assert.equal(String(ind), "Independent(Normal(loc: torch.Size([1, 2]), scale: torch.Size([1, 2])), 1)");
    const u = new D.Uniform(0, 1);
    assert.deepEqual([u.batchShape, u.sample().shape, u.sample(3).shape], [[], [], [3]]);
    assert.ok(Number.isNaN(await u.mode.itemAsync() as number));
    // Integer tensors count as float32 (JavaScript has no 1.0 distinct from 1).
    assert.equal(new D.Normal(torch.tensor([0, 1]), 1).loc.dtype, "float32");
  },
);

Deno.test("distributions: sample has no gradient, rsample does; samples do not hold the graph", () => {
  const loc = torch.tensor([0.5], { dtype: "float32", requiresGrad: true });
  const n = new D.Normal(loc, 1);
  assert.equal(n.sample().requiresGrad, false);
  assert.equal(n.rsample().requiresGrad, true);
  const logits = torch.tensor([0.1, 0.2], { dtype: "float32", requiresGrad: true });
  assert.equal(new D.Categorical({ logits }).sample().requiresGrad, false);
  assert.equal(new D.Bernoulli({ logits }).sample().requiresGrad, false);
  assert.equal(new D.Uniform(loc, 2).sample().requiresGrad, false);
});

const gc = (globalThis as { gc?: () => void }).gc;

async function settle(): Promise<void> {
  for (let i = 0; i < 4; i++) {
    gc?.();
    await new Promise((r) => setTimeout(r, 5));
  }
}

deviceTest(
  "distributions: a plain REINFORCE loop leaks nothing (collected, memory returns to its start)",
  async (device) => {
    if (!gc) return; // needs --expose-gc (deno task test passes it)
    const { wasmBackend } = await import("../src/backends/wasm/backend.ts");
    const live = () =>
      device === "cpu" ? wasmBackend().memoryStats().residentCount : torch.gpu.webgpuBackend()!.liveBytes();
    torch.manualSeed(0);
    const policy = new torch.nn.Sequential(
      new torch.nn.Linear(4, 8),
      new torch.nn.Tanh(),
      new torch.nn.Linear(8, 3),
    ).to(device);
    const opt = new torch.optim.Adam(policy.parameters(), { lr: 0.01 });
    const states = torch.randn([5, 4], { device });
    const step = () => {
      const m = new D.Categorical({ logits: policy(states) });
      const a = m.sample();
      const noise = new D.Normal(torch.zeros([5], { device }), torch.ones([5], { device })).rsample();
      const loss = m.logProb(a).mul(noise.detach()).mean().neg().sub(m.entropy().mean().mul(0.01));
      opt.zeroGrad();
      loss.backward();
      opt.step();
      return loss;
    };
    for (let i = 0; i < 3; i++) await step().itemAsync(); // optimizer state and pool buckets exist now
    await settle();
    const start = live();
    for (let i = 0; i < 20; i++) await step().itemAsync();
    await settle();
    assert.equal(live(), start, "once collected, memory is back at its start");
  },
);
