/**
 * torch.linalg on both devices: PyTorch 1.13's values and gradients (tools/fixtures/
 * linalg_fixtures.py -> tests/fixtures/linalg.json) for the norms, the LU solvers and cholesky,
 * singular and indefinite matrices (CPU errors as PyTorch's, NaN on the GPU, det 0 on both), finite-difference
 * gradchecks, second-order gradients, the GPU's multi-dispatch elimination and the bad-input
 * errors.
 */
import * as torch from "../mod.ts";
import type { Device, Tensor } from "../mod.ts";
import {
  assert,
  assertClose,
  assertCloseAsync,
  assertThrowsMsg,
  type EncodedTensor,
  fixtureNumber as num,
  gradcheck,
  gradcheckAsync,
} from "./helpers.ts";
import { deviceTest } from "./devices.ts";

type Enc = EncodedTensor;

interface Case {
  name: string;
  op: "vectorNorm" | "matrixNorm" | "norm" | "inv" | "solve" | "det" | "slogdet" | "cholesky";
  args: Record<string, number | string | boolean | number[]>;
  inputs: Enc[];
  out: Enc;
  sign?: Enc;
  grads?: (Enc | null)[];
  rtol: number;
  atol: number;
}

const fx = JSON.parse(await Deno.readTextFile(new URL("./fixtures/linalg.json", import.meta.url))) as {
  cases: Case[];
};

function values(e: Enc): number[] {
  return e.values.map(num);
}

function dec(e: Enc, device: Device, requiresGrad = false): Tensor {
  const t = torch.tensor(values(e), { dtype: e.dtype }).reshape(e.shape).to(device);
  return requiresGrad ? t.requiresGrad_(true) : t;
}

function argValue(v: number | string | boolean | number[]): unknown {
  return v === "inf" ? Infinity : v === "-inf" ? -Infinity : v;
}

/** The fixture's call in edgetorch; returns the compared output (logabsdet for slogdet) and the sign. */
function call(c: Case, xs: Tensor[]): { out: Tensor; sign?: Tensor } {
  const a = Object.fromEntries(Object.entries(c.args).map(([k, v]) => [k, argValue(v)]));
  switch (c.op) {
    case "vectorNorm":
      return { out: torch.linalg.vectorNorm(xs[0], a as torch.linalg.VectorNormOptions) };
    case "matrixNorm":
      return { out: torch.linalg.matrixNorm(xs[0], a as torch.linalg.MatrixNormOptions) };
    case "norm":
      return { out: torch.linalg.norm(xs[0], a as torch.linalg.NormOptions) };
    case "inv":
      return { out: torch.linalg.inv(xs[0]) };
    case "solve":
      return { out: torch.linalg.solve(xs[0], xs[1]) };
    case "det":
      return { out: torch.linalg.det(xs[0]) };
    case "cholesky":
      return { out: torch.linalg.cholesky(xs[0], a as torch.linalg.CholeskyOptions) };
    case "slogdet": {
      const r = torch.linalg.slogdet(xs[0]);
      return { out: r.logabsdet, sign: r.sign };
    }
  }
}

for (const c of fx.cases) {
  const float64 = c.inputs.some((e) => e.dtype === "float64");
  deviceTest(`linalg fixture: ${c.name}`, async (device) => {
    const grad = c.grads !== undefined;
    const xs = c.inputs.map((e) => dec(e, device, grad));
    const { out, sign } = call(c, xs);
    assert.deepEqual(out.shape, c.out.shape, `${c.name}: shape`);
    assert.equal(out.dtype, c.out.dtype, `${c.name}: dtype`);
    assert.equal(out.device, device);
    const tol = { rtol: c.rtol, atol: c.atol, msg: `${c.name}: values` };
    await assertCloseAsync(out, dec(c.out, "cpu"), tol);
    if (c.sign) await assertCloseAsync(sign!, dec(c.sign, "cpu"), { ...tol, msg: `${c.name}: sign` });
    if (!grad) return;
    const w = torch.linspace(0.5, 1.5, out.numel(), { dtype: out.dtype }).reshape(out.shape).to(device);
    out.mul(w).sum().backward();
    for (let i = 0; i < xs.length; i++) {
      const g = c.grads![i];
      if (g === null) continue;
      assert.ok(xs[i].grad, `${c.name}: input ${i} has a gradient`);
      await assertCloseAsync(xs[i].grad!, dec(g, "cpu"), {
        rtol: Math.max(c.rtol, 1e-4),
        atol: Math.max(c.atol, 1e-4),
        msg: `${c.name}: gradient of input ${i}`,
      });
    }
  }, float64 ? { devices: ["cpu"] } : {});
}

deviceTest(
  "linalg: inv and solve of a transposed (non-contiguous) and an expanded matrix",
  async (device) => {
    const A = torch.tensor([[4, 1, 0], [2, 5, 1], [0, 3, 6]], { dtype: "float32" }).to(device);
    const At = A.transpose(0, 1);
    assert.equal(At.isContiguous(), false);
    await assertCloseAsync(torch.linalg.inv(At), await torch.linalg.inv(At.contiguous()).toAsync("cpu"), {
      atol: 1e-6,
    });
    const b = torch.tensor([1, 2, 3], { dtype: "float32" }).to(device);
    const x = torch.linalg.solve(At, b);
    await assertCloseAsync(At.matmul(x), [1, 2, 3], { atol: 1e-5 });
    const batch = A.unsqueeze(0).expand(3, 3, 3);
    const inv = await torch.linalg.inv(batch).toAsync("cpu");
    const one = await torch.linalg.inv(A).toAsync("cpu");
    for (let i = 0; i < 3; i++) await assertCloseAsync(inv.index(i), one, { atol: 1e-6 });
  },
);

deviceTest("linalg: torch.inverse, torch.det, x.inverse() and x.det() are the linalg ops", async (device) => {
  const A = torch.tensor([[2, 1], [1, 3]], { dtype: "float32" }).to(device);
  const expected = [[0.6, -0.2], [-0.2, 0.4]];
  await assertCloseAsync(torch.inverse(A), expected, { atol: 1e-6 });
  await assertCloseAsync(A.inverse(), expected, { atol: 1e-6 });
  await assertCloseAsync(torch.det(A), torch.tensor(5), { atol: 1e-5 });
  await assertCloseAsync(A.det(), torch.tensor(5), { atol: 1e-5 });
});

deviceTest("linalg: grad_fn names are PyTorch's", (device) => {
  const A = torch.tensor([[2, 1], [1, 3]], { dtype: "float32" }).to(device).requiresGrad_(true);
  assert.equal(torch.linalg.inv(A).gradFn?.name, "LinalgInvExBackward0");
  assert.equal(torch.linalg.det(A).gradFn?.name, "LinalgDetBackward0");
  assert.equal(torch.linalg.slogdet(A).logabsdet.gradFn?.name, "LinalgSlogdetBackward0");
  assert.equal(torch.linalg.solve(A, A).gradFn?.name, "LinalgSolveExBackward0");
  assert.equal(torch.linalg.vectorNorm(A).gradFn?.name, "LinalgVectorNormBackward0");
  assert.equal(torch.linalg.matrixNorm(A).gradFn?.name, "LinalgVectorNormBackward0");
  assert.equal(torch.linalg.matrixNorm(A, 1).gradFn?.name, "AmaxBackward0");
  assert.equal(torch.linalg.matrixNorm(A, -Infinity).gradFn?.name, "AminBackward0");
});

// ---- singular matrices ----

const SINGULAR = [[1, 2, 3], [2, 4, 6], [1, 0, 1]];

deviceTest(
  "linalg: det and slogdet of singular matrices are 0 and (0, -inf), with no error",
  async (device) => {
    const S = torch.stack([torch.tensor(SINGULAR), torch.zeros(3, 3), torch.eye(3)]).float().to(device);
    await assertCloseAsync(torch.linalg.det(S), [0, 0, 1]);
    const { sign, logabsdet } = torch.linalg.slogdet(S);
    await assertCloseAsync(sign, [0, 0, 1]);
    await assertCloseAsync(logabsdet, [-Infinity, -Infinity, 0]);
  },
);

Deno.test("[cpu] linalg: inv and solve of a singular matrix throw PyTorch's errors", () => {
  const S = torch.tensor(SINGULAR, { dtype: "float32" });
  assertThrowsMsg(
    () => torch.linalg.inv(S),
    /^linalg\.inv: The diagonal element 2 is zero, the inversion could not be completed because the input matrix is singular\.$/,
  );
  assertThrowsMsg(
    () => torch.linalg.inv(torch.stack([torch.eye(3), torch.zeros(3, 3)])),
    /^linalg\.inv: \(Batch element 1\): The diagonal element 1 is zero, the inversion could not be completed/,
  );
  assertThrowsMsg(
    () => torch.linalg.solve(S, torch.ones(3)),
    /^linalg\.solve: The solver failed because the input matrix is singular\.$/,
  );
  // PyTorch factors Aᵀ for a contiguous A and A itself otherwise: the zero pivots it names (2, 2, 3)
  // are those factorizations'.
  assertThrowsMsg(() => torch.linalg.inv(S.t()), /^linalg\.inv: The diagonal element 2 is zero/);
  assertThrowsMsg(() => torch.linalg.inv(S.t().contiguous()), /^linalg\.inv: The diagonal element 3 is zero/);
  assertThrowsMsg(
    () => torch.linalg.inv(torch.stack([torch.eye(3), S])),
    /^linalg\.inv: \(Batch element 1\): The diagonal element 2 is zero/,
  );
  assertThrowsMsg(() => torch.inverse(torch.zeros(1, 1)), /^linalg\.inv: The diagonal element 1 is zero/);
  assertThrowsMsg(
    () => torch.linalg.inv(torch.zeros(2, 2, { dtype: "float64" })),
    /input matrix is singular/,
  );
});

deviceTest(
  "linalg: inv and solve of a singular matrix give NaN (never zeros), the others stay exact",
  async () => {
    const batch = torch.stack([torch.tensor(SINGULAR), torch.zeros(3, 3), torch.eye(3).mul(2)]).float().to(
      "gpu",
    );
    const inv = await torch.linalg.inv(batch).toArrayAsync() as number[][][];
    for (const m of [0, 1]) assert.ok(inv[m].flat().every(Number.isNaN), `matrix ${m}: ${inv[m]}`);
    assert.deepEqual(inv[2], [[0.5, 0, 0], [0, 0.5, 0], [0, 0, 0.5]]);
    const x = await torch.linalg.solve(batch, torch.ones(3, 2).to("gpu")).toArrayAsync() as number[][][];
    for (const m of [0, 1]) assert.ok(x[m].flat().every(Number.isNaN), `solve matrix ${m}: ${x[m]}`);
    assert.deepEqual(x[2], [[0.5, 0.5], [0.5, 0.5], [0.5, 0.5]]);
  },
  { devices: ["gpu"] },
);

Deno.test("[cpu] linalg: the gradient of slogdet at a singular matrix is refused with a clear error", () => {
  const S = torch.tensor(SINGULAR, { dtype: "float32", requiresGrad: true });
  assertThrowsMsg(
    () => torch.linalg.slogdet(S).logabsdet.backward(),
    /^linalg\.slogdet: the gradient of log\|det\| at a singular matrix is infinite \(PyTorch's LU solve returns inf\/NaN/,
  );
});

interface DetSingular {
  name: string;
  dtype: "float32" | "float64";
  A: number[][] | number[][][];
  det: number[];
  grad: number[];
  grad_create_graph: number[];
  grad2: number[];
}
const detSingular = (fx as unknown as { det_singular: DetSingular[] }).det_singular;

/** `torch.linspace(lo, hi, n)` in `dtype` reshaped to `shape`, the fixture's weights. */
function linWeights(
  lo: number,
  hi: number,
  shape: readonly number[],
  dtype: "float32" | "float64",
  device: Device,
) {
  const n = shape.reduce((a, b) => a * b, 1);
  return torch.linspace(lo, hi, Math.max(n, 1), { dtype }).reshape([...shape]).to(device);
}

for (const c of detSingular) {
  const devices: Device[] = c.dtype === "float32" ? ["cpu", "gpu"] : ["cpu"];
  deviceTest(
    `linalg: det's gradient at a singular matrix is PyTorch's (${c.name}, ${c.dtype}; first order and createGraph)`,
    async (device) => {
      const tol = c.dtype === "float64" ? { rtol: 1e-10, atol: 1e-12 } : { rtol: 1e-4, atol: 1e-5 };
      const A = torch.tensor(c.A, { dtype: c.dtype }).to(device).requiresGrad_(true);
      const d = torch.linalg.det(A);
      await assertCloseAsync(d.flatten(), c.det, { ...tol, msg: "det" });
      const w = linWeights(0.5, 1.5, d.shape, c.dtype, device);
      const [g1] = torch.autograd.grad(d.mul(w).sum(), A);
      await assertCloseAsync(g1!.flatten(), c.grad, { ...tol, msg: "first-order gradient" });
      const [g] = torch.autograd.grad(torch.linalg.det(A).mul(w).sum(), A, { createGraph: true });
      await assertCloseAsync(g!.flatten(), c.grad_create_graph, {
        ...tol,
        msg: "createGraph gradient (the cofactors)",
      });
      const [gg] = torch.autograd.grad(g!.mul(linWeights(-1, 1, g!.shape, c.dtype, device)).sum(), A);
      await assertCloseAsync(gg!.flatten(), c.grad2, { ...tol, msg: "second-order gradient" });
    },
    { devices },
  );
}

Deno.test("[cpu] linalg: det's createGraph gradient at a singular matrix is differentiable (finite differences of the cofactors)", () => {
  const a0 = [1, 2, 3, 0, 0, 0, 4, 5, 7];
  const W = torch.linspace(-1, 1, 9, { dtype: "float64" }).reshape([3, 3]);
  /** <cofactors(a), W> from the createGraph gradient (the SVD formula where a is singular). */
  const f = (a: number[]) => {
    const x = torch.tensor(a, { dtype: "float64" }).reshape([3, 3]).requiresGrad_(true);
    const [g] = torch.autograd.grad(torch.linalg.det(x), x, { createGraph: true });
    return { x, y: g!.mul(W).sum() };
  };
  const { x, y } = f(a0);
  const [analytic] = torch.autograd.grad(y, x);
  const h = 1e-6;
  const numeric = a0.map((_, i) => {
    const up = [...a0], down = [...a0];
    up[i] += h;
    down[i] -= h;
    return ((f(up).y.item() as number) - (f(down).y.item() as number)) / (2 * h);
  });
  assertClose(analytic!.flatten(), numeric, { rtol: 1e-6, atol: 1e-7 });
});

deviceTest("linalg: a near-singular (tiny pivot, not zero) matrix is solved, not flagged", async (device) => {
  const A = torch.tensor([[1, 1], [1, 1 + 2 ** -20]], { dtype: "float32" }).to(device);
  // The exact inverse: [[1 + 2^20, -2^20], [-2^20, 2^20]].
  await assertCloseAsync(torch.linalg.inv(A), [[1 + 2 ** 20, -(2 ** 20)], [-(2 ** 20), 2 ** 20]], {
    rtol: 1e-6,
  });
});

// ---- larger matrices: the GPU splits the elimination over dispatches ----

deviceTest(
  "linalg: a 200x200 inverse and solve agree with the identity (the GPU splits the elimination over dispatches)",
  async (device) => {
    const gen = new torch.Generator(7);
    const A = torch.randn([2, 200, 200], { generator: gen }).add(torch.eye(200).mul(20)).to(device);
    const eye = torch.eye(200).to(device);
    const err = await A.matmul(torch.linalg.inv(A)).sub(eye).abs().max().itemAsync();
    assert.ok(err < 1e-4, `|A inv(A) - I| = ${err}`);
    const B = torch.randn([2, 200, 3], { generator: gen }).to(device);
    const r = await A.matmul(torch.linalg.solve(A, B)).sub(B).abs().max().itemAsync();
    assert.ok(r < 1e-4, `|A X - B| = ${r}`);
    const [cpuDet, dev] = [
      torch.linalg.slogdet(await A.toAsync("cpu")).logabsdet,
      torch.linalg.slogdet(A).logabsdet,
    ];
    await assertCloseAsync(dev, cpuDet, { rtol: 1e-5 });
  },
);

deviceTest(
  "linalg: matrices too large for one elimination step within the loop budget are refused",
  () => {
    const A = torch.zeros([2048, 2048], { device: "gpu" });
    assertThrowsMsg(
      () => torch.linalg.inv(A),
      /^linalg\.inv: 2048x2048 matrices .* too large .* solve them on the CPU/,
    );
  },
  { devices: ["gpu"] },
);

// ---- gradients ----

function wellConditioned(device: Device, ...shape: number[]): Tensor {
  const gen = new torch.Generator(shape.reduce((a, b) => a * 31 + b, 17));
  const n = shape[shape.length - 1];
  return torch.randn(shape, { generator: gen }).add(torch.eye(n).mul(n)).to(device).requiresGrad_(true);
}

deviceTest("linalg gradcheck: inv, det, slogdet", async (device) => {
  const A = wellConditioned(device, 2, 3, 3);
  await gradcheckAsync((a) => torch.linalg.inv(a), [A], { eps: 1e-3, msg: "inv" });
  await gradcheckAsync((a) => torch.linalg.det(a), [A], { eps: 1e-3, msg: "det" });
  await gradcheckAsync((a) => torch.linalg.slogdet(a).logabsdet, [A], { eps: 1e-3, msg: "slogdet" });
  // A negative determinant: log|det| and det's gradients keep their signs.
  const N = torch.tensor([[0.5, 2], [1.5, -1]], { dtype: "float32" }).to(device).requiresGrad_(true);
  await gradcheckAsync((a) => torch.linalg.det(a), [N], { eps: 1e-3, msg: "det negative" });
  await gradcheckAsync((a) => torch.linalg.slogdet(a).logabsdet, [N], { eps: 1e-3, msg: "slogdet negative" });
});

deviceTest(
  "linalg gradcheck: solve with broadcast batches, matrix and vector right-hand sides",
  async (device) => {
    const A = wellConditioned(device, 2, 1, 3, 3);
    const B = torch.randn([4, 3, 2], { generator: new torch.Generator(3) }).to(device).requiresGrad_(true);
    await gradcheckAsync((a, b) => torch.linalg.solve(a, b), [A, B], { eps: 1e-3, msg: "solve broadcast" });
    const A2 = wellConditioned(device, 2, 3, 3);
    const b = torch.randn([2, 3], { generator: new torch.Generator(4) }).to(device).requiresGrad_(true);
    await gradcheckAsync((a, v) => torch.linalg.solve(a, v), [A2, b], { eps: 1e-3, msg: "solve vectors" });
  },
);

deviceTest("linalg gradcheck: vector and matrix norms", async (device) => {
  const x = torch.tensor([[0.5, -1.25, 2], [1.5, 0.75, -0.25]], { dtype: "float32" }).to(device)
    .requiresGrad_(true);
  for (const ord of [2, 1, 3, 0.5, -1, Infinity, -Infinity]) {
    await gradcheckAsync((a) => torch.linalg.vectorNorm(a, ord, 1), [x], {
      eps: 1e-3,
      msg: `vectorNorm ${ord}`,
    });
  }
  for (const ord of ["fro", 1, -1, Infinity, -Infinity] as const) {
    await gradcheckAsync((a) => torch.linalg.matrixNorm(a, ord), [x], {
      eps: 1e-3,
      msg: `matrixNorm ${ord}`,
    });
  }
});

deviceTest(
  "linalg: the 2-norm's gradient is 0 where the norm is 0 (PyTorch's subgradient)",
  async (device) => {
    const x = torch.zeros([2, 3], { device }).requiresGrad_(true);
    torch.linalg.vectorNorm(x, 2, 1).sum().backward();
    await assertCloseAsync(x.grad!, [[0, 0, 0], [0, 0, 0]]);
    const y = torch.zeros([3], { device }).requiresGrad_(true);
    torch.linalg.norm(y).backward();
    await assertCloseAsync(y.grad!, [0, 0, 0]);
  },
);

Deno.test("[cpu] linalg gradcheck in float64 with tight tolerances", () => {
  const gen = new torch.Generator(11);
  const A = torch.randn([3, 4, 4], { generator: gen, dtype: "float64" }).add(
    torch.eye(4, { dtype: "float64" }),
  )
    .requiresGrad_(true);
  const B = torch.randn([3, 4, 2], { generator: gen, dtype: "float64" }).requiresGrad_(true);
  const tight = { eps: 1e-6, atol: 1e-7, rtol: 1e-6 };
  gradcheck((a) => torch.linalg.inv(a), [A], { ...tight, msg: "inv f64" });
  gradcheck((a, b) => torch.linalg.solve(a, b), [A, B], { ...tight, msg: "solve f64" });
  gradcheck((a) => torch.linalg.det(a), [A], { ...tight, msg: "det f64" });
  gradcheck((a) => torch.linalg.slogdet(a).logabsdet, [A], { ...tight, msg: "slogdet f64" });
});

deviceTest("linalg: second-order gradients (createGraph) of det and inv", async (device) => {
  // det [[a, b], [c, d]] = ad - bc: its gradient [[d, -c], [-b, a]] sums to d - c - b + a,
  // whose gradient is [[1, -1], [-1, 1]].
  const A = torch.tensor([[1.5, -2], [0.5, 3]], { dtype: "float32" }).to(device).requiresGrad_(true);
  const [g] = torch.autograd.grad(torch.linalg.det(A), A, { createGraph: true });
  await assertCloseAsync(g!, [[3, -0.5], [2, 1.5]], { atol: 1e-5 });
  g!.sum().backward();
  await assertCloseAsync(A.grad!, [[1, -1], [-1, 1]], { atol: 1e-5 });
  // d/dA of sum(inv(A)) by autograd of its own gradient formula vs finite differences.
  const B = wellConditioned(device, 3, 3);
  // (gradcheck evaluates its finite differences without grad: the gradient is taken in enableGrad.)
  await gradcheckAsync(
    (b) =>
      torch.enableGrad(() => {
        const x = b.requiresGrad ? b : b.detach().requiresGrad_(true);
        return torch.autograd.grad(torch.linalg.inv(x).sum(), x, { createGraph: true })[0]!;
      }),
    [B],
    { eps: 1e-3, msg: "inv second order" },
  );
});

// ---- empty matrices ----

deviceTest("linalg: 0x0 matrices and empty batches", async (device) => {
  const E = torch.zeros([0, 0], { device });
  assert.deepEqual(torch.linalg.inv(E).shape, [0, 0]);
  await assertCloseAsync(torch.linalg.det(E), torch.tensor(1));
  const { sign, logabsdet } = torch.linalg.slogdet(torch.zeros([2, 0, 0], { device }));
  await assertCloseAsync(sign, [1, 1]);
  await assertCloseAsync(logabsdet, [0, 0]);
  assert.deepEqual(torch.linalg.inv(torch.zeros([0, 3, 3], { device })).shape, [0, 3, 3]);
  assert.deepEqual(torch.linalg.det(torch.zeros([0, 3, 3], { device })).shape, [0]);
  assert.deepEqual(
    torch.linalg.solve(torch.zeros([0, 3, 3], { device }), torch.zeros([3], { device })).shape,
    [0, 3],
  );
});

// ---- bad input ----

deviceTest("linalg: bad input names the op and the shapes", (device) => {
  const z = (...shape: number[]) => torch.zeros(shape, { device });
  for (
    const [name, f] of [["inv", torch.linalg.inv], ["det", torch.linalg.det], [
      "slogdet",
      torch.linalg.slogdet,
    ]] as const
  ) {
    assertThrowsMsg(
      () => f(z(3)),
      new RegExp(`^linalg\\.${name}: The input tensor A must have at least 2 dimensions`),
    );
    assertThrowsMsg(
      () => f(z(2, 3)),
      new RegExp(
        `^linalg\\.${name}: A must be batches of square matrices, but they are 2 by 3 matrices \\(A has shape \\[2, 3\\]\\)`,
      ),
    );
    assertThrowsMsg(
      () => f(torch.zeros([2, 2], { dtype: "int32", device })),
      new RegExp(`^linalg\\.${name}: expected A to be a float32 or float64 tensor, got int32`),
    );
  }
  assertThrowsMsg(
    () => torch.linalg.solve(z(3, 3), z(4, 2)),
    /^linalg\.solve: Incompatible shapes of A and B for the equation AX = B \(3x3 and 4x2; A has shape \[3, 3\], B has shape \[4, 2\]\)/,
  );
  assertThrowsMsg(
    () => torch.linalg.solve(z(3, 3), z(4)),
    /^linalg\.solve: Incompatible shapes .* \(3x3 and 4x1;/,
  );
  assertThrowsMsg(
    () => torch.linalg.solve(z(2, 3, 3), z(3, 3, 2)),
    /^linalg\.solve: shapes \[2\] and \[3\] cannot be broadcast/,
  );
  assertThrowsMsg(
    () => torch.linalg.solve(z(2, 2), torch.zeros([2], { dtype: "int32", device })),
    /^linalg\.solve: expected B to be a float32 or float64 tensor, got int32/,
  );
  assertThrowsMsg(
    () => torch.linalg.inv([[1]] as unknown as Tensor),
    /^linalg\.inv: expected A to be a Tensor, got an array/,
  );
  assertThrowsMsg(
    () => torch.linalg.matrixNorm(z(3, 3), 3),
    /^linalg\.matrixNorm: Order a number 3 not supported/,
  );
  assertThrowsMsg(
    () => torch.linalg.matrixNorm(z(3, 3), "abc" as "fro"),
    /^linalg\.matrixNorm: Order "abc" not supported/,
  );
  assertThrowsMsg(
    () => torch.linalg.matrixNorm(z(3)),
    /^linalg\.matrixNorm: The input tensor A must have at least 2 dimensions/,
  );
  assertThrowsMsg(
    () => torch.linalg.matrixNorm(z(3, 3), "fro", [0, 0]),
    /^linalg\.matrixNorm: dims must be different/,
  );
  assertThrowsMsg(
    () => torch.linalg.matrixNorm(z(3, 3), "fro", [0]),
    /^linalg\.matrixNorm: dim must be a 2-tuple/,
  );
  assertThrowsMsg(() => torch.linalg.matrixNorm(z(3, 3), "fro", [0, 2]), /^linalg\.matrixNorm: .*dim.* 2/);
  assertThrowsMsg(
    () => torch.linalg.norm(z(2, 2, 2), 2),
    /^linalg\.norm: If dim is not specified but ord is, the input must be 1D or 2D\. Got 3D\./,
  );
  assertThrowsMsg(
    () => torch.linalg.norm(z(2, 2), "fro", 0),
    /^linalg\.norm: ord "fro" is a matrix norm, which needs two dims/,
  );
  assertThrowsMsg(
    () => torch.linalg.norm(z(2, 2), null, [0, 1, 1]),
    /^linalg\.norm: If dim is specified, it must be of length 1 or 2/,
  );
  assertThrowsMsg(
    () => torch.linalg.vectorNorm(z(2), "fro" as unknown as number),
    /^linalg\.vectorNorm: ord must be a number, got a string "fro"/,
  );
  assertThrowsMsg(
    () => torch.linalg.vectorNorm(torch.zeros([2], { dtype: "int32", device })),
    /^linalg\.vectorNorm: expected a floating point tensor, got int32/,
  );
  assertThrowsMsg(
    () => torch.linalg.vectorNorm(z(2), 2, 0, "yes" as unknown as boolean),
    /^linalg\.vectorNorm: keepdim must be a boolean/,
  );
});

Deno.test("[cpu] linalg: mixed dtypes are refused", () => {
  assertThrowsMsg(
    () => torch.linalg.solve(torch.eye(2), torch.ones(2, { dtype: "float64" })),
    /^linalg\.solve: Expected A and B to have the same dtype, but found A of type float32 and B of type float64 instead/,
  );
});

deviceTest("linalg: tensors on two devices are refused", () => {
  assertThrowsMsg(
    () => torch.linalg.solve(torch.eye(2), torch.ones(2).to("gpu")),
    /^linalg\.solve: expected all tensors to be on the same device/,
  );
}, { devices: ["gpu"] });

// ---- cholesky ----

deviceTest("linalg: cholesky of a matrix that is not positive-definite", async (device) => {
  const batch = torch.tensor([[[4, 2], [2, 5]], [[1, 2], [2, 1]], [[-1, 0], [0, 1]]], { dtype: "float32" })
    .to(device);
  if (device === "cpu") {
    assertThrowsMsg(
      () => torch.linalg.cholesky(batch),
      /^linalg\.cholesky: \(Batch element 1\): The factorization could not be completed because the input is not positive-definite \(the leading minor of order 2 is not positive-definite\)\.$/,
    );
    assertThrowsMsg(
      () => torch.linalg.cholesky(batch.index(2)),
      /^linalg\.cholesky: The factorization could not be completed .* \(the leading minor of order 1 is not positive-definite\)\.$/,
    );
    assertThrowsMsg(
      () => torch.linalg.cholesky(torch.tensor([[1, NaN], [NaN, 1]])),
      /leading minor of order 2 is not positive-definite/,
    );
    return;
  }
  // The GPU cannot throw without a read-back: the factors of those matrices are NaN, the others exact.
  const L = await torch.linalg.cholesky(batch).toArrayAsync() as number[][][];
  assert.deepEqual(L[0], [[2, 0], [1, 2]]);
  for (const m of [1, 2]) assert.ok(L[m].flat().every(Number.isNaN), `matrix ${m}: ${L[m]}`);
});

deviceTest("linalg gradcheck: cholesky, lower and upper", async (device) => {
  // PyTorch's gradient treats A as symmetric (it reads one triangle but spreads the gradient over
  // both), so it is checked through a symmetric A = M Mᵀ + I of a free M, as PyTorch's own tests do.
  const gen = new torch.Generator(5);
  const M = torch.randn([2, 3, 3], { generator: gen }).to(device).requiresGrad_(true);
  const spd = (m: Tensor) => m.matmul(m.mT).add(torch.eye(3).to(m.device));
  await gradcheckAsync((m) => torch.linalg.cholesky(spd(m)), [M], { eps: 1e-3, msg: "cholesky" });
  await gradcheckAsync((m) => torch.linalg.cholesky(spd(m), { upper: true }), [M], {
    eps: 1e-3,
    msg: "cholesky upper",
  });
  const A = spd(M);
  const L = torch.linalg.cholesky(A);
  await assertCloseAsync(L.matmul(L.mT), await A.detach().toAsync("cpu"), { atol: 1e-5 });
  assert.equal(L.gradFn?.name, "LinalgCholeskyExBackward0");
});

deviceTest(
  "linalg: cholesky of a 150x150 matrix (the GPU splits the columns over dispatches)",
  async (device) => {
    const gen = new torch.Generator(9);
    const M = torch.randn([150, 150], { generator: gen });
    const A = M.matmul(M.mT).add(torch.eye(150).mul(150));
    const L = torch.linalg.cholesky(A.to(device));
    const err = await L.matmul(L.mT).sub(A.to(device)).abs().max().itemAsync();
    assert.ok(err < 1e-2, `|L Lᵀ - A| = ${err}`);
    await assertCloseAsync(L, torch.linalg.cholesky(A), { atol: 1e-4, rtol: 1e-4 });
  },
);

deviceTest("linalg: cholesky bad input", (device) => {
  assertThrowsMsg(
    () => torch.linalg.cholesky(torch.zeros([2, 3], { device })),
    /^linalg\.cholesky: A must be batches of square matrices, but they are 2 by 3 matrices/,
  );
  assertThrowsMsg(
    () => torch.linalg.cholesky(torch.zeros([3], { device })),
    /^linalg\.cholesky: The input tensor A must have at least 2 dimensions/,
  );
  assertThrowsMsg(
    () => torch.linalg.cholesky(torch.eye(2).to(device), { upper: 1 as unknown as boolean }),
    /^linalg\.cholesky: upper must be a boolean, got a number 1/,
  );
  assert.deepEqual(torch.linalg.cholesky(torch.zeros([0, 3, 3], { device })).shape, [0, 3, 3]);
  assert.deepEqual(torch.linalg.cholesky(torch.zeros([2, 0, 0], { device })).shape, [2, 0, 0]);
});
