/**
 * nn.utils.parametrizations: `orthogonal` (matrix_exp, cayley, householder; with and without
 * trivialization; square, tall and wide weights; assignment) and `spectralNorm` (Linear, Conv2d,
 * ConvTranspose2d, several iterations, a 1-d tensor, a negative dim). Expected values:
 * tools/fixtures/parametrize_fixtures.py (PyTorch 1.13, seeded as the test seeds; gradients of
 * `(out * linspace(0.5, 1.5)).sum()`); the maps' gradients also by finite differences.
 */
import * as torch from "../mod.ts";
import { F, nn } from "../mod.ts";
import type { Device, Tensor } from "../mod.ts";
import { assert, assertCloseAsync, assertThrowsMsg, type CloseOptions, gradcheck } from "./helpers.ts";
import { deviceTest } from "./devices.ts";
import { backendFor } from "../src/backends/registry.ts";

const fx = JSON.parse(await Deno.readTextFile(new URL("./fixtures/parametrize.json", import.meta.url)));
const { orthogonal, spectralNorm, Orthogonal, SpectralNorm } = nn.utils.parametrizations;

interface Enc {
  shape: number[];
  values: number[];
}

const dev = (e: Enc, device: Device = "cpu"): Tensor =>
  torch.tensor(e.values, { dtype: "float32" }).reshape(e.shape).to(device);
const close = (t: Tensor, e: Enc | number[], opts: CloseOptions = {}) =>
  assertCloseAsync(t.reshape([-1]), Array.isArray(e) ? e : e.values, { rtol: 1e-4, atol: 1e-5, ...opts });
const stateOf = (sd: Record<string, Enc>): Record<string, Tensor> =>
  Object.fromEntries(Object.entries(sd).map(([k, e]) => [k, dev(e)]));
const weightedSum = (y: Tensor) =>
  y.mul(torch.linspace(0.5, 1.5, y.numel(), { device: y.device }).reshape([...y.shape])).sum();

async function closeState(m: nn.Module, expected: Record<string, Enc>, opts: CloseOptions = {}) {
  const sd = m.stateDict();
  assert.deepEqual(Object.keys(sd), Object.keys(expected));
  for (const [k, e] of Object.entries(expected)) await close(sd[k], e, { msg: k, ...opts });
}

const orthCases = Object.entries(fx.orthogonal).filter(([k]) => k !== "assign");

deviceTest(
  "parametrizations.orthogonal: every map, with and without trivialization, vs PyTorch",
  async (device) => {
    for (const [name, c] of orthCases as [string, Record<string, never>][]) {
      const shape = c.shape as unknown as number[];
      const m = new nn.Linear(shape[1], shape[0]);
      m.loadStateDict(stateOf(c.start));
      torch.manualSeed(c.seed);
      const p = orthogonal(m, { orthogonalMap: c.map, useTrivialization: c.triv });
      assert.deepEqual(Object.keys(p.stateDict()), c.keys, name);
      assert.equal(String(p), c.repr, name);
      await closeState(p, c.sd);
      p.to(device);
      await close(p.weight, c.weight, { msg: `${name} weight` });
      const y = p(dev(c.x, device));
      await close(y, c.y, { msg: `${name} y` });
      weightedSum(y).backward();
      await close(p.parametrizations.weight.original.grad!, c.origGrad, { msg: `${name} grad`, atol: 1e-4 });
    }
  },
);

Deno.test("parametrizations.orthogonal: assigning a weight with trivialization sets base", async () => {
  const c = fx.orthogonal.assign;
  const m = new nn.Linear(4, 4);
  m.loadStateDict(stateOf(c.start));
  torch.manualSeed(21);
  const p = orthogonal(m);
  const original = p.parametrizations.weight.original;
  p.weight = dev(c.q);
  assert.ok(p.parametrizations.weight.original === original);
  await closeState(p, c.sd);
  await close(p.weight, c.weight);
});

Deno.test("parametrizations.orthogonal: gradcheck of each map (float64)", () => {
  for (const map of ["matrix_exp", "cayley", "householder"] as const) {
    for (const shape of [[3, 3], [4, 2], [2, 4]]) {
      const orth = new Orthogonal(shape, map, { useTrivialization: false });
      const x = torch.randn(shape, { dtype: "float64" }).mul(0.5);
      if (map === "householder") {
        // the diagonal holds signs, truncated (not differentiated): keep it away from the jumps
        const k = Math.min(...shape);
        torch.noGrad(() =>
          x.diagonal().copy_(torch.tensor([-1.5, 1.5, -1.5].slice(0, k), { dtype: "float64" }))
        );
      }
      gradcheck((t) => orth(t), [x.requiresGrad_()], {
        eps: 1e-6,
        atol: 1e-6,
        rtol: 1e-5,
        msg: `${map} ${shape}`,
      });
      const q = torch.noGrad(() => orth(x));
      const gram = shape[0] >= shape[1] ? q.mT.matmul(q) : q.matmul(q.mT);
      assert.ok(torch.allclose(gram, torch.eye(Math.min(...shape), { dtype: "float64" }), { atol: 1e-10 }));
    }
  }
});

deviceTest(
  "parametrizations.spectralNorm: u, v, values and gradients vs PyTorch; eval mode",
  async (device) => {
    const makers: Record<string, () => nn.Module> = {
      linear: () => new nn.Linear(5, 4),
      linear3: () => new nn.Linear(5, 4),
      conv: () => new nn.Conv2d(2, 3, 3),
      convT: () => new nn.ConvTranspose2d(2, 3, 3),
      bias1d: () => new nn.Linear(5, 4),
      convDimNeg: () => new nn.Conv2d(2, 3, 3),
    };
    for (const [name, make] of Object.entries(makers)) {
      const c = fx.spectralNorm[name];
      const m = make();
      m.loadStateDict(stateOf(c.start));
      torch.manualSeed(c.seed);
      const p = spectralNorm(m, { name: c.name, nPowerIterations: c.nIter, dim: c.dim ?? undefined });
      assert.deepEqual(Object.keys(p.stateDict()), c.keys, name);
      await closeState(p, c.sd);
      p.to(device);
      const x = dev(c.x, device);
      const y = (p as unknown as (x: Tensor) => Tensor)(x);
      await close(y, c.y, { msg: `${name} y` });
      await closeState(p, c.sdAfter);
      weightedSum(y).backward();
      const list =
        (p.parametrizations as unknown as Record<string, nn.utils.parametrize.ParametrizationList>)[c.name];
      await close(list.original.grad!, c.origGrad, { msg: `${name} grad`, atol: 1e-4 });
      p.eval();
      await close((p as unknown as (x: Tensor) => Tensor)(x), c.yEval, { msg: `${name} eval` });
      await closeState(p, c.sdEval);
    }
  },
);

Deno.test("parametrizations.spectralNorm: gradcheck in eval mode (float64)", () => {
  for (const shape of [[4, 3], [3, 2, 2], [5]]) {
    const w = torch.randn(shape, { dtype: "float64" });
    const sn = new SpectralNorm(w, 1, 0).eval();
    gradcheck((t) => sn(t), [w.requiresGrad_()], { eps: 1e-6, atol: 1e-6, rtol: 1e-5, msg: `${shape}` });
  }
});

Deno.test("parametrizations: bad input gets a clear error", () => {
  assertThrowsMsg(
    () => orthogonal(new nn.Linear(2, 2), { name: "bias" }),
    /orthogonal: expected a matrix or batch of matrices, got a tensor of 1 dimensions/,
  );
  assertThrowsMsg(
    () => orthogonal(new nn.Linear(2, 2), { name: "w" }),
    /orthogonal: Module 'Linear' has no parameter or buffer with name 'w'/,
  );
  assertThrowsMsg(
    () => orthogonal(new nn.Linear(2, 2), { orthogonalMap: "expm" as never }),
    /orthogonal: orthogonalMap has to be one of "matrix_exp", "cayley", "householder", got "expm"/,
  );
  const plain = orthogonal(new nn.Linear(3, 3), { orthogonalMap: "cayley", useTrivialization: false });
  assertThrowsMsg(
    () => {
      plain.weight = torch.eye(3);
    },
    /orthogonal.rightInverse: it is not possible to assign to the matrix exponential or the Cayley parametrizations/,
  );
  assertThrowsMsg(
    () => new Orthogonal([3, 3], "householder").rightInverse(torch.eye(2)),
    /orthogonal.rightInverse: expected a matrix or batch of matrices of shape \[3, 3\], got a tensor of shape \[2, 2\]/,
  );
  assertThrowsMsg(
    () => spectralNorm(new nn.Linear(2, 2), { dim: 2 }),
    /spectralNorm: dimension out of range \(expected to be in range of \[-2, 1\] but got 2\)/,
  );
  assertThrowsMsg(
    () => spectralNorm(new nn.Linear(2, 2), { nPowerIterations: 0 }),
    /spectralNorm: expected nPowerIterations to be positive, but got nPowerIterations=0/,
  );
  assertThrowsMsg(
    () => new SpectralNorm(torch.tensor([[1, 2], [3, 4]])),
    /spectralNorm: expected a floating point weight, got int32/,
  );
  assertThrowsMsg(
    () => spectralNorm(new nn.Linear(2, 2), { name: "w" }),
    /spectralNorm: Module 'Linear' has no parameter or buffer with name 'w'/,
  );
});

deviceTest(
  "parametrizations.orthogonal on an LSTM's recurrent weight, read inside parametrize.cached",
  async (device) => {
    torch.manualSeed(3);
    const lstm = orthogonal(new nn.LSTM(3, 4), { name: "weight_hh_l0" }).to(device);
    assert.deepEqual(Object.keys(lstm.stateDict()).filter((k) => k.startsWith("parametrizations")), [
      "parametrizations.weight_hh_l0.original",
      "parametrizations.weight_hh_l0.0.base",
    ]);
    const w = (lstm as unknown as { weight_hh_l0: Tensor }).weight_hh_l0;
    assert.deepEqual(w.shape, [16, 4]);
    await assertCloseAsync(w.mT.matmul(w), torch.eye(4), { atol: 1e-5 });
    const x = torch.randn([5, 2, 3], { device });
    const [out] = nn.utils.parametrize.cached(() => lstm(x));
    out.sum().backward();
    const grad = lstm.parametrizations.weight_hh_l0.original.grad!;
    assert.deepEqual(grad.shape, [16, 4]);
    assert.ok((await grad.abs().sum().itemAsync()) > 0);
  },
);

/** Storages one call of `step` leaves for the garbage collector (not freed, not a parameter, gradient or buffer). */
function leftovers(model: nn.Module, step: () => void): number {
  const backend = backendFor("cpu") as unknown as Record<string, unknown>;
  const made: { disposed: boolean }[] = [];
  const saved = new Map<string, unknown>();
  const keys = new Set([
    ...Object.keys(backend),
    ...Object.getOwnPropertyNames(Object.getPrototypeOf(backend)),
  ]);
  for (const key of keys) {
    const f = backend[key];
    if (typeof f !== "function" || key === "constructor") continue;
    saved.set(key, f);
    backend[key] = (...args: unknown[]) => {
      const out = (f as (...a: unknown[]) => unknown).apply(backend, args);
      if (out !== null && typeof out === "object" && "disposed" in out) {
        made.push(out as { disposed: boolean });
      }
      return out;
    };
  }
  try {
    step();
  } finally {
    for (const [k, f] of saved) backend[k] = f;
  }
  assert.ok(made.length > 0);
  const kept = new Set<unknown>();
  for (const p of model.parameters()) kept.add(p._storage).add(p.grad?._storage);
  for (const b of model.buffers()) kept.add(b._storage);
  return made.filter((s) => !s.disposed && !kept.has(s)).length;
}

Deno.test("parametrizations: SGD keeps the weights orthogonal / normalized; steps leave nothing more than plain layers", () => {
  torch.manualSeed(11);
  const make = (parametrized: boolean) => {
    const a = new nn.Linear(4, 4), b = new nn.Linear(4, 3);
    return parametrized
      ? new nn.Sequential(orthogonal(a), new nn.Tanh(), spectralNorm(b))
      : new nn.Sequential(a, new nn.Tanh(), b);
  };
  const x = torch.randn(16, 4), t = torch.randn(16, 3);
  const trainer = (model: nn.Module) => {
    const opt = new torch.optim.SGD(model.parameters(), { lr: 0.1 });
    return (useCache: boolean) => {
      opt.zeroGrad();
      const forward = () => F.mseLoss((model as unknown as (x: Tensor) => Tensor)(x), t);
      const loss = useCache ? nn.utils.parametrize.cached(forward) : forward();
      loss.backward();
      opt.step();
      const value = loss.item();
      loss.dispose();
      return value;
    };
  };
  const plain = make(false), model = make(true);
  const plainStep = trainer(plain), step = trainer(model);
  plainStep(false);
  const first = step(false);
  const baseline = leftovers(plain, () => plainStep(false));
  assert.equal(leftovers(model, () => step(false)), baseline, "parametrized step");
  assert.equal(leftovers(model, () => step(true)), baseline, "parametrized step inside cached");
  let last = first;
  for (let i = 0; i < 30; i++) last = step(i % 2 === 0);
  assert.ok(last < first, `loss ${first} -> ${last}`);
  const w = model.at<nn.Linear>(0).weight;
  assert.ok(torch.allclose(w.mT.matmul(w), torch.eye(4), { atol: 1e-5 }));
  // each read in training mode is one more power step: the estimate converges to the norm
  const sn = model.at<nn.Linear>(2);
  for (let i = 0; i < 100; i++) sn.weight;
  const sigma = torch.linalg.matrixNorm(sn.weight, 2).item();
  assert.ok(Math.abs(sigma - 1) < 1e-3, `spectral norm ${sigma}`);
});

deviceTest("parametrizations: registering on a module already on the device", async (device) => {
  for (const name of ["matrix_exp_triv_4x4", "householder_plain_5x3", "cayley_triv_5x3"]) {
    const c = fx.orthogonal[name];
    const m = new nn.Linear(c.shape[1], c.shape[0]);
    m.loadStateDict(stateOf(c.start));
    m.to(device);
    torch.manualSeed(c.seed);
    const p = orthogonal(m, { orthogonalMap: c.map, useTrivialization: c.triv });
    const sd = p.stateDict();
    assert.equal(sd["parametrizations.weight.original"].device, device);
    for (const [k, e] of Object.entries(c.sd as Record<string, Enc>)) {
      // a completion drawn on the GPU comes from its own stream: compare the weight only there
      if (device === "gpu" && name.startsWith("cayley") && k.endsWith("base")) continue;
      await close(sd[k], e, { msg: `${name} ${k}` });
    }
    await close(p.weight, c.weight, { msg: `${name} weight` });
  }
  torch.manualSeed(30);
  const c = fx.spectralNorm.linear;
  const lin = new nn.Linear(5, 4);
  lin.loadStateDict(stateOf(c.start));
  lin.to(device);
  torch.manualSeed(c.seed);
  await closeState(spectralNorm(lin), c.sd);
});
