/**
 * The elementwise math family against PyTorch 1.13 (tools/fixtures/math_fixtures.py): inverse and
 * hyperbolic trigonometry and the small unary functions (values at domain edges, float32/float64/
 * int32, gradients), PyTorch's other names of arithmetic, copysign/heaviside/fmax/fmin/logaddexp/
 * logaddexp2/floatPower/ldexp/nextafter/frexp/gcd/lcm and the bitwise ops (broadcasting, type
 * promotion, gradients); finite-difference gradchecks; methods and in-place forms; bad input.
 */
import * as torch from "../mod.ts";
import type { Device, Tensor } from "../mod.ts";
import { assert, assertThrowsMsg, type EncodedTensor, gradcheck, gradcheckAsync, ulp } from "./helpers.ts";
import { deviceTest } from "./devices.ts";

const fx = JSON.parse(await Deno.readTextFile(new URL("./fixtures/math.json", import.meta.url)));

type Enc = EncodedTensor;

function num(v: number | string): number {
  if (typeof v === "number") return v;
  return v === "nan" ? NaN : v === "inf" ? Infinity : v === "-inf" ? -Infinity : v === "-0" ? -0 : Number(v);
}

function dec(e: Enc, device: Device = "cpu", requiresGrad = false): Tensor {
  const t = torch.tensor(e.values.map(num), { dtype: e.dtype }).reshape(e.shape).to(device);
  return requiresGrad ? t.requiresGrad_(true) : t;
}

/** Float results may differ from PyTorch's by this many units in the last place (float32 / float64). */
interface Tol {
  ulps: number;
  /** Absolute slack (the GPU flushes subnormals). */
  atol?: number;
}

/** float64 ulps at |x|. */
function ulp64(x: number): number {
  const a = Math.abs(x);
  if (a < 2.2250738585072014e-308) return 5e-324;
  return Math.pow(2, Math.floor(Math.log2(a)) - 52);
}

/** Same dtype and shape; integers and bools exactly; floats within `tol` (NaN and infinities exact). */
async function assertMatches(t: Tensor, e: Enc, tol: Tol, msg: string): Promise<void> {
  assert.equal(t.dtype, e.dtype, `${msg}: dtype`);
  assert.deepEqual(t.shape, e.shape, `${msg}: shape`);
  const got = Array.from(await t.dataAsync());
  const want = e.values.map(num);
  const isFloat = e.dtype === "float32" || e.dtype === "float64";
  got.forEach((v, i) => {
    const w = want[i];
    if (!isFloat || !Number.isFinite(w)) {
      assert.ok(Object.is(v, w) || (v === w && w !== 0), `${msg} [${i}]: expected ${w}, got ${v}`);
      return;
    }
    const u = e.dtype === "float64" ? ulp64(w) : ulp(w);
    const ok = Math.abs(v - w) <= tol.ulps * u + (tol.atol ?? 0);
    assert.ok(ok, `${msg} [${i}]: expected ${w}, got ${v} (${((v - w) / u).toFixed(1)} ulp)`);
  });
}

const ON = (device: Device, ...es: (Enc | undefined)[]) =>
  device === "cpu" || es.every((e) => e === undefined || e.dtype !== "float64");

// ---------------------------------------------------------------------------------------------
// Unary

type Unary = (x: Tensor) => Tensor;
const UNARY: Record<string, { fn: Unary; method: Unary; inplace?: (x: Tensor) => Tensor }> = {
  asin: { fn: torch.asin, method: (x) => x.asin(), inplace: (x) => x.asin_() },
  acos: { fn: torch.acos, method: (x) => x.arccos(), inplace: (x) => x.arccos_() },
  atan: { fn: torch.arctan, method: (x) => x.atan(), inplace: (x) => x.atan_() },
  sinh: { fn: torch.sinh, method: (x) => x.sinh(), inplace: (x) => x.sinh_() },
  cosh: { fn: torch.cosh, method: (x) => x.cosh(), inplace: (x) => x.cosh_() },
  asinh: { fn: torch.arcsinh, method: (x) => x.asinh(), inplace: (x) => x.arcsinh_() },
  acosh: { fn: torch.acosh, method: (x) => x.arccosh(), inplace: (x) => x.acosh_() },
  atanh: { fn: torch.atanh, method: (x) => x.arctanh(), inplace: (x) => x.atanh_() },
  deg2rad: { fn: torch.deg2rad, method: (x) => x.deg2rad(), inplace: (x) => x.deg2rad_() },
  rad2deg: { fn: torch.rad2deg, method: (x) => x.rad2deg(), inplace: (x) => x.rad2deg_() },
  sgn: { fn: torch.sgn, method: (x) => x.sgn(), inplace: (x) => x.sgn_() },
  signbit: { fn: torch.signbit, method: (x) => x.signbit() },
  reciprocal: { fn: torch.reciprocal, method: (x) => x.reciprocal(), inplace: (x) => x.reciprocal_() },
  square: { fn: torch.square, method: (x) => x.square(), inplace: (x) => x.square_() },
  positive: { fn: torch.positive, method: (x) => x.positive() },
  negative: { fn: torch.negative, method: (x) => x.negative(), inplace: (x) => x.negative_() },
  absolute: { fn: torch.absolute, method: (x) => x.absolute(), inplace: (x) => x.absolute_() },
  fix: { fn: torch.fix, method: (x) => x.fix(), inplace: (x) => x.fix_() },
};
const TRANSCENDENTAL = new Set(["asin", "acos", "atan", "sinh", "cosh", "asinh", "acosh", "atanh"]);

function unaryTol(op: string, device: Device): Tol {
  if (!TRANSCENDENTAL.has(op)) return { ulps: 1 };
  // The cpu rounds musl's double-precision results (PyTorch's glibc/SLEEF agree to an ulp); the
  // gpu's float32 Cephes approximations are a few ulp, and it may flush subnormals.
  return device === "cpu" ? { ulps: 1 } : { ulps: 4, atol: 1.2e-38 };
}

/**
 * PyTorch's float32 sinh and cosh overflow to infinity from |x| = 88.72 (they compute e^|x| in
 * float32), where the true value is finite up to |x| = 89.41; edgetorch gives the correctly
 * rounded value there: the expected values are float64 math rounded to float32.
 */
function withoutEarlyOverflow(c: { op: string; x: Enc; out: Enc }): Enc {
  if (c.x.dtype !== "float32" || (c.op !== "sinh" && c.op !== "cosh")) return c.out;
  const f = c.op === "sinh" ? Math.sinh : Math.cosh;
  const values = c.out.values.map((w, i) => {
    const v = num(c.x.values[i]);
    return Math.abs(v) > 88.72 && Math.abs(v) < 89.41 ? Math.fround(f(v)) : w;
  });
  return { ...c.out, values };
}

deviceTest(
  "unary: PyTorch's values at domain edges, float32/float64/int32, function and method",
  async (device) => {
    let ran = 0;
    for (const c0 of fx.unary) {
      const c = { ...c0, out: withoutEarlyOverflow(c0) };
      if (!ON(device, c.x, c.out)) continue;
      const f = UNARY[c.op];
      const tol = unaryTol(c.op, device);
      await assertMatches(f.fn(dec(c.x, device)), c.out, tol, `${c.name} (torch.${c.op})`);
      await assertMatches(f.method(dec(c.x, device)), c.out, tol, `${c.name} (method)`);
      if (f.inplace && c.out.dtype === c.x.dtype) {
        const x = dec(c.x, device);
        const r = f.inplace(x);
        assert.equal(r, x, `${c.name}: the in-place form returns its tensor`);
        await assertMatches(x, c.out, tol, `${c.name} (in place)`);
      }
      ran++;
    }
    assert.ok(ran >= (device === "cpu" ? 90 : 54), `ran ${ran} cases`);
  },
);

deviceTest("unary: gradients as PyTorch's", async (device) => {
  let ran = 0;
  for (const c of fx.unary) {
    if (c.grad === undefined || !ON(device, c.x)) continue;
    const x = dec(c.x, device, true);
    const out = UNARY[c.op].fn(x);
    const w = torch.linspace(0.5, 1.5, out.numel(), { dtype: out.dtype }).reshape([...out.shape]).to(device);
    out.mul(w).sum().backward();
    await assertMatches(
      x.grad!,
      c.grad,
      { ulps: 64, atol: c.x.dtype === "float64" ? 1e-14 : 1e-6 },
      `${c.name}: grad`,
    );
    ran++;
  }
  assert.ok(ran >= (device === "cpu" ? 30 : 15), `ran ${ran} cases`);
});

deviceTest(
  "unary: finite-difference gradchecks (second derivatives through the formulas)",
  async (device) => {
    const x = (vals: number[]) => torch.tensor(vals, { dtype: "float32" }).to(device).requiresGrad_(true);
    const inside = [-0.7, -0.2, 0.1, 0.6];
    const opts = { eps: 1e-3, atol: 2e-3, rtol: 2e-2 };
    await gradcheckAsync((t) => torch.asin(t), [x(inside)], { ...opts, msg: "asin" });
    await gradcheckAsync((t) => torch.acos(t), [x(inside)], { ...opts, msg: "acos" });
    await gradcheckAsync((t) => torch.atanh(t), [x(inside)], { ...opts, msg: "atanh" });
    await gradcheckAsync((t) => torch.atan(t), [x([-3, -0.5, 0.2, 4])], { ...opts, msg: "atan" });
    await gradcheckAsync((t) => torch.sinh(t), [x([-2, -0.5, 0.2, 1.5])], { ...opts, msg: "sinh" });
    await gradcheckAsync((t) => torch.cosh(t), [x([-2, -0.5, 0.2, 1.5])], { ...opts, msg: "cosh" });
    await gradcheckAsync((t) => torch.asinh(t), [x([-3, -0.5, 0.2, 4])], { ...opts, msg: "asinh" });
    await gradcheckAsync((t) => torch.acosh(t), [x([1.2, 1.5, 2, 5])], { ...opts, msg: "acosh" });
    await gradcheckAsync((t) => torch.deg2rad(t).mul(torch.rad2deg(t)), [x([-30, 10, 45])], {
      ...opts,
      msg: "deg2rad * rad2deg",
    });
    // Second derivatives: the backward formulas are differentiable ops.
    const second: [string, Unary, number[], (v: number) => number][] = [
      ["asin", torch.asin, [0.3, -0.4], (v) => v / Math.pow(1 - v * v, 1.5)],
      ["sinh", torch.sinh, [0.3, -1.4], Math.sinh],
      ["acosh", torch.acosh, [1.5, 3], (v) => -v / Math.pow(v * v - 1, 1.5)],
      ["atanh", torch.atanh, [0.3, -0.6], (v) => 2 * v / Math.pow(1 - v * v, 2)],
    ];
    for (const [name, f, vals, d2] of second) {
      const t = x(vals);
      const [g] = torch.autograd.grad(f(t).sum(), [t], { createGraph: true });
      const [gg] = torch.autograd.grad(g!.sum(), [t]);
      const got = await gg!.dataAsync();
      vals.forEach((v, i) =>
        assert.ok(Math.abs(got[i] - d2(v)) <= 1e-4 * (1 + Math.abs(d2(v))), `${name}'' at ${v}: ${got[i]}`)
      );
    }
  },
);

Deno.test("unary: float64 gradchecks at tight tolerance (cpu)", () => {
  const x = (vals: number[]) => torch.tensor(vals, { dtype: "float64", requiresGrad: true });
  const tight = { eps: 1e-6, atol: 1e-8, rtol: 1e-6 };
  for (
    const [name, f, vals] of [
      ["asin", torch.asin, [-0.9, 0.3]],
      ["acos", torch.acos, [-0.9, 0.3]],
      ["atan", torch.atan, [-5, 0.3]],
      ["sinh", torch.sinh, [-3, 0.3]],
      ["cosh", torch.cosh, [-3, 0.3]],
      ["asinh", torch.asinh, [-5, 0.3]],
      ["acosh", torch.acosh, [1.01, 7]],
      ["atanh", torch.atanh, [-0.95, 0.3]],
      ["reciprocal", torch.reciprocal, [-2, 0.3]],
      ["square", torch.square, [-2, 0.3]],
    ] as const
  ) {
    gradcheck((t) => f(t), [x([...vals])], { ...tight, msg: name });
  }
});

deviceTest(
  "unary: integer and bool inputs, grad_fn names, aliases return what PyTorch's do",
  async (device) => {
    const i = torch.tensor([1, -2, 0]).to(device);
    assert.equal(torch.asin(i).dtype, "float32");
    assert.equal(torch.sgn(i).dtype, "int32");
    assert.deepEqual(await torch.square(torch.tensor([true, false]).to(device)).toArrayAsync(), [1, 0]);
    assert.deepEqual(await torch.sgn(torch.tensor([true, false]).to(device)).toArrayAsync(), [true, false]);
    assert.deepEqual(await torch.signbit(torch.tensor([true, false]).to(device)).toArrayAsync(), [
      false,
      false,
    ]);
    assert.equal(torch.positive(i), i);
    const x = torch.tensor([0.5], { requiresGrad: true }).to(device);
    assert.equal(torch.asin(x).gradFn?.name, "AsinBackward0");
    assert.equal(torch.arctanh(x).gradFn?.name, "AtanhBackward0");
    assert.equal(torch.sgn(x).gradFn?.name, "SgnBackward0");
    assert.equal(torch.square(x).gradFn?.name, "PowBackward0");
    // An integer tensor cannot hold asin's float result in place (PyTorch's message).
    assertThrowsMsg(
      () => torch.tensor([1, 2]).to(device).asin_(),
      /asin_: result type float32 can't be cast/,
    );
  },
);

// ---------------------------------------------------------------------------------------------
// Binary

type Bin = (a: Tensor, b: Tensor | number) => Tensor;
const BINARY: Record<string, { fn: Bin; method: Bin; inplace?: Bin }> = {
  copysign: { fn: torch.copysign, method: (a, b) => a.copysign(b), inplace: (a, b) => a.copysign_(b) },
  heaviside: {
    fn: (a, b) => torch.heaviside(a, b as Tensor),
    method: (a, b) => a.heaviside(b as Tensor),
    inplace: (a, b) => a.heaviside_(b as Tensor),
  },
  fmax: { fn: (a, b) => torch.fmax(a, b as Tensor), method: (a, b) => a.fmax(b as Tensor) },
  fmin: { fn: (a, b) => torch.fmin(a, b as Tensor), method: (a, b) => a.fmin(b as Tensor) },
  logaddexp: { fn: (a, b) => torch.logaddexp(a, b as Tensor), method: (a, b) => a.logaddexp(b as Tensor) },
  logaddexp2: { fn: (a, b) => torch.logaddexp2(a, b as Tensor), method: (a, b) => a.logaddexp2(b as Tensor) },
  float_power: {
    fn: torch.floatPower,
    method: (a, b) => a.floatPower(b),
    inplace: (a, b) => a.floatPower_(b),
  },
  ldexp: {
    fn: (a, b) => torch.ldexp(a, b as Tensor),
    method: (a, b) => a.ldexp(b as Tensor),
    inplace: (a, b) => a.ldexp_(b as Tensor),
  },
  nextafter: {
    fn: (a, b) => torch.nextafter(a, b as Tensor),
    method: (a, b) => a.nextafter(b as Tensor),
    inplace: (a, b) => a.nextafter_(b as Tensor),
  },
  gcd: { fn: torch.gcd, method: (a, b) => a.gcd(b), inplace: (a, b) => a.gcd_(b) },
  lcm: { fn: torch.lcm, method: (a, b) => a.lcm(b), inplace: (a, b) => a.lcm_(b) },
  bitwise_and: {
    fn: torch.bitwiseAnd,
    method: (a, b) => a.bitwiseAnd(b),
    inplace: (a, b) => a.bitwiseAnd_(b),
  },
  bitwise_or: { fn: torch.bitwiseOr, method: (a, b) => a.bitwiseOr(b), inplace: (a, b) => a.bitwiseOr_(b) },
  bitwise_xor: {
    fn: torch.bitwiseXor,
    method: (a, b) => a.bitwiseXor(b),
    inplace: (a, b) => a.bitwiseXor_(b),
  },
  bitwise_left_shift: {
    fn: torch.bitwiseLeftShift,
    method: (a, b) => a.bitwiseLeftShift(b),
    inplace: (a, b) => a.bitwiseLeftShift_(b),
  },
  bitwise_right_shift: {
    fn: torch.bitwiseRightShift,
    method: (a, b) => a.bitwiseRightShift(b),
    inplace: (a, b) => a.bitwiseRightShift_(b),
  },
};

function binaryTol(op: string, device: Device, dtype: string): Tol {
  // max + log1p(exp(-|a - b|)) cancels near 0: an ulp of the max, absolutely.
  if (op === "logaddexp" || op === "logaddexp2") {
    return { ulps: device === "cpu" ? 4 : 8, atol: dtype === "float64" ? 1e-15 : 4e-7 };
  }
  if (op === "float_power") return { ulps: 2 };
  // Exact ops; the gpu flushes subnormal inputs and results of arithmetic.
  return { ulps: 0, atol: device === "gpu" && dtype === "float32" ? 1.2e-38 : 0 };
}

function operandOf(e: Enc | { scalar: number }, device: Device, grad = false): Tensor | number {
  return "scalar" in e ? e.scalar : dec(e, device, grad && (e.dtype === "float32" || e.dtype === "float64"));
}

deviceTest(
  "binary: PyTorch's values (specials, broadcasting, promotion), function, method and in place",
  async (device) => {
    let ran = 0;
    for (const c of fx.binary) {
      const bEnc = "scalar" in c.b ? undefined : c.b;
      if (!ON(device, c.a, bEnc, c.out) || (device !== "cpu" && c.op === "float_power")) continue;
      const f = BINARY[c.op];
      const tol = binaryTol(c.op, device, c.out.dtype);
      await assertMatches(f.fn(dec(c.a, device), operandOf(c.b, device)), c.out, tol, `${c.name} (function)`);
      await assertMatches(
        f.method(dec(c.a, device), operandOf(c.b, device)),
        c.out,
        tol,
        `${c.name} (method)`,
      );
      const sameShape = c.out.shape.length === c.a.shape.length &&
        c.out.shape.every((s: number, i: number) => s === c.a.shape[i]);
      if (f.inplace && c.out.dtype === c.a.dtype && sameShape) {
        const a = dec(c.a, device);
        assert.equal(f.inplace(a, operandOf(c.b, device)), a);
        await assertMatches(a, c.out, tol, `${c.name} (in place)`);
      }
      ran++;
    }
    assert.ok(ran >= (device === "cpu" ? 60 : 40), `ran ${ran} cases`);
  },
);

deviceTest("binary: gradients as PyTorch's (ties, NaN, equal infinities, large gaps)", async (device) => {
  let ran = 0;
  for (const c of fx.binary) {
    if (c.gradA === undefined) continue;
    const bEnc = "scalar" in c.b ? undefined : c.b;
    if (!ON(device, c.a, bEnc) || (device !== "cpu" && c.op === "float_power")) continue;
    const a = operandOf(c.a, device, true) as Tensor;
    const b = operandOf(c.b, device, true);
    const out = BINARY[c.op].fn(a, b);
    const w = torch.linspace(0.5, 1.5, out.numel(), { dtype: out.dtype }).reshape([...out.shape]).to(device);
    out.mul(w).sum().backward();
    const tol = { ulps: 64, atol: c.a.dtype === "float64" ? 1e-13 : 1e-6 };
    if (c.gradA === null) assert.equal(a.grad, null, `${c.name}: no gradient for input`);
    else await assertMatches(a.grad!, c.gradA, tol, `${c.name}: grad input`);
    if (b instanceof torch.Tensor && c.gradB !== null) {
      await assertMatches(b.grad!, c.gradB, tol, `${c.name}: grad other`);
    }
    ran++;
  }
  assert.ok(ran >= (device === "cpu" ? 20 : 10), `ran ${ran} cases`);
});

deviceTest("binary: finite-difference gradchecks", async (device) => {
  const t = (vals: number[], shape = [vals.length]) =>
    torch.tensor(vals, { dtype: "float32" }).reshape(shape).to(device).requiresGrad_(true);
  const opts = { eps: 1e-3, atol: 2e-3, rtol: 2e-2 };
  await gradcheckAsync((a, b) => torch.logaddexp(a, b), [t([-2, 0.5, 3], [3, 1]), t([1, -1])], {
    ...opts,
    msg: "logaddexp",
  });
  await gradcheckAsync((a, b) => torch.logaddexp2(a, b), [t([-2, 0.5, 3]), t([1, -1, 2.5])], {
    ...opts,
    msg: "logaddexp2",
  });
  await gradcheckAsync((a, b) => torch.fmax(a, b), [t([-2, 0.5, 3]), t([1, -1, 2.5])], {
    ...opts,
    msg: "fmax",
  });
  await gradcheckAsync((a, b) => torch.fmin(a, b), [t([-2, 0.5, 3]), t([1, -1, 2.5])], {
    ...opts,
    msg: "fmin",
  });
  await gradcheckAsync((a) => torch.copysign(a, torch.tensor([-1, 1, -2]).to(a.device)), [t([-2, 0.5, 3])], {
    ...opts,
    msg: "copysign",
  });
  await gradcheckAsync((a, b) => torch.ldexp(a, b), [t([-2, 0.5, 3]), t([1, -1, 2])], {
    ...opts,
    msg: "ldexp",
  });
  await gradcheckAsync((a) => torch.frexp(a).mantissa, [t([-3, 0.3, 5])], { ...opts, msg: "frexp" });
  if (device === "cpu") {
    const d = (vals: number[]) => torch.tensor(vals, { dtype: "float64", requiresGrad: true });
    gradcheck((a, b) => torch.floatPower(a, b), [d([1.5, 2, 0.7]), d([2, -1, 0.5])], {
      eps: 1e-6,
      atol: 1e-8,
      rtol: 1e-6,
      msg: "floatPower",
    });
  }
});

deviceTest(
  "frexp: PyTorch's mantissas and exponents (subnormals, zeros, infinities, NaN)",
  async (device) => {
    for (const c of fx.frexp) {
      if (!ON(device, c.x)) continue;
      const x = dec(c.x, device);
      for (const [how, r] of [["function", torch.frexp(x)], ["method", x.frexp()]] as const) {
        await assertMatches(r.mantissa, c.mantissa, { ulps: 0 }, `${c.name} (${how}): mantissa`);
        await assertMatches(r.exponent, c.exponent, { ulps: 0 }, `${c.name} (${how}): exponent`);
      }
    }
  },
);

deviceTest("bitwiseNot and the bool forms of the bitwise ops", async (device) => {
  for (const c of fx.bitwiseNot) {
    await assertMatches(torch.bitwiseNot(dec(c.x, device)), c.out, { ulps: 0 }, c.name);
    const x = dec(c.x, device);
    assert.equal(x.bitwiseNot_(), x);
    await assertMatches(x, c.out, { ulps: 0 }, `${c.name} (in place)`);
  }
});

deviceTest(
  "aliases: multiply, subtract, divide, trueDivide, clip, clampMin, clampMax as PyTorch",
  async (device) => {
    const a: Record<string, Enc> = {};
    for (const c of fx.aliases) a[c.name] = c.out;
    const x = dec(a.x, device), y = dec(a.y, device), i = dec(a.i, device), j = dec(a.j, device);
    const exact = { ulps: 0 };
    await assertMatches(torch.multiply(x, y), a.multiply, exact, "multiply");
    await assertMatches(x.multiply(y), a.multiply, exact, "x.multiply");
    await assertMatches(torch.subtract(x, y, { alpha: 2 }), a["subtract alpha"], exact, "subtract");
    await assertMatches(x.subtract(y, { alpha: 2 }), a["subtract alpha"], exact, "x.subtract");
    // A number operand with alpha: x - 2 * 0.5, as PyTorch's torch.sub(x, 0.5, alpha=2).
    assert.deepEqual(
      await torch.subtract(x, 0.5, { alpha: 2 }).toArrayAsync(),
      await x.sub(1).toArrayAsync(),
    );
    assert.deepEqual(await torch.add(i, 2, { alpha: 3 }).toArrayAsync(), await i.add(6).toArrayAsync());
    await assertMatches(torch.divide(x, y), a.divide, exact, "divide");
    await assertMatches(
      torch.divide(i, j, { roundingMode: "trunc" }),
      a["divide trunc"],
      exact,
      "divide trunc",
    );
    await assertMatches(i.divide(j, { roundingMode: "floor" }), a["divide floor"], exact, "x.divide floor");
    await assertMatches(torch.trueDivide(i, j), a["true_divide int"], exact, "trueDivide");
    await assertMatches(i.trueDivide(j), a["true_divide int"], exact, "x.trueDivide");
    await assertMatches(torch.clip(x, -1, 1), a.clip, exact, "clip");
    await assertMatches(x.clip(-1, 1), a.clip, exact, "x.clip");
    await assertMatches(torch.clampMin(x, 0.2), a.clamp_min, exact, "clampMin");
    await assertMatches(x.clampMax(0.2), a.clamp_max, exact, "x.clampMax");
    await assertMatches(torch.clampMin(i, 1), a["clamp_min int"], exact, "clampMin int");
    // In place.
    const ops: [string, (t: Tensor) => Tensor, Enc][] = [
      ["multiply_", (t) => t.multiply_(y), a.multiply],
      ["subtract_", (t) => t.subtract_(y, { alpha: 2 }), a["subtract alpha"]],
      ["divide_", (t) => t.divide_(y), a.divide],
      ["trueDivide_", (t) => t.trueDivide_(y), a.divide],
      ["clip_", (t) => t.clip_(-1, 1), a.clip],
      ["clampMin_", (t) => t.clampMin_(0.2), a.clamp_min],
      ["clampMax_", (t) => t.clampMax_(0.2), a.clamp_max],
    ];
    for (const [name, f, want] of ops) {
      const t = dec(a.x, device);
      assert.equal(f(t), t);
      await assertMatches(t, want, exact, name);
    }
    // Gradients flow as the originals' (clip: 1 inside the bounds).
    const g = torch.tensor([-2, 0.5, 3], { requiresGrad: true, device });
    torch.clip(g, -1, 1).sum().backward();
    assert.deepEqual(await g.grad!.toArrayAsync(), [0, 1, 0]);
  },
);

// ---------------------------------------------------------------------------------------------
// Kernels beyond the fixtures: every float32 input class through both devices' kernels.

deviceTest(
  "kernels: inverse/hyperbolic trig over many magnitudes, within an ulp of float64 math",
  async (device) => {
    const vals: number[] = [];
    for (let e = -30; e <= 30; e += 0.37) vals.push(Math.pow(2, e), -Math.pow(2, e));
    for (let v = -1; v <= 1; v += 1 / 64) vals.push(v);
    const x32 = Float32Array.from(vals);
    const x = torch.tensor(Array.from(x32)).to(device);
    const refs: Record<string, (v: number) => number> = {
      asin: Math.asin,
      acos: Math.acos,
      atan: Math.atan,
      sinh: Math.sinh,
      cosh: Math.cosh,
      asinh: Math.asinh,
      acosh: Math.acosh,
      atanh: Math.atanh,
    };
    const ulps = device === "cpu" ? 0.5 : 4;
    for (const [op, ref] of Object.entries(refs)) {
      const got = await UNARY[op].fn(x).dataAsync();
      x32.forEach((v, i) => {
        const want = ref(v);
        if (!Number.isFinite(want) || Math.abs(want) > 3.4e38) {
          const w32 = Math.fround(want);
          assert.ok(
            Object.is(got[i], w32) || (Number.isNaN(got[i]) && Number.isNaN(w32)),
            `${op}(${v}): ${got[i]}`,
          );
          return;
        }
        const err = Math.abs(got[i] - want) / ulp(want);
        assert.ok(err <= ulps + 0.5, `${op}(${v}) = ${got[i]}, float64 ${want} (${err.toFixed(2)} ulp)`);
      });
    }
  },
);

deviceTest("kernels: nextafter steps through float32 and gcd/shift edge cases", async (device) => {
  const a = torch.tensor([1, -1, 0, 3.4028234663852886e38, 1.1754943508222875e-38]).to(device);
  const up = await torch.nextafter(a, torch.tensor([Infinity]).to(device)).dataAsync();
  const down = await torch.nextafter(a, torch.tensor([-Infinity]).to(device)).dataAsync();
  const bits = (v: number) => new Uint32Array(Float32Array.of(v).buffer)[0];
  assert.equal(bits(up[0]) - bits(1), 1);
  assert.equal(bits(down[0]) - bits(1), -1);
  assert.equal(up[1], Math.fround(-1 + 2 ** -24));
  assert.equal(up[2], 1.401298464324817e-45);
  assert.ok(Object.is(down[2], -1.401298464324817e-45));
  assert.equal(up[3], Infinity);
  assert.equal(bits(down[4]), 0x7fffff);
  const i = torch.tensor([-2147483648, 2147483647, -7, 0]).to(device);
  assert.deepEqual(await torch.gcd(i, torch.tensor([6, 3, 14, -9]).to(device)).toArrayAsync(), [-2, 1, 7, 9]);
  assert.deepEqual(await torch.bitwiseLeftShift(i, 1).toArrayAsync(), [0, -2, -14, 0]);
  assert.deepEqual(await torch.bitwiseRightShift(i, 31).toArrayAsync(), [-1, 0, -1, 0]);
  assert.deepEqual(await torch.bitwiseXor(i, -1).toArrayAsync(), [2147483647, -2147483648, 6, -1]);
});

// ---------------------------------------------------------------------------------------------
// Bad input

Deno.test("bad input: clear errors naming the op and what was expected", () => {
  const f = torch.tensor([1.5, 2]);
  const i = torch.tensor([1, 2]);
  const b = torch.tensor([true, false]);
  assertThrowsMsg(() => torch.asin([1] as unknown as Tensor), /asin: argument 'input' must be a tensor/);
  assertThrowsMsg(() => torch.positive(b), /positive: the `\+` operator on a bool tensor is not supported/);
  assertThrowsMsg(() => torch.absolute(b), /absolute: not supported for bool tensors/);
  assertThrowsMsg(() => torch.fix(b), /fix: not supported for bool tensors/);
  assertThrowsMsg(() => torch.logaddexp(i, i), /logaddexp: expects floating-point tensors.*int32/);
  assertThrowsMsg(() => torch.logaddexp2(b, b), /logaddexp2: expects floating-point tensors.*bool/);
  assertThrowsMsg(() => torch.nextafter(i, i), /nextafter: expects floating-point tensors/);
  assertThrowsMsg(() => torch.gcd(f, f), /gcd: expects integer tensors.*float32/);
  assertThrowsMsg(() => torch.lcm(b, b), /lcm: expects integer tensors.*bool/);
  assertThrowsMsg(() => torch.bitwiseAnd(f, i), /bitwiseAnd: expects integer or bool tensors.*float32/);
  assertThrowsMsg(() => torch.bitwiseLeftShift(b, b), /bitwiseLeftShift: expects integer tensors.*bool/);
  assertThrowsMsg(() => torch.bitwiseOr(i, 1.5), /bitwiseOr: other must be an integer, got 1.5/);
  assertThrowsMsg(() => torch.bitwiseNot(f), /bitwiseNot: expects integer or bool tensors.*float32/);
  assertThrowsMsg(() => torch.frexp(i), /frexp: only supports floating-point dtypes.*int32/);
  assertThrowsMsg(() => torch.heaviside(f, i), /heaviside: input is float32 but values is int32/);
  assertThrowsMsg(() => torch.fmax(f, 1 as unknown as Tensor), /fmax: argument 'other' must be a tensor/);
  assertThrowsMsg(
    () => torch.copysign(f, "x" as unknown as number),
    /copysign: argument 'other' must be a tensor or a number/,
  );
  assertThrowsMsg(() => torch.floatPower(2, 3), /floatPower: expected at least one tensor operand/);
  assertThrowsMsg(
    () => f.floatPower_(2),
    /floatPower_: the base given to floatPower_ has dtype float32.*float64/,
  );
  assertThrowsMsg(() => torch.clampMin(f, null as unknown as number), /clampMin: min must be a number/);
  assertThrowsMsg(() => torch.clip(f), /clip: at least one of min and max must be given/);
  assertThrowsMsg(() => torch.gcd(i, torch.tensor([1, 2, 3])), /gcd: .*shape/);
  // Broadcasting mismatches name the op the user called.
  assertThrowsMsg(() => torch.fmax(f, torch.tensor([1, 2, 3.5])), /fmax: .*\[2\].*\[3\]/);
  // Not differentiable, as PyTorch: backward says so.
  const x = torch.tensor([1.5, -2], { requiresGrad: true });
  const h = torch.heaviside(x, torch.tensor([0.5]));
  assertThrowsMsg(() => h.sum().backward(), /heaviside: the derivative for 'heaviside' is not implemented/);
  const n = torch.nextafter(x, torch.tensor([0, 0]));
  assertThrowsMsg(() => n.sum().backward(), /nextafter: the derivative for 'nextafter' is not implemented/);
});

deviceTest("floatPower: float64 on the cpu only, with a clear error on the gpu", async (device) => {
  const x = torch.tensor([2, 3]).to(device);
  if (device === "cpu") {
    const r = torch.floatPower(x, 0.5);
    assert.equal(r.dtype, "float64");
    assert.deepEqual(await r.toArrayAsync(), [Math.SQRT2, Math.sqrt(3)]);
    return;
  }
  assertThrowsMsg(() => torch.floatPower(x, 2), /floatPower: computes in float64, which the gpu lacks/);
});

deviceTest("empty, 0-d and non-contiguous inputs", async (device) => {
  const e = torch.zeros([0, 3]).to(device);
  for (const f of [torch.asin, torch.cosh, torch.signbit, torch.deg2rad, torch.sgn]) {
    assert.deepEqual(f(e).shape, [0, 3]);
  }
  assert.deepEqual(torch.logaddexp(e, torch.zeros([3]).to(device)).shape, [0, 3]);
  assert.deepEqual(torch.frexp(e).exponent.shape, [0, 3]);
  assert.deepEqual(torch.bitwiseAnd(torch.zeros([0], { dtype: "int32" }).to(device), 3).shape, [0]);
  const s = torch.tensor(0.5).to(device);
  assert.deepEqual(torch.atanh(s).shape, []);
  assert.equal(await torch.atanh(s).itemAsync(), Math.fround(Math.atanh(0.5)));
  assert.equal(await torch.fmax(s, torch.tensor(NaN).to(device)).itemAsync(), 0.5);
  // A transposed view computes on its logical order.
  const m = torch.tensor([[0.1, 0.2], [0.3, 0.4]]).to(device).transpose(0, 1);
  const got = await torch.asin(m).toArrayAsync() as number[][];
  const want = [[0.1, 0.3], [0.2, 0.4]].map((r) => r.map((v) => Math.fround(Math.asin(Math.fround(v)))));
  got.flat().forEach((v, i) =>
    assert.ok(Math.abs(v - want.flat()[i]) <= 4 * ulp(want.flat()[i]), `asin view [${i}]`)
  );
  const bits = torch.tensor([[1, 2], [4, 8]]).to(device).transpose(0, 1);
  assert.deepEqual(await torch.bitwiseOr(bits, torch.tensor([16, 32]).to(device)).toArrayAsync(), [[17, 36], [
    18,
    40,
  ]]);
});

Deno.test("grad_fn names are PyTorch's", () => {
  const x = torch.tensor([0.5, 0.2], { requiresGrad: true });
  const y = torch.tensor([0.3, 0.1], { requiresGrad: true });
  const calls: Record<string, () => Tensor> = {
    clamp_min: () => torch.clampMin(x, 0.3),
    clamp_max: () => torch.clampMax(x, 0.3),
    clip: () => torch.clip(x, 0, 1),
    fmax: () => torch.fmax(x, y),
    fmin: () => torch.fmin(x, y),
    logaddexp: () => torch.logaddexp(x, y),
    logaddexp2: () => torch.logaddexp2(x, y),
    copysign: () => torch.copysign(x, y),
    reciprocal: () => torch.reciprocal(x),
    frexp: () => torch.frexp(x).mantissa,
    ldexp: () => torch.ldexp(x, torch.tensor([1, 2])),
    deg2rad: () => torch.deg2rad(x),
    rad2deg: () => torch.rad2deg(x),
    fix: () => torch.fix(x),
    negative: () => torch.negative(x),
    absolute: () => torch.absolute(x),
    float_power: () => torch.floatPower(x, 2),
    sgn: () => torch.sgn(x),
    square: () => torch.square(x),
    multiply: () => torch.multiply(x, y),
    true_divide: () => torch.trueDivide(x, y),
    subtract: () => torch.subtract(x, y),
    asin: () => torch.asin(x),
    arccos: () => torch.arccos(x),
    atan: () => torch.atan(x),
    sinh: () => torch.sinh(x),
    cosh: () => torch.cosh(x),
    arcsinh: () => torch.arcsinh(x),
    acosh: () => torch.acosh(x.add(1)),
    atanh: () => torch.atanh(x),
  };
  assert.deepEqual(Object.keys(calls).sort(), Object.keys(fx.gradFnNames).sort());
  const got = Object.fromEntries(Object.entries(calls).map(([k, f]) => [k, f().gradFn?.name]));
  assert.deepEqual(got, fx.gradFnNames);
});

deviceTest("chains of the new kernels (fused on the gpu) agree with the cpu", async (device) => {
  const vals = Array.from({ length: 1031 }, (_, i) => Math.sin(i) * 3);
  const run = (d: Device) => {
    const x = torch.tensor(vals).to(d);
    const t = torch.atan(torch.sinh(x.mul(0.5)).add(1)).mul(torch.cosh(x.mul(0.1)));
    const bits = torch.bitwiseXor(torch.gcd(x.mul(10).int(), 12), torch.bitwiseLeftShift(x.int(), 2));
    return [torch.copysign(t, x.neg()), bits];
  };
  const [want, wantBits] = run("cpu").map((t) => t.dataSync());
  const [got, gotBits] = await Promise.all(run(device).map((t) => t.dataAsync()));
  // sinh(x/2) + 1 cancels near x = -1.76: a few ulp of 1, absolutely.
  got.forEach((v, i) =>
    assert.ok(Math.abs(v - want[i]) <= 1e-6 + 8 * ulp(want[i]), `[${i}] ${v} vs ${want[i]}`)
  );
  assert.deepEqual(Array.from(gotBits), Array.from(wantBits));
});
