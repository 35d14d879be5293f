/**
 * Edge cases per op family, on both devices: in-place ops writing through views and views of views, and
 * result dtypes following PyTorch's promotion (int64 read as int32). Expected behaviour is PyTorch 1.13's;
 * the harness (`suite`, `check`) and the list of library bugs these checks guard are in
 * tests/ops_edge_setup.ts.
 */
import * as torch from "../mod.ts";
import type { Tensor } from "../mod.ts";
import { assert, assertArrayAsync, assertCloseAsync } from "./helpers.ts";
import { arange, check, f32, i32, ones, suite, tensor, zeros } from "./ops_edge_setup.ts";

// ---------------------------------------------------------------------------------------------
// in-place through views

suite("in-place ops write through views and views of views", () => {
  check("x.index(0).zero_() changes x", async () => {
    const x = ones(3, 4);
    x.index(0).zero_();
    await assertCloseAsync(x, [[0, 0, 0, 0], [1, 1, 1, 1], [1, 1, 1, 1]]);
  });
  check("a column: x.index(':', 1).fill_(5)", async () => {
    const x = zeros(2, 3);
    x.index(":", 1).fill_(5);
    await assertCloseAsync(x, [[0, 5, 0], [0, 5, 0]]);
  });
  check("through a transpose: x.T.index(2).add_(1)", async () => {
    const x = zeros(2, 3);
    x.T.index(2).add_(1);
    await assertCloseAsync(x, [[0, 0, 1], [0, 0, 1]]);
  });
  check("view of a view of a view", async () => {
    const x = arange(12).float();
    x.view(3, 4).index("1:").index(":", "::2").mul_(-1);
    await assertCloseAsync(x, [0, 1, 2, 3, -4, 5, -6, 7, -8, 9, -10, 11]);
  });
  check("narrow(...).copy_(src)", async () => {
    const x = zeros(2, 4);
    x.narrow(1, 1, 2).copy_(f32([7, 8]));
    await assertCloseAsync(x, [[0, 7, 8, 0], [0, 7, 8, 0]]);
  });
  check("unsqueeze and permute views", async () => {
    const x = zeros(2, 3);
    x.unsqueeze(0).permute(2, 1, 0).index(1).fill_(3);
    await assertCloseAsync(x, [[0, 3, 0], [0, 3, 0]]);
  });
  check("split and unbind pieces are views", async () => {
    const x = ones(4, 2);
    x.split(2)[1].zero_();
    x.unbind(1)[0].mul_(5);
    await assertCloseAsync(x, [[5, 1], [5, 1], [0, 0], [0, 0]]);
  });
  check("reshape of a contiguous tensor is a view; of a transposed one a copy", async () => {
    const x = zeros(2, 3);
    x.reshape(6).index(0).fill_(1);
    await assertCloseAsync(x, [[1, 0, 0], [0, 0, 0]]);
    x.T.reshape(6).fill_(9);
    await assertCloseAsync(x, [[1, 0, 0], [0, 0, 0]]);
  });
  check("clone and contiguous of a transposed tensor are copies", async () => {
    const x = zeros(2, 2);
    x.clone().fill_(1);
    x.T.contiguous().fill_(1);
    await assertCloseAsync(x, [[0, 0], [0, 0]]);
    const c = x.contiguous();
    c.fill_(2);
    await assertCloseAsync(x, [[2, 2], [2, 2]], {
      msg: "contiguous() of a contiguous tensor is the tensor itself",
    });
  });
  check("in-place sees other views of the same storage", async () => {
    const x = zeros(3);
    const v = x.index("1:");
    x.add_(f32([1, 2, 3]));
    await assertCloseAsync(v, [2, 3]);
    v.sub_(1);
    await assertCloseAsync(x, [1, 1, 2]);
  });
  check("clamp_ and div_ on a stepped view", async () => {
    const x = f32([-3, -2, -1, 0, 1, 2]);
    x.index("::2").clamp_(-1, 0.5);
    x.index("1::2").div_(2);
    await assertCloseAsync(x, [-1, -1, -1, 0, 0.5, 1]);
  });
  check("copy_ from an overlapping view", async () => {
    const x = f32([1, 2, 3, 4]);
    x.index("1:").copy_(x.index(":3"));
    await assertCloseAsync(x, [1, 1, 2, 3]);
  });
  check("in-place on a view inside noGrad on a leaf requiring grad", async () => {
    const w = ones(3, { requiresGrad: true });
    torch.noGrad(() => w.index(0).fill_(7));
    await assertCloseAsync(w, [7, 1, 1]);
  });
  check("BUG B14: autograd through an in-place op on a view of a non-leaf (PyTorch: [6, 2, 2])", async () => {
    const x = f32([1, 2, 3]).requiresGrad_(true);
    const y = x.mul(2);
    y.index(0).mul_(3);
    await assertCloseAsync(y, [6, 4, 6]);
    y.sum().backward();
    await assertCloseAsync(x.grad!, [6, 2, 2]);
  });
  check("autograd through an in-place op on a non-leaf", async () => {
    const x = f32([1, 2, 3]).requiresGrad_(true);
    const y = x.mul(2);
    y.mul_(y);
    y.sum().backward();
    await assertCloseAsync(x.grad!, [8, 16, 24]);
  });
});

// ---------------------------------------------------------------------------------------------
// dtypes

suite("result dtypes follow PyTorch's promotion (int64 read as int32)", () => {
  const i = i32([1, 2, 3]), f = f32([1, 2, 3]), b = tensor([true, false, true]);
  const u = tensor([1, 2, 3], { dtype: "uint8" }), h = tensor([1, 2, 3], { dtype: "float16" });
  const cases: [string, () => Tensor, string][] = [
    ["int + int", () => i.add(i), "int32"],
    ["int + float", () => i.add(f), "float32"],
    ["int + 2", () => i.add(2), "int32"],
    ["int + 2.5", () => i.add(2.5), "float32"],
    ["int / int", () => i.div(i), "float32"],
    ["int / 2", () => i.div(2), "float32"],
    ["int * 0-d float", () => i.mul(f32(2)), "float32"],
    ["float * 0-d int", () => f.mul(i32(2)), "float32"],
    ["uint8 + int", () => u.add(i), "int32"],
    ["uint8 + 0-d int", () => u.add(i32(1)), "uint8"],
    ["uint8 + 1", () => u.add(1), "uint8"],
    ["bool + bool", () => b.add(b), "bool"],
    ["bool + int", () => b.add(i), "int32"],
    ["bool + 1", () => b.add(1), "int32"],
    ["bool * 1.5", () => b.mul(1.5), "float32"],
    ["float16 + float16", () => h.add(h), "float16"],
    ["float16 + float32", () => h.add(f), "float32"],
    ["float16 + 0-d float32", () => h.add(f32(1)), "float16"],
    ["float16 + int", () => h.add(i), "float16"],
    ["int ** 2", () => i.pow(2), "int32"],
    ["int ** 0.5", () => i.pow(0.5), "float32"],
    ["2 ** int", () => torch.pow(2, i), "int32"],
    ["int < 1.5", () => i.lt(1.5), "bool"],
    ["float == int", () => f.eq(i), "bool"],
    ["maximum(int, float)", () => i.maximum(f), "float32"],
    ["exp(int)", () => i.exp(), "float32"],
    ["sqrt(int)", () => i.sqrt(), "float32"],
    ["abs(int)", () => i.neg().abs(), "int32"],
    ["neg(int)", () => i.neg(), "int32"],
    ["sign(int)", () => i.sign(), "int32"],
    ["relu(int)", () => i.relu(), "int32"],
    ["floor(int)", () => i.floor(), "int32"],
    ["round(float16)", () => h.round(), "float16"],
    ["clamp(int, 0, 2)", () => i.clamp(0, 2), "int32"],
    ["clamp(int, 1.5)", () => i.clamp(1.5), "float32"],
    ["where(c, int, float)", () => torch.where(b, i, f), "float32"],
    ["where(c, int, 0)", () => torch.where(b, i, 0), "int32"],
    ["where(c, int, 0.5)", () => torch.where(b, i, 0.5), "float32"],
    ["where(c, 1.5, 0.5)", () => torch.where(b, 1.5, 0.5), "float32"],
    ["maskedFill(int)", () => i.maskedFill(b, 7), "int32"],
    ["sum(int)", () => i.sum(), "int32"],
    ["sum(bool)", () => b.sum(), "int32"],
    ["sum(uint8)", () => u.sum(), "int32"],
    ["sum(float16)", () => h.sum(), "float16"],
    ["prod(bool)", () => b.prod(), "int32"],
    ["cumsum(bool)", () => b.cumsum(0), "int32"],
    ["cumsum(uint8)", () => u.cumsum(0), "int32"],
    ["amax(int)", () => i.amax(), "int32"],
    ["amax(uint8)", () => u.amax(), "uint8"],
    ["argmax", () => f.argmax(), "int32"],
    ["max(dim).indices", () => f.max(0).indices, "int32"],
    ["max(dim).values of int", () => i.max(0).values, "int32"],
    ["mean(float16)", () => h.mean(), "float16"],
    ["all(float)", () => f.all(), "bool"],
    ["any(int)", () => i.any(), "bool"],
    ["all(uint8) (BUG B8: PyTorch keeps uint8)", () => u.all(), "uint8"],
    ["softmax(float16)", () => h.softmax(0), "float16"],
    ["logsumexp(int)", () => i.logsumexp(0), "float32"],
    ["matmul(int, int)", () => i.view(1, 3).matmul(i.view(3, 1)), "int32"],
    ["matmul(int, float)", () => i.view(1, 3).matmul(f.view(3, 1)), "float32"],
    ["dot(int, int)", () => i.dot(i), "int32"],
    ["outer(int, float)", () => i.outer(f), "float32"],
    ["cat(int, float)", () => torch.cat([i, f]), "float32"],
    ["cat(uint8, int)", () => torch.cat([u, i]), "int32"],
    ["stack(bool)", () => torch.stack([b, b]), "bool"],
    ["oneHot", () => torch.oneHot(i, 4), "int32"],
    ["gather(int)", () => i.gather(0, i32([0])), "int32"],
    ["indexSelect(float16)", () => h.indexSelect(0, i32([0])), "float16"],
    ["tril(int)", () => i.view(1, 3).tril(), "int32"],
    ["flip(bool)", () => b.flip(0), "bool"],
    ["view(uint8)", () => u.view(3, 1), "uint8"],
    ["to int", () => f.to("int32"), "int32"],
    ["bool()", () => f.bool(), "bool"],
    ["half()", () => f.half(), "float16"],
  ];
  for (const [name, fn, dtype] of cases) {
    check(name, () => assert.equal(fn().dtype, dtype));
  }
  check(
    "values: int / 2 is true division",
    async () => await assertCloseAsync(i32([-7, 7, 1]).div(2), [-3.5, 3.5, 0.5]),
  );
  check(
    "values: uint8 wraps around",
    async () => await assertArrayAsync(tensor([250, 10], { dtype: "uint8" }).add(10), [4, 20]),
  );
  check(
    "values: float -> int truncates toward zero",
    async () => await assertArrayAsync(f32([-2.7, 2.7]).int(), [-2, 2]),
  );
  check(
    "values: bool + bool is logical or",
    async () => await assertArrayAsync(b.add(tensor([false, true, true])), [true, true, true]),
  );
  check(
    "values: where with two numbers",
    async () => await assertCloseAsync(torch.where(b, 1.5, 0.5), [1.5, 0.5, 1.5]),
  );
  check("values: sum(bool) counts", async () => assert.equal(await b.sum().itemAsync(), 2));
});
