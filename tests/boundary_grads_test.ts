/**
 * Gradients at the boundary of ops whose backward divides (saturated probabilities, zero norms,
 * constant slices, infinities), against PyTorch 1.13 (tests/fixtures/boundary_grads.json, made by
 * tools/fixtures/boundary_fixtures.py), on both devices: finite where PyTorch is finite, and the
 * same infinities and NaNs where it has them.
 */
import * as torch from "../mod.ts";
import { F } from "../mod.ts";
import type { Tensor } from "../mod.ts";
import { assert } from "./helpers.ts";
import { deviceTest } from "./devices.ts";
import fixture from "./fixtures/boundary_grads.json" with { type: "json" };

type Program = (...xs: Tensor[]) => Tensor;
const on = (like: Tensor, v: number[] | number[][]) =>
  torch.tensor(v, { dtype: "float32", device: like.device });

const PROGRAMS: Record<string, Program> = {
  bce_saturated: (p) => F.binaryCrossEntropy(p, on(p, [0, 1, 1, 0])),
  bce_saturated_sum: (p) => F.binaryCrossEntropy(p, on(p, [0, 1, 1, 0]), { reduction: "sum" }),
  bce_saturated_weight: (p) => F.binaryCrossEntropy(p, on(p, [0, 1, 1, 0]), { weight: on(p, [1, 2, 3, 4]) }),
  bce_target_grad: (p, t) => F.binaryCrossEntropy(p, t),
  norm_zero: (x) => x.norm(),
  norm_tiny: (x) => x.norm(),
  norm_dim_zero_row: (x) => x.norm(2, 1).sum(),
  norm_p1_zero: (x) => x.norm(1),
  norm_p3_zero: (x) => x.norm(3),
  norm_inf_zero: (x) => x.norm(Infinity),
  norm_inf_ties: (x) => x.norm(Infinity),
  normalize_zero: (x) => F.normalize(x, { dim: 0 }).sum(),
  cosine_zero: (a) => F.cosineSimilarity(a, torch.ones([2, 3], { device: a.device })).sum(),
  std_const: (x) => x.std(),
  var_const: (x) => x.var(),
  sqrt_zero: (x) => x.sqrt().sum(),
  pow_half_zero: (x) => x.pow(0.5).sum(),
  pow_three_halves_zero: (x) => x.pow(1.5).sum(),
  log_zero: (x) => x.log().sum(),
  div_by_zero: (a, b) => a.div(b).sum(),
  logsumexp_neg_inf: (x) => x.logsumexp(0),
  logsumexp_pos_inf: (x) => x.logsumexp(0),
  log_softmax_neg_inf: (x) => x.logSoftmax(0).mul(on(x, [1, 0, 2])).sum(),
  softmax_neg_inf: (x) => x.softmax(0).mul(on(x, [1, 2, 3])).sum(),
  kl_div_zero_target: (x) => F.klDivLoss(x, on(x, [0, 0.5]), { reduction: "sum" }),
  mse_zero: (x) => F.mseLoss(x, on(x, [1, 2])),
  l1_zero: (x) => F.l1Loss(x, on(x, [1, 3])),
  smooth_l1_at_beta: (x) => F.smoothL1Loss(x, on(x, [0, 2]), { beta: 1 }),
};

const decode = (v: number | string): number =>
  v === "nan" ? NaN : v === "inf" ? Infinity : v === "-inf" ? -Infinity : (v as number);

function same(actual: ArrayLike<number>, expected: (number | string)[]): boolean {
  if (actual.length !== expected.length) return false;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i], e = decode(expected[i]);
    if (
      Number.isNaN(e)
        ? !Number.isNaN(a)
        : !Number.isFinite(e)
        ? a !== e
        : Math.abs(a - e) > 1e-5 * Math.abs(e) + 1e-6
    ) {
      return false;
    }
  }
  return true;
}

deviceTest("gradients at the boundary match PyTorch 1.13 (finite where it is finite)", async (device) => {
  assert.equal(fixture.cases.length, Object.keys(PROGRAMS).length);
  const failures: string[] = [];
  for (const c of fixture.cases) {
    const program = PROGRAMS[c.name];
    assert.ok(program, `no program for ${c.name}`);
    const inputs = (c.inputs as (number | string)[][]).map((v) =>
      torch.tensor(v.map(decode) as number[], { dtype: "float32", device, requiresGrad: true })
    );
    const out = program(...inputs);
    out.backward();
    const value = await out.dataAsync();
    if (!same(value, c.value)) failures.push(`${c.name}: value ${Array.from(value)} vs ${c.value}`);
    for (let i = 0; i < inputs.length; i++) {
      const g = await inputs[i].grad!.dataAsync();
      if (!same(g, c.grads[i])) failures.push(`${c.name}: grad ${i} ${Array.from(g)} vs ${c.grads[i]}`);
    }
  }
  assert.deepEqual(failures, []);
});
