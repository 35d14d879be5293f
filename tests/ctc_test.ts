/**
 * F.ctcLoss / nn.CTCLoss against PyTorch 1.13 (tests/fixtures/ctc.json, made by
 * tools/fixtures/ctc_fixtures.py): values, the gradient w.r.t. the logits before logSoftmax and
 * PyTorch's gradient w.r.t. log_probs, on every device; a float64 finite-difference gradcheck;
 * bad input.
 */
import * as torch from "../mod.ts";
import { F, nn } from "../mod.ts";
import type { Tensor } from "../mod.ts";
import {
  assertCloseAsync,
  assertThrowsMsg,
  type EncodedTensor,
  fixtureTensor,
  gradcheck,
} from "./helpers.ts";
import { deviceTest } from "./devices.ts";

interface CtcCase {
  name: string;
  x: EncodedTensor;
  targets: EncodedTensor;
  input_lengths: number[];
  target_lengths: number[];
  reduction: "none" | "mean" | "sum";
  zero_infinity: boolean;
  out: EncodedTensor;
  grad_x: EncodedTensor;
  grad_lp: EncodedTensor;
}

const cases: CtcCase[] = JSON.parse(
  Deno.readTextFileSync(new URL("./fixtures/ctc.json", import.meta.url)),
).cases;

/** The scripts' weights: linspace(0.5, 1.5) in out's shape. */
function weights(out: Tensor): Tensor {
  return torch.linspace(0.5, 1.5, out.numel()).reshape([...out.shape]).to(out.device);
}

for (const c of cases) {
  deviceTest(`ctcLoss matches PyTorch: ${c.name}`, async (device) => {
    const x = fixtureTensor(c.x, device, true);
    const targets = fixtureTensor(c.targets);
    const opts = { reduction: c.reduction, zeroInfinity: c.zero_infinity };
    const out = F.ctcLoss(x.logSoftmax(-1), targets, c.input_lengths, c.target_lengths, opts);
    await assertCloseAsync(out, fixtureTensor(c.out), { rtol: 1e-4, atol: 1e-5, msg: `${c.name} value` });
    const finite = c.grad_x.values.every((v) => typeof v === "number");
    if (!finite) return; // PyTorch's gradient of an infinite loss is NaN: not a contract.
    out.mul(weights(out)).sum().backward();
    await assertCloseAsync(x.grad!, fixtureTensor(c.grad_x), {
      rtol: 1e-3,
      atol: 1e-5,
      msg: `${c.name} grad x`,
    });
    // log_probs as a leaf: PyTorch's gradient (for normalised log-probabilities).
    const lp = x.detach().logSoftmax(-1).requiresGrad_(true);
    const mod = new nn.CTCLoss(opts);
    const out2 = mod(lp, targets, torch.tensor(c.input_lengths, { dtype: "int32" }), c.target_lengths);
    await assertCloseAsync(out2, fixtureTensor(c.out), { rtol: 1e-4, atol: 1e-5, msg: `${c.name} module` });
    out2.mul(weights(out2)).sum().backward();
    await assertCloseAsync(lp.grad!, fixtureTensor(c.grad_lp), {
      rtol: 1e-3,
      atol: 1e-5,
      msg: `${c.name} grad lp`,
    });
  });
}

Deno.test("ctcLoss: float64 finite-difference gradcheck through logSoftmax (padded, repeats, zeroInfinity)", () => {
  const gen = new torch.Generator(7);
  const x = torch.randn([6, 3, 4], { dtype: "float64", generator: gen }).requiresGrad_(true);
  const targets = torch.tensor([[1, 1, 2], [3, 2, 0], [2, 2, 2]], { dtype: "int32" });
  for (const reduction of ["none", "mean", "sum"] as const) {
    gradcheck(
      (x) => F.ctcLoss(x.logSoftmax(2), targets, [6, 5, 4], [3, 2, 3], { reduction, zeroInfinity: true }),
      [x],
      { eps: 1e-6, atol: 1e-7, rtol: 1e-5, msg: `ctcLoss ${reduction}` },
    );
  }
  // Concatenated targets, unbatched.
  const u = torch.randn([5, 3], { dtype: "float64", generator: gen }).requiresGrad_(true);
  gradcheck(
    (u) => F.ctcLoss(u.logSoftmax(1), torch.tensor([2, 1], { dtype: "int32" }), 5, 2),
    [u],
    { eps: 1e-6, atol: 1e-7, rtol: 1e-5, msg: "ctcLoss unbatched" },
  );
});

Deno.test("ctcLoss: a tiny case by hand (paths of 'a' in two frames)", async () => {
  // Probabilities [blank, a] per frame; "a" is read from the paths "aa", "_a" and "a_".
  const p = [[0.6, 0.4], [0.3, 0.7]];
  const lp = torch.tensor(p).log().reshape([2, 1, 2]);
  const want = -Math.log(0.4 * 0.7 + 0.6 * 0.7 + 0.4 * 0.3);
  const loss = F.ctcLoss(lp, torch.tensor([1], { dtype: "int32" }), [2], [1], { reduction: "sum" });
  await assertCloseAsync(loss.reshape([1]), [want], { rtol: 1e-6 });
  // "aa" needs a blank between the labels: impossible in two frames, possible in three.
  const aa = torch.tensor([[1, 1]], { dtype: "int32" });
  await assertCloseAsync(F.ctcLoss(lp, aa, [2], [2], { reduction: "none" }), [Infinity]);
  const lp3 = torch.tensor([[0.6, 0.4], [0.3, 0.7], [0.5, 0.5]]).log().reshape([3, 1, 2]);
  await assertCloseAsync(F.ctcLoss(lp3, aa, [3], [2], { reduction: "none" }), [-Math.log(0.4 * 0.3 * 0.5)], {
    rtol: 1e-6,
  });
});

Deno.test("ctcLoss: bad input names the op and the fault", () => {
  const lp = torch.randn([4, 2, 3]).logSoftmax(2);
  const t = torch.tensor([[1, 2], [2, 1]], { dtype: "int32" });
  assertThrowsMsg(
    () => F.ctcLoss(lp, t, [5, 4], [2, 2]),
    /ctcLoss: expected input_lengths in \[0, 4\].*got 5/,
  );
  assertThrowsMsg(() => F.ctcLoss(lp, t, [4, -1], [2, 2]), /ctcLoss: expected input_lengths/);
  assertThrowsMsg(() => F.ctcLoss(lp, t, [4, 4], [3, 2]), /ctcLoss: target_lengths\[0\] = 3 is longer than/);
  assertThrowsMsg(
    () => F.ctcLoss(lp, t, [4, 4], [-1, 2]),
    /ctcLoss: expected non-negative integer target_lengths/,
  );
  assertThrowsMsg(() => F.ctcLoss(lp, t, [4], [2, 2]), /ctcLoss: expected 2 input_lengths/);
  assertThrowsMsg(
    () => F.ctcLoss(lp, torch.tensor([1, 2, 1], { dtype: "int32" }), [4, 4], [2, 2]),
    /ctcLoss: concatenated targets must hold sum\(target_lengths\) = 4 labels, got 3/,
  );
  assertThrowsMsg(
    () => F.ctcLoss(lp, t, [4, 4], [2, 2], { blank: 3 }),
    /ctcLoss: blank must be in label range \[0, 3\), got 3/,
  );
  assertThrowsMsg(
    () => F.ctcLoss(lp, t, [4, 4], [2, 2], { blank: -1 }),
    /ctcLoss: blank must be in label range/,
  );
  assertThrowsMsg(
    () => F.ctcLoss(lp, torch.tensor([[1, 3], [2, 1]], { dtype: "int32" }), [4, 4], [2, 2]),
    /ctcLoss: target labels must be in \[0, 3\) and not the blank 0, got 3 in sequence 0/,
  );
  assertThrowsMsg(
    () => F.ctcLoss(lp, torch.tensor([[1, 0], [2, 1]], { dtype: "int32" }), [4, 4], [2, 2]),
    /ctcLoss: target labels .* got 0 in sequence 0/,
  );
  assertThrowsMsg(() => F.ctcLoss(torch.randn([4]), t, [4], [2]), /ctcLoss: expected log_probs of shape/);
  assertThrowsMsg(
    () => F.ctcLoss(lp, t, [4, 4], [2, 2], { reduction: "avg" as "mean" }),
    /ctcLoss: .*reduction/,
  );
  assertThrowsMsg(
    () => F.ctcLoss(lp, torch.tensor([[1.5, 2], [2, 1]]), [4, 4], [2, 2]),
    /ctcLoss: targets must be/,
  );
  assertThrowsMsg(() => new nn.CTCLoss()(lp, t), /CTCLoss: forward expects/);
});
