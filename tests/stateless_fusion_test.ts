/**
 * nn.utils.stateless.functionalCall, nn.utils.fusion (conv / transposed conv / linear with an
 * evaluation-mode BatchNorm) and nn.utils.skipInit. Fused parameters are compared with
 * tools/fixtures/parametrize_fixtures.py (PyTorch 1.13); functionalCall's gradients also by
 * finite differences.
 */
import * as torch from "../mod.ts";
import { F, nn } from "../mod.ts";
import type { Device, Tensor } from "../mod.ts";
import { assert, assertCloseAsync, assertThrowsMsg, type CloseOptions, gradcheck } from "./helpers.ts";
import { deviceTest } from "./devices.ts";

const fx = JSON.parse(await Deno.readTextFile(new URL("./fixtures/parametrize.json", import.meta.url)));
const { functionalCall } = nn.utils.stateless;
const { fuseConvBnEval, fuseLinearBnEval, fuseConvBnWeights, fuseLinearBnWeights } = nn.utils.fusion;

interface Enc {
  shape: number[];
  values: number[];
}

const dev = (e: Enc, device: Device = "cpu"): Tensor =>
  torch.tensor(e.values, { dtype: "float32" }).reshape(e.shape).to(device);
const close = (t: Tensor, e: Enc | Tensor, opts: CloseOptions = {}) =>
  assertCloseAsync(
    t.reshape([-1]),
    e instanceof torch.Tensor ? e.reshape([-1]) : e.values,
    { rtol: 1e-5, atol: 1e-5, ...opts },
  );
const stateOf = (sd: Record<string, Enc>): Record<string, Tensor> =>
  Object.fromEntries(
    Object.entries(sd).map(([k, e]) => [k, k === "num_batches_tracked" ? torch.tensor(e.values[0]) : dev(e)]),
  );

deviceTest(
  "stateless.functionalCall: given tensors for one call, gradients to them, module untouched",
  async (device) => {
    const model = new nn.Sequential(new nn.Linear(3, 4), new nn.Tanh(), new nn.Linear(4, 2)).to(device);
    const keys = Object.keys(model.stateDict());
    const before = await model.at(0).getParameter("weight").toArrayAsync();
    const w0 = torch.randn([4, 3], { device }).requiresGrad_();
    const b2 = torch.randn([2], { device }).requiresGrad_();
    const x = torch.randn([5, 3], { device });
    const y = functionalCall<Tensor>(model, { "0.weight": w0, "2.bias": b2 }, x);
    const l0 = model.at<nn.Linear>(0), l2 = model.at<nn.Linear>(2);
    const expected = F.linear(F.linear(x, w0, l0.bias).tanh(), l2.weight, b2);
    await close(y, expected);
    y.sum().backward();
    assert.ok(w0.grad && b2.grad && l0.bias!.grad && l2.weight.grad);
    assert.equal(l0.weight.grad, null, "the replaced parameter gets no gradient");
    assert.deepEqual(await l0.weight.toArrayAsync(), before);
    assert.ok(l0.weight instanceof nn.Parameter);
    assert.deepEqual(Object.keys(model.stateDict()), keys, "the parameters are back, in order");
    // an array is the argument list
    const bil = new nn.Bilinear(2, 2, 1).to(device);
    const wb = torch.ones([1, 2, 2], { device });
    const out = functionalCall<Tensor>(bil, { weight: wb }, [
      torch.ones([1, 2], { device }),
      torch.ones([1, 2], { device }),
    ]);
    await close(out, bil.bias!.add(4));
  },
);

deviceTest(
  "stateless.functionalCall: buffers, and a BatchNorm updating the given running stats",
  async (device) => {
    const bn = new nn.BatchNorm1d(3).to(device);
    const rm = torch.zeros([3], { device }), rv = torch.ones([3], { device });
    const x = torch.tensor([[1, 2, 3], [3, 6, 9]], { dtype: "float32" }).to(device);
    functionalCall(bn, { running_mean: rm, running_var: rv }, x);
    await close(rm, torch.tensor([0.2, 0.4, 0.6]));
    await close(bn.runningMean!, torch.zeros(3), { atol: 0 });
    bn.eval();
    const y = functionalCall<Tensor>(bn, { running_mean: torch.tensor([2, 4, 6]).float().to(device) }, x);
    await close(y, x.sub(torch.tensor([2, 4, 6]).to(device)).div(Math.sqrt(1 + 1e-5)));
    assert.deepEqual(bn.namedBuffers().map(([n]) => n), [
      "running_mean",
      "running_var",
      "num_batches_tracked",
    ]);
  },
);

Deno.test("stateless.functionalCall: parametrized tensors, a throwing call, gradcheck, bad input", () => {
  class Double extends nn.Module {
    override forward(t: Tensor): Tensor {
      return t.mul(2);
    }
  }
  const m = nn.utils.parametrize.registerParametrization(new nn.Linear(2, 1), "weight", new Double());
  const x = torch.tensor([[1, 1]], { dtype: "float32" });
  const w = torch.tensor([[1, 2]], { dtype: "float32" });
  const b = torch.zeros(1);
  assert.deepEqual(functionalCall<Tensor>(m, { weight: w, bias: b }, x).toArray(), [[3]]);
  assert.deepEqual(
    functionalCall<Tensor>(m, { "parametrizations.weight.original": w, bias: b }, x).toArray(),
    [[6]],
  );
  assert.ok(m.weight.toArray() !== null && nn.utils.parametrize.isParametrized(m, "weight"));
  class Boom extends nn.Module {
    w = new nn.Parameter(torch.ones(1));
    override forward(): Tensor {
      throw new Error("boom");
    }
  }
  const boom = new Boom();
  const own = boom.w;
  assert.throws(() => functionalCall(boom, { w: torch.zeros(1) }, []), /boom/);
  assert.ok(boom.w === own && Object.keys(boom).includes("w"), "restored after a throw");
  const fc = new nn.Linear(3, 2);
  const xs = torch.randn(4, 3);
  gradcheck((wt, bt) => functionalCall(fc, { weight: wt, bias: bt }, xs).tanh(), [
    torch.randn(2, 3).requiresGrad_(),
    torch.randn(2).requiresGrad_(),
  ]);
  assertThrowsMsg(
    () => functionalCall(fc, { weights: torch.zeros(2, 3) }, xs),
    /functionalCall: Linear has no parameter or buffer named "weights"/,
  );
  assertThrowsMsg(
    () => functionalCall(new nn.Sequential(fc), { "1.weight": torch.zeros(2, 3) }, xs),
    /functionalCall: Sequential has no submodule "1" \(for "1.weight"\)/,
  );
  assertThrowsMsg(
    () => functionalCall(fc, { weight: [[1, 2, 3]] as unknown as Tensor }, xs),
    /functionalCall: the value for "weight" must be a Tensor, got an array/,
  );
  // bias=False leaves a null slot that can still be given
  const nob = new nn.Linear(2, 1, { bias: false });
  const yb = functionalCall<Tensor>(nob, { weight: w, bias: torch.tensor([10]).float() }, x);
  assert.deepEqual(yb.toArray(), [[13]]);
  assert.equal(nob.bias, null);
});

deviceTest("fusion: conv / transposed conv / linear with BatchNorm vs PyTorch", async (device) => {
  const c = fx.fusion;
  const conv = new nn.Conv2d(2, 3, 3);
  conv.loadStateDict(stateOf(c.convBn.conv));
  const bn = new nn.BatchNorm2d(3);
  bn.loadStateDict(stateOf(c.convBn.bn));
  conv.eval().to(device);
  bn.eval().to(device);
  const fused = fuseConvBnEval(conv, bn);
  assert.ok(fused instanceof nn.Conv2d && fused !== conv);
  assert.equal(String(fused), String(conv));
  await close(fused.weight, c.convBn.fused.weight);
  await close(fused.bias!, c.convBn.fused.bias);
  const x = torch.randn([2, 2, 5, 5], { device });
  await close(fused(x), bn(conv(x)), { atol: 1e-4 });
  await close(conv.weight, c.convBn.conv.weight, { atol: 0, rtol: 0 });

  const convT = new nn.ConvTranspose2d(3, 2, 2, { bias: false });
  convT.loadStateDict(stateOf(c.convTBn.conv));
  const bnT = new nn.BatchNorm2d(2);
  bnT.loadStateDict(stateOf(c.convTBn.bn));
  convT.eval().to(device);
  bnT.eval().to(device);
  const fusedT = fuseConvBnEval(convT, bnT, { transpose: true });
  await close(fusedT.weight, c.convTBn.fused.weight);
  await close(fusedT.bias!, c.convTBn.fused.bias);
  const xt = torch.randn([1, 3, 3, 3], { device });
  await close(fusedT(xt), bnT(convT(xt)), { atol: 1e-4 });
  assert.equal(convT.bias, null);

  const lin = new nn.Linear(4, 3);
  lin.loadStateDict(stateOf(c.linearBn.linear));
  const bn1 = new nn.BatchNorm1d(3);
  bn1.loadStateDict(stateOf(c.linearBn.bn));
  lin.eval().to(device);
  bn1.eval().to(device);
  const fusedL = fuseLinearBnEval(lin, bn1);
  await close(fusedL.weight, c.linearBn.fused.weight);
  await close(fusedL.bias!, c.linearBn.fused.bias);
  const xl = torch.randn([5, 4], { device });
  await close(fusedL(xl), bn1(lin(xl)), { atol: 1e-4 });
  // the weight functions give the same parameters
  const [w, b] = fuseLinearBnWeights(
    lin.weight,
    lin.bias,
    bn1.runningMean!,
    bn1.runningVar!,
    1e-5,
    bn1.weight!,
    bn1.bias!,
  );
  assert.ok(w instanceof nn.Parameter && b instanceof nn.Parameter && w.requiresGrad);
  await close(w, c.linearBn.fused.weight);
});

Deno.test("fusion: the fused parameters are new leaves (as PyTorch's); bad input", () => {
  const rm = torch.randn(3), rv = torch.rand(3).add(0.5);
  const cw = torch.randn(3, 2, 2, 2).requiresGrad_();
  const [w, b] = fuseConvBnWeights(cw, null, rm, rv, 1e-5, null, null);
  assert.ok(w.isLeaf && b.isLeaf && w.requiresGrad && b.requiresGrad && w.gradFn === null);
  w.sum().backward();
  assert.equal(cw.grad, null);
  const conv = new nn.Conv2d(2, 3, 3), bn = new nn.BatchNorm2d(3);
  assertThrowsMsg(
    () => fuseConvBnEval(conv, bn),
    /fuseConvBnEval: fusion only for eval \(call .eval\(\) on both modules first\)/,
  );
  assertThrowsMsg(
    () => fuseConvBnEval(conv.eval(), new nn.BatchNorm2d(4).eval()),
    /fuseConvBnWeights: the convolution has 3 output channels \(weight \[3, 2, 3, 3\]\), the BatchNorm 4/,
  );
  assertThrowsMsg(
    () => fuseConvBnEval(conv.eval(), new nn.BatchNorm2d(3, { trackRunningStats: false }).eval()),
    /fuseConvBnEval: the BatchNorm has no running statistics/,
  );
  assertThrowsMsg(
    () => fuseLinearBnEval(new nn.Linear(2, 3).eval(), new nn.BatchNorm1d(3, { affine: false }).eval()),
    /fuseLinearBnEval: the BatchNorm has no affine weight and bias/,
  );
  assertThrowsMsg(
    () =>
      fuseLinearBnWeights(
        torch.ones(2, 3),
        null,
        torch.zeros(3),
        torch.ones(3),
        1e-5,
        torch.ones(3),
        torch.zeros(3),
      ),
    /fuseLinearBnWeights: expected a \[3, in\] weight for a BatchNorm of 3 features, got \[2, 3\]/,
  );
});

Deno.test("skipInit: the module is built without drawing from the global generator", () => {
  torch.manualSeed(5);
  const expected = torch.randn(4).toArray();
  torch.manualSeed(5);
  const conv = nn.utils.skipInit(nn.Conv2d, 2, 3, 3, { bias: false });
  assert.deepEqual(conv.weight.shape, [3, 2, 3, 3]);
  assert.equal(conv.bias, null);
  assert.deepEqual(torch.randn(4).toArray(), expected);
  assertThrowsMsg(
    () => nn.utils.skipInit((() => 1) as unknown as typeof nn.Linear, 1, 1),
    /skipInit: expected a Module class, got a function/,
  );
});
