/**
 * Edge cases per op family, on both devices: non-contiguous inputs into kernels (expanded, stepped,
 * offset, transposed), bad index values (refused at once on the CPU, reported at the next read on the GPU)
 * and the temporaries ops return to the GPU pool. Expected behaviour is PyTorch 1.13's; the harness
 * (`suite`, `check`) and the list of library bugs these checks guard are in tests/ops_edge_setup.ts.
 */
import * as torch from "../mod.ts";
import type { Tensor } from "../mod.ts";
import { assert, assertArrayAsync, assertCloseAsync, assertRejectsMsg } from "./helpers.ts";
import { deviceTest } from "./devices.ts";
import { arange, check, eye, f32, i32, suite, zeros } from "./ops_edge_setup.ts";

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
