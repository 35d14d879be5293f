/**
 * F.pad and the padding layers beyond their PyTorch fixtures (tests/nn_layers_test.ts checks the
 * layers and Conv1d/Conv2d padding modes against PyTorch): every device agrees with the CPU,
 * gradients by finite differences, reprs and bad arguments.
 */
import * as torch from "../mod.ts";
import { F, nn } from "../mod.ts";
import { assert, assertArrayAsync, assertCloseAsync, assertThrowsMsg, gradcheck } from "./helpers.ts";
import { deviceTest } from "./devices.ts";

deviceTest("F.pad: every mode on every device", async (device) => {
  const x = torch.tensor([[1, 2, 3], [4, 5, 6]], { device });
  await assertArrayAsync(F.pad(x, [1, 1]), [[0, 1, 2, 3, 0], [0, 4, 5, 6, 0]]);
  await assertArrayAsync(F.pad(x, [0, 0, 1, 0], { value: 9 }), [[9, 9, 9], [1, 2, 3], [4, 5, 6]]);
  await assertArrayAsync(F.pad(x, [2, 1], { mode: "reflect" }), [[3, 2, 1, 2, 3, 2], [6, 5, 4, 5, 6, 5]]);
  await assertArrayAsync(F.pad(x, [1, 2], { mode: "replicate" }), [[1, 1, 2, 3, 3, 3], [4, 4, 5, 6, 6, 6]]);
  await assertArrayAsync(F.pad(x, [1, 3], { mode: "circular" }), [[3, 1, 2, 3, 1, 2, 3], [
    6,
    4,
    5,
    6,
    4,
    5,
    6,
  ]]);
  await assertArrayAsync(F.pad(x, [-1, 0, 0, -1]), [[2, 3]]);
  const y = torch.randn(2, 3, 4, 5);
  const want = F.pad(y, [1, 2, 2, 1], { mode: "reflect" });
  await assertCloseAsync(F.pad(y.to(device), [1, 2, 2, 1], { mode: "reflect" }), want, { rtol: 0, atol: 0 });
});

Deno.test("F.pad: gradients by finite differences, every mode", () => {
  for (const mode of ["constant", "reflect", "replicate", "circular"] as const) {
    gradcheck((x) => F.pad(x, [2, 1, 1, 2], { mode }).mul(torch.arange(42).view(6, 7)), [
      torch.randn(3, 4).requiresGrad_(true),
    ], { msg: mode });
  }
});

Deno.test("F.pad and the padding layers: copies, reprs, bad arguments", () => {
  const x = torch.tensor([1, 2]);
  const same = F.pad(x, []);
  same.fill_(0);
  assert.deepEqual(x.toArray(), [1, 2], "no padding still copies");
  assert.equal(String(new nn.ZeroPad2d(1)), "ZeroPad2d((1, 1, 1, 1))");
  assert.equal(String(new nn.ConstantPad1d(2, 3.5)), "ConstantPad1d(padding=(2, 2), value=3.5)");
  assert.equal(String(new nn.ReplicationPad1d([1, 2])), "ReplicationPad1d((1, 2))");
  assert.equal(
    String(new nn.Conv2d(1, 2, 3, { padding: 1, paddingMode: "reflect" })).includes("padding_mode=reflect"),
    true,
  );
  assertThrowsMsg(() => F.pad(x, [1]), /pad: padding must be an even-length list of integers/);
  assertThrowsMsg(() => F.pad(x, [1, 1, 1, 1]), /pad: padding length 4 is too large for an input of 1 dims/);
  assertThrowsMsg(
    () => F.pad(x, [2, 0], { mode: "reflect" }),
    /pad: padding \(2, 0\) of dim 0 must be less than the input size 2/,
  );
  assertThrowsMsg(
    () => F.pad(x, [3, 0], { mode: "circular" }),
    /must be at most the input size 2 in circular mode/,
  );
  assertThrowsMsg(
    () => F.pad(x, [-1, 0], { mode: "replicate" }),
    /negative padding is only supported in constant mode/,
  );
  assertThrowsMsg(
    () => F.pad(x, [1, 0], { mode: "reflect", value: 1 }),
    /padding mode "reflect" doesn't take in value/,
  );
  assertThrowsMsg(
    () => F.pad(x, [-2, -1]),
    /pad: cropping 2 and 1 elements of dim 0 of size 2 leaves nothing/,
  );
  assertThrowsMsg(
    () => new nn.ReflectionPad2d([1, 2]),
    /ReflectionPad2d: padding must be an integer or 4 integers/,
  );
});
