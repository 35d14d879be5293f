/**
 * Optimizers against PyTorch (tests/fixtures/optim.json from tools/fixtures/optim_fixtures.py),
 * plus zeroGrad, param groups, lr, state-dict round trips and errors.
 */
import * as torch from "../mod.ts";
import type { Tensor } from "../mod.ts";
import * as optim from "../src/optim/mod.ts";
import { backendFor } from "../src/backends/registry.ts";
import { assert, assertClose, assertThrowsMsg } from "./helpers.ts";

interface Encoded {
  shape: number[];
  values: number[];
}
interface OptimCase {
  name: string;
  optimizer: keyof typeof OPTIMIZERS;
  options: Record<string, unknown>;
  groups: ({ params: number[] } & Record<string, unknown>)[] | null;
  params: Encoded[];
  kind: "grads" | "regression";
  grads?: (number[] | null)[][];
  x?: Encoded;
  y?: Encoded;
  expected: number[][][];
  state: Record<string, Record<string, number | Encoded | null>>;
}

// deno-lint-ignore no-explicit-any
type AnyOptimizer = optim.Optimizer<any>;
// deno-lint-ignore no-explicit-any
const OPTIMIZERS: Record<string, new (params: any, options?: any) => AnyOptimizer> = {
  SGD: optim.SGD,
  Adam: optim.Adam,
  AdamW: optim.AdamW,
  RMSprop: optim.RMSprop,
  Adagrad: optim.Adagrad,
  Adadelta: optim.Adadelta,
  Adamax: optim.Adamax,
  NAdam: optim.NAdam,
  RAdam: optim.RAdam,
};

const dec = (e: Encoded): Tensor => torch.tensor(e.values, { dtype: "float32" }).reshape(e.shape);
const param = (e: Encoded): Tensor => dec(e).requiresGrad_();

function build(c: OptimCase, params: Tensor[]): AnyOptimizer {
  const Cls = OPTIMIZERS[c.optimizer];
  if (c.groups === null) return new Cls(params, c.options);
  return new Cls(c.groups.map((g) => ({ ...g, params: g.params.map((i) => params[i]) })), c.options);
}

const cases: OptimCase[] = JSON.parse(
  Deno.readTextFileSync(new URL("./fixtures/optim.json", import.meta.url)),
).cases;

Deno.test("optim fixtures: enough cases for every optimizer", () => {
  assert.ok(cases.length >= 25, `only ${cases.length} cases`);
  for (const name of Object.keys(OPTIMIZERS)) {
    assert.ok(cases.some((c) => c.optimizer === name), `no fixture for ${name}`);
  }
});

for (const c of cases) {
  Deno.test(`${c.optimizer} matches PyTorch: ${c.name}`, () => {
    const params = c.params.map(param);
    const storages = params.map((p) => p._storage);
    const opt = build(c, params);
    const steps = c.expected.length;
    for (let k = 0; k < steps; k++) {
      if (c.kind === "grads") {
        c.grads![k].forEach((g, i) => {
          params[i].grad = g === null
            ? null
            : torch.tensor(g, { dtype: "float32" }).reshape(c.params[i].shape);
        });
      } else {
        const x = dec(c.x!), y = dec(c.y!);
        const [w, b] = params;
        opt.zeroGrad();
        x.matmul(w).add(b).sub(y).pow(2).mean().backward();
      }
      opt.step();
      params.forEach((p, i) => {
        assertClose(p, torch.tensor(c.expected[k][i], { dtype: "float32" }).reshape(c.params[i].shape), {
          rtol: 1e-5,
          atol: 1e-6,
          msg: `${c.name}: step ${k + 1}, param ${i}`,
        });
      });
    }
    // Parameters are updated in place: same tensors, same storage, still leaves without history.
    params.forEach((p, i) => {
      assert.equal(p._storage, storages[i]);
      assert.ok(p.isLeaf && p.requiresGrad && p.gradFn === null);
    });
    const sd = opt.stateDict();
    // PyTorch's SGD keeps `momentum_buffer: None` without momentum; we keep no state then.
    const wanted = Object.entries(c.state)
      .map(([idx, st]) =>
        [idx, Object.fromEntries(Object.entries(st).filter(([, v]) => v !== null))] as const
      )
      .filter(([, st]) => Object.keys(st).length > 0);
    assert.deepEqual(
      Object.keys(sd.state).sort(),
      wanted.map(([idx]) => idx).sort(),
      `${c.name}: state params`,
    );
    for (const [idx, want] of wanted) {
      const got = sd.state[Number(idx)];
      assert.deepEqual(Object.keys(got).sort(), Object.keys(want).sort(), `${c.name}: state keys of ${idx}`);
      for (const [k, v] of Object.entries(want)) {
        if (typeof v === "number") assert.equal(got[k], v, `${c.name}: state ${idx}.${k}`);
        else {
          assertClose(got[k] as Tensor, dec(v!), {
            rtol: 1e-4,
            atol: 1e-6,
            msg: `${c.name}: state ${idx}.${k}`,
          });
        }
      }
    }
  });
}

Deno.test("zeroGrad sets grads to null by default, or zeros them in place with setToNone: false", () => {
  const a = torch.ones([2], { requiresGrad: true }), b = torch.ones([3], { requiresGrad: true });
  const c = torch.ones([1], { requiresGrad: true });
  const opt = new optim.SGD([a, b, c], { lr: 0.1 });
  a.mul(2).sum().backward();
  b.mul(3).sum().backward();
  assert.equal(c.grad, null);
  opt.zeroGrad();
  assert.equal(a.grad, null);
  assert.equal(b.grad, null);

  a.mul(2).sum().backward();
  const g = a.grad!;
  opt.zeroGrad({ setToNone: false });
  assert.equal(a.grad, g, "the same grad tensor is kept");
  assert.deepEqual(g.toArray(), [0, 0]);
  assert.equal(c.grad, null, "a null grad stays null");
  a.mul(5).sum().backward();
  assert.deepEqual(g.toArray(), [5, 5], "backward accumulates into the zeroed grad");

  // A grad with history (createGraph) is detached before zeroing.
  a.grad = null;
  a.pow(2).sum().backward({ createGraph: true });
  assert.ok(a.grad!.requiresGrad);
  opt.zeroGrad({ setToNone: false });
  assert.ok(!a.grad!.requiresGrad && a.grad!.gradFn === null);
  assert.deepEqual(a.grad!.toArray(), [0, 0]);
});

Deno.test("step skips parameters without a grad and creates no state for them", () => {
  const a = torch.tensor([1.0, 2.0], { requiresGrad: true }), b = torch.tensor([3.0], { requiresGrad: true });
  const opt = new optim.Adam([a, b], { lr: 0.1 });
  a.sum().backward();
  opt.step();
  assert.deepEqual(b.toArray(), [3]);
  assert.ok(opt.state.has(a) && !opt.state.has(b));
  assertClose(a, [0.9, 1.9]);
});

Deno.test("param groups keep their own options; lr getter/setter and group lr are writable", () => {
  const a = torch.tensor([1.0], { requiresGrad: true }), b = torch.tensor([1.0], { requiresGrad: true });
  const opt = new optim.SGD([{ params: [a] }, { params: [b], lr: 0.5 }], { lr: 0.1, momentum: 0 });
  assert.equal(opt.lr, 0.1);
  assert.deepEqual(opt.paramGroups.map((g) => g.lr), [0.1, 0.5]);
  assert.equal(opt.paramGroups[1].momentum, 0, "defaults fill options a group omits");
  const grads = () => {
    a.grad = torch.tensor([1.0]);
    b.grad = torch.tensor([1.0]);
  };
  grads();
  opt.step();
  assertClose(a, [0.9]);
  assertClose(b, [0.5]);
  opt.paramGroups[1].lr = 0.25;
  grads();
  opt.step();
  assertClose(a, [0.8]);
  assertClose(b, [0.25]);
  opt.lr = 0.05;
  assert.deepEqual(opt.paramGroups.map((g) => g.lr), [0.05, 0.05], "the setter sets every group");
  grads();
  opt.step();
  assertClose(a, [0.75]);
  assertClose(b, [0.2]);
  assertThrowsMsg(() => (opt.lr = -1), /Invalid learning rate: -1/);

  const c = torch.zeros([2], { requiresGrad: true });
  opt.addParamGroup({ params: c, lr: 1, momentum: 0.9 });
  assert.equal(opt.paramGroups.length, 3);
  assert.equal(opt.paramGroups[2].dampening, 0);
  assertThrowsMsg(() => opt.addParamGroup({ params: [a] }), /more than one parameter group/);
  assertThrowsMsg(
    () => opt.addParamGroup({ params: [torch.zeros([1])], lr: -2 }),
    /param group 3.*Invalid learning rate: -2/,
  );
  assert.equal(opt.paramGroups.length, 3, "a rejected group is not added");
});

Deno.test("params may be any iterable (a generator, as model.parameters() gives)", () => {
  const ps = [torch.zeros([2], { requiresGrad: true }), torch.zeros([2], { requiresGrad: true })];
  function* gen() {
    yield* ps;
  }
  const opt = new optim.RMSprop(gen());
  assert.equal(opt.paramGroups[0].params.length, 2);
  assert.equal(opt.paramGroups[0].params[1], ps[1]);
});

Deno.test("step(closure) evaluates the closure with grad enabled and returns its loss", () => {
  const w = torch.tensor([2.0], { requiresGrad: true });
  const opt = new optim.SGD([w], { lr: 0.25 });
  const loss = torch.noGrad(() =>
    opt.step(() => {
      opt.zeroGrad();
      const l = w.pow(2).sum();
      l.backward();
      return l;
    })
  );
  assert.equal((loss as Tensor).item(), 4);
  assertClose(w, [1]);
  assert.equal(opt.step(), undefined);
  assertThrowsMsg(() => opt.step((() => Promise.resolve(w.sum())) as unknown as () => Tensor), /Promise/);
});

Deno.test("Adagrad creates its state up front (as PyTorch) and for groups added later", () => {
  const a = torch.zeros([2], { requiresGrad: true });
  const opt = new optim.Adagrad([a], { initialAccumulatorValue: 0.5 });
  assert.deepEqual(opt.stateDict().state[0].step, 0);
  assert.deepEqual((opt.state.get(a)!.sum as Tensor).toArray(), [0.5, 0.5]);
  const b = torch.zeros([3], { requiresGrad: true });
  opt.addParamGroup({ params: [b], initialAccumulatorValue: 0.25 });
  assert.deepEqual((opt.state.get(b)!.sum as Tensor).toArray(), [0.25, 0.25, 0.25]);
});

/** Runs `steps` steps of `opt` over `params` with deterministic gradients starting at `from`. */
function runSteps(opt: AnyOptimizer, params: Tensor[], from: number, steps: number): void {
  for (let k = from; k < from + steps; k++) {
    params.forEach((p, i) => {
      const n = p.numel();
      p.grad = torch.tensor(Array.from({ length: n }, (_, j) => Math.sin(k * 1.3 + i * 0.7 + j) * 2)).reshape(
        [
          ...p.shape,
        ],
      );
    });
    opt.step();
  }
}

const ROUND_TRIP: [string, () => [Tensor[], AnyOptimizer], (ps: Tensor[]) => AnyOptimizer][] = [
  [
    "SGD",
    () => mk((ps) => new optim.SGD(ps, { lr: 0.1, momentum: 0.9, nesterov: true })),
    (ps) => new optim.SGD(ps),
  ],
  ["Adam", () => mk((ps) => new optim.Adam(ps, { lr: 0.05, amsgrad: true })), (ps) => new optim.Adam(ps)],
  ["AdamW", () => mk((ps) => new optim.AdamW(ps, { lr: 0.05 })), (ps) => new optim.AdamW(ps)],
  [
    "RMSprop",
    () => mk((ps) => new optim.RMSprop(ps, { momentum: 0.5, centered: true })),
    (ps) => new optim.RMSprop(ps),
  ],
  ["Adagrad", () => mk((ps) => new optim.Adagrad(ps, { lrDecay: 0.1 })), (ps) => new optim.Adagrad(ps)],
  [
    "SGD groups",
    () =>
      mk((ps) =>
        new optim.SGD([{ params: [ps[0]] }, { params: [ps[1]], lr: 0.01, momentum: 0.5 }], {
          lr: 0.1,
          momentum: 0.9,
        })
      ),
    (ps) => new optim.SGD([{ params: [ps[0]] }, { params: [ps[1]] }]),
  ],
];

function mk(f: (ps: Tensor[]) => AnyOptimizer): [Tensor[], AnyOptimizer] {
  const ps = [torch.randn([3, 2], { requiresGrad: true }), torch.randn([4], { requiresGrad: true })];
  return [ps, f(ps)];
}

for (const [name, make, fresh] of ROUND_TRIP) {
  Deno.test(`${name}: stateDict after 3 steps, loaded into a fresh optimizer, continues exactly`, () => {
    torch.manualSeed(7);
    const [ps, opt] = make();
    runSteps(opt, ps, 0, 3);
    const sd = opt.stateDict();
    const ps2 = ps.map((p) => p.detach().clone().requiresGrad_());
    const opt2 = fresh(ps2);
    opt2.loadStateDict(sd);
    assert.deepEqual(
      opt2.paramGroups.map((g) => ({ ...g, params: g.params.length })),
      opt.paramGroups.map((g) => ({ ...g, params: g.params.length })),
      "options restored",
    );
    runSteps(opt, ps, 3, 4);
    runSteps(opt2, ps2, 3, 4);
    ps.forEach((p, i) => assert.deepEqual(ps2[i].toArray(), p.toArray(), `param ${i}`));
    // The loaded state is a copy: the first optimizer's stepping did not change it.
    const s1 = opt.state.get(ps[0])!, s2 = opt2.state.get(ps2[0])!;
    for (const [k, v] of Object.entries(s1)) {
      if (v instanceof torch.Tensor) assert.notEqual(s2[k], v, `state ${k} copied`);
    }
  });
}

Deno.test("stateDict layout follows PyTorch: state by parameter index, groups list indices", () => {
  const a = torch.zeros([2], { requiresGrad: true }), b = torch.zeros([1], { requiresGrad: true });
  const c = torch.zeros([3], { requiresGrad: true });
  const opt = new optim.Adam([{ params: [a, b] }, { params: [c], betas: [0.5, 0.6] }], { lr: 0.01 });
  c.grad = torch.ones([3]);
  opt.step();
  const sd = opt.stateDict();
  assert.deepEqual(sd.paramGroups.map((g) => g.params), [[0, 1], [2]]);
  assert.deepEqual(sd.paramGroups[1], {
    lr: 0.01,
    betas: [0.5, 0.6],
    eps: 1e-8,
    weightDecay: 0,
    amsgrad: false,
    maximize: false,
    params: [2],
  });
  assert.deepEqual(Object.keys(sd.state), ["2"]);
  assert.equal(sd.state[2].step, 1);
  (sd.paramGroups[1].betas as number[])[0] = 0.1;
  assert.deepEqual(opt.paramGroups[1].betas, [0.5, 0.6], "group options are copied");
});

Deno.test("loadStateDict rejects mismatched state dicts clearly and changes nothing", () => {
  const a = torch.zeros([2], { requiresGrad: true }), b = torch.zeros([3], { requiresGrad: true });
  const opt = new optim.SGD([a, b], { lr: 0.1, momentum: 0.9 });
  a.grad = torch.ones([2]);
  b.grad = torch.ones([3]);
  opt.step();
  const sd = opt.stateDict();

  const other = new optim.SGD([{ params: [a] }, { params: [b] }], { lr: 0.3 });
  assertThrowsMsg(() => other.loadStateDict(sd), /different number of parameter groups \(1\).*\(2\)/);
  const fewer = new optim.SGD([a], { lr: 0.3 });
  assertThrowsMsg(
    () => fewer.loadStateDict(sd),
    /doesn't match the size.*2 saved parameters, 1 in the optimizer/,
  );
  const swapped = new optim.SGD([b, a], { lr: 0.3 });
  assertThrowsMsg(
    () => swapped.loadStateDict(sd),
    /"momentumBuffer" of parameter 0 has shape \[2\].*shape \[3\]/,
  );
  assert.equal(swapped.lr, 0.3, "nothing changed");
  assert.equal(swapped.state.size, 0);
  assertThrowsMsg(
    () => fewer.loadStateDict({} as never),
    /expected an object with `state` and `paramGroups`/,
  );
  assertThrowsMsg(
    () => fewer.loadStateDict({ state: { 5: {} }, paramGroups: [{ lr: 1, params: [0] }] }),
    /parameter 5, which no parameter group lists/,
  );
  assertThrowsMsg(
    () => fewer.loadStateDict({ state: {}, paramGroups: [{ params: [0] }] }),
    /group 0 has no numeric lr/,
  );
});

Deno.test("constructors validate options with PyTorch's messages", () => {
  const p = () => [torch.zeros([1], { requiresGrad: true })];
  assertThrowsMsg(() => new optim.SGD(p(), { lr: -1 }), /Invalid learning rate: -1/);
  assertThrowsMsg(() => new optim.SGD(p(), { momentum: -0.5 }), /Invalid momentum value: -0.5/);
  assertThrowsMsg(() => new optim.SGD(p(), { weightDecay: -1 }), /Invalid weight_decay value: -1/);
  assertThrowsMsg(
    () => new optim.SGD(p(), { nesterov: true }),
    /Nesterov momentum requires a momentum and zero dampening/,
  );
  assertThrowsMsg(
    () => new optim.SGD(p(), { nesterov: true, momentum: 0.9, dampening: 0.1 }),
    /Nesterov momentum requires/,
  );
  assertThrowsMsg(() => new optim.Adam(p(), { lr: -0.1 }), /Invalid learning rate: -0.1/);
  assertThrowsMsg(() => new optim.Adam(p(), { eps: -1 }), /Invalid epsilon value: -1/);
  assertThrowsMsg(() => new optim.Adam(p(), { betas: [1, 0.999] }), /Invalid beta parameter at index 0: 1/);
  assertThrowsMsg(
    () => new optim.Adam(p(), { betas: [0.9, -0.1] }),
    /Invalid beta parameter at index 1: -0.1/,
  );
  assertThrowsMsg(() => new optim.AdamW(p(), { weightDecay: -1 }), /AdamW: Invalid weight_decay value: -1/);
  assertThrowsMsg(() => new optim.RMSprop(p(), { alpha: -1 }), /Invalid alpha value: -1/);
  assertThrowsMsg(() => new optim.RMSprop(p(), { momentum: -1 }), /Invalid momentum value: -1/);
  assertThrowsMsg(() => new optim.Adagrad(p(), { lrDecay: -1 }), /Invalid lr_decay value: -1/);
  assertThrowsMsg(
    () => new optim.Adagrad(p(), { initialAccumulatorValue: -1 }),
    /Invalid initial_accumulator_value value: -1/,
  );
  assertThrowsMsg(() => new optim.SGD(p(), { lr: NaN }), /Invalid learning rate: NaN/);
  // A group's own options are checked too.
  assertThrowsMsg(() => new optim.Adam([{ params: p(), betas: [0.9, 1.5] }]), /param group 0.*index 1: 1.5/);
  // Options are camelCase; PyTorch's snake_case names get a pointer.
  assertThrowsMsg(
    () => new optim.SGD(p(), { weight_decay: 0.1 } as never),
    /unknown option "weight_decay" \(options are camelCase: "weightDecay"\)/,
  );
  assertThrowsMsg(() => new optim.SGD([{ params: p(), weight_decay: 0.1 }]), /camelCase: "weightDecay"/);
  assertThrowsMsg(() => new optim.SGD(p(), 0.1 as never), /options must be an object such as \{ lr: 0.01 \}/);
});

Deno.test("constructors validate params", () => {
  assertThrowsMsg(() => new optim.SGD([]), /optimizer got an empty parameter list/);
  assertThrowsMsg(
    () => new optim.SGD(torch.zeros([1], { requiresGrad: true }) as never),
    /should be an iterable of Tensors or param groups, but got a Tensor/,
  );
  assertThrowsMsg(() => new optim.SGD(5 as never), /iterable of Tensors.*but got number/);
  assertThrowsMsg(
    () => new optim.SGD([1, 2] as never),
    /iterable of Tensors or param groups, but got an iterable of number/,
  );
  assertThrowsMsg(
    () => new optim.SGD([{ params: [torch.zeros([1]), 3] }] as never),
    /optimizer can only optimize Tensors, but one of the params is number/,
  );
  const w = torch.ones([2], { requiresGrad: true });
  assertThrowsMsg(() => new optim.SGD([w.mul(2)]), /can't optimize a non-leaf Tensor/);
  assertThrowsMsg(() => new optim.SGD([w, w]), /same tensor more than once/);
  assertThrowsMsg(() => new optim.SGD([{ params: [w] }, { params: [w] }]), /more than one parameter group/);
  assertThrowsMsg(() => new optim.SGD([{ params: new Set([w]) }]), /ordered collections/);
});

Deno.test("step rejects a grad of the wrong shape without touching the parameter", () => {
  const v = torch.ones([2], { requiresGrad: true }), w = torch.ones([2], { requiresGrad: true });
  const opt = new optim.Adam([v, w], { lr: 0.1 });
  v.grad = torch.ones([2]);
  w.grad = torch.ones([3]);
  assertThrowsMsg(() => opt.step(), /parameter of shape \[2\] has a grad of shape \[3\]/);
  assert.deepEqual(v.toArray(), [1, 1], "parameters before the bad one are untouched too");
  assert.deepEqual(w.toArray(), [1, 1]);
  assert.equal(opt.state.size, 0);
});

Deno.test("optimizers print like PyTorch", () => {
  const opt = new optim.SGD([torch.zeros([1], { requiresGrad: true })], { lr: 0.1, momentum: 0.9 });
  assert.equal(
    String(opt),
    "SGD (\nParameter Group 0\n    dampening: 0\n    lr: 0.1\n    maximize: false\n    momentum: 0.9\n" +
      "    nesterov: false\n    weightDecay: 0\n)",
  );
});

Deno.test("a long Adam run stays bounded and releases its temporaries", () => {
  const w = torch.randn([64, 64], { requiresGrad: true });
  const opt = new optim.Adam([w], { lr: 1e-3, amsgrad: true, weightDecay: 0.01 });
  const g = torch.randn([64, 64]);
  const gc = (globalThis as { gc?: () => void }).gc;
  const used = () => {
    gc?.();
    const m = Deno.memoryUsage();
    return m.heapUsed + m.external;
  };
  let first = 0;
  for (let i = 0; i < 1500; i++) {
    w.grad = g;
    opt.step();
    if (i === 100) first = used();
  }
  const last = used();
  assert.ok(last < first + 32 * 1024 * 1024, `memory grew from ${first} to ${last}`);
  assert.equal(g.isDisposed, false, "the grad is never released by the optimizer");
  assert.equal(w.isDisposed, false);
});

Deno.test("every temporary a step allocates is released at once (only state storage stays)", () => {
  const backend = backendFor("cpu") as unknown as Record<string, unknown>;
  const made: { disposed: boolean }[] = [];
  const saved = new Map<string, unknown>();
  for (const key of ["binary", "unary", "full", "cast", "where", "reduce", "fromTyped"]) {
    const f = backend[key] as (...a: unknown[]) => unknown;
    saved.set(key, f);
    backend[key] = (...args: unknown[]) => {
      const out = f.apply(backend, args);
      made.push(out as { disposed: boolean });
      return out;
    };
  }
  try {
    const makers: (() => [Tensor[], AnyOptimizer])[] = [
      // The composed paths (the fused CPU kernels allocate nothing: see the next test).
      () =>
        mk((ps) =>
          new optim.SGD(ps, {
            lr: 0.1,
            momentum: 0.9,
            nesterov: true,
            weightDecay: 0.1,
            maximize: true,
            fused: false,
          })
        ),
      () => mk((ps) => new optim.Adam(ps, { amsgrad: true, weightDecay: 0.1, maximize: true, fused: false })),
      () => mk((ps) => new optim.AdamW(ps, { amsgrad: true, fused: false })),
      () => mk((ps) => new optim.RMSprop(ps, { centered: true, momentum: 0.5, weightDecay: 0.1 })),
      () => mk((ps) => new optim.RMSprop(ps)),
      () => mk((ps) => new optim.Adagrad(ps, { weightDecay: 0.1, maximize: true })),
    ];
    for (const make of makers) {
      const [ps, opt] = make();
      for (const p of ps) p.grad = torch.randnLike(p);
      opt.step();
      made.length = 0;
      opt.step();
      opt.step();
      const kept = new Set<unknown>();
      for (const p of ps) kept.add(p._storage).add(p.grad!._storage);
      for (const st of opt.state.values()) {
        for (const v of Object.values(st)) if (v instanceof torch.Tensor) kept.add(v._storage);
      }
      const leaked = made.filter((s) => !s.disposed && !kept.has(s));
      assert.equal(leaked.length, 0, `${opt.constructor.name}: ${leaked.length} temporaries left for the GC`);
      assert.ok(made.length > 0);
    }
  } finally {
    for (const [k, f] of saved) backend[k] = f;
  }
});

Deno.test("CPU fused SGD/Adam/AdamW updates equal the composed tensor ops exactly and allocate nothing", () => {
  const configs: [string, (ps: Tensor[], fused: boolean) => AnyOptimizer][] = [
    ["SGD", (ps, fused) => new optim.SGD(ps, { lr: 0.1, fused })],
    ["SGD momentum", (ps, fused) => new optim.SGD(ps, { lr: 0.1, momentum: 0.9, fused })],
    [
      "SGD nesterov+decay+max",
      (ps, fused) =>
        new optim.SGD(ps, {
          lr: 0.05,
          momentum: 0.8,
          nesterov: true,
          weightDecay: 0.1,
          maximize: true,
          fused,
        }),
    ],
    ["SGD dampening", (ps, fused) => new optim.SGD(ps, { lr: 0.1, momentum: 0.9, dampening: 0.3, fused })],
    ["Adam", (ps, fused) => new optim.Adam(ps, { lr: 0.01, fused })],
    [
      "Adam amsgrad+decay+max",
      (ps, fused) => new optim.Adam(ps, { lr: 0.01, amsgrad: true, weightDecay: 0.1, maximize: true, fused }),
    ],
    ["AdamW", (ps, fused) => new optim.AdamW(ps, { lr: 0.01, weightDecay: 0.2, fused })],
  ];
  for (const [name, make] of configs) {
    const run = (fused: boolean) => {
      torch.manualSeed(7);
      const ps = [torch.randn([5, 3], { requiresGrad: true }), torch.randn([7], { requiresGrad: true })];
      const opt = make(ps, fused);
      for (let step = 0; step < 4; step++) {
        torch.manualSeed(100 + step);
        for (const p of ps) p.grad = torch.randnLike(p);
        opt.step();
      }
      return ps.map((p) => Array.from(p.dataSync()));
    };
    const backend = backendFor("cpu");
    const calls = { n: 0 };
    const key = name.startsWith("SGD") ? "sgdUpdate" : "adamUpdate";
    const original = backend[key]!;
    (backend as unknown as Record<string, unknown>)[key] = (...a: unknown[]) => {
      calls.n++;
      return (original as (...a: unknown[]) => void).apply(backend, a);
    };
    try {
      const fused = run(true);
      assert.equal(calls.n, 8, `${name}: one fused call per parameter and step`);
      assert.deepEqual(fused, run(false), `${name}: bit-identical to the composed ops`);
    } finally {
      (backend as unknown as Record<string, unknown>)[key] = original;
    }
  }
});
