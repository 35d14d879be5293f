/**
 * Custom autograd functions (torch.autograd.Function): PyTorch's LegendrePolynomial3 tutorial loop
 * step by step, saved tensors, several inputs and outputs, markNonDifferentiable, markDirty,
 * higher-order gradients, memory and version checks, and the errors. Expected values:
 * tools/fixtures/autograd_ext_fixtures.py (PyTorch 1.13).
 */
import * as torch from "../mod.ts";
import type { Device, Tensor } from "../mod.ts";
import { assert, assertClose, assertCloseAsync, assertThrowsMsg, gradcheck } from "./helpers.ts";
import { deviceTest } from "./devices.ts";

type Ctx = torch.autograd.FunctionCtx;
const fx = JSON.parse(await Deno.readTextFile(new URL("./fixtures/autograd_ext.json", import.meta.url)))
  .custom_function;

const on = (values: number[], shape: number[], device: Device, requiresGrad = false): Tensor =>
  torch.tensor(values, { dtype: "float32" }).reshape(shape).to(device).requiresGrad_(requiresGrad);

class LegendrePolynomial3 extends torch.autograd.Function {
  static override forward(ctx: Ctx, input: Tensor): Tensor {
    ctx.saveForBackward(input);
    return input.pow(3).mul(5).sub(input.mul(3)).mul(0.5);
  }
  static override backward(ctx: Ctx, gradOutput: Tensor): Tensor {
    const [input] = ctx.savedTensors;
    return gradOutput.mul(1.5).mul(input.pow(2).mul(5).sub(1));
  }
}

class Cube extends torch.autograd.Function {
  static override forward(ctx: Ctx, x: Tensor): Tensor {
    ctx.saveForBackward(x);
    return x.pow(3);
  }
  static override backward(ctx: Ctx, g: Tensor): Tensor {
    const [x] = ctx.savedTensors;
    return g.mul(3).mul(x.pow(2));
  }
}

class MulAdd extends torch.autograd.Function {
  static override forward(ctx: Ctx, x: Tensor, y: Tensor, k: number): Tensor {
    ctx.saveForBackward(x, y);
    ctx.k = k;
    return x.mul(y).add(k);
  }
  static override backward(ctx: Ctx, g: Tensor): (Tensor | null)[] {
    const [x, y] = ctx.savedTensors;
    return [g.mul(y), g.mul(x), null];
  }
}

class SinCos extends torch.autograd.Function {
  static override forward(ctx: Ctx, x: Tensor): Tensor[] {
    ctx.saveForBackward(x);
    return [x.sin(), x.cos()];
  }
  static override backward(ctx: Ctx, gs: Tensor, gc: Tensor): Tensor {
    const [x] = ctx.savedTensors;
    return gs.mul(x.cos()).sub(gc.mul(x.sin()));
  }
}

class SortValues extends torch.autograd.Function {
  static override forward(ctx: Ctx, x: Tensor): Tensor[] {
    const { values, indices } = x.sort(-1);
    ctx.markNonDifferentiable(indices);
    ctx.saveForBackward(indices);
    return [values, indices];
  }
  static override backward(ctx: Ctx, g: Tensor): Tensor {
    const [indices] = ctx.savedTensors;
    return torch.zerosLike(g).scatterAdd(-1, indices, g);
  }
}

class Exp extends torch.autograd.Function {
  static override forward(ctx: Ctx, x: Tensor): Tensor {
    const result = x.exp();
    ctx.saveForBackward(result);
    return result;
  }
  static override backward(ctx: Ctx, g: Tensor): Tensor {
    const [result] = ctx.savedTensors;
    return g.mul(result);
  }
}

class DoubleInplace extends torch.autograd.Function {
  static override forward(ctx: Ctx, x: Tensor): Tensor {
    x.mul_(2);
    ctx.markDirty(x);
    return x;
  }
  static override backward(_ctx: Ctx, g: Tensor): Tensor {
    return g.mul(2);
  }
}

deviceTest(
  "Function: PyTorch's LegendrePolynomial3 tutorial loop gives PyTorch's losses step by step",
  async (device) => {
    const steps = device === "cpu" ? 2000 : 500; // every step on the CPU; the first 500 on the GPU (8 s for all)
    const x = torch.linspace(-Math.PI, Math.PI, 2000, { device });
    const y = torch.sin(x);
    const a = torch.full([], 0.0, { dtype: "float32", device, requiresGrad: true });
    const b = torch.full([], -1.0, { dtype: "float32", device, requiresGrad: true });
    const c = torch.full([], 0.0, { dtype: "float32", device, requiresGrad: true });
    const d = torch.full([], 0.3, { dtype: "float32", device, requiresGrad: true });
    const learningRate = 5e-6;
    const losses: Tensor[] = [];
    for (let t = 0; t < steps; t++) {
      const P3 = LegendrePolynomial3.apply;
      const yPred = a.add(b.mul(P3(c.add(d.mul(x)))));
      const loss = yPred.sub(y).pow(2).sum();
      losses.push(loss.detach());
      loss.backward();
      torch.noGrad(() => {
        for (const p of [a, b, c, d]) {
          p.sub_(p.grad!.mul(learningRate));
          p.grad = null;
        }
      });
    }
    await assertCloseAsync(torch.stack(losses), fx.legendre.losses.slice(0, steps), {
      rtol: 2e-4,
      msg: "losses",
    });
    if (steps === 2000) {
      await assertCloseAsync(torch.stack([a, b, c, d]), fx.legendre.final, {
        rtol: 1e-3,
        atol: 1e-6,
        msg: "final",
      });
    }
  },
);

deviceTest(
  "Function: backward written with tensor ops gives higher-order gradients (createGraph)",
  async (device) => {
    const c = fx.cube;
    const x = on(c.x, [3, 4], device, true), w = on(c.w, [3, 4], device);
    const y = Cube.apply(x);
    assert.equal(String(y.gradFn), "<CubeBackward>");
    assert.equal(y.gradFn!.name, c.gradFn);
    await assertCloseAsync(y.flatten(), c.y, { msg: "y" });
    const [dx] = torch.autograd.grad(y.mul(w).sum(), x, { createGraph: true });
    await assertCloseAsync(dx!.flatten(), c.dx, { msg: "dx" });
    const [d2x] = torch.autograd.grad(dx!.mul(w).sum(), x);
    await assertCloseAsync(d2x!.flatten(), c.d2x, { rtol: 1e-5, atol: 1e-5, msg: "d2x" });

    // A saved output: its graph runs through the function's node again.
    const e = fx.exp;
    const xe = on(e.x, [4], device, true);
    const ye = Exp.apply(xe);
    await assertCloseAsync(ye, e.y, { msg: "exp" });
    const [de] = torch.autograd.grad(ye.sum(), xe, { createGraph: true });
    await assertCloseAsync(de!, e.dx, { msg: "exp dx" });
    const [d2e] = torch.autograd.grad(de!.sum(), xe);
    await assertCloseAsync(d2e!, e.d2x, { msg: "exp d2x" });
  },
);

deviceTest(
  "Function: several inputs (with a non-tensor one), saved tensors and needsInputGrad",
  async (device) => {
    const c = fx.mulAdd;
    const a = on(c.a, [2, 3], device, true), b = on(c.b, [2, 3], device, true);
    const r = MulAdd.apply(a, b, c.k);
    await assertCloseAsync(r.flatten(), c.out, { msg: "out" });
    r.mul(on(c.w, [2, 3], device)).sum().backward();
    await assertCloseAsync(a.grad!.flatten(), c.gradA, { msg: "grad a" });
    await assertCloseAsync(b.grad!.flatten(), c.gradB, { msg: "grad b" });

    let seen: readonly boolean[] = [];
    class Probe extends torch.autograd.Function {
      static override forward(ctx: Ctx, x: Tensor, y: Tensor, _k: number): Tensor {
        seen = ctx.needsInputGrad;
        return x.add(y);
      }
      static override backward(ctx: Ctx, g: Tensor): (Tensor | null)[] {
        return [ctx.needsInputGrad[0] ? g : null, ctx.needsInputGrad[1] ? g : null, null];
      }
    }
    const x = torch.ones([2], { device, requiresGrad: true }), y = torch.ones([2], { device });
    Probe.apply(x, y, 3).sum().backward();
    assert.deepEqual(seen, [true, false, false]);
    await assertCloseAsync(x.grad!, [1, 1]);
    torch.noGrad(() => Probe.apply(x, y, 3));
    assert.deepEqual(seen, [false, false, false]);
    // No input requires grad: no node, nothing saved.
    const plain = MulAdd.apply(y, y, 1);
    assert.equal(plain.gradFn, null);
    assert.equal(plain.requiresGrad, false);
  },
);

deviceTest("Function: several outputs; unused outputs get zeros; markNonDifferentiable", async (device) => {
  const c = fx.sinCos;
  const x = on(c.x, [5], device, true);
  const [s, co] = SinCos.apply<Tensor[]>(x);
  assert.equal(s.gradFn!.name, "SinCosBackward");
  assert.equal(co.gradFn!.name, "SinCosBackward");
  await assertCloseAsync(s, c.sin, { msg: "sin" });
  await assertCloseAsync(co, c.cos, { msg: "cos" });
  s.mul(2).add(co.mul(3)).sum().backward();
  await assertCloseAsync(x.grad!, c.gradBoth, { msg: "both" });
  x.grad = null;
  const [s2] = SinCos.apply<Tensor[]>(x);
  s2.mul(2).sum().backward();
  await assertCloseAsync(x.grad!, c.gradSinOnly, { msg: "sin only" });

  const v = fx.sortValues;
  const xs = on(v.x, [2, 5], device, true);
  const [values, indices] = SortValues.apply<[Tensor, Tensor]>(xs);
  assert.equal(indices.requiresGrad, v.indicesRequireGrad);
  assert.equal(indices.gradFn, null);
  await assertCloseAsync(values.flatten(), v.values);
  await assertCloseAsync(indices.flatten(), v.indices);
  values.mul(on(v.w, [2, 5], device)).sum().backward();
  await assertCloseAsync(xs.grad!.flatten(), v.grad, { msg: "sort grad" });
});

deviceTest(
  "Function: setMaterializeGrads(false) passes null for outputs without a gradient",
  async (device) => {
    const got: (Tensor | null)[] = [];
    class Two extends torch.autograd.Function {
      static override forward(ctx: Ctx, x: Tensor): Tensor[] {
        ctx.setMaterializeGrads(false);
        return [x.mul(2), x.mul(3)];
      }
      static override backward(_ctx: Ctx, ga: Tensor | null, gb: Tensor | null): Tensor {
        got.push(ga, gb);
        return (ga ?? gb)!.mul(ga ? 2 : 3);
      }
    }
    const x = torch.ones([3], { device, requiresGrad: true });
    const [, b] = Two.apply<Tensor[]>(x);
    b.sum().backward();
    assert.equal(got[0], null);
    assert.ok(got[1] instanceof torch.Tensor);
    await assertCloseAsync(x.grad!, [3, 3, 3]);
  },
);

deviceTest("Function: markDirty rebases the modified input onto the function's node", async (device) => {
  const c = fx.doubleInplace;
  const leaf = on(c.x, [4], device, true);
  const h = leaf.mul(3);
  const r = DoubleInplace.apply(h);
  assert.equal(r === h, c.same);
  assert.equal(h.gradFn!.name, c.gradFn);
  await assertCloseAsync(r, c.out);
  r.mul(torch.arange(4, { device }).float()).sum().backward();
  await assertCloseAsync(leaf.grad!, c.grad);
  // A leaf that requires grad cannot be modified in place.
  assertThrowsMsg(
    () => DoubleInplace.apply(torch.ones([2], { device, requiresGrad: true })),
    /DoubleInplace.apply: a leaf Variable that requires grad has been used in an in-place operation/,
  );
  class DirtyNotReturned extends torch.autograd.Function {
    static override forward(ctx: Ctx, x: Tensor): Tensor {
      ctx.markDirty(x);
      return x.mul(1);
    }
  }
  assertThrowsMsg(
    () => DirtyNotReturned.apply(torch.ones([2], { device, requiresGrad: true }).mul(1)),
    /marked as dirty during the forward method were not returned/,
  );
});

deviceTest("Function: saved tensors are version-checked and freed by backward", async (device) => {
  const x = torch.ones([3], { device, requiresGrad: true });
  const h = x.mul(2);
  const y = Cube.apply(h);
  h.add_(1);
  assertThrowsMsg(
    () => y.sum().backward(),
    /modified by an inplace operation: the saved savedTensors\[0\] of CubeBackward/,
  );
  let ctxSeen: Ctx | null = null;
  class Keep extends torch.autograd.Function {
    static override forward(ctx: Ctx, x: Tensor): Tensor {
      ctxSeen = ctx;
      ctx.saveForBackward(x.mul(2)); // an intermediate: kept by the graph only
      return x.mul(2);
    }
    static override backward(ctx: Ctx, g: Tensor): Tensor {
      const [twice] = ctx.savedTensors;
      return g.mul(twice).div(twice).mul(2);
    }
  }
  const z = Keep.apply(x);
  const [intermediate] = ctxSeen!.savedTensors;
  assert.equal(intermediate.isDisposed, false, "the graph keeps the saved intermediate");
  z.sum().backward({ retainGraph: true });
  assert.equal(intermediate.isDisposed, false, "retainGraph keeps it");
  z.sum().backward();
  assert.equal(intermediate.isDisposed, true, "backward frees it");
  await assertCloseAsync(x.grad!, [4, 4, 4]);
  assertThrowsMsg(() => ctxSeen!.savedTensors, /Trying to backward through the graph a second time/);
  assertThrowsMsg(() => z.sum().backward(), /Trying to backward through the graph a second time/);
});

deviceTest(
  "Function: tensors kept as ctx attributes survive the call (as PyTorch allows)",
  async (device) => {
    class Attr extends torch.autograd.Function {
      static override forward(ctx: Ctx, x: Tensor): Tensor {
        ctx.scale = x.mul(0).add(3); // made inside forward, not saved: kept by ctx
        return x.mul(3);
      }
      static override backward(ctx: Ctx, g: Tensor): Tensor {
        return g.mul(ctx.scale as Tensor);
      }
    }
    const x = torch.ones([2], { device, requiresGrad: true });
    const y = torch.scope(() => Attr.apply(x).sum());
    y.backward();
    await assertCloseAsync(x.grad!, [3, 3]);
  },
);

deviceTest("Function: wrong gradients from backward are clear errors", (device) => {
  const x = torch.ones([2, 3], { device, requiresGrad: true });
  class TooFew extends torch.autograd.Function {
    static override forward(_ctx: Ctx, a: Tensor, _b: Tensor): Tensor {
      return a.mul(2);
    }
    static override backward(_ctx: Ctx, g: Tensor): Tensor {
      return g;
    }
  }
  assertThrowsMsg(
    () => TooFew.apply(x, x).sum().backward(),
    /function TooFewBackward returned an incorrect number of gradients \(expected 2, got 1\)/,
  );
  class BadShape extends torch.autograd.Function {
    static override forward(_ctx: Ctx, a: Tensor): Tensor {
      return a.sum();
    }
    static override backward(_ctx: Ctx, g: Tensor): Tensor {
      return g.expand(4);
    }
  }
  assertThrowsMsg(
    () => BadShape.apply(x).backward(),
    /function BadShapeBackward returned an invalid gradient at index 0 - got \[4\] but expected shape compatible with \[2, 3\]/,
  );
  class NonTensorGrad extends torch.autograd.Function {
    static override forward(_ctx: Ctx, a: Tensor, _k: number): Tensor {
      return a.mul(2);
    }
    static override backward(_ctx: Ctx, g: Tensor): Tensor[] {
      return [g, g];
    }
  }
  assertThrowsMsg(
    () => NonTensorGrad.apply(x, 2).sum().backward(),
    /returned a gradient different than null at position 1, but the corresponding forward input was not a tensor/,
  );
  class NoBackward extends torch.autograd.Function {
    static override forward(_ctx: Ctx, a: Tensor): Tensor {
      return a.mul(2);
    }
  }
  assertThrowsMsg(
    () => NoBackward.apply(x).sum().backward(),
    /NoBackward.backward: a Function subclass must override/,
  );
  assertThrowsMsg(() => torch.autograd.Function.apply(x), /must override the static forward/);
});

Deno.test("Function: broadcast gradients are summed back; gradcheck of a custom function", () => {
  class Scale extends torch.autograd.Function {
    static override forward(ctx: Ctx, x: Tensor, w: Tensor): Tensor {
      ctx.saveForBackward(x, w);
      return x.mul(w);
    }
    static override backward(ctx: Ctx, g: Tensor): Tensor[] {
      const [x, w] = ctx.savedTensors;
      return [g.mul(w), g.mul(x)]; // w's gradient in the broadcast shape: summed back by the engine
    }
  }
  const x = torch.randn([3, 4], { requiresGrad: true }), w = torch.randn([4], { requiresGrad: true });
  gradcheck((a, b) => Scale.apply(a, b), [x, w]);
  x.grad = null;
  w.grad = null;
  Scale.apply(x, w).sum().backward();
  assertClose(w.grad!, x.sum(0));
});
