/**
 * Convolution and pooling: conv2d/conv1d/maxPool2d/avgPool2d against PyTorch (the cases of
 * tests/fixtures/conv.json, made by tools/fixtures/conv_fixtures.py with PyTorch 1.13: values,
 * indices and gradients), the kernels of both wasm builds against plain-JS references, gradcheck
 * (first and second order), error messages, and a tiny CNN that trains.
 *
 * Tolerances: rtol 1e-4, atol 1e-5 on values and gradients (sums in a different order than
 * PyTorch's; fixture values carry 7 significant digits). Max-pool indices match exactly.
 *
 * The op tests (fixtures, gradcheck, second order, other behaviour, errors, the tiny CNN) run on
 * both devices (tests/devices.ts) with their tensors created on the device and read with the
 * async reads; the tolerances above hold on the GPU too (its im2col/col2im and pooling kernels
 * are exact, the products sum in another order). The wasm-kernel and nn layer tests stay CPU
 * tests (they test the wasm builds and the nn module API).
 */
import * as torch from "../mod.ts";
import type { Device, Tensor } from "../mod.ts";
import { assert, assertClose, assertCloseAsync, assertThrowsMsg, gradcheckAsync } from "./helpers.ts";
import { deviceTest } from "./devices.ts";
import * as nn from "../src/nn/mod.ts";
import * as optim from "../src/optim/mod.ts";
import { WasmBackend } from "../src/backends/wasm/backend.ts";
import type { Conv2dGeometry, Pool2dGeometry } from "../src/backends/backend.ts";
import { loadEmbeddedBuild } from "../src/backends/wasm/embedded.ts";

await loadEmbeddedBuild("simd"); // these tests run both builds of the kernels

type Num = number | string;
interface TensorSpec {
  shape: number[];
  values: Num[];
}
interface Case {
  id: string;
  op: "conv2d" | "conv1d" | "maxPool2d" | "avgPool2d";
  note: string;
  // deno-lint-ignore no-explicit-any
  opts: Record<string, any>;
  kernelSize?: number | [number, number];
  input: TensorSpec;
  weight?: TensorSpec;
  bias?: TensorSpec | null;
  out: TensorSpec;
  indices?: TensorSpec;
  gradWeights: Num[];
  grads: { input: Num[]; weight?: Num[]; bias?: Num[] | null };
}

const fixture: { torch: string; cases: Case[] } = JSON.parse(
  Deno.readTextFileSync(new URL("./fixtures/conv.json", import.meta.url)),
);

function num(v: Num): number {
  if (typeof v === "number") return v;
  if (v === "nan") return NaN;
  if (v === "inf") return Infinity;
  if (v === "-inf") return -Infinity;
  throw new Error(`bad fixture number ${v}`);
}

/** Flat expected values (a typed array, so assertClose compares elements, not nesting). */
function vals(v: Num[]): Float64Array {
  return Float64Array.from(v.map(num));
}

function build(spec: TensorSpec, device: Device, requiresGrad = true): Tensor {
  return torch.tensor(spec.values.map(num), { dtype: "float32", device }).reshape(spec.shape).requiresGrad_(
    requiresGrad,
  );
}

const TOL = { rtol: 1e-4, atol: 1e-5 };

async function runCase(c: Case, device: Device): Promise<void> {
  const x = build(c.input, device);
  const w = c.weight ? build(c.weight, device) : null;
  const b = c.bias ? build(c.bias, device) : null;
  let out: Tensor;
  let indices: Tensor | null = null;
  if (c.op === "conv2d") out = torch.conv2d(x, w!, b, c.opts);
  else if (c.op === "conv1d") out = torch.conv1d(x, w!, b, c.opts);
  else if (c.op === "maxPool2d") {
    [out, indices] = torch.maxPool2d(x, c.kernelSize!, { ...c.opts, returnIndices: true });
  } else out = torch.avgPool2d(x, c.kernelSize!, c.opts);
  const msg = `${c.id} (${c.note})`;
  assert.deepEqual(out.shape, c.out.shape, `${msg}: output shape`);
  assert.equal(out.device, device, `${msg}: output device`);
  await assertCloseAsync(out, vals(c.out.values), { ...TOL, msg: `${msg}: output` });
  if (indices) {
    assert.equal(indices.dtype, "int32");
    assert.deepEqual(Array.from(await indices.dataAsync()), c.indices!.values.map(num), `${msg}: indices`);
  }
  const gw = torch.tensor(c.gradWeights.map(num), { dtype: "float32", device }).reshape(c.out.shape);
  out.mul(gw).sum().backward();
  await assertCloseAsync(x.grad!, vals(c.grads.input), { ...TOL, msg: `${msg}: input grad` });
  if (w) await assertCloseAsync(w.grad!, vals(c.grads.weight!), { ...TOL, msg: `${msg}: weight grad` });
  if (b) await assertCloseAsync(b.grad!, vals(c.grads.bias!), { ...TOL, msg: `${msg}: bias grad` });
}

for (const op of ["conv2d", "conv1d", "maxPool2d", "avgPool2d"] as const) {
  const cases = fixture.cases.filter((c) => c.op === op);
  deviceTest(`${op}: ${cases.length} PyTorch fixtures (values, indices, gradients)`, async (device) => {
    assert.ok(cases.length > 0);
    const failures: string[] = [];
    const run = (c: Case) =>
      runCase(c, device).catch((e) => {
        failures.push(`${c.id} (${c.note}): ${(e as Error).message}`);
      });
    // On the GPU the cases run concurrently, so their read-backs overlap.
    if (device === "cpu") { for (const c of cases) await run(c); }
    else await Promise.all(cases.map(run));
    assert.equal(failures.length, 0, failures.join("\n"));
  });
}

// ---- kernels of both wasm builds against plain-JS references ----

const BACKENDS = (["relaxed", "simd"] as const).map((variant) => new WasmBackend({ variant }));

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32 * 2 - 1;
  };
}

function randArray(n: number, rnd: () => number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rnd();
  return a;
}

function refIm2col(x: Float32Array, g: Conv2dGeometry): Float32Array {
  const cg = g.channels / g.groups, r = cg * g.kernelH * g.kernelW + (g.onesRow ? 1 : 0);
  const l = g.outH * g.outW;
  const out = new Float32Array(g.batch * g.groups * r * l);
  for (let n = 0; n < g.batch; n++) {
    for (let gr = 0; gr < g.groups; gr++) {
      const base = (n * g.groups + gr) * r * l;
      for (let cc = 0; cc < cg; cc++) {
        for (let i = 0; i < g.kernelH; i++) {
          for (let j = 0; j < g.kernelW; j++) {
            const row = (cc * g.kernelH + i) * g.kernelW + j;
            for (let oh = 0; oh < g.outH; oh++) {
              for (let ow = 0; ow < g.outW; ow++) {
                const ih = oh * g.strideH - g.padH + i * g.dilationH;
                const iw = ow * g.strideW - g.padW + j * g.dilationW;
                const inside = ih >= 0 && ih < g.height && iw >= 0 && iw < g.width;
                const c = gr * cg + cc;
                out[base + row * l + oh * g.outW + ow] = inside
                  ? x[((n * g.channels + c) * g.height + ih) * g.width + iw]
                  : 0;
              }
            }
          }
        }
      }
      if (g.onesRow) out.fill(1, base + (r - 1) * l, base + r * l);
    }
  }
  return out;
}

function refMaxPool(x: Float32Array, g: Pool2dGeometry): [Float32Array, Int32Array] {
  const n = g.planes * g.outH * g.outW;
  const v = new Float32Array(n), idx = new Int32Array(n);
  let o = 0;
  for (let p = 0; p < g.planes; p++) {
    for (let oh = 0; oh < g.outH; oh++) {
      for (let ow = 0; ow < g.outW; ow++) {
        let best = -Infinity, bi = -1;
        for (let i = 0; i < g.kernelH; i++) {
          for (let j = 0; j < g.kernelW; j++) {
            const ih = oh * g.strideH - g.padH + i * g.dilationH;
            const iw = ow * g.strideW - g.padW + j * g.dilationW;
            if (ih < 0 || ih >= g.height || iw < 0 || iw >= g.width) continue;
            const val = x[p * g.height * g.width + ih * g.width + iw];
            if (bi < 0) bi = ih * g.width + iw;
            if (val > best || Number.isNaN(val)) {
              best = val;
              bi = ih * g.width + iw;
            }
          }
        }
        v[o] = best;
        idx[o++] = bi;
      }
    }
  }
  return [v, idx];
}

function refAvgPool(x: Float32Array, g: Pool2dGeometry, includePad: boolean, divisor: number): Float32Array {
  const out = new Float32Array(g.planes * g.outH * g.outW);
  let o = 0;
  for (let p = 0; p < g.planes; p++) {
    for (let oh = 0; oh < g.outH; oh++) {
      for (let ow = 0; ow < g.outW; ow++) {
        const h0 = oh * g.strideH - g.padH, w0 = ow * g.strideW - g.padW;
        const h1 = Math.min(h0 + g.kernelH, g.height + g.padH),
          w1 = Math.min(w0 + g.kernelW, g.width + g.padW);
        const pool = (h1 - h0) * (w1 - w0);
        const hs = Math.max(h0, 0),
          ws = Math.max(w0, 0),
          he = Math.min(h1, g.height),
          we = Math.min(w1, g.width);
        let s = 0;
        for (let ih = hs; ih < he; ih++) {
          for (let iw = ws; iw < we; iw++) s += x[p * g.height * g.width + ih * g.width + iw];
        }
        const d = divisor || (includePad ? pool : (he - hs) * (we - ws));
        out[o++] = he > hs && we > ws ? s / d : 0;
      }
    }
  }
  return out;
}

function dotF(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

const CONV_GEOMS: Partial<Conv2dGeometry>[] = [
  { channels: 3, height: 7, width: 9, kernelH: 3, kernelW: 3 },
  { channels: 2, height: 6, width: 23, kernelH: 3, kernelW: 2, strideW: 2, padH: 1, padW: 1, onesRow: true },
  {
    channels: 4,
    height: 9,
    width: 31,
    kernelH: 3,
    kernelW: 3,
    strideH: 2,
    strideW: 2,
    padH: 2,
    padW: 2,
    groups: 2,
  },
  {
    channels: 2,
    height: 8,
    width: 17,
    kernelH: 2,
    kernelW: 3,
    strideW: 3,
    dilationH: 2,
    dilationW: 2,
    padW: 3,
  },
  { channels: 3, height: 5, width: 5, kernelH: 5, kernelW: 5, padH: 4, padW: 4, groups: 3, onesRow: true },
  { channels: 1, height: 1, width: 1, kernelH: 1, kernelW: 1, padH: 2, padW: 0 },
  { channels: 2, height: 4, width: 4, kernelH: 3, kernelW: 3, padH: 5, padW: 6, strideW: 2 },
];

function fullConvGeom(p: Partial<Conv2dGeometry>, batch: number): Conv2dGeometry {
  const g = {
    batch,
    channels: 1,
    height: 1,
    width: 1,
    groups: 1,
    onesRow: false,
    kernelH: 1,
    kernelW: 1,
    strideH: 1,
    strideW: 1,
    padH: 0,
    padW: 0,
    dilationH: 1,
    dilationW: 1,
    outH: 0,
    outW: 0,
    ...p,
  };
  g.outH = Math.floor((g.height + 2 * g.padH - g.dilationH * (g.kernelH - 1) - 1) / g.strideH) + 1;
  g.outW = Math.floor((g.width + 2 * g.padW - g.dilationW * (g.kernelW - 1) - 1) / g.strideW) + 1;
  return g;
}

for (const be of BACKENDS) {
  Deno.test(`wasm ${be.variant}: im2col matches a reference; col2im is its adjoint`, () => {
    const rnd = seeded(7);
    for (const p of CONV_GEOMS) {
      const g = fullConvGeom(p, 2);
      const x = randArray(g.batch * g.channels * g.height * g.width, rnd);
      const cols = be.im2col(be.fromTyped(x, "float32"), g);
      const ref = refIm2col(x, g);
      assert.deepEqual(Array.from(be.readSync(cols)), Array.from(ref), JSON.stringify(p));
      // <col2im(c), x> == <c, im2col(x)> with the ones rows of c zeroed (col2im drops them).
      const c = randArray(ref.length, rnd);
      if (g.onesRow) {
        const r = ref.length / (g.batch * g.groups * g.outH * g.outW), l = g.outH * g.outW;
        for (let b = 0; b < g.batch * g.groups; b++) c.fill(0, (b * r + r - 1) * l, (b * r + r) * l);
      }
      const back = be.readSync(be.col2im(be.fromTyped(c, "float32"), g)) as Float32Array;
      const lhs = dotF(back, x), rhs = dotF(c, ref);
      assert.ok(Math.abs(lhs - rhs) <= 1e-3 * (1 + Math.abs(rhs)), `${JSON.stringify(p)}: ${lhs} vs ${rhs}`);
    }
  });

  Deno.test(`wasm ${be.variant}: maxPool2d and avgPool2d (+ backward adjoint) match references`, () => {
    const rnd = seeded(11);
    const geoms: Partial<Pool2dGeometry>[] = [
      { kernelH: 2, kernelW: 2, strideH: 2, strideW: 2 },
      { kernelH: 2, kernelW: 2, strideH: 2, strideW: 2, padH: 1, padW: 1 },
      { kernelH: 3, kernelW: 2, strideH: 1, strideW: 2, padH: 1 },
      { kernelH: 3, kernelW: 3, strideH: 1, strideW: 1, padH: 1, padW: 1 },
      { kernelH: 3, kernelW: 3, strideH: 2, strideW: 2, padH: 1, padW: 1 },
      { kernelH: 3, kernelW: 2, strideH: 3, strideW: 3, padH: 1, padW: 1 },
      { kernelH: 3, kernelW: 3, strideH: 1, strideW: 2, dilationH: 2, dilationW: 2, padH: 1, padW: 1 },
      { kernelH: 1, kernelW: 4, strideH: 1, strideW: 4 },
    ];
    for (const p of geoms) {
      for (const [h, w] of [[5, 6], [7, 33], [4, 19]]) {
        const g: Pool2dGeometry = {
          planes: 3,
          height: h,
          width: w,
          kernelH: 1,
          kernelW: 1,
          strideH: 1,
          strideW: 1,
          padH: 0,
          padW: 0,
          dilationH: 1,
          dilationW: 1,
          outH: 0,
          outW: 0,
          ...p,
        };
        g.outH = Math.floor((h + 2 * g.padH - g.dilationH * (g.kernelH - 1) - 1) / g.strideH) + 1;
        g.outW = Math.floor((w + 2 * g.padW - g.dilationW * (g.kernelW - 1) - 1) / g.strideW) + 1;
        const x = randArray(g.planes * h * w, rnd);
        x[5] = NaN;
        const { values, indices } = be.maxPool2d(be.fromTyped(x, "float32"), g);
        const [rv, ri] = refMaxPool(x, g);
        const label = `${JSON.stringify(p)} ${h}x${w}`;
        assert.deepEqual(Array.from(be.readSync(values)), Array.from(rv), label);
        assert.deepEqual(Array.from(be.readSync(indices)), Array.from(ri), label);
        if (g.dilationH !== 1 || g.dilationW !== 1) continue;
        x[5] = 0.5;
        for (const [includePad, divisor] of [[true, 0], [false, 0], [true, 5]] as const) {
          const opts = { countIncludePad: includePad, divisor };
          const got = be.readSync(be.avgPool2d(be.fromTyped(x, "float32"), g, opts)) as Float32Array;
          assertClose(got, refAvgPool(x, g, includePad, divisor), { rtol: 1e-5, atol: 1e-6, msg: label });
          const gy = randArray(got.length, rnd);
          const gx = be.readSync(be.avgPool2dBackward(be.fromTyped(gy, "float32"), g, opts)) as Float32Array;
          const lhs = dotF(gx, x), rhs = dotF(gy, got);
          assert.ok(Math.abs(lhs - rhs) <= 1e-4 * (1 + Math.abs(rhs)), `${label}: ${lhs} vs ${rhs}`);
        }
      }
    }
  });

  Deno.test(`wasm ${be.variant}: conv and pool kernels reject bad geometry`, () => {
    const g = fullConvGeom({ channels: 3, height: 4, width: 4, kernelH: 3, kernelW: 3, groups: 2 }, 1);
    assertThrowsMsg(
      () => be.im2col(be.full("float32", 48, 0), g),
      /3 channels are not divisible by 2 groups/,
    );
    const ok = fullConvGeom({ channels: 2, height: 4, width: 4, kernelH: 3, kernelW: 3 }, 1);
    assertThrowsMsg(() => be.im2col(be.full("float32", 10, 0), ok), /input has 10 elements, expected 32/);
    assertThrowsMsg(() => be.im2col(be.full("int32", 32, 0), ok), /expected float32, got int32/);
    assertThrowsMsg(() => be.col2im(be.full("float32", 3, 0), ok), /cols has 3 elements/);
    assertThrowsMsg(
      () => be.im2col(be.full("float32", 32, 0), { ...ok, strideH: 0 }),
      /strideH must be at least 1/,
    );
  });
}

// ---- gradcheck ----

/** The device of the running op test: `rn` and `zr` create their tensors there. */
let dev: Device = "cpu";
type Dims = (number | number[] | torch.CreateOptions)[];
function onDev(args: Dims): Dims {
  const last = args[args.length - 1];
  if (last !== null && typeof last === "object" && !Array.isArray(last)) {
    return [...args.slice(0, -1), { device: dev, ...last }];
  }
  return [...args, { device: dev }];
}
/** `torch.randn` on the test's device (the same CPU stream on every device). */
const rn = (...a: Dims) => torch.randn(...onDev(a));
/** `torch.zeros` on the test's device. */
const zr = (...a: Dims) => torch.zeros(...onDev(a));

deviceTest("conv2d: gradcheck (stride, padding, dilation, groups, bias)", async (device) => {
  dev = device;
  torch.manualSeed(3);
  const configs: [number[], number[], torch.Conv2dOptions][] = [
    [[2, 2, 5, 4], [3, 2, 3, 2], { padding: 1 }],
    [[1, 4, 6, 5], [4, 2, 2, 3], { stride: [2, 1], dilation: [1, 2], groups: 2, padding: [1, 2] }],
    [[1, 2, 5, 5], [2, 2, 3, 3], { padding: "same", dilation: 2 }],
  ];
  for (const [xs, ws, opts] of configs) {
    const x = rn(xs, { requiresGrad: true });
    const w = rn(ws, { requiresGrad: true });
    const b = rn([ws[0]], { requiresGrad: true });
    await gradcheckAsync((x, w, b) => torch.conv2d(x, w, b, opts), [x, w, b], { msg: JSON.stringify(opts) });
  }
});

deviceTest("conv1d, maxPool2d, avgPool2d: gradcheck", async (device) => {
  dev = device;
  torch.manualSeed(4);
  const x1 = rn([2, 2, 7], { requiresGrad: true });
  const w1 = rn([3, 2, 3], { requiresGrad: true });
  await gradcheckAsync((x, w) => torch.conv1d(x, w, null, { stride: 2, padding: 1 }), [x1, w1]);
  const x = rn([2, 2, 5, 6], { requiresGrad: true });
  // Distinct values 0.1 apart, so the finite differences never cross a tie of the maximum.
  const xd = torch.randperm(120, { device }).float().mul(0.1).reshape(2, 2, 5, 6).requiresGrad_();
  await gradcheckAsync((x) => torch.maxPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true }), [xd]);
  await gradcheckAsync((x) => torch.maxPool2d(x, 2, { padding: 1, dilation: [1, 2] }), [xd]);
  await gradcheckAsync(
    (x) => torch.avgPool2d(x, [3, 2], { stride: [2, 1], padding: 1, countIncludePad: false }),
    [x],
  );
  await gradcheckAsync((x) => torch.avgPool2d(x, 2, { ceilMode: true, divisorOverride: 3 }), [x]);
});

/**
 * gradcheck for functions that themselves use autograd (`createGraph`): analytic gradients of
 * sum(fn(...) * proj) (on the inputs' device) against central differences of the same (on CPU
 * copies of the inputs), in float64 on float32 inputs.
 */
async function gradcheck2(
  fn: (...xs: Tensor[]) => Tensor,
  inputs: Tensor[],
  msg: string,
  eps = 1e-2,
): Promise<void> {
  const out = fn(...inputs);
  const proj = torch.rand([...out.shape], { generator: new torch.Generator(99) }).add(0.5);
  for (const x of inputs) x.grad = null;
  out.mul(proj.to(out.device)).sum().backward();
  const p = proj.dataSync();
  const value = (xs: Tensor[]) => {
    const o = fn(...xs).detach().dataSync();
    let s = 0;
    for (let i = 0; i < o.length; i++) s += o[i] * p[i];
    return s;
  };
  const analytics = await Promise.all(
    inputs.map(async (x) => x.grad ? Array.from(await x.grad.dataAsync()) : null),
  );
  const cpuInputs = await Promise.all(inputs.map((x) => x.detach().toAsync("cpu")));
  cpuInputs.forEach((x, k) => {
    const base = Array.from(x.dataSync());
    const analytic = analytics[k] ?? base.map(() => 0);
    for (let i = 0; i < base.length; i++) {
      const at = (d: number) => {
        const v = base.slice();
        v[i] += d;
        const xi = torch.tensor(v, { dtype: "float32" }).reshape([...x.shape]).requiresGrad_();
        return value(cpuInputs.map((y, j) => (j === k ? xi : y.detach().requiresGrad_())));
      };
      const numeric = (at(eps) - at(-eps)) / (2 * eps);
      assert.ok(
        Math.abs(numeric - analytic[i]) <= 3e-3 + 3e-2 * Math.abs(numeric),
        `${msg}: input ${k} element ${i}: analytic ${analytic[i]} vs numeric ${numeric}`,
      );
    }
  });
}

deviceTest("conv2d and avgPool2d: second-order gradients (createGraph)", async (device) => {
  dev = device;
  torch.manualSeed(5);
  const w = rn([2, 2, 3, 3], { requiresGrad: true });
  const b = rn([2], { requiresGrad: true });
  // d/dx of sum(conv(x)^2), itself differentiated w.r.t. x, w and b.
  const gradOfConv = (x: Tensor, w: Tensor, b: Tensor) => {
    const y = torch.conv2d(x, w, b, { padding: 1, stride: [1, 2] });
    const [gx] = torch.autograd.grad(y.pow(2).sum(), x, { createGraph: true });
    return gx!;
  };
  const x = rn([1, 2, 4, 5], { requiresGrad: true });
  await gradcheck2(gradOfConv, [x, w, b], "conv2d second order");
  // d/dw of sum(conv(x)^2) differentiated w.r.t. x and w (exercises the recomputed columns).
  const gradW = (x: Tensor, w: Tensor, b: Tensor) => {
    const y = torch.conv2d(x, w, b, { padding: 1, groups: 2 });
    const [gw, gb] = torch.autograd.grad(y.pow(2).sum(), [w, b], { createGraph: true });
    return torch.cat([gw!.flatten(), gb!]);
  };
  const x2 = rn([1, 2, 4, 5], { requiresGrad: true });
  const w2 = rn([4, 1, 3, 3], { requiresGrad: true });
  await gradcheck2(gradW, [x2, w2, rn([4], { requiresGrad: true })], "conv2d weight and bias grads");
  const gradPool = (x: Tensor) => {
    const y = torch.avgPool2d(x.pow(2), 3, { stride: 2, padding: 1 });
    const [gx] = torch.autograd.grad(y.pow(2).sum(), x, { createGraph: true });
    return gx!;
  };
  await gradcheck2(gradPool, [x], "avgPool2d second order");
  const gradMax = (x: Tensor) => {
    const y = torch.maxPool2d(x, 2, { stride: 1 });
    const [gx] = torch.autograd.grad(y.pow(2).sum(), x, { createGraph: true });
    return gx!;
  };
  await gradcheck2(
    gradMax,
    [torch.randperm(20, { device }).float().mul(0.1).reshape(1, 2, 2, 5).requiresGrad_()],
    "maxPool2d second order",
  );
});

// ---- other behaviour ----

deviceTest("conv2d: non-contiguous inputs, options in place of the bias, gradFn name", async (device) => {
  dev = device;
  torch.manualSeed(6);
  const base = rn(2, 5, 6, 3); // NHWC
  const x = base.permute(0, 3, 1, 2); // NCHW view, non-contiguous
  const w = rn(4, 3, 3, 3).transpose(2, 3);
  const a = torch.conv2d(x, w, { padding: 1 });
  const b = torch.conv2d(x.contiguous(), w.contiguous(), null, { padding: 1 });
  await assertCloseAsync(a, b);
  const xr = rn([1, 2, 4, 4], { requiresGrad: true });
  const y = torch.conv2d(xr, rn(3, 2, 3, 3));
  assert.equal(String(y.gradFn), "<ConvolutionBackward0>");
  assert.equal(String(torch.maxPool2d(xr, 2).gradFn), "<MaxPool2DWithIndicesBackward0>");
  assert.equal(String(torch.avgPool2d(xr, 2).gradFn), "<AvgPool2DBackward0>");
});

deviceTest("conv2d: bias-only and weight-only gradients; noGrad records nothing", async (device) => {
  dev = device;
  torch.manualSeed(7);
  const x = rn(2, 3, 5, 5);
  const w = rn(4, 3, 3, 3);
  const b = rn([4], { requiresGrad: true });
  torch.conv2d(x, w, b).sum().backward();
  await assertCloseAsync(b.grad!, [18, 18, 18, 18]);
  const w2 = rn([4, 3, 3, 3], { requiresGrad: true });
  torch.conv2d(x, w2).sum().backward();
  assert.deepEqual(w2.grad!.shape, [4, 3, 3, 3]);
  const y = torch.noGrad(() => torch.conv2d(x, w2, b));
  assert.equal(y.gradFn, null);
  assert.equal(y.requiresGrad, false);
});

deviceTest("conv2d/pooling: float16 inputs compute in float32 and come back as float16", async (device) => {
  dev = device;
  torch.manualSeed(8);
  const x = rn(1, 2, 5, 5);
  const w = rn(3, 2, 3, 3);
  const y16 = torch.conv2d(x.half(), w.half());
  assert.equal(y16.dtype, "float16");
  await assertCloseAsync(y16.float(), torch.conv2d(x.half().float(), w.half().float()), {
    rtol: 2e-3,
    atol: 2e-3,
  });
  assert.equal(torch.maxPool2d(x.half(), 2).dtype, "float16");
  assert.equal(torch.avgPool2d(x.half(), 2).dtype, "float16");
});

deviceTest("conv2d/pooling: empty batch", async (device) => {
  dev = device;
  const x = zr([0, 2, 5, 5], { requiresGrad: true });
  const w = rn([3, 2, 3, 3], { requiresGrad: true });
  const y = torch.conv2d(x, w, null, { padding: 1 });
  assert.deepEqual(y.shape, [0, 3, 5, 5]);
  y.sum().backward();
  await assertCloseAsync(w.grad!, zr(3, 2, 3, 3));
  assert.deepEqual(torch.maxPool2d(zr(0, 2, 4, 4), 2).shape, [0, 2, 2, 2]);
  assert.deepEqual(torch.avgPool2d(zr(0, 2, 4, 4), 2).shape, [0, 2, 2, 2]);
});

deviceTest("conv2d/conv1d/pooling: errors name the shapes (PyTorch's messages)", (device) => {
  dev = device;
  const w = rn(8, 3, 3, 3);
  assertThrowsMsg(
    () => torch.conv2d(rn(2, 4, 5, 5), w),
    /Given groups=1, weight of size \[8, 3, 3, 3\], expected input\[2, 4, 5, 5\] to have 3 channels, but got 4 channels instead/,
  );
  assertThrowsMsg(
    () => torch.conv2d(rn(2, 3), w),
    /Expected 3D \(unbatched\) or 4D \(batched\) input to conv2d, but got input of size: \[2, 3\]/,
  );
  assertThrowsMsg(
    () => torch.conv2d(rn(2, 3, 5, 5), rn(8, 3, 3)),
    /weight of size \[8, 3, 3\]/,
  );
  assertThrowsMsg(
    () => torch.conv2d(rn(2, 4, 5, 5), rn(3, 2, 3, 3), null, { groups: 2 }),
    /Given groups=2, expected weight to be divisible by 2 at dimension 0, but got weight of size \[3, 2, 3, 3\]/,
  );
  assertThrowsMsg(
    () => torch.conv2d(rn(2, 3, 5, 5), rn(4, 1, 3, 3), null, { groups: 2 }),
    /Given groups=2, weight of size \[4, 1, 3, 3\], expected input\[2, 3, 5, 5\] to have 2 channels, but got 3/,
  );
  assertThrowsMsg(
    () => torch.conv2d(rn(2, 3, 2, 2), w),
    /Calculated padded input size per channel: \(2 x 2\)\. Kernel size: \(3 x 3\)\. Kernel size can't be greater/,
  );
  assertThrowsMsg(
    () => torch.conv2d(rn(2, 3, 3, 3), w, null, { dilation: 2 }),
    /padded input size per channel: \(3 x 3\)\. Kernel size: \(5 x 5\)/,
  );
  assertThrowsMsg(
    () => torch.conv2d(rn(2, 3, 5, 5), w, rn(4)),
    /Given weight of size \[8, 3, 3, 3\], expected bias to be 1-dimensional with 8 elements, but got bias of size \[4\]/,
  );
  const x = rn(2, 3, 5, 5);
  assertThrowsMsg(() => torch.conv2d(x, w, null, { stride: 0 }), /non-positive stride is not supported/);
  assertThrowsMsg(() => torch.conv2d(x, w, null, { padding: -1 }), /negative padding is not supported/);
  assertThrowsMsg(() => torch.conv2d(x, w, null, { dilation: 0 }), /non-positive dilation is not supported/);
  assertThrowsMsg(() => torch.conv2d(x, w, null, { groups: 0 }), /non-positive groups is not supported/);
  assertThrowsMsg(
    () => torch.conv2d(x, w, null, { padding: "same", stride: 2 }),
    /padding='same' is not supported for strided convolutions/,
  );
  assertThrowsMsg(
    () => torch.conv2d(x, w, null, { padding: "full" as "same" }),
    /Invalid padding string: 'full'/,
  );
  assertThrowsMsg(
    () => torch.conv2d(x, w, null, { stride: [1, 2, 3] }),
    /expected stride to be a single integer value or a list of 2 values/,
  );
  assertThrowsMsg(() => torch.conv2d(x.int(), w), /expected input to be a floating point tensor, got int32/);
  assertThrowsMsg(() => torch.conv2d(x, w.half()), /Input type \(float32\) and weight type \(float16\)/);
  assertThrowsMsg(
    () => torch.conv1d(rn(2, 3, 5, 5), rn(4, 3, 3)),
    /Expected 2D \(unbatched\) or 3D \(batched\) input to conv1d, but got input of size: \[2, 3, 5, 5\]/,
  );
  assertThrowsMsg(
    () => torch.conv1d(rn(2, 3, 2), rn(4, 3, 3)),
    /Calculated padded input size per channel: \(2\)\. Kernel size: \(3\)/,
  );
  assertThrowsMsg(
    () => torch.conv1d(rn(2, 4, 8), rn(4, 3, 3)),
    /Given groups=1, weight of size \[4, 3, 3\], expected input\[2, 4, 8\] to have 3 channels, but got 4/,
  );
  const p = rn(2, 3, 5, 5);
  assertThrowsMsg(
    () => torch.maxPool2d(p, 3, { padding: 2 }),
    /pad should be at most half of kernel size, but got pad=2 and kernel_size=3/,
  );
  assertThrowsMsg(
    () => torch.maxPool2d(rn(2, 3, 2, 2), 3),
    /Given input size: \(3x2x2\)\. Calculated output size: \(3x0x0\)\. Output size is too small/,
  );
  assertThrowsMsg(
    () => torch.maxPool2d(rn(5, 5), 3),
    /non-empty 3D or 4D \(batch mode\) tensor expected/,
  );
  assertThrowsMsg(() => torch.maxPool2d(p, 3, { stride: 0 }), /stride should be greater than zero/);
  assertThrowsMsg(() => torch.maxPool2d(p, 0), /kernel size should be greater than zero/);
  assertThrowsMsg(
    () => torch.maxPool2d(p, 3, { dilation: 0 }),
    /dilation should be greater than zero, but got dilationH: 0 dilationW: 0/,
  );
  assertThrowsMsg(
    () => torch.avgPool2d(rn(2, 3, 2, 2), 3),
    /Given input size: \(3x2x2\)\. Calculated output size: \(3x0x0\)/,
  );
  assertThrowsMsg(() => torch.avgPool2d(p, 2, { divisorOverride: 0 }), /divisor must be not zero/);
  assertThrowsMsg(() => torch.avgPool2d(p.int(), 2), /expected input to be a floating point tensor/);
});

deviceTest("a tiny CNN (conv-relu-pool-linear) trains: loss decreases over 20 SGD steps", async (device) => {
  dev = device;
  torch.manualSeed(0);
  const x = rn(16, 1, 8, 8);
  const target = torch.randint(0, 3, [16], { device });
  const w1 = rn([4, 1, 3, 3]).mul(0.3).requiresGrad_();
  const b1 = zr([4], { requiresGrad: true });
  const w2 = rn([3, 4 * 4 * 4]).mul(0.1).requiresGrad_();
  const b2 = zr([3], { requiresGrad: true });
  const params = [w1, b1, w2, b2];
  const lossAt = () => {
    const h = torch.maxPool2d(torch.conv2d(x, w1, b1, { padding: 1 }).relu(), 2);
    const logits = h.flatten(1).matmul(w2.T).add(b2);
    return logits.logSoftmax(1).gather(1, target.unsqueeze(1)).neg().mean(); // cross entropy
  };
  const losses: number[] = [];
  for (let step = 0; step < 20; step++) {
    const loss = lossAt();
    losses.push(await loss.itemAsync());
    for (const p of params) p.grad = null;
    loss.backward();
    torch.noGrad(() => {
      for (const p of params) p.sub_(p.grad!.mul(0.5));
    });
  }
  assert.ok(losses[19] < losses[0] * 0.8, `loss went from ${losses[0]} to ${losses[19]}`);
  for (let i = 1; i < losses.length; i++) assert.ok(Number.isFinite(losses[i]));
});

// ---- nn.Conv2d / nn.Conv1d / nn.MaxPool2d / nn.AvgPool2d ----

Deno.test("nn conv and pooling layers: PyTorch's reprs", () => {
  assert.equal(String(new nn.Conv2d(1, 8, 3)), "Conv2d(1, 8, kernel_size=(3, 3), stride=(1, 1))");
  assert.equal(
    String(new nn.Conv2d(4, 8, [3, 5], { stride: 2, padding: 1, dilation: 2, groups: 2, bias: false })),
    "Conv2d(4, 8, kernel_size=(3, 5), stride=(2, 2), padding=(1, 1), dilation=(2, 2), groups=2, bias=False)",
  );
  assert.equal(
    String(new nn.Conv2d(4, 8, 3, { padding: "same" })),
    "Conv2d(4, 8, kernel_size=(3, 3), stride=(1, 1), padding=same)",
  );
  assert.equal(String(new nn.Conv1d(2, 4, 3)), "Conv1d(2, 4, kernel_size=(3,), stride=(1,))");
  assert.equal(
    String(new nn.MaxPool2d(2)),
    "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)",
  );
  assert.equal(
    String(
      new nn.MaxPool2d([2, 3], { stride: 1, padding: 1, dilation: 2, returnIndices: true, ceilMode: true }),
    ),
    "MaxPool2d(kernel_size=(2, 3), stride=1, padding=1, dilation=2, ceil_mode=True)",
  );
  assert.equal(String(new nn.AvgPool2d(2)), "AvgPool2d(kernel_size=2, stride=2, padding=0)");
  assert.equal(
    String(new nn.AvgPool2d([2, 3], { stride: 1, padding: 1, ceilMode: true, countIncludePad: false })),
    "AvgPool2d(kernel_size=(2, 3), stride=1, padding=1)",
  );
  const model = new nn.Sequential(new nn.Conv2d(1, 4, 3), new nn.ReLU(), new nn.MaxPool2d(2));
  assert.equal(
    String(model),
    "Sequential(\n  (0): Conv2d(1, 4, kernel_size=(3, 3), stride=(1, 1))\n  (1): ReLU()\n" +
      "  (2): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)\n)",
  );
  assert.deepEqual(Object.keys(model.stateDict()), ["0.weight", "0.bias"]);
});

Deno.test("nn.Conv2d: parameters, PyTorch's default init bounds, forward = F.conv2d", () => {
  torch.manualSeed(1);
  const conv = new nn.Conv2d(6, 12, [3, 2], { groups: 3, stride: 2, padding: [1, 0] });
  assert.deepEqual(conv.weight.shape, [12, 2, 3, 2]);
  assert.deepEqual(conv.bias!.shape, [12]);
  assert.deepEqual(conv.namedParameters().map(([n]) => n), ["weight", "bias"]);
  const bound = 1 / Math.sqrt(2 * 3 * 2); // 1/sqrt(fanIn), fanIn = inChannels/groups * kH * kW
  for (const p of [conv.weight, conv.bias!]) {
    const m = p.abs().max().item() as number;
    assert.ok(m <= bound && m > 0.5 * bound, `max |p| = ${m}, bound ${bound}`);
  }
  const x = torch.randn(2, 6, 7, 5);
  assertClose(conv(x), torch.F.conv2d(x, conv.weight, conv.bias, { groups: 3, stride: 2, padding: [1, 0] }));
  assert.equal(new nn.Conv2d(2, 2, 1, { bias: false }).bias, null);
  const c1 = new nn.Conv1d(2, 4, 3, { padding: "same" });
  assert.deepEqual(c1(torch.randn(3, 2, 9)).shape, [3, 4, 9]);
  const [v, i] = new nn.MaxPool2d(2, { returnIndices: true })(torch.randn(1, 2, 4, 4));
  assert.deepEqual(v.shape, [1, 2, 2, 2]);
  assert.equal(i.dtype, "int32");
  assertThrowsMsg(() => new nn.Conv2d(3, 4, 3, { groups: 2 }), /inChannels must be divisible by groups/);
  assertThrowsMsg(() => new nn.Conv2d(4, 3, 3, { groups: 2 }), /outChannels must be divisible by groups/);
  assertThrowsMsg(() => new nn.Conv2d(4, 4, 3, { groups: 0 }), /groups must be a positive integer/);
  assertThrowsMsg(
    () => new nn.Conv2d(4, 4, 3, { padding: "same", stride: 2 }),
    /padding='same' is not supported for strided convolutions/,
  );
  assertThrowsMsg(
    () => new nn.Conv2d(4, 4, 3, { paddingMode: "mirror" as nn.PaddingMode }),
    /paddingMode must be one of "zeros", "reflect", "replicate", "circular", got "mirror"/,
  );
  assertThrowsMsg(
    () => new nn.Conv2d(4, 4, [3, 3, 3]),
    /kernelSize must be a non-negative integer or a list of 2/,
  );
});

Deno.test("nn: a small CNN (Conv2d-ReLU-MaxPool2d-Flatten-Linear) trains with optim.SGD", () => {
  torch.manualSeed(2);
  const model = new nn.Sequential(
    new nn.Conv2d(1, 6, 3, { padding: 1 }),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Conv2d(6, 8, 3, { padding: 1 }),
    new nn.ReLU(),
    new nn.AvgPool2d(2),
    new nn.Flatten(),
    new nn.Linear(8 * 2 * 2, 4),
  );
  const x = torch.randn(32, 1, 8, 8);
  const y = torch.randint(0, 4, [32]);
  const criterion = new nn.CrossEntropyLoss();
  const opt = new optim.SGD(model.parameters(), { lr: 0.2, momentum: 0.9 });
  const losses: number[] = [];
  for (let step = 0; step < 20; step++) {
    opt.zeroGrad();
    const loss = criterion(model(x), y);
    loss.backward();
    opt.step();
    losses.push(loss.item());
  }
  assert.ok(losses[19] < losses[0] * 0.8, `loss went from ${losses[0]} to ${losses[19]}`);
});
