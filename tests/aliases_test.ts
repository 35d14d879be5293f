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
  assertThrowsMsg(
    () => torch.setRngState([1, 2] as never),
    /setRngState: expected a uint8 Tensor or a Uint8Array/,
  );
  nodeAssert.deepEqual(Array.from(torch.getRngState().dataSync()), before);
});

deviceTest("setRngState: a state on the GPU is refused with the way out", (device) => {
  const state = torch.getRngState().to(device);
  assertThrowsMsg(
    () => torch.setRngState(state),
    /setRngState: expected a CPU tensor, got one on gpu .*to\("cpu"\)/,
  );
}, { devices: ["gpu"] });

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
  assertThrowsMsg(
    () => torch.bartlettWindow(4, { periodic: 1 as never }),
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
  // As PyTorch, metadata changes of an expanded tensor are allowed (no element is written).
  const expanded = torch.zeros([3, 1], { device }).expand(3, 4);
  expanded.t_();
  nodeAssert.deepEqual([expanded.shape, expanded.stride()], [[4, 3], [0, 1]]);
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
    ["rsub", (a, b) => torch.rsub(a, b, { alpha: 2.5 }), [x, o]],
    ["ger", (a, b) => torch.ger(a, b).mul(b.ger(a).t()), [o, o.mul(2).detach().requiresGrad_(true)]],
    ["mH / adjoint / H", (a) => a.mH.mul(a.adjoint()).add(a.H), [x]],
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

// 4. Aliases and predicates.

deviceTest("comparison aliases: functions and methods equal gt/ge/lt/le/ne", async (device) => {
  const a = torch.tensor([[1, 2, 3], [4, 5, 6]], { dtype: "float32", device });
  const b = torch.tensor([2, 5, 3], { dtype: "float32", device });
  const pairs: [string, torch.Tensor, torch.Tensor][] = [
    ["greater", torch.greater(a, b), a.gt(b)],
    ["greaterEqual", torch.greaterEqual(a, 3), a.ge(3)],
    ["less", torch.less(a, b), a.lt(b)],
    ["lessEqual", a.lessEqual(b), a.le(b)],
    ["notEqual", a.notEqual(b), a.ne(b)],
    ["greater (method)", a.greater(2), a.gt(2)],
    ["greaterEqual (method)", a.greaterEqual(b), a.ge(b)],
    ["less (method)", a.less(4), a.lt(4)],
    ["lessEqual (function)", torch.lessEqual(a, 2), a.le(2)],
    ["notEqual (function)", torch.notEqual(a, 5), a.ne(5)],
  ];
  for (const [name, got, want] of pairs) {
    nodeAssert.deepEqual([got.dtype, await got.toArrayAsync()], ["bool", await want.toArrayAsync()], name);
  }
  nodeAssert.deepEqual(await torch.greater(a, b).toArrayAsync(), [[false, false, false], [
    true,
    false,
    true,
  ]]);
  assertThrowsMsg(() => torch.less(torch.zeros(2, 3), torch.zeros(4)), /less: /);
});

deviceTest("H, mH, adjoint: views with PyTorch's shapes, strides and dimension checks", async (device) => {
  const v = fx.views;
  const x = fixtureTensor(v.x, device);
  nodeAssert.deepEqual([x.mH.shape, x.mH.stride()], [v.mH.shape, v.mH.stride]);
  await assertCloseAsync(x.adjoint(), fixtureTensor(v.adjoint), { atol: 0, rtol: 0 });
  await assertCloseAsync(torch.adjoint(x), fixtureTensor(v.adjoint), { atol: 0, rtol: 0 });
  const m = x.index(0);
  nodeAssert.deepEqual([m.H.shape, m.H.stride()], [v.H.shape, v.H.stride]);
  await assertCloseAsync(m.H, fixtureTensor(v.H.out), { atol: 0, rtol: 0 });
  nodeAssert.deepEqual([
    x.index(1).storageOffset(),
    x.index(":", 1).storageOffset(),
    x.index(1, 2, "3:").storageOffset(),
  ], v.storage_offset);
  // Views: a write through them reaches the tensor.
  const y = torch.zeros([2, 3], { device });
  y.mH.index(2, 1).fill_(9);
  nodeAssert.deepEqual(await y.toArrayAsync(), [[0, 0, 0], [0, 0, 9]]);
  // 0-d passes through; 1-D is refused; H wants exactly 2-D.
  const s = torch.tensor(3, { device });
  nodeAssert.deepEqual([s.H.shape, s.mH.shape, s.adjoint().shape], [[], [], []]);
  assertThrowsMsg(
    () => torch.zeros(3).mH,
    /mH: tensor\.mH is only supported on matrices or batches of matrices\. Got 1-D tensor\./,
  );
  assertThrowsMsg(
    () => torch.zeros(3).adjoint(),
    /adjoint: tensor\.adjoint\(\) is only supported on matrices or batches of matrices\. Got 1-D tensor\./,
  );
  assertThrowsMsg(
    () => torch.zeros(3).H,
    /H: tensor\.H is only supported on matrices \(2-D tensors\)\. Got 1-D tensor\./,
  );
  assertThrowsMsg(
    () => torch.zeros(2, 2, 3).H,
    /Got 3-D tensor\. For batches of matrices, consider using tensor\.mH/,
  );
  // Gradients flow through the views.
  const w = torch.tensor([[1, 2, 3], [4, 5, 6]], { dtype: "float32", device, requiresGrad: true });
  w.mH.mul(torch.tensor([[1, 10], [100, 1000], [1e4, 1e5]], { device })).sum().backward();
  nodeAssert.deepEqual(await w.grad!.toArrayAsync(), [[1, 100, 1e4], [10, 1000, 1e5]]);
});

Deno.test("predicates: isComplex, isSigned, isNonzero, isSameSize, retainsGrad", () => {
  for (const [dtype, signed] of Object.entries(fx.is_signed as Record<string, boolean>)) {
    const t = torch.zeros(2, { dtype: dtype as DType });
    nodeAssert.equal(t.isSigned(), signed, dtype);
    nodeAssert.equal(t.isComplex(), false);
    nodeAssert.equal(torch.isComplex(t), false);
  }
  nodeAssert.deepEqual(
    [
      torch.tensor([0]).isNonzero(),
      torch.tensor([[3]]).isNonzero(),
      torch.isNonzero(torch.tensor(NaN)),
      torch.tensor([false]).isNonzero(),
    ],
    [false, true, true, false],
  );
  assertThrowsMsg(
    () => torch.isNonzero(torch.tensor([])),
    /isNonzero: Boolean value of Tensor with no values is ambiguous/,
  );
  assertThrowsMsg(
    () => torch.tensor([1, 2]).isNonzero(),
    /isNonzero: Boolean value of Tensor with more than one value is ambiguous \(shape \[2\]\)/,
  );
  nodeAssert.equal(torch.isSameSize(torch.zeros(2, 3), torch.ones(2, 3, { dtype: "int32" })), true);
  nodeAssert.equal(torch.zeros(2, 3).isSameSize(torch.zeros(6)), false);
  // deno-lint-ignore no-explicit-any
  assertThrowsMsg(() => torch.isSameSize(torch.zeros(2), [2] as any), /isSameSize: other must be a Tensor/);
  // retainsGrad as PyTorch: false for leaves (even after retainGrad), true for a non-leaf after retainGrad.
  const leaf = torch.zeros(2, { requiresGrad: true });
  const z = leaf.mul(2);
  nodeAssert.deepEqual([torch.zeros(2).retainsGrad, leaf.retainsGrad, z.retainsGrad], [false, false, false]);
  z.retainGrad();
  leaf.retainGrad();
  nodeAssert.deepEqual([z.retainsGrad, leaf.retainsGrad], [true, false]);
});

Deno.test("resultType and canCast: PyTorch's promotion and casting tables", () => {
  const operand = (s: { dtype?: DType; ndim?: number; scalar?: number | boolean }) =>
    s.scalar !== undefined ? s.scalar : torch.zeros(s.ndim === 0 ? [] : [2], { dtype: s.dtype });
  for (const c of fx.result_type) {
    nodeAssert.equal(
      torch.resultType(operand(c.a), operand(c.b)),
      c.out,
      `${JSON.stringify(c.a)} ${JSON.stringify(c.b)}`,
    );
  }
  for (const [from, to, want] of fx.can_cast as [DType, DType, boolean][]) {
    nodeAssert.equal(torch.canCast(from, to), want, `${from} -> ${to}`);
  }
  assertThrowsMsg(() => torch.canCast("int64" as DType, "float32"), /canCast: from must be a dtype .*int64/);
  assertThrowsMsg(
    () => torch.resultType(torch.zeros(1), "x" as never),
    /resultType: other must be a Tensor, number or boolean/,
  );
});

deviceTest("rsub, ger, rowStack, scalarTensor as PyTorch", async (device) => {
  for (const c of fx.rsub) {
    const x = fixtureTensor(c.x, device, true);
    const o = typeof c.other === "number" ? c.other : fixtureTensor(c.other, device, true);
    const out = torch.rsub(x, o, { alpha: c.alpha });
    await assertCloseAsync(out, fixtureTensor(c.out), { atol: 1e-6 });
    nodeAssert.equal(out.gradFn?.name, c.grad_fn);
    const want = o instanceof torch.Tensor ? [x, o] : [x];
    const grads = torch.autograd.grad(out.mul(weightsOf(out)).sum(), want);
    for (let i = 0; i < want.length; i++) {
      await assertCloseAsync(grads[i]!, fixtureTensor(c.grads[i]), { atol: 1e-6 });
    }
  }
  assertThrowsMsg(
    () => torch.rsub(torch.tensor([true]), torch.tensor([false])),
    /rsub: .*with two bool tensors is not supported/,
  );
  assertThrowsMsg(() => torch.rsub(torch.tensor([true]), 1), /rsub: .*with a bool tensor is not supported/);
  const g = fx.ger;
  await assertCloseAsync(
    torch.ger(fixtureTensor(g.a, device), fixtureTensor(g.b, device)),
    fixtureTensor(g.out),
    { atol: 1e-6 },
  );
  await assertCloseAsync(fixtureTensor(g.a, device).ger(fixtureTensor(g.b, device)), fixtureTensor(g.out), {
    atol: 1e-6,
  });
  assertThrowsMsg(() => torch.ger(torch.zeros(2, 2), torch.zeros(2)), /ger: /);
  const r = fx.row_stack;
  await assertCloseAsync(
    torch.rowStack([fixtureTensor(r.a, device), fixtureTensor(r.b, device)]),
    fixtureTensor(r.out),
    { atol: 0 },
  );
  assertThrowsMsg(() => torch.rowStack([torch.zeros(3), torch.zeros(4)]), /rowStack: /);
  const [s3, s25, sTrue, s7] = [
    torch.scalarTensor(3, { device }),
    torch.scalarTensor(2.5, { dtype: "float64" }),
    torch.scalarTensor(true, { dtype: "bool", device }),
    torch.scalarTensor(7, { dtype: "int32", device }),
  ];
  for (
    const [t, e] of [[s3, fx.scalar_tensor[0]], [s25, fx.scalar_tensor[1]], [sTrue, fx.scalar_tensor[2]], [
      s7,
      fx.scalar_tensor[3],
    ]] as const
  ) {
    nodeAssert.deepEqual([t.shape, t.dtype, Number(await t.itemAsync())], [e.shape, e.dtype, e.values[0]]);
  }
  nodeAssert.equal(s3.device, device);
  // deno-lint-ignore no-explicit-any
  assertThrowsMsg(() => torch.scalarTensor("3" as any), /scalarTensor: value must be a number or boolean/);
});

deviceTest("byte, char, short, newEmptyStrided, emptyStrided", async (device) => {
  const x = torch.tensor([1.7, 250, 3], { device });
  const b = x.byte();
  nodeAssert.deepEqual([b.dtype, b.device, await b.toArrayAsync()], ["uint8", device, [1, 250, 3]]);
  assertThrowsMsg(() => x.char(), /char: edgetorch has no int8 dtype .*x\.int\(\)/);
  assertThrowsMsg(() => x.short(), /short: edgetorch has no int16 dtype/);
  const e = x.newEmptyStrided([2, 3], [1, 2]);
  nodeAssert.deepEqual([e.shape, e.stride(), e.dtype, e.device, e.storageOffset()], [
    [2, 3],
    [1, 2],
    "float32",
    device,
    0,
  ]);
  nodeAssert.equal(e._storage.numel, 6);
  e.copy_(torch.tensor([[1, 2, 3], [4, 5, 6]], { device }));
  nodeAssert.deepEqual(await e.toArrayAsync(), [[1, 2, 3], [4, 5, 6]]);
  nodeAssert.deepEqual(await e.contiguous().view(-1).toArrayAsync(), [1, 2, 3, 4, 5, 6]);
  const f = torch.emptyStrided([3, 2], [4, 1], { dtype: "int32", device, requiresGrad: false });
  nodeAssert.deepEqual([f.shape, f.stride(), f.dtype, f._storage.numel], [[3, 2], [4, 1], "int32", 10]);
  nodeAssert.deepEqual(torch.emptyStrided([0, 3], [3, 1]).shape, [0, 3]);
  nodeAssert.equal(torch.emptyStrided([2], [1], { requiresGrad: true }).requiresGrad, true);
  assertThrowsMsg(
    () => torch.emptyStrided([2, 3], [1]),
    /emptyStrided: mismatch in length of strides and shape/,
  );
  assertThrowsMsg(
    () => x.newEmptyStrided([2, -1], [1, 1]),
    /emptyStrided: size must be a list of non-negative integers/,
  );
});

// 5. F's in-place activations and the *_with_indices pools.

type Act = (x: torch.Tensor, ...args: number[]) => torch.Tensor;
const ACTS: Record<string, Act> = {
  "relu_": torch.F.relu_,
  "elu_": torch.F.elu_,
  "leaky_relu_": torch.F.leakyRelu_,
  "hardtanh_": torch.F.hardtanh_,
  "selu_": torch.F.selu_,
  "celu_": torch.F.celu_,
  "threshold_": torch.F.threshold_,
  "torch.relu_": torch.relu_,
  "torch.selu_": torch.selu_,
  "torch.celu_": torch.celu_,
  "torch.threshold_": torch.threshold_,
  "torch.sigmoid_": torch.sigmoid_,
  "torch.tanh_": torch.tanh_,
};

deviceTest("F's in-place activations: values, grad_fn and gradients as PyTorch", async (device) => {
  const x = torch.tensor([[-2.5, -1.0, -0.25, 0.0], [0.3, 0.9, 1.5, 4.0]], { device });
  for (const c of fx.inplace_activations) {
    const what = `${c.fn}(${JSON.stringify(c.kw)})`;
    const a = x.detach().clone().requiresGrad_(true);
    const b = a.mul(1);
    const r = ACTS[c.fn](b, ...(Object.values(c.kw) as number[]));
    nodeAssert.equal(r, b, `${what} returns its input`);
    await assertCloseAsync(b, fixtureTensor(c.out), { atol: 1e-6, rtol: 1e-6, msg: what });
    nodeAssert.equal(b.gradFn?.name, c.grad_fn, `${what} grad_fn`);
    const [g] = torch.autograd.grad(b.mul(weightsOf(b)).sum(), [a]);
    await assertCloseAsync(g!, fixtureTensor(c.grad), { atol: 1e-6, rtol: 1e-5, msg: `${what} grad` });
  }
  // The `inplace` argument of the out-of-place functions records the same node names.
  const fresh = () => torch.zeros(2, { device, requiresGrad: true }).mul(1);
  const names = [
    torch.F.elu(fresh(), 1, true),
    torch.F.leakyRelu(fresh(), 0.1, { inplace: true }),
    torch.F.threshold(fresh(), 0, 1, true),
    torch.F.selu(fresh(), true),
    torch.F.celu(fresh(), 1, true),
    torch.F.elu(fresh(), 1),
  ].map((t) => t.gradFn?.name);
  nodeAssert.deepEqual(names, [
    "EluBackward1",
    "LeakyReluBackward1",
    "ThresholdBackward1",
    "EluBackward1",
    "CeluBackward1",
    "EluBackward0",
  ]);
  // Leaves that require grad are refused, as for every in-place op.
  const leaf = torch.zeros(3, { device, requiresGrad: true });
  assertThrowsMsg(() => torch.F.relu_(leaf), /relu_: a leaf Variable that requires grad/);
  assertThrowsMsg(() => torch.F.elu_(torch.tensor([1, 2], { dtype: "int32" })), /elu/);
});

Deno.test("F's in-place activations: finite-difference gradients (float64)", () => {
  const x = torch.tensor([[-2.1, -0.7, 0.4], [0.9, 1.3, -0.2]], { dtype: "float64", requiresGrad: true });
  for (const [name, fn] of Object.entries(ACTS)) {
    if (name.includes("threshold")) {
      gradcheck((a) => (fn as Act)(a.mul(1), 0.5, -3), [x], { eps: 1e-6, atol: 1e-6, rtol: 1e-5, msg: name });
    } else gradcheck((a) => fn(a.mul(1)), [x], { eps: 1e-6, atol: 1e-6, rtol: 1e-5, msg: name });
  }
});

interface PoolCase {
  fn: string;
  args: (number | number[] | boolean | null)[];
  x: EncodedTensor;
  values: EncodedTensor;
  indices: EncodedTensor;
  grad: EncodedTensor;
}

function callPool(c: PoolCase, x: torch.Tensor): [torch.Tensor, torch.Tensor] {
  const [k, stride, padding, dilation, ceilMode] = c.args;
  // deno-lint-ignore no-explicit-any
  const opts: any = { stride, padding, dilation, ceilMode };
  switch (c.fn) {
    case "max_pool1d_with_indices":
      return torch.F.maxPool1dWithIndices(x, k as number, opts);
    case "max_pool2d_with_indices":
      return torch.F.maxPool2dWithIndices(x, k as number, opts);
    case "max_pool3d_with_indices":
      return torch.F.maxPool3dWithIndices(x, k as number, opts);
    case "adaptive_max_pool1d_with_indices":
      return torch.F.adaptiveMaxPool1dWithIndices(x, k as number);
    case "adaptive_max_pool2d_with_indices":
      return torch.F.adaptiveMaxPool2dWithIndices(x, k as number);
    case "adaptive_max_pool3d_with_indices":
      return torch.F.adaptiveMaxPool3dWithIndices(x, k as number[]);
  }
  throw new Error(`no pool ${c.fn}`);
}

deviceTest("F.*WithIndices pools: values, indices and gradients as PyTorch", async (device) => {
  for (const c of fx.pools_with_indices as PoolCase[]) {
    const what = `${c.fn}(${JSON.stringify(c.args)})`;
    const x = fixtureTensor(c.x, device, true);
    const [values, indices] = callPool(c, x);
    await assertCloseAsync(values, fixtureTensor(c.values), { atol: 0, rtol: 0, msg: what });
    nodeAssert.equal(indices.dtype, "int32", what);
    nodeAssert.deepEqual(await indices.toArrayAsync(), await fixtureTensor(c.indices).toArrayAsync(), what);
    const [g] = torch.autograd.grad(values.mul(weightsOf(values)).sum(), [x]);
    await assertCloseAsync(g!, fixtureTensor(c.grad), { atol: 1e-6, msg: `${what} grad` });
  }
  assertThrowsMsg(
    () => torch.F.maxPool2dWithIndices(torch.zeros([1, 1, 2, 2], { device }), 3),
    /maxPool2d: /,
  );
  assertThrowsMsg(
    () => torch.F.adaptiveMaxPool1dWithIndices(torch.zeros([2], { device }), 1),
    /adaptiveMaxPool1d: /,
  );
});
