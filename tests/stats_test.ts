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
} from "./helpers.ts";
import { deviceTest } from "./devices.ts";

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
  const dimOpts = { ...(kw.dim !== undefined ? { dim: kw.dim as number } : {}), keepdim: kw.keepdim as boolean };
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
      const r = method ? a.kthvalue(kw.k as number, dimOpts) : torch.kthvalue(a, kw.k as number, kw.dim as number, {
        keepdim: kw.keepdim as boolean,
      });
      return [r.values, r.indices];
    }
    case "mode": {
      const r = method ? a.mode(dimOpts) : torch.mode(a, kw.dim as number, { keepdim: kw.keepdim as boolean });
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
      const o = { correction: kw.correction as number, unbiased: kw.unbiased as boolean, keepdim: kw.keepdim as boolean };
      return kw.dim === undefined ? torch[c.op](a, o) : torch[c.op](a, kw.dim as number | number[], o);
    }
    case "countNonzero": {
      const dim = kw.dim as number | number[] | undefined;
      return method ? a.countNonzero(dim) : torch.countNonzero(a, dim);
    }
    case "cov": {
      const o = { correction: kw.correction as number, fweights: named("fweights"), aweights: named("aweights") };
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
      const o = { range: kw.range as [number, number], weight: named("weight"), density: kw.density as boolean };
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
      const o = { returnInverse: kw.returnInverse as boolean, returnCounts: kw.returnCounts as boolean, dim: kw.dim as number };
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
      return { rtol: 4e-6, atol: 2e-6 };
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
          a === null ? null : isEnc(a) ? dec(a, device, c.grads !== null && a.dtype.startsWith("float")) : a.scalar
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
          total.backward();
          for (const [i, g] of c.grads.entries()) {
            const x = xs[i];
            if (g === null) {
              assert.ok(!(x instanceof torch.Tensor) || x.grad === null, `${msg}: input ${i} has no gradient`);
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
