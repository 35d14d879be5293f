/**
 * nn.utils: gradient clipping (PyTorch's formulas: coefficient maxNorm / (total + 1e-6), clamped
 * at 1) on every device without read-backs, and flattening parameters to a vector and back.
 */
import * as torch from "../mod.ts";
import { nn } from "../mod.ts";
import { assert, assertCloseAsync, assertThrowsMsg } from "./helpers.ts";
import { deviceTest } from "./devices.ts";

const leaf = (v: number[], device: "cpu" | "gpu") =>
  torch.tensor(v, { dtype: "float32", device, requiresGrad: true });

deviceTest(
  "clipGradNorm_: the total 2-norm and inf-norm, scaled in place; small norms untouched",
  async (device) => {
    const a = leaf([1, 1], device), b = leaf([1], device), c = leaf([5], device);
    a.mul(torch.tensor([3, 4], { device })).sum().add(b.mul(12).sum()).backward();
    const total = nn.utils.clipGradNorm_([a, b, c], 6.5); // c has no gradient: skipped
    assert.equal(c.grad, null);
    await assertCloseAsync(total, 13, { rtol: 1e-6 });
    const k = 6.5 / (13 + 1e-6);
    await assertCloseAsync(a.grad!, [3 * k, 4 * k], { rtol: 1e-6 });
    await assertCloseAsync(b.grad!, [12 * k], { rtol: 1e-6 });
    const unchanged = nn.utils.clipGradNorm_([a, b], 100);
    await assertCloseAsync(unchanged, 6.5, { rtol: 1e-5 });
    await assertCloseAsync(a.grad!, [3 * k, 4 * k], { rtol: 1e-6 });
    const inf = nn.utils.clipGradNorm_(a, 1, { normType: Infinity });
    await assertCloseAsync(inf, 4 * k, { rtol: 1e-6 });
    await assertCloseAsync(a.grad!, [3 * k / (4 * k + 1e-6), 4 * k / (4 * k + 1e-6)], { rtol: 1e-5 });
  },
);

deviceTest("clipGradValue_ clamps every gradient element", async (device) => {
  const p = leaf([0, 0, 0], device);
  p.mul(torch.tensor([3, -0.5, -7], { device })).sum().backward();
  nn.utils.clipGradValue_([p], 1);
  await assertCloseAsync(p.grad!, [1, -0.5, -1]);
});

Deno.test("clipGradNorm_: no gradients gives 0; errorIfNonfinite; bad arguments", () => {
  assert.equal(nn.utils.clipGradNorm_([leaf([1], "cpu")], 1).item(), 0);
  const p = leaf([1], "cpu");
  p.mul(Infinity).sum().backward();
  assertThrowsMsg(
    () => nn.utils.clipGradNorm_([p], 1, { errorIfNonfinite: true }),
    /total norm of order 2 for gradients is non-finite/,
  );
  assertThrowsMsg(() => nn.utils.clipGradNorm_([p], NaN), /maxNorm must be a number/);
  assertThrowsMsg(() => nn.utils.clipGradValue_([p], -1), /clipValue must be a non-negative number/);
});

Deno.test("parametersToVector / vectorToParameters round trip", () => {
  torch.manualSeed(1);
  const m = new nn.Linear(3, 2);
  const v = nn.utils.parametersToVector(m.parameters());
  assert.deepEqual(v.shape, [8]);
  const other = new nn.Linear(3, 2);
  nn.utils.vectorToParameters(v, other.parameters());
  assert.deepEqual(other.weight.toArray(), m.weight.toArray());
  assert.deepEqual(other.bias!.toArray(), m.bias!.toArray());
  assert.ok(other.weight.isLeaf && other.weight.requiresGrad);
  assertThrowsMsg(
    () => nn.utils.vectorToParameters(torch.zeros(7), other.parameters()),
    /the vector has 7 elements, the parameters 8/,
  );
});
