/**
 * Edge cases per op family: bad input and its messages, empty tensors, 0-d tensors, in-place ops
 * writing through views (of views), and result dtypes. Expected behaviour is PyTorch 1.13's
 * (checked by hand against it; int64 results read as our int32).
 *
 * Every check of a test runs even when an earlier one fails; the test then lists all failures.
 * Every suite runs on both devices (tests/devices.ts) with its tensors created on the device and
 * read with the async reads. Validations that read tensor values on the host (oneHot's class
 * values) are CPU-only (`cpuOnlyCheck`): on the GPU, bad index values are reported lazily by the
 * backend's error flag at the next read (the "bad index values" suite checks that).
 * Checks labelled "BUG Bn" guard library bugs that this suite and the golden suite found, all fixed
 * since (they stay as regression checks; `git log -S "Bn"` finds each fix). B1-B10 were in empty
 * and 0-d handling (autograd through empty tensors, all/any of empty, max/cumsum/flip of 0-d,
 * number ** tensor gradients, prod with a zero, uint8 all/any), and:
 * - B11: arange with a negative step and an empty range has shape [-0] (src/creation.ts), so flip
 *   of an empty dim gives shape [-0, ...] (src/ops/indexing.ts flip uses that arange).
 * - B12: logsumexp over an empty dim throws (amax of the shift); PyTorch gives -inf
 *   (src/ops/reduce.ts logsumexp).
 * - B13: in-place ops on a view of a leaf requiring grad are not refused (PyTorch: "a view of a
 *   leaf Variable that requires grad is being used in an in-place operation"); refuseLeaf in
 *   src/ops/inplace.ts only looks at the view itself, which is not a leaf.
 * - B14: an in-place op on a view of a non-leaf does not rebase the base's history (PyTorch's
 *   CopySlices): the base's gradient silently ignores it (src/ops/inplace.ts assignResult).
 * - B15: in-place ops on an expanded (self-overlapping) tensor are not refused as in PyTorch.
 */
import * as torch from "../mod.ts";
import type { CreateOptions, Device, Tensor, TensorData } from "../mod.ts";
import { assert, assertArrayAsync, assertCloseAsync, assertRejectsMsg, assertThrowsMsg } from "./helpers.ts";
import { deviceTest } from "./devices.ts";

let failures: string[] = [];
/** The checks of the running test, in order. */
let queue: { label: string; fn: () => void | Promise<void>; cpuOnly: boolean }[] = [];
/**
 * Queues one labelled check; the suite runs them in order (awaiting each, so a GPU error is
 * reported to the check that caused it), recording failures instead of stopping the test.
 */
function check(label: string, fn: () => void | Promise<void>): void {
  queue.push({ label, fn, cpuOnly: false });
}
/**
 * A check of a validation that reads tensor values on the host, which the front end does only on
 * the CPU (a GPU tensor cannot be read without a hidden sync point): on the GPU it is skipped,
 * and a bad index there is reported lazily by the backend's error flag, at the next read (see
 * the "GPU reports bad indices at the next read" suite).
 */
function cpuOnlyCheck(label: string, fn: () => void | Promise<void>): void {
  queue.push({ label, fn, cpuOnly: true });
}
/** The device of the running test: the creation helpers below make their tensors there. */
let dev: Device = "cpu";
function suite(name: string, body: () => void): void {
  deviceTest(name, async (device) => {
    failures = [];
    queue = [];
    dev = device;
    body();
    for (const { label, fn, cpuOnly } of queue) {
      if (cpuOnly && device !== "cpu") continue;
      try {
        await fn();
      } catch (e) {
        failures.push(`${label}: ${e instanceof Error ? e.message.split("\n").slice(0, 4).join(" | ") : e}`);
      }
    }
    if (failures.length) assert.fail(`${failures.length} checks failed:\n${failures.join("\n")}`);
  });
}

type ShapeArgs = (number | number[] | CreateOptions)[];
/** Creation arguments with `device: dev` added to (or as) the trailing options object. */
function onDev(args: ShapeArgs): ShapeArgs {
  const last = args[args.length - 1];
  if (last !== null && typeof last === "object" && !Array.isArray(last)) {
    return [...args.slice(0, -1), { device: dev, ...last }];
  }
  return [...args, { device: dev }];
}
const ones = (...a: ShapeArgs) => torch.ones(...onDev(a));
const zeros = (...a: ShapeArgs) => torch.zeros(...onDev(a));
const rand = (...a: ShapeArgs) => torch.rand(...onDev(a));
const arange = (...a: (number | CreateOptions)[]) =>
  torch.arange(...(onDev(a) as (number | CreateOptions)[]));
const eye = (n: number) => torch.eye(n, { device: dev });
const tensor = (v: TensorData, o: CreateOptions = {}) => torch.tensor(v, { device: dev, ...o });

const f32 = (v: number[] | number[][] | number[][][] | number) => tensor(v, { dtype: "float32" });
const i32 = (v: number[] | number[][] | number) => tensor(v, { dtype: "int32" });
const shape = (t: Tensor) => [...t.shape];

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

// ---------------------------------------------------------------------------------------------
// non-contiguous inputs into kernels (a few beyond the golden fixtures)

suite("non-contiguous inputs: expanded, stepped, offset, transposed", () => {
  check(
    "expanded operand of a reduction",
    async () => await assertCloseAsync(f32([1, 2]).view(2, 1).expand(2, 3).sum(1), [3, 6]),
  );
  check(
    "expanded matmul operand",
    async () =>
      await assertCloseAsync(f32([1, 2]).view(1, 2).expand(3, 2).matmul(f32([[1], [1]])), [[3], [3], [3]]),
  );
  check(
    "offset view into softmax",
    async () => await assertCloseAsync(f32([9, 0, 0]).index("1:").softmax(0), [0.5, 0.5]),
  );
  check(
    "stepped view into cumsum",
    async () => await assertCloseAsync(f32([1, 9, 2, 9, 3]).index("::2").cumsum(0), [1, 3, 6]),
  );
  check(
    "transposed view into argmax",
    async () => await assertArrayAsync(f32([[1, 5], [7, 2]]).T.argmax(1), [1, 0]),
  );
  check(
    "transposed into gather",
    async () => await assertCloseAsync(f32([[1, 2], [3, 4]]).T.gather(1, i32([[1], [0]])), [[3], [2]]),
  );
  check(
    "transposed into cat",
    async () =>
      await assertCloseAsync(torch.cat([f32([[1, 2], [3, 4]]).T, f32([[5, 6]])]), [[1, 3], [2, 4], [5, 6]]),
  );
  check("permuted 3-d into matmul", async () => {
    const a = arange(12).float().view(2, 3, 2).permute(1, 0, 2); // [3, 2, 2]
    const r = a.matmul(eye(2));
    await assertCloseAsync(r, a.contiguous());
  });
  check("negative-free slice of a transposed into where", async () => {
    const x = f32([[1, -2], [-3, 4]]).T.index(":", "1:");
    await assertCloseAsync(torch.where(x.gt(0), x, 0), [[0], [4]]);
  });
});

// ---------------------------------------------------------------------------------------------
// bad index values

suite("bad index values: the CPU refuses them at once, the GPU reports them at the next read", () => {
  // The front end never reads index values off the CPU (that would be a hidden sync point). The
  // GPU backend checks indices it knows on the host (small int32 tensors uploaded as they are)
  // synchronously, and any other index in the kernel: the first bad one is recorded in the
  // backend's error flag and the next read rejects with the CPU's RangeError.
  const x = f32([[1, 2, 3], [4, 5, 6]]);
  /** An index computed on the device: its values are unknown to the host until read. */
  const computed = (v: number[] | number[][]) => i32(v).add(0);
  const read = (t: () => Tensor) => async () => await t().dataAsync();
  check(
    "gather",
    () => assertRejectsMsg(read(() => x.gather(1, computed([[0, 3]]))), /index 3 is out of bounds/),
  );
  check(
    "indexSelect",
    () => assertRejectsMsg(read(() => x.indexSelect(0, computed([2]))), /index 2 is out of bounds/),
  );
  check(
    "scatterAdd",
    () =>
      assertRejectsMsg(
        read(() => zeros(3).scatterAdd(0, computed([-1]), f32([1]))),
        /index -1 is out of bounds/,
      ),
  );
  check(
    "oneHot",
    () =>
      assertRejectsMsg(
        read(() => torch.oneHot(computed([0, 3]), 3)),
        /numClasses \(3\), got 3|index 3 is out of bounds/,
      ),
  );
  check("the error is reported once and leaves everything usable", async () => {
    await assertCloseAsync(x.sum(), 21);
    await assertCloseAsync(x.gather(1, computed([[2, 0]])), [[3, 1]]);
    await assertArrayAsync(torch.oneHot(computed([2, 0]), 3), [[0, 0, 1], [1, 0, 0]]);
  });
});

// ---------------------------------------------------------------------------------------------
// temporaries

deviceTest(
  "ops return the temporaries they make to the GPU pool at once (no wait for the garbage collector)",
  (device) => {
    // GPU buffers are invisible to the garbage collector: operand copies and casts an op makes,
    // and the intermediates of composite ops computed without a graph, are disposed by the op.
    const backend = torch.gpu.webgpuBackend()!;
    torch.manualSeed(3);
    const x = torch.randn([24, 20], { device }), w = torch.randn([24, 12], { device });
    const i = torch.randint(0, 5, [24, 20], { device }), mask = torch.rand([20, 24], { device }).gt(0.5);
    const idx = torch.randint(0, 20, [24, 3], { device }), row = torch.tensor([2, 0, 2], { device });
    const img = torch.randn([2, 3, 6, 6], { device }), k = torch.randn([4, 3, 3, 3], { device });
    const bias = torch.ones(4, { device });
    const target = torch.zeros([20, 24], { device }), two = torch.tensor(2, { device });
    const ops: (() => Tensor | Tensor[])[] = [
      () => x.T.exp(),
      () => i.T.abs(),
      () => i.floor(),
      () => x.mul(i),
      () => x.T.add(w.narrow(1, 0, 1).expand(24, 20).T),
      () => x.add(x, { alpha: 2 }),
      () => x.T.sum(0),
      () => i.T.sum(1),
      () => x.T.mean(1),
      () => x.var(0),
      () => x.T.std(),
      () => x.logsumexp(1),
      () => i.logsumexp(0),
      () => [x.norm(), x.norm(1, 0), x.norm(3, 1), x.norm(0), x.norm(Infinity)],
      () => x.T.softmax(1),
      () => x.T.logSoftmax(0),
      () => i.T.cumsum(0),
      () => x.T.clamp(0, 1),
      () => i.T.clamp(-0.5),
      () => torch.where(mask, x.T, 0),
      () => x.T.maskedFill(mask, 1),
      () => [i.all(), i.any(1), mask.all(0)],
      () => x.T.amax(1),
      () => Object.values(x.T.max(1)),
      () => x.T.argmin(0),
      () => x.T.matmul(w),
      () => i.T.matmul(x),
      () => x.gather(1, idx),
      () => x.T.indexSelect(1, row),
      () => x.T.flip([0, 1]),
      () => x.T.tril(1),
      () => torch.oneHot(row, 3),
      () => torch.cat([x, i]),
      () => torch.conv2d(img.permute(0, 1, 3, 2), k, bias, { padding: 1 }),
      () => torch.maxPool2d(img.transpose(2, 3), 2),
      () => torch.avgPool2d(img.transpose(2, 3), 3, { stride: 2 }),
      () => x.T.to("float16"),
    ];
    const run = () => {
      for (const op of ops) {
        const out = op();
        for (const t of Array.isArray(out) ? out : [out]) t.dispose();
      }
      target.fill_(two);
      target.copy_(i.T);
      target.index("1:").copy_(target.index(":-1"));
      target.zero_();
    };
    run(); // first use: pipelines and pool buckets
    const before = backend.liveBytes();
    for (let r = 0; r < 3; r++) run();
    assert.equal(backend.liveBytes(), before, "every temporary went back to the pool");
  },
  { devices: ["gpu"] },
);
