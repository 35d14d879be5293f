/**
 * The CPU backend's fused convolution input gradient (`conv2dInputGrad`, one image's columns at a
 * time) against the unfused `col2im(matmul(wᵀ, g))` it replaces: the same products and sums, so
 * the same bits, across strides, padding, dilation and sizes off the register tiles.
 */
import assert from "node:assert/strict";
import type { Conv2dGeometry } from "../src/backends/backend.ts";
import { randF32, rng } from "./helpers.ts";
import { assertExact, each, f32 } from "./wasm_backend_setup.ts";

function geometry(p: Partial<Conv2dGeometry>): Conv2dGeometry {
  const g: Conv2dGeometry = {
    batch: 3,
    channels: 5,
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

const CASES: [Partial<Conv2dGeometry>, number][] = [
  [{}, 7],
  [{ padH: 1, padW: 1 }, 16],
  [{ strideH: 2, strideW: 3, padH: 1, padW: 2, dilationH: 2 }, 5],
  [{ kernelH: 1, kernelW: 4, strideW: 4, batch: 2 }, 1],
  [{ channels: 1, height: 28, width: 28, padH: 1, padW: 1, batch: 5 }, 40],
  [{ kernelH: 9, kernelW: 11, batch: 1 }, 3],
];

each("conv2dInputGrad: the bits of col2im(matmul(wᵀ, g))", (b) => {
  const r = rng(21);
  for (const [p, o] of CASES) {
    const g = geometry(p);
    const rows = g.channels * g.kernelH * g.kernelW, l = g.outH * g.outW;
    const w = f32(b, randF32(o * rows, r)), gy = f32(b, randF32(g.batch * o * l, r));
    const cols = b.matmul(w, gy, {
      batch: g.batch,
      m: rows,
      k: o,
      n: l,
      aBatchStride: 0,
      bBatchStride: o * l,
      transA: true,
      transB: false,
    });
    const want = b.readSync(b.col2im(cols, g));
    assertExact(
      b.readSync(b.conv2dInputGrad(w, gy, g, o)),
      want,
      `conv2dInputGrad ${JSON.stringify(p)} o=${o}`,
    );
  }
});

each("conv2dInputGrad: empty batches and channels, and the geometries it refuses", (b) => {
  const g = geometry({ batch: 0 });
  assert.equal(b.readSync(b.conv2dInputGrad(f32(b, new Float32Array(2 * 45)), f32(b, []), g, 2)).length, 0);
  const g1 = geometry({ batch: 2 });
  const zeros = b.readSync(b.conv2dInputGrad(f32(b, []), f32(b, []), g1, 0));
  assertExact(zeros, new Float32Array(2 * 5 * 9 * 11), "no output channels");
  assert.throws(
    () =>
      b.conv2dInputGrad(f32(b, new Float32Array(90)), f32(b, new Float32Array(2 * 4 * 63)), {
        ...g1,
        groups: 5,
      }, 4),
    /conv2dInputGrad: expected an ungrouped geometry without a ones row/,
  );
  assert.throws(
    () => b.conv2dInputGrad(f32(b, new Float32Array(10)), f32(b, new Float32Array(2 * 2 * 63)), g1, 2),
    /weight has 10 elements, expected 90/,
  );
});
