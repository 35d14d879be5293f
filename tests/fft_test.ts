/**
 * The complex FFT kernel (assembly/fft.ts through `Backend.fft`) and the differentiable
 * `fftPairs` it backs (src/fft/pairs.ts), on (re, im) pairs: PyTorch 1.13's unnormalised fft /
 * ifft for many n, batched (tools/fixtures/fft_fixtures.py -> tests/fixtures/fft.json), on both
 * devices (the GPU: wgsl/fft.wgsl) and through the DFT-by-matmul fallback; a float64 DFT for every n up to 64 and
 * longer mixed-radix and Bluestein lengths; 1 vs several threads bit for bit; gradients by
 * finite differences; bad input.
 */
import assert from "node:assert/strict";
import * as torch from "../mod.ts";
import { dftByMatmul, fftPairs, rfftPairs } from "../src/fft/pairs.ts";
import { wasmBackend } from "../src/backends/wasm/backend.ts";
import { PARALLEL_MIN_NS } from "../src/backends/wasm/backend.ts";
import { assertThrowsMsg, type EncodedTensor, fixtureTensor, gradcheckAsync } from "./helpers.ts";
import { deviceTest } from "./devices.ts";

interface C2C {
  name: string;
  n: number;
  inverse: number;
  x: EncodedTensor;
  y: EncodedTensor;
}

const fx = JSON.parse(await Deno.readTextFile(new URL("./fixtures/fft.json", import.meta.url))) as {
  c2c: C2C[];
};

/** max |a - b| / max |b| over the values. */
function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let err = 0, norm = 0;
  for (let i = 0; i < a.length; i++) {
    err = Math.max(err, Math.abs(a[i] - b[i]));
    norm = Math.max(norm, Math.abs(b[i]));
  }
  return norm === 0 ? err : err / norm;
}

/** The DFT of the rows of interleaved values in float64. */
function dft64(x: ArrayLike<number>, n: number, inverse: boolean): Float64Array {
  const rows = x.length / (2 * n), out = new Float64Array(x.length), sg = inverse ? 1 : -1;
  for (let b = 0; b < rows; b++) {
    for (let k = 0; k < n; k++) {
      let re = 0, im = 0;
      for (let j = 0; j < n; j++) {
        const a = (sg * 2 * Math.PI * ((j * k) % n)) / n, c = Math.cos(a), s = Math.sin(a);
        const xr = x[2 * (b * n + j)], xi = x[2 * (b * n + j) + 1];
        re += xr * c - xi * s;
        im += xr * s + xi * c;
      }
      out[2 * (b * n + k)] = re;
      out[2 * (b * n + k) + 1] = im;
    }
  }
  return out;
}

deviceTest(
  "fft kernel: PyTorch 1.13's unnormalised fft / ifft, n from 1 to 1024, batched",
  async (device) => {
    for (const c of fx.c2c) {
      const x = fixtureTensor(c.x, device);
      const y = fftPairs(x, c.inverse === 1, 1);
      assert.deepEqual(y.shape, c.y.shape, c.name);
      const got = await y.dataAsync(), want = fixtureTensor(c.y).dataSync();
      const e = relErr(got, want);
      assert.ok(e <= (device === "cpu" ? 1e-6 : 4e-6), `${c.name}: relative error ${e}`);
    }
    assert.equal(fx.c2c.length, 28);
  },
);

Deno.test("fft kernel: every n up to 64, and mixed-radix / Bluestein lengths, against a float64 DFT", () => {
  torch.manualSeed(7);
  const lengths = [...Array.from({ length: 64 }, (_, i) => i + 1), 125, 143, 169, 210, 243, 289, 1009, 1155];
  for (const n of lengths) {
    for (const inverse of [false, true]) {
      const x = torch.randn(n <= 64 ? 3 : 1, n, 2);
      const e = relErr(fftPairs(x, inverse, 1).dataSync(), dft64(x.dataSync(), n, inverse));
      assert.ok(e <= 1e-6, `n=${n} inverse=${inverse}: relative error ${e}`);
    }
  }
});

Deno.test("fft kernel: scale, a round trip, and batch rows stay apart", () => {
  torch.manualSeed(8);
  for (const n of [16, 17, 360]) {
    const x = torch.randn(4, n, 2);
    const back = fftPairs(fftPairs(x, false, 1), true, 1 / n);
    assert.ok(relErr(back.dataSync(), x.dataSync()) <= 1e-6, `n=${n}`);
    const one = fftPairs(x.index(2), false, 0.5).dataSync();
    const all = fftPairs(x, false, 0.5).index(2).dataSync();
    assert.deepEqual(Array.from(one), Array.from(all));
  }
});

Deno.test("fft kernel: the same bits on one thread and several (batches split between threads)", async () => {
  const backend = wasmBackend();
  torch.manualSeed(9);
  const inputs = [torch.randn(64, 1024, 2), torch.randn(37, 1000, 2), torch.randn(9, 97, 2)];
  torch.setNumThreads(1);
  const one = inputs.map((x) => Array.from(fftPairs(x, true, 1).dataSync()));
  const threads = Math.max(3, navigator.hardwareConcurrency);
  torch.setNumThreads(threads);
  try {
    assert.equal(
      await torch.cpu.startThreads(),
      threads,
      `threads did not start: ${torch.cpu.threadingReason()}`,
    );
    backend.splitCallsAbove(0);
    const jobs = backend.parallelJobs;
    const many = inputs.map((x) => Array.from(fftPairs(x, true, 1).dataSync()));
    assert.ok(backend.parallelJobs > jobs, "no call was split");
    inputs.forEach((_, i) => assert.deepEqual(many[i], one[i], `input ${i}`));
  } finally {
    backend.splitCallsAbove(PARALLEL_MIN_NS);
  }
});

deviceTest(
  "fftPairs: gradients by finite differences (forward, inverse, Bluestein, scaled)",
  async (device) => {
    torch.manualSeed(10);
    for (
      const [n, inverse, scale] of [[8, false, 1], [6, true, 0.25], [17, false, 1 / Math.sqrt(17)]] as const
    ) {
      const x = torch.randn([2, n, 2], { dtype: "float32", device }).requiresGrad_();
      await gradcheckAsync((t) => fftPairs(t, inverse, scale), [x], {
        eps: 1e-2,
        atol: 5e-3,
        rtol: 1e-2,
        msg: `n=${n}`,
      });
    }
  },
);

deviceTest("fftPairs: backward of backward (createGraph) is the forward transform again", async (device) => {
  torch.manualSeed(11);
  const x = torch.randn([5, 2], { device }).requiresGrad_();
  const g = torch.randn([5, 2], { device }).requiresGrad_();
  const y = fftPairs(x, false, 1);
  const [gx] = torch.autograd.grad([y], [x], { gradOutputs: [g], createGraph: true });
  const want = fftPairs(g.detach(), true, 1);
  assert.ok(relErr(await gx!.dataAsync(), await want.dataAsync()) <= 1e-6);
  const [gg] = torch.autograd.grad([gx!.sum()], [g]);
  const ones = fftPairs(torch.ones([5, 2], { device }), false, 1);
  assert.ok(relErr(await gg!.dataAsync(), await ones.dataAsync()) <= 1e-6);
});

Deno.test("fftPairs / Backend.fft: bad input", () => {
  assertThrowsMsg(
    () => fftPairs(torch.zeros(4, 3), false, 1),
    /fft: expected \[\.\.\., n, 2\] \(re, im\) pairs, got \[4, 3\]/,
  );
  assertThrowsMsg(() => fftPairs(torch.zeros(2), false, 1), /fft: expected \[\.\.\., n, 2\]/);
  assertThrowsMsg(
    () => fftPairs(torch.zeros([4, 2], { dtype: "float64" }), false, 1),
    /fft: expected float32 \(re, im\) pairs, got float64/,
  );
  const backend = wasmBackend(), s = torch.zeros(6)._storage;
  assertThrowsMsg(
    () => backend.fft(s, { batch: 1, n: 0, inverse: false }),
    /fft: expected a batch >= 0 and a length n >= 1/,
  );
  assertThrowsMsg(
    () => backend.fft(s, { batch: 2, n: 2, inverse: false }),
    /fft: expected 2 rows of 2 \(re, im\) pairs \(8 values\), got 6/,
  );
  // Empty batches and n = 0 rows give empty results.
  assert.deepEqual(fftPairs(torch.zeros(0, 4, 2), false, 1).shape, [0, 4, 2]);
  assert.deepEqual(fftPairs(torch.zeros(3, 0, 2), false, 1).shape, [3, 0, 2]);
});

Deno.test("rfft kernel: even n (half-length complex FFT) and odd n against a float64 DFT", () => {
  torch.manualSeed(12);
  for (const n of [1, 2, 3, 4, 6, 8, 10, 12, 34, 64, 98, 100, 194, 400, 1000, 1024, 2018]) {
    const x = torch.randn(3, n);
    const pairs = torch.stack([x, torch.zeros(3, n)], -1);
    const full = dft64(pairs.dataSync(), n, false), half = Math.floor(n / 2) + 1;
    const want = new Float64Array(3 * half * 2);
    for (let b = 0; b < 3; b++) want.set(full.subarray(2 * b * n, 2 * (b * n + half)), 2 * b * half);
    const y = rfftPairs(x, 0.5);
    assert.deepEqual(y.shape, [3, half, 2]);
    const e = relErr(y.dataSync(), want.map((v) => v * 0.5));
    assert.ok(e <= 1e-6, `n=${n}: relative error ${e}`);
  }
});

Deno.test("rfft kernel: the same bits on one thread and several", async () => {
  const backend = wasmBackend();
  torch.manualSeed(13);
  const inputs = [torch.randn(64, 1024), torch.randn(33, 1000), torch.randn(5, 194)];
  torch.setNumThreads(1);
  const one = inputs.map((x) => Array.from(rfftPairs(x, 1).dataSync()));
  const threads = Math.max(3, navigator.hardwareConcurrency);
  torch.setNumThreads(threads);
  try {
    assert.equal(await torch.cpu.startThreads(), threads);
    backend.splitCallsAbove(0);
    const jobs = backend.parallelJobs;
    const many = inputs.map((x) => Array.from(rfftPairs(x, 1).dataSync()));
    assert.ok(backend.parallelJobs > jobs, "no call was split");
    inputs.forEach((_, i) => assert.deepEqual(many[i], one[i], `input ${i}`));
  } finally {
    backend.splitCallsAbove(PARALLEL_MIN_NS);
  }
});

deviceTest("rfftPairs: gradients by finite differences (even and odd n)", async (device) => {
  torch.manualSeed(14);
  for (const n of [8, 7, 34]) {
    const x = torch.randn([2, n], { device }).requiresGrad_();
    await gradcheckAsync((t) => rfftPairs(t, 0.5), [x], { eps: 1e-2, atol: 5e-3, rtol: 1e-2, msg: `n=${n}` });
  }
});

Deno.test("Backend.rfft: bad input", () => {
  const backend = wasmBackend(), s = torch.zeros(6)._storage;
  assertThrowsMsg(
    () => backend.rfft(s, { batch: 2, n: 3 }),
    /rfft: expected a batch >= 0 and an even length n >= 2/,
  );
  assertThrowsMsg(
    () => backend.rfft(s, { batch: 2, n: 4 }),
    /rfft: expected 2 rows of 4 values \(8\), got 6/,
  );
  assertThrowsMsg(
    () => rfftPairs(torch.zeros([4], { dtype: "float64" }), 1),
    /rfft: expected a float32 signal, got float64/,
  );
});

deviceTest(
  "dftByMatmul (the fallback of backends without Backend.fft) agrees with the kernel",
  async (device) => {
    torch.manualSeed(15);
    for (const n of [1, 5, 16, 17]) {
      const x = torch.randn([3, n, 2], { device });
      for (const inverse of [false, true]) {
        const got = await dftByMatmul(x, n, inverse).dataAsync(),
          want = await fftPairs(x, inverse, 1).dataAsync();
        const e = relErr(got, want);
        assert.ok(e <= 2e-6, `n=${n} inverse=${inverse}: relative error ${e}`);
      }
    }
  },
);
