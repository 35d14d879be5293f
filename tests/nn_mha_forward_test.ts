/**
 * F.multiHeadAttentionForward (PyTorch 1.13's F.multi_head_attention_forward): outputs, attention
 * weights and gradients (of `sum(out * w1) + sum(attn * w2)`, w linspace(0.5, 1.5)) against
 * tools/fixtures/nn_extras_fixtures.py (key `mha`) on both devices; finite-difference gradients;
 * the shared computation with nn.MultiheadAttention; bad input.
 */
import * as torch from "../mod.ts";
import { F, nn } from "../mod.ts";
import type { Device, Tensor } from "../mod.ts";
import {
  assert,
  assertCloseAsync,
  assertThrowsMsg,
  type EncodedTensor,
  fixtureNumber,
  fixtureTensor,
  gradcheckAsync,
} from "./helpers.ts";
import { deviceTest } from "./devices.ts";

const fx = JSON.parse(await Deno.readTextFile(new URL("./fixtures/nn_extras.json", import.meta.url)));

interface MhaCase {
  id: string;
  tensors: Record<string, EncodedTensor>;
  args: Record<string, number | boolean>;
  out: EncodedTensor;
  weights: EncodedTensor | null;
  grads: Record<string, EncodedTensor>;
}

const weightsLike = (t: Tensor) => torch.linspace(0.5, 1.5, t.numel()).reshape(t.shape).to(t.device);
const tol = { rtol: 1e-4, atol: 1e-5 };

for (const c of fx.mha as MhaCase[]) {
  deviceTest(`multiHeadAttentionForward matches PyTorch: ${c.id}`, async (device: Device) => {
    const ts: Record<string, Tensor> = {};
    for (const [name, e] of Object.entries(c.tensors)) {
      ts[name] = fixtureTensor(e, device, e.dtype === "float32");
    }
    const { query, key, value, ...rest } = ts;
    const [out, attn] = F.multiHeadAttentionForward(query, key, value, {
      ...(c.args as { embedDimToCheck: number; numHeads: number }),
      ...rest,
      outProjWeight: rest.outProjWeight,
    });
    assert.deepEqual(out.shape, c.out.shape);
    await assertCloseAsync(out.flatten(), c.out.values.map(fixtureNumber), { ...tol, msg: "out" });
    if (c.weights === null) assert.equal(attn, null);
    else {
      assert.deepEqual(attn!.shape, c.weights.shape);
      await assertCloseAsync(attn!.flatten(), c.weights.values.map(fixtureNumber), {
        ...tol,
        msg: "weights",
      });
    }
    let loss = out.mul(weightsLike(out)).sum();
    if (attn) loss = loss.add(attn.mul(weightsLike(attn)).sum());
    loss.backward();
    for (const [name, t] of Object.entries(ts)) {
      const want = c.grads[name];
      if (!want) {
        assert.ok(t.grad === null || t.dtype !== "float32", `${name} gets no gradient, as in PyTorch`);
        continue;
      }
      await assertCloseAsync(t.grad!.flatten(), want.values.map(fixtureNumber), {
        ...tol,
        msg: `grad ${name}`,
      });
    }
  });
}

/** Small weights for the finite-difference checks. */
function params(device: Device, e: number, seed: number) {
  const g = new torch.Generator(seed);
  const r = (...shape: number[]) => torch.randn(shape, { generator: g }).mul(0.5).to(device);
  return {
    inProjWeight: r(3 * e, e),
    inProjBias: r(3 * e),
    outProjWeight: r(e, e),
    outProjBias: r(e),
    biasK: r(1, 1, e),
    biasV: r(1, 1, e),
    r,
  };
}

deviceTest("multiHeadAttentionForward: finite-difference gradients", async (device: Device) => {
  // The checked inputs live on `device`; the rest follow them (the check reruns on the CPU).
  const p = params("cpu", 4, 3);
  const on = (t: Tensor) => t.detach().to(device).requiresGrad_(true);
  const mask = torch.tensor([[0, 0, 1, 0, 0], [0, 1, 0, 0, 1], [0, 0, 0, 1, 0]]).bool();
  await gradcheckAsync(
    (q, k, w, bk) =>
      F.multiHeadAttentionForward(q, k, k, {
        embedDimToCheck: 4,
        numHeads: 2,
        inProjWeight: w,
        inProjBias: p.inProjBias.to(q.device),
        biasK: bk,
        biasV: p.biasV.to(q.device),
        addZeroAttn: true,
        attnMask: mask.to(q.device),
        outProjWeight: p.outProjWeight.to(q.device),
        outProjBias: p.outProjBias.to(q.device),
      })[0],
    [on(p.r(3, 2, 4)), on(p.r(5, 2, 4)), on(p.inProjWeight), on(p.biasK)],
  );
});

deviceTest(
  "multiHeadAttentionForward is nn.MultiheadAttention's computation, dropout included",
  async (device: Device) => {
    const mha = new nn.MultiheadAttention(8, 4, { dropout: 0.4, kdim: 6, vdim: 5, batchFirst: true }).to(
      device,
    );
    const q = torch.randn(2, 3, 8).to(device),
      k = torch.randn(2, 4, 6).to(device),
      v = torch.randn(2, 4, 5).to(device);
    const call = (training: boolean) =>
      F.multiHeadAttentionForward(q.transpose(0, 1), k.transpose(0, 1), v.transpose(0, 1), {
        embedDimToCheck: 8,
        numHeads: 4,
        inProjBias: mha.in_proj_bias,
        dropoutP: 0.4,
        outProjWeight: mha.out_proj.weight,
        outProjBias: mha.out_proj.bias,
        training,
        useSeparateProjWeight: true,
        qProjWeight: mha.q_proj_weight,
        kProjWeight: mha.k_proj_weight,
        vProjWeight: mha.v_proj_weight,
        averageAttnWeights: false,
      });
    for (const training of [true, false]) {
      mha.train(training);
      torch.manualSeed(4);
      const [out, w] = mha(q, k, v, { averageAttnWeights: false });
      torch.manualSeed(4);
      const [fout, fw] = call(training);
      assert.deepEqual(
        Array.from(await fout.transpose(0, 1).contiguous().dataAsync()),
        Array.from(await out.dataAsync()),
      );
      assert.deepEqual(Array.from(await fw!.dataAsync()), Array.from(await w!.dataAsync()));
      // Dropout zeroes whole weights only when training.
      const zeros = (await fw!.dataAsync()).filter((x) => x === 0).length;
      assert.ok(training ? zeros > 0 : zeros === 0, `training=${training}: ${zeros} zero weights`);
    }
  },
);

Deno.test("multiHeadAttentionForward: bad input is refused with a clear error", () => {
  const p = params("cpu", 8, 5);
  const x = torch.randn(5, 3, 8);
  const base = {
    embedDimToCheck: 8,
    numHeads: 2,
    inProjWeight: p.inProjWeight,
    outProjWeight: p.outProjWeight,
  };
  const call = (o: Partial<F.MultiHeadAttentionForwardOptions>, q = x, k = x, v = x) => () =>
    F.multiHeadAttentionForward(q, k, v, { ...base, ...o });
  assertThrowsMsg(
    call({ embedDimToCheck: 6 }),
    /multiHeadAttentionForward: was expecting embedding dimension of 6, but got 8/,
  );
  assertThrowsMsg(call({ numHeads: 3 }), /embed_dim 8 not divisible by num_heads 3/);
  assertThrowsMsg(
    call({}, torch.randn(2, 5, 3, 8)),
    /query should be unbatched 2-d or batched 3-d, got \[2, 5, 3, 8\]/,
  );
  assertThrowsMsg(call({}, x, torch.randn(5, 8)), /same number of dims/);
  assertThrowsMsg(
    call({}, x, torch.randn(4, 3, 8), torch.randn(5, 3, 8)),
    /key \[4, 3, 8\] and value \[5, 3, 8\] must share/,
  );
  assertThrowsMsg(call({ inProjWeight: null }), /useSeparateProjWeight is false but inProjWeight is null/);
  assertThrowsMsg(call({ useSeparateProjWeight: true }), /useSeparateProjWeight is true but qProjWeight/);
  assertThrowsMsg(call({ biasK: p.biasK }), /biasK and biasV must be given together/);
  assertThrowsMsg(call({ biasK: torch.randn(4), biasV: p.biasV }), /expected biasK of 8 elements, got \[4\]/);
  const st = torch.randn(6, 5, 4);
  assertThrowsMsg(
    call({ biasK: p.biasK, biasV: p.biasV, staticK: st }),
    /bias cannot be added to static key or value/,
  );
  assertThrowsMsg(
    call({ staticK: torch.randn(6, 5, 3) }),
    /expected staticK of shape \[6, S, 4\], got \[6, 5, 3\]/,
  );
  assertThrowsMsg(call({ staticK: torch.randn(6, 7, 4) }), /keys and values differ in length \(7 and 5\)/);
  assertThrowsMsg(
    call({ attnMask: torch.zeros(5, 4) }),
    /attnMask should be \[5, 5\] or \[6, 5, 5\], got \[5, 4\]/,
  );
  assertThrowsMsg(
    call({ keyPaddingMask: torch.zeros(5, 3, { dtype: "bool" }) }),
    /expected keyPaddingMask of shape \[3, 5\], got \[5, 3\]/,
  );
});
