/**
 * Advanced indexing and assignment: x.index with int32 tensors, arrays and masks (PyTorch's
 * placement rules), x.set / setAsync / indexPut_, scatter / scatterReduce, indexCopy / indexFill /
 * indexAdd: values, gradients and grad_fn names against PyTorch 1.13
 * (tools/fixtures/autograd_ext_fixtures.py), on both devices; duplicates, bad indices (including
 * the GPU's checks on the device) and the messages.
 */
import * as torch from "../mod.ts";
import type { Device, IndexSpec, Tensor } from "../mod.ts";
import {
  assert,
  assertArrayAsync,
  assertCloseAsync,
  assertRejectsMsg,
  assertThrowsMsg,
  gradcheck,
} from "./helpers.ts";
import { deviceTest } from "./devices.ts";
import { wasmBackend } from "../src/backends/wasm/backend.ts";

const fx = JSON.parse(await Deno.readTextFile(new URL("./fixtures/autograd_ext.json", import.meta.url)));

const on = (values: number[], shape: number[], device: Device, requiresGrad = false): Tensor =>
  torch.tensor(values, { dtype: "float32" }).reshape(shape).to(device).requiresGrad_(requiresGrad);

type JsonSpec = {
  int?: number;
  slice?: string;
  ellipsis?: boolean;
  none?: boolean;
  tensor?: number[];
  mask?: boolean[];
  shape?: number[];
  list?: number[];
  bool?: boolean;
};

/** The fixture's index specs as edgetorch's (tensors on `device`, or on the CPU when `cpuIndices`). */
function specsOf(specs: JsonSpec[], device: Device, cpuIndices = false): IndexSpec[] {
  const at: Device = cpuIndices ? "cpu" : device;
  return specs.map((s) => {
    if (s.int !== undefined) return s.int;
    if (s.slice !== undefined) return s.slice;
    if (s.ellipsis) return "...";
    if (s.none) return null;
    if (s.tensor !== undefined) return torch.tensor(s.tensor, { dtype: "int32" }).reshape(s.shape!).to(at);
    if (s.mask !== undefined) return torch.tensor(s.mask, { dtype: "bool" }).reshape(s.shape!).to(at);
    if (s.list !== undefined) return s.list;
    return s.bool!;
  });
}

const hasMask = (specs: JsonSpec[]) => specs.some((s) => s.mask !== undefined);

deviceTest(
  "index: PyTorch's advanced indexing (placement, masks, duplicates, negatives) and gradients",
  async (device) => {
    const f = fx.index;
    for (const c of f.cases) {
      for (const cpuIndices of device === "gpu" ? [false, true] : [false]) {
        const x = on(f.x, f.xShape, device, true);
        const specs = specsOf(c.specs, device, cpuIndices);
        const y = device === "gpu" && hasMask(c.specs) ? await x.indexAsync(...specs) : x.index(...specs);
        const msg = `${c.name}${cpuIndices ? " (CPU indices)" : ""}`;
        assert.deepEqual(y.shape, c.shape, msg);
        await assertCloseAsync(y.flatten(), c.values, { msg });
        if (device === "cpu") assert.equal(y.gradFn!.name, c.gradFn, msg);
        const w = torch.linspace(-1, 1, y.numel(), { device }).reshape([...y.shape]);
        y.mul(w).sum().backward();
        await assertCloseAsync(x.grad!.flatten(), c.grad, { msg: `${msg} grad` });
      }
    }
  },
);

deviceTest(
  "set: x[...] = v as PyTorch (values, last write wins, both gradients, grad_fn)",
  async (device) => {
    const f = fx.set;
    for (const c of f.cases) {
      const x = on(f.x, f.xShape, device, true);
      const v = on(c.value, c.valueShape, device, true);
      const y = x.mul(1);
      const specs = specsOf(c.specs, device);
      const scalarMask = hasMask(c.specs) && c.valueShape.length === 0;
      if (device === "gpu" && hasMask(c.specs) && !scalarMask) {
        assertThrowsMsg(
          () => y.set(...specs, v),
          /set: indexing with a bool mask .* use `await x.setAsync\(\.\.\.\)`/,
        );
        await y.setAsync(...specs, v);
      } else y.set(...specs, v);
      await assertCloseAsync(y.flatten(), c.result, { msg: c.name });
      assert.equal(y.gradFn!.name, c.gradFn, c.name);
      y.mul(torch.linspace(-1, 1, y.numel(), { device }).reshape([...y.shape])).sum().backward();
      await assertCloseAsync(x.grad!.flatten(), c.gradX, { msg: `${c.name} grad x` });
      await assertCloseAsync(v.grad!.flatten(), c.gradValue, { msg: `${c.name} grad value` });
    }
    for (const c of f.indexPut) {
      const x = on(f.x, f.xShape, device, true);
      const v = on([1.5, -2, 3, 4], [4], device, true);
      const y = x.mul(1);
      const idx = [torch.tensor([0, 2, 0, 1], { device }), torch.tensor([1, 3, 1, 4], { device })];
      y.indexPut_(idx, v, { accumulate: c.accumulate });
      await assertCloseAsync(y.flatten(), c.result, { msg: `indexPut_ ${c.accumulate}` });
      assert.equal(y.gradFn!.name, c.gradFn);
      y.mul(torch.linspace(-1, 1, y.numel(), { device }).reshape([...y.shape])).sum().backward();
      await assertCloseAsync(x.grad!.flatten(), c.gradX);
      await assertCloseAsync(v.grad!.flatten(), c.gradValue);
    }
  },
);

deviceTest("set / indexPut_ without a graph write in place; views and dtypes", async (device) => {
  const x = torch.zeros([3, 4], { device });
  const before = x._storage;
  x.set(1, "0::2", 5).set([0, 2], ":", torch.tensor([1, 2, 3, 4], { device }));
  x.set(x.gt(3), -1); // a mask and a number: a where, no read of the mask on any device
  assert.equal(x._storage, before);
  await assertArrayAsync(x, [[1, 2, 3, -1], [-1, 0, -1, 0], [1, 2, 3, -1]]);
  // Writing through a view lands in its base.
  const base = torch.zeros([2, 3], { device });
  base.index(1).set([0, 2], 7);
  await assertArrayAsync(base, [[0, 0, 0], [7, 0, 7]]);
  // An int tensor takes float values converted; indexPut_ wants the same dtype.
  const ints = torch.zeros([3], { dtype: "int32", device });
  ints.set([1], 2.7);
  await assertArrayAsync(ints, [0, 2, 0]);
  assertThrowsMsg(
    () => ints.indexPut_([torch.tensor([0], { device })], torch.ones(1, { device })),
    /indexPut_: index put requires the source and destination dtypes match, got int32 for the destination and float32/,
  );
  // The source may overlap the destination.
  const r = torch.arange(5, { device }).float();
  r.set("1:", r.index(":-1"));
  await assertArrayAsync(r, [0, 0, 1, 2, 3]);
  const p = torch.arange(4, { device }).float();
  await assertArrayAsync(p.indexPut([torch.tensor([3, 0], { device })], 9), [9, 1, 2, 9]);
  await assertArrayAsync(p, [0, 1, 2, 3]);
});

deviceTest("index / set: bad indices are clear errors (the GPU checks on the device)", async (device) => {
  const x = torch.arange(12, { device }).reshape(3, 4).float();
  assertThrowsMsg(() => x.index([0, 3]), /index: index 3 is out of bounds for dimension 0 with size 3/);
  assertThrowsMsg(() => x.index(":", [-5]), /index: index -5 is out of bounds for dimension 1 with size 4/);
  assertThrowsMsg(() => x.set([7], 1), /set: index 7 is out of bounds for dimension 0 with size 3/);
  assertThrowsMsg(() => x.index([0.5]), /index: an index array must hold only integers or only booleans/);
  assertThrowsMsg(
    () => x.index(torch.tensor([0.5], { device })),
    /tensors used as indices must be int32 or bool/,
  );
  assertThrowsMsg(
    () => x.index(torch.tensor([1], { dtype: "uint8", device })),
    /a uint8 tensor as an index is ambiguous.*\.bool\(\) for a mask or \.int\(\) for indices/,
  );
  assertThrowsMsg(
    () => x.index({ rows: [0] } as unknown as number),
    /index: unsupported index .*\(supported: integers, slice strings \("1:3", "::2", "-1:"\), "\.\.\.", null \(a new axis\), int32 tensors or arrays of integers \(advanced indexing\), bool tensors or arrays of booleans \(masks\)\)/,
  );
  assertThrowsMsg(() => x.index([0], [0], [0]), /too many indices for tensor of dimension 2 \(got 3\)/);
  assertThrowsMsg(() => x.index([0, 1], [0, 1, 2]), /index: shapes \[2\] and \[3\] cannot be broadcast/);
  assertThrowsMsg(
    () => x.set([0, 1], torch.ones(3, { device })),
    /set: shape mismatch: value tensor of shape \[3\] cannot be broadcast to indexing result of shape \[2, 4\]/,
  );
  if (device === "cpu") {
    assertThrowsMsg(
      () => x.index(torch.tensor([true, false])),
      /the shape of the mask \[2\] at index 0 does not match the shape of the indexed tensor \[3, 4\] at index 0/,
    );
    return;
  }
  // GPU: a mask needs a read (the sync form names the async one); indices computed on the device
  // are checked there and every tensor that depends on them rejects its reads.
  assertThrowsMsg(() => x.index(x.gt(5)), /use `await x\.indexAsync\(\.\.\.\)`/);
  await assertArrayAsync(await x.indexAsync(x.gt(8)), [9, 10, 11]);
  const bad = torch.tensor([0, 2], { device }).add(torch.tensor([0, 2], { device })); // [0, 4]: unknown to the host
  const y = x.index(bad);
  const z = y.sum();
  await assertRejectsMsg(() => y.dataAsync(), /index: index 4 is out of bounds for dimension 0 with size 3/);
  await assertRejectsMsg(() => z.itemAsync(), /index: index 4 is out of bounds for dimension 0 with size 3/);
  await assertArrayAsync(x.index(torch.tensor([2, 0], { device }).add(0)).sum(1), [38, 6]);
  const leaf = torch.ones([3], { device, requiresGrad: true });
  leaf.index(bad.index(0).reshape(1).add(torch.tensor([3], { device }))).sum().backward();
  await assertRejectsMsg(() => leaf.grad!.dataAsync(), /out of bounds for dimension 0 with size 3/);
  const w = torch.zeros([3], { device });
  w.set(bad, 1);
  await assertRejectsMsg(() => w.dataAsync(), /set: index 4 is out of bounds for dimension 0 with size 3/);
});

deviceTest("scatter / scatterReduce / scatterAdd: PyTorch's values and gradients", async (device) => {
  const f = fx.scatter;
  const index = torch.tensor(f.index, { dtype: "int32" }).reshape(f.indexShape).to(device);
  for (const c of f.cases) {
    const random = !c.name.includes("ties");
    const x = on(random ? f.x : f.xi, f.xShape, device, true);
    const s = on(random ? f.src : f.si, f.srcShape, device, true);
    let y: Tensor;
    if (c.name === "scatter src dim 0") y = x.scatter(0, index, s);
    else if (c.name === "scatter src dim 1") {
      y = x.scatter(1, index.index(":", ":3"), s.index(":", ":3"));
    } else if (c.name === "scatter value") y = x.scatter(0, index, 2.5);
    else if (c.name === "scatter_add") y = x.scatterAdd(0, index, s);
    else {
      const [, reduce, inc] = c.name.split(" ");
      y = x.scatterReduce(0, index, s, reduce, { includeSelf: inc === "include_self=True" });
    }
    await assertCloseAsync(y.flatten(), c.result, { rtol: 1e-5, atol: 1e-5, msg: c.name });
    if (c.name !== "scatter_add") assert.equal(y.gradFn!.name, c.gradFn, c.name);
    y.mul(torch.linspace(-1, 1, y.numel(), { device }).reshape([...y.shape])).sum().backward();
    await assertCloseAsync(x.grad!.flatten(), c.gradX, { rtol: 1e-4, atol: 1e-5, msg: `${c.name} grad x` });
    if (c.gradSrc) {
      await assertCloseAsync(s.grad!.flatten(), c.gradSrc, {
        rtol: 1e-4,
        atol: 1e-5,
        msg: `${c.name} grad src`,
      });
    } else assert.equal(s.grad, null);
  }
  const xi = on(f.xi, f.xShape, device), si = on(f.si, f.srcShape, device);
  for (const l of f.legacy) {
    await assertCloseAsync(xi.scatter(0, index, si, { reduce: l.reduce }).flatten(), l.result, {
      msg: l.reduce,
    });
  }
  const ix = torch.tensor([[0, 0, 1, 1]], { device });
  const ints = torch.tensor([[1, 2, 3, 4]], { device }), isrc = torch.tensor([[3, 4, 5, -7]], { device });
  await assertArrayAsync(ints.scatterReduce(1, ix, isrc, "mean").flatten(), f.intMean);
  await assertArrayAsync(
    ints.scatterReduce(1, ix, isrc, "mean", { includeSelf: false }).flatten(),
    f.intMeanExcl,
  );
  const nan = Number.NaN;
  await assertCloseAsync(
    torch.tensor([1, 2, 3, 4], { device }).float().scatterReduce(
      0,
      torch.tensor([0, 0, 1, 1], { device }),
      torch.tensor([nan, 4, 5, 7], { device }),
      "amax",
    ),
    f.nanAmax.map((v: number | null) => v ?? nan),
  );
  await assertCloseAsync(
    torch.tensor([1, nan, 3, 4], { device }).scatterReduce(
      0,
      torch.tensor([0, 0, 1, 1], { device }),
      torch.tensor([1, 4, 5, 7], { device }).float(),
      "amin",
    ),
    f.nanAmin.map((v: number | null) => v ?? nan),
  );
  // In place, and the legacy reduce has no derivative (as PyTorch).
  const t = torch.zeros([3], { device });
  t.scatter_(0, torch.tensor([1, 1, 2], { device }), torch.tensor([1, 2, 3], { device }).float());
  await assertArrayAsync(t, [0, 2, 3]);
  t.scatterReduce_(0, torch.tensor([0, 0], { device }), torch.tensor([5, 6], { device }).float(), "sum");
  await assertArrayAsync(t, [11, 2, 3]);
  const leaf = torch.ones([3], { device, requiresGrad: true });
  const legacy = leaf.scatter(0, torch.tensor([0], { device }), 2, { reduce: "multiply" });
  assert.equal(legacy.gradFn!.name, "NotImplemented");
  assertThrowsMsg(
    () => legacy.sum().backward(),
    /scatter with reduce .* has no derivative \(PyTorch has none either\)/,
  );
});

deviceTest("indexCopy / indexFill / indexAdd: PyTorch's values, gradients and grad_fn", async (device) => {
  const f = fx.scatter;
  for (const c of f.dimwise) {
    const x = on(f.x, f.xShape, device, true);
    const rows = on(f.srcRows, [2, 5], device, true), cols = on(f.srcCols, [3, 2], device, true);
    const i = (v: number[]) => torch.tensor(v, { device });
    let y: Tensor, s = rows;
    switch (c.name) {
      case "index_copy dim 0":
        y = x.indexCopy(0, i([2, 0]), rows);
        break;
      case "index_copy dim 1":
        y = x.indexCopy(1, i([4, 1]), cols);
        s = cols;
        break;
      case "index_add dim 0 alpha":
        y = x.indexAdd(0, i([2, 2]), rows, { alpha: -1.5 });
        break;
      case "index_add dim 1":
        y = x.indexAdd(1, i([0, 0]), cols);
        s = cols;
        break;
      case "index_fill number":
        y = x.indexFill(1, i([1, 3]), -2);
        break;
      default:
        y = x.indexFill(0, i([1]), rows.index(0, 0));
    }
    await assertCloseAsync(y.flatten(), c.result, { msg: c.name });
    assert.equal(y.gradFn!.name, c.gradFn, c.name);
    y.mul(torch.linspace(-1, 1, y.numel(), { device }).reshape([...y.shape])).sum().backward();
    await assertCloseAsync(x.grad!.flatten(), c.gradX, { msg: `${c.name} grad x` });
    if (c.gradSrc) await assertCloseAsync(s.grad!.flatten(), c.gradSrc, { msg: `${c.name} grad source` });
  }
  // In place on a tensor outside any graph.
  const z = torch.zeros([3, 2], { device });
  z.indexCopy_(0, torch.tensor([2, 0], { device }), torch.tensor([[1, 2], [3, 4]], { device }).float());
  z.indexFill_(1, torch.tensor([1], { device }), -1).indexAdd_(
    0,
    torch.tensor([1], { device }),
    torch.ones([1, 2], { device }),
  );
  await assertArrayAsync(z, [[3, -1], [1, 0], [1, -1]]);
  assertThrowsMsg(
    () => z.indexCopy_(0, torch.tensor([0], { device }), torch.ones([1, 3], { device })),
    /indexCopy_: source of shape \[1, 3\] does not fit: expected \[1, 2\]/,
  );
  assertThrowsMsg(
    () => z.indexAdd_(0, torch.tensor([-1], { device }), torch.ones([1, 2], { device })),
    /indexAdd_: index -1 is out of bounds for dimension 0 with size 3/,
  );
  assertThrowsMsg(
    () => z.scatter_(0, torch.tensor([[3]], { device }), 1),
    /scatter_: index 3 is out of bounds for dimension 0 with size 3/,
  );
});

Deno.test("advanced indexing: a loop of index / set / scatterReduce with backward keeps no memory", () => {
  const live = () => wasmBackend().memoryStats().residentCount;
  const x = torch.randn([50, 8], { requiresGrad: true });
  const idx = torch.tensor([3, 7, 7, 0, 49]);
  const step = () =>
    torch.scope(() => {
      const h = x.mul(2);
      h.set(idx, ":", 0.5);
      const y = h.index(idx, [1, 2, 3, 4, 5]).sum().add(
        h.scatterReduce(0, torch.tensor([[0, 1], [0, 1]]), h.index(":2", ":2"), "amax").sum(),
      );
      y.backward();
    });
  step();
  const before = live();
  for (let i = 0; i < 20; i++) step();
  assert.equal(live(), before, "every temporary and saved tensor is released");
});

Deno.test("advanced indexing: gradcheck and second order", () => {
  const idx = torch.tensor([[2, 0], [1, 2]]);
  gradcheck((x) => x.index(idx, ":").pow(2), [torch.randn([3, 2], { requiresGrad: true })]);
  gradcheck(
    (x, v) => x.mul(1).set([0, 2], "::2", v),
    [torch.randn([3, 4], { requiresGrad: true }), torch.randn([2, 2], { requiresGrad: true })],
  );
  gradcheck(
    (x, s) => x.scatterReduce(0, torch.tensor([0, 0, 2]), s, "prod"),
    [torch.randn([3], { requiresGrad: true }), torch.randn([3], { requiresGrad: true })],
  );
  // The gradient of an index is differentiable again (createGraph).
  const x = torch.tensor([1, 2, 3], { requiresGrad: true });
  const y = x.pow(3).index([0, 0, 2]).sum();
  const [g] = torch.autograd.grad(y, x, { createGraph: true });
  assert.deepEqual(g!.toArray(), [6, 0, 27]);
  const [h] = torch.autograd.grad(g!.sum(), x);
  assert.deepEqual(h!.toArray(), [12, 0, 18]);
});
