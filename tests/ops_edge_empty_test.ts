/**
 * Edge cases per op family, on both devices: empty tensors through every op family, and 0-d tensors.
 * Expected behaviour is PyTorch 1.13's; the harness (`suite`, `check`) and the list of library bugs these
 * checks guard are in tests/ops_edge_setup.ts.
 */
import * as torch from "../mod.ts";
import type { Tensor } from "../mod.ts";
import { assert, assertArrayAsync, assertCloseAsync } from "./helpers.ts";
import { check, f32, i32, ones, shape, suite, tensor, zeros } from "./ops_edge_setup.ts";

// ---------------------------------------------------------------------------------------------
// empty tensors

suite("empty tensors through every op family", () => {
  const e = zeros(0, 3);
  const eg = () => zeros(0, 3, { requiresGrad: true });
  check("unary", () => {
    for (const y of [e.exp(), e.neg(), e.abs(), e.sigmoid(), e.relu(), e.round(), e.clamp(0, 1)]) {
      assert.deepEqual(shape(y), [0, 3]);
      assert.equal(y.dtype, "float32");
    }
  });
  check("binary broadcast", () => {
    assert.deepEqual(shape(e.add(ones(3))), [0, 3]);
    assert.deepEqual(shape(e.mul(2)), [0, 3]);
    assert.deepEqual(shape(zeros(0, 1).add(ones(1, 4))), [0, 4]);
    assert.deepEqual(shape(ones(2, 1).add(zeros(0))), [2, 0]);
    const c = e.lt(1);
    assert.deepEqual([shape(c), c.dtype], [[0, 3], "bool"]);
    assert.deepEqual(shape(torch.where(e.gt(0), e, 1)), [0, 3]);
  });
  const shapes: [string, () => Tensor, number[]][] = [
    ["sum(1)", () => e.sum(1), [0]],
    ["amax(1)", () => e.amax(1), [0]],
    ["max(1).values", () => e.max(1).values, [0]],
    ["argmax(1)", () => e.argmax(1), [0]],
    ["softmax(0)", () => e.softmax(0), [0, 3]],
    ["logSoftmax(1)", () => e.logSoftmax(1), [0, 3]],
    ["cumsum(0)", () => e.cumsum(0), [0, 3]],
    ["T", () => e.T, [3, 0]],
    ["view(3, 0)", () => e.view(3, 0), [3, 0]],
    ["reshape(-1)", () => e.reshape(-1), [0]],
    ["unsqueeze(1)", () => e.unsqueeze(1), [0, 1, 3]],
    ["permute(1, 0)", () => e.permute(1, 0), [3, 0]],
    ["expand(4, 0)", () => zeros(1, 0).expand(4, 0), [4, 0]],
    ['index("1:1")', () => ones(4, 3).index("1:1"), [0, 3]],
    ["narrow(1, 3, 0)", () => ones(4, 3).narrow(1, 3, 0), [4, 0]],
    ["flatten()", () => e.flatten(), [0]],
    ["clone()", () => e.clone(), [0, 3]],
    ["T.contiguous()", () => e.T.contiguous(), [3, 0]],
    ["flip(0) (BUG B11: gives [-0, 3])", () => e.flip(0), [0, 3]],
    ["tril()", () => e.tril(), [0, 3]],
    ["gather with an empty index", () => ones(3, 4).gather(1, zeros(3, 0, { dtype: "int32" })), [
      3,
      0,
    ]],
    [
      "indexSelect with an empty index",
      () => ones(3, 4).indexSelect(0, zeros(0, { dtype: "int32" })),
      [
        0,
        4,
      ],
    ],
    ["cat with an empty part", () => torch.cat([ones(3, 4), zeros(0, 4)]), [3, 4]],
    ["cat of empties", () => torch.cat([zeros(0, 4), zeros(0, 4)]), [0, 4]],
    ["stack of empties", () => torch.stack([zeros(0), zeros(0)]), [2, 0]],
    ["oneHot of empty", () => torch.oneHot(zeros(0, { dtype: "int32" }), 3), [0, 3]],
    ["matmul [0,3] @ [3,2]", () => zeros(0, 3).matmul(ones(3, 2)), [0, 2]],
    ["outer with empty", () => ones(3).outer(zeros(0)), [3, 0]],
    ["bmm with empty rows", () => zeros(2, 0, 3).bmm(ones(2, 3, 4)), [2, 0, 4]],
  ];
  for (const [label, fn, want] of shapes) {
    check(`shape of ${label}`, () => assert.deepEqual(shape(fn()), want));
  }
  const values: [string, () => Tensor, number | number[] | number[][]][] = [
    ["sum(0)", () => e.sum(0), [0, 0, 0]],
    ["sum()", () => e.sum(), 0],
    ["mean()", () => e.mean(), NaN],
    ["mean(0)", () => e.mean(0), [NaN, NaN, NaN]],
    ["prod(0)", () => e.prod(0), [1, 1, 1]],
    ["var(0)", () => e.var(0), [NaN, NaN, NaN]],
    ["norm()", () => e.norm(), 0],
    ["logsumexp(0) is -inf (BUG B12)", () => e.logsumexp(0), [-Infinity, -Infinity, -Infinity]],
    [
      "scatterAdd with an empty index",
      () => ones(3).scatterAdd(0, zeros(0, { dtype: "int32" }), zeros(0)),
      [1, 1, 1],
    ],
    ["matmul [2,0] @ [0,3] is zeros", () => ones(2, 0).matmul(ones(0, 3)), [[0, 0, 0], [
      0,
      0,
      0,
    ]]],
    ["dot of empties", () => zeros(0).dot(zeros(0)), 0],
  ];
  for (const [label, fn, want] of values) {
    check(`value of ${label}`, async () => await assertCloseAsync(fn(), want));
  }
  check("unbind(0) of [0, 3] gives no tensors", () => assert.equal(e.unbind(0).length, 0));
  check(
    "split of [0] gives one empty piece",
    () => assert.deepEqual(zeros(0).split(2).map(shape), [[0]]),
  );
  const eb = zeros(0).bool();
  check("BUG B7: all() of empty is true", async () => assert.equal(await eb.all().itemAsync(), true));
  check("BUG B7: any() of empty is false", async () => assert.equal(await eb.any().itemAsync(), false));
  check("BUG B7: all(0) of [0, 3]", async () => await assertArrayAsync(e.bool().all(0), [true, true, true]));
  check(
    "BUG B7: any(0) of [0, 3]",
    async () => await assertArrayAsync(e.bool().any(0), [false, false, false]),
  );
  check("BUG B1: autograd through empty: exp", () => {
    const x = eg();
    const y = x.exp();
    assert.equal(y.requiresGrad, true, "exp of an empty tensor requiring grad must require grad");
    y.sum().backward();
    assert.deepEqual(shape(x.grad!), [0, 3]);
  });
  check("BUG B1: autograd through empty: mul by a weight", async () => {
    const x = eg();
    const w = ones(3, { requiresGrad: true });
    x.mul(w).sum().backward();
    await assertCloseAsync(w.grad!, [0, 0, 0]);
  });
  check("autograd through empty: matmul", async () => {
    const x = eg();
    const w = ones(3, 2, { requiresGrad: true });
    x.matmul(w).sum().backward();
    await assertCloseAsync(w.grad!, [[0, 0], [0, 0], [0, 0]]);
  });
  check("BUG B1: autograd through empty: softmax", () => {
    const x = eg();
    x.softmax(1).sum().backward();
    assert.deepEqual(shape(x.grad!), [0, 3]);
  });
});

// ---------------------------------------------------------------------------------------------
// 0-d tensors

suite("0-d tensors", () => {
  const z = f32(2.5);
  check("creation and item", async () => {
    assert.deepEqual(shape(z), []);
    assert.equal(z.ndim, 0);
    assert.equal(z.numel(), 1);
    assert.equal(await z.itemAsync(), 2.5);
    assert.equal(await z.toArrayAsync(), 2.5);
  });
  check("elementwise", async () => {
    const y = z.mul(f32(2));
    assert.deepEqual(shape(y), []);
    assert.equal(await y.itemAsync(), 5);
    assert.deepEqual(shape(z.exp()), []);
    assert.deepEqual(shape(z.add(ones(3))), [3]);
    assert.equal(await z.gt(1).itemAsync(), true);
  });
  check("reductions", async () => {
    assert.equal(await z.sum().itemAsync(), 2.5);
    assert.equal(await z.sum(0).itemAsync(), 2.5);
    assert.deepEqual(shape(z.sum(-1, { keepdim: true })), []);
    assert.equal(await z.mean(0).itemAsync(), 2.5);
    assert.equal(await z.amax(0).itemAsync(), 2.5);
    assert.equal(await z.prod().itemAsync(), 2.5);
    assert.equal(await z.argmax().itemAsync(), 0);
    assert.equal(await z.argmax(0).itemAsync(), 0);
    const m = z.max(0);
    assert.deepEqual([
      shape(m.values),
      await m.values.itemAsync(),
      shape(m.indices),
      await m.indices.itemAsync(),
    ], [
      [],
      2.5,
      [],
      0,
    ]);
    assert.equal(await z.softmax(0).itemAsync(), 1);
    assert.equal(await z.logSoftmax(0).itemAsync(), 0);
    assert.equal(await z.logsumexp(0).itemAsync(), 2.5);
    assert.equal(await z.cumsum(0).itemAsync(), 2.5);
    assert.deepEqual(shape(z.cumsum(0)), []);
    await assertCloseAsync(z.var({ correction: 0 }), 0);
    assert.equal(await z.norm().itemAsync(), 2.5);
  });
  check("movement", async () => {
    assert.deepEqual(shape(z.unsqueeze(0)), [1]);
    assert.deepEqual(shape(z.unsqueeze(-1)), [1]);
    assert.deepEqual(shape(z.view(1)), [1]);
    assert.deepEqual(shape(z.view(1, 1)), [1, 1]);
    assert.deepEqual(shape(z.reshape(-1)), [1]);
    assert.deepEqual(shape(ones(1, 1).view([])), []);
    assert.deepEqual(shape(ones(1, 1).squeeze()), []);
    await assertArrayAsync(z.expand(3), [2.5, 2.5, 2.5]);
    assert.deepEqual(shape(z.T), []);
    assert.deepEqual(shape(z.flatten()), [1]);
    assert.deepEqual(shape(z.index("...")), []);
    assert.deepEqual(shape(z.index(null)), [1]);
    assert.deepEqual(shape(ones(3).index(1)), []);
    assert.deepEqual(shape(z.clone()), []);
  });
  check("BUG B6: flip of 0-d", async () => assert.equal(await z.flip(0).itemAsync(), 2.5));
  check("joining", async () => {
    await assertArrayAsync(torch.stack([z, f32(1)]), [2.5, 1]);
    assert.deepEqual(shape(torch.where(tensor(true), z, f32(0))), []);
    await assertArrayAsync(torch.oneHot(i32(1), 3), [0, 1, 0]);
  });
  check("BUG B5: autograd: max(0) of 0-d", async () => {
    const x = f32(2.5).requiresGrad_(true);
    x.max(0).values.backward();
    await assertCloseAsync(x.grad!, 1);
  });
  check("BUG B6: autograd: cumsum of 0-d", async () => {
    const x = f32(2.5).requiresGrad_(true);
    x.cumsum(0).backward();
    await assertCloseAsync(x.grad!, 1);
  });
  check("autograd: expand, softmax and sum of 0-d", async () => {
    const x = f32(0.5).requiresGrad_(true);
    x.expand(3).mul(f32([1, 2, 3])).sum().add(x.softmax(0)).backward();
    await assertCloseAsync(x.grad!, 6);
  });
});
