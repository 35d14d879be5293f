/**
 * What the golden fixtures cannot show for src/ops/rearrange.ts, logical.ts and pointwise.ts:
 * view semantics (writing through `diagonal`), copies that must not alias, the in-place forms,
 * the host-side answers (`allclose`, `equal`), and the errors for bad input. Values against
 * PyTorch are in tests/ops_golden_test.ts, gradients in tests/gradcheck_test.ts.
 */
import * as torch from "../mod.ts";
import { assert, assertArrayAsync, assertThrowsMsg } from "./helpers.ts";
import { deviceTest } from "./devices.ts";

deviceTest("diagonal is a view: writing into it writes into the matrix", async (device) => {
  const m = torch.zeros(3, 3, { device });
  m.diagonal().fill_(2);
  m.diagonal(1).add_(torch.tensor([5, 7], { device }));
  await assertArrayAsync(m, [[2, 5, 0], [0, 2, 7], [0, 0, 2]]);
  const batched = torch.zeros(2, 2, 2, { device });
  batched.diagonal(0, 1, 2).fill_(1); // the identity in every batch entry
  await assertArrayAsync(batched, [[[1, 0], [0, 1]], [[1, 0], [0, 1]]]);
});

deviceTest("repeat, tile, roll and diag always copy", async (device) => {
  const x = torch.tensor([[1, 2, 3]], { device });
  const copies = [x.repeat(1, 1), x.repeat(2, 1), x.tile([1]), x.roll(3), x.roll(0, 1)];
  for (const c of copies) c.fill_(0);
  await assertArrayAsync(x, [[1, 2, 3]]);
  const m = torch.tensor([[1, 2], [3, 4]], { device });
  m.diag().fill_(0);
  await assertArrayAsync(m, [[1, 2], [3, 4]]);
});

deviceTest("in-place forms write the result into the tensor and its views", async (device) => {
  const x = torch.tensor([-1.5, 0.25, 2.0], { device });
  const view = x.index("1:");
  x.relu_();
  await assertArrayAsync(view, [0.25, 2]);
  x.addcmul_(torch.tensor([2.0, 2.0, 2.0], { device }), torch.tensor([1.0, 4.0, 0.5], { device }), {
    value: 0.5,
  });
  await assertArrayAsync(x, [1, 4.25, 2.5]);
  x.lerp_(torch.tensor([3.0, 4.25, 0.5], { device }), 0.5);
  await assertArrayAsync(x, [2, 4.25, 1.5]);
  x.neg_().exp_().log_();
  await assertArrayAsync(x, [-2, -4.25, -1.5]);
  x.abs_().sqrt_().trunc_();
  await assertArrayAsync(x, [1, 2, 1]);
  x.maskedFill_(torch.tensor([true, false, true], { device }), 9);
  await assertArrayAsync(x, [9, 2, 9]);
});

deviceTest("in-place forms refuse a leaf that requires grad and record history otherwise", async (device) => {
  const w = torch.tensor([1.5, -2.0], { device, requiresGrad: true });
  assertThrowsMsg(() => w.sigmoid_(), /sigmoid_: a leaf Variable that requires grad/);
  const h = w.mul(2);
  h.tanh_();
  assert.equal(h.gradFn?.name, "TanhBackward0");
  h.sum().backward();
  const t3 = Math.tanh(3), t4 = Math.tanh(-4);
  await assertArrayAsync(
    w.grad!.sub(torch.tensor([2 * (1 - t3 * t3), 2 * (1 - t4 * t4)], { device })).abs().lt(1e-6),
    [
      true,
      true,
    ],
  );
  assertThrowsMsg(() => torch.tensor([1, 2], { device }).exp_(), /exp_: result type float32 can't be cast/);
});

deviceTest("diagonal's grad_fn is DiagonalBackward0 and writes only the diagonal", async (device) => {
  const x = torch.ones(2, 3, { device, requiresGrad: true });
  const d = x.diagonal(1);
  assert.equal(d.gradFn?.name, "DiagonalBackward0");
  d.mul(torch.tensor([3, 4], { device })).sum().backward();
  await assertArrayAsync(x.grad!, [[0, 3, 0], [0, 0, 4]]);
});

deviceTest("isclose compares tensors of different dtypes in their promoted dtype", async (device) => {
  // JS cannot write 1.0 apart from 1, so tensor([1.0, 2.0]) is int32.
  const a = torch.tensor([1.0, 2.0], { device }), b = torch.tensor([1.0000001, 2.5], { device });
  await assertArrayAsync(torch.isclose(a, b), [true, false]);
  await assertArrayAsync(torch.isclose(b, a, { atol: 0.6 }), [true, true]);
  assertThrowsMsg(() => torch.isclose(a, b, { rtol: -1 }), /isclose: rtol and atol must be non-negative/);
  assertThrowsMsg(() => torch.isclose(torch.zeros(2, { device }), torch.zeros(3, { device })), /isclose/);
});

deviceTest(
  "where with two numbers: int32 for integers, float32 otherwise (PyTorch's int64/float)",
  async (device) => {
    const c = torch.tensor([true, false], { device });
    const ints = torch.where(c, 1, 0);
    assert.equal(ints.dtype, "int32");
    await assertArrayAsync(ints, [1, 0]);
    const floats = torch.where(c, 1, 0.5);
    assert.equal(floats.dtype, "float32");
    await assertArrayAsync(floats, [1, 0.5]);
  },
);

Deno.test("allclose and equal answer JS booleans", () => {
  const a = torch.tensor([1.5, 2.5]);
  assert.equal(torch.allclose(a, torch.tensor([1.5, 2.500001])), true);
  assert.equal(a.allclose(torch.tensor([1.5, 2.6])), false);
  assert.equal(a.allclose(torch.tensor([1.5, 2.6]), { atol: 0.2 }), true);
  assert.equal(torch.allclose(torch.tensor([NaN]), torch.tensor([NaN])), false);
  assert.equal(torch.allclose(torch.tensor([NaN]), torch.tensor([NaN]), { equalNan: true }), true);
  assert.equal(torch.equal(a, torch.tensor([1.5, 2.5])), true);
  assert.equal(a.equal(torch.tensor([1.5, 2.0])), false);
  assert.equal(a.equal(torch.tensor([[1.5, 2.5]])), false, "another shape is not equal");
  assert.equal(torch.equal(torch.tensor([1, 2]), torch.tensor([1.0, 2.0])), true);
});

deviceTest("allclose and equal on the GPU name the async form", (device) => {
  const a = torch.tensor([1.5], { device });
  assertThrowsMsg(
    () => torch.allclose(a, a),
    /allclose: answers a JS boolean.*isclose\(a, b\)\.all\(\)\.itemAsync/,
  );
  assertThrowsMsg(() => torch.equal(a, a), /equal: answers a JS boolean.*eq\(a, b\)\.all\(\)\.itemAsync/);
}, { devices: ["gpu"] });

Deno.test("rearrangements: bad input gets PyTorch's kind of message", () => {
  const x = torch.zeros(2, 3);
  assertThrowsMsg(() => x.repeat(2), /repeat: number of dimensions of repeat dims \(1\) can not be smaller/);
  assertThrowsMsg(() => x.repeat(2, -1), /repeat/);
  assertThrowsMsg(() => x.roll([1, 2], 0), /roll: shifts and dimensions must align/);
  assertThrowsMsg(() => x.roll([1, 2]), /roll: without dims, shifts must be a single number/);
  assertThrowsMsg(() => x.roll(1.5, 0), /roll: shifts must be integers, got 1.5/);
  assertThrowsMsg(() => x.roll(1, 2), /roll: dimension out of range/);
  assertThrowsMsg(() => x.movedim([0, 1], [1]), /movedim: Invalid source or destination dims/);
  assertThrowsMsg(() => x.movedim([0, 0], [1, 0]), /movedim: repeated dim in `source`/);
  assertThrowsMsg(() => x.diagonal(0, 1, 1), /diagonal: dimensions cannot be identical 1, 1/);
  assertThrowsMsg(() => x.diagonal(0.5), /diagonal: offset must be an integer/);
  assertThrowsMsg(
    () => torch.zeros(2, 2, 2).diag(),
    /diag: expected a 1-d or 2-d tensor, got shape \[2, 2, 2\]/,
  );
  assertThrowsMsg(() => torch.zeros(3).trace(), /trace: expected a matrix, but got tensor with dim 1/);
  assertThrowsMsg(() => torch.tensor([1, 2]).frac(), /frac: expected a floating point tensor, got int32/);
  assertThrowsMsg(
    () => torch.addcdiv(torch.zeros(2), torch.tensor([1, 2]), torch.tensor([3, 4])),
    /addcdiv: integer division with addcdiv is not supported/,
  );
  assertThrowsMsg(() => torch.logicalAnd(x, 1 as unknown as torch.Tensor), /logicalAnd: expected a tensor/);
});

Deno.test("expm1 keeps full relative precision near zero", () => {
  const xs = [1e-12, -3e-9, 1e-6, -0.01, 0.0999];
  const got = torch.tensor(xs).expm1().dataSync();
  xs.forEach((x, i) => {
    const want = Math.expm1(Math.fround(x));
    assert.ok(Math.abs(got[i] - want) <= 2e-7 * Math.abs(want), `expm1(${x}) = ${got[i]}, expected ${want}`);
  });
});

deviceTest(
  "repeatInterleave copies, is an indexSelect, and takes counts as numbers or a CPU tensor",
  async (device) => {
    const x = torch.tensor([[1, 2], [3, 4]], { device, dtype: "float32", requiresGrad: true });
    const y = x.repeatInterleave(torch.tensor([2, 1]), 0);
    assert.equal(String(y.gradFn), "<IndexSelectBackward0>");
    await assertArrayAsync(y, [[1, 2], [1, 2], [3, 4]]);
    y.sum().backward();
    await assertArrayAsync(x.grad!, [[2, 2], [1, 1]]);
    const z = torch.tensor([5, 6], { device }).repeatInterleave(0);
    assert.deepEqual(z.shape, [0]);
    await assertArrayAsync(torch.tensor(7, { device }).repeatInterleave(3), [7, 7, 7]);
    if (device === "gpu") {
      // Counts on the GPU would need a synchronous read: the error names the async read to use.
      assertThrowsMsg(
        () => x.repeatInterleave(torch.tensor([1, 2], { device }), 0),
        /dataSync.*dataAsync/,
      );
    }
  },
);

deviceTest("meshgrid returns expanded views of its inputs", async (device) => {
  const a = torch.tensor([1, 2, 3], { device }), b = torch.tensor([4, 5], { device });
  const [ij0, ij1] = torch.meshgrid([a, b]);
  const [xy0, xy1] = torch.meshgrid([a, b], { indexing: "xy" });
  assert.deepEqual([ij0.shape, ij1.shape, xy0.shape, xy1.shape], [[3, 2], [3, 2], [2, 3], [2, 3]]);
  await assertArrayAsync(xy0, [[1, 2, 3], [1, 2, 3]]);
  await assertArrayAsync(xy1, [[4, 4, 4], [5, 5, 5]]);
  assert.equal(ij0._storage, a._storage, "a view, not a copy");
  const [only] = torch.meshgrid([a]);
  await assertArrayAsync(only, [1, 2, 3]);
});
