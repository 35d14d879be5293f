/**
 * remainder / fmod / floorDivide, cumprod, unique and cdist against PyTorch 1.13
 * (tools/fixtures/numerics_fixtures.py): values (exact for the divisions, on both devices),
 * gradients, second derivatives of cumprod, bad input.
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
  gradcheck,
  gradcheckAsync,
} from "./helpers.ts";
import { deviceTest } from "./devices.ts";

const fx = JSON.parse(await Deno.readTextFile(new URL("./fixtures/numerics.json", import.meta.url)));

type Enc = EncodedTensor;

function dec(e: Enc, device: Device = "cpu", requiresGrad = false): Tensor {
  // PyTorch's int64 results are compared with edgetorch's int32 ones: wrapped to 32 bits.
  const values = e.values.map((v) => (e.dtype === "int32" ? Number(BigInt.asIntN(32, BigInt(v))) : num(v)));
  const t = torch.tensor(values, { dtype: e.dtype }).reshape(e.shape).to(device);
  return requiresGrad ? t.requiresGrad_(true) : t;
}

/** Exact comparison that tells -0 from 0 and NaN from NaN. */
async function assertSameAsync(t: Tensor, e: Enc, msg: string): Promise<void> {
  assert.equal(t.dtype, e.dtype, `${msg}: dtype`);
  assert.deepEqual(t.shape, e.shape, `${msg}: shape`);
  const got = Array.from(await t.dataAsync());
  const want = e.values.map(num);
  got.forEach((v, i) => assert.ok(Object.is(v, want[i]), `${msg} [${i}]: expected ${want[i]}, got ${v}`));
}

const ON = (device: Device, e: Enc) => device === "cpu" || e.dtype !== "float64";
type Div = (a: Tensor, b: Tensor | number) => Tensor;
const DIVISION: Record<string, Div> = {
  remainder: torch.remainder,
  fmod: torch.fmod,
  floor_divide: torch.floorDivide,
  div_trunc: (a, b) => torch.div(a, b, { roundingMode: "trunc" }),
  div_floor: (a, b) => torch.div(a, b, { roundingMode: "floor" }),
};
const METHOD: Record<string, Div> = {
  remainder: (a, b) => a.remainder(b),
  fmod: (a, b) => a.fmod(b),
  floor_divide: (a, b) => a.floorDivide(b),
  div_trunc: (a, b) => a.div(b, { roundingMode: "trunc" }),
  div_floor: (a, b) => a.div(b, { roundingMode: "floor" }),
};

deviceTest(
  "remainder, fmod, floorDivide: PyTorch's values exactly (signs, zeros, inf, near multiples)",
  async (device) => {
    let ran = 0;
    for (const c of fx.division) {
      if (!ON(device, c.a) || (c.b.dtype && !ON(device, c.b))) continue;
      const a = dec(c.a, device);
      const b = c.b.scalar !== undefined ? c.b.scalar : dec(c.b, device);
      const out = DIVISION[c.op](a, b);
      await assertSameAsync(out, c.out, `${c.name} (${device})`);
      await assertSameAsync(METHOD[c.op](a, b), c.out, `${c.name} method`);
      ran++;
    }
    assert.ok(ran >= 37, `${ran} cases ran`);
  },
);

deviceTest(
  "remainder, fmod, div rounded: PyTorch's gradients; floorDivide has none (as PyTorch)",
  async (device) => {
    for (const c of fx.division) {
      if (c.gradA === undefined || !ON(device, c.a)) continue;
      const a = dec(c.a, device, true);
      const b = c.b.scalar !== undefined ? c.b.scalar : dec(c.b, device, c.b.dtype !== "int32");
      const out = DIVISION[c.op](a, b);
      const w = torch.linspace(0.5, 1.5, out.numel(), { dtype: out.dtype }).reshape([...out.shape]).to(
        device,
      );
      out.mul(w).sum().backward();
      await assertCloseAsync(a.grad!, dec(c.gradA), { rtol: 1e-6, atol: 1e-6, msg: `${c.name} grad a` });
      if (c.gradB) {
        await assertCloseAsync((b as Tensor).grad!, dec(c.gradB), {
          rtol: 1e-6,
          atol: 1e-5,
          msg: `${c.name} grad b`,
        });
      }
    }
    const x = torch.tensor([1.5, 2.5], { requiresGrad: true, device });
    assert.equal(torch.div(x, 2, { roundingMode: "floor" }).gradFn!.name, "DivBackward2");
    assertThrowsMsg(
      () => torch.div(x, 2, { roundingMode: "round" as "floor" }),
      /div: expected roundingMode to be one of null, "trunc" or "floor", but found a string "round"/,
    );
    const y = torch.floorDivide(x, 2);
    assert.ok(y.requiresGrad, "the result is in the graph, as PyTorch's");
    await assertRejectsMsg(
      () => y.sum().backward(),
      /floorDivide: floorDivide has no derivative \(PyTorch has none either\)/,
    );
    // Gradients by finite differences away from the jumps.
    const p = torch.tensor([[3.3, -2.7, 5.1], [-4.4, 1.2, 0.4]], { requiresGrad: true, device });
    const q = torch.tensor([1.7, -1.3, 0.9], { requiresGrad: true, device });
    await gradcheckAsync((u, v) => torch.remainder(u, v).add(torch.fmod(u, v)), [p, q], { eps: 1e-3 });
  },
);

deviceTest(
  "remainder, fmod, floorDivide: integer division by zero is PyTorch's ZeroDivisionError",
  async (device) => {
    const a = torch.tensor([5, -3, 7]).to(device);
    const zero = torch.tensor([1, 0, 2]).to(device);
    for (
      const [name, fn] of [["remainder", torch.remainder], ["fmod", torch.fmod], [
        "floorDivide",
        torch.floorDivide,
      ]] as const
    ) {
      const msg = new RegExp(`^${name}: ZeroDivisionError`);
      assertThrowsMsg(() => fn(a, 0), msg);
      if (device === "cpu") assertThrowsMsg(() => fn(a, zero), msg);
      else {
        // A GPU op never reads its inputs back: reading the result (or anything made from it) rejects.
        const out = fn(a, zero);
        await assertRejectsMsg(() => out.dataAsync(), msg);
        await assertRejectsMsg(() => out.add(1).toArrayAsync(), msg);
      }
      // A float result divides by zero as IEEE floats do.
      assert.deepEqual(
        await fn(a, torch.tensor([0.5, 0, 2]).to(device)).toArrayAsync(),
        {
          remainder: [0, NaN, 1],
          fmod: [0, NaN, 1],
          floorDivide: [10, -Infinity, 3],
        }[name],
      );
    }
    assertThrowsMsg(
      () => torch.remainder(torch.tensor([true]).to(device), torch.tensor([true]).to(device)),
      /remainder: bool tensors are refused, as in PyTorch/,
    );
    assertThrowsMsg(
      () => torch.fmod(1 as unknown as Tensor, 2),
      /fmod: expected at least one tensor operand/,
    );
    assertThrowsMsg(
      () => torch.fmod(a, "2" as unknown as number),
      /fmod: operands must be tensors or numbers, got a string "2"/,
    );
    assertThrowsMsg(
      () => torch.remainder(a, torch.ones(2).to(device)),
      /remainder: shapes \[3\] and \[2\] cannot be broadcast/,
    );
    assert.deepEqual(await torch.remainder(torch.zeros(0, 3).to(device), 2).toArrayAsync(), []);
  },
);

deviceTest(
  "cumprod: PyTorch's values and gradients (zeros included), dtypes, second derivatives",
  async (device) => {
    for (const c of fx.cumprod) {
      if (!ON(device, c.x)) continue;
      const x = dec(c.x, device, c.grad !== undefined);
      const out = x.cumprod(c.dim);
      assert.equal(out.dtype, c.out.dtype, c.name);
      // The CPU accumulates float32 in float64 as PyTorch's CPU does; the GPU in float32.
      const tol = c.x.dtype === "float64"
        ? { rtol: 1e-13, atol: 1e-15 }
        : device === "cpu"
        ? { rtol: 1e-7, atol: 1e-7 }
        : { rtol: 2e-5, atol: 1e-6 };
      await assertCloseAsync(out, dec(c.out), { ...tol, msg: c.name });
      if (c.grad === undefined) continue;
      const w = torch.linspace(0.5, 1.5, out.numel(), { dtype: out.dtype }).reshape([...out.shape]).to(
        device,
      );
      const second = c.gradgrad !== undefined;
      const [g] = torch.autograd.grad(out.mul(w).sum(), [x], { createGraph: second });
      const gtol = c.x.dtype === "float64" ? { rtol: 1e-12, atol: 1e-14 } : { rtol: 2e-5, atol: 2e-5 };
      await assertCloseAsync(g!, dec(c.grad), { ...gtol, msg: `${c.name} grad` });
      if (second) {
        const v = torch.linspace(-1, 1, x.numel(), { dtype: x.dtype }).reshape([...x.shape]).to(device);
        const [gg] = torch.autograd.grad(g!.mul(v).sum(), [x]);
        await assertCloseAsync(gg!, dec(c.gradgrad), { ...gtol, msg: `${c.name} second derivative` });
      }
    }
    const t = torch.tensor([[1.5, 0, 2], [0.5, 0.25, 0]], { requiresGrad: true, device });
    await gradcheckAsync((u) => u.cumprod(1), [t]);
    assertThrowsMsg(() => torch.cumprod(t, 2), /cumprod: dimension 2 out of range|cumprod: dim/);
    assert.deepEqual(torch.cumprod(torch.zeros(0, 2).to(device), 0).shape, [0, 2]);
    assert.equal(torch.tensor([true, true, false]).to(device).cumprod(0).dtype, "int32");
  },
);

deviceTest(
  "unique: PyTorch's values, inverse indices and counts (flattened and along a dim)",
  async (device) => {
    for (const c of fx.unique) {
      if (!ON(device, c.x)) continue;
      const x = dec(c.x, device);
      const opts = {
        sorted: c.kwargs.sorted,
        returnInverse: c.kwargs.return_inverse,
        returnCounts: c.kwargs.return_counts,
        dim: c.kwargs.dim,
      };
      const got = device === "cpu" ? torch.unique(x, opts) : await torch.uniqueAsync(x, opts);
      const outs = Array.isArray(got) ? got : [got];
      assert.equal(outs.length, c.outs.length, c.name);
      for (let i = 0; i < outs.length; i++) {
        assert.equal(outs[i].device, device, `${c.name} output ${i} device`);
        await assertSameAsync(outs[i], c.outs[i], `${c.name} output ${i}`);
      }
    }
    const x = torch.tensor([2.5, 1, 2.5]).to(device);
    if (device === "cpu") {
      const [v, inv, cnt] = x.unique({ returnInverse: true, returnCounts: true });
      assert.deepEqual([v.toArray(), inv.toArray(), cnt.toArray()], [[1, 2.5], [1, 0, 1], [1, 2]]);
      assert.deepEqual(x.unique({ sorted: false }).toArray(), [1, 2.5], "sorted order either way");
    } else {
      assertThrowsMsg(() => torch.unique(x), /unique: the result's size depends on the values.*uniqueAsync/);
    }
    const [v2, c2] = await x.uniqueAsync({ returnCounts: true });
    assert.deepEqual([await v2.toArrayAsync(), await c2.toArrayAsync()], [[1, 2.5], [1, 2]]);
    // Each NaN is its own value (NaN != NaN), after the numbers.
    const [nanVals, nanCounts] = await torch.uniqueAsync(torch.tensor([NaN, 1, NaN, 1]).to(device), {
      returnCounts: true,
    });
    assert.deepEqual(Array.from(await nanVals.dataAsync()), [1, NaN, NaN]);
    assert.deepEqual(await nanCounts.toArrayAsync(), [2, 1, 1]);
    assertThrowsMsg(
      () => torch.unique(torch.ones(2), { returnCounts: "yes" as unknown as boolean }),
      /unique: returnCounts must be a boolean/,
    );
    assertThrowsMsg(() => torch.unique(torch.ones(2), { dim: 3 }), /unique: dim|out of range/);
  },
);

deviceTest(
  "cdist: PyTorch's distances and gradients (p-norms, both algorithms, batches, zeros)",
  async (device) => {
    for (const c of fx.cdist) {
      if (!ON(device, c.a)) continue;
      const a = dec(c.a, device, true), b = dec(c.b, device, true);
      const out = torch.cdist(a, b, num(c.p), { computeMode: c.mode });
      assert.deepEqual(out.shape, c.out.shape, c.name);
      const f64 = c.a.dtype === "float64";
      await assertCloseAsync(out, dec(c.out), {
        rtol: f64 ? 1e-12 : 1e-5,
        atol: f64 ? 1e-13 : 1e-5,
        msg: c.name,
      });
      if (c.gradA === undefined) continue;
      const w = torch.linspace(0.5, 1.5, out.numel(), { dtype: out.dtype }).reshape([...out.shape]).to(
        device,
      );
      out.mul(w).sum().backward();
      const gtol = { rtol: f64 ? 1e-11 : 1e-4, atol: f64 ? 1e-12 : 1e-4 };
      await assertCloseAsync(a.grad!, dec(c.gradA), { ...gtol, msg: `${c.name} grad a` });
      await assertCloseAsync(b.grad!, dec(c.gradB), { ...gtol, msg: `${c.name} grad b` });
    }
    const a = torch.randn(3, 4).to(device), b = torch.randn(5, 3).to(device);
    assertThrowsMsg(
      () => torch.cdist(a, b),
      /cdist: X1 and X2 must have the same number of columns. X1: 4 X2: 3/,
    );
    assertThrowsMsg(() => torch.cdist(a.index(0), a), /cdist: only supports at least 2D tensors, X1 got: 1D/);
    assertThrowsMsg(() => torch.cdist(a, a, -1), /cdist: only supports non-negative p values/);
    assertThrowsMsg(
      () => torch.cdist(a.int(), a.int()),
      /cdist: only supports floating-point dtypes, X1 got: int32/,
    );
    assertThrowsMsg(
      () => torch.cdist(a, a, 2, { computeMode: "fast" as "use_mm_for_euclid_dist" }),
      /cdist: computeMode must be one of/,
    );
  },
);

Deno.test("cdist, cumprod, remainder: gradcheck in float64 with tight tolerances", () => {
  const g = new torch.Generator(11);
  const d = (...shape: number[]) =>
    torch.randn(shape, { dtype: "float64", generator: g }).requiresGrad_(true);
  const tight = { eps: 1e-6, atol: 1e-8, rtol: 1e-6 };
  for (const p of [1.5, 2, 3]) {
    gradcheck((u, v) => torch.cdist(u, v, p), [d(3, 4), d(2, 4)], { ...tight, msg: `cdist p ${p}` });
  }
  gradcheck((u, v) => torch.cdist(u, v, 2, { computeMode: "use_mm_for_euclid_dist" }), [d(3, 4), d(2, 4)], {
    ...tight,
    msg: "cdist mm",
  });
  gradcheck((u) => u.cumprod(1), [d(3, 5)], { ...tight, msg: "cumprod" });
  gradcheck((u, v) => torch.remainder(u, v.abs().add(0.5)), [d(3, 4), d(4)], { ...tight, msg: "remainder" });
});
