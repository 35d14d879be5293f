/**
 * torch.linalg.solveTriangular, torch.choleskySolve and distributions.MultivariateNormal against
 * PyTorch 1.13 (tools/fixtures/mvn_fixtures.py -> tests/fixtures/mvn.json) on both devices:
 * values and gradients, inf/NaN from a zero diagonal, seeded samples element for element, KL
 * divergences, finite-difference gradchecks and the bad-input errors.
 */
import * as torch from "../mod.ts";
import type { Tensor } from "../mod.ts";
import {
  assert,
  assertClose,
  assertCloseAsync,
  assertRejectsMsg,
  assertThrowsMsg,
  type EncodedTensor,
  fixtureTensor as dec,
  gradcheck,
  gradcheckAsync,
} from "./helpers.ts";
import { deviceTest } from "./devices.ts";

const D = torch.distributions;

type Enc = EncodedTensor;
interface SolveCase {
  name: string;
  op: "solveTriangular" | "choleskySolve";
  args: { upper: boolean; left?: boolean; unitriangular?: boolean };
  inputs: Enc[];
  out: Enc;
  grads?: Enc[];
  rtol: number;
  atol: number;
}
interface MvnCase {
  name: string;
  param: "covariance_matrix" | "precision_matrix" | "scale_tril";
  loc: Enc;
  matrix: Enc;
  value: Enc;
  batch_shape: number[];
  event_shape: number[];
  log_prob: Enc;
  entropy: Enc;
  mean: Enc;
  mode: Enc;
  variance: Enc;
  scale_tril: Enc;
  covariance_matrix: Enc;
  precision_matrix: Enc;
  grads: Enc[];
  seed: number;
  sample_shape: number[];
  sample: Enc;
  rsample_grads: Enc[];
  after: number[];
  rtol: number;
  atol: number;
}
interface MvnSpec {
  param: MvnCase["param"];
  loc: Enc;
  matrix: Enc;
}
interface KlCase {
  name: string;
  p: MvnSpec;
  q: MvnSpec;
  kl: Enc;
  grads: Enc[];
}

const fx = JSON.parse(await Deno.readTextFile(new URL("./fixtures/mvn.json", import.meta.url))) as {
  cases: SolveCase[];
  mvn: MvnCase[];
  kl: KlCase[];
  errors: Record<string, string>;
};

/** The fixtures' projection: `torch.linspace(lo, hi, n)` in the output's shape. */
function weights(t: Tensor, lo = 0.5, hi = 1.5): Tensor {
  const n = t.numel();
  // float32 values, cast (as the fixture script's).
  return torch.linspace(lo, hi, Math.max(n, 1)).narrow(0, 0, n).reshape(t.shape).to(t.dtype).to(t.device);
}

const CAMEL = {
  covariance_matrix: "covarianceMatrix",
  precision_matrix: "precisionMatrix",
  scale_tril: "scaleTril",
} as const;

function mvn(param: MvnCase["param"], loc: Tensor, matrix: Tensor): torch.distributions.MultivariateNormal {
  return new D.MultivariateNormal(
    loc,
    { [CAMEL[param]]: matrix } as unknown as torch.distributions.MultivariateNormalParams,
  );
}

const cpuOnly = (encs: Enc[]) => encs.some((e) => e.dtype === "float64") ? { devices: ["cpu" as const] } : {};

for (const c of fx.cases) {
  deviceTest(`triangular fixture: ${c.name}`, async (device) => {
    const grad = c.grads !== undefined;
    const [a, b] = c.inputs.map((e) => dec(e, device, grad));
    const out = c.op === "solveTriangular"
      ? torch.linalg.solveTriangular(a, b, c.args)
      : torch.choleskySolve(a, b, c.args.upper);
    assert.equal(out.device, device);
    assert.equal(out.dtype, c.out.dtype);
    await assertCloseAsync(out, dec(c.out), { rtol: c.rtol, atol: c.atol, msg: `${c.name}: values` });
    if (!grad) return;
    assert.equal(
      out.gradFn!.name,
      c.op === "solveTriangular" ? "LinalgSolveTriangularBackward0" : "CholeskySolveBackward0",
    );
    out.mul(weights(out)).sum().backward();
    for (const [i, x] of [a, b].entries()) {
      await assertCloseAsync(x.grad!, dec(c.grads![i]), {
        rtol: Math.max(c.rtol, 1e-4),
        atol: Math.max(c.atol, 1e-4),
        msg: `${c.name}: gradient of input ${i}`,
      });
    }
  }, cpuOnly(c.inputs));
}

deviceTest(
  "solveTriangular: only the named triangle is read, and B can be a non-contiguous view",
  async (device) => {
    const A = torch.tensor([[2, 7, 7], [1, 4, 7], [3, -1, 5]], { dtype: "float32" }).to(device);
    const B = torch.tensor([[2, 9, 3], [1, 0, 3]], { dtype: "float32" }).to(device).mT; // [3, 2], strided
    const X = torch.linalg.solveTriangular(A, B, { upper: false });
    await assertCloseAsync(X, torch.linalg.solveTriangular(A.tril(), B.contiguous(), { upper: false }), {
      atol: 0,
    });
    await assertCloseAsync(A.tril().matmul(X), B, { atol: 1e-5 });
    const U = torch.linalg.solveTriangular(A, B, { upper: true, unitriangular: true });
    await assertCloseAsync(A.triu(1).add(torch.eye(3).to(device)).matmul(U), B, { atol: 1e-4 });
  },
);

deviceTest(
  "solveTriangular: a 300x300 system spans several GPU dispatches and matches the CPU",
  async (device) => {
    const gen = new torch.Generator(7);
    const L = torch.randn([300, 300], { generator: gen }).mul(0.05).tril(-1).add(torch.eye(300));
    const B = torch.randn([300, 2], { generator: gen });
    const X = torch.linalg.solveTriangular(L.to(device), B.to(device), { upper: false });
    await assertCloseAsync(L.matmul(await X.toAsync("cpu")), B, { atol: 1e-3 });
  },
);

Deno.test("solveTriangular and choleskySolve: finite-difference gradchecks (CPU, float64)", () => {
  const gen = new torch.Generator(3);
  const L = torch.randn([3, 3], { generator: gen, dtype: "float64" }).tril(-1).mul(0.3)
    .add(torch.eye(3, { dtype: "float64" }).mul(2)).requiresGrad_(true);
  const B = torch.randn([2, 3, 2], { generator: gen, dtype: "float64" }).requiresGrad_(true);
  const Bt = torch.randn([2, 3], { generator: gen, dtype: "float64" }).requiresGrad_(true);
  const tol = { eps: 1e-6, atol: 1e-6, rtol: 1e-5 };
  for (const unitriangular of [false, true]) {
    gradcheck((a, b) => torch.linalg.solveTriangular(a, b, { upper: false, unitriangular }), [L, B], tol);
    gradcheck((a, b) => torch.linalg.solveTriangular(a.mT, b, { upper: true, unitriangular }), [L, B], tol);
    gradcheck((a, b) => torch.linalg.solveTriangular(a, b, { upper: false, left: false, unitriangular }), [
      L,
      Bt,
    ], tol);
  }
  // PyTorch's gradient for the factor is that of (L Lᵀ)⁻¹B over the full matrix (its other
  // triangle, which is not read, gets one too): differentiate through tril() to compare.
  gradcheck((b, l) => torch.choleskySolve(b, l.tril()), [B, L], tol);
  gradcheck((b, l) => torch.choleskySolve(b, l.tril().mT, true), [B, L], tol);
  // Second order: the backward is made of differentiable solves.
  // (gradcheck evaluates under noGrad: the inner gradient needs grad mode and a leaf that wants one.)
  gradcheck(
    (a, b) =>
      torch.enableGrad(() => {
        const leaf = a.requiresGrad ? a : a.detach().requiresGrad_(true);
        const x = torch.linalg.solveTriangular(leaf, b, { upper: false });
        return torch.autograd.grad(x.pow(2).sum(), [leaf], { createGraph: true })[0]!;
      }),
    [L, B],
    tol,
  );
});

deviceTest("solveTriangular: finite-difference gradcheck on each device (float32)", async (device) => {
  const L = torch.tensor([[2, 0, 0], [0.5, 1.5, 0], [-0.3, 0.2, 1.8]], { dtype: "float32" }).to(device)
    .requiresGrad_(true);
  const B = torch.tensor([[1, -1], [0.5, 2], [0.3, 0.1]], { dtype: "float32" }).to(device).requiresGrad_(
    true,
  );
  await gradcheckAsync((a, b) => torch.linalg.solveTriangular(a, b, { upper: false }), [L, B]);
});

for (const c of fx.mvn) {
  const opts = cpuOnly([c.loc]);
  deviceTest(`MultivariateNormal fixture: ${c.name}`, async (device) => {
    const loc = dec(c.loc, device, true), matrix = dec(c.matrix, device, true);
    const m = mvn(c.param, loc, matrix);
    assert.deepEqual(m.batchShape, c.batch_shape);
    assert.deepEqual(m.eventShape, c.event_shape);
    const tol = { rtol: c.rtol, atol: c.atol };
    const lp = m.logProb(dec(c.value, device));
    const ent = m.entropy();
    await assertCloseAsync(lp, dec(c.log_prob), { ...tol, msg: `${c.name}: logProb` });
    await assertCloseAsync(ent, dec(c.entropy), { ...tol, msg: `${c.name}: entropy` });
    for (const k of ["mean", "mode", "variance"] as const) {
      await assertCloseAsync(m[k], dec(c[k]), { ...tol, msg: `${c.name}: ${k}` });
    }
    await assertCloseAsync(m.scaleTril, dec(c.scale_tril), { ...tol, msg: `${c.name}: scaleTril` });
    await assertCloseAsync(m.covarianceMatrix, dec(c.covariance_matrix), { ...tol, msg: `${c.name}: cov` });
    await assertCloseAsync(m.precisionMatrix, dec(c.precision_matrix), {
      rtol: c.rtol * 10,
      atol: c.atol * 10,
      msg: `${c.name}: precisionMatrix`,
    });
    lp.mul(weights(lp)).sum().add(ent.mul(weights(ent, 1, 2)).sum()).backward();
    const gtol = { rtol: Math.max(c.rtol * 10, 1e-9), atol: Math.max(c.atol * 10, 1e-9) };
    await assertCloseAsync(loc.grad!, dec(c.grads[0]), { ...gtol, msg: `${c.name}: d/dloc` });
    await assertCloseAsync(matrix.grad!, dec(c.grads[1]), { ...gtol, msg: `${c.name}: d/d${c.param}` });
  }, opts);

  deviceTest(`MultivariateNormal seeded samples: ${c.name}`, async (device) => {
    const loc = dec(c.loc, device, true), matrix = dec(c.matrix, device, true);
    const m = mvn(c.param, loc, matrix);
    torch.manualSeed(c.seed);
    const s = m.sample(c.sample_shape);
    assert.equal(s.requiresGrad, false);
    assert.deepEqual(s.shape, c.sample.shape);
    await assertCloseAsync(s, dec(c.sample), { rtol: 1e-5, atol: 1e-5, msg: `${c.name}: sample` });
    assertClose(torch.rand(3), c.after, {
      rtol: 0,
      atol: 0,
      msg: `${c.name}: the generator's position after`,
    });
    torch.manualSeed(c.seed);
    const rs = m.rsample(c.sample_shape);
    await assertCloseAsync(rs, dec(c.sample), { rtol: 1e-5, atol: 1e-5, msg: `${c.name}: rsample` });
    rs.mul(weights(rs)).sum().backward();
    // The weights are float32 linspace values, which PyTorch's linspace rounds differently by an ulp.
    const gtol = { rtol: Math.max(c.rtol * 10, 1e-6), atol: Math.max(c.atol * 10, 1e-6) };
    await assertCloseAsync(loc.grad!, dec(c.rsample_grads[0]), { ...gtol, msg: `${c.name}: rsample d/dloc` });
    await assertCloseAsync(matrix.grad!, dec(c.rsample_grads[1]), {
      ...gtol,
      msg: `${c.name}: rsample d/dmatrix`,
    });
  }, opts);
}

for (const c of fx.kl) {
  deviceTest(`MultivariateNormal KL fixture: ${c.name}`, async (device) => {
    const leaves = [c.p.loc, c.p.matrix, c.q.loc, c.q.matrix].map((e) => dec(e, device, true));
    const p = mvn(c.p.param, leaves[0], leaves[1]), q = mvn(c.q.param, leaves[2], leaves[3]);
    const kl = D.klDivergence(p, q);
    await assertCloseAsync(kl, dec(c.kl), { rtol: 1e-4, atol: 1e-5, msg: `${c.name}: KL` });
    kl.mul(weights(kl)).sum().backward();
    for (const [i, x] of leaves.entries()) {
      await assertCloseAsync(x.grad!, dec(c.grads[i]), {
        rtol: 1e-3,
        atol: 1e-4,
        msg: `${c.name}: gradient ${i}`,
      });
    }
  });
}

deviceTest(
  "MultivariateNormal: expand, KL of a distribution with itself, and the three parameterisations agree",
  async (device) => {
    const cov = torch.tensor([[2, 0.5], [0.5, 1]], { dtype: "float32" }).to(device);
    const loc = torch.tensor([1, -1], { dtype: "float32" }).to(device);
    const byCov = new D.MultivariateNormal(loc, { covarianceMatrix: cov });
    const byTril = new D.MultivariateNormal(loc, { scaleTril: torch.linalg.cholesky(cov) });
    const byPrec = new D.MultivariateNormal(loc, { precisionMatrix: torch.linalg.inv(cov) });
    const v = torch.tensor([[0, 0], [1, 2], [3, -1]], { dtype: "float32" }).to(device);
    const ref = await byCov.logProb(v).toAsync("cpu");
    await assertCloseAsync(byTril.logProb(v), ref, { atol: 1e-5 });
    await assertCloseAsync(byPrec.logProb(v), ref, { atol: 1e-5 });
    await assertCloseAsync(D.klDivergence(byCov, byPrec).reshape([1]), [0], { atol: 1e-5 });
    const e = byCov.expand([4, 3]);
    assert.ok(e instanceof D.MultivariateNormal);
    assert.deepEqual([e.batchShape, e.eventShape], [[4, 3], [2]]);
    assert.deepEqual(e.covarianceMatrix.shape, [4, 3, 2, 2]);
    assert.deepEqual(e.precisionMatrix.shape, [4, 3, 2, 2]);
    assert.deepEqual(e.scaleTril.shape, [4, 3, 2, 2]);
    assert.deepEqual(e.sample([5]).shape, [5, 4, 3, 2]);
    const lp = await e.logProb(v.index(1)).toAsync("cpu");
    assert.deepEqual(lp.shape, [4, 3]);
    await assertCloseAsync(lp, torch.full([4, 3], ref.index(1).item()), { atol: 1e-5 });
    assert.equal(
      String(byCov),
      "MultivariateNormal(loc: torch.Size([2]), covarianceMatrix: torch.Size([2, 2]))",
    );
  },
);

Deno.test("MultivariateNormal: finite-difference gradchecks of logProb, entropy and KL (CPU, float64)", () => {
  const gen = new torch.Generator(11);
  const loc = torch.randn([2, 3], { generator: gen, dtype: "float64" }).requiresGrad_(true);
  const A = torch.randn([3, 3], { generator: gen, dtype: "float64" });
  const cov = A.matmul(A.mT).add(torch.eye(3, { dtype: "float64" })).requiresGrad_(true);
  const value = torch.randn([4, 2, 3], { generator: gen, dtype: "float64" });
  const tol = { eps: 1e-6, atol: 1e-6, rtol: 1e-5 };
  // The covariance enters symmetrised, so that finite differences stay on symmetric matrices.
  const sym = (c: Tensor) => c.add(c.mT).mul(0.5);
  gradcheck(
    (l, c) => new D.MultivariateNormal(l, { covarianceMatrix: sym(c) }).logProb(value),
    [loc, cov],
    tol,
  );
  gradcheck(
    (l, c) => new D.MultivariateNormal(l, { precisionMatrix: sym(c) }).logProb(value),
    [loc, cov],
    tol,
  );
  gradcheck((c) => new D.MultivariateNormal(loc, { covarianceMatrix: sym(c) }).entropy(), [cov], tol);
  const L = torch.linalg.cholesky(cov.detach()).requiresGrad_(true);
  gradcheck((l, s) => new D.MultivariateNormal(l, { scaleTril: s.tril() }).logProb(value), [loc, L], tol);
  gradcheck(
    (l, s) => {
      torch.manualSeed(5);
      return new D.MultivariateNormal(l, { scaleTril: s.tril() }).rsample([3]);
    },
    [loc, L],
    tol,
  );
  const q = new D.MultivariateNormal(torch.zeros(3, { dtype: "float64" }), {
    scaleTril: L.detach().mul(1.5),
  });
  gradcheck((l, c) => D.klDivergence(new D.MultivariateNormal(l, { covarianceMatrix: sym(c) }), q), [
    loc,
    cov,
  ], tol);
});

Deno.test("solveTriangular and choleskySolve: bad input names the op and what was expected", () => {
  const A = torch.eye(3), B = torch.ones(3, 2);
  assertThrowsMsg(
    // @ts-expect-error: upper is required
    () => torch.linalg.solveTriangular(A, B),
    /linalg\.solveTriangular: missing the required option upper/,
  );
  assertThrowsMsg(
    // @ts-expect-error: upper must be a boolean
    () => torch.linalg.solveTriangular(A, B, { upper: 1 }),
    /linalg\.solveTriangular: upper must be a boolean, got a number 1/,
  );
  assertThrowsMsg(
    () => torch.linalg.solveTriangular(A, torch.ones(3), { upper: true }),
    new RegExp(fx.errors.tri_b_1d.replace(/[.]/g, "\\.").replace("solve_triangular", "solveTriangular")),
  );
  assertThrowsMsg(
    () => torch.linalg.solveTriangular(torch.ones(3), B, { upper: true }),
    /linalg\.solveTriangular: The input tensor A must have at least 2 dimensions\./,
  );
  assertThrowsMsg(
    () => torch.linalg.solveTriangular(torch.ones(3, 2), B, { upper: true }),
    /A must be batches of square matrices, but they are 3 by 2 matrices/,
  );
  assertThrowsMsg(
    () => torch.linalg.solveTriangular(A, torch.ones(4, 2), { upper: true }),
    /Incompatible shapes of A and B for the equation AX = B \(3x3 and 4x2\)/,
  );
  assertThrowsMsg(
    () => torch.linalg.solveTriangular(A, torch.ones(4, 2), { upper: true, left: false }),
    /Incompatible shapes of A and B for the equation XA = B \(3x3 and 4x2\)/,
  );
  assertThrowsMsg(
    () =>
      torch.linalg.solveTriangular(torch.eye(3).reshape(1, 3, 3).expand(2, 3, 3), torch.ones(4, 3, 2), {
        upper: true,
      }),
    /linalg\.solveTriangular: .*\[2\].*\[4\]|linalg\.solveTriangular: .*2.*4/,
  );
  assertThrowsMsg(
    () => torch.linalg.solveTriangular(A, B.double(), { upper: true }),
    /Expected A and B to have the same dtype, but found A of type float32 and B of type float64/,
  );
  assertThrowsMsg(
    () => torch.linalg.solveTriangular(torch.eye(3, { dtype: "int32" }), B, { upper: true }),
    /expected A to be a float32 or float64 tensor, got int32/,
  );
  assertThrowsMsg(
    () => torch.choleskySolve(torch.ones(3), A),
    /choleskySolve: b should have at least 2 dimensions/,
  );
  assertThrowsMsg(
    () => torch.choleskySolve(torch.ones(3, 2), torch.eye(4)),
    /choleskySolve: Incompatible matrix sizes for cholesky_solve: each A matrix is 4 by 4 but each b matrix is 3 by 2/,
  );
  assertThrowsMsg(
    () => torch.choleskySolve(B, torch.ones(3, 2)),
    /choleskySolve: A must be batches of square matrices/,
  );
});

deviceTest("MultivariateNormal: bad parameters and values throw PyTorch's errors", async (device) => {
  const t = (v: number[] | number[][]) => torch.tensor(v, { dtype: "float32" }).to(device);
  const notPd = () => new D.MultivariateNormal(t([0, 0]), { covarianceMatrix: t([[1, 2], [2, 1]]) });
  const notTril = () => new D.MultivariateNormal(t([0, 0]), { scaleTril: t([[1, 0], [2, -1]]) });
  const notPdPrecision = () => new D.MultivariateNormal(t([0, 0]), { precisionMatrix: t([[1, 2], [3, 1]]) });
  const pdMsg =
    /MultivariateNormal: expected parameter covarianceMatrix \(Tensor of shape \[2, 2\]\) of distribution MultivariateNormal\(loc: torch\.Size\(\[2\]\), covarianceMatrix: torch\.Size\(\[2, 2\]\)\) to satisfy the constraint PositiveDefinite\(\), but found invalid values/;
  const trilMsg = /expected parameter scaleTril .* to satisfy the constraint LowerCholesky\(\)/;
  const precMsg = /expected parameter precisionMatrix .* to satisfy the constraint PositiveDefinite\(\)/;
  assert.match(fx.errors.not_pd, /to satisfy the constraint PositiveDefinite\(\), but found invalid values/);
  if (device === "cpu") {
    assertThrowsMsg(notPd, pdMsg);
    assertThrowsMsg(notTril, trilMsg);
    assertThrowsMsg(notPdPrecision, precMsg);
  } else {
    // On the GPU the check travels with the results: reading them rejects with the message.
    await assertRejectsMsg(() => notPd().entropy().toArrayAsync(), pdMsg);
    await assertRejectsMsg(() => notTril().logProb(t([0, 0])).toArrayAsync(), trilMsg);
    await assertRejectsMsg(
      () => notPdPrecision().entropy().toArrayAsync(),
      precMsg,
    );
  }
  // validateArgs: false skips the checks; the factorisation of a non-PD covariance then fails on the CPU.
  const unchecked = new D.MultivariateNormal(t([0, 0]), { scaleTril: t([[1, 0], [2, -1]]) }, {
    validateArgs: false,
  });
  assert.deepEqual(await unchecked.variance.toArrayAsync(), [1, 5]);
  if (device === "cpu") {
    assertThrowsMsg(
      () =>
        new D.MultivariateNormal(t([0, 0]), { covarianceMatrix: t([[1, 2], [2, 1]]) }, {
          validateArgs: false,
        }),
      /^MultivariateNormal: The factorization could not be completed because the input is not positive-definite \(the leading minor of order 2 is not positive-definite\)/,
    );
  }
  assertThrowsMsg(
    () =>
      new D.MultivariateNormal(
        t([0, 0]),
        { covarianceMatrix: torch.eye(2).to(device), scaleTril: torch.eye(2).to(device) } as never,
      ),
    /MultivariateNormal: Exactly one of covariance_matrix or precision_matrix or scale_tril may be specified\./,
  );
  assertThrowsMsg(() => new D.MultivariateNormal(t([0, 0]), {} as never), /Exactly one of covariance_matrix/);
  assertThrowsMsg(
    () => new D.MultivariateNormal(torch.zeros([]).to(device), { covarianceMatrix: torch.eye(2).to(device) }),
    /MultivariateNormal: loc must be at least one-dimensional\./,
  );
  assertThrowsMsg(
    () => new D.MultivariateNormal(t([0, 0]), { covarianceMatrix: t([1, 1]) }),
    /covariance_matrix must be at least two-dimensional, with optional leading batch dimensions/,
  );
  assertThrowsMsg(
    () => new D.MultivariateNormal(t([0, 0, 0]), { covarianceMatrix: torch.eye(2).to(device) }),
    /covarianceMatrix must be batches of 3x3 matrices to match loc's event size 3/,
  );
  assertThrowsMsg(
    () =>
      new D.MultivariateNormal(torch.zeros(3, 2).to(device), {
        scaleTril: torch.eye(2).expand(4, 2, 2).to(device),
      }),
    /the batch shapes of loc \(\[3\]\) and scaleTril \(\[4\]\) do not broadcast/,
  );
  const m = new D.MultivariateNormal(t([0, 0]), { scaleTril: torch.eye(2).to(device) });
  assertThrowsMsg(
    () => m.logProb(torch.ones(3).to(device)),
    /MultivariateNormal\.logProb: the right-most size of value must match event_shape: torch\.Size\(\[3\]\) vs torch\.Size\(\[2\]\)/,
  );
  assert.match(fx.errors.event_mismatch, /The right-most size of value must match event_shape/);
  assertThrowsMsg(
    () =>
      D.klDivergence(
        m,
        new D.MultivariateNormal(torch.zeros(3).to(device), { scaleTril: torch.eye(3).to(device) }),
      ),
    /klDivergence: KL-divergence between two Multivariate Normals with different event shapes cannot be computed/,
  );
});

Deno.test("constraints.positiveDefinite and constraints.lowerCholesky check each matrix of a batch", () => {
  const { positiveDefinite, lowerCholesky } = D.constraints;
  const batch = torch.tensor([[[2, 1], [1, 2]], [[1, 2], [2, 1]], [[1, 0], [0, 1]]], { dtype: "float32" });
  assert.deepEqual(positiveDefinite.check(batch).toArray(), [true, false, true]);
  assert.deepEqual(positiveDefinite.check(torch.ones(2, 3)).toArray(), false);
  assert.equal(String(positiveDefinite), "PositiveDefinite()");
  assert.equal(positiveDefinite.eventDim, 2);
  const tril = torch.tensor([[[1, 0], [3, 2]], [[1, 1], [0, 1]], [[1, 0], [1, 0]]], { dtype: "float32" });
  assert.deepEqual(lowerCholesky.check(tril).toArray(), [true, false, false]);
  assert.equal(String(lowerCholesky), "LowerCholesky()");
});

Deno.test("MultivariateNormal's derived matrices outlive the scope that first reads them", () => {
  const m = new torch.distributions.MultivariateNormal(torch.zeros(2), {
    scaleTril: torch.tensor([[1, 0], [0.5, 2]]),
  });
  torch.scope(() => {
    m.covarianceMatrix.sum();
    m.precisionMatrix.sum();
  });
  // Before they were kept, the cached matrices were disposed with the scope: reading threw.
  assert.deepEqual(m.covarianceMatrix.toArray(), [[1, 0.5], [0.5, 4.25]]);
  assertClose(m.precisionMatrix, [[1.0625, -0.125], [-0.125, 0.25]], { rtol: 1e-6, atol: 1e-6 });
});
