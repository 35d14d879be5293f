/**
 * `torch.fft` and `torch.stft` / `torch.istft` against PyTorch 1.13 (tools/fixtures/fft_fixtures.py
 * -> tests/fixtures/fft.json) on both devices: values and gradients of every function (norms, n / s
 * padding and trimming, dims, real inputs), frequencies and shifts, spectrograms and their
 * inverses; gradients by finite differences; PyTorch's errors for bad input. Tolerances are
 * relative to the largest value of the expected tensor (float32 FFTs round relative to the signal's
 * norm, not to each value).
 */
import assert from "node:assert/strict";
import * as torch from "../mod.ts";
import type { Device, Tensor } from "../mod.ts";
import { assertThrowsMsg, type EncodedTensor, fixtureTensor, gradcheckAsync } from "./helpers.ts";
import { deviceTest } from "./devices.ts";

type Enc = EncodedTensor & { complex?: number };
type Args = Record<string, unknown>;
interface Call {
  name: string;
  fn: string;
  args: Args;
  x: Enc;
  y: Enc;
  grad?: Enc;
}
interface Spec {
  name: string;
  args: Args;
  x: Enc;
  y: Enc;
  window?: Enc;
  grad?: Enc;
}

const fx = JSON.parse(await Deno.readTextFile(new URL("./fixtures/fft.json", import.meta.url))) as {
  calls: Call[];
  freq: { fn: "fftfreq" | "rfftfreq"; n: number; d: number; y: Enc }[];
  shift: { fn: "fftshift" | "ifftshift"; dim: number | number[] | null; x: Enc; y: Enc }[];
  stft: Spec[];
  istft: Spec[];
  errors: { name: string; call: string; message: string }[];
};

/** A fixture tensor on `device` (complex64 when encoded so), requiring grad when asked. */
function input(e: Enc, device: Device, grad = false): Tensor {
  const r = fixtureTensor(e, device);
  const x = e.complex ? torch.viewAsComplex(r) : r;
  return grad ? x.requiresGrad_() : x;
}

/** max |a - b| / max |b|. */
async function relErr(actual: Tensor, expected: Enc, msg: string): Promise<number> {
  const a = actual.dtype === "complex64" ? torch.viewAsReal(actual) : actual;
  assert.deepEqual(a.shape, expected.shape, `${msg}: shape`);
  assert.equal(actual.dtype === "complex64", expected.complex === 1, `${msg}: dtype ${actual.dtype}`);
  const got = await a.dataAsync(), want = fixtureTensor(expected).dataSync();
  let err = 0, norm = 0;
  for (let i = 0; i < want.length; i++) {
    err = Math.max(err, Math.abs(got[i] - want[i]));
    norm = Math.max(norm, Math.abs(want[i]));
  }
  return norm === 0 ? err : err / norm;
}

async function assertNear(actual: Tensor, expected: Enc, device: Device, msg: string): Promise<void> {
  const e = await relErr(actual, expected, msg);
  assert.ok(e <= (device === "cpu" ? 2e-6 : 1e-5), `${msg}: relative error ${e}`);
}

/** sum(viewAsReal(y) * w) with PyTorch's fixture weights (linspace(0.5, 1.5)). */
function weightedLoss(y: Tensor): Tensor {
  const r = y.dtype === "complex64" ? torch.viewAsReal(y) : y;
  const w = torch.linspace(0.5, 1.5, r.numel(), { device: r.device }).reshape(r.shape);
  return r.mul(w).sum();
}

const FNS: Record<string, (x: Tensor, o: Args) => Tensor> = {
  fft: (x, o) => torch.fft.fft(x, o),
  ifft: (x, o) => torch.fft.ifft(x, o),
  rfft: (x, o) => torch.fft.rfft(x, o),
  irfft: (x, o) => torch.fft.irfft(x, o),
  hfft: (x, o) => torch.fft.hfft(x, o),
  ihfft: (x, o) => torch.fft.ihfft(x, o),
  fft2: (x, o) => torch.fft.fft2(x, o),
  ifft2: (x, o) => torch.fft.ifft2(x, o),
  fftn: (x, o) => torch.fft.fftn(x, o),
  ifftn: (x, o) => torch.fft.ifftn(x, o),
  rfft2: (x, o) => torch.fft.rfft2(x, o),
  rfftn: (x, o) => torch.fft.rfftn(x, o),
  irfft2: (x, o) => torch.fft.irfft2(x, o),
  irfftn: (x, o) => torch.fft.irfftn(x, o),
  hfft2: (x, o) => torch.fft.hfft2(x, o),
  hfftn: (x, o) => torch.fft.hfftn(x, o),
  ihfft2: (x, o) => torch.fft.ihfft2(x, o),
  ihfftn: (x, o) => torch.fft.ihfftn(x, o),
};

deviceTest("torch.fft: values and gradients match PyTorch 1.13 (90 calls)", async (device) => {
  for (const c of fx.calls) {
    const x = input(c.x, device, c.grad !== undefined);
    const y = FNS[c.fn](x, c.args);
    await assertNear(y, c.y, device, c.name);
    if (c.grad) {
      weightedLoss(y).backward();
      const g = x.grad!;
      await assertNear(g, c.grad, device, `${c.name}: grad`);
    }
  }
  assert.equal(fx.calls.length, 90);
});

Deno.test("torch.fft: fftfreq, rfftfreq, fftshift, ifftshift match PyTorch 1.13", async () => {
  for (const f of fx.freq) {
    await assertNear(torch.fft[f.fn](f.n, f.d), f.y, "cpu", `${f.fn}(${f.n}, ${f.d})`);
  }
  for (const s of fx.shift) {
    const y = torch.fft[s.fn](fixtureTensor(s.x), s.dim);
    assert.deepEqual(y.toArray(), fixtureTensor(s.y).toArray(), `${s.fn} dim ${JSON.stringify(s.dim)}`);
  }
  assert.deepEqual(torch.fft.fftfreq(3, 1, { dtype: "float64" }).dtype, "float64");
  assert.deepEqual(torch.fft.rfftfreq(0).shape, [1]);
});

function stftOpts(a: Args, window: Tensor | null): torch.StftOptions {
  return {
    hopLength: a.hop_length as number | undefined,
    winLength: a.win_length as number | undefined,
    center: a.center as boolean | undefined,
    padMode: a.pad_mode as "reflect" | "constant" | undefined,
    normalized: a.normalized as boolean | undefined,
    onesided: a.onesided as boolean | undefined,
    window,
  };
}

deviceTest("torch.stft: spectrograms and gradients match PyTorch 1.13", async (device) => {
  for (const c of fx.stft) {
    const x = input(c.x, device, c.grad !== undefined);
    const window = c.window ? fixtureTensor(c.window, device) : null;
    const y = torch.stft(x, c.args.n_fft as number, { ...stftOpts(c.args, window), returnComplex: true });
    await assertNear(y, c.y, device, c.name);
    if (c.grad) {
      weightedLoss(y).backward();
      await assertNear(x.grad!, c.grad, device, `${c.name}: grad`);
    }
  }
  // PyTorch 1.13's deprecated default for real signals: the (re, im) pairs.
  const x = input(fx.stft[0].x, device);
  const pairs = torch.stft(x, 16);
  assert.equal(pairs.dtype, "float32");
  await assertNear(torch.viewAsComplex(pairs), fx.stft[0].y, device, "returnComplex default");
  await assertNear(x.stft(16, { returnComplex: true }), fx.stft[0].y, device, "x.stft");
});

deviceTest("torch.istft: signals and gradients match PyTorch 1.13", async (device) => {
  for (const c of fx.istft) {
    const x = input(c.x, device, c.grad !== undefined);
    const window = c.window ? fixtureTensor(c.window, device) : null;
    const a = c.args;
    const y = torch.istft(x, a.n_fft as number, {
      ...stftOpts(a, window),
      length: a.length as number | undefined,
      returnComplex: a.return_complex as boolean | undefined,
    });
    await assertNear(y, c.y, device, c.name);
    if (c.grad) {
      weightedLoss(y).backward();
      await assertNear(x.grad!, c.grad, device, `${c.name}: grad`);
    }
  }
  const c = fx.istft[0];
  const y = input(c.x, device).istft(16, { hopLength: 4, window: fixtureTensor(c.window!, device) });
  await assertNear(y, c.y, device, "x.istft");
});

deviceTest("torch.fft: gradients by finite differences", async (device) => {
  torch.manualSeed(3);
  const opts = { eps: 1e-2, atol: 5e-3, rtol: 1e-2 };
  const re = () => torch.randn([2, 6], { device }).requiresGrad_();
  const cx = () => torch.randn([2, 5, 2], { device }).requiresGrad_();
  const z = (p: Tensor) => torch.viewAsComplex(p);
  const r = (y: Tensor) => torch.viewAsReal(y);
  await gradcheckAsync((x) => r(torch.fft.fft(z(x), { norm: "ortho", n: 7 })), [cx()], {
    ...opts,
    msg: "fft",
  });
  await gradcheckAsync((x) => r(torch.fft.rfft(x, { n: 5 })), [re()], { ...opts, msg: "rfft" });
  await gradcheckAsync((x) => torch.fft.irfft(z(x), { n: 9 }), [cx()], { ...opts, msg: "irfft" });
  await gradcheckAsync((x) => torch.fft.hfft(z(x), { norm: "forward" }), [cx()], { ...opts, msg: "hfft" });
  await gradcheckAsync((x) => r(torch.fft.ihfft(x)), [re()], { ...opts, msg: "ihfft" });
  await gradcheckAsync((x) => r(torch.fft.fft2(z(x), { s: [3, 4] })), [cx()], { ...opts, msg: "fft2" });
  await gradcheckAsync((x) => torch.fft.irfftn(z(x)), [cx()], { ...opts, msg: "irfftn" });
  const sig = torch.randn([40], { device }).requiresGrad_();
  await gradcheckAsync(
    (x) =>
      r(torch.stft(x, 8, {
        hopLength: 3,
        window: torch.hannWindow(8, { device: x.device }),
        returnComplex: true,
      })),
    [sig],
    { ...opts, msg: "stft" },
  );
});

Deno.test("torch.fft / stft / istft: PyTorch's errors for bad input", () => {
  const x = torch.randn(4, 6), zc = torch.viewAsComplex(torch.randn(4, 6, 2));
  const calls: Record<string, () => unknown> = {
    "n < 1": () => torch.fft.fft(zc, { n: 0 }),
    "dim out of range": () => torch.fft.fft(zc, { dim: 2 }),
    "rfft of complex": () => torch.fft.rfft(zc),
    "ihfft of complex": () => torch.fft.ihfft(zc),
    "irfft n=0": () => torch.fft.irfft(zc, { n: 0 }),
    "irfft of one value, default n": () => torch.fft.irfft(zc.index(":", "0:1")),
    "bad norm": () => torch.fft.fft(zc, { norm: "bad" as "ortho" }),
    "fftn s/dim lengths": () => torch.fft.fftn(zc, { s: [2, 3], dim: [0] }),
    "fftn repeated dims": () => torch.fft.fftn(zc, { dim: [0, 0] }),
    "fftn s too long": () => torch.fft.fftn(zc, { s: [2, 3, 4] }),
    "stft n_fft too large": () => torch.stft(x.index(0), 16, { returnComplex: true, center: false }),
    "stft hop 0": () => torch.stft(x.index(0), 4, { hopLength: 0, returnComplex: true }),
    "stft win_length > n_fft": () => torch.stft(x.index(0), 4, { winLength: 5, returnComplex: true }),
    "stft window size": () => torch.stft(x.index(0), 4, { window: torch.ones(3), returnComplex: true }),
    "stft 3-d input": () => torch.stft(x.reshape(2, 2, 6), 4, { returnComplex: true }),
    "istft of real": () => torch.istft(x, 6),
    "istft window overlap zero": () =>
      torch.istft(zc, 6, { hopLength: 6, window: torch.hannWindow(6), center: false }),
  };
  for (const e of fx.errors) {
    const f = calls[e.name];
    assert.ok(f, `no call for ${e.name}`);
    // PyTorch's message after its "stft(<signature>) : " / "istft(<signature>) " prefix.
    const tail = e.message.replace(/^i?stft\(.*?\) :? ?/, "").replace(/\s*\[.*$/, "");
    if (e.name === "istft of real") {
      assertThrowsMsg(f, /istft: expected a complex spectrogram/);
      continue;
    }
    const escaped = tail.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    assertThrowsMsg(f, new RegExp(escaped));
  }
  assert.equal(fx.errors.length, 17);
  assertThrowsMsg(
    () => torch.fft.fft(torch.zeros([4], { dtype: "float64" })),
    /fft\.fft: float64 input gives complex128 in PyTorch, which edgetorch does not have/,
  );
  assertThrowsMsg(
    () => torch.fft.fft(torch.zeros(4), { n: 2.5 }),
    /fft\.fft: the number of points must be an integer/,
  );
  assertThrowsMsg(
    () => torch.fft.fftfreq(4, 0),
    /fft\.fftfreq: the sample spacing d must be a finite non-zero number/,
  );
  assertThrowsMsg(() => torch.fft.fftshift(x, 3), /fft\.fftshift: Dimension out of range/);
  assertThrowsMsg(() => torch.stft(zc.index(0), 4), /stft requires the return_complex parameter/);
  // 0-d inputs, as PyTorch: no dimension to transform.
  const s = torch.tensor(1);
  assertThrowsMsg(() => torch.fft.fft(s), /fft\.fft: Invalid number of data points \(0\) specified/);
  assertThrowsMsg(() => torch.fft.rfft(s), /fft\.rfft: Invalid number of data points \(0\) specified/);
  assertThrowsMsg(() => torch.fft.irfft(s), /fft\.irfft: Invalid number of data points \(-2\) specified/);
  assertThrowsMsg(() => torch.fft.fftn(s), /fft\.fftn: ndim must be >= 1/);
  assertThrowsMsg(
    () => torch.fft.fftshift(s),
    /fft\.fftshift: expected a tensor with at least one dimension/,
  );
});

deviceTest("torch.fft: integer input, 0-d and empty dims, views", async (device) => {
  const xi = torch.tensor([1, 2, 3, 4], { device });
  assert.equal(torch.fft.fft(xi).dtype, "complex64");
  const y = torch.fft.rfft(xi);
  assert.ok(
    torch.allclose(await torch.viewAsReal(y).toAsync("cpu"), torch.tensor([[10, 0], [-2, 2], [-2, 0]]), {
      atol: 1e-5,
    }),
  );
  // A non-contiguous input (a transposed view) transforms as its copy.
  const m = torch.randn([5, 6], { device });
  const a = torch.viewAsReal(torch.fft.fft(m.t())), b = torch.viewAsReal(torch.fft.fft(m.t().contiguous()));
  assert.deepEqual(await a.toArrayAsync(), await b.toArrayAsync());
  assert.deepEqual(torch.fft.fft(torch.zeros([0, 4], { device })).shape, [0, 4]);
});
