/**
 * Small, commonly used torch / Tensor names (src/rng_state.ts, src/windows.ts,
 * src/tensor_methods/aliases.ts, ...): values against PyTorch 1.13 (tests/fixtures/aliases.json from
 * tools/fixtures/aliases_fixtures.py) on both devices, autograd through the in-place methods, and
 * the bad-input errors.
 */
import * as nodeAssert from "node:assert/strict";
import * as torch from "../mod.ts";
import type { Device, DType } from "../mod.ts";
import { deviceTest } from "./devices.ts";
import {
  assertCloseAsync,
  assertThrowsMsg,
  type EncodedTensor,
  fixtureNumber,
  fixtureTensor,
  gradcheck,
} from "./helpers.ts";

const fx = JSON.parse(await Deno.readTextFile(new URL("./fixtures/aliases.json", import.meta.url)));

// 1. Global RNG state.

Deno.test("getRngState/setRngState: a state saved by PyTorch restores PyTorch's stream", () => {
  const rng = fx.rng;
  torch.setRngState(torch.tensor(rng.state, { dtype: "uint8" }));
  nodeAssert.deepEqual(torch.initialSeed(), rng.initial_seed);
  const after = rng.after as Record<string, EncodedTensor>;
  nodeAssert.deepEqual(Array.from(torch.rand(5).dataSync()), after.rand.values.map(fixtureNumber));
  nodeAssert.deepEqual(Array.from(torch.randn(5).dataSync()), after.randn.values.map(fixtureNumber));
  nodeAssert.deepEqual(torch.randint(0, 100, [6]).toArray(), after.randint.values);
  // The same bytes as a Uint8Array.
  torch.setRngState(Uint8Array.from(rng.state));
  nodeAssert.deepEqual(Array.from(torch.rand(5).dataSync()), after.rand.values.map(fixtureNumber));
});

Deno.test("getRngState: PyTorch's bytes after the same draws; save/restore round trips", () => {
  const rng = fx.rng;
  torch.manualSeed(rng.seed);
  torch.rand(7);
  torch.randn(3);
  const state = torch.getRngState();
  nodeAssert.deepEqual([state.dtype, state.shape, state.device], ["uint8", [5056], "cpu"]);
  nodeAssert.deepEqual(Array.from(state.dataSync()), rng.state);
  const a = [torch.rand(4).toArray(), torch.randn(3).toArray(), torch.randperm(6).toArray()];
  torch.setRngState(state);
  nodeAssert.deepEqual([torch.rand(4).toArray(), torch.randn(3).toArray(), torch.randperm(6).toArray()], a);
  // The returned tensor is a copy: draws do not change it.
  const copy = Array.from(state.dataSync());
  torch.rand(10);
  nodeAssert.deepEqual(Array.from(state.dataSync()), copy);
});

Deno.test("initialSeed and seed", () => {
  torch.manualSeed(42);
  nodeAssert.equal(torch.initialSeed(), 42);
  const s1 = torch.seed(), s2 = torch.seed();
  nodeAssert.ok(Number.isSafeInteger(s1) && s1 >= 0 && s2 !== s1, `seeds ${s1} ${s2}`);
  nodeAssert.equal(torch.initialSeed(), s2);
  const a = torch.rand(3).toArray();
  torch.manualSeed(s2);
  nodeAssert.deepEqual(torch.rand(3).toArray(), a);
  torch.manualSeed(0);
});

Deno.test("setRngState: bad states are refused and leave the generator as it was", () => {
  torch.manualSeed(5);
  const before = Array.from(torch.getRngState().dataSync());
  assertThrowsMsg(
    () => torch.setRngState(torch.zeros(5056)),
    /setRngState: expected a uint8 tensor.*float32/,
  );
  assertThrowsMsg(
    () => torch.setRngState(torch.zeros([2, 5056], { dtype: "uint8" })),
    /shape \[5056\].*\[2, 5056\]/,
  );
  assertThrowsMsg(
    () => torch.setRngState(new Uint8Array(10)),
    /setRngState: expected a Uint8Array of 5056 bytes/,
  );
  assertThrowsMsg(() => torch.setRngState(new Uint8Array(5056)), /setRngState: the state is invalid/);
  // deno-lint-ignore no-explicit-any
  assertThrowsMsg(
    () => torch.setRngState([1, 2] as any),
    /setRngState: expected a uint8 Tensor or a Uint8Array/,
  );
  nodeAssert.deepEqual(Array.from(torch.getRngState().dataSync()), before);
});

// 2. Window functions.

interface WindowCase {
  fn: string;
  length: number;
  periodic: boolean;
  kw: Record<string, number>;
  out: EncodedTensor;
}
const WINDOW_FNS: Record<
  string,
  (n: number, opts: torch.KaiserWindowOptions & torch.HammingWindowOptions) => torch.Tensor
> = {
  hann: torch.hannWindow,
  hamming: torch.hammingWindow,
  blackman: torch.blackmanWindow,
  bartlett: torch.bartlettWindow,
  kaiser: torch.kaiserWindow,
};

deviceTest(
  "window functions match PyTorch (lengths 0..16, periodic and symmetric, float32/float64)",
  async (device: Device) => {
    const worst: Record<string, number> = { float32: 0, float64: 0 };
    for (const c of fx.windows as WindowCase[]) {
      const dtype = c.out.dtype as DType;
      if (device === "gpu" && dtype === "float64") continue; // WGSL has no float64
      const w = WINDOW_FNS[c.fn](c.length, { ...c.kw, periodic: c.periodic, dtype, device });
      const what = `${c.fn}(${c.length}, periodic=${c.periodic}, ${JSON.stringify(c.kw)}, ${dtype})`;
      nodeAssert.deepEqual([w.shape, w.dtype, w.device], [c.out.shape, dtype, device], what);
      const got = Array.from(await w.dataAsync()), want = c.out.values.map(fixtureNumber);
      // Within 2 ulp of 1.0 in float32 and 16 in float64: the two libraries' cosine and Bessel
      // kernels may differ in the last bits (edgetorch's float64 i0 is within 2 ulp of PyTorch's,
      // and the Kaiser window divides two of them).
      const ulp = dtype === "float32" ? 2 ** -23 : 2 ** -52;
      got.forEach((v, i) => {
        worst[dtype] = Math.max(worst[dtype], Math.abs(v - want[i]) / ulp);
        nodeAssert.ok(
          Math.abs(v - want[i]) <= (dtype === "float32" ? 2 : 16) * ulp,
          `${what}[${i}]: ${v} vs ${want[i]}`,
        );
      });
    }
    console.log(`windows: worst difference from PyTorch in ulp of 1.0: ${JSON.stringify(worst)}`);
  },
);

Deno.test("window functions: defaults, requiresGrad, float16 and bad input", () => {
  nodeAssert.deepEqual(torch.hannWindow(4).dtype, "float32");
  nodeAssert.equal(torch.hannWindow(4, { requiresGrad: true }).requiresGrad, true);
  nodeAssert.equal(torch.hannWindow(4, { requiresGrad: true }).isLeaf, true);
  nodeAssert.deepEqual(torch.bartlettWindow(4, { dtype: "float16" }).toArray(), [0, 0.5, 1, 0.5]);
  assertThrowsMsg(
    () => torch.hannWindow(-1),
    /hannWindow: requires non-negative window_length, got window_length=-1/,
  );
  assertThrowsMsg(() => torch.kaiserWindow(2.5), /kaiserWindow: window_length must be an integer, got 2.5/);
  assertThrowsMsg(
    () => torch.blackmanWindow(4, { dtype: "int32" }),
    /blackmanWindow: expects floating point dtypes, got: int32/,
  );
  assertThrowsMsg(() => torch.hammingWindow(4, { alpha: NaN }), /hammingWindow: alpha must be a number/);
  // deno-lint-ignore no-explicit-any
  assertThrowsMsg(
    () => torch.bartlettWindow(4, { periodic: 1 as any }),
    /bartlettWindow: periodic must be a boolean/,
  );
});

// 3. In-place Tensor methods.

interface InplaceCase {
  method: string;
  args: (number | string)[];
  x: EncodedTensor;
  other: EncodedTensor | null;
  out: EncodedTensor;
  stride: number[];
  grad_fn: string | null;
  grads: (EncodedTensor | null)[];
}
const camel = (s: string) => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
const weightsOf = (t: torch.Tensor) =>
  torch.linspace(0.5, 1.5, t.numel(), { dtype: "float64" }).reshape(t.shape).to({
    dtype: t.dtype,
    device: t.device,
  });

deviceTest(
  "in-place methods on a non-leaf: values, strides, grad_fn and gradients as PyTorch",
  async (device) => {
    for (const c of fx.inplace as InplaceCase[]) {
      const method = camel(c.method);
      const what = `${method}(${JSON.stringify(c.args)})`;
      const a = fixtureTensor(c.x, device, true);
      const o = c.other ? fixtureTensor(c.other, device, true) : null;
      const b = a.mul(1);
      const args = c.args.map((v) => (v === "T" ? o : v));
      // deno-lint-ignore no-explicit-any
      const ret = (b as any)[method](...args);
      nodeAssert.equal(ret, b, `${what} returns the tensor itself`);
      nodeAssert.deepEqual([b.shape, b.stride()], [c.out.shape, c.stride], `${what} shape and strides`);
      await assertCloseAsync(b, fixtureTensor(c.out), { atol: 1e-5, rtol: 1e-5, msg: what });
      nodeAssert.equal(b.gradFn?.name ?? null, c.grad_fn, `${what} grad_fn`);
      const loss = b.mul(weightsOf(b)).sum();
      const want = o ? [a, o] : [a];
      let grads: (torch.Tensor | null)[];
      try {
        grads = torch.autograd.grad(loss, want, { allowUnused: true });
      } catch (e) {
        throw new Error(`${what}: ${e}`);
      }
      for (let i = 0; i < want.length; i++) {
        const g = c.grads[i];
        if (g === null) nodeAssert.equal(grads[i], null, `${what} grad ${i}`);
        else {await assertCloseAsync(grads[i]!, fixtureTensor(g), {
            atol: 1e-5,
            rtol: 1e-5,
            msg: `${what} grad ${i}`,
          });}
      }
    }
  },
);

deviceTest("in-place methods on integer and bool tensors as PyTorch", async (device) => {
  for (const c of fx.inplace_int as InplaceCase[]) {
    const x = fixtureTensor(c.x, device);
    // deno-lint-ignore no-explicit-any
    (x as any)[camel(c.method)](...c.args);
    nodeAssert.equal(x.dtype, c.out.dtype);
    nodeAssert.deepEqual(Array.from(await x.dataAsync(), Number), c.out.values, c.method);
  }
});

deviceTest("in-place methods: write through views, bump the version, refuse leaves", async (device) => {
  // A write through a view reaches its base.
  const base = torch.tensor([[1, 2], [3, 4]], { dtype: "float32", device });
  base.index(0).cos_();
  base.index(1).lt_(3.5);
  await assertCloseAsync(base, [[Math.cos(1), Math.cos(2)], [1, 0]]);
  // t_ / unsqueeze_ re-point the tensor, not its base; writes through it still land in the base.
  const v = base.index(1);
  v.unsqueeze_(0);
  nodeAssert.deepEqual([v.shape, base.shape], [[1, 2], [2, 2]]);
  v.fill_(7);
  nodeAssert.deepEqual(await base.index(1).toArrayAsync(), [7, 7]);
  // Values saved for backward are refused after an in-place change, metadata ones included.
  for (
    const change of [
      (y: torch.Tensor) => y.t_(),
      (y: torch.Tensor) => y.cos_(),
      (y: torch.Tensor) => y.ge_(0),
    ]
  ) {
    const x = torch.ones([2, 3], { device, requiresGrad: true });
    const y = x.mul(1);
    const z = y.sin();
    const before = y._storage._version;
    change(y);
    nodeAssert.ok(y._storage._version > before, "version bumped");
    assertThrowsMsg(() => z.sum().backward(), /modified by an inplace operation/);
  }
  // Leaves that require grad are refused while grad mode is on; noGrad lets them through.
  const leaf = torch.ones([2, 3], { device, requiresGrad: true });
  for (const f of [() => leaf.t_(), () => leaf.cos_(), () => leaf.eq_(1), () => leaf.transpose_(0, 1)]) {
    assertThrowsMsg(f, /_: a leaf Variable that requires grad is being used in an in-place operation/);
  }
  assertThrowsMsg(
    () => leaf.index(0).unsqueeze_(0),
    /unsqueeze_: a view of a leaf Variable that requires grad/,
  );
  torch.noGrad(() => leaf.t_());
  nodeAssert.deepEqual(leaf.shape, [3, 2]);
});

Deno.test("in-place methods: bad input", () => {
  assertThrowsMsg(
    () => torch.tensor([1, 2]).cos_(),
    /cos_: result type float32 can't be cast to the desired output type int32/,
  );
  assertThrowsMsg(() => torch.tensor([5, 7]).fmod_(2.5), /fmod_: result type float32 can't be cast/);
  assertThrowsMsg(() => torch.tensor([true, false]).cumsum_(0), /cumsum_: not implemented for bool tensors/);
  assertThrowsMsg(() => torch.zeros(2, 2, 2).t_(), /t_: .*(<= 2|2 dim)/);
  assertThrowsMsg(() => torch.zeros(2).transpose_(0, 3), /transpose_: .*(range|out of)/i);
  assertThrowsMsg(() => torch.zeros(2, 3).lt_(torch.zeros(4)), /lt_: /);
  assertThrowsMsg(
    () => torch.zeros(1, 3).eq_(torch.zeros(2, 3)),
    /eq_: output with shape \[1, 3\] doesn't match the broadcast shape \[2, 3\]/,
  );
  assertThrowsMsg(
    () => torch.zeros(3).expand(2, 3).sin_(),
    /sin_: unsupported operation: more than one element/,
  );
  const x = torch.zeros(2, 3);
  assertThrowsMsg(() => x.unsqueeze_(5), /unsqueeze_: /);
  nodeAssert.deepEqual(x.shape, [2, 3]);
});

Deno.test("in-place methods: finite-difference gradients through the write (float64)", () => {
  const x = torch.tensor([[0.3, -0.7, 1.1], [0.4, 0.9, -0.2]], { dtype: "float64", requiresGrad: true });
  const p = torch.tensor([[0.5, 0.8, 1.2], [0.9, 0.6, 1.4]], { dtype: "float64", requiresGrad: true });
  const o = torch.tensor([0.7, -1.3, 0.45], { dtype: "float64", requiresGrad: true });
  const cases: [string, (...xs: torch.Tensor[]) => torch.Tensor, torch.Tensor[]][] = [
    ["tan_", (a) => a.mul(1).tan_().mul(a), [x]],
    ["log10_ then exp2_", (a) => a.mul(1).log10_().exp2_(), [p]],
    ["expm1_ then rsqrt_", (a) => a.mul(1).expm1_().rsqrt_(), [p]],
    ["log1p_ then log2_", (a) => a.mul(1).log1p_().log2_(), [p]],
    ["cos_ sin_", (a) => a.mul(2).cos_().sin_(), [x]],
    ["cumprod_ then t_", (a) => a.mul(1).cumprod_(1).mul(1).t_().mul(a.t()), [x]],
    ["transpose_, unsqueeze_, squeeze_", (a) => a.mul(1).transpose_(0, 1).unsqueeze_(1).mul(3).squeeze_(), [
      x,
    ]],
    ["fmod_ with a tensor", (a, b) => a.mul(3).fmod_(b), [x, o]],
    ["remainder_ with a tensor", (a, b) => a.mul(3).remainder_(b), [x, o]],
    ["triu_ then cumsum_", (a) => a.mul(1).triu_(0).cumsum_(0), [x]],
  ];
  for (const [msg, fn, inputs] of cases) gradcheck(fn, inputs, { eps: 1e-6, atol: 1e-6, rtol: 1e-5, msg });
  // As PyTorch: cumprod_ saves its output and t_ bumps the version.
  assertThrowsMsg(
    () => x.mul(1).cumprod_(1).t_().sum().backward(),
    /output of CumprodBackward0 .* is at version 2; expected version 1/,
  );
  // As PyTorch: rsqrt_ saves its output, so writing over it again breaks the backward (same versions).
  assertThrowsMsg(
    () => p.mul(1).expm1_().rsqrt_().log1p_().sum().backward(),
    /output of RsqrtBackward0 .* is at version 3; expected version 2/,
  );
});
