/**
 * Beyond their PyTorch fixtures (tests/nn3d_test.ts runs those): finite-difference gradchecks of
 * F.gridSample (every padding, images and volumes), F.affineGrid and the margin losses
 * (F.multilabelMarginLoss, F.tripletMarginWithDistanceLoss); the identity grid; F.rrelu's and
 * F.gumbelSoftmax's sampling properties on both devices (rrelu's GPU slopes are one draw per
 * element, not PyTorch's CPU stream); reprs, reductions and the bad-input errors.
 */
import * as torch from "../mod.ts";
import { F, nn } from "../mod.ts";
import type { Device, Tensor } from "../mod.ts";
import { assert, assertCloseAsync, assertThrowsMsg, gradcheckAsync } from "./helpers.ts";
import { deviceTest } from "./devices.ts";

function small(device: Device, seed: number, ...shape: number[]): Tensor {
  torch.manualSeed(seed);
  return torch.randn(...shape).to(device).requiresGrad_(true);
}

deviceTest("gradcheck: gridSample (bilinear, every padding) and affineGrid", async (device) => {
  for (const paddingMode of ["zeros", "border", "reflection"] as const) {
    for (const alignCorners of [false, true]) {
      // Grid points away from pixel centres and borders (the interpolation is not smooth there).
      const grid = torch.tensor([[[[-0.83, 0.41], [0.27, -0.62], [1.37, 0.12]], [
        [-1.29, -1.11],
        [0.58, 0.93],
        [0.11, 1.46],
      ]]])
        .to(device).requiresGrad_(true);
      await gradcheckAsync(
        (x, g) => F.gridSample(x, g, { paddingMode, alignCorners }),
        [small(device, 50, 1, 2, 3, 4), grid],
        { msg: `gridSample ${paddingMode} align ${alignCorners}`, eps: 1e-3 },
      );
    }
  }
  // A volume: trilinear over eight neighbours.
  const grid3 = torch.tensor([[[[[-0.83, 0.41, 0.17], [0.27, -0.62, -1.21]], [[1.37, 0.12, 0.55], [
    -0.36,
    0.88,
    -0.44,
  ]]]]])
    .to(device).requiresGrad_(true);
  await gradcheckAsync(
    (x, g) => F.gridSample(x, g, { paddingMode: "reflection" }),
    [small(device, 56, 1, 1, 3, 3, 4), grid3],
    { msg: "gridSample 5-d", eps: 1e-3 },
  );
  await gradcheckAsync((t) => F.affineGrid(t, [2, 1, 3, 4], { alignCorners: true }), [
    small(device, 51, 2, 2, 3),
  ], {
    msg: "affineGrid",
  });
});

deviceTest("gridSample: the identity grid reproduces the image; nearest picks pixels", async (device) => {
  torch.manualSeed(52);
  const x = torch.randn(2, 3, 4, 5).to(device);
  for (const alignCorners of [false, true]) {
    const identity = torch.tensor([[[1, 0, 0], [0, 1, 0]], [[1, 0, 0], [0, 1, 0]]]).float().to(device);
    const grid = F.affineGrid(identity, [2, 3, 4, 5], { alignCorners });
    for (const mode of ["bilinear", "nearest"] as const) {
      await assertCloseAsync(F.gridSample(x, grid, { mode, alignCorners }), await x.toAsync("cpu"), {
        rtol: 1e-5,
        atol: 1e-5,
        msg: `${mode} align ${alignCorners}`,
      });
    }
  }
});

deviceTest(
  "rrelu in training: slopes within [lower, upper] where x <= 0, the gradient is the slope",
  async (device) => {
    torch.manualSeed(53);
    const x = torch.randn(6, 7).to(device).requiresGrad_(true);
    const y = F.rrelu(x, 0.2, 0.4, true);
    y.sum().backward();
    const xs = await x.detach().dataAsync(),
      ys = await y.detach().dataAsync(),
      gs = await x.grad!.dataAsync();
    const slopes = new Set<number>();
    for (let i = 0; i < xs.length; i++) {
      if (xs[i] > 0) assert.ok(ys[i] === xs[i] && gs[i] === 1, `element ${i} positive`);
      else {
        const a = ys[i] / xs[i];
        assert.ok(a >= 0.2 - 1e-6 && a < 0.4 + 1e-6, `element ${i}: slope ${a}`);
        assert.ok(Math.abs(gs[i] - a) < 1e-5, `element ${i}: gradient ${gs[i]} vs slope ${a}`);
        slopes.add(Math.round(a * 1e6));
      }
    }
    assert.ok(slopes.size > 5, "the slopes are drawn per element");
    const module = new nn.RReLU(0.2, 0.4);
    module.eval();
    await assertCloseAsync(module(x.detach()), await F.leakyRelu(x.detach(), 0.3).toAsync("cpu"), {
      rtol: 1e-6,
      atol: 1e-7,
    });
  },
);

deviceTest(
  "gumbelSoftmax: soft samples sum to 1; hard ones are one-hot with the soft gradient",
  async (device) => {
    torch.manualSeed(54);
    const logits = torch.randn(4, 6).to(device).requiresGrad_(true);
    const soft = F.gumbelSoftmax(logits, { tau: 0.8 });
    await assertCloseAsync(soft.sum(-1), Float64Array.from([1, 1, 1, 1]), { rtol: 1e-5, atol: 1e-6 });
    torch.manualSeed(55);
    const hard = F.gumbelSoftmax(logits, { tau: 0.8, hard: true });
    const h = await hard.detach().dataAsync();
    assert.deepEqual([...h].filter((v) => v === 1).length, 4);
    assert.deepEqual([...h].filter((v) => v !== 0 && v !== 1).length, 0);
    torch.manualSeed(55);
    const again = F.gumbelSoftmax(logits, { tau: 0.8 });
    hard.mul(torch.arange(24).float().reshape(4, 6).to(device)).sum().backward();
    const gHard = await logits.grad!.dataAsync();
    logits.grad = null;
    again.mul(torch.arange(24).float().reshape(4, 6).to(device)).sum().backward();
    await assertCloseAsync(logits.grad!, Float64Array.from(gHard), {
      rtol: 1e-5,
      atol: 1e-6,
      msg: "straight-through gradient",
    });
  },
);

deviceTest("gradcheck: multilabelMarginLoss and tripletMarginWithDistanceLoss", async (device) => {
  const y = torch.tensor([[2, 0, -1, 1], [3, -1, 0, 0]], { dtype: "int32" });
  await gradcheckAsync(
    (x) => F.multilabelMarginLoss(x, y.to(x.device), { reduction: "none" }),
    [small(device, 60, 2, 4)],
    {
      msg: "multilabelMarginLoss",
    },
  );
  const cos = (a: Tensor, b: Tensor) => F.cosineSimilarity(a, b).neg().add(1);
  await gradcheckAsync(
    (a, p, n) =>
      F.tripletMarginWithDistanceLoss(a, p, n, {
        distanceFunction: cos,
        swap: true,
        margin: 1.5,
        reduction: "none",
      }),
    [small(device, 61, 3, 4), small(device, 62, 3, 4), small(device, 63, 3, 4)],
    { msg: "tripletMarginWithDistanceLoss" },
  );
});

Deno.test("item-3 modules: reprs, reductions, and bad input", () => {
  assert.equal(String(new nn.RReLU()), "RReLU(lower=0.125, upper=0.3333333333333333)");
  assert.equal(String(new nn.RReLU(0.1, 0.3, true)), "RReLU(lower=0.1, upper=0.3, inplace=True)");
  assert.equal(String(new nn.MultiLabelMarginLoss()), "MultiLabelMarginLoss()");
  const x = torch.tensor([[0.1, 0.2, 0.4, 0.8], [0.3, -0.2, 0.5, 0.1]]);
  const y = torch.tensor([[3, 0, -1, 1], [1, 2, 3, -1]], { dtype: "int32" });
  const none = new nn.MultiLabelMarginLoss({ reduction: "none" })(x, y);
  assert.deepEqual(none.shape, [2]);
  assert.ok(
    Math.abs((new nn.MultiLabelMarginLoss()(x, y).item() as number) - (none.mean().item() as number)) < 1e-7,
  );
  const a = torch.randn(3, 4), p = torch.randn(3, 4), n = torch.randn(3, 4);
  assert.ok(
    Math.abs(
      (new nn.TripletMarginWithDistanceLoss()(a, p, n).item() as number) -
        (new nn.TripletMarginLoss()(a, p, n).item() as number),
    ) < 1e-6,
    "the default distance is the triplet margin loss's",
  );
  const img = torch.randn(1, 1, 3, 3);
  assertThrowsMsg(
    () => F.gridSample(img, torch.zeros(1, 2, 2, 3)),
    /^gridSample: grid_sampler\(\): expected grid of shape \[1, H_out, W_out, 2\]/,
  );
  assertThrowsMsg(
    () => F.gridSample(img, torch.zeros(1, 2, 2, 2), { mode: "bicubic" as "nearest" }),
    /^gridSample: .*expected mode to be 'bilinear' or 'nearest', but got: 'bicubic'/,
  );
  assertThrowsMsg(
    () => F.gridSample(img, torch.zeros(1, 2, 2, 2), { paddingMode: "wrap" as "zeros" }),
    /expected padding_mode to be 'zeros', 'border', or 'reflection'/,
  );
  assertThrowsMsg(
    () => F.gridSample(torch.randn(1, 1, 2, 2, 2), torch.zeros(1, 2, 2, 2)),
    /^gridSample: grid_sampler\(\): expected grid of shape \[1, D_out, H_out, W_out, 3\]/,
  );
  assertThrowsMsg(
    () => F.gridSample(torch.randn(2, 2), torch.zeros(2, 2)),
    /^gridSample: grid_sampler\(\): expected 4D or 5D input/,
  );
  assertThrowsMsg(
    () => F.affineGrid(torch.zeros(2, 2, 3), [1, 1, 4, 4]),
    /^affineGrid: Expected a batch of 2D affine matrices of shape Nx2x3 for size \[1,1,4,4\]\. Got \[2, 2, 3\]/,
  );
  assertThrowsMsg(
    () => F.affineGrid(torch.zeros(1, 2, 3), [1, 4, 4]),
    /^affineGrid: affine_grid only supports 4D and 5D sizes/,
  );
  assertThrowsMsg(
    () => F.rrelu(torch.randn(3), 0.5, 0.1),
    /^rrelu: Lower bound should be less than or equal to the upper bound/,
  );
  assertThrowsMsg(
    () => F.rrelu(torch.tensor([1, 2], { dtype: "int32" })),
    /^rrelu: expected a floating point tensor, got int32/,
  );
  assertThrowsMsg(
    () => F.gumbelSoftmax(torch.zeros(2, 3), { dim: 2 }),
    /^gumbelSoftmax: dim 2 is out of range for logits of shape \[2, 3\]/,
  );
  assertThrowsMsg(
    () => F.multilabelMarginLoss(x, y.float()),
    /^multilabelMarginLoss: expected an int32 target/,
  );
  assertThrowsMsg(
    () => F.multilabelMarginLoss(x, torch.tensor([[4, 0, -1, 1], [1, 2, 3, -1]], { dtype: "int32" })),
    /^multilabelMarginLoss: target values must be in \[-1, 3\], got 4/,
  );
  assertThrowsMsg(
    () => F.multilabelMarginLoss(x, torch.tensor([1, 2], { dtype: "int32" })),
    /^multilabelMarginLoss: Expected non-empty vector or matrix/,
  );
  assertThrowsMsg(
    () => F.tripletMarginWithDistanceLoss(a, p, n, { margin: 0 }),
    /^tripletMarginWithDistanceLoss: expected margin to be greater than 0, got 0/,
  );
  assertThrowsMsg(
    () => F.tripletMarginWithDistanceLoss(a, p, torch.randn(4)),
    /same number of dimensions, but got: anchor 2D, positive 2D, and negative 1D inputs/,
  );
});
