/**
 * Backward formulas against central finite differences (helpers.gradcheck) for every
 * differentiable op: elementwise, reductions, views, indexing, joining, matrix products (all of
 * PyTorch's rank combinations), plus second-order gradients through `createGraph: true`,
 * compared with closed-form second derivatives.
 *
 * Inputs are kept away from kinks (relu/abs at 0, clamp bounds, ties of max) by more than the
 * finite-difference step, so the numeric gradient is the true one.
 *
 * Every test runs on both devices (tests/devices.ts). On the GPU the analytic gradients are
 * computed there (forward and backward on GPU tensors) and compared with central differences
 * of the same function on CPU copies of the inputs (helpers.gradcheckAsync), so constants a
 * checked function uses are moved to its inputs' device (`on`, `idx`). The tolerances are the
 * same on both devices: the finite-difference error (eps 1e-2) dwarfs the few ulp by which GPU
 * kernels differ. The checks of a test run concurrently, so their GPU read-backs overlap.
 *
 * Checks labelled "BUG Bn" guard library bugs that the op suites found and that have since been
 * fixed (tests/ops_edge_test.ts lists them); `git log -S "Bn"` finds each fix.
 */
import * as torch from "../mod.ts";
import type { Device, Tensor } from "../mod.ts";
import { assert, assertCloseAsync, gradcheckAsync, rng } from "./helpers.ts";
import { deviceTest } from "./devices.ts";

let seed = 1;
/** The device of the running test: where U, away, distinct and lit create their tensors. */
let dev: Device = "cpu";

function numel(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** A leaf requiring grad with values uniform in [lo, hi]. */
function U(shape: number[], lo = -1, hi = 1): Tensor {
  const r = rng(seed++);
  const vals = Array.from({ length: numel(shape) }, () => lo + (hi - lo) * r());
  return torch.tensor(vals, { dtype: "float32", device: dev }).reshape(shape).requiresGrad_(true);
}

/** Values bounded away from 0: magnitude in [0.3, 1.5], random sign. */
function away(shape: number[]): Tensor {
  const r = rng(seed++);
  const vals = Array.from({ length: numel(shape) }, () => (0.3 + 1.2 * r()) * (r() < 0.5 ? -1 : 1));
  return torch.tensor(vals, { dtype: "float32", device: dev }).reshape(shape).requiresGrad_(true);
}

/** Distinct values at least 0.1 apart (no ties within a finite-difference step). */
function distinct(shape: number[]): Tensor {
  const r = rng(seed++);
  const n = numel(shape);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return torch.tensor(order.map((k) => (k - n / 2) * 0.1), { dtype: "float32", device: dev }).reshape(shape)
    .requiresGrad_(true);
}

/** A leaf requiring grad with the given values, on the test's device. */
function lit(v: number[] | number[][]): Tensor {
  return torch.tensor(v, { dtype: "float32", device: dev }).requiresGrad_(true);
}

/**
 * A constant used inside a checked function, on the device of that call's input `ref`: the
 * analytic pass runs on the test's device, the numeric one on CPU copies (helpers.gradcheckAsync).
 */
function on(ref: Tensor, v: Tensor): Tensor {
  return v.device === ref.device ? v : v.to(ref.device);
}
const idx = (ref: Tensor, v: number[] | number[][] | number[][][]) =>
  torch.tensor(v, { dtype: "int32", device: ref.device });

type Fn = (...xs: Tensor[]) => Tensor;
type GcOpts = { eps?: number; atol?: number; rtol?: number };

/**
 * Every check of a test runs, failing or not; the test then fails listing all failing checks
 * (so one library bug does not hide the checks after it).
 */
let failures: string[] = [];
/** The checks of the running test, awaited together (their GPU read-backs overlap). */
let pending: Promise<void>[] = [];
/** gradcheck with a label. */
function gc(msg: string, fn: Fn, inputs: Tensor[], opts: GcOpts = {}): void {
  let check: Promise<void>;
  try {
    check = gradcheckAsync(fn, inputs, { ...opts, msg });
  } catch (e) {
    check = Promise.reject(e);
  }
  pending.push(check.catch((e) => {
    failures.push(`${msg}: ${e instanceof Error ? e.message.split("\n")[0] : e}`);
  }));
}
/**
 * A test on every device whose checks all run; it then fails listing every failing check. Each
 * suite draws its random inputs from its own seeds, so both devices check the same values.
 */
let suiteSeed = 1;
function suite(name: string, body: () => void): void {
  const firstSeed = suiteSeed;
  suiteSeed += 1000;
  deviceTest(name, async (device) => {
    failures = [];
    pending = [];
    seed = firstSeed;
    dev = device;
    body();
    await Promise.all(pending);
    if (failures.length) assert.fail(`${failures.length} checks failed:\n${failures.join("\n")}`);
  });
}

// ---------------------------------------------------------------------------------------------

suite("gradcheck: unary elementwise", () => {
  gc("neg", (x) => x.neg(), [U([2, 3])]);
  gc("abs", (x) => x.abs(), [away([2, 3])]);
  gc("exp", (x) => x.exp(), [U([2, 3])]);
  gc("log", (x) => x.log(), [U([2, 3], 0.5, 2)]);
  gc("log1p", (x) => x.log1p(), [U([2, 3], -0.5, 2)]);
  gc("sqrt", (x) => x.sqrt(), [U([2, 3], 0.5, 2)]);
  gc("rsqrt", (x) => x.rsqrt(), [U([2, 3], 0.5, 2)]);
  gc("sin", (x) => x.sin(), [U([2, 3], -3, 3)]);
  gc("cos", (x) => x.cos(), [U([2, 3], -3, 3)]);
  gc("tanh", (x) => x.tanh(), [U([2, 3], -2, 2)]);
  gc("sigmoid", (x) => x.sigmoid(), [U([2, 3], -3, 3)]);
  gc("relu", (x) => x.relu(), [away([2, 3])]);
  gc("sign (zero gradient)", (x) => x.sign(), [away([2, 3])]);
  gc("floor (zero gradient)", (x) => x.floor(), [lit([0.3, 1.4, -0.6, -2.2])]);
  gc("ceil (zero gradient)", (x) => x.ceil(), [lit([0.3, 1.4, -0.6, -2.2])]);
  gc("round (zero gradient)", (x) => x.round(), [lit([0.3, 1.2, -0.7, -2.2])]);
  gc("square", (x) => x.square(), [U([3])]);
  gc("reciprocal", (x) => x.reciprocal(), [away([3])]);
  gc("0-d exp", (x) => x.exp(), [U([])]);
  gc("transposed tanh", (x) => x.T.tanh(), [U([2, 3])]);
  gc("stepped sin", (x) => x.index(":", "::2").sin(), [U([2, 6])]);
  gc("chain", (x) => x.mul(2).exp().log1p().sigmoid().tanh(), [U([4])]);
});

suite("gradcheck: binary elementwise with broadcasting and numbers", () => {
  const pairs: [string, number[], number[]][] = [
    ["same", [2, 3], [2, 3]],
    ["[3,1]x[1,4]", [3, 1], [1, 4]],
    ["[2,3,4]x[4]", [2, 3, 4], [4]],
    ["[5]x[]", [5], []],
    ["[]x[5]", [], [5]],
    ["[4,1,3]x[2,1]", [4, 1, 3], [2, 1]],
  ];
  for (const [name, sa, sb] of pairs) {
    gc(`add ${name}`, (a, b) => a.add(b), [U(sa), U(sb)]);
    gc(`sub ${name}`, (a, b) => a.sub(b), [U(sa), U(sb)]);
    gc(`mul ${name}`, (a, b) => a.mul(b), [U(sa), U(sb)]);
    gc(`div ${name}`, (a, b) => a.div(b), [U(sa), away(sb)]);
    gc(`pow ${name} (tensor exponent)`, (a, b) => a.pow(b), [U(sa, 0.5, 2), U(sb, -1.5, 1.5)]);
    gc(`maximum ${name}`, (a, b) => a.maximum(b), [U(sa, 0, 1), U(sb, 1.1, 2)]);
    gc(`minimum ${name}`, (a, b) => a.minimum(b), [U(sa, 0, 1), U(sb, 1.1, 2)]);
  }
  // maximum/minimum with interleaved winners (no ties)
  const a = lit([0.1, 0.9, -0.5, 0.3]);
  const b = lit([0.5, 0.2, -0.1, -0.4]);
  gc("maximum interleaved", (x, y) => x.maximum(y), [a, b]);
  gc("minimum interleaved", (x, y) => x.minimum(y), [a, b]);
  gc("add alpha", (x, y) => x.add(y, { alpha: -2.5 }), [U([2, 3]), U([3])]);
  gc("sub alpha", (x, y) => x.sub(y, { alpha: 0.5 }), [U([2, 3]), U([2, 3])]);
  gc("add number", (x) => x.add(2.5), [U([3])]);
  gc("number sub tensor", (x) => torch.sub(1.5, x), [U([3])]);
  gc("number div tensor", (x) => torch.div(1.5, x), [away([3])]);
  gc("pow 3 (negative base)", (x) => x.pow(3), [U([4], -2, 2)]);
  gc("pow 2.5", (x) => x.pow(2.5), [U([4], 0.5, 2)]);
  gc("pow -1.5", (x) => x.pow(-1.5), [U([4], 0.5, 2)]);
  gc("pow 0", (x) => x.pow(0), [U([4], 0.5, 2)]);
  gc("BUG B2: number ** tensor", (x) => torch.pow(1.7, x), [U([4])]);
  gc("transposed operands", (x, y) => x.T.mul(y.mT), [U([3, 2]), U([3, 2])]);
  gc("expanded operand", (x, y) => x.expand(3, 4).mul(y), [U([3, 1]), U([3, 4])]);
  gc("same tensor twice", (x) => x.mul(x).add(x), [U([3])]);
});

suite("gradcheck: clamp, where, maskedFill", () => {
  const x = lit([-1.2, -0.3, 0.2, 0.7, 1.4, 0.05]);
  gc("clamp both", (t) => t.clamp(-0.5, 0.5), [x]);
  gc("clamp min", (t) => t.clamp(0.1), [x]);
  gc("clamp max", (t) => t.clamp(null, 0.5), [x]);
  const cond = torch.tensor([[true, false, true], [false, false, true]]);
  gc("where same shape", (a, b) => torch.where(on(a, cond), a, b), [U([2, 3]), U([2, 3])]);
  gc("where broadcast", (a, b) => torch.where(on(a, cond), a, b), [U([2, 1]), U([3])]);
  gc("where number other", (a) => torch.where(on(a, cond), a, 0.5), [U([2, 3])]);
  gc("where method", (a, b) => a.where(on(a, cond), b), [U([2, 3]), U([])]);
  gc("maskedFill", (a) => a.maskedFill(on(a, torch.tensor([true, false, true])), -2), [U([2, 3])]);
});

suite("gradcheck: reductions", () => {
  const dims: (number | number[] | undefined)[] = [undefined, 0, 1, -1, [0, 2]];
  for (const d of dims) {
    for (const keepdim of [false, true]) {
      const tag = `dim ${JSON.stringify(d)} keepdim ${keepdim}`;
      const o = { keepdim };
      gc(`sum ${tag}`, (x) => d === undefined ? x.sum() : x.sum(d, o), [U([2, 3, 4])]);
      gc(`mean ${tag}`, (x) => d === undefined ? x.mean() : x.mean(d, o), [U([2, 3, 4])]);
      gc(`amax ${tag}`, (x) => d === undefined ? x.amax() : x.amax(d, o), [distinct([2, 3, 4])]);
      gc(`amin ${tag}`, (x) => d === undefined ? x.amin() : x.amin(d, o), [distinct([2, 3, 4])]);
      gc(`var ${tag}`, (x) => d === undefined ? x.var() : x.var(d, o), [U([2, 3, 4])]);
      gc(`std ${tag}`, (x) => d === undefined ? x.std() : x.std(d, o), [distinct([2, 3, 4])]);
      if (d !== undefined) {
        gc(`logsumexp ${tag}`, (x) => x.logsumexp(d, o), [U([2, 3, 4], -2, 2)]);
        gc(`norm 2 ${tag}`, (x) => x.norm(2, d, o), [away([2, 3, 4])]);
      }
      if (typeof d === "number") {
        gc(`prod ${tag}`, (x) => x.prod(d, o), [away([2, 3, 4])]);
        gc(`max(dim).values ${tag}`, (x) => x.max(d, o).values, [distinct([2, 3, 4])]);
        gc(`min(dim).values ${tag}`, (x) => x.min(d, o).values, [distinct([2, 3, 4])]);
      }
    }
  }
  gc("max() of all", (x) => x.max(), [distinct([3, 4])]);
  gc("min() of all", (x) => x.min(), [distinct([3, 4])]);
  gc("prod of all", (x) => x.prod(), [away([2, 3])]);
  gc("BUG B4: prod with a zero element", (x) => x.prod(1), [
    lit([[1.5, 0, 2], [0.5, -1, 1.2]]),
  ]);
  gc("BUG B5: max(0) of 0-d", (x) => x.max(0).values, [U([])]);
  gc("BUG B6: cumsum of 0-d", (x) => x.cumsum(0), [U([])]);
  for (const correction of [0, 2]) {
    gc(`var correction ${correction}`, (x) => x.var(1, { correction }), [U([3, 5])]);
    gc(`std correction ${correction}`, (x) => x.std({ dim: 0, correction }), [U([3, 5])]);
  }
  // magnitudes at least 0.15 apart: the extreme of |x| does not switch within a step
  const nx = () => lit([[0.4, -0.9, 1.3], [-0.6, 0.75, -1.1]]);
  for (const p of [1, 3, Infinity, -Infinity, 0.5]) {
    gc(`norm p=${p}`, (x) => x.norm(p), [nx()]);
    gc(`norm p=${p} dim 1`, (x) => x.norm(p, 1), [nx()]);
  }
  gc("norm default", (x) => x.norm(), [away([5])]);
  for (const d of [0, 1, 2, -1]) {
    gc(`softmax dim ${d}`, (x) => x.softmax(d), [U([2, 3, 4], -2, 2)]);
    gc(`logSoftmax dim ${d}`, (x) => x.logSoftmax(d), [U([2, 3, 4], -2, 2)]);
    gc(`cumsum dim ${d}`, (x) => x.cumsum(d), [U([2, 3, 4])]);
  }
  gc("softmax of a transposed input", (x) => x.T.softmax(0), [U([3, 4], -2, 2)]);
  gc("logsumexp of 0-d", (x) => x.logsumexp(0), [U([])]);
  gc("sum of 0-d", (x) => x.sum(0), [U([])]);
  gc("mean of transposed", (x) => x.mT.mean(-1), [U([2, 3, 4])]);
});

suite("gradcheck: views", () => {
  gc("view", (x) => x.view(4, 6), [U([2, 3, 4])]);
  gc("view -1", (x) => x.view(-1, 2), [U([2, 3, 4])]);
  gc("reshape of transposed (copy)", (x) => x.T.reshape(-1), [U([3, 4])]);
  gc("transpose", (x) => x.transpose(0, 2), [U([2, 3, 4])]);
  gc("T", (x) => x.T, [U([2, 3])]);
  gc("mT", (x) => x.mT, [U([2, 3, 4])]);
  gc("permute", (x) => x.permute(2, 0, 1), [U([2, 3, 4])]);
  gc("squeeze", (x) => x.squeeze(), [U([1, 3, 1, 2])]);
  gc("squeeze dim", (x) => x.squeeze(2), [U([1, 3, 1, 2])]);
  gc("unsqueeze", (x) => x.unsqueeze(1), [U([2, 3])]);
  gc("expand", (x) => x.expand(2, 3, 4), [U([3, 1])]);
  gc("expand 0-d", (x) => x.expand(3), [U([])]);
  gc("flatten", (x) => x.flatten(1), [U([2, 3, 4])]);
  gc("unflatten", (x) => x.unflatten(1, [3, 2]), [U([2, 6])]);
  gc("narrow", (x) => x.narrow(1, 1, 2), [U([3, 4])]);
  gc("index [:, 0]", (x) => x.index(":", 0), [U([3, 4])]);
  gc("index [1, ::2]", (x) => x.index(1, "::2"), [U([3, 5])]);
  gc("index [..., -1, None]", (x) => x.index("...", -1, null), [U([2, 3, 4])]);
  gc("index of index", (x) => x.index("1:").index(":", "1:3"), [U([3, 4])]);
  gc("index [1, 1] (0-d)", (x) => x.index(1, 1), [U([3, 4])]);
  gc("contiguous of transposed", (x) => x.T.contiguous(), [U([2, 3])]);
  gc("clone", (x) => x.clone(), [U([2, 3])]);
  gc("split", (x) => torch.cat(x.split(2).map((p, i) => p.mul(i + 1))), [U([5, 2])]);
  gc("split sizes", (x) => torch.cat(x.split([1, 3], 1).map((p, i) => p.mul(i + 2)), 1), [U([2, 4])]);
  gc("chunk", (x) => torch.cat(x.chunk(3, 1).map((p, i) => p.mul(i - 1)), 1), [U([2, 5])]);
  gc("unbind", (x) => torch.stack(x.unbind(1).map((p, i) => p.mul(i + 1))), [U([3, 2])]);
  gc("one piece of unbind", (x) => x.unbind(0)[1], [U([3, 2])]);
  gc("flip", (x) => x.flip([0, 1]), [U([3, 4])]);
  gc("tril", (x) => x.tril(), [U([3, 4])]);
  gc("triu 1", (x) => x.triu(1), [U([2, 3, 3])]);
});

suite("gradcheck: gather, indexSelect, scatterAdd, cat, stack", () => {
  gc("gather dim 1", (x) => x.gather(1, idx(x, [[0, 0, 3], [2, 1, 1], [3, 3, 0]])), [U([3, 4])]);
  gc("gather dim 0", (x) => x.gather(0, idx(x, [[0, 2, 2, 1]])), [U([3, 4])]);
  gc("gather smaller index", (x) => x.gather(1, idx(x, [[1], [0]])), [U([3, 4])]);
  gc("gather 3-d", (x) => x.gather(2, idx(x, [[[1, 0], [2, 2]], [[0, 0], [1, 2]]])), [U([2, 2, 3])]);
  gc("indexSelect dim 0 with duplicates", (x) => x.indexSelect(0, idx(x, [2, 0, 2])), [U([3, 4])]);
  gc("indexSelect dim 1", (x) => x.indexSelect(1, idx(x, [3, 1])), [U([3, 4])]);
  gc("indexSelect of transposed", (x) => x.T.indexSelect(0, idx(x, [1, 1, 0])), [U([3, 4])]);
  gc(
    "scatterAdd self and src",
    (s, src) => s.scatterAdd(0, idx(s, [[0, 1, 2, 0, 1], [2, 2, 0, 0, 1]]), src),
    [U([3, 5]), U([2, 5])],
  );
  gc("scatterAdd dim 1 duplicates", (s, src) => s.scatterAdd(1, idx(s, [[0, 0, 4], [1, 1, 1]]), src), [
    U([2, 5]),
    U([2, 3]),
  ]);
  gc("cat dim 0", (a, b) => torch.cat([a, b]), [U([2, 3]), U([1, 3])]);
  gc("cat dim 1 of three", (a, b, c) => torch.cat([a, b, c], 1), [U([2, 1, 3]), U([2, 3, 3]), U([2, 2, 3])]);
  gc("cat same tensor twice", (a) => torch.cat([a, a.mul(2)], -1), [U([2, 2])]);
  gc("cat transposed parts", (a, b) => torch.cat([a.T, b], 0), [U([3, 2]), U([1, 3])]);
  gc("stack dim 0", (a, b) => torch.stack([a, b]), [U([2, 3]), U([2, 3])]);
  gc("stack dim -1", (a, b) => torch.stack([a, b], -1), [U([2, 3]), U([2, 3])]);
  gc("stack 0-d", (a, b) => torch.stack([a, b]), [U([]), U([])]);
});

suite("gradcheck: matmul in every rank combination, mm, bmm, dot, outer", () => {
  const combos: [string, number[], number[]][] = [
    ["1-d @ 1-d", [4], [4]],
    ["2-d @ 1-d", [3, 4], [4]],
    ["1-d @ 2-d", [4], [4, 5]],
    ["2-d @ 2-d", [3, 4], [4, 5]],
    ["3-d @ 3-d", [2, 3, 4], [2, 4, 5]],
    ["broadcast batch [2,1,3,4] @ [3,4,2]", [2, 1, 3, 4], [3, 4, 2]],
    ["3-d @ 2-d", [2, 3, 4], [4, 2]],
    ["2-d @ 3-d", [3, 4], [2, 4, 2]],
    ["1-d @ 3-d", [4], [2, 4, 3]],
    ["3-d @ 1-d", [2, 3, 4], [4]],
    ["batch 1 broadcast [1,3,4] @ [2,4,2]", [1, 3, 4], [2, 4, 2]],
  ];
  for (const [name, sa, sb] of combos) gc(`matmul ${name}`, (a, b) => a.matmul(b), [U(sa), U(sb)]);
  gc("matmul transposed lhs", (a, b) => a.T.matmul(b), [U([4, 3]), U([4, 2])]);
  gc("matmul transposed rhs", (a, b) => a.matmul(b.T), [U([3, 4]), U([2, 4])]);
  gc("matmul both transposed", (a, b) => a.mT.matmul(b.mT), [U([2, 4, 3]), U([2, 2, 4])]);
  gc("matmul permuted batch", (a, b) => a.permute(1, 0, 2).matmul(b), [U([3, 2, 4]), U([4, 2])]);
  gc("matmul with itself", (a) => a.matmul(a), [U([3, 3])]);
  gc("mm", (a, b) => a.mm(b), [U([2, 3]), U([3, 4])]);
  gc("bmm", (a, b) => a.bmm(b), [U([2, 2, 3]), U([2, 3, 2])]);
  gc("dot", (a, b) => a.dot(b), [U([5]), U([5])]);
  gc("outer", (a, b) => a.outer(b), [U([3]), U([4])]);
  gc("matmul odd sizes", (a, b) => a.matmul(b), [U([5, 7]), U([7, 3])]);
  // The fused linear op (one product with a bias epilogue) in its layouts.
  gc("linear", (x, w, b) => torch.linear(x, w, b), [U([4, 3]), U([5, 3]), U([5])]);
  gc("linear without bias", (x, w) => torch.linear(x, w), [U([4, 3]), U([5, 3])]);
  gc("linear 3-d input", (x, w, b) => torch.linear(x, w, b), [U([2, 3, 4]), U([2, 4]), U([2])]);
  gc("linear 1-d input", (x, w, b) => torch.linear(x, w, b), [U([4]), U([3, 4]), U([3])]);
  gc("linear transposed input and weight", (x, w, b) => torch.linear(x.T, w.T, b), [
    U([3, 4]),
    U([3, 5]),
    U([5]),
  ]);
});

suite("gradcheck: binaryCrossEntropy and a composite", () => {
  const target = torch.tensor([[1, 0, 1], [0, 0, 1]], { dtype: "float32" });
  gc("binaryCrossEntropy mean", (p) => torch.F.binaryCrossEntropy(p, on(p, target)), [U([2, 3], 0.1, 0.9)]);
  gc("binaryCrossEntropy sum", (p) => torch.F.binaryCrossEntropy(p, on(p, target), { reduction: "sum" }), [
    U([2, 3], 0.1, 0.9),
  ]);
  gc("binaryCrossEntropy none", (p) => torch.F.binaryCrossEntropy(p, on(p, target), { reduction: "none" }), [
    U([2, 3], 0.1, 0.9),
  ]);
  // a small MLP layer: softmax(x @ W + b)
  gc("linear + logSoftmax", (x, w, b) => x.matmul(w).add(b).logSoftmax(1), [U([2, 3]), U([3, 4]), U([4])]);
});

// ---------------------------------------------------------------------------------------------
// second order

/** d/dx of sum(dy/dx * v) with createGraph, for a function applied elementwise. */
function secondOrder(f: (x: Tensor) => Tensor, x: Tensor): { first: Tensor; second: Tensor } {
  const y = f(x).sum();
  const [g] = torch.autograd.grad(y, x, { createGraph: true });
  assert.ok(g && g.requiresGrad, "first gradient must be differentiable with createGraph");
  const [h] = torch.autograd.grad(g!.sum(), x);
  return { first: g!, second: h! };
}

async function vals(t: Tensor): Promise<number[]> {
  return Array.from(await t.dataAsync());
}

deviceTest("second order: tanh, mul, pow, sigmoid against closed forms", async (device) => {
  const x = torch.tensor([-1.5, -0.3, 0.2, 0.9, 2.0], { requiresGrad: true, device });
  const xs = await vals(x);
  {
    const { first, second } = secondOrder((t) => t.tanh(), x);
    const th = xs.map(Math.tanh);
    await assertCloseAsync(first, th.map((t) => 1 - t * t), { rtol: 1e-5, atol: 1e-6, msg: "tanh'" });
    await assertCloseAsync(second, th.map((t) => -2 * t * (1 - t * t)), {
      rtol: 1e-4,
      atol: 1e-6,
      msg: "tanh''",
    });
  }
  {
    const { first, second } = secondOrder((t) => t.mul(t).mul(t), x);
    await assertCloseAsync(first, xs.map((v) => 3 * v * v), { rtol: 1e-5, atol: 1e-6, msg: "(x*x*x)'" });
    await assertCloseAsync(second, xs.map((v) => 6 * v), { rtol: 1e-5, atol: 1e-6, msg: "(x*x*x)''" });
  }
  {
    const { first, second } = secondOrder((t) => t.pow(3), x);
    await assertCloseAsync(first, xs.map((v) => 3 * v * v), { rtol: 1e-5, atol: 1e-6, msg: "pow(3)'" });
    await assertCloseAsync(second, xs.map((v) => 6 * v), { rtol: 1e-5, atol: 1e-5, msg: "pow(3)''" });
  }
  {
    const p = torch.tensor([0.5, 1.2, 2.0], { requiresGrad: true, device });
    const ps = await vals(p);
    const { first, second } = secondOrder((t) => t.pow(2.5), p);
    await assertCloseAsync(first, ps.map((v) => 2.5 * v ** 1.5), {
      rtol: 1e-5,
      atol: 1e-6,
      msg: "pow(2.5)'",
    });
    await assertCloseAsync(second, ps.map((v) => 2.5 * 1.5 * v ** 0.5), {
      rtol: 1e-4,
      atol: 1e-6,
      msg: "pow(2.5)''",
    });
  }
  {
    const { first, second } = secondOrder((t) => t.sigmoid(), x);
    const s = xs.map((v) => 1 / (1 + Math.exp(-v)));
    await assertCloseAsync(first, s.map((v) => v * (1 - v)), { rtol: 1e-5, atol: 1e-6, msg: "sigmoid'" });
    await assertCloseAsync(second, s.map((v) => v * (1 - v) * (1 - 2 * v)), {
      rtol: 1e-4,
      atol: 1e-6,
      msg: "sigmoid''",
    });
  }
  {
    // mixed partials of a*b: d/da of sum(d(a*b)/db) = 1
    const a = torch.tensor([0.5, -1.0, 2.0], { requiresGrad: true, device });
    const b = torch.tensor([1.5, 0.25, -0.75], { requiresGrad: true, device });
    const [gb] = torch.autograd.grad(a.mul(b).mul(b).sum(), b, { createGraph: true });
    await assertCloseAsync(gb!, [2 * 0.5 * 1.5, 2 * -1.0 * 0.25, 2 * 2.0 * -0.75], { msg: "d(ab^2)/db" });
    const [ga, gb2] = torch.autograd.grad(gb!.sum(), [a, b]);
    await assertCloseAsync(ga!, [2 * 1.5, 2 * 0.25, 2 * -0.75], { msg: "d2/da db" });
    await assertCloseAsync(gb2!, [2 * 0.5, 2 * -1.0, 2 * 2.0], { msg: "d2/db2" });
  }
});

deviceTest("second order: softmax Hessian-vector product against the closed form", async (device) => {
  const xs = [0.3, -1.2, 0.8, 0.1];
  const w = [0.5, -1.0, 2.0, 0.25];
  const u = [1.0, 0.5, -0.5, 2.0];
  const x = torch.tensor(xs, { requiresGrad: true, device });
  const s = x.softmax(0);
  const [g] = torch.autograd.grad(s.mul(torch.tensor(w, { device })).sum(), x, { createGraph: true });
  const [h] = torch.autograd.grad(g!.mul(torch.tensor(u, { device })).sum(), x);
  // closed form, in float64
  const e = xs.map(Math.exp);
  const z = e.reduce((p, q) => p + q, 0);
  const sv = e.map((v) => v / z);
  const sw = sv.reduce((acc, v, j) => acc + v * w[j], 0);
  const a = w.map((wj) => wj - sw);
  await assertCloseAsync(g!, sv.map((v, j) => v * a[j]), {
    rtol: 1e-5,
    atol: 1e-6,
    msg: "softmax first order",
  });
  const sau = sv.reduce((acc, v, j) => acc + v * a[j] * u[j], 0);
  const su = sv.reduce((acc, v, j) => acc + v * u[j], 0);
  const expected = sv.map((sk, k) => sk * a[k] * u[k] - sk * sau - su * sk * a[k]);
  await assertCloseAsync(h!, expected, { rtol: 1e-4, atol: 1e-6, msg: "softmax second order" });
});

suite("second order: finite differences of createGraph gradients", () => {
  // gradcheck evaluates fn on detached copies under noGrad: re-enable grad inside.
  const grad1 = (f: Fn) => (x: Tensor) =>
    torch.enableGrad(() => {
      const xx = x.requiresGrad ? x : x.detach().requiresGrad_(true);
      return torch.autograd.grad(f(xx).sum(), xx, { createGraph: true })[0]!;
    });
  gc("(tanh)'", grad1((x) => x.tanh()), [U([4], -1.5, 1.5)]);
  gc("(sigmoid)'", grad1((x) => x.sigmoid()), [U([4], -2, 2)]);
  gc("(exp*sin)'", grad1((x) => x.exp().mul(x.sin())), [U([4])]);
  gc("(pow 3)'", grad1((x) => x.pow(3)), [U([4])]);
  gc("(log)'", grad1((x) => x.log()), [U([4], 0.5, 2)]);
  gc("(softmax * w)'", grad1((x) => x.softmax(1).mul(on(x, torch.tensor([[1, 2, 3], [0.5, -1, 2]])))), [
    U([2, 3]),
  ]);
  gc("(logSoftmax)'", grad1((x) => x.logSoftmax(0).mul(on(x, torch.tensor([1, -2, 0.5])))), [U([3])]);
  gc("(x @ x)'", grad1((x) => x.matmul(x)), [U([3, 3])]);
  gc("(linear(x, x))'", grad1((x) => torch.linear(x, x, x.index(0))), [U([3, 3])]);
  gc("(div)'", grad1((x) => torch.div(1, x.add(3))), [U([4])]);
  gc("(sqrt)'", grad1((x) => x.sqrt()), [U([4], 0.5, 2)]);
  gc("(var)'", grad1((x) => x.var(1)), [U([2, 4])]);
  gc("(logsumexp)'", grad1((x) => x.logsumexp(0).mul(2)), [U([3, 2])]);
});

suite("gradcheck: rearrangements and composite math (rearrange.ts, pointwise.ts)", () => {
  gc("repeat", (x) => x.repeat(2, 3), [U([2, 3])]);
  gc("repeat with a new leading dim", (x) => x.repeat(2, 1, 2), [U([3, 1])]);
  gc("tile", (x) => x.tile([2]), [U([2, 3])]);
  gc("repeatInterleave per-row counts", (x) => x.repeatInterleave([2, 0, 3], 0), [U([3, 2])]);
  gc("repeatInterleave flattened", (x) => x.repeatInterleave(2), [U([2, 2])]);
  gc("padSequence", (x, y) => torch.nn.utils.rnn.padSequence([x, y], { batchFirst: true }), [
    U([3, 2]),
    U([1, 2]),
  ]);
  gc("meshgrid", (x, y) => {
    const [a, b] = torch.meshgrid([x, y], { indexing: "xy" });
    return a.mul(b).add(a);
  }, [U([3]), U([2])]);
  gc("roll one dim", (x) => x.roll(2, 1), [U([2, 5])]);
  gc("roll two dims", (x) => x.roll([1, -2], [0, 1]), [U([3, 4])]);
  gc("roll flattened", (x) => x.roll(-3), [U([2, 3])]);
  gc("movedim", (x) => x.movedim([0, 2], [2, 0]).mul(on(x, torch.arange(24).view(4, 3, 2))), [U([2, 3, 4])]);
  gc("diagonal", (x) => x.diagonal(), [U([3, 4])]);
  gc("diagonal offset -1, batched dims", (x) => x.diagonal(-1, 2, 1), [U([2, 4, 3])]);
  gc("diagonal of a transposed tensor", (x) => x.T.diagonal(1), [U([4, 3])]);
  gc("diag vector to matrix", (x) => torch.diag(x, 1).mul(on(x, torch.arange(16).view(4, 4))), [U([3])]);
  gc("diag matrix to vector", (x) => torch.diag(x, -1), [U([3, 3])]);
  gc("trace", (x) => x.trace(), [U([3, 3])]);
  gc("tan", (x) => x.tan(), [U([2, 3], -1.2, 1.2)]);
  gc("log2", (x) => x.log2(), [U([2, 3], 0.5, 2)]);
  gc("log10", (x) => x.log10(), [U([2, 3], 0.5, 2)]);
  gc("exp2", (x) => x.exp2(), [U([2, 3], -2, 2)]);
  gc("expm1 (both sides of the series bound)", (x) => x.expm1(), [lit([-0.5, -0.05, 0.002, 0.06, 0.3, 1.5])]);
  gc("frac", (x) => x.frac(), [lit([0.3, 1.4, -0.6, -2.2])]);
  gc("trunc (zero gradient)", (x) => x.trunc(), [lit([0.3, 1.4, -0.6, -2.2])]);
  gc("lerp tensor weight", (a, b, w) => torch.lerp(a, b, w), [U([2, 3]), U([3]), U([2, 1], 0, 1)]);
  gc("lerp number weight", (a, b) => a.lerp(b, 0.3), [U([2, 3]), U([2, 3])]);
  gc("addcmul", (a, b, c) => a.addcmul(b, c, { value: -0.5 }), [U([2, 3]), U([3]), U([2, 1])]);
  gc("addcdiv", (a, b, c) => a.addcdiv(b, c, { value: 2 }), [U([2, 3]), U([2, 3]), away([2, 3])]);
});

suite("gradcheck: sort and topk values", () => {
  gc("sort last dim", (x) => x.sort().values.mul(on(x, torch.arange(8).view(2, 4))), [distinct([2, 4])]);
  gc(
    "sort dim 0 descending",
    (x) => x.sort(0, { descending: true }).values.mul(on(x, torch.arange(6).view(3, 2))),
    [
      distinct([3, 2]),
    ],
  );
  gc("topk", (x) => x.topk(2, 1).values.mul(on(x, torch.tensor([[1, -2], [3, 0.5]]))), [distinct([2, 5])]);
  gc("topk smallest, transposed", (x) => x.T.topk(1, 0, { largest: false }).values, [distinct([3, 2])]);
});
