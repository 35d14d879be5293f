/**
 * Small, commonly used torch / Tensor names (src/rng_state.ts, src/windows.ts,
 * src/tensor_methods/aliases.ts, ...): values against PyTorch 1.13 (tests/fixtures/aliases.json from
 * tools/fixtures/aliases_fixtures.py) on both devices, autograd through the in-place methods, and
 * the bad-input errors.
 */
import * as nodeAssert from "node:assert/strict";
import * as torch from "../mod.ts";
import type { Device, DType } from "../mod.ts";
import { deviceTest } from "./devices.ts";
import { assertThrowsMsg, type EncodedTensor, fixtureNumber } from "./helpers.ts";

const fx = JSON.parse(await Deno.readTextFile(new URL("./fixtures/aliases.json", import.meta.url)));

// 1. Global RNG state.

Deno.test("getRngState/setRngState: a state saved by PyTorch restores PyTorch's stream", () => {
  const rng = fx.rng;
  torch.setRngState(torch.tensor(rng.state, { dtype: "uint8" }));
  nodeAssert.deepEqual(torch.initialSeed(), rng.initial_seed);
  const after = rng.after as Record<string, EncodedTensor>;
  nodeAssert.deepEqual(Array.from(torch.rand(5).dataSync()), after.rand.values.map(fixtureNumber));
  nodeAssert.deepEqual(Array.from(torch.randn(5).dataSync()), after.randn.values.map(fixtureNumber));
  nodeAssert.deepEqual(torch.randint(0, 100, [6]).toArray(), after.randint.values);
  // The same bytes as a Uint8Array.
  torch.setRngState(Uint8Array.from(rng.state));
  nodeAssert.deepEqual(Array.from(torch.rand(5).dataSync()), after.rand.values.map(fixtureNumber));
});

Deno.test("getRngState: PyTorch's bytes after the same draws; save/restore round trips", () => {
  const rng = fx.rng;
  torch.manualSeed(rng.seed);
  torch.rand(7);
  torch.randn(3);
  const state = torch.getRngState();
  nodeAssert.deepEqual([state.dtype, state.shape, state.device], ["uint8", [5056], "cpu"]);
  nodeAssert.deepEqual(Array.from(state.dataSync()), rng.state);
  const a = [torch.rand(4).toArray(), torch.randn(3).toArray(), torch.randperm(6).toArray()];
  torch.setRngState(state);
  nodeAssert.deepEqual([torch.rand(4).toArray(), torch.randn(3).toArray(), torch.randperm(6).toArray()], a);
  // The returned tensor is a copy: draws do not change it.
  const copy = Array.from(state.dataSync());
  torch.rand(10);
  nodeAssert.deepEqual(Array.from(state.dataSync()), copy);
});

Deno.test("initialSeed and seed", () => {
  torch.manualSeed(42);
  nodeAssert.equal(torch.initialSeed(), 42);
  const s1 = torch.seed(), s2 = torch.seed();
  nodeAssert.ok(Number.isSafeInteger(s1) && s1 >= 0 && s2 !== s1, `seeds ${s1} ${s2}`);
  nodeAssert.equal(torch.initialSeed(), s2);
  const a = torch.rand(3).toArray();
  torch.manualSeed(s2);
  nodeAssert.deepEqual(torch.rand(3).toArray(), a);
  torch.manualSeed(0);
});

Deno.test("setRngState: bad states are refused and leave the generator as it was", () => {
  torch.manualSeed(5);
  const before = Array.from(torch.getRngState().dataSync());
  assertThrowsMsg(
    () => torch.setRngState(torch.zeros(5056)),
    /setRngState: expected a uint8 tensor.*float32/,
  );
  assertThrowsMsg(
    () => torch.setRngState(torch.zeros([2, 5056], { dtype: "uint8" })),
    /shape \[5056\].*\[2, 5056\]/,
  );
  assertThrowsMsg(
    () => torch.setRngState(new Uint8Array(10)),
    /setRngState: expected a Uint8Array of 5056 bytes/,
  );
  assertThrowsMsg(() => torch.setRngState(new Uint8Array(5056)), /setRngState: the state is invalid/);
  // deno-lint-ignore no-explicit-any
  assertThrowsMsg(
    () => torch.setRngState([1, 2] as any),
    /setRngState: expected a uint8 Tensor or a Uint8Array/,
  );
  nodeAssert.deepEqual(Array.from(torch.getRngState().dataSync()), before);
});

// 2. Window functions.

interface WindowCase {
  fn: string;
  length: number;
  periodic: boolean;
  kw: Record<string, number>;
  out: EncodedTensor;
}
const WINDOW_FNS: Record<
  string,
  (n: number, opts: torch.KaiserWindowOptions & torch.HammingWindowOptions) => torch.Tensor
> = {
  hann: torch.hannWindow,
  hamming: torch.hammingWindow,
  blackman: torch.blackmanWindow,
  bartlett: torch.bartlettWindow,
  kaiser: torch.kaiserWindow,
};

deviceTest(
  "window functions match PyTorch (lengths 0..16, periodic and symmetric, float32/float64)",
  async (device: Device) => {
    const worst: Record<string, number> = { float32: 0, float64: 0 };
    for (const c of fx.windows as WindowCase[]) {
      const dtype = c.out.dtype as DType;
      if (device === "gpu" && dtype === "float64") continue; // WGSL has no float64
      const w = WINDOW_FNS[c.fn](c.length, { ...c.kw, periodic: c.periodic, dtype, device });
      const what = `${c.fn}(${c.length}, periodic=${c.periodic}, ${JSON.stringify(c.kw)}, ${dtype})`;
      nodeAssert.deepEqual([w.shape, w.dtype, w.device], [c.out.shape, dtype, device], what);
      const got = Array.from(await w.dataAsync()), want = c.out.values.map(fixtureNumber);
      // Within 2 ulp of 1.0 in float32 and 16 in float64: the two libraries' cosine and Bessel
      // kernels may differ in the last bits (edgetorch's float64 i0 is within 2 ulp of PyTorch's,
      // and the Kaiser window divides two of them).
      const ulp = dtype === "float32" ? 2 ** -23 : 2 ** -52;
      got.forEach((v, i) => {
        worst[dtype] = Math.max(worst[dtype], Math.abs(v - want[i]) / ulp);
        nodeAssert.ok(
          Math.abs(v - want[i]) <= (dtype === "float32" ? 2 : 16) * ulp,
          `${what}[${i}]: ${v} vs ${want[i]}`,
        );
      });
    }
    console.log(`windows: worst difference from PyTorch in ulp of 1.0: ${JSON.stringify(worst)}`);
  },
);

Deno.test("window functions: defaults, requiresGrad, float16 and bad input", () => {
  nodeAssert.deepEqual(torch.hannWindow(4).dtype, "float32");
  nodeAssert.equal(torch.hannWindow(4, { requiresGrad: true }).requiresGrad, true);
  nodeAssert.equal(torch.hannWindow(4, { requiresGrad: true }).isLeaf, true);
  nodeAssert.deepEqual(torch.bartlettWindow(4, { dtype: "float16" }).toArray(), [0, 0.5, 1, 0.5]);
  assertThrowsMsg(
    () => torch.hannWindow(-1),
    /hannWindow: requires non-negative window_length, got window_length=-1/,
  );
  assertThrowsMsg(() => torch.kaiserWindow(2.5), /kaiserWindow: window_length must be an integer, got 2.5/);
  assertThrowsMsg(
    () => torch.blackmanWindow(4, { dtype: "int32" }),
    /blackmanWindow: expects floating point dtypes, got: int32/,
  );
  assertThrowsMsg(() => torch.hammingWindow(4, { alpha: NaN }), /hammingWindow: alpha must be a number/);
  // deno-lint-ignore no-explicit-any
  assertThrowsMsg(
    () => torch.bartlettWindow(4, { periodic: 1 as any }),
    /bartlettWindow: periodic must be a boolean/,
  );
});
