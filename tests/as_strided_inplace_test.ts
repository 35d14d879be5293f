/**
 * `x.asStrided_(size, stride, storageOffset)` / `torch.asStrided_`: the tensor re-pointed in
 * place at a region of its storage, with PyTorch 1.13's values, strides, offsets, version counter
 * and gradients (tools/fixtures/nn_extras_fixtures.py, key `asStridedInplace`; gradients of
 * `sum(y * linspace(0.5, 1.5))`), also checked by finite differences, and PyTorch's refusals.
 */
import * as torch from "../mod.ts";
import type { Device, Tensor } from "../mod.ts";
import {
  assert,
  assertCloseAsync,
  assertThrowsMsg,
  type EncodedTensor,
  fixtureNumber,
  fixtureTensor,
  gradcheckAsync,
} from "./helpers.ts";
import { deviceTest } from "./devices.ts";

const fx = JSON.parse(await Deno.readTextFile(new URL("./fixtures/nn_extras.json", import.meta.url)));

interface InplaceCase {
  id: string;
  prep: keyof typeof preps;
  input: EncodedTensor;
  size: number[];
  stride: number[];
  offset: number | null;
  out: EncodedTensor;
  outStride: number[];
  outOffset: number;
  version: number;
  grad: EncodedTensor;
}

/** The fixture script's PREPS: the tensor made from the leaf that `asStrided_` re-points. */
const preps = {
  mul1: (x: Tensor) => x.mul(1),
  slice: (x: Tensor) => x.mul(1).narrow(0, 1, x.shape[0] - 1),
  transposed: (x: Tensor) => x.mul(1).reshape(3, 4).t(),
  expanded: (x: Tensor) => x.mul(1).narrow(0, 0, 4).expand(3, 4),
};

for (const c of fx.asStridedInplace as InplaceCase[]) {
  deviceTest(`asStrided_ matches PyTorch: ${c.id}`, async (device: Device) => {
    const x = fixtureTensor(c.input, device, true);
    const y = preps[c.prep](x);
    const version = y._storage._version;
    const r = y.asStrided_(c.size, c.stride, c.offset);
    assert.ok(r === y, "asStrided_ returns its tensor");
    assert.deepEqual([y.shape, y.stride(), y._offset, y.gradFn?.name], [
      c.out.shape,
      c.outStride,
      c.outOffset,
      "AsStridedBackward1",
    ]);
    assert.equal(y._storage._version, version + 1);
    await assertCloseAsync(y.reshape([-1]), c.out.values.map(fixtureNumber), { rtol: 0, atol: 0 });
    const w = torch.linspace(0.5, 1.5, y.numel()).reshape(y.shape).to(device);
    y.mul(w).sum().backward();
    await assertCloseAsync(x.grad!, c.grad.values.map(fixtureNumber), { rtol: 1e-6, atol: 1e-6 });
  });
}

deviceTest("asStrided_: finite-difference gradients, and the function form", async (device: Device) => {
  const x = torch.randn([12], { generator: new torch.Generator(5) }).to(device).requiresGrad_(true);
  await gradcheckAsync((x) => torch.asStrided_(x.mul(1).narrow(0, 2, 9), [3, 3], [2, 1], 3), [x]);
  await gradcheckAsync((x) => x.mul(2).reshape(3, 4).t().asStrided_([4, 2], [1, 3]), [x]);
});

Deno.test("asStrided_: without grad, a leaf is re-pointed; views and the storage follow PyTorch", () => {
  const x = torch.arange(6, { dtype: "float32", requiresGrad: true });
  torch.noGrad(() => x.asStrided_([2, 2], [1, 1]));
  assert.deepEqual([x.toArray(), x.requiresGrad, x.isLeaf], [[[0, 1], [1, 2]], true, true]);
  // Writes through the re-pointed tensor reach the storage, as for any view.
  const t = torch.zeros(6);
  const v = t.narrow(0, 2, 4);
  v.asStrided_([2], [2]); // offset defaults to v's own (2)
  v.fill_(7);
  assert.deepEqual(t.toArray(), [0, 0, 7, 0, 7, 0]);
  // An expanded tensor can be re-pointed (PyTorch allows it; no write is involved).
  const e = torch.arange(4).expand(3, 4);
  assert.deepEqual(e.asStrided_([3], [1]).toArray(), [0, 1, 2]);
});

Deno.test("asStrided_: values saved for backward are refused after the call, as PyTorch", () => {
  const x = torch.randn([6]).requiresGrad_(true);
  const y = x.mul(1);
  const z = y.mul(y); // saves y
  y.asStrided_([3], [2]);
  assertThrowsMsg(() => z.sum().backward(), /modified by an inplace operation/);
  const y2 = x.mul(1);
  const z2 = y2.exp(); // saves only its output: unaffected
  y2.asStrided_([3], [2]);
  z2.sum().backward();
  assert.deepEqual(
    Array.from(x.grad!.dataSync()).map((v) => v.toFixed(4)),
    Array.from(z2.dataSync()).map((v) => v.toFixed(4)),
  );
});

Deno.test("asStrided_: bad input is refused with a clear error", () => {
  const x = torch.arange(6, { dtype: "float32", requiresGrad: true });
  assertThrowsMsg(
    () => x.asStrided_([2], [1]),
    /asStrided_: a leaf Variable that requires grad is being used in an in-place/,
  );
  assertThrowsMsg(
    () => x.narrow(0, 1, 2).asStrided_([2], [1]),
    /asStrided_: a view of a leaf Variable that requires grad/,
  );
  const t = torch.arange(6);
  assertThrowsMsg(
    () => t.asStrided_([7], [1]),
    /asStrided_: sizes \[7\], strides \[1\] and storage offset 0 need a storage of 7 elements, out of bounds .* 6/,
  );
  assertThrowsMsg(() => t.asStrided_([2], [1], 5), /asStrided_: .*storage offset 5 need a storage of 7/);
  assertThrowsMsg(() => t.asStrided_([2, 2], [1]), /asStrided_: mismatch in length of strides and shape/);
  assertThrowsMsg(() => t.asStrided_([2], [-1]), /asStrided_: Negative strides are not supported/);
  // A refused call leaves the tensor as it was.
  assert.deepEqual([t.shape, t.stride(), t._storage._version], [[6], [1], 0]);
});
