/**
 * Edge cases per op family, on both devices: bad input and its messages (shapes that do not broadcast,
 * dims out of range, the matmul family, view/reshape/index,
 * gather/indexSelect/scatterAdd/where/cat/stack/oneHot, dtypes, empty reductions, in-place). Expected
 * behaviour is PyTorch 1.13's; the harness (`suite`, `check`) and the list of library bugs these checks
 * guard are in tests/ops_edge_setup.ts.
 */
import * as torch from "../mod.ts";
import { assert, assertCloseAsync, assertRejectsMsg, assertThrowsMsg } from "./helpers.ts";
import { check, cpuOnlyCheck, dev, f32, i32, ones, rand, suite, zeros } from "./ops_edge_setup.ts";

// ---------------------------------------------------------------------------------------------
// bad input

suite("errors: shapes that do not broadcast name both shapes", () => {
  const a = ones(2, 3), b = ones(4);
  const both = /\[2, 3\][^]*\[4\]|\[4\][^]*\[2, 3\]/;
  check("add", () => assertThrowsMsg(() => a.add(b), both));
  check("mul (function form)", () => assertThrowsMsg(() => torch.mul(a, b), both));
  check("div", () => assertThrowsMsg(() => a.div(b), both));
  check("pow", () => assertThrowsMsg(() => a.pow(b), both));
  check("maximum", () => assertThrowsMsg(() => a.maximum(b), both));
  check("eq", () => assertThrowsMsg(() => a.eq(b), both));
  check("lt", () => assertThrowsMsg(() => a.lt(b), both));
  check("where", () => assertThrowsMsg(() => torch.where(ones(2, 3).bool(), a, b), both));
  check(
    "3-d",
    () => assertThrowsMsg(() => ones(2, 3, 4).add(ones(3, 3)), /\[2, 3, 4\][^]*\[3, 3\]/),
  );
  check("maskedFill mask", () => assertThrowsMsg(() => a.maskedFill(ones(4).bool(), 0), /\[4\]/));
  check("expand", () => assertThrowsMsg(() => ones(3).expand(2, 4), /3[^]*4|4[^]*3/));
  check(
    "add_ result shape",
    () => assertThrowsMsg(() => ones(2, 3).add_(ones(3, 3)), /\[2, 3\]|\[3, 3\]/),
  );
  check("copy_", () => assertThrowsMsg(() => ones(2, 3).copy_(ones(4)), /\[4\][^]*\[2, 3\]/));
});

suite("errors: dim out of range", () => {
  const x = ones(2, 3);
  const oor = /dimension out of range \(expected to be in range of \[-2, 1\], but got/;
  check("sum(2)", () => assertThrowsMsg(() => x.sum(2), oor));
  check("sum([0, -3])", () => assertThrowsMsg(() => x.sum([0, -3]), oor));
  check("mean(2)", () => assertThrowsMsg(() => x.mean(2), oor));
  check("amax(5)", () => assertThrowsMsg(() => x.amax(5), oor));
  check("max(2)", () => assertThrowsMsg(() => x.max(2), oor));
  check("argmax(-3)", () => assertThrowsMsg(() => x.argmax(-3), oor));
  check("var(2)", () => assertThrowsMsg(() => x.var(2), oor));
  check("logsumexp(2)", () => assertThrowsMsg(() => x.logsumexp(2), oor));
  check("softmax(2)", () => assertThrowsMsg(() => x.softmax(2), oor));
  check("logSoftmax(-3)", () => assertThrowsMsg(() => x.logSoftmax(-3), oor));
  check("cumsum(2)", () => assertThrowsMsg(() => x.cumsum(2), oor));
  check("prod(2)", () => assertThrowsMsg(() => x.prod(2), oor));
  check("all(2)", () => assertThrowsMsg(() => x.bool().all(2), oor));
  check("norm dim 2", () => assertThrowsMsg(() => x.norm(2, 2), oor));
  check("transpose(0, 2)", () => assertThrowsMsg(() => x.transpose(0, 2), oor));
  check("squeeze(2)", () => assertThrowsMsg(() => x.squeeze(2), oor));
  check(
    "unsqueeze(3)",
    () => assertThrowsMsg(() => x.unsqueeze(3), /expected to be in range of \[-3, 2\]/),
  );
  check("narrow(2, ...)", () => assertThrowsMsg(() => x.narrow(2, 0, 1), oor));
  check("flatten(0, 2)", () => assertThrowsMsg(() => x.flatten(0, 2), oor));
  check("split(1, 2)", () => assertThrowsMsg(() => x.split(1, 2), oor));
  check("unbind(2)", () => assertThrowsMsg(() => x.unbind(2), oor));
  check("flip(2)", () => assertThrowsMsg(() => x.flip(2), oor));
  check("gather dim 2", () => assertThrowsMsg(() => x.gather(2, i32([[0]])), oor));
  check("indexSelect dim 2", () => assertThrowsMsg(() => x.indexSelect(2, i32([0])), oor));
  check("cat dim 2", () => assertThrowsMsg(() => torch.cat([x, x], 2), oor));
  check(
    "stack dim 3",
    () => assertThrowsMsg(() => torch.stack([x, x], 3), /expected to be in range of \[-3, 2\]/),
  );
  check("permute repeated", () => assertThrowsMsg(() => x.permute(0, 0), /repeated dim/));
  check("permute count", () => assertThrowsMsg(() => x.permute(0), /number of dims don't match/));
  check("0-d sum(1)", () => assertThrowsMsg(() => f32(2.5).sum(1), /\[-1, 0\], but got 1/));
});

suite("errors: matmul family", () => {
  check("matmul [2,3] @ [4,5]", () =>
    assertThrowsMsg(
      () => ones(2, 3).matmul(ones(4, 5)),
      /^matmul: cannot multiply shapes \[2, 3\] and \[4, 5\]/,
    ));
  check(
    "matmul 1-d @ 2-d",
    () => assertThrowsMsg(() => ones(3).matmul(ones(4, 5)), /cannot multiply/),
  );
  check(
    "matmul batched inner",
    () => assertThrowsMsg(() => ones(2, 2, 3).matmul(ones(2, 4, 5)), /\[2, 2, 3\][^]*\[2, 4, 5\]/),
  );
  check(
    "matmul batch dims",
    () => assertThrowsMsg(() => ones(2, 2, 3).matmul(ones(3, 3, 5)), /\[2\][^]*\[3\]|broadcast/),
  );
  check("matmul 0-d", () => assertThrowsMsg(() => f32(2).matmul(ones(2)), /at least 1 dimension|0-d/));
  check(
    "mm needs 2-d",
    () => assertThrowsMsg(() => ones(3).mm(ones(3, 2)), /mm: expected two 2-d/),
  );
  check(
    "mm inner",
    () =>
      assertThrowsMsg(
        () => ones(2, 3).mm(ones(2, 3)),
        /cannot multiply shapes \[2, 3\] and \[2, 3\]/,
      ),
  );
  check(
    "bmm batch",
    () => assertThrowsMsg(() => ones(2, 2, 3).bmm(ones(3, 3, 2)), /same batch size/),
  );
  check("dot length", () => assertThrowsMsg(() => ones(3).dot(ones(4)), /\[3\][^]*\[4\]/));
  check("outer 2-d", () => assertThrowsMsg(() => ones(2, 2).outer(ones(2)), /1-d/));
  check(
    "bool matmul",
    () => assertThrowsMsg(() => ones(2, 2).bool().matmul(ones(2, 2).bool()), /bool/),
  );
});

suite("errors: view, reshape, index", () => {
  const x = rand(15);
  check(
    "view(4, -1) of 15",
    () => assertThrowsMsg(() => x.view(4, -1), /shape '\[4, -1\]' is invalid for input of size 15/),
  );
  check(
    "reshape(4, 4) of 15",
    () => assertThrowsMsg(() => x.reshape(4, 4), /shape '\[4, 4\]' is invalid for input of size 15/),
  );
  check("two -1", () => assertThrowsMsg(() => x.view(-1, -1), /only one dimension can be inferred/));
  check("view of a transposed tensor", () => assertThrowsMsg(() => ones(3, 4).T.view(12), /reshape/));
  check("index too many", () => assertThrowsMsg(() => ones(2, 3).index(0, 0, 0), /too many indices/));
  check(
    "index out of bounds",
    () =>
      assertThrowsMsg(
        () => ones(2, 3).index(":", 3),
        /index 3 is out of bounds for dimension 1 with size 3/,
      ),
  );
  check(
    "negative index out of bounds",
    () => assertThrowsMsg(() => ones(2, 3).index(-3), /out of bounds/),
  );
  check("bad slice", () => assertThrowsMsg(() => ones(3).index("a:b"), /invalid slice/));
  check("zero step", () => assertThrowsMsg(() => ones(3).index("::0"), /step must be positive/));
  check("negative step", () => assertThrowsMsg(() => ones(3).index("::-1"), /step must be positive/));
  check("two ellipses", () => assertThrowsMsg(() => ones(3).index("...", "..."), /single ellipsis/));
  check("0-d index(0)", () => assertThrowsMsg(() => f32(1.5).index(0), /too many indices/));
  check(
    "narrow past the end",
    () => assertThrowsMsg(() => ones(4).narrow(0, 3, 2), /exceeds dimension size/),
  );
  check(
    "unflatten sizes",
    () => assertThrowsMsg(() => ones(2, 6).unflatten(1, [4, 2]), /invalid|size/),
  );
  check("split sizes", () => assertThrowsMsg(() => ones(5).split([2, 2]), /sum to 4/));
  check("chunk 0", () => assertThrowsMsg(() => ones(5).chunk(0), /positive/));
  check("T of 3-d", () => assertThrowsMsg(() => ones(2, 3, 4).T, /mT|permute/));
  check("expand fewer dims", () => assertThrowsMsg(() => ones(2, 3).expand(3), /number of sizes/));
});

suite("errors: gather, indexSelect, scatterAdd, where, cat, stack, oneHot", () => {
  const x = f32([[1, 2, 3], [4, 5, 6]]);
  check(
    "gather index out of bounds",
    () =>
      assertThrowsMsg(() => x.gather(1, i32([[0, 3]])), /index 3 is out of bounds for dimension with size 3/),
  );
  check(
    "gather negative index",
    () => assertThrowsMsg(() => x.gather(1, i32([[-1]])), /index -1 is out of bounds/),
  );
  check("gather float index", () => assertThrowsMsg(() => x.gather(1, f32([[0]])), /int32/));
  check("gather rank", () => assertThrowsMsg(() => x.gather(1, i32([0])), /same number of dimensions/));
  check("gather size", () => assertThrowsMsg(() => x.gather(1, i32([[0], [0], [0]])), /does not fit/));
  check(
    "indexSelect out of bounds",
    () => assertThrowsMsg(() => x.indexSelect(0, i32([2])), /index 2 is out of bounds/),
  );
  check("indexSelect 2-d index", () => assertThrowsMsg(() => x.indexSelect(0, i32([[0]])), /1-d/));
  check(
    "scatterAdd out of bounds",
    () => assertThrowsMsg(() => zeros(3).scatterAdd(0, i32([3]), f32([1])), /index 3 is out of bounds/),
  );
  check(
    "scatterAdd dtype",
    () => assertThrowsMsg(() => zeros(3).scatterAdd(0, i32([1]), i32([1])), /same dtype/),
  );
  check(
    "where int condition",
    () =>
      assertThrowsMsg(
        () => torch.where(i32([1, 0]), f32([1, 2]), f32([3, 4])),
        /condition to be a bool tensor, got int32/,
      ),
  );
  check(
    "where float condition",
    () => assertThrowsMsg(() => torch.where(f32([1, 0]), f32([1, 2]), 0), /bool tensor, got float32/),
  );
  check("maskedFill int mask", () => assertThrowsMsg(() => x.maskedFill(i32([1, 0, 1]), 0), /bool/));
  check(
    "maskedFill fraction into int",
    () => assertThrowsMsg(() => i32([1, 2]).maskedFill(ones(2).bool(), 0.5), /int32/),
  );
  check("cat mismatched shapes", () =>
    assertThrowsMsg(
      () => torch.cat([ones(2, 3), ones(2, 4)], 0),
      /sizes of tensors must match except in dimension 0[^]*\[2, 3\][^]*\[2, 4\]/,
    ));
  check(
    "cat rank",
    () => assertThrowsMsg(() => torch.cat([ones(2, 3), ones(3)], 0), /\[2, 3\][^]*\[3\]/),
  );
  check("cat empty list", () => assertThrowsMsg(() => torch.cat([]), /non-empty/));
  check("cat 0-d", () => assertThrowsMsg(() => torch.cat([f32(1), f32(2)]), /zero-dimensional/));
  check(
    "stack unequal",
    () => assertThrowsMsg(() => torch.stack([ones(2), ones(3)]), /equal size[^]*\[2\][^]*\[3\]/),
  );
  cpuOnlyCheck(
    "oneHot negative",
    () => assertThrowsMsg(() => torch.oneHot(i32([0, -1])), /non-negative/),
  );
  cpuOnlyCheck(
    "oneHot too few classes",
    () => assertThrowsMsg(() => torch.oneHot(i32([0, 3]), 3), /numClasses/),
  );
  check("oneHot float", () => assertThrowsMsg(() => torch.oneHot(f32([0, 1])), /int32/));
});

suite("errors: dtypes, empty reductions, in-place", () => {
  check("mean of int", () => assertThrowsMsg(() => i32([1, 2]).mean(), /floating point/));
  check("var of int", () => assertThrowsMsg(() => i32([1, 2]).var(), /floating point/));
  check(
    "int ** negative int",
    () => assertThrowsMsg(() => i32([1, 2]).pow(-1), /negative integer powers/),
  );
  check("neg of bool", () => assertThrowsMsg(() => ones(2).bool().neg(), /bool/));
  check("clamp without bounds", () => assertThrowsMsg(() => ones(2).clamp(), /at least one/));
  check("amax over an empty dim", () => assertThrowsMsg(() => zeros(0, 3).amax(0), /size 0|empty/));
  check("max() of empty", () => assertThrowsMsg(() => zeros(0).max(), /size 0|empty/));
  check("argmax of empty", () => assertThrowsMsg(() => zeros(0).argmax(), /size 0|empty/));
  check("max(dim) over an empty dim", () => assertThrowsMsg(() => zeros(0, 3).max(0), /size 0|empty/));
  check(
    "in-place on a leaf requiring grad",
    () =>
      assertThrowsMsg(
        () => ones(2, { requiresGrad: true }).add_(1),
        /leaf Variable that requires grad/,
      ),
  );
  check(
    "zero_ on a leaf requiring grad",
    () =>
      assertThrowsMsg(
        () => ones(2, { requiresGrad: true }).zero_(),
        /leaf Variable that requires grad/,
      ),
  );
  check(
    "BUG B13: in-place on a view of a leaf requiring grad (PyTorch refuses)",
    () => assertThrowsMsg(() => ones(3, { requiresGrad: true }).index(0).zero_(), /leaf/),
  );
  check(
    "in-place float result into int",
    () => assertThrowsMsg(() => i32([1, 2]).add_(1.5), /can't be cast/),
  );
  check("in-place division of int", () => assertThrowsMsg(() => i32([1, 2]).div_(2), /can't be cast/));
  check("item of 2 elements", async () => {
    assertThrowsMsg(() => ones(2).item(), /2 elements/);
    await assertRejectsMsg(() => ones(2).itemAsync(), /2 elements/);
  });
  check(
    "BUG B15: in-place on an expanded (self-overlapping) tensor (PyTorch refuses)",
    () => assertThrowsMsg(() => ones(3).expand(2, 3).add_(1), /memory location|overlap|clone/),
  );
  check("requiresGrad on int", () => assertThrowsMsg(() => i32([1]).requiresGrad_(), /floating point/));
  check("synchronous reads work on the CPU only and name the async form elsewhere", async () => {
    const t = f32([[1.5, -2]]);
    if (dev === "cpu") {
      assert.equal(t.index(0, 0).item(), 1.5);
      assert.deepEqual(t.toArray(), [[1.5, -2]]);
      assert.deepEqual(Array.from(t.dataSync()), [1.5, -2]);
      assert.equal(String(t), "tensor([[ 1.5000, -2.0000]])");
    } else {
      assertThrowsMsg(() => t.index(0, 0).item(), /^item: .*await t\.itemAsync\(\)/);
      assertThrowsMsg(() => t.toArray(), /^toArray: .*await t\.toArrayAsync\(\)/);
      assertThrowsMsg(() => t.dataSync(), /^dataSync: .*await t\.dataAsync\(\)/);
      assertThrowsMsg(() => t.cpu(), /await x\.toAsync\("cpu"\)/);
      // Printing does not read: it says where the tensor lives.
      assert.equal(
        String(t),
        `tensor(<2 elements of float32 on device '${dev}'; use await t.toArrayAsync() to read>, size=(1, 2))`,
      );
    }
    assert.equal(await t.index(0, 0).itemAsync(), 1.5);
    assert.deepEqual(await t.toArrayAsync(), [[1.5, -2]]);
    assert.deepEqual(Array.from(await t.index(":", "1:").dataAsync()), [-2]);
    assert.deepEqual((await t.toAsync("cpu")).toArray(), [[1.5, -2]]);
    const where = dev === "cpu" ? "" : `, device='${dev}'`;
    assert.equal(await t.toStringAsync(), `tensor([[ 1.5000, -2.0000]]${where})`);
  });
  check("bad state after an error: the tensor still works", async () => {
    const t = f32([1, 2, 3]);
    assertThrowsMsg(() => t.add(ones(2)), /broadcast/);
    await assertCloseAsync(t.add(1), [2, 3, 4]);
  });
});
