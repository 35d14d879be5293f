/**
 * complex64 (src/complex/): forward values and gradients against PyTorch 1.13
 * (tools/fixtures/complex_fixtures.py -> tests/fixtures/complex.json) on both devices, finite
 * differences of the real and imaginary parts, views sharing storage, PyTorch's view_as_complex
 * rules, creation, reads, printing, promotion tables and safetensors round trips.
 */
import * as assert from "node:assert/strict";
import * as torch from "../mod.ts";
import type { Tensor } from "../mod.ts";
import type { Device } from "../src/backends/backend.ts";
import { deviceTest } from "./devices.ts";
import {
  assertCloseAsync,
  assertThrowsMsg,
  type EncodedTensor,
  fixtureTensor,
  gradcheck,
} from "./helpers.ts";

interface Enc extends EncodedTensor {
  complex?: boolean;
}
interface Case {
  name: string;
  inputs: Enc[];
  out: Enc;
  grads: (Enc | null)[];
  grad: boolean;
}
const fx = JSON.parse(await Deno.readTextFile(new URL("./fixtures/complex.json", import.meta.url))) as {
  cases: Case[];
  prints: { value: Enc; requires_grad: boolean; str: string }[];
  promote: [string, string, string, boolean, boolean][];
};

/** A fixture tensor (complex ones decoded from their view_as_real), a leaf on `device`. */
function decode(e: Enc, device: Device = "cpu"): Tensor {
  const t = fixtureTensor(e, device);
  return e.complex ? torch.viewAsComplex(t) : t;
}

type Fn = (...xs: Tensor[]) => Tensor;
const cond = (device: Device) => torch.tensor([[true, false, true], [false, true, false]], { device });
const OPS: Record<string, (device: Device) => Fn> = {
  "add": () => (a, b) => torch.add(a, b),
  "sub": () => (a, b) => torch.sub(a, b),
  "mul": () => (a, b) => torch.mul(a, b),
  "div": () => (a, b) => torch.div(a, b),
  "add real broadcast": () => (a, b) => a.add(b),
  "mul real first": () => (a, b) => a.mul(b),
  "div by real": () => (a, b) => a.div(b),
  "div real by complex": () => (a, b) => a.div(b),
  "sub real by complex": () => (a, b) => a.sub(b),
  "add number": () => (z) => z.add(2.5),
  "mul number": () => (z) => z.mul(-1.5),
  "div number": () => (z) => z.div(2),
  "number over complex": () => (z) => torch.div(2, z),
  "broadcast [2,1] and [3]": () => (a, b) => a.mul(b),
  "neg": () => (z) => z.neg(),
  "reciprocal": () => (z) => z.reciprocal(),
  "exp": () => (z) => z.exp(),
  "log": () => (z) => z.log(),
  "sqrt": () => (z) => z.sqrt(),
  "square": () => (z) => z.square(),
  "abs": () => (z) => z.abs(),
  "angle": () => (z) => z.angle(),
  "sgn": () => (z) => z.sgn(),
  "conj": () => (z) => z.conj(),
  "conj_physical": () => (z) => torch.conjPhysical(z),
  "pow 2.5": () => (z) => z.pow(2.5),
  "pow 2": () => (z) => z.pow(2),
  "pow complex exponent": () => (a, b) => a.pow(b),
  "sum": () => (z) => z.sum(),
  "sum dim 1": () => (z) => z.sum(1),
  "sum dim -2 keepdim": () => (z) => z.sum(-2, { keepdim: true }),
  "mean": () => (z) => z.mean(),
  "mean dim 0": () => (z) => z.mean(0),
  "matmul": () => (a, b) => a.matmul(b),
  "matmul batched broadcast": () => (a, b) => torch.matmul(a, b),
  "mm": () => (a, b) => torch.mm(a, b),
  "bmm": () => (a, b) => torch.bmm(a, b),
  "matmul vector": () => (a, b) => torch.matmul(a, b),
  "dot": () => (a, b) => torch.dot(a, b),
  "vdot": () => (a, b) => torch.vdot(a, b),
  "where": (device) => (a, b) => torch.where(cond(device), a, b),
  "cat": () => (a, b) => torch.cat([a, b], 1),
  "stack": () => (a, b) => torch.stack([a, b], -1),
  "flip": () => (z) => z.flip([0, 1]),
  "transpose contiguous": () => (z) => z.t().contiguous(),
  "reshape of a transpose": () => (z) => z.t().reshape(6),
  "index": () => (z) => z.index(1, "1:"),
  "expand then sum": () => (z) => z.expand(4, 2, 3).sum(0),
  "real": () => (z) => z.real.mul(1),
  "imag": () => (z) => z.imag.mul(1),
  "view_as_real": () => (z) => torch.viewAsReal(z).mul(1),
  "view_as_complex": () => (t) => torch.viewAsComplex(t).mul(1),
  "complex": () => (a, b) => torch.complex(a, b),
  "polar": () => (a, b) => torch.polar(a, b),
  "abs angle chain": () => (z) => z.abs().mul(z.angle()).exp(),
  "real to complex": () => (t) =>
    t.to("complex64").mul(torch.complex(torch.ones(1), torch.full([1], 2)).to(t.device)),
  "eq": () => (a, b) => a.eq(b),
  "ne": () => (a, b) => a.ne(b),
  "isfinite": () => (z) => z.isfinite(),
  "isnan": () => (z) => z.isnan(),
  "isinf": () => (z) => z.isinf(),
  "isclose": () => (a, b) => torch.isclose(a, b, { rtol: 1e-3, atol: 1e-4 }),
  "mul complex broadcast": () => (a, b) => torch.mul(a, b),
  "mul complex 37": () => (a, b) => a.mul(b),
  "mul by conj": () => (a, b) => a.mul(b.conj()),
};

/** The real values of `t` (a complex tensor's view_as_real). */
const realOf = (t: Tensor) => (t.dtype === "complex64" ? torch.viewAsReal(t) : t);

deviceTest("complex64 ops: values and gradients match PyTorch 1.13", async (device) => {
  assert.deepEqual(Object.keys(OPS).sort(), fx.cases.map((c) => c.name).sort());
  for (const c of fx.cases) {
    const fn = OPS[c.name](device);
    const inputs = c.inputs.map((e) => {
      const t = decode(e, device);
      const grads = c.grad && (t.dtype === "float32" || t.dtype === "complex64");
      return grads ? t.requiresGrad_(true) : t;
    });
    const out = fn(...inputs);
    const msg = `${c.name} on ${device}`;
    assert.equal(out.dtype, c.out.complex ? "complex64" : c.out.dtype, `${msg}: dtype`);
    const want = decode(c.out);
    assert.deepEqual(out.shape, want.shape, `${msg}: shape`);
    await assertCloseAsync(realOf(out), realOf(want), { rtol: 2e-5, atol: 2e-5, msg });
    if (!c.grad || !c.grads.some((g) => g !== null)) continue;
    const r = realOf(out);
    const w = torch.linspace(0.5, 1.5, r.numel(), { device }).reshape([...r.shape]);
    r.mul(w).sum().backward();
    for (let i = 0; i < inputs.length; i++) {
      const g = c.grads[i];
      if (g === null) continue;
      const got = inputs[i].grad;
      assert.ok(got !== null, `${msg}: input ${i} has a gradient`);
      assert.equal(got.dtype, g.complex ? "complex64" : g.dtype, `${msg}: grad ${i} dtype`);
      await assertCloseAsync(realOf(got), realOf(decode(g)), {
        rtol: 1e-4,
        atol: 2e-5,
        msg: `${msg}: grad ${i}`,
      });
    }
  }
});

Deno.test("complex64 gradients: finite differences of the real and imaginary parts", () => {
  const gen = new torch.Generator(7);
  const z = () => torch.randn([2, 3, 2], { generator: gen }).add(0.3).requiresGrad_(true);
  const c = (r: Tensor) => torch.viewAsComplex(r);
  const checks: [string, (...rs: Tensor[]) => Tensor, number][] = [
    ["mul", (a, b) => torch.viewAsReal(c(a).mul(c(b))), 2],
    ["div", (a, b) => torch.viewAsReal(c(a).div(c(b))), 2],
    ["exp", (a) => torch.viewAsReal(c(a).exp()), 1],
    ["log", (a) => torch.viewAsReal(c(a).log()), 1],
    ["sqrt", (a) => torch.viewAsReal(c(a).sqrt()), 1],
    ["abs", (a) => c(a).abs(), 1],
    ["angle", (a) => c(a).angle(), 1],
    ["pow 1.5", (a) => torch.viewAsReal(c(a).pow(1.5)), 1],
    ["matmul", (a, b) => torch.viewAsReal(c(a).matmul(c(b).T)), 2],
    ["sum", (a) => torch.viewAsReal(c(a).sum(0)), 1],
  ];
  for (const [name, fn, n] of checks) {
    const inputs = Array.from({ length: n }, z);
    gradcheck(fn, inputs, { eps: 1e-2, atol: 5e-3, rtol: 2e-2, msg: name });
  }
  // The convention on a complex leaf: d|z|/dz = z / |z|.
  const leaf = torch.complex(torch.tensor([3, -1]).float(), torch.tensor([4, 2]).float()).requiresGrad_(true);
  leaf.abs().sum().backward();
  const g = leaf.grad!.toArray() as number[][];
  const want = [[0.6, 0.8], [-1 / Math.sqrt(5), 2 / Math.sqrt(5)]];
  g.flat().forEach((v, i) => assert.ok(Math.abs(v - want.flat()[i]) < 1e-6, `${v} vs ${want.flat()[i]}`));
  // A complex scalar's implicit gradient is 1+0j (PyTorch 1.13), or one is passed.
  leaf.grad = null;
  leaf.mul(2).sum().backward();
  assert.deepEqual(leaf.grad!.toArray(), [[2, 0], [2, 0]]);
  leaf.grad = null;
  leaf.mul(2).sum().backward(torch.complex(torch.zeros([]), torch.ones([])));
  assert.deepEqual(leaf.grad!.toArray(), [[0, 2], [0, 2]]);
  // At 0, abs and angle have a zero gradient (PyTorch 1.13), not NaN.
  const origin = torch.zeros([2], { dtype: "complex64", requiresGrad: true });
  origin.abs().sum().add(origin.angle().sum()).backward();
  assert.deepEqual([origin.abs().toArray(), origin.angle().toArray()], [[0, 0], [0, 0]]);
  assert.deepEqual(origin.grad!.toArray(), [[0, 0], [0, 0]]);
});

deviceTest("viewAsReal / viewAsComplex / real / imag are views; PyTorch's layout rules", async (device) => {
  const z = torch.complex(torch.tensor([1, 3]).float(), torch.tensor([2, -1]).float()).to(device);
  const r = torch.viewAsReal(z);
  assert.deepEqual([r.shape, r.stride(), r.dtype], [[2, 2], [2, 1], "float32"]);
  r.index(1, 0).fill_(7);
  z.imag.index(0).fill_(-5);
  assert.deepEqual(await z.toArrayAsync(), [[1, -5], [7, -1]]);
  assert.deepEqual(await z.real.toArrayAsync(), [1, 7]);
  const x = torch.ones(2, { device });
  assert.equal(x.real, x);
  assertThrowsMsg(() => x.imag, /imag is not implemented for tensors with non-complex dtypes/);
  assertThrowsMsg(() => torch.viewAsReal(x), /view_as_real is only supported for complex tensors/);
  const m = torch.zeros([4, 2], { device });
  assert.deepEqual(torch.viewAsComplex(m.index("::2")).stride(), [2]);
  assertThrowsMsg(() => torch.viewAsComplex(torch.zeros([3, 3], { device })), /last dimension of size 2/);
  assertThrowsMsg(
    () => torch.viewAsComplex(torch.zeros([2, 2], { device }).T),
    /last dimension with stride 1/,
  );
  assertThrowsMsg(
    () => torch.viewAsComplex(torch.zeros([3, 3], { device }).index(":", ":2")),
    /stride divisible by 2/,
  );
  assertThrowsMsg(
    () => torch.viewAsComplex(torch.zeros(5, { device }).index("1:").view(2, 2)),
    /storage_offset divisible by 2/,
  );
  assertThrowsMsg(() => torch.viewAsComplex(torch.zeros([], { device })), /one or more dimensions/);
  assertThrowsMsg(
    () => torch.viewAsComplex(torch.zeros([2], { dtype: "int32", device })),
    /scalar type: Int/,
  );
  // Views of a complex tensor keep complex64 and count complex elements.
  const big = torch.viewAsComplex(torch.arange(24, { device }).float().reshape(3, 4, 2));
  const v = big.T.index(1).unsqueeze(0);
  assert.deepEqual([v.dtype, v.shape, v.stride()], ["complex64", [1, 3], [12, 4]]);
  assert.deepEqual(await v.toArrayAsync(), [[[2, 3], [10, 11], [18, 19]]]);
  const parts = big.chunk(3, 0).map((p) => p.squeeze(0).narrow(0, 1, 2).select(0, 1).flatten());
  assert.deepEqual(await parts[2].toArrayAsync(), [[20, 21]]);
  assert.deepEqual(await big.permute(1, 0).reshape(-1).index("-1:").toArrayAsync(), [[22, 23]]);
  assert.deepEqual(await big.split(2, 1)[1].contiguous().toArrayAsync(), [
    [[4, 5], [6, 7]],
    [[12, 13], [14, 15]],
    [[20, 21], [22, 23]],
  ]);
});

deviceTest("complex64 creation, reads and device moves", async (device) => {
  const opts = { dtype: "complex64" as const, device };
  assert.deepEqual(await torch.zeros([2], opts).toArrayAsync(), [[0, 0], [0, 0]]);
  assert.deepEqual(await torch.ones([1, 2], opts).toArrayAsync(), [[[1, 0], [1, 0]]]);
  assert.deepEqual(await torch.full([2], 2.5, opts).toArrayAsync(), [[2.5, 0], [2.5, 0]]);
  assert.deepEqual(await torch.empty(3, opts).toArrayAsync(), [[0, 0], [0, 0], [0, 0]]);
  assert.deepEqual(await torch.tensor([1, -2], opts).toArrayAsync(), [[1, 0], [-2, 0]]);
  const z = torch.complex(torch.tensor([1]).float(), torch.tensor([2]).float()).to(device);
  for (const like of [torch.zerosLike(z), torch.onesLike(z), torch.emptyLike(z), torch.randnLike(z)]) {
    assert.deepEqual([like.dtype, like.shape, like.device], ["complex64", [1], device]);
  }
  assert.deepEqual(Array.from(await torch.viewAsReal(z).dataAsync()), [1, 2]);
  await assert.rejects(() => z.dataAsync(), /complex64 tensor has no typed array of its own/);
  if (device === "cpu") {
    assertThrowsMsg(() => z.item(), /complex64 value has no JavaScript number/);
    assertThrowsMsg(() => z.dataSync(), /complex64 tensor has no typed array of its own/);
  }
  const back = await z.toAsync("cpu");
  assert.deepEqual([back.dtype, back.toArray()], ["complex64", [[1, 2]]]);
  assert.equal(z.to("complex64").dtype, "complex64");
  assert.equal(z.isComplex(), true);
  assert.equal(torch.isComplex(z.real), false);
  // randn: real and imaginary parts each N(0, 1/2).
  torch.manualSeed(3);
  const s = torch.randn([20000], opts);
  const [re, im] = [s.real, s.imag];
  for (const p of [re, im]) {
    const v = await p.var().itemAsync();
    assert.ok(Math.abs(v - 0.5) < 0.03, `variance ${v}`);
  }
  const g = torch.zeros([2], { ...opts, requiresGrad: true });
  assert.equal(g.requiresGrad, true);
});

Deno.test("complex64: isSigned is true (as PyTorch); resize_ refuses complex64, resizeAs_ reads only a shape", () => {
  const z = torch.viewAsComplex(torch.tensor([[1, 2], [3, -1], [5, 6]]).float());
  assert.strictEqual(torch.isSigned(z), true);
  assert.strictEqual(z.isSigned(), true);
  assert.throws(() => z.clone().resize_(4), /complex/i);
  assert.deepStrictEqual(torch.zeros(5).resizeAs_(z).shape, [3]);
});

deviceTest(
  "complex64 × complex64 is one product kernel (MulBackward0) equal to the parts' composite",
  async (device) => {
    const gen = new torch.Generator(11);
    const c = (...shape: number[]) =>
      torch.viewAsComplex(torch.randn([...shape, 2], { generator: gen })).to(device).requiresGrad_(true);
    const a = c(3, 1, 5), b = c(4, 5);
    const y = a.mul(b);
    assert.deepStrictEqual([y.shape, y.gradFn?.name, y.gradFn?.op], [
      [3, 4, 5],
      "MulBackward0",
      "complexMul",
    ]);
    const [ar, ai, br, bi] = [a.real, a.imag, b.real, b.imag];
    const composite = torch.complex(ar.mul(br).sub(ai.mul(bi)), ar.mul(bi).add(ai.mul(br)));
    const got = await torch.viewAsReal(y).dataAsync(), want = await torch.viewAsReal(composite).dataAsync();
    // The CPU kernel rounds each part as the composite does: the same bits. (A GPU may contract to fma.)
    if (device === "cpu") assert.deepStrictEqual(Array.from(got), Array.from(want));
    else {got.forEach((v, i) =>
        assert.ok(Math.abs(v - want[i]) <= 1e-6 * (1 + Math.abs(want[i])), `${v} vs ${want[i]}`)
      );}
    // Gradients: g·conj(b) and g·conj(a), summed back over the broadcast dims.
    const w = torch.viewAsComplex(torch.randn([3, 4, 5, 2], { generator: gen })).to(device);
    y.mul(w.conj()).real.sum().backward(); // L = Σ Re(y·conj(w)): dL/dy (PyTorch's convention) is w
    const ga = w.mul(b.detach().conj()).sum(1, { keepdim: true }), gb = w.mul(a.detach().conj()).sum(0);
    for (const [g, e] of [[a.grad!, ga], [b.grad!, gb]]) {
      const gv = await torch.viewAsReal(g).dataAsync(), ev = await torch.viewAsReal(e).dataAsync();
      gv.forEach((v, i) =>
        assert.ok(Math.abs(v - ev[i]) <= 1e-5 * (1 + Math.abs(ev[i])), `grad ${v} vs ${ev[i]}`)
      );
    }
  },
);

Deno.test("complex64 products: second derivatives (the conj(b) product's rows) by finite differences", () => {
  const gen = new torch.Generator(13);
  const leaf = () => torch.randn([4, 2], { generator: gen, dtype: "float32" }).requiresGrad_(true);
  const c = (r: Tensor) => torch.viewAsComplex(r);
  // d/da of sum(Re(a·b)·w), itself differentiated in a and b: the backward's products are recorded.
  const firstDerivative = (ra: Tensor, rb: Tensor) =>
    torch.enableGrad(() => {
      const [u, v] = [ra, rb].map((t) => t.requiresGrad ? t : t.detach().requiresGrad_(true));
      const y = torch.viewAsReal(c(u).mul(c(v)));
      const w = torch.linspace(0.5, 1.5, 8).reshape([4, 2]);
      const [gu] = torch.autograd.grad(y.mul(y).mul(w).sum(), [u], { createGraph: true });
      return gu!;
    });
  gradcheck(firstDerivative, [leaf(), leaf()], { eps: 1e-2, atol: 1e-2, rtol: 2e-2, msg: "mul''" });
});

Deno.test("complex64 printing matches PyTorch", () => {
  for (const p of fx.prints) {
    let t = decode(p.value);
    if (p.requires_grad) t = t.requiresGrad_(true);
    assert.equal(t.toString(), p.str);
  }
});

Deno.test("complex64 promotion: promoteTypes, resultType and canCast as PyTorch", () => {
  for (const [a, b, want, canAB, canBA] of fx.promote) {
    const da = a as torch.DType, db = b as torch.DType;
    assert.equal(torch.promoteTypes(da, db), want, `${a} ${b}`);
    assert.equal(torch.promoteTypes(db, da), want, `${b} ${a}`);
    assert.equal(torch.canCast(da, db), canAB, `canCast ${a} ${b}`);
    assert.equal(torch.canCast(db, da), canBA, `canCast ${b} ${a}`);
  }
  const z = torch.zeros(2, { dtype: "complex64" });
  assert.equal(torch.resultType(z, 1.5), "complex64");
  assert.equal(torch.resultType(torch.tensor([1]), z), "complex64");
  assert.equal(torch.resultType(z.index(0), torch.ones(2)), "complex64");
  assertThrowsMsg(() => torch.promoteTypes("float64", "complex64"), /complex128/);
  assertThrowsMsg(() => z.add(torch.ones(2, { dtype: "float64" })), /complex128/);
  assertThrowsMsg(() => z.matmul(torch.ones(2)), /expected scalar type ComplexFloat but found float32/);
});

Deno.test("complex64 safetensors round trip (dtype C64)", () => {
  const z = torch.viewAsComplex(torch.arange(12).float().reshape(2, 3, 2)).T;
  const bytes = torch.saveBytes({ z, x: torch.ones(2) });
  const header = new TextDecoder().decode(
    bytes.subarray(8, 8 + Number(new DataView(bytes.buffer).getBigUint64(0, true))),
  );
  assert.match(header, /"z":\{"dtype":"C64","shape":\[3,2\]/);
  const sd = torch.loadBytes(bytes);
  assert.deepEqual([sd.z.dtype, sd.z.shape, sd.z.toArray()], ["complex64", [3, 2], z.toArray()]);
});

deviceTest("complex64 in-place ops, equal / allclose, grads accumulated twice", async (device) => {
  const c = (re: number[], im: number[]) =>
    torch.complex(torch.tensor(re).float(), torch.tensor(im).float()).to(device);
  const z = c([1, 2], [3, -1]);
  z.mul_(c([0, 1], [1, 1]));
  assert.deepEqual(await z.toArrayAsync(), [[-3, 1], [3, 1]]);
  z.add_(1).sub_(c([0, 0], [1, 1]));
  assert.deepEqual(await z.toArrayAsync(), [[-2, 0], [4, 0]]);
  z.div_(2);
  z.neg_();
  assert.deepEqual(await z.toArrayAsync(), [[1, -0], [-2, -0]]);
  z.fill_(2.5);
  assert.deepEqual(await z.toArrayAsync(), [[2.5, 0], [2.5, 0]]);
  z.copy_(c([7, 8], [9, 10]));
  assert.deepEqual(await z.toArrayAsync(), [[7, 9], [8, 10]]);
  z.index(1).copy_(torch.tensor(3, { device }).float());
  assert.deepEqual(await z.toArrayAsync(), [[7, 9], [3, 0]]);
  z.zero_();
  assert.deepEqual(await z.toArrayAsync(), [[0, 0], [0, 0]]);
  assertThrowsMsg(
    () => torch.ones(2, { device }).copy_(c([1, 2], [3, 4])),
    /would discard the imaginary part/,
  );
  assertThrowsMsg(
    () => torch.ones(2, { device }).add_(c([1, 2], [3, 4])),
    /can't be cast to the desired output type float32/,
  );
  assertThrowsMsg(() => c([1], [2]).to("float32"), /would discard the imaginary part/);
  if (device === "cpu") {
    assert.equal(torch.equal(c([1, 2], [3, 4]), c([1, 2], [3, 4])), true);
    assert.equal(torch.equal(c([1, 2], [3, 4]), c([1, 2], [3, 5])), false);
    assert.equal(torch.allclose(c([1, 2], [3, 4]), c([1, 2], [3, 4.00001])), true);
    assert.equal(torch.allclose(c([1, 2], [3, 4]), c([1, 2], [3.01, 4])), false);
  }
  // A leaf used twice accumulates complex gradients.
  const w = c([1, -2], [0.5, 3]).requiresGrad_(true);
  const v = c([2, 1], [-1, 4]);
  torch.viewAsReal(w.mul(v)).sum().backward();
  torch.viewAsReal(w.mul(v)).sum().backward();
  // PyTorch 1.13 gives w.grad = [1+3j, 5-3j] for one such backward.
  assert.deepEqual(await w.grad!.toArrayAsync(), [[2, 6], [10, -6]]);
});

Deno.test("conj is eager; isConj, resolveConj, resolveNeg; H and mH conjugate", () => {
  const z = torch.viewAsComplex(torch.tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8]]]).float());
  const c = z.conj();
  assert.deepEqual([c.isConj(), torch.resolveConj(c) === c, torch.resolveNeg(c) === c], [false, true, true]);
  assert.deepEqual(c.toArray(), [[[1, -2], [3, -4]], [[5, -6], [7, -8]]]);
  assert.deepEqual(z.H.toArray(), [[[1, -2], [5, -6]], [[3, -4], [7, -8]]]);
  assert.deepEqual(z.mH.toArray(), z.H.toArray());
  assert.deepEqual(torch.adjoint(z).toArray(), z.H.toArray());
  const x = torch.ones(2);
  assert.equal(torch.conj(x), x);
  assert.deepEqual(torch.angle(torch.tensor([-1, 0, 2, NaN])).toArray(), [Math.fround(Math.PI), 0, 0, NaN]);
});
