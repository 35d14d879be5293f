/**
 * torch.autograd.functional: jacobian (reverse and forward mode), hessian, vjp, jvp, vhp, hvp on
 * one tensor and on arrays of tensors, createGraph, unused inputs and strict mode. Expected
 * values: tools/fixtures/autograd_ext_fixtures.py (PyTorch 1.13).
 */
import * as torch from "../mod.ts";
import type { Device, Tensor } from "../mod.ts";
import { assert, assertCloseAsync, assertThrowsMsg } from "./helpers.ts";
import { deviceTest } from "./devices.ts";

const AF = torch.autograd.functional;
const fx = JSON.parse(await Deno.readTextFile(new URL("./fixtures/autograd_ext.json", import.meta.url)))
  .functional;

const on = (values: number[], shape: number[], device: Device): Tensor =>
  torch.tensor(values, { dtype: "float32" }).reshape(shape).to(device);

function setup(device: Device) {
  const x = on(fx.x, [3, 4], device), a = on(fx.a, [2, 3], device), b = on(fx.b, [3, 2], device);
  const w = on(fx.w, [3, 4], device);
  const f1 = (x: Tensor) => x.sin().mul(x).sum(1);
  const f2 = (a: Tensor, b: Tensor) => [a.matmul(b), a.mul(2).exp()];
  const s1 = (x: Tensor) => x.pow(3).mul(w).sum().add(x.index(0).mul(x.index(1)).sum());
  const s2 = (a: Tensor, b: Tensor) => a.tanh().matmul(b).sum().add(b.pow(2).sum());
  return { x, a, b, f1, f2, s1, s2 };
}

const tol = { rtol: 1e-4, atol: 1e-5 };

deviceTest("functional.jacobian: one tensor and arrays, reverse and forward mode", async (device) => {
  const { x, a, b, f1, f2 } = setup(device);
  const J = AF.jacobian(f1, x);
  assert.deepEqual(J.shape, [3, 3, 4]);
  await assertCloseAsync(J.flatten(), fx.jac_f1, tol);
  const Jf = AF.jacobian(f1, x, { vectorize: true, strategy: "forward-mode" });
  await assertCloseAsync(Jf.flatten(), fx.jac_f1_forward, tol);
  for (const strategy of ["reverse-mode", "forward-mode"] as const) {
    const J2 = AF.jacobian(f2, [a, b], { strategy });
    const expected = strategy === "reverse-mode" ? fx.jac_f2 : fx.jac_f2_forward;
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < 2; j++) {
        assert.deepEqual(J2[i][j].shape, fx.jac_f2_shapes[i][j]);
        await assertCloseAsync(J2[i][j].flatten(), expected[i][j], {
          ...tol,
          msg: `${strategy} J[${i}][${j}]`,
        });
        assert.equal(J2[i][j].requiresGrad, false);
      }
    }
  }
  // An input the output does not depend on: zeros, or an error in strict mode.
  const unused = AF.jacobian((p: Tensor, _q: Tensor) => p.sum(0).mul(2), [a, b]);
  await assertCloseAsync(unused[0].flatten(), fx.jac_unused[0]);
  await assertCloseAsync(unused[1].flatten(), fx.jac_unused[1]);
  assertThrowsMsg(
    () => AF.jacobian((p: Tensor, _q: Tensor) => p.sum(0), [a, b], { strict: true }),
    /jacobian: output 0 of the user-provided function is independent of input 1\. This is not allowed in strict mode/,
  );
  assertThrowsMsg(() => AF.jacobian(f1, x, { strict: true, vectorize: true }), /not supported together/);
});

deviceTest("functional.hessian: one tensor and an array of tensors", async (device) => {
  const { x, a, b, s1, s2 } = setup(device);
  const H = AF.hessian(s1, x);
  assert.deepEqual(H.shape, [3, 4, 3, 4]);
  await assertCloseAsync(H.flatten(), fx.hess_s1, tol);
  const H2 = AF.hessian(s2, [a, b]);
  for (let i = 0; i < 2; i++) {
    for (let j = 0; j < 2; j++) {
      assert.deepEqual(H2[i][j].shape, fx.hess_s2_shapes[i][j]);
      await assertCloseAsync(H2[i][j].flatten(), fx.hess_s2[i][j], { ...tol, msg: `H[${i}][${j}]` });
    }
  }
  const Hf = AF.hessian(s2, [a, b], { outerJacobianStrategy: "forward-mode", vectorize: true });
  await assertCloseAsync(Hf[0][1].flatten(), fx.hess_s2[0][1], tol);
  assertThrowsMsg(() => AF.hessian((t: Tensor) => t.mul(2), x), /should contain a single element/);
});

deviceTest("functional.vjp / jvp / vhp / hvp give PyTorch's products", async (device) => {
  const { x, a, b, f1, f2, s1, s2 } = setup(device);
  const [o1, vj1] = AF.vjp(f1, x, on(fx.v1, [3], device));
  await assertCloseAsync(o1, fx.vjp_f1.out, tol);
  await assertCloseAsync(vj1.flatten(), fx.vjp_f1.vjp, tol);
  const [, vj2] = AF.vjp(f2, [a, b], [on(fx.vo1, [2, 2], device), on(fx.vo2, [2, 3], device)]);
  await assertCloseAsync(vj2[0].flatten(), fx.vjp_f2.vjp[0], tol);
  await assertCloseAsync(vj2[1].flatten(), fx.vjp_f2.vjp[1], tol);
  const [jo, jv1] = AF.jvp(f1, x, on(fx.vx, [3, 4], device));
  await assertCloseAsync(jo, fx.jvp_f1.out, tol);
  await assertCloseAsync(jv1, fx.jvp_f1.jvp, tol);
  const [, jv2] = AF.jvp(f2, [a, b], [on(fx.va, [2, 3], device), on(fx.vb, [3, 2], device)]);
  await assertCloseAsync(jv2[0].flatten(), fx.jvp_f2.jvp[0], tol);
  await assertCloseAsync(jv2[1].flatten(), fx.jvp_f2.jvp[1], tol);
  const [so, vh] = AF.vhp(s1, x, on(fx.vx, [3, 4], device));
  await assertCloseAsync(so, fx.vhp_s1.out, tol);
  await assertCloseAsync(vh.flatten(), fx.vhp_s1.vhp, tol);
  const [ho, hv] = AF.hvp(s2, [a, b], [on(fx.va, [2, 3], device), on(fx.vb, [3, 2], device)]);
  await assertCloseAsync(ho, fx.hvp_s2.out, tol);
  await assertCloseAsync(hv[0].flatten(), fx.hvp_s2.hvp[0], tol);
  await assertCloseAsync(hv[1].flatten(), fx.hvp_s2.hvp[1], tol);
  // Without v: only for one-element outputs (vjp) or inputs (jvp).
  const [, g] = AF.vjp((t: Tensor) => t.pow(2).sum(), x);
  await assertCloseAsync(g, x.mul(2), tol);
  assertThrowsMsg(() => AF.vjp(f1, x), /the vector v can only be null if the output .* single element/);
  assertThrowsMsg(
    () => AF.vjp(f1, x, torch.ones(4, { device })),
    /vjp: v has invalid size: should be \[3\] but got \[4\]/,
  );
  assertThrowsMsg(
    () => AF.vjp(() => torch.ones(2).toArray() as unknown as Tensor, x),
    /must be either a Tensor/,
  );
});

deviceTest(
  "functional: createGraph makes the results differentiable; inputs are not touched",
  async (device) => {
    const { x, f1 } = setup(device);
    const xg = x.clone().requiresGrad_();
    const J = AF.jacobian(f1, xg, { createGraph: true });
    assert.ok(J.requiresGrad);
    J.mul(torch.linspace(-1, 1, J.numel(), { device }).reshape([...J.shape])).sum().backward();
    await assertCloseAsync(xg.grad!.flatten(), fx.jac_f1_create_graph_grad, tol);
    xg.grad = null;
    // The options may take v's place, as PyTorch's keywords.
    const [out, vj] = AF.vjp((t: Tensor) => t.pow(2).sum(), xg, { createGraph: true });
    assert.ok(out.requiresGrad && vj.requiresGrad);
    xg.grad = null;
    const [, vj2] = AF.vjp(f1, xg, on(fx.v1, [3], device), { createGraph: true });
    vj2.pow(2).sum().backward();
    await assertCloseAsync(xg.grad!.flatten(), fx.vjp_f1_create_graph_grad, tol);
    // Without createGraph the results are detached and the input gets no gradient.
    const x2 = x.clone().requiresGrad_();
    const J2 = AF.jacobian(f1, x2);
    assert.equal(J2.requiresGrad, false);
    assert.equal(x2.grad, null);
  },
);

Deno.test("functional: strict mode refuses outputs independent of the inputs", () => {
  const x = torch.randn(3);
  assertThrowsMsg(
    () => AF.vjp((_t: Tensor) => torch.ones(3), x, torch.ones(3), { strict: true }),
    /vjp: Output 0 of the user-provided function does not require gradients/,
  );
  const [, zeros] = AF.vjp((_t: Tensor) => torch.ones(3), x, torch.ones(3));
  assert.deepEqual(zeros.toArray(), [0, 0, 0]);
  assertThrowsMsg(
    () => AF.hvp((t: Tensor) => t.sum(), x, torch.ones(3), { strict: true }),
    /hvp: .*independent/,
  );
  const [, hv] = AF.hvp((t: Tensor) => t.sum(), x, torch.ones(3));
  assert.deepEqual(hv.toArray(), [0, 0, 0]);
});
