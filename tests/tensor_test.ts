/**
 * Creation, properties, dtypes and conversion, reading and printing through Tensor, on both
 * devices (tests/devices.ts): tensors are created on the device (creation on the GPU builds the
 * values on the host, random ones from the same CPU stream, and uploads them) and read with the
 * async reads; printing on the GPU is checked through `toStringAsync()`.
 */
import * as torch from "../mod.ts";
import type { CreateOptions, Device, TensorData } from "../mod.ts";
import { assert, assertArrayAsync, assertCloseAsync, assertThrowsMsg } from "./helpers.ts";
import { deviceTest } from "./devices.ts";

/** The device of the running test: the creation helpers below make their tensors there. */
let dev: Device = "cpu";
type Args = (number | number[] | CreateOptions)[];
function onDev<A extends unknown[]>(args: A): A {
  const last = args[args.length - 1];
  if (last !== null && typeof last === "object" && !Array.isArray(last) && !ArrayBuffer.isView(last)) {
    return [...args.slice(0, -1), { device: dev, ...last }] as A;
  }
  return [...args, { device: dev }] as A;
}
const tensor = (v: TensorData, o: CreateOptions = {}) => torch.tensor(v, { device: dev, ...o });
const zeros = (...a: Args) => torch.zeros(...onDev(a));
const ones = (...a: Args) => torch.ones(...onDev(a));
const full = (shape: number[], v: number, o: CreateOptions = {}) =>
  torch.full(shape, v, { device: dev, ...o });
const arange = (...a: (number | CreateOptions)[]) => torch.arange(...onDev(a));
const linspace = (a: number, b: number, n: number) => torch.linspace(a, b, n, { device: dev });
const eye = (n: number, m: number) => torch.eye(n, m, { device: dev });
const rand = (...a: (number | number[] | torch.RandomOptions)[]) => torch.rand(...onDev(a));
const randn = (...a: (number | number[] | torch.RandomOptions)[]) => torch.randn(...onDev(a));
const randint = (lo: number, hi: number, shape: number[]) => torch.randint(lo, hi, shape, { device: dev });
const randperm = (n: number) => torch.randperm(n, { device: dev });
/**
 * Asserts how `t` prints: `cpuForm` on the CPU (String() and console.log); on the GPU, String()
 * says where the tensor lives without reading it, and `toStringAsync()` gives `cpuForm` with
 * PyTorch's device suffix (first among the suffixes).
 */
async function assertPrints(t: torch.Tensor, cpuForm: string): Promise<void> {
  if (dev === "cpu") {
    assert.equal(String(t), cpuForm);
    assert.equal(Deno.inspect(t), cpuForm);
    assert.equal(await t.toStringAsync(), cpuForm);
    return;
  }
  assert.match(String(t), new RegExp(`^tensor\\(<${t.numel()} elements of ${t.dtype} on device '${dev}'`));
  assert.equal(Deno.inspect(t), String(t));
  const cut = [", dtype=", ", requires_grad=", ", grad_fn="].map((k) => cpuForm.indexOf(k)).filter((i) =>
    i >= 0
  );
  const at = cut.length > 0 ? Math.min(...cut) : cpuForm.length - 1;
  assert.equal(await t.toStringAsync(), `${cpuForm.slice(0, at)}, device='${dev}'${cpuForm.slice(at)}`);
}

deviceTest("tensor(): nested arrays of any depth, 0-d, typed arrays, inferred dtypes", async (device) => {
  dev = device;
  assert.deepEqual(tensor([[[1], [2]], [[3], [4]]]).shape, [2, 2, 1]);
  const s = tensor(3.5);
  assert.deepEqual(s.shape, []);
  assert.equal(await s.itemAsync(), 3.5);
  assert.equal(tensor([1.5, 2]).dtype, "float32");
  assert.equal(tensor([1, 2]).dtype, "int32");
  assert.equal(tensor([true, false]).dtype, "bool");
  await assertArrayAsync(tensor([true, false]), [true, false]);
  assert.equal(tensor(new Float32Array([1, 2])).dtype, "float32");
  assert.equal(tensor(new Uint8Array([1, 2])).dtype, "uint8");
  assert.equal(tensor([]).dtype, "float32");
  assert.deepEqual(tensor([]).shape, [0]);
  assert.equal(tensor([1, 2], { dtype: "float16" }).dtype, "float16");
});

deviceTest("tensor(): ragged and non-numeric input is rejected with a clear message", (device) => {
  dev = device;
  assertThrowsMsg(() => torch.tensor([[1, 2], [3]]), /expected sequence of length 2 at dim 1 \(got 1/);
  assertThrowsMsg(() => torch.tensor([1, "a" as unknown as number]), /expected a number or boolean at \[1\]/);
  assertThrowsMsg(() => torch.tensor([1, 2], { dtype: "int64" as never }), /unknown dtype "int64"/);
  assertThrowsMsg(() => torch.tensor([NaN], { dtype: "int32" }), /cannot be converted to int32/);
});

deviceTest("creation functions: shapes as varargs or arrays, dtypes, values", async (device) => {
  dev = device;
  assert.deepEqual(zeros(2, 3).shape, [2, 3]);
  assert.deepEqual(zeros([2, 3]).shape, [2, 3]);
  await assertArrayAsync(ones(2, { dtype: "int32" }), [1, 1]);
  await assertArrayAsync(full([2], 7), [7, 7]);
  assert.equal(full([2], 7).dtype, "int32");
  assert.equal(full([2], 0.5).dtype, "float32");
  await assertArrayAsync(arange(4), [0, 1, 2, 3]);
  await assertArrayAsync(arange(2, 8, 3), [2, 5]);
  await assertArrayAsync(arange(0, 1, 0.25), [0, 0.25, 0.5, 0.75]);
  assert.equal(arange(0, 1, 0.25).dtype, "float32");
  await assertCloseAsync(linspace(-1, 1, 5), [-1, -0.5, 0, 0.5, 1]);
  await assertArrayAsync(eye(2, 3), [[1, 0, 0], [0, 1, 0]]);
  await assertArrayAsync(torch.zerosLike(ones(2, { dtype: "int32" })), [0, 0]);
  assert.equal(torch.onesLike(ones(2, { dtype: "int32" })).dtype, "int32");
  assertThrowsMsg(() => torch.zeros(-1), /non-negative integers/);
  assertThrowsMsg(() => torch.arange(0, 5, 0), /step must be nonzero/);
});

deviceTest("random functions are reproducible under manualSeed and have sane statistics", async (device) => {
  dev = device;
  torch.manualSeed(314);
  const a = rand(1000);
  const n = randn(4000);
  const i = randint(3, 7, [500]);
  torch.manualSeed(314);
  await assertArrayAsync(rand(1000), await a.toArrayAsync());
  await assertArrayAsync(randn(4000), await n.toArrayAsync());
  await assertArrayAsync(randint(3, 7, [500]), await i.toArrayAsync());
  const u = await a.dataAsync();
  assert.ok(u.every((v) => v >= 0 && v < 1));
  await assertCloseAsync(a.mean(), 0.5, { atol: 0.05 });
  await assertCloseAsync(n.mean(), 0, { atol: 0.08 });
  await assertCloseAsync(n.std(), 1, { atol: 0.08 });
  const ints = await i.dataAsync();
  assert.ok(ints.every((v) => v >= 3 && v < 7));
  assert.equal(new Set(ints).size, 4);
  const perm = Array.from(await randperm(10).dataAsync()).sort((x, y) => x - y);
  assert.deepEqual(perm, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const g = new torch.Generator(1);
  const r1 = await rand(3, { generator: g }).toArrayAsync();
  g.manualSeed(1);
  await assertArrayAsync(rand(3, { generator: g }), r1);
});

deviceTest("properties: shape, size, ndim, numel, device, isContiguous, stride", (device) => {
  dev = device;
  const x = zeros(2, 3, 4);
  assert.deepEqual(x.size(), [2, 3, 4]);
  assert.equal(x.size(-1), 4);
  assert.equal(x.ndim, 3);
  assert.equal(x.numel(), 24);
  assert.equal(x.device, device);
  assert.equal(x.isContiguous(), true);
  assert.equal(x.transpose(0, 2).isContiguous(), false);
  assert.deepEqual(x.stride(), [12, 4, 1]);
  assertThrowsMsg(
    () => x.size(3),
    /dimension out of range \(expected to be in range of \[-3, 2\], but got 3\)/,
  );
});

deviceTest("dtype conversion: to, float, int, bool, half, with PyTorch semantics", async (device) => {
  dev = device;
  const f = tensor([1.7, -1.7, 0, 300.5]);
  await assertArrayAsync(f.int(), [1, -1, 0, 300]);
  await assertArrayAsync(f.bool(), [true, true, false, true]);
  await assertArrayAsync(tensor([1, 2]).float(), [1, 2]);
  await assertArrayAsync(tensor([300, -1]).to("uint8"), [44, 255]);
  await assertArrayAsync(tensor([0.1, 65504, 1e6, 1e-8]).half(), [
    0.0999755859375,
    65504,
    Infinity,
    0,
  ]);
  await assertArrayAsync(tensor([0.1]).to({ dtype: "float16" }).float(), [0.0999755859375]);
  const h = tensor([1.5, 2.5], { dtype: "float16" });
  assert.equal(h.add(h).dtype, "float16");
  await assertArrayAsync(h.add(h), [3, 5]);
});

deviceTest("type promotion follows PyTorch, including JS numbers and 0-d tensors", async (device) => {
  dev = device;
  const i = tensor([1, 2]), f = tensor([1.5, 2.5]), b = tensor([true, false]);
  assert.equal(i.add(f).dtype, "float32");
  assert.equal(i.add(1).dtype, "int32");
  assert.equal(i.add(0.5).dtype, "float32");
  assert.equal(i.div(2).dtype, "float32");
  await assertArrayAsync(i.div(2), [0.5, 1]);
  assert.equal(b.add(b).dtype, "bool");
  assert.equal(b.add(1).dtype, "int32");
  assert.equal(i.eq(1).dtype, "bool");
  const h = tensor([1, 2], { dtype: "float16" });
  assert.equal(h.add(tensor(1.5)).dtype, "float16", "0-d float32 does not widen a float16 tensor");
  assert.equal(h.add(tensor([1.5])).dtype, "float32");
  assert.equal(i.add(tensor(1.5)).dtype, "float32", "0-d float raises an int tensor's category");
});

deviceTest("reading: item, toArray, data, async forms", async (device) => {
  dev = device;
  const t = tensor([[1, 2], [3, 4]]);
  await assertArrayAsync(t, [[1, 2], [3, 4]]);
  assert.ok((await t.dataAsync()) instanceof Int32Array);
  assert.deepEqual(Array.from(await t.T.dataAsync()), [1, 3, 2, 4]);
  if (device === "cpu") {
    assert.ok(t.dataSync() instanceof Int32Array);
    assert.deepEqual(Array.from(t.T.dataSync()), [1, 3, 2, 4]);
  }
  assert.deepEqual(await t.toArrayAsync(), [[1, 2], [3, 4]]);
  assert.equal(await t.index(1, 1).itemAsync(), 4);
  assert.deepEqual(Array.from(await t.dataAsync()), [1, 2, 3, 4]);
  assertThrowsMsg(() => t.item(), /a Tensor with 4 elements cannot be converted to Scalar/);
  const d = await t.dataAsync();
  d[0] = 100;
  assert.equal(await t.index(0, 0).itemAsync(), 1, "dataAsync() is a copy");
  if (device === "cpu") {
    const ds = t.dataSync();
    ds[0] = 100;
    assert.equal(t.index(0, 0).item(), 1, "dataSync() is a copy");
  }
});

deviceTest("printing matches PyTorch through String() and console.log", async (device) => {
  dev = device;
  await assertPrints(tensor([3.14, 1.59]), "tensor([3.1400, 1.5900])");
  await assertPrints(tensor([[1, 2], [3, 4]], { dtype: "float32" }), "tensor([[1., 2.],\n        [3., 4.]])");
  await assertPrints(tensor([[1, 2], [3, 4]]), "tensor([[1, 2],\n        [3, 4]])");
  await assertPrints(tensor([1e-5, 1e5]), "tensor([1.0000e-05, 1.0000e+05])");
  await assertPrints(tensor([1, 2], { requiresGrad: true }), "tensor([1., 2.], requires_grad=True)");
  await assertPrints(tensor([true]), "tensor([True])");
  await assertPrints(tensor(2.5).mul(2), "tensor(5.)");
  await assertPrints(tensor([[1, 2], [3, 4]]).T, "tensor([[1, 3],\n        [2, 4]])");
});

deviceTest("item(): typed as a number by default, a boolean for bool tensors when asked", async (device) => {
  const loss = torch.tensor(0.25, { device });
  const fixed: string = (await loss.itemAsync()).toFixed(2); // type-checks without a cast
  assert.equal(fixed, "0.25");
  const flag: boolean = await torch.tensor([true, false], { device }).any().itemAsync<boolean>();
  assert.equal(flag, true);
  if (device === "cpu") {
    assert.equal(torch.tensor(3).item() + 1, 4);
    assert.equal(torch.tensor(false).item<boolean>(), false);
  }
});

deviceTest(
  "x.data: a detached tensor sharing the storage, as PyTorch's (old-style updates)",
  async (device) => {
    const w = torch.tensor([1, 2, 3], { dtype: "float32", requiresGrad: true, device });
    w.mul(w).sum().backward();
    const d = w.data;
    assert.equal(d.requiresGrad, false);
    assert.equal(d.gradFn, null);
    assert.equal(d._storage, w._storage);
    // The classic manual SGD step of PyTorch tutorials: `w.data -= lr * w.grad.data`.
    w.data.sub_(w.grad!.data.mul(0.5));
    assert.deepEqual(await w.toArrayAsync(), [0, 0, 0]);
    assert.equal(w.requiresGrad, true, "w itself still requires grad");
  },
);

Deno.test("tensor(typedArray): each kind keeps its values and dtype (copied whole where the dtype holds them)", () => {
  const cases: [ArrayLike<number>, string, number[]][] = [
    [new Float32Array([1.5, -0, NaN, Infinity, 3e38]), "float32", [
      1.5,
      -0,
      NaN,
      Infinity,
      Math.fround(3e38),
    ]],
    [new Float64Array([0.1, -2.5, 1e300]), "float64", [0.1, -2.5, 1e300]],
    [new Int32Array([-(2 ** 31), 7, 2 ** 31 - 1]), "int32", [-(2 ** 31), 7, 2 ** 31 - 1]],
    [new Int16Array([-32768, 5]), "int32", [-32768, 5]],
    [new Int8Array([-128, 127]), "int32", [-128, 127]],
    [new Uint16Array([65535, 1]), "int32", [65535, 1]],
    [new Uint8Array([0, 255]), "uint8", [0, 255]],
    [new Uint8ClampedArray([0, 255]), "uint8", [0, 255]],
    [new Uint32Array([7, 2 ** 31 - 1]), "int32", [7, 2 ** 31 - 1]],
  ];
  for (const [data, dtype, expected] of cases) {
    const t = torch.tensor(data as Float32Array);
    assert.equal(t.dtype, dtype, data.constructor.name);
    assert.deepEqual(Array.from(t.dataSync()), expected, data.constructor.name);
    assert.ok(Object.is(t.dataSync()[1], expected[1]), `${data.constructor.name}: -0 stays -0`);
  }
  // A Uint32Array value beyond int32 still meets the range check; a dtype override converts.
  assert.throws(
    () => torch.tensor(new Uint32Array([2 ** 32 - 1])),
    /does not fit int32|out of range|overflow/i,
  );
  assert.deepEqual(Array.from(torch.tensor(new Float32Array([1.5, 2]), { dtype: "int32" }).dataSync()), [
    1,
    2,
  ]);
  // The tensor owns a copy: changing the source afterwards does not change it.
  const src = new Float32Array([1, 2, 3]);
  const t = torch.tensor(src);
  src[0] = 9;
  assert.deepEqual(Array.from(t.dataSync()), [1, 2, 3]);
});
