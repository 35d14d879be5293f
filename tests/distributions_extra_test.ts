/**
 * LKJCholesky, constraints.corrCholesky, CorrCholeskyTransform (with bijectTo / transformTo) and
 * Wishart against PyTorch 1.13 (tests/fixtures/distributions_extra.json, made by
 * tools/fixtures/distributions_extra_fixtures.py): seeded samples with the generator's position
 * after them, log densities, entropies and moments on both devices, their gradients, rsample
 * gradients, finite-difference gradchecks, and the errors bad input gets.
 */
import * as torch from "../mod.ts";
import type { Device, Tensor } from "../mod.ts";
import {
  assert,
  assertCloseAsync,
  assertRejectsMsg,
  assertThrowsMsg,
  type EncodedTensor,
  fixtureTensor as dec,
  gradcheck,
} from "./helpers.ts";
import { deviceTest } from "./devices.ts";

const D = torch.distributions;
const fx = JSON.parse(
  await Deno.readTextFile(new URL("./fixtures/distributions_extra.json", import.meta.url)),
);

/** `sum(out * w)`, w = linspace(0.5, 1.5) in out's shape (the fixture script's loss). */
function weighted(out: Tensor): Tensor {
  const w = torch.linspace(0.5, 1.5, out.numel(), { dtype: "float64" }).reshape(out.shape).to(out.dtype);
  return out.mul(w.to(out.device)).sum();
}

const tol = (dtype: string, device: Device = "cpu") =>
  dtype === "float64" && device === "cpu" ? { rtol: 1e-10, atol: 1e-12 } : { rtol: 2e-5, atol: 2e-5 };
const devicesOf = (dtype: string): Device[] => dtype === "float64" ? ["cpu"] : ["cpu", "gpu"];

// ---------------------------------------------------------------------------------------------
// LKJCholesky

interface LkjCase {
  name: string;
  dim: number;
  number: boolean;
  concentration: EncodedTensor;
  batchShape: number[];
  eventShape: number[];
  seed: number;
  sampleShape: number[];
  sample: EncodedTensor;
  after: EncodedTensor;
  values: EncodedTensor;
  logProb: EncodedTensor;
  logProbGrads: { concentration: EncodedTensor; value: EncodedTensor };
}

function lkj(c: LkjCase, device: Device = "cpu", requiresGrad = false) {
  const conc = c.number && !requiresGrad
    ? c.concentration.values[0] as number
    : dec(c.concentration, device, requiresGrad);
  return { m: new D.LKJCholesky(c.dim, conc), conc };
}

for (const c of fx.lkj as LkjCase[]) {
  Deno.test(`distributions extra: seeded LKJCholesky ${c.name} draws PyTorch's samples`, async () => {
    const { m } = lkj(c);
    assert.deepEqual([m.batchShape, m.eventShape], [c.batchShape, c.eventShape]);
    torch.manualSeed(c.seed);
    const s = m.sample(c.sampleShape);
    assert.equal(s.requiresGrad, false);
    // The Beta and normal draws are PyTorch's bit for bit; the row norms may differ in the last bit.
    const t = c.sample.dtype === "float64" ? { rtol: 0, atol: 1e-15 } : { rtol: 0, atol: 1e-6 };
    await assertCloseAsync(s, dec(c.sample), { ...t, msg: "sample" });
    // As many draws as PyTorch: the stream continues where PyTorch's does.
    await assertCloseAsync(torch.rand(3, { dtype: "float64" }), dec(c.after), {
      rtol: 0,
      atol: 0,
      msg: "after",
    });
    assert.equal(D.constraints.corrCholesky.check(s).all().item(), true);
  });

  deviceTest(
    `distributions extra: LKJCholesky ${c.name} logProb and its gradients match PyTorch`,
    async (device) => {
      const { m, conc } = lkj(c, device, true);
      const value = dec(c.values, device, true);
      const lp = m.logProb(value);
      await assertCloseAsync(lp, dec(c.logProb), { ...tol(c.values.dtype, device), msg: "logProb" });
      weighted(lp).backward();
      const gt = c.values.dtype === "float64" && device === "cpu"
        ? tol("float64")
        : { rtol: 1e-4, atol: 1e-4 };
      await assertCloseAsync((conc as Tensor).grad!, dec(c.logProbGrads.concentration), {
        ...gt,
        msg: "d/dconc",
      });
      await assertCloseAsync(value.grad!, dec(c.logProbGrads.value), { ...gt, msg: "d/dvalue" });
    },
    { devices: devicesOf(c.values.dtype) },
  );
}

Deno.test("distributions extra: LKJCholesky logProb gradchecks (float64)", () => {
  const conc = torch.tensor([0.7, 2.5], { dtype: "float64", requiresGrad: true });
  torch.manualSeed(4);
  const L = new D.LKJCholesky(4, conc.detach()).sample([3]).requiresGrad_(true);
  const opts = { eps: 1e-6, atol: 1e-6, rtol: 1e-6 };
  // Perturbing L leaves the support: score it without validation.
  gradcheck((a, v) => new D.LKJCholesky(4, a, { validateArgs: false }).logProb(v), [conc, L], opts);
});

deviceTest("distributions extra: LKJCholesky shapes, expand, repr and the GPU rule", async (device) => {
  const m = new D.LKJCholesky(3, torch.tensor([0.5, 1, 2], { device }));
  assert.deepEqual([m.batchShape, m.eventShape], [[3], [3, 3]]);
  assert.equal(m.support, D.constraints.corrCholesky);
  assert.equal(m.hasRsample, false);
  const e = m.expand([2, 3]);
  assert.deepEqual([e.batchShape, e.eventShape, e.concentration.shape], [[2, 3], [3, 3], [2, 3]]);
  if (device === "cpu") {
    torch.manualSeed(1);
    assert.deepEqual(e.sample([4]).shape, [4, 2, 3, 3, 3]);
    assert.equal(String(new D.LKJCholesky(3, 0.5)), fx.messages.reprLkj);
  } else {
    // The Beta marginals draw on the host, as Beta's and Dirichlet's samplers.
    assertThrowsMsg(() => m.sample(), /LKJCholesky.sample: sampling draws on the CPU/);
    const L = torch.tensor([[1, 0, 0], [0.6, 0.8, 0], [0, 0.6, 0.8]], { device });
    assert.deepEqual(m.logProb(L).shape, [3]);
    await assertRejectsMsg(
      () => m.logProb(torch.tensor([[1, 0, 0], [0.6, 0.6, 0], [0, 0.6, 0.8]], { device })).toArrayAsync(),
      /LKJCholesky.logProb: expected value argument .*CorrCholesky\(\)/,
    );
  }
  assert.throws(() => m.rsample(), /LKJCholesky.rsample: LKJCholesky has no reparameterized sample/);
  assertThrowsMsg(() => m.mean, /LKJCholesky.mean: LKJCholesky has no mean/);
  assertThrowsMsg(() => m.entropy(), /LKJCholesky.entropy: LKJCholesky has no entropy/);
});

deviceTest("distributions extra: LKJCholesky refuses bad input with clear errors", async (device) => {
  assertThrowsMsg(
    () => new D.LKJCholesky(1, 1),
    /LKJCholesky: Expected dim to be an integer greater than or equal to 2\. Found dim=1\./,
  );
  assertThrowsMsg(() => new D.LKJCholesky(2.5, 1), /Found dim=2\.5/);
  assertThrowsMsg(
    () => new D.LKJCholesky(3, "1" as unknown as number),
    /LKJCholesky: concentration must be a number or a Tensor/,
  );
  const bad = torch.tensor([0.5, -1], { device });
  if (device === "cpu") {
    assertThrowsMsg(
      () => new D.LKJCholesky(3, bad),
      /LKJCholesky: expected parameter concentration .* GreaterThan\(lower_bound=0\.0\)/,
    );
    assertThrowsMsg(
      () => new D.LKJCholesky(2, 1).logProb(torch.tensor([[1, 0], [0.6, 0.6]])),
      /LKJCholesky.logProb: expected value argument \(Tensor of shape \[2, 2\]\) to be within the support \(CorrCholesky\(\)\)/,
    );
    assertThrowsMsg(
      () => new D.LKJCholesky(3, 1).logProb(torch.eye(2)),
      /LKJCholesky.logProb: the right-most size of value must match event_shape/,
    );
  } else {
    await assertRejectsMsg(
      () => new D.LKJCholesky(3, bad).logProb(torch.eye(3, { device })).toArrayAsync(),
      /LKJCholesky: expected parameter concentration/,
    );
  }
});

// ---------------------------------------------------------------------------------------------
// constraints.corrCholesky and CorrCholeskyTransform

interface CheckCase {
  name: string;
  value: EncodedTensor;
  check: EncodedTensor;
}
for (const c of fx.corrCholesky as CheckCase[]) {
  deviceTest(`distributions extra: corrCholesky.check on ${c.name} matches PyTorch`, async (device) => {
    const got = D.constraints.corrCholesky.check(dec(c.value, device));
    assert.equal(got.dtype, "bool");
    assert.deepEqual(await got.toArrayAsync(), await dec(c.check).toArrayAsync());
  }, { devices: devicesOf(c.value.dtype) });
}

Deno.test("distributions extra: corrCholesky's event dim, repr and bad input", () => {
  const c = D.constraints.corrCholesky;
  assert.equal(c.eventDim, 2);
  assert.equal(String(c), fx.messages.corrCholeskyRepr);
  assert.ok(c instanceof D.constraints.CorrCholesky);
  assertThrowsMsg(() => c.check(torch.ones(3)), /CorrCholesky: expected value.dim\(\) >= 2 but got 1/);
  assert.deepEqual(c.check(torch.ones(2, 3)).toArray(), false);
});

interface TransformCase {
  name: string;
  x: EncodedTensor;
  y: EncodedTensor;
  ladj: EncodedTensor;
  inv: EncodedTensor;
  gradY: EncodedTensor;
  gradLadj: EncodedTensor;
  gradInv: EncodedTensor;
  forwardShape: number[];
  inverseShape: number[];
}
for (const c of fx.corrCholeskyTransform as TransformCase[]) {
  deviceTest(`distributions extra: CorrCholeskyTransform ${c.name} matches PyTorch`, async (device) => {
    const t = new D.transforms.CorrCholeskyTransform();
    const tl = tol(c.x.dtype, device);
    const x = dec(c.x, device, true);
    const y = t.call(x);
    await assertCloseAsync(y, dec(c.y), { ...tl, msg: "y" });
    const ladj = t.logAbsDetJacobian(x, y);
    await assertCloseAsync(ladj, dec(c.ladj), { ...tl, msg: "ladj" });
    weighted(y).backward();
    await assertCloseAsync(x.grad!, dec(c.gradY), { ...tl, msg: "dy/dx" });
    x.grad = null;
    weighted(t.logAbsDetJacobian(x, t.call(x))).backward();
    await assertCloseAsync(x.grad!, dec(c.gradLadj), { ...tl, msg: "dladj/dx" });
    const yd = dec(c.y, device, true);
    const xi = t.inv.call(yd);
    await assertCloseAsync(xi, dec(c.inv), { ...tl, msg: "inv" });
    weighted(xi).backward();
    await assertCloseAsync(yd.grad!, dec(c.gradInv), { rtol: 1e-4, atol: 1e-4, msg: "dinv/dy" });
    assert.deepEqual(t.forwardShape(c.x.shape), c.forwardShape);
    assert.deepEqual(t.inverseShape(c.y.shape), c.inverseShape);
  }, { devices: devicesOf(c.x.dtype) });
}

Deno.test("distributions extra: CorrCholeskyTransform gradchecks, registry and errors", () => {
  const t = new D.transforms.CorrCholeskyTransform();
  const x = torch.tensor([[0.3, -0.8, 1.1, 0.2, -1.4, 0.6]], { dtype: "float64", requiresGrad: true });
  const opts = { eps: 1e-6, atol: 1e-7, rtol: 1e-6 };
  gradcheck((v) => t.call(v), [x], opts);
  gradcheck((v) => t.logAbsDetJacobian(v, t.call(v)), [x], opts);
  // The inverse is checked at the (strict lower triangle of the) forward image.
  const y = torch.noGrad(() => t.call(x.detach())).requiresGrad_(true);
  const round = t.inv.call(y);
  assert.ok(torch.allclose(round, x.detach(), { atol: 1e-12 }));
  assert.equal(t.bijective, true);
  assert.equal(t.domain, D.constraints.realVector);
  assert.equal(t.codomain, D.constraints.corrCholesky);
  assert.ok(t.equals(new D.transforms.CorrCholeskyTransform()));
  assert.equal(String(t), "CorrCholeskyTransform()");
  assert.equal(D.bijectTo(D.constraints.corrCholesky).constructor.name, fx.messages.bijectTo);
  assert.equal(D.transformTo(D.constraints.corrCholesky).constructor.name, fx.messages.transformTo);
  // An unconstrained vector through bijectTo is a valid LKJ value.
  torch.manualSeed(9);
  const L = D.bijectTo(D.constraints.corrCholesky).call(torch.randn(2, 10));
  assert.deepEqual(L.shape, [2, 5, 5]);
  assert.deepEqual(new D.LKJCholesky(5, 2).logProb(L).shape, [2]);
  assertThrowsMsg(
    () => t.call(torch.zeros(4)),
    /CorrCholeskyTransform.call: .*The size of last dimension is 4/,
  );
  assertThrowsMsg(
    () => t.forwardShape([4]),
    /CorrCholeskyTransform.forwardShape: Input is not a flattend lower-diagonal number/,
  );
  assertThrowsMsg(() => t.forwardShape([]), /Too few dimensions on input/);
  assertThrowsMsg(() => t.inverseShape([2, 3]), /CorrCholeskyTransform.inverseShape: Input is not square/);
  assertThrowsMsg(() => t.inverseShape([3]), /Too few dimensions on input/);
});

// ---------------------------------------------------------------------------------------------
// Wishart

interface WishartCase {
  name: string;
  number: boolean;
  df: EncodedTensor;
  which: "covariance_matrix" | "precision_matrix" | "scale_tril";
  matrix: EncodedTensor;
  batchShape: number[];
  eventShape: number[];
  seed: number;
  sampleShape: number[];
  sample: EncodedTensor;
  after: EncodedTensor;
  mean: EncodedTensor;
  mode: EncodedTensor;
  variance: EncodedTensor;
  scaleTril: EncodedTensor;
  covarianceMatrix: EncodedTensor;
  precisionMatrix: EncodedTensor;
  values: EncodedTensor;
  logProb: EncodedTensor;
  entropy: EncodedTensor;
  logProbGrads: Record<string, EncodedTensor>;
  entropyGrads: Record<string, EncodedTensor>;
  rsample: EncodedTensor;
  rsampleGrads: Record<string, EncodedTensor> | null;
}

const CAMEL = {
  covariance_matrix: "covarianceMatrix",
  precision_matrix: "precisionMatrix",
  scale_tril: "scaleTril",
};

function wishart(c: WishartCase, device: Device = "cpu", requiresGrad = false) {
  const df = c.number ? c.df.values[0] as number : dec(c.df, device, requiresGrad);
  const matrix = dec(c.matrix, device, requiresGrad);
  const params = { [CAMEL[c.which]]: matrix } as unknown as torch.distributions.WishartParams;
  return { m: new D.Wishart(df, params), df, matrix };
}

/** float32 Cholesky factors and solves differ from PyTorch's LAPACK in the last bits. */
const wtol = (dtype: string, device: Device = "cpu") =>
  dtype === "float64" && device === "cpu" ? { rtol: 1e-10, atol: 1e-12 } : { rtol: 1e-4, atol: 1e-4 };

for (const c of fx.wishart as WishartCase[]) {
  Deno.test(`distributions extra: seeded Wishart ${c.name} draws PyTorch's samples`, async () => {
    const { m } = wishart(c);
    assert.deepEqual([m.batchShape, m.eventShape], [c.batchShape, c.eventShape]);
    torch.manualSeed(c.seed);
    const s = m.sample(c.sampleShape);
    assert.equal(s.requiresGrad, false);
    // The chi-squared and normal draws are PyTorch's bit for bit; L's factorisation may differ in the last bits.
    const t = c.sample.dtype === "float64" ? { rtol: 1e-12, atol: 1e-12 } : { rtol: 2e-6, atol: 2e-6 };
    await assertCloseAsync(s, dec(c.sample), { ...t, msg: "sample" });
    await assertCloseAsync(torch.rand(3, { dtype: "float64" }), dec(c.after), {
      rtol: 0,
      atol: 0,
      msg: "after",
    });
  });

  deviceTest(
    `distributions extra: Wishart ${c.name} moments, logProb and entropy match PyTorch`,
    async (device) => {
      const { m } = wishart(c, device);
      const t = wtol(c.values.dtype, device);
      for (
        const k of ["mean", "mode", "variance", "scaleTril", "covarianceMatrix", "precisionMatrix"] as const
      ) {
        await assertCloseAsync(m[k], dec(c[k]), { ...t, msg: k });
      }
      await assertCloseAsync(m.logProb(dec(c.values, device)), dec(c.logProb), { ...t, msg: "logProb" });
      await assertCloseAsync(m.entropy(), dec(c.entropy), { ...t, msg: "entropy" });
    },
    { devices: devicesOf(c.values.dtype) },
  );

  deviceTest(
    `distributions extra: Wishart ${c.name} logProb and entropy gradients match PyTorch`,
    async (device) => {
      const t = { ...wtol(c.values.dtype, device), rtol: c.values.dtype === "float64" ? 1e-9 : 5e-4 };
      for (const [what, grads] of [["logProb", c.logProbGrads], ["entropy", c.entropyGrads]] as const) {
        const { m, df, matrix } = wishart(c, device, true);
        const out = what === "logProb" ? m.logProb(dec(c.values, device)) : m.entropy();
        weighted(out).backward();
        if (grads.df) {
          await assertCloseAsync((df as Tensor).grad!, dec(grads.df), { ...t, msg: `${what} d/ddf` });
        }
        await assertCloseAsync(matrix.grad!, dec(grads.matrix), { ...t, msg: `${what} d/dmatrix` });
      }
    },
    { devices: devicesOf(c.values.dtype) },
  );

  if (c.rsampleGrads) {
    const grads = c.rsampleGrads;
    Deno.test(`distributions extra: Wishart ${c.name} rsample and its gradients match PyTorch`, async () => {
      const { m, df, matrix } = wishart(c, "cpu", true);
      torch.manualSeed(c.seed + 1);
      const r = m.rsample(c.sampleShape);
      const t = c.sample.dtype === "float64" ? { rtol: 1e-12, atol: 1e-12 } : { rtol: 2e-6, atol: 2e-6 };
      await assertCloseAsync(r, dec(c.rsample), { ...t, msg: "rsample" });
      weighted(r).backward();
      const gt = c.sample.dtype === "float64" ? { rtol: 1e-9, atol: 1e-9 } : { rtol: 5e-4, atol: 5e-4 };
      if (grads.df) {
        await assertCloseAsync((df as Tensor).grad!, dec(grads.df), { ...gt, msg: "d/ddf" });
      }
      await assertCloseAsync(matrix.grad!, dec(grads.matrix), { ...gt, msg: "d/dmatrix" });
    });
  }
}

Deno.test("distributions extra: Wishart gradchecks (float64)", () => {
  const f64 = (v: number[] | number[][] | number[][][], grad = true) =>
    torch.tensor(v, { dtype: "float64", requiresGrad: grad });
  const opts = { eps: 1e-6, atol: 1e-6, rtol: 1e-6 };
  const df = f64([4.5, 7]);
  const L = f64([[1.2, 0, 0], [0.3, 0.9, 0], [-0.4, 0.2, 1.5]]);
  const X = f64([[[3, 0.5, 0.2], [0.5, 2, -0.3], [0.2, -0.3, 4]], [[1, 0.1, 0], [0.1, 1.5, 0.2], [
    0,
    0.2,
    2,
  ]]]);
  // Only L's lower triangle is read (PyTorch's gradient for the upper one is not zero, as
  // cholesky_solve's): the checks go through tril(L).
  const mk = (d: Tensor, l: Tensor) => new D.Wishart(d, { scaleTril: l.tril() });
  gradcheck((d, l, x) => mk(d, l).logProb(x), [df, L, X], opts);
  gradcheck((d, l) => mk(d, l).entropy(), [df, L], opts);
  gradcheck((d, l) => mk(d, l).mean.add(mk(d, l).variance), [df, L], opts);
  // Only the lower triangle is factorised: the checks go through (S + Sᵀ)/2.
  const S = f64([[2, 0.6], [0.6, 1]]);
  const sym = (s: Tensor) => s.add(s.transpose(-2, -1)).div(2);
  gradcheck(
    (s) =>
      new D.Wishart(5, { covarianceMatrix: sym(s) }).logProb(
        torch.eye(2, { dtype: "float64" }),
      ),
    [S],
    opts,
  );
  gradcheck((s) => new D.Wishart(5, { precisionMatrix: sym(s) }).entropy(), [S], opts);
  // rsample is linear in L for fixed draws (df's gradient is the implicit one of the gamma sampler,
  // checked against PyTorch above).
  gradcheck(
    (l) => {
      torch.manualSeed(3);
      return mk(torch.tensor([4.5, 7], { dtype: "float64" }), l).rsample([2]);
    },
    [L],
    opts,
  );
});

deviceTest("distributions extra: Wishart shapes, expand, redraws and the GPU rule", async (device) => {
  const S = torch.tensor([[2, 0.5], [0.5, 1]], { device });
  const m = new D.Wishart(torch.tensor([3, 4, 5], { device }), { covarianceMatrix: S });
  assert.deepEqual([m.batchShape, m.eventShape], [[3], [2, 2]]);
  assert.equal(m.support, D.constraints.positiveDefinite);
  assert.equal(m.hasRsample, true);
  const e = m.expand([2, 3]);
  assert.deepEqual([e.batchShape, e.df.shape, e.covarianceMatrix.shape], [[2, 3], [2, 3], [2, 3, 2, 2]]);
  await assertCloseAsync(e.mean.select(0, 1), m.mean, { rtol: 0, atol: 0 });
  if (device === "cpu") {
    torch.manualSeed(1);
    const s = e.sample([4]);
    assert.deepEqual(s.shape, [4, 2, 3, 2, 2]);
    assert.equal(D.constraints.positiveDefinite.check(s).all().item(), true);
    assert.deepEqual(m.sample(2).shape, [2, 3, 2, 2]);
    assert.deepEqual(m.sample([0, 2]).shape, [0, 2, 3, 2, 2]);
    // PyTorch 1.13 redraws every sample once: the default result is the second of two draws.
    torch.manualSeed(5);
    m.rsample([2], { maxTryCorrection: 0 });
    const second = m.rsample([2], { maxTryCorrection: 0 });
    torch.manualSeed(5);
    await assertCloseAsync(m.rsample([2]), second, { rtol: 0, atol: 0 });
    assertThrowsMsg(
      () => m.rsample([], { maxTryCorrection: -1 }),
      /Wishart.rsample: maxTryCorrection must be a non-negative integer, got -1/,
    );
    assert.equal(
      String(new D.Wishart(3, { covarianceMatrix: torch.eye(2) })),
      "Wishart(covarianceMatrix: torch.Size([2, 2]), df: 3.0)",
    );
  } else {
    // The chi-squared draws read the parameters on the host, as Gamma's sampler.
    assertThrowsMsg(() => m.sample(), /Wishart.sample: sampling draws on the CPU/);
    assertThrowsMsg(() => m.rsample(), /Wishart.rsample: sampling draws on the CPU/);
    await assertRejectsMsg(
      () =>
        new D.Wishart(torch.tensor([3, 0.5], { device }), { covarianceMatrix: S }).entropy().toArrayAsync(),
      /Wishart: Value of df=.* expected to be greater than ndim - 1 = 1\./,
    );
  }
});

deviceTest("distributions extra: Wishart refuses bad input with PyTorch's messages", async (device) => {
  const msgs = fx.messages as Record<string, string>;
  const tail = (k: string) =>
    new RegExp(msgs[k].replace(/^\w+: /, "").replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  const eye = torch.eye(2, { device });
  assertThrowsMsg(
    () =>
      new D.Wishart(
        3,
        { covarianceMatrix: eye, scaleTril: eye } as unknown as torch.distributions.WishartParams,
      ),
    tail("two"),
  );
  assertThrowsMsg(() => new D.Wishart(3, {} as unknown as torch.distributions.WishartParams), tail("none"));
  assertThrowsMsg(() => new D.Wishart(3, { scaleTril: torch.ones(2, { device }) }), tail("oneDim"));
  assertThrowsMsg(
    () => new D.Wishart(3, { covarianceMatrix: torch.ones(2, 3, { device }) }),
    /Wishart: covarianceMatrix must be batches of square matrices, got shape \[2, 3\]/,
  );
  assertThrowsMsg(
    () => new D.Wishart("3" as unknown as number, { covarianceMatrix: eye }),
    /Wishart: df must be a number or a Tensor/,
  );
  assertThrowsMsg(
    () =>
      new D.Wishart(torch.ones(3, { device }).mul(4), {
        covarianceMatrix: torch.eye(2, { device }).expand([2, 2, 2]),
      }),
    /Wishart: the batch shapes of covarianceMatrix \(\[2\]\) and df \(\[3\]\) do not broadcast/,
  );
  assertThrowsMsg(() => new D.Wishart(1, { covarianceMatrix: eye }), tail("dfNumber"));
  if (device === "cpu") {
    assertThrowsMsg(
      () => new D.Wishart(torch.tensor(3, { dtype: "float64" }), { covarianceMatrix: torch.eye(2) }),
      /Wishart: df is float64 but covarianceMatrix is float32; expected one dtype/,
    );
    assertThrowsMsg(() => new D.Wishart(torch.tensor([3, 0.5]), { covarianceMatrix: eye }), tail("dfTensor"));
    assertThrowsMsg(
      () => new D.Wishart(3, { covarianceMatrix: torch.tensor([[1, 2], [2, 1]]) }),
      /Wishart: expected parameter covarianceMatrix .* to satisfy the constraint PositiveDefinite\(\)/,
    );
    assertThrowsMsg(
      () => new D.Wishart(3, { scaleTril: torch.tensor([[1, 1], [0, 1]]) }),
      /Wishart: expected parameter scaleTril .* to satisfy the constraint LowerCholesky\(\)/,
    );
    assertThrowsMsg(
      () => new D.Wishart(3, { covarianceMatrix: eye }).logProb(eye.neg()),
      /Wishart.logProb: expected value argument \(Tensor of shape \[2, 2\]\) to be within the support \(PositiveDefinite\(\)\)/,
    );
  } else {
    await assertRejectsMsg(
      () => new D.Wishart(3, { scaleTril: torch.tensor([[1, 1], [0, 1]], { device }) }).mean.toArrayAsync(),
      /Wishart: expected parameter scaleTril/,
    );
    await assertRejectsMsg(
      () => new D.Wishart(3, { covarianceMatrix: eye }).logProb(eye.neg()).toArrayAsync(),
      /Wishart.logProb: expected value argument/,
    );
  }
});

Deno.test("distributions extra: Wishart's derived matrices outlive the call or scope that first reads them", () => {
  const m = new D.Wishart(3, { scaleTril: torch.tensor([[2, 0], [1, 1]]) });
  // mean reads the covariance inside its own library call; the cached matrix must survive it.
  assert.deepEqual(m.mean.toArray(), [[12, 6], [6, 6]]);
  assert.deepEqual(m.covarianceMatrix.toArray(), [[4, 2], [2, 2]]);
  torch.scope(() => {
    m.precisionMatrix;
  });
  return assertCloseAsync(m.precisionMatrix, [[0.5, -0.5], [-0.5, 1]], { rtol: 1e-6, atol: 1e-6 });
});
