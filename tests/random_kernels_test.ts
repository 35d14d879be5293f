/**
 * The WebAssembly random kernels (src/random_kernels.ts, assembly/random/) against the JavaScript
 * they replace (src/random_float_math.ts): the same float32 bits for every uniform the generator
 * can produce near the branch points (u = 0, the largest u, the log's octave edges, theta's octant
 * edges), for the means and deviations `normal_` and the initialisers pass, and for fills that
 * span several chunks of the module's memory. PyTorch's own values are checked through both paths
 * by tests/random_test.ts.
 */
import * as torch from "../mod.ts";
import { boxMuller16Avx2 } from "../src/random_float_math.ts";
import { boxMullerAvx2Wasm, randomKernelsAvailable, setRandomKernelsEnabled } from "../src/random_kernels.ts";
import { assert } from "./helpers.ts";

/** Indices where a and b differ bitwise (first few). */
function bitDiffs(a: Float32Array, b: Float32Array): number[] {
  const ai = new Int32Array(a.buffer, a.byteOffset, a.length);
  const bi = new Int32Array(b.buffer, b.byteOffset, b.length);
  const out: number[] = [];
  for (let i = 0; i < a.length && out.length < 5; i++) if (ai[i] !== bi[i]) out.push(i);
  return out;
}

/** Uniforms on the generator's grid (multiples of 2^-24 in [0, 1)), with the edge cases first. */
function uniforms(n: number, seed: number): Float32Array {
  const edges = [0, 1 - 2 ** -24, 0.5, 0.5 - 2 ** -24, 0.25, 0.125, 1 / 8 - 2 ** -24, 3 / 8, 5 / 8, 7 / 8];
  const g = new torch.Generator(seed);
  const u = g.uniformFill(new Float32Array(n), 0, 1);
  edges.forEach((v, i) => {
    if (i < n) u[i] = v;
    if (i + 8 < n) u[i + 8] = edges[(i + 3) % edges.length]; // the angle side of each pair too
  });
  return u;
}

Deno.test("random kernels: the WebAssembly Box-Muller equals the JavaScript bit for bit", () => {
  assert.ok(randomKernelsAvailable(), "the random kernels compile in Deno");
  const f = Math.fround;
  for (const [mean, std] of [[0, 1], [0, f(0.02)], [0.5, 2], [-3, f(0.1)], [f(1e-3), f(1e4)], [0, 0]]) {
    for (const n of [16, 64, 4096]) {
      const u = uniforms(n, n + 7);
      const js = u.slice();
      for (let i = 0; i < n; i += 16) boxMuller16Avx2(js, i, mean, std);
      const wasm = u.slice();
      assert.ok(boxMullerAvx2Wasm(wasm, mean, std), "the WebAssembly path ran");
      assert.deepEqual(bitDiffs(wasm, js), [], `mean ${mean}, std ${std}, n ${n}: differing indices`);
    }
  }
});

Deno.test("random kernels: fills longer than the module's memory, odd lengths and both paths of randn agree", () => {
  for (const n of [16, 17, 31, 1000, 16_400, 40_000]) {
    const viaWasm = new torch.Generator(11).normalFill(new Float32Array(n), 0.25, 3);
    const before = setRandomKernelsEnabled(false);
    let viaJs: Float32Array;
    try {
      assert.equal(randomKernelsAvailable(), false);
      viaJs = new torch.Generator(11).normalFill(new Float32Array(n), 0.25, 3);
    } finally {
      setRandomKernelsEnabled(before);
    }
    assert.deepEqual(bitDiffs(viaWasm, viaJs), [], `normalFill of ${n}`);
  }
});

Deno.test("random kernels: a length that is not a multiple of 16 is refused, leaving the values untouched", () => {
  const d = new Float32Array(20).fill(0.5);
  assert.equal(boxMullerAvx2Wasm(d, 0, 1), false);
  assert.ok(d.every((v) => v === 0.5));
});
