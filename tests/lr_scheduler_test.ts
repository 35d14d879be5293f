/**
 * LR schedulers against PyTorch (tests/fixtures/optim_lr_scheduler.json from
 * tools/fixtures/optim_fixtures.py), plus state dicts, resuming and errors.
 */
import * as torch from "../mod.ts";
import * as optim from "../src/optim/mod.ts";
import { assert, assertClose, assertThrowsMsg } from "./helpers.ts";

interface SchedCase {
  name: string;
  optimizer: "SGD" | "Adam";
  optimizerOptions: Record<string, unknown>;
  groupLrs: number[];
  schedulers: { type: string; options: Record<string, unknown> }[];
  metrics: number[] | null;
  lrs: number[][];
  momentum: number[][] | null;
}

type Scheduler = optim.LRScheduler | optim.ReduceLROnPlateau;
// deno-lint-ignore no-explicit-any
type AnyOptimizer = optim.Optimizer<any>;

// deno-lint-ignore no-explicit-any
const SCHEDULERS: Record<string, new (opt: AnyOptimizer, options: any) => Scheduler> = {
  StepLR: optim.StepLR,
  MultiStepLR: optim.MultiStepLR,
  ExponentialLR: optim.ExponentialLR,
  CosineAnnealingLR: optim.CosineAnnealingLR,
  LinearLR: optim.LinearLR,
  OneCycleLR: optim.OneCycleLR,
  ReduceLROnPlateau: optim.ReduceLROnPlateau,
  LambdaLR: optim.LambdaLR,
  MultiplicativeLR: optim.MultiplicativeLR,
  ConstantLR: optim.ConstantLR,
  PolynomialLR: optim.PolynomialLR,
  CosineAnnealingWarmRestarts: optim.CosineAnnealingWarmRestarts,
};

/** The fixture's lambdas by name (tools/fixtures/optim_fixtures.py, LAMBDAS). */
const LAMBDAS: Record<string, optim.LrLambda> = {
  warmup5: (e) => Math.min(1, (e + 1) / 5),
  "decay0.9": (e) => 0.9 ** e,
};
// deno-lint-ignore no-explicit-any
function withLambdas(options: any): any {
  const l = options.lrLambda;
  if (l === undefined) return options;
  return { ...options, lrLambda: Array.isArray(l) ? l.map((n: string) => LAMBDAS[n]) : LAMBDAS[l] };
}

const cases: SchedCase[] = JSON.parse(
  Deno.readTextFileSync(new URL("./fixtures/optim_lr_scheduler.json", import.meta.url)),
).cases;

function makeOptimizer(c: SchedCase): AnyOptimizer {
  const groups = c.groupLrs.map((lr) => ({ params: [torch.zeros([1], { requiresGrad: true })], lr }));
  return c.optimizer === "SGD"
    ? new optim.SGD(groups, c.optimizerOptions)
    : new optim.Adam(groups, c.optimizerOptions);
}

const momentumOf = (opt: AnyOptimizer) =>
  opt.paramGroups.map((g) => (Array.isArray(g.betas) ? g.betas[0] : g.momentum) as number);

Deno.test("scheduler fixtures cover every scheduler", () => {
  for (const name of Object.keys(SCHEDULERS)) {
    assert.ok(cases.some((c) => c.schedulers.some((s) => s.type === name)), `no fixture for ${name}`);
  }
});

for (const c of cases) {
  Deno.test(`${c.schedulers.map((s) => s.type).join(" + ")} matches PyTorch: ${c.name}`, () => {
    const opt = makeOptimizer(c);
    const scheds = c.schedulers.map((s) => new SCHEDULERS[s.type](opt, withLambdas(s.options)));
    const lrs = [opt.paramGroups.map((g) => g.lr)];
    const moms = [momentumOf(opt)];
    for (let e = 0; e < c.lrs.length - 1; e++) {
      opt.step();
      for (const s of scheds) {
        if (s instanceof optim.ReduceLROnPlateau) s.step(c.metrics![e]);
        else s.step();
      }
      lrs.push(opt.paramGroups.map((g) => g.lr));
      moms.push(momentumOf(opt));
      assert.deepEqual(scheds[scheds.length - 1].getLastLr(), lrs[lrs.length - 1]);
    }
    assertClose(lrs, c.lrs, { rtol: 1e-10, atol: 1e-15, msg: `${c.name} lrs` });
    if (c.momentum) assertClose(moms, c.momentum, { rtol: 1e-10, atol: 1e-15, msg: `${c.name} momentum` });
  });
}

Deno.test("constructing a scheduler sets initialLr once; baseLrs come from it", () => {
  const p = torch.zeros([1], { requiresGrad: true }), q = torch.zeros([1], { requiresGrad: true });
  const opt = new optim.SGD([{ params: [p] }, { params: [q], lr: 0.5 }], { lr: 0.1 });
  const s1 = new optim.ExponentialLR(opt, { gamma: 0.5 });
  assert.deepEqual(opt.paramGroups.map((g) => g.initialLr), [0.1, 0.5]);
  assert.deepEqual(s1.baseLrs, [0.1, 0.5]);
  s1.step();
  const s2 = new optim.StepLR(opt, { stepSize: 2 });
  assert.deepEqual(opt.paramGroups.map((g) => g.initialLr), [0.1, 0.5], "a second scheduler keeps initialLr");
  assert.deepEqual(s2.baseLrs, [0.1, 0.5]);
  assert.deepEqual(s2.getLastLr(), [0.05, 0.25]);
  assert.equal(s1.lastEpoch, 1);
  assert.equal(s2.lastEpoch, 0);
});

/** Steps `sched` (and its optimizer) `n` times; returns the lrs after each step. */
function run(sched: Scheduler, n: number, metric = (i: number) => 1 / (1 + (i % 7))): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < n; i++) {
    sched.optimizer.step();
    if (sched instanceof optim.ReduceLROnPlateau) sched.step(metric(i));
    else sched.step();
    out.push(sched.getLastLr());
  }
  return out;
}

const RESUMABLE: [string, (opt: AnyOptimizer) => Scheduler][] = [
  ["StepLR", (o) => new optim.StepLR(o, { stepSize: 3, gamma: 0.5 })],
  ["MultiStepLR", (o) => new optim.MultiStepLR(o, { milestones: [2, 6, 6] })],
  ["CosineAnnealingLR", (o) => new optim.CosineAnnealingLR(o, { tMax: 5, etaMin: 0.01 })],
  ["LinearLR", (o) => new optim.LinearLR(o, { startFactor: 0.2, totalIters: 8 })],
  ["OneCycleLR", (o) => new optim.OneCycleLR(o, { maxLr: 1, totalSteps: 20, threePhase: true })],
  ["ReduceLROnPlateau", (o) => new optim.ReduceLROnPlateau(o, { patience: 1, cooldown: 1, factor: 0.5 })],
];

for (const [name, make] of RESUMABLE) {
  Deno.test(`${name}: stateDict after 6 steps, loaded with the optimizer's, continues identically`, () => {
    const fresh = () => new optim.SGD([torch.zeros([2], { requiresGrad: true })], { lr: 0.1, momentum: 0.9 });
    const opt = fresh();
    const sched = make(opt);
    run(sched, 6);
    const optSd = opt.stateDict(), schedSd = sched.stateDict();
    const expected = run(sched, 8, (i) => 1 / (1 + ((i + 6) % 7)));

    const opt2 = fresh();
    const sched2 = make(opt2);
    opt2.loadStateDict(optSd);
    sched2.loadStateDict(schedSd);
    const got = run(sched2, 8, (i) => 1 / (1 + ((i + 6) % 7)));
    assert.deepEqual(got, expected);
    assert.deepEqual(momentumOf(opt2), momentumOf(opt));
    // The saved state is a snapshot: stepping the first scheduler further did not change it.
    assert.notDeepEqual(schedSd, sched.stateDict());
  });
}

Deno.test("scheduler stateDicts survive JSON (ReduceLROnPlateau's Infinity included)", () => {
  const opt = new optim.SGD([torch.zeros([1], { requiresGrad: true })], { lr: 1 });
  const sched = new optim.ReduceLROnPlateau(opt, { mode: "max" });
  const sd = JSON.parse(JSON.stringify(sched.stateDict()));
  const sched2 = new optim.ReduceLROnPlateau(opt, { mode: "max" });
  sched2.loadStateDict(sd);
  assert.equal(sched2.best, -Infinity);
  const cos = new optim.CosineAnnealingLR(opt, { tMax: 3 });
  cos.step();
  const cos2 = new optim.CosineAnnealingLR(
    new optim.SGD([torch.zeros([1], { requiresGrad: true })], { lr: 1 }),
    { tMax: 9 },
  );
  cos2.loadStateDict(JSON.parse(JSON.stringify(cos.stateDict())));
  assert.equal(cos2.tMax, 3);
  assert.equal(cos2.lastEpoch, 1);
  assertThrowsMsg(() => cos2.loadStateDict({ gamma: 2 }), /unknown key "gamma"/);
  assertThrowsMsg(() => sched2.loadStateDict({ tMax: 2 }), /unknown key "tMax"/);
});

Deno.test("resuming with lastEpoch needs initialLr in every group", () => {
  const opt = new optim.SGD([torch.zeros([1], { requiresGrad: true })], { lr: 0.1 });
  assertThrowsMsg(
    () => new optim.StepLR(opt, { stepSize: 2, lastEpoch: 4 }),
    /param 'initialLr' is not specified in paramGroups\[0\] when resuming/,
  );
  opt.paramGroups[0].initialLr = 0.1;
  const s = new optim.StepLR(opt, { stepSize: 2, lastEpoch: 4 });
  assert.equal(s.lastEpoch, 5);
});

Deno.test("OneCycleLR refuses to step past totalSteps and keeps its state", () => {
  const opt = new optim.SGD([torch.zeros([1], { requiresGrad: true })], { lr: 0.1, momentum: 0.9 });
  const s = new optim.OneCycleLR(opt, { maxLr: 0.5, totalSteps: 4 });
  for (let i = 0; i < 4; i++) s.step();
  const lr = opt.lr;
  assertThrowsMsg(() => s.step(), /Tried to step 6 times. The specified number of total steps is 4/);
  assert.equal(s.lastEpoch, 4);
  assert.equal(opt.lr, lr);
  assert.deepEqual(opt.paramGroups[0].maxLr, 0.5);
  assert.deepEqual(opt.paramGroups[0].initialLr, 0.02);
});

Deno.test("ReduceLROnPlateau accepts a one-element tensor metric", () => {
  const opt = new optim.Adam([torch.zeros([1], { requiresGrad: true })], { lr: 1 });
  const s = new optim.ReduceLROnPlateau(opt, { patience: 0 });
  assert.deepEqual(s.getLastLr(), [1]);
  s.step(torch.tensor(2.0));
  s.step(torch.tensor([3.0]));
  assertClose(s.getLastLr(), [0.1]);
  assertThrowsMsg(() => s.step(torch.tensor([1, 2])), /cannot be converted to Scalar/);
});

Deno.test("schedulers validate their arguments", () => {
  const opt = () => new optim.SGD([torch.zeros([1], { requiresGrad: true })], { lr: 0.1 });
  const adagrad = new optim.Adagrad([torch.zeros([1], { requiresGrad: true })]);
  assertThrowsMsg(() => new optim.StepLR({} as never, { stepSize: 1 }), /StepLR: Object is not an Optimizer/);
  assertThrowsMsg(
    () => new optim.StepLR(opt(), { stepSize: 0 }),
    /stepSize must be a positive integer, got 0/,
  );
  assertThrowsMsg(() => new optim.StepLR(opt(), { step_size: 3 } as never), /camelCase: "stepSize"/);
  assertThrowsMsg(
    () => new optim.MultiStepLR(opt(), { milestones: [1.5] }),
    /milestones must be an array of integers/,
  );
  assertThrowsMsg(() => new optim.CosineAnnealingLR(opt(), { tMax: 0 }), /tMax must be a positive number/);
  assertThrowsMsg(() => new optim.LinearLR(opt(), { startFactor: 0 }), /Starting multiplicative factor/);
  assertThrowsMsg(() => new optim.LinearLR(opt(), { endFactor: 1.5 }), /Ending multiplicative factor/);
  assertThrowsMsg(
    () => new optim.OneCycleLR(opt(), { maxLr: 1 }),
    /either totalSteps OR \(epochs AND stepsPerEpoch\)/,
  );
  assertThrowsMsg(
    () => new optim.OneCycleLR(opt(), { maxLr: 1, totalSteps: 0 }),
    /positive integer totalSteps, but got 0/,
  );
  assertThrowsMsg(
    () => new optim.OneCycleLR(opt(), { maxLr: 1, epochs: 2, stepsPerEpoch: 1.5 }),
    /positive integer stepsPerEpoch/,
  );
  assertThrowsMsg(
    () => new optim.OneCycleLR(opt(), { maxLr: 1, totalSteps: 9, pctStart: 1.2 }),
    /pctStart, but got 1.2/,
  );
  assertThrowsMsg(
    () => new optim.OneCycleLR(opt(), { maxLr: 1, totalSteps: 9, annealStrategy: "exp" as never }),
    /one of 'cos' or 'linear', instead got exp/,
  );
  assertThrowsMsg(
    () => new optim.OneCycleLR(opt(), { maxLr: [1, 2], totalSteps: 9 }),
    /expected 1 values for maxLr, got 2/,
  );
  assertThrowsMsg(
    () => new optim.OneCycleLR(adagrad, { maxLr: 1, totalSteps: 9 }),
    /optimizer must support momentum with `cycleMomentum`/,
  );
  new optim.OneCycleLR(adagrad, { maxLr: 1, totalSteps: 9, cycleMomentum: false });
  assertThrowsMsg(() => new optim.ReduceLROnPlateau(opt(), { factor: 1 }), /Factor should be < 1.0/);
  assertThrowsMsg(() => new optim.ReduceLROnPlateau(opt(), { mode: "up" as never }), /mode up is unknown/);
  assertThrowsMsg(
    () => new optim.ReduceLROnPlateau(opt(), { thresholdMode: "pct" as never }),
    /threshold mode pct is unknown/,
  );
  assertThrowsMsg(
    () => new optim.ReduceLROnPlateau(opt(), { minLr: [0, 0] }),
    /expected 1 values for minLr, got 2/,
  );
  assertThrowsMsg(() => new optim.ReduceLROnPlateau(opt()).step("x" as never), /metric must be a number/);
});

Deno.test("LambdaLR / MultiplicativeLR: state dicts leave the functions out; bad lambdas get clear errors", () => {
  const groups = [0.1, 0.2].map((lr) => ({ params: [torch.zeros([1], { requiresGrad: true })], lr }));
  const opt = new optim.SGD(groups, {});
  const sched = new optim.LambdaLR(opt, { lrLambda: (e) => 0.5 ** e });
  sched.step();
  const sd = sched.stateDict();
  assert.ok(!("lrLambdas" in sd));
  assert.equal(sd.lastEpoch, 1);
  const other = new optim.LambdaLR(new optim.SGD(groups.map((g) => ({ ...g })), {}), {
    lrLambda: (e) => 0.5 ** e,
  });
  other.loadStateDict(sd);
  assert.equal(other.lastEpoch, 1);
  assert.throws(
    () => new optim.LambdaLR(opt, { lrLambda: [(e) => e] }),
    /LambdaLR: expected 2 lr_lambdas, but got 1/,
  );
  assert.throws(
    () => new optim.MultiplicativeLR(opt, { lrLambda: 0.5 as unknown as optim.LrLambda }),
    /lrLambda must be a function/,
  );
  assert.throws(
    () => new optim.CosineAnnealingWarmRestarts(opt, { t0: 0 }),
    /Expected positive integer t0, but got 0/,
  );
  assert.throws(
    () => new optim.PolynomialLR(opt, { totalIters: 0 }),
    /totalIters must be a positive integer/,
  );
});
