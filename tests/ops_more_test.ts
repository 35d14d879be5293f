/**
 * atan2 / hypot / nanToNum, nansum / nanmean, median / nanmedian, quantile / nanquantile,
 * searchsorted / bucketize against PyTorch 1.13 (tools/fixtures/ops_more_fixtures.py): values
 * and gradients on both devices, methods and in-place forms, finite-difference gradchecks, and
 * the errors bad input gets.
 */
import * as torch from "../mod.ts";
import type { Device, Tensor } from "../mod.ts";
import {
  assert,
  assertCloseAsync,
  assertRejectsMsg,
  assertThrowsMsg,
  type EncodedTensor,
  fixtureNumber as num,
  fixtureTensor as dec,
  gradcheck,
  gradcheckAsync,
} from "./helpers.ts";
import { deviceTest } from "./devices.ts";
import { wasmBackend } from "../src/backends/wasm/backend.ts";
import { webgpuBackend } from "../src/gpu.ts";

const fx = JSON.parse(await Deno.readTextFile(new URL("./fixtures/ops_more.json", import.meta.url)));

type Enc = EncodedTensor;
type Arg = Enc | { scalar: number };
interface Case {
  name: string;
  op: string;
  args: Arg[];
  kw: Record<string, unknown>;
  out: Enc | { values: Enc; indices: Enc };
  grads: (Enc | null)[] | null;
}
const CASES: Case[] = fx.cases;

const isEnc = (a: Arg): a is Enc => "dtype" in a;
const onDevice = (device: Device, c: Case) =>
  device === "cpu" || !c.args.some((a) => isEnc(a) && a.dtype === "float64");

/** Calls the edgetorch op of a case, as the user would (functions, or methods where `method`). */
function call(
  c: Case,
  xs: (Tensor | number)[],
  method: boolean,
): Tensor | { values: Tensor; indices: Tensor } {
  const kw = c.kw;
  const [a, b, s] = xs as Tensor[];
  const reduceOpts = {
    ...(kw.dim !== undefined ? { dim: kw.dim as number } : {}),
    keepdim: kw.keepdim as boolean,
  };
  switch (c.op) {
    case "atan2":
      return method ? a.atan2(b) : torch.atan2(a, b);
    case "hypot":
      return method ? a.hypot(b) : torch.hypot(a, b);
    case "nanToNum":
      return method ? a.nanToNum(kw) : torch.nanToNum(a, kw);
    case "nansum":
      return method
        ? a.nansum(reduceOpts)
        : torch.nansum(a, kw.dim as number, { keepdim: kw.keepdim as boolean });
    case "nanmean":
      return method
        ? a.nanmean(reduceOpts)
        : torch.nanmean(a, kw.dim as number, { keepdim: kw.keepdim as boolean });
    case "median":
    case "nanmedian": {
      const fn = c.op === "median" ? torch.median : torch.nanmedian;
      if (kw.dim === undefined) return method ? a[c.op]() : fn(a);
      return method
        ? a[c.op](kw.dim as number, { keepdim: kw.keepdim as boolean })
        : fn(a, { dim: kw.dim as number, keepdim: kw.keepdim as boolean });
    }
    case "quantile":
    case "nanquantile": {
      const q = b ?? (kw.q as number | number[]);
      const opts = {
        dim: kw.dim as number,
        keepdim: kw.keepdim as boolean,
        interpolation: kw.interpolation as never,
      };
      return method
        ? a[c.op](q, opts)
        : (c.op === "quantile" ? torch.quantile : torch.nanquantile)(a, q, opts);
    }
    case "searchsorted": {
      const opts = { right: kw.right as boolean, side: kw.side as "right", sorter: s };
      return torch.searchsorted(a, b ?? (kw.value as number), opts);
    }
    case "bucketize":
      return method
        ? a.bucketize(b, { right: kw.right as boolean })
        : torch.bucketize(a, b, { right: kw.right as boolean });
  }
  throw new Error(`no op ${c.op}`);
}

/** Float tolerance of a case's values: kernels of transcendental functions differ by an ulp or two. */
function tolerance(c: Case, device: Device): { rtol: number; atol: number } {
  if (c.op === "atan2" || c.op === "hypot") return { rtol: device === "gpu" ? 4e-7 : 2.5e-7, atol: 1e-37 };
  if (c.op === "nanmean" || c.op === "nansum") return { rtol: 1e-6, atol: 1e-7 };
  // PyTorch's CPU lerp fuses the multiply-add (one rounding); ours rounds the product first.
  if (c.op === "quantile" || c.op === "nanquantile") return { rtol: 4e-7, atol: 1e-6 };
  return { rtol: 1e-7, atol: 1e-30 };
}

async function checkTensor(got: Tensor, want: Enc, msg: string, tol: { rtol: number; atol: number }) {
  assert.equal(got.dtype, want.dtype, `${msg}: dtype`);
  assert.deepEqual(got.shape, want.shape, `${msg}: shape`);
  if (want.dtype === "int32" || want.dtype === "bool") {
    assert.deepEqual(Array.from(await got.dataAsync(), Number), want.values.map(num), msg);
  } else await assertCloseAsync(got, Float64Array.from(want.values.map(num)), { ...tol, msg });
}

for (const method of [false, true]) {
  deviceTest(
    `ops_more: PyTorch 1.13 values and gradients (${method ? "methods" : "functions"})`,
    async (device) => {
      let ran = 0;
      for (const c of CASES) {
        if (!onDevice(device, c)) continue;
        if (method && c.op === "searchsorted") continue;
        const xs = c.args.map((a) =>
          isEnc(a) ? dec(a, device, c.grads !== null && a.dtype.startsWith("float")) : a.scalar
        );
        const out = call(c, xs, method);
        const tol = tolerance(c, device);
        const msg = `${c.name} [${device}]`;
        let main: Tensor;
        if (out instanceof torch.Tensor) {
          await checkTensor(out, c.out as Enc, msg, tol);
          main = out;
        } else {
          const want = c.out as { values: Enc; indices: Enc };
          await checkTensor(out.values, want.values, `${msg} values`, tol);
          if (c.op === "nanmedian" && want.values.values.includes("nan")) {
            // Over an all-NaN row PyTorch returns the index of some NaN, the one its selection
            // algorithm (std::nth_element) leaves first: any NaN's index is as good.
            const picked = torch.gather(
              xs[0] as Tensor,
              c.kw.dim as number,
              out.indices.unsqueeze(c.kw.dim as number),
            );
            const v = await picked.squeeze(c.kw.dim as number).dataAsync();
            await assertCloseAsync(Float64Array.from(v), Float64Array.from(want.values.values.map(num)), tol);
          } else await checkTensor(out.indices, want.indices, `${msg} indices`, tol);
          main = out.values;
        }
        if (c.grads !== null) {
          const w = torch.linspace(0.5, 1.5, main.numel(), { dtype: "float64" }).to(main.dtype).reshape(
            main.shape,
          );
          main.mul(w.to(device)).sum().backward();
          for (const [i, g] of c.grads.entries()) {
            const x = xs[i] as Tensor;
            if (g === null) {
              assert.ok(
                !(x instanceof torch.Tensor) || x.grad === null,
                `${msg}: input ${i} has no gradient`,
              );
              continue;
            }
            assert.ok(x.grad, `${msg}: input ${i} has a gradient`);
            if (c.op === "nanmedian" && c.kw.dim !== undefined && JSON.stringify(c.out).includes("nan")) {
              // The gradient follows the index, which over an all-NaN row is any NaN's: compare rows.
              const d = c.kw.dim as number;
              await assertCloseAsync(x.grad!.sum(d), dec(g, device).sum(d), { msg: `${msg} grad ${i} rows` });
            } else await checkTensor(x.grad!, g, `${msg} grad ${i}`, { rtol: 2e-6, atol: 1e-6 });
          }
        }
        ran++;
      }
      assert.ok(ran > 80, `ran ${ran} cases`);
    },
  );
}

deviceTest("ops_more: in-place atan2_, arctan2_, hypot_, nanToNum_ write through views", async (device) => {
  const base = torch.tensor([[1, -1], [0, 3]], { dtype: "float32", device });
  const row = base.index(1);
  row.atan2_(torch.tensor([1, -4], { dtype: "float32", device }));
  await assertCloseAsync(base, [[1, -1], [0, Math.atan2(3, -4)]], { rtol: 1e-6 });
  const h = torch.tensor([3, 5], { dtype: "float32", device });
  assert.equal(h.hypot_(torch.tensor([4, 12], { dtype: "float32", device })), h);
  await assertCloseAsync(h, [5, 13]);
  const a2 = torch.tensor([0], { dtype: "float32", device }).arctan2_(
    torch.tensor([-1], { dtype: "float32", device }),
  );
  await assertCloseAsync(a2, [Math.PI], { rtol: 1e-7 });
  const n = torch.tensor([NaN, Infinity, -Infinity, 2], { dtype: "float32", device });
  n.nanToNum_({ nan: 1, posinf: 2, neginf: 3 });
  await assertCloseAsync(n, [1, 2, 3, 2]);
  // An integer tensor cannot hold atan2's float result (PyTorch's error).
  assertThrowsMsg(
    () => torch.tensor([1, 2], { device }).atan2_(torch.tensor([1, 2], { device })),
    /atan2_: result type float32 can't be cast to the desired output type int32/,
  );
  // Autograd through an in-place write of a non-leaf.
  const x = torch.tensor([1, 2], { dtype: "float32", device, requiresGrad: true });
  const y = x.mul(1);
  y.hypot_(torch.tensor([2, 1], { dtype: "float32", device }));
  y.sum().backward();
  await assertCloseAsync(x.grad!, [1 / Math.sqrt(5), 2 / Math.sqrt(5)], { rtol: 1e-6 });
});

deviceTest("ops_more: finite-difference gradchecks", async (device) => {
  const opt = { dtype: "float32" as const, device, requiresGrad: true };
  const a = torch.tensor([[0.5, -1.2, 2.0], [1.5, 0.3, -0.7]], opt);
  const b = torch.tensor([0.8, 1.1, -1.3], opt);
  await gradcheckAsync((u, v) => torch.atan2(u, v), [a, b]);
  await gradcheckAsync((u, v) => torch.hypot(u, v), [a, b]);
  await gradcheckAsync((u) => torch.nanToNum(u.log()), [a]);
  const r = torch.tensor([[0.3, -1.1, 2.4, 0.9, -0.2], [1.7, 0.1, -0.8, 2.2, 1.3]], opt);
  await gradcheckAsync((u) => torch.median(u), [r]);
  await gradcheckAsync((u) => torch.median(u, 1).values, [r]);
  await gradcheckAsync((u) => torch.nanmedian(u, 0, { keepdim: true }).values, [r]);
  await gradcheckAsync((u) => torch.quantile(u, [0.1, 0.55, 0.9], { dim: 1 }), [r]);
  await gradcheckAsync((u) => torch.nanquantile(u, 0.3, { dim: 0, interpolation: "midpoint" }), [r]);
  const q = torch.tensor([0.15, 0.7], opt);
  await gradcheckAsync((u, p) => torch.quantile(u, p), [r, q], { eps: 1e-3 });
  await gradcheckAsync((u) => torch.nansum(u.log()), [r]);
  await gradcheckAsync((u) => torch.nanmean(u.log(), 1), [r]);
  // Second order through atan2's formula.
  const x = torch.tensor([0.7, -0.4], { dtype: "float32", requiresGrad: true });
  const yv = torch.tensor([1.3, 0.9], { dtype: "float32", requiresGrad: true });
  const [g1] = torch.autograd.grad(torch.atan2(x, yv).sum(), [x], { createGraph: true });
  const [g2] = torch.autograd.grad(g1!.sum(), [x]);
  const xv = [0.7, -0.4], yy = [1.3, 0.9];
  await assertCloseAsync(g2!, xv.map((u, i) => (-2 * u * yy[i]) / (u * u + yy[i] * yy[i]) ** 2), {
    rtol: 1e-5,
  });
  gradcheck((u, v) => torch.hypot(u, v), [x, yv]);
});

deviceTest("ops_more: searchsorted on 1e5 values matches the comparison count", async (device) => {
  const gen = new torch.Generator(7);
  const seq = torch.rand([1000], { generator: gen }).sort().values.to(device);
  const vals = torch.rand([100000], { generator: gen }).to(device);
  const got = torch.searchsorted(seq, vals);
  const right = torch.searchsorted(seq, vals, { right: true });
  // The reference: how many elements are < v (<= v), summed in chunks.
  const s = Array.from(await seq.dataAsync()), v = Array.from(await vals.dataAsync());
  const g = await got.dataAsync(), gr = await right.dataAsync();
  for (let i = 0; i < v.length; i += 97) {
    assert.equal(g[i], s.filter((e) => e < v[i]).length, `left ${i}`);
    assert.equal(gr[i], s.filter((e) => e <= v[i]).length, `right ${i}`);
  }
});

deviceTest("ops_more: empty and 0-d inputs", async (device) => {
  const e = torch.zeros([0], { device });
  assert.equal(await torch.nansum(e).itemAsync(), 0);
  assert.ok(Number.isNaN(await torch.nanmean(e).itemAsync()));
  assert.deepEqual(torch.atan2(torch.zeros([0, 2], { device }), torch.zeros([2], { device })).shape, [0, 2]);
  assert.deepEqual(torch.nanToNum(torch.zeros([0], { device })).shape, [0]);
  assert.deepEqual(torch.searchsorted(torch.tensor([1, 2], { device }), torch.zeros([0], { device })).shape, [
    0,
  ]);
  const s = torch.searchsorted(torch.tensor([1, 2, 3], { device }), 2.5);
  assert.deepEqual(s.shape, []);
  assert.equal(await s.itemAsync(), 2);
  assert.equal(await torch.bucketize(2.5, torch.tensor([1, 2, 3], { device })).itemAsync(), 2);
  assert.equal(await torch.median(torch.tensor(4, { dtype: "float32", device })).itemAsync(), 4);
});

deviceTest("ops_more: bad input gets errors naming the op", async (device) => {
  const f = torch.tensor([1, 2, 3], { dtype: "float32", device });
  const i = torch.tensor([1, 2, 3], { device });
  assertThrowsMsg(
    () => torch.atan2(f, 2 as unknown as Tensor),
    /atan2: argument 'other' must be a tensor, got a number 2/,
  );
  assertThrowsMsg(() => torch.hypot(i, i), /hypot: expects floating-point tensors \(as PyTorch\), got int32/);
  assertThrowsMsg(() => torch.atan2(f, torch.ones([2], { device })), /atan2: .*\[3\].*\[2\]/);
  assertThrowsMsg(
    () => torch.nanToNum(f, { nan: "0" as unknown as number }),
    /nanToNum: nan must be a number/,
  );
  assertThrowsMsg(
    () => torch.nanmean(i),
    /nanmean: expected input to have floating point dtype but got int32/,
  );
  assertThrowsMsg(
    () => torch.median(torch.zeros([2, 0], { device }), 1),
    /median: Expected reduction dim 1 to have non-zero size/,
  );
  assertThrowsMsg(() => torch.median(f, 2), /median: .*dim/);
  assertThrowsMsg(
    () => torch.quantile(i, 0.5),
    /quantile: input tensor must be either float or double dtype, got int32/,
  );
  assertThrowsMsg(() => torch.quantile(f, 1.5), /quantile: q must be in the range \[0, 1\] but got 1.5/);
  assertThrowsMsg(
    () => torch.quantile(torch.zeros([0], { device }), 0.5),
    /quantile: input tensor must be non-empty/,
  );
  assertThrowsMsg(
    () => torch.quantile(f, torch.ones([1, 1], { device })),
    /quantile: q must be a scalar or 1D tensor/,
  );
  assertThrowsMsg(
    () => torch.nanquantile(f, 0.5, { interpolation: "cubic" as never }),
    /nanquantile: interpolation must be one of linear, lower, higher, midpoint or nearest, but got a string "cubic"/,
  );
  assertThrowsMsg(
    () => torch.quantile(f, torch.tensor([0.5], { dtype: "float64" })),
    /quantile: q tensor must be same dtype as the input tensor/,
  );
  const qBad = torch.tensor([0.5, 2], { dtype: "float32", device });
  if (device === "cpu") {
    assertThrowsMsg(() => torch.quantile(f, qBad), /quantile: q values must be in the range \[0, 1\], got 2/);
  } else {await assertRejectsMsg(() =>
      torch.quantile(f, qBad).dataAsync(), /quantile: q values must be in the range \[0, 1\], got 2/);}
  assertThrowsMsg(
    () => torch.searchsorted(torch.ones([2, 2], { device }), torch.ones([1, 3], { device })),
    /searchsorted: boundaries tensor should be 1 dimension or the first N-1 dimensions .* \[2, 2\] and input value tensor \[1, 3\]/,
  );
  assertThrowsMsg(
    () => torch.searchsorted(f, f, { side: "left", right: true }),
    /searchsorted: side and right can't be set to opposites/,
  );
  assertThrowsMsg(
    () => torch.searchsorted(f, f, { side: "up" as never }),
    /searchsorted: side can only be 'left' or 'right'/,
  );
  assertThrowsMsg(
    () => torch.bucketize(f, torch.ones([2, 2], { device })),
    /bucketize: boundaries tensor must be 1 dimension, but got dim\(2\)/,
  );
  assertThrowsMsg(
    () => torch.searchsorted(f, f, { sorter: torch.tensor([0, 1], { device }) }),
    /searchsorted: boundaries and sorter must have the same size/,
  );
  assertThrowsMsg(
    () => torch.searchsorted(f, f, { sorter: f }),
    /searchsorted: sorter must be a tensor of long dtype/,
  );
  const badSorter = torch.tensor([0, 5, 1], { device });
  if (device === "cpu") {
    assertThrowsMsg(
      () => torch.searchsorted(f, f, { sorter: badSorter }),
      /searchsorted: sorter index out of range: 5/,
    );
  } else {
    await assertRejectsMsg(
      () => torch.searchsorted(f, f, { sorter: badSorter }).dataAsync(),
      /searchsorted: sorter index out of range: 5/,
    );
  }
  assertThrowsMsg(
    () => torch.searchsorted(torch.ones([2, 2], { device }), 1),
    /searchsorted: input value can be a scalar only when boundaries tensor dimension is 1/,
  );
});

deviceTest(
  "ops_more: the nanToNum and searchsorted kernels refuse the same layouts on both backends",
  async (device) => {
    const b = device === "cpu" ? wasmBackend() : webgpuBackend()!;
    const f = (xs: number[]) => b.fromTyped(Float32Array.from(xs), "float32");
    const i = (xs: number[]) => b.fromTyped(Int32Array.from(xs), "int32");
    const none = { rows: 1, len: 3, perRow: 0, right: false, sorter: null };
    assertThrowsMsg(
      () => b.nanToNum(i([1]), 0, 1, -1),
      /nanToNum: the kernel takes float32 or float64 storages, got int32/,
    );
    assert.equal(b.nanToNum(f([]), 0, 1, -1).numel, 0);
    assertThrowsMsg(
      () => b.searchsorted(f([1, 2, 3]), i([1]), none),
      /searchsorted: seq is float32 but values are int32/,
    );
    assertThrowsMsg(
      () => b.searchsorted(f([1, 2, 3]), f([1]), { ...none, len: 2 }),
      /searchsorted: seq has 3 elements, not rows 1 x len 2/,
    );
    assertThrowsMsg(
      () => b.searchsorted(f([1, 2, 3, 4]), f([1, 2, 3]), { ...none, rows: 2, len: 2, perRow: 2 }),
      /searchsorted: values has 3 elements, not rows 2 x perRow 2/,
    );
    assertThrowsMsg(
      () => b.searchsorted(f([1, 2, 3]), f([1]), { ...none, sorter: i([0, 1]) }),
      /searchsorted: sorter must be int32 with seq's 3 elements, got int32 of 2/,
    );
    assert.deepEqual(Array.from(await b.read(b.searchsorted(f([]), f([1, 2, 3]), { ...none, len: 0 }))), [
      0,
      0,
      0,
    ]);
    assert.equal(b.searchsorted(f([1, 2, 3]), f([]), none).numel, 0);
  },
);
