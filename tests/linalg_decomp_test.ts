/**
 * torch.linalg's decompositions on both devices: PyTorch 1.13's values and gradients
 * (tools/fixtures/decomp_fixtures.py -> tests/fixtures/decomp.json) for qr, eigh, eigvalsh, svd,
 * svdvals, torch.svd, pinv, pinverse, matrixRank, cond, the spectral matrix norms, lstsq and
 * nn.init.orthogonal_ (singular and eigen-vectors compared up to sign), finite-difference
 * gradchecks, invariants on larger matrices (the GPU's multi-dispatch sweeps) and the bad-input
 * errors.
 */
import * as torch from "../mod.ts";
import type { Device, Tensor } from "../mod.ts";
import {
  assert,
  assertCloseAsync,
  assertThrowsMsg,
  type EncodedTensor,
  fixtureNumber as num,
  gradcheck,
  gradcheckAsync,
} from "./helpers.ts";
import { deviceTest } from "./devices.ts";

type Enc = EncodedTensor;
type Cmp = "close" | "colsign" | "rowsign" | "shape";

interface Case {
  name: string;
  op: string;
  args: Record<string, unknown>;
  inputs: Enc[];
  outs: Record<string, Enc>;
  cmp: Record<string, Cmp>;
  loss?: Record<string, "id" | "sq" | "sum">;
  grads?: (Enc | null)[];
  rtol: number;
  atol: number;
}

const fx = JSON.parse(await Deno.readTextFile(new URL("./fixtures/decomp.json", import.meta.url))) as {
  cases: Case[];
};

function dec(e: Enc, device: Device, requiresGrad = false): Tensor {
  const t = torch.tensor(e.values.map(num), { dtype: e.dtype }).reshape(e.shape).to(device);
  return requiresGrad ? t.requiresGrad_(true) : t;
}

function argValue(v: unknown): unknown {
  return v === "inf" ? Infinity : v === "-inf" ? -Infinity : v;
}

/** The fixture's call in edgetorch: its outputs by the fixture's names. */
function call(c: Case, xs: Tensor[]): Record<string, Tensor> {
  const a = Object.fromEntries(Object.entries(c.args).map(([k, v]) => [k, argValue(v)])) as Record<
    string,
    never
  >;
  const L = torch.linalg;
  switch (c.op) {
    case "qr":
      return { ...L.qr(xs[0], a.mode) };
    case "torchQr":
      return { ...torch.qr(xs[0], a.some) };
    case "eigh":
      return { ...L.eigh(xs[0], a.UPLO) };
    case "eigvalsh":
      return { out: L.eigvalsh(xs[0], a.UPLO) };
    case "svd":
      return { ...L.svd(xs[0], a.fullMatrices) };
    case "svdvals":
      return { out: L.svdvals(xs[0]) };
    case "torchSvd":
      return { ...torch.svd(xs[0], a.some ?? true, a.computeUv ?? true) };
    case "pinv":
      return { out: L.pinv(xs[0], a) };
    case "pinverse":
      return { out: torch.pinverse(xs[0], a.rcond) };
    case "matrixRank":
      return { out: L.matrixRank(xs[0], a) };
    case "cond":
      return { out: L.cond(xs[0], a.p) };
    case "matrixNorm":
      return { out: L.matrixNorm(xs[0], a) };
    case "norm":
      return { out: L.norm(xs[0], a.ord) };
    case "lstsq":
      return { ...L.lstsq(xs[0], xs[1], a) };
    case "luFactor":
      return { ...L.luFactor(xs[0]) };
    case "luFactorEx":
      return { ...L.luFactorEx(xs[0]) };
    case "lu":
      return { ...L.lu(xs[0]) };
    case "torchLu":
      return { ...torch.lu(xs[0], true, true) };
    case "luUnpack": {
      const f = L.luFactor(xs[0]);
      return { ...torch.luUnpack(f.LU, f.pivots) };
    }
    case "luSolve": {
      const f = L.luFactor(xs[0]);
      return { out: L.luSolve(f.LU, f.pivots, xs[1], a) };
    }
    case "invEx":
      return { ...L.invEx(xs[0]) };
    case "choleskyEx":
      return { ...L.choleskyEx(xs[0], a) };
    case "solveEx":
      return { ...L.solveEx(xs[0], xs[1], a) };
    case "logdet":
      return { out: torch.logdet(xs[0]) };
    case "matrixExp":
      return { out: L.matrixExp(xs[0]) };
  }
  throw new Error(`unknown op ${c.op}`);
}

/** Flips the sign of each column (or row) of `a` to match `e` where their dot product is negative. */
function alignSigns(a: number[], e: number[], shape: number[], rows: boolean): number[] {
  const r = shape[shape.length - 2], c = shape[shape.length - 1], out = a.slice();
  for (let base = 0; base < a.length; base += r * c) {
    const lines = rows ? r : c, len = rows ? c : r;
    for (let l = 0; l < lines; l++) {
      const at = (i: number) => base + (rows ? l * c + i : i * c + l);
      let dot = 0;
      for (let i = 0; i < len; i++) dot += a[at(i)] * e[at(i)];
      if (dot < 0) { for (let i = 0; i < len; i++) out[at(i)] = -a[at(i)]; }
    }
  }
  return out;
}

async function compareOut(name: string, got: Tensor, want: Enc, cmp: Cmp, rtol: number, atol: number) {
  assert.deepEqual(got.shape, want.shape, `${name}: shape`);
  assert.equal(got.dtype, want.dtype, `${name}: dtype`);
  if (cmp === "shape") return;
  let a = Array.from(await got.dataAsync() as ArrayLike<number>);
  const e = want.values.map(num);
  if (cmp !== "close") a = alignSigns(a, e, want.shape, cmp === "rowsign");
  await assertCloseAsync(a, e, { rtol, atol, msg: name });
}

for (const c of fx.cases) {
  const float64 = c.inputs.some((e) => e.dtype === "float64") || c.args.dtype === "float64";
  deviceTest(`linalg decomposition fixture: ${c.name}`, async (device) => {
    if (c.op === "orthogonal_") {
      torch.manualSeed(c.args.seed as number);
      const t = torch.empty(c.args.shape as number[], { dtype: c.args.dtype as "float32" }).to(device);
      const w = torch.nn.init.orthogonal_(t, c.args.gain as number);
      assert.equal(w, t);
      await compareOut(c.name, w, c.outs.out, "close", c.rtol, c.atol);
      return;
    }
    const grad = c.grads !== undefined;
    const xs = c.inputs.map((e) => dec(e, device, grad && e.dtype !== "int32"));
    const outs = call(c, xs);
    for (const [k, want] of Object.entries(c.outs)) {
      assert.ok(outs[k], `${c.name}: output ${k}`);
      // The GPU cannot read the ranks back synchronously, so gelsd/gelss give residuals regardless
      // of rank there (documented in lstsq).
      if (device === "gpu" && k === "residuals" && c.name.includes("rank-deficient")) continue;
      assert.equal(outs[k].device, device);
      await compareOut(`${c.name}: ${k}`, outs[k], want, c.cmp[k], c.rtol, c.atol);
    }
    if (!grad) return;
    let total: Tensor | null = null;
    for (const [k, f] of Object.entries(c.loss!)) {
      const o = outs[k];
      const w = f === "sum"
        ? torch.onesLike(o)
        : torch.linspace(0.5, 1.5, o.numel(), { dtype: o.dtype }).reshape(o.shape).to(device);
      const term = (f === "sq" ? o.mul(o) : o).mul(w).sum();
      total = total === null ? term : total.add(term);
    }
    total!.backward();
    for (let i = 0; i < xs.length; i++) {
      const g = c.grads![i];
      if (g === null) continue;
      assert.ok(xs[i].grad, `${c.name}: input ${i} has a gradient`);
      await assertCloseAsync(xs[i].grad!, dec(g, "cpu"), {
        rtol: Math.max(c.rtol * 10, 1e-4),
        atol: Math.max(c.atol * 10, 1e-4),
        msg: `${c.name}: gradient of input ${i}`,
      });
    }
  }, float64 ? { devices: ["cpu"] } : {});
}

// ---- invariants on larger and batched matrices (the GPU splits them over dispatches) ----

function randn(shape: number[], seed: number, dtype: "float32" | "float64" = "float32"): Tensor {
  return torch.randn(shape, { generator: new torch.Generator(seed), dtype });
}

const leaf = (x: Tensor) => x.detach().requiresGrad_(true);

async function maxAbs(x: Tensor): Promise<number> {
  return await x.abs().max().itemAsync() as number;
}

deviceTest(
  "linalg.qr: Q orthonormal, R upper triangular, QR = A on 40x30 and batched 3x20x25",
  async (device) => {
    for (const shape of [[40, 30], [3, 20, 25]]) {
      const A = randn(shape, 7).to(device);
      for (const mode of ["reduced", "complete"] as const) {
        const { Q, R } = torch.linalg.qr(A, mode);
        const k = Q.shape[Q.ndim - 1];
        const I = torch.eye(k).to(device);
        assert.ok(await maxAbs(Q.transpose(-2, -1).matmul(Q).sub(I)) < 1e-5, `${mode} ${shape}: QᵀQ = I`);
        assert.ok(await maxAbs(Q.matmul(R).sub(A)) < 1e-4, `${mode} ${shape}: QR = A`);
        assert.equal(await maxAbs(R.sub(R.triu())), 0, `${mode} ${shape}: R upper`);
      }
    }
  },
);

deviceTest(
  "linalg.eigh and svd: 24x24 and batched 4x12x9 decompositions reconstruct their inputs",
  async (device) => {
    const X = randn([24, 24], 3);
    const S = X.add(X.t()).to(device);
    const { eigenvalues: L, eigenvectors: V } = torch.linalg.eigh(S);
    assert.ok(await maxAbs(V.matmul(torch.diag(L)).matmul(V.t()).sub(S)) < 2e-4, "V diag(L) Vᵀ = A");
    assert.ok(await maxAbs(V.t().matmul(V).sub(torch.eye(24).to(device))) < 1e-5, "VᵀV = I");
    const l = await L.toArrayAsync() as number[];
    for (let i = 1; i < l.length; i++) assert.ok(l[i - 1] <= l[i], "ascending");
    const A = randn([4, 12, 9], 5).to(device);
    const { U, S: s, Vh } = torch.linalg.svd(A, false);
    assert.ok(await maxAbs(U.mul(s.unsqueeze(-2)).matmul(Vh).sub(A)) < 1e-4, "U diag(S) Vh = A");
    assert.ok(await maxAbs(U.transpose(-2, -1).matmul(U).sub(torch.eye(9).to(device))) < 1e-5, "UᵀU = I");
    const wide = torch.linalg.svd(A.transpose(-2, -1));
    assert.deepEqual([wide.U.shape, wide.Vh.shape], [[4, 9, 9], [4, 12, 12]]);
    assert.ok(await maxAbs(wide.Vh.matmul(wide.Vh.transpose(-2, -1)).sub(torch.eye(12).to(device))) < 1e-5);
  },
);

deviceTest(
  "linalg.svdvals: a 100x100 matrix with condition number 1e5 to float32 accuracy (the GPU's sweep count)",
  async (device) => {
    const n = 100;
    const U = torch.linalg.qr(randn([n, n], 3)).Q, V = torch.linalg.qr(randn([n, n], 4)).Q;
    const sv = torch.pow(10, torch.linspace(0, -5, n));
    const B = U.mul(sv.unsqueeze(0)).matmul(V.t()).to(device);
    const got = await torch.linalg.svdvals(B).toAsync("cpu");
    const rel = got.sub(sv).abs().div(sv).max().item() as number;
    assert.ok(rel < 5e-3, `largest relative error of the singular values ${rel}`);
  },
);

// ---- finite-difference gradchecks (float64 on the CPU) ----

Deno.test("[cpu] linalg decompositions: finite-difference gradchecks", () => {
  const o = { eps: 1e-6, atol: 1e-6, rtol: 1e-5 };
  const A = leaf(randn([4, 3], 11, "float64")), W = leaf(randn([3, 5], 12, "float64"));
  const sq = (x: Tensor) => x.mul(x);
  gradcheck((x) => torch.linalg.qr(x).Q, [A], { ...o, msg: "qr Q (tall)" });
  gradcheck((x) => torch.linalg.qr(x).R, [A], { ...o, msg: "qr R (tall)" });
  gradcheck((x) => torch.linalg.qr(x).Q, [W], { ...o, msg: "qr Q (wide)" });
  gradcheck((x) => torch.linalg.qr(x, "complete").R, [W], { ...o, msg: "qr R (wide, complete)" });
  const S = leaf(randn([4, 4], 13, "float64"));
  const symm = (x: Tensor) => x.add(x.transpose(-2, -1));
  gradcheck((x) => torch.linalg.eigh(symm(x)).eigenvalues, [S], { ...o, msg: "eigh values" });
  gradcheck((x) => sq(torch.linalg.eigh(symm(x)).eigenvectors), [S], { ...o, msg: "eigh vectors" });
  gradcheck((x) => torch.linalg.eigvalsh(symm(x), "U"), [S], { ...o, msg: "eigvalsh" });
  gradcheck((x) => torch.linalg.svdvals(x), [A], { ...o, msg: "svdvals" });
  gradcheck((x) => sq(torch.linalg.svd(x, false).U), [A], { ...o, msg: "svd U" });
  gradcheck((x) => sq(torch.linalg.svd(x, false).Vh), [W], { ...o, msg: "svd Vh (wide)" });
  gradcheck((x) => torch.linalg.pinv(x), [A], { ...o, msg: "pinv" });
  gradcheck((x) => torch.linalg.pinv(x), [W], { ...o, msg: "pinv (wide)" });
  gradcheck((x) => torch.linalg.pinv(symm(x), { hermitian: true }), [S], { ...o, msg: "pinv hermitian" });
  gradcheck((x) => torch.linalg.matrixNorm(x, "nuc"), [A], { ...o, msg: "nuclear norm" });
  gradcheck((x) => torch.linalg.cond(x), [S], { ...o, msg: "cond" });
  const B = leaf(randn([4, 2], 14, "float64"));
  gradcheck((x, b) => torch.linalg.lstsq(x, b).solution, [A, B], { ...o, msg: "lstsq gelsy" });
  gradcheck((x, b) => torch.linalg.lstsq(x, b, { driver: "gels" }).solution, [A, B], {
    ...o,
    msg: "lstsq gels",
  });
  gradcheck((x) => torch.linalg.lu(x).U, [A], { ...o, msg: "lu U (tall)" });
  gradcheck((x) => torch.linalg.lu(x).L, [W], { ...o, msg: "lu L (wide)" });
  gradcheck((x) => torch.linalg.luFactor(x).LU, [S], { ...o, msg: "lu_factor" });
  const C = leaf(randn([4, 4], 15, "float64").add(torch.eye(4, { dtype: "float64" }).mul(3)));
  const f = torch.linalg.luFactor(C.detach());
  gradcheck((lu, b) => torch.linalg.luSolve(lu, f.pivots, b, { adjoint: true }), [leaf(f.LU), B], {
    ...o,
    msg: "lu_solve",
  });
  gradcheck((x) => torch.linalg.matrixExp(x), [leaf(S.detach().mul(0.5))], { ...o, msg: "matrix_exp" });
  gradcheck((x) => torch.logdet(x.matmul(x.t())), [C], { ...o, msg: "logdet" });
});

Deno.test("[cpu] linalg.matrixExp: second-order gradients through its own backward", () => {
  const A = leaf(randn([3, 3], 16, "float64").mul(0.5));
  gradcheck(
    (x) =>
      torch.enableGrad(() => {
        const xr = x.requiresGrad ? x : x.detach().requiresGrad_(true);
        const [g] = torch.autograd.grad(torch.linalg.matrixExp(xr).pow(2).sum(), [xr], { createGraph: true });
        return g!;
      }),
    [A],
    { eps: 1e-6, atol: 1e-5, rtol: 1e-4, msg: "matrix_exp double backward" },
  );
});

deviceTest(
  "linalg _ex variants report singular and indefinite matrices in info; checkErrors throws on the CPU",
  async (device) => {
    const S = torch.stack([torch.eye(3), torch.tensor([[1, 2, 3], [2, 4, 6], [1, 0, 1]])]).float().to(device);
    await assertCloseAsync(torch.linalg.invEx(S).info, [0, 2]);
    await assertCloseAsync(torch.linalg.invEx(S).inverse.index(0), torch.eye(3));
    await assertCloseAsync(torch.linalg.solveEx(S, torch.ones(2, 3).to(device)).info, [0, 2]);
    await assertCloseAsync(torch.linalg.luFactorEx(S).info, [0, 3]); // A's own factorization, as PyTorch's
    const P = torch.stack([torch.eye(2), torch.tensor([[1, 2], [2, 1]])]).float().to(device);
    await assertCloseAsync(torch.linalg.choleskyEx(P).info, [0, 2]);
    assert.equal(torch.linalg.invEx(S).info.dtype, "int32");
    if (device !== "cpu") return;
    assertThrowsMsg(
      () => torch.linalg.invEx(S, { checkErrors: true }),
      /^linalg\.invEx: \(Batch element 1\): The diagonal element 2 is zero/,
    );
    assertThrowsMsg(
      () => torch.linalg.choleskyEx(P, { checkErrors: true }),
      /^linalg\.choleskyEx: \(Batch element 1\): The factorization could not be completed because the input is not positive-definite \(the leading minor of order 2/,
    );
    assertThrowsMsg(
      () => torch.linalg.luFactor(S),
      /^linalg\.luFactor: \(Batch element 1\): U\[3,3\] is zero and using it on lu_solve would result in a division by zero/,
    );
    assertThrowsMsg(
      () => torch.linalg.luFactor(S, { pivot: false }),
      /^linalg\.luFactor: LU without pivoting is not implemented/,
    );
  },
);

deviceTest("linalg decompositions: float32 gradchecks on the device", async (device) => {
  const A = leaf(randn([3, 3], 21).add(torch.eye(3).mul(2)).to(device));
  const o = { eps: 1e-2, atol: 5e-3, rtol: 5e-2 };
  await gradcheckAsync((x) => torch.linalg.qr(x).Q, [A], { ...o, msg: "qr Q" });
  await gradcheckAsync((x) => torch.linalg.svdvals(x), [A], { ...o, msg: "svdvals" });
  await gradcheckAsync((x) => torch.linalg.eigvalsh(x.add(x.t())), [A], { ...o, msg: "eigvalsh" });
});

deviceTest("linalg decompositions: grad_fn names are PyTorch's", (device) => {
  const A = torch.tensor([[2, 1], [1, 3]], { dtype: "float32" }).to(device).requiresGrad_(true);
  assert.equal(torch.linalg.eigvalsh(A).gradFn?.name, "LinalgEighBackward0");
  assert.equal(torch.linalg.svdvals(A).gradFn?.name, "LinalgSvdBackward0");
  assert.equal(torch.linalg.pinv(A).gradFn?.name, "LinalgPinvBackward0");
  assert.equal(torch.linalg.matrixExp(A).gradFn?.name, "LinalgMatrixExpBackward0");
  assert.equal(torch.linalg.luFactor(A).LU.gradFn?.name, "LinalgLuFactorExBackward0");
  assert.equal(torch.linalg.lstsq(A, A).solution.gradFn?.name, "LinalgLstsqBackward0");
});

deviceTest(
  "linalg decompositions: eigh's and svd's unused outputs add nothing (repeated values stay finite)",
  async (device) => {
    const A = torch.eye(3).mul(2).to(device).requiresGrad_(true);
    torch.linalg.eigh(A).eigenvalues.sum().backward();
    await assertCloseAsync(A.grad!, torch.eye(3), { atol: 1e-6 });
    const B = torch.eye(3).to(device).requiresGrad_(true);
    torch.linalg.svd(B, false).S.sum().backward();
    await assertCloseAsync(B.grad!, torch.eye(3), { atol: 1e-6 });
  },
);

deviceTest("linalg decompositions: empty and 1x1 batches", async (device) => {
  const E = torch.zeros(0, 3, 3).to(device);
  assert.deepEqual(torch.linalg.qr(E).R.shape, [0, 3, 3]);
  assert.deepEqual(torch.linalg.eigh(E).eigenvalues.shape, [0, 3]);
  assert.deepEqual(torch.linalg.svdvals(E).shape, [0, 3]);
  const one = torch.tensor([[[-2]]], { dtype: "float32" }).to(device);
  await assertCloseAsync(torch.linalg.svdvals(one), [[2]]);
  await assertCloseAsync(torch.linalg.eigvalsh(one), [[-2]]);
});

deviceTest("linalg decompositions: matrices without elements get PyTorch's shapes", (device) => {
  // PyTorch 1.13's shapes for 0x3 and 3x0 inputs.
  const expected: Record<string, Record<string, number[][]>> = {
    "0,3": {
      qr: [[0, 0], [0, 3]],
      qrc: [[0, 0], [0, 3]],
      svd: [[0, 0], [0], [3, 3]],
      svdr: [[0, 0], [0], [0, 3]],
      lu: [[0, 0], [0, 0], [0, 3]],
      luf: [[0, 3], [0]],
      pinv: [[3, 0]],
      rank: [[]],
    },
    "3,0": {
      qr: [[3, 0], [0, 0]],
      qrc: [[3, 3], [3, 0]],
      svd: [[3, 3], [0], [0, 0]],
      svdr: [[3, 0], [0], [0, 0]],
      lu: [[3, 3], [3, 0], [0, 0]],
      luf: [[3, 0], [0]],
      pinv: [[0, 3]],
      rank: [[]],
    },
  };
  for (const [key, want] of Object.entries(expected)) {
    const A = torch.zeros(key.split(",").map(Number)).to(device);
    const got: Record<string, Tensor[]> = {
      qr: Object.values(torch.linalg.qr(A)),
      qrc: Object.values(torch.linalg.qr(A, "complete")),
      svd: Object.values(torch.linalg.svd(A)),
      svdr: Object.values(torch.linalg.svd(A, false)),
      lu: Object.values(torch.linalg.lu(A)),
      luf: Object.values(torch.linalg.luFactor(A)),
      pinv: [torch.linalg.pinv(A)],
      rank: [torch.linalg.matrixRank(A)],
    };
    for (const [op, shapes] of Object.entries(want)) {
      assert.deepEqual(got[op].map((t) => t.shape), shapes, `${op} of ${key}`);
    }
  }
});

Deno.test("linalg decompositions: the Tensor methods and torch.* names are the linalg ops", () => {
  const A = torch.tensor([[3, 1], [4, 2]], { dtype: "float64" });
  const a = A.qr(), b = torch.linalg.qr(A);
  assert.deepEqual(a.R.toArray(), b.R.toArray());
  assert.deepEqual(A.qr(false).Q.shape, [2, 2]);
  assert.deepEqual(A.svd().S.toArray(), torch.linalg.svdvals(A).toArray());
  assert.deepEqual(A.pinverse().toArray(), torch.pinverse(A).toArray());
  assert.equal(A.logdet().item(), torch.logdet(A).item());
  assert.deepEqual(A.slogdet().logabsdet.item(), torch.slogdet(A).logabsdet.item());
  assert.deepEqual(A.matrixExp().toArray(), torch.matrixExp(A).toArray());
  assert.deepEqual(A.lu().pivots.toArray(), torch.linalg.luFactor(A).pivots.toArray());
  const { LU, pivots } = torch.lu(A);
  const X = torch.luSolve(torch.eye(2, { dtype: "float64" }), LU, pivots);
  assert.ok(torch.allclose(X, torch.linalg.inv(A)));
});

// ---- errors ----

deviceTest(
  "linalg.svd: non-finite input throws for one matrix on the CPU (as PyTorch), gives NaN in a batch",
  async (device) => {
    const bad = torch.tensor([[1, Infinity], [0, 2]], { dtype: "float32" }).to(device);
    if (device === "cpu") {
      assertThrowsMsg(
        () => torch.linalg.svd(bad),
        /^linalg\.svd: The algorithm failed to converge because the input matrix contained non-finite values\.$/,
      );
      assertThrowsMsg(() => torch.linalg.svdvals(bad), /^linalg\.svdvals: The algorithm failed to converge/);
    }
    const S = await torch.linalg.svdvals(torch.stack([torch.eye(2).to(device), bad]))
      .toArrayAsync() as number[][];
    assert.deepEqual(S[0], [1, 1]);
    assert.ok(S[1].every(Number.isNaN), `NaN singular values, got ${S[1]}`);
    await assertCloseAsync(torch.linalg.matrixRank(torch.stack([torch.eye(2).to(device), bad])), [2, 0]);
  },
);

Deno.test("linalg decompositions: bad input names the op and what was expected", () => {
  const r = torch.ones(3);
  assertThrowsMsg(
    () => torch.linalg.qr(r),
    /^linalg\.qr: The input tensor A must have at least 2 dimensions/,
  );
  assertThrowsMsg(
    () => torch.linalg.qr(torch.ones(2, 2), "full" as never),
    /^linalg\.qr: qr received unrecognized mode 'full'/,
  );
  assertThrowsMsg(() => torch.linalg.qr(torch.ones([2, 2], { dtype: "int32" })), /float32 or float64/);
  assertThrowsMsg(
    () => torch.linalg.eigh(torch.ones(2, 3)),
    /^linalg\.eigh: A must be batches of square matrices/,
  );
  assertThrowsMsg(
    () => torch.linalg.eigvalsh(torch.eye(2), "X" as never),
    /^linalg\.eigvalsh: Expected UPLO argument to be 'L' or 'U'/,
  );
  assertThrowsMsg(
    () => torch.linalg.svd(r),
    /^linalg\.svd: The input tensor A must have at least 2 dimensions/,
  );
  assertThrowsMsg(() => torch.linalg.cond(torch.ones(2, 3), 1), /^linalg\.cond: A must be batches of square/);
  assertThrowsMsg(() => torch.linalg.cond(torch.eye(2), 3), /^linalg\.cond: got an invalid norm type 3/);
  assertThrowsMsg(
    () => torch.linalg.lstsq(torch.eye(3), torch.ones(2, 1)),
    /^linalg\.lstsq: input\.size\(-2\) should match other\.size\(-2\)/,
  );
  assertThrowsMsg(
    () => torch.linalg.lstsq(torch.eye(3), torch.ones(3), { driver: "gelsx" as never }),
    /^linalg\.lstsq: parameter `driver` should be one of/,
  );
  assertThrowsMsg(
    () => torch.nn.init.orthogonal_(torch.ones(3)),
    /^orthogonal_: Only tensors with 2 or more dimensions/,
  );
  assertThrowsMsg(
    () => torch.luUnpack(torch.eye(2), torch.tensor([3, 2], { dtype: "int32" })),
    /^luUnpack: expected the pivots to be in \[1, 2\], got 3/,
  );
  assertThrowsMsg(
    () => torch.luUnpack(torch.eye(2), torch.tensor([1, 2], { dtype: "float32" })),
    /^luUnpack: pivots must be an int32 tensor/,
  );
  assertThrowsMsg(
    () => torch.linalg.luSolve(torch.eye(2), torch.tensor([1, 2], { dtype: "int32" }), torch.ones(3, 1)),
    /^linalg\.luSolve: Incompatible shapes of A and B for the equation AX = B \(2x2 and 3x1\)/,
  );
  const A = torch.ones(3, 3).requiresGrad_(true);
  assertThrowsMsg(() => torch.linalg.qr(A, "r").R.sum().backward(), /mode='r'/);
  const T = torch.randn(4, 2).requiresGrad_(true);
  assertThrowsMsg(
    () => torch.linalg.qr(T, "complete").Q.sum().backward(),
    /not differentiable when mode='complete' and nrows > ncols/,
  );
});
