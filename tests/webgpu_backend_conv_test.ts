/**
 * The WebGPU backend against the CPU (wasm) backend on the same inputs: convolution (im2col, col2im) and
 * max/avg pooling, forward and backward. Setup, tolerances and the comparison helpers are in
 * tests/webgpu_backend_setup.ts; the last test checks that no kernel raised a WebGPU validation error.
 */
import type { AvgPoolOptions, Conv2dGeometry, Pool2dGeometry } from "../src/backends/backend.ts";
import { randF32, rng } from "./helpers.ts";
import { both, cpu, g, gpuTest, noValidationErrorsTest, same } from "./webgpu_backend_setup.ts";

// ---------------------------------------------------------------------------------------------
// Convolution and pooling

function outSize(i: number, k: number, s: number, p: number, d: number): number {
  return Math.floor((i + 2 * p - d * (k - 1) - 1) / s) + 1;
}

gpuTest("im2col / col2im: groups, strides, padding, dilation, ones row", async () => {
  const r = rng(13);
  const cases: Partial<Conv2dGeometry>[] = [
    {
      batch: 2,
      channels: 3,
      height: 9,
      width: 11,
      groups: 1,
      kernelH: 3,
      kernelW: 3,
      strideH: 1,
      strideW: 1,
      padH: 1,
      padW: 1,
    },
    {
      batch: 1,
      channels: 4,
      height: 10,
      width: 7,
      groups: 2,
      kernelH: 3,
      kernelW: 2,
      strideH: 2,
      strideW: 3,
      padH: 0,
      padW: 1,
    },
    {
      batch: 3,
      channels: 2,
      height: 12,
      width: 12,
      groups: 1,
      kernelH: 2,
      kernelW: 3,
      strideH: 1,
      strideW: 2,
      padH: 2,
      padW: 0,
      dilationH: 2,
      dilationW: 2,
    },
    {
      batch: 1,
      channels: 6,
      height: 5,
      width: 5,
      groups: 3,
      kernelH: 1,
      kernelW: 1,
      strideH: 1,
      strideW: 1,
      padH: 0,
      padW: 0,
    },
  ];
  for (const c of cases) {
    for (const onesRow of [false, true]) {
      const dH = c.dilationH ?? 1, dW = c.dilationW ?? 1;
      const geom: Conv2dGeometry = {
        ...(c as Conv2dGeometry),
        onesRow,
        dilationH: dH,
        dilationW: dW,
        outH: outSize(c.height!, c.kernelH!, c.strideH!, c.padH!, dH),
        outW: outSize(c.width!, c.kernelW!, c.strideW!, c.padW!, dW),
      };
      const [gx, cx] = both(randF32(geom.batch * geom.channels * geom.height * geom.width, r), "float32");
      const gc = g.im2col(gx, geom), cc = cpu.im2col(cx, geom);
      await same(`im2col ${JSON.stringify(c)} ones=${onesRow}`, gc, cc);
      const [gcols, ccols] = both(randF32(cc.numel, r), "float32");
      await same(
        `col2im ${JSON.stringify(c)} ones=${onesRow}`,
        g.col2im(gcols, geom),
        cpu.col2im(ccols, geom),
      );
    }
  }
});

gpuTest("max/avg pooling forward and backward: padding, dilation, ceil-mode edges, NaN, ties", async () => {
  const r = rng(14);
  const cases: Partial<Pool2dGeometry>[] = [
    { planes: 3, height: 8, width: 8, kernelH: 2, kernelW: 2, strideH: 2, strideW: 2, padH: 0, padW: 0 },
    { planes: 2, height: 9, width: 7, kernelH: 3, kernelW: 3, strideH: 2, strideW: 2, padH: 1, padW: 1 },
    { planes: 2, height: 10, width: 11, kernelH: 3, kernelW: 2, strideH: 1, strideW: 3, padH: 1, padW: 0 },
    {
      planes: 1,
      height: 12,
      width: 12,
      kernelH: 3,
      kernelW: 3,
      strideH: 2,
      strideW: 2,
      padH: 1,
      padW: 1,
      dilationH: 2,
      dilationW: 2,
    },
  ];
  for (const c of cases) {
    for (const ceil of [false, true]) {
      const dH = c.dilationH ?? 1, dW = c.dilationW ?? 1;
      const o = (i: number, k: number, s: number, p: number, d: number) => {
        const v = (i + 2 * p - d * (k - 1) - 1) / s;
        let out = (ceil ? Math.ceil(v) : Math.floor(v)) + 1;
        if (ceil && (out - 1) * s >= i + p) out--;
        return out;
      };
      const geom: Pool2dGeometry = {
        ...(c as Pool2dGeometry),
        dilationH: dH,
        dilationW: dW,
        outH: o(c.height!, c.kernelH!, c.strideH!, c.padH!, dH),
        outW: o(c.width!, c.kernelW!, c.strideW!, c.padW!, dW),
      };
      const x = randF32(geom.planes * geom.height * geom.width, r);
      for (let i = 0; i < 10; i++) x[Math.floor(r() * x.length)] = 0.75; // ties
      x[5] = NaN;
      x[6] = NaN;
      const [gx, cx] = both(x, "float32");
      const tag = `${JSON.stringify(c)} ceil=${ceil}`;
      const gm = g.maxPool2d(gx, geom), cm = cpu.maxPool2d(cx, geom);
      await same(`maxPool2d values ${tag}`, gm.values, cm.values);
      await same(`maxPool2d indices ${tag}`, gm.indices, cm.indices);
      if (dH !== 1 || dW !== 1) continue;
      for (
        const opts of [{ countIncludePad: true, divisor: 0 }, { countIncludePad: false, divisor: 0 }, {
          countIncludePad: false,
          divisor: 3,
        }] as AvgPoolOptions[]
      ) {
        const [gx2, cx2] = both(randF32(x.length, r), "float32");
        await same(
          `avgPool2d ${tag} ${JSON.stringify(opts)}`,
          g.avgPool2d(gx2, geom, opts),
          cpu.avgPool2d(cx2, geom, opts),
        );
        const [gg, cg] = both(randF32(geom.planes * geom.outH * geom.outW, r), "float32");
        await same(
          `avgPool2dBackward ${tag} ${JSON.stringify(opts)}`,
          g.avgPool2dBackward(gg, geom, opts),
          cpu.avgPool2dBackward(cg, geom, opts),
        );
      }
    }
  }
});

noValidationErrorsTest();
