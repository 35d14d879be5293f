/**
 * The CPU backend's implicit-GEMM convolution forward (`conv2dForward`: the im2col columns gathered
 * panel by panel inside the matrix product, never materialised) against the `matmul(w, im2col(x))`
 * it replaces: the same blocking, packing and register tiles, so the same bits, across strides,
 * padding, dilation, groups, bias rows, sizes off the register tiles and past the product's
 * KC x NC blocks; on one thread and split between threads; and the inputs it refuses.
 */
import assert from "node:assert/strict";
import * as torch from "../mod.ts";
import type { Conv2dGeometry } from "../src/backends/backend.ts";
import { PARALLEL_MIN_NS, wasmBackend } from "../src/backends/wasm/backend.ts";
import { randF32, rng } from "./helpers.ts";
import { assertClose, assertExact, each, f32 } from "./wasm_backend_setup.ts";

function geometry(p: Partial<Conv2dGeometry>): Conv2dGeometry {
  const g: Conv2dGeometry = {
    batch: 3,
    channels: 4,
    height: 9,
    width: 11,
    groups: 1,
    onesRow: false,
    kernelH: 3,
    kernelW: 3,
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

/** Geometries and output channels: [geometry, outChannels]. */
const CASES: [Partial<Conv2dGeometry>, number][] = [
  [{}, 7],
  [{ onesRow: true }, 16],
  [{ padH: 1, padW: 1, onesRow: true }, 13],
  [{ strideH: 2, strideW: 3, padH: 1, padW: 2, dilationH: 2 }, 5],
  [{ strideH: 2, strideW: 2, padH: 2, padW: 1, width: 20, onesRow: true }, 6],
  [{ kernelH: 1, kernelW: 4, strideW: 4, batch: 2 }, 1],
  [{ channels: 1, height: 28, width: 28, padH: 1, padW: 1, batch: 5, onesRow: true }, 16],
  [{ kernelH: 9, kernelW: 11, batch: 1 }, 3],
  [{ kernelH: 5, kernelW: 5, padH: 7, padW: 6, dilationW: 3 }, 4],
  // groups (depthwise included)
  [{ groups: 2, onesRow: true }, 6],
  [{ channels: 6, groups: 3, padH: 1, padW: 1, strideW: 2 }, 9],
  [{ channels: 6, groups: 6, padH: 1, padW: 1, onesRow: true }, 6],
  // R = 40 * 9 + 1 > KC = 256: two blocks of the sum
  [{ channels: 40, batch: 2, padH: 1, padW: 1, onesRow: true }, 11],
  // L = 50 * 46 > NC = 2048: two column blocks, the second starting mid-row
  [{ channels: 2, height: 52, width: 48, batch: 1, onesRow: true }, 8],
  // a 1x1 convolution and an output of one position
  [{ kernelH: 1, kernelW: 1, onesRow: true }, 5],
  [{ height: 3, width: 3, onesRow: true }, 4],
];

/** `[G, Og, R]` weight rows and the columns' product: today's unfused path. */
function reference(b: ReturnType<typeof wasmBackend>, x: unknown, a: unknown, g: Conv2dGeometry, o: number) {
  const r = (g.channels / g.groups) * g.kernelH * g.kernelW + (g.onesRow ? 1 : 0);
  const og = o / g.groups, l = g.outH * g.outW;
  // deno-lint-ignore no-explicit-any
  const cols = b.im2col(x as any, g);
  // One [Og, R] @ [R, L] product per image and group, as conv2dCore batched them.
  const aRows = Float32Array.from(b.readSync(a as never) as Float32Array);
  const rep = new Float32Array(g.batch * o * r);
  for (let n = 0; n < g.batch; n++) rep.set(aRows, n * o * r);
  return b.readSync(
    b.matmul(f32(b, rep), cols, {
      batch: g.batch * g.groups,
      m: og,
      k: r,
      n: l,
      aBatchStride: og * r,
      bBatchStride: r * l,
      transA: false,
      transB: false,
    }),
  );
}

each("conv2dForward: the bits of matmul(w, im2col(x))", (b) => {
  const rnd = rng(7);
  for (const [p, o] of CASES) {
    const g = geometry(p);
    const r = (g.channels / g.groups) * g.kernelH * g.kernelW + (g.onesRow ? 1 : 0);
    const x = f32(b, randF32(g.batch * g.channels * g.height * g.width, rnd));
    const a = f32(b, randF32(o * r, rnd));
    assertExact(
      b.readSync(b.conv2dForward(x, a, g, o)),
      reference(b, x, a, g, o),
      `${JSON.stringify(p)} o=${o}`,
    );
  }
});

each("conv2dForward: empty batches and channels, and the inputs it refuses", (b) => {
  assert.equal(
    b.readSync(b.conv2dForward(f32(b, []), f32(b, new Float32Array(2 * 36)), geometry({ batch: 0 }), 2))
      .length,
    0,
  );
  const g0 = geometry({ channels: 0, batch: 2 });
  assertExact(
    b.readSync(b.conv2dForward(f32(b, []), f32(b, []), g0, 3)),
    new Float32Array(2 * 3 * 63),
    "no input channels",
  );
  const g = geometry({ batch: 2 });
  const x = f32(b, new Float32Array(2 * 4 * 99));
  assert.throws(
    () => b.conv2dForward(x, f32(b, new Float32Array(10)), g, 2),
    /conv2dForward: weight has 10 elements, expected 72/,
  );
  assert.throws(
    () => b.conv2dForward(f32(b, [1]), f32(b, new Float32Array(72)), g, 2),
    /conv2dForward: input has 1 elements/,
  );
  assert.throws(
    () => b.conv2dForward(x, f32(b, new Float32Array(54)), { ...g, groups: 2 }, 3),
    /conv2dForward: 3 output channels are not divisible by 2 groups/,
  );
});

Deno.test("conv2dForward split between threads: the one-thread bits", async () => {
  const backend = wasmBackend();
  const rnd = rng(11);
  const threads = Math.max(3, navigator.hardwareConcurrency);
  const cases: [Partial<Conv2dGeometry>, number][] = [
    [{ channels: 8, batch: 6, padH: 1, padW: 1, onesRow: true }, 16],
    [{ channels: 6, groups: 3, batch: 1, height: 30, width: 31, padH: 1, padW: 1, onesRow: true }, 15],
    [{ channels: 3, batch: 1, height: 60, width: 50, strideW: 2, onesRow: true }, 20],
  ];
  for (const [p, o] of cases) {
    const g = geometry(p);
    const r = (g.channels / g.groups) * g.kernelH * g.kernelW + (g.onesRow ? 1 : 0);
    const x = f32(backend, randF32(g.batch * g.channels * g.height * g.width, rnd));
    const a = f32(backend, randF32(o * r, rnd));
    torch.setNumThreads(1);
    const one = backend.readSync(backend.conv2dForward(x, a, g, o));
    torch.setNumThreads(threads);
    assert.equal(
      await torch.cpu.startThreads(),
      threads,
      `threads did not start: ${torch.cpu.threadingReason()}`,
    );
    backend.splitCallsAbove(0);
    const jobs = backend.parallelJobs;
    try {
      assertExact(backend.readSync(backend.conv2dForward(x, a, g, o)), one, `threads ${JSON.stringify(p)}`);
    } finally {
      backend.splitCallsAbove(PARALLEL_MIN_NS);
    }
    assert.ok(backend.parallelJobs > jobs, "the call was not split between threads");
    assertExact(one, reference(backend, x, a, g, o), `one thread ${JSON.stringify(p)}`);
  }
  torch.setNumThreads(navigator.hardwareConcurrency);
  torch.cpu.stopThreads();
});

Deno.test("conv2d: the implicit-GEMM forward (weight without grad) gives the bits of the column path", () => {
  // A weight that requires grad takes im2col + matmul (the columns are kept for its gradient);
  // under noGrad conv2dCore takes conv2dForward. Both through the public API.
  const cases: [number[], number[], torch.Conv2dOptions | undefined, boolean][] = [
    [[2, 3, 9, 10], [4, 3, 3, 3], { padding: 1 }, true],
    [[2, 3, 9, 10], [5, 3, 2, 3], { stride: [2, 1], dilation: [1, 2] }, false],
    [[3, 6, 8, 7], [9, 2, 3, 3], { groups: 3, padding: [2, 1], stride: 2 }, true],
    [[1, 4, 12, 12], [4, 1, 5, 5], { groups: 4, padding: "same" }, false],
    [[2, 40, 6, 6], [7, 40, 3, 3], { padding: 1 }, true],
  ];
  for (const [xs, ws, opts, withBias] of cases) {
    const x = torch.randn(...xs), w = torch.randn(...ws), b = withBias ? torch.randn(ws[0]) : undefined;
    const fast = torch.noGrad(() => torch.conv2d(x, w, b, opts));
    const wg = w.clone().requiresGrad_(true);
    const cols = torch.conv2d(x, wg, b, opts);
    assert.deepEqual(fast.shape, cols.shape);
    assertExact(fast.dataSync(), cols.dataSync(), `conv2d ${JSON.stringify([xs, ws, opts, withBias])}`);
  }
});

Deno.test("conv2d with a frozen weight (implicit-GEMM forward): input and bias gradients as with a trained weight", () => {
  const x = torch.randn(2, 4, 7, 8), w = torch.randn(6, 2, 3, 3), b = torch.randn(6);
  const run = (trainWeight: boolean) => {
    const xg = x.clone().requiresGrad_(true), bg = b.clone().requiresGrad_(true);
    const wg = trainWeight ? w.clone().requiresGrad_(true) : w;
    const y = torch.conv2d(xg, wg, bg, { groups: 2, padding: 1, stride: [1, 2] });
    y.mul(y).sum().backward();
    return [y, xg.grad!, bg.grad!].map((t) => t.dataSync());
  };
  const frozen = run(false), trained = run(true);
  assertExact(frozen[0], trained[0], "output");
  assertExact(frozen[1], trained[1], "input grad");
  // The bias gradient is Σ g either way, summed in another order when it comes with the weight's.
  assertClose(frozen[2], trained[2], 1e-5, 1e-5, "bias grad");
});
