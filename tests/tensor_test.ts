/** Creation, properties, dtypes and conversion, reading and printing through Tensor. */
import * as torch from "../mod.ts";
import { assert, assertClose, assertThrowsMsg } from "./helpers.ts";

Deno.test("tensor(): nested arrays of any depth, 0-d, typed arrays, inferred dtypes", () => {
  assert.deepEqual(torch.tensor([[[1], [2]], [[3], [4]]]).shape, [2, 2, 1]);
  const s = torch.tensor(3.5);
  assert.deepEqual(s.shape, []);
  assert.equal(s.item(), 3.5);
  assert.equal(torch.tensor([1.5, 2]).dtype, "float32");
  assert.equal(torch.tensor([1, 2]).dtype, "int32");
  assert.equal(torch.tensor([true, false]).dtype, "bool");
  assert.deepEqual(torch.tensor([true, false]).toArray(), [true, false]);
  assert.equal(torch.tensor(new Float32Array([1, 2])).dtype, "float32");
  assert.equal(torch.tensor(new Uint8Array([1, 2])).dtype, "uint8");
  assert.equal(torch.tensor([]).dtype, "float32");
  assert.deepEqual(torch.tensor([]).shape, [0]);
  assert.equal(torch.tensor([1, 2], { dtype: "float16" }).dtype, "float16");
});

Deno.test("tensor(): ragged and non-numeric input is rejected with a clear message", () => {
  assertThrowsMsg(() => torch.tensor([[1, 2], [3]]), /expected sequence of length 2 at dim 1 \(got 1/);
  assertThrowsMsg(() => torch.tensor([1, "a" as unknown as number]), /expected a number or boolean at \[1\]/);
  assertThrowsMsg(() => torch.tensor([1, 2], { dtype: "int64" as never }), /unknown dtype "int64"/);
  assertThrowsMsg(() => torch.tensor([NaN], { dtype: "int32" }), /cannot be converted to int32/);
});

Deno.test("creation functions: shapes as varargs or arrays, dtypes, values", () => {
  assert.deepEqual(torch.zeros(2, 3).shape, [2, 3]);
  assert.deepEqual(torch.zeros([2, 3]).shape, [2, 3]);
  assert.deepEqual(torch.ones(2, { dtype: "int32" }).toArray(), [1, 1]);
  assert.deepEqual(torch.full([2], 7).toArray(), [7, 7]);
  assert.equal(torch.full([2], 7).dtype, "int32");
  assert.equal(torch.full([2], 0.5).dtype, "float32");
  assert.deepEqual(torch.arange(4).toArray(), [0, 1, 2, 3]);
  assert.deepEqual(torch.arange(2, 8, 3).toArray(), [2, 5]);
  assert.deepEqual(torch.arange(0, 1, 0.25).toArray(), [0, 0.25, 0.5, 0.75]);
  assert.equal(torch.arange(0, 1, 0.25).dtype, "float32");
  assertClose(torch.linspace(-1, 1, 5), [-1, -0.5, 0, 0.5, 1]);
  assert.deepEqual(torch.eye(2, 3).toArray(), [[1, 0, 0], [0, 1, 0]]);
  assert.deepEqual(torch.zerosLike(torch.ones(2, { dtype: "int32" })).toArray(), [0, 0]);
  assert.equal(torch.onesLike(torch.ones(2, { dtype: "int32" })).dtype, "int32");
  assertThrowsMsg(() => torch.zeros(-1), /non-negative integers/);
  assertThrowsMsg(() => torch.arange(0, 5, 0), /step must be nonzero/);
});

Deno.test("random functions are reproducible under manualSeed and have sane statistics", () => {
  torch.manualSeed(314);
  const a = torch.rand(1000);
  const n = torch.randn(4000);
  const i = torch.randint(3, 7, [500]);
  torch.manualSeed(314);
  assert.deepEqual(torch.rand(1000).toArray(), a.toArray());
  assert.deepEqual(torch.randn(4000).toArray(), n.toArray());
  assert.deepEqual(torch.randint(3, 7, [500]).toArray(), i.toArray());
  const u = a.data();
  assert.ok(u.every((v) => v >= 0 && v < 1));
  assertClose(a.mean(), 0.5, { atol: 0.05 });
  assertClose(n.mean(), 0, { atol: 0.08 });
  assertClose(n.std(), 1, { atol: 0.08 });
  const ints = i.data();
  assert.ok(ints.every((v) => v >= 3 && v < 7));
  assert.equal(new Set(ints).size, 4);
  const perm = Array.from(torch.randperm(10).data()).sort((x, y) => x - y);
  assert.deepEqual(perm, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const g = new torch.Generator(1);
  const r1 = torch.rand(3, { generator: g }).toArray();
  g.manualSeed(1);
  assert.deepEqual(torch.rand(3, { generator: g }).toArray(), r1);
});

Deno.test("properties: shape, size, ndim, numel, device, isContiguous, stride", () => {
  const x = torch.zeros(2, 3, 4);
  assert.deepEqual(x.size(), [2, 3, 4]);
  assert.equal(x.size(-1), 4);
  assert.equal(x.ndim, 3);
  assert.equal(x.numel(), 24);
  assert.equal(x.device, "cpu");
  assert.equal(x.isContiguous(), true);
  assert.equal(x.transpose(0, 2).isContiguous(), false);
  assert.deepEqual(x.stride(), [12, 4, 1]);
  assertThrowsMsg(
    () => x.size(3),
    /dimension out of range \(expected to be in range of \[-3, 2\], but got 3\)/,
  );
});

Deno.test("dtype conversion: to, float, int, bool, half, with PyTorch semantics", () => {
  const f = torch.tensor([1.7, -1.7, 0, 300.5]);
  assert.deepEqual(f.int().toArray(), [1, -1, 0, 300]);
  assert.deepEqual(f.bool().toArray(), [true, true, false, true]);
  assert.deepEqual(torch.tensor([1, 2]).float().toArray(), [1, 2]);
  assert.deepEqual(torch.tensor([300, -1]).to("uint8").toArray(), [44, 255]);
  assert.deepEqual(torch.tensor([0.1, 65504, 1e6, 1e-8]).half().toArray(), [
    0.0999755859375,
    65504,
    Infinity,
    0,
  ]);
  assert.deepEqual(torch.tensor([0.1]).to({ dtype: "float16" }).float().toArray(), [0.0999755859375]);
  const h = torch.tensor([1.5, 2.5], { dtype: "float16" });
  assert.equal(h.add(h).dtype, "float16");
  assert.deepEqual(h.add(h).toArray(), [3, 5]);
});

Deno.test("type promotion follows PyTorch, including JS numbers and 0-d tensors", () => {
  const i = torch.tensor([1, 2]), f = torch.tensor([1.5, 2.5]), b = torch.tensor([true, false]);
  assert.equal(i.add(f).dtype, "float32");
  assert.equal(i.add(1).dtype, "int32");
  assert.equal(i.add(0.5).dtype, "float32");
  assert.equal(i.div(2).dtype, "float32");
  assert.deepEqual(i.div(2).toArray(), [0.5, 1]);
  assert.equal(b.add(b).dtype, "bool");
  assert.equal(b.add(1).dtype, "int32");
  assert.equal(i.eq(1).dtype, "bool");
  const h = torch.tensor([1, 2], { dtype: "float16" });
  assert.equal(h.add(torch.tensor(1.5)).dtype, "float16", "0-d float32 does not widen a float16 tensor");
  assert.equal(h.add(torch.tensor([1.5])).dtype, "float32");
  assert.equal(i.add(torch.tensor(1.5)).dtype, "float32", "0-d float raises an int tensor's category");
});

Deno.test("reading: item, toArray, data, async forms", async () => {
  const t = torch.tensor([[1, 2], [3, 4]]);
  assert.deepEqual(t.toArray(), [[1, 2], [3, 4]]);
  assert.ok(t.data() instanceof Int32Array);
  assert.deepEqual(Array.from(t.T.data()), [1, 3, 2, 4]);
  assert.deepEqual(await t.toArrayAsync(), [[1, 2], [3, 4]]);
  assert.equal(await t.index(1, 1).itemAsync(), 4);
  assert.deepEqual(Array.from(await t.dataAsync()), [1, 2, 3, 4]);
  assertThrowsMsg(() => t.item(), /a Tensor with 4 elements cannot be converted to Scalar/);
  const d = t.data();
  d[0] = 100;
  assert.equal(t.index(0, 0).item(), 1, "data() is a copy");
});

Deno.test("printing matches PyTorch through String() and console.log", () => {
  assert.equal(String(torch.tensor([3.14, 1.59])), "tensor([3.1400, 1.5900])");
  assert.equal(
    String(torch.tensor([[1, 2], [3, 4]], { dtype: "float32" })),
    "tensor([[1., 2.],\n        [3., 4.]])",
  );
  assert.equal(String(torch.tensor([[1, 2], [3, 4]])), "tensor([[1, 2],\n        [3, 4]])");
  assert.equal(String(torch.tensor([1e-5, 1e5])), "tensor([1.0000e-05, 1.0000e+05])");
  assert.equal(String(torch.tensor([1, 2], { requiresGrad: true })), "tensor([1., 2.], requires_grad=True)");
  assert.equal(Deno.inspect(torch.tensor([true])), "tensor([True])");
  assert.equal(String(torch.tensor(2.5).mul(2)), "tensor(5.)");
  assert.equal(String(torch.tensor([[1, 2], [3, 4]]).T), "tensor([[1, 3],\n        [2, 4]])");
});
