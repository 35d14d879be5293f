/**
 * Test helpers: tensor-aware closeness checks, a finite-difference gradient check, float32 ulps
 * (`ulp`) and seeded test data (`rng`, `randF32`, `randI32`).
 * Built on node:assert (JSR's @std/assert is not reachable from our machines).
 */
import assert from "node:assert/strict";
import * as torch from "../mod.ts";
import type { Device, DType, Tensor } from "../mod.ts";

export { assert };

/** A seeded PRNG (mulberry32) for test data, independent of the library's generator: uniform in [0, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` float32 values uniform in [lo, hi) drawn from `r`. */
export function randF32(n: number, r: () => number, lo = -1, hi = 1): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * r();
  return out;
}

/** `n` int32 values uniform in [lo, hi] drawn from `r`. */
export function randI32(n: number, r: () => number, lo = -100, hi = 100): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + Math.floor((hi - lo + 1) * r());
  return out;
}

/** Spacing of float32 numbers at |x|. */
export function ulp(x: number): number {
  const a = Math.abs(x);
  if (a < 1.1754943508222875e-38) return 1.401298464324817e-45;
  const e = Math.floor(Math.log2(a));
  let u = Math.pow(2, e - 23);
  if (Math.pow(2, e) > a) u /= 2; // log2 rounding at powers of two
  return u;
}

type Nested = number | boolean | Nested[];

function flat(v: Nested | Tensor | ArrayLike<number>): number[] {
  if (v instanceof torch.Tensor) return Array.from(v.dataSync());
  if (typeof v === "number" || typeof v === "boolean") return [Number(v)];
  if (ArrayBuffer.isView(v)) return Array.from(v as ArrayLike<number>);
  return (v as Nested[]).flatMap((x) => flat(x));
}

function shapeOfNested(v: Nested): number[] {
  return Array.isArray(v) ? [v.length, ...(v.length ? shapeOfNested(v[0]) : [])] : [];
}

/**
 * Asserts `actual` matches `expected` elementwise within `atol + rtol * |expected|` (NaN equals
 * NaN, infinities must match exactly). When `expected` is nested arrays, shapes must match too.
 * Reads tensors synchronously (CPU only): use {@link assertCloseAsync} on every device.
 */
export function assertClose(
  actual: Tensor | Nested | ArrayLike<number>,
  expected: Tensor | Nested | ArrayLike<number>,
  opts: CloseOptions = {},
): void {
  compareClose(actual, flat(actual as Nested), expected, flat(expected as Nested), opts);
}

/** Tolerances of {@link assertClose}: `|actual - expected| <= atol + rtol * |expected|`. */
export interface CloseOptions {
  rtol?: number;
  atol?: number;
  msg?: string;
}

/** Like {@link assertClose} on every device: tensors are read with `dataAsync()`. */
export async function assertCloseAsync(
  actual: Tensor | Nested | ArrayLike<number>,
  expected: Tensor | Nested | ArrayLike<number>,
  opts: CloseOptions = {},
): Promise<void> {
  compareClose(actual, await flatAsync(actual), expected, await flatAsync(expected), opts);
}

/** The elements of a tensor (any device), nested arrays or a typed array, flattened. */
export async function flatAsync(v: Nested | Tensor | ArrayLike<number>): Promise<number[]> {
  if (v instanceof torch.Tensor) return Array.from(await v.dataAsync());
  return flat(v as Nested);
}

/** Asserts a tensor (any device) reads as `expected` exactly (`toArrayAsync` deep-equal). */
export async function assertArrayAsync(actual: Tensor, expected: unknown, msg?: string): Promise<void> {
  assert.deepEqual(await actual.toArrayAsync(), expected, msg);
}

function compareClose(
  actual: Tensor | Nested | ArrayLike<number>,
  a: number[],
  expected: Tensor | Nested | ArrayLike<number>,
  e: number[],
  opts: CloseOptions,
): void {
  const { rtol = 1e-5, atol = 1e-6, msg = "" } = opts;
  if (
    actual instanceof torch.Tensor && !(expected instanceof torch.Tensor) && !ArrayBuffer.isView(expected)
  ) {
    assert.deepEqual(actual.shape, shapeOfNested(expected as Nested), `${msg} shape`);
  }
  if (actual instanceof torch.Tensor && expected instanceof torch.Tensor) {
    assert.deepEqual(actual.shape, expected.shape, `${msg} shape`);
  }
  assert.equal(a.length, e.length, `${msg} length ${a.length} vs ${e.length}`);
  for (let i = 0; i < a.length; i++) {
    const x = a[i], y = e[i];
    if (Number.isNaN(y)) {
      assert.ok(Number.isNaN(x), `${msg} [${i}]: expected NaN, got ${x}`);
    } else if (!Number.isFinite(y)) {
      assert.equal(x, y, `${msg} [${i}]: expected ${y}, got ${x}`);
    } else {
      assert.ok(
        Math.abs(x - y) <= atol + rtol * Math.abs(y),
        `${msg} [${i}]: expected ${y}, got ${x} (rtol ${rtol}, atol ${atol})`,
      );
    }
  }
}

/** Asserts that `fn` throws an error whose message matches `pattern`. */
export function assertThrowsMsg(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof Error, "expected an Error");
    assert.match(e.message, pattern);
    return true;
  });
}

/** Asserts that `fn` (sync or async) throws or rejects with an error whose message matches `pattern`. */
export async function assertRejectsMsg(fn: () => unknown, pattern: RegExp): Promise<void> {
  await assert.rejects(async () => await fn(), (e: unknown) => {
    assert.ok(e instanceof Error, "expected an Error");
    assert.match(e.message, pattern);
    return true;
  });
}

/** An output as gradcheck reads it: float64 stays float64 (its finite differences need it), others float32. */
function widened(t: Tensor): Tensor {
  return t.dtype === "float64" ? t : t.float();
}

/**
 * Checks the analytic gradients of `fn` (which returns any tensor; it is reduced with a fixed
 * random projection to a scalar) against central finite differences in float64 arithmetic on
 * the inputs (float64 inputs and outputs give finite differences accurate enough for tight
 * tolerances). `inputs` must require grad.
 */
export function gradcheck(
  fn: (...xs: Tensor[]) => Tensor,
  inputs: Tensor[],
  opts: { eps?: number; atol?: number; rtol?: number; msg?: string } = {},
): void {
  const { eps = 1e-2, atol = 2e-3, rtol = 2e-2, msg = "gradcheck" } = opts;
  const out0 = fn(...inputs);
  const gen = new torch.Generator(1234);
  const proj = torch.rand([...out0.shape], { generator: gen }).add(0.5);
  const scalar = (xs: Tensor[]) => {
    const out = torch.noGrad(() => fn(...xs));
    const o = widened(out).dataSync(), p = proj.dataSync();
    let s = 0;
    for (let i = 0; i < o.length; i++) s += o[i] * p[i];
    return s;
  };
  for (const x of inputs) x.grad = null;
  widened(out0).mul(proj).sum().backward();
  inputs.forEach((x, k) => {
    const base = Array.from(x.dataSync());
    const analytic = x.grad ? Array.from(x.grad.dataSync()) : base.map(() => 0);
    for (let i = 0; i < base.length; i++) {
      const shifted = (delta: number) => {
        const vals = base.slice();
        vals[i] += delta;
        const xi = torch.tensor(vals, { dtype: x.dtype }).reshape([...x.shape]);
        return scalar(inputs.map((y, j) => (j === k ? xi : y.detach())));
      };
      const numeric = (shifted(eps) - shifted(-eps)) / (2 * eps);
      const ok = Math.abs(numeric - analytic[i]) <= atol + rtol * Math.abs(numeric);
      assert.ok(ok, `${msg}: input ${k} element ${i}: analytic ${analytic[i]} vs numeric ${numeric}`);
    }
  });
}

/** Options of {@link gradcheckAsync}. */
export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
  msg?: string;
}

/**
 * {@link gradcheck} on every device. The analytic gradients are computed on the inputs' device
 * (forward and backward there); the numeric ones by central differences, in float64, of the same
 * `fn` applied to CPU copies of the inputs (so `fn` must create any tensor it uses on the device
 * of its inputs). Both use the same fixed random projection of the output. `inputs` must require
 * grad.
 */
export async function gradcheckAsync(
  fn: (...xs: Tensor[]) => Tensor,
  inputs: Tensor[],
  opts: GradcheckOptions = {},
): Promise<void> {
  const { eps = 1e-2, atol = 2e-3, rtol = 2e-2, msg = "gradcheck" } = opts;
  const out0 = fn(...inputs);
  const gen = new torch.Generator(1234);
  const proj = torch.rand([...out0.shape], { generator: gen }).add(0.5);
  const cpuInputs = await Promise.all(inputs.map((x) => x.detach().toAsync("cpu")));
  const scalar = (xs: Tensor[]) => {
    const out = torch.noGrad(() => fn(...xs));
    const o = widened(out).dataSync(), p = proj.dataSync();
    let s = 0;
    for (let i = 0; i < o.length; i++) s += o[i] * p[i];
    return s;
  };
  for (const x of inputs) x.grad = null;
  widened(out0).mul(proj.to(out0.device)).sum().backward();
  const analytics = await Promise.all(
    inputs.map(async (x) => x.grad ? Array.from(await x.grad.dataAsync()) : null),
  );
  cpuInputs.forEach((x, k) => {
    const base = Array.from(x.dataSync());
    const analytic = analytics[k] ?? base.map(() => 0);
    assert.equal(
      analytic.length,
      base.length,
      `${msg}: input ${k}: gradient has ${analytic.length} elements`,
    );
    for (let i = 0; i < base.length; i++) {
      const shifted = (delta: number) => {
        const vals = base.slice();
        vals[i] += delta;
        const xi = torch.tensor(vals, { dtype: x.dtype }).reshape([...x.shape]);
        return scalar(cpuInputs.map((y, j) => (j === k ? xi : y)));
      };
      const numeric = (shifted(eps) - shifted(-eps)) / (2 * eps);
      const ok = Math.abs(numeric - analytic[i]) <= atol + rtol * Math.abs(numeric);
      assert.ok(ok, `${msg}: input ${k} element ${i}: analytic ${analytic[i]} vs numeric ${numeric}`);
    }
  });
}

/**
 * A tensor as the Python fixture scripts write it (tools/fixtures/*.py): dtype, shape and values,
 * with non-finite values as the strings "nan", "inf" and "-inf".
 */
export interface EncodedTensor {
  dtype: DType;
  shape: number[];
  values: (number | string)[];
}

/** A fixture value: a number, or "nan" / "inf" / "-inf". */
export function fixtureNumber(v: number | string): number {
  if (typeof v === "number") return v;
  return v === "nan" ? NaN : v === "inf" ? Infinity : -Infinity;
}

/** The tensor `e` encodes, on `device`, requiring grad when asked. */
export function fixtureTensor(e: EncodedTensor, device: Device = "cpu", requiresGrad = false): Tensor {
  const t = torch.tensor(e.values.map(fixtureNumber), { dtype: e.dtype }).reshape(e.shape).to(device);
  return requiresGrad ? t.requiresGrad_(true) : t;
}
