/**
 * The WebGPU backend against the CPU (wasm) backend on the same inputs: elementwise kernels (unary, binary,
 * comparisons, where) and a dispatch of more than 65,535 workgroups. Setup, tolerances and the comparison helpers are in tests/webgpu_backend_setup.ts;
 * the last test checks that no kernel raised a WebGPU validation error.
 */
import assert from "node:assert/strict";
import type { BinaryOp, Storage, UnaryOp } from "../src/backends/backend.ts";
import type { ComputeDType, DType, TypedArray } from "../src/dtype.ts";
import { randF32, randI32, rng } from "./helpers.ts";
import {
  both,
  cpu,
  EXACT,
  g,
  gpuTest,
  noValidationErrorsTest,
  same,
  type Tol,
  withSpecials,
} from "./webgpu_backend_setup.ts";

// ---------------------------------------------------------------------------------------------
// Elementwise

const UNARY_TOL: Record<UnaryOp, Tol> = {
  neg: EXACT,
  abs: EXACT,
  relu: EXACT,
  sign: EXACT,
  floor: EXACT,
  ceil: EXACT,
  round: EXACT,
  sqrt: { ulps: 1 },
  rsqrt: { ulps: 1 },
  exp: { ulps: 4 },
  log: { ulps: 4 },
  log1p: { ulps: 4 },
  tanh: { ulps: 4 },
  sigmoid: { ulps: 4 },
  sin: { ulps: 4, atol: 1e-6 },
  cos: { ulps: 4, atol: 1e-6 },
  asin: { ulps: 4 },
  acos: { ulps: 4 },
  atan: { ulps: 4 },
  sinh: { ulps: 4 },
  cosh: { ulps: 4 },
  asinh: { ulps: 4 },
  acosh: { ulps: 4 },
  atanh: { ulps: 4 },
  frexpMantissa: EXACT,
  frexpExponent: EXACT,
  // The CPU splits z² inside erfc's exponential, the GPU does not: they part in GELU's far tail.
  erf: { ulps: 4, atol: 2e-7 },
  gelu: { ulps: 8, atol: 1e-6 },
  geluDerivative: { ulps: 8, atol: 1e-6 },
  geluTanh: { ulps: 8, atol: 1e-6 },
  geluTanhDerivative: { ulps: 8, atol: 1e-6 },
};

gpuTest("unary: every op on float32 (random and special values), int32 ops", async () => {
  const r = rng(5);
  const x = withSpecials(randF32(1031, r, -100, 100));
  for (let i = 500; i < 700; i++) x[i] = (r() - 0.5) * 4; // around zero
  for (let i = 700; i < 720; i++) x[i] = Math.round((r() - 0.5) * 20) + 0.5; // ties for round
  // 1031 elements: one per invocation; 1028: four per invocation.
  for (const len of [1031, 1028]) {
    const [gx, cx] = both(x.slice(0, len), "float32");
    for (const op of Object.keys(UNARY_TOL) as UnaryOp[]) {
      if (op === "sin" || op === "cos") continue;
      await same(`unary ${op} n=${len}`, g.unary(op, gx), cpu.unary(op, cx), UNARY_TOL[op]);
    }
  }
  // sin/cos: every range of argument (Cody-Waite below 2^16, Payne-Hanek above).
  const trig = x.slice();
  const big = [
    65535.9,
    65536,
    -65536.5,
    1e5,
    -31415.9,
    2 ** 24 + 2,
    1e10,
    -3.0e12,
    1e22,
    1e30,
    -3.4e38,
    8.7e36,
  ];
  big.forEach((v, i) => trig[i * 13] = v);
  for (let i = 900; i < 1000; i++) trig[i] = (r() - 0.5) * 10 ** (5 + 33 * r());
  const [gt, ct] = both(trig, "float32");
  for (const op of ["sin", "cos"] as UnaryOp[]) {
    await same(`unary ${op} all ranges`, g.unary(op, gt), cpu.unary(op, ct), { ulps: 4, atol: 1e-6 });
  }
  const xi = randI32(336, r, -1000, 1000);
  xi[0] = -2147483648;
  xi[1] = 2147483647;
  xi[2] = 0;
  const [gi, ci] = both(xi, "int32");
  for (const op of ["neg", "abs", "sign", "relu"] as UnaryOp[]) {
    await same(`unary ${op} int32`, g.unary(op, gi), cpu.unary(op, ci));
  }
  assert.throws(() => g.unary("exp", gi), /exp: not supported for int32/);
});

const BINARY_TOL: Record<string, Tol> = {
  add: EXACT,
  sub: EXACT,
  mul: EXACT,
  div: { ulps: 1 },
  pow: { rtol: 2e-6 },
  maximum: EXACT,
  minimum: EXACT,
};

gpuTest(
  "binary: every op, dtype and operand mode (full, tiled, scalar), scalar and vec4 kernels",
  async () => {
    const r = rng(6);
    // 231: one element per invocation; 308 = 4 · 77: four per invocation (tiles of 44 and 4), and
    // a tile of 7 that falls back to one per invocation.
    // Reads are awaited together (each read costs one device poll, ~11 ms with Deno).
    const checks: Promise<void>[] = [];
    for (const [n, tile, short] of [[231, 77, 3], [308, 44, 4], [308, 7, 4]] as const) {
      for (const dtype of ["float32", "int32"] as ComputeDType[]) {
        const mk = (len: number, lo: number, hi: number): [Storage, Storage] => {
          if (dtype === "float32") {
            const d = randF32(len, r, lo, hi);
            if (len > 20) d.set([0, -0, NaN, Infinity, -Infinity, 1, -1, 2], 3);
            return both(d, "float32");
          }
          return both(randI32(len, r, Math.ceil(lo), Math.floor(hi)), "int32");
        };
        const ops = (dtype === "float32"
          ? ["add", "sub", "mul", "div", "pow", "maximum", "minimum", "copysign", "nextafter"]
          : [
            "add",
            "sub",
            "mul",
            "pow",
            "maximum",
            "minimum",
            "gcd",
            "bitwiseAnd",
            "bitwiseOr",
            "bitwiseXor",
            "bitwiseLeftShift",
            "bitwiseRightShift",
          ]).concat(["eq", "ne", "lt", "le", "gt", "ge"]) as BinaryOp[];
        for (const op of ops) {
          const powLike = op === "pow";
          const [ga, ca] = mk(n, powLike ? 0 : -5, powLike ? 4 : 5);
          const [gb, cb] = mk(n, powLike ? -3 : -5, powLike ? 3 : 5);
          const [gt, ct] = mk(tile, -3, 3); // tile of trailing dims
          const [gt3, ct3] = mk(short, -3, 3); // short tile
          const [g1, c1] = mk(1, 1, 3);
          const tol = BINARY_TOL[op] ?? EXACT;
          const cases: [string, Storage | number, Storage | number, Storage | number, Storage | number][] = [
            ["full/full", ga, gb, ca, cb],
            ["full/tile", ga, gt, ca, ct],
            ["tile/full", gt, gb, ct, cb],
            ["full/short tile", ga, gt3, ca, ct3],
            ["full/one", ga, g1, ca, c1],
            ["full/scalar", ga, 2.5, ca, 2.5],
            ["scalar/full", 1.5, gb, 1.5, cb],
            ["scalar/scalar", 3, 2, 3, 2],
          ];
          if (dtype === "int32") {
            cases.splice(5, 3, ["full/scalar", ga, 3, ca, 3], ["scalar/full", -2, gb, -2, cb]);
          }
          for (const [name, a, b, a2, b2] of cases) {
            if (op === "pow" && dtype === "int32" && name !== "full/scalar") {
              continue; // huge powers wrap alike but slowly
            }
            await same(
              `${op} ${dtype} ${name} n=${n} tile=${tile}`,
              g.binary(op, a, b, n, dtype),
              cpu.binary(op, a2, b2, n, dtype),
              tol,
            );
          }
        }
      }
    }
    await Promise.all(checks);
    // pow's scalar-exponent fast paths and the int32 wrap-around.
    const x = withSpecials(randF32(101, r, 0, 10));
    const [gx, cx] = both(x, "float32");
    for (const e of [2, 1, 0.5, -0.5, -1, 3, 0, -2, 7.5]) {
      await same(
        `pow x^${e}`,
        g.binary("pow", gx, e, 101, "float32"),
        cpu.binary("pow", cx, e, 101, "float32"),
        {
          rtol: 2e-6,
          ulps: 1,
        },
      );
    }
    const xi = Int32Array.from([2, 3, -3, 7, 0, 1, -1, 10]);
    const ei = Int32Array.from([31, 20, 3, 12, -1, -5, -3, 2]);
    const [gxi, cxi] = both(xi, "int32");
    const [gei, cei] = both(ei, "int32");
    await same("pow int32", g.binary("pow", gxi, gei, 8, "int32"), cpu.binary("pow", cxi, cei, 8, "int32"));
    assert.throws(() => g.binary("div", gxi, gei, 8, "int32"), /div: int32 division is not a kernel/);
    assert.throws(
      () => g.binary("add", gxi, gt3Of(), 8, "int32"),
      /operand b has 3 elements, which does not tile 8/,
    );
    assert.equal(g.binary("add", 1, 2, 0, "float32").numel, 0);
  },
);

function gt3Of(): Storage {
  return g.fromTyped(new Int32Array(3), "int32");
}

gpuTest("a dispatch of more than 65,535 workgroups (one elementwise op)", async () => {
  const n = 65535 * 256 + 4099; // 65,552 workgroups of 256
  const x = new Float32Array(n);
  for (let i = 0; i < n; i += 997) x[i] = i;
  const gx = g.fromTyped(x, "float32");
  const gy = g.binary("mul", gx, -2, n, "float32");
  const y = await g.read(gy) as Float32Array;
  assert.equal(y.length, n);
  for (let i = 0; i < n; i += 997) assert.equal(y[i], -2 * Math.fround(i), `element ${i}`);
  assert.equal(y[n - 1], -0);
  gx.dispose();
  gy.dispose();
});

gpuTest("where: every element width", async () => {
  const r = rng(7);
  const n = 517;
  const c = Uint8Array.from({ length: n }, () => (r() < 0.5 ? 1 : 0));
  const [gc, cc] = both(c, "bool");
  for (const dtype of ["float32", "int32", "float16", "bool", "uint8"] as DType[]) {
    const mk = (): TypedArray =>
      dtype === "float32"
        ? randF32(n, r)
        : dtype === "int32"
        ? randI32(n, r)
        : dtype === "float16"
        ? Uint16Array.from({ length: n }, () => Math.floor(r() * 0x7c00))
        : Uint8Array.from({ length: n }, () => Math.floor(r() * (dtype === "bool" ? 2 : 256)));
    const [ga, ca] = both(mk(), dtype);
    const [gb, cb] = both(mk(), dtype);
    await same(`where ${dtype}`, g.where(gc, ga, gb), cpu.where(cc, ca, cb));
  }
});

noValidationErrorsTest();
