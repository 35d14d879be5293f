/**
 * The erf and exact-GELU kernels (assembly/gelu.ts on the CPU, f_erf / f_gelu / f_gelu_derivative
 * of wgsl/elementwise_math.wgsl on the GPU): `torch.erf`, `F.gelu` and GELU's gradient against
 * float64 references from PyTorch 1.13 (tools/fixtures/gelu_fixtures.py -> tests/fixtures/gelu.json),
 * tails included, where PyTorch's own float32 GELU returns 0; PyTorch's values at ±inf and NaN;
 * the tanh approximation's kernels (its formula in PyTorch's order) against PyTorch's own values;
 * and the second derivatives (`createGraph`) against finite differences.
 */
import * as torch from "../mod.ts";
import type { Device, Tensor } from "../mod.ts";
import { assert, type EncodedTensor, fixtureNumber, fixtureTensor, gradcheck } from "./helpers.ts";
import { deviceTest } from "./devices.ts";

const F = torch.nn.functional;

interface Case {
  name: string;
  x: EncodedTensor;
  erf: EncodedTensor;
  gelu: EncodedTensor;
  gelu_grad: EncodedTensor;
}

const fx = JSON.parse(await Deno.readTextFile(new URL("./fixtures/gelu.json", import.meta.url))) as {
  cases: Case[];
  tanh: { name: string; x: EncodedTensor; gelu: EncodedTensor; gelu_grad: EncodedTensor }[];
  nonfinite: { x: EncodedTensor; erf: EncodedTensor; gelu: EncodedTensor; gelu_grad: EncodedTensor };
};

/** Error bounds `atol + rtol·|reference|` per function, dtype and device. */
function bounds(
  fn: "erf" | "gelu" | "gelu_grad",
  dtype: string,
  device: Device,
): { atol: number; rtol: number } {
  // (GELU's gradient crosses 0 near x = -0.75, where Φ(x) and x·φ(x) cancel: an absolute bound.)
  if (dtype === "float64") {
    return { atol: fn === "gelu_grad" ? 1e-16 : 1e-300, rtol: fn === "erf" ? 2e-15 : 1e-13 };
  }
  // float32 subnormals: the CPU keeps them, GPUs may flush them to zero.
  const tiny = device === "cpu" ? 1e-44 : 1.2e-38;
  // GELU's relative error grows with x² in the lower tail (x/√2 is rounded before erfc); at
  // x = -12, where GELU is -2e-32, it is 1e-5 on the CPU. The GPU's exp is not given the split
  // square, so its tail is a few times looser.
  if (fn === "erf") return { atol: 2e-7, rtol: 3e-7 };
  if (fn === "gelu") return { atol: tiny, rtol: device === "cpu" ? 2e-5 : 2e-4 };
  return { atol: 3e-7, rtol: device === "cpu" ? 3e-6 : 2e-5 };
}

function check(actual: ArrayLike<number>, ref: EncodedTensor, x: EncodedTensor, what: string, b: {
  atol: number;
  rtol: number;
}): void {
  let worst = 0, at = -1;
  for (let i = 0; i < actual.length; i++) {
    const r = fixtureNumber(ref.values[i]);
    const excess = Math.abs(actual[i] - r) / (b.atol + b.rtol * Math.abs(r));
    if (!(excess <= worst)) {
      worst = excess;
      at = i;
    }
  }
  assert.ok(
    worst <= 1,
    `${what}: at x = ${fixtureNumber(x.values[at])} got ${actual[at]}, reference ${
      fixtureNumber(ref.values[at])
    } (${worst.toFixed(2)}x the bound atol ${b.atol} + rtol ${b.rtol}·|ref|)`,
  );
}

deviceTest(
  "erf / gelu / gelu's gradient kernels match float64 references (tails included)",
  async (device) => {
    let ran = 0;
    for (const c of fx.cases) {
      if (device !== "cpu" && c.x.dtype !== "float32") continue;
      const x = fixtureTensor(c.x, device, true);
      const y = F.gelu(x);
      y.backward(torch.onesLike(y));
      const got = {
        erf: await torch.erf(x.detach()).dataAsync(),
        gelu: await y.detach().dataAsync(),
        gelu_grad: await x.grad!.dataAsync(),
      };
      for (const fn of ["erf", "gelu", "gelu_grad"] as const) {
        check(got[fn], c[fn], c.x, `${c.name}: ${fn}`, bounds(fn, c.x.dtype, device));
      }
      ran++;
    }
    assert.ok(ran >= 3);
  },
);

deviceTest("gelu(x, { approximate: 'tanh' }) and its gradient give PyTorch's values", async (device) => {
  let ran = 0;
  for (const c of fx.tanh) {
    if (device !== "cpu" && c.x.dtype !== "float32") continue;
    const x = fixtureTensor(c.x, device, true);
    const y = F.gelu(x, { approximate: "tanh" });
    assert.strictEqual(y.gradFn?.name, "GeluBackward0");
    y.backward(torch.onesLike(y));
    // PyTorch's float32 result of the same formula: a few ulp apart at most (tanh's own ulps; the
    // relaxed-SIMD build may fuse a multiply-add), absolutely where 1 + tanh cancels. The gradient's
    // 1 - tanh² is float32 noise where tanh nears -1 (x about -5, where PyTorch's tanh has saturated
    // to -1 and its gradient is 0 while the true one is -6e-7): 2e-6 absolute there (float64: 1e-14).
    const f64 = c.x.dtype === "float64";
    const value = f64 ? { atol: 1e-15, rtol: 1e-14 } : { atol: 2e-7, rtol: 1e-6 };
    const gradient = f64 ? { atol: 1e-14, rtol: 1e-14 } : { atol: 2e-6, rtol: 1e-6 };
    check(await y.detach().dataAsync(), c.gelu, c.x, `${c.name}: tanh gelu`, value);
    check(await x.grad!.dataAsync(), c.gelu_grad, c.x, `${c.name}: tanh gelu grad`, gradient);
    ran++;
  }
  assert.ok(ran >= 2);
});

deviceTest("erf / gelu at ±inf and NaN give PyTorch's values", async (device) => {
  const nf = fx.nonfinite;
  const x = fixtureTensor(nf.x, device, true);
  const y = F.gelu(x);
  y.backward(torch.onesLike(y));
  const same = (a: ArrayLike<number>, e: EncodedTensor, what: string) =>
    assert.deepStrictEqual(Array.from(a), e.values.map(fixtureNumber), what);
  same(await torch.erf(x.detach()).dataAsync(), nf.erf, "erf");
  same(await y.detach().dataAsync(), nf.gelu, "gelu");
  same(await x.grad!.dataAsync(), nf.gelu_grad, "gelu grad");
});

Deno.test("gelu's second derivative (createGraph) matches finite differences; names as PyTorch", () => {
  const x = torch.tensor([-3.1, -0.75, -0.2, 0, 0.4, 1.3, 2.9], { dtype: "float64", requiresGrad: true });
  const y = F.gelu(x);
  assert.strictEqual(y.gradFn?.name, "GeluBackward0");
  // gradcheck's shifted copies need no grad and run under noGrad: give them a graph of their own.
  const firstDerivative = (t: Tensor) =>
    torch.enableGrad(() => {
      const u = t.requiresGrad ? t : t.detach().requiresGrad_(true);
      return torch.autograd.grad(F.gelu(u).sum(), u, { createGraph: true })[0]!;
    });
  assert.strictEqual(firstDerivative(x).gradFn?.name, "MulBackward0");
  gradcheck(firstDerivative, [x], { eps: 1e-6, atol: 1e-8, rtol: 1e-6, msg: "gelu''" });
  gradcheck((t) => F.gelu(t), [x], { eps: 1e-6, atol: 1e-9, rtol: 1e-7, msg: "gelu'" });
  const tanhFirstDerivative = (t: Tensor) =>
    torch.enableGrad(() => {
      const u = t.requiresGrad ? t : t.detach().requiresGrad_(true);
      return torch.autograd.grad(F.gelu(u, { approximate: "tanh" }).sum(), u, { createGraph: true })[0]!;
    });
  gradcheck(tanhFirstDerivative, [x], { eps: 1e-6, atol: 1e-8, rtol: 1e-6, msg: "tanh gelu''" });
  gradcheck((t) => F.gelu(t, { approximate: "tanh" }), [x], {
    eps: 1e-6,
    atol: 1e-9,
    rtol: 1e-7,
    msg: "tanh gelu'",
  });
  gradcheck((t) => torch.erf(t), [x], { eps: 1e-6, atol: 1e-9, rtol: 1e-7, msg: "erf'" });
});

Deno.test("erf of integers is float32, gelu of float16 stays float16 (as PyTorch)", () => {
  assert.strictEqual(torch.erf(torch.tensor([-1, 0, 2])).dtype, "float32");
  const h = torch.tensor([-1, 0.5, 2], { dtype: "float16" });
  assert.strictEqual(F.gelu(h).dtype, "float16");
  const want = F.gelu(h.float()).toArray() as number[];
  (F.gelu(h).float().toArray() as number[]).forEach((v, k) => assert.ok(Math.abs(v - want[k]) < 2e-3));
});
