/**
 * The CPU (wasm) backend, kernel by kernel, through the Backend interface, against plain
 * JavaScript reference computations. Every test runs on both kernel builds (relaxed SIMD and
 * plain SIMD).
 */
import assert from "node:assert/strict";
import { WasmBackend, wasmBackend, WasmStorage } from "../src/backends/wasm/backend.ts";
import { decodeBase64 } from "../src/backends/wasm/base64.ts";
import type { BinaryOp, MatmulArgs, ReduceOp, UnaryOp } from "../src/backends/backend.ts";
import type { DType, TypedArray } from "../src/dtype.ts";
import { randF32, randI32, rng } from "./helpers.ts";

// ---------------------------------------------------------------------------------------------
// Helpers

/** Spacing of float32 numbers at |x|. */
function ulp(x: number): number {
  const a = Math.abs(x);
  if (a < 1.1754943508222875e-38) return 1.401298464324817e-45;
  const e = Math.floor(Math.log2(a));
  let u = Math.pow(2, e - 23);
  if (Math.pow(2, e) > a) u /= 2; // log2 rounding at powers of two
  return u;
}

function sameSpecial(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (!Number.isFinite(a) || !Number.isFinite(b)) return a === b;
  return false;
}

/** Asserts |got - want| <= maxUlp ulps of want (NaN and infinities must match exactly). */
function assertUlp(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  maxUlp: number,
  what: string,
  input?: ArrayLike<number>,
) {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    const g = got[i], w = want[i];
    if (sameSpecial(g, w)) continue;
    const ok = Number.isFinite(g) && Number.isFinite(w) && Math.abs(g - w) <= maxUlp * ulp(w);
    if (!ok) {
      assert.fail(
        `${what}[${i}]${input ? ` (input ${input[i]})` : ""}: got ${g}, want ${w} (${
          (Math.abs(g - w) / ulp(w)).toFixed(2)
        } ulp > ${maxUlp})`,
      );
    }
  }
}

/** Asserts |got - want| <= atol + rtol |want| elementwise (NaN/inf must match). */
function assertClose(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  rtol: number,
  atol: number,
  what: string,
) {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    const g = got[i], w = want[i];
    if (sameSpecial(g, w)) continue;
    if (!(Math.abs(g - w) <= atol + rtol * Math.abs(w))) assert.fail(`${what}[${i}]: got ${g}, want ${w}`);
  }
}

function assertExact(got: ArrayLike<number>, want: ArrayLike<number>, what: string) {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    const g = got[i], w = want[i];
    if (Object.is(g, w) || (g === w) || (Number.isNaN(g) && Number.isNaN(w))) continue;
    assert.fail(`${what}[${i}]: got ${g}, want ${w}`);
  }
}

const SIZES = [1, 3, 4, 17, 33, 127, 1000];

const VARIANTS = ["relaxed", "simd"] as const;
const backends = VARIANTS.map((v) => new WasmBackend({ variant: v }));

function each(name: string, fn: (b: WasmBackend) => void | Promise<void>) {
  for (const b of backends) Deno.test(`wasm ${b.variant}: ${name}`, () => fn(b));
}

const f32 = (b: WasmBackend, xs: ArrayLike<number>) => b.fromTyped(Float32Array.from(xs), "float32");
const i32 = (b: WasmBackend, xs: ArrayLike<number>) => b.fromTyped(Int32Array.from(xs), "int32");

// ---------------------------------------------------------------------------------------------
// Module, storage

Deno.test("wasm: base64 decoder round-trips", () => {
  const bytes = new Uint8Array(1000);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919) & 255;
  for (const n of [0, 1, 2, 3, 4, 5, 999, 1000]) {
    const s = bytes.subarray(0, n);
    let bin = "";
    for (const c of s) bin += String.fromCharCode(c);
    assert.deepEqual(decodeBase64(btoa(bin)), s);
  }
  assert.throws(() => decodeBase64("ab$c"), /invalid character/);
});

Deno.test("wasm: default backend picks relaxed SIMD where supported", () => {
  const b = wasmBackend();
  assert.equal(b, wasmBackend());
  assert.equal(b.device, "cpu");
  assert.equal(b.variant, "relaxed"); // Deno (V8) supports relaxed SIMD
});

each("storage: fromTyped copies, readSync copies, read resolves", async (b) => {
  const src = new Float32Array([1, 2, 3]);
  const s = b.fromTyped(src, "float32");
  src[0] = 99;
  assert.equal(s.numel, 3);
  assert.equal(s.dtype, "float32");
  assert.equal(s.device, "cpu");
  const r = b.readSync(s);
  assert.deepEqual(r, new Float32Array([1, 2, 3]));
  r[1] = 42;
  assert.deepEqual(b.readSync(s), new Float32Array([1, 2, 3]));
  assert.deepEqual(await b.read(s), new Float32Array([1, 2, 3]));
  assert.throws(() => b.fromTyped(new Int32Array(2), "float32"), TypeError);
  assert.throws(() => b.fromTyped(new Float32Array(2), "float16"), TypeError);
  assert.ok(b.fromTyped(new Uint16Array(2), "float16") instanceof WasmStorage);
  assert.ok(b.fromTyped(new Uint8Array(2), "bool") instanceof WasmStorage);
});

each("storage: dispose drops the data and later use throws", async (b) => {
  const s = b.fromTyped(new Float32Array([1, 2]), "float32");
  assert.equal(s.disposed, false);
  s.dispose();
  s.dispose();
  assert.equal(s.disposed, true);
  assert.throws(() => s.data, /storage was disposed/);
  assert.throws(() => b.readSync(s), /storage was disposed/);
  await assert.rejects(() => b.read(s), /storage was disposed/);
  assert.throws(() => b.unary("neg", s), /storage was disposed/);
  assert.throws(() => b.binary("add", s, 1, 2, "float32"), /storage was disposed/);
});

each("full: every dtype", (b) => {
  assert.deepEqual(b.readSync(b.full("float32", 3, 1.5)), new Float32Array([1.5, 1.5, 1.5]));
  assert.deepEqual(b.readSync(b.full("int32", 2, -7)), new Int32Array([-7, -7]));
  assert.deepEqual(b.readSync(b.full("bool", 2, 5)), new Uint8Array([1, 1]));
  assert.deepEqual(b.readSync(b.full("bool", 1, 0)), new Uint8Array([0]));
  assert.deepEqual(b.readSync(b.full("uint8", 2, 200)), new Uint8Array([200, 200]));
  assert.deepEqual(b.readSync(b.full("float16", 4, 1)), new Uint16Array([0x3c00, 0x3c00, 0x3c00, 0x3c00]));
  assert.deepEqual(b.readSync(b.full("float16", 1, -2)), new Uint16Array([0xc000]));
  assert.deepEqual(b.readSync(b.full("float16", 1, 1e6)), new Uint16Array([0x7c00]));
  assert.deepEqual(b.readSync(b.full("float16", 1, NaN)), new Uint16Array([0x7e00]));
  assert.deepEqual(b.readSync(b.full("float16", 1, 6e-8)), new Uint16Array([0x0001]));
  assert.equal(b.full("float32", 0, 1).numel, 0);
});

// ---------------------------------------------------------------------------------------------
// Unary

function roundHalfEven(x: number): number {
  if (!Number.isFinite(x)) return x;
  if (Math.abs(x % 1) === 0.5) return 2 * Math.round(x / 2);
  return Math.round(x);
}

const UNARY_REF: Record<UnaryOp, (x: number) => number> = {
  neg: (x) => -x,
  abs: Math.abs,
  exp: Math.exp,
  log: Math.log,
  log1p: Math.log1p,
  sqrt: Math.sqrt,
  rsqrt: (x) => 1 / Math.fround(Math.sqrt(x)), // as PyTorch: 1 / sqrtf(x)
  sin: Math.sin,
  cos: Math.cos,
  tanh: Math.tanh,
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  relu: (x) => (Number.isNaN(x) ? NaN : x > 0 ? x : 0),
  sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : 0),
  floor: Math.floor,
  ceil: Math.ceil,
  round: roundHalfEven,
};

const SPECIALS = [
  NaN,
  Infinity,
  -Infinity,
  0,
  -0,
  1,
  -1,
  1e-40,
  -1e-40,
  3.4e38,
  -3.4e38,
  0.5,
  -0.5,
  2.5,
  -2.5,
];

/** Inputs suited to each function (ranges where results are representable and interesting). */
function unaryInputs(op: UnaryOp, n: number, r: () => number): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const u = r();
    switch (op) {
      case "exp":
        x[i] = -110 + 200 * u;
        break;
      case "log":
      case "sqrt":
      case "rsqrt":
        x[i] = Math.pow(10, -40 + 80 * u) * (r() < 0.05 ? -1 : 1);
        break;
      case "log1p":
        x[i] = r() < 0.3 ? (u - 0.5) * 1e-6 : -1 + Math.pow(10, -7 + 10 * u);
        break;
      case "sin":
      case "cos":
        x[i] = r() < 0.1 ? (u - 0.5) * 1e7 : (u - 0.5) * 200;
        break;
      case "tanh":
        x[i] = r() < 0.2 ? (u - 0.5) * 1e-3 : (u - 0.5) * 24;
        break;
      case "sigmoid":
        x[i] = (u - 0.5) * 240;
        break;
      default:
        x[i] = (u - 0.5) * 20;
    }
  }
  for (let i = 0; i < Math.min(n, SPECIALS.length); i++) if (r() < 0.5) x[Math.floor(r() * n)] = SPECIALS[i];
  return x;
}

const UNARY_ULP: Partial<Record<UnaryOp, number>> = {
  exp: 2,
  log: 2,
  log1p: 3,
  sin: 1,
  cos: 1,
  tanh: 3,
  sigmoid: 3,
};

each("unary float32: every op against Math, all sizes and specials", (b) => {
  const r = rng(1);
  for (const op of Object.keys(UNARY_REF) as UnaryOp[]) {
    for (const n of [...SIZES, 5000]) {
      const x = unaryInputs(op, n, r);
      const got = b.readSync(b.unary(op, b.fromTyped(x, "float32")));
      assert.ok(got instanceof Float32Array);
      const want = Array.from(x, (v) => Math.fround(UNARY_REF[op](v)));
      const tol = UNARY_ULP[op];
      if (tol === undefined) assertExact(got, want, `${op}(n=${n})`);
      else assertUlp(got, want, tol, `${op}(n=${n})`, x);
    }
    const specials = Float32Array.from(SPECIALS);
    const got = b.readSync(b.unary(op, b.fromTyped(specials, "float32")));
    const want = Array.from(specials, (v) => Math.fround(UNARY_REF[op](v)));
    assertUlp(got, want, UNARY_ULP[op] ?? 0, `${op}(specials)`, specials);
  }
});

each("unary float32: documented edge values", (b) => {
  const run = (op: UnaryOp, xs: number[]) => Array.from(b.readSync(b.unary(op, f32(b, xs))));
  assert.deepEqual(run("round", [0.5, 1.5, 2.5, -0.5, -2.5, 3.5, 1e8]), [0, 2, 2, -0, -2, 4, 1e8]);
  assert.deepEqual(run("sign", [NaN, -0, 0, 3, -3, Infinity]), [0, 0, 0, 1, -1, 1]);
  assert.deepEqual(run("log", [-1, 0, Infinity]), [NaN, -Infinity, Infinity]);
  assert.deepEqual(run("log1p", [-1, -2, Infinity, 0]), [-Infinity, NaN, Infinity, 0]);
  assert.deepEqual(run("rsqrt", [0, -1, -0, 4]), [Infinity, NaN, -Infinity, 0.5]);
  assert.deepEqual(run("exp", [-Infinity, Infinity, 89, -104, 0]), [0, Infinity, Infinity, 0, 1]);
  assert.deepEqual(run("tanh", [Infinity, -Infinity, 50, -0]), [1, -1, 1, -0]);
  assert.deepEqual(run("sigmoid", [Infinity, -Infinity, 0]), [1, 0, 0.5]);
  assert.ok(Number.isNaN(run("sin", [Infinity])[0]) && Number.isNaN(run("cos", [NaN])[0]));
  // subnormal results of exp
  assertUlp(
    run("exp", [-100, -103]),
    [Math.fround(Math.exp(-100)), Math.fround(Math.exp(-103))],
    1,
    "exp subnormal",
  );
});

each("unary int32: neg, abs, sign, relu; other ops are rejected", (b) => {
  const r = rng(2);
  for (const n of SIZES) {
    const x = randI32(n, r, -1000, 1000);
    if (n > 3) {
      x[0] = -2147483648;
      x[1] = 2147483647;
      x[2] = 0;
    }
    const s = b.fromTyped(x, "int32");
    assertExact(b.readSync(b.unary("neg", s)), Array.from(x, (v) => -v | 0), "neg");
    assertExact(b.readSync(b.unary("abs", s)), Array.from(x, (v) => Math.abs(v) | 0), "abs");
    assertExact(b.readSync(b.unary("sign", s)), Array.from(x, (v) => Math.sign(v)), "sign");
    assertExact(b.readSync(b.unary("relu", s)), Array.from(x, (v) => Math.max(v, 0)), "relu");
    assert.ok(b.readSync(b.unary("neg", s)) instanceof Int32Array);
  }
  assert.throws(() => b.unary("exp", i32(b, [1])), TypeError);
  assert.throws(() => b.unary("neg", b.fromTyped(new Uint8Array(1), "uint8")), TypeError);
});

// ---------------------------------------------------------------------------------------------
// Binary

/** Python's float floor division in float32 arithmetic (PyTorch's div_floor_floating). */
function floorDivF32(a: number, b: number): number {
  const f = Math.fround;
  if (b === 0) return a / b;
  const mod = a % b;
  let div = f(f(a - mod) / b);
  if (mod !== 0 && (b < 0) !== (mod < 0)) div = f(div - 1);
  if (div === 0) return 1 / (a / b) < 0 ? -0 : 0;
  let fl = Math.floor(div);
  if (f(div - fl) > 0.5) fl = f(fl + 1);
  return fl;
}

/** PyTorch's remainder: fmod, plus b when the signs of the fmod and b differ. */
function remainderOf(a: number, b: number, round: (v: number) => number): number {
  const m = a % b;
  return m !== 0 && !Number.isNaN(m) && (b < 0) !== (m < 0) ? round(m + b) : m;
}

const F32_BINARY: Record<BinaryOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: Math.pow,
  maximum: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b)),
  minimum: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.min(a, b)),
  fmod: (a, b) => a % b,
  remainder: (a, b) => remainderOf(a, b, Math.fround),
  floorDivide: floorDivF32,
  eq: (a, b) => +(a === b),
  ne: (a, b) => +(a !== b),
  lt: (a, b) => +(a < b),
  le: (a, b) => +(a <= b),
  gt: (a, b) => +(a > b),
  ge: (a, b) => +(a >= b),
};

function ipow(b: number, e: number): number {
  if (e < 0) return b === 1 ? 1 : b === -1 ? (e & 1 ? -1 : 1) : 0;
  let r = 1, base = b, k = e;
  while (k) {
    if (k & 1) r = Math.imul(r, base);
    base = Math.imul(base, base);
    k >>>= 1;
  }
  return r;
}

const I32_BINARY: Partial<Record<BinaryOp, (a: number, b: number) => number>> = {
  add: (a, b) => (a + b) | 0,
  sub: (a, b) => (a - b) | 0,
  mul: Math.imul,
  pow: ipow,
  maximum: Math.max,
  minimum: Math.min,
  // A zero divisor gives 0 (the front end refuses it first); INT_MIN / -1 wraps.
  fmod: (a, b) => (b === 0 || b === -1 ? 0 : a % b),
  remainder: (a, b) => (b === 0 || b === -1 ? 0 : remainderOf(a, b, (v) => v | 0)),
  floorDivide: (a, b) => (b === 0 ? 0 : b === -1 ? -a | 0 : Math.floor(a / b)),
  eq: F32_BINARY.eq,
  ne: F32_BINARY.ne,
  lt: F32_BINARY.lt,
  le: F32_BINARY.le,
  gt: F32_BINARY.gt,
  ge: F32_BINARY.ge,
};

const IS_CMP = new Set(["eq", "ne", "lt", "le", "gt", "ge"]);

/** Operand layouts: [a length, b length] as functions of numel (number means a JS scalar). */
type Mode = "full" | "scalar" | number; // number: tile length
const MODES: [Mode, Mode][] = [
  ["full", "full"],
  ["full", "scalar"],
  ["scalar", "full"],
  ["scalar", "scalar"],
  ["full", 1],
  [1, "full"],
  ["full", 3],
  ["full", 8],
  ["full", 17],
  [3, "full"],
  [17, "full"],
  [3, 3],
];

function binaryCase(
  b: WasmBackend,
  op: BinaryOp,
  dtype: "float32" | "int32",
  n: number,
  modes: [Mode, Mode],
  r: () => number,
) {
  const tiles = modes.map((m) => (m === "full" ? n : m === "scalar" ? 1 : m));
  if (tiles.some((t) => n % t !== 0)) return;
  const gen = (len: number) => {
    if (dtype === "int32") return op === "pow" ? randI32(len, r, -5, 5) : randI32(len, r, -50, 50);
    const x = op === "pow" ? randF32(len, r, 0, 4) : randF32(len, r, -3, 3);
    // Ties and NaN for comparisons / maximum / minimum.
    for (let i = 0; i < len; i++) {
      if (r() < 0.1) x[i] = 1;
      if (r() < 0.03 && op !== "pow") x[i] = NaN;
    }
    return x;
  };
  const data = tiles.map((t) => gen(t));
  const operands = modes.map((m, i) => {
    if (m === "scalar") return data[i][0];
    return b.fromTyped(data[i], dtype);
  });
  const out = b.readSync(b.binary(op, operands[0], operands[1], n, dtype));
  const ref = dtype === "float32" ? F32_BINARY[op] : I32_BINARY[op]!;
  const want = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const v = ref(data[0][i % tiles[0]], data[1][i % tiles[1]]);
    want[i] = IS_CMP.has(op) ? v : dtype === "float32" ? Math.fround(v) : v | 0;
  }
  const what = `${op} ${dtype} n=${n} modes=${modes}`;
  if (IS_CMP.has(op)) assert.ok(out instanceof Uint8Array, what);
  else assert.ok(out instanceof (dtype === "float32" ? Float32Array : Int32Array), what);
  if (op === "pow" && dtype === "float32") assertUlp(out, want, 1, what);
  else assertExact(out, want, what);
}

each("binary float32: every op, every operand layout, SIMD tails", (b) => {
  const r = rng(3);
  for (const op of Object.keys(F32_BINARY) as BinaryOp[]) {
    for (const n of [1, 3, 4, 17, 24, 33, 51, 127, 1000]) {
      for (const m of MODES) binaryCase(b, op, "float32", n, m, r);
    }
  }
});

each("binary int32: every op, every operand layout", (b) => {
  const r = rng(4);
  for (const op of Object.keys(I32_BINARY) as BinaryOp[]) {
    for (const n of [1, 3, 4, 17, 24, 33, 51, 127, 1000]) {
      for (const m of MODES) binaryCase(b, op, "int32", n, m, r);
    }
  }
  assertExact(
    b.readSync(
      b.binary("pow", i32(b, [2, 3, -2, 5, 1, -1, 0]), i32(b, [10, 3, 31, 0, -3, -3, 0]), 7, "int32"),
    ),
    [1024, 27, -2147483648, 1, 1, -1, 1],
    "pow int32",
  );
  assert.throws(() => b.binary("div", i32(b, [1]), 1, 1, "int32"), TypeError);
});

each("binary: float32 special cases", (b) => {
  const x = f32(b, [NaN, 1, -0, 0, Infinity, -Infinity]);
  const y = f32(b, [1, NaN, 0, -0, Infinity, 1]);
  assertExact(b.readSync(b.binary("maximum", x, y, 6, "float32")), [NaN, NaN, 0, 0, Infinity, 1], "maximum");
  assertExact(
    b.readSync(b.binary("minimum", x, y, 6, "float32")),
    [NaN, NaN, -0, -0, Infinity, -Infinity],
    "minimum",
  );
  assertExact(b.readSync(b.binary("eq", x, y, 6, "float32")), [0, 0, 1, 1, 1, 0], "eq");
  assertExact(b.readSync(b.binary("ne", x, y, 6, "float32")), [1, 1, 0, 0, 0, 1], "ne");
  // Scalar exponents with fast paths keep PyTorch's results.
  const p = f32(b, [4, -0, 2, -8, 0]);
  assertExact(
    b.readSync(b.binary("pow", p, 0.5, 5, "float32")),
    [2, -0, Math.fround(Math.SQRT2), NaN, 0],
    "pow 0.5",
  );
  assertExact(b.readSync(b.binary("pow", p, 2, 5, "float32")), [16, 0, 4, 64, 0], "pow 2");
  assertExact(
    b.readSync(b.binary("pow", p, -1, 5, "float32")),
    [0.25, -Infinity, 0.5, -0.125, Infinity],
    "pow -1",
  );
  assertExact(b.readSync(b.binary("pow", p, 1, 5, "float32")), [4, -0, 2, -8, 0], "pow 1");
  assertUlp(
    b.readSync(b.binary("pow", p, -0.5, 5, "float32")),
    [0.5, -Infinity, Math.fround(Math.SQRT1_2), NaN, Infinity],
    1,
    "pow -0.5",
  );
  assertExact(b.readSync(b.binary("pow", p, 3, 5, "float32")), [64, -0, 8, -512, 0], "pow 3");
  assertExact(b.readSync(b.binary("pow", 2, p, 5, "float32")), [16, 1, 4, 1 / 256, 1], "scalar base");
});

each("binary: the same storage on both sides", (b) => {
  const x = f32(b, [1, -2, 3, 0.5, 7]);
  assertExact(b.readSync(b.binary("mul", x, x, 5, "float32")), [1, 4, 9, 0.25, 49], "x * x");
  assertExact(b.readSync(b.binary("sub", x, x, 5, "float32")), [0, 0, 0, 0, 0], "x - x");
  const t = f32(b, [1, 2]);
  assertExact(b.readSync(b.binary("add", t, t, 4, "float32")), [2, 4, 2, 4], "tiled x + x");
});

each("binary: bad operands are rejected", (b) => {
  assert.throws(() => b.binary("add", f32(b, [1, 2, 3]), 1, 4, "float32"), /does not tile/);
  assert.throws(() => b.binary("add", i32(b, [1, 2]), 1, 2, "float32"), /int32, expected float32/);
  assert.equal(b.binary("lt", f32(b, []), 1, 0, "float32").dtype, "bool");
});

// ---------------------------------------------------------------------------------------------
// where

each("where: 4-, 2- and 1-byte elements", (b) => {
  const r = rng(5);
  const cases: [DType, (n: number) => TypedArray][] = [
    ["float32", (n) => randF32(n, r)],
    ["int32", (n) => randI32(n, r)],
    ["float16", (n) => Uint16Array.from({ length: n }, () => Math.floor(r() * 65536))],
    ["uint8", (n) => Uint8Array.from({ length: n }, () => Math.floor(r() * 256))],
    ["bool", (n) => Uint8Array.from({ length: n }, () => (r() < 0.5 ? 1 : 0))],
  ];
  for (const [dtype, gen] of cases) {
    for (const n of [...SIZES, 4099]) {
      const c = Uint8Array.from({ length: n }, () => (r() < 0.5 ? 1 : 0));
      const x = gen(n), y = gen(n);
      const out = b.readSync(b.where(b.fromTyped(c, "bool"), b.fromTyped(x, dtype), b.fromTyped(y, dtype)));
      assert.equal(out.constructor, x.constructor);
      assertExact(out, Array.from(c, (v, i) => (v ? x[i] : y[i])), `where ${dtype} n=${n}`);
    }
  }
  assert.throws(() => b.where(f32(b, [1]), f32(b, [1]), f32(b, [1])), /condition must be bool/);
  assert.throws(() => b.where(b.fromTyped(new Uint8Array(2), "bool"), f32(b, [1]), f32(b, [1])), RangeError);
});

// ---------------------------------------------------------------------------------------------
// copy

function refCopy(
  src: TypedArray,
  srcOffset: number,
  srcStrides: number[],
  dst: TypedArray,
  dstOffset: number,
  dstStrides: number[],
  shape: number[],
) {
  const idx = new Array(shape.length).fill(0);
  const total = shape.reduce((a, b) => a * b, 1);
  for (let t = 0; t < total; t++) {
    let s = srcOffset, d = dstOffset;
    for (let k = 0; k < shape.length; k++) {
      s += idx[k] * srcStrides[k];
      d += idx[k] * dstStrides[k];
    }
    dst[d] = src[s];
    for (let k = shape.length - 1; k >= 0; k--) {
      if (++idx[k] < shape[k]) break;
      idx[k] = 0;
    }
  }
}

function contiguousStrides(shape: number[]): number[] {
  const st = new Array(shape.length);
  let acc = 1;
  for (let k = shape.length - 1; k >= 0; k--) {
    st[k] = acc;
    acc *= shape[k];
  }
  return st;
}

each("copy: arbitrary strides, broadcasts, offsets, permutations, every element size", (b) => {
  const r = rng(6);
  const dtypes: DType[] = ["float32", "int32", "float16", "uint8", "bool"];
  for (let trial = 0; trial < 300; trial++) {
    const dtype = dtypes[trial % dtypes.length];
    const rank = Math.floor(r() * 5);
    const shape = Array.from({ length: rank }, () => 1 + Math.floor(r() * (trial % 7 === 0 ? 40 : 6)));
    // Source: a permuted, possibly stepped and broadcast view of a bigger buffer.
    const srcStrides = new Array<number>(rank);
    let span = 1;
    const perm = Array.from({ length: rank }, (_, i) => i).sort(() => r() - 0.5);
    for (const k of perm) {
      const step = r() < 0.2 ? 0 : 1 + Math.floor(r() * 2);
      srcStrides[k] = step * span;
      span *= shape[k] * Math.max(step, 1);
    }
    const srcOffset = Math.floor(r() * 5);
    const srcLen = srcOffset + span + Math.floor(r() * 3);
    // Destination: contiguous, transposed, or stepped.
    const dshape = shape.slice();
    let dstStrides = contiguousStrides(dshape);
    let dspan = dshape.reduce((a, v) => a * v, 1);
    if (r() < 0.5 && rank > 1) {
      const dperm = Array.from({ length: rank }, (_, i) => i).sort(() => r() - 0.5);
      dstStrides = new Array(rank);
      let acc = 1;
      for (const k of dperm) {
        dstStrides[k] = acc * (r() < 0.3 ? 2 : 1);
        acc = dstStrides[k] * shape[k];
      }
      dspan = acc;
    }
    const dstOffset = Math.floor(r() * 4);
    const dstLen = dstOffset + dspan + 2;
    const gen = (n: number): TypedArray => {
      switch (dtype) {
        case "float32":
          return randF32(n, r);
        case "int32":
          return randI32(n, r);
        case "float16":
          return Uint16Array.from({ length: n }, () => Math.floor(r() * 65536));
        default:
          return Uint8Array.from({ length: n }, () => Math.floor(r() * 2));
      }
    };
    const srcData = gen(srcLen), dstData = gen(dstLen);
    const src = b.fromTyped(srcData, dtype), dst = b.fromTyped(dstData, dtype);
    const want = dstData.slice();
    refCopy(srcData, srcOffset, srcStrides, want, dstOffset, dstStrides, shape);
    b.copy(src, srcOffset, srcStrides, dst, dstOffset, dstStrides, shape);
    assertExact(
      b.readSync(dst),
      want,
      `copy ${dtype} shape=[${shape}] src=[${srcStrides}]@${srcOffset} dst=[${dstStrides}]@${dstOffset}`,
    );
    assertExact(b.readSync(src), srcData, "copy leaves the source alone");
  }
});

each("copy: large transpose and 2-d views", (b) => {
  const r = rng(7);
  for (const [rows, cols] of [[300, 257], [64, 1000], [1, 500], [500, 1]]) {
    const x = randF32(rows * cols, r);
    const src = b.fromTyped(x, "float32");
    const dst = b.full("float32", rows * cols, 0);
    b.copy(src, 0, [1, cols], dst, 0, [rows, 1], [cols, rows]); // dst = x^T
    const want = new Float32Array(rows * cols);
    refCopy(x, 0, [1, cols], want, 0, [rows, 1], [cols, rows]);
    assertExact(b.readSync(dst), want, `transpose ${rows}x${cols}`);
  }
  // A column of a matrix into a strided slot of another.
  const src = b.fromTyped(Float32Array.from({ length: 12 }, (_, i) => i), "float32");
  const dst = b.full("float32", 12, -1);
  b.copy(src, 1, [4], dst, 2, [3], [3]);
  assertExact(b.readSync(dst), [-1, -1, 1, -1, -1, 5, -1, -1, 9, -1, -1, -1], "column copy");
  // 0-d copy and empty shapes.
  b.copy(src, 7, [], dst, 0, [], []);
  assert.equal(b.readSync(dst)[0], 7);
  b.copy(src, 0, [1, 1], dst, 0, [1, 1], [0, 5]);
});

each("copy: negative strides (flips) and overlapping copies within one storage", (b) => {
  const x = Float32Array.from({ length: 24 }, (_, i) => i);
  // Flip both axes of a [4, 6] matrix into a fresh buffer.
  const src = b.fromTyped(x, "float32");
  const dst = b.full("float32", 24, 0);
  b.copy(src, 23, [-6, -1], dst, 0, [6, 1], [4, 6]);
  assertExact(b.readSync(dst), Array.from(x).reverse(), "flip");
  // Shift right by one inside the same storage: reads see the values before the copy.
  const same = b.fromTyped(x, "float32");
  b.copy(same, 0, [1], same, 1, [1], [23]);
  assertExact(b.readSync(same), [0, ...Array.from(x.subarray(0, 23))], "overlap");
  // Transpose in place of a strided view onto itself (square block).
  const sq = b.fromTyped(Float32Array.from({ length: 9 }, (_, i) => i), "float32");
  b.copy(sq, 0, [1, 3], sq, 0, [3, 1], [3, 3]);
  assertExact(b.readSync(sq), [0, 3, 6, 1, 4, 7, 2, 5, 8], "self transpose");
});

each("copy: views outside the storage and dtype mismatches are rejected", (b) => {
  const s = b.full("float32", 10, 1), d = b.full("float32", 10, 0);
  assert.throws(() => b.copy(s, 5, [1], d, 0, [1], [6]), RangeError);
  assert.throws(() => b.copy(s, 0, [1], d, 8, [1], [3]), RangeError);
  assert.throws(() => b.copy(s, 0, [1], b.full("int32", 10, 0), 0, [1], [3]), TypeError);
  assert.throws(() => b.copy(s, 0, [1, 1], d, 0, [1], [3]), RangeError);
  assertExact(b.readSync(d), new Array(10).fill(0), "untouched");
});

// ---------------------------------------------------------------------------------------------
// cast

/** Independent reference: float32 value -> IEEE half bits, round to nearest even. */
function refF16(v: number): number {
  const x = Math.fround(v);
  if (Number.isNaN(x)) return 0x7e00 | (Object.is(Math.sign(x), -1) ? 0x8000 : 0);
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  if (a === Infinity) return sign | 0x7c00;
  const rne = (q: number) => {
    const f = Math.floor(q), d = q - f;
    return d > 0.5 || (d === 0.5 && f % 2 === 1) ? f + 1 : f;
  };
  if (a < Math.pow(2, -14)) return sign | rne(a / Math.pow(2, -24)); // may round up to 0x400
  let e = Math.floor(Math.log2(a));
  if (Math.pow(2, e) > a) e--;
  if (Math.pow(2, e + 1) <= a) e++;
  let m = rne((a / Math.pow(2, e) - 1) * 1024);
  if (m === 1024) {
    m = 0;
    e++;
  }
  if (e > 15) return sign | 0x7c00;
  return sign | ((e + 15) << 10) | m;
}

function refF16ToF32(h: number): number {
  const s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 31, m = h & 1023;
  if (e === 0) return s * m * Math.pow(2, -24);
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * Math.pow(2, e - 15);
}

each("cast: float16 <-> float32 exhaustively and with rounding edges", (b) => {
  const all = Uint16Array.from({ length: 65536 }, (_, i) => i);
  const asF32 = b.readSync(b.cast(b.fromTyped(all, "float16"), "float32"));
  assertExact(asF32, Array.from(all, refF16ToF32), "f16 -> f32 (all 65536)");
  const back = b.readSync(b.cast(b.fromTyped(asF32 as Float32Array, "float32"), "float16"));
  // Every half round-trips; NaNs come back as the canonical quiet NaN with their sign.
  assertExact(
    back,
    Array.from(all, (h) => ((h & 0x7c00) === 0x7c00 && (h & 0x3ff) ? (h & 0x8000) | 0x7e00 : h)),
    "round trip",
  );
  const r = rng(8);
  const xs = [
    65504,
    65519.99,
    65520,
    1e6,
    -65520,
    Math.pow(2, -24),
    Math.pow(2, -25),
    Math.pow(2, -25) * 1.0001,
    3 * Math.pow(2, -26),
    Math.pow(2, -14),
    Math.pow(2, -14) * (1 - Math.pow(2, -12)),
    1 + Math.pow(2, -11),
    1 + 3 * Math.pow(2, -11),
    -0,
    0,
    NaN,
    Infinity,
    -Infinity,
    1e-45,
    1e-30,
  ];
  for (let i = 0; i < 5000; i++) {
    const e = Math.floor(r() * 60) - 30;
    xs.push((r() - 0.5) * Math.pow(2, e));
  }
  const x = Float32Array.from(xs);
  const h = b.readSync(b.cast(b.fromTyped(x, "float32"), "float16"));
  assertExact(h, Array.from(x, refF16), "f32 -> f16");
  const F16 =
    (globalThis as unknown as { Float16Array?: new (xs: number[]) => { buffer: ArrayBuffer } }).Float16Array;
  if (F16) {
    // Cross-check with the platform's own conversion where available.
    const native = new Uint16Array(new F16(Array.from(x)).buffer);
    assertExact(
      Array.from(h, (v) => ((v & 0x7c00) === 0x7c00 && (v & 0x3ff) ? 0x7e00 : v)),
      Array.from(native, (v) => ((v & 0x7c00) === 0x7c00 && (v & 0x3ff) ? 0x7e00 : v)),
      "f32 -> f16 vs Float16Array",
    );
  }
});

each("cast: between all dtypes", (b) => {
  const vals = [
    0,
    -0,
    1,
    -1,
    1.5,
    -1.5,
    2.7,
    -2.7,
    255,
    256,
    300.7,
    -300.7,
    3e9,
    -3e9,
    NaN,
    Infinity,
    -Infinity,
    1e-3,
  ];
  const x = Float32Array.from(vals);
  // float -> int as PyTorch on x86: truncate; NaN, inf and out of range give INT32_MIN.
  const toI = (
    v: number,
  ) => (Number.isFinite(v) && Math.abs(v) < 2147483648 ? Math.trunc(v) | 0 : -2147483648);
  const sx = b.fromTyped(x, "float32");
  assertExact(b.readSync(b.cast(sx, "int32")), vals.map((v) => toI(Math.fround(v))), "f32 -> i32");
  assertExact(b.readSync(b.cast(sx, "uint8")), vals.map((v) => toI(Math.fround(v)) & 255), "f32 -> u8");
  assertExact(b.readSync(b.cast(sx, "bool")), vals.map((v) => (v !== 0 ? 1 : 0)), "f32 -> bool");
  const h = b.cast(sx, "float16");
  const hf = b.readSync(b.cast(h, "float32"));
  assertExact(b.readSync(b.cast(h, "int32")), Array.from(hf, toI), "f16 -> i32");
  assertExact(b.readSync(b.cast(h, "uint8")), Array.from(hf, (v) => toI(v) & 255), "f16 -> u8");
  assertExact(b.readSync(b.cast(h, "bool")), Array.from(hf, (v) => (v !== 0 ? 1 : 0)), "f16 -> bool");

  const ints = [0, 1, -1, 255, 256, 300, -300, 2147483647, -2147483648, 16777217, 65504, 65520, 100000];
  const si = b.fromTyped(Int32Array.from(ints), "int32");
  assertExact(b.readSync(b.cast(si, "float32")), ints.map(Math.fround), "i32 -> f32");
  assertExact(b.readSync(b.cast(si, "float16")), ints.map((v) => refF16(Math.fround(v))), "i32 -> f16");
  assertExact(b.readSync(b.cast(si, "uint8")), ints.map((v) => v & 255), "i32 -> u8");
  assertExact(b.readSync(b.cast(si, "bool")), ints.map((v) => (v !== 0 ? 1 : 0)), "i32 -> bool");

  const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
  const su = b.fromTyped(bytes, "uint8");
  assertExact(b.readSync(b.cast(su, "float32")), Array.from(bytes), "u8 -> f32");
  assertExact(b.readSync(b.cast(su, "int32")), Array.from(bytes), "u8 -> i32");
  assertExact(b.readSync(b.cast(su, "float16")), Array.from(bytes, refF16), "u8 -> f16");
  assertExact(b.readSync(b.cast(su, "bool")), Array.from(bytes, (v) => (v ? 1 : 0)), "u8 -> bool");
  const bools = b.fromTyped(Uint8Array.from([0, 1, 1, 0, 1]), "bool");
  assertExact(b.readSync(b.cast(bools, "float32")), [0, 1, 1, 0, 1], "bool -> f32");
  assertExact(b.readSync(b.cast(bools, "int32")), [0, 1, 1, 0, 1], "bool -> i32");
  assertExact(b.readSync(b.cast(bools, "uint8")), [0, 1, 1, 0, 1], "bool -> u8");
  assertExact(b.readSync(b.cast(bools, "float16")), [0, 0x3c00, 0x3c00, 0, 0x3c00], "bool -> f16");
  // Same dtype copies; result typed arrays match the dtype; sizes hit SIMD tails.
  const same = b.cast(sx, "float32");
  assert.notEqual(same, sx);
  assertExact(b.readSync(same), x, "identity");
  const r = rng(9);
  for (const n of SIZES) {
    const y = randF32(n, r, -300, 300);
    const out = b.readSync(b.cast(b.fromTyped(y, "float32"), "int32"));
    assert.ok(out instanceof Int32Array);
    assertExact(out, Array.from(y, toI), `f32 -> i32 n=${n}`);
    const o8 = b.readSync(b.cast(b.fromTyped(y, "float32"), "uint8"));
    assert.ok(o8 instanceof Uint8Array);
    assertExact(o8, Array.from(y, (v) => toI(v) & 255), `f32 -> u8 n=${n}`);
  }
});

// ---------------------------------------------------------------------------------------------
// Reductions

function refReduce(
  op: ReduceOp,
  x: ArrayLike<number>,
  outer: number,
  len: number,
  inner: number,
  isF32: boolean,
) {
  const out: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const at = (j: number) => x[(o * len + j) * inner + i];
      let acc: number;
      switch (op) {
        case "sum":
          acc = 0;
          for (let j = 0; j < len; j++) acc = isF32 ? acc + at(j) : (acc + at(j)) | 0;
          break;
        case "prod":
          acc = 1;
          for (let j = 0; j < len; j++) acc = isF32 ? acc * at(j) : Math.imul(acc, at(j));
          break;
        case "max":
        case "min": {
          acc = op === "max" ? -Infinity : Infinity;
          for (let j = 0; j < len; j++) {
            const v = at(j);
            if (Number.isNaN(v)) {
              acc = NaN;
              break;
            }
            acc = op === "max" ? Math.max(acc, v) : Math.min(acc, v);
          }
          break;
        }
        default: {
          let best = 0;
          for (let j = 1; j < len; j++) {
            const v = at(j), bv = at(best);
            if (Number.isNaN(bv)) break;
            if (Number.isNaN(v) || (op === "argmax" ? v > bv : v < bv)) best = j;
          }
          acc = best;
        }
      }
      out.push(isF32 && op !== "argmax" && op !== "argmin" ? Math.fround(acc) : acc);
    }
  }
  return out;
}

const LAYOUTS: [number, number, number][] = [
  [1, 1, 1],
  [1, 3, 1],
  [2, 17, 1],
  [3, 33, 1],
  [1, 127, 1],
  [2, 1000, 1],
  [1, 5, 3],
  [2, 7, 4],
  [3, 9, 5],
  [1, 33, 16],
  [2, 3, 17],
  [1, 300, 33],
  [4, 1, 7],
  [1, 2, 100],
  [2, 3, 1500], // column chunks of the row-streaming path
  [1, 300, 1030],
];

each("reduce float32: sum, prod, max, min, argmax, argmin over [outer, len, inner]", (b) => {
  const r = rng(10);
  for (const op of ["sum", "prod", "max", "min", "argmax", "argmin"] as ReduceOp[]) {
    for (const [outer, len, inner] of LAYOUTS) {
      for (const withNaN of [false, true]) {
        const n = outer * len * inner;
        const x = op === "prod" ? randF32(n, r, 0.9, 1.1) : randF32(n, r, -10, 10);
        // Ties: repeat a few values so first-index semantics matter.
        for (let i = 0; i < n; i++) if (r() < 0.2) x[i] = 10;
        if (withNaN) { for (let i = 0; i < n; i++) if (r() < 0.05) x[i] = NaN; }
        const out = b.readSync(b.reduce(op, b.fromTyped(x, "float32"), outer, len, inner));
        const want = refReduce(op, x, outer, len, inner, true);
        const what = `${op} [${outer}, ${len}, ${inner}] nan=${withNaN}`;
        if (op === "argmax" || op === "argmin") {
          assert.ok(out instanceof Int32Array, what);
          assertExact(out, want, what);
        } else if (op === "max" || op === "min") {
          assertExact(out, want, what);
        } else {
          assertClose(out, want, 1e-5, op === "sum" ? 1e-5 * len : 0, what);
        }
      }
    }
  }
});

each("reduce int32: every op, wrapping", (b) => {
  const r = rng(11);
  for (const op of ["sum", "prod", "max", "min", "argmax", "argmin"] as ReduceOp[]) {
    for (const [outer, len, inner] of LAYOUTS) {
      const n = outer * len * inner;
      const x = op === "prod" ? randI32(n, r, -3, 3) : randI32(n, r, -1e9, 1e9);
      for (let i = 0; i < n; i++) if (r() < 0.2) x[i] = op === "argmin" ? -1e9 : 1e9;
      const out = b.readSync(b.reduce(op, b.fromTyped(x, "int32"), outer, len, inner));
      assert.ok(out instanceof Int32Array);
      assertExact(out, refReduce(op, x, outer, len, inner, false), `${op} i32 [${outer}, ${len}, ${inner}]`);
    }
  }
});

each("reduce: long float32 sums stay accurate; empty dims", (b) => {
  const r = rng(12);
  for (const n of [1 << 20, 1_000_003]) {
    const x = randF32(n, r, 0, 1);
    let exact = 0;
    for (const v of x) exact += v;
    const got = b.readSync(b.reduce("sum", b.fromTyped(x, "float32"), 1, n, 1))[0];
    assert.ok(Math.abs(got - exact) / exact < 2e-7, `sum of ${n}: ${got} vs ${exact}`);
    // Down long columns too (narrow: column strips; wide: row streaming).
    for (const inner of [8, 40]) {
      const len = Math.floor((8 * 65536) / inner);
      const col = b.readSync(
        b.reduce("sum", b.fromTyped(x.subarray(0, len * inner), "float32"), 1, len, inner),
      );
      for (let i = 0; i < inner; i++) {
        let e = 0;
        for (let j = 0; j < len; j++) e += x[j * inner + i];
        assert.ok(Math.abs(col[i] - e) / e < 1e-6, `column sum ${col[i]} vs ${e}`);
      }
    }
  }
  assertExact(b.readSync(b.reduce("sum", b.full("float32", 0, 0), 2, 0, 3)), [0, 0, 0, 0, 0, 0], "empty sum");
  assertExact(b.readSync(b.reduce("prod", b.full("int32", 0, 0), 2, 0, 1)), [1, 1], "empty prod");
  assert.throws(() => b.reduce("max", b.full("float32", 0, 0), 1, 0, 1), RangeError);
  assert.throws(() => b.reduce("sum", b.full("float32", 5, 0), 1, 4, 1), RangeError);
  assert.equal(b.reduce("argmax", b.full("float32", 0, 0), 0, 3, 1).numel, 0);
});

each("cumsum: float32 (accumulated in float64) and int32 (wrapping)", (b) => {
  const r = rng(13);
  for (const [outer, len, inner] of LAYOUTS) {
    const n = outer * len * inner;
    const x = randF32(n, r, -1e4, 1e4);
    const out = b.readSync(b.cumsum(b.fromTyped(x, "float32"), outer, len, inner));
    const want = new Float32Array(n);
    const xi = randI32(n, r, -2e9, 2e9);
    const outI = b.readSync(b.cumsum(b.fromTyped(xi, "int32"), outer, len, inner));
    const wantI = new Int32Array(n);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        let acc = 0, accI = 0;
        for (let j = 0; j < len; j++) {
          const k = (o * len + j) * inner + i;
          acc += x[k];
          want[k] = acc;
          accI = (accI + xi[k]) | 0;
          wantI[k] = accI;
        }
      }
    }
    assertExact(out, want, `cumsum f32 [${outer}, ${len}, ${inner}]`);
    assertExact(outI, wantI, `cumsum i32 [${outer}, ${len}, ${inner}]`);
  }
  // Float64 accumulation, as PyTorch's CPU cumsum.
  assertExact(
    b.readSync(b.cumsum(f32(b, [1e8, 1, 1, 1, -1e8]), 1, 5, 1)),
    [1e8, 1e8, 1e8, 1e8, 3],
    "f64 acc",
  );
});

// ---------------------------------------------------------------------------------------------
// softmax

each("softmax and log-softmax: rows, stability, -inf and NaN", (b) => {
  const r = rng(14);
  for (const [rows, cols] of [[1, 1], [3, 3], [2, 17], [5, 33], [4, 127], [3, 1000], [1, 4099]]) {
    const x = randF32(rows * cols, r, -20, 20);
    if (rows > 2) { for (let j = 0; j < cols; j++) x[cols + j] += 1000; // large values: stability
     }
    const s = b.fromTyped(x, "float32");
    const sm = b.readSync(b.softmax(s, rows, cols, false));
    const ls = b.readSync(b.softmax(s, rows, cols, true));
    const wantS: number[] = [], wantL: number[] = [];
    for (let i = 0; i < rows; i++) {
      const row = Array.from(x.subarray(i * cols, (i + 1) * cols));
      const m = Math.max(...row);
      const z = row.reduce((a, v) => a + Math.exp(v - m), 0);
      for (const v of row) {
        wantS.push(Math.exp(v - m) / z);
        wantL.push(v - m - Math.log(z));
      }
    }
    assertClose(sm, wantS, 1e-5, 1e-12, `softmax [${rows}, ${cols}]`);
    assertClose(ls, wantL, 1e-5, 1e-5, `logSoftmax [${rows}, ${cols}]`);
  }
  const sp = b.readSync(b.softmax(f32(b, [0, -Infinity, 0, NaN, 1, 2]), 2, 3, false));
  assertClose(sp.subarray(0, 3), [0.5, 0, 0.5], 1e-6, 0, "softmax -inf");
  assert.ok(Array.from(sp.subarray(3)).every(Number.isNaN), "NaN row");
  const lp = b.readSync(b.softmax(f32(b, [0, -Infinity, 0]), 1, 3, true));
  assertClose(lp, [-Math.LN2, -Infinity, -Math.LN2], 1e-6, 0, "logSoftmax -inf");
  assert.throws(() => b.softmax(i32(b, [1]), 1, 1, false), TypeError);
});

// ---------------------------------------------------------------------------------------------
// matmul

function refMatmul(
  a: ArrayLike<number>,
  bm: ArrayLike<number>,
  args: MatmulArgs,
  isF32: boolean,
): { c: number[]; scale: number[] } {
  const { batch, m, k, n, aBatchStride, bBatchStride, transA, transB } = args;
  const c: number[] = [], scale: number[] = [];
  for (let t = 0; t < batch; t++) {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let acc = 0, abs = 0;
        for (let p = 0; p < k; p++) {
          const av = a[t * aBatchStride + (transA ? p * m + i : i * k + p)];
          const bv = bm[t * bBatchStride + (transB ? j * k + p : p * n + j)];
          if (isF32) {
            acc += av * bv;
            abs += Math.abs(av * bv);
          } else {
            acc = (acc + Math.imul(av, bv)) | 0;
          }
        }
        c.push(acc);
        scale.push(abs);
      }
    }
  }
  return { c, scale };
}

function matmulCase(b: WasmBackend, args: MatmulArgs, dtype: "float32" | "int32", r: () => number) {
  const { batch, m, k, n, aBatchStride, bBatchStride } = args;
  const aLen = Math.max(0, (batch - 1) * aBatchStride) + m * k;
  const bLen = Math.max(0, (batch - 1) * bBatchStride) + k * n;
  const a = dtype === "float32" ? randF32(aLen, r) : randI32(aLen, r, -1000, 1000);
  const bm = dtype === "float32" ? randF32(bLen, r) : randI32(bLen, r, -1000, 1000);
  const out = b.readSync(b.matmul(b.fromTyped(a, dtype), b.fromTyped(bm, dtype), args));
  const { c, scale } = refMatmul(a, bm, args, dtype === "float32");
  const what = `matmul ${dtype} ${JSON.stringify(args)}`;
  assert.equal(out.length, batch * m * n, what);
  if (dtype === "int32") {
    assert.ok(out instanceof Int32Array);
    assertExact(out, c, what);
    return;
  }
  assert.ok(out instanceof Float32Array);
  for (let i = 0; i < c.length; i++) {
    if (!(Math.abs(out[i] - c[i]) <= 1e-6 * scale[i] + 1e-30)) {
      assert.fail(`${what}[${i}]: got ${out[i]}, want ${c[i]}`);
    }
  }
}

each("matmul float32: all transposes, sizes off the tile grid", (b) => {
  const r = rng(15);
  const sizes = [1, 2, 3, 5, 6, 7, 8, 9, 13, 17, 33];
  for (const transA of [false, true]) {
    for (const transB of [false, true]) {
      for (let t = 0; t < 30; t++) {
        const m = sizes[Math.floor(r() * sizes.length)];
        const k = sizes[Math.floor(r() * sizes.length)];
        const n = sizes[Math.floor(r() * sizes.length)];
        matmulCase(b, { batch: 1, m, k, n, aBatchStride: 0, bBatchStride: 0, transA, transB }, "float32", r);
      }
      // Crossing the KC (256), MC (120) and NR blocks.
      matmulCase(
        b,
        { batch: 1, m: 125, k: 300, n: 70, aBatchStride: 0, bBatchStride: 0, transA, transB },
        "float32",
        r,
      );
      matmulCase(
        b,
        { batch: 1, m: 7, k: 513, n: 9, aBatchStride: 0, bBatchStride: 0, transA, transB },
        "float32",
        r,
      );
    }
  }
});

each("matmul float32: batches, broadcast batch strides, k = 0", (b) => {
  const r = rng(16);
  for (const transA of [false, true]) {
    for (const transB of [false, true]) {
      const [m, k, n] = [5, 11, 9];
      matmulCase(
        b,
        { batch: 3, m, k, n, aBatchStride: m * k, bBatchStride: k * n, transA, transB },
        "float32",
        r,
      );
      matmulCase(
        b,
        { batch: 4, m, k, n, aBatchStride: 0, bBatchStride: k * n, transA, transB },
        "float32",
        r,
      );
      matmulCase(
        b,
        { batch: 4, m, k, n, aBatchStride: m * k, bBatchStride: 0, transA, transB },
        "float32",
        r,
      );
      matmulCase(
        b,
        { batch: 2, m: 13, k: 40, n: 19, aBatchStride: 0, bBatchStride: 0, transA, transB },
        "float32",
        r,
      );
    }
  }
  const z = b.readSync(b.matmul(b.full("float32", 0, 0), b.full("float32", 0, 0), {
    batch: 2,
    m: 2,
    k: 0,
    n: 3,
    aBatchStride: 0,
    bBatchStride: 0,
    transA: false,
    transB: false,
  }));
  assertExact(z, new Array(12).fill(0), "k = 0");
  assert.throws(
    () =>
      b.matmul(b.full("float32", 5, 0), b.full("float32", 6, 0), {
        batch: 1,
        m: 2,
        k: 3,
        n: 2,
        aBatchStride: 0,
        bBatchStride: 0,
        transA: false,
        transB: false,
      }),
    RangeError,
  );
});

each("matmul float32: NaN and infinity propagate, large product", (b) => {
  const a = f32(b, [1, NaN, 0, 1, Infinity, 1]);
  const x = f32(b, [1, 1, 1, 1, 1, 1]);
  const out = b.readSync(b.matmul(a, x, {
    batch: 1,
    m: 2,
    k: 3,
    n: 2,
    aBatchStride: 0,
    bBatchStride: 0,
    transA: false,
    transB: false,
  }));
  assert.ok(Number.isNaN(out[0]) && Number.isNaN(out[1]), `${out}`);
  assert.equal(out[2], Infinity);
  assert.equal(out[3], Infinity);
  const r = rng(17);
  matmulCase(
    b,
    { batch: 1, m: 200, k: 260, n: 210, aBatchStride: 0, bBatchStride: 0, transA: false, transB: false },
    "float32",
    r,
  );
});

each("matmul int32: transposes and batches (wrapping)", (b) => {
  const r = rng(18);
  for (const transA of [false, true]) {
    for (const transB of [false, true]) {
      for (const [m, k, n] of [[1, 1, 1], [3, 5, 7], [17, 9, 33], [4, 0, 3]]) {
        matmulCase(b, { batch: 1, m, k, n, aBatchStride: 0, bBatchStride: 0, transA, transB }, "int32", r);
      }
      matmulCase(
        b,
        { batch: 3, m: 4, k: 6, n: 5, aBatchStride: 24, bBatchStride: 0, transA, transB },
        "int32",
        r,
      );
      // Across the cache blocks (128 deep, 256 wide).
      matmulCase(
        b,
        { batch: 1, m: 5, k: 140, n: 300, aBatchStride: 0, bBatchStride: 0, transA, transB },
        "int32",
        r,
      );
      matmulCase(
        b,
        { batch: 3, m: 4, k: 6, n: 5, aBatchStride: 0, bBatchStride: 30, transA, transB },
        "int32",
        r,
      );
    }
  }
});

// ---------------------------------------------------------------------------------------------
// gather / scatterAdd

each("gather and indexSelect: every element size, both index modes", (b) => {
  const r = rng(19);
  const dtypes: DType[] = ["float32", "int32", "float16", "bool"];
  for (const dtype of dtypes) {
    for (
      const [outer, len, inner, idxLen] of [[1, 5, 1, 3], [2, 7, 3, 4], [3, 4, 17, 9], [1, 1, 1, 1], [
        2,
        6,
        5,
        0,
      ]]
    ) {
      const n = outer * len * inner;
      const x = dtype === "float32"
        ? randF32(n, r)
        : dtype === "int32"
        ? randI32(n, r)
        : dtype === "float16"
        ? Uint16Array.from({ length: n }, () => Math.floor(r() * 65536))
        : Uint8Array.from({ length: n }, () => (r() < 0.5 ? 1 : 0));
      const xs = b.fromTyped(x, dtype);
      // Full index.
      const idx = randI32(outer * idxLen * inner, r, 0, len - 1);
      const out = b.readSync(b.gather(xs, b.fromTyped(idx, "int32"), outer, len, inner, idxLen, false));
      assert.equal(out.constructor, x.constructor);
      const want: number[] = [];
      for (let o = 0; o < outer; o++) {
        for (let j = 0; j < idxLen; j++) {
          for (let i = 0; i < inner; i++) {
            want.push(x[(o * len + idx[(o * idxLen + j) * inner + i]) * inner + i]);
          }
        }
      }
      assertExact(out, want, `gather ${dtype}`);
      // 1-d index (index_select).
      const idx1 = randI32(idxLen, r, 0, len - 1);
      const out1 = b.readSync(b.gather(xs, b.fromTyped(idx1, "int32"), outer, len, inner, idxLen, true));
      const want1: number[] = [];
      for (let o = 0; o < outer; o++) {
        for (let j = 0; j < idxLen; j++) {
          for (let i = 0; i < inner; i++) want1.push(x[(o * len + idx1[j]) * inner + i]);
        }
      }
      assertExact(out1, want1, `indexSelect ${dtype}`);
    }
  }
});

each("scatterAdd: float32 and int32, both index modes, duplicates accumulate", (b) => {
  const r = rng(20);
  for (const dtype of ["float32", "int32"] as const) {
    for (const [outer, len, inner, idxLen] of [[1, 5, 1, 8], [2, 7, 3, 4], [3, 4, 17, 9], [2, 3, 6, 0]]) {
      const src = dtype === "float32"
        ? randF32(outer * idxLen * inner, r)
        : randI32(outer * idxLen * inner, r);
      const ss = b.fromTyped(src, dtype);
      const idx = randI32(outer * idxLen * inner, r, 0, len - 1);
      const out = b.readSync(b.scatterAdd(ss, b.fromTyped(idx, "int32"), outer, len, inner, idxLen, false));
      const want = new Float64Array(outer * len * inner);
      for (let o = 0; o < outer; o++) {
        for (let j = 0; j < idxLen; j++) {
          for (let i = 0; i < inner; i++) {
            const k = (o * idxLen + j) * inner + i;
            want[(o * len + idx[k]) * inner + i] += src[k];
          }
        }
      }
      assertClose(out, Array.from(want), 1e-6, 1e-6, `scatterAdd ${dtype}`);
      const idx1 = randI32(idxLen, r, 0, len - 1);
      const out1 = b.readSync(b.scatterAdd(ss, b.fromTyped(idx1, "int32"), outer, len, inner, idxLen, true));
      const want1 = new Float64Array(outer * len * inner);
      for (let o = 0; o < outer; o++) {
        for (let j = 0; j < idxLen; j++) {
          for (let i = 0; i < inner; i++) {
            want1[(o * len + idx1[j]) * inner + i] += src[(o * idxLen + j) * inner + i];
          }
        }
      }
      assertClose(out1, Array.from(want1), 1e-6, 1e-6, `scatterAdd 1d ${dtype}`);
      assert.equal(out1.constructor, dtype === "float32" ? Float32Array : Int32Array);
    }
  }
});

each("gather / indexSelect / scatterAdd: out-of-range indices throw RangeError", (b) => {
  const x = f32(b, [1, 2, 3, 4, 5]);
  assert.throws(
    () => b.gather(x, i32(b, [0, 7, 9]), 1, 5, 1, 3, false),
    { name: "RangeError", message: "gather: index 7 is out of bounds for dimension with size 5" },
  );
  assert.throws(
    () => b.gather(x, i32(b, [4, -1]), 1, 5, 1, 2, true),
    { name: "RangeError", message: "indexSelect: index -1 is out of bounds for dimension with size 5" },
  );
  assert.throws(
    () => b.scatterAdd(f32(b, [1, 1, 1, 1, 1, 1]), i32(b, [0, 1, 2, 3, 4, 5]), 1, 5, 1, 6, false),
    { name: "RangeError", message: "scatterAdd: index 5 is out of bounds for dimension with size 5" },
  );
  assert.throws(
    () => b.scatterAdd(f32(b, [1, 1]), i32(b, [2, 5]), 1, 5, 1, 2, true),
    { name: "RangeError", message: "scatterAdd: index 5 is out of bounds for dimension with size 5" },
  );
  // Bad index positions past the SIMD-checked prefix.
  const many = new Int32Array(37).fill(1);
  many[35] = 12;
  assert.throws(() => b.gather(x, b.fromTyped(many, "int32"), 1, 5, 1, 37, true), /index 12 is out/);
  assert.throws(() => b.gather(x, f32(b, [0]), 1, 5, 1, 1, true), /index must be int32/);
  assert.throws(() => b.gather(x, i32(b, [0, 1]), 1, 5, 1, 1, true), RangeError);
});

// ---------------------------------------------------------------------------------------------
// Scratch memory

each("scratch memory grows for big operands and is reused", (b) => {
  const n = 3_000_000;
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = i % 1000;
  const s = b.fromTyped(x, "float32");
  const out = b.readSync(b.binary("add", s, s, n, "float32"));
  assert.equal(out[n - 1], 2 * ((n - 1) % 1000));
  for (let i = 0; i < 5; i++) {
    const y = b.readSync(b.binary("mul", s, 2, n, "float32"));
    assert.equal(y[12345], 2 * 345);
  }
  // Small ops after a big one still see fresh data.
  assertExact(b.readSync(b.binary("sub", f32(b, [5, 6]), 1, 2, "float32")), [4, 5], "small after big");
});

// ---------------------------------------------------------------------------------------------
// Resident memory: outputs stay in wasm memory, a byte budget spills the least recently used

const MiB = 1024 * 1024;

Deno.test("wasm memory: kernel outputs are resident and inputs are used in place", () => {
  const b = new WasmBackend({ residentBudget: 8 * MiB });
  const x = b.fromTyped(Float32Array.from([1, 2, 3, 4]), "float32");
  assert.equal(x.resident, false, "fromTyped is a GC-owned copy until a kernel uses it");
  const y = b.binary("mul", x, 2, 4, "float32");
  assert.equal(x.resident, true, "a used input moves in");
  assert.equal(y.resident, true, "outputs are resident");
  const before = b.memoryStats();
  const z = b.binary("add", y, x, 4, "float32");
  assert.deepEqual(b.readSync(z), new Float32Array([3, 6, 9, 12]));
  assert.equal(b.memoryStats().residentCount, before.residentCount + 1, "only the output was added");
  const r = b.readSync(z);
  r[0] = 99;
  assert.deepEqual(b.readSync(z), new Float32Array([3, 6, 9, 12]), "readSync returns a copy");
  z.dispose();
  assert.equal(b.memoryStats().residentBytes, before.residentBytes, "dispose frees the block at once");
});

Deno.test("wasm memory: a small budget spills least recently used storages, values survive", () => {
  const b = new WasmBackend({ residentBudget: 1 * MiB });
  const n = 64 * 1024; // 256 KiB per storage
  const x = b.fromTyped(Float32Array.from({ length: n }, (_, i) => i), "float32");
  const kept = [];
  for (let i = 0; i < 12; i++) kept.push(b.binary("add", x, i, n, "float32"));
  const s = b.memoryStats();
  assert.ok(s.residentBytes <= 1 * MiB, `resident ${s.residentBytes} over the budget`);
  assert.ok(s.spills >= 8, `expected spills, got ${s.spills}`);
  assert.equal(kept[0].resident, false, "the oldest result was spilled");
  assert.equal(x.resident, true, "the hot input stays resident");
  for (let i = 0; i < 12; i++) {
    const v = b.readSync(kept[i]);
    assert.equal(v[0], i);
    assert.equal(v[n - 1], n - 1 + i);
  }
  // A spilled input comes back in on use.
  const y = b.binary("sub", kept[0], x, n, "float32");
  assert.equal(kept[0].resident, true);
  assert.equal(b.readSync(y)[n - 1], 0);
});

Deno.test("wasm memory: 10,000 dropped results keep wasm memory within budget + one call", () => {
  const budget = 2 * MiB;
  const b = new WasmBackend({ residentBudget: budget });
  const n = 50_000;
  const x = b.fromTyped(Float32Array.from({ length: n }, (_, i) => i % 7), "float32");
  let maxBytes = 0;
  for (let i = 0; i < 10_000; i++) {
    const y = b.unary("relu", b.binary("mul", x, 1.5, n, "float32"));
    b.reduce("sum", y, 1, n, 1);
    if (i % 500 === 0) maxBytes = Math.max(maxBytes, b.memoryStats().wasmBytes);
  }
  const s = b.memoryStats();
  const bound = s.heapBase + budget + 2 * n * 4 + 2 * 65536;
  assert.ok(s.wasmBytes <= bound, `wasm memory ${s.wasmBytes} over ${bound}`);
  assert.ok(maxBytes <= bound);
  assert.ok(s.residentBytes <= budget);
});

Deno.test("wasm memory: setResidentBudget spills at once; budget 0 still computes", () => {
  const b = new WasmBackend();
  const xs = Array.from({ length: 4 }, (_, i) => b.full("float32", 1000, i));
  assert.ok(xs.every((x) => x.resident));
  b.setResidentBudget(0);
  assert.equal(b.residentBudget, 0);
  assert.equal(b.memoryStats().residentBytes, 0);
  const y = b.binary("add", xs[2], xs[3], 1000, "float32");
  assert.deepEqual(b.readSync(y).slice(0, 2), new Float32Array([5, 5]));
  assert.throws(() => b.setResidentBudget(-1), RangeError);
  assert.throws(() => new WasmBackend({ residentBudget: 0.5 }), RangeError);
});

Deno.test("wasm memory: a large spilled source is gathered row by row without moving in", () => {
  const b = new WasmBackend({ residentBudget: 1 * MiB });
  const rows = 2000, inner = 100; // 800 KB: over a quarter of the budget
  const src = Float32Array.from({ length: rows * inner }, (_, i) => i);
  const x = b.fromTyped(src, "float32");
  const idx = b.fromTyped(Int32Array.from([5, 1999, 0, 5]), "int32");
  const out = b.readSync(b.gather(x, idx, 1, rows, inner, 4, true));
  assert.equal(x.resident, false, "the large source stayed out of the cache");
  for (const [j, r] of [5, 1999, 0, 5].entries()) {
    assert.deepEqual(out.subarray(j * inner, (j + 1) * inner), src.subarray(r * inner, (r + 1) * inner));
  }
  // 2-d gather and bad indices on the same path.
  const g = b.fromTyped(Int32Array.from({ length: 2 * inner }, (_, i) => (i * 37) % rows), "int32");
  const got = b.readSync(b.gather(x, g, 1, rows, inner, 2, false));
  for (let q = 0; q < 2 * inner; q++) assert.equal(got[q], src[((q * 37) % rows) * inner + (q % inner)]);
  const bad = b.fromTyped(Int32Array.from([3, rows]), "int32");
  assert.throws(() => b.gather(x, bad, 1, rows, inner, 2, true), /index 2000 is out of bounds/);
  // Other kernels read a temporary copy of a large spilled input.
  const s = b.reduce("sum", x, rows, inner, 1);
  assert.equal(b.readSync(s)[1], src.subarray(inner, 2 * inner).reduce((a, v) => a + v, 0));
  assert.equal(x.resident, false);
});

Deno.test("wasm memory: in-place copies into resident, spilled and large destinations", () => {
  const b = new WasmBackend({ residentBudget: 64 * 1024 });
  const big = b.fromTyped(new Float32Array(8192), "float32"); // 32 KB: large for this budget
  const src = b.fromTyped(Float32Array.from({ length: 16 }, (_, i) => i + 1), "float32");
  // Strided (wasm) path into a large spilled destination: written back to its GC-owned copy.
  b.copy(src, 0, [4, 1], big, 100, [1, 4], [4, 4]);
  const v = b.readSync(big);
  assert.equal(v[100], 1);
  assert.equal(v[101], 5);
  assert.equal(v[104], 2);
  assert.equal(big.resident, false);
  // Into a resident destination (its clean copy is dropped, so a later spill copies out).
  const d = b.binary("mul", src, 0, 16, "float32");
  b.copy(src, 0, [4, 1], d, 0, [1, 4], [4, 4]);
  b.copy(src, 15, [1], d, 15, [1], [1]);
  b.setResidentBudget(0);
  assert.equal(d.resident, false);
  assert.deepEqual(Array.from(b.readSync(d)).slice(0, 5), [1, 5, 9, 13, 2]);
  assert.equal(b.readSync(d)[15], 16);
  // Within one storage: the kernel reads a snapshot.
  const t = b.fromTyped(Float32Array.from([1, 2, 3, 4]), "float32");
  b.copy(t, 0, [2, 1], t, 0, [1, 2], [2, 2]);
  assert.deepEqual(b.readSync(t), new Float32Array([1, 3, 2, 4]));
});

Deno.test("wasm memory: storages move between backend instances", () => {
  const a = new WasmBackend({ variant: "simd" }), c = new WasmBackend({ variant: "relaxed" });
  const x = a.binary("add", a.fromTyped(Float32Array.from([1, 2]), "float32"), 1, 2, "float32");
  const y = c.binary("mul", x, 10, 2, "float32");
  assert.deepEqual(c.readSync(y), new Float32Array([20, 30]));
  assert.deepEqual(a.readSync(x), new Float32Array([2, 3]));
  assert.equal(a.memoryStats().residentCount, 1, "only the input of the first call is left in a");
});

Deno.test("wasm memory: dropped tracked storages are freed by the finalization registry", async () => {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return; // needs --expose-gc (deno task test passes it)
  const b = new WasmBackend();
  const x = b.full("float32", 1000, 1);
  const base = b.memoryStats().residentCount;
  // The library tracks the storages the user or a graph holds (temporaries are freed by the call
  // that made them, never registered); a tracked storage dropped unused goes with the collector.
  for (let i = 0; i < 100; i++) b.binary("add", x, i, 1000, "float32")._track();
  assert.equal(b.memoryStats().residentCount, base + 100);
  for (let round = 0; round < 20 && b.memoryStats().residentCount > base; round++) {
    gc();
    await new Promise((r) => setTimeout(r, 5));
  }
  assert.equal(b.memoryStats().residentCount, base, "every dropped output was freed");
});

Deno.test("matmul with a bias: every row of every product gets it, in all transposes", () => {
  const b = new WasmBackend();
  const gen = rng(11), r = (n: number) => randF32(n, gen);
  for (const [m, k, n] of [[1, 1, 1], [3, 5, 2], [7, 300, 9], [13, 4, 17]]) {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        const a = r(m * k), bb = r(k * n), bias = r(n);
        const out = b.readSync(b.matmul(b.fromTyped(a, "float32"), b.fromTyped(bb, "float32"), {
          batch: 1,
          m,
          k,
          n,
          aBatchStride: 0,
          bBatchStride: 0,
          transA,
          transB,
          bias: b.fromTyped(bias, "float32"),
        })) as Float32Array;
        for (let i = 0; i < m; i++) {
          for (let j = 0; j < n; j++) {
            let acc = bias[j];
            for (let p = 0; p < k; p++) {
              acc += (transA ? a[p * m + i] : a[i * k + p]) * (transB ? bb[j * k + p] : bb[p * n + j]);
            }
            assert.ok(
              Math.abs(out[i * n + j] - acc) <= 1e-4 * (1 + Math.abs(acc)),
              `[${m},${k},${n}] ${i},${j}`,
            );
          }
        }
      }
    }
  }
  assert.throws(
    () =>
      b.matmul(b.full("float32", 4, 1), b.full("float32", 4, 1), {
        batch: 1,
        m: 2,
        k: 2,
        n: 2,
        aBatchStride: 0,
        bBatchStride: 0,
        transA: false,
        transB: false,
        bias: b.full("float32", 3, 0),
      }),
    /the bias has 3 elements, expected n = 2/,
  );
});
