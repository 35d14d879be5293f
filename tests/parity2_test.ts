/**
 * The names a probe of common PyTorch programs found missing: torch.concat / concatenate,
 * torch.cholesky, torch.triangularSolve, linalg.diagonal, torch.isreal, torch.asStrided,
 * torch.gradient, linalg.tensorinv / tensorsolve. Values and gradients against PyTorch 1.13
 * (tests/fixtures/parity2.json from tools/fixtures/parity2_fixtures.py) on both devices (the GPU
 * in float32), finite-difference gradchecks and the bad-input errors.
 */
import * as nodeAssert from "node:assert/strict";
import * as torch from "../mod.ts";
import type { Device, Tensor } from "../mod.ts";
import { deviceTest } from "./devices.ts";
import { wasmBackend } from "../src/backends/wasm/backend.ts";
import {
  assertCloseAsync,
  assertThrowsMsg,
  type EncodedTensor,
  fixtureTensor,
  gradcheck,
} from "./helpers.ts";

interface Case {
  name: string;
  inputs: EncodedTensor[];
  kw: Record<string, unknown>;
  outs: EncodedTensor[];
  grads: (EncodedTensor | null)[];
}
const fx = JSON.parse(await Deno.readTextFile(new URL("./fixtures/parity2.json", import.meta.url)));
const CASES: Case[] = fx.cases;

type Fn = (xs: Tensor[], kw: Record<string, unknown>) => Tensor[];
// deno-lint-ignore no-explicit-any
const kwOf = <T>(kw: Record<string, unknown>, k: string): T => kw[k] as any;
const FNS: [string, Fn][] = [
  ["cholesky", ([A], kw) => [torch.cholesky(A, kwOf<boolean | undefined>(kw, "upper"))]],
  ["triangular_solve", ([b, A], kw) => {
    const r = torch.triangularSolve(b, A, kw);
    return [r.solution, r.clonedCoefficient];
  }],
  ["linalg.diagonal", ([A], kw) => [torch.linalg.diagonal(A, kw)]],
  ["isreal", ([x]) => [torch.isreal(x)]],
  ["as_strided of an expanded input", ([x], kw) => [
    x.expand(3, 4).asStrided(kwOf(kw, "size"), kwOf(kw, "stride"), kwOf(kw, "storage_offset")),
  ]],
  ["as_strided of a view", ([x], kw) => [
    x.reshape(3, 4).narrow(0, 1, 2).asStrided(
      kwOf(kw, "size"),
      kwOf(kw, "stride"),
      kwOf(kw, "storage_offset"),
    ),
  ]],
  ["as_strided", ([x], kw) => [
    torch.asStrided(x, kwOf(kw, "size"), kwOf(kw, "stride"), kwOf(kw, "storage_offset")),
  ]],
  ["gradient", ([f, ...coords], kw) =>
    torch.gradient(f, {
      spacing: coords.length > 0 ? coords : kwOf<number | number[] | undefined>(kw, "spacing"),
      dim: kwOf<number | number[] | undefined>(kw, "dim"),
      edgeOrder: kwOf<number | undefined>(kw, "edge_order"),
    })],
  ["householder_product", ([A, tau]) => [torch.linalg.householderProduct(A, tau)]],
  ["tensorinv", ([A], kw) => [torch.linalg.tensorinv(A, { ind: kwOf<number>(kw, "ind") })]],
  [
    "tensorsolve",
    ([A, B], kw) => [torch.linalg.tensorsolve(A, B, { dims: kwOf<number[] | undefined>(kw, "dims") })],
  ],
];
function fnOf(c: Case): Fn {
  const hit = FNS.find(([prefix]) => c.name.startsWith(prefix));
  if (!hit) throw new Error(`no function for case ${c.name}`);
  return hit[1];
}

/** The case's inputs on `device`: the GPU computes in float32, so float64 becomes float32 there. */
function inputsOf(c: Case, device: Device, grad: boolean): Tensor[] {
  return c.inputs.map((e, i) => {
    let t = fixtureTensor(e, "cpu");
    if (device !== "cpu" && t.dtype === "float64") t = t.float();
    t = t.to(device);
    return grad && c.grads[i] !== null ? t.requiresGrad_(true) : t;
  });
}
const tol = (device: Device, c: Case) =>
  device === "cpu" && c.inputs[0].dtype === "float64"
    ? { rtol: 1e-9, atol: 1e-11 }
    : { rtol: 2e-4, atol: 2e-5 };

deviceTest("parity2: values and gradients match PyTorch", async (device) => {
  let checked = 0;
  for (const c of CASES) {
    const xs = inputsOf(c, device, true);
    const outs = fnOf(c)(xs, c.kw);
    nodeAssert.ok(
      outs.length === c.outs.length,
      `${c.name}: ${outs.length} outputs, expected ${c.outs.length}`,
    );
    for (let k = 0; k < outs.length; k++) {
      const want = fixtureTensor(c.outs[k]);
      nodeAssert.deepEqual(outs[k].shape, want.shape, `${c.name}: output ${k} shape`);
      nodeAssert.equal(outs[k].device, device, `${c.name}: device`);
      if (device === "cpu") nodeAssert.equal(outs[k].dtype, want.dtype, `${c.name}: output ${k} dtype`);
      await assertCloseAsync(outs[k], want, { ...tol(device, c), msg: `${c.name}: output ${k}` });
    }
    if (c.grads.some((g) => g !== null)) {
      let loss: Tensor | null = null;
      for (const o of outs) {
        if (!o.requiresGrad) continue;
        const w = torch.linspace(0.5, 1.5, o.numel(), { dtype: o.dtype }).reshape(o.shape).to(device);
        const term = o.mul(w).sum();
        loss = loss === null ? term : loss.add(term);
      }
      loss!.backward();
      for (let i = 0; i < xs.length; i++) {
        const g = c.grads[i];
        if (g === null) continue;
        await assertCloseAsync(xs[i].grad!, fixtureTensor(g), {
          ...tol(device, c),
          msg: `${c.name}: grad ${i}`,
        });
      }
    }
    checked++;
  }
  nodeAssert.ok(checked === CASES.length && checked > 40, `checked ${checked} cases`);
});

Deno.test("parity2: concat and concatenate are cat", () => {
  const a = torch.tensor([[1, 2]]), b = torch.tensor([[3, 4]]);
  nodeAssert.deepEqual(torch.concat([a, b]).toArray(), [[1, 2], [3, 4]]);
  nodeAssert.deepEqual(torch.concatenate([a, b], 1).toArray(), [[1, 2, 3, 4]]);
  nodeAssert.equal(torch.concat, torch.cat);
  assertThrowsMsg(() => torch.concat([a, torch.zeros(1, 3)], 0), /cat: sizes of tensors must match/);
});

Deno.test("parity2: asStrided is a view of the storage", () => {
  const x = torch.arange(6, { dtype: "float32" });
  const v = x.asStrided([2, 2], [2, 1], 1);
  nodeAssert.deepEqual(v.toArray(), [[1, 2], [3, 4]]);
  v.fill_(0);
  nodeAssert.deepEqual(x.toArray(), [0, 0, 0, 0, 0, 5]);
  const base = torch.arange(12, { dtype: "float64" }).reshape(3, 4);
  // PyTorch's storage offset of a slice is kept when none is given.
  nodeAssert.deepEqual(base.narrow(0, 1, 1).asStrided([2], [1]).toArray(), [4, 5]);
  const y = torch.tensor([1, 2, 3], { requiresGrad: true });
  nodeAssert.equal(torch.asStrided(y, [2, 2], [1, 1]).gradFn?.name, "AsStridedBackward0");
  nodeAssert.equal(
    y.reshape(3, 1).orgqr(y.narrow(0, 0, 1)).gradFn?.name,
    "LinalgHouseholderProductBackward0",
  );
});

Deno.test("parity2: finite-difference gradchecks (float64)", () => {
  const opts = { eps: 1e-6, atol: 1e-7, rtol: 1e-6 };
  const f64 = (v: torch.TensorData) => torch.tensor(v, { dtype: "float64", requiresGrad: true });
  gradcheck((A) => torch.cholesky(A.matmul(A.mT).add(torch.eye(3, { dtype: "float64" })), true), [
    f64([[1, 0.2, 0.1], [0.3, 1.5, -0.2], [0.1, 0.4, 2]]),
  ], { ...opts, msg: "cholesky" });
  gradcheck(
    (b, A) => torch.triangularSolve(b, A, { transpose: true, unitriangular: true }).solution,
    [f64([[1, 2], [3, 4], [5, 6]]), f64([[2, 0.5, 0.1], [0.3, 3, -0.2], [0.1, 0.4, 2]])],
    { ...opts, msg: "triangularSolve" },
  );
  gradcheck((x) => torch.asStrided(x, [3, 3], [1, 2], 1), [f64([1, 2, 3, 4, 5, 6, 7, 8])], {
    ...opts,
    msg: "asStrided",
  });
  gradcheck((x) => torch.asStrided(x.expand(2, 3), [2, 2], [1, 1], 0), [f64([1, 2, 3])], {
    ...opts,
    msg: "asStrided of an expanded input",
  });
  gradcheck(
    (f, x) => torch.stack(torch.gradient(f, { spacing: [x], edgeOrder: 2 })),
    [f64([1, 3, 2, 5, 4]), f64([0, 0.5, 2, 2.5, 4])],
    { ...opts, msg: "gradient coordinates" },
  );
  gradcheck((A) => torch.linalg.tensorinv(A, { ind: 1 }), [
    f64([[2, 0.5, 0.1, 0], [0.3, 3, -0.2, 0.1], [0.1, 0.4, 2, 0.2], [0, 0.1, 0.3, 1]]).reshape(4, 2, 2)
      .detach()
      .requiresGrad_(true),
  ], { ...opts, msg: "tensorinv" });
  gradcheck((A, B) => torch.linalg.tensorsolve(A, B), [
    f64([[2, 0.5, 0.1, 0], [0.3, 3, -0.2, 0.1], [0.1, 0.4, 2, 0.2], [0, 0.1, 0.3, 1]]).reshape(2, 2, 4)
      .detach()
      .requiresGrad_(true),
    f64([[1, 2], [3, 4]]),
  ], { ...opts, msg: "tensorsolve" });
  gradcheck(
    (A, tau) => torch.linalg.householderProduct(A, tau),
    [f64([[1, 2, 3], [0.5, -1, 2], [0.3, 0.7, 1], [-0.2, 0.4, 0.9]]), f64([1.2, 0.8])],
    { ...opts, msg: "householderProduct" },
  );
  gradcheck((A) => torch.linalg.diagonal(A, { offset: -1 }), [f64([[[1, 2], [3, 4]], [[5, 6], [7, 8]]])], {
    ...opts,
    msg: "linalg.diagonal",
  });
});

Deno.test("parity2: bad input gets clear errors", () => {
  const A = torch.tensor([[1, 2], [2, 1]]).float();
  assertThrowsMsg(() => torch.cholesky(A), /^cholesky: .*not positive-definite.*order 2/);
  assertThrowsMsg(() => torch.cholesky(A, "yes" as unknown as boolean), /^cholesky: upper must be a boolean/);
  assertThrowsMsg(
    () => torch.triangularSolve(torch.ones(2), A),
    /^triangular_solve: Expected b to have at least 2 dimensions, but it has 1/,
  );
  assertThrowsMsg(
    () => torch.triangularSolve(torch.ones(3, 1), torch.ones(3, 4)),
    /^triangular_solve: A must be batches of square matrices, but they are 3 by 4 matrices/,
  );
  assertThrowsMsg(
    () => torch.triangularSolve(torch.ones(3, 1), A),
    /^triangular_solve: .*b must have 2 rows, got 3/,
  );
  assertThrowsMsg(() => torch.linalg.diagonal(torch.ones(3)), /^linalg\.diagonal: /);
  assertThrowsMsg(() => torch.isreal([1] as unknown as Tensor), /^isreal: expected a Tensor/);
  const x = torch.arange(12).float();
  assertThrowsMsg(
    () => x.asStrided([3, 3], [4, 4], 2),
    /^asStrided: sizes \[3, 3\], strides \[4, 4\] and storage offset 2 need a storage of 19 elements, out of bounds for the input's storage of 12/,
  );
  assertThrowsMsg(() => x.asStrided([2], [1, 1]), /^asStrided: mismatch in length of strides and shape/);
  assertThrowsMsg(() => x.asStrided([2], [-1]), /^asStrided: Negative strides are not supported/);
  assertThrowsMsg(
    () => x.asStrided([2], [1], -1),
    /^asStrided: storage offset must be a non-negative integer/,
  );
  assertThrowsMsg(
    () => torch.gradient(torch.ones(2), { edgeOrder: 2 }),
    /^gradient: expected each dimension size to be at least edge_order\+1 \(3\), but dim 0/,
  );
  assertThrowsMsg(
    () => torch.gradient(torch.ones(4), { edgeOrder: 3 }),
    /^gradient: torch.gradient only supports edge_order=1 and edge_order=2/,
  );
  assertThrowsMsg(
    () => torch.gradient(torch.ones(3, 4), { spacing: [1, 2, 3] }),
    /^gradient: expected spacing to be unspecified, a scalar or a list of length 2 but got a list of length 3/,
  );
  assertThrowsMsg(
    () => torch.gradient(torch.ones(3, 4), { spacing: [torch.arange(4)], dim: 0 }),
    /^gradient: the coordinates spacing\[0\] \[4\] must be a 1-d tensor of 3 elements/,
  );
  assertThrowsMsg(
    () => torch.gradient(torch.ones(3, 4), { dim: [0, -2] }),
    /^gradient: dim 0 appears multiple times/,
  );
  assertThrowsMsg(() => torch.gradient(torch.ones(3), { dim: 1 }), /^gradient: .*dim/i);
  assertThrowsMsg(
    () => torch.linalg.tensorinv(torch.ones(4, 6), { ind: 1 }),
    /^linalg\.tensorinv: Expected A to satisfy the requirement prod\(A.shape\[ind:\]\) == prod\(A.shape\[:ind\]\), but got 6 != 4/,
  );
  assertThrowsMsg(
    () => torch.linalg.tensorinv(torch.ones(4, 4), { ind: 0 }),
    /^linalg\.tensorinv: Expected a strictly positive integer for 'ind', but got 0/,
  );
  const hp = "linalg\\.householderProduct";
  assertThrowsMsg(
    () => torch.linalg.householderProduct(torch.ones(3), torch.ones(1)),
    new RegExp(`^${hp}: input must have at least 2 dimensions`),
  );
  assertThrowsMsg(
    () => torch.linalg.householderProduct(torch.ones(2, 3), torch.ones(2)),
    new RegExp(`^${hp}: input.shape\\[-2\\] must be greater than or equal to input.shape\\[-1\\]`),
  );
  assertThrowsMsg(
    () => torch.linalg.householderProduct(torch.ones(3, 2), torch.ones(3)),
    new RegExp(`^${hp}: input.shape\\[-1\\] must be greater than or equal to tau.shape\\[-1\\]`),
  );
  assertThrowsMsg(
    () => torch.linalg.householderProduct(torch.ones(2, 3, 2), torch.ones(3, 2)),
    new RegExp(
      `^${hp}: Expected batch dimensions of tau to be equal to input.shape\\[:-2\\] \\[2\\], but got \\[3\\]`,
    ),
  );
  assertThrowsMsg(
    () => torch.linalg.householderProduct(torch.ones(3, 2), torch.ones(1, 2)),
    new RegExp(`^${hp}: Expected tau to have one dimension less than input`),
  );
  assertThrowsMsg(
    () => torch.orgqr(torch.ones(3, 2), torch.ones(2, { dtype: "float64" })),
    new RegExp(`^${hp}: tau dtype float64 does not match input dtype float32`),
  );
  assertThrowsMsg(
    () => torch.linalg.tensorsolve(torch.ones(2, 3, 5), torch.ones(2, 3)),
    /^linalg\.tensorsolve: .*A of shape \[2, 3, 5\] and B of shape \[2, 3\]/,
  );
});

interface DistCase {
  family: string;
  params: Record<string, EncodedTensor>;
  value: EncodedTensor;
  logProb: EncodedTensor;
  mean: EncodedTensor;
  variance: EncodedTensor;
  mode: EncodedTensor;
  entropy: EncodedTensor | null;
  gradParams: Record<string, EncodedTensor | null>;
  seed: number;
  sampleShape: number[];
  sample: EncodedTensor;
  rsample?: EncodedTensor;
  rsampleGrads: Record<string, EncodedTensor> | null;
}
const DISTS: DistCase[] = fx.dists;
const D = torch.distributions;
const MAKERS: Record<string, (p: Record<string, Tensor>) => torch.distributions.Distribution> = {
  "NegativeBinomial probs": (p) => new D.NegativeBinomial(p.total_count, { probs: p.probs }),
  "NegativeBinomial logits": (p) => new D.NegativeBinomial(p.total_count, { logits: p.logits }),
  "FisherSnedecor": (p) => new D.FisherSnedecor(p.df1, p.df2),
  "FisherSnedecor float32": (p) => new D.FisherSnedecor(p.df1, p.df2),
  "Kumaraswamy": (p) => new D.Kumaraswamy(p.concentration1, p.concentration0),
  "Kumaraswamy float32": (p) => new D.Kumaraswamy(p.concentration1, p.concentration0),
  "VonMises": (p) => new D.VonMises(p.loc, p.concentration),
  "VonMises float32": (p) => new D.VonMises(p.loc, p.concentration),
};

function distParams(c: DistCase, device: Device): Record<string, Tensor> {
  return Object.fromEntries(
    Object.entries(c.params).map(([k, e]) => {
      let t = fixtureTensor(e);
      if (device !== "cpu" && t.dtype === "float64") t = t.float();
      return [k, t.to(device).requiresGrad_(c.gradParams[k] !== undefined)];
    }),
  );
}
const onDevice = (e: EncodedTensor, device: Device) => {
  const t = fixtureTensor(e);
  return (device !== "cpu" && t.dtype === "float64" ? t.float() : t).to(device);
};

deviceTest("parity2 distributions: logProb, moments and their gradients match PyTorch", async (device) => {
  for (const c of DISTS) {
    const p = distParams(c, device);
    const d = MAKERS[c.family](p);
    const t = device === "cpu" && c.value.dtype === "float64"
      ? { rtol: 1e-9, atol: 1e-11 }
      : { rtol: 1e-4, atol: 1e-5 };
    const lp = d.logProb(onDevice(c.value, device));
    await assertCloseAsync(lp, fixtureTensor(c.logProb), { ...t, msg: `${c.family}: logProb` });
    await assertCloseAsync(d.mean, fixtureTensor(c.mean), { ...t, msg: `${c.family}: mean` });
    await assertCloseAsync(d.variance, fixtureTensor(c.variance), { ...t, msg: `${c.family}: variance` });
    await assertCloseAsync(d.mode, fixtureTensor(c.mode), { ...t, msg: `${c.family}: mode` });
    if (c.entropy !== null) {
      await assertCloseAsync(d.entropy(), fixtureTensor(c.entropy), { ...t, msg: `${c.family}: entropy` });
    }
    const w = torch.linspace(0.5, 1.5, lp.numel(), { dtype: lp.dtype }).reshape(lp.shape).to(device);
    lp.mul(w).sum().backward();
    for (const [k, g] of Object.entries(c.gradParams)) {
      if (g === null) continue;
      await assertCloseAsync(p[k].grad!, fixtureTensor(g), { ...t, msg: `${c.family}: d logProb / d ${k}` });
    }
  }
});

Deno.test("parity2 distributions: seeded samples are PyTorch's, rsample gradients too", async () => {
  for (const c of DISTS) {
    const p = distParams(c, "cpu");
    const d = MAKERS[c.family](p);
    torch.manualSeed(c.seed);
    const s = d.sample(c.sampleShape);
    const t = c.sample.dtype === "float64" ? { rtol: 1e-9, atol: 1e-11 } : { rtol: 1e-5, atol: 1e-6 };
    await assertCloseAsync(s, fixtureTensor(c.sample), { ...t, msg: `${c.family}: sample` });
    nodeAssert.equal(s.requiresGrad, false);
    if (c.rsampleGrads === null) continue;
    torch.manualSeed(c.seed);
    const r = d.rsample(c.sampleShape);
    await assertCloseAsync(r, fixtureTensor(c.rsample!), { ...t, msg: `${c.family}: rsample` });
    const w = torch.linspace(0.5, 1.5, r.numel(), { dtype: r.dtype }).reshape(r.shape);
    r.mul(w).sum().backward();
    for (const [k, g] of Object.entries(c.rsampleGrads)) {
      await assertCloseAsync(p[k].grad!, fixtureTensor(g), {
        rtol: 1e-4,
        atol: 1e-6,
        msg: `${c.family}: d rsample / d ${k}`,
      });
    }
  }
});

Deno.test("parity2 distributions: bad parameters and values are refused", () => {
  assertThrowsMsg(
    () => new D.NegativeBinomial(2, { probs: torch.tensor([1.0]) }),
    /NegativeBinomial.*probs.*HalfOpenInterval\(lower_bound=0\.0, upper_bound=1\.0\)/,
  );
  assertThrowsMsg(
    () => new D.NegativeBinomial(-1, { probs: torch.tensor([0.5]) }),
    /NegativeBinomial.*total_?[cC]ount/,
  );
  assertThrowsMsg(() => new D.NegativeBinomial(2, {}), /NegativeBinomial/);
  assertThrowsMsg(
    () => new D.NegativeBinomial(2, { probs: 0.5 }).logProb(torch.tensor([1.5])),
    /NegativeBinomial.*support/i,
  );
  assertThrowsMsg(
    () => new D.NegativeBinomial(2, { probs: 0.5 }).entropy(),
    /NegativeBinomial.entropy: .*no entropy/,
  );
  assertThrowsMsg(() => new D.FisherSnedecor(torch.tensor([0.0]), 2), /FisherSnedecor.*df1/);
  assertThrowsMsg(() => new D.FisherSnedecor(1, 2).logProb(torch.tensor([-1.0])), /FisherSnedecor.*support/i);
  assertThrowsMsg(() => new D.Kumaraswamy(torch.tensor([-1.0]), 2), /Kumaraswamy.*concentration1/);
  assertThrowsMsg(() => new D.Kumaraswamy(1, 2).logProb(torch.tensor([1.5])), /Kumaraswamy.*support/i);
  assertThrowsMsg(() => new D.VonMises(0, torch.tensor([0.0])), /VonMises.*concentration/);
  assertThrowsMsg(() => new D.VonMises(0, 1).entropy(), /VonMises.entropy: .*no entropy/);
});

Deno.test("parity2: loops that drop the results free their temporaries", () => {
  const b = wasmBackend();
  const x = torch.randn([6, 5], { dtype: "float64", requiresGrad: true });
  const tau = torch.rand([3], { dtype: "float64", requiresGrad: true });
  const d = new D.VonMises(torch.tensor([0.5]), torch.tensor([2.0]));
  const step = () => {
    const [g0, g1] = torch.gradient(x, {
      spacing: [torch.linspace(0, 1, 6, { dtype: "float64" }), torch.linspace(0, 2, 5, { dtype: "float64" })],
      edgeOrder: 2,
    });
    const s = torch.asStrided(x, [4, 3], [2, 1], 1);
    const q = torch.linalg.householderProduct(x, tau);
    g0.add(g1).sum().add(s.sum()).add(q.sum()).backward();
    d.sample([8]);
    x.grad = null;
    tau.grad = null;
  };
  for (let i = 0; i < 5; i++) step();
  const before = b.memoryStats().residentBytes;
  for (let i = 0; i < 100; i++) step();
  const after = b.memoryStats().residentBytes;
  nodeAssert.ok(after <= before + 64 * 1024, `resident bytes grew from ${before} to ${after}`);
});
