/**
 * The WebGPU backend against the CPU (wasm) backend on the same inputs: the
 * fused optimizer steps (adamUpdate, sgdUpdate). Setup, tolerances and the comparison helpers are in
 * tests/webgpu_backend_setup.ts; the last test checks that no kernel raised a WebGPU validation error.
 */
import type { Backend, BinaryOp, Storage } from "../src/backends/backend.ts";
import { randF32, rng } from "./helpers.ts";
import { both, cpu, g, gpuTest, noValidationErrorsTest, same } from "./webgpu_backend_setup.ts";

// ---------------------------------------------------------------------------------------------
// Fused optimizer steps

/** Adam through CPU tensor-op kernels, as src/optim/adam.ts composes them. */
function adamReference(
  b: Backend,
  p: Storage,
  grad: Storage,
  m: Storage,
  v: Storage,
  vmax: Storage | null,
  o: {
    lr: number;
    beta1: number;
    beta2: number;
    eps: number;
    weightDecay: number;
    step: number;
    decoupled: boolean;
    amsgrad: boolean;
    maximize: boolean;
  },
): { p: Storage; m: Storage; v: Storage; vmax: Storage | null } {
  const n = p.numel;
  const bin = (op: BinaryOp, x: Storage | number, y: Storage | number) => b.binary(op, x, y, n, "float32");
  let g = o.maximize ? b.unary("neg", grad) : grad;
  if (o.weightDecay !== 0) {
    if (o.decoupled) p = bin("mul", p, 1 - o.lr * o.weightDecay);
    else g = bin("add", g, bin("mul", p, o.weightDecay));
  }
  const m2 = bin("add", bin("mul", m, o.beta1), bin("mul", g, 1 - o.beta1));
  const v2 = bin("add", bin("mul", v, o.beta2), bin("mul", bin("mul", g, 1 - o.beta2), g));
  const bias1 = 1 - o.beta1 ** o.step, bias2 = 1 - o.beta2 ** o.step;
  let second = v2;
  let vmax2: Storage | null = null;
  if (o.amsgrad) {
    vmax2 = bin("maximum", vmax!, v2);
    second = vmax2;
  }
  const denom = bin("add", bin("div", b.unary("sqrt", second), Math.sqrt(bias2)), o.eps);
  const p2 = bin("add", p, bin("div", bin("mul", m2, -(o.lr / bias1)), denom));
  return { p: p2, m: m2, v: v2, vmax: vmax2 };
}

gpuTest("adamUpdate / sgdUpdate match the unfused tensor-op sequences", async () => {
  const r = rng(16);
  const n = 1003;
  for (
    const variant of [
      { decoupled: false, amsgrad: false, maximize: false, weightDecay: 0 },
      { decoupled: false, amsgrad: true, maximize: true, weightDecay: 0.1 },
      { decoupled: true, amsgrad: false, maximize: false, weightDecay: 0.01 },
    ]
  ) {
    const o = { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, step: 3, ...variant };
    const p = randF32(n, r), grad = randF32(n, r), m = randF32(n, r, -0.1, 0.1), v = randF32(n, r, 0, 0.01);
    const vmax = randF32(n, r, 0, 0.02);
    const [gp] = both(p, "float32"),
      [gg] = both(grad, "float32"),
      [gm] = both(m, "float32"),
      [gv] = both(v, "float32");
    const [gvm] = both(vmax, "float32");
    g.adamUpdate(gp, gg, gm, gv, o.amsgrad ? gvm : null, o);
    const ref = adamReference(
      cpu,
      cpu.fromTyped(p, "float32"),
      cpu.fromTyped(grad, "float32"),
      cpu.fromTyped(m, "float32"),
      cpu.fromTyped(v, "float32"),
      cpu.fromTyped(vmax, "float32"),
      o,
    );
    const tol = { rtol: 1e-6, atol: 1e-7 };
    await same(`adam p ${JSON.stringify(variant)}`, gp, ref.p, tol);
    await same(`adam m ${JSON.stringify(variant)}`, gm, ref.m, tol);
    await same(`adam v ${JSON.stringify(variant)}`, gv, ref.v, tol);
    if (o.amsgrad) await same("adam vmax", gvm, ref.vmax!, tol);
  }
  for (
    const o of [
      {
        lr: 0.1,
        momentum: 0,
        dampening: 0,
        weightDecay: 0,
        nesterov: false,
        maximize: false,
        firstStep: false,
      },
      {
        lr: 0.1,
        momentum: 0.9,
        dampening: 0,
        weightDecay: 0.01,
        nesterov: true,
        maximize: false,
        firstStep: true,
      },
      {
        lr: 0.05,
        momentum: 0.9,
        dampening: 0.5,
        weightDecay: 0,
        nesterov: false,
        maximize: true,
        firstStep: false,
      },
    ]
  ) {
    const p = randF32(n, r), grad = randF32(n, r), buf = randF32(n, r);
    const [gp] = both(p, "float32"), [gg] = both(grad, "float32"), [gb] = both(buf, "float32");
    g.sgdUpdate(gp, gg, o.momentum !== 0 ? gb : null, o);
    const bin = (op: BinaryOp, x: Storage | number, y: Storage | number) =>
      cpu.binary(op, x, y, n, "float32");
    const cp = cpu.fromTyped(p, "float32");
    let d: Storage = cpu.fromTyped(grad, "float32");
    if (o.maximize) d = cpu.unary("neg", d);
    if (o.weightDecay !== 0) d = bin("add", d, bin("mul", cp, o.weightDecay));
    let cbuf: Storage | null = null;
    if (o.momentum !== 0) {
      cbuf = o.firstStep ? d : bin(
        "add",
        bin("mul", cpu.fromTyped(buf, "float32"), o.momentum),
        o.dampening === 0 ? d : bin("mul", d, 1 - o.dampening),
      );
      d = o.nesterov ? bin("add", d, bin("mul", cbuf, o.momentum)) : cbuf;
    }
    const p2 = bin("sub", cp, bin("mul", d, o.lr));
    await same(`sgd p ${JSON.stringify(o)}`, gp, p2, { rtol: 1e-6, atol: 1e-7 });
    if (cbuf) await same(`sgd buf ${JSON.stringify(o)}`, gb, cbuf, { rtol: 1e-6, atol: 1e-7 });
  }
});

noValidationErrorsTest();
