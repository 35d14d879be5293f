/**
 * torch.choleskyInverse, geqrf, ormqr (and their Tensor methods, with choleskySolve's and luSolve's),
 * svdLowrank, pcaLowrank and histogramdd: PyTorch 1.13's values
 * (tools/fixtures/linalgx_fixtures.py -> tests/fixtures/linalgx.json) on both devices where the op
 * runs on both, finite-difference gradchecks, PyTorch's refusal to differentiate geqrf and ormqr,
 * and the bad-input errors.
 */
import * as torch from "../mod.ts";
import type { Device, Tensor } from "../mod.ts";
import {
  assert,
  assertClose,
  assertCloseAsync,
  assertThrowsMsg,
  type EncodedTensor,
  fixtureTensor,
  gradcheck,
  gradcheckAsync,
} from "./helpers.ts";
import { deviceTest, gpuAvailable } from "./devices.ts";

type Enc = EncodedTensor;
// deno-lint-ignore no-explicit-any
const fx: Record<string, any[]> = JSON.parse(
  await Deno.readTextFile(new URL("./fixtures/linalgx.json", import.meta.url)),
);

/** The GPU runs float32 only: float64 cases run on the CPU. */
function runsOn(e: Enc, device: Device): boolean {
  return device === "cpu" || e.dtype === "float32";
}
function tol(e: Enc) {
  return e.dtype === "float64" ? { rtol: 1e-9, atol: 1e-10 } : { rtol: 2e-4, atol: 2e-5 };
}

function weightsLike(out: Tensor): Tensor {
  return torch.linspace(0.5, 1.5, out.numel(), { dtype: out.dtype, device: out.device }).reshape([
    ...out.shape,
  ]);
}

deviceTest("choleskyInverse: values and gradient match PyTorch 1.13", async (device) => {
  for (const c of fx.choleskyInverse) {
    if (!runsOn(c.L, device)) continue;
    const L = fixtureTensor(c.L, device, true);
    const out = torch.choleskyInverse(L, c.upper);
    assert.equal(out.gradFn?.name, "CholeskyInverseBackward0");
    await assertCloseAsync(out, fixtureTensor(c.out), {
      ...tol(c.L),
      msg: `value ${c.L.shape} upper=${c.upper}`,
    });
    out.mul(weightsLike(out)).sum().backward();
    await assertCloseAsync(L.grad!, fixtureTensor(c.grad), {
      ...(c.L.dtype === "float64" ? { rtol: 1e-8, atol: 1e-9 } : { rtol: 1e-3, atol: 1e-4 }),
      msg: `grad ${c.L.shape} upper=${c.upper}`,
    });
    const m = fixtureTensor(c.L, device).choleskyInverse(c.upper);
    await assertCloseAsync(m, fixtureTensor(c.out), tol(c.L));
  }
});

// Only L's triangle is read, so differences move the output only there: the check goes through
// tril/triu (PyTorch's own gradcheck does the same); the full-matrix gradient is the fixture's.
deviceTest("choleskyInverse: finite-difference gradcheck", async (device) => {
  const A = torch.tensor([[4, 1, 0.5], [1, 3, 0.2], [0.5, 0.2, 2]], { dtype: "float32" });
  for (const upper of [false, true]) {
    const L = torch.linalg.cholesky(A, { upper }).to(device).requiresGrad_(true);
    await gradcheckAsync((x) => torch.choleskyInverse(upper ? x.triu() : x.tril(), upper), [L], {
      eps: 1e-3,
      atol: 5e-3,
      rtol: 2e-2,
    });
  }
  const L64 = torch.linalg.cholesky(A.to("float64")).requiresGrad_(true);
  if (device === "cpu") {
    gradcheck((x) => torch.choleskyInverse(x.tril()), [L64], { eps: 1e-6, atol: 1e-7, rtol: 1e-6 });
  }
});

Deno.test("choleskyInverse: bad input", () => {
  assertThrowsMsg(() => torch.choleskyInverse(torch.ones([3])), /choleskyInverse: .*at least 2 dimensions/);
  assertThrowsMsg(
    () => torch.choleskyInverse(torch.ones([3, 2])),
    /choleskyInverse: A must be batches of square matrices, but they are 3 by 2 matrices/,
  );
  assertThrowsMsg(
    () => torch.choleskyInverse(torch.ones([2, 2], { dtype: "int32" })),
    /choleskyInverse: .*int32/,
  );
  assertThrowsMsg(
    () => torch.choleskyInverse(torch.eye(2), 1 as unknown as boolean),
    /choleskyInverse: upper must be a boolean/,
  );
});

deviceTest("choleskySolve and luSolve as Tensor methods equal the functions", async (device) => {
  const A = torch.tensor([[4, 1, 0.5], [1, 3, 0.2], [0.5, 0.2, 2]], { dtype: "float32", device });
  const B = torch.tensor([[1, 2], [3, 4], [5, 6]], { dtype: "float32", device });
  const L = torch.linalg.cholesky(A);
  await assertCloseAsync(B.choleskySolve(L), torch.choleskySolve(B, L), { rtol: 0, atol: 0 });
  await assertCloseAsync(B.choleskySolve(L.mT, true), torch.choleskySolve(B, L.mT, true), {
    rtol: 0,
    atol: 0,
  });
  await assertCloseAsync(A.matmul(B.choleskySolve(L)), B, { rtol: 1e-5, atol: 1e-5 });
  if (device === "cpu") {
    const { LU, pivots } = torch.lu(A);
    await assertCloseAsync(B.luSolve(LU, pivots), torch.luSolve(B, LU, pivots), { rtol: 0, atol: 0 });
    await assertCloseAsync(A.matmul(B.luSolve(LU, pivots)), B, { rtol: 1e-5, atol: 1e-5 });
  }
});

deviceTest("geqrf: values match PyTorch 1.13 (LAPACK's layout and signs)", async (device) => {
  for (const c of fx.geqrf) {
    if (!runsOn(c.A, device)) continue;
    const A = fixtureTensor(c.A, device);
    const { a, tau } = torch.geqrf(A);
    assert.deepEqual(a.shape, c.a.shape);
    assert.deepEqual(tau.shape, c.tau.shape);
    await assertCloseAsync(a, fixtureTensor(c.a), { ...tol(c.A), msg: `a ${c.A.shape}` });
    await assertCloseAsync(tau, fixtureTensor(c.tau), { ...tol(c.A), msg: `tau ${c.A.shape}` });
    const m = A.geqrf();
    await assertCloseAsync(m.a, a, { rtol: 0, atol: 0 });
  }
});

deviceTest("ormqr: values match PyTorch 1.13 for every side and transpose", async (device) => {
  for (const c of fx.ormqr) {
    if (!runsOn(c.input, device)) continue;
    const [inp, tau, other] = [c.input, c.tau, c.other].map((e: Enc) => fixtureTensor(e, device));
    const out = torch.ormqr(inp, tau, other, c.left, c.transpose);
    assert.deepEqual(out.shape, c.out.shape);
    const msg = `ormqr ${c.input.shape} left=${c.left} transpose=${c.transpose}`;
    await assertCloseAsync(out, fixtureTensor(c.out), { ...tol(c.input), msg });
    await assertCloseAsync(inp.ormqr(tau, other, c.left, c.transpose), out, { rtol: 0, atol: 0 });
  }
});

deviceTest("geqrf + ormqr: Qᵀ A is R and Q R is A", async (device) => {
  const A = torch.randn([6, 4], { generator: new torch.Generator(7) }).to(device);
  const { a, tau } = torch.geqrf(A);
  await assertCloseAsync(torch.ormqr(a, tau, A, true, true), a.triu(), { rtol: 1e-4, atol: 1e-4 });
  // a.triu() is R with zero rows below it.
  await assertCloseAsync(torch.ormqr(a, tau, a.triu()), A, { rtol: 1e-4, atol: 1e-4 });
  await assertCloseAsync(torch.linalg.householderProduct(a, tau).matmul(a.triu().narrow(0, 0, 4)), A, {
    rtol: 1e-4,
    atol: 1e-4,
  });
});

Deno.test("geqrf and ormqr: backward refuses as PyTorch 1.13 does", () => {
  const A = torch.randn([3, 3], { dtype: "float64" }).requiresGrad_(true);
  const { a, tau } = torch.geqrf(A);
  assert.equal(a.requiresGrad, true);
  assertThrowsMsg(() => a.sum().backward(), /the derivative for 'geqrf' is not implemented/);
  assertThrowsMsg(() => tau.sum().backward(), /the derivative for 'geqrf' is not implemented/);
  const B = torch.randn([3, 2], { dtype: "float64" }).requiresGrad_(true);
  const out = torch.ormqr(a.detach(), tau.detach(), B);
  assertThrowsMsg(() => out.sum().backward(), /the derivative for 'ormqr' is not implemented/);
});

Deno.test("geqrf and ormqr: bad input", () => {
  const a = torch.randn([4, 3]), tau = torch.randn([3]), c = torch.randn([4, 2]);
  assertThrowsMsg(() => torch.geqrf(torch.ones([3])), /geqrf: input must have at least 2 dimensions/);
  assertThrowsMsg(() => torch.geqrf(torch.ones([3, 3], { dtype: "int32" })), /geqrf: .*int32/);
  assertThrowsMsg(() => torch.ormqr(torch.ones([3]), tau, c), /ormqr: input must have at least 2 dimensions/);
  assertThrowsMsg(() => torch.ormqr(a, tau, torch.ones([4])), /ormqr: other must have at least 2 dimensions/);
  assertThrowsMsg(
    () => torch.ormqr(a, torch.ones([4]), c),
    /ormqr: tau.shape\[-1\] must be less than or equal to input.shape\[-1\]/,
  );
  assertThrowsMsg(
    () => torch.ormqr(a, torch.ones([1, 3]), c),
    /ormqr: Expected tau to have one dimension less/,
  );
  assertThrowsMsg(
    () => torch.ormqr(a, tau, torch.ones([5, 2])),
    /ormqr: other.shape\[-2\] must be equal to input/,
  );
  assertThrowsMsg(
    () => torch.ormqr(a, tau, torch.ones([2, 4])),
    /ormqr: other.shape\[-2\] must be greater than or equal to tau/,
  );
  assertThrowsMsg(
    () => torch.ormqr(a, tau, torch.ones([2, 5]), false),
    /ormqr: other.shape\[-1\] must be equal to input.shape\[-2\]/,
  );
  assertThrowsMsg(
    () => torch.ormqr(a, tau, torch.ones([2, 4, 2])),
    /ormqr: Expected other to have the same number of dimensions as input/,
  );
  assertThrowsMsg(
    () => torch.ormqr(a, tau.to("float64"), c),
    /ormqr: Expected input and tau to have the same dtype, but input has dtype float32 and tau has dtype float64/,
  );
  assertThrowsMsg(
    () => torch.ormqr(torch.ones([2, 4, 3]), torch.ones([3, 3]), torch.ones([2, 4, 2])),
    /ormqr: Expected batch dimensions of tau to be equal to input.shape\[:-2\], but got \[3\]/,
  );
  assertThrowsMsg(() => torch.ormqr(a, tau, c, "yes" as unknown as boolean), /ormqr: left must be a boolean/);
});

/** Columns of `actual` flipped to the signs of `expected`'s (singular vectors are defined up to sign). */
function alignColumns(actual: Tensor, expected: Tensor): Tensor {
  const dots = actual.mul(expected.to(actual.device)).sum(-2, { keepdim: true });
  return actual.mul(torch.where(dots.lt(0), -1, 1).to(actual.dtype));
}

deviceTest("svdLowrank and pcaLowrank: seeded values match PyTorch 1.13 (same draws)", async (device) => {
  for (const c of fx.lowrank) {
    if (!runsOn(c.A, device)) continue;
    const A = fixtureTensor(c.A, device);
    torch.manualSeed(c.seed);
    const kw = c.kw as { q?: number; niter?: number; center?: boolean };
    const res = c.fn === "svd"
      ? torch.svdLowrank(A, kw.q ?? 6, kw.niter ?? 2, c.M ? fixtureTensor(c.M, device) : null)
      : torch.pcaLowrank(A, kw.q ?? null, kw.center ?? true, kw.niter ?? 2);
    const t = c.A.dtype === "float64" ? { rtol: 1e-7, atol: 1e-8 } : { rtol: 2e-3, atol: 2e-4 };
    const msg = `${c.fn}Lowrank ${c.A.shape} ${JSON.stringify(c.kw)}`;
    assert.deepEqual([res.U.shape, res.S.shape, res.V.shape], [c.U.shape, c.S.shape, c.V.shape], msg);
    await assertCloseAsync(res.S, fixtureTensor(c.S), { ...t, msg: `${msg} S` });
    const U = fixtureTensor(c.U), V = fixtureTensor(c.V);
    await assertCloseAsync(alignColumns(res.U, U), U, { ...t, msg: `${msg} U` });
    await assertCloseAsync(alignColumns(res.V, V), V, { ...t, msg: `${msg} V` });
  }
});

Deno.test("svdLowrank: another seed gives another approximation (the draw matters)", () => {
  const c = fx.lowrank[0];
  const A = fixtureTensor(c.A);
  torch.manualSeed(c.seed + 100);
  const { S } = torch.svdLowrank(A, 3);
  const diff = S.sub(fixtureTensor(c.S)).abs().max().item();
  assert.ok(diff > 1e-6, `S should depend on the seed (diff ${diff})`);
});

deviceTest("svdLowrank and pcaLowrank: finite-difference gradcheck", async (device) => {
  const A = torch.tensor([[3, 1, 0.5], [1, 2, 0.2], [0.5, 0.3, 1], [0.1, 0.4, 0.2]], { dtype: "float32" })
    .to(device).requiresGrad_(true);
  const svdS = (x: Tensor) => {
    torch.manualSeed(3);
    return torch.svdLowrank(x, 2).S;
  };
  await gradcheckAsync(svdS, [A], { eps: 1e-3, atol: 5e-3, rtol: 3e-2 });
  const svdProduct = (x: Tensor) => {
    torch.manualSeed(3);
    const { U, S, V } = torch.svdLowrank(x, 2, 1);
    return U.mul(S).matmul(V.mT);
  };
  await gradcheckAsync(svdProduct, [A], { eps: 1e-3, atol: 5e-3, rtol: 3e-2 });
  const pcaS = (x: Tensor) => {
    torch.manualSeed(4);
    return torch.pcaLowrank(x, 2).S;
  };
  await gradcheckAsync(pcaS, [A], { eps: 1e-3, atol: 5e-3, rtol: 3e-2 });
});

Deno.test("svdLowrank and pcaLowrank: bad input", () => {
  const A = torch.randn([5, 4]);
  assertThrowsMsg(() => torch.svdLowrank(torch.ones([3])), /svdLowrank: .*at least 2 dimensions/);
  assertThrowsMsg(
    () => torch.svdLowrank(A, 5),
    /svdLowrank: q\(=5\) must be non-negative integer and not greater than min\(m, n\)=4/,
  );
  assertThrowsMsg(() => torch.svdLowrank(A, 2, -1), /svdLowrank: niter\(=-1\) must be non-negative integer/);
  assertThrowsMsg(
    () => torch.svdLowrank(A, 2, 2, torch.ones([1, 4])),
    /svdLowrank: M must be \[..., m, n\] like A/,
  );
  assertThrowsMsg(
    () => torch.svdLowrank(A, 2, 2, torch.ones([5, 4], { dtype: "float64" })),
    /svdLowrank: M is float64 but A is float32/,
  );
  assertThrowsMsg(
    () => torch.pcaLowrank(A, 7),
    /pcaLowrank: q\(=7\) must be non-negative integer and not greater than min\(m, n\)=4/,
  );
  assertThrowsMsg(
    () => torch.pcaLowrank(A, 2, true, 1.5),
    /pcaLowrank: niter\(=1.5\) must be non-negative integer/,
  );
  assertThrowsMsg(() => torch.pcaLowrank(torch.ones([4, 4], { dtype: "int32" })), /pcaLowrank: .*int32/);
});

deviceTest("histogramdd: values and bin edges match PyTorch 1.13", async (device) => {
  for (const c of fx.histogramdd) {
    if (!runsOn(c.input, device)) continue;
    const pts = fixtureTensor(c.input, device);
    const bins = c.edges ? c.edges.map((e: Enc) => fixtureTensor(e, device)) : c.bins;
    const weight = c.weight ? fixtureTensor(c.weight, device) : null;
    const { hist, binEdges } = torch.histogramdd(pts, bins, {
      range: c.range ?? null,
      weight,
      density: c.density,
    });
    const msg = `histogramdd ${c.input.shape} bins=${JSON.stringify(c.bins ?? "edges")}`;
    assert.deepEqual(hist.shape, c.hist.shape, msg);
    assert.equal(hist.dtype, c.hist.dtype, msg);
    await assertCloseAsync(hist, fixtureTensor(c.hist), { ...tol(c.input), msg });
    assert.equal(binEdges.length, c.binEdges.length, msg);
    for (let d = 0; d < binEdges.length; d++) {
      // Edges from the data's range are computed on the GPU in float32 with two roundings where
      // PyTorch's build fuses the multiply-add: 1 ulp apart at most there; exact elsewhere.
      const ulp = device === "gpu" && !c.edges && !c.range
        ? { rtol: 1.2e-7, atol: 2.4e-7 }
        : { rtol: 0, atol: 0 };
      await assertCloseAsync(binEdges[d], fixtureTensor(c.binEdges[d]), { ...ulp, msg: `${msg} edges ${d}` });
    }
  }
});

deviceTest("histogramdd: points with a NaN coordinate are not counted", async (device) => {
  const pts = torch.tensor([[0, NaN], [0.5, 0.5], [NaN, 0.2], [0.2, 0.9]], { device });
  const { hist } = torch.histogramdd(pts, 2, { range: [0, 1, 0, 1] });
  await assertCloseAsync(hist, [[0, 1], [0, 1]], { rtol: 0, atol: 0 });
});

Deno.test("histogramdd: bad input", () => {
  const x = torch.tensor([[0, 1], [1, 0.5], [2, 2]]);
  assertThrowsMsg(
    () => torch.histogramdd(torch.tensor([1.5, 2]), 2),
    /histogramdd: input tensor should have at least 2 dimensions/,
  );
  assertThrowsMsg(
    () => torch.histogramdd(x.to("int32"), 2),
    /histogramdd: expected a floating point input, got int32/,
  );
  assertThrowsMsg(() => torch.histogramdd(x, 0), /histogramdd: bins must be > 0, but got 0 for dimension 0/);
  assertThrowsMsg(
    () => torch.histogramdd(x, [2, 2, 2]),
    /histogramdd: expected 2 bin counts for a 2-dimensional histogram but got 3/,
  );
  assertThrowsMsg(
    () => torch.histogramdd(x, 2, { range: [0, 1] }),
    /histogramdd: for a 2-dimensional histogram range should have 4 elements, but got 2/,
  );
  assertThrowsMsg(
    () => torch.histogramdd(x, 2, { range: [1, 0, 0, 1] }),
    /histogramdd: min should not exceed max, but got min 1 max 0 for dimension 0/,
  );
  assertThrowsMsg(
    () => torch.histogramdd(x, 2, { range: [0, Infinity, 0, 1] }),
    /histogramdd: dimension 0's range \[0, Infinity\] is not finite/,
  );
  assertThrowsMsg(
    () => torch.histogramdd(torch.tensor([[1, Infinity]]), 2),
    /histogramdd: dimension 1's range \[Infinity, Infinity\] is not finite/,
  );
  assertThrowsMsg(
    () => torch.histogramdd(x, 2, { weight: torch.ones([2]) }),
    /histogramdd: if weight tensor is provided it should have the same shape as the input tensor excluding its innermost dimension, but got input with shape \[3, 2\] and weight with shape \[2\]/,
  );
  assertThrowsMsg(
    () => torch.histogramdd(x, 2, { weight: torch.ones([3], { dtype: "float64" }) }),
    /histogramdd: if weight tensor is provided, input tensor and weight tensor should have the same dtype/,
  );
  const e = torch.tensor([0, 1], { dtype: "float32" });
  assertThrowsMsg(
    () => torch.histogramdd(x, [e]),
    /histogramdd: expected 2 sequences of bin edges for a 2-dimensional histogram but got 1/,
  );
  assertThrowsMsg(
    () => torch.histogramdd(x, [e, e.reshape([1, 2])]),
    /histogramdd: bins tensor should have one dimension, but got 2 dimensions in the bins tensor for dimension 1/,
  );
  assertThrowsMsg(
    () => torch.histogramdd(x, [e, e.narrow(0, 0, 1)]),
    /histogramdd: bins must be > 0, but got 0 for dimension 1/,
  );
  assertThrowsMsg(
    () => torch.histogramdd(x, [e, e.to("float64")]),
    /histogramdd: input tensor and bins tensors should have the same dtype, but got input with dtype float32 and bins for dimension 1 with dtype float64/,
  );
});

Deno.test("lobpcg: seeded values and gradients match PyTorch 1.13", () => {
  for (const c of fx.lobpcg) {
    const A = fixtureTensor(c.A, "cpu", !!c.grad);
    if (c.seed !== null) torch.manualSeed(c.seed);
    const { E, X } = torch.lobpcg(A, {
      ...c.kw,
      B: c.B ? fixtureTensor(c.B) : null,
      X: c.X0 ? fixtureTensor(c.X0) : null,
    });
    const msg = `lobpcg ${c.A.shape} ${JSON.stringify(c.kw)}`;
    const f64 = c.A.dtype === "float64";
    assert.deepEqual([E.shape, X.shape], [c.E.shape, c.X.shape], msg);
    assertClose(E, fixtureTensor(c.E), { rtol: f64 ? 1e-11 : 1e-5, atol: 0, msg: `${msg} E` });
    const Xe = fixtureTensor(c.X);
    assertClose(alignColumns(X, Xe), Xe, { rtol: 0, atol: f64 ? 1e-6 : 2e-3, msg: `${msg} X` });
    if (c.grad) {
      E.mul(weightsLike(E)).sum().add(X.mul(X).mul(weightsLike(X)).sum()).backward();
      assertClose(A.grad!, fixtureTensor(c.grad), { rtol: 1e-5, atol: 1e-6, msg: `${msg} grad` });
    }
  }
});

Deno.test("lobpcg: finite-difference gradcheck (eigenvalues and the eigenvectors' squares)", () => {
  torch.manualSeed(5);
  const Q = torch.linalg.qr(torch.randn([9, 9], { dtype: "float64" })).Q;
  const A0 = Q.mul(torch.arange(1, 10, { dtype: "float64" })).matmul(Q.mT);
  const A = A0.clone().requiresGrad_(true);
  const run = (x: Tensor) => {
    torch.manualSeed(6);
    // lobpcg symmetrizes A only when it records (as PyTorch); the differences run without.
    const { E, X } = torch.lobpcg(x.add(x.mT).div(2), { k: 2, tol: 1e-12 });
    return torch.cat([E, X.mul(X).flatten()]);
  };
  gradcheck(run, [A], { eps: 1e-6, atol: 1e-5, rtol: 1e-4 });
});

Deno.test("lobpcg: bad input", () => {
  const A = torch.eye(9, { dtype: "float64" });
  assertThrowsMsg(() => torch.lobpcg(torch.ones([3])), /lobpcg: .*at least 2 dimensions/);
  assertThrowsMsg(() => torch.lobpcg(torch.ones([9, 8])), /lobpcg: A must be square, got \[9, 8\]/);
  assertThrowsMsg(
    () => torch.lobpcg(A, { k: 4 }),
    /lobpcg: LPBPCG algorithm is not applicable when the number of A rows \(=9\) is smaller than 3 x the number of requested eigenpairs \(=4\)/,
  );
  assertThrowsMsg(() => torch.lobpcg(A, { k: 0 }), /lobpcg: k must be an integer >= 1, got/);
  assertThrowsMsg(() => torch.lobpcg(A, { k: 2, n: 1 }), /lobpcg: k \(=2\) must not exceed n/);
  assertThrowsMsg(
    () => torch.lobpcg(A, { B: torch.eye(8, { dtype: "float64" }) }),
    /lobpcg: A and B must have the same shape/,
  );
  assertThrowsMsg(
    () => torch.lobpcg(A, { X: torch.ones([8, 2], { dtype: "float64" }) }),
    /lobpcg: X must be \[..., 9, n\]/,
  );
  assertThrowsMsg(
    () => torch.lobpcg(A.clone().requiresGrad_(true), { B: A }),
    /lobpcg: gradients with B given are not supported/,
  );
  assertThrowsMsg(
    () => torch.lobpcg(A, { method: "basic" as unknown as "ortho" }),
    /lobpcg: method must be "ortho"/,
  );
  if (gpuAvailable) {
    assertThrowsMsg(() => torch.lobpcg(torch.eye(9).to("gpu")), /lobpcg: runs on the CPU .*got A on "gpu"/);
  }
});
