/**
 * Random numbers: bit-compatibility with PyTorch 1.13's CPU generator. tests/fixtures/random.json
 * (made by tools/fixtures/random_fixtures.py) replays seeds and call sequences (rand, randn,
 * randint, randperm, interleaved calls, Generator objects, uniform_/normal_ fills, rng states) and
 * holds PyTorch's outputs; every "avx2" result must match bit for bit. The "default" capability
 * sequences (PyTorch's portable kernels) match exactly for uniforms and within a few ulp for normal
 * fills (glibc's logf/cosf/sinf against correctly rounded ones).
 */
import * as torch from "../mod.ts";
import { type Capability, DEFAULT_SEED, defaultGenerator, Generator, STATE_BYTES } from "../src/random.ts";
import { randomKernelsAvailable, setRandomKernelsEnabled } from "../src/random_kernels.ts";
import { assert, assertThrowsMsg } from "./helpers.ts";

type Out = { f32: string } | { sha256: string; n: number } | number[] | string;
interface Call {
  op: string;
  gen: "global" | "g";
  out?: Out;
  shape?: number[];
  seed?: number;
  low?: number;
  high?: number;
  dtype?: "float32";
  n?: number;
  from?: number;
  to?: number;
  mean?: number;
  std?: number;
}
interface Sequence {
  name: string;
  capability: Capability;
  seed: number | null;
  gseed: number | null;
  tolerance: "exact" | "libm";
  calls: Call[];
}
const fixtures = JSON.parse(
  Deno.readTextFileSync(new URL("./fixtures/random.json", import.meta.url)),
) as { torch: string; sequences: Sequence[] };

function b64(s: string): Uint8Array {
  return Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
}

async function sha256(a: Float32Array): Promise<string> {
  const bytes = new Uint8Array(a.byteLength);
  bytes.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(d, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The float32 spacing at |x| (2^-149 for zero and subnormals). */
function ulp(x: number): number {
  const a = Math.abs(x);
  if (a < 2 ** -126) return 2 ** -149;
  return 2 ** (Math.floor(Math.log2(a)) - 23);
}

/** Compares float32 results: bit for bit (exact), or within 4 ulp of the unshifted normal (libm). */
async function checkF32(
  actual: Float32Array,
  out: Out,
  where: string,
  tol: { kind: "exact" | "libm"; mean: number; std: number },
): Promise<void> {
  if (typeof out === "object" && "sha256" in out) {
    assert.equal(actual.length, out.n, `${where}: length`);
    assert.equal(await sha256(actual), out.sha256, `${where}: sha256 of ${out.n} float32 values`);
    return;
  }
  const bytes = b64((out as { f32: string }).f32);
  const expected = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  assert.equal(actual.length, expected.length, `${where}: length`);
  const ai = new Int32Array(actual.buffer, actual.byteOffset, actual.length);
  const ei = new Int32Array(expected.buffer, expected.byteOffset, expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (tol.kind === "exact") {
      if (ai[i] !== ei[i]) {
        assert.fail(`${where} [${i}]: expected ${expected[i]}, got ${actual[i]} (bit-exact)`);
      }
    } else {
      const bound = 4 * ulp(expected[i] - tol.mean) + ulp(expected[i]);
      assert.ok(
        Math.abs(actual[i] - expected[i]) <= bound,
        `${where} [${i}]: expected ${expected[i]}, got ${actual[i]} (within ${bound})`,
      );
    }
  }
}

async function replay(seq: Sequence): Promise<void> {
  if (seq.seed !== null) torch.manualSeed(seq.seed);
  defaultGenerator.capability = seq.capability;
  const g = new Generator(seq.gseed ?? DEFAULT_SEED, { capability: seq.capability });
  try {
    for (const [k, c] of seq.calls.entries()) {
      const where = `${seq.name}: call ${k} (${c.op}${c.shape ? ` [${c.shape}]` : ""}${
        c.n ? ` ${c.n}` : ""
      })`;
      const gen = c.gen === "g" ? g : defaultGenerator;
      const opts = { generator: gen };
      const exact = { kind: "exact" as const, mean: 0, std: 1 };
      switch (c.op) {
        case "reseed":
          torch.manualSeed(c.seed!);
          break;
        case "rand":
          await checkF32(torch.rand(c.shape!, opts).dataSync() as Float32Array, c.out!, where, exact);
          break;
        case "rand_half": {
          const t = torch.rand(c.shape!, { ...opts, dtype: "float16" });
          assert.equal(t.dtype, "float16");
          await checkF32(t.float().dataSync() as Float32Array, c.out!, where, exact);
          break;
        }
        case "randn": {
          const t = torch.randn(c.shape!, opts);
          assert.deepEqual(t.shape, c.shape, `${where}: shape`);
          await checkF32(t.dataSync() as Float32Array, c.out!, where, {
            kind: seq.tolerance,
            mean: 0,
            std: 1,
          });
          break;
        }
        case "randint": {
          const t = torch.randint(c.low!, c.high!, c.shape!, { ...opts, dtype: c.dtype ?? "int32" });
          if (c.dtype === "float32") await checkF32(t.dataSync() as Float32Array, c.out!, where, exact);
          else assert.deepEqual(Array.from(t.dataSync()), c.out, where);
          break;
        }
        case "randperm":
          assert.deepEqual(Array.from(torch.randperm(c.n!, opts).dataSync()), c.out, where);
          break;
        case "uniform_":
          await checkF32(gen.uniformFill(new Float32Array(c.n!), c.from, c.to), c.out!, where, exact);
          break;
        case "normal_":
          await checkF32(gen.normalFill(new Float32Array(c.n!), c.mean, c.std), c.out!, where, {
            kind: seq.tolerance,
            mean: c.mean!,
            std: c.std!,
          });
          break;
        case "state": {
          const expected = b64(c.out as string);
          assert.deepEqual(gen.getState(), expected, `${where}: getState() bytes`);
          // Restoring PyTorch's bytes into another generator continues the same stream.
          const other = new Generator(1234).setState(expected);
          const probe = gen.clone();
          assert.deepEqual(other.normalFill(new Float32Array(3)), probe.normalFill(new Float32Array(3)));
          assert.equal(other.random(), probe.random());
          break;
        }
        default:
          throw new Error(`unknown fixture op ${c.op}`);
      }
    }
  } finally {
    defaultGenerator.capability = "avx2";
  }
}

for (const seq of fixtures.sequences) {
  Deno.test(`random: ${seq.name} (${seq.calls.length} calls, PyTorch ${fixtures.torch}, ${seq.capability})`, () =>
    replay(seq));
}

// The same sequences with the WebAssembly random kernels off: the JavaScript transform (what
// runtimes that cannot compile bytes run) must give PyTorch's values too.
Deno.test("random: every sequence again with the JavaScript Box-Muller (WebAssembly kernels off)", async (t) => {
  assert.ok(randomKernelsAvailable(), "the WebAssembly random kernels compile in Deno");
  const before = setRandomKernelsEnabled(false);
  try {
    for (const seq of fixtures.sequences.filter((s) => s.capability === "avx2")) {
      await t.step(seq.name, () => replay(seq));
    }
  } finally {
    setRandomKernelsEnabled(before);
  }
});

Deno.test("random: mt19937 reference draws and seeds (64-bit, negative, bigint, truncation)", () => {
  // The first outputs of the reference mt19937 for seed 5489 (C++ std::mt19937's default seed).
  const g = new Generator(5489);
  assert.deepEqual([g.random(), g.random(), g.random()], [3499211612, 581869302, 3890346734]);
  // The 10000th output of std::mt19937 (seed 5489) is 4123659995, as the C++ standard requires.
  g.manualSeed(5489);
  for (let i = 0; i < 9999; i++) g.random();
  assert.equal(g.random(), 4123659995);
  // Only the low 32 bits seed the twister; negatives wrap to 64 bits as in PyTorch.
  const a = new Generator(7).random(), b = new Generator(2 ** 32 + 7).random();
  assert.equal(a, b);
  assert.equal(new Generator(-1).random(), new Generator(0xffffffff).random());
  assert.equal(new Generator(2n ** 64n - 1n).random(), new Generator(-1n).random());
  assert.equal(new Generator(3.9).random(), new Generator(3).random());
  assert.equal(new Generator(-1).getState().length, STATE_BYTES);
  assert.equal(new Generator().initialSeed(), 67280421310721);
  assert.equal(torch.manualSeed(12).initialSeed(), 12);
  // random64: first draw high, second low.
  const h = new Generator(3), l = new Generator(3);
  assert.equal(h.random64(), (BigInt(l.random()) << 32n) | BigInt(l.random()));
  assertThrowsMsg(() => new Generator(NaN), /finite integer seed/);
  assertThrowsMsg(() => torch.manualSeed(2 ** 64), /seed must be within/);
  assertThrowsMsg(() => new Generator(-(2n ** 63n) - 1n), /seed must be within/);
  assertThrowsMsg(
    () => new Generator(0, { capability: "sse" as Capability }),
    /capability must be "avx2" or "default"/,
  );
});

Deno.test("random: manualSeed reproduces and resets the cached normal; generators are independent", () => {
  torch.manualSeed(7);
  const first = torch.randn(1).item();
  torch.manualSeed(7);
  assert.equal(torch.randn(1).item(), first, "manualSeed drops the cached second sample");
  torch.manualSeed(7);
  const pair = Array.from(torch.randn(2).dataSync());
  torch.manualSeed(7);
  torch.randn(1);
  torch.rand(5); // uniform draws do not touch the cache
  torch.randn(16); // nor does the 16-wide fill
  assert.equal(torch.randn(1).item(), pair[1], "the cached sine half survives other calls");
  // A Generator object does not advance the global stream.
  torch.manualSeed(1);
  const ref = Array.from(torch.rand(4).dataSync());
  torch.manualSeed(1);
  torch.rand(3, { generator: new Generator(1) });
  assert.deepEqual(Array.from(torch.rand(4).dataSync()), ref);
  // randLike / randnLike follow the same streams.
  torch.manualSeed(2);
  const r1 = Array.from(torch.randLike(torch.zeros(2, 3)).dataSync());
  torch.manualSeed(2);
  assert.deepEqual(r1, Array.from(torch.rand(2, 3).dataSync()));
  const g = new Generator(4);
  const n1 = Array.from(torch.randnLike(torch.zeros(20), { generator: g }).dataSync());
  assert.deepEqual(n1, Array.from(torch.randn(20, { generator: g.manualSeed(4) }).dataSync()));
});

Deno.test("random: fills validate their arguments like PyTorch; edge sizes", () => {
  const g = new Generator(0);
  assertThrowsMsg(() => g.uniformFill(new Float32Array(2), 1, 0), /from=1 > to=0/);
  assertThrowsMsg(() => g.uniformFill(new Float32Array(2), -3e38, 3e38), /to - from/);
  assertThrowsMsg(() => g.normalFill(new Float32Array(2), 0, -1), /std >= 0.0/);
  assertThrowsMsg(() => g.normalFill(new Float32Array(2), NaN, 1), /finite mean/);
  assert.equal(g.uniformFill(new Float32Array(0)).length, 0);
  assert.equal(g.normalFill(new Float32Array(0)).length, 0);
  assert.deepEqual(Array.from(g.uniformFill(new Float32Array(3), 2, 2)), [2, 2, 2]);
  assert.deepEqual(Array.from(torch.randperm(0).dataSync()), []);
  assert.deepEqual(Array.from(torch.randperm(1).dataSync()), [0]);
  assertThrowsMsg(() => torch.randperm(-1), /non-negative integer/);
  assertThrowsMsg(() => torch.randint(0, 1.5, [2]), /integer bounds/);
  assertThrowsMsg(() => torch.randint(0, 2 ** 32, [2]), /do not fit in int32/);
  assertThrowsMsg(() => g.setState(new Uint8Array(10)), /5056 bytes/);
  const bad = g.getState();
  bad.fill(0, 8, 16);
  assertThrowsMsg(() => g.setState(bad), /invalid/);
  // Values stay in range; randint covers its range.
  const u = new Generator(5).uniformFill(new Float32Array(10000), -1, 1);
  assert.ok(u.every((v) => v >= -1 && v < 1));
  const counts = new Array(5).fill(0);
  for (const v of torch.randint(-2, 3, [1000], { generator: new Generator(5) }).dataSync()) counts[v + 2]++;
  assert.ok(counts.every((c) => c > 150), `randint counts ${counts}`);
});
