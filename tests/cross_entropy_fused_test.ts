/**
 * The fused softmax cross-entropy (src/ops/loss.ts, one CPU kernel each way) against the composed
 * ops it replaces, which the PyTorch fixtures of nn_loss_test.ts pin down: the composed path is
 * forced with class weights of ones (same numbers, no fusion). Values, gradients, reductions,
 * ignored targets, 1-d inputs, an all-ignored batch, bad targets, second order and grad_fn.
 */
import * as torch from "../mod.ts";
import { F } from "../mod.ts";
import type { Tensor } from "../mod.ts";
import { assert, assertClose, assertThrowsMsg, gradcheck } from "./helpers.ts";
import { backendFor } from "../src/backends/registry.ts";

/** Counts the fused kernel calls made while `fn` runs. */
function countFused(fn: () => void): { forward: number; backward: number } {
  const b = backendFor("cpu") as unknown as Record<string, unknown>;
  const calls = { forward: 0, backward: 0 };
  const fwd = b.crossEntropy as (...a: unknown[]) => unknown;
  const bwd = b.crossEntropyBackward as (...a: unknown[]) => unknown;
  b.crossEntropy = (...a: unknown[]) => (calls.forward++, fwd.apply(b, a));
  b.crossEntropyBackward = (...a: unknown[]) => (calls.backward++, bwd.apply(b, a));
  try {
    fn();
  } finally {
    b.crossEntropy = fwd;
    b.crossEntropyBackward = bwd;
  }
  return calls;
}

function lossAndGrad(
  x: Tensor,
  t: Tensor,
  opts: F.CrossEntropyOptions,
  composed: boolean,
): { loss: number[]; grad: number[] } {
  const xi = x.detach().requiresGrad_();
  const c = x.shape[x.ndim - 1];
  const o = composed ? { ...opts, weight: torch.ones(c) } : opts;
  const loss = F.crossEntropy(xi, t, o);
  loss.backward(loss.ndim === 0 ? undefined : torch.randnLike(loss, { generator: new torch.Generator(3) }));
  return { loss: Array.from(loss.dataSync()), grad: Array.from(xi.grad!.dataSync()) };
}

Deno.test("fused crossEntropy equals the composed ops: reductions, ignored targets, 1-d input", () => {
  torch.manualSeed(0);
  const x = torch.randn(6, 5).mul(3);
  const targets = [torch.tensor([0, 4, 2, 2, 1, 3]), torch.tensor([0, -100, 2, -100, 1, 3])];
  for (const t of targets) {
    for (const reduction of ["mean", "sum", "none"] as const) {
      let fused!: { loss: number[]; grad: number[] };
      const calls = countFused(() => fused = lossAndGrad(x, t, { reduction }, false));
      assert.deepEqual(calls, { forward: 1, backward: 1 }, `${reduction}: one kernel each way`);
      const composed = lossAndGrad(x, t, { reduction }, true);
      assertClose(fused.loss, composed.loss, { rtol: 1e-6, atol: 1e-6, msg: `${reduction} loss` });
      assertClose(fused.grad, composed.grad, { rtol: 1e-5, atol: 1e-7, msg: `${reduction} grad` });
    }
  }
  const ignoreClass = lossAndGrad(x, torch.tensor([0, 1, 2, 1, 1, 3]), { ignoreIndex: 1 }, false);
  const ignoreComposed = lossAndGrad(x, torch.tensor([0, 1, 2, 1, 1, 3]), { ignoreIndex: 1 }, true);
  assertClose(ignoreClass.loss, ignoreComposed.loss, { rtol: 1e-6 });
  assertClose(ignoreClass.grad, ignoreComposed.grad, { rtol: 1e-5, atol: 1e-7 });
  const one = torch.tensor([0.5, -1, 2]);
  for (const reduction of ["mean", "none"] as const) {
    const f = lossAndGrad(one, torch.tensor(2), { reduction }, false);
    const c = lossAndGrad(one, torch.tensor(2), { reduction }, true);
    assertClose(f.loss, c.loss, { rtol: 1e-6 });
    assertClose(f.grad, c.grad, { rtol: 1e-5, atol: 1e-7 });
  }
});

Deno.test("fused crossEntropy: every target ignored gives NaN and zero gradients, as PyTorch", () => {
  const x = torch.randn([3, 4], { requiresGrad: true });
  const loss = F.crossEntropy(x, torch.tensor([-100, -100, -100]));
  assert.ok(Number.isNaN(loss.item()));
  loss.backward();
  assert.deepEqual(Array.from(x.grad!.dataSync()), new Array(12).fill(0));
});

Deno.test("fused crossEntropy: a bad target throws naming it, without a read of the targets first", () => {
  const x = torch.randn(3, 4);
  assertThrowsMsg(
    () => F.crossEntropy(x, torch.tensor([0, 7, 1])),
    /crossEntropy: target class 7 is out of range for input of shape \[3, 4\] with 4 classes \(expected values in \[0, 3\], or ignoreIndex -100\)/,
  );
  assertThrowsMsg(() => F.crossEntropy(x, torch.tensor([0, -1, 1])), /target class -1 is out of range/);
  const calls = countFused(() => F.crossEntropy(x, torch.tensor([0, 3, 1])));
  assert.equal(calls.forward, 1);
});

Deno.test("fused crossEntropy: PyTorch's grad_fn name, gradcheck, second order through createGraph", () => {
  const x = torch.randn([4, 3], { requiresGrad: true });
  const t = torch.tensor([2, 0, 1, 1]);
  assert.equal(F.crossEntropy(x, t).gradFn!.name, "NllLossBackward0");
  gradcheck((a: Tensor) => F.crossEntropy(a, t), [torch.randn([4, 3], { requiresGrad: true })]);
  gradcheck((a: Tensor) => F.crossEntropy(a, t, { reduction: "none" }), [
    torch.randn([4, 3], { requiresGrad: true }),
  ]);
  // d/dx of the gradient's weighted sum equals the composed ops' (softmax Hessian-vector product).
  const v = torch.randn(4, 3);
  const hvp = (composed: boolean) => {
    const xi = x.detach().requiresGrad_();
    const loss = F.crossEntropy(xi, t, composed ? { weight: torch.ones(3) } : {});
    const [g] = torch.autograd.grad(loss, xi, { createGraph: true });
    const [h] = torch.autograd.grad(g!.mul(v).sum(), xi);
    return Array.from(h!.dataSync());
  };
  assertClose(hvp(false), hvp(true), { rtol: 1e-4, atol: 1e-6 });
});
