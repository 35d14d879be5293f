/**
 * Packed sequences on both devices: PyTorch 1.13's values (tools/fixtures/packed_fixtures.py ->
 * tests/fixtures/packed.json) for packPaddedSequence / padPackedSequence round trips and their
 * gradients, packSequence / unpackSequence, and RNN / LSTM / GRU over packed batches (packed
 * outputs, final states in the original batch order, every parameter's and the input's
 * gradient, PyTorch's weights loaded into edgetorch's layers); finite-difference gradchecks of a
 * packed LSTM and of packing; PackedSequence.to; the bad-input errors.
 */
import * as torch from "../mod.ts";
import type { Device, Tensor } from "../mod.ts";
import { nn } from "../mod.ts";
import { assert, assertArrayAsync, assertCloseAsync, assertThrowsMsg, gradcheck } from "./helpers.ts";
import { deviceTest } from "./devices.ts";
import { backendFor } from "../src/backends/registry.ts";

const { PackedSequence, packPaddedSequence, padPackedSequence, packSequence, unpackSequence, unpadSequence } =
  nn.utils.rnn;

interface Enc {
  shape: number[];
  values: number[];
}
interface PackCase {
  kind: "pack";
  name: string;
  input: Enc;
  lengths: number[];
  batch_first: boolean;
  enforce_sorted: boolean;
  padding_value: number;
  total_length: number | null;
  data: Enc;
  batch_sizes: number[];
  sorted_indices: number[] | null;
  unsorted_indices: number[] | null;
  padded: Enc;
  lengths_out: number[];
  grad: Enc;
}
interface SequenceCase {
  kind: "sequence";
  name: string;
  sequences: Enc[];
  enforce_sorted: boolean;
  data: Enc;
  batch_sizes: number[];
  sorted_indices: number[] | null;
  unsorted_indices: number[] | null;
  unpacked: Enc[];
}
interface RnnCase {
  kind: "rnn";
  name: string;
  mode: "RNN" | "LSTM" | "GRU";
  nonlinearity: "tanh" | "relu";
  input_size: number;
  hidden_size: number;
  num_layers: number;
  bidirectional: boolean;
  enforce_sorted: boolean;
  lengths: number[];
  params: Record<string, Enc>;
  input: Enc;
  h0: Enc | null;
  c0: Enc | null;
  out: Enc;
  batch_sizes: number[];
  hn: Enc;
  cn: Enc | null;
  grads: Record<string, Enc>;
}
type Case = PackCase | SequenceCase | RnnCase;

const fx = JSON.parse(await Deno.readTextFile(new URL("./fixtures/packed.json", import.meta.url))) as {
  cases: Case[];
};
const TOL = { rtol: 1e-4, atol: 1e-5 };

function t(e: Enc, device: Device = "cpu"): Tensor {
  return torch.tensor(e.values).reshape(e.shape).to(device);
}

/** `linspace(0.5, 1.5, n)` in `x`'s shape: the fixtures' loss weights. */
function weights(x: Tensor): Tensor {
  return torch.linspace(0.5, 1.5, x.numel()).reshape([...x.shape]).to(x.device);
}

async function checkPacked(
  packed: InstanceType<typeof PackedSequence>,
  c: { data: Enc; batch_sizes: number[]; sorted_indices: number[] | null; unsorted_indices: number[] | null },
  device: Device,
  msg: string,
): Promise<void> {
  assert.equal(packed.data.device, device, `${msg}: data device`);
  await assertCloseAsync(packed.data, t(c.data), { ...TOL, msg: `${msg}: data` });
  assert.deepEqual(packed.data.shape, c.data.shape, `${msg}: data shape`);
  assert.equal(packed.batchSizes.device, "cpu", `${msg}: batchSizes stay on the CPU`);
  assert.deepEqual(packed.batchSizes.toArray(), c.batch_sizes, `${msg}: batchSizes`);
  for (
    const [name, got, want] of [
      ["sortedIndices", packed.sortedIndices, c.sorted_indices],
      ["unsortedIndices", packed.unsortedIndices, c.unsorted_indices],
    ] as const
  ) {
    if (want === null) assert.equal(got, null, `${msg}: ${name}`);
    else await assertArrayAsync(got!, want, `${msg}: ${name}`);
  }
}

for (const c of fx.cases.filter((c): c is PackCase => c.kind === "pack")) {
  deviceTest(`packPaddedSequence / padPackedSequence vs PyTorch: ${c.name}`, async (device) => {
    const x = t(c.input, device).requiresGrad_();
    const packed = packPaddedSequence(x, c.lengths, {
      batchFirst: c.batch_first,
      enforceSorted: c.enforce_sorted,
    });
    await checkPacked(packed, c, device, c.name);
    const [padded, lengths] = padPackedSequence(packed, {
      batchFirst: c.batch_first,
      paddingValue: c.padding_value,
      totalLength: c.total_length ?? undefined,
    });
    assert.deepEqual(padded.shape, c.padded.shape);
    await assertCloseAsync(padded, t(c.padded), { ...TOL, msg: "padded" });
    assert.equal(lengths.device, "cpu");
    assert.deepEqual(lengths.toArray(), c.lengths_out);
    padded.mul(weights(padded)).sum().backward();
    await assertCloseAsync(x.grad!, t(c.grad), { ...TOL, msg: "gradient of the padded input" });
  });
}

for (const c of fx.cases.filter((c): c is SequenceCase => c.kind === "sequence")) {
  deviceTest(`packSequence / unpackSequence vs PyTorch: ${c.name}`, async (device) => {
    const seqs = c.sequences.map((s) => t(s, device));
    const packed = packSequence(seqs, { enforceSorted: c.enforce_sorted });
    await checkPacked(packed, c, device, c.name);
    const back = unpackSequence(packed);
    assert.equal(back.length, c.unpacked.length);
    for (const [i, s] of back.entries()) {
      assert.deepEqual(s.shape, c.unpacked[i].shape, `sequence ${i} shape`);
      await assertCloseAsync(s, t(c.unpacked[i]), { ...TOL, msg: `sequence ${i}` });
    }
  });
}

function makeLayer(c: RnnCase): nn.RNN | nn.LSTM | nn.GRU {
  const opts = { numLayers: c.num_layers, bidirectional: c.bidirectional };
  const layer = c.mode === "RNN"
    ? new nn.RNN(c.input_size, c.hidden_size, { ...opts, nonlinearity: c.nonlinearity })
    : c.mode === "LSTM"
    ? new nn.LSTM(c.input_size, c.hidden_size, opts)
    : new nn.GRU(c.input_size, c.hidden_size, opts);
  const state: Record<string, Tensor> = {};
  for (const [name, e] of Object.entries(c.params)) state[name] = t(e);
  layer.loadStateDict(state);
  return layer;
}

for (const c of fx.cases.filter((c): c is RnnCase => c.kind === "rnn")) {
  deviceTest(`${c.mode} on a packed batch vs PyTorch: ${c.name}`, async (device) => {
    const layer = makeLayer(c).to(device);
    const x = t(c.input, device).requiresGrad_();
    const packed = packPaddedSequence(x, c.lengths, { enforceSorted: c.enforce_sorted });
    const h0 = c.h0 ? t(c.h0, device) : undefined;
    let out: InstanceType<typeof PackedSequence>, hn: Tensor, cn: Tensor | null = null;
    if (layer instanceof nn.LSTM) {
      [out, [hn, cn]] = layer(packed, h0 ? [h0, t(c.c0!, device)] : undefined);
    } else {
      [out, hn] = (layer as nn.GRU)(packed, h0);
    }
    assert.ok(out instanceof PackedSequence, "a packed input gives a packed output");
    assert.deepEqual(out.batchSizes.toArray(), c.batch_sizes);
    assert.equal(out.sortedIndices, packed.sortedIndices);
    await assertCloseAsync(out.data, t(c.out), { ...TOL, msg: "packed output" });
    assert.deepEqual(out.data.shape, c.out.shape);
    assert.deepEqual(hn.shape, c.hn.shape);
    await assertCloseAsync(hn, t(c.hn), { ...TOL, msg: "hN" });
    if (cn) await assertCloseAsync(cn, t(c.cn!), { ...TOL, msg: "cN" });
    let loss = out.data.mul(weights(out.data)).sum().add(hn.mul(weights(hn)).sum());
    if (cn) loss = loss.add(cn.mul(weights(cn)).sum());
    loss.backward();
    for (const [name, p] of layer.namedParameters()) {
      await assertCloseAsync(p.grad!, t(c.grads[name]), { rtol: 1e-4, atol: 2e-5, msg: `grad of ${name}` });
    }
    await assertCloseAsync(x.grad!, t(c.grads.input), { rtol: 1e-4, atol: 2e-5, msg: "grad of the input" });
  });
}

deviceTest("a packed LSTM agrees with the padded LSTM over each sequence's own steps", async (device) => {
  torch.manualSeed(11);
  const lstm = new nn.LSTM(2, 3, { bidirectional: true, batchFirst: true }).to(device);
  const seqs = [torch.randn(2, 2), torch.randn(4, 2), torch.randn(1, 2)].map((s) => s.to(device));
  const [out, [hn]] = lstm(packSequence(seqs, { enforceSorted: false }));
  const [padded, lengths] = padPackedSequence(out, { batchFirst: true });
  assert.deepEqual(lengths.toArray(), [2, 4, 1]);
  for (const [i, s] of seqs.entries()) {
    // Each sequence alone, unpadded, is what the packed batch must compute for it.
    const [alone, [hAlone]] = lstm(s.unsqueeze(0));
    await assertCloseAsync(padded.index(i).narrow(0, 0, s.shape[0]), alone.index(0), {
      ...TOL,
      msg: `out ${i}`,
    });
    await assertCloseAsync(hn.narrow(1, i, 1), hAlone, { ...TOL, msg: `hN ${i}` });
    if (s.shape[0] < 4) {
      await assertCloseAsync(
        padded.index(i).narrow(0, s.shape[0], 4 - s.shape[0]),
        torch.zeros(4 - s.shape[0], 6),
      );
    }
  }
});

Deno.test("gradcheck: a packed 2-layer bidirectional LSTM in float64 (input, h0, c0)", () => {
  torch.manualSeed(4);
  const lstm = new nn.LSTM(2, 2, { numLayers: 2, bidirectional: true, dtype: "float64" });
  const x = torch.randn([3, 3, 2], { dtype: "float64" }).requiresGrad_();
  const h0 = torch.randn([4, 3, 2], { dtype: "float64" }).requiresGrad_();
  const c0 = torch.randn([4, 3, 2], { dtype: "float64" }).requiresGrad_();
  gradcheck(
    (x, h, c) => {
      const [out, [hn, cn]] = lstm(packPaddedSequence(x, [2, 3, 1], { enforceSorted: false }), [h, c]);
      return torch.cat([out.data.flatten(), hn.flatten(), cn.flatten()]);
    },
    [x, h0, c0],
    { eps: 1e-6, atol: 1e-7, rtol: 1e-6, msg: "packed LSTM" },
  );
});

Deno.test("gradcheck: packing, padding and unpadding", () => {
  const x = torch.randn([3, 4, 2], { dtype: "float64" }).requiresGrad_();
  gradcheck(
    (x) => {
      const packed = packPaddedSequence(x, [1, 3, 2, 3], { batchFirst: false, enforceSorted: false });
      const [padded] = padPackedSequence(packed, { batchFirst: true, paddingValue: 0.5, totalLength: 4 });
      return torch.cat([padded.flatten(), ...unpackSequence(packed).map((s) => s.square().flatten())]);
    },
    [x],
    { eps: 1e-6, atol: 1e-7, rtol: 1e-6, msg: "pack/pad" },
  );
});

deviceTest("PackedSequence.to moves data and indices, batchSizes stay on the CPU", async (device) => {
  const packed = packSequence([torch.tensor([1, 2]), torch.tensor([3, 4, 5])], { enforceSorted: false });
  const moved = packed.to(device);
  assert.equal(moved.data.device, device);
  assert.equal(moved.sortedIndices!.device, device);
  assert.equal(moved.unsortedIndices!.device, device);
  assert.equal(moved.batchSizes.device, "cpu");
  await assertArrayAsync(moved.data, [3, 1, 4, 2, 5]);
  await assertArrayAsync(moved.unsortedIndices!, [1, 0]);
  assert.equal(packed.to("cpu"), packed, "no change returns the same sequence, as PyTorch");
  assert.equal(moved.to(device), moved);
  assert.match(String(packed), /^PackedSequence\(data=.*batch_sizes=.*sorted_indices=.*unsorted_indices=/s);
});

Deno.test("unpadSequence splits a padded batch, time-major or batch-first, into new tensors", () => {
  const padded = torch.tensor([[1, 4], [2, 0], [3, 0]]);
  const [a, b] = unpadSequence(padded, torch.tensor([3, 1], { dtype: "int32" }));
  assert.deepEqual([a.toArray(), b.toArray()], [[1, 2, 3], [4]]);
  a.fill_(9);
  assert.deepEqual(padded.toArray(), [[1, 4], [2, 0], [3, 0]], "a copy, as PyTorch's masked select");
});

Deno.test("packed sequences: bad input names the op and what was expected", () => {
  const x = torch.randn(4, 3, 2);
  assertThrowsMsg(
    () => packPaddedSequence(x, [2, 3, 1]),
    /^packPaddedSequence: `lengths` array must be sorted in decreasing order when `enforceSorted` is true, got \[2, 3, 1\]/,
  );
  assertThrowsMsg(
    () => packPaddedSequence(x, [3, 2, 0]),
    /^packPaddedSequence: Length of all samples .* <= 0/,
  );
  assertThrowsMsg(
    () => packPaddedSequence(x, [3, -1, 2], { enforceSorted: false }),
    /^packPaddedSequence: Length of all samples has to be greater than 0/,
  );
  assertThrowsMsg(
    () => packPaddedSequence(x, [5, 2, 1]),
    /^packPaddedSequence: lengths must not exceed the input's 4 time steps, got a length of 5/,
  );
  assertThrowsMsg(
    () => packPaddedSequence(x, [3, 2, 1], { batchFirst: true }),
    /^packPaddedSequence: Expected `len\(lengths\)` to be equal to batch_size, but got 3 \(batch_size=4\)/,
  );
  assertThrowsMsg(() => packPaddedSequence(x, [3, 2]), /batch_size, but got 2 \(batch_size=3\)/);
  assertThrowsMsg(
    () => packPaddedSequence(x, torch.tensor([[3, 2, 1]])),
    /^packPaddedSequence: 'lengths' argument should be a 1D CPU integer tensor, but got 2D cpu/,
  );
  assertThrowsMsg(
    () => packPaddedSequence(x, [3, 2.5, 1]),
    /^packPaddedSequence: 'lengths' must hold integers/,
  );
  assertThrowsMsg(
    () => packPaddedSequence(torch.randn(3), [3]),
    /^packPaddedSequence: expected input of at least 2 dims/,
  );
  assertThrowsMsg(() => packPaddedSequence(torch.zeros(0, 2), [1, 1]), /Cannot pack empty tensors/);
  const packed = packPaddedSequence(x, [3, 2, 1]);
  assertThrowsMsg(
    () => padPackedSequence(packed, { totalLength: 2 }),
    /^padPackedSequence: Expected total_length to be at least the length of the longest sequence in input, but got total_length=2 and max sequence length being 3/,
  );
  assertThrowsMsg(
    () => padPackedSequence(x as unknown as InstanceType<typeof PackedSequence>),
    /^padPackedSequence: expects a PackedSequence/,
  );
  assertThrowsMsg(
    () => packSequence([torch.randn(1, 2), torch.randn(3, 2)]),
    /^packSequence: `lengths` array must be sorted in decreasing order/,
  );
  assertThrowsMsg(() => packSequence([]), /^packSequence: expects a non-empty list of tensors/);
  assertThrowsMsg(
    () => unpadSequence(torch.zeros(3, 2), [4, 1]),
    /^unpadSequence: lengths \[4, 1\] do not fit the padded batch \[3, 2\]/,
  );
  assertThrowsMsg(
    () => new PackedSequence(torch.zeros(5, 2), [3, 1]),
    /^PackedSequence: batchSizes must be non-empty, positive, non-increasing and sum to data.size\(0\) = 5, got \[3, 1\]/,
  );
  assertThrowsMsg(
    () => new PackedSequence(torch.zeros(0, 2), []),
    /^PackedSequence: batchSizes must be non-empty/,
  );
  assertThrowsMsg(() => new PackedSequence(torch.zeros(3, 2), [1, 2]), /non-increasing .* got \[1, 2\]/);
  assertThrowsMsg(
    () => new PackedSequence(torch.zeros(4, 2), [2, 2], [0, 0]),
    /^PackedSequence: sortedIndices must be a permutation of the 2 sequences, got \[0, 0\]/,
  );
  const lstm = new nn.LSTM(2, 3);
  assertThrowsMsg(
    () => lstm(packed, [torch.zeros(1, 2, 3), torch.zeros(1, 2, 3)]),
    /^LSTM: expected hx of size \[1, 3, 3\], got \[1, 2, 3\]/,
  );
  assertThrowsMsg(
    () => new nn.GRU(5, 3)(packed),
    /^GRU: input.size\(-1\) must be equal to input_size. Expected 5, got 2/,
  );
  const packed3d = packPaddedSequence(torch.randn(3, 2, 2, 2), [3, 1]);
  assertThrowsMsg(
    () => new nn.RNN(2, 3)(packed3d),
    /^RNN: packed input data must have 2 dimensions, got \[4, 2, 2\]/,
  );
});

Deno.test("packing, padding and a packed LSTM release every temporary when they return", () => {
  const backend = backendFor("cpu") as unknown as Record<string, unknown>;
  const made: { disposed: boolean }[] = [];
  const saved = new Map<string, unknown>();
  for (let proto = backend; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const key of Object.getOwnPropertyNames(proto)) {
      const f = backend[key];
      if (key === "constructor" || saved.has(key) || typeof f !== "function") continue;
      saved.set(key, Object.getOwnPropertyDescriptor(backend, key) ? f : undefined);
      backend[key] = (...args: unknown[]) => {
        const out = (f as (...a: unknown[]) => unknown).apply(backend, args);
        if (out !== null && typeof out === "object" && "disposed" in out) {
          made.push(out as { disposed: boolean });
        }
        return out;
      };
    }
  }
  try {
    torch.manualSeed(2);
    const lstm = new nn.LSTM(2, 3, { numLayers: 2, bidirectional: true });
    const x = torch.randn(4, 3, 2);
    made.length = 0;
    const packed = packPaddedSequence(x, [2, 4, 1], { enforceSorted: false });
    const [out, [hn, cn]] = torch.noGrad(() => lstm(packed));
    const [padded, lengths] = padPackedSequence(out, { totalLength: 5 });
    const kept = new Set<unknown>(
      [
        packed.data,
        out.data,
        out.batchSizes,
        out.sortedIndices!,
        out.unsortedIndices!,
        hn,
        cn,
        padded,
        lengths,
      ].map((t) => t._storage),
    );
    const leaked = made.filter((s) => !s.disposed && !kept.has(s));
    assert.ok(made.length > 20, `the backend was called (${made.length} storages)`);
    assert.equal(leaked.length, 0, `${leaked.length} temporaries left for the GC`);
  } finally {
    for (const [k, f] of saved) {
      if (f === undefined) delete backend[k];
      else backend[k] = f;
    }
  }
});
