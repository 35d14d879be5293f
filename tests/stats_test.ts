/**
 * The reductions, scans and statistics family against PyTorch 1.13
 * (tools/fixtures/stats_fixtures.py): cummax / cummin, logcumsumexp, kthvalue, mode, msort,
 * aminmax, stdMean / varMean, countNonzero, cov / corrcoef, histc / histogram, bincount, isin,
 * uniqueConsecutive, pdist, dist, renorm, trapezoid / trapz / cumulativeTrapezoid and logspace:
 * values, indices and gradients on both devices, as functions and as methods; finite-difference
 * gradchecks; and the errors bad input gets.
 */
import * as torch from "../mod.ts";
import type { Device, Tensor } from "../mod.ts";
import {
  assert,
  assertCloseAsync,
  assertRejectsMsg,
  assertThrowsMsg,
  type EncodedTensor,
  fixtureNumber as num,
  fixtureTensor as dec,
  gradcheckAsync,
  rng,
} from "./helpers.ts";
import { deviceTest, gpuAvailable } from "./devices.ts";
import { wasmBackend } from "../src/backends/wasm/backend.ts";
import { WebGPUBackend } from "../src/backends/webgpu/backend.ts";

const fx = JSON.parse(await Deno.readTextFile(new URL("./fixtures/stats.json", import.meta.url)));

type Enc = EncodedTensor;
type Arg = Enc | { scalar: number } | null;
interface Case {
  name: string;
  op: string;
  args: Arg[];
  kw: Record<string, unknown>;
  outs: Enc[];
  grads: (Enc | null)[] | null;
  gradFn: string | null;
}
const CASES: Case[] = fx.cases;

const isEnc = (a: Arg): a is Enc => a !== null && "dtype" in a;
const onDevice = (device: Device, c: Case) =>
  device === "cpu" || (!c.args.some((a) => isEnc(a) && a.dtype === "float64") && c.kw.dtype !== "float64");

/** Ops that PyTorch also has as Tensor methods. */
const METHODS = new Set([
  "cummax",
  "cummin",
  "logcumsumexp",
  "kthvalue",
  "mode",
  "msort",
  "aminmax",
  "countNonzero",
  "cov",
  "corrcoef",
  "histc",
  "histogram",
  "bincount",
  "uniqueConsecutive",
  "dist",
  "renorm",
]);

/** Ops whose grad_fn carries PyTorch's name (the others end in the node of their last piece). */
const NAMED = new Set([
  "cummax",
  "cummin",
  "logcumsumexp",
  "kthvalue",
  "mode",
  "msort",
  "stdMean",
  "varMean",
  "cov",
  "pdist",
  "dist",
  "renorm",
]);

type Out = Tensor | Tensor[];

/** Calls the edgetorch op of a case as the user would: the function, or the method where `method`. */
async function call(c: Case, xs: (Tensor | number | null)[], method: boolean, device: Device): Promise<Out> {
  const kw = c.kw;
  const names = (kw.args as string[] | undefined) ?? [];
  const named = (n: string) => {
    const i = names.indexOf(n);
    return i < 0 ? undefined : xs[i] as Tensor;
  };
  const a = xs[0] as Tensor;
  const dimOpts = {
    ...(kw.dim !== undefined ? { dim: kw.dim as number } : {}),
    keepdim: kw.keepdim as boolean,
  };
  const p = kw.p === undefined ? undefined : num(kw.p as number | string);
  switch (c.op) {
    case "cummax":
    case "cummin": {
      const r = method ? a[c.op](kw.dim as number) : torch[c.op](a, kw.dim as number);
      return [r.values, r.indices];
    }
    case "logcumsumexp":
      return method ? a.logcumsumexp(kw.dim as number) : torch.logcumsumexp(a, kw.dim as number);
    case "kthvalue": {
      const r = method
        ? a.kthvalue(kw.k as number, dimOpts)
        : torch.kthvalue(a, kw.k as number, kw.dim as number, {
          keepdim: kw.keepdim as boolean,
        });
      return [r.values, r.indices];
    }
    case "mode": {
      const r = method
        ? a.mode(dimOpts)
        : torch.mode(a, kw.dim as number, { keepdim: kw.keepdim as boolean });
      return [r.values, r.indices];
    }
    case "msort":
      return method ? a.msort() : torch.msort(a);
    case "aminmax": {
      const r = method ? a.aminmax(dimOpts) : torch.aminmax(a, dimOpts);
      return [r.min, r.max];
    }
    case "stdMean":
    case "varMean": {
      const o = {
        correction: kw.correction as number,
        unbiased: kw.unbiased as boolean,
        keepdim: kw.keepdim as boolean,
      };
      return kw.dim === undefined ? torch[c.op](a, o) : torch[c.op](a, kw.dim as number | number[], o);
    }
    case "countNonzero": {
      const dim = kw.dim as number | number[] | undefined;
      return method ? a.countNonzero(dim) : torch.countNonzero(a, dim);
    }
    case "cov": {
      const o = {
        correction: kw.correction as number,
        fweights: named("fweights"),
        aweights: named("aweights"),
      };
      return method ? a.cov(o) : torch.cov(a, o);
    }
    case "corrcoef":
      return method ? a.corrcoef() : torch.corrcoef(a);
    case "histc": {
      const o = { bins: kw.bins as number, min: kw.min as number, max: kw.max as number };
      return method ? a.histc(o) : torch.histc(a, o.bins, o.min, o.max);
    }
    case "histogram": {
      const bins = named("bins") ?? (kw.bins as number);
      const o = {
        range: kw.range as [number, number],
        weight: named("weight"),
        density: kw.density as boolean,
      };
      const r = method ? a.histogram(bins, o) : torch.histogram(a, bins, o);
      return [r.hist, r.binEdges];
    }
    case "bincount": {
      const o = { weights: named("weights"), minlength: kw.minlength as number };
      if (device !== "cpu") return await torch.bincountAsync(a, o);
      return method ? a.bincount(o) : torch.bincount(a, o);
    }
    case "isin":
      return torch.isin(xs[0] as Tensor | number, xs[1] as Tensor | number, { invert: kw.invert as boolean });
    case "uniqueConsecutive": {
      const o = {
        returnInverse: kw.returnInverse as boolean,
        returnCounts: kw.returnCounts as boolean,
        dim: kw.dim as number,
      };
      if (device !== "cpu") return await torch.uniqueConsecutiveAsync(a, o);
      return method ? a.uniqueConsecutive(o) : torch.uniqueConsecutive(a, o);
    }
    case "pdist":
      return method ? torch.nn.functional.pdist(a, p) : torch.pdist(a, p);
    case "dist":
      return method ? a.dist(xs[1] as Tensor, p) : torch.dist(a, xs[1] as Tensor, p);
    case "renorm":
      return method
        ? a.renorm(p!, kw.dim as number, kw.maxnorm as number)
        : torch.renorm(a, p!, kw.dim as number, kw.maxnorm as number);
    case "trapezoid":
    case "trapz":
    case "cumulativeTrapezoid": {
      const o = { dx: kw.dx as number, dim: kw.dim as number };
      const x = named("x");
      return x ? torch[c.op](a, x, o) : torch[c.op](a, o);
    }
    case "logspace": {
      const { start, end, steps, base, dtype } = kw as Record<string, number & "float64">;
      return torch.logspace(start, end, steps, { base, dtype, device });
    }
  }
  throw new Error(`no op ${c.op}`);
}

/** Float tolerance of a case: scans and sums here associate differently from PyTorch's loops. */
function tolerance(c: Case, device: Device): { rtol: number; atol: number } {
  switch (c.op) {
    case "logcumsumexp":
      // The CPU kernel is PyTorch's float64 recurrence; the GPU's log-step scan rounds in float32.
      return device === "cpu" ? { rtol: 1.2e-7, atol: 0 } : { rtol: 4e-6, atol: 2e-6 };
    case "cov":
    case "corrcoef":
    case "stdMean":
    case "varMean":
    case "trapezoid":
    case "trapz":
    case "cumulativeTrapezoid":
      return { rtol: 2e-6, atol: 2e-6 };
    case "pdist":
    case "dist":
    case "renorm":
    case "histogram":
      return { rtol: device === "gpu" ? 2e-6 : 1e-6, atol: 1e-6 };
    case "logspace":
      return { rtol: device === "gpu" ? 2e-7 : 1e-7, atol: 0 };
  }
  return { rtol: 0, atol: 0 };
}

async function checkTensor(got: Tensor, want: Enc, msg: string, tol: { rtol: number; atol: number }) {
  assert.ok(got instanceof torch.Tensor, `${msg}: a tensor`);
  assert.equal(got.dtype, want.dtype, `${msg}: dtype`);
  assert.deepEqual(got.shape, want.shape, `${msg}: shape`);
  if (!want.dtype.startsWith("float")) {
    assert.deepEqual(Array.from(await got.dataAsync(), Number), want.values.map(num), msg);
  } else await assertCloseAsync(got, Float64Array.from(want.values.map(num)), { ...tol, msg });
}

for (const method of [false, true]) {
  deviceTest(
    `stats: PyTorch 1.13 values, indices and gradients (${method ? "methods" : "functions"})`,
    async (device) => {
      let ran = 0;
      for (const c of CASES) {
        if (!onDevice(device, c)) continue;
        if (method && !METHODS.has(c.op) && c.op !== "pdist") continue;
        const xs = c.args.map((a) =>
          a === null
            ? null
            : isEnc(a)
            ? dec(a, device, c.grads !== null && a.dtype.startsWith("float"))
            : a.scalar
        );
        const got = await call(c, xs, method, device);
        const outs = Array.isArray(got) ? got : [got];
        const msg = `${c.name} [${device}${method ? ", method" : ""}]`;
        assert.equal(outs.length, c.outs.length, `${msg}: number of outputs`);
        const tol = tolerance(c, device);
        for (const [i, want] of c.outs.entries()) await checkTensor(outs[i], want, `${msg} out ${i}`, tol);
        if (c.grads !== null) {
          const diff = outs.filter((o) => o.requiresGrad && o.numel() > 0);
          let total: Tensor | null = null;
          for (const o of diff) {
            const w = torch.linspace(0.5, 1.5, o.numel(), { dtype: "float64" }).to(o.dtype).reshape(o.shape);
            const term = o.mul(w.to(device)).sum();
            total = total === null ? term : total.add(term);
          }
          assert.ok(total, `${msg}: a differentiable output`);
          if (NAMED.has(c.op)) assert.equal(diff[0].gradFn?.name, c.gradFn, `${msg}: grad_fn`);
          total.backward();
          for (const [i, g] of c.grads.entries()) {
            const x = xs[i];
            if (g === null) {
              assert.ok(
                !(x instanceof torch.Tensor) || x.grad === null,
                `${msg}: input ${i} has no gradient`,
              );
              continue;
            }
            assert.ok(x instanceof torch.Tensor && x.grad, `${msg}: input ${i} has a gradient`);
            await checkTensor(x.grad!, g, `${msg} grad ${i}`, { rtol: 1e-5, atol: 2e-6 });
          }
        }
        ran++;
      }
      assert.ok(ran > (method ? 100 : 150), `ran ${ran} cases`);
    },
  );
}

deviceTest("stats: finite-difference gradchecks", async (device) => {
  const opt = { dtype: "float32" as const, device, requiresGrad: true };
  const x = torch.tensor([[0.3, -1.1, 2.4, 0.9, -0.2], [1.7, 0.1, -0.8, 2.2, 1.3], [
    -0.6,
    0.4,
    1.1,
    -1.9,
    0.7,
  ]], opt);
  await gradcheckAsync((u) => torch.cummax(u, 1).values, [x]);
  await gradcheckAsync((u) => torch.cummin(u, 0).values, [x]);
  await gradcheckAsync((u) => torch.logcumsumexp(u, 1), [x]);
  await gradcheckAsync((u) => torch.logcumsumexp(u.mul(20), 0), [x], { eps: 1e-3 });
  await gradcheckAsync((u) => torch.kthvalue(u, 2, 1).values, [x]);
  await gradcheckAsync((u) => torch.mode(u.round(), 1).values.add(u.sum(1)), [x]);
  await gradcheckAsync((u) => torch.msort(u), [x]);
  const mm = torch.aminmax(x, { dim: 1 });
  void mm;
  await gradcheckAsync((u) => {
    const r = torch.aminmax(u, { dim: 1 });
    return r.min.add(r.max.mul(2));
  }, [x]);
  await gradcheckAsync((u) => {
    const [s, m] = torch.stdMean(u, 1);
    return s.add(m.mul(3));
  }, [x]);
  await gradcheckAsync((u) => {
    const [v, m] = torch.varMean(u, { dim: 0, correction: 0 });
    return v.add(m.mul(3));
  }, [x]);
  const aw = torch.tensor([0.5, 1.2, 2.0, 0.7, 1.1], opt);
  await gradcheckAsync(
    (u, a) => torch.cov(u, { fweights: torch.tensor([1, 2, 1, 3, 1], { device: u.device }), aweights: a }),
    [x, aw],
  );
  await gradcheckAsync((u) => torch.cov(u, { correction: 0 }), [x]);
  await gradcheckAsync((u) => torch.corrcoef(u), [x]);
  for (const p of [2, 1, 3, 0.5, Infinity]) {
    await gradcheckAsync((u) => torch.pdist(u, p), [x], { msg: `pdist p=${p}` });
  }
  await gradcheckAsync((u) => torch.nn.functional.pdist(u.transpose(0, 1)), [x]);
  const y = torch.tensor([0.5, -0.3, 1.25, 0.8, -1.5], opt); // no near-ties of |x - y| at its min or max
  for (const p of [2, 1, 3.5, Infinity, -Infinity]) {
    await gradcheckAsync((u, v) => torch.dist(u, v, p), [x, y], { msg: `dist p=${p}` });
  }
  await gradcheckAsync((u) => torch.renorm(u, 2, 0, 1.5), [x]);
  await gradcheckAsync((u) => torch.renorm(u, 1, 1, 2), [x]);
  const t = torch.tensor([0, 0.4, 1.1, 1.5, 2.6], opt);
  await gradcheckAsync((u, v) => torch.trapezoid(u, v), [x, t]);
  await gradcheckAsync((u, v) => torch.cumulativeTrapezoid(u, v), [x, t]);
  await gradcheckAsync((u) => torch.trapz(u, { dx: 0.7, dim: 0 }), [x]);
  await gradcheckAsync((u) => torch.cumulativeTrapezoid(u, { dx: 0.7, dim: 0 }), [x]);
});

deviceTest("stats: logcumsumexp's gradient is differentiable (second order)", async (device) => {
  const opt = { dtype: "float32" as const, device, requiresGrad: true };
  const x = torch.tensor([[0.3, -1.1, 2.4, 0.9], [1.7, 0.1, -0.8, 2.2]], opt);
  // The numeric side calls this on plain copies: differentiate a leaf of them there.
  await gradcheckAsync(
    (u) =>
      torch.enableGrad(() => {
        const v = u.requiresGrad ? u : u.detach().requiresGrad_(true);
        const w = torch.tensor([[1, -2, 0.5, 3], [0.25, 1, -1, 2]], { dtype: "float32", device: v.device });
        const [g] = torch.autograd.grad(torch.logcumsumexp(v, 1).mul(w).sum(), [v], { createGraph: true });
        return g!;
      }),
    [x],
    { eps: 1e-3 },
  );
});

deviceTest("stats: scans over long rows and views match a plain loop", async (device) => {
  const gen = new torch.Generator(11);
  const base = torch.randn([3, 1000], { generator: gen }).round();
  const x = base.to(device).transpose(0, 1); // [1000, 3], not contiguous
  const { values, indices } = torch.cummax(x, 0);
  const vals = await base.dataAsync();
  const gotV = await values.contiguous().dataAsync(), gotI = await indices.contiguous().dataAsync();
  for (let c = 0; c < 3; c++) {
    let best = -Infinity, at = 0;
    for (let i = 0; i < 1000; i++) {
      const v = vals[c * 1000 + i];
      if (v >= best) [best, at] = [v, i];
      assert.equal(gotV[i * 3 + c], best, `value ${i}, ${c}`);
      assert.equal(gotI[i * 3 + c], at, `index ${i}, ${c}`);
    }
  }
  // Large values do not overflow: log(sum(exp)) of [1000, 1000, ...] is 1000 + log(k).
  const big = torch.full([64], 1000, { dtype: "float32", device });
  await assertCloseAsync(
    torch.logcumsumexp(big, 0),
    Array.from({ length: 64 }, (_, k) => 1000 + Math.log(k + 1)),
    { rtol: 1e-6, atol: 0 },
  );
});

deviceTest("stats: histc and histogram skip NaN and values outside the range", async (device) => {
  const x = torch.tensor([NaN, 0, 1, 2, 3, 4, 4.5, -0.5, NaN], { dtype: "float32", device });
  await assertCloseAsync(torch.histc(x, 4, 0, 4), [1, 1, 1, 2], { rtol: 0, atol: 0 });
  const { hist } = torch.histogram(x, 4, { range: [0, 4] });
  await assertCloseAsync(hist, [1, 1, 1, 2], { rtol: 0, atol: 0 });
  const edges = torch.tensor([0, 1, 2, 4], { dtype: "float32", device });
  await assertCloseAsync(torch.histogram(x, edges).hist, [1, 1, 3], { rtol: 0, atol: 0 });
});

deviceTest("stats: renorm_ writes in place; trapz is trapezoid; msort sorts dim 0", async (device) => {
  const x = torch.tensor([[3, 4], [0.3, 0.4]], { dtype: "float32", device });
  const row = x.index(0);
  assert.equal(x.renorm_(2, 0, 1), x);
  await assertCloseAsync(row, [0.6, 0.8], { rtol: 1e-6 });
  const y = torch.tensor([[1, 3, 2], [2, 2, 5]], { dtype: "float32", device });
  await assertCloseAsync(torch.trapz(y), await torch.trapezoid(y).dataAsync(), { rtol: 0, atol: 0 });
  await assertCloseAsync(torch.msort(y), [[1, 2, 2], [2, 3, 5]], { rtol: 0, atol: 0 });
});

deviceTest("stats: bad input gets errors naming the op", async (device) => {
  const f = (v: number[] | number[][], dtype: "float32" | "int32" = "float32") =>
    torch.tensor(v, { dtype, device });
  const x = f([[1, 2, 3], [4, 5, 6]]);
  assertThrowsMsg(() => torch.cummax(x, 2), /^cummax: .*dim/);
  assertThrowsMsg(() => torch.cummin(x, 0.5), /^cummin: dim must be an integer, got a number 0.5/);
  assertThrowsMsg(
    () => torch.logcumsumexp(f([1, 2], "int32"), 0),
    /^logcumsumexp: expected a floating point tensor, got int32/,
  );
  assertThrowsMsg(
    () => torch.kthvalue(x, 4, 1),
    /^kthvalue: k must be an integer in \[1, 3\] \(the size of dim 1 of shape \[2, 3\]\), got a number 4/,
  );
  assertThrowsMsg(() => torch.kthvalue(x, 0), /^kthvalue: k must be an integer in \[1, 3\]/);
  assertThrowsMsg(
    () => torch.kthvalue(torch.zeros([0, 3], { device }), 1, 0),
    /^kthvalue: expected reduction dim 0 to have non-zero size \(input shape \[0, 3\]\)/,
  );
  assertThrowsMsg(
    () => torch.mode(torch.zeros([2, 0], { device }), 1),
    /^mode: expected a non-empty dim 1 to reduce, got shape \[2, 0\]/,
  );
  assertThrowsMsg(
    () => torch.aminmax(torch.zeros([0], { device })),
    /^aminmax: cannot compute aminmax over an empty dimension/,
  );
  assertThrowsMsg(() => torch.aminmax(x, { dim: 1.5 }), /^aminmax: dim must be an integer, got a number 1.5/);
  assertThrowsMsg(
    () => torch.stdMean(f([1, 2], "int32")),
    /^stdMean: expected a floating point tensor, got int32/,
  );
  assertThrowsMsg(
    () => torch.cov(torch.zeros([2, 2, 2], { device })),
    /^cov: expected input to have two or fewer dimensions but got an input with 3 dimensions/,
  );
  assertThrowsMsg(
    () => torch.cov(x, { fweights: f([1, 1, 1]) }),
    /^cov: expected fweights to have integral dtype but got fweights with float32 dtype/,
  );
  assertThrowsMsg(
    () => torch.cov(x, { fweights: f([1, 1], "int32") }),
    /^cov: expected fweights to have the same numel as there are observations in the input but got 2 != 3/,
  );
  assertThrowsMsg(
    () => torch.cov(x, { aweights: f([1, 1, 1], "int32") }),
    /^cov: expected aweights to have floating point dtype but got aweights with int32 dtype/,
  );
  assertThrowsMsg(
    () => torch.cov(x, { aweights: f([[1, 1, 1]]) }),
    /^cov: expected aweights to have one or fewer dimensions but got aweights with 2 dimensions/,
  );
  if (device === "cpu") {
    assertThrowsMsg(
      () => torch.cov(x, { fweights: f([1, -1, 1], "int32") }),
      /^cov: fweights cannot be negative/,
    );
    assertThrowsMsg(() => torch.cov(x, { aweights: f([1, -1, 1]) }), /^cov: aweights cannot be negative/);
    assertThrowsMsg(() => torch.histc(f([1, Infinity])), /^histc: range of \[1, Infinity\] is not finite/);
    assertThrowsMsg(() => torch.histogram(f([NaN, 1]), 3), /^histogram: range of \[NaN, NaN\] is not finite/);
    assertThrowsMsg(
      () => torch.bincount(f([1, -2, 3], "int32")),
      /^bincount: only supports 1-d non-negative integral inputs, found -2/,
    );
  } else {
    // Off the CPU the check travels with the result: reading it rejects.
    await assertRejectsMsg(
      () => torch.cov(x, { fweights: f([1, -1, 1], "int32") }).dataAsync(),
      /cov: fweights cannot be negative/,
    );
    await assertRejectsMsg(
      () => torch.histc(f([1, Infinity])).dataAsync(),
      /histc: the range of the input \[min, max\] is not finite/,
    );
    await assertRejectsMsg(
      () => torch.bincountAsync(f([1, -2, 3], "int32")),
      /^bincountAsync: only supports 1-d non-negative integral inputs, found -2/,
    );
    assertThrowsMsg(() => torch.bincount(f([1, 2], "int32")), /^bincount: .*use `await torch.bincountAsync/);
    assertThrowsMsg(
      () => torch.uniqueConsecutive(f([1, 2], "int32")),
      /^uniqueConsecutive: .*use `await torch.uniqueConsecutiveAsync/,
    );
  }
  assertThrowsMsg(
    () => torch.histc(f([1, 2], "int32")),
    /^histc: expected a floating point input, got int32/,
  );
  assertThrowsMsg(() => torch.histc(f([1, 2]), 0), /^histc: bins must be an integer > 0, got a number 0/);
  assertThrowsMsg(
    () => torch.histc(f([1, 2]), 5, 3, 1),
    /^histc: max must be larger than min, got min 3 and max 1/,
  );
  assertThrowsMsg(
    () => torch.histogram(f([1, 2]), 3, { range: [2, 1] }),
    /^histogram: min should not exceed max, but got min 2 max 1/,
  );
  assertThrowsMsg(
    () => torch.histogram(f([1, 2]), 3, { weight: f([1, 2, 3]) }),
    /^histogram: if weight tensor is provided it should have the same shape as the input tensor, but got input with shape \[2\] and weight with shape \[3\]/,
  );
  assertThrowsMsg(
    () => torch.histogram(f([1, 2]), f([[1, 2]])),
    /^histogram: bins tensor should have one dimension, but got 2 dimensions/,
  );
  assertThrowsMsg(
    () => torch.bincount(f([1, 2])),
    /^bincount: only supports 1-d non-negative integral inputs, got dtype float32/,
  );
  assertThrowsMsg(
    () => torch.bincount(f([[1, 2]], "int32")),
    /^bincount: only supports 1-d non-negative integral inputs, got shape \[1, 2\]/,
  );
  assertThrowsMsg(
    () => torch.bincount(f([1, 2], "int32"), { minlength: -1 }),
    /^bincount: minlength should be >= 0, got a number -1/,
  );
  assertThrowsMsg(
    () => torch.bincount(f([1, 2], "int32"), { weights: f([1]) }),
    /^bincount: weights should be 1-d and have the same length as input, got weights of shape \[1\] and input of shape \[2\]/,
  );
  assertThrowsMsg(
    () => torch.isin(1, 2),
    /^isin: expected elements or testElements to be a tensor, got a number 1 and a number 2 \(at most one may be a number\)/,
  );
  assertThrowsMsg(
    () => torch.isin(torch.tensor([true], { device }), f([1], "int32")),
    /^isin: unsupported input type for elements: bool/,
  );
  assertThrowsMsg(
    () => torch.pdist(torch.zeros([2, 2, 2], { device })),
    /^pdist: only supports 2D tensors, got: 3D \(shape \[2, 2, 2\]\)/,
  );
  assertThrowsMsg(
    () => torch.pdist(f([[1, 2]], "int32")),
    /^pdist: only supports floating-point dtypes, got int32/,
  );
  assertThrowsMsg(() => torch.pdist(x, -1), /^pdist: only supports non-negative p values, got a number -1/);
  assertThrowsMsg(
    () => torch.dist(f([1, 2], "int32"), f([1, 2], "int32")),
    /^dist: input dtype should be floating point, got int32 and int32/,
  );
  assertThrowsMsg(() => torch.dist(f([1, 2]), f([1, 2, 3])), /^dist: .*\[2\] and \[3\]/);
  assertThrowsMsg(
    () => torch.renorm(f([1, 2]), 2, 0, 1),
    /^renorm: input needs at least 2 dimensions, got 1 dimensions/,
  );
  assertThrowsMsg(
    () => torch.renorm(x, 0, 0, 1),
    /^renorm: non-positive-norm not supported \(p must be > 0, got a number 0\)/,
  );
  assertThrowsMsg(
    () => torch.renorm(x, 2, 0, -1),
    /^renorm: expected maxnorm to be >= 0 but got a number -1/,
  );
  assertThrowsMsg(() => torch.renorm(x, 2, 3, 1), /^renorm: .*dim/);
  assertThrowsMsg(
    () => torch.trapezoid(x, f([1, 2])),
    /^trapezoid: There must be one `x` value for each sample point: x has 2 values, y has 3 samples along dim 1 \(shape \[2, 3\]\)/,
  );
  assertThrowsMsg(
    () => torch.cumulativeTrapezoid(x, f([1, 2, 3]), { dx: 1 }),
    /^cumulativeTrapezoid: give either the sample points x or the spacing dx, not both/,
  );
  assertThrowsMsg(
    () => torch.trapz(torch.tensor(1, { device })),
    /^trapz: expected y to have at least 1 dimension, got a 0-d tensor/,
  );
  assertThrowsMsg(
    () => torch.logspace(0, 1, -2),
    /^logspace: number of steps must be non-negative, got a number -2/,
  );
  assertThrowsMsg(
    () => torch.logspace(0, 1, 3, { dtype: "bool" }),
    /^logspace: dtype must be a float dtype or int32, got bool/,
  );
  assertThrowsMsg(
    () => torch.uniqueConsecutive(f([1, 2]), { returnCounts: 1 as unknown as boolean }),
    /^uniqueConsecutive: returnCounts must be a boolean, got a number 1/,
  );
  await assertRejectsMsg(
    () => torch.uniqueConsecutiveAsync(f([1, 2]), { dim: 0.5 }),
    /^uniqueConsecutiveAsync: dim must be an integer, got a number 0.5/,
  );
});

/** Live storages (CPU: resident blocks) or bytes (GPU: the pool's live bytes) of the device. */
function live(device: Device): number {
  return device === "cpu"
    ? wasmBackend().memoryStats().residentCount
    : torch.gpu.webgpuBackend()!.liveBytes();
}

deviceTest("stats: the ops keep no temporaries (forward and backward)", (device) => {
  const opt = { dtype: "float32" as const, device };
  const x = torch.tensor([[0.3, -1.1, 2.4, 0.9], [1.7, 0.1, -0.8, 2.2], [-0.6, 0.4, 1.1, -1.9]], opt);
  const w = torch.tensor([0.5, 1, 2, 0.25], opt), fw = torch.tensor([1, 2, 0, 3], { device });
  const edges = torch.tensor([-2, 0, 1, 3], opt), ints = torch.tensor([0, 3, 3, 1], { device });
  const rounded = x.round(), weight = x.abs();
  const calls: [string, () => unknown][] = [
    ["cummax", () => torch.cummax(x, 1)],
    ["cummin", () => torch.cummin(x, 0)],
    ["logcumsumexp", () => torch.logcumsumexp(x, 1)],
    ["kthvalue", () => torch.kthvalue(x, 2)],
    ["mode", () => torch.mode(rounded)],
    ["msort", () => torch.msort(x)],
    ["aminmax", () => torch.aminmax(x, { dim: 0 })],
    ["stdMean", () => torch.stdMean(x, 1)],
    ["varMean", () => torch.varMean(x)],
    ["cov", () => torch.cov(x, { fweights: fw, aweights: w })],
    ["corrcoef", () => torch.corrcoef(x)],
    ["histc", () => torch.histc(x, 5)],
    ["histogram", () => torch.histogram(x, 4, { weight, density: true })],
    ["histogram edges", () => torch.histogram(x, edges)],
    ["isin", () => torch.isin(rounded, edges)],
    ["pdist", () => torch.pdist(x, 3)],
    ["dist", () => torch.dist(x, w)],
    ["renorm", () => torch.renorm(x, 2, 0, 1)],
    ["trapezoid", () => torch.trapezoid(x, w)],
    ["cumulativeTrapezoid", () => torch.cumulativeTrapezoid(x, { dx: 0.5 })],
  ];
  const drop = (v: unknown): void => {
    if (v instanceof torch.Tensor) v.dispose();
    else if (Array.isArray(v)) v.forEach(drop);
    else if (v && typeof v === "object") Object.values(v).forEach(drop);
  };
  if (device === "cpu") {
    calls.push(["bincount", () => torch.bincount(ints, { weights: w })]);
    calls.push([
      "uniqueConsecutive",
      () => torch.uniqueConsecutive(ints, { returnInverse: true, returnCounts: true }),
    ]);
  }
  for (const [name, fn] of calls) {
    drop(fn()); // warm: pipelines, caches
    const before = live(device);
    drop(fn());
    assert.equal(live(device), before, `${name}: live memory after the call`);
  }
  const p = torch.tensor([[0.3, -1.1, 2.4], [1.7, 0.1, -0.8]], { ...opt, requiresGrad: true });
  // Each gives [the output to differentiate, everything else it returned].
  for (
    const [name, f] of [
      ["cummax", (u: Tensor) => {
        const r = torch.cummax(u, 1);
        return [r.values, r.indices];
      }],
      ["logcumsumexp", (u: Tensor) => [torch.logcumsumexp(u, 0)]],
      ["pdist", (u: Tensor) => [torch.pdist(u)]],
      ["cov", (u: Tensor) => [torch.cov(u)]],
    ] as const
  ) {
    const round = () => {
      const outs = f(p);
      const total = outs[0].sum();
      total.backward();
      drop([total, ...outs, p.grad]);
      p.grad = null;
    };
    round();
    const before = live(device);
    round();
    assert.equal(live(device), before, `${name}: live memory after forward and backward`);
  }
});

Deno.test({
  name:
    "stats: the GPU scan kernels split long axes by the loop budget, fold wide grids and agree with the CPU's",
  ignore: !gpuAvailable,
  fn: async () => {
    // A backend allowed 64 loop iterations per invocation: rows of 300 run as 5 dispatches.
    const tight = new WebGPUBackend(torch.gpu.webgpuBackend()!.gpu, { loopBudget: 64 });
    const cpu = wasmBackend();
    const r = rng(21);
    const [outer, len, inner] = [2, 300, 3];
    const values = Float32Array.from({ length: outer * len * inner }, () => Math.round((r() - 0.5) * 40) / 4);
    values[5] = NaN;
    values[700] = NaN;
    for (const max of [true, false]) {
      const got = await tight.read(
        tight.cumExtremeIndices(tight.fromTyped(values, "float32"), outer, len, inner, max),
      );
      const want = await cpu.read(
        cpu.cumExtremeIndices(cpu.fromTyped(values, "float32"), outer, len, inner, max),
      );
      assert.deepEqual(Array.from(got), Array.from(want), `cumExtremeIndices max=${max}`);
    }
    const ints = Int32Array.from(values, (v) => (Number.isNaN(v) ? 0 : Math.round(v)));
    const gotI = await tight.read(
      tight.cumExtremeIndices(tight.fromTyped(ints, "int32"), outer, len, inner, true),
    );
    const wantI = await cpu.read(
      cpu.cumExtremeIndices(cpu.fromTyped(ints, "int32"), outer, len, inner, true),
    );
    assert.deepEqual(Array.from(gotI), Array.from(wantI), "cumExtremeIndices int32");
    const finite = values.map((v) => (Number.isNaN(v) ? -Infinity : v));
    const gotL = await tight.read(tight.logcumsumexp(tight.fromTyped(finite, "float32"), outer, len, inner));
    const wantL = await cpu.read(cpu.logcumsumexp(cpu.fromTyped(finite, "float32"), outer, len, inner));
    await assertCloseAsync(Array.from(gotL), Array.from(wantL), {
      rtol: 3e-6,
      atol: 1e-6,
      msg: "logcumsumexp",
    });
    // 3000 columns with at most 8 workgroups per grid dimension: the grid folds into two dims.
    const folded = new WebGPUBackend(torch.gpu.webgpuBackend()!.gpu, { maxWorkgroupsPerDimension: 8 });
    const wide = Float32Array.from({ length: 5 * 3000 }, () => Math.round((r() - 0.5) * 8));
    const gotF = await folded.read(
      folded.cumExtremeIndices(folded.fromTyped(wide, "float32"), 1, 5, 3000, true),
    );
    const wantF = await cpu.read(cpu.cumExtremeIndices(cpu.fromTyped(wide, "float32"), 1, 5, 3000, true));
    assert.deepEqual(Array.from(gotF), Array.from(wantF), "cumExtremeIndices on a folded grid");
    const gotFL = await folded.read(folded.logcumsumexp(folded.fromTyped(wide, "float32"), 1, 5, 3000));
    const wantFL = await cpu.read(cpu.logcumsumexp(cpu.fromTyped(wide, "float32"), 1, 5, 3000));
    await assertCloseAsync(Array.from(gotFL), Array.from(wantFL), {
      rtol: 1e-6,
      atol: 1e-6,
      msg: "logcumsumexp folded",
    });
  },
});
