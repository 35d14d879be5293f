/**
 * nn.utils.parametrize: registering, chaining, right inverses (one and several originals),
 * buffers, removal, `cached`, PyTorch's state-dict keys (a PyTorch state dict loads), reprs, and
 * the bad-input errors. Expected values: tools/fixtures/parametrize_fixtures.py (PyTorch 1.13;
 * gradients of `(out * linspace(0.5, 1.5)).sum()`); gradients also by finite differences.
 */
import * as torch from "../mod.ts";
import { nn } from "../mod.ts";
import type { Device, Tensor } from "../mod.ts";
import { assert, assertCloseAsync, assertThrowsMsg, type CloseOptions, gradcheck } from "./helpers.ts";
import { deviceTest } from "./devices.ts";

const fx = JSON.parse(await Deno.readTextFile(new URL("./fixtures/parametrize.json", import.meta.url)));
const pz = fx.parametrize;
const { registerParametrization, removeParametrizations, isParametrized, cached } = nn.utils.parametrize;

interface Enc {
  shape: number[];
  values: number[];
}

const dev = (e: Enc, device: Device = "cpu"): Tensor =>
  torch.tensor(e.values, { dtype: "float32" }).reshape(e.shape).to(device);
const close = (t: Tensor, e: Enc | number[], opts: CloseOptions = {}) =>
  assertCloseAsync(t.reshape([-1]), Array.isArray(e) ? e : e.values, { rtol: 1e-5, atol: 1e-6, ...opts });
const stateOf = (sd: Record<string, Enc>): Record<string, Tensor> =>
  Object.fromEntries(Object.entries(sd).map(([k, e]) => [k, dev(e)]));
const weightedSum = (y: Tensor) =>
  y.mul(torch.linspace(0.5, 1.5, y.numel(), { device: y.device }).reshape([...y.shape])).sum();

class Symmetric extends nn.Module {
  override forward(x: Tensor): Tensor {
    return x.triu().add(x.triu(1).mT);
  }
  rightInverse(a: Tensor): Tensor {
    return a.triu();
  }
}
class SymmetricOnly extends nn.Module {
  override forward(x: Tensor): Tensor {
    return x.triu().add(x.triu(1).mT);
  }
}
class Scale extends nn.Module {
  s: number;
  constructor(s: number) {
    super();
    this.s = s;
  }
  override forward(x: Tensor): Tensor {
    return x.mul(this.s);
  }
  rightInverse(x: Tensor): Tensor {
    return x.div(this.s);
  }
}
class SumOfTwo extends nn.Module {
  override forward(a: Tensor, b: Tensor): Tensor {
    return a.add(b.mul(b));
  }
  rightInverse(x: Tensor): Tensor[] {
    return [x.mul(0.5), torch.fullLike(x, 0.75)];
  }
}
class Exp extends nn.Module {
  override forward(x: Tensor): Tensor {
    return x.exp();
  }
  rightInverse(y: Tensor): Tensor {
    return y.log();
  }
}
class WithBuffer extends nn.Module {
  constructor() {
    super();
    this.registerBuffer("scale", torch.tensor([0.5, 2.0, 4.0]));
  }
  override forward(x: Tensor): Tensor {
    return x.mul((this as unknown as { scale: Tensor }).scale);
  }
}
class Flatten extends nn.Module {
  override forward(x: Tensor): Tensor {
    return x.reshape([-1]);
  }
}

function linearFrom(sd: Record<string, Enc>): nn.Linear {
  const [out, inp] = sd.weight.shape;
  const m = new nn.Linear(inp, out);
  m.loadStateDict(stateOf(sd));
  return m;
}

deviceTest(
  "parametrize: one parametrization: keys, repr, values and gradients vs PyTorch; removal",
  async (device) => {
    const c = pz.symmetric;
    const m = registerParametrization(linearFrom(c.start), "weight", new Symmetric());
    assert.deepEqual(Object.keys(m.stateDict()), c.keys);
    assert.equal(String(m), c.repr);
    assert.ok(isParametrized(m) && isParametrized(m, "weight") && !isParametrized(m, "bias"));
    assert.equal(nn.utils.parametrize.typeBeforeParametrizations(m), nn.Linear);
    assert.ok(m instanceof nn.Linear);
    assert.deepEqual(m.namedParameters().map(([n]) => n), ["bias", "parametrizations.weight.original"]);
    m.to(device);
    const original = m.parametrizations.weight.original;
    assert.ok(original instanceof nn.Parameter);
    await close(original, c.sd["parametrizations.weight.original"], { rtol: 0, atol: 0 });
    await close(m.weight, c.weight);
    const y = m(dev(c.x, device));
    await close(y, c.y);
    weightedSum(y).backward();
    await close(original.grad!, c.origGrad, { rtol: 1e-5, atol: 1e-5 });
    await close(m.bias!.grad!, c.biasGrad, { rtol: 1e-5, atol: 1e-5 });
    // each read recomputes: a new tensor, following the original
    assert.notEqual(m.weight, m.weight);
    removeParametrizations(m, "weight");
    assert.deepEqual(Object.keys(m.stateDict()), pz.symmetricRemoved.keys);
    assert.ok(m.weight === original && m.weight instanceof nn.Parameter);
    await close(m.weight, pz.symmetricRemoved.weight);
    assert.equal(String(m), "Linear(in_features=3, out_features=3, bias=True)");
    assert.ok(!isParametrized(m) && !("parametrizations" in m));
  },
);

deviceTest(
  "parametrize: a state dict saved by PyTorch loads into the parametrized module",
  async (device) => {
    const c = pz.symmetric;
    const m = registerParametrization(new nn.Linear(3, 3), "weight", new Symmetric()).to(device);
    const res = m.loadStateDict(stateOf(c.sd));
    assert.deepEqual(res, { missingKeys: [], unexpectedKeys: [] });
    await close(m(dev(c.x, device)), c.y);
    // and a plain Linear's state dict does not (the key is now the original's)
    assertThrowsMsg(
      () => m.loadStateDict(stateOf(c.start)),
      /Error\(s\) in loading state_dict for ParametrizedLinear:\n\tMissing key\(s\) in state_dict: "parametrizations.weight.original"/,
    );
  },
);

Deno.test("parametrize: leaveParametrized false restores the original", async () => {
  const c = pz.leaveFalse;
  const m = new nn.Linear(3, 3);
  torch.noGrad(() => m.weight.copy_(dev(c.start)));
  registerParametrization(m, "weight", new Symmetric());
  removeParametrizations(m, "weight", { leaveParametrized: false });
  assert.deepEqual(Object.keys(m.stateDict()), c.keys);
  await close(m.weight, c.weight, { rtol: 0, atol: 0 });
});

deviceTest("parametrize: a chain, right inverse at registration and on assignment", async (device) => {
  const c = pz.chain;
  const m = linearFrom(c.start);
  registerParametrization(m, "weight", new Symmetric());
  const p = registerParametrization(m, "weight", new Scale(3));
  assert.equal(String(p), c.repr);
  assert.equal(p.parametrizations.weight.length, 2);
  assert.ok(
    p.parametrizations.weight[1] instanceof Scale && p.parametrizations.weight.at(-1) instanceof Scale,
  );
  // the second registration does not apply its right inverse to the stored original
  await close(p.parametrizations.weight.original, c.origAfterRegister);
  p.to(device);
  const y = p(dev(c.x, device));
  await close(y, c.y, { rtol: 1e-5, atol: 1e-5 });
  weightedSum(y).backward();
  const original = p.parametrizations.weight.original;
  await close(original.grad!, c.origGrad, { rtol: 1e-5, atol: 1e-5 });
  p.weight = dev(c.assigned, device);
  assert.ok(p.parametrizations.weight.original === original, "the original keeps its identity");
  await close(original, c.origAfterAssign);
  await close(p.weight, c.weightAfterAssign);
  assert.deepEqual(Object.keys(p.stateDict()), c.keys);
});

deviceTest("parametrize: rightInverse giving two tensors makes original0 and original1", async (device) => {
  const c = pz.twoOriginals;
  const m = registerParametrization(linearFrom(c.start), "weight", new SumOfTwo());
  assert.deepEqual(Object.keys(m.stateDict()), c.keys);
  const list = m.parametrizations.weight;
  assert.equal(list.isTensor, false);
  assert.equal(list.ntensors, 2);
  for (const k of c.keys) await close(m.stateDict()[k], c.sd[k]);
  m.to(device);
  await close(m.weight, c.weight);
  const y = m(dev(c.x, device));
  await close(y, c.y);
  weightedSum(y).backward();
  const [o0, o1] = list.originals();
  assert.ok(o0 instanceof nn.Parameter && o1 instanceof nn.Parameter);
  await close(o0.grad!, c.grad0, { rtol: 1e-5, atol: 1e-5 });
  await close(o1.grad!, c.grad1, { rtol: 1e-5, atol: 1e-5 });
  assertThrowsMsg(
    () => removeParametrizations(m, "weight", { leaveParametrized: false }),
    /removeParametrizations: cannot leave unparametrized \(`leaveParametrized: false`\) a tensor that is parametrized in terms of a sequence of tensors/,
  );
  removeParametrizations(m, "weight");
  assert.deepEqual(Object.keys(m.stateDict()), pz.twoOriginalsRemoved.keys);
  assert.ok(m.weight instanceof nn.Parameter && m.weight.requiresGrad);
  await close(m.weight, pz.twoOriginalsRemoved.weight);
});

deviceTest("parametrize: a buffer stays a buffer", async (device) => {
  const c = pz.buffer;
  const m = registerParametrization(new WithBuffer(), "scale", new Exp());
  assert.deepEqual(Object.keys(m.stateDict()), c.keys);
  assert.deepEqual(m.namedParameters().map(([n]) => n), c.params);
  assert.deepEqual(m.namedBuffers().map(([n]) => n), c.buffers);
  await close(m.stateDict()[c.keys[0]], c.sd[c.keys[0]]);
  m.to(device);
  await close(m(torch.ones(3, { device })), c.y);
  removeParametrizations(m, "scale");
  assert.deepEqual(m.namedBuffers().map(([n]) => n), ["scale"]);
  await close(m.getBuffer("scale"), [0.5, 2, 4]);
});

Deno.test("parametrize: unsafe lets a parametrization change the shape", () => {
  const c = pz.unsafe;
  const m = registerParametrization(linearFrom(c.start), "weight", new Flatten(), { unsafe: true });
  assert.deepEqual(m.weight.shape, c.weightShape);
  assert.deepEqual(Object.keys(m.stateDict()), c.keys);
  assert.equal(m.parametrizations.weight.unsafe, true);
  removeParametrizations(m, "weight");
  assert.deepEqual(m.weight.shape, c.removedShape);
});

deviceTest("parametrize.cached: one computation per tensor inside, gradients still flow", async (device) => {
  let calls = 0;
  class Counted extends nn.Module {
    override forward(x: Tensor): Tensor {
      calls++;
      return x.mul(2);
    }
  }
  const m = registerParametrization(new nn.Linear(3, 3), "weight", new Counted()).to(device);
  calls = 0;
  const x = torch.randn([4, 3], { device });
  const out = cached(() => {
    const a = m(x), b = m(x);
    assert.ok(m.weight === m.weight);
    return a.add(b);
  });
  assert.equal(calls, 1);
  out.sum().backward();
  const expected = x.sum(0).mul(2 * 2).unsqueeze(0).expand([3, 3]);
  await close(m.parametrizations.weight.original.grad!, Array.from(await expected.reshape([-1]).dataAsync()));
  // nested blocks share one cache, dropped when the outermost returns
  calls = 0;
  cached(() => {
    m.weight;
    cached(() => m.weight);
    m.weight;
  });
  assert.equal(calls, 1);
  m.weight;
  assert.equal(calls, 2);
  // an async block keeps the cache until its promise settles
  calls = 0;
  await cached(async () => {
    m.weight;
    await Promise.resolve();
    m.weight;
  });
  assert.equal(calls, 1);
  // the block owns the cached values: returned (or kept) ones stay usable, the others are released
  const [returned, kept] = cached(() => {
    m(x);
    return [m.weight, torch.keep(m.bias!.mul(1))];
  });
  await close(
    returned,
    Array.from(await m.parametrizations.weight.original.mul(2).reshape([-1]).dataAsync()),
  );
  assert.equal(kept.shape[0], 3);
  let dropped: Tensor | null = null;
  cached(() => {
    m(x);
    dropped = m.weight;
  });
  assertThrowsMsg(() => dropped!.add(1), /was disposed/);
  let keptInside: Tensor | null = null;
  cached(() => {
    m(x);
    keptInside = torch.keep(m.weight);
  });
  await close(
    keptInside!,
    Array.from(await m.parametrizations.weight.original.mul(2).reshape([-1]).dataAsync()),
  );
  // a throwing block drops the cache too
  assert.throws(() =>
    cached(() => {
      m.weight;
      throw new Error("boom");
    }), /boom/);
  calls = 0;
  m.weight;
  assert.equal(calls, 1);
});

Deno.test("parametrize: gradcheck through a chain of parametrizations of a buffer", () => {
  class TanhTimes extends nn.Module {
    override forward(x: Tensor): Tensor {
      return x.tanh().mul(x);
    }
  }
  const fn = (o: Tensor) => {
    const holder = new nn.Module();
    holder.registerBuffer("w", o);
    registerParametrization(holder, "w", new SymmetricOnly());
    registerParametrization(holder, "w", new TanhTimes());
    return (holder as unknown as { w: Tensor }).w;
  };
  gradcheck(fn, [torch.randn(3, 3, { dtype: "float64" }).requiresGrad_()], {
    eps: 1e-6,
    atol: 1e-6,
    rtol: 1e-5,
  });
});

Deno.test("parametrize: bad input gets a clear error", () => {
  const m = new nn.Linear(3, 2);
  assertThrowsMsg(
    () => registerParametrization(m, "weights", new SymmetricOnly()),
    /registerParametrization: Module 'Linear' does not have a parameter, a buffer, or a parametrized element with name 'weights'/,
  );
  assertThrowsMsg(
    () => registerParametrization(m, "weight", new Flatten()),
    /registerParametrization: registering a parametrization may not change the shape of the tensor, unless `unsafe` is enabled.\nunparametrized shape: \[2, 3\]\nparametrized shape: \[6\]/,
  );
  assert.ok(
    !isParametrized(m) && m.weight instanceof nn.Parameter,
    "a failed registration leaves the module as it was",
  );
  class ToDouble extends nn.Module {
    override forward(x: Tensor): Tensor {
      return x.to("float64");
    }
  }
  assertThrowsMsg(
    () => registerParametrization(m, "weight", new ToDouble()),
    /may not change the dtype of the tensor, unless `unsafe` is enabled.\nunparametrized dtype: float32\nparametrized dtype: float64/,
  );
  assertThrowsMsg(
    () => registerParametrization(m, "weight", ((x: Tensor) => x) as unknown as nn.Module),
    /registerParametrization: a parametrization must be a Module, got function/,
  );
  const sq = registerParametrization(new nn.Linear(3, 3), "weight", new SymmetricOnly());
  assertThrowsMsg(
    () => registerParametrization(sq, "weight", new Flatten()),
    /module.weight.shape: \[3, 3\]\nparametrization\(module.weight\).shape: \[9\]/,
  );
  assert.equal(sq.parametrizations.weight.length, 1);
  assertThrowsMsg(
    () => {
      sq.weight = torch.eye(3);
    },
    /ParametrizationList.rightInverse: parametrization SymmetricOnly does not implement rightInverse/,
  );
  assertThrowsMsg(
    () => removeParametrizations(sq, "bias"),
    /removeParametrizations: Module ParametrizedLinear does not have a parametrization on bias/,
  );
  class BadInverse extends nn.Module {
    override forward(x: Tensor): Tensor {
      return x;
    }
    rightInverse(x: Tensor): Tensor {
      return x.to("float64");
    }
  }
  assertThrowsMsg(
    () => registerParametrization(new nn.Linear(2, 2), "weight", new BadInverse()),
    /registerParametrization: when 'rightInverse' outputs one tensor, it may not change the dtype.\noriginal.dtype: float32\nrightInverse\(original\).dtype: float64/,
  );
});

Deno.test("parametrize.transferParametrizationsAndParams: shared parametrizations and originals", async () => {
  const { transferParametrizationsAndParams } = nn.utils.parametrize;
  const c = pz.chain;
  const a = registerParametrization(linearFrom(c.start), "weight", new Symmetric());
  registerParametrization(a, "weight", new Scale(3));
  registerParametrization(a, "bias", new Scale(2));
  const b = transferParametrizationsAndParams(a, new nn.Linear(3, 3), "weight");
  assert.ok(isParametrized(b, "weight") && !isParametrized(b, "bias"));
  assert.ok(b.parametrizations.weight.original === a.parametrizations.weight.original);
  assert.ok(b.parametrizations.weight[0] === a.parametrizations.weight[0]);
  await close(b.weight, Array.from(a.weight.reshape([-1]).dataSync()));
  // a module without the tensor gets it as a parameter first; several originals are shared too
  const two = registerParametrization(linearFrom(pz.twoOriginals.start), "weight", new SumOfTwo());
  const bare = transferParametrizationsAndParams(two, new nn.Module());
  assert.deepEqual(Object.keys(bare.stateDict()), [
    "parametrizations.weight.original0",
    "parametrizations.weight.original1",
  ]);
  const [o0, o1] = bare.parametrizations.weight.originals();
  assert.ok(
    o0 === two.parametrizations.weight.originals()[0] && o1 === two.parametrizations.weight.originals()[1],
  );
  await close((bare as unknown as { weight: Tensor }).weight, pz.twoOriginals.weight);
  assertThrowsMsg(
    () => transferParametrizationsAndParams(a, new nn.Linear(3, 3), "running_mean"),
    /transferParametrizationsAndParams: Module ParametrizedLinear does not have a parametrization on running_mean/,
  );
});
