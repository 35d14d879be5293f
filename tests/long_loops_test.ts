/**
 * Ops whose GPU kernels loop over a data-dependent length, at lengths past 65,536 and 262,144:
 * Mesa's llvmpipe ends a shader invocation after 65,535 loop iterations without any error (see
 * LOOP_BUDGET in src/backends/webgpu/backend.ts), which made `[1, 70000] @ [70000, 1]` of ones
 * give 65535, softmax over 3,000,000 elements sum to 16 and logSoftmax over rows of 2.1M give
 * -0.693. Every case runs on both devices against values computed here in float64.
 * The split paths of every looping kernel (col2im, average-pooling backward, ...) are also run on
 * small inputs under a tiny budget in tests/webgpu_backend_grids_test.ts ("loop budget").
 *
 * Tolerances: sums of n float32 terms are compared with rtol 1e-4 (they are exact for the
 * integer-valued cases); softmax values with rtol 1e-4.
 */
import * as torch from "../mod.ts";
import type { Device, Tensor } from "../mod.ts";
import { assert, assertCloseAsync } from "./helpers.ts";
import { deviceTest } from "./devices.ts";
import * as nn from "../src/nn/mod.ts";

/** A float32 tensor of `n` values `f(i)` on `device`, and the values as numbers. */
function pattern(
  n: number,
  f: (i: number) => number,
  device: Device,
  shape: number[] = [n],
): [Tensor, number[]] {
  const v = Float32Array.from({ length: n }, (_, i) => f(i));
  return [torch.tensor(v, { device }).reshape(shape), Array.from(v)];
}

deviceTest(
  "long loops: matmul with inner dimensions of 70,000 and 300,000 (thin and tiled kernels)",
  async (d) => {
    for (const k of [70_000, 300_000]) {
      const ones = await torch.ones([1, k], { device: d }).matmul(torch.ones([k, 1], { device: d }))
        .itemAsync();
      assert.equal(ones, k, `[1, ${k}] @ [${k}, 1] of ones`);
      // Integer-valued products small enough to be exact in float32: the sums are exact.
      const [a, av] = pattern(8 * k, (i) => (i % 7) - 3, d, [8, k]);
      const [b, bv] = pattern(k * 9, (i) => (i % 5) - 2, d, [k, 9]);
      const want: number[][] = [];
      for (let i = 0; i < 8; i++) {
        want.push([]);
        for (let j = 0; j < 9; j++) {
          let s = 0;
          for (let t = 0; t < k; t++) s += av[i * k + t] * bv[t * 9 + j];
          want[i].push(s);
        }
      }
      await assertCloseAsync(a.matmul(b), want, { rtol: 0, atol: 0 });
      await assertCloseAsync(a.matmul(b.T.contiguous().T), want, { rtol: 0, atol: 0 });
    }
  },
);

deviceTest("long loops: Linear(70000, 8) and a 1x1 convolution over 70,000 channels", async (d) => {
  torch.manualSeed(3);
  const n = 70_000;
  const lin = new nn.Linear(n, 8).to(d);
  const [x, xv] = pattern(2 * n, (i) => Math.sin(i * 0.001), d, [2, n]);
  const w = Array.from(await lin.weight.dataAsync()), bias = Array.from(await lin.bias!.dataAsync());
  const want = [0, 1].map((r) =>
    bias.map((b, o) => {
      let s = b;
      for (let t = 0; t < n; t++) s += xv[r * n + t] * w[o * n + t];
      return s;
    })
  );
  await assertCloseAsync(lin(x), want, { rtol: 1e-4, atol: 1e-4 });
  await assertCloseAsync(lin(x.index(0)), want[0], { rtol: 1e-4, atol: 1e-4 });
  // 1x1 convolution: [1, 70000, 2, 2] with weights [3, 70000, 1, 1].
  const [cx, cxv] = pattern(n * 4, (i) => (i % 11) - 5, d, [1, n, 2, 2]);
  const [cw, cwv] = pattern(3 * n, (i) => (i % 3) - 1, d, [3, n, 1, 1]);
  const conv: number[] = [];
  for (let o = 0; o < 3; o++) {
    for (let p = 0; p < 4; p++) {
      let s = 0;
      for (let c = 0; c < n; c++) s += cwv[o * n + c] * cxv[c * 4 + p];
      conv.push(s);
    }
  }
  await assertCloseAsync(torch.conv2d(cx, cw).reshape(12), conv, { rtol: 0, atol: 0 });
});

deviceTest("long loops: softmax over 3,000,000 elements and logSoftmax over rows of 2,100,000", async (d) => {
  const check = async (rows: number, cols: number, log: boolean) => {
    const [x, xv] = pattern(rows * cols, (i) => ((i * 7919) % 1000) / 100 - 5, d, [rows, cols]);
    const got = await (log ? x.logSoftmax(1) : x.softmax(1)).dataAsync();
    let bad = 0, first = "";
    for (let r = 0; r < rows; r++) {
      let m = -Infinity, s = 0;
      for (let j = r * cols; j < (r + 1) * cols; j++) m = Math.max(m, xv[j]);
      for (let j = r * cols; j < (r + 1) * cols; j++) s += Math.exp(xv[j] - m);
      for (let j = r * cols; j < (r + 1) * cols; j++) {
        const want = log ? xv[j] - m - Math.log(s) : Math.exp(xv[j] - m) / s;
        if (!(Math.abs(got[j] - want) <= 1e-4 * Math.abs(want))) {
          if (bad++ === 0) first = `[${j}] ${got[j]} vs ${want}`;
        }
      }
    }
    assert.equal(
      bad,
      0,
      `${log ? "logSoftmax" : "softmax"} [${rows}, ${cols}]: ${bad} differ, first ${first}`,
    );
  };
  await check(1, 3_000_000, false);
  await check(2, 2_100_000, true);
  // Many rows of 22,000 (three loops over a row in one invocation would pass the cap).
  await check(130, 22_000, false);
});

deviceTest("long loops: reductions, arg-reductions and cumsum over 300,000 elements", async (d) => {
  const n = 300_000;
  const [x, xv] = pattern(n, (i) => ((i * 7919) % 1001) - 500, d);
  const sum = xv.reduce((a, b) => a + b, 0);
  assert.equal(await x.sum().itemAsync(), sum, "sum");
  assert.equal(await x.max().itemAsync(), 500, "max");
  assert.equal(await x.argmax().itemAsync(), xv.indexOf(500), "argmax");
  assert.equal(await x.argmin().itemAsync(), xv.indexOf(-500), "argmin");
  const cs = await x.cumsum(0).dataAsync();
  let run = 0, bad = 0;
  for (let i = 0; i < n; i++) {
    run += xv[i];
    if (cs[i] !== run) bad++;
  }
  assert.equal(bad, 0, "cumsum");
  // The reduced axis in the middle (one invocation per output column on the GPU).
  const cols = x.reshape(n / 2, 2).sum(0);
  let s0 = 0, s1 = 0;
  for (let i = 0; i < n; i += 2) {
    s0 += xv[i];
    s1 += xv[i + 1];
  }
  await assertCloseAsync(cols, [s0, s1], { rtol: 0, atol: 0 });
  const sorted = await x.sort().values.dataAsync();
  const ref = Float32Array.from(xv).sort();
  assert.deepEqual(Array.from(sorted.subarray(0, 5)), Array.from(ref.subarray(0, 5)), "sort");
  assert.equal(sorted[n - 1], ref[n - 1], "sort last");
});

deviceTest(
  "long loops: pooling windows of 90,000 and 70,000 elements, a 1-d convolution of 70,000 outputs",
  async (d) => {
    const [x, xv] = pattern(300 * 300, (i) => ((i * 7919) % 1000) - 500, d, [1, 1, 300, 300]);
    const mean = xv.reduce((a, b) => a + b, 0) / xv.length;
    await assertCloseAsync(torch.F.adaptiveAvgPool2d(x, 1).reshape(1), [mean], { rtol: 1e-5, atol: 1e-5 });
    xv[123_456 % xv.length] = 999;
    const x2 = torch.tensor(Float32Array.from(xv), { device: d }).reshape(1, 1, 300, 300);
    const [values, indices] = torch.F.adaptiveMaxPool2d(x2, 1, { returnIndices: true });
    assert.equal(await values.itemAsync(), 999);
    assert.equal(await indices.itemAsync(), 123_456 % xv.length);
    const [row] = pattern(70_000, (i) => i % 13, d, [1, 1, 1, 70_000]);
    assert.equal(await torch.maxPool2d(row, [1, 70_000]).itemAsync(), 12);
    // conv1d: 70,000 outputs in one row of the unfolded input.
    const [sig, sv] = pattern(70_002, (i) => (i % 17) - 8, d, [1, 1, 70_002]);
    const w = torch.tensor([[[1, -2, 1]]], { dtype: "float32", device: d });
    const got = await torch.conv1d(sig, w).dataAsync();
    let bad = 0;
    for (let i = 0; i < 70_000; i++) if (got[i] !== sv[i] - 2 * sv[i + 1] + sv[i + 2]) bad++;
    assert.equal(got.length, 70_000);
    assert.equal(bad, 0, "conv1d outputs");
  },
);
