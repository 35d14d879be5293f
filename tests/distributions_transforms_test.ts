/**
 * torch.distributions.transforms, biject_to / transform_to, and the samplers Tensor.geometric_ /
 * cauchy_ / log_normal_ / exponential_ and torch.poisson against PyTorch 1.13
 * (tests/fixtures/dists_more.json, made by tools/fixtures/dists_more_fixtures.py): values,
 * log-Jacobians and gradients on both devices, finite-difference gradchecks, seeded draws element
 * for element with the generator's position after, and the errors.
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
const T = D.transforms;

const fx = JSON.parse(
  await Deno.readTextFile(new URL("./fixtures/dists_more.json", import.meta.url)),
  (_k, v) => v === "nan" ? NaN : v === "inf" ? Infinity : v === "-inf" ? -Infinity : v,
);

function weights(shape: readonly number[], device: Device, lo = 0.5, hi = 1.5): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return torch.linspace(lo, hi, Math.max(n, 1)).narrow(0, 0, n).reshape([...shape]).to(device);
}

function transformOf(name: string, arg: unknown, device: Device): torch.distributions.transforms.Transform {
  const t = (v: unknown) => torch.tensor(v as number[], { dtype: "float32", device });
  switch (name) {
    case "exp":
      return new T.ExpTransform();
    case "affine":
      return new T.AffineTransform(t((arg as number[][])[0]), t((arg as number[][])[1]));
    case "affine scalar":
      return new T.AffineTransform((arg as number[])[0], (arg as number[])[1]);
    case "power":
      return new T.PowerTransform(t(arg));
    case "sigmoid":
      return new T.SigmoidTransform();
    case "softplus":
      return new T.SoftplusTransform();
    case "tanh":
      return new T.TanhTransform();
    case "abs":
      return new T.AbsTransform();
    case "softmax":
      return new T.SoftmaxTransform();
    case "stickbreaking":
      return new T.StickBreakingTransform();
    case "compose exp affine":
      return new T.ComposeTransform([new T.ExpTransform(), new T.AffineTransform(1, -2)]);
    case "compose stick exp":
      return new T.ComposeTransform([
        new T.StickBreakingTransform(),
        new T.PowerTransform(torch.tensor(2, { dtype: "float32", device })),
      ]);
    case "independent exp":
      return new T.IndependentTransform(new T.ExpTransform(), 1);
    case "inverse sigmoid":
      return new T.SigmoidTransform().inv;
  }
  throw new Error(`unknown transform ${name}`);
}

for (const c of fx.transforms) {
  deviceTest(
    `distributions transforms: ${c.name} matches PyTorch (call, inv, logAbsDetJacobian, gradients)`,
    async (device) => {
      const t = transformOf(c.name, c.arg, device);
      const x = torch.tensor(c.x, { dtype: "float32", device, requiresGrad: true });
      const y = t.call(x);
      assert.deepEqual(y.shape, c.y_shape);
      const opts = { rtol: 2e-5, atol: 2e-6 };
      await assertCloseAsync(await flatAsync(y), c.y, { ...opts, msg: "call" });
      await assertCloseAsync(await flatAsync(t.inv.call(y.detach())), c.inv, {
        rtol: 1e-4,
        atol: 1e-5,
        msg: "inv",
      });
      assert.equal(t.domain.eventDim, c.domain_event_dim);
      assert.equal(t.codomain.eventDim, c.codomain_event_dim);
      assert.equal(t.bijective, c.bijective);
      assert.deepEqual(t.forwardShape(x.shape), c.forward_shape);
      assert.deepEqual(t.inverseShape(y.shape), c.inverse_shape);
      let loss = y.mul(weights(y.shape, device)).sum();
      if (c.ladj) {
        const ladj = t.logAbsDetJacobian(x, y);
        assert.deepEqual(ladj.shape, c.ladj_shape);
        await assertCloseAsync(await flatAsync(ladj), c.ladj, { ...opts, msg: "logAbsDetJacobian" });
        loss = loss.add(ladj.mul(weights(ladj.shape, device, 0.2, 0.8)).sum());
      } else {
        assertThrowsMsg(() => t.logAbsDetJacobian(x, y), /has no log-Jacobian/);
      }
      loss.backward();
      await assertCloseAsync(await flatAsync(x.grad!), c.x_grad, { rtol: 1e-4, atol: 1e-5, msg: "x.grad" });
    },
  );
}

deviceTest(
  "distributions transforms: bijectTo and transformTo map onto each constraint as PyTorch",
  async (device) => {
    const C = D.constraints;
    const byName: Record<string, torch.distributions.constraints.Constraint> = {
      "real": C.real,
      "positive": C.positive,
      "nonnegative": C.nonnegative,
      "greater_than 2": C.greaterThan(2),
      "greater_than_eq -1": C.greaterThanEq(-1),
      "less_than 1": C.lessThan(1),
      "unit_interval": C.unitInterval,
      "interval -1 3": C.interval(-1, 3),
      "simplex": C.simplex,
      "real_vector": C.realVector,
      "independent positive": C.independent(C.positive, 1),
    };
    for (const c of fx.registry) {
      const con = byName[c.name];
      const x = torch.tensor(c.x, { dtype: "float32", device });
      const b = D.bijectTo(con), t = D.transformTo(con);
      const y = b.call(x);
      assert.deepEqual(y.shape, c.biject_shape, c.name);
      await assertCloseAsync(await flatAsync(y), c.biject, {
        rtol: 2e-5,
        atol: 2e-6,
        msg: `${c.name} bijectTo`,
      });
      await assertCloseAsync(await flatAsync(t.call(x)), c.transform, {
        rtol: 2e-5,
        atol: 2e-6,
        msg: `${c.name} transformTo`,
      });
      await assertCloseAsync(await flatAsync(b.logAbsDetJacobian(x, y)), c.biject_ladj, {
        rtol: 2e-5,
        atol: 2e-6,
        msg: `${c.name} log-Jacobian`,
      });
      assert.equal(
        (await flatAsync(con.check(y).all().float()))[0] === 1,
        c.valid,
        `${c.name} lands in the constraint`,
      );
    }
    assertThrowsMsg(() => D.bijectTo(C.boolean), /^bijectTo: cannot transform BooleanConstraint constraints/);
    assertThrowsMsg(
      () => D.transformTo(C.lowerCholesky),
      /^transformTo: cannot transform LowerCholesky constraints/,
    );
  },
);

deviceTest(
  "distributions transforms: finite-difference gradchecks of call, inv and logAbsDetJacobian",
  async (device) => {
    const t = (v: number[]) => torch.tensor(v, { dtype: "float32", device, requiresGrad: true });
    const opts = { eps: 1e-3, atol: 3e-3, rtol: 2e-2 };
    for (
      const tr of [
        new T.SigmoidTransform(),
        new T.TanhTransform(),
        new T.SoftplusTransform(),
        new T.ComposeTransform([new T.ExpTransform(), new T.AffineTransform(1, -2)]),
      ]
    ) {
      await gradcheckAsync((x) => tr.call(x), [t([-0.7, 0.2, 1.1])], opts);
      await gradcheckAsync((x) => tr.logAbsDetJacobian(x, tr.call(x)), [t([-0.7, 0.2, 1.1])], opts);
    }
    const sb = new T.StickBreakingTransform();
    await gradcheckAsync((x) => sb.call(x), [t([-0.7, 0.2, 1.1])], opts);
    await gradcheckAsync((x) => sb.logAbsDetJacobian(x, sb.call(x)), [t([-0.7, 0.2, 1.1])], opts);
    await gradcheckAsync((y) => sb.inv.call(y), [t([0.2, 0.3, 0.1, 0.4])], opts);
    await gradcheckAsync((e, x) => new T.PowerTransform(e).call(x), [t([2, 0.5]), t([0.7, 1.3])], opts);
    await gradcheckAsync(
      (loc, scale) => new T.AffineTransform(loc, scale).call(torch.tensor([0.3, -1], { device: loc.device })),
      [t([0.5, 1]), t([2, -1])],
      opts,
    );
  },
);

Deno.test("distributions transforms: inverses, equality, signs, reprs and bad input", () => {
  const e = new T.ExpTransform();
  assert.equal(e.inv.inv, e);
  assert.equal(e.inv, e.inv);
  assert.equal(String(e.inv), "_InverseTransform(ExpTransform())");
  assert.ok(e.equals(new T.ExpTransform()) && !e.equals(new T.SigmoidTransform()));
  assert.ok(new T.AffineTransform(1, 2).equals(new T.AffineTransform(1, 2)));
  assert.ok(!new T.AffineTransform(1, 2).equals(new T.AffineTransform(1, 3)));
  assert.ok(new T.PowerTransform(2).equals(new T.PowerTransform(torch.tensor(2))));
  const c = new T.ComposeTransform([new T.ExpTransform(), new T.AffineTransform(0, -1)]);
  assert.equal(c.sign, -1);
  assert.ok(
    c.inv.equals(new T.ComposeTransform([new T.AffineTransform(0, -1).inv, new T.ExpTransform().inv])),
  );
  assert.equal(c.inv.inv, c);
  assert.deepEqual(String(c), "ComposeTransform(\n    ExpTransform(),\n    AffineTransform()\n)");
  assert.deepEqual((new T.AffineTransform(0, torch.tensor([-2, 3])).sign as Tensor).toArray(), [-1, 1]);
  assert.deepEqual(D.transforms.identityTransform.call(torch.tensor([4])).toArray(), [4]);
  assert.equal(new T.StickBreakingTransform().eventDim, 1);
  assertThrowsMsg(() => new T.AbsTransform().sign, /^AbsTransform.sign: AbsTransform has no sign/);
  assertThrowsMsg(
    () => new T.ExpTransform().call(3 as never),
    /^ExpTransform.call: expected a Tensor, got number/,
  );
  assertThrowsMsg(
    () => new T.ComposeTransform([1] as never),
    /^ComposeTransform: expected an array of Transforms/,
  );
  assertThrowsMsg(
    () => new T.AffineTransform("a" as never, 1),
    /^AffineTransform: loc must be a number or a Tensor/,
  );
  assertThrowsMsg(
    () => new T.IndependentTransform(e, -1),
    /reinterpretedBatchNdims must be a non-negative integer/,
  );
  assertThrowsMsg(() => new T.StickBreakingTransform().forwardShape([]), /too few dimensions on input/);
  assertThrowsMsg(
    () => new T.SoftmaxTransform().logAbsDetJacobian(torch.zeros(2), torch.zeros(2)),
    /no log-Jacobian/,
  );
});

deviceTest(
  "distributions transforms: a TransformedDistribution's cdf follows decreasing transforms",
  async (device) => {
    const f = (v: number[]) => torch.tensor(v, { dtype: "float32", device });
    // y = 1 - 2·sigmoid(x): decreasing, so cdf(y) = 1 - base cdf(inverse(y)).
    const d = new D.TransformedDistribution(new D.Normal(f([0]), f([1])), [
      new T.SigmoidTransform(),
      new T.AffineTransform(1, -2),
    ]);
    const cdf = await flatAsync(d.cdf(f([0])));
    assertClose(cdf, [0.5], { atol: 1e-6 });
    const icdf = await flatAsync(d.icdf(f([0.5])));
    assertClose(icdf, [0], { atol: 1e-6 });
    assert.deepEqual(d.support.toString(), "Real()");
    // An event-shaped transform makes an event dim: StickBreaking over a Normal of 2 values.
    const s = new D.TransformedDistribution(
      new D.Normal(f([0, 0]), f([1, 1])),
      new T.StickBreakingTransform(),
    );
    assert.deepEqual([s.batchShape, s.eventShape], [[], [3]]);
    assert.deepEqual(s.sample([4]).shape, [4, 3]);
    assert.deepEqual(s.logProb(s.sample([4])).shape, [4]);
    assert.ok(s.baseDist instanceof D.Independent);
  },
);

for (const c of fx.samplers) {
  deviceTest(`distributions samplers: seeded ${c.name} draws PyTorch's values`, async (device) => {
    if (c.name.startsWith("poisson") && device !== "cpu") return; // torch.poisson reads CPU rates
    const dtype = c.name.includes("int32") ? "int32" : c.dtype as "float32" | "float64";
    if (device !== "cpu" && dtype === "float64") return;
    torch.manualSeed(c.seed);
    const e = () => torch.empty(c.shape, { dtype, device });
    const args = c.name.split(" ");
    let v: Tensor;
    if (c.name.startsWith("geometric_")) v = e().geometric_(Number(args[1] === "float64" ? 0.05 : args[1]));
    else if (c.name.startsWith("cauchy_")) {
      v = c.name === "cauchy_ default"
        ? e().cauchy_()
        : c.name === "cauchy_ 1 2"
        ? e().cauchy_(1, 2)
        : e().cauchy_(-1, 0.5);
    } else if (c.name.startsWith("log_normal_")) {
      v = c.name === "log_normal_ default"
        ? e().logNormal_()
        : c.name.includes("x20")
        ? e().logNormal_(0.5, 0.25)
        : e().logNormal_(0, 1);
    } else if (c.name.startsWith("exponential_")) v = e().exponential_(c.name === "exponential_ 2" ? 2 : 0.5);
    else {
      const rates = c.name === "poisson small rates"
        ? [0, 0.5, 1, 3, 9.5]
        : c.name === "poisson large rates"
        ? [[10, 25, 100], [1000, 12.5, 4000]]
        : [2, 50, 0.1];
      v = torch.poisson(torch.tensor(rates, { dtype }));
    }
    assert.deepEqual(v.shape, c.shape);
    assert.equal(v.dtype, dtype);
    assert.equal(v.device, c.name.startsWith("poisson") ? "cpu" : device);
    const tol = dtype === "float64" ? { rtol: 1e-14, atol: 0 } : { rtol: 1e-7, atol: 0 };
    await assertCloseAsync(await flatAsync(v), c.out, { ...tol, msg: c.name });
    assertClose(torch.rand(3), c.rand_after, {
      rtol: 0,
      atol: 0,
      msg: `${c.name}: the generator's position after`,
    });
  });
}

Deno.test("distributions samplers: errors, generators, and gradients of the replaced values", () => {
  const expect = (name: string) => fx.errors.find((e: { name: string }) => e.name === name).message as string;
  // PyTorch's message, with the op name followed by a colon as edgetorch's messages are.
  assert.throws(() => torch.empty(2).geometric_(1.5), (e: unknown) => {
    assert.equal((e as Error).message, expect("geometric_ p").replace(/^geometric_ /, "geometric_: "));
    return true;
  });
  assertThrowsMsg(() => torch.empty(2).logNormal_(0, -1), /^logNormal_: expects std > 0.0, but found std=-1/);
  assertThrowsMsg(
    () => torch.poisson(torch.tensor([1, -1], { dtype: "float32" })),
    /^poisson: invalid Poisson rate, expected rate to be non-negative, found -1 at 1/,
  );
  assertThrowsMsg(
    () => torch.empty(2, { dtype: "int32" }).cauchy_(),
    /^cauchy_: expected a floating point tensor/,
  );
  assertThrowsMsg(() => torch.poisson([1] as never), /^poisson: expected a Tensor/);
  // A generator option draws from that generator, leaving the global one untouched.
  const g = new torch.Generator(0);
  torch.manualSeed(5);
  const before = torch.rand(1).item();
  torch.manualSeed(5);
  const a = torch.empty(4).cauchy_(0, 1, { generator: g });
  assert.equal(torch.rand(1).item(), before);
  torch.manualSeed(0);
  assert.deepEqual(a.toArray(), torch.empty(4).cauchy_().toArray());
  // A fill of a tensor in a graph: the gradient to the old values is zero (the fill replaces them).
  const x = torch.ones(3, { requiresGrad: true });
  const y = x.mul(2);
  y.geometric_(0.5);
  y.sum().backward();
  assert.deepEqual(x.grad!.toArray(), [0, 0, 0]);
});

for (const c of fx.tanh_cache) {
  deviceTest(
    `distributions transforms: cached ${c.name} gives PyTorch's logProb of its own saturated samples`,
    async (device) => {
      const loc = torch.tensor([0, 8, -9], { dtype: "float32", device, requiresGrad: true });
      const scale = torch.tensor([1, 0.5, 0.5], { dtype: "float32", device, requiresGrad: true });
      const ts = c.name === "tanh"
        ? [new T.TanhTransform({ cacheSize: 1 })]
        : [new T.ComposeTransform([new T.TanhTransform(), new T.AffineTransform(0, 2)], { cacheSize: 1 })];
      torch.manualSeed(c.seed);
      const d = new D.TransformedDistribution(new D.Normal(loc, scale), ts);
      const y = d.rsample();
      await assertCloseAsync(await flatAsync(y), c.y, { rtol: 1e-6, atol: 1e-6, msg: "sample" });
      const lp = d.logProb(y);
      await assertCloseAsync(await flatAsync(lp), c.log_prob, {
        rtol: 1e-5,
        atol: 1e-5,
        msg: "cached logProb",
      });
      assertClose(torch.rand(3), c.rand_after, { rtol: 0, atol: 0, msg: "the generator's position after" });
      lp.mul(weights(lp.shape, device)).sum().add(y.mul(weights(y.shape, device, -1, 1)).sum()).backward();
      await assertCloseAsync(await flatAsync(loc.grad!), c.grads.loc, {
        rtol: 1e-4,
        atol: 1e-5,
        msg: "loc.grad",
      });
      await assertCloseAsync(await flatAsync(scale.grad!), c.grads.scale, {
        rtol: 1e-4,
        atol: 1e-5,
        msg: "scale.grad",
      });
      // Without the cache the saturated sample's inverse is ±∞ and its logProb NaN, as in PyTorch.
      const plain = new D.TransformedDistribution(new D.Normal(loc.detach(), scale.detach()), [
        new T.TanhTransform(),
        ...(c.name === "tanh" ? [] : [new T.AffineTransform(0, 2)]),
      ]);
      const lpPlain = await flatAsync(plain.logProb(y.detach()));
      assert.ok(Number.isNaN(lpPlain[2]) && Number.isNaN(c.log_prob_uncached[2]), "uncached logProb is NaN");
    },
  );
}

Deno.test("distributions transforms: the cache returns the cached pair only for the same tensors", () => {
  const t = new T.ExpTransform({ cacheSize: 1 });
  assert.equal(t.cacheSize, 1);
  const x = torch.tensor([0.5], { dtype: "float32" });
  const y = t.call(x);
  assert.equal(t.call(x), y, "the same input gives the cached output");
  assert.equal(t.inv.call(y), x, "the inverse of the cached output is the cached input");
  assert.notEqual(t.call(torch.tensor([0.5], { dtype: "float32" })), y, "another tensor is computed anew");
  const plain = new T.ExpTransform();
  assert.notEqual(plain.call(x), plain.call(x));
  assert.equal(plain.withCache(0), plain);
  const cached = plain.withCache(1);
  assert.ok(cached instanceof T.ExpTransform && cached.cacheSize === 1 && plain.cacheSize === 0);
  const a = new T.AffineTransform(1, 2).withCache() as torch.distributions.transforms.AffineTransform;
  assert.deepEqual([a.loc, a.scale, a.cacheSize], [1, 2, 1]);
  assert.equal(new T.ComposeTransform([new T.ExpTransform()], { cacheSize: 1 }).parts[0].cacheSize, 1);
  assert.equal(new T.SigmoidTransform().inv.withCache(1).inv.cacheSize, 1);
  // A cached tensor released by the call that made it is not reused.
  const s = new T.SigmoidTransform({ cacheSize: 1 });
  const z = torch.scope(() => {
    s.call(torch.tensor([0.3], { dtype: "float32" }));
    return torch.tensor([0.7], { dtype: "float32" });
  });
  assertClose(s.inv.call(z).dataSync(), [Math.log(0.7 / 0.3)], { rtol: 1e-5 });
  assertThrowsMsg(
    () => new T.TanhTransform({ cacheSize: 2 }),
    /^TanhTransform: cacheSize must be 0 or 1, got 2/,
  );
});

const gc = (globalThis as { gc?: () => void }).gc;

async function settle(): Promise<void> {
  for (let i = 0; i < 4; i++) {
    gc?.();
    await new Promise((r) => setTimeout(r, 5));
  }
}

deviceTest(
  "distributions transforms: a SAC-style loop (cached tanh-squashed Gaussian, Adam) leaks nothing",
  async (device) => {
    if (!gc) return; // needs --expose-gc (deno task test passes it)
    const { wasmBackend } = await import("../src/backends/wasm/backend.ts");
    const live = () =>
      device === "cpu" ? wasmBackend().memoryStats().residentCount : torch.gpu.webgpuBackend()!.liveBytes();
    torch.manualSeed(0);
    const policy = new torch.nn.Linear(4, 4).to(device);
    const opt = new torch.optim.Adam(policy.parameters(), { lr: 0.01 });
    const states = torch.randn([5, 4], { device });
    const tanh = new T.TanhTransform({ cacheSize: 1 });
    const step = () => {
      const out = policy(states);
      const d = new D.TransformedDistribution(
        new D.Normal(out.narrow(1, 0, 2), out.narrow(1, 2, 2).exp()),
        [tanh, new T.AffineTransform(0, 2)],
      );
      const a = d.rsample();
      const loss = d.logProb(a).sum(-1).mean().sub(a.pow(2).mean());
      opt.zeroGrad();
      loss.backward();
      opt.step();
      return loss;
    };
    for (let i = 0; i < 3; i++) await step().itemAsync();
    await settle();
    const start = live();
    for (let i = 0; i < 20; i++) await step().itemAsync();
    await settle();
    assert.equal(live(), start, "once collected, memory is back at its start");
  },
);
