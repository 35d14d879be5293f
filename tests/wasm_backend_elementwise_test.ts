/**
 * The CPU (wasm) backend, kernel by kernel, through the Backend interface, against plain JavaScript
 * reference computations: unary and binary kernels (every op, operand layout and SIMD tail) and where.
 * Every test runs on both kernel builds (relaxed SIMD and plain SIMD); the shared helpers are in
 * tests/wasm_backend_setup.ts.
 */
import assert from "node:assert/strict";
import type { WasmBackend } from "../src/backends/wasm/backend.ts";
import type { BinaryOp, UnaryOp } from "../src/backends/backend.ts";
import type { DType, TypedArray } from "../src/dtype.ts";
import { randF32, randI32, rng } from "./helpers.ts";
import { assertExact, assertUlp, each, f32, i32, SIZES } from "./wasm_backend_setup.ts";

// ---------------------------------------------------------------------------------------------
// Unary

function roundHalfEven(x: number): number {
  if (!Number.isFinite(x)) return x;
  if (Math.abs(x % 1) === 0.5) return 2 * Math.round(x / 2);
  return Math.round(x);
}

/**
 * Float64 references of the ops with one in JavaScript's Math (erf and both GELUs are tested
 * against PyTorch's values in gelu_kernel_test.ts).
 */
const UNARY_REF: Record<
  Exclude<UnaryOp, "erf" | "gelu" | "geluDerivative" | "geluTanh" | "geluTanhDerivative">,
  (x: number) => number
> = {
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
  asin: Math.asin,
  acos: Math.acos,
  atan: Math.atan,
  sinh: Math.sinh,
  cosh: Math.cosh,
  asinh: Math.asinh,
  acosh: Math.acosh,
  atanh: Math.atanh,
  frexpMantissa: (x) => frexpRef(x)[0],
  frexpExponent: (x) => frexpRef(x)[1],
};

/** C's frexp in float64 arithmetic: [mantissa in [0.5, 1), exponent]; 0, ±inf, NaN give [x, 0]. */
function frexpRef(x: number): [number, number] {
  if (x === 0 || !Number.isFinite(x)) return [x, 0];
  let e = Math.floor(Math.log2(Math.abs(x))) + 1;
  let m = x / 2 ** e;
  if (Math.abs(m) >= 1) [m, e] = [m / 2, e + 1];
  if (Math.abs(m) < 0.5) [m, e] = [m * 2, e - 1];
  return [m, e];
}

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
      case "asin":
      case "acos":
      case "atanh":
        x[i] = (u - 0.5) * 2.2;
        break;
      case "sinh":
      case "cosh":
        x[i] = (u - 0.5) * 190;
        break;
      case "frexpMantissa":
      case "frexpExponent":
        x[i] = (u - 0.5) * Math.pow(10, -44 + 82 * r());
        break;
      default:
        x[i] = (u - 0.5) * 20;
    }
  }
  for (let i = 0; i < Math.min(n, SPECIALS.length); i++) if (r() < 0.5) x[Math.floor(r() * n)] = SPECIALS[i];
  return x;
}

const UNARY_ULP: Partial<Record<UnaryOp, number>> = {
  asin: 1,
  acos: 1,
  atan: 1,
  sinh: 1,
  cosh: 1,
  asinh: 1,
  acosh: 1,
  atanh: 1,
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
  for (const op of Object.keys(UNARY_REF) as (keyof typeof UNARY_REF)[]) {
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

/** C's nextafterf on float32 bits. */
function nextafterF32(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return NaN;
  if (a === b) return b;
  const f = Float32Array.of(a), u = new Uint32Array(f.buffer);
  if (a === 0) u[0] = (b < 0 ? 0x80000000 : 0) | 1;
  else u[0] += (a < b) === (a > 0) ? 1 : -1;
  return f[0];
}

/** PyTorch's calc_gcd in int32 (|INT_MIN| stays INT_MIN). */
function gcdI32(x: number, y: number): number {
  let a = Math.abs(x) | 0, b = Math.abs(y) | 0;
  while (a !== 0) [a, b] = [(b % a) | 0, a];
  return b;
}

const F32_BINARY: Partial<Record<BinaryOp, (a: number, b: number) => number>> = {
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
  atan2: Math.atan2,
  hypot: Math.hypot,
  copysign: (a, b) => (b < 0 || Object.is(b, -0) ? -Math.abs(a) : Math.abs(a)),
  nextafter: nextafterF32,
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
  gcd: gcdI32,
  bitwiseAnd: (a, b) => a & b,
  bitwiseOr: (a, b) => a | b,
  bitwiseXor: (a, b) => a ^ b,
  bitwiseLeftShift: (a, b) => a << b,
  bitwiseRightShift: (a, b) => a >> b,
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
  const ref = (dtype === "float32" ? F32_BINARY[op] : I32_BINARY[op])!;
  const want = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const v = ref(data[0][i % tiles[0]], data[1][i % tiles[1]]);
    want[i] = IS_CMP.has(op) ? v : dtype === "float32" ? Math.fround(v) : v | 0;
  }
  const what = `${op} ${dtype} n=${n} modes=${modes}`;
  if (IS_CMP.has(op)) assert.ok(out instanceof Uint8Array, what);
  else assert.ok(out instanceof (dtype === "float32" ? Float32Array : Int32Array), what);
  if ((op === "pow" || op === "atan2" || op === "hypot") && dtype === "float32") {
    assertUlp(out, want, 1, what);
  } else assertExact(out, want, what);
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
