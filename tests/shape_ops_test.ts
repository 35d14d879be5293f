/**
 * Matrix products (addmm & co, mv, inner, kron, tensordot, vdot, chainMatmul, linalg.multiDot,
 * matrixPower, cross, linalg.cross/vecdot/matmul), the shape ops of src/ops/shape_more.ts and the
 * Tensor conveniences (new*, typeAs, nelement, ndimension, unfold, sumToSize, fillDiagonal_)
 * against PyTorch 1.13 (tools/fixtures/shape_fixtures.py): values and gradients on both devices,
 * functions and methods, finite-difference gradchecks, views, and the errors bad input gets.
 */
import * as torch from "../mod.ts";
import type { Device, Tensor } from "../mod.ts";
import {
  assert,
  assertCloseAsync,
  assertThrowsMsg,
  type EncodedTensor,
  fixtureTensor as dec,
  gradcheckAsync,
} from "./helpers.ts";
import { deviceTest } from "./devices.ts";

const fx = JSON.parse(await Deno.readTextFile(new URL("./fixtures/shape.json", import.meta.url)));

type Enc = EncodedTensor;
interface Case {
  name: string;
  op: string;
  inputs: Enc[];
  params: Record<string, unknown>;
  out: Enc | Enc[];
  grads?: (Enc | null)[];
}
const CASES: Case[] = fx.cases;

type Out = Tensor | Tensor[];

/** Calls the edgetorch op of a case, as a function or (where PyTorch has one) as a method. */
function call(c: Case, xs: Tensor[], method: boolean, device: Device): Out {
  const p = c.params as Record<string, never>;
  const [a, b, s] = xs;
  const ab = { beta: p.beta, alpha: p.alpha };
  switch (c.op) {
    case "addmm":
      return method ? a.addmm(b, s, ab) : torch.addmm(a, b, s, ab);
    case "addmv":
      return method ? a.addmv(b, s, ab) : torch.addmv(a, b, s, ab);
    case "addr":
      return method ? a.addr(b, s, ab) : torch.addr(a, b, s, ab);
    case "addbmm":
      return method ? a.addbmm(b, s, ab) : torch.addbmm(a, b, s, ab);
    case "baddbmm":
      return method ? a.baddbmm(b, s, ab) : torch.baddbmm(a, b, s, ab);
    case "mv":
      return method ? a.mv(b) : torch.mv(a, b);
    case "inner":
      return method ? a.inner(b) : torch.inner(a, b);
    case "kron":
      return method ? a.kron(b) : torch.kron(a, b);
    case "tensordot":
      return torch.tensordot(a, b, p.dims);
    case "vdot":
      return method ? a.vdot(b) : torch.vdot(a, b);
    case "chainMatmul":
      return torch.chainMatmul(...xs);
    case "multiDot":
      return torch.linalg.multiDot(xs);
    case "matrixPower":
      return method ? a.matrixPower(p.n) : torch.matrixPower(a, p.n);
    case "linalg.matrixPower":
      return torch.linalg.matrixPower(a, p.n);
    case "cross":
      return method ? a.cross(b, p.dim) : torch.cross(a, b, p.dim);
    case "linalg.cross":
      return torch.linalg.cross(a, b, { dim: p.dim });
    case "linalg.vecdot":
      return torch.linalg.vecdot(a, b, { dim: p.dim });
    case "linalg.matmul":
      return torch.linalg.matmul(a, b);
    case "moveaxis":
      return method ? a.moveaxis(p.source, p.destination) : torch.moveaxis(a, p.source, p.destination);
    case "ravel":
      return method ? a.t().ravel() : torch.ravel(torch.t(a));
    case "t":
      return torch.t(a);
    case "select":
      return method ? a.select(p.dim, p.index) : torch.select(a, p.dim, p.index);
    case "tensorSplit":
      return method ? a.tensorSplit(p.spec, p.dim) : torch.tensorSplit(a, p.spec, p.dim);
    case "hsplit":
      return method ? a.hsplit(p.spec) : torch.hsplit(a, p.spec);
    case "vsplit":
      return method ? a.vsplit(p.spec) : torch.vsplit(a, p.spec);
    case "dsplit":
      return method ? a.dsplit(p.spec) : torch.dsplit(a, p.spec);
    case "hstack":
      return torch.hstack(xs);
    case "vstack":
      return torch.vstack(xs);
    case "dstack":
      return torch.dstack(xs);
    case "columnStack":
      return torch.columnStack(xs);
    case "atleast1d":
      return method ? xs.map((x) => torch.atleast1d(x)) : torch.atleast1d(xs);
    case "atleast2d":
      return method ? xs.map((x) => torch.atleast2d(x)) : torch.atleast2d(xs);
    case "atleast3d":
      return method ? xs.map((x) => torch.atleast3d(x)) : torch.atleast3d(xs);
    case "fliplr":
      return method ? a.fliplr() : torch.fliplr(a);
    case "flipud":
      return method ? a.flipud() : torch.flipud(a);
    case "rot90":
      return method ? a.rot90(p.k, p.dims) : torch.rot90(a, p.k, p.dims);
    case "take":
      return method ? a.take(b) : torch.take(a, b);
    case "takeAlongDim":
      return method ? a.takeAlongDim(b, p.dim) : torch.takeAlongDim(a, b, p.dim);
    case "put":
      return method
        ? a.put(b, s, { accumulate: p.accumulate })
        : torch.put(a, b, s, { accumulate: p.accumulate });
    case "diff":
      return method
        ? a.diff({ n: p.n, dim: p.dim, prepend: b, append: s })
        : torch.diff(a, p.n ?? 1, p.dim ?? -1, b ?? null, s ?? null);
    case "broadcastTensors":
      return torch.broadcastTensors(...xs);
    case "broadcastTo":
      return method ? a.broadcastTo(p.shape) : torch.broadcastTo(a, p.shape);
    case "trilIndices":
      return torch.trilIndices(p.row, p.col, p.offset, { device });
    case "triuIndices":
      return torch.triuIndices(p.row, p.col, p.offset, { device });
    case "selectScatter":
      return method ? a.selectScatter(b, p.dim, p.index) : torch.selectScatter(a, b, p.dim, p.index);
    case "sliceScatter":
      return method ? a.sliceScatter(b, p) : torch.sliceScatter(a, b, p);
    case "diagonalScatter":
      return method
        ? a.diagonalScatter(b, p.offset, p.dim1, p.dim2)
        : torch.diagonalScatter(a, b, p.offset, p.dim1, p.dim2);
    case "diagEmbed":
      return method ? a.diagEmbed(p.offset, p.dim1, p.dim2) : torch.diagEmbed(a, p.offset, p.dim1, p.dim2);
    case "diagflat":
      return method ? a.diagflat(p.offset) : torch.diagflat(a, p.offset);
    case "blockDiag":
      return torch.blockDiag(...xs);
    case "cartesianProd":
      return torch.cartesianProd(...xs);
    case "combinations":
      return torch.combinations(a, { r: p.r, withReplacement: p.withReplacement });
    case "vander":
      return torch.vander(a, p.N, p.increasing);
    case "linalg.vander":
      return torch.linalg.vander(a, { N: p.N });
    case "narrowCopy":
      return method ? a.narrowCopy(p.dim, p.start, p.length) : torch.narrowCopy(a, p.dim, p.start, p.length);
    case "maskedScatter":
      return method ? a.maskedScatter(b, s) : torch.maskedScatter(a, b, s);
    case "indexReduce": {
      const index = torch.tensor(p.index as number[], { device });
      return method
        ? a.indexReduce(p.dim, index, b, p.reduce, { includeSelf: p.includeSelf })
        : torch.indexReduce(a, p.dim, index, b, p.reduce, { includeSelf: p.includeSelf });
    }
    case "unfold":
      return a.unfold(p.dim, p.size, p.step);
    case "unfoldT":
      return a.t().unfold(p.dim, p.size, p.step);
    case "sumToSize":
      return a.sumToSize(p.size);
    case "fillDiagonal_":
      return a.mul(1).fillDiagonal_(p.value, p.wrap);
  }
  throw new Error(`no edgetorch call for ${c.op}`);
}

const METHODS = new Set([
  "addmm",
  "addmv",
  "addr",
  "addbmm",
  "baddbmm",
  "mv",
  "inner",
  "kron",
  "vdot",
  "matrixPower",
  "cross",
  "moveaxis",
  "ravel",
  "select",
  "tensorSplit",
  "hsplit",
  "vsplit",
  "dsplit",
  "atleast1d",
  "atleast2d",
  "atleast3d",
  "fliplr",
  "flipud",
  "rot90",
  "take",
  "takeAlongDim",
  "put",
  "diff",
  "broadcastTo",
  "selectScatter",
  "sliceScatter",
  "diagonalScatter",
  "diagEmbed",
  "diagflat",
  "narrowCopy",
  "maskedScatter",
  "indexReduce",
]);

/** sum(out_i * w_i), w = linspace(0.5, 1.5, numel) in out's shape, as the fixture script. */
function weightedLoss(outs: Tensor[]): Tensor | null {
  let loss: Tensor | null = null;
  for (const o of outs) {
    if (!o.requiresGrad || !o.isFloatingPoint()) continue;
    const w = torch.linspace(0.5, 1.5, o.numel(), { device: o.device }).reshape([...o.shape]);
    const term = o.mul(w).sum();
    loss = loss === null ? term : loss.add(term);
  }
  return loss;
}

const tol = (
  c: Case,
) => (/matrix_power|multi_dot|chain|addbmm|baddbmm/.test(c.name)
  ? { rtol: 1e-4, atol: 1e-4 }
  : { rtol: 1e-5, atol: 1e-5 });

for (const method of [false, true]) {
  deviceTest(
    `shape ops match PyTorch 1.13 (values and gradients${method ? ", as methods" : ""})`,
    async (device) => {
      let checked = 0;
      for (const c of CASES) {
        if (method && !METHODS.has(c.op)) continue;
        const xs = c.inputs.map((e) => dec(e, device, e.dtype.startsWith("float")));
        const out = call(c, xs, method, device);
        const outs = Array.isArray(out) ? out : [out];
        const want = Array.isArray(c.out) ? c.out : [c.out];
        assert.equal(outs.length, want.length, `${c.name}: ${outs.length} outputs, expected ${want.length}`);
        for (let i = 0; i < want.length; i++) {
          assert.equal(outs[i].device, device, `${c.name}: output ${i} device`);
          assert.equal(outs[i].dtype, want[i].dtype, `${c.name}: output ${i} dtype`);
          await assertCloseAsync(outs[i], dec(want[i]).reshape(want[i].shape), {
            ...tol(c),
            msg: `${c.name} out ${i}`,
          });
        }
        if (c.grads) {
          const loss = weightedLoss(outs);
          assert.ok(loss !== null, `${c.name}: output requires grad`);
          loss.backward();
          for (let i = 0; i < c.grads.length; i++) {
            const g = c.grads[i];
            if (g === null) continue;
            assert.ok(xs[i].grad !== null, `${c.name}: input ${i} got a gradient`);
            await assertCloseAsync(xs[i].grad!, dec(g).reshape(g.shape), {
              ...tol(c),
              msg: `${c.name} grad ${i}`,
            });
          }
        }
        checked++;
      }
      assert.ok(checked >= (method ? 60 : 139), `checked ${checked} cases`);
    },
  );
}

deviceTest("shape ops: finite-difference gradchecks", async (device) => {
  const r = (...shape: number[]) =>
    torch.randn(shape, { generator: new torch.Generator(shape.length * 7 + shape[0]) })
      .to(device).requiresGrad_();
  const opts = { eps: 1e-2, atol: 5e-3, rtol: 3e-2 };
  const well = torch.eye(3).mul(2).add(torch.randn([3, 3], { generator: new torch.Generator(5) }).mul(0.3))
    .to(device)
    .requiresGrad_();
  await gradcheckAsync((x) => x.unfold(1, 3, 1), [r(2, 5)], { ...opts, msg: "unfold overlapping" });
  await gradcheckAsync((x) => x.unfold(0, 2, 3), [r(7)], { ...opts, msg: "unfold gaps" });
  await gradcheckAsync(
    (i, a, b) => torch.addmm(i, a, b, { beta: 0.5, alpha: 2 }),
    [r(3), r(2, 4), r(4, 3)],
    opts,
  );
  await gradcheckAsync((i, a, b) => torch.baddbmm(i, a, b), [r(2, 1, 3), r(2, 2, 4), r(2, 4, 3)], opts);
  await gradcheckAsync((a, b) => torch.kron(a, b), [r(2, 3), r(2, 2)], opts);
  await gradcheckAsync((a, b) => torch.tensordot(a, b, [[0, 2], [1, 0]]), [r(2, 3, 4), r(4, 2, 3)], opts);
  await gradcheckAsync((a) => torch.matrixPower(a, -2), [well], { ...opts, msg: "matrixPower -2" });
  await gradcheckAsync((a) => torch.matrixPower(a, 3), [well], { ...opts, msg: "matrixPower 3" });
  await gradcheckAsync((a, b) => torch.cross(a, b, 1), [r(2, 3), r(2, 3)], opts);
  await gradcheckAsync((a, b, c) => torch.linalg.multiDot([a, b, c]), [r(3), r(3, 4), r(4, 2)], opts);
  await gradcheckAsync((a, s) => torch.diagonalScatter(a, s, 1), [r(3, 4), r(3)], opts);
  await gradcheckAsync(
    (a, s) => torch.sliceScatter(a, s, { dim: 1, start: 0, step: 2 }),
    [r(3, 4), r(3, 2)],
    opts,
  );
  await gradcheckAsync((a) => torch.diagEmbed(a, -1, 0, 2), [r(2, 3)], opts);
  await gradcheckAsync(
    (a, s) => {
      const mask = torch.tensor([[true, false, true], [false, true, true]]).to(a.device);
      return torch.maskedScatter(a, mask, s);
    },
    [r(2, 3), r(5)],
    opts,
  );
  await gradcheckAsync((a) => torch.vander(a, 4), [r(3)], opts);
  await gradcheckAsync((a, b) => torch.blockDiag(a, b), [r(2, 2), r(3)], opts);
  await gradcheckAsync((a) => torch.rot90(a, 3), [r(2, 3)], opts);
  await gradcheckAsync((a, p) => torch.diff(a, 2, 0, p), [r(4, 2), r(1, 2)], opts);
  await gradcheckAsync((a) => torch.combinations(a, { r: 3 }), [r(4)], opts);
  await gradcheckAsync(
    (a, s) => torch.put(a, torch.tensor([1, 1, 3]).to(a.device), s, { accumulate: true }),
    [
      r(2, 2),
      r(3),
    ],
    opts,
  );
  await gradcheckAsync((a) => a.mul(1).fillDiagonal_(2, true), [r(5, 2)], opts);
  await gradcheckAsync((a) => a.sumToSize(2, 1), [r(3, 2, 4)], opts);
  await gradcheckAsync(
    (a, s) => torch.indexReduce(a, 1, torch.tensor([2, 0, 2]).to(a.device), s, "prod"),
    [r(2, 3), r(2, 3)],
    opts,
  );
  await gradcheckAsync(
    (a) => torch.takeAlongDim(a, torch.tensor([[2], [0]]).to(a.device), 1),
    [r(2, 3)],
    opts,
  );
});

deviceTest("unfold is a view of the input (no copy), and double backward works", async (device) => {
  const x = torch.arange(6, { dtype: "float32", device });
  const u = x.unfold(0, 2, 2);
  assert.equal(u._storage, x._storage);
  assert.deepEqual(u.stride(), [2, 1]);
  x.add_(10);
  assert.deepEqual(await u.toArrayAsync(), [[10, 11], [12, 13], [14, 15]]);
  // Second order: d/dx sum((unfold x)^2) = 2 * x * coverage; its gradient again through unfold.
  const y = torch.tensor([1, 2, 3, 4], { dtype: "float32", device, requiresGrad: true });
  const [g] = torch.autograd.grad(y.unfold(0, 3, 1).pow(2).sum(), [y], { createGraph: true });
  assert.deepEqual(await g!.toArrayAsync(), [2, 8, 12, 8]);
  const [gg] = torch.autograd.grad(g!.sum(), [y]);
  assert.deepEqual(await gg!.toArrayAsync(), [2, 4, 4, 2]);
  const z = torch.tensor(5, { device });
  assert.deepEqual(await z.unfold(0, 1, 1).toArrayAsync(), [5]);
});

deviceTest("new* constructors take the tensor's dtype and device unless given", async (device) => {
  const x = torch.ones(2, { dtype: "int32", device });
  for (const t of [x.newZeros(2, 3), x.newOnes([2, 3]), x.newEmpty(2, 3), x.newFull([2, 3], 7)]) {
    assert.deepEqual([t.shape, t.dtype, t.device], [[2, 3], "int32", device]);
  }
  assert.deepEqual(await x.newFull([2], 7).toArrayAsync(), [7, 7]);
  assert.deepEqual(await x.newOnes(2).toArrayAsync(), [1, 1]);
  const f = x.newZeros(3, { dtype: "float32" });
  assert.deepEqual([f.dtype, f.device], ["float32", device]);
  const nt = x.newTensor([[1, 2]]);
  assert.deepEqual([nt.dtype, nt.device, await nt.toArrayAsync()], ["int32", device, [[1, 2]]]);
  const g = x.newZeros([1], { requiresGrad: true, dtype: "float32" });
  assert.equal(g.requiresGrad, true);
  assert.equal(x.typeAs(torch.zeros(1)).dtype, "float32");
  const same = x.typeAs(x);
  assert.ok(same !== x && same._storage === x._storage);
  assert.equal(x.nelement(), 2);
  assert.equal(torch.zeros(2, 3, 4).ndimension(), 3);
  assert.equal(torch.numel(torch.zeros(2, 3, { device })), 6);
});

deviceTest("in-place products and scatters write into the tensor and keep autograd", async (device) => {
  const x = torch.ones(2, 2, { device });
  x.addmm_(torch.eye(2, { device }), torch.tensor([[1, 2], [3, 4]], { dtype: "float32", device }), {
    beta: 2,
  });
  assert.deepEqual(await x.toArrayAsync(), [[3, 4], [5, 6]]);
  const y = torch.zeros(2, 3, { device });
  y.put_(torch.tensor([0, 5], { device }), torch.tensor([1, 2], { dtype: "float32", device }));
  assert.deepEqual(await y.toArrayAsync(), [[1, 0, 0], [0, 0, 2]]);
  y.maskedScatter_(
    torch.tensor([true, false, true], { device }),
    torch.tensor([7, 8, 9, 10], { dtype: "float32", device }),
  );
  assert.deepEqual(await y.toArrayAsync(), [[7, 0, 8], [9, 0, 10]]);
  const leaf = torch.zeros(2, 2, { device, requiresGrad: true });
  assertThrowsMsg(() => leaf.fillDiagonal_(1), /fillDiagonal_: a leaf Variable that requires grad/);
  const w = torch.zeros(2, 2, { device, requiresGrad: true });
  const v = w.mul(1);
  v.addr_(torch.ones(2, { device }), torch.tensor([1, 2], { dtype: "float32", device }), { beta: 3 });
  assert.deepEqual(await v.toArrayAsync(), [[1, 2], [1, 2]]);
  v.sum().backward();
  assert.deepEqual(await w.grad!.toArrayAsync(), [[3, 3], [3, 3]]);
});

Deno.test("shape ops: views and aliases where PyTorch gives them", () => {
  const x = torch.arange(12).view(3, 4);
  for (
    const v of [torch.select(x, 0, 1), x.ravel(), torch.moveaxis(x, 0, 1), torch.broadcastTo(x, [2, 3, 4])]
  ) {
    assert.equal(v._storage, x._storage);
  }
  for (const v of [...torch.tensorSplit(x, 3, 1), ...torch.hsplit(x, 2), ...torch.vsplit(x, [1])]) {
    assert.equal(v._storage, x._storage);
  }
  assert.notEqual(torch.narrowCopy(x, 0, 0, 1)._storage, x._storage);
  assert.notEqual(x.T.ravel()._storage, x._storage);
  assert.deepEqual(torch.broadcastShapes([1, 3], [2, 1], 3), [2, 3]);
  assert.deepEqual(torch.atleast1d(x).shape, [3, 4]);
  assert.deepEqual(x.sumToSize(3, 4).toArray(), x.toArray());
  assert.equal(torch.cartesianProd(torch.tensor([1, 2])).shape[0], 2);
  assert.deepEqual(torch.blockDiag().shape, [0, 0]);
  const ts = torch.tensorSplit(torch.arange(5), torch.tensor([2]));
  assert.deepEqual(ts.map((t) => t.toArray()), [[0, 1], [2, 3, 4]]);
  assert.equal(torch.matrixPower(torch.eye(2), 1).gradFn, null);
});

Deno.test("shape ops: bad input gets errors naming the op, the shapes and what was expected", () => {
  const m = torch.ones(2, 3), v = torch.ones(3);
  const cases: [() => unknown, RegExp][] = [
    [
      () => torch.addmm(torch.ones(2, 2), m, m),
      /^addmm: mat1 and mat2 shapes cannot be multiplied \(2x3 and 2x3\)/,
    ],
    [
      () => torch.addmm(torch.ones(3, 3), m, m.T),
      /^addmm: input of shape \[3, 3\] cannot be broadcast to the product's shape \[2, 2\]/,
    ],
    [
      () => torch.addmm(m, v, m),
      /^addmm: expected mat1 and mat2 to be matrices, got shapes \[3\] and \[2, 3\]/,
    ],
    [
      () =>
        torch.addmm(
          torch.ones(2, 2, { dtype: "int32" }),
          torch.ones(2, 2, { dtype: "int32" }),
          torch.ones(2, 2, { dtype: "int32" }),
          { alpha: 0.5 },
        ),
      /^addmm: for integral input tensors, alpha must not be a floating point number/,
    ],
    [
      () => torch.addmv(torch.ones(2), m, torch.ones(2)),
      /^addmv: expected a matrix \[n, m\] and a vector \[m\], got shapes \[2, 3\] and \[2\]/,
    ],
    [() => torch.addr(m, m, v), /^addr: expected 1-d vectors, got vec1 of shape \[2, 3\]/],
    [
      () => torch.addbmm(m, torch.ones(2, 2, 3), torch.ones(3, 3, 2)),
      /^addbmm: batch1 \[2, 2, 3\] and batch2 \[3, 3, 2\] cannot be multiplied \(expected \[b, n, m\] and \[b, m, p\]\)/,
    ],
    [
      () => torch.baddbmm(m, m, m),
      /^baddbmm: expected 3-d batch1 and batch2, got shapes \[2, 3\] and \[2, 3\]/,
    ],
    [() => torch.mv(m, torch.ones(2)), /^mv: expected a matrix \[n, m\] and a vector \[m\]/],
    [
      () => torch.inner(m, torch.ones(2)),
      /^inner: expected the last dims of both inputs to match, got shapes \[2, 3\] and \[2\]/,
    ],
    [
      () => torch.vdot(v, torch.ones(2)),
      /^vdot: expected two 1-d tensors of the same length, got shapes \[3\] and \[2\]/,
    ],
    [
      () => torch.tensordot(m, m, 1),
      /^tensordot: contracted dimensions need to match, but first has size 3 in dim 1 and second has size 2 in dim 0/,
    ],
    [() => torch.tensordot(m, m, [[0], [0, 1]]), /^tensordot: both dimension lists should have same length/],
    [
      () => torch.tensordot(m, m, 3),
      /^tensordot: cannot contract 3 dims of tensors of shapes \[2, 3\] and \[2, 3\]/,
    ],
    [
      () => torch.chainMatmul(m, m),
      /^chainMatmul: tensor 0 of shape \[2, 3\] and tensor 1 of shape \[2, 3\] cannot be multiplied/,
    ],
    [() => torch.linalg.multiDot([m]), /^linalg.multiDot: expected at least 2 tensors, got 1/],
    [
      () => torch.linalg.multiDot([m, torch.ones(3), m.T]),
      /^linalg.multiDot: tensor 1 must be 2-d \(only the first and last may be 1-d\), got shape \[3\]/,
    ],
    [
      () => torch.matrixPower(m, 2),
      /^matrixPower: expected a tensor of square matrices \[\.\.\., m, m\], got shape \[2, 3\]/,
    ],
    [
      () => torch.matrixPower(torch.ones(2, 2, { dtype: "int32" }), -1),
      /^matrixPower: negative powers need a floating point input/,
    ],
    [() => torch.linalg.matrixPower(torch.zeros(2, 2), -1), /^linalg.matrixPower: .*singular/],
    [
      () => torch.cross(torch.ones(2, 2), torch.ones(2, 2)),
      /^cross: no dimension of size 3 in input of shape \[2, 2\]/,
    ],
    [
      () => torch.linalg.cross(torch.ones(3, 2), torch.ones(3, 2)),
      /^linalg.cross: inputs dimension -1 must have length 3, got shapes \[3, 2\] and \[3, 2\]/,
    ],
    [
      () => torch.linalg.cross(torch.ones(3), torch.ones(2, 3)),
      /^linalg.cross: inputs must have the same number of dimensions, got shapes \[3\] and \[2, 3\]/,
    ],
    [
      () => torch.linalg.vecdot(m, torch.ones(2)),
      /^linalg.vecdot: shapes \[2, 3\] and \[2\] cannot be broadcast together/,
    ],
    [() => torch.select(m, 1, 3), /^select: index 3 is out of bounds for dimension 1 with size 3/],
    [() => torch.select(torch.tensor(1), 0, 0), /^select: cannot be applied to a 0-dim tensor/],
    [() => torch.tensorSplit(m, 0), /^tensorSplit: number of sections must be larger than 0, got 0/],
    [
      () => torch.tensorSplit(m, 2, 2),
      /^tensorSplit: dimension out of range \(expected to be in range of \[-2, 1\], but got 2\)/,
    ],
    [
      () => torch.hsplit(m, 2),
      /^hsplit: attempted to split along dimension 1, but the size of the dimension 3 is not divisible by the split_size 2/,
    ],
    [
      () => torch.vsplit(v, 1),
      /^vsplit: requires a tensor with at least 2 dimensions, but got a tensor with 1 dimensions \(shape \[3\]\)/,
    ],
    [() => torch.dsplit(m, 1), /^dsplit: requires a tensor with at least 3 dimensions/],
    [() => torch.hstack([]), /^hstack: expected a non-empty list of tensors/],
    [
      () => torch.vstack([m, torch.ones(2)]),
      /^vstack: sizes of tensors must match except in dimension 0: tensor 0 has shape \[2, 3\] but tensor 1 has shape \[1, 2\]/,
    ],
    [() => torch.fliplr(v), /^fliplr: input must be >= 2-d, got shape \[3\]/],
    [() => torch.flipud(torch.tensor(1)), /^flipud: input must be >= 1-d/],
    [() => torch.rot90(m, 1, [0, 0]), /^rot90: expected rotation dims to be different/],
    [() => torch.rot90(v), /^rot90: expected total dims >= 2, but got a tensor of shape \[3\]/],
    [() => torch.take(m, torch.tensor([6])), /^take: index 6 is out of bounds for dimension 0 with size 6/],
    [() => torch.take(m, torch.tensor([0.5])), /^take: expected an int32 index tensor, got float32/],
    [
      () => torch.takeAlongDim(m, torch.tensor([0]), 1),
      /^takeAlongDim: input and indices should have the same number of dimensions, but got 2 dimensions for input \(shape \[2, 3\]\) and 1 for indices \(shape \[1\]\)/,
    ],
    [
      () => torch.put(m, torch.tensor([0, 1]), torch.ones(3)),
      /^put: expected source and index to have the same number of elements, but got 3 \(shape \[3\]\) and 2 \(shape \[2\]\)/,
    ],
    [() => torch.diff(torch.tensor(1)), /^diff: expects input to be at least one-dimensional/],
    [
      () => torch.diff(m, 1, 1, torch.ones(3, 1)),
      /^diff: prepend of shape \[3, 1\] must have the shape of input \[2, 3\] except along dim 1/,
    ],
    [() => torch.diff(m, -1), /^diff: order must be non-negative but got -1/],
    [
      () => torch.broadcastTensors(m, torch.ones(2)),
      /^broadcastTensors: shapes \[2, 3\] and \[2\] cannot be broadcast together/,
    ],
    [() => torch.broadcastTo(m, [3, 3]), /^broadcastTo: /],
    [
      () => torch.broadcastShapes([2], [3]),
      /^broadcastShapes: shapes \[2\] and \[3\] cannot be broadcast together/,
    ],
    [() => torch.trilIndices(-1, 2), /^trilIndices: row must be a non-negative integer, got -1/],
    [
      () => torch.selectScatter(m, torch.ones(3), 1, 0),
      /^selectScatter: expected src to have a size equal to the slice of self. src size = \[3\], slice size = \[2\]/,
    ],
    [
      () => torch.sliceScatter(m, torch.ones(2, 2), { dim: 1, start: 1, end: 2 }),
      /^sliceScatter: expected src to have a size equal to the slice of self. src size = \[2, 2\], slice size = \[2, 1\]/,
    ],
    [
      () => torch.diagonalScatter(m, torch.ones(3)),
      /^diagonalScatter: expected src to have a size equal to the diagonal of self. src size = \[3\], diagonal size = \[2\]/,
    ],
    [
      () => torch.diagonalScatter(m, torch.ones(2, { dtype: "int32" })),
      /^diagonalScatter: expected src to have the dtype of input \(float32\), got int32/,
    ],
    [
      () => torch.diagEmbed(torch.ones(2), 0, 1, 1),
      /^diagEmbed: diagonal dimensions cannot be identical 1, 1/,
    ],
    [
      () => torch.blockDiag(torch.ones(1, 1, 1)),
      /^blockDiag: input tensors must have 2 or fewer dimensions, input 0 has shape \[1, 1, 1\]/,
    ],
    [() => torch.cartesianProd(m), /^cartesianProd: expected 1D tensor, but input 0 has shape \[2, 3\]/],
    [() => torch.combinations(m), /^combinations: expect a 1D vector, but got shape \[2, 3\]/],
    [() => torch.vander(m), /^vander: x must be a one-dimensional tensor, got shape \[2, 3\]/],
    [() => torch.linalg.vander(v, { N: 1 }), /^linalg.vander: N must be greater than 1, got 1/],
    [
      () => torch.narrowCopy(m, 1, 2, 2),
      /^narrowCopy: start \(2\) \+ length \(2\) exceeds dimension size \(3\) of dim 1/,
    ],
    [
      () => torch.maskedScatter(m, torch.ones(2, 3, { dtype: "bool" }), torch.ones(5)),
      /^maskedScatter: number of elements in source \(5, shape \[5\]\) < number of ones in mask \(6\)/,
    ],
    [
      () => torch.maskedScatter(m, torch.ones(3), torch.ones(6)),
      /^maskedScatter: expected a bool mask, got float32/,
    ],
    [
      () => torch.maskedScatter(m, torch.ones(2, 1, { dtype: "bool" }), torch.ones(6, { dtype: "int32" })),
      /^maskedScatter: expected self and source to have the same dtype, got float32 and int32/,
    ],
    [
      () => m.unfold(1, 4, 1),
      /^unfold: maximum size for tensor at dimension 1 is 3 but size is 4 \(input shape \[2, 3\]\)/,
    ],
    [() => m.unfold(1, 2, 0), /^unfold: step is 0 but must be > 0/],
    [() => m.sumToSize(2), /^sumToSize: size \[2\] is not expandable to size \[2, 3\]/],
    [
      () => torch.ones(2, 3, 4).fillDiagonal_(1),
      /^fillDiagonal_: all dimensions of input must be of equal length, got shape \[2, 3, 4\]/,
    ],
    [() => v.mul(1).fillDiagonal_(1), /^fillDiagonal_: dimensions must larger than 1, got shape \[3\]/],
  ];
  for (const [fn, pattern] of cases) {
    try {
      assertThrowsMsg(fn, pattern);
    } catch (e) {
      throw new Error(`expected ${pattern}: ${(e as Error).message}`);
    }
  }
});
