/**
 * Value-dependent selection (src/ops/select.ts) beyond the golden fixtures: the synchronous forms
 * refuse GPU tensors and name the async ones, masks must be bool, and the gradient of a selection
 * from a broadcast input sums back. Values against PyTorch are in tests/ops_golden_test.ts.
 */
import * as torch from "../mod.ts";
import { assert, assertArrayAsync, assertThrowsMsg, gradcheck } from "./helpers.ts";
import { deviceTest } from "./devices.ts";

deviceTest(
  "nonzero and maskedSelect: the sync forms refuse GPU tensors and name the async form",
  async (device) => {
    const x = torch.tensor([1, -2, 3], { device });
    assertThrowsMsg(
      () => x.maskedSelect(x.gt(0)),
      /maskedSelect: .*use `await t\.maskedSelectAsync\(mask\)`/,
    );
    assertThrowsMsg(() => x.nonzero(), /nonzero: .*use `await t\.nonzeroAsync\(\)`/);
    await assertArrayAsync(await x.maskedSelectAsync(x.gt(0)), [1, 3]);
    await assertArrayAsync(await torch.nonzeroAsync(x.lt(0)), [[1]]);
  },
  { devices: ["gpu"] },
);

deviceTest("maskedSelectAsync: gradient of a broadcast input sums the selected copies", async (device) => {
  const x = torch.tensor([1, 2, 3], { dtype: "float32", device, requiresGrad: true });
  const mask = torch.tensor([[true, false, true], [true, true, false]], { device });
  const picked = await x.maskedSelectAsync(mask);
  assert.equal(picked.gradFn?.name, "MaskedSelectBackward0");
  await assertArrayAsync(picked, [1, 3, 1, 2]);
  picked.mul(torch.tensor([1, 2, 3, 4], { dtype: "float32", device })).sum().backward();
  await assertArrayAsync(x.grad!, [4, 4, 2]);
});

Deno.test("maskedSelect: the mask must be bool and broadcast with the input", () => {
  const x = torch.zeros(2, 3);
  assertThrowsMsg(
    () => x.maskedSelect(torch.ones(2, 3)),
    /maskedSelect: expected mask to be a bool tensor, got float32/,
  );
  assertThrowsMsg(() => x.maskedSelect(torch.ones(2, { dtype: "bool" })), /maskedSelect/);
});

Deno.test("maskedSelect: finite differences", () => {
  const mask = torch.tensor([[true, false], [true, true]]);
  gradcheck((x) => x.maskedSelect(mask).mul(torch.tensor([1, -2, 3])), [
    torch.randn(2, 2).requiresGrad_(true),
  ]);
  gradcheck((x) => x.maskedSelect(mask).square(), [torch.randn(2).requiresGrad_(true)]);
});
