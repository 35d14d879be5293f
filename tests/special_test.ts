/**
 * torch.special and the special functions at the top level (lgamma, digamma, polygamma, mvlgamma,
 * erfc, erfcx, ndtr, ndtri, logNdtr, i0/i0e/i1/i1e, igamma/igammac, xlogy, xlog1py, logit, expit,
 * sinc, entr) against PyTorch 1.13 (tools/fixtures/special_fixtures.py): values (poles, negative
 * non-integers, large arguments, float32 and float64) and gradients on both devices, grad_fn
 * names, methods and in-place forms, finite-difference gradchecks, and the errors bad input gets.
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

const fx = JSON.parse(await Deno.readTextFile(new URL("./fixtures/special.json", import.meta.url)));

type Enc = EncodedTensor;
type Arg = Enc | { scalar: number };
interface Case {
  name: string;
  fn: string;
  args: Arg[];
  out: Enc;
  grads: (Enc | null)[];
  gradFn: string | null;
}
const CASES: Case[] = fx.cases;
const isEnc = (a: Arg): a is Enc => "dtype" in a;

type Fn = (...xs: (Tensor | number)[]) => Tensor;
const T = (x: Tensor | number) => x as Tensor;
const FNS: Record<string, Fn> = {
  lgamma: (x) => torch.lgamma(T(x)),
  digamma: (x) => torch.digamma(T(x)),
  erfc: (x) => torch.erfc(T(x)),
  erfcx: (x) => torch.special.erfcx(T(x)),
  ndtr: (x) => torch.special.ndtr(T(x)),
  ndtri: (x) => torch.special.ndtri(T(x)),
  logNdtr: (x) => torch.special.logNdtr(T(x)),
  i0: (x) => torch.i0(T(x)),
  i0e: (x) => torch.special.i0e(T(x)),
  i1: (x) => torch.special.i1(T(x)),
  i1e: (x) => torch.special.i1e(T(x)),
  igamma: (a, x) => torch.igamma(T(a), T(x)),
  igammac: (a, x) => torch.igammac(T(a), T(x)),
  xlogy: (x, y) => torch.xlogy(x, y),
  xlog1py: (x, y) => torch.special.xlog1py(x, y),
  logit: (x) => torch.logit(T(x)),
  logitEps: (x) => torch.logit(T(x), 1e-3),
  expit: (x) => torch.special.expit(T(x)),
  sinc: (x) => torch.sinc(T(x)),
  entr: (x) => torch.special.entr(T(x)),
};
for (const n of [0, 1, 2, 3, 4, 5]) FNS[`polygamma${n}`] = (x) => torch.polygamma(n, T(x));
for (const p of [1, 2, 3, 5]) FNS[`mvlgamma${p}`] = (x) => torch.mvlgamma(T(x), p);

/**
 * Tolerances against PyTorch. float64 on the CPU: 1e-12 relative, with an absolute floor where a
 * function crosses zero (lgamma at 1 and 2, digamma at 1.46). Two float64 functions are looser
 * because PyTorch 1.13's own algorithm is the less accurate one (checked against mpmath): igamma
 * and igammac (Cephes' asymptotic series where a ≈ x, off by up to 1e-9 relative) and ndtr
 * (`(1 + erf(x/√2))/2`, which loses the lower tail: 0 at -10 where 7.6e-24 is right; here exact
 * to 1e-15 absolute). float32 on the CPU computes in double and rounds once, so the differences
 * are PyTorch's float arithmetic (up to 3e-7 absolute for digamma near its zero); the GPU computes
 * in float32 (and erfc-based functions through a fit of relative error 1.2e-7).
 */
function tolerance(c: Case, device: Device): { rtol: number; atol: number } {
  if (c.out.dtype === "float64") {
    if (c.fn.startsWith("igamma")) return { rtol: 1e-9, atol: 1e-14 };
    if (c.fn === "ndtr") return { rtol: 1e-12, atol: 1e-15 };
    return { rtol: 1e-12, atol: 1e-14 };
  }
  if (device === "cpu") {
    return { rtol: 4e-7, atol: c.fn === "digamma" || c.fn === "polygamma0" ? 1e-6 : 1e-7 };
  }
  return { rtol: 2e-5, atol: 2e-6 };
}

const forDevice = (device: Device, c: Case): boolean =>
  device === "cpu" || c.args.every((a) => !isEnc(a) || a.dtype !== "float64");

function args(c: Case, device: Device, grad: boolean): (Tensor | number)[] {
  return c.args.map((a, i) => isEnc(a) ? dec(a, device, grad && c.grads[i] !== null) : a.scalar);
}

deviceTest("special: values match PyTorch", async (device) => {
  let checked = 0;
  for (const c of CASES) {
    if (!forDevice(device, c) || c.gradFn !== null) continue;
    const out = FNS[c.fn](...args(c, device, false));
    assert.equal(out.dtype, c.out.dtype, `${c.name}: dtype`);
    assert.equal(out.device, device, `${c.name}: device`);
    await assertCloseAsync(out, dec(c.out), { ...tolerance(c, device), msg: c.name });
    checked++;
  }
  assert.ok(checked > (device === "cpu" ? 60 : 25), `checked ${checked} cases`);
});

deviceTest("special: gradients match PyTorch", async (device) => {
  for (const c of CASES) {
    if (c.gradFn === null) continue;
    // The GPU computes in float32: the float64 inputs of the gradient cases are moderate.
    const xs = args(c, "cpu", false).map((x, i) =>
      typeof x === "number"
        ? x
        : (device === "cpu" ? x : x.float().to(device)).requiresGrad_(c.grads[i] !== null)
    );
    const out = FNS[c.fn](...xs);
    const w = torch.linspace(0.5, 1.5, out.numel(), { dtype: out.dtype }).reshape(out.shape).to(device);
    out.mul(w).sum().backward();
    const tol = device === "cpu" ? { rtol: 1e-10, atol: 1e-12 } : { rtol: 1e-4, atol: 1e-5 };
    for (let i = 0; i < xs.length; i++) {
      const g = c.grads[i];
      if (g === null) continue;
      await assertCloseAsync((xs[i] as Tensor).grad!, dec(g), { ...tol, msg: `${c.name}: grad ${i}` });
    }
  }
});

Deno.test("special: grad_fn names are PyTorch's", () => {
  for (const c of CASES) {
    if (c.gradFn === null || c.fn === "ndtr") continue; // ndtr is a product in both libraries
    const out = FNS[c.fn](...args(c, "cpu", true));
    assert.equal(out.gradFn?.name, c.gradFn, c.name);
  }
});

Deno.test("special: finite-difference gradchecks (float64)", () => {
  const f64 = (v: number[]) => torch.tensor(v, { dtype: "float64", requiresGrad: true });
  const x = () => f64([0.3, 1.7, 4.2, -0.6]);
  const p = () => f64([0.05, 0.4, 0.93]);
  const opts = { eps: 1e-6, atol: 1e-7, rtol: 1e-6 };
  gradcheck((t) => torch.lgamma(t), [x()], { ...opts, msg: "lgamma" });
  gradcheck((t) => torch.digamma(t), [x()], { ...opts, msg: "digamma" });
  for (const n of [1, 2, 3]) {
    gradcheck((t) => torch.polygamma(n, t), [x()], { ...opts, msg: `polygamma ${n}` });
  }
  gradcheck((t) => torch.mvlgamma(t, 4), [f64([1.6, 3.1, 9])], { ...opts, msg: "mvlgamma" });
  gradcheck((t) => torch.erfc(t), [x()], { ...opts, msg: "erfc" });
  gradcheck((t) => torch.special.erfcx(t), [x()], { ...opts, msg: "erfcx" });
  gradcheck((t) => torch.special.ndtr(t), [x()], { ...opts, msg: "ndtr" });
  gradcheck((t) => torch.special.ndtri(t), [p()], { ...opts, msg: "ndtri" });
  gradcheck((t) => torch.special.logNdtr(t), [f64([-9, -1.2, 0.4, 3])], { ...opts, msg: "logNdtr" });
  for (const name of ["i0", "i0e", "i1", "i1e"] as const) {
    gradcheck((t) => FNS[name](t), [f64([-2.5, -0.3, 0.7, 5, 12])], { ...opts, msg: name });
  }
  const a = torch.tensor([0.7, 2, 5.5], { dtype: "float64" });
  gradcheck((t) => torch.igamma(a, t), [f64([0.4, 2.2, 7])], { ...opts, msg: "igamma" });
  gradcheck((t) => torch.igammac(a, t), [f64([0.4, 2.2, 7])], { ...opts, msg: "igammac" });
  gradcheck((s, t) => torch.xlogy(s, t), [f64([-1.5, 0.5, 2]), f64([0.3, 1.5, 4])], {
    ...opts,
    msg: "xlogy",
  });
  gradcheck((s, t) => torch.special.xlog1py(s, t), [f64([-1.5, 0.5, 2]), f64([-0.3, 1.5, 4])], {
    ...opts,
    msg: "xlog1py",
  });
  gradcheck((t) => torch.logit(t), [p()], { ...opts, msg: "logit" });
  gradcheck((t) => torch.sinc(t), [x()], { ...opts, msg: "sinc" });
  gradcheck((t) => torch.special.entr(t), [f64([0.2, 1.3, 4])], { ...opts, msg: "entr" });
});

Deno.test("special: higher derivatives climb the polygamma chain (createGraph)", () => {
  const x = torch.tensor([0.6, 2.5, 7], { dtype: "float64", requiresGrad: true });
  const [d1] = torch.autograd.grad(torch.lgamma(x).sum(), x, { createGraph: true });
  const [d2] = torch.autograd.grad(d1!.sum(), x, { createGraph: true });
  const [d3] = torch.autograd.grad(d2!.sum(), x);
  const v = x.detach();
  assert.deepEqual(d1!.toArray(), torch.digamma(v).toArray());
  assert.deepEqual(d2!.toArray(), torch.polygamma(1, v).toArray());
  assert.deepEqual(d3!.toArray(), torch.polygamma(2, v).toArray());
});

deviceTest("special: methods, in-place forms and the special namespace's aliases", async (device) => {
  const x = torch.tensor([0.75, 1.5, 3], { device });
  const same = async (a: Tensor, b: Tensor, msg: string) => {
    assert.deepEqual(await a.toArrayAsync(), await b.toArrayAsync(), msg);
  };
  await same(x.lgamma(), torch.lgamma(x), "lgamma");
  await same(torch.special.gammaln(x), torch.lgamma(x), "gammaln");
  await same(x.digamma(), torch.digamma(x), "digamma");
  await same(torch.special.psi(x), torch.digamma(x), "psi");
  await same(torch.special.digamma(x), torch.digamma(x), "special.digamma");
  await same(x.polygamma(2), torch.polygamma(2, x), "polygamma");
  await same(torch.special.polygamma(2, x), torch.polygamma(2, x), "special.polygamma");
  await same(x.mvlgamma(2), torch.mvlgamma(x, 2), "mvlgamma");
  await same(torch.special.multigammaln(x, 2), torch.mvlgamma(x, 2), "multigammaln");
  await same(x.erfc(), torch.erfc(x), "erfc");
  await same(torch.special.erfc(x), torch.erfc(x), "special.erfc");
  await same(x.i0(), torch.i0(x), "i0");
  await same(torch.special.i0(x), torch.i0(x), "special.i0");
  await same(x.xlogy(2), torch.xlogy(x, 2), "xlogy");
  await same(torch.special.xlogy(x, x), torch.xlogy(x, x), "special.xlogy");
  await same(x.div(4).logit(), torch.logit(x.div(4)), "logit");
  await same(torch.special.logit(x.div(4), 0.2), torch.logit(x.div(4), 0.2), "special.logit");
  await same(x.sinc(), torch.sinc(x), "sinc");
  await same(torch.special.sinc(x), torch.sinc(x), "special.sinc");
  await same(x.igamma(x), torch.igamma(x, x), "igamma");
  await same(x.igammac(x), torch.igammac(x, x), "igammac");
  await same(torch.special.gammainc(x, x), torch.igamma(x, x), "gammainc");
  await same(torch.special.gammaincc(x, x), torch.igammac(x, x), "gammaincc");
  await same(torch.special.expit(x), torch.sigmoid(x), "expit");
  await same(torch.special.erf(x), torch.erf(x), "special.erf");
  await same(torch.special.erfinv(x.div(4)), torch.erfinv(x.div(4)), "special.erfinv");
  await same(torch.special.exp2(x), torch.exp2(x), "special.exp2");
  await same(torch.special.expm1(x), torch.expm1(x), "special.expm1");
  await same(torch.special.log1p(x), torch.log1p(x), "special.log1p");
  await same(torch.special.round(x), torch.round(x), "special.round");
  await same(torch.special.logsumexp(x, 0), torch.logsumexp(x, 0), "special.logsumexp");
  await same(torch.special.softmax(x, 0), torch.softmax(x, 0), "special.softmax");
  await same(torch.special.logSoftmax(x, 0), torch.logSoftmax(x, 0), "special.logSoftmax");
  const ones = torch.ones(3, { device });
  const inPlace: [string, (t: Tensor) => Tensor, (t: Tensor) => Tensor][] = [
    ["lgamma_", (t) => t.lgamma_(), (t) => t.lgamma()],
    ["digamma_", (t) => t.digamma_(), (t) => t.digamma()],
    ["polygamma_", (t) => t.polygamma_(3), (t) => t.polygamma(3)],
    ["mvlgamma_", (t) => t.mvlgamma_(2), (t) => t.mvlgamma(2)],
    ["erfc_", (t) => t.erfc_(), (t) => t.erfc()],
    ["i0_", (t) => t.i0_(), (t) => t.i0()],
    ["xlogy_", (t) => t.xlogy_(3), (t) => t.xlogy(3)],
    ["logit_", (t) => t.logit_(0.1), (t) => t.logit(0.1)],
    ["sinc_", (t) => t.sinc_(), (t) => t.sinc()],
    ["igamma_", (t) => t.igamma_(ones), (t) => t.igamma(ones)],
    ["igammac_", (t) => t.igammac_(ones), (t) => t.igammac(ones)],
  ];
  for (const [name, inplace, outOfPlace] of inPlace) {
    const t = x.clone();
    const expected = outOfPlace(t);
    assert.equal(inplace(t), t, `${name} returns this`);
    await same(t, expected, name);
  }
});

deviceTest("special: integer inputs compute in float32; empty and 0-d tensors", async (device) => {
  const i = torch.tensor([1, 2, 3], { device });
  assert.equal(torch.lgamma(i).dtype, "float32");
  assert.equal(torch.special.i1e(i).dtype, "float32");
  assert.equal(torch.xlogy(i, i).dtype, "float32");
  assert.equal(torch.igamma(i, i).dtype, "float32");
  await assertCloseAsync(torch.lgamma(i), [0, 0, Math.log(2)], { atol: 1e-6 });
  assert.deepEqual(torch.digamma(torch.zeros(0, { device })).shape, [0]);
  assert.deepEqual(torch.igamma(torch.zeros(0, 2, { device }), torch.ones(2, { device })).shape, [0, 2]);
  const s = torch.polygamma(1, torch.tensor(1, { device }));
  assert.deepEqual(s.shape, []);
  await assertCloseAsync(s.reshape(1), [Math.PI ** 2 / 6], { rtol: 1e-6 });
  // A non-contiguous view.
  const m = torch.tensor([[0.5, 1], [2, 4]], { device }).t();
  await assertCloseAsync(torch.lgamma(m), torch.lgamma(m.contiguous()), { rtol: 0, atol: 0 });
});

deviceTest("special: bad input gets clear errors", async (device) => {
  const x = torch.tensor([1, 2], { device });
  assertThrowsMsg(() => torch.polygamma(-1, x), /polygamma: .*negative n, got n = -1/);
  assertThrowsMsg(() => torch.polygamma(1.5, x), /polygamma: n must be an integer, got 1\.5/);
  assertThrowsMsg(
    () => torch.lgamma([1, 2] as unknown as Tensor),
    /lgamma: argument 'input' must be a tensor/,
  );
  assertThrowsMsg(() => torch.igamma(x, 2 as unknown as Tensor), /igamma: argument 'other' must be a tensor/);
  assertThrowsMsg(() => torch.xlogy(2 as unknown as Tensor, 3), /xlogy: expected at least one tensor/);
  assertThrowsMsg(() => torch.logit(x, "0.1" as unknown as number), /logit: eps must be a number/);
  assertThrowsMsg(() => torch.mvlgamma(x, 0), /mvlgamma: p has to be greater than or equal to 1, got 0/);
  assertThrowsMsg(() => torch.igamma(x, torch.ones(3, { device })), /igamma.*\[2\].*\[3\]/);
  const bad = torch.tensor([3, 1.5], { device });
  if (device === "cpu") {
    assertThrowsMsg(
      () => torch.mvlgamma(bad, 4),
      /mvlgamma: all elements must be greater than \(p-1\)\/2 = 1\.5, found 1\.5/,
    );
  } else {
    await assertRejectsMsg(
      () => torch.mvlgamma(bad, 4).toArrayAsync(),
      /mvlgamma: all elements must be greater than \(p-1\)\/2 = 1\.5/,
    );
  }
  const a = torch.tensor([1, 2], { device, requiresGrad: true });
  const out = torch.igamma(a, torch.tensor([1, 1], { device }));
  assertThrowsMsg(
    () => out.sum().backward(),
    /igamma: the derivative with respect to 'input' \(a\) is not implemented/,
  );
});
