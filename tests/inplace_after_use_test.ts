/**
 * In-place writes after use, against PyTorch 1.13 (tests/fixtures/inplace_after_use.json, made by
 * tools/fixtures/inplace_fixtures.py): for every op, whether backward refuses a value its formula
 * saved that was overwritten in place, once for the op's input and once for its output. The
 * derivative table's `saves` declarations decide this, on both devices.
 */
import * as torch from "../mod.ts";
import { F } from "../mod.ts";
import type { Tensor } from "../mod.ts";
import { assert } from "./helpers.ts";
import { deviceTest } from "./devices.ts";
import fixture from "./fixtures/inplace_after_use.json" with { type: "json" };

type Op = (h: Tensor, c: Consts) => Tensor | Promise<Tensor>;
interface Consts {
  W: Tensor;
  K: Tensor;
  IDX: Tensor;
  ROWS: Tensor;
  MASK: Tensor;
  TARGET: Tensor;
}

const OPS: Record<string, Op> = {
  neg: (h) => h.neg(),
  abs: (h) => h.abs(),
  exp: (h) => h.exp(),
  log: (h) => h.log(),
  log1p: (h) => h.log1p(),
  sqrt: (h) => h.sqrt(),
  rsqrt: (h) => h.rsqrt(),
  sin: (h) => h.sin(),
  cos: (h) => h.cos(),
  tanh: (h) => h.tanh(),
  sigmoid: (h) => h.sigmoid(),
  relu: (h) => h.relu(),
  sign: (h) => h.sign(),
  floor: (h) => h.floor(),
  round: (h) => h.round(),
  add_scalar: (h) => h.add(2),
  mul_scalar: (h) => h.mul(2),
  mul_self: (h) => h.mul(h),
  div_scalar: (h) => h.div(2),
  rdiv: (h) => torch.div(2, h),
  pow2: (h) => h.pow(2),
  clamp: (h) => h.clamp(0.3, 0.7),
  where: (h, c) => torch.where(c.MASK, h, 0),
  sum: (h) => h.sum(),
  sum_dim: (h) => h.sum(1),
  mean: (h) => h.mean(),
  prod_dim: (h) => h.prod(3),
  amax: (h) => h.amax(3),
  max_dim: (h) => h.max(3).values,
  softmax: (h) => h.softmax(3),
  log_softmax: (h) => h.logSoftmax(3),
  cumsum: (h) => h.cumsum(3),
  var: (h) => h.var(3),
  logsumexp: (h) => h.logsumexp(3),
  norm: (h) => h.norm(),
  view: (h) => h.view(-1),
  transpose: (h) => h.transpose(1, 2),
  index: (h) => h.index(":", 1),
  diagonal: (h) => h.diagonal(0, 2, 3),
  clone: (h) => h.clone(),
  cat: (h) => torch.cat([h, h], 1),
  flip: (h) => h.flip(3),
  repeat: (h) => h.repeat(1, 2, 1, 1),
  gather: (h, c) => h.gather(3, c.IDX),
  index_select: (h, c) => h.indexSelect(0, c.ROWS),
  masked_select: (h, c) => h.maskedSelectAsync(c.MASK),
  sort: (h) => h.sort(3).values,
  topk: (h) => h.topk(2, 3).values,
  matmul: (h, c) => h.matmul(c.W),
  linear: (h, c) => F.linear(h, c.W.T),
  conv2d: (h, c) => F.conv2d(h, c.K, null, { padding: 1 }),
  max_pool2d: (h) => F.maxPool2d(h, 2),
  avg_pool2d: (h) => F.avgPool2d(h, 2),
  cross_entropy: (h, c) => F.crossEntropy(h.reshape(2, -1), c.TARGET),
};

/** Whether backward refuses after writing `which` in place. */
async function refused(op: Op, c: Consts, device: torch.Device, which: "input" | "output"): Promise<boolean> {
  torch.manualSeed(0);
  const x = torch.rand([2, 3, 4, 4], { device }).mul(0.8).add(0.1).requiresGrad_();
  const h = x.mul(1);
  const v = await op(h, c);
  (which === "input" ? h : v).add_(1);
  try {
    v.sum().backward();
    return false;
  } catch (e) {
    if (/modified by an inplace operation/.test((e as Error).message)) return true;
    throw e;
  }
}

deviceTest("in-place writes after use: backward refuses exactly where PyTorch 1.13 does", async (device) => {
  const on = (t: Tensor) => t.to(device);
  const x0 = torch.rand(2, 3, 4, 4);
  const c: Consts = {
    W: on(torch.rand(4, 5)),
    K: on(torch.rand(2, 3, 3, 3)),
    IDX: on(torch.tensor([0, 2, 1, 3]).expand(2, 3, 4, 4).contiguous()),
    ROWS: on(torch.tensor([1, 0, 1])),
    MASK: on(x0.gt(0.5)),
    TARGET: on(torch.tensor([1, 0])),
  };
  assert.equal(fixture.cases.length, Object.keys(OPS).length);
  const mismatches: string[] = [];
  for (const { op, input_modified, output_modified } of fixture.cases) {
    const f = OPS[op];
    assert.ok(f, `no program for ${op}`);
    const inputRefused = await refused(f, c, device, "input");
    if (inputRefused !== input_modified) {
      mismatches.push(`${op}: input written, PyTorch refuses: ${input_modified}`);
    }
    if (output_modified !== null) {
      const outputRefused = await refused(f, c, device, "output");
      if (outputRefused !== output_modified) {
        mismatches.push(`${op}: output written, PyTorch refuses: ${output_modified}`);
      }
    }
  }
  assert.deepEqual(mismatches, []);
});

deviceTest("in-place after use: the issue's example (cumsum) runs as in PyTorch", async (device) => {
  const x = torch.rand([4, 3], { device, requiresGrad: true });
  const h = x.mul(1);
  const v = h.cumsum(0);
  h.add_(1);
  v.sum().backward();
  assert.deepEqual(Array.from(await x.grad!.dataAsync()), [4, 4, 4, 3, 3, 3, 2, 2, 2, 1, 1, 1]);
});
